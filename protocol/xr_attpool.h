/*
** Attestation aggregation and approval.
**
** The pool keeps, per stream of attestations (source chain, confirmation
** level), the last approved attest offset and the votes committed consensus
** blocks carried for the offsets after it.  A vote is (validator, XBlock
** header, message root, root, signature); the pool does not check
** signatures -- consensus did before committing the block -- but it does
** keep one vote per (validator, stream, offset) and reports a second vote
** with a different root as equivocation, returning the stored one so the
** caller can build evidence.
**
** An attestation is APPROVED when the validators that signed the same root
** for offset last + 1 hold more than the quorum fraction of the set's power
** (the set passed at approval time).  Approvals come out strictly in offset
** order per stream: a root with quorum at last + 2 waits for last + 1.  Only
** offsets in (last, mid + window] are stored (XR_ERR_BFT_ATT_STALE below,
** XR_ERR_BFT_ATT_WINDOW above), which bounds the memory per stream; mid is
** the last approved offset, or 1 before any.  The vote window a vote must
** lie in to be valid at all is [mid - window_down, mid + window]
** (xr_attpool_vote_window; halo/attest/keeper windowCompare, with Omni's
** genesisVoteWindowDown 2 and genesisVoteWindowUp 64 in halo/app
** app_config.go): a late vote for an offset just approved is valid, only
** no longer needed.
**
** Finalized override (omni-network/omni halo/attest/keeper,
** maybeOverrideFinalized).  Attest offsets are shared by a chain's levels
** (both name the same source block), so when a fuzzy (non-Finalized)
** stream's next offset has votes but no root with quorum -- e.g. a
** sequencer reorg split the honest votes between two roots for good -- and
** the chain's Finalized stream had approved that offset before this block's
** approvals began (xr_attpool_begin_block), the fuzzy offset is approved by
** override: the Finalized attestation stands in for it (it proves every
** shard), the stream moves on, and the approval says so
** (finalized_override, no signatures).
**
** Deterministic: streams are kept sorted by (chain, level), so every honest
** node that commits the same blocks emits the same approvals in the same
** order.  All memory comes from the caller at init (xr_attpool_mem_size).
*/
#ifndef XR_ATTPOOL_H
#define XR_ATTPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xr_bftmsg.h"
#include "xr_types.h"
#include "xr_valset.h"

typedef struct xr_attpool_cfg {
    uint32_t max_streams;        /* (chain, level) pairs tracked; >= 1 */
    uint32_t window;             /* offsets ahead of last approved accepted; >= 1 */
    uint32_t window_down;        /* offsets at or below it still in the vote window */
    uint32_t max_votes;          /* votes stored awaiting approval; >= 1 */
    xr_quorum quorum;
} xr_attpool_cfg;

typedef struct xr_attpool xr_attpool;

/* One signer in an approval's signature list: address (20) || sig (65). */
#define XR_ATTPOOL_SIG_ENTRY_BYTES 85u

/* What one approval says (the signatures go to a caller buffer). */
typedef struct xr_attpool_approval {
    xr_xheader header;
    xr_hash msg_root;
    xr_hash root;
    uint64_t signed_power;
    uint64_t total_power;
    uint64_t valset_id;
    uint32_t sig_count;
    bool finalized_override;     /* approved by the Finalized attestation at this offset:
                                 ** header/root are one of the stuck roots, signed_power
                                 ** its power (below quorum), no signatures */
} xr_attpool_approval;

/* Defaults: 64 streams, window 64 up and 2 down (Omni's genesisVoteWindowUp
** and genesisVoteWindowDown), 8192 votes, quorum 2/3. */
void xr_attpool_cfg_default(xr_attpool_cfg *cfg);

/* Bytes xr_attpool_init needs for cfg (0 when cfg is unusable). */
size_t xr_attpool_mem_size(const xr_attpool_cfg *cfg);

/* Build an empty pool in mem (aligned for any object, mem_len >=
** xr_attpool_mem_size(cfg)).  Returns 0, XR_ERR_INVALID_ARG or
** XR_ERR_NOSPACE. */
int xr_attpool_init(xr_attpool **out, void *mem, size_t mem_len, const xr_attpool_cfg *cfg);

/* Last approved offset of (chain, level); 0 when nothing approved yet. */
uint64_t xr_attpool_last_approved(const xr_attpool *p, uint64_t chain_id, uint8_t level);

/* Start a stream at `last` (genesis or restart).  Only for a stream with no
** stored votes.  Returns 0, XR_ERR_CAPACITY (no stream slot) or
** XR_ERR_INVALID_ARG (votes already stored). */
int xr_attpool_set_last_approved(xr_attpool *p, uint64_t chain_id, uint8_t level, uint64_t last);

/* Would a vote for header h be accepted by offset?  0, XR_ERR_BFT_ATT_STALE
** or XR_ERR_BFT_ATT_WINDOW. */
int xr_attpool_check_window(const xr_attpool *p, const xr_xheader *h);

/* Is a vote for header h inside the vote window [mid - window_down, mid +
** window] (above)?  0, XR_ERR_BFT_ATT_STALE (below) or XR_ERR_BFT_ATT_WINDOW
** (above).  A vote outside it is a bad vote; one inside it with an offset
** already approved is valid but not stored. */
int xr_attpool_vote_window(const xr_attpool *p, const xr_xheader *h);

/* The stored vote of `validator` at (chain, level, offset), or NULL. */
const xr_att_vote *xr_attpool_find(const xr_attpool *p, const uint8_t validator[20],
                                   uint64_t chain_id, uint8_t level, uint64_t offset);

/* Add a committed vote (root already computed, signature already checked).
** Returns 0 when stored; XR_ERR_BFT_DUPLICATE when the validator's vote for
** that offset with the same root is already stored; XR_ERR_BFT_EQUIVOCATION
** when it is stored with another root (*conflict, if not NULL, gets the
** stored vote); XR_ERR_BFT_ATT_STALE / XR_ERR_BFT_ATT_WINDOW; XR_ERR_CAPACITY
** when no stream or vote slot is free. */
int xr_attpool_add(xr_attpool *p, const xr_att_vote *v, xr_att_vote *conflict);

/* A consensus block's approvals begin: remembers every stream's last
** approved offset, which Finalized overrides in this block consult. */
void xr_attpool_begin_block(xr_attpool *p);

/* Emit the next approval, if any: the first stream (by chain, level) whose
** offset last + 1 has a root signed by more than the quorum of vs's power,
** or -- a fuzzy stream -- that offset's Finalized override (above).
** Writes *out and the signers to sigs[0..sig_count) as 85-byte entries
** (address || signature, strictly ascending by address; signers that are no
** longer in vs are left out), advances the stream and frees that offset's
** votes.  Returns 1 when an approval was written, 0 when none is ready,
** XR_ERR_NOSPACE when sigs_cap is too small (then nothing changes). */
int xr_attpool_next_approval(xr_attpool *p, const xr_valset *vs, xr_attpool_approval *out,
                             uint8_t *sigs, size_t sigs_cap);

/* Votes currently stored. */
uint32_t xr_attpool_vote_count(const xr_attpool *p);

#endif
