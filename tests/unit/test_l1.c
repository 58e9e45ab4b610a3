/*
** Tests of the L1 model (models/l1.c): slot, epoch and finality timing
** (the formulas and the notices of a running chain, exact to the
** nanosecond); the EIP-1559 base fee under full, empty, noisy and elastic
** demand (never more than 12.5 % a block, exactly the core's update);
** transaction inclusion (waiting for an affordable base fee, fee paid,
** inclusion delay, minimum tip, gas capacity, fee bumps); missed slots.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"
#include "chain/l1.h"
#include "xr_gas.h"

#define S 1000000000ull
#define GWEI 1000000000ull
#define SLOT (12 * S)

typedef struct log {
    mdl_l1_block blocks[4096];
    size_t nb;
    uint64_t fin_slot[256], fin_ns[256];
    size_t nf;
    uint64_t epoch[256], epoch_ns[256];
    size_t ne;
    mdl_l1_receipt receipts[64];
    size_t nr;
    int order; /* event order check: 1 epoch, 2 finalized, 3 block */
    bool order_ok;
} log_t;

static void on_block(void *ctx, const mdl_l1_block *b) {
    log_t *l = ctx;
    if (l->nb < 4096) l->blocks[l->nb++] = *b;
    l->order = 3;
}
static void on_finalized(void *ctx, uint64_t slot, uint64_t now) {
    log_t *l = ctx;
    if (l->order == 3 && now % (32 * SLOT) != 0) l->order_ok = false;
    l->fin_slot[l->nf] = slot;
    l->fin_ns[l->nf++] = now;
    l->order = 2;
}
static void on_epoch(void *ctx, uint64_t epoch, uint64_t now) {
    log_t *l = ctx;
    l->epoch[l->ne] = epoch;
    l->epoch_ns[l->ne++] = now;
    l->order = 1;
}
static void on_included(void *ctx, const mdl_l1_receipt *r) {
    log_t *l = ctx;
    l->receipts[l->nr++] = *r;
}

typedef struct chain {
    sim_engine *e;
    mdl_l1 *l1;
    log_t *log;
} chain;

static void chain_open(chain *c, const mdl_l1_config *cfg, uint64_t seed) {
    c->e = sim_engine_new(64);
    assert_non_null(c->e);
    assert_null(mdl_l1_config_check(cfg));
    c->l1 = mdl_l1_new(c->e, cfg, seed);
    assert_non_null(c->l1);
    c->log = calloc(1, sizeof *c->log);
    assert_non_null(c->log);
    c->log->order_ok = true;
    mdl_l1_listener li = {on_block, on_finalized, on_epoch, c->log};
    assert_true(mdl_l1_listen(c->l1, &li));
    assert_true(mdl_l1_start(c->l1));
}

static void chain_close(chain *c) {
    assert_null(mdl_l1_error(c->l1));
    mdl_l1_free(c->l1);
    sim_engine_free(c->e);
    free(c->log);
}

static void test_l1_time_formulas(void **state) {
    (void)state;
    mdl_l1_config cfg;
    mdl_l1_config_default(&cfg);
    sim_engine *e = sim_engine_new(8);
    mdl_l1 *l1 = mdl_l1_new(e, &cfg, 1);
    assert_int_equal(mdl_l1_slot_at(l1, 0), 0);
    assert_int_equal(mdl_l1_slot_at(l1, SLOT - 1), 0);
    assert_int_equal(mdl_l1_slot_at(l1, SLOT), 1);
    assert_int_equal(mdl_l1_slot_start_ns(l1, 100), 1200 * S);
    /* genesis is final; nothing else before epoch 2 + 1 */
    assert_int_equal(mdl_l1_slot_final_ns(l1, 0), 0);
    assert_int_equal(mdl_l1_finalized_slot(l1, 0), 0);
    assert_int_equal(mdl_l1_finalized_slot(l1, 3 * 32 * SLOT - 1), 0);
    assert_int_equal(mdl_l1_finalized_slot(l1, 3 * 32 * SLOT), 32);
    /* slot 1 waits for epoch 3 (95 slots); slot 32 (a checkpoint) for epoch 3
    ** (64 slots); slot 33 for epoch 4 (95 slots); slot 63 for epoch 4 (65). */
    assert_int_equal(mdl_l1_slot_final_ns(l1, 1), 96 * SLOT);
    assert_int_equal(mdl_l1_slot_final_ns(l1, 32), 96 * SLOT);
    assert_int_equal(mdl_l1_slot_final_ns(l1, 33), 128 * SLOT);
    assert_int_equal(mdl_l1_slot_final_ns(l1, 63), 128 * SLOT);
    assert_int_equal(mdl_l1_slot_final_ns(l1, 64), 128 * SLOT);
    /* The two formulas agree: s is final at t iff s <= finalized_slot(t). */
    for (uint64_t s = 1; s < 300; s++) {
        uint64_t t = mdl_l1_slot_final_ns(l1, s);
        assert_true(mdl_l1_finalized_slot(l1, t) >= s);
        assert_true(mdl_l1_finalized_slot(l1, t - 1) < s);
        uint64_t wait = (t - mdl_l1_slot_start_ns(l1, s)) / SLOT;
        assert_true(wait >= 64 && wait <= 95);
    }
    mdl_l1_free(l1);
    sim_engine_free(e);
}

static void test_l1_running_chain_timing_exact(void **state) {
    (void)state;
    mdl_l1_config cfg;
    mdl_l1_config_default(&cfg);
    cfg.slot_ns = 2 * S; /* a faster chain: still exact */
    cfg.epoch_slots = 4;
    cfg.finality_epochs = 3;
    chain c;
    chain_open(&c, &cfg, 7);
    sim_engine_run(c.e, 100 * S, NULL);
    log_t *l = c.log;
    /* blocks at every slot 1..50, at slot * 2 s */
    assert_int_equal(l->nb, 50);
    for (size_t i = 0; i < l->nb; i++) {
        assert_int_equal(l->blocks[i].slot, i + 1);
        assert_int_equal(l->blocks[i].time_ns, (i + 1) * 2 * S);
        assert_false(l->blocks[i].missed);
    }
    /* epochs 1..12 at 8 s each (epoch 0 starts at genesis: no event) */
    assert_int_equal(l->ne, 12);
    for (size_t i = 0; i < l->ne; i++) {
        assert_int_equal(l->epoch[i], i + 1);
        assert_int_equal(l->epoch_ns[i], (i + 1) * 8 * S);
    }
    /* finality of epoch c's checkpoint when epoch c + 3 starts: first notice
    ** at epoch 4 (32 s), slot 4; then every epoch */
    assert_int_equal(l->nf, 9);
    for (size_t i = 0; i < l->nf; i++) {
        assert_int_equal(l->fin_slot[i], (i + 1) * 4);
        assert_int_equal(l->fin_ns[i], (i + 4) * 8 * S);
    }
    assert_true(l->order_ok);
    chain_close(&c);
}

static void test_l1_base_fee_full_and_empty_blocks(void **state) {
    (void)state;
    mdl_l1_config cfg;
    mdl_l1_config_default(&cfg);
    cfg.demand = (mdl_demand_config){1.0, 0.0, 0.0}; /* every block full */
    chain c;
    chain_open(&c, &cfg, 3);
    sim_engine_run(c.e, 60 * SLOT, NULL);
    uint64_t expect = cfg.base_fee_wei;
    for (size_t i = 0; i < c.log->nb; i++) {
        const mdl_l1_block *b = &c.log->blocks[i];
        assert_int_equal(b->base_fee_wei, expect);
        assert_int_equal(b->gas_used, cfg.gas_limit);
        expect = xr_gas_base_fee_next(expect, b->gas_used, b->gas_limit);
        assert_true(expect * 8 <= b->base_fee_wei * 9 && expect > b->base_fee_wei);
    }
    assert_true(c.log->blocks[59].base_fee_wei > 100 * cfg.base_fee_wei); /* 1.125^59 */
    chain_close(&c);

    cfg.demand = (mdl_demand_config){0.0, 0.0, 0.0}; /* idle */
    cfg.min_base_fee_wei = GWEI / 2;
    chain_open(&c, &cfg, 3);
    sim_engine_run(c.e, 60 * SLOT, NULL);
    expect = cfg.base_fee_wei;
    for (size_t i = 0; i < c.log->nb; i++) {
        const mdl_l1_block *b = &c.log->blocks[i];
        assert_int_equal(b->base_fee_wei, expect);
        assert_int_equal(b->gas_used, 0);
        expect = xr_gas_base_fee_next(expect, 0, b->gas_limit);
        if (expect < cfg.min_base_fee_wei) expect = cfg.min_base_fee_wei;
    }
    assert_int_equal(c.log->blocks[59].base_fee_wei, GWEI / 2); /* at the floor */
    assert_int_equal(c.log->blocks[1].base_fee_wei, 8750000000ull);
    chain_close(&c);
}

/* Noisy demand: never more than +-12.5 % a block; congestion moves the
** fee the way it says; elasticity makes it settle at ref * (2c)^(1/e). */
static void test_l1_base_fee_noisy_and_elastic(void **state) {
    (void)state;
    mdl_l1_config cfg;
    mdl_l1_config_default(&cfg);
    cfg.demand = (mdl_demand_config){0.8, 0.3, 0.0};
    chain c;
    chain_open(&c, &cfg, 11);
    sim_engine_run(c.e, 200 * SLOT, NULL);
    for (size_t i = 1; i < c.log->nb; i++) {
        uint64_t a = c.log->blocks[i - 1].base_fee_wei, b = c.log->blocks[i].base_fee_wei;
        assert_true(b * 8 <= a * 9 && b * 8 >= a * 7);
    }
    assert_true(c.log->blocks[199].base_fee_wei > 10 * cfg.base_fee_wei);
    chain_close(&c);

    cfg.demand = (mdl_demand_config){0.2, 0.3, 0.0};
    chain_open(&c, &cfg, 11);
    sim_engine_run(c.e, 200 * SLOT, NULL);
    assert_true(c.log->blocks[199].base_fee_wei < cfg.base_fee_wei / 10);
    chain_close(&c);

    /* elastic: congestion 0.9, elasticity 1 -> about 1.8 x the reference */
    cfg.demand = (mdl_demand_config){0.9, 0.1, 1.0};
    chain_open(&c, &cfg, 11);
    sim_engine_run(c.e, 3000 * SLOT, NULL);
    double sum = 0;
    size_t n = 0;
    for (size_t i = 500; i < c.log->nb; i++, n++) sum += (double)c.log->blocks[i].base_fee_wei;
    double mean = sum / (double)n / (double)cfg.base_fee_wei;
    assert_true(mean > 1.65 && mean < 1.95);
    chain_close(&c);
}

static void test_l1_tx_waits_for_affordable_base_fee(void **state) {
    (void)state;
    mdl_l1_config cfg;
    mdl_l1_config_default(&cfg);
    cfg.base_fee_wei = 100 * GWEI;
    cfg.demand = (mdl_demand_config){0.0, 0.0, 0.0}; /* the fee falls 12.5 % a block */
    chain c;
    chain_open(&c, &cfg, 5);
    mdl_l1_tx tx = {.gas = 100000, .max_fee_wei = 50 * GWEI, .priority_fee_wei = 2 * GWEI, .tag = 77};
    uint64_t id = mdl_l1_submit(c.l1, &tx, on_included, c.log);
    assert_true(id > 0);
    /* Expected slot: the first whose base fee <= 50 gwei (empty blocks before). */
    uint64_t base = cfg.base_fee_wei, slot = 1;
    while (base > tx.max_fee_wei) {
        base = xr_gas_base_fee_next(base, 0, cfg.gas_limit);
        slot++;
    }
    sim_engine_run(c.e, 30 * SLOT, NULL);
    assert_int_equal(c.log->nr, 1);
    const mdl_l1_receipt *r = &c.log->receipts[0];
    assert_int_equal(r->tx_id, id);
    assert_int_equal(r->tag, 77);
    assert_int_equal(r->slot, slot);
    assert_int_equal(slot, 7); /* 100 * 0.875^6 = 44.9 gwei */
    assert_int_equal(r->included_ns, slot * SLOT);
    assert_int_equal(r->base_fee_wei, base);
    assert_int_equal(r->price_wei, base + 2 * GWEI);
    assert_int_equal(r->fee_wei, 100000 * (base + 2 * GWEI));
    assert_int_equal(r->final_ns, mdl_l1_slot_final_ns(c.l1, slot));
    /* the block before could not afford it */
    assert_true(c.log->blocks[slot - 2].base_fee_wei > tx.max_fee_wei);
    assert_int_equal(c.log->blocks[slot - 2].tx_count, 0);
    assert_int_equal(c.log->blocks[slot - 1].tx_count, 1);
    assert_int_equal(c.log->blocks[slot - 1].sim_gas, 100000);
    assert_int_equal(c.log->blocks[slot - 1].gas_used, 100000);
    chain_close(&c);
}

static void test_l1_tip_capped_by_max_fee(void **state) {
    (void)state;
    mdl_l1_config cfg;
    mdl_l1_config_default(&cfg);
    cfg.demand = (mdl_demand_config){0.5, 0.0, 0.0}; /* fee stays at 10 gwei */
    cfg.min_tip_wei = 1 * GWEI;
    chain c;
    chain_open(&c, &cfg, 5);
    mdl_l1_tx a = {.gas = 21000, .max_fee_wei = 10 * GWEI + GWEI / 2, .priority_fee_wei = 3 * GWEI, .tag = 1};
    mdl_l1_tx b = {.gas = 21000, .max_fee_wei = 12 * GWEI, .priority_fee_wei = 3 * GWEI, .tag = 2};
    mdl_l1_tx d = {.gas = 21000, .max_fee_wei = 20 * GWEI, .priority_fee_wei = 3 * GWEI, .tag = 3};
    uint64_t ida = mdl_l1_submit(c.l1, &a, on_included, c.log);
    mdl_l1_submit(c.l1, &b, on_included, c.log);
    mdl_l1_submit(c.l1, &d, on_included, c.log);
    sim_engine_run(c.e, 3 * SLOT, NULL);
    /* a's effective tip is 0.5 gwei < min tip: it waits; b pays 12 gwei (tip
    ** capped at 2), d pays 13 */
    assert_int_equal(c.log->nr, 2);
    assert_int_equal(c.log->receipts[0].tag, 2);
    assert_int_equal(c.log->receipts[0].price_wei, 12 * GWEI);
    assert_int_equal(c.log->receipts[1].tag, 3);
    assert_int_equal(c.log->receipts[1].price_wei, 13 * GWEI);
    mdl_l1_stats st;
    mdl_l1_stats_get(c.l1, &st);
    assert_int_equal(st.pending, 1);
    /* a bump makes it go in the next block */
    assert_true(mdl_l1_bump(c.l1, ida, 15 * GWEI, 1 * GWEI));
    assert_false(mdl_l1_bump(c.l1, 12345, 15 * GWEI, 1 * GWEI));
    sim_engine_run(c.e, 4 * SLOT, NULL);
    assert_int_equal(c.log->nr, 3);
    assert_int_equal(c.log->receipts[2].tag, 1);
    assert_int_equal(c.log->receipts[2].slot, 4);
    assert_int_equal(c.log->receipts[2].price_wei, c.log->receipts[2].base_fee_wei + GWEI);
    assert_int_equal(c.log->receipts[2].base_fee_wei, c.log->blocks[3].base_fee_wei);
    chain_close(&c);
}

static void test_l1_inclusion_delay_and_capacity(void **state) {
    (void)state;
    mdl_l1_config cfg;
    mdl_l1_config_default(&cfg);
    cfg.inclusion_delay = sim_lat_constant(30 * S);
    chain c;
    chain_open(&c, &cfg, 5);
    mdl_l1_tx big = {.gas = 20000000, .max_fee_wei = 1000 * GWEI, .priority_fee_wei = GWEI};
    big.tag = 1;
    mdl_l1_submit(c.l1, &big, on_included, c.log);
    big.tag = 2;
    mdl_l1_submit(c.l1, &big, on_included, c.log);
    mdl_l1_tx huge = {.gas = 30000001, .max_fee_wei = 1000 * GWEI};
    assert_int_equal(mdl_l1_submit(c.l1, &huge, on_included, c.log), 0);
    sim_engine_run(c.e, 10 * SLOT, NULL);
    /* eligible from 30 s: slot 3 (36 s); the second does not fit beside it */
    assert_int_equal(c.log->nr, 2);
    assert_int_equal(c.log->receipts[0].tag, 1);
    assert_int_equal(c.log->receipts[0].slot, 3);
    assert_int_equal(c.log->receipts[1].tag, 2);
    assert_int_equal(c.log->receipts[1].slot, 4);
    assert_true(c.log->blocks[2].gas_used <= cfg.gas_limit);
    chain_close(&c);
}

static void test_l1_missed_slots(void **state) {
    (void)state;
    mdl_l1_config cfg;
    mdl_l1_config_default(&cfg);
    cfg.missed_slot = 0.25;
    chain c;
    chain_open(&c, &cfg, 9);
    sim_engine_run(c.e, 2000 * SLOT, NULL);
    size_t missed = 0;
    for (size_t i = 0; i < c.log->nb; i++) {
        const mdl_l1_block *b = &c.log->blocks[i];
        if (b->missed) {
            missed++;
            assert_int_equal(b->gas_used, 0);
            if (i + 1 < c.log->nb) assert_int_equal(c.log->blocks[i + 1].base_fee_wei, b->base_fee_wei);
        }
    }
    assert_int_equal(c.log->nb, 2000);
    assert_true(missed > 440 && missed < 560); /* 500 +- 3 sigma (19.4) x ~3 */
    mdl_l1_stats st;
    mdl_l1_stats_get(c.l1, &st);
    assert_int_equal(st.missed, missed);
    assert_int_equal(st.blocks, 2000 - missed);
    /* finality does not care */
    assert_int_equal(c.log->fin_slot[0], 32);
    assert_int_equal(c.log->fin_ns[0], 96 * SLOT);
    chain_close(&c);
}

static void test_l1_deterministic(void **state) {
    (void)state;
    mdl_l1_config cfg;
    mdl_l1_config_default(&cfg);
    cfg.missed_slot = 0.1;
    chain a, b;
    chain_open(&a, &cfg, 42);
    chain_open(&b, &cfg, 42);
    sim_engine_run(a.e, 300 * SLOT, NULL);
    sim_engine_run(b.e, 300 * SLOT, NULL);
    assert_int_equal(a.log->nb, b.log->nb);
    assert_memory_equal(a.log->blocks, b.log->blocks, a.log->nb * sizeof a.log->blocks[0]);
    chain_close(&a);
    chain_close(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_l1_time_formulas),
        cmocka_unit_test(test_l1_running_chain_timing_exact),
        cmocka_unit_test(test_l1_base_fee_full_and_empty_blocks),
        cmocka_unit_test(test_l1_base_fee_noisy_and_elastic),
        cmocka_unit_test(test_l1_tx_waits_for_affordable_base_fee),
        cmocka_unit_test(test_l1_tip_capped_by_max_fee),
        cmocka_unit_test(test_l1_inclusion_delay_and_capacity),
        cmocka_unit_test(test_l1_missed_slots),
        cmocka_unit_test(test_l1_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
