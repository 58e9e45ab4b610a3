/*
** Protocol profiles (see profile.h): the table and how a profile is applied
** to a loaded scenario.
*/
#include "world/profile.h"

#include <stddef.h>
#include <string.h>

#include "world/scenario.h"
#include "units.h"

#define DAY_NS (UINT64_C(86400) * SIM_NS_PER_S)

static const mdl_profile profiles[] = {
    /* EigenLayer: MIN_WITHDRAWAL_DELAY_BLOCKS 100,800 (~14 d) */
    {"restaked", "ETH restaked through an EigenLayer contract", true, 0, 14 * DAY_NS},
    /* Omni mainnet: netconf MaxValidators 30, staking unbonding 21 d, slash fractions 0 */
    {"omni-mainnet", "native OMNI staking", false, 30, 21 * DAY_NS},
};
enum { PROFILE_COUNT = sizeof profiles / sizeof profiles[0] };

const mdl_profile *mdl_profile_default(void) { return &profiles[0]; }

const mdl_profile *mdl_profile_find(const char *name) {
    for (size_t i = 0; i < PROFILE_COUNT; i++) {
        if (strcmp(profiles[i].name, name) == 0) return &profiles[i];
    }
    return NULL;
}

const mdl_profile *mdl_profile_load_apply(const sim_ynode *root, mdl_scenario *s, sim_diag *d) {
    static const char *const keys[] = {"profile", NULL};
    static const char *const names[] = {"restaked", "omni-mainnet", NULL};
    const sim_ynode *sec = sim_ymap_get(root, "protocol");
    const mdl_profile *p = mdl_profile_default();
    if (sec && sec->kind != SIM_Y_NULL && sim_ymap_check(sec, "protocol", keys, d)) {
        int k = 0;
        if (sim_yfield_enum(sec, "profile", false, 0, names, &k, d)) p = &profiles[k];
    }
    const sim_ynode *rs = sim_ymap_get(root, "restaking");
    if (!sim_ymap_get(rs, "withdrawal_delay")) s->xchain.restaking.withdrawal_delay_ns = p->unbonding_ns;
    s->xchain.restaking.slashing = p->slashing;
    if (!p->slashing) {
        static const char *const slash_keys[] = {"slash_fraction", "veto_window", "veto_probability",
                                                 "eject_on_slash", "freeze_on_request", NULL};
        for (size_t i = 0; slash_keys[i]; i++) {
            const sim_ynode *n = sim_ymap_get(rs, slash_keys[i]);
            if (n) {
                /* the same attack scenario runs under both profiles */
                sim_diag_warning(d, n,
                                 "protocol.profile %s has no slashing (Omni mainnet V1: slash fractions 0, no "
                                 "slashing path in the AVS contract): restaking.%s is ignored",
                                 p->name, slash_keys[i]);
            }
        }
    }
    if (p->max_validators && s->verifiers.count > p->max_validators) {
        const sim_ynode *v = sim_ymap_get(root, "verifiers");
        const sim_ynode *c = sim_ymap_get(v, "count");
        sim_diag_error(d, c ? c : v, "protocol.profile %s runs at most %u validators, not %u", p->name,
                       p->max_validators, s->verifiers.count);
    }
    return p;
}
