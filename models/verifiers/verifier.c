/*
** Verifier nodes hosting the protocol core's consensus on the simulated
** network, their Byzantine strategies, the safety check, the synthetic
** XBlock source and the consensus results (see verifier.h).
*/
#include "verifiers/verifier.h"

#include <assert.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/digest_memo.h"
#include "rng.h"
#include "crypto/sig_fast.h"
#include "crypto/sig_secp.h"
#include "stats.h"
#include "xr_attest.h"
#include "xr_evidence.h"
#include "xr_keccak.h"

enum { PURPOSE_STAKE = 1, PURPOSE_WATCH = 2, PURPOSE_KEYS = 3, PURPOSE_PHASE = 4, PURPOSE_BYZANTINE = 5 };
enum { TAG_DEADLINE = 1, TAG_START = 2, TAG_OBSERVE = 3, TAG_DELAYED = 4, TAG_RESUME = 5 };
#define TAG_BITS 4u
#define NONE32 UINT32_MAX
/* observations are kept this long past their latest watcher delay, for
** verifiers whose CPU queue delays the watcher timer */
#define OBS_KEEP_NS (UINT64_C(60) * 1000000000u)
static const char equivocation_payload[] = "xrsim:equivocation";
static const char conflict_tag[] = "xrsim:conflicting-attestation";

#define BIT(b) (1u << (unsigned)(b))

/* One (verifier, Byzantine entry) pair, with its counters. */
typedef struct byz_ref {
    mdl_byzantine_info info;     /* verifier, entry, behaviour, cfg, counters */
    uint32_t route_bit;          /* censor by route: its bit in obs.route_mask */
} byz_ref;

/* An XBlock a censor withheld its signature for, signed when its window ends. */
typedef struct withheld_att {
    xr_xheader h;
    xr_hash root;
    uint64_t until_ns;
} withheld_att;

typedef struct verifier {
    mdl_verifiers *host;
    uint32_t index;
    uint32_t node;
    xr_bft *bft;
    void *mem;
    const xr_sig_key *key;
    xr_address addr;
    uint64_t power;
    xr_sig_backend sigw;         /* charging wrapper; ctx = this verifier */
    byz_ref *refs;               /* its Byzantine entries, in scenario order */
    uint32_t ref_count;
    uint32_t mask;               /* BIT(behaviour) of every entry */
    bool honest;                 /* no entry at all */
    gsl_rng *byz_rng;            /* probability draws (only with a probability) */
    bool started;
    uint64_t timer;              /* net timer of the core's deadline, 0: none */
    uint64_t timer_dl;           /* the deadline it stands for */
    uint64_t height;             /* xr_bft_height after the last call */
    gsl_rng *watch_rng;
    /* equivocation: the twin of this node's proposal at (eq_height, eq_round) */
    bool eq_has;
    uint64_t eq_height;
    uint32_t eq_round;
    uint8_t eq_orig[32];
    uint8_t eq_twin[32];
    /* counters */
    uint64_t sigs_signed, sigs_verified;
    uint64_t suppressed, twins, observed, obs_missed, att_signed;
    uint64_t delayed, withheld, conflicting, lazy, forged;
    withheld_att *backlog;       /* censored XBlocks to sign once the censorship ends */
    size_t backlog_len, backlog_cap;
} verifier;

typedef struct hrec {
    bool committed;
    uint32_t proposer, round, votes, commit_count, approved, first_verifier;
    uint8_t block_id[32];
    uint64_t start_ns, first_commit_ns, last_commit_ns;
} hrec;

typedef struct arec {
    bool approved;
    uint8_t root[32];
    uint64_t first_vote_ns;      /* UINT64_MAX: nobody signed it */
    uint32_t votes;              /* verifiers that signed it */
    uint64_t approved_ns;
    uint64_t height;
    uint64_t signed_power, total_power;
    uint32_t signer_count;
    uint32_t approved_count;     /* honest verifiers that approved it */
} arec;

typedef struct astream {
    uint64_t chain;
    uint8_t level;
    arec *recs;                  /* [offset - 1] */
    uint64_t count, cap;
} astream;

typedef struct erec {
    uint8_t hash[32];
    mdl_evidence_info info;
    uint8_t *seen;               /* bitset of detecting verifiers */
} erec;

typedef struct conflict {
    uint64_t height;
    uint32_t verifier;
    uint32_t first_verifier;
    uint8_t block_id[32];
    uint8_t first_block_id[32];
    uint64_t at_ns;
} conflict;

typedef struct obs {
    uint64_t at_ns;
    xr_xheader h;
    xr_hash root;
    uint64_t route_mask;         /* censored routes whose messages it holds */
    bool provisional;            /* mdl_verifiers_observe_provisional */
} obs;

/* A forged XBlock registered for its (chain, level, offset). */
typedef struct forged {
    bool used;
    xr_xheader h;
    xr_hash root;
} forged;

/* A consensus message held back by a delayed verifier: to one node, or to
** the peers of rank [lo, hi) (ranks: verifier indices without the sender). */
typedef struct delayed_msg {
    uint8_t *bytes;
    size_t len;
    uint32_t owner;              /* verifier index; NONE32: free slot */
    uint32_t to_node;            /* NONE32: the rank range */
    uint32_t lo, hi;
    uint32_t next_free;
} delayed_msg;

typedef struct addr_ix {
    xr_address addr;
    uint32_t index;
} addr_ix;

#define RECOVER_MEMO_SLOTS (1u << 16)

typedef struct sig_memo {
    uint8_t digest[32];
    uint8_t sig[65];
    uint8_t addr[20];
    bool valid;
    int rc;
} sig_memo;

struct mdl_verifiers {
    sim_engine *engine;
    sim_net *net;
    const mdl_verifier_config *vc;
    mdl_consensus_config cc;
    uint64_t seed;
    uint32_t n;
    uint32_t first_node;
    verifier *v;
    addr_ix *by_addr;            /* sorted by address */
    xr_validator *members;
    xr_valset valset;
    uint64_t total_power, byz_power;
    uint32_t byz_count;
    mdl_sig_fast *fast;
    mdl_sig_secp *secp;
    xr_sig_backend inner;
    sig_memo *memo;              /* RECOVER_MEMO_SLOTS recoveries, shared by all verifiers */
    uint64_t memo_hits;
    mdl_digest_memo *digests;    /* Keccak of byte strings, shared by all cores */
    xr_keccak_service keccak;    /* its service, handed to every core */
    mdl_verifier_hooks hooks;
    const char *error;
    /* one action buffer for every call (the host is single-threaded) */
    xr_action *items;
    uint8_t *arena;
    xr_actions acts;
    uint64_t actions_dropped;
    /* Byzantine entries: refs of all verifiers, by verifier then entry */
    byz_ref *refs;
    size_t ref_count;
    uint32_t *fraction_prefix;   /* per entry: resolved stake_fraction prefix length */
    forged *forge_tab;           /* open addressing, at most half full */
    size_t forge_cap, forge_count;
    delayed_msg *dl;
    size_t dl_count, dl_cap;
    uint32_t dl_free;
    uint8_t *twin_ext;           /* conflicting extension entries */
    const mdl_byzantine_cfg **routes; /* censor entries with a route; bit k of obs.route_mask */
    size_t route_count;
    bool any_lazy;
    /* equivocation scratch */
    uint8_t *twin_block;
    size_t twin_block_cap;
    uint8_t *twin_msg;
    size_t twin_msg_cap;
    /* observations: a deque of seqs [obs_base, obs_base + obs_count) */
    obs *obs_ring;
    uint64_t obs_cap;            /* power of two */
    uint64_t obs_base, obs_count;
    uint64_t xblocks_observed;
    /* synthetic XBlocks */
    uint32_t k_synth;
    uint64_t *synth_offset;      /* per chain: last attest offset */
    uint64_t *synth_msg_offset;  /* per chain: last message offset */
    xr_xmsg *synth_msgs;
    xr_hash *synth_work;
    /* results */
    hrec *heights;               /* [h - 1] */
    uint64_t height_count, height_cap;
    astream *streams;
    size_t stream_count, stream_cap;
    erec *ev;
    size_t ev_count, ev_cap;
    uint32_t *ev_index;          /* open addressing over ev, NONE32 empty */
    size_t ev_index_cap;
    conflict *conflicts;
    size_t conflict_count, conflict_cap;
    uint64_t approval_conflicts;
};

/* ---- small helpers ------------------------------------------------------- */

static void fail(mdl_verifiers *vs, const char *why) {
    if (!vs->error) vs->error = why;
    sim_engine_stop(vs->engine);
}

static bool grow(void **p, uint64_t *cap, uint64_t need, size_t elem) {
    if (need <= *cap) return true;
    uint64_t c = *cap ? *cap : 16;
    while (c < need) c *= 2;
    void *q = realloc(*p, (size_t)c * elem);
    if (!q) return false;
    memset((uint8_t *)q + (size_t)*cap * elem, 0, (size_t)(c - *cap) * elem);
    *p = q;
    *cap = c;
    return true;
}

static bool grow_sz(void **p, size_t *cap, size_t need, size_t elem) {
    uint64_t c = *cap;
    bool ok = grow(p, &c, need, elem);
    *cap = (size_t)c;
    return ok;
}

static verifier *of_node(mdl_verifiers *vs, uint32_t node) {
    uint32_t i = node - vs->first_node;
    assert(i < vs->n && vs->v[i].node == node);
    return &vs->v[i];
}

static bool in_ranges(const mdl_range *r, uint32_t n, uint64_t x) {
    for (uint32_t i = 0; i < n; i++)
        if (x >= r[i].lo && x <= r[i].hi) return true;
    return false;
}

/* Do the conditions of entry r hold for an action of v now?  The
** probability is drawn last, only when everything else holds. */
static bool trigger_holds(verifier *v, byz_ref *r, uint64_t now_ns) {
    const mdl_byzantine_cfg *c = r->info.cfg;
    if (now_ns < c->from_ns || now_ns >= c->until_ns) return false;
    if (c->heights && !in_ranges(c->heights, c->height_count, xr_bft_height(v->bft))) return false;
    if (c->rounds && !in_ranges(c->rounds, c->round_count, xr_bft_round(v->bft))) return false;
    if (!c->has_probability) return true;
    assert(v->byz_rng && c->prob_den >= 1);
    r->info.draws++;
    if (sim_rng_below(v->byz_rng, c->prob_den) >= c->prob_num) return false;
    r->info.fired++;
    return true;
}

/* The first entry of behaviour b (scenario order) whose trigger holds for
** an action of v now, or NULL: the action is honest. */
static byz_ref *fire(verifier *v, mdl_behaviour b, uint64_t now_ns) {
    if (!(v->mask & BIT(b))) return NULL;
    for (uint32_t k = 0; k < v->ref_count; k++) {
        byz_ref *r = &v->refs[k];
        if (r->info.behaviour == b && trigger_holds(v, r, now_ns)) return r;
    }
    return NULL;
}

/* As fire for censor entries that match XBlock h (its source chain, or a
** censored route whose bit route_mask has). */
static byz_ref *fire_censor(verifier *v, const xr_xheader *h, uint64_t route_mask, uint64_t now_ns) {
    if (!(v->mask & BIT(MDL_BEHAVIOUR_CENSOR))) return NULL;
    for (uint32_t k = 0; k < v->ref_count; k++) {
        byz_ref *r = &v->refs[k];
        const mdl_byzantine_cfg *c = r->info.cfg;
        if (r->info.behaviour != MDL_BEHAVIOUR_CENSOR) continue;
        bool match = c->censor == MDL_CENSOR_CHAIN ? h->source_chain_id == c->chain
                                                   : ((route_mask >> r->route_bit) & 1u) != 0;
        if (match && trigger_holds(v, r, now_ns)) return r;
    }
    return NULL;
}

static int addr_cmp(const void *a, const void *b) {
    return memcmp(((const addr_ix *)a)->addr.bytes, ((const addr_ix *)b)->addr.bytes, 20);
}

static uint32_t index_of_addr(const mdl_verifiers *vs, const uint8_t addr[20]) {
    addr_ix key;
    memcpy(key.addr.bytes, addr, 20);
    const addr_ix *hit = bsearch(&key, vs->by_addr, vs->n, sizeof *vs->by_addr, addr_cmp);
    return hit ? hit->index : NONE32;
}

/* ---- the charging signature wrapper --------------------------------------- */

/* Recovery is a pure function of (digest, signature), and in a simulation
** the same signed bytes reach every verifier: all 100 of them would repeat
** the same Keccak/ECDSA work.  A direct-mapped memo shared by the verifiers
** answers repeats; each verifier is still charged its simulated CPU cost,
** so timing, decisions and the event digest are exactly as without it. */

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
    uint64_t k;
    memcpy(&k, digest, sizeof k);
    uint64_t k2;
    memcpy(&k2, sig, sizeof k2);
    sig_memo *m = &vs->memo[(k ^ k2) & (RECOVER_MEMO_SLOTS - 1)];
    if (m->valid && memcmp(m->digest, digest, 32) == 0 && memcmp(m->sig, sig, 65) == 0) {
        vs->memo_hits++;
        memcpy(addr_out, m->addr, 20);
        return m->rc;
    }
    int rc = vs->inner.recover(vs->inner.ctx, digest, sig, addr_out);
    m->valid = true;
    m->rc = rc;
    memcpy(m->digest, digest, 32);
    memcpy(m->sig, sig, 65);
    memcpy(m->addr, addr_out, 20);
    return rc;
}

/* ---- results bookkeeping -------------------------------------------------- */

static hrec *height_rec(mdl_verifiers *vs, uint64_t h) {
    assert(h >= 1);
    if (h > vs->height_count) {
        if (!grow((void **)&vs->heights, &vs->height_cap, h, sizeof *vs->heights)) return NULL;
        for (uint64_t k = vs->height_count; k < h; k++) {
            vs->heights[k].start_ns = UINT64_MAX;
            vs->heights[k].proposer = NONE32;
        }
        vs->height_count = h;
    }
    return &vs->heights[h - 1];
}

static arec *att_rec(mdl_verifiers *vs, uint64_t chain, uint8_t level, uint64_t offset) {
    if (offset == 0) return NULL;
    astream *s = NULL;
    for (size_t i = 0; i < vs->stream_count && !s; i++)
        if (vs->streams[i].chain == chain && vs->streams[i].level == level) s = &vs->streams[i];
    if (!s) {
        if (!grow_sz((void **)&vs->streams, &vs->stream_cap, vs->stream_count + 1, sizeof *vs->streams))
            return NULL;
        s = &vs->streams[vs->stream_count++];
        memset(s, 0, sizeof *s);
        s->chain = chain;
        s->level = level;
    }
    if (offset > s->count) {
        if (!grow((void **)&s->recs, &s->cap, offset, sizeof *s->recs)) return NULL;
        for (uint64_t k = s->count; k < offset; k++) s->recs[k].first_vote_ns = UINT64_MAX;
        s->count = offset;
    }
    return &s->recs[offset - 1];
}

static void note_height(mdl_verifiers *vs, verifier *v, uint64_t now_ns) {
    uint64_t h = xr_bft_height(v->bft);
    if (h == v->height) return;
    uint64_t from = v->height;
    v->height = h;
    if (!v->honest) return;
    for (uint64_t k = from + 1; k <= h; k++) {
        hrec *r = height_rec(vs, k);
        if (!r) {
            fail(vs, "out of memory recording consensus heights");
            return;
        }
        if (now_ns < r->start_ns) r->start_ns = now_ns;
    }
}

static void on_commit(mdl_verifiers *vs, verifier *v, uint64_t now_ns, const xr_action_commit *c) {
    if (vs->hooks.on_commit) vs->hooks.on_commit(vs->hooks.ctx, v->index, now_ns, c);
    if (!v->honest) return;
    hrec *r = height_rec(vs, c->height);
    if (!r) {
        fail(vs, "out of memory recording consensus heights");
        return;
    }
    if (!r->committed) {
        r->committed = true;
        r->round = c->round;
        r->first_commit_ns = now_ns;
        r->first_verifier = v->index;
        memcpy(r->block_id, c->block_id, 32);
        xr_bft_block blk;
        xr_bftmsg_limits lim = xr_bft_limits(v->bft);
        if (xr_bft_block_decode(c->block.ptr, c->block.len, &lim, &blk) == 0) {
            r->proposer = index_of_addr(vs, blk.proposer);
            r->votes = blk.vote_count;
        }
    } else if (memcmp(r->block_id, c->block_id, 32) != 0) {
        if (!grow_sz((void **)&vs->conflicts, &vs->conflict_cap, vs->conflict_count + 1,
                     sizeof *vs->conflicts)) {
            fail(vs, "out of memory recording a conflicting commit");
            return;
        }
        conflict *k = &vs->conflicts[vs->conflict_count++];
        k->height = c->height;
        k->verifier = v->index;
        k->first_verifier = r->first_verifier;
        memcpy(k->block_id, c->block_id, 32);
        memcpy(k->first_block_id, r->block_id, 32);
        k->at_ns = now_ns;
    }
    r->last_commit_ns = now_ns;
    r->commit_count++;
}

static void on_approved(mdl_verifiers *vs, verifier *v, uint64_t now_ns, const xr_action_approved *a) {
    if (vs->hooks.on_approved) vs->hooks.on_approved(vs->hooks.ctx, v->index, now_ns, a);
    if (!v->honest) return;
    arec *r = att_rec(vs, a->header.source_chain_id, a->header.conf_level, a->header.offset);
    if (!r) {
        fail(vs, "out of memory recording attestations");
        return;
    }
    if (!r->approved) {
        r->approved = true;
        memcpy(r->root, a->root.bytes, 32);
        r->approved_ns = now_ns;
        r->height = a->height;
        r->signed_power = a->signed_power;
        r->total_power = a->total_power;
        r->signer_count = a->sig_count;
        hrec *h = height_rec(vs, a->height);
        if (h) h->approved++;
    } else if (memcmp(r->root, a->root.bytes, 32) != 0) {
        vs->approval_conflicts++;
    }
    r->approved_count++;
}

static uint64_t load64(const uint8_t *p) {
    uint64_t x;
    memcpy(&x, p, 8);
    return x;
}

static void on_evidence(mdl_verifiers *vs, verifier *v, uint64_t now_ns, const xr_action_evidence *e) {
    if (vs->hooks.on_evidence) vs->hooks.on_evidence(vs->hooks.ctx, v->index, now_ns, e);
    if (!v->honest) return;
    uint8_t hash[32];
    xr_keccak256(e->bytes.ptr, e->bytes.len, hash);
    /* the index is kept at most half full */
    if (2 * (vs->ev_count + 1) > vs->ev_index_cap) {
        size_t cap = vs->ev_index_cap ? vs->ev_index_cap * 2 : 64;
        uint32_t *ix = malloc(cap * sizeof *ix);
        if (!ix) {
            fail(vs, "out of memory recording evidence");
            return;
        }
        for (size_t i = 0; i < cap; i++) ix[i] = NONE32;
        for (size_t k = 0; k < vs->ev_count; k++) {
            size_t at = (size_t)load64(vs->ev[k].hash) & (cap - 1);
            while (ix[at] != NONE32) at = (at + 1) & (cap - 1);
            ix[at] = (uint32_t)k;
        }
        free(vs->ev_index);
        vs->ev_index = ix;
        vs->ev_index_cap = cap;
    }
    size_t at = (size_t)load64(hash) & (vs->ev_index_cap - 1);
    while (vs->ev_index[at] != NONE32 && memcmp(vs->ev[vs->ev_index[at]].hash, hash, 32) != 0)
        at = (at + 1) & (vs->ev_index_cap - 1);
    erec *r;
    if (vs->ev_index[at] == NONE32) {
        if (!grow_sz((void **)&vs->ev, &vs->ev_cap, vs->ev_count + 1, sizeof *vs->ev)) {
            fail(vs, "out of memory recording evidence");
            return;
        }
        r = &vs->ev[vs->ev_count];
        memset(r, 0, sizeof *r);
        r->seen = calloc((vs->n + 7u) / 8u, 1);
        if (!r->seen) {
            fail(vs, "out of memory recording evidence");
            return;
        }
        vs->ev_index[at] = (uint32_t)vs->ev_count++;
        memcpy(r->hash, hash, 32);
        r->info.kind = e->kind;
        r->info.offender = index_of_addr(vs, e->offender);
        r->info.first_ns = now_ns;
        r->info.height = 0;
        r->info.round = 0;
        xr_evidence ed;
        if (e->kind == XR_EVIDENCE_DUPLICATE_VOTE && xr_evidence_decode(e->bytes.ptr, e->bytes.len, &ed) == 0) {
            r->info.height = ed.core_a.height;
            r->info.round = ed.core_a.round;
            r->info.vote_type = ed.core_a.type;
        }
    } else {
        r = &vs->ev[vs->ev_index[at]];
    }
    if (!(r->seen[v->index / 8u] & (1u << (v->index % 8u)))) {
        r->seen[v->index / 8u] |= (uint8_t)(1u << (v->index % 8u));
        r->info.detectors++;
    }
}

/* ---- sending ---------------------------------------------------------------- */

static void send_to(mdl_verifiers *vs, verifier *v, uint32_t to_node, const uint8_t *bytes, size_t len) {
    int rc = sim_net_send(vs->net, v->node, to_node, bytes, len);
    if (rc == SIM_NET_ENOMEM) fail(vs, "out of memory sending a consensus message");
    assert(rc != SIM_NET_ETOOBIG);
}

/* To the peers of v with rank [lo, hi) (ranks: indices without v). */
static void send_ranks(mdl_verifiers *vs, verifier *v, uint32_t lo, uint32_t hi, const uint8_t *bytes,
                       size_t len) {
    assert(lo <= hi && hi <= vs->n - 1u);
    for (uint32_t rank = lo; rank < hi; rank++) {
        uint32_t j = rank < v->index ? rank : rank + 1u;
        send_to(vs, v, vs->v[j].node, bytes, len);
    }
}

static void dl_release(mdl_verifiers *vs, uint32_t slot) {
    delayed_msg *d = &vs->dl[slot];
    free(d->bytes);
    d->bytes = NULL;
    d->owner = NONE32;
    d->next_free = vs->dl_free;
    vs->dl_free = slot;
}

/* Sends now (delay NULL) or holds back for delay's `delay`: to one node
** (to_node) or to the peers of rank [lo, hi) (to_node NONE32). */
static void out_emit(mdl_verifiers *vs, verifier *v, byz_ref *delay, uint32_t to_node, uint32_t lo,
                     uint32_t hi, const uint8_t *bytes, size_t len, uint64_t now_ns) {
    uint32_t copies = to_node != NONE32 ? 1u : hi - lo;
    if (copies == 0) return;
    if (delay == NULL) {
        if (to_node != NONE32)
            send_to(vs, v, to_node, bytes, len);
        else
            send_ranks(vs, v, lo, hi, bytes, len);
        return;
    }
    if (vs->dl_free == NONE32) {
        if (vs->dl_count >= NONE32 - 1u ||
            !grow_sz((void **)&vs->dl, &vs->dl_cap, vs->dl_count + 1, sizeof *vs->dl)) {
            fail(vs, "out of memory delaying a consensus message");
            return;
        }
        vs->dl[vs->dl_count].owner = NONE32;
        vs->dl[vs->dl_count].next_free = NONE32;
        vs->dl_free = (uint32_t)vs->dl_count++;
    }
    uint32_t slot = vs->dl_free;
    delayed_msg *d = &vs->dl[slot];
    d->bytes = malloc(len ? len : 1u);
    if (!d->bytes) {
        fail(vs, "out of memory delaying a consensus message");
        return;
    }
    vs->dl_free = d->next_free;
    memcpy(d->bytes, bytes, len);
    d->len = len;
    d->owner = v->index;
    d->to_node = to_node;
    d->lo = lo;
    d->hi = hi;
    uint64_t at = now_ns + delay->info.cfg->delay_ns;
    if (sim_net_timer_at(vs->net, v->node, at, ((uint64_t)slot << TAG_BITS) | TAG_DELAYED) == 0) {
        dl_release(vs, slot);
        if (sim_net_node_is_up(vs->net, v->node)) fail(vs, "out of memory delaying a consensus message");
        return;
    }
    delay->info.delayed += copies;
    v->delayed += copies;
}

/* A delayed message's time has come. */
static void dl_fire(mdl_verifiers *vs, verifier *v, uint64_t slot) {
    assert(slot < vs->dl_count && vs->dl[slot].owner == v->index);
    const delayed_msg *d = &vs->dl[slot];
    if (d->to_node != NONE32)
        send_to(vs, v, d->to_node, d->bytes, d->len);
    else
        send_ranks(vs, v, d->lo, d->hi, d->bytes, d->len);
    dl_release(vs, (uint32_t)slot);
}

/* Conflicting votes for the n extension entries of m into vs->twin_ext:
** each entry's header with a made-up message root keccak(tag || root),
** signed by v.  Returns false when a signature failed. */
static bool make_conflicting_ext(mdl_verifiers *vs, verifier *v, const xr_bftmsg *m) {
    for (uint32_t i = 0; i < m->ext_count; i++) {
        xr_att_vote a;
        xr_bftmsg_ext_get(m, i, &a);
        uint8_t buf[sizeof conflict_tag - 1u + 32u];
        memcpy(buf, conflict_tag, sizeof conflict_tag - 1u);
        memcpy(buf + sizeof conflict_tag - 1u, a.msg_root.bytes, 32);
        xr_keccak256(buf, sizeof buf, a.msg_root.bytes);
        xr_att_vote_compute_root(&a);
        xr_hash d;
        xr_attest_sign_digest(&a.root, &d);
        if (xr_sig_sign(&v->sigw, v->key, d.bytes, a.sig) != 0) return false;
        xr_att_vote_encode_entry(&a, vs->twin_ext + (size_t)i * XR_BFT_EXT_ENTRY_BYTES);
    }
    return true;
}

/* The conflicting twin of one of v's own messages, into vs->twin_msg: for
** equivocating, the same message signed for another block (or nil); for
** conflicting_attestations, a precommit with the same signed core whose
** extension holds conflicting attestation votes; both at once when both
** fire.  Returns its length, 0 when there is none (a relay, undecodable,
** nothing fired); *by: the entry credited with the twin; *reveal: the
** first half of the peers also gets it. */
static size_t make_twin(mdl_verifiers *vs, verifier *v, uint64_t now_ns, const uint8_t *bytes, size_t len,
                        byz_ref **by, bool *reveal) {
    xr_bftmsg m;
    xr_bftmsg_limits lim = xr_bft_limits(v->bft);
    if (xr_bftmsg_decode(bytes, len, &lim, &m) != 0) return 0;
    if (memcmp(m.core.validator, v->addr.bytes, 20) != 0) return 0; /* a relayed prevote */
    byz_ref *eq = fire(v, MDL_BEHAVIOUR_EQUIVOCATING, now_ns);
    byz_ref *cf = m.core.type == XR_BFT_PRECOMMIT && m.ext_count > 0
                      ? fire(v, MDL_BEHAVIOUR_CONFLICTING, now_ns)
                      : NULL;
    if (!eq && !cf) return 0;
    xr_bft_core c = m.core;
    const uint8_t *block = NULL;
    size_t block_len = 0;
    if (eq && c.type == XR_BFT_PROPOSAL) {
        xr_bft_block blk;
        if (xr_bft_block_decode(m.block, m.block_len, &lim, &blk) != 0) return 0;
        blk.payload = (const uint8_t *)equivocation_payload;
        blk.payload_len = (uint32_t)(sizeof equivocation_payload - 1u);
        int bl = xr_bft_block_encode(&blk, vs->twin_block, vs->twin_block_cap);
        if (bl <= 0) return 0;
        block = vs->twin_block;
        block_len = (size_t)bl;
        xr_bft_block_id(block, block_len, c.block_id);
        if (memcmp(c.block_id, m.core.block_id, 32) == 0) return 0; /* it already was the twin */
        v->eq_has = true;
        v->eq_height = c.height;
        v->eq_round = c.round;
        memcpy(v->eq_orig, m.core.block_id, 32);
        memcpy(v->eq_twin, c.block_id, 32);
    } else if (eq) {
        bool mine = v->eq_has && v->eq_height == c.height && v->eq_round == c.round;
        if (mine && memcmp(c.block_id, v->eq_orig, 32) == 0) {
            memcpy(c.block_id, v->eq_twin, 32);
        } else if (xr_bft_id_is_nil(c.block_id)) {
            /* a made-up block: keccak("xrsim:equivocation" || height || round) */
            uint8_t buf[sizeof equivocation_payload - 1u + 12u];
            memcpy(buf, equivocation_payload, sizeof equivocation_payload - 1u);
            size_t k = sizeof equivocation_payload - 1u;
            for (int i = 7; i >= 0; i--) buf[k++] = (uint8_t)(c.height >> (8 * i));
            for (int i = 3; i >= 0; i--) buf[k++] = (uint8_t)(c.round >> (8 * i));
            xr_keccak256(buf, k, c.block_id);
        } else {
            memset(c.block_id, 0, 32);
        }
    }
    const uint8_t *ext = NULL;
    uint32_t ext_n = 0;
    if (cf) {
        /* a nil precommit carries no extension: the twin for nil has none */
        bool nil = xr_bft_id_is_nil(c.block_id);
        if (!nil) {
            if (!make_conflicting_ext(vs, v, &m)) return 0;
            ext = vs->twin_ext;
            ext_n = m.ext_count;
            cf->info.conflicting += ext_n;
            v->conflicting += ext_n;
        } else if (!eq) {
            return 0;
        }
    }
    if (eq && xr_bft_sign_core(&v->sigw, v->key, &c) != 0) return 0;
    int n = xr_bftmsg_encode(&c, block, block_len, ext, ext_n, vs->twin_msg, vs->twin_msg_cap);
    if (n <= 0) return 0;
    *by = eq ? eq : cf;
    *reveal = (eq && eq->info.cfg->reveal) || (cf && cf->info.cfg->reveal);
    return (size_t)n;
}

static void out_broadcast(mdl_verifiers *vs, verifier *v, uint64_t now_ns, const xr_view *b) {
    uint32_t n = vs->n;
    byz_ref *silent = fire(v, MDL_BEHAVIOUR_SILENT, now_ns);
    if (silent) {
        v->suppressed += n - 1u;
        silent->info.suppressed += n - 1u;
        return;
    }
    byz_ref *by = NULL;
    bool reveal = false;
    size_t tl = v->mask & (BIT(MDL_BEHAVIOUR_EQUIVOCATING) | BIT(MDL_BEHAVIOUR_CONFLICTING))
                    ? make_twin(vs, v, now_ns, b->ptr, b->len, &by, &reveal)
                    : 0;
    byz_ref *delay = fire(v, MDL_BEHAVIOUR_DELAYED, now_ns);
    if (tl == 0) {
        out_emit(vs, v, delay, NONE32, 0, n - 1u, b->ptr, b->len, now_ns);
        return;
    }
    /* peers ranked by index without self; the first half gets the original */
    uint32_t half = n / 2u;
    uint64_t twins = (reveal ? half : 0u) + (n - 1u - half);
    v->twins += twins;
    by->info.twins += twins;
    if (delay) {
        out_emit(vs, v, delay, NONE32, 0, half, b->ptr, b->len, now_ns);
        if (reveal) out_emit(vs, v, delay, NONE32, 0, half, vs->twin_msg, tl, now_ns);
        out_emit(vs, v, delay, NONE32, half, n - 1u, vs->twin_msg, tl, now_ns);
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
    byz_ref *silent = fire(v, MDL_BEHAVIOUR_SILENT, now_ns);
    if (silent) {
        v->suppressed++;
        silent->info.suppressed++;
        return;
    }
    if (s->to >= sim_net_node_count(vs->net)) return;
    out_emit(vs, v, fire(v, MDL_BEHAVIOUR_DELAYED, now_ns), s->to, 0, 0, s->bytes.ptr, s->bytes.len, now_ns);
}

/* Walk the actions of one core call, then re-arm the deadline timer. */
static void after_call(mdl_verifiers *vs, verifier *v, uint64_t now_ns) {
    xr_actions *a = &vs->acts;
    for (uint32_t k = 0; k < a->count; k++) {
        const xr_action *act = &a->items[k];
        switch (act->kind) {
        case XR_ACT_BROADCAST: out_broadcast(vs, v, now_ns, &act->u.broadcast.bytes); break;
        case XR_ACT_SEND: out_send(vs, v, now_ns, &act->u.send); break;
        case XR_ACT_COMMIT: on_commit(vs, v, now_ns, &act->u.commit); break;
        case XR_ACT_EVIDENCE: on_evidence(vs, v, now_ns, &act->u.evidence); break;
        case XR_ACT_ATTEST_APPROVED: on_approved(vs, v, now_ns, &act->u.approved); break;
        default: assert(0 && "unknown action kind"); break;
        }
    }
    vs->actions_dropped += a->dropped;
    a->dropped = 0;
    xr_actions_clear(a);
    note_height(vs, v, now_ns);
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
        if (sim_net_node_is_up(vs->net, v->node)) fail(vs, "out of memory arming a consensus timer");
        return;
    }
    v->timer_dl = dl;
}

/* ---- network handlers ----------------------------------------------------------- */

static void on_message(void *ctx, uint32_t node, uint32_t from, const uint8_t *bytes, size_t len) {
    mdl_verifiers *vs = ctx;
    verifier *v = of_node(vs, node);
    if (!v->started) return; /* not running yet: the bytes are lost */
    uint64_t now = sim_net_cpu_now_ns(vs->net, node);
    (void)xr_bft_on_message(v->bft, now, from, bytes, len, &vs->acts); /* counted in its stats */
    after_call(vs, v, now);
}

/* The forged XBlock registered for h's (chain, level, offset), or NULL. */
static const forged *forge_find(const mdl_verifiers *vs, const xr_xheader *h);

/* A verifier signed an attestation vote for h now: count it in the
** attestation's record.  False (run failed) when out of memory. */
static bool note_vote(mdl_verifiers *vs, const xr_xheader *h, uint64_t now_ns) {
    arec *r = att_rec(vs, h->source_chain_id, h->conf_level, h->offset);
    if (!r) {
        fail(vs, "out of memory recording attestations");
        return false;
    }
    if (now_ns < r->first_vote_ns) r->first_vote_ns = now_ns;
    r->votes++;
    return true;
}

static void backlog_push(mdl_verifiers *vs, verifier *v, const xr_xheader *h, const xr_hash *root,
                         uint64_t until_ns) {
    if (v->backlog_len == v->backlog_cap) {
        size_t cap = v->backlog_cap ? v->backlog_cap * 2 : 16;
        withheld_att *nb = realloc(v->backlog, cap * sizeof *nb);
        if (!nb) {
            fail(vs, "out of memory holding a censored XBlock");
            return;
        }
        v->backlog = nb;
        v->backlog_cap = cap;
    }
    v->backlog[v->backlog_len++] = (withheld_att){*h, *root, until_ns};
    if (sim_net_timer_at(vs->net, v->node, until_ns, TAG_RESUME) == 0) fail(vs, "out of memory");
}

/* Signs, in the order withheld, what a censorship window that ended held back
** (stale offsets are refused by the core, as they would be on chain). */
static void backlog_resume(mdl_verifiers *vs, verifier *v, uint64_t now_ns) {
    size_t keep = 0;
    for (size_t i = 0; i < v->backlog_len; i++) {
        withheld_att *w = &v->backlog[i];
        if (w->until_ns > now_ns) {
            v->backlog[keep++] = *w;
            continue;
        }
        if (xr_bft_add_local_attestation(v->bft, &w->h, &w->root) != 0) continue;
        v->att_signed++;
        if (!note_vote(vs, &w->h, now_ns)) return;
    }
    v->backlog_len = keep;
}

static void do_observe(mdl_verifiers *vs, verifier *v, uint64_t seq, uint64_t now_ns) {
    if (seq < vs->obs_base || seq >= vs->obs_base + vs->obs_count) {
        v->obs_missed++;
        return;
    }
    const obs *o = &vs->obs_ring[seq & (vs->obs_cap - 1u)];
    if (!o->provisional) v->observed++;
    byz_ref *censor = fire_censor(v, &o->h, o->route_mask, now_ns);
    if (censor) {
        censor->info.withheld++;
        v->withheld++;
        /* a censor that stops censoring signs what it held back, as its watcher saw it */
        if (censor->info.cfg->until_ns != SIM_NET_NEVER) backlog_push(vs, v, &o->h, &o->root, censor->info.cfg->until_ns);
        return;
    }
    byz_ref *lazy = NULL;
    if (o->provisional) {
        lazy = fire(v, MDL_BEHAVIOUR_LAZY, now_ns);
        if (!lazy) return; /* not lazy now: it waits for the real observation */
    }
    const xr_xheader *h = &o->h;
    const xr_hash *root = &o->root;
    byz_ref *forge = NULL;
    if (v->mask & BIT(MDL_BEHAVIOUR_FORGE)) {
        const forged *f = forge_find(vs, h);
        if (f && (forge = fire(v, MDL_BEHAVIOUR_FORGE, now_ns)) != NULL) {
            h = &f->h;
            root = &f->root;
        }
    }
    int rc = xr_bft_add_local_attestation(v->bft, h, root);
    if (rc != 0) return;
    v->att_signed++;
    if (lazy) {
        lazy->info.lazy++;
        v->lazy++;
    }
    if (forge) {
        forge->info.forged++;
        v->forged++;
    }
    note_vote(vs, h, now_ns);
}

static void on_timer(void *ctx, uint32_t node, uint64_t tag) {
    mdl_verifiers *vs = ctx;
    verifier *v = of_node(vs, node);
    uint64_t now = sim_net_cpu_now_ns(vs->net, node);
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
    case TAG_OBSERVE: do_observe(vs, v, tag >> TAG_BITS, now); break;
    case TAG_DELAYED: dl_fire(vs, v, tag >> TAG_BITS); break;
    case TAG_RESUME: backlog_resume(vs, v, now); break;
    default: assert(0 && "unknown verifier timer tag");
    }
}

static void on_crash(void *ctx, uint32_t node) {
    mdl_verifiers *vs = ctx;
    verifier *v = of_node(vs, node);
    v->timer = 0; /* vanished with the crash */
    v->timer_dl = UINT64_MAX;
    /* so did the timers of its delayed messages: they are lost */
    for (size_t k = 0; k < vs->dl_count; k++)
        if (vs->dl[k].owner == v->index) dl_release(vs, (uint32_t)k);
}

static void on_restart(void *ctx, uint32_t node) {
    mdl_verifiers *vs = ctx;
    verifier *v = of_node(vs, node);
    uint64_t now = sim_now_ns(vs->engine);
    if (!v->started) {
        if (sim_net_timer_at(vs->net, node, now, TAG_START) == 0) fail(vs, "out of memory restarting a verifier");
        return;
    }
    uint64_t dl = xr_bft_next_deadline(v->bft);
    if (dl == UINT64_MAX) return;
    v->timer = sim_net_timer_at(vs->net, node, dl > now ? dl : now, TAG_DEADLINE);
    if (v->timer == 0) fail(vs, "out of memory restarting a verifier");
    v->timer_dl = dl;
}

/* ---- observations ------------------------------------------------------------------- */

/* Queues an observation and schedules it on every verifier that is up (a
** provisional one: on the verifiers with a lazy entry only). */
static void observe(mdl_verifiers *vs, const xr_xheader *h, const xr_hash *msg_root, uint64_t route_mask,
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
        uint64_t cap = vs->obs_cap ? vs->obs_cap * 2u : 64u;
        obs *ring = malloc((size_t)cap * sizeof *ring);
        if (!ring) {
            fail(vs, "out of memory queueing an XBlock observation");
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
    o->route_mask = route_mask;
    o->provisional = provisional;
    if (!provisional) vs->xblocks_observed++;
    uint64_t span = vc->watcher_max_ns - vc->watcher_min_ns;
    for (uint32_t i = 0; i < vs->n; i++) {
        verifier *v = &vs->v[i];
        if (provisional && !(v->mask & BIT(MDL_BEHAVIOUR_LAZY))) continue;
        uint64_t delay = vc->watcher_min_ns + (span ? sim_rng_below(v->watch_rng, span + 1u) : 0);
        if (!sim_net_node_is_up(vs->net, v->node)) continue;
        if (sim_net_timer_at(vs->net, v->node, now_ns + delay, (seq << TAG_BITS) | TAG_OBSERVE) == 0)
            fail(vs, "out of memory scheduling an XBlock observation");
    }
}

void mdl_verifiers_observe(mdl_verifiers *vs, const xr_xheader *h, const xr_hash *msg_root,
                           uint64_t now_ns) {
    observe(vs, h, msg_root, 0, false, now_ns);
}

void mdl_verifiers_observe_msgs(mdl_verifiers *vs, const xr_xheader *h, const xr_hash *msg_root,
                                const xr_xmsg *msgs, size_t n, uint64_t now_ns) {
    assert(vs && h && (msgs || n == 0));
    uint64_t mask = 0;
    for (size_t k = 0; k < vs->route_count; k++) {
        const mdl_byzantine_cfg *c = vs->routes[k];
        if (c->chain != h->source_chain_id) continue;
        for (size_t i = 0; i < n; i++) {
            if (msgs[i].dest_chain_id == c->to_chain) {
                mask |= UINT64_C(1) << k;
                break;
            }
        }
    }
    observe(vs, h, msg_root, mask, false, now_ns);
}

void mdl_verifiers_observe_provisional(mdl_verifiers *vs, const xr_xheader *h, const xr_hash *msg_root,
                                       uint64_t now_ns) {
    assert(vs && h && msg_root);
    if (!vs->any_lazy) return; /* nobody listens: nothing is queued */
    observe(vs, h, msg_root, 0, true, now_ns);
}

/* ---- forged XBlocks ------------------------------------------------------------------ */

static size_t forge_home(uint64_t chain, uint8_t level, uint64_t offset, size_t cap) {
    uint64_t x = (chain * UINT64_C(0x9e3779b97f4a7c15)) ^ ((uint64_t)level << 56) ^ offset;
    x ^= x >> 31;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 29;
    return (size_t)x & (cap - 1u);
}

static bool forge_same(const xr_xheader *a, const xr_xheader *b) {
    return a->source_chain_id == b->source_chain_id && a->conf_level == b->conf_level &&
           a->offset == b->offset;
}

static const forged *forge_find(const mdl_verifiers *vs, const xr_xheader *h) {
    if (vs->forge_count == 0) return NULL;
    size_t at = forge_home(h->source_chain_id, h->conf_level, h->offset, vs->forge_cap);
    while (vs->forge_tab[at].used) {
        if (forge_same(&vs->forge_tab[at].h, h)) return &vs->forge_tab[at];
        at = (at + 1u) & (vs->forge_cap - 1u);
    }
    return NULL;
}

static forged *forge_slot(forged *tab, size_t cap, const xr_xheader *h) {
    size_t at = forge_home(h->source_chain_id, h->conf_level, h->offset, cap);
    while (tab[at].used && !forge_same(&tab[at].h, h)) at = (at + 1u) & (cap - 1u);
    return &tab[at];
}

int mdl_verifiers_forge(mdl_verifiers *vs, const xr_xheader *h, const xr_hash *msg_root) {
    assert(vs && h && msg_root);
    if (2u * (vs->forge_count + 1u) > vs->forge_cap) {
        size_t cap = vs->forge_cap ? vs->forge_cap * 2u : 64u;
        forged *tab = calloc(cap, sizeof *tab);
        if (!tab) return MDL_VERIFIERS_ENOMEM;
        for (size_t i = 0; i < vs->forge_cap; i++)
            if (vs->forge_tab[i].used) *forge_slot(tab, cap, &vs->forge_tab[i].h) = vs->forge_tab[i];
        free(vs->forge_tab);
        vs->forge_tab = tab;
        vs->forge_cap = cap;
    }
    forged *f = forge_slot(vs->forge_tab, vs->forge_cap, h);
    if (!f->used) vs->forge_count++;
    f->used = true;
    f->h = *h;
    f->root = *msg_root;
    return 0;
}

/* ---- synthetic XBlocks ---------------------------------------------------------------- */

static void synth_emit(void *ctx, sim_engine *e, const sim_event *ev) {
    mdl_verifiers *vs = ctx;
    const mdl_xblock_synth_cfg *sc = &vs->cc.synthetic;
    uint32_t c = ev->node;
    assert(c < sc->chains);
    uint64_t now = sim_now_ns(e);
    xr_xheader h;
    memset(&h, 0, sizeof h);
    h.source_chain_id = MDL_SYNTH_CHAIN_BASE + c;
    h.consensus_chain_id = vs->cc.bft.chain_id;
    h.conf_level = sc->level;
    h.offset = ++vs->synth_offset[c];
    h.source_block_height = h.offset;
    uint8_t buf[32];
    for (int i = 0; i < 8; i++) {
        buf[i] = (uint8_t)(vs->seed >> (56 - 8 * i));
        buf[8 + i] = (uint8_t)(h.source_chain_id >> (56 - 8 * i));
        buf[16 + i] = (uint8_t)(h.offset >> (56 - 8 * i));
        buf[24 + i] = (uint8_t)(now >> (56 - 8 * i));
    }
    xr_keccak256(buf, sizeof buf, h.source_block_hash.bytes);
    xr_hash root;
    memset(&root, 0, sizeof root);
    for (uint32_t k = 0; k < sc->messages; k++) {
        xr_xmsg *m = &vs->synth_msgs[k];
        memset(m, 0, sizeof *m);
        m->dest_chain_id = MDL_SYNTH_CHAIN_BASE + (sc->chains > 1 ? (c + 1u + k % (sc->chains - 1u)) % sc->chains : c);
        m->shard_id = XR_SHARD(sc->level);
        m->offset = ++vs->synth_msg_offset[c];
        memcpy(m->sender.bytes, h.source_block_hash.bytes, 20);
        m->to.bytes[19] = (uint8_t)k;
        m->gas_limit = 100000;
    }
    if (sc->messages &&
        xr_attest_msg_root(vs->synth_msgs, sc->messages, vs->synth_work, 2u * sc->messages, &root) != 0) {
        fail(vs, "synthetic XBlock: message root");
        return;
    }
    mdl_verifiers_observe_msgs(vs, &h, &root, vs->synth_msgs, sc->messages, now);
    if (sim_schedule_at(e, now + sc->interval_ns, vs->k_synth, c, 0) == 0)
        fail(vs, "out of memory scheduling a synthetic XBlock");
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
    vs->memo = calloc(RECOVER_MEMO_SLOTS, sizeof *vs->memo);
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

/* Resolves every Byzantine entry's target (stake_fraction over the drawn
** powers) into per-verifier refs.  Returns false when out of memory. */
static bool byz_build(mdl_verifiers *vs) {
    const mdl_verifier_config *vc = vs->vc;
    size_t ne = vc->byzantine_count;
    for (uint32_t i = 0; i < vs->n; i++) vs->v[i].honest = true;
    if (ne == 0) return true;
    uint64_t *st = malloc((size_t)vs->n * sizeof *st);
    uint32_t *per = calloc(vs->n, sizeof *per);
    uint32_t *bits = calloc(ne, sizeof *bits);
    vs->fraction_prefix = calloc(ne, sizeof *vs->fraction_prefix);
    vs->routes = calloc(ne, sizeof *vs->routes);
    bool ok = st && per && bits && vs->fraction_prefix && vs->routes;
    size_t total = 0;
    for (uint32_t i = 0; ok && i < vs->n; i++) st[i] = vs->v[i].power;
    for (size_t k = 0; ok && k < ne; k++) {
        const mdl_byzantine_cfg *c = &vc->byzantine[k];
        if (c->by_fraction) {
            uint32_t p = mdl_verifier_config_fraction_prefix(st, vs->n, c->fraction_num, c->fraction_den);
            vs->fraction_prefix[k] = p;
            for (uint32_t t = 0; t < p; t++) per[t]++;
            total += p;
        } else {
            for (uint32_t j = 0; j < c->verifier_count; j++) {
                assert(c->verifiers[j] < vs->n);
                per[c->verifiers[j]]++;
            }
            total += c->verifier_count;
        }
        if (c->behaviour == MDL_BEHAVIOUR_CENSOR && c->censor == MDL_CENSOR_ROUTE) {
            assert(vs->route_count < MDL_CENSOR_ROUTES_MAX);
            bits[k] = (uint32_t)vs->route_count;
            vs->routes[vs->route_count++] = c;
        }
    }
    if (ok) vs->refs = calloc(total ? total : 1u, sizeof *vs->refs);
    ok = ok && vs->refs;
    if (ok) {
        vs->ref_count = total;
        size_t at = 0;
        for (uint32_t i = 0; i < vs->n; i++) {
            vs->v[i].refs = vs->refs + at;
            at += per[i];
        }
        for (size_t k = 0; k < ne; k++) {
            const mdl_byzantine_cfg *c = &vc->byzantine[k];
            uint32_t count = c->by_fraction ? vs->fraction_prefix[k] : c->verifier_count;
            for (uint32_t j = 0; j < count; j++) {
                verifier *v = &vs->v[c->by_fraction ? j : c->verifiers[j]];
                byz_ref *r = &v->refs[v->ref_count++];
                r->info.verifier = v->index;
                r->info.entry = (uint32_t)k;
                r->info.behaviour = c->behaviour;
                r->info.cfg = c;
                r->route_bit = bits[k];
                v->mask |= BIT(c->behaviour);
                v->honest = false;
                if (c->behaviour == MDL_BEHAVIOUR_LAZY) vs->any_lazy = true;
                if (c->has_probability && !v->byz_rng) {
                    v->byz_rng = sim_rng_new(vs->seed, MDL_ENT_VERIFIER, v->index, PURPOSE_BYZANTINE);
                    ok = ok && v->byz_rng;
                }
            }
        }
    }
    for (uint32_t i = 0; ok && i < vs->n; i++) {
        if (vs->v[i].honest) continue;
        vs->byz_count++;
        vs->byz_power += vs->v[i].power;
    }
    free(st);
    free(per);
    free(bits);
    return ok;
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
    if (!vs->v || !vs->by_addr || !vs->members) goto oom;
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
    if (!byz_build(vs)) goto oom;
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
    vs->twin_block_cap = xr_bft_block_len(vs->cc.bft.max_block_votes, vs->cc.bft.max_payload_bytes);
    size_t ext_bytes = (size_t)vs->cc.bft.max_ext_votes * XR_BFT_EXT_ENTRY_BYTES;
    vs->twin_msg_cap = XR_BFT_PROPOSAL_CORE_BYTES + 4u + vs->twin_block_cap +
                       XR_BFT_VOTE_CORE_BYTES + 2u + ext_bytes;
    vs->twin_block = malloc(vs->twin_block_cap);
    vs->twin_msg = malloc(vs->twin_msg_cap);
    vs->twin_ext = malloc(ext_bytes ? ext_bytes : 1u);
    vs->dl_free = NONE32;
    if (!vs->twin_block || !vs->twin_msg || !vs->twin_ext) goto oom;
    const mdl_xblock_synth_cfg *sc = &vs->cc.synthetic;
    if (sc->chains) {
        vs->synth_offset = calloc(sc->chains, sizeof *vs->synth_offset);
        vs->synth_msg_offset = calloc(sc->chains, sizeof *vs->synth_msg_offset);
        vs->synth_msgs = calloc(sc->messages ? sc->messages : 1u, sizeof *vs->synth_msgs);
        vs->synth_work = calloc(2u * (sc->messages ? sc->messages : 1u), sizeof *vs->synth_work);
        if (!vs->synth_offset || !vs->synth_msg_offset || !vs->synth_msgs || !vs->synth_work) goto oom;
        vs->k_synth = sim_engine_register(e, "verifiers.xblock", synth_emit, vs);
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
    const mdl_xblock_synth_cfg *sc = &vs->cc.synthetic;
    for (uint32_t c = 0; c < sc->chains; c++) {
        gsl_rng *r = sim_rng_new(vs->seed, MDL_ENT_SYNTH, c, PURPOSE_PHASE);
        if (!r) return false;
        uint64_t phase = sim_rng_below(r, sc->interval_ns);
        gsl_rng_free(r);
        if (sim_schedule_at(vs->engine, sim_now_ns(vs->engine) + phase, vs->k_synth, c, 0) == 0) return false;
    }
    return true;
}

void mdl_verifiers_free(mdl_verifiers *vs) {
    if (!vs) return;
    if (vs->v) {
        for (uint32_t i = 0; i < vs->n; i++) {
            free(vs->v[i].mem);
            if (vs->v[i].watch_rng) gsl_rng_free(vs->v[i].watch_rng);
            if (vs->v[i].byz_rng) gsl_rng_free(vs->v[i].byz_rng);
            free(vs->v[i].backlog);
        }
    }
    free(vs->v);
    free(vs->memo);
    mdl_digest_memo_free(vs->digests);
    free(vs->by_addr);
    free(vs->members);
    free(vs->valset.members);
    mdl_sig_fast_free(vs->fast);
    mdl_sig_secp_free(vs->secp);
    free(vs->items);
    free(vs->arena);
    free(vs->twin_block);
    free(vs->twin_msg);
    free(vs->twin_ext);
    free(vs->refs);
    free(vs->fraction_prefix);
    free(vs->routes);
    free(vs->forge_tab);
    for (size_t k = 0; k < vs->dl_count; k++) free(vs->dl[k].bytes);
    free(vs->dl);
    free(vs->obs_ring);
    free(vs->synth_offset);
    free(vs->synth_msg_offset);
    free(vs->synth_msgs);
    free(vs->synth_work);
    free(vs->heights);
    for (size_t i = 0; i < vs->stream_count; i++) free(vs->streams[i].recs);
    free(vs->streams);
    for (size_t i = 0; i < vs->ev_count; i++) free(vs->ev[i].seen);
    free(vs->ev);
    free(vs->ev_index);
    free(vs->conflicts);
    free(vs);
}

void mdl_verifiers_set_hooks(mdl_verifiers *vs, const mdl_verifier_hooks *h) {
    assert(vs && h);
    vs->hooks = *h;
}

/* ---- queries ------------------------------------------------------------------------------- */

uint64_t mdl_verifiers_chain_id(const mdl_verifiers *vs) { return vs->cc.bft.chain_id; }
uint32_t mdl_verifiers_count(const mdl_verifiers *vs) { return vs->n; }

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

uint64_t mdl_verifiers_heights(const mdl_verifiers *vs) { return vs->height_count; }

bool mdl_verifiers_height(const mdl_verifiers *vs, uint64_t h, mdl_height_info *out) {
    assert(vs && out);
    if (h < 1 || h > vs->height_count) return false;
    const hrec *r = &vs->heights[h - 1];
    memset(out, 0, sizeof *out);
    out->height = h;
    out->committed = r->committed;
    out->proposer = r->proposer;
    out->round = r->round;
    memcpy(out->block_id, r->block_id, 32);
    out->votes = r->votes;
    out->start_ns = r->start_ns;
    out->first_commit_ns = r->first_commit_ns;
    out->last_commit_ns = r->last_commit_ns;
    out->commit_count = r->commit_count;
    out->approved = r->approved;
    return true;
}

size_t mdl_verifiers_evidence_count(const mdl_verifiers *vs) { return vs->ev_count; }

bool mdl_verifiers_evidence(const mdl_verifiers *vs, size_t k, mdl_evidence_info *out) {
    assert(vs && out);
    if (k >= vs->ev_count) return false;
    *out = vs->ev[k].info;
    return true;
}

uint64_t mdl_verifiers_conflicts(const mdl_verifiers *vs) { return vs->conflict_count; }

size_t mdl_verifiers_byzantine_count(const mdl_verifiers *vs) { return vs->ref_count; }

bool mdl_verifiers_byzantine(const mdl_verifiers *vs, size_t k, mdl_byzantine_info *out) {
    assert(vs && out);
    if (k >= vs->ref_count) return false;
    *out = vs->refs[k].info;
    return true;
}

void mdl_verifiers_behaviours(const mdl_verifiers *vs, uint32_t i, char *out, size_t cap) {
    assert(vs && i < vs->n && out && cap >= 128);
    const verifier *v = &vs->v[i];
    size_t w = 0;
    out[0] = '\0';
    for (unsigned b = 1; b < MDL_BEHAVIOUR_COUNT; b++) {
        if (!(v->mask & BIT(b))) continue;
        int k = snprintf(out + w, cap - w, "%s%s", w ? "," : "", mdl_behaviour_name((mdl_behaviour)b));
        if (k > 0) w = w + (size_t)k < cap ? w + (size_t)k : cap - 1u;
    }
    if (w == 0) snprintf(out, cap, "honest");
}
const char *mdl_verifiers_error(const mdl_verifiers *vs) { return vs->error; }

/* ---- summary ---------------------------------------------------------------------------------- */

void mdl_verifiers_summary(const mdl_verifiers *vs, uint64_t end_ns, mdl_consensus_summary *out) {
    assert(vs && out);
    memset(out, 0, sizeof *out);
    out->verifiers = vs->n;
    out->byzantine = vs->byz_count;
    out->total_power = vs->total_power;
    out->byzantine_power = vs->byz_power;
    out->xblocks_observed = vs->xblocks_observed;
    out->evidence = vs->ev_count;
    out->conflicts = vs->conflict_count;
    out->approval_conflicts = vs->approval_conflicts;
    out->actions_dropped = vs->actions_dropped;
    for (uint32_t i = 0; i < vs->n; i++) {
        out->sigs_signed += vs->v[i].sigs_signed;
        out->sigs_verified += vs->v[i].sigs_verified;
        out->msgs_suppressed += vs->v[i].suppressed;
        out->twins_sent += vs->v[i].twins;
        out->msgs_delayed += vs->v[i].delayed;
        out->sigs_withheld += vs->v[i].withheld;
        out->conflicting_votes += vs->v[i].conflicting;
        out->lazy_sigs += vs->v[i].lazy;
        out->forged_sigs += vs->v[i].forged;
        out->actions_dropped += xr_bft_get_stats(vs->v[i].bft)->actions_dropped;
    }
    uint8_t *named = calloc(vs->n + 1u, 1);
    for (size_t k = 0; named && k < vs->ev_count; k++) {
        uint32_t o = vs->ev[k].info.offender;
        uint32_t slot = o < vs->n ? o : vs->n;
        if (!named[slot]) {
            named[slot] = 1;
            out->offenders++;
        }
    }
    free(named);
    size_t nh = (size_t)vs->height_count;
    uint64_t *iv = malloc((nh ? nh : 1) * sizeof *iv);
    uint64_t *tc = malloc((nh ? nh : 1) * sizeof *tc);
    size_t niv = 0, ntc = 0;
    /* the stall clock starts when the first verifier starts */
    uint64_t prev = nh && vs->heights[0].start_ns != UINT64_MAX ? vs->heights[0].start_ns : 0;
    for (size_t k = 0; k < nh; k++) {
        const hrec *r = &vs->heights[k];
        if (!r->committed) continue;
        out->heights_committed++;
        out->last_height = k + 1;
        if (r->round > 0) out->multi_round_heights++;
        uint64_t gap = r->first_commit_ns > prev ? r->first_commit_ns - prev : 0;
        if (gap > out->max_stall_ns) {
            out->max_stall_ns = gap;
            out->max_stall_from_ns = prev;
        }
        if (iv && (k == 0 || vs->heights[k - 1].committed)) iv[niv++] = gap;
        if (tc && r->start_ns != UINT64_MAX && r->first_commit_ns >= r->start_ns)
            tc[ntc++] = r->first_commit_ns - r->start_ns;
        prev = r->first_commit_ns;
    }
    if (end_ns > prev && end_ns - prev > out->max_stall_ns) {
        out->max_stall_ns = end_ns - prev;
        out->max_stall_from_ns = prev;
    }
    if (iv && niv) {
        sim_stats_sort_u64(iv, niv);
        out->height_p50_ns = sim_stats_percentile(iv, niv, 50);
        out->height_p90_ns = sim_stats_percentile(iv, niv, 90);
        out->height_p99_ns = sim_stats_percentile(iv, niv, 99);
        out->height_max_ns = iv[niv - 1];
    }
    if (tc && ntc) {
        sim_stats_sort_u64(tc, ntc);
        out->commit_p50_ns = sim_stats_percentile(tc, ntc, 50);
        out->commit_p99_ns = sim_stats_percentile(tc, ntc, 99);
    }
    free(iv);
    free(tc);
    size_t na = 0;
    for (size_t s = 0; s < vs->stream_count; s++) na += (size_t)vs->streams[s].count;
    uint64_t *al = malloc((na ? na : 1) * sizeof *al);
    size_t nal = 0;
    for (size_t s = 0; s < vs->stream_count; s++)
        for (uint64_t o = 0; o < vs->streams[s].count; o++) {
            const arec *r = &vs->streams[s].recs[o];
            if (!r->approved) continue;
            out->attestations_approved++;
            if (al && r->first_vote_ns != UINT64_MAX && r->approved_ns >= r->first_vote_ns)
                al[nal++] = r->approved_ns - r->first_vote_ns;
        }
    if (al && nal) {
        sim_stats_sort_u64(al, nal);
        out->approval_p50_ns = sim_stats_percentile(al, nal, 50);
        out->approval_p99_ns = sim_stats_percentile(al, nal, 99);
    }
    free(al);
}

/* ---- recording ------------------------------------------------------------------------------- */

static void hex32(const uint8_t b[32], char out[65]) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15u];
    }
    out[64] = '\0';
}

static void hex20(const uint8_t b[20], char out[41]) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 20; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15u];
    }
    out[40] = '\0';
}

static sim_rec_val opt_ns(uint64_t ns) { return ns == UINT64_MAX ? sim_rec_null() : sim_rec_u64(ns); }
static sim_rec_val opt_ix(uint32_t i) { return i == NONE32 ? sim_rec_null() : sim_rec_int(i); }

static int record_verifiers(const mdl_verifiers *vs, sim_rec *rec, int64_t run) {
    sqlite3_stmt *st;
    int rc = sim_rec_prepare(rec,
                             "INSERT INTO verifiers (run_id, verifier, node_id, address, power,"
                             " behaviour, byz_from_ns, byz_until_ns, final_height, commit_count,"
                             " msgs_in_count, msgs_ok_count, rejected_count, late_count,"
                             " duplicate_count, equivocation_count, evidence_count, approval_count,"
                             " round_count, catchup_count, sig_sign_count, sig_verify_count,"
                             " suppressed_count, twin_count, observed_count, attested_count,"
                             " ext_rejected_count, future_dropped_count, att_dropped_count, busy_ns)"
                             " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                             &st);
    for (uint32_t i = 0; rc == 0 && i < vs->n; i++) {
        const verifier *v = &vs->v[i];
        const xr_bft_stats *s = xr_bft_get_stats(v->bft);
        char addr[41];
        hex20(v->addr.bytes, addr);
        uint64_t rejected = s->rej_decode + s->rej_chain + s->rej_signer + s->rej_sig + s->rej_round +
                            s->rej_proposer + s->invalid_blocks;
        const sim_net_node_stats *ns = sim_net_stats_node(vs->net, v->node);
        char beh[160];
        mdl_verifiers_behaviours(vs, i, beh, sizeof beh);
        /* the union of its entries' windows */
        uint64_t from = UINT64_MAX, until = 0;
        for (uint32_t k = 0; k < v->ref_count; k++) {
            const mdl_byzantine_cfg *c = v->refs[k].info.cfg;
            if (c->from_ns < from) from = c->from_ns;
            if (c->until_ns > until) until = c->until_ns;
        }
        sim_rec_val val[30] = {
            sim_rec_int(run),
            sim_rec_int(i),
            sim_rec_int(v->node),
            sim_rec_text(addr),
            sim_rec_u64(v->power),
            sim_rec_text(beh),
            !v->honest ? sim_rec_u64(from) : sim_rec_null(),
            !v->honest && until != SIM_NET_NEVER ? sim_rec_u64(until) : sim_rec_null(),
            sim_rec_u64(xr_bft_height(v->bft)),
            sim_rec_u64(s->commits),
            sim_rec_u64(s->msgs_in),
            sim_rec_u64(s->msgs_ok),
            sim_rec_u64(rejected),
            sim_rec_u64(s->rej_height),
            sim_rec_u64(s->duplicates),
            sim_rec_u64(s->equivocations),
            sim_rec_u64(s->evidence),
            sim_rec_u64(s->approvals),
            sim_rec_u64(s->rounds_started),
            sim_rec_u64(s->catchups_sent),
            sim_rec_u64(v->sigs_signed),
            sim_rec_u64(v->sigs_verified),
            sim_rec_u64(v->suppressed),
            sim_rec_u64(v->twins),
            sim_rec_u64(v->observed),
            sim_rec_u64(v->att_signed),
            sim_rec_u64(s->ext_rejected),
            sim_rec_u64(s->future_dropped),
            sim_rec_u64(s->att_dropped),
            sim_rec_u64(ns->busy_ns),
        };
        rc = sim_rec_insert(rec, st, val, 30);
    }
    return rc;
}

static int record_heights(const mdl_verifiers *vs, sim_rec *rec, int64_t run) {
    sqlite3_stmt *st;
    int rc = sim_rec_prepare(rec,
                             "INSERT INTO consensus_heights (run_id, height, proposer, round,"
                             " block_id, vote_count, start_ns, first_commit_ns, last_commit_ns,"
                             " time_to_commit_ns, commit_count, approved_count)"
                             " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                             &st);
    for (uint64_t k = 0; rc == 0 && k < vs->height_count; k++) {
        const hrec *r = &vs->heights[k];
        char id[65];
        hex32(r->block_id, id);
        bool timed = r->committed && r->start_ns != UINT64_MAX && r->first_commit_ns >= r->start_ns;
        sim_rec_val val[12] = {
            sim_rec_int(run),
            sim_rec_u64(k + 1),
            r->committed ? opt_ix(r->proposer) : sim_rec_null(),
            r->committed ? sim_rec_int(r->round) : sim_rec_null(),
            r->committed ? sim_rec_text(id) : sim_rec_null(),
            r->committed ? sim_rec_int(r->votes) : sim_rec_null(),
            opt_ns(r->start_ns),
            r->committed ? sim_rec_u64(r->first_commit_ns) : sim_rec_null(),
            r->committed ? sim_rec_u64(r->last_commit_ns) : sim_rec_null(),
            timed ? sim_rec_u64(r->first_commit_ns - r->start_ns) : sim_rec_null(),
            sim_rec_int(r->commit_count),
            sim_rec_int(r->approved),
        };
        rc = sim_rec_insert(rec, st, val, 12);
    }
    return rc;
}

static int record_attestations(const mdl_verifiers *vs, sim_rec *rec, int64_t run) {
    sqlite3_stmt *st;
    int rc = sim_rec_prepare(rec,
                             "INSERT INTO attestations (run_id, chain_id, conf_level, attest_offset,"
                             " root, vote_count, first_vote_ns, approved_ns, height, signed_power,"
                             " total_power, signer_count, approved_count)"
                             " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                             &st);
    for (size_t s = 0; rc == 0 && s < vs->stream_count; s++) {
        const astream *as = &vs->streams[s];
        for (uint64_t o = 0; rc == 0 && o < as->count; o++) {
            const arec *r = &as->recs[o];
            if (r->votes == 0 && !r->approved) continue;
            char root[65];
            hex32(r->root, root);
            sim_rec_val val[13] = {
                sim_rec_int(run),
                sim_rec_u64(as->chain),
                sim_rec_int(as->level),
                sim_rec_u64(o + 1),
                r->approved ? sim_rec_text(root) : sim_rec_null(),
                sim_rec_int(r->votes),
                opt_ns(r->first_vote_ns),
                r->approved ? sim_rec_u64(r->approved_ns) : sim_rec_null(),
                r->approved ? sim_rec_u64(r->height) : sim_rec_null(),
                r->approved ? sim_rec_u64(r->signed_power) : sim_rec_null(),
                r->approved ? sim_rec_u64(r->total_power) : sim_rec_null(),
                r->approved ? sim_rec_int(r->signer_count) : sim_rec_null(),
                sim_rec_int(r->approved_count),
            };
            rc = sim_rec_insert(rec, st, val, 13);
        }
    }
    return rc;
}

static int record_evidence(const mdl_verifiers *vs, sim_rec *rec, int64_t run) {
    static const char *const types[] = {"", "proposal", "prevote", "precommit"};
    sqlite3_stmt *st;
    int rc = sim_rec_prepare(rec,
                             "INSERT INTO evidence (run_id, seq, kind, offender, height, round,"
                             " vote_type, first_detected_ns, detector_count, evidence_hash)"
                             " VALUES (?,?,?,?,?,?,?,?,?,?)",
                             &st);
    for (size_t k = 0; rc == 0 && k < vs->ev_count; k++) {
        const mdl_evidence_info *e = &vs->ev[k].info;
        bool dup = e->kind == XR_EVIDENCE_DUPLICATE_VOTE;
        char h[65];
        hex32(vs->ev[k].hash, h);
        sim_rec_val val[10] = {
            sim_rec_int(run),
            sim_rec_u64(k),
            sim_rec_text(dup ? "duplicate_vote" : "attest_conflict"),
            opt_ix(e->offender),
            dup ? sim_rec_u64(e->height) : sim_rec_null(),
            dup ? sim_rec_int(e->round) : sim_rec_null(),
            dup && e->vote_type <= 3 ? sim_rec_text(types[e->vote_type]) : sim_rec_null(),
            sim_rec_u64(e->first_ns),
            sim_rec_int(e->detectors),
            sim_rec_text(h),
        };
        rc = sim_rec_insert(rec, st, val, 10);
    }
    return rc;
}

static int record_conflicts(const mdl_verifiers *vs, sim_rec *rec, int64_t run) {
    sqlite3_stmt *st;
    int rc = sim_rec_prepare(rec,
                             "INSERT INTO consensus_conflicts (run_id, seq, height, verifier,"
                             " block_id, first_verifier, first_block_id, at_ns)"
                             " VALUES (?,?,?,?,?,?,?,?)",
                             &st);
    for (size_t k = 0; rc == 0 && k < vs->conflict_count; k++) {
        const conflict *c = &vs->conflicts[k];
        char a[65], b[65];
        hex32(c->block_id, a);
        hex32(c->first_block_id, b);
        sim_rec_val val[8] = {sim_rec_int(run),          sim_rec_u64(k),          sim_rec_u64(c->height),
                              sim_rec_int(c->verifier),  sim_rec_text(a),         sim_rec_int(c->first_verifier),
                              sim_rec_text(b),           sim_rec_u64(c->at_ns)};
        rc = sim_rec_insert(rec, st, val, 8);
    }
    return rc;
}

static int record_summary(const mdl_verifiers *vs, sim_rec *rec, int64_t run, uint64_t end_ns) {
    mdl_consensus_summary s;
    mdl_verifiers_summary(vs, end_ns, &s);
    sqlite3_stmt *st;
    int rc = sim_rec_prepare(rec,
                             "INSERT INTO consensus_summary (run_id, verifier_count, byzantine_count,"
                             " total_power, byzantine_power, heights_committed_count, last_height,"
                             " height_p50_ns, height_p90_ns, height_p99_ns, height_max_ns,"
                             " commit_p50_ns, commit_p99_ns, multi_round_count, max_stall_ns,"
                             " max_stall_from_ns, xblocks_observed_count, attestations_approved_count,"
                             " approval_p50_ns, approval_p99_ns, evidence_count, offender_count,"
                             " conflict_count, approval_conflict_count, sig_sign_count,"
                             " sig_verify_count, actions_dropped_count)"
                             " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                             &st);
    if (rc) return rc;
    bool any = s.heights_committed > 0, anya = s.attestations_approved > 0;
    sim_rec_val val[27] = {
        sim_rec_int(run),
        sim_rec_int(s.verifiers),
        sim_rec_int(s.byzantine),
        sim_rec_u64(s.total_power),
        sim_rec_u64(s.byzantine_power),
        sim_rec_u64(s.heights_committed),
        sim_rec_u64(s.last_height),
        any ? sim_rec_u64(s.height_p50_ns) : sim_rec_null(),
        any ? sim_rec_u64(s.height_p90_ns) : sim_rec_null(),
        any ? sim_rec_u64(s.height_p99_ns) : sim_rec_null(),
        any ? sim_rec_u64(s.height_max_ns) : sim_rec_null(),
        any ? sim_rec_u64(s.commit_p50_ns) : sim_rec_null(),
        any ? sim_rec_u64(s.commit_p99_ns) : sim_rec_null(),
        sim_rec_u64(s.multi_round_heights),
        sim_rec_u64(s.max_stall_ns),
        sim_rec_u64(s.max_stall_from_ns),
        sim_rec_u64(s.xblocks_observed),
        sim_rec_u64(s.attestations_approved),
        anya ? sim_rec_u64(s.approval_p50_ns) : sim_rec_null(),
        anya ? sim_rec_u64(s.approval_p99_ns) : sim_rec_null(),
        sim_rec_u64(s.evidence),
        sim_rec_int(s.offenders),
        sim_rec_u64(s.conflicts),
        sim_rec_u64(s.approval_conflicts),
        sim_rec_u64(s.sigs_signed),
        sim_rec_u64(s.sigs_verified),
        sim_rec_u64(s.actions_dropped),
    };
    /* the Byzantine totals are sums over table byzantine (view v_byzantine) */
    return sim_rec_insert(rec, st, val, 27);
}

/* One row per (verifier, Byzantine entry): what it is and what it did. */
static int record_byzantine(const mdl_verifiers *vs, sim_rec *rec, int64_t run) {
    if (vs->ref_count == 0) return 0;
    sqlite3_stmt *st;
    int rc = sim_rec_prepare(rec,
                             "INSERT INTO byzantine (run_id, verifier, entry, behaviour, target_kind,"
                             " target, trigger, from_ns, until_ns, probability, params, draw_count,"
                             " fired_count, suppressed_count, twin_count, delayed_count, withheld_count,"
                             " conflicting_vote_count, lazy_sign_count, forged_sign_count)"
                             " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                             &st);
    for (size_t k = 0; rc == 0 && k < vs->ref_count; k++) {
        const mdl_byzantine_info *b = &vs->refs[k].info;
        const mdl_byzantine_cfg *c = b->cfg;
        char target[64], trigger[256], params[96];
        if (c->by_fraction)
            snprintf(target, sizeof target, "%llu/%llu", (unsigned long long)c->fraction_num,
                     (unsigned long long)c->fraction_den);
        else
            snprintf(target, sizeof target, "%u", b->verifier);
        mdl_verifier_config_trigger_text(c, trigger, sizeof trigger);
        params[0] = '\0';
        switch (c->behaviour) {
        case MDL_BEHAVIOUR_EQUIVOCATING:
        case MDL_BEHAVIOUR_CONFLICTING: snprintf(params, sizeof params, "reveal=%s", c->reveal ? "true" : "false"); break;
        case MDL_BEHAVIOUR_DELAYED:
            snprintf(params, sizeof params, "delay_ns=%llu", (unsigned long long)c->delay_ns);
            break;
        case MDL_BEHAVIOUR_CENSOR:
            if (c->censor == MDL_CENSOR_CHAIN)
                snprintf(params, sizeof params, "chain=%llu", (unsigned long long)c->chain);
            else
                snprintf(params, sizeof params, "route=%llu->%llu", (unsigned long long)c->chain,
                         (unsigned long long)c->to_chain);
            break;
        default: break;
        }
        sim_rec_val val[20] = {
            sim_rec_int(run),
            sim_rec_int(b->verifier),
            sim_rec_int(b->entry),
            sim_rec_text(mdl_behaviour_name(b->behaviour)),
            sim_rec_text(c->by_fraction ? "stake_fraction" : "verifiers"),
            sim_rec_text(target),
            sim_rec_text(trigger),
            sim_rec_u64(c->from_ns),
            c->until_ns != SIM_NET_NEVER ? sim_rec_u64(c->until_ns) : sim_rec_null(),
            c->has_probability ? sim_rec_real((double)c->prob_num / (double)c->prob_den) : sim_rec_null(),
            params[0] ? sim_rec_text(params) : sim_rec_null(),
            sim_rec_u64(b->draws),
            sim_rec_u64(b->fired),
            sim_rec_u64(b->suppressed),
            sim_rec_u64(b->twins),
            sim_rec_u64(b->delayed),
            sim_rec_u64(b->withheld),
            sim_rec_u64(b->conflicting),
            sim_rec_u64(b->lazy),
            sim_rec_u64(b->forged),
        };
        rc = sim_rec_insert(rec, st, val, 20);
    }
    return rc;
}

int mdl_verifiers_record(const mdl_verifiers *vs, sim_rec *rec, uint64_t end_ns) {
    assert(vs && rec && sim_rec_run_id(rec) > 0);
    int64_t run = sim_rec_run_id(rec);
    int rc = record_verifiers(vs, rec, run);
    if (rc == 0) rc = record_heights(vs, rec, run);
    if (rc == 0) rc = record_attestations(vs, rec, run);
    if (rc == 0) rc = record_evidence(vs, rec, run);
    if (rc == 0) rc = record_conflicts(vs, rec, run);
    if (rc == 0) rc = record_summary(vs, rec, run, end_ns);
    if (rc == 0) rc = record_byzantine(vs, rec, run);
    return rc;
}
