/*
** `xrsim report`: what a results database says, per parameter point.
**
** A parameter point is a set of ok runs with the same scenario (SHA-256 of
** its text) and the same parameters once the seed is removed -- the group
** key `xrsim compare` uses (params_json without $.run.seed).  For each
** point the report gives the number of seeds and, as the mean over seeds
** with a 95% bootstrap interval across seeds: finality p50/p90/p99 per
** confirmation level (fast = latest, finalized), gas and ETH per executed
** message, consensus time per height p50/p99 and heights committed.
**
** Verdicts, per run: from the `verdicts` table (schema 2: unsafe = forged
** messages executed or conflicting honest commits; stalled = a consensus
** stall or a message delayed beyond adversary.delay_bound); a run without
** a verdicts row (recorded before schema 2, or without chains) falls back
** to its consensus summary: unsafe = a conflicting honest commit or
** approval, stalled = longest time without a new consensus height above
** the stall limit (AN_REPORT_STALL_S_DEFAULT = 30 s; the end of the run
** counts).  Per point: the share of runs unsafe and stalled, and the mean
** forged messages executed, their value (ETH) and delayed messages.
**
** Slashing (runs with a restaking_summary row): mean ETH slashed per run
** with its interval, and the offences found with their outcome mix
** (slashed / withdrawn / already_slashed / vetoed / rejected / duplicate / not_provable /
** pending) as counts over the point's runs.
**
** Attacker economics (the coalitions table), per point and coalition
** index: mean P&L, value extracted, stake slashed, cost of corruption and
** profit from corruption in ETH with intervals, and the share of runs
** profitable.  Per scenario and coalition index: mean P&L per
** (coalition stake fraction, withdrawal delay) cell, with the stake read
** from coalitions.stake_fraction as the mean over a parameter point's runs
** (so a point whose stake is drawn per seed is one cell, not one per seed)
** and the delay from restaking_summary.withdrawal_delay_ns (not from
** parameter names), pooling every run with those values.  Per point and
** Byzantine entry: the power share its targets actually hold (byzantine,
** verifiers).
**
** Parameters whose values differ between points of the same scenario (a
** diff of the points' params_json leaves) are shown as columns.
**
** Output: aligned fixed-width tables on a FILE, and optionally one
** self-contained HTML file (inline CSS and SVG; no scripts, no external
** references) that leads with the answer: what varies, then the plot that
** answers the question -- the attacker P&L heat map over stake x withdrawal
** delay (or P&L against the one that varies) for a coalition sweep, fast
** p99 finality against the swept key when one numeric parameter varies,
** small multiples (the metric against one key, a panel per value of the
** other) when two do -- marked id="answer".  Then the tables (wide ones
** scroll), where the time goes (stage breakdown per point and level,
** stacked), the finality CDF per level and the other plots.  Stalled
** points are marked, never silently missing.  A table that does not apply
** (no message executed at a level, nothing slashed, no coalition) is left
** out with one line saying why, in both outputs.  The results file is
** opened read-only (an_export_open; files of schema 1 are read without
** their version-2 sections); the HTML is written to a temporary file
** renamed into place, so a failure leaves no partial file.
*/
#ifndef AN_REPORT_H
#define AN_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Return codes: 0 or a negative AN_ERR_* (an_error.h); files it cannot
   open give an_export_open's codes. */
#include "an_error.h"

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
    AN_REPORT_FORGED_EXECUTED,  /* verdicts: forged messages executed per run */
    AN_REPORT_FORGED_VALUE_ETH, /* verdicts: their value (ETH) */
    AN_REPORT_DELAYED_MSGS,     /* verdicts: messages not executed within the delay bound */
    AN_REPORT_SLASHED_ETH,      /* restaking_summary: ETH slashed per run */
    AN_REPORT_L1_ETH_PER_MSG,   /* v_finality: L1 data fee per executed message (ETH) */
    AN_REPORT_ATT_STALLS,       /* stall_verdicts: attestation stalls per run */
    AN_REPORT_ATT_STALL_S,      /* stall_verdicts: the longest attestation stall (s) */
    AN_REPORT_HALTED,           /* chain_halts: 1 when the chain halted (empty set), else 0 */
    AN_REPORT_METRIC_COUNT
} an_report_metric;

/* Mean over the seeds that have a value, with its 95% bootstrap interval
   (lo == hi == mean with one value; n == 0: no value, fields NAN). */
typedef struct an_report_stat {
    size_t n;
    double mean, lo, hi;
} an_report_stat;

/* Offence outcomes (offences.outcome), in this order. */
typedef enum an_report_outcome {
    AN_REPORT_OUT_SLASHED,
    AN_REPORT_OUT_WITHDRAWN,
    AN_REPORT_OUT_ALREADY_SLASHED,
    AN_REPORT_OUT_VETOED,
    AN_REPORT_OUT_REJECTED,
    AN_REPORT_OUT_DUPLICATE,
    AN_REPORT_OUT_PENDING,
    AN_REPORT_OUT_NOT_PROVABLE,
    AN_REPORT_OUTCOME_COUNT
} an_report_outcome;

/* One coalition (by its index in the scenario) over a point's runs. */
typedef struct an_report_coalition {
    int64_t index;         /* coalitions.coalition */
    char *name;            /* of its first run */
    char attack[16];       /* "forge", "censor", "stale_forge", "none" */
    size_t runs;           /* runs of the point with a row for it */
    size_t profitable_runs;
    double stake_fraction; /* mean over those runs (of all genesis stake) */
    an_report_stat pnl_eth, value_eth, slashed_eth, cost_eth, profit_eth;
    an_report_stat delegators_eth; /* its delegators' stake slashed with it (0 in files without it) */
    an_report_stat acting_share;   /* its share of the set in force when it acted (runs where it acted) */
    an_report_stat signers, signers_proven, signers_slashed; /* members that signed a forged root,
                                                             ** of them proven, slashed (schema 8) */
} an_report_coalition;

/* Attacker P&L of one coalition index of one scenario, per (stake
   fraction, withdrawal delay) cell: every run of the scenario with those
   values pooled, whatever its point.  Runs without a restaking summary
   (no delay) or with non-finite values are left out. */
typedef struct an_report_econ {
    int64_t index;
    char *name;
    char *scenario;        /* its name */
    char *sha256;          /* its SHA-256 */
    size_t scenario_order; /* the index of the scenario's first point when loaded */
    double *stakes;        /* distinct stake fractions, ascending */
    size_t stake_count;
    double *delays_s;      /* distinct withdrawal delays (s), ascending */
    size_t delay_count;
    an_report_stat *pnl_eth; /* [stake][delay], row-major; n == 0: no run */
    size_t *profitable;    /* runs profitable per cell */
    size_t *points;        /* parameter points pooled per cell */
} an_report_econ;

/* The power share one Byzantine entry (verifiers.byzantine[entry] of the
   scenario) actually holds: the genesis power of the verifiers it picked
   over all genesis power (verifiers.power), per run; mean over a point's
   runs.  A target written as a stake fraction picks whole verifiers, so
   this is what it came to. */
typedef struct an_report_share {
    int64_t entry;         /* byzantine.entry */
    char what[64];         /* "silent, stake_fraction 0.2" */
    an_report_stat share;  /* fraction of all power */
} an_report_share;

/* The events of an attack run's timeline, in this order. */
typedef enum an_report_event {
    AN_REPORT_EV_ACTED,     /* coalitions.acted_ns: the attack's first action */
    AN_REPORT_EV_APPROVED,  /* coalitions.forged_approved_ns: first forged root approved (schema 12) */
    AN_REPORT_EV_EXECUTED,  /* coalitions.forged_executed_ns: first forged message executed (schema 12) */
    AN_REPORT_EV_PROVABLE,  /* offences.provable_ns: a member's first offence provable on L1 */
    AN_REPORT_EV_INCLUDED,  /* offences.included_ns: first evidence included on L1 */
    AN_REPORT_EV_SLASHED,   /* offences.executed_ns of the first 'slashed' offence */
    AN_REPORT_EV_QUEUED,    /* coalitions.withdraw_queued_ns: the last member's withdrawal queued */
    AN_REPORT_EV_COMPLETED, /* coalitions.withdraw_completed_ns: the last member's withdrawal completed */
    AN_REPORT_EVENT_COUNT
} an_report_event;

/* One coalition with an attack (forge or censor) in one counted run: when
   each event first happened, in seconds after the start of the run (NAN:
   it did not, or the file predates its column).  Offences count when
   their offender is one of the coalition's members. */
typedef struct an_report_timeline {
    int64_t run_id, seed, coalition;
    size_t point;          /* index into points */
    char name[48];         /* the coalition's */
    char attack[8];
    double at_s[AN_REPORT_EVENT_COUNT];
    double end_s;          /* the run's duration (run_window); NAN: unknown */
} an_report_timeline;

typedef struct an_report_point {
    char *sha256;          /* scenario */
    char *key;             /* params_json without $.run.seed */
    char *name;            /* scenario name */
    char label[24];        /* "P1", "P2", ... */
    int64_t *run_ids;      /* one per distinct seed (the lowest id), ascending */
    size_t seed_count;
    an_report_stat stat[AN_REPORT_METRIC_COUNT];
    size_t judged_runs;    /* runs with a verdicts row or (fallback) a consensus summary */
    size_t verdict_runs;   /* of those, with a verdicts row */
    size_t unsafe_runs;
    size_t stalled_runs;
    size_t restaking_runs; /* runs with a restaking summary */
    double withdrawal_delay_s; /* restaking_summary of its first run; NAN: none */
    size_t offence_count;  /* offences over its runs */
    size_t outcome_count[AN_REPORT_OUTCOME_COUNT];
    an_report_coalition *coalitions; /* ascending index */
    size_t coalition_count;
    char **values;         /* per varying parameter: its value here ("-" when absent) */
    an_report_share *shares; /* per Byzantine entry, ascending entry */
    size_t share_count;
} an_report_point;

typedef struct an_report {
    char *path;
    size_t ok_runs;        /* ok runs in the file (a seed run twice in a point counts once below) */
    an_report_point *points;
    size_t point_count;
    char **varying;        /* parameter paths ("consensus.quorum") whose values differ between points */
    size_t varying_count;
    int numeric_axis;      /* 1: exactly one varying parameter and every value is a number (one unit or dimension) */
    double *axis;          /* per point: that number when numeric_axis */
    char axis_unit[16];
    double stall_s;
    size_t verdict_runs;   /* runs (counted in points) with a verdicts row */
    size_t restaking_runs; /* ... with a restaking summary */
    size_t coalition_runs; /* ... with at least one coalition row */
    size_t byzantine_runs; /* ... with at least one byzantine row */
    an_report_econ *econ;  /* per coalition index, ascending */
    size_t econ_count;
    an_report_timeline *timelines; /* ordered by point, seed, coalition */
    size_t timeline_count;
    bool timeline_forged;  /* the file records forged approval / execution times (schema 12) */
    void *db;              /* sqlite3 *, open read-only (for the CDF query) */
} an_report;

/*
** Mean of v[0..n) and the 95% percentile bootstrap interval of the mean
** (AN_REPORT_RESAMPLES resamples with GSL mt19937 seeded with `seed`: the
** same values give the same interval).  n >= 1; with n == 1 the interval
** is the value itself.  Returns 0, AN_ERR_NOMEM or AN_ERR_GSL.
*/
int an_report_mean_ci(const double *v, size_t n, unsigned long seed, an_report_stat *out);

/*
** Opens the results file `path` read-only (an_export_open: refuses files
** that are not xrsim results of a schema this build reads), groups its ok
** runs into parameter points (ordered by scenario, then by the varying
** parameters' values in turn: numerically where they are numbers, with
** durations and amounts on one scale, so 10s < 30s < 1min < 1h < 14d),
** computes every point's statistics
** with liveness rule `stall_s` (> 0), and finds the varying parameters.
** Returns 0 with *out set (free with an_report_free) or a negative
** AN_ERR_* / AN_ERR_* with a message in err.
*/
int an_report_load(const char *path, double stall_s, an_report **out, char *err, size_t err_len);

void an_report_free(an_report *r);

/* The name of an outcome as the schema spells it ("already_slashed"). */
const char *an_report_outcome_name(an_report_outcome o);

/* An event's name for people: "forged root approved". */
const char *an_report_event_name(an_report_event e);

/* Formats a duration in seconds on a readable scale: "250 ms", "10 s",
   "1.5 min", "1 h", "14 d" (the largest unit it is at least 1 of, 3
   significant digits). */
void an_report_fmt_duration(double s, char *buf, size_t len);

/* Prints the aligned tables to out; a table that does not apply gets one
   line saying why instead.  Returns 0 or AN_ERR_IO. */
int an_report_print(const an_report *r, FILE *out);

/*
** Writes the HTML report to out (the tables, the CDF per level, with
** numeric_axis the metric-vs-parameter plots, and per coalition whose
** stake or withdrawal delay varies the P&L heat map or line plot).  Returns 0 or a negative
** AN_ERR_* with a message in err.
*/
int an_report_write_html(const an_report *r, FILE *out, char *err, size_t err_len);

/*
** an_report_write_html into `html_path`, through `html_path`.tmp renamed
** into place (removed on failure).  Returns 0 or AN_ERR_REFUSED / _IO /
** _SQL / _NOMEM with a message in err.
*/
int an_report_write_html_file(const an_report *r, const char *html_path, char *err, size_t err_len);

#endif
