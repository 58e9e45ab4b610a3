/*
** Readers of the `l1:`, `rollups:` and `workload:` sections (format in
** chains_config.h).  Each field is read with the ytree getters (units,
** ranges, exact marks); defaults come from the config's current value, so a
** rollup's preset is applied first and every key then overrides it.  Checks
** that span fields (e.g. base fee below its floor) are reported at the
** field that breaks them, or at the enclosing mapping.
*/
#include "chain/chains_config.h"

#include "dist_config.h"
#include "units.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum unit_kind { U_DURATION, U_BYTES, U_GWEI } unit_kind;

/* Reports unknown keys (and a non-mapping); true when n is a mapping, so
** reading goes on after unknown keys and every error shows at once.  The
** callers decide success by counting errors. */
static bool check_map(const sim_ynode *n, const char *where, const char *const *keys, sim_diag *d) {
    sim_ymap_check(n, where, keys, d);
    return n != NULL && n->kind == SIM_Y_MAP;
}

/* A quantity node in the unit `u`, in [min, SIM_LAT_MAX_NS]. */
static bool qty(const sim_ynode *n, unit_kind u, uint64_t min, uint64_t *out, sim_diag *d) {
    switch (u) {
    case U_DURATION: return sim_ynode_duration_ns(n, min, SIM_LAT_MAX_NS, out, d);
    case U_BYTES: return sim_ynode_bytes(n, min, SIM_LAT_MAX_NS, out, d);
    default: return sim_ynode_gwei(n, min, SIM_LAT_MAX_NS, out, d);
    }
}

/* A distribution: a plain quantity (constant) or a model mapping. */
static bool load_dist(const sim_ynode *n, const char *where, unit_kind u, sim_lat_dist *out,
                      sim_diag *d) {
    if (n->kind == SIM_Y_SCALAR) {
        uint64_t v = 0;
        if (!qty(n, u, 0, &v, d)) return false;
        *out = sim_lat_constant(v);
        return true;
    }
    if (n->kind != SIM_Y_MAP) {
        sim_diag_error(d, n, "expected a quantity or a distribution for %s, e.g. {model: uniform, min: .., max: ..}",
                       where);
        return false;
    }
    int model = 0;
    if (!sim_yfield_enum(n, "model", true, 0, sim_dist_model_names, &model, d)) return false;
    static const sim_dist_unit units[] = {[U_DURATION] = SIM_DIST_DURATION, [U_BYTES] = SIM_DIST_BYTES,
                                          [U_GWEI] = SIM_DIST_GWEI};
    return sim_dist_load_params(n, where, (sim_lat_model)model, units[u], out, d);
}

/* An optional distribution field (absent: *out unchanged). */
static bool dist_field(const sim_ynode *map, const char *key, const char *where, unit_kind u,
                       sim_lat_dist *out, sim_diag *d) {
    const sim_ynode *n = sim_ymap_get(map, key);
    return n == NULL || load_dist(n, where, u, out, d);
}

/* congestion + demand: {stddev, elasticity} */
static bool load_demand(const sim_ynode *map, const char *where, mdl_demand_config *c, sim_diag *d) {
    static const char *const keys[] = {"stddev", "elasticity", NULL};
    bool ok = sim_yfield_fraction(map, "congestion", false, c->congestion, 0.0, 1.0, &c->congestion, d);
    const sim_ynode *dm = sim_ymap_get(map, "demand");
    if (dm != NULL) {
        char w[160];
        snprintf(w, sizeof w, "%s.demand", where);
        size_t errors = sim_diag_errors(d);
        check_map(dm, w, keys, d);
        ok = sim_diag_errors(d) == errors && ok;
        ok = sim_yfield_fraction(dm, "stddev", false, c->stddev, 0.0, 1.0, &c->stddev, d) && ok;
        ok = sim_yfield_f64(dm, "elasticity", false, c->elasticity, 0.0, 10.0, &c->elasticity, d) && ok;
    }
    return ok;
}

/* base_fee >= min_base_fee, reported at base_fee (or the map). */
static bool check_fees(const sim_ynode *map, uint64_t base, uint64_t min, sim_diag *d) {
    if (base >= min) return true;
    const sim_ynode *at = sim_ymap_get(map, "base_fee");
    if (at == NULL) at = sim_ymap_get(map, "min_base_fee");
    sim_diag_error(d, at ? at : map, "base_fee (%llu wei) is below min_base_fee (%llu wei)",
                   (unsigned long long)base, (unsigned long long)min);
    return false;
}

/* ======================================================================== */

bool mdl_l1_config_load(const sim_ynode *s, mdl_l1_config *c, sim_diag *d) {
    static const char *const keys[] = {"slot", "epoch_slots", "finality_epochs", "gas_limit",
                                       "base_fee", "min_base_fee", "min_tip", "congestion",
                                       "demand", "inclusion_delay", "missed_slots", "blob_base_fee",
                                       NULL};
    assert(c != NULL && d != NULL);
    mdl_l1_config_default(c);
    if (s == NULL || s->kind == SIM_Y_NULL) return true;
    size_t before = sim_diag_errors(d);
    if (!check_map(s, "l1", keys, d)) return false;
    uint64_t v;
    if (sim_yfield_duration_ns(s, "slot", false, c->slot_ns, SIM_NS_PER_MS, 3600ull * SIM_NS_PER_S, &c->slot_ns, d) &&
        sim_ymap_get(s, "slot") && c->slot_ns < SIM_NS_PER_S) {
        /* Ethereum's slot is 12 s (consensus specs, SECONDS_PER_SLOT); below a second is a unit slip */
        sim_diag_warning(d, sim_ymap_get(s, "slot"),
                         "l1.slot of %.3g ms is implausibly short for an L1 (Ethereum's is 12s): check the unit",
                         (double)c->slot_ns / 1e6);
    }
    v = c->epoch_slots;
    if (sim_yfield_u64(s, "epoch_slots", false, v, 1, 100000, &v, d)) c->epoch_slots = (uint32_t)v;
    v = c->finality_epochs;
    if (sim_yfield_u64(s, "finality_epochs", false, v, 0, 1000, &v, d)) c->finality_epochs = (uint32_t)v;
    sim_yfield_u64(s, "gas_limit", false, c->gas_limit, 2, UINT64_MAX / 2, &c->gas_limit, d);
    bool fees = sim_yfield_wei(s, "base_fee", false, c->base_fee_wei, 1, UINT64_MAX, &c->base_fee_wei, d);
    fees = sim_yfield_wei(s, "min_base_fee", false, c->min_base_fee_wei, 1, UINT64_MAX,
                          &c->min_base_fee_wei, d) && fees;
    if (fees) check_fees(s, c->base_fee_wei, c->min_base_fee_wei, d);
    sim_yfield_wei(s, "min_tip", false, c->min_tip_wei, 0, UINT64_MAX, &c->min_tip_wei, d);
    sim_yfield_wei(s, "blob_base_fee", false, c->blob_base_fee_wei, 1, UINT64_MAX, &c->blob_base_fee_wei, d);
    load_demand(s, "l1", &c->demand, d);
    dist_field(s, "inclusion_delay", "l1.inclusion_delay", U_DURATION, &c->inclusion_delay, d);
    sim_yfield_fraction(s, "missed_slots", false, c->missed_slot, 0.0, 0.99, &c->missed_slot, d);
    if (sim_diag_errors(d) > before) return false;
    const char *why = mdl_l1_config_check(c);
    if (why) {
        sim_diag_error(d, s, "l1: %s", why);
        return false;
    }
    return true;
}

/* ======================================================================== */

void mdl_rollups_config_free(mdl_rollups_config *c) {
    if (c == NULL) return;
    free(c->items);
    c->items = NULL;
    c->count = 0;
}

int mdl_rollups_config_find(const mdl_rollups_config *c, const char *name) {
    for (size_t i = 0; c && i < c->count; i++)
        if (strcmp(c->items[i].name, name) == 0) return (int)i;
    return -1;
}

static bool load_reorg(const sim_ynode *n, const char *where, mdl_rollup_config *c, sim_diag *d) {
    static const char *const keys[] = {"probability", "depth", NULL};
    static const char *const depth_keys[] = {"min", "max", NULL};
    size_t errors = sim_diag_errors(d);
    if (!check_map(n, where, keys, d)) return false;
    bool ok = sim_diag_errors(d) == errors;
    ok = sim_yfield_fraction(n, "probability", false, c->reorg_probability, 0.0, 0.99,
                             &c->reorg_probability, d) && ok;
    const sim_ynode *dn = sim_ymap_get(n, "depth");
    if (dn == NULL) return ok;
    uint64_t lo = c->reorg_depth_min, hi = c->reorg_depth_max;
    if (dn->kind == SIM_Y_MAP) {
        char w[160];
        snprintf(w, sizeof w, "%s.depth", where);
        size_t e2 = sim_diag_errors(d);
        check_map(dn, w, depth_keys, d);
        ok = sim_diag_errors(d) == e2 && ok;
        bool got = sim_yfield_u64(dn, "min", true, 1, 1, 10000, &lo, d);
        got = sim_yfield_u64(dn, "max", true, 1, 1, 10000, &hi, d) && got;
        if (got && lo > hi) {
            sim_diag_error(d, sim_ymap_get(dn, "min"), "reorg depth min %llu exceeds max %llu",
                           (unsigned long long)lo, (unsigned long long)hi);
            got = false;
        }
        ok = got && ok;
    } else {
        bool got = sim_ynode_u64(dn, 1, 10000, &lo, d);
        hi = lo;
        ok = got && ok;
    }
    if (ok) {
        c->reorg_depth_min = (uint32_t)lo;
        c->reorg_depth_max = (uint32_t)hi;
    }
    return ok;
}

static bool load_portal(const sim_ynode *n, const char *where, mdl_rollup_config *c, sim_diag *d) {
    static const char *const keys[] = {"min_gas_limit", "max_gas_limit", "max_data", "base_gas_limit",
                                       "protocol_fee", NULL};
    size_t errors = sim_diag_errors(d);
    if (!check_map(n, where, keys, d)) return false;
    bool ok = sim_diag_errors(d) == errors;
    ok = sim_yfield_u64(n, "min_gas_limit", false, c->xmsg_min_gas_limit, 0, UINT64_MAX,
                        &c->xmsg_min_gas_limit, d) && ok;
    ok = sim_yfield_u64(n, "max_gas_limit", false, c->xmsg_max_gas_limit, 0, UINT64_MAX,
                        &c->xmsg_max_gas_limit, d) && ok;
    uint64_t v = c->xmsg_max_data_bytes;
    if (sim_yfield_bytes(n, "max_data", false, v, 0, XR_MAX_DATA_BYTES, &v, d)) c->xmsg_max_data_bytes = (uint32_t)v;
    else ok = false;
    ok = sim_yfield_u64(n, "base_gas_limit", false, c->fee_base_gas_limit, 0, UINT64_MAX / 2,
                        &c->fee_base_gas_limit, d) && ok;
    ok = sim_yfield_wei(n, "protocol_fee", false, c->fee_protocol_wei, 0, UINT64_MAX,
                        &c->fee_protocol_wei, d) && ok;
    if (ok && c->xmsg_min_gas_limit > c->xmsg_max_gas_limit) {
        const sim_ynode *at = sim_ymap_get(n, "min_gas_limit");
        sim_diag_error(d, at ? at : n, "min_gas_limit %llu exceeds max_gas_limit %llu",
                       (unsigned long long)c->xmsg_min_gas_limit, (unsigned long long)c->xmsg_max_gas_limit);
        ok = false;
    }
    return ok;
}

static bool load_oracle(const sim_ynode *n, const char *where, mdl_rollup_config *c, sim_diag *d) {
    static const char *const keys[] = {"interval", "markup", NULL};
    size_t errors = sim_diag_errors(d);
    if (!check_map(n, where, keys, d)) return false;
    bool ok = sim_diag_errors(d) == errors;
    ok = sim_yfield_duration_ns(n, "interval", false, c->oracle_interval_ns, 1000000,
                                24ull * 3600 * SIM_NS_PER_S, &c->oracle_interval_ns, d) && ok;
    ok = sim_yfield_fraction(n, "markup", false, c->oracle_markup, 0.0, 10.0, &c->oracle_markup, d) && ok;
    return ok;
}

static bool load_rollup(const sim_ynode *n, size_t index, mdl_rollup_config *c, sim_diag *d) {
    static const char *const keys[] = {
        "name", "chain_id", "preset", "block_time", "gas_limit", "base_fee", "min_base_fee",
        "congestion", "demand", "batch_interval", "batch_gas", "batch_tip", "proof", "proof_delay",
        "proof_gas", "reorg", "xblocks", "attest_interval", "portal", "fee_oracle", NULL};
    static const char *const xblock_names[] = {"nonempty", "all", NULL};
    char where[64];
    snprintf(where, sizeof where, "rollups[%zu]", index);
    if (n->kind != SIM_Y_MAP) {
        sim_diag_error(d, n, "expected a mapping for %s, e.g. {name: arb1, chain_id: 42161, preset: arbitrum}",
                       where);
        return false;
    }
    size_t before = sim_diag_errors(d);
    sim_ymap_check(n, where, keys, d);
    int preset = MDL_PRESET_OP;
    sim_yfield_enum(n, "preset", false, MDL_PRESET_OP, mdl_rollup_preset_names, &preset, d);
    mdl_rollup_preset_apply(c, (mdl_rollup_preset)preset);
    const char *name = NULL;
    if (sim_yfield_str(n, "name", true, NULL, &name, d) && name) {
        if (name[0] == '\0' || strlen(name) >= MDL_ROLLUP_NAME_MAX) {
            sim_diag_error(d, sim_ymap_get(n, "name"), "a rollup name has 1 to %u characters",
                           MDL_ROLLUP_NAME_MAX - 1);
        } else {
            snprintf(c->name, sizeof c->name, "%s", name);
        }
    }
    sim_yfield_u64(n, "chain_id", true, 0, 1, UINT64_MAX, &c->chain_id, d);
    char w[96];
    snprintf(w, sizeof w, "%s.block_time", where);
    dist_field(n, "block_time", w, U_DURATION, &c->block_time, d);
    sim_yfield_u64(n, "gas_limit", false, c->gas_limit, 2, UINT64_MAX / 2, &c->gas_limit, d);
    bool fees = sim_yfield_wei(n, "base_fee", false, c->base_fee_wei, 1, UINT64_MAX, &c->base_fee_wei, d);
    fees = sim_yfield_wei(n, "min_base_fee", false, c->min_base_fee_wei, 1, UINT64_MAX,
                          &c->min_base_fee_wei, d) && fees;
    if (fees) check_fees(n, c->base_fee_wei, c->min_base_fee_wei, d);
    load_demand(n, where, &c->demand, d);
    snprintf(w, sizeof w, "%s.batch_interval", where);
    dist_field(n, "batch_interval", w, U_DURATION, &c->batch_interval, d);
    sim_yfield_u64(n, "batch_gas", false, c->batch_gas, 1, UINT64_MAX / 2, &c->batch_gas, d);
    sim_yfield_wei(n, "batch_tip", false, c->batch_tip_wei, 0, UINT64_MAX / 4, &c->batch_tip_wei, d);
    sim_yfield_bool(n, "proof", false, c->proof, &c->proof, d);
    snprintf(w, sizeof w, "%s.proof_delay", where);
    dist_field(n, "proof_delay", w, U_DURATION, &c->proof_delay, d);
    sim_yfield_u64(n, "proof_gas", false, c->proof_gas, 1, UINT64_MAX / 2, &c->proof_gas, d);
    if (c->proof && c->proof_gas == 0) {
        /* A rollup turned into a zk one without saying what a proof costs. */
        c->proof_gas = 500000;
    }
    const sim_ynode *x;
    if ((x = sim_ymap_get(n, "reorg")) != NULL) {
        snprintf(w, sizeof w, "%s.reorg", where);
        load_reorg(x, w, c, d);
    }
    int xb = (int)c->xblocks;
    if (sim_yfield_enum(n, "xblocks", false, xb, xblock_names, &xb, d)) c->xblocks = (mdl_xblock_policy)xb;
    sim_yfield_u64(n, "attest_interval", false, c->attest_interval, 0, UINT64_MAX / 2,
                   &c->attest_interval, d);
    if ((x = sim_ymap_get(n, "portal")) != NULL) {
        snprintf(w, sizeof w, "%s.portal", where);
        load_portal(x, w, c, d);
    }
    if ((x = sim_ymap_get(n, "fee_oracle")) != NULL) {
        snprintf(w, sizeof w, "%s.fee_oracle", where);
        load_oracle(x, w, c, d);
    }
    if (sim_diag_errors(d) > before) return false;
    const char *why = mdl_rollup_config_check(c);
    if (why) {
        sim_diag_error(d, n, "%s (%s): %s", where, c->name, why);
        return false;
    }
    return true;
}

bool mdl_rollups_config_load(const sim_ynode *s, mdl_rollups_config *out, sim_diag *d) {
    assert(out != NULL && d != NULL);
    memset(out, 0, sizeof *out);
    if (s == NULL || s->kind == SIM_Y_NULL) return true;
    if (s->kind != SIM_Y_SEQ) {
        sim_diag_error(d, s, "expected a sequence of rollups, e.g. - {name: arb1, chain_id: 42161, preset: arbitrum}");
        return false;
    }
    out->items = calloc(s->count ? s->count : 1, sizeof *out->items);
    if (out->items == NULL) {
        sim_diag_error(d, s, "out of memory reading the rollups section");
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < s->count; i++) {
        mdl_rollup_config *c = &out->items[out->count];
        memset(c, 0, sizeof *c);
        const sim_ynode *n = s->items[i];
        if (!load_rollup(n, i, c, d)) {
            ok = false;
            continue;
        }
        bool dup = false;
        for (size_t j = 0; j < out->count; j++) {
            if (strcmp(out->items[j].name, c->name) == 0) {
                sim_diag_error(d, sim_ymap_get(n, "name"), "rollup name '%s' is used twice", c->name);
                dup = true;
            }
            if (out->items[j].chain_id == c->chain_id) {
                sim_diag_error(d, sim_ymap_get(n, "chain_id"), "chain_id %llu is used by rollup '%s' too",
                               (unsigned long long)c->chain_id, out->items[j].name);
                dup = true;
            }
        }
        if (dup) {
            ok = false;
            continue;
        }
        out->count++;
    }
    return ok;
}

/* ======================================================================== */

static int resolve(const sim_ynode *map, const char *key, const mdl_rollups_config *rollups, sim_diag *d) {
    const char *name = NULL;
    if (!sim_yfield_str(map, key, true, NULL, &name, d) || name == NULL) return -1;
    int i = mdl_rollups_config_find(rollups, name);
    if (i < 0) sim_diag_error(d, sim_ymap_get(map, key), "unknown rollup '%s'", name);
    return i;
}

/* The route keys of `n` (everything but from/to) into *r. */
static bool load_route_body(const sim_ynode *n, const char *where, mdl_route_config *r,
                            double rate_divisor, sim_diag *d) {
    static const char *const arrival_names[] = {"poisson", "bursty", NULL};
    size_t before = sim_diag_errors(d);
    const uint64_t max_ns = 100ull * 365 * 24 * 3600 * SIM_NS_PER_S;
    double rate = 0.0;
    if (sim_yfield_rate_per_s(n, "rate", true, 0.0, 0.0, 1e9, &rate, d)) {
        if (!(rate > 0.0)) sim_diag_error(d, sim_ymap_get(n, "rate"), "rate must be greater than 0");
        else r->rate_per_s = rate / rate_divisor;
    }
    int a = MDL_WL_POISSON;
    if (sim_yfield_enum(n, "arrival", false, MDL_WL_POISSON, arrival_names, &a, d)) r->arrival = (mdl_wl_arrival)a;
    sim_yfield_duration_ns(n, "on_time", false, r->on_ns, 1000, max_ns, &r->on_ns, d);
    sim_yfield_duration_ns(n, "off_time", false, r->off_ns, 1000, max_ns, &r->off_ns, d);
    if (r->arrival != MDL_WL_BURSTY) {
        const char *k[] = {"on_time", "off_time"};
        for (int i = 0; i < 2; i++) {
            const sim_ynode *x = sim_ymap_get(n, k[i]);
            if (x) sim_diag_error(d, x, "%s applies to arrival: bursty only", k[i]);
        }
    }
    char w[96];
    snprintf(w, sizeof w, "%s.size", where);
    dist_field(n, "size", w, U_BYTES, &r->size, d);
    snprintf(w, sizeof w, "%s.value", where);
    dist_field(n, "value", w, U_GWEI, &r->value, d);
    sim_yfield_u64(n, "gas_limit", false, r->gas_limit, 0, UINT64_MAX / 2, &r->gas_limit, d);
    sim_yfield_fraction(n, "finalized", false, r->finalized, 0.0, 1.0, &r->finalized, d);
    sim_yfield_fraction(n, "calls", false, r->calls, 0.0, 1.0, &r->calls, d);
    sim_yfield_duration_ns(n, "start", false, r->start_ns, 0, max_ns, &r->start_ns, d);
    sim_yfield_duration_ns(n, "stop", false, r->stop_ns, 1, UINT64_MAX, &r->stop_ns, d);
    if (sim_diag_errors(d) > before) return false;
    const sim_ynode *st = sim_ymap_get(n, "stop");
    if (st && r->start_ns >= r->stop_ns) {
        sim_diag_error(d, st, "stop must be after start");
        return false;
    }
    return true;
}

static bool push_route(mdl_workload_config *c, const mdl_route_config *r, const sim_ynode *at, sim_diag *d) {
    mdl_route_config *p = realloc(c->routes, (c->count + 1) * sizeof *p);
    if (p == NULL) {
        sim_diag_error(d, at, "out of memory reading the workload section");
        return false;
    }
    c->routes = p;
    c->routes[c->count++] = *r;
    return true;
}

bool mdl_workload_config_load(const sim_ynode *s, const mdl_rollups_config *rollups,
                              mdl_workload_config *out, sim_diag *d) {
    static const char *const keys[] = {"routes", "all_pairs", NULL};
    static const char *const route_keys[] = {"from", "to", "rate", "arrival", "on_time", "off_time",
                                             "size", "gas_limit", "value", "finalized", "calls",
                                             "start", "stop", NULL};
    static const char *const pair_keys[] = {"rate", "arrival", "on_time", "off_time", "size",
                                            "gas_limit", "value", "finalized", "calls", "start", "stop",
                                            NULL};
    assert(out != NULL && d != NULL);
    memset(out, 0, sizeof *out);
    if (s == NULL || s->kind == SIM_Y_NULL) return true;
    size_t before = sim_diag_errors(d);
    if (!check_map(s, "workload", keys, d)) return false;
    const sim_ynode *routes = sim_ymap_get(s, "routes");
    if (routes != NULL && routes->kind != SIM_Y_SEQ && routes->kind != SIM_Y_NULL) {
        sim_diag_error(d, routes, "expected a sequence of routes, e.g. - {from: arb1, to: base, rate: 5/s}");
    } else if (routes != NULL && routes->kind == SIM_Y_SEQ) {
        for (size_t i = 0; i < routes->count; i++) {
            const sim_ynode *n = routes->items[i];
            char where[64];
            snprintf(where, sizeof where, "workload.routes[%zu]", i);
            if (n->kind != SIM_Y_MAP) {
                sim_diag_error(d, n, "expected a mapping for %s, e.g. {from: arb1, to: base, rate: 5/s}", where);
                continue;
            }
            sim_ymap_check(n, where, route_keys, d);
            int from = resolve(n, "from", rollups, d);
            int to = resolve(n, "to", rollups, d);
            if (from >= 0 && from == to) {
                sim_diag_error(d, sim_ymap_get(n, "to"), "a route needs two different rollups");
                continue;
            }
            mdl_route_config r;
            mdl_route_config_default(&r, from < 0 ? 0 : (uint32_t)from, to < 0 ? 1 : (uint32_t)to);
            if (!load_route_body(n, where, &r, 1.0, d) || from < 0 || to < 0) continue;
            if (!push_route(out, &r, n, d)) return false;
        }
    }
    const sim_ynode *pairs = sim_ymap_get(s, "all_pairs");
    if (pairs != NULL) {
        size_t nr = rollups ? rollups->count : 0;
        if (pairs->kind != SIM_Y_MAP) {
            sim_diag_error(d, pairs, "expected a mapping for workload.all_pairs, e.g. {rate: 50/s}");
        } else {
            check_map(pairs, "workload.all_pairs", pair_keys, d);
            mdl_route_config r;
            mdl_route_config_default(&r, 0, 1);
            double npairs = nr >= 2 ? (double)(nr * (nr - 1)) : 1.0;
            if (load_route_body(pairs, "workload.all_pairs", &r, npairs, d)) {
                if (nr < 2) {
                    sim_diag_error(d, pairs, "all_pairs needs at least two rollups");
                } else {
                    for (uint32_t i = 0; i < nr; i++)
                        for (uint32_t j = 0; j < nr; j++) {
                            if (i == j) continue;
                            r.from = i;
                            r.to = j;
                            if (!push_route(out, &r, pairs, d)) return false;
                        }
                }
            }
        }
    }
    if (sim_diag_errors(d) > before) return false;
    for (size_t i = 0; i < out->count; i++) {
        const char *why = mdl_route_config_check(&out->routes[i]);
        if (why) {
            sim_diag_error(d, s, "workload route %zu: %s", i, why);
            return false;
        }
    }
    return true;
}
