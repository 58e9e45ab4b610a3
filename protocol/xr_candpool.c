/*
** The candidate attestation votes of one consensus node (see xr_candpool.h).
**
** Layout in the caller's block: the pool header, `cap` records, then the
** index: a power of two >= 2 * cap slots, of which the first `nbuckets` are
** in use.  Records put their links first and the key after, so a lookup
** confirming a hit reads the first cache line or two.
*/
#include "xr_candpool.h"

#include <string.h>

#include "xr_assert.h"
#include "xr_err.h"

#define NONE XR_CANDPOOL_NONE
#define MIN_BUCKETS 256u         /* index slots in use at least (power of two) */
#define PREFETCH_AHEAD 8u

typedef struct cand {
    uint32_t next;               /* free list */
    uint32_t lprev, lnext;       /* list of the used ones, own or peers' */
    uint8_t used;
    uint8_t own;
    xr_att_vote v;
} cand;

struct xr_candpool {
    uint32_t cap;
    cand *cands;                 /* [cap] */
    uint64_t *buckets;           /* the index (see xr_candpool_find) */
    uint32_t nbuckets;           /* slots in use: a power of two, 2..8x count */
    uint32_t nbuckets_max;       /* allocated: a power of two >= 2 * cap */
    uint32_t free_head;          /* freed records, LIFO */
    uint32_t fresh;              /* records [fresh, cap) never used */
    uint32_t count;
    uint32_t list[2];            /* heads: [0] peers' votes, [1] own votes */
};

static uint32_t pow2_at_least(uint32_t n) {
    uint32_t p = 1;
    while (p < n) p <<= 1;
    return p;
}

static size_t align16(size_t n) { return (n + 15u) & ~(size_t)15u; }

size_t xr_candpool_mem_size(uint32_t cap) {
    if (cap < 1 || cap > (1u << 24)) return 0;
    return align16(sizeof(xr_candpool)) + align16(sizeof(cand) * cap) +
           sizeof(uint64_t) * pow2_at_least(cap * 2u);
}

size_t xr_candpool_mem_in_use(uint32_t cap, uint32_t held) {
    size_t all = xr_candpool_mem_size(cap);
    if (all == 0) return 0;
    if (held > cap) held = cap;
    /* the index in use stays within 8x the count, at least MIN_BUCKETS slots */
    uint32_t nb = pow2_at_least(held * 2u);
    if (nb < MIN_BUCKETS) nb = MIN_BUCKETS;
    if (nb > pow2_at_least(cap * 2u)) nb = pow2_at_least(cap * 2u);
    size_t used = align16(sizeof(xr_candpool)) + sizeof(cand) * (size_t)held + sizeof(uint64_t) * nb;
    XR_ASSERT(used <= all);
    return used;
}

int xr_candpool_init(xr_candpool **out, void *mem, size_t mem_len, uint32_t cap) {
    if (!out || !mem || ((uintptr_t)mem & 15u) != 0) return XR_ERR_INVALID_ARG;
    size_t need = xr_candpool_mem_size(cap);
    if (need == 0) return XR_ERR_INVALID_ARG;
    if (mem_len < need) return XR_ERR_NOSPACE;
    uint8_t *base = mem;
    xr_candpool *p = mem;
    memset(p, 0, sizeof *p);
    p->cap = cap;
    p->cands = (cand *)(base + align16(sizeof(xr_candpool)));
    p->buckets = (uint64_t *)(base + align16(sizeof(xr_candpool)) + align16(sizeof(cand) * cap));
    p->nbuckets_max = pow2_at_least(cap * 2u);
    p->nbuckets = p->nbuckets_max < MIN_BUCKETS ? p->nbuckets_max : MIN_BUCKETS;
    for (uint32_t i = 0; i < p->nbuckets; i++) p->buckets[i] = 0;
    p->free_head = NONE;
    p->fresh = 0;
    p->list[0] = p->list[1] = NONE;
    XR_ASSERT((p->nbuckets & (p->nbuckets - 1u)) == 0);
    XR_ASSERT(p->nbuckets_max >= 2u * cap);
    *out = p;
    return 0;
}

/* n-byte equality without a call: the core is built -ffreestanding, which
** keeps memcmp out of line, and these compares sit in the hottest loops. */
static inline bool bytes_eq(const uint8_t *a, const uint8_t *b, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i]) return false;
    return true;
}

/* 8 bytes as a machine word, for hashing only (the byte order does not
** matter there).  __builtin_memcpy: under -ffreestanding memcpy would be a
** call; this is one load. */
static uint64_t load_word(const uint8_t *p) {
    uint64_t v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

/* 32-bit hash of a key (validator, chain, level, offset): a multiply-
** xorshift mix.  Where a key sits in the index never affects a result: keys
** are unique and every hit is confirmed on the full key. */
static uint32_t key_hash(const uint8_t validator[20], uint64_t chain, uint8_t level,
                         uint64_t offset) {
    const uint64_t k = UINT64_C(0x9e3779b97f4a7c15);
    uint64_t h = load_word(validator) * k;
    h = (h ^ load_word(validator + 8)) * k;
    h = (h ^ load_word(validator + 12)) * k;
    h = (h ^ chain ^ ((uint64_t)level << 56)) * k;
    h = (h ^ offset) * k;
    return (uint32_t)(h >> 32);
}

static uint32_t hash_of(const xr_att_vote *v) {
    return key_hash(v->validator, v->header.source_chain_id, v->header.conf_level,
                    v->header.offset);
}

/* The index: open addressing with linear probing over the first nbuckets
** slots of `buckets`; a slot is 0 (empty) or hash << 32 | (i + 1) for
** record i, and its home slot is hash & (nbuckets - 1).  Keeping the hash
** in the slot means a probe reads only the index until the hash matches, so
** a lookup touches one record (the one it finds) or none, and a deletion
** shifts slots without reading records.  The number of slots in use follows
** count (load between 1/8 and 1/2), so the part of the index a node touches
** stays small: with 100 nodes in one process, an index sized for the
** capacity misses the cache on nearly every lookup. */
static uint64_t slot_make(uint32_t hash, uint32_t i) {
    return (uint64_t)hash << 32 | (uint64_t)(i + 1u);
}

static void index_put(xr_candpool *p, uint32_t hash, uint32_t i) {
    uint32_t mask = p->nbuckets - 1u;
    uint32_t j = hash & mask;
    while (p->buckets[j] != 0) j = (j + 1u) & mask;
    p->buckets[j] = slot_make(hash, i);
}

static void rehash(xr_candpool *p, uint32_t nb) {
    XR_ASSERT(nb >= 1 && nb <= p->nbuckets_max && (nb & (nb - 1)) == 0);
    XR_ASSERT(p->count <= nb / 2u || nb == p->nbuckets_max);
    p->nbuckets = nb;
    for (uint32_t i = 0; i < nb; i++) p->buckets[i] = 0;
    for (int own = 0; own < 2; own++)
        for (uint32_t i = p->list[own]; i != NONE; i = p->cands[i].lnext)
            index_put(p, hash_of(&p->cands[i].v), i);
}

uint32_t xr_candpool_find(const xr_candpool *p, const uint8_t validator[20], const xr_xheader *h) {
    XR_ASSERT(p != NULL && validator != NULL && h != NULL);
    uint32_t hash = key_hash(validator, h->source_chain_id, h->conf_level, h->offset);
    uint32_t mask = p->nbuckets - 1u;
    for (uint32_t j = hash & mask;; j = (j + 1u) & mask) {
        uint64_t sl = p->buckets[j];
        if (sl == 0) return NONE;
        if ((uint32_t)(sl >> 32) != hash) continue;
        uint32_t i = (uint32_t)sl - 1u;
        const xr_att_vote *v = &p->cands[i].v;
        if (v->header.source_chain_id == h->source_chain_id &&
            v->header.conf_level == h->conf_level && v->header.offset == h->offset &&
            bytes_eq(v->validator, validator, 20))
            return i;
    }
}

/* Records are taken from the freed ones first, then never-used ones in
** order (so init touches none of them and the pages of unused records are
** never faulted in). */
uint32_t xr_candpool_insert(xr_candpool *p, const xr_att_vote *v, bool own) {
    XR_ASSERT(p != NULL && v != NULL);
    uint32_t i;
    if (p->free_head != NONE) {
        i = p->free_head;
        p->free_head = p->cands[i].next;
    } else if (p->fresh < p->cap) {
        i = p->fresh++;
    } else {
        XR_ASSERT(p->count == p->cap);
        return NONE;
    }
    cand *c = &p->cands[i];
    XR_ASSERT(i < p->cap && !(i < p->fresh - 1u && c->used));
    c->v = *v;
    c->used = 1;
    c->own = own ? 1 : 0;
    c->next = NONE;
    uint32_t *head = &p->list[c->own];
    c->lprev = NONE;
    c->lnext = *head;
    if (*head != NONE) p->cands[*head].lprev = i;
    *head = i;
    p->count++;
    XR_ASSERT(p->count <= p->cap);
    if (p->count > p->nbuckets / 2u && p->nbuckets < p->nbuckets_max)
        rehash(p, p->nbuckets * 2u); /* re-indexes i too */
    else
        index_put(p, hash_of(v), i);
    return i;
}

void xr_candpool_remove(xr_candpool *p, uint32_t i) {
    XR_ASSERT(p != NULL && i < p->fresh && p->cands[i].used);
    XR_ASSERT(p->count > 0);
    uint32_t hash = hash_of(&p->cands[i].v);
    uint32_t mask = p->nbuckets - 1u;
    uint32_t j = hash & mask;
    while (p->buckets[j] != slot_make(hash, i)) {
        XR_ASSERT(p->buckets[j] != 0);
        j = (j + 1u) & mask;
    }
    /* backward-shift deletion: move later slots of the run into the hole
    ** when their home does not lie cyclically in (hole, slot] */
    for (uint32_t k = (j + 1u) & mask; p->buckets[k] != 0; k = (k + 1u) & mask) {
        uint32_t home = (uint32_t)(p->buckets[k] >> 32) & mask;
        bool stays = j <= k ? (home > j && home <= k) : (home > j || home <= k);
        if (stays) continue;
        p->buckets[j] = p->buckets[k];
        j = k;
    }
    p->buckets[j] = 0;
    cand *c = &p->cands[i];
    if (c->lprev != NONE)
        p->cands[c->lprev].lnext = c->lnext;
    else
        p->list[c->own] = c->lnext;
    if (c->lnext != NONE) p->cands[c->lnext].lprev = c->lprev;
    c->used = 0;
    c->next = p->free_head;
    p->free_head = i;
    p->count--;
    if (p->nbuckets > MIN_BUCKETS && p->count < p->nbuckets / 8u) rehash(p, p->nbuckets / 2u);
}

const xr_att_vote *xr_candpool_vote(const xr_candpool *p, uint32_t i) {
    XR_ASSERT(p != NULL && i < p->fresh && p->cands[i].used);
    return &p->cands[i].v;
}

uint32_t xr_candpool_count(const xr_candpool *p) {
    XR_ASSERT(p != NULL);
    return p->count;
}

uint32_t xr_candpool_first(const xr_candpool *p, bool own) {
    XR_ASSERT(p != NULL);
    return p->list[own ? 1 : 0];
}

uint32_t xr_candpool_next(const xr_candpool *p, uint32_t i) {
    XR_ASSERT(p != NULL && i < p->fresh && p->cands[i].used);
    return p->cands[i].lnext;
}

/* Heap sort of idx[0..n) by xr_att_vote_cmp. */
static int cmp(const xr_candpool *p, uint32_t x, uint32_t y) {
    return xr_att_vote_cmp(&p->cands[x].v, &p->cands[y].v);
}

static void sift(const xr_candpool *p, uint32_t *a, size_t start, size_t end) {
    size_t root = start;
    while (2 * root + 1 < end) {
        size_t child = 2 * root + 1, sw = root;
        if (cmp(p, a[sw], a[child]) < 0) sw = child;
        if (child + 1 < end && cmp(p, a[sw], a[child + 1]) < 0) sw = child + 1;
        if (sw == root) return;
        uint32_t t = a[root];
        a[root] = a[sw];
        a[sw] = t;
        root = sw;
    }
}

void xr_candpool_sort(const xr_candpool *p, uint32_t *a, size_t n) {
    XR_ASSERT(p != NULL && (a != NULL || n == 0));
    XR_ASSERT(n <= p->count);
    if (n < 2) return;
    for (size_t s = n / 2; s-- > 0;) sift(p, a, s, n);
    for (size_t end = n - 1; end > 0; end--) {
        uint32_t t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift(p, a, 0, end);
    }
}

/* `e` is an encoded entry, header first: chain (8, big-endian), consensus
** chain (8), level (1), offset (8, big-endian) -- xr_att_vote_encode_entry. */
static void prefetch_one(const xr_candpool *p, const uint8_t validator[20], const uint8_t *e,
                         bool record) {
    uint64_t chain = 0, offset = 0;
    for (int k = 0; k < 8; k++) chain = (chain << 8) | e[k];
    for (int k = 0; k < 8; k++) offset = (offset << 8) | e[17 + k];
    uint32_t hash = key_hash(validator, chain, e[16], offset);
    const uint64_t *sl = &p->buckets[hash & (p->nbuckets - 1u)];
    if (!record) {
        __builtin_prefetch(sl);
        return;
    }
    if (*sl != 0 && (uint32_t)(*sl >> 32) == hash) {
        const cand *c = &p->cands[(uint32_t)*sl - 1u];
        __builtin_prefetch(c);
        __builtin_prefetch((const uint8_t *)c + 64);
    }
}

void xr_candpool_prefetch_ahead(const xr_candpool *p, const uint8_t *base, size_t stride,
                                uint32_t i, uint32_t n, const uint8_t *validator) {
    size_t skip = validator ? 0 : 20u;
    if (i + PREFETCH_AHEAD < n) {
        const uint8_t *x = base + (size_t)(i + PREFETCH_AHEAD) * stride;
        prefetch_one(p, validator ? validator : x, x + skip, false);
    }
    if (i + PREFETCH_AHEAD / 2u < n) {
        const uint8_t *x = base + (size_t)(i + PREFETCH_AHEAD / 2u) * stride;
        prefetch_one(p, validator ? validator : x, x + skip, true);
    }
}

void xr_candpool_check(const xr_candpool *p) {
    XR_ASSERT(p != NULL && p->cap >= 1);
    XR_ASSERT(p->fresh <= p->cap && p->count <= p->fresh);
    XR_ASSERT(p->nbuckets >= 1 && (p->nbuckets & (p->nbuckets - 1u)) == 0);
    XR_ASSERT(p->nbuckets <= p->nbuckets_max);
    XR_ASSERT(p->count <= p->nbuckets / 2u || p->nbuckets == p->nbuckets_max);
    /* both lists: well linked, flags right, every record indexed */
    uint32_t listed = 0;
    for (int own = 0; own < 2; own++) {
        uint32_t prev = NONE;
        for (uint32_t i = p->list[own]; i != NONE; i = p->cands[i].lnext) {
            XR_ASSERT(i < p->fresh);
            const cand *c = &p->cands[i];
            XR_ASSERT(c->used && c->own == own && c->lprev == prev);
            XR_ASSERT(xr_candpool_find(p, c->v.validator, &c->v.header) == i);
            prev = i;
            listed++;
            XR_ASSERT(listed <= p->count);
        }
    }
    XR_ASSERT(listed == p->count);
    /* the free list holds exactly the other handed-out records */
    uint32_t freed = 0;
    for (uint32_t i = p->free_head; i != NONE; i = p->cands[i].next) {
        XR_ASSERT(i < p->fresh && !p->cands[i].used);
        freed++;
        XR_ASSERT(freed <= p->fresh);
    }
    XR_ASSERT(freed + p->count == p->fresh);
    /* the index holds one slot per record, each reachable from its home */
    uint32_t slots = 0;
    for (uint32_t j = 0; j < p->nbuckets; j++) {
        uint64_t sl = p->buckets[j];
        if (sl == 0) continue;
        uint32_t i = (uint32_t)sl - 1u;
        XR_ASSERT(i < p->fresh && p->cands[i].used);
        XR_ASSERT((uint32_t)(sl >> 32) == hash_of(&p->cands[i].v));
        slots++;
    }
    XR_ASSERT(slots == p->count);
}
