/*
** The results recorder: writes runs into an SQLite results file, one
** transaction per run, so that a run's rows are either all there or not
** there at all.  It knows nothing about the schema's model tables: the
** command passes the schema text (analysis/schema.sql, embedded as
** an_schema_sql), its version and the application id, and models prepare
** their own INSERTs through sim_rec_prepare.
**
** Opening.  sim_rec_open creates a new file, or opens an existing xrsim
** results file (migrating an older schema version forward).  It refuses,
** without writing to it, a file that is not SQLite, an SQLite file written
** by something else (another application_id, or tables but no application
** id), a file of a newer schema version, a symbolic link, and a file
** whose whole schema -- every table and its columns, index, view and
** trigger -- is not exactly what the schema text creates at its version
** (a dropped column, a planted trigger).  Every connection runs with
** SQLite's defensive settings (sim/sqlite_guard.h: DEFENSIVE,
** trusted_schema off, double-quoted strings off).
**
** Runs.  sim_rec_run_begin takes the file's write lock (BEGIN IMMEDIATE),
** inserts the `runs` row with status 'running' and sets a savepoint; the
** run's rows follow inside that transaction.  sim_rec_run_end stamps the
** row 'ok' with its statistics and commits.  sim_rec_run_fail rolls the
** run's rows back to the savepoint and commits just the `runs` row, marked
** 'failed' or 'interrupted' with its error.  A process that dies mid-run
** never commits, so the file keeps no trace of that run (SQLite's journal
** undoes any pages already written when the file is next opened).
** If any write of a run fails, the run is "broken": further writes are
** refused and sim_rec_run_end returns SIM_REC_ERR_RUN_BROKEN, so a run
** with missing rows can never be committed as 'ok'.
**
** Journal mode: the default rollback journal (DELETE), chosen over WAL
** because (1) result files are often written on shared cluster
** filesystems, where WAL's shared-memory index does not work, (2) a run is
** one large, mostly-appending transaction, which a rollback journal
** writes once (new pages go straight to the file) while WAL writes every
** page twice (log, then checkpoint), and (3) the file is self-contained
** after every commit, with no -wal/-shm side files to copy along.  The
** cost: a reader blocks the commit of a run until it finishes, and vice
** versa during the short commit; sim_rec_run_end_waiting keeps waiting
** (and says so) rather than lose a finished run to a reader.  An existing file that
** somebody switched to WAL is left in WAL.
**
** Concurrency: a run holds the write lock from sim_rec_run_begin to its
** end, so two processes writing runs into ONE file take turns, each
** waiting in sim_rec_run_begin up to the busy timeout (default
** SIM_REC_BUSY_TIMEOUT_MS) and then failing with SIM_REC_ERR_BUSY.
** Parallel runs should write separate files and merge them afterwards.
**
** Not thread-safe: one sim_rec per thread.
*/
#ifndef SIM_RECORDER_H
#define SIM_RECORDER_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sim_rec sim_rec;

/* Return codes: 0 or one of these negative values.  Every failure also
** leaves a message: in `err` for sim_rec_open, else in sim_rec_errmsg. */
enum {
    SIM_REC_OK = 0,
    SIM_REC_ERR_OPEN = -1,       /* cannot open or create the file */
    SIM_REC_ERR_NOT_SQLITE = -2, /* the file is not an SQLite database */
    SIM_REC_ERR_FOREIGN = -3,    /* an SQLite database not written by xrsim */
    SIM_REC_ERR_NEWER = -4,      /* written by a newer xrsim (schema version) */
    SIM_REC_ERR_SCHEMA = -5,     /* the schema text is malformed or failed to apply */
    SIM_REC_ERR_BUSY = -6,       /* another writer held the file past the busy timeout */
    SIM_REC_ERR_SQLITE = -7,     /* any other SQLite failure (I/O, disk full, constraint) */
    SIM_REC_ERR_RUN_BROKEN = -8, /* an earlier write of this run failed */
    SIM_REC_ERR_NOMEM = -9,      /* out of memory */
};

/* The name of a return code ("SIM_REC_ERR_BUSY"); "?" for unknown codes. */
const char *sim_rec_strerror(int code);

/* How long a writer waits for another writer's lock before failing. */
#define SIM_REC_BUSY_TIMEOUT_MS 60000

/* Opens or creates the results file at `path`.
**   schema_sql      the schema text, split into sections by lines
**                   `-- @version N` (N = 1, 2, ... in order; text before
**                   the first marker belongs to section 1);
**   schema_version  the last section's N, written to PRAGMA user_version;
**   application_id  written to PRAGMA application_id (must be non-zero).
** A new (or empty) file gets every section; a file at version V < N gets
** sections V+1..N, in one transaction.  Foreign keys are switched on.
** Returns 0 and *out, or a negative SIM_REC_ERR_* with *out = NULL and a
** one-line message in err (always NUL-terminated when err_len > 0):
**   SIM_REC_ERR_NOT_SQLITE, _FOREIGN, _NEWER: the file was refused and
**     not modified;
**   SIM_REC_ERR_OPEN: missing directory, permissions, a directory, a
**     read-only file;
**   SIM_REC_ERR_SCHEMA: the schema text is inconsistent with
**     schema_version or failed to execute (a file this call created is
**     removed again);
**   SIM_REC_ERR_BUSY, _SQLITE, _NOMEM. */
int sim_rec_open(sim_rec **out, const char *path, const char *schema_sql, int schema_version,
                 uint32_t application_id, char *err, size_t err_len);

/* Closes the file.  A run still in progress is rolled back (as if the
** process had died).  Returns 0, or SIM_REC_ERR_SQLITE when SQLite
** reported an error (e.g. statements the caller prepared on sim_rec_db
** were not finalized); the handle is released either way.  NULL is a
** no-op. */
int sim_rec_close(sim_rec *rec);

/* The message of the last failure on this handle ("" when none). */
const char *sim_rec_errmsg(const sim_rec *rec);

/* Sets how long to wait for another writer's lock (ms >= 0). */
void sim_rec_set_busy_timeout(sim_rec *rec, int timeout_ms);

/* The underlying connection, for queries (analysis, tests).  Do not write
** through it during a run except via statements stepped with sim_rec_step,
** and do not COMMIT/ROLLBACK on it. */
sqlite3 *sim_rec_db(sim_rec *rec);

/* ------------------------------------------------------------------ runs */

/* What is known about a run when it starts.  Strings are copied. */
typedef struct sim_rec_run_info {
    const char *scenario_name;  /* required */
    const char *scenario_path;  /* NULL: not recorded */
    const char *scenario_text;  /* required; hashed into scenario_sha256 */
    uint64_t seed;
    const char *params_json;    /* NULL: none; else must be valid JSON */
    const char *xrsim_version;  /* required */
    const char *git_commit;     /* required */
    const char *command_line;   /* NULL: not recorded */
    const char *host;           /* NULL: this machine's name (gethostname) */
    const char *started_at;     /* NULL: now, UTC ISO-8601 with milliseconds */
} sim_rec_run_info;

/* What is known about a run when it stops. */
typedef struct sim_rec_run_stats {
    double wall_s;              /* < 0: measured by the recorder since run_begin */
    double sim_s;               /* virtual time reached */
    uint64_t event_count;       /* events dispatched */
    const char *event_digest;   /* hex digest of events; NULL: not recorded */
} sim_rec_run_stats;

typedef enum sim_rec_status {
    SIM_REC_FAILED = 1,      /* the run stopped on an error */
    SIM_REC_INTERRUPTED = 2, /* the run was stopped (signal, time limit) */
} sim_rec_status;

/* Starts a run: takes the write lock (waiting up to the busy timeout),
** inserts the `runs` row and returns its id in *run_id (> 0).  No run may
** be in progress on this handle (asserted).  Returns 0, SIM_REC_ERR_BUSY,
** SIM_REC_ERR_SQLITE (e.g. params_json is not valid JSON) or
** SIM_REC_ERR_NOMEM; on failure nothing was written and no run is in
** progress. */
int sim_rec_run_begin(sim_rec *rec, const sim_rec_run_info *info, int64_t *run_id);

/* Ends the run in progress (`run_id`, asserted) successfully: records
** `stats`, status 'ok', and commits.  Returns 0 when the run is durably in
** the file.  On failure the run is still in progress and the caller must
** call sim_rec_run_fail (or retry, after SIM_REC_ERR_BUSY):
** SIM_REC_ERR_RUN_BROKEN when an earlier write of the run failed,
** SIM_REC_ERR_BUSY when readers kept the commit waiting past the busy
** timeout, SIM_REC_ERR_SQLITE. */
int sim_rec_run_end(sim_rec *rec, int64_t run_id, const sim_rec_run_stats *stats);

/* Called while sim_rec_run_end_waiting waits for readers of `path`, once
** per busy timeout, with the seconds waited so far. */
typedef void (*sim_rec_wait_fn)(void *ctx, const char *path, double waited_s);

/* sim_rec_run_end, repeated for as long as readers keep the commit
** waiting (SIM_REC_ERR_BUSY): a finished run is never given up because
** somebody holds a read transaction on the file.  on_wait (may be NULL)
** hears of each wait.  Returns what the last sim_rec_run_end returned
** other than SIM_REC_ERR_BUSY. */
int sim_rec_run_end_waiting(sim_rec *rec, int64_t run_id, const sim_rec_run_stats *stats,
                            sim_rec_wait_fn on_wait, void *ctx);

/* Ends the run in progress (`run_id`, asserted) unsuccessfully: discards
** all of its rows and commits only its `runs` row with `status`, `error`
** (may be NULL) and `stats` (may be NULL: partial statistics unknown).
** If the run's transaction was already lost (I/O error, disk full), the
** `runs` row is written again in a new transaction -- under a new id in
** the unlikely case another writer took the old one; see
** sim_rec_last_run_id.  Afterwards no run is in progress, whatever the
** result.  Returns 0, or SIM_REC_ERR_BUSY / _SQLITE when even the `runs`
** row could not be written (then the file has no trace of the run). */
int sim_rec_run_fail(sim_rec *rec, int64_t run_id, sim_rec_status status, const char *error,
                     const sim_rec_run_stats *stats);

/* The id of the run in progress, or 0. */
int64_t sim_rec_run_id(const sim_rec *rec);

/* The id under which the last ended run was written (0: none yet). */
int64_t sim_rec_last_run_id(const sim_rec *rec);

/* True when a write of the run in progress has failed (the run can only
** be ended with sim_rec_run_fail). */
bool sim_rec_run_broken(const sim_rec *rec);

/* ------------------------------------------------------------- rows */

/* Returns in *stmt the prepared statement for `sql`, preparing it on first
** use and caching it (by the text of `sql`) until sim_rec_close; the
** caller must not finalize it.  Returns 0, SIM_REC_ERR_SQLITE (bad SQL;
** the message names it) or SIM_REC_ERR_NOMEM. */
int sim_rec_prepare(sim_rec *rec, const char *sql, sqlite3_stmt **stmt);

/* One value to bind: build with the sim_rec_* constructors below. */
typedef struct sim_rec_val {
    enum { SIM_REC_V_NULL, SIM_REC_V_INT, SIM_REC_V_REAL, SIM_REC_V_TEXT, SIM_REC_V_BLOB } type;
    union {
        int64_t i;
        double d;
        struct {
            const void *p;
            size_t len;
        } b;
    } v;
} sim_rec_val;

static inline sim_rec_val sim_rec_null(void) {
    sim_rec_val x = {.type = SIM_REC_V_NULL};
    return x;
}
static inline sim_rec_val sim_rec_int(int64_t i) {
    sim_rec_val x = {.type = SIM_REC_V_INT, .v.i = i};
    return x;
}
/* Stored as int64 two's complement: values >= 2^63 become negative. */
static inline sim_rec_val sim_rec_u64(uint64_t u) {
    sim_rec_val x = {.type = SIM_REC_V_INT,
                     .v.i = u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(UINT64_MAX - u) - 1};
    return x;
}
static inline sim_rec_val sim_rec_real(double d) {
    sim_rec_val x = {.type = SIM_REC_V_REAL, .v.d = d};
    return x;
}
/* NUL-terminated text; NULL binds SQL NULL.  Must stay valid until the
** insert returns (it is not copied). */
static inline sim_rec_val sim_rec_text(const char *s) {
    sim_rec_val x = {.type = s ? SIM_REC_V_TEXT : SIM_REC_V_NULL, .v.b = {s, 0}};
    return x;
}
static inline sim_rec_val sim_rec_blob(const void *p, size_t len) {
    sim_rec_val x = {.type = SIM_REC_V_BLOB, .v.b = {p, len}};
    return x;
}

/* The hot path: binds vals[0..count) to parameters 1..count of `stmt`
** (from sim_rec_prepare; count must equal its parameter count, asserted),
** executes it and resets it.  A run must be in progress (asserted).
** Returns 0, or SIM_REC_ERR_RUN_BROKEN / _SQLITE / _BUSY / _NOMEM -- after
** which the run is broken and every further write is refused. */
int sim_rec_insert(sim_rec *rec, sqlite3_stmt *stmt, const sim_rec_val *vals, int count);

/* Executes a statement the caller bound with sqlite3_bind_* (to DONE),
** then resets it and clears its bindings.  A run must be in progress
** (asserted).  Returns and breaks the run like sim_rec_insert. */
int sim_rec_step(sim_rec *rec, sqlite3_stmt *stmt);

#endif
