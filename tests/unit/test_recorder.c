/*
** Tests of sim/recorder with the real schema (analysis/schema.sql): new
** files, appending runs and reopening, refusing foreign files without
** changing a byte, failed and interrupted runs, a process killed mid-run
** (fork + _exit), broken runs, migration of an older schema version,
** malformed schema text, a second writer waiting for the lock, cascading
** deletes and the views.  Every test works in its own mkdtemp directory.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <pthread.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "an_schema.h"
#include "recorder.h"
#include "sql.h"

typedef struct fixture {
    char dir[64];
    char path[128];
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/xrsim-rec-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/results.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    DIR *d = opendir(f->dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            char p[512];
            snprintf(p, sizeof p, "%s/%s", f->dir, e->d_name);
            assert_int_equal(unlink(p), 0);
        }
    }
    closedir(d);
    assert_int_equal(rmdir(f->dir), 0);
    free(f);
    return 0;
}

/* ------------------------------------------------------------ helpers */

static int open_with(sim_rec **rec, const char *path, const char *schema, int version, char *err,
                     size_t err_len) {
    return sim_rec_open(rec, path, schema, version, AN_SCHEMA_APPLICATION_ID, err, err_len);
}

static sim_rec *open_ok(const char *path) {
    sim_rec *rec = NULL;
    char err[512];
    int rc = open_with(&rec, path, an_schema_sql, AN_SCHEMA_VERSION, err, sizeof err);
    if (rc != SIM_REC_OK) {
        fail_msg("sim_rec_open: %s: %s", sim_rec_strerror(rc), err);
    }
    assert_non_null(rec);
    return rec;
}

static sim_rec_run_info info_of(uint64_t seed) {
    sim_rec_run_info i = {
        .scenario_name = "probe",
        .scenario_path = "scenarios/probe.yaml",
        .scenario_text = "abc",
        .seed = seed,
        .params_json = "{\"nodes\":4}",
        .xrsim_version = "0.1.0",
        .git_commit = "0123456789ab",
        .command_line = "xrsim run scenarios/probe.yaml --seed 7",
        .host = NULL,
        .started_at = NULL,
    };
    return i;
}

static int64_t begin_ok(sim_rec *rec, uint64_t seed) {
    sim_rec_run_info info = info_of(seed);
    int64_t id = 0;
    int rc = sim_rec_run_begin(rec, &info, &id);
    if (rc != SIM_REC_OK) {
        fail_msg("run_begin: %s: %s", sim_rec_strerror(rc), sim_rec_errmsg(rec));
    }
    assert_true(id > 0);
    assert_int_equal(sim_rec_run_id(rec), id);
    return id;
}

static const char INSERT_DELIVERY[] =
    "INSERT INTO net_deliveries (run_id, seq, src, dst, sent_ns, recv_ns, size_bytes, outcome)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char INSERT_NODE[] = "INSERT INTO nodes (run_id, node_id, grp, idx, region) VALUES (?, ?, ?, ?, ?)";

/* One sampled message; recv_ns < 0 means not delivered. */
static int insert_delivery(sim_rec *rec, int64_t run, int64_t seq, int64_t sent_ns, int64_t recv_ns,
                           const char *outcome) {
    sqlite3_stmt *s = NULL;
    int rc = sim_rec_prepare(rec, INSERT_DELIVERY, &s);
    if (rc != SIM_REC_OK) {
        return rc;
    }
    sim_rec_val row[] = {
        sim_rec_int(run),     sim_rec_int(seq),
        sim_rec_int(seq % 4), sim_rec_int((seq + 1) % 4),
        sim_rec_int(sent_ns), recv_ns >= 0 ? sim_rec_int(recv_ns) : sim_rec_null(),
        sim_rec_int(200),     sim_rec_text(outcome),
    };
    return sim_rec_insert(rec, s, row, 8);
}

static void insert_rows(sim_rec *rec, int64_t run, int count) {
    sqlite3_stmt *s = NULL;
    assert_int_equal(sim_rec_prepare(rec, INSERT_NODE, &s), SIM_REC_OK);
    for (int n = 0; n < 4; n++) {
        sim_rec_val row[] = {sim_rec_int(run), sim_rec_int(n), sim_rec_text("verifiers"), sim_rec_int(n),
                             sim_rec_text(n < 2 ? "us-east-1" : "eu-west-1")};
        assert_int_equal(sim_rec_insert(rec, s, row, 5), SIM_REC_OK);
    }
    for (int i = 0; i < count; i++) {
        int64_t sent = 1000000 * (int64_t)i;
        assert_int_equal(insert_delivery(rec, run, i, sent, sent + 5000000, "delivered"), SIM_REC_OK);
    }
}

static sim_rec_run_stats stats_of(uint64_t events) {
    sim_rec_run_stats st = {
        .wall_s = 1.5, .sim_s = 60.0, .event_count = events, .event_digest = "00112233445566778899aabbccddeeff"};
    return st;
}

static void end_ok(sim_rec *rec, int64_t run, uint64_t events) {
    sim_rec_run_stats st = stats_of(events);
    int rc = sim_rec_run_end(rec, run, &st);
    if (rc != SIM_REC_OK) {
        fail_msg("run_end: %s: %s", sim_rec_strerror(rc), sim_rec_errmsg(rec));
    }
    assert_int_equal(sim_rec_run_id(rec), 0);
    assert_int_equal(sim_rec_last_run_id(rec), run);
}

static int64_t query_int(sqlite3 *db, const char *sql) {
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
    }
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(s, 0);
    assert_int_equal(sqlite3_finalize(s), SQLITE_OK);
    return v;
}

static double query_real(sqlite3 *db, const char *sql) {
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
    }
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    double v = sqlite3_column_double(s, 0);
    assert_int_equal(sqlite3_finalize(s), SQLITE_OK);
    return v;
}

/* The first column of the first row as text ("" for NULL). */
static void query_text(sqlite3 *db, const char *sql, char *out, size_t len) {
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
    }
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    const unsigned char *t = sqlite3_column_text(s, 0);
    snprintf(out, len, "%s", t ? (const char *)t : "");
    assert_int_equal(sqlite3_finalize(s), SQLITE_OK);
}

/* A plain SQLite connection, foreign keys off (as in the sqlite3 shell). */
static sqlite3 *raw_open(const char *path) {
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), SQLITE_OK);
    return db;
}

typedef struct bytes {
    unsigned char *p;
    size_t len;
} bytes;

static bytes slurp(const char *path) {
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    bytes b = {NULL, 0};
    unsigned char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
        b.p = realloc(b.p, b.len + n);
        assert_non_null(b.p);
        memcpy(b.p + b.len, buf, n);
        b.len += n;
    }
    assert_int_equal(ferror(fp), 0);
    fclose(fp);
    return b;
}

static void assert_same_bytes(bytes before, const char *path) {
    bytes after = slurp(path);
    assert_int_equal(after.len, before.len);
    assert_memory_equal(after.p, before.p, before.len);
    free(after.p);
}

static int dir_entries(const char *dir) {
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    }
    closedir(d);
    return n;
}

static bool exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* Opens `path` expecting refusal `want` with `needle` in the message, and
** checks that neither the file nor its directory changed. */
static void assert_refused(const fixture *f, int want, const char *needle) {
    bytes before = slurp(f->path);
    int entries = dir_entries(f->dir);
    sim_rec *rec = (sim_rec *)&rec; /* poison: must come back NULL */
    char err[512];
    int rc = open_with(&rec, f->path, an_schema_sql, AN_SCHEMA_VERSION, err, sizeof err);
    assert_int_equal(rc, want);
    assert_null(rec);
    if (strstr(err, needle) == NULL) {
        fail_msg("message \"%s\" lacks \"%s\"", err, needle);
    }
    assert_same_bytes(before, f->path);
    assert_int_equal(dir_entries(f->dir), entries);
    free(before.p);
}

/* ------------------------------------------------------------ tests */

static void test_recorder_creates_new_file(void **state) {
    fixture *f = *state;
    assert_false(exists(f->path));
    sim_rec *rec = open_ok(f->path);
    sqlite3 *db = sim_rec_db(rec);
    assert_int_equal(query_int(db, "PRAGMA application_id"), 0x78727369);
    assert_int_equal(query_int(db, "PRAGMA application_id"), (int64_t)AN_SCHEMA_APPLICATION_ID);
    assert_int_equal(query_int(db, "PRAGMA user_version"), AN_SCHEMA_VERSION);
    assert_int_equal(query_int(db, "PRAGMA foreign_keys"), 1);
    char mode[32];
    query_text(db, "PRAGMA journal_mode", mode, sizeof mode);
    assert_string_equal(mode, "delete");
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('runs', 'nodes', "
                                   "'net_links', 'net_deliveries', 'v_runs', 'v_net_latency', "
                                   "'v_net_links', 'v_net_regions')"),
                     8);
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs"), 0);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);
    assert_true(exists(f->path));
    assert_int_equal(dir_entries(f->dir), 1); /* no journal left behind */
}

static void test_recorder_appends_runs_and_reopens(void **state) {
    fixture *f = *state;
    sim_rec *rec = open_ok(f->path);
    for (uint64_t seed = 1; seed <= 3; seed++) {
        int64_t run = begin_ok(rec, seed);
        assert_int_equal(run, (int64_t)seed);
        insert_rows(rec, run, 10 * (int)seed);
        end_ok(rec, run, 1000 * seed);
    }
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);

    rec = open_ok(f->path);
    int64_t run = begin_ok(rec, UINT64_MAX);
    assert_int_equal(run, 4);
    insert_rows(rec, run, 5);
    end_ok(rec, run, 4000);
    sqlite3 *db = sim_rec_db(rec);
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs WHERE status = 'ok' AND error IS NULL"), 4);
    assert_int_equal(query_int(db, "SELECT group_concat(n, ',') = '10,20,30,5' FROM (SELECT count(*) AS n "
                                   "FROM net_deliveries GROUP BY run_id ORDER BY run_id)"),
                     1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM nodes"), 16);
    /* SHA-256("abc") from FIPS 180-4. */
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs WHERE scenario_sha256 = "
                                   "'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'"),
                     4);
    /* The run row carries everything needed to reproduce the run. */
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs WHERE id = 2 AND seed = 2 AND scenario_name = "
                                   "'probe' AND scenario_sha256 = (SELECT sha256 FROM scenarios WHERE text = 'abc') AND scenario_path = "
                                   "'scenarios/probe.yaml' AND params_json = '{\"nodes\":4}' AND "
                                   "xrsim_version = '0.1.0' AND git_commit = '0123456789ab' AND "
                                   "command_line LIKE 'xrsim run %' AND host IS NOT NULL AND wall_s = 1.5 "
                                   "AND sim_s = 60.0 AND event_count = 2000 AND event_digest = "
                                   "'00112233445566778899aabbccddeeff'"),
                     1);
    /* 2^64 - 1 is stored as -1 (two's complement). */
    assert_int_equal(query_int(db, "SELECT seed FROM runs WHERE id = 4"), -1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs WHERE started_at GLOB "
                                   "'[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:"
                                   "[0-6][0-9].[0-9][0-9][0-9]Z' AND finished_at >= started_at"),
                     4);
    assert_int_equal(query_int(db, "SELECT events_per_s FROM v_runs WHERE id = 3"), 2000);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);
    assert_int_equal(dir_entries(f->dir), 1);
}

static void test_recorder_accepts_empty_file(void **state) {
    fixture *f = *state;
    FILE *fp = fopen(f->path, "wb");
    assert_non_null(fp);
    fclose(fp);
    sim_rec *rec = open_ok(f->path);
    assert_int_equal(query_int(sim_rec_db(rec), "PRAGMA user_version"), AN_SCHEMA_VERSION);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);
}

static void test_recorder_refuses_text_file(void **state) {
    fixture *f = *state;
    FILE *fp = fopen(f->path, "wb");
    assert_non_null(fp);
    for (int i = 0; i < 50; i++) {
        fprintf(fp, "seed,finality_ms\n%d,%d\n", i, 1000 + i);
    }
    fclose(fp);
    assert_refused(f, SIM_REC_ERR_NOT_SQLITE, "is not an xrsim results database (not SQLite)");

    /* A short file, and a long one that merely starts like SQLite. */
    fp = fopen(f->path, "wb");
    assert_non_null(fp);
    fputs("SQLite", fp);
    fclose(fp);
    assert_refused(f, SIM_REC_ERR_NOT_SQLITE, "not SQLite");
    fp = fopen(f->path, "wb");
    assert_non_null(fp);
    fputs("SQLite format 2", fp);
    for (int i = 0; i < 200; i++) {
        fputc(0, fp);
    }
    fclose(fp);
    assert_refused(f, SIM_REC_ERR_NOT_SQLITE, "not SQLite");
    /* The magic followed by garbage: SQLite itself rejects the header. */
    fp = fopen(f->path, "wb");
    assert_non_null(fp);
    fwrite("SQLite format 3", 1, 16, fp);
    for (int i = 0; i < 4096; i++) {
        fputc(0xa5, fp);
    }
    fclose(fp);
    assert_refused(f, SIM_REC_ERR_NOT_SQLITE, "not SQLite");
}

static void test_recorder_refuses_foreign_sqlite(void **state) {
    fixture *f = *state;
    sqlite3 *db = raw_open(f->path);
    xrtest_sql_exec(db, "CREATE TABLE foo (a INTEGER, b TEXT); INSERT INTO foo VALUES (1, 'x')");
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    assert_refused(f, SIM_REC_ERR_FOREIGN, "was not written by xrsim (it has table 'foo')");
}

static void test_recorder_refuses_other_application_id(void **state) {
    fixture *f = *state;
    sqlite3 *db = raw_open(f->path);
    xrtest_sql_exec(db, "PRAGMA application_id = 42");
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    assert_refused(f, SIM_REC_ERR_FOREIGN, "not written by xrsim (application_id 0x0000002a)");
}

static void test_recorder_refuses_newer_version(void **state) {
    fixture *f = *state;
    sim_rec *rec = open_ok(f->path);
    end_ok(rec, begin_ok(rec, 7), 10);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);
    sqlite3 *db = raw_open(f->path);
    /* one past whatever this build writes */
    char bump[64];
    snprintf(bump, sizeof bump, "PRAGMA user_version = %d", AN_SCHEMA_VERSION + 1);
    xrtest_sql_exec(db, bump);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    char needle[128];
    snprintf(needle, sizeof needle, "has schema version %d; this xrsim reads up to %d -- upgrade xrsim",
             AN_SCHEMA_VERSION + 1, AN_SCHEMA_VERSION);
    assert_refused(f, SIM_REC_ERR_NEWER, needle);
}

static void test_recorder_refuses_xrsim_id_without_schema(void **state) {
    fixture *f = *state;
    sqlite3 *db = raw_open(f->path);
    xrtest_sql_exec(db, "PRAGMA application_id = 2020766569; CREATE TABLE t (x)");
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    assert_refused(f, SIM_REC_ERR_FOREIGN, "no xrsim schema");
}

static void test_recorder_refuses_missing_directory(void **state) {
    fixture *f = *state;
    char path[256];
    snprintf(path, sizeof path, "%s/no/such/dir/results.db", f->dir);
    sim_rec *rec = NULL;
    char err[512];
    assert_int_equal(open_with(&rec, path, an_schema_sql, AN_SCHEMA_VERSION, err, sizeof err), SIM_REC_ERR_OPEN);
    assert_null(rec);
    assert_non_null(strstr(err, "does not exist"));
    assert_non_null(strstr(err, "/no/such/dir'"));
    /* A directory is not a results file either. */
    assert_int_equal(open_with(&rec, f->dir, an_schema_sql, AN_SCHEMA_VERSION, err, sizeof err),
                     SIM_REC_ERR_OPEN);
    assert_non_null(strstr(err, "is a directory"));
    assert_int_equal(dir_entries(f->dir), 0);
}

static void test_recorder_run_fail_keeps_only_run_row(void **state) {
    fixture *f = *state;
    sim_rec *rec = open_ok(f->path);
    int64_t good = begin_ok(rec, 1);
    insert_rows(rec, good, 3);
    end_ok(rec, good, 100);

    int64_t bad = begin_ok(rec, 2);
    insert_rows(rec, bad, 50);
    sim_rec_run_stats st = {.wall_s = 0.25, .sim_s = 12.5, .event_count = 777, .event_digest = "ab"};
    assert_int_equal(sim_rec_run_fail(rec, bad, SIM_REC_FAILED, "verifier 3: invariant violated", &st),
                     SIM_REC_OK);
    assert_int_equal(sim_rec_run_id(rec), 0);
    assert_int_equal(sim_rec_last_run_id(rec), bad);

    int64_t stopped = begin_ok(rec, 3);
    insert_rows(rec, stopped, 5);
    assert_int_equal(sim_rec_run_fail(rec, stopped, SIM_REC_INTERRUPTED, "interrupted by SIGINT", NULL),
                     SIM_REC_OK);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);

    sqlite3 *db = raw_open(f->path);
    assert_int_equal(query_int(db, "SELECT count(*) FROM net_deliveries WHERE run_id <> 1"), 0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM nodes WHERE run_id <> 1"), 0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM net_deliveries WHERE run_id = 1"), 3);
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs WHERE id = 2 AND status = 'failed' AND error = "
                                   "'verifier 3: invariant violated' AND wall_s = 0.25 AND sim_s = 12.5 AND "
                                   "event_count = 777 AND event_digest = 'ab' AND finished_at IS NOT NULL "
                                   "AND scenario_sha256 = (SELECT sha256 FROM scenarios WHERE text = 'abc')"),
                     1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs WHERE id = 3 AND status = 'interrupted' AND "
                                   "error = 'interrupted by SIGINT' AND sim_s IS NULL AND event_count IS "
                                   "NULL AND wall_s >= 0"),
                     1);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void test_recorder_crash_leaves_no_rows(void **state) {
    fixture *f = *state;
    sim_rec *rec = open_ok(f->path);
    int64_t run1 = begin_ok(rec, 1);
    insert_rows(rec, run1, 100);
    end_ok(rec, run1, 100);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);
    /* No free pages: SQLite does not journal free-list pages it reuses (their
    ** content does not matter), so only a file without them comes back byte
    ** for byte.  A new file has some since schema 9 rebuilds a table. */
    sqlite3 *raw = raw_open(f->path);
    assert_int_equal(sqlite3_exec(raw, "VACUUM", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_close(raw), SQLITE_OK);
    bytes before = slurp(f->path);

    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* The child: no cmocka asserts here (they would longjmp into the
        ** parent's copy of the runner); report through the exit status. */
        sim_rec *c = NULL;
        char err[256];
        if (open_with(&c, f->path, an_schema_sql, AN_SCHEMA_VERSION, err, sizeof err) != SIM_REC_OK) {
            _exit(10);
        }
        /* A tiny page cache forces SQLite to spill the uncommitted run into
        ** the database file, so recovery really has pages to undo. */
        if (sqlite3_exec(sim_rec_db(c), "PRAGMA cache_size = 10", NULL, NULL, NULL) != SQLITE_OK) {
            _exit(11);
        }
        sim_rec_run_info info = info_of(2);
        int64_t run = 0;
        if (sim_rec_run_begin(c, &info, &run) != SIM_REC_OK) {
            _exit(12);
        }
        for (int i = 0; i < 20000; i++) {
            if (insert_delivery(c, run, i, i, i + 10, "delivered") != SIM_REC_OK) {
                _exit(13);
            }
        }
        _exit(0); /* killed mid-run: no commit, no close */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);

    /* The crash left a hot journal and a modified database file. */
    char journal[160];
    snprintf(journal, sizeof journal, "%s-journal", f->path);
    assert_true(exists(journal));
    bytes crashed = slurp(f->path);
    assert_true(crashed.len != before.len || memcmp(crashed.p, before.p, before.len) != 0);
    free(crashed.p);

    rec = open_ok(f->path); /* first read rolls the hot journal back */
    sqlite3 *db = sim_rec_db(rec);
    char check[64];
    query_text(db, "PRAGMA integrity_check", check, sizeof check);
    assert_string_equal(check, "ok");
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM net_deliveries WHERE run_id <> 1"), 0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM net_deliveries WHERE run_id = 1"), 100);
    assert_int_equal(query_int(db, "SELECT count(*) FROM nodes WHERE run_id = 1"), 4);
    assert_int_equal(query_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    assert_false(exists(journal));
    assert_same_bytes(before, f->path); /* rolled back to exactly the committed state */
    free(before.p);

    /* And the file takes new runs. */
    int64_t run = begin_ok(rec, 3);
    insert_rows(rec, run, 7);
    end_ok(rec, run, 7);
    assert_int_equal(query_int(db, "SELECT count(*) FROM net_deliveries"), 107);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);
}

static void test_recorder_close_mid_run_rolls_back(void **state) {
    fixture *f = *state;
    sim_rec *rec = open_ok(f->path);
    int64_t run = begin_ok(rec, 1);
    insert_rows(rec, run, 10);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);
    rec = open_ok(f->path);
    assert_int_equal(query_int(sim_rec_db(rec), "SELECT count(*) FROM runs"), 0);
    assert_int_equal(query_int(sim_rec_db(rec), "SELECT count(*) FROM nodes"), 0);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);
}

static void test_recorder_broken_run_cannot_commit(void **state) {
    fixture *f = *state;
    sim_rec *rec = open_ok(f->path);
    int64_t run = begin_ok(rec, 1);
    insert_rows(rec, run, 3);
    assert_false(sim_rec_run_broken(rec));
    /* A CHECK violation: the outcome is not one of the known ones. */
    assert_int_equal(insert_delivery(rec, run, 100, 0, 5, "teleported"), SIM_REC_ERR_SQLITE);
    assert_non_null(strstr(sim_rec_errmsg(rec), "CHECK constraint failed"));
    assert_true(sim_rec_run_broken(rec));
    /* Further writes are refused, even valid ones. */
    assert_int_equal(insert_delivery(rec, run, 101, 0, 5, "delivered"), SIM_REC_ERR_RUN_BROKEN);
    sim_rec_run_stats st = stats_of(5);
    assert_int_equal(sim_rec_run_end(rec, run, &st), SIM_REC_ERR_RUN_BROKEN);
    assert_non_null(strstr(sim_rec_errmsg(rec), "an earlier write failed"));
    assert_non_null(strstr(sim_rec_errmsg(rec), "CHECK constraint failed"));
    assert_int_equal(sim_rec_run_id(rec), run); /* still in progress */
    assert_int_equal(sim_rec_run_fail(rec, run, SIM_REC_FAILED, sim_rec_errmsg(rec), &st), SIM_REC_OK);
    sqlite3 *db = sim_rec_db(rec);
    assert_int_equal(query_int(db, "SELECT count(*) FROM net_deliveries"), 0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs WHERE status = 'failed' AND error LIKE "
                                   "'%CHECK constraint failed%'"),
                     1);
    /* A fresh run on the same handle works. */
    int64_t next = begin_ok(rec, 2);
    assert_false(sim_rec_run_broken(rec));
    insert_rows(rec, next, 2);
    end_ok(rec, next, 2);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);
}

static void test_recorder_lost_transaction_still_records_failure(void **state) {
    fixture *f = *state;
    sim_rec *a = open_ok(f->path);
    int64_t run = begin_ok(a, 1);
    insert_rows(a, run, 5);
    /* What SQLite does by itself on some I/O errors: the transaction goes. */
    xrtest_sql_exec(sim_rec_db(a), "ROLLBACK");
    assert_int_equal(insert_delivery(a, run, 99, 0, 5, "delivered"), SIM_REC_ERR_RUN_BROKEN);
    assert_non_null(strstr(sim_rec_errmsg(a), "transaction of run 1 was lost"));
    sim_rec_run_stats st = stats_of(5);
    assert_int_equal(sim_rec_run_end(a, run, &st), SIM_REC_ERR_RUN_BROKEN);
    /* Meanwhile another writer takes id 1. */
    sim_rec *b = open_ok(f->path);
    int64_t other = begin_ok(b, 2);
    assert_int_equal(other, run);
    end_ok(b, other, 1);
    assert_int_equal(sim_rec_close(b), SIM_REC_OK);
    /* The failure is still recorded, under a new id, with its description. */
    assert_int_equal(sim_rec_run_fail(a, run, SIM_REC_FAILED, "disk trouble", &st), SIM_REC_OK);
    assert_int_equal(sim_rec_last_run_id(a), 2);
    sqlite3 *db = sim_rec_db(a);
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs WHERE id = 2 AND seed = 1 AND status = 'failed' "
                                   "AND error = 'disk trouble' AND scenario_sha256 = (SELECT sha256 FROM scenarios WHERE text = 'abc') AND event_count = 5"),
                     1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM net_deliveries WHERE run_id = 2"), 0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs WHERE id = 1 AND seed = 2 AND status = 'ok'"), 1);

    /* Without a competing writer the id is kept. */
    run = begin_ok(a, 3);
    xrtest_sql_exec(db, "ROLLBACK");
    assert_int_equal(sim_rec_run_fail(a, run, SIM_REC_INTERRUPTED, "stopped", NULL), SIM_REC_OK);
    assert_int_equal(sim_rec_last_run_id(a), run);
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs WHERE status = 'interrupted' AND seed = 3"), 1);
    assert_int_equal(sim_rec_close(a), SIM_REC_OK);
}

static void test_recorder_commit_waits_for_readers(void **state) {
    fixture *f = *state;
    sim_rec *rec = open_ok(f->path);
    sim_rec_set_busy_timeout(rec, 50);
    int64_t run = begin_ok(rec, 1);
    insert_rows(rec, run, 20);
    /* A reader in the middle of a query holds a shared lock. */
    sqlite3 *reader = raw_open(f->path);
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(reader, "SELECT id FROM runs UNION ALL SELECT 0", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    sim_rec_run_stats st = stats_of(20);
    assert_int_equal(sim_rec_run_end(rec, run, &st), SIM_REC_ERR_BUSY);
    assert_non_null(strstr(sim_rec_errmsg(rec), "readers kept"));
    assert_int_equal(sim_rec_run_id(rec), run); /* still in progress, rows intact */
    assert_false(sim_rec_run_broken(rec));
    assert_int_equal(sqlite3_finalize(q), SQLITE_OK);
    end_ok(rec, run, 20); /* the retry commits */
    assert_int_equal(query_int(reader, "SELECT count(*) FROM net_deliveries WHERE run_id = 1"), 20);
    assert_int_equal(query_int(reader, "SELECT count(*) FROM runs WHERE status = 'ok'"), 1);
    assert_int_equal(sqlite3_close(reader), SQLITE_OK);

    /* A busy commit followed by run_fail discards the rows instead. */
    run = begin_ok(rec, 2);
    insert_rows(rec, run, 3);
    reader = raw_open(f->path);
    assert_int_equal(sqlite3_prepare_v2(reader, "SELECT id FROM runs UNION ALL SELECT 0", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sim_rec_run_end(rec, run, &st), SIM_REC_ERR_BUSY);
    assert_int_equal(sqlite3_finalize(q), SQLITE_OK);
    assert_int_equal(sim_rec_run_fail(rec, run, SIM_REC_FAILED, "could not commit", NULL), SIM_REC_OK);
    assert_int_equal(query_int(reader, "SELECT count(*) FROM net_deliveries WHERE run_id = 2"), 0);
    assert_int_equal(query_int(reader, "SELECT count(*) FROM runs WHERE id = 2 AND status = 'failed'"), 1);
    assert_int_equal(sqlite3_close(reader), SQLITE_OK);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);
}

static void count_wait(void *ctx, const char *path, double waited_s) {
    (void)path;
    assert_true(waited_s >= 0.0);
    (*(int *)ctx)++;
}

/* A reader on another thread: holds a read transaction for 600 ms. */
typedef struct slow_reader {
    sqlite3 *db;
} slow_reader;

static void *hold_then_release(void *arg) {
    slow_reader *r = arg;
    struct timespec nap = {0, 600 * 1000 * 1000};
    nanosleep(&nap, NULL);
    int rc = sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL);
    return rc == SQLITE_OK ? arg : NULL;
}

static void test_recorder_run_end_waiting_keeps_the_run(void **state) {
    fixture *f = *state;
    sim_rec *rec = open_ok(f->path);
    sim_rec_set_busy_timeout(rec, 50);
    int64_t run = begin_ok(rec, 1);
    insert_rows(rec, run, 20);
    slow_reader r = {0};
    assert_int_equal(sqlite3_open_v2(f->path, &r.db, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(r.db, "BEGIN; SELECT count(*) FROM runs", NULL, NULL, NULL), SQLITE_OK);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, hold_then_release, &r), 0);
    int waits = 0;
    sim_rec_run_stats st = stats_of(20);
    assert_int_equal(sim_rec_run_end_waiting(rec, run, &st, count_wait, &waits), SIM_REC_OK);
    void *res = NULL;
    assert_int_equal(pthread_join(t, &res), 0);
    assert_ptr_equal(res, &r);
    if (waits < 2) fail_msg("waited %d times", waits);
    assert_int_equal(query_int(sim_rec_db(rec), "SELECT count(*) FROM runs WHERE status = 'ok'"), 1);
    assert_int_equal(query_int(sim_rec_db(rec), "SELECT count(*) FROM net_deliveries WHERE run_id = 1"), 20);
    assert_int_equal(sqlite3_close(r.db), SQLITE_OK);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);
}

/* Files with the right application id and version but a schema that is not
** exactly xrsim's are refused before anything is written. */
static void test_recorder_refuses_altered_schema(void **state) {
    fixture *f = *state;
    static const char *const changes[] = {
        "CREATE TRIGGER evil AFTER INSERT ON runs BEGIN DELETE FROM runs WHERE id < NEW.id; END",
        "ALTER TABLE nodes DROP COLUMN region",
        "CREATE TABLE extra (x)",
        "DROP VIEW v_runs; CREATE VIEW v_runs AS SELECT 1 AS id",
        "DROP INDEX runs_by_scenario",
    };
    static const char *const says[] = {"unexpected trigger evil", "its table nodes differs", "unexpected table extra",
                                       "its view v_runs differs", "lacks index runs_by_scenario"};
    for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++) {
        unlink(f->path);
        sim_rec *rec = open_ok(f->path);
        end_ok(rec, begin_ok(rec, 1), 1);
        assert_int_equal(sim_rec_close(rec), SIM_REC_OK);
        sqlite3 *db = raw_open(f->path);
        xrtest_sql_exec(db, changes[i]);
        assert_int_equal(sqlite3_close(db), SQLITE_OK);
        char err[512];
        rec = NULL;
        int rc = open_with(&rec, f->path, an_schema_sql, AN_SCHEMA_VERSION, err, sizeof err);
        assert_int_equal(rc, SIM_REC_ERR_FOREIGN);
        assert_null(rec);
        if (strstr(err, says[i]) == NULL) fail_msg("change %zu: %s", i, err);
    }
}

static void test_recorder_foreign_key_rejects_unknown_run(void **state) {
    fixture *f = *state;
    sim_rec *rec = open_ok(f->path);
    int64_t run = begin_ok(rec, 1);
    assert_int_equal(insert_delivery(rec, run + 100, 0, 0, 5, "delivered"), SIM_REC_ERR_SQLITE);
    assert_non_null(strstr(sim_rec_errmsg(rec), "FOREIGN KEY constraint failed"));
    assert_int_equal(sim_rec_run_fail(rec, run, SIM_REC_FAILED, "bad row", NULL), SIM_REC_OK);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);
}

static void test_recorder_rejects_invalid_params_json(void **state) {
    fixture *f = *state;
    sim_rec *rec = open_ok(f->path);
    sim_rec_run_info info = info_of(1);
    info.params_json = "{\"nodes\": 4";
    int64_t run = 99;
    assert_int_equal(sim_rec_run_begin(rec, &info, &run), SIM_REC_ERR_SQLITE);
    assert_int_equal(run, 0);
    assert_int_equal(sim_rec_run_id(rec), 0);
    assert_non_null(strstr(sim_rec_errmsg(rec), "CHECK constraint failed"));
    run = begin_ok(rec, 1); /* nothing is left locked or half-begun */
    end_ok(rec, run, 1);
    assert_int_equal(query_int(sim_rec_db(rec), "SELECT count(*) FROM runs"), 1);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);
}

static void test_recorder_second_writer_waits_then_fails(void **state) {
    fixture *f = *state;
    sim_rec *a = open_ok(f->path);
    sim_rec *b = open_ok(f->path);
    sim_rec_set_busy_timeout(b, 50);
    int64_t run_a = begin_ok(a, 1);
    insert_rows(a, run_a, 3);
    sim_rec_run_info info = info_of(2);
    int64_t run_b = 0;
    assert_int_equal(sim_rec_run_begin(b, &info, &run_b), SIM_REC_ERR_BUSY);
    assert_non_null(strstr(sim_rec_errmsg(b), "locked by another writer (waited 50 ms)"));
    assert_int_equal(sim_rec_run_id(b), 0);
    /* b does not see a's uncommitted run. */
    assert_int_equal(query_int(sim_rec_db(b), "SELECT count(*) FROM runs"), 0);
    end_ok(a, run_a, 3);
    run_b = begin_ok(b, 2);
    assert_int_equal(run_b, 2);
    end_ok(b, run_b, 1);
    assert_int_equal(query_int(sim_rec_db(a), "SELECT count(*) FROM runs WHERE status = 'ok'"), 2);
    assert_int_equal(sim_rec_close(a), SIM_REC_OK);
    assert_int_equal(sim_rec_close(b), SIM_REC_OK);
}

static void test_recorder_delete_cascades(void **state) {
    fixture *f = *state;
    sim_rec *rec = open_ok(f->path);
    for (uint64_t seed = 1; seed <= 2; seed++) {
        int64_t run = begin_ok(rec, seed);
        insert_rows(rec, run, 6);
        sqlite3_stmt *s = NULL;
        assert_int_equal(sim_rec_prepare(rec,
                                         "INSERT INTO net_links (run_id, src_grp, dst_grp, sent_count) "
                                         "VALUES (?, ?, ?, ?)",
                                         &s),
                         SIM_REC_OK);
        sim_rec_val row[] = {sim_rec_int(run), sim_rec_text("verifiers"), sim_rec_text("relayers"),
                             sim_rec_int(6)};
        assert_int_equal(sim_rec_insert(rec, s, row, 4), SIM_REC_OK);
        end_ok(rec, run, 6);
    }
    /* With foreign keys on (the recorder's connection). */
    xrtest_sql_exec(sim_rec_db(rec), "DELETE FROM runs WHERE id = 1");
    assert_int_equal(query_int(sim_rec_db(rec), "SELECT count(*) FROM net_deliveries WHERE run_id = 1"), 0);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);
    /* And in a shell-like connection without them (the triggers). */
    sqlite3 *db = raw_open(f->path);
    assert_int_equal(query_int(db, "PRAGMA foreign_keys"), 0);
    xrtest_sql_exec(db, "DELETE FROM runs WHERE id = 2");
    assert_int_equal(query_int(db, "SELECT (SELECT count(*) FROM nodes) + (SELECT count(*) FROM net_links) + "
                                   "(SELECT count(*) FROM net_deliveries)"),
                     0);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void test_recorder_views_summarise_network(void **state) {
    fixture *f = *state;
    sim_rec *rec = open_ok(f->path);
    int64_t run = begin_ok(rec, 1);
    /* Latencies 10, 20 and 30 ms; one lost message; one still in flight. */
    assert_int_equal(insert_delivery(rec, run, 0, 0, 10000000, "delivered"), SIM_REC_OK);
    assert_int_equal(insert_delivery(rec, run, 1, 5000000, 25000000, "delivered"), SIM_REC_OK);
    assert_int_equal(insert_delivery(rec, run, 2, 1000000, 31000000, "delivered"), SIM_REC_OK);
    assert_int_equal(insert_delivery(rec, run, 3, 2000000, -1, "dropped_loss"), SIM_REC_OK);
    assert_int_equal(insert_delivery(rec, run, 4, 3000000, -1, "in_flight"), SIM_REC_OK);
    /* A delivered message must have a receive time, and only it. */
    sqlite3_stmt *s = NULL;
    assert_int_equal(sim_rec_prepare(rec,
                                     "INSERT INTO net_links (run_id, src_grp, src_region, dst_grp, dst_region,"
                                     " sent_count, delivered_count, dropped_loss_count, sent_bytes,"
                                     " latency_sum_ns, latency_min_ns, latency_max_ns)"
                                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                     &s),
                     SIM_REC_OK);
    sim_rec_val a[] = {sim_rec_int(run),  sim_rec_text("verifiers"), sim_rec_text("us-east-1"),
                       sim_rec_text("verifiers"), sim_rec_text("eu-west-1"), sim_rec_int(10),
                       sim_rec_int(8),    sim_rec_int(1),            sim_rec_int(2000),
                       sim_rec_int(400000000), sim_rec_int(40000000), sim_rec_int(60000000)};
    assert_int_equal(sim_rec_insert(rec, s, a, 12), SIM_REC_OK);
    sim_rec_val b[] = {sim_rec_int(run),  sim_rec_text("verifiers"), sim_rec_text("eu-west-1"),
                       sim_rec_text("verifiers"), sim_rec_text("eu-west-1"), sim_rec_int(10),
                       sim_rec_int(10),   sim_rec_int(0),            sim_rec_int(2000),
                       sim_rec_int(100000000), sim_rec_int(5000000), sim_rec_int(20000000)};
    assert_int_equal(sim_rec_insert(rec, s, b, 12), SIM_REC_OK);
    end_ok(rec, run, 10);

    sqlite3 *db = sim_rec_db(rec);
    assert_int_equal(query_int(db, "SELECT sampled_count FROM v_net_latency WHERE run_id = 1"), 5);
    assert_int_equal(query_int(db, "SELECT delivered_count FROM v_net_latency WHERE run_id = 1"), 3);
    assert_int_equal(query_int(db, "SELECT dropped_count FROM v_net_latency WHERE run_id = 1"), 1);
    assert_true(query_real(db, "SELECT mean_ms FROM v_net_latency WHERE run_id = 1") == 20.0);
    assert_true(query_real(db, "SELECT min_ms FROM v_net_latency WHERE run_id = 1") == 10.0);
    assert_true(query_real(db, "SELECT max_ms FROM v_net_latency WHERE run_id = 1") == 30.0);
    /* Group pair: 20 sent, 18 delivered, 1 lost, 1 in flight; 500 ms / 18. */
    assert_int_equal(query_int(db, "SELECT in_flight_count FROM v_net_links WHERE run_id = 1"), 1);
    assert_true(query_real(db, "SELECT undelivered_fraction FROM v_net_links WHERE run_id = 1") == 0.1);
    assert_true(query_real(db, "SELECT abs(mean_ms - 500.0 / 18) < 1e-9 FROM v_net_links") == 1.0);
    assert_true(query_real(db, "SELECT min_ms FROM v_net_links") == 5.0);
    assert_true(query_real(db, "SELECT max_ms FROM v_net_links") == 60.0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM v_net_regions"), 2);
    assert_true(query_real(db, "SELECT mean_ms FROM v_net_regions WHERE src_region = 'us-east-1'") == 50.0);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);
}

static void test_recorder_prepare_caches_statements(void **state) {
    fixture *f = *state;
    sim_rec *rec = open_ok(f->path);
    sqlite3_stmt *s1 = NULL, *s2 = NULL, *s3 = NULL;
    assert_int_equal(sim_rec_prepare(rec, INSERT_NODE, &s1), SIM_REC_OK);
    char copy[sizeof INSERT_NODE];
    memcpy(copy, INSERT_NODE, sizeof copy);
    assert_int_equal(sim_rec_prepare(rec, copy, &s2), SIM_REC_OK); /* keyed by text */
    assert_ptr_equal(s1, s2);
    assert_int_equal(sim_rec_prepare(rec, INSERT_DELIVERY, &s3), SIM_REC_OK);
    assert_ptr_not_equal(s1, s3);
    sqlite3_stmt *bad = (sqlite3_stmt *)&bad;
    assert_int_equal(sim_rec_prepare(rec, "INSERT INTO no_such_table VALUES (1)", &bad), SIM_REC_ERR_SQLITE);
    assert_null(bad);
    assert_non_null(strstr(sim_rec_errmsg(rec), "no such table: no_such_table"));
    assert_int_equal(sim_rec_prepare(rec, "SELECT 1; SELECT 2", &bad), SIM_REC_ERR_SQLITE);
    assert_non_null(strstr(sim_rec_errmsg(rec), "more than one statement"));
    assert_int_equal(sim_rec_prepare(rec, "SELECT 1;  \n", &bad), SIM_REC_OK);

    /* sim_rec_step with the caller's own bindings. */
    int64_t run = begin_ok(rec, 1);
    assert_int_equal(sqlite3_bind_int64(s1, 1, run), SQLITE_OK);
    assert_int_equal(sqlite3_bind_int(s1, 2, 9), SQLITE_OK);
    assert_int_equal(sqlite3_bind_text(s1, 3, "relayers", -1, SQLITE_STATIC), SQLITE_OK);
    assert_int_equal(sqlite3_bind_int(s1, 4, 0), SQLITE_OK);
    assert_int_equal(sqlite3_bind_text(s1, 5, "ap-south-1", -1, SQLITE_STATIC), SQLITE_OK);
    assert_int_equal(sim_rec_step(rec, s1), SIM_REC_OK);
    end_ok(rec, run, 1);
    assert_int_equal(query_int(sim_rec_db(rec), "SELECT count(*) FROM nodes WHERE grp = 'relayers' AND "
                                                "region = 'ap-south-1' AND node_id = 9"),
                     1);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);
}

/* Builds "<real schema>\n-- @version N+1\n<extra>" into a new string. */
static char *schema_plus(const char *extra) {
    size_t len = an_schema_sql_len + strlen(extra) + 64;
    char *s = malloc(len);
    assert_non_null(s);
    snprintf(s, len, "%s\n-- @version %d\n%s", an_schema_sql, AN_SCHEMA_VERSION + 1, extra);
    return s;
}

static void test_recorder_migrates_older_version(void **state) {
    fixture *f = *state;
    sim_rec *rec = open_ok(f->path);
    int64_t run = begin_ok(rec, 1);
    insert_rows(rec, run, 4);
    end_ok(rec, run, 4);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);

    char *next = schema_plus("CREATE TABLE extra (\n"
                             "  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,\n"
                             "  x INTEGER);\n"
                             "ALTER TABLE nodes ADD COLUMN stake_gwei INTEGER NOT NULL DEFAULT 32;\n");
    char err[512];
    assert_int_equal(open_with(&rec, f->path, next, AN_SCHEMA_VERSION + 1, err, sizeof err), SIM_REC_OK);
    sqlite3 *db = sim_rec_db(rec);
    assert_int_equal(query_int(db, "PRAGMA user_version"), AN_SCHEMA_VERSION + 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM extra"), 0);
    assert_int_equal(query_int(db, "SELECT sum(stake_gwei) FROM nodes"), 4 * 32);
    assert_int_equal(query_int(db, "SELECT count(*) FROM net_deliveries WHERE run_id = 1"), 4);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);
    /* Opening again at the new version changes nothing. */
    assert_int_equal(open_with(&rec, f->path, next, AN_SCHEMA_VERSION + 1, err, sizeof err), SIM_REC_OK);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);
    free(next);

    /* The older build now refuses the file. */
    char needle[128];
    snprintf(needle, sizeof needle, "has schema version %d; this xrsim reads up to %d", AN_SCHEMA_VERSION + 1,
             AN_SCHEMA_VERSION);
    assert_refused(f, SIM_REC_ERR_NEWER, needle);
}

/* Schema version 9: a file of version 8 -- the scenario text in every
** runs row, verifiers.behaviour limited to the behaviours of version 2 --
** opens, its texts move to `scenarios` once each, and a verifier of a newer
** behaviour (mutant) can be recorded. */
static void test_recorder_v9_stores_scenario_text_once(void **state) {
    fixture *f = *state;
    const char *cut = strstr(an_schema_sql, "\n-- @version 9\n");
    assert_non_null(cut);
    char *v8 = strndup(an_schema_sql, (size_t)(cut - an_schema_sql) + 1);
    assert_non_null(v8);
    sim_rec *rec;
    char err[512];
    assert_int_equal(open_with(&rec, f->path, v8, 8, err, sizeof err), SIM_REC_OK);
    sqlite3 *db = sim_rec_db(rec);
    for (int id = 1; id <= 3; id++) {
        char sql[512];
        snprintf(sql, sizeof sql,
                 "INSERT INTO runs (id, status, scenario_name, scenario_text, scenario_sha256, seed, xrsim_version,"
                 " git_commit, started_at) VALUES (%d, 'ok', 's', '%s', printf('%%064d', %d), %d, '0.1.0', 'abc',"
                 " '2024-05-01T00:00:00.000Z')",
                 id, id < 3 ? "name: a" : "name: b", id < 3 ? 1 : 2, id);
        assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    }
    assert_int_equal(sqlite3_exec(db, "INSERT INTO verifiers VALUES (1, 0, 0, 'aa', 1, 'mutant', 0, NULL,"
                                      " 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0)",
                                  NULL, NULL, NULL),
                     SQLITE_CONSTRAINT);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO verifiers VALUES (1, 0, 0, 'aa', 1, 'silent', 0, NULL,"
                                      " 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);
    free(v8);

    rec = open_ok(f->path);
    db = sim_rec_db(rec);
    assert_int_equal(query_int(db, "PRAGMA user_version"), AN_SCHEMA_VERSION);
    assert_int_equal(query_int(db, "SELECT count(*) FROM scenarios"), 2);
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs r JOIN scenarios s ON s.sha256 = r.scenario_sha256"
                                   " WHERE s.text = 'name: a'"),
                     2);
    assert_int_equal(query_int(db, "SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'scenario_text'"), 0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM verifiers WHERE behaviour = 'silent'"), 1);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO verifiers VALUES (2, 0, 0, 'aa', 1, 'mutant', 0, NULL,"
                                      " 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    /* a new run of a known text adds no scenarios row; of a new one, one */
    int64_t run = begin_ok(rec, 1);
    end_ok(rec, run, 0);
    int64_t run2 = begin_ok(rec, 2);
    end_ok(rec, run2, 0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM scenarios"), 3);
    assert_int_equal(query_int(db, "SELECT count(*) FROM scenarios WHERE text = 'abc'"), 1);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);
}

static void test_recorder_failed_migration_changes_nothing(void **state) {
    fixture *f = *state;
    sim_rec *rec = open_ok(f->path);
    end_ok(rec, begin_ok(rec, 1), 1);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);
    bytes before = slurp(f->path);
    char *next = schema_plus("CREATE TABLE fine (x);\nCREATE TABLE runs (x);\n");
    char err[512];
    assert_int_equal(open_with(&rec, f->path, next, AN_SCHEMA_VERSION + 1, err, sizeof err), SIM_REC_ERR_SCHEMA);
    free(next);
    assert_non_null(strstr(err, "table runs already exists"));
    assert_same_bytes(before, f->path);
    free(before.p);
    rec = open_ok(f->path);
    assert_int_equal(query_int(sim_rec_db(rec), "SELECT count(*) FROM sqlite_master WHERE name = 'fine'"), 0);
    assert_int_equal(sim_rec_close(rec), SIM_REC_OK);
}

static void test_recorder_rejects_bad_schema_text(void **state) {
    fixture *f = *state;
    sim_rec *rec = NULL;
    char err[512];
    /* Markers must count 1, 2, 3 ... */
    assert_int_equal(open_with(&rec, f->path, "-- @version 1\nCREATE TABLE runs (id);\n-- @version 3\n", 3,
                               err, sizeof err),
                     SIM_REC_ERR_SCHEMA);
    assert_non_null(strstr(err, "version marker 3 where 2 was expected"));
    /* ... and end at the claimed version. */
    assert_int_equal(open_with(&rec, f->path, "-- @version 1\nCREATE TABLE runs (id);\n", 2, err, sizeof err),
                     SIM_REC_ERR_SCHEMA);
    assert_non_null(strstr(err, "ends at section 1 but claims version 2"));
    assert_int_equal(open_with(&rec, f->path, "-- @version x\n", 1, err, sizeof err), SIM_REC_ERR_SCHEMA);
    assert_non_null(strstr(err, "malformed version marker"));
    assert_int_equal(dir_entries(f->dir), 0); /* checked before touching the disk */
    /* SQL errors name the line; the file this call created is removed. */
    assert_int_equal(open_with(&rec, f->path, "-- @version 1\nCREATE TABLE runs (id);\n\nCREATE TABLE oops (,);\n",
                               1, err, sizeof err),
                     SIM_REC_ERR_SCHEMA);
    assert_non_null(strstr(err, "schema section 1, near line 4"));
    assert_null(rec);
    assert_int_equal(dir_entries(f->dir), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_recorder_creates_new_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_appends_runs_and_reopens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_accepts_empty_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_refuses_text_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_refuses_foreign_sqlite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_refuses_other_application_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_refuses_newer_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_refuses_xrsim_id_without_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_refuses_missing_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_run_fail_keeps_only_run_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_crash_leaves_no_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_close_mid_run_rolls_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_broken_run_cannot_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_lost_transaction_still_records_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_commit_waits_for_readers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_run_end_waiting_keeps_the_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_refuses_altered_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_foreign_key_rejects_unknown_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_rejects_invalid_params_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_second_writer_waits_then_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_delete_cascades, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_views_summarise_network, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_prepare_caches_statements, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_migrates_older_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_failed_migration_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_v9_stores_scenario_text_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recorder_rejects_bad_schema_text, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
