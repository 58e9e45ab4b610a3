/*
** Tests of protocol/xr_keccak: known answers (Ethereum's Keccak-256, not
** SHA3-256), a differential check of the unrolled permutation against a
** plain textbook implementation written here from the Keccak reference
** (loops over x, y with rho offsets and pi computed on the fly) for every
** length 0..700 across several rate boundaries, and that incremental
** hashing in arbitrary pieces equals one-shot hashing.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"
#include "xr_keccak.h"

static void hash_hex(const void *p, size_t n, char out[67]) {
    uint8_t h[32];
    xr_keccak256(p, n, h);
    hex_encode(h, 32, out);
}

static void test_keccak_known_answers(void **state) {
    (void)state;
    char hex[67];
    hash_hex("", 0, hex);
    assert_string_equal(hex, "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    hash_hex("abc", 3, hex);
    assert_string_equal(hex, "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    const char *fox = "The quick brown fox jumps over the lazy dog";
    hash_hex(fox, strlen(fox), hex);
    assert_string_equal(hex, "0x4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15");
}

static void test_keccak_is_not_sha3(void **state) {
    (void)state;
    /* SHA3-256("") = a7ffc6f8...; Ethereum's Keccak-256 must differ. */
    char hex[67];
    hash_hex("", 0, hex);
    assert_string_not_equal(hex,
                            "0xa7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
}

/* ---- textbook reference ------------------------------------------------------ */

static uint64_t ref_rol(uint64_t x, unsigned n) {
    n %= 64;
    return n == 0 ? x : (x << n) | (x >> (64 - n));
}

/* Round constants from the LFSR of the Keccak reference (rc(t)). */
static int ref_rc_bit(unsigned t) {
    uint8_t r = 1;
    for (unsigned i = 0; i < t % 255; i++) {
        r = (uint8_t)((r & 0x80) ? ((r << 1) ^ 0x71) : (r << 1));
    }
    return r & 1;
}

static void ref_f1600(uint64_t a[25]) {
    for (unsigned round = 0; round < 24; round++) {
        uint64_t c[5], d[5], b[25];
        for (unsigned x = 0; x < 5; x++) {
            c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        }
        for (unsigned x = 0; x < 5; x++) d[x] = c[(x + 4) % 5] ^ ref_rol(c[(x + 1) % 5], 1);
        for (unsigned i = 0; i < 25; i++) a[i] ^= d[i % 5];
        /* rho offsets by walking (x, y) -> (y, 2x + 3y) from (1, 0) */
        unsigned rho[25] = {0};
        unsigned x = 1, y = 0;
        for (unsigned t = 0; t < 24; t++) {
            rho[x + 5 * y] = ((t + 1) * (t + 2) / 2) % 64;
            unsigned nx = y, ny = (2 * x + 3 * y) % 5;
            x = nx;
            y = ny;
        }
        for (unsigned xx = 0; xx < 5; xx++) {
            for (unsigned yy = 0; yy < 5; yy++) {
                b[yy + 5 * ((2 * xx + 3 * yy) % 5)] = ref_rol(a[xx + 5 * yy], rho[xx + 5 * yy]);
            }
        }
        for (unsigned xx = 0; xx < 5; xx++) {
            for (unsigned yy = 0; yy < 5; yy++) {
                a[xx + 5 * yy] = b[xx + 5 * yy] ^
                                 (~b[(xx + 1) % 5 + 5 * yy] & b[(xx + 2) % 5 + 5 * yy]);
            }
        }
        uint64_t rc = 0;
        for (unsigned j = 0; j < 7; j++) {
            if (ref_rc_bit(j + 7 * round)) rc |= 1ull << ((1u << j) - 1);
        }
        a[0] ^= rc;
    }
}

static void ref_keccak256(const uint8_t *msg, size_t len, uint8_t out[32]) {
    uint64_t a[25] = {0};
    const size_t rate = 136;
    uint8_t block[136];
    size_t off = 0;
    for (;;) {
        size_t take = len - off < rate ? len - off : rate;
        memset(block, 0, rate);
        memcpy(block, msg + off, take);
        off += take;
        bool last = take < rate;
        if (last) {
            block[take] ^= 0x01;
            block[rate - 1] ^= 0x80;
        }
        for (size_t i = 0; i < rate; i++) a[i / 8] ^= (uint64_t)block[i] << (8 * (i % 8));
        ref_f1600(a);
        if (last) break;
    }
    for (size_t i = 0; i < 32; i++) out[i] = (uint8_t)(a[i / 8] >> (8 * (i % 8)));
}

static void test_keccak_matches_reference_all_lengths(void **state) {
    (void)state;
    uint8_t msg[700];
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < sizeof msg; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        msg[i] = (uint8_t)x;
    }
    uint8_t got[32], want[32];
    for (size_t n = 0; n <= sizeof msg; n++) {
        xr_keccak256(msg, n, got);
        ref_keccak256(msg, n, want);
        assert_memory_equal(got, want, 32);
    }
    /* The reference agrees with the known answer too (checks the checker). */
    ref_keccak256((const uint8_t *)"abc", 3, want);
    char hex[67];
    hex_encode(want, 32, hex);
    assert_string_equal(hex, "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}

static void test_keccak_permutation_matches_reference(void **state) {
    (void)state;
    uint64_t a[25], b[25];
    for (int i = 0; i < 25; i++) a[i] = b[i] = 0x0123456789abcdefull * (uint64_t)(i + 1);
    for (int r = 0; r < 5; r++) {
        xr_keccak_f1600(a);
        ref_f1600(b);
        assert_memory_equal(a, b, sizeof a);
    }
}

static void test_keccak_incremental_equals_oneshot(void **state) {
    (void)state;
    uint8_t msg[1000];
    for (size_t i = 0; i < sizeof msg; i++) msg[i] = (uint8_t)(i * 131 + 7);
    uint8_t want[32], got[32];
    xr_keccak256(msg, sizeof msg, want);
    uint64_t seed = 42;
    for (int trial = 0; trial < 200; trial++) {
        xr_keccak ctx;
        xr_keccak_init(&ctx);
        size_t off = 0;
        while (off < sizeof msg) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            size_t piece = (size_t)(seed >> 33) % 300;
            if (piece > sizeof msg - off) piece = sizeof msg - off;
            xr_keccak_update(&ctx, msg + off, piece);   /* includes empty updates */
            off += piece;
        }
        xr_keccak_final(&ctx, got);
        assert_memory_equal(got, want, 32);
    }
    /* byte at a time */
    xr_keccak ctx;
    xr_keccak_init(&ctx);
    for (size_t i = 0; i < sizeof msg; i++) xr_keccak_update(&ctx, msg + i, 1);
    xr_keccak_final(&ctx, got);
    assert_memory_equal(got, want, 32);
}

static void test_keccak_rate_boundaries(void **state) {
    (void)state;
    /* Lengths around the 136-byte rate: 135 puts 0x01 and 0x80 in the same byte. */
    static const size_t lens[] = {135, 136, 137, 271, 272, 273};
    uint8_t msg[300], got[32], want[32];
    memset(msg, 0xa5, sizeof msg);
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        xr_keccak256(msg, lens[i], got);
        ref_keccak256(msg, lens[i], want);
        assert_memory_equal(got, want, 32);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keccak_known_answers),
        cmocka_unit_test(test_keccak_is_not_sha3),
        cmocka_unit_test(test_keccak_matches_reference_all_lengths),
        cmocka_unit_test(test_keccak_permutation_matches_reference),
        cmocka_unit_test(test_keccak_incremental_equals_oneshot),
        cmocka_unit_test(test_keccak_rate_boundaries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
