/*
** external_native_stake: the same verifier set and consensus as restaked,
** with slashing, but the stake is a native token whose price falls by
** `price_drop` once an attack is public.  Slashing happens after the attack
** is public, so it takes tokens worth (1 - price_drop) of what they were:
**     slashed value = slashed stake x (1 - price_drop)
**     cost = quorum stake x slash fraction x (1 - price_drop) + k x member_bribe
** Default price_drop 50%: an xrsim assumption (set it from the token you
** have in mind); the approach's point is that any drop > 0 discounts the
** stake exactly when it is needed.
*/
#include "approaches/approach.h"

#include <string.h>

void mdl_native_stake_defaults(mdl_native_stake_params *p) {
    p->price_drop_ppm = 500000; /* 50 %: xrsim assumption (see above) */
}

static void security(const mdl_verification_config *c, const mdl_appr_run *r, mdl_appr_security *out) {
    memset(out, 0, sizeof *out);
    out->corruptible = true;
    uint32_t kept = 1000000u - c->native_stake.price_drop_ppm;
    uint64_t stake = mdl_appr_ppm_of(mdl_appr_ppm_of(r->quorum_stake_gwei, r->slash_ppm), kept);
    uint64_t bribes = (uint64_t)r->committee_needed * c->member_bribe_gwei;
    out->cost_of_corruption_gwei = mdl_appr_sat_add(stake, bribes);
    out->window_ns = r->provable_ns;
    out->extractable_gwei = mdl_appr_extractable_gwei(r->value_rate_gwei_per_s, out->window_ns);
    out->profit_gwei = mdl_appr_profit_gwei(out->extractable_gwei, out->cost_of_corruption_gwei);
    out->forged_executed_gwei = r->committee_forged_gwei;
    out->slashed_value_gwei = mdl_appr_ppm_of(r->committee_slashed_gwei, kept);
}

static void message(const mdl_verification_config *c, const mdl_appr_msg *m, mdl_appr_outcome *out) {
    (void)c;
    mdl_appr_committee_message(m, out);
}

const mdl_approach_ops mdl_approach_external_native_stake = {.name = "external_native_stake",
                                                             .committee = true,
                                                             .slashing = true,
                                                             .message = message,
                                                             .security = security};
