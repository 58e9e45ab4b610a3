/*
** Tests of the restaking contract (protocol/xr_restake): every error path
** (and that it leaves every byte of the state as it was), delegation and
** power, the withdrawal queue staying slashable until completion, the veto
** window, freezing, ejection, slash_ppm rounding, evidence of all three kinds
** submitted end to end with real secp256k1 signatures, and a differential
** property test: random operation streams (200 seeds x 500 operations) run
** against the contract and a naive reference model, with the ledger check
** and the conservation identity after every operation.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "votes.h"
#include <stdlib.h>
#include <string.h>

#include "crypto/sig_secp.h"
#include "xr_attest.h"
#include "xr_bft.h"
#include "xr_evidence.h"
#include "xr_restake.h"

__extension__ typedef unsigned __int128 u128;

/* ---- fixture --------------------------------------------------------------- */

typedef struct rs {
    xr_restake *r;
    void *mem;
    uint8_t *snap;
    size_t len;
} rs;

static void rs_new(rs *t, const xr_restake_cfg *c) {
    t->len = xr_restake_mem_size(c);
    assert_true(t->len > 0);
    t->mem = aligned_alloc(16, (t->len + 15u) & ~(size_t)15u);
    t->snap = malloc(t->len);
    assert_non_null(t->mem);
    assert_non_null(t->snap);
    assert_int_equal(xr_restake_init(&t->r, t->mem, t->len, c), 0);
    assert_int_equal(xr_restake_check(t->r), 0);
}

static void rs_free(rs *t) {
    free(t->mem);
    free(t->snap);
}

/* A call that must fail with `code` and change nothing. */
#define EXPECT_ERR(t, call, code)                                        \
    do {                                                                 \
        memcpy((t)->snap, (t)->mem, (t)->len);                           \
        assert_int_equal((call), (code));                                \
        assert_int_equal(memcmp((t)->snap, (t)->mem, (t)->len), 0);      \
        assert_int_equal(xr_restake_check((t)->r), 0);                   \
    } while (0)

#define EXPECT_OK(t, call)                                               \
    do {                                                                 \
        assert_int_equal((call), 0);                                     \
        assert_int_equal(xr_restake_check((t)->r), 0);                   \
    } while (0)

/* Operator addresses start 0x0?, staker addresses 0x5?; spread bytes so
** the sorted order differs from creation order. */
static xr_address opa(uint32_t i) {
    xr_address a;
    memset(a.bytes, 0, 20);
    a.bytes[0] = (uint8_t)(0x40u - 7u * i);
    a.bytes[19] = (uint8_t)(i + 1u);
    return a;
}

static xr_address sta(uint32_t i) {
    xr_address a;
    memset(a.bytes, 0, 20);
    a.bytes[0] = 0x50;
    a.bytes[1] = (uint8_t)(i * 13u);
    a.bytes[19] = (uint8_t)(i + 1u);
    return a;
}

static void key_n(uint32_t n, uint8_t key[32]) {
    memset(key, 0, 32);
    key[0] = 0x4b;
    key[31] = (uint8_t)n;
    key[30] = (uint8_t)(n >> 8);
}

static void small_cfg(xr_restake_cfg *c) {
    xr_restake_cfg_default(c);
    c->max_operators = 3;
    c->max_stakers = 4;
    c->max_withdrawals = 3;
    c->max_slashings = 3;
    c->withdrawal_delay_ns = 1000;
    c->veto_window_ns = 0;
    c->slash_ppm = 500000;
    c->eject_on_slash = false;
    c->freeze_on_request = false;
}

static uint64_t totals_sum_ok(const xr_restake *r) {
    xr_restake_totals t;
    xr_restake_totals_get(r, &t);
    assert_int_equal(t.deposited, t.active + t.queued + t.withdrawn + t.slashed);
    return t.deposited;
}

/* ---- configuration and init -------------------------------------------- */

static void test_restake_cfg_and_init(void **state) {
    (void)state;
    xr_restake_cfg c;
    xr_restake_cfg_default(&c);
    assert_int_equal(c.max_operators, 4096);
    assert_int_equal(c.max_stakers, 65536);
    assert_int_equal(c.max_withdrawals, 65536);
    assert_int_equal(c.max_slashings, 4096);
    assert_int_equal(c.withdrawal_delay_ns, 1209600000000000ull);
    assert_int_equal(c.veto_window_ns, 0);
    assert_int_equal(c.slash_ppm, 1000000);
    assert_true(c.eject_on_slash);
    assert_false(c.freeze_on_request);
    assert_true(xr_restake_mem_size(&c) > 0);
    xr_restake_cfg b = c;
    b.max_operators = 0;
    assert_int_equal(xr_restake_mem_size(&b), 0);
    b = c;
    b.max_stakers = 0;
    assert_int_equal(xr_restake_mem_size(&b), 0);
    b = c;
    b.max_withdrawals = 0;
    assert_int_equal(xr_restake_mem_size(&b), 0);
    b = c;
    b.max_slashings = XR_RESTAKE_MAX_CAP + 1u;
    assert_int_equal(xr_restake_mem_size(&b), 0);
    b = c;
    b.slash_ppm = 0;
    assert_int_equal(xr_restake_mem_size(&b), 0);
    b.slash_ppm = 1000001;
    assert_int_equal(xr_restake_mem_size(&b), 0);
    assert_int_equal(xr_restake_mem_size(NULL), 0);

    small_cfg(&c);
    size_t len = xr_restake_mem_size(&c);
    uint8_t *mem = aligned_alloc(16, len + 32);
    assert_non_null(mem);
    xr_restake *r = NULL;
    assert_int_equal(xr_restake_init(&r, mem, len - 1, &c), XR_ERR_NOSPACE);
    assert_int_equal(xr_restake_init(&r, mem + 8, len, &c), XR_ERR_INVALID_ARG);
    assert_int_equal(xr_restake_init(&r, NULL, len, &c), XR_ERR_INVALID_ARG);
    assert_int_equal(xr_restake_init(&r, mem, len, &b), XR_ERR_INVALID_ARG);
    assert_null(r);
    assert_int_equal(xr_restake_init(&r, mem, len, &c), 0);
    assert_ptr_equal(r, mem);
    xr_restake_totals t;
    xr_restake_totals_get(r, &t);
    assert_int_equal(t.deposited + t.active + t.queued + t.withdrawn + t.slashed, 0);
    uint32_t n = 7;
    assert_int_equal(xr_restake_powers(r, 0, NULL, 0, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(xr_restake_check(r), 0);
    free(mem);
}

/* ---- error paths ----------------------------------------------------------- */

static void test_restake_operator_errors(void **state) {
    (void)state;
    xr_restake_cfg c;
    small_cfg(&c);
    rs t;
    rs_new(&t, &c);
    xr_address zero;
    memset(&zero, 0, sizeof zero);
    EXPECT_ERR(&t, xr_restake_register_operator(t.r, &zero, 1), XR_ERR_BAD_VALUE);
    EXPECT_ERR(&t, xr_restake_deregister_operator(t.r, &zero, 1), XR_ERR_RESTAKE_UNKNOWN);
    xr_address o0 = opa(0), o1 = opa(1), o2 = opa(2), o3 = opa(3);
    EXPECT_ERR(&t, xr_restake_deregister_operator(t.r, &o0, 1), XR_ERR_RESTAKE_UNKNOWN);
    EXPECT_OK(&t, xr_restake_register_operator(t.r, &o0, 10));
    EXPECT_ERR(&t, xr_restake_register_operator(t.r, &o0, 11), XR_ERR_RESTAKE_REGISTERED);
    EXPECT_OK(&t, xr_restake_register_operator(t.r, &o1, 12));
    EXPECT_OK(&t, xr_restake_register_operator(t.r, &o2, 13));
    EXPECT_ERR(&t, xr_restake_register_operator(t.r, &o3, 14), XR_ERR_CAPACITY);
    EXPECT_OK(&t, xr_restake_deregister_operator(t.r, &o1, 20));
    EXPECT_ERR(&t, xr_restake_deregister_operator(t.r, &o1, 21), XR_ERR_RESTAKE_NOT_REGISTERED);
    /* a deregistered operator may come back; capacity counts records */
    EXPECT_OK(&t, xr_restake_register_operator(t.r, &o1, 30));
    EXPECT_ERR(&t, xr_restake_register_operator(t.r, &o3, 31), XR_ERR_CAPACITY);
    xr_restake_operator_info oi;
    assert_int_equal(xr_restake_operator_get(t.r, &o1, &oi), 0);
    assert_true(oi.registered);
    assert_false(oi.ejected);
    assert_int_equal(oi.registered_ns, 30);
    assert_int_equal(oi.deregistered_ns, 20);
    assert_int_equal(xr_restake_operator_get(t.r, &o3, &oi), XR_ERR_RESTAKE_UNKNOWN);
    assert_int_equal(xr_restake_operator_power(t.r, &o3, 0), 0);
    rs_free(&t);
}

static void test_restake_staker_and_withdrawal_errors(void **state) {
    (void)state;
    xr_restake_cfg c;
    small_cfg(&c);
    c.freeze_on_request = true;
    rs t;
    rs_new(&t, &c);
    xr_address zero;
    memset(&zero, 0, sizeof zero);
    xr_address o0 = opa(0), o1 = opa(1), s0 = sta(0), s1 = sta(1), s4 = sta(4);
    uint64_t id = 0, paid = 0;
    /* deposits */
    EXPECT_ERR(&t, xr_restake_deposit(t.r, &s0, 0, 1), XR_ERR_BAD_VALUE);
    EXPECT_ERR(&t, xr_restake_deposit(t.r, &zero, 5, 1), XR_ERR_BAD_VALUE);
    EXPECT_OK(&t, xr_restake_deposit(t.r, &s0, 100, 1));
    EXPECT_OK(&t, xr_restake_deposit(t.r, &s1, 50, 1));
    xr_address s2 = sta(2), s3 = sta(3);
    EXPECT_OK(&t, xr_restake_deposit(t.r, &s2, 1, 1));
    EXPECT_OK(&t, xr_restake_deposit(t.r, &s3, 1, 1));
    EXPECT_ERR(&t, xr_restake_deposit(t.r, &s4, 1, 1), XR_ERR_CAPACITY);
    EXPECT_ERR(&t, xr_restake_deposit(t.r, &s0, UINT64_MAX - 100, 1), XR_ERR_OVERFLOW);
    EXPECT_OK(&t, xr_restake_deposit(t.r, &s3, UINT64_MAX - 152, 1)); /* exactly the cap */
    EXPECT_ERR(&t, xr_restake_deposit(t.r, &s0, 1, 1), XR_ERR_OVERFLOW);
    assert_int_equal(totals_sum_ok(t.r), UINT64_MAX);
    /* delegation */
    EXPECT_ERR(&t, xr_restake_delegate(t.r, &s4, &o0, 2), XR_ERR_RESTAKE_UNKNOWN);
    EXPECT_ERR(&t, xr_restake_delegate(t.r, &s0, &o0, 2), XR_ERR_RESTAKE_UNKNOWN);
    EXPECT_OK(&t, xr_restake_register_operator(t.r, &o0, 2));
    EXPECT_OK(&t, xr_restake_register_operator(t.r, &o1, 2));
    EXPECT_OK(&t, xr_restake_deregister_operator(t.r, &o1, 2));
    EXPECT_ERR(&t, xr_restake_delegate(t.r, &s0, &o1, 2), XR_ERR_RESTAKE_NOT_REGISTERED);
    EXPECT_ERR(&t, xr_restake_undelegate(t.r, &s0, 2, &id), XR_ERR_RESTAKE_NOT_DELEGATED);
    EXPECT_ERR(&t, xr_restake_undelegate(t.r, &s4, 2, &id), XR_ERR_RESTAKE_UNKNOWN);
    EXPECT_OK(&t, xr_restake_delegate(t.r, &s0, &o0, 2));
    EXPECT_ERR(&t, xr_restake_delegate(t.r, &s0, &o0, 2), XR_ERR_RESTAKE_DELEGATED);
    EXPECT_OK(&t, xr_restake_register_operator(t.r, &o1, 3));
    EXPECT_ERR(&t, xr_restake_delegate(t.r, &s0, &o1, 3), XR_ERR_RESTAKE_DELEGATED);
    EXPECT_OK(&t, xr_restake_delegate(t.r, &s1, &o1, 3));
    assert_int_equal(xr_restake_operator_power(t.r, &o0, 0), 100);
    assert_int_equal(xr_restake_operator_power(t.r, &o1, 0), 50);
    /* withdrawals */
    EXPECT_ERR(&t, xr_restake_queue_withdrawal(t.r, &s0, 0, 5, &id), XR_ERR_BAD_VALUE);
    EXPECT_ERR(&t, xr_restake_queue_withdrawal(t.r, &s4, 1, 5, &id), XR_ERR_RESTAKE_UNKNOWN);
    EXPECT_ERR(&t, xr_restake_queue_withdrawal(t.r, &s0, 101, 5, &id), XR_ERR_RESTAKE_INSUFFICIENT);
    uint64_t w0 = 0, w1 = 0, w2 = 0;
    EXPECT_OK(&t, xr_restake_queue_withdrawal(t.r, &s0, 10, 5, &w0));
    EXPECT_OK(&t, xr_restake_queue_withdrawal(t.r, &s0, 10, 6, &w1));
    EXPECT_OK(&t, xr_restake_queue_withdrawal(t.r, &s1, 10, 7, &w2));
    assert_true(w0 != 0 && w1 != 0 && w2 != 0 && w0 != w1 && w1 != w2 && w0 != w2);
    EXPECT_ERR(&t, xr_restake_queue_withdrawal(t.r, &s0, 10, 8, &id), XR_ERR_CAPACITY);
    EXPECT_ERR(&t, xr_restake_undelegate(t.r, &s0, 8, &id), XR_ERR_CAPACITY);
    assert_int_equal(xr_restake_operator_power(t.r, &o0, 0), 80);
    /* completion */
    EXPECT_ERR(&t, xr_restake_complete_withdrawal(t.r, 0, 5000, &paid), XR_ERR_RESTAKE_UNKNOWN);
    EXPECT_ERR(&t, xr_restake_complete_withdrawal(t.r, UINT64_MAX, 5000, &paid), XR_ERR_RESTAKE_UNKNOWN);
    EXPECT_ERR(&t, xr_restake_complete_withdrawal(t.r, w2 + 3 * c.max_withdrawals, 5000, &paid),
               XR_ERR_RESTAKE_UNKNOWN);
    /* queued at 5 with a 1000 delay: slashable through 1005, completable
    ** strictly after (DelegationManager._completeQueuedWithdrawal:
    ** block.number > startBlock + MIN_WITHDRAWAL_DELAY_BLOCKS) */
    EXPECT_ERR(&t, xr_restake_complete_withdrawal(t.r, w0, 1004, &paid), XR_ERR_RESTAKE_NOT_READY);
    EXPECT_ERR(&t, xr_restake_complete_withdrawal(t.r, w0, 1005, &paid), XR_ERR_RESTAKE_NOT_READY);
    EXPECT_OK(&t, xr_restake_complete_withdrawal(t.r, w0, 1006, &paid));
    assert_int_equal(paid, 10);
    EXPECT_ERR(&t, xr_restake_complete_withdrawal(t.r, w0, 1007, &paid), XR_ERR_RESTAKE_DONE);
    xr_restake_withdrawal_info wi;
    assert_int_equal(xr_restake_withdrawal_get(t.r, w0, &wi), XR_ERR_RESTAKE_DONE);
    /* the freed slot is reused under a new id; the old id stays done */
    EXPECT_OK(&t, xr_restake_queue_withdrawal(t.r, &s0, 5, 1100, &id));
    assert_true(id != w0 && id != w1 && id != w2);
    EXPECT_ERR(&t, xr_restake_complete_withdrawal(t.r, w0, 5000, &paid), XR_ERR_RESTAKE_DONE);
    assert_int_equal(xr_restake_withdrawal_get(t.r, id, &wi), 0);
    assert_int_equal(wi.amount_gwei, 5);
    assert_int_equal(wi.queued_ns, 1100);
    assert_int_equal(wi.slashable_until_ns, 2100);
    assert_int_equal(wi.completable_ns, 2101);
    assert_true(wi.delegated);
    assert_memory_equal(wi.op.bytes, o0.bytes, 20);
    /* slash requests */
    uint8_t k[32];
    uint64_t q = 0, sl = 0;
    key_n(1, k);
    xr_address o2 = opa(2);
    EXPECT_ERR(&t, xr_restake_slash_request(t.r, &o2, k, 1000, &q), XR_ERR_RESTAKE_UNKNOWN);
    EXPECT_OK(&t, xr_restake_slash_request(t.r, &o1, k, 1000, &q));
    assert_int_equal(q, 1);
    EXPECT_ERR(&t, xr_restake_slash_request(t.r, &o0, k, 1000, &q), XR_ERR_RESTAKE_DUPLICATE);
    /* frozen: w2 is o1's, and o1 has a pending request */
    EXPECT_ERR(&t, xr_restake_complete_withdrawal(t.r, w2, 5000, &paid), XR_ERR_RESTAKE_FROZEN);
    EXPECT_ERR(&t, xr_restake_veto(t.r, 0, 1000), XR_ERR_RESTAKE_UNKNOWN);
    EXPECT_ERR(&t, xr_restake_veto(t.r, 2, 1000), XR_ERR_RESTAKE_UNKNOWN);
    EXPECT_ERR(&t, xr_restake_veto(t.r, 1, 1000), XR_ERR_RESTAKE_WINDOW); /* zero window */
    EXPECT_ERR(&t, xr_restake_slash_execute(t.r, 0, 1000, &sl), XR_ERR_RESTAKE_UNKNOWN);
    EXPECT_ERR(&t, xr_restake_slash_execute(t.r, 9, 1000, &sl), XR_ERR_RESTAKE_UNKNOWN);
    EXPECT_OK(&t, xr_restake_slash_execute(t.r, 1, 1000, &sl));
    assert_int_equal(sl, 20 + 5); /* half of s1's active 40 and of w2's 10 (slashable to 1007) */
    EXPECT_ERR(&t, xr_restake_slash_execute(t.r, 1, 1300, &sl), XR_ERR_RESTAKE_CLOSED);
    EXPECT_ERR(&t, xr_restake_veto(t.r, 1, 1300), XR_ERR_RESTAKE_CLOSED);
    EXPECT_OK(&t, xr_restake_complete_withdrawal(t.r, w2, 5000, &paid));
    assert_int_equal(paid, 5);
    key_n(2, k);
    EXPECT_OK(&t, xr_restake_slash_request(t.r, &o0, k, 5000, &q));
    key_n(3, k);
    EXPECT_OK(&t, xr_restake_slash_request(t.r, &o0, k, 5000, &q));
    key_n(4, k);
    EXPECT_ERR(&t, xr_restake_slash_request(t.r, &o0, k, 5000, &q), XR_ERR_CAPACITY);
    xr_restake_request_info ri;
    assert_int_equal(xr_restake_request_get(t.r, 4, &ri), XR_ERR_RESTAKE_UNKNOWN);
    assert_int_equal(xr_restake_request_find(t.r, k, &q), XR_ERR_RESTAKE_UNKNOWN);
    key_n(1, k);
    assert_int_equal(xr_restake_request_find(t.r, k, &q), 0);
    assert_int_equal(q, 1);
    assert_int_equal(xr_restake_request_get(t.r, 1, &ri), 0);
    assert_int_equal(ri.state, XR_RESTAKE_REQ_EXECUTED);
    assert_int_equal(ri.slashed_gwei, 25);
    assert_int_equal(ri.closed_ns, 1000);
    assert_memory_equal(ri.op.bytes, o1.bytes, 20);
    xr_restake_staker_info si;
    assert_int_equal(xr_restake_staker_get(t.r, &s4, &si), XR_ERR_RESTAKE_UNKNOWN);
    assert_int_equal(xr_restake_staker_get(t.r, &s1, &si), 0);
    assert_int_equal(si.deposited_gwei, 50);
    assert_int_equal(si.active_gwei, 20);
    assert_int_equal(si.withdrawn_gwei, 5);
    assert_int_equal(si.slashed_gwei, 25);
    totals_sum_ok(t.r);
    rs_free(&t);
}

/* ---- delegation and power ------------------------------------------------- */

static void test_restake_delegation_and_powers(void **state) {
    (void)state;
    xr_restake_cfg c;
    small_cfg(&c);
    rs t;
    rs_new(&t, &c);
    xr_address o0 = opa(0), o1 = opa(1), o2 = opa(2), s0 = sta(0), s1 = sta(1), s2 = sta(2);
    EXPECT_OK(&t, xr_restake_register_operator(t.r, &o0, 1));
    EXPECT_OK(&t, xr_restake_register_operator(t.r, &o1, 1));
    EXPECT_OK(&t, xr_restake_register_operator(t.r, &o2, 1));
    EXPECT_OK(&t, xr_restake_deposit(t.r, &s0, 300, 1));
    EXPECT_OK(&t, xr_restake_deposit(t.r, &s1, 200, 1));
    EXPECT_OK(&t, xr_restake_deposit(t.r, &s2, 7, 1));
    EXPECT_OK(&t, xr_restake_delegate(t.r, &s0, &o0, 2));
    EXPECT_OK(&t, xr_restake_delegate(t.r, &s1, &o2, 2));
    EXPECT_OK(&t, xr_restake_delegate(t.r, &s2, &o2, 2));
    /* deposits after delegation follow it */
    EXPECT_OK(&t, xr_restake_deposit(t.r, &s2, 3, 3));
    assert_int_equal(xr_restake_operator_power(t.r, &o0, 0), 300);
    assert_int_equal(xr_restake_operator_power(t.r, &o1, 0), 0);
    assert_int_equal(xr_restake_operator_power(t.r, &o2, 0), 210);
    /* powers: registered with power > 0, ascending by address */
    xr_validator v[3];
    uint32_t n = 0;
    assert_int_equal(xr_restake_powers(t.r, 0, v, 3, &n), 0);
    assert_int_equal(n, 2);
    assert_true(memcmp(v[0].addr.bytes, v[1].addr.bytes, 20) < 0);
    assert_memory_equal(v[0].addr.bytes, o2.bytes, 20); /* o2 sorts first */
    assert_int_equal(v[0].power, 210);
    assert_int_equal(v[1].power, 300);
    assert_int_equal(xr_restake_powers(t.r, 0, v, 1, &n), XR_ERR_CAPACITY);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].power, 210);
    /* a valid validator set can be built from it */
    xr_validator store[3];
    xr_valset vs;
    xr_valset_init(&vs, store, 3);
    assert_int_equal(xr_restake_powers(t.r, 0, v, 3, &n), 0);
    assert_int_equal(xr_valset_set(&vs, 1, v, n), 0);
    assert_int_equal(vs.total_power, 510);
    /* deregistered: no power, stakers stay delegated, deposits still follow */
    EXPECT_OK(&t, xr_restake_deregister_operator(t.r, &o2, 4));
    assert_int_equal(xr_restake_operator_power(t.r, &o2, 0), 0);
    EXPECT_OK(&t, xr_restake_deposit(t.r, &s1, 100, 5));
    xr_restake_operator_info oi;
    assert_int_equal(xr_restake_operator_get(t.r, &o2, &oi), 0);
    assert_int_equal(oi.delegated_gwei, 310);
    assert_int_equal(oi.staker_count, 2);
    assert_int_equal(xr_restake_powers(t.r, 0, v, 3, &n), 0);
    assert_int_equal(n, 1);
    EXPECT_OK(&t, xr_restake_register_operator(t.r, &o2, 6));
    assert_int_equal(xr_restake_operator_power(t.r, &o2, 0), 310);
    /* undelegate queues everything and frees the staker to move */
    uint64_t id = 0;
    EXPECT_OK(&t, xr_restake_undelegate(t.r, &s1, 7, &id));
    assert_true(id != 0);
    assert_int_equal(xr_restake_operator_power(t.r, &o2, 0), 10);
    xr_restake_withdrawal_info wi;
    assert_int_equal(xr_restake_withdrawal_get(t.r, id, &wi), 0);
    assert_int_equal(wi.amount_gwei, 300);
    assert_true(wi.delegated);
    assert_memory_equal(wi.op.bytes, o2.bytes, 20);
    EXPECT_OK(&t, xr_restake_delegate(t.r, &s1, &o1, 8));
    assert_int_equal(xr_restake_operator_power(t.r, &o1, 0), 0);
    EXPECT_OK(&t, xr_restake_deposit(t.r, &s1, 40, 9));
    assert_int_equal(xr_restake_operator_power(t.r, &o1, 0), 40);
    /* undelegating with nothing active queues nothing */
    EXPECT_OK(&t, xr_restake_queue_withdrawal(t.r, &s1, 40, 10, &id));
    uint64_t id2 = 99;
    EXPECT_OK(&t, xr_restake_undelegate(t.r, &s1, 11, &id2));
    assert_int_equal(id2, 0);
    xr_restake_staker_info si;
    assert_int_equal(xr_restake_staker_get(t.r, &s1, &si), 0);
    assert_false(si.delegated);
    assert_int_equal(si.queued_gwei, 340);
    totals_sum_ok(t.r);
    rs_free(&t);
}

/* ---- slashing of queued stake ---------------------------------------------- */

/* DelegationManager (EigenLayer, slashing release): a queued withdrawal is
** slashable only until slashableUntil = startBlock +
** MIN_WITHDRAWAL_DELAY_BLOCKS (inclusive: _completeQueuedWithdrawal reads
** the slashing factor at that block and requires block.number > it), not
** until it is completed. */
static void test_restake_queued_stake_slashable_until_start_plus_delay(void **state) {
    (void)state;
    xr_restake_cfg c;
    small_cfg(&c);
    c.max_withdrawals = 8;
    c.max_slashings = 8;
    c.slash_ppm = 250000; /* a quarter */
    rs t;
    rs_new(&t, &c);
    xr_address o0 = opa(0), s0 = sta(0), s1 = sta(1);
    uint8_t k[32];
    uint64_t wa, wb, wc, wu, q, sl, paid;
    EXPECT_OK(&t, xr_restake_register_operator(t.r, &o0, 0));
    EXPECT_OK(&t, xr_restake_deposit(t.r, &s0, 4000, 0));
    EXPECT_OK(&t, xr_restake_deposit(t.r, &s1, 800, 0));
    /* s1 queues 400 while undelegated: never slashable */
    EXPECT_OK(&t, xr_restake_queue_withdrawal(t.r, &s1, 400, 0, &wu));
    EXPECT_OK(&t, xr_restake_delegate(t.r, &s0, &o0, 0));
    EXPECT_OK(&t, xr_restake_delegate(t.r, &s1, &o0, 0));
    EXPECT_OK(&t, xr_restake_queue_withdrawal(t.r, &s0, 1000, 100, &wa)); /* slashable to 1100 */
    EXPECT_OK(&t, xr_restake_queue_withdrawal(t.r, &s0, 1000, 200, &wb)); /* slashable to 1200 */
    EXPECT_OK(&t, xr_restake_queue_withdrawal(t.r, &s0, 1000, 300, &wc)); /* slashable to 1300 */
    assert_int_equal(xr_restake_operator_power(t.r, &o0, 0), 1000 + 400);
    /* a slash inside the delay reaches active and queued stake alike */
    key_n(1, k);
    EXPECT_OK(&t, xr_restake_slash_request(t.r, &o0, k, 500, &q));
    EXPECT_OK(&t, xr_restake_slash_execute(t.r, q, 500, &sl));
    assert_int_equal(sl, 250 + 100 + 3 * 250);
    xr_restake_withdrawal_info wi;
    assert_int_equal(xr_restake_withdrawal_get(t.r, wa, &wi), 0);
    assert_int_equal(wi.remaining_gwei, 750);
    assert_int_equal(wi.slashed_gwei, 250);
    assert_int_equal(wi.slashable_until_ns, 100 + 1000);
    assert_int_equal(wi.completable_ns, 100 + 1000 + 1);
    assert_int_equal(xr_restake_withdrawal_get(t.r, wu, &wi), 0);
    assert_int_equal(wi.remaining_gwei, 400);
    /* wa completes after its delay and leaves the slashable set */
    EXPECT_OK(&t, xr_restake_complete_withdrawal(t.r, wa, 1101, &paid));
    assert_int_equal(paid, 750);
    /* at 1200 wb is at its last slashable instant; wc inside its delay */
    key_n(4, k);
    EXPECT_OK(&t, xr_restake_slash_request(t.r, &o0, k, 1200, &q));
    EXPECT_OK(&t, xr_restake_slash_execute(t.r, q, 1200, &sl));
    /* a quarter of: active s0 750 and s1 300, wb 750, wc 750 */
    assert_int_equal(sl, 187 + 75 + 187 + 187);
    /* at 1250 wb's delay is over and it is not completed: no longer
    ** slashable, completed or not; wc (to 1300) still is */
    key_n(2, k);
    EXPECT_OK(&t, xr_restake_slash_request(t.r, &o0, k, 1250, &q));
    EXPECT_OK(&t, xr_restake_slash_execute(t.r, q, 1250, &sl));
    /* a quarter of: active s0 563 and s1 225, wc 563; wb untouched */
    assert_int_equal(sl, 140 + 56 + 140);
    assert_int_equal(xr_restake_withdrawal_get(t.r, wb, &wi), 0);
    assert_int_equal(wi.remaining_gwei, 563);
    EXPECT_OK(&t, xr_restake_complete_withdrawal(t.r, wb, 1250, &paid));
    assert_int_equal(paid, 563);
    EXPECT_OK(&t, xr_restake_complete_withdrawal(t.r, wu, 1250, &paid));
    assert_int_equal(paid, 400);
    /* after completion nothing of it is touched by later slashes */
    xr_restake_totals before, after;
    xr_restake_totals_get(t.r, &before);
    key_n(3, k);
    EXPECT_OK(&t, xr_restake_slash_request(t.r, &o0, k, 1300, &q));
    EXPECT_OK(&t, xr_restake_slash_execute(t.r, q, 1300, &sl));
    xr_restake_totals_get(t.r, &after);
    assert_int_equal(after.withdrawn, before.withdrawn);
    assert_int_equal(after.slashed, before.slashed + sl);
    xr_restake_staker_info si;
    assert_int_equal(xr_restake_staker_get(t.r, &s0, &si), 0);
    assert_int_equal(si.withdrawn_gwei, 750 + 563);
    assert_int_equal(si.deposited_gwei,
                     si.active_gwei + si.queued_gwei + si.withdrawn_gwei + si.slashed_gwei);
    totals_sum_ok(t.r);
    rs_free(&t);
}

/* ---- EigenLayer's slashing rules (AllocationManager) ----------------------------- */

/* AllocationManager.deregisterFromOperatorSets sets registeredUntil = block
** + DEALLOCATION_DELAY; slashOperator requires _isRegistered (registered ||
** block < registeredUntil).  A deregistered or ejected operator is
** slashable for the deallocation delay, then not; a request whose veto
** window outlasts it lapses. */
static void test_restake_deregistered_slashable_for_deallocation_delay(void **state) {
    (void)state;
    xr_restake_cfg c;
    small_cfg(&c);
    c.max_slashings = 8;
    c.deallocation_delay_ns = 500;
    c.slash_ppm = 500000;
    rs t;
    rs_new(&t, &c);
    xr_address o0 = opa(0), o1 = opa(1), s0 = sta(0), s1 = sta(1);
    uint8_t k[32];
    uint64_t q, sl;
    EXPECT_OK(&t, xr_restake_register_operator(t.r, &o0, 0));
    EXPECT_OK(&t, xr_restake_register_operator(t.r, &o1, 0));
    EXPECT_OK(&t, xr_restake_deposit(t.r, &s0, 1000, 0));
    EXPECT_OK(&t, xr_restake_deposit(t.r, &s1, 1000, 0));
    EXPECT_OK(&t, xr_restake_delegate(t.r, &s0, &o0, 0));
    EXPECT_OK(&t, xr_restake_delegate(t.r, &s1, &o1, 0));
    EXPECT_OK(&t, xr_restake_deregister_operator(t.r, &o0, 100)); /* slashable while now < 600 */
    xr_restake_operator_info oi;
    assert_int_equal(xr_restake_operator_get(t.r, &o0, &oi), 0);
    assert_int_equal(oi.registered_until_ns, 600);
    assert_int_equal(xr_restake_operator_power(t.r, &o0, 100), 0); /* no power at once */
    key_n(1, k);
    EXPECT_OK(&t, xr_restake_slash_request(t.r, &o0, k, 599, &q));
    EXPECT_OK(&t, xr_restake_slash_execute(t.r, q, 599, &sl));
    assert_int_equal(sl, 500);
    key_n(2, k);
    EXPECT_ERR(&t, xr_restake_slash_request(t.r, &o0, k, 600, &q), XR_ERR_RESTAKE_NOT_SLASHABLE);
    /* ejection by a slash starts the same window */
    c.eject_on_slash = true;
    rs_free(&t);
    c.veto_window_ns = 300;
    rs_new(&t, &c);
    EXPECT_OK(&t, xr_restake_register_operator(t.r, &o0, 0));
    EXPECT_OK(&t, xr_restake_deposit(t.r, &s0, 1000, 0));
    EXPECT_OK(&t, xr_restake_delegate(t.r, &s0, &o0, 0));
    key_n(1, k);
    EXPECT_OK(&t, xr_restake_slash_request(t.r, &o0, k, 0, &q));
    EXPECT_OK(&t, xr_restake_slash_execute(t.r, q, 300, &sl)); /* ejected at 300: until 800 */
    assert_int_equal(sl, 500);
    key_n(2, k);
    EXPECT_OK(&t, xr_restake_slash_request(t.r, &o0, k, 700, &q)); /* executable 1000 */
    key_n(3, k);
    uint64_t q3;
    EXPECT_OK(&t, xr_restake_slash_request(t.r, &o0, k, 400, &q3)); /* executable 700 */
    EXPECT_OK(&t, xr_restake_slash_execute(t.r, q3, 700, &sl));
    assert_int_equal(sl, 250);
    /* the veto window outlasted the slashable window: the request lapses */
    EXPECT_OK(&t, xr_restake_slash_execute(t.r, q, 1000, &sl));
    assert_int_equal(sl, 0);
    xr_restake_request_info ri;
    assert_int_equal(xr_restake_request_get(t.r, q, &ri), 0);
    assert_int_equal(ri.state, XR_RESTAKE_REQ_LAPSED);
    EXPECT_ERR(&t, xr_restake_slash_execute(t.r, q, 1000, &sl), XR_ERR_RESTAKE_CLOSED);
    totals_sum_ok(t.r);
    rs_free(&t);
}

/* AllocationManager.modifyAllocations and slashOperator: only the magnitude
** allocated to the operator set is slashable (and counts as power); an
** increase is slashable only after the operator's allocation delay; a
** decrease stays slashable for DEALLOCATION_DELAY (at once when the
** operator is not slashable); slashOperator takes effect at once (no veto
** in the core contracts: the model's window is 0 by default) and rescales
** the magnitudes to the smaller maximum. */
static void test_restake_only_allocated_magnitude_slashable(void **state) {
    (void)state;
    xr_restake_cfg c;
    small_cfg(&c);
    c.max_slashings = 8;
    c.slash_ppm = 500000;
    c.allocation_delay_ns = 100;
    c.deallocation_delay_ns = 1000;
    c.genesis_magnitude_ppm = 400000; /* 40% allocated */
    rs t;
    rs_new(&t, &c);
    assert_int_equal(c.veto_window_ns, 0);
    xr_address o0 = opa(0), o1 = opa(1), s0 = sta(0);
    uint8_t k[32];
    uint64_t q, sl;
    EXPECT_OK(&t, xr_restake_register_operator(t.r, &o0, 0));
    EXPECT_OK(&t, xr_restake_deposit(t.r, &s0, 10000, 0));
    EXPECT_OK(&t, xr_restake_delegate(t.r, &s0, &o0, 0));
    assert_int_equal(xr_restake_operator_power(t.r, &o0, 0), 4000);
    /* errors */
    EXPECT_ERR(&t, xr_restake_allocate(t.r, &o1, 1000, 0), XR_ERR_RESTAKE_UNKNOWN);
    EXPECT_ERR(&t, xr_restake_allocate(t.r, &o0, 1000001, 0), XR_ERR_BAD_VALUE);
    EXPECT_ERR(&t, xr_restake_allocate(t.r, &o0, 400000, 0), XR_ERR_BAD_VALUE); /* SameMagnitude */
    /* raise to 100%: slashable (and power) only after the allocation delay */
    EXPECT_OK(&t, xr_restake_allocate(t.r, &o0, 1000000, 10));
    EXPECT_ERR(&t, xr_restake_allocate(t.r, &o0, 500000, 50), XR_ERR_RESTAKE_PENDING);
    assert_int_equal(xr_restake_operator_power(t.r, &o0, 109), 4000);
    assert_int_equal(xr_restake_operator_power(t.r, &o0, 110), 10000);
    key_n(1, k);
    EXPECT_OK(&t, xr_restake_slash_request(t.r, &o0, k, 50, &q));
    EXPECT_OK(&t, xr_restake_slash_execute(t.r, q, 50, &sl)); /* at once */
    /* half of the 40% allocated: 20% of the stake */
    assert_int_equal(sl, 2000);
    /* magnitudes over the new maximum 0.8: 0.2 / 0.8 in effect, and the
    ** pending raise to 1.0 becomes (1.0 - 0.2) / 0.8 = 1.0 */
    xr_restake_operator_info oi;
    assert_int_equal(xr_restake_operator_get(t.r, &o0, &oi), 0);
    assert_int_equal(oi.magnitude_ppm, 250000);
    assert_true(oi.pending_change);
    assert_int_equal(oi.pending_ppm, 1000000);
    assert_int_equal(xr_restake_operator_power(t.r, &o0, 60), 2000);   /* 8000 x 0.25 */
    assert_int_equal(xr_restake_operator_power(t.r, &o0, 110), 8000);
    /* lower to 10%: stays slashable at 100% until the deallocation delay */
    EXPECT_OK(&t, xr_restake_allocate(t.r, &o0, 100000, 200));
    assert_int_equal(xr_restake_operator_power(t.r, &o0, 1199), 8000);
    assert_int_equal(xr_restake_operator_power(t.r, &o0, 1200), 800);
    key_n(2, k);
    EXPECT_OK(&t, xr_restake_slash_request(t.r, &o0, k, 300, &q));
    EXPECT_OK(&t, xr_restake_slash_execute(t.r, q, 300, &sl));
    assert_int_equal(sl, 4000); /* half of everything (magnitude 1.0) */
    assert_int_equal(xr_restake_operator_get(t.r, &o0, &oi), 0);
    /* max 0.5 after slashing 0.5; the pending 0.1 shrank by half: 0.05 / 0.5 */
    assert_int_equal(oi.magnitude_ppm, 1000000);
    assert_int_equal(oi.pending_ppm, 100000);
    key_n(3, k);
    EXPECT_OK(&t, xr_restake_slash_request(t.r, &o0, k, 1300, &q));
    EXPECT_OK(&t, xr_restake_slash_execute(t.r, q, 1300, &sl));
    assert_int_equal(sl, 200); /* half of the 10% allocated of 4000 */
    /* a deregistered operator past its window deallocates at once */
    EXPECT_OK(&t, xr_restake_deregister_operator(t.r, &o0, 1400));
    EXPECT_OK(&t, xr_restake_allocate(t.r, &o0, 50000, 1500)); /* still slashable: pending */
    assert_int_equal(xr_restake_operator_get(t.r, &o0, &oi), 0);
    assert_true(oi.pending_change);
    EXPECT_OK(&t, xr_restake_register_operator(t.r, &o0, 2600));
    EXPECT_OK(&t, xr_restake_deregister_operator(t.r, &o0, 2600)); /* until 3600 */
    EXPECT_OK(&t, xr_restake_allocate(t.r, &o0, 0, 3600));
    assert_int_equal(xr_restake_operator_get(t.r, &o0, &oi), 0);
    assert_false(oi.pending_change);
    assert_int_equal(oi.magnitude_ppm, 0);
    totals_sum_ok(t.r);
    rs_free(&t);
}

/* ---- veto window, freeze, eject ------------------------------------------------ */

static void test_restake_veto_window(void **state) {
    (void)state;
    xr_restake_cfg c;
    small_cfg(&c);
    c.veto_window_ns = 100;
    c.max_slashings = 3;
    rs t;
    rs_new(&t, &c);
    xr_address o0 = opa(0), s0 = sta(0);
    uint8_t k1[32], k2[32];
    uint64_t q1, q2, sl = 77;
    key_n(1, k1);
    key_n(2, k2);
    EXPECT_OK(&t, xr_restake_register_operator(t.r, &o0, 0));
    EXPECT_OK(&t, xr_restake_deposit(t.r, &s0, 1000, 0));
    EXPECT_OK(&t, xr_restake_delegate(t.r, &s0, &o0, 0));
    EXPECT_OK(&t, xr_restake_slash_request(t.r, &o0, k1, 1000, &q1));
    xr_restake_request_info ri;
    assert_int_equal(xr_restake_request_get(t.r, q1, &ri), 0);
    assert_int_equal(ri.state, XR_RESTAKE_REQ_PENDING);
    assert_int_equal(ri.opened_ns, 1000);
    assert_int_equal(ri.executable_ns, 1100);
    assert_memory_equal(ri.key, k1, 32);
    EXPECT_ERR(&t, xr_restake_slash_execute(t.r, q1, 1099, &sl), XR_ERR_RESTAKE_NOT_READY);
    EXPECT_OK(&t, xr_restake_veto(t.r, q1, 1099));
    assert_int_equal(xr_restake_request_get(t.r, q1, &ri), 0);
    assert_int_equal(ri.state, XR_RESTAKE_REQ_VETOED);
    assert_int_equal(ri.closed_ns, 1099);
    EXPECT_ERR(&t, xr_restake_slash_execute(t.r, q1, 2000, &sl), XR_ERR_RESTAKE_CLOSED);
    EXPECT_ERR(&t, xr_restake_veto(t.r, q1, 1099), XR_ERR_RESTAKE_CLOSED);
    /* a veto is final: the same offence cannot be requested again */
    EXPECT_ERR(&t, xr_restake_slash_request(t.r, &o0, k1, 3000, &q2), XR_ERR_RESTAKE_DUPLICATE);
    assert_int_equal(xr_restake_operator_power(t.r, &o0, 0), 1000);
    EXPECT_OK(&t, xr_restake_slash_request(t.r, &o0, k2, 2000, &q2));
    EXPECT_ERR(&t, xr_restake_veto(t.r, q2, 2100), XR_ERR_RESTAKE_WINDOW);
    EXPECT_OK(&t, xr_restake_slash_execute(t.r, q2, 2100, &sl));
    assert_int_equal(sl, 500);
    assert_int_equal(xr_restake_request_get(t.r, q2, &ri), 0);
    assert_int_equal(ri.state, XR_RESTAKE_REQ_EXECUTED);
    assert_int_equal(ri.slashed_gwei, 500);
    /* a window ending past UINT64_MAX saturates: never executable */
    uint8_t k3[32];
    key_n(3, k3);
    uint64_t q3;
    EXPECT_OK(&t, xr_restake_slash_request(t.r, &o0, k3, UINT64_MAX - 5, &q3));
    EXPECT_ERR(&t, xr_restake_slash_execute(t.r, q3, UINT64_MAX - 1, &sl), XR_ERR_RESTAKE_NOT_READY);
    assert_int_equal(xr_restake_request_get(t.r, q3, &ri), 0);
    assert_int_equal(ri.executable_ns, UINT64_MAX);
    rs_free(&t);
}

static void test_restake_freeze(void **state) {
    (void)state;
    xr_restake_cfg c;
    small_cfg(&c);
    c.freeze_on_request = true;
    c.veto_window_ns = 50;
    c.max_withdrawals = 4;
    rs t;
    rs_new(&t, &c);
    xr_address o0 = opa(0), o1 = opa(1), s0 = sta(0), s1 = sta(1), s2 = sta(2);
    uint8_t k[32];
    uint64_t w0, w1, w2, q, sl, paid;
    EXPECT_OK(&t, xr_restake_register_operator(t.r, &o0, 0));
    EXPECT_OK(&t, xr_restake_register_operator(t.r, &o1, 0));
    EXPECT_OK(&t, xr_restake_deposit(t.r, &s0, 100, 0));
    EXPECT_OK(&t, xr_restake_deposit(t.r, &s1, 100, 0));
    EXPECT_OK(&t, xr_restake_deposit(t.r, &s2, 100, 0));
    EXPECT_OK(&t, xr_restake_delegate(t.r, &s0, &o0, 0));
    EXPECT_OK(&t, xr_restake_delegate(t.r, &s1, &o1, 0));
    EXPECT_OK(&t, xr_restake_queue_withdrawal(t.r, &s0, 40, 0, &w0));
    EXPECT_OK(&t, xr_restake_queue_withdrawal(t.r, &s1, 40, 0, &w1));
    EXPECT_OK(&t, xr_restake_queue_withdrawal(t.r, &s2, 40, 0, &w2)); /* undelegated */
    key_n(1, k);
    EXPECT_OK(&t, xr_restake_slash_request(t.r, &o0, k, 900, &q));
    /* o0's staker is frozen; o1's and the undelegated one are not (queued
    ** at 0: completable from 1001) */
    EXPECT_ERR(&t, xr_restake_complete_withdrawal(t.r, w0, 1001, &paid), XR_ERR_RESTAKE_FROZEN);
    EXPECT_OK(&t, xr_restake_complete_withdrawal(t.r, w1, 1001, &paid));
    assert_int_equal(paid, 40);
    EXPECT_OK(&t, xr_restake_complete_withdrawal(t.r, w2, 1001, &paid));
    assert_int_equal(paid, 40);
    /* a veto unfreezes */
    EXPECT_OK(&t, xr_restake_veto(t.r, q, 920));
    EXPECT_OK(&t, xr_restake_queue_withdrawal(t.r, &s0, 10, 930, &w1));
    key_n(2, k);
    EXPECT_OK(&t, xr_restake_slash_request(t.r, &o0, k, 950, &q));
    EXPECT_ERR(&t, xr_restake_complete_withdrawal(t.r, w0, 1001, &paid), XR_ERR_RESTAKE_FROZEN);
    /* execution unfreezes, after slashing the frozen entry (at 1000 still
    ** inside its window; the host's times need not be monotonic) */
    EXPECT_OK(&t, xr_restake_slash_execute(t.r, q, 1000, &sl));
    assert_int_equal(sl, 25 + 20 + 5);
    EXPECT_OK(&t, xr_restake_complete_withdrawal(t.r, w0, 1001, &paid));
    assert_int_equal(paid, 20);
    EXPECT_ERR(&t, xr_restake_complete_withdrawal(t.r, w1, 1930, &paid), XR_ERR_RESTAKE_NOT_READY);
    EXPECT_OK(&t, xr_restake_complete_withdrawal(t.r, w1, 1931, &paid));
    assert_int_equal(paid, 5);
    totals_sum_ok(t.r);
    rs_free(&t);
}

static void test_restake_eject(void **state) {
    (void)state;
    for (int eject = 0; eject <= 1; eject++) {
        xr_restake_cfg c;
        small_cfg(&c);
        c.eject_on_slash = eject != 0;
        c.slash_ppm = 100000;
        rs t;
        rs_new(&t, &c);
        xr_address o0 = opa(0), o1 = opa(1), s0 = sta(0), s1 = sta(1);
        uint8_t k[32];
        uint64_t q, sl;
        EXPECT_OK(&t, xr_restake_register_operator(t.r, &o0, 0));
        EXPECT_OK(&t, xr_restake_register_operator(t.r, &o1, 0));
        EXPECT_OK(&t, xr_restake_deposit(t.r, &s0, 1000, 0));
        EXPECT_OK(&t, xr_restake_deposit(t.r, &s1, 1000, 0));
        EXPECT_OK(&t, xr_restake_delegate(t.r, &s0, &o0, 0));
        key_n(1, k);
        EXPECT_OK(&t, xr_restake_slash_request(t.r, &o0, k, 10, &q));
        EXPECT_OK(&t, xr_restake_slash_execute(t.r, q, 10, &sl));
        assert_int_equal(sl, 100);
        xr_restake_operator_info oi;
        assert_int_equal(xr_restake_operator_get(t.r, &o0, &oi), 0);
        assert_int_equal(oi.delegated_gwei, 900);
        assert_int_equal(oi.slashed_gwei, 100);
        if (eject) {
            assert_false(oi.registered);
            assert_true(oi.ejected);
            assert_int_equal(oi.deregistered_ns, 10);
            assert_int_equal(xr_restake_operator_power(t.r, &o0, 0), 0);
            EXPECT_ERR(&t, xr_restake_register_operator(t.r, &o0, 20), XR_ERR_RESTAKE_EJECTED);
            EXPECT_ERR(&t, xr_restake_deregister_operator(t.r, &o0, 20), XR_ERR_RESTAKE_NOT_REGISTERED);
            EXPECT_ERR(&t, xr_restake_delegate(t.r, &s1, &o0, 20), XR_ERR_RESTAKE_EJECTED);
            /* an ejected operator's positions stay slashable (another offence) */
            key_n(2, k);
            EXPECT_OK(&t, xr_restake_slash_request(t.r, &o0, k, 30, &q));
            EXPECT_OK(&t, xr_restake_slash_execute(t.r, q, 30, &sl));
            assert_int_equal(sl, 90);
            /* its staker leaves and joins another operator */
            uint64_t id;
            EXPECT_OK(&t, xr_restake_undelegate(t.r, &s0, 40, &id));
            EXPECT_OK(&t, xr_restake_delegate(t.r, &s0, &o1, 40));
            EXPECT_OK(&t, xr_restake_deposit(t.r, &s0, 5, 40));
            assert_int_equal(xr_restake_operator_power(t.r, &o1, 0), 5);
        } else {
            assert_true(oi.registered);
            assert_false(oi.ejected);
            assert_int_equal(xr_restake_operator_power(t.r, &o0, 0), 900);
            EXPECT_OK(&t, xr_restake_delegate(t.r, &s1, &o0, 20));
            assert_int_equal(xr_restake_operator_power(t.r, &o0, 0), 1900);
        }
        /* slashing an operator with nothing left: 0, a success */
        key_n(9, k);
        EXPECT_OK(&t, xr_restake_slash_request(t.r, &o1, k, 50, &q));
        if (eject) {
            /* o1 has s0's 5 gwei: floor(5 / 10) = 0 */
            EXPECT_OK(&t, xr_restake_slash_execute(t.r, q, 50, &sl));
            assert_int_equal(sl, 0);
            assert_int_equal(xr_restake_operator_get(t.r, &o1, &oi), 0);
            assert_true(oi.ejected); /* ejected even for 0 */
        } else {
            EXPECT_OK(&t, xr_restake_slash_execute(t.r, q, 50, &sl));
            assert_int_equal(sl, 0);
        }
        totals_sum_ok(t.r);
        rs_free(&t);
    }
}

/* ---- rounding ---------------------------------------------------------------- */

static void test_restake_slash_ppm_rounding(void **state) {
    (void)state;
    static const uint64_t amounts[] = {1, 2, 3, 999999, 1000000, 1000001, 2999999,
                                       123456789012345ull, UINT64_MAX / 8};
    enum { N = sizeof amounts / sizeof amounts[0] };
    static const uint32_t ppms[] = {1, 3, 333333, 500000, 999999, 1000000};
    for (size_t p = 0; p < sizeof ppms / sizeof ppms[0]; p++) {
        xr_restake_cfg c;
        small_cfg(&c);
        c.max_stakers = N;
        c.max_withdrawals = N;
        c.slash_ppm = ppms[p];
        rs t;
        rs_new(&t, &c);
        xr_address o0 = opa(0);
        EXPECT_OK(&t, xr_restake_register_operator(t.r, &o0, 0));
        /* odd stakers keep their stake active, even ones queue all of it */
        uint64_t want = 0, ids[N];
        for (uint32_t i = 0; i < N; i++) {
            xr_address s = sta(i);
            EXPECT_OK(&t, xr_restake_deposit(t.r, &s, amounts[i], 0));
            EXPECT_OK(&t, xr_restake_delegate(t.r, &s, &o0, 0));
            if (i % 2 == 0) EXPECT_OK(&t, xr_restake_queue_withdrawal(t.r, &s, amounts[i], 0, &ids[i]));
            want += (uint64_t)((u128)amounts[i] * ppms[p] / 1000000u);
        }
        uint8_t k[32];
        uint64_t q, sl;
        key_n(1, k);
        EXPECT_OK(&t, xr_restake_slash_request(t.r, &o0, k, 1, &q));
        EXPECT_OK(&t, xr_restake_slash_execute(t.r, q, 1, &sl));
        assert_int_equal(sl, want);
        for (uint32_t i = 0; i < N; i++) {
            xr_address s = sta(i);
            xr_restake_staker_info si;
            assert_int_equal(xr_restake_staker_get(t.r, &s, &si), 0);
            uint64_t cut = (uint64_t)((u128)amounts[i] * ppms[p] / 1000000u);
            assert_int_equal(si.slashed_gwei, cut);
            assert_int_equal(si.active_gwei + si.queued_gwei, amounts[i] - cut);
        }
        xr_restake_totals tt;
        xr_restake_totals_get(t.r, &tt);
        assert_int_equal(tt.slashed, want);
        totals_sum_ok(t.r);
        rs_free(&t);
    }
}

/* ---- evidence end to end ------------------------------------------------------ */

typedef struct efix {
    mdl_sig_secp *sp;
    xr_sig_backend be;
    const xr_sig_key *key[3];
    xr_address addr[3];
    xr_validator store[3];
    xr_valset vs;                  /* members 0 and 1 */
} efix;

static void efix_init(efix *f) {
    memset(f, 0, sizeof *f);
    f->sp = mdl_sig_secp_new(3);
    assert_non_null(f->sp);
    f->be = mdl_sig_secp_backend(f->sp);
    for (uint32_t i = 0; i < 3; i++)
        assert_int_equal(mdl_sig_secp_derive_key(f->sp, 91, i, &f->key[i], &f->addr[i]), 0);
    xr_validator m[2] = {{f->addr[0], 10}, {f->addr[1], 20}};
    xr_valset_init(&f->vs, f->store, 3);
    assert_int_equal(xr_valset_set(&f->vs, 1, m, 2), 0);
}

static void ecore(efix *f, int who, uint32_t round, uint8_t id_byte, xr_bft_core *c) {
    memset(c, 0, sizeof *c);
    c->type = XR_BFT_PRECOMMIT;
    c->chain_id = 9;
    c->height = 40;
    c->round = round;
    c->pol_round = XR_BFT_NO_ROUND;
    memset(c->block_id, id_byte, 32);
    memcpy(c->validator, f->addr[who].bytes, 20);
    assert_int_equal(xr_bft_sign_core(&f->be, f->key[who], c), 0);
}

/* A vote by `signer` naming `who` (normally the same). */
static void evote(efix *f, int who, int signer, uint64_t offset, uint8_t tag, xr_att_vote *v) {
    xrtest_att_vote(&f->be, f->key[signer], &f->addr[who], offset, 900 + offset, tag, v);
}

static void test_restake_submit_evidence_all_kinds(void **state) {
    (void)state;
    efix f;
    efix_init(&f);
    xr_restake_cfg c;
    small_cfg(&c);
    c.slash_ppm = 100000;
    c.max_slashings = 8;
    c.eject_on_slash = false;
    rs t;
    rs_new(&t, &c);
    xr_address s0 = sta(0), s1 = sta(1);
    EXPECT_OK(&t, xr_restake_register_operator(t.r, &f.addr[0], 0));
    EXPECT_OK(&t, xr_restake_deposit(t.r, &s0, 10000, 0));
    EXPECT_OK(&t, xr_restake_delegate(t.r, &s0, &f.addr[0], 0));
    EXPECT_OK(&t, xr_restake_deposit(t.r, &s1, 20000, 0));
    uint8_t ev[XR_EVIDENCE_MAX_BYTES];
    xr_evidence e;
    uint64_t q = 0, sl = 0;

    /* kind 1: validator 1 double-signs, but is not an operator yet */
    xr_bft_core a, b, cc;
    ecore(&f, 1, 0, 0x01, &a);
    ecore(&f, 1, 0, 0x02, &b);
    int n = xr_evidence_encode_duplicate(&a, &b, ev, sizeof ev);
    assert_true(n > 0);
    EXPECT_ERR(&t, xr_restake_submit_evidence(t.r, ev, (size_t)n, &f.be, &f.vs, NULL, 5, &e, &q),
               XR_ERR_RESTAKE_UNKNOWN);
    EXPECT_OK(&t, xr_restake_register_operator(t.r, &f.addr[1], 5));
    EXPECT_OK(&t, xr_restake_delegate(t.r, &s1, &f.addr[1], 5));
    EXPECT_OK(&t, xr_restake_submit_evidence(t.r, ev, (size_t)n, &f.be, &f.vs, NULL, 6, &e, &q));
    assert_int_equal(e.kind, XR_EVIDENCE_DUPLICATE_VOTE);
    assert_memory_equal(e.offender, f.addr[1].bytes, 20);
    assert_int_equal(q, 1);
    xr_restake_request_info ri;
    uint8_t key[32];
    xr_evidence_offence_key(&e, key);
    assert_int_equal(xr_restake_request_get(t.r, q, &ri), 0);
    assert_memory_equal(ri.key, key, 32);
    assert_memory_equal(ri.op.bytes, f.addr[1].bytes, 20);
    /* the same offence through another pair: one slash only */
    ecore(&f, 1, 0, 0x00, &cc);
    n = xr_evidence_encode_duplicate(&a, &cc, ev, sizeof ev);
    EXPECT_ERR(&t, xr_restake_submit_evidence(t.r, ev, (size_t)n, &f.be, &f.vs, NULL, 7, NULL, NULL),
               XR_ERR_RESTAKE_DUPLICATE);
    EXPECT_OK(&t, xr_restake_slash_execute(t.r, 1, 7, &sl));
    assert_int_equal(sl, 2000);
    /* forged: a core naming validator 1 signed by validator 0 */
    ecore(&f, 1, 1, 0x01, &a);
    ecore(&f, 1, 1, 0x02, &b);
    assert_int_equal(xr_bft_sign_core(&f.be, f.key[0], &b), 0);
    n = xr_evidence_encode_duplicate(&a, &b, ev, sizeof ev);
    EXPECT_ERR(&t, xr_restake_submit_evidence(t.r, ev, (size_t)n, &f.be, &f.vs, NULL, 8, NULL, NULL),
               XR_ERR_SIG_INVALID);
    /* foreign: validator 2 is not in the offence's set */
    ecore(&f, 2, 1, 0x01, &a);
    ecore(&f, 2, 1, 0x02, &b);
    n = xr_evidence_encode_duplicate(&a, &b, ev, sizeof ev);
    EXPECT_ERR(&t, xr_restake_submit_evidence(t.r, ev, (size_t)n, &f.be, &f.vs, NULL, 8, NULL, NULL),
               XR_ERR_SIG_NOT_MEMBER);
    /* malformed bytes */
    EXPECT_ERR(&t, xr_restake_submit_evidence(t.r, ev, 1, &f.be, &f.vs, NULL, 8, NULL, NULL),
               XR_ERR_TRUNCATED);
    EXPECT_ERR(&t, xr_restake_submit_evidence(t.r, NULL, 0, &f.be, &f.vs, NULL, 8, NULL, NULL),
               XR_ERR_TRUNCATED);

    /* kind 2: validator 0 attests two roots at offset 3 */
    xr_att_vote x, y, z;
    evote(&f, 0, 0, 3, 0x11, &x);
    evote(&f, 0, 0, 3, 0x22, &y);
    n = xr_evidence_encode_attest(&x, &y, ev, sizeof ev);
    EXPECT_OK(&t, xr_restake_submit_evidence(t.r, ev, (size_t)n, &f.be, &f.vs, NULL, 10, &e, &q));
    assert_int_equal(e.kind, XR_EVIDENCE_ATTEST_CONFLICT);
    assert_int_equal(q, 2);
    evote(&f, 0, 0, 3, 0x33, &z);
    n = xr_evidence_encode_attest(&z, &y, ev, sizeof ev);
    EXPECT_ERR(&t, xr_restake_submit_evidence(t.r, ev, (size_t)n, &f.be, &f.vs, NULL, 11, NULL, NULL),
               XR_ERR_RESTAKE_DUPLICATE);
    /* forged: votes naming validator 0 signed by validator 1 */
    evote(&f, 0, 1, 4, 0x11, &x);
    evote(&f, 0, 1, 4, 0x22, &y);
    n = xr_evidence_encode_attest(&x, &y, ev, sizeof ev);
    EXPECT_ERR(&t, xr_restake_submit_evidence(t.r, ev, (size_t)n, &f.be, &f.vs, NULL, 11, NULL, NULL),
               XR_ERR_SIG_INVALID);
    evote(&f, 2, 2, 4, 0x11, &x);
    evote(&f, 2, 2, 4, 0x22, &y);
    n = xr_evidence_encode_attest(&x, &y, ev, sizeof ev);
    EXPECT_ERR(&t, xr_restake_submit_evidence(t.r, ev, (size_t)n, &f.be, &f.vs, NULL, 11, NULL, NULL),
               XR_ERR_SIG_NOT_MEMBER);
    EXPECT_OK(&t, xr_restake_slash_execute(t.r, 2, 12, &sl));
    assert_int_equal(sl, 1000);

    /* kind 3: validator 0 attests a root the final source chain does not have */
    xr_hash canonical;
    memset(canonical.bytes, 0xcc, 32);
    evote(&f, 0, 0, 7, 0x77, &x);
    n = xr_evidence_encode_false_attest(&x, ev, sizeof ev);
    EXPECT_ERR(&t, xr_restake_submit_evidence(t.r, ev, (size_t)n, &f.be, &f.vs, NULL, 13, NULL, NULL),
               XR_ERR_INVALID_ARG);
    EXPECT_ERR(&t, xr_restake_submit_evidence(t.r, ev, (size_t)n, &f.be, &f.vs, &x.root, 13, NULL, NULL),
               XR_ERR_EVIDENCE_SAME);
    ev[0] = 2; /* a bad version is reported as such, root or not */
    EXPECT_ERR(&t, xr_restake_submit_evidence(t.r, ev, (size_t)n, &f.be, &f.vs, NULL, 13, NULL, NULL),
               XR_ERR_BFT_VERSION);
    ev[0] = XR_EVIDENCE_VERSION;
    EXPECT_OK(&t, xr_restake_submit_evidence(t.r, ev, (size_t)n, &f.be, &f.vs, &canonical, 13, &e, &q));
    assert_int_equal(e.kind, XR_EVIDENCE_FALSE_ATTEST);
    assert_memory_equal(e.offender, f.addr[0].bytes, 20);
    assert_int_equal(q, 3);
    /* another false root for the same slot is the same offence */
    evote(&f, 0, 0, 7, 0x78, &y);
    n = xr_evidence_encode_false_attest(&y, ev, sizeof ev);
    EXPECT_ERR(&t, xr_restake_submit_evidence(t.r, ev, (size_t)n, &f.be, &f.vs, &canonical, 14, NULL, NULL),
               XR_ERR_RESTAKE_DUPLICATE);
    /* forged and foreign signers */
    evote(&f, 0, 1, 8, 0x77, &x);
    n = xr_evidence_encode_false_attest(&x, ev, sizeof ev);
    EXPECT_ERR(&t, xr_restake_submit_evidence(t.r, ev, (size_t)n, &f.be, &f.vs, &canonical, 14, NULL, NULL),
               XR_ERR_SIG_INVALID);
    evote(&f, 2, 2, 8, 0x77, &x);
    n = xr_evidence_encode_false_attest(&x, ev, sizeof ev);
    EXPECT_ERR(&t, xr_restake_submit_evidence(t.r, ev, (size_t)n, &f.be, &f.vs, &canonical, 14, NULL, NULL),
               XR_ERR_SIG_NOT_MEMBER);
    /* a canonical root passed along with kind-2 evidence is ignored: it is
    ** verified as kind 2 (and is a known offence) */
    evote(&f, 0, 0, 3, 0x44, &x);
    n = xr_evidence_encode_attest(&x, &z, ev, sizeof ev);
    EXPECT_ERR(&t, xr_restake_submit_evidence(t.r, ev, (size_t)n, &f.be, &f.vs, &canonical, 14, NULL, NULL),
               XR_ERR_RESTAKE_DUPLICATE);
    EXPECT_OK(&t, xr_restake_slash_execute(t.r, 3, 15, &sl));
    assert_int_equal(sl, 900);
    xr_restake_operator_info oi;
    assert_int_equal(xr_restake_operator_get(t.r, &f.addr[0], &oi), 0);
    assert_int_equal(oi.slashed_gwei, 1900);
    assert_int_equal(oi.delegated_gwei, 8100);
    totals_sum_ok(t.r);
    rs_free(&t);
    mdl_sig_secp_free(f.sp);
}

/* ---- differential property test ----------------------------------------------- */

enum { P_OPS = 5, P_STAKERS = 9, P_KEYS = 14, P_WCAP = 10, P_QCAP = 12, P_DONE = 64 };

typedef struct ref_wd {
    bool used;
    uint64_t id;
    int st, op;
    uint64_t rem, until_ns;        /* slashable while now <= until; completes after */
} ref_wd;

typedef struct ref_req {
    int op, key, state;
    uint64_t executable_ns;
} ref_req;

typedef struct refm {
    xr_restake_cfg c;
    int ost[P_OPS];                /* 0 unknown, 1 registered, 2 deregistered, 3 ejected */
    uint64_t until[P_OPS];         /* deregistered or ejected: slashable while now < until */
    uint64_t mag[P_OPS];           /* allocated magnitude (ppm), and a pending change */
    bool pend[P_OPS];
    uint64_t pmag[P_OPS], peff[P_OPS];
    int nops;
    bool known[P_STAKERS];
    int nst;
    int dl[P_STAKERS];             /* operator or -1 */
    uint64_t act[P_STAKERS];
    ref_wd w[P_WCAP];
    int wcap;                      /* the contract's max_withdrawals (<= P_WCAP) */
    int nw;
    ref_req q[P_QCAP];
    int nq;
    int pending[P_OPS];
    uint64_t deposited, withdrawn, slashed;
    uint64_t done[P_DONE];
    int ndone;
} refm;

static uint64_t prng(uint64_t *s) { /* splitmix64 */
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t cut_of(uint64_t x, uint32_t ppm) { return (uint64_t)((u128)x * ppm / 1000000u); }

static int ref_find_wd(const refm *m, uint64_t id) {
    for (int i = 0; i < m->wcap; i++)
        if (m->w[i].used && m->w[i].id == id) return i;
    return -1;
}

static int ref_free_wd(const refm *m) {
    for (int i = 0; i < m->wcap; i++)
        if (!m->w[i].used) return i;
    return -1;
}

static uint64_t sat(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

static bool ref_slashable(const refm *m, int o, uint64_t now) {
    return m->ost[o] == 1 || (m->ost[o] >= 2 && now < m->until[o]);
}

static uint64_t ref_mag(const refm *m, int o, uint64_t now) {
    return m->pend[o] && now >= m->peff[o] ? m->pmag[o] : m->mag[o];
}

static void ref_settle(refm *m, int o, uint64_t now) {
    if (m->pend[o] && now >= m->peff[o]) m->mag[o] = m->pmag[o], m->pend[o] = false;
}

static void ref_leave(refm *m, int o, uint64_t now) {
    if (m->ost[o] == 1) m->until[o] = sat(now, m->c.deallocation_delay_ns);
}

static void ref_compare(const refm *m, const xr_restake *r, uint64_t now) {
    assert_int_equal(xr_restake_check(r), 0);
    xr_restake_totals t;
    xr_restake_totals_get(r, &t);
    uint64_t act = 0, queued = 0;
    for (int s = 0; s < P_STAKERS; s++) act += m->act[s];
    for (int i = 0; i < P_WCAP; i++)
        if (m->w[i].used) queued += m->w[i].rem;
    assert_int_equal(t.deposited, m->deposited);
    assert_int_equal(t.active, act);
    assert_int_equal(t.queued, queued);
    assert_int_equal(t.withdrawn, m->withdrawn);
    assert_int_equal(t.slashed, m->slashed);
    assert_int_equal(t.deposited, t.active + t.queued + t.withdrawn + t.slashed);
    uint32_t want_n = 0;
    for (int o = 0; o < P_OPS; o++) {
        uint64_t p = 0;
        for (int s = 0; s < P_STAKERS; s++)
            if (m->dl[s] == o) p += m->act[s];
        xr_address a = opa((uint32_t)o);
        uint64_t want = m->ost[o] == 1 ? (uint64_t)((u128)p * ref_mag(m, o, now) / 1000000u) : 0;
        assert_int_equal(xr_restake_operator_power(r, &a, now), want);
        if (want > 0) want_n++;
    }
    xr_validator v[P_OPS];
    uint32_t n = 0;
    assert_int_equal(xr_restake_powers(r, now, v, P_OPS, &n), 0);
    assert_int_equal(n, want_n);
    for (uint32_t i = 1; i < n; i++) assert_true(memcmp(v[i - 1].addr.bytes, v[i].addr.bytes, 20) < 0);
}

/* One random operation: predict the code, run it, compare, apply. */
static void ref_step(refm *m, rs *t, uint64_t *rng, uint64_t now) {
    uint64_t x = prng(rng);
    int kind = (int)(x % 100);
    int o = (int)((x >> 8) % P_OPS), s = (int)((x >> 16) % P_STAKERS);
    xr_address oa = opa((uint32_t)o), sa = sta((uint32_t)s);
    uint64_t amt;
    uint64_t y = prng(rng);
    switch (y % 8) {
    case 0: amt = 0; break;
    case 1: amt = y >> 2; break;   /* huge: overflow paths */
    case 2: amt = m->act[s]; break;
    default: amt = 1 + (y >> 8) % 5000; break;
    }
    int want, rc;
    memcpy(t->snap, t->mem, t->len);
    if (kind < 6) { /* register */
        want = m->ost[o] == 3 ? XR_ERR_RESTAKE_EJECTED
             : m->ost[o] == 1 ? XR_ERR_RESTAKE_REGISTERED
             : (m->ost[o] == 0 && m->nops == (int)m->c.max_operators) ? XR_ERR_CAPACITY : 0;
        rc = xr_restake_register_operator(t->r, &oa, now);
        assert_int_equal(rc, want);
        if (!rc) {
            if (m->ost[o] == 0) m->nops++, m->mag[o] = m->c.genesis_magnitude_ppm;
            m->ost[o] = 1;
        }
    } else if (kind < 9) { /* deregister */
        want = m->ost[o] == 0 ? XR_ERR_RESTAKE_UNKNOWN : m->ost[o] != 1 ? XR_ERR_RESTAKE_NOT_REGISTERED : 0;
        rc = xr_restake_deregister_operator(t->r, &oa, now);
        assert_int_equal(rc, want);
        if (!rc) ref_leave(m, o, now), m->ost[o] = 2;
    } else if (kind < 14) { /* allocate: AllocationManager.modifyAllocations */
        uint64_t z = prng(rng);
        uint32_t newm = z % 4 == 0 ? 1000000u : z % 4 == 1 ? 0u : (uint32_t)((z >> 8) % 1000002u);
        if (z % 9 == 0) newm = (uint32_t)ref_mag(m, o, now);
        uint64_t cur = m->ost[o] == 0 ? 0 : ref_mag(m, o, now);
        want = m->ost[o] == 0 ? XR_ERR_RESTAKE_UNKNOWN
             : newm > 1000000u ? XR_ERR_BAD_VALUE
             : (m->pend[o] && now < m->peff[o]) ? XR_ERR_RESTAKE_PENDING
             : newm == cur ? XR_ERR_BAD_VALUE : 0;
        rc = xr_restake_allocate(t->r, &oa, newm, now);
        assert_int_equal(rc, want);
        if (!rc) {
            ref_settle(m, o, now);
            uint64_t d = newm > cur ? m->c.allocation_delay_ns
                       : ref_slashable(m, o, now) ? m->c.deallocation_delay_ns : 0;
            if (d == 0) m->mag[o] = newm;
            else m->pend[o] = true, m->pmag[o] = newm, m->peff[o] = sat(now, d);
        }
    } else if (kind < 30) { /* deposit */
        want = amt == 0 ? XR_ERR_BAD_VALUE
             : (!m->known[s] && m->nst == (int)m->c.max_stakers) ? XR_ERR_CAPACITY
             : m->deposited > UINT64_MAX - amt ? XR_ERR_OVERFLOW : 0;
        rc = xr_restake_deposit(t->r, &sa, amt, now);
        assert_int_equal(rc, want);
        if (!rc) {
            if (!m->known[s]) m->nst++;
            m->known[s] = true;
            m->act[s] += amt;
            m->deposited += amt;
        }
    } else if (kind < 42) { /* delegate */
        want = !m->known[s] ? XR_ERR_RESTAKE_UNKNOWN
             : m->dl[s] != -1 ? XR_ERR_RESTAKE_DELEGATED
             : m->ost[o] == 0 ? XR_ERR_RESTAKE_UNKNOWN
             : m->ost[o] == 3 ? XR_ERR_RESTAKE_EJECTED
             : m->ost[o] == 2 ? XR_ERR_RESTAKE_NOT_REGISTERED : 0;
        rc = xr_restake_delegate(t->r, &sa, &oa, now);
        assert_int_equal(rc, want);
        if (!rc) m->dl[s] = o;
    } else if (kind < 60) { /* undelegate (42..45) or queue */
        bool undel = kind < 46;
        int slot = ref_free_wd(m);
        uint64_t qamt = undel ? m->act[s] : amt;
        if (undel)
            want = !m->known[s] ? XR_ERR_RESTAKE_UNKNOWN
                 : m->dl[s] == -1 ? XR_ERR_RESTAKE_NOT_DELEGATED
                 : (qamt > 0 && slot < 0) ? XR_ERR_CAPACITY : 0;
        else
            want = amt == 0 ? XR_ERR_BAD_VALUE
                 : !m->known[s] ? XR_ERR_RESTAKE_UNKNOWN
                 : amt > m->act[s] ? XR_ERR_RESTAKE_INSUFFICIENT
                 : slot < 0 ? XR_ERR_CAPACITY : 0;
        uint64_t id = 12345;
        rc = undel ? xr_restake_undelegate(t->r, &sa, now, &id)
                   : xr_restake_queue_withdrawal(t->r, &sa, amt, now, &id);
        assert_int_equal(rc, want);
        if (!rc && qamt > 0) {
            assert_true(id != 0 && ref_find_wd(m, id) < 0);
            for (int i = 0; i < m->ndone; i++) assert_true(m->done[i] != id);
            m->w[slot] = (ref_wd){true, id, s, m->dl[s], qamt, sat(now, m->c.withdrawal_delay_ns)};
            m->act[s] -= qamt;
            m->nw++;
        } else if (!rc) {
            assert_int_equal(id, 0);
        }
        if (!rc && undel) m->dl[s] = -1;
    } else if (kind < 75) { /* complete: a live, a completed or a bogus id */
        uint64_t id;
        int wi = -1;
        uint64_t z = prng(rng);
        if (z % 5 == 0 && m->ndone > 0) id = m->done[(z >> 8) % (uint64_t)m->ndone];
        else if (z % 5 == 1) id = (z >> 8) % 2 ? 0 : UINT64_MAX - (z >> 40);
        else {
            int live[P_WCAP], nl = 0;
            for (int i = 0; i < P_WCAP; i++)
                if (m->w[i].used) live[nl++] = i;
            if (nl == 0) id = 0;
            else wi = live[(z >> 8) % (uint64_t)nl], id = m->w[wi].id;
        }
        bool is_done = false;
        for (int i = 0; i < m->ndone; i++) is_done |= m->done[i] == id;
        if (wi < 0) want = is_done ? XR_ERR_RESTAKE_DONE : XR_ERR_RESTAKE_UNKNOWN;
        else if (now <= m->w[wi].until_ns) want = XR_ERR_RESTAKE_NOT_READY;
        else if (m->c.freeze_on_request && m->w[wi].op >= 0 && m->pending[m->w[wi].op] > 0)
            want = XR_ERR_RESTAKE_FROZEN;
        else want = 0;
        uint64_t paid = 777;
        rc = xr_restake_complete_withdrawal(t->r, id, now, &paid);
        assert_int_equal(rc, want);
        if (!rc) {
            assert_int_equal(paid, m->w[wi].rem);
            m->withdrawn += paid;
            m->w[wi].used = false;
            m->nw--;
            if (m->ndone < P_DONE) m->done[m->ndone++] = id;
        }
    } else if (kind < 84) { /* slash request */
        int k = (int)((y >> 20) % P_KEYS);
        bool dup = false;
        for (int i = 0; i < m->nq; i++) dup |= m->q[i].key == k;
        want = m->ost[o] == 0 ? XR_ERR_RESTAKE_UNKNOWN
             : !ref_slashable(m, o, now) ? XR_ERR_RESTAKE_NOT_SLASHABLE
             : dup ? XR_ERR_RESTAKE_DUPLICATE
             : m->nq == (int)m->c.max_slashings ? XR_ERR_CAPACITY : 0;
        uint8_t key[32];
        key_n((uint32_t)k, key);
        uint64_t q = 0;
        rc = xr_restake_slash_request(t->r, &oa, key, now, &q);
        assert_int_equal(rc, want);
        if (!rc) {
            assert_int_equal(q, (uint64_t)m->nq + 1u);
            m->q[m->nq++] = (ref_req){o, k, XR_RESTAKE_REQ_PENDING,
                                      now > UINT64_MAX - m->c.veto_window_ns
                                          ? UINT64_MAX : now + m->c.veto_window_ns};
            m->pending[o]++;
        }
    } else { /* veto or execute */
        bool veto = kind < 88;
        uint64_t id = m->nq > 0 ? 1u + (y >> 24) % (uint64_t)(m->nq + 1) : (y >> 24) % 2;
        if (id == 0 || id > (uint64_t)m->nq) want = XR_ERR_RESTAKE_UNKNOWN;
        else if (m->q[id - 1].state != XR_RESTAKE_REQ_PENDING) want = XR_ERR_RESTAKE_CLOSED;
        else if (veto) want = now >= m->q[id - 1].executable_ns ? XR_ERR_RESTAKE_WINDOW : 0;
        else want = now < m->q[id - 1].executable_ns ? XR_ERR_RESTAKE_NOT_READY : 0;
        uint64_t sl = 999;
        rc = veto ? xr_restake_veto(t->r, id, now) : xr_restake_slash_execute(t->r, id, now, &sl);
        assert_int_equal(rc, want);
        if (!rc) {
            ref_req *q = &m->q[id - 1];
            int op = q->op;
            m->pending[op]--;
            q->state = veto ? XR_RESTAKE_REQ_VETOED : XR_RESTAKE_REQ_EXECUTED;
            if (!veto && !ref_slashable(m, op, now)) {
                /* the operator left its slashable window meanwhile */
                assert_int_equal(sl, 0);
                q->state = XR_RESTAKE_REQ_LAPSED;
            } else if (!veto) {
                ref_settle(m, op, now);
                uint64_t a = m->mag[op];
                /* slashOperator: magnitude slashed rounds up; shares lose sm / max */
                uint64_t sm = (uint64_t)(((u128)a * m->c.slash_ppm + 999999u) / 1000000u);
                uint64_t total = 0;
                for (int i = 0; i < P_STAKERS; i++)
                    if (m->dl[i] == op) {
                        uint64_t c = cut_of(m->act[i], (uint32_t)sm);
                        m->act[i] -= c;
                        total += c;
                    }
                for (int i = 0; i < P_WCAP; i++)
                    if (m->w[i].used && m->w[i].op == op && now <= m->w[i].until_ns) {
                        uint64_t c = cut_of(m->w[i].rem, (uint32_t)sm);
                        m->w[i].rem -= c;
                        total += c;
                    }
                assert_int_equal(sl, total);
                m->slashed += total;
                /* magnitudes over the new maximum 1e6 - sm (old units) */
                if (sm > 0) {
                    uint64_t rest = 1000000u - sm;
                    if (m->pend[op]) {
                        int64_t diff = (int64_t)m->pmag[op] - (int64_t)a;
                        if (diff < 0) /* a pending deallocation shrinks by the slashed share */
                            diff += (int64_t)(((u128)(uint64_t)(-diff) * m->c.slash_ppm + 999999u) / 1000000u);
                        int64_t target = (int64_t)(a - sm) + diff;
                        if (target < 0) target = 0;
                        m->pmag[op] = rest == 0 ? 0 : (uint64_t)target * 1000000u / rest;
                        if (m->pmag[op] > 1000000u) m->pmag[op] = 1000000u;
                    }
                    m->mag[op] = rest == 0 ? 0 : (a - sm) * 1000000u / rest;
                }
                if (m->c.eject_on_slash) ref_leave(m, op, now), m->ost[op] = 3;
            }
            uint64_t st = 0;
            xr_restake_request_info qi;
            assert_int_equal(xr_restake_request_get(t->r, id, &qi), 0);
            st = qi.state;
            assert_int_equal(st, (uint64_t)q->state);
        }
    }
    if (rc) assert_int_equal(memcmp(t->snap, t->mem, t->len), 0);
    ref_compare(m, t->r, now);
}

static void test_restake_conservation_random(void **state) {
    (void)state;
    static const uint32_t ppms[] = {1, 333333, 500000, 999999, 1000000};
    static const uint64_t delays[] = {0, 40, 400};
    static const uint64_t windows[] = {0, 25, 250};
    for (uint64_t seed = 1; seed <= 200; seed++) {
        uint64_t rng = seed * 0x2545f4914f6cdd1dull;
        refm m;
        memset(&m, 0, sizeof m);
        xr_restake_cfg_default(&m.c);
        m.c.max_operators = 4;
        m.c.max_stakers = 8;
        m.c.max_withdrawals = P_WCAP - (uint32_t)(prng(&rng) % 4); /* the reference holds P_WCAP */
        m.c.max_slashings = P_QCAP - (uint32_t)(prng(&rng) % 4);
        m.c.withdrawal_delay_ns = delays[prng(&rng) % 3];
        m.c.veto_window_ns = windows[prng(&rng) % 3];
        m.c.slash_ppm = prng(&rng) % 6 == 0 ? 1 + (uint32_t)(prng(&rng) % 1000000)
                                             : ppms[prng(&rng) % 5];
        m.c.eject_on_slash = prng(&rng) % 2;
        m.c.freeze_on_request = prng(&rng) % 2;
        m.c.deallocation_delay_ns = delays[prng(&rng) % 3];
        m.c.allocation_delay_ns = delays[prng(&rng) % 3];
        m.c.genesis_magnitude_ppm = prng(&rng) % 3 == 0 ? (uint32_t)(prng(&rng) % 1000001u) : 1000000u;
        for (int s = 0; s < P_STAKERS; s++) m.dl[s] = -1;
        rs t;
        rs_new(&t, &m.c);
        m.wcap = (int)m.c.max_withdrawals;
        uint64_t now = 1000;
        for (int step = 0; step < 500; step++) {
            now += prng(&rng) % 60;
            ref_step(&m, &t, &rng, now);
        }
        rs_free(&t);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_restake_cfg_and_init),
        cmocka_unit_test(test_restake_operator_errors),
        cmocka_unit_test(test_restake_staker_and_withdrawal_errors),
        cmocka_unit_test(test_restake_delegation_and_powers),
        cmocka_unit_test(test_restake_queued_stake_slashable_until_start_plus_delay),
        cmocka_unit_test(test_restake_deregistered_slashable_for_deallocation_delay),
        cmocka_unit_test(test_restake_only_allocated_magnitude_slashable),
        cmocka_unit_test(test_restake_veto_window),
        cmocka_unit_test(test_restake_freeze),
        cmocka_unit_test(test_restake_eject),
        cmocka_unit_test(test_restake_slash_ppm_rounding),
        cmocka_unit_test(test_restake_submit_evidence_all_kinds),
        cmocka_unit_test(test_restake_conservation_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
