/*
** The workload's configuration (the scenario's `workload:` section, read
** by chains_config.h): routes between rollups, by index.  The workload
** that runs on it is workload.h.
*/
#ifndef MDL_WORKLOAD_CONFIG_H
#define MDL_WORKLOAD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "latency.h"

typedef enum mdl_wl_arrival { MDL_WL_POISSON = 0, MDL_WL_BURSTY = 1 } mdl_wl_arrival;

typedef struct mdl_route_config {
    uint32_t from, to;          /* rollup indices (distinct) */
    double rate_per_s;          /* long-run mean, > 0 */
    mdl_wl_arrival arrival;
    uint64_t on_ns, off_ns;     /* bursty: mean on / off durations (> 0) */
    sim_lat_dist size;          /* payload bytes (the "ns" of sim_lat_dist read as bytes) */
    sim_lat_dist value;         /* value in gwei (likewise; capped at SIM_LAT_MAX_NS gwei = 1e6 ETH) */
    uint64_t gas_limit;
    double finalized;           /* share of messages asking for Finalized, [0, 1] */
    double calls;               /* share carrying a call (the rest: value only), [0, 1];
                                ** decided by the verification host (world/verification.h) */
    uint64_t start_ns, stop_ns; /* active window; stop UINT64_MAX: never */
} mdl_route_config;

typedef struct mdl_workload_config {
    mdl_route_config *routes;   /* owned (free with mdl_workload_config_free) */
    size_t count;
} mdl_workload_config;

void mdl_workload_config_free(mdl_workload_config *c);
/* A route with the defaults: poisson at 1/s, 200 B, value 0, gas limit
** 200000, 0 % finalized, always on. */
void mdl_route_config_default(mdl_route_config *r, uint32_t from, uint32_t to);
/* NULL if usable, else a static reason.  Does not check rollup indices. */
const char *mdl_route_config_check(const mdl_route_config *r);

#endif
