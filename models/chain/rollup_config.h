/*
** A rollup's configuration (one entry of the scenario's `rollups:`, read
** by chains_config.h; presets in rollup_presets.c), with the confirmation
** levels the configurations of others name.  The rollups that run on it
** are rollup.h.
*/
#ifndef MDL_ROLLUP_CONFIG_H
#define MDL_ROLLUP_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "chain/l1_config.h"
#include "latency.h"
#include "xr_types.h"

#define MDL_ROLLUP_NAME_MAX 48u
/* Messages one block carries at most: a Latest or Finalized XBlock then
** never holds more than a submission can carry. */
#define MDL_ROLLUP_BLOCK_MSGS_MAX XR_MAX_SUBMISSION_MSGS

/* Level index <-> confirmation level. */
enum { MDL_LEVEL_LATEST = 0, MDL_LEVEL_FINALIZED = 1, MDL_LEVELS = 2 };
uint8_t mdl_level_conf(int level);      /* 0 -> XR_CONF_LATEST, 1 -> XR_CONF_FINALIZED */
int mdl_level_of_conf(uint8_t conf);    /* inverse; -1 for other values */

typedef enum mdl_xblock_policy { MDL_XBLOCKS_NONEMPTY = 0, MDL_XBLOCKS_ALL = 1 } mdl_xblock_policy;

/* Presets (rollup_presets.c). */
typedef enum mdl_rollup_preset {
    MDL_PRESET_OP = 0,          /* OP Stack (OP Mainnet, Base): the default */
    MDL_PRESET_ARBITRUM = 1,
    MDL_PRESET_ZK = 2,
    MDL_PRESET_COUNT
} mdl_rollup_preset;

/* How a rollup charges a transaction for its data posted to L1
** (xr_gas_l1_fee_*): not at all (the zk preset: pubdata pricing of zk
** rollups is not modelled), as the OP Stack (Ecotone) or as Arbitrum. */
typedef enum mdl_l1_data_fee {
    MDL_L1_DATA_NONE = 0,
    MDL_L1_DATA_OP_ECOTONE = 1,
    MDL_L1_DATA_ARBITRUM = 2,
} mdl_l1_data_fee;

typedef struct mdl_rollup_config {
    char name[MDL_ROLLUP_NAME_MAX];
    uint64_t chain_id;              /* != 0, unique */
    mdl_rollup_preset preset;       /* the defaults it started from */
    /* blocks and gas */
    sim_lat_dist block_time;
    uint64_t gas_limit;             /* per block, >= 2 */
    uint64_t base_fee_wei;          /* at start, and demand's reference */
    uint64_t min_base_fee_wei;      /* >= 1 */
    mdl_demand_config demand;
    /* batches, proofs, finality */
    sim_lat_dist batch_interval;
    uint64_t batch_gas;             /* L1 gas of one batch tx */
    uint64_t batch_tip_wei;         /* its priority fee */
    bool proof;                     /* zk: a proof tx must follow the batch */
    sim_lat_dist proof_delay;       /* batch included -> proof posted */
    uint64_t proof_gas;             /* L1 gas of one proof tx */
    /* reorgs at the latest level */
    double reorg_probability;       /* per block, [0, 1) */
    uint32_t reorg_depth_min, reorg_depth_max; /* 1 <= min <= max */
    mdl_xblock_policy xblocks;
    uint64_t attest_interval;       /* blocks: an empty XBlock at every multiple; 0 none */
    /* portal (source side) */
    uint64_t xmsg_min_gas_limit, xmsg_max_gas_limit;
    uint32_t xmsg_max_data_bytes;   /* <= XR_MAX_DATA_BYTES */
    uint64_t fee_base_gas_limit;    /* FeeOracleV1.baseGasLimit */
    uint64_t fee_protocol_wei;      /* FeeOracleV1.protocolFee */
    /* L1 data fee of transactions on this rollup (from the simulated L1's
    ** base fee and blob base fee at inclusion) */
    mdl_l1_data_fee l1_data_fee;
    uint64_t l1_base_fee_scalar;       /* OP: GasPriceOracle.baseFeeScalar (x 1e6) */
    uint64_t l1_blob_base_fee_scalar;  /* OP: GasPriceOracle.blobBaseFeeScalar (x 1e6) */
    uint64_t oracle_interval_ns;    /* > 0 */
    double oracle_markup;           /* [0, 10]: 0.2 quotes 120 % of the price */
} mdl_rollup_config;

/* The preset's figures (every field but name and chain_id, which are left
** as they are); see rollup_presets.c for the source of each figure. */
void mdl_rollup_preset_apply(mdl_rollup_config *c, mdl_rollup_preset p);
/* "op", "arbitrum", "zk"; NULL-terminated list for enum parsing. */
extern const char *const mdl_rollup_preset_names[];

/* NULL if usable, else a static reason. */
const char *mdl_rollup_config_check(const mdl_rollup_config *c);

#endif
