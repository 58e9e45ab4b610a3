/*
** A scenario's `search:` section: the space `xrsim search` explores for the
** most profitable attack of one coalition (cli/cmd_search.c).
**
**   search:
**     coalition: 0                       # which adversary.coalitions entry (default 0)
**     members: {from: 1, to: 10}         # the first N verifiers (or stake_fraction: [...])
**     attack: [forge, stale_forge, censor]
**     route: [{from: arb, to: base}, {from: base, to: arb}]
**     level: [latest, finalized]         # forge only
**     at: {from: 10s, to: 2min, step: 10s}
**     withdraw: [{after: 0s}, {at: 10s}, none]
**     value: [10 ETH, 100 ETH]
**     stale_set: [1, 2]                  # stale_forge only
**     censor_for: [30s, 1min]            # censor only: until = at + censor_for
**     byzantine: [none, [{behaviour: equivocating, verifiers: [9]}]]   # verifiers.byzantine
**     seeds: 2                           # run seeds per candidate: 1..N, or a list
**     random: 50%                        # share of the budget for the random stage
**
** Each dimension is a list of choices or, for numbers, durations and
** amounts, a range {from, to, step} (inclusive).  An absent dimension keeps
** what the coalition (or verifiers.byzantine) says.  Numeric dimensions are
** ordered: the local search moves one step along them; the others are
** choice lists whose order is the order of simplicity the shrinker follows
** (it tries the choices written before the current one).
**
** This module checks the section's shape and values (types, units, ranges,
** unknown keys, rollup names, the coalition index) at file:line:column;
** whether a choice applies to the scenario as a whole is checked by
** `xrsim search`, which loads the scenario with each choice.
*/
#ifndef MDL_SEARCH_CONFIG_H
#define MDL_SEARCH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chain/chains_config.h"
#include "ytree.h"

/* At most this many choices per dimension (a range's values included). */
#define MDL_SEARCH_MAX_CHOICES 10000u
/* At most this many seeds per candidate. */
#define MDL_SEARCH_MAX_SEEDS 100u

typedef enum mdl_search_dim_id {
    MDL_SEARCH_MEMBERS = 0,    /* members or stake_fraction */
    MDL_SEARCH_ATTACK,
    MDL_SEARCH_ROUTE,
    MDL_SEARCH_LEVEL,
    MDL_SEARCH_AT,
    MDL_SEARCH_WITHDRAW,
    MDL_SEARCH_VALUE,
    MDL_SEARCH_STALE_SET,
    MDL_SEARCH_CENSOR_FOR,
    MDL_SEARCH_BYZANTINE,
    MDL_SEARCH_DIM_COUNT
} mdl_search_dim_id;

typedef struct mdl_search_dim {
    bool present;
    bool ordered;              /* numeric: neighbours are one step away */
    char **values;             /* count choices as flow YAML ("30s", "{from: a, to: b}", "none") */
    double *num;               /* ordered: each choice's number (ns, gwei, count, fraction) */
    const sim_ynode **nodes;   /* where each choice was written */
    size_t count;
    const sim_ynode *node;     /* the dimension's key value */
} mdl_search_dim;

typedef struct mdl_search_config {
    bool present;              /* the scenario has a search section */
    const sim_ynode *node;
    uint32_t coalition;        /* index into adversary.coalitions */
    bool members_by_fraction;  /* MDL_SEARCH_MEMBERS holds stake_fraction values */
    mdl_search_dim dims[MDL_SEARCH_DIM_COUNT];
    uint64_t *seeds;           /* seed_count run seeds per candidate */
    size_t seed_count;
    double random_share;       /* of the budget, for the random stage (0, 1] */
} mdl_search_config;

/* The dimension's key in the section ("members", "attack", ...); for
** MDL_SEARCH_MEMBERS "members" (or "stake_fraction" per the config). */
const char *mdl_search_dim_name(const mdl_search_config *c, mdl_search_dim_id id);

/* Reads the search section `node` (NULL: absent).  `verifier_count`,
** `rollups` and `coalition_count` are the scenario's, for the checks.  On
** error records every problem in d and returns false; *c then holds
** nothing beyond what mdl_search_config_free releases. */
bool mdl_search_config_load(const sim_ynode *node, uint32_t verifier_count, const mdl_rollups_config *rollups,
                            size_t coalition_count, mdl_search_config *c, sim_diag *d);
void mdl_search_config_free(mdl_search_config *c);

/* Formats a duration as the scenario parser reads it back exactly
** ("2min", "90s", "1500ms", "7ns"). */
void mdl_search_format_ns(uint64_t ns, char *out, size_t cap);
/* Formats an amount ("100 ETH", "1500000000 gwei"). */
void mdl_search_format_gwei(uint64_t gwei, char *out, size_t cap);

#endif
