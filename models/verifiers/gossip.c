/*
** Proposals as CometBFT moves them: in block parts that peers relay, not
** as N-1 whole copies from the proposer (consensus.block_parts).
**
** CometBFT splits a proposed block into parts of 64 KiB (types.BlockPartSizeBytes)
** and every peer gossips the parts it holds to peers that lack them
** (consensus/reactor.go, gossipDataRoutine), so the proposer's uplink is
** not the bottleneck: a block reaches everyone in about twice its
** serialisation time plus a few one-way delays, whatever the set size.
** Sending N-1 whole copies instead makes a 1 MB block take 1.6 s to leave
** the proposer of 200 verifiers on a 1 Gbps uplink, and heights stretch
** with the set (BENCHMARKS.md, "Where the 200-verifier memory growth comes
** from").
**
** The model, two hops: the proposer sends each part to GOSSIP_RELAYS peers
** (rotating over its peers part by part); a peer that gets a part from the
** proposer forwards it to every other peer that does not hold the whole
** message yet.  When the core sends the proposal again (its retransmission
** timer), the proposer serves every peer still lacking it the parts it
** lacks, directly, so a relay lost to a crash or a partition costs one
** retransmission period.  A node hands the message to
** its core, as if from the proposer, when it holds every part.  Departures,
** said here and in the README: peers know who holds a message without the
** HasBlockPart/NewValidBlock messages CometBFT uses for it (the host reads
** it from the other nodes' state); the relaying is honest (Byzantine
** behaviours act on consensus messages, not on parts); only an honest,
** plain broadcast of a proposal larger than one part travels this way --
** smaller proposals, votes, twins, held-back and unicast messages go whole
** and direct as before.  Part messages carry their slice of the bytes, so
** the network charges their real size.
*/
#include "verifiers/host.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define GOSSIP_TAG0 0xfeu        /* no consensus message starts with it (XR_BFTMSG_VERSION) */
#define GOSSIP_TAG1 0x47u
#define GOSSIP_HDR 12u           /* tag(2) item(4) part(2) parts(2) pad(2) */
#define GOSSIP_ITEMS 16u         /* proposals kept for relaying (a ring) */
#define GOSSIP_MAX_PARTS 256u    /* larger messages get larger parts */
#define GOSSIP_RELAYS 2u         /* peers the proposer gives each part to */
#define GOSSIP_SLOTS 4u          /* messages a node assembles at once */

typedef struct gitem {
    uint32_t id;                 /* 0: unused */
    uint32_t from;               /* proposer's verifier index */
    uint32_t parts;
    uint32_t part_bytes;
    uint32_t sends;              /* broadcasts of it so far */
    size_t len;
    size_t cap;
    uint8_t *bytes;
} gitem;

typedef struct gslot {
    uint32_t id;                 /* 0: free */
    uint32_t count;              /* parts held */
    bool done;                   /* handed to the core */
    uint64_t bits[GOSSIP_MAX_PARTS / 64u];
} gslot;

struct vhost_gossip {
    uint32_t part_bytes;
    uint32_t next_id;
    gitem items[GOSSIP_ITEMS];
    gslot *slots;                /* [n * GOSSIP_SLOTS] */
    uint8_t *scratch;            /* one part message */
    mdl_gossip_stats stats;
};

static void put_u32(uint8_t *p, uint32_t x) {
    p[0] = (uint8_t)(x >> 24); p[1] = (uint8_t)(x >> 16); p[2] = (uint8_t)(x >> 8); p[3] = (uint8_t)x;
}
static void put_u16(uint8_t *p, uint32_t x) { p[0] = (uint8_t)(x >> 8); p[1] = (uint8_t)x; }
static uint32_t get_u32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint32_t get_u16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }

bool vhost_gossip_new(mdl_verifiers *vs) {
    if (vs->cc.block_part_bytes == 0) return true;
    vhost_gossip *g = calloc(1, sizeof *g);
    if (!g) return false;
    vs->gossip = g;
    g->part_bytes = vs->cc.block_part_bytes;
    g->next_id = 1;
    g->slots = calloc((size_t)vs->n * GOSSIP_SLOTS, sizeof *g->slots);
    g->scratch = malloc(GOSSIP_HDR + (size_t)g->part_bytes);
    return g->slots && g->scratch;
}

void vhost_gossip_free(mdl_verifiers *vs) {
    vhost_gossip *g = vs->gossip;
    if (!g) return;
    for (uint32_t i = 0; i < GOSSIP_ITEMS; i++) free(g->items[i].bytes);
    free(g->slots);
    free(g->scratch);
    free(g);
    vs->gossip = NULL;
}

const mdl_gossip_stats *mdl_verifiers_gossip_stats(const mdl_verifiers *vs) {
    return vs->gossip ? &vs->gossip->stats : NULL;
}

/* Node i's slot for item id: the one holding it, else (when `take`) the
** oldest, emptied.  NULL when absent and not taken. */
static gslot *slot_of(vhost_gossip *g, uint32_t i, uint32_t id, bool take) {
    gslot *s = &g->slots[(size_t)i * GOSSIP_SLOTS], *old = s;
    for (uint32_t k = 0; k < GOSSIP_SLOTS; k++) {
        if (s[k].id == id) return &s[k];
        if (s[k].id < old->id) old = &s[k];
    }
    if (!take) return NULL;
    memset(old, 0, sizeof *old);
    old->id = id;
    return old;
}

static bool holds(vhost_gossip *g, uint32_t i, uint32_t id) {
    const gslot *s = slot_of(g, i, id, false);
    return s && s->done;
}

void vhost_gossip_forget(mdl_verifiers *vs, const verifier *v) {
    vhost_gossip *g = vs->gossip;
    if (g) memset(&g->slots[(size_t)v->index * GOSSIP_SLOTS], 0, GOSSIP_SLOTS * sizeof(gslot));
}

/* The item for v's broadcast of bytes: the same one when v sends the same
** bytes again (a retransmission), else a new one in the ring. */
static gitem *item_for(mdl_verifiers *vs, vhost_gossip *g, const verifier *v, const uint8_t *bytes,
                       size_t len) {
    for (uint32_t k = 0; k < GOSSIP_ITEMS; k++) {
        gitem *it = &g->items[k];
        if (it->id && it->from == v->index && it->len == len && memcmp(it->bytes, bytes, len) == 0)
            return it;
    }
    uint32_t id = g->next_id++;
    gitem *it = &g->items[id % GOSSIP_ITEMS];
    if (it->cap < len) {
        uint8_t *nb = realloc(it->bytes, len);
        if (!nb) {
            vhost_fail(vs, "out of memory gossiping a proposal");
            return NULL;
        }
        it->bytes = nb;
        it->cap = len;
    }
    memcpy(it->bytes, bytes, len);
    it->id = id;
    it->from = v->index;
    it->len = len;
    it->sends = 0;
    uint64_t pb = g->part_bytes;
    if ((len + pb - 1u) / pb > GOSSIP_MAX_PARTS) pb = (len + GOSSIP_MAX_PARTS - 1u) / GOSSIP_MAX_PARTS;
    it->part_bytes = (uint32_t)pb;
    it->parts = (uint32_t)((len + pb - 1u) / pb);
    return it;
}

/* Part j of it into g->scratch; returns its length. */
static size_t part_msg(vhost_gossip *g, const gitem *it, uint32_t j) {
    size_t off = (size_t)j * it->part_bytes;
    size_t n = it->len - off < it->part_bytes ? it->len - off : it->part_bytes;
    uint8_t *m = g->scratch;
    m[0] = GOSSIP_TAG0;
    m[1] = GOSSIP_TAG1;
    put_u32(m + 2, it->id);
    put_u16(m + 6, j);
    put_u16(m + 8, it->parts);
    m[10] = m[11] = 0;
    memcpy(m + GOSSIP_HDR, it->bytes + off, n);
    return GOSSIP_HDR + n;
}

bool vhost_gossip_broadcast(mdl_verifiers *vs, verifier *v, const uint8_t *bytes, size_t len) {
    vhost_gossip *g = vs->gossip;
    if (!g || vs->n < 3u || len <= g->part_bytes || len < 2u || bytes[1] != XR_BFT_PROPOSAL) return false;
    gitem *it = item_for(vs, g, v, bytes, len);
    if (!it) return true;
    slot_of(g, v->index, it->id, true)->done = true; /* the proposer holds it */
    g->stats.broadcasts++;
    if (it->sends++ > 0) {
        /* sent before: serve each peer that still lacks the message the
        ** parts it lacks, as the proposer's own gossip routine per peer
        ** does (relays cut off by a partition or a crash are bypassed) */
        for (uint32_t i = 0; i < vs->n; i++) {
            if (i == v->index) continue;
            const gslot *s = slot_of(g, i, it->id, false);
            if (s && s->done) continue;
            for (uint32_t j = 0; j < it->parts; j++) {
                if (s && (s->bits[j / 64u] >> (j % 64u) & 1u)) continue;
                mdl_byz_send(v, vs->v[i].node, 0, 0, g->scratch, part_msg(g, it, j));
                g->stats.parts_sent++;
            }
        }
        return true;
    }
    /* first send: each part to GOSSIP_RELAYS peers in turn, who relay it */
    uint32_t peers = vs->n - 1u;
    for (uint32_t j = 0; j < it->parts; j++) {
        size_t ml = part_msg(g, it, j);
        for (uint32_t k = 0; k < GOSSIP_RELAYS; k++) {
            uint32_t rank = (j * GOSSIP_RELAYS + k) % peers;
            uint32_t to = rank < v->index ? rank : rank + 1u;
            mdl_byz_send(v, vs->v[to].node, 0, 0, g->scratch, ml);
            g->stats.parts_sent++;
        }
    }
    return true;
}

bool vhost_gossip_receive(mdl_verifiers *vs, verifier *v, uint32_t from_node, const uint8_t *bytes,
                          size_t len, vhost_gossip_deliver_fn deliver) {
    vhost_gossip *g = vs->gossip;
    if (len < GOSSIP_HDR || bytes[0] != GOSSIP_TAG0 || bytes[1] != GOSSIP_TAG1) return false;
    if (!g) return true; /* not ours to read: dropped */
    uint32_t id = get_u32(bytes + 2), j = get_u16(bytes + 6), parts = get_u16(bytes + 8);
    const gitem *it = &g->items[id % GOSSIP_ITEMS];
    if (id == 0 || it->id != id || j >= it->parts || parts != it->parts) {
        g->stats.parts_stale++; /* its proposal left the ring */
        return true;
    }
    const verifier *src = &vs->v[it->from];
    if (from_node == src->node) {
        /* a relay: on to every other peer that lacks the message */
        for (uint32_t i = 0; i < vs->n; i++) {
            if (i == v->index || i == it->from || holds(g, i, id)) continue;
            mdl_byz_send(v, vs->v[i].node, 0, 0, bytes, len);
            g->stats.parts_relayed++;
        }
    }
    gslot *s = slot_of(g, v->index, id, true);
    if (s->done || (s->bits[j / 64u] >> (j % 64u) & 1u)) return true;
    s->bits[j / 64u] |= UINT64_C(1) << (j % 64u);
    if (++s->count < it->parts) return true;
    s->done = true;
    g->stats.assembled++;
    deliver(vs, v, src->node, it->bytes, it->len);
    return true;
}
