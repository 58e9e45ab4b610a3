/*
** Tests of analysis/an_export: opening results files read-only (refusing
** a text file, a foreign SQLite file, a newer schema and an empty file,
** each without changing a byte), the set of exportable names, CSV with
** RFC 4180 quoting and JSON output (parsed back with the test JSON
** reader), and --run filtering.  Result files are built from the embedded
** schema in a mkdtemp directory.
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

#include "an_export.h"
#include "an_schema.h"
#include "json.h"
#include "sql.h"

typedef struct fixture {
    char dir[64];
    char path[128];
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/xrsim-anexp-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/r.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    unlink(f->path);
    assert_int_equal(rmdir(f->dir), 0);
    free(f);
    return 0;
}

/* A results file with two runs: run 1's name holds a comma, a quote and a
   newline; run 2 is failed with an error text. */
static void make_db(const char *path, uint32_t app_id, int version) {
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    xrtest_sql_exec(db, an_schema_sql);
    char sql[128];
    snprintf(sql, sizeof sql, "PRAGMA application_id = %u; PRAGMA user_version = %d", (unsigned)app_id, version);
    xrtest_sql_exec(db, sql);
    xrtest_sql_exec(db, "INSERT INTO runs (id, status, scenario_name, scenario_sha256, seed, params_json,"
             " xrsim_version, git_commit, started_at, wall_s, event_count, event_digest) VALUES"
             " (1, 'ok', 'a,b \"q\"\nline2', printf('%064d', 7), 3, '{\"run\":{\"seed\":3}}',"
             "  '0.1.0', 'abc', '2024-05-01T00:00:00.000Z', 0.25, 1000, 'd1'),"
             " (2, 'failed', 'plain', printf('%064d', 7), 4, NULL,"
             "  '0.1.0', 'abc', '2024-05-01T00:00:00.000Z', NULL, NULL, NULL)");
    xrtest_sql_exec(db, "UPDATE runs SET error = 'boom' WHERE id = 2");
    xrtest_sql_exec(db, "INSERT INTO run_window VALUES (1, 0, 60000000000), (2, 0, 60000000000)");
    xrtest_sql_exec(db, "INSERT INTO chains VALUES (1, 10, 'op', 'op'), (2, 10, 'op', 'op'), (2, 42161, 'arb', 'arbitrum')");
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* Reads a whole file into a malloc'ed buffer. */
static char *slurp(const char *path, size_t *len) {
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, (1 << 20) - 1, fp);
    buf[*len] = '\0';
    fclose(fp);
    return buf;
}

/* Exports name into a string (caller frees); returns the code in *rc. */
static char *export_to_string(const char *path, const char *name, an_export_format fmt, int64_t run, int *rc) {
    sqlite3 *db = NULL;
    char err[4096];
    *rc = an_export_open(path, &db, err, sizeof err);
    if (*rc) return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    *rc = an_export_write(db, name, fmt, run, out, err, sizeof err);
    fclose(out);
    sqlite3_close(db);
    return buf;
}

static void test_an_export_csv_quotes_per_rfc4180(void **state) {
    fixture *f = *state;
    make_db(f->path, AN_SCHEMA_APPLICATION_ID, AN_SCHEMA_VERSION);
    int rc;
    char *csv = export_to_string(f->path, "v_runs", AN_EXPORT_CSV, -1, &rc);
    assert_int_equal(rc, 0);
    assert_true(strncmp(csv, "id,status,scenario_name,seed,", 29) == 0);
    assert_non_null(strstr(csv, "\r\n1,ok,\"a,b \"\"q\"\"\nline2\",3,"));
    assert_non_null(strstr(csv, ",0.25,,1000,4000,d1,")); /* wall_s, sim_s NULL, events, events/s, digest */
    assert_non_null(strstr(csv, "\r\n2,failed,plain,4,"));
    assert_non_null(strstr(csv, ",,,,,")); /* NULLs of run 2 are empty fields */
    assert_true(strlen(csv) > 2 && strcmp(csv + strlen(csv) - 2, "\r\n") == 0);
    free(csv);
}

static void test_an_export_json_types_and_nulls(void **state) {
    fixture *f = *state;
    make_db(f->path, AN_SCHEMA_APPLICATION_ID, AN_SCHEMA_VERSION);
    int rc;
    char *text = export_to_string(f->path, "runs", AN_EXPORT_JSON, -1, &rc);
    assert_int_equal(rc, 0);
    char err[256];
    json *doc = json_parse(text, strlen(text), err, sizeof err);
    if (!doc) fail_msg("bad JSON: %s\n%s", err, text);
    assert_int_equal(json_count(doc), 2);
    int64_t v;
    double d;
    assert_true(json_i64(json_get(json_at(doc, 0), "seed"), &v));
    assert_int_equal(v, 3);
    assert_true(json_double(json_get(json_at(doc, 0), "wall_s"), &d));
    assert_true(d == 0.25);
    assert_string_equal(json_string(json_get(json_at(doc, 0), "scenario_name")), "a,b \"q\"\nline2");
    assert_true(json_is(json_get(json_at(doc, 0), "error"), JSON_NULL));
    assert_true(json_is(json_get(json_at(doc, 1), "params_json"), JSON_NULL));
    assert_string_equal(json_string(json_get(json_at(doc, 1), "error")), "boom");
    json_free(doc);
    free(text);
    /* an empty result is an empty array */
    text = export_to_string(f->path, "messages", AN_EXPORT_JSON, -1, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(text, "[]\n");
    free(text);
}

static void test_an_export_run_filter(void **state) {
    fixture *f = *state;
    make_db(f->path, AN_SCHEMA_APPLICATION_ID, AN_SCHEMA_VERSION);
    int rc;
    char *csv = export_to_string(f->path, "chains", AN_EXPORT_CSV, 2, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(csv, "run_id,chain_id,name,preset\r\n2,10,op,op\r\n2,42161,arb,arbitrum\r\n");
    free(csv);
    csv = export_to_string(f->path, "runs", AN_EXPORT_CSV, 2, &rc);
    assert_int_equal(rc, 0);
    assert_null(strstr(csv, "\r\n1,"));
    assert_non_null(strstr(csv, "\r\n2,failed,"));
    free(csv);
}

static void test_an_export_names_come_from_the_schema(void **state) {
    (void)state;
    assert_true(an_export_name_known("runs"));
    assert_true(an_export_name_known("v_finality"));
    assert_true(an_export_name_known("consensus_summary"));
    assert_false(an_export_name_known("sqlite_master"));
    assert_false(an_export_name_known("runs; DROP TABLE runs"));
    assert_false(an_export_name_known(""));
    char names[4096];
    size_t n = an_export_names(names, sizeof names);
    assert_true(n >= 25);
    assert_true(strncmp(names, "runs, v_runs, ", 14) == 0);
}

static void test_an_export_unknown_name_is_refused(void **state) {
    fixture *f = *state;
    make_db(f->path, AN_SCHEMA_APPLICATION_ID, AN_SCHEMA_VERSION);
    sqlite3 *db = NULL;
    char err[4096];
    assert_int_equal(an_export_open(f->path, &db, err, sizeof err), 0);
    FILE *out = tmpfile();
    assert_non_null(out);
    assert_int_equal(an_export_write(db, "sqlite_master", AN_EXPORT_CSV, -1, out, err, sizeof err),
                     AN_ERR_NAME);
    assert_non_null(strstr(err, "unknown table or view 'sqlite_master'; known: runs, v_runs"));
    assert_int_equal(ftell(out), 0);
    fclose(out);
    sqlite3_close(db);
}

/* Opens path expecting `code`; the file's bytes stay the same. */
static void expect_refused(const char *path, int code, const char *words) {
    size_t n1, n2;
    char *before = slurp(path, &n1);
    sqlite3 *db = (sqlite3 *)(uintptr_t)1;
    char err[512] = "";
    assert_int_equal(an_export_open(path, &db, err, sizeof err), code);
    assert_null(db);
    if (!strstr(err, words)) fail_msg("message '%s' lacks '%s'", err, words);
    char *after = slurp(path, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(before, after, n1);
    free(before);
    free(after);
}

static void test_an_export_refuses_text_file(void **state) {
    fixture *f = *state;
    FILE *fp = fopen(f->path, "w");
    assert_non_null(fp);
    fputs("this is not a database, just enough text to look like a header of one........\n", fp);
    fclose(fp);
    expect_refused(f->path, AN_ERR_NOT_SQLITE, "not SQLite");
}

static void test_an_export_refuses_foreign_sqlite(void **state) {
    fixture *f = *state;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    xrtest_sql_exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1)");
    sqlite3_close(db);
    expect_refused(f->path, AN_ERR_FOREIGN, "not written by xrsim");
    make_db(f->path, 0x12345678u, 1); /* same tables, another application */
    expect_refused(f->path, AN_ERR_FOREIGN, "application_id 0x12345678");
}

static void test_an_export_refuses_newer_schema(void **state) {
    fixture *f = *state;
    make_db(f->path, AN_SCHEMA_APPLICATION_ID, AN_SCHEMA_VERSION + 1);
    expect_refused(f->path, AN_ERR_NEWER, "newer");
}

static void test_an_export_refuses_missing_and_empty_files(void **state) {
    fixture *f = *state;
    sqlite3 *db = NULL;
    char err[512];
    assert_int_equal(an_export_open(f->path, &db, err, sizeof err), AN_ERR_OPEN);
    assert_int_equal(access(f->path, F_OK), -1); /* not created */
    FILE *fp = fopen(f->path, "w");
    assert_non_null(fp);
    fclose(fp);
    assert_int_equal(an_export_open(f->path, &db, err, sizeof err), AN_ERR_FOREIGN);
    assert_non_null(strstr(err, "empty"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_an_export_csv_quotes_per_rfc4180, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_export_json_types_and_nulls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_export_run_filter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_export_names_come_from_the_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_export_unknown_name_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_export_refuses_text_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_export_refuses_foreign_sqlite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_export_refuses_newer_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_export_refuses_missing_and_empty_files, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
