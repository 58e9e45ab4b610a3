/*
** The adversary: coalitions of verifiers that attack together, what they
** earn and lose, and the verdicts of every run with chains.
**
**   adversary:
**     delay_bound: 60s             # verdict: a fast message not executed this long after emission is delayed
**     finalized_delay_bound: 1h    # the same for finalized messages (they wait for L1 finality)
**     stall_bound: 10s             # verdict: an attestation stream (source chain, level) that
**                                  #   approves nothing this long while an XBlock waits is stalled
**     coalitions:
**       - name: forgers
**         verifiers: [0, 1, 2]     # or stake_fraction: 0.7 (the prefix rule of verifiers.byzantine)
**         attack:
**           forge: {from: arb, to: base, level: latest, at: 2min, value: 1000 ETH, xblocks: 1}
**           # censor: {from: arb, to: base, at: 0s, until: 10min}   (or {chain: arb, ...})
**         withdraw: {at: 90s}      # queue all stake then; or {after: 0s}: that long after acting
**         bribes: 5 ETH            # what corrupting the members cost (a cost)
**         payment: 0 ETH           # what someone pays the coalition for the attack (income)
**
** forge.  From `at`, the next `xblocks` XBlocks of rollup `from` at `level`
** that hold a message to rollup `to` are forged as they are emitted: the
** same header, the same messages -- except that every message to `to`
** is rewritten to pay the attacker (another recipient and payload, the same
** stream offsets), which gives another attestation root.  The members get a
** `forge` behaviour from `at` (models/verifier.h): they sign the forged root
** instead of the real one.  With more than the quorum's power the forged
** root is approved; a colluding relayer (relayer index = the honest
** relayers' count) then delivers it to every destination -- the forged
** messages execute at `to` and the real ones they replaced never do; the
** untouched messages to other destinations execute as usual.  Each forged
** message carries `value` (what it unlocks at the destination).  Whatever
** happens, the forged votes sit in consensus blocks, and once the source
** block is final on L1 the watchers can prove them (restaking.h).
** stale_forge.  {set: 1, from: arb, to: base, at: 10min, value: 1000 ETH}:
** the portals accept a submission signed by any of their last
** consensus.valset_cutoff sets (OmniPortal._minValSet), so at `at` the
** members of validator set `set` -- who may since have left it and
** withdrawn -- sign offline a root over a forged XBlock of `from` (the
** header of its latest XBlock, one message to `to` at the stream's next
** offset paying the attacker `value`) and submit it straight to `to`'s
** portal: no consensus vote at all.  Signatures as a relayer picks them (by
** descending power in that set until the quorum, then by address).  The
** coalition checks first, as it would off chain, and does not submit when
** its members hold no quorum of that set or the destination no longer
** accepts it (the summary says which).  The evidence is the destination's
** calldata: the watchers read it (restaking.h); a member whose withdrawal
** completed, or who left the slashable window, loses nothing.
** censor.  The members get a `censor` behaviour for the route (or chain)
** during [at, until): they withhold their attestation signatures.  Messages
** of that route emitted in the window and not executed within delay_bound
** count as censored, with their value.
** withdraw.  Every member sends, at `at` (absolute) or `after` the
** coalition's first action -- before or after acting -- an L1 transaction
** that queues a withdrawal of all its own active stake once included, to try
** to leave the queue before the evidence lands.
**
** Economics per coalition (table coalitions): value extracted (forged
** messages executed), slashed stake (restaking.h), the colluding relayer's
** gas, bribes, payment, and
**     pnl = value_extracted + payment - slashed - gas - bribes
** exactly, to the wei (gas is paid in wei, the rest is whole gwei), and
** signers, signers proven and signers slashed (table coalition_members
** has one row per member: signed, proven, slashed, withdrawn)
**     cost of corruption   = members' own stake x slash fraction + bribes
** (own stake: restaking.operator_share of their stake; delegators lose
** theirs too, recorded apart, but are not in the coalition)
**     profit from corruption = value_extracted + payment.
** Verdicts per run (table verdicts): forged messages executed (count and
** value), conflicting commits, the longest consensus stall, messages
** delayed beyond their level's bound (a message emitted too close to the end
** of the run to tell is not counted); unsafe and stalled flags.
*/
#ifndef MDL_ADVERSARY_H
#define MDL_ADVERSARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chain/chains_config.h"
#include "economics/adversary_config.h"
#include "engine.h"
#include "world/messages.h"
#include "recorder.h"
#include "relay/relayer.h"
#include "economics/restaking.h"
#include "chain/rollup.h"
#include "verifiers/valsync.h"
#include "verifiers/verifier.h"
#include "verifiers/verifier_config.h"
#include "ytree.h"


typedef struct mdl_adversary mdl_adversary;

typedef struct mdl_adversary_ctx {
    sim_engine *engine;
    mdl_verifiers *vs;
    mdl_rollups *rs;
    mdl_restaking *restaking;        /* may be NULL */
    const mdl_valsync *valsync;      /* the sets (stale_forge); may be NULL */
    const mdl_messages *msgs;
    const mdl_relayer_config *relayers; /* the honest relayers' (count, policy) */
    xr_quorum quorum;
    uint64_t warmup_ns, duration_ns;
} mdl_adversary_ctx;

/* NULL with a reason in *why. */
mdl_adversary *mdl_adversary_new(const mdl_adversary_ctx *ctx, const mdl_adversary_config *c, const char **why);
void mdl_adversary_free(mdl_adversary *a);
bool mdl_adversary_start(mdl_adversary *a);

/* Called by the chains for every XBlock BEFORE the verifiers observe it:
** forges it when a coalition is waiting for it. */
void mdl_adversary_on_xblock(mdl_adversary *a, const mdl_xblock *xb);
/* The coalitions' forgery for h's (chain, level, offset), the latest if
** several: what a member signs instead of h (mdl_forger_fn).  False: none. */
bool mdl_adversary_forgery(const mdl_adversary *a, const xr_xheader *h, xr_xheader *h_out, xr_hash *root_out);
/* True when (header, root) is a forged XBlock: the approval then goes here
** (and to the colluding relayer), not to the honest world. */
bool mdl_adversary_is_forged(const mdl_adversary *a, const xr_xheader *h, const xr_hash *root);
void mdl_adversary_on_approved(mdl_adversary *a, uint64_t now_ns, const xr_action_approved *ap);
/* A submission result: true when it was the colluding relayer's.  Then
** *honest is the part of it that executed real messages and *forged the
** forged ones (receipts/msg_gas point into the adversary's scratch, valid
** until the next call; receipt_count 0 when none). */
bool mdl_adversary_on_submit(mdl_adversary *a, const mdl_submit_result *res, mdl_submit_result *honest,
                             mdl_submit_result *forged);
/* The colluding relayer, or NULL when no coalition forges. */
const mdl_relayers *mdl_adversary_relayers(const mdl_adversary *a);

typedef struct mdl_verdicts {
    uint64_t forged_executed, forged_value_gwei;
    uint64_t conflicts, longest_stall_ns;
    uint64_t delay_bound_ns, delayed;
    /* the longest attestation stall (mdl_adversary_stalls) and where */
    uint64_t att_stall_ns, att_stall_chain, att_stall_from_ns;
    uint8_t att_stall_level;
    size_t att_stalls;
    uint64_t halted_ns;              /* the consensus chain halted (empty set), or UINT64_MAX */
    bool unsafe, stalled;
} mdl_verdicts;

/* An attestation stall: stream (source chain, conf level) approved nothing
** from start_ns to end_ns (MDL_NEVER: still at the end of the run) while an
** XBlock that had reached its level waited, for longer than stall_bound.
** Seen through the XBlocks' messages: for each attest offset in order, the
** stream waits from max(its messages reached their level, the previous
** approval) to its approval; overlapping waits merge. */
typedef struct mdl_att_stall {
    uint64_t chain;
    uint8_t conf_level;
    uint64_t start_ns, end_ns, length_ns;
    uint64_t first_offset, last_offset;  /* the attest offsets that waited */
} mdl_att_stall;
/* The stalls at end_ns (malloc'd array in *out, to free; NULL when none).
** Returns the count, or SIZE_MAX when out of memory. */
size_t mdl_adversary_stalls(const mdl_adversary *a, uint64_t end_ns, mdl_att_stall **out);
/* The verdicts at end_ns (consensus summary `cs` gives conflicts and the stall). */
void mdl_adversary_verdicts(const mdl_adversary *a, const mdl_consensus_summary *cs, uint64_t end_ns,
                            mdl_verdicts *out);

/* Coalition k's economics so far. */
typedef struct mdl_coalition_result {
    uint32_t members;
    uint64_t stake_gwei;             /* voting stake (delegated to the members) */
    double stake_fraction;           /* actual share of the genesis power */
    uint64_t total_stake_gwei;       /* all genesis power: stake_fraction = stake / this */
    double requested_fraction;       /* the scenario's stake_fraction; < 0: members were listed */
    double acting_power_share;       /* actual share of the set in force when it acted; < 0: never */
    uint64_t own_stake_gwei;         /* of it, the members' operators' own */
    uint64_t acted_ns, withdraw_queued_ns, withdraw_completed_ns; /* UINT64_MAX: never */
    uint64_t forged_msgs, forged_approved, forged_executed, value_extracted_gwei;
    uint64_t forged_approved_ns, forged_executed_ns; /* the first forged root approved / message executed; UINT64_MAX: never */
    uint64_t censored_msgs, censored_value_gwei;
    uint64_t slashed_gwei, delegators_slashed_gwei, gas_wei;
    /* Every signer provable: members that signed a forged root (forge: the
    ** forged_sign counter of their entry), of them those an offence of
    ** theirs became provable for, and those slashed for one. */
    uint32_t signers, signers_proven, signers_slashed;
    const char *note;                /* stale_forge: why it did not submit, or NULL */
    int64_t pnl_gwei;                /* floor(pnl_wei / 1e9) */
    char pnl_wei[48];                /* the P&L to the wei, decimal: gas is in wei */
    uint64_t cost_of_corruption_gwei, profit_from_corruption_gwei;
    bool profitable;
} mdl_coalition_result;
size_t mdl_adversary_count(const mdl_adversary *a);
void mdl_adversary_result(const mdl_adversary *a, size_t k, uint64_t end_ns, mdl_coalition_result *out);

const char *mdl_adversary_error(const mdl_adversary *a);
/* Member i of coalition k (i < its members): verifier index, whether it
** signed a forged root, when an offence of its became provable
** (UINT64_MAX: never), what of its own stake was slashed, when its
** withdrawal completed (UINT64_MAX: never). */
typedef struct mdl_member_result {
    uint32_t verifier;
    bool signed_forgery;
    uint64_t proven_ns, slashed_gwei, withdrawn_ns;
} mdl_member_result;
void mdl_adversary_member(const mdl_adversary *a, size_t k, uint32_t i, mdl_member_result *out);
/* Tables coalitions, coalition_members and verdicts. */
int mdl_adversary_record(const mdl_adversary *a, sim_rec *rec, const mdl_consensus_summary *cs, uint64_t end_ns);

#endif
