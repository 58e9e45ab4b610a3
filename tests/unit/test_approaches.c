/*
** The verification approaches' pure rules (models/approaches/), without a
** world: each approach's defining property on literal message facts, the
** security arithmetic, the registry and the `verification:` section.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "approaches/approach.h"
#include "world_run.h"
#include "xr_types.h"

#define S 1000000000ull
#define MIN (60ull * S)
#define DAY (86400ull * S)
#define ETH 1000000000ull /* gwei */
#define NEVER MDL_APPROACH_NEVER

static mdl_appr_msg msg(mdl_rollup_preset src, mdl_rollup_preset dst) {
    return (mdl_appr_msg){.conf_level = XR_CONF_LATEST, .source_preset = src, .dest_preset = dst,
                          .emitted_ns = 10 * S, .source_block_ns = 11 * S, .source_level_ns = 11 * S,
                          .batch_included_ns = 200 * S, .batch_settled_ns = 1000 * S, .executed_ns = 15 * S,
                          .committee_fee_wei = 777, .gas_limit = 100000, .xblock_msgs = 4,
                          .source_block_interval_ns = 2 * S, .dest_block_interval_ns = 250000000,
                          .source_gas_price_wei = 1000000, .dest_gas_price_wei = 10000000, .has_call = true};
}

static mdl_verification_config cfg(mdl_approach_kind k) {
    mdl_verification_config c;
    mdl_verification_config_default(&c);
    c.approach = k;
    return c;
}

static void test_approaches_registry_matches_names(void **state) {
    (void)state;
    for (int k = 0; k < MDL_APPROACH_COUNT; k++) {
        const mdl_approach_ops *o = mdl_approach_get((mdl_approach_kind)k);
        assert_string_equal(o->name, mdl_approach_names[k]);
        assert_non_null(o->message);
        assert_non_null(o->security);
    }
    assert_null(mdl_approach_names[MDL_APPROACH_COUNT]);
    /* only the multisig cannot slash; only the committee approaches keep the world's path */
    assert_false(mdl_approach_get(MDL_APPROACH_EXTERNAL)->slashing);
    assert_true(mdl_approach_get(MDL_APPROACH_RESTAKED)->slashing);
    assert_true(mdl_approach_get(MDL_APPROACH_EXTERNAL_NATIVE_STAKE)->slashing);
    assert_true(mdl_approach_get(MDL_APPROACH_RESTAKED)->committee);
    assert_false(mdl_approach_get(MDL_APPROACH_NATIVE)->committee);
}

/* native never executes before the source's L1 settlement: optimistic
** sources wait for batch inclusion + challenge period, zk ones for the
** proven batch's finality; then the destination's L1->L2 delay. */
static void test_approaches_native_waits_for_l1_settlement(void **state) {
    (void)state;
    mdl_verification_config c = cfg(MDL_APPROACH_NATIVE);
    const mdl_approach_ops *o = mdl_approach_get(MDL_APPROACH_NATIVE);
    for (int src = 0; src < MDL_PRESET_COUNT; src++) {
        for (int dst = 0; dst < MDL_PRESET_COUNT; dst++) {
            mdl_appr_msg m = msg((mdl_rollup_preset)src, (mdl_rollup_preset)dst);
            mdl_appr_outcome out;
            o->message(&c, &m, &out);
            assert_true(out.supported);
            uint64_t settled = src == MDL_PRESET_ZK ? m.batch_settled_ns
                                                    : m.batch_included_ns + c.native.challenge_ns[src];
            assert_int_equal(out.settled_ns, settled);
            assert_int_equal(out.executed_ns, settled + c.native.l1_to_l2_ns[dst]);
            assert_true(out.executed_ns >= m.batch_settled_ns || src != MDL_PRESET_ZK);
            assert_true(out.executed_ns > m.executed_ns); /* slower than the committee */
            /* proof gas + execution at the destination's price */
            assert_int_equal(out.cost_wei, (c.native.storage_proof_gas + m.gas_limit) * m.dest_gas_price_wei);
            /* a batch not on L1 (or not proven) by the end: never executes */
            m.batch_included_ns = NEVER;
            m.batch_settled_ns = NEVER;
            o->message(&c, &m, &out);
            assert_int_equal(out.executed_ns, NEVER);
            assert_int_equal(out.cost_wei, 0);
        }
    }
    /* the documented defaults */
    assert_int_equal(c.native.challenge_ns[MDL_PRESET_OP], 7 * DAY);
    assert_int_equal(c.native.challenge_ns[MDL_PRESET_ARBITRUM], 45818ull * 12 * S);
    /* corrupting native is attacking L1 finality: a third of the staked ETH */
    mdl_appr_run r = {.value_rate_gwei_per_s = 1e9, .forge_attempted = true, .forge_value_gwei = 100 * ETH};
    mdl_appr_security sec;
    o->security(&c, &r, &sec);
    assert_true(sec.corruptible);
    assert_int_equal(sec.cost_of_corruption_gwei, 34000000ull * ETH / 1000000 * 333333);
    assert_int_equal(sec.extractable_gwei, 0);
    assert_int_equal(sec.forged_executed_gwei, 0);
}

/* local carries value only; a call is unsupported; the claim follows the
** counterparty's lock, which waits for the sender's lock at its level. */
static void test_approaches_local_value_only(void **state) {
    (void)state;
    mdl_verification_config c = cfg(MDL_APPROACH_LOCAL);
    const mdl_approach_ops *o = mdl_approach_get(MDL_APPROACH_LOCAL);
    mdl_appr_msg m = msg(MDL_PRESET_OP, MDL_PRESET_ARBITRUM);
    mdl_appr_outcome out;
    o->message(&c, &m, &out);
    assert_false(out.supported);
    assert_int_equal(out.executed_ns, NEVER);
    m.has_call = false;
    o->message(&c, &m, &out);
    assert_true(out.supported);
    assert_int_equal(out.settled_ns, m.source_level_ns);
    assert_int_equal(out.executed_ns, m.source_level_ns + 2 * m.dest_block_interval_ns);
    uint64_t gas = c.local.lock_gas + c.local.claim_gas;
    assert_int_equal(out.cost_wei, gas * m.source_gas_price_wei + gas * m.dest_gas_price_wei);
    mdl_appr_run r = {.value_rate_gwei_per_s = 1e9};
    mdl_appr_security sec;
    o->security(&c, &r, &sec);
    assert_false(sec.corruptible);
    assert_int_equal(sec.extractable_gwei, 0);
}

/* optimistic never executes before its window, and never executes a
** forgery a live watcher disputes in time. */
static void test_approaches_optimistic_window_and_watchers(void **state) {
    (void)state;
    mdl_verification_config c = cfg(MDL_APPROACH_OPTIMISTIC);
    const mdl_approach_ops *o = mdl_approach_get(MDL_APPROACH_OPTIMISTIC);
    mdl_appr_msg m = msg(MDL_PRESET_ZK, MDL_PRESET_OP);
    mdl_appr_outcome out;
    o->message(&c, &m, &out);
    assert_int_equal(out.settled_ns, m.source_level_ns + c.optimistic.post_delay_ns);
    assert_true(out.executed_ns >= out.settled_ns + c.optimistic.window_ns);
    assert_int_equal(out.executed_ns, m.source_level_ns + c.optimistic.post_delay_ns + 30 * MIN);
    assert_int_equal(out.cost_wei,
                     (c.optimistic.post_gas / 4 + c.optimistic.verify_gas + m.gas_limit) * m.dest_gas_price_wei);

    mdl_optimistic_params p = c.optimistic;
    bool live[3] = {false, false, false};
    assert_true(mdl_optimistic_forgery_executes(&p, live, 3));  /* nobody watching */
    live[2] = true;
    assert_false(mdl_optimistic_forgery_executes(&p, live, 3)); /* one live watcher suffices */
    p.watcher_delay_ns = p.window_ns;                           /* ... if its dispute lands in time */
    assert_true(mdl_optimistic_forgery_executes(&p, live, 3));

    /* liveness 100 % / 0 %: every watcher / none, whatever the seed */
    p = c.optimistic;
    p.liveness_ppm = 1000000;
    for (uint64_t seed = 1; seed < 50; seed++) assert_true(mdl_optimistic_watcher_live(&p, seed, 0));
    p.liveness_ppm = 0;
    for (uint64_t seed = 1; seed < 50; seed++) assert_false(mdl_optimistic_watcher_live(&p, seed, 1));
    /* 90 %: about 9 in 10 */
    p.liveness_ppm = 900000;
    unsigned alive = 0;
    for (uint64_t seed = 1; seed <= 1000; seed++) alive += mdl_optimistic_watcher_live(&p, seed, 0);
    assert_in_range(alive, 860, 940);

    /* the run: a disputed forgery loses the bond; an undisputed one executes */
    mdl_appr_run r = {.seed = 7, .value_rate_gwei_per_s = 2 * ETH, .forge_attempted = true,
                      .forge_value_gwei = 100 * ETH};
    mdl_appr_security sec;
    c.optimistic.liveness_ppm = 1000000;
    o->security(&c, &r, &sec);
    assert_int_equal(sec.watchers_live, 3);
    assert_int_equal(sec.forged_executed_gwei, 0);
    assert_int_equal(sec.slashed_value_gwei, c.optimistic.bond_gwei);
    assert_int_equal(sec.cost_of_corruption_gwei, 3 * c.optimistic.watcher_bribe_gwei);
    assert_int_equal(sec.window_ns, 30 * MIN);
    assert_int_equal(sec.extractable_gwei, 2 * ETH * 1800);
    c.optimistic.liveness_ppm = 0;
    o->security(&c, &r, &sec);
    assert_int_equal(sec.watchers_live, 0);
    assert_int_equal(sec.forged_executed_gwei, 100 * ETH);
    assert_int_equal(sec.slashed_value_gwei, 0);
}

/* external: bribing k members is the whole cost; slashing takes nothing. */
static void test_approaches_external_costs_k_bribes(void **state) {
    (void)state;
    mdl_verification_config c = cfg(MDL_APPROACH_EXTERNAL);
    c.member_bribe_gwei = 3 * ETH;
    const mdl_approach_ops *o = mdl_approach_get(MDL_APPROACH_EXTERNAL);
    mdl_appr_run r = {.committee_size = 7, .committee_needed = 5, .quorum_stake_gwei = 160 * ETH,
                      .slash_ppm = 1000000, .value_rate_gwei_per_s = 1 * ETH, .provable_ns = 100 * S,
                      .forge_attempted = true, .forge_value_gwei = 100 * ETH, .committee_forged_gwei = 100 * ETH};
    mdl_appr_security sec;
    o->security(&c, &r, &sec);
    assert_int_equal(sec.cost_of_corruption_gwei, 15 * ETH);
    assert_int_equal(sec.extractable_gwei, 100 * ETH);
    assert_int_equal(sec.profit_gwei, (int64_t)(85 * ETH));
    assert_int_equal(sec.forged_executed_gwei, 100 * ETH);
    assert_int_equal(sec.slashed_value_gwei, 0);
    /* restaked on the same committee: the stake above the quorum too */
    o = mdl_approach_get(MDL_APPROACH_RESTAKED);
    r.committee_slashed_gwei = 160 * ETH;
    o->security(&c, &r, &sec);
    assert_int_equal(sec.cost_of_corruption_gwei, 175 * ETH);
    assert_int_equal(sec.slashed_value_gwei, 160 * ETH);
    assert_int_equal(sec.profit_gwei, -(int64_t)(75 * ETH));
    /* committee messages are the world's */
    mdl_appr_msg m = msg(MDL_PRESET_OP, MDL_PRESET_ZK);
    mdl_appr_outcome out;
    o->message(&c, &m, &out);
    assert_int_equal(out.executed_ns, m.executed_ns);
    assert_int_equal(out.cost_wei, m.committee_fee_wei);
}

/* external_native_stake: slashing takes the dropped value. */
static void test_approaches_native_stake_slashes_dropped_value(void **state) {
    (void)state;
    mdl_verification_config c = cfg(MDL_APPROACH_EXTERNAL_NATIVE_STAKE);
    const mdl_approach_ops *o = mdl_approach_get(MDL_APPROACH_EXTERNAL_NATIVE_STAKE);
    mdl_appr_run r = {.committee_needed = 5, .quorum_stake_gwei = 160 * ETH, .slash_ppm = 1000000,
                      .committee_slashed_gwei = 160 * ETH};
    mdl_appr_security sec;
    c.native_stake.price_drop_ppm = 500000;
    o->security(&c, &r, &sec);
    assert_int_equal(sec.slashed_value_gwei, 80 * ETH);
    assert_int_equal(sec.cost_of_corruption_gwei, 80 * ETH + 5 * c.member_bribe_gwei);
    c.native_stake.price_drop_ppm = 900000;
    o->security(&c, &r, &sec);
    assert_int_equal(sec.slashed_value_gwei, 16 * ETH);
    c.native_stake.price_drop_ppm = 0; /* no drop: restaked's numbers */
    o->security(&c, &r, &sec);
    mdl_appr_security re;
    mdl_approach_get(MDL_APPROACH_RESTAKED)->security(&c, &r, &re);
    assert_int_equal(sec.slashed_value_gwei, re.slashed_value_gwei);
    assert_int_equal(sec.cost_of_corruption_gwei, re.cost_of_corruption_gwei);
}

static void test_approaches_config_loads_and_rejects(void **state) {
    (void)state;
    const char *text = "verification:\n"
                       "  approach: optimistic\n"
                       "  member_bribe: 2 ETH\n"
                       "  native: {challenge_period: {op: 1d}, l1_to_l2_delay: {zk: 1min}}\n"
                       "  optimistic: {window: 1h, watchers: 5, liveness: 50%, bond: 3 ETH}\n"
                       "  external_native_stake: {price_drop: 25%}\n";
    sim_diag *d = sim_diag_new();
    sim_ydoc *doc = sim_ydoc_load_string("t.yaml", text, strlen(text), d);
    assert_non_null(doc);
    mdl_verification_config c;
    assert_true(mdl_verification_config_load(sim_ymap_get(sim_ydoc_root(doc), "verification"), &c, d));
    assert_int_equal(c.approach, MDL_APPROACH_OPTIMISTIC);
    assert_int_equal(c.member_bribe_gwei, 2 * ETH);
    assert_int_equal(c.native.challenge_ns[MDL_PRESET_OP], DAY);
    assert_int_equal(c.native.challenge_ns[MDL_PRESET_ARBITRUM], 45818ull * 12 * S); /* untouched */
    assert_int_equal(c.native.l1_to_l2_ns[MDL_PRESET_ZK], MIN);
    assert_int_equal(c.optimistic.window_ns, 3600 * S);
    assert_int_equal(c.optimistic.watchers, 5);
    assert_int_equal(c.optimistic.liveness_ppm, 500000);
    assert_int_equal(c.optimistic.bond_gwei, 3 * ETH);
    assert_int_equal(c.native_stake.price_drop_ppm, 250000);
    sim_ydoc_free(doc);
    /* absent: restaked */
    assert_true(mdl_verification_config_load(NULL, &c, d));
    assert_int_equal(c.approach, MDL_APPROACH_RESTAKED);
    /* an unknown approach, an unknown key, a missing unit, zk has no challenge period */
    const char *bad = "verification:\n"
                      "  approach: multisig\n"
                      "  natve: {}\n"
                      "  optimistic: {window: 30}\n"
                      "  native: {challenge_period: {zk: 1d}}\n";
    doc = sim_ydoc_load_string("b.yaml", bad, strlen(bad), d);
    assert_non_null(doc);
    size_t before = sim_diag_errors(d);
    assert_false(mdl_verification_config_load(sim_ymap_get(sim_ydoc_root(doc), "verification"), &c, d));
    assert_true(sim_diag_errors(d) >= before + 4);
    sim_ydoc_free(doc);
    sim_diag_free(d);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_approaches_registry_matches_names),
        cmocka_unit_test(test_approaches_native_waits_for_l1_settlement),
        cmocka_unit_test(test_approaches_local_value_only),
        cmocka_unit_test(test_approaches_optimistic_window_and_watchers),
        cmocka_unit_test(test_approaches_external_costs_k_bribes),
        cmocka_unit_test(test_approaches_native_stake_slashes_dropped_value),
        cmocka_unit_test(test_approaches_config_loads_and_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
