/*
** Merging results files (`xrsim merge`, and `xrsim sweep` gathering its
** workers' files): copies every run of the inputs, with all of its rows in
** every table that has a run_id column, into an output file, renumbering
** run ids.
**
** Layering: the merge lives in analysis/ because it is mostly reading --
** inputs are opened read-only with an_export_open, which refuses foreign
** and newer files -- and because its table list comes from the schema
** (the output's sqlite_master), which analysis/ owns.  It never opens or
** creates the output itself: the caller opens it with the recorder
** (sim_rec_open creates, migrates or refuses it, sim/ owns writing) and
** passes the connection, so analysis/ still depends on no other layer.
**
** All or nothing: the copy is one transaction on the output (BEGIN
** IMMEDIATE ... COMMIT); any refusal or failure rolls it back, leaving the
** output as it was.  Refused:
**   - an input that is not an xrsim results file, or of another schema
**     version than this build's (AN_SCHEMA_VERSION);
**   - duplicates: two `ok` runs with the same (scenario_sha256,
**     params_json, seed), within the inputs or between an input and the
**     output (failed and interrupted runs carry no results and are copied
**     as they are);
**   - mixed scenarios: runs of more than one scenario_sha256 across the
**     inputs and the output's existing runs, unless allow_mixed.
*/
#ifndef AN_MERGE_H
#define AN_MERGE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Return codes: 0 or a negative AN_ERR_* (an_error.h). */
#include "an_error.h"

typedef struct an_merge_stats {
    size_t runs;        /* runs copied */
    size_t rows;        /* per-run rows copied (all tables but runs) */
    size_t skipped;     /* ok runs not copied (AN_MERGE_SKIP_DONE) */
} an_merge_stats;

/* Flags of an_merge_ex. */
#define AN_MERGE_ALLOW_MIXED 1u /* runs of several scenarios may meet */
#define AN_MERGE_SKIP_DONE   2u /* an ok run already in the output (or in an earlier input) is skipped, not refused */

/*
** Copies every run of the files inputs[0..n) into `out` (see above).  `out`
** is a read-write connection to an xrsim results file at this build's
** schema version with no transaction open.  On success returns 0 and fills
** *stats (may be NULL); otherwise a negative AN_ERR_* with a
** one-line message in err naming the file (and nothing written).
*/
int an_merge(sqlite3 *out, const char *const *inputs, size_t n, bool allow_mixed, an_merge_stats *stats,
             char *err, size_t err_len);

/* an_merge with AN_MERGE_* flags.  With AN_MERGE_SKIP_DONE, as `xrsim
** sweep` adopts the results files of an earlier, killed attempt, which
** may already have been gathered: of several ok runs of one point the
** output's is kept, else the first input's, and the others are counted
** in stats->skipped. */
int an_merge_ex(sqlite3 *out, const char *const *inputs, size_t n, unsigned flags, an_merge_stats *stats,
                char *err, size_t err_len);

#endif
