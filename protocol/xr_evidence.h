/*
** Evidence of verifier misbehaviour, in a form an L1 contract can check
** with nothing but the signatures, keccak256 and the validator set.
**
** Two kinds:
**   XR_EVIDENCE_DUPLICATE_VOTE -- consensus double sign: two signed cores
**     (xr_bftmsg.h) from one validator for the same (chain, height, round,
**     type) that differ in block id (or, for proposals, in POL round).
**   XR_EVIDENCE_ATTEST_CONFLICT -- two attestation votes from one validator
**     for the same (source chain, conf level, attest offset) of the same
**     consensus chain with different attestation roots.  Each vote carries
**     its header and message root, and the root is recomputed from them, so
**     a signature cannot be framed onto a header it never attested.
**
** Encoding:  u8 version (1), u8 kind, then the two signed items back to back
** (kind 1: two signed cores of the same type; kind 2: two 182-byte block
** votes).  The pair is canonical: the first item's bytes sort strictly below
** the second's, so one offence has exactly one encoding.
**
** Attesting a root that contradicts the source chain is the third slashable
** offence; it needs the source chain's finalized data and is judged by the
** L1 model, not here.
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

/* Largest encoding of either kind. */
#define XR_EVIDENCE_MAX_BYTES (2u + 2u * XR_BFT_BLOCK_VOTE_BYTES)

/* What a verified (or decoded) piece of evidence is about. */
typedef struct xr_evidence {
    uint8_t kind;
    uint8_t offender[20];
    xr_bft_core core_a, core_b;  /* kind 1 */
    xr_att_vote vote_a, vote_b;  /* kind 2 (roots recomputed) */
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

/* Structural decode (no signature or membership check): version
** (XR_ERR_BFT_VERSION), kind (XR_ERR_EVIDENCE_KIND), each item's own
** decoding errors, XR_ERR_TRUNCATED / XR_ERR_TRAILING, same slot
** (XR_ERR_EVIDENCE_MISMATCH), a real conflict (XR_ERR_EVIDENCE_SAME),
** canonical order (XR_ERR_EVIDENCE_ORDER).  Returns 0 or that error. */
int xr_evidence_decode(const uint8_t *in, size_t len, xr_evidence *out);

/* Full check, as the restaking contract would run it: xr_evidence_decode,
** then both signatures recover to the offender (XR_ERR_SIG_INVALID /
** XR_ERR_SIG_MALFORMED) and the offender is a member of vs
** (XR_ERR_SIG_NOT_MEMBER).  `out` may be NULL.  Returns 0 or the error. */
int xr_evidence_verify(const uint8_t *in, size_t len, const xr_sig_backend *sig,
                       const xr_valset *vs, xr_evidence *out);

#endif
