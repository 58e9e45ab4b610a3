/*
** Tests of analysis/an_compare: the bootstrap interval (deterministic,
** covering a known shift), and whole comparisons of result files built
** from the embedded schema in a mkdtemp directory: identical files report
** no change; a HEAD with slower finality is a regression, a faster one an
** improvement; a shift inside the tolerance is not reported; differing
** event digests give one line per run; parameters must match unless
** ignored; unknown metrics and foreign files are refused.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "an_compare.h"
#include "an_export.h"
#include "an_schema.h"
#include "sql.h"

typedef struct fixture {
    char dir[64];
    char base[128];
    char head[128];
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/xrsim-ancmp-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->base, sizeof f->base, "%s/base.db", f->dir);
    snprintf(f->head, sizeof f->head, "%s/head.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    unlink(f->base);
    unlink(f->head);
    assert_int_equal(rmdir(f->dir), 0);
    free(f);
    return 0;
}

typedef struct spec {
    int seeds;           /* runs with seeds 1..seeds */
    double latency_mul;  /* scales every message's finality */
    const char *digest;  /* event digest prefix */
    int param_x;         /* a parameter in params_json */
} spec;

/* A results file: per seed one ok run with 40 fast and 10 finalized
   executed messages (latencies vary with seed and message) and a
   consensus summary. */
static void make_db(const char *path, spec s) {
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    xrtest_sql_exec(db, an_schema_sql);
    char sql[1024];
    snprintf(sql, sizeof sql, "PRAGMA synchronous = OFF; PRAGMA application_id = %u; PRAGMA user_version = %d; BEGIN",
             (unsigned)AN_SCHEMA_APPLICATION_ID, AN_SCHEMA_VERSION);
    xrtest_sql_exec(db, sql);
    for (int seed = 1; seed <= s.seeds; seed++) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO runs (id, status, scenario_name, scenario_sha256, seed, params_json,"
                 " xrsim_version, git_commit, started_at, event_digest) VALUES (%d, 'ok', 'toy',"
                 " printf('%%064d', 5), %d, '{\"name\":\"toy\",\"run\":{\"seed\":%d},\"x\":%d}', '0.1.0', 'abc',"
                 " '2024-05-01T00:00:00.000Z', '%s%d');"
                 "INSERT INTO run_window VALUES (%d, 0, 600000000000);",
                 seed, seed, seed, s.param_x, s.digest, seed, seed);
        xrtest_sql_exec(db, sql);
        for (int m = 0; m < 50; m++) {
            double lat_s = (m < 40 ? 2.0 + 0.05 * m : 900.0 + m) * (1.0 + 0.02 * seed) * s.latency_mul;
            snprintf(sql, sizeof sql,
                     "INSERT INTO messages (run_id, msg_id, source_chain, dest_chain, level, shard, stream_offset,"
                     " size_bytes, gas_limit, fee_wei, value_gwei, emitted_ns, executed_ns, gas_used) VALUES"
                     " (%d, %d, 10, 42161, '%s', 0, %d, 200, 150000, 0, 0, %lld, %lld, 100000)",
                     seed, m, m < 40 ? "latest" : "finalized", m, (long long)m * 1000000000LL,
                     (long long)m * 1000000000LL + (long long)(lat_s * 1e9));
            xrtest_sql_exec(db, sql);
        }
        snprintf(sql, sizeof sql,
                 "INSERT INTO consensus_summary VALUES (%d, 7, 0, 7, 0, 100, 100, %lld, NULL, NULL, NULL, NULL, NULL,"
                 " 0, 0, 0, 0, 0, NULL, NULL, 0, 0, 0, 0, 0, 0, 0)",
                 seed, (long long)((1000.0 + 10.0 * seed) * 1e6));
        xrtest_sql_exec(db, sql);
    }
    xrtest_sql_exec(db, "COMMIT");
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* Runs the comparison into a string (caller frees). */
static char *compare(const fixture *f, const an_compare_opts *o, an_compare_result *res, int *rc) {
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    char err[1024] = "";
    *rc = an_compare_run(f->base, f->head, o, out, res, err, sizeof err);
    fclose(out);
    if (*rc) {
        free(buf);
        buf = strdup(err);
    }
    return buf;
}

static size_t count_of(const char *s, const char *needle) {
    size_t n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle)) n++;
    return n;
}

static void test_an_compare_bootstrap_is_deterministic_and_covers_the_shift(void **state) {
    (void)state;
    const double x[] = {10.0, 11.0, 9.5, 10.5, 10.2, 9.8};
    const double y[] = {12.0, 13.1, 11.4, 12.5, 12.3, 11.9};
    double lo1, hi1, lo2, hi2;
    assert_int_equal(an_compare_bootstrap(x, 6, y, 6, 4000, 7, &lo1, &hi1), 0);
    assert_int_equal(an_compare_bootstrap(x, 6, y, 6, 4000, 7, &lo2, &hi2), 0);
    assert_true(lo1 == lo2 && hi1 == hi2);
    double shift = 12.2 - 10.1666666; /* the difference of the means */
    assert_true(lo1 < shift && shift < hi1);
    assert_true(lo1 > 1.0 && hi1 < 3.0);
    /* identical samples: the interval holds 0 */
    assert_int_equal(an_compare_bootstrap(x, 6, x, 6, 4000, 7, &lo1, &hi1), 0);
    assert_true(lo1 <= 0.0 && hi1 >= 0.0);
}

static void test_an_compare_identical_files_report_no_change(void **state) {
    fixture *f = *state;
    make_db(f->base, (spec){5, 1.0, "d", 1});
    make_db(f->head, (spec){5, 1.0, "d", 1});
    an_compare_opts o = {.tolerance = 0.05};
    an_compare_result res;
    int rc;
    char *out = compare(f, &o, &res, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(res.groups, 1);
    assert_int_equal(res.pairs, 5);
    assert_int_equal(res.comparisons, 5);
    assert_int_equal(res.regressions, 0);
    assert_int_equal(res.improvements, 0);
    assert_int_equal(res.digest_mismatches, 0);
    assert_non_null(strstr(out, "no significant change beyond 5% in 5 comparisons"));
    free(out);
}

static void test_an_compare_slower_head_is_a_regression(void **state) {
    fixture *f = *state;
    make_db(f->base, (spec){5, 1.0, "d", 1});
    make_db(f->head, (spec){5, 1.3, "d", 1});
    an_compare_opts o = {.tolerance = 0.05};
    an_compare_result res;
    int rc;
    char *out = compare(f, &o, &res, &rc);
    assert_int_equal(rc, 0);
    /* the three finality metrics; height and gas did not move */
    assert_int_equal(res.regressions, 3);
    assert_int_equal(res.improvements, 0);
    assert_int_equal(count_of(out, "WORSE"), 3);
    assert_non_null(strstr(out, "toy#1  fast_p50_s "));
    assert_non_null(strstr(out, "+30.0%"));
    assert_null(strstr(out, "height_p50_ms  "));
    free(out);
}

static void test_an_compare_faster_head_is_an_improvement(void **state) {
    fixture *f = *state;
    make_db(f->base, (spec){4, 1.0, "d", 1});
    make_db(f->head, (spec){4, 0.5, "d", 1});
    const char *m[] = {"fast_p99_s", "executed_share"};
    an_compare_opts o = {.tolerance = 0.05, .metrics = m, .metric_count = 2};
    an_compare_result res;
    int rc;
    char *out = compare(f, &o, &res, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(res.comparisons, 2);
    assert_int_equal(res.regressions, 0);
    assert_int_equal(res.improvements, 1);
    assert_non_null(strstr(out, "-50.0%"));
    assert_non_null(strstr(out, "better"));
    free(out);
}

static void test_an_compare_change_within_tolerance_is_not_reported(void **state) {
    fixture *f = *state;
    make_db(f->base, (spec){5, 1.0, "d", 1});
    make_db(f->head, (spec){5, 1.3, "d", 1}); /* significant, 30% slower */
    an_compare_opts o = {.tolerance = 0.35};
    an_compare_result res;
    int rc;
    char *out = compare(f, &o, &res, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(res.regressions + res.improvements, 0);
    free(out);
    o.tolerance = 0.25;
    out = compare(f, &o, &res, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(res.regressions, 3);
    free(out);
}

static void test_an_compare_reports_each_digest_mismatch(void **state) {
    fixture *f = *state;
    make_db(f->base, (spec){3, 1.0, "aaaa", 1});
    make_db(f->head, (spec){4, 1.0, "bbbb", 1});
    an_compare_opts o = {.tolerance = 0.05};
    an_compare_result res;
    int rc;
    char *out = compare(f, &o, &res, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(res.pairs, 3);
    assert_int_equal(res.head_unmatched, 1);
    assert_int_equal(res.digest_mismatches, 3);
    assert_int_equal(count_of(out, "digest differs:"), 3);
    assert_non_null(strstr(out, "digest differs: toy#1 seed 2: BASE run 2 aaaa2, HEAD run 2 bbbb2\n"));
    assert_int_equal(res.regressions, 0);
    free(out);
}

static void test_an_compare_parameters_must_match_unless_ignored(void **state) {
    fixture *f = *state;
    make_db(f->base, (spec){3, 1.0, "d", 1});
    make_db(f->head, (spec){3, 2.0, "d", 2});
    an_compare_opts o = {.tolerance = 0.05};
    an_compare_result res;
    int rc;
    char *out = compare(f, &o, &res, &rc);
    assert_int_equal(rc, AN_ERR_NOTHING);
    assert_non_null(strstr(out, "nothing to compare"));
    free(out);
    const char *ign[] = {"x"};
    o.ignore = ign;
    o.ignore_count = 1;
    out = compare(f, &o, &res, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(res.pairs, 3);
    assert_int_equal(res.regressions, 3);
    free(out);
    const char *bad[] = {"x[[["};
    o.ignore = bad;
    out = compare(f, &o, &res, &rc);
    assert_int_equal(rc, AN_ERR_IGNORE);
    free(out);
}

static void test_an_compare_refuses_unknown_metric_and_bad_files(void **state) {
    fixture *f = *state;
    make_db(f->base, (spec){2, 1.0, "d", 1});
    const char *m[] = {"fast_p50_s", "p42_latency"};
    an_compare_opts o = {.tolerance = 0.05, .metrics = m, .metric_count = 2};
    an_compare_result res;
    int rc;
    char *out = compare(f, &o, &res, &rc);
    assert_int_equal(rc, AN_ERR_METRIC);
    assert_non_null(strstr(out, "unknown metric 'p42_latency'; known: fast_p50_s, fast_p99_s"));
    free(out);
    assert_true(an_compare_metric_known("gas_per_msg"));
    assert_false(an_compare_metric_known("p42_latency"));
    FILE *fp = fopen(f->head, "w");
    assert_non_null(fp);
    fputs("not a database at all, but long enough to be read as a header...........\n", fp);
    fclose(fp);
    o.metric_count = 1;
    out = compare(f, &o, &res, &rc);
    assert_int_equal(rc, AN_ERR_NOT_SQLITE);
    assert_non_null(strstr(out, "head.db' is not an xrsim results database"));
    free(out);
}

static void test_an_compare_single_seed_is_untested(void **state) {
    fixture *f = *state;
    make_db(f->base, (spec){1, 1.0, "d", 1});
    make_db(f->head, (spec){1, 2.0, "d", 1});
    an_compare_opts o = {.tolerance = 0.05};
    an_compare_result res;
    int rc;
    char *out = compare(f, &o, &res, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(res.comparisons, 0);
    assert_int_equal(res.untested, 5);
    assert_non_null(strstr(out, "5 untested (fewer than 2 seeds)"));
    free(out);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_an_compare_bootstrap_is_deterministic_and_covers_the_shift),
        cmocka_unit_test_setup_teardown(test_an_compare_identical_files_report_no_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_compare_slower_head_is_a_regression, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_compare_faster_head_is_an_improvement, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_compare_change_within_tolerance_is_not_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_compare_reports_each_digest_mismatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_compare_parameters_must_match_unless_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_compare_refuses_unknown_metric_and_bad_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_compare_single_seed_is_untested, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
