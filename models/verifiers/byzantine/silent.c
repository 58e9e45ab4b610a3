/*
** silent: runs the core but drops every consensus message it sends, to
** every recipient.  It acts first on a message: a dropped message is
** neither twinned nor delayed.
*/
#include "verifiers/byzantine/byzantine.h"

enum { SUPPRESSED };

const mdl_byz_behaviour mdl_byz_silent;

static void on_outgoing(void *state, mdl_verifier *v, mdl_byz_out *o, uint64_t now_ns) {
    (void)state;
    mdl_byz_entry *e = mdl_byz_fire(v, &mdl_byz_silent, now_ns, NULL, NULL);
    if (!e) return;
    e->info.counters.n[SUPPRESSED] += o->copies;
    o->dropped = true;
}

const mdl_byz_behaviour mdl_byz_silent = {
    .name = "silent",
    .order = 10,
    .counters = {"suppressed"},
    .on_outgoing = on_outgoing,
};
