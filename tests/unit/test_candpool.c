/*
** Tests of the candidate-vote pool (protocol/xr_candpool): find, insert,
** remove, the two lists, capacity and reuse of freed records, the index
** growing and shrinking, sorting, and a differential test against a naive
** array on a random stream of inserts and removals (xr_candpool_check after
** every step), and the memory-in-use figures of the pool and of the
** consensus core (xr_bft_mem_in_use) used for memory estimates.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "xr_bft.h"
#include "xr_candpool.h"
#include "xr_err.h"

static xr_candpool *pool_new(uint32_t cap, void **mem) {
    size_t sz = xr_candpool_mem_size(cap);
    assert_true(sz > 0);
    *mem = aligned_alloc(16, (sz + 15) & ~(size_t)15);
    assert_non_null(*mem);
    xr_candpool *p = NULL;
    assert_int_equal(xr_candpool_init(&p, *mem, sz, cap), 0);
    return p;
}

static xr_att_vote vote(uint8_t validator, uint64_t chain, uint8_t level, uint64_t offset) {
    xr_att_vote v;
    memset(&v, 0, sizeof v);
    v.validator[19] = validator;
    v.header.source_chain_id = chain;
    v.header.consensus_chain_id = 1;
    v.header.conf_level = level;
    v.header.offset = offset;
    v.root.bytes[0] = (uint8_t)(offset * 7u + validator);
    return v;
}

static void test_candpool_init_limits(void **state) {
    (void)state;
    assert_int_equal(xr_candpool_mem_size(0), 0);
    assert_int_equal(xr_candpool_mem_size((1u << 24) + 1u), 0);
    uint8_t small[64] __attribute__((aligned(16)));
    xr_candpool *p = NULL;
    assert_int_equal(xr_candpool_init(&p, small, sizeof small, 4), XR_ERR_NOSPACE);
    assert_int_equal(xr_candpool_init(&p, small + 1, sizeof small - 1, 4), XR_ERR_INVALID_ARG);
    assert_int_equal(xr_candpool_init(&p, small, sizeof small, 0), XR_ERR_INVALID_ARG);
}

static void test_candpool_find_insert_remove(void **state) {
    (void)state;
    void *mem;
    xr_candpool *p = pool_new(4, &mem);
    xr_att_vote a = vote(1, 10, 1, 5), b = vote(2, 10, 1, 5), c = vote(1, 10, 2, 5);
    assert_int_equal(xr_candpool_find(p, a.validator, &a.header), XR_CANDPOOL_NONE);
    uint32_t ia = xr_candpool_insert(p, &a, true);
    uint32_t ib = xr_candpool_insert(p, &b, false);
    uint32_t ic = xr_candpool_insert(p, &c, false);
    assert_int_not_equal(ia, XR_CANDPOOL_NONE);
    assert_int_equal(xr_candpool_count(p), 3);
    /* same validator and offset, other level: a different key */
    assert_int_equal(xr_candpool_find(p, a.validator, &a.header), ia);
    assert_int_equal(xr_candpool_find(p, c.validator, &c.header), ic);
    assert_int_equal(xr_candpool_find(p, b.validator, &b.header), ib);
    assert_memory_equal(xr_candpool_vote(p, ib), &b, sizeof b);
    /* lists: one own, two peers' */
    assert_int_equal(xr_candpool_first(p, true), ia);
    assert_int_equal(xr_candpool_next(p, ia), XR_CANDPOOL_NONE);
    uint32_t n = 0;
    for (uint32_t i = xr_candpool_first(p, false); i != XR_CANDPOOL_NONE; i = xr_candpool_next(p, i)) n++;
    assert_int_equal(n, 2);
    xr_candpool_check(p);
    xr_candpool_remove(p, ib);
    assert_int_equal(xr_candpool_find(p, b.validator, &b.header), XR_CANDPOOL_NONE);
    assert_int_equal(xr_candpool_count(p), 2);
    xr_candpool_check(p);
    /* full at cap; a freed record is reused first */
    xr_att_vote d = vote(3, 11, 1, 6), e = vote(4, 11, 1, 6), f = vote(5, 11, 1, 6);
    assert_int_equal(xr_candpool_insert(p, &d, false), ib);
    assert_int_not_equal(xr_candpool_insert(p, &e, false), XR_CANDPOOL_NONE);
    assert_int_equal(xr_candpool_insert(p, &f, false), XR_CANDPOOL_NONE);
    assert_int_equal(xr_candpool_count(p), 4);
    xr_candpool_check(p);
    free(mem);
}

static void test_candpool_sort(void **state) {
    (void)state;
    void *mem;
    xr_candpool *p = pool_new(16, &mem);
    uint32_t idx[8];
    for (uint32_t k = 0; k < 8; k++) {
        xr_att_vote v = vote((uint8_t)(8 - k), 10 + (k % 3), 1, 100 - k);
        idx[k] = xr_candpool_insert(p, &v, k % 2 == 0);
    }
    xr_candpool_sort(p, idx, 8);
    for (uint32_t k = 1; k < 8; k++)
        assert_true(xr_att_vote_cmp(xr_candpool_vote(p, idx[k - 1]), xr_candpool_vote(p, idx[k])) < 0);
    free(mem);
}

/* Differential: the pool against a naive array of keys, through enough
** inserts to grow the index several times and enough removals to shrink it. */
static void test_candpool_matches_naive_model(void **state) {
    (void)state;
    enum { CAP = 3000, STEPS = 40000 };
    void *mem;
    xr_candpool *p = pool_new(CAP, &mem);
    static xr_att_vote model[CAP];
    static uint32_t rec[CAP];
    uint32_t n = 0;
    uint64_t s = 12345;
    for (uint32_t step = 0; step < STEPS; step++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        uint32_t r = (uint32_t)(s >> 33);
        /* grow for the first half, then drain */
        bool grow = step < STEPS / 2 ? (r % 4 != 0) : (r % 4 == 0);
        xr_att_vote v = vote((uint8_t)(r % 50), 1 + (r >> 8) % 8, 1 + (r >> 12) % 2, (r >> 14) % 64);
        uint32_t at = n;
        for (uint32_t k = 0; k < n; k++)
            if (memcmp(model[k].validator, v.validator, 20) == 0 &&
                model[k].header.source_chain_id == v.header.source_chain_id &&
                model[k].header.conf_level == v.header.conf_level &&
                model[k].header.offset == v.header.offset)
                at = k;
        uint32_t found = xr_candpool_find(p, v.validator, &v.header);
        assert_int_equal(found == XR_CANDPOOL_NONE, at == n);
        if (at < n) {
            assert_int_equal(found, rec[at]);
            if (!grow) {
                xr_candpool_remove(p, found);
                model[at] = model[n - 1];
                rec[at] = rec[n - 1];
                n--;
            }
        } else if (grow) {
            uint32_t i = xr_candpool_insert(p, &v, r % 3 == 0);
            assert_int_equal(i == XR_CANDPOOL_NONE, n == CAP);
            if (i != XR_CANDPOOL_NONE) {
                model[n] = v;
                rec[n++] = i;
            }
        }
        assert_int_equal(xr_candpool_count(p), n);
        if (step % 97 == 0) xr_candpool_check(p);
    }
    xr_candpool_check(p);
    free(mem);
}

/* What a pool touches follows what it holds, up to its whole block. */
static void test_candpool_mem_in_use_follows_holdings(void **state) {
    (void)state;
    uint32_t cap = 65536;
    size_t all = xr_candpool_mem_size(cap);
    size_t none = xr_candpool_mem_in_use(cap, 0), some = xr_candpool_mem_in_use(cap, 1000);
    assert_true(none > 0 && none < some && some < all / 16);
    assert_true(xr_candpool_mem_in_use(cap, cap) <= all);
    assert_true(xr_candpool_mem_in_use(cap, cap) > all - all / 64);
    assert_int_equal(xr_candpool_mem_in_use(cap, UINT32_MAX), xr_candpool_mem_in_use(cap, cap));
    assert_int_equal(xr_candpool_mem_in_use(0, 5), 0);
}

/* The consensus core's estimate: within its block, growing with votes. */
static void test_bft_mem_in_use_within_block(void **state) {
    (void)state;
    xr_bft_cfg c;
    xr_bft_cfg_default(&c);
    c.max_validators = 200;
    c.max_block_votes = 8192;
    c.pending_votes = 65536;
    size_t all = xr_bft_mem_size(&c);
    size_t small = xr_bft_mem_in_use(&c, 100, 300), big = xr_bft_mem_in_use(&c, 4000, 12000);
    assert_true(small > 0 && small < big && big < all);
    assert_true(xr_bft_mem_in_use(&c, UINT32_MAX, UINT32_MAX) <= all);
    /* full pools; two of the 16 block slots plus the history */
    assert_true(xr_bft_mem_in_use(&c, UINT32_MAX, UINT32_MAX) > all / 2);
    c.round_slots = 1; /* unusable */
    assert_int_equal(xr_bft_mem_in_use(&c, 1, 1), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_candpool_init_limits),
        cmocka_unit_test(test_candpool_find_insert_remove),
        cmocka_unit_test(test_candpool_sort),
        cmocka_unit_test(test_candpool_matches_naive_model),
        cmocka_unit_test(test_candpool_mem_in_use_follows_holdings),
        cmocka_unit_test(test_bft_mem_in_use_within_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
