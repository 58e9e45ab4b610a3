/*
** A memo of signature recoveries, shared by every simulated verifier.
** Recovery is a pure function of (digest, signature), and in a simulation
** the same signed bytes reach every verifier: all 100 of them would repeat
** the same Keccak/ECDSA work.  A direct-mapped memo answers repeats; the
** host still charges each verifier its simulated CPU cost, so timing,
** decisions and the event digest are exactly as without it.  An answer is
** given only when digest and signature match the stored ones in full.
*/
#ifndef MDL_RECOVER_MEMO_H
#define MDL_RECOVER_MEMO_H

#include <stdint.h>

#include "xr_sig.h"

typedef struct mdl_recover_memo mdl_recover_memo;

/* NULL when out of memory (then recover without a memo). */
mdl_recover_memo *mdl_recover_memo_new(void);
void mdl_recover_memo_free(mdl_recover_memo *m);

/* inner->recover(digest, sig), answered from the memo when it holds them. */
int mdl_recover_memo_recover(mdl_recover_memo *m, const xr_sig_backend *inner, const uint8_t digest[32],
                             const uint8_t sig[65], uint8_t addr_out[20]);

/* Answers given from the memo. */
uint64_t mdl_recover_memo_hits(const mdl_recover_memo *m);

#endif
