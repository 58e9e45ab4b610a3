/*
** Tests of protocol/xr_codec: the encodings of XMsg, XBlock header, XReceipt,
** vote and submission.  Layout checks against hand-computed word positions;
** round trips of random values at fixed seeds; every rejection path with its
** specific code (truncation, trailing bytes, offset words, padding in each
** kind of word, bool values, limits, signature length); NOSPACE on short
** buffers; and the canonical-language property: mutating any single byte of
** a valid encoding either makes it fail to decode or re-encodes to exactly the
** mutated bytes.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xr_codec.h"
#include "xr_err.h"

/* ---- helpers ---------------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void) {
    uint64_t x = rng_state += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static void rnd_bytes(uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)rnd();
}

static uint64_t rnd_u64(void) {
    /* a mix of small values and full-width ones */
    switch (rnd() % 3) {
    case 0: return rnd() % 8;
    case 1: return rnd() % 100000;
    default: return rnd();
    }
}

static void rnd_msg(xr_xmsg *m, uint8_t *data, size_t max_data) {
    memset(m, 0, sizeof *m);
    m->dest_chain_id = rnd_u64();
    m->shard_id = rnd_u64();
    m->offset = rnd_u64();
    rnd_bytes(m->sender.bytes, 20);
    rnd_bytes(m->to.bytes, 20);
    m->gas_limit = rnd_u64();
    size_t n = (size_t)(rnd() % (max_data + 1));
    if (rnd() % 4 == 0) n = 0;
    rnd_bytes(data, n);
    m->data = n ? data : NULL;
    m->data_len = n;
}

static void rnd_header(xr_xheader *h) {
    memset(h, 0, sizeof *h);
    h->source_chain_id = rnd_u64();
    h->consensus_chain_id = rnd_u64();
    h->conf_level = (uint8_t)rnd();
    h->offset = rnd_u64();
    h->source_block_height = rnd_u64();
    rnd_bytes(h->source_block_hash.bytes, 32);
}

static void put_word_u64(uint8_t *w, uint64_t v) {
    memset(w, 0, 32);
    for (int i = 0; i < 8; i++) w[31 - i] = (uint8_t)(v >> (8 * i));
}

static uint64_t word_u64(const uint8_t *w) {
    uint64_t v = 0;
    for (int i = 24; i < 32; i++) v = v << 8 | w[i];
    return v;
}

static void assert_msgs_equal(const xr_xmsg *a, const xr_xmsg *b) {
    assert_int_equal(a->dest_chain_id, b->dest_chain_id);
    assert_int_equal(a->shard_id, b->shard_id);
    assert_int_equal(a->offset, b->offset);
    assert_memory_equal(a->sender.bytes, b->sender.bytes, 20);
    assert_memory_equal(a->to.bytes, b->to.bytes, 20);
    assert_int_equal(a->gas_limit, b->gas_limit);
    assert_int_equal(a->data_len, b->data_len);
    if (a->data_len) assert_memory_equal(a->data, b->data, a->data_len);
}

/* ---- XMsg --------------------------------------------------------------------- */

static void test_codec_xmsg_layout(void **state) {
    (void)state;
    uint8_t data[40];
    for (int i = 0; i < 40; i++) data[i] = (uint8_t)(i + 1);
    xr_xmsg m = {.dest_chain_id = 10, .shard_id = 0x104, .offset = 7, .data = data,
                 .data_len = 40, .gas_limit = 200000};
    memset(m.sender.bytes, 0x11, 20);
    memset(m.to.bytes, 0x22, 20);
    uint8_t buf[512];
    int n = xr_xmsg_encode(&m, buf, sizeof buf);
    assert_int_equal(n, 32 + 7 * 32 + 32 + 64);
    assert_int_equal((size_t)n, xr_xmsg_encoded_len(&m));
    assert_int_equal(word_u64(buf), 0x20);             /* tuple offset */
    assert_int_equal(word_u64(buf + 32), 10);
    assert_int_equal(word_u64(buf + 64), 0x104);
    assert_int_equal(word_u64(buf + 96), 7);
    assert_int_equal(buf[128 + 11], 0);                 /* address padding */
    assert_int_equal(buf[128 + 12], 0x11);
    assert_int_equal(buf[160 + 31], 0x22);
    assert_int_equal(word_u64(buf + 192), 0xe0);        /* data offset in tuple */
    assert_int_equal(word_u64(buf + 224), 200000);
    assert_int_equal(word_u64(buf + 256), 40);          /* data length */
    assert_memory_equal(buf + 288, data, 40);
    for (int i = 288 + 40; i < n; i++) assert_int_equal(buf[i], 0);
}

static void test_codec_xmsg_roundtrip_random(void **state) {
    (void)state;
    rng_state = 1;
    static uint8_t data[3000], buf[4000], again[4000];
    for (int t = 0; t < 500; t++) {
        xr_xmsg m, back;
        rnd_msg(&m, data, sizeof data);
        int n = xr_xmsg_encode(&m, buf, sizeof buf);
        assert_true(n > 0);
        assert_int_equal(n % 32, 0);
        assert_int_equal(xr_xmsg_decode(buf, (size_t)n, &back), 0);
        assert_msgs_equal(&m, &back);
        assert_ptr_equal(back.data_len ? back.data : NULL, back.data_len ? buf + 288 : NULL);
        assert_int_equal(xr_xmsg_encode(&back, again, sizeof again), n);
        assert_memory_equal(buf, again, (size_t)n);
        assert_int_equal(xr_xmsg_encode(&m, buf, (size_t)n - 1), XR_ERR_NOSPACE);
    }
}

static int encode_sample_msg(uint8_t *buf, size_t cap, size_t data_len) {
    static uint8_t data[XR_MAX_DATA_BYTES + 64];
    memset(data, 0xab, sizeof data);
    xr_xmsg m = {.dest_chain_id = 1, .shard_id = 4, .offset = 9, .data = data_len ? data : NULL,
                 .data_len = data_len, .gas_limit = 100000};
    memset(m.sender.bytes, 0x33, 20);
    memset(m.to.bytes, 0x44, 20);
    return xr_xmsg_encode(&m, buf, cap);
}

static void test_codec_xmsg_rejects(void **state) {
    (void)state;
    uint8_t buf[512], mut[512];
    int n = encode_sample_msg(buf, sizeof buf, 5);
    assert_int_equal(n, 320);
    xr_xmsg m;
    assert_int_equal(xr_xmsg_decode(buf, (size_t)n, &m), 0);

    /* every strict prefix is truncated */
    for (int len = 0; len < n; len++) {
        assert_int_equal(xr_xmsg_decode(buf, (size_t)len, &m), XR_ERR_TRUNCATED);
    }
    assert_int_equal(xr_xmsg_decode(NULL, 0, &m), XR_ERR_TRUNCATED);
    /* trailing bytes, even zeros */
    memcpy(mut, buf, (size_t)n);
    memset(mut + n, 0, 32);
    assert_int_equal(xr_xmsg_decode(mut, (size_t)n + 1, &m), XR_ERR_TRAILING);
    assert_int_equal(xr_xmsg_decode(mut, (size_t)n + 32, &m), XR_ERR_TRAILING);

#define MUTATE(pos, val, code)                                           \
    do {                                                                 \
        memcpy(mut, buf, (size_t)n);                                     \
        mut[(pos)] = (uint8_t)(val);                                     \
        assert_int_equal(xr_xmsg_decode(mut, (size_t)n, &m), (code));    \
    } while (0)

    MUTATE(31, 0x40, XR_ERR_BAD_OFFSET);        /* outer offset 0x40 */
    MUTATE(0, 0x01, XR_ERR_BAD_OFFSET);         /* outer offset huge */
    MUTATE(32 + 0, 1, XR_ERR_BAD_PADDING);      /* destChainId high byte */
    MUTATE(32 + 23, 1, XR_ERR_BAD_PADDING);     /* destChainId byte 23 (uint64 ends at 24) */
    MUTATE(64 + 5, 1, XR_ERR_BAD_PADDING);      /* shardId */
    MUTATE(96 + 20, 1, XR_ERR_BAD_PADDING);     /* offset */
    MUTATE(128 + 11, 1, XR_ERR_BAD_PADDING);    /* sender padding */
    MUTATE(160 + 0, 1, XR_ERR_BAD_PADDING);     /* to padding */
    MUTATE(192 + 31, 0xc0, XR_ERR_BAD_OFFSET);  /* data offset 0xc0 */
    MUTATE(192 + 31, 0x00, XR_ERR_BAD_OFFSET);  /* data offset 0xe0 -> 0x00 */
    MUTATE(192 + 2, 1, XR_ERR_BAD_OFFSET);      /* data offset high bytes */
    MUTATE(224 + 1, 1, XR_ERR_BAD_PADDING);     /* gasLimit */
    MUTATE(256 + 31, 33, XR_ERR_TRUNCATED);     /* data length 33: needs 64 bytes */
    MUTATE(256 + 31, 100, XR_ERR_TRUNCATED);
    MUTATE(256 + 31, 4, XR_ERR_BAD_PADDING);    /* length 4: the 5th byte is now padding */
    MUTATE(256 + 10, 1, XR_ERR_TOO_LARGE);      /* length >= 2^64 */
    MUTATE(288 + 5, 1, XR_ERR_BAD_PADDING);     /* padding after data */
    MUTATE(288 + 31, 1, XR_ERR_BAD_PADDING);
#undef MUTATE

    /* data length over the limit, as a header word */
    memcpy(mut, buf, (size_t)n);
    put_word_u64(mut + 256, XR_MAX_DATA_BYTES + 1);
    assert_int_equal(xr_xmsg_decode(mut, (size_t)n, &m), XR_ERR_TOO_LARGE);
}

static void test_codec_xmsg_data_limit(void **state) {
    (void)state;
    size_t cap = 32 * 9 + XR_MAX_DATA_BYTES + 64;
    uint8_t *buf = malloc(cap);
    assert_non_null(buf);
    int n = encode_sample_msg(buf, cap, XR_MAX_DATA_BYTES);
    assert_true(n > 0);
    xr_xmsg m;
    assert_int_equal(xr_xmsg_decode(buf, (size_t)n, &m), 0);
    assert_int_equal(m.data_len, XR_MAX_DATA_BYTES);
    assert_int_equal(encode_sample_msg(buf, cap, XR_MAX_DATA_BYTES + 1), XR_ERR_TOO_LARGE);
    assert_int_equal(encode_sample_msg(NULL, 0, 0), XR_ERR_NOSPACE);
    free(buf);
}

/* ---- header --------------------------------------------------------------------- */

static void test_codec_xheader_roundtrip_and_rejects(void **state) {
    (void)state;
    rng_state = 2;
    uint8_t buf[XR_XHEADER_ENCODED_BYTES + 32], again[XR_XHEADER_ENCODED_BYTES];
    for (int t = 0; t < 200; t++) {
        xr_xheader h, back;
        rnd_header(&h);
        assert_int_equal(xr_xheader_encode(&h, buf, XR_XHEADER_ENCODED_BYTES), 192);
        assert_int_equal(xr_xheader_decode(buf, 192, &back), 0);
        assert_int_equal(xr_xheader_encode(&back, again, sizeof again), 192);
        assert_memory_equal(buf, again, 192);
        assert_int_equal(back.conf_level, h.conf_level);
        assert_int_equal(back.source_block_height, h.source_block_height);
    }
    xr_xheader h = {.source_chain_id = 5, .consensus_chain_id = 6, .conf_level = 4, .offset = 1,
                    .source_block_height = 99};
    xr_xheader back;
    assert_int_equal(xr_xheader_encode(&h, buf, 191), XR_ERR_NOSPACE);
    assert_int_equal(xr_xheader_encode(&h, buf, 192), 192);
    assert_int_equal(xr_xheader_decode(buf, 191, &back), XR_ERR_TRUNCATED);
    memset(buf + 192, 0, 32);
    assert_int_equal(xr_xheader_decode(buf, 224, &back), XR_ERR_TRAILING);
    buf[64 + 30] = 1;   /* confLevel is uint8: byte 30 must be zero */
    assert_int_equal(xr_xheader_decode(buf, 192, &back), XR_ERR_BAD_PADDING);
    buf[64 + 30] = 0;
    buf[0] = 0x80;
    assert_int_equal(xr_xheader_decode(buf, 192, &back), XR_ERR_BAD_PADDING);
    buf[0] = 0;
    memset(buf + 160, 0xff, 32);    /* bytes32: any value */
    assert_int_equal(xr_xheader_decode(buf, 192, &back), 0);
}

/* ---- receipt ---------------------------------------------------------------------- */

static void test_codec_xreceipt_roundtrip_and_rejects(void **state) {
    (void)state;
    uint8_t err[XR_MAX_RECEIPT_ERROR_BYTES + 1];
    memset(err, 0x5a, sizeof err);
    xr_xreceipt r = {.source_chain_id = 3, .shard_id = 1, .offset = 12, .gas_used = 51234,
                     .success = false, .error = err, .error_len = 4};
    memset(r.relayer.bytes, 0x77, 20);
    uint8_t buf[1024], again[1024];
    int n = xr_xreceipt_encode(&r, buf, sizeof buf);
    assert_int_equal(n, 32 + 7 * 32 + 32 + 32);
    assert_int_equal((size_t)n, xr_xreceipt_encoded_len(&r));
    assert_int_equal(word_u64(buf + 32 + 6 * 32), 0xe0);
    xr_xreceipt back;
    assert_int_equal(xr_xreceipt_decode(buf, (size_t)n, &back), 0);
    assert_int_equal(back.gas_used, 51234);
    assert_false(back.success);
    assert_int_equal(back.error_len, 4);
    assert_memory_equal(back.error, err, 4);
    assert_int_equal(xr_xreceipt_encode(&back, again, sizeof again), n);
    assert_memory_equal(buf, again, (size_t)n);

    buf[32 + 5 * 32 + 31] = 2;     /* success = 2 */
    assert_int_equal(xr_xreceipt_decode(buf, (size_t)n, &back), XR_ERR_BAD_VALUE);
    buf[32 + 5 * 32 + 31] = 1;
    assert_int_equal(xr_xreceipt_decode(buf, (size_t)n, &back), 0);
    assert_true(back.success);
    buf[32 + 5 * 32 + 0] = 1;
    assert_int_equal(xr_xreceipt_decode(buf, (size_t)n, &back), XR_ERR_BAD_PADDING);
    buf[32 + 5 * 32 + 0] = 0;
    buf[32 + 4 * 32 + 3] = 1;      /* relayer padding */
    assert_int_equal(xr_xreceipt_decode(buf, (size_t)n, &back), XR_ERR_BAD_PADDING);
    buf[32 + 4 * 32 + 3] = 0;

    /* empty error, and error at the limit / over it */
    r.error_len = 0;
    r.error = NULL;
    n = xr_xreceipt_encode(&r, buf, sizeof buf);
    assert_int_equal(n, 32 + 7 * 32 + 32);
    assert_int_equal(xr_xreceipt_decode(buf, (size_t)n, &back), 0);
    assert_null(back.error);
    r.error = err;
    r.error_len = XR_MAX_RECEIPT_ERROR_BYTES;
    n = xr_xreceipt_encode(&r, buf, sizeof buf);
    assert_true(n > 0);
    assert_int_equal(xr_xreceipt_decode(buf, (size_t)n, &back), 0);
    put_word_u64(buf + 32 + 7 * 32, XR_MAX_RECEIPT_ERROR_BYTES + 1);
    assert_int_equal(xr_xreceipt_decode(buf, (size_t)n, &back), XR_ERR_TOO_LARGE);
    r.error_len = XR_MAX_RECEIPT_ERROR_BYTES + 1;
    assert_int_equal(xr_xreceipt_encode(&r, buf, sizeof buf), XR_ERR_TOO_LARGE);
}

/* ---- vote ----------------------------------------------------------------------------- */

static void test_codec_vote_roundtrip_and_rejects(void **state) {
    (void)state;
    rng_state = 3;
    xr_vote v, back;
    memset(&v, 0, sizeof v);
    rnd_bytes(v.validator.bytes, 20);
    rnd_header(&v.header);
    rnd_bytes(v.attestation_root.bytes, 32);
    rnd_bytes(v.sig.bytes, 65);
    uint8_t buf[XR_VOTE_ENCODED_BYTES + 32], again[XR_VOTE_ENCODED_BYTES];
    assert_int_equal(xr_vote_encode(&v, buf, XR_VOTE_ENCODED_BYTES - 1), XR_ERR_NOSPACE);
    int n = xr_vote_encode(&v, buf, sizeof buf);
    assert_int_equal(n, XR_VOTE_ENCODED_BYTES);
    assert_int_equal(word_u64(buf), 0x20);
    assert_int_equal(word_u64(buf + 32 + 8 * 32), 9 * 32);      /* signature offset */
    assert_int_equal(word_u64(buf + 32 + 9 * 32), 65);          /* signature length */
    assert_int_equal(xr_vote_decode(buf, (size_t)n, &back), 0);
    assert_memory_equal(back.sig.bytes, v.sig.bytes, 65);
    assert_memory_equal(back.attestation_root.bytes, v.attestation_root.bytes, 32);
    assert_int_equal(back.header.offset, v.header.offset);
    assert_int_equal(xr_vote_encode(&back, again, sizeof again), n);
    assert_memory_equal(buf, again, (size_t)n);

    for (int len = 0; len < n; len++) {
        assert_int_equal(xr_vote_decode(buf, (size_t)len, &back), XR_ERR_TRUNCATED);
    }
    buf[n] = 0;
    assert_int_equal(xr_vote_decode(buf, (size_t)n + 1, &back), XR_ERR_TRAILING);
    uint8_t mut[XR_VOTE_ENCODED_BYTES];
    memcpy(mut, buf, (size_t)n);
    put_word_u64(mut + 32 + 9 * 32, 64);
    assert_int_equal(xr_vote_decode(mut, (size_t)n, &back), XR_ERR_SIG_MALFORMED);
    put_word_u64(mut + 32 + 9 * 32, 66);
    assert_int_equal(xr_vote_decode(mut, (size_t)n, &back), XR_ERR_SIG_MALFORMED);
    memcpy(mut, buf, (size_t)n);
    mut[n - 1] = 1;     /* padding after the 65 signature bytes */
    assert_int_equal(xr_vote_decode(mut, (size_t)n, &back), XR_ERR_BAD_PADDING);
    memcpy(mut, buf, (size_t)n);
    put_word_u64(mut + 32 + 8 * 32, 8 * 32);
    assert_int_equal(xr_vote_decode(mut, (size_t)n, &back), XR_ERR_BAD_OFFSET);
    memcpy(mut, buf, (size_t)n);
    mut[32 + 32 + 2 * 32 + 0] = 1;  /* header confLevel padding */
    assert_int_equal(xr_vote_decode(mut, (size_t)n, &back), XR_ERR_BAD_PADDING);
}

/* ---- submission --------------------------------------------------------------------------- */

typedef struct sub_case {
    xr_submission s;
    xr_xmsg msgs[8];
    uint8_t data[8][100];
    xr_hash proof[6];
    bool flags[12];
    xr_sig_tuple sigs[5];
} sub_case;

static void make_submission(sub_case *c, size_t msgs, size_t proof, size_t flags, size_t sigs) {
    memset(c, 0, sizeof *c);
    rnd_bytes(c->s.attestation_root.bytes, 32);
    c->s.valset_id = rnd_u64();
    rnd_header(&c->s.header);
    for (size_t i = 0; i < msgs; i++) rnd_msg(&c->msgs[i], c->data[i], sizeof c->data[i]);
    for (size_t i = 0; i < proof; i++) rnd_bytes(c->proof[i].bytes, 32);
    for (size_t i = 0; i < flags; i++) c->flags[i] = rnd() & 1;
    for (size_t i = 0; i < sigs; i++) {
        rnd_bytes(c->sigs[i].validator.bytes, 20);
        rnd_bytes(c->sigs[i].sig.bytes, 65);
    }
    c->s.msgs = c->msgs;
    c->s.msg_count = msgs;
    c->s.proof = c->proof;
    c->s.proof_count = proof;
    c->s.proof_flags = c->flags;
    c->s.proof_flag_count = flags;
    c->s.sigs = c->sigs;
    c->s.sig_count = sigs;
}

static xr_submission_store store;

static void assert_submissions_equal(const xr_submission *a, const xr_submission *b) {
    assert_memory_equal(a->attestation_root.bytes, b->attestation_root.bytes, 32);
    assert_int_equal(a->valset_id, b->valset_id);
    assert_int_equal(a->header.offset, b->header.offset);
    assert_int_equal(a->msg_count, b->msg_count);
    for (size_t i = 0; i < a->msg_count; i++) assert_msgs_equal(&a->msgs[i], &b->msgs[i]);
    assert_int_equal(a->proof_count, b->proof_count);
    for (size_t i = 0; i < a->proof_count; i++) {
        assert_memory_equal(a->proof[i].bytes, b->proof[i].bytes, 32);
    }
    assert_int_equal(a->proof_flag_count, b->proof_flag_count);
    for (size_t i = 0; i < a->proof_flag_count; i++) {
        assert_int_equal(a->proof_flags[i], b->proof_flags[i]);
    }
    assert_int_equal(a->sig_count, b->sig_count);
    for (size_t i = 0; i < a->sig_count; i++) {
        assert_memory_equal(&a->sigs[i], &b->sigs[i], sizeof a->sigs[i]);
    }
}

static void test_codec_submission_layout(void **state) {
    (void)state;
    rng_state = 4;
    static sub_case c;
    make_submission(&c, 2, 1, 2, 1);
    c.msgs[0].data_len = 0;
    c.msgs[0].data = NULL;
    c.msgs[1].data_len = 33;
    c.msgs[1].data = c.data[1];
    static uint8_t buf[8192];
    int n = xr_submission_encode(&c.s, buf, sizeof buf);
    /* head 1+12 words; msgs 1+2 words + (8 words) + (8+2 words); proof 2; flags 3;
    ** sigs 1+1 + 6 words */
    size_t want = 32 * (13 + 3 + 8 + 10 + 2 + 3 + 2 + 6);
    assert_int_equal(n, (int)want);
    assert_int_equal((size_t)n, xr_submission_encoded_len(&c.s));
    const uint8_t *t = buf + 32;
    assert_int_equal(word_u64(t + 8 * 32), 12 * 32);                  /* msgs */
    assert_int_equal(word_u64(t + 9 * 32), 12 * 32 + 32 * (3 + 8 + 10));    /* proof */
    assert_int_equal(word_u64(t + 10 * 32), 12 * 32 + 32 * (3 + 8 + 10 + 2)); /* flags */
    assert_int_equal(word_u64(t + 11 * 32), 12 * 32 + 32 * (3 + 8 + 10 + 2 + 3)); /* sigs */
    const uint8_t *msgs = t + 12 * 32;
    assert_int_equal(word_u64(msgs), 2);
    assert_int_equal(word_u64(msgs + 32), 64);           /* element 0 after the table */
    assert_int_equal(word_u64(msgs + 64), 64 + 8 * 32);  /* element 1 after element 0 */
    const uint8_t *sigs = t + word_u64(t + 11 * 32);
    assert_int_equal(word_u64(sigs), 1);
    assert_int_equal(word_u64(sigs + 32), 32);
    assert_int_equal(word_u64(sigs + 64 + 32), 64);      /* SigTuple's bytes offset */
    assert_int_equal(word_u64(sigs + 64 + 64), 65);

    xr_submission back;
    assert_int_equal(xr_submission_decode(buf, (size_t)n, &store, &back), 0);
    assert_submissions_equal(&c.s, &back);
}

static void test_codec_submission_roundtrip_random(void **state) {
    (void)state;
    rng_state = 5;
    static sub_case c;
    static uint8_t buf[16384], again[16384];
    for (int t = 0; t < 300; t++) {
        make_submission(&c, (size_t)(rnd() % 9), (size_t)(rnd() % 7), (size_t)(rnd() % 13),
                        (size_t)(rnd() % 6));
        int n = xr_submission_encode(&c.s, buf, sizeof buf);
        assert_true(n > 0);
        xr_submission back;
        assert_int_equal(xr_submission_decode(buf, (size_t)n, &store, &back), 0);
        assert_submissions_equal(&c.s, &back);
        assert_int_equal(xr_submission_encode(&back, again, sizeof again), n);
        assert_memory_equal(buf, again, (size_t)n);
        assert_int_equal(xr_submission_encode(&c.s, buf, (size_t)n - 1), XR_ERR_NOSPACE);
        /* every prefix of a small one is truncated or a bad offset, never success */
        if (t < 20) {
            for (int len = 0; len < n; len++) {
                int rc = xr_submission_decode(buf, (size_t)len, &store, &back);
                assert_int_equal(rc, XR_ERR_TRUNCATED);
            }
        }
    }
}

static void test_codec_submission_limits(void **state) {
    (void)state;
    rng_state = 6;
    static sub_case c;
    make_submission(&c, 1, 1, 1, 1);
    static uint8_t buf[8192];
    int n = xr_submission_encode(&c.s, buf, sizeof buf);
    assert_true(n > 0);
    xr_submission back;
    const uint8_t *t = buf + 32;
    size_t proof_at = 32 + word_u64(t + 9 * 32);
    size_t flags_at = 32 + word_u64(t + 10 * 32);
    size_t sigs_at = 32 + word_u64(t + 11 * 32);
    static uint8_t mut[8192];

    memcpy(mut, buf, (size_t)n);
    put_word_u64(mut + 32 + 12 * 32, XR_MAX_SUBMISSION_MSGS + 1);
    assert_int_equal(xr_submission_decode(mut, (size_t)n, &store, &back), XR_ERR_TOO_LARGE);
    memcpy(mut, buf, (size_t)n);
    put_word_u64(mut + proof_at, XR_MAX_PROOF_NODES + 1);
    assert_int_equal(xr_submission_decode(mut, (size_t)n, &store, &back), XR_ERR_TOO_LARGE);
    memcpy(mut, buf, (size_t)n);
    put_word_u64(mut + flags_at, XR_MAX_PROOF_FLAGS + 1);
    assert_int_equal(xr_submission_decode(mut, (size_t)n, &store, &back), XR_ERR_TOO_LARGE);
    memcpy(mut, buf, (size_t)n);
    put_word_u64(mut + sigs_at, XR_MAX_SIGS + 1);
    assert_int_equal(xr_submission_decode(mut, (size_t)n, &store, &back), XR_ERR_TOO_LARGE);
    /* flag value 2 */
    memcpy(mut, buf, (size_t)n);
    mut[flags_at + 32 + 31] = 2;
    assert_int_equal(xr_submission_decode(mut, (size_t)n, &store, &back), XR_ERR_BAD_VALUE);
    /* signature of 64 bytes inside a SigTuple */
    memcpy(mut, buf, (size_t)n);
    put_word_u64(mut + sigs_at + 64 + 64, 64);
    assert_int_equal(xr_submission_decode(mut, (size_t)n, &store, &back), XR_ERR_SIG_MALFORMED);
    /* the SigTuple's inner offset */
    memcpy(mut, buf, (size_t)n);
    put_word_u64(mut + sigs_at + 64 + 32, 0x60);
    assert_int_equal(xr_submission_decode(mut, (size_t)n, &store, &back), XR_ERR_BAD_OFFSET);
    /* the array offsets in the head */
    for (int w = 8; w <= 11; w++) {
        memcpy(mut, buf, (size_t)n);
        mut[32 + (size_t)w * 32 + 31] ^= 0x20;
        assert_int_equal(xr_submission_decode(mut, (size_t)n, &store, &back), XR_ERR_BAD_OFFSET);
    }
    /* encoder limits */
    c.s.msg_count = XR_MAX_SUBMISSION_MSGS + 1;
    assert_int_equal(xr_submission_encode(&c.s, buf, sizeof buf), XR_ERR_TOO_LARGE);
    c.s.msg_count = 1;
    c.s.sig_count = XR_MAX_SIGS + 1;
    assert_int_equal(xr_submission_encode(&c.s, buf, sizeof buf), XR_ERR_TOO_LARGE);
}

/* ---- the canonical-language property ------------------------------------------------------- */

typedef int (*decode_fn)(const uint8_t *in, size_t len, uint8_t *reencoded, size_t cap);

static int xmsg_rt(const uint8_t *in, size_t len, uint8_t *out, size_t cap) {
    xr_xmsg m;
    int rc = xr_xmsg_decode(in, len, &m);
    return rc != 0 ? rc : xr_xmsg_encode(&m, out, cap);
}

static int receipt_rt(const uint8_t *in, size_t len, uint8_t *out, size_t cap) {
    xr_xreceipt r;
    int rc = xr_xreceipt_decode(in, len, &r);
    return rc != 0 ? rc : xr_xreceipt_encode(&r, out, cap);
}

static int vote_rt(const uint8_t *in, size_t len, uint8_t *out, size_t cap) {
    xr_vote v;
    int rc = xr_vote_decode(in, len, &v);
    return rc != 0 ? rc : xr_vote_encode(&v, out, cap);
}

static int sub_rt(const uint8_t *in, size_t len, uint8_t *out, size_t cap) {
    xr_submission s;
    int rc = xr_submission_decode(in, len, &store, &s);
    return rc != 0 ? rc : xr_submission_encode(&s, out, cap);
}

/* Flip bits of every byte of enc; each mutant must fail or round-trip to itself. */
static void check_mutants(decode_fn fn, const uint8_t *enc, size_t n) {
    static uint8_t mut[16384], out[16384];
    assert_true(n <= sizeof mut);
    size_t accepted = 0;
    for (size_t i = 0; i < n; i++) {
        static const uint8_t masks[] = {0x01, 0x80, 0xff};
        for (size_t k = 0; k < sizeof masks; k++) {
            memcpy(mut, enc, n);
            mut[i] ^= masks[k];
            int rc = fn(mut, n, out, sizeof out);
            if (rc >= 0) {
                assert_int_equal(rc, (int)n);
                assert_memory_equal(out, mut, n);
                accepted++;
            } else {
                assert_true(rc < 0);
            }
        }
    }
    assert_true(accepted > 0);  /* value bytes can change freely */
}

static void test_codec_mutants_fail_or_roundtrip(void **state) {
    (void)state;
    rng_state = 7;
    uint8_t buf[16384];
    uint8_t data[70];
    xr_xmsg m;
    rnd_msg(&m, data, sizeof data);
    m.data = data;
    m.data_len = 37;
    int n = xr_xmsg_encode(&m, buf, sizeof buf);
    check_mutants(xmsg_rt, buf, (size_t)n);

    uint8_t err[10] = "revert: x";
    xr_xreceipt r = {.source_chain_id = 1, .shard_id = 4, .offset = 2, .gas_used = 3,
                     .success = true, .error = err, .error_len = 9};
    n = xr_xreceipt_encode(&r, buf, sizeof buf);
    check_mutants(receipt_rt, buf, (size_t)n);

    xr_vote v;
    memset(&v, 0, sizeof v);
    rnd_header(&v.header);
    n = xr_vote_encode(&v, buf, sizeof buf);
    check_mutants(vote_rt, buf, (size_t)n);

    static sub_case c;
    make_submission(&c, 3, 2, 4, 2);
    n = xr_submission_encode(&c.s, buf, sizeof buf);
    check_mutants(sub_rt, buf, (size_t)n);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codec_xmsg_layout),
        cmocka_unit_test(test_codec_xmsg_roundtrip_random),
        cmocka_unit_test(test_codec_xmsg_rejects),
        cmocka_unit_test(test_codec_xmsg_data_limit),
        cmocka_unit_test(test_codec_xheader_roundtrip_and_rejects),
        cmocka_unit_test(test_codec_xreceipt_roundtrip_and_rejects),
        cmocka_unit_test(test_codec_vote_roundtrip_and_rejects),
        cmocka_unit_test(test_codec_submission_layout),
        cmocka_unit_test(test_codec_submission_roundtrip_random),
        cmocka_unit_test(test_codec_submission_limits),
        cmocka_unit_test(test_codec_mutants_fail_or_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
