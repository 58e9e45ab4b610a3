/*
** Verifier nodes: the protocol core's consensus (protocol/xr_bft.h), one
** instance per verifier, hosted on the simulated network as the nodes of
** group "verifiers" (placed by network.placement like any group).
**
** Hosting.  Each verifier owns an xr_bft built in memory sized by
** xr_bft_mem_size at creation; events allocate nothing in the host (the
** network copies message bytes into its own pool).  Inputs reach the core
** only inside the node's handling, so the core always runs "on" its node:
**   bytes from a peer       -> xr_bft_on_message (from = sender's node id)
**   the core's next deadline -> one node timer, cancelled and re-armed
**                              whenever xr_bft_next_deadline changes
**   start                    -> a node timer at time 0 (xr_bft_start)
**   an observed XBlock       -> a node timer after the verifier's watcher
**                              delay -> xr_bft_add_local_attestation
** and the actions come back out:
**   BROADCAST -> sim_net_send of the same bytes to every other verifier
**   SEND      -> sim_net_send to that node
**   COMMIT / ATTEST_APPROVED / EVIDENCE -> recorded here, then passed to the
**                              hooks the world sets (the relayer of a later
**                              issue takes approvals from on_approved).
** CPU.  The core signs and checks signatures only through an
** xr_sig_backend; each verifier gets a wrapper around the run's backend
** that charges sim_net_charge(node, sign_cost or verify_cost) per call, so
** simulated time follows production secp256k1 costs (models/sig_costs.h)
** even when the fast backend computes (a memo shared by all verifiers,
** crypto/recover_memo.h, answers repeated recoveries).  A verifier that receives more than
** its CPU can check falls behind, as a real one would.
** Crashes keep the core's state (as a node with a write-ahead log would);
** the deadline timer vanishes with the crash and is re-armed on restart.
** The core catches a restarted node up only over its last commit_history
** heights (block sync is not modelled).
**
** Byzantine strategies wrap the core (the core itself is always honest).
** Each `verifiers.byzantine` entry (format in verifier_config.h) is a
** behaviour, a target and a trigger.  A behaviour is one file of
** byzantine/ behind the interface of byzantine/byzantine.h, registered in
** byzantine/registry.c: on each XBlock the verifier is about to sign and
** each consensus message it sends, the host asks the verifier's behaviours
** in their acting order (silent, censor first; delayed, forge last); per
** action, the entries of one behaviour are tried in scenario order and the
** first whose trigger holds (window, heights, rounds, then a probability
** draw) applies.  Shipped: crashed, silent, equivocating, delayed,
** conflicting_attestations, censor, lazy, forge, partial (each file says
** what it does).
** A verifier with any entry is not honest (mdl_verifiers_is_honest), whether
** or not its triggers ever hold.
**
** Safety check.  Every COMMIT of an honest verifier (one with no Byzantine
** entry) is compared with the first honest commit at that height; a
** different block id is a conflicting commit, recorded and counted.
**
** Results (mdl_verifiers_record, results.c): per consensus height, per
** attestation, per piece of evidence, per verifier, conflicting commits, and
** one summary row with percentiles computed here, and one row per
** (verifier, Byzantine entry) with one row per counter its behaviour names
** (schema: analysis/schema.sql, tables byzantine and byzantine_counters).
**
** Random streams: entity MDL_ENT_VERIFIER, id = verifier index, purposes
** stake, watcher delay and Byzantine probability draws (only for verifiers
** with a `probability`); keys from a seed derived from the run seed;
** synthetic XBlocks (synth.h): entity MDL_ENT_SYNTH, id = chain index.
*/
#ifndef MDL_VERIFIER_H
#define MDL_VERIFIER_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "net.h"
#include "recorder.h"
#include "verifiers/verifier_config.h"
#include "xr_action.h"
#include "xr_bft.h"
#include "ytree.h"

#define MDL_ENT_VERIFIER 0x56455249u /* "VERI" */
#define MDL_ENT_SYNTH 0x53594e58u    /* "SYNX" */

typedef struct mdl_verifiers mdl_verifiers;

#define MDL_VERIFIERS_ENOMEM (-2) /* out of memory */

/* What the world may hook.  Called while the verifier's input is handled
** (now_ns is its CPU time); views are valid only during the call.  A hook
** may call the mdl_verifiers_observe* functions but
** nothing else of this module.  Every
** verifier's actions are passed on, Byzantine ones included; use
** mdl_verifiers_is_honest to tell. */
typedef struct mdl_verifier_hooks {
    void (*on_commit)(void *ctx, uint32_t verifier, uint64_t now_ns, const xr_action_commit *c);
    void (*on_approved)(void *ctx, uint32_t verifier, uint64_t now_ns, const xr_action_approved *a);
    void (*on_evidence)(void *ctx, uint32_t verifier, uint64_t now_ns, const xr_action_evidence *e);
    /* An attestation vote an honest verifier received from a peer, in a
    ** precommit's extension or a proposal's block -- signed and broadcast,
    ** so provable whether or not a committed block ever carries it.  Called
    ** for the first honest receiver of each distinct message only (the
    ** watchers see the gossip once); the vote's root is computed, its
    ** signature not checked.  May be NULL. */
    void (*on_vote_seen)(void *ctx, uint32_t verifier, uint64_t now_ns, const xr_att_vote *v);
    void *ctx;
} mdl_verifier_hooks;

/* One consensus height as the honest verifiers saw it. */
typedef struct mdl_height_info {
    uint64_t height;
    bool committed;              /* some honest verifier committed it */
    uint32_t proposer;           /* verifier index of the committed block's proposer */
    uint32_t round;              /* round it was decided in (first honest commit) */
    uint8_t block_id[32];        /* first honest commit's block */
    uint32_t votes;              /* attestation votes in that block */
    uint64_t start_ns;           /* first honest verifier entered the height; UINT64_MAX unknown */
    uint64_t first_commit_ns;
    uint64_t last_commit_ns;
    uint32_t commit_count;       /* honest verifiers that committed it */
    uint32_t approved;           /* attestations its commit approved */
} mdl_height_info;

/* One distinct piece of evidence (by its canonical encoding). */
typedef struct mdl_evidence_info {
    uint8_t kind;                /* XR_EVIDENCE_* */
    uint32_t offender;           /* verifier index (UINT32_MAX: unknown address) */
    uint64_t height;             /* duplicate votes: the votes' height and round */
    uint32_t round;
    uint8_t vote_type;           /* duplicate votes: XR_BFT_PROPOSAL / _PREVOTE / _PRECOMMIT */
    uint64_t first_ns;           /* first honest detection */
    uint32_t detectors;          /* honest verifiers that reported it */
} mdl_evidence_info;

/* The numbers a user reads. "Time per height" is the interval between the
** first honest commits of consecutive heights (height 1: from the start). */
/* Proposals moved in block parts (consensus.block_parts; gossip.c). */
typedef struct mdl_gossip_stats {
    uint64_t broadcasts;         /* proposals sent as parts (retransmissions too) */
    uint64_t parts_sent;         /* by proposers, to relays */
    uint64_t parts_relayed;      /* by relays, to peers lacking the proposal */
    uint64_t parts_stale;        /* arrived after their proposal left the ring */
    uint64_t assembled;          /* proposals a node completed and handed its core */
} mdl_gossip_stats;

typedef struct mdl_consensus_summary {
    uint32_t verifiers;
    uint32_t byzantine;          /* verifiers with a Byzantine entry */
    uint64_t total_power;
    uint64_t byzantine_power;
    uint64_t heights_committed;  /* heights with an honest commit */
    uint64_t last_height;        /* highest of them */
    uint64_t height_p50_ns, height_p90_ns, height_p99_ns, height_max_ns;
    uint64_t commit_p50_ns, commit_p99_ns; /* height start -> first honest commit */
    uint64_t multi_round_heights;          /* decided in a round > 0 */
    uint64_t max_stall_ns;       /* longest time without a new first commit (run end included) */
    uint64_t max_stall_from_ns;  /* when it began */
    uint64_t xblocks_observed;   /* mdl_verifiers_observe calls */
    uint64_t attestations_approved;
    uint64_t approval_p50_ns, approval_p99_ns; /* first vote -> approval */
    uint64_t evidence;           /* distinct pieces */
    uint32_t offenders;          /* distinct offenders named */
    uint64_t conflicts;          /* honest commits that differ from the first at their height */
    uint64_t approval_conflicts; /* honest approvals of another root than the first */
    uint64_t sigs_signed, sigs_verified;   /* signature calls charged */
    uint64_t actions_dropped;    /* core actions lost to a full buffer (should be 0) */
    uint32_t block_part_bytes;   /* proposals moved in parts of this size; 0: whole */
    mdl_gossip_stats gossip;     /* their traffic (zero when whole) */
} mdl_consensus_summary;

/* Adds vc->count verifier nodes to group "verifiers" of `net` (before
** sim_net_resolve) and builds their cores.  `vc` and `cc` are copied where
** needed but the Byzantine entries are borrowed (must outlive this).
** Returns NULL with an error in d (out of memory, a key backend failure). */
mdl_verifiers *mdl_verifiers_new(sim_engine *e, sim_net *net, const mdl_verifier_config *vc,
                                 const mdl_consensus_config *cc, uint64_t seed, sim_diag *d);
void mdl_verifiers_free(mdl_verifiers *vs);

/* Schedules every verifier's start (time 0) and the synthetic XBlocks, if
** any (after sim_net_resolve).  Returns false when out of memory. */
bool mdl_verifiers_start(mdl_verifiers *vs);

void mdl_verifiers_set_hooks(mdl_verifiers *vs, const mdl_verifier_hooks *h);

/* The world saw XBlock h (with message root msg_root) reach its
** confirmation level at now_ns (>= the engine's now): every verifier that
** is up sees it after its own watcher delay and signs it
** (xr_bft_add_local_attestation).  h->consensus_chain_id should be
** mdl_verifiers_chain_id.  Copies h and msg_root. */
void mdl_verifiers_observe(mdl_verifiers *vs, const xr_xheader *h, const xr_hash *msg_root,
                           uint64_t now_ns);

/* As mdl_verifiers_observe, with the XBlock's messages msgs[0..n) (only
** read during the call): censor entries with a route apply to it when one
** of the messages goes from h's source chain to the route's destination.
** mdl_verifiers_observe is this with no messages (route censoring then does
** not apply). */
void mdl_verifiers_observe_msgs(mdl_verifiers *vs, const xr_xheader *h, const xr_hash *msg_root,
                                const xr_xmsg *msgs, size_t n, uint64_t now_ns);

/* A provisional observation: h (a Finalized-level header) is the XBlock a
** source block WOULD have once final, announced as soon as the block is at
** the Latest level.  Only verifiers with a `lazy` entry see it (after their
** watcher delay) and sign it if their lazy trigger holds then; honest ones
** ignore it.  Nothing is queued when no verifier has a lazy entry. */
void mdl_verifiers_observe_provisional(mdl_verifiers *vs, const xr_xheader *h, const xr_hash *msg_root,
                                       uint64_t now_ns);

/* What a coalition signs in place of XBlock h: true with the forged header
** and message root for h's (chain, level, offset) in *h_out / *root_out,
** false to sign h.  A verifier whose `forge` trigger holds asks when it
** signs (the coalition decides, the verifiers keep no table of forgeries);
** a later forgery for the same (chain, level, offset) replaces an earlier
** one, also for observations queued before it. */
typedef bool (*mdl_forger_fn)(void *ctx, const xr_xheader *h, xr_xheader *h_out, xr_hash *root_out);
/* Who answers: fn (NULL: nobody forges) with ctx. */
void mdl_verifiers_set_forger(mdl_verifiers *vs, mdl_forger_fn fn, void *ctx);

/* Stages validator set `id` (members in any order) to take effect from
** consensus height `from_height` on EVERY verifier's core, crashed ones
** included (xr_bft_set_next_valset), so all switch at the same height.
** from_height must exceed every core's current height.  Not from inside a
** hook.  Returns 0 or the first core's error (then no core is staged
** reliably: treat it as a failed run). */
int mdl_verifiers_stage_valset(mdl_verifiers *vs, uint64_t from_height, uint64_t id,
                               const xr_validator *members, uint32_t count);

/* ---- queries -------------------------------------------------------------- */
/* The configuration the verifiers were built from (borrowed). */
const mdl_verifier_config *mdl_verifiers_config(const mdl_verifiers *vs);


/* NULL when proposals go whole (block_parts off). */
const mdl_gossip_stats *mdl_verifiers_gossip_stats(const mdl_verifiers *vs);
uint64_t mdl_verifiers_chain_id(const mdl_verifiers *vs);
/* The consensus chain halts at now_ns (its validator set emptied): from
** then on every verifier ignores messages, timers and observations; the
** core's state stays as it was.  Idempotent. */
void mdl_verifiers_halt(mdl_verifiers *vs, uint64_t now_ns);
/* When it halted, or UINT64_MAX. */
uint64_t mdl_verifiers_halted_ns(const mdl_verifiers *vs);
/* consensus.valset_cutoff: how many recent sets the portals accept. */
uint32_t mdl_verifiers_valset_cutoff(const mdl_verifiers *vs);
/* Verifier i signs digest offline with its key (no simulated CPU, nothing
** sent): what a coalition of an old set does to forge a submission.
** Returns 0 or the backend's error. */
int mdl_verifiers_sign_offline(const mdl_verifiers *vs, uint32_t i, const uint8_t digest[32], uint8_t sig[65]);
uint32_t mdl_verifiers_count(const mdl_verifiers *vs);
uint32_t mdl_verifiers_node(const mdl_verifiers *vs, uint32_t i);
bool mdl_verifiers_is_honest(const mdl_verifiers *vs, uint32_t i);
uint64_t mdl_verifiers_power(const mdl_verifiers *vs, uint32_t i);
const xr_address *mdl_verifiers_address(const mdl_verifiers *vs, uint32_t i);
const xr_bft *mdl_verifiers_bft(const mdl_verifiers *vs, uint32_t i);
/* The validator set all verifiers start with (id 1). */
const xr_valset *mdl_verifiers_valset(const mdl_verifiers *vs);
/* The run's signature backend without CPU charging (to verify evidence or
** approvals outside a node's handling). */
const xr_sig_backend *mdl_verifiers_sig(const mdl_verifiers *vs);
/* Signature calls verifier i was charged for. */
void mdl_verifiers_sig_calls(const mdl_verifiers *vs, uint32_t i, uint64_t *signed_count,
                             uint64_t *verified_count);

/* Highest height with a record (committed or started); 0 before any. */
uint64_t mdl_verifiers_heights(const mdl_verifiers *vs);
/* Height h (1..mdl_verifiers_heights); false when out of range. */
bool mdl_verifiers_height(const mdl_verifiers *vs, uint64_t h, mdl_height_info *out);
size_t mdl_verifiers_evidence_count(const mdl_verifiers *vs);
bool mdl_verifiers_evidence(const mdl_verifiers *vs, size_t k, mdl_evidence_info *out);
uint64_t mdl_verifiers_conflicts(const mdl_verifiers *vs);

/* What one (verifier, Byzantine entry) pair did: its trigger's draws and
** how many fired, and the counters its behaviour names (n[k] is the
** behaviour's counters[k], byzantine/byzantine.h; e.g. silent: suppressed,
** equivocating: twin, delayed: delayed, conflicting_attestations: twin and
** conflicting_vote, censor: withheld, lazy: lazy_sign, forge: forged_sign). */
#define MDL_BYZ_COUNTERS_MAX 4u
typedef struct mdl_byz_counters {
    uint64_t draws;              /* probability draws made */
    uint64_t fired;              /* of which fired */
    uint64_t n[MDL_BYZ_COUNTERS_MAX];
} mdl_byz_counters;

/* One (verifier, Byzantine entry) pair and what it did.  A verifier in
** several entries has several. */
typedef struct mdl_byzantine_info {
    uint32_t verifier;
    uint32_t entry;              /* index in verifiers.byzantine */
    mdl_behaviour behaviour;
    const mdl_byzantine_cfg *cfg;
    mdl_byz_counters counters;
} mdl_byzantine_info;

/* The counter of in's behaviour called `name` (0 when it has none). */
uint64_t mdl_byzantine_counter(const mdl_byzantine_info *in, const char *name);
/* The sum of counter `name` over every pair of the run. */
uint64_t mdl_verifiers_counter_total(const mdl_verifiers *vs, const char *name);

/* Pairs, ordered by verifier then entry; k < mdl_verifiers_byzantine_count. */
size_t mdl_verifiers_byzantine_count(const mdl_verifiers *vs);
bool mdl_verifiers_byzantine(const mdl_verifiers *vs, size_t k, mdl_byzantine_info *out);
/* The comma-separated behaviours of verifier i in table order (e.g.
** "silent,delayed"), or "honest"; into out (>= 128 bytes). */
void mdl_verifiers_behaviours(const mdl_verifiers *vs, uint32_t i, char *out, size_t cap);

/* NULL, or why the run cannot be trusted (out of memory in the host). */
const char *mdl_verifiers_error(const mdl_verifiers *vs);

/* The summary at end_ns (the run's end, for the trailing stall). */
void mdl_verifiers_summary(const mdl_verifiers *vs, uint64_t end_ns, mdl_consensus_summary *out);

/* Writes every consensus table of the run in progress in rec.  Returns 0
** or a SIM_REC_ERR_* code (SIM_REC_ERR_NOMEM when sorting needs memory). */
int mdl_verifiers_record(const mdl_verifiers *vs, sim_rec *rec, uint64_t end_ns);

#endif
