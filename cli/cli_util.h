/*
** Small helpers shared by the subcommands that run scenarios (run, check,
** sweep, frontier, swarm): the command line as one string for the results
** file, the results file's directory, wall-clock seconds for progress and
** statistics, the stop signals, and one recorded run.
*/
#ifndef XRSIM_CLI_UTIL_H
#define XRSIM_CLI_UTIL_H

#include <signal.h>
#include <stddef.h>
#include <time.h>

#include "recorder.h"
#include "world/scenario.h"
#include "world/world.h"

/* "xrsim " + argv joined by spaces (malloc'd; NULL when out of memory). */
char *cli_join_argv(int argc, char **argv);
/* Creates the parent directory of `path` (one level, like make run's
** results/); failures surface when the file is opened. */
void cli_make_parent_dir(const char *path);
/* Wall-clock seconds since *t0 (CLOCK_MONOTONIC). */
double cli_since(const struct timespec *t0);

/* Non-zero once SIGINT, SIGTERM or SIGHUP arrived after
** cli_catch_stop_signals(): the commands that run scenarios pass it to the
** engine as the stop flag and stop at the next event. */
extern volatile sig_atomic_t cli_stop_flag;
/* Catches SIGINT, SIGTERM and SIGHUP (a closed terminal or ssh session:
** stop as for SIGTERM) into cli_stop_flag. */
void cli_catch_stop_signals(void);

/* "xrsim CMD: MSG ARG" and CMD's usage on stderr; returns 2 (the exit
** status of a usage error). */
int cli_usage_error(const char *cmd, const char *msg, const char *arg);

/* The arguments every scenario command takes alike, after its own
** options: --quiet/-q, --help/-h (prints CMD's usage; returns -1), an
** unknown option (2), the scenario FILE (the first non-option) and a second
** one (2).  Returns 0 when it took arg. */
int cli_common_arg(const char *cmd, const char *arg, bool *quiet, const char **file);

/* An override: `--set K=V` / `-s K=V` (taking argv[*i + 1], *i moves past
** it) or `--set=K=V`, appended to sets[*count].  Returns 1 when argv[*i]
** was one, 0 when it was not, 2 (a usage error) when its value is missing. */
int cli_set_arg(const char *cmd, int argc, char **argv, int *i, const char **sets, size_t *count);

/* How one recorded run ended (cli_run_recorded). */
typedef enum cli_run_outcome {
    CLI_RUN_OK = 0,          /* completed and committed */
    CLI_RUN_FAILED = 1,      /* recorded as failed; why says why */
    CLI_RUN_INTERRUPTED = 2, /* *stop became non-zero; recorded as interrupted */
} cli_run_outcome;

/* Optional parts of cli_run_recorded: a progress callback for the engine,
** and a hook that writes more rows into the run just before it commits
** (0, or a SIM_REC_ERR_* that fails the run). */
typedef struct cli_run_hooks {
    sim_progress_fn progress;
    void *progress_ctx;
    int (*before_commit)(void *ctx, sim_rec *rec, int64_t run_id, const mdl_world_summary *sum);
    void *ctx;
} cli_run_hooks;

/* Runs world `w` (built from `scn`, loaded from `file`) as one run of `rec`
** the way `xrsim run` does: begins the run (command line `cmdline`),
** attaches the world, runs it, writes the aggregates and commits -- or
** records the run as failed / interrupted.  `hooks` may be NULL.  Fills
** *sum (when the run began), *wall_s and *run_id (0 when it did not
** begin); `why` (len > 0) gets the reason of a failure. */
cli_run_outcome cli_run_recorded(sim_rec *rec, const mdl_scenario *scn, mdl_world *w, const char *file,
                                 const char *cmdline, volatile sig_atomic_t *stop, const cli_run_hooks *hooks,
                                 mdl_world_summary *sum, double *wall_s, int64_t *run_id, char *why,
                                 size_t why_len);

#endif
