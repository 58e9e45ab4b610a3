/*
** Thin wrappers over the injected signature backend (see xr_sig.h): they
** assert the caller's side of the contract and normalise what the core
** relies on (the zero address is never a signer).  A backend that returns a
** positive value (outside the contract) is treated as XR_ERR_SIG_INVALID.
*/
#include "xr_sig.h"

#include "xr_assert.h"

#include <string.h>

int xr_sig_sign(const xr_sig_backend *s, const xr_sig_key *key, const uint8_t digest[32],
                uint8_t sig_out[65]) {
    XR_ASSERT(s != NULL && s->sign != NULL);
    XR_ASSERT(key != NULL && digest != NULL && sig_out != NULL);
    return s->sign(s->ctx, key, digest, sig_out);
}

int xr_sig_recover(const xr_sig_backend *s, const uint8_t digest[32], const uint8_t sig[65],
                   uint8_t addr_out[20]) {
    static const uint8_t zero[XR_SIG_ADDR_BYTES];
    XR_ASSERT(s != NULL && s->recover != NULL);
    XR_ASSERT(digest != NULL && sig != NULL && addr_out != NULL);
    int rc = s->recover(s->ctx, digest, sig, addr_out);
    if (rc != 0) return rc < 0 ? rc : XR_ERR_SIG_INVALID;
    if (memcmp(addr_out, zero, XR_SIG_ADDR_BYTES) == 0) return XR_ERR_SIG_INVALID;
    return 0;
}

int xr_sig_verify(const xr_sig_backend *s, const uint8_t digest[32], const uint8_t sig[65],
                  const uint8_t addr[20]) {
    uint8_t got[XR_SIG_ADDR_BYTES];
    XR_ASSERT(addr != NULL);
    int rc = xr_sig_recover(s, digest, sig, got);
    if (rc != 0) return rc;
    return memcmp(got, addr, XR_SIG_ADDR_BYTES) == 0 ? 0 : XR_ERR_SIG_INVALID;
}

int xr_sig_addr_cmp(const uint8_t a[20], const uint8_t b[20]) {
    return memcmp(a, b, XR_SIG_ADDR_BYTES);
}
