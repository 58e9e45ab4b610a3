/*
** Reading results databases, and `xrsim export`: open an xrsim results file
** read-only (refusing anything that is not one), and write one table or
** view of the schema as CSV or JSON.
**
** analysis/ depends on no other project layer, so this opens the file with
** SQLite itself (SQLITE_OPEN_READONLY: nothing is ever written, not even a
** journal) and checks the header the recorder writes: PRAGMA
** application_id must be AN_SCHEMA_APPLICATION_ID and PRAGMA user_version
** at most AN_SCHEMA_VERSION.  The names that may be exported are the
** tables and views created by the embedded schema text (an_schema_sql),
** never objects a foreign tool added to the file.
*/
#ifndef AN_EXPORT_H
#define AN_EXPORT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Return codes: 0 or a negative AN_ERR_* (an_error.h). */
#include "an_error.h"

typedef enum an_export_format { AN_EXPORT_CSV, AN_EXPORT_JSON } an_export_format;

/*
** Opens the results file `path` read-only into *db and checks that it is
** an xrsim results database this build can read.  Returns 0 (the caller
** closes *db with sqlite3_close) or a negative AN_ERR_* with a
** message naming the file in err (*db is then NULL).  Never writes to or
** creates the file.
*/
int an_export_open(const char *path, sqlite3 **db, char *err, size_t err_len);

/* True when `name` is a table or view created by the embedded schema. */
bool an_export_name_known(const char *name);

/*
** Writes the schema's table and view names, ", "-separated in schema
** order, into buf (truncated to fit, always NUL-terminated).  Returns the
** number of names.
*/
size_t an_export_names(char *buf, size_t buf_len);

/*
** Writes every row of `name` (a table or view of the schema) to out:
** CSV = a header row of column names, then one record per row, fields
** quoted per RFC 4180 when they contain a comma, quote, CR or LF, records
** ending in CRLF, NULL as an empty field; JSON = an array of objects, one
** per row, integers and reals as JSON numbers (non-finite reals as null),
** text as strings, NULL as null, blobs as hex strings.  With run_id >= 0
** only that run's rows (column run_id, or id for runs and v_runs).
** Returns 0 or a negative AN_ERR_* with a message in err.
*/
int an_export_write(sqlite3 *db, const char *name, an_export_format fmt, int64_t run_id, FILE *out,
                    char *err, size_t err_len);

#endif
