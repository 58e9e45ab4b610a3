/*
** secp256k1 backend (see sig_secp.h).  Keys sit in a table allocated at
** creation; a handle is a pointer to its table entry, checked to belong to
** this backend before use.
*/
#include "crypto/sig_secp.h"

#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <stdlib.h>
#include <string.h>

#include "xr_assert.h"
#include "xr_keccak.h"

struct secp_key {
    uint8_t seckey[32];
    xr_address addr;
};

struct mdl_sig_secp {
    secp256k1_context *ctx;
    struct secp_key *keys;
    uint32_t key_count;
    uint32_t key_cap;
};

/* n / 2 for the secp256k1 group order n (OpenZeppelin's upper bound on s). */
static const uint8_t half_order[32] = {
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
};

mdl_sig_secp *mdl_sig_secp_new(uint32_t key_cap) {
    mdl_sig_secp *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    b->ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    b->keys = calloc(key_cap ? key_cap : 1, sizeof *b->keys);
    if (!b->ctx || !b->keys) {
        mdl_sig_secp_free(b);
        return NULL;
    }
    b->key_cap = key_cap;
    return b;
}

void mdl_sig_secp_free(mdl_sig_secp *b) {
    if (!b) return;
    if (b->ctx) secp256k1_context_destroy(b->ctx);
    if (b->keys) {
        memset(b->keys, 0, (size_t)b->key_cap * sizeof *b->keys);
        free(b->keys);
    }
    free(b);
}

xr_sig_backend mdl_sig_secp_backend(mdl_sig_secp *b) {
    XR_ASSERT(b != NULL);
    return (xr_sig_backend){mdl_sig_secp_sign, mdl_sig_secp_recover, b};
}

static void pubkey_address(const secp256k1_context *ctx, const secp256k1_pubkey *pk,
                           uint8_t addr[20]) {
    uint8_t ser[65];
    size_t len = sizeof ser;
    int ok = secp256k1_ec_pubkey_serialize(ctx, ser, &len, pk, SECP256K1_EC_UNCOMPRESSED);
    XR_ASSERT(ok == 1 && len == 65 && ser[0] == 0x04);
    uint8_t h[32];
    xr_keccak256(ser + 1, 64, h);
    memcpy(addr, h + 12, 20);
}

int mdl_sig_secp_add_key(mdl_sig_secp *b, const uint8_t seckey[32], const xr_sig_key **key_out,
                         xr_address *addr_out) {
    XR_ASSERT(b != NULL && seckey != NULL && key_out != NULL);
    if (!secp256k1_ec_seckey_verify(b->ctx, seckey)) return XR_ERR_INVALID_ARG;
    if (b->key_count == b->key_cap) return XR_ERR_CAPACITY;
    secp256k1_pubkey pk;
    if (!secp256k1_ec_pubkey_create(b->ctx, &pk, seckey)) return XR_ERR_INVALID_ARG;
    struct secp_key *k = &b->keys[b->key_count++];
    memcpy(k->seckey, seckey, 32);
    pubkey_address(b->ctx, &pk, k->addr.bytes);
    *key_out = (const xr_sig_key *)(const void *)k;
    if (addr_out) *addr_out = k->addr;
    return 0;
}

int mdl_sig_secp_derive_key(mdl_sig_secp *b, uint64_t seed, uint32_t index,
                            const xr_sig_key **key_out, xr_address *addr_out) {
    static const char tag[] = "xrsim/sig_secp/key";
    for (uint32_t attempt = 0;; attempt++) {
        uint8_t buf[sizeof tag - 1 + 16];
        size_t n = sizeof tag - 1;
        memcpy(buf, tag, n);
        for (int i = 7; i >= 0; i--) buf[n++] = (uint8_t)(seed >> (8 * i));
        for (int i = 3; i >= 0; i--) buf[n++] = (uint8_t)(index >> (8 * i));
        for (int i = 3; i >= 0; i--) buf[n++] = (uint8_t)(attempt >> (8 * i));
        uint8_t sk[32];
        xr_keccak256(buf, n, sk);
        int rc = mdl_sig_secp_add_key(b, sk, key_out, addr_out);
        memset(sk, 0, sizeof sk);
        if (rc != XR_ERR_INVALID_ARG) return rc; /* invalid: ~2^-128, try again */
    }
}

/* The entry behind a handle, or NULL if b did not issue it. */
static const struct secp_key *key_entry(const mdl_sig_secp *b, const xr_sig_key *key) {
    uintptr_t p = (uintptr_t)(const void *)key, base = (uintptr_t)(const void *)b->keys;
    uintptr_t end = base + (uintptr_t)b->key_count * sizeof *b->keys;
    if (p < base || p >= end || (p - base) % sizeof *b->keys != 0) return NULL;
    return &b->keys[(p - base) / sizeof *b->keys];
}

int mdl_sig_secp_sign(void *ctx, const xr_sig_key *key, const uint8_t digest[32],
                      uint8_t sig_out[65]) {
    mdl_sig_secp *b = ctx;
    XR_ASSERT(b != NULL && digest != NULL && sig_out != NULL);
    const struct secp_key *k = key_entry(b, key);
    if (!k) return XR_ERR_INVALID_ARG;
    secp256k1_ecdsa_recoverable_signature sig;
    /* NULL nonce function = secp256k1_nonce_function_default (RFC 6979). */
    if (!secp256k1_ecdsa_sign_recoverable(b->ctx, &sig, digest, k->seckey, NULL, NULL))
        return XR_ERR_INVALID_ARG;
    int recid = 0;
    secp256k1_ecdsa_recoverable_signature_serialize_compact(b->ctx, sig_out, &recid, &sig);
    XR_ASSERT(recid >= 0 && recid <= 3);
    /* libsecp256k1 always signs low-s; recid 2 and 3 (r >= n) never occur
    ** in practice and Ethereum cannot express them. */
    if (recid > 1) return XR_ERR_INVALID_ARG;
    sig_out[64] = (uint8_t)(27 + recid);
    return 0;
}

int mdl_sig_secp_recover(void *ctx, const uint8_t digest[32], const uint8_t sig[65],
                         uint8_t addr_out[20]) {
    mdl_sig_secp *b = ctx;
    XR_ASSERT(b != NULL && digest != NULL && sig != NULL && addr_out != NULL);
    if (sig[64] != 27 && sig[64] != 28) return XR_ERR_SIG_MALFORMED;
    if (memcmp(sig + 32, half_order, 32) > 0) return XR_ERR_SIG_MALFORMED; /* high s */
    secp256k1_ecdsa_recoverable_signature rs;
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(b->ctx, &rs, sig, sig[64] - 27))
        return XR_ERR_SIG_MALFORMED; /* r >= n */
    secp256k1_pubkey pk;
    if (!secp256k1_ecdsa_recover(b->ctx, &pk, &rs, digest)) return XR_ERR_SIG_INVALID;
    pubkey_address(b->ctx, &pk, addr_out);
    return 0;
}
