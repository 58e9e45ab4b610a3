/*
** The results-database schema, analysis/schema.sql, embedded into the
** library as a NUL-terminated string by cmake/embed.cmake (see
** CMakeLists.txt).  The command passes it, with AN_SCHEMA_VERSION and
** AN_SCHEMA_APPLICATION_ID, to sim_rec_open, which creates or migrates a
** results file with it.  The file is split into sections by lines
** `-- @version N`; AN_SCHEMA_VERSION must equal the last section's N (the
** recorder checks this and refuses otherwise).
*/
#ifndef AN_SCHEMA_H
#define AN_SCHEMA_H

#include <stddef.h>

/* Schema version written to PRAGMA user_version. */
#define AN_SCHEMA_VERSION 12

/* PRAGMA application_id of every xrsim results file: 'xrsi'. */
#define AN_SCHEMA_APPLICATION_ID 0x78727369u

/* The text of analysis/schema.sql; an_schema_sql_len excludes the NUL. */
extern const char an_schema_sql[];
extern const size_t an_schema_sql_len;

#endif
