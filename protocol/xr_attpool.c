/*
** Attestation aggregation and approval (see xr_attpool.h).
**
** Layout inside the caller's memory: the pool header, `max_streams` stream
** records kept sorted by (chain, level), per stream a ring of `window` + 1
** list heads (slot = offset % (window + 1), unique for the offsets stored:
** those in (last, max(last, 1) + window]), and `max_votes` vote records chained through `next` (freed ones
** on a free list; never-used ones handed out in index order, so init
** touches none).  Lookups walk one offset's list: at most one vote per
** validator, so O(validators).
*/
#include "xr_attpool.h"

#include <stdbool.h>
#include <string.h>

#include "xr_assert.h"
#include "xr_err.h"

#define NIL_IDX 0xffffffffu

/* n-byte equality without a call: the core is built -ffreestanding, which
** keeps memcmp out of line, and these compares sit in per-vote loops. */
static inline bool bytes_eq(const uint8_t *a, const uint8_t *b, size_t n) {
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) acc |= (uint8_t)(a[i] ^ b[i]);
    return acc == 0;
}

typedef struct stream {
    uint64_t chain_id;
    uint8_t level;
    uint64_t last;               /* last approved offset */
    uint64_t block_last;         /* last as this block's approvals began */
    uint32_t vote_count;         /* votes stored for this stream */
} stream;

typedef struct vote_rec {
    uint32_t next;               /* first: a list walk reads one cache line per record */
    xr_att_vote v;
} vote_rec;

struct xr_attpool {
    xr_attpool_cfg cfg;
    uint32_t stream_count;
    uint32_t vote_count;
    uint32_t free_head;          /* freed records, LIFO */
    uint32_t fresh;              /* records [fresh, max_votes) never used */
    stream *streams;             /* [max_streams], sorted by (chain, level) */
    uint32_t *heads;             /* [max_streams * window]; row follows its stream */
    vote_rec *votes;             /* [max_votes] */
};

#define ALIGN_UP(n) (((n) + 15u) & ~(size_t)15u)

void xr_attpool_cfg_default(xr_attpool_cfg *cfg) {
    XR_ASSERT(cfg != NULL);
    cfg->max_streams = 64;
    cfg->window = 64;
    cfg->window_down = 2;
    cfg->max_votes = 8192;
    cfg->quorum = XR_QUORUM_DEFAULT;
}

static int cfg_ok(const xr_attpool_cfg *cfg) {
    return cfg && cfg->max_streams >= 1 && cfg->window >= 1 && cfg->max_votes >= 1 &&
           cfg->max_votes < NIL_IDX && cfg->max_streams <= (1u << 20) &&
           cfg->window <= (1u << 20) && cfg->window_down <= (1u << 20) &&
           xr_quorum_validate(cfg->quorum) == 0;
}

size_t xr_attpool_mem_size(const xr_attpool_cfg *cfg) {
    if (!cfg_ok(cfg)) return 0;
    return ALIGN_UP(sizeof(xr_attpool)) + ALIGN_UP(sizeof(stream) * cfg->max_streams) +
           ALIGN_UP(sizeof(uint32_t) * (size_t)cfg->max_streams * (cfg->window + 1u)) +
           ALIGN_UP(sizeof(vote_rec) * cfg->max_votes);
}

int xr_attpool_init(xr_attpool **out, void *mem, size_t mem_len, const xr_attpool_cfg *cfg) {
    if (!out || !mem || !cfg_ok(cfg)) return XR_ERR_INVALID_ARG;
    if (mem_len < xr_attpool_mem_size(cfg)) return XR_ERR_NOSPACE;
    uint8_t *m = mem;
    xr_attpool *p = (xr_attpool *)(void *)m;
    memset(p, 0, sizeof *p);
    m += ALIGN_UP(sizeof(xr_attpool));
    p->cfg = *cfg;
    p->streams = (stream *)(void *)m;
    m += ALIGN_UP(sizeof(stream) * cfg->max_streams);
    p->heads = (uint32_t *)(void *)m;
    m += ALIGN_UP(sizeof(uint32_t) * (size_t)cfg->max_streams * (cfg->window + 1u));
    p->votes = (vote_rec *)(void *)m;
    /* records are handed out lazily (freed first, then fresh ones in index
    ** order): init touches none of them */
    p->free_head = NIL_IDX;
    p->fresh = 0;
    *out = p;
    return 0;
}

/* Index of (chain, level) or, when absent, -(insertion point) - 1. */
static long find_stream(const xr_attpool *p, uint64_t chain, uint8_t level) {
    uint32_t lo = 0, hi = p->stream_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const stream *s = &p->streams[mid];
        if (s->chain_id == chain && s->level == level) return (long)mid;
        if (s->chain_id < chain || (s->chain_id == chain && s->level < level))
            lo = mid + 1;
        else
            hi = mid;
    }
    return -(long)lo - 1;
}

static uint32_t slot(const xr_attpool *p, uint64_t offset) {
    return (uint32_t)(offset % (p->cfg.window + 1u));
}

static uint32_t *row(const xr_attpool *p, uint32_t si) {
    return p->heads + (size_t)si * (p->cfg.window + 1u);
}

/* Find or create the stream; -1 when out of slots. */
static long get_stream(xr_attpool *p, uint64_t chain, uint8_t level) {
    long i = find_stream(p, chain, level);
    if (i >= 0) return i;
    if (p->stream_count >= p->cfg.max_streams) return -1;
    uint32_t at = (uint32_t)(-i - 1);
    uint32_t w = p->cfg.window + 1u;
    /* shift the streams and their head rows up by one */
    for (uint32_t k = p->stream_count; k > at; k--) {
        p->streams[k] = p->streams[k - 1];
        memcpy(row(p, k), row(p, k - 1), sizeof(uint32_t) * w);
    }
    p->streams[at] =
        (stream){.chain_id = chain, .level = level, .last = 0, .block_last = 0, .vote_count = 0};
    uint32_t *r = row(p, at);
    for (uint32_t k = 0; k < w; k++) r[k] = NIL_IDX;
    p->stream_count++;
    return (long)at;
}

uint64_t xr_attpool_last_approved(const xr_attpool *p, uint64_t chain_id, uint8_t level) {
    XR_ASSERT(p != NULL);
    long i = find_stream(p, chain_id, level);
    return i >= 0 ? p->streams[i].last : 0;
}

int xr_attpool_set_last_approved(xr_attpool *p, uint64_t chain_id, uint8_t level, uint64_t last) {
    XR_ASSERT(p != NULL);
    long i = get_stream(p, chain_id, level);
    if (i < 0) return XR_ERR_CAPACITY;
    if (p->streams[i].vote_count) return XR_ERR_INVALID_ARG;
    p->streams[i].last = last;
    p->streams[i].block_last = last;
    return 0;
}

/* The keeper's window midpoint: the last approved offset, or the initial
** offset 1 before any (halo/attest/keeper windowCompare). */
static uint64_t window_mid(uint64_t last) { return last ? last : 1; }

/* Stored now: in (last, mid + window]. */
static int window_check(const xr_attpool *p, uint64_t last, uint64_t offset) {
    if (offset <= last) return XR_ERR_BFT_ATT_STALE;
    if (offset > window_mid(last) + p->cfg.window) return XR_ERR_BFT_ATT_WINDOW;
    return 0;
}

int xr_attpool_check_window(const xr_attpool *p, const xr_xheader *h) {
    XR_ASSERT(p != NULL && h != NULL);
    return window_check(p, xr_attpool_last_approved(p, h->source_chain_id, h->conf_level),
                        h->offset);
}

int xr_attpool_vote_window(const xr_attpool *p, const xr_xheader *h) {
    XR_ASSERT(p != NULL && h != NULL);
    uint64_t mid = window_mid(xr_attpool_last_approved(p, h->source_chain_id, h->conf_level));
    uint64_t low = mid > p->cfg.window_down ? mid - p->cfg.window_down : 0;
    if (h->offset < low) return XR_ERR_BFT_ATT_STALE;
    if (h->offset > mid + p->cfg.window) return XR_ERR_BFT_ATT_WINDOW;
    return 0;
}

const xr_att_vote *xr_attpool_find(const xr_attpool *p, const uint8_t validator[20],
                                   uint64_t chain_id, uint8_t level, uint64_t offset) {
    XR_ASSERT(p != NULL && validator != NULL);
    long si = find_stream(p, chain_id, level);
    if (si < 0 || window_check(p, p->streams[si].last, offset) != 0) return NULL;
    uint32_t idx = row(p, (uint32_t)si)[slot(p, offset)];
    for (; idx != NIL_IDX; idx = p->votes[idx].next) {
        const xr_att_vote *v = &p->votes[idx].v;
        /* the first byte rules out most of an offset's other signers */
        if (v->validator[0] == validator[0] && v->header.offset == offset &&
            bytes_eq(v->validator, validator, 20))
            return v;
    }
    return NULL;
}

int xr_attpool_add(xr_attpool *p, const xr_att_vote *v, xr_att_vote *conflict) {
    XR_ASSERT(p != NULL && v != NULL);
    const xr_xheader *h = &v->header;
    long found = find_stream(p, h->source_chain_id, h->conf_level);
    int rc = window_check(p, found >= 0 ? p->streams[found].last : 0, h->offset);
    if (rc) return rc;
    const xr_att_vote *old =
        xr_attpool_find(p, v->validator, h->source_chain_id, h->conf_level, h->offset);
    if (old) {
        if (bytes_eq(old->root.bytes, v->root.bytes, 32)) return XR_ERR_BFT_DUPLICATE;
        if (conflict) *conflict = *old;
        return XR_ERR_BFT_EQUIVOCATION;
    }
    if (p->free_head == NIL_IDX && p->fresh >= p->cfg.max_votes) return XR_ERR_CAPACITY;
    long si = get_stream(p, h->source_chain_id, h->conf_level);
    if (si < 0) return XR_ERR_CAPACITY;
    uint32_t idx;
    if (p->free_head != NIL_IDX) {
        idx = p->free_head;
        p->free_head = p->votes[idx].next;
    } else {
        idx = p->fresh++;
    }
    p->votes[idx].v = *v;
    uint32_t *head = &row(p, (uint32_t)si)[slot(p, h->offset)];
    p->votes[idx].next = *head;
    *head = idx;
    p->streams[si].vote_count++;
    p->vote_count++;
    return 0;
}

static uint64_t power_of(const xr_valset *vs, const uint8_t a[20]) {
    xr_address addr;
    memcpy(addr.bytes, a, 20);
    return xr_valset_power_of(vs, &addr);
}

/* Power that signed `root` among the list starting at idx for `offset`. */
static uint64_t root_power(const xr_attpool *p, const xr_valset *vs, uint32_t idx,
                           uint64_t offset, const xr_hash *root, uint32_t *signers) {
    uint64_t sum = 0;
    uint32_t n = 0;
    for (; idx != NIL_IDX; idx = p->votes[idx].next) {
        const xr_att_vote *v = &p->votes[idx].v;
        if (v->header.offset != offset || !bytes_eq(v->root.bytes, root->bytes, 32)) continue;
        uint64_t pw = power_of(vs, v->validator);
        if (pw == 0) continue;
        sum += pw; /* cannot overflow: a set's total fits in uint64 */
        n++;
    }
    *signers = n;
    return sum;
}

/* Free every vote of stream si at `offset`. */
static void free_offset(xr_attpool *p, uint32_t si, uint64_t offset) {
    uint32_t *link = &row(p, si)[slot(p, offset)];
    while (*link != NIL_IDX) {
        uint32_t idx = *link;
        if (p->votes[idx].v.header.offset == offset) {
            *link = p->votes[idx].next;
            p->votes[idx].next = p->free_head;
            p->free_head = idx;
            XR_ASSERT(p->streams[si].vote_count > 0 && p->vote_count > 0);
            p->streams[si].vote_count--;
            p->vote_count--;
        } else {
            link = &p->votes[idx].next;
        }
    }
}

/* Sort n signature entries ascending by address (insertion sort: linear
** on the nearly sorted input next_approval gives it; addresses are
** distinct, one vote per validator and offset). */
static void sort_sig_entries(uint8_t *sigs, uint32_t n) {
    uint8_t tmp[XR_ATTPOOL_SIG_ENTRY_BYTES];
    for (uint32_t i = 1; i < n; i++) {
        uint8_t *e = sigs + (size_t)i * XR_ATTPOOL_SIG_ENTRY_BYTES;
        if (memcmp(e - XR_ATTPOOL_SIG_ENTRY_BYTES, e, 20) < 0) continue;
        memcpy(tmp, e, XR_ATTPOOL_SIG_ENTRY_BYTES);
        uint32_t j = i;
        while (j > 0 && memcmp(sigs + (size_t)(j - 1) * XR_ATTPOOL_SIG_ENTRY_BYTES, tmp, 20) > 0)
            j--;
        uint8_t *at = sigs + (size_t)j * XR_ATTPOOL_SIG_ENTRY_BYTES;
        memmove(at + XR_ATTPOOL_SIG_ENTRY_BYTES, at, (size_t)(i - j) * XR_ATTPOOL_SIG_ENTRY_BYTES);
        memcpy(at, tmp, XR_ATTPOOL_SIG_ENTRY_BYTES);
    }
}

void xr_attpool_begin_block(xr_attpool *p) {
    XR_ASSERT(p != NULL);
    for (uint32_t si = 0; si < p->stream_count; si++)
        p->streams[si].block_last = p->streams[si].last;
}

/* Can fuzzy stream s's offset be approved by the chain's Finalized stream?
** Only a Finalized approval from an earlier block counts: the keeper
** approves pending attestations in (chain, level, offset) order, so a
** Finalized one approved in this block is seen in the next. */
static bool finalized_covers(const xr_attpool *p, const stream *s, uint64_t offset) {
    if (s->level == XR_CONF_FINALIZED) return false;
    long fi = find_stream(p, s->chain_id, XR_CONF_FINALIZED);
    return fi >= 0 && p->streams[fi].block_last >= offset;
}

int xr_attpool_next_approval(xr_attpool *p, const xr_valset *vs, xr_attpool_approval *out,
                             uint8_t *sigs, size_t sigs_cap) {
    XR_ASSERT(p != NULL && vs != NULL && out != NULL && (sigs != NULL || sigs_cap == 0));
    for (uint32_t si = 0; si < p->stream_count; si++) {
        stream *s = &p->streams[si];
        if (s->vote_count == 0) continue;
        uint64_t offset = s->last + 1;
        uint32_t head = row(p, si)[slot(p, offset)];
        const xr_att_vote *stuck = NULL; /* the first vote at offset, for an override */
        uint64_t stuck_power = 0;
        /* each distinct root in the list, first occurrence only */
        for (uint32_t a = head; a != NIL_IDX; a = p->votes[a].next) {
            const xr_att_vote *va = &p->votes[a].v;
            if (va->header.offset != offset) continue;
            bool seen = false;
            for (uint32_t b = head; b != a; b = p->votes[b].next) {
                const xr_att_vote *vb = &p->votes[b].v;
                if (vb->header.offset == offset &&
                    bytes_eq(vb->root.bytes, va->root.bytes, 32)) {
                    seen = true;
                    break;
                }
            }
            if (seen) continue;
            uint32_t n = 0;
            uint64_t pw = root_power(p, vs, head, offset, &va->root, &n);
            if (stuck == NULL) {
                stuck = va;
                stuck_power = pw;
            }
            if (!xr_quorum_reached(p->cfg.quorum, pw, vs->total_power)) continue;
            if (sigs_cap / XR_ATTPOOL_SIG_ENTRY_BYTES < n) return XR_ERR_NOSPACE;
            /* signers, then sorted ascending by address */
            uint32_t k = 0;
            for (uint32_t c = head; c != NIL_IDX; c = p->votes[c].next) {
                const xr_att_vote *vc = &p->votes[c].v;
                if (vc->header.offset != offset ||
                    !bytes_eq(vc->root.bytes, va->root.bytes, 32) ||
                    power_of(vs, vc->validator) == 0)
                    continue;
                XR_ASSERT(k < n);
                /* back to front: the list is newest first and blocks carry
                ** votes ascending by validator, so this is usually sorted */
                uint8_t *e = sigs + (size_t)(n - 1u - k) * XR_ATTPOOL_SIG_ENTRY_BYTES;
                memcpy(e, vc->validator, 20);
                memcpy(e + 20, vc->sig, 65);
                k++;
            }
            XR_ASSERT(k == n);
            sort_sig_entries(sigs, n);
            out->header = va->header;
            out->msg_root = va->msg_root;
            out->root = va->root;
            out->signed_power = pw;
            out->total_power = vs->total_power;
            out->valset_id = vs->id;
            out->sig_count = n;
            out->finalized_override = false;
            free_offset(p, si, offset);
            s->last = offset;
            return 1;
        }
        if (stuck != NULL && finalized_covers(p, s, offset)) {
            out->header = stuck->header;
            out->msg_root = stuck->msg_root;
            out->root = stuck->root;
            out->signed_power = stuck_power;
            out->total_power = vs->total_power;
            out->valset_id = vs->id;
            out->sig_count = 0;
            out->finalized_override = true;
            free_offset(p, si, offset);
            s->last = offset;
            return 1;
        }
    }
    return 0;
}

uint32_t xr_attpool_vote_count(const xr_attpool *p) {
    XR_ASSERT(p != NULL);
    return p->vote_count;
}
