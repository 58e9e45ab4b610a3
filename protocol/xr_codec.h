/*
** Canonical encodings of the wire types (xr_types.h): Solidity's abi.encode of
** each tuple, in 32-byte big-endian words; a tuple with a dynamic member starts
** with the offset word 0x20.  Encoders write into caller buffers; decoders
** accept exactly the canonical encoding and nothing else, so decode followed
** by encode reproduces the input byte for byte:
**   - every offset word must point where abi.encode would put the tail
**     (XR_ERR_BAD_OFFSET), lengths must fit the input (XR_ERR_TRUNCATED),
**   - uint64 / uint8 / address / bool words must have zero high bytes and a
**     bool must be 0 or 1 (XR_ERR_BAD_PADDING, XR_ERR_BAD_VALUE),
**   - the padding after `bytes` content must be zero (XR_ERR_BAD_PADDING),
**   - lengths above xr_limits.h fail with XR_ERR_TOO_LARGE, a vote or
**     submission signature that is not 65 bytes with XR_ERR_SIG_MALFORMED,
**   - bytes left over after the encoding fail with XR_ERR_TRAILING.
** Decoders validate structure only; protocol rules (offsets in order, shards,
** sorted signatures, ...) belong to the portal and quorum code.
**
** Encoders return the number of bytes written (> 0) or a negative XR_ERR_*:
** XR_ERR_NOSPACE when cap is too small (nothing useful is written),
** XR_ERR_TOO_LARGE when a field exceeds the limits (so anything encoded can be
** decoded).  All lengths fit in an int under the limits of xr_limits.h.
** Decoders return 0 or a negative XR_ERR_*; on failure *out is unspecified.
*/
#ifndef XR_CODEC_H
#define XR_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "xr_types.h"

#define XR_WORD_BYTES 32u
/* Encoded sizes of the fixed-size tuples. */
#define XR_XHEADER_ENCODED_BYTES (6u * XR_WORD_BYTES)
#define XR_VOTE_ENCODED_BYTES (14u * XR_WORD_BYTES)

/* Encoded length of each type (no limit checks). */
size_t xr_xmsg_encoded_len(const xr_xmsg *m);
size_t xr_xreceipt_encoded_len(const xr_xreceipt *r);
size_t xr_submission_encoded_len(const xr_submission *s);

int xr_xmsg_encode(const xr_xmsg *m, uint8_t *out, size_t cap);
int xr_xmsg_decode(const uint8_t *in, size_t len, xr_xmsg *out);

int xr_xheader_encode(const xr_xheader *h, uint8_t *out, size_t cap);
int xr_xheader_decode(const uint8_t *in, size_t len, xr_xheader *out);

int xr_xreceipt_encode(const xr_xreceipt *r, uint8_t *out, size_t cap);
int xr_xreceipt_decode(const uint8_t *in, size_t len, xr_xreceipt *out);

int xr_vote_encode(const xr_vote *v, uint8_t *out, size_t cap);
int xr_vote_decode(const uint8_t *in, size_t len, xr_vote *out);

/* Fixed-capacity storage a decoded submission's arrays point into (about
** 300 KiB with the default limits: keep it static or heap-allocated at
** start-up, not on a small stack). */
typedef struct xr_submission_store {
    xr_xmsg msgs[XR_MAX_SUBMISSION_MSGS];
    xr_hash proof[XR_MAX_PROOF_NODES];
    bool proof_flags[XR_MAX_PROOF_FLAGS];
    xr_sig_tuple sigs[XR_MAX_SIGS];
} xr_submission_store;

int xr_submission_encode(const xr_submission *s, uint8_t *out, size_t cap);
/* Decode into *out, whose array pointers are set to store's arrays; message
** data are views into in. */
int xr_submission_decode(const uint8_t *in, size_t len, xr_submission_store *store,
                         xr_submission *out);

/* Absorb into ctx exactly the bytes the encoder would write, without a
** buffer (used by the leaf functions in xr_attest.h).  No limit checks. */
struct xr_keccak;
void xr_xmsg_hash_encoding(const xr_xmsg *m, struct xr_keccak *ctx);
void xr_xheader_hash_encoding(const xr_xheader *h, struct xr_keccak *ctx);

#endif
