/*
** SHA-256 after FIPS 180-4 sections 4.1.2, 4.2.2, 5.1.1, 5.3.3 and 6.2:
** a straightforward block-at-a-time implementation (64-entry message
** schedule, no unrolling).  Speed is irrelevant here -- the recorder hashes
** one scenario text per run -- so clarity wins.
*/
#include "sha256.h"

#include <assert.h>
#include <string.h>

/* First 32 bits of the fractional parts of the cube roots of the first 64
** primes (FIPS 180-4 section 4.2.2). */
static const uint32_t K[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};

static uint32_t rotr(uint32_t x, unsigned n) {
    assert(n > 0 && n < 32);
    return (x >> n) | (x << (32u - n));
}

static uint32_t load_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void store_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Processes one 64-byte block into the chaining state (section 6.2.2). */
static void compress(uint32_t h[8], const uint8_t block[64]) {
    uint32_t w[64];
    for (unsigned t = 0; t < 16; t++) {
        w[t] = load_be32(block + 4u * t);
    }
    for (unsigned t = 16; t < 64; t++) {
        uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    uint32_t e = h[4], f = h[5], g = h[6], hh = h[7];
    for (unsigned t = 0; t < 64; t++) {
        uint32_t big_s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + big_s1 + ch + K[t] + w[t];
        uint32_t big_s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = big_s0 + maj;
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
}

void sim_sha256_init(sim_sha256_ctx *ctx) {
    assert(ctx != NULL);
    /* Section 5.3.3: first 32 bits of the fractional parts of the square
    ** roots of the first 8 primes. */
    static const uint32_t h0[8] = {
        0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
        0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u,
    };
    memcpy(ctx->h, h0, sizeof h0);
    ctx->total_bytes = 0;
    ctx->block_bytes = 0;
    memset(ctx->block, 0, sizeof ctx->block);
}

void sim_sha256_update(sim_sha256_ctx *ctx, const void *data, size_t len) {
    assert(ctx != NULL);
    assert(data != NULL || len == 0);
    assert(ctx->block_bytes < 64);
    assert(len < (UINT64_C(1) << 61) - ctx->total_bytes);
    if (len == 0) {
        return; /* also keeps memcpy away from a NULL `data` */
    }
    const uint8_t *p = data;
    ctx->total_bytes += len;
    if (ctx->block_bytes > 0) {
        size_t take = 64 - ctx->block_bytes;
        if (take > len) {
            take = len;
        }
        memcpy(ctx->block + ctx->block_bytes, p, take);
        ctx->block_bytes += take;
        p += take;
        len -= take;
        if (ctx->block_bytes < 64) {
            return;
        }
        compress(ctx->h, ctx->block);
        ctx->block_bytes = 0;
    }
    while (len >= 64) {
        compress(ctx->h, p);
        p += 64;
        len -= 64;
    }
    if (len > 0) {
        memcpy(ctx->block, p, len);
        ctx->block_bytes = len;
    }
}

void sim_sha256_final(sim_sha256_ctx *ctx, uint8_t out[SIM_SHA256_BYTES]) {
    assert(ctx != NULL && out != NULL);
    assert(ctx->block_bytes < 64);
    /* Section 5.1.1: a 1 bit, zeros to 56 mod 64, then the bit length. */
    uint64_t bit_len = ctx->total_bytes * 8u;
    ctx->block[ctx->block_bytes++] = 0x80;
    if (ctx->block_bytes > 56) {
        memset(ctx->block + ctx->block_bytes, 0, 64 - ctx->block_bytes);
        compress(ctx->h, ctx->block);
        ctx->block_bytes = 0;
    }
    memset(ctx->block + ctx->block_bytes, 0, 56 - ctx->block_bytes);
    store_be32(ctx->block + 56, (uint32_t)(bit_len >> 32));
    store_be32(ctx->block + 60, (uint32_t)bit_len);
    compress(ctx->h, ctx->block);
    for (unsigned i = 0; i < 8; i++) {
        store_be32(out + 4u * i, ctx->h[i]);
    }
    memset(ctx, 0, sizeof *ctx);
}

void sim_sha256(const void *data, size_t len, uint8_t out[SIM_SHA256_BYTES]) {
    sim_sha256_ctx ctx;
    sim_sha256_init(&ctx);
    sim_sha256_update(&ctx, data, len);
    sim_sha256_final(&ctx, out);
}

void sim_sha256_hex(const void *data, size_t len, char out[SIM_SHA256_HEX_LEN + 1]) {
    assert(out != NULL);
    static const char digits[] = "0123456789abcdef";
    uint8_t md[SIM_SHA256_BYTES];
    sim_sha256(data, len, md);
    for (unsigned i = 0; i < SIM_SHA256_BYTES; i++) {
        out[2 * i] = digits[md[i] >> 4];
        out[2 * i + 1] = digits[md[i] & 0x0f];
    }
    out[SIM_SHA256_HEX_LEN] = '\0';
}
