/*
** Tests of expectations (models/expect.c): the metric table, bounds with
** their units, errors at their file:line:col (unknown metrics, wrong
** units, metrics the scenario cannot produce), evaluation against a
** hand-made summary, and the one-line messages `xrsim check` prints.
*/
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "world/expect_eval.h"
#include "world/world.h"

typedef struct loaded {
    sim_ydoc *doc;
    sim_diag *d;
    mdl_expect_config c;
    bool ok;
} loaded;

/* Loads `text` (a document with an `expect:` key) as t.yaml. */
static void load(loaded *l, const char *text, bool probes, bool verifiers, bool rollups) {
    memset(l, 0, sizeof *l);
    l->d = sim_diag_new();
    assert_non_null(l->d);
    l->doc = sim_ydoc_load_string("t.yaml", text, strlen(text), l->d);
    assert_non_null(l->doc);
    l->ok = mdl_expect_config_load(sim_ymap_get(sim_ydoc_root(l->doc), "expect"), probes, verifiers, rollups,
                                   &l->c, l->d);
}

static void unload(loaded *l) {
    mdl_expect_config_free(&l->c);
    sim_ydoc_free(l->doc);
    sim_diag_free(l->d);
}

static void test_expect_metric_table(void **state) {
    (void)state;
    size_t n = 0;
    const mdl_expect_metric *m = mdl_expect_metrics(&n);
    assert_true(n >= 30);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(m[i].name);
        assert_non_null(m[i].doc);
        assert_int_equal(mdl_expect_metric_find(m[i].name), (int)i); /* unique, findable */
        assert_non_null(strchr(m[i].name, '.'));
    }
    int p99 = mdl_expect_metric_find("fast.p99");
    assert_true(p99 >= 0);
    assert_int_equal(m[p99].unit, MDL_EXPECT_DURATION);
    assert_int_equal(m[p99].needs, MDL_EXPECT_NEEDS_ROLLUPS);
    assert_int_equal(m[mdl_expect_metric_find("finalized.executed_fraction")].unit, MDL_EXPECT_FRACTION);
    assert_int_equal(m[mdl_expect_metric_find("consensus.conflicts")].unit, MDL_EXPECT_COUNT);
    assert_int_equal(m[mdl_expect_metric_find("consensus.conflicts")].needs, MDL_EXPECT_NEEDS_VERIFIERS);
    assert_int_equal(m[mdl_expect_metric_find("messages.violations")].unit, MDL_EXPECT_COUNT);
    assert_int_equal(m[mdl_expect_metric_find("relayers.fee")].unit, MDL_EXPECT_ETH);
    assert_int_equal(mdl_expect_metric_find("fast.p95"), -1);
    assert_int_equal(mdl_expect_metric_find(""), -1);
    assert_string_equal(mdl_expect_unit_name(MDL_EXPECT_DURATION), "s");
    assert_string_equal(mdl_expect_unit_name(MDL_EXPECT_ETH), "ETH");
}

static void test_expect_bounds_with_units(void **state) {
    (void)state;
    loaded l;
    load(&l,
         "expect:\n"
         "  - {metric: fast.p99, max: 20s}\n"
         "  - {metric: fast.executed_fraction, min: 95%}\n"
         "  - {metric: finalized.executed_fraction, min: 0.5, max: 1}\n"
         "  - {metric: consensus.heights, min: 100}\n"
         "  - {metric: relayers.fee, max: 0.01 ETH}\n"
         "  - {metric: fast.cost_per_message, max: 30 gwei}\n"
         "  - {metric: relayers.fee, min: 100 ETH}\n"
         "  - {metric: consensus.max_stall, max: 1.5s}\n",
         false, true, true);
    assert_true(l.ok);
    assert_int_equal(sim_diag_count(l.d), 0);
    assert_int_equal(l.c.count, 9);
    const mdl_expect_bound *b = l.c.bounds;
    assert_int_equal(b[0].metric, (uint32_t)mdl_expect_metric_find("fast.p99"));
    assert_int_equal(b[0].kind, MDL_EXPECT_MAX);
    assert_true(b[0].bound == 20e9);
    assert_int_equal(b[0].line, 2);
    assert_int_equal(b[0].col, 29);
    assert_int_equal(b[1].kind, MDL_EXPECT_MIN);
    assert_true(fabs(b[1].bound - 0.95) < 1e-12);
    assert_int_equal(b[2].kind, MDL_EXPECT_MIN); /* min before max */
    assert_true(b[2].bound == 0.5);
    assert_int_equal(b[3].kind, MDL_EXPECT_MAX);
    assert_true(b[3].bound == 1.0);
    assert_true(b[4].bound == 100.0);
    assert_true(b[5].bound == 1e16);           /* wei */
    assert_true(b[6].bound == 30e9);
    assert_true(b[7].bound == 100e18);         /* above 2^64 wei: whole gwei */
    assert_true(b[8].bound == 1.5e9);
    unload(&l);

    /* empty or absent: no bounds, no errors */
    load(&l, "expect: []\n", false, false, false);
    assert_true(l.ok);
    assert_int_equal(l.c.count, 0);
    unload(&l);
    load(&l, "run: {duration: 1s}\n", false, false, false);
    assert_true(l.ok);
    assert_int_equal(l.c.count, 0);
    unload(&l);
}

static void test_expect_errors_at_their_place(void **state) {
    (void)state;
    loaded l;
    load(&l,
         "expect:\n"
         "  - {metric: consensus.heightz, max: 3}\n"
         "  - {metric: consensus.heights, min: 5s}\n"
         "  - {metric: consensus.max_stall, max: 5}\n"
         "  - {metric: fast.executed_fraction, min: 120%}\n"
         "  - {metric: consensus.heights}\n"
         "  - {metric: consensus.heights, min: 5, max: 2}\n"
         "  - {metric: consensus.heights, most: 2}\n"
         "  - {metric: network.latency_p99, max: 1s}\n"
         "  -\n",
         false, true, true);
    assert_false(l.ok);
    size_t n = sim_diag_count(l.d);
    assert_int_equal(n, 10);
    const char *m0 = sim_diag_message(l.d, 0);
    assert_non_null(strstr(m0, "t.yaml:2:14: error: unknown metric 'consensus.heightz'; known metrics: fast.emitted, "));
    assert_non_null(strstr(m0, ", consensus.heights, "));
    assert_non_null(strstr(m0, ", network.latency_max"));
    assert_string_equal(sim_diag_message(l.d, 1), "t.yaml:3:38: error: expected a non-negative integer, got '5s'");
    assert_non_null(strstr(sim_diag_message(l.d, 2), "t.yaml:4:40: error: expected a duration with a unit"));
    assert_non_null(strstr(sim_diag_message(l.d, 3), "t.yaml:5:43: error: value 120% out of range"));
    assert_string_equal(sim_diag_message(l.d, 4), "t.yaml:6:5: error: an expectation needs a bound: min, max or both");
    assert_string_equal(sim_diag_message(l.d, 5), "t.yaml:7:38: error: min is above max: no value can pass");
    assert_non_null(strstr(sim_diag_message(l.d, 6), "t.yaml:8:33:"));
    assert_non_null(strstr(sim_diag_message(l.d, 6), "unknown key 'most' in an expectation"));
    assert_string_equal(sim_diag_message(l.d, 8),
                        "t.yaml:9:14: error: metric 'network.latency_p99' needs probes, and this scenario has none");
    assert_non_null(strstr(sim_diag_message(l.d, 9), "t.yaml:10:4:"));
    assert_non_null(strstr(sim_diag_message(l.d, 9), "an expectation needs a metric and a bound"));
    unload(&l);

    load(&l, "expect: {metric: fast.p99, max: 20s}\n", false, true, true);
    assert_false(l.ok);
    assert_string_equal(sim_diag_message(l.d, 0),
                        "t.yaml:1:9: error: expect is a list of bounds, e.g. [{metric: fast.p99, max: 20s}]");
    unload(&l);

    load(&l, "expect:\n  - {metric: fast.p99, max: 20s}\n", false, true, false);
    assert_false(l.ok);
    assert_string_equal(sim_diag_message(l.d, 0),
                        "t.yaml:2:14: error: metric 'fast.p99' needs rollups, and this scenario has none");
    unload(&l);
}

/* A summary of a run with rollups and verifiers, numbers made up. */
static void fake_summary(mdl_world_summary *s) {
    memset(s, 0, sizeof *s);
    s->has_xchain = true;
    s->has_consensus = true;
    s->xchain.latest.emitted = 400;
    s->xchain.latest.executed = 379;
    s->xchain.latest.p50_ns = 3000000000ull;
    s->xchain.latest.p99_ns = 23400000000ull;
    /* 1000 gwei each: 600 of execution + 400 of L1 data fee (the metric is both) */
    s->xchain.latest.fee_wei_sum = 379ull * 600000000000ull;
    s->xchain.latest.l1_fee_wei_sum = 379ull * 400000000000ull;
    s->xchain.finalized.emitted = 10;                        /* none executed */
    s->consensus.heights_committed = 120;
    s->consensus.conflicts = 0;
}

static void test_expect_evaluate(void **state) {
    (void)state;
    loaded l;
    load(&l,
         "expect:\n"
         "  - {metric: fast.p99, max: 20s}\n"
         "  - {metric: fast.executed_fraction, min: 95%}\n"
         "  - {metric: consensus.conflicts, max: 0}\n"
         "  - {metric: consensus.heights, min: 100}\n"
         "  - {metric: finalized.p99, max: 30min}\n"
         "  - {metric: fast.p50, min: 3s, max: 3s}\n"
         "  - {metric: fast.cost_per_message, max: 999 gwei}\n"
         "  - {metric: fast.p99, max: 23.4s}\n",
         false, true, true);
    assert_true(l.ok);
    assert_int_equal(l.c.count, 9);
    mdl_world_summary s;
    fake_summary(&s);
    mdl_expect_outcome o[9];
    size_t violated = mdl_expect_evaluate(&l.c, &s, o);
    assert_int_equal(violated, 4);
    bool want[9] = {false, false, true, true, false, true, true, false, true};
    for (int i = 0; i < 9; i++) assert_int_equal(o[i].passed, want[i]);
    assert_true(o[0].value == 23.4e9);
    assert_true(o[1].value == 379.0 / 400.0);
    assert_false(o[4].has_value);

    char line[256];
    mdl_expect_format(&o[0], line, sizeof line);
    assert_string_equal(line, "fast.p99 = 23.4 s > max 20 s");
    mdl_expect_format(&o[3], line, sizeof line);
    assert_string_equal(line, "consensus.heights = 120 >= min 100");
    mdl_expect_format(&o[4], line, sizeof line);
    assert_string_equal(line, "finalized.p99 = n/a (no value in this run), max 1800 s");
    mdl_expect_format(&o[7], line, sizeof line);
    assert_string_equal(line, "fast.cost_per_message = 1000 gwei > max 999 gwei");
    mdl_expect_format(&o[8], line, sizeof line);
    assert_string_equal(line, "fast.p99 = 23.4 s <= max 23.4 s");

    /* a value just over the bound gets the digits to show it */
    mdl_world_summary s2 = s;
    s2.xchain.latest.p99_ns = 20000400000ull;
    violated = mdl_expect_evaluate(&l.c, &s2, o);
    mdl_expect_format(&o[0], line, sizeof line);
    assert_string_equal(line, "fast.p99 = 20.0004 s > max 20 s");

    /* without rollups in the run, rollup metrics have no value */
    mdl_world_summary s3 = s;
    s3.has_xchain = false;
    violated = mdl_expect_evaluate(&l.c, &s3, o);
    assert_int_equal(violated, 7);
    unload(&l);
}

static void test_expect_format_values(void **state) {
    (void)state;
    char b[64];
    mdl_expect_format_value(MDL_EXPECT_DURATION, 250e6, b, sizeof b);
    assert_string_equal(b, "250 ms");
    mdl_expect_format_value(MDL_EXPECT_DURATION, 0, b, sizeof b);
    assert_string_equal(b, "0 s");
    mdl_expect_format_value(MDL_EXPECT_FRACTION, 0.9851, b, sizeof b);
    assert_string_equal(b, "98.51%");
    mdl_expect_format_value(MDL_EXPECT_COUNT, 42, b, sizeof b);
    assert_string_equal(b, "42");
    mdl_expect_format_value(MDL_EXPECT_ETH, 1.5e18, b, sizeof b);
    assert_string_equal(b, "1.5 ETH");
    mdl_expect_format_value(MDL_EXPECT_ETH, 12, b, sizeof b);
    assert_string_equal(b, "12 wei");
    assert_true(mdl_expect_to_result_unit(MDL_EXPECT_DURATION, 1.5e9) == 1.5);
    assert_true(mdl_expect_to_result_unit(MDL_EXPECT_ETH, 2e18) == 2.0);
    assert_true(mdl_expect_to_result_unit(MDL_EXPECT_COUNT, 7) == 7.0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expect_metric_table),
        cmocka_unit_test(test_expect_bounds_with_units),
        cmocka_unit_test(test_expect_errors_at_their_place),
        cmocka_unit_test(test_expect_evaluate),
        cmocka_unit_test(test_expect_format_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
