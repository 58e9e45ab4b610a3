/*
** Verification approaches: how a destination comes to trust that a message
** was emitted on its source -- the one thing the seed's claim varies.  The
** workload, rollups, L1 and network of a world stay the same; the scenario's
** `verification:` section picks one approach:
**
**   restaked               (default) today's path, unchanged: the verifier set
**                          secured by restaked ETH signs roots; slashing on L1
**   native                 the destination acts on the source rollup's state
**                          only once it is settled on L1, then the L1->L2
**                          message delay, then a storage-proof check
**   local                  the two counterparties verify each other (a hash
**                          time-locked exchange): value transfers only
**   optimistic             an attester posts each root with a bond; messages
**                          execute after a challenge window; watchers dispute
**                          forged roots inside it
**   external               a k-of-n committee (the same verifier set and
**                          consensus) signs roots; no slashing (a multisig)
**   external_native_stake  the same committee with slashing, but its stake is a
**                          native token whose price drops once an attack is
**                          public: slashing takes value that has already dropped
**
** Each approach lives in one file of this folder behind mdl_approach_ops and
** is registered in one table (approach.c).  What an approach decides is pure
** (no engine, no world): from a message's simulated facts (when it was
** emitted, its source block, the L1 inclusion and settlement of the batch
** holding that block, the committee path's execution and fee) it says whether
** it can carry the message, when the destination may execute it and what it
** costs on every chain; from a run's facts (committee stakes, the value the
** workload moves, the adversary's forgery) it says what corrupting it costs,
** what an attack extracts in its window and what a forgery did.
**
** Committee approaches (restaked, external, external_native_stake) keep the
** world's message path as it is: their stages are the simulated ones.  The
** others (native, local, optimistic) take the simulated source-side stages
** (emitted, source block, level reached, batch on L1, batch settled) and
** apply their rule for the destination side; their execution time may lie
** beyond the run's end (native on an optimistic rollup: the batch's L1
** inclusion + the 7-day challenge period) -- a time computed from a simulated
** one, never a simulated event.
**
**   verification:
**     approach: restaked        # native | local | optimistic | external |
**                               # external_native_stake
**     member_bribe: 1 ETH       # committee approaches: bribing one member
**     native: {challenge_period: {op: 7d, arbitrum: 6.36d},
**              l1_to_l2_delay: {op: 10min, arbitrum: 16min, zk: 15min},
**              storage_proof_gas: 200000, storage_proof_bytes: 6000,
**              l1_staked: 34000000 ETH,
**              l1_attack_share: 1/3}
**     local: {lock_gas: 100000, claim_gas: 60000}
**     optimistic: {window: 30min, watchers: 3, liveness: 90%, watcher_delay: 5min,
**                  post_delay: 1min, post_gas: 100000, verify_gas: 30000,
**                  bond: 10 ETH, watcher_bribe: 1 ETH}
**     external_native_stake: {price_drop: 50%}
** Every default and its source: the *_defaults functions in each file.
*/
#ifndef MDL_APPROACH_H
#define MDL_APPROACH_H

#include <stdbool.h>
#include <stdint.h>

#include "chain/rollup.h"
#include "approaches/approach_config.h"
#include "ytree.h"

#define MDL_APPROACH_NEVER UINT64_MAX
#define MDL_ENT_APPROACH 0x41505052u /* "APPR": the approaches' random streams */


/* ---- one message --------------------------------------------------------- */

/* The L1 data fee a transaction pays on a rollup (OP Ecotone, Arbitrum;
** 0 on a chain that posts nothing): linear in its calldata bytes, so two
** numbers -- an empty transaction's fee and what 1024 non-zero bytes add --
** price any size (mdl_appr_l1_fee_wei). */
typedef struct mdl_appr_l1_rate {
    uint64_t fixed_wei;
    uint64_t per_kib_wei;
} mdl_appr_l1_rate;

/* What the world simulated about one message (times in ns; NEVER: did not
** happen in the run). */
typedef struct mdl_appr_msg {
    uint8_t conf_level;                      /* XR_CONF_LATEST / XR_CONF_FINALIZED */
    mdl_rollup_preset source_preset, dest_preset;
    uint64_t emitted_ns;
    uint64_t source_block_ns;                /* included on the source */
    uint64_t source_level_ns;                /* its XBlock reached the requested level */
    uint64_t batch_included_ns;              /* the batch holding its block, on L1 */
    uint64_t batch_settled_ns;               /* that batch final on L1 (zk: its proof) */
    uint64_t executed_ns;                    /* the committee path's execution */
    uint64_t committee_fee_wei;              /* its share of that submission's fee */
    uint64_t committee_l1_fee_wei;           /* and of its L1 data fee (rollup destinations) */
    uint64_t gas_limit;
    uint64_t committee_gas_used;             /* its share of that submission's gas */
    uint32_t xblock_msgs;                    /* messages in its XBlock (>= 1) */
    uint64_t source_block_interval_ns;       /* mean block time */
    uint64_t dest_block_interval_ns;
    uint64_t source_gas_price_wei, dest_gas_price_wei; /* the run's mean base fees */
    mdl_appr_l1_rate source_l1, dest_l1;     /* L1 data fee of a tx on each chain */
    uint32_t size_bytes;                     /* the message's data */
    bool has_call;                           /* carries a call, not only value */
} mdl_appr_msg;

typedef struct mdl_appr_outcome {
    bool supported;                          /* the approach can carry it at all */
    uint64_t settled_ns;                     /* the approach's source-side stage */
    uint64_t verified_ns;                    /* the destination may act on it */
    uint64_t executed_ns;                    /* NEVER: not executed */
    uint64_t cost_wei;                       /* every chain, this message's share */
    uint64_t gas_used;                       /* its gas, every chain */
    uint64_t l1_fee_wei;                     /* of cost_wei: L1 data fees on rollups */
} mdl_appr_outcome;

/* ---- one run ------------------------------------------------------------- */

typedef struct mdl_appr_run {
    uint64_t seed;
    uint32_t committee_size;                 /* verifiers at genesis */
    uint32_t committee_needed;               /* fewest members above the quorum */
    uint64_t quorum_stake_gwei;              /* the cheapest such coalition's stake */
    uint32_t slash_ppm;                      /* restaking.slash_fraction */
    double value_rate_gwei_per_s;            /* value of carried messages per second, from the
                                             ** warm-up to the last emission */
    uint64_t provable_ns;                    /* committee: a forged root executes this long
                                             ** before it is provable on L1 (measured) */
    /* the run's forgery, if the scenario has a forging coalition */
    bool forge_attempted;
    uint64_t forge_value_gwei;               /* value of the forged messages */
    uint64_t committee_forged_gwei;          /* of that, executed by the committee path */
    uint64_t committee_slashed_gwei;         /* stake the committee path slashed (own + delegated) */
} mdl_appr_run;

typedef struct mdl_appr_security {
    bool corruptible;                        /* false: nothing a third party can corrupt */
    uint64_t cost_of_corruption_gwei;
    uint64_t window_ns;                      /* a forgery's exposure before it can be stopped */
    uint64_t extractable_gwei;               /* value rate x window */
    int64_t profit_gwei;                     /* extractable - cost of corruption */
    uint64_t forged_executed_gwei;           /* this run's forgery, executed */
    uint64_t slashed_value_gwei;             /* what slashing or a lost bond took, in ETH */
    uint32_t watchers_live;                  /* optimistic: live watchers this run */
} mdl_appr_security;

/* ---- the interface ------------------------------------------------------- */

typedef struct mdl_approach_ops {
    const char *name;                        /* the `approach:` value */
    bool committee;                          /* its stages are the world's message path */
    bool slashing;                           /* the world's restaking contract slashes offences:
                                             ** false only for external; native, local and
                                             ** optimistic leave the world's committee as it is
                                             ** (same events, same digest as restaked) and do not
                                             ** count what it does */
    /* The rule for one message (pure). */
    void (*message)(const mdl_verification_config *c, const mdl_appr_msg *m, mdl_appr_outcome *out);
    /* The run's security numbers (pure; optimistic draws its watchers from
    ** the run's seed). */
    void (*security)(const mdl_verification_config *c, const mdl_appr_run *r, mdl_appr_security *out);
} mdl_approach_ops;

/* The registry: one entry per kind, in enum order. */
const mdl_approach_ops *mdl_approach_get(mdl_approach_kind k);
/* "restaked", "native", ...: NULL-terminated, in enum order. */
extern const char *const mdl_approach_names[];


/* Pieces shared by the approach files. */
void mdl_appr_committee_message(const mdl_appr_msg *m, mdl_appr_outcome *out);
uint64_t mdl_appr_ppm_of(uint64_t gwei, uint32_t ppm);       /* gwei x ppm / 1e6, no overflow */
uint64_t mdl_appr_extractable_gwei(double rate_gwei_per_s, uint64_t window_ns);
int64_t mdl_appr_profit_gwei(uint64_t extractable_gwei, uint64_t cost_gwei);
uint64_t mdl_appr_sat_add(uint64_t a, uint64_t b);
uint64_t mdl_appr_gas_cost_wei(uint64_t gas, uint64_t price_wei);
/* One transaction's L1 data fee with `bytes` of (non-zero) calldata. */
uint64_t mdl_appr_l1_fee_wei(const mdl_appr_l1_rate *r, uint64_t bytes);

/* Each approach file's defaults and, for the pure rules the tests call: */
void mdl_native_defaults(mdl_native_params *p);
void mdl_local_defaults(mdl_local_params *p);
void mdl_optimistic_defaults(mdl_optimistic_params *p);
void mdl_native_stake_defaults(mdl_native_stake_params *p);
/* optimistic: does a forged root execute, given which watchers are live?
** Only when no live watcher's dispute lands inside the window. */
bool mdl_optimistic_forgery_executes(const mdl_optimistic_params *p, const bool *live, uint32_t n);
/* optimistic: watcher i live in this run (a draw from (seed, APPR, i)). */
bool mdl_optimistic_watcher_live(const mdl_optimistic_params *p, uint64_t seed, uint32_t i);

extern const mdl_approach_ops mdl_approach_restaked, mdl_approach_native, mdl_approach_local,
    mdl_approach_optimistic, mdl_approach_external, mdl_approach_external_native_stake;

#endif
