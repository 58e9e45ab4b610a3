/*
** `xrsim report`: what a results database says, per parameter point.
**
** A parameter point is a set of ok runs with the same scenario (SHA-256 of
** its text) and the same parameters once the seed is removed -- the group
** key `xrsim compare` uses (params_json without $.run.seed).  For each
** point the report gives the number of seeds and, as the mean over seeds
** with a 95% bootstrap interval across seeds: finality p50/p90/p99 per
** confirmation level (fast = latest, finalized), gas and ETH per executed
** message, consensus time per height p50/p99 and heights committed; and
** the share of runs that were unsafe (a conflicting honest commit or a
** conflicting approval: v_consensus.safety = 'UNSAFE') and that stalled
** (longest time without a new consensus height above the stall limit,
** AN_REPORT_STALL_S_DEFAULT = 30 s; the end of the run counts, so a run
** whose consensus stopped for its last 30 s is stalled).  Slashing and
** attacker P&L do not exist in the schema yet and are not reported.
** Parameters whose values differ between points (a diff of the points'
** params_json leaves) are shown as columns.
**
** Output: aligned fixed-width tables on a FILE, and optionally one
** self-contained HTML file (inline CSS and SVG; no scripts, no external
** references) with the same tables and plots: the finality CDF per level,
** one curve per point, and -- when exactly one parameter varies and it is
** numeric -- fast p99 finality and time per height p50 against it with
** the confidence band.  The results file is opened read-only
** (an_export_open); the HTML is written to a temporary file renamed into
** place, so a failure leaves no partial file.
*/
#ifndef AN_REPORT_H
#define AN_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Return codes: 0 or one of these (negative); see also AN_EXPORT_ERR_*,
   which an_report_load passes on for files it cannot open. */
#define AN_REPORT_ERR_SQL     (-30) /* an SQLite error while reading */
#define AN_REPORT_ERR_NOMEM   (-31)
#define AN_REPORT_ERR_NOTHING (-32) /* the file has no ok run */
#define AN_REPORT_ERR_IO      (-33) /* writing the output failed */
#define AN_REPORT_ERR_GSL     (-34)

#define AN_REPORT_RESAMPLES 4000u
#define AN_REPORT_BOOTSTRAP_SEED 20240501ul
#define AN_REPORT_STALL_S_DEFAULT 30.0

/* Per-point metrics, in this order. */
typedef enum an_report_metric {
    AN_REPORT_FAST_P50_S,
    AN_REPORT_FAST_P90_S,
    AN_REPORT_FAST_P99_S,
    AN_REPORT_FIN_P50_S,
    AN_REPORT_FIN_P90_S,
    AN_REPORT_FIN_P99_S,
    AN_REPORT_GAS_PER_MSG,
    AN_REPORT_ETH_PER_MSG,
    AN_REPORT_HEIGHT_P50_MS,
    AN_REPORT_HEIGHT_P99_MS,
    AN_REPORT_HEIGHTS,
    AN_REPORT_METRIC_COUNT
} an_report_metric;

/* Mean over the seeds that have a value, with its 95% bootstrap interval
   (lo == hi == mean with one value; n == 0: no value, fields NAN). */
typedef struct an_report_stat {
    size_t n;
    double mean, lo, hi;
} an_report_stat;

typedef struct an_report_point {
    char *sha256;          /* scenario */
    char *key;             /* params_json without $.run.seed */
    char *name;            /* scenario name */
    char label[24];        /* "P1", "P2", ... */
    int64_t *run_ids;      /* one per distinct seed (the lowest id), ascending */
    size_t seed_count;
    an_report_stat stat[AN_REPORT_METRIC_COUNT];
    size_t consensus_runs; /* runs with a consensus summary */
    size_t unsafe_runs;
    size_t stalled_runs;
    char **values;         /* per varying parameter: its value here ("-" when absent) */
} an_report_point;

typedef struct an_report {
    char *path;
    size_t ok_runs;        /* ok runs in the file (a seed run twice in a point counts once below) */
    an_report_point *points;
    size_t point_count;
    char **varying;        /* parameter paths ("consensus.quorum") whose values differ between points */
    size_t varying_count;
    int numeric_axis;      /* 1: exactly one varying parameter and every value is a number (same unit) */
    double *axis;          /* per point: that number when numeric_axis */
    char axis_unit[16];
    double stall_s;
    void *db;              /* sqlite3 *, open read-only (for the CDF query) */
} an_report;

/*
** Mean of v[0..n) and the 95% percentile bootstrap interval of the mean
** (AN_REPORT_RESAMPLES resamples with GSL mt19937 seeded with `seed`: the
** same values give the same interval).  n >= 1; with n == 1 the interval
** is the value itself.  Returns 0, AN_REPORT_ERR_NOMEM or AN_REPORT_ERR_GSL.
*/
int an_report_mean_ci(const double *v, size_t n, unsigned long seed, an_report_stat *out);

/*
** Opens the results file `path` read-only (an_export_open: refuses files
** that are not xrsim results of a schema this build reads), groups its ok
** runs into parameter points (ordered by their first run id, or by the
** varying parameter when numeric_axis), computes every point's statistics
** with liveness rule `stall_s` (> 0), and finds the varying parameters.
** Returns 0 with *out set (free with an_report_free) or a negative
** AN_EXPORT_ERR_* / AN_REPORT_ERR_* with a message in err.
*/
int an_report_load(const char *path, double stall_s, an_report **out, char *err, size_t err_len);

void an_report_free(an_report *r);

/* Prints the aligned tables to out.  Returns 0 or AN_REPORT_ERR_IO. */
int an_report_print(const an_report *r, FILE *out);

/*
** Writes the HTML report to out (the tables, the CDF per level and, with
** numeric_axis, the metric-vs-parameter plots).  Returns 0 or a negative
** AN_REPORT_ERR_* with a message in err.
*/
int an_report_write_html(const an_report *r, FILE *out, char *err, size_t err_len);

/*
** an_report_write_html into `html_path`, through `html_path`.tmp renamed
** into place (removed on failure).  Returns 0 or AN_REPORT_ERR_IO / _SQL /
** _NOMEM with a message in err.
*/
int an_report_write_html_file(const an_report *r, const char *html_path, char *err, size_t err_len);

#endif
