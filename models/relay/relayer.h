/*
** Relayers: they follow approved attestations and turn each into one
** submission per destination that has messages in the attested XBlock --
** the quorum's signatures, those messages and their multi-proof -- sent as a
** transaction to the destination rollup, paying its gas.
**
** Policy (all from the scenario's `relayers:` section):
**   count          competing relayers; each submits every attestation after
**                  its own reaction delay; the first included executes, the
**                  others revert (offset gap) and pay for it
**   delay          reaction time after the approval (fixed)
**   signatures     `minimal`, as Omni's relayer: the signers by descending
**                  power (ties by address) until the quorum is exceeded,
**                  then sorted by address as the portal requires (less
**                  calldata and fewer ecrecovers; with unequal stakes far
**                  fewer than half the set); `all`: every signature
**   fee_multiplier max fee = the destination's base fee x this (integer
**                  per-mille arithmetic)
**   retries        how often a submission rejected for a reason other than
**                  "already executed" is sent again, after `retry_backoff`
**                  and with the fee multiplier doubled each time
** As Omni's relayer (relayer/app worker.go): one submission per message
** stream (destination, shard) that has messages in the attested XBlock and
** that the attestation's level proves -- a Latest attestation the Latest
** shards, a Finalized one every shard -- carrying only the stream's
** messages this relayer has not sent yet (its per-stream filter starts at
** the offset the destination has executed).  So a block's Latest-shard
** messages go with its Latest attestation, or with its Finalized one when
** the Latest attestation never came.  (An XBlock holds at most
** XR_MAX_SUBMISSION_MSGS; batching across XBlocks is impossible because a
** submission proves messages against one root.)
**
** Validator sets: a submission carries the id of the set that signed it.
** A relayer never sends one to a portal that does not know that set yet
** (it reads the portal's latestValSetId, as an eth_call would): the
** transaction is held, without counting a try, and sent -- held ones in the
** order they were built -- as soon as a submission included at that
** destination installed the set (models/valsync.h).  XBlocks of chains that
** are not rollups (the consensus chain's system XBlocks) come from the
** source hook (mdl_relayers_set_source) and go to every rollup.
**
** Gas limit: the core's estimate (xr_portal_submit_gas_limit: xsubmit
** before its refund, each call at its whole gas limit), at most the
** destination's block gas limit.
** Gas: each relayer's submissions and their gas and fees are counted;
** the world records them per submission (mdl_rollup's on_submit).
*/
#ifndef MDL_RELAYER_H
#define MDL_RELAYER_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "chain/rollup.h"
#include "relay/relayer_config.h"
#include "xr_action.h"
#include "xr_valset.h"
#include "ytree.h"


typedef struct mdl_relayers mdl_relayers;

/* Per relayer, since the start. */
typedef struct mdl_relayer_stats {
    uint64_t submitted;   /* transactions sent (incl. retries) */
    uint64_t included_ok;
    uint64_t reverted;    /* included but rejected by the portal */
    uint64_t gas_used;
    uint64_t fee_wei;     /* gas paid */
    uint64_t msgs_delivered;
    uint64_t held;        /* times a tx waited for its destination to learn a set */
} mdl_relayer_stats;

/* Relayers over `rs` (borrowed).  `valset`/`quorum` decide which
** signatures make a minimal quorum.  NULL on out of memory. */
mdl_relayers *mdl_relayers_new(sim_engine *e, mdl_rollups *rs, const mdl_relayer_config *c,
                               const xr_valset *valset, xr_quorum quorum);
void mdl_relayers_free(mdl_relayers *r);

/* An attestation was approved (the verifiers' hook; duplicates from other
** verifiers are ignored). */
void mdl_relayers_on_approved(mdl_relayers *r, uint64_t now_ns, const xr_action_approved *a);

/* The destination reported a submission's fate (the rollups' on_submit). */
void mdl_relayers_on_submit(mdl_relayers *r, const mdl_submit_result *res);

/* Called for every transaction a relayer sends: (relayer, destination
** chain, source chain, level, attest offset, message count, now). */
typedef void (*mdl_relayer_sent_fn)(void *ctx, uint32_t relayer, uint64_t dest_chain,
                                    const xr_xheader *h, const xr_xmsg *msgs, size_t n,
                                    uint64_t now_ns);
void mdl_relayers_set_sent_hook(mdl_relayers *r, mdl_relayer_sent_fn fn, void *ctx);

/* Where XBlocks that no rollup holds (the consensus chain's system
** XBlocks; a colluding relayer's forged ones) and validator sets other
** than the genesis one come from (both may be NULL; the hooks are copied). */
typedef struct mdl_relayer_source {
    /* The XBlock (chain, level, offset) with attestation root *root. */
    bool (*xblock_get)(void *ctx, uint64_t chain_id, int level, uint64_t offset, const xr_hash *root,
                       mdl_xblock *out);
    /* Validator set `id`, or NULL when unknown. */
    const xr_valset *(*valset_get)(void *ctx, uint64_t id);
    void *ctx;
} mdl_relayer_source;
void mdl_relayers_set_source(mdl_relayers *r, const mdl_relayer_source *s);

/* The signatures a submission carries, as Omni's relayer picks them: of
** sigs[0..n) (signers of one approved root), by descending power in `set`
** (ties by address) until the quorum is exceeded, then sorted by address,
** into out[]; returns how many.  set NULL: all of them, sorted by address.
** scratch and out hold n entries (n <= XR_MAX_SIGS). */
struct mdl_relayer_pick {
    uint64_t power;
    const xr_sig_tuple *sig;
};
uint32_t mdl_relayer_pick_sigs(const xr_sig_tuple *sigs, uint32_t n, const xr_valset *set,
                               xr_quorum quorum, struct mdl_relayer_pick *scratch,
                               xr_sig_tuple *out);

/* Transactions held now, waiting for their destination to learn a set. */
uint64_t mdl_relayers_held(const mdl_relayers *r);

uint32_t mdl_relayers_count(const mdl_relayers *r);
void mdl_relayers_stats(const mdl_relayers *r, uint32_t i, mdl_relayer_stats *out);
/* NULL, or the first failure (out of memory, an encoding error). */
const char *mdl_relayers_error(const mdl_relayers *r);

#endif
