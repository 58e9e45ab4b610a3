/*
** The protocol core against the shared test vectors (tests/vectors/xchain.json,
** or $XRSIM_VECTORS): every entry of the sections keccak256, msgs, headers and
** xblocks.  Messages and headers must encode to the vector's abi_encoded bytes,
** decode back to the same fields and hash to the vector's leaf; each XBlock's
** leaves, message root and attestation root must match, its proof_for_dest
** must verify through xr_attest_verify, and our own multi-proof generation
** for that destination must reproduce msg_indices_in_order, proof and
** proof_flags exactly.  Each test prints how many entries it checked and
** fails if its section is missing or empty.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"
#include "xr_attest.h"
#include "xr_codec.h"
#include "xr_err.h"
#include "xr_keccak.h"
#include "xr_merkle.h"

#define MAX_MSGS 64

static json *doc;

static int load_vectors(void **state) {
    (void)state;
    doc = vectors_load();
    if (doc == NULL) {
        fprintf(stderr, "cannot load vectors from %s\n", vectors_path());
        return -1;
    }
    return 0;
}

static int free_vectors(void **state) {
    (void)state;
    json_free(doc);
    doc = NULL;
    return 0;
}

static const json *section(const char *name) {
    const json *s = json_get(doc, name);
    if (json_count(s) == 0) fail_msg("vector section %s missing or empty in %s", name, vectors_path());
    return s;
}

static uint64_t get_u64(const json *v, const char *path) {
    uint64_t x = 0;
    if (!json_u64(json_get(v, path), &x)) fail_msg("no integer at %s", path);
    return x;
}

static void get_hash(const json *v, const char *path, xr_hash *h) {
    if (!json_hex_exact(json_get(v, path), h->bytes, 32)) fail_msg("no bytes32 at %s", path);
}

/* msg JSON -> xr_xmsg, data decoded into buf (owned by the caller). */
static void msg_from_json(const json *j, xr_xmsg *m, uint8_t *buf, size_t cap) {
    memset(m, 0, sizeof *m);
    m->dest_chain_id = get_u64(j, "destChainId");
    m->shard_id = get_u64(j, "shardId");
    m->offset = get_u64(j, "offset");
    m->gas_limit = get_u64(j, "gasLimit");
    assert_true(json_hex_exact(json_get(j, "sender"), m->sender.bytes, 20));
    assert_true(json_hex_exact(json_get(j, "to"), m->to.bytes, 20));
    size_t n = 0;
    assert_true(json_hex(json_get(j, "data"), buf, cap, &n));
    m->data = n > 0 ? buf : NULL;
    m->data_len = n;
}

static void header_from_json(const json *j, xr_xheader *h) {
    memset(h, 0, sizeof *h);
    h->source_chain_id = get_u64(j, "sourceChainId");
    h->consensus_chain_id = get_u64(j, "consensusChainId");
    uint64_t level = get_u64(j, "confLevel");
    assert_true(level <= 255);
    h->conf_level = (uint8_t)level;
    h->offset = get_u64(j, "offset");
    h->source_block_height = get_u64(j, "sourceBlockHeight");
    get_hash(j, "sourceBlockHash", &h->source_block_hash);
}

static void assert_msgs_equal(const xr_xmsg *a, const xr_xmsg *b) {
    assert_int_equal(a->dest_chain_id, b->dest_chain_id);
    assert_int_equal(a->shard_id, b->shard_id);
    assert_int_equal(a->offset, b->offset);
    assert_memory_equal(a->sender.bytes, b->sender.bytes, 20);
    assert_memory_equal(a->to.bytes, b->to.bytes, 20);
    assert_int_equal(a->gas_limit, b->gas_limit);
    assert_int_equal(a->data_len, b->data_len);
    if (a->data_len > 0) assert_memory_equal(a->data, b->data, a->data_len);
}

static void test_vectors_keccak256(void **state) {
    (void)state;
    const json *s = section("keccak256");
    size_t checked = 0;
    for (size_t i = 0; i < json_count(s); i++) {
        const json *e = json_at(s, i);
        size_t n = 0;
        uint8_t *in = json_hex_dup(json_get(e, "input"), &n);
        assert_non_null(in);
        xr_hash want, got;
        get_hash(e, "hash", &want);
        xr_keccak256(in, n, got.bytes);
        assert_memory_equal(got.bytes, want.bytes, 32);
        /* and incrementally, in two pieces */
        xr_keccak ctx;
        xr_keccak_init(&ctx);
        xr_keccak_update(&ctx, in, n / 2);
        xr_keccak_update(&ctx, in + n / 2, n - n / 2);
        xr_keccak_final(&ctx, got.bytes);
        assert_memory_equal(got.bytes, want.bytes, 32);
        free(in);
        checked++;
    }
    printf("keccak256: %zu entries checked\n", checked);
    assert_true(checked > 0);
}

static void test_vectors_msgs(void **state) {
    (void)state;
    const json *s = section("msgs");
    size_t checked = 0;
    for (size_t i = 0; i < json_count(s); i++) {
        const json *e = json_at(s, i);
        uint8_t data[XR_MAX_DATA_BYTES];
        xr_xmsg m;
        msg_from_json(json_get(e, "msg"), &m, data, sizeof data);

        size_t want_len = 0;
        uint8_t *want = json_hex_dup(json_get(e, "abi_encoded"), &want_len);
        assert_non_null(want);
        assert_int_equal(xr_xmsg_encoded_len(&m), want_len);
        uint8_t *buf = malloc(want_len);
        assert_non_null(buf);
        assert_int_equal(xr_xmsg_encode(&m, buf, want_len), (int)want_len);
        assert_memory_equal(buf, want, want_len);
        assert_int_equal(xr_xmsg_encode(&m, buf, want_len - 1), XR_ERR_NOSPACE);

        xr_xmsg back;
        assert_int_equal(xr_xmsg_decode(want, want_len, &back), 0);
        assert_msgs_equal(&back, &m);

        xr_hash leaf, want_leaf;
        get_hash(e, "leaf", &want_leaf);
        xr_attest_msg_leaf(&m, &leaf);
        assert_memory_equal(leaf.bytes, want_leaf.bytes, 32);
        /* the leaf by its definition, from the encoded bytes */
        uint8_t *tagged = malloc(want_len + 1);
        assert_non_null(tagged);
        tagged[0] = XR_DST_XMSG;
        memcpy(tagged + 1, want, want_len);
        uint8_t inner[32];
        xr_keccak256(tagged, want_len + 1, inner);
        xr_keccak256(inner, 32, leaf.bytes);
        assert_memory_equal(leaf.bytes, want_leaf.bytes, 32);
        free(tagged);
        free(buf);
        free(want);
        checked++;
    }
    printf("msgs: %zu entries checked\n", checked);
    assert_true(checked > 0);
}

static void test_vectors_headers(void **state) {
    (void)state;
    const json *s = section("headers");
    size_t checked = 0;
    for (size_t i = 0; i < json_count(s); i++) {
        const json *e = json_at(s, i);
        xr_xheader h;
        header_from_json(json_get(e, "header"), &h);
        uint8_t want[XR_XHEADER_ENCODED_BYTES], buf[XR_XHEADER_ENCODED_BYTES];
        assert_true(json_hex_exact(json_get(e, "abi_encoded"), want, sizeof want));
        assert_int_equal(xr_xheader_encode(&h, buf, sizeof buf), (int)sizeof buf);
        assert_memory_equal(buf, want, sizeof want);

        xr_xheader back;
        assert_int_equal(xr_xheader_decode(want, sizeof want, &back), 0);
        assert_int_equal(back.source_chain_id, h.source_chain_id);
        assert_int_equal(back.consensus_chain_id, h.consensus_chain_id);
        assert_int_equal(back.conf_level, h.conf_level);
        assert_int_equal(back.offset, h.offset);
        assert_int_equal(back.source_block_height, h.source_block_height);
        assert_memory_equal(back.source_block_hash.bytes, h.source_block_hash.bytes, 32);

        xr_hash leaf, want_leaf;
        get_hash(e, "leaf", &want_leaf);
        xr_attest_header_leaf(&h, &leaf);
        assert_memory_equal(leaf.bytes, want_leaf.bytes, 32);
        checked++;
    }
    printf("headers: %zu entries checked\n", checked);
    assert_true(checked > 0);
}

typedef struct xblock_case {
    xr_xheader header;
    xr_xmsg msgs[MAX_MSGS];
    uint8_t data[MAX_MSGS][1024];
    size_t n;
} xblock_case;

static void load_xblock(const json *e, xblock_case *c) {
    header_from_json(json_get(e, "header"), &c->header);
    const json *msgs = json_get(e, "msgs");
    c->n = json_count(msgs);
    assert_true(c->n > 0 && c->n <= MAX_MSGS);
    for (size_t i = 0; i < c->n; i++) {
        msg_from_json(json_at(msgs, i), &c->msgs[i], c->data[i], sizeof c->data[i]);
    }
}

static void test_vectors_xblocks(void **state) {
    (void)state;
    const json *s = section("xblocks");
    size_t checked = 0, proofs = 0;
    static xblock_case c;
    for (size_t x = 0; x < json_count(s); x++) {
        const json *e = json_at(s, x);
        load_xblock(e, &c);
        const size_t n = c.n;

        xr_hash hl, want;
        xr_attest_header_leaf(&c.header, &hl);
        get_hash(e, "header_leaf", &want);
        assert_memory_equal(hl.bytes, want.bytes, 32);

        const json *leaves = json_get(e, "msg_leaves");
        assert_int_equal(json_count(leaves), n);
        xr_hash leaf_arr[MAX_MSGS];
        for (size_t i = 0; i < n; i++) {
            xr_attest_msg_leaf(&c.msgs[i], &leaf_arr[i]);
            assert_true(json_hex_exact(json_at(leaves, i), want.bytes, 32));
            assert_memory_equal(leaf_arr[i].bytes, want.bytes, 32);
        }

        xr_hash work[2 * MAX_MSGS], root;
        assert_int_equal(xr_attest_msg_root(c.msgs, n, work, 2 * MAX_MSGS, &root), 0);
        get_hash(e, "msg_root", &want);
        assert_memory_equal(root.bytes, want.bytes, 32);
        /* the generic merkle root over the leaves agrees */
        assert_int_equal(xr_merkle_root(leaf_arr, n, work, 2 * MAX_MSGS, &root), 0);
        assert_memory_equal(root.bytes, want.bytes, 32);

        xr_hash att;
        assert_int_equal(xr_attest_xblock_root(&c.header, c.msgs, n, work, 2 * MAX_MSGS, &att), 0);
        get_hash(e, "attestation_root", &want);
        assert_memory_equal(att.bytes, want.bytes, 32);
        xr_hash digest;
        xr_attest_sign_digest(&att, &digest);
        assert_memory_equal(digest.bytes, want.bytes, 32);

        /* proof_for_dest: verify the vector's proof */
        const json *pd = json_get(e, "proof_for_dest");
        assert_non_null(pd);
        uint64_t dest = get_u64(pd, "dest_chain_id");
        const json *order_j = json_get(pd, "msg_indices_in_order");
        const json *proof_j = json_get(pd, "proof");
        const json *flags_j = json_get(pd, "proof_flags");
        assert_true(json_is(proof_j, JSON_ARRAY) && json_is(flags_j, JSON_ARRAY));
        size_t k = json_count(order_j), np = json_count(proof_j), nf = json_count(flags_j);
        assert_true(k > 0 && k <= n);
        xr_xmsg sub[MAX_MSGS];
        size_t want_order[MAX_MSGS];
        xr_hash proof[MAX_MSGS];
        bool flags[2 * MAX_MSGS];
        assert_true(np <= MAX_MSGS && nf <= 2 * MAX_MSGS);
        for (size_t i = 0; i < k; i++) {
            uint64_t idx = 0;
            assert_true(json_u64(json_at(order_j, i), &idx));
            assert_true(idx < n);
            want_order[i] = (size_t)idx;
            sub[i] = c.msgs[idx];
            assert_int_equal(sub[i].dest_chain_id, dest);
        }
        for (size_t i = 0; i < np; i++) {
            assert_true(json_hex_exact(json_at(proof_j, i), proof[i].bytes, 32));
        }
        for (size_t i = 0; i < nf; i++) assert_true(json_bool(json_at(flags_j, i), &flags[i]));
        assert_int_equal(xr_attest_verify(&c.header, sub, k, proof, np, flags, nf, &att, work,
                                          2 * MAX_MSGS), 0);
        /* a different root is rejected */
        xr_hash other = att;
        other.bytes[0] ^= 1;
        assert_int_equal(xr_attest_verify(&c.header, sub, k, proof, np, flags, nf, &other, work,
                                          2 * MAX_MSGS), XR_ERR_ROOT_MISMATCH);

        /* our generation reproduces order, proof and flags exactly */
        xr_hash node_work[2 * MAX_MSGS];
        size_t index_work[2 * MAX_MSGS], order[MAX_MSGS], order_count = 0, gp = 0, gf = 0;
        xr_hash gproof[MAX_MSGS];
        bool gflags[2 * MAX_MSGS];
        assert_int_equal(xr_attest_dest_proof(c.msgs, n, dest, node_work, 2 * MAX_MSGS,
                                              index_work, 2 * MAX_MSGS, order, MAX_MSGS,
                                              &order_count, gproof, MAX_MSGS, &gp, gflags,
                                              2 * MAX_MSGS, &gf),
                         0);
        assert_int_equal(order_count, k);
        for (size_t i = 0; i < k; i++) assert_int_equal(order[i], want_order[i]);
        assert_int_equal(gp, np);
        for (size_t i = 0; i < np; i++) assert_memory_equal(gproof[i].bytes, proof[i].bytes, 32);
        assert_int_equal(gf, nf);
        for (size_t i = 0; i < nf; i++) assert_int_equal(gflags[i], flags[i]);
        proofs++;
        checked++;
    }
    printf("xblocks: %zu entries checked (%zu destination proofs verified and regenerated)\n",
           checked, proofs);
    assert_true(checked > 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors_keccak256),
        cmocka_unit_test(test_vectors_msgs),
        cmocka_unit_test(test_vectors_headers),
        cmocka_unit_test(test_vectors_xblocks),
    };
    return cmocka_run_group_tests(tests, load_vectors, free_vectors);
}
