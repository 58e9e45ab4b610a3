/*
** Tests of the sweep section (models/sweep.c) and its checking by the
** scenario loader: expansion order (first grid key slowest, seeds
** innermost), seeds as a count or a list, ranges, shard parsing and
** selection (the shards partition the points), and errors at their
** file:line:col -- including a grid key that is not a scenario value.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "world/scenario.h"
#include "sweep.h"

typedef struct loaded {
    sim_ydoc *doc;
    sim_diag *d;
    sim_sweep_config c;
    bool ok;
} loaded;

static void load(loaded *l, const char *text) {
    memset(l, 0, sizeof *l);
    l->d = sim_diag_new();
    assert_non_null(l->d);
    l->doc = sim_ydoc_load_string("t.yaml", text, strlen(text), l->d);
    assert_non_null(l->doc);
    l->ok = sim_sweep_config_load(sim_ymap_get(sim_ydoc_root(l->doc), "sweep"), &l->c, l->d);
}

static void unload(loaded *l) {
    sim_sweep_config_free(&l->c);
    sim_ydoc_free(l->doc);
    sim_diag_free(l->d);
}

/* The point's overrides joined by spaces. */
static void point_str(const sim_sweep_config *c, size_t i, char *buf, size_t len) {
    const char *sets[8];
    size_t n = sim_sweep_point_sets(c, i, sets);
    buf[0] = '\0';
    for (size_t k = 0; k < n; k++) {
        if (k) strncat(buf, " ", len - strlen(buf) - 1);
        strncat(buf, sets[k], len - strlen(buf) - 1);
    }
}

static bool has_message(const sim_diag *d, const char *needle) {
    for (size_t i = 0; i < sim_diag_count(d); i++) {
        if (strstr(sim_diag_message(d, i), needle)) return true;
    }
    return false;
}

static void test_sweep_expansion_order(void **state) {
    (void)state;
    loaded l;
    load(&l, "sweep:\n  grid:\n    consensus.quorum: [0.6, 0.67, 0.75]\n    network.loss: [0%, 1%]\n  seeds: 2\n");
    assert_true(l.ok);
    assert_int_equal(sim_sweep_point_count(&l.c), 12);
    char buf[256];
    point_str(&l.c, 0, buf, sizeof buf);
    assert_string_equal(buf, "consensus.quorum=0.6 network.loss=0% run.seed=1");
    point_str(&l.c, 1, buf, sizeof buf);
    assert_string_equal(buf, "consensus.quorum=0.6 network.loss=0% run.seed=2");
    point_str(&l.c, 2, buf, sizeof buf);
    assert_string_equal(buf, "consensus.quorum=0.6 network.loss=1% run.seed=1");
    point_str(&l.c, 4, buf, sizeof buf);
    assert_string_equal(buf, "consensus.quorum=0.67 network.loss=0% run.seed=1");
    point_str(&l.c, 11, buf, sizeof buf);
    assert_string_equal(buf, "consensus.quorum=0.75 network.loss=1% run.seed=2");
    unload(&l);
}

static void test_sweep_seeds_list_and_none(void **state) {
    (void)state;
    loaded l;
    load(&l, "sweep: {grid: {a.b: [x, \"y z\"]}, seeds: [7, 42]}\n");
    assert_true(l.ok);
    assert_int_equal(sim_sweep_point_count(&l.c), 4);
    char buf[256];
    point_str(&l.c, 3, buf, sizeof buf);
    assert_string_equal(buf, "a.b=\"y z\" run.seed=42");
    unload(&l);

    load(&l, "sweep: {grid: {a.b: [1, 2, 3]}}\n");
    assert_true(l.ok);
    assert_int_equal(sim_sweep_point_count(&l.c), 3);
    point_str(&l.c, 2, buf, sizeof buf);
    assert_string_equal(buf, "a.b=3");
    unload(&l);

    load(&l, "name: x\n");
    assert_true(l.ok);
    assert_false(l.c.present);
    assert_int_equal(sim_sweep_point_count(&l.c), 1);
    unload(&l);
}

static void test_sweep_ranges(void **state) {
    (void)state;
    loaded l;
    load(&l, "sweep: {grid: {consensus.quorum: {from: 0.6, to: 0.9, step: 0.05}}}\n");
    assert_true(l.ok);
    assert_int_equal(sim_sweep_point_count(&l.c), 7);
    char buf[256];
    point_str(&l.c, 0, buf, sizeof buf);
    assert_string_equal(buf, "consensus.quorum=0.6");
    point_str(&l.c, 3, buf, sizeof buf);
    assert_string_equal(buf, "consensus.quorum=0.75");
    point_str(&l.c, 6, buf, sizeof buf);
    assert_string_equal(buf, "consensus.quorum=0.9");
    unload(&l);

    load(&l, "sweep: {grid: {network.loss: {from: 0%, to: 2%, step: 0.5%}}, seeds: 1}\n");
    assert_true(l.ok);
    assert_int_equal(sim_sweep_point_count(&l.c), 5);
    point_str(&l.c, 4, buf, sizeof buf);
    assert_string_equal(buf, "network.loss=2% run.seed=1");
    unload(&l);

    load(&l, "sweep: {grid: {a: {from: 1%, to: 0.5, step: 0.1}}}\n");
    assert_false(l.ok);
    assert_true(has_message(l.d, "must all be numbers or all percentages"));
    unload(&l);
    load(&l, "sweep: {grid: {a: {from: 1, to: 0.5, step: 0.1}}}\n");
    assert_false(l.ok);
    assert_true(has_message(l.d, "t.yaml:1:33: error: to (0.5) is below from (1)"));
    unload(&l);
}

static void test_sweep_errors_have_marks(void **state) {
    (void)state;
    loaded l;
    load(&l, "sweep:\n  grid: {a: []}\n  seeds: 0\n  bogus: 1\n");
    assert_false(l.ok);
    assert_true(has_message(l.d, "t.yaml:4:3: error: unknown key 'bogus' in sweep"));
    unload(&l);

    /* a grid value may be a list or a mapping (issue 17: none beside lists), not a null */
    load(&l, "sweep:\n  grid: {a: [], b: [~], run.seed: [1]}\n  seeds: 0\n");
    assert_false(l.ok);
    assert_true(has_message(l.d, "t.yaml:2:13: error: grid key 'a' wants a non-empty list"));
    assert_true(has_message(l.d, "t.yaml:2:21: error: a grid value is a scalar"));
    assert_true(has_message(l.d, "t.yaml:3:10: error:"));
    assert_true(has_message(l.d, "t.yaml:2:25: error: run.seed is swept by sweep.seeds"));
    unload(&l);

    load(&l, "sweep: {seeds: [1, 2, 1]}\n");
    assert_false(l.ok);
    assert_true(has_message(l.d, "t.yaml:1:23: error: seed 1 is listed twice"));
    unload(&l);
}

static void test_sweep_shard_parse(void **state) {
    (void)state;
    uint32_t k = 0, n = 0;
    assert_true(sim_sweep_parse_shard("1/2", &k, &n));
    assert_int_equal(k, 1);
    assert_int_equal(n, 2);
    assert_true(sim_sweep_parse_shard("7/7", &k, &n));
    const char *bad[] = {"0/2", "3/2", "1/0", "a/b", "1/2x", "", "1", "/2", "1/", "-1/2", "1/-2", "1/ 2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        k = n = 99;
        assert_false(sim_sweep_parse_shard(bad[i], &k, &n));
        assert_int_equal(k, 99);
    }
}

static void test_sweep_shards_partition_points(void **state) {
    (void)state;
    for (uint32_t n = 1; n <= 4; n++) {
        for (size_t i = 0; i < 23; i++) {
            int owners = 0;
            for (uint32_t k = 1; k <= n; k++) owners += sim_sweep_in_shard(i, k, n) ? 1 : 0;
            assert_int_equal(owners, 1);
        }
    }
    assert_true(sim_sweep_in_shard(0, 1, 2));
    assert_true(sim_sweep_in_shard(3, 2, 2));
    assert_false(sim_sweep_in_shard(3, 1, 2));
}

/* The scenario loader applies each grid value to a copy and reloads it. */
static void test_sweep_scenario_checks_grid_keys(void **state) {
    (void)state;
    char path[] = "/tmp/test_sweep_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "run: {duration: 10s}\n"
                       "sweep:\n"
                       "  grid:\n"
                       "    run.warmup: [1s, 20s]\n"
                       "    run.durration: [5s]\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    sim_diag *d = sim_diag_new();
    mdl_scenario s;
    assert_false(mdl_scenario_load(&s, path, NULL, 0, d));
    mdl_scenario_free(&s);
    char want[256];
    snprintf(want, sizeof want, "%s:4:22: error: sweep value 'run.warmup=20s' does not apply: warm-up", path);
    assert_true(has_message(d, want));
    snprintf(want, sizeof want, "%s:5:21: error: sweep value 'run.durration=5s' does not apply: unknown key", path);
    assert_true(has_message(d, want));
    assert_int_equal(sim_diag_errors(d), 2);

    /* valid: the sweep is kept, and --set can change it */
    sim_diag_clear(d);
    const char *sets[] = {"sweep.grid={run.warmup: [1s, 2s, 3s]}", "sweep.seeds=2"};
    assert_true(mdl_scenario_load(&s, path, sets, 2, d));
    assert_true(s.sweep.present);
    assert_int_equal(sim_sweep_point_count(&s.sweep), 6);
    mdl_scenario_free(&s);
    sim_diag_free(d);
    unlink(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sweep_expansion_order),
        cmocka_unit_test(test_sweep_seeds_list_and_none),
        cmocka_unit_test(test_sweep_ranges),
        cmocka_unit_test(test_sweep_errors_have_marks),
        cmocka_unit_test(test_sweep_shard_parse),
        cmocka_unit_test(test_sweep_shards_partition_points),
        cmocka_unit_test(test_sweep_scenario_checks_grid_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
