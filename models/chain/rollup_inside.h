/*
** Inside the rollups: what the files of models/chain/rollup*.c share (the
** model and its rules are rollup.h).  Layout of one rollup's state:
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
**   rollup.c          the group's life cycle, events, xcalls, destination txs
**   rollup_blocks.c   block production: reorgs, messages, destination txs run
**   rollup_batches.c  batches and proofs on L1, finality, the fee oracle
**   rollup_xblocks.c  the XBlock store: emitted, orphaned, provisional, pruned
** Other rooms use rollup.h only.
*/
#ifndef MDL_CHAIN_ROLLUP_INSIDE_H
#define MDL_CHAIN_ROLLUP_INSIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chain/rollup.h"
#include "rng.h"
#include "xr_codec.h"
#include "xr_gas.h"

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

static inline mdl_msg_meta *meta_of(const msg_set *s) { return (mdl_msg_meta *)(void *)(s->msgs + s->count); }

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
    const char *error;          /* the first failure inside the run (sim_engine_fail) */
};

static inline uint64_t sat_mul(uint64_t a, uint64_t b) {
    __extension__ unsigned __int128 p = (unsigned __int128)a * b;
    return p > UINT64_MAX ? UINT64_MAX : (uint64_t)p;
}

static inline uint64_t sat_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

static inline blk *rl_blk_at(mdl_rollup *r, size_t i) { return &r->blocks[r->blk_head + i]; }
static inline size_t rl_blk_count(const mdl_rollup *r) { return r->blk_len - r->blk_head; }

static inline batch_rec *rl_bat_at(mdl_rollup *r, size_t i) { return &r->batches[r->bat_head + i]; }
static inline size_t rl_bat_count(const mdl_rollup *r) { return r->bat_len - r->bat_head; }

/* ---- rollup.c ---- */
/* The run cannot be trusted any more: records why (the first reason is
** kept) and stops the engine (sim_engine_fail). */
void rl_fail(mdl_rollups *g, const char *why);
/* An event of type for r after delay_ns. */
void rl_schedule(mdl_rollup *r, uint64_t delay_ns, uint64_t type, uint64_t payload);
/* A gap drawn from d, at least 1 ns. */
uint64_t rl_sample_gap(const sim_lat_dist *d, gsl_rng *rng);

/* ---- rollup_blocks.c ---- */
void rl_produce_block(mdl_rollup *r);

/* ---- rollup_batches.c ---- */
void rl_post_batch(mdl_rollup *r);
batch_rec *rl_batch_find(mdl_rollup *r, uint64_t id);
/* Posts batch b's batch tx, or its proof tx (tag with TAG_PROOF). */
void rl_submit_l1(mdl_rollup *r, batch_rec *b, uint64_t gas, uint64_t tag);
void rl_on_l1_finalized(void *ctx, uint64_t slot, uint64_t now_ns);
void rl_oracle_update(mdl_rollup *r);

/* ---- rollup_xblocks.c ---- */
xb_rec *rl_store_at(const xb_store *s, uint64_t offset);
void rl_rec_roots(mdl_rollups *g, xb_rec *x);
void rl_view_of(const mdl_rollup *r, int level, const xb_rec *x, bool orphaned, mdl_xblock *out);
void rl_emit(mdl_rollup *r, int level, const xb_rec *x, bool orphaned);
/* Appends the canonical XBlock of `level` at attest `offset` (the next one
** of that level: both levels number a block's XBlock alike) for a block,
** taking ownership of `set`; emits it.  False on OOM (set freed). */
bool rl_xblock_new(mdl_rollup *r, int level, uint64_t offset, uint64_t height, const xr_hash *hash,
                   uint64_t block_ns, msg_set set);
/* The Finalized XBlock block b would get if the chain as it is now became
** final, announced with provisional = true (not stored). */
void rl_announce_provisional(mdl_rollup *r, const blk *b);
void rl_store_free(xb_store *s);

#endif
