/*
** The verifiers' BFT consensus: a Tendermint state machine whose precommits
** carry attestation votes as vote extensions, and whose blocks carry the
** attestation votes gathered from those extensions.  Sans-IO: one object per
** verifier, built in caller memory (xr_bft_mem_size), driven by
** xr_bft_start / xr_bft_on_message / xr_bft_on_timer with the current time,
** answering with actions (xr_action.h) and a single next deadline.
**
** Design note -- what of "Tendermint: the latest gossip on BFT consensus"
** (Buchman, Kwon, Milosevic 2018, Algorithm 1) is implemented:
**   - StartRound, the propose / prevote / precommit steps and every "upon"
**     rule: line 22 (proposal, vr = -1), line 28 (proposal with a POL of
**     2f+1 prevotes at vr), line 34 (prevote timeout on 2f+1 prevotes of any
**     kind), line 36 (lock and set the valid value on a polka for the
**     proposal, first time only), line 44 (precommit nil on 2f+1 nil
**     prevotes), line 47 (precommit timeout on 2f+1 precommits of any kind),
**     line 49 (decide on a proposal and 2f+1 precommits for it in ANY round),
**     line 55 (skip to round r on f+1 messages of round r > current), and
**     OnTimeoutPropose / Prevote / Precommit.  lockedValue/lockedRound and
**     validValue/validRound follow the paper exactly; a proposer re-proposes
**     its valid value with vr = validRound.
**   - "2f+1" is "more than the quorum fraction of power" (cfg.quorum,
**     default strictly more than 2/3, integer math via xr_quorum_reached);
**     "f+1" is "more than (1 - quorum) of power" (more than 1/3 by default).
**   - Proposer rotation is CometBFT's weighted round robin: each step adds
**     every validator's power to its priority, picks the highest (ties: lower
**     address), and subtracts the total power from the pick.  proposer(h, r)
**     is the (r+1)-th step from the height's priorities; the next height's
**     priorities are the current ones after one step.  On a validator-set
**     change, kept members keep their priority, new ones start at
**     -(total + total/8) and all are re-centred on zero (CometBFT's rescaling
**     of very wide priority ranges is not done).
**   - Timeouts grow per round (propose 1 s + 0.5 s*r, prevote and precommit
**     1 s + 0.5 s*r by default), plus the block interval (commit_ns) after a
**     decision before the next height starts; meanwhile late precommits
**     still feed the next proposal's attestation votes.
** What replaces the paper's gossip (the paper assumes every message of a
** correct process eventually reaches every correct process; here a dropped
** message is gone):
**   - retransmission: while a height is undecided a node re-broadcasts its
**     own proposal, prevote and precommit of the current round every
**     retransmit_ns (1 s);
**   - a proposer that re-proposes with vr >= 0 also relays the 2f+1 signed
**     prevotes of round vr it holds (any signed message may be relayed:
**     the signer is in the bytes, not the transport);
**   - catch-up: a node that gets a signed message for a height it decided
**     (except, during its own commit wait, messages for the decided block
**     in the deciding round) SENDs that height's proposal and decisive
**     precommits, and the next height's if decided, back to the peer it
**     came from -- once per peer per catchup_ns unless the peer asks about a
**     height beyond what it was sent, and only for the last commit_history
**     heights (replies are relays, and relays arriving at a node that moved
**     on trigger at most that one reply back).  A node further behind needs block sync
**     from its host (not modelled);
**   - round catch-up (CometBFT's gossipVotesRoutine sends a peer the votes
**     of the round it is in): a validator's message of a round below ours,
**     when that is the highest round we saw it sign at this height, makes
**     us SEND our own prevote and precommit of that round back to the peer
**     it came from -- not within retransmit_ns of entering our round (it was
**     in flight), at most once per signer per retransmit_ns.  Without it,
**     nodes with less than f+1 power a round ahead of the rest wait forever
**     once the rest lost their votes of the round they are in;
**   - messages for the next height are verified and buffered (bounded, with
**     a quota per signer) and replayed when that height starts; messages for
**     later heights are dropped (XR_ERR_BFT_HEIGHT), but their verified
**     heights are remembered per validator;
**   - not in the paper: when more than (1 - quorum) of the power (f+1) has
**     signed at heights beyond the next, the node knows it is behind: it ends
**     its propose step at once (prevote nil, as on timeout -- this also
**     triggers peers' catch-up replies) and skips the block interval after
**     its decisions; so does a decision made while next-height messages are
**     already buffered.  Only timing changes, never a vote's content rules,
**     so safety is untouched; faulty power below 1/3 cannot trigger it.
** Equivocators: the paper counts every message received, so a validator's
**   conflicting twin of a vote is kept too (one per vote; a third
**   conflicting vote replaces the twin when more of the others' power backs
**   its value, as for proposals) and counts toward
**   its own value in the per-value tallies (the worst case the safety
**   argument already allows for), while "any value" tallies count each
**   validator once.  Likewise a round keeps a second, conflicting proposal
**   (replaced by a later one with more vote support), and the lock and
**   decide rules use either: a node that first saw the losing twin still
**   decides the block that 2f+1 precommitted.  Both become evidence.
** Bounded state: round_slots rounds are tracked per height.  Rounds up to
**   current + 1 are always admitted (evicting the oldest unpinned past
**   round); a signer may open at most two rounds beyond that per height
**   (CometBFT's peer catch-up rounds); the current, locked, valid and decided
**   rounds are never evicted.  Rounds beyond current + max_round_ahead are
**   refused.  Equivocation is detected only among tracked rounds.
** Timeouts start only where the paper starts them: with less than 2f+1 power
**   alive no prevote timeout is ever armed, so such a network stays in round
**   0 (as CometBFT does) instead of spinning rounds.
** Vote extensions: a precommit for a block carries up to max_ext_votes of
**   the node's own attestation votes (xr_bft_add_local_attestation) that no
**   committed block holds yet and that lie within the attestation window;
**   the precommit signature covers the vote core only, and each extension
**   entry is itself signed by the precommit's validator over a root that is
**   recomputed from the entry's header, so a relay can only drop entries.
**   Received extensions are checked whole -- one bad entry (wrong chain,
**   outside the vote window [last approved - att_window_down, last approved
**   + att_window], bad signature) rejects all of them, as Omni's
**   VerifyVoteExtension does -- and their new entries kept in a bounded
**   candidate pool; a proposer puts up to max_block_votes candidates,
**   sorted, in its block, and a block is invalid with more than
**   max_ext_votes votes of one validator (Omni's verifyAggVotes).
**   This gathers from all precommits of the previous height (and later),
**   not only from the commit's as CometBFT's ExtendedCommit does: every vote
**   is individually signed, so which precommit carried it does not matter.
** Validity: a block is valid when it decodes, names this chain, height,
**   validator set and previous block, every vote is from a member, for this
**   consensus chain, inside the window, correctly signed, and the host's
**   validate callback (if any) accepts the payload.
** Attestations: committed votes go to xr_attpool; approvals come out as
**   XR_ACT_ATTEST_APPROVED in offset order per (chain, level).
** Evidence: two signed cores from one validator for the same (height, round,
**   type) with different block ids (or POL rounds), and two attestation
**   votes for the same (chain, level, offset) with different roots, become
**   XR_ACT_EVIDENCE (xr_evidence.h); each distinct pair once per node (a ring
**   of the last 64).  Attestation conflicts are found among candidate votes
**   and committed-but-unapproved votes; a conflicting vote for an offset
**   already approved is dropped as stale, not reported.
** Validator sets: xr_bft_set_next_valset stages a set for a later height;
**   the host must stage the same set at the same height on every node.
** Every peer message is decoded and signature-checked here; rejected input
**   returns an XR_ERR_*, is counted in xr_bft_stats, and never asserts.
*/
#ifndef XR_BFT_H
#define XR_BFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xr_action.h"
#include "xr_attpool.h"
#include "xr_bftmsg.h"
#include "xr_sig.h"
#include "xr_types.h"
#include "xr_valset.h"

typedef struct xr_bft_timeouts {
    uint64_t propose_ns;         /* 1 s (halo's CometBFT config) */
    uint64_t propose_delta_ns;   /* + 0.5 s per round */
    uint64_t prevote_ns;         /* 1 s */
    uint64_t prevote_delta_ns;   /* + 0.5 s per round */
    uint64_t precommit_ns;       /* 1 s */
    uint64_t precommit_delta_ns; /* + 0.5 s per round */
    uint64_t commit_ns;          /* block interval after a decision: 1 s */
    uint64_t retransmit_ns;      /* own votes re-sent while undecided: 1 s */
    uint64_t catchup_ns;         /* catch-up replies per validator at most every: 1 s */
} xr_bft_timeouts;

/* The application side: both optional (NULL = empty payload / accept). */
typedef struct xr_bft_app {
    /* Write the payload of a block this node proposes at `height` into
    ** out[0..cap); return its length or a negative error (then empty). */
    int (*propose)(void *ctx, uint64_t height, uint8_t *out, size_t cap);
    /* 0 when a proposed block's payload is acceptable at `height`. */
    int (*validate)(void *ctx, uint64_t height, const uint8_t *payload, size_t len);
    void *ctx;
} xr_bft_app;

typedef struct xr_bft_cfg {
    uint64_t chain_id;           /* consensus chain id */
    uint32_t max_validators;     /* capacity of a validator set: 128 */
    uint32_t round_slots;        /* rounds tracked at once per height (>= 4): 6 */
    uint32_t max_round_ahead;    /* rounds beyond the current accepted: 1000 */
    uint32_t max_block_votes;    /* attestation votes per block; 0 (default):
                                 ** xr_bft_block_votes_cap's */
    uint32_t max_ext_votes;      /* attestation votes per precommit: 256 */
    uint32_t max_payload_bytes;  /* opaque application payload per block: 4096 */
    uint32_t pending_votes;      /* candidate attestation votes held: 4096 */
    uint32_t future_msgs;        /* next-height messages buffered: 256 */
    uint32_t future_per_signer;  /* of which from one signer: 8 */
    uint32_t future_bytes;       /* bytes buffered for them: 1 MiB */
    uint32_t commit_history;     /* decided heights kept for catch-up (>= 1): 4 */
    uint32_t att_window;         /* attestation window (offsets ahead of last approved): 64 */
    uint32_t att_window_down;    /* ... and at or below it (still valid, not needed): 2 */
    uint32_t att_streams;        /* (chain, level) streams: 64 */
    uint32_t att_votes;          /* committed votes awaiting approval: 8192 */
    xr_quorum quorum;            /* 2/3 */
    xr_bft_timeouts timeouts;
} xr_bft_cfg;

typedef enum xr_bft_step {
    XR_BFT_STEP_PROPOSE = 0,
    XR_BFT_STEP_PREVOTE = 1,
    XR_BFT_STEP_PRECOMMIT = 2,
    XR_BFT_STEP_COMMIT = 3       /* decided; waiting commit_ns for the next height */
} xr_bft_step;

/* Counters of everything that happened to inputs. */
typedef struct xr_bft_stats {
    uint64_t msgs_in;            /* on_message calls */
    uint64_t msgs_ok;            /* accepted (incl. buffered, late-but-useful) */
    uint64_t rej_decode;         /* malformed bytes */
    uint64_t rej_chain;          /* other chain id */
    uint64_t rej_signer;         /* signer not a validator */
    uint64_t rej_sig;            /* signature does not verify */
    uint64_t rej_height;         /* stale or too far ahead */
    uint64_t rej_round;          /* round not admitted */
    uint64_t rej_proposer;       /* proposal from the wrong proposer */
    uint64_t duplicates;
    uint64_t equivocations;
    uint64_t invalid_blocks;     /* proposals whose block failed validity */
    uint64_t future_buffered;
    uint64_t future_dropped;
    uint64_t ext_ok;             /* extension votes accepted into the pool */
    uint64_t ext_rejected;       /* entries not taken: of a rejected extension, or pool full */
    uint64_t ext_rejected_whole; /* extensions rejected whole (a bad entry: chain, window, sig) */
    uint64_t rej_ext;            /* precommits for a block not counted: extension rejected */
    uint64_t catchups_sent;
    uint64_t round_catchups;     /* own votes of a past round re-sent to a peer still in it */
    uint64_t evidence;
    uint64_t approvals;
    uint64_t commits;
    uint64_t rounds_started;
    uint64_t actions_dropped;    /* appends refused by a full action buffer */
    uint64_t att_dropped;        /* committed attestation votes the attestation pool had
                                 ** no room for (att_votes or att_streams exhausted):
                                 ** lost to this node's approvals */
} xr_bft_stats;

typedef struct xr_bft xr_bft;

/* Defaults as documented on the fields; chain_id 1. */
void xr_bft_cfg_default(xr_bft_cfg *cfg);

/* Bytes of memory xr_bft_init needs; 0 when cfg is unusable. */
size_t xr_bft_mem_size(const xr_bft_cfg *cfg);

/* Votes a block may carry: cfg->max_block_votes when set; else Omni's rule
** -- no cap per block, at most max_ext_votes of each validator (halo/attest
** keeper verifyAggVotes), i.e. max_validators x max_ext_votes -- bounded by
** XR_BFT_BLOCK_VOTES_BOUND, the core's memory bound (each block buffer is
** sized by it at init).  Omni's own bound is CometBFT's block size: halo
** sets Block.MaxBytes = -1 (halo/genutil defaults.go), i.e. 100 MiB
** (types.MaxBlockSizeBytes), ~570,000 votes.  16,384 votes is exact up to
** 64 validators (Omni runs at most 30); above that a backlog of more votes
** than this waits for the next block, never lost. */
#define XR_BFT_BLOCK_VOTES_BOUND 16384u
uint32_t xr_bft_block_votes_cap(const xr_bft_cfg *cfg);

/* Bytes of the xr_bft_mem_size block a node touches when the blocks it
** stores carry at most block_votes attestation votes and its candidate and
** attestation pools hold at most held_votes each: the block is carved at init
** but its large pools are handed out lazily, so what a run touches follows
** its traffic.  Counts two block slots per height and the commit history at
** that size and the next-height buffer in full.  For memory estimates
** (never more than xr_bft_mem_size; 0 when cfg is unusable). */
size_t xr_bft_mem_in_use(const xr_bft_cfg *cfg, uint32_t block_votes, uint32_t held_votes);

/* Action items and arena bytes that one call can need with cfg: a bound
** that counts every round one call can enter, a catch-up reply, evidence
** for every replayed message and extension vote, one commit and its
** approvals.  A buffer this large does not overflow in any run we know of;
** if one ever does, the lost action is counted (actions_dropped) and the
** call returns XR_ERR_NOSPACE. */
void xr_bft_actions_size(const xr_bft_cfg *cfg, uint32_t *items, size_t *bytes);

/* Build a node in mem (16-byte aligned, mem_len >= xr_bft_mem_size(cfg)).
** sig: the signature backend (kept by pointer; must outlive the node).
** key: this node's signing handle, or NULL for an observer that never votes.
** self: this node's address (a node whose address is not in the set only
** observes).  vs: the set for start_height (copied).  prev_block_id: the
** block before start_height (all-zero at genesis).  app may be NULL.
** Returns 0, XR_ERR_INVALID_ARG, XR_ERR_NOSPACE or XR_ERR_CAPACITY. */
int xr_bft_init(xr_bft **out, void *mem, size_t mem_len, const xr_bft_cfg *cfg,
                const xr_sig_backend *sig, const xr_sig_key *key, const xr_address *self,
                const xr_valset *vs, uint64_t start_height, const uint8_t prev_block_id[32],
                const xr_bft_app *app);

/* Hash through svc (kept by pointer; must outlive the node; NULL: plain
** xr_keccak256, the production setting) wherever the node hashes bytes:
** message digests, block ids, attestation roots.  svc must honour the
** contract in xr_keccak.h (exact Keccak-256 of the bytes given), so no
** decision can depend on it; a simulator passes a memo shared by its
** nodes.  Call before xr_bft_start, or at any time between calls. */
void xr_bft_set_keccak(xr_bft *b, const xr_keccak_service *svc);

/* Enter round 0 of the start height.  Call once. */
int xr_bft_start(xr_bft *b, uint64_t now_ns, xr_actions *acts);

/* Handle bytes from peer `from` (a host peer id, echoed in SEND actions).
** Returns 0 when the message was used (or buffered), XR_ERR_BFT_DUPLICATE
** for a repeat, or the reason it was rejected (also counted in stats);
** XR_ERR_NOSPACE when an action did not fit (state is still consistent: the
** action is lost, as a dropped network message would be). */
int xr_bft_on_message(xr_bft *b, uint64_t now_ns, uint32_t from, const uint8_t *bytes,
                      size_t len, xr_actions *acts);

/* Fire every timer whose deadline is <= now_ns.  Returns 0 or XR_ERR_NOSPACE. */
int xr_bft_on_timer(xr_bft *b, uint64_t now_ns, xr_actions *acts);

/* Earliest armed deadline, UINT64_MAX when none. */
uint64_t xr_bft_next_deadline(const xr_bft *b);

/* Sign and queue this node's attestation vote for the XBlock with header h
** and message root msg_root; it rides in this node's precommit extensions
** until a committed block holds it.  Returns 0; XR_ERR_INVALID_ARG (no key
** or not a validator); XR_ERR_BFT_WRONG_CHAIN (header for another consensus
** chain); XR_ERR_BAD_VALUE (bad level or offset 0); XR_ERR_BFT_ATT_STALE
** (offset already approved); XR_ERR_BFT_DUPLICATE (already queued);
** XR_ERR_BFT_EQUIVOCATION (this node already signed another root for that
** offset: it refuses to double-sign); XR_ERR_CAPACITY (pool full).  Votes
** beyond the window are kept and sent once the window reaches them. */
int xr_bft_add_local_attestation(xr_bft *b, const xr_xheader *h, const xr_hash *msg_root);

/* Check a block as this node would before prevoting it at its current
** height: 0, a decoding error, XR_ERR_BFT_INVALID_BLOCK (wrong chain,
** height, set or previous block, unknown proposer, or payload refused by the
** app), XR_ERR_BFT_NOT_VALIDATOR / XR_ERR_BFT_WRONG_CHAIN /
** XR_ERR_BFT_ATT_STALE / XR_ERR_BFT_ATT_WINDOW / XR_ERR_SIG_* for the first
** bad attestation vote. */
int xr_bft_validate_block(xr_bft *b, const uint8_t *block, size_t len);

/* Stage the validator set that takes effect from height from_height (>
** the current height): members in any order, checks of xr_valset_set.
** Replaces an earlier staged set. Returns 0 or an error. */
int xr_bft_set_next_valset(xr_bft *b, uint64_t from_height, uint64_t id,
                           const xr_validator *members, uint32_t count);

/* Sign a core in place with key (digest = xr_bft_core_digest).  For hosts
** and Byzantine strategies that craft messages. Returns 0 or an error. */
int xr_bft_sign_core(const xr_sig_backend *sig, const xr_sig_key *key, xr_bft_core *c);

/* ---- queries ---------------------------------------------------------- */
uint64_t xr_bft_height(const xr_bft *b);
uint32_t xr_bft_round(const xr_bft *b);
xr_bft_step xr_bft_get_step(const xr_bft *b);
const xr_bft_stats *xr_bft_get_stats(const xr_bft *b);
const xr_valset *xr_bft_valset(const xr_bft *b);
/* Locked round (-1 none) and the locked block id (zero when none). */
int64_t xr_bft_locked_round(const xr_bft *b, uint8_t id_out[32]);
int64_t xr_bft_valid_round(const xr_bft *b, uint8_t id_out[32]);
/* Last approved attest offset of (chain, level). */
uint64_t xr_bft_last_approved(const xr_bft *b, uint64_t chain_id, uint8_t level);
/* Candidate attestation votes held (own and peers'). */
uint32_t xr_bft_pending_votes(const xr_bft *b);
/* Proposer of (current height, round r), by index into xr_bft_valset. */
uint32_t xr_bft_proposer_index(xr_bft *b, uint32_t r);
/* The decoding limits this node applies to blocks and messages. */
xr_bftmsg_limits xr_bft_limits(const xr_bft *b);

#endif
