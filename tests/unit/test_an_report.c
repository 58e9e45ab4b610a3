/*
** Tests of analysis/an_report: the mean and its bootstrap interval on known
** values (deterministic), the grouping of runs into parameter points (the
** seed is not a parameter, a seed run twice counts once, failed runs are
** left out, the varying parameter is found and is a numeric axis), the
** safety / liveness verdict counts, the aligned tables, the HTML (tables,
** one <svg> per plot, nothing external), and refusal of foreign or empty
** files.  Schema 2: verdicts from the verdicts table (the consensus
** summary only for runs without one, and for schema-1 files without the
** tables), slashing (mean ETH slashed, outcome counts) and attacker
** economics per coalition with known means, the P&L grid over (stake,
** delay) pooled across points, the heat map and the P&L line plot, and
** no attacker section without coalitions.  Result files are built from
** the embedded schema in a mkdtemp directory.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
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
    /* files before schema 8 keep the scenario's text in runs */
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'scenario_text'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    bool old = sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    snprintf(sql, sizeof sql,
             "INSERT INTO runs (id, status, error, scenario_name, %s scenario_sha256, seed, params_json,"
             " xrsim_version, git_commit, started_at) VALUES (%d, '%s', %s, 'toy', %s printf('%%064d', 5),"
             " %d, '{\"name\":\"toy\",\"run\":{\"seed\":%d,\"duration\":\"10min\"},\"x\":\"%dms\"}', '0.1.0', 'abc',"
             " '2024-05-01T00:00:00.000Z');"
             "INSERT INTO run_window VALUES (%d, 0, 600000000000);",
             old ? "scenario_text," : "", id, status, strcmp(status, "ok") == 0 ? "NULL" : "'boom'",
             old ? "'name: toy'," : "", seed, seed, x, id);
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

/* A results file of schema `version`: the schema's sections up to it. */
static sqlite3 *db_create_version(const char *path, int version) {
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char marker[48];
    snprintf(marker, sizeof marker, "\n-- @version %d\n", version + 1);
    const char *end = strstr(an_schema_sql, marker);
    size_t len = end ? (size_t)(end - an_schema_sql) : strlen(an_schema_sql);
    char *text = malloc(len + 1);
    assert_non_null(text);
    memcpy(text, an_schema_sql, len);
    text[len] = '\0';
    xrtest_sql_exec(db, text);
    free(text);
    char sql[256];
    snprintf(sql, sizeof sql, "PRAGMA synchronous = OFF; PRAGMA application_id = %u; PRAGMA user_version = %d; BEGIN",
             (unsigned)AN_SCHEMA_APPLICATION_ID, version);
    xrtest_sql_exec(db, sql);
    return db;
}

static sqlite3 *db_create(const char *path) { return db_create_version(path, AN_SCHEMA_VERSION); }

static void db_close(sqlite3 *db) {
    xrtest_sql_exec(db, "COMMIT");
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* x = 400 (ids 1..3) and x = 200 (ids 4..6), seeds 1..3; id 7 repeats
   seed 2 of x = 200 (ignored), id 8 failed.  x = 400 seed 1 is unsafe and
   seed 3 stalled 40 s. */
static void make_sweep_version(const char *path, int version) {
    sqlite3 *db = db_create_version(path, version);
    for (int s = 1; s <= 3; s++) add_run(db, s, "ok", s, 400, s == 3 ? 40000000000LL : 2000000000LL, s == 1);
    for (int s = 1; s <= 3; s++) add_run(db, 3 + s, "ok", s, 200, 2000000000LL, 0);
    add_run(db, 7, "ok", 2, 200, 90000000000LL, 3);
    add_run(db, 8, "failed", 4, 200, 90000000000LL, 3);
    db_close(db);
}

static void make_sweep(const char *path) { make_sweep_version(path, AN_SCHEMA_VERSION); }

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
    assert_int_equal(lo->judged_runs, 3);
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
    /* the verdicts (no verdicts table rows: the consensus summary) */
    assert_non_null(strstr(buf, "stalled: longest time without a new consensus height > 30 s"));
    assert_non_null(strstr(buf, "\npoint  scenario  x      runs  unsafe     stalled\n"));
    assert_non_null(strstr(buf, "\nP1     toy       200ms  3     0% (0/3)   0% (0/3)\n"));
    assert_non_null(strstr(buf, "\nP2     toy       400ms  3     33% (1/3)  33% (1/3)\n"));
    /* no restaking, no coalitions: one line each, no table */
    assert_non_null(strstr(buf, "\nattackers: no coalition in this file: no attacker section\n"));
    assert_non_null(strstr(buf, "\nslashing: no restaking data in this file"));
    assert_null(strstr(buf, "P&L"));
    assert_null(strstr(buf, "offences"));
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
    assert_int_equal(count_of(html, "<table>"), 4); /* 3 of the points, the verdicts */
    assert_int_equal(count_of(html, "</table>"), 4);
    assert_null(strstr(html, "Attacker"));
    assert_null(strstr(html, "<h2>Slashing"));
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
    assert_int_equal(an_report_load(f->db, 30.0, &r, err, sizeof err), AN_ERR_FOREIGN);
    assert_null(r);
    assert_non_null(strstr(err, "not written by xrsim"));
    unlink(f->db);
    db = db_create(f->db);
    add_run(db, 1, "failed", 1, 100, 0, 0);
    db_close(db);
    assert_int_equal(an_report_load(f->db, 30.0, &r, err, sizeof err), AN_ERR_NOTHING);
    assert_null(r);
    assert_non_null(strstr(err, "no ok run"));
}

/* ---- schema 2: verdicts, slashing, attacker economics ------------------------------------ */

static const double econ_stake[2] = {0.4, 0.8};
static const long long econ_delay_s[2] = {10, 3600};

/* Attacker P&L (ETH) of coalition 0 at stake index fi, delay index di, seed s (1, 2). */
static double econ_pnl(int fi, int di, int s) { return fi == 1 && di == 0 ? 90.0 + s : -(100.0 * (fi + 1) + 10.0 * di + s); }

/* 1 when table.column exists (the coalitions table gained columns during schema 2). */
static int has_column(sqlite3 *db, const char *table, const char *column) {
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void insert_coalition(sqlite3 *db, int id, int index, const char *name, const char *attack, double stake,
                             double pnl, double value, double slashed, double cost) {
    int extra = has_column(db, "coalitions", "own_stake_gwei") && has_column(db, "coalitions", "delegators_slashed_gwei");
    char sql[1536];
    snprintf(sql, sizeof sql,
             "INSERT INTO coalitions (run_id, coalition, name, attack, members, member_count, stake_gwei,"
             " stake_fraction, acted_ns, withdraw_queued_ns, withdraw_completed_ns, forged_msg_count,"
             " forged_approved_count, forged_executed_count, value_extracted_gwei, censored_msg_count,"
             " censored_value_gwei, slashed_gwei, gas_wei, bribes_gwei, payment_gwei, pnl_gwei,"
             " cost_of_corruption_gwei, profit_from_corruption_gwei, profitable%s)"
             " VALUES (%d, %d, '%s', '%s', '0,1', 2, 64000000000, %.17g, 30000000000, 30000000000, NULL, 3, 3, 3,"
             " %lld, 0, 0, %lld, 0, 10000000000, 0, %lld, %lld, %lld, %d%s)",
             extra ? ", own_stake_gwei, delegators_slashed_gwei" : "", id, index, name, attack, stake,
             (long long)(value * 1e9), (long long)(slashed * 1e9), (long long)(pnl * 1e9), (long long)(cost * 1e9),
             (long long)(value * 1e9), pnl > 0, extra ? ", 64000000000, 0" : "");
    xrtest_sql_exec(db, sql);
}

/* One run of the economics grid: stake index fi, delay index di, seed s.
   Its consensus summary says unsafe (a conflict) and stalled (99 s), the
   verdicts row says otherwise: the verdicts win. */
static void add_econ_run(sqlite3 *db, int id, int fi, int di, int s) {
    char sql[2048];
    snprintf(sql, sizeof sql,
             "INSERT INTO runs (id, status, error, scenario_name, scenario_sha256, seed, params_json,"
             " xrsim_version, git_commit, started_at) VALUES (%d, 'ok', NULL, 'econ', printf('%%064d', 6),"
             " %d, '{\"name\":\"econ\",\"run\":{\"seed\":%d},\"restaking\":{\"withdrawal_delay\":\"%llds\"},"
             "\"stake\":%g}', '0.1.0', 'abc', '2024-05-01T00:00:00.000Z');"
             "INSERT INTO run_window VALUES (%d, 0, 600000000000);"
             "INSERT INTO consensus_summary (run_id, verifier_count, byzantine_count, total_power, byzantine_power,"
             " heights_committed_count, last_height, height_p50_ns, height_p99_ns, multi_round_count, max_stall_ns,"
             " max_stall_from_ns, xblocks_observed_count, attestations_approved_count, evidence_count, offender_count,"
             " conflict_count, approval_conflict_count, sig_sign_count, sig_verify_count, actions_dropped_count)"
             " VALUES (%d, 10, 0, 10, 0, 100, 100, 1000000000, 1000000000, 0, 99000000000, 0, 0, 0, 0, 0, 1, 0, 0, 0,"
             " 0);"
             "INSERT INTO verdicts VALUES (%d, %d, %lld, 0, 1000000000, 60000000000, 3600000000000, %d, %d, %d);"
             "INSERT INTO restaking_summary VALUES (%d, 320000000000, 0, 0, 0, %lld, 3, 2, %lld, 0, 1.0);",
             id, s, s, econ_delay_s[di], econ_stake[fi], id, id, id, fi == 1 ? 3 : 0, fi == 1 ? 300000000000LL : 0LL,
             s == 2 && di == 1 ? 4 : 0, fi == 1, s == 2 && di == 1, id, di == 1 ? (long long)(64e9 * (fi + 1)) : 0LL,
             econ_delay_s[di] * 1000000000LL);
    xrtest_sql_exec(db, sql);
    /* offences: with the long delay 2 slashed + 1 duplicate, with the short one 2 withdrawn; seed 2 one pending */
    const char *outcomes[4] = {di ? "slashed" : "withdrawn", di ? "slashed" : "withdrawn", di ? "duplicate" : NULL,
                               s == 2 ? "pending" : NULL};
    for (int k = 0, seq = 0; k < 4; k++) {
        if (!outcomes[k]) continue;
        snprintf(sql, sizeof sql,
                 "INSERT INTO offences (run_id, seq, kind, offender, slashed_gwei, evidence_fee_wei, outcome) VALUES"
                 " (%d, %d, 'false_attestation', %d, 0, 0, '%s')",
                 id, seq++, k, outcomes[k]);
        xrtest_sql_exec(db, sql);
    }
    double pnl = econ_pnl(fi, di, s);
    insert_coalition(db, id, 0, "forgers", "forge", econ_stake[fi], pnl, fi == 1 ? 100.0 : 0.0,
                     di == 1 ? 64.0 * (fi + 1) : 0.0, 10.0 + 64.0 * (fi + 1));
    /* a second coalition of fixed stake: over the file, only its delay varies */
    insert_coalition(db, id, 1, "censors", "censor", 0.1, di == 0 ? 5.0 : -5.0, 0.0, 0.0, 5.0);
}

/* 2 stakes x 2 delays x seeds 1, 2: runs 1..8 in (stake, delay, seed) order. */
static void make_econ(const char *path) {
    sqlite3 *db = db_create(path);
    int id = 1;
    for (int fi = 0; fi < 2; fi++) {
        for (int di = 0; di < 2; di++) {
            for (int s = 1; s <= 2; s++) add_econ_run(db, id++, fi, di, s);
        }
    }
    db_close(db);
}

static const an_report_point *point_at(const an_report *r, double stake, const char *delay) {
    char want[32];
    snprintf(want, sizeof want, "%g", stake);
    for (size_t p = 0; p < r->point_count; p++) {
        const an_report_point *pt = &r->points[p];
        bool s_ok = false, d_ok = false;
        for (size_t k = 0; k < r->varying_count; k++) {
            if (strcmp(r->varying[k], "stake") == 0) s_ok = strcmp(pt->values[k], want) == 0;
            if (strcmp(r->varying[k], "restaking.withdrawal_delay") == 0) d_ok = strcmp(pt->values[k], delay) == 0;
        }
        if (s_ok && d_ok) return pt;
    }
    fail_msg("no point stake %g delay %s", stake, delay);
    return NULL;
}

static void test_an_report_reads_verdicts_slashing_and_coalitions(void **state) {
    fixture *f = *state;
    make_econ(f->db);
    an_report *r = NULL;
    char err[512] = "";
    assert_int_equal(an_report_load(f->db, 30.0, &r, err, sizeof err), 0);
    assert_int_equal(r->point_count, 4);
    assert_int_equal(r->varying_count, 2);
    /* the quoted key "withdrawal_delay" is shown plain */
    assert_string_equal(r->varying[0], "restaking.withdrawal_delay");
    assert_string_equal(r->varying[1], "stake");
    assert_int_equal(r->verdict_runs, 8);
    assert_int_equal(r->restaking_runs, 8);
    assert_int_equal(r->coalition_runs, 8);
    /* stake 0.8, delay 10 s: forged executed, profitable */
    const an_report_point *pt = point_at(r, 0.8, "10s");
    assert_int_equal(pt->judged_runs, 2);
    assert_int_equal(pt->verdict_runs, 2);
    assert_int_equal(pt->unsafe_runs, 2);  /* verdicts.unsafe, not the summary's conflict */
    assert_int_equal(pt->stalled_runs, 0); /* verdicts.stalled, not the summary's 99 s */
    assert_true(pt->stat[AN_REPORT_FORGED_EXECUTED].mean == 3.0);
    assert_true(fabs(pt->stat[AN_REPORT_FORGED_VALUE_ETH].mean - 300.0) < 1e-9);
    assert_true(pt->stat[AN_REPORT_SLASHED_ETH].mean == 0.0);
    assert_true(pt->withdrawal_delay_s == 10.0);
    assert_int_equal(pt->offence_count, 5); /* 2 withdrawn per run + 1 pending in seed 2 */
    assert_int_equal(pt->outcome_count[AN_REPORT_OUT_WITHDRAWN], 4);
    assert_int_equal(pt->outcome_count[AN_REPORT_OUT_PENDING], 1);
    assert_int_equal(pt->outcome_count[AN_REPORT_OUT_SLASHED], 0);
    assert_int_equal(pt->coalition_count, 2);
    const an_report_coalition *co = &pt->coalitions[0];
    assert_int_equal(co->index, 0);
    assert_string_equal(co->name, "forgers");
    assert_string_equal(co->attack, "forge");
    assert_int_equal(co->runs, 2);
    assert_int_equal(co->profitable_runs, 2);
    assert_true(fabs(co->stake_fraction - 0.8) < 1e-12);
    assert_true(fabs(co->pnl_eth.mean - 91.5) < 1e-9);
    assert_true(co->pnl_eth.lo >= 91.0 - 1e-9 && co->pnl_eth.hi <= 92.0 + 1e-9 && co->pnl_eth.lo < co->pnl_eth.hi);
    assert_true(fabs(co->value_eth.mean - 100.0) < 1e-9);
    assert_true(co->slashed_eth.mean == 0.0);
    assert_true(fabs(co->cost_eth.mean - 138.0) < 1e-9);
    assert_true(fabs(co->profit_eth.mean - 100.0) < 1e-9);
    assert_string_equal(pt->coalitions[1].name, "censors");
    /* stake 0.4, delay 1 h: slashed, one seed stalled */
    pt = point_at(r, 0.4, "3600s");
    assert_int_equal(pt->unsafe_runs, 0);
    assert_int_equal(pt->stalled_runs, 1);
    assert_true(fabs(pt->stat[AN_REPORT_DELAYED_MSGS].mean - 2.0) < 1e-9);
    assert_true(fabs(pt->stat[AN_REPORT_SLASHED_ETH].mean - 64.0) < 1e-9);
    assert_int_equal(pt->offence_count, 7);
    assert_int_equal(pt->outcome_count[AN_REPORT_OUT_SLASHED], 4);
    assert_int_equal(pt->outcome_count[AN_REPORT_OUT_DUPLICATE], 2);
    assert_int_equal(pt->outcome_count[AN_REPORT_OUT_PENDING], 1);
    co = &pt->coalitions[0];
    assert_int_equal(co->profitable_runs, 0);
    assert_true(fabs(co->pnl_eth.mean - -111.5) < 1e-9);
    assert_true(fabs(co->slashed_eth.mean - 64.0) < 1e-9);
    /* the grids: coalition 0 over 2 stakes x 2 delays, coalition 1 over 1 stake x 2 delays */
    assert_int_equal(r->econ_count, 2);
    const an_report_econ *e = &r->econ[0];
    assert_int_equal(e->index, 0);
    assert_string_equal(e->name, "forgers");
    assert_int_equal(e->stake_count, 2);
    assert_int_equal(e->delay_count, 2);
    assert_true(e->stakes[0] == 0.4 && e->stakes[1] == 0.8);
    assert_true(e->delays_s[0] == 10.0 && e->delays_s[1] == 3600.0);
    for (int fi = 0; fi < 2; fi++) {
        for (int di = 0; di < 2; di++) {
            const an_report_stat *c = &e->pnl_eth[fi * 2 + di];
            assert_int_equal(c->n, 2);
            assert_true(fabs(c->mean - (econ_pnl(fi, di, 1) + econ_pnl(fi, di, 2)) / 2.0) < 1e-9);
            assert_int_equal(e->profitable[fi * 2 + di], fi == 1 && di == 0 ? 2 : 0);
            assert_int_equal(e->points[fi * 2 + di], 1);
        }
    }
    assert_int_equal(r->econ[1].stake_count, 1);
    assert_int_equal(r->econ[1].delay_count, 2);
    assert_true(r->econ[1].pnl_eth[0].mean == 5.0 && r->econ[1].pnl_eth[1].mean == -5.0);
    an_report_free(r);
}

static void test_an_report_prints_slashing_and_attacker_tables(void **state) {
    fixture *f = *state;
    make_econ(f->db);
    an_report *r = NULL;
    char err[512] = "";
    assert_int_equal(an_report_load(f->db, 30.0, &r, err, sizeof err), 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_int_equal(an_report_print(r, out), 0);
    fclose(out);
    assert_non_null(strstr(buf, "verdicts table, 8 runs"));
    assert_null(strstr(buf, "before schema 2")); /* every run has a verdicts row */
    assert_non_null(strstr(buf, "forged executed (msgs/run)  forged value (ETH/run)  delayed (msgs/run)\n"));
    /* slashing: the delay read from restaking_summary, ETH not gwei, outcome counts */
    assert_non_null(strstr(buf, "withdrawal delay  slashed (ETH/run)  offences  slashed  withdrawn  already slashed"
                                "  vetoed  rejected  duplicate  pending  not provable\n"));
    assert_non_null(strstr(buf, "  1 h               128                7         4        0          0"));
    assert_non_null(strstr(buf, "  10 s              0                  5         0        4          0"));
    /* attackers: one row per (point, coalition) */
    assert_non_null(strstr(buf, "coalition   attack  stake  seeds  P&L (ETH)"));
    assert_non_null(strstr(buf, "#0 forgers  forge   80%    2      91.5 ["));
    assert_non_null(strstr(buf, "#1 censors  censor  10%    2      5 "));
    assert_non_null(strstr(buf, "100% (2/2)"));
    assert_non_null(strstr(buf, "\nP&L = value extracted + payment - slashed - gas - bribes"));
    assert_null(strstr(buf, "no attacker section"));
    assert_null(strstr(buf, "gwei"));
    free(buf);
    an_report_free(r);
}

/* The HTML report of r, through the fixture's file; free the result. */
static char *read_html(const fixture *f, const an_report *r) {
    char err[512] = "";
    assert_int_equal(an_report_write_html_file(r, f->html, err, sizeof err), 0);
    FILE *in = fopen(f->html, "r");
    assert_non_null(in);
    size_t cap = 1 << 20;
    char *html = malloc(cap);
    assert_non_null(html);
    size_t n = fread(html, 1, cap - 1, in);
    fclose(in);
    html[n] = '\0';
    return html;
}

static void test_an_report_html_has_pnl_heat_map_and_line(void **state) {
    fixture *f = *state;
    make_econ(f->db);
    an_report *r = NULL;
    char err[512] = "";
    assert_int_equal(an_report_load(f->db, 30.0, &r, err, sizeof err), 0);
    char *html = read_html(f, r);
    /* cost, verdicts, power shares, slashing, attackers, attack timelines; no message executed in these
       runs: the fast and finalized finality tables are left out, each with a line saying why */
    assert_int_equal(count_of(html, "<table>"), 6);
    assert_non_null(strstr(html, "fast finality: no message emitted after the warm-up was executed"));
    assert_non_null(strstr(html, "finalized finality: no message emitted after the warm-up was executed"));
    assert_non_null(strstr(html, "<h2>Slashing</h2>"));
    assert_non_null(strstr(html, "<h2>Attacker economics</h2>"));
    /* coalition 0: a heat map, 4 cells with their values and readable delays */
    assert_non_null(strstr(html, "Attacker P&amp;L (ETH, mean over runs): coalition #0 forgers, scenario econ"));
    assert_non_null(strstr(html, ">+91.5</text>"));
    assert_non_null(strstr(html, ">-111.5</text>"));
    assert_non_null(strstr(html, ">-101.5</text>"));
    assert_non_null(strstr(html, ">-211.5</text>"));
    assert_non_null(strstr(html, ">10 s</text>"));
    assert_non_null(strstr(html, ">1 h</text>"));
    assert_non_null(strstr(html, ">40%</text>"));
    assert_non_null(strstr(html, ">withdrawal delay</text>"));
    assert_non_null(strstr(html, "coalition stake (share of all stake)"));
    /* diverging around 0, scaled by the largest |P&L|: -211.5 full red, +91.5 a light blue */
    assert_non_null(strstr(html, "fill=\"#b2182b\" stroke=\"#fff\"/>"));
    assert_non_null(strstr(html, "fill=\"#9ab8d7\" stroke=\"#fff\"/>"));
    /* coalition 1: only the delay varies: P&L against it with its band, log scale */
    assert_non_null(strstr(html, "Attacker P&amp;L vs withdrawal delay: coalition #1 censors, scenario econ (stake 10%)"));
    assert_non_null(strstr(html, "withdrawal delay (log scale)"));
    assert_non_null(strstr(html, "stroke-dasharray")); /* break-even line */
    /* heat map + line + the timelines (no message in these runs: no CDF) */
    assert_int_equal(count_of(html, "<svg "), 3);
    assert_null(strstr(html, "nan"));
    assert_null(strstr(html, "gwei"));
    free(html);
    an_report_free(r);
}

static void test_an_report_verdicts_fall_back_per_run_and_for_schema_1(void **state) {
    fixture *f = *state;
    make_sweep(f->db);
    /* run 1 (x = 400, seed 1) gets a verdicts row saying safe: it wins over its conflict */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    xrtest_sql_exec(db, "INSERT INTO verdicts VALUES (1, 0, 0, 0, 2000000000, 60000000000, 3600000000000, 0, 0, 0)");
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    an_report *r = NULL;
    char err[512] = "";
    assert_int_equal(an_report_load(f->db, 30.0, &r, err, sizeof err), 0);
    const an_report_point *hi = &r->points[1];
    assert_int_equal(r->verdict_runs, 1);
    assert_int_equal(hi->verdict_runs, 1);
    assert_int_equal(hi->judged_runs, 3);
    assert_int_equal(hi->unsafe_runs, 0);
    assert_int_equal(hi->stalled_runs, 1); /* seed 3, from its consensus summary */
    assert_int_equal(hi->stat[AN_REPORT_FORGED_EXECUTED].n, 1);
    char *html = read_html(f, r);
    assert_non_null(strstr(html, "Runs without a verdicts row (recorded before schema 2)"));
    free(html);
    an_report_free(r);
    /* a schema-1 file: no version-2 tables at all (readers check that a
       file's schema is exactly that of its version) */
    unlink(f->db);
    make_sweep_version(f->db, 1);
    assert_int_equal(an_report_load(f->db, 30.0, &r, err, sizeof err), 0);
    assert_int_equal(r->verdict_runs, 0);
    assert_int_equal(r->restaking_runs, 0);
    assert_int_equal(r->coalition_runs, 0);
    assert_int_equal(r->econ_count, 0);
    assert_int_equal(r->points[1].unsafe_runs, 1);
    assert_int_equal(r->points[1].stalled_runs, 1);
    assert_int_equal(r->points[1].stat[AN_REPORT_SLASHED_ETH].n, 0);
    an_report_free(r);
}

static void test_an_report_survives_hostile_values(void **state) {
    fixture *f = *state;
    make_econ(f->db);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    /* an infinite stake, a delay that is text, an unknown outcome, a coalition name with markup */
    xrtest_sql_exec(db, "UPDATE coalitions SET stake_fraction = 1e999 WHERE run_id = 1 AND coalition = 0;"
                        "UPDATE restaking_summary SET withdrawal_delay_ns = 'soon' WHERE run_id = 3;"
                        "UPDATE coalitions SET name = '<b>&' WHERE coalition = 1;");
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    an_report *r = NULL;
    char err[512] = "";
    assert_int_equal(an_report_load(f->db, 30.0, &r, err, sizeof err), 0);
    const an_report_econ *e = &r->econ[0];
    /* run 1 left out of the grid; run 3's delay reads as 0 s: a third delay column */
    assert_int_equal(e->stake_count, 2);
    assert_int_equal(e->delay_count, 3);
    assert_true(e->delays_s[0] == 0.0);
    assert_int_equal(e->pnl_eth[0 * 3 + 0].n, 1); /* stake 0.4, delay 0: run 3 */
    assert_int_equal(e->pnl_eth[0 * 3 + 1].n, 1); /* stake 0.4, delay 10 s: run 2 only */
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_int_equal(an_report_print(r, out), 0);
    fclose(out);
    assert_non_null(strstr(buf, "inf%"));
    free(buf);
    char *html = read_html(f, r);
    assert_null(strstr(html, "<b>&"));
    assert_non_null(strstr(html, "&lt;b&gt;&amp;"));
    free(html);
    an_report_free(r);
}

/* ---- order of points, units of intervals ---------------------------------------------------- */

/* Inserts a row into `table` with `cols` = `vals` and every other NOT NULL
   column 0 (nullable ones NULL): for tables with many counters. */
static void insert_row(sqlite3 *db, const char *table, const char *cols, const char *vals) {
    char sql[4096], tail[2048] = "";
    snprintf(sql, sizeof sql, "SELECT name FROM pragma_table_info('%s') WHERE \"notnull\" AND"
                              " instr(',' || '%s' || ',', ',' || name || ',') = 0", table, cols);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    char names[2048] = "";
    while (sqlite3_step(st) == SQLITE_ROW) {
        strcat(names, ", ");
        strcat(names, (const char *)sqlite3_column_text(st, 0));
        strcat(tail, ", 0");
    }
    sqlite3_finalize(st);
    static char ins[8192];
    snprintf(ins, sizeof ins, "INSERT INTO %.64s (%.512s%s) VALUES (%.512s%s)", table, cols, names, vals, tail);
    xrtest_sql_exec(db, ins);
}

/* A run of scenario "grid" with parameters `params` (JSON members) and seed. */
static void add_param_run(sqlite3 *db, int id, int seed, const char *params) {
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO runs (id, status, error, scenario_name, scenario_sha256, seed, params_json,"
             " xrsim_version, git_commit, started_at) VALUES (%d, 'ok', NULL, 'grid',"
             " printf('%%064d', 7), %d, '{\"name\":\"grid\",\"run\":{\"seed\":%d},%s}', '0.1.0', 'abc',"
             " '2024-05-01T00:00:00.000Z');"
             "INSERT INTO run_window VALUES (%d, 0, 600000000000);",
             id, seed, seed, params, id);
    xrtest_sql_exec(db, sql);
}

static void test_an_report_orders_points_by_value(void **state) {
    fixture *f = *state;
    sqlite3 *db = db_create(f->db);
    /* the order a parallel sweep may finish in: delays in mixed units, stakes as written */
    static const char *const delay[] = {"1h", "10s", "14d", "30s", "1min", "20s"};
    static const char *const stake[] = {"0.7", "2/3", "0.2"};
    int id = 1;
    for (int d = 0; d < 6; d++) {
        for (int k = 0; k < 3; k++) {
            char params[256];
            snprintf(params, sizeof params, "\"delay\":\"%s\",\"stake\":\"%s\"", delay[d], stake[k]);
            add_param_run(db, id++, 1, params);
        }
    }
    db_close(db);
    an_report *r = NULL;
    char err[512] = "";
    assert_int_equal(an_report_load(f->db, 30.0, &r, err, sizeof err), 0);
    assert_int_equal(r->point_count, 18);
    assert_int_equal(r->varying_count, 2);
    assert_string_equal(r->varying[0], "delay");
    static const char *const want_delay[] = {"10s", "20s", "30s", "1min", "1h", "14d"};
    static const char *const want_stake[] = {"0.2", "2/3", "0.7"};
    for (size_t p = 0; p < 18; p++) {
        assert_string_equal(r->points[p].values[0], want_delay[p / 3]);
        assert_string_equal(r->points[p].values[1], want_stake[p % 3]);
        char label[24];
        snprintf(label, sizeof label, "P%zu", p + 1);
        assert_string_equal(r->points[p].label, label);
    }
    assert_int_equal(r->numeric_axis, 0); /* two keys: no single axis */
    an_report_free(r);
    /* one key in mixed units: a numeric axis in seconds, in order */
    unlink(f->db);
    db = db_create(f->db);
    for (int d = 0; d < 6; d++) {
        char params[128];
        snprintf(params, sizeof params, "\"delay\":\"%s\"", delay[d]);
        add_param_run(db, d + 1, 1, params);
    }
    db_close(db);
    assert_int_equal(an_report_load(f->db, 30.0, &r, err, sizeof err), 0);
    assert_int_equal(r->numeric_axis, 1);
    assert_string_equal(r->axis_unit, "s");
    static const double want_s[] = {10, 20, 30, 60, 3600, 1209600};
    for (size_t p = 0; p < 6; p++) {
        assert_true(r->axis[p] == want_s[p]);
        assert_string_equal(r->points[p].values[0], want_delay[p]);
    }
    an_report_free(r);
}

static void test_an_report_power_share_interval_has_its_unit(void **state) {
    fixture *f = *state;
    sqlite3 *db = db_create(f->db);
    /* one silent verifier of 4 (seed 1), 5 (seed 2), 6 (seed 3) equal ones: 25%, 20%, 16.7% */
    for (int s = 1; s <= 3; s++) {
        add_param_run(db, s, s, "\"q\":\"0.7\"");
        char vals[256];
        for (int v = 0; v < 3 + s; v++) {
            snprintf(vals, sizeof vals, "%d, %d, %d, '0x%02d', 32000000000, '%s'", s, v, v, v,
                     v == 0 ? "silent" : "honest");
            insert_row(db, "verifiers", "run_id, verifier, node_id, address, power, behaviour", vals);
        }
        snprintf(vals, sizeof vals, "%d, 0, 0, 'silent', 'verifiers', '0', 'always', 0", s);
        insert_row(db, "byzantine", "run_id, verifier, entry, behaviour, target_kind, target, trigger, from_ns", vals);
    }
    db_close(db);
    an_report *r = NULL;
    char err[512] = "";
    assert_int_equal(an_report_load(f->db, 30.0, &r, err, sizeof err), 0);
    assert_int_equal(r->points[0].share_count, 1);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_int_equal(an_report_print(r, out), 0);
    fclose(out);
    /* the unit with each number: "20.28% [16.67%, 25%]", never "20.28 [16.67, 25]%" */
    const char *row = strstr(buf, "byzantine[0]");
    assert_non_null(row);
    const char *eol = strchr(row, '\n');
    assert_non_null(strstr(row, "% [16.67%, 25%]"));
    assert_true(strstr(row, "% [16.67%, 25%]") < eol);
    assert_null(strstr(buf, "]%"));
    free(buf);
    an_report_free(r);
}

/* One attack run (id, seed) of coalition 0 (members 0 and 1) with times:
   acted 30 s, queued 30 s, completed 50 s; in schema 12 also the forged root
   approved at 32.5 s and executed at 34 s.  Offences: member 1 provable at
   60 s, included 62 s, slashed 70 s; member 0 rejected, provable 58 s; a
   non-member (verifier 5) provable at 40 s, which is not the coalition's. */
static void add_attack_run(sqlite3 *db, int id, int seed, int version) {
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO runs (id, status, error, scenario_name, scenario_sha256, seed, params_json,"
             " xrsim_version, git_commit, started_at) VALUES (%d, 'ok', NULL, 'atk', printf('%%064d', 8),"
             " %d, '{\"name\":\"atk\",\"run\":{\"seed\":%d}}', '0.1.0', 'abc', '2024-05-01T00:00:00.000Z');"
             "INSERT INTO run_window VALUES (%d, 0, 120000000000);",
             id, seed, seed, id);
    xrtest_sql_exec(db, sql);
    insert_coalition(db, id, 0, "forgers", "forge", 0.7, -50.0, 0.0, 64.0, 74.0);
    insert_coalition(db, id, 1, "bystanders", "none", 0.1, 0.0, 0.0, 0.0, 0.0); /* no attack: no timeline */
    snprintf(sql, sizeof sql,
             "UPDATE coalitions SET withdraw_completed_ns = 50000000000 WHERE run_id = %d AND coalition = 0;"
             "INSERT INTO offences (run_id, seq, kind, offender, provable_ns, included_ns, executed_ns, slashed_gwei,"
             " evidence_fee_wei, outcome) VALUES (%d, 0, 'false_attestation', 5, 40000000000, 41000000000,"
             " 45000000000, 1, 0, 'slashed'), (%d, 1, 'false_attestation', 1, 60000000000, 62000000000,"
             " 70000000000, 1, 0, 'slashed'), (%d, 2, 'false_attestation', 0, 58000000000, NULL, NULL, 0, 0,"
             " 'rejected');",
             id, id, id, id);
    xrtest_sql_exec(db, sql);
    if (version >= 12) {
        snprintf(sql, sizeof sql,
                 "UPDATE coalitions SET forged_approved_ns = 32500000000, forged_executed_ns = 34000000000"
                 " WHERE run_id = %d AND coalition = 0",
                 id);
        xrtest_sql_exec(db, sql);
    }
}

static void test_an_report_draws_attack_timelines(void **state) {
    fixture *f = *state;
    sqlite3 *db = db_create(f->db);
    add_attack_run(db, 1, 2, AN_SCHEMA_VERSION);
    add_attack_run(db, 2, 1, AN_SCHEMA_VERSION);
    db_close(db);
    an_report *r = NULL;
    char err[512] = "";
    assert_int_equal(an_report_load(f->db, 30.0, &r, err, sizeof err), 0);
    assert_true(r->timeline_forged);
    assert_int_equal(r->timeline_count, 2); /* coalition 1 did not attack */
    const an_report_timeline *t = &r->timelines[0];
    assert_int_equal(t->seed, 1); /* by seed */
    assert_int_equal(t->run_id, 2);
    assert_string_equal(t->name, "forgers");
    static const double want[AN_REPORT_EVENT_COUNT] = {30.0, 32.5, 34.0, 58.0, 62.0, 70.0, 30.0, 50.0};
    for (int e = 0; e < AN_REPORT_EVENT_COUNT; e++) assert_true(fabs(t->at_s[e] - want[e]) < 1e-9);
    assert_true(t->end_s == 120.0);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_int_equal(an_report_print(r, out), 0);
    fclose(out);
    assert_non_null(strstr(buf, "\nattack timelines: seconds after the start of the run"));
    assert_non_null(strstr(buf, "acted  forged root approved  forged message executed  offence provable  evidence "
                                "included  slashed  withdrawal queued  withdrawal completed\n"));
    const char *row = strstr(buf, "#0 forgers (forge)  30.0");
    assert_non_null(row);
    assert_non_null(strstr(row, "30.0   32.5                  34.0                     58.0              62.0        "
                                "       70.0     30.0               50.0\n"));
    assert_null(strstr(buf, "bystanders (none)"));
    free(buf);
    char *html = read_html(f, r);
    assert_non_null(strstr(html, "<h2>Attack timelines</h2>"));
    assert_non_null(strstr(html, "Attack timelines: when each event first happened"));
    assert_non_null(strstr(html, "P1 seed 1 #0, coalition #0 forgers (forge): slashed at 70.00 s"));
    assert_non_null(strstr(html, "<td>30.0</td><td>32.5</td><td>34.0</td><td>58.0</td><td>62.0</td><td>70.0</td>"));
    free(html);
    an_report_free(r);
    /* a file of schema 11 opens: no forged times, said so, the rest as recorded */
    unlink(f->db);
    db = db_create_version(f->db, 11);
    add_attack_run(db, 1, 1, 11);
    db_close(db);
    assert_int_equal(an_report_load(f->db, 30.0, &r, err, sizeof err), 0);
    assert_false(r->timeline_forged);
    assert_int_equal(r->timeline_count, 1);
    assert_true(isnan(r->timelines[0].at_s[AN_REPORT_EV_APPROVED]));
    assert_true(r->timelines[0].at_s[AN_REPORT_EV_SLASHED] == 70.0);
    html = read_html(f, r);
    assert_non_null(strstr(html, "this file predates their columns (schema 12)"));
    assert_non_null(strstr(html, "<td>30.0</td><td>-</td><td>-</td><td>58.0</td>"));
    free(html);
    an_report_free(r);
}

static void test_an_report_formats_durations_readably(void **state) {
    (void)state;
    static const struct {
        double s;
        const char *want;
    } cases[] = {{10.0, "10 s"}, {3600.0, "1 h"}, {1209600.0, "14 d"}, {90.0, "1.5 min"}, {60.0, "1 min"},
                 {0.25, "250 ms"}, {0.0, "0 s"},   {86400.0, "1 d"},      {7200.0, "2 h"}, {NAN, "-"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[24];
        an_report_fmt_duration(cases[i].s, buf, sizeof buf);
        assert_string_equal(buf, cases[i].want);
    }
    assert_string_equal(an_report_outcome_name(AN_REPORT_OUT_ALREADY_SLASHED), "already_slashed");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_an_report_mean_ci_is_deterministic_and_brackets_the_mean),
        cmocka_unit_test_setup_teardown(test_an_report_groups_runs_into_points, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_report_prints_aligned_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_report_html_is_self_contained_with_tables_and_plots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_report_one_point_has_no_axis, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_report_refuses_foreign_and_empty_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_report_reads_verdicts_slashing_and_coalitions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_report_prints_slashing_and_attacker_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_report_html_has_pnl_heat_map_and_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_report_verdicts_fall_back_per_run_and_for_schema_1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_report_survives_hostile_values, setup, teardown),
        cmocka_unit_test(test_an_report_formats_durations_readably),
        cmocka_unit_test_setup_teardown(test_an_report_orders_points_by_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_report_power_share_interval_has_its_unit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_report_draws_attack_timelines, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
