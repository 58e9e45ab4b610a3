/*
** Tests of analysis/an_report: the mean and its bootstrap interval on known
** values (deterministic), the grouping of runs into parameter points (the
** seed is not a parameter, a seed run twice counts once, failed runs are
** left out, the varying parameter is found and is a numeric axis), the
** safety / liveness verdict counts, the aligned tables, the HTML (tables,
** one <svg> per plot, nothing external), and refusal of foreign or empty
** files.  Result files are built from the embedded schema in a mkdtemp
** directory.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "an_export.h"
#include "an_report.h"
#include "an_schema.h"
#include "sql.h"

typedef struct fixture {
    char dir[64];
    char db[128];
    char html[128];
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/xrsim-anrep-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof f->db, "%s/r.db", f->dir);
    snprintf(f->html, sizeof f->html, "%s/r.html", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    unlink(f->db);
    unlink(f->html);
    assert_int_equal(rmdir(f->dir), 0);
    free(f);
    return 0;
}

/* Fast latency of message m (0..39) in a run with parameter x and seed. */
static double fast_latency_s(int m, int x, int seed) { return (2.0 + 0.05 * m) * (1.0 + 0.1 * x) * (1.0 + 0.02 * seed); }

static void add_run(sqlite3 *db, int id, const char *status, int seed, int x, long long stall_ns, int conflicts) {
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO runs (id, status, error, scenario_name, scenario_text, scenario_sha256, seed, params_json,"
             " xrsim_version, git_commit, started_at) VALUES (%d, '%s', %s, 'toy', 'name: toy', printf('%%064d', 5),"
             " %d, '{\"name\":\"toy\",\"run\":{\"seed\":%d,\"duration\":\"10min\"},\"x\":\"%dms\"}', '0.1.0', 'abc',"
             " '2024-05-01T00:00:00.000Z');"
             "INSERT INTO run_window VALUES (%d, 0, 600000000000);",
             id, status, strcmp(status, "ok") == 0 ? "NULL" : "'boom'", seed, seed, x, id);
    xrtest_sql_exec(db, sql);
    for (int m = 0; m < 50; m++) {
        double lat_s = m < 40 ? fast_latency_s(m, x, seed) : 900.0 + m;
        snprintf(sql, sizeof sql,
                 "INSERT INTO messages (run_id, msg_id, source_chain, dest_chain, level, shard, stream_offset,"
                 " size_bytes, gas_limit, fee_wei, value_gwei, emitted_ns, executed_ns, gas_used, dest_fee_wei)"
                 " VALUES (%d, %d, 10, 42161, '%s', 0, %d, 200, 150000, 0, 0, %lld, %lld, %d, 1000000000000)",
                 id, m, m < 40 ? "latest" : "finalized", m, (long long)m * 1000000000LL,
                 (long long)m * 1000000000LL + (long long)(lat_s * 1e9), 100000 + 1000 * x);
        xrtest_sql_exec(db, sql);
    }
    snprintf(sql, sizeof sql,
             "INSERT INTO consensus_summary (run_id, verifier_count, byzantine_count, total_power, byzantine_power,"
             " heights_committed_count, last_height, height_p50_ns, height_p99_ns, multi_round_count, max_stall_ns,"
             " max_stall_from_ns, xblocks_observed_count, attestations_approved_count, evidence_count, offender_count,"
             " conflict_count, approval_conflict_count, sig_sign_count, sig_verify_count, actions_dropped_count)"
             " VALUES (%d, 7, 0, 7, 0, %d, %d, %lld, %lld, 0, %lld, 0, 0, 0, 0, 0, %d, 0, 0, 0, 0)",
             id, 100 + x, 100 + x, (long long)((1000.0 + 10.0 * x) * 1e6), (long long)((1500.0 + 10.0 * x) * 1e6),
             stall_ns, conflicts);
    xrtest_sql_exec(db, sql);
}

static sqlite3 *db_create(const char *path) {
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    xrtest_sql_exec(db, an_schema_sql);
    char sql[256];
    snprintf(sql, sizeof sql, "PRAGMA synchronous = OFF; PRAGMA application_id = %u; PRAGMA user_version = %d; BEGIN",
             (unsigned)AN_SCHEMA_APPLICATION_ID, AN_SCHEMA_VERSION);
    xrtest_sql_exec(db, sql);
    return db;
}

static void db_close(sqlite3 *db) {
    xrtest_sql_exec(db, "COMMIT");
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* x = 400 (ids 1..3) and x = 200 (ids 4..6), seeds 1..3; id 7 repeats
   seed 2 of x = 200 (ignored), id 8 failed.  x = 400 seed 1 is unsafe and
   seed 3 stalled 40 s. */
static void make_sweep(const char *path) {
    sqlite3 *db = db_create(path);
    for (int s = 1; s <= 3; s++) add_run(db, s, "ok", s, 400, s == 3 ? 40000000000LL : 2000000000LL, s == 1);
    for (int s = 1; s <= 3; s++) add_run(db, 3 + s, "ok", s, 200, 2000000000LL, 0);
    add_run(db, 7, "ok", 2, 200, 90000000000LL, 3);
    add_run(db, 8, "failed", 4, 200, 90000000000LL, 3);
    db_close(db);
}

static size_t count_of(const char *s, const char *needle) {
    size_t n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle)) n++;
    return n;
}

static void test_an_report_mean_ci_is_deterministic_and_brackets_the_mean(void **state) {
    (void)state;
    const double v[] = {10.0, 11.0, 9.5, 10.5, 10.2, 9.8};
    an_report_stat a, b;
    assert_int_equal(an_report_mean_ci(v, 6, 7, &a), 0);
    assert_int_equal(an_report_mean_ci(v, 6, 7, &b), 0);
    assert_int_equal(a.n, 6);
    assert_true(fabs(a.mean - 61.0 / 6.0) < 1e-12);
    assert_true(a.lo == b.lo && a.hi == b.hi);
    assert_true(a.lo < a.mean && a.mean < a.hi);
    /* the mean of 6 resampled values stays inside [min, max], and the
       interval is much narrower than the range */
    assert_true(a.lo >= 9.5 && a.hi <= 11.0);
    assert_true(a.hi - a.lo < 1.0 && a.hi - a.lo > 0.2);
    /* one value: no spread */
    assert_int_equal(an_report_mean_ci(v, 1, 7, &a), 0);
    assert_true(a.mean == 10.0 && a.lo == 10.0 && a.hi == 10.0);
    /* equal values: a zero-width interval */
    const double c[] = {3.0, 3.0, 3.0};
    assert_int_equal(an_report_mean_ci(c, 3, 7, &a), 0);
    assert_true(a.lo == 3.0 && a.hi == 3.0);
}

static void test_an_report_groups_runs_into_points(void **state) {
    fixture *f = *state;
    make_sweep(f->db);
    an_report *r = NULL;
    char err[512] = "";
    assert_int_equal(an_report_load(f->db, 30.0, &r, err, sizeof err), 0);
    assert_int_equal(r->ok_runs, 7);
    assert_int_equal(r->point_count, 2);
    assert_int_equal(r->varying_count, 1);
    assert_string_equal(r->varying[0], "x");
    /* numeric with a unit: the points are sorted by it */
    assert_int_equal(r->numeric_axis, 1);
    assert_string_equal(r->axis_unit, "ms");
    assert_true(r->axis[0] == 200.0 && r->axis[1] == 400.0);
    const an_report_point *lo = &r->points[0], *hi = &r->points[1];
    assert_string_equal(lo->label, "P1");
    assert_string_equal(lo->values[0], "200ms");
    assert_int_equal(lo->seed_count, 3); /* the repeated seed 2 counts once */
    assert_int_equal(hi->seed_count, 3);
    assert_int_equal(lo->run_ids[0], 4);
    assert_int_equal(lo->run_ids[2], 6);
    /* nearest-rank p50 of 40 = the 20th value (m = 19), mean over seeds 1..3 */
    for (int p = 0; p < 2; p++) {
        int x = p ? 400 : 200;
        double want = (fast_latency_s(19, x, 1) + fast_latency_s(19, x, 2) + fast_latency_s(19, x, 3)) / 3.0;
        const an_report_stat *s = &r->points[p].stat[AN_REPORT_FAST_P50_S];
        assert_int_equal(s->n, 3);
        assert_true(fabs(s->mean - want) < 1e-6);
        assert_true(s->lo <= s->mean && s->mean <= s->hi);
        assert_true(s->lo >= fast_latency_s(19, x, 1) - 1e-6 && s->hi <= fast_latency_s(19, x, 3) + 1e-6);
    }
    assert_true(fabs(lo->stat[AN_REPORT_GAS_PER_MSG].mean - 300000.0) < 1e-6);
    assert_true(fabs(hi->stat[AN_REPORT_HEIGHT_P50_MS].mean - 5000.0) < 1e-6);
    assert_true(fabs(hi->stat[AN_REPORT_HEIGHTS].mean - 500.0) < 1e-9);
    assert_true(fabs(lo->stat[AN_REPORT_ETH_PER_MSG].mean - 1e-6) < 1e-15);
    /* verdicts: the duplicate run 7 (unsafe, stalled) is not counted */
    assert_int_equal(lo->consensus_runs, 3);
    assert_int_equal(lo->unsafe_runs, 0);
    assert_int_equal(lo->stalled_runs, 0);
    assert_int_equal(hi->unsafe_runs, 1);
    assert_int_equal(hi->stalled_runs, 1);
    an_report_free(r);
    /* a looser liveness rule: nothing stalled */
    assert_int_equal(an_report_load(f->db, 60.0, &r, err, sizeof err), 0);
    assert_int_equal(r->points[1].stalled_runs, 0);
    an_report_free(r);
}

static void test_an_report_prints_aligned_tables(void **state) {
    fixture *f = *state;
    make_sweep(f->db);
    an_report *r = NULL;
    char err[512] = "";
    assert_int_equal(an_report_load(f->db, 30.0, &r, err, sizeof err), 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_int_equal(an_report_print(r, out), 0);
    fclose(out);
    assert_non_null(strstr(buf, "7 ok runs in 2 parameter points; varying: x\n"));
    assert_non_null(strstr(buf, "\npoint  scenario  x      seeds  fast p50"));
    assert_non_null(strstr(buf, "\nP1     toy       200ms  3      "));
    assert_non_null(strstr(buf, "\nP2     toy       400ms  3      "));
    assert_non_null(strstr(buf, "0/3     0/3\n"));
    assert_non_null(strstr(buf, "1/3     1/3\n"));
    /* the columns line up: every row of the fast table has "seeds" data at one offset */
    const char *h = strstr(buf, "point  scenario  x      seeds  fast p50");
    const char *p1 = strstr(buf, "P1     toy");
    assert_non_null(h);
    assert_non_null(p1);
    const char *h_p90 = strstr(h, "fast p90"), *h_eol = strchr(h, '\n');
    assert_true(h_p90 < h_eol);
    assert_true(p1[h_p90 - h - 1] == ' ' && p1[h_p90 - h] != ' ');
    free(buf);
    an_report_free(r);
}

static void test_an_report_html_is_self_contained_with_tables_and_plots(void **state) {
    fixture *f = *state;
    make_sweep(f->db);
    an_report *r = NULL;
    char err[512] = "";
    assert_int_equal(an_report_load(f->db, 30.0, &r, err, sizeof err), 0);
    assert_int_equal(an_report_write_html_file(r, f->html, err, sizeof err), 0);
    an_report_free(r);
    FILE *in = fopen(f->html, "r");
    assert_non_null(in);
    static char html[1 << 20];
    size_t n = fread(html, 1, sizeof html - 1, in);
    fclose(in);
    html[n] = '\0';
    assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    assert_non_null(strstr(html, "</body>\n</html>\n"));
    assert_int_equal(count_of(html, "<table>"), 3);
    assert_int_equal(count_of(html, "</table>"), 3);
    assert_non_null(strstr(html, "<td>P2</td><td>toy</td><td>400ms</td><td>3</td>"));
    /* CDF latest, CDF finalized, fast p99 vs x, height p50 vs x */
    assert_int_equal(count_of(html, "<svg "), 4);
    assert_int_equal(count_of(html, "</svg>"), 4);
    assert_int_equal(count_of(html, "<polygon "), 2); /* the CI bands */
    assert_non_null(strstr(html, "Finality CDF, fast (latest) messages"));
    assert_non_null(strstr(html, "fast p99 finality (s) vs x"));
    assert_non_null(strstr(html, ">x (ms)</text>"));
    assert_null(strstr(html, "http"));
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "src="));
    assert_null(strstr(html, "url("));
    assert_null(strstr(html, "nan"));
    assert_int_equal(access(f->html, F_OK), 0);
    char tmp[160];
    snprintf(tmp, sizeof tmp, "%s.tmp", f->html);
    assert_int_not_equal(access(tmp, F_OK), 0);
}

static void test_an_report_one_point_has_no_axis(void **state) {
    fixture *f = *state;
    sqlite3 *db = db_create(f->db);
    add_run(db, 1, "ok", 1, 100, 0, 0);
    add_run(db, 2, "ok", 2, 100, 0, 0);
    db_close(db);
    an_report *r = NULL;
    char err[512] = "";
    assert_int_equal(an_report_load(f->db, 30.0, &r, err, sizeof err), 0);
    assert_int_equal(r->point_count, 1);
    assert_int_equal(r->varying_count, 0);
    assert_int_equal(r->numeric_axis, 0);
    assert_int_equal(r->points[0].seed_count, 2);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_int_equal(an_report_write_html(r, out, err, sizeof err), 0);
    fclose(out);
    assert_int_equal(count_of(buf, "<svg "), 2); /* the two CDFs only */
    free(buf);
    an_report_free(r);
}

static void test_an_report_refuses_foreign_and_empty_files(void **state) {
    fixture *f = *state;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    xrtest_sql_exec(db, "CREATE TABLE t (x)");
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    an_report *r = NULL;
    char err[512] = "";
    assert_int_equal(an_report_load(f->db, 30.0, &r, err, sizeof err), AN_EXPORT_ERR_FOREIGN);
    assert_null(r);
    assert_non_null(strstr(err, "not written by xrsim"));
    unlink(f->db);
    db = db_create(f->db);
    add_run(db, 1, "failed", 1, 100, 0, 0);
    db_close(db);
    assert_int_equal(an_report_load(f->db, 30.0, &r, err, sizeof err), AN_REPORT_ERR_NOTHING);
    assert_null(r);
    assert_non_null(strstr(err, "no ok run"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_an_report_mean_ci_is_deterministic_and_brackets_the_mean),
        cmocka_unit_test_setup_teardown(test_an_report_groups_runs_into_points, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_report_prints_aligned_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_report_html_is_self_contained_with_tables_and_plots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_report_one_point_has_no_axis, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_report_refuses_foreign_and_empty_files, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
