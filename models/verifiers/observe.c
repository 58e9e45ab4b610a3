/*
** XBlock observations (see verifier.h): the world reports an XBlock at its
** confirmation level once; every verifier that is up sees it after its own
** watcher delay and signs it -- unless one of its Byzantine entries
** withholds it, signs something else instead, or (provisional XBlocks)
** chooses to sign it early.
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "units.h"
#include "verifiers/host.h"

#define BIT(b) (1u << (unsigned)(b))
/* observations are kept this long past their latest watcher delay, for
** verifiers whose CPU queue delays the watcher timer */
#define OBS_KEEP_NS (UINT64_C(60) * SIM_NS_PER_S)

/* Queues an observation and schedules it on every verifier that is up (a
** provisional one: on the verifiers with a behaviour that sees those). */
static void observe(mdl_verifiers *vs, const xr_xheader *h, const xr_hash *msg_root, uint64_t marks,
                    bool provisional, uint64_t now_ns) {
    assert(vs && h && msg_root && now_ns >= sim_now_ns(vs->engine));
    const mdl_verifier_config *vc = vs->vc;
    /* forget observations every watcher timer is long done with */
    while (vs->obs_count &&
           vs->obs_ring[vs->obs_base & (vs->obs_cap - 1u)].at_ns + vc->watcher_max_ns + OBS_KEEP_NS < now_ns) {
        vs->obs_base++;
        vs->obs_count--;
    }
    if (vs->obs_count == vs->obs_cap) {
        /* a ring keyed by seq: doubling re-places every live entry */
        uint64_t cap = vs->obs_cap ? vs->obs_cap * 2u : 64u;
        obs *ring = malloc((size_t)cap * sizeof *ring);
        if (!ring) {
            vhost_fail(vs, "out of memory queueing an XBlock observation");
            return;
        }
        for (uint64_t s = vs->obs_base; s < vs->obs_base + vs->obs_count; s++)
            ring[s & (cap - 1u)] = vs->obs_ring[s & (vs->obs_cap - 1u)];
        free(vs->obs_ring);
        vs->obs_ring = ring;
        vs->obs_cap = cap;
    }
    uint64_t seq = vs->obs_base + vs->obs_count++;
    obs *o = &vs->obs_ring[seq & (vs->obs_cap - 1u)];
    o->at_ns = now_ns;
    o->h = *h;
    o->root = *msg_root;
    o->marks = marks;
    o->provisional = provisional;
    if (!provisional) vs->xblocks_observed++;
    uint64_t span = vc->watcher_max_ns - vc->watcher_min_ns;
    for (uint32_t i = 0; i < vs->n; i++) {
        verifier *v = &vs->v[i];
        if (provisional && !(v->mask & vs->provisional_mask)) continue;
        uint64_t delay = vc->watcher_min_ns + (span ? sim_rng_below(v->watch_rng, span + 1u) : 0);
        if (!sim_net_node_is_up(vs->net, v->node)) continue;
        if (sim_net_timer_at(vs->net, v->node, now_ns + delay, (seq << TAG_BITS) | TAG_OBSERVE) == 0)
            vhost_fail(vs, "out of memory scheduling an XBlock observation");
    }
}

void mdl_verifiers_observe(mdl_verifiers *vs, const xr_xheader *h, const xr_hash *msg_root,
                           uint64_t now_ns) {
    observe(vs, h, msg_root, 0, false, now_ns);
}

void mdl_verifiers_observe_msgs(mdl_verifiers *vs, const xr_xheader *h, const xr_hash *msg_root,
                                const xr_xmsg *msgs, size_t n, uint64_t now_ns) {
    assert(vs && h && (msgs || n == 0));
    uint64_t marks = 0;
    for (uint32_t b = 1; b < vs->byz_kinds; b++) {
        const mdl_byz_behaviour *bh = mdl_byz_get((mdl_behaviour)b);
        if (bh->note_msgs && vs->byz_state[b]) marks |= bh->note_msgs(vs->byz_state[b], h, msgs, n);
    }
    observe(vs, h, msg_root, marks, false, now_ns);
}

void mdl_verifiers_observe_provisional(mdl_verifiers *vs, const xr_xheader *h, const xr_hash *msg_root,
                                       uint64_t now_ns) {
    assert(vs && h && msg_root);
    if (!vs->any_provisional) return; /* nobody listens: nothing is queued */
    observe(vs, h, msg_root, 0, true, now_ns);
}

/* Observation seq's watcher delay on v is over: v signs it, as its entries
** let it. */
void vhost_do_observe(mdl_verifiers *vs, verifier *v, uint64_t seq, uint64_t now_ns) {
    if (seq < vs->obs_base || seq >= vs->obs_base + vs->obs_count) {
        v->obs_missed++;
        return;
    }
    const obs *o = &vs->obs_ring[seq & (vs->obs_cap - 1u)];
    if (!o->provisional) v->observed++;
    mdl_byz_obs bo = {.h = &o->h, .root = &o->root, .marks = o->marks, .provisional = o->provisional};
    for (uint32_t k = 0; k + 1u < vs->byz_kinds && v->mask; k++) {
        uint32_t b = vs->byz_order[k];
        const mdl_byz_behaviour *bh = mdl_byz_get((mdl_behaviour)b);
        if (!(v->mask & BIT(b)) || !bh->on_observe) continue;
        if (!bh->on_observe(vs->byz_state[b], v, &bo, now_ns)) return;
    }
    if (bo.provisional && !bo.accepted) return; /* it waits for the real observation */
    if (xr_bft_add_local_attestation(v->bft, bo.h, bo.root) != 0) return;
    v->att_signed++;
    for (uint32_t k = 0; k < bo.credits; k++) (*bo.credit[k])++;
    (void)ledger_vote(vs, bo.h, now_ns);
}

void vhost_observe_free(mdl_verifiers *vs) { free(vs->obs_ring); }
