/*
** A rollup's batches on L1 (see rollup_inside.h): posting, proofs, stuck
** transactions bumped, finality, and the fee oracle.
*/
#include "chain/rollup_inside.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

/* ======================================================================== */
/* batches, proofs, finality                                                */

static bool bat_push(mdl_rollup *r, const batch_rec *b) {
    if (r->bat_head > 0 && r->bat_len == r->bat_cap) {
        memmove(r->batches, r->batches + r->bat_head, rl_bat_count(r) * sizeof *r->batches);
        r->bat_len -= r->bat_head;
        r->bat_head = 0;
    }
    if (!SIM_GROW(r->batches, r->bat_cap, r->bat_len + 1)) return false;
    r->batches[r->bat_len++] = *b;
    return true;
}

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

batch_rec *rl_batch_find(mdl_rollup *r, uint64_t id) {
    for (size_t i = 0; i < rl_bat_count(r); i++)
        if (rl_bat_at(r, i)->id == id) return rl_bat_at(r, i);
    return NULL;
}

static void on_l1_included(void *ctx, const mdl_l1_receipt *rc) {
    mdl_rollup *r = ctx;
    bool proof = (rc->tag & TAG_PROOF) != 0;
    uint64_t id = rc->tag & ~TAG_PROOF;
    r->stats.l1_fees_wei = sat_add(r->stats.l1_fees_wei, rc->fee_wei);
    batch_rec *b = rl_batch_find(r, id);
    assert(b != NULL);
    b->l1_tx = 0;
    if (proof) {
        b->decisive_slot = rc->slot;
        batch_report(r, b, MDL_BATCH_PROVED, rc->slot, rc->fee_wei);
    } else if (r->cfg.proof) {
        batch_report(r, b, MDL_BATCH_INCLUDED, rc->slot, rc->fee_wei);
        rl_schedule(r, sim_lat_sample_ns(&r->cfg.proof_delay, r->rng_proof), EV_PROOF, id);
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
void rl_submit_l1(mdl_rollup *r, batch_rec *b, uint64_t gas, uint64_t tag) {
    mdl_l1_tx tx = {
        .gas = gas,
        .max_fee_wei = l1_max_fee(r),
        .priority_fee_wei = r->cfg.batch_tip_wei,
        .tag = tag,
    };
    b->l1_tx = mdl_l1_submit(r->group->l1, &tx, on_l1_included, r);
    b->l1_max_fee_wei = tx.max_fee_wei;
    if (b->l1_tx == 0) rl_fail(r->group, "rollup: submitting a batch to L1 failed (out of memory)");
}

/* A batcher resubmits a stuck transaction with the fee rule's current max
** fee when that is higher (a replacement transaction). */
static void bump_stuck(mdl_rollup *r) {
    uint64_t fee = l1_max_fee(r);
    for (size_t i = 0; i < rl_bat_count(r); i++) {
        batch_rec *b = rl_bat_at(r, i);
        if (b->l1_tx != 0 && fee > b->l1_max_fee_wei &&
            mdl_l1_bump(r->group->l1, b->l1_tx, fee, r->cfg.batch_tip_wei))
            b->l1_max_fee_wei = fee;
    }
}

void rl_post_batch(mdl_rollup *r) {
    bump_stuck(r);
    if (r->height > r->batched_height) {
        batch_rec b = {.id = r->next_batch_id++, .first = r->batched_height + 1, .last = r->height};
        if (!bat_push(r, &b)) {
            rl_fail(r->group, "rollup: out of memory (batches)");
            return;
        }
        for (size_t i = 0; i < rl_blk_count(r); i++)
            if (rl_blk_at(r, i)->height >= b.first) rl_blk_at(r, i)->batch = b.id;
        r->batched_height = r->height;
        r->stats.batches_posted++;
        rl_submit_l1(r, rl_bat_at(r, rl_bat_count(r) - 1), r->cfg.batch_gas, b.id);
        batch_report(r, &b, MDL_BATCH_POSTED, 0, 0);
    }
    rl_schedule(r, rl_sample_gap(&r->cfg.batch_interval, r->rng_batch), EV_BATCH, 0);
}

/* Every batch at the front whose decisive slot is final: its blocks emit
** their Finalized XBlocks. */
static void finalize(mdl_rollup *r, uint64_t final_slot) {
    while (rl_bat_count(r) > 0) {
        batch_rec b = *rl_bat_at(r, 0);
        if (b.decisive_slot == 0 || b.decisive_slot > final_slot) break;
        r->bat_head++;
        while (rl_blk_count(r) > 0 && rl_blk_at(r, 0)->height <= b.last) {
            blk bk = *rl_blk_at(r, 0);
            r->blk_head++;
            assert(bk.batch == b.id && bk.height == r->final_height + 1);
            r->final_height = bk.height;
            r->final_hash = bk.hash;
            if (bk.offset != 0) {
                if (!rl_xblock_new(r, MDL_LEVEL_FINALIZED, bk.offset, bk.height, &bk.hash, bk.time_ns,
                                bk.fin)) {
                    rl_fail(r->group, "rollup: out of memory (Finalized XBlocks)");
                    return;
                }
            }
        }
        r->stats.batches_final++;
        batch_report(r, &b, MDL_BATCH_FINAL, b.decisive_slot, 0);
    }
}

void rl_on_l1_finalized(void *ctx, uint64_t slot, uint64_t now_ns) {
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

void rl_oracle_update(mdl_rollup *r) {
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
