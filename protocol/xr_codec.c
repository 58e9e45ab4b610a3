/*
** Canonical ABI encodings of the wire types (see xr_codec.h for the rules).
**
** Encoding goes through a small sink that either copies into a buffer or
** absorbs into a Keccak context, so leaves are hashed from the same code that
** produces the bytes on the wire.  Decoding walks the input with explicit
** positions; every position is kept <= len and every size is bounded by the
** limits before it is multiplied, so no arithmetic can overflow.  The
** decoder computes where abi.encode would put each tail and insists the
** offset words say exactly that, which makes the accepted language exactly
** the set of encoder outputs.
*/
#include <string.h>

#include "xr_codec.h"
#include "xr_err.h"
#include "xr_keccak.h"

#define W XR_WORD_BYTES
#define XR_INT_MAX_BYTES ((size_t)0x7fffffff)

/* Head sizes (words) of the tuples. */
#define XMSG_HEAD_WORDS 7u
#define XHEADER_WORDS 6u
#define XRECEIPT_HEAD_WORDS 7u
#define VOTE_HEAD_WORDS 9u
#define SIGTUPLE_HEAD_WORDS 2u
#define SUBMISSION_HEAD_WORDS 12u

static const uint8_t zero_word[W];

static size_t pad32(size_t n) { return (n + (W - 1)) / W * W; }

/* ---- sink ------------------------------------------------------------------ */

typedef struct sink {
    uint8_t *buf;       /* NULL when hashing */
    size_t cap;
    size_t len;         /* bytes produced so far */
    xr_keccak *hash;    /* non-NULL: absorb instead of copying */
} sink;

static void put(sink *s, const void *p, size_t n) {
    if (n == 0) return;
    if (s->hash != NULL) {
        xr_keccak_update(s->hash, p, n);
    } else {
        XR_ASSERT(s->len + n <= s->cap);   /* callers size the buffer first */
        memcpy(s->buf + s->len, p, n);
    }
    s->len += n;
}

static void put_zeros(sink *s, size_t n) {
    while (n > 0) {
        size_t k = n < W ? n : W;
        put(s, zero_word, k);
        n -= k;
    }
}

static void put_u64(sink *s, uint64_t v) {
    uint8_t w[W];
    memset(w, 0, W - 8);
    for (size_t i = 0; i < 8; i++) w[W - 1 - i] = (uint8_t)(v >> (8 * i));
    put(s, w, W);
}

static void put_size(sink *s, size_t v) { put_u64(s, (uint64_t)v); }

static void put_address(sink *s, const xr_address *a) {
    put_zeros(s, W - sizeof a->bytes);
    put(s, a->bytes, sizeof a->bytes);
}

static void put_hash(sink *s, const xr_hash *h) { put(s, h->bytes, sizeof h->bytes); }

static void put_bool(sink *s, bool b) { put_u64(s, b ? 1u : 0u); }

/* The tail of a `bytes` value: length word, content, zero padding. */
static void put_bytes_tail(sink *s, const uint8_t *p, size_t n) {
    XR_ASSERT(p != NULL || n == 0);
    put_size(s, n);
    put(s, p, n);
    put_zeros(s, pad32(n) - n);
}

/* ---- sizes ----------------------------------------------------------------- */

/* A Msg tuple without the leading 0x20 word (as an element of Msg[]). */
static size_t xmsg_tuple_len(const xr_xmsg *m) {
    return XMSG_HEAD_WORDS * W + W + pad32(m->data_len);
}

size_t xr_xmsg_encoded_len(const xr_xmsg *m) {
    XR_ASSERT(m != NULL);
    return W + xmsg_tuple_len(m);
}

size_t xr_xreceipt_encoded_len(const xr_xreceipt *r) {
    XR_ASSERT(r != NULL);
    return W + XRECEIPT_HEAD_WORDS * W + W + pad32(r->error_len);
}

#define SIGTUPLE_LEN ((SIGTUPLE_HEAD_WORDS + 1u) * W + 96u)

size_t xr_submission_encoded_len(const xr_submission *s) {
    XR_ASSERT(s != NULL);
    size_t n = W + SUBMISSION_HEAD_WORDS * W;
    n += W + s->msg_count * W;
    for (size_t i = 0; i < s->msg_count; i++) n += xmsg_tuple_len(&s->msgs[i]);
    n += W + s->proof_count * W;
    n += W + s->proof_flag_count * W;
    n += W + s->sig_count * (W + SIGTUPLE_LEN);
    return n;
}

/* ---- encoders -------------------------------------------------------------- */

static void write_xmsg_tuple(sink *s, const xr_xmsg *m) {
    put_u64(s, m->dest_chain_id);
    put_u64(s, m->shard_id);
    put_u64(s, m->offset);
    put_address(s, &m->sender);
    put_address(s, &m->to);
    put_size(s, XMSG_HEAD_WORDS * W);
    put_u64(s, m->gas_limit);
    put_bytes_tail(s, m->data, m->data_len);
}

static void write_xheader(sink *s, const xr_xheader *h) {
    put_u64(s, h->source_chain_id);
    put_u64(s, h->consensus_chain_id);
    put_u64(s, h->conf_level);
    put_u64(s, h->offset);
    put_u64(s, h->source_block_height);
    put_hash(s, &h->source_block_hash);
}

/* Common prologue: limits, then room.  Returns 0 or an error. */
static int check_room(size_t need, size_t cap, const uint8_t *out) {
    XR_ASSERT(need <= XR_INT_MAX_BYTES);
    if (out == NULL || need > cap) return XR_ERR_NOSPACE;
    return 0;
}

static int xmsg_check(const xr_xmsg *m) {
    XR_ASSERT(m->data != NULL || m->data_len == 0);
    return m->data_len > XR_MAX_DATA_BYTES ? XR_ERR_TOO_LARGE : 0;
}

int xr_xmsg_encode(const xr_xmsg *m, uint8_t *out, size_t cap) {
    XR_ASSERT(m != NULL);
    int rc = xmsg_check(m);
    if (rc != 0) return rc;
    size_t need = xr_xmsg_encoded_len(m);
    if ((rc = check_room(need, cap, out)) != 0) return rc;
    sink s = {out, cap, 0, NULL};
    put_size(&s, W);
    write_xmsg_tuple(&s, m);
    XR_ASSERT(s.len == need);
    return (int)need;
}

void xr_xmsg_hash_encoding(const xr_xmsg *m, struct xr_keccak *ctx) {
    XR_ASSERT(m != NULL && ctx != NULL);
    sink s = {NULL, 0, 0, ctx};
    put_size(&s, W);
    write_xmsg_tuple(&s, m);
    XR_ASSERT(s.len == xr_xmsg_encoded_len(m));
}

int xr_xheader_encode(const xr_xheader *h, uint8_t *out, size_t cap) {
    XR_ASSERT(h != NULL);
    int rc = check_room(XR_XHEADER_ENCODED_BYTES, cap, out);
    if (rc != 0) return rc;
    sink s = {out, cap, 0, NULL};
    write_xheader(&s, h);
    XR_ASSERT(s.len == XR_XHEADER_ENCODED_BYTES);
    return (int)XR_XHEADER_ENCODED_BYTES;
}

void xr_xheader_hash_encoding(const xr_xheader *h, struct xr_keccak *ctx) {
    XR_ASSERT(h != NULL && ctx != NULL);
    sink s = {NULL, 0, 0, ctx};
    write_xheader(&s, h);
}

int xr_xreceipt_encode(const xr_xreceipt *r, uint8_t *out, size_t cap) {
    XR_ASSERT(r != NULL);
    XR_ASSERT(r->error != NULL || r->error_len == 0);
    if (r->error_len > XR_MAX_RECEIPT_ERROR_BYTES) return XR_ERR_TOO_LARGE;
    size_t need = xr_xreceipt_encoded_len(r);
    int rc = check_room(need, cap, out);
    if (rc != 0) return rc;
    sink s = {out, cap, 0, NULL};
    put_size(&s, W);
    put_u64(&s, r->source_chain_id);
    put_u64(&s, r->shard_id);
    put_u64(&s, r->offset);
    put_u64(&s, r->gas_used);
    put_address(&s, &r->relayer);
    put_bool(&s, r->success);
    put_size(&s, XRECEIPT_HEAD_WORDS * W);
    put_bytes_tail(&s, r->error, r->error_len);
    XR_ASSERT(s.len == need);
    return (int)need;
}

int xr_vote_encode(const xr_vote *v, uint8_t *out, size_t cap) {
    XR_ASSERT(v != NULL);
    int rc = check_room(XR_VOTE_ENCODED_BYTES, cap, out);
    if (rc != 0) return rc;
    sink s = {out, cap, 0, NULL};
    put_size(&s, W);
    put_address(&s, &v->validator);
    write_xheader(&s, &v->header);
    put_hash(&s, &v->attestation_root);
    put_size(&s, VOTE_HEAD_WORDS * W);
    put_bytes_tail(&s, v->sig.bytes, XR_SIG_BYTES);
    XR_ASSERT(s.len == XR_VOTE_ENCODED_BYTES);
    return (int)XR_VOTE_ENCODED_BYTES;
}

int xr_submission_encode(const xr_submission *sub, uint8_t *out, size_t cap) {
    XR_ASSERT(sub != NULL);
    XR_ASSERT(sub->msgs != NULL || sub->msg_count == 0);
    XR_ASSERT(sub->proof != NULL || sub->proof_count == 0);
    XR_ASSERT(sub->proof_flags != NULL || sub->proof_flag_count == 0);
    XR_ASSERT(sub->sigs != NULL || sub->sig_count == 0);
    if (sub->msg_count > XR_MAX_SUBMISSION_MSGS || sub->proof_count > XR_MAX_PROOF_NODES ||
        sub->proof_flag_count > XR_MAX_PROOF_FLAGS || sub->sig_count > XR_MAX_SIGS) {
        return XR_ERR_TOO_LARGE;
    }
    for (size_t i = 0; i < sub->msg_count; i++) {
        int rc = xmsg_check(&sub->msgs[i]);
        if (rc != 0) return rc;
    }
    size_t need = xr_submission_encoded_len(sub);
    int rc = check_room(need, cap, out);
    if (rc != 0) return rc;

    sink s = {out, cap, 0, NULL};
    put_size(&s, W);
    put_hash(&s, &sub->attestation_root);
    put_u64(&s, sub->valset_id);
    write_xheader(&s, &sub->header);
    /* Offsets of the four arrays, relative to the tuple start. */
    size_t off = SUBMISSION_HEAD_WORDS * W;
    size_t msgs_len = W + sub->msg_count * W;
    for (size_t i = 0; i < sub->msg_count; i++) msgs_len += xmsg_tuple_len(&sub->msgs[i]);
    put_size(&s, off);
    off += msgs_len;
    put_size(&s, off);
    off += W + sub->proof_count * W;
    put_size(&s, off);
    off += W + sub->proof_flag_count * W;
    put_size(&s, off);

    /* msgs: length, element offsets (relative to the first offset word), tuples */
    put_size(&s, sub->msg_count);
    size_t elem = sub->msg_count * W;
    for (size_t i = 0; i < sub->msg_count; i++) {
        put_size(&s, elem);
        elem += xmsg_tuple_len(&sub->msgs[i]);
    }
    for (size_t i = 0; i < sub->msg_count; i++) write_xmsg_tuple(&s, &sub->msgs[i]);

    put_size(&s, sub->proof_count);
    for (size_t i = 0; i < sub->proof_count; i++) put_hash(&s, &sub->proof[i]);

    put_size(&s, sub->proof_flag_count);
    for (size_t i = 0; i < sub->proof_flag_count; i++) put_bool(&s, sub->proof_flags[i]);

    put_size(&s, sub->sig_count);
    for (size_t i = 0; i < sub->sig_count; i++) put_size(&s, sub->sig_count * W + i * SIGTUPLE_LEN);
    for (size_t i = 0; i < sub->sig_count; i++) {
        put_address(&s, &sub->sigs[i].validator);
        put_size(&s, SIGTUPLE_HEAD_WORDS * W);
        put_bytes_tail(&s, sub->sigs[i].sig.bytes, XR_SIG_BYTES);
    }
    XR_ASSERT(s.len == need);
    return (int)need;
}

/* ---- decoding helpers ---------------------------------------------------------
** Each takes the input, its length and a position pos <= len of a word. */

typedef struct src {
    const uint8_t *p;
    size_t len;
} src;

static bool has(const src *in, size_t pos, size_t n) {
    XR_ASSERT(pos <= in->len);
    return in->len - pos >= n;
}

static bool all_zero(const uint8_t *p, size_t n) {
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) acc |= p[i];
    return acc == 0;
}

static uint64_t be64(const uint8_t *p) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8; i++) v = v << 8 | p[i];
    return v;
}

static int get_u64(const src *in, size_t pos, uint64_t *v) {
    if (!has(in, pos, W)) return XR_ERR_TRUNCATED;
    if (!all_zero(in->p + pos, W - 8)) return XR_ERR_BAD_PADDING;
    *v = be64(in->p + pos + W - 8);
    return 0;
}

static int get_u8(const src *in, size_t pos, uint8_t *v) {
    if (!has(in, pos, W)) return XR_ERR_TRUNCATED;
    if (!all_zero(in->p + pos, W - 1)) return XR_ERR_BAD_PADDING;
    *v = in->p[pos + W - 1];
    return 0;
}

static int get_bool(const src *in, size_t pos, bool *v) {
    uint8_t b = 0;
    int rc = get_u8(in, pos, &b);
    if (rc != 0) return rc;
    if (b > 1) return XR_ERR_BAD_VALUE;
    *v = b == 1;
    return 0;
}

static int get_address(const src *in, size_t pos, xr_address *a) {
    if (!has(in, pos, W)) return XR_ERR_TRUNCATED;
    if (!all_zero(in->p + pos, W - sizeof a->bytes)) return XR_ERR_BAD_PADDING;
    memcpy(a->bytes, in->p + pos + W - sizeof a->bytes, sizeof a->bytes);
    return 0;
}

static int get_hash(const src *in, size_t pos, xr_hash *h) {
    if (!has(in, pos, W)) return XR_ERR_TRUNCATED;
    memcpy(h->bytes, in->p + pos, W);
    return 0;
}

/* An offset word that must equal `expect` (where abi.encode puts the tail). */
static int get_offset(const src *in, size_t pos, size_t expect) {
    uint64_t v = 0;
    if (!has(in, pos, W)) return XR_ERR_TRUNCATED;
    if (!all_zero(in->p + pos, W - 8)) return XR_ERR_BAD_OFFSET;
    v = be64(in->p + pos + W - 8);
    return v == (uint64_t)expect ? 0 : XR_ERR_BAD_OFFSET;
}

/* A length word, bounded by limit (XR_ERR_TOO_LARGE above it). */
static int get_length(const src *in, size_t pos, size_t limit, size_t *n) {
    if (!has(in, pos, W)) return XR_ERR_TRUNCATED;
    if (!all_zero(in->p + pos, W - 8)) return XR_ERR_TOO_LARGE;
    uint64_t v = be64(in->p + pos + W - 8);
    if (v > (uint64_t)limit) return XR_ERR_TOO_LARGE;
    *n = (size_t)v;
    return 0;
}

/* A `bytes` tail at pos: length (<= limit), content, zero padding.  Sets
** *data to a view (NULL when empty) and *end past the padding. */
static int get_bytes_tail(const src *in, size_t pos, size_t limit, const uint8_t **data,
                          size_t *n, size_t *end) {
    int rc = get_length(in, pos, limit, n);
    if (rc != 0) return rc;
    size_t body = pad32(*n);
    if (!has(in, pos + W, body)) return XR_ERR_TRUNCATED;
    if (!all_zero(in->p + pos + W + *n, body - *n)) return XR_ERR_BAD_PADDING;
    *data = *n > 0 ? in->p + pos + W : NULL;
    *end = pos + W + body;
    return 0;
}

/* A 65-byte signature as `bytes` at pos. */
static int get_sig_tail(const src *in, size_t pos, xr_sig *sig, size_t *end) {
    if (!has(in, pos, W)) return XR_ERR_TRUNCATED;
    if (!all_zero(in->p + pos, W - 8) || be64(in->p + pos + W - 8) != XR_SIG_BYTES) {
        return XR_ERR_SIG_MALFORMED;
    }
    const uint8_t *data = NULL;
    size_t n = 0;
    int rc = get_bytes_tail(in, pos, XR_SIG_BYTES, &data, &n, end);
    if (rc != 0) return rc;
    memcpy(sig->bytes, data, XR_SIG_BYTES);
    return 0;
}

#define TRY(expr) do { int rc_ = (expr); if (rc_ != 0) return rc_; } while (0)

/* A Msg tuple starting at base; *end is past its tail. */
static int decode_xmsg_tuple(const src *in, size_t base, xr_xmsg *m, size_t *end) {
    if (!has(in, base, XMSG_HEAD_WORDS * W)) return XR_ERR_TRUNCATED;
    TRY(get_u64(in, base + 0 * W, &m->dest_chain_id));
    TRY(get_u64(in, base + 1 * W, &m->shard_id));
    TRY(get_u64(in, base + 2 * W, &m->offset));
    TRY(get_address(in, base + 3 * W, &m->sender));
    TRY(get_address(in, base + 4 * W, &m->to));
    TRY(get_offset(in, base + 5 * W, XMSG_HEAD_WORDS * W));
    TRY(get_u64(in, base + 6 * W, &m->gas_limit));
    return get_bytes_tail(in, base + XMSG_HEAD_WORDS * W, XR_MAX_DATA_BYTES, &m->data,
                          &m->data_len, end);
}

static int decode_xheader_at(const src *in, size_t base, xr_xheader *h) {
    if (!has(in, base, XHEADER_WORDS * W)) return XR_ERR_TRUNCATED;
    TRY(get_u64(in, base + 0 * W, &h->source_chain_id));
    TRY(get_u64(in, base + 1 * W, &h->consensus_chain_id));
    TRY(get_u8(in, base + 2 * W, &h->conf_level));
    TRY(get_u64(in, base + 3 * W, &h->offset));
    TRY(get_u64(in, base + 4 * W, &h->source_block_height));
    return get_hash(in, base + 5 * W, &h->source_block_hash);
}

static int expect_end(const src *in, size_t end) {
    XR_ASSERT(end <= in->len);
    return end == in->len ? 0 : XR_ERR_TRAILING;
}

/* ---- decoders ------------------------------------------------------------------- */

int xr_xmsg_decode(const uint8_t *bytes, size_t len, xr_xmsg *out) {
    XR_ASSERT(out != NULL);
    XR_ASSERT(bytes != NULL || len == 0);
    src in = {bytes, len};
    size_t end = 0;
    memset(out, 0, sizeof *out);
    TRY(get_offset(&in, 0, W));
    TRY(decode_xmsg_tuple(&in, W, out, &end));
    return expect_end(&in, end);
}

int xr_xheader_decode(const uint8_t *bytes, size_t len, xr_xheader *out) {
    XR_ASSERT(out != NULL);
    XR_ASSERT(bytes != NULL || len == 0);
    src in = {bytes, len};
    memset(out, 0, sizeof *out);
    TRY(decode_xheader_at(&in, 0, out));
    return expect_end(&in, XHEADER_WORDS * W);
}

int xr_xreceipt_decode(const uint8_t *bytes, size_t len, xr_xreceipt *out) {
    XR_ASSERT(out != NULL);
    XR_ASSERT(bytes != NULL || len == 0);
    src in = {bytes, len};
    const size_t b = W;
    size_t end = 0;
    memset(out, 0, sizeof *out);
    TRY(get_offset(&in, 0, W));
    if (!has(&in, b, XRECEIPT_HEAD_WORDS * W)) return XR_ERR_TRUNCATED;
    TRY(get_u64(&in, b + 0 * W, &out->source_chain_id));
    TRY(get_u64(&in, b + 1 * W, &out->shard_id));
    TRY(get_u64(&in, b + 2 * W, &out->offset));
    TRY(get_u64(&in, b + 3 * W, &out->gas_used));
    TRY(get_address(&in, b + 4 * W, &out->relayer));
    TRY(get_bool(&in, b + 5 * W, &out->success));
    TRY(get_offset(&in, b + 6 * W, XRECEIPT_HEAD_WORDS * W));
    TRY(get_bytes_tail(&in, b + XRECEIPT_HEAD_WORDS * W, XR_MAX_RECEIPT_ERROR_BYTES, &out->error,
                       &out->error_len, &end));
    return expect_end(&in, end);
}

int xr_vote_decode(const uint8_t *bytes, size_t len, xr_vote *out) {
    XR_ASSERT(out != NULL);
    XR_ASSERT(bytes != NULL || len == 0);
    src in = {bytes, len};
    const size_t b = W;
    size_t end = 0;
    memset(out, 0, sizeof *out);
    TRY(get_offset(&in, 0, W));
    if (!has(&in, b, VOTE_HEAD_WORDS * W)) return XR_ERR_TRUNCATED;
    TRY(get_address(&in, b, &out->validator));
    TRY(decode_xheader_at(&in, b + W, &out->header));
    TRY(get_hash(&in, b + 7 * W, &out->attestation_root));
    TRY(get_offset(&in, b + 8 * W, VOTE_HEAD_WORDS * W));
    TRY(get_sig_tail(&in, b + VOTE_HEAD_WORDS * W, &out->sig, &end));
    return expect_end(&in, end);
}

int xr_submission_decode(const uint8_t *bytes, size_t len, xr_submission_store *store,
                         xr_submission *out) {
    XR_ASSERT(out != NULL && store != NULL);
    XR_ASSERT(bytes != NULL || len == 0);
    src in = {bytes, len};
    const size_t b = W;    /* tuple start; head offsets are relative to it */
    size_t pos = 0, n = 0;
    memset(out, 0, sizeof *out);
    out->msgs = store->msgs;
    out->proof = store->proof;
    out->proof_flags = store->proof_flags;
    out->sigs = store->sigs;

    TRY(get_offset(&in, 0, W));
    if (!has(&in, b, SUBMISSION_HEAD_WORDS * W)) return XR_ERR_TRUNCATED;
    TRY(get_hash(&in, b, &out->attestation_root));
    TRY(get_u64(&in, b + W, &out->valset_id));
    TRY(decode_xheader_at(&in, b + 2 * W, &out->header));

    /* msgs */
    pos = b + SUBMISSION_HEAD_WORDS * W;
    TRY(get_offset(&in, b + 8 * W, pos - b));
    TRY(get_length(&in, pos, XR_MAX_SUBMISSION_MSGS, &n));
    out->msg_count = n;
    const size_t table = pos + W;
    if (!has(&in, table, n * W)) return XR_ERR_TRUNCATED;
    pos = table + n * W;
    for (size_t i = 0; i < n; i++) {
        TRY(get_offset(&in, table + i * W, pos - table));
        TRY(decode_xmsg_tuple(&in, pos, &store->msgs[i], &pos));
    }

    /* proof */
    TRY(get_offset(&in, b + 9 * W, pos - b));
    TRY(get_length(&in, pos, XR_MAX_PROOF_NODES, &n));
    pos += W;
    if (!has(&in, pos, n * W)) return XR_ERR_TRUNCATED;
    out->proof_count = n;
    for (size_t i = 0; i < n; i++) TRY(get_hash(&in, pos + i * W, &store->proof[i]));
    pos += n * W;

    /* proofFlags */
    TRY(get_offset(&in, b + 10 * W, pos - b));
    TRY(get_length(&in, pos, XR_MAX_PROOF_FLAGS, &n));
    pos += W;
    if (!has(&in, pos, n * W)) return XR_ERR_TRUNCATED;
    out->proof_flag_count = n;
    for (size_t i = 0; i < n; i++) TRY(get_bool(&in, pos + i * W, &store->proof_flags[i]));
    pos += n * W;

    /* signatures */
    TRY(get_offset(&in, b + 11 * W, pos - b));
    TRY(get_length(&in, pos, XR_MAX_SIGS, &n));
    out->sig_count = n;
    const size_t sig_table = pos + W;
    if (!has(&in, sig_table, n * W)) return XR_ERR_TRUNCATED;
    pos = sig_table + n * W;
    for (size_t i = 0; i < n; i++) {
        TRY(get_offset(&in, sig_table + i * W, pos - sig_table));
        if (!has(&in, pos, SIGTUPLE_HEAD_WORDS * W)) return XR_ERR_TRUNCATED;
        TRY(get_address(&in, pos, &store->sigs[i].validator));
        TRY(get_offset(&in, pos + W, SIGTUPLE_HEAD_WORDS * W));
        TRY(get_sig_tail(&in, pos + SIGTUPLE_HEAD_WORDS * W, &store->sigs[i].sig, &pos));
    }
    return expect_end(&in, pos);
}
