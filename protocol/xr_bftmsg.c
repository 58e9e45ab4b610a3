/*
** Encoders and strict decoders of the consensus wire format (see
** xr_bftmsg.h for the layout and the error of every rejection).
*/
#include "xr_bftmsg.h"

#include <string.h>

#include "xr_assert.h"
#include "xr_attest.h"
#include "xr_err.h"
#include "xr_keccak.h"

/* ---- big-endian helpers ---------------------------------------------------- */

static void put_u16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put_u32(uint8_t *p, uint32_t v) {
    for (int i = 3; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

static void put_u64(uint8_t *p, uint64_t v) {
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

static uint16_t get_u16(const uint8_t *p) { return (uint16_t)(((unsigned)p[0] << 8) | p[1]); }

static uint32_t get_u32(const uint8_t *p) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) v = (v << 8) | p[i];
    return v;
}

static uint64_t get_u64(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
    return v;
}

bool xr_bft_id_is_nil(const uint8_t id[32]) {
    uint8_t acc = 0;
    for (int i = 0; i < 32; i++) acc |= id[i];
    return acc == 0;
}

/* ---- signed cores -------------------------------------------------------- */

static size_t signed_len(uint8_t type) {
    switch (type) {
    case XR_BFT_PROPOSAL: return XR_BFT_PROPOSAL_SIGNED_BYTES;
    case XR_BFT_PREVOTE:
    case XR_BFT_PRECOMMIT: return XR_BFT_VOTE_SIGNED_BYTES;
    default: return 0;
    }
}

size_t xr_bft_core_len(uint8_t type) {
    size_t n = signed_len(type);
    return n ? n + 65u : 0;
}

/* Write the signed prefix; returns its length (type must be known). */
static size_t write_signed(const xr_bft_core *c, uint8_t *out) {
    size_t o = 0;
    out[o++] = XR_BFTMSG_VERSION;
    out[o++] = c->type;
    put_u64(out + o, c->chain_id);
    o += 8;
    put_u64(out + o, c->height);
    o += 8;
    put_u32(out + o, c->round);
    o += 4;
    if (c->type == XR_BFT_PROPOSAL) {
        put_u32(out + o, c->pol_round);
        o += 4;
    }
    memcpy(out + o, c->block_id, 32);
    o += 32;
    memcpy(out + o, c->validator, 20);
    o += 20;
    XR_ASSERT(o == signed_len(c->type));
    return o;
}

void xr_bft_core_digest(const xr_bft_core *c, uint8_t digest[32]) {
    xr_bft_core_digest_with(NULL, c, digest);
}

void xr_bft_core_digest_with(const xr_keccak_service *svc, const xr_bft_core *c,
                             uint8_t digest[32]) {
    uint8_t buf[XR_BFT_PROPOSAL_SIGNED_BYTES];
    XR_ASSERT(c != NULL && digest != NULL && signed_len(c->type) != 0);
    size_t n = write_signed(c, buf);
    xr_keccak_service_hash(svc, buf, n, digest);
}

int xr_bft_core_encode(const xr_bft_core *c, uint8_t *out, size_t cap) {
    XR_ASSERT(c != NULL && (out != NULL || cap == 0));
    size_t n = xr_bft_core_len(c->type);
    if (n == 0) return XR_ERR_BAD_TYPE;
    if (cap < n) return XR_ERR_NOSPACE;
    size_t o = write_signed(c, out);
    memcpy(out + o, c->sig, 65);
    return (int)n;
}

int xr_bft_core_decode(const uint8_t *in, size_t len, xr_bft_core *out, size_t *used) {
    XR_ASSERT(out != NULL && used != NULL && (in != NULL || len == 0));
    if (len < 2) return XR_ERR_TRUNCATED;
    if (in[0] != XR_BFTMSG_VERSION) return XR_ERR_BFT_VERSION;
    size_t sl = signed_len(in[1]);
    if (sl == 0) return XR_ERR_BAD_TYPE;
    if (len < sl + 65u) return XR_ERR_TRUNCATED;
    memset(out, 0, sizeof *out);
    size_t o = 2;
    out->type = in[1];
    out->chain_id = get_u64(in + o);
    o += 8;
    out->height = get_u64(in + o);
    o += 8;
    out->round = get_u32(in + o);
    o += 4;
    out->pol_round = XR_BFT_NO_ROUND;
    if (out->type == XR_BFT_PROPOSAL) {
        out->pol_round = get_u32(in + o);
        o += 4;
    }
    memcpy(out->block_id, in + o, 32);
    o += 32;
    memcpy(out->validator, in + o, 20);
    o += 20;
    memcpy(out->sig, in + o, 65);
    o += 65;
    if (out->height == 0) return XR_ERR_BAD_VALUE;
    if (out->type == XR_BFT_PROPOSAL) {
        if (out->pol_round != XR_BFT_NO_ROUND && out->pol_round >= out->round)
            return XR_ERR_BFT_POL_ROUND;
        if (xr_bft_id_is_nil(out->block_id)) return XR_ERR_BFT_NIL_BLOCK;
    }
    *used = o;
    return 0;
}

bool xr_bft_core_same_slot(const xr_bft_core *a, const xr_bft_core *b) {
    return a->type == b->type && a->chain_id == b->chain_id && a->height == b->height &&
           a->round == b->round && memcmp(a->validator, b->validator, 20) == 0;
}

/* ---- attestation votes ------------------------------------------------- */

static void write_xheader(const xr_xheader *h, uint8_t *out) {
    put_u64(out, h->source_chain_id);
    put_u64(out + 8, h->consensus_chain_id);
    out[16] = h->conf_level;
    put_u64(out + 17, h->offset);
    put_u64(out + 25, h->source_block_height);
    memcpy(out + 33, h->source_block_hash.bytes, 32);
}

static int read_xheader(const uint8_t *in, xr_xheader *h) {
    h->source_chain_id = get_u64(in);
    h->consensus_chain_id = get_u64(in + 8);
    h->conf_level = in[16];
    h->offset = get_u64(in + 17);
    h->source_block_height = get_u64(in + 25);
    memcpy(h->source_block_hash.bytes, in + 33, 32);
    if (h->conf_level != XR_CONF_LATEST && h->conf_level != XR_CONF_FINALIZED)
        return XR_ERR_BAD_VALUE;
    if (h->offset == 0) return XR_ERR_BAD_VALUE;
    return 0;
}

/* Structural check of an entry without building the vote. */
static int check_entry(const uint8_t *e) {
    uint8_t level = e[16];
    if (level != XR_CONF_LATEST && level != XR_CONF_FINALIZED) return XR_ERR_BAD_VALUE;
    if (get_u64(e + 17) == 0) return XR_ERR_BAD_VALUE;
    return 0;
}

/* Compare the (chain, level, offset) keys of two encoded entries: big-endian
** bytes compare as the numbers do. */
static int entry_key_cmp(const uint8_t *a, const uint8_t *b) {
    int c = memcmp(a, b, 8);
    if (c) return c;
    return memcmp(a + 16, b + 16, 9);
}

void xr_att_vote_compute_root(xr_att_vote *v) {
    xr_hash leaf;
    xr_attest_header_leaf(&v->header, &leaf);
    xr_attest_root(&leaf, &v->msg_root, &v->root);
}

void xr_att_vote_compute_root_with(const xr_keccak_service *svc, xr_att_vote *v) {
    XR_ASSERT(v != NULL);
    xr_hash leaf;
    xr_attest_header_leaf_with(svc, &v->header, &leaf);
    xr_attest_root_with(svc, &leaf, &v->msg_root, &v->root);
}

void xr_att_vote_encode_entry(const xr_att_vote *v, uint8_t out[XR_BFT_EXT_ENTRY_BYTES]) {
    XR_ASSERT(v != NULL && out != NULL);
    write_xheader(&v->header, out);
    memcpy(out + XR_BFT_XHEADER_BYTES, v->msg_root.bytes, 32);
    memcpy(out + XR_BFT_XHEADER_BYTES + 32, v->sig, 65);
}

void xr_att_vote_encode_block(const xr_att_vote *v, uint8_t out[XR_BFT_BLOCK_VOTE_BYTES]) {
    XR_ASSERT(v != NULL && out != NULL);
    memcpy(out, v->validator, 20);
    xr_att_vote_encode_entry(v, out + 20);
}

/* Every field of an entry but the root (left all-zero). */
static int decode_entry_fields(const uint8_t *in, const uint8_t validator[20], xr_att_vote *out) {
    memset(out, 0, sizeof *out);
    memcpy(out->validator, validator, 20);
    int rc = read_xheader(in, &out->header);
    if (rc) return rc;
    memcpy(out->msg_root.bytes, in + XR_BFT_XHEADER_BYTES, 32);
    memcpy(out->sig, in + XR_BFT_XHEADER_BYTES + 32, 65);
    return 0;
}

int xr_att_vote_decode_entry(const uint8_t in[XR_BFT_EXT_ENTRY_BYTES], const uint8_t validator[20],
                             xr_att_vote *out) {
    XR_ASSERT(in != NULL && validator != NULL && out != NULL);
    int rc = decode_entry_fields(in, validator, out);
    if (rc) return rc;
    xr_att_vote_compute_root(out);
    return 0;
}

int xr_att_vote_decode_block(const uint8_t in[XR_BFT_BLOCK_VOTE_BYTES], xr_att_vote *out) {
    XR_ASSERT(in != NULL);
    return xr_att_vote_decode_entry(in + 20, in, out);
}

static int cmp_u64(uint64_t a, uint64_t b) { return a < b ? -1 : a > b ? 1 : 0; }

int xr_att_vote_cmp(const xr_att_vote *a, const xr_att_vote *b) {
    int c = cmp_u64(a->header.source_chain_id, b->header.source_chain_id);
    if (c) return c;
    c = cmp_u64(a->header.conf_level, b->header.conf_level);
    if (c) return c;
    c = cmp_u64(a->header.offset, b->header.offset);
    if (c) return c;
    return memcmp(a->validator, b->validator, 20);
}

void xr_bftmsg_ext_get(const xr_bftmsg *m, uint32_t i, xr_att_vote *out) {
    XR_ASSERT(m != NULL && i < m->ext_count && m->core.type == XR_BFT_PRECOMMIT);
    int rc = xr_att_vote_decode_entry(m->ext + (size_t)i * XR_BFT_EXT_ENTRY_BYTES,
                                      m->core.validator, out);
    XR_ASSERT(rc == 0); /* validated by xr_bftmsg_decode */
}

void xr_bftmsg_ext_get_unrooted(const xr_bftmsg *m, uint32_t i, xr_att_vote *out) {
    XR_ASSERT(m != NULL && out != NULL && i < m->ext_count && m->core.type == XR_BFT_PRECOMMIT);
    int rc = decode_entry_fields(m->ext + (size_t)i * XR_BFT_EXT_ENTRY_BYTES, m->core.validator,
                                 out);
    XR_ASSERT(rc == 0); /* validated by xr_bftmsg_decode */
}

/* ---- whole messages ---------------------------------------------------- */

size_t xr_bftmsg_len(const xr_bft_core *c, size_t block_len, uint32_t ext_count) {
    size_t n = xr_bft_core_len(c->type);
    if (c->type == XR_BFT_PROPOSAL) n += 4u + block_len;
    if (c->type == XR_BFT_PRECOMMIT) n += 2u + (size_t)ext_count * XR_BFT_EXT_ENTRY_BYTES;
    return n;
}

int xr_bftmsg_encode(const xr_bft_core *c, const uint8_t *block, size_t block_len,
                     const uint8_t *ext, uint32_t ext_count, uint8_t *out, size_t cap) {
    XR_ASSERT(c != NULL && (out != NULL || cap == 0));
    if (xr_bft_core_len(c->type) == 0) return XR_ERR_BAD_TYPE;
    if (c->type == XR_BFT_PROPOSAL && block_len > 0xffffffffu) return XR_ERR_TOO_LARGE;
    if (c->type == XR_BFT_PRECOMMIT && ext_count > XR_BFT_MAX_EXT_COUNT) return XR_ERR_TOO_LARGE;
    size_t n = xr_bftmsg_len(c, block_len, ext_count);
    if (n > (size_t)0x7fffffff) return XR_ERR_TOO_LARGE;
    if (cap < n) return XR_ERR_NOSPACE;
    int o = xr_bft_core_encode(c, out, cap);
    XR_ASSERT(o > 0);
    size_t p = (size_t)o;
    if (c->type == XR_BFT_PROPOSAL) {
        put_u32(out + p, (uint32_t)block_len);
        p += 4;
        if (block_len) memcpy(out + p, block, block_len);
        p += block_len;
    } else if (c->type == XR_BFT_PRECOMMIT) {
        put_u16(out + p, (uint16_t)ext_count);
        p += 2;
        size_t el = (size_t)ext_count * XR_BFT_EXT_ENTRY_BYTES;
        if (el) memcpy(out + p, ext, el);
        p += el;
    }
    XR_ASSERT(p == n);
    return (int)n;
}

int xr_bftmsg_decode(const uint8_t *in, size_t len, const xr_bftmsg_limits *lim,
                     xr_bftmsg *out) {
    return xr_bftmsg_decode_with(NULL, in, len, lim, out);
}

int xr_bftmsg_decode_with(const xr_keccak_service *svc, const uint8_t *in, size_t len,
                          const xr_bftmsg_limits *lim, xr_bftmsg *out) {
    XR_ASSERT(lim != NULL && out != NULL && (in != NULL || len == 0));
    size_t used = 0;
    memset(out, 0, sizeof *out);
    int rc = xr_bft_core_decode(in, len, &out->core, &used);
    if (rc) return rc;
    const uint8_t *p = in + used;
    size_t rem = len - used;
    if (out->core.type == XR_BFT_PROPOSAL) {
        if (rem < 4) return XR_ERR_TRUNCATED;
        uint32_t bl = get_u32(p);
        p += 4;
        rem -= 4;
        if (bl > lim->max_block_bytes) return XR_ERR_TOO_LARGE;
        if (rem < bl) return XR_ERR_TRUNCATED;
        if (rem > bl) return XR_ERR_TRAILING;
        uint8_t id[32];
        xr_bft_block_id_with(svc, p, bl, id);
        if (memcmp(id, out->core.block_id, 32) != 0) return XR_ERR_BFT_BLOCK_ID;
        out->block = p;
        out->block_len = bl;
        return 0;
    }
    if (out->core.type == XR_BFT_PREVOTE) return rem ? XR_ERR_TRAILING : 0;
    /* precommit */
    if (rem < 2) return XR_ERR_TRUNCATED;
    uint32_t n = get_u16(p);
    p += 2;
    rem -= 2;
    if (n > lim->max_ext_votes) return XR_ERR_TOO_LARGE;
    if (n && xr_bft_id_is_nil(out->core.block_id)) return XR_ERR_BFT_NIL_EXT;
    size_t need = (size_t)n * XR_BFT_EXT_ENTRY_BYTES;
    if (rem < need) return XR_ERR_TRUNCATED;
    if (rem > need) return XR_ERR_TRAILING;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = p + (size_t)i * XR_BFT_EXT_ENTRY_BYTES;
        rc = check_entry(e);
        if (rc) return rc;
        if (i > 0 && entry_key_cmp(e - XR_BFT_EXT_ENTRY_BYTES, e) >= 0) return XR_ERR_BFT_UNSORTED;
    }
    out->ext = p;
    out->ext_count = n;
    return 0;
}

/* ---- blocks --------------------------------------------------------------- */

void xr_bft_block_id(const uint8_t *block, size_t len, uint8_t id[32]) {
    xr_keccak256(block, len, id);
}

void xr_bft_block_id_with(const xr_keccak_service *svc, const uint8_t *block, size_t len,
                          uint8_t id[32]) {
    XR_ASSERT((block != NULL || len == 0) && id != NULL);
    xr_keccak_service_hash(svc, block, len, id);
}

size_t xr_bft_block_len(uint32_t vote_count, uint32_t payload_len) {
    return XR_BFT_BLOCK_HEADER_BYTES + (size_t)vote_count * XR_BFT_BLOCK_VOTE_BYTES + 4u +
           payload_len;
}

int xr_bft_block_encode(const xr_bft_block *blk, uint8_t *out, size_t cap) {
    XR_ASSERT(blk != NULL && (out != NULL || cap == 0));
    size_t n = xr_bft_block_len(blk->vote_count, blk->payload_len);
    if (n > (size_t)0x7fffffff) return XR_ERR_TOO_LARGE;
    if (cap < n) return XR_ERR_NOSPACE;
    size_t o = 0;
    out[o++] = XR_BFTMSG_VERSION;
    put_u64(out + o, blk->chain_id);
    o += 8;
    put_u64(out + o, blk->height);
    o += 8;
    put_u64(out + o, blk->valset_id);
    o += 8;
    memcpy(out + o, blk->prev_block_id, 32);
    o += 32;
    memcpy(out + o, blk->proposer, 20);
    o += 20;
    put_u32(out + o, blk->vote_count);
    o += 4;
    size_t vl = (size_t)blk->vote_count * XR_BFT_BLOCK_VOTE_BYTES;
    /* memmove: a caller may have laid the votes out in place at out + o */
    if (vl) memmove(out + o, blk->votes, vl);
    o += vl;
    put_u32(out + o, blk->payload_len);
    o += 4;
    if (blk->payload_len) memmove(out + o, blk->payload, blk->payload_len);
    o += blk->payload_len;
    XR_ASSERT(o == n);
    return (int)n;
}

int xr_bft_block_decode(const uint8_t *in, size_t len, const xr_bftmsg_limits *lim,
                        xr_bft_block *out) {
    XR_ASSERT(lim != NULL && out != NULL && (in != NULL || len == 0));
    memset(out, 0, sizeof *out);
    if (len < 1) return XR_ERR_TRUNCATED;
    if (in[0] != XR_BFTMSG_VERSION) return XR_ERR_BFT_VERSION;
    if (len < XR_BFT_BLOCK_HEADER_BYTES) return XR_ERR_TRUNCATED;
    size_t o = 1;
    out->chain_id = get_u64(in + o);
    o += 8;
    out->height = get_u64(in + o);
    o += 8;
    out->valset_id = get_u64(in + o);
    o += 8;
    memcpy(out->prev_block_id, in + o, 32);
    o += 32;
    memcpy(out->proposer, in + o, 20);
    o += 20;
    out->vote_count = get_u32(in + o);
    o += 4;
    if (out->height == 0) return XR_ERR_BAD_VALUE;
    if (out->vote_count > lim->max_block_votes) return XR_ERR_TOO_LARGE;
    size_t vl = (size_t)out->vote_count * XR_BFT_BLOCK_VOTE_BYTES;
    if (len - o < vl) return XR_ERR_TRUNCATED;
    out->votes = in + o;
    for (uint32_t i = 0; i < out->vote_count; i++) {
        const uint8_t *v = in + o + (size_t)i * XR_BFT_BLOCK_VOTE_BYTES;
        int rc = check_entry(v + 20);
        if (rc) return rc;
        if (i > 0) {
            const uint8_t *pv = v - XR_BFT_BLOCK_VOTE_BYTES;
            int c = entry_key_cmp(pv + 20, v + 20);
            if (c == 0) c = memcmp(pv, v, 20);
            if (c >= 0) return XR_ERR_BFT_UNSORTED;
        }
    }
    o += vl;
    if (len - o < 4) return XR_ERR_TRUNCATED;
    out->payload_len = get_u32(in + o);
    o += 4;
    if (out->payload_len > lim->max_payload_bytes) return XR_ERR_TOO_LARGE;
    if (len - o < out->payload_len) return XR_ERR_TRUNCATED;
    out->payload = in + o;
    o += out->payload_len;
    if (o != len) return XR_ERR_TRAILING;
    return 0;
}

void xr_bft_block_vote_get(const xr_bft_block *blk, uint32_t i, xr_att_vote *out) {
    XR_ASSERT(blk != NULL && i < blk->vote_count);
    int rc = xr_att_vote_decode_block(blk->votes + (size_t)i * XR_BFT_BLOCK_VOTE_BYTES, out);
    XR_ASSERT(rc == 0); /* validated by xr_bft_block_decode */
}

void xr_bft_block_vote_get_unrooted(const xr_bft_block *blk, uint32_t i, xr_att_vote *out) {
    XR_ASSERT(blk != NULL && out != NULL && i < blk->vote_count);
    const uint8_t *v = blk->votes + (size_t)i * XR_BFT_BLOCK_VOTE_BYTES;
    int rc = decode_entry_fields(v + 20, v, out);
    XR_ASSERT(rc == 0); /* validated by xr_bft_block_decode */
}
