/*
** Tests of protocol/xr_attest: leaves are domain-separated double hashes of the
** encodings; roots of empty and non-empty XBlocks; the destination proof
** selects that destination's messages plus broadcasts and verifies for every
** destination of random XBlocks (fixed seeds); the portal's check rejects a
** changed header, message, order, extra or missing message and a wrong root
** with the documented codes; and a whole submission survives encode ->
** decode -> verify.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xr_attest.h"
#include "xr_codec.h"
#include "xr_err.h"
#include "xr_keccak.h"
#include "xr_merkle.h"

#define MAXM 200

static uint64_t rng_state;

static uint64_t rnd(void) {
    uint64_t x = rng_state += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

typedef struct xblock {
    xr_xheader h;
    xr_xmsg msgs[MAXM];
    uint8_t data[MAXM][48];
    size_t n;
} xblock;

static void make_xblock(xblock *b, size_t n, uint64_t dest_count) {
    memset(b, 0, sizeof *b);
    b->h.source_chain_id = 100 + rnd() % 10;
    b->h.consensus_chain_id = 166;
    b->h.conf_level = (rnd() & 1) ? XR_CONF_LATEST : XR_CONF_FINALIZED;
    b->h.offset = 1 + rnd() % 1000;
    b->h.source_block_height = rnd() % 1000000;
    for (int i = 0; i < 32; i++) b->h.source_block_hash.bytes[i] = (uint8_t)rnd();
    b->n = n;
    for (size_t i = 0; i < n; i++) {
        xr_xmsg *m = &b->msgs[i];
        m->dest_chain_id = rnd() % (dest_count + 1);    /* 0 = broadcast */
        m->shard_id = m->dest_chain_id == 0 ? XR_SHARD_BROADCAST(XR_CONF_FINALIZED)
                                            : XR_SHARD(b->h.conf_level);
        m->offset = i + 1;
        for (int j = 0; j < 20; j++) {
            m->sender.bytes[j] = (uint8_t)rnd();
            m->to.bytes[j] = (uint8_t)rnd();
        }
        size_t len = (size_t)(rnd() % 49);
        for (size_t j = 0; j < len; j++) b->data[i][j] = (uint8_t)rnd();
        m->data = len ? b->data[i] : NULL;
        m->data_len = len;
        m->gas_limit = 50000 + rnd() % 100000;
    }
}

static xr_hash node_work[2 * MAXM], work[2 * MAXM], proof[2 * MAXM];
static size_t index_work[2 * MAXM], order[MAXM];
static bool flags[2 * MAXM];
static xr_xmsg sub[MAXM + 1];

static void test_attest_leaves_are_domain_separated(void **state) {
    (void)state;
    rng_state = 21;
    static xblock b;
    make_xblock(&b, 1, 3);
    uint8_t enc[512];
    int n = xr_xmsg_encode(&b.msgs[0], enc + 1, sizeof enc - 1);
    assert_true(n > 0);
    uint8_t inner[32];
    xr_hash want, got;
    enc[0] = XR_DST_XMSG;
    xr_keccak256(enc, (size_t)n + 1, inner);
    xr_keccak256(inner, 32, want.bytes);
    xr_attest_msg_leaf(&b.msgs[0], &got);
    assert_memory_equal(got.bytes, want.bytes, 32);
    enc[0] = XR_DST_XBLOCK_HEADER;  /* the same bytes under the other tag differ */
    xr_keccak256(enc, (size_t)n + 1, inner);
    xr_keccak256(inner, 32, want.bytes);
    assert_memory_not_equal(got.bytes, want.bytes, 32);

    n = xr_xheader_encode(&b.h, enc + 1, sizeof enc - 1);
    enc[0] = XR_DST_XBLOCK_HEADER;
    xr_keccak256(enc, (size_t)n + 1, inner);
    xr_keccak256(inner, 32, want.bytes);
    xr_attest_header_leaf(&b.h, &got);
    assert_memory_equal(got.bytes, want.bytes, 32);
}

static void test_attest_roots(void **state) {
    (void)state;
    rng_state = 22;
    static xblock b;
    make_xblock(&b, 7, 3);
    xr_hash hl, mr, root, att, leaves[7], want;
    xr_attest_header_leaf(&b.h, &hl);
    for (size_t i = 0; i < 7; i++) xr_attest_msg_leaf(&b.msgs[i], &leaves[i]);
    assert_int_equal(xr_merkle_root(leaves, 7, work, 2 * MAXM, &want), 0);
    assert_int_equal(xr_attest_msg_root(b.msgs, 7, node_work, 12, &mr), XR_ERR_NOSPACE);
    assert_int_equal(xr_attest_msg_root(b.msgs, 7, node_work, 13, &mr), 0);
    assert_memory_equal(mr.bytes, want.bytes, 32);
    xr_attest_root(&hl, &mr, &root);
    assert_int_equal(xr_attest_xblock_root(&b.h, b.msgs, 7, node_work, 2 * MAXM, &att), 0);
    assert_memory_equal(att.bytes, root.bytes, 32);
    xr_merkle_hash_pair(&mr, &hl, &want);   /* sorted pair: either order */
    assert_memory_equal(att.bytes, want.bytes, 32);

    /* empty XBlock: zero message root by convention */
    assert_int_equal(xr_attest_msg_root(b.msgs, 0, NULL, 0, &mr), 0);
    memset(want.bytes, 0, 32);
    assert_memory_equal(mr.bytes, want.bytes, 32);
    assert_int_equal(xr_attest_xblock_root(&b.h, NULL, 0, NULL, 0, &att), 0);
    xr_merkle_hash_pair(&hl, &want, &root);
    assert_memory_equal(att.bytes, root.bytes, 32);

    /* the header matters */
    xr_hash att2;
    b.h.offset++;
    assert_int_equal(xr_attest_xblock_root(&b.h, b.msgs, 7, node_work, 2 * MAXM, &att2), 0);
    assert_memory_not_equal(att.bytes, att2.bytes, 32);
}

/* Dest proof for dest; returns k and leaves sub[0..k) in submission order. */
static size_t dest_proof(const xblock *b, uint64_t dest, size_t *np, size_t *nf) {
    size_t k = 0;
    assert_int_equal(xr_attest_dest_proof(b->msgs, b->n, dest, node_work, 2 * MAXM, index_work,
                                          2 * MAXM, order, MAXM, &k, proof, 2 * MAXM, np, flags,
                                          2 * MAXM, nf),
                     0);
    for (size_t i = 0; i < k; i++) sub[i] = b->msgs[order[i]];
    return k;
}

static void test_attest_dest_proofs_random(void **state) {
    (void)state;
    rng_state = 23;
    static xblock b;
    static const size_t sizes[] = {1, 2, 3, 5, 8, 13, 21, 50, 100, 200};
    size_t verified = 0;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        for (int t = 0; t < 5; t++) {
            make_xblock(&b, sizes[s], 1 + rnd() % 5);
            xr_hash att;
            assert_int_equal(xr_attest_xblock_root(&b.h, b.msgs, b.n, work, 2 * MAXM, &att), 0);
            size_t covered = 0;
            for (uint64_t dest = 1; dest <= 6; dest++) {
                size_t np = 0, nf = 0;
                size_t k = dest_proof(&b, dest, &np, &nf);
                size_t want_k = 0, bcast = 0;
                for (size_t i = 0; i < b.n; i++) {
                    want_k += xr_attest_msg_for_dest(&b.msgs[i], dest);
                    bcast += b.msgs[i].dest_chain_id == XR_BROADCAST_CHAIN_ID;
                }
                assert_int_equal(k, want_k);
                for (size_t i = 1; i < k; i++) assert_true(order[i - 1] < order[i]);
                covered += k - bcast;
                if (k == 0) {
                    assert_int_equal(np, 0);
                    assert_int_equal(nf, 0);
                    continue;
                }
                assert_int_equal(xr_attest_verify(&b.h, sub, k, proof, np, flags, nf, &att, work,
                                                  2 * MAXM), 0);
                verified++;
            }
            size_t bcast = 0;
            for (size_t i = 0; i < b.n; i++) bcast += b.msgs[i].dest_chain_id == 0;
            assert_int_equal(covered, b.n - bcast);
        }
    }
    printf("destination proofs verified: %zu\n", verified);
    assert_true(verified > 100);
}
/* Stream proofs (xr_attest_stream_proof): an XBlock with both shards to
** several destinations; each (destination, shard, after_offset) selects
** exactly the messages of that stream above the offset, in block order,
** and the proof verifies against the whole XBlock's root. */
static void test_attest_stream_proofs_random(void **state) {
    (void)state;
    rng_state = 41;
    static xblock b;
    size_t verified = 0;
    for (int t = 0; t < 40; t++) {
        make_xblock(&b, 1 + rnd() % 120, 1 + rnd() % 4);
        /* both shards; per (dest, shard) offsets 1, 2, ... in block order */
        uint64_t next[8][2] = {{0}};
        for (size_t i = 0; i < b.n; i++) {
            xr_xmsg *m = &b.msgs[i];
            if (m->dest_chain_id == 0) continue;
            int fin = (int)(rnd() & 1);
            m->shard_id = XR_SHARD(fin ? XR_CONF_FINALIZED : XR_CONF_LATEST);
            m->offset = ++next[m->dest_chain_id][fin];
        }
        xr_hash att;
        assert_int_equal(xr_attest_xblock_root(&b.h, b.msgs, b.n, work, 2 * MAXM, &att), 0);
        for (uint64_t dest = 1; dest <= 5; dest++) {
            for (int fin = 0; fin < 2; fin++) {
                uint64_t shard = XR_SHARD(fin ? XR_CONF_FINALIZED : XR_CONF_LATEST);
                uint64_t after = next[dest][fin] ? rnd() % (next[dest][fin] + 1) : 0;
                size_t k = 0, np = 0, nf = 0;
                assert_int_equal(xr_attest_stream_proof(b.msgs, b.n, dest, shard, after, node_work,
                                                        2 * MAXM, index_work, 2 * MAXM, order, MAXM,
                                                        &k, proof, 2 * MAXM, &np, flags, 2 * MAXM,
                                                        &nf),
                                 0);
                size_t want = 0;
                for (size_t i = 0; i < b.n; i++) {
                    const xr_xmsg *m = &b.msgs[i];
                    if (m->dest_chain_id == dest && m->shard_id == shard && m->offset > after) {
                        assert_true(want < k);
                        assert_int_equal(order[want], i);
                        want++;
                    }
                }
                assert_int_equal(k, want);
                if (k == 0) continue;
                for (size_t i = 0; i < k; i++) sub[i] = b.msgs[order[i]];
                assert_int_equal(xr_attest_verify(&b.h, sub, k, proof, np, flags, nf, &att, work,
                                                  2 * MAXM), 0);
                verified++;
            }
        }
    }
    printf("stream proofs verified: %zu\n", verified);
    assert_true(verified > 100);
}


static void test_attest_verify_rejects(void **state) {
    (void)state;
    rng_state = 24;
    static xblock b;
    make_xblock(&b, 40, 2);
    xr_hash att;
    assert_int_equal(xr_attest_xblock_root(&b.h, b.msgs, b.n, work, 2 * MAXM, &att), 0);
    size_t np = 0, nf = 0;
    size_t k = dest_proof(&b, 1, &np, &nf);
    assert_true(k >= 3 && np >= 1);
    assert_int_equal(xr_attest_verify(&b.h, sub, k, proof, np, flags, nf, &att, work, k), 0);
    assert_int_equal(xr_attest_verify(&b.h, sub, k, proof, np, flags, nf, &att, work, k - 1),
                     XR_ERR_NOSPACE);

    /* no messages */
    assert_int_equal(xr_attest_verify(&b.h, sub, 0, proof, np, flags, nf, &att, work, 2 * MAXM),
                     XR_ERR_PROOF_MALFORMED);
    /* wrong claimed root */
    xr_hash bad = att;
    bad.bytes[5] ^= 4;
    assert_int_equal(xr_attest_verify(&b.h, sub, k, proof, np, flags, nf, &bad, work, 2 * MAXM),
                     XR_ERR_ROOT_MISMATCH);
    /* another header */
    xr_xheader h2 = b.h;
    h2.conf_level = h2.conf_level == XR_CONF_LATEST ? XR_CONF_FINALIZED : XR_CONF_LATEST;
    assert_int_equal(xr_attest_verify(&h2, sub, k, proof, np, flags, nf, &att, work, 2 * MAXM),
                     XR_ERR_ROOT_MISMATCH);
    /* a changed message: gas limit, then offset */
    sub[1].gas_limit++;
    assert_int_equal(xr_attest_verify(&b.h, sub, k, proof, np, flags, nf, &att, work, 2 * MAXM),
                     XR_ERR_ROOT_MISMATCH);
    sub[1].gas_limit--;
    sub[k - 1].offset += 1000;
    assert_int_equal(xr_attest_verify(&b.h, sub, k, proof, np, flags, nf, &att, work, 2 * MAXM),
                     XR_ERR_ROOT_MISMATCH);
    sub[k - 1].offset -= 1000;
    /* messages in another order */
    xr_xmsg t = sub[0];
    sub[0] = sub[k - 1];
    sub[k - 1] = t;
    assert_int_not_equal(xr_attest_verify(&b.h, sub, k, proof, np, flags, nf, &att, work,
                                          2 * MAXM), 0);
    sub[k - 1] = sub[0];
    sub[0] = t;
    /* a message dropped, or one added */
    assert_int_equal(xr_attest_verify(&b.h, sub, k - 1, proof, np, flags, nf, &att, work,
                                      2 * MAXM), XR_ERR_PROOF_MALFORMED);
    sub[k] = b.msgs[0];
    assert_int_equal(xr_attest_verify(&b.h, sub, k + 1, proof, np, flags, nf, &att, work,
                                      2 * MAXM), XR_ERR_PROOF_MALFORMED);
    /* proof node changed */
    proof[0].bytes[0] ^= 0x80;
    assert_int_equal(xr_attest_verify(&b.h, sub, k, proof, np, flags, nf, &att, work, 2 * MAXM),
                     XR_ERR_ROOT_MISMATCH);
    proof[0].bytes[0] ^= 0x80;
    assert_int_equal(xr_attest_verify(&b.h, sub, k, proof, np, flags, nf, &att, work, 2 * MAXM), 0);
}

static void test_attest_no_messages_for_dest(void **state) {
    (void)state;
    rng_state = 25;
    static xblock b;
    make_xblock(&b, 10, 2);
    for (size_t i = 0; i < b.n; i++) b.msgs[i].dest_chain_id = 7;
    size_t np = 9, nf = 9;
    assert_int_equal(dest_proof(&b, 8, &np, &nf), 0);
    assert_int_equal(np, 0);
    assert_int_equal(nf, 0);
    assert_int_equal(dest_proof(&b, 7, &np, &nf), 10);
    assert_int_equal(np, 0);    /* every leaf: nothing to prove from outside */
    assert_int_equal(nf, 9);
    size_t k = 0;
    assert_int_equal(xr_attest_dest_proof(b.msgs, 0, 7, node_work, 2 * MAXM, index_work, 2 * MAXM,
                                          order, MAXM, &k, proof, 2 * MAXM, &np, flags, 2 * MAXM,
                                          &nf), XR_ERR_INVALID_ARG);
    assert_int_equal(xr_attest_dest_proof(b.msgs, 10, 7, node_work, 18, index_work, 2 * MAXM,
                                          order, MAXM, &k, proof, 2 * MAXM, &np, flags, 2 * MAXM,
                                          &nf), XR_ERR_NOSPACE);
    assert_int_equal(xr_attest_dest_proof(b.msgs, 10, 7, node_work, 2 * MAXM, index_work, 2 * MAXM,
                                          order, 9, &k, proof, 2 * MAXM, &np, flags, 2 * MAXM,
                                          &nf), XR_ERR_NOSPACE);
}

static void test_attest_submission_roundtrip_verifies(void **state) {
    (void)state;
    rng_state = 26;
    static xblock b;
    make_xblock(&b, 30, 3);
    xr_hash att;
    assert_int_equal(xr_attest_xblock_root(&b.h, b.msgs, b.n, work, 2 * MAXM, &att), 0);
    size_t np = 0, nf = 0;
    size_t k = dest_proof(&b, 2, &np, &nf);
    assert_true(k > 0);
    xr_sig_tuple sigs[3];
    memset(sigs, 0, sizeof sigs);
    for (int i = 0; i < 3; i++) {
        sigs[i].validator.bytes[19] = (uint8_t)(i + 1);
        memset(sigs[i].sig.bytes, 0x40 + i, 65);
    }
    xr_submission s = {.attestation_root = att, .valset_id = 3, .header = b.h, .msgs = sub,
                       .msg_count = k, .proof = proof, .proof_count = np, .proof_flags = flags,
                       .proof_flag_count = nf, .sigs = sigs, .sig_count = 3};
    static uint8_t buf[65536];
    int n = xr_submission_encode(&s, buf, sizeof buf);
    assert_true(n > 0);
    static xr_submission_store store;
    xr_submission d;
    assert_int_equal(xr_submission_decode(buf, (size_t)n, &store, &d), 0);
    assert_int_equal(xr_attest_verify(&d.header, d.msgs, d.msg_count, d.proof, d.proof_count,
                                      d.proof_flags, d.proof_flag_count, &d.attestation_root,
                                      work, 2 * MAXM), 0);
    /* flipping a flag word on the wire breaks the proof */
    const uint8_t *t = buf + 32;
    uint64_t flags_off = 0;
    for (int i = 24; i < 32; i++) flags_off = flags_off << 8 | t[10 * 32 + i];
    buf[32 + flags_off + 32 + 31] ^= 1;
    assert_int_equal(xr_submission_decode(buf, (size_t)n, &store, &d), 0);
    assert_int_not_equal(xr_attest_verify(&d.header, d.msgs, d.msg_count, d.proof, d.proof_count,
                                          d.proof_flags, d.proof_flag_count, &d.attestation_root,
                                          work, 2 * MAXM), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attest_leaves_are_domain_separated),
        cmocka_unit_test(test_attest_roots),
        cmocka_unit_test(test_attest_dest_proofs_random),
        cmocka_unit_test(test_attest_stream_proofs_random),
        cmocka_unit_test(test_attest_verify_rejects),
        cmocka_unit_test(test_attest_no_messages_for_dest),
        cmocka_unit_test(test_attest_submission_roundtrip_verifies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
