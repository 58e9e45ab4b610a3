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
**     byzantine:                  # optional; see "Byzantine entries" below
**       - {verifiers: [0, 1], behaviour: silent, from: 30s, until: 60s}
**       - {verifiers: 2, behaviour: equivocating, reveal: true}
**       - {verifiers: [3], behaviour: crashed, from: 10s}     # until: restart time
**       - {stake_fraction: 0.34, behaviour: censor, chain: 101}
**
** Byzantine entries.  Each entry is a behaviour, a target and a trigger;
** a verifier may appear in several entries (several behaviours at once).
**   target (exactly one of):
**     verifiers: [i, ...]        indices (or one index), each < count
**     stake_fraction: 0.34       the smallest prefix of verifiers in index
**                                order (0, 1, 2, ...) whose initial stake is
**                                >= that fraction of the total initial stake
**                                (a/b, 0.34 or 34%; in (0, 1]; exact integer
**                                arithmetic).  With drawn stakes (a
**                                distribution) the prefix is chosen when the
**                                verifiers are built (mdl_verifiers_new);
**                                with a single stake or a list, already here.
**                                The chosen indices are in the results
**                                (table byzantine, one row per verifier).
**   trigger (all given conditions must hold; none given: always):
**     from: 30s, until: 60s      window [from, until) (defaults 0s / end of run)
**     probability: 0.5           each action the behaviour would take
**                                misbehaves with this probability (a/b, 0.5 or
**                                50%; in [0, 1]), drawn from the verifier's own
**                                random stream (purpose "byzantine")
**     heights: [5, 9]  or  heights: {from: 5, to: 9}   (inclusive)
**     rounds: [0]      or  rounds: {from: 1, to: 3}    (inclusive)
**                                the consensus height / round of the
**                                verifier's own core at the moment of the action
**   `crashed` takes only the window (it is a network crash at `from` with a
**   restart at `until`); with stake_fraction it needs fixed stakes.
**   behaviours and their own keys:
**     crashed       a network crash at `from`, restart at `until` (state kept)
**     silent        runs the core but drops every consensus message it sends
**     equivocating  signs a conflicting twin of each of its proposals,
**                   prevotes and precommits; the first half of its peers
**                   gets the original, the second half the twin
**                   reveal: true  (default) the first half also gets the twin
**                   afterwards, as gossip would show it to them
**     delayed       every consensus message it sends (broadcast or reply)
**                   leaves `delay` late:  delay: 2s  (required, 1ns..1h)
**     conflicting_attestations
**                   for each precommit carrying its attestation votes it also
**                   signs, for every such vote, a conflicting vote (same chain,
**                   level and offset, a made-up message root) and sends them in
**                   a twin precommit (same signed core, other extension) to
**                   the second half of its peers; reveal (default true): the
**                   first half gets the twin after the original
**     censor        withholds its attestation signature for XBlocks of a
**                   source chain:  chain: 101
**                   or holding a message of a route:  route: {from: 101, to: 102}
**                   (routes are known only through mdl_verifiers_observe_msgs);
**                   with an `until`, it signs what it held back when the
**                   window ends (the censored messages are delayed, not lost)
**     lazy          signs the provisional Finalized XBlock the host announces
**                   (mdl_verifiers_observe_provisional) without waiting for
**                   the source chain to finalize it
**     forge         a coalition member: signs the forged XBlock registered
**                   for a (chain, level, offset) (mdl_verifiers_forge)
**                   instead of the real one
**     partial       skips (never signs) each XBlock it would sign while its
**                   trigger holds: with `probability: 30%` about 30% of them
**     mutant        a hostile peer that signs: beside each message it sends
**                   it sends every peer `copies` (1..16, default 1) mutated
**                   copies signed with its key, drawn among `kinds` (default
**                   all): height, round, block, pol_round, type, chain,
**                   oversize, extension, replay, truncate (byzantine/mutant.c)
**   (each behaviour is one file of byzantine/, its keys read by its `load`)
**   combinations (per action, the entries of one behaviour are tried in
**   scenario order; the first whose trigger holds applies):
**     a crashed node does nothing; silent beats every sending behaviour (a
**     dropped message is neither delayed nor twinned); equivocating and
**     conflicting_attestations together make one twin precommit with the
**     other block id and the conflicting votes; delayed applies to
**     everything that leaves (originals and twins); censor beats lazy and
**     forge (a withheld signature is not made); forge applies to whatever
**     it signs, provisional XBlocks included.
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

/* What a verifier does; honest outside its Byzantine entries' triggers.
** A behaviour is its index in the table of byzantine/registry.c; the
** shipped ones have names here (the table keeps this order). */
typedef enum mdl_behaviour {
    MDL_BEHAVIOUR_HONEST = 0,
    MDL_BEHAVIOUR_CRASHED = 1,
    MDL_BEHAVIOUR_SILENT = 2,
    MDL_BEHAVIOUR_EQUIVOCATING = 3,
    MDL_BEHAVIOUR_DELAYED = 4,
    MDL_BEHAVIOUR_CONFLICTING = 5,   /* conflicting_attestations */
    MDL_BEHAVIOUR_CENSOR = 6,
    MDL_BEHAVIOUR_LAZY = 7,
    MDL_BEHAVIOUR_FORGE = 8
} mdl_behaviour;

/* The behaviour's name in scenarios and results ("honest" for 0). */
const char *mdl_behaviour_name(mdl_behaviour b);

/* An inclusive range of heights or rounds (a listed value: lo == hi). */
typedef struct mdl_range {
    uint64_t lo, hi;
} mdl_range;

/* One `byzantine:` entry. */
typedef struct mdl_byzantine_cfg {
    mdl_behaviour behaviour;
    uint64_t from_ns;            /* window [from_ns, until_ns) */
    uint64_t until_ns;           /* SIM_NET_NEVER: to the end of the run */
    /* target: listed indices, or (by_fraction) the prefix chosen for
    ** stake_fraction -- filled here when stakes are fixed, left empty
    ** (verifier_count 0) for drawn stakes, which mdl_verifiers_new resolves */
    uint32_t *verifiers;         /* each < count, no repeats, ascending for a prefix */
    uint32_t verifier_count;
    bool by_fraction;
    uint64_t fraction_num, fraction_den; /* stake_fraction = num/den, reduced */
    /* trigger */
    bool has_probability;
    uint64_t prob_num, prob_den; /* probability = num/den, reduced; den >= 1 */
    mdl_range *heights;          /* NULL: any height */
    uint32_t height_count;
    mdl_range *rounds;           /* NULL: any round */
    uint32_t round_count;
    /* the behaviour's own parameters: a struct private to its file
    ** (byzantine/<name>.c), params_size bytes, zeroed before its load
    ** fills them; NULL when the behaviour has none.  Owned. */
    void *params;
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
    uint32_t valset_cutoff;      /* portals accept the last this many sets (Omni: 10) */
    uint32_t block_part_bytes;   /* proposals gossiped in parts of this size; 0: whole (gossip.c) */
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

/* The first entry (scenario order) that targets verifier i, or NULL when
** none does (as far as known here: stake_fraction entries over drawn stakes
** are resolved by mdl_verifiers_new; ask mdl_verifiers_is_honest). */
const mdl_byzantine_cfg *mdl_verifier_config_byzantine_of(const mdl_verifier_config *v, uint32_t i);

/* The smallest prefix 0..k-1 of stakes[0..count) whose sum is >= num/den of
** the total (exact, 128-bit): returns k (>= 1 when count >= 1 and num > 0;
** count when num >= den).  Shared by the loader and the verifier host. */
uint32_t mdl_verifier_config_fraction_prefix(const uint64_t *stakes, uint32_t count, uint64_t num,
                                             uint64_t den);
/* A stake fraction scalar (a/b exactly, 0.34 or 34%) in (0, 1], as
** `byzantine[].stake_fraction` reads it; errors at n.  Shared with the
** adversary's coalitions. */
bool mdl_verifier_config_ratio(const sim_ynode *n, const char *what, uint64_t *num, uint64_t *den,
                               sim_diag *d);

/* "always", or the trigger in words, e.g. "from 30s until 60s; probability
** 1/2; heights 5,7-9; rounds 0" (times in the shortest exact unit).  Writes
** at most cap bytes (NUL-terminated, truncated with "..."). */
void mdl_verifier_config_trigger_text(const mdl_byzantine_cfg *b, char *out, size_t cap);

#endif
