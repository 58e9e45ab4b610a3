/*
** Distributions written in a scenario: the parameters of one of the models
** of latency.h, read from a YAML mapping in a chosen unit.  The network's
** latency models (durations) and the chains' block times, sizes and values
** (durations, bytes, gwei) all read their parameters here, so a
** distribution is written, checked and reported the same way everywhere.
**
**   constant {value} | uniform {min, max} | normal {mean, stddev}
**   lognormal {median, sigma} | pareto {scale, alpha} | exponential {mean, floor}
*/
#ifndef SIM_DIST_CONFIG_H
#define SIM_DIST_CONFIG_H

#include <stdbool.h>

#include "latency.h"
#include "ytree.h"

typedef enum sim_dist_unit { SIM_DIST_DURATION, SIM_DIST_BYTES, SIM_DIST_GWEI } sim_dist_unit;

/* "constant", "uniform", ... in sim_lat_model order, NULL-terminated. */
extern const char *const sim_dist_model_names[];

/* The keys a mapping of `model` may hold ("model" included), NULL-terminated. */
const char *const *sim_dist_model_keys(sim_lat_model model);

/* Reads the parameters of `model` from mapping n: reports unknown keys
** (naming `where`), missing or malformed parameters and parameters that
** sim_lat_check refuses, all at their YAML marks, and goes on reading after
** an error so one pass shows every error.  True and *out when all is well;
** *out is untouched otherwise. */
bool sim_dist_load_params(const sim_ynode *n, const char *where, sim_lat_model model, sim_dist_unit unit,
                          sim_lat_dist *out, sim_diag *d);

#endif
