/*
** Opening results databases read-only with the header checks, and writing
** one table or view as CSV or JSON (see an_export.h).  The set of names is
** read from the embedded schema text: every `CREATE TABLE name` and
** `CREATE VIEW name` at the start of a line, so a table added in a later
** schema section becomes exportable without touching this file.
*/
#include "an_export.h"

#include <assert.h>
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "an_schema.h"
#include "../sim/sqlite_guard.h"

#define NAME_MAX_BYTES 64
#define NAMES_MAX 128

/* ---- opening --------------------------------------------------------------- */

/* Runs a one-value integer PRAGMA; returns the SQLite code of the failure. */
static int pragma_int(sqlite3 *db, const char *sql, int64_t *value) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *value = sqlite3_column_int64(st, 0);
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_ERROR;
    }
    int frc = sqlite3_finalize(st);
    return rc != SQLITE_OK ? rc : frc;
}

/* The schema objects that sections 1..version of the embedded schema
** create, as sqlg_schema_lines describes them (*out malloc'd). */
static int reference_schema(int64_t version, char **out) {
    *out = NULL;
    char marker[48];
    snprintf(marker, sizeof marker, "\n-- @version %" PRId64 "\n", version + 1);
    const char *end = strstr(an_schema_sql, marker);
    size_t len = end ? (size_t)(end - an_schema_sql) + 1 : strlen(an_schema_sql);
    char *text = malloc(len + 1);
    if (!text) return SQLITE_NOMEM;
    memcpy(text, an_schema_sql, len);
    text[len] = '\0';
    sqlite3 *ref = NULL;
    int rc = sqlite3_open_v2(":memory:", &ref, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK) rc = sqlg_harden(ref);
    if (rc == SQLITE_OK) rc = sqlite3_exec(ref, text, NULL, NULL, NULL);
    if (rc == SQLITE_OK) rc = sqlg_schema_lines(ref, out);
    sqlite3_close(ref);
    free(text);
    return rc;
}

/* A writer killed mid-transaction (a merge, a run) leaves a hot journal
** that only a read-write connection may roll back; until something does,
** every read-only open fails.  This lets SQLite do its own recovery, the
** one write any SQLite client makes on first read, then closes again. */
static void recover_hot_journal(const char *path) {
    sqlite3 *rw = NULL;
    if (sqlite3_open_v2(path, &rw, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK && sqlg_harden(rw) == SQLITE_OK) {
        int64_t ignored = 0;
        (void)pragma_int(rw, "PRAGMA schema_version", &ignored); /* the first read rolls the journal back */
    }
    sqlite3_close(rw);
}

int an_export_open(const char *path, sqlite3 **db, char *err, size_t err_len) {
    assert(path != NULL && db != NULL);
    *db = NULL;
    sqlite3 *h = NULL;
    int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL);
    if (rc == SQLITE_OK) rc = sqlg_harden(h);
    if (rc != SQLITE_OK) {
        int code = an_fail(err, err_len, AN_ERR_OPEN, "cannot open '%s': %s", path,
                        h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        sqlite3_close(h);
        return code;
    }
    int64_t app_id = 0, version = 0, objects = 0;
    rc = pragma_int(h, "PRAGMA application_id", &app_id);
    if (rc != SQLITE_OK && sqlite3_extended_errcode(h) == SQLITE_READONLY_ROLLBACK) {
        sqlite3_close(h);
        h = NULL;
        recover_hot_journal(path);
        rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL);
        if (rc == SQLITE_OK) rc = sqlg_harden(h);
        if (rc == SQLITE_OK) rc = pragma_int(h, "PRAGMA application_id", &app_id);
    }
    if (rc == SQLITE_OK) rc = pragma_int(h, "PRAGMA user_version", &version);
    if (rc == SQLITE_OK) rc = pragma_int(h, "SELECT count(*) FROM sqlite_master", &objects);
    int code = 0;
    if ((rc & 0xff) == SQLITE_NOTADB) {
        code = an_fail(err, err_len, AN_ERR_NOT_SQLITE, "'%s' is not an xrsim results database (not SQLite)",
                    path);
    } else if ((rc & 0xff) == SQLITE_CORRUPT) {
        code = an_fail(err, err_len, AN_ERR_NOT_SQLITE, "'%s' is a damaged SQLite file: %s", path,
                    sqlite3_errmsg(h));
    } else if (rc != SQLITE_OK) {
        code = an_fail(err, err_len, AN_ERR_OPEN, "cannot read '%s': %s", path, sqlite3_errmsg(h));
    } else if ((uint32_t)app_id != AN_SCHEMA_APPLICATION_ID) {
        if (app_id == 0 && objects == 0) {
            code = an_fail(err, err_len, AN_ERR_FOREIGN, "'%s' is not an xrsim results database (empty)",
                        path);
        } else if (app_id == 0) {
            code = an_fail(err, err_len, AN_ERR_FOREIGN,
                        "'%s' is an SQLite database that was not written by xrsim (no xrsim application_id; "
                        "%" PRId64 " schema objects)",
                        path, objects);
        } else {
            code = an_fail(err, err_len, AN_ERR_FOREIGN,
                        "'%s' is an SQLite database that was not written by xrsim (application_id 0x%08x)", path,
                        (unsigned)(uint32_t)app_id);
        }
    } else if (version > AN_SCHEMA_VERSION) {
        code = an_fail(err, err_len, AN_ERR_NEWER,
                    "'%s' has results schema version %" PRId64 ", newer than this xrsim reads (%d): "
                    "use a newer xrsim",
                    path, version, AN_SCHEMA_VERSION);
    } else if (version < 1) {
        code = an_fail(err, err_len, AN_ERR_FOREIGN, "'%s' has no results schema (user_version %" PRId64 ")",
                    path, version);
    }
    char *want = NULL, *have = NULL;
    if (code == 0) {
        rc = reference_schema(version, &want);
        if (rc == SQLITE_OK) rc = sqlg_schema_lines(h, &have);
        char what[160];
        if (rc != SQLITE_OK) {
            code = an_fail(err, err_len, rc == SQLITE_NOMEM ? AN_ERR_NOMEM : AN_ERR_SQL,
                        "reading the schema of '%s': %s", path, sqlite3_errmsg(h));
        } else if (sqlg_schema_differs(want, have, what, sizeof what)) {
            code = an_fail(err, err_len, AN_ERR_FOREIGN,
                        "'%s' does not have the xrsim results schema (version %" PRId64 "): %s; refusing to read it",
                        path, version, what);
        }
    }
    free(want);
    free(have);
    if (code != 0) {
        sqlite3_close(h);
        return code;
    }
    *db = h;
    return 0;
}

/* ---- names ------------------------------------------------------------------- */

typedef struct name_list {
    size_t count;
    char names[NAMES_MAX][NAME_MAX_BYTES];
} name_list;

static bool starts_with(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

/* Scans the embedded schema once; later calls reuse the list. */
static const name_list *schema_names(void) {
    static name_list list;
    static bool done;
    if (done) return &list;
    const char *p = an_schema_sql;
    while (*p) {
        const char *line = p;
        const char *nl = strchr(p, '\n');
        p = nl ? nl + 1 : p + strlen(p);
        const char *q = NULL;
        if (starts_with(line, "CREATE TABLE ")) q = line + strlen("CREATE TABLE ");
        if (starts_with(line, "CREATE VIEW ")) q = line + strlen("CREATE VIEW ");
        if (!q) continue;
        if (starts_with(q, "IF NOT EXISTS ")) q += strlen("IF NOT EXISTS ");
        size_t n = 0;
        while (q[n] == '_' || isalnum((unsigned char)q[n])) n++;
        if (n == 0 || n >= NAME_MAX_BYTES) continue;
        bool seen = false;
        for (size_t i = 0; i < list.count && !seen; i++) {
            seen = strlen(list.names[i]) == n && memcmp(list.names[i], q, n) == 0;
        }
        if (seen || list.count == NAMES_MAX) continue;
        memcpy(list.names[list.count], q, n);
        list.names[list.count][n] = '\0';
        list.count++;
    }
    done = true;
    return &list;
}

bool an_export_name_known(const char *name) {
    assert(name != NULL);
    const name_list *l = schema_names();
    for (size_t i = 0; i < l->count; i++) {
        if (strcmp(l->names[i], name) == 0) return true;
    }
    return false;
}

size_t an_export_names(char *buf, size_t buf_len) {
    assert(buf != NULL && buf_len > 0);
    const name_list *l = schema_names();
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < l->count; i++) {
        int n = snprintf(buf + used, buf_len - used, "%s%s", i ? ", " : "", l->names[i]);
        if (n < 0 || (size_t)n >= buf_len - used) break;
        used += (size_t)n;
    }
    return l->count;
}

/* ---- writing ----------------------------------------------------------------- */

/* A real as the shortest of %.15g / %.16g / %.17g that reads back exactly. */
static void format_real(double v, char *buf, size_t len) {
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) return;
    }
}

static void csv_field(FILE *out, const char *s, size_t n) {
    bool quote = false;
    for (size_t i = 0; i < n && !quote; i++) {
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    }
    if (!quote) {
        fwrite(s, 1, n, out);
        return;
    }
    fputc('"', out);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') fputc('"', out);
        fputc(s[i], out);
    }
    fputc('"', out);
}

static void json_string(FILE *out, const char *s, size_t n) {
    fputc('"', out);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        case '\b': fputs("\\b", out); break;
        case '\f': fputs("\\f", out); break;
        default:
            if (c < 0x20) {
                fprintf(out, "\\u%04x", c);
            } else {
                fputc(c, out);
            }
        }
    }
    fputc('"', out);
}

static void hex_of(FILE *out, const unsigned char *b, int n) {
    for (int i = 0; i < n; i++) fprintf(out, "%02x", b[i]);
}

/* Writes column i of the current row. */
static void write_value(FILE *out, sqlite3_stmt *st, int i, an_export_format fmt) {
    char num[64];
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        fprintf(out, "%lld", (long long)sqlite3_column_int64(st, i));
        break;
    case SQLITE_FLOAT: {
        double v = sqlite3_column_double(st, i);
        if (!isfinite(v)) {
            if (fmt == AN_EXPORT_JSON) fputs("null", out);
            else fputs(isnan(v) ? "NaN" : v > 0 ? "Inf" : "-Inf", out);
            break;
        }
        format_real(v, num, sizeof num);
        fputs(num, out);
        break;
    }
    case SQLITE_TEXT: {
        const char *s = (const char *)sqlite3_column_text(st, i);
        size_t n = (size_t)sqlite3_column_bytes(st, i);
        if (fmt == AN_EXPORT_JSON) json_string(out, s ? s : "", s ? n : 0);
        else csv_field(out, s ? s : "", s ? n : 0);
        break;
    }
    case SQLITE_BLOB: {
        const unsigned char *b = sqlite3_column_blob(st, i);
        int n = sqlite3_column_bytes(st, i);
        if (fmt == AN_EXPORT_JSON) fputc('"', out);
        hex_of(out, b, b ? n : 0);
        if (fmt == AN_EXPORT_JSON) fputc('"', out);
        break;
    }
    default: /* NULL */
        if (fmt == AN_EXPORT_JSON) fputs("null", out);
        break;
    }
}

int an_export_write(sqlite3 *db, const char *name, an_export_format fmt, int64_t run_id, FILE *out,
                    char *err, size_t err_len) {
    assert(db != NULL && name != NULL && out != NULL);
    assert(fmt == AN_EXPORT_CSV || fmt == AN_EXPORT_JSON);
    if (!an_export_name_known(name)) {
        char names[4096];
        an_export_names(names, sizeof names);
        return an_fail(err, err_len, AN_ERR_NAME, "unknown table or view '%s'; known: %s", name, names);
    }
    /* name is one of the schema's identifiers, so it can be spliced in. */
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", name);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        return an_fail(err, err_len, AN_ERR_SQL, "cannot read '%s' (a file with an older schema?): %s", name,
                    sqlite3_errmsg(db));
    }
    if (run_id >= 0) {
        const char *col = NULL;
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            if (strcmp(sqlite3_column_name(st, i), "run_id") == 0) col = "run_id";
        }
        if (!col && (strcmp(name, "runs") == 0 || strcmp(name, "v_runs") == 0)) col = "id";
        sqlite3_finalize(st);
        st = NULL;
        if (!col) {
            return an_fail(err, err_len, AN_ERR_NO_RUN_COL, "'%s' has no run_id column: --run does not apply",
                        name);
        }
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" WHERE \"%s\" = ?1", name, col);
        rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
        if (rc == SQLITE_OK) rc = sqlite3_bind_int64(st, 1, run_id);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(st);
            return an_fail(err, err_len, AN_ERR_SQL, "cannot read '%s': %s", name, sqlite3_errmsg(db));
        }
    }
    int cols = sqlite3_column_count(st);
    if (fmt == AN_EXPORT_CSV) {
        for (int i = 0; i < cols; i++) {
            if (i) fputc(',', out);
            const char *c = sqlite3_column_name(st, i);
            csv_field(out, c, strlen(c));
        }
        fputs("\r\n", out);
    } else {
        fputc('[', out);
    }
    size_t rows = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (fmt == AN_EXPORT_CSV) {
            for (int i = 0; i < cols; i++) {
                if (i) fputc(',', out);
                write_value(out, st, i, fmt);
            }
            fputs("\r\n", out);
        } else {
            fputs(rows ? ",\n{" : "\n{", out);
            for (int i = 0; i < cols; i++) {
                const char *c = sqlite3_column_name(st, i);
                if (i) fputc(',', out);
                json_string(out, c, strlen(c));
                fputc(':', out);
                write_value(out, st, i, fmt);
            }
            fputc('}', out);
        }
        rows++;
    }
    if (rc != SQLITE_DONE) {
        int code = an_fail(err, err_len, AN_ERR_SQL, "reading '%s': %s", name, sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return code;
    }
    sqlite3_finalize(st);
    if (fmt == AN_EXPORT_JSON) fputs(rows ? "\n]\n" : "]\n", out);
    if (fflush(out) != 0 || ferror(out)) {
        return an_fail(err, err_len, AN_ERR_IO, "writing the output failed");
    }
    return 0;
}
