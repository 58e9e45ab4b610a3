/*
** Tests of the portal's rules.  A fixture builds real XBlocks, their
** attestation roots and destination multi-proofs (xr_attest), signs them with
** the fast signature backend, and submits them to a portal of chain 100
** whose consensus chain is 166.  Covered: acceptance and in-order execution
** with receipts and gas; every rejection reason with the offending index and
** a byte-for-byte snapshot of the state before and after; replay and gap;
** early quorum; the validator-set cutoff; system calls adding sets; the exec
** callback; and the source side (offsets, fee formula, every xcall
** rejection, capacity).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/sig_fast.h"
#include "xr_attest.h"
#include "xr_codec.h"
#include "xr_portal.h"

#define CHAIN 100u
#define CCHAIN 166u
#define SRC 507u
#define OTHER 200u
#define NVAL 4
#define NKEYS 8
#define GAS 30000000u

typedef struct fixture {
    mdl_sig_fast *fast;
    xr_sig_backend be;
    const xr_sig_key *keys[NKEYS];
    xr_address addrs[NKEYS];
    xr_validator vals[NVAL]; /* keys 0..3, power 10 each */
    xr_portal_config cfg;
    xr_portal portal;
    void *mem;
} fixture;

static void fixture_open(fixture *fx, uint32_t in_stream_cap, uint32_t out_stream_cap) {
    memset(fx, 0, sizeof *fx);
    fx->fast = mdl_sig_fast_new(1234, NKEYS);
    assert_non_null(fx->fast);
    fx->be = mdl_sig_fast_backend(fx->fast);
    for (int i = 0; i < NKEYS; i++)
        assert_int_equal(mdl_sig_fast_add_key(fx->fast, &fx->keys[i], &fx->addrs[i]), 0);
    for (int i = 0; i < NVAL; i++) fx->vals[i] = (xr_validator){fx->addrs[i], 10};
    xr_portal_config_default(&fx->cfg, CHAIN, CCHAIN);
    fx->cfg.valset_member_cap = 16;
    fx->cfg.in_stream_cap = in_stream_cap;
    fx->cfg.out_stream_cap = out_stream_cap;
    fx->cfg.dest_cap = 4;
    size_t n = xr_portal_mem_size(&fx->cfg);
    fx->mem = aligned_alloc(8, (n + 7) / 8 * 8);
    assert_non_null(fx->mem);
    assert_int_equal(xr_portal_init(&fx->portal, &fx->cfg, &fx->be, fx->mem, n, 1, fx->vals, NVAL),
                     0);
}

static void fixture_close(fixture *fx) {
    free(fx->mem);
    mdl_sig_fast_free(fx->fast);
}

/* A byte-for-byte copy of the portal's state. */
typedef struct snap {
    xr_portal p;
    uint8_t *mem;
    size_t n;
} snap;

static void snap_take(const xr_portal *p, snap *s) {
    memcpy(&s->p, p, sizeof *p);
    s->n = p->state_bytes;
    s->mem = malloc(s->n);
    assert_non_null(s->mem);
    memcpy(s->mem, p->mem, s->n);
}

static void snap_check_and_free(const xr_portal *p, snap *s) {
    assert_memory_equal(&s->p, p, sizeof *p);
    assert_memory_equal(s->mem, p->mem, s->n);
    free(s->mem);
}

static xr_address addr_byte(uint8_t b) {
    xr_address a;
    memset(a.bytes, b, 20);
    return a;
}

static xr_xmsg mk_msg(uint64_t dest, uint64_t shard, uint64_t offset, const uint8_t *data,
                      size_t len, uint64_t gas_limit) {
    return (xr_xmsg){dest, shard, offset, addr_byte(0x11), addr_byte(0x22), data, len, gas_limit};
}

static xr_xheader mk_header(uint64_t src, uint8_t conf, uint64_t offset) {
    xr_xheader h;
    memset(&h, 0, sizeof h);
    h.source_chain_id = src;
    h.consensus_chain_id = CCHAIN;
    h.conf_level = conf;
    h.offset = offset;
    h.source_block_height = 1000 + offset;
    memset(h.source_block_hash.bytes, (int)(0x40 + offset), 32);
    return h;
}

typedef struct built {
    xr_xmsg msgs[32];
    xr_hash proof[64];
    bool flags[64];
    xr_sig_tuple sigs[NKEYS];
    xr_hash root;
    xr_submission sub;
} built;

/* Sign b->root with the keys in `mask` (bit i = key i), sorted by address. */
static void sign_with(fixture *fx, built *b, uint32_t mask) {
    int idx[NKEYS], n = 0;
    for (int i = 0; i < NKEYS; i++)
        if (mask & (1u << i)) idx[n++] = i;
    for (int i = 1; i < n; i++) /* insertion sort by address */
        for (int j = i; j > 0 && memcmp(fx->addrs[idx[j - 1]].bytes, fx->addrs[idx[j]].bytes, 20) > 0; j--) {
            int t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    xr_hash digest;
    xr_attest_sign_digest(&b->root, &digest);
    for (int i = 0; i < n; i++) {
        b->sigs[i].validator = fx->addrs[idx[i]];
        assert_int_equal(xr_sig_sign(&fx->be, fx->keys[idx[i]], digest.bytes, b->sigs[i].sig.bytes), 0);
    }
    b->sub.sigs = b->sigs;
    b->sub.sig_count = (size_t)n;
}

/* The submission to `dest` of the XBlock (h, all[0..n)), signed by `mask`. */
static void build(fixture *fx, const xr_xheader *h, const xr_xmsg *all, size_t n, uint64_t dest,
                  uint64_t valset_id, uint32_t mask, built *b) {
    xr_hash work[64], node_work[64];
    size_t index_work[64], order[32], oc, pc, fc;
    memset(b, 0, sizeof *b);
    assert_int_equal(xr_attest_xblock_root(h, all, n, work, 64, &b->root), 0);
    assert_int_equal(xr_attest_dest_proof(all, n, dest, node_work, 64, index_work, 64, order, 32,
                                          &oc, b->proof, 64, &pc, b->flags, 64, &fc),
                     0);
    for (size_t i = 0; i < oc; i++) b->msgs[i] = all[order[i]];
    b->sub.attestation_root = b->root;
    b->sub.valset_id = valset_id;
    b->sub.header = *h;
    b->sub.msgs = b->msgs;
    b->sub.msg_count = oc;
    b->sub.proof = b->proof;
    b->sub.proof_count = pc;
    b->sub.proof_flags = b->flags;
    b->sub.proof_flag_count = fc;
    sign_with(fx, b, mask);
}

typedef struct run {
    xr_portal_submit_args args;
    xr_xreceipt receipts[32];
    uint64_t shares[32];
    xr_portal_outcome out;
} run;

static void run_init(run *r, const built *b) {
    memset(r, 0, sizeof *r);
    r->args.sub = &b->sub;
    r->args.relayer = addr_byte(0x77);
    r->args.gas_supplied = GAS;
    r->out.receipts = r->receipts;
    r->out.receipt_cap = 32;
    r->out.msg_gas = r->shares;
}

static int submit(fixture *fx, run *r) { return xr_portal_submit(&fx->portal, &r->args, &r->out); }

/* The standard XBlock: three messages to CHAIN (offsets 1..3, Finalized
** shard) around one to OTHER. */
static const uint8_t data_a[] = {1, 2, 3, 0, 0, 0, 7};
static const uint8_t data_b[40] = {9};
static size_t std_block(xr_xheader *h, xr_xmsg *m, uint64_t first_offset, uint64_t block_offset) {
    *h = mk_header(SRC, XR_CONF_FINALIZED, block_offset);
    m[0] = mk_msg(CHAIN, XR_SHARD(XR_CONF_FINALIZED), first_offset, data_a, sizeof data_a, 100000);
    m[1] = mk_msg(OTHER, XR_SHARD(XR_CONF_FINALIZED), 1, NULL, 0, 50000);
    m[2] = mk_msg(CHAIN, XR_SHARD(XR_CONF_FINALIZED), first_offset + 1, data_b, sizeof data_b, 60000);
    m[3] = mk_msg(CHAIN, XR_SHARD(XR_CONF_FINALIZED), first_offset + 2, NULL, 0, 70000);
    return 4;
}

static void test_portal_accepts_and_executes_in_order(void **state) {
    (void)state;
    fixture fx;
    fixture_open(&fx, 8, 8);
    xr_xheader h;
    xr_xmsg all[4];
    size_t n = std_block(&h, all, 1, 5);
    built b;
    build(&fx, &h, all, n, CHAIN, 1, 0x7, &b); /* keys 0, 1, 2: 30 of 40 */
    assert_int_equal(b.sub.msg_count, 3);
    run r;
    run_init(&r, &b);
    assert_int_equal(submit(&fx, &r), 0);
    assert_int_equal(r.out.receipt_count, 3);
    assert_int_equal(r.out.bad_index, -1);
    assert_int_equal(r.out.sigs_checked, 3);
    assert_int_equal(r.out.voted_power, 30);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(r.receipts[i].source_chain_id, SRC);
        assert_int_equal(r.receipts[i].shard_id, XR_CONF_FINALIZED);
        assert_int_equal(r.receipts[i].offset, i + 1);
        assert_int_equal(r.receipts[i].gas_used, b.msgs[i].gas_limit); /* default model */
        assert_true(r.receipts[i].success);
        assert_memory_equal(r.receipts[i].relayer.bytes, r.args.relayer.bytes, 20);
    }
    assert_int_equal(xr_portal_in_offset(&fx.portal, SRC, XR_CONF_FINALIZED), 3);
    assert_int_equal(xr_portal_in_block_offset(&fx.portal, SRC, XR_CONF_FINALIZED), 5);
    /* Gas: execution includes the messages' own gas; shares add up to the total. */
    assert_true(r.out.exec_gas > 100000 + 60000 + 70000);
    /* No calldata given; the refund (each _xmsg slot set and cleared:
    ** 19900, the guard restored: 2800) is below its EIP-3529 cap of 1/5. */
    assert_true(3 * 19900 + 2800 < (21000 + r.out.exec_gas) / 5);
    assert_int_equal(r.out.gas_used, 21000 + r.out.exec_gas - (3 * 19900 + 2800));
    uint64_t sum = 0;
    for (size_t i = 0; i < 3; i++) sum += r.shares[i];
    assert_int_equal(sum, r.out.gas_used);
    assert_true(r.shares[0] > r.shares[1]); /* 100000 vs 60000 gas limit */

    /* Replay: the same submission again is a gap (offset 1 != 3 + 1). */
    snap s;
    snap_take(&fx.portal, &s);
    assert_int_equal(submit(&fx, &r), XR_ERR_OFFSET_GAP);
    assert_int_equal(r.out.bad_index, 0);
    assert_int_equal(r.out.receipt_count, 0);
    snap_check_and_free(&fx.portal, &s);
    fixture_close(&fx);
}

static void test_portal_gap_and_later_block_in_order(void **state) {
    (void)state;
    fixture fx;
    fixture_open(&fx, 8, 8);
    xr_xheader h1, h2;
    xr_xmsg m1[4], m2[4];
    std_block(&h1, m1, 1, 1);
    std_block(&h2, m2, 4, 2);
    built b1, b2;
    build(&fx, &h1, m1, 4, CHAIN, 1, 0xf, &b1);
    build(&fx, &h2, m2, 4, CHAIN, 1, 0xf, &b2);
    run r;
    run_init(&r, &b2);
    snap s;
    snap_take(&fx.portal, &s);
    assert_int_equal(submit(&fx, &r), XR_ERR_OFFSET_GAP); /* 4 before 1..3 */
    assert_int_equal(r.out.bad_index, 0);
    snap_check_and_free(&fx.portal, &s);
    run_init(&r, &b1);
    assert_int_equal(submit(&fx, &r), 0);
    run_init(&r, &b2);
    assert_int_equal(submit(&fx, &r), 0);
    assert_int_equal(xr_portal_in_offset(&fx.portal, SRC, XR_CONF_FINALIZED), 6);
    assert_int_equal(xr_portal_in_block_offset(&fx.portal, SRC, XR_CONF_FINALIZED), 2);
    /* A gap inside one submission: offsets 7, 9. */
    xr_xheader h3 = mk_header(SRC, XR_CONF_FINALIZED, 3);
    xr_xmsg m3[2] = {mk_msg(CHAIN, 4, 7, NULL, 0, 30000), mk_msg(CHAIN, 4, 9, NULL, 0, 30000)};
    built b3;
    build(&fx, &h3, m3, 2, CHAIN, 1, 0xf, &b3);
    run_init(&r, &b3);
    snap_take(&fx.portal, &s);
    assert_int_equal(submit(&fx, &r), XR_ERR_OFFSET_GAP);
    assert_int_equal(r.out.bad_index, 1);
    snap_check_and_free(&fx.portal, &s);
    fixture_close(&fx);
}

/* Apply one mutation to a fresh valid submission and expect (rc, index)
** with the state unchanged. */
typedef void (*mutate_fn)(fixture *fx, built *b, run *r);

static void expect_reject(mutate_fn mutate, int want_rc, int32_t want_index) {
    fixture fx;
    fixture_open(&fx, 8, 8);
    xr_xheader h;
    xr_xmsg all[4];
    size_t n = std_block(&h, all, 1, 5);
    built b;
    build(&fx, &h, all, n, CHAIN, 1, 0xf, &b);
    run r;
    run_init(&r, &b);
    mutate(&fx, &b, &r);
    snap s;
    snap_take(&fx.portal, &s);
    int rc = submit(&fx, &r);
    if (rc != want_rc) fail_msg("got %s, want %s", xr_err_name(rc), xr_err_name(want_rc));
    assert_int_equal(r.out.bad_index, want_index);
    assert_int_equal(r.out.receipt_count, 0);
    snap_check_and_free(&fx.portal, &s);
    /* The unmutated submission still goes through afterwards: nothing was
    ** consumed by the rejection. */
    built ok;
    build(&fx, &h, all, n, CHAIN, 1, 0xf, &ok);
    run_init(&r, &ok);
    assert_int_equal(submit(&fx, &r), 0);
    fixture_close(&fx);
}

static void m_wrong_cchain(fixture *fx, built *b, run *r) { (void)fx; (void)r; b->sub.header.consensus_chain_id = 1; }
static void m_no_msgs(fixture *fx, built *b, run *r) { (void)fx; (void)r; b->sub.msg_count = 0; }
static void m_unknown_valset(fixture *fx, built *b, run *r) { (void)fx; (void)r; b->sub.valset_id = 2; }
static void m_valset_zero(fixture *fx, built *b, run *r) { (void)fx; (void)r; b->sub.valset_id = 0; }
static void m_swap_sigs(fixture *fx, built *b, run *r) {
    (void)fx; (void)r;
    xr_sig_tuple t = b->sigs[1];
    b->sigs[1] = b->sigs[2];
    b->sigs[2] = t;
}
static void m_dup_sig(fixture *fx, built *b, run *r) { (void)fx; (void)r; b->sigs[1] = b->sigs[0]; }
static void m_flip_sig(fixture *fx, built *b, run *r) { (void)fx; (void)r; b->sigs[2].sig.bytes[5] ^= 1; }
static void m_bad_v(fixture *fx, built *b, run *r) { (void)fx; (void)r; b->sigs[0].sig.bytes[64] = 0; }
static void m_claim_other(fixture *fx, built *b, run *r) {
    (void)fx; (void)r;
    b->sigs[1].sig = b->sigs[0].sig; /* sigs[0]'s signature claimed by sigs[1] */
}
static void m_non_member(fixture *fx, built *b, run *r) {
    (void)r;
    sign_with(fx, b, 0x10); /* key 4 is not in the set */
}
static void m_two_of_four(fixture *fx, built *b, run *r) { (void)r; sign_with(fx, b, 0x3); }
static void m_no_sigs(fixture *fx, built *b, run *r) { (void)fx; (void)r; b->sub.sig_count = 0; }
static void m_new_root(fixture *fx, built *b, run *r) { (void)fx; (void)r; b->sub.attestation_root.bytes[0] ^= 1; }
/* Re-signed over a tampered message: signatures fine, proof fails. */
static uint8_t tampered[sizeof data_a];
static void m_tamper_data(fixture *fx, built *b, run *r) {
    (void)fx; (void)r;
    memcpy(tampered, data_a, sizeof data_a);
    tampered[0] ^= 0x80;
    b->msgs[0].data = tampered;
}
static void m_flags_short(fixture *fx, built *b, run *r) { (void)fx; (void)r; b->sub.proof_flag_count--; }
static void m_header_changed(fixture *fx, built *b, run *r) { (void)fx; (void)r; b->sub.header.source_block_height++; }
static void m_gas_tiny(fixture *fx, built *b, run *r) { (void)fx; (void)b; r->args.gas_supplied = 20999; }
static void m_calldata_floor(fixture *fx, built *b, run *r) {
    (void)fx; (void)b;
    r->args.calldata = (xr_gas_calldata){0, 10000}; /* floor 400000 + 21000 */
    r->args.gas_supplied = 421000 - 1;
}
static void m_gas_for_sigs(fixture *fx, built *b, run *r) {
    (void)fx; (void)b;
    r->args.gas_supplied = 21000 + 10000; /* config reads + 3 signatures > 10000 */
}
static void m_gas_for_two(fixture *fx, built *b, run *r) {
    (void)fx; (void)b;
    /* Enough up to the third message's call, not for its 70000 gas limit. */
    r->args.gas_supplied = 21000 + 380000;
}
static void m_receipts_small(fixture *fx, built *b, run *r) { (void)fx; (void)b; r->out.receipt_cap = 2; }
static void m_too_many(fixture *fx, built *b, run *r) { (void)fx; (void)r; b->sub.sig_count = XR_MAX_SIGS + 1; }

static void test_portal_rejects_each_reason_without_state_change(void **state) {
    (void)state;
    expect_reject(m_wrong_cchain, XR_ERR_WRONG_CHAIN, -1);
    expect_reject(m_no_msgs, XR_ERR_NO_MSGS, -1);
    expect_reject(m_unknown_valset, XR_ERR_VALSET_UNKNOWN, -1);
    expect_reject(m_valset_zero, XR_ERR_VALSET_UNKNOWN, -1);
    expect_reject(m_swap_sigs, XR_ERR_SIG_UNSORTED, 2);
    expect_reject(m_dup_sig, XR_ERR_SIG_DUPLICATE, 1);
    expect_reject(m_flip_sig, XR_ERR_SIG_INVALID, 2);
    expect_reject(m_bad_v, XR_ERR_SIG_MALFORMED, 0);
    expect_reject(m_claim_other, XR_ERR_SIG_INVALID, 1);
    /* Quorum.sol: votedPower += validators[addr], 0 for a non-member: no
    ** revert, but alone it has no quorum. */
    expect_reject(m_non_member, XR_ERR_NO_QUORUM, -1);
    expect_reject(m_two_of_four, XR_ERR_NO_QUORUM, -1);
    expect_reject(m_no_sigs, XR_ERR_NO_QUORUM, -1);
    expect_reject(m_new_root, XR_ERR_SIG_INVALID, 0);
    expect_reject(m_tamper_data, XR_ERR_ROOT_MISMATCH, -1);
    expect_reject(m_flags_short, XR_ERR_PROOF_MALFORMED, -1);
    expect_reject(m_header_changed, XR_ERR_ROOT_MISMATCH, -1);
    expect_reject(m_gas_tiny, XR_ERR_OUT_OF_GAS, -1);
    expect_reject(m_calldata_floor, XR_ERR_OUT_OF_GAS, -1);
    expect_reject(m_gas_for_sigs, XR_ERR_OUT_OF_GAS, -1);
    expect_reject(m_gas_for_two, XR_ERR_OUT_OF_GAS, 2);
    expect_reject(m_receipts_small, XR_ERR_NOSPACE, -1);
    expect_reject(m_too_many, XR_ERR_TOO_LARGE, -1);
}

/* Rejections that need a differently built XBlock. */
static void reject_block(fixture *fx, const xr_xheader *h, const xr_xmsg *m, size_t n,
                         uint64_t dest, int want_rc, int32_t want_index) {
    built b;
    build(fx, h, m, n, dest, 1, 0xf, &b);
    assert_true(b.sub.msg_count > 0);
    run r;
    run_init(&r, &b);
    snap s;
    snap_take(&fx->portal, &s);
    int rc = submit(fx, &r);
    if (rc != want_rc) fail_msg("got %s, want %s", xr_err_name(rc), xr_err_name(want_rc));
    assert_int_equal(r.out.bad_index, want_index);
    snap_check_and_free(&fx->portal, &s);
}

static void test_portal_rejects_message_rules(void **state) {
    (void)state;
    fixture fx;
    fixture_open(&fx, 1, 8); /* room for one in-stream only */
    /* Messages for another chain, validly signed and proven. */
    xr_xheader h;
    xr_xmsg all[4];
    std_block(&h, all, 1, 1);
    reject_block(&fx, &h, all, 4, OTHER, XR_ERR_WRONG_DEST, 0);
    /* Header at Latest carrying a Finalized-shard message. */
    xr_xheader hl = mk_header(SRC, XR_CONF_LATEST, 1);
    xr_xmsg ml[2] = {mk_msg(CHAIN, XR_CONF_LATEST, 1, NULL, 0, 30000),
                     mk_msg(CHAIN, XR_CONF_FINALIZED, 1, NULL, 0, 30000)};
    reject_block(&fx, &hl, ml, 2, CHAIN, XR_ERR_WRONG_SHARD, 1);
    /* Two streams (shards 1 and 4) but room for one. */
    xr_xheader hf = mk_header(SRC, XR_CONF_FINALIZED, 1);
    xr_xmsg mf[3] = {mk_msg(CHAIN, XR_CONF_LATEST, 1, NULL, 0, 30000),
                     mk_msg(CHAIN, XR_CONF_LATEST, 2, NULL, 0, 30000),
                     mk_msg(CHAIN, XR_CONF_FINALIZED, 1, NULL, 0, 30000)};
    reject_block(&fx, &hf, mf, 3, CHAIN, XR_ERR_CAPACITY, 2);
    /* A Finalized header may carry a Latest-shard message: accepted. */
    built b;
    build(&fx, &hf, mf, 2, CHAIN, 1, 0xf, &b);
    run r;
    run_init(&r, &b);
    assert_int_equal(submit(&fx, &r), 0);
    assert_int_equal(xr_portal_in_offset(&fx.portal, SRC, XR_CONF_LATEST), 2);
    /* A system call from a rollup: rejected as the on-chain revert. */
    uint8_t call[200];
    int len = xr_portal_valset_call_encode(2, fx.vals, 1, call, sizeof call);
    assert_true(len > 0);
    xr_xmsg sys = mk_msg(CHAIN, XR_CONF_LATEST, 3, call, (size_t)len, 30000);
    memset(sys.to.bytes, 0, 20);
    memset(sys.sender.bytes, 0, 20);
    xr_xheader h2 = mk_header(SRC, XR_CONF_FINALIZED, 2);
    reject_block(&fx, &h2, &sys, 1, CHAIN, XR_ERR_SYSCALL, 0);
    fixture_close(&fx);
}

static void test_portal_quorum_stops_early(void **state) {
    (void)state;
    fixture fx;
    fixture_open(&fx, 8, 8);
    xr_xheader h;
    xr_xmsg all[4];
    std_block(&h, all, 1, 1);
    built b;
    build(&fx, &h, all, 4, CHAIN, 1, 0xf, &b);
    /* Three of four (30 > 26.7) reach quorum: the fourth is never checked,
    ** as on chain, so garbage there does not matter. */
    memset(b.sigs[3].sig.bytes, 0xee, 65);
    run r;
    run_init(&r, &b);
    assert_int_equal(submit(&fx, &r), 0);
    assert_int_equal(r.out.sigs_checked, 3);
    assert_int_equal(r.out.voted_power, 30);
    fixture_close(&fx);
}

/* Omni's Quorum.verify adds validators[addr] for every valid signature:
** a signer outside the set counts 0 power and is no reason to revert
** (contracts/core/src/libraries/Quorum.sol; PROTOCOL.md audit). */
static void test_portal_non_member_signer_counts_zero(void **state) {
    (void)state;
    fixture fx;
    fixture_open(&fx, 8, 8);
    xr_xheader h;
    xr_xmsg all[4];
    std_block(&h, all, 1, 1);
    built b;
    /* keys 0, 1 and 4 (4 not in the set): 20 of 40 is no quorum */
    build(&fx, &h, all, 4, CHAIN, 1, 0x13, &b);
    run r;
    run_init(&r, &b);
    assert_int_equal(submit(&fx, &r), XR_ERR_NO_QUORUM);
    assert_int_equal(r.out.sigs_checked, 3);
    assert_int_equal(r.out.voted_power, 20);
    /* keys 0, 1, 2 and 4: the members' 30 pass, key 4 adds nothing */
    build(&fx, &h, all, 4, CHAIN, 1, 0x17, &b);
    run_init(&r, &b);
    assert_int_equal(submit(&fx, &r), 0);
    assert_int_equal(r.out.voted_power, 30);
    assert_int_equal(r.out.receipt_count, 3);
    fixture_close(&fx);
}

static void test_portal_valset_cutoff(void **state) {
    (void)state;
    fixture fx;
    fixture_open(&fx, 8, 8);
    /* Sets 2..10: set 1 still accepted (min id = 1). */
    for (uint64_t id = 2; id <= 10; id++)
        assert_int_equal(xr_portal_add_valset(&fx.portal, id, fx.vals, NVAL), 0);
    assert_int_equal(xr_portal_add_valset(&fx.portal, 10, fx.vals, NVAL), XR_ERR_VALSET_INVALID);
    xr_xheader h;
    xr_xmsg all[4];
    std_block(&h, all, 1, 1);
    built b;
    build(&fx, &h, all, 4, CHAIN, 1, 0xf, &b);
    run r;
    run_init(&r, &b);
    assert_int_equal(xr_portal_submit_check(&fx.portal, &r.args, &r.out), 0);
    /* Set 11 pushes set 1 out of the window. */
    assert_int_equal(xr_portal_add_valset(&fx.portal, 11, fx.vals, NVAL), 0);
    snap s;
    snap_take(&fx.portal, &s);
    assert_int_equal(submit(&fx, &r), XR_ERR_VALSET_STALE);
    snap_check_and_free(&fx.portal, &s);
    b.sub.valset_id = 2;
    assert_int_equal(submit(&fx, &r), 0);
    assert_int_equal(xr_portal_latest_valset_id(&fx.portal), 11);
    fixture_close(&fx);
}

static void test_portal_syscall_adds_valset(void **state) {
    (void)state;
    fixture fx;
    fixture_open(&fx, 8, 8);
    /* New set 2: keys 4..7 with powers 5, 6, 7, 8. */
    xr_validator next[4];
    for (int i = 0; i < 4; i++) next[i] = (xr_validator){fx.addrs[4 + i], (uint64_t)(5 + i)};
    uint8_t call[400];
    int len = xr_portal_valset_call_encode(2, next, 4, call, sizeof call);
    assert_int_equal(len, (int)xr_portal_valset_call_len(4));
    xr_xmsg sys = mk_msg(XR_BROADCAST_CHAIN_ID, XR_SHARD_BROADCAST(XR_CONF_FINALIZED), 1, call,
                         (size_t)len, 0);
    memset(sys.to.bytes, 0, 20);
    memset(sys.sender.bytes, 0, 20);
    xr_xheader h = mk_header(CCHAIN, XR_CONF_FINALIZED, 1);
    built b;
    build(&fx, &h, &sys, 1, CHAIN, 1, 0xf, &b);
    assert_int_equal(b.sub.msg_count, 1); /* broadcast messages go to every chain */
    run r;
    run_init(&r, &b);

    /* A malformed set in the same position is rejected with nothing added. */
    uint8_t bad[400];
    memcpy(bad, call, (size_t)len);
    memcpy(bad + 100 + 64 + 12, fx.addrs[4].bytes, 20); /* validator 1 = validator 0 */
    xr_xmsg sys_bad = sys;
    sys_bad.data = bad;
    built bb;
    build(&fx, &h, &sys_bad, 1, CHAIN, 1, 0xf, &bb);
    run rb;
    run_init(&rb, &bb);
    snap s;
    snap_take(&fx.portal, &s);
    assert_int_equal(submit(&fx, &rb), XR_ERR_VALSET_INVALID);
    assert_int_equal(rb.out.bad_index, 0);
    snap_check_and_free(&fx.portal, &s);

    assert_int_equal(submit(&fx, &r), 0);
    assert_true(r.receipts[0].success);
    assert_true(r.receipts[0].gas_used > 4 * 20000);
    assert_int_equal(xr_portal_latest_valset_id(&fx.portal), 2);
    assert_int_equal(xr_portal_in_offset(&fx.portal, CCHAIN, XR_SHARD_BROADCAST(XR_CONF_FINALIZED)), 1);

    /* Set 2 now signs; 7 + 8 = 15 of 26 is not enough, 6 + 7 + 8 = 21 is. */
    xr_xheader h2;
    xr_xmsg all[4];
    std_block(&h2, all, 1, 1);
    built b2;
    build(&fx, &h2, all, 4, CHAIN, 2, 0xc0, &b2);
    run r2;
    run_init(&r2, &b2);
    assert_int_equal(submit(&fx, &r2), XR_ERR_NO_QUORUM);
    sign_with(&fx, &b2, 0xe0);
    assert_int_equal(submit(&fx, &r2), 0);
    assert_int_equal(r2.out.voted_power, 21);

    /* Replaying the system call: offset gap. An old set id: invalid. */
    assert_int_equal(submit(&fx, &r), XR_ERR_OFFSET_GAP);
    len = xr_portal_valset_call_encode(2, next, 4, call, sizeof call);
    sys.offset = 2;
    h.offset = 2;
    build(&fx, &h, &sys, 1, CHAIN, 2, 0xe0, &b);
    run_init(&r, &b);
    assert_int_equal(submit(&fx, &r), XR_ERR_VALSET_INVALID);
    fixture_close(&fx);
}

static void test_portal_valset_call_codec(void **state) {
    (void)state;
    xr_validator m[3], back[3];
    for (int i = 0; i < 3; i++) {
        memset(m[i].addr.bytes, 0x10 * (i + 1), 20);
        m[i].power = 1000u * (uint64_t)(i + 1);
    }
    uint8_t buf[300];
    assert_int_equal(xr_portal_valset_call_encode(9, m, 3, buf, 10), XR_ERR_NOSPACE);
    int len = xr_portal_valset_call_encode(9, m, 3, buf, sizeof buf);
    assert_int_equal(len, 4 + 96 + 3 * 64);
    uint64_t id;
    uint32_t n;
    assert_int_equal(xr_portal_valset_call_decode(buf, (size_t)len, &id, back, 3, &n), 0);
    assert_int_equal(id, 9);
    assert_int_equal(n, 3);
    for (int i = 0; i < 3; i++) {
        assert_memory_equal(back[i].addr.bytes, m[i].addr.bytes, 20);
        assert_int_equal(back[i].power, m[i].power);
    }
    assert_int_equal(xr_portal_valset_call_decode(buf, (size_t)len, &id, back, 2, &n), XR_ERR_CAPACITY);
    uint8_t bad[300];
    const size_t pos[] = {0, 4, 36 + 31, 68 + 31, 100, 100 + 32};
    for (size_t k = 0; k < sizeof pos / sizeof pos[0]; k++) {
        memcpy(bad, buf, (size_t)len);
        bad[pos[k]] ^= 0x01;
        assert_int_equal(xr_portal_valset_call_decode(bad, (size_t)len, &id, back, 3, &n), XR_ERR_SYSCALL);
    }
    assert_int_equal(xr_portal_valset_call_decode(buf, (size_t)len - 1, &id, back, 3, &n), XR_ERR_SYSCALL);
    assert_int_equal(xr_portal_valset_call_decode(buf, 50, &id, back, 3, &n), XR_ERR_SYSCALL);
}

/* The exec callback: message data[0] picks the behaviour. */
static const uint8_t long_error[300] = {0xde, 0xad};
static void exec_model(void *user, uint64_t source_chain_id, const xr_xmsg *msg, xr_portal_exec *out) {
    int *calls = user;
    (*calls)++;
    assert_int_equal(source_chain_id, SRC);
    uint8_t mode = msg->data_len ? msg->data[0] : 0;
    if (mode == 1) { /* reverts with a long error */
        out->gas_used = 1234;
        out->success = false;
        out->error = long_error;
        out->error_len = sizeof long_error;
    } else if (mode == 2) { /* runs out of gas */
        out->gas_used = msg->gas_limit + 1;
        out->success = true;
    } else {
        out->gas_used = 500;
        out->success = true;
        out->error = long_error; /* ignored on success */
        out->error_len = 10;
    }
}

static void test_portal_exec_callback_and_receipts(void **state) {
    (void)state;
    fixture fx;
    fixture_open(&fx, 8, 8);
    static const uint8_t d1[] = {1}, d2[] = {2}, d0[] = {0};
    xr_xheader h = mk_header(SRC, XR_CONF_FINALIZED, 1);
    xr_xmsg m[3] = {mk_msg(CHAIN, 4, 1, d1, 1, 40000), mk_msg(CHAIN, 4, 2, d2, 1, 40000),
                    mk_msg(CHAIN, 4, 3, d0, 1, 40000)};
    built b;
    build(&fx, &h, m, 3, CHAIN, 1, 0xf, &b);
    run r;
    run_init(&r, &b);
    int calls = 0;
    r.args.exec = exec_model;
    r.args.exec_user = &calls;
    assert_int_equal(xr_portal_submit_check(&fx.portal, &r.args, &r.out), 0);
    assert_int_equal(xr_portal_in_offset(&fx.portal, SRC, 4), 0); /* check commits nothing */
    uint64_t checked_gas = r.out.gas_used;
    assert_int_equal(submit(&fx, &r), 0);
    assert_int_equal(r.out.gas_used, checked_gas);
    assert_int_equal(calls, 6);
    assert_false(r.receipts[0].success);
    assert_int_equal(r.receipts[0].gas_used, 1234);
    assert_int_equal(r.receipts[0].error_len, fx.cfg.xreceipt_max_error_bytes);
    assert_ptr_equal(r.receipts[0].error, long_error);
    assert_false(r.receipts[1].success);
    assert_int_equal(r.receipts[1].gas_used, 40000);
    assert_true(r.receipts[2].success);
    assert_int_equal(r.receipts[2].error_len, 0);
    assert_null(r.receipts[2].error);
    /* Failed calls still consume their offsets. */
    assert_int_equal(xr_portal_in_offset(&fx.portal, SRC, 4), 3);
    /* With calldata, the total follows EIP-7623. */
    xr_xmsg m4 = mk_msg(CHAIN, 4, 4, d0, 1, 40000);
    h.offset = 2;
    build(&fx, &h, &m4, 1, CHAIN, 1, 0xf, &b);
    run_init(&r, &b);
    r.args.exec = exec_model;
    r.args.exec_user = &calls;
    uint8_t enc[4096];
    int elen = xr_submission_encode(&b.sub, enc, sizeof enc);
    assert_true(elen > 0);
    xr_portal_xsubmit_calldata(enc, (size_t)elen, &r.args.calldata);
    assert_int_equal(r.args.calldata.zero_bytes + r.args.calldata.nonzero_bytes, (uint64_t)elen + 4);
    assert_int_equal(submit(&fx, &r), 0);
    assert_int_equal(r.out.gas_used,
                     xr_gas_tx_total_refund(&r.args.calldata, r.out.exec_gas, 19900 + 2800));
    assert_true(r.out.gas_used > 21000 + xr_gas_calldata_standard(&r.args.calldata));
    fixture_close(&fx);
}

/* ---- source side ------------------------------------------------------------ */

static const xr_portal_dest dest_other = {
    .chain_id = OTHER,
    .exec_gas_price_wei = 1000000000,  /* 1 gwei */
    .exec_to_native_rate = 1000000,    /* 1:1 */
    .data_gas_price_wei = 20000000000, /* 20 gwei on L1 */
    .data_to_native_rate = 500000,     /* 0.5 */
};

static xr_portal_xcall_req mk_call(uint64_t dest, uint8_t conf, size_t len, uint64_t gas,
                                   uint64_t value) {
    static const uint8_t data[64] = {1, 2, 3};
    return (xr_portal_xcall_req){dest, conf, addr_byte(0x33), addr_byte(0x44), data, len, gas, value};
}

static void test_portal_xcall_offsets_and_fees(void **state) {
    (void)state;
    fixture fx;
    fixture_open(&fx, 8, 2);
    fx.portal.cfg.fee_protocol_wei = 1000;
    assert_int_equal(xr_portal_set_dest(&fx.portal, &dest_other), 0);
    /* FeeOracleV2.feeFor (contracts/core/src/xchain/FeeOracleV2.sol),
    ** hand-computed: execGP 1e9, dataGP 2e10 * 0.5 = 1e10; protocol fee
    ** + (base gas 100000 + 200000) * 1e9 + (base bytes 100 + 10) * 16 * 1e10. */
    const uint64_t want = 1000 + UINT64_C(300000) * 1000000000 + UINT64_C(110) * 16 * 10000000000;
    uint64_t fee;
    assert_int_equal(xr_portal_fee_for(&fx.portal, OTHER, 10, 200000, &fee), 0);
    assert_int_equal(fee, want);
    assert_int_equal(xr_portal_fee_for(&fx.portal, 999, 10, 200000, &fee), XR_ERR_UNSUPPORTED_DEST);

    xr_portal_xcall_result res;
    xr_portal_xcall_req req = mk_call(OTHER, XR_CONF_FINALIZED, 10, 200000, want + 5);
    assert_int_equal(xr_portal_xcall(&fx.portal, &req, &res), 0);
    assert_int_equal(res.fee_wei, want);
    /* OmniPortal.xcall keeps the whole msg.value: no refund of the 5 wei over */
    assert_int_equal(res.refund_wei, 0);
    assert_int_equal(res.msg.offset, 1);
    assert_int_equal(res.msg.shard_id, XR_CONF_FINALIZED);
    assert_int_equal(res.msg.dest_chain_id, OTHER);
    assert_int_equal(res.msg.gas_limit, 200000);
    assert_int_equal(res.msg.data_len, 10);
    assert_memory_equal(res.msg.sender.bytes, req.sender.bytes, 20);
    req.value_wei = want; /* exact fee: no refund */
    assert_int_equal(xr_portal_xcall(&fx.portal, &req, &res), 0);
    assert_int_equal(res.msg.offset, 2);
    assert_int_equal(res.refund_wei, 0);
    /* Another shard is another stream, from offset 1. */
    req.conf_level = XR_CONF_LATEST;
    assert_int_equal(xr_portal_xcall(&fx.portal, &req, &res), 0);
    assert_int_equal(res.msg.offset, 1);
    assert_int_equal(res.msg.shard_id, XR_CONF_LATEST);
    assert_int_equal(xr_portal_out_offset(&fx.portal, OTHER, XR_CONF_FINALIZED), 2);
    assert_int_equal(xr_portal_out_offset(&fx.portal, OTHER, XR_CONF_LATEST), 1);

    /* Every rejection leaves the state as it was. */
    struct { xr_portal_xcall_req req; int rc; } bad[] = {
        {mk_call(999, XR_CONF_FINALIZED, 10, 200000, want), XR_ERR_UNSUPPORTED_DEST},
        {mk_call(CHAIN, XR_CONF_FINALIZED, 10, 200000, want), XR_ERR_UNSUPPORTED_DEST},
        {mk_call(OTHER, XR_CONF_FINALIZED, 10, 20999, want), XR_ERR_GAS_LIMIT},
        {mk_call(OTHER, XR_CONF_FINALIZED, 10, 5000001, UINT64_MAX), XR_ERR_GAS_LIMIT},
        /* xmsgMaxDataSize 20,000 bytes (OmniPortal, PROTOCOL.md audit) */
        {mk_call(OTHER, XR_CONF_FINALIZED, 20001, 200000, UINT64_MAX), XR_ERR_DATA_TOO_LARGE},
        {mk_call(OTHER, 2, 10, 200000, want), XR_ERR_UNSUPPORTED_SHARD},
        {mk_call(OTHER, 0, 10, 200000, want), XR_ERR_UNSUPPORTED_SHARD},
        {mk_call(OTHER, XR_CONF_FINALIZED, 10, 200000, want - 1), XR_ERR_FEE_TOO_LOW},
        {mk_call(OTHER, XR_CONF_FINALIZED, 11, 200000, want), XR_ERR_FEE_TOO_LOW},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snap s;
        snap_take(&fx.portal, &s);
        int rc = xr_portal_xcall(&fx.portal, &bad[i].req, &res);
        if (rc != bad[i].rc) fail_msg("case %zu: got %s", i, xr_err_name(rc));
        snap_check_and_free(&fx.portal, &s);
    }
    /* OmniPortal.xcall: require(to != VirtualPortalAddress) -- address 0 is
    ** the system-call target, never a user's. */
    req = mk_call(OTHER, XR_CONF_FINALIZED, 10, 200000, want);
    memset(req.to.bytes, 0, 20);
    snap s0;
    snap_take(&fx.portal, &s0);
    assert_int_equal(xr_portal_xcall(&fx.portal, &req, &res), XR_ERR_XCALL_TO_PORTAL);
    snap_check_and_free(&fx.portal, &s0);
    /* Limits are inclusive. */
    req = mk_call(OTHER, XR_CONF_FINALIZED, 20000, 5000000, UINT64_MAX);
    assert_int_equal(xr_portal_xcall(&fx.portal, &req, &res), 0);
    assert_int_equal(res.msg.offset, 3);

    /* A third stream does not fit (out_stream_cap 2). */
    xr_portal_dest d3 = dest_other;
    d3.chain_id = 300;
    assert_int_equal(xr_portal_set_dest(&fx.portal, &d3), 0);
    req = mk_call(300, XR_CONF_LATEST, 0, 30000, UINT64_MAX);
    snap s;
    snap_take(&fx.portal, &s);
    assert_int_equal(xr_portal_xcall(&fx.portal, &req, &res), XR_ERR_CAPACITY);
    snap_check_and_free(&fx.portal, &s);
    fixture_close(&fx);
}

static void test_portal_fee_overflow_and_dest_rules(void **state) {
    (void)state;
    fixture fx;
    fixture_open(&fx, 8, 8);
    xr_portal_dest d = dest_other;
    d.exec_gas_price_wei = UINT64_MAX;
    d.exec_to_native_rate = UINT64_MAX;
    assert_int_equal(xr_portal_set_dest(&fx.portal, &d), 0);
    uint64_t fee;
    assert_int_equal(xr_portal_fee_for(&fx.portal, OTHER, 0, 21000, &fee), XR_ERR_OVERFLOW);
    xr_portal_xcall_req req = mk_call(OTHER, XR_CONF_LATEST, 0, 21000, UINT64_MAX);
    xr_portal_xcall_result res;
    assert_int_equal(xr_portal_xcall(&fx.portal, &req, &res), XR_ERR_OVERFLOW);
    /* Replacing the parameters of a known destination. */
    assert_int_equal(xr_portal_set_dest(&fx.portal, &dest_other), 0);
    assert_int_equal(fx.portal.dest_count, 1);
    assert_int_equal(xr_portal_fee_for(&fx.portal, OTHER, 0, 0, &fee), 0);
    /* base gas 100000 at 1 gwei + base bytes 100 x 16 at 1e10 (FeeOracleV2) */
    assert_int_equal(fee, UINT64_C(100000) * 1000000000 + UINT64_C(1600) * 10000000000);
    /* FeeOracleV2's rules: no zero chain id, price or rate; not ourselves. */
    d = dest_other;
    d.chain_id = 0;
    assert_int_equal(xr_portal_set_dest(&fx.portal, &d), XR_ERR_INVALID_ARG);
    d = dest_other;
    d.chain_id = CHAIN;
    assert_int_equal(xr_portal_set_dest(&fx.portal, &d), XR_ERR_INVALID_ARG);
    d = dest_other;
    d.data_to_native_rate = 0;
    assert_int_equal(xr_portal_set_dest(&fx.portal, &d), XR_ERR_INVALID_ARG);
    for (uint64_t c = 1; c <= 3; c++) {
        d = dest_other;
        d.chain_id = 1000 + c;
        assert_int_equal(xr_portal_set_dest(&fx.portal, &d), 0);
    }
    d.chain_id = 2000;
    assert_int_equal(xr_portal_set_dest(&fx.portal, &d), XR_ERR_CAPACITY); /* dest_cap 4 */
    fixture_close(&fx);
}

static void test_portal_offset_overflow(void **state) {
    (void)state;
    fixture fx;
    fixture_open(&fx, 8, 8);
    xr_portal_config c = fx.cfg;
    c.cchain_msg_offset = UINT64_MAX; /* the stream can take no further message */
    assert_int_equal(xr_portal_init(&fx.portal, &c, &fx.be, fx.mem, xr_portal_mem_size(&c), 1,
                                    fx.vals, NVAL),
                     0);
    xr_xheader h = mk_header(CCHAIN, XR_CONF_FINALIZED, 1);
    xr_xmsg m = mk_msg(XR_BROADCAST_CHAIN_ID, XR_SHARD_BROADCAST(XR_CONF_FINALIZED), 0, NULL, 0,
                       30000);
    reject_block(&fx, &h, &m, 1, CHAIN, XR_ERR_OVERFLOW, 0);
    fixture_close(&fx);
}

static void test_portal_init_checks(void **state) {
    (void)state;
    fixture fx;
    fixture_open(&fx, 8, 8);
    xr_portal p;
    size_t n = xr_portal_mem_size(&fx.cfg);
    assert_int_equal(xr_portal_init(&p, &fx.cfg, &fx.be, fx.mem, n - 8, 1, fx.vals, NVAL),
                     XR_ERR_NOSPACE);
    xr_portal_config c = fx.cfg;
    c.quorum = (xr_quorum){3, 3};
    assert_int_equal(xr_portal_init(&p, &c, &fx.be, fx.mem, n, 1, fx.vals, NVAL), XR_ERR_INVALID_ARG);
    c = fx.cfg;
    c.xmsg_min_gas_limit = c.xmsg_max_gas_limit + 1;
    assert_int_equal(xr_portal_config_validate(&c), XR_ERR_INVALID_ARG);
    assert_int_equal(xr_portal_init(&p, &fx.cfg, &fx.be, fx.mem, n, 1, fx.vals, 0),
                     XR_ERR_VALSET_INVALID);
    /* The consensus chain's stream can start at a given offset. */
    c = fx.cfg;
    c.cchain_msg_offset = 1;
    assert_int_equal(xr_portal_init(&p, &c, &fx.be, fx.mem, n, 1, fx.vals, NVAL), 0);
    assert_int_equal(xr_portal_in_offset(&p, CCHAIN, XR_SHARD_BROADCAST(XR_CONF_FINALIZED)), 1);
    assert_true(p.state_bytes < n);
    fixture_close(&fx);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_portal_accepts_and_executes_in_order),
        cmocka_unit_test(test_portal_gap_and_later_block_in_order),
        cmocka_unit_test(test_portal_rejects_each_reason_without_state_change),
        cmocka_unit_test(test_portal_rejects_message_rules),
        cmocka_unit_test(test_portal_quorum_stops_early),
        cmocka_unit_test(test_portal_non_member_signer_counts_zero),
        cmocka_unit_test(test_portal_valset_cutoff),
        cmocka_unit_test(test_portal_syscall_adds_valset),
        cmocka_unit_test(test_portal_valset_call_codec),
        cmocka_unit_test(test_portal_exec_callback_and_receipts),
        cmocka_unit_test(test_portal_xcall_offsets_and_fees),
        cmocka_unit_test(test_portal_fee_overflow_and_dest_rules),
        cmocka_unit_test(test_portal_offset_overflow),
        cmocka_unit_test(test_portal_init_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
