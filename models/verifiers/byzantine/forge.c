/*
** forge: a coalition member.  At signing time it asks the coalition (the
** forger, mdl_verifiers_set_forger) what it signs for the XBlock's (chain,
** level, offset); when there is a forgery it signs the forged header and
** root instead of what it observed -- also for an observation queued before
** the forgery, and for provisional XBlocks it signs.  It acts last on an
** XBlock: a withheld signature is not forged.
*/
#include <assert.h>
#include <stdlib.h>

#include "verifiers/byzantine/byzantine.h"
#include "verifiers/host.h"

enum { FORGED_SIGN };

const mdl_byz_behaviour mdl_byz_forge;

/* Where the forged XBlock a verifier signs lives while it signs it. */
typedef struct state {
    xr_xheader h;
    xr_hash root;
} state;

static bool init(mdl_verifiers *vs, void **out) {
    (void)vs;
    *out = calloc(1, sizeof(state));
    return *out != NULL;
}

static void state_free(void *p) { free(p); }

void mdl_verifiers_set_forger(mdl_verifiers *vs, mdl_forger_fn fn, void *ctx) {
    assert(vs);
    vs->forger = fn;
    vs->forger_ctx = ctx;
}

static bool on_observe(void *p, mdl_verifier *v, mdl_byz_obs *o, uint64_t now_ns) {
    state *s = p;
    const mdl_verifiers *vs = v->host;
    if (!vs->forger || !vs->forger(vs->forger_ctx, o->h, &s->h, &s->root)) return true;
    mdl_byz_entry *e = mdl_byz_fire(v, &mdl_byz_forge, now_ns, NULL, NULL);
    if (!e) return true;
    o->h = &s->h;
    o->root = &s->root;
    o->credit[o->credits++] = &e->info.counters.n[FORGED_SIGN];
    return true;
}

const mdl_byz_behaviour mdl_byz_forge = {
    .name = "forge",
    .order = 30,
    .counters = {"forged_sign"},
    .init = init,
    .free = state_free,
    .on_observe = on_observe,
};
