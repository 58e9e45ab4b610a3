/*
** The rollups (see rollup.h for the model and its rules): the group's life
** cycle and events, and one rollup's xcalls and destination transactions.
** What the files of the model share: rollup_inside.h.
*/
#include "chain/rollup_inside.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "xr_attest.h"
#include "xr_codec.h"

uint8_t mdl_level_conf(int level) {
    assert(level == MDL_LEVEL_LATEST || level == MDL_LEVEL_FINALIZED);
    return level == MDL_LEVEL_LATEST ? XR_CONF_LATEST : XR_CONF_FINALIZED;
}

int mdl_level_of_conf(uint8_t conf) {
    return conf == XR_CONF_LATEST ? MDL_LEVEL_LATEST : conf == XR_CONF_FINALIZED ? MDL_LEVEL_FINALIZED : -1;
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

static uint64_t mix64(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static uint32_t fold_chain(uint64_t chain_id) { return (uint32_t)(chain_id ^ (chain_id >> 32)); }

uint64_t rl_sample_gap(const sim_lat_dist *d, gsl_rng *rng) {
    uint64_t x = sim_lat_sample_ns(d, rng);
    return x ? x : 1;
}

void rl_schedule(mdl_rollup *r, uint64_t delay_ns, uint64_t type, uint64_t payload) {
    mdl_rollups *g = r->group;
    if (sim_schedule_in(g->engine, delay_ns, g->kind, r->index, (payload << 8) | type) == 0)
        rl_fail(g, "rollup: scheduling an event failed (out of memory)");
}

void rl_fail(mdl_rollups *g, const char *why) { sim_engine_fail(g->engine, &g->error, why); }

/* ======================================================================== */
/* events and life cycle                                                     */

static void on_event(void *ctx, sim_engine *e, const sim_event *ev) {
    mdl_rollups *g = ctx;
    (void)e;
    assert(ev->node < g->n);
    mdl_rollup *r = &g->r[ev->node];
    switch (ev->arg & 0xff) {
    case EV_BLOCK:
        rl_produce_block(r);
        break;
    case EV_BATCH:
        rl_post_batch(r);
        break;
    case EV_PROOF: {
        batch_rec *b = rl_batch_find(r, ev->arg >> 8);
        assert(b != NULL);
        rl_submit_l1(r, b, r->cfg.proof_gas, b->id | TAG_PROOF);
        break;
    }
    case EV_ORACLE:
        rl_oracle_update(r);
        rl_schedule(r, r->cfg.oracle_interval_ns, EV_ORACLE, 0);
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
    mdl_l1_listener li = {.on_finalized = rl_on_l1_finalized, .ctx = g};
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
        for (int l = 0; l < MDL_LEVELS; l++) rl_store_free(&r->store[l]);
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
        rl_oracle_update(r);
        rl_schedule(r, rl_sample_gap(&r->cfg.block_time, r->rng_block), EV_BLOCK, 0);
        rl_schedule(r, rl_sample_gap(&r->cfg.batch_interval, r->rng_batch), EV_BATCH, 0);
        rl_schedule(r, r->cfg.oracle_interval_ns, EV_ORACLE, 0);
    }
    return g->error == NULL;
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

const char *mdl_rollups_error(const mdl_rollups *g) { return g->error; }
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
    if (!SIM_GROW(r->pend_msgs, r->pend_msgs_cap, need) ||
        !SIM_GROW(r->pend_meta, r->pend_meta_cap, need))
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
    if (!SIM_GROW(r->txq, r->txq_cap, r->txq_len + 1)) return 0;
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
