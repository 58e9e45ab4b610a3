/*
** Keccak-256 (Ethereum's variant: Keccak padding 0x01 ... 0x80, rate 136
** bytes, capacity 512 bits, 24 rounds of Keccak-f[1600]).  The permutation
** keeps the 25 lanes in locals and unrolls theta / rho-pi / chi per round;
** lanes are loaded little-endian byte by byte, which compilers turn into
** plain loads on little-endian machines, so the code is endian-neutral.
*/
#include <string.h>

#include "xr_assert.h"
#include "xr_keccak.h"

static const uint64_t keccak_rc[24] = {
    0x0000000000000001ull, 0x0000000000008082ull, 0x800000000000808aull,
    0x8000000080008000ull, 0x000000000000808bull, 0x0000000080000001ull,
    0x8000000080008081ull, 0x8000000000008009ull, 0x000000000000008aull,
    0x0000000000000088ull, 0x0000000080008009ull, 0x000000008000000aull,
    0x000000008000808bull, 0x800000000000008bull, 0x8000000000008089ull,
    0x8000000000008003ull, 0x8000000000008002ull, 0x8000000000000080ull,
    0x000000000000800aull, 0x800000008000000aull, 0x8000000080008081ull,
    0x8000000000008080ull, 0x0000000080000001ull, 0x8000000080008008ull,
};

#define ROL64(x, n) (((x) << (n)) | ((x) >> (64 - (n))))

void xr_keccak_f1600(uint64_t st[25]) {
    XR_ASSERT(st != NULL);
    uint64_t a00 = st[0], a01 = st[1], a02 = st[2], a03 = st[3], a04 = st[4];
    uint64_t a05 = st[5], a06 = st[6], a07 = st[7], a08 = st[8], a09 = st[9];
    uint64_t a10 = st[10], a11 = st[11], a12 = st[12], a13 = st[13], a14 = st[14];
    uint64_t a15 = st[15], a16 = st[16], a17 = st[17], a18 = st[18], a19 = st[19];
    uint64_t a20 = st[20], a21 = st[21], a22 = st[22], a23 = st[23], a24 = st[24];

    for (int round = 0; round < 24; round++) {
        /* theta */
        uint64_t c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20;
        uint64_t c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21;
        uint64_t c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22;
        uint64_t c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23;
        uint64_t c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24;
        uint64_t d0 = c4 ^ ROL64(c1, 1);
        uint64_t d1 = c0 ^ ROL64(c2, 1);
        uint64_t d2 = c1 ^ ROL64(c3, 1);
        uint64_t d3 = c2 ^ ROL64(c4, 1);
        uint64_t d4 = c3 ^ ROL64(c0, 1);

        /* rho and pi: b[y][2x+3y] = rot(a[x][y] ^ d[x], r[x][y]); lane
        ** index is x + 5y. */
        uint64_t b00 = a00 ^ d0;
        uint64_t b10 = ROL64(a01 ^ d1, 1);
        uint64_t b20 = ROL64(a02 ^ d2, 62);
        uint64_t b05 = ROL64(a03 ^ d3, 28);
        uint64_t b15 = ROL64(a04 ^ d4, 27);
        uint64_t b16 = ROL64(a05 ^ d0, 36);
        uint64_t b01 = ROL64(a06 ^ d1, 44);
        uint64_t b11 = ROL64(a07 ^ d2, 6);
        uint64_t b21 = ROL64(a08 ^ d3, 55);
        uint64_t b06 = ROL64(a09 ^ d4, 20);
        uint64_t b07 = ROL64(a10 ^ d0, 3);
        uint64_t b17 = ROL64(a11 ^ d1, 10);
        uint64_t b02 = ROL64(a12 ^ d2, 43);
        uint64_t b12 = ROL64(a13 ^ d3, 25);
        uint64_t b22 = ROL64(a14 ^ d4, 39);
        uint64_t b23 = ROL64(a15 ^ d0, 41);
        uint64_t b08 = ROL64(a16 ^ d1, 45);
        uint64_t b18 = ROL64(a17 ^ d2, 15);
        uint64_t b03 = ROL64(a18 ^ d3, 21);
        uint64_t b13 = ROL64(a19 ^ d4, 8);
        uint64_t b14 = ROL64(a20 ^ d0, 18);
        uint64_t b24 = ROL64(a21 ^ d1, 2);
        uint64_t b09 = ROL64(a22 ^ d2, 61);
        uint64_t b19 = ROL64(a23 ^ d3, 56);
        uint64_t b04 = ROL64(a24 ^ d4, 14);

        /* chi, then iota on lane 0 */
        a00 = b00 ^ (~b01 & b02);
        a01 = b01 ^ (~b02 & b03);
        a02 = b02 ^ (~b03 & b04);
        a03 = b03 ^ (~b04 & b00);
        a04 = b04 ^ (~b00 & b01);
        a05 = b05 ^ (~b06 & b07);
        a06 = b06 ^ (~b07 & b08);
        a07 = b07 ^ (~b08 & b09);
        a08 = b08 ^ (~b09 & b05);
        a09 = b09 ^ (~b05 & b06);
        a10 = b10 ^ (~b11 & b12);
        a11 = b11 ^ (~b12 & b13);
        a12 = b12 ^ (~b13 & b14);
        a13 = b13 ^ (~b14 & b10);
        a14 = b14 ^ (~b10 & b11);
        a15 = b15 ^ (~b16 & b17);
        a16 = b16 ^ (~b17 & b18);
        a17 = b17 ^ (~b18 & b19);
        a18 = b18 ^ (~b19 & b15);
        a19 = b19 ^ (~b15 & b16);
        a20 = b20 ^ (~b21 & b22);
        a21 = b21 ^ (~b22 & b23);
        a22 = b22 ^ (~b23 & b24);
        a23 = b23 ^ (~b24 & b20);
        a24 = b24 ^ (~b20 & b21);
        a00 ^= keccak_rc[round];
    }

    st[0] = a00; st[1] = a01; st[2] = a02; st[3] = a03; st[4] = a04;
    st[5] = a05; st[6] = a06; st[7] = a07; st[8] = a08; st[9] = a09;
    st[10] = a10; st[11] = a11; st[12] = a12; st[13] = a13; st[14] = a14;
    st[15] = a15; st[16] = a16; st[17] = a17; st[18] = a18; st[19] = a19;
    st[20] = a20; st[21] = a21; st[22] = a22; st[23] = a23; st[24] = a24;
}

static uint64_t load64_le(const uint8_t *p) {
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
           (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
           (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

/* XOR one full rate block into the state and permute. */
static void absorb_block(uint64_t st[25], const uint8_t *block) {
    for (size_t i = 0; i < XR_KECCAK256_RATE_BYTES / 8; i++) {
        st[i] ^= load64_le(block + 8 * i);
    }
    xr_keccak_f1600(st);
}

void xr_keccak_init(xr_keccak *ctx) {
    XR_ASSERT(ctx != NULL);
    memset(ctx, 0, sizeof *ctx);
}

void xr_keccak_update(xr_keccak *ctx, const void *data, size_t len) {
    XR_ASSERT(ctx != NULL);
    XR_ASSERT(data != NULL || len == 0);
    XR_ASSERT(ctx->buf_len < XR_KECCAK256_RATE_BYTES);
    const uint8_t *p = data;
    if (ctx->buf_len > 0) {
        size_t take = XR_KECCAK256_RATE_BYTES - ctx->buf_len;
        if (take > len) take = len;
        memcpy(ctx->buf + ctx->buf_len, p, take);
        ctx->buf_len += take;
        p += take;
        len -= take;
        if (ctx->buf_len < XR_KECCAK256_RATE_BYTES) return;
        absorb_block(ctx->state, ctx->buf);
        ctx->buf_len = 0;
    }
    while (len >= XR_KECCAK256_RATE_BYTES) {
        absorb_block(ctx->state, p);
        p += XR_KECCAK256_RATE_BYTES;
        len -= XR_KECCAK256_RATE_BYTES;
    }
    if (len > 0) {
        memcpy(ctx->buf, p, len);
        ctx->buf_len = len;
    }
}

void xr_keccak_final(xr_keccak *ctx, uint8_t out[32]) {
    XR_ASSERT(ctx != NULL && out != NULL);
    XR_ASSERT(ctx->buf_len < XR_KECCAK256_RATE_BYTES);
    memset(ctx->buf + ctx->buf_len, 0, XR_KECCAK256_RATE_BYTES - ctx->buf_len);
    ctx->buf[ctx->buf_len] ^= 0x01;
    ctx->buf[XR_KECCAK256_RATE_BYTES - 1] ^= 0x80;
    absorb_block(ctx->state, ctx->buf);
    for (size_t i = 0; i < 4; i++) {
        uint64_t lane = ctx->state[i];
        for (size_t j = 0; j < 8; j++) out[8 * i + j] = (uint8_t)(lane >> (8 * j));
    }
    ctx->buf_len = 0;
}

void xr_keccak256(const void *data, size_t len, uint8_t out[32]) {
    xr_keccak ctx;
    xr_keccak_init(&ctx);
    xr_keccak_update(&ctx, data, len);
    xr_keccak_final(&ctx, out);
}

void xr_keccak_service_hash(const xr_keccak_service *svc, const void *data, size_t len,
                            uint8_t out[32]) {
    XR_ASSERT((data != NULL || len == 0) && out != NULL);
    if (svc != NULL && svc->hash != NULL)
        svc->hash(svc->ctx, data, len, out);
    else
        xr_keccak256(data, len, out);
}
