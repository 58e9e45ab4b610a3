/*
** Tests of the random streams (sim/rng.h): xoshiro256** against its
** reference outputs, the stream derivation (same tuple same sequence, any
** field changed a different one, streams independent of each other's
** existence), the GSL generator type (gsl_ran_* on it, raw and fast paths
** agree), and the range and uniformity of sim_rng_below.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_randist.h>

#include "rng.h"

static gsl_rng *must_new(uint64_t seed, uint32_t kind, uint32_t id, uint32_t purpose) {
    gsl_rng *r = sim_rng_new(seed, kind, id, purpose);
    assert_non_null(r);
    return r;
}

static void test_rng_xoshiro_reference_outputs(void **state) {
    (void)state;
    /* The reference implementation's first outputs from state {1, 2, 3, 4}. */
    static const uint64_t want[] = {
        11520u, 0u, 1509978240u, 1215971899390074240u, 1216172134540287360u,
        607988272756665600u, 16172922978634559625u, 8476171486693032832u,
        10595114339597558777u, 2904607092377533576u,
    };
    gsl_rng *r = must_new(0, 0, 0, 0);
    sim_rng_state *st = gsl_rng_state(r);
    assert_int_equal(gsl_rng_size(r), sizeof(sim_rng_state));
    st->s[0] = 1;
    st->s[1] = 2;
    st->s[2] = 3;
    st->s[3] = 4;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_int_equal(sim_rng_u64(r), want[i]);
    }
    gsl_rng_free(r);
}

static void test_rng_gsl_type_fields(void **state) {
    (void)state;
    gsl_rng *r = must_new(1, 2, 3, 4);
    assert_ptr_equal(r->type, sim_rng_xoshiro256ss);
    assert_string_equal(gsl_rng_name(r), "xoshiro256**");
    assert_int_equal(gsl_rng_min(r), 0);
    assert_int_equal(gsl_rng_max(r), UINT64_MAX);
    /* gsl_rng_get and the fast path advance the same state. */
    gsl_rng *c = gsl_rng_clone(r);
    assert_non_null(c);
    for (int i = 0; i < 100; i++) {
        assert_int_equal(gsl_rng_get(r), sim_rng_u64(c));
    }
    for (int i = 0; i < 100; i++) {
        double u = gsl_rng_uniform(r);
        assert_true(u == sim_rng_u01(c));
        assert_true(u >= 0.0 && u < 1.0);
    }
    /* gsl_rng_set with a seed reproduces the derived stream. */
    gsl_rng_set(c, sim_rng_derive(1, 2, 3, 4));
    gsl_rng *fresh = must_new(1, 2, 3, 4);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(sim_rng_u64(c), sim_rng_u64(fresh));
    }
    gsl_rng_free(fresh);
    gsl_rng_free(c);
    gsl_rng_free(r);
}

static void test_rng_same_stream_same_sequence(void **state) {
    (void)state;
    gsl_rng *a = must_new(42, 7, 1000, 3);
    gsl_rng *b = must_new(42, 7, 1000, 3);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(sim_rng_u64(a), sim_rng_u64(b));
    }
    assert_int_equal(sim_rng_derive(42, 7, 1000, 3), sim_rng_derive(42, 7, 1000, 3));
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/* First 4 draws of a stream, for comparing streams. */
static void first_draws(uint64_t seed, uint32_t kind, uint32_t id, uint32_t purpose, uint64_t out[4]) {
    gsl_rng *r = must_new(seed, kind, id, purpose);
    for (int i = 0; i < 4; i++) {
        out[i] = sim_rng_u64(r);
    }
    gsl_rng_free(r);
}

static void test_rng_any_field_changes_stream(void **state) {
    (void)state;
    uint64_t base[4], other[4];
    first_draws(42, 7, 1000, 3, base);
    const struct {
        uint64_t seed;
        uint32_t kind, id, purpose;
    } variants[] = {
        {43, 7, 1000, 3}, {42, 8, 1000, 3}, {42, 7, 1001, 3}, {42, 7, 1000, 4},
        /* fields do not stand in for each other */
        {42, 1000, 7, 3}, {42, 7, 3, 1000}, {42 ^ (UINT64_C(1) << 63), 7, 1000, 3},
        {0, 0, 0, 0},
    };
    for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
        first_draws(variants[v].seed, variants[v].kind, variants[v].id, variants[v].purpose, other);
        for (int i = 0; i < 4; i++) {
            assert_int_not_equal(base[i], other[i]);
        }
    }
    /* Neighbouring ids give unrelated seeds: about half the bits differ. */
    for (uint32_t id = 0; id < 64; id++) {
        uint64_t x = sim_rng_derive(1, 1, id, 1) ^ sim_rng_derive(1, 1, id + 1, 1);
        int bits = __builtin_popcountll(x);
        assert_true(bits >= 12 && bits <= 52);
    }
}

static void test_rng_adding_a_stream_changes_no_other(void **state) {
    (void)state;
    /* World 1: two verifiers' latency streams. */
    gsl_rng *a1 = must_new(9, 1, 0, 1);
    gsl_rng *b1 = must_new(9, 1, 1, 1);
    uint64_t a_draws[50], b_draws[50];
    for (int i = 0; i < 50; i++) {
        a_draws[i] = sim_rng_u64(a1);
        b_draws[i] = sim_rng_u64(b1);
    }
    /* World 2: a third verifier and a new purpose appear, draws interleave. */
    gsl_rng *c2 = must_new(9, 1, 2, 1);
    gsl_rng *p2 = must_new(9, 1, 0, 2);
    gsl_rng *b2 = must_new(9, 1, 1, 1);
    gsl_rng *a2 = must_new(9, 1, 0, 1);
    for (int i = 0; i < 50; i++) {
        (void)sim_rng_u64(c2);
        (void)sim_rng_u64(p2);
        assert_int_equal(sim_rng_u64(b2), b_draws[i]);
        (void)sim_rng_u64(c2);
        assert_int_equal(sim_rng_u64(a2), a_draws[i]);
    }
    gsl_rng *all[] = {a1, b1, c2, p2, b2, a2};
    for (size_t i = 0; i < 6; i++) {
        gsl_rng_free(all[i]);
    }
}

static void test_rng_gsl_exponential_mean(void **state) {
    (void)state;
    gsl_rng *r = must_new(2024, 3, 5, 1);
    const double mu = 2.5;
    const int n = 200000;
    double sum = 0, sumsq = 0;
    for (int i = 0; i < n; i++) {
        double x = gsl_ran_exponential(r, mu);
        assert_true(x >= 0);
        sum += x;
        sumsq += x * x;
    }
    double mean = sum / n;
    double var = sumsq / n - mean * mean;
    /* Standard error of the mean is mu / sqrt(n) = 0.0056. */
    assert_true(mean > mu - 0.03 && mean < mu + 0.03);
    assert_true(var > mu * mu * 0.95 && var < mu * mu * 1.05);
    /* Other distributions run on it too. */
    double g = 0;
    for (int i = 0; i < 10000; i++) {
        g += gsl_ran_gaussian(r, 1.0);
    }
    assert_true(g / 10000 > -0.05 && g / 10000 < 0.05);
    unsigned long k = gsl_rng_uniform_int(r, 1000);
    assert_true(k < 1000);
    gsl_rng_free(r);
}

static void test_rng_below_in_range_and_uniform(void **state) {
    (void)state;
    gsl_rng *r = must_new(77, 1, 1, 1);
    /* Ten cells, 100000 draws: chi-square with 9 degrees of freedom stays
    ** under 27.9 (p = 0.001) for a uniform generator. */
    enum { CELLS = 10, DRAWS = 100000 };
    unsigned count[CELLS] = {0};
    for (int i = 0; i < DRAWS; i++) {
        uint64_t v = sim_rng_below(r, CELLS);
        assert_true(v < CELLS);
        count[v]++;
    }
    double expect = (double)DRAWS / CELLS, chi2 = 0;
    for (int i = 0; i < CELLS; i++) {
        double d = count[i] - expect;
        chi2 += d * d / expect;
    }
    assert_true(chi2 < 27.9);
    /* Edge bounds, including ones where rejection is frequent. */
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(sim_rng_below(r, 1), 0);
        assert_true(sim_rng_below(r, 3) < 3);
        assert_true(sim_rng_below(r, (UINT64_C(1) << 63) + 1) <= (UINT64_C(1) << 63));
        assert_true(sim_rng_below(r, UINT64_MAX) < UINT64_MAX);
    }
    /* The top half of a huge range is hit about half the time. */
    int high = 0;
    for (int i = 0; i < 10000; i++) {
        high += sim_rng_below(r, (UINT64_C(3) << 62)) >= (UINT64_C(3) << 61);
    }
    assert_true(high > 4700 && high < 5300);
    gsl_rng_free(r);
}

static void test_rng_u01_in_unit_interval(void **state) {
    (void)state;
    gsl_rng *r = must_new(5, 5, 5, 5);
    gsl_rng *c = gsl_rng_clone(r);
    assert_non_null(c);
    double sum = 0;
    for (int i = 0; i < 100000; i++) {
        double u = sim_rng_u01(r);
        assert_true(u >= 0.0 && u < 1.0);
        assert_true(u == (double)(sim_rng_u64(c) >> 11) * 0x1.0p-53);
        sum += u;
    }
    assert_true(sum / 100000 > 0.495 && sum / 100000 < 0.505);
    gsl_rng_free(c);
    gsl_rng_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rng_xoshiro_reference_outputs),
        cmocka_unit_test(test_rng_gsl_type_fields),
        cmocka_unit_test(test_rng_same_stream_same_sequence),
        cmocka_unit_test(test_rng_any_field_changes_stream),
        cmocka_unit_test(test_rng_adding_a_stream_changes_no_other),
        cmocka_unit_test(test_rng_gsl_exponential_mean),
        cmocka_unit_test(test_rng_below_in_range_and_uniform),
        cmocka_unit_test(test_rng_u01_in_unit_interval),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
