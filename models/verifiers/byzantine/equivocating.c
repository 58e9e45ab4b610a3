/*
** equivocating: for each proposal, prevote and precommit it signs itself,
** a conflicting twin signed by the same key -- a proposal of the same block
** with another payload; a vote for the twin block, or for nil instead of a
** block, or for a made-up block instead of nil.  The host sends the first
** half of the peers (by verifier index) the original and the second half
** the twin; with `reveal` (default true) the first half also gets the twin
** right after (the core does not gossip other validators' votes, so without
** it evidence appears only through the core's relays).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verifiers/byzantine/byzantine.h"
#include "xr_keccak.h"

enum { TWIN };

static const char payload[] = "xrsim:equivocation";

const mdl_byz_behaviour mdl_byz_equivocating;

/* Per verifier: the twin of its proposal at (height, round). */
typedef struct mine {
    bool has;
    uint64_t height;
    uint32_t round;
    uint8_t orig[32];
    uint8_t twin[32];
} mine;

typedef struct state {
    mine *by_verifier;
} state;

static bool init(mdl_verifiers *vs, void **out) {
    state *s = calloc(1, sizeof *s);
    if (!s) return false;
    s->by_verifier = calloc(mdl_verifiers_count(vs), sizeof *s->by_verifier);
    *out = s;
    return s->by_verifier != NULL;
}

static void state_free(void *p) {
    state *s = p;
    free(s->by_verifier);
    free(s);
}

/* An entry's parameters. */
typedef struct params {
    bool reveal;                 /* the first half of the peers also gets the twin */
} params;

static bool load(const sim_ynode *it, const mdl_verifier_config *vc, mdl_byzantine_cfg *c, sim_diag *d) {
    (void)vc;
    params *p = c->params;
    return sim_yfield_bool(it, "reveal", false, true, &p->reveal, d);
}

static void params_text(const mdl_byzantine_cfg *c, char *out, size_t cap) {
    const params *p = c->params;
    snprintf(out, cap, "reveal=%s", p->reveal ? "true" : "false");
}

static void on_outgoing(void *p, mdl_verifier *v, mdl_byz_out *o, uint64_t now_ns) {
    state *s = p;
    if (!mdl_byz_twin_open(v, o)) return;
    mdl_byz_entry *e = mdl_byz_fire(v, &mdl_byz_equivocating, now_ns, NULL, NULL);
    if (!e) return;
    mdl_byz_twin *t = &o->twin;
    mine *my = &s->by_verifier[mdl_byz_verifier_index(v)];
    xr_bft_core *c = &t->c;
    if (c->type == XR_BFT_PROPOSAL) {
        xr_bftmsg_limits lim = xr_bft_limits(mdl_byz_bft(v));
        xr_bft_block blk;
        size_t cap;
        uint8_t *block = mdl_byz_twin_block(v, &cap);
        int bl = -1;
        if (xr_bft_block_decode(t->m.block, t->m.block_len, &lim, &blk) == 0) {
            blk.payload = (const uint8_t *)payload;
            blk.payload_len = (uint32_t)(sizeof payload - 1u);
            bl = xr_bft_block_encode(&blk, block, cap);
        }
        if (bl <= 0) {
            t->failed = true;
            return;
        }
        t->block = block;
        t->block_len = (size_t)bl;
        xr_bft_block_id(block, t->block_len, c->block_id);
        if (memcmp(c->block_id, t->m.core.block_id, 32) == 0) { /* it already was the twin */
            t->failed = true;
            return;
        }
        my->has = true;
        my->height = c->height;
        my->round = c->round;
        memcpy(my->orig, t->m.core.block_id, 32);
        memcpy(my->twin, c->block_id, 32);
    } else {
        bool own_proposal = my->has && my->height == c->height && my->round == c->round;
        if (own_proposal && memcmp(c->block_id, my->orig, 32) == 0) {
            memcpy(c->block_id, my->twin, 32);
        } else if (xr_bft_id_is_nil(c->block_id)) {
            /* a made-up block: keccak("xrsim:equivocation" || height || round) */
            uint8_t buf[sizeof payload - 1u + 12u];
            memcpy(buf, payload, sizeof payload - 1u);
            size_t k = sizeof payload - 1u;
            for (int i = 7; i >= 0; i--) buf[k++] = (uint8_t)(c->height >> (8 * i));
            for (int i = 3; i >= 0; i--) buf[k++] = (uint8_t)(c->round >> (8 * i));
            xr_keccak256(buf, k, c->block_id);
        } else {
            memset(c->block_id, 0, 32);
        }
    }
    t->sign = true;
    t->reveal = t->reveal || ((const params *)e->info.cfg->params)->reveal;
    if (!t->by) {
        t->by = e;
        t->credit = &e->info.counters.n[TWIN];
    }
}

static const char *const keys[] = {"reveal", NULL};

const mdl_byz_behaviour mdl_byz_equivocating = {
    .name = "equivocating",
    .order = 20,
    .keys = keys,
    .params_size = sizeof(params),
    .counters = {"twin"},
    .load = load,
    .params_text = params_text,
    .init = init,
    .free = state_free,
    .on_outgoing = on_outgoing,
};
