/*
** The cross-chain half of a world: the L1, the rollups with their portals,
** the workload, the relayers and the life of every message -- wired to the
** verifiers, whose approvals it relays and whose validator set the portals
** start with.  world.c builds one when the scenario has rollups.
**
**   emit -> observe -> attest -> approve -> relay -> submit -> execute
**   (each stage in order at the top of xchain.c; every stage stamps the
**   message's life, messages.h)
** With verifiers.stake_changes, validator-set sync (valsync.h) joins in:
**   L1 stake change --epoch--> new set --system XBlock--> verifiers, relayers,
**   every portal; the consensus switches sets at one staged height.
*/
#ifndef MDL_XCHAIN_H
#define MDL_XCHAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "economics/adversary.h"
#include "chain/chains_config.h"
#include "world/messages.h"
#include "recorder.h"
#include "relay/relayer.h"
#include "economics/restaking.h"
#include "verifiers/valsync.h"
#include "verifiers/verifier.h"
#include "world/verification.h"
#include "world/xchain_config.h"

typedef struct mdl_xchain mdl_xchain;

/* Builds the chains over `vs` (borrowed; its validator set is every
** portal's genesis set), with the restaking contract, validator-set sync
** and the adversary, and takes the verifiers' hooks and forger (the path
** of a message, xchain.c).  warmup/duration: the run's (for verdicts).  NULL
** with a reason in *why. */
mdl_xchain *mdl_xchain_new(sim_engine *e, mdl_verifiers *vs, xr_quorum quorum, const mdl_xchain_config *c,
                           uint64_t seed, uint64_t warmup_ns, uint64_t duration_ns, const char **why);
void mdl_xchain_free(mdl_xchain *x);
bool mdl_xchain_start(mdl_xchain *x);

/* NULL, or the first failure inside a model. */
const char *mdl_xchain_error(const mdl_xchain *x);

const mdl_messages *mdl_xchain_messages(const mdl_xchain *x);
/* The validator-set sync. */
const mdl_valsync *mdl_xchain_valsync(const mdl_xchain *x);
/* The relayers (for inspection). */
const mdl_relayers *mdl_xchain_relayers(const mdl_xchain *x);
const mdl_restaking *mdl_xchain_restaking(const mdl_xchain *x);
const mdl_adversary *mdl_xchain_adversary(const mdl_xchain *x);
/* The verification approach's numbers for the run (applies it on first
** call; NULL when out of memory). */
const mdl_verification_summary *mdl_xchain_verification(mdl_xchain *x);
/* The host itself (its per-message outcomes once the above was called). */
const mdl_verification *mdl_xchain_verification_host(const mdl_xchain *x);

typedef struct mdl_xchain_summary {
    mdl_finality latest, finalized;   /* emitted after warm-up */
    uint64_t violations;              /* out-of-order or repeated executions */
    uint64_t submissions, reverted;
    uint64_t relayer_gas, relayer_fee_wei;
    /* restaking and slashing */
    xr_restake_totals ledger;
    uint64_t offences, offences_slashed;  /* found; of those, slashed something */
    /* the adversary */
    mdl_verdicts verdicts;
    size_t coalitions;
    int64_t coalition_pnl_gwei;           /* summed over coalitions */
    uint64_t coalitions_profitable;
    uint64_t signers_unslashed;           /* members that signed a forged root, not slashed */
    /* the verification approach (world.c fills it: applying it mutates) */
    bool has_verification;
    mdl_verification_summary verification;
    bool by_approach;                     /* latest / finalized are the approach's
                                          ** (native, local, optimistic), not the
                                          ** committee path's */
} mdl_xchain_summary;
/* cs: the consensus summary at end_ns (verdicts read conflicts and stalls). */
void mdl_xchain_summary_get(const mdl_xchain *x, uint64_t warmup_ns, const mdl_consensus_summary *cs,
                            uint64_t end_ns, mdl_xchain_summary *out);

/* Writes messages, submissions, chains, restaking, coalitions and verdicts
** into the run. */
int mdl_xchain_record(mdl_xchain *x, sim_rec *rec);

#endif
