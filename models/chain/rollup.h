/*
** The rollups: block production, gas price, batches posted to L1, the two
** confirmation levels, sequencer reorgs, and each chain's portal contract --
** the core's xr_portal -- on both sides: the source side takes xcalls
** (xr_portal_xcall with the fee oracle's real checks), the destination side
** runs relayers' submissions (xr_portal_submit) when a block includes them.
** All rollups of a world live in one mdl_rollups group (one engine event kind
** for all; the event's node is the rollup's index), so wiring is: create
** the group, start it, and handle the callbacks.
**
** Blocks.  Each rollup produces blocks at heights 1, 2, ... with gaps drawn
** from `block_time` (at least 1 ns).  A block carries the xcalls made since
** the previous block, in call order (at most MDL_ROLLUP_BLOCK_MSGS_MAX; the
** rest wait for the next block, still in order, so offsets stay ordered),
** and the destination transactions it can include (below).  The gas price is
** a base fee with EIP-1559 dynamics: the block's gas used is the included
** submissions plus background demand (mdl_demand, l1.h), and the next base
** fee is the core's xr_gas_base_fee_next (Ethereum's +-12.5 %, target half
** the limit; OP Stack's own elasticity/denominator are not modelled), never
** below min_base_fee.
**
** XBlocks and levels.  As Omni forms them (lib/xchain Block.ShouldAttest,
** halo/attest/voter): a block has one XBlock, holding every message the
** block emitted (both shards, every destination) in call order, when it has
** messages or its height is a multiple of `attest_interval` (an empty
** XBlock, so a quiet chain's attestations keep moving; `attest_interval: 0`
** never, `xblocks: all` makes every block have one).  That XBlock is
** attested at both levels with the SAME attest offset: offsets count a
** chain's XBlocks, not a level's, so (chain, Latest, n) and (chain,
** Finalized, n) are the same block -- which lets an approved Finalized
** attestation stand in for a Latest one that never reached quorum
** (xr_attpool.h).  Relayers take from it the messages of one stream
** (destination, shard) per submission (relay/relayer.h).
**   - Latest: emitted when the block is produced.
**   - Finalized: the batcher posts, every `batch_interval`, one L1
**     transaction holding every block produced since its previous batch (gas
**     `batch_gas`, max fee 2 x the L1 base fee + `batch_tip`, priority fee
**     `batch_tip`; at every batch interval a transaction still waiting is
**     replaced with the rule's current max fee if that is higher).  Without
**     a proof (optimistic rollups) a batch is final when the L1 slot that
**     included it is final; with `proof: true` (zk rollups) a prover takes
**     `proof_delay` after that inclusion and then posts a proof transaction
**     (gas `proof_gas`), and the batch is final when the proof's slot is
**     final.  Batches finalize in order.  Each
**     block of a final batch emits its Finalized XBlock, in height order, at
**     the time of the L1 finality notice -- never earlier.
** Attest offsets: per rollup, the n-th block that has an XBlock has offset n
** (from 1) at both levels; a reorg's replacements keep theirs (below).  Each XBlock's header
** is (chain id, consensus chain id, level, offset, height, block hash); its
** attestation root is computed with xr_attest (message root over the
** messages in order; the all-zero root for an empty XBlock).
**
** Reorgs (latest level only).  When a rollup is about to produce block h,
** with probability `reorg.probability` the sequencer first reorganises its
** last d blocks, d uniform in [reorg.depth_min, reorg.depth_max] and capped
** at the blocks not yet in a posted batch (a batch on L1 fixes its blocks).
** Exactly what happens:
**   - the replacement blocks keep the heights and carry the SAME
**     transactions in the same order (same xcalls, same stream offsets, same
**     included submissions -- so portal state is unchanged and no message is
**     lost or duplicated); only their hashes change (a new version in the
**     hash preimage), and so do the hashes of every later block;
**   - every Latest XBlock of an orphaned block is announced again with
**     orphaned = true (same offset, old hash and root), then the replacement
**     XBlocks are emitted with the SAME attest offsets as the XBlocks they
**     replace (an attest offset names a position in the canonical chain), new
**     hashes and roots, orphaned = false, all at the reorg's time;
**   - so a (rollup, Latest, offset) can be emitted with two different
**     roots: whoever attested the first now holds a signature on an orphaned
**     block, and signing the second is double-signing that offset.  New
**     blocks continue from the last offset + 1.
**   - the Finalized level never sees orphaned blocks (they are unbatched).
** mdl_rollup_xblock_get finds the canonical XBlock at an offset, or with a
** root the version (canonical or orphaned) that has that root.
**
** Destination transactions.  mdl_rollup_submit_tx queues a relayer's
** encoded submission (copied).  Every block includes, in submission order,
** the queued transactions whose max fee covers the block's base fee, while
** their gas limits fit the block gas limit -- and in nonce order per
** relayer: once a relayer's transaction stays out of a block, its later
** ones do too (so one relayer's submissions execute in the order sent).
** At inclusion the bytes are decoded (xr_submission_decode) and run through
** xr_portal_submit with the calldata's zero/non-zero byte counts and the
** relayer's address (mdl_rollup_relayer_address).  The relayer pays
** gas_used x base fee (no tips on rollups).  A rejected submission changes
** no portal state; it still pays gas on chain, modelled as the
** transaction's minimum gas (base + calldata floor) plus the signatures
** the quorum loop checked and the config reads, at most its gas limit (the
** core does not report the gas of a revert); a gas limit below the minimum
** pays nothing (no sequencer would take it).  Undecodable bytes are
** rejected with the decoder's error the same way.
**
** Order within one block's event: a reorg's notices and replacements
** first, then each included submission's on_submit (in inclusion order),
** then the block's Latest XBlock, then on_block.  Callbacks may call
** mdl_rollup_xcall and mdl_rollup_submit_tx (the call lands in a later
** block) but not mdl_rollup_prune.
**
** Fee oracle.  Every rollup's source portal supports every other rollup as a
** destination; every `fee_oracle.interval` (and at start) it sets each
** destination's exec gas price to that rollup's current base fee and its
** data gas price to the L1 base fee, both times (1 + fee_oracle.markup),
** conversion rate 1 (all chains pay in ETH).
**
** Random streams: (seed, MDL_ENT_ROLLUP, fold(chain id), purpose), so adding
** a rollup does not shift the others' blocks.
**
** Memory: XBlocks (with their messages) are kept for mdl_rollup_xblock_get
** until mdl_rollup_prune; message data are views into one pseudo-random
** pool owned by the group (contents are deterministic per message id and
** mostly non-zero bytes), so a message costs its xr_xmsg and metadata only.
*/
#ifndef MDL_ROLLUP_H
#define MDL_ROLLUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "chain/l1.h"
#include "chain/rollup_config.h"
#include "latency.h"
#include "xr_portal.h"
#include "xr_types.h"
#include "xr_valset.h"

#define MDL_ENT_ROLLUP 0x524c5550u /* "RLUP": entity kind of the rollups' streams */

/* ---- what the rollups report ------------------------------------------- */

/* Per message, beside its xr_xmsg: who the world knows it as. */
typedef struct mdl_msg_meta {
    uint64_t id;                /* world-unique message id (the caller's) */
    uint64_t emitted_ns;        /* when the xcall was made */
    uint64_t fee_wei;           /* fee paid to the portal */
    uint64_t value_gwei;        /* value the message carries (recorded only) */
} mdl_msg_meta;

typedef struct mdl_xblock {
    uint32_t rollup;            /* index in the group */
    int level;                  /* MDL_LEVEL_* (header.conf_level says the same) */
    xr_xheader header;
    xr_hash header_leaf;
    xr_hash msg_root;
    xr_hash root;               /* attestation root */
    const xr_xmsg *msgs;        /* views valid until mdl_rollup_prune / free */
    const mdl_msg_meta *meta;
    size_t msg_count;
    uint64_t block_ns;          /* source block produced (latest inclusion) */
    uint64_t emitted_ns;        /* reached this level (or was re-announced) */
    bool orphaned;              /* an announcement that this version is orphaned */
    bool replacement;           /* emitted by a reorg in place of an orphan */
    bool provisional;           /* not an XBlock yet: the Finalized XBlock a block just
                                ** produced would get if the chain stayed as it is (see
                                ** mdl_rollups_set_provisional); not stored, not attestable
                                ** by an honest verifier */
} mdl_xblock;

typedef struct mdl_rollup_block {
    uint32_t rollup;
    uint64_t height;
    xr_hash hash;
    uint64_t time_ns;
    uint64_t base_fee_wei;
    uint64_t gas_used;          /* submissions + background */
    uint32_t msg_count;         /* xcalls included */
    uint32_t tx_count;          /* destination submissions included */
    uint32_t reorg_depth;       /* > 0: this block came right after a reorg of that depth */
} mdl_rollup_block;

typedef enum mdl_batch_event {
    MDL_BATCH_POSTED = 0,       /* L1 tx submitted */
    MDL_BATCH_INCLUDED = 1,     /* batch tx included on L1 */
    MDL_BATCH_PROVED = 2,       /* proof tx included on L1 (zk) */
    MDL_BATCH_FINAL = 3,        /* its blocks are final */
} mdl_batch_event;

typedef struct mdl_rollup_batch {
    uint32_t rollup;
    uint64_t batch;             /* 1, 2, ... per rollup */
    uint64_t first_height, last_height;
    mdl_batch_event event;
    uint64_t now_ns;
    uint64_t l1_slot;           /* INCLUDED / PROVED: the slot; else 0 */
    uint64_t l1_fee_wei;        /* INCLUDED / PROVED: fee paid on L1 */
} mdl_rollup_batch;

typedef struct mdl_submit_result {
    uint32_t rollup;            /* destination */
    uint64_t tag;               /* the relayer's */
    uint32_t relayer;
    uint64_t submitted_ns, included_ns;
    uint64_t block_height;
    int rc;                     /* 0 or the XR_ERR_* of decode or xr_portal_submit */
    int32_t bad_index;          /* offending signature or message, -1 if none */
    const xr_xheader *header;   /* the attested XBlock's header; NULL if undecodable */
    const xr_submission *sub;   /* the decoded calldata (signatures, messages, proof);
                                ** NULL if undecodable; valid during the callback */
    uint64_t gas_limit;
    uint64_t gas_used;
    uint64_t gas_price_wei;     /* the block's base fee */
    uint64_t fee_wei;           /* gas_used * price */
    uint64_t l1_fee_wei;        /* its L1 data fee (the rollup's l1_data_fee),
                                ** paid whether it executed or reverted */
    const xr_xreceipt *receipts; /* [receipt_count], rc == 0 only; views valid during the callback */
    const uint64_t *msg_gas;    /* [receipt_count] each message's share of gas_used */
    size_t receipt_count;
} mdl_submit_result;

typedef struct mdl_rollup_callbacks {
    void (*on_xblock)(void *ctx, const mdl_xblock *xb);             /* may be NULL */
    void (*on_block)(void *ctx, const mdl_rollup_block *b);         /* may be NULL */
    void (*on_batch)(void *ctx, const mdl_rollup_batch *b);         /* may be NULL */
    void (*on_submit)(void *ctx, const mdl_submit_result *r);       /* may be NULL */
    void *ctx;
    /* Execution model of messages at destinations (see xr_portal.h); NULL:
    ** each message uses its whole gas limit and succeeds. */
    xr_portal_exec_fn exec;
    void *exec_user;
} mdl_rollup_callbacks;

/* What the group shares: consensus chain and the portals' validator sets. */
typedef struct mdl_rollups_params {
    uint64_t consensus_chain_id;
    xr_sig_backend sig;             /* copied into each portal */
    xr_quorum quorum;               /* XR_QUORUM_DEFAULT */
    uint32_t valset_cutoff;         /* XR_VALSET_CUTOFF_DEFAULT */
    uint32_t valset_member_cap;     /* largest set a portal will hold (<= XR_MAX_SIGS) */
    uint64_t genesis_valset_id;     /* >= 1 */
    const xr_validator *genesis;    /* >= 1 member (borrowed during new) */
    uint32_t genesis_count;
} mdl_rollups_params;

typedef struct mdl_rollups mdl_rollups;
typedef struct mdl_rollup mdl_rollup;

/* The rollups cfgs[0..n) (each passing mdl_rollup_config_check, distinct
** chain ids: asserted) on engine `e`, posting batches to `l1` (which must
** outlive the group; the group listens to its finality).  Callbacks `cb`
** are copied.  Returns NULL when out of memory or when a portal rejects the
** parameters (e.g. an invalid genesis set), with the reason in *why if not
** NULL. */
mdl_rollups *mdl_rollups_new(sim_engine *e, mdl_l1 *l1, const mdl_rollup_config *cfgs, size_t n,
                             const mdl_rollups_params *p, const mdl_rollup_callbacks *cb,
                             uint64_t seed, const char **why);
/* Frees the group.  The L1 keeps a listener pointing at it: free the group
** only once the engine will not run again (then the L1 too). */
void mdl_rollups_free(mdl_rollups *rs);

/* Schedules every rollup's first block, batch and oracle update and sets
** the fee oracles.  False when out of memory. */
bool mdl_rollups_start(mdl_rollups *rs);

size_t mdl_rollups_count(const mdl_rollups *rs);
mdl_rollup *mdl_rollups_get(mdl_rollups *rs, size_t i);
/* NULL when no rollup has that chain id. */
mdl_rollup *mdl_rollups_find(mdl_rollups *rs, uint64_t chain_id);
/* Adds validator set `id` to every portal (xr_portal_add_valset, all or
** nothing per portal).  Returns 0, or the first error met; portals whose
** set history matches (the usual case: all sets arrive through this call)
** fail or succeed together. */
int mdl_rollups_add_valset(mdl_rollups *rs, uint64_t id, const xr_validator *members,
                           uint32_t count);
/* Why the rollups failed inside the run (out of memory; sim_engine_fail),
** or NULL. */
const char *mdl_rollups_error(const mdl_rollups *rs);
/* From now on, right after each block that will have a Finalized XBlock is
** produced, announce that XBlock as it would be if the chain stayed as it
** is (same offset, height, hash and messages), with provisional = true --
** what a lazy verifier that does not wait for finality signs.  A later
** reorg makes the real one differ.  Off by default (it costs hashing). */
void mdl_rollups_set_provisional(mdl_rollups *rs, bool on);

/* ---- one rollup ----------------------------------------------------------- */

uint32_t mdl_rollup_index(const mdl_rollup *r);
uint64_t mdl_rollup_chain_id(const mdl_rollup *r);
const char *mdl_rollup_name(const mdl_rollup *r);
const mdl_rollup_config *mdl_rollup_config_of(const mdl_rollup *r);
/* The L1 data fee a transaction with this calldata pays on r now (its
** preset's l1_data_fee rule at the simulated L1's current fees; 0 when r
** posts no data to L1). */
uint64_t mdl_rollup_l1_data_fee(const mdl_rollup *r, const xr_gas_calldata *cd);
uint64_t mdl_rollup_base_fee_wei(const mdl_rollup *r);  /* of the next block */
uint64_t mdl_rollup_height(const mdl_rollup *r);        /* last block, 0 before the first */
/* The portal, for inspection (offsets, xr_portal_submit_check); do not
** change it except through this module. */
xr_portal *mdl_rollup_portal(mdl_rollup *r);

/* feeFor(dest, data_len, gas_limit) of this rollup's portal (its oracle's
** current prices).  Returns 0 or an XR_ERR_* of xr_portal_fee_for. */
int mdl_rollup_fee_for(const mdl_rollup *r, uint64_t dest_chain_id, size_t data_len,
                       uint64_t gas_limit, uint64_t *fee_wei);

typedef struct mdl_xcall {
    uint64_t msg_id;            /* world-unique (the caller's) */
    uint64_t dest_chain_id;
    uint8_t conf_level;         /* XR_CONF_LATEST or XR_CONF_FINALIZED */
    uint32_t data_len;          /* payload bytes (contents from the pool) */
    uint64_t gas_limit;
    uint64_t fee_wei;           /* msg.value paid: >= feeFor, all kept by the portal */
    uint64_t value_gwei;        /* economic value carried (recorded only) */
    xr_address sender, to;
} mdl_xcall;

typedef struct mdl_xcall_result {
    uint64_t shard_id;
    uint64_t offset;            /* stream offset assigned */
    uint64_t fee_wei;           /* feeFor at the time of the call */
    uint64_t refund_wei;
} mdl_xcall_result;

/* A user's xcall now: xr_portal_xcall on this rollup's portal; on success
** the message goes into the next block.  Returns 0, an XR_ERR_* of
** xr_portal_xcall (nothing changed), or XR_ERR_NOSPACE when out of memory
** (nothing changed). */
int mdl_rollup_xcall(mdl_rollup *r, const mdl_xcall *c, mdl_xcall_result *out);

/* The XBlock of (level, offset): with root == NULL the canonical one, else
** the version whose attestation root is *root (canonical or orphaned).
** Fills *out (views into the rollup's storage); false when there is no
** such XBlock (not yet emitted, pruned, or no such root). */
bool mdl_rollup_xblock_get(const mdl_rollup *r, int level, uint64_t offset, const xr_hash *root,
                           mdl_xblock *out);
/* The last attest offset emitted at a level (0: none yet). */
uint64_t mdl_rollup_xblock_last_offset(const mdl_rollup *r, int level);
/* Frees the XBlocks (and orphaned versions) of `level` below `offset`.
** Not from inside a callback of this group (the views handed to it may be
** the ones freed). */
void mdl_rollup_prune(mdl_rollup *r, int level, uint64_t below_offset);

/* The address relayer `relayer` sends from: "rlyr" then zeros then the
** index big-endian in the last 4 bytes. */
void mdl_rollup_relayer_address(uint32_t relayer, xr_address *out);

/* Queues a destination transaction carrying `submission[0..len)` (copied)
** with a gas limit and a max fee per gas (see the top of the file).  The
** result comes through on_submit with `tag`.  Returns a transaction id
** (> 0), or 0 when out of memory or gas_limit exceeds the block gas limit
** (such a transaction could never be included). */
uint64_t mdl_rollup_submit_tx(mdl_rollup *r, const uint8_t *submission, size_t len,
                              uint64_t gas_limit, uint64_t max_fee_wei, uint32_t relayer,
                              uint64_t tag);

/* Adds validator set `id` to this portal (xr_portal_add_valset). */
int mdl_rollup_add_valset(mdl_rollup *r, uint64_t id, const xr_validator *members, uint32_t count);

typedef struct mdl_rollup_stats {
    uint64_t blocks;
    uint64_t reorgs, orphaned_blocks;
    uint64_t xcalls, xcalls_rejected;
    uint64_t xblocks[MDL_LEVELS];       /* emitted, replacements included */
    uint64_t batches_posted, batches_final;
    uint64_t l1_fees_wei;               /* batches and proofs */
    uint64_t submissions_ok, submissions_failed;
    uint64_t submit_gas, submit_fees_wei;
    uint64_t submit_l1_fees_wei;        /* L1 data fees of destination txs */
    uint64_t pending_txs;               /* destination txs waiting now */
    uint64_t final_height;              /* highest finalized block */
} mdl_rollup_stats;

void mdl_rollup_stats_get(const mdl_rollup *r, mdl_rollup_stats *out);

#endif
