/*
** Evidence encoding, decoding and verification (see xr_evidence.h).
*/
#include "xr_evidence.h"

#include <string.h>

#include "xr_assert.h"
#include "xr_attest.h"
#include "xr_err.h"
#include "xr_keccak.h"

static bool cores_conflict(const xr_bft_core *a, const xr_bft_core *b) {
    if (memcmp(a->block_id, b->block_id, 32) != 0) return true;
    return a->type == XR_BFT_PROPOSAL && a->pol_round != b->pol_round;
}

static bool votes_same_slot(const xr_att_vote *a, const xr_att_vote *b) {
    return memcmp(a->validator, b->validator, 20) == 0 &&
           a->header.source_chain_id == b->header.source_chain_id &&
           a->header.consensus_chain_id == b->header.consensus_chain_id &&
           a->header.conf_level == b->header.conf_level && a->header.offset == b->header.offset;
}

int xr_evidence_encode_duplicate(const xr_bft_core *a, const xr_bft_core *b, uint8_t *out,
                                 size_t cap) {
    XR_ASSERT(a != NULL && b != NULL && (out != NULL || cap == 0));
    size_t n = xr_bft_core_len(a->type);
    if (n == 0) return XR_ERR_BAD_TYPE;
    if (!xr_bft_core_same_slot(a, b)) return XR_ERR_EVIDENCE_MISMATCH;
    if (!cores_conflict(a, b)) return XR_ERR_EVIDENCE_SAME;
    if (cap < 2 + 2 * n) return XR_ERR_NOSPACE;
    uint8_t ea[XR_BFT_PROPOSAL_CORE_BYTES], eb[XR_BFT_PROPOSAL_CORE_BYTES];
    int ra = xr_bft_core_encode(a, ea, sizeof ea), rb = xr_bft_core_encode(b, eb, sizeof eb);
    XR_ASSERT(ra == (int)n && rb == (int)n);
    int c = memcmp(ea, eb, n);
    XR_ASSERT(c != 0); /* they conflict, so their bytes differ */
    out[0] = XR_EVIDENCE_VERSION;
    out[1] = XR_EVIDENCE_DUPLICATE_VOTE;
    memcpy(out + 2, c < 0 ? ea : eb, n);
    memcpy(out + 2 + n, c < 0 ? eb : ea, n);
    return (int)(2 + 2 * n);
}

int xr_evidence_encode_attest(const xr_att_vote *a, const xr_att_vote *b, uint8_t *out,
                              size_t cap) {
    XR_ASSERT(a != NULL && b != NULL && (out != NULL || cap == 0));
    if (!votes_same_slot(a, b)) return XR_ERR_EVIDENCE_MISMATCH;
    xr_att_vote ca = *a, cb = *b;
    xr_att_vote_compute_root(&ca);
    xr_att_vote_compute_root(&cb);
    if (memcmp(ca.root.bytes, cb.root.bytes, 32) == 0) return XR_ERR_EVIDENCE_SAME;
    size_t n = XR_BFT_BLOCK_VOTE_BYTES;
    if (cap < 2 + 2 * n) return XR_ERR_NOSPACE;
    uint8_t ea[XR_BFT_BLOCK_VOTE_BYTES], eb[XR_BFT_BLOCK_VOTE_BYTES];
    xr_att_vote_encode_block(&ca, ea);
    xr_att_vote_encode_block(&cb, eb);
    int c = memcmp(ea, eb, n);
    XR_ASSERT(c != 0);
    out[0] = XR_EVIDENCE_VERSION;
    out[1] = XR_EVIDENCE_ATTEST_CONFLICT;
    memcpy(out + 2, c < 0 ? ea : eb, n);
    memcpy(out + 2 + n, c < 0 ? eb : ea, n);
    return (int)(2 + 2 * n);
}

int xr_evidence_encode_false_attest(const xr_att_vote *v, uint8_t *out, size_t cap) {
    XR_ASSERT(v != NULL && (out != NULL || cap == 0));
    if (cap < XR_EVIDENCE_FALSE_ATTEST_BYTES) return XR_ERR_NOSPACE;
    xr_att_vote c = *v;
    xr_att_vote_compute_root(&c);
    out[0] = XR_EVIDENCE_VERSION;
    out[1] = XR_EVIDENCE_FALSE_ATTEST;
    xr_att_vote_encode_block(&c, out + 2);
    return (int)XR_EVIDENCE_FALSE_ATTEST_BYTES;
}

int xr_evidence_decode(const uint8_t *in, size_t len, xr_evidence *out) {
    XR_ASSERT(out != NULL && (in != NULL || len == 0));
    memset(out, 0, sizeof *out);
    if (len < 2) return XR_ERR_TRUNCATED;
    if (in[0] != XR_EVIDENCE_VERSION) return XR_ERR_BFT_VERSION;
    out->kind = in[1];
    const uint8_t *p = in + 2;
    size_t rem = len - 2;
    if (out->kind == XR_EVIDENCE_DUPLICATE_VOTE) {
        size_t ua = 0, ub = 0;
        int rc = xr_bft_core_decode(p, rem, &out->core_a, &ua);
        if (rc) return rc;
        rc = xr_bft_core_decode(p + ua, rem - ua, &out->core_b, &ub);
        if (rc) return rc;
        if (ua + ub != rem) return XR_ERR_TRAILING;
        if (!xr_bft_core_same_slot(&out->core_a, &out->core_b)) return XR_ERR_EVIDENCE_MISMATCH;
        if (!cores_conflict(&out->core_a, &out->core_b)) return XR_ERR_EVIDENCE_SAME;
        if (memcmp(p, p + ua, ua) >= 0) return XR_ERR_EVIDENCE_ORDER;
        memcpy(out->offender, out->core_a.validator, 20);
        return 0;
    }
    if (out->kind == XR_EVIDENCE_ATTEST_CONFLICT) {
        size_t n = XR_BFT_BLOCK_VOTE_BYTES;
        if (rem < 2 * n) return XR_ERR_TRUNCATED;
        if (rem > 2 * n) return XR_ERR_TRAILING;
        int rc = xr_att_vote_decode_block(p, &out->vote_a);
        if (rc) return rc;
        rc = xr_att_vote_decode_block(p + n, &out->vote_b);
        if (rc) return rc;
        if (!votes_same_slot(&out->vote_a, &out->vote_b)) return XR_ERR_EVIDENCE_MISMATCH;
        if (memcmp(out->vote_a.root.bytes, out->vote_b.root.bytes, 32) == 0)
            return XR_ERR_EVIDENCE_SAME;
        if (memcmp(p, p + n, n) >= 0) return XR_ERR_EVIDENCE_ORDER;
        memcpy(out->offender, out->vote_a.validator, 20);
        return 0;
    }
    if (out->kind == XR_EVIDENCE_FALSE_ATTEST) {
        size_t n = XR_BFT_BLOCK_VOTE_BYTES;
        if (rem < n) return XR_ERR_TRUNCATED;
        if (rem > n) return XR_ERR_TRAILING;
        int rc = xr_att_vote_decode_block(p, &out->vote_a);
        if (rc) return rc;
        memcpy(out->offender, out->vote_a.validator, 20);
        return 0;
    }
    return XR_ERR_EVIDENCE_KIND;
}

static int verify_core(const xr_sig_backend *sig, const xr_bft_core *c) {
    uint8_t digest[32];
    xr_bft_core_digest(c, digest);
    return xr_sig_verify(sig, digest, c->sig, c->validator);
}

static int verify_vote(const xr_sig_backend *sig, const xr_att_vote *v) {
    xr_hash digest;
    xr_attest_sign_digest(&v->root, &digest);
    return xr_sig_verify(sig, digest.bytes, v->sig, v->validator);
}

static int offender_in(const xr_valset *vs, const xr_evidence *e) {
    xr_address addr;
    memcpy(addr.bytes, e->offender, 20);
    return xr_valset_find(vs, &addr) == NULL ? XR_ERR_SIG_NOT_MEMBER : 0;
}

int xr_evidence_verify(const uint8_t *in, size_t len, const xr_sig_backend *sig,
                       const xr_valset *vs, xr_evidence *out) {
    XR_ASSERT(sig != NULL && vs != NULL);
    xr_evidence local;
    xr_evidence *e = out ? out : &local;
    int rc = xr_evidence_decode(in, len, e);
    /* kind 3 is refused whole or malformed: it needs the canonical root */
    if (e->kind == XR_EVIDENCE_FALSE_ATTEST) return XR_ERR_EVIDENCE_KIND;
    if (rc) return rc;
    if (e->kind == XR_EVIDENCE_DUPLICATE_VOTE) {
        rc = verify_core(sig, &e->core_a);
        if (rc == 0) rc = verify_core(sig, &e->core_b);
    } else {
        rc = verify_vote(sig, &e->vote_a);
        if (rc == 0) rc = verify_vote(sig, &e->vote_b);
    }
    if (rc) return rc;
    return offender_in(vs, e);
}

int xr_evidence_verify_false_attest(const uint8_t *in, size_t len, const xr_sig_backend *sig,
                                    const xr_valset *vs, const xr_hash *canonical_root,
                                    xr_evidence *out) {
    XR_ASSERT(sig != NULL && vs != NULL && canonical_root != NULL);
    xr_evidence local;
    xr_evidence *e = out ? out : &local;
    int rc = xr_evidence_decode(in, len, e);
    if (rc) return rc;
    if (e->kind != XR_EVIDENCE_FALSE_ATTEST) return XR_ERR_EVIDENCE_KIND;
    /* the decoder recomputed the root from the header and message root */
    if (memcmp(e->vote_a.root.bytes, canonical_root->bytes, 32) == 0) return XR_ERR_EVIDENCE_SAME;
    rc = verify_vote(sig, &e->vote_a);
    if (rc) return rc;
    return offender_in(vs, e);
}

static uint8_t *put_be(uint8_t *p, uint64_t v, unsigned bytes) {
    for (unsigned i = 0; i < bytes; i++) p[i] = (uint8_t)(v >> (8u * (bytes - 1u - i)));
    return p + bytes;
}

void xr_evidence_offence_key(const xr_evidence *e, uint8_t key_out[XR_EVIDENCE_KEY_BYTES]) {
    XR_ASSERT(e != NULL && key_out != NULL);
    XR_ASSERT(e->kind >= XR_EVIDENCE_DUPLICATE_VOTE && e->kind <= XR_EVIDENCE_FALSE_ATTEST);
    uint8_t buf[1 + 20 + 8 + 8 + 1 + 8];
    uint8_t *p = buf;
    *p++ = e->kind;
    memcpy(p, e->offender, 20);
    p += 20;
    if (e->kind == XR_EVIDENCE_DUPLICATE_VOTE) {
        p = put_be(p, e->core_a.chain_id, 8);
        p = put_be(p, e->core_a.height, 8);
        p = put_be(p, e->core_a.round, 4);
        p = put_be(p, e->core_a.type, 1);
    } else {
        const xr_xheader *h = &e->vote_a.header;
        p = put_be(p, h->consensus_chain_id, 8);
        p = put_be(p, h->source_chain_id, 8);
        p = put_be(p, h->conf_level, 1);
        p = put_be(p, h->offset, 8);
    }
    XR_ASSERT((size_t)(p - buf) <= sizeof buf);
    xr_keccak256(buf, (size_t)(p - buf), key_out);
}
