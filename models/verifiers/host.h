/*
** Inside the verifier host: what the files of models/verifiers/ share.
**   verifier.c   hosting the core on a node: build, start, network handlers,
**                the core's actions (sending through the Byzantine entries)
**   observe.c    XBlock observations: queued, then signed after each
**                verifier's watcher delay, through its Byzantine entries
**   ledger.c     what the run keeps of commits, approvals and evidence, and
**                the safety check (conflicting honest commits); the summary
**   results.c    the consensus tables of a run (SQL)
**   synth.c      synthetic XBlocks (consensus-only scenarios)
**   byzantine/   the behaviours (byzantine.h), their table and triggers
** Other rooms use verifier.h only.
*/
#ifndef MDL_VERIFIERS_HOST_H
#define MDL_VERIFIERS_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "crypto/digest_memo.h"
#include "crypto/recover_memo.h"
#include "crypto/sig_fast.h"
#include "crypto/sig_secp.h"
#include "verifiers/byzantine/byzantine.h"
#include "verifiers/synth.h"
#include "verifiers/verifier.h"
#include "xr_attest.h"

enum { PURPOSE_STAKE = 1, PURPOSE_WATCH = 2, PURPOSE_KEYS = 3, PURPOSE_PHASE = 4, PURPOSE_BYZANTINE = 5 };
/* A node timer's tag: kind in the low TAG_BITS; observations carry their
** seq above, Byzantine timers the behaviour (8 bits) and its argument. */
enum { TAG_DEADLINE = 1, TAG_START = 2, TAG_OBSERVE = 3, TAG_BYZANTINE = 4 };
#define TAG_BITS 4u
#define TAG_BYZ_BITS 8u
#define NONE32 UINT32_MAX
#define WATCH_SEEN 8u

typedef struct mdl_verifier verifier;
typedef struct vhost_gossip vhost_gossip;
struct mdl_verifier {
    mdl_verifiers *host;
    uint32_t index;
    uint32_t node;
    xr_bft *bft;
    void *mem;
    const xr_sig_key *key;
    xr_address addr;
    uint64_t power;
    xr_sig_backend sigw;         /* charging wrapper; ctx = this verifier */
    mdl_byz_entry *refs;         /* its Byzantine entries, in scenario order */
    uint32_t ref_count;
    uint32_t mask;               /* bit b: an entry of behaviour b */
    bool honest;                 /* no entry at all */
    gsl_rng *byz_rng;            /* probability draws (only with a probability) */
    bool started;
    uint64_t timer;              /* net timer of the core's deadline, 0: none */
    uint64_t timer_dl;           /* the deadline it stands for */
    uint64_t height;             /* xr_bft_height after the last call */
    gsl_rng *watch_rng;
    uint64_t sigs_signed, sigs_verified;
    uint64_t observed, obs_missed, att_signed;
};

typedef struct hrec {
    bool committed;
    uint32_t proposer, round, votes, commit_count, approved, first_verifier;
    uint8_t block_id[32];
    uint64_t start_ns, first_commit_ns, last_commit_ns;
} hrec;

typedef struct arec {
    bool approved;
    uint8_t root[32];
    uint64_t first_vote_ns;      /* UINT64_MAX: nobody signed it */
    uint32_t votes;              /* verifiers that signed it */
    uint64_t approved_ns;
    uint64_t height;
    uint64_t signed_power, total_power;
    uint32_t signer_count;
    uint32_t approved_count;     /* honest verifiers that approved it */
} arec;

typedef struct astream {
    uint64_t chain;
    uint8_t level;
    arec *recs;                  /* [offset - 1] */
    size_t count, cap;
} astream;

typedef struct erec {
    uint8_t hash[32];
    mdl_evidence_info info;
    uint8_t *seen;               /* bitset of detecting verifiers */
} erec;

typedef struct conflict {
    uint64_t height;
    uint32_t verifier;
    uint32_t first_verifier;
    uint8_t block_id[32];
    uint8_t first_block_id[32];
    uint64_t at_ns;
} conflict;

typedef struct obs {
    uint64_t at_ns;
    xr_xheader h;
    xr_hash root;
    uint64_t marks;              /* what note_msgs hooks noted of its messages */
    bool provisional;            /* mdl_verifiers_observe_provisional */
} obs;

typedef struct addr_ix {
    xr_address addr;
    uint32_t index;
} addr_ix;

/* What the run keeps for its results (ledger.c). */
typedef struct ledger {
    hrec *heights;               /* [h - 1] */
    size_t height_count, height_cap;
    astream *streams;
    size_t stream_count, stream_cap;
    erec *ev;
    size_t ev_count, ev_cap;
    uint32_t *ev_index;          /* open addressing over ev, NONE32 empty */
    size_t ev_index_cap;
    conflict *conflicts;
    size_t conflict_count, conflict_cap;
    uint64_t approval_conflicts;
} ledger;

struct mdl_verifiers {
    sim_engine *engine;
    sim_net *net;
    const mdl_verifier_config *vc;
    mdl_consensus_config cc;
    uint64_t seed;
    uint32_t n;
    uint32_t first_node;
    verifier *v;
    addr_ix *by_addr;            /* sorted by address */
    xr_validator *members;
    xr_valset valset;
    uint64_t total_power, byz_power;
    uint32_t byz_count;
    mdl_sig_fast *fast;
    mdl_sig_secp *secp;
    xr_sig_backend inner;
    mdl_recover_memo *memo;      /* recoveries shared by all verifiers, or NULL */
    mdl_digest_memo *digests;    /* Keccak of byte strings, shared by all cores */
    xr_keccak_service keccak;    /* its service, handed to every core */
    mdl_verifier_hooks hooks;
    mdl_forger_fn forger;        /* what coalitions sign instead (forge.c) */
    void *forger_ctx;
    const char *error;
    /* one action buffer for every call (the host is single-threaded) */
    xr_action *items;
    uint8_t *arena;
    xr_actions acts;
    uint64_t actions_dropped;
    /* Byzantine entries: refs of all verifiers, by verifier then entry */
    mdl_byz_entry *refs;
    size_t ref_count;
    uint32_t *fraction_prefix;   /* per entry: resolved stake_fraction prefix length */
    void **byz_state;            /* per behaviour: its state (init), or NULL */
    uint8_t *byz_order;          /* the byz_kinds - 1 behaviours by (order, table index) */
    uint32_t byz_kinds;          /* entries in the table ("honest" included) */
    uint32_t provisional_mask;   /* behaviours that see provisional XBlocks */
    bool any_provisional;        /* some verifier has one of them */
    /* twin scratch */
    uint8_t *twin_block;
    size_t twin_block_cap;
    uint8_t *twin_msg;
    size_t twin_msg_cap;
    uint8_t *twin_ext;
    /* observations: a deque of seqs [obs_base, obs_base + obs_count) */
    obs *obs_ring;
    uint64_t obs_cap;            /* power of two */
    uint64_t obs_base, obs_count;
    uint64_t xblocks_observed;
    mdl_synth *synth;            /* synthetic XBlocks, or NULL */
    /* the watchers' memory of the gossip (on_vote_seen): per sender, the
    ** first 8 signature bytes of its last WATCH_SEEN proposals/precommits */
    uint64_t *watch_seen;        /* [n * WATCH_SEEN] */
    uint64_t halted_ns;          /* mdl_verifiers_halt, or UINT64_MAX */
    vhost_gossip *gossip;        /* block parts (gossip.c), or NULL: proposals go whole */
    ledger led;
};

/* gossip.c: proposals in block parts relayed by peers (consensus.block_parts) */
typedef void (*vhost_gossip_deliver_fn)(mdl_verifiers *vs, verifier *v, uint32_t from_node,
                                        const uint8_t *bytes, size_t len);
bool vhost_gossip_new(mdl_verifiers *vs);
void vhost_gossip_free(mdl_verifiers *vs);
/* Sends v's broadcast of bytes as parts; false when it is not for parts
** (off, a small or non-proposal message): send it whole. */
bool vhost_gossip_broadcast(mdl_verifiers *vs, verifier *v, const uint8_t *bytes, size_t len);
/* Takes a part message (true; relays it, and hands the whole message to
** deliver once v holds every part) or leaves anything else (false). */
bool vhost_gossip_receive(mdl_verifiers *vs, verifier *v, uint32_t from_node, const uint8_t *bytes,
                          size_t len, vhost_gossip_deliver_fn deliver);
/* v crashed: what it held is gone. */
void vhost_gossip_forget(mdl_verifiers *vs, const verifier *v);

/* verifier.c */
void vhost_fail(mdl_verifiers *vs, const char *why);
uint32_t vhost_index_of_addr(const mdl_verifiers *vs, const uint8_t addr[20]);
/* observe.c: a queued observation's watcher timer fired on v. */
void vhost_do_observe(mdl_verifiers *vs, verifier *v, uint64_t seq, uint64_t now_ns);
void vhost_observe_free(mdl_verifiers *vs);
/* byzantine/entries.c */
bool vhost_byz_build(mdl_verifiers *vs);
void vhost_byz_free(mdl_verifiers *vs);
/* ledger.c */
void ledger_note_height(mdl_verifiers *vs, verifier *v, uint64_t now_ns);
void ledger_commit(mdl_verifiers *vs, verifier *v, uint64_t now_ns, const xr_action_commit *c);
void ledger_approved(mdl_verifiers *vs, verifier *v, uint64_t now_ns, const xr_action_approved *a);
void ledger_evidence(mdl_verifiers *vs, verifier *v, uint64_t now_ns, const xr_action_evidence *e);
/* A verifier signed an attestation vote for h now.  False (run failed)
** when out of memory. */
bool ledger_vote(mdl_verifiers *vs, const xr_xheader *h, uint64_t now_ns);
void ledger_free(ledger *l);

#endif
