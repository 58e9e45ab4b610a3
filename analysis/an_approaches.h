/*
** The seed's table: verification approaches side by side (issue 15).
**
** Reads approach_runs (schema 3; models/approaches/) from a results file and,
** when the file holds runs of at least two approaches, gives one row per
** approach with the mean over its runs (the seeds of a sweep) and a 95 %
** bootstrap interval (an_report_mean_ci): latency (fast and finalized p50,
** emitted -> executed), cost per message on every chain (ETH), cost of
** corruption (ETH; n/a when nothing can be corrupted), the value an attack
** extracts in its window, profit from corruption (= extractable - cost, at
** the workload's value) and generality (the share of the workload's
** messages the approach can carry).  Text: an aligned table; HTML: the
** table and latency against cost of corruption, one point per approach, on
** log-log axes (they span seconds to days and ETH to millions of ETH).
*/
#ifndef AN_APPROACHES_H
#define AN_APPROACHES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <sqlite3.h>

#include "an_report.h"

#define AN_APPROACHES_MAX 8

typedef struct an_approach_row {
    char name[32];
    size_t runs;
    bool corruptible;                    /* false: local (cost, extractable, profit n/a) */
    an_report_stat fast_p50_s, finalized_p50_s, fast_p99_s;
    an_report_stat cost_eth;             /* per executed message */
    an_report_stat corruption_eth, extractable_eth, profit_eth;
    an_report_stat generality;           /* share of messages carried */
} an_approach_row;

typedef struct an_approaches {
    an_approach_row rows[AN_APPROACHES_MAX];
    size_t count;                        /* 0: the file has no such comparison */
} an_approaches;

/* Fills *out from `db` (read-only).  Returns 0 (count 0 when the file has no
** approach_runs table or one approach only) or AN_ERR_SQL /
** AN_ERR_NOMEM. */
int an_approaches_load(sqlite3 *db, an_approaches *out);
/* The text table (nothing when count is 0). */
void an_approaches_print(const an_approaches *a, FILE *out);
/* The HTML section: a table and the plot (nothing when count is 0). */
void an_approaches_html(const an_approaches *a, FILE *out);

#endif
