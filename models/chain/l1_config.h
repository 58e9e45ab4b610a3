/*
** The L1's configuration (the scenario's `l1:` section, read by
** chains_config.h) and the background demand both the L1 and the rollups
** price gas with.  The chain that runs on it is l1.h.
*/
#ifndef MDL_L1_CONFIG_H
#define MDL_L1_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "latency.h"

/* ---- background demand (shared with the rollups' gas price) ----------- */

/* Gas used per block by everyone else, as a fraction `fill` of the gas
** limit: fill = clamp(N(mean, stddev), 0, 1) with
**     mean = congestion * (ref_fee / base_fee) ^ elasticity,
** i.e. `congestion` is the mean fill at the reference base fee (0.5 = the
** EIP-1559 target: the fee stays put; 1 = full blocks: +12.5 % a block; 0 =
** empty: -12.5 % a block) and demand falls as the fee rises.  With
** elasticity e > 0 the base fee settles around ref * (2 congestion)^(1/e);
** with e = 0 demand ignores the price and the fee drifts without bound in
** the direction congestion says. */
typedef struct mdl_demand_config {
    double congestion;  /* [0, 1] */
    double stddev;      /* [0, 1], of the per-block fill */
    double elasticity;  /* [0, 10] */
} mdl_demand_config;

/* ---- configuration ------------------------------------------------------ */

typedef struct mdl_l1_config {
    uint64_t slot_ns;           /* 12 s */
    uint32_t epoch_slots;       /* 32 */
    uint32_t finality_epochs;   /* 2 */
    uint64_t gas_limit;         /* 30,000,000 (>= 2) */
    uint64_t base_fee_wei;      /* at genesis, and demand's reference: 10 gwei */
    uint64_t min_base_fee_wei;  /* floor, >= 1: 1 wei */
    uint64_t min_tip_wei;       /* builders skip lower effective tips: 0 */
    uint64_t blob_base_fee_wei; /* EIP-4844 blob base fee, held constant (blob
                                ** demand is not modelled): 1 wei, EIP-4844's
                                ** MIN_BASE_FEE_PER_BLOB_GAS, where it sat most of
                                ** 2024-25; >= 1 */
    mdl_demand_config demand;   /* congestion 0.5, stddev 0.1, elasticity 1 */
    sim_lat_dist inclusion_delay; /* constant 0 */
    double missed_slot;         /* probability per slot: 0 */
} mdl_l1_config;

/* The defaults listed above. */
void mdl_l1_config_default(mdl_l1_config *c);

/* NULL if the config is usable, else a static reason. */
const char *mdl_l1_config_check(const mdl_l1_config *c);

#endif
