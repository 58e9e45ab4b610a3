/*
** Tests of models/digest_memo, the shared memo of Keccak-256 digests: it
** answers exactly xr_keccak256 for every length and content (differential,
** lengths 0..700 and large inputs, each asked twice so that the second
** answer comes from the memo), it never answers for bytes it did not hash
** (inputs that share a slot, or a large input's sampled fingerprint, but
** differ in one byte), and it is reached through the core's service hook.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/digest_memo.h"
#include "xr_keccak.h"

static void fill(uint8_t *p, size_t n, uint64_t seed) {
    uint64_t x = seed;
    for (size_t i = 0; i < n; i++) {
        x = x * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
        p[i] = (uint8_t)(x >> 56);
    }
}

static void expect_same(mdl_digest_memo *m, const uint8_t *p, size_t n) {
    uint8_t want[32], got[32];
    xr_keccak256(p, n, want);
    mdl_digest_memo_hash(m, p, n, got);
    assert_memory_equal(got, want, 32);
}

static void test_digest_memo_equals_keccak_every_length(void **state) {
    (void)state;
    mdl_digest_memo *m = mdl_digest_memo_new();
    assert_non_null(m);
    static uint8_t buf[700];
    for (size_t n = 0; n <= sizeof buf; n++) {
        fill(buf, n, 1000 + n);
        expect_same(m, n ? buf : NULL, n); /* computed */
        expect_same(m, n ? buf : NULL, n); /* from the memo */
    }
    mdl_digest_memo_stats st = mdl_digest_memo_get_stats(m);
    assert_int_equal(st.small_lookups, 2u * 81u);
    assert_int_equal(st.medium_lookups, 2u * 128u);
    assert_int_equal(st.large_lookups, 2u * (700u - 208u));
    /* the second ask of each short input is answered from its slot; large
    ** ones are kept only eight at a time, round robin, so the latest is */
    assert_int_equal(st.small_hits, 81u);
    assert_int_equal(st.medium_hits, 128u);
    assert_int_equal(st.large_hits, 700u - 208u);
    mdl_digest_memo_free(m);
}

static void test_digest_memo_large_inputs(void **state) {
    (void)state;
    mdl_digest_memo *m = mdl_digest_memo_new();
    assert_non_null(m);
    static const size_t lens[] = {1025, 4096, 70001, 655360};
    uint8_t *buf = malloc(655360);
    assert_non_null(buf);
    for (int round = 0; round < 2; round++)
        for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
            fill(buf, lens[k], 77 + k);
            expect_same(m, buf, lens[k]);
        }
    mdl_digest_memo_stats st = mdl_digest_memo_get_stats(m);
    assert_int_equal(st.large_lookups, 8);
    assert_int_equal(st.large_hits, 4);
    assert_int_equal(st.large_bytes_hashed, 1025u + 4096u + 70001u + 655360u);
    free(buf);
    mdl_digest_memo_free(m);
}

/* Same length, one byte apart, asked alternately: each answer is its own
** Keccak, never the other's stored digest -- short inputs (where both may
** map to one slot) and a large input changed at a byte that the sampled
** fingerprint does not read (so both have the same fingerprint and only
** the full comparison tells them apart). */
static void test_digest_memo_never_answers_for_other_bytes(void **state) {
    (void)state;
    mdl_digest_memo *m = mdl_digest_memo_new();
    assert_non_null(m);
    uint8_t a[74], b[74];
    fill(a, sizeof a, 5);
    memcpy(b, a, sizeof b);
    b[73] ^= 1;
    for (int i = 0; i < 3; i++) {
        expect_same(m, a, sizeof a);
        expect_same(m, b, sizeof b);
    }
    size_t n = 100000;
    uint8_t *x = malloc(n), *y = malloc(n);
    assert_non_null(x);
    assert_non_null(y);
    fill(x, n, 9);
    memcpy(y, x, n);
    y[300] ^= 0x80;   /* past the first 256 bytes */
    y[n / 2 + 100] ^= 1; /* between two sampled words */
    for (int i = 0; i < 3; i++) {
        expect_same(m, x, n);
        expect_same(m, y, n);
    }
    mdl_digest_memo_stats st = mdl_digest_memo_get_stats(m);
    assert_int_equal(st.large_lookups, 6);
    assert_int_equal(st.large_hits, 4); /* both kept: each hit is its own bytes */
    free(x);
    free(y);
    mdl_digest_memo_free(m);
}

static void test_digest_memo_as_core_service(void **state) {
    (void)state;
    mdl_digest_memo *m = mdl_digest_memo_new();
    assert_non_null(m);
    xr_keccak_service svc = mdl_digest_memo_service(m);
    uint8_t in[193], want[32], got[32], plain[32];
    fill(in, sizeof in, 3);
    xr_keccak256(in, sizeof in, want);
    xr_keccak_service_hash(&svc, in, sizeof in, got);
    assert_memory_equal(got, want, 32);
    xr_keccak_service_hash(&svc, in, sizeof in, got);
    assert_memory_equal(got, want, 32);
    xr_keccak_service_hash(NULL, in, sizeof in, plain); /* no service: plain Keccak */
    assert_memory_equal(plain, want, 32);
    mdl_digest_memo_stats st = mdl_digest_memo_get_stats(m);
    assert_int_equal(st.medium_lookups, 2);
    assert_int_equal(st.medium_hits, 1);
    mdl_digest_memo_free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digest_memo_equals_keccak_every_length),
        cmocka_unit_test(test_digest_memo_large_inputs),
        cmocka_unit_test(test_digest_memo_never_answers_for_other_bytes),
        cmocka_unit_test(test_digest_memo_as_core_service),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
