/*
** The verification approach's configuration (the scenario's
** `verification:` section): which approach, and every approach's
** parameters.  The approaches that run on it are approach.h.
*/
#ifndef MDL_APPROACH_CONFIG_H
#define MDL_APPROACH_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "chain/rollup_config.h"
#include "ytree.h"

typedef enum mdl_approach_kind {
    MDL_APPROACH_RESTAKED = 0,
    MDL_APPROACH_NATIVE = 1,
    MDL_APPROACH_LOCAL = 2,
    MDL_APPROACH_OPTIMISTIC = 3,
    MDL_APPROACH_EXTERNAL = 4,
    MDL_APPROACH_EXTERNAL_NATIVE_STAKE = 5,
    MDL_APPROACH_COUNT
} mdl_approach_kind;

typedef struct mdl_native_params {
    uint64_t challenge_ns[MDL_PRESET_COUNT]; /* optimistic presets; zk: unused (proofs) */
    uint64_t l1_to_l2_ns[MDL_PRESET_COUNT];  /* by destination preset */
    uint64_t storage_proof_gas;              /* destination gas per message */
    uint32_t storage_proof_bytes;            /* its calldata (priced by the L1 data fee) */
    uint64_t l1_staked_gwei;                 /* ETH staked on the L1 */
    uint32_t l1_attack_ppm;                  /* share of it a finality attack burns */
} mdl_native_params;

typedef struct mdl_local_params {
    uint64_t lock_gas, claim_gas;            /* per HTLC transaction, each chain */
} mdl_local_params;

typedef struct mdl_optimistic_params {
    uint64_t window_ns;                      /* challenge window */
    uint32_t watchers;
    uint32_t liveness_ppm;                   /* each watcher is live with this chance */
    uint64_t watcher_delay_ns;               /* a live watcher's dispute lands this late */
    uint64_t post_delay_ns;                  /* level reached -> root posted at the destination */
    uint64_t post_gas, verify_gas;           /* root post (per XBlock), proof check (per message) */
    uint64_t bond_gwei;                      /* the attester's, lost to a dispute */
    uint64_t watcher_bribe_gwei;             /* silencing one watcher */
} mdl_optimistic_params;

typedef struct mdl_native_stake_params {
    uint32_t price_drop_ppm;                 /* the token's fall once an attack is public */
} mdl_native_stake_params;

typedef struct mdl_verification_config {
    mdl_approach_kind approach;
    uint64_t member_bribe_gwei;              /* committee approaches */
    mdl_native_params native;
    mdl_local_params local;
    mdl_optimistic_params optimistic;
    mdl_native_stake_params native_stake;
} mdl_verification_config;

/* Defaults of every approach's parameters (each file's). */
void mdl_verification_config_default(mdl_verification_config *c);
/* Reads `verification:` (NULL: the defaults, approach restaked).  Errors at
** their place in d; false on any. */
bool mdl_verification_config_load(const sim_ynode *section, mdl_verification_config *out, sim_diag *d);

#endif
