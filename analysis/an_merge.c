/*
** Merging results files: refusal checks, then a generic row copy over the
** tables of the output's schema (see an_merge.h).
*/
#include "an_merge.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "an_export.h"
#include "an_schema.h"
#include "../sim/grow.h" /* header-only: see README, "Layout" */

/* One run's identity: "sha \x1f seed \x1f params" and where it came from. */
typedef struct run_key {
    char *key;
    size_t src;       /* input index, or n for the output */
    int64_t run_id;
} run_key;

typedef struct key_list {
    run_key *v;
    size_t count, cap;
} key_list;

static int cmp_key(const void *a, const void *b) {
    const run_key *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c) return c;
    return x->src < y->src ? -1 : x->src > y->src;
}

/* Reads the identities of `db`'s runs: ok runs into keys, every scenario
** hash into shas.  Returns 0 or an SQLite code. */
static int collect(sqlite3 *db, size_t src, key_list *keys, key_list *shas) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT id, status, scenario_sha256, seed, coalesce(params_json, '') FROM runs"
                                " ORDER BY id",
                                -1, &st, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *status = (const char *)sqlite3_column_text(st, 1);
        const char *sha = (const char *)sqlite3_column_text(st, 2);
        const char *params = (const char *)sqlite3_column_text(st, 4);
        if (!status || !sha || !params) {
            rc = SQLITE_NOMEM;
            break;
        }
        key_list *lists[2] = {shas, keys};
        int nlists = strcmp(status, "ok") == 0 ? 2 : 1;
        for (int l = 0; l < nlists; l++) {
            key_list *kl = lists[l];
            if (!SIM_GROW(kl->v, kl->cap, kl->count + 1)) return SQLITE_NOMEM;
            size_t len = strlen(sha) + strlen(params) + 32;
            char *k = malloc(len);
            if (!k) return SQLITE_NOMEM;
            if (l == 0) {
                snprintf(k, len, "%s", sha);
            } else {
                snprintf(k, len, "%s\x1f%" PRId64 "\x1f%s", sha, (int64_t)sqlite3_column_int64(st, 3), params);
            }
            kl->v[kl->count++] = (run_key){k, src, (int64_t)sqlite3_column_int64(st, 0)};
        }
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : rc;
}

static void free_keys(key_list *kl) {
    for (size_t i = 0; i < kl->count; i++) free(kl->v[i].key);
    free(kl->v);
}

static const char *src_name(const char *const *inputs, size_t n, size_t src) {
    return src < n ? inputs[src] : "the output";
}

/* ---- copying --------------------------------------------------------------- */

typedef struct table_copy {
    char *name;
    char **cols;
    size_t col_count;
    size_t run_col;      /* index of run_id (runs: of id, which is left out) */
} table_copy;

static void free_tables(table_copy *t, size_t n) {
    for (size_t i = 0; i < n; i++) {
        for (size_t c = 0; c < t[i].col_count; c++) free(t[i].cols[c]);
        free(t[i].cols);
        free(t[i].name);
    }
    free(t);
}

static char *dup_str(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

/* Tables of the output: `runs` first, then every table with a run_id
** column, in schema order.  Returns 0 or an SQLite code. */
static int list_tables(sqlite3 *out, table_copy **tables, size_t *count) {
    sqlite3_stmt *st = NULL, *ti = NULL;
    *tables = NULL;
    *count = 0;
    int rc = sqlite3_prepare_v2(out,
                                "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                                " ORDER BY name <> 'runs', rowid",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_prepare_v2(out, "SELECT name FROM pragma_table_info(?)", -1, &ti, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        table_copy t = {0};
        t.name = dup_str(name ? name : "");
        bool is_runs = strcmp(t.name, "runs") == 0;
        bool has_run = false;
        sqlite3_bind_text(ti, 1, t.name, -1, SQLITE_STATIC);
        while ((rc = sqlite3_step(ti)) == SQLITE_ROW) {
            const char *col = (const char *)sqlite3_column_text(ti, 0);
            if (!col) continue;
            if (is_runs && strcmp(col, "id") == 0) continue;
            if (!is_runs && strcmp(col, "run_id") == 0) {
                has_run = true;
                t.run_col = t.col_count;
            }
            char **c = realloc(t.cols, (t.col_count + 1) * sizeof *c);
            if (!c) {
                rc = SQLITE_NOMEM;
                break;
            }
            t.cols = c;
            t.cols[t.col_count++] = dup_str(col);
        }
        sqlite3_reset(ti);
        if (rc == SQLITE_DONE) rc = SQLITE_OK;
        if (rc == SQLITE_OK && (is_runs || has_run)) {
            table_copy *nt = realloc(*tables, (*count + 1) * sizeof *nt);
            if (!nt) rc = SQLITE_NOMEM;
            else {
                *tables = nt;
                (*tables)[(*count)++] = t;
                continue;
            }
        }
        for (size_t c = 0; c < t.col_count; c++) free(t.cols[c]);
        free(t.cols);
        free(t.name);
    }
    sqlite3_finalize(st);
    sqlite3_finalize(ti);
    return rc == SQLITE_DONE ? 0 : rc;
}

/* "SELECT "a", "b" FROM "t" WHERE "run_id" = ?" and the matching INSERT. */
static int build_sql(const table_copy *t, char **sel, char **ins) {
    size_t len = strlen(t->name) * 2 + 64;
    for (size_t c = 0; c < t->col_count; c++) len += strlen(t->cols[c]) * 2 + 8;
    *sel = malloc(len);
    *ins = malloc(len);
    if (!*sel || !*ins) return SQLITE_NOMEM;
    char *s = *sel, *i = *ins;
    s += sprintf(s, "SELECT ");
    i += sprintf(i, "INSERT INTO \"%s\" (", t->name);
    for (size_t c = 0; c < t->col_count; c++) {
        s += sprintf(s, "%s\"%s\"", c ? ", " : "", t->cols[c]);
        i += sprintf(i, "%s\"%s\"", c ? ", " : "", t->cols[c]);
    }
    bool is_runs = strcmp(t->name, "runs") == 0;
    sprintf(s, " FROM \"%s\" WHERE \"%s\" = ?", t->name, is_runs ? "id" : "run_id");
    i += sprintf(i, ") VALUES (");
    for (size_t c = 0; c < t->col_count; c++) i += sprintf(i, "%s?", c ? ", " : "");
    sprintf(i, ")");
    return SQLITE_OK;
}

/* Copies rows of `t` for run `from_id` of `in` into `out` as run `to_id`
** (to_id 0: the runs row itself; *new_id receives its id). */
static int copy_rows(sqlite3 *in, sqlite3 *out, const table_copy *t, int64_t from_id, int64_t to_id,
                     int64_t *new_id, size_t *rows) {
    char *sel = NULL, *ins = NULL;
    sqlite3_stmt *s = NULL, *i = NULL;
    int rc = build_sql(t, &sel, &ins);
    if (rc == SQLITE_OK) rc = sqlite3_prepare_v2(in, sel, -1, &s, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_prepare_v2(out, ins, -1, &i, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 1, from_id);
    bool is_runs = strcmp(t->name, "runs") == 0;
    while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        for (size_t c = 0; c < t->col_count && rc == SQLITE_OK; c++) {
            if (!is_runs && c == t->run_col) rc = sqlite3_bind_int64(i, (int)c + 1, to_id);
            else rc = sqlite3_bind_value(i, (int)c + 1, sqlite3_column_value(s, (int)c));
        }
        if (rc == SQLITE_OK) rc = sqlite3_step(i) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(out);
        sqlite3_reset(i);
        if (rc == SQLITE_OK && is_runs) *new_id = (int64_t)sqlite3_last_insert_rowid(out);
        if (rc == SQLITE_OK && !is_runs) (*rows)++;
    }
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
    sqlite3_finalize(s);
    sqlite3_finalize(i);
    free(sel);
    free(ins);
    return rc;
}

/* Whether run `id` of input `src` is in skip[0..n). */
static bool skipped(const run_key *skip, size_t n, size_t src, int64_t id) {
    for (size_t i = 0; i < n; i++) {
        if (skip[i].src == src && skip[i].run_id == id) return true;
    }
    return false;
}

/* The scenario text of run `id` of `in` (table scenarios, one row per
** text), unless `out` has it already. */
static int copy_scenario(sqlite3 *in, sqlite3 *out, int64_t id) {
    sqlite3_stmt *s = NULL, *i = NULL;
    int rc = sqlite3_prepare_v2(in,
                                "SELECT s.sha256, s.text FROM scenarios s JOIN runs r ON r.scenario_sha256 = s.sha256"
                                " WHERE r.id = ?",
                                -1, &s, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_prepare_v2(out, "INSERT OR IGNORE INTO scenarios (sha256, text) VALUES (?, ?)",
                                                 -1, &i, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 1, id);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        rc = sqlite3_bind_value(i, 1, sqlite3_column_value(s, 0));
        if (rc == SQLITE_OK) rc = sqlite3_bind_value(i, 2, sqlite3_column_value(s, 1));
        if (rc == SQLITE_OK) rc = sqlite3_step(i) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(out);
    }
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
    sqlite3_finalize(s);
    sqlite3_finalize(i);
    return rc;
}

static int copy_input(sqlite3 *in, size_t src, sqlite3 *out, const table_copy *t, size_t tn, const run_key *skip,
                      size_t skip_n, an_merge_stats *st) {
    sqlite3_stmt *ids = NULL;
    int rc = sqlite3_prepare_v2(in, "SELECT id FROM runs ORDER BY id", -1, &ids, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(ids)) == SQLITE_ROW) {
        int64_t from = (int64_t)sqlite3_column_int64(ids, 0), to = 0;
        if (skipped(skip, skip_n, src, from)) {
            st->skipped++;
            continue;
        }
        rc = copy_rows(in, out, &t[0], from, 0, &to, &st->rows);
        if (rc == SQLITE_OK) rc = copy_scenario(in, out, from);
        for (size_t k = 1; k < tn && rc == SQLITE_OK; k++) rc = copy_rows(in, out, &t[k], from, to, NULL, &st->rows);
        if (rc == SQLITE_OK) st->runs++;
    }
    sqlite3_finalize(ids);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* ---- the merge ------------------------------------------------------------- */

int an_merge(sqlite3 *out, const char *const *inputs, size_t n, bool allow_mixed, an_merge_stats *stats,
             char *err, size_t err_len) {
    return an_merge_ex(out, inputs, n, allow_mixed ? AN_MERGE_ALLOW_MIXED : 0, stats, err, err_len);
}

int an_merge_ex(sqlite3 *out, const char *const *inputs, size_t n, unsigned flags, an_merge_stats *stats,
                char *err, size_t err_len) {
    assert(out && (inputs || n == 0));
    const bool allow_mixed = (flags & AN_MERGE_ALLOW_MIXED) != 0;
    an_merge_stats st = {0, 0, 0};
    run_key *skip = NULL;
    size_t skip_n = 0;
    sqlite3 **in = calloc(n + 1, sizeof *in);
    key_list keys = {0}, shas = {0};
    table_copy *tables = NULL;
    size_t table_count = 0;
    bool began = false;
    int code = 0;
    if (!in) return an_fail(err, err_len, AN_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n && code == 0; i++) {
        char e[512];
        if (an_export_open(inputs[i], &in[i], e, sizeof e) != 0) {
            code = an_fail(err, err_len, AN_ERR_INPUT, "%s", e);
            break;
        }
        sqlite3_stmt *v = NULL;
        int64_t version = -1;
        if (sqlite3_prepare_v2(in[i], "PRAGMA user_version", -1, &v, NULL) == SQLITE_OK && sqlite3_step(v) == SQLITE_ROW) {
            version = (int64_t)sqlite3_column_int64(v, 0);
        }
        sqlite3_finalize(v);
        if (version != AN_SCHEMA_VERSION) {
            code = an_fail(err, err_len, AN_ERR_INPUT,
                        "%s: schema version %" PRId64 ", this xrsim merges only version %d (run it through"
                        " a current `xrsim run` file first)",
                        inputs[i], version, AN_SCHEMA_VERSION);
        }
    }
    if (code == 0) {
        if (sqlite3_exec(out, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
            code = an_fail(err, err_len, AN_ERR_SQL, "output: %s", sqlite3_errmsg(out));
        } else {
            began = true;
            sqlite3_exec(out, "PRAGMA defer_foreign_keys = ON", NULL, NULL, NULL);
        }
    }
    /* identities: inputs first, the output last (src == n) */
    for (size_t i = 0; i <= n && code == 0; i++) {
        int rc = collect(i < n ? in[i] : out, i, &keys, &shas);
        if (rc != 0) {
            code = an_fail(err, err_len, rc == SQLITE_NOMEM ? AN_ERR_NOMEM : AN_ERR_SQL, "%s: %s",
                        src_name(inputs, n, i), sqlite3_errmsg(i < n ? in[i] : out));
        }
    }
    if (code == 0 && keys.count > 1) {
        qsort(keys.v, keys.count, sizeof *keys.v, cmp_key);
        for (size_t k = 1; k < keys.count; k++) {
            const run_key *a = &keys.v[k - 1], *b = &keys.v[k];
            if (strcmp(a->key, b->key) != 0 || (a->src == n && b->src == n)) continue;
            if (flags & AN_MERGE_SKIP_DONE) continue; /* handled group by group below */
            const char *seed = strchr(a->key, '\x1f') + 1;
            code = an_fail(err, err_len, AN_ERR_DUPLICATE,
                        "duplicate run: scenario %.12s, seed %.*s, same parameters in %s (run %" PRId64
                        ") and %s (run %" PRId64 ")",
                        a->key, (int)strcspn(seed, "\x1f"), seed, src_name(inputs, n, a->src), a->run_id,
                        src_name(inputs, n, b->src), b->run_id);
            break;
        }
    }
    if (code == 0 && (flags & AN_MERGE_SKIP_DONE)) {
        /* groups of one key: keep the output's run (sorted last), else the first input's */
        for (size_t g = 0; g < keys.count && code == 0;) {
            size_t e = g + 1;
            while (e < keys.count && strcmp(keys.v[e].key, keys.v[g].key) == 0) e++;
            bool in_out = keys.v[e - 1].src == n;
            for (size_t k = in_out ? g : g + 1; k < e && code == 0; k++) {
                if (keys.v[k].src == n) continue;
                run_key *grown = realloc(skip, (skip_n + 1) * sizeof *skip);
                if (!grown) {
                    code = an_fail(err, err_len, AN_ERR_NOMEM, "out of memory");
                } else {
                    skip = grown;
                    skip[skip_n++] = keys.v[k];
                }
            }
            g = e;
        }
    }
    if (code == 0 && !allow_mixed) {
        for (size_t k = 1; k < shas.count; k++) {
            if (strcmp(shas.v[0].key, shas.v[k].key) == 0) continue;
            code = an_fail(err, err_len, AN_ERR_MIXED,
                        "mixed scenarios: %s has scenario %.12s, %s has %.12s (--allow-mixed to merge anyway)",
                        src_name(inputs, n, shas.v[0].src), shas.v[0].key, src_name(inputs, n, shas.v[k].src),
                        shas.v[k].key);
            break;
        }
    }
    if (code == 0) {
        int rc = list_tables(out, &tables, &table_count);
        if (rc == SQLITE_OK && (table_count == 0 || strcmp(tables[0].name, "runs") != 0)) rc = SQLITE_CORRUPT;
        for (size_t i = 0; i < n && rc == SQLITE_OK; i++) {
            rc = copy_input(in[i], i, out, tables, table_count, skip, skip_n, &st);
            if (rc != SQLITE_OK) {
                code = an_fail(err, err_len, rc == SQLITE_NOMEM ? AN_ERR_NOMEM : AN_ERR_SQL,
                            "copying %s: %s / %s", inputs[i], sqlite3_errmsg(in[i]), sqlite3_errmsg(out));
            }
        }
        if (rc != SQLITE_OK && code == 0) {
            code = an_fail(err, err_len, AN_ERR_SQL, "output: %s", sqlite3_errmsg(out));
        }
    }
    if (code == 0 && sqlite3_exec(out, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        code = an_fail(err, err_len, AN_ERR_SQL, "output: commit failed: %s", sqlite3_errmsg(out));
    }
    if (code != 0 && began) sqlite3_exec(out, "ROLLBACK", NULL, NULL, NULL);
    free_tables(tables, table_count);
    free(skip); /* its keys belong to `keys` */
    free_keys(&keys);
    free_keys(&shas);
    for (size_t i = 0; i < n; i++) sqlite3_close(in[i]);
    free(in);
    if (code == 0 && stats) *stats = st;
    return code;
}
