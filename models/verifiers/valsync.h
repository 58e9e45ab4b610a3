/*
** Validator-set sync: stake changes on L1 become new verifier sets at epoch
** boundaries, the consensus switches to each new set at one height on every
** verifier, and each set reaches every portal as a protocol message (a
** system call) before any submission signed by it can verify there.
**
** The life of one set, step by step:
**   1. L1.  Stake lives in the restaking contract (models/restaking.h):
**      deposits, queued withdrawals, ejections after a slash, and the
**      scenario's `verifiers.stake_changes` (L1 transactions) all change
**      what it reports as each verifier's power (its operator's active
**      delegated stake in gwei).
**   2. Epoch.  At each L1 epoch boundary (on_epoch) the powers are read
**      through the power callback; when any differs from the last set's,
**      a new set -- every verifier with power > 0, id = previous + 1 -- is
**      CREATED.  Several changes in one epoch make one set; an epoch
**      without changes makes none.
**   3. Emission.  Sets go out strictly one at a time: set k is EMITTED once
**      set k-1 is active on every verifier's core (genesis is).  Emitting is
**      the consensus chain producing a system XBlock: source chain = the
**      consensus chain id, level Finalized, attest offset k (its own
**      sequence), height = the highest consensus height reached, block hash =
**      keccak of the call, holding ONE broadcast message (dest 0, shard
**      Finalized|0x100, offset k, sender and to 0, data =
**      xr_portal_valset_call_encode(id, members)).  The verifiers observe it
**      like any XBlock (mdl_verifiers_observe) and attest it -- signed by the
**      CURRENT set k-1, which the portals already know or will learn from
**      the previous system message.
**   4. Consensus.  At the first approval of that XBlock (APPROVED) an event
**      at the same time stages the set on every verifier (crashed ones too)
**      with xr_bft_set_next_valset at activation height = the highest height
**      any core has reached + MDL_VALSYNC_MARGIN (STAGED).  Because only
**      approved sets are staged, the message carrying a set is always signed
**      by its predecessor: no portal can ever need a set to learn that set.
**      The set is ACTIVE once every core reports it (checked at each L1 slot).
**      Caveat: a verifier that never reaches the activation height (crashed
**      for good, or too far behind to catch up) holds back every later set
**      -- staging another would overwrite its staged one.
**   5. Portals.  The relayers get the system XBlock from
**      mdl_valsync_xblock_get (relayer.h's source hook) and submit it to
**      EVERY rollup; the portal installs the set through xr_portal_submit
**      (the system call).  A relayer holds any submission signed by a set
**      the destination does not know yet until a submission installed it.
**
** An epoch whose powers are all 0 makes no set: the chain HALTS then
** (mdl_verifiers_halt; CometBFT refuses an empty validator set) and stays
** halted -- an outcome recorded in chain_halts, not a failed run.
** Results: table valsets (one row per set, genesis included: id, epoch,
** created / emitted / approved / staged times, activation height and the
** time the first honest verifier entered it) and valset_installs (per set
** and portal, when the portal installed it; genesis at 0).
*/
#ifndef MDL_VALSYNC_H
#define MDL_VALSYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "chain/l1.h"
#include "recorder.h"
#include "chain/rollup.h"
#include "verifiers/verifier.h"

#define MDL_VALSYNC_MARGIN 2u         /* heights between staging and activation */

typedef struct mdl_valsync mdl_valsync;

typedef enum mdl_valset_state {
    MDL_VALSET_CREATED = 0,
    MDL_VALSET_EMITTED = 1,
    MDL_VALSET_APPROVED = 2,
    MDL_VALSET_STAGED = 3,
    MDL_VALSET_ACTIVE = 4
} mdl_valset_state;

/* One set; times are MDL_VALSYNC_NEVER until they happen. */
#define MDL_VALSYNC_NEVER UINT64_MAX
typedef struct mdl_valset_info {
    uint64_t id;
    mdl_valset_state state;
    uint64_t epoch;             /* L1 epoch that created it (genesis: 0) */
    uint64_t created_ns, emitted_ns, approved_ns, staged_ns;
    uint64_t activation_height; /* 0 until staged (genesis: 1) */
    uint64_t active_ns;         /* every core reported it (L1-slot granularity) */
    uint32_t member_count;
    uint64_t total_power;
} mdl_valset_info;

/* Verifier i's power now (the restaking contract's view). */
typedef uint64_t (*mdl_valsync_power_fn)(void *ctx, uint32_t verifier);
/* Sync over the verifiers `vs`, the L1 and the rollups (all borrowed, must
** outlive it), reading powers through power(power_ctx, i) at each epoch.
** NULL when out of memory. */
mdl_valsync *mdl_valsync_new(sim_engine *e, mdl_l1 *l1, mdl_verifiers *vs, mdl_rollups *rs,
                             mdl_valsync_power_fn power, void *power_ctx);
void mdl_valsync_free(mdl_valsync *v);
/* Listens to the L1.  False when out of memory. */
bool mdl_valsync_start(mdl_valsync *v);

/* The world's hooks: every approval (all verifiers'; others are ignored),
** every submission result at rollup index res->rollup. */
void mdl_valsync_on_approved(mdl_valsync *v, uint64_t now_ns, const xr_action_approved *a);
void mdl_valsync_on_submit(mdl_valsync *v, const mdl_submit_result *res);

/* The system XBlock at (chain, level, offset) with root *root (NULL: any);
** false when it is not one of ours or not emitted yet. */
bool mdl_valsync_xblock_get(const mdl_valsync *v, uint64_t chain_id, int level, uint64_t offset,
                            const xr_hash *root, mdl_xblock *out);
/* Set `id`, or NULL when no such set was created. */
const xr_valset *mdl_valsync_valset(const mdl_valsync *v, uint64_t id);
/* When the set emptied and the consensus chain halted (every verifier left:
** withdrawn, ejected), or MDL_VALSYNC_NEVER.  The run goes on: the chain
** stays halted, no XBlock is approved after it, messages are delayed
** (table chain_halts). */
uint64_t mdl_valsync_halted_ns(const mdl_valsync *v);

/* Sets so far, genesis (k = 0) included. */
size_t mdl_valsync_count(const mdl_valsync *v);
void mdl_valsync_get(const mdl_valsync *v, size_t k, mdl_valset_info *out);
/* When rollup index r's portal installed set k (MDL_VALSYNC_NEVER: not yet). */
uint64_t mdl_valsync_installed_ns(const mdl_valsync *v, size_t k, size_t r);

/* NULL, or why the run cannot be trusted (memory, a core refusing a set). */
const char *mdl_valsync_error(const mdl_valsync *v);

/* Writes tables valsets and valset_installs.  0 or a SIM_REC_ERR_* code. */
int mdl_valsync_record(const mdl_valsync *v, sim_rec *rec);

#endif
