/*
** A fast deterministic signature backend for large simulations, with the
** same interface as the secp256k1 one (protocol/xr_sig.h) and the property
** that matters to the simulation: no party without a key can produce a
** signature that recovers to that key's address.
**
** Scheme.  Key i has a 32-byte secret s_i = keccak256("xrsim/sig_fast/secret"
** || seed || i) (big-endian), drawn from the seed the host gives the backend
** (derived from the run seed, e.g. with sim_rng_derive), and the address
** a_i = last 20 bytes of keccak256("xrsim/sig_fast/addr" || s_i).  A
** signature of digest d by key i is 65 bytes:
**     [0, 32)   keccak256(s_i || d)       a keyed MAC (Keccak is a sponge:
**                                         secret-prefix MAC has no length
**                                         extension, unlike SHA-256)
**     [32, 60)  zero
**     [60, 64)  i, big-endian             which key to check against
**     64        27                        so it looks like an Ethereum v
** recover(d, sig) checks the layout, looks up key i in the backend's table,
** recomputes the MAC and returns a_i only if it matches.  One Keccak
** permutation per sign or recover, against tens of microseconds of
** elliptic-curve work (see BENCHMARKS.md).
**
** Why simulated Byzantine code cannot forge another key's signature.  Such
** code holds only the xr_sig_backend interface and the handles of its own
** keys.  (1) The secrets never leave the backend: the table is private to
** sig_fast.c, the interface has no call that returns a secret, and
** signatures expose only keccak outputs.  (2) sign() accepts only handles
** this backend issued and signs with the key the handle points to, so a
** handle for key j yields MACs under s_j only; handles are pointers into the
** private table (not indices that could be guessed) and a handle from another
** backend or a made-up pointer is rejected.  (3) Producing keccak256(s_i ||
** d) for a digest d that key i never signed without s_i means predicting
** Keccak under an unknown 256-bit key -- as hard as a Keccak preimage;
** changing the index field only redirects the check to another unknown
** secret.  Replaying a signature key i made over d verifies only for that
** same d (as with ECDSA).  (4) The secrets derive from the seed, so whoever
** knows the seed could derive them: the host must give Byzantine strategies
** neither the seed nor the backend object -- they live in the world model,
** outside any node.  This is a simulation-grade guarantee, not a real
** signature scheme: it is not publicly verifiable (recovery needs the
** secrets), which is fine because every verifier in the simulation calls
** the same backend.
**
** The key table is allocated at creation; sign and recover allocate nothing.
*/
#ifndef MDL_SIG_FAST_H
#define MDL_SIG_FAST_H

#include <stdint.h>

#include "xr_sig.h"
#include "xr_types.h"

#define MDL_SIG_FAST_V 27u

typedef struct mdl_sig_fast mdl_sig_fast;

/* A backend for up to key_cap keys whose secrets derive from seed; NULL
** when out of memory. */
mdl_sig_fast *mdl_sig_fast_new(uint64_t seed, uint32_t key_cap);
void mdl_sig_fast_free(mdl_sig_fast *b);

/* The interface to hand to the core (valid while b lives). */
xr_sig_backend mdl_sig_fast_backend(mdl_sig_fast *b);

/* Add the next key (index = number of keys so far).  Returns 0 with its
** handle and address, or XR_ERR_CAPACITY. */
int mdl_sig_fast_add_key(mdl_sig_fast *b, const xr_sig_key **key_out, xr_address *addr_out);

/* The two callbacks, also usable directly (ctx is the mdl_sig_fast). */
int mdl_sig_fast_sign(void *ctx, const xr_sig_key *key, const uint8_t digest[32],
                      uint8_t sig_out[65]);
int mdl_sig_fast_recover(void *ctx, const uint8_t digest[32], const uint8_t sig[65],
                         uint8_t addr_out[20]);

#endif
