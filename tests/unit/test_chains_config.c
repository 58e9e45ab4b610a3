/*
** Tests of the `l1:`, `rollups:` and `workload:` readers
** (models/chains_config.c): defaults for absent sections, every field read
** with its unit, presets applied and overridden field by field, all_pairs
** expansion, and errors reported at their exact file:line:col (unknown
** keys with suggestions, missing units, bad presets, duplicates, unknown
** rollups in routes, cross-field checks), several at once.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chain/chains_config.h"

#define S 1000000000ull
#define MS 1000000ull
#define GWEI 1000000000ull

typedef struct parsed {
    sim_diag *d;
    sim_ydoc *doc;
    mdl_l1_config l1;
    mdl_rollups_config rollups;
    mdl_workload_config wl;
    bool ok_l1, ok_rollups, ok_wl;
} parsed;

static void parse(parsed *p, const char *text) {
    memset(p, 0, sizeof *p);
    p->d = sim_diag_new();
    p->doc = sim_ydoc_load_string("s.yaml", text, strlen(text), p->d);
    assert_non_null(p->doc);
    const sim_ynode *root = sim_ydoc_root(p->doc);
    p->ok_l1 = mdl_l1_config_load(sim_ymap_get(root, "l1"), &p->l1, p->d);
    p->ok_rollups = mdl_rollups_config_load(sim_ymap_get(root, "rollups"), &p->rollups, p->d);
    p->ok_wl = mdl_workload_config_load(sim_ymap_get(root, "workload"), &p->rollups, &p->wl, p->d);
}

static void done(parsed *p) {
    mdl_rollups_config_free(&p->rollups);
    mdl_workload_config_free(&p->wl);
    sim_ydoc_free(p->doc);
    sim_diag_free(p->d);
}

/* d holds exactly the messages want (NULL-terminated). */
static void expect_msgs(const sim_diag *d, const char *const *want) {
    size_t n = 0;
    while (want[n]) n++;
    for (size_t i = 0; i < sim_diag_count(d) || i < n; i++) {
        const char *got = i < sim_diag_count(d) ? sim_diag_message(d, i) : "(none)";
        const char *exp = i < n ? want[i] : "(none)";
        if (strcmp(got, exp) != 0) fail_msg("message %zu:\n  got:  %s\n  want: %s", i, got, exp);
    }
}
#define EXPECT(d, ...) expect_msgs((d), (const char *const[]){__VA_ARGS__, NULL})

static void test_chains_config_defaults(void **state) {
    (void)state;
    parsed p;
    parse(&p, "run: {duration: 1s}\n");
    assert_true(p.ok_l1 && p.ok_rollups && p.ok_wl);
    assert_int_equal(sim_diag_count(p.d), 0);
    assert_int_equal(p.l1.slot_ns, 12 * S);
    assert_int_equal(p.l1.epoch_slots, 32);
    assert_int_equal(p.l1.finality_epochs, 2);
    assert_int_equal(p.l1.gas_limit, 30000000);
    assert_int_equal(p.l1.base_fee_wei, 10 * GWEI);
    assert_int_equal(p.rollups.count, 0);
    assert_int_equal(p.wl.count, 0);
    done(&p);
}

static void test_chains_config_l1_fields(void **state) {
    (void)state;
    parsed p;
    parse(&p,
          "l1:\n"
          "  slot: 6s\n"
          "  epoch_slots: 8\n"
          "  finality_epochs: 3\n"
          "  gas_limit: 36000000\n"
          "  base_fee: 25 gwei\n"
          "  min_base_fee: 7 wei\n"
          "  min_tip: 0.5 gwei\n"
          "  congestion: 80%\n"
          "  demand: {stddev: 0.2, elasticity: 2}\n"
          "  inclusion_delay: {model: uniform, min: 1s, max: 3s}\n"
          "  missed_slots: 1%\n");
    assert_true(p.ok_l1);
    assert_int_equal(sim_diag_count(p.d), 0);
    assert_int_equal(p.l1.slot_ns, 6 * S);
    assert_int_equal(p.l1.epoch_slots, 8);
    assert_int_equal(p.l1.finality_epochs, 3);
    assert_int_equal(p.l1.gas_limit, 36000000);
    assert_int_equal(p.l1.base_fee_wei, 25 * GWEI);
    assert_int_equal(p.l1.min_base_fee_wei, 7);
    assert_int_equal(p.l1.min_tip_wei, GWEI / 2);
    assert_true(p.l1.demand.congestion == 0.8 && p.l1.demand.stddev == 0.2 && p.l1.demand.elasticity == 2.0);
    assert_int_equal(p.l1.inclusion_delay.model, SIM_LAT_UNIFORM);
    assert_int_equal(p.l1.inclusion_delay.min_ns, 1 * S);
    assert_int_equal(p.l1.inclusion_delay.max_ns, 3 * S);
    assert_true(p.l1.missed_slot == 0.01);
    done(&p);
}

static void test_chains_config_presets_and_overrides(void **state) {
    (void)state;
    parsed p;
    parse(&p,
          "rollups:\n"
          "  - {name: arb1, chain_id: 42161, preset: arbitrum}\n"
          "  - {name: base, chain_id: 8453, preset: op, block_time: 1s, batch_interval: 2min,\n"
          "     reorg: {probability: 0.001, depth: 2}}\n"
          "  - name: zks\n"
          "    chain_id: 324\n"
          "    preset: zk\n"
          "    proof_delay: {model: constant, value: 10min}\n"
          "    reorg: {probability: 1%, depth: {min: 1, max: 4}}\n"
          "    xblocks: all\n"
          "    portal: {max_gas_limit: 1000000, max_data: 1 KiB, protocol_fee: 1 gwei}\n"
          "    fee_oracle: {interval: 30s, markup: 50%}\n"
          "  - {name: plain, chain_id: 7}\n");
    assert_true(p.ok_rollups);
    assert_int_equal(sim_diag_count(p.d), 0);
    assert_int_equal(p.rollups.count, 4);
    const mdl_rollup_config *a = &p.rollups.items[0], *b = &p.rollups.items[1];
    const mdl_rollup_config *z = &p.rollups.items[2], *o = &p.rollups.items[3];
    /* arbitrum as the preset says */
    assert_string_equal(a->name, "arb1");
    assert_int_equal(a->chain_id, 42161);
    assert_int_equal(a->preset, MDL_PRESET_ARBITRUM);
    assert_int_equal(a->block_time.model, SIM_LAT_CONSTANT);
    assert_int_equal(a->block_time.value_ns, 250 * MS);
    assert_int_equal(a->gas_limit, 32000000);
    assert_int_equal(a->min_base_fee_wei, GWEI / 100);
    assert_int_equal(a->batch_interval.model, SIM_LAT_UNIFORM);
    assert_int_equal(a->batch_interval.min_ns, 60 * S);
    assert_int_equal(a->batch_interval.max_ns, 300 * S);
    assert_false(a->proof);
    assert_true(a->reorg_probability == 0.0);
    assert_int_equal(a->xblocks, MDL_XBLOCKS_NONEMPTY);
    assert_null(mdl_rollup_config_check(a));
    /* op, with overrides */
    assert_int_equal(b->preset, MDL_PRESET_OP);
    assert_int_equal(b->block_time.model, SIM_LAT_CONSTANT);
    assert_int_equal(b->block_time.value_ns, 1 * S);
    assert_int_equal(b->batch_interval.value_ns, 120 * S);
    assert_true(b->reorg_probability == 0.001);
    assert_int_equal(b->reorg_depth_min, 2);
    assert_int_equal(b->reorg_depth_max, 2);
    assert_int_equal(b->gas_limit, 30000000); /* the preset's */
    /* zk with overrides everywhere */
    assert_true(z->proof);
    assert_int_equal(z->proof_delay.value_ns, 600 * S);
    assert_int_equal(z->proof_gas, 500000);
    assert_int_equal(z->block_time.model, SIM_LAT_UNIFORM);
    assert_true(z->reorg_probability == 0.01);
    assert_int_equal(z->reorg_depth_min, 1);
    assert_int_equal(z->reorg_depth_max, 4);
    assert_int_equal(z->xblocks, MDL_XBLOCKS_ALL);
    assert_int_equal(z->xmsg_max_gas_limit, 1000000);
    assert_int_equal(z->xmsg_max_data_bytes, 1024);
    assert_int_equal(z->fee_protocol_wei, GWEI);
    assert_int_equal(z->oracle_interval_ns, 30 * S);
    assert_true(z->oracle_markup == 0.5);
    /* no preset: op */
    assert_int_equal(o->preset, MDL_PRESET_OP);
    assert_int_equal(o->block_time.value_ns, 2 * S);
    assert_int_equal(mdl_rollups_config_find(&p.rollups, "zks"), 2);
    assert_int_equal(mdl_rollups_config_find(&p.rollups, "nope"), -1);
    done(&p);
}

static void test_chains_config_workload_routes_and_pairs(void **state) {
    (void)state;
    parsed p;
    parse(&p,
          "rollups:\n"
          "  - {name: a, chain_id: 1}\n"
          "  - {name: b, chain_id: 2}\n"
          "  - {name: c, chain_id: 3}\n"
          "workload:\n"
          "  routes:\n"
          "    - {from: a, to: b, rate: 5/s, size: 300 B, gas_limit: 150000,\n"
          "       value: {model: lognormal, median: 0.5 ETH, sigma: 1}, finalized: 30%}\n"
          "    - {from: c, to: a, rate: 120/min, arrival: bursty, on_time: 2s, off_time: 8s,\n"
          "       start: 1min, stop: 5min, size: {model: uniform, min: 100 B, max: 1 KB}}\n"
          "  all_pairs: {rate: 60/s, value: 1 ETH}\n");
    assert_true(p.ok_rollups && p.ok_wl);
    assert_int_equal(sim_diag_count(p.d), 0);
    assert_int_equal(p.wl.count, 2 + 6);
    const mdl_route_config *r0 = &p.wl.routes[0], *r1 = &p.wl.routes[1];
    assert_int_equal(r0->from, 0);
    assert_int_equal(r0->to, 1);
    assert_true(r0->rate_per_s == 5.0);
    assert_int_equal(r0->arrival, MDL_WL_POISSON);
    assert_int_equal(r0->size.value_ns, 300);
    assert_int_equal(r0->gas_limit, 150000);
    assert_int_equal(r0->value.model, SIM_LAT_LOGNORMAL);
    assert_int_equal(r0->value.median_ns, 500000000ull);
    assert_true(r0->finalized == 0.3);
    assert_int_equal(r0->stop_ns, UINT64_MAX);
    assert_int_equal(r1->from, 2);
    assert_int_equal(r1->to, 0);
    assert_true(r1->rate_per_s == 2.0);
    assert_int_equal(r1->arrival, MDL_WL_BURSTY);
    assert_int_equal(r1->on_ns, 2 * S);
    assert_int_equal(r1->off_ns, 8 * S);
    assert_int_equal(r1->start_ns, 60 * S);
    assert_int_equal(r1->stop_ns, 300 * S);
    assert_int_equal(r1->size.min_ns, 100);
    assert_int_equal(r1->size.max_ns, 1000);
    /* all pairs: 6 ordered pairs, 10/s each, 1 ETH each */
    bool seen[3][3] = {{false}};
    for (size_t i = 2; i < 8; i++) {
        const mdl_route_config *r = &p.wl.routes[i];
        assert_true(r->rate_per_s == 10.0);
        assert_int_equal(r->value.value_ns, 1000000000ull);
        assert_true(r->from != r->to);
        assert_false(seen[r->from][r->to]);
        seen[r->from][r->to] = true;
    }
    done(&p);
}

static void test_chains_config_l1_errors(void **state) {
    (void)state;
    parsed p;
    parse(&p,
          "l1:\n"
          "  slot: 12\n"
          "  epoch_slot: 32\n"
          "  base_fee: 1 gwei\n"
          "  min_base_fee: 2 gwei\n"
          "  congestion: 2\n"
          "  inclusion_delay: {model: uniform, min: 3s}\n");
    assert_false(p.ok_l1);
    EXPECT(p.d,
           "s.yaml:3:3: error: unknown key 'epoch_slot' in l1 (did you mean 'epoch_slots'?)",
           "s.yaml:2:9: error: expected a duration with a unit (ns, us, ms, s, m, min, h, d), got '12'",
           "s.yaml:4:13: error: base_fee (1000000000 wei) is below min_base_fee (2000000000 wei)",
           "s.yaml:6:15: error: value 2 out of range [0, 1]",
           "s.yaml:7:20: error: missing required key 'max'");
    done(&p);
    parse(&p,
          "l1:\n"
          "  slot: 12\n"
          "  base_fee: 1 gwei\n"
          "  min_base_fee: 2 gwei\n"
          "  congestion: 2\n"
          "  inclusion_delay: {model: uniform, min: 3s}\n"
          "  missed_slots: [1]\n");
    assert_false(p.ok_l1);
    EXPECT(p.d,
           "s.yaml:2:9: error: expected a duration with a unit (ns, us, ms, s, m, min, h, d), got '12'",
           "s.yaml:3:13: error: base_fee (1000000000 wei) is below min_base_fee (2000000000 wei)",
           "s.yaml:5:15: error: value 2 out of range [0, 1]",
           "s.yaml:6:20: error: missing required key 'max'",
           "s.yaml:7:17: error: expected a fraction (a number like 0.25 or a percentage like 25%), got a sequence");
    done(&p);
}

static void test_chains_config_rollup_errors(void **state) {
    (void)state;
    parsed p;
    parse(&p,
          "rollups:\n"
          "  - {name: a, chain_id: 1, preset: optimism}\n"
          "  - {name: b, chain_id: 0, block_time: 2}\n"
          "  - {name: a, chain_id: 5}\n"
          "  - {name: c, chain_id: 5, reorg: {probability: 0.1, depth: {min: 3, max: 2}}}\n"
          "  - {name: a, chain_id: 5, reorg: {depth: 2, probabilty: 1}}\n"
          "  - {name: d, chain_id: 9, blocktime: 1s, batch_interval: {model: normal, mean: 1min}}\n"
          "  - 42\n"
          "  - {chain_id: 10, base_fee: 1 wei, min_base_fee: 2 wei, portal: {max_data: 1 MiB}}\n"
          "  - {name: e, chain_id: 5}\n"
          "  - {name: a, chain_id: 11}\n");
    assert_false(p.ok_rollups);
    EXPECT(p.d,
           "s.yaml:2:36: error: expected one of 'op', 'arbitrum', 'zk', got 'optimism'",
           "s.yaml:3:25: error: value 0 out of range (at least 1)",
           "s.yaml:3:40: error: expected a duration with a unit (ns, us, ms, s, m, min, h, d), got '2'",
           "s.yaml:5:67: error: reorg depth min 3 exceeds max 2",
           "s.yaml:6:46: error: unknown key 'probabilty' in rollups[4].reorg (did you mean 'probability'?)",
           "s.yaml:7:28: error: unknown key 'blocktime' in rollups[5] (did you mean 'block_time'?)",
           "s.yaml:7:59: error: missing required key 'stddev'",
           "s.yaml:8:5: error: expected a mapping for rollups[6], e.g. {name: arb1, chain_id: 42161, preset: arbitrum}",
           "s.yaml:9:5: error: missing required key 'name'",
           "s.yaml:9:30: error: base_fee (1 wei) is below min_base_fee (2 wei)",
           "s.yaml:9:77: error: value 1MiB out of range [0B, 64KiB]",
           "s.yaml:10:25: error: chain_id 5 is used by rollup 'a' too",
           "s.yaml:11:12: error: rollup name 'a' is used twice");
    /* the good ones are there, in order */
    assert_int_equal(p.rollups.count, 1);
    assert_string_equal(p.rollups.items[0].name, "a");
    assert_int_equal(p.rollups.items[0].chain_id, 5);
    done(&p);
}

static void test_chains_config_workload_errors(void **state) {
    (void)state;
    parsed p;
    parse(&p,
          "rollups:\n"
          "  - {name: a, chain_id: 1}\n"
          "workload:\n"
          "  routes:\n"
          "    - {from: a, to: z, rate: 5/s}\n"
          "    - {from: a, to: a, rate: 5/s}\n"
          "    - {from: a, rate: 5}\n"
          "    - {from: a, to: a, rate: 1/s, on_time: 1s}\n"
          "    - {from: a, to: b, rate: 0/s, size: 200, finalized: 130%, stop: 0s, start: 1s}\n"
          "  all_pairs: {rate: 10/s, from: a}\n");
    assert_false(p.ok_wl);
    EXPECT(p.d,
           "s.yaml:5:21: error: unknown rollup 'z'",
           "s.yaml:6:21: error: a route needs two different rollups",
           "s.yaml:7:7: error: missing required key 'to'",
           "s.yaml:7:23: error: expected a rate with a unit (N/s, N/min, N/h), got '5'",
           "s.yaml:8:21: error: a route needs two different rollups",
           "s.yaml:9:21: error: unknown rollup 'b'",
           "s.yaml:9:30: error: rate must be greater than 0",
           "s.yaml:9:41: error: expected a size with a unit (B, KB, MB, GB, KiB, MiB, GiB), got '200'",
           "s.yaml:9:57: error: value 130% out of range [0%, 100%]",
           "s.yaml:9:69: error: value 0s out of range (at least 1ns)",
           "s.yaml:10:27: error: unknown key 'from' in workload.all_pairs; allowed keys: rate, arrival, "
           "on_time, off_time, size, gas_limit, value, finalized, calls, start, stop",
           "s.yaml:10:14: error: all_pairs needs at least two rollups");
    done(&p);
    parse(&p,
          "rollups:\n"
          "  - {name: a, chain_id: 1}\n"
          "workload: {all_pairs: {rate: 10/s}, route: []}\n");
    assert_false(p.ok_wl);
    EXPECT(p.d, "s.yaml:3:37: error: unknown key 'route' in workload (did you mean 'routes'?)",
           "s.yaml:3:23: error: all_pairs needs at least two rollups");
    done(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chains_config_defaults),
        cmocka_unit_test(test_chains_config_l1_fields),
        cmocka_unit_test(test_chains_config_presets_and_overrides),
        cmocka_unit_test(test_chains_config_workload_routes_and_pairs),
        cmocka_unit_test(test_chains_config_l1_errors),
        cmocka_unit_test(test_chains_config_rollup_errors),
        cmocka_unit_test(test_chains_config_workload_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
