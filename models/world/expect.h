/*
** Expectations: the `expect:` section of a scenario -- bounds on the
** numbers a run produces (mdl_world_summary) -- and their evaluation, used
** by `xrsim check` as a regression gate.  This is the scenario's side (the
** section, the metric table); a run's side -- evaluating the bounds on its
** summary -- is world/expect_eval.h.
**
**   expect:
**     - {metric: fast.p99, max: 20s}
**     - {metric: fast.executed_fraction, min: 95%}
**     - {metric: consensus.conflicts, max: 0}
**
** Every metric has a unit kind (duration, count, fraction, ETH) and its
** bounds must carry matching units ("20s", "95%" or "0.95", "0", "0.01
** ETH").  An entry may give min, max or both; each bound is checked on its
** own.  Unknown metric names are errors at their file:line:column listing
** the known ones; so is a metric the scenario cannot produce (fast.* without
** rollups, consensus.* without verifiers, network.latency_* without probes).
** A metric with no value after the run (a percentile over no executed
** message) violates every bound on it.
*/
#ifndef MDL_EXPECT_H
#define MDL_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ytree.h"

typedef enum mdl_expect_unit {
    MDL_EXPECT_DURATION = 0, /* value in ns; bounds "20s", "250ms" */
    MDL_EXPECT_COUNT = 1,    /* value a count; bounds plain integers */
    MDL_EXPECT_FRACTION = 2, /* value in [0, 1]; bounds "0.95" or "95%" */
    MDL_EXPECT_ETH = 3,      /* value in wei; bounds "0.01 ETH", "30 gwei", "5 wei" */
} mdl_expect_unit;

/* What part of the world a metric needs (the scenario must have it). */
typedef enum mdl_expect_needs {
    MDL_EXPECT_NEEDS_NOTHING = 0,
    MDL_EXPECT_NEEDS_PROBES = 1,
    MDL_EXPECT_NEEDS_VERIFIERS = 2,
    MDL_EXPECT_NEEDS_ROLLUPS = 3,
} mdl_expect_needs;

typedef struct mdl_expect_metric {
    const char *name;       /* "fast.p99" */
    mdl_expect_unit unit;
    mdl_expect_needs needs;
    const char *doc;        /* one line: what it measures */
} mdl_expect_metric;

/* Metric ids: indices into the metric table, in its order. */
typedef enum mdl_expect_id {
    MDL_XM_FAST_EMITTED, MDL_XM_FAST_EXECUTED, MDL_XM_FAST_EXEC_FRAC, MDL_XM_FAST_P50, MDL_XM_FAST_P90, MDL_XM_FAST_P99, MDL_XM_FAST_MAX,
    MDL_XM_FAST_COST,
    MDL_XM_FIN_EMITTED, MDL_XM_FIN_EXECUTED, MDL_XM_FIN_EXEC_FRAC, MDL_XM_FIN_P50, MDL_XM_FIN_P90, MDL_XM_FIN_P99, MDL_XM_FIN_MAX, MDL_XM_FIN_COST,
    MDL_XM_MSG_VIOLATIONS, MDL_XM_REL_SUBMISSIONS, MDL_XM_REL_REVERTED, MDL_XM_REL_FEE,
    MDL_XM_CONS_HEIGHTS, MDL_XM_CONS_LAST_HEIGHT, MDL_XM_CONS_HEIGHT_P50, MDL_XM_CONS_HEIGHT_P99, MDL_XM_CONS_HEIGHT_MAX,
    MDL_XM_CONS_COMMIT_P99, MDL_XM_CONS_MAX_STALL, MDL_XM_CONS_MULTI_ROUND, MDL_XM_CONS_APPROVED, MDL_XM_CONS_APPROVAL_P99,
    MDL_XM_CONS_EVIDENCE, MDL_XM_CONS_OFFENDERS, MDL_XM_CONS_CONFLICTS, MDL_XM_CONS_APPROVAL_CONFLICTS, MDL_XM_CONS_ACTIONS_DROPPED,
    MDL_XM_NET_SENT, MDL_XM_NET_DELIVERED, MDL_XM_NET_LOST, MDL_XM_PROBE_DELIVERED_FRAC, MDL_XM_PROBE_P50, MDL_XM_PROBE_P99,
    MDL_XM_PROBE_MAX,
    MDL_XM_V_FORGED, MDL_XM_V_FORGED_VALUE, MDL_XM_V_CONFLICTS, MDL_XM_V_DELAYED, MDL_XM_V_UNSAFE, MDL_XM_V_STALLED,
    MDL_XM_S_OFFENCES, MDL_XM_S_SLASHED_OFFENCES, MDL_XM_S_SLASHED, MDL_XM_S_WITHDRAWN,
    MDL_XM_A_PNL, MDL_XM_A_PROFITABLE, MDL_XM_A_UNSLASHED,
    MDL_XM_COUNT
} mdl_expect_id;

/* The metric table: *count entries, in a fixed order (index = metric id). */
const mdl_expect_metric *mdl_expect_metrics(size_t *count);

/* The index of metric `name`, or -1 when unknown. */
int mdl_expect_metric_find(const char *name);

/* The unit's name as stored in results ("s", "count", "fraction", "ETH"). */
const char *mdl_expect_unit_name(mdl_expect_unit u);

typedef enum mdl_expect_kind { MDL_EXPECT_MIN = 0, MDL_EXPECT_MAX = 1 } mdl_expect_kind;

/* One bound: metric >= bound (MIN) or metric <= bound (MAX).  The bound is
** in the metric's value unit (ns, count, fraction, wei). */
typedef struct mdl_expect_bound {
    uint32_t metric;
    mdl_expect_kind kind;
    double bound;
    uint32_t line, col;     /* of the bound's value in the scenario */
} mdl_expect_bound;

typedef struct mdl_expect_config {
    mdl_expect_bound *bounds; /* in the order written (min before max) */
    size_t count;
} mdl_expect_config;

/* Reads the `expect:` section `n` (NULL: none) into `out`.  has_* say what
** the scenario contains (metrics needing something absent are errors).
** Returns true when there were no errors (all reported in d).  `out` holds
** nothing to free beyond mdl_expect_config_free (always safe). */
bool mdl_expect_config_load(const sim_ynode *n, bool has_probes, bool has_verifiers, bool has_rollups,
                            mdl_expect_config *out, sim_diag *d);
void mdl_expect_config_free(mdl_expect_config *c);

/* Formats `metric-value` in its unit for people ("23.4 s", "250 ms", "95%",
** "0", "0.012 ETH"), into buf (always NUL-terminated when len > 0). */
void mdl_expect_format_value(mdl_expect_unit u, double v, char *buf, size_t len);

/* Formats v as mdl_expect_format_value does, with `digits` significant
** digits. */
void mdl_expect_format_digits(mdl_expect_unit u, double v, int digits, char *buf, size_t len);

/* The value and bound converted for results: seconds for durations, ETH for
** amounts, unchanged otherwise. */
double mdl_expect_to_result_unit(mdl_expect_unit u, double v);

#endif
