/*
** A Byzantine behaviour: one file behind this interface, one entry in the
** table of registry.c.  The verifier host (verifiers/verifier.c) asks every
** behaviour a verifier has -- in the order of `order`, then table order --
** what it does:
**   on_observe   an XBlock the verifier is about to sign: withhold it, sign
**                a provisional one, sign another root instead;
**   on_outgoing  a consensus message the core asks to send: drop it, make a
**                conflicting twin of it, hold it back;
**   on_timer     a node timer the behaviour armed (mdl_byz_timer_at) fired;
** and, where a behaviour needs them: on_crash (what its node's crash makes it
** forget), on_hold (send what it held back), note_msgs (what it needs to know
** of an XBlock's messages, kept as bits with the observation).  A behaviour
** keeps its own state (init/free: one per run, NULL when it needs none) and
** counts what it did in its entries' counters: counter k is
** mdl_byzantine_info.counters.n[k], named counters[k] in the results (table
** byzantine_counters).  Its parameters are a struct private to its file:
** the loader (verifier_config.c) reads the entry's common keys (target,
** trigger), gives the entry params_size zeroed bytes (mdl_byzantine_cfg.params)
** and passes the behaviour's own `keys` to its `load` to fill them; the
** results describe them with `params_text`.
**
** Adding a behaviour: a new file here defining `const mdl_byz_behaviour
** mdl_byz_<name>` (its parameters, state and counters with it), and its line
** in the table of registry.c.  Nothing else.
*/
#ifndef MDL_BYZANTINE_H
#define MDL_BYZANTINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verifiers/verifier.h"
#include "xr_bft.h"

typedef struct mdl_verifier mdl_verifier; /* a verifier node of the host (verifiers/host.h) */

/* An entry of a verifier (its mdl_byzantine_info: verifier, entry index,
** behaviour, configuration, counters). */
typedef struct mdl_byz_entry {
    mdl_byzantine_info info;
} mdl_byz_entry;

/* An XBlock a verifier is about to sign.  A behaviour may replace h/root
** (forge), withhold it (return false), accept a provisional one, and name
** counters to add 1 to once the core took the signature (credit). */
#define MDL_BYZ_CREDITS 4u
typedef struct mdl_byz_obs {
    const xr_xheader *h;
    const xr_hash *root;
    uint64_t marks;              /* the bits note_msgs set for this XBlock */
    bool provisional;            /* a Finalized XBlock announced early: signed only if accepted */
    bool accepted;
    uint64_t *credit[MDL_BYZ_CREDITS];
    uint32_t credits;
} mdl_byz_obs;

/* A conflicting twin of one of the verifier's own messages, built up by the
** behaviours that fire (mdl_byz_twin_open decodes the original once). */
typedef struct mdl_byz_twin {
    bool opened, own;            /* decoded; the verifier's own message (not a relay) */
    bool failed;                 /* a step failed: no twin */
    xr_bftmsg m;                 /* the original */
    xr_bft_core c;               /* the twin's core */
    const uint8_t *block;        /* the twin's block (proposals), else NULL */
    size_t block_len;
    const uint8_t *ext;          /* the twin's extension entries, else NULL */
    uint32_t ext_n;
    bool sign;                   /* the core must be signed again */
    bool reveal;                 /* the first half of the peers also gets it */
    mdl_byz_entry *by;           /* the first entry that fired: credited with the twins */
    uint64_t *credit;            /* its counter of twin messages sent */
} mdl_byz_twin;

/* A consensus message on its way out: to one node, or (broadcast) to every
** other verifier. */
typedef struct mdl_byz_out {
    const uint8_t *bytes;
    size_t len;
    bool broadcast;
    uint32_t copies;             /* recipients */
    bool dropped;                /* set: nothing leaves */
    mdl_byz_twin twin;           /* broadcasts: the twin, when some entry made one */
    mdl_byz_entry *hold;         /* set: its behaviour's on_hold sends every piece */
} mdl_byz_out;

/* load: reads the behaviour's own keys of entry into c->params (the common
** ones are read; params_size zeroed bytes, NULL when params_size is 0);
** errors at their node in d. */
typedef struct mdl_byz_behaviour {
    const char *name;            /* in scenarios and results */
    uint32_t order;              /* on one action, lower orders act first */
    const char *const *keys;     /* its own keys (NULL-terminated), or NULL */
    size_t params_size;          /* sizeof its parameters' struct, 0: none */
    bool crash;                  /* a network crash: window only, needs fixed stakes with stake_fraction */
    bool provisional;            /* sees provisional XBlocks (mdl_verifiers_observe_provisional) */
    const char *counters[MDL_BYZ_COUNTERS_MAX]; /* names of counters n[0..], NULL after the last */
    bool (*load)(const sim_ynode *entry, const mdl_verifier_config *vc, mdl_byzantine_cfg *c, sim_diag *d);
    void (*params_text)(const mdl_byzantine_cfg *c, char *out, size_t cap);
    bool (*init)(mdl_verifiers *vs, void **state);
    void (*free)(void *state);
    uint64_t (*note_msgs)(void *state, const xr_xheader *h, const xr_xmsg *msgs, size_t n);
    bool (*on_observe)(void *state, mdl_verifier *v, mdl_byz_obs *o, uint64_t now_ns);
    void (*on_outgoing)(void *state, mdl_verifier *v, mdl_byz_out *o, uint64_t now_ns);
    void (*on_hold)(void *state, mdl_verifier *v, mdl_byz_entry *e, uint32_t to_node, uint32_t lo, uint32_t hi,
                    const uint8_t *bytes, size_t len, uint64_t now_ns);
    void (*on_timer)(void *state, mdl_verifier *v, uint64_t arg, uint64_t now_ns);
    void (*on_crash)(void *state, mdl_verifier *v);
} mdl_byz_behaviour;

/* ---- the table (registry.c) ------------------------------------------------- */

/* Behaviour b (< mdl_byz_count()); index 0 is "honest", not a behaviour. */
const mdl_byz_behaviour *mdl_byz_get(mdl_behaviour b);
uint32_t mdl_byz_count(void);
/* b's index in the table. */
mdl_behaviour mdl_byz_id(const mdl_byz_behaviour *b);
/* The names in table order, NULL-terminated (for the loader's enum). */
const char *const *mdl_byz_names(void);

/* Gives entry c (of behaviour c->behaviour) its zeroed parameters when its
** behaviour has any (registry.c); false when out of memory.  The loader
** and the entries other models make (economics/adversary.c) call it. */
bool mdl_byz_params_new(mdl_byzantine_cfg *c);

/* ---- behaviours other models configure ------------------------------------ */

/* censor.c: makes c (behaviour censor, parameters given) censor the XBlocks of
** source chain `chain`, or (to_chain != 0) those holding a message
** chain -> to_chain.  A coalition's censor attack (economics/adversary.c). */
void mdl_byz_censor_set(mdl_byzantine_cfg *c, uint64_t chain, uint64_t to_chain);

/* ---- what the host offers a behaviour (byzantine/entries.c, verifier.c) ---- */

/* The first of v's entries of behaviour b (scenario order) whose trigger
** holds now -- window, heights, rounds, then a probability draw -- and that
** `match` (NULL: any) accepts, or NULL: the action is honest. */
mdl_byz_entry *mdl_byz_fire(mdl_verifier *v, const mdl_byz_behaviour *b, uint64_t now_ns,
                            bool (*match)(const mdl_byz_entry *e, const void *arg), const void *arg);
/* Does v have an entry of behaviour b at all? */
bool mdl_byz_has(const mdl_verifier *v, const mdl_byz_behaviour *b);
/* v's index among the verifiers, and how many there are. */
uint32_t mdl_byz_verifier_index(const mdl_verifier *v);
uint32_t mdl_byz_verifier_count(const mdl_verifier *v);
bool mdl_byz_node_up(const mdl_verifier *v);
/* Arms a node timer of v at at_ns (>= now) that comes back as b's
** on_timer(arg).  False when none was armed (the node is down, or out of
** memory: the behaviour decides whether the run fails). */
bool mdl_byz_timer_at(mdl_verifier *v, const mdl_byz_behaviour *b, uint64_t at_ns, uint64_t arg);
/* Sends bytes to node to_node, or (to_node == MDL_BYZ_RANKS) to the peers of
** v with rank [lo, hi) (ranks: verifier indices without v). */
#define MDL_BYZ_RANKS UINT32_MAX
void mdl_byz_send(mdl_verifier *v, uint32_t to_node, uint32_t lo, uint32_t hi, const uint8_t *bytes, size_t len);
/* v signs an attestation for h / root now (as after its watcher delay);
** false when the core refused it. */
bool mdl_byz_attest(mdl_verifier *v, const xr_xheader *h, const xr_hash *root, uint64_t now_ns);
/* The run cannot be trusted any more (out of memory): stops it. */
void mdl_byz_fail(mdl_verifier *v, const char *why);
/* Opens o's twin (decodes the original once); false when there can be none
** (a send, a relay of someone else's message, undecodable). */
bool mdl_byz_twin_open(mdl_verifier *v, mdl_byz_out *o);
/* Scratch the host sized for twins: a block, conflicting extension entries
** (max_votes_per_extension of them). */
uint8_t *mdl_byz_twin_block(mdl_verifier *v, size_t *cap);
uint8_t *mdl_byz_twin_ext(mdl_verifier *v);
/* v's signature backend (charging its CPU), key, address and core. */
const xr_sig_backend *mdl_byz_sig(mdl_verifier *v);
const xr_sig_key *mdl_byz_key(mdl_verifier *v);
const xr_address *mdl_byz_address(const mdl_verifier *v);
const xr_bft *mdl_byz_bft(mdl_verifier *v);

#endif
