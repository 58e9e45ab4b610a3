/*
** local: the two counterparties verify each other -- a hash time-locked
** exchange.  The sender's message is its lock on the source; the
** counterparty (a market maker) waits until that lock reached the level the
** message asks for, locks the same value on the destination, the sender
** claims it there (revealing the secret) and the counterparty claims the
** source lock.  Only value moves: a message carrying a call has nobody to
** verify it for the destination and is recorded as unsupported.
**
**   settled  = the lock reached its level (the simulated XBlock level)
**   verified = + one destination block (the counterparty's lock included)
**   executed = + one more (the claim)
** Cost: lock + claim on each chain, at each chain's mean base fee, plus the
** L1 data fee of those four transactions on rollups.
** Corruption: nobody but the counterparty could cheat, and only itself --
** there is no third party to corrupt and nothing a forger can extract.
*/
#include "approaches/approach.h"

#include <string.h>

void mdl_local_defaults(mdl_local_params *p) {
    /* An HTLC lock writes the hashlock, timelock, parties and amount (four
    ** fresh storage slots at 22100 gas each, EIP-2929/2200) plus a token
    ** transfer: ~100k gas; a claim checks the preimage, clears the entry
    ** and transfers: ~60k.  xrsim model of the usual HTLC contracts, an
    ** order of magnitude. */
    p->lock_gas = 100000;
    p->claim_gas = 60000;
}

static void message(const mdl_verification_config *c, const mdl_appr_msg *m, mdl_appr_outcome *out) {
    memset(out, 0, sizeof *out);
    out->settled_ns = out->verified_ns = out->executed_ns = MDL_APPROACH_NEVER;
    out->supported = !m->has_call;
    if (!out->supported) return;
    out->settled_ns = m->source_level_ns;
    if (m->source_level_ns == MDL_APPROACH_NEVER) return;
    out->verified_ns = mdl_appr_sat_add(m->source_level_ns, m->dest_block_interval_ns);
    out->executed_ns = mdl_appr_sat_add(out->verified_ns, m->dest_block_interval_ns);
    uint64_t gas = c->local.lock_gas + c->local.claim_gas;
    out->cost_wei = mdl_appr_sat_add(mdl_appr_gas_cost_wei(gas, m->source_gas_price_wei),
                                     mdl_appr_gas_cost_wei(gas, m->dest_gas_price_wei));
    /* calldata: a lock is a selector and four ABI words (hashlock,
    ** recipient, amount, timelock), a claim a selector and two (id,
    ** preimage) -- the shape of the usual HTLC contracts */
    const uint64_t lock_bytes = 4u + 4u * 32u, claim_bytes = 4u + 2u * 32u;
    uint64_t l1 = mdl_appr_sat_add(mdl_appr_sat_add(mdl_appr_l1_fee_wei(&m->source_l1, lock_bytes),
                                                    mdl_appr_l1_fee_wei(&m->source_l1, claim_bytes)),
                                   mdl_appr_sat_add(mdl_appr_l1_fee_wei(&m->dest_l1, lock_bytes),
                                                    mdl_appr_l1_fee_wei(&m->dest_l1, claim_bytes)));
    out->gas_used = 2 * gas;
    out->l1_fee_wei = l1;
    out->cost_wei = mdl_appr_sat_add(out->cost_wei, l1);
}

static void security(const mdl_verification_config *c, const mdl_appr_run *r, mdl_appr_security *out) {
    (void)c;
    (void)r;
    memset(out, 0, sizeof *out);
    out->corruptible = false;
}

const mdl_approach_ops mdl_approach_local = {
    .name = "local", .committee = false, .slashing = true, .message = message, .security = security};
