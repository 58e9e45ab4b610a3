/*
** Latency models: the one-way delay a message spends on the wire between
** two nodes, excluding the sender's serialisation (see net.h).  A model is
** either a plain distribution (`sim_lat_dist`) or a region matrix: a fixed
** base delay per ordered pair of regions (regions.h) plus jitter drawn from
** a distribution.
**
** Durations are integer nanoseconds; shape parameters are doubles.  Samples
** come from GSL distributions on a caller-provided stream (one stream per
** sending node and purpose; net.c owns them) and are rounded to the nearest
** nanosecond and capped at SIM_LAT_MAX_NS, so no sample overflows time
** arithmetic.  The distributions:
**
**   constant     value_ns                    exactly value_ns
**   uniform      min_ns, max_ns              integer uniform on [min, max], inclusive
**   normal       mean_ns, stddev_ns          truncated at 0 by RESAMPLING: a
**                                            negative draw is redrawn, so the
**                                            result follows the normal conditioned
**                                            on x >= 0 (no atom at 0); after 64
**                                            negative draws in a row (probability
**                                            <= 2^-64 since mean >= 0) it returns 0
**   lognormal    median_ns, sigma            exp(N(ln median, sigma^2))
**   pareto       scale_ns, alpha             x_m = scale, P(X > x) = (scale/x)^alpha
**   exponential  mean_ns, floor_ns           floor + Exp(mean - floor): mean_ns is
**                                            the mean of the WHOLE delay (floor
**                                            included), so mean >= floor
**
** Validation of untrusted parameters goes through sim_lat_check (an error
** message, never an assertion); sampling asserts the parameters are valid.
*/
#ifndef SIM_LATENCY_H
#define SIM_LATENCY_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "regions.h"

/* Every sample is capped here (about 11.6 days): heavy tails (Pareto with a
** small alpha) cannot overflow the clock.  Parameters above it are invalid. */
#define SIM_LAT_MAX_NS 1000000000000000ull

typedef enum sim_lat_model {
    SIM_LAT_CONSTANT = 0,
    SIM_LAT_UNIFORM,
    SIM_LAT_NORMAL,
    SIM_LAT_LOGNORMAL,
    SIM_LAT_PARETO,
    SIM_LAT_EXPONENTIAL,
    SIM_LAT_MODEL_COUNT
} sim_lat_model;

/* One distribution of delays.  Only the fields of `model` are meaningful;
** build it with the constructors below. */
typedef struct sim_lat_dist {
    sim_lat_model model;
    uint64_t value_ns;  /* constant */
    uint64_t min_ns;    /* uniform */
    uint64_t max_ns;    /* uniform */
    uint64_t mean_ns;   /* normal; exponential (mean of the whole delay) */
    uint64_t stddev_ns; /* normal */
    uint64_t median_ns; /* lognormal */
    double sigma;       /* lognormal: standard deviation of ln X, in (0, 10] */
    uint64_t scale_ns;  /* pareto: the minimum x_m, > 0 */
    double alpha;       /* pareto: tail index, in (0, 100] */
    uint64_t floor_ns;  /* exponential */
} sim_lat_dist;

/* A link latency model: `dist` alone, or (matrix) the region matrix's base
** for the (sender region, receiver region) pair plus `dist` as jitter. */
typedef struct sim_latency {
    bool matrix;
    sim_lat_dist dist;
} sim_latency;

sim_lat_dist sim_lat_constant(uint64_t value_ns);
sim_lat_dist sim_lat_uniform(uint64_t min_ns, uint64_t max_ns);
sim_lat_dist sim_lat_normal(uint64_t mean_ns, uint64_t stddev_ns);
sim_lat_dist sim_lat_lognormal(uint64_t median_ns, double sigma);
sim_lat_dist sim_lat_pareto(uint64_t scale_ns, double alpha);
sim_lat_dist sim_lat_exponential(uint64_t mean_ns, uint64_t floor_ns);

/* The lower-case model name ("constant", ..., "exponential"); asserts a valid
** model. */
const char *sim_lat_model_name(sim_lat_model m);
/* Parses a model name; returns false when unknown. */
bool sim_lat_model_parse(const char *name, sim_lat_model *out);

/* Returns true when the parameters are valid.  Otherwise writes a one-line
** reason (e.g. "uniform: min 20000000 ns exceeds max 10000000 ns") to
** why[0..why_len) when why is non-NULL, and returns false. */
bool sim_lat_check(const sim_lat_dist *d, char *why, size_t why_len);

/* One sample in [0, SIM_LAT_MAX_NS].  Asserts sim_lat_check(d). */
uint64_t sim_lat_sample_ns(const sim_lat_dist *d, gsl_rng *r);

/* The distribution function P(X <= x_ns) of the model before rounding to
** whole nanoseconds and capping (for tests and reports): the truncated
** normal for `normal`, the discrete uniform for `uniform`. */
double sim_lat_cdf(const sim_lat_dist *d, double x_ns);

/* The analytic mean in ns (INFINITY for Pareto with alpha <= 1). */
double sim_lat_mean_ns(const sim_lat_dist *d);

/* A link delay: base + jitter (matrix) or the distribution alone; saturates
** at SIM_LAT_MAX_NS.  `regions` may be NULL when !m->matrix. */
uint64_t sim_latency_sample_ns(const sim_latency *m, const sim_regions *regions,
                               uint32_t from_region, uint32_t to_region, gsl_rng *r);

#endif
