/*
** Verifier nodes hosting the protocol core's consensus on the simulated
** network (see verifier.h): building them, the network handlers, and the
** core's actions on their way out -- through the verifier's Byzantine
** entries (byzantine/byzantine.h) -- or into the ledger (ledger.c).
*/
#include "verifiers/host.h"

#include <assert.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "verifiers/synth.h"
#include "xr_keccak.h"

#define BIT(b) (1u << (unsigned)(b))

/* ---- small helpers ------------------------------------------------------- */

void vhost_fail(mdl_verifiers *vs, const char *why) { sim_engine_fail(vs->engine, &vs->error, why); }

static verifier *of_node(mdl_verifiers *vs, uint32_t node) {
    uint32_t i = node - vs->first_node;
    assert(i < vs->n && vs->v[i].node == node);
    return &vs->v[i];
}

static int addr_cmp(const void *a, const void *b) {
    return memcmp(((const addr_ix *)a)->addr.bytes, ((const addr_ix *)b)->addr.bytes, 20);
}

uint32_t vhost_index_of_addr(const mdl_verifiers *vs, const uint8_t addr[20]) {
    addr_ix key;
    memcpy(key.addr.bytes, addr, 20);
    const addr_ix *hit = bsearch(&key, vs->by_addr, vs->n, sizeof *vs->by_addr, addr_cmp);
    return hit ? hit->index : NONE32;
}

/* ---- the charging signature wrapper --------------------------------------- */

static int wrap_sign(void *ctx, const xr_sig_key *key, const uint8_t digest[32], uint8_t sig_out[65]) {
    verifier *v = ctx;
    mdl_verifiers *vs = v->host;
    sim_net_charge(vs->net, v->node, vs->cc.sign_cost_ns);
    v->sigs_signed++;
    return vs->inner.sign(vs->inner.ctx, key, digest, sig_out);
}

static int wrap_recover(void *ctx, const uint8_t digest[32], const uint8_t sig[65], uint8_t addr_out[20]) {
    verifier *v = ctx;
    mdl_verifiers *vs = v->host;
    sim_net_charge(vs->net, v->node, vs->cc.verify_cost_ns);
    v->sigs_verified++;
    if (vs->memo == NULL) return vs->inner.recover(vs->inner.ctx, digest, sig, addr_out);
    return mdl_recover_memo_recover(vs->memo, &vs->inner, digest, sig, addr_out);
}

/* ---- sending, through the verifier's Byzantine entries ------------------------ */

static void send_to(mdl_verifiers *vs, verifier *v, uint32_t to_node, const uint8_t *bytes, size_t len) {
    int rc = sim_net_send(vs->net, v->node, to_node, bytes, len);
    if (rc == SIM_NET_ENOMEM) vhost_fail(vs, "out of memory sending a consensus message");
    assert(rc != SIM_NET_ETOOBIG);
}

void mdl_byz_send(verifier *v, uint32_t to_node, uint32_t lo, uint32_t hi, const uint8_t *bytes, size_t len) {
    mdl_verifiers *vs = v->host;
    if (to_node != MDL_BYZ_RANKS) {
        send_to(vs, v, to_node, bytes, len);
        return;
    }
    assert(lo <= hi && hi <= vs->n - 1u);
    for (uint32_t rank = lo; rank < hi; rank++) {
        uint32_t j = rank < v->index ? rank : rank + 1u;
        send_to(vs, v, vs->v[j].node, bytes, len);
    }
}

/* Sends now, or through the behaviour of the entry that holds it back. */
static void emit(mdl_verifiers *vs, verifier *v, mdl_byz_entry *hold, uint32_t to_node, uint32_t lo,
                 uint32_t hi, const uint8_t *bytes, size_t len, uint64_t now_ns) {
    if (to_node == MDL_BYZ_RANKS && hi == lo) return;
    if (hold == NULL) {
        mdl_byz_send(v, to_node, lo, hi, bytes, len);
        return;
    }
    mdl_behaviour b = hold->info.behaviour;
    mdl_byz_get(b)->on_hold(vs->byz_state[b], v, hold, to_node, lo, hi, bytes, len, now_ns);
}

/* Every behaviour of v, in acting order, has its say on o. */
static void through_entries(mdl_verifiers *vs, verifier *v, mdl_byz_out *o, uint64_t now_ns) {
    for (uint32_t k = 0; k + 1u < vs->byz_kinds && v->mask; k++) {
        uint32_t b = vs->byz_order[k];
        const mdl_byz_behaviour *bh = mdl_byz_get((mdl_behaviour)b);
        if (!(v->mask & BIT(b)) || !bh->on_outgoing) continue;
        bh->on_outgoing(vs->byz_state[b], v, o, now_ns);
        if (o->dropped) return;
    }
}

/* The twin the entries built, signed and encoded into vs->twin_msg: its
** length, 0 when there is none. */
static size_t twin_finish(mdl_verifiers *vs, verifier *v, mdl_byz_twin *t) {
    if (!t->by || t->failed) return 0;
    if (t->sign && xr_bft_sign_core(&v->sigw, v->key, &t->c) != 0) return 0;
    int n = xr_bftmsg_encode(&t->c, t->block, t->block_len, t->ext, t->ext_n, vs->twin_msg, vs->twin_msg_cap);
    return n > 0 ? (size_t)n : 0;
}

static void out_broadcast(mdl_verifiers *vs, verifier *v, uint64_t now_ns, const xr_view *b) {
    uint32_t n = vs->n;
    mdl_byz_out o = {.bytes = b->ptr, .len = b->len, .broadcast = true, .copies = n - 1u};
    through_entries(vs, v, &o, now_ns);
    if (o.dropped) return;
    size_t tl = twin_finish(vs, v, &o.twin);
    if (tl == 0) {
        if (o.hold == NULL && vhost_gossip_broadcast(vs, v, b->ptr, b->len)) return;
        emit(vs, v, o.hold, MDL_BYZ_RANKS, 0, n - 1u, b->ptr, b->len, now_ns);
        return;
    }
    /* peers ranked by index without self; the first half gets the original */
    uint32_t half = n / 2u;
    bool reveal = o.twin.reveal;
    *o.twin.credit += (reveal ? half : 0u) + (n - 1u - half);
    if (o.hold) {
        emit(vs, v, o.hold, MDL_BYZ_RANKS, 0, half, b->ptr, b->len, now_ns);
        if (reveal) emit(vs, v, o.hold, MDL_BYZ_RANKS, 0, half, vs->twin_msg, tl, now_ns);
        emit(vs, v, o.hold, MDL_BYZ_RANKS, half, n - 1u, vs->twin_msg, tl, now_ns);
        return;
    }
    for (uint32_t j = 0; j < n; j++) {
        if (j == v->index) continue;
        uint32_t rank = j < v->index ? j : j - 1u;
        if (rank < half) {
            send_to(vs, v, vs->v[j].node, b->ptr, b->len);
            if (reveal) send_to(vs, v, vs->v[j].node, vs->twin_msg, tl);
        } else {
            send_to(vs, v, vs->v[j].node, vs->twin_msg, tl);
        }
    }
}

static void out_send(mdl_verifiers *vs, verifier *v, uint64_t now_ns, const xr_action_send *s) {
    if (s->to >= sim_net_node_count(vs->net)) return;
    mdl_byz_out o = {.bytes = s->bytes.ptr, .len = s->bytes.len, .copies = 1};
    through_entries(vs, v, &o, now_ns);
    if (o.dropped) return;
    emit(vs, v, o.hold, s->to, 0, 0, s->bytes.ptr, s->bytes.len, now_ns);
}

/* Walk the actions of one core call, then re-arm the deadline timer.
** Commits, approvals and evidence go to the world's hooks, then into the
** ledger. */
static void after_call(mdl_verifiers *vs, verifier *v, uint64_t now_ns) {
    xr_actions *a = &vs->acts;
    const mdl_verifier_hooks *hk = &vs->hooks;
    for (uint32_t k = 0; k < a->count; k++) {
        const xr_action *act = &a->items[k];
        switch (act->kind) {
        case XR_ACT_BROADCAST: out_broadcast(vs, v, now_ns, &act->u.broadcast.bytes); break;
        case XR_ACT_SEND: out_send(vs, v, now_ns, &act->u.send); break;
        case XR_ACT_COMMIT:
            if (hk->on_commit) hk->on_commit(hk->ctx, v->index, now_ns, &act->u.commit);
            ledger_commit(vs, v, now_ns, &act->u.commit);
            break;
        case XR_ACT_EVIDENCE:
            if (hk->on_evidence) hk->on_evidence(hk->ctx, v->index, now_ns, &act->u.evidence);
            ledger_evidence(vs, v, now_ns, &act->u.evidence);
            break;
        case XR_ACT_ATTEST_APPROVED:
            if (hk->on_approved) hk->on_approved(hk->ctx, v->index, now_ns, &act->u.approved);
            ledger_approved(vs, v, now_ns, &act->u.approved);
            break;
        default: assert(0 && "unknown action kind"); break;
        }
    }
    vs->actions_dropped += a->dropped;
    a->dropped = 0;
    xr_actions_clear(a);
    ledger_note_height(vs, v, now_ns);
    /* the core's single deadline -> one node timer */
    uint64_t dl = xr_bft_next_deadline(v->bft);
    if (v->timer && dl == v->timer_dl) return;
    if (v->timer) sim_net_timer_cancel(vs->net, v->timer);
    v->timer = 0;
    v->timer_dl = UINT64_MAX;
    if (dl == UINT64_MAX) return;
    uint64_t now = sim_now_ns(vs->engine);
    v->timer = sim_net_timer_at(vs->net, v->node, dl > now ? dl : now, TAG_DEADLINE);
    if (v->timer == 0) {
        if (sim_net_node_is_up(vs->net, v->node)) vhost_fail(vs, "out of memory arming a consensus timer");
        return;
    }
    v->timer_dl = dl;
}

/* ---- what the host offers a behaviour ------------------------------------------- */

bool mdl_byz_timer_at(verifier *v, const mdl_byz_behaviour *b, uint64_t at_ns, uint64_t arg) {
    mdl_behaviour id = mdl_byz_id(b);
    assert(arg < (UINT64_C(1) << (64u - TAG_BITS - TAG_BYZ_BITS)));
    uint64_t tag = (arg << (TAG_BITS + TAG_BYZ_BITS)) | ((uint64_t)id << TAG_BITS) | TAG_BYZANTINE;
    return sim_net_timer_at(v->host->net, v->node, at_ns, tag) != 0;
}

bool mdl_byz_node_up(const verifier *v) { return sim_net_node_is_up(v->host->net, v->node); }

bool mdl_byz_attest(verifier *v, const xr_xheader *h, const xr_hash *root, uint64_t now_ns) {
    if (xr_bft_add_local_attestation(v->bft, h, root) != 0) return false;
    v->att_signed++;
    (void)ledger_vote(v->host, h, now_ns);
    return true;
}

void mdl_byz_fail(verifier *v, const char *why) { vhost_fail(v->host, why); }
uint32_t mdl_byz_verifier_index(const verifier *v) { return v->index; }
uint32_t mdl_byz_verifier_count(const verifier *v) { return v->host->n; }
const xr_sig_backend *mdl_byz_sig(verifier *v) { return &v->sigw; }
const xr_sig_key *mdl_byz_key(verifier *v) { return v->key; }
const xr_bft *mdl_byz_bft(verifier *v) { return v->bft; }
const xr_address *mdl_byz_address(const verifier *v) { return &v->addr; }

uint8_t *mdl_byz_twin_block(verifier *v, size_t *cap) {
    *cap = v->host->twin_block_cap;
    return v->host->twin_block;
}

uint8_t *mdl_byz_twin_ext(verifier *v) { return v->host->twin_ext; }

/* ---- network handlers ----------------------------------------------------------- */

/* Whether the watchers saw this signed message before: its signature's
** first 8 bytes against the sender's last WATCH_SEEN (a broadcast reaches
** every peer at about the same time; retransmissions repeat it). */
static bool watch_seen(mdl_verifiers *vs, uint32_t sender, const uint8_t sig[8]) {
    uint64_t key;
    memcpy(&key, sig, 8);
    uint64_t *ring = &vs->watch_seen[(size_t)sender * WATCH_SEEN];
    for (uint32_t k = 0; k < WATCH_SEEN; k++) {
        if (ring[k] == key) return true;
    }
    memmove(ring + 1, ring, (WATCH_SEEN - 1u) * sizeof *ring);
    ring[0] = key;
    return false;
}

/* The watchers act on every signed attestation vote they see, not only on
** those a committed block carries: honest verifier v received `bytes`
** from node `from`; the attestation votes of a precommit's extension or a
** proposal's block go to on_vote_seen, once per distinct message. */
static void watch(mdl_verifiers *vs, verifier *v, uint32_t from, const uint8_t *bytes, size_t len, uint64_t now) {
    uint32_t sender = from - vs->first_node;
    if (len < 2 || sender >= vs->n || (bytes[1] != XR_BFT_PRECOMMIT && bytes[1] != XR_BFT_PROPOSAL)) return;
    size_t cl = xr_bft_core_len(bytes[1]);
    /* a precommit with no extension entry carries nothing to watch */
    if (len < cl + 2u || (bytes[1] == XR_BFT_PRECOMMIT && len == cl + 2u)) return;
    if (watch_seen(vs, sender, bytes + cl - 65u)) return;
    const xr_keccak_service *svc = vs->digests ? &vs->keccak : NULL;
    xr_bftmsg_limits lim = xr_bft_limits(v->bft);
    xr_bftmsg m;
    if (xr_bftmsg_decode_with(svc, bytes, len, &lim, &m) != 0) return;
    xr_att_vote vote;
    if (m.core.type == XR_BFT_PRECOMMIT) {
        for (uint32_t i = 0; i < m.ext_count; i++) {
            xr_bftmsg_ext_get_unrooted(&m, i, &vote);
            xr_att_vote_compute_root_with(svc, &vote);
            vs->hooks.on_vote_seen(vs->hooks.ctx, v->index, now, &vote);
        }
        return;
    }
    xr_bft_block blk;
    if (xr_bft_block_decode(m.block, m.block_len, &lim, &blk) != 0) return;
    for (uint32_t i = 0; i < blk.vote_count; i++) {
        xr_bft_block_vote_get_unrooted(&blk, i, &vote);
        xr_att_vote_compute_root_with(svc, &vote);
        vs->hooks.on_vote_seen(vs->hooks.ctx, v->index, now, &vote);
    }
}

/* A whole consensus message from node `from` reaches v's core. */
static void deliver(mdl_verifiers *vs, verifier *v, uint32_t from, const uint8_t *bytes, size_t len) {
    uint64_t now = sim_net_cpu_now_ns(vs->net, v->node);
    if (v->honest && vs->hooks.on_vote_seen) watch(vs, v, from, bytes, len, now);
    (void)xr_bft_on_message(v->bft, now, from, bytes, len, &vs->acts); /* counted in its stats */
    after_call(vs, v, now);
}

static void on_message(void *ctx, uint32_t node, uint32_t from, const uint8_t *bytes, size_t len) {
    mdl_verifiers *vs = ctx;
    verifier *v = of_node(vs, node);
    if (!v->started || vs->halted_ns != UINT64_MAX) return; /* not running (yet): the bytes are lost */
    if (vhost_gossip_receive(vs, v, from, bytes, len, deliver)) return; /* a block part */
    deliver(vs, v, from, bytes, len);
}

static void on_timer(void *ctx, uint32_t node, uint64_t tag) {
    mdl_verifiers *vs = ctx;
    verifier *v = of_node(vs, node);
    uint64_t now = sim_net_cpu_now_ns(vs->net, node);
    if (vs->halted_ns != UINT64_MAX) {
        if ((tag & ((1u << TAG_BITS) - 1u)) == TAG_DEADLINE) v->timer = 0;
        return; /* the chain halted: nothing runs */
    }
    switch (tag & ((1u << TAG_BITS) - 1u)) {
    case TAG_DEADLINE:
        v->timer = 0;
        v->timer_dl = UINT64_MAX;
        (void)xr_bft_on_timer(v->bft, now, &vs->acts);
        after_call(vs, v, now);
        break;
    case TAG_START:
        if (v->started) break;
        v->started = true;
        (void)xr_bft_start(v->bft, now, &vs->acts);
        after_call(vs, v, now);
        break;
    case TAG_OBSERVE: vhost_do_observe(vs, v, tag >> TAG_BITS, now); break;
    case TAG_BYZANTINE: {
        uint32_t b = (uint32_t)(tag >> TAG_BITS) & ((1u << TAG_BYZ_BITS) - 1u);
        mdl_byz_get((mdl_behaviour)b)->on_timer(vs->byz_state[b], v, tag >> (TAG_BITS + TAG_BYZ_BITS), now);
        break;
    }
    default: assert(0 && "unknown verifier timer tag");
    }
}

static void on_crash(void *ctx, uint32_t node) {
    mdl_verifiers *vs = ctx;
    verifier *v = of_node(vs, node);
    v->timer = 0; /* vanished with the crash */
    v->timer_dl = UINT64_MAX;
    vhost_gossip_forget(vs, v);
    /* so did the behaviours' timers */
    for (uint32_t b = 1; b < vs->byz_kinds; b++) {
        const mdl_byz_behaviour *bh = mdl_byz_get((mdl_behaviour)b);
        if (bh->on_crash && vs->byz_state[b]) bh->on_crash(vs->byz_state[b], v);
    }
}

static void on_restart(void *ctx, uint32_t node) {
    mdl_verifiers *vs = ctx;
    verifier *v = of_node(vs, node);
    uint64_t now = sim_now_ns(vs->engine);
    if (!v->started) {
        if (sim_net_timer_at(vs->net, node, now, TAG_START) == 0) vhost_fail(vs, "out of memory restarting a verifier");
        return;
    }
    uint64_t dl = xr_bft_next_deadline(v->bft);
    if (dl == UINT64_MAX) return;
    v->timer = sim_net_timer_at(vs->net, node, dl > now ? dl : now, TAG_DEADLINE);
    if (v->timer == 0) vhost_fail(vs, "out of memory restarting a verifier");
    v->timer_dl = dl;
}

/* ---- building -------------------------------------------------------------------------- */

static uint64_t draw_stake(const mdl_verifier_config *vc, uint32_t i, gsl_rng *r) {
    double x;
    switch (vc->stake_model) {
    case MDL_STAKE_EQUAL: return vc->stake_gwei;
    case MDL_STAKE_LIST: return vc->stakes_gwei[i];
    case MDL_STAKE_UNIFORM: return vc->stake_gwei + sim_rng_below(r, vc->stake_max_gwei - vc->stake_gwei + 1u);
    case MDL_STAKE_LOGNORMAL: x = gsl_ran_lognormal(r, log((double)vc->stake_gwei), vc->sigma); break;
    default: x = gsl_ran_pareto(r, vc->alpha, (double)vc->stake_gwei); break;
    }
    if (!(x >= 1.0)) x = 1.0;
    if (x >= (double)vc->stake_max_gwei) return vc->stake_max_gwei;
    return (uint64_t)llround(x);
}

static bool keys_new(mdl_verifiers *vs, sim_diag *d) {
    uint64_t kseed = sim_rng_derive(vs->seed, MDL_ENT_VERIFIER, 0, PURPOSE_KEYS);
    if (vs->cc.sig == MDL_SIG_FAST) {
        vs->fast = mdl_sig_fast_new(kseed, vs->n);
        if (!vs->fast) return false;
        vs->inner = mdl_sig_fast_backend(vs->fast);
    } else {
        vs->secp = mdl_sig_secp_new(vs->n);
        if (!vs->secp) return false;
        vs->inner = mdl_sig_secp_backend(vs->secp);
    }
    /* Without memory for the memo, recoveries are simply not shared. */
    vs->memo = mdl_recover_memo_new();
    /* Likewise digests: without the memo every core hashes for itself. */
    vs->digests = mdl_digest_memo_new();
    if (vs->digests) vs->keccak = mdl_digest_memo_service(vs->digests);
    for (uint32_t i = 0; i < vs->n; i++) {
        verifier *v = &vs->v[i];
        int rc = vs->fast ? mdl_sig_fast_add_key(vs->fast, &v->key, &v->addr)
                          : mdl_sig_secp_derive_key(vs->secp, kseed, i, &v->key, &v->addr);
        if (rc != 0) {
            sim_diag_error(d, NULL, "verifier %u: key creation failed (%s)", i, xr_err_name(rc));
            return false;
        }
    }
    return true;
}

mdl_verifiers *mdl_verifiers_new(sim_engine *e, sim_net *net, const mdl_verifier_config *vc,
                                 const mdl_consensus_config *cc, uint64_t seed, sim_diag *d) {
    assert(e && net && vc && cc && d && vc->count >= 1 && vc->count <= MDL_VERIFIERS_MAX);
    mdl_verifiers *vs = calloc(1, sizeof *vs);
    if (!vs) goto oom;
    vs->engine = e;
    vs->net = net;
    vs->vc = vc;
    vs->cc = *cc;
    vs->cc.bft.max_validators = vc->count;
    vs->seed = seed;
    vs->n = vc->count;
    vs->v = calloc(vs->n, sizeof *vs->v);
    vs->by_addr = calloc(vs->n, sizeof *vs->by_addr);
    vs->members = calloc(vs->n, sizeof *vs->members);
    vs->watch_seen = calloc((size_t)vs->n * WATCH_SEEN, sizeof *vs->watch_seen);
    vs->halted_ns = UINT64_MAX;
    if (!vs->v || !vs->by_addr || !vs->members || !vs->watch_seen) goto oom;
    if (!keys_new(vs, d)) {
        if (sim_diag_errors(d) == 0) goto oom;
        mdl_verifiers_free(vs);
        return NULL;
    }
    static const sim_net_handlers handlers = {
        .on_message = on_message, .on_timer = on_timer, .on_crash = on_crash, .on_restart = on_restart};
    for (uint32_t i = 0; i < vs->n; i++) {
        verifier *v = &vs->v[i];
        v->host = vs;
        v->index = i;
        v->timer_dl = UINT64_MAX;
        v->node = sim_net_add_node(net, "verifiers", SIM_NET_REGION_AUTO);
        if (v->node == SIM_NET_NODE_NONE) goto oom;
        if (i == 0) vs->first_node = v->node;
        assert(v->node == vs->first_node + i); /* added consecutively */
        sim_net_set_handlers(net, v->node, &handlers, vs);
        gsl_rng *sr = sim_rng_new(seed, MDL_ENT_VERIFIER, i, PURPOSE_STAKE);
        v->watch_rng = sim_rng_new(seed, MDL_ENT_VERIFIER, i, PURPOSE_WATCH);
        if (!sr || !v->watch_rng) {
            if (sr) gsl_rng_free(sr);
            goto oom;
        }
        v->power = draw_stake(vc, i, sr);
        gsl_rng_free(sr);
        v->sigw = (xr_sig_backend){wrap_sign, wrap_recover, v};
        vs->members[i].addr = v->addr;
        vs->members[i].power = v->power;
        vs->by_addr[i].addr = v->addr;
        vs->by_addr[i].index = i;
        vs->total_power += v->power;
    }
    if (!vhost_byz_build(vs)) goto oom;
    qsort(vs->by_addr, vs->n, sizeof *vs->by_addr, addr_cmp);
    xr_validator *store = calloc(vs->n, sizeof *store);
    if (!store) goto oom;
    xr_valset_init(&vs->valset, store, vs->n);
    int rc = xr_valset_set(&vs->valset, 1, vs->members, vs->n);
    if (rc != 0) {
        sim_diag_error(d, NULL, "verifier set rejected by the core: %s", xr_err_message(rc));
        mdl_verifiers_free(vs);
        return NULL;
    }
    size_t mem = xr_bft_mem_size(&vs->cc.bft);
    if (mem == 0) {
        sim_diag_error(d, NULL, "consensus configuration outside the core's limits");
        mdl_verifiers_free(vs);
        return NULL;
    }
    mem = (mem + 15u) & ~(size_t)15u;
    for (uint32_t i = 0; i < vs->n; i++) {
        verifier *v = &vs->v[i];
        v->mem = aligned_alloc(16, mem);
        if (!v->mem) goto oom;
        rc = xr_bft_init(&v->bft, v->mem, mem, &vs->cc.bft, &v->sigw, v->key, &v->addr, &vs->valset, 1,
                         NULL, NULL);
        if (rc != 0) {
            sim_diag_error(d, NULL, "verifier %u: consensus init failed: %s", i, xr_err_message(rc));
            mdl_verifiers_free(vs);
            return NULL;
        }
        if (vs->digests) xr_bft_set_keccak(v->bft, &vs->keccak);
    }
    uint32_t items;
    size_t bytes;
    xr_bft_actions_size(&vs->cc.bft, &items, &bytes);
    vs->items = malloc((size_t)items * sizeof *vs->items);
    vs->arena = malloc(bytes);
    if (!vs->items || !vs->arena) goto oom;
    xr_actions_init(&vs->acts, vs->items, items, vs->arena, bytes);
    vs->twin_block_cap = xr_bft_block_len(xr_bft_block_votes_cap(&vs->cc.bft), vs->cc.bft.max_payload_bytes);
    size_t ext_bytes = (size_t)vs->cc.bft.max_ext_votes * XR_BFT_EXT_ENTRY_BYTES;
    vs->twin_msg_cap = XR_BFT_PROPOSAL_CORE_BYTES + 4u + vs->twin_block_cap +
                       XR_BFT_VOTE_CORE_BYTES + 2u + ext_bytes;
    vs->twin_block = malloc(vs->twin_block_cap);
    vs->twin_msg = malloc(vs->twin_msg_cap);
    vs->twin_ext = malloc(ext_bytes ? ext_bytes : 1u);
    if (!vs->twin_block || !vs->twin_msg || !vs->twin_ext) goto oom;
    if (!vhost_gossip_new(vs)) goto oom;
    if (vs->cc.synthetic.chains) {
        vs->synth = mdl_synth_new(e, vs, &vs->cc.synthetic, vs->cc.bft.chain_id, seed);
        if (!vs->synth) goto oom;
    }
    return vs;
oom:
    sim_diag_error(d, NULL, "out of memory while building the verifiers");
    mdl_verifiers_free(vs);
    return NULL;
}

bool mdl_verifiers_start(mdl_verifiers *vs) {
    assert(vs);
    for (uint32_t i = 0; i < vs->n; i++) {
        /* 0 when the node is down at time 0: it starts on restart */
        (void)sim_net_timer_at(vs->net, vs->v[i].node, sim_now_ns(vs->engine), TAG_START);
        if (sim_net_error(vs->net) != SIM_NET_OK) return false;
    }
    return vs->synth == NULL || mdl_synth_start(vs->synth);
}

void mdl_verifiers_free(mdl_verifiers *vs) {
    if (!vs) return;
    if (vs->v) {
        for (uint32_t i = 0; i < vs->n; i++) {
            free(vs->v[i].mem);
            if (vs->v[i].watch_rng) gsl_rng_free(vs->v[i].watch_rng);
            if (vs->v[i].byz_rng) gsl_rng_free(vs->v[i].byz_rng);
        }
    }
    vhost_byz_free(vs);
    free(vs->v);
    mdl_recover_memo_free(vs->memo);
    mdl_digest_memo_free(vs->digests);
    free(vs->by_addr);
    free(vs->members);
    free(vs->watch_seen);
    free(vs->valset.members);
    mdl_sig_fast_free(vs->fast);
    mdl_sig_secp_free(vs->secp);
    free(vs->items);
    free(vs->arena);
    free(vs->twin_block);
    free(vs->twin_msg);
    free(vs->twin_ext);
    vhost_observe_free(vs);
    vhost_gossip_free(vs);
    mdl_synth_free(vs->synth);
    ledger_free(&vs->led);
    free(vs);
}

void mdl_verifiers_set_hooks(mdl_verifiers *vs, const mdl_verifier_hooks *h) {
    assert(vs && h);
    vs->hooks = *h;
}

/* ---- queries ------------------------------------------------------------------------------- */

uint64_t mdl_verifiers_chain_id(const mdl_verifiers *vs) { return vs->cc.bft.chain_id; }
uint32_t mdl_verifiers_count(const mdl_verifiers *vs) { return vs->n; }
uint32_t mdl_verifiers_valset_cutoff(const mdl_verifiers *vs) { return vs->cc.valset_cutoff; }

void mdl_verifiers_halt(mdl_verifiers *vs, uint64_t now_ns) {
    if (vs->halted_ns == UINT64_MAX) vs->halted_ns = now_ns;
}

uint64_t mdl_verifiers_halted_ns(const mdl_verifiers *vs) { return vs->halted_ns; }

int mdl_verifiers_sign_offline(const mdl_verifiers *vs, uint32_t i, const uint8_t digest[32], uint8_t sig[65]) {
    assert(i < vs->n);
    return vs->inner.sign(vs->inner.ctx, vs->v[i].key, digest, sig);
}

uint32_t mdl_verifiers_node(const mdl_verifiers *vs, uint32_t i) {
    assert(i < vs->n);
    return vs->v[i].node;
}

bool mdl_verifiers_is_honest(const mdl_verifiers *vs, uint32_t i) {
    assert(i < vs->n);
    return vs->v[i].honest;
}

int mdl_verifiers_stage_valset(mdl_verifiers *vs, uint64_t from_height, uint64_t id,
                               const xr_validator *members, uint32_t count) {
    assert(vs && members && count > 0);
    for (uint32_t i = 0; i < vs->n; i++) {
        int rc = xr_bft_set_next_valset(vs->v[i].bft, from_height, id, members, count);
        if (rc != 0) return rc;
    }
    return 0;
}

const mdl_verifier_config *mdl_verifiers_config(const mdl_verifiers *vs) { return vs->vc; }

uint64_t mdl_verifiers_power(const mdl_verifiers *vs, uint32_t i) {
    assert(i < vs->n);
    return vs->v[i].power;
}

const xr_address *mdl_verifiers_address(const mdl_verifiers *vs, uint32_t i) {
    assert(i < vs->n);
    return &vs->v[i].addr;
}

const xr_bft *mdl_verifiers_bft(const mdl_verifiers *vs, uint32_t i) {
    assert(i < vs->n);
    return vs->v[i].bft;
}

const xr_valset *mdl_verifiers_valset(const mdl_verifiers *vs) { return &vs->valset; }
const xr_sig_backend *mdl_verifiers_sig(const mdl_verifiers *vs) { return &vs->inner; }

void mdl_verifiers_sig_calls(const mdl_verifiers *vs, uint32_t i, uint64_t *signed_count,
                             uint64_t *verified_count) {
    assert(i < vs->n && signed_count && verified_count);
    *signed_count = vs->v[i].sigs_signed;
    *verified_count = vs->v[i].sigs_verified;
}


const char *mdl_verifiers_error(const mdl_verifiers *vs) { return vs->error ? vs->error : mdl_synth_error(vs->synth); }
