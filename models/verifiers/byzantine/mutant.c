/*
** mutant: a hostile peer that signs.  Besides every consensus message it
** broadcasts itself (which still leaves as it is), it sends all its peers
** `copies` mutated messages, each signed with its own key so that they pass
** the signature check and meet everything behind it: slots, proposals,
** block validity and storage, extension harvesting, catch-up.  Each copy is
** one mutation, drawn (deterministically, from the message and a per-
** verifier count) among `kinds` (default all):
**   height     the height far ahead or behind (+1, +2, +1000, +2^32, the
**              largest; -1, -2, down to 1)
**   round      the round far ahead or behind (+1, +2, +1000, beyond
**              max_round_ahead, UINT32_MAX - 1)
**   block      another block: a vote for a made-up id, nil <-> block; a
**              proposal whose block (payload, height, previous block,
**              validator set, proposer, votes) is changed and re-identified
**   pol_round  a proposal's POL round: none, 0, round - 1, round (invalid)
**   type       a prevote as a precommit and back, a vote as a proposal of a
**              small block, a proposal as a vote; or an unknown type byte
**   chain      another consensus chain id
**   oversize   a block over the size limits (payload, votes, bytes), or a
**              precommit with more extension entries than allowed
**   extension  a precommit's extension entries re-signed for a changed
**              header (another root, an offset beyond the window, another
**              consensus chain, an invalid level)
**   replay     one of its 8 last messages again, verbatim
**   truncate   the message cut short, or with trailing bytes
** Counters: mutated (copies sent, all kinds), replayed, oversize, malformed
** (encodings no decoder may accept: truncate, unknown types).  The peers'
** cores must refuse or survive all of it: the swarm checks that honest
** nodes stay safe and live beside it.
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "verifiers/byzantine/byzantine.h"
#include "xr_attest.h"
#include "xr_keccak.h"

enum { MUTATED, REPLAYED, OVERSIZE, MALFORMED };

#define REPLAY_RING 8u
#define MAX_COPIES 16u

static const char *const kind_names[] = {"height", "round",    "block",     "pol_round", "type", "chain",
                                         "oversize", "extension", "replay", "truncate", NULL};
enum { K_HEIGHT, K_ROUND, K_BLOCK, K_POL, K_TYPE, K_CHAIN, K_OVERSIZE, K_EXT, K_REPLAY, K_TRUNCATE, K_COUNT };

const mdl_byz_behaviour mdl_byz_mutant;

typedef struct past {
    uint8_t *bytes;
    size_t len;
} past;

typedef struct mine {
    uint64_t draws;              /* mutations drawn so far */
    past ring[REPLAY_RING];      /* its last messages */
    uint32_t next;
} mine;

typedef struct state {
    mine *by_verifier;
    uint32_t n;
    uint8_t *buf, *blk, *aux;    /* the mutated message, a block, votes/entries */
    size_t buf_cap, blk_cap, aux_cap;
} state;

static bool init(mdl_verifiers *vs, void **out) {
    state *s = calloc(1, sizeof *s);
    if (!s) return false;
    s->n = mdl_verifiers_count(vs);
    s->by_verifier = calloc(s->n, sizeof *s->by_verifier);
    *out = s;
    return s->by_verifier != NULL;
}

static void state_free(void *p) {
    state *s = p;
    for (uint32_t i = 0; s->by_verifier && i < s->n; i++)
        for (uint32_t k = 0; k < REPLAY_RING; k++) free(s->by_verifier[i].ring[k].bytes);
    free(s->by_verifier);
    free(s->buf);
    free(s->blk);
    free(s->aux);
    free(s);
}

/* An entry's parameters. */
typedef struct params {
    uint32_t kinds;              /* bit k: mutation k may be drawn */
    uint32_t copies;             /* mutated copies per message sent */
} params;

static bool load(const sim_ynode *it, const mdl_verifier_config *vc, mdl_byzantine_cfg *c, sim_diag *d) {
    (void)vc;
    params *pa = c->params;
    uint64_t copies = 1;
    bool ok = sim_yfield_u64(it, "copies", false, 1, 1, MAX_COPIES, &copies, d);
    pa->copies = (uint32_t)copies;
    pa->kinds = (1u << K_COUNT) - 1u;
    const sim_ynode *k = sim_ymap_get(it, "kinds");
    if (!k) return ok;
    if (k->kind != SIM_Y_SEQ || k->count == 0) {
        sim_diag_error(d, k, "kinds: expected a non-empty list of mutations (height, round, block, pol_round, type,"
                             " chain, oversize, extension, replay, truncate)");
        return false;
    }
    pa->kinds = 0;
    for (size_t i = 0; i < k->count; i++) {
        int x;
        if (!sim_ynode_enum(k->items[i], kind_names, &x, d)) {
            ok = false;
            continue;
        }
        if (pa->kinds & (1u << x)) {
            sim_diag_error(d, k->items[i], "kinds: '%s' is listed twice", kind_names[x]);
            ok = false;
        }
        pa->kinds |= 1u << x;
    }
    return ok;
}

static void params_text(const mdl_byzantine_cfg *c, char *out, size_t cap) {
    const params *pa = c->params;
    size_t n = (size_t)snprintf(out, cap, "copies=%u kinds=", pa->copies);
    for (int k = 0; k < K_COUNT && n < cap; k++)
        if (pa->kinds & (1u << k))
            n += (size_t)snprintf(out + n, cap - n, "%s%s", n && out[n - 1] != '=' ? "," : "", kind_names[k]);
}

/* splitmix64: the draws of one mutation, from the message and the count */
static uint64_t mix(uint64_t *x) {
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t below(uint64_t *x, uint64_t n) { return n ? mix(x) % n : 0; }

/* Keeps a copy of one of v's messages for later replays. */
static void remember(mine *my, const uint8_t *bytes, size_t len) {
    past *p = &my->ring[my->next];
    uint8_t *b = realloc(p->bytes, len ? len : 1u);
    if (!b) return; /* a replay fewer: nothing to fail for */
    memcpy(b, bytes, len);
    p->bytes = b;
    p->len = len;
    my->next = (my->next + 1u) % REPLAY_RING;
}

/* Encodes (core, tail) into s->buf after signing the core; its length, 0
** when it did not encode. */
static size_t finish(state *s, mdl_verifier *v, xr_bft_core *c, const uint8_t *block, size_t block_len,
                     const uint8_t *ext, uint32_t ext_n) {
    if (xr_bft_sign_core(mdl_byz_sig(v), mdl_byz_key(v), c) != 0) return 0;
    size_t need = xr_bftmsg_len(c, block_len, ext_n);
    if (!need || !SIM_GROW(s->buf, s->buf_cap, need)) return 0;
    int n = xr_bftmsg_encode(c, block, block_len, ext, ext_n, s->buf, s->buf_cap);
    return n > 0 ? (size_t)n : 0;
}

/* A block that decodes: the original's (proposals), else a fresh one at the
** core's height with no votes. */
static void base_block(mdl_verifier *v, const xr_bftmsg *m, const xr_bftmsg_limits *lim, xr_bft_block *b) {
    if (m->core.type == XR_BFT_PROPOSAL && xr_bft_block_decode(m->block, m->block_len, lim, b) == 0) return;
    memset(b, 0, sizeof *b);
    const xr_bft *bft = mdl_byz_bft(v);
    b->chain_id = m->core.chain_id;
    b->height = m->core.height;
    b->valset_id = xr_bft_valset(bft)->id;
    memcpy(b->proposer, mdl_byz_address(v)->bytes, 20);
}

/* Encodes block b into s->blk; its length, 0 on failure. */
static size_t put_block(state *s, const xr_bft_block *b) {
    size_t need = xr_bft_block_len(b->vote_count, b->payload_len);
    if (!SIM_GROW(s->blk, s->blk_cap, need)) return 0;
    int n = xr_bft_block_encode(b, s->blk, s->blk_cap);
    return n > 0 ? (size_t)n : 0;
}

/* A proposal of block b (in s->blk, blen bytes) with core c re-identified. */
static size_t propose(state *s, mdl_verifier *v, xr_bft_core c, size_t blen) {
    c.type = XR_BFT_PROPOSAL;
    if (c.pol_round != XR_BFT_NO_ROUND && c.pol_round >= c.round) c.pol_round = XR_BFT_NO_ROUND;
    xr_bft_block_id(s->blk, blen, c.block_id);
    return finish(s, v, &c, s->blk, blen, NULL, 0);
}

/* The mutation of kind k of message m into s->buf; its length (0: none
** made, e.g. a kind that does not apply).  *counter: which counter it adds
** to besides `mutated`, or -1. */
static size_t mutate(state *s, mdl_verifier *v, mine *my, const xr_bftmsg *m, int k, uint64_t *x, int *counter) {
    xr_bftmsg_limits lim = xr_bft_limits(mdl_byz_bft(v));
    xr_bft_core c = m->core;
    bool prop = c.type == XR_BFT_PROPOSAL;
    *counter = -1;
    switch (k) {
    case K_HEIGHT: {
        static const uint64_t ahead[] = {1, 2, 1000, UINT64_C(1) << 32};
        uint64_t r = below(x, 7);
        if (r < 4) c.height += ahead[r];
        else if (r == 4) c.height = UINT64_MAX;
        else if (r == 5 && c.height > 2) c.height -= 1 + below(x, c.height - 1);
        else c.height = c.height > 1 ? c.height - 1 : c.height + 3;
        break;
    }
    case K_ROUND: {
        static const uint32_t ahead[] = {1, 2, 1000, 1001, 5000};
        uint64_t r = below(x, 7);
        if (r < 5) c.round += ahead[r];
        else if (r == 5) c.round = UINT32_MAX - 1u;
        else c.round = c.round ? (uint32_t)below(x, c.round) : 3u;
        if (prop && c.pol_round != XR_BFT_NO_ROUND && c.pol_round >= c.round) c.pol_round = XR_BFT_NO_ROUND;
        break;
    }
    case K_CHAIN:
        c.chain_id = below(x, 2) ? c.chain_id + 1u + below(x, 1000) : UINT64_MAX - below(x, 2);
        break;
    case K_POL: {
        if (!prop) return 0;
        uint64_t r = below(x, 4);
        c.pol_round = r == 0 ? XR_BFT_NO_ROUND : r == 1 ? 0u : r == 2 && c.round ? c.round - 1u : c.round;
        if (c.pol_round >= c.round && c.pol_round != XR_BFT_NO_ROUND) *counter = MALFORMED;
        break;
    }
    case K_BLOCK: {
        if (!prop) {
            if (xr_bft_id_is_nil(c.block_id) || below(x, 2)) {
                for (int i = 0; i < 32; i += 8) {
                    uint64_t w = mix(x);
                    memcpy(c.block_id + i, &w, 8);
                }
            } else {
                memset(c.block_id, 0, 32);
            }
            /* a precommit for another block keeps no extension of its own block */
            return finish(s, v, &c, NULL, 0, NULL, 0);
        }
        xr_bft_block b;
        base_block(v, m, &lim, &b);
        uint8_t pay[64];
        switch (below(x, 6)) {
        case 0:
            for (size_t i = 0; i < sizeof pay; i++) pay[i] = (uint8_t)mix(x);
            b.payload = pay;
            b.payload_len = (uint32_t)below(x, sizeof pay + 1);
            break;
        case 1: b.height += 1 + below(x, 3); break;
        case 2: b.prev_block_id[below(x, 32)] ^= 0x5a; break;
        case 3: b.valset_id += 1; break;
        case 4: memset(b.proposer, 0x77, 20); break;
        default:
            if (b.vote_count >= 1) { /* the first vote twice: out of order */
                if (!SIM_GROW(s->aux, s->aux_cap, ((size_t)b.vote_count + 1u) * XR_BFT_BLOCK_VOTE_BYTES)) return 0;
                memcpy(s->aux, b.votes, XR_BFT_BLOCK_VOTE_BYTES);
                memcpy(s->aux + XR_BFT_BLOCK_VOTE_BYTES, b.votes, (size_t)b.vote_count * XR_BFT_BLOCK_VOTE_BYTES);
                b.votes = s->aux;
                b.vote_count++;
            } else {
                b.chain_id += 1;
            }
        }
        size_t bl = put_block(s, &b);
        return bl ? propose(s, v, c, bl) : 0;
    }
    case K_TYPE: {
        if (below(x, 4) == 0) { /* an unknown type byte: re-encoded as it is, patched */
            size_t n = finish(s, v, &c, m->block, m->block_len, m->ext, m->ext_count);
            static const uint8_t bad[] = {0, 4, 0x7f, 0xff};
            if (n > 1) s->buf[1] = bad[below(x, 4)];
            *counter = MALFORMED;
            return n;
        }
        if (prop) {
            c.type = below(x, 2) ? XR_BFT_PREVOTE : XR_BFT_PRECOMMIT;
            return finish(s, v, &c, NULL, 0, NULL, 0);
        }
        if (below(x, 2)) {
            c.type = c.type == XR_BFT_PREVOTE ? XR_BFT_PRECOMMIT : XR_BFT_PREVOTE;
            return finish(s, v, &c, NULL, 0, NULL, 0);
        }
        xr_bft_block b;
        base_block(v, m, &lim, &b);
        size_t bl = put_block(s, &b);
        c.pol_round = XR_BFT_NO_ROUND;
        return bl ? propose(s, v, c, bl) : 0;
    }
    case K_OVERSIZE: {
        *counter = OVERSIZE;
        if (c.type == XR_BFT_PRECOMMIT && !xr_bft_id_is_nil(c.block_id) && below(x, 2)) {
            /* more entries than max_ext_votes: its first entry (or zeros) repeated */
            uint32_t n = lim.max_ext_votes + 1u + (uint32_t)below(x, 4);
            if (n > XR_BFT_MAX_EXT_COUNT) n = XR_BFT_MAX_EXT_COUNT;
            if (!SIM_GROW(s->aux, s->aux_cap, (size_t)n * XR_BFT_EXT_ENTRY_BYTES)) return 0;
            for (uint32_t i = 0; i < n; i++) {
                if (m->ext_count) memcpy(s->aux + (size_t)i * XR_BFT_EXT_ENTRY_BYTES, m->ext, XR_BFT_EXT_ENTRY_BYTES);
                else memset(s->aux + (size_t)i * XR_BFT_EXT_ENTRY_BYTES, (int)i, XR_BFT_EXT_ENTRY_BYTES);
            }
            return finish(s, v, &c, NULL, 0, s->aux, n);
        }
        xr_bft_block b;
        base_block(v, m, &lim, &b);
        uint64_t r = below(x, 3);
        size_t pay_len = r == 0 ? (size_t)lim.max_payload_bytes + 1u : (size_t)lim.max_block_bytes + 1u;
        if (r == 2) { /* more votes than max_block_votes: zero votes, which never decode as signed */
            b.vote_count = lim.max_block_votes + 1u;
            if (!SIM_GROW(s->aux, s->aux_cap, (size_t)b.vote_count * XR_BFT_BLOCK_VOTE_BYTES)) return 0;
            memset(s->aux, 0, (size_t)b.vote_count * XR_BFT_BLOCK_VOTE_BYTES);
            b.votes = s->aux;
            pay_len = 0;
        }
        uint8_t *pay = NULL;
        if (pay_len) {
            pay = malloc(pay_len);
            if (!pay) return 0;
            memset(pay, 0xab, pay_len);
            b.payload = pay;
            b.payload_len = (uint32_t)pay_len;
        }
        size_t bl = put_block(s, &b);
        free(pay);
        c.pol_round = prop ? c.pol_round : XR_BFT_NO_ROUND;
        return bl ? propose(s, v, c, bl) : 0;
    }
    case K_EXT: {
        if (c.type != XR_BFT_PRECOMMIT || m->ext_count == 0) return 0;
        if (!SIM_GROW(s->aux, s->aux_cap, (size_t)m->ext_count * XR_BFT_EXT_ENTRY_BYTES)) return 0;
        memcpy(s->aux, m->ext, (size_t)m->ext_count * XR_BFT_EXT_ENTRY_BYTES);
        uint32_t i = (uint32_t)below(x, m->ext_count);
        xr_att_vote a;
        xr_bftmsg_ext_get(m, i, &a);
        switch (below(x, 4)) {
        case 0: a.msg_root.bytes[below(x, 32)] ^= 0x33; break; /* a conflicting root */
        case 1:                                                 /* beyond the window, still ascending */
            i = m->ext_count - 1u;
            xr_bftmsg_ext_get(m, i, &a);
            a.header.offset += 1000u + below(x, 1000);
            break;
        case 2: a.header.consensus_chain_id += 1; break;
        default: a.header.conf_level = 2; *counter = MALFORMED; break; /* neither latest (1) nor finalized (4) */
        }
        xr_att_vote_compute_root(&a);
        xr_hash digest;
        xr_attest_sign_digest(&a.root, &digest);
        if (xr_sig_sign(mdl_byz_sig(v), mdl_byz_key(v), digest.bytes, a.sig) != 0) return 0;
        xr_att_vote_encode_entry(&a, s->aux + (size_t)i * XR_BFT_EXT_ENTRY_BYTES);
        return finish(s, v, &c, NULL, 0, s->aux, m->ext_count);
    }
    case K_REPLAY: {
        uint32_t have = 0;
        for (uint32_t j = 0; j < REPLAY_RING; j++) have += my->ring[j].bytes != NULL;
        if (!have) return 0;
        const past *p = &my->ring[below(x, REPLAY_RING)];
        if (!p->bytes) p = &my->ring[(my->next + REPLAY_RING - 1u) % REPLAY_RING];
        if (!p->bytes || !SIM_GROW(s->buf, s->buf_cap, p->len)) return 0;
        memcpy(s->buf, p->bytes, p->len);
        *counter = REPLAYED;
        return p->len;
    }
    case K_TRUNCATE: {
        size_t n = finish(s, v, &c, m->block, m->block_len, m->ext, m->ext_count);
        if (!n) return 0;
        *counter = MALFORMED;
        if (below(x, 2)) return 1u + (size_t)below(x, n - 1u); /* cut short */
        uint32_t extra = 1u + (uint32_t)below(x, 200);
        if (!SIM_GROW(s->buf, s->buf_cap, n + extra)) return 0;
        for (uint32_t j = 0; j < extra; j++) s->buf[n + j] = (uint8_t)mix(x);
        return n + extra;
    }
    default: return 0;
    }
    /* the core-only mutations: keep the tail, as far as it still encodes */
    const uint8_t *ext = c.type == XR_BFT_PRECOMMIT && !xr_bft_id_is_nil(c.block_id) ? m->ext : NULL;
    return finish(s, v, &c, prop ? m->block : NULL, prop ? m->block_len : 0, ext, ext ? m->ext_count : 0);
}

static void on_outgoing(void *p, mdl_verifier *v, mdl_byz_out *o, uint64_t now_ns) {
    state *s = p;
    if (!o->broadcast) return; /* its own messages only: catch-up replies are relays */
    xr_bftmsg_limits lim = xr_bft_limits(mdl_byz_bft(v));
    xr_bftmsg m;
    if (xr_bftmsg_decode(o->bytes, o->len, &lim, &m) != 0) return;
    if (memcmp(m.core.validator, mdl_byz_address(v)->bytes, 20) != 0) return; /* a relayed vote */
    mdl_byz_entry *e = mdl_byz_fire(v, &mdl_byz_mutant, now_ns, NULL, NULL);
    mine *my = &s->by_verifier[mdl_byz_verifier_index(v)];
    if (e) {
        const params *cfg = e->info.cfg->params;
        uint32_t peers = mdl_byz_verifier_count(v) - 1u;
        uint32_t kinds[K_COUNT], nk = 0;
        for (int k = 0; k < K_COUNT; k++)
            if (cfg->kinds & (1u << k)) kinds[nk++] = (uint32_t)k;
        for (uint32_t copy = 0; copy < cfg->copies && nk; copy++) {
            uint64_t x = ((uint64_t)mdl_byz_verifier_index(v) << 40) ^ my->draws++;
            for (int i = 0; i < 65; i += 8) {
                uint64_t w = 0;
                memcpy(&w, m.core.sig + i, i + 8 <= 65 ? 8 : 1);
                x ^= mix(&w);
            }
            int counter;
            /* a kind that does not apply to this message falls to the next one */
            uint32_t k0 = (uint32_t)below(&x, nk);
            size_t len = 0;
            for (uint32_t t = 0; t < nk && !len; t++) len = mutate(s, v, my, &m, (int)kinds[(k0 + t) % nk], &x, &counter);
            if (!len) continue;
            mdl_byz_send(v, MDL_BYZ_RANKS, 0, peers, s->buf, len);
            e->info.counters.n[MUTATED] += peers;
            if (counter >= 0) e->info.counters.n[counter] += peers;
        }
    }
    remember(my, o->bytes, o->len);
}

static const char *const keys[] = {"kinds", "copies", NULL};

const mdl_byz_behaviour mdl_byz_mutant = {
    .name = "mutant",
    .order = 25,
    .keys = keys,
    .params_size = sizeof(params),
    .counters = {"mutated", "replayed", "oversize", "malformed"},
    .load = load,
    .params_text = params_text,
    .init = init,
    .free = state_free,
    .on_outgoing = on_outgoing,
};
