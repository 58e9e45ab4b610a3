/*
** The threshold frontier: bisection of one numeric scenario key to where a
** property (safety, liveness) first breaks, used by `xrsim frontier`.  Pure
** logic on a caller-supplied predicate, so it is tested without running
** simulations.
**
** Direction: the property is expected to hold at the low end of the range
** and break at the high end.  The result is the interval [holds, breaks]
** around the first breaking value, narrower than or as wide as the
** tolerance; the predicate is assumed monotone (holds below the frontier,
** breaks from it on).  Ranges are written "LO..HI" with plain numbers
** ("0.6..0.9", "4..10") or percentages ("60%..90%"); integer ranges (both
** ends written without '.', exponent or '%') are bisected over integers.
*/
#ifndef SIM_FRONTIER_H
#define SIM_FRONTIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sim_frontier_range {
    double lo, hi;   /* in the written unit: 60 for "60%" */
    bool percent;    /* written with '%' */
    bool integer;    /* both ends plain integers: bisect over integers */
} sim_frontier_range;

/* Parses "LO..HI" into *r.  Returns false (r unspecified) on anything else:
** a missing "..", a non-number, mixed percent and plain, LO >= HI,
** non-finite values. */
bool sim_frontier_parse_range(const char *text, sim_frontier_range *r);

/* Formats value `v` of range `r` as a scenario value ("0.796875", "80%",
** "7") into buf (always NUL-terminated when len > 0): integers as
** integers, others with up to 10 significant digits. */
void sim_frontier_format(const sim_frontier_range *r, double v, char *buf, size_t len);

/* The predicate: 1 when the property breaks at `value`, 0 when it holds,
** -1 on an error (the bisection stops and reports it). */
typedef int (*sim_frontier_probe_fn)(void *ctx, double value);

typedef enum sim_frontier_status {
    SIM_FRONTIER_FOUND = 0,            /* holds at lo, breaks at hi */
    SIM_FRONTIER_HOLDS_EVERYWHERE = 1, /* holds at hi (lo not probed) */
    SIM_FRONTIER_BROKEN_EVERYWHERE = 2,/* breaks at lo */
    SIM_FRONTIER_ERROR = 3,            /* the predicate returned -1 */
} sim_frontier_status;

typedef struct sim_frontier_result {
    sim_frontier_status status;
    double holds;    /* last value seen holding (FOUND) */
    double breaks;   /* first value seen breaking (FOUND) */
    uint32_t probes; /* predicate calls made */
} sim_frontier_result;

/* Bisects range `r`: probes lo (must hold) and hi (must break), then
** midpoints until breaks - holds <= tolerance (for integer ranges also
** until the ends are adjacent integers).  tolerance <= 0 means the default
** (hi - lo) / 64.  Returns the result; never more than 2 + 64 probes. */
sim_frontier_result sim_frontier_bisect(const sim_frontier_range *r, double tolerance, sim_frontier_probe_fn probe,
                                        void *ctx);

/* The status's words for people: "found", "holds everywhere",
** "broken everywhere", "error". */
const char *sim_frontier_status_name(sim_frontier_status s);

#endif
