/*
** The signature interface injected into the protocol core.  The core never
** does elliptic-curve arithmetic itself: a host hands it an `xr_sig_backend`,
** a struct of two function pointers and an opaque context (ngtcp2-style), and
** the core signs attestation roots and checks signatures only through it.
** Two backends exist in models/: sig_secp (libsecp256k1, byte-exact with
** Ethereum) and sig_fast (a keyed-hash scheme for large simulations).
**
** The scheme is Ethereum's: a signature is 65 bytes r || s || v over a raw
** 32-byte digest (no message prefix), and "verifying" a signature means
** recovering the signer's 20-byte address from it and comparing with the
** address the signer claims -- exactly what the portal's ecrecover does.
**
** Keys.  A signer holds its key through an opaque handle, `const xr_sig_key *`,
** issued by the backend when the key is created (see the backend's
** `*_add_key`).  The core and the models never look inside a handle; only
** the backend that issued it can turn it into key material.  A handle is a
** capability: code that was not given a handle cannot sign for that key,
** and handles cannot be guessed from addresses or indices (they are
** pointers into the backend's private table, and backends reject handles
** they did not issue).
**
** Contract of the callbacks (every backend must honour it):
**   sign(ctx, key, digest, sig_out)
**     Deterministic: the same key and digest always give the same 65 bytes.
**     Returns 0 and writes sig_out, or a negative XR_ERR_* (XR_ERR_INVALID_ARG
**     for a handle this backend did not issue).  Never fails for a valid
**     handle.
**   recover(ctx, digest, sig, addr_out)
**     Total over all 65-byte inputs: untrusted bytes never crash or assert.
**     Returns 0 and the signer's address, or XR_ERR_SIG_MALFORMED (bytes that
**     cannot be a signature of this scheme, e.g. v not in {27, 28}) or
**     XR_ERR_SIG_INVALID (well-formed but recovers to no key).  For every
**     key k and digest d: recover(d, sign(k, d)) == address(k).  Finding any
**     (d, sig) that recovers to address(k) without calling sign with k must
**     be infeasible.
**   Both are pure functions of their inputs and the backend's fixed key
**   table: no time, no randomness at call time, no allocation.
*/
#ifndef XR_SIG_H
#define XR_SIG_H

#include <stddef.h>
#include <stdint.h>

#include "xr_err.h"
#include "xr_limits.h" /* XR_SIG_BYTES */

#define XR_SIG_DIGEST_BYTES 32u
#define XR_SIG_ADDR_BYTES 20u

/* Opaque key handle; each backend defines what it points to. */
typedef struct xr_sig_key xr_sig_key;

typedef struct xr_sig_backend {
    int (*sign)(void *ctx, const xr_sig_key *key, const uint8_t digest[32], uint8_t sig_out[65]);
    int (*recover)(void *ctx, const uint8_t digest[32], const uint8_t sig[65], uint8_t addr_out[20]);
    void *ctx;
} xr_sig_backend;

/* Sign `digest` with `key` through `s`.  Returns 0 or the backend's error. */
int xr_sig_sign(const xr_sig_backend *s, const xr_sig_key *key, const uint8_t digest[32],
                uint8_t sig_out[65]);

/* Recover the signer of (digest, sig).  Returns 0, XR_ERR_SIG_MALFORMED or
** XR_ERR_SIG_INVALID.  A backend that reports success with the all-zero
** address (Ethereum's ecrecover failure value) is turned into
** XR_ERR_SIG_INVALID, so the zero address can never be a valid signer. */
int xr_sig_recover(const xr_sig_backend *s, const uint8_t digest[32], const uint8_t sig[65],
                   uint8_t addr_out[20]);

/* Check that `sig` over `digest` was made by `addr`: recover and compare.
** Returns 0, XR_ERR_SIG_INVALID (recovers to another address or to none) or
** XR_ERR_SIG_MALFORMED. */
int xr_sig_verify(const xr_sig_backend *s, const uint8_t digest[32], const uint8_t sig[65],
                  const uint8_t addr[20]);

/* Compare two addresses as 160-bit big-endian numbers (Solidity's address
** order): negative, zero or positive like memcmp. */
int xr_sig_addr_cmp(const uint8_t a[20], const uint8_t b[20]);

#endif
