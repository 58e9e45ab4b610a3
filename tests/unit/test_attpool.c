/*
** Tests of attestation aggregation (protocol/xr_attpool): quorum by power,
** offset order, window, duplicates and equivocation, capacity and the
** reuse of freed records, the order of approval signatures, the Finalized
** override of a stuck Latest offset, and a
** differential test against a naive model on random vote streams.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "xr_attpool.h"
#include "xr_err.h"

#define NV 7

typedef struct fix {
    xr_attpool *p;
    void *mem;
    xr_validator store[NV];
    xr_valset vs;
    uint8_t sigs[NV * XR_ATTPOOL_SIG_ENTRY_BYTES];
} fix;

static void fix_init(fix *f, const uint64_t *powers, uint32_t n, const xr_attpool_cfg *cfg) {
    memset(f, 0, sizeof *f);
    xr_validator m[NV];
    for (uint32_t i = 0; i < n; i++) {
        memset(m[i].addr.bytes, 0, 20);
        m[i].addr.bytes[19] = (uint8_t)(i + 1); /* address order = index order */
        m[i].power = powers[i];
    }
    xr_valset_init(&f->vs, f->store, NV);
    assert_int_equal(xr_valset_set(&f->vs, 3, m, n), 0);
    size_t sz = xr_attpool_mem_size(cfg);
    assert_true(sz > 0);
    f->mem = aligned_alloc(16, (sz + 15) & ~(size_t)15);
    assert_int_equal(xr_attpool_init(&f->p, f->mem, sz, cfg), 0);
}

static void vote(xr_att_vote *v, uint32_t who, uint64_t chain, uint8_t level, uint64_t offset,
                 uint8_t root_tag) {
    memset(v, 0, sizeof *v);
    v->validator[19] = (uint8_t)(who + 1);
    v->header.source_chain_id = chain;
    v->header.consensus_chain_id = 1;
    v->header.conf_level = level;
    v->header.offset = offset;
    memset(v->msg_root.bytes, root_tag, 32);
    xr_att_vote_compute_root(v);
    memset(v->sig, (int)(who * 16 + root_tag), 65);
}

static int add(fix *f, uint32_t who, uint64_t chain, uint8_t level, uint64_t offset, uint8_t tag) {
    xr_att_vote v;
    vote(&v, who, chain, level, offset, tag);
    return xr_attpool_add(f->p, &v, NULL);
}

static void cfg_small(xr_attpool_cfg *c, uint32_t window, uint32_t votes) {
    xr_attpool_cfg_default(c);
    c->window = window;
    c->max_votes = votes;
    c->max_streams = 4;
}

static void test_attpool_quorum_by_power_not_before(void **state) {
    (void)state;
    uint64_t powers[4] = {1, 1, 1, 3}; /* total 6; quorum needs > 4 */
    xr_attpool_cfg c;
    cfg_small(&c, 8, 64);
    fix f;
    fix_init(&f, powers, 4, &c);
    xr_attpool_approval ap;
    assert_int_equal(add(&f, 0, 5, XR_CONF_LATEST, 1, 0xaa), 0);
    assert_int_equal(add(&f, 1, 5, XR_CONF_LATEST, 1, 0xaa), 0);
    assert_int_equal(add(&f, 2, 5, XR_CONF_LATEST, 1, 0xaa), 0);
    /* 3 of 6: no */
    assert_int_equal(xr_attpool_next_approval(f.p, &f.vs, &ap, f.sigs, sizeof f.sigs), 0);
    /* the heavy validator signs another root: still no root above 4 */
    assert_int_equal(add(&f, 3, 5, XR_CONF_LATEST, 1, 0xbb), 0);
    assert_int_equal(xr_attpool_next_approval(f.p, &f.vs, &ap, f.sigs, sizeof f.sigs), 0);
    assert_int_equal(xr_attpool_vote_count(f.p), 4);
    free(f.mem);
    /* same powers, the heavy one and two light ones agree: 5 > 4 */
    fix_init(&f, powers, 4, &c);
    assert_int_equal(add(&f, 3, 5, XR_CONF_LATEST, 1, 0xaa), 0);
    assert_int_equal(add(&f, 0, 5, XR_CONF_LATEST, 1, 0xaa), 0);
    assert_int_equal(xr_attpool_next_approval(f.p, &f.vs, &ap, f.sigs, sizeof f.sigs), 0);
    assert_int_equal(add(&f, 2, 5, XR_CONF_LATEST, 1, 0xaa), 0);
    /* too little room for the signatures: nothing changes */
    assert_int_equal(xr_attpool_next_approval(f.p, &f.vs, &ap, f.sigs, 2 * 85), XR_ERR_NOSPACE);
    assert_int_equal(xr_attpool_next_approval(f.p, &f.vs, &ap, f.sigs, sizeof f.sigs), 1);
    assert_int_equal(ap.signed_power, 5);
    assert_int_equal(ap.total_power, 6);
    assert_int_equal(ap.valset_id, 3);
    assert_int_equal(ap.sig_count, 3);
    assert_int_equal(ap.header.offset, 1);
    /* signers ascending by address */
    assert_int_equal(f.sigs[19], 1);
    assert_int_equal(f.sigs[85 + 19], 3);
    assert_int_equal(f.sigs[170 + 19], 4);
    assert_int_equal(f.sigs[170 + 20], 3 * 16 + 0xaa);
    assert_int_equal(xr_attpool_last_approved(f.p, 5, XR_CONF_LATEST), 1);
    assert_int_equal(xr_attpool_vote_count(f.p), 0);
    assert_int_equal(xr_attpool_next_approval(f.p, &f.vs, &ap, f.sigs, sizeof f.sigs), 0);
    free(f.mem);
}

static void test_attpool_offset_order_and_window(void **state) {
    (void)state;
    uint64_t powers[3] = {1, 1, 1};
    xr_attpool_cfg c;
    cfg_small(&c, 3, 64);
    fix f;
    fix_init(&f, powers, 3, &c);
    xr_attpool_approval ap;
    /* offsets 2 and 3 complete before 1 */
    for (uint32_t w = 0; w < 3; w++) {
        assert_int_equal(add(&f, w, 8, XR_CONF_FINALIZED, 3, 3), 0);
        assert_int_equal(add(&f, w, 8, XR_CONF_FINALIZED, 2, 2), 0);
    }
    /* window 3 around the midpoint 1 (none approved yet): 4 is the last inside */
    assert_int_equal(add(&f, 0, 8, XR_CONF_FINALIZED, 5, 5), XR_ERR_BFT_ATT_WINDOW);
    assert_int_equal(xr_attpool_next_approval(f.p, &f.vs, &ap, f.sigs, sizeof f.sigs), 0);
    for (uint32_t w = 0; w < 3; w++) assert_int_equal(add(&f, w, 8, XR_CONF_FINALIZED, 1, 1), 0);
    for (uint64_t off = 1; off <= 3; off++) {
        assert_int_equal(xr_attpool_next_approval(f.p, &f.vs, &ap, f.sigs, sizeof f.sigs), 1);
        assert_int_equal(ap.header.offset, off);
        assert_int_equal(ap.sig_count, 3);
    }
    assert_int_equal(xr_attpool_next_approval(f.p, &f.vs, &ap, f.sigs, sizeof f.sigs), 0);
    /* stale below, window above */
    assert_int_equal(add(&f, 0, 8, XR_CONF_FINALIZED, 3, 3), XR_ERR_BFT_ATT_STALE);
    assert_int_equal(add(&f, 0, 8, XR_CONF_FINALIZED, 7, 7), XR_ERR_BFT_ATT_WINDOW);
    assert_int_equal(add(&f, 0, 8, XR_CONF_FINALIZED, 6, 6), 0);
    xr_xheader h;
    memset(&h, 0, sizeof h);
    h.source_chain_id = 8;
    h.conf_level = XR_CONF_FINALIZED;
    h.offset = 6;
    assert_int_equal(xr_attpool_check_window(f.p, &h), 0);
    h.offset = 3;
    assert_int_equal(xr_attpool_check_window(f.p, &h), XR_ERR_BFT_ATT_STALE);
    /* another level is another stream */
    assert_int_equal(xr_attpool_last_approved(f.p, 8, XR_CONF_LATEST), 0);
    assert_int_equal(add(&f, 0, 8, XR_CONF_LATEST, 1, 1), 0);
    free(f.mem);
}

static void test_attpool_duplicate_and_equivocation(void **state) {
    (void)state;
    uint64_t powers[3] = {1, 1, 1};
    xr_attpool_cfg c;
    cfg_small(&c, 4, 64);
    fix f;
    fix_init(&f, powers, 3, &c);
    assert_int_equal(add(&f, 1, 9, XR_CONF_LATEST, 1, 0x10), 0);
    assert_int_equal(add(&f, 1, 9, XR_CONF_LATEST, 1, 0x10), XR_ERR_BFT_DUPLICATE);
    xr_att_vote v, conflict;
    vote(&v, 1, 9, XR_CONF_LATEST, 1, 0x20);
    assert_int_equal(xr_attpool_add(f.p, &v, &conflict), XR_ERR_BFT_EQUIVOCATION);
    assert_int_equal(conflict.msg_root.bytes[0], 0x10);
    assert_int_equal(conflict.validator[19], 2);
    const xr_att_vote *got = xr_attpool_find(f.p, v.validator, 9, XR_CONF_LATEST, 1);
    assert_non_null(got);
    assert_int_equal(got->msg_root.bytes[0], 0x10);
    assert_null(xr_attpool_find(f.p, v.validator, 9, XR_CONF_LATEST, 2));
    assert_int_equal(xr_attpool_vote_count(f.p), 1);
    free(f.mem);
}

static void test_attpool_capacity(void **state) {
    (void)state;
    uint64_t powers[3] = {1, 1, 1};
    xr_attpool_cfg c;
    cfg_small(&c, 8, 2);
    c.max_streams = 1;
    fix f;
    fix_init(&f, powers, 3, &c);
    assert_int_equal(add(&f, 0, 1, XR_CONF_LATEST, 1, 1), 0);
    assert_int_equal(add(&f, 0, 2, XR_CONF_LATEST, 1, 1), XR_ERR_CAPACITY); /* no stream */
    assert_int_equal(add(&f, 1, 1, XR_CONF_LATEST, 1, 1), 0);
    assert_int_equal(add(&f, 2, 1, XR_CONF_LATEST, 1, 1), XR_ERR_CAPACITY); /* no vote slot */
    assert_int_equal(xr_attpool_set_last_approved(f.p, 2, XR_CONF_LATEST, 5), XR_ERR_CAPACITY);
    assert_int_equal(xr_attpool_set_last_approved(f.p, 1, XR_CONF_LATEST, 5), XR_ERR_INVALID_ARG);
    free(f.mem);
    /* bad configurations */
    cfg_small(&c, 0, 2);
    assert_int_equal(xr_attpool_mem_size(&c), 0);
    cfg_small(&c, 2, 2);
    c.quorum.den = 0;
    assert_int_equal(xr_attpool_mem_size(&c), 0);
    cfg_small(&c, 2, 2);
    uint8_t small[8];
    xr_attpool *p;
    assert_int_equal(xr_attpool_init(&p, small, sizeof small, &c), XR_ERR_NOSPACE);
}

static void test_attpool_set_last_approved(void **state) {
    (void)state;
    uint64_t powers[3] = {1, 1, 1};
    xr_attpool_cfg c;
    cfg_small(&c, 4, 16);
    fix f;
    fix_init(&f, powers, 3, &c);
    assert_int_equal(xr_attpool_set_last_approved(f.p, 4, XR_CONF_LATEST, 100), 0);
    assert_int_equal(xr_attpool_last_approved(f.p, 4, XR_CONF_LATEST), 100);
    assert_int_equal(add(&f, 0, 4, XR_CONF_LATEST, 100, 1), XR_ERR_BFT_ATT_STALE);
    for (uint32_t w = 0; w < 3; w++) assert_int_equal(add(&f, w, 4, XR_CONF_LATEST, 101, 1), 0);
    xr_attpool_approval ap;
    assert_int_equal(xr_attpool_next_approval(f.p, &f.vs, &ap, f.sigs, sizeof f.sigs), 1);
    assert_int_equal(ap.header.offset, 101);
    free(f.mem);
}

/* Records freed by an approval are handed out again; a full pool refuses. */
static void test_attpool_capacity_reuses_freed_records(void **state) {
    (void)state;
    uint64_t powers[3] = {1, 1, 1};
    xr_attpool_cfg c;
    cfg_small(&c, 8, 3);
    fix f;
    fix_init(&f, powers, 3, &c);
    xr_attpool_approval ap;
    for (uint64_t off = 1; off <= 5; off++) {
        for (uint32_t w = 0; w < 3; w++) assert_int_equal(add(&f, w, 9, XR_CONF_LATEST, off, 1), 0);
        assert_int_equal(xr_attpool_vote_count(f.p), 3);
        assert_int_equal(add(&f, 0, 9, XR_CONF_LATEST, off + 1, 1), XR_ERR_CAPACITY);
        assert_int_equal(xr_attpool_next_approval(f.p, &f.vs, &ap, f.sigs, sizeof f.sigs), 1);
        assert_int_equal(ap.header.offset, off);
        assert_int_equal(ap.sig_count, 3);
        assert_int_equal(xr_attpool_vote_count(f.p), 0);
    }
    /* partly freed: one approval frees its own offset's records only */
    assert_int_equal(add(&f, 0, 9, XR_CONF_LATEST, 6, 1), 0);
    assert_int_equal(add(&f, 1, 9, XR_CONF_LATEST, 6, 1), 0);
    assert_int_equal(add(&f, 0, 9, XR_CONF_LATEST, 7, 1), 0);
    assert_int_equal(add(&f, 1, 9, XR_CONF_LATEST, 7, 1), XR_ERR_CAPACITY);
    assert_int_equal(xr_attpool_next_approval(f.p, &f.vs, &ap, f.sigs, sizeof f.sigs), 0);
    free(f.mem);
}

/* Approval signatures come out ascending by address, one per signer with
** its own signature, whatever order the votes were added in -- with
** addresses that differ in their first byte as well as in their last. */
static void test_attpool_signers_sorted_any_order(void **state) {
    (void)state;
    static const uint8_t first[NV] = {0x90, 0x10, 0xf0, 0x10, 0x55, 0x00, 0x90};
    static const uint32_t orders[3][NV] = {
        {0, 1, 2, 3, 4, 5, 6}, {6, 5, 4, 3, 2, 1, 0}, {3, 0, 6, 2, 5, 1, 4}};
    xr_validator m[NV];
    for (uint32_t i = 0; i < NV; i++) {
        memset(m[i].addr.bytes, 0x77, 20);
        m[i].addr.bytes[0] = first[i];
        m[i].addr.bytes[19] = (uint8_t)i;
        m[i].power = 1;
    }
    xr_attpool_cfg c;
    cfg_small(&c, 8, 64);
    for (int o = 0; o < 3; o++) {
        fix f;
        uint64_t ones[NV] = {1, 1, 1, 1, 1, 1, 1};
        fix_init(&f, ones, NV, &c);
        assert_int_equal(xr_valset_set(&f.vs, 3, m, NV), 0);
        for (uint32_t k = 0; k < NV; k++) {
            uint32_t i = orders[o][k];
            xr_att_vote v;
            vote(&v, 0, 3, XR_CONF_LATEST, 1, 0x21);
            memcpy(v.validator, m[i].addr.bytes, 20);
            memset(v.sig, (int)(0x40 + i), 65);
            assert_int_equal(xr_attpool_add(f.p, &v, NULL), 0);
        }
        xr_attpool_approval ap;
        assert_int_equal(xr_attpool_next_approval(f.p, &f.vs, &ap, f.sigs, sizeof f.sigs), 1);
        assert_int_equal(ap.sig_count, NV);
        assert_int_equal(ap.signed_power, NV);
        for (uint32_t k = 0; k < NV; k++) {
            const uint8_t *e = f.sigs + (size_t)k * XR_ATTPOOL_SIG_ENTRY_BYTES;
            if (k) assert_true(memcmp(e - XR_ATTPOOL_SIG_ENTRY_BYTES, e, 20) < 0);
            uint32_t i = e[19];
            assert_true(i < NV);
            assert_memory_equal(e, m[i].addr.bytes, 20);
            for (int b = 0; b < 65; b++) assert_int_equal(e[20 + b], 0x40 + i);
        }
        free(f.mem);
    }
}

/* The vote window of halo/attest/keeper windowCompare with Omni's
** genesisVoteWindowDown 2 and genesisVoteWindowUp 64 (halo/app
** app_config.go): [last - 2, last + 64], midpoint 1 before any approval. */
static void test_attpool_vote_window(void **state) {
    (void)state;
    uint64_t powers[4] = {1, 1, 1, 1};
    xr_attpool_cfg c;
    xr_attpool_cfg_default(&c);
    assert_int_equal(c.window, 64);
    assert_int_equal(c.window_down, 2);
    c.max_streams = 4;
    fix f;
    fix_init(&f, powers, 4, &c);
    xr_xheader h;
    memset(&h, 0, sizeof h);
    h.source_chain_id = 7;
    h.conf_level = XR_CONF_LATEST;
    h.offset = 65; /* 1 + 64 before any approval */
    assert_int_equal(xr_attpool_vote_window(f.p, &h), 0);
    assert_int_equal(xr_attpool_check_window(f.p, &h), 0); /* and storable */
    assert_int_equal(add(&f, 0, 7, XR_CONF_LATEST, 65, 0x65), 0);
    h.offset = 66;
    assert_int_equal(xr_attpool_vote_window(f.p, &h), XR_ERR_BFT_ATT_WINDOW);
    assert_int_equal(xr_attpool_set_last_approved(f.p, 7, XR_CONF_FINALIZED, 10), 0);
    h.conf_level = XR_CONF_FINALIZED;
    for (uint64_t off = 0; off < 80; off++) {
        h.offset = off;
        int want = off < 8 ? XR_ERR_BFT_ATT_STALE : off > 74 ? XR_ERR_BFT_ATT_WINDOW : 0;
        assert_int_equal(xr_attpool_vote_window(f.p, &h), want);
        /* stored only above the last approved */
        int store = off <= 10 ? XR_ERR_BFT_ATT_STALE : off > 74 ? XR_ERR_BFT_ATT_WINDOW : 0;
        assert_int_equal(xr_attpool_check_window(f.p, &h), store);
    }
    free(f.mem);
}

/* halo/attest/keeper maybeOverrideFinalized: a Latest offset whose votes
** split so that no root has quorum is approved once the Finalized
** attestation at the same offset was approved in an earlier block; a
** Latest offset with no votes, or a Finalized one, is never overridden. */
static void test_attpool_finalized_override(void **state) {
    (void)state;
    uint64_t powers[7] = {1, 1, 1, 1, 1, 1, 1}; /* quorum needs 5 of 7 */
    xr_attpool_cfg c;
    cfg_small(&c, 8, 64);
    fix f;
    fix_init(&f, powers, 7, &c);
    xr_attpool_approval ap;
    /* Latest 1: 3 on root 0xa1, 3 on its reorged replacement 0xb1: stuck */
    for (uint32_t v = 0; v < 3; v++) assert_int_equal(add(&f, v, 9, XR_CONF_LATEST, 1, 0xa1), 0);
    for (uint32_t v = 3; v < 6; v++) assert_int_equal(add(&f, v, 9, XR_CONF_LATEST, 1, 0xb1), 0);
    /* Latest 2: quorum, waiting behind 1 */
    for (uint32_t v = 0; v < 5; v++) assert_int_equal(add(&f, v, 9, XR_CONF_LATEST, 2, 0xa2), 0);
    xr_attpool_begin_block(f.p);
    assert_int_equal(xr_attpool_next_approval(f.p, &f.vs, &ap, f.sigs, sizeof f.sigs), 0);
    /* Finalized 1 reaches quorum in this block: approved, but the Latest
    ** override waits for the next block (the keeper sees it there) */
    for (uint32_t v = 0; v < 5; v++) assert_int_equal(add(&f, v, 9, XR_CONF_FINALIZED, 1, 0xf1), 0);
    assert_int_equal(xr_attpool_next_approval(f.p, &f.vs, &ap, f.sigs, sizeof f.sigs), 1);
    assert_int_equal(ap.header.conf_level, XR_CONF_FINALIZED);
    assert_false(ap.finalized_override);
    assert_int_equal(ap.sig_count, 5);
    assert_int_equal(xr_attpool_next_approval(f.p, &f.vs, &ap, f.sigs, sizeof f.sigs), 0);
    assert_int_equal(xr_attpool_last_approved(f.p, 9, XR_CONF_LATEST), 0);
    /* next block: Latest 1 by override, then Latest 2 by its quorum */
    xr_attpool_begin_block(f.p);
    assert_int_equal(xr_attpool_next_approval(f.p, &f.vs, &ap, f.sigs, sizeof f.sigs), 1);
    assert_true(ap.finalized_override);
    assert_int_equal(ap.header.conf_level, XR_CONF_LATEST);
    assert_int_equal(ap.header.offset, 1);
    assert_int_equal(ap.sig_count, 0);
    assert_int_equal(ap.signed_power, 3);
    assert_int_equal(ap.total_power, 7);
    assert_int_equal(xr_attpool_next_approval(f.p, &f.vs, &ap, f.sigs, sizeof f.sigs), 1);
    assert_false(ap.finalized_override);
    assert_int_equal(ap.header.offset, 2);
    assert_int_equal(ap.sig_count, 5);
    assert_int_equal(xr_attpool_last_approved(f.p, 9, XR_CONF_LATEST), 2);
    /* Finalized 2 and 3 approved; Latest 3 has no votes: nothing to override */
    for (uint32_t v = 0; v < 5; v++) assert_int_equal(add(&f, v, 9, XR_CONF_FINALIZED, 2, 0xf2), 0);
    for (uint32_t v = 0; v < 5; v++) assert_int_equal(add(&f, v, 9, XR_CONF_FINALIZED, 3, 0xf3), 0);
    assert_int_equal(xr_attpool_next_approval(f.p, &f.vs, &ap, f.sigs, sizeof f.sigs), 1);
    assert_int_equal(xr_attpool_next_approval(f.p, &f.vs, &ap, f.sigs, sizeof f.sigs), 1);
    assert_int_equal(xr_attpool_last_approved(f.p, 9, XR_CONF_FINALIZED), 3);
    xr_attpool_begin_block(f.p);
    assert_int_equal(xr_attpool_next_approval(f.p, &f.vs, &ap, f.sigs, sizeof f.sigs), 0);
    assert_int_equal(xr_attpool_last_approved(f.p, 9, XR_CONF_LATEST), 2);
    /* a Finalized offset split below quorum stays pending: no override */
    for (uint32_t v = 0; v < 3; v++) assert_int_equal(add(&f, v, 9, XR_CONF_FINALIZED, 4, 0xc4), 0);
    for (uint32_t v = 3; v < 6; v++) assert_int_equal(add(&f, v, 9, XR_CONF_FINALIZED, 4, 0xd4), 0);
    xr_attpool_begin_block(f.p);
    assert_int_equal(xr_attpool_next_approval(f.p, &f.vs, &ap, f.sigs, sizeof f.sigs), 0);
    assert_int_equal(xr_attpool_last_approved(f.p, 9, XR_CONF_FINALIZED), 3);
    free(f.mem);
}

/* Naive model: every vote in a flat list; approve by brute force. */
typedef struct nvote {
    uint32_t who;
    uint32_t stream;
    uint64_t offset;
    uint8_t tag;
    bool live;
} nvote;

static void test_attpool_differential_random(void **state) {
    (void)state;
    uint64_t powers[NV] = {5, 1, 2, 7, 3, 1, 4}; /* total 23, quorum > 15.33 */
    uint64_t total = 23;
    xr_attpool_cfg c;
    cfg_small(&c, 6, 4096);
    uint64_t rng = 12345;
    for (int trial = 0; trial < 20; trial++) {
        fix f;
        fix_init(&f, powers, NV, &c);
        static nvote nv[20000];
        size_t nn = 0;
        uint64_t last[3] = {0, 0, 0};
        for (int step = 0; step < 3000; step++) {
            rng = rng * 6364136223846793005u + 1442695040888963407u;
            uint32_t who = (uint32_t)(rng >> 33) % NV;
            uint32_t stream = (uint32_t)(rng >> 40) % 3;
            uint64_t offset = last[stream] + 1 + (rng >> 45) % 8; /* sometimes beyond window */
            uint8_t tag = (uint8_t)(1 + ((rng >> 52) % 8 == 0)); /* rare second root */
            int rc = add(&f, who, 100 + stream, XR_CONF_LATEST, offset, tag);
            /* model */
            int expect;
            uint64_t mid = last[stream] ? last[stream] : 1; /* keeper windowCompare */
            if (offset > mid + 6) {
                expect = XR_ERR_BFT_ATT_WINDOW;
            } else {
                expect = 0;
                for (size_t k = 0; k < nn; k++)
                    if (nv[k].live && nv[k].who == who && nv[k].stream == stream &&
                        nv[k].offset == offset) {
                        expect = nv[k].tag == tag ? XR_ERR_BFT_DUPLICATE : XR_ERR_BFT_EQUIVOCATION;
                        break;
                    }
                if (expect == 0) nv[nn++] = (nvote){who, stream, offset, tag, true};
            }
            assert_int_equal(rc, expect);
            /* drain approvals, checking against the model */
            xr_attpool_approval ap;
            for (;;) {
                int r = xr_attpool_next_approval(f.p, &f.vs, &ap, f.sigs, sizeof f.sigs);
                /* model: first stream (by chain) whose next offset has a root above quorum */
                int ms = -1;
                uint8_t mtag = 0;
                uint64_t mpow = 0;
                for (uint32_t s = 0; s < 3 && ms < 0; s++)
                    for (uint8_t tg = 1; tg <= 2 && ms < 0; tg++) {
                        uint64_t p = 0;
                        for (size_t k = 0; k < nn; k++)
                            if (nv[k].live && nv[k].stream == s && nv[k].offset == last[s] + 1 &&
                                nv[k].tag == tg)
                                p += powers[nv[k].who];
                        if (p * 3 > total * 2) {
                            ms = (int)s;
                            mtag = tg;
                            mpow = p;
                        }
                    }
                if (ms < 0) {
                    assert_int_equal(r, 0);
                    break;
                }
                assert_int_equal(r, 1);
                assert_int_equal(ap.header.source_chain_id, 100 + (uint64_t)ms);
                assert_int_equal(ap.header.offset, last[ms] + 1);
                assert_int_equal(ap.msg_root.bytes[0], mtag);
                assert_int_equal(ap.signed_power, mpow);
                /* signers: ascending, exactly the model's, each with its signature */
                uint32_t nsig = 0;
                for (uint32_t w = 0; w < NV; w++)
                    for (size_t k = 0; k < nn; k++)
                        if (nv[k].live && nv[k].stream == (uint32_t)ms &&
                            nv[k].offset == last[ms] + 1 && nv[k].tag == mtag && nv[k].who == w) {
                            const uint8_t *e = f.sigs + (size_t)nsig * XR_ATTPOOL_SIG_ENTRY_BYTES;
                            assert_true(nsig < ap.sig_count);
                            assert_int_equal(e[19], w + 1);
                            assert_int_equal(e[20], (uint8_t)(w * 16 + mtag));
                            nsig++;
                        }
                assert_int_equal(ap.sig_count, nsig);
                last[ms]++;
                for (size_t k = 0; k < nn; k++)
                    if (nv[k].live && nv[k].stream == (uint32_t)ms && nv[k].offset <= last[ms])
                        nv[k].live = false;
            }
        }
        free(f.mem);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attpool_quorum_by_power_not_before),
        cmocka_unit_test(test_attpool_offset_order_and_window),
        cmocka_unit_test(test_attpool_duplicate_and_equivocation),
        cmocka_unit_test(test_attpool_capacity),
        cmocka_unit_test(test_attpool_set_last_approved),
        cmocka_unit_test(test_attpool_capacity_reuses_freed_records),
        cmocka_unit_test(test_attpool_signers_sorted_any_order),
        cmocka_unit_test(test_attpool_vote_window),
        cmocka_unit_test(test_attpool_finalized_override),
        cmocka_unit_test(test_attpool_differential_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
