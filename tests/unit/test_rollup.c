/*
** Tests of the rollups (models/rollup.c) on a real engine and L1: block
** times against the configured distribution; Finalized XBlocks never before
** the L1 slot holding their batch (or its proof) is final; attest offsets per
** (rollup, level) exactly +1; attestation roots recomputed with xr_attest;
** every message in exactly one canonical XBlock of its level; reorgs as
** rollup.h documents them; the fee oracle and xcall fee checks; destination
** submissions built from emitted XBlocks (multi-proof, fast signatures) that
** execute in stream order, a replay rejected with the portal's error, a low
** fee waiting for the base fee, undecodable bytes; validator-set updates.
*/
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"
#include "chain/l1.h"
#include "chain/rollup.h"
#include "crypto/sig_fast.h"
#include "xr_attest.h"
#include "xr_codec.h"
#include "xr_err.h"

#define S 1000000000ull
#define MS 1000000ull
#define MIN (60 * S)
#define GWEI 1000000000ull
#define CCHAIN 166u
#define NVAL 4

/* ---- recording ------------------------------------------------------------ */

typedef struct xb_copy {
    mdl_xblock v;               /* views cleared */
    uint64_t *ids;              /* message ids */
    xr_xmsg *msgs;              /* copies (data views point into the pool) */
} xb_copy;

typedef struct fx {
    sim_engine *e;
    mdl_l1 *l1;
    mdl_rollups *rs;
    mdl_sig_fast *sig;
    const xr_sig_key *keys[NVAL + 2];
    xr_address addrs[NVAL + 2];
    xr_validator vals[NVAL];
    xb_copy *xb;
    size_t nxb, capxb;
    mdl_rollup_block *blocks;
    size_t nblk, capblk;
    mdl_rollup_batch batches[4096];
    size_t nbat;
    mdl_submit_result subs[64];
    xr_xreceipt receipts[64][8];
    size_t nsub;
    /* users */
    uint32_t user_kind;
    uint64_t user_period_ns;
    uint64_t next_id;
    uint64_t xcalls_ok;
    uint32_t finalized_every; /* every k-th xcall asks for Finalized (0: none) */
} fx;

static void on_xblock(void *ctx, const mdl_xblock *xb) {
    fx *f = ctx;
    if (f->nxb == f->capxb) {
        f->capxb = f->capxb ? 2 * f->capxb : 256;
        f->xb = realloc(f->xb, f->capxb * sizeof *f->xb);
        assert_non_null(f->xb);
    }
    xb_copy *c = &f->xb[f->nxb++];
    c->v = *xb;
    c->v.msgs = NULL;
    c->v.meta = NULL;
    c->ids = malloc((xb->msg_count + 1) * sizeof *c->ids);
    c->msgs = malloc((xb->msg_count + 1) * sizeof *c->msgs);
    for (size_t i = 0; i < xb->msg_count; i++) {
        c->ids[i] = xb->meta[i].id;
        c->msgs[i] = xb->msgs[i];
    }
    /* the root recomputes with the core */
    xr_hash work[2 * MDL_ROLLUP_BLOCK_MSGS_MAX], root;
    assert_int_equal(xr_attest_xblock_root(&xb->header, xb->msgs, xb->msg_count, work,
                                           2 * MDL_ROLLUP_BLOCK_MSGS_MAX, &root), 0);
    assert_memory_equal(root.bytes, xb->root.bytes, 32);
    xr_hash leaf, mr;
    xr_attest_header_leaf(&xb->header, &leaf);
    assert_memory_equal(leaf.bytes, xb->header_leaf.bytes, 32);
    assert_int_equal(xr_attest_msg_root(xb->msgs, xb->msg_count, work, 2 * MDL_ROLLUP_BLOCK_MSGS_MAX, &mr), 0);
    assert_memory_equal(mr.bytes, xb->msg_root.bytes, 32);
    assert_int_equal(xb->header.consensus_chain_id, CCHAIN);
    assert_int_equal(xb->header.conf_level, mdl_level_conf(xb->level));
    /* one XBlock per block, holding every message of the block (both
    ** shards), its attest offset the same at both levels: the Finalized
    ** one repeats the Latest one at that offset, messages, height and all */
    if (xb->level == MDL_LEVEL_FINALIZED && !xb->provisional) {
        const xb_copy *lat = NULL;
        for (size_t i = 0; i < f->nxb - 1; i++) {
            const xb_copy *o = &f->xb[i];
            if (o->v.level == MDL_LEVEL_LATEST && !o->v.orphaned && o->v.rollup == xb->rollup &&
                o->v.header.offset == xb->header.offset)
                lat = o;
        }
        assert_non_null(lat);
        assert_int_equal(lat->v.header.source_block_height, xb->header.source_block_height);
        assert_memory_equal(lat->v.header.source_block_hash.bytes, xb->header.source_block_hash.bytes, 32);
        assert_int_equal(lat->v.msg_count, xb->msg_count);
        for (size_t i = 0; i < xb->msg_count; i++) assert_int_equal(lat->ids[i], xb->meta[i].id);
    }
}

static void on_block(void *ctx, const mdl_rollup_block *b) {
    fx *f = ctx;
    if (f->nblk == f->capblk) {
        f->capblk = f->capblk ? 2 * f->capblk : 1024;
        f->blocks = realloc(f->blocks, f->capblk * sizeof *f->blocks);
        assert_non_null(f->blocks);
    }
    f->blocks[f->nblk++] = *b;
}

static void on_batch(void *ctx, const mdl_rollup_batch *b) {
    fx *f = ctx;
    assert_true(f->nbat < 4096);
    f->batches[f->nbat++] = *b;
}

static void on_submit(void *ctx, const mdl_submit_result *r) {
    fx *f = ctx;
    assert_true(f->nsub < 64);
    f->subs[f->nsub] = *r;
    for (size_t i = 0; i < r->receipt_count && i < 8; i++) f->receipts[f->nsub][i] = r->receipts[i];
    f->subs[f->nsub].receipts = NULL;
    f->subs[f->nsub].msg_gas = NULL;
    f->subs[f->nsub].header = NULL;
    f->nsub++;
}

/* A user on every rollup calling the next rollup every user_period_ns. */
static void on_user(void *ctx, sim_engine *e, const sim_event *ev) {
    fx *f = ctx;
    size_t n = mdl_rollups_count(f->rs);
    mdl_rollup *src = mdl_rollups_get(f->rs, ev->node);
    mdl_rollup *dst = mdl_rollups_get(f->rs, (ev->node + 1) % n);
    uint64_t id = f->next_id++;
    mdl_xcall c = {
        .msg_id = id,
        .dest_chain_id = mdl_rollup_chain_id(dst),
        .conf_level = f->finalized_every && id % f->finalized_every == 0 ? XR_CONF_FINALIZED : XR_CONF_LATEST,
        .data_len = (uint32_t)(id % 300),
        .gas_limit = 50000,
        .value_gwei = id,
    };
    memset(c.sender.bytes, 0x11, 20);
    memset(c.to.bytes, 0x22, 20);
    assert_int_equal(mdl_rollup_fee_for(src, c.dest_chain_id, c.data_len, c.gas_limit, &c.fee_wei), 0);
    mdl_xcall_result res;
    assert_int_equal(mdl_rollup_xcall(src, &c, &res), 0);
    f->xcalls_ok++;
    sim_schedule_in(e, f->user_period_ns, f->user_kind, ev->node, 0);
}

static mdl_rollup_config arb(const char *name, uint64_t chain) {
    mdl_rollup_config c;
    memset(&c, 0, sizeof c);
    mdl_rollup_preset_apply(&c, MDL_PRESET_ARBITRUM);
    snprintf(c.name, sizeof c.name, "%s", name);
    c.chain_id = chain;
    return c;
}

static void fx_open(fx *f, const mdl_rollup_config *cfgs, size_t n, const mdl_l1_config *l1cfg,
                    uint64_t user_period_ns) {
    memset(f, 0, sizeof *f);
    f->e = sim_engine_new(1024);
    mdl_l1_config lc;
    mdl_l1_config_default(&lc);
    if (l1cfg) lc = *l1cfg;
    f->l1 = mdl_l1_new(f->e, &lc, 1);
    assert_non_null(f->l1);
    f->sig = mdl_sig_fast_new(99, NVAL + 2);
    for (int i = 0; i < NVAL + 2; i++)
        assert_int_equal(mdl_sig_fast_add_key(f->sig, &f->keys[i], &f->addrs[i]), 0);
    for (int i = 0; i < NVAL; i++) f->vals[i] = (xr_validator){f->addrs[i], 10};
    mdl_rollups_params p = {
        .consensus_chain_id = CCHAIN,
        .sig = mdl_sig_fast_backend(f->sig),
        .quorum = XR_QUORUM_DEFAULT,
        .valset_cutoff = 4,
        .valset_member_cap = 16,
        .genesis_valset_id = 1,
        .genesis = f->vals,
        .genesis_count = NVAL,
    };
    mdl_rollup_callbacks cb = {on_xblock, on_block, on_batch, on_submit, f, NULL, NULL};
    const char *why = NULL;
    f->rs = mdl_rollups_new(f->e, f->l1, cfgs, n, &p, &cb, 2024, &why);
    if (f->rs == NULL) fail_msg("mdl_rollups_new: %s", why);
    assert_true(mdl_l1_start(f->l1));
    assert_true(mdl_rollups_start(f->rs));
    f->next_id = 1;
    if (user_period_ns) {
        f->user_period_ns = user_period_ns;
        f->user_kind = sim_engine_register(f->e, "user", on_user, f);
        for (uint32_t i = 0; i < n; i++) sim_schedule_at(f->e, 1 + i, f->user_kind, i, 0);
    }
}

static void fx_close(fx *f) {
    assert_null(mdl_rollups_error(f->rs));
    assert_null(mdl_l1_error(f->l1));
    for (size_t i = 0; i < f->nxb; i++) {
        free(f->xb[i].ids);
        free(f->xb[i].msgs);
    }
    free(f->xb);
    free(f->blocks);
    mdl_rollups_free(f->rs);
    mdl_l1_free(f->l1);
    mdl_sig_fast_free(f->sig);
    sim_engine_free(f->e);
}

/* ---- blocks ----------------------------------------------------------------- */

static void test_rollup_block_times(void **state) {
    (void)state;
    mdl_rollup_config c[2] = {arb("arb", 42161), arb("zk", 324)};
    mdl_rollup_preset_apply(&c[1], MDL_PRESET_ZK);
    fx f;
    fx_open(&f, c, 2, NULL, 0);
    sim_engine_run(f.e, 7200 * S, NULL);
    /* arbitrum: exactly every 250 ms, heights 1, 2, ... */
    uint64_t n_arb = 0, prev_zk = 0, n_zk = 0;
    double sum = 0, sum2 = 0;
    for (size_t i = 0; i < f.nblk; i++) {
        const mdl_rollup_block *b = &f.blocks[i];
        if (b->rollup == 0) {
            n_arb++;
            assert_int_equal(b->height, n_arb);
            assert_int_equal(b->time_ns, n_arb * 250 * MS);
        } else {
            n_zk++;
            assert_int_equal(b->height, n_zk);
            uint64_t gap = b->time_ns - prev_zk;
            assert_true(gap >= 1 * S && gap <= 3 * S);
            sum += (double)gap;
            sum2 += (double)gap * (double)gap;
            prev_zk = b->time_ns;
        }
    }
    assert_int_equal(n_arb, 7200 * 4);
    assert_int_equal(mdl_rollup_height(mdl_rollups_get(f.rs, 0)), 7200 * 4);
    /* uniform(1 s, 3 s): mean 2 s, variance (2 s)^2 / 12 */
    double mean = sum / (double)n_zk, var = sum2 / (double)n_zk - mean * mean;
    assert_true(n_zk > 3500 && n_zk < 3700);
    assert_true(fabs(mean - 2e9) < 0.03e9);
    assert_true(fabs(var / (4e18 / 12.0) - 1.0) < 0.1);
    fx_close(&f);
}

/* ---- levels, offsets, finality ------------------------------------------------ */

typedef struct batch_info {
    uint64_t first, last, decisive_slot;
    bool final;
} batch_info;

static void check_levels(fx *f, size_t nrollups) {
    /* batches per rollup, from the batch log */
    static batch_info bi[8][512];
    memset(bi, 0, sizeof bi);
    for (size_t i = 0; i < f->nbat; i++) {
        const mdl_rollup_batch *b = &f->batches[i];
        assert_true(b->batch < 512);
        batch_info *x = &bi[b->rollup][b->batch];
        x->first = b->first_height;
        x->last = b->last_height;
        bool zk = mdl_rollup_config_of(mdl_rollups_get(f->rs, b->rollup))->proof;
        if (b->event == (zk ? MDL_BATCH_PROVED : MDL_BATCH_INCLUDED)) x->decisive_slot = b->l1_slot;
        if (b->event == MDL_BATCH_FINAL) {
            assert_int_equal(b->l1_slot, x->decisive_slot);
            assert_true(b->now_ns >= mdl_l1_slot_final_ns(f->l1, x->decisive_slot));
            x->final = true;
        }
    }
    uint64_t last_off[8][2] = {{0}};
    uint64_t fin_heights = 0;
    for (size_t i = 0; i < f->nxb; i++) {
        const mdl_xblock *v = &f->xb[i].v;
        assert_false(v->orphaned);
        /* offsets exactly +1 per (rollup, level) */
        assert_int_equal(v->header.offset, last_off[v->rollup][v->level] + 1);
        last_off[v->rollup][v->level] = v->header.offset;
        if (v->level == MDL_LEVEL_LATEST) {
            assert_int_equal(v->emitted_ns, v->block_ns);
            continue;
        }
        fin_heights++;
        /* the batch holding the block, and its decisive L1 slot, final */
        const batch_info *b = NULL;
        for (size_t k = 1; k < 512; k++)
            if (bi[v->rollup][k].first <= v->header.source_block_height &&
                v->header.source_block_height <= bi[v->rollup][k].last) {
                b = &bi[v->rollup][k];
                break;
            }
        assert_non_null(b);
        assert_true(b->final);
        assert_true(b->decisive_slot > 0);
        assert_true(v->emitted_ns >= mdl_l1_slot_final_ns(f->l1, b->decisive_slot));
        assert_true(mdl_l1_finalized_slot(f->l1, v->emitted_ns) >= b->decisive_slot);
        assert_true(v->emitted_ns > v->block_ns);
    }
    assert_true(fin_heights > 0);
    for (size_t r = 0; r < nrollups; r++) {
        assert_int_equal(mdl_rollup_xblock_last_offset(mdl_rollups_get(f->rs, r), 0), last_off[r][0]);
        assert_int_equal(mdl_rollup_xblock_last_offset(mdl_rollups_get(f->rs, r), 1), last_off[r][1]);
    }
}

/* Every message id appears in exactly one canonical XBlock of its level (the
** last version emitted at its offset), and the stream offsets of each
** (source, dest, shard) run 1, 2, 3 ... across them in emission order. */
static void check_messages_once(fx *f, uint64_t max_id_final) {
    uint64_t n = f->next_id;
    uint8_t *seen = calloc(n, 1);
    uint64_t off[8][8][2] = {{{0}}};
    /* superseded[i]: a later non-orphaned emission has the same offset */
    bool *superseded = calloc(f->nxb + 1, sizeof *superseded);
    size_t maxoff = 1;
    for (size_t i = 0; i < f->nxb; i++)
        if (f->xb[i].v.header.offset + 1 > maxoff) maxoff = f->xb[i].v.header.offset + 1;
    uint8_t *later = calloc(8 * 2 * maxoff, 1);
    for (size_t i = f->nxb; i-- > 0;) {
        const mdl_xblock *v = &f->xb[i].v;
        if (v->orphaned) continue;
        uint8_t *l = &later[((size_t)v->rollup * 2 + (size_t)v->level) * maxoff + v->header.offset];
        superseded[i] = *l != 0;
        *l = 1;
    }
    free(later);
    for (size_t i = 0; i < f->nxb; i++) {
        const xb_copy *c = &f->xb[i];
        if (c->v.orphaned || superseded[i]) continue;
        for (size_t k = 0; k < c->v.msg_count; k++) {
            /* each XBlock holds both shards: a message counts at its own level */
            if (XR_SHARD_CONF_LEVEL(c->msgs[k].shard_id) != c->v.header.conf_level) continue;
            assert_true(c->ids[k] < n);
            assert_int_equal(seen[c->ids[k]], 0);
            seen[c->ids[k]] = 1;
            size_t dst = 0;
            for (; dst < mdl_rollups_count(f->rs); dst++)
                if (mdl_rollup_chain_id(mdl_rollups_get(f->rs, dst)) == c->msgs[k].dest_chain_id) break;
            uint64_t *o = &off[c->v.rollup][dst][c->v.level];
            assert_int_equal(c->msgs[k].offset, *o + 1);
            *o = c->msgs[k].offset;
        }
    }
    /* every message emitted before max_id_final reached its level */
    for (uint64_t id = 1; id < max_id_final; id++) assert_int_equal(seen[id], 1);
    free(seen);
    free(superseded);
}

static void test_rollup_finalized_after_l1_finality(void **state) {
    (void)state;
    mdl_rollup_config c[3] = {arb("a", 10), arb("b", 20), arb("c", 30)};
    mdl_rollup_preset_apply(&c[1], MDL_PRESET_OP);
    fx f;
    fx_open(&f, c, 3, NULL, 700 * MS);
    f.finalized_every = 2; /* ids go round the 3 rollups: each gets some */
    sim_engine_run(f.e, 3600 * S, NULL);
    check_levels(&f, 3);
    /* ids up to those emitted 30 min before the end are final: batches <= 5
    ** min + L1 finality <= 19.2 min */
    check_messages_once(&f, f.next_id * 3 / 6);
    mdl_rollup_stats st;
    mdl_rollup_stats_get(mdl_rollups_get(f.rs, 1), &st);
    assert_true(st.batches_posted > 10 && st.batches_final > 5);
    assert_true(st.final_height > 0 && st.l1_fees_wei > 0);
    assert_true(st.xcalls > 1000);
    fx_close(&f);
}

static void test_rollup_zk_waits_for_proof(void **state) {
    (void)state;
    mdl_rollup_config c[2] = {arb("a", 10), arb("z", 20)};
    mdl_rollup_preset_apply(&c[1], MDL_PRESET_ZK);
    fx f;
    fx_open(&f, c, 2, NULL, 1 * S);
    f.finalized_every = 3; /* ids alternate between the 2 rollups: both get some */
    sim_engine_run(f.e, 3 * 3600 * S, NULL);
    check_levels(&f, 2);
    /* zk: INCLUDED then PROVED in a later slot, FINAL from the proof's slot */
    uint64_t incl[512] = {0}, proved = 0;
    for (size_t i = 0; i < f.nbat; i++) {
        const mdl_rollup_batch *b = &f.batches[i];
        if (b->rollup != 1) continue;
        if (b->event == MDL_BATCH_INCLUDED) incl[b->batch] = b->l1_slot;
        if (b->event == MDL_BATCH_PROVED) {
            assert_true(incl[b->batch] > 0 && b->l1_slot > incl[b->batch]);
            proved++;
        }
        if (b->event == MDL_BATCH_FINAL) assert_true(b->l1_slot > incl[b->batch]);
    }
    assert_true(proved > 10);
    /* the first finalized zk XBlock comes after 30 min-ish of proving */
    for (size_t i = 0; i < f.nxb; i++) {
        if (f.xb[i].v.rollup == 1 && f.xb[i].v.level == MDL_LEVEL_FINALIZED) {
            assert_true(f.xb[i].v.emitted_ns - f.xb[i].v.block_ns > 15 * MIN);
        }
    }
    fx_close(&f);
}

static void test_rollup_xblocks_all_policy_and_get(void **state) {
    (void)state;
    mdl_rollup_config c[2] = {arb("a", 10), arb("b", 20)};
    c[0].xblocks = MDL_XBLOCKS_ALL;
    c[1].attest_interval = 40; /* an empty XBlock every 40 blocks (10 s) */
    fx f;
    fx_open(&f, c, 2, NULL, 3 * S);
    f.finalized_every = 3;
    sim_engine_run(f.e, 1800 * S, NULL);
    check_levels(&f, 2);
    mdl_rollup *a = mdl_rollups_get(f.rs, 0), *b = mdl_rollups_get(f.rs, 1);
    /* b: an XBlock for each block with messages and for each 40th height
    ** (lib/xchain Block.ShouldAttest), and for no other block */
    uint64_t hb = mdl_rollup_height(b);
    bool *has = calloc(hb + 1, sizeof *has);
    size_t empty = 0;
    for (size_t i = 0; i < f.nxb; i++) {
        const mdl_xblock *v = &f.xb[i].v;
        if (v->rollup != 1 || v->level != MDL_LEVEL_LATEST || v->orphaned) continue;
        uint64_t h = v->header.source_block_height;
        assert_true(v->msg_count > 0 || h % 40 == 0);
        empty += v->msg_count == 0;
        has[h] = true;
    }
    for (uint64_t h = 40; h <= hb; h += 40) assert_true(has[h]);
    assert_true(empty > 0);
    free(has);
    /* all: one Latest XBlock per block (empty ones too) */
    assert_int_equal(mdl_rollup_xblock_last_offset(a, MDL_LEVEL_LATEST), mdl_rollup_height(a));
    /* nonempty: fewer XBlocks than blocks on b */
    assert_true(mdl_rollup_xblock_last_offset(b, MDL_LEVEL_LATEST) < mdl_rollup_height(b) / 4);
    mdl_rollup_stats st;
    mdl_rollup_stats_get(a, &st);
    assert_int_equal(mdl_rollup_xblock_last_offset(a, MDL_LEVEL_FINALIZED), st.final_height);
    /* get returns what was emitted */
    for (size_t i = 0; i < f.nxb; i++) {
        const mdl_xblock *v = &f.xb[i].v;
        mdl_xblock g;
        mdl_rollup *r = mdl_rollups_get(f.rs, v->rollup);
        assert_true(mdl_rollup_xblock_get(r, v->level, v->header.offset, NULL, &g));
        assert_memory_equal(g.root.bytes, v->root.bytes, 32);
        assert_int_equal(g.msg_count, v->msg_count);
        for (size_t k = 0; k < g.msg_count; k++) assert_int_equal(g.meta[k].id, f.xb[i].ids[k]);
        assert_true(mdl_rollup_xblock_get(r, v->level, v->header.offset, &v->root, &g));
        xr_hash other = v->root;
        other.bytes[0] ^= 1;
        assert_false(mdl_rollup_xblock_get(r, v->level, v->header.offset, &other, &g));
    }
    uint64_t last = mdl_rollup_xblock_last_offset(a, MDL_LEVEL_LATEST);
    mdl_xblock g;
    assert_false(mdl_rollup_xblock_get(a, MDL_LEVEL_LATEST, last + 1, NULL, &g));
    assert_false(mdl_rollup_xblock_get(a, MDL_LEVEL_LATEST, 0, NULL, &g));
    mdl_rollup_prune(a, MDL_LEVEL_LATEST, 100);
    assert_false(mdl_rollup_xblock_get(a, MDL_LEVEL_LATEST, 99, NULL, &g));
    assert_true(mdl_rollup_xblock_get(a, MDL_LEVEL_LATEST, 100, NULL, &g));
    assert_int_equal(g.header.offset, 100);
    /* emission goes on after pruning */
    sim_engine_run(f.e, 1900 * S, NULL);
    assert_true(mdl_rollup_xblock_last_offset(a, MDL_LEVEL_LATEST) > last);
    fx_close(&f);
}

/* ---- reorgs ------------------------------------------------------------------- */

static void test_rollup_reorg_replaces_blocks(void **state) {
    (void)state;
    mdl_rollup_config c[2] = {arb("a", 10), arb("b", 20)};
    c[0].reorg_probability = 0.05;
    c[0].reorg_depth_min = 1;
    c[0].reorg_depth_max = 3;
    fx f;
    fx_open(&f, c, 2, NULL, 200 * MS);
    f.finalized_every = 3; /* odd: both rollups (ids alternate) */
    sim_engine_run(f.e, 1800 * S, NULL);
    mdl_rollup *a = mdl_rollups_get(f.rs, 0);
    mdl_rollup_stats st;
    mdl_rollup_stats_get(a, &st);
    assert_true(st.reorgs > 100);
    assert_true(st.orphaned_blocks >= st.reorgs && st.orphaned_blocks <= 3 * st.reorgs);
    /* Walk rollup a's Latest emissions: offsets run +1 among first-time
    ** emissions; a reorg is a run of orphan notices followed by replacements
    ** with the same offsets, messages and heights, new hashes and roots. */
    uint64_t last = 0, orphan_notices = 0, replacements = 0;
    for (size_t i = 0; i < f.nxb; i++) {
        const xb_copy *x = &f.xb[i];
        if (x->v.rollup != 0 || x->v.level != MDL_LEVEL_LATEST) continue;
        if (x->v.orphaned) {
            orphan_notices++;
            /* find the matching replacement after it */
            size_t j = i + 1;
            for (; j < f.nxb; j++)
                if (f.xb[j].v.rollup == 0 && f.xb[j].v.level == 0 && !f.xb[j].v.orphaned &&
                    f.xb[j].v.header.offset == x->v.header.offset)
                    break;
            assert_true(j < f.nxb);
            const xb_copy *y = &f.xb[j];
            assert_true(y->v.replacement);
            assert_int_equal(y->v.emitted_ns, x->v.emitted_ns);
            assert_int_equal(y->v.header.source_block_height, x->v.header.source_block_height);
            assert_memory_not_equal(y->v.header.source_block_hash.bytes, x->v.header.source_block_hash.bytes, 32);
            assert_memory_not_equal(y->v.root.bytes, x->v.root.bytes, 32);
            assert_memory_equal(y->v.msg_root.bytes, x->v.msg_root.bytes, 32);
            assert_int_equal(y->v.msg_count, x->v.msg_count);
            assert_memory_equal(y->ids, x->ids, x->v.msg_count * sizeof *x->ids);
            /* the orphaned version is still there by root */
            mdl_xblock g;
            if (mdl_rollup_xblock_get(a, 0, x->v.header.offset, &x->v.root, &g)) assert_true(g.orphaned);
            continue;
        }
        if (x->v.replacement) {
            replacements++;
            assert_true(x->v.header.offset <= last);
            continue;
        }
        assert_int_equal(x->v.header.offset, last + 1);
        last = x->v.header.offset;
    }
    assert_int_equal(orphan_notices, replacements);
    assert_true(orphan_notices > 50);
    /* canonical state: every message once; Finalized XBlocks carry the final
    ** canonical hashes (those of the last version of each height) */
    check_messages_once(&f, f.next_id / 6); /* emitted in the first 300 s: final by 1800 s */
    for (size_t i = 0; i < f.nxb; i++) {
        const xb_copy *x = &f.xb[i];
        if (x->v.rollup != 0 || x->v.level != MDL_LEVEL_FINALIZED) continue;
        /* the last Latest emission at this height (if any) has the same hash */
        for (size_t j = f.nxb; j-- > 0;) {
            const xb_copy *y = &f.xb[j];
            if (y->v.rollup == 0 && y->v.level == 0 && !y->v.orphaned &&
                y->v.header.source_block_height == x->v.header.source_block_height) {
                assert_memory_equal(y->v.header.source_block_hash.bytes, x->v.header.source_block_hash.bytes, 32);
                break;
            }
        }
    }
    /* block log: a reorg never reached into a batch */
    for (size_t i = 0; i < f.nblk; i++) {
        const mdl_rollup_block *b = &f.blocks[i];
        if (b->rollup != 0 || b->reorg_depth == 0) continue;
        for (size_t k = 0; k < f.nbat; k++) {
            const mdl_rollup_batch *bt = &f.batches[k];
            if (bt->rollup == 0 && bt->event == MDL_BATCH_POSTED && bt->now_ns <= b->time_ns)
                assert_true(bt->last_height < b->height - b->reorg_depth);
        }
    }
    {
        uint64_t lastf = 0;
        for (size_t i = 0; i < f.nxb; i++) {
            const mdl_xblock *v = &f.xb[i].v;
            if (v->rollup != 0 || v->level != MDL_LEVEL_FINALIZED) continue;
            assert_int_equal(v->header.offset, lastf + 1);
            lastf = v->header.offset;
        }
        assert_true(lastf > 0);
    }
    fx_close(&f);
}

/* ---- fees and xcalls ------------------------------------------------------------ */

static void test_rollup_fee_oracle_and_xcall_checks(void **state) {
    (void)state;
    mdl_rollup_config c[2] = {arb("a", 10), arb("b", 20)};
    c[0].oracle_markup = 0.5;
    c[0].fee_protocol_wei = 7;
    fx f;
    fx_open(&f, c, 2, NULL, 0);
    mdl_rollup *a = mdl_rollups_get(f.rs, 0), *b = mdl_rollups_get(f.rs, 1);
    /* FeeOracleV2: fee = protocol + (base gas + gas limit) * 1.5 * b's base
    ** fee + (base bytes 100 + len) * 16 * 1.5 * L1 base */
    uint64_t fee = 0;
    assert_int_equal(mdl_rollup_fee_for(a, 20, 100, 50000, &fee), 0);
    uint64_t exec = mdl_rollup_base_fee_wei(b) * 3 / 2, data = mdl_l1_base_fee_wei(f.l1) * 3 / 2;
    assert_int_equal(fee, 7 + (100000 + 50000) * exec + 16 * (100 + 100) * data);
    assert_int_equal(mdl_rollup_fee_for(a, 99, 100, 50000, &fee), XR_ERR_UNSUPPORTED_DEST);
    assert_int_equal(mdl_rollup_fee_for(a, 10, 100, 50000, &fee), XR_ERR_UNSUPPORTED_DEST);
    mdl_xcall x = {.msg_id = 1, .dest_chain_id = 20, .conf_level = XR_CONF_LATEST, .data_len = 100,
                   .gas_limit = 50000};
    mdl_rollup_fee_for(a, 20, 100, 50000, &x.fee_wei);
    /* `to` 0 is the virtual portal address: no user xcall there */
    assert_int_equal(mdl_rollup_xcall(a, &x, &(mdl_xcall_result){0}), XR_ERR_XCALL_TO_PORTAL);
    memset(x.to.bytes, 0x22, 20);
    x.fee_wei -= 1;
    mdl_xcall_result res;
    assert_int_equal(mdl_rollup_xcall(a, &x, &res), XR_ERR_FEE_TOO_LOW);
    x.fee_wei += 11;
    assert_int_equal(mdl_rollup_xcall(a, &x, &res), 0);
    assert_int_equal(res.offset, 1);
    assert_int_equal(res.refund_wei, 0); /* OmniPortal.xcall keeps the 10 wei over */
    assert_int_equal(res.shard_id, XR_SHARD(XR_CONF_LATEST));
    x.gas_limit = 100;
    assert_int_equal(mdl_rollup_xcall(a, &x, &res), XR_ERR_GAS_LIMIT);
    x.gas_limit = 50000;
    x.conf_level = 2;
    assert_int_equal(mdl_rollup_xcall(a, &x, &res), XR_ERR_UNSUPPORTED_SHARD);
    x.conf_level = XR_CONF_LATEST;
    x.data_len = XR_MAX_DATA_BYTES + 1;
    assert_int_equal(mdl_rollup_xcall(a, &x, &res), XR_ERR_DATA_TOO_LARGE);
    x.data_len = 20001; /* above the portal's 20,000 (OmniPortal xmsgMaxDataSize) */
    assert_int_equal(mdl_rollup_xcall(a, &x, &res), XR_ERR_DATA_TOO_LARGE);
    mdl_rollup_stats st;
    mdl_rollup_stats_get(a, &st);
    assert_int_equal(st.xcalls, 1);
    assert_int_equal(st.xcalls_rejected, 6); /* with the call to address 0 */
    /* the oracle follows b's base fee: make b's base fee move, run past an update */
    sim_engine_run(f.e, 61 * S, NULL);
    assert_int_equal(mdl_rollup_fee_for(a, 20, 0, 0, &fee), 0);
    /* quote made at t = 60 s from b's fee then */
    assert_true(fee >= 7 + 100000 * mdl_rollup_config_of(b)->min_base_fee_wei * 3 / 2);
    fx_close(&f);
}

/* ---- destination submissions ---------------------------------------------------- */

typedef struct sub_buf {
    uint8_t bytes[64 * 1024];
    size_t len;
} sub_buf;

/* The submission to `dest` of XBlock `xb` signed by validators in mask. */
static void build_submission(fx *f, const mdl_xblock *xb, uint64_t dest, uint32_t mask, sub_buf *out) {
    size_t n = xb->msg_count;
    xr_hash node_work[256], proof[128];
    size_t index_work[256], order[128], oc = 0, pc = 0, fc = 0;
    bool flags[128];
    assert_true(n <= 64);
    assert_int_equal(xr_attest_dest_proof(xb->msgs, n, dest, node_work, 256, index_work, 256, order, 128, &oc,
                                          proof, 128, &pc, flags, 128, &fc), 0);
    assert_true(oc > 0);
    xr_xmsg msgs[128];
    for (size_t i = 0; i < oc; i++) msgs[i] = xb->msgs[order[i]];
    /* signatures sorted by address */
    int idx[NVAL + 2], k = 0;
    for (int i = 0; i < NVAL + 2; i++)
        if (mask & (1u << i)) idx[k++] = i;
    for (int i = 1; i < k; i++)
        for (int j = i; j > 0 && memcmp(f->addrs[idx[j - 1]].bytes, f->addrs[idx[j]].bytes, 20) > 0; j--) {
            int t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    xr_sig_tuple sigs[NVAL + 2];
    xr_hash digest;
    xr_attest_sign_digest(&xb->root, &digest);
    xr_sig_backend be = mdl_sig_fast_backend(f->sig);
    for (int i = 0; i < k; i++) {
        sigs[i].validator = f->addrs[idx[i]];
        assert_int_equal(xr_sig_sign(&be, f->keys[idx[i]], digest.bytes, sigs[i].sig.bytes), 0);
    }
    xr_submission s = {
        .attestation_root = xb->root,
        .valset_id = 1,
        .header = xb->header,
        .msgs = msgs,
        .msg_count = oc,
        .proof = proof,
        .proof_count = pc,
        .proof_flags = flags,
        .proof_flag_count = fc,
        .sigs = sigs,
        .sig_count = (size_t)k,
    };
    int len = xr_submission_encode(&s, out->bytes, sizeof out->bytes);
    assert_true(len > 0);
    out->len = (size_t)len;
}

static void test_rollup_submit_executes_in_order_and_rejects_replay(void **state) {
    (void)state;
    mdl_rollup_config c[2] = {arb("a", 10), arb("b", 20)};
    mdl_rollup_preset_apply(&c[1], MDL_PRESET_OP);
    c[1].demand = (mdl_demand_config){0.0, 0.0, 0.0}; /* b's fee falls to its floor */
    c[1].min_base_fee_wei = 1000;
    fx f;
    fx_open(&f, c, 2, NULL, 0);
    mdl_rollup *a = mdl_rollups_get(f.rs, 0), *b = mdl_rollups_get(f.rs, 1);
    /* three xcalls a -> b and one b -> a in a's first block */
    for (int i = 0; i < 3; i++) {
        mdl_xcall x = {.msg_id = 100 + (uint64_t)i, .dest_chain_id = 20, .conf_level = XR_CONF_LATEST,
                       .data_len = (uint32_t)(10 * i), .gas_limit = 60000};
        memset(x.sender.bytes, 0x11, 20);
        memset(x.to.bytes, 0x22, 20);
        mdl_rollup_fee_for(a, 20, x.data_len, x.gas_limit, &x.fee_wei);
        mdl_xcall_result res;
        assert_int_equal(mdl_rollup_xcall(a, &x, &res), 0);
        assert_int_equal(res.offset, (uint64_t)i + 1);
    }
    sim_engine_run(f.e, 300 * MS, NULL);
    assert_int_equal(f.nxb, 1);
    mdl_xblock xb;
    assert_true(mdl_rollup_xblock_get(a, MDL_LEVEL_LATEST, 1, NULL, &xb));
    assert_int_equal(xb.msg_count, 3);
    sub_buf *sb = malloc(sizeof *sb);
    build_submission(&f, &xb, 20, 0x7 /* 3 of 4: 30 of 40 power > 2/3 */, sb);

    /* fee too low at first: b's base fee is 0.001 gwei, falling 12.5 %/block */
    uint64_t max_fee = mdl_rollup_base_fee_wei(b) / 2;
    uint64_t id = mdl_rollup_submit_tx(b, sb->bytes, sb->len, 2000000, max_fee, 7, 555);
    assert_true(id > 0);
    sim_engine_run(f.e, 60 * S, NULL);
    assert_int_equal(f.nsub, 1);
    const mdl_submit_result *r = &f.subs[0];
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->tag, 555);
    assert_int_equal(r->relayer, 7);
    assert_int_equal(r->rollup, 1);
    assert_true(r->gas_price_wei <= max_fee);
    assert_true(r->included_ns > 2 * S); /* it waited some blocks */
    /* included in the first block whose base fee covered it */
    for (size_t i = 0; i < f.nblk; i++)
        if (f.blocks[i].rollup == 1 && f.blocks[i].time_ns < r->included_ns)
            assert_true(f.blocks[i].base_fee_wei > max_fee);
    assert_int_equal(r->fee_wei, r->gas_used * r->gas_price_wei);
    assert_int_equal(r->receipt_count, 3);
    assert_true(r->gas_used > 3 * 60000);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(f.receipts[0][i].source_chain_id, 10);
        assert_int_equal(f.receipts[0][i].shard_id, XR_SHARD(XR_CONF_LATEST));
        assert_int_equal(f.receipts[0][i].offset, (uint64_t)i + 1);
        assert_true(f.receipts[0][i].success);
        xr_address rel;
        mdl_rollup_relayer_address(7, &rel);
        assert_memory_equal(f.receipts[0][i].relayer.bytes, rel.bytes, 20);
    }
    assert_int_equal(xr_portal_in_offset(mdl_rollup_portal(b), 10, XR_SHARD(XR_CONF_LATEST)), 3);

    /* the same submission again: the portal's offset rule rejects it */
    mdl_rollup_submit_tx(b, sb->bytes, sb->len, 2000000, GWEI, 8, 556);
    /* undecodable bytes */
    uint8_t junk[100] = {1, 2, 3};
    mdl_rollup_submit_tx(b, junk, sizeof junk, 2000000, GWEI, 8, 557);
    /* too little gas for the calldata */
    mdl_rollup_submit_tx(b, sb->bytes, sb->len, 30000, GWEI, 8, 558);
    /* no quorum: 2 of 4 */
    build_submission(&f, &xb, 20, 0x3, sb);
    mdl_rollup_submit_tx(b, sb->bytes, sb->len, 2000000, GWEI, 8, 559);
    sim_engine_run(f.e, 70 * S, NULL);
    assert_int_equal(f.nsub, 5);
    assert_int_equal(f.subs[1].tag, 556);
    assert_int_equal(f.subs[1].rc, XR_ERR_OFFSET_GAP);
    assert_int_equal(f.subs[1].bad_index, 0);
    assert_true(f.subs[1].gas_used > 21000 && f.subs[1].gas_used < 2000000);
    assert_int_equal(f.subs[1].receipt_count, 0);
    assert_int_equal(f.subs[2].tag, 557);
    assert_true(f.subs[2].rc < 0);
    assert_int_equal(f.subs[3].tag, 558);
    assert_int_equal(f.subs[3].rc, XR_ERR_OUT_OF_GAS);
    assert_int_equal(f.subs[3].gas_used, 0); /* below intrinsic: never charged */
    assert_int_equal(f.subs[4].tag, 559);
    assert_int_equal(f.subs[4].rc, XR_ERR_NO_QUORUM);
    assert_int_equal(xr_portal_in_offset(mdl_rollup_portal(b), 10, XR_SHARD(XR_CONF_LATEST)), 3);
    mdl_rollup_stats st;
    mdl_rollup_stats_get(b, &st);
    assert_int_equal(st.submissions_ok, 1);
    assert_int_equal(st.submissions_failed, 4);
    assert_int_equal(st.pending_txs, 0);
    /* a transaction that can never fit the block */
    assert_int_equal(mdl_rollup_submit_tx(b, sb->bytes, sb->len, 30000001, GWEI, 8, 1), 0);
    free(sb);
    fx_close(&f);
}

static void test_rollup_valset_update_reaches_portals(void **state) {
    (void)state;
    mdl_rollup_config c[2] = {arb("a", 10), arb("b", 20)};
    fx f;
    fx_open(&f, c, 2, NULL, 0);
    mdl_rollup *a = mdl_rollups_get(f.rs, 0), *b = mdl_rollups_get(f.rs, 1);
    /* set 2: keys 2..5 (two new members) */
    xr_validator v2[NVAL];
    for (int i = 0; i < NVAL; i++) v2[i] = (xr_validator){f.addrs[i + 2], 10};
    assert_int_equal(mdl_rollups_add_valset(f.rs, 2, v2, NVAL), 0);
    assert_int_equal(xr_portal_latest_valset_id(mdl_rollup_portal(a)), 2);
    assert_int_equal(xr_portal_latest_valset_id(mdl_rollup_portal(b)), 2);
    assert_int_equal(mdl_rollups_add_valset(f.rs, 2, v2, NVAL), XR_ERR_VALSET_INVALID);
    assert_int_equal(mdl_rollup_add_valset(a, 3, v2, NVAL), 0);
    assert_int_equal(xr_portal_latest_valset_id(mdl_rollup_portal(b)), 2);
    fx_close(&f);
}

/* A congested L1 whose base fee doubles before a batch tx may go in: the
** batcher's replacement at the next batch interval gets it included. */
static void test_rollup_batcher_bumps_stuck_batches(void **state) {
    (void)state;
    mdl_l1_config lc;
    mdl_l1_config_default(&lc);
    lc.demand = (mdl_demand_config){1.0, 0.0, 0.0};  /* +12.5 % every slot */
    lc.inclusion_delay = sim_lat_constant(90 * S);  /* 7 slots: x2.3 by then */
    mdl_rollup_config c[2] = {arb("a", 10), arb("b", 20)};
    fx f;
    fx_open(&f, c, 2, &lc, 0);
    sim_engine_run(f.e, 1800 * S, NULL);
    size_t posted = 0, included = 0;
    uint64_t posted_ns[64] = {0};
    for (size_t i = 0; i < f.nbat; i++) {
        const mdl_rollup_batch *b = &f.batches[i];
        if (b->rollup != 0) continue;
        if (b->event == MDL_BATCH_POSTED) posted_ns[b->batch % 64] = b->now_ns, posted++;
        if (b->event == MDL_BATCH_INCLUDED) {
            included++;
            /* not before a replacement: at least one batch interval (1 min) later */
            assert_true(b->now_ns >= posted_ns[b->batch % 64] + 60 * S);
        }
    }
    assert_true(posted >= 5);
    assert_true(included >= posted - 2);
    fx_close(&f);
}

static void test_rollup_deterministic(void **state) {
    (void)state;
    mdl_rollup_config c[2] = {arb("a", 10), arb("b", 20)};
    c[0].reorg_probability = 0.02;
    mdl_rollup_preset_apply(&c[1], MDL_PRESET_ZK);
    char d1[33], d2[33];
    for (int k = 0; k < 2; k++) {
        fx f;
        fx_open(&f, c, 2, NULL, 300 * MS);
        f.finalized_every = 2;
        sim_engine_run(f.e, 1200 * S, NULL);
        sim_engine_digest_hex(f.e, k ? d2 : d1);
        fx_close(&f);
    }
    assert_string_equal(d1, d2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rollup_block_times),
        cmocka_unit_test(test_rollup_finalized_after_l1_finality),
        cmocka_unit_test(test_rollup_zk_waits_for_proof),
        cmocka_unit_test(test_rollup_xblocks_all_policy_and_get),
        cmocka_unit_test(test_rollup_reorg_replaces_blocks),
        cmocka_unit_test(test_rollup_fee_oracle_and_xcall_checks),
        cmocka_unit_test(test_rollup_submit_executes_in_order_and_rejects_replay),
        cmocka_unit_test(test_rollup_valset_update_reaches_portals),
        cmocka_unit_test(test_rollup_batcher_bumps_stuck_batches),
        cmocka_unit_test(test_rollup_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
