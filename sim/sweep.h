/*
** A scenario's `sweep:` section: a Cartesian grid over scenario keys times
** a list of seeds, expanded into numbered points that `xrsim sweep` runs.
**
**   sweep:
**     grid:
**       consensus.quorum: [0.6, 0.67, 0.75]          # a list of YAML scalars
**       network.loss: {from: 0%, to: 2%, step: 1%}   # or a range (see below)
**     seeds: 5                                       # 1..5, or a list [3, 9]
**
** Every grid value becomes the override `key=value` (as `--set` would
** apply it), every seed `run.seed=N`.  Without `seeds` a point keeps the
** scenario's own seed.  Ranges take plain numbers or percentages (all
** three the same kind) and yield from, from+step, ... up to `to` inclusive
** (within a relative 1e-9), at most SIM_SWEEP_MAX_POINTS values.
**
** Order of points (deterministic, part of the contract): grid keys in
** document order, the first key varying slowest, the last fastest, and
** seeds innermost.  With value indices v[0..k) and seed index s the point
** index is ((v0 * n1 + v1) * n2 + ...) * seed_count + s.  Shard K of N
** (1-based K) holds the points whose index % N == K - 1.
**
** Whether a grid key names a real scenario value is checked by the
** scenario loader (scenario.c), which applies each value to a copy of the
** document and reloads it; this module checks only the section's shape.
*/
#ifndef SIM_SWEEP_H
#define SIM_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ytree.h"

/* Upper bound on the number of points of one sweep (and values of a range). */
#define SIM_SWEEP_MAX_POINTS 1000000u

typedef struct sim_sweep_axis {
    char *key;                    /* "consensus.quorum" */
    char **sets;                  /* value_count overrides "key=value" */
    const sim_ynode **nodes;      /* where each value came from (for errors) */
    size_t value_count;
    const sim_ynode *key_node;    /* the grid key */
} sim_sweep_axis;

typedef struct sim_sweep_config {
    bool present;                 /* the scenario has a sweep section */
    sim_sweep_axis *axes;
    size_t axis_count;
    char **seed_sets;             /* seed_count overrides "run.seed=N"; NULL: no seeds key */
    size_t seed_count;            /* 0 when no seeds key (one point per grid cell) */
} sim_sweep_config;

/* Reads the sweep section `node` (NULL: absent, a config with one point
** and no overrides).  On error records every problem in d, returns false,
** and *c holds nothing beyond what sim_sweep_config_free releases. */
bool sim_sweep_config_load(const sim_ynode *node, sim_sweep_config *c, sim_diag *d);
void sim_sweep_config_free(sim_sweep_config *c);

/* Number of points: product of the axes' value counts times max(1, seeds). */
size_t sim_sweep_point_count(const sim_sweep_config *c);

/* The overrides of point `index` (< sim_sweep_point_count): writes up to
** axis_count + 1 pointers (owned by c) into sets and returns how many. */
size_t sim_sweep_point_sets(const sim_sweep_config *c, size_t index, const char **sets);

/* Parses "K/N" with 1 <= K <= N <= 1000000.  Returns false on anything else. */
bool sim_sweep_parse_shard(const char *text, uint32_t *k, uint32_t *n);

/* True when point `index` belongs to shard k of n (1 <= k <= n, asserted). */
bool sim_sweep_in_shard(size_t index, uint32_t k, uint32_t n);

#endif
