/*
** The fast keyed-hash signature backend (see sig_fast.h for the scheme and
** why it cannot be forged inside the simulation).
*/
#include "crypto/sig_fast.h"

#include <stdlib.h>
#include <string.h>

#include "xr_assert.h"
#include "xr_keccak.h"

struct fast_key {
    uint8_t secret[32];
    xr_address addr;
};

struct mdl_sig_fast {
    struct fast_key *keys;
    uint32_t key_count;
    uint32_t key_cap;
    uint64_t seed;
};

mdl_sig_fast *mdl_sig_fast_new(uint64_t seed, uint32_t key_cap) {
    mdl_sig_fast *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    b->keys = calloc(key_cap ? key_cap : 1, sizeof *b->keys);
    if (!b->keys) {
        free(b);
        return NULL;
    }
    b->key_cap = key_cap;
    b->seed = seed;
    return b;
}

void mdl_sig_fast_free(mdl_sig_fast *b) {
    if (!b) return;
    memset(b->keys, 0, (size_t)b->key_cap * sizeof *b->keys);
    free(b->keys);
    free(b);
}

xr_sig_backend mdl_sig_fast_backend(mdl_sig_fast *b) {
    XR_ASSERT(b != NULL);
    return (xr_sig_backend){mdl_sig_fast_sign, mdl_sig_fast_recover, b};
}

int mdl_sig_fast_add_key(mdl_sig_fast *b, const xr_sig_key **key_out, xr_address *addr_out) {
    static const char secret_tag[] = "xrsim/sig_fast/secret";
    static const char addr_tag[] = "xrsim/sig_fast/addr";
    XR_ASSERT(b != NULL && key_out != NULL);
    if (b->key_count == b->key_cap) return XR_ERR_CAPACITY;
    uint32_t index = b->key_count;
    struct fast_key *k = &b->keys[index];
    uint8_t buf[sizeof secret_tag - 1 + 12];
    size_t n = sizeof secret_tag - 1;
    memcpy(buf, secret_tag, n);
    for (int i = 7; i >= 0; i--) buf[n++] = (uint8_t)(b->seed >> (8 * i));
    for (int i = 3; i >= 0; i--) buf[n++] = (uint8_t)(index >> (8 * i));
    xr_keccak256(buf, n, k->secret);
    xr_keccak ctx;
    uint8_t h[32];
    xr_keccak_init(&ctx);
    xr_keccak_update(&ctx, addr_tag, sizeof addr_tag - 1);
    xr_keccak_update(&ctx, k->secret, 32);
    xr_keccak_final(&ctx, h);
    memcpy(k->addr.bytes, h + 12, 20);
    b->key_count++;
    *key_out = (const xr_sig_key *)(const void *)k;
    if (addr_out) *addr_out = k->addr;
    return 0;
}

/* mac = keccak256(secret || digest): one permutation (64 bytes < rate). */
static void mac(const struct fast_key *k, const uint8_t digest[32], uint8_t out[32]) {
    uint8_t buf[64];
    memcpy(buf, k->secret, 32);
    memcpy(buf + 32, digest, 32);
    xr_keccak256(buf, sizeof buf, out);
}

int mdl_sig_fast_sign(void *ctx, const xr_sig_key *key, const uint8_t digest[32],
                      uint8_t sig_out[65]) {
    mdl_sig_fast *b = ctx;
    XR_ASSERT(b != NULL && digest != NULL && sig_out != NULL);
    uintptr_t p = (uintptr_t)(const void *)key, base = (uintptr_t)(const void *)b->keys;
    uintptr_t end = base + (uintptr_t)b->key_count * sizeof *b->keys;
    if (p < base || p >= end || (p - base) % sizeof *b->keys != 0) return XR_ERR_INVALID_ARG;
    uint32_t index = (uint32_t)((p - base) / sizeof *b->keys);
    mac(&b->keys[index], digest, sig_out);
    memset(sig_out + 32, 0, 28);
    for (int i = 0; i < 4; i++) sig_out[60 + i] = (uint8_t)(index >> (8 * (3 - i)));
    sig_out[64] = MDL_SIG_FAST_V;
    return 0;
}

int mdl_sig_fast_recover(void *ctx, const uint8_t digest[32], const uint8_t sig[65],
                         uint8_t addr_out[20]) {
    static const uint8_t zeros[28];
    const mdl_sig_fast *b = ctx;
    XR_ASSERT(b != NULL && digest != NULL && sig != NULL && addr_out != NULL);
    if (sig[64] != MDL_SIG_FAST_V || memcmp(sig + 32, zeros, sizeof zeros) != 0)
        return XR_ERR_SIG_MALFORMED;
    uint32_t index = (uint32_t)sig[60] << 24 | (uint32_t)sig[61] << 16 | (uint32_t)sig[62] << 8 |
                     (uint32_t)sig[63];
    if (index >= b->key_count) return XR_ERR_SIG_INVALID;
    uint8_t want[32];
    mac(&b->keys[index], digest, want);
    /* Constant-time compare: no simulated party measures time, but it costs
    ** nothing and keeps the code honest. */
    uint8_t diff = 0;
    for (int i = 0; i < 32; i++) diff |= (uint8_t)(want[i] ^ sig[i]);
    if (diff != 0) return XR_ERR_SIG_INVALID;
    memcpy(addr_out, b->keys[index].addr.bytes, 20);
    return 0;
}
