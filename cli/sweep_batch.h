/*
** The sweep's machinery for a list of points chosen by another command
** (`xrsim search`): the same workers, part files, adoption of what a killed
** attempt left, resume and gathering as `xrsim sweep` (cmd_sweep.c), for
** points given as override lists instead of a grid.
*/
#ifndef XRSIM_CLI_SWEEP_BATCH_H
#define XRSIM_CLI_SWEEP_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cli_batch_point {
    const char *const *sets;   /* overrides, applied to the scenario file like --set */
    size_t set_count;
    const char *label;         /* for messages: what the point is */
    const char *params_json;   /* the loaded point's effective parameters (mdl_scenario.params_json) */
    uint64_t seed;             /* and its run.seed */
} cli_batch_point;

typedef struct cli_batch_tally {
    size_t pending;            /* points without an ok run in `out` before the batch */
    size_t ok, failed, interrupted;
} cli_batch_tally;

/* Runs the points of `file` that have no `ok` run in `out` yet (same
** scenario SHA-256, params_json and seed) in `jobs` worker processes (0:
** all cores), each into its own part file next to `out`, then merges them
** into `out` in one transaction.  Parts an earlier killed attempt left are
** adopted first.  Every point must have loaded (its params_json and seed
** come from that load).  Returns the exit status a sweep would: 0, 1 (a
** point or worker failed), 2 (the results file cannot be opened) or 130
** (interrupted: a signal stops the workers between events). */
int cli_sweep_batch(const char *file, const char *out, const cli_batch_point *pts, size_t n, long jobs, bool quiet,
                    cli_batch_tally *t);

/* Non-zero once SIGINT, SIGTERM or SIGHUP arrived (the handlers are
** installed by cli_sweep_batch_signals). */
bool cli_sweep_batch_stopped(void);
void cli_sweep_batch_signals(void);

#endif
