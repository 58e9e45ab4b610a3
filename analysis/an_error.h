/*
** The error convention of analysis/: every function that can fail returns
** 0 or one negative AN_ERR_* code from this one table, and writes a message
** for a person into a caller-owned buffer (err, err_len) with an_fail.  The
** code says what kind of failure it was (so the command can pick its exit
** status); the message says where and why.
*/
#ifndef AN_ERROR_H
#define AN_ERROR_H

#include <stddef.h>

typedef enum an_err {
    AN_OK = 0,
    AN_ERR_OPEN = -1,       /* a missing or unreadable file */
    AN_ERR_NOT_SQLITE = -2, /* not an SQLite file, or a damaged one */
    AN_ERR_FOREIGN = -3,    /* SQLite, but not written by xrsim */
    AN_ERR_NEWER = -4,      /* written by a newer xrsim (schema version) */
    AN_ERR_NAME = -5,       /* not a table or view of the schema */
    AN_ERR_SQL = -6,        /* an SQLite error (busy, I/O, constraint) */
    AN_ERR_IO = -7,         /* writing the output failed */
    AN_ERR_NOMEM = -8,
    AN_ERR_NO_RUN_COL = -9, /* export --run on an object without a run column */
    AN_ERR_INPUT = -10,     /* a merge input cannot be read or is not an xrsim file of this version */
    AN_ERR_DUPLICATE = -11, /* merge: the same run twice */
    AN_ERR_MIXED = -12,     /* merge: runs of different scenarios */
    AN_ERR_METRIC = -13,    /* compare: an unknown metric name */
    AN_ERR_IGNORE = -14,    /* compare: an --ignore path SQLite's JSON rejects */
    AN_ERR_NOTHING = -15,   /* nothing to work on (no ok run; no run of BASE matches one of HEAD) */
    AN_ERR_GSL = -16,       /* a GSL error */
    AN_ERR_REFUSED = -17,   /* an output file that may not be replaced (a link, a device, a results file) */
} an_err;

/* The constant's name without the prefix ("nomem"), "?" for other codes. */
const char *an_err_name(int code);

/* Writes the formatted message into err[err_len] (nothing when err is NULL
** or err_len is 0) and returns code: `return an_fail(err, len, AN_ERR_SQL,
** "reading runs: %s", sqlite3_errmsg(db));`. */
__attribute__((format(printf, 4, 5)))
int an_fail(char *err, size_t err_len, int code, const char *fmt, ...);

#endif
