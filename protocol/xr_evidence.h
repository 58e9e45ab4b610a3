/*
** Evidence of verifier misbehaviour, in a form an L1 contract can check
** with nothing but the signatures, keccak256 and the validator set.
**
** Three kinds:
**   XR_EVIDENCE_DUPLICATE_VOTE -- consensus double sign: two signed cores
**     (xr_bftmsg.h) from one validator for the same (chain, height, round,
**     type) that differ in block id (or, for proposals, in POL round).
**   XR_EVIDENCE_ATTEST_CONFLICT -- two attestation votes from one validator
**     for the same (source chain, conf level, attest offset) of the same
**     consensus chain with different attestation roots.  Each vote carries
**     its header and message root, and the root is recomputed from them, so
**     a signature cannot be framed onto a header it never attested.
**   XR_EVIDENCE_FALSE_ATTEST -- one attestation vote whose root contradicts
**     the source chain: provable on L1 once that source block is final,
**     because the L1 contract then knows the canonical attestation root at
**     the vote's (source chain, conf level, attest offset) from the rollup's
**     finalized data.  The decoder checks structure only; the root check
**     needs that canonical root and is xr_evidence_verify_false_attest.
**
** Encoding:  u8 version (1), u8 kind, then
**   kind 1: two signed cores of the same type, back to back;
**   kind 2: two 182-byte block votes, back to back;
**   kind 3: one 182-byte block vote (XR_EVIDENCE_FALSE_ATTEST_BYTES in all).
** A pair is canonical: the first item's bytes sort strictly below the
** second's, so one pair has exactly one encoding.  One offence can still be
** proved by different pairs (a validator that signed three roots), so a
** contract dedupes on xr_evidence_offence_key, not on the bytes.
*/
#ifndef XR_EVIDENCE_H
#define XR_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "xr_bftmsg.h"
#include "xr_sig.h"
#include "xr_valset.h"

#define XR_EVIDENCE_VERSION 1u
#define XR_EVIDENCE_DUPLICATE_VOTE 1u
#define XR_EVIDENCE_ATTEST_CONFLICT 2u
#define XR_EVIDENCE_FALSE_ATTEST 3u

/* Encoded length of kind 3. */
#define XR_EVIDENCE_FALSE_ATTEST_BYTES (2u + XR_BFT_BLOCK_VOTE_BYTES)

/* Largest encoding of any kind (kind 2's). */
#define XR_EVIDENCE_MAX_BYTES (2u + 2u * XR_BFT_BLOCK_VOTE_BYTES)

/* What a verified (or decoded) piece of evidence is about. */
typedef struct xr_evidence {
    uint8_t kind;
    uint8_t offender[20];
    xr_bft_core core_a, core_b;  /* kind 1 */
    xr_att_vote vote_a, vote_b;  /* kind 2 (roots recomputed); kind 3: vote_a only */
} xr_evidence;

/* Encode duplicate-vote evidence from two conflicting signed cores (either
** order: they are put in canonical order).  Returns bytes written,
** XR_ERR_NOSPACE, XR_ERR_BAD_TYPE, XR_ERR_EVIDENCE_MISMATCH (not the same
** slot) or XR_ERR_EVIDENCE_SAME (no conflict). */
int xr_evidence_encode_duplicate(const xr_bft_core *a, const xr_bft_core *b, uint8_t *out,
                                 size_t cap);

/* Encode attestation-conflict evidence from two votes (either order).
** Returns bytes written, XR_ERR_NOSPACE, XR_ERR_EVIDENCE_MISMATCH or
** XR_ERR_EVIDENCE_SAME. */
int xr_evidence_encode_attest(const xr_att_vote *a, const xr_att_vote *b, uint8_t *out,
                              size_t cap);

/* Encode false-attestation evidence carrying vote v (its root is recomputed
** from header and message root; v->root is ignored).  Returns bytes written
** (XR_EVIDENCE_FALSE_ATTEST_BYTES) or XR_ERR_NOSPACE. */
int xr_evidence_encode_false_attest(const xr_att_vote *v, uint8_t *out, size_t cap);

/* Structural decode (no signature or membership check): version
** (XR_ERR_BFT_VERSION), kind (XR_ERR_EVIDENCE_KIND), each item's own
** decoding errors, XR_ERR_TRUNCATED / XR_ERR_TRAILING, and for the pair
** kinds: same slot (XR_ERR_EVIDENCE_MISMATCH), a real conflict
** (XR_ERR_EVIDENCE_SAME), canonical order (XR_ERR_EVIDENCE_ORDER).  Kind 3
** is accepted structurally (vote_a filled, root recomputed).  Returns 0 or
** that error; `out` is zeroed first and holds whatever was decoded. */
int xr_evidence_decode(const uint8_t *in, size_t len, xr_evidence *out);

/* Full check, as the restaking contract would run it: xr_evidence_decode,
** then both signatures recover to the offender (XR_ERR_SIG_INVALID /
** XR_ERR_SIG_MALFORMED) and the offender is a member of vs
** (XR_ERR_SIG_NOT_MEMBER).  `out` may be NULL.  Returns 0 or the error.
** Kind 3 cannot be judged without the canonical root: XR_ERR_EVIDENCE_KIND
** (use xr_evidence_verify_false_attest). */
int xr_evidence_verify(const uint8_t *in, size_t len, const xr_sig_backend *sig,
                       const xr_valset *vs, xr_evidence *out);

/* Full check of kind 3: xr_evidence_decode (another kind:
** XR_ERR_EVIDENCE_KIND), the vote's attestation root (recomputed from its
** header and message root) differs from `canonical_root` -- the root the
** final source chain has at the vote's (source chain, level, offset), which
** the caller (the L1 contract, from the rollup's finalized data) supplies --
** else XR_ERR_EVIDENCE_SAME, then the signature recovers to the offender
** (XR_ERR_SIG_INVALID / XR_ERR_SIG_MALFORMED) and the offender is a member
** of vs (XR_ERR_SIG_NOT_MEMBER).  sig, vs and canonical_root must not be
** NULL; `out` may be.  Returns 0 or the error. */
int xr_evidence_verify_false_attest(const uint8_t *in, size_t len, const xr_sig_backend *sig,
                                    const xr_valset *vs, const xr_hash *canonical_root,
                                    xr_evidence *out);

/* Bytes of an offence key. */
#define XR_EVIDENCE_KEY_BYTES 32u

/* The key of the offence `e` proves, the same whichever messages prove it,
** so a contract slashes one offence once: keccak256 of
**   u8 kind, [20] offender, then the offence's slot, big-endian:
**   kind 1: u64 consensus chain, u64 height, u32 round, u8 vote type;
**   kinds 2, 3: u64 consensus chain, u64 source chain, u8 conf level,
**               u64 attest offset.
** (The consensus chain id is in the slot too, as in the pair checks above.)
** e must be a decoded or verified piece of evidence (kind 1, 2 or 3). */
void xr_evidence_offence_key(const xr_evidence *e, uint8_t key_out[XR_EVIDENCE_KEY_BYTES]);

#endif
