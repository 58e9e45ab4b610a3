/*
** The scenario's `l1:`, `rollups:` and `workload:` sections, read into the
** configs of l1_config.h, rollup_config.h and workload_config.h.  Every problem is reported at its
** YAML node (file:line:col), reading goes on so one pass shows every error,
** unknown keys are errors, and durations, amounts and sizes need units.
**
**   l1:                                  # every key optional (defaults shown)
**     slot: 12s
**     epoch_slots: 32
**     finality_epochs: 2
**     gas_limit: 30000000                # gas per block
**     base_fee: 10 gwei                  # at genesis; demand's reference price
**     min_base_fee: 1 wei
**     min_tip: 0 wei                     # builders skip lower effective tips
**     congestion: 0.5                    # mean block fill at the reference fee
**     demand: {stddev: 0.1, elasticity: 1}
**     inclusion_delay: 0s                # or a distribution (below)
**     missed_slots: 0%
**
**   rollups:                             # a sequence; name and chain_id required
**     - name: arb1
**       chain_id: 42161
**       preset: arbitrum                 # op (default) | arbitrum | zk: every
**                                        # key below overrides the preset's value
**       block_time: 250ms                # or a distribution
**       gas_limit: 32000000
**       base_fee: 0.01 gwei
**       min_base_fee: 0.01 gwei
**       congestion: 0.5
**       demand: {stddev: 0.1, elasticity: 1}
**       batch_interval: {model: uniform, min: 1min, max: 5min}
**       batch_gas: 150000                # L1 gas of one batch tx
**       batch_tip: 1 gwei
**       proof: false                     # zk: a proof tx must follow each batch
**       proof_delay: {model: lognormal, median: 30min, sigma: 0.5}
**       proof_gas: 500000                # (500000 when proof is switched on without it)
**       reorg: {probability: 0.001, depth: 2}   # depth: N or {min: 1, max: 3}
**       xblocks: nonempty                # or all (an XBlock per block and level)
**       portal: {min_gas_limit: 21000, max_gas_limit: 5000000, max_data: 10 KiB,
**                base_gas_limit: 100000, protocol_fee: 0 wei}
**       fee_oracle: {interval: 1min, markup: 20%}
**
**   workload:
**     routes:                            # each: from, to and rate required
**       - {from: arb1, to: base, rate: 5/s, arrival: poisson, size: 200 B,
**          gas_limit: 200000, value: {model: lognormal, median: 0.5 ETH, sigma: 1},
**          finalized: 30%, start: 0s, stop: 10min}
**       - {from: base, to: arb1, rate: 2/s, arrival: bursty, on: 10s, off: 50s}
**     all_pairs: {rate: 50/s, size: 200 B}  # every ordered pair of rollups,
**                                        # the rate split evenly (TOTAL rate);
**                                        # same keys as a route without from/to
**
** Distributions (block_time, batch_interval, proof_delay, inclusion_delay in
** durations; size in bytes; value in ETH amounts): a plain quantity means
** exactly that value; otherwise {model: constant, value} | {model: uniform,
** min, max} | {model: normal, mean, stddev} | {model: lognormal, median,
** sigma} | {model: pareto, scale, alpha} | {model: exponential, mean, floor}
** (the models of sim/latency.h, whose sampling they use).
*/
#ifndef MDL_CHAINS_CONFIG_H
#define MDL_CHAINS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "chain/l1_config.h"
#include "chain/rollup_config.h"
#include "chain/workload_config.h"
#include "ytree.h"

typedef struct mdl_rollups_config {
    mdl_rollup_config *items;   /* owned */
    size_t count;
} mdl_rollups_config;

void mdl_rollups_config_free(mdl_rollups_config *c);

/* Index of the rollup named `name`, or -1. */
int mdl_rollups_config_find(const mdl_rollups_config *c, const char *name);

/* Each sets *out to the defaults, then reads `section` (NULL or null: the
** defaults; rollups: none, workload: no routes).  Returns true when no error
** was found; errors go to d.  *out may own memory on either outcome: free
** it with the matching _free (always safe). */
bool mdl_l1_config_load(const sim_ynode *section, mdl_l1_config *out, sim_diag *d);
bool mdl_rollups_config_load(const sim_ynode *section, mdl_rollups_config *out, sim_diag *d);
/* Route endpoints are rollup names, resolved against `rollups` (which may
** be empty when the rollups section failed: then every name is unknown). */
bool mdl_workload_config_load(const sim_ynode *section, const mdl_rollups_config *rollups,
                              mdl_workload_config *out, sim_diag *d);

#endif
