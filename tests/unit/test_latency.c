/*
** Tests of the latency models (sim/latency.c) and the region matrix reader
** (sim/regions.c): every distribution against its analytic CDF with a
** Kolmogorov-Smirnov statistic at fixed seeds, moments, bounds, parameter
** validation, the shipped AWS matrix entry by entry against an independent
** reading of the CSV, and the error positions of malformed CSV.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "latency.h"
#include "regions.h"
#include "rng.h"

#define MS 1000000ull
#define KS_N 20000u
/* Kolmogorov critical value at alpha = 0.001 is 1.95 / sqrt(n). */
#define KS_CRIT (1.95 / sqrt((double)KS_N))

static const char *aws_csv_path(void) {
    return XRSIM_SOURCE_DIR "/data/latency/aws-13-regions-oneway-ms.csv";
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Draws n samples of d from stream (seed, 7, 0, 1) into a new sorted array. */
static uint64_t *draw_sorted(const sim_lat_dist *d, uint64_t seed, size_t n) {
    gsl_rng *r = sim_rng_new(seed, 7u, 0u, 1u);
    assert_non_null(r);
    uint64_t *x = malloc(n * sizeof *x);
    assert_non_null(x);
    for (size_t i = 0; i < n; i++) {
        x[i] = sim_lat_sample_ns(d, r);
    }
    gsl_rng_free(r);
    qsort(x, n, sizeof *x, cmp_u64);
    return x;
}

/* The two-sided KS statistic of sorted samples against cdf_of. */
static double ks_stat(const uint64_t *x, size_t n, const sim_lat_dist *cdf_of) {
    double dmax = 0.0;
    for (size_t i = 0; i < n; i++) {
        double f = sim_lat_cdf(cdf_of, (double)x[i]);
        double lo = f - (double)i / (double)n;
        double hi = (double)(i + 1) / (double)n - f;
        if (lo > dmax) {
            dmax = lo;
        }
        if (hi > dmax) {
            dmax = hi;
        }
    }
    return dmax;
}

static double mean_of(const uint64_t *x, size_t n) {
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
        s += (double)x[i];
    }
    return s / (double)n;
}

static double sd_of(const uint64_t *x, size_t n) {
    double m = mean_of(x, n), s = 0.0;
    for (size_t i = 0; i < n; i++) {
        s += ((double)x[i] - m) * ((double)x[i] - m);
    }
    return sqrt(s / (double)(n - 1));
}

/* ---- distributions ------------------------------------------------------ */

static void test_latency_constant_is_exact(void **state) {
    (void)state;
    sim_lat_dist d = sim_lat_constant(50 * MS);
    uint64_t *x = draw_sorted(&d, 1, 100);
    assert_int_equal(x[0], 50 * MS);
    assert_int_equal(x[99], 50 * MS);
    assert_true(sim_lat_cdf(&d, 50.0 * MS) == 1.0);
    assert_true(sim_lat_cdf(&d, 50.0 * MS - 1.0) == 0.0);
    free(x);
}

static void test_latency_uniform_matches_distribution(void **state) {
    (void)state;
    sim_lat_dist d = sim_lat_uniform(10 * MS, 90 * MS);
    uint64_t *x = draw_sorted(&d, 11, KS_N);
    assert_true(x[0] >= 10 * MS);
    assert_true(x[KS_N - 1] <= 90 * MS);
    double D = ks_stat(x, KS_N, &d);
    assert_true(D < KS_CRIT);
    /* mean 50 ms, sd 80/sqrt(12) = 23.09 ms; SE of the mean 0.163 ms */
    assert_true(fabs(mean_of(x, KS_N) - 50.0 * MS) < 0.6 * MS);
    assert_true(fabs(sd_of(x, KS_N) - 80.0 * MS / sqrt(12.0)) < 0.5 * MS);
    free(x);
}

static void test_latency_uniform_inclusive_small_range(void **state) {
    (void)state;
    sim_lat_dist d = sim_lat_uniform(5, 7);
    uint64_t *x = draw_sorted(&d, 12, 3000);
    size_t c5 = 0, c6 = 0, c7 = 0;
    for (size_t i = 0; i < 3000; i++) {
        c5 += x[i] == 5;
        c6 += x[i] == 6;
        c7 += x[i] == 7;
    }
    assert_int_equal(c5 + c6 + c7, 3000);
    /* each about 1000, sd 25.8 */
    assert_true(c5 > 900 && c5 < 1100);
    assert_true(c6 > 900 && c6 < 1100);
    assert_true(c7 > 900 && c7 < 1100);
    free(x);
}

static void test_latency_normal_matches_distribution(void **state) {
    (void)state;
    sim_lat_dist d = sim_lat_normal(50 * MS, 10 * MS);
    uint64_t *x = draw_sorted(&d, 21, KS_N);
    assert_true(ks_stat(x, KS_N, &d) < KS_CRIT);
    assert_true(fabs(mean_of(x, KS_N) - 50.0 * MS) < 0.25 * MS);
    assert_true(fabs(sd_of(x, KS_N) - 10.0 * MS) < 0.25 * MS);
    free(x);
}

static void test_latency_normal_truncates_by_resampling(void **state) {
    (void)state;
    /* mean 5 ms, sd 10 ms: 31% of raw draws are negative. */
    sim_lat_dist d = sim_lat_normal(5 * MS, 10 * MS);
    uint64_t *x = draw_sorted(&d, 22, KS_N);
    /* Resampling leaves no atom at 0 (clamping would put ~6200 samples there). */
    size_t zeros = 0;
    for (size_t i = 0; i < KS_N && x[i] == 0; i++) {
        zeros++;
    }
    assert_true(zeros < 5);
    assert_true(ks_stat(x, KS_N, &d) < KS_CRIT);
    /* analytic mean of the truncated normal: 5 + 10 * phi(-0.5) / Q(-0.5) = 10.0916 ms */
    double m = sim_lat_mean_ns(&d);
    assert_true(fabs(m - 10.0916 * MS) < 0.001 * MS);
    assert_true(fabs(mean_of(x, KS_N) - m) < 0.2 * MS);
    free(x);
}

static void test_latency_lognormal_matches_distribution(void **state) {
    (void)state;
    sim_lat_dist d = sim_lat_lognormal(40 * MS, 0.6);
    uint64_t *x = draw_sorted(&d, 31, KS_N);
    assert_true(ks_stat(x, KS_N, &d) < KS_CRIT);
    /* sample median within 1.5% of 40 ms */
    double med = (double)x[KS_N / 2];
    assert_true(fabs(med - 40.0 * MS) < 0.015 * 40.0 * MS);
    /* mean 40 * exp(0.18) = 47.89 ms; sd of the mean about 0.2 ms */
    assert_true(fabs(mean_of(x, KS_N) - sim_lat_mean_ns(&d)) < 0.8 * MS);
    free(x);
}

static void test_latency_pareto_matches_distribution(void **state) {
    (void)state;
    sim_lat_dist d = sim_lat_pareto(20 * MS, 2.5);
    uint64_t *x = draw_sorted(&d, 41, KS_N);
    assert_true(x[0] >= 20 * MS);
    assert_true(ks_stat(x, KS_N, &d) < KS_CRIT);
    /* tail: P(X > 40 ms) = 0.5^2.5 = 0.1768 */
    size_t above = 0;
    for (size_t i = 0; i < KS_N; i++) {
        above += x[i] > 40 * MS;
    }
    assert_true(fabs((double)above / KS_N - 0.1768) < 0.01);
    assert_true(fabs(sim_lat_mean_ns(&d) - 33.3333 * MS) < 0.001 * MS);
    free(x);
}

static void test_latency_exponential_matches_distribution(void **state) {
    (void)state;
    sim_lat_dist d = sim_lat_exponential(30 * MS, 5 * MS);
    uint64_t *x = draw_sorted(&d, 51, KS_N);
    assert_true(x[0] >= 5 * MS);
    assert_true(ks_stat(x, KS_N, &d) < KS_CRIT);
    /* the mean includes the floor: 30 ms (sd of the mean 25/sqrt(n) = 0.18 ms) */
    assert_true(fabs(mean_of(x, KS_N) - 30.0 * MS) < 0.6 * MS);
    free(x);
}

static void test_latency_ks_detects_wrong_parameters(void **state) {
    (void)state;
    /* The statistic is sharp enough to notice a 15% error in a parameter. */
    sim_lat_dist d = sim_lat_lognormal(40 * MS, 0.6);
    sim_lat_dist wrong_sigma = sim_lat_lognormal(40 * MS, 0.69);
    sim_lat_dist wrong_median = sim_lat_lognormal(46 * MS, 0.6);
    uint64_t *x = draw_sorted(&d, 31, KS_N);
    assert_true(ks_stat(x, KS_N, &wrong_sigma) > KS_CRIT);
    assert_true(ks_stat(x, KS_N, &wrong_median) > KS_CRIT);
    free(x);
    sim_lat_dist e = sim_lat_exponential(30 * MS, 5 * MS);
    sim_lat_dist e_no_floor_in_mean = sim_lat_exponential(35 * MS, 5 * MS);
    x = draw_sorted(&e, 51, KS_N);
    assert_true(ks_stat(x, KS_N, &e_no_floor_in_mean) > KS_CRIT);
    free(x);
}

static void test_latency_same_seed_same_samples(void **state) {
    (void)state;
    sim_lat_dist d = sim_lat_lognormal(40 * MS, 0.6);
    gsl_rng *a = sim_rng_new(99, 7, 3, 1), *b = sim_rng_new(99, 7, 3, 1), *c = sim_rng_new(100, 7, 3, 1);
    size_t differ = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t xa = sim_lat_sample_ns(&d, a), xb = sim_lat_sample_ns(&d, b), xc = sim_lat_sample_ns(&d, c);
        assert_int_equal(xa, xb);
        differ += xa != xc;
    }
    assert_true(differ > 990);
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(c);
}

static void test_latency_check_rejects_bad_parameters(void **state) {
    (void)state;
    char why[256];
    sim_lat_dist ok[] = {
        sim_lat_constant(0), sim_lat_uniform(5, 5), sim_lat_normal(0, 0), sim_lat_lognormal(1, 10.0),
        sim_lat_pareto(1, 100.0), sim_lat_exponential(7, 7),
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_true(sim_lat_check(&ok[i], why, sizeof why));
    }
    struct {
        sim_lat_dist d;
        const char *needle;
    } bad[] = {
        {sim_lat_constant(SIM_LAT_MAX_NS + 1), "constant"},
        {sim_lat_uniform(20 * MS, 10 * MS), "min"},
        {sim_lat_normal(SIM_LAT_MAX_NS + 1, 0), "normal"},
        {sim_lat_lognormal(0, 0.5), "median"},
        {sim_lat_lognormal(40 * MS, 0.0), "sigma"},
        {sim_lat_lognormal(40 * MS, NAN), "sigma"},
        {sim_lat_pareto(0, 2.0), "scale"},
        {sim_lat_pareto(20 * MS, -1.0), "alpha"},
        {sim_lat_pareto(20 * MS, 101.0), "alpha"},
        {sim_lat_exponential(5 * MS, 6 * MS), "floor"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why[0] = '\0';
        assert_false(sim_lat_check(&bad[i].d, why, sizeof why));
        assert_non_null(strstr(why, bad[i].needle));
    }
}

static void test_latency_model_names_round_trip(void **state) {
    (void)state;
    for (int m = 0; m < SIM_LAT_MODEL_COUNT; m++) {
        sim_lat_model back;
        assert_true(sim_lat_model_parse(sim_lat_model_name((sim_lat_model)m), &back));
        assert_int_equal(back, m);
    }
    sim_lat_model back;
    assert_false(sim_lat_model_parse("matrix", &back));
    assert_false(sim_lat_model_parse("Normal", &back));
}

static void test_latency_pareto_tail_is_capped(void **state) {
    (void)state;
    /* alpha 0.05: P(X > cap) = (1e6 / 1e15)^0.05 = 0.35, so caps happen. */
    sim_lat_dist d = sim_lat_pareto(1000000, 0.05);
    uint64_t *x = draw_sorted(&d, 61, 2000);
    assert_int_equal(x[1999], SIM_LAT_MAX_NS);
    assert_true(x[0] >= 1000000);
    free(x);
}

/* ---- region matrix ------------------------------------------------------ */

static void test_regions_aws_matrix_matches_csv(void **state) {
    (void)state;
    sim_regions_error err;
    sim_regions *r = sim_regions_load(aws_csv_path(), &err);
    assert_non_null(r);
    assert_int_equal(sim_regions_count(r), 13);
    /* An independent reading with sscanf: every cell. */
    FILE *f = fopen(aws_csv_path(), "r");
    assert_non_null(f);
    char line[1024];
    assert_non_null(fgets(line, sizeof line, f));
    uint32_t row = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        char *comma = strchr(line, ',');
        assert_non_null(comma);
        *comma = '\0';
        uint32_t from = sim_regions_find(r, line);
        assert_int_not_equal(from, SIM_REGION_NONE);
        char *p = comma + 1;
        for (uint32_t to = 0; to < 13; to++) {
            char *end;
            long ms = strtol(p, &end, 10);
            assert_true(end != p);
            assert_int_equal(sim_regions_base_ns(r, from, to), (uint64_t)ms * MS);
            p = end + 1;
        }
        row++;
    }
    fclose(f);
    assert_int_equal(row, 13);
    /* Spot checks, including the asymmetric pair. */
    uint32_t va = sim_regions_find(r, "N_Virginia"), ca = sim_regions_find(r, "Canada");
    uint32_t tk = sim_regions_find(r, "Tokyo"), se = sim_regions_find(r, "Seoul");
    assert_int_equal(sim_regions_base_ns(r, va, ca), 7 * MS);
    assert_int_equal(sim_regions_base_ns(r, tk, se), 16 * MS);
    assert_int_equal(sim_regions_base_ns(r, se, tk), 17 * MS);
    assert_int_equal(sim_regions_base_ns(r, tk, tk), 0);
    sim_regions_free(r);
}

static void test_regions_aliases_and_case(void **state) {
    (void)state;
    sim_regions_error err;
    sim_regions *r = sim_regions_load(aws_csv_path(), &err);
    assert_non_null(r);
    assert_int_equal(sim_regions_find(r, "us-east-1"), sim_regions_find(r, "N_Virginia"));
    assert_int_equal(sim_regions_find(r, "n_virginia"), sim_regions_find(r, "N_Virginia"));
    assert_int_equal(sim_regions_find(r, "AP-NORTHEAST-2"), sim_regions_find(r, "Seoul"));
    assert_int_equal(sim_regions_find(r, "eu-west-2"), sim_regions_find(r, "London"));
    assert_int_equal(sim_regions_find(r, "mars-1"), SIM_REGION_NONE);
    assert_string_equal(sim_regions_name(r, 0), "N_Virginia");
    sim_regions_free(r);
}

static void test_regions_decimals_are_exact(void **state) {
    (void)state;
    const char *csv = "# a comment\r\n\r\nFrom/to, a , b\r\nb,1.5,0.000001\r\na, 0 ,3600000\r\n";
    sim_regions_error err;
    sim_regions *r = sim_regions_parse(csv, strlen(csv), &err);
    assert_non_null(r);
    uint32_t a = sim_regions_find(r, "a"), b = sim_regions_find(r, "b");
    assert_int_equal(a, 0);
    assert_int_equal(b, 1);
    assert_int_equal(sim_regions_base_ns(r, b, a), 1500000);
    assert_int_equal(sim_regions_base_ns(r, b, b), 1);
    assert_int_equal(sim_regions_base_ns(r, a, a), 0);
    assert_int_equal(sim_regions_base_ns(r, a, b), 3600000ull * MS);
    sim_regions_free(r);
}

static void test_regions_malformed_csv_reports_line_and_column(void **state) {
    (void)state;
    static const struct {
        const char *csv;
        uint32_t line, col;
        const char *needle;
    } cases[] = {
        {"", 1, 1, "empty"},
        {"\n# only a comment\n", 2, 1, "empty"},
        {"From/to\n", 1, 1, "at least one region"},
        {"From/to,a,,c\n", 1, 11, "empty region name"},
        {"From/to,a,A\n", 1, 11, "duplicate"},
        {"From/to,a,b\na,0,1\nb,2\n", 3, 1, "fewer cells"},
        {"From/to,a,b\na,0,1,4\n", 2, 1, "more cells"},
        {"From/to,a,b\na,0,x1\n", 2, 5, "not a delay"},
        {"From/to,a,b\na,0,-1\n", 2, 5, "not a delay"},
        {"From/to,a,b\na,0,1.2345678\n", 2, 5, "not a delay"},
        {"From/to,a,b\na,0,1.\n", 2, 5, "not a delay"},
        {"From/to,a,b\na,0,3600001\n", 2, 5, "not a delay"},
        {"From/to,a,b\na,0, 1e3\n", 2, 6, "not a delay"},
        {"From/to,a,b\nc,0,1\n", 2, 1, "not a region of the header"},
        {"From/to,a,b\na,0,1\na,0,1\n", 3, 1, "second row"},
        {"From/to,a,b\na,0,1\n", 2, 1, "missing row for region 'b'"},
        {"From/to,\"a\",b\n", 1, 9, "quoted"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sim_regions_error err;
        sim_regions *r = sim_regions_parse(cases[i].csv, strlen(cases[i].csv), &err);
        if (r != NULL || err.line != cases[i].line || err.col != cases[i].col ||
            strstr(err.message, cases[i].needle) == NULL) {
            print_error("case %zu: got %u:%u: %s\n", i, err.line, err.col, err.message);
            sim_regions_free(r);
            fail();
        }
    }
}

static void test_regions_missing_file_is_a_file_level_error(void **state) {
    (void)state;
    sim_regions_error err;
    sim_regions *r = sim_regions_load(XRSIM_SOURCE_DIR "/data/latency/no-such.csv", &err);
    assert_null(r);
    assert_int_equal(err.line, 0);
    assert_non_null(strstr(err.message, "cannot open"));
    assert_non_null(strstr(err.message, "no-such.csv"));
    /* a directory opens but cannot be read */
    r = sim_regions_load(XRSIM_SOURCE_DIR "/data/latency", &err);
    assert_null(r);
    assert_int_equal(err.line, 0);
    assert_non_null(strstr(err.message, "cannot read"));
}

static void test_latency_matrix_adds_base_and_jitter(void **state) {
    (void)state;
    sim_regions_error err;
    sim_regions *r = sim_regions_load(aws_csv_path(), &err);
    assert_non_null(r);
    uint32_t lon = sim_regions_find(r, "London"), syd = sim_regions_find(r, "Sydney");
    gsl_rng *g = sim_rng_new(5, 7, 0, 1);
    sim_latency m = {.matrix = true, .dist = sim_lat_constant(0)};
    assert_int_equal(sim_latency_sample_ns(&m, r, lon, syd, g), 131 * MS);
    assert_int_equal(sim_latency_sample_ns(&m, r, syd, lon, g), 131 * MS);
    m.dist = sim_lat_uniform(1 * MS, 3 * MS);
    uint64_t lo = UINT64_MAX, hi = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = sim_latency_sample_ns(&m, r, lon, syd, g);
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
    }
    assert_true(lo >= 132 * MS && lo < 132 * MS + MS / 10);
    assert_true(hi <= 134 * MS && hi > 134 * MS - MS / 10);
    /* a non-matrix model ignores the regions */
    sim_latency plain = {.matrix = false, .dist = sim_lat_constant(9)};
    assert_int_equal(sim_latency_sample_ns(&plain, NULL, 0, 0, g), 9);
    gsl_rng_free(g);
    sim_regions_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latency_constant_is_exact),
        cmocka_unit_test(test_latency_uniform_matches_distribution),
        cmocka_unit_test(test_latency_uniform_inclusive_small_range),
        cmocka_unit_test(test_latency_normal_matches_distribution),
        cmocka_unit_test(test_latency_normal_truncates_by_resampling),
        cmocka_unit_test(test_latency_lognormal_matches_distribution),
        cmocka_unit_test(test_latency_pareto_matches_distribution),
        cmocka_unit_test(test_latency_exponential_matches_distribution),
        cmocka_unit_test(test_latency_ks_detects_wrong_parameters),
        cmocka_unit_test(test_latency_same_seed_same_samples),
        cmocka_unit_test(test_latency_check_rejects_bad_parameters),
        cmocka_unit_test(test_latency_model_names_round_trip),
        cmocka_unit_test(test_latency_pareto_tail_is_capped),
        cmocka_unit_test(test_regions_aws_matrix_matches_csv),
        cmocka_unit_test(test_regions_aliases_and_case),
        cmocka_unit_test(test_regions_decimals_are_exact),
        cmocka_unit_test(test_regions_malformed_csv_reports_line_and_column),
        cmocka_unit_test(test_regions_missing_file_is_a_file_level_error),
        cmocka_unit_test(test_latency_matrix_adds_base_and_jitter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
