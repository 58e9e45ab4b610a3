/*
** SHA-256 (FIPS 180-4), small and dependency-free.  The recorder uses it to
** fingerprint a run's scenario text (runs.scenario_sha256), so two runs of
** the same scenario can be grouped without comparing the text, and a
** scenario file can be matched against a results database with
** `sha256sum`.  Not used anywhere that affects simulated events, and not
** hardened against side channels (it hashes public data only).
**
** Streaming use: sim_sha256_init, any number of sim_sha256_update calls
** (of any lengths, including 0), then sim_sha256_final.  One-shot helpers
** hash a buffer into 32 bytes or 64 lower-case hex characters.
*/
#ifndef SIM_SHA256_H
#define SIM_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SIM_SHA256_BYTES 32u
#define SIM_SHA256_HEX_LEN 64u /* characters, without the NUL */

typedef struct sim_sha256_ctx {
    uint32_t h[8];        /* chaining state */
    uint64_t total_bytes; /* message length so far */
    uint8_t block[64];    /* pending partial block */
    size_t block_bytes;   /* bytes used in block, < 64 */
} sim_sha256_ctx;

/* Starts a new hash. */
void sim_sha256_init(sim_sha256_ctx *ctx);

/* Appends `len` bytes (data may be NULL when len is 0).  Asserts the total
** message stays below 2^61 bytes (the FIPS limit of 2^64 bits). */
void sim_sha256_update(sim_sha256_ctx *ctx, const void *data, size_t len);

/* Finishes the hash into `out` (32 bytes).  The context must be
** re-initialised before further use. */
void sim_sha256_final(sim_sha256_ctx *ctx, uint8_t out[SIM_SHA256_BYTES]);

/* One-shot: the digest of `len` bytes at `data`. */
void sim_sha256(const void *data, size_t len, uint8_t out[SIM_SHA256_BYTES]);

/* One-shot: the digest as 64 lower-case hex characters plus NUL. */
void sim_sha256_hex(const void *data, size_t len, char out[SIM_SHA256_HEX_LEN + 1]);

#endif
