/*
** `xrsim search`'s candidates: one attack of the searched coalition as
** concrete values per dimension of the scenario's `search:` section
** (world/search_config.h), and the scenario overrides (`--set`) that run it.
**
** A candidate starts as one choice index per dimension (the random and
** local stages move those); the shrinker then replaces values by ones
** outside the lists (fewer members, an earlier round time, fewer Byzantine
** entries, a shorter run, fewer rollups).  Its overrides are at most four:
**   adversary.coalitions[C]={...}   the coalition, rebuilt from the base's
**                                   keys with the searched ones replaced
**   verifiers.byzantine=[...]       non-members' behaviours
**   run.duration=...                a shorter run
**   rollups=[...]                   fewer rollups
** and the key that identifies a candidate is those overrides, joined.
*/
#ifndef XRSIM_CLI_SEARCH_SPACE_H
#define XRSIM_CLI_SEARCH_SPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "world/scenario.h"

typedef struct search_spec {
    int idx[MDL_SEARCH_DIM_COUNT];   /* choice index; -1: not from a list (shrunk) or dimension absent */
    char *val[MDL_SEARCH_DIM_COUNT]; /* concrete value (flow YAML); NULL: the base's */
    char *duration;                  /* run.duration override; NULL: none */
    char *rollups;                   /* rollups override (flow); NULL: none */
} search_spec;

/* What the base scenario says about the searched coalition. */
typedef struct search_base {
    const mdl_scenario *scn;         /* loaded with the command's --set */
    const mdl_search_config *cfg;    /* scn->search */
    const sim_ynode *coalition;      /* adversary.coalitions[C] */
    const char *kind;                /* its attack: forge, stale_forge, censor */
    const sim_ynode *attack;         /* the attack's own mapping */
} search_base;

/* Fills *b from a loaded scenario with a search section; false (message on
** stderr, naming the place) when the coalition has no attack to start from. */
bool search_base_init(search_base *b, const mdl_scenario *scn);

/* A spec with the choices idx (one per dimension; ignored for absent ones). */
bool search_spec_from_idx(search_spec *s, const search_base *b, const int *idx);
bool search_spec_copy(search_spec *dst, const search_spec *src);
void search_spec_free(search_spec *s);
/* Sets dimension `dim` to a value outside the lists (copied; idx -1). */
bool search_spec_set(search_spec *s, mdl_search_dim_id dim, const char *value);

/* The attack kind the spec runs ("forge", ...). */
const char *search_spec_kind(const search_spec *s, const search_base *b);

/* Gives the dimensions that do not apply to the spec's attack kind (level
** for anything but forge, ...) their first choice, so that one attack has
** one spec. */
void search_spec_canonical(search_spec *s, const search_base *b);

/* The spec's overrides (malloc'd strings, *n of them, at most 4); false when
** out of memory.  Free with search_sets_free. */
bool search_spec_sets(const search_spec *s, const search_base *b, char ***sets, size_t *n);
void search_sets_free(char **sets, size_t n);

/* One line describing the attack ("members 7, forge arb->base latest at
** 30s, withdraw {after: 0s}, value 100 ETH"), malloc'd. */
char *search_spec_describe(const search_spec *s, const search_base *b);

/* A duration's nanoseconds from its text ("30s"); false when it is not one. */
bool search_parse_ns(const char *text, uint64_t *ns);

#endif
