/*
** SQL helper for tests that build or inspect results files by hand.
*/
#ifndef XRTEST_SQL_H
#define XRTEST_SQL_H

#include <sqlite3.h>

/* Executes `sql` (one or more statements) on db, failing the current
** cmocka test with SQLite's message on error. */
void xrtest_sql_exec(sqlite3 *db, const char *sql);

#endif
