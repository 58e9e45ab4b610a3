/*
** Protocol profiles: one scenario key that sets coherent defaults for the
** protocol as a whole, so a run says which protocol it measured.
**
**   protocol:
**     profile: restaked          # or omni-mainnet
**
**   restaked      the design the seed argues for: verifier power from ETH
**                 restaked through an EigenLayer contract, with slashing
**                 (restaking.* as documented; 14-day withdrawal delay).
**   omni-mainnet  Omni as deployed (PROTOCOL.md "Audit, 2026-12"): power
**                 from native OMNI staking, at most 30 validators
**                 (lib/netconf: MaxValidators of mainnet), a three-week
**                 unbonding (Cosmos SDK staking DefaultUnbondingTime, which
**                 halo/genutil keeps), and no slashing: double-sign and
**                 downtime slash fractions 0 ("mainnet V1 has trusted
**                 operators"), a duplicate attestation only logged, no
**                 slashing path in the AVS contract.  Offences are still
**                 detected and recorded up to provable (outcome `pending`,
**                 reason 'no slashing': logged, never sent to L1),
**                 so the cost of corruption is the bribes alone.  Downtime
**                 jailing is not modelled (no verifier here is offline for
**                 long enough to matter to an attack's economics).
**
** A profile fills what the scenario leaves out (restaking.withdrawal_delay),
** ignores with a warning the slashing keys under omni-mainnet (so one attack
** scenario runs under both), and refuses more verifiers than it allows, at
** the key's file:line:column.  Each profile is one
** row of the table in profile.c.
*/
#ifndef MDL_PROFILE_H
#define MDL_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "ytree.h"

typedef struct mdl_profile {
    const char *name;
    const char *power_source;     /* where verifier power comes from */
    bool slashing;                /* offences slash stake */
    uint32_t max_validators;      /* 0: no limit */
    uint64_t unbonding_ns;        /* default withdrawal delay */
} mdl_profile;

/* The default profile (restaked). */
const mdl_profile *mdl_profile_default(void);
/* By name, or NULL. */
const mdl_profile *mdl_profile_find(const char *name);

/* Applying a profile to a scenario is the scenario's side: see
** mdl_profile_load_apply in world/scenario.h (defined in profile.c). */

#endif
