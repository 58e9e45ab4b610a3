/*
** Verification approaches over whole runs (issue 15): the same world
** (tests/scenario/data/attack.yaml: 7 equal verifiers, a coalition of 5
** forging one XBlock of arb at 20 s) under each approach, checking each
** approach's defining property on every message and on the run:
**   - restaked is today's path unchanged: the same digest and the same
**     numbers as a scenario without `verification:`;
**   - native never executes before the source's L1 settlement;
**   - optimistic never before its window, and never a forgery a live
**     watcher disputes;
**   - external: the forgery of k colluders executes and nobody is slashed;
**   - external_native_stake: slashing takes the dropped value.
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

#define S 1000000000ull
#define ETH 1000000000ull
#define SCENARIO XRSIM_SOURCE_DIR "/tests/scenario/data/attack.yaml"
#define NEVER MDL_APPROACH_NEVER

typedef struct run_out {
    char digest[33];
    mdl_verification_summary v;
    mdl_verdicts verdicts;
    xr_restake_totals ledger;
    uint64_t executed;
} run_out;

/* Runs attack.yaml with the overrides; `check` sees every message's outcome. */
typedef void (*msg_check)(const mdl_verification_config *c, const mdl_msg_life *l, const mdl_appr_outcome *o);

static void run(const char *const *sets, size_t n, msg_check check, run_out *out) {
    xrtest_run r;
    xrtest_run_open(&r, SCENARIO, sets, n);
    mdl_world_summary s;
    mdl_world_summary_get(r.w, &s);
    mdl_xchain *x = mdl_world_xchain(r.w);
    const mdl_verification_summary *v = mdl_xchain_verification(x);
    assert_non_null(v);
    memcpy(out->digest, s.digest, sizeof out->digest);
    out->v = *v;
    out->verdicts = s.xchain.verdicts;
    out->ledger = s.xchain.ledger;
    out->executed = 0;
    const mdl_messages *msgs = mdl_xchain_messages(x);
    const mdl_verification *host = mdl_xchain_verification_host(x);
    for (size_t i = 0; i < mdl_messages_count(msgs); i++) {
        const mdl_msg_life *l = mdl_messages_at(msgs, i);
        if (!l->live) continue;
        const mdl_appr_outcome *o = mdl_verification_outcome(host, i);
        out->executed += o->executed_ns != NEVER;
        if (check) check(&r.s.xchain.verification, l, o);
    }
    xrtest_run_close(&r);
}

static void test_approaches_restaked_is_unchanged(void **state) {
    (void)state;
    run_out plain, restaked;
    run(NULL, 0, NULL, &plain);
    const char *sets[] = {"verification.approach=restaked"};
    run(sets, 1, NULL, &restaked);
    assert_string_equal(plain.digest, restaked.digest);
    assert_int_equal(plain.v.approach, MDL_APPROACH_RESTAKED);
    assert_int_equal(plain.v.latest_p50_ns, restaked.v.latest_p50_ns);
    assert_int_equal(plain.v.executed, restaked.v.executed);
    /* restaked's numbers are the world's: the forgery executed, and was slashed */
    assert_true(plain.v.run.forge_attempted);
    assert_int_equal(plain.v.sec.forged_executed_gwei, plain.verdicts.forged_value_gwei);
    assert_true(plain.v.sec.slashed_value_gwei > 0);
    assert_int_equal(plain.v.run.committee_needed, 5); /* 5 of 7 equal verifiers exceed 2/3 */
    /* native, local and optimistic leave the world as it is */
    const char *others[] = {"verification.approach=native", "verification.approach=local",
                            "verification.approach=optimistic"};
    for (size_t i = 0; i < 3; i++) {
        run_out o;
        run(&others[i], 1, NULL, &o);
        assert_string_equal(o.digest, plain.digest);
    }
}

static void native_check(const mdl_verification_config *c, const mdl_msg_life *l, const mdl_appr_outcome *o) {
    (void)c;
    if (o->executed_ns == NEVER) return;
    assert_true(o->settled_ns != NEVER);
    assert_true(o->executed_ns >= o->settled_ns);
    /* every rollup here is optimistic: at least the shorter challenge period after the block */
    assert_true(o->settled_ns >= l->source_block_ns + 45818ull * 12 * S);
}

static void test_approaches_native_never_before_settlement(void **state) {
    (void)state;
    const char *sets[] = {"verification.approach=native"};
    run_out o;
    run(sets, 1, native_check, &o);
    assert_true(o.executed > 0); /* batches reached L1 in the run: times exist */
    assert_true(o.v.latest_p50_ns >= 45818ull * 12 * S);
    assert_int_equal(o.v.sec.forged_executed_gwei, 0);
    /* with zero challenge periods the batch inclusion is the bound */
    const char *zero[] = {"verification.approach=native", "verification.native.challenge_period.op=0s",
                          "verification.native.challenge_period.arbitrum=0s"};
    run(zero, 3, NULL, &o);
    assert_true(o.v.latest_p50_ns < 45818ull * 12 * S);
}

static void optimistic_check(const mdl_verification_config *c, const mdl_msg_life *l, const mdl_appr_outcome *o) {
    if (o->executed_ns == NEVER) return;
    assert_true(l->source_level_ns != MDL_NEVER);
    assert_true(o->executed_ns >= l->source_level_ns + c->optimistic.window_ns);
}

static void test_approaches_optimistic_window_and_disputes(void **state) {
    (void)state;
    const char *live[] = {"verification.approach=optimistic", "verification.optimistic.liveness=100%"};
    run_out o;
    run(live, 2, optimistic_check, &o);
    assert_true(o.v.run.forge_attempted);
    assert_int_equal(o.v.sec.watchers_live, 3);
    assert_int_equal(o.v.sec.forged_executed_gwei, 0); /* disputed */
    assert_int_equal(o.v.sec.slashed_value_gwei, 10 * ETH); /* the bond */
    const char *dead[] = {"verification.approach=optimistic", "verification.optimistic.liveness=0%"};
    run(dead, 2, optimistic_check, &o);
    assert_int_equal(o.v.sec.watchers_live, 0);
    assert_int_equal(o.v.sec.forged_executed_gwei, o.v.run.forge_value_gwei);
    assert_true(o.v.sec.forged_executed_gwei > 0);
    /* a live watcher too slow for the window does not stop it */
    const char *slow[] = {"verification.approach=optimistic", "verification.optimistic.liveness=100%",
                          "verification.optimistic.watcher_delay=31min"};
    run(slow, 3, optimistic_check, &o);
    assert_true(o.v.sec.forged_executed_gwei > 0);
}

static void test_approaches_external_forgery_executes_unslashed(void **state) {
    (void)state;
    const char *sets[] = {"verification.approach=external"};
    run_out o;
    run(sets, 1, NULL, &o);
    assert_int_equal(o.v.run.committee_needed, 5);
    assert_true(o.verdicts.forged_executed > 0); /* 5 colluders of 7: it executes */
    assert_int_equal(o.v.sec.forged_executed_gwei, o.verdicts.forged_value_gwei);
    assert_int_equal(o.ledger.slashed, 0);       /* nobody is slashed */
    assert_int_equal(o.v.sec.slashed_value_gwei, 0);
    assert_int_equal(o.v.sec.cost_of_corruption_gwei, 5 * ETH); /* 5 bribes of 1 ETH (the default) */
    /* 4 colluders are below the quorum: nothing forged executes */
    const char *four[] = {"verification.approach=external", "adversary.coalitions[0].stake_fraction=0.56"};
    run(four, 2, NULL, &o);
    assert_int_equal(o.verdicts.forged_executed, 0);
}

static void test_approaches_native_stake_takes_dropped_value(void **state) {
    (void)state;
    const char *sets[] = {"verification.approach=external_native_stake",
                          "verification.external_native_stake.price_drop=75%"};
    run_out o, r;
    run(sets, 2, NULL, &o);
    run(NULL, 0, NULL, &r);
    assert_string_equal(o.digest, r.digest); /* the same world slashes the same stake */
    assert_true(o.ledger.slashed > 0);
    assert_int_equal(o.v.run.committee_slashed_gwei, r.v.run.committee_slashed_gwei);
    assert_int_equal(o.v.sec.slashed_value_gwei, o.v.run.committee_slashed_gwei / 4);
    assert_int_equal(r.v.sec.slashed_value_gwei, r.v.run.committee_slashed_gwei);
    assert_true(o.v.sec.cost_of_corruption_gwei < r.v.sec.cost_of_corruption_gwei);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_approaches_restaked_is_unchanged),
        cmocka_unit_test(test_approaches_native_never_before_settlement),
        cmocka_unit_test(test_approaches_optimistic_window_and_disputes),
        cmocka_unit_test(test_approaches_external_forgery_executes_unslashed),
        cmocka_unit_test(test_approaches_native_stake_takes_dropped_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
