/*
** native: the destination acts on the source rollup's state only once that
** state is settled on L1, learns it through an L1->L2 message, and checks the
** message against it with a storage proof.
**
**   optimistic source (op, arbitrum): settled = the L1 inclusion of the batch
**       holding the message's block + the rollup's challenge period (the
**       challenge window opens when the state is posted; the batch's
**       inclusion is when the model has it there);
**   zk source: settled = the batch final on L1 after its validity proof
**       (the rollup model's proof cadence, `proof_delay`, then L1 finality);
**   then verified = executed = settled + the destination's L1->L2 delay.
** The requested level (latest/finalized) does not matter: there is one.
** Times may lie beyond the run's end (7 days): computed from the simulated
** batch inclusion; a block whose batch never reached L1 in the run has none.
**
** Cost per message: the storage-proof check plus the message's execution
** gas at the destination's mean base fee, plus -- on a rollup destination --
** the L1 data fee of that transaction's calldata (proof and message).  The L1 side (batches, proofs) is
** what the rollups pay anyway, under every approach.
** Corruption: forging a message means forging L1-settled state -- a safety
** attack on Ethereum's finality, which burns at least a third of the staked
** ETH.  No root exists to forge, so this run's forgery executes nothing.
*/
#include "approaches/approach.h"

#include <string.h>

#include "units.h"

#define MIN (60ull * SIM_NS_PER_S)
#define DAY (86400ull * SIM_NS_PER_S)

void mdl_native_defaults(mdl_native_params *p) {
    memset(p, 0, sizeof *p);
    /* OP Stack: 7 days between a withdrawal's proof and its finalization
    ** (OptimismPortal's proof maturity delay, 604800 s on OP Mainnet; OP
    ** docs, "Transaction finality": the Standard Bridge's 7-day delay). */
    p->challenge_ns[MDL_PRESET_OP] = 7 * DAY;
    /* Arbitrum One: confirmPeriodBlocks = 45818 L1 blocks of 12 s (~6.4
    ** days; Arbitrum docs, "challenge period ... about a week"). */
    p->challenge_ns[MDL_PRESET_ARBITRUM] = 45818ull * 12 * SIM_NS_PER_S;
    /* L1 -> L2 message delays as bridges measure them (Hop docs, FAQ "How
    ** long does a Hop transfer take?": Ethereum -> Optimism ~10 min,
    ** Ethereum -> Arbitrum ~16 min); zk: 15 min, an xrsim assumption
    ** between those (zkSync's priority queue takes minutes). */
    p->l1_to_l2_ns[MDL_PRESET_OP] = 10 * MIN;
    p->l1_to_l2_ns[MDL_PRESET_ARBITRUM] = 16 * MIN;
    p->l1_to_l2_ns[MDL_PRESET_ZK] = 15 * MIN;
    /* "Current verifier implementations consume approximately 200k gas"
    ** (defi.sucks, "The current state of storage proofs", 2023). */
    p->storage_proof_gas = 200000;
    /* An EIP-1186 account proof plus one storage proof: about 8 branch
    ** nodes of up to 532 bytes (17 x 33-byte RLP items) in a state trie of
    ** ~10^8 accounts, and about 3 in the contract's storage trie -- some
    ** 6,000 bytes of calldata (an xrsim estimate from the tries' shape). */
    p->storage_proof_bytes = 6000;
    /* ~34 million ETH staked on the beacon chain (beaconcha.in, 2025). */
    p->l1_staked_gwei = 34000000ull * SIM_GWEI_PER_ETH;
    /* Finalizing two conflicting checkpoints makes at least 1/3 of the
    ** stake slashable (Casper FFG's accountable safety; Buterin & Griffith,
    ** "Casper the Friendly Finality Gadget", 2017). */
    p->l1_attack_ppm = 333333;
}

static void message(const mdl_verification_config *c, const mdl_appr_msg *m, mdl_appr_outcome *out) {
    const mdl_native_params *p = &c->native;
    memset(out, 0, sizeof *out);
    out->supported = true;
    uint64_t settled = MDL_APPROACH_NEVER;
    if (m->source_preset == MDL_PRESET_ZK) {
        settled = m->batch_settled_ns;
    } else if (m->batch_included_ns != MDL_APPROACH_NEVER) {
        settled = mdl_appr_sat_add(m->batch_included_ns, p->challenge_ns[m->source_preset]);
    }
    out->settled_ns = settled;
    out->verified_ns =
        settled == MDL_APPROACH_NEVER ? MDL_APPROACH_NEVER : mdl_appr_sat_add(settled, p->l1_to_l2_ns[m->dest_preset]);
    out->executed_ns = out->verified_ns;
    if (out->executed_ns == MDL_APPROACH_NEVER) return;
    out->gas_used = p->storage_proof_gas + m->gas_limit;
    out->l1_fee_wei = mdl_appr_l1_fee_wei(&m->dest_l1, (uint64_t)p->storage_proof_bytes + m->size_bytes);
    out->cost_wei = mdl_appr_sat_add(mdl_appr_gas_cost_wei(out->gas_used, m->dest_gas_price_wei), out->l1_fee_wei);
}

static void security(const mdl_verification_config *c, const mdl_appr_run *r, mdl_appr_security *out) {
    (void)r;
    memset(out, 0, sizeof *out);
    out->corruptible = true;
    out->cost_of_corruption_gwei = mdl_appr_ppm_of(c->native.l1_staked_gwei, c->native.l1_attack_ppm);
    out->window_ns = 0;        /* nothing executes before L1 settles it */
    out->extractable_gwei = 0; /* a forged message has no settled state to prove against */
    out->profit_gwei = mdl_appr_profit_gwei(0, out->cost_of_corruption_gwei);
}

const mdl_approach_ops mdl_approach_native = {
    .name = "native", .committee = false, .slashing = true, .message = message, .security = security};
