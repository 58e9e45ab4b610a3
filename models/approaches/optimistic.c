/*
** optimistic: an attester posts each XBlock's root on the destination with a
** bond; its messages may execute once the challenge window has passed;
** watchers (N, each live in a run with probability `liveness`) dispute a
** forged root with a fraud proof that lands `watcher_delay` after the post.
** A forgery executes only when no live watcher's dispute lands inside the
** window; a disputed attester loses its bond.
**
**   settled  = the XBlock reached its level + post_delay (root posted)
**   verified = executed = settled + window
** Cost per message: the root post shared by the XBlock's messages, a merkle
** proof check and the message's execution gas, at the destination's base fee,
** plus -- on a rollup destination -- the L1 data fee of both transactions'
** calldata (the post's share, the message with its merkle proof).
** Corruption: silencing every watcher, cost = N x watcher_bribe (the bond is
** lost only when someone disputes).  Window: one challenge window of forged
** roots executes before the first forgery is visible.
*/
#include "approaches/approach.h"

__extension__ typedef unsigned __int128 u128;

#include <string.h>

#include "rng.h"
#include "units.h"

#define MIN (60ull * SIM_NS_PER_S)
#define PURPOSE_LIVE 0x4c495645u /* "LIVE" */

void mdl_optimistic_defaults(mdl_optimistic_params *p) {
    memset(p, 0, sizeof *p);
    /* Nomad's optimistic timeout: "the window is configured to be 30 minutes
    ** for all chains" (Nomad docs, "Optimistic Timeout Period"). */
    p->window_ns = 30 * MIN;
    /* Nomad is safe "if there is at least one honest Watcher" (Nomad docs,
    ** "Optimistic Verification"); 3 watchers each live 90 % of runs, a
    ** dispute landing 5 min after the post, the attester posting 1 min after
    ** the level is reached: xrsim assumptions. */
    p->watchers = 3;
    p->liveness_ppm = 900000;
    p->watcher_delay_ns = 5 * MIN;
    p->post_delay_ns = 1 * MIN;
    /* Posting a root (calldata + two storage writes + an event) ~100k gas;
    ** checking a message's merkle proof against it ~30k: xrsim model, the
    ** order of Nomad's Replica.update and .prove. */
    p->post_gas = 100000;
    p->verify_gas = 30000;
    /* The attester's bond 10 ETH, bribing a watcher 1 ETH: xrsim
    ** assumptions (Nomad's bonds were never set on chain). */
    p->bond_gwei = 10 * SIM_GWEI_PER_ETH;
    p->watcher_bribe_gwei = 1 * SIM_GWEI_PER_ETH;
}

bool mdl_optimistic_forgery_executes(const mdl_optimistic_params *p, const bool *live, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) {
        if (live[i] && p->watcher_delay_ns < p->window_ns) return false;
    }
    return true;
}

bool mdl_optimistic_watcher_live(const mdl_optimistic_params *p, uint64_t seed, uint32_t i) {
    if (p->liveness_ppm >= 1000000u) return true;
    uint64_t x = sim_rng_derive(seed, MDL_ENT_APPROACH, i, PURPOSE_LIVE);
    /* live iff x / 2^64 < liveness */
    return (u128)x * 1000000u < ((u128)p->liveness_ppm << 64);
}

static void message(const mdl_verification_config *c, const mdl_appr_msg *m, mdl_appr_outcome *out) {
    const mdl_optimistic_params *p = &c->optimistic;
    memset(out, 0, sizeof *out);
    out->supported = true;
    out->settled_ns = out->verified_ns = out->executed_ns = MDL_APPROACH_NEVER;
    if (m->source_level_ns == MDL_APPROACH_NEVER) return;
    out->settled_ns = mdl_appr_sat_add(m->source_level_ns, p->post_delay_ns);
    out->verified_ns = mdl_appr_sat_add(out->settled_ns, p->window_ns);
    out->executed_ns = out->verified_ns;
    uint64_t per = m->xblock_msgs ? m->xblock_msgs : 1;
    uint64_t gas = p->post_gas / per + p->verify_gas + m->gas_limit;
    /* calldata: a post is a selector, the XBlock header and its root, in
    ** 32-byte ABI words (~160 B); an execution is the message and a merkle
    ** proof of ceil(log2(messages in the XBlock)) 32-byte siblings plus
    ** five words of call framing (xrsim model of Nomad's update / prove) */
    uint64_t depth = 0;
    while ((1ull << depth) < per) depth++;
    uint64_t post_bytes = 4u + 5u * 32u;
    uint64_t exec_bytes = 4u + 5u * 32u + 32u * depth + m->size_bytes;
    uint64_t l1 = mdl_appr_sat_add(mdl_appr_l1_fee_wei(&m->dest_l1, post_bytes) / per,
                                   mdl_appr_l1_fee_wei(&m->dest_l1, exec_bytes));
    out->gas_used = gas;
    out->l1_fee_wei = l1;
    out->cost_wei = mdl_appr_sat_add(mdl_appr_gas_cost_wei(gas, m->dest_gas_price_wei), l1);
}

static void security(const mdl_verification_config *c, const mdl_appr_run *r, mdl_appr_security *out) {
    const mdl_optimistic_params *p = &c->optimistic;
    memset(out, 0, sizeof *out);
    out->corruptible = true;
    out->cost_of_corruption_gwei = (uint64_t)p->watchers * p->watcher_bribe_gwei;
    out->window_ns = p->window_ns;
    out->extractable_gwei = mdl_appr_extractable_gwei(r->value_rate_gwei_per_s, out->window_ns);
    out->profit_gwei = mdl_appr_profit_gwei(out->extractable_gwei, out->cost_of_corruption_gwei);
    bool live[1000];
    uint32_t n = p->watchers < 1000 ? p->watchers : 1000;
    for (uint32_t i = 0; i < n; i++) {
        live[i] = mdl_optimistic_watcher_live(p, r->seed, i);
        out->watchers_live += live[i];
    }
    if (r->forge_attempted) {
        if (mdl_optimistic_forgery_executes(p, live, n)) {
            out->forged_executed_gwei = r->forge_value_gwei;
        } else {
            out->slashed_value_gwei = p->bond_gwei;
        }
    }
}

const mdl_approach_ops mdl_approach_optimistic = {
    .name = "optimistic", .committee = false, .slashing = true, .message = message, .security = security};
