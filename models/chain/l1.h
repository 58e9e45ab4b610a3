/*
** The L1 chain (Ethereum-like): slots, epochs and finality, the EIP-1559
** base fee driven by background demand, and the inclusion of the
** simulation's own transactions (rollup batches and proofs now; validator-set
** updates, evidence and slashing in later issues).  One engine event per
** slot; everything else is arithmetic.
**
** Time.  Slot s starts at s * slot_ns (slot 0 is genesis at time 0 and has no
** block; the first block is slot 1).  Epoch e holds slots [e*E, (e+1)*E) with
** E = epoch_slots.  Finality follows Casper FFG as Ethereum runs it when all
** is well: the checkpoint of epoch c (its first slot) is finalized when the
** chain enters epoch c + finality_epochs.  A block in slot s is covered by the
** first checkpoint at or after it, epoch ceil(s / E), so
**     slot_final_ns(s)  = start of epoch ceil(s / E) + finality_epochs
**     finalized_slot(t) = (floor(t / (E * slot_ns)) - finality_epochs) * E
** (slot 0 -- genesis -- is final from the start).  With the defaults (12 s,
** 32 slots, 2 epochs) a block is final 64 to 95 slots after it, 12.8 to 19
** minutes -- the "about two epochs, ~12.8 min" of PROTOCOL.md.  Missed slots
** (a proposer that does not propose, probability `missed_slot`) produce no
** block and leave the base fee unchanged; they do not delay finality.
**
** Base fee.  Each block's gas used is the simulation's included transactions
** plus background demand (mdl_demand below); the next base fee is
** xr_gas_base_fee_next(base, used, limit) of the core (target = limit / 2,
** at most +-12.5 % per block), never below min_base_fee.
**
** Transactions.  mdl_l1_submit(tx) at time t draws an inclusion delay d from
** `inclusion_delay` (mempool propagation, builder latency); the tx may be
** included in any block whose slot starts at or after t + d.  It is included
** in the first such block where
**     base_fee <= max_fee  and  min(priority_fee, max_fee - base_fee) >= min_tip
** and its gas still fits (the simulation's transactions go first, in
** submission order, then background demand fills the block).  It pays
** gas * (base_fee + min(priority_fee, max_fee - base_fee)).  A tx whose max
** fee stays below the base fee waits (mdl_l1_bump raises it).  The inclusion
** callback runs after the block is assembled, in inclusion order.
**
** Listeners (up to MDL_L1_LISTENERS_MAX) hear, at each slot time in this
** order: on_epoch (first slot of an epoch), on_finalized (when the finalized
** slot advances; all slots <= it are final), then on_block (also for a missed
** slot, with missed = true), then the inclusion callbacks of that block.
**
** Random streams: (seed, MDL_ENT_L1, 0, purpose) -- demand, missed slots,
** inclusion delays -- so the L1's draws do not depend on anything else.
*/
#ifndef MDL_L1_H
#define MDL_L1_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "latency.h"
#include "chain/l1_config.h"

#define MDL_ENT_L1 0x4c314348u /* "L1CH": entity kind of the L1's streams */
#define MDL_L1_LISTENERS_MAX 8u


/* ---- background demand (its configuration: l1_config.h) ------------- */

/* One block's background gas, in [0, gas_limit].  base_fee_wei > 0. */
uint64_t mdl_demand_gas(const mdl_demand_config *c, uint64_t ref_fee_wei, uint64_t base_fee_wei,
                        uint64_t gas_limit, gsl_rng *r);


/* ---- the chain ------------------------------------------------------------ */

typedef struct mdl_l1 mdl_l1;

typedef struct mdl_l1_block {
    uint64_t slot;
    uint64_t time_ns;
    uint64_t base_fee_wei;      /* this block's base fee */
    uint64_t gas_used;          /* all of it: ours + background (0 if missed) */
    uint64_t gas_limit;
    uint64_t sim_gas;           /* of that, the simulation's transactions */
    uint32_t tx_count;          /* the simulation's transactions included */
    bool missed;
} mdl_l1_block;

typedef struct mdl_l1_tx {
    uint64_t gas;               /* gas the transaction uses (> 0, <= gas limit) */
    uint64_t max_fee_wei;       /* per gas */
    uint64_t priority_fee_wei;  /* per gas */
    uint64_t tag;               /* the caller's, handed back in the receipt */
} mdl_l1_tx;

typedef struct mdl_l1_receipt {
    uint64_t tx_id;
    uint64_t tag;
    uint64_t gas;
    uint64_t submitted_ns;
    uint64_t slot;              /* block it is in */
    uint64_t included_ns;       /* = the slot's start */
    uint64_t base_fee_wei;
    uint64_t price_wei;         /* base fee + effective tip */
    uint64_t fee_wei;           /* gas * price (saturating) */
    uint64_t final_ns;          /* when that slot becomes final */
} mdl_l1_receipt;

typedef void (*mdl_l1_included_fn)(void *ctx, const mdl_l1_receipt *r);

typedef struct mdl_l1_listener {
    void (*on_block)(void *ctx, const mdl_l1_block *b);             /* may be NULL */
    void (*on_finalized)(void *ctx, uint64_t slot, uint64_t now_ns); /* may be NULL */
    void (*on_epoch)(void *ctx, uint64_t epoch, uint64_t now_ns);    /* may be NULL */
    void *ctx;
} mdl_l1_listener;

typedef struct mdl_l1_stats {
    uint64_t blocks;            /* produced (not missed) */
    uint64_t missed;
    uint64_t txs_submitted;
    uint64_t txs_included;
    uint64_t fees_wei;          /* paid by included txs (saturating) */
    uint64_t pending;           /* txs waiting now */
} mdl_l1_stats;

/* A chain on engine `e` (registers one event kind).  c must pass
** mdl_l1_config_check (asserted).  NULL when out of memory. */
mdl_l1 *mdl_l1_new(sim_engine *e, const mdl_l1_config *c, uint64_t seed);
void mdl_l1_free(mdl_l1 *l1);

/* Schedules slot 1 (the engine must be at time 0, asserted).  False when
** out of memory. */
bool mdl_l1_start(mdl_l1 *l1);

/* Adds a listener (copied).  Returns false when MDL_L1_LISTENERS_MAX are
** registered. */
bool mdl_l1_listen(mdl_l1 *l1, const mdl_l1_listener *li);

/* Queues a transaction now (see the top of the file); `fn(ctx, receipt)`
** runs when it is included (fn may be NULL).  Returns its id (> 0), or 0
** when out of memory or tx->gas is 0 or above the block gas limit (such a
** tx could never be included). */
uint64_t mdl_l1_submit(mdl_l1 *l1, const mdl_l1_tx *tx, mdl_l1_included_fn fn, void *ctx);

/* Replaces the fees of a pending transaction (a replacement with a higher
** max fee, as wallets do).  False when it is no longer pending. */
bool mdl_l1_bump(mdl_l1 *l1, uint64_t tx_id, uint64_t max_fee_wei, uint64_t priority_fee_wei);

/* The base fee of the next block. */
uint64_t mdl_l1_base_fee_wei(const mdl_l1 *l1);
/* The blob base fee (EIP-4844) of the next block. */
uint64_t mdl_l1_blob_base_fee_wei(const mdl_l1 *l1);

const mdl_l1_config *mdl_l1_config_of(const mdl_l1 *l1);

/* Pure time arithmetic (see the top of the file). */
uint64_t mdl_l1_slot_at(const mdl_l1 *l1, uint64_t now_ns);          /* floor(now / slot) */
uint64_t mdl_l1_slot_start_ns(const mdl_l1 *l1, uint64_t slot);
uint64_t mdl_l1_finalized_slot(const mdl_l1 *l1, uint64_t now_ns);
uint64_t mdl_l1_slot_final_ns(const mdl_l1 *l1, uint64_t slot);

void mdl_l1_stats_get(const mdl_l1 *l1, mdl_l1_stats *out);

/* Why the L1 failed inside the run (memory ran out: a block lost
** transactions or the next slot could not be scheduled; sim_engine_fail),
** or NULL. */
const char *mdl_l1_error(const mdl_l1 *l1);

#endif
