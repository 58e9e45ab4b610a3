/*
** Opening SQLite files that may come from elsewhere, shared by the writer
** (sim/recorder.c) and the readers (analysis/an_export.c) of results
** files: SQLite's defensive settings, and a description of a file's whole
** schema to compare with the one xrsim creates.  Header-only and
** dependent on SQLite alone, so sharing it adds no dependency between the
** two layers.  Every function returns an SQLite result code.
*/
#ifndef SIM_SQLITE_GUARD_H
#define SIM_SQLITE_GUARD_H

#include <assert.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

/* json_valid(X) as an innocuous function.  With trusted_schema off, SQLite
** (before 3.41) refuses to even read a schema whose CHECK constraint calls
** the built-in json_valid, which it does not mark innocuous; `runs` has
** one.  This replacement asks the built-in on a private in-memory
** connection, so the answer is SQLite's own and nothing else can run. */
typedef struct sqlg_json_checker {
    sqlite3 *mem;
    sqlite3_stmt *stmt;
} sqlg_json_checker;

static inline void sqlg_json_checker_free(void *p) {
    sqlg_json_checker *j = p;
    if (j != NULL) {
        sqlite3_finalize(j->stmt);
        sqlite3_close(j->mem);
        free(j);
    }
}

static inline void sqlg_json_valid_fn(sqlite3_context *cx, int argc, sqlite3_value **argv) {
    assert(argc == 1);
    sqlg_json_checker *j = sqlite3_user_data(cx);
    int rc = sqlite3_bind_value(j->stmt, 1, argv[0]);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(j->stmt);
    }
    if (rc == SQLITE_ROW) {
        sqlite3_result_value(cx, sqlite3_column_value(j->stmt, 0));
    } else {
        sqlite3_result_error_code(cx, rc == SQLITE_DONE ? SQLITE_ERROR : rc);
    }
    (void)sqlite3_reset(j->stmt); /* repeats the step's error, reported above */
}

static inline int sqlg_innocuous_json_valid(sqlite3 *db) {
    sqlg_json_checker *j = calloc(1, sizeof *j);
    if (j == NULL) {
        return SQLITE_NOMEM;
    }
    int rc = sqlite3_open_v2(":memory:", &j->mem, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_prepare_v2(j->mem, "SELECT json_valid(?1)", -1, &j->stmt, NULL);
    }
    if (rc != SQLITE_OK) {
        sqlg_json_checker_free(j);
        return rc;
    }
    /* On failure sqlite3_create_function_v2 calls the destructor itself. */
    rc = sqlite3_create_function_v2(db, "json_valid", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, j,
                                    sqlg_json_valid_fn, NULL, NULL, sqlg_json_checker_free);
    return rc;
}

/* SQLite's settings for files that may come from elsewhere: no writes to
** the schema or b-tree internals through SQL (DEFENSIVE), no functions
** with side effects called from a view or trigger of the file
** (trusted_schema off), and a double-quoted name that is not a column is
** an error rather than a string (so a dropped column cannot turn into its
** own name as data). */
static inline int sqlg_harden(sqlite3 *db) {
    static const int settings[][2] = {
        {SQLITE_DBCONFIG_DEFENSIVE, 1},
        {SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0},
        {SQLITE_DBCONFIG_DQS_DML, 0},
    };
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        int rc = sqlite3_db_config(db, settings[i][0], settings[i][1], (int *)NULL);
        if (rc != SQLITE_OK) {
            return rc;
        }
    }
    return sqlg_innocuous_json_valid(db);
}

typedef struct sqlg_buf {
    char *p;
    size_t len, cap;
    bool oom;
} sqlg_buf;

static inline void sqlg_buf_put(sqlg_buf *b, const char *s, size_t n) {
    if (b->oom) {
        return;
    }
    if (!sim_grow_append(&b->p, &b->len, &b->cap, s, n)) {
        b->oom = true;
    }
}

static inline void sqlg_buf_str(sqlg_buf *b, const char *s) { sqlg_buf_put(b, s, strlen(s)); }

/* Appends `sql` without comments, with every run of blanks (newlines
** included) as one space, string literals kept as they are. */
static inline void sqlg_buf_sql(sqlg_buf *b, const char *sql) {
    bool blank = false;
    for (const char *p = sql; *p != '\0';) {
        if (p[0] == '-' && p[1] == '-') {
            p += strcspn(p, "\n");
            blank = true;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            p = end ? end + 2 : p + strlen(p);
            blank = true;
        } else if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            p++;
            blank = true;
        } else {
            if (blank && b->len > 0 && b->p[b->len - 1] != ':') {
                sqlg_buf_put(b, " ", 1);
            }
            blank = false;
            size_t n = 1;
            if (*p == '\'' || *p == '"' || *p == '`' || *p == '[') {
                char close = *p == '[' ? ']' : *p;
                const char *q = strchr(p + 1, close);
                n = q ? (size_t)(q - p) + 1 : strlen(p);
            }
            sqlg_buf_put(b, p, n);
            p += n;
        }
    }
}

/* Describes every schema object of `db` (SQLite's own excepted), one line
** each, sorted by type and name: "type name: detail", where a table's
** detail is its columns (name, type, not null, default, key position) and
** an index's, view's or trigger's is its SQL without comments and extra
** blanks.  Returns 0 or an SQLite code; *out is malloc'd. */
static inline int sqlg_schema_lines(sqlite3 *db, char **out) {
    *out = NULL;
    sqlg_buf b = {0};
    sqlite3_stmt *objs = NULL, *cols = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT type, name, tbl_name, coalesce(sql, '') FROM main.sqlite_master"
                                " WHERE name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY type, name",
                                -1, &objs, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_prepare_v2(db,
                                "SELECT name, type, \"notnull\", coalesce(dflt_value, ''), pk, hidden"
                                " FROM pragma_table_xinfo(?1, 'main') ORDER BY cid",
                                -1, &cols, NULL);
    }
    while (rc == SQLITE_OK && (rc = sqlite3_step(objs)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        const char *type = (const char *)sqlite3_column_text(objs, 0);
        const char *name = (const char *)sqlite3_column_text(objs, 1);
        const char *tbl = (const char *)sqlite3_column_text(objs, 2);
        const char *sql = (const char *)sqlite3_column_text(objs, 3);
        if (!type || !name || !tbl || !sql) {
            rc = SQLITE_NOMEM;
            break;
        }
        sqlg_buf_str(&b, type);
        sqlg_buf_put(&b, " ", 1);
        sqlg_buf_str(&b, name);
        sqlg_buf_str(&b, " on ");
        sqlg_buf_str(&b, tbl);
        sqlg_buf_put(&b, ":", 1);
        if (strcmp(type, "table") == 0) {
            sqlite3_bind_text(cols, 1, name, -1, SQLITE_TRANSIENT);
            while ((rc = sqlite3_step(cols)) == SQLITE_ROW) {
                char col[96];
                sqlg_buf_put(&b, " [", 2);
                sqlg_buf_sql(&b, (const char *)sqlite3_column_text(cols, 0));
                sqlg_buf_put(&b, " ", 1);
                sqlg_buf_sql(&b, (const char *)sqlite3_column_text(cols, 1));
                snprintf(col, sizeof col, " %d %d %d ", sqlite3_column_int(cols, 2), sqlite3_column_int(cols, 4),
                         sqlite3_column_int(cols, 5));
                sqlg_buf_str(&b, col);
                sqlg_buf_sql(&b, (const char *)sqlite3_column_text(cols, 3));
                sqlg_buf_put(&b, "]", 1);
            }
            (void)sqlite3_reset(cols);
            rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        } else {
            sqlg_buf_put(&b, " ", 1);
            sqlg_buf_sql(&b, sql);
        }
        sqlg_buf_put(&b, "\n", 1);
    }
    if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    }
    sqlite3_finalize(objs);
    sqlite3_finalize(cols);
    if (rc == SQLITE_OK && b.oom) {
        rc = SQLITE_NOMEM;
    }
    if (rc == SQLITE_OK && b.p == NULL) {
        b.p = calloc(1, 1);
        rc = b.p ? SQLITE_OK : SQLITE_NOMEM;
    }
    if (rc != SQLITE_OK) {
        free(b.p);
        return rc;
    }
    *out = b.p;
    return SQLITE_OK;
}

/* The "type name" that starts a line of sqlg_schema_lines, as a length. */
static inline size_t sqlg_line_key_len(const char *line) {
    const char *on = strstr(line, " on ");
    const char *eol = strchr(line, '\n');
    return on && (!eol || on < eol) ? (size_t)(on - line) : strcspn(line, "\n");
}


/* Compares two descriptions from sqlg_schema_lines: false when equal,
** else true with `what` saying how `have` differs from `want` ("it has an
** unexpected trigger x", "it lacks table y", "its view z differs"). */
static inline bool sqlg_schema_differs(const char *want, const char *have, char *what, size_t what_len) {
    if (strcmp(want, have) == 0) {
        return false;
    }
    const char *w = want, *h = have;
    while (*w && *h && strcspn(w, "\n") == strcspn(h, "\n") && strncmp(w, h, strcspn(w, "\n")) == 0) {
        w += strcspn(w, "\n") + 1;
        h += strcspn(h, "\n") + 1;
    }
    size_t wk = sqlg_line_key_len(w), hk = sqlg_line_key_len(h);
    int order = !*w ? -1 : !*h ? 1 : strncmp(h, w, wk < hk ? wk : hk);
    if (order == 0 && wk != hk) {
        order = hk < wk ? -1 : 1;
    }
    if (*h && order < 0) {
        snprintf(what, what_len, "it has an unexpected %.*s", (int)(hk < 120 ? hk : 120), h);
    } else if (*w && order > 0) {
        snprintf(what, what_len, "it lacks %.*s", (int)(wk < 120 ? wk : 120), w);
    } else {
        snprintf(what, what_len, "its %.*s differs", (int)(wk < 120 ? wk : 120), w);
    }
    return true;
}

#endif
