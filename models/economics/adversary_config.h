/*
** The adversary's configuration (the scenario's `adversary:` section):
** coalitions, each with its attack, route and economics; loading one adds
** its verifiers.byzantine entry (adversary_config.c).  The adversary that
** runs on it is adversary.h.
*/
#ifndef MDL_ADVERSARY_CONFIG_H
#define MDL_ADVERSARY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chain/chains_config.h"
#include "net.h"
#include "verifiers/verifier_config.h"
#include "ytree.h"

#define MDL_COALITION_NAME_MAX 48u

typedef enum mdl_attack_kind {
    MDL_ATTACK_NONE = 0,
    MDL_ATTACK_FORGE = 1,
    MDL_ATTACK_CENSOR = 2,
    MDL_ATTACK_STALE_FORGE = 3
} mdl_attack_kind;

typedef struct mdl_coalition_cfg {
    char name[MDL_COALITION_NAME_MAX];
    mdl_attack_kind attack;
    uint64_t at_ns, until_ns;        /* censor: [at, until); forge: from at */
    uint64_t from_chain, to_chain;   /* route; censor of a whole chain: to_chain 0 */
    int level;                       /* forge: MDL_LEVEL_* */
    uint64_t value_gwei;             /* forge: per forged message */
    uint32_t xblocks;                /* forge: XBlocks to forge */
    uint64_t valset_id;              /* stale_forge: the set whose members sign */
    bool withdraw;
    bool withdraw_after;             /* relative to the first action */
    uint64_t withdraw_ns;            /* absolute time, or delay after acting */
    uint64_t bribes_gwei, payment_gwei;
    size_t byz_entry;                /* the verifiers.byzantine entry made for it */
    sim_net_mark mark;
} mdl_coalition_cfg;

typedef struct mdl_adversary_config {
    uint64_t delay_bound_ns;         /* 60 s: fast (latest) messages */
    uint64_t finalized_delay_bound_ns; /* 1 h: finalized messages */
    uint64_t stall_bound_ns;         /* 10 s: an attestation stream's stall */
    mdl_coalition_cfg *items;
    size_t count;
} mdl_adversary_config;

/* Reads `adversary:` (NULL: no coalitions).  Rollup names in routes are
** resolved against `rollups`; each coalition's attack becomes one more
** `verifiers.byzantine` entry appended to `vc` (forge or censor, with the
** coalition's target).  Errors at their place in d.  Free with
** mdl_adversary_config_free (always safe). */
bool mdl_adversary_config_load(const sim_ynode *section, const mdl_rollups_config *rollups,
                               mdl_verifier_config *vc, mdl_adversary_config *out, sim_diag *d);
void mdl_adversary_config_free(mdl_adversary_config *c);

#endif
