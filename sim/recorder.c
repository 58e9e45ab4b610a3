/*
** The results recorder (see recorder.h for the contract).  Layout of this
** file: error plumbing; the schema splitter and executor; recognising a
** file (a byte-level probe before SQLite touches it, then the header
** pragmas and sqlite_master inside a read transaction); opening, creating
** and migrating; the run lifecycle (BEGIN IMMEDIATE + savepoint, commit or
** roll back to the savepoint); the statement cache and row helpers.
**
** Refusing without modifying: a file is classified first by reading its
** first 100 bytes with plain read(2); only files with the SQLite magic are
** opened with SQLite, and then only read (PRAGMA application_id,
** PRAGMA user_version, SELECT from sqlite_master) until the file is known
** to be ours or empty.  The only write SQLite might do to a foreign file is
** its own crash recovery (rolling back a hot journal left next to it),
** which any SQLite client would do on first read.
*/
#include "recorder.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "grow.h"
#include "sha256.h"
#include "sqlite_guard.h"

#define REC_ERR_MAX 512
#define REC_CACHE_KIB 32768 /* page cache per connection: fewer spills in a big run */
#define REC_SAVEPOINT "xrsim_run_rows"
#define REC_MARKER "-- @version "

/* Owned copies of a run's description, kept for the whole run so that
** sim_rec_run_fail can write the runs row again if the transaction is
** lost. */
typedef struct run_copy {
    char *scenario_name;
    char *scenario_path;
    char *scenario_text;
    char *params_json;
    char *xrsim_version;
    char *git_commit;
    char *command_line;
    char *host;
    uint64_t seed;
    char scenario_sha256[SIM_SHA256_HEX_LEN + 1];
    char started_at[40];
} run_copy;

typedef struct cached_stmt {
    char *sql;
    sqlite3_stmt *stmt;
} cached_stmt;

struct sim_rec {
    sqlite3 *db;
    char *path;
    cached_stmt *cache;
    size_t cache_count;
    size_t cache_cap;
    int busy_timeout_ms;
    int64_t run_id;      /* run in progress, 0 when none */
    int64_t last_run_id; /* last ended run */
    bool broken;         /* a write of the run in progress failed */
    run_copy run;        /* valid while run_id != 0 */
    struct timespec run_start;
    char broken_msg[REC_ERR_MAX];
    char err[REC_ERR_MAX];
};

/* ------------------------------------------------------------ errors */

const char *sim_rec_strerror(int code) {
    switch (code) {
    case SIM_REC_OK: return "SIM_REC_OK";
    case SIM_REC_ERR_OPEN: return "SIM_REC_ERR_OPEN";
    case SIM_REC_ERR_NOT_SQLITE: return "SIM_REC_ERR_NOT_SQLITE";
    case SIM_REC_ERR_FOREIGN: return "SIM_REC_ERR_FOREIGN";
    case SIM_REC_ERR_NEWER: return "SIM_REC_ERR_NEWER";
    case SIM_REC_ERR_SCHEMA: return "SIM_REC_ERR_SCHEMA";
    case SIM_REC_ERR_BUSY: return "SIM_REC_ERR_BUSY";
    case SIM_REC_ERR_SQLITE: return "SIM_REC_ERR_SQLITE";
    case SIM_REC_ERR_RUN_BROKEN: return "SIM_REC_ERR_RUN_BROKEN";
    case SIM_REC_ERR_NOMEM: return "SIM_REC_ERR_NOMEM";
    default: return "?";
    }
}

/* Formats into buf (if any) and returns code. */
__attribute__((format(printf, 4, 5)))
static int fail_to(char *buf, size_t len, int code, const char *fmt, ...) {
    assert(code < 0);
    if (buf != NULL && len > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, len, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* The SIM_REC_ERR_* for an SQLite result code. */
static int code_of(int rc) {
    assert(rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW);
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return SIM_REC_ERR_BUSY;
    case SQLITE_NOMEM: return SIM_REC_ERR_NOMEM;
    case SQLITE_NOTADB: return SIM_REC_ERR_NOT_SQLITE;
    default: return SIM_REC_ERR_SQLITE;
    }
}

/* Runs one or more statements that return no rows we need. */
static int exec_sql(sqlite3 *db, const char *sql, char *err, size_t err_len) {
    assert(db != NULL && sql != NULL);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc == SQLITE_OK) {
        assert(msg == NULL);
        return SIM_REC_OK;
    }
    int code = fail_to(err, err_len, code_of(rc), "%s: %s", sql, msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return code;
}

/* Rolls back the open transaction, if any (best effort: after a failure). */
static void rollback_quietly(sqlite3 *db) {
    if (!sqlite3_get_autocommit(db)) {
        /* A failing ROLLBACK leaves nothing better to do; SQLite rolls
        ** back the journal on the next open anyway. */
        (void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
}

/* ------------------------------------------------------------ schema */

typedef struct schema_section {
    const char *sql;
    size_t len;
} schema_section;

/* Splits `sql` at lines "-- @version N" into sections 1..version (text
** before the first marker belongs to section 1; with no marker at all
** the whole text is section 1).  Markers must count 1, 2, 3, ... */
static int schema_split(const char *sql, int version, schema_section *secs, char *err, size_t err_len) {
    assert(sql != NULL && version >= 1 && secs != NULL);
    int current = 1;
    bool seen = false;
    secs[0].sql = sql;
    const size_t marker_len = strlen(REC_MARKER);
    int line_no = 1;
    for (const char *line = sql; *line != '\0'; line_no++) {
        const char *eol = strchr(line, '\n');
        const char *next = eol ? eol + 1 : line + strlen(line);
        if (strncmp(line, REC_MARKER, marker_len) == 0) {
            const char *p = line + marker_len;
            long n = 0;
            const char *digits = p;
            while (*p >= '0' && *p <= '9' && n < 100000) {
                n = n * 10 + (*p++ - '0');
            }
            while (*p == ' ' || *p == '\t' || *p == '\r') {
                p++;
            }
            if (p == digits || (*p != '\n' && *p != '\0')) {
                return fail_to(err, err_len, SIM_REC_ERR_SCHEMA, "schema line %d: malformed version marker",
                               line_no);
            }
            int want = seen ? current + 1 : 1;
            if (n != want) {
                return fail_to(err, err_len, SIM_REC_ERR_SCHEMA,
                               "schema line %d: version marker %ld where %d was expected", line_no, n, want);
            }
            if (n > version) {
                return fail_to(err, err_len, SIM_REC_ERR_SCHEMA,
                               "schema line %d: section %ld is beyond schema version %d", line_no, n,
                               version);
            }
            if (seen) {
                secs[current - 1].len = (size_t)(line - secs[current - 1].sql);
                current = (int)n;
                secs[current - 1].sql = line;
            }
            seen = true;
        }
        line = next;
    }
    secs[current - 1].len = strlen(secs[current - 1].sql);
    if (current != version) {
        return fail_to(err, err_len, SIM_REC_ERR_SCHEMA,
                       "the schema text ends at section %d but claims version %d", current, version);
    }
    return SIM_REC_OK;
}

/* The 1-based line of `at` within `text`. */
static int line_of(const char *text, const char *at) {
    int line = 1;
    for (const char *p = text; p < at; p++) {
        line += *p == '\n';
    }
    return line;
}

/* Executes every statement of one section. */
static int schema_apply(sqlite3 *db, const char *schema, const schema_section *sec, int number, char *err,
                        size_t err_len) {
    const char *p = sec->sql;
    const char *end = sec->sql + sec->len;
    while (p < end) {
        sqlite3_stmt *stmt = NULL;
        const char *tail = NULL;
        size_t left = (size_t)(end - p);
        assert(left <= (size_t)INT32_MAX);
        int rc = sqlite3_prepare_v2(db, p, (int)left, &stmt, &tail);
        if (rc == SQLITE_OK && stmt != NULL) {
            while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            }
            if (rc == SQLITE_DONE) {
                rc = SQLITE_OK;
            }
        }
        if (rc != SQLITE_OK) {
            /* Skip leading blanks so the line points at the statement. */
            while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')) {
                p++;
            }
            int code = fail_to(err, err_len, SIM_REC_ERR_SCHEMA, "schema section %d, near line %d: %s",
                               number, line_of(schema, p), sqlite3_errmsg(db));
            sqlite3_finalize(stmt); /* returns the step error again */
            return code;
        }
        rc = sqlite3_finalize(stmt);
        assert(rc == SQLITE_OK);
        assert(tail != NULL && tail > p);
        p = tail;
    }
    return SIM_REC_OK;
}

/* ------------------------------------------------- recognising a file */

/* Looks at the file with plain read(2) before SQLite sees it.  Sets
** *exists; refuses non-regular files and files without the SQLite
** magic (an empty file is an empty database to SQLite: accepted). */
static int probe_file(const char *path, bool *exists, char *err, size_t err_len) {
    *exists = false;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT) {
            return SIM_REC_OK;
        }
        if (errno == ELOOP) {
            return fail_to(err, err_len, SIM_REC_ERR_OPEN,
                           "results file '%s' is a symbolic link; refusing to follow it (name the file itself)",
                           path);
        }
        return fail_to(err, err_len, SIM_REC_ERR_OPEN, "cannot open results file '%s': %s", path,
                       strerror(errno));
    }
    *exists = true;
    struct stat st;
    int code = SIM_REC_OK;
    if (fstat(fd, &st) != 0) {
        code = fail_to(err, err_len, SIM_REC_ERR_OPEN, "cannot stat results file '%s': %s", path,
                       strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        code = fail_to(err, err_len, SIM_REC_ERR_OPEN, "results file '%s' is a directory", path);
    } else if (!S_ISREG(st.st_mode)) {
        code = fail_to(err, err_len, SIM_REC_ERR_OPEN, "results file '%s' is not a regular file", path);
    } else if (st.st_size > 0) {
        unsigned char header[100];
        size_t got = 0;
        while (got < sizeof header) {
            ssize_t n = read(fd, header + got, sizeof header - got);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0) {
                code = fail_to(err, err_len, SIM_REC_ERR_OPEN, "cannot read results file '%s': %s", path,
                               strerror(errno));
                break;
            }
            if (n == 0) {
                break;
            }
            got += (size_t)n;
        }
        static const char magic[16] = "SQLite format 3"; /* with its NUL */
        if (code == SIM_REC_OK && (got < sizeof header || memcmp(header, magic, sizeof magic) != 0)) {
            code = fail_to(err, err_len, SIM_REC_ERR_NOT_SQLITE,
                           "'%s' is not an xrsim results database (not SQLite); refusing to touch it", path);
        }
    }
    if (close(fd) != 0 && code == SIM_REC_OK) {
        code = fail_to(err, err_len, SIM_REC_ERR_OPEN, "cannot close results file '%s': %s", path,
                       strerror(errno));
    }
    return code;
}

typedef struct file_state {
    uint32_t application_id;
    int user_version;
    int64_t object_count; /* rows of sqlite_master */
    bool has_runs;        /* a table named runs */
    char first_object[64];
} file_state;

/* Reads the header pragmas and the catalogue (read-only). */
static int read_state(sqlite3 *db, const char *path, file_state *st, char *err, size_t err_len) {
    memset(st, 0, sizeof *st);
    static const char *const queries[] = {
        "PRAGMA application_id",
        "PRAGMA user_version",
        ("SELECT count(*), (SELECT type || ' ' || quote(name) FROM sqlite_master ORDER BY rowid LIMIT 1),"
         " EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs') FROM sqlite_master"),
    };
    for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        sqlite3_stmt *stmt = NULL;
        int rc = sqlite3_prepare_v2(db, queries[q], -1, &stmt, NULL);
        if (rc == SQLITE_OK) {
            rc = sqlite3_step(stmt);
        }
        if (rc != SQLITE_ROW) {
            int code = rc == SQLITE_DONE ? SIM_REC_ERR_SQLITE : code_of(rc);
            if (code == SIM_REC_ERR_NOT_SQLITE) {
                fail_to(err, err_len, code, "'%s' is not an xrsim results database (not SQLite)", path);
            } else if ((rc & 0xff) == SQLITE_CORRUPT) {
                fail_to(err, err_len, code, "'%s' is a damaged SQLite file: %s", path, sqlite3_errmsg(db));
            } else {
                fail_to(err, err_len, code, "cannot read '%s': %s", path, sqlite3_errmsg(db));
            }
            sqlite3_finalize(stmt);
            return code;
        }
        if (q == 0) {
            st->application_id = (uint32_t)sqlite3_column_int64(stmt, 0);
        } else if (q == 1) {
            st->user_version = sqlite3_column_int(stmt, 0);
        } else {
            st->object_count = sqlite3_column_int64(stmt, 0);
            const unsigned char *name = sqlite3_column_text(stmt, 1);
            snprintf(st->first_object, sizeof st->first_object, "%s", name ? (const char *)name : "");
            st->has_runs = sqlite3_column_int(stmt, 2) != 0;
        }
        rc = sqlite3_finalize(stmt);
        if (rc != SQLITE_OK) {
            return fail_to(err, err_len, code_of(rc), "cannot read '%s': %s", path, sqlite3_errstr(rc));
        }
    }
    return SIM_REC_OK;
}

typedef enum file_action { ACT_READY, ACT_CREATE, ACT_MIGRATE } file_action;

/* Decides what to do with a file in state `st`, or refuses it. */
static int classify(const char *path, const file_state *st, uint32_t app_id, int version, file_action *act,
                    char *err, size_t err_len) {
    if (st->application_id == 0 && st->user_version == 0 && st->object_count == 0) {
        *act = ACT_CREATE;
        return SIM_REC_OK;
    }
    if (st->application_id != app_id) {
        if (st->application_id != 0) {
            return fail_to(err, err_len, SIM_REC_ERR_FOREIGN,
                           "'%s' is an SQLite database that was not written by xrsim (application_id "
                           "0x%08x); refusing to modify it",
                           path, (unsigned)st->application_id);
        }
        if (st->object_count > 0) {
            return fail_to(err, err_len, SIM_REC_ERR_FOREIGN,
                           "'%s' is an SQLite database that was not written by xrsim (it has %s); "
                           "refusing to modify it",
                           path, st->first_object);
        }
        return fail_to(err, err_len, SIM_REC_ERR_FOREIGN,
                       "'%s' is an SQLite database that was not written by xrsim (user_version %d); "
                       "refusing to modify it",
                       path, st->user_version);
    }
    if (st->user_version > version) {
        return fail_to(err, err_len, SIM_REC_ERR_NEWER,
                       "'%s' has schema version %d; this xrsim reads up to %d -- upgrade xrsim", path,
                       st->user_version, version);
    }
    if (st->user_version < 1 || !st->has_runs) {
        return fail_to(err, err_len, SIM_REC_ERR_FOREIGN,
                       "'%s' carries the xrsim application id but no xrsim schema (user_version %d%s); "
                       "refusing to modify it",
                       path, st->user_version, st->has_runs ? "" : ", no runs table");
    }
    *act = st->user_version == version ? ACT_READY : ACT_MIGRATE;
    return SIM_REC_OK;
}

/* Reads the state in one read transaction and classifies it. */
static int inspect(sqlite3 *db, const char *path, uint32_t app_id, int version, file_state *st,
                   file_action *act, char *err, size_t err_len) {
    bool own_txn = sqlite3_get_autocommit(db) != 0;
    if (own_txn) {
        int code = exec_sql(db, "BEGIN", err, err_len);
        if (code != SIM_REC_OK) {
            return code;
        }
    }
    int code = read_state(db, path, st, err, err_len);
    if (own_txn) {
        /* Only reads happened: COMMIT writes nothing. */
        if (code == SIM_REC_OK) {
            code = exec_sql(db, "COMMIT", err, err_len);
        } else {
            rollback_quietly(db);
        }
    }
    if (code != SIM_REC_OK) {
        return code;
    }
    return classify(path, st, app_id, version, act, err, err_len);
}

/* Creates or migrates inside one write transaction, re-checking the state
** under the lock (another process may have done it meanwhile). */
static int create_or_migrate(sqlite3 *db, const char *path, const char *schema, const schema_section *secs,
                             int version, uint32_t app_id, char *err, size_t err_len) {
    int code = exec_sql(db, "BEGIN IMMEDIATE", err, err_len);
    if (code != SIM_REC_OK) {
        if (code == SIM_REC_ERR_BUSY) {
            fail_to(err, err_len, code, "results file '%s' is locked by another writer", path);
        }
        return code;
    }
    file_state st;
    file_action act = ACT_READY;
    code = inspect(db, path, app_id, version, &st, &act, err, err_len);
    if (code == SIM_REC_OK && act != ACT_READY) {
        int from = act == ACT_CREATE ? 1 : st.user_version + 1;
        for (int v = from; v <= version && code == SIM_REC_OK; v++) {
            code = schema_apply(db, schema, &secs[v - 1], v, err, err_len);
        }
        if (code == SIM_REC_OK) {
            char sql[96];
            int64_t signed_id = app_id <= INT32_MAX ? (int64_t)app_id : (int64_t)app_id - (INT64_C(1) << 32);
            snprintf(sql, sizeof sql, "PRAGMA application_id = %lld; PRAGMA user_version = %d",
                     (long long)signed_id, version);
            code = exec_sql(db, sql, err, err_len);
        }
    }
    if (code == SIM_REC_OK) {
        code = exec_sql(db, "COMMIT", err, err_len);
    }
    if (code != SIM_REC_OK) {
        rollback_quietly(db);
    }
    return code;
}

/* ------------------------------------------------- the whole schema */

/* SQLite's defensive settings (sqlite_guard.h) on a new connection. */
static int harden(sqlite3 *db, char *err, size_t err_len) {
    int rc = sqlg_harden(db);
    if (rc != SQLITE_OK) {
        return fail_to(err, err_len, code_of(rc), "cannot apply SQLite's defensive settings: %s", sqlite3_errstr(rc));
    }
    return SIM_REC_OK;
}

/* Checks that the file's schema objects are exactly those that sections
** 1..version of the schema create (no more, no fewer, none altered). */
static int check_schema(sqlite3 *db, const char *path, const char *schema, const schema_section *secs, int version,
                        char *err, size_t err_len) {
    sqlite3 *ref = NULL;
    char *want = NULL, *have = NULL;
    int code = SIM_REC_OK;
    int rc = sqlite3_open_v2(":memory:", &ref, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        code = fail_to(err, err_len, code_of(rc), "cannot open an in-memory database: %s", sqlite3_errstr(rc));
    }
    if (code == SIM_REC_OK) {
        code = harden(ref, err, err_len);
    }
    for (int v = 1; v <= version && code == SIM_REC_OK; v++) {
        code = schema_apply(ref, schema, &secs[v - 1], v, err, err_len);
    }
    if (code == SIM_REC_OK && (rc = sqlg_schema_lines(ref, &want)) != SQLITE_OK) {
        code = fail_to(err, err_len, code_of(rc), "reading the reference schema: %s", sqlite3_errstr(rc));
    }
    if (code == SIM_REC_OK && (rc = sqlg_schema_lines(db, &have)) != SQLITE_OK) {
        code = fail_to(err, err_len, code_of(rc), "reading the schema of '%s': %s", path, sqlite3_errmsg(db));
    }
    char what[160];
    if (code == SIM_REC_OK && sqlg_schema_differs(want, have, what, sizeof what)) {
        code = fail_to(err, err_len, SIM_REC_ERR_FOREIGN,
                       "'%s' does not have the xrsim results schema (version %d): %s; refusing to use it", path,
                       version, what);
    }
    free(want);
    free(have);
    sqlite3_close(ref);
    return code;
}

/* ------------------------------------------------------------ open/close */

/* "cannot create" message for a failed sqlite3_open_v2: names a missing
** directory, a read-only filesystem or a directory without write access
** before falling back to the system's or SQLite's message. */
static int open_failed(sqlite3 *db, const char *path, bool exists, int rc, char *err, size_t err_len) {
    int sys = db ? sqlite3_system_errno(db) : 0;
    if (!exists) {
        const char *slash = strrchr(path, '/');
        char dir[4096];
        snprintf(dir, sizeof dir, "%.*s", slash == NULL ? 1 : slash == path ? 1 : (int)(slash - path),
                 slash ? path : ".");
        struct stat sb;
        struct statvfs vfs;
        if (stat(dir, &sb) != 0 && errno == ENOENT) {
            return fail_to(err, err_len, SIM_REC_ERR_OPEN,
                           "cannot create results file '%s': directory '%s' does not exist", path, dir);
        }
        if (statvfs(dir, &vfs) == 0 && (vfs.f_flag & ST_RDONLY) != 0) {
            return fail_to(err, err_len, SIM_REC_ERR_OPEN,
                           "cannot create results file '%s': directory '%s' is on a read-only filesystem", path,
                           dir);
        }
        if (access(dir, W_OK) != 0) {
            return fail_to(err, err_len, SIM_REC_ERR_OPEN,
                           "cannot create results file '%s': directory '%s' is not writable (%s)", path, dir,
                           strerror(errno));
        }
    }
    return fail_to(err, err_len, rc == SQLITE_NOMEM ? SIM_REC_ERR_NOMEM : SIM_REC_ERR_OPEN,
                   "cannot %s results file '%s': %s", exists ? "open" : "create", path,
                   sys ? strerror(sys) : (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
}

int sim_rec_open(sim_rec **out, const char *path, const char *schema_sql, int schema_version,
                 uint32_t application_id, char *err, size_t err_len) {
    assert(out != NULL && path != NULL && schema_sql != NULL);
    assert(schema_version >= 1 && application_id != 0);
    assert(err != NULL || err_len == 0);
    *out = NULL;
    if (err_len > 0) {
        err[0] = '\0';
    }
    if (path[0] == '\0') {
        return fail_to(err, err_len, SIM_REC_ERR_OPEN, "empty results file name");
    }

    schema_section *secs = calloc((size_t)schema_version, sizeof *secs);
    sim_rec *rec = calloc(1, sizeof *rec);
    char *path_copy = strdup(path);
    if (secs == NULL || rec == NULL || path_copy == NULL) {
        free(secs);
        free(rec);
        free(path_copy);
        return fail_to(err, err_len, SIM_REC_ERR_NOMEM, "out of memory");
    }
    rec->path = path_copy;
    rec->busy_timeout_ms = SIM_REC_BUSY_TIMEOUT_MS;

    bool exists = false;
    sqlite3 *db = NULL;
    int code = schema_split(schema_sql, schema_version, secs, err, err_len);
    if (code == SIM_REC_OK) {
        code = probe_file(path, &exists, err, err_len);
    }
    if (code == SIM_REC_OK) {
        int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW |
                    (exists ? 0 : SQLITE_OPEN_CREATE);
        int rc = sqlite3_open_v2(path, &db, flags, NULL);
        if (rc != SQLITE_OK) {
            code = open_failed(db, path, exists, rc, err, err_len);
        } else if ((code = harden(db, err, err_len)) != SIM_REC_OK) {
            /* the message is in err */
        } else if (sqlite3_db_readonly(db, "main") == 1) {
            code = fail_to(err, err_len, SIM_REC_ERR_OPEN, "results file '%s' is read-only", path);
        }
    }
    if (code == SIM_REC_OK) {
        int rc = sqlite3_busy_timeout(db, rec->busy_timeout_ms);
        if (rc != SQLITE_OK) {
            code = fail_to(err, err_len, code_of(rc), "busy_timeout: %s", sqlite3_errstr(rc));
        }
    }
    file_state st;
    file_action act = ACT_READY;
    if (code == SIM_REC_OK) {
        code = inspect(db, path, application_id, schema_version, &st, &act, err, err_len);
    }
    if (code == SIM_REC_OK) {
        /* After inspect: cache_size reads the header of the file. */
        char sql[96];
        snprintf(sql, sizeof sql, "PRAGMA foreign_keys = ON; PRAGMA cache_size = -%d", REC_CACHE_KIB);
        code = exec_sql(db, sql, err, err_len);
    }
    if (code == SIM_REC_OK && act != ACT_CREATE) {
        /* Before anything is written to it: a migration runs SQL on it. */
        code = check_schema(db, path, schema_sql, secs, st.user_version, err, err_len);
    }
    if (code == SIM_REC_OK && act != ACT_READY) {
        code = create_or_migrate(db, path, schema_sql, secs, schema_version, application_id, err, err_len);
        if (code == SIM_REC_OK) {
            code = check_schema(db, path, schema_sql, secs, schema_version, err, err_len);
        }
    }
    if (code == SIM_REC_ERR_NOT_SQLITE) {
        /* Whichever step met it, say it the same way. */
        fail_to(err, err_len, code, "'%s' is not an xrsim results database (not SQLite)", path);
    }
    free(secs);
    if (code != SIM_REC_OK) {
        /* sqlite3_close(NULL) is a no-op; nothing is prepared here. */
        int rc = sqlite3_close(db);
        assert(rc == SQLITE_OK);
        (void)rc;
        struct stat sb;
        if (!exists && stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size == 0) {
            (void)unlink(path); /* the empty file this call created */
        }
        free(rec->path);
        free(rec);
        return code;
    }
    rec->db = db;
    *out = rec;
    return SIM_REC_OK;
}

static void run_copy_free(run_copy *c) {
    free(c->scenario_name);
    free(c->scenario_path);
    free(c->scenario_text);
    free(c->params_json);
    free(c->xrsim_version);
    free(c->git_commit);
    free(c->command_line);
    free(c->host);
    memset(c, 0, sizeof *c);
}

/* Resets every cached statement (before COMMIT / ROLLBACK). */
static void reset_cached(sim_rec *rec) {
    for (size_t i = 0; i < rec->cache_count; i++) {
        /* sqlite3_reset repeats the error of the last step, if any; that
        ** error was already handled where the step happened. */
        (void)sqlite3_reset(rec->cache[i].stmt);
    }
}

int sim_rec_close(sim_rec *rec) {
    if (rec == NULL) {
        return SIM_REC_OK;
    }
    int code = SIM_REC_OK;
    if (rec->run_id != 0) {
        reset_cached(rec);
        rollback_quietly(rec->db);
        run_copy_free(&rec->run);
        rec->run_id = 0;
    }
    for (size_t i = 0; i < rec->cache_count; i++) {
        (void)sqlite3_finalize(rec->cache[i].stmt); /* returns the last step's error */
        free(rec->cache[i].sql);
    }
    free(rec->cache);
    int rc = sqlite3_close(rec->db);
    if (rc != SQLITE_OK) {
        /* Statements the caller prepared are still open: let SQLite close
        ** the connection once they are finalized. */
        (void)sqlite3_close_v2(rec->db);
        code = SIM_REC_ERR_SQLITE;
    }
    free(rec->path);
    free(rec);
    return code;
}

const char *sim_rec_errmsg(const sim_rec *rec) {
    assert(rec != NULL);
    return rec->err;
}

void sim_rec_set_busy_timeout(sim_rec *rec, int timeout_ms) {
    assert(rec != NULL && timeout_ms >= 0);
    rec->busy_timeout_ms = timeout_ms;
    int rc = sqlite3_busy_timeout(rec->db, timeout_ms);
    assert(rc == SQLITE_OK); /* cannot fail on an open connection */
    (void)rc;
}

sqlite3 *sim_rec_db(sim_rec *rec) {
    assert(rec != NULL && rec->db != NULL);
    return rec->db;
}

/* ------------------------------------------------------------ runs */

static char *dup_or_null(const char *s, bool *oom) {
    if (s == NULL) {
        return NULL;
    }
    char *d = strdup(s);
    if (d == NULL) {
        *oom = true;
    }
    return d;
}

static void utc_now_iso(char *out, size_t len) {
    struct timespec ts;
    struct tm tm;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || gmtime_r(&ts.tv_sec, &tm) == NULL) {
        snprintf(out, len, "1970-01-01T00:00:00.000Z"); /* no clock: an obvious placeholder */
        return;
    }
    size_t n = strftime(out, len, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, len - n, ".%03ldZ", (long)(ts.tv_nsec / 1000000));
}

static double seconds_since(const struct timespec *start) {
    struct timespec now;
    if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) {
        return 0.0;
    }
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) * 1e-9;
}

static int copy_info(run_copy *c, const sim_rec_run_info *info) {
    bool oom = false;
    memset(c, 0, sizeof *c);
    c->scenario_name = dup_or_null(info->scenario_name, &oom);
    c->scenario_path = dup_or_null(info->scenario_path, &oom);
    c->scenario_text = dup_or_null(info->scenario_text, &oom);
    c->params_json = dup_or_null(info->params_json, &oom);
    c->xrsim_version = dup_or_null(info->xrsim_version, &oom);
    c->git_commit = dup_or_null(info->git_commit, &oom);
    c->command_line = dup_or_null(info->command_line, &oom);
    if (info->host != NULL) {
        c->host = dup_or_null(info->host, &oom);
    } else {
        char name[256];
        if (gethostname(name, sizeof name) == 0) {
            name[sizeof name - 1] = '\0';
            c->host = dup_or_null(name, &oom);
        }
    }
    c->seed = info->seed;
    sim_sha256_hex(info->scenario_text, strlen(info->scenario_text), c->scenario_sha256);
    if (info->started_at != NULL) {
        snprintf(c->started_at, sizeof c->started_at, "%s", info->started_at);
    } /* else stamped once the write lock is held (sim_rec_run_begin) */
    if (oom) {
        run_copy_free(c);
        return SIM_REC_ERR_NOMEM;
    }
    return SIM_REC_OK;
}

static int bind_text(sqlite3_stmt *s, int i, const char *t) {
    return t ? sqlite3_bind_text(s, i, t, -1, SQLITE_STATIC) : sqlite3_bind_null(s, i);
}

static const char *status_text(sim_rec_status status) {
    switch (status) {
    case SIM_REC_FAILED: return "failed";
    case SIM_REC_INTERRUPTED: return "interrupted";
    }
    assert(!"unknown status");
    return "failed";
}

/* Binds the outcome columns shared by the UPDATE and the fallback INSERT
** at parameters first..first+6: status, error, finished_at, wall_s,
** sim_s, event_count, event_digest. */
static int bind_outcome(sim_rec *rec, sqlite3_stmt *s, int first, const char *status, const char *error,
                        const sim_rec_run_stats *stats, const char *finished_at) {
    double wall_s = stats && stats->wall_s >= 0 ? stats->wall_s : seconds_since(&rec->run_start);
    int rc = bind_text(s, first, status);
    if (rc == SQLITE_OK) rc = bind_text(s, first + 1, error);
    if (rc == SQLITE_OK) rc = bind_text(s, first + 2, finished_at);
    if (rc == SQLITE_OK) rc = sqlite3_bind_double(s, first + 3, wall_s);
    if (rc == SQLITE_OK) {
        rc = stats ? sqlite3_bind_double(s, first + 4, stats->sim_s) : sqlite3_bind_null(s, first + 4);
    }
    if (rc == SQLITE_OK) {
        rc = stats ? sqlite3_bind_int64(s, first + 5, sim_rec_u64(stats->event_count).v.i)
                   : sqlite3_bind_null(s, first + 5);
    }
    if (rc == SQLITE_OK) rc = bind_text(s, first + 6, stats ? stats->event_digest : NULL);
    return rc;
}

/* Prepares, binds (via `bind`), and executes a one-off statement. */
static int run_once(sim_rec *rec, const char *sql, int (*bind)(sim_rec *, sqlite3_stmt *, const void *),
                    const void *arg, const char *what) {
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(rec->db, sql, -1, &s, NULL);
    if (rc == SQLITE_OK) {
        rc = bind(rec, s, arg);
    }
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
        if (rc == SQLITE_DONE) {
            rc = SQLITE_OK;
        }
    }
    if (rc != SQLITE_OK) {
        int code = fail_to(rec->err, sizeof rec->err, code_of(rc), "%s: %s", what, sqlite3_errmsg(rec->db));
        sqlite3_finalize(s); /* repeats the error */
        return code;
    }
    rc = sqlite3_finalize(s);
    if (rc != SQLITE_OK) {
        return fail_to(rec->err, sizeof rec->err, code_of(rc), "%s: %s", what, sqlite3_errstr(rc));
    }
    return SIM_REC_OK;
}

/* Arguments of the runs-row INSERT. */
typedef struct insert_args {
    int64_t id; /* 0: let SQLite choose */
    const char *status;
    const char *error;
    const sim_rec_run_stats *stats;
    const char *finished_at;
} insert_args;

/* The scenario's text is stored once per distinct text (schema version 9),
** keyed by the SHA-256 the runs row carries. */
static const char SCENARIO_INSERT[] = "INSERT OR IGNORE INTO scenarios (sha256, text) VALUES (?1, ?2)";
static const char RUNS_INSERT[] =
    "INSERT INTO runs (id, scenario_name, scenario_path, scenario_sha256, seed,"
    " params_json, xrsim_version, git_commit, command_line, host, started_at,"
    " status, error, finished_at, wall_s, sim_s, event_count, event_digest)"
    " VALUES (?1, ?2, ?3, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)";

static int bind_scenario(sim_rec *rec, sqlite3_stmt *s, const void *arg) {
    (void)arg;
    int rc = bind_text(s, 1, rec->run.scenario_sha256);
    if (rc == SQLITE_OK) rc = bind_text(s, 2, rec->run.scenario_text);
    return rc;
}

static int bind_insert(sim_rec *rec, sqlite3_stmt *s, const void *arg) {
    const insert_args *a = arg;
    const run_copy *c = &rec->run;
    int rc = a->id ? sqlite3_bind_int64(s, 1, a->id) : sqlite3_bind_null(s, 1);
    if (rc == SQLITE_OK) rc = bind_text(s, 2, c->scenario_name);
    if (rc == SQLITE_OK) rc = bind_text(s, 3, c->scenario_path);
    if (rc == SQLITE_OK) rc = bind_text(s, 5, c->scenario_sha256);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 6, sim_rec_u64(c->seed).v.i);
    if (rc == SQLITE_OK) rc = bind_text(s, 7, c->params_json);
    if (rc == SQLITE_OK) rc = bind_text(s, 8, c->xrsim_version);
    if (rc == SQLITE_OK) rc = bind_text(s, 9, c->git_commit);
    if (rc == SQLITE_OK) rc = bind_text(s, 10, c->command_line);
    if (rc == SQLITE_OK) rc = bind_text(s, 11, c->host);
    if (rc == SQLITE_OK) rc = bind_text(s, 12, c->started_at);
    if (rc == SQLITE_OK && a->finished_at == NULL) {
        /* The opening insert: outcome columns stay NULL. */
        rc = bind_text(s, 13, a->status);
    } else if (rc == SQLITE_OK) {
        rc = bind_outcome(rec, s, 13, a->status, a->error, a->stats, a->finished_at);
    }
    return rc;
}

/* The scenario's row (if new), then the run's. */
static int insert_run(sim_rec *rec, const insert_args *a, const char *what) {
    int code = run_once(rec, SCENARIO_INSERT, bind_scenario, NULL, what);
    return code == SIM_REC_OK ? run_once(rec, RUNS_INSERT, bind_insert, a, what) : code;
}

typedef struct update_args {
    int64_t id;
    const char *status;
    const char *error;
    const sim_rec_run_stats *stats;
    const char *finished_at;
} update_args;

static const char RUNS_UPDATE[] =
    "UPDATE runs SET status = ?1, error = ?2, finished_at = ?3, wall_s = ?4, sim_s = ?5,"
    " event_count = ?6, event_digest = ?7 WHERE id = ?8";

static int bind_update(sim_rec *rec, sqlite3_stmt *s, const void *arg) {
    const update_args *a = arg;
    int rc = bind_outcome(rec, s, 1, a->status, a->error, a->stats, a->finished_at);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 8, a->id);
    return rc;
}

/* Applies the outcome to the runs row inside the open transaction. */
static int update_runs_row(sim_rec *rec, const char *status, const char *error,
                           const sim_rec_run_stats *stats) {
    char finished_at[40];
    utc_now_iso(finished_at, sizeof finished_at);
    update_args a = {rec->run_id, status, error, stats, finished_at};
    int code = run_once(rec, RUNS_UPDATE, bind_update, &a, "recording the end of the run");
    if (code == SIM_REC_OK && sqlite3_changes(rec->db) != 1) {
        code = fail_to(rec->err, sizeof rec->err, SIM_REC_ERR_SQLITE,
                       "recording the end of the run: runs row %lld is missing", (long long)rec->run_id);
    }
    return code;
}

int sim_rec_run_begin(sim_rec *rec, const sim_rec_run_info *info, int64_t *run_id) {
    assert(rec != NULL && info != NULL && run_id != NULL);
    assert(rec->run_id == 0 && "a run is already in progress");
    assert(info->scenario_name && info->scenario_text && info->xrsim_version && info->git_commit);
    *run_id = 0;
    rec->err[0] = '\0';
    if (copy_info(&rec->run, info) != SIM_REC_OK) {
        return fail_to(rec->err, sizeof rec->err, SIM_REC_ERR_NOMEM, "out of memory");
    }
    int code = exec_sql(rec->db, "BEGIN IMMEDIATE", rec->err, sizeof rec->err);
    if (code == SIM_REC_ERR_BUSY) {
        fail_to(rec->err, sizeof rec->err, code,
                "results file '%s' is locked by another writer (waited %d ms); a run holds the write "
                "lock until it ends, so parallel runs should write separate files",
                rec->path, rec->busy_timeout_ms);
    }
    if (code == SIM_REC_OK && info->started_at == NULL) {
        /* After the lock wait: started_at is when the run itself began. */
        utc_now_iso(rec->run.started_at, sizeof rec->run.started_at);
    }
    if (code == SIM_REC_OK) {
        insert_args a = {0, "running", NULL, NULL, NULL};
        code = insert_run(rec, &a, "recording the start of the run");
    }
    int64_t id = code == SIM_REC_OK ? sqlite3_last_insert_rowid(rec->db) : 0;
    if (code == SIM_REC_OK) {
        code = exec_sql(rec->db, "SAVEPOINT " REC_SAVEPOINT, rec->err, sizeof rec->err);
    }
    if (code != SIM_REC_OK) {
        rollback_quietly(rec->db);
        run_copy_free(&rec->run);
        return code;
    }
    assert(id > 0);
    if (clock_gettime(CLOCK_MONOTONIC, &rec->run_start) != 0) {
        memset(&rec->run_start, 0, sizeof rec->run_start);
    }
    rec->run_id = id;
    rec->broken = false;
    rec->broken_msg[0] = '\0';
    *run_id = id;
    return SIM_REC_OK;
}

/* Marks the run broken, keeping the first cause; returns code. */
static int break_run(sim_rec *rec, int code) {
    assert(code < 0);
    if (!rec->broken) {
        rec->broken = true;
        snprintf(rec->broken_msg, sizeof rec->broken_msg, "%s", rec->err);
    }
    return code;
}

static void end_run_state(sim_rec *rec, int64_t recorded_id) {
    rec->last_run_id = recorded_id;
    rec->run_id = 0;
    rec->broken = false;
    run_copy_free(&rec->run);
}

int sim_rec_run_end(sim_rec *rec, int64_t run_id, const sim_rec_run_stats *stats) {
    assert(rec != NULL && stats != NULL);
    assert(rec->run_id != 0 && run_id == rec->run_id);
    if (!rec->broken && sqlite3_get_autocommit(rec->db)) {
        fail_to(rec->err, sizeof rec->err, SIM_REC_ERR_RUN_BROKEN, "the transaction of run %lld was lost",
                (long long)run_id);
        break_run(rec, SIM_REC_ERR_RUN_BROKEN);
    }
    if (rec->broken) {
        return fail_to(rec->err, sizeof rec->err, SIM_REC_ERR_RUN_BROKEN,
                       "run %lld cannot be committed: an earlier write failed: %s", (long long)run_id,
                       rec->broken_msg);
    }
    reset_cached(rec);
    /* The update is idempotent, so a retry after SIM_REC_ERR_BUSY simply
    ** repeats it; sim_rec_run_fail rolls it back with the run's rows. */
    int code = update_runs_row(rec, "ok", NULL, stats);
    if (code == SIM_REC_OK) {
        code = exec_sql(rec->db, "COMMIT", rec->err, sizeof rec->err);
        if (code == SIM_REC_ERR_BUSY && !sqlite3_get_autocommit(rec->db)) {
            /* SQLite keeps the transaction open after a busy COMMIT. */
            return fail_to(rec->err, sizeof rec->err, code,
                           "committing run %lld: readers kept '%s' locked past the busy timeout (%d ms); "
                           "retry or fail the run",
                           (long long)run_id, rec->path, rec->busy_timeout_ms);
        }
    }
    if (code != SIM_REC_OK) {
        return break_run(rec, code);
    }
    end_run_state(rec, run_id);
    return SIM_REC_OK;
}

int sim_rec_run_end_waiting(sim_rec *rec, int64_t run_id, const sim_rec_run_stats *stats,
                            sim_rec_wait_fn on_wait, void *ctx) {
    assert(rec != NULL && stats != NULL);
    struct timespec t0;
    if (clock_gettime(CLOCK_MONOTONIC, &t0) != 0) {
        memset(&t0, 0, sizeof t0);
    }
    for (;;) {
        int code = sim_rec_run_end(rec, run_id, stats);
        if (code != SIM_REC_ERR_BUSY || rec->broken || rec->run_id != run_id) {
            return code;
        }
        /* A finished run is not given up for a reader: wait again. */
        if (on_wait != NULL) {
            on_wait(ctx, rec->path, seconds_since(&t0));
        }
    }
}

int sim_rec_run_fail(sim_rec *rec, int64_t run_id, sim_rec_status status, const char *error,
                     const sim_rec_run_stats *stats) {
    assert(rec != NULL);
    assert(rec->run_id != 0 && run_id == rec->run_id);
    assert(status == SIM_REC_FAILED || status == SIM_REC_INTERRUPTED);
    const char *status_str = status_text(status);
    reset_cached(rec);
    int code = SIM_REC_ERR_SQLITE;
    if (!sqlite3_get_autocommit(rec->db)) {
        /* The usual path: drop the run's rows, keep and update its row. */
        code = exec_sql(rec->db, "ROLLBACK TO " REC_SAVEPOINT, rec->err, sizeof rec->err);
        if (code == SIM_REC_OK) {
            code = update_runs_row(rec, status_str, error, stats);
        }
        if (code == SIM_REC_OK) {
            code = exec_sql(rec->db, "COMMIT", rec->err, sizeof rec->err);
        }
        if (code == SIM_REC_OK) {
            end_run_state(rec, run_id);
            return SIM_REC_OK;
        }
        rollback_quietly(rec->db);
    }
    /* The transaction is gone: write the runs row afresh. */
    char finished_at[40];
    utc_now_iso(finished_at, sizeof finished_at);
    int64_t recorded = 0;
    code = exec_sql(rec->db, "BEGIN IMMEDIATE", rec->err, sizeof rec->err);
    if (code == SIM_REC_OK) {
        insert_args a = {run_id, status_str, error, stats, finished_at};
        code = insert_run(rec, &a, "recording the failed run");
        if (code == SIM_REC_ERR_SQLITE) {
            a.id = 0; /* another writer took the id meanwhile */
            code = insert_run(rec, &a, "recording the failed run");
        }
        if (code == SIM_REC_OK) {
            recorded = sqlite3_last_insert_rowid(rec->db);
            code = exec_sql(rec->db, "COMMIT", rec->err, sizeof rec->err);
        }
    }
    if (code != SIM_REC_OK) {
        rollback_quietly(rec->db);
        char cause[REC_ERR_MAX];
        snprintf(cause, sizeof cause, "%s", rec->err);
        fail_to(rec->err, sizeof rec->err, code, "run %lld could not be recorded as %s: %s",
                (long long)run_id, status_str, cause);
        recorded = 0;
    }
    end_run_state(rec, recorded);
    return code;
}

int64_t sim_rec_run_id(const sim_rec *rec) {
    assert(rec != NULL);
    return rec->run_id;
}

int64_t sim_rec_last_run_id(const sim_rec *rec) {
    assert(rec != NULL);
    return rec->last_run_id;
}

bool sim_rec_run_broken(const sim_rec *rec) {
    assert(rec != NULL);
    return rec->broken;
}

/* ------------------------------------------------------------ rows */

int sim_rec_prepare(sim_rec *rec, const char *sql, sqlite3_stmt **stmt) {
    assert(rec != NULL && sql != NULL && stmt != NULL);
    *stmt = NULL;
    for (size_t i = 0; i < rec->cache_count; i++) {
        if (strcmp(rec->cache[i].sql, sql) == 0) {
            *stmt = rec->cache[i].stmt;
            return SIM_REC_OK;
        }
    }
    if (!SIM_GROW(rec->cache, rec->cache_cap, rec->cache_count + 1))
        return fail_to(rec->err, sizeof rec->err, SIM_REC_ERR_NOMEM, "out of memory");
    char *copy = strdup(sql);
    if (copy == NULL) {
        return fail_to(rec->err, sizeof rec->err, SIM_REC_ERR_NOMEM, "out of memory");
    }
    sqlite3_stmt *s = NULL;
    const char *tail = NULL;
    int rc = sqlite3_prepare_v3(rec->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, &tail);
    if (rc == SQLITE_OK && s == NULL) {
        free(copy);
        return fail_to(rec->err, sizeof rec->err, SIM_REC_ERR_SQLITE, "no statement in \"%s\"", sql);
    }
    if (rc == SQLITE_OK && tail != NULL && tail[strspn(tail, " \t\r\n;")] != '\0') {
        sqlite3_finalize(s);
        free(copy);
        return fail_to(rec->err, sizeof rec->err, SIM_REC_ERR_SQLITE, "more than one statement in \"%s\"",
                       sql);
    }
    if (rc != SQLITE_OK) {
        free(copy);
        return fail_to(rec->err, sizeof rec->err, code_of(rc), "preparing \"%s\": %s", sql,
                       sqlite3_errmsg(rec->db));
    }
    rec->cache[rec->cache_count].sql = copy;
    rec->cache[rec->cache_count].stmt = s;
    rec->cache_count++;
    *stmt = s;
    return SIM_REC_OK;
}

/* Steps `s` to completion, resets it and clears its bindings; on failure
** breaks the run. */
static int step_row(sim_rec *rec, sqlite3_stmt *s) {
    if (sqlite3_get_autocommit(rec->db)) {
        /* SQLite rolled the run back (I/O error, disk full, or a stray
        ** ROLLBACK on sim_rec_db): writing now would commit row by row. */
        (void)sqlite3_clear_bindings(s);
        fail_to(rec->err, sizeof rec->err, SIM_REC_ERR_RUN_BROKEN, "the transaction of run %lld was lost",
                (long long)rec->run_id);
        return break_run(rec, SIM_REC_ERR_RUN_BROKEN);
    }
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    }
    int code = SIM_REC_OK;
    if (rc != SQLITE_DONE) {
        code = fail_to(rec->err, sizeof rec->err, code_of(rc), "writing run %lld: %s [%s]",
                       (long long)rec->run_id, sqlite3_errmsg(rec->db), sqlite3_sql(s));
    }
    (void)sqlite3_reset(s); /* repeats the step's error, handled above */
    (void)sqlite3_clear_bindings(s); /* always SQLITE_OK */
    return code == SIM_REC_OK ? code : break_run(rec, code);
}

int sim_rec_insert(sim_rec *rec, sqlite3_stmt *stmt, const sim_rec_val *vals, int count) {
    assert(rec != NULL && stmt != NULL && (vals != NULL || count == 0));
    assert(rec->run_id != 0 && "rows are written inside a run");
    assert(count == sqlite3_bind_parameter_count(stmt));
    if (rec->broken) {
        return SIM_REC_ERR_RUN_BROKEN;
    }
    for (int i = 0; i < count; i++) {
        const sim_rec_val *v = &vals[i];
        int rc;
        switch (v->type) {
        case SIM_REC_V_NULL: rc = sqlite3_bind_null(stmt, i + 1); break;
        case SIM_REC_V_INT: rc = sqlite3_bind_int64(stmt, i + 1, v->v.i); break;
        case SIM_REC_V_REAL: rc = sqlite3_bind_double(stmt, i + 1, v->v.d); break;
        case SIM_REC_V_TEXT: rc = sqlite3_bind_text(stmt, i + 1, v->v.b.p, -1, SQLITE_STATIC); break;
        case SIM_REC_V_BLOB:
            rc = v->v.b.len == 0 ? sqlite3_bind_zeroblob(stmt, i + 1, 0)
                                 : sqlite3_bind_blob64(stmt, i + 1, v->v.b.p, v->v.b.len, SQLITE_STATIC);
            break;
        default: assert(!"unknown value type"); rc = SQLITE_MISUSE; break;
        }
        if (rc != SQLITE_OK) {
            (void)sqlite3_clear_bindings(stmt);
            fail_to(rec->err, sizeof rec->err, code_of(rc), "binding value %d of [%s]: %s", i + 1,
                    sqlite3_sql(stmt), sqlite3_errstr(rc));
            return break_run(rec, code_of(rc));
        }
    }
    return step_row(rec, stmt);
}

int sim_rec_step(sim_rec *rec, sqlite3_stmt *stmt) {
    assert(rec != NULL && stmt != NULL);
    assert(rec->run_id != 0 && "rows are written inside a run");
    if (rec->broken) {
        (void)sqlite3_clear_bindings(stmt);
        return SIM_REC_ERR_RUN_BROKEN;
    }
    return step_row(rec, stmt);
}
