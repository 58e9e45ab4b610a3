/*
** Wire encodings of the verifiers' consensus: proposals, prevotes,
** precommits with their vote extensions (attestation votes), consensus
** blocks, and the signed "core" of each message that evidence carries.
**
** The format is a compact big-endian binary layout (not ABI: these bytes
** travel between verifiers, and the L1 contract only ever parses the fixed
** layout of a signed core, which is a straight slice).  Every decoder accepts
** exactly the canonical encoding -- decode then encode reproduces the input --
** and rejects anything else with a specific error:
**
**   signed core (every message starts with it; the signature covers
**   keccak256 of the bytes before `sig`):
**     u8  version (1)                 XR_ERR_BFT_VERSION
**     u8  type 1 proposal, 2 prevote, 3 precommit     XR_ERR_BAD_TYPE
**     u64 chain_id   u64 height (>= 1, else XR_ERR_BAD_VALUE)   u32 round
**     u32 pol_round  (proposals only; 0xffffffff = none, else < round,
**                     XR_ERR_BFT_POL_ROUND)
**     [32] block_id  (votes: all-zero = nil; proposals: never nil,
**                     XR_ERR_BFT_NIL_BLOCK)
**     [20] validator (the signer's address)
**     [65] sig
**   proposal  = core, u32 block_len, block   (block_len <= max_block_bytes
**               else XR_ERR_TOO_LARGE; keccak256(block) == block_id else
**               XR_ERR_BFT_BLOCK_ID)
**   prevote   = core
**   precommit = core, u16 ext_count, ext_count extension entries
**               (count <= max_ext_votes else XR_ERR_TOO_LARGE; a nil
**               precommit carries none, XR_ERR_BFT_NIL_EXT; entries strictly
**               ascending by (source chain, level, offset), XR_ERR_BFT_UNSORTED)
**   extension entry (162 bytes) = xheader(65) msg_root[32] sig[65]
**     xheader = u64 source_chain_id, u64 consensus_chain_id, u8 conf_level
**               (1 or 4, else XR_ERR_BAD_VALUE), u64 offset (>= 1),
**               u64 source_block_height, [32] source_block_hash
**     The signer is the precommit's validator; the signature is over the
**     attestation root hash_pair(header_leaf(header), msg_root) (xr_attest.h),
**     so the root is always recomputable from the header: a signature can
**     never be re-attached to a header it did not attest.
**   block = u8 version, u64 chain_id, u64 height (>= 1), u64 valset_id,
**           [32] prev_block_id, [20] proposer, u32 vote_count,
**           vote_count block votes, u32 payload_len, payload
**     block vote (182 bytes) = [20] validator, extension entry
**     votes strictly ascending by (source chain, level, offset, validator),
**     XR_ERR_BFT_UNSORTED; vote_count / payload_len within the caller's
**     limits, XR_ERR_TOO_LARGE.
**   Truncated input fails with XR_ERR_TRUNCATED, bytes after the encoding
**   with XR_ERR_TRAILING.
**
** Decoded byte strings (block, extension, block votes, payload) are views
** into the input.  Decoders check structure only; signatures and consensus
** rules are checked by xr_bft (which sees all bytes from peers) and
** xr_evidence.
*/
#ifndef XR_BFTMSG_H
#define XR_BFTMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xr_keccak.h"
#include "xr_types.h"

#define XR_BFTMSG_VERSION 1u
#define XR_BFT_PROPOSAL 1u
#define XR_BFT_PREVOTE 2u
#define XR_BFT_PRECOMMIT 3u
#define XR_BFT_NO_ROUND 0xffffffffu

#define XR_BFT_VOTE_SIGNED_BYTES 74u       /* vote core before the signature */
#define XR_BFT_PROPOSAL_SIGNED_BYTES 78u   /* proposal core before the signature */
#define XR_BFT_VOTE_CORE_BYTES (XR_BFT_VOTE_SIGNED_BYTES + 65u)
#define XR_BFT_PROPOSAL_CORE_BYTES (XR_BFT_PROPOSAL_SIGNED_BYTES + 65u)
#define XR_BFT_XHEADER_BYTES 65u
#define XR_BFT_EXT_ENTRY_BYTES (XR_BFT_XHEADER_BYTES + 32u + 65u)
#define XR_BFT_BLOCK_VOTE_BYTES (20u + XR_BFT_EXT_ENTRY_BYTES)
#define XR_BFT_BLOCK_HEADER_BYTES (1u + 8u + 8u + 8u + 32u + 20u + 4u)
#define XR_BFT_MAX_EXT_COUNT 0xffffu

/* The signed core of a consensus message. */
typedef struct xr_bft_core {
    uint8_t type;                /* XR_BFT_PROPOSAL / _PREVOTE / _PRECOMMIT */
    uint64_t chain_id;
    uint64_t height;
    uint32_t round;
    uint32_t pol_round;          /* proposals: XR_BFT_NO_ROUND or < round; votes: unused */
    uint8_t block_id[32];        /* all-zero = nil (votes only) */
    uint8_t validator[20];
    uint8_t sig[65];
} xr_bft_core;

/* A decoded message: the core plus its tail. */
typedef struct xr_bftmsg {
    xr_bft_core core;
    const uint8_t *block;        /* proposals: view of the block encoding */
    size_t block_len;
    const uint8_t *ext;          /* precommits: view of ext_count entries */
    uint32_t ext_count;
} xr_bftmsg;

/* An attestation vote as an extension entry or block vote carries it, with
** the attestation root recomputed by the decoder. */
typedef struct xr_att_vote {
    uint8_t validator[20];
    xr_xheader header;
    xr_hash msg_root;
    xr_hash root;                /* hash_pair(header_leaf(header), msg_root) */
    uint8_t sig[65];             /* over `root` (xr_attest_sign_digest) */
} xr_att_vote;

/* A decoded block; votes and payload are views into the input. */
typedef struct xr_bft_block {
    uint64_t chain_id;
    uint64_t height;
    uint64_t valset_id;
    uint8_t prev_block_id[32];
    uint8_t proposer[20];
    uint32_t vote_count;
    const uint8_t *votes;        /* vote_count entries of XR_BFT_BLOCK_VOTE_BYTES */
    uint32_t payload_len;
    const uint8_t *payload;
} xr_bft_block;

/* Limits a decoder enforces (the consensus configuration's). */
typedef struct xr_bftmsg_limits {
    uint32_t max_block_bytes;
    uint32_t max_ext_votes;
    uint32_t max_block_votes;
    uint32_t max_payload_bytes;
} xr_bftmsg_limits;

/* ---- signed cores ------------------------------------------------------- */

/* Length of the core of a message of `type` (with signature), 0 for an
** unknown type. */
size_t xr_bft_core_len(uint8_t type);

/* The digest the signer signs: keccak256 of the core's bytes before sig. */
void xr_bft_core_digest(const xr_bft_core *c, uint8_t digest[32]);
/* The same digest, hashed through svc (NULL: plain Keccak; xr_keccak.h). */
void xr_bft_core_digest_with(const xr_keccak_service *svc, const xr_bft_core *c,
                             uint8_t digest[32]);

/* Encode the core (with its signature).  Returns bytes written or
** XR_ERR_NOSPACE / XR_ERR_BAD_TYPE. */
int xr_bft_core_encode(const xr_bft_core *c, uint8_t *out, size_t cap);

/* Decode a core at the start of `in`; *used = its length.  Trailing bytes
** are the caller's business.  Returns 0 or an error listed above. */
int xr_bft_core_decode(const uint8_t *in, size_t len, xr_bft_core *out, size_t *used);

/* True when a and b are the same vote position (type, chain, height, round,
** validator). */
bool xr_bft_core_same_slot(const xr_bft_core *a, const xr_bft_core *b);

/* ---- whole messages ----------------------------------------------------- */

/* Encoded length of a message with this core and tail. */
size_t xr_bftmsg_len(const xr_bft_core *c, size_t block_len, uint32_t ext_count);

/* Encode a proposal (core + block bytes), a prevote, or a precommit (core +
** ext_count entries already encoded at `ext`).  Returns bytes written or
** XR_ERR_NOSPACE / XR_ERR_BAD_TYPE / XR_ERR_TOO_LARGE. */
int xr_bftmsg_encode(const xr_bft_core *c, const uint8_t *block, size_t block_len,
                     const uint8_t *ext, uint32_t ext_count, uint8_t *out, size_t cap);

/* Decode one message.  Returns 0 or an error listed in the file comment. */
int xr_bftmsg_decode(const uint8_t *in, size_t len, const xr_bftmsg_limits *lim,
                     xr_bftmsg *out);
/* The same decoder, hashing a proposal's block (to check its id) through
** svc (NULL: plain Keccak).  Same result as xr_bftmsg_decode for every input. */
int xr_bftmsg_decode_with(const xr_keccak_service *svc, const uint8_t *in, size_t len,
                          const xr_bftmsg_limits *lim, xr_bftmsg *out);

/* ---- attestation votes -------------------------------------------------- */

/* Write the 162-byte extension entry of v (validator not included). */
void xr_att_vote_encode_entry(const xr_att_vote *v, uint8_t out[XR_BFT_EXT_ENTRY_BYTES]);
/* Write the 182-byte block vote of v. */
void xr_att_vote_encode_block(const xr_att_vote *v, uint8_t out[XR_BFT_BLOCK_VOTE_BYTES]);

/* Decode a 162-byte extension entry (signer given); computes the root.
** Returns 0 or XR_ERR_BAD_VALUE. */
int xr_att_vote_decode_entry(const uint8_t in[XR_BFT_EXT_ENTRY_BYTES], const uint8_t validator[20],
                             xr_att_vote *out);
/* Decode a 182-byte block vote; computes the root.  0 or XR_ERR_BAD_VALUE. */
int xr_att_vote_decode_block(const uint8_t in[XR_BFT_BLOCK_VOTE_BYTES], xr_att_vote *out);

/* Fill v->root from v->header and v->msg_root. */
void xr_att_vote_compute_root(xr_att_vote *v);
/* The same, with its three Keccak calls made through svc (NULL: plain). */
void xr_att_vote_compute_root_with(const xr_keccak_service *svc, xr_att_vote *v);

/* Order of votes: (source chain, level, offset), then validator address.
** Negative, zero or positive. */
int xr_att_vote_cmp(const xr_att_vote *a, const xr_att_vote *b);

/* Entry i of a decoded precommit's extension (i < ext_count). */
void xr_bftmsg_ext_get(const xr_bftmsg *m, uint32_t i, xr_att_vote *out);

/* Entry i as xr_bftmsg_ext_get gives it, except that out->root is left
** all-zero: computing it costs three Keccak calls, which a caller holding
** a vote with the byte-identical header and message root can skip by
** copying that vote's root; otherwise it must call
** xr_att_vote_compute_root before using the root. */
void xr_bftmsg_ext_get_unrooted(const xr_bftmsg *m, uint32_t i, xr_att_vote *out);

/* ---- blocks ------------------------------------------------------------- */

/* Encoded length of a block with these counts. */
size_t xr_bft_block_len(uint32_t vote_count, uint32_t payload_len);

/* Encode a block whose votes are already encoded (vote_count entries of
** XR_BFT_BLOCK_VOTE_BYTES at blk->votes, in canonical order).  Returns bytes
** written or XR_ERR_NOSPACE. */
int xr_bft_block_encode(const xr_bft_block *blk, uint8_t *out, size_t cap);

/* Decode a block.  Returns 0 or an error listed in the file comment. */
int xr_bft_block_decode(const uint8_t *in, size_t len, const xr_bftmsg_limits *lim,
                        xr_bft_block *out);

/* Vote i of a decoded block (i < vote_count). */
void xr_bft_block_vote_get(const xr_bft_block *blk, uint32_t i, xr_att_vote *out);
/* Vote i without its root (all-zero), as xr_bftmsg_ext_get_unrooted. */
void xr_bft_block_vote_get_unrooted(const xr_bft_block *blk, uint32_t i, xr_att_vote *out);

/* keccak256 of a block encoding. */
void xr_bft_block_id(const uint8_t *block, size_t len, uint8_t id[32]);
/* The same, hashed through svc (NULL: plain Keccak). */
void xr_bft_block_id_with(const xr_keccak_service *svc, const uint8_t *block, size_t len,
                          uint8_t id[32]);

/* True when all 32 bytes are zero (the nil block id). */
bool xr_bft_id_is_nil(const uint8_t id[32]);

#endif
