/*
** Workloads (see workload.h).  Each route has one pending engine event: the
** next arrival, or (bursty) the next on/off switch.  In the on state the
** next event is the first of two competing exponential clocks -- arrival
** at rate_on, end of the period at 1 / on_ns -- drawn as one exponential of
** the summed rate and a choice weighted by the rates (memorylessness makes
** this exact); in the off state it is the end of the off period.  The
** event's arg says which it is.
*/
#include "chain/workload.h"

#include <assert.h>
#include <gsl/gsl_randist.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "units.h"

enum { EV_ARRIVAL = 1, EV_ON = 2, EV_OFF = 3 };
enum { PURPOSE_ARRIVAL = 1, PURPOSE_SIZE = 2, PURPOSE_VALUE = 3, PURPOSE_LEVEL = 4 };

typedef struct route {
    mdl_route_config cfg;
    mdl_rollup *src;
    uint64_t dest_chain_id;
    double on_rate_per_ns;      /* arrival rate while on (poisson: always on) */
    gsl_rng *rng_arrival, *rng_size, *rng_value, *rng_level;
    bool on;
    mdl_route_stats stats;
} route;

struct mdl_workload {
    sim_engine *engine;
    mdl_rollups *rs;
    uint32_t kind;
    route *routes;
    size_t n;
    uint64_t *next_msg_id;
    mdl_workload_callbacks cb;
    const char *error; /* the first failure inside the run (sim_engine_fail) */
};

void mdl_workload_config_free(mdl_workload_config *c) {
    if (c == NULL) return;
    free(c->routes);
    c->routes = NULL;
    c->count = 0;
}

void mdl_route_config_default(mdl_route_config *r, uint32_t from, uint32_t to) {
    assert(r != NULL);
    memset(r, 0, sizeof *r);
    r->from = from;
    r->to = to;
    r->rate_per_s = 1.0;
    r->arrival = MDL_WL_POISSON;
    r->on_ns = 10ull * SIM_NS_PER_S;
    r->off_ns = 50ull * SIM_NS_PER_S;
    r->size = sim_lat_constant(200);
    r->value = sim_lat_constant(0);
    r->gas_limit = 200000;
    r->finalized = 0.0;
    r->calls = 1.0; /* every xmsg today carries data and a gas limit: a call */
    r->start_ns = 0;
    r->stop_ns = UINT64_MAX;
}

const char *mdl_route_config_check(const mdl_route_config *r) {
    if (r == NULL) return "no route";
    if (r->from == r->to) return "a route needs two different rollups";
    if (!(r->rate_per_s > 0.0 && r->rate_per_s <= 1e9)) return "rate must be in (0, 1e9] per second";
    if (r->arrival == MDL_WL_BURSTY && (r->on_ns == 0 || r->off_ns == 0))
        return "bursty on and off periods must be longer than 0";
    if (!sim_lat_check(&r->size, NULL, 0)) return "size is not a valid distribution";
    if (!sim_lat_check(&r->value, NULL, 0)) return "value is not a valid distribution";
    if (!(r->finalized >= 0.0 && r->finalized <= 1.0)) return "finalized share must be in [0, 1]";
    if (r->start_ns >= r->stop_ns) return "start must be before stop";
    return NULL;
}

static uint32_t fold_route(uint64_t from, uint64_t to) {
    uint64_t x = from * 0x9e3779b97f4a7c15ull ^ to;
    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9ull;
    return (uint32_t)(x ^ (x >> 32));
}

static void on_event(void *ctx, sim_engine *e, const sim_event *ev);

mdl_workload *mdl_workload_new(sim_engine *e, mdl_rollups *rs, const mdl_workload_config *c,
                               uint64_t seed, uint64_t *next_msg_id,
                               const mdl_workload_callbacks *cb) {
    assert(e != NULL && rs != NULL && c != NULL && next_msg_id != NULL);
    mdl_workload *w = calloc(1, sizeof *w);
    if (w == NULL) return NULL;
    w->engine = e;
    w->rs = rs;
    w->next_msg_id = next_msg_id;
    if (cb) w->cb = *cb;
    w->n = c->count;
    w->routes = calloc(c->count ? c->count : 1, sizeof *w->routes);
    if (w->routes == NULL) goto oom;
    for (size_t i = 0; i < c->count; i++) {
        route *r = &w->routes[i];
        const mdl_route_config *rc = &c->routes[i];
        assert(mdl_route_config_check(rc) == NULL);
        assert(rc->from < mdl_rollups_count(rs) && rc->to < mdl_rollups_count(rs));
        r->cfg = *rc;
        r->src = mdl_rollups_get(rs, rc->from);
        r->dest_chain_id = mdl_rollup_chain_id(mdl_rollups_get(rs, rc->to));
        double rate = rc->rate_per_s / SIM_NS_PER_S_F;
        if (rc->arrival == MDL_WL_BURSTY)
            rate *= ((double)rc->on_ns + (double)rc->off_ns) / (double)rc->on_ns;
        r->on_rate_per_ns = rate;
        uint32_t id = fold_route(mdl_rollup_chain_id(r->src), r->dest_chain_id);
        r->rng_arrival = sim_rng_new(seed, MDL_ENT_WORKLOAD, id, PURPOSE_ARRIVAL);
        r->rng_size = sim_rng_new(seed, MDL_ENT_WORKLOAD, id, PURPOSE_SIZE);
        r->rng_value = sim_rng_new(seed, MDL_ENT_WORKLOAD, id, PURPOSE_VALUE);
        r->rng_level = sim_rng_new(seed, MDL_ENT_WORKLOAD, id, PURPOSE_LEVEL);
        if (!r->rng_arrival || !r->rng_size || !r->rng_value || !r->rng_level) goto oom;
    }
    w->kind = sim_engine_register(e, "workload", on_event, w);
    return w;
oom:
    mdl_workload_free(w);
    return NULL;
}

void mdl_workload_free(mdl_workload *w) {
    if (w == NULL) return;
    for (size_t i = 0; w->routes && i < w->n; i++) {
        route *r = &w->routes[i];
        if (r->rng_arrival) gsl_rng_free(r->rng_arrival);
        if (r->rng_size) gsl_rng_free(r->rng_size);
        if (r->rng_value) gsl_rng_free(r->rng_value);
        if (r->rng_level) gsl_rng_free(r->rng_level);
    }
    free(w->routes);
    free(w);
}

static uint64_t exp_ns(gsl_rng *rng, double rate_per_ns) {
    double x = gsl_ran_exponential(rng, 1.0 / rate_per_ns);
    if (!(x < 1e18)) return 1000000000000000000ull;
    return x < 1.0 ? 1 : (uint64_t)(x + 0.5);
}

/* Draws and schedules the route's next event from `from_ns` on. */
static void schedule_next(mdl_workload *w, size_t i, uint64_t from_ns) {
    route *r = &w->routes[i];
    uint64_t gap;
    uint64_t type;
    if (r->cfg.arrival == MDL_WL_POISSON) {
        gap = exp_ns(r->rng_arrival, r->on_rate_per_ns);
        type = EV_ARRIVAL;
    } else if (r->on) {
        double end = 1.0 / (double)r->cfg.on_ns;
        double total = r->on_rate_per_ns + end;
        gap = exp_ns(r->rng_arrival, total);
        type = sim_rng_u01(r->rng_arrival) * total < r->on_rate_per_ns ? EV_ARRIVAL : EV_OFF;
    } else {
        gap = exp_ns(r->rng_arrival, 1.0 / (double)r->cfg.off_ns);
        type = EV_ON;
    }
    uint64_t at = from_ns > UINT64_MAX - gap ? UINT64_MAX : from_ns + gap;
    if (at >= r->cfg.stop_ns) return; /* the route is done */
    if (sim_schedule_at(w->engine, at, w->kind, (uint32_t)i, type) == 0)
        sim_engine_fail(w->engine, &w->error, "workload: scheduling an arrival failed (out of memory)");
}

bool mdl_workload_start(mdl_workload *w) {
    assert(w != NULL);
    uint64_t now = sim_now_ns(w->engine);
    for (size_t i = 0; i < w->n; i++) {
        route *r = &w->routes[i];
        if (r->cfg.arrival == MDL_WL_BURSTY) {
            /* Start in the stationary distribution of the on/off chain. */
            double p_on = (double)r->cfg.on_ns / ((double)r->cfg.on_ns + (double)r->cfg.off_ns);
            r->on = sim_rng_u01(r->rng_arrival) < p_on;
        } else {
            r->on = true;
        }
        schedule_next(w, i, r->cfg.start_ns > now ? r->cfg.start_ns : now);
    }
    return w->error == NULL;
}

static void user_address(const char tag[4], uint32_t idx, xr_address *a) {
    memset(a, 0, sizeof *a);
    memcpy(a->bytes, tag, 4);
    a->bytes[16] = (uint8_t)(idx >> 24);
    a->bytes[17] = (uint8_t)(idx >> 16);
    a->bytes[18] = (uint8_t)(idx >> 8);
    a->bytes[19] = (uint8_t)idx;
}

static void send_one(mdl_workload *w, size_t i, uint64_t now) {
    route *r = &w->routes[i];
    uint64_t size = sim_lat_sample_ns(&r->cfg.size, r->rng_size);
    if (size > UINT32_MAX) size = UINT32_MAX;
    uint64_t value = sim_lat_sample_ns(&r->cfg.value, r->rng_value);
    bool fin = r->cfg.finalized > 0.0 && sim_rng_u01(r->rng_level) < r->cfg.finalized;
    mdl_msg m = {
        .id = (*w->next_msg_id)++,
        .route = (uint32_t)i,
        .from = r->cfg.from,
        .to = r->cfg.to,
        .source_chain_id = mdl_rollup_chain_id(r->src),
        .dest_chain_id = r->dest_chain_id,
        .conf_level = fin ? XR_CONF_FINALIZED : XR_CONF_LATEST,
        .emitted_ns = now,
        .gas_limit = r->cfg.gas_limit,
        .value_gwei = value,
        .size_bytes = (uint32_t)size,
    };
    m.shard_id = XR_SHARD(m.conf_level);
    int rc = mdl_rollup_fee_for(r->src, m.dest_chain_id, size, m.gas_limit, &m.fee_wei);
    if (rc == 0) {
        mdl_xcall c = {
            .msg_id = m.id,
            .dest_chain_id = m.dest_chain_id,
            .conf_level = m.conf_level,
            .data_len = m.size_bytes,
            .gas_limit = m.gas_limit,
            .fee_wei = m.fee_wei,
            .value_gwei = value,
        };
        user_address("user", (uint32_t)i, &c.sender);
        user_address("app\0", (uint32_t)i, &c.to);
        mdl_xcall_result res;
        rc = mdl_rollup_xcall(r->src, &c, &res);
        if (rc == 0) m.offset = res.offset;
    }
    m.rc = rc;
    if (rc == 0) {
        r->stats.sent++;
        r->stats.finalized += fin;
        r->stats.fees_wei = r->stats.fees_wei > UINT64_MAX - m.fee_wei ? UINT64_MAX : r->stats.fees_wei + m.fee_wei;
        r->stats.value_gwei = r->stats.value_gwei > UINT64_MAX - value ? UINT64_MAX : r->stats.value_gwei + value;
    } else {
        r->stats.rejected++;
        if (rc == XR_ERR_NOSPACE) sim_engine_fail(w->engine, &w->error, "workload: a rollup could not take a message (out of memory)");
    }
    if (w->cb.on_msg) w->cb.on_msg(w->cb.ctx, &m);
}

static void on_event(void *ctx, sim_engine *e, const sim_event *ev) {
    mdl_workload *w = ctx;
    (void)e;
    assert(ev->node < w->n);
    route *r = &w->routes[ev->node];
    switch (ev->arg) {
    case EV_ARRIVAL:
        send_one(w, ev->node, ev->time_ns);
        break;
    case EV_ON:
        r->on = true;
        break;
    case EV_OFF:
        r->on = false;
        break;
    default:
        assert(!"unknown workload event");
    }
    schedule_next(w, ev->node, ev->time_ns);
}

void mdl_workload_route_stats(const mdl_workload *w, size_t i, mdl_route_stats *out) {
    assert(w != NULL && i < w->n && out != NULL);
    *out = w->routes[i].stats;
}

size_t mdl_workload_route_count(const mdl_workload *w) { return w->n; }
const char *mdl_workload_error(const mdl_workload *w) { return w->error; }
