/*
** restaked: today's path, unchanged -- the verifier set whose stake is ETH
** restaked on L1 signs roots in its consensus; more than the quorum of power
** approves a root; offences are slashed on L1 (models/economics/restaking.h).
**
** Message: the world's own stages and the fee its submission paid.
** Corruption: the cheapest coalition above the quorum puts its stake at risk
** (x restaking.slash_fraction) and each member is bribed
** (verification.member_bribe):
**     cost = quorum stake x slash fraction + k x member_bribe
** A forged root executes until it is provable on L1 -- its source block final
** there (measured in the run: block -> batch final) -- so an attack extracts
** the value the workload moves in that window.
*/
#include "approaches/approach.h"

#include <string.h>

static void security(const mdl_verification_config *c, const mdl_appr_run *r, mdl_appr_security *out) {
    memset(out, 0, sizeof *out);
    out->corruptible = true;
    uint64_t stake = mdl_appr_ppm_of(r->quorum_stake_gwei, r->slash_ppm);
    uint64_t bribes = (uint64_t)r->committee_needed * c->member_bribe_gwei;
    out->cost_of_corruption_gwei = mdl_appr_sat_add(stake, bribes);
    out->window_ns = r->provable_ns;
    out->extractable_gwei = mdl_appr_extractable_gwei(r->value_rate_gwei_per_s, out->window_ns);
    out->profit_gwei = mdl_appr_profit_gwei(out->extractable_gwei, out->cost_of_corruption_gwei);
    out->forged_executed_gwei = r->committee_forged_gwei;
    out->slashed_value_gwei = r->committee_slashed_gwei; /* ETH: slashing takes ETH at its price */
}

static void message(const mdl_verification_config *c, const mdl_appr_msg *m, mdl_appr_outcome *out) {
    (void)c;
    mdl_appr_committee_message(m, out);
}

const mdl_approach_ops mdl_approach_restaked = {
    .name = "restaked", .committee = true, .slashing = true, .message = message, .security = security};
