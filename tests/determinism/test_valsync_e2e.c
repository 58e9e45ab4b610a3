/*
** Validator-set sync over whole runs (models/valsync.h), on
** scenarios/examples/valset-change.yaml: 5 verifiers, 3 rollups, two rounds
** of stake changes (one verifier leaves, later comes back).  Each new set
** activates on every verifier at one height, every portal installs it,
** messages approved after the switch (signed by the new set) execute,
** nothing executes twice or out of order, and every message is executed by
** the end.  A slow destination (blocks every 6 s) installs the set after
** the consensus switched: relayers hold new-set submissions until then.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "world/scenario.h"
#include "verifiers/valsync.h"
#include "world/world.h"
#include "world_run.h"
#include "world/xchain.h"
#include "xr_portal.h"
#include "xr_types.h"

#define SCENARIO XRSIM_SOURCE_DIR "/scenarios/examples/valset-change.yaml"

typedef xrtest_run run;

static void run_open(run *r, const char *const *sets, size_t n) { xrtest_run_open(r, SCENARIO, sets, n); }
static void run_close(run *r) { xrtest_run_close(r); }

/* Every invariant of the brief; returns how many messages were approved
** after the last set's activation (signed by it). */
static size_t check_run(run *r) {
    mdl_xchain *x = mdl_world_xchain(r->w);
    mdl_verifiers *vs = mdl_world_verifiers(r->w);
    assert_non_null(x);
    const mdl_valsync *v = mdl_xchain_valsync(x);
    assert_non_null(v);
    /* genesis + one set per round of changes (15 s and 40 s) */
    assert_int_equal(mdl_valsync_count(v), 3);
    uint64_t activated_ns[3] = {0, 0, 0};
    for (size_t k = 1; k < 3; k++) {
        mdl_valset_info in;
        mdl_valsync_get(v, k, &in);
        assert_int_equal(in.id, k + 1);
        assert_int_equal(in.state, MDL_VALSET_ACTIVE);
        assert_true(in.created_ns <= in.emitted_ns && in.emitted_ns <= in.approved_ns &&
                    in.approved_ns <= in.staged_ns);
        assert_true(in.activation_height > 0);
        mdl_height_info hi;
        assert_true(mdl_verifiers_height(vs, in.activation_height, &hi));
        assert_true(hi.committed);
        activated_ns[k] = hi.start_ns;
        assert_true(activated_ns[k] >= in.staged_ns);
        /* every portal installed it */
        for (size_t p = 0; p < 3; p++) {
            uint64_t t = mdl_valsync_installed_ns(v, k, p);
            assert_true(t != MDL_VALSYNC_NEVER);
            assert_true(t >= in.approved_ns);
        }
    }
    mdl_valset_info s1, s2;
    mdl_valsync_get(v, 1, &s1);
    mdl_valsync_get(v, 2, &s2);
    assert_int_equal(s1.member_count, 4); /* verifier 4 left */
    assert_int_equal(s1.total_power, 160000000000ull);
    assert_int_equal(s2.member_count, 5);
    assert_int_equal(s2.total_power, 256000000000ull);
    assert_true(s1.activation_height < s2.activation_height);
    /* every core runs the last set (every portal knows it: above) */
    for (uint32_t i = 0; i < mdl_verifiers_count(vs); i++) {
        assert_int_equal(xr_bft_valset(mdl_verifiers_bft(vs, i))->id, 3);
    }
    assert_int_equal(mdl_relayers_held(mdl_xchain_relayers(x)), 0);
    /* messages: once each, in order, all executed; some signed by set 3 */
    const mdl_messages *m = mdl_xchain_messages(x);
    assert_int_equal(mdl_messages_violations(m), 0);
    size_t live = 0, after = 0;
    for (size_t i = 0; i < mdl_messages_count(m); i++) {
        const mdl_msg_life *l = mdl_messages_at(m, i);
        if (!l->live) continue;
        live++;
        assert_true(l->executed_ns != MDL_NEVER);
        if (l->approved_ns > activated_ns[2]) after++;
    }
    assert_true(live > 150);
    return after;
}

static void test_valsync_e2e_sets_activate_and_install(void **state) {
    (void)state;
    run r;
    run_open(&r, NULL, 0);
    assert_true(check_run(&r) > 20);
    run_close(&r);
}

static void test_valsync_e2e_slow_portal_holds(void **state) {
    (void)state;
    /* op's blocks every 6 s: its portal installs each set well after the
    ** consensus switched, so new-set submissions to it must wait */
    const char *sets[] = {"rollups[1].block_time=6s"};
    run r;
    run_open(&r, sets, 1);
    assert_true(check_run(&r) > 20);
    const mdl_valsync *v = mdl_xchain_valsync(mdl_world_xchain(r.w));
    mdl_valset_info s1;
    mdl_valsync_get(v, 1, &s1);
    mdl_height_info hi;
    assert_true(mdl_verifiers_height(mdl_world_verifiers(r.w), s1.activation_height, &hi));
    /* op (index 1) installed set 2 after the first verifier switched */
    assert_true(mdl_valsync_installed_ns(v, 1, 1) > hi.start_ns);
    const mdl_relayers *rl = mdl_xchain_relayers(mdl_world_xchain(r.w));
    uint64_t held = 0;
    for (uint32_t i = 0; i < mdl_relayers_count(rl); i++) {
        mdl_relayer_stats st;
        mdl_relayers_stats(rl, i, &st);
        held += st.held;
    }
    assert_true(held > 0);
    run_close(&r);
}

static void test_valsync_e2e_same_seed_same_sets(void **state) {
    (void)state;
    run a, b;
    run_open(&a, NULL, 0);
    run_open(&b, NULL, 0);
    const mdl_valsync *va = mdl_xchain_valsync(mdl_world_xchain(a.w));
    const mdl_valsync *vb = mdl_xchain_valsync(mdl_world_xchain(b.w));
    assert_int_equal(mdl_valsync_count(va), mdl_valsync_count(vb));
    for (size_t k = 0; k < mdl_valsync_count(va); k++) {
        mdl_valset_info x, y;
        mdl_valsync_get(va, k, &x);
        mdl_valsync_get(vb, k, &y);
        assert_int_equal(x.id, y.id);
        assert_int_equal(x.created_ns, y.created_ns);
        assert_int_equal(x.approved_ns, y.approved_ns);
        assert_int_equal(x.activation_height, y.activation_height);
        assert_int_equal(x.active_ns, y.active_ns);
        for (size_t p = 0; p < 3; p++) {
            assert_int_equal(mdl_valsync_installed_ns(va, k, p), mdl_valsync_installed_ns(vb, k, p));
        }
    }
    mdl_world_summary sa, sb;
    mdl_world_summary_get(a.w, &sa);
    mdl_world_summary_get(b.w, &sb);
    assert_string_equal(sa.digest, sb.digest);
    run_close(&a);
    run_close(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valsync_e2e_sets_activate_and_install),
        cmocka_unit_test(test_valsync_e2e_slow_portal_holds),
        cmocka_unit_test(test_valsync_e2e_same_seed_same_sets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
