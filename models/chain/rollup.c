/*
** The rollups (see rollup.h for the model and its rules).  Layout of one
** rollup's state:
**   - `pending`: xcalls made since the last block, in call order;
**   - `blocks`: a deque of the blocks not yet final (height, hash, the
**     attest offset of their XBlock, a copy of their messages waiting for
**     the Finalized XBlock, the batch holding them);
**   - `batches`: a deque of posted, not yet final batches;
**   - `store[level]`: emitted XBlocks by attest offset (canonical), plus the
**     orphaned versions at the latest level;
**   - `txq`: destination transactions waiting for a block.
** Events (one kind for the group): node = rollup index, arg = type in the
** low 8 bits and a payload (batch id) above.
*/
#include "chain/rollup.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "xr_attest.h"
#include "xr_codec.h"
#include "xr_gas.h"
#include "xr_keccak.h"

enum { EV_BLOCK = 1, EV_BATCH = 2, EV_PROOF = 3, EV_ORACLE = 4 };
enum {
    PURPOSE_BLOCK_TIME = 1,
    PURPOSE_DEMAND = 2,
    PURPOSE_BATCH = 3,
    PURPOSE_PROOF = 4,
    PURPOSE_REORG = 5,
    PURPOSE_POOL = 6,
};
#define POOL_SLACK 4096u
#define POOL_BYTES (XR_MAX_DATA_BYTES + POOL_SLACK)
#define TAG_PROOF (1ull << 63)
#define MARKUP_PPM 1000000u

/* Messages with their metadata in one allocation: meta follows msgs. */
typedef struct msg_set {
    xr_xmsg *msgs;
    uint32_t count;
} msg_set;

static mdl_msg_meta *meta_of(const msg_set *s) { return (mdl_msg_meta *)(void *)(s->msgs + s->count); }

typedef struct xb_rec {
    xr_xheader header;
    xr_hash header_leaf, msg_root, root;
    uint64_t block_ns, emitted_ns;
    msg_set set;
    bool owns;          /* false for orphaned versions (they share the canonical's) */
    bool replacement;
} xb_rec;

typedef struct xb_store {
    xb_rec *recs;       /* canonical, offsets [base, base + len) */
    size_t len, cap;
    uint64_t base;      /* offset of recs[0] */
    uint64_t last;      /* last emitted offset */
    xb_rec *orphans;
    size_t orphan_len, orphan_cap;
} xb_store;

typedef struct blk {
    uint64_t height;
    xr_hash hash;
    uint64_t time_ns;
    uint64_t offset;            /* attest offset of its XBlock (both levels); 0: none */
    msg_set fin;                /* its messages for the Finalized XBlock, owned until final */
    uint64_t batch;             /* 0: unbatched */
} blk;

typedef struct batch_rec {
    uint64_t id;
    uint64_t first, last;       /* heights */
    uint64_t decisive_slot;     /* L1 slot whose finality makes it final; 0 unknown */
    uint64_t l1_tx;             /* its batch or proof tx waiting on L1; 0 none */
    uint64_t l1_max_fee_wei;    /* that tx's max fee */
} batch_rec;

typedef struct dtx {
    uint64_t id;
    uint8_t *bytes;
    size_t len;
    uint64_t gas_limit, max_fee_wei;
    uint32_t relayer;
    uint64_t tag;
    uint64_t submitted_ns;
} dtx;

struct mdl_rollup {
    mdl_rollups *group;
    uint32_t index;
    mdl_rollup_config cfg;
    uint64_t markup_ppm;
    xr_portal portal;
    void *portal_mem;
    gsl_rng *rng_block, *rng_demand, *rng_batch, *rng_proof, *rng_reorg;
    uint64_t base_fee_wei;
    uint64_t height;            /* last block */
    xr_hash head_hash;
    uint64_t version;           /* reorgs so far: part of the hash preimage */
    uint64_t next_offset;       /* last attest offset assigned (both levels) */
    uint64_t batched_height;    /* last height in a posted batch */
    uint64_t next_batch_id;
    uint64_t final_height;
    xr_hash final_hash;         /* of block final_height (zero for genesis) */
    /* pending xcalls */
    xr_xmsg *pend_msgs;
    mdl_msg_meta *pend_meta;
    size_t pend_len, pend_msgs_cap, pend_meta_cap;
    /* not-final blocks: blocks[head .. len) */
    blk *blocks;
    size_t blk_head, blk_len, blk_cap;
    batch_rec *batches;
    size_t bat_head, bat_len, bat_cap;
    xb_store store[MDL_LEVELS];
    dtx *txq;
    size_t txq_len, txq_cap;
    dtx *incl;                  /* scratch: the txs of one block */
    size_t incl_cap;
    uint64_t next_tx_id;
    mdl_rollup_stats stats;
};

struct mdl_rollups {
    sim_engine *engine;
    mdl_l1 *l1;
    uint32_t kind;
    mdl_rollup_callbacks cb;
    mdl_rollups_params params;
    uint64_t seed;
    mdl_rollup *r;
    size_t n;
    uint8_t *pool;
    xr_hash *work;              /* 2 * MDL_ROLLUP_BLOCK_MSGS_MAX */
    xr_submission_store *sub_store;
    xr_xreceipt *receipts;      /* XR_MAX_SUBMISSION_MSGS */
    uint64_t *msg_gas;
    bool provisional;           /* announce provisional Finalized XBlocks */
    bool failed;
};

/* ======================================================================== */

uint8_t mdl_level_conf(int level) {
    assert(level == MDL_LEVEL_LATEST || level == MDL_LEVEL_FINALIZED);
    return level == MDL_LEVEL_LATEST ? XR_CONF_LATEST : XR_CONF_FINALIZED;
}

int mdl_level_of_conf(uint8_t conf) {
    return conf == XR_CONF_LATEST ? MDL_LEVEL_LATEST : conf == XR_CONF_FINALIZED ? MDL_LEVEL_FINALIZED : -1;
}

static uint64_t sat_mul(uint64_t a, uint64_t b) {
    __extension__ unsigned __int128 p = (unsigned __int128)a * b;
    return p > UINT64_MAX ? UINT64_MAX : (uint64_t)p;
}

static uint64_t sat_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

static uint64_t mix64(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static uint32_t fold_chain(uint64_t chain_id) { return (uint32_t)(chain_id ^ (chain_id >> 32)); }

static bool grow(void **arr, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return true;
    size_t c = *cap ? *cap : 16;
    while (c < need) c *= 2;
    void *p = realloc(*arr, c * elem);
    if (p == NULL) return false;
    *arr = p;
    *cap = c;
    return true;
}

static void be64(uint8_t *out, uint64_t v) {
    for (int i = 0; i < 8; i++) out[i] = (uint8_t)(v >> (56 - 8 * i));
}

const char *mdl_rollup_config_check(const mdl_rollup_config *c) {
    if (c == NULL) return "no config";
    if (c->name[0] == '\0') return "a rollup needs a name";
    if (c->chain_id == 0) return "chain_id must not be 0";
    if (!sim_lat_check(&c->block_time, NULL, 0)) return "block_time is not a valid distribution";
    if (sim_lat_mean_ns(&c->block_time) < 1000.0) return "block_time must average at least 1us";
    if (c->gas_limit < 2) return "gas_limit must be at least 2";
    if (c->min_base_fee_wei == 0) return "min_base_fee must be at least 1 wei";
    if (c->base_fee_wei < c->min_base_fee_wei) return "base_fee is below min_base_fee";
    if (!(c->demand.congestion >= 0.0 && c->demand.congestion <= 1.0)) return "congestion must be in [0, 1]";
    if (!(c->demand.stddev >= 0.0 && c->demand.stddev <= 1.0)) return "demand stddev must be in [0, 1]";
    if (!(c->demand.elasticity >= 0.0 && c->demand.elasticity <= 10.0)) return "elasticity must be in [0, 10]";
    if (!sim_lat_check(&c->batch_interval, NULL, 0)) return "batch_interval is not a valid distribution";
    if (sim_lat_mean_ns(&c->batch_interval) < 1000.0) return "batch_interval must average at least 1us";
    if (c->batch_gas == 0) return "batch_gas must be at least 1";
    if (c->proof && c->proof_gas == 0) return "proof_gas must be at least 1";
    if (!sim_lat_check(&c->proof_delay, NULL, 0)) return "proof_delay is not a valid distribution";
    if (!(c->reorg_probability >= 0.0 && c->reorg_probability < 1.0)) return "reorg probability must be in [0, 1)";
    if (c->reorg_depth_min < 1 || c->reorg_depth_min > c->reorg_depth_max) return "reorg depth needs 1 <= min <= max";
    if (c->xmsg_min_gas_limit > c->xmsg_max_gas_limit) return "xmsg gas limits: min above max";
    if (c->xmsg_max_data_bytes > XR_MAX_DATA_BYTES) return "max_data above the core's XR_MAX_DATA_BYTES";
    if (c->oracle_interval_ns == 0) return "fee_oracle interval must be longer than 0";
    if (!(c->oracle_markup >= 0.0 && c->oracle_markup <= 10.0)) return "fee_oracle markup must be in [0, 10]";
    return NULL;
}

/* ======================================================================== */
/* XBlock storage                                                            */

static xb_rec *store_at(const xb_store *s, uint64_t offset) {
    if (offset < s->base || offset - s->base >= s->len) return NULL;
    return &s->recs[offset - s->base];
}

static void rec_roots(mdl_rollups *g, xb_rec *x) {
    xr_attest_header_leaf(&x->header, &x->header_leaf);
    int rc = xr_attest_msg_root(x->set.msgs, x->set.count, g->work, 2u * MDL_ROLLUP_BLOCK_MSGS_MAX,
                                &x->msg_root);
    assert(rc == 0);
    (void)rc;
    xr_attest_root(&x->header_leaf, &x->msg_root, &x->root);
}

static void view_of(const mdl_rollup *r, int level, const xb_rec *x, bool orphaned, mdl_xblock *out) {
    out->rollup = r->index;
    out->level = level;
    out->header = x->header;
    out->header_leaf = x->header_leaf;
    out->msg_root = x->msg_root;
    out->root = x->root;
    out->msgs = x->set.msgs;
    out->meta = x->set.count ? meta_of(&x->set) : NULL;
    out->msg_count = x->set.count;
    out->block_ns = x->block_ns;
    out->emitted_ns = x->emitted_ns;
    out->orphaned = orphaned;
    out->replacement = x->replacement;
    out->provisional = false;
}

static void emit(mdl_rollup *r, int level, const xb_rec *x, bool orphaned) {
    mdl_rollups *g = r->group;
    r->stats.xblocks[level] += !orphaned;
    if (g->cb.on_xblock == NULL) return;
    mdl_xblock v;
    view_of(r, level, x, orphaned, &v);
    g->cb.on_xblock(g->cb.ctx, &v);
}

/* Appends the canonical XBlock of `level` at attest `offset` (the next one
** of that level: both levels number a block's XBlock alike) for a block,
** taking ownership of `set`; emits it.  False on OOM (set freed). */
static bool xblock_new(mdl_rollup *r, int level, uint64_t offset, uint64_t height,
                       const xr_hash *hash, uint64_t block_ns, msg_set set) {
    xb_store *s = &r->store[level];
    if (!grow((void **)&s->recs, &s->cap, s->len + 1, sizeof *s->recs)) {
        free(set.msgs);
        return false;
    }
    if (s->len == 0) s->base = s->last + 1;
    xb_rec *x = &s->recs[s->len++];
    memset(x, 0, sizeof *x);
    x->header.source_chain_id = r->cfg.chain_id;
    x->header.consensus_chain_id = r->group->params.consensus_chain_id;
    x->header.conf_level = mdl_level_conf(level);
    assert(offset == s->last + 1);
    x->header.offset = s->last = offset;
    x->header.source_block_height = height;
    x->header.source_block_hash = *hash;
    x->block_ns = block_ns;
    x->emitted_ns = sim_now_ns(r->group->engine);
    x->set = set;
    x->owns = true;
    assert(x->header.offset == s->base + s->len - 1);
    rec_roots(r->group, x);
    emit(r, level, x, false);
    return true;
}

/* ======================================================================== */
/* blocks                                                                    */

static void block_hash(const mdl_rollup *r, uint64_t height, const xr_hash *parent, xr_hash *out) {
    uint8_t buf[12 + 8 + 8 + 32 + 8];
    memcpy(buf, "xrsim/block/", 12);
    be64(buf + 12, r->cfg.chain_id);
    be64(buf + 20, height);
    memcpy(buf + 28, parent->bytes, 32);
    be64(buf + 60, r->version);
    xr_keccak256(buf, sizeof buf, out->bytes);
}

static blk *blk_at(mdl_rollup *r, size_t i) { return &r->blocks[r->blk_head + i]; }
static size_t blk_count(const mdl_rollup *r) { return r->blk_len - r->blk_head; }

static bool blk_push(mdl_rollup *r, const blk *b) {
    if (r->blk_head > 0 && r->blk_len == r->blk_cap) {
        memmove(r->blocks, r->blocks + r->blk_head, blk_count(r) * sizeof *r->blocks);
        r->blk_len -= r->blk_head;
        r->blk_head = 0;
    }
    if (!grow((void **)&r->blocks, &r->blk_cap, r->blk_len + 1, sizeof *r->blocks)) return false;
    r->blocks[r->blk_len++] = *b;
    return true;
}

static batch_rec *bat_at(mdl_rollup *r, size_t i) { return &r->batches[r->bat_head + i]; }
static size_t bat_count(const mdl_rollup *r) { return r->bat_len - r->bat_head; }

static bool bat_push(mdl_rollup *r, const batch_rec *b) {
    if (r->bat_head > 0 && r->bat_len == r->bat_cap) {
        memmove(r->batches, r->batches + r->bat_head, bat_count(r) * sizeof *r->batches);
        r->bat_len -= r->bat_head;
        r->bat_head = 0;
    }
    if (!grow((void **)&r->batches, &r->bat_cap, r->bat_len + 1, sizeof *r->batches)) return false;
    r->batches[r->bat_len++] = *b;
    return true;
}

static void fail(mdl_rollups *g) {
    g->failed = true;
    sim_engine_stop(g->engine);
}

/* Reorganise the last `depth` blocks (all unbatched): see rollup.h. */
static void reorg(mdl_rollup *r, uint32_t depth) {
    mdl_rollups *g = r->group;
    size_t nb = blk_count(r);
    assert(depth >= 1 && depth <= nb && depth <= r->height - r->batched_height);
    uint64_t now = sim_now_ns(g->engine);
    size_t first = nb - depth;
    xb_store *s = &r->store[MDL_LEVEL_LATEST];
    r->version++;
    r->stats.reorgs++;
    r->stats.orphaned_blocks += depth;
    /* 1. announce the orphaned versions (kept for xblock_get by root) */
    for (size_t i = first; i < nb; i++) {
        blk *b = blk_at(r, i);
        if (b->offset == 0) continue;
        xb_rec *x = store_at(s, b->offset);
        if (x == NULL) continue; /* pruned already: nothing to orphan */
        if (!grow((void **)&s->orphans, &s->orphan_cap, s->orphan_len + 1, sizeof *s->orphans)) {
            fail(g);
            return;
        }
        xb_rec *o = &s->orphans[s->orphan_len++];
        *o = *x;
        o->owns = false;
        o->emitted_ns = now;
        emit(r, MDL_LEVEL_LATEST, o, true);
    }
    /* 2. new hashes from the fork point on, and the replacement XBlocks */
    xr_hash parent = first > 0 ? blk_at(r, first - 1)->hash : r->final_hash;
    for (size_t i = first; i < nb; i++) {
        blk *b = blk_at(r, i);
        block_hash(r, b->height, &parent, &b->hash);
        parent = b->hash;
        if (b->offset == 0) continue;
        xb_rec *x = store_at(s, b->offset);
        if (x == NULL) continue;
        x->header.source_block_hash = b->hash;
        x->emitted_ns = now;
        x->replacement = true;
        xr_attest_header_leaf(&x->header, &x->header_leaf);
        xr_attest_root(&x->header_leaf, &x->msg_root, &x->root);
        emit(r, MDL_LEVEL_LATEST, x, false);
    }
    r->head_hash = parent;
}

/* Takes up to MDL_ROLLUP_BLOCK_MSGS_MAX pending xcalls, in call order, as
** the block's messages (*all, every shard: Omni's XBlock holds every XMsg
** the block emitted) and a copy of them for its Finalized XBlock (*fin);
** the rest stay pending.  False on OOM (nothing taken). */
static bool take_msgs(mdl_rollup *r, msg_set *all, msg_set *fin, uint32_t *taken) {
    size_t n = r->pend_len < MDL_ROLLUP_BLOCK_MSGS_MAX ? r->pend_len : MDL_ROLLUP_BLOCK_MSGS_MAX;
    const size_t per = sizeof(xr_xmsg) + sizeof(mdl_msg_meta);
    *all = (msg_set){NULL, 0};
    *fin = (msg_set){NULL, 0};
    if (n && (all->msgs = malloc(n * per)) == NULL) return false;
    if (n && (fin->msgs = malloc(n * per)) == NULL) {
        free(all->msgs);
        all->msgs = NULL;
        return false;
    }
    all->count = fin->count = (uint32_t)n;
    if (n) {
        memcpy(all->msgs, r->pend_msgs, n * sizeof *r->pend_msgs);
        memcpy(meta_of(all), r->pend_meta, n * sizeof *r->pend_meta);
        memcpy(fin->msgs, all->msgs, n * per);
    }
    if (n > 0 && n < r->pend_len) {
        memmove(r->pend_msgs, r->pend_msgs + n, (r->pend_len - n) * sizeof *r->pend_msgs);
        memmove(r->pend_meta, r->pend_meta + n, (r->pend_len - n) * sizeof *r->pend_meta);
    }
    r->pend_len -= n;
    *taken = (uint32_t)n;
    return true;
}

/* Does block `height` with `msg_count` messages get an XBlock (at both
** levels, one attest offset)?  Omni's xchain.Block.ShouldAttest: every
** block with messages, and every attest_interval-th height even if empty
** (`xblocks: all`: every block). */
static bool should_attest(const mdl_rollup *r, uint64_t height, uint32_t msg_count) {
    if (msg_count > 0 || r->cfg.xblocks == MDL_XBLOCKS_ALL) return true;
    return r->cfg.attest_interval != 0 && height % r->cfg.attest_interval == 0;
}

/* The L1 data fee of a transaction with this calldata included now: the
** rollup's formula over the simulated L1's current base and blob fees. */
static uint64_t l1_data_fee(const mdl_rollup *r, const xr_gas_calldata *cd) {
    const mdl_l1 *l1 = r->group->l1;
    switch (r->cfg.l1_data_fee) {
    case MDL_L1_DATA_OP_ECOTONE:
        return xr_gas_l1_fee_op_ecotone(cd, mdl_l1_base_fee_wei(l1), mdl_l1_blob_base_fee_wei(l1),
                                        r->cfg.l1_base_fee_scalar, r->cfg.l1_blob_base_fee_scalar);
    case MDL_L1_DATA_ARBITRUM:
        return xr_gas_l1_fee_arbitrum(cd, mdl_l1_base_fee_wei(l1));
    default:
        return 0;
    }
}

/* Runs one included destination tx; reports it.  Returns its gas used. */
static uint64_t run_tx(mdl_rollup *r, const dtx *t, uint64_t now) {
    mdl_rollups *g = r->group;
    xr_submission sub;
    xr_gas_calldata cd;
    xr_portal_xsubmit_calldata(t->bytes, t->len, &cd);
    mdl_submit_result res = {
        .rollup = r->index,
        .tag = t->tag,
        .relayer = t->relayer,
        .submitted_ns = t->submitted_ns,
        .included_ns = now,
        .block_height = r->height + 1,
        .bad_index = -1,
        .gas_limit = t->gas_limit,
        .gas_price_wei = r->base_fee_wei,
    };
    int rc = xr_submission_decode(t->bytes, t->len, g->sub_store, &sub);
    uint64_t failed_gas = 0;
    if (rc == 0) {
        res.header = &sub.header;
        res.sub = &sub;
        xr_portal_submit_args a = {
            .sub = &sub,
            .gas_supplied = t->gas_limit,
            .calldata = cd,
            .exec = g->cb.exec,
            .exec_user = g->cb.exec_user,
        };
        mdl_rollup_relayer_address(t->relayer, &a.relayer);
        xr_portal_outcome out = {
            .receipts = g->receipts, .receipt_cap = XR_MAX_SUBMISSION_MSGS, .msg_gas = g->msg_gas};
        rc = xr_portal_submit(&r->portal, &a, &out);
        res.bad_index = out.bad_index;
        failed_gas = out.gas_used;
        if (rc == 0) {
            res.gas_used = out.gas_used;
            res.receipts = g->receipts;
            res.msg_gas = g->msg_gas;
            res.receipt_count = out.receipt_count;
        }
    }
    res.rc = rc;
    /* A rejected submission pays what the reverted transaction used (the
    ** core's outcome); undecodable calldata reverts in the ABI decoder:
    ** the intrinsic gas and the floor. */
    if (rc != 0) {
        uint64_t min = xr_gas_tx_min_limit(&cd);
        res.gas_used = res.header ? failed_gas : (t->gas_limit < min ? 0 : min);
    }
    res.fee_wei = sat_mul(res.gas_used, res.gas_price_wei);
    res.l1_fee_wei = l1_data_fee(r, &cd);
    if (rc == 0) r->stats.submissions_ok++;
    else r->stats.submissions_failed++;
    r->stats.submit_gas = sat_add(r->stats.submit_gas, res.gas_used);
    r->stats.submit_fees_wei = sat_add(r->stats.submit_fees_wei, res.fee_wei);
    r->stats.submit_l1_fees_wei = sat_add(r->stats.submit_l1_fees_wei, res.l1_fee_wei);
    if (g->cb.on_submit) g->cb.on_submit(g->cb.ctx, &res);
    return res.gas_used;
}

/* Moves the txs the next block includes from txq into incl.  A relayer's
** transactions carry consecutive nonces, so once one of its transactions
** stays out of this block (fee too low, no room) its later ones do too. */
static size_t take_txs(mdl_rollup *r) {
    uint64_t room = r->cfg.gas_limit;
    size_t n = 0, keep = 0, nblocked = 0;
    uint32_t blocked[32];
    bool all_blocked = false; /* more blocked relayers than tracked: stop */
    for (size_t i = 0; i < r->txq_len; i++) {
        dtx *t = &r->txq[i];
        bool held = all_blocked;
        for (size_t k = 0; k < nblocked && !held; k++) held = blocked[k] == t->relayer;
        if (!held && t->max_fee_wei >= r->base_fee_wei && t->gas_limit <= room &&
            grow((void **)&r->incl, &r->incl_cap, n + 1, sizeof *r->incl)) {
            room -= t->gas_limit;
            r->incl[n++] = *t;
            continue;
        }
        if (!held) {
            if (nblocked < sizeof blocked / sizeof blocked[0]) blocked[nblocked++] = t->relayer;
            else all_blocked = true;
        }
        r->txq[keep++] = *t;
    }
    r->txq_len = keep;
    return n;
}

static uint64_t sample_gap(const sim_lat_dist *d, gsl_rng *rng) {
    uint64_t x = sim_lat_sample_ns(d, rng);
    return x ? x : 1;
}

static void schedule(mdl_rollup *r, uint64_t delay_ns, uint64_t type, uint64_t payload) {
    mdl_rollups *g = r->group;
    if (sim_schedule_in(g->engine, delay_ns, g->kind, r->index, (payload << 8) | type) == 0) fail(g);
}

/* The Finalized XBlock block b would get if the chain as it is now became
** final (its attest offset is fixed at production).  Announced with
** provisional = true (not stored). */
static void announce_provisional(mdl_rollup *r, const blk *b) {
    mdl_rollups *g = r->group;
    if (g->cb.on_xblock == NULL) return;
    assert(b->offset != 0);
    xb_rec x;
    memset(&x, 0, sizeof x);
    x.header.source_chain_id = r->cfg.chain_id;
    x.header.consensus_chain_id = g->params.consensus_chain_id;
    x.header.conf_level = XR_CONF_FINALIZED;
    x.header.offset = b->offset;
    x.header.source_block_height = b->height;
    x.header.source_block_hash = b->hash;
    x.block_ns = x.emitted_ns = b->time_ns;
    x.set = b->fin;
    rec_roots(g, &x);
    mdl_xblock v;
    view_of(r, MDL_LEVEL_FINALIZED, &x, false, &v);
    v.provisional = true;
    g->cb.on_xblock(g->cb.ctx, &v);
}

static void produce_block(mdl_rollup *r) {
    mdl_rollups *g = r->group;
    uint64_t now = sim_now_ns(g->engine);
    /* 0. a sequencer reorg first? */
    uint32_t depth = 0;
    if (r->cfg.reorg_probability > 0.0 && sim_rng_u01(r->rng_reorg) < r->cfg.reorg_probability) {
        uint32_t span = r->cfg.reorg_depth_max - r->cfg.reorg_depth_min + 1;
        depth = r->cfg.reorg_depth_min + (uint32_t)sim_rng_below(r->rng_reorg, span);
        uint64_t unbatched = r->height - r->batched_height;
        if (depth > unbatched) depth = (uint32_t)unbatched;
        if (depth) reorg(r, depth);
    }
    /* 1. the block */
    blk b;
    memset(&b, 0, sizeof b);
    b.height = r->height + 1;
    b.time_ns = now;
    block_hash(r, b.height, &r->head_hash, &b.hash);
    msg_set all, fin;
    uint32_t taken = 0;
    if (!take_msgs(r, &all, &fin, &taken)) {
        fail(g);
        return;
    }
    /* 2. destination transactions, in order, at this block's base fee */
    size_t ntx = take_txs(r);
    uint64_t ours = 0;
    for (size_t i = 0; i < ntx; i++) {
        ours = sat_add(ours, run_tx(r, &r->incl[i], now));
        free(r->incl[i].bytes);
    }
    if (ours > r->cfg.gas_limit) ours = r->cfg.gas_limit;
    uint64_t bg = mdl_demand_gas(&r->cfg.demand, r->cfg.base_fee_wei, r->base_fee_wei,
                                 r->cfg.gas_limit, r->rng_demand);
    uint64_t room = r->cfg.gas_limit - ours;
    uint64_t used = ours + (bg < room ? bg : room);
    mdl_rollup_block info = {
        .rollup = r->index,
        .height = b.height,
        .hash = b.hash,
        .time_ns = now,
        .base_fee_wei = r->base_fee_wei,
        .gas_used = used,
        .msg_count = taken,
        .tx_count = (uint32_t)ntx,
        .reorg_depth = depth,
    };
    uint64_t next = xr_gas_base_fee_next(r->base_fee_wei, used, r->cfg.gas_limit);
    r->base_fee_wei = next < r->cfg.min_base_fee_wei ? r->cfg.min_base_fee_wei : next;
    r->height = b.height;
    r->head_hash = b.hash;
    r->stats.blocks++;
    /* 3. the XBlock's attest offset, and its Latest version */
    if (should_attest(r, b.height, taken)) {
        b.offset = ++r->next_offset;
        if (!xblock_new(r, MDL_LEVEL_LATEST, b.offset, b.height, &b.hash, now, all)) {
            free(fin.msgs);
            fail(g);
            return;
        }
    } else {
        assert(taken == 0);
        free(all.msgs);
    }
    b.fin = fin;
    if (!blk_push(r, &b)) {
        free(fin.msgs);
        fail(g);
        return;
    }
    if (g->provisional && b.offset != 0) announce_provisional(r, &b);
    if (g->cb.on_block) g->cb.on_block(g->cb.ctx, &info);
    schedule(r, sample_gap(&r->cfg.block_time, r->rng_block), EV_BLOCK, 0);
}

/* ======================================================================== */
/* batches, proofs, finality                                                */

static void batch_report(mdl_rollup *r, const batch_rec *b, mdl_batch_event ev, uint64_t slot,
                         uint64_t fee) {
    mdl_rollups *g = r->group;
    if (g->cb.on_batch == NULL) return;
    mdl_rollup_batch x = {
        .rollup = r->index,
        .batch = b->id,
        .first_height = b->first,
        .last_height = b->last,
        .event = ev,
        .now_ns = sim_now_ns(g->engine),
        .l1_slot = slot,
        .l1_fee_wei = fee,
    };
    g->cb.on_batch(g->cb.ctx, &x);
}

static batch_rec *batch_find(mdl_rollup *r, uint64_t id) {
    for (size_t i = 0; i < bat_count(r); i++)
        if (bat_at(r, i)->id == id) return bat_at(r, i);
    return NULL;
}

static void on_l1_included(void *ctx, const mdl_l1_receipt *rc) {
    mdl_rollup *r = ctx;
    bool proof = (rc->tag & TAG_PROOF) != 0;
    uint64_t id = rc->tag & ~TAG_PROOF;
    r->stats.l1_fees_wei = sat_add(r->stats.l1_fees_wei, rc->fee_wei);
    batch_rec *b = batch_find(r, id);
    assert(b != NULL);
    b->l1_tx = 0;
    if (proof) {
        b->decisive_slot = rc->slot;
        batch_report(r, b, MDL_BATCH_PROVED, rc->slot, rc->fee_wei);
    } else if (r->cfg.proof) {
        batch_report(r, b, MDL_BATCH_INCLUDED, rc->slot, rc->fee_wei);
        schedule(r, sim_lat_sample_ns(&r->cfg.proof_delay, r->rng_proof), EV_PROOF, id);
    } else {
        b->decisive_slot = rc->slot;
        batch_report(r, b, MDL_BATCH_INCLUDED, rc->slot, rc->fee_wei);
    }
}

/* The batcher's fee rule: max fee 2 x the L1 base fee + tip. */
static uint64_t l1_max_fee(const mdl_rollup *r) {
    return sat_add(sat_mul(2, mdl_l1_base_fee_wei(r->group->l1)), r->cfg.batch_tip_wei);
}

/* Posts batch b's batch tx, or its proof tx (tag with TAG_PROOF). */
static void submit_l1(mdl_rollup *r, batch_rec *b, uint64_t gas, uint64_t tag) {
    mdl_l1_tx tx = {
        .gas = gas,
        .max_fee_wei = l1_max_fee(r),
        .priority_fee_wei = r->cfg.batch_tip_wei,
        .tag = tag,
    };
    b->l1_tx = mdl_l1_submit(r->group->l1, &tx, on_l1_included, r);
    b->l1_max_fee_wei = tx.max_fee_wei;
    if (b->l1_tx == 0) fail(r->group);
}

/* A batcher resubmits a stuck transaction with the fee rule's current max
** fee when that is higher (a replacement transaction). */
static void bump_stuck(mdl_rollup *r) {
    uint64_t fee = l1_max_fee(r);
    for (size_t i = 0; i < bat_count(r); i++) {
        batch_rec *b = bat_at(r, i);
        if (b->l1_tx != 0 && fee > b->l1_max_fee_wei &&
            mdl_l1_bump(r->group->l1, b->l1_tx, fee, r->cfg.batch_tip_wei))
            b->l1_max_fee_wei = fee;
    }
}

static void post_batch(mdl_rollup *r) {
    bump_stuck(r);
    if (r->height > r->batched_height) {
        batch_rec b = {.id = r->next_batch_id++, .first = r->batched_height + 1, .last = r->height};
        if (!bat_push(r, &b)) {
            fail(r->group);
            return;
        }
        for (size_t i = 0; i < blk_count(r); i++)
            if (blk_at(r, i)->height >= b.first) blk_at(r, i)->batch = b.id;
        r->batched_height = r->height;
        r->stats.batches_posted++;
        submit_l1(r, bat_at(r, bat_count(r) - 1), r->cfg.batch_gas, b.id);
        batch_report(r, &b, MDL_BATCH_POSTED, 0, 0);
    }
    schedule(r, sample_gap(&r->cfg.batch_interval, r->rng_batch), EV_BATCH, 0);
}

/* Every batch at the front whose decisive slot is final: its blocks emit
** their Finalized XBlocks. */
static void finalize(mdl_rollup *r, uint64_t final_slot) {
    while (bat_count(r) > 0) {
        batch_rec b = *bat_at(r, 0);
        if (b.decisive_slot == 0 || b.decisive_slot > final_slot) break;
        r->bat_head++;
        while (blk_count(r) > 0 && blk_at(r, 0)->height <= b.last) {
            blk bk = *blk_at(r, 0);
            r->blk_head++;
            assert(bk.batch == b.id && bk.height == r->final_height + 1);
            r->final_height = bk.height;
            r->final_hash = bk.hash;
            if (bk.offset != 0) {
                if (!xblock_new(r, MDL_LEVEL_FINALIZED, bk.offset, bk.height, &bk.hash, bk.time_ns,
                                bk.fin)) {
                    fail(r->group);
                    return;
                }
            }
        }
        r->stats.batches_final++;
        batch_report(r, &b, MDL_BATCH_FINAL, b.decisive_slot, 0);
    }
}

static void on_l1_finalized(void *ctx, uint64_t slot, uint64_t now_ns) {
    mdl_rollups *g = ctx;
    (void)now_ns;
    for (size_t i = 0; i < g->n; i++) finalize(&g->r[i], slot);
}

/* ======================================================================== */
/* fee oracle                                                                */

static uint64_t marked(uint64_t price, uint64_t ppm) {
    __extension__ unsigned __int128 p = (unsigned __int128)price * (MARKUP_PPM + ppm) / MARKUP_PPM;
    uint64_t x = p > UINT64_MAX ? UINT64_MAX : (uint64_t)p;
    return x ? x : 1;
}

static void oracle_update(mdl_rollup *r) {
    mdl_rollups *g = r->group;
    uint64_t data = marked(mdl_l1_base_fee_wei(g->l1), r->markup_ppm);
    for (size_t j = 0; j < g->n; j++) {
        if (j == r->index) continue;
        xr_portal_dest d = {
            .chain_id = g->r[j].cfg.chain_id,
            .exec_gas_price_wei = marked(g->r[j].base_fee_wei, r->markup_ppm),
            .exec_to_native_rate = XR_PORTAL_RATE_DENOM,
            .data_gas_price_wei = data,
            .data_to_native_rate = XR_PORTAL_RATE_DENOM,
        };
        int rc = xr_portal_set_dest(&r->portal, &d);
        assert(rc == 0);
        (void)rc;
    }
}

/* ======================================================================== */
/* events and life cycle                                                     */

static void on_event(void *ctx, sim_engine *e, const sim_event *ev) {
    mdl_rollups *g = ctx;
    (void)e;
    assert(ev->node < g->n);
    mdl_rollup *r = &g->r[ev->node];
    switch (ev->arg & 0xff) {
    case EV_BLOCK:
        produce_block(r);
        break;
    case EV_BATCH:
        post_batch(r);
        break;
    case EV_PROOF: {
        batch_rec *b = batch_find(r, ev->arg >> 8);
        assert(b != NULL);
        submit_l1(r, b, r->cfg.proof_gas, b->id | TAG_PROOF);
        break;
    }
    case EV_ORACLE:
        oracle_update(r);
        schedule(r, r->cfg.oracle_interval_ns, EV_ORACLE, 0);
        break;
    default:
        assert(!"unknown rollup event");
    }
}

static uint64_t ppm_of(double markup) {
    double x = markup * (double)MARKUP_PPM + 0.5;
    return x <= 0.0 ? 0 : (uint64_t)x;
}

static bool rollup_init(mdl_rollups *g, mdl_rollup *r, uint32_t index, const mdl_rollup_config *c,
                        const mdl_rollups_params *p, const char **why) {
    r->group = g;
    r->index = index;
    r->cfg = *c;
    r->markup_ppm = ppm_of(c->oracle_markup);
    r->base_fee_wei = c->base_fee_wei;
    r->next_batch_id = 1;
    r->next_tx_id = 1;
    uint32_t id = fold_chain(c->chain_id);
    r->rng_block = sim_rng_new(g->seed, MDL_ENT_ROLLUP, id, PURPOSE_BLOCK_TIME);
    r->rng_demand = sim_rng_new(g->seed, MDL_ENT_ROLLUP, id, PURPOSE_DEMAND);
    r->rng_batch = sim_rng_new(g->seed, MDL_ENT_ROLLUP, id, PURPOSE_BATCH);
    r->rng_proof = sim_rng_new(g->seed, MDL_ENT_ROLLUP, id, PURPOSE_PROOF);
    r->rng_reorg = sim_rng_new(g->seed, MDL_ENT_ROLLUP, id, PURPOSE_REORG);
    if (!r->rng_block || !r->rng_demand || !r->rng_batch || !r->rng_proof || !r->rng_reorg) {
        *why = "out of memory";
        return false;
    }
    xr_portal_config pc;
    xr_portal_config_default(&pc, c->chain_id, p->consensus_chain_id);
    pc.quorum = p->quorum;
    pc.valset_cutoff = p->valset_cutoff;
    pc.valset_member_cap = p->valset_member_cap;
    uint32_t streams = (uint32_t)(2 * g->n + 4);
    if (pc.in_stream_cap < streams) pc.in_stream_cap = streams;
    if (pc.out_stream_cap < streams) pc.out_stream_cap = streams;
    if (pc.dest_cap < g->n) pc.dest_cap = (uint32_t)g->n;
    pc.xmsg_min_gas_limit = c->xmsg_min_gas_limit;
    pc.xmsg_max_gas_limit = c->xmsg_max_gas_limit;
    pc.xmsg_max_data_bytes = c->xmsg_max_data_bytes;
    pc.fee_base_gas_limit = c->fee_base_gas_limit;
    pc.fee_protocol_wei = c->fee_protocol_wei;
    if (xr_portal_config_validate(&pc) != 0) {
        *why = "portal configuration rejected by the core (quorum, cutoff, member cap or limits)";
        return false;
    }
    size_t bytes = (xr_portal_mem_size(&pc) + 7) / 8 * 8;
    r->portal_mem = aligned_alloc(8, bytes);
    if (r->portal_mem == NULL) {
        *why = "out of memory";
        return false;
    }
    int rc = xr_portal_init(&r->portal, &pc, &p->sig, r->portal_mem, bytes, p->genesis_valset_id,
                            p->genesis, p->genesis_count);
    if (rc != 0) {
        *why = "the portal rejected the genesis validator set";
        return false;
    }
    return true;
}

mdl_rollups *mdl_rollups_new(sim_engine *e, mdl_l1 *l1, const mdl_rollup_config *cfgs, size_t n,
                             const mdl_rollups_params *p, const mdl_rollup_callbacks *cb,
                             uint64_t seed, const char **why) {
    assert(e != NULL && l1 != NULL && (cfgs != NULL || n == 0) && p != NULL);
    const char *reason = "out of memory";
    for (size_t i = 0; i < n; i++) {
        assert(mdl_rollup_config_check(&cfgs[i]) == NULL);
        for (size_t j = 0; j < i; j++) assert(cfgs[i].chain_id != cfgs[j].chain_id);
    }
    mdl_rollups *g = calloc(1, sizeof *g);
    if (g == NULL) goto fail;
    g->engine = e;
    g->l1 = l1;
    g->params = *p;
    g->params.genesis = NULL; /* borrowed only here */
    g->seed = seed;
    if (cb) g->cb = *cb;
    g->n = n;
    g->r = calloc(n ? n : 1, sizeof *g->r);
    g->pool = malloc(POOL_BYTES);
    g->work = malloc(2u * MDL_ROLLUP_BLOCK_MSGS_MAX * sizeof *g->work);
    g->sub_store = malloc(sizeof *g->sub_store);
    g->receipts = malloc(XR_MAX_SUBMISSION_MSGS * sizeof *g->receipts);
    g->msg_gas = malloc(XR_MAX_SUBMISSION_MSGS * sizeof *g->msg_gas);
    if (!g->r || !g->pool || !g->work || !g->sub_store || !g->receipts || !g->msg_gas) goto fail;
    gsl_rng *pool_rng = sim_rng_new(seed, MDL_ENT_ROLLUP, 0xffffffffu, PURPOSE_POOL);
    if (pool_rng == NULL) goto fail;
    for (size_t i = 0; i < POOL_BYTES; i += 8) {
        uint64_t x = sim_rng_u64(pool_rng);
        for (size_t k = 0; k < 8 && i + k < POOL_BYTES; k++) g->pool[i + k] = (uint8_t)(x >> (8 * k));
    }
    gsl_rng_free(pool_rng);
    const mdl_l1_config *lc = mdl_l1_config_of(l1);
    for (size_t i = 0; i < n; i++) {
        if (cfgs[i].batch_gas > lc->gas_limit || (cfgs[i].proof && cfgs[i].proof_gas > lc->gas_limit)) {
            reason = "a rollup's batch_gas or proof_gas exceeds the L1 gas limit";
            goto fail;
        }
        if (!rollup_init(g, &g->r[i], (uint32_t)i, &cfgs[i], p, &reason)) goto fail;
    }
    mdl_l1_listener li = {.on_finalized = on_l1_finalized, .ctx = g};
    if (!mdl_l1_listen(l1, &li)) {
        reason = "the L1 has too many listeners";
        goto fail;
    }
    g->kind = sim_engine_register(e, "rollup", on_event, g);
    return g;
fail:
    if (why) *why = reason;
    mdl_rollups_free(g);
    return NULL;
}

static void store_free(xb_store *s) {
    for (size_t i = 0; i < s->len; i++)
        if (s->recs[i].owns) free(s->recs[i].set.msgs);
    free(s->recs);
    free(s->orphans);
}

void mdl_rollups_free(mdl_rollups *g) {
    if (g == NULL) return;
    for (size_t i = 0; g->r && i < g->n; i++) {
        mdl_rollup *r = &g->r[i];
        if (r->rng_block) gsl_rng_free(r->rng_block);
        if (r->rng_demand) gsl_rng_free(r->rng_demand);
        if (r->rng_batch) gsl_rng_free(r->rng_batch);
        if (r->rng_proof) gsl_rng_free(r->rng_proof);
        if (r->rng_reorg) gsl_rng_free(r->rng_reorg);
        free(r->portal_mem);
        free(r->pend_msgs);
        free(r->pend_meta);
        for (size_t k = r->blk_head; k < r->blk_len; k++) free(r->blocks[k].fin.msgs);
        free(r->blocks);
        free(r->batches);
        for (int l = 0; l < MDL_LEVELS; l++) store_free(&r->store[l]);
        for (size_t k = 0; k < r->txq_len; k++) free(r->txq[k].bytes);
        free(r->txq);
        free(r->incl);
    }
    free(g->r);
    free(g->pool);
    free(g->work);
    free(g->sub_store);
    free(g->receipts);
    free(g->msg_gas);
    free(g);
}

bool mdl_rollups_start(mdl_rollups *g) {
    assert(g != NULL);
    for (size_t i = 0; i < g->n; i++) {
        mdl_rollup *r = &g->r[i];
        oracle_update(r);
        schedule(r, sample_gap(&r->cfg.block_time, r->rng_block), EV_BLOCK, 0);
        schedule(r, sample_gap(&r->cfg.batch_interval, r->rng_batch), EV_BATCH, 0);
        schedule(r, r->cfg.oracle_interval_ns, EV_ORACLE, 0);
    }
    return !g->failed;
}

size_t mdl_rollups_count(const mdl_rollups *g) { return g->n; }

mdl_rollup *mdl_rollups_get(mdl_rollups *g, size_t i) {
    assert(i < g->n);
    return &g->r[i];
}

mdl_rollup *mdl_rollups_find(mdl_rollups *g, uint64_t chain_id) {
    for (size_t i = 0; i < g->n; i++)
        if (g->r[i].cfg.chain_id == chain_id) return &g->r[i];
    return NULL;
}

int mdl_rollups_add_valset(mdl_rollups *g, uint64_t id, const xr_validator *members, uint32_t count) {
    int first = 0;
    for (size_t i = 0; i < g->n; i++) {
        int rc = xr_portal_add_valset(&g->r[i].portal, id, members, count);
        if (rc != 0 && first == 0) first = rc;
    }
    return first;
}

bool mdl_rollups_failed(const mdl_rollups *g) { return g->failed; }
void mdl_rollups_set_provisional(mdl_rollups *g, bool on) { g->provisional = on; }

/* ======================================================================== */
/* one rollup                                                                */

uint32_t mdl_rollup_index(const mdl_rollup *r) { return r->index; }
uint64_t mdl_rollup_chain_id(const mdl_rollup *r) { return r->cfg.chain_id; }
const char *mdl_rollup_name(const mdl_rollup *r) { return r->cfg.name; }
const mdl_rollup_config *mdl_rollup_config_of(const mdl_rollup *r) { return &r->cfg; }
uint64_t mdl_rollup_base_fee_wei(const mdl_rollup *r) { return r->base_fee_wei; }
uint64_t mdl_rollup_height(const mdl_rollup *r) { return r->height; }
xr_portal *mdl_rollup_portal(mdl_rollup *r) { return &r->portal; }

int mdl_rollup_fee_for(const mdl_rollup *r, uint64_t dest_chain_id, size_t data_len,
                       uint64_t gas_limit, uint64_t *fee_wei) {
    return xr_portal_fee_for(&r->portal, dest_chain_id, data_len, gas_limit, fee_wei);
}

int mdl_rollup_xcall(mdl_rollup *r, const mdl_xcall *c, mdl_xcall_result *out) {
    assert(r != NULL && c != NULL && out != NULL);
    mdl_rollups *g = r->group;
    if (c->data_len > XR_MAX_DATA_BYTES) {
        r->stats.xcalls_rejected++;
        return XR_ERR_DATA_TOO_LARGE;
    }
    size_t need = r->pend_len + 1;
    if (!grow((void **)&r->pend_msgs, &r->pend_msgs_cap, need, sizeof *r->pend_msgs) ||
        !grow((void **)&r->pend_meta, &r->pend_meta_cap, need, sizeof *r->pend_meta))
        return XR_ERR_NOSPACE;
    xr_portal_xcall_req req = {
        .dest_chain_id = c->dest_chain_id,
        .conf_level = c->conf_level,
        .sender = c->sender,
        .to = c->to,
        .data = c->data_len ? g->pool + mix64(c->msg_id) % POOL_SLACK : NULL,
        .data_len = c->data_len,
        .gas_limit = c->gas_limit,
        .value_wei = c->fee_wei,
    };
    xr_portal_xcall_result res;
    int rc = xr_portal_xcall(&r->portal, &req, &res);
    if (rc != 0) {
        r->stats.xcalls_rejected++;
        return rc;
    }
    r->pend_msgs[r->pend_len] = res.msg;
    r->pend_meta[r->pend_len] = (mdl_msg_meta){
        .id = c->msg_id, .emitted_ns = sim_now_ns(g->engine), .fee_wei = c->fee_wei, .value_gwei = c->value_gwei};
    r->pend_len++;
    r->stats.xcalls++;
    out->shard_id = res.msg.shard_id;
    out->offset = res.msg.offset;
    out->fee_wei = res.fee_wei;
    out->refund_wei = res.refund_wei;
    return 0;
}

bool mdl_rollup_xblock_get(const mdl_rollup *r, int level, uint64_t offset, const xr_hash *root,
                           mdl_xblock *out) {
    assert(r != NULL && out != NULL && (level == MDL_LEVEL_LATEST || level == MDL_LEVEL_FINALIZED));
    const xb_store *s = &r->store[level];
    const xb_rec *x = store_at(s, offset);
    if (x != NULL && (root == NULL || memcmp(root->bytes, x->root.bytes, 32) == 0)) {
        view_of(r, level, x, false, out);
        return true;
    }
    if (root == NULL) return false;
    for (size_t i = 0; i < s->orphan_len; i++) {
        const xb_rec *o = &s->orphans[i];
        if (o->header.offset == offset && memcmp(root->bytes, o->root.bytes, 32) == 0) {
            view_of(r, level, o, true, out);
            return true;
        }
    }
    return false;
}

uint64_t mdl_rollup_xblock_last_offset(const mdl_rollup *r, int level) {
    assert(level == MDL_LEVEL_LATEST || level == MDL_LEVEL_FINALIZED);
    return r->store[level].last;
}

void mdl_rollup_prune(mdl_rollup *r, int level, uint64_t below_offset) {
    assert(level == MDL_LEVEL_LATEST || level == MDL_LEVEL_FINALIZED);
    xb_store *s = &r->store[level];
    size_t keep = 0;
    for (size_t i = 0; i < s->orphan_len; i++)
        if (s->orphans[i].header.offset >= below_offset) s->orphans[keep++] = s->orphans[i];
    s->orphan_len = keep;
    if (s->len == 0 || below_offset <= s->base) return;
    size_t drop = below_offset - s->base < s->len ? (size_t)(below_offset - s->base) : s->len;
    for (size_t i = 0; i < drop; i++)
        if (s->recs[i].owns) free(s->recs[i].set.msgs);
    memmove(s->recs, s->recs + drop, (s->len - drop) * sizeof *s->recs);
    s->len -= drop;
    s->base += drop;
}

void mdl_rollup_relayer_address(uint32_t relayer, xr_address *out) {
    memset(out, 0, sizeof *out);
    memcpy(out->bytes, "rlyr", 4);
    out->bytes[16] = (uint8_t)(relayer >> 24);
    out->bytes[17] = (uint8_t)(relayer >> 16);
    out->bytes[18] = (uint8_t)(relayer >> 8);
    out->bytes[19] = (uint8_t)relayer;
}

uint64_t mdl_rollup_submit_tx(mdl_rollup *r, const uint8_t *submission, size_t len,
                              uint64_t gas_limit, uint64_t max_fee_wei, uint32_t relayer,
                              uint64_t tag) {
    assert(r != NULL && (submission != NULL || len == 0));
    if (gas_limit > r->cfg.gas_limit) return 0;
    if (!grow((void **)&r->txq, &r->txq_cap, r->txq_len + 1, sizeof *r->txq)) return 0;
    uint8_t *copy = malloc(len ? len : 1);
    if (copy == NULL) return 0;
    if (len) memcpy(copy, submission, len);
    dtx *t = &r->txq[r->txq_len++];
    *t = (dtx){
        .id = r->next_tx_id++,
        .bytes = copy,
        .len = len,
        .gas_limit = gas_limit,
        .max_fee_wei = max_fee_wei,
        .relayer = relayer,
        .tag = tag,
        .submitted_ns = sim_now_ns(r->group->engine),
    };
    return t->id;
}

int mdl_rollup_add_valset(mdl_rollup *r, uint64_t id, const xr_validator *members, uint32_t count) {
    return xr_portal_add_valset(&r->portal, id, members, count);
}

void mdl_rollup_stats_get(const mdl_rollup *r, mdl_rollup_stats *out) {
    *out = r->stats;
    out->pending_txs = r->txq_len;
    out->final_height = r->final_height;
}
