/*
** Tests of the gas arithmetic against hand-computed values: calldata cost
** and the EIP-7623 floor, keccak words, logs, SSTORE cases, the portal's
** pieces, EIP-1559 base fee steps, saturation, and the constants table.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "xr_gas.h"

static void test_gas_calldata_and_floor(void **state) {
    (void)state;
    const uint8_t data[] = {0, 0, 1, 2, 0, 255};
    xr_gas_calldata cd;
    xr_gas_calldata_count(data, sizeof data, &cd);
    assert_int_equal(cd.zero_bytes, 3);
    assert_int_equal(cd.nonzero_bytes, 3);
    assert_int_equal(xr_gas_calldata_standard(&cd), 3 * 4 + 3 * 16);   /* 60 */
    assert_int_equal(xr_gas_calldata_tokens(&cd), 3 + 3 * 4);          /* 15 */
    assert_int_equal(xr_gas_calldata_floor(&cd), 150);
    /* Floor wins with no execution, standard once execution is counted. */
    assert_int_equal(xr_gas_tx_total(&cd, 0), 21150);
    assert_int_equal(xr_gas_tx_total(&cd, 1000), 22060);
    assert_int_equal(xr_gas_tx_min_limit(&cd), 21150);

    /* A data-heavy transaction: 1000 non-zero bytes, 5000 gas of execution:
    ** standard 16000 + 5000 = 21000 < floor 40 x 1000 = 40000. */
    cd = (xr_gas_calldata){0, 1000};
    assert_int_equal(xr_gas_tx_total(&cd, 5000), 21000 + 40000);
    /* ... and 30000 of execution: 16000 + 30000 = 46000 > 40000. */
    assert_int_equal(xr_gas_tx_total(&cd, 30000), 21000 + 46000);
    /* Zero bytes: 4 standard, 10 floor each. */
    cd = (xr_gas_calldata){100, 0};
    assert_int_equal(xr_gas_tx_total(&cd, 0), 21000 + 1000);
    assert_int_equal(xr_gas_tx_total(&cd, 700), 21000 + 1100);
    /* Empty calldata is the bare transaction. */
    xr_gas_calldata_count(NULL, 0, &cd);
    assert_int_equal(xr_gas_tx_total(&cd, 0), 21000);
}

static void test_gas_keccak_log_and_pieces(void **state) {
    (void)state;
    assert_int_equal(xr_gas_keccak(0), 30);
    assert_int_equal(xr_gas_keccak(1), 36);
    assert_int_equal(xr_gas_keccak(32), 36);
    assert_int_equal(xr_gas_keccak(33), 42);
    assert_int_equal(xr_gas_keccak(64), 42);
    assert_int_equal(xr_gas_keccak(193), 72); /* tag + 6-word header */
    assert_int_equal(xr_gas_leaf(192), 72 + 36);
    assert_int_equal(xr_gas_hash_pair(), 42);
    assert_int_equal(xr_gas_log(0, 0), 375);
    assert_int_equal(xr_gas_log(4, 160), 375 + 4 * 375 + 8 * 160);
    assert_int_equal(xr_gas_receipt_log(0), 3155);
    assert_int_equal(xr_gas_receipt_log(1), 375 + 1500 + 8 * 192);
    assert_int_equal(xr_gas_receipt_log(32), 375 + 1500 + 8 * 192);
    /* ecrecover + STATICCALL to the warm precompile + cold valSet read +
    ** its mapping slot + Quorum.verify's fitted loop */
    assert_int_equal(xr_gas_sig_check(), 3000 + 100 + 2100 + 42 + XR_GAS_PORTAL_SIG_EXEC);
    assert_int_equal(xr_gas_sload(true), 2100);
    assert_int_equal(xr_gas_sload(false), 100);
    assert_int_equal(xr_gas_bls_pairing(2), 37700 + 2 * 32600);
}

/* Memory (yellow paper C_mem), the EIP-3529 refund cap and the order of
** refund and EIP-7623 floor (refund first, as geth does). */
static void test_gas_memory_refund_and_floor_order(void **state) {
    (void)state;
    assert_int_equal(xr_gas_memory(0), 0);
    assert_int_equal(xr_gas_memory(1), 3);
    assert_int_equal(xr_gas_memory(512), 3 * 512 + 512);
    assert_int_equal(xr_gas_memory(40000), 120000 + 40000ull * 40000 / 512);
    assert_int_equal(xr_gas_refund_capped(19900, 1000000), 19900);
    assert_int_equal(xr_gas_refund_capped(400800, 963733), 192746); /* capped at 1/5 */
    xr_gas_calldata cd = {0, 0};
    /* 21000 + 100000 = 121000; refund 22700 < 24200 */
    assert_int_equal(xr_gas_tx_total_refund(&cd, 100000, 22700), 121000 - 22700);
    assert_int_equal(xr_gas_tx_total_refund(&cd, 100000, 50000), 121000 - 24200);
    /* data-heavy: the floor applies to the gas after the refund */
    cd = (xr_gas_calldata){0, 1000};  /* standard 16000, floor 40000 */
    assert_int_equal(xr_gas_tx_total_refund(&cd, 30000, 10000), 21000 + 40000);
    assert_int_equal(xr_gas_tx_total_refund(&cd, 60000, 10000), 21000 + 16000 + 60000 - 10000);
    /* the pieces of xsubmit: refund counter and the guard's closing store */
    assert_int_equal(xr_gas_xsubmit_refund(3), 3 * 19900 + 2800);
    assert_int_equal(xr_gas_xsubmit_end(), 100);
    /* one message, first of its stream and of the tx, offset 5 -> 6 and
    ** block offset 7 -> 8 written: cold reads 2 x 2100, warm 2 x 100 + the
    ** block read 100, stores 2900 + 2900, 4 mappings x 2 keccaks, _xmsg read
    ** cold + set 20000 + clear 100, 3 warm reads, the fitted rest */
    assert_int_equal(xr_gas_xsubmit_msg(true, true, 2900, 2900),
                     4200 + 300 + 5800 + 8 * 42 + 2100 + 20000 + 100 + 300 + XR_GAS_PORTAL_MSG_EXEC);
    /* a later message of the same stream: warm, dirty store, no block write */
    assert_int_equal(xr_gas_xsubmit_msg(false, false, 100, 0),
                     200 + 200 + 100 + 6 * 42 + 100 + 20000 + 100 + 300 + XR_GAS_PORTAL_MSG_EXEC);
    /* memory: 33 + 5 per signature + (27 + 1 + 8) per message with a 256-byte
    ** error buffer + 3 copies of the data + 1 per flag */
    assert_int_equal(xr_gas_xsubmit_mem_words(7, 2, 4, 1, 256), 33 + 35 + 72 + 12 + 1);
}

/* L1 data fees of rollup transactions, hand-computed from the formulas of
** OP Stack's GasPriceOracle (Ecotone) and Arbitrum's ArbGasInfo. */
static void test_gas_l1_data_fees(void **state) {
    (void)state;
    xr_gas_calldata cd = {100, 200};
    /* Ecotone: l1_gas = 100 x 4 + 200 x 16 + 68 x 16 = 4688; at 10 gwei and
    ** a 1-wei blob fee with OP Mainnet's scalars 5227 / 1014213:
    ** 4688 x (16 x 5227 x 1e10 + 1014213 x 1) / (16 x 1e6) */
    assert_int_equal(xr_gas_l1_fee_op_ecotone(&cd, 10000000000ull, 1, 5227, 1014213),
                     245041760297ull);
    /* blob-only pricing (base fee scalar 0) at a 1 gwei blob fee */
    assert_int_equal(xr_gas_l1_fee_op_ecotone(&cd, 10000000000ull, 1000000000ull, 0, 1000000),
                     4688ull * 1000000000ull / 16);
    /* Arbitrum: (200 + 100 / 4 + 140) bytes x 16 units x 1e10 wei per unit */
    assert_int_equal(xr_gas_l1_fee_arbitrum(&cd, 10000000000ull), 365ull * 16 * 10000000000ull);
    cd = (xr_gas_calldata){1, 0}; /* a lone zero byte rounds up to one */
    assert_int_equal(xr_gas_l1_fee_arbitrum(&cd, 1), 141 * 16);
    /* saturation */
    cd = (xr_gas_calldata){0, UINT64_MAX / 8};
    assert_int_equal(xr_gas_l1_fee_op_ecotone(&cd, UINT64_MAX, UINT64_MAX, 1000000, 1000000), UINT64_MAX);
    assert_int_equal(xr_gas_l1_fee_arbitrum(&cd, UINT64_MAX), UINT64_MAX);
}

static void test_gas_sstore_cases(void **state) {
    (void)state;
    assert_int_equal(xr_gas_sstore(true, 0, 0, 5), 22100);  /* cold, zero -> non-zero */
    assert_int_equal(xr_gas_sstore(false, 0, 0, 5), 20000); /* warm, zero -> non-zero */
    assert_int_equal(xr_gas_sstore(false, 5, 5, 6), 2900);  /* warm, non-zero -> non-zero */
    assert_int_equal(xr_gas_sstore(true, 5, 5, 6), 5000);   /* cold reset */
    assert_int_equal(xr_gas_sstore(false, 5, 6, 7), 100);   /* dirty slot */
    assert_int_equal(xr_gas_sstore(false, 0, 1, 2), 100);   /* dirty after a set */
    assert_int_equal(xr_gas_sstore(false, 5, 5, 5), 100);   /* no-op */
}

static void test_gas_base_fee_update(void **state) {
    (void)state;
    const uint64_t limit = 30000000, gwei = 1000000000;
    assert_int_equal(xr_gas_base_fee_next(gwei, limit / 2, limit), gwei);
    assert_int_equal(xr_gas_base_fee_next(gwei, limit, limit), gwei + gwei / 8);
    assert_int_equal(xr_gas_base_fee_next(gwei, 0, limit), gwei - gwei / 8);
    /* 3/4 full: +1/16. */
    assert_int_equal(xr_gas_base_fee_next(1600, limit / 4 * 3, limit), 1700);
    /* An increase is at least 1 wei; a decrease may round to 0. */
    assert_int_equal(xr_gas_base_fee_next(1, limit / 2 + 1, limit), 2);
    assert_int_equal(xr_gas_base_fee_next(7, 0, limit), 7);
    assert_int_equal(xr_gas_base_fee_next(UINT64_MAX, limit, limit), UINT64_MAX);
}

static void test_gas_saturates(void **state) {
    (void)state;
    xr_gas_calldata cd = {UINT64_MAX, UINT64_MAX};
    assert_int_equal(xr_gas_calldata_standard(&cd), UINT64_MAX);
    assert_int_equal(xr_gas_calldata_floor(&cd), UINT64_MAX);
    assert_int_equal(xr_gas_tx_total(&cd, UINT64_MAX), UINT64_MAX);
    /* 2^59 words of keccak still fit: exact, not saturated. */
    assert_int_equal(xr_gas_keccak(UINT64_MAX), 30 + 6 * (UINT64_MAX / 32 + 1));
    assert_int_equal(xr_gas_leaf(UINT64_MAX), 30 + 6 * (UINT64_MAX / 32 + 1) + 36);
    assert_int_equal(xr_gas_log(4, UINT64_MAX), UINT64_MAX);
}

static void test_gas_table_lists_every_constant(void **state) {
    (void)state;
    size_t n = 0;
    const xr_gas_const *t = xr_gas_table(&n);
    assert_true(n >= 20);
    bool saw_base = false, saw_ecrec = false;
    for (size_t i = 0; i < n; i++) {
        assert_non_null(t[i].name);
        assert_non_null(t[i].source);
        assert_true(strlen(t[i].source) > 5);
        for (size_t j = 0; j < i; j++) assert_string_not_equal(t[i].name, t[j].name);
        if (strcmp(t[i].name, "TX_BASE") == 0) saw_base = t[i].gas == 21000;
        if (strcmp(t[i].name, "ECRECOVER") == 0) saw_ecrec = t[i].gas == 3000;
    }
    assert_true(saw_base);
    assert_true(saw_ecrec);
    assert_int_equal(XR_GAS_CALL_COLD, 2600);
    assert_int_equal(XR_GAS_SSTORE_RESET, 2900);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gas_calldata_and_floor),
        cmocka_unit_test(test_gas_keccak_log_and_pieces),
        cmocka_unit_test(test_gas_memory_refund_and_floor_order),
        cmocka_unit_test(test_gas_l1_data_fees),
        cmocka_unit_test(test_gas_sstore_cases),
        cmocka_unit_test(test_gas_base_fee_update),
        cmocka_unit_test(test_gas_saturates),
        cmocka_unit_test(test_gas_table_lists_every_constant),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
