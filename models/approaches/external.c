/*
** external: a k-of-n committee signs roots and nobody can be slashed -- a
** multisig, as many bridges run.  The committee is the world's verifier set
** and consensus (k = the fewest members above the quorum), so messages take
** the world's path; the restaking contract keeps the stake but never
** slashes (offences are recorded, never submitted: models/economics/
** restaking.h, `slashing`).
**
** Corruption: bribing k members, cost = k x verification.member_bribe.
** Window: like restaked, until the forgery is provable on L1 -- though here
** proving it takes nothing from anyone.
*/
#include "approaches/approach.h"

#include <string.h>

static void security(const mdl_verification_config *c, const mdl_appr_run *r, mdl_appr_security *out) {
    memset(out, 0, sizeof *out);
    out->corruptible = true;
    out->cost_of_corruption_gwei = (uint64_t)r->committee_needed * c->member_bribe_gwei;
    out->window_ns = r->provable_ns;
    out->extractable_gwei = mdl_appr_extractable_gwei(r->value_rate_gwei_per_s, out->window_ns);
    out->profit_gwei = mdl_appr_profit_gwei(out->extractable_gwei, out->cost_of_corruption_gwei);
    out->forged_executed_gwei = r->committee_forged_gwei;
    out->slashed_value_gwei = r->committee_slashed_gwei; /* 0: no slashing (tested) */
}

static void message(const mdl_verification_config *c, const mdl_appr_msg *m, mdl_appr_outcome *out) {
    (void)c;
    mdl_appr_committee_message(m, out);
}

const mdl_approach_ops mdl_approach_external = {
    .name = "external", .committee = true, .slashing = false, .message = message, .security = security};
