/*
** Keccak-256 as Ethereum uses it: the original Keccak padding (0x01 ... 0x80,
** rate 136 bytes), not the FIPS 202 SHA3-256 padding (0x06).  One-shot and
** incremental forms; the context is a plain value the caller owns.
*/
#ifndef XR_KECCAK_H
#define XR_KECCAK_H

#include <stddef.h>
#include <stdint.h>

#define XR_KECCAK256_BYTES 32u
#define XR_KECCAK256_RATE_BYTES 136u

typedef struct xr_keccak {
    uint64_t state[25];
    uint8_t buf[XR_KECCAK256_RATE_BYTES];
    size_t buf_len;             /* bytes pending in buf, < rate */
} xr_keccak;

/* Start a new hash. */
void xr_keccak_init(xr_keccak *ctx);
/* Absorb len bytes (data may be NULL when len == 0). */
void xr_keccak_update(xr_keccak *ctx, const void *data, size_t len);
/* Pad, squeeze the 32-byte digest into out; ctx must be re-initialised
** before reuse. */
void xr_keccak_final(xr_keccak *ctx, uint8_t out[32]);
/* out = keccak256(data[0..len)). */
void xr_keccak256(const void *data, size_t len, uint8_t out[32]);

/* The Keccak-f[1600] permutation on 25 little-endian lanes (exposed for
** tests and benchmarks). */
void xr_keccak_f1600(uint64_t state[25]);

/* ---- an injected Keccak-256 service -------------------------------------
** A host may hand the consensus core (xr_bft_set_keccak) a service that
** computes keccak256 of whole byte strings, ngtcp2-style: a function pointer
** and an opaque context.  In production there is no service (NULL): the core
** calls xr_keccak256 itself.  A simulator that hosts many nodes in one
** process may pass a service that MEMOISES the hash of exact byte strings,
** so that 100 simulated verifiers receiving the same bytes hash them once
** (models/digest_memo.h).
**
** Contract of hash(ctx, data, len, out), which every service must honour:
**   out = keccak256(data[0..len)), exactly, for every input.  A memo may
**   answer from a stored entry only when that entry was computed by Keccak
**   from bytes equal to data[0..len) (same length, compared byte for byte;
**   a short fingerprint of the bytes may pick the slot but never decide
**   equality).  The service never lets its caller supply a digest for bytes
**   it did not hash.  Pure: no time, no randomness, and the result never
**   depends on what was hashed before.  data may be NULL when len == 0. */
typedef struct xr_keccak_service {
    void (*hash)(void *ctx, const uint8_t *data, size_t len, uint8_t out[32]);
    void *ctx;
} xr_keccak_service;

/* out = keccak256(data[0..len)) through svc, or xr_keccak256 when svc (or
** its hash) is NULL. */
void xr_keccak_service_hash(const xr_keccak_service *svc, const void *data, size_t len,
                            uint8_t out[32]);

#endif
