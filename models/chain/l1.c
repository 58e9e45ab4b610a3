/*
** The L1 chain (see l1.h): one engine event per slot builds the block --
** epoch and finality notices, the simulation's transactions that qualify,
** background demand, the next base fee -- then tells listeners and the
** senders of included transactions.  Pending transactions sit in one array
** in submission order (the block takes them in that order).
*/
#include "chain/l1.h"

#include <assert.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "rng.h"
#include "xr_gas.h"
#include "units.h"

enum { PURPOSE_DEMAND = 1, PURPOSE_MISSED = 2, PURPOSE_DELAY = 3 };

typedef struct pending_tx {
    uint64_t id;
    mdl_l1_tx tx;
    uint64_t submitted_ns;
    uint64_t eligible_ns;
    mdl_l1_included_fn fn;
    void *ctx;
} pending_tx;

typedef struct included_tx {
    mdl_l1_receipt r;
    mdl_l1_included_fn fn;
    void *ctx;
} included_tx;

struct mdl_l1 {
    sim_engine *engine;
    mdl_l1_config cfg;
    uint32_t kind;
    gsl_rng *rng_demand, *rng_missed, *rng_delay;
    uint64_t base_fee_wei;      /* of the next block */
    uint64_t finalized_slot;    /* last announced */
    mdl_l1_listener listeners[MDL_L1_LISTENERS_MAX];
    uint32_t listener_count;
    pending_tx *pending;
    size_t pending_len, pending_cap;
    included_tx *included;      /* scratch of one block */
    size_t included_cap;
    uint64_t next_tx_id;
    const char *error;          /* the first failure inside the run (sim_engine_fail) */
    mdl_l1_stats stats;
};

static uint64_t sat_mul(uint64_t a, uint64_t b) {
    __extension__ unsigned __int128 p = (unsigned __int128)a * b;
    return p > UINT64_MAX ? UINT64_MAX : (uint64_t)p;
}

static uint64_t sat_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

uint64_t mdl_demand_gas(const mdl_demand_config *c, uint64_t ref_fee_wei, uint64_t base_fee_wei,
                        uint64_t gas_limit, gsl_rng *r) {
    assert(c != NULL && r != NULL && base_fee_wei > 0);
    double mean = c->congestion;
    if (c->elasticity > 0.0 && ref_fee_wei > 0) {
        mean *= pow((double)ref_fee_wei / (double)base_fee_wei, c->elasticity);
    }
    double fill = mean + (c->stddev > 0.0 ? gsl_ran_gaussian(r, c->stddev) : 0.0);
    if (!(fill > 0.0)) return 0; /* also NaN */
    if (fill >= 1.0) return gas_limit;
    uint64_t gas = (uint64_t)(fill * (double)gas_limit);
    return gas > gas_limit ? gas_limit : gas;
}

void mdl_l1_config_default(mdl_l1_config *c) {
    assert(c != NULL);
    memset(c, 0, sizeof *c);
    c->slot_ns = 12ull * SIM_NS_PER_S;
    c->epoch_slots = 32;
    c->finality_epochs = 2;
    c->gas_limit = 30000000;
    c->base_fee_wei = 10ull * SIM_WEI_PER_GWEI;
    c->min_base_fee_wei = 1;
    c->min_tip_wei = 0;
    c->blob_base_fee_wei = 1;
    c->demand = (mdl_demand_config){0.5, 0.1, 1.0};
    c->inclusion_delay = sim_lat_constant(0);
    c->missed_slot = 0.0;
}

const char *mdl_l1_config_check(const mdl_l1_config *c) {
    if (c == NULL) return "no config";
    if (c->slot_ns == 0) return "slot must be longer than 0";
    if (c->epoch_slots == 0) return "epoch_slots must be at least 1";
    if (c->gas_limit < 2) return "gas_limit must be at least 2";
    if (c->min_base_fee_wei == 0) return "min_base_fee must be at least 1 wei";
    if (c->base_fee_wei < c->min_base_fee_wei) return "base_fee is below min_base_fee";
    if (c->blob_base_fee_wei == 0) return "blob_base_fee must be at least 1 wei";
    if (!(c->demand.congestion >= 0.0 && c->demand.congestion <= 1.0)) return "congestion must be in [0, 1]";
    if (!(c->demand.stddev >= 0.0 && c->demand.stddev <= 1.0)) return "demand stddev must be in [0, 1]";
    if (!(c->demand.elasticity >= 0.0 && c->demand.elasticity <= 10.0)) return "elasticity must be in [0, 10]";
    if (!(c->missed_slot >= 0.0 && c->missed_slot < 1.0)) return "missed_slot must be in [0, 1)";
    if (!sim_lat_check(&c->inclusion_delay, NULL, 0)) return "inclusion_delay is not a valid distribution";
    /* Time arithmetic must not overflow within any run (a year of slots). */
    if (c->slot_ns > UINT64_MAX / 4 / ((uint64_t)c->epoch_slots * (c->finality_epochs + 2u)))
        return "slot too long";
    return NULL;
}

static void on_slot(void *ctx, sim_engine *e, const sim_event *ev);

mdl_l1 *mdl_l1_new(sim_engine *e, const mdl_l1_config *c, uint64_t seed) {
    assert(e != NULL && c != NULL && mdl_l1_config_check(c) == NULL);
    mdl_l1 *l1 = calloc(1, sizeof *l1);
    if (l1 == NULL) return NULL;
    l1->engine = e;
    l1->cfg = *c;
    l1->base_fee_wei = c->base_fee_wei;
    l1->next_tx_id = 1;
    l1->rng_demand = sim_rng_new(seed, MDL_ENT_L1, 0, PURPOSE_DEMAND);
    l1->rng_missed = sim_rng_new(seed, MDL_ENT_L1, 0, PURPOSE_MISSED);
    l1->rng_delay = sim_rng_new(seed, MDL_ENT_L1, 0, PURPOSE_DELAY);
    if (!l1->rng_demand || !l1->rng_missed || !l1->rng_delay) {
        mdl_l1_free(l1);
        return NULL;
    }
    l1->kind = sim_engine_register(e, "l1_slot", on_slot, l1);
    return l1;
}

void mdl_l1_free(mdl_l1 *l1) {
    if (l1 == NULL) return;
    if (l1->rng_demand) gsl_rng_free(l1->rng_demand);
    if (l1->rng_missed) gsl_rng_free(l1->rng_missed);
    if (l1->rng_delay) gsl_rng_free(l1->rng_delay);
    free(l1->pending);
    free(l1->included);
    free(l1);
}

bool mdl_l1_start(mdl_l1 *l1) {
    assert(l1 != NULL && sim_now_ns(l1->engine) == 0);
    return sim_schedule_at(l1->engine, l1->cfg.slot_ns, l1->kind, 0, 1) != 0;
}

bool mdl_l1_listen(mdl_l1 *l1, const mdl_l1_listener *li) {
    assert(l1 != NULL && li != NULL);
    if (l1->listener_count == MDL_L1_LISTENERS_MAX) return false;
    l1->listeners[l1->listener_count++] = *li;
    return true;
}

uint64_t mdl_l1_submit(mdl_l1 *l1, const mdl_l1_tx *tx, mdl_l1_included_fn fn, void *ctx) {
    assert(l1 != NULL && tx != NULL);
    if (tx->gas == 0 || tx->gas > l1->cfg.gas_limit) return 0;
    if (!SIM_GROW(l1->pending, l1->pending_cap, l1->pending_len + 1)) return 0;
    uint64_t now = sim_now_ns(l1->engine);
    pending_tx *p = &l1->pending[l1->pending_len++];
    p->id = l1->next_tx_id++;
    p->tx = *tx;
    p->submitted_ns = now;
    p->eligible_ns = sat_add(now, sim_lat_sample_ns(&l1->cfg.inclusion_delay, l1->rng_delay));
    p->fn = fn;
    p->ctx = ctx;
    l1->stats.txs_submitted++;
    return p->id;
}

bool mdl_l1_bump(mdl_l1 *l1, uint64_t tx_id, uint64_t max_fee_wei, uint64_t priority_fee_wei) {
    assert(l1 != NULL);
    for (size_t i = 0; i < l1->pending_len; i++) {
        if (l1->pending[i].id == tx_id) {
            l1->pending[i].tx.max_fee_wei = max_fee_wei;
            l1->pending[i].tx.priority_fee_wei = priority_fee_wei;
            return true;
        }
    }
    return false;
}

uint64_t mdl_l1_base_fee_wei(const mdl_l1 *l1) { return l1->base_fee_wei; }
uint64_t mdl_l1_blob_base_fee_wei(const mdl_l1 *l1) { return l1->cfg.blob_base_fee_wei; }
const mdl_l1_config *mdl_l1_config_of(const mdl_l1 *l1) { return &l1->cfg; }

uint64_t mdl_l1_slot_at(const mdl_l1 *l1, uint64_t now_ns) { return now_ns / l1->cfg.slot_ns; }

uint64_t mdl_l1_slot_start_ns(const mdl_l1 *l1, uint64_t slot) { return sat_mul(slot, l1->cfg.slot_ns); }

uint64_t mdl_l1_finalized_slot(const mdl_l1 *l1, uint64_t now_ns) {
    uint64_t epoch = now_ns / l1->cfg.slot_ns / l1->cfg.epoch_slots;
    if (epoch < l1->cfg.finality_epochs) return 0;
    return (epoch - l1->cfg.finality_epochs) * l1->cfg.epoch_slots;
}

uint64_t mdl_l1_slot_final_ns(const mdl_l1 *l1, uint64_t slot) {
    if (slot == 0) return 0;
    uint64_t e = l1->cfg.epoch_slots;
    uint64_t epoch = slot / e + (slot % e != 0);
    return mdl_l1_slot_start_ns(l1, sat_mul(epoch + l1->cfg.finality_epochs, e));
}

const char *mdl_l1_error(const mdl_l1 *l1) { return l1->error; }

void mdl_l1_stats_get(const mdl_l1 *l1, mdl_l1_stats *out) {
    assert(l1 != NULL && out != NULL);
    *out = l1->stats;
    out->pending = l1->pending_len;
}

/* Takes the qualifying pending txs into l1->included (in order), removes
** them from the pending array, returns the gas they use.  Out of memory
** leaves the rest pending (and marks the chain failed). */
static void take_txs(mdl_l1 *l1, uint64_t slot, uint64_t now, size_t *count, uint64_t *gas_out) {
    const uint64_t base = l1->base_fee_wei;
    uint64_t gas = 0;
    size_t n = 0, keep = 0;
    for (size_t i = 0; i < l1->pending_len; i++) {
        pending_tx *p = &l1->pending[i];
        bool ok = p->eligible_ns <= now && p->tx.max_fee_wei >= base &&
                  p->tx.gas <= l1->cfg.gas_limit - gas;
        uint64_t tip = 0;
        if (ok) {
            uint64_t room = p->tx.max_fee_wei - base;
            tip = p->tx.priority_fee_wei < room ? p->tx.priority_fee_wei : room;
            ok = tip >= l1->cfg.min_tip_wei;
        }
        if (!ok) {
            l1->pending[keep++] = *p;
            continue;
        }
        if (!SIM_GROW(l1->included, l1->included_cap, n + 1)) {
            sim_engine_fail(l1->engine, &l1->error, "L1: out of memory (a block's transactions)");
            /* Keep the rest pending; what was taken is still included. */
            for (size_t j = i; j < l1->pending_len; j++) l1->pending[keep++] = l1->pending[j];
            break;
        }
        included_tx *t = &l1->included[n++];
        gas += p->tx.gas;
        uint64_t price = base + tip;
        t->fn = p->fn;
        t->ctx = p->ctx;
        t->r = (mdl_l1_receipt){
            .tx_id = p->id,
            .tag = p->tx.tag,
            .gas = p->tx.gas,
            .submitted_ns = p->submitted_ns,
            .slot = slot,
            .included_ns = now,
            .base_fee_wei = base,
            .price_wei = price,
            .fee_wei = sat_mul(p->tx.gas, price),
            .final_ns = mdl_l1_slot_final_ns(l1, slot),
        };
    }
    l1->pending_len = keep;
    *count = n;
    *gas_out = gas;
}

static void on_slot(void *ctx, sim_engine *e, const sim_event *ev) {
    mdl_l1 *l1 = ctx;
    const uint64_t slot = ev->arg, now = ev->time_ns;
    assert(now == mdl_l1_slot_start_ns(l1, slot));
    const uint32_t E = l1->cfg.epoch_slots;

    if (slot % E == 0) {
        for (uint32_t i = 0; i < l1->listener_count; i++)
            if (l1->listeners[i].on_epoch) l1->listeners[i].on_epoch(l1->listeners[i].ctx, slot / E, now);
    }
    uint64_t fin = mdl_l1_finalized_slot(l1, now);
    if (fin > l1->finalized_slot) {
        l1->finalized_slot = fin;
        for (uint32_t i = 0; i < l1->listener_count; i++)
            if (l1->listeners[i].on_finalized) l1->listeners[i].on_finalized(l1->listeners[i].ctx, fin, now);
    }

    mdl_l1_block b = {.slot = slot, .time_ns = now, .base_fee_wei = l1->base_fee_wei,
                      .gas_limit = l1->cfg.gas_limit};
    size_t n = 0;
    if (l1->cfg.missed_slot > 0.0 && sim_rng_u01(l1->rng_missed) < l1->cfg.missed_slot) {
        b.missed = true;
        l1->stats.missed++;
    } else {
        uint64_t ours = 0;
        take_txs(l1, slot, now, &n, &ours);
        uint64_t bg = mdl_demand_gas(&l1->cfg.demand, l1->cfg.base_fee_wei, l1->base_fee_wei,
                                     l1->cfg.gas_limit, l1->rng_demand);
        uint64_t room = l1->cfg.gas_limit - ours;
        b.sim_gas = ours;
        b.tx_count = (uint32_t)n;
        b.gas_used = ours + (bg < room ? bg : room);
        uint64_t next = xr_gas_base_fee_next(l1->base_fee_wei, b.gas_used, l1->cfg.gas_limit);
        l1->base_fee_wei = next < l1->cfg.min_base_fee_wei ? l1->cfg.min_base_fee_wei : next;
        l1->stats.blocks++;
        l1->stats.txs_included += n;
    }
    if (sim_schedule_at(e, mdl_l1_slot_start_ns(l1, slot + 1), l1->kind, 0, slot + 1) == 0)
        sim_engine_fail(l1->engine, &l1->error, "L1: scheduling the next slot failed (out of memory)");

    for (uint32_t i = 0; i < l1->listener_count; i++)
        if (l1->listeners[i].on_block) l1->listeners[i].on_block(l1->listeners[i].ctx, &b);
    /* Callbacks may submit more transactions (into `pending`, not `included`)
    ** but never run a block, so `included` is stable here. */
    for (size_t i = 0; i < n; i++) {
        l1->stats.fees_wei = sat_add(l1->stats.fees_wei, l1->included[i].r.fee_wei);
        if (l1->included[i].fn) l1->included[i].fn(l1->included[i].ctx, &l1->included[i].r);
    }
}
