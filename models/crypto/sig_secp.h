/*
** The real signature backend: secp256k1 recoverable ECDSA through
** libsecp256k1, byte for byte what Ethereum tooling produces -- RFC 6979
** deterministic nonces (the library's default nonce function), low-s
** signatures, 65 bytes r || s || v with v = 27 + recovery id -- and the
** recovery rules of OpenZeppelin's ECDSA.recover, which the portal's quorum
** check uses: v must be 27 or 28 and s at most n/2 (a high-s twin of a valid
** signature is rejected as malformed, not accepted).  The address of a key is
** the last 20 bytes of keccak256 of the uncompressed public key without its
** 0x04 prefix (computed with the core's Keccak).
**
** One libsecp256k1 context and the key table are allocated when the backend
** is created; signing and recovery allocate nothing.  Keys live only inside
** the backend; signers get opaque handles (see protocol/xr_sig.h).
*/
#ifndef MDL_SIG_SECP_H
#define MDL_SIG_SECP_H

#include <stdint.h>

#include "xr_sig.h"
#include "xr_types.h"

typedef struct mdl_sig_secp mdl_sig_secp;

/* A backend that can hold up to key_cap keys; NULL when out of memory. */
mdl_sig_secp *mdl_sig_secp_new(uint32_t key_cap);
void mdl_sig_secp_free(mdl_sig_secp *b);

/* The interface to hand to the core (valid while b lives). */
xr_sig_backend mdl_sig_secp_backend(mdl_sig_secp *b);

/* Add a key from its 32-byte secret.  Returns 0 with the handle and the
** key's address; XR_ERR_INVALID_ARG when the secret is not a valid key
** (zero or >= the group order); XR_ERR_CAPACITY when the table is full. */
int mdl_sig_secp_add_key(mdl_sig_secp *b, const uint8_t seckey[32], const xr_sig_key **key_out,
                         xr_address *addr_out);

/* Add a key derived from (seed, index): the secret is
** keccak256("xrsim/sig_secp/key" || seed || index || attempt), big-endian,
** with the first attempt that is a valid key.  Same results as add_key. */
int mdl_sig_secp_derive_key(mdl_sig_secp *b, uint64_t seed, uint32_t index,
                            const xr_sig_key **key_out, xr_address *addr_out);

/* The two callbacks, also usable directly (ctx is the mdl_sig_secp). */
int mdl_sig_secp_sign(void *ctx, const xr_sig_key *key, const uint8_t digest[32],
                      uint8_t sig_out[65]);
int mdl_sig_secp_recover(void *ctx, const uint8_t digest[32], const uint8_t sig[65],
                         uint8_t addr_out[20]);

#endif
