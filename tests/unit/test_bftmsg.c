/*
** Tests of the consensus wire format (protocol/xr_bftmsg): round trips of
** every message kind and of blocks, canonical re-encoding, and every
** decoder error path with the exact error code; the *_with forms route
** every Keccak call through an injected service and give the same results.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "xr_attest.h"
#include "xr_bftmsg.h"
#include "xr_err.h"
#include "xr_keccak.h"

static const xr_bftmsg_limits LIM = {4096, 8, 8, 256};

static void core_fill(xr_bft_core *c, uint8_t type) {
    memset(c, 0, sizeof *c);
    c->type = type;
    c->chain_id = 0x0102030405060708u;
    c->height = 42;
    c->round = 3;
    c->pol_round = type == XR_BFT_PROPOSAL ? 1 : XR_BFT_NO_ROUND;
    for (int i = 0; i < 32; i++) c->block_id[i] = (uint8_t)(i + 1);
    for (int i = 0; i < 20; i++) c->validator[i] = (uint8_t)(0xa0 + i);
    for (int i = 0; i < 65; i++) c->sig[i] = (uint8_t)(i * 3);
}

static void vote_fill(xr_att_vote *v, uint64_t chain, uint8_t level, uint64_t offset, uint8_t who) {
    memset(v, 0, sizeof *v);
    memset(v->validator, who, 20);
    v->header.source_chain_id = chain;
    v->header.consensus_chain_id = 7;
    v->header.conf_level = level;
    v->header.offset = offset;
    v->header.source_block_height = 99;
    memset(v->header.source_block_hash.bytes, 0x33, 32);
    memset(v->msg_root.bytes, 0x44, 32);
    memset(v->sig, 0x55, 65);
    xr_att_vote_compute_root(v);
}

/* A block with `n` sorted votes and a 5-byte payload into out. */
static int make_block(uint8_t *out, size_t cap, uint32_t n) {
    uint8_t votes[8 * XR_BFT_BLOCK_VOTE_BYTES];
    for (uint32_t i = 0; i < n; i++) {
        xr_att_vote v;
        vote_fill(&v, 10 + i / 2, XR_CONF_LATEST, 1, (uint8_t)(1 + i % 2));
        xr_att_vote_encode_block(&v, votes + i * XR_BFT_BLOCK_VOTE_BYTES);
    }
    xr_bft_block b;
    memset(&b, 0, sizeof b);
    b.chain_id = 7;
    b.height = 5;
    b.valset_id = 2;
    memset(b.prev_block_id, 0x11, 32);
    memset(b.proposer, 0x22, 20);
    b.vote_count = n;
    b.votes = votes;
    b.payload_len = 5;
    b.payload = (const uint8_t *)"hello";
    return xr_bft_block_encode(&b, out, cap);
}

static void test_bftmsg_vote_roundtrip(void **state) {
    (void)state;
    uint8_t buf[512], again[512];
    for (uint8_t type = XR_BFT_PREVOTE; type <= XR_BFT_PRECOMMIT; type++) {
        xr_bft_core c;
        core_fill(&c, type);
        int n = xr_bftmsg_encode(&c, NULL, 0, NULL, 0, buf, sizeof buf);
        assert_int_equal(n, (int)(XR_BFT_VOTE_CORE_BYTES + (type == XR_BFT_PRECOMMIT ? 2 : 0)));
        xr_bftmsg m;
        assert_int_equal(xr_bftmsg_decode(buf, (size_t)n, &LIM, &m), 0);
        assert_int_equal(m.core.type, type);
        assert_int_equal(m.core.chain_id, c.chain_id);
        assert_int_equal(m.core.height, 42);
        assert_int_equal(m.core.round, 3);
        assert_memory_equal(m.core.block_id, c.block_id, 32);
        assert_memory_equal(m.core.validator, c.validator, 20);
        assert_memory_equal(m.core.sig, c.sig, 65);
        assert_int_equal(xr_bftmsg_encode(&m.core, NULL, 0, NULL, 0, again, sizeof again), n);
        assert_memory_equal(buf, again, (size_t)n);
        assert_true(xr_bft_core_same_slot(&c, &m.core));
    }
    /* the digest covers the signed prefix only */
    xr_bft_core a, b;
    core_fill(&a, XR_BFT_PREVOTE);
    b = a;
    memset(b.sig, 0, 65);
    uint8_t da[32], db[32];
    xr_bft_core_digest(&a, da);
    xr_bft_core_digest(&b, db);
    assert_memory_equal(da, db, 32);
    b.round++;
    xr_bft_core_digest(&b, db);
    assert_memory_not_equal(da, db, 32);
}

static void test_bftmsg_precommit_extension_roundtrip(void **state) {
    (void)state;
    xr_bft_core c;
    core_fill(&c, XR_BFT_PRECOMMIT);
    uint8_t ext[3 * XR_BFT_EXT_ENTRY_BYTES];
    xr_att_vote v[3];
    vote_fill(&v[0], 5, XR_CONF_LATEST, 9, 0xa0);
    vote_fill(&v[1], 5, XR_CONF_FINALIZED, 2, 0xa0);
    vote_fill(&v[2], 6, XR_CONF_LATEST, 1, 0xa0);
    for (int i = 0; i < 3; i++) {
        memcpy(v[i].validator, c.validator, 20);
        xr_att_vote_encode_entry(&v[i], ext + i * XR_BFT_EXT_ENTRY_BYTES);
    }
    uint8_t buf[1024];
    int n = xr_bftmsg_encode(&c, NULL, 0, ext, 3, buf, sizeof buf);
    assert_int_equal(n, (int)(XR_BFT_VOTE_CORE_BYTES + 2 + 3 * XR_BFT_EXT_ENTRY_BYTES));
    xr_bftmsg m;
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n, &LIM, &m), 0);
    assert_int_equal(m.ext_count, 3);
    for (uint32_t i = 0; i < 3; i++) {
        xr_att_vote got;
        xr_bftmsg_ext_get(&m, i, &got);
        assert_memory_equal(got.validator, c.validator, 20);
        assert_int_equal(got.header.source_chain_id, v[i].header.source_chain_id);
        assert_int_equal(got.header.conf_level, v[i].header.conf_level);
        assert_int_equal(got.header.offset, v[i].header.offset);
        assert_memory_equal(got.root.bytes, v[i].root.bytes, 32);
        assert_memory_equal(got.sig, v[i].sig, 65);
    }
    /* unsorted and duplicate entries */
    uint8_t swapped[3 * XR_BFT_EXT_ENTRY_BYTES];
    memcpy(swapped, ext + XR_BFT_EXT_ENTRY_BYTES, XR_BFT_EXT_ENTRY_BYTES);
    memcpy(swapped + XR_BFT_EXT_ENTRY_BYTES, ext, XR_BFT_EXT_ENTRY_BYTES);
    n = xr_bftmsg_encode(&c, NULL, 0, swapped, 2, buf, sizeof buf);
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n, &LIM, &m), XR_ERR_BFT_UNSORTED);
    memcpy(swapped + XR_BFT_EXT_ENTRY_BYTES, swapped, XR_BFT_EXT_ENTRY_BYTES);
    n = xr_bftmsg_encode(&c, NULL, 0, swapped, 2, buf, sizeof buf);
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n, &LIM, &m), XR_ERR_BFT_UNSORTED);
    /* a bad level and a zero offset inside an entry */
    uint8_t bad[XR_BFT_EXT_ENTRY_BYTES];
    memcpy(bad, ext, sizeof bad);
    bad[16] = 2;
    n = xr_bftmsg_encode(&c, NULL, 0, bad, 1, buf, sizeof buf);
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n, &LIM, &m), XR_ERR_BAD_VALUE);
    memcpy(bad, ext, sizeof bad);
    memset(bad + 17, 0, 8);
    n = xr_bftmsg_encode(&c, NULL, 0, bad, 1, buf, sizeof buf);
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n, &LIM, &m), XR_ERR_BAD_VALUE);
    /* too many entries for the limit */
    xr_bftmsg_limits small = LIM;
    small.max_ext_votes = 2;
    n = xr_bftmsg_encode(&c, NULL, 0, ext, 3, buf, sizeof buf);
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n, &small, &m), XR_ERR_TOO_LARGE);
    /* a nil precommit with an extension */
    memset(c.block_id, 0, 32);
    n = xr_bftmsg_encode(&c, NULL, 0, ext, 1, buf, sizeof buf);
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n, &LIM, &m), XR_ERR_BFT_NIL_EXT);
    n = xr_bftmsg_encode(&c, NULL, 0, NULL, 0, buf, sizeof buf);
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n, &LIM, &m), 0);
}

static void test_bftmsg_proposal_roundtrip_and_block_id(void **state) {
    (void)state;
    uint8_t block[2048], buf[4096], again[4096];
    int bl = make_block(block, sizeof block, 4);
    assert_true(bl > 0);
    xr_bft_core c;
    core_fill(&c, XR_BFT_PROPOSAL);
    xr_bft_block_id(block, (size_t)bl, c.block_id);
    int n = xr_bftmsg_encode(&c, block, (size_t)bl, NULL, 0, buf, sizeof buf);
    assert_int_equal(n, (int)(XR_BFT_PROPOSAL_CORE_BYTES + 4 + (size_t)bl));
    xr_bftmsg m;
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n, &LIM, &m), 0);
    assert_int_equal(m.core.pol_round, 1);
    assert_int_equal(m.block_len, (size_t)bl);
    assert_memory_equal(m.block, block, (size_t)bl);
    assert_int_equal(xr_bftmsg_encode(&m.core, m.block, m.block_len, NULL, 0, again, sizeof again), n);
    assert_memory_equal(buf, again, (size_t)n);
    /* block bytes that do not hash to the id */
    buf[n - 1] ^= 1;
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n, &LIM, &m), XR_ERR_BFT_BLOCK_ID);
    buf[n - 1] ^= 1;
    /* block larger than the limit */
    xr_bftmsg_limits small = LIM;
    small.max_block_bytes = (uint32_t)bl - 1;
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n, &small, &m), XR_ERR_TOO_LARGE);
    /* POL round not below the round */
    c.pol_round = c.round;
    n = xr_bftmsg_encode(&c, block, (size_t)bl, NULL, 0, buf, sizeof buf);
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n, &LIM, &m), XR_ERR_BFT_POL_ROUND);
    c.pol_round = XR_BFT_NO_ROUND;
    n = xr_bftmsg_encode(&c, block, (size_t)bl, NULL, 0, buf, sizeof buf);
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n, &LIM, &m), 0);
    /* a proposal for the nil block */
    memset(c.block_id, 0, 32);
    n = xr_bftmsg_encode(&c, block, (size_t)bl, NULL, 0, buf, sizeof buf);
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n, &LIM, &m), XR_ERR_BFT_NIL_BLOCK);
}

static void test_bftmsg_header_errors(void **state) {
    (void)state;
    xr_bft_core c;
    core_fill(&c, XR_BFT_PREVOTE);
    uint8_t buf[512];
    int n = xr_bftmsg_encode(&c, NULL, 0, NULL, 0, buf, sizeof buf);
    xr_bftmsg m;
    assert_int_equal(xr_bftmsg_decode(buf, 0, &LIM, &m), XR_ERR_TRUNCATED);
    assert_int_equal(xr_bftmsg_decode(buf, 1, &LIM, &m), XR_ERR_TRUNCATED);
    /* every strict prefix is truncated */
    for (int k = 2; k < n; k++) assert_int_equal(xr_bftmsg_decode(buf, (size_t)k, &LIM, &m), XR_ERR_TRUNCATED);
    /* one more byte is trailing */
    buf[n] = 0;
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n + 1, &LIM, &m), XR_ERR_TRAILING);
    buf[0] = 2;
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n, &LIM, &m), XR_ERR_BFT_VERSION);
    buf[0] = 1;
    buf[1] = 0;
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n, &LIM, &m), XR_ERR_BAD_TYPE);
    buf[1] = 4;
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n, &LIM, &m), XR_ERR_BAD_TYPE);
    buf[1] = XR_BFT_PREVOTE;
    c.height = 0;
    n = xr_bftmsg_encode(&c, NULL, 0, NULL, 0, buf, sizeof buf);
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n, &LIM, &m), XR_ERR_BAD_VALUE);
    /* encoder refusals */
    c.height = 1;
    assert_int_equal(xr_bftmsg_encode(&c, NULL, 0, NULL, 0, buf, 10), XR_ERR_NOSPACE);
    c.type = 9;
    assert_int_equal(xr_bftmsg_encode(&c, NULL, 0, NULL, 0, buf, sizeof buf), XR_ERR_BAD_TYPE);
    assert_int_equal(xr_bft_core_len(9), 0);
    /* precommit without its count is truncated; proposal without its length too */
    core_fill(&c, XR_BFT_PRECOMMIT);
    n = xr_bftmsg_encode(&c, NULL, 0, NULL, 0, buf, sizeof buf);
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n - 1, &LIM, &m), XR_ERR_TRUNCATED);
    core_fill(&c, XR_BFT_PROPOSAL);
    n = xr_bft_core_encode(&c, buf, sizeof buf);
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n, &LIM, &m), XR_ERR_TRUNCATED);
    buf[n] = 0;
    buf[n + 1] = 0;
    buf[n + 2] = 0;
    buf[n + 3] = 9; /* claims 9 block bytes, has none */
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n + 4, &LIM, &m), XR_ERR_TRUNCATED);
}

static void test_bftmsg_block_roundtrip_and_errors(void **state) {
    (void)state;
    uint8_t block[2048], again[2048];
    int bl = make_block(block, sizeof block, 4);
    assert_int_equal(bl, (int)xr_bft_block_len(4, 5));
    xr_bft_block b;
    assert_int_equal(xr_bft_block_decode(block, (size_t)bl, &LIM, &b), 0);
    assert_int_equal(b.chain_id, 7);
    assert_int_equal(b.height, 5);
    assert_int_equal(b.valset_id, 2);
    assert_int_equal(b.vote_count, 4);
    assert_int_equal(b.payload_len, 5);
    assert_memory_equal(b.payload, "hello", 5);
    xr_att_vote v;
    xr_bft_block_vote_get(&b, 3, &v);
    assert_int_equal(v.header.source_chain_id, 11);
    assert_int_equal(v.validator[0], 2);
    assert_int_equal(xr_bft_block_encode(&b, again, sizeof again), bl);
    assert_memory_equal(block, again, (size_t)bl);
    /* errors */
    for (int k = 1; k < bl; k++) {
        int rc = xr_bft_block_decode(block, (size_t)k, &LIM, &b);
        assert_int_equal(rc, XR_ERR_TRUNCATED);
    }
    assert_int_equal(xr_bft_block_decode(block, 0, &LIM, &b), XR_ERR_TRUNCATED);
    again[bl] = 0;
    assert_int_equal(xr_bft_block_decode(again, (size_t)bl + 1, &LIM, &b), XR_ERR_TRAILING);
    again[0] = 3;
    assert_int_equal(xr_bft_block_decode(again, (size_t)bl, &LIM, &b), XR_ERR_BFT_VERSION);
    memcpy(again, block, (size_t)bl);
    memset(again + 9, 0, 8); /* height 0 */
    assert_int_equal(xr_bft_block_decode(again, (size_t)bl, &LIM, &b), XR_ERR_BAD_VALUE);
    xr_bftmsg_limits small = LIM;
    small.max_block_votes = 3;
    assert_int_equal(xr_bft_block_decode(block, (size_t)bl, &small, &b), XR_ERR_TOO_LARGE);
    small = LIM;
    small.max_payload_bytes = 4;
    assert_int_equal(xr_bft_block_decode(block, (size_t)bl, &small, &b), XR_ERR_TOO_LARGE);
    /* swap the first two votes: unsorted */
    memcpy(again, block, (size_t)bl);
    size_t v0 = XR_BFT_BLOCK_HEADER_BYTES;
    memcpy(again + v0, block + v0 + XR_BFT_BLOCK_VOTE_BYTES, XR_BFT_BLOCK_VOTE_BYTES);
    memcpy(again + v0 + XR_BFT_BLOCK_VOTE_BYTES, block + v0, XR_BFT_BLOCK_VOTE_BYTES);
    assert_int_equal(xr_bft_block_decode(again, (size_t)bl, &LIM, &b), XR_ERR_BFT_UNSORTED);
    /* a duplicate vote */
    memcpy(again, block, (size_t)bl);
    memcpy(again + v0 + XR_BFT_BLOCK_VOTE_BYTES, block + v0, XR_BFT_BLOCK_VOTE_BYTES);
    assert_int_equal(xr_bft_block_decode(again, (size_t)bl, &LIM, &b), XR_ERR_BFT_UNSORTED);
    /* a vote with a bad level */
    memcpy(again, block, (size_t)bl);
    again[v0 + 20 + 16] = 0;
    assert_int_equal(xr_bft_block_decode(again, (size_t)bl, &LIM, &b), XR_ERR_BAD_VALUE);
    assert_int_equal(make_block(again, 10, 1), XR_ERR_NOSPACE);
}

/* The unrooted getters give every field of the rooted ones, root zero;
** computing the root then makes them identical. */
static void test_bftmsg_unrooted_getters_match(void **state) {
    (void)state;
    uint8_t block[2048];
    int bl = make_block(block, sizeof block, 4);
    assert_true(bl > 0);
    xr_bft_block b;
    assert_int_equal(xr_bft_block_decode(block, (size_t)bl, &LIM, &b), 0);
    static const uint8_t zero[32];
    for (uint32_t i = 0; i < b.vote_count; i++) {
        xr_att_vote v, u;
        xr_bft_block_vote_get(&b, i, &v);
        xr_bft_block_vote_get_unrooted(&b, i, &u);
        assert_memory_equal(u.root.bytes, zero, 32);
        assert_memory_not_equal(v.root.bytes, zero, 32);
        xr_att_vote_compute_root(&u);
        assert_memory_equal(&u, &v, sizeof v);
    }
    xr_bft_core c;
    core_fill(&c, XR_BFT_PRECOMMIT);
    uint8_t ext[2 * XR_BFT_EXT_ENTRY_BYTES];
    xr_att_vote e[2];
    vote_fill(&e[0], 5, XR_CONF_LATEST, 3, 0xb0);
    vote_fill(&e[1], 5, XR_CONF_FINALIZED, 3, 0xb0);
    for (int i = 0; i < 2; i++) xr_att_vote_encode_entry(&e[i], ext + i * XR_BFT_EXT_ENTRY_BYTES);
    uint8_t buf[1024];
    int n = xr_bftmsg_encode(&c, NULL, 0, ext, 2, buf, sizeof buf);
    assert_true(n > 0);
    xr_bftmsg m;
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n, &LIM, &m), 0);
    for (uint32_t i = 0; i < 2; i++) {
        xr_att_vote v, u;
        xr_bftmsg_ext_get(&m, i, &v);
        xr_bftmsg_ext_get_unrooted(&m, i, &u);
        assert_memory_equal(u.root.bytes, zero, 32);
        assert_memory_equal(u.validator, c.validator, 20);
        xr_att_vote_compute_root(&u);
        assert_memory_equal(&u, &v, sizeof v);
        assert_memory_equal(v.root.bytes, e[i].root.bytes, 32);
    }
}

static void test_bftmsg_vote_order_and_nil(void **state) {
    (void)state;
    xr_att_vote a, b;
    vote_fill(&a, 1, XR_CONF_LATEST, 5, 1);
    vote_fill(&b, 1, XR_CONF_LATEST, 5, 2);
    assert_true(xr_att_vote_cmp(&a, &b) < 0);
    vote_fill(&b, 1, XR_CONF_FINALIZED, 1, 0);
    assert_true(xr_att_vote_cmp(&a, &b) < 0);
    vote_fill(&b, 0, XR_CONF_FINALIZED, 9, 9);
    assert_true(xr_att_vote_cmp(&a, &b) > 0);
    assert_int_equal(xr_att_vote_cmp(&a, &a), 0);
    uint8_t id[32] = {0};
    assert_true(xr_bft_id_is_nil(id));
    id[31] = 1;
    assert_false(xr_bft_id_is_nil(id));
    /* the root follows the header: another offset, another root */
    vote_fill(&b, 1, XR_CONF_LATEST, 6, 1);
    assert_memory_not_equal(a.root.bytes, b.root.bytes, 32);
}

/* A Keccak service that counts its calls and remembers the lengths. */
typedef struct count_svc {
    int calls;
    size_t lens[4];
} count_svc;

static void count_hash(void *ctx, const uint8_t *data, size_t len, uint8_t out[32]) {
    count_svc *c = ctx;
    if (c->calls < 4) c->lens[c->calls] = len;
    c->calls++;
    xr_keccak256(data, len, out);
}

static void test_bftmsg_keccak_service_same_results(void **state) {
    (void)state;
    count_svc cs = {0};
    xr_keccak_service svc = {count_hash, &cs};
    /* signed cores: one call over the signed prefix */
    for (uint8_t type = XR_BFT_PROPOSAL; type <= XR_BFT_PRECOMMIT; type++) {
        xr_bft_core c;
        core_fill(&c, type);
        uint8_t d1[32], d2[32], d3[32];
        xr_bft_core_digest(&c, d1);
        memset(&cs, 0, sizeof cs);
        xr_bft_core_digest_with(&svc, &c, d2);
        xr_bft_core_digest_with(NULL, &c, d3);
        assert_memory_equal(d1, d2, 32);
        assert_memory_equal(d1, d3, 32);
        assert_int_equal(cs.calls, 1);
        assert_int_equal(cs.lens[0], type == XR_BFT_PROPOSAL ? XR_BFT_PROPOSAL_SIGNED_BYTES
                                                             : XR_BFT_VOTE_SIGNED_BYTES);
    }
    /* attestation roots: tagged header (193 bytes), inner leaf, pair */
    xr_att_vote v, w;
    vote_fill(&v, 5, XR_CONF_FINALIZED, 3, 0xa1);
    w = v;
    memset(w.root.bytes, 0, 32);
    memset(&cs, 0, sizeof cs);
    xr_att_vote_compute_root_with(&svc, &w);
    assert_memory_equal(w.root.bytes, v.root.bytes, 32);
    assert_int_equal(cs.calls, 3);
    assert_int_equal(cs.lens[0], 193);
    assert_int_equal(cs.lens[1], 32);
    assert_int_equal(cs.lens[2], 64);
    memset(w.root.bytes, 0, 32);
    xr_att_vote_compute_root_with(NULL, &w);
    assert_memory_equal(w.root.bytes, v.root.bytes, 32);
    /* the pair hash is commutative: a message root below the header leaf */
    memset(w.msg_root.bytes, 0x00, 32);
    w.msg_root.bytes[31] = 1;
    xr_att_vote u = w;
    xr_att_vote_compute_root(&u);
    xr_att_vote_compute_root_with(&svc, &w);
    assert_memory_equal(w.root.bytes, u.root.bytes, 32);
    /* a proposal: one call over exactly the block bytes, same verdicts */
    uint8_t block[2048], buf[4096];
    int bl = make_block(block, sizeof block, 4);
    assert_true(bl > 0);
    xr_bft_core c;
    core_fill(&c, XR_BFT_PROPOSAL);
    xr_bft_block_id(block, (size_t)bl, c.block_id);
    uint8_t id[32];
    xr_bft_block_id_with(&svc, block, (size_t)bl, id);
    assert_memory_equal(id, c.block_id, 32);
    int n = xr_bftmsg_encode(&c, block, (size_t)bl, NULL, 0, buf, sizeof buf);
    assert_true(n > 0);
    xr_bftmsg m1, m2;
    memset(&cs, 0, sizeof cs);
    assert_int_equal(xr_bftmsg_decode_with(&svc, buf, (size_t)n, &LIM, &m2), 0);
    assert_int_equal(xr_bftmsg_decode(buf, (size_t)n, &LIM, &m1), 0);
    assert_memory_equal(&m1, &m2, sizeof m1);
    assert_int_equal(cs.calls, 1);
    assert_int_equal(cs.lens[0], (size_t)bl);
    buf[n - 1] ^= 1;
    assert_int_equal(xr_bftmsg_decode_with(&svc, buf, (size_t)n, &LIM, &m2), XR_ERR_BFT_BLOCK_ID);
    /* votes need no hashing to decode */
    core_fill(&c, XR_BFT_PREVOTE);
    n = xr_bftmsg_encode(&c, NULL, 0, NULL, 0, buf, sizeof buf);
    memset(&cs, 0, sizeof cs);
    assert_int_equal(xr_bftmsg_decode_with(&svc, buf, (size_t)n, &LIM, &m2), 0);
    assert_int_equal(cs.calls, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bftmsg_vote_roundtrip),
        cmocka_unit_test(test_bftmsg_precommit_extension_roundtrip),
        cmocka_unit_test(test_bftmsg_proposal_roundtrip_and_block_id),
        cmocka_unit_test(test_bftmsg_header_errors),
        cmocka_unit_test(test_bftmsg_block_roundtrip_and_errors),
        cmocka_unit_test(test_bftmsg_unrooted_getters_match),
        cmocka_unit_test(test_bftmsg_vote_order_and_nil),
        cmocka_unit_test(test_bftmsg_keccak_service_same_results),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
