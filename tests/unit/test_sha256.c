/*
** Tests of sim/sha256: the FIPS 180-4 example vectors ("abc", the empty
** string, the 448-bit and 896-bit messages, one million 'a'), the padding
** boundaries around 55/56/64 bytes (digests from Python's hashlib), and
** that streaming in arbitrary pieces equals hashing in one go.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sha256.h"

static void hex_of(const char *msg, char out[SIM_SHA256_HEX_LEN + 1]) {
    sim_sha256_hex(msg, strlen(msg), out);
}

static void test_sha256_fips_abc(void **state) {
    (void)state;
    char hex[SIM_SHA256_HEX_LEN + 1];
    hex_of("abc", hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_sha256_fips_empty(void **state) {
    (void)state;
    char hex[SIM_SHA256_HEX_LEN + 1];
    sim_sha256_hex(NULL, 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_sha256_fips_448_bits(void **state) {
    (void)state;
    char hex[SIM_SHA256_HEX_LEN + 1];
    hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_sha256_fips_896_bits(void **state) {
    (void)state;
    char hex[SIM_SHA256_HEX_LEN + 1];
    hex_of("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
           "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
           hex);
    assert_string_equal(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_sha256_fips_million_a(void **state) {
    (void)state;
    /* Fed in uneven 1000-byte chunks through the streaming interface. */
    char chunk[1000];
    memset(chunk, 'a', sizeof chunk);
    sim_sha256_ctx ctx;
    sim_sha256_init(&ctx);
    for (int i = 0; i < 1000; i++) {
        sim_sha256_update(&ctx, chunk, sizeof chunk);
    }
    uint8_t md[SIM_SHA256_BYTES];
    sim_sha256_final(&ctx, md);
    static const uint8_t want[SIM_SHA256_BYTES] = {
        0xcd, 0xc7, 0x6e, 0x5c, 0x99, 0x14, 0xfb, 0x92, 0x81, 0xa1, 0xc7, 0xe2, 0x84, 0xd7, 0x3e, 0x67,
        0xf1, 0x80, 0x9a, 0x48, 0xa4, 0x97, 0x20, 0x0e, 0x04, 0x6d, 0x39, 0xcc, 0xc7, 0x11, 0x2c, 0xd0,
    };
    assert_memory_equal(md, want, sizeof want);
}

/* Message i of length n: byte k is (7k + 3) mod 256. */
static void pattern(uint8_t *buf, size_t n) {
    for (size_t k = 0; k < n; k++) {
        buf[k] = (uint8_t)((k * 7 + 3) & 0xff);
    }
}

static void test_sha256_padding_boundaries(void **state) {
    (void)state;
    static const struct {
        size_t n;
        const char *hex;
    } cases[] = {
        {55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"},
        {56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"},
        {63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"},
        {64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"},
        {65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"},
        {119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"},
        {120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"},
    };
    uint8_t buf[128];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pattern(buf, cases[i].n);
        char hex[SIM_SHA256_HEX_LEN + 1];
        sim_sha256_hex(buf, cases[i].n, hex);
        assert_string_equal(hex, cases[i].hex);
    }
}

static void test_sha256_streaming_equals_one_shot(void **state) {
    (void)state;
    uint8_t buf[300];
    pattern(buf, sizeof buf);
    for (size_t n = 0; n <= sizeof buf; n += 13) {
        uint8_t whole[SIM_SHA256_BYTES];
        sim_sha256(buf, n, whole);
        /* Split at every point, and also feed byte by byte. */
        for (size_t cut = 0; cut <= n; cut += 5) {
            sim_sha256_ctx ctx;
            sim_sha256_init(&ctx);
            sim_sha256_update(&ctx, buf, cut);
            sim_sha256_update(&ctx, NULL, 0);
            sim_sha256_update(&ctx, buf + cut, n - cut);
            uint8_t md[SIM_SHA256_BYTES];
            sim_sha256_final(&ctx, md);
            assert_memory_equal(md, whole, sizeof md);
        }
        sim_sha256_ctx ctx;
        sim_sha256_init(&ctx);
        for (size_t k = 0; k < n; k++) {
            sim_sha256_update(&ctx, buf + k, 1);
        }
        uint8_t md[SIM_SHA256_BYTES];
        sim_sha256_final(&ctx, md);
        assert_memory_equal(md, whole, sizeof md);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_fips_abc),
        cmocka_unit_test(test_sha256_fips_empty),
        cmocka_unit_test(test_sha256_fips_448_bits),
        cmocka_unit_test(test_sha256_fips_896_bits),
        cmocka_unit_test(test_sha256_fips_million_a),
        cmocka_unit_test(test_sha256_padding_boundaries),
        cmocka_unit_test(test_sha256_streaming_equals_one_shot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
