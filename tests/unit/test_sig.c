/*
** Tests of the signature interface and both backends: the secp256k1 backend
** reproduces the vectors' signatures byte for byte and recovers their
** addresses, and rejects what OpenZeppelin's ECDSA.recover rejects (bad v,
** high s, r >= n); the fast backend round-trips, fails on every single-bit
** flip and on forged index fields, and signs only with the handles it issued.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"
#include "crypto/sig_fast.h"
#include "crypto/sig_secp.h"
#include "xr_sig.h"

/* secp256k1 group order n, big-endian. */
static const uint8_t order_n[32] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
};

/* out = n - x (x < n), big-endian 256-bit. */
static void n_minus(const uint8_t x[32], uint8_t out[32]) {
    int borrow = 0;
    for (int i = 31; i >= 0; i--) {
        int d = (int)order_n[i] - (int)x[i] - borrow;
        borrow = d < 0;
        out[i] = (uint8_t)(d + (borrow ? 256 : 0));
    }
    assert_int_equal(borrow, 0);
}

static void test_sig_secp_reproduces_vectors(void **state) {
    (void)state;
    json *doc = vectors_load();
    assert_non_null(doc);
    const json *sigs = json_get(doc, "signatures");
    size_t n = json_count(sigs);
    assert_true(n >= 5);
    mdl_sig_secp *b = mdl_sig_secp_new((uint32_t)n);
    assert_non_null(b);
    xr_sig_backend be = mdl_sig_secp_backend(b);
    for (size_t i = 0; i < n; i++) {
        const json *v = json_at(sigs, i);
        uint8_t sk[32], addr[20], digest[32], want[65], got[65], rec[20];
        assert_true(json_hex_exact(json_get(v, "private_key"), sk, 32));
        assert_true(json_hex_exact(json_get(v, "address"), addr, 20));
        assert_true(json_hex_exact(json_get(v, "digest"), digest, 32));
        assert_true(json_hex_exact(json_get(v, "signature"), want, 65));
        const xr_sig_key *key = NULL;
        xr_address a;
        assert_int_equal(mdl_sig_secp_add_key(b, sk, &key, &a), 0);
        assert_memory_equal(a.bytes, addr, 20);
        assert_int_equal(xr_sig_sign(&be, key, digest, got), 0);
        assert_memory_equal(got, want, 65);
        assert_int_equal(xr_sig_recover(&be, digest, want, rec), 0);
        assert_memory_equal(rec, addr, 20);
        assert_int_equal(xr_sig_verify(&be, digest, want, addr), 0);
        /* Deterministic (RFC 6979): signing again gives the same bytes. */
        assert_int_equal(xr_sig_sign(&be, key, digest, got), 0);
        assert_memory_equal(got, want, 65);
    }
    mdl_sig_secp_free(b);
    json_free(doc);
}

/* First vector's key, digest, signature and address. */
static void first_vector(uint8_t sk[32], uint8_t digest[32], uint8_t sig[65], uint8_t addr[20]) {
    json *doc = vectors_load();
    assert_non_null(doc);
    const json *v = json_get(doc, "signatures[0]");
    assert_true(json_hex_exact(json_get(v, "private_key"), sk, 32));
    assert_true(json_hex_exact(json_get(v, "digest"), digest, 32));
    assert_true(json_hex_exact(json_get(v, "signature"), sig, 65));
    assert_true(json_hex_exact(json_get(v, "address"), addr, 20));
    json_free(doc);
}

static void test_sig_secp_rejects_malleated_and_malformed(void **state) {
    (void)state;
    uint8_t sk[32], digest[32], sig[65], addr[20], bad[65], rec[20];
    first_vector(sk, digest, sig, addr);
    mdl_sig_secp *b = mdl_sig_secp_new(1);
    assert_non_null(b);
    xr_sig_backend be = mdl_sig_secp_backend(b);

    /* High-s twin (n - s, other v): valid for raw ecrecover, rejected here as
    ** OpenZeppelin's ECDSA.recover does. */
    memcpy(bad, sig, 65);
    n_minus(sig + 32, bad + 32);
    bad[64] = sig[64] == 27 ? 28 : 27;
    assert_int_equal(xr_sig_recover(&be, digest, bad, rec), XR_ERR_SIG_MALFORMED);

    /* v outside {27, 28}. */
    const uint8_t vs[] = {0, 1, 26, 29, 255};
    for (size_t i = 0; i < sizeof vs; i++) {
        memcpy(bad, sig, 65);
        bad[64] = vs[i];
        assert_int_equal(xr_sig_recover(&be, digest, bad, rec), XR_ERR_SIG_MALFORMED);
    }
    /* r >= n. */
    memcpy(bad, sig, 65);
    memcpy(bad, order_n, 32);
    assert_int_equal(xr_sig_recover(&be, digest, bad, rec), XR_ERR_SIG_MALFORMED);
    /* r = 0 and s = 0: parse, but recover no key. */
    memcpy(bad, sig, 65);
    memset(bad, 0, 32);
    assert_int_equal(xr_sig_recover(&be, digest, bad, rec), XR_ERR_SIG_INVALID);
    memcpy(bad, sig, 65);
    memset(bad + 32, 0, 32);
    assert_int_equal(xr_sig_recover(&be, digest, bad, rec), XR_ERR_SIG_INVALID);

    /* Flipping one bit of r, s or the digest never verifies for addr. */
    for (size_t byte = 0; byte < 64; byte += 7) {
        memcpy(bad, sig, 65);
        bad[byte] ^= 0x10;
        assert_int_not_equal(xr_sig_verify(&be, digest, bad, addr), 0);
    }
    uint8_t d2[32];
    memcpy(d2, digest, 32);
    d2[31] ^= 1;
    assert_int_equal(xr_sig_verify(&be, d2, sig, addr), XR_ERR_SIG_INVALID);
    /* Flipping v recovers another key. */
    memcpy(bad, sig, 65);
    bad[64] = sig[64] == 27 ? 28 : 27;
    int rc = xr_sig_verify(&be, digest, bad, addr);
    assert_true(rc == XR_ERR_SIG_INVALID);
    mdl_sig_secp_free(b);
}

static void test_sig_secp_keys_and_handles(void **state) {
    (void)state;
    mdl_sig_secp *b = mdl_sig_secp_new(3);
    mdl_sig_secp *other = mdl_sig_secp_new(1);
    assert_non_null(b);
    assert_non_null(other);
    xr_sig_backend be = mdl_sig_secp_backend(b);
    const xr_sig_key *k0, *k1, *k2, *ko;
    xr_address a0, a1, a2, ao;
    uint8_t zero[32] = {0};
    assert_int_equal(mdl_sig_secp_add_key(b, zero, &k0, &a0), XR_ERR_INVALID_ARG);
    assert_int_equal(mdl_sig_secp_add_key(b, order_n, &k0, &a0), XR_ERR_INVALID_ARG);
    assert_int_equal(mdl_sig_secp_derive_key(b, 42, 0, &k0, &a0), 0);
    assert_int_equal(mdl_sig_secp_derive_key(b, 42, 1, &k1, &a1), 0);
    assert_int_equal(mdl_sig_secp_derive_key(b, 42, 0, &k2, &a2), 0);
    assert_memory_equal(a0.bytes, a2.bytes, 20); /* deterministic */
    assert_memory_not_equal(a0.bytes, a1.bytes, 20);
    assert_int_equal(mdl_sig_secp_derive_key(b, 42, 2, &ko, &ao), XR_ERR_CAPACITY);
    assert_int_equal(mdl_sig_secp_derive_key(other, 42, 1, &ko, &ao), 0);

    uint8_t digest[32], sig[65], rec[20];
    memset(digest, 0xab, sizeof digest);
    /* k1 signs for a1 only. */
    assert_int_equal(xr_sig_sign(&be, k1, digest, sig), 0);
    assert_int_equal(xr_sig_recover(&be, digest, sig, rec), 0);
    assert_memory_equal(rec, a1.bytes, 20);
    assert_int_equal(xr_sig_verify(&be, digest, sig, a0.bytes), XR_ERR_SIG_INVALID);
    /* A handle from another backend (even of the same key) is refused. */
    assert_int_equal(xr_sig_sign(&be, ko, digest, sig), XR_ERR_INVALID_ARG);
    struct { uint8_t junk[64]; } fake = {{0}};
    assert_int_equal(xr_sig_sign(&be, (const xr_sig_key *)(const void *)&fake, digest, sig),
                     XR_ERR_INVALID_ARG);
    mdl_sig_secp_free(other);
    mdl_sig_secp_free(b);
}

static void test_sig_fast_round_trip(void **state) {
    (void)state;
    mdl_sig_fast *b = mdl_sig_fast_new(7, 16);
    assert_non_null(b);
    xr_sig_backend be = mdl_sig_fast_backend(b);
    const xr_sig_key *keys[16];
    xr_address addrs[16];
    for (int i = 0; i < 16; i++) assert_int_equal(mdl_sig_fast_add_key(b, &keys[i], &addrs[i]), 0);
    const xr_sig_key *extra;
    assert_int_equal(mdl_sig_fast_add_key(b, &extra, NULL), XR_ERR_CAPACITY);
    for (int i = 0; i < 16; i++) {
        for (int j = 0; j < i; j++) assert_memory_not_equal(addrs[i].bytes, addrs[j].bytes, 20);
        uint8_t digest[32], sig[65], sig2[65], rec[20];
        for (int k = 0; k < 32; k++) digest[k] = (uint8_t)(i * 31 + k);
        assert_int_equal(xr_sig_sign(&be, keys[i], digest, sig), 0);
        assert_int_equal(xr_sig_sign(&be, keys[i], digest, sig2), 0);
        assert_memory_equal(sig, sig2, 65);
        assert_int_equal(sig[64], 27);
        assert_int_equal(xr_sig_recover(&be, digest, sig, rec), 0);
        assert_memory_equal(rec, addrs[i].bytes, 20);
        assert_int_equal(xr_sig_verify(&be, digest, sig, addrs[i].bytes), 0);
        /* Another digest does not verify. */
        digest[0] ^= 1;
        assert_int_equal(xr_sig_verify(&be, digest, sig, addrs[i].bytes), XR_ERR_SIG_INVALID);
    }
    mdl_sig_fast_free(b);
}

static void test_sig_fast_every_bit_flip_fails(void **state) {
    (void)state;
    mdl_sig_fast *b = mdl_sig_fast_new(11, 4);
    assert_non_null(b);
    xr_sig_backend be = mdl_sig_fast_backend(b);
    const xr_sig_key *k[4];
    xr_address a[4];
    for (int i = 0; i < 4; i++) assert_int_equal(mdl_sig_fast_add_key(b, &k[i], &a[i]), 0);
    uint8_t digest[32], sig[65], bad[65], rec[20];
    memset(digest, 0x5c, sizeof digest);
    assert_int_equal(xr_sig_sign(&be, k[2], digest, sig), 0);
    for (int byte = 0; byte < 65; byte++) {
        for (int bit = 0; bit < 8; bit++) {
            memcpy(bad, sig, 65);
            bad[byte] ^= (uint8_t)(1u << bit);
            int rc = xr_sig_recover(&be, digest, bad, rec);
            assert_true(rc == XR_ERR_SIG_INVALID || rc == XR_ERR_SIG_MALFORMED);
            for (int i = 0; i < 4; i++)
                assert_int_not_equal(xr_sig_verify(&be, digest, bad, a[i].bytes), 0);
        }
    }
    /* Forgery by re-pointing the index field at another key. */
    for (int j = 0; j < 4; j++) {
        if (j == 2) continue;
        memcpy(bad, sig, 65);
        bad[63] = (uint8_t)j;
        assert_int_equal(xr_sig_recover(&be, digest, bad, rec), XR_ERR_SIG_INVALID);
    }
    /* Index past the table, garbage, all zero. */
    memcpy(bad, sig, 65);
    bad[60] = 0x80;
    assert_int_equal(xr_sig_recover(&be, digest, bad, rec), XR_ERR_SIG_INVALID);
    memset(bad, 0, 65);
    assert_int_equal(xr_sig_recover(&be, digest, bad, rec), XR_ERR_SIG_MALFORMED);
    bad[64] = 27;
    assert_int_equal(xr_sig_recover(&be, digest, bad, rec), XR_ERR_SIG_INVALID);
    mdl_sig_fast_free(b);
}

static void test_sig_fast_handle_cannot_sign_for_another(void **state) {
    (void)state;
    /* Two backends from the same seed hold the same keys and addresses, but
    ** each accepts only the handles it issued. */
    mdl_sig_fast *b1 = mdl_sig_fast_new(99, 2);
    mdl_sig_fast *b2 = mdl_sig_fast_new(99, 2);
    mdl_sig_fast *b3 = mdl_sig_fast_new(100, 2);
    assert_non_null(b1);
    assert_non_null(b2);
    assert_non_null(b3);
    xr_sig_backend be1 = mdl_sig_fast_backend(b1), be2 = mdl_sig_fast_backend(b2);
    const xr_sig_key *a1, *b1k, *a2, *c1;
    xr_address aa1, ab1, aa2, ac1;
    assert_int_equal(mdl_sig_fast_add_key(b1, &a1, &aa1), 0);
    assert_int_equal(mdl_sig_fast_add_key(b1, &b1k, &ab1), 0);
    assert_int_equal(mdl_sig_fast_add_key(b2, &a2, &aa2), 0);
    assert_int_equal(mdl_sig_fast_add_key(b3, &c1, &ac1), 0);
    assert_memory_equal(aa1.bytes, aa2.bytes, 20);       /* same seed, same key */
    assert_memory_not_equal(aa1.bytes, ac1.bytes, 20);   /* other seed, other key */

    uint8_t digest[32], sig[65], sig2[65], rec[20];
    memset(digest, 0x77, sizeof digest);
    /* Key A's handle signs for A, never for B. */
    assert_int_equal(xr_sig_sign(&be1, a1, digest, sig), 0);
    assert_int_equal(xr_sig_verify(&be1, digest, sig, ab1.bytes), XR_ERR_SIG_INVALID);
    assert_int_equal(xr_sig_verify(&be1, digest, sig, aa1.bytes), 0);
    /* Signatures are the same across same-seed backends (determinism). */
    assert_int_equal(xr_sig_sign(&be2, a2, digest, sig2), 0);
    assert_memory_equal(sig, sig2, 65);
    assert_int_equal(xr_sig_recover(&be2, digest, sig, rec), 0);
    /* Foreign and made-up handles are refused. */
    assert_int_equal(xr_sig_sign(&be1, a2, digest, sig), XR_ERR_INVALID_ARG);
    assert_int_equal(xr_sig_sign(&be1, c1, digest, sig), XR_ERR_INVALID_ARG);
    uint8_t fake[128] = {0};
    assert_int_equal(xr_sig_sign(&be1, (const xr_sig_key *)(const void *)fake, digest, sig),
                     XR_ERR_INVALID_ARG);
    /* A key of b3 (other seed) does not verify in b1 even at the same index. */
    xr_sig_backend be3 = mdl_sig_fast_backend(b3);
    assert_int_equal(xr_sig_sign(&be3, c1, digest, sig), 0);
    assert_int_equal(xr_sig_recover(&be1, digest, sig, rec), XR_ERR_SIG_INVALID);
    mdl_sig_fast_free(b1);
    mdl_sig_fast_free(b2);
    mdl_sig_fast_free(b3);
}

/* A backend that breaks the contract in the ways the wrapper normalises. */
static int bad_recover(void *ctx, const uint8_t digest[32], const uint8_t sig[65],
                       uint8_t addr_out[20]) {
    (void)digest; (void)sig;
    memset(addr_out, 0, 20);
    return *(const int *)ctx;
}

static void test_sig_wrapper_rejects_zero_address(void **state) {
    (void)state;
    int bad_recover_rc = 0;
    xr_sig_backend be = {NULL, bad_recover, &bad_recover_rc};
    uint8_t digest[32] = {0}, sig[65] = {0}, rec[20], zero[20] = {0};
    assert_int_equal(xr_sig_recover(&be, digest, sig, rec), XR_ERR_SIG_INVALID);
    assert_int_equal(xr_sig_verify(&be, digest, sig, zero), XR_ERR_SIG_INVALID);
    bad_recover_rc = 1;
    assert_int_equal(xr_sig_recover(&be, digest, sig, rec), XR_ERR_SIG_INVALID);
    bad_recover_rc = XR_ERR_SIG_MALFORMED;
    assert_int_equal(xr_sig_recover(&be, digest, sig, rec), XR_ERR_SIG_MALFORMED);
}

static void test_sig_addr_cmp_is_numeric_order(void **state) {
    (void)state;
    uint8_t a[20] = {0}, b[20] = {0};
    a[19] = 2;
    b[0] = 1;
    assert_true(xr_sig_addr_cmp(a, b) < 0);
    assert_true(xr_sig_addr_cmp(b, a) > 0);
    assert_int_equal(xr_sig_addr_cmp(a, a), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sig_secp_reproduces_vectors),
        cmocka_unit_test(test_sig_secp_rejects_malleated_and_malformed),
        cmocka_unit_test(test_sig_secp_keys_and_handles),
        cmocka_unit_test(test_sig_fast_round_trip),
        cmocka_unit_test(test_sig_fast_every_bit_flip_fails),
        cmocka_unit_test(test_sig_fast_handle_cannot_sign_for_another),
        cmocka_unit_test(test_sig_wrapper_rejects_zero_address),
        cmocka_unit_test(test_sig_addr_cmp_is_numeric_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
