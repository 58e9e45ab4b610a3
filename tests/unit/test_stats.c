/*
** sim/stats.c: the nearest-rank percentile the summaries use, and the
** speed-up the run summary prints (a run slower than real time must not
** read "0x real time").
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "stats.h"

static void test_stats_speedup_below_one_is_not_zero(void **state) {
    (void)state;
    char b[32];
    sim_stats_fmt_speedup(b, sizeof b, 0.25);
    assert_string_equal(b, "0.25x");
    sim_stats_fmt_speedup(b, sizeof b, 0.0123);
    assert_string_equal(b, "0.012x");
    sim_stats_fmt_speedup(b, sizeof b, 0.4);
    assert_string_equal(b, "0.4x");
    sim_stats_fmt_speedup(b, sizeof b, 3.24);
    assert_string_equal(b, "3.2x");
    sim_stats_fmt_speedup(b, sizeof b, 270.4);
    assert_string_equal(b, "270x");
    sim_stats_fmt_speedup(b, sizeof b, 0.0);
    assert_string_equal(b, "0x");
}

static void test_stats_percentile_nearest_rank(void **state) {
    (void)state;
    uint64_t v[] = {5, 1, 4, 2, 3};
    sim_stats_sort_u64(v, 5);
    assert_int_equal(sim_stats_percentile(v, 5, 50), 3);
    assert_int_equal(sim_stats_percentile(v, 5, 99), 5);
    assert_int_equal(sim_stats_percentile(v, 0, 50), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats_speedup_below_one_is_not_zero),
        cmocka_unit_test(test_stats_percentile_nearest_rank),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
