/*
** A rollup's blocks (see rollup_inside.h): sequencer reorgs, the messages a
** block takes, the destination transactions it runs, its XBlock.
*/
#include "chain/rollup_inside.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "xr_attest.h"
#include "xr_codec.h"
#include "xr_keccak.h"

static void be64(uint8_t *out, uint64_t v) {
    for (int i = 0; i < 8; i++) out[i] = (uint8_t)(v >> (56 - 8 * i));
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

static bool blk_push(mdl_rollup *r, const blk *b) {
    if (r->blk_head > 0 && r->blk_len == r->blk_cap) {
        memmove(r->blocks, r->blocks + r->blk_head, rl_blk_count(r) * sizeof *r->blocks);
        r->blk_len -= r->blk_head;
        r->blk_head = 0;
    }
    if (!SIM_GROW(r->blocks, r->blk_cap, r->blk_len + 1)) return false;
    r->blocks[r->blk_len++] = *b;
    return true;
}

/* Reorganise the last `depth` blocks (all unbatched): see rollup.h. */
static void reorg(mdl_rollup *r, uint32_t depth) {
    mdl_rollups *g = r->group;
    size_t nb = rl_blk_count(r);
    assert(depth >= 1 && depth <= nb && depth <= r->height - r->batched_height);
    uint64_t now = sim_now_ns(g->engine);
    size_t first = nb - depth;
    xb_store *s = &r->store[MDL_LEVEL_LATEST];
    r->version++;
    r->stats.reorgs++;
    r->stats.orphaned_blocks += depth;
    /* 1. announce the orphaned versions (kept for xblock_get by root) */
    for (size_t i = first; i < nb; i++) {
        blk *b = rl_blk_at(r, i);
        if (b->offset == 0) continue;
        xb_rec *x = rl_store_at(s, b->offset);
        if (x == NULL) continue; /* pruned already: nothing to orphan */
        if (!SIM_GROW(s->orphans, s->orphan_cap, s->orphan_len + 1)) {
            rl_fail(g, "rollup: out of memory (orphaned XBlocks)");
            return;
        }
        xb_rec *o = &s->orphans[s->orphan_len++];
        *o = *x;
        o->owns = false;
        o->emitted_ns = now;
        rl_emit(r, MDL_LEVEL_LATEST, o, true);
    }
    /* 2. new hashes from the fork point on, and the replacement XBlocks */
    xr_hash parent = first > 0 ? rl_blk_at(r, first - 1)->hash : r->final_hash;
    for (size_t i = first; i < nb; i++) {
        blk *b = rl_blk_at(r, i);
        block_hash(r, b->height, &parent, &b->hash);
        parent = b->hash;
        if (b->offset == 0) continue;
        xb_rec *x = rl_store_at(s, b->offset);
        if (x == NULL) continue;
        x->header.source_block_hash = b->hash;
        x->emitted_ns = now;
        x->replacement = true;
        xr_attest_header_leaf(&x->header, &x->header_leaf);
        xr_attest_root(&x->header_leaf, &x->msg_root, &x->root);
        rl_emit(r, MDL_LEVEL_LATEST, x, false);
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
uint64_t mdl_rollup_l1_data_fee(const mdl_rollup *r, const xr_gas_calldata *cd) {
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
    res.l1_fee_wei = mdl_rollup_l1_data_fee(r, &cd);
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
            SIM_GROW(r->incl, r->incl_cap, n + 1)) {
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

void rl_produce_block(mdl_rollup *r) {
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
        rl_fail(g, "rollup: out of memory (a block's messages)");
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
        if (!rl_xblock_new(r, MDL_LEVEL_LATEST, b.offset, b.height, &b.hash, now, all)) {
            free(fin.msgs);
            rl_fail(g, "rollup: out of memory (Latest XBlocks)");
            return;
        }
    } else {
        assert(taken == 0);
        free(all.msgs);
    }
    b.fin = fin;
    if (!blk_push(r, &b)) {
        free(fin.msgs);
        rl_fail(g, "rollup: out of memory (blocks)");
        return;
    }
    if (g->provisional && b.offset != 0) rl_announce_provisional(r, &b);
    if (g->cb.on_block) g->cb.on_block(g->cb.ctx, &info);
    rl_schedule(r, rl_sample_gap(&r->cfg.block_time, r->rng_block), EV_BLOCK, 0);
}
