/*
** The shared memo of Keccak-256 digests of exact byte strings (see
** digest_memo.h for why it exists and why it cannot change a result).
**
** A slot stores the full input bytes next to their digest; the 64-bit
** fingerprint (a multiply-rotate mix of every byte for small inputs, of the
** length and a fixed sample of the bytes for large ones) picks the slot and
** rejects most mismatches cheaply, and memcmp of the whole input decides.
*/
#include "crypto/digest_memo.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define SMALL_MAX 80u
#define MEDIUM_MAX 208u
#define SMALL_SLOTS (1u << 14)
#define MEDIUM_SLOTS (1u << 12)
#define LARGE_SLOTS 8u
#define LARGE_EDGE 256u          /* bytes sampled at each end of a large input */
#define LARGE_SAMPLES 64u        /* 8-byte words sampled in between */

/* 128 bytes: two cache lines. */
typedef struct small_slot {
    uint64_t fp;
    uint16_t len_plus1;          /* 0: empty */
    uint8_t digest[32];
    uint8_t data[SMALL_MAX];
} small_slot;

/* 256 bytes: four cache lines. */
typedef struct medium_slot {
    uint64_t fp;
    uint16_t len_plus1;
    uint8_t digest[32];
    uint8_t data[MEDIUM_MAX];
} medium_slot;

typedef struct large_slot {
    uint64_t fp;
    size_t len;
    bool used;
    uint8_t digest[32];
    uint8_t *bytes;              /* heap copy of the input, cap bytes */
    size_t cap;
} large_slot;

struct mdl_digest_memo {
    small_slot *small;           /* [SMALL_SLOTS] */
    medium_slot *medium;         /* [MEDIUM_SLOTS] */
    large_slot large[LARGE_SLOTS];
    uint32_t large_next;         /* round-robin victim */
    mdl_digest_memo_stats stats;
};

static const uint64_t K1 = UINT64_C(0x9e3779b97f4a7c15);
static const uint64_t K2 = UINT64_C(0xbf58476d1ce4e5b9);

static uint64_t load64(const uint8_t *p) {
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return w;
}

static uint64_t rotl(uint64_t x, unsigned r) { return (x << r) | (x >> (64u - r)); }

static uint64_t mix(uint64_t h, uint64_t w) { return rotl((h ^ w) * K1, 29); }

static uint64_t finish(uint64_t h) {
    h ^= h >> 31;
    h *= K2;
    h ^= h >> 29;
    return h;
}

/* Fingerprint of every byte of a short input. */
static uint64_t fp_all(const uint8_t *p, size_t len) {
    uint64_t h = K2 ^ (uint64_t)len;
    size_t i = 0;
    for (; i + 8u <= len; i += 8u) h = mix(h, load64(p + i));
    if (i < len) {
        uint8_t tail[8] = {0};
        memcpy(tail, p + i, len - i);
        h = mix(h, load64(tail));
    }
    return finish(h);
}

/* Fingerprint of a large input: its length, both ends and evenly spaced
** words.  Only a hint: equality is always decided by memcmp. */
static uint64_t fp_sampled(const uint8_t *p, size_t len) {
    assert(len > 2u * LARGE_EDGE + 8u);
    uint64_t h = K1 ^ (uint64_t)len;
    for (size_t i = 0; i < LARGE_EDGE; i += 8u) h = mix(h, load64(p + i));
    for (size_t i = len - LARGE_EDGE; i + 8u <= len; i += 8u) h = mix(h, load64(p + i));
    size_t span = len - 2u * LARGE_EDGE - 8u;
    for (size_t k = 0; k < LARGE_SAMPLES; k++)
        h = mix(h, load64(p + LARGE_EDGE + span * k / LARGE_SAMPLES));
    return finish(h);
}

mdl_digest_memo *mdl_digest_memo_new(void) {
    mdl_digest_memo *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->small = calloc(SMALL_SLOTS, sizeof *m->small);
    m->medium = calloc(MEDIUM_SLOTS, sizeof *m->medium);
    if (!m->small || !m->medium) {
        mdl_digest_memo_free(m);
        return NULL;
    }
    return m;
}

void mdl_digest_memo_free(mdl_digest_memo *m) {
    if (!m) return;
    for (uint32_t i = 0; i < LARGE_SLOTS; i++) free(m->large[i].bytes);
    free(m->small);
    free(m->medium);
    free(m);
}

xr_keccak_service mdl_digest_memo_service(mdl_digest_memo *m) {
    assert(m != NULL);
    return (xr_keccak_service){mdl_digest_memo_hash, m};
}

static void hash_large(mdl_digest_memo *m, const uint8_t *data, size_t len, uint8_t out[32]) {
    m->stats.large_lookups++;
    uint64_t fp = len > 4u * LARGE_EDGE ? fp_sampled(data, len) : fp_all(data, len);
    for (uint32_t i = 0; i < LARGE_SLOTS; i++) {
        const large_slot *s = &m->large[i];
        if (s->used && s->fp == fp && s->len == len && memcmp(s->bytes, data, len) == 0) {
            m->stats.large_hits++;
            memcpy(out, s->digest, 32);
            return;
        }
    }
    xr_keccak256(data, len, out);
    m->stats.large_bytes_hashed += len;
    large_slot *s = &m->large[m->large_next];
    if (s->cap < len) {
        uint8_t *b = realloc(s->bytes, len);
        if (!b) return; /* not stored; the digest is still right */
        s->bytes = b;
        s->cap = len;
    }
    m->large_next = (m->large_next + 1u) % LARGE_SLOTS;
    memcpy(s->bytes, data, len);
    s->len = len;
    s->fp = fp;
    memcpy(s->digest, out, 32);
    s->used = true;
}

void mdl_digest_memo_hash(void *ctx, const uint8_t *data, size_t len, uint8_t out[32]) {
    mdl_digest_memo *m = ctx;
    assert(m != NULL && (data != NULL || len == 0) && out != NULL);
    if (len <= SMALL_MAX) {
        m->stats.small_lookups++;
        uint64_t fp = fp_all(data, len);
        small_slot *s = &m->small[fp & (SMALL_SLOTS - 1u)];
        if (s->fp == fp && s->len_plus1 == len + 1u && (len == 0 || memcmp(s->data, data, len) == 0)) {
            m->stats.small_hits++;
            memcpy(out, s->digest, 32);
            return;
        }
        xr_keccak256(data, len, out);
        s->fp = fp;
        s->len_plus1 = (uint16_t)(len + 1u);
        if (len) memcpy(s->data, data, len);
        memcpy(s->digest, out, 32);
        return;
    }
    if (len <= MEDIUM_MAX) {
        m->stats.medium_lookups++;
        uint64_t fp = fp_all(data, len);
        medium_slot *s = &m->medium[fp & (MEDIUM_SLOTS - 1u)];
        if (s->fp == fp && s->len_plus1 == len + 1u && memcmp(s->data, data, len) == 0) {
            m->stats.medium_hits++;
            memcpy(out, s->digest, 32);
            return;
        }
        xr_keccak256(data, len, out);
        s->fp = fp;
        s->len_plus1 = (uint16_t)(len + 1u);
        memcpy(s->data, data, len);
        memcpy(s->digest, out, 32);
        return;
    }
    hash_large(m, data, len, out);
}

mdl_digest_memo_stats mdl_digest_memo_get_stats(const mdl_digest_memo *m) {
    assert(m != NULL);
    return m->stats;
}
