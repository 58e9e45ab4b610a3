/*
** A memo of Keccak-256 digests of exact byte strings, shared by every
** simulated verifier in one world and handed to their consensus cores as an
** xr_keccak_service (protocol/xr_keccak.h, xr_bft_set_keccak).
**
** Why: in a simulation the same signed bytes reach all N verifiers, and each
** core hashes them as a production node must (the digest of every signed
** message core, the id of every proposed block, the attestation root of
** every vote).  Keccak of identical bytes is identical, so the world hashes
** each distinct byte string once and the other N-1 verifiers get the stored
** digest.  Nothing else changes: simulated CPU is charged per signature
** check by the host, not per hash, and a memo answer is bit-identical to
** the hash, so decisions and event digests are exactly as without it.
**
** Honesty: an entry is only ever written with keccak256 of the very bytes it
** stores, and a lookup answers only when the stored bytes equal the queried
** bytes in full (same length, memcmp).  A 64-bit fingerprint of the bytes
** only chooses where to look.  No caller can put a digest into the memo.
** In production there is no memo: the core hashes with plain Keccak.
**
** Layout: three direct-mapped tables by input length -- up to 80 bytes
** (message cores, hash pairs, inner leaves), up to 208 bytes (tagged header
** encodings), and a few large entries (whole blocks, kept as heap copies,
** replaced round robin).  A collision or a miss costs one Keccak, as
** without the memo.  Not thread-safe: one memo per world, used by the
** world's single thread.
*/
#ifndef MDL_DIGEST_MEMO_H
#define MDL_DIGEST_MEMO_H

#include <stddef.h>
#include <stdint.h>

#include "xr_keccak.h"

typedef struct mdl_digest_memo mdl_digest_memo;

/* Counters of lookups and answers from the memo, per size class. */
typedef struct mdl_digest_memo_stats {
    uint64_t small_lookups, small_hits;   /* <= 80 bytes */
    uint64_t medium_lookups, medium_hits; /* 81..208 bytes */
    uint64_t large_lookups, large_hits;   /* longer */
    uint64_t large_bytes_hashed;          /* bytes of large inputs actually hashed */
} mdl_digest_memo_stats;

/* A new, empty memo (about 3 MiB of tables; large entries grow on use).
** Returns NULL when out of memory (then hash without a memo). */
mdl_digest_memo *mdl_digest_memo_new(void);

/* Free the memo and its large copies; NULL is a no-op. */
void mdl_digest_memo_free(mdl_digest_memo *m);

/* The service to hand to xr_bft_set_keccak; ctx = m.  m must outlive every
** core using it. */
xr_keccak_service mdl_digest_memo_service(mdl_digest_memo *m);

/* out = keccak256(data[0..len)), from the memo when it holds these exact
** bytes, else computed (and stored).  ctx is the memo.  A large input that
** cannot be copied (out of memory) is hashed and simply not stored. */
void mdl_digest_memo_hash(void *ctx, const uint8_t *data, size_t len, uint8_t out[32]);

/* Counters so far. */
mdl_digest_memo_stats mdl_digest_memo_get_stats(const mdl_digest_memo *m);

#endif
