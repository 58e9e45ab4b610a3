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
    assert_int_equal(xr_gas_sig_check(), 3000 + 2100);
    assert_int_equal(xr_gas_sload(true), 2100);
    assert_int_equal(xr_gas_sload(false), 100);
    assert_int_equal(xr_gas_bls_pairing(2), 37700 + 2 * 32600);
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
        cmocka_unit_test(test_gas_sstore_cases),
        cmocka_unit_test(test_gas_base_fee_update),
        cmocka_unit_test(test_gas_saturates),
        cmocka_unit_test(test_gas_table_lists_every_constant),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
