/*
** Default simulated CPU costs of signature work, in nanoseconds of virtual
** time charged to the node that does it.  They are the real costs of
** libsecp256k1 on the reference machine, measured by `xrsim bench sig`
** (figures and command in BENCHMARKS.md, section "Protocol core: signatures
** and submission verification"), so a run keeps secp256k1's timing even
** when it uses the fast backend (models/sig_fast.h) to save wall-clock time.
** Scenarios may override them; re-measure and update both places together.
*/
#ifndef MDL_SIG_COSTS_H
#define MDL_SIG_COSTS_H

#include <stdint.h>

/* One RFC 6979 recoverable ECDSA signature of a 32-byte digest. */
#define MDL_SIG_COST_SECP_SIGN_NS UINT64_C(27000)

/* One verification as the portal and verifiers do it: recover the public
** key from r || s || v, hash it to an address and compare (ecrecover). */
#define MDL_SIG_COST_SECP_VERIFY_NS UINT64_C(45000)

/* Verifying a submission costs about sigs_checked x VERIFY plus a few
** microseconds of hashing: 667 of 1000 validators took 29.8 ms. */

#endif
