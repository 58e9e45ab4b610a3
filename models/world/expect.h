/*
** Expectations: the `expect:` section of a scenario -- bounds on the
** numbers a run produces (mdl_world_summary) -- and their evaluation, used
** by `xrsim check` as a regression gate.
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

/* world.h (which includes scenario.h, which includes this) */
struct mdl_world_summary;

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

/* The value of metric `metric` (an index into the table) in summary `s`.
** Returns false when the run has no value for it (no executed message for a
** percentile, no probe delivered, the part of the world is absent). */
bool mdl_expect_value(uint32_t metric, const struct mdl_world_summary *s, double *out);

/* The outcome of one bound. */
typedef struct mdl_expect_outcome {
    const mdl_expect_bound *bound; /* borrowed from the config */
    bool has_value;
    double value;               /* in the metric's value unit; 0 without a value */
    bool passed;
} mdl_expect_outcome;

/* Evaluates every bound of `c` against `s` into out[0..c->count).  Returns
** the number of violated bounds. */
size_t mdl_expect_evaluate(const mdl_expect_config *c, const struct mdl_world_summary *s,
                           mdl_expect_outcome *out);

/* Formats `metric-value` in its unit for people ("23.4 s", "250 ms", "95%",
** "0", "0.012 ETH"), into buf (always NUL-terminated when len > 0). */
void mdl_expect_format_value(mdl_expect_unit u, double v, char *buf, size_t len);

/* Formats one outcome as "fast.p99 = 23.4 s > max 20 s" (violated) or
** "fast.p99 = 12.1 s <= max 20 s" (passed); a missing value is "n/a (no
** value in this run)".  Value and bound get enough digits to differ when
** they are different numbers. */
void mdl_expect_format(const mdl_expect_outcome *o, char *buf, size_t len);

/* The value and bound converted for results: seconds for durations, ETH for
** amounts, unchanged otherwise. */
double mdl_expect_to_result_unit(mdl_expect_unit u, double v);

#endif
