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

#endif
