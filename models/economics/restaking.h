/*
** The restaking contract on the L1, hosted: the core's rules
** (protocol/xr_restake.h) fed by the simulated world, and the slashing
** pipeline that turns misbehaviour into slashed stake -- or explains why
** none was slashed.
**
**   restaking:
**     withdrawal_delay: 14d      # queue -> completable (EigenLayer: 7 d, 14 d after slashing)
**     veto_window: 0s            # slash request -> executable (0: at once)
**     veto_probability: 0        # the veto committee vetoes a request with this chance
**                                #   (decided at inclusion, acted on halfway through the window)
**     slash_fraction: 100%       # of every slashable position of the operator, per offence
**     eject_on_slash: true       # an executed slash deregisters the operator (power 0)
**     freeze_on_request: false   # a pending request blocks its stakers' withdrawals
**     reporter_delay: 30s        # an honest watcher's reaction: detection -> evidence tx sent
**     evidence_gas: 250000       # L1 gas of one evidence transaction
**     evidence_tip: 2 gwei       # its priority fee (max fee 3 x base fee + tip)
**     operator_share: 100%       # of each verifier's stake, what its operator put up itself;
**                                #   the rest comes from stakers who delegated to it
**     allocation: 100%           # of its delegated stake, what each operator allocated to this
**                                #   service (EigenLayer magnitude): only that is slashable and
**                                #   counts as power
**     allocation_delay: 0s       # allocation -> slashable (the operator's setAllocationDelay)
**     deallocation_delay: 14d    # deregistered or ejected -> no longer slashable; a lowered
**                                #   allocation stays slashable this long (EigenLayer
**                                #   DEALLOCATION_DELAY, 100,800 blocks)
**
** Genesis.  Each verifier is an operator registered with the service; its
** `verifiers.stake` is what is delegated to it: operator_share of it a
** deposit by the operator's own address, the rest by its delegators (one
** staker per operator, "dlgt" + index) -- who do not collude: a coalition
** withdraws only its own stake, while its delegators' stake stays and is
** slashed with it.  Power = the operator's active delegated stake in gwei,
** as before.  A `verifiers.stake_changes` entry is an L1 transaction
** (150,000 gas) that, once included, deposits the difference of the total
** (stake up) or queues a withdrawal of it from the operator's own stake
** (stake down; 0 leaves when the operator holds it all).
** Queued stake stops counting as power at once but stays slashable until
** its delay ends (queued + delay, inclusive) and not after, completed or
** not; the staker completes each withdrawal at the first L1 block after
** that (retrying each block while frozen).  An ejected operator stays
** slashable for the deallocation delay; an offence included later is
** rejected with reason XR_ERR_RESTAKE_NOT_SLASHABLE.
**
** Validator sets.  models/valsync.c reads the powers here at each L1 epoch
** boundary (mdl_restaking_power) and makes a new set when they changed --
** stake changes, withdrawals and ejections alike.
**
** Offences, step by step (one row per offence in table `offences`):
**   1. committed -- when the offending signature was made: the consensus
**      height's start (double votes) or the attested XBlock's emission
**      (attestation offences);
**   2. detected -- double votes and conflicting attestations: the first
**      honest verifier whose core emitted XR_ACT_EVIDENCE; an attestation
**      that contradicts the source chain: the first time a watcher saw the
**      signed vote -- in a precommit's extension or a proposal an honest
**      verifier received, a committed block, or a destination portal's
**      calldata -- checked against the source chain;
**      it becomes PROVABLE when the source block is final on L1 (at the
**      Finalized level: the final XBlock at that offset exists and differs;
**      at the Latest level: the source block at that height is final and the
**      root is none the sequencer produced -- a vote for a block later
**      orphaned by a sequencer reorg is the fast level's accepted risk, not
**      an offence, and is not reported);
**   3. submitted -- reporter_delay after it is provable, as an L1 tx;
**   4. included -- the contract runs the core's real check
**      (xr_restake_submit_evidence: signatures, membership, and for the
**      third kind the final root) and opens a slash request; a request for
**      an offence already requested is a duplicate;
**   5. executed -- veto_window later, unless vetoed: slash_fraction of what
**      is still slashable (active stake + queued withdrawals not yet
**      completed).  Outcome: slashed, or withdrawn (nothing left: the stake
**      left the queue before), already_slashed (nothing left: an earlier
**      offence of the same operator took it), vetoed, rejected (the check
**      failed), duplicate (this offence was requested before), pending
**      (the run ended first), or not_provable (detected, but the source
**      block was not final on L1 by the end of the run).
** Random streams: (seed, MDL_ENT_RESTAKING, 0, purpose) -- the veto draws.
*/
#ifndef MDL_RESTAKING_H
#define MDL_RESTAKING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "chain/l1.h"
#include "recorder.h"
#include "economics/restaking_config.h"
#include "chain/rollup.h"
#include "verifiers/verifier.h"
#include "xr_restake.h"
#include "ytree.h"

#define MDL_ENT_RESTAKING 0x52535431u /* "RST1" */
#define MDL_RESTAKING_NEVER UINT64_MAX


typedef enum mdl_offence_outcome {
    MDL_OFFENCE_PENDING = 0,     /* not resolved by the end of the run */
    MDL_OFFENCE_SLASHED = 1,
    MDL_OFFENCE_WITHDRAWN = 2,   /* executed, but nothing was left to slash */
    MDL_OFFENCE_VETOED = 3,
    MDL_OFFENCE_REJECTED = 4,    /* the contract's check failed */
    MDL_OFFENCE_DUPLICATE = 5,   /* this offence was already requested */
    MDL_OFFENCE_ALREADY = 6      /* executed, nothing left: an earlier offence took it all */
} mdl_offence_outcome;

const char *mdl_offence_outcome_name(mdl_offence_outcome o);

typedef struct mdl_offence_info {
    uint8_t kind;                /* XR_EVIDENCE_* */
    uint32_t offender;           /* verifier index */
    uint64_t committed_ns, detected_ns, provable_ns, submitted_ns, included_ns;
    uint64_t executable_ns, executed_ns; /* MDL_RESTAKING_NEVER until they happen */
    uint64_t slashed_gwei;
    uint64_t gas_fee_wei;        /* the evidence tx's fee */
    mdl_offence_outcome outcome;
    int reject_rc;               /* REJECTED: the XR_ERR_* */
} mdl_offence_info;

typedef struct mdl_restaking mdl_restaking;

/* The contract over verifiers `vs` (their stakes are the genesis deposits)
** on `l1`, checking attestation offences against the rollups `rs` (all
** borrowed).  NULL with a reason in *why. */
mdl_restaking *mdl_restaking_new(sim_engine *e, mdl_l1 *l1, mdl_verifiers *vs, mdl_rollups *rs,
                                 const mdl_restaking_config *c, uint64_t seed, const char **why);
void mdl_restaking_free(mdl_restaking *r);
/* Listens to the L1 and schedules the stake changes.  False when out of memory. */
bool mdl_restaking_start(mdl_restaking *r);

/* The world's hooks (every verifier's actions; only honest ones count). */
void mdl_restaking_on_evidence(mdl_restaking *r, uint32_t verifier, uint64_t now_ns,
                               const xr_action_evidence *e);
void mdl_restaking_on_commit(mdl_restaking *r, uint32_t verifier, uint64_t now_ns,
                             const xr_action_commit *c);
/* Watchers act on every signed vote they see, not only on votes inside
** committed blocks: an attestation vote honest verifier `verifier`
** received in a peer's precommit extension or proposal (mdl_verifier_hooks
** on_vote_seen), and every signature of a submission a destination portal
** saw in its calldata (executed or reverted: the signatures are on chain
** either way) -- over the attestation root the calldata proves.  A vote
** that contradicts its source chain, with a valid signature, becomes a
** suspect once per offence, as one in a committed block does. */
void mdl_restaking_on_vote_seen(mdl_restaking *r, uint32_t verifier, uint64_t now_ns, const xr_att_vote *v);
void mdl_restaking_on_submission(mdl_restaking *r, uint64_t now_ns, const xr_submission *sub);
/* Where evidence is checked: find(ctx, a) is the newest validator set
** holding member a, or NULL (then the genesis set is used).  The world
** points it at valsync's sets. */
void mdl_restaking_set_valsets(mdl_restaking *r,
                               const xr_valset *(*find)(void *ctx, const xr_address *member), void *ctx);

/* A staker action of the adversary: verifier i's operator sends, now, an L1
** transaction (120,000 gas, a 10 gwei tip: it is in a hurry) that queues a
** withdrawal of all its own active stake when it is included.  Returns 0,
** or XR_ERR_INVALID_ARG when it has nothing to withdraw. */
int mdl_restaking_withdraw_all(mdl_restaking *r, uint32_t verifier, uint64_t now_ns);

/* ---- queries ------------------------------------------------------------- */
/* Verifier i's power now (active delegated stake, 0 once deregistered). */
uint64_t mdl_restaking_power(const mdl_restaking *r, uint32_t verifier);
/* Slashed so far from verifier i's operator's own positions, and from its
** delegators' (gwei). */
uint64_t mdl_restaking_slashed_gwei(const mdl_restaking *r, uint32_t verifier);
uint64_t mdl_restaking_slashed_delegators_gwei(const mdl_restaking *r, uint32_t verifier);
/* What verifier i's operator deposited itself (gwei). */
uint64_t mdl_restaking_own_stake_gwei(const mdl_restaking *r, uint32_t verifier);
/* When verifier i's last withdrawal was queued (MDL_RESTAKING_NEVER: none). */
uint64_t mdl_restaking_queued_ns(const mdl_restaking *r, uint32_t verifier);
/* When verifier i's last withdrawal completed (MDL_RESTAKING_NEVER: none). */
uint64_t mdl_restaking_withdrawn_ns(const mdl_restaking *r, uint32_t verifier);
/* Verifier i as an offender: when the first of its offences became
** provable (MDL_RESTAKING_NEVER: none did), and whether one was slashed. */
void mdl_restaking_offender(const mdl_restaking *r, uint32_t verifier, uint64_t *proven_ns, bool *slashed);
/* The contract's slash fraction in parts per million. */
uint32_t mdl_restaking_slash_ppm(const mdl_restaking *r);
size_t mdl_restaking_offence_count(const mdl_restaking *r);
/* Attestations that contradict their source chain as far as the watcher can
** tell but were not provable by the end of the run (the source block not
** yet final on L1): recorded as offences with outcome not_provable. */
size_t mdl_restaking_unproven_count(const mdl_restaking *r);
void mdl_restaking_offence(const mdl_restaking *r, size_t k, mdl_offence_info *out);
void mdl_restaking_totals(const mdl_restaking *r, xr_restake_totals *out);
/* NULL, or why the run cannot be trusted (memory, a ledger check failed). */
const char *mdl_restaking_error(const mdl_restaking *r);
/* Tables offences, withdrawals and restaking_summary. */
int mdl_restaking_record(const mdl_restaking *r, sim_rec *rec);

#endif
