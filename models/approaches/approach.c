/*
** The registry of verification approaches, the `verification:` section and
** the arithmetic every approach shares (see approach.h).
*/
#include "approaches/approach.h"

__extension__ typedef unsigned __int128 u128;
__extension__ typedef __int128 i128;

#include <assert.h>
#include <math.h>
#include <string.h>

#include "xr_types.h"
#include "units.h"


const char *const mdl_approach_names[] = {"restaked", "native", "local", "optimistic", "external",
                                          "external_native_stake", NULL};

/* The one table: adding an approach is a file and a line here. */
static const mdl_approach_ops *const registry[MDL_APPROACH_COUNT] = {
    [MDL_APPROACH_RESTAKED] = &mdl_approach_restaked,
    [MDL_APPROACH_NATIVE] = &mdl_approach_native,
    [MDL_APPROACH_LOCAL] = &mdl_approach_local,
    [MDL_APPROACH_OPTIMISTIC] = &mdl_approach_optimistic,
    [MDL_APPROACH_EXTERNAL] = &mdl_approach_external,
    [MDL_APPROACH_EXTERNAL_NATIVE_STAKE] = &mdl_approach_external_native_stake,
};

const mdl_approach_ops *mdl_approach_get(mdl_approach_kind k) {
    assert(k < MDL_APPROACH_COUNT && registry[k] != NULL);
    assert(strcmp(registry[k]->name, mdl_approach_names[k]) == 0);
    return registry[k];
}

void mdl_verification_config_default(mdl_verification_config *c) {
    memset(c, 0, sizeof *c);
    c->approach = MDL_APPROACH_RESTAKED;
    /* Bribing one committee member: 1 ETH.  An xrsim assumption, not a
    ** measurement -- what a signer's key costs is not public; the cost of
    ** corrupting `external` is k times this, so set it to what you believe. */
    c->member_bribe_gwei = 1 * SIM_GWEI_PER_ETH;
    mdl_native_defaults(&c->native);
    mdl_local_defaults(&c->local);
    mdl_optimistic_defaults(&c->optimistic);
    mdl_native_stake_defaults(&c->native_stake);
}

static const char *const top_keys[] = {"approach", "member_bribe", "native", "local", "optimistic",
                                       "external_native_stake", NULL};
static const char *const native_keys[] = {"challenge_period", "l1_to_l2_delay", "storage_proof_gas",
                                          "storage_proof_bytes", "l1_staked", "l1_attack_share", NULL};
static const char *const local_keys[] = {"lock_gas", "claim_gas", NULL};
static const char *const optimistic_keys[] = {"window", "watchers", "liveness", "watcher_delay",
                                              "post_delay", "post_gas", "verify_gas", "bond",
                                              "watcher_bribe", NULL};
static const char *const stake_keys[] = {"price_drop", NULL};

#define YEAR_NS (365ull * 24 * 3600 * SIM_NS_PER_S)
#define MAX_GWEI (1000000000ull * SIM_GWEI_PER_ETH) /* 1e9 ETH */

static uint32_t ppm_of_fraction(double f) { return (uint32_t)llround(f * 1e6); }

static bool load_presets(const sim_ynode *map, const char *key, bool zk_ok, uint64_t *by_preset,
                         sim_diag *d) {
    const sim_ynode *n = sim_ymap_get(map, key);
    if (!n) return true;
    static const char *const with_zk[] = {"op", "arbitrum", "zk", NULL};
    static const char *const without_zk[] = {"op", "arbitrum", NULL};
    if (!sim_ymap_check(n, key, zk_ok ? with_zk : without_zk, d)) return false;
    bool ok = true;
    for (int p = 0; p < MDL_PRESET_COUNT; p++) {
        if (!zk_ok && p == MDL_PRESET_ZK) continue;
        ok &= sim_yfield_duration_ns(n, mdl_rollup_preset_names[p], false, by_preset[p], 0, YEAR_NS,
                                     &by_preset[p], d);
    }
    return ok;
}

bool mdl_verification_config_load(const sim_ynode *section, mdl_verification_config *out, sim_diag *d) {
    mdl_verification_config_default(out);
    if (section == NULL || section->kind == SIM_Y_NULL) return true;
    size_t before = sim_diag_errors(d);
    sim_ymap_check(section, "verification", top_keys, d); /* unknown keys: reported, reading goes on */
    if (section->kind != SIM_Y_MAP) return false;
    int a = MDL_APPROACH_RESTAKED;
    if (sim_yfield_enum(section, "approach", false, MDL_APPROACH_RESTAKED, mdl_approach_names, &a, d)) {
        out->approach = (mdl_approach_kind)a;
    }
    sim_yfield_gwei(section, "member_bribe", false, out->member_bribe_gwei, 0, MAX_GWEI,
                    &out->member_bribe_gwei, d);

    const sim_ynode *n = sim_ymap_get(section, "native");
    if (n && sim_ymap_check(n, "verification.native", native_keys, d)) {
        mdl_native_params *p = &out->native;
        load_presets(n, "challenge_period", false, p->challenge_ns, d);
        load_presets(n, "l1_to_l2_delay", true, p->l1_to_l2_ns, d);
        sim_yfield_u64(n, "storage_proof_gas", false, p->storage_proof_gas, 0, 100000000,
                       &p->storage_proof_gas, d);
        uint64_t pb = p->storage_proof_bytes;
        if (sim_yfield_u64(n, "storage_proof_bytes", false, pb, 0, 1000000, &pb, d))
            p->storage_proof_bytes = (uint32_t)pb;
        sim_yfield_gwei(n, "l1_staked", false, p->l1_staked_gwei, 0, MAX_GWEI, &p->l1_staked_gwei, d);
        double f = p->l1_attack_ppm / 1e6;
        if (sim_yfield_fraction(n, "l1_attack_share", false, f, 0.0, 1.0, &f, d)) p->l1_attack_ppm = ppm_of_fraction(f);
    }
    n = sim_ymap_get(section, "local");
    if (n && sim_ymap_check(n, "verification.local", local_keys, d)) {
        sim_yfield_u64(n, "lock_gas", false, out->local.lock_gas, 0, 100000000, &out->local.lock_gas, d);
        sim_yfield_u64(n, "claim_gas", false, out->local.claim_gas, 0, 100000000, &out->local.claim_gas, d);
    }
    n = sim_ymap_get(section, "optimistic");
    if (n && sim_ymap_check(n, "verification.optimistic", optimistic_keys, d)) {
        mdl_optimistic_params *p = &out->optimistic;
        sim_yfield_duration_ns(n, "window", false, p->window_ns, 0, YEAR_NS, &p->window_ns, d);
        uint64_t w = p->watchers;
        if (sim_yfield_u64(n, "watchers", false, w, 0, 1000, &w, d)) p->watchers = (uint32_t)w;
        double f = p->liveness_ppm / 1e6;
        if (sim_yfield_fraction(n, "liveness", false, f, 0.0, 1.0, &f, d)) p->liveness_ppm = ppm_of_fraction(f);
        sim_yfield_duration_ns(n, "watcher_delay", false, p->watcher_delay_ns, 0, YEAR_NS, &p->watcher_delay_ns, d);
        sim_yfield_duration_ns(n, "post_delay", false, p->post_delay_ns, 0, YEAR_NS, &p->post_delay_ns, d);
        sim_yfield_u64(n, "post_gas", false, p->post_gas, 0, 100000000, &p->post_gas, d);
        sim_yfield_u64(n, "verify_gas", false, p->verify_gas, 0, 100000000, &p->verify_gas, d);
        sim_yfield_gwei(n, "bond", false, p->bond_gwei, 0, MAX_GWEI, &p->bond_gwei, d);
        sim_yfield_gwei(n, "watcher_bribe", false, p->watcher_bribe_gwei, 0, MAX_GWEI, &p->watcher_bribe_gwei, d);
    }
    n = sim_ymap_get(section, "external_native_stake");
    if (n && sim_ymap_check(n, "verification.external_native_stake", stake_keys, d)) {
        double f = out->native_stake.price_drop_ppm / 1e6;
        if (sim_yfield_fraction(n, "price_drop", false, f, 0.0, 1.0, &f, d)) {
            out->native_stake.price_drop_ppm = ppm_of_fraction(f);
        }
    }
    return sim_diag_errors(d) == before;
}

/* ---- shared arithmetic ---------------------------------------------------- */

uint64_t mdl_appr_sat_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

uint64_t mdl_appr_ppm_of(uint64_t gwei, uint32_t ppm) {
    assert(ppm <= 1000000u);
    return (uint64_t)((u128)gwei * ppm / 1000000u);
}

uint64_t mdl_appr_gas_cost_wei(uint64_t gas, uint64_t price_wei) {
    u128 w = (u128)gas * price_wei;
    return w > UINT64_MAX ? UINT64_MAX : (uint64_t)w;
}

uint64_t mdl_appr_l1_fee_wei(const mdl_appr_l1_rate *r, uint64_t bytes) {
    u128 w = (u128)r->per_kib_wei * bytes / 1024u + r->fixed_wei;
    return w > UINT64_MAX ? UINT64_MAX : (uint64_t)w;
}

uint64_t mdl_appr_extractable_gwei(double rate_gwei_per_s, uint64_t window_ns) {
    if (!(rate_gwei_per_s > 0) || window_ns == 0) return 0;
    double v = rate_gwei_per_s * ((double)window_ns / SIM_NS_PER_S_F);
    return v >= 1.8e19 ? UINT64_MAX : (uint64_t)v;
}

int64_t mdl_appr_profit_gwei(uint64_t extractable_gwei, uint64_t cost_gwei) {
    i128 p = (i128)extractable_gwei - (i128)cost_gwei;
    if (p > INT64_MAX) return INT64_MAX;
    if (p < INT64_MIN) return INT64_MIN;
    return (int64_t)p;
}

/* The committee approaches' message rule: the world's own path -- executed
** when the portal executed it, at the fee its submission paid. */
void mdl_appr_committee_message(const mdl_appr_msg *m, mdl_appr_outcome *out) {
    memset(out, 0, sizeof *out);
    out->supported = true;
    out->settled_ns = MDL_APPROACH_NEVER;
    out->verified_ns = m->executed_ns;
    out->executed_ns = m->executed_ns;
    if (m->executed_ns == MDL_APPROACH_NEVER) return;
    out->cost_wei = mdl_appr_sat_add(m->committee_fee_wei, m->committee_l1_fee_wei);
    out->gas_used = m->committee_gas_used;
    out->l1_fee_wei = m->committee_l1_fee_wei;
}
