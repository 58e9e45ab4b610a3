/*
** lazy: signs the provisional Finalized XBlock the host announces
** (mdl_verifiers_observe_provisional) after its watcher delay, without
** waiting for the source chain to finalize it; the later real observation
** then finds the core already signed (it refuses a second root).  Honest
** verifiers never see provisional XBlocks.
*/
#include "verifiers/byzantine/byzantine.h"

enum { LAZY_SIGN };

const mdl_byz_behaviour mdl_byz_lazy;

static bool on_observe(void *state, mdl_verifier *v, mdl_byz_obs *o, uint64_t now_ns) {
    (void)state;
    if (!o->provisional || o->accepted) return true;
    mdl_byz_entry *e = mdl_byz_fire(v, &mdl_byz_lazy, now_ns, NULL, NULL);
    if (!e) return false; /* not lazy now: it waits for the real observation */
    o->accepted = true;
    o->credit[o->credits++] = &e->info.counters.n[LAZY_SIGN];
    return true;
}

const mdl_byz_behaviour mdl_byz_lazy = {
    .name = "lazy",
    .order = 20,
    .provisional = true,
    .counters = {"lazy_sign"},
    .on_observe = on_observe,
};
