/*
** Tests of the threshold-frontier bisection (models/frontier.c) on
** synthetic predicates: the exact frontier is bracketed within the
** tolerance, probe counts are the predicted log2, integer ranges end on
** adjacent integers, holds-everywhere / broken-everywhere / predicate
** errors are reported as such, and range parsing accepts numbers and
** percentages and refuses bad ranges.
*/
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "frontier.h"

/* Breaks from `threshold` on; counts calls; returns -1 at `fail_at` call. */
typedef struct step {
    double threshold;
    uint32_t calls;
    uint32_t fail_at; /* 0: never */
} step;

static int step_probe(void *ctx, double v) {
    step *s = ctx;
    s->calls++;
    if (s->fail_at && s->calls == s->fail_at) return -1;
    return v >= s->threshold ? 1 : 0;
}

static sim_frontier_range range(const char *text) {
    sim_frontier_range r;
    assert_true(sim_frontier_parse_range(text, &r));
    return r;
}

static void test_frontier_finds_exact_threshold(void **state) {
    (void)state;
    sim_frontier_range r = range("0.6..0.9");
    step s = {.threshold = 0.8};
    sim_frontier_result res = sim_frontier_bisect(&r, 0, step_probe, &s);
    assert_int_equal(res.status, SIM_FRONTIER_FOUND);
    assert_true(res.holds < 0.8);
    assert_true(res.breaks >= 0.8);
    assert_true(res.breaks - res.holds <= 0.3 / 64 + 1e-12);
    /* 2 end probes + 6 halvings of 0.3 down to 0.3/64 */
    assert_int_equal(res.probes, 8);
    assert_int_equal(s.calls, 8);

    step t = {.threshold = 0.7};
    res = sim_frontier_bisect(&r, 0.001, step_probe, &t);
    assert_int_equal(res.status, SIM_FRONTIER_FOUND);
    assert_true(res.holds < 0.7 && res.breaks >= 0.7);
    assert_true(res.breaks - res.holds <= 0.001);
    /* 0.3 / 2^9 = 0.000586 <= 0.001 < 0.3 / 2^8 */
    assert_int_equal(res.probes, 2 + 9);
}

static void test_frontier_integer_range_ends_adjacent(void **state) {
    (void)state;
    sim_frontier_range r = range("4..100");
    assert_true(r.integer);
    step s = {.threshold = 37};
    sim_frontier_result res = sim_frontier_bisect(&r, 0.5, step_probe, &s);
    assert_int_equal(res.status, SIM_FRONTIER_FOUND);
    assert_true(res.holds == 36.0);
    assert_true(res.breaks == 37.0);
    assert_true(res.probes <= 2 + 7); /* ceil(log2(96)) */
    char buf[32];
    sim_frontier_format(&r, res.breaks, buf, sizeof buf);
    assert_string_equal(buf, "37");
}

static void test_frontier_holds_and_broken_everywhere(void **state) {
    (void)state;
    sim_frontier_range r = range("60%..90%");
    step never = {.threshold = 1000};
    sim_frontier_result res = sim_frontier_bisect(&r, 0, step_probe, &never);
    assert_int_equal(res.status, SIM_FRONTIER_HOLDS_EVERYWHERE);
    assert_int_equal(res.probes, 2);
    step always = {.threshold = -1000};
    res = sim_frontier_bisect(&r, 0, step_probe, &always);
    assert_int_equal(res.status, SIM_FRONTIER_BROKEN_EVERYWHERE);
    assert_int_equal(res.probes, 1);
    /* the threshold exactly at hi: found, breaks == hi */
    step at_hi = {.threshold = 90};
    res = sim_frontier_bisect(&r, 0, step_probe, &at_hi);
    assert_int_equal(res.status, SIM_FRONTIER_FOUND);
    assert_true(res.breaks == 90.0 && res.holds < 90.0 && res.holds >= 90.0 - 30.0 / 64);
    assert_string_equal(sim_frontier_status_name(SIM_FRONTIER_HOLDS_EVERYWHERE), "holds everywhere");
}

static void test_frontier_predicate_error_stops(void **state) {
    (void)state;
    sim_frontier_range r = range("0..1");
    r.integer = false;
    step s = {.threshold = 0.5, .fail_at = 4};
    sim_frontier_result res = sim_frontier_bisect(&r, 0, step_probe, &s);
    assert_int_equal(res.status, SIM_FRONTIER_ERROR);
    assert_int_equal(res.probes, 4);
    assert_int_equal(s.calls, 4);
}

static void test_frontier_parse_and_format(void **state) {
    (void)state;
    sim_frontier_range r;
    assert_true(sim_frontier_parse_range("0.6..0.9", &r));
    assert_false(r.percent);
    assert_false(r.integer);
    assert_true(fabs(r.lo - 0.6) < 1e-15 && fabs(r.hi - 0.9) < 1e-15);
    assert_true(sim_frontier_parse_range("60%..90%", &r));
    assert_true(r.percent && !r.integer && r.lo == 60.0 && r.hi == 90.0);
    char buf[32];
    sim_frontier_format(&r, 79.6875, buf, sizeof buf);
    assert_string_equal(buf, "79.6875%");
    assert_true(sim_frontier_parse_range("-3..7", &r));
    assert_true(r.integer && r.lo == -3.0);
    const char *bad[] = {"", "0.6", "0.6..", "..0.9", "0.9..0.6", "0.6..0.6", "60%..0.9", "0.6..90%",
                         "a..b", "0.6..0.9x", "nan..1", "0..inf", "1e999..2e999", "0.6...0.9"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(sim_frontier_parse_range(bad[i], &r));
    }
    assert_false(sim_frontier_parse_range(NULL, &r));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frontier_finds_exact_threshold),
        cmocka_unit_test(test_frontier_integer_range_ends_adjacent),
        cmocka_unit_test(test_frontier_holds_and_broken_everywhere),
        cmocka_unit_test(test_frontier_predicate_error_stops),
        cmocka_unit_test(test_frontier_parse_and_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
