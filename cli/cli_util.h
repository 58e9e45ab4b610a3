/*
** Small helpers shared by the subcommands that run scenarios (run, check):
** the command line as one string for the results file, the results file's
** directory, and wall-clock seconds for progress and statistics.
*/
#ifndef XRSIM_CLI_UTIL_H
#define XRSIM_CLI_UTIL_H

#include <time.h>

/* "xrsim " + argv joined by spaces (malloc'd; NULL when out of memory). */
char *cli_join_argv(int argc, char **argv);
/* Creates the parent directory of `path` (one level, like make run's
** results/); failures surface when the file is opened. */
void cli_make_parent_dir(const char *path);
/* Wall-clock seconds since *t0 (CLOCK_MONOTONIC). */
double cli_since(const struct timespec *t0);

#endif
