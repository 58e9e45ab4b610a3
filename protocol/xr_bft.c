/*
** The Tendermint state machine of the verifiers (design note in xr_bft.h).
**
** Memory: everything lives in the caller's block, carved once at init by
** layout() -- the same function computes xr_bft_mem_size -- into the node
** header, validator storage, proposer priorities, round slots with one vote
** record per validator and step (and per-block-id tallies of their power),
** block slots, the candidate attestation pool (xr_candpool), the
** attestation pool, the next-height buffer, the commit history, a memo of
** computed attestation roots and scratch buffers.  Nothing grows after
** init, and pools hand out never-used entries lazily, so memory a run does
** not need is never touched.
**
** Cost: what a message costs is dominated by signature checks and Keccak.
** Work that would repeat is skipped without changing any result: a vote's
** attestation root (three Keccak calls) is taken from a stored vote with
** the identical header and message root, or from the memo; vote tallies are
** updated as votes are stored instead of rescanned per rule; extensions are
** built from the own-votes list.  Every signature check the rules call for
** is still made (hosts charge simulated CPU per check).
**
** Control: the public entry points change state, then run_rules() applies
** the paper's "upon" rules until none fires.  Own messages are stored
** directly (no self-delivery through the decoder) and broadcast.
*/
#include "xr_bft.h"

#include <string.h>

#include "xr_assert.h"
#include "xr_attest.h"
#include "xr_candpool.h"
#include "xr_err.h"
#include "xr_evidence.h"
#include "xr_keccak.h"

#define NIL_IDX 0xffffffffu
#define EVID_RING 64u
#define MAX_CATCHUP_ROUNDS 2u
#define MAX_TOTAL_POWER (UINT64_C(1) << 60)
#define ROOT_MEMO 256u           /* remembered attestation roots (power of two) */

enum { V_NONE = 0, V_NIL = 1, V_BLOCK = 2 };

typedef struct vrec {
    uint8_t state;
    uint8_t id[32];
    uint8_t sig[65];
    /* the validator's conflicting twin of this vote, if it sent one: the
    ** paper counts every message received, so an equivocator's vote counts
    ** for both values (the worst case its safety argument allows for) */
    uint8_t alt_state;
    uint8_t alt_id[32];
    uint8_t alt_sig[65];
} vrec;

/* Power behind one block id among a round's votes of one type. */
typedef struct tally {
    uint8_t id[32];
    uint64_t power;
} tally;

enum { TL_PREVOTE = 0, TL_PRECOMMIT = 1 };

typedef struct rslot {
    bool used;
    uint32_t round;
    bool has_prop;
    uint32_t prop_blk;
    uint32_t pol_round;
    uint32_t proposer;
    uint8_t prop_sig[65];
    /* a conflicting proposal from the same proposer (equivocation): kept so
    ** that the block a quorum precommitted can be decided even when the
    ** other twin arrived first */
    bool has_alt;
    uint32_t alt_blk;
    uint32_t alt_pol;
    uint8_t alt_sig[65];
    bool prevote_timer_done;
    bool precommit_timer_done;
    bool polka_done;
    uint64_t prevote_power;
    uint64_t precommit_power;
    uint64_t any_power;
    vrec *pv;                    /* [max_validators] */
    vrec *pc;                    /* [max_validators] */
    uint8_t *seen;               /* [max_validators] */
    /* per vote type: the power of the validators whose vote or twin is
    ** nil, and for each block id voted for; kept as votes are stored so
    ** that the rules read a tally instead of scanning every validator */
    uint64_t nil_power[2];
    uint32_t tally_count[2];
    tally *tallies[2];           /* [2 * max_validators] each */
} rslot;

typedef struct bslot {
    bool used;
    int8_t valid;                /* -1 unknown, 0 invalid, 1 valid */
    uint8_t id[32];
    uint32_t len;
    uint8_t *bytes;              /* [max_block_bytes] */
} bslot;

/* An attestation root this node computed, by the header and message root it
** was computed from: the ~100 validators' votes for one XBlock share it, so
** each distinct one costs its three Keccak calls once (direct-mapped by
** (chain, level, offset); a collision only costs a recomputation). */
typedef struct rmemo {
    xr_xheader header;
    xr_hash msg_root;
    xr_hash root;
    uint8_t used;
} rmemo;

typedef struct fentry {
    uint64_t height;
    uint32_t off;
    uint32_t len;
    uint32_t from;
    uint8_t signer[20];
} fentry;

typedef struct hist {
    bool used;
    uint64_t height;
    uint32_t round;
    uint32_t pol_round;
    uint8_t block_id[32];
    uint8_t proposer[20];
    uint8_t prop_sig[65];
    uint32_t block_len;
    uint8_t *block;              /* [max_block_bytes] */
    uint32_t pc_count;
    uint8_t *pc;                 /* [max_validators * 85]: address || sig */
} hist;

typedef struct served {
    bool used;
    uint32_t from;
    uint64_t height;
    uint64_t at_ns;
} served;

typedef struct tmr {
    bool armed;
    uint64_t at_ns;
    uint64_t height;
    uint32_t round;
} tmr;

enum { T_PROPOSE, T_PREVOTE, T_PRECOMMIT, T_COMMIT, T_RETRANSMIT, T_COUNT };

struct xr_bft {
    xr_bft_cfg cfg;
    const xr_sig_backend *sig;
    const xr_keccak_service *keccak; /* NULL: plain Keccak (xr_bft_set_keccak) */
    const xr_sig_key *key;
    xr_address self;
    int64_t self_idx;            /* index in vs, -1 when not a member */
    xr_bft_app app;
    xr_bftmsg_limits lim;
    uint32_t max_block_bytes;
    uint32_t max_msg_bytes;

    xr_valset vs;
    xr_valset next_vs;
    bool has_next;
    uint64_t next_from;
    int64_t *prio_base;          /* priorities at this height */
    int64_t *prio_work;          /* after cache_steps proposer steps */
    int64_t *prio_tmp;
    uint32_t cache_steps;
    uint32_t cache_last;

    uint64_t height;
    uint32_t round;
    uint64_t round_at_ns;        /* when this round started */
    xr_bft_step step;
    bool started;
    bool decided;
    uint32_t decided_round;
    uint32_t decided_blk;
    int64_t locked_round;
    uint32_t locked_blk;
    int64_t valid_round;
    uint32_t valid_blk;
    uint8_t prev_block_id[32];

    rslot *slots;
    uint32_t nslots;
    bslot *blocks;
    uint32_t nblocks;
    uint8_t *catchup_rounds;     /* [max_validators] rounds opened beyond current + 1 */
    served *served;              /* [max_validators] last catch-up reply per peer */
    uint64_t *seen_height;       /* [max_validators] highest verified height seen */
    uint32_t *peer_round;        /* [max_validators] 1 + highest round seen signed at this height */
    uint32_t *rc_round;          /* [max_validators] 1 + round of our votes last re-sent for it */
    uint64_t *rc_at;             /* [max_validators] when */

    xr_candpool *cands;          /* candidate attestation votes (xr_candpool.h) */

    xr_attpool *att;

    fentry *fut;
    uint32_t fut_count;
    uint8_t *fut_bytes;
    uint32_t fut_used;

    hist *hists;

    uint8_t *scratch_ext;        /* max_ext_votes * entry */
    uint32_t *vote_counts;       /* [max_validators]: a block's votes per validator */
    uint32_t *scratch_idx;       /* pending_votes */
    const xr_att_vote **ext_old; /* max_ext_votes: harvest_ext's lookups, pass 1 to 2 */
    uint8_t *scratch_sigs;       /* max_validators * 85 */
    rmemo *memo;                 /* [ROOT_MEMO] */
    uint8_t evid_ring[EVID_RING][32];
    uint32_t evid_count;

    tmr timers[T_COUNT];
    int call_rc;                 /* XR_ERR_NOSPACE once an action was lost */
    xr_bft_stats stats;
};

/* Debug builds check every invariant after each public call (invariants()). */
#ifndef NDEBUG
static void invariants(const xr_bft *b);
#define INVARIANTS(b) invariants(b)
#else
#define INVARIANTS(b) ((void)(b))
#endif

/* ---- configuration and layout -------------------------------------------- */

void xr_bft_cfg_default(xr_bft_cfg *cfg) {
    XR_ASSERT(cfg != NULL);
    memset(cfg, 0, sizeof *cfg);
    cfg->chain_id = 1;
    cfg->max_validators = 128;
    cfg->round_slots = 6;
    cfg->max_round_ahead = 1000;
    /* no cap of its own: Omni has none per block, only at most 256 votes of
    ** one validator (verifyAggVotes) -- see xr_bft_block_votes_cap */
    cfg->max_block_votes = 0;
    /* 256 votes per extension: Omni's genesisVoteExtLimit (halo/app
    ** app_config.go) */
    cfg->max_ext_votes = 256;
    cfg->max_payload_bytes = 4096;
    cfg->pending_votes = 4096;
    cfg->future_msgs = 256;
    cfg->future_per_signer = 8;
    cfg->future_bytes = 1u << 20;
    cfg->commit_history = 4;
    /* votes from the last approved offset - 2 to + 64: genesisVoteWindowDown
    ** and genesisVoteWindowUp (halo/app app_config.go) */
    cfg->att_window = 64;
    cfg->att_window_down = 2;
    cfg->att_streams = 64;
    cfg->att_votes = 8192;
    cfg->quorum = XR_QUORUM_DEFAULT;
    /* CometBFT's timeout_propose as halo sets it: 1 s ("mitigate slow blocks
    ** when proposer inactive (default=3s)", halo/cmd cometconfig.go) */
    cfg->timeouts.propose_ns = UINT64_C(1000000000);
    cfg->timeouts.propose_delta_ns = UINT64_C(500000000);
    cfg->timeouts.prevote_ns = UINT64_C(1000000000);
    cfg->timeouts.prevote_delta_ns = UINT64_C(500000000);
    cfg->timeouts.precommit_ns = UINT64_C(1000000000);
    cfg->timeouts.precommit_delta_ns = UINT64_C(500000000);
    cfg->timeouts.commit_ns = UINT64_C(1000000000);
    cfg->timeouts.retransmit_ns = UINT64_C(1000000000);
    cfg->timeouts.catchup_ns = UINT64_C(1000000000);
}

static xr_attpool_cfg att_cfg(const xr_bft_cfg *cfg) {
    XR_ASSERT(cfg != NULL);
    xr_attpool_cfg a;
    a.max_streams = cfg->att_streams;
    a.window = cfg->att_window;
    a.window_down = cfg->att_window_down;
    a.max_votes = cfg->att_votes;
    a.quorum = cfg->quorum;
    return a;
}

static bool cfg_ok(const xr_bft_cfg *c) {
    if (!c) return false;
    if (c->max_validators < 1 || c->max_validators > 4096) return false;
    if (c->round_slots < 4 || c->round_slots > 64) return false;
    if (c->max_block_votes > (1u << 20) || c->max_ext_votes > XR_BFT_MAX_EXT_COUNT) return false;
    if (c->max_payload_bytes > (1u << 24)) return false;
    if (c->pending_votes < 1 || c->pending_votes > (1u << 24)) return false;
    if (c->future_bytes > (1u << 30) || c->future_msgs > (1u << 20)) return false;
    if (c->commit_history < 1 || c->commit_history > 64) return false;
    if (xr_quorum_validate(c->quorum) != 0 || c->quorum.num == 0) return false;
    if (c->timeouts.retransmit_ns == 0) return false;
    xr_attpool_cfg a = att_cfg(c);
    return xr_attpool_mem_size(&a) != 0;
}

uint32_t xr_bft_block_votes_cap(const xr_bft_cfg *c) {
    XR_ASSERT(c != NULL);
    if (c->max_block_votes) return c->max_block_votes;
    uint64_t all = (uint64_t)c->max_validators * c->max_ext_votes;
    return all < XR_BFT_BLOCK_VOTES_BOUND ? (uint32_t)all : XR_BFT_BLOCK_VOTES_BOUND;
}

static uint32_t block_bytes_max(const xr_bft_cfg *c) {
    XR_ASSERT(c != NULL);
    return (uint32_t)xr_bft_block_len(xr_bft_block_votes_cap(c), c->max_payload_bytes);
}

static uint32_t msg_bytes_max(const xr_bft_cfg *c) {
    XR_ASSERT(c != NULL);
    size_t p = XR_BFT_PROPOSAL_CORE_BYTES + 4u + block_bytes_max(c);
    size_t q = XR_BFT_VOTE_CORE_BYTES + 2u + (size_t)c->max_ext_votes * XR_BFT_EXT_ENTRY_BYTES;
    return (uint32_t)(p > q ? p : q);
}

typedef struct carver {
    uint8_t *base;               /* NULL: only measure */
    size_t used;
} carver;

static void *carve(carver *cv, size_t n) {
    XR_ASSERT(cv != NULL);
    XR_ASSERT(cv->used <= SIZE_MAX - n - 15u);
    size_t at = (cv->used + 15u) & ~(size_t)15u;
    cv->used = at + n;
    return cv->base ? cv->base + at : NULL;
}

/* Carve every array for cfg; fill b's pointers when cv->base is set. */
static void layout(const xr_bft_cfg *c, carver *cv, xr_bft *b) {
    XR_ASSERT(cfg_ok(c) && cv != NULL);
    XR_ASSERT(cv->base == NULL || b != NULL);
    uint32_t n = c->max_validators;
    uint32_t nslots = c->round_slots, nblocks = 2u * c->round_slots + 4u;
    uint32_t mbb = block_bytes_max(c);
    xr_attpool_cfg a = att_cfg(c);
    xr_bft *self = carve(cv, sizeof(xr_bft));
    (void)self;
    xr_validator *vmem = carve(cv, sizeof(xr_validator) * n * 2u);
    int64_t *prio = carve(cv, sizeof(int64_t) * n * 3u);
    rslot *slots = carve(cv, sizeof(rslot) * nslots);
    vrec *votes = carve(cv, sizeof(vrec) * (size_t)n * 2u * nslots);
    tally *tallies = carve(cv, sizeof(tally) * (size_t)n * 4u * nslots);
    uint8_t *seen = carve(cv, (size_t)n * nslots);
    bslot *blocks = carve(cv, sizeof(bslot) * nblocks);
    uint8_t *bbytes = carve(cv, (size_t)mbb * nblocks);
    uint8_t *crounds = carve(cv, n);
    served *srv = carve(cv, sizeof(served) * n);
    uint64_t *seenh = carve(cv, sizeof(uint64_t) * n);
    uint32_t *prnd = carve(cv, sizeof(uint32_t) * n);
    uint32_t *rcr = carve(cv, sizeof(uint32_t) * n);
    uint64_t *rca = carve(cv, sizeof(uint64_t) * n);
    void *candmem = carve(cv, xr_candpool_mem_size(c->pending_votes));
    void *attmem = carve(cv, xr_attpool_mem_size(&a));
    fentry *fut = carve(cv, sizeof(fentry) * (c->future_msgs ? c->future_msgs : 1u));
    uint8_t *futb = carve(cv, c->future_bytes ? c->future_bytes : 1u);
    hist *hists = carve(cv, sizeof(hist) * c->commit_history);
    uint8_t *hblocks = carve(cv, (size_t)mbb * c->commit_history);
    uint8_t *hpc = carve(cv, (size_t)n * 85u * c->commit_history);
    uint8_t *sext = carve(cv, (size_t)(c->max_ext_votes ? c->max_ext_votes : 1u) *
                                  XR_BFT_EXT_ENTRY_BYTES);
    uint32_t *sidx = carve(cv, sizeof(uint32_t) * c->pending_votes);
    const xr_att_vote **sold =
        carve(cv, sizeof(const xr_att_vote *) * (c->max_ext_votes ? c->max_ext_votes : 1u));
    uint8_t *ssigs = carve(cv, (size_t)n * 85u);
    uint32_t *vcounts = carve(cv, sizeof(uint32_t) * n);
    rmemo *memo = carve(cv, sizeof(rmemo) * ROOT_MEMO);
    if (!cv->base) return;
    xr_valset_init(&b->vs, vmem, n);
    xr_valset_init(&b->next_vs, vmem + n, n);
    b->prio_base = prio;
    b->prio_work = prio + n;
    b->prio_tmp = prio + 2u * n;
    b->slots = slots;
    b->nslots = nslots;
    for (uint32_t i = 0; i < nslots; i++) {
        memset(&slots[i], 0, sizeof slots[i]);
        slots[i].pv = votes + (size_t)i * 2u * n;
        slots[i].pc = votes + (size_t)i * 2u * n + n;
        slots[i].seen = seen + (size_t)i * n;
        slots[i].tallies[TL_PREVOTE] = tallies + (size_t)i * 4u * n;
        slots[i].tallies[TL_PRECOMMIT] = tallies + (size_t)i * 4u * n + 2u * n;
    }
    b->vote_counts = vcounts;
    b->blocks = blocks;
    b->nblocks = nblocks;
    for (uint32_t i = 0; i < nblocks; i++) {
        memset(&blocks[i], 0, sizeof blocks[i]);
        blocks[i].bytes = bbytes + (size_t)i * mbb;
    }
    b->catchup_rounds = crounds;
    b->served = srv;
    memset(srv, 0, sizeof(served) * n);
    b->seen_height = seenh;
    memset(seenh, 0, sizeof(uint64_t) * n);
    b->peer_round = prnd;
    b->rc_round = rcr;
    b->rc_at = rca;
    memset(prnd, 0, sizeof(uint32_t) * n);
    memset(rcr, 0, sizeof(uint32_t) * n);
    memset(rca, 0, sizeof(uint64_t) * n);
    b->fut = fut;
    b->fut_bytes = futb;
    b->hists = hists;
    for (uint32_t i = 0; i < c->commit_history; i++) {
        memset(&hists[i], 0, sizeof hists[i]);
        hists[i].block = hblocks + (size_t)i * mbb;
        hists[i].pc = hpc + (size_t)i * n * 85u;
    }
    b->scratch_ext = sext;
    b->scratch_idx = sidx;
    b->ext_old = sold;
    b->scratch_sigs = ssigs;
    b->memo = memo;
    memset(memo, 0, sizeof(rmemo) * ROOT_MEMO);
    int rc = xr_attpool_init(&b->att, attmem, xr_attpool_mem_size(&a), &a);
    XR_ASSERT(rc == 0);
    rc = xr_candpool_init(&b->cands, candmem, xr_candpool_mem_size(c->pending_votes),
                          c->pending_votes);
    XR_ASSERT(rc == 0);
}

size_t xr_bft_mem_size(const xr_bft_cfg *cfg) {
    if (!cfg_ok(cfg)) return 0;
    carver cv = {NULL, 0};
    layout(cfg, &cv, NULL);
    return cv.used + 16u;
}

size_t xr_bft_mem_in_use(const xr_bft_cfg *cfg, uint32_t block_votes, uint32_t held_votes) {
    size_t all = xr_bft_mem_size(cfg);
    if (all == 0) return 0;
    const xr_bft_cfg *c = cfg;
    if (block_votes > xr_bft_block_votes_cap(c)) block_votes = xr_bft_block_votes_cap(c);
    size_t mbb = block_bytes_max(c);
    size_t blk = xr_bft_block_len(block_votes, c->max_payload_bytes);
    XR_ASSERT(blk <= mbb);
    uint32_t nblocks = 2u * c->round_slots + 4u;
    /* what the lazily used pools would take in full, and in use */
    size_t blocks_all = mbb * ((size_t)nblocks + c->commit_history);
    size_t blocks_use = blk * (2u + (size_t)c->commit_history);
    size_t cand_all = xr_candpool_mem_size(c->pending_votes);
    size_t cand_use = xr_candpool_mem_in_use(c->pending_votes, held_votes);
    xr_attpool_cfg a = att_cfg(c), a1 = a;
    a1.max_votes = 1;
    size_t att_all = xr_attpool_mem_size(&a), att_fixed = xr_attpool_mem_size(&a1);
    uint32_t att_held = held_votes < c->att_votes ? held_votes : c->att_votes;
    size_t att_use = att_fixed + (att_all - att_fixed) / c->att_votes * att_held;
    XR_ASSERT(blocks_all >= blocks_use && cand_all >= cand_use && att_all >= att_use);
    size_t used = all - blocks_all - cand_all - att_all + blocks_use + cand_use + att_use;
    XR_ASSERT(used <= all);
    return used;
}

void xr_bft_actions_size(const xr_bft_cfg *cfg, uint32_t *items, size_t *bytes) {
    XR_ASSERT(cfg != NULL && items != NULL && bytes != NULL);
    size_t n = cfg->max_validators;
    size_t prop = XR_BFT_PROPOSAL_CORE_BYTES + 4u + block_bytes_max(cfg);
    size_t pc = XR_BFT_VOTE_CORE_BYTES + 2u + (size_t)cfg->max_ext_votes * XR_BFT_EXT_ENTRY_BYTES;
    /* Rounds one call can enter: at most one per tracked slot plus the
    ** timers' own (each round: proposal, POL relay of n prevotes, prevote,
    ** precommit; a retransmission repeats three of them). */
    size_t rounds = (size_t)cfg->round_slots + 2u;
    size_t round_items = n + 6u;
    size_t round_bytes = 2u * prop + (n + 2u) * XR_BFT_VOTE_CORE_BYTES + 2u * pc;
    /* A catch-up reply: two heights of proposal + n precommits. */
    size_t cu_items = 2u * (n + 1u), cu_bytes = 2u * (prop + n * (XR_BFT_VOTE_CORE_BYTES + 2u));
    /* Evidence: each input (the message, or every replayed one) and each of
    ** its extension votes, plus the votes of a committed block. */
    size_t ev = (1u + (size_t)cfg->future_msgs) * (1u + cfg->max_ext_votes) + xr_bft_block_votes_cap(cfg);
    /* Round catch-up: a prevote and a precommit per input (round_catchup). */
    size_t rc_items = 2u * (1u + (size_t)cfg->future_msgs);
    size_t rc_bytes = rc_items * (XR_BFT_VOTE_CORE_BYTES + 2u);
    /* One commit, and its approvals (each with up to n signatures). */
    size_t approvals = (size_t)xr_bft_block_votes_cap(cfg) + cfg->att_window;
    size_t it = rounds * round_items + cu_items + rc_items + ev + approvals + 1u;
    size_t by = rounds * round_bytes + cu_bytes + rc_bytes + ev * XR_EVIDENCE_MAX_BYTES +
                approvals * n * 85u + block_bytes_max(cfg);
    *items = it > 0xffffffffu ? 0xffffffffu : (uint32_t)it;
    *bytes = by;
}

/* ---- small helpers -------------------------------------------------------- */

/* n-byte equality without a call: the core is built -ffreestanding, which
** keeps memcmp out of line, and these compares sit in the hottest loops. */
static inline bool bytes_eq(const uint8_t *a, const uint8_t *b, size_t n) {
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) acc |= (uint8_t)(a[i] ^ b[i]);
    return acc == 0;
}

static bool is_validator(const xr_bft *b) { return b->self_idx >= 0 && b->key != NULL; }

static int64_t vindex_in(const xr_valset *vs, const uint8_t addr[20]) {
    XR_ASSERT(vs != NULL && addr != NULL);
    uint32_t lo = 0, hi = vs->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        /* the first byte settles most steps without a call */
        int c = (int)vs->members[mid].addr.bytes[0] - (int)addr[0];
        if (c == 0) c = memcmp(vs->members[mid].addr.bytes, addr, 20);
        if (c == 0) return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static int64_t vindex(const xr_bft *b, const uint8_t addr[20]) { return vindex_in(&b->vs, addr); }

static uint64_t vpower(const xr_bft *b, uint32_t i) { return b->vs.members[i].power; }

static bool has_quorum(const xr_bft *b, uint64_t p) {
    XR_ASSERT(b->vs.total_power > 0 && b->vs.total_power <= MAX_TOTAL_POWER);
    return xr_quorum_reached(b->cfg.quorum, p, b->vs.total_power);
}

/* "f+1": more than (1 - quorum) of the power. */
static bool has_skip_power(const xr_bft *b, uint64_t p) {
    XR_ASSERT(b->cfg.quorum.num <= b->cfg.quorum.den);
    xr_quorum q = {b->cfg.quorum.den - b->cfg.quorum.num, b->cfg.quorum.den};
    return xr_quorum_reached(q, p, b->vs.total_power);
}

/* Has more than (1 - quorum) of the power been seen signing at heights
** beyond the next one?  Then this node is behind and waiting is useless. */
static bool behind(const xr_bft *b) {
    XR_ASSERT(b->vs.count <= b->cfg.max_validators);
    uint64_t p = 0;
    for (uint32_t i = 0; i < b->vs.count; i++)
        if (b->seen_height[i] > b->height + 1) p += vpower(b, i);
    return has_skip_power(b, p);
}

static uint64_t timeout_of(uint64_t base, uint64_t delta, uint32_t round) {
    uint64_t d = delta * round;
    if (round && d / round != delta) return UINT64_MAX / 4;
    return base + d;
}

static void arm(xr_bft *b, int t, uint64_t at_ns) {
    XR_ASSERT(t >= 0 && t < T_COUNT);
    b->timers[t].armed = true;
    b->timers[t].at_ns = at_ns;
    b->timers[t].height = b->height;
    b->timers[t].round = b->round;
}

static uint64_t add_sat(uint64_t a, uint64_t d) { return a > UINT64_MAX - d ? UINT64_MAX : a + d; }

static void note_rc(xr_bft *b, int rc) {
    XR_ASSERT(rc <= 0);
    if (rc == XR_ERR_NOSPACE) {
        b->call_rc = XR_ERR_NOSPACE;
        b->stats.actions_dropped++;
    }
}

/* ---- proposer rotation ------------------------------------------------------- */

/* One step of the weighted round robin on prio; returns the pick. */
static uint32_t prio_step(const xr_bft *b, int64_t *prio) {
    XR_ASSERT(prio != NULL && b->vs.count >= 1);
    uint32_t best = 0;
    for (uint32_t i = 0; i < b->vs.count; i++) {
        prio[i] += (int64_t)vpower(b, i);
        if (prio[i] > prio[best]) best = i; /* ties keep the lower index = lower address */
    }
    prio[best] -= (int64_t)b->vs.total_power;
    return best;
}

static uint32_t proposer_of(xr_bft *b, uint32_t r) {
    XR_ASSERT(b->vs.count >= 1);
    uint64_t need = (uint64_t)r + 1;
    if (b->cache_steps > need || b->cache_steps == 0) {
        memcpy(b->prio_work, b->prio_base, sizeof(int64_t) * b->vs.count);
        b->cache_steps = 0;
    }
    while (b->cache_steps < need) {
        b->cache_last = prio_step(b, b->prio_work);
        b->cache_steps++;
    }
    return b->cache_last;
}

uint32_t xr_bft_proposer_index(xr_bft *b, uint32_t r) {
    XR_ASSERT(b != NULL);
    uint32_t p = proposer_of(b, r);
    XR_ASSERT(p < b->vs.count);
    INVARIANTS(b); /* proposer_of may fill the priority cache */
    return p;
}

/* Carry priorities from the old set (members old_m) to b->vs. */
static void prio_remap(xr_bft *b, const xr_validator *old_m, uint32_t old_n, const int64_t *old_p) {
    XR_ASSERT(old_m != NULL && old_p != NULL);
    XR_ASSERT(b->vs.count >= 1 && old_n <= b->cfg.max_validators);
    int64_t total = (int64_t)b->vs.total_power;
    for (uint32_t i = 0; i < b->vs.count; i++) {
        int64_t p = -(total + total / 8);
        for (uint32_t j = 0; j < old_n; j++)
            if (memcmp(old_m[j].addr.bytes, b->vs.members[i].addr.bytes, 20) == 0) {
                p = old_p[j];
                break;
            }
        b->prio_tmp[i] = p;
    }
    /* centre on zero: mean without overflow */
    int64_t n = (int64_t)b->vs.count, q = 0, r = 0;
    for (uint32_t i = 0; i < b->vs.count; i++) {
        q += b->prio_tmp[i] / n;
        r += b->prio_tmp[i] % n;
    }
    int64_t mean = q + r / n;
    for (uint32_t i = 0; i < b->vs.count; i++) b->prio_base[i] = b->prio_tmp[i] - mean;
    b->cache_steps = 0;
}

/* ---- block slots ------------------------------------------------------------- */

static bool blk_referenced(const xr_bft *b, uint32_t i) {
    XR_ASSERT(i < b->nblocks);
    if (b->locked_round >= 0 && b->locked_blk == i) return true;
    if (b->valid_round >= 0 && b->valid_blk == i) return true;
    if (b->decided && b->decided_blk == i) return true;
    for (uint32_t s = 0; s < b->nslots; s++) {
        const rslot *r = &b->slots[s];
        if (r->used && r->has_prop && r->prop_blk == i) return true;
        if (r->used && r->has_alt && r->alt_blk == i) return true;
    }
    return false;
}

static uint32_t blk_find(const xr_bft *b, const uint8_t id[32]) {
    XR_ASSERT(b != NULL && id != NULL);
    for (uint32_t i = 0; i < b->nblocks; i++)
        if (b->blocks[i].used && memcmp(b->blocks[i].id, id, 32) == 0) return i;
    return NIL_IDX;
}

static uint32_t blk_alloc(xr_bft *b) {
    XR_ASSERT(b->nblocks >= 2u * b->nslots + 4u);
    for (uint32_t i = 0; i < b->nblocks; i++)
        if (!b->blocks[i].used) return i;
    for (uint32_t i = 0; i < b->nblocks; i++)
        if (!blk_referenced(b, i)) return i;
    return NIL_IDX;
}

static uint32_t blk_store(xr_bft *b, const uint8_t id[32], const uint8_t *bytes, size_t len) {
    XR_ASSERT(id != NULL && (bytes != NULL || len == 0));
    uint32_t i = blk_find(b, id);
    if (i != NIL_IDX) return i;
    i = blk_alloc(b);
    if (i == NIL_IDX) return NIL_IDX;
    XR_ASSERT(len <= b->max_block_bytes);
    bslot *s = &b->blocks[i];
    s->used = true;
    s->valid = -1;
    memcpy(s->id, id, 32);
    s->len = (uint32_t)len;
    memcpy(s->bytes, bytes, len);
    return i;
}

/* ---- round slots ---------------------------------------------------------------- */

static rslot *slot_of(xr_bft *b, uint32_t r) {
    XR_ASSERT(b != NULL && b->nslots >= 4);
    for (uint32_t i = 0; i < b->nslots; i++)
        if (b->slots[i].used && b->slots[i].round == r) return &b->slots[i];
    return NULL;
}

static bool slot_pinned(const xr_bft *b, const rslot *s) {
    XR_ASSERT(s != NULL && s->used);
    if (s->round == b->round) return true;
    if (b->locked_round >= 0 && (int64_t)s->round == b->locked_round) return true;
    if (b->valid_round >= 0 && (int64_t)s->round == b->valid_round) return true;
    if (b->decided && s->round == b->decided_round) return true;
    return false;
}

static void slot_reset(xr_bft *b, rslot *s, uint32_t r) {
    XR_ASSERT(s >= b->slots && s < b->slots + b->nslots);
    uint32_t n = b->cfg.max_validators;
    vrec *pv = s->pv, *pc = s->pc;
    uint8_t *seen = s->seen;
    tally *tpv = s->tallies[TL_PREVOTE], *tpc = s->tallies[TL_PRECOMMIT];
    memset(s, 0, sizeof *s); /* also empties the tallies */
    s->pv = pv;
    s->pc = pc;
    s->seen = seen;
    s->tallies[TL_PREVOTE] = tpv;
    s->tallies[TL_PRECOMMIT] = tpc;
    for (uint32_t i = 0; i < n; i++) {
        pv[i].state = V_NONE;
        pc[i].state = V_NONE;
        pv[i].alt_state = V_NONE;
        pc[i].alt_state = V_NONE;
    }
    memset(seen, 0, n);
    s->used = true;
    s->round = r;
}

/* The slot for round r, creating it when the admission rules allow (see
** xr_bft.h).  signer < 0: our own need (always admitted if a slot can be
** freed).  NULL when refused. */
static rslot *slot_admit(xr_bft *b, uint32_t r, int64_t signer) {
    XR_ASSERT(signer < (int64_t)b->vs.count);
    rslot *s = slot_of(b, r);
    if (s) return s;
    if (r > b->round && r - b->round > b->cfg.max_round_ahead) return NULL;
    bool far = r > b->round && r - b->round > 1;
    if (far && signer >= 0 && b->catchup_rounds[signer] >= MAX_CATCHUP_ROUNDS) return NULL;
    rslot *victim = NULL;
    for (uint32_t i = 0; i < b->nslots && !victim; i++)
        if (!b->slots[i].used) victim = &b->slots[i];
    for (uint32_t i = 0; i < b->nslots && !victim; i++) {
        /* the oldest unpinned past round */
        rslot *c = &b->slots[i];
        if (c->round < b->round && !slot_pinned(b, c)) {
            rslot *best = c;
            for (uint32_t j = i + 1; j < b->nslots; j++) {
                rslot *d = &b->slots[j];
                if (d->round < best->round && !slot_pinned(b, d)) best = d;
            }
            victim = best;
        }
    }
    if (!victim) {
        /* the farthest future round beyond r */
        for (uint32_t i = 0; i < b->nslots; i++) {
            rslot *c = &b->slots[i];
            if (c->round > r && c->round > b->round + 1 && !slot_pinned(b, c) &&
                (!victim || c->round > victim->round))
                victim = c;
        }
    }
    if (!victim) return NULL;
    slot_reset(b, victim, r);
    if (far && signer >= 0) b->catchup_rounds[signer]++;
    return victim;
}

/* Make the alternate proposal the round's proposal (the rules then use it). */
static void slot_promote_alt(rslot *s) {
    XR_ASSERT(s->has_prop && s->has_alt);
    uint32_t blk = s->prop_blk, pol = s->pol_round;
    uint8_t sig[65];
    memcpy(sig, s->prop_sig, 65);
    s->prop_blk = s->alt_blk;
    s->pol_round = s->alt_pol;
    memcpy(s->prop_sig, s->alt_sig, 65);
    s->alt_blk = blk;
    s->alt_pol = pol;
    memcpy(s->alt_sig, sig, 65);
}

static void mark_seen(xr_bft *b, rslot *s, uint32_t idx) {
    XR_ASSERT(s->used && idx < b->vs.count);
    if (!s->seen[idx]) {
        s->seen[idx] = 1;
        s->any_power += vpower(b, idx);
    }
}

static bool vote_is(uint8_t state, const uint8_t vid[32], const uint8_t *id /* NULL = nil */) {
    if (id == NULL) return state == V_NIL;
    return state == V_BLOCK && bytes_eq(vid, id, 32);
}

/* Count a vote (or a twin) just stored for a validator of `power`: a
** validator's twin always differs from its vote, so the tally of an id is
** the power of the validators whose vote or twin is for it -- what the
** paper's per-value counts are. */
static void tally_add(const xr_bft *b, rslot *s, int type, uint8_t state, const uint8_t id[32],
                      uint64_t power) {
    XR_ASSERT(state == V_NIL || state == V_BLOCK);
    if (state == V_NIL) {
        s->nil_power[type] += power;
        return;
    }
    tally *t = s->tallies[type];
    uint32_t n = s->tally_count[type];
    for (uint32_t i = 0; i < n; i++)
        if (bytes_eq(t[i].id, id, 32)) {
            t[i].power += power;
            return;
        }
    /* at most a vote and a twin per member: 2 * max_validators ids */
    XR_ASSERT(n < 2u * b->cfg.max_validators);
    memcpy(t[n].id, id, 32);
    t[n].power = power;
    s->tally_count[type] = n + 1;
}

/* Uncount a twin being replaced (tally_add's inverse); an id left with no
** power leaves the tallies, so they keep at most a vote and a twin per
** member. */
static void tally_sub(rslot *s, int type, uint8_t state, const uint8_t id[32], uint64_t power) {
    XR_ASSERT(state == V_NIL || state == V_BLOCK);
    if (state == V_NIL) {
        XR_ASSERT(s->nil_power[type] >= power);
        s->nil_power[type] -= power;
        return;
    }
    tally *t = s->tallies[type];
    uint32_t n = s->tally_count[type];
    for (uint32_t i = 0; i < n; i++)
        if (bytes_eq(t[i].id, id, 32)) {
            XR_ASSERT(t[i].power >= power);
            t[i].power -= power;
            if (t[i].power == 0) {
                t[i] = t[n - 1u];
                s->tally_count[type] = n - 1u;
            }
            return;
        }
    XR_ASSERT(0 && "a twin outside the tallies");
}

/* Power of the validators whose vote (or its twin) of `type` is for id. */
static uint64_t power_for(const rslot *s, int type, const uint8_t *id /* NULL = nil */) {
    XR_ASSERT(s != NULL && s->used);
    XR_ASSERT(type == TL_PREVOTE || type == TL_PRECOMMIT);
    if (id == NULL) return s->nil_power[type];
    const tally *t = s->tallies[type];
    for (uint32_t i = 0; i < s->tally_count[type]; i++)
        if (bytes_eq(t[i].id, id, 32)) return t[i].power;
    return 0;
}

/* ---- actions ---------------------------------------------------------------------- */

/* Encode a message straight into the action arena and push it (broadcast
** when to == NIL_IDX, else SEND to `to`). */
static void emit_msg(xr_bft *b, xr_actions *acts, uint32_t to, const xr_bft_core *c,
                     const uint8_t *block, size_t block_len, const uint8_t *ext,
                     uint32_t ext_count) {
    XR_ASSERT(c != NULL && (ext != NULL || ext_count == 0));
    XR_ASSERT(ext_count <= b->cfg.max_ext_votes && block_len <= b->max_block_bytes);
    if (!acts) return;
    size_t n = xr_bftmsg_len(c, block_len, ext_count);
    uint8_t *p = NULL;
    int rc = xr_actions_reserve(acts, n, &p);
    if (rc) {
        note_rc(b, rc);
        return;
    }
    int w = xr_bftmsg_encode(c, block, block_len, ext, ext_count, p, n);
    XR_ASSERT(w == (int)n);
    xr_action a;
    memset(&a, 0, sizeof a);
    if (to == NIL_IDX) {
        a.kind = XR_ACT_BROADCAST;
        a.u.broadcast.bytes = (xr_view){p, n};
    } else {
        a.kind = XR_ACT_SEND;
        a.u.send.to = to;
        a.u.send.bytes = (xr_view){p, n};
    }
    rc = xr_actions_push(acts, &a);
    XR_ASSERT(rc == 0); /* reserve checked the item slot */
}

static bool evid_seen(xr_bft *b, const uint8_t *ev, size_t len) {
    XR_ASSERT(ev != NULL && len > 0 && len <= XR_EVIDENCE_MAX_BYTES);
    uint8_t h[32];
    xr_keccak256(ev, len, h);
    uint32_t n = b->evid_count < EVID_RING ? b->evid_count : EVID_RING;
    for (uint32_t i = 0; i < n; i++)
        if (memcmp(b->evid_ring[i], h, 32) == 0) return true;
    memcpy(b->evid_ring[b->evid_count % EVID_RING], h, 32);
    b->evid_count++;
    return false;
}

static void emit_evidence(xr_bft *b, xr_actions *acts, uint8_t kind, const uint8_t offender[20],
                          const uint8_t *ev, int len) {
    XR_ASSERT(len > 0);
    if (evid_seen(b, ev, (size_t)len)) return;
    b->stats.evidence++;
    if (!acts) return;
    xr_action a;
    memset(&a, 0, sizeof a);
    a.kind = XR_ACT_EVIDENCE;
    a.u.evidence.kind = kind;
    memcpy(a.u.evidence.offender, offender, 20);
    int rc = xr_actions_copy(acts, ev, (size_t)len, &a.u.evidence.bytes);
    if (rc == 0) rc = xr_actions_push(acts, &a);
    note_rc(b, rc);
}

static void evidence_cores(xr_bft *b, xr_actions *acts, const xr_bft_core *x,
                           const xr_bft_core *y) {
    uint8_t ev[XR_EVIDENCE_MAX_BYTES];
    int len = xr_evidence_encode_duplicate(x, y, ev, sizeof ev);
    if (len <= 0) return;
    b->stats.equivocations++;
    emit_evidence(b, acts, XR_EVIDENCE_DUPLICATE_VOTE, x->validator, ev, len);
}

static void evidence_votes(xr_bft *b, xr_actions *acts, const xr_att_vote *x,
                           const xr_att_vote *y) {
    uint8_t ev[XR_EVIDENCE_MAX_BYTES];
    int len = xr_evidence_encode_attest(x, y, ev, sizeof ev);
    if (len <= 0) return;
    b->stats.equivocations++;
    emit_evidence(b, acts, XR_EVIDENCE_ATTEST_CONFLICT, x->validator, ev, len);
}

/* ---- candidate attestation votes -------------------------------------------------- */

static int verify_att(const xr_bft *b, const xr_att_vote *v) {
    XR_ASSERT(b->sig != NULL && v != NULL);
    xr_hash d;
    xr_attest_sign_digest(&v->root, &d);
    return xr_sig_verify(b->sig, d.bytes, v->sig, v->validator);
}

static rmemo *memo_slot(const xr_bft *b, const xr_xheader *h) {
    XR_ASSERT(b->memo != NULL && h != NULL);
    uint64_t x = (h->source_chain_id * UINT64_C(0x9e3779b97f4a7c15)) ^
                 ((uint64_t)h->conf_level << 56) ^ h->offset;
    x ^= x >> 31;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 29;
    return &b->memo[x & (ROOT_MEMO - 1u)];
}

static bool header_eq(const xr_xheader *x, const xr_xheader *y) {
    XR_ASSERT(x != NULL && y != NULL);
    return x->source_chain_id == y->source_chain_id &&
           x->consensus_chain_id == y->consensus_chain_id && x->conf_level == y->conf_level &&
           x->offset == y->offset && x->source_block_height == y->source_block_height &&
           bytes_eq(x->source_block_hash.bytes, y->source_block_hash.bytes, 32);
}

/* True when v's root is the one computed from header h and message root mr
** (the root is a function of those two alone). */
static bool same_attested(const xr_xheader *h, const xr_hash *mr, const xr_att_vote *v) {
    XR_ASSERT(h != NULL && mr != NULL && v != NULL);
    return header_eq(h, &v->header) && bytes_eq(mr->bytes, v->msg_root.bytes, 32);
}

/* Compute v->root from v's header and message root, or reuse it when this
** node computed it before for the identical pair. */
static void vote_compute_root(xr_bft *b, xr_att_vote *v) {
    XR_ASSERT(b != NULL && v != NULL);
    rmemo *m = memo_slot(b, &v->header);
    if (m->used && same_attested(&m->header, &m->msg_root, v)) {
        v->root = m->root;
        return;
    }
    xr_att_vote_compute_root_with(b->keccak, v);
    m->used = 1;
    m->header = v->header;
    m->msg_root = v->msg_root;
    m->root = v->root;
}

/* Fill the root of a vote decoded without it (xr_bftmsg_ext_get_unrooted):
** copied from `known` when that stored vote attests the same header and
** message root -- every stored vote's root was computed from its own --
** else from the memo or computed.  Either way v->root is what the decoder
** would have put there; only repeated Keccak work is saved. */
static void vote_fill_root(xr_bft *b, xr_att_vote *v, const xr_att_vote *known) {
    XR_ASSERT(v != NULL && known != v);
    XR_ASSERT(known == NULL || bytes_eq(known->validator, v->validator, 20));
    if (known && same_attested(&known->header, &known->msg_root, v))
        v->root = known->root;
    else
        vote_compute_root(b, v);
}

/* Does key (chain, level, offset) of h come strictly after prev's, in
** xr_att_vote_cmp's order for one validator's votes? */
static bool key_rises(const xr_xheader *prev, const xr_xheader *h) {
    XR_ASSERT(prev != NULL && h != NULL);
    if (h->source_chain_id != prev->source_chain_id)
        return h->source_chain_id > prev->source_chain_id;
    if (h->conf_level != prev->conf_level) return h->conf_level > prev->conf_level;
    return h->offset > prev->offset;
}

/* Is a peer's extension entry v (signer a member, decoded without its root)
** a good vote: this consensus chain, inside the vote window, and -- unless
** this node holds it already -- correctly signed?  Fills v's root and
** *old with the stored vote of its key, if any. */
static bool ext_entry_ok(xr_bft *b, xr_att_vote *v, const xr_att_vote **old) {
    XR_ASSERT(v != NULL && b->cands != NULL);
    *old = NULL;
    if (v->header.consensus_chain_id != b->cfg.chain_id ||
        xr_attpool_vote_window(b->att, &v->header) != 0)
        return false;
    uint32_t i = xr_candpool_find(b->cands, v->validator, &v->header);
    *old = i != XR_CANDPOOL_NONE ? xr_candpool_vote(b->cands, i) : NULL;
    if (!*old)
        *old = xr_attpool_find(b->att, v->validator, v->header.source_chain_id,
                               v->header.conf_level, v->header.offset);
    vote_fill_root(b, v, *old);
    if (*old && bytes_eq((*old)->root.bytes, v->root.bytes, 32)) return true; /* known */
    return verify_att(b, v) == 0;
}

/* A precommit's extension: all or nothing, as Omni's VerifyVoteExtension
** (halo/attest/keeper keeper.go) rejects an extension with any bad vote --
** wrong chain, outside the vote window, bad signature.  A good one's new
** votes become candidates (a second root for a key: evidence); votes for
** offsets already approved are valid but not needed.  Returns false when
** the extension was rejected. */
static bool harvest_ext(xr_bft *b, xr_actions *acts, const xr_bftmsg *m) {
    XR_ASSERT(m != NULL && m->core.type == XR_BFT_PRECOMMIT);
    XR_ASSERT(m->ext_count <= b->cfg.max_ext_votes);
    /* Pass 1 looks every entry's key up; pass 2 reuses those lookups for
    ** the entries whose keys rise strictly from the first (an honest
    ** extension is sorted: xr_att_vote_cmp), since no entry of that prefix
    ** can meet a key inserted by an earlier one.  Past the first entry that
    ** does not rise, pass 2 looks up again.  Same result, half the lookups. */
    uint32_t sorted = 0;
    xr_xheader prev;
    memset(&prev, 0, sizeof prev);
    for (uint32_t i = 0; i < m->ext_count; i++) {
        xr_att_vote v;
        const xr_att_vote *old;
        xr_candpool_prefetch_ahead(b->cands, m->ext, XR_BFT_EXT_ENTRY_BYTES, i, m->ext_count,
                                   m->core.validator);
        xr_bftmsg_ext_get_unrooted(m, i, &v);
        if (!ext_entry_ok(b, &v, &old)) {
            b->stats.ext_rejected += m->ext_count;
            b->stats.ext_rejected_whole++;
            return false;
        }
        b->ext_old[i] = old;
        if (sorted == i && (i == 0 || key_rises(&prev, &v.header))) sorted = i + 1;
        prev = v.header;
    }
    for (uint32_t i = 0; i < m->ext_count; i++) {
        xr_att_vote v;
        const xr_att_vote *old;
        xr_bftmsg_ext_get_unrooted(m, i, &v);
        if (xr_attpool_check_window(b->att, &v.header) != 0) continue; /* approved already */
        if (i < sorted) {
            old = b->ext_old[i];
        } else {
            uint32_t ci = xr_candpool_find(b->cands, v.validator, &v.header);
            old = ci != XR_CANDPOOL_NONE ? xr_candpool_vote(b->cands, ci) : NULL;
            if (!old)
                old = xr_attpool_find(b->att, v.validator, v.header.source_chain_id,
                                      v.header.conf_level, v.header.offset);
        }
        vote_fill_root(b, &v, old);
        if (old && bytes_eq(old->root.bytes, v.root.bytes, 32)) continue; /* known */
        if (old) {
            evidence_votes(b, acts, old, &v);
            continue;
        }
        if (xr_candpool_insert(b->cands, &v, false) == XR_CANDPOOL_NONE) {
            b->stats.ext_rejected++;
            continue;
        }
        b->stats.ext_ok++;
    }
    return true;
}

/* Drop candidates whose offset is approved. */
static void cand_purge_stale(xr_bft *b) {
    XR_ASSERT(b->cands != NULL && b->att != NULL);
    for (int own = 0; own < 2; own++) {
        for (uint32_t i = xr_candpool_first(b->cands, own), nx; i != XR_CANDPOOL_NONE; i = nx) {
            nx = xr_candpool_next(b->cands, i);
            if (xr_attpool_check_window(b->att, &xr_candpool_vote(b->cands, i)->header) ==
                XR_ERR_BFT_ATT_STALE)
                xr_candpool_remove(b->cands, i);
        }
    }
}

/* Our own votes for the next precommit extension; returns the count.  The
** order of the own list does not matter: the votes are sorted, and no two
** candidates share (validator, chain, level, offset). */
static uint32_t build_ext(xr_bft *b) {
    XR_ASSERT(is_validator(b));
    uint32_t n = 0;
    for (uint32_t i = xr_candpool_first(b->cands, true); i != XR_CANDPOOL_NONE;
         i = xr_candpool_next(b->cands, i))
        if (xr_attpool_check_window(b->att, &xr_candpool_vote(b->cands, i)->header) == 0)
            b->scratch_idx[n++] = i;
    XR_ASSERT(n <= xr_candpool_count(b->cands));
    xr_candpool_sort(b->cands, b->scratch_idx, n);
    if (n > b->cfg.max_ext_votes) n = b->cfg.max_ext_votes;
    for (uint32_t k = 0; k < n; k++)
        xr_att_vote_encode_entry(xr_candpool_vote(b->cands, b->scratch_idx[k]),
                                 b->scratch_ext + (size_t)k * XR_BFT_EXT_ENTRY_BYTES);
    return n;
}

/* ---- block building and validity ------------------------------------------------ */

static uint32_t build_block(xr_bft *b) {
    XR_ASSERT(is_validator(b) && !b->decided);
    uint32_t bi = blk_alloc(b);
    XR_ASSERT(bi != NIL_IDX); /* nblocks exceeds every reference */
    bslot *s = &b->blocks[bi];
    uint32_t n = 0;
    /* list order does not matter: the picks are sorted, keys are unique */
    for (int own = 0; own < 2; own++) {
        for (uint32_t i = xr_candpool_first(b->cands, own); i != XR_CANDPOOL_NONE;
             i = xr_candpool_next(b->cands, i)) {
            const xr_att_vote *c = xr_candpool_vote(b->cands, i);
            if (vindex(b, c->validator) < 0) continue;
            if (xr_attpool_check_window(b->att, &c->header) != 0) continue;
            if (xr_attpool_find(b->att, c->validator, c->header.source_chain_id,
                                c->header.conf_level, c->header.offset))
                continue;
            b->scratch_idx[n++] = i;
        }
    }
    XR_ASSERT(n <= xr_candpool_count(b->cands));
    xr_candpool_sort(b->cands, b->scratch_idx, n);
    /* in that order, at most max_ext_votes of one validator (a block with
    ** more is invalid: verifyAggVotes) and max_block_votes in all */
    memset(b->vote_counts, 0, sizeof(uint32_t) * b->vs.count);
    uint32_t kept = 0;
    for (uint32_t k = 0; k < n && kept < b->cfg.max_block_votes; k++) {
        int64_t vi = vindex(b, xr_candpool_vote(b->cands, b->scratch_idx[k])->validator);
        XR_ASSERT(vi >= 0);
        if (++b->vote_counts[vi] > b->cfg.max_ext_votes) continue;
        b->scratch_idx[kept++] = b->scratch_idx[k];
    }
    n = kept;
    uint8_t *votes = s->bytes + XR_BFT_BLOCK_HEADER_BYTES;
    for (uint32_t k = 0; k < n; k++)
        xr_att_vote_encode_block(xr_candpool_vote(b->cands, b->scratch_idx[k]),
                                 votes + (size_t)k * XR_BFT_BLOCK_VOTE_BYTES);
    uint8_t *payload = votes + (size_t)n * XR_BFT_BLOCK_VOTE_BYTES + 4u;
    uint32_t plen = 0;
    if (b->app.propose) {
        int r = b->app.propose(b->app.ctx, b->height, payload, b->cfg.max_payload_bytes);
        if (r > 0 && (uint32_t)r <= b->cfg.max_payload_bytes) plen = (uint32_t)r;
    }
    xr_bft_block blk;
    memset(&blk, 0, sizeof blk);
    blk.chain_id = b->cfg.chain_id;
    blk.height = b->height;
    blk.valset_id = b->vs.id;
    memcpy(blk.prev_block_id, b->prev_block_id, 32);
    memcpy(blk.proposer, b->self.bytes, 20);
    blk.vote_count = n;
    blk.votes = votes;
    blk.payload_len = plen;
    blk.payload = payload;
    int len = xr_bft_block_encode(&blk, s->bytes, b->max_block_bytes);
    XR_ASSERT(len > 0);
    s->used = true;
    s->valid = 1;
    s->len = (uint32_t)len;
    xr_bft_block_id_with(b->keccak, s->bytes, s->len, s->id);
    return bi;
}

static int block_check(xr_bft *b, const uint8_t *bytes, size_t len) {
    XR_ASSERT(bytes != NULL || len == 0);
    xr_bft_block blk;
    int rc = xr_bft_block_decode(bytes, len, &b->lim, &blk);
    if (rc) return rc;
    if (blk.chain_id != b->cfg.chain_id || blk.height != b->height || blk.valset_id != b->vs.id ||
        memcmp(blk.prev_block_id, b->prev_block_id, 32) != 0 || vindex(b, blk.proposer) < 0)
        return XR_ERR_BFT_INVALID_BLOCK;
    memset(b->vote_counts, 0, sizeof(uint32_t) * b->vs.count);
    for (uint32_t i = 0; i < blk.vote_count; i++) {
        xr_att_vote v;
        xr_candpool_prefetch_ahead(b->cands, blk.votes, XR_BFT_BLOCK_VOTE_BYTES, i,
                                   blk.vote_count, NULL);
        xr_bft_block_vote_get_unrooted(&blk, i, &v);
        int64_t vi = vindex(b, v.validator);
        if (vi < 0) return XR_ERR_BFT_NOT_VALIDATOR;
        /* no cap per block, at most max_ext_votes per validator (Omni's
        ** verifyAggVotes, halo/attest/keeper keeper.go) */
        if (++b->vote_counts[vi] > b->cfg.max_ext_votes) return XR_ERR_BFT_INVALID_BLOCK;
        if (v.header.consensus_chain_id != b->cfg.chain_id) return XR_ERR_BFT_WRONG_CHAIN;
        rc = xr_attpool_vote_window(b->att, &v.header);
        if (rc) return rc;
        uint32_t ci = xr_candpool_find(b->cands, v.validator, &v.header);
        const xr_att_vote *known = ci != XR_CANDPOOL_NONE ? xr_candpool_vote(b->cands, ci) : NULL;
        vote_fill_root(b, &v, known);
        if (known && bytes_eq(known->root.bytes, v.root.bytes, 32) &&
            bytes_eq(known->sig, v.sig, 65))
            continue; /* verified when it entered the pool */
        rc = verify_att(b, &v);
        if (rc) return rc;
    }
    if (b->app.validate && b->app.validate(b->app.ctx, b->height, blk.payload, blk.payload_len) != 0)
        return XR_ERR_BFT_INVALID_BLOCK;
    return 0;
}

int xr_bft_validate_block(xr_bft *b, const uint8_t *block, size_t len) {
    XR_ASSERT(b != NULL && (block != NULL || len == 0));
    int rc = block_check(b, block, len);
    XR_ASSERT(rc <= 0);
    INVARIANTS(b);
    return rc;
}

static bool block_valid(xr_bft *b, uint32_t bi) {
    XR_ASSERT(bi < b->nblocks && b->blocks[bi].used);
    bslot *s = &b->blocks[bi];
    if (s->valid < 0) {
        s->valid = block_check(b, s->bytes, s->len) == 0 ? 1 : 0;
        if (!s->valid) b->stats.invalid_blocks++;
    }
    return s->valid == 1;
}

/* ---- own messages ------------------------------------------------------------------- */

int xr_bft_sign_core(const xr_sig_backend *sig, const xr_sig_key *key, xr_bft_core *c) {
    if (!sig || !key || !c || xr_bft_core_len(c->type) == 0) return XR_ERR_INVALID_ARG;
    uint8_t d[32];
    xr_bft_core_digest(c, d);
    return xr_sig_sign(sig, key, d, c->sig);
}

/* xr_bft_sign_core with the digest hashed through the node's service. */
static int sign_core(const xr_bft *b, xr_bft_core *c) {
    XR_ASSERT(is_validator(b) && c != NULL);
    uint8_t d[32];
    xr_bft_core_digest_with(b->keccak, c, d);
    return xr_sig_sign(b->sig, b->key, d, c->sig);
}

static void core_init(const xr_bft *b, xr_bft_core *c, uint8_t type, uint32_t round,
                      const uint8_t *id) {
    XR_ASSERT(b != NULL && c != NULL);
    XR_ASSERT(type <= XR_BFT_PRECOMMIT);
    memset(c, 0, sizeof *c);
    c->type = type;
    c->chain_id = b->cfg.chain_id;
    c->height = b->height;
    c->round = round;
    c->pol_round = XR_BFT_NO_ROUND;
    if (id) memcpy(c->block_id, id, 32);
}

/* The stored vote of validator idx as a signed core. */
static void core_from_vrec(const xr_bft *b, xr_bft_core *c, uint8_t type, uint32_t round,
                           uint32_t idx, const vrec *v) {
    XR_ASSERT(idx < b->vs.count && v != NULL);
    XR_ASSERT(v->state == V_NIL || v->state == V_BLOCK);
    core_init(b, c, type, round, v->state == V_BLOCK ? v->id : NULL);
    memcpy(c->validator, b->vs.members[idx].addr.bytes, 20);
    memcpy(c->sig, v->sig, 65);
}

static void core_from_prop(const xr_bft *b, xr_bft_core *c, const rslot *s) {
    XR_ASSERT(s->used && s->has_prop);
    XR_ASSERT(s->prop_blk < b->nblocks && s->proposer < b->vs.count);
    core_init(b, c, XR_BFT_PROPOSAL, s->round, b->blocks[s->prop_blk].id);
    c->pol_round = s->pol_round;
    memcpy(c->validator, b->vs.members[s->proposer].addr.bytes, 20);
    memcpy(c->sig, s->prop_sig, 65);
}

static void send_vote(xr_bft *b, xr_actions *acts, uint8_t type, const uint8_t *id) {
    XR_ASSERT(type == XR_BFT_PREVOTE || type == XR_BFT_PRECOMMIT);
    XR_ASSERT(!b->decided);
    if (!is_validator(b)) return;
    rslot *s = slot_of(b, b->round);
    XR_ASSERT(s != NULL);
    uint32_t me = (uint32_t)b->self_idx;
    vrec *v = type == XR_BFT_PREVOTE ? &s->pv[me] : &s->pc[me];
    if (v->state != V_NONE) return; /* never sign twice in one step */
    xr_bft_core c;
    core_init(b, &c, type, b->round, id);
    memcpy(c.validator, b->self.bytes, 20);
    if (sign_core(b, &c) != 0) return;
    v->state = id ? V_BLOCK : V_NIL;
    if (id) memcpy(v->id, id, 32);
    memcpy(v->sig, c.sig, 65);
    int tl = type == XR_BFT_PREVOTE ? TL_PREVOTE : TL_PRECOMMIT;
    tally_add(b, s, tl, v->state, v->id, vpower(b, me));
    if (type == XR_BFT_PREVOTE)
        s->prevote_power += vpower(b, me);
    else
        s->precommit_power += vpower(b, me);
    mark_seen(b, s, me);
    uint32_t ext_n = (type == XR_BFT_PRECOMMIT && id) ? build_ext(b) : 0;
    emit_msg(b, acts, NIL_IDX, &c, NULL, 0, b->scratch_ext, ext_n);
}

static void prevote(xr_bft *b, xr_actions *acts, const uint8_t *id) {
    XR_ASSERT(b->step == XR_BFT_STEP_PROPOSE && !b->decided);
    send_vote(b, acts, XR_BFT_PREVOTE, id);
    b->step = XR_BFT_STEP_PREVOTE;
}

static void precommit(xr_bft *b, xr_actions *acts, const uint8_t *id) {
    XR_ASSERT(b->step == XR_BFT_STEP_PREVOTE && !b->decided);
    send_vote(b, acts, XR_BFT_PRECOMMIT, id);
    b->step = XR_BFT_STEP_PRECOMMIT;
}

/* Relay the signed prevotes of round pol for id. */
static void relay_pol(xr_bft *b, xr_actions *acts, uint32_t pol, const uint8_t id[32]) {
    XR_ASSERT(pol < b->round && id != NULL);
    rslot *ps = slot_of(b, pol);
    if (!ps) return;
    for (uint32_t i = 0; i < b->vs.count; i++) {
        if (ps->pv[i].state != V_BLOCK || memcmp(ps->pv[i].id, id, 32) != 0) continue;
        xr_bft_core c;
        core_from_vrec(b, &c, XR_BFT_PREVOTE, pol, i, &ps->pv[i]);
        emit_msg(b, acts, NIL_IDX, &c, NULL, 0, NULL, 0);
    }
}

static void propose(xr_bft *b, xr_actions *acts) {
    XR_ASSERT(is_validator(b) && !b->decided);
    XR_ASSERT(proposer_of(b, b->round) == (uint32_t)b->self_idx);
    rslot *s = slot_of(b, b->round);
    XR_ASSERT(s != NULL && !s->has_prop);
    uint32_t bi, pol;
    if (b->valid_round >= 0) {
        bi = b->valid_blk;
        pol = (uint32_t)b->valid_round;
    } else {
        bi = build_block(b);
        pol = XR_BFT_NO_ROUND;
    }
    xr_bft_core c;
    core_init(b, &c, XR_BFT_PROPOSAL, b->round, b->blocks[bi].id);
    c.pol_round = pol;
    memcpy(c.validator, b->self.bytes, 20);
    if (sign_core(b, &c) != 0) return;
    s->has_prop = true;
    s->prop_blk = bi;
    s->pol_round = pol;
    s->proposer = (uint32_t)b->self_idx;
    memcpy(s->prop_sig, c.sig, 65);
    mark_seen(b, s, (uint32_t)b->self_idx);
    emit_msg(b, acts, NIL_IDX, &c, b->blocks[bi].bytes, b->blocks[bi].len, NULL, 0);
    if (pol != XR_BFT_NO_ROUND) relay_pol(b, acts, pol, b->blocks[bi].id);
}

/* Round catch-up (CometBFT's consensus reactor, gossipVotesRoutine: a peer
** at our height gets the votes of the round it is in).  A validator's
** message of round r < ours, when r is the highest round we saw it sign at
** this height, says it is still in round r; votes it lost there may be gone
** for good (a partition dropped them and nobody re-sends a past round), and
** with less than f+1 power ahead of it nothing moves it on: 3 of 9 honest
** nodes in round 12 and 5 in round 11 stayed so forever (swarm seed 10158).
** So we SEND our own prevote and precommit of round r back to the peer it
** came from.  Not for a message that is merely late: one of a signer seen
** in a later round (a straggler, a POL relay), or one that reaches us
** within retransmit_ns of entering our round (still in flight when we
** moved; a peer really left behind re-sends its votes every retransmit_ns
** and so is answered one period later).  At most once per signer and round
** per retransmit_ns.  Our precommit goes without its extension: the peer
** needs the vote, and the attestation votes travel in current precommits. */
static void round_catchup(xr_bft *b, uint64_t now_ns, xr_actions *acts, uint32_t vi, uint32_t from,
                          uint32_t r) {
    XR_ASSERT(r < b->round && vi < b->vs.count && !b->decided);
    if (!is_validator(b) || vi == (uint32_t)b->self_idx) return;
    if (b->peer_round[vi] != r + 1) return;
    uint64_t period = b->cfg.timeouts.retransmit_ns;
    if (now_ns < add_sat(b->round_at_ns, period)) return;
    if (b->rc_round[vi] == r + 1 && now_ns < add_sat(b->rc_at[vi], period)) return;
    rslot *s = slot_of(b, r);
    if (!s) return;
    uint32_t me = (uint32_t)b->self_idx;
    if (s->pv[me].state == V_NONE && s->pc[me].state == V_NONE) return;
    b->rc_round[vi] = r + 1;
    b->rc_at[vi] = now_ns;
    b->stats.round_catchups++;
    xr_bft_core c;
    if (s->pv[me].state != V_NONE) {
        core_from_vrec(b, &c, XR_BFT_PREVOTE, s->round, me, &s->pv[me]);
        emit_msg(b, acts, from, &c, NULL, 0, NULL, 0);
    }
    if (s->pc[me].state != V_NONE) {
        core_from_vrec(b, &c, XR_BFT_PRECOMMIT, s->round, me, &s->pc[me]);
        emit_msg(b, acts, from, &c, NULL, 0, NULL, 0);
    }
}

static void retransmit(xr_bft *b, xr_actions *acts) {
    XR_ASSERT(!b->decided);
    if (!is_validator(b)) return;
    rslot *s = slot_of(b, b->round);
    if (!s) return;
    uint32_t me = (uint32_t)b->self_idx;
    xr_bft_core c;
    if (s->has_prop && s->proposer == me) {
        core_from_prop(b, &c, s);
        const bslot *bk = &b->blocks[s->prop_blk];
        emit_msg(b, acts, NIL_IDX, &c, bk->bytes, bk->len, NULL, 0);
    }
    if (s->pv[me].state != V_NONE) {
        core_from_vrec(b, &c, XR_BFT_PREVOTE, s->round, me, &s->pv[me]);
        emit_msg(b, acts, NIL_IDX, &c, NULL, 0, NULL, 0);
    }
    if (s->pc[me].state != V_NONE) {
        core_from_vrec(b, &c, XR_BFT_PRECOMMIT, s->round, me, &s->pc[me]);
        uint32_t ext_n = s->pc[me].state == V_BLOCK ? build_ext(b) : 0;
        emit_msg(b, acts, NIL_IDX, &c, NULL, 0, b->scratch_ext, ext_n);
    }
}

/* ---- rounds, decisions, heights ------------------------------------------------------ */

static void start_round(xr_bft *b, uint64_t now_ns, xr_actions *acts, uint32_t r) {
    XR_ASSERT(!b->decided);
    XR_ASSERT(r == 0 || r > b->round);
    b->round = r;
    b->round_at_ns = now_ns;
    b->step = XR_BFT_STEP_PROPOSE;
    b->stats.rounds_started++;
    rslot *s = slot_admit(b, r, -1);
    XR_ASSERT(s != NULL); /* the current round can always evict an unpinned older one */
    b->timers[T_PREVOTE].armed = false;
    b->timers[T_PRECOMMIT].armed = false;
    if (is_validator(b) && proposer_of(b, r) == (uint32_t)b->self_idx && !s->has_prop) {
        b->timers[T_PROPOSE].armed = false;
        propose(b, acts);
    }
    if (!(s->has_prop && b->self_idx >= 0 && s->proposer == (uint32_t)b->self_idx)) {
        /* not our own proposal: wait for one (a stored proposal with a POL
        ** not yet seen may also need the timeout) */
        const xr_bft_timeouts *t = &b->cfg.timeouts;
        arm(b, T_PROPOSE, add_sat(now_ns, timeout_of(t->propose_ns, t->propose_delta_ns, r)));
    }
    arm(b, T_RETRANSMIT, add_sat(now_ns, b->cfg.timeouts.retransmit_ns));
}

static void save_history(xr_bft *b, const rslot *s) {
    XR_ASSERT(b->decided && s->used && s->has_prop);
    XR_ASSERT(s->prop_blk == b->decided_blk);
    hist *h = &b->hists[b->height % b->cfg.commit_history];
    const bslot *bk = &b->blocks[s->prop_blk];
    h->used = true;
    h->height = b->height;
    h->round = s->round;
    h->pol_round = s->pol_round;
    memcpy(h->block_id, bk->id, 32);
    memcpy(h->proposer, b->vs.members[s->proposer].addr.bytes, 20);
    memcpy(h->prop_sig, s->prop_sig, 65);
    h->block_len = bk->len;
    memcpy(h->block, bk->bytes, bk->len);
    h->pc_count = 0;
    for (uint32_t i = 0; i < b->vs.count; i++) {
        const uint8_t *sig;
        if (vote_is(s->pc[i].state, s->pc[i].id, bk->id))
            sig = s->pc[i].sig;
        else if (vote_is(s->pc[i].alt_state, s->pc[i].alt_id, bk->id))
            sig = s->pc[i].alt_sig;
        else
            continue;
        uint8_t *e = h->pc + (size_t)h->pc_count * 85u;
        memcpy(e, b->vs.members[i].addr.bytes, 20);
        memcpy(e + 20, sig, 65);
        h->pc_count++;
    }
}

static void emit_approvals(xr_bft *b, xr_actions *acts) {
    XR_ASSERT(b->att != NULL && b->scratch_sigs != NULL);
    xr_attpool_begin_block(b->att);
    for (;;) {
        xr_attpool_approval ap;
        int r = xr_attpool_next_approval(b->att, &b->vs, &ap, b->scratch_sigs,
                                         (size_t)b->cfg.max_validators * 85u);
        XR_ASSERT(r >= 0); /* scratch holds every member */
        if (r == 0) return;
        b->stats.approvals++;
        if (!acts) continue;
        xr_action a;
        memset(&a, 0, sizeof a);
        a.kind = XR_ACT_ATTEST_APPROVED;
        a.u.approved.header = ap.header;
        a.u.approved.root = ap.root;
        a.u.approved.valset_id = ap.valset_id;
        a.u.approved.signed_power = ap.signed_power;
        a.u.approved.total_power = ap.total_power;
        a.u.approved.height = b->height;
        a.u.approved.sig_count = ap.sig_count;
        a.u.approved.finalized_override = ap.finalized_override;
        int rc = xr_actions_copy(acts, b->scratch_sigs, (size_t)ap.sig_count * 85u,
                                 &a.u.approved.sigs);
        if (rc == 0) rc = xr_actions_push(acts, &a);
        note_rc(b, rc);
    }
}

static void decide(xr_bft *b, uint64_t now_ns, xr_actions *acts, rslot *s) {
    XR_ASSERT(!b->decided && s->used && s->has_prop);
    XR_ASSERT(has_quorum(b, power_for(s, TL_PRECOMMIT, b->blocks[s->prop_blk].id)));
    const bslot *bk = &b->blocks[s->prop_blk];
    b->decided = true;
    b->decided_round = s->round;
    b->decided_blk = s->prop_blk;
    b->step = XR_BFT_STEP_COMMIT;
    b->stats.commits++;
    if (acts) {
        xr_action a;
        memset(&a, 0, sizeof a);
        a.kind = XR_ACT_COMMIT;
        a.u.commit.height = b->height;
        a.u.commit.round = s->round;
        memcpy(a.u.commit.block_id, bk->id, 32);
        a.u.commit.valset_id = b->vs.id;
        int rc = xr_actions_copy(acts, bk->bytes, bk->len, &a.u.commit.block);
        if (rc == 0) rc = xr_actions_push(acts, &a);
        note_rc(b, rc);
    }
    xr_bft_block blk;
    int rc = xr_bft_block_decode(bk->bytes, bk->len, &b->lim, &blk);
    XR_ASSERT(rc == 0); /* valid blocks decode */
    for (uint32_t i = 0; i < blk.vote_count; i++) {
        xr_att_vote v, conflict;
        xr_candpool_prefetch_ahead(b->cands, blk.votes, XR_BFT_BLOCK_VOTE_BYTES, i,
                                   blk.vote_count, NULL);
        xr_bft_block_vote_get_unrooted(&blk, i, &v);
        /* found before the add, which leaves the candidates alone */
        uint32_t ci = xr_candpool_find(b->cands, v.validator, &v.header);
        const xr_att_vote *known = ci != XR_CANDPOOL_NONE ? xr_candpool_vote(b->cands, ci) : NULL;
        vote_fill_root(b, &v, known);
        int ar = xr_attpool_add(b->att, &v, &conflict);
        if (ar == XR_ERR_BFT_EQUIVOCATION) evidence_votes(b, acts, &conflict, &v);
        if (ar == XR_ERR_CAPACITY) b->stats.att_dropped++;
        if (known && bytes_eq(known->root.bytes, v.root.bytes, 32))
            xr_candpool_remove(b->cands, ci);
    }
    emit_approvals(b, acts);
    cand_purge_stale(b);
    save_history(b, s);
    for (int t = 0; t < T_COUNT; t++) b->timers[t].armed = false;
    /* others already sent next-height messages, or more than f+1 power is
    ** further ahead: this node is catching up, so no block interval */
    bool late = b->fut_count > 0 || behind(b);
    arm(b, T_COMMIT, late ? now_ns : add_sat(now_ns, b->cfg.timeouts.commit_ns));
}

static void run_rules(xr_bft *b, uint64_t now_ns, xr_actions *acts);
static int handle(xr_bft *b, uint64_t now_ns, uint32_t from, const uint8_t *bytes, size_t len,
                  xr_actions *acts, bool replay);

static void new_height(xr_bft *b, uint64_t now_ns, xr_actions *acts) {
    XR_ASSERT(b->decided);
    XR_ASSERT(b->step == XR_BFT_STEP_COMMIT && b->height < UINT64_MAX);
    memcpy(b->prev_block_id, b->blocks[b->decided_blk].id, 32);
    b->height++;
    /* next height's priorities: one step from this height's */
    (void)prio_step(b, b->prio_base);
    if (b->has_next && b->next_from <= b->height) {
        /* keep the old members and priorities aside in prio_work / next_vs */
        uint32_t old_n = b->vs.count;
        memcpy(b->prio_work, b->prio_base, sizeof(int64_t) * old_n);
        xr_validator *old_store = b->vs.members;
        xr_valset tmp = b->vs;
        b->vs = b->next_vs;
        b->next_vs = tmp;
        b->has_next = false;
        prio_remap(b, old_store, old_n, b->prio_work);
        b->self_idx = vindex(b, b->self.bytes);
        memset(b->seen_height, 0, sizeof(uint64_t) * b->cfg.max_validators);
    }
    b->cache_steps = 0;
    b->decided = false;
    b->locked_round = -1;
    b->valid_round = -1;
    for (uint32_t i = 0; i < b->nslots; i++) b->slots[i].used = false;
    for (uint32_t i = 0; i < b->nblocks; i++) b->blocks[i].used = false;
    memset(b->catchup_rounds, 0, b->cfg.max_validators);
    memset(b->peer_round, 0, sizeof(uint32_t) * b->cfg.max_validators);
    memset(b->rc_round, 0, sizeof(uint32_t) * b->cfg.max_validators);
    for (int t = 0; t < T_COUNT; t++) b->timers[t].armed = false;
    start_round(b, now_ns, acts, 0);
    /* replay what arrived early for this height, then drop it */
    uint32_t n = b->fut_count;
    for (uint32_t i = 0; i < n; i++) {
        fentry e = b->fut[i];
        if (e.height == b->height) {
            (void)handle(b, now_ns, e.from, b->fut_bytes + e.off, e.len, acts, true);
            run_rules(b, now_ns, acts);
        }
    }
    XR_ASSERT(b->fut_count == n); /* replayed messages are for this height */
    b->fut_count = 0;
    b->fut_used = 0;
}

static void run_rules(xr_bft *b, uint64_t now_ns, xr_actions *acts) {
    XR_ASSERT(b->started && b->nslots >= 4);
    for (uint32_t guard = 0; guard < 4u * b->nslots + 64u; guard++) {
        if (b->decided) return;
        rslot *cur = slot_of(b, b->round);
        XR_ASSERT(cur != NULL);
        /* line 49: decide on a proposal with 2f+1 precommits, any round */
        for (uint32_t i = 0; i < b->nslots; i++) {
            rslot *s = &b->slots[i];
            if (!s->used || !s->has_prop || !has_quorum(b, s->precommit_power)) continue;
            for (int twin = 0; twin < (s->has_alt ? 2 : 1); twin++) {
                if (twin) slot_promote_alt(s);
                const uint8_t *id = b->blocks[s->prop_blk].id;
                if (has_quorum(b, power_for(s, TL_PRECOMMIT, id)) && block_valid(b, s->prop_blk)) {
                    decide(b, now_ns, acts, s);
                    return;
                }
                if (twin) slot_promote_alt(s); /* put it back */
            }
        }
        /* line 55: f+1 of a higher round */
        int64_t skip = -1;
        for (uint32_t i = 0; i < b->nslots; i++) {
            rslot *s = &b->slots[i];
            if (s->used && s->round > b->round && has_skip_power(b, s->any_power) &&
                (int64_t)s->round > skip)
                skip = s->round;
        }
        if (skip >= 0) {
            start_round(b, now_ns, acts, (uint32_t)skip);
            continue;
        }
        const uint8_t *pid = cur->has_prop ? b->blocks[cur->prop_blk].id : NULL;
        if (b->step == XR_BFT_STEP_PROPOSE && cur->has_prop) {
            uint32_t vr = cur->pol_round;
            const uint8_t *lid = b->locked_round >= 0 ? b->blocks[b->locked_blk].id : NULL;
            bool same_lock = lid && memcmp(lid, pid, 32) == 0;
            if (vr == XR_BFT_NO_ROUND) { /* line 22 */
                bool ok = block_valid(b, cur->prop_blk) && (b->locked_round < 0 || same_lock);
                prevote(b, acts, ok ? pid : NULL);
                continue;
            }
            rslot *ps = vr < b->round ? slot_of(b, vr) : NULL;
            if (ps && has_quorum(b, power_for(ps, TL_PREVOTE, pid))) { /* line 28 */
                bool ok = block_valid(b, cur->prop_blk) &&
                          (b->locked_round <= (int64_t)vr || same_lock);
                prevote(b, acts, ok ? pid : NULL);
                continue;
            }
        }
        /* not in the paper: f+1 power already signs beyond the next height,
        ** so the proposal for this one is long gone -- end the propose step
        ** now (as its timeout would), which also asks peers for catch-up */
        if (b->step == XR_BFT_STEP_PROPOSE && behind(b)) {
            prevote(b, acts, NULL);
            continue;
        }
        /* line 34 */
        if (b->step == XR_BFT_STEP_PREVOTE && !cur->prevote_timer_done &&
            has_quorum(b, cur->prevote_power)) {
            cur->prevote_timer_done = true;
            const xr_bft_timeouts *t = &b->cfg.timeouts;
            arm(b, T_PREVOTE,
                add_sat(now_ns, timeout_of(t->prevote_ns, t->prevote_delta_ns, b->round)));
        }
        /* line 36 (for either twin of an equivocating proposer) */
        if ((b->step == XR_BFT_STEP_PREVOTE || b->step == XR_BFT_STEP_PRECOMMIT) &&
            !cur->polka_done && cur->has_alt && !has_quorum(b, power_for(cur, TL_PREVOTE, pid)) &&
            has_quorum(b, power_for(cur, TL_PREVOTE, b->blocks[cur->alt_blk].id))) {
            slot_promote_alt(cur);
            pid = b->blocks[cur->prop_blk].id;
        }
        if ((b->step == XR_BFT_STEP_PREVOTE || b->step == XR_BFT_STEP_PRECOMMIT) &&
            !cur->polka_done && cur->has_prop && has_quorum(b, power_for(cur, TL_PREVOTE, pid)) &&
            block_valid(b, cur->prop_blk)) {
            cur->polka_done = true;
            if (b->step == XR_BFT_STEP_PREVOTE) {
                b->locked_round = b->round;
                b->locked_blk = cur->prop_blk;
                precommit(b, acts, pid);
            }
            b->valid_round = b->round;
            b->valid_blk = cur->prop_blk;
            continue;
        }
        /* line 44 */
        if (b->step == XR_BFT_STEP_PREVOTE && has_quorum(b, power_for(cur, TL_PREVOTE, NULL))) {
            precommit(b, acts, NULL);
            continue;
        }
        /* line 47 */
        if (!cur->precommit_timer_done && has_quorum(b, cur->precommit_power)) {
            cur->precommit_timer_done = true;
            const xr_bft_timeouts *t = &b->cfg.timeouts;
            arm(b, T_PRECOMMIT,
                add_sat(now_ns, timeout_of(t->precommit_ns, t->precommit_delta_ns, b->round)));
        }
        return;
    }
}

/* ---- incoming messages ----------------------------------------------------------------- */

static const hist *hist_of(const xr_bft *b, uint64_t height) {
    XR_ASSERT(b->cfg.commit_history >= 1);
    const hist *h = &b->hists[height % b->cfg.commit_history];
    return h->used && h->height == height ? h : NULL;
}

/* Send the proposal and decisive precommits of decided height h to `from`. */
static void send_commit(xr_bft *b, xr_actions *acts, uint32_t from, const hist *h) {
    XR_ASSERT(h != NULL && h->used);
    XR_ASSERT(h->pc_count <= b->cfg.max_validators && h->block_len <= b->max_block_bytes);
    xr_bft_core pc;
    memset(&pc, 0, sizeof pc);
    pc.type = XR_BFT_PROPOSAL;
    pc.chain_id = b->cfg.chain_id;
    pc.height = h->height;
    pc.round = h->round;
    pc.pol_round = h->pol_round;
    memcpy(pc.block_id, h->block_id, 32);
    memcpy(pc.validator, h->proposer, 20);
    memcpy(pc.sig, h->prop_sig, 65);
    emit_msg(b, acts, from, &pc, h->block, h->block_len, NULL, 0);
    for (uint32_t i = 0; i < h->pc_count; i++) {
        xr_bft_core vc = pc;
        vc.type = XR_BFT_PRECOMMIT;
        vc.pol_round = XR_BFT_NO_ROUND;
        memcpy(vc.validator, h->pc + (size_t)i * 85u, 20);
        memcpy(vc.sig, h->pc + (size_t)i * 85u + 20, 65);
        emit_msg(b, acts, from, &vc, NULL, 0, NULL, 0);
    }
}

/* A verified message for a height this node decided: maybe help the peer
** it came from.  Replies are limited per peer: one per height per
** catchup_ns.  The reply carries that height and the next (if decided), so
** a node one height behind catches up in one exchange. */
static void maybe_catchup(xr_bft *b, uint64_t now_ns, xr_actions *acts, uint32_t from,
                          const xr_bft_core *c) {
    const hist *h = hist_of(b, c->height);
    if (!h) return;
    /* during our commit wait, messages for the decided block in the deciding
    ** round are normal stragglers (the rest of that round's precommits are
    ** on their way to their sender); once we moved on, anything from that
    ** height comes from a node stuck there (or relays a commit to us, which
    ** the per-peer limit keeps cheap) */
    if (c->height == b->height && c->round == h->round &&
        memcmp(c->block_id, h->block_id, 32) == 0)
        return;
    uint32_t n = b->cfg.max_validators, slot = 0;
    for (uint32_t i = 0; i < n; i++) {
        served *e = &b->served[i];
        if (e->used && e->from == from) {
            /* one reply per peer per catchup_ns, unless it now asks about a
            ** height beyond what it was sent (it made progress) */
            if (c->height <= e->height && now_ns < add_sat(e->at_ns, b->cfg.timeouts.catchup_ns))
                return;
            slot = i;
            break;
        }
        if (!e->used || (b->served[slot].used && e->at_ns < b->served[slot].at_ns)) slot = i;
    }
    const hist *h2 = hist_of(b, c->height + 1);
    b->served[slot] = (served){true, from, h2 ? c->height + 1 : c->height, now_ns};
    b->stats.catchups_sent++;
    send_commit(b, acts, from, h);
    if (h2) send_commit(b, acts, from, h2);
}


static int verify_core(const xr_bft *b, const xr_bft_core *c) {
    XR_ASSERT(b->sig != NULL && c != NULL);
    uint8_t d[32];
    xr_bft_core_digest_with(b->keccak, c, d);
    return xr_sig_verify(b->sig, d, c->sig, c->validator);
}

static int reject(xr_bft *b, uint64_t *counter, int rc) {
    XR_ASSERT(counter != NULL && rc < 0);
    (*counter)++;
    return rc;
}

/* Buffer a message for height + 1. */
static int buffer_future(xr_bft *b, uint32_t from, const uint8_t *bytes, size_t len,
                         const xr_bft_core *c) {
    const xr_valset *vs = (b->has_next && b->next_from <= b->height + 1) ? &b->next_vs : &b->vs;
    if (vindex_in(vs, c->validator) < 0) return reject(b, &b->stats.rej_signer, XR_ERR_BFT_NOT_VALIDATOR);
    if (verify_core(b, c) != 0) return reject(b, &b->stats.rej_sig, XR_ERR_SIG_INVALID);
    uint32_t mine = 0;
    for (uint32_t i = 0; i < b->fut_count; i++) {
        const fentry *e = &b->fut[i];
        if (memcmp(e->signer, c->validator, 20) != 0) continue;
        if (e->len == len && memcmp(b->fut_bytes + e->off, bytes, len) == 0)
            return reject(b, &b->stats.duplicates, XR_ERR_BFT_DUPLICATE);
        mine++;
    }
    if (mine >= b->cfg.future_per_signer || b->fut_count >= b->cfg.future_msgs ||
        len > (size_t)(b->cfg.future_bytes - b->fut_used))
        return reject(b, &b->stats.future_dropped, XR_ERR_CAPACITY);
    fentry *e = &b->fut[b->fut_count++];
    e->height = c->height;
    e->off = b->fut_used;
    e->len = (uint32_t)len;
    e->from = from;
    memcpy(e->signer, c->validator, 20);
    memcpy(b->fut_bytes + b->fut_used, bytes, len);
    b->fut_used += (uint32_t)len;
    b->stats.future_buffered++;
    return 0;
}

static int handle(xr_bft *b, uint64_t now_ns, uint32_t from, const uint8_t *bytes, size_t len,
                  xr_actions *acts, bool replay) {
    xr_bftmsg m;
    int rc = xr_bftmsg_decode_with(b->keccak, bytes, len, &b->lim, &m);
    if (rc) return reject(b, &b->stats.rej_decode, rc);
    const xr_bft_core *c = &m.core;
    if (c->chain_id != b->cfg.chain_id) return reject(b, &b->stats.rej_chain, XR_ERR_BFT_WRONG_CHAIN);
    if (c->height > b->height + 1) {
        /* dropped, but a verified one tells how far ahead its signer is */
        int64_t fi = vindex(b, c->validator);
        if (fi >= 0 && c->height > b->seen_height[fi] && verify_core(b, c) == 0)
            b->seen_height[fi] = c->height;
        return reject(b, &b->stats.rej_height, XR_ERR_BFT_HEIGHT);
    }
    if (c->height == b->height + 1) {
        if (replay) return XR_ERR_BFT_HEIGHT;
        return buffer_future(b, from, bytes, len, c);
    }
    int64_t idx = vindex(b, c->validator);
    if (idx < 0) return reject(b, &b->stats.rej_signer, XR_ERR_BFT_NOT_VALIDATOR);
    if (verify_core(b, c) != 0) return reject(b, &b->stats.rej_sig, XR_ERR_SIG_INVALID);
    uint32_t vi = (uint32_t)idx;
    if (c->height > b->seen_height[vi]) b->seen_height[vi] = c->height;
    if (c->height < b->height || b->decided) {
        /* late: its extension still feeds proposals; its sender may lag */
        if (c->type == XR_BFT_PRECOMMIT) (void)harvest_ext(b, acts, &m);
        maybe_catchup(b, now_ns, acts, from, c);
        return reject(b, &b->stats.rej_height, XR_ERR_BFT_HEIGHT);
    }
    if (c->round < UINT32_MAX && c->round >= b->peer_round[vi]) b->peer_round[vi] = c->round + 1u;
    if (c->round < b->round) round_catchup(b, now_ns, acts, vi, from, c->round);
    rslot *s = slot_admit(b, c->round, idx);
    if (!s) return reject(b, &b->stats.rej_round, XR_ERR_BFT_ROUND);
    if (c->type == XR_BFT_PROPOSAL) {
        if (proposer_of(b, c->round) != vi)
            return reject(b, &b->stats.rej_proposer, XR_ERR_BFT_NOT_PROPOSER);
        if (s->has_prop) {
            xr_bft_core old;
            core_from_prop(b, &old, s);
            if (memcmp(old.block_id, c->block_id, 32) == 0 && old.pol_round == c->pol_round)
                return reject(b, &b->stats.duplicates, XR_ERR_BFT_DUPLICATE);
            if (s->has_alt && memcmp(b->blocks[s->alt_blk].id, c->block_id, 32) == 0 &&
                s->alt_pol == c->pol_round)
                return reject(b, &b->stats.duplicates, XR_ERR_BFT_DUPLICATE);
            evidence_cores(b, acts, &old, c);
            /* keep the better-supported of the later twins as the alternate */
            uint64_t sup_new =
                power_for(s, TL_PREVOTE, c->block_id) + power_for(s, TL_PRECOMMIT, c->block_id);
            uint64_t sup_alt = 0;
            if (s->has_alt) {
                const uint8_t *aid = b->blocks[s->alt_blk].id;
                sup_alt = power_for(s, TL_PREVOTE, aid) + power_for(s, TL_PRECOMMIT, aid);
            }
            if (!s->has_alt || sup_new >= sup_alt) {
                bool had = s->has_alt;
                s->has_alt = false; /* its block slot may be reused */
                uint32_t bi = blk_store(b, c->block_id, m.block, m.block_len);
                if (bi != NIL_IDX) {
                    s->has_alt = true;
                    s->alt_blk = bi;
                    s->alt_pol = c->pol_round;
                    memcpy(s->alt_sig, c->sig, 65);
                } else {
                    s->has_alt = had;
                }
            }
            return XR_ERR_BFT_EQUIVOCATION;
        }
        uint32_t bi = blk_store(b, c->block_id, m.block, m.block_len);
        if (bi == NIL_IDX) return reject(b, &b->stats.rej_round, XR_ERR_CAPACITY);
        s->has_prop = true;
        s->prop_blk = bi;
        s->pol_round = c->pol_round;
        s->proposer = vi;
        memcpy(s->prop_sig, c->sig, 65);
        mark_seen(b, s, vi);
        b->stats.msgs_ok++;
        return 0;
    }
    vrec *v = c->type == XR_BFT_PREVOTE ? &s->pv[vi] : &s->pc[vi];
    int tl = c->type == XR_BFT_PREVOTE ? TL_PREVOTE : TL_PRECOMMIT;
    uint8_t state = xr_bft_id_is_nil(c->block_id) ? V_NIL : V_BLOCK;
    /* CometBFT adds a precommit for a block only once the application
    ** accepted its extension (consensus/state.go addVote calls
    ** VerifyVoteExtension and drops the vote on REJECT); Omni rejects one
    ** with any bad vote (halo/attest/keeper VerifyVoteExtension).  A nil
    ** precommit carries none (decode refuses one that does). */
    if (c->type == XR_BFT_PRECOMMIT && !harvest_ext(b, acts, &m) && state == V_BLOCK)
        return reject(b, &b->stats.rej_ext, XR_ERR_BFT_EXT_REJECTED);
    if (v->state != V_NONE) {
        const uint8_t *cid = state == V_NIL ? NULL : c->block_id;
        if (vote_is(v->state, v->id, cid) || vote_is(v->alt_state, v->alt_id, cid))
            return reject(b, &b->stats.duplicates, XR_ERR_BFT_DUPLICATE);
        xr_bft_core old;
        core_from_vrec(b, &old, c->type, c->round, vi, v);
        evidence_cores(b, acts, &old, c);
        uint64_t w = vpower(b, vi);
        if (v->alt_state == V_NONE) {
            v->alt_state = state;
            memcpy(v->alt_id, c->block_id, 32);
            memcpy(v->alt_sig, c->sig, 65);
            tally_add(b, s, tl, state, c->block_id, w);
        } else {
            /* A third conflicting vote: keep the better-supported of the later
            ** twins (as for proposals).  Keeping the first two whatever came
            ** next let a validator that signed three votes (two made up, then
            ** the real one) make a node drop the vote the others decided with:
            ** 6 honest nodes then stayed at a height 3 others had left (swarm
            ** seeds 2154, 6814, 6844, a mutant). */
            uint64_t sup_new = state == V_NIL ? s->nil_power[tl] : power_for(s, tl, c->block_id);
            uint64_t sup_alt = v->alt_state == V_NIL ? s->nil_power[tl] : power_for(s, tl, v->alt_id);
            XR_ASSERT(sup_alt >= w);
            if (sup_new > sup_alt - w) {
                tally_sub(s, tl, v->alt_state, v->alt_id, w);
                v->alt_state = state;
                memcpy(v->alt_id, c->block_id, 32);
                memcpy(v->alt_sig, c->sig, 65);
                tally_add(b, s, tl, state, c->block_id, w);
            }
        }
        return XR_ERR_BFT_EQUIVOCATION;
    }
    v->state = state;
    memcpy(v->id, c->block_id, 32);
    memcpy(v->sig, c->sig, 65);
    tally_add(b, s, tl, state, c->block_id, vpower(b, vi));
    if (c->type == XR_BFT_PREVOTE)
        s->prevote_power += vpower(b, vi);
    else
        s->precommit_power += vpower(b, vi);
    mark_seen(b, s, vi);
    b->stats.msgs_ok++;
    return 0;
}

/* ---- invariants ------------------------------------------------------------------------ */

#ifndef NDEBUG
/* Recount what a round slot keeps incrementally (powers and tallies) from
** its vote records and compare. */
static void slot_invariants(const xr_bft *b, const rslot *s) {
    XR_ASSERT(!s->has_prop || (s->prop_blk < b->nblocks && b->blocks[s->prop_blk].used));
    XR_ASSERT(!s->has_prop || s->proposer < b->vs.count);
    XR_ASSERT(!s->has_alt || (s->has_prop && s->alt_blk < b->nblocks && b->blocks[s->alt_blk].used));
    uint64_t pv = 0, pc = 0, any = 0, both[2] = {0, 0}, nil[2] = {0, 0};
    for (uint32_t i = 0; i < b->vs.count; i++) {
        uint64_t w = vpower(b, i);
        const vrec *r[2] = {&s->pv[i], &s->pc[i]};
        for (int t = 0; t < 2; t++) {
            XR_ASSERT(r[t]->state <= V_BLOCK && r[t]->alt_state <= V_BLOCK);
            XR_ASSERT(r[t]->alt_state == V_NONE || r[t]->state != V_NONE);
            both[t] += w * ((r[t]->state != V_NONE) + (r[t]->alt_state != V_NONE));
            nil[t] += w * ((r[t]->state == V_NIL) + (r[t]->alt_state == V_NIL));
        }
        if (s->pv[i].state != V_NONE) pv += w;
        if (s->pc[i].state != V_NONE) pc += w;
        XR_ASSERT(s->seen[i] <= 1);
        if (s->seen[i]) any += w;
        XR_ASSERT(s->seen[i] || (s->pv[i].state == V_NONE && s->pc[i].state == V_NONE));
    }
    XR_ASSERT(s->prevote_power == pv && s->precommit_power == pc && s->any_power == any);
    for (int t = 0; t < 2; t++) {
        XR_ASSERT(s->nil_power[t] == nil[t]);
        XR_ASSERT(s->tally_count[t] <= 2u * b->cfg.max_validators);
        uint64_t sum = s->nil_power[t];
        for (uint32_t k = 0; k < s->tally_count[t]; k++) sum += s->tallies[t][k].power;
        XR_ASSERT(sum == both[t]);
    }
}

/* Everything the node's state must satisfy between public calls (TigerBeetle's
** replica invariants()): run after every public call that can change state,
** in debug builds only (it recounts every tracked round). */
static void invariants(const xr_bft *b) {
    XR_ASSERT(b != NULL && cfg_ok(&b->cfg));
    XR_ASSERT(b->height >= 1);
    XR_ASSERT(b->vs.count >= 1 && b->vs.count <= b->cfg.max_validators);
    XR_ASSERT(b->vs.total_power >= 1 && b->vs.total_power <= MAX_TOTAL_POWER);
    XR_ASSERT(b->self_idx >= -1 && b->self_idx < (int64_t)b->vs.count);
    XR_ASSERT(!b->has_next || (b->next_vs.count >= 1 && b->next_vs.id > b->vs.id));
    XR_ASSERT(b->step <= XR_BFT_STEP_COMMIT);
    XR_ASSERT(b->decided == (b->step == XR_BFT_STEP_COMMIT));
    XR_ASSERT(!b->decided || (b->decided_blk < b->nblocks && b->blocks[b->decided_blk].used));
    XR_ASSERT(b->locked_round >= -1 && b->locked_round <= (int64_t)b->round);
    XR_ASSERT(b->valid_round >= -1 && b->valid_round <= (int64_t)b->round);
    XR_ASSERT(b->locked_round < 0 || (b->locked_blk < b->nblocks && b->blocks[b->locked_blk].used));
    XR_ASSERT(b->valid_round < 0 || (b->valid_blk < b->nblocks && b->blocks[b->valid_blk].used));
    /* a lock implies a valid value at least as recent (line 36 sets both) */
    XR_ASSERT(b->locked_round <= b->valid_round);
    XR_ASSERT(b->nslots == b->cfg.round_slots && b->nblocks == 2u * b->nslots + 4u);
    uint32_t cur = 0;
    for (uint32_t i = 0; i < b->nslots; i++) {
        const rslot *s = &b->slots[i];
        if (!s->used) continue;
        for (uint32_t j = i + 1; j < b->nslots; j++)
            XR_ASSERT(!b->slots[j].used || b->slots[j].round != s->round);
        if (s->round == b->round) cur++;
        slot_invariants(b, s);
    }
    XR_ASSERT(cur == (b->started ? 1u : 0u));
    for (uint32_t i = 0; i < b->nblocks; i++) {
        const bslot *k = &b->blocks[i];
        XR_ASSERT(!k->used || (k->len <= b->max_block_bytes && k->valid >= -1 && k->valid <= 1));
    }
    XR_ASSERT(b->fut_count <= b->cfg.future_msgs && b->fut_used <= b->cfg.future_bytes);
    for (uint32_t i = 0; i < b->fut_count; i++) {
        XR_ASSERT(b->fut[i].height == b->height + 1);
        XR_ASSERT(b->fut[i].off + b->fut[i].len <= b->fut_used);
    }
    for (uint32_t i = 0; i < b->cfg.commit_history; i++) {
        const hist *h = &b->hists[i];
        XR_ASSERT(!h->used || (h->height <= b->height && h->height % b->cfg.commit_history == i));
        XR_ASSERT(!h->used || (h->pc_count <= b->cfg.max_validators && h->block_len <= b->max_block_bytes));
    }
    for (int t = 0; t < T_COUNT; t++)
        XR_ASSERT(!b->timers[t].armed || b->timers[t].height <= b->height);
    XR_ASSERT(!b->started || b->timers[T_COMMIT].armed == b->decided);
    xr_candpool_check(b->cands);
    XR_ASSERT(xr_candpool_count(b->cands) <= b->cfg.pending_votes);
}
#endif

/* ---- public API --------------------------------------------------------------------------- */

int xr_bft_init(xr_bft **out, void *mem, size_t mem_len, const xr_bft_cfg *cfg,
                const xr_sig_backend *sig, const xr_sig_key *key, const xr_address *self,
                const xr_valset *vs, uint64_t start_height, const uint8_t prev_block_id[32],
                const xr_bft_app *app) {
    if (!out || !mem || !cfg_ok(cfg) || !sig || !self || !vs || start_height == 0)
        return XR_ERR_INVALID_ARG;
    if (((uintptr_t)mem & 15u) != 0) return XR_ERR_INVALID_ARG;
    if (mem_len < xr_bft_mem_size(cfg)) return XR_ERR_NOSPACE;
    if (vs->count == 0 || vs->total_power == 0) return XR_ERR_INVALID_ARG;
    if (vs->count > cfg->max_validators) return XR_ERR_CAPACITY;
    if (vs->total_power > MAX_TOTAL_POWER) return XR_ERR_OVERFLOW;
    xr_bft *b = mem;
    memset(b, 0, sizeof *b);
    carver cv = {(uint8_t *)mem, 0};
    layout(cfg, &cv, b);
    b->cfg = *cfg;
    b->cfg.max_block_votes = xr_bft_block_votes_cap(cfg);
    b->sig = sig;
    b->key = key;
    b->self = *self;
    if (app) b->app = *app;
    b->max_block_bytes = block_bytes_max(cfg);
    b->max_msg_bytes = msg_bytes_max(cfg);
    b->lim.max_block_bytes = b->max_block_bytes;
    b->lim.max_ext_votes = cfg->max_ext_votes;
    b->lim.max_block_votes = b->cfg.max_block_votes;
    b->lim.max_payload_bytes = cfg->max_payload_bytes;
    int rc = xr_valset_set(&b->vs, vs->id ? vs->id : 1, vs->members, vs->count);
    if (rc) return rc;
    b->self_idx = vindex(b, self->bytes);
    memset(b->prio_base, 0, sizeof(int64_t) * cfg->max_validators);
    b->height = start_height;
    if (prev_block_id) memcpy(b->prev_block_id, prev_block_id, 32);
    b->locked_round = -1;
    b->valid_round = -1;
    INVARIANTS(b);
    *out = b;
    return 0;
}

int xr_bft_start(xr_bft *b, uint64_t now_ns, xr_actions *acts) {
    XR_ASSERT(b != NULL);
    if (b->started) return XR_ERR_INVALID_ARG;
    b->started = true;
    b->call_rc = 0;
    start_round(b, now_ns, acts, 0);
    run_rules(b, now_ns, acts);
    INVARIANTS(b);
    return b->call_rc;
}

void xr_bft_set_keccak(xr_bft *b, const xr_keccak_service *svc) {
    XR_ASSERT(b != NULL);
    XR_ASSERT(svc == NULL || svc->hash != NULL);
    b->keccak = svc;
    INVARIANTS(b);
}

int xr_bft_on_message(xr_bft *b, uint64_t now_ns, uint32_t from, const uint8_t *bytes,
                      size_t len, xr_actions *acts) {
    XR_ASSERT(b != NULL && (bytes != NULL || len == 0));
    b->stats.msgs_in++;
    b->call_rc = 0;
    if (!b->started) return XR_ERR_INVALID_ARG;
    int rc = handle(b, now_ns, from, bytes, len, acts, false);
    run_rules(b, now_ns, acts);
    if (rc == 0 && b->call_rc) rc = b->call_rc;
    XR_ASSERT(rc <= 0);
    INVARIANTS(b);
    return rc;
}

int xr_bft_on_timer(xr_bft *b, uint64_t now_ns, xr_actions *acts) {
    XR_ASSERT(b != NULL);
    b->call_rc = 0;
    if (!b->started) return 0;
    for (;;) {
        int due = -1;
        for (int t = 0; t < T_COUNT; t++)
            if (b->timers[t].armed && b->timers[t].at_ns <= now_ns &&
                (due < 0 || b->timers[t].at_ns < b->timers[due].at_ns))
                due = t;
        if (due < 0) break;
        tmr tm = b->timers[due];
        b->timers[due].armed = false;
        bool here = tm.height == b->height && tm.round == b->round && !b->decided;
        switch (due) {
        case T_PROPOSE:
            if (here && b->step == XR_BFT_STEP_PROPOSE) prevote(b, acts, NULL);
            break;
        case T_PREVOTE:
            if (here && b->step == XR_BFT_STEP_PREVOTE) precommit(b, acts, NULL);
            break;
        case T_PRECOMMIT:
            if (here) start_round(b, now_ns, acts, b->round + 1);
            break;
        case T_COMMIT:
            if (b->decided && tm.height == b->height) new_height(b, now_ns, acts);
            break;
        case T_RETRANSMIT:
            if (!b->decided) {
                retransmit(b, acts);
                arm(b, T_RETRANSMIT, add_sat(now_ns, b->cfg.timeouts.retransmit_ns));
            }
            break;
        default: XR_ASSERT(0);
        }
        run_rules(b, now_ns, acts);
    }
    XR_ASSERT(xr_bft_next_deadline(b) > now_ns);
    INVARIANTS(b);
    return b->call_rc;
}

uint64_t xr_bft_next_deadline(const xr_bft *b) {
    XR_ASSERT(b != NULL);
    uint64_t d = UINT64_MAX;
    for (int t = 0; t < T_COUNT; t++)
        if (b->timers[t].armed && b->timers[t].at_ns < d) d = b->timers[t].at_ns;
    return d;
}

int xr_bft_add_local_attestation(xr_bft *b, const xr_xheader *h, const xr_hash *msg_root) {
    XR_ASSERT(b != NULL && h != NULL && msg_root != NULL);
    if (!is_validator(b)) return XR_ERR_INVALID_ARG;
    if (h->consensus_chain_id != b->cfg.chain_id) return XR_ERR_BFT_WRONG_CHAIN;
    if ((h->conf_level != XR_CONF_LATEST && h->conf_level != XR_CONF_FINALIZED) || h->offset == 0)
        return XR_ERR_BAD_VALUE;
    if (xr_attpool_check_window(b->att, h) == XR_ERR_BFT_ATT_STALE) return XR_ERR_BFT_ATT_STALE;
    xr_att_vote v;
    memset(&v, 0, sizeof v);
    memcpy(v.validator, b->self.bytes, 20);
    v.header = *h;
    v.msg_root = *msg_root;
    vote_compute_root(b, &v);
    uint32_t ci = xr_candpool_find(b->cands, v.validator, h);
    const xr_att_vote *old = ci != XR_CANDPOOL_NONE ? xr_candpool_vote(b->cands, ci) : NULL;
    if (!old) old = xr_attpool_find(b->att, v.validator, h->source_chain_id, h->conf_level, h->offset);
    if (old) {
        if (memcmp(old->root.bytes, v.root.bytes, 32) == 0) return XR_ERR_BFT_DUPLICATE;
        return XR_ERR_BFT_EQUIVOCATION;
    }
    xr_hash d;
    xr_attest_sign_digest(&v.root, &d);
    int rc = xr_sig_sign(b->sig, b->key, d.bytes, v.sig);
    if (rc) return rc;
    if (xr_candpool_insert(b->cands, &v, true) == XR_CANDPOOL_NONE) return XR_ERR_CAPACITY;
    INVARIANTS(b);
    return 0;
}

int xr_bft_set_next_valset(xr_bft *b, uint64_t from_height, uint64_t id,
                           const xr_validator *members, uint32_t count) {
    XR_ASSERT(b != NULL);
    if (from_height <= b->height || !members) return XR_ERR_INVALID_ARG;
    if (id <= b->vs.id) return XR_ERR_VALSET_INVALID;
    int rc = xr_valset_set(&b->next_vs, id, members, count);
    if (rc) {
        b->has_next = false;
        INVARIANTS(b);
        return rc;
    }
    if (b->next_vs.total_power > MAX_TOTAL_POWER) {
        b->has_next = false;
        INVARIANTS(b);
        return XR_ERR_OVERFLOW;
    }
    b->has_next = true;
    b->next_from = from_height;
    INVARIANTS(b);
    return 0;
}

uint64_t xr_bft_height(const xr_bft *b) { return b->height; }
uint32_t xr_bft_round(const xr_bft *b) { return b->round; }
xr_bft_step xr_bft_get_step(const xr_bft *b) { return b->step; }
const xr_bft_stats *xr_bft_get_stats(const xr_bft *b) { return &b->stats; }
const xr_valset *xr_bft_valset(const xr_bft *b) { return &b->vs; }

int64_t xr_bft_locked_round(const xr_bft *b, uint8_t id_out[32]) {
    if (id_out) {
        memset(id_out, 0, 32);
        if (b->locked_round >= 0) memcpy(id_out, b->blocks[b->locked_blk].id, 32);
    }
    return b->locked_round;
}

int64_t xr_bft_valid_round(const xr_bft *b, uint8_t id_out[32]) {
    if (id_out) {
        memset(id_out, 0, 32);
        if (b->valid_round >= 0) memcpy(id_out, b->blocks[b->valid_blk].id, 32);
    }
    return b->valid_round;
}

uint64_t xr_bft_last_approved(const xr_bft *b, uint64_t chain_id, uint8_t level) {
    return xr_attpool_last_approved(b->att, chain_id, level);
}

uint32_t xr_bft_pending_votes(const xr_bft *b) { return xr_candpool_count(b->cands); }

xr_bftmsg_limits xr_bft_limits(const xr_bft *b) { return b->lim; }
