/*
** Rollup presets: realistic figures for well-known rollup families, each
** overridable field by field from the scenario.  Where each figure comes
** from is said beside it; "PROTOCOL.md" is /work/shared/PROTOCOL.md's
** chain table, "xrsim model" marks a figure of this model (an order of
** magnitude, not a measurement).
**
** What is common to all presets:
**   - EIP-1559 dynamics of the core (+-12.5 %, target half the limit);
**     background demand at the target (congestion 0.5, stddev 0.1,
**     elasticity 1), so the base fee wanders around its start value;
**   - the portal's defaults from xr_portal_config_default (gas limit
**     [21000, 5000000], 10 KiB of data, base gas 100000, no protocol fee:
**     Omni's FeeOracleV1 and OmniPortal defaults of that order);
**   - the fee oracle refreshed every minute with a 20 % markup (xrsim model:
**     Omni's feeder updates when prices move; a markup keeps quotes above
**     the price between updates);
**   - no reorgs (probability 0; depth 1..2 when switched on: "sequencer
**     reorgs of a few blocks", PROTOCOL.md);
**   - batch tx priority fee 1 gwei (xrsim model: a usual wallet tip);
**   - L1 gas of batches counts execution only: blob gas is not modelled;
**   - a destination transaction pays an L1 data fee for its calldata:
**     OP Stack's Ecotone formula with OP Mainnet's scalars, Arbitrum's
**     poster fee, none on zk (see xr_gas.h for the formulas and what each
**     approximates).
*/
#include <assert.h>
#include <string.h>

#include "units.h"

#include "chain/rollup.h"

#define MIN (60ull * SIM_NS_PER_S)

/* An empty XBlock is attested every hour of blocks: Omni sets each portal's
** attestInterval to 1 h / the chain's block period on mainnet
** (omni-network/omni e2e/types, intervalFromPeriod; lib/xchain
** Block.ShouldAttest). */
#define ATTEST_TARGET_S 3600ull

const char *const mdl_rollup_preset_names[] = {"op", "arbitrum", "zk", NULL};

static void common(mdl_rollup_config *c) {
    xr_portal_config pc;
    xr_portal_config_default(&pc, 1, 2);
    c->demand = (mdl_demand_config){0.5, 0.1, 1.0};
    c->batch_tip_wei = 1 * SIM_WEI_PER_GWEI;
    c->proof = false;
    c->proof_delay = sim_lat_constant(0);
    c->proof_gas = 0;
    c->reorg_probability = 0.0;
    c->reorg_depth_min = 1;
    c->reorg_depth_max = 2;
    c->xblocks = MDL_XBLOCKS_NONEMPTY;
    c->attest_interval = 0; /* set per preset below */
    c->xmsg_min_gas_limit = pc.xmsg_min_gas_limit;
    c->xmsg_max_gas_limit = pc.xmsg_max_gas_limit;
    c->xmsg_max_data_bytes = pc.xmsg_max_data_bytes;
    c->fee_base_gas_limit = pc.fee_base_gas_limit;
    c->fee_protocol_wei = pc.fee_protocol_wei;
    c->oracle_interval_ns = 1 * MIN;
    c->l1_data_fee = MDL_L1_DATA_NONE;
    c->l1_base_fee_scalar = 0;
    c->l1_blob_base_fee_scalar = 0;
    c->oracle_markup = 0.2;
}

void mdl_rollup_preset_apply(mdl_rollup_config *c, mdl_rollup_preset p) {
    assert(c != NULL && p < MDL_PRESET_COUNT);
    common(c);
    c->preset = p;
    switch (p) {
    case MDL_PRESET_ARBITRUM:
        /* Arbitrum One: a block every 250 ms (Arbitrum docs, "block
        ** numbers and time"; PROTOCOL.md ~0.25 s); 32M gas per block
        ** (Arbitrum docs, per-block gas limit); minimum L2 base fee
        ** 0.01 gwei (Arbitrum docs, gas and fees: the ArbOS floor on
        ** Arbitrum One); batches every few minutes (PROTOCOL.md), here
        ** uniform 1-5 min; batch tx ~150k L1 gas (xrsim model for
        ** SequencerInbox.addSequencerL2BatchFromBlobs). */
        c->block_time = sim_lat_constant(250000000ull);
        c->gas_limit = 32000000;
        c->base_fee_wei = SIM_WEI_PER_GWEI / 100;
        c->min_base_fee_wei = SIM_WEI_PER_GWEI / 100;
        c->batch_interval = sim_lat_uniform(1 * MIN, 5 * MIN);
        c->batch_gas = 150000;
        c->attest_interval = ATTEST_TARGET_S * 4; /* 1 h of 250 ms blocks */
        /* L1 data: ArbOS's price per calldata unit follows its estimate
        ** of the L1 base fee (ArbGasInfo.getL1BaseFeeEstimate). */
        c->l1_data_fee = MDL_L1_DATA_ARBITRUM;
        break;
    case MDL_PRESET_OP:
        /* OP Stack (OP Mainnet, Base): 2 s blocks (OP Stack specs,
        ** block time; PROTOCOL.md); 30M gas limit (OP Mainnet's system
        ** config; Base has raised its own since); base fee ~0.001 gwei,
        ** no floor but 1 wei (typical OP Mainnet figure, xrsim model);
        ** batches every ~1-5 min (PROTOCOL.md), here uniform; a batch is
        ** a plain tx to the batch inbox: 21000 execution gas (OP Stack
        ** specs, batcher transactions; blob gas not modelled). */
        c->block_time = sim_lat_constant(2 * SIM_NS_PER_S);
        c->gas_limit = 30000000;
        c->base_fee_wei = SIM_WEI_PER_GWEI / 1000;
        c->min_base_fee_wei = 1;
        c->batch_interval = sim_lat_uniform(1 * MIN, 5 * MIN);
        c->batch_gas = 21000;
        c->attest_interval = ATTEST_TARGET_S / 2; /* 1 h of 2 s blocks */
        /* L1 data: OP Mainnet's SystemConfig since Ecotone, baseFeeScalar
        ** 5227 and blobBaseFeeScalar 1014213 (x 1e6; OP docs, "transaction
        ** fees", Ecotone fee parameters). */
        c->l1_data_fee = MDL_L1_DATA_OP_ECOTONE;
        c->l1_base_fee_scalar = 5227;
        c->l1_blob_base_fee_scalar = 1014213;
        break;
    case MDL_PRESET_ZK:
        /* zk rollups (zkSync-, Scroll-, Linea-like): blocks every ~1-3 s
        ** (PROTOCOL.md), here uniform; 80M gas per block (xrsim model of
        ** zkSync Era's large batches); base fee 0.045 gwei with that floor
        ** (zkSync Era's fair L2 gas price, zkSync docs on fees); batches
        ** committed every 1-5 min (xrsim model), then a validity proof
        ** posted a lognormal time later, median 30 min (PROTOCOL.md:
        ** "batch posted and its proof verified on L1, then L1 finality
        ** (tens of minutes to hours)"); commit ~200k and proof ~500k L1
        ** gas (xrsim model, the order of zkSync's commitBatches and
        ** proveBatches and Scroll's finalize calls). */
        c->block_time = sim_lat_uniform(1 * SIM_NS_PER_S, 3 * SIM_NS_PER_S);
        c->gas_limit = 80000000;
        c->base_fee_wei = 45 * SIM_WEI_PER_GWEI / 1000;
        c->min_base_fee_wei = 45 * SIM_WEI_PER_GWEI / 1000;
        c->batch_interval = sim_lat_uniform(1 * MIN, 5 * MIN);
        c->batch_gas = 200000;
        c->proof = true;
        c->proof_delay = sim_lat_lognormal(30 * MIN, 0.5);
        c->proof_gas = 500000;
        c->attest_interval = ATTEST_TARGET_S / 2; /* 1 h of 2 s blocks on average */
        break;
    default:
        assert(!"unknown preset");
    }
}
