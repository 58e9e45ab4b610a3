/*
** Determinism of whole runs: the same scenario and seed give the same event
** digest and the same summary, run after run and whatever ran before in the
** process; another seed gives another digest.  Checked for every latency
** model and with faults switched on, so each source of randomness is
** covered.
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

static const char *variants[] = {
    "network.latency={model: matrix, jitter: {model: lognormal, median: 1ms, sigma: 0.5}}",
    "network.latency={model: constant, value: 20ms}",
    "network.latency={model: uniform, min: 10ms, max: 90ms}",
    "network.latency={model: normal, mean: 40ms, stddev: 30ms}",
    "network.latency={model: lognormal, median: 40ms, sigma: 0.6}",
    "network.latency={model: pareto, scale: 20ms, alpha: 2.5}",
    "network.latency={model: exponential, mean: 30ms, floor: 5ms}",
};

static void run_once(const char *variant, const char *seed, mdl_world_summary *out) {
    const char *sets[] = {
        variant,
        seed,
        "network.loss=1%",
        "network.partitions=[{from: 10s, until: 20s, between: [region:us-east-1, probes], direction: one-way}]",
        "network.crashes=[{node: \"probes[3]\", at: 5s, restart: 25s}]",
        "run.duration=30s",
    };
    mdl_scenario s;
    sim_diag *d = sim_diag_new();
    assert_non_null(d);
    bool ok = mdl_scenario_load(&s, XRSIM_SOURCE_DIR "/tests/scenario/data/small.yaml", sets, 6, d);
    if (!ok) sim_diag_print(d, stderr);
    assert_true(ok);
    mdl_world *w = mdl_world_new(&s, d);
    if (!w) sim_diag_print(d, stderr);
    assert_non_null(w);
    sim_run_result r = mdl_world_run(w, NULL, NULL, NULL);
    assert_int_equal(r, SIM_RUN_UNTIL);
    assert_null(mdl_world_error(w));
    mdl_world_summary_get(w, out);
    mdl_world_free(w);
    mdl_scenario_free(&s);
    sim_diag_free(d);
}

static void test_determinism_same_seed_same_digest(void **state) {
    (void)state;
    for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
        mdl_world_summary a, b;
        run_once(variants[v], "run.seed=11", &a);
        run_once(variants[v], "run.seed=11", &b);
        assert_string_equal(a.digest, b.digest);
        assert_int_equal(a.events, b.events);
        assert_memory_equal(&a.net, &b.net, sizeof a.net);
        assert_int_equal(a.latency_p99_ns, b.latency_p99_ns);
        assert_true(a.net.dropped_loss > 0);
        assert_true(a.net.dropped_crash > 0);
        assert_true(a.net.dropped_partition > 0);
    }
}

static void test_determinism_other_seed_other_digest(void **state) {
    (void)state;
    for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
        mdl_world_summary a, b;
        run_once(variants[v], "run.seed=11", &a);
        run_once(variants[v], "run.seed=12", &b);
        assert_string_not_equal(a.digest, b.digest);
    }
}

static void test_determinism_models_differ(void **state) {
    (void)state;
    /* Every latency model changes the digest: none is silently ignored. */
    char seen[sizeof variants / sizeof variants[0]][33];
    for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
        mdl_world_summary a;
        run_once(variants[v], "run.seed=11", &a);
        memcpy(seen[v], a.digest, 33);
        for (size_t u = 0; u < v; u++) assert_string_not_equal(seen[u], seen[v]);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_determinism_same_seed_same_digest),
        cmocka_unit_test(test_determinism_other_seed_other_digest),
        cmocka_unit_test(test_determinism_models_differ),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
