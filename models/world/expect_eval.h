/*
** Expectations on a run: the bounds of a scenario's `expect:` section
** (world/expect.h) evaluated on the run's summary (world/world.h), for
** `xrsim check`.
*/
#ifndef MDL_EXPECT_EVAL_H
#define MDL_EXPECT_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "world/expect.h"
#include "world/world.h"

/* The value of metric `metric` (an index into the table) in summary `s`.
** Returns false when the run has no value for it (no executed message for a
** percentile, no probe delivered, the part of the world is absent). */
bool mdl_expect_value(uint32_t metric, const mdl_world_summary *s, double *out);

/* The outcome of one bound. */
typedef struct mdl_expect_outcome {
    const mdl_expect_bound *bound; /* borrowed from the config */
    bool has_value;
    double value;               /* in the metric's value unit; 0 without a value */
    bool passed;
} mdl_expect_outcome;

/* Evaluates every bound of `c` against `s` into out[0..c->count).  Returns
** the number of violated bounds. */
size_t mdl_expect_evaluate(const mdl_expect_config *c, const mdl_world_summary *s,
                           mdl_expect_outcome *out);

/* Formats one outcome as "fast.p99 = 23.4 s > max 20 s" (violated) or
** "fast.p99 = 12.1 s <= max 20 s" (passed); a missing value is "n/a (no
** value in this run)".  Value and bound get enough digits to differ when
** they are different numbers. */
void mdl_expect_format(const mdl_expect_outcome *o, char *buf, size_t len);

#endif
