/*
** partial: signs only some of the XBlocks it observes.  Each XBlock it
** would sign while its trigger holds is skipped (never signed, also not
** later); with `probability: 0.3` it skips about 30% of them, with
** `heights` only while its core is at those consensus heights.  What it
** does not sign leaves the quorum to the others: enough partial power and
** attestations stall.
*/
#include "verifiers/byzantine/byzantine.h"

enum { SKIPPED };

const mdl_byz_behaviour mdl_byz_partial;

static bool on_observe(void *state, mdl_verifier *v, mdl_byz_obs *o, uint64_t now_ns) {
    (void)state;
    (void)o;
    mdl_byz_entry *e = mdl_byz_fire(v, &mdl_byz_partial, now_ns, NULL, NULL);
    if (!e) return true;
    e->info.counters.n[SKIPPED]++;
    return false;
}

const mdl_byz_behaviour mdl_byz_partial = {
    .name = "partial",
    .order = 15,
    .counters = {"skipped"},
    .on_observe = on_observe,
};
