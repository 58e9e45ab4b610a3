/*
** The scenario's `verifiers:` and `consensus:` sections, read into typed
** configuration for models/verifier.c.  Every problem is reported at its
** YAML node (file:line:col), and reading goes on so one pass shows them all.
**
**   verifiers:
**     count: 100                  # verifier nodes, group "verifiers" (1..4096)
**     stake: 32 ETH               # every verifier the same (default 32 ETH), or
**     # stake: [32 ETH, 64 ETH, ...]                         one per verifier, or
**     # stake: {distribution: uniform, min: 32 ETH, max: 320 ETH}
**     # stake: {distribution: lognormal, median: 100 ETH, sigma: 1.0, max: 100000 ETH}
**     # stake: {distribution: pareto, min: 32 ETH, alpha: 1.5, max: 100000 ETH}
**     #   (drawn per verifier from its own random stream, rounded to gwei,
**     #    capped at max; power = stake in gwei)
**     watcher_delay: {min: 50ms, max: 300ms}   # uniform per (verifier, XBlock)
**     stake_changes:              # optional; stake moved on L1 (models/valsync.h)
**       - {at: 5min, verifier: 3, stake: 64 ETH}   # stake 0 ETH: leaves the set
**     byzantine:                  # optional; a verifier appears at most once
**       - {verifiers: [0, 1], behaviour: silent, from: 30s, until: 60s}
**       - {verifiers: 2, behaviour: equivocating, reveal: true}
**       - {verifiers: [3], behaviour: crashed, from: 10s}     # until: restart time
**     # behaviours (honest outside [from, until); from defaults to 0s, until
**     # to the end of the run):
**     #   crashed       a network crash at `from`, restart at `until` (state kept)
**     #   silent        runs the core but drops every consensus message it sends
**     #   equivocating  signs a conflicting twin of each of its proposals,
**     #                 prevotes and precommits; the first half of its peers
**     #                 gets the original, the second half the twin; with
**     #                 reveal (default true) the first half also gets the
**     #                 twin afterwards, as gossip would show it to them
**
**   consensus:
**     chain_id: 1                 # consensus chain id (>= 1)
**     quorum: 2/3                 # "more than": a ratio a/b, 0.75 or 75%; in [1/2, 1)
**     block_interval: 1s          # wait after a decision before the next height
**     timeouts: {propose: 3s, propose_delta: 500ms, prevote: 1s, prevote_delta: 500ms,
**                precommit: 1s, precommit_delta: 500ms, retransmit: 1s, catchup: 1s}
**     max_votes_per_extension: 64 # attestation votes per precommit
**     max_votes_per_block: 512    # attestation votes per consensus block
**     attestation_window: 64      # offsets ahead of the last approved one
**     pending_votes: 4096         # candidate attestation votes held per node
**     commit_history: 4           # decided heights kept to answer catch-up (1..64)
**     signatures: fast            # fast | secp256k1 (what computes the signatures)
**     sign_cost: 27us             # simulated CPU per signature made   (sig_costs.h)
**     verify_cost: 45us           # simulated CPU per signature checked (sig_costs.h)
**     synthetic_xblocks:          # optional stand-in for rollups (see verifier.h)
**       {chains: 4, interval: 2s, messages: 10, level: latest}
**
** Defaults are the protocol core's (xr_bft_cfg_default) and the measured
** secp256k1 costs (models/sig_costs.h), whatever backend computes.
*/
#ifndef MDL_VERIFIER_CONFIG_H
#define MDL_VERIFIER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net.h"
#include "xr_bft.h"
#include "ytree.h"

#define MDL_VERIFIERS_MAX 4096u

/* What a verifier does; honest outside its Byzantine window. */
typedef enum mdl_behaviour {
    MDL_BEHAVIOUR_HONEST = 0,
    MDL_BEHAVIOUR_CRASHED = 1,
    MDL_BEHAVIOUR_SILENT = 2,
    MDL_BEHAVIOUR_EQUIVOCATING = 3
} mdl_behaviour;

/* "honest", "crashed", "silent", "equivocating". */
const char *mdl_behaviour_name(mdl_behaviour b);

/* One `byzantine:` entry. */
typedef struct mdl_byzantine_cfg {
    mdl_behaviour behaviour;
    uint64_t from_ns;            /* window [from_ns, until_ns) */
    uint64_t until_ns;           /* SIM_NET_NEVER: to the end of the run */
    bool reveal;                 /* equivocating: first half also gets the twin */
    uint32_t *verifiers;         /* indices, each < count, no repeats */
    uint32_t verifier_count;
    sim_net_mark mark;           /* the entry in the scenario */
} mdl_byzantine_cfg;

typedef enum mdl_stake_model {
    MDL_STAKE_EQUAL = 0,
    MDL_STAKE_LIST = 1,
    MDL_STAKE_UNIFORM = 2,
    MDL_STAKE_LOGNORMAL = 3,
    MDL_STAKE_PARETO = 4
} mdl_stake_model;

/* One `stake_changes:` entry: at `at_ns` an L1 transaction sets verifier
** `verifier`'s stake (power) to `stake_gwei`; 0 removes it from the set. */
typedef struct mdl_stake_change {
    uint64_t at_ns;
    uint32_t verifier;           /* < count */
    uint64_t stake_gwei;         /* 0: leaves */
} mdl_stake_change;

typedef struct mdl_verifier_config {
    uint32_t count;              /* 0: no verifiers in this scenario */
    mdl_stake_model stake_model;
    uint64_t stake_gwei;         /* equal: the stake; uniform/pareto: min; lognormal: median */
    uint64_t stake_max_gwei;     /* uniform, lognormal, pareto: upper bound */
    double sigma;                /* lognormal */
    double alpha;                /* pareto */
    uint64_t *stakes_gwei;       /* list: count entries */
    uint64_t watcher_min_ns;
    uint64_t watcher_max_ns;
    mdl_byzantine_cfg *byzantine;
    size_t byzantine_count;
    mdl_stake_change *stake_changes; /* in scenario order (sorted by at_ns, stable) */
    size_t stake_change_count;
} mdl_verifier_config;

typedef enum mdl_sig_kind { MDL_SIG_FAST = 0, MDL_SIG_SECP256K1 = 1 } mdl_sig_kind;

/* A stand-in for rollups until they exist: `chains` source chains (ids
** MDL_SYNTH_CHAIN_BASE + i) each emit an XBlock of `messages` messages
** every `interval_ns`, which every verifier observes (mdl_verifiers_observe). */
typedef struct mdl_xblock_synth_cfg {
    uint32_t chains;             /* 0: off */
    uint64_t interval_ns;
    uint32_t messages;
    uint8_t level;               /* XR_CONF_LATEST or XR_CONF_FINALIZED */
} mdl_xblock_synth_cfg;

#define MDL_SYNTH_CHAIN_BASE 100u

typedef struct mdl_consensus_config {
    xr_bft_cfg bft;              /* max_validators is set from verifiers.count */
    mdl_sig_kind sig;
    uint64_t sign_cost_ns;
    uint64_t verify_cost_ns;
    mdl_xblock_synth_cfg synthetic;
} mdl_consensus_config;

/* Reads `verifiers` (NULL: count 0, nothing else) into *out, which is
** initialised first whatever it held.  Returns true when no error was
** found.  *out owns memory either way: free with mdl_verifier_config_free. */
bool mdl_verifier_config_load(const sim_ynode *verifiers, mdl_verifier_config *out, sim_diag *d);
void mdl_verifier_config_free(mdl_verifier_config *c);

/* Reads `consensus` (NULL: all defaults) for the verifiers `v` (a consensus
** section without verifiers is an error at `consensus`).  Owns nothing. */
bool mdl_consensus_config_load(const sim_ynode *consensus, const mdl_verifier_config *v,
                               mdl_consensus_config *out, sim_diag *d);

/* Appends to `net` one crash per verifier of every `crashed` entry
** ("verifiers[i]" from `from` to `until`), marked at the entry.  Returns
** false when out of memory (reported in d). */
bool mdl_verifier_config_add_crashes(const mdl_verifier_config *v, sim_net_config *net, sim_diag *d);

/* The behaviour entry of verifier i, or NULL when it is always honest. */
const mdl_byzantine_cfg *mdl_verifier_config_byzantine_of(const mdl_verifier_config *v, uint32_t i);

#endif
