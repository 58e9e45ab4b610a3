/*
** Cross-rollup messages end to end, over whole runs (issue #5's
** invariants): no message executes twice or out of stream order; with
** everyone honest and the network healed, every emitted message is
** executed by the end; a finalized message never executes before its
** source block is final on L1; fast messages take about source block time
** + consensus + destination block time.  Also: the same seed gives the same
** message lives.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "world/scenario.h"
#include "world/world.h"
#include "world_run.h"
#include "xr_types.h"

#define S 1000000000ull
#define SCENARIO XRSIM_SOURCE_DIR "/tests/scenario/data/e2e.yaml"

typedef xrtest_run run;

static void run_open(run *r, const char *const *sets, size_t n) { xrtest_run_open(r, SCENARIO, sets, n); }
static void run_close(run *r) { xrtest_run_close(r); }

static const mdl_messages *msgs_of(run *r) {
    mdl_xchain *x = mdl_world_xchain(r->w);
    assert_non_null(x);
    return mdl_xchain_messages(x);
}

/* Every message executed exactly once, in stream order, after its level. */
static void check_invariants(run *r, bool expect_all) {
    const mdl_messages *m = msgs_of(r);
    assert_int_equal(mdl_messages_violations(m), 0);
    size_t n = mdl_messages_count(m), live = 0, executed = 0;
    /* L1 finality: a slot is final at the start of epoch ceil(s/32) + 2,
    ** at least 64 slots (12.8 min) after the slot holding the batch. */
    const uint64_t min_finality_ns = 64 * 12 * S;
    for (size_t i = 0; i < n; i++) {
        const mdl_msg_life *l = mdl_messages_at(m, i);
        if (!l->live) continue;
        live++;
        if (l->executed_ns == MDL_NEVER) continue;
        executed++;
        assert_true(l->source_level_ns != MDL_NEVER);
        assert_true(l->executed_ns >= l->source_level_ns);
        assert_true(l->approved_ns <= l->submitted_ns && l->submitted_ns <= l->executed_ns);
        if (l->conf_level == XR_CONF_FINALIZED) {
            assert_true(l->source_level_ns >= l->source_block_ns + min_finality_ns);
        }
    }
    assert_true(live > 500);
    if (expect_all) assert_int_equal(executed, live);
}

static void test_e2e_every_message_once_in_order(void **state) {
    (void)state;
    run r;
    run_open(&r, NULL, 0);
    check_invariants(&r, true);
    run_close(&r);
}

static void test_e2e_fast_bound(void **state) {
    (void)state;
    /* Bound for a fast message, emitted to executed: the source block
    ** (op: 2 s) + watcher delay (<= 0.3 s) + the vote riding a precommit of
    ** height h and the block of h+1 committing it (3 heights of <= 1.3 s
    ** here, by the consensus p99 above) + relayer delay 0.2 s + the
    ** destination block (<= 2 s) = 8.4 s; 10 s leaves room for a round. */
    run r;
    run_open(&r, NULL, 0);
    const mdl_messages *m = msgs_of(&r);
    size_t fast = 0;
    for (size_t i = 0; i < mdl_messages_count(m); i++) {
        const mdl_msg_life *l = mdl_messages_at(m, i);
        if (!l->live || l->conf_level != XR_CONF_LATEST) continue;
        fast++;
        assert_true(l->executed_ns != MDL_NEVER);
        uint64_t t = l->executed_ns - l->emitted_ns;
        if (t > 10 * S) fail_msg("fast message %llu took %.2f s", (unsigned long long)l->id, (double)t / 1e9);
    }
    assert_true(fast > 300);
    run_close(&r);
}

static void test_e2e_faults_keep_order(void **state) {
    (void)state;
    /* Loss, a partition of two verifiers and a crashed verifier slow
    ** things down but never break stream order or execute twice. */
    const char *sets[] = {
        "network.loss=2%",
        "network.partitions=[{from: 60s, until: 120s, between: [\"verifiers[0]\", \"verifiers[1]\"]}]",
        "network.crashes=[{node: \"verifiers[6]\", at: 30s, restart: 200s}]",
    };
    run r;
    run_open(&r, sets, 3);
    check_invariants(&r, false);
    run_close(&r);
}

static void test_e2e_same_seed_same_lives(void **state) {
    (void)state;
    const char *sets[] = {"run.duration=6min"};
    run a, b;
    run_open(&a, sets, 1);
    run_open(&b, sets, 1);
    const mdl_messages *ma = msgs_of(&a), *mb = msgs_of(&b);
    assert_int_equal(mdl_messages_count(ma), mdl_messages_count(mb));
    for (size_t i = 0; i < mdl_messages_count(ma); i++) {
        assert_memory_equal(mdl_messages_at(ma, i), mdl_messages_at(mb, i), sizeof(mdl_msg_life));
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
        cmocka_unit_test(test_e2e_every_message_once_in_order),
        cmocka_unit_test(test_e2e_fast_bound),
        cmocka_unit_test(test_e2e_faults_keep_order),
        cmocka_unit_test(test_e2e_same_seed_same_lives),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
