/*
** The table of Byzantine behaviours: one line each.  A behaviour's index
** here is its mdl_behaviour (the shipped ones keep the order of the enum in
** verifier_config.h); the loader, the host, the counters and the results
** all read this table.
*/
#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "verifiers/byzantine/byzantine.h"

#define MDL_BYZ_TABLE(X)                                                                              \
    X(crashed)                                                                                         \
    X(silent)                                                                                          \
    X(equivocating)                                                                                    \
    X(delayed)                                                                                         \
    X(conflicting)                                                                                     \
    X(censor)                                                                                          \
    X(lazy)                                                                                            \
    X(forge)                                                                                           \
    X(partial)                                                                                         \
    X(mutant)

#define DECLARE(n) extern const mdl_byz_behaviour mdl_byz_##n;
MDL_BYZ_TABLE(DECLARE)

static const mdl_byz_behaviour honest = {.name = "honest"};

#define ENTRY(n) &mdl_byz_##n,
static const mdl_byz_behaviour *const table[] = {&honest, MDL_BYZ_TABLE(ENTRY)};
#define COUNT (sizeof table / sizeof table[0])

/* every behaviour has a bit in a verifier's mask */
_Static_assert(COUNT <= 32, "a verifier's behaviour mask has 32 bits");

const mdl_byz_behaviour *mdl_byz_get(mdl_behaviour b) {
    assert((unsigned)b < COUNT);
    return table[b];
}

uint32_t mdl_byz_count(void) { return (uint32_t)COUNT; }

mdl_behaviour mdl_byz_id(const mdl_byz_behaviour *b) {
    for (uint32_t k = 0; k < COUNT; k++)
        if (table[k] == b) return (mdl_behaviour)k;
    assert(0 && "a behaviour outside the table");
    return MDL_BEHAVIOUR_HONEST;
}

const char *const *mdl_byz_names(void) {
    static const char *names[COUNT + 1];
    for (uint32_t k = 0; k < COUNT; k++) names[k] = table[k]->name;
    names[COUNT] = NULL;
    return names;
}

const char *mdl_behaviour_name(mdl_behaviour b) { return mdl_byz_get(b)->name; }

bool mdl_byz_params_new(mdl_byzantine_cfg *c) {
    size_t n = mdl_byz_get(c->behaviour)->params_size;
    if (n == 0 || c->params) return true;
    c->params = calloc(1, n);
    return c->params != NULL;
}
