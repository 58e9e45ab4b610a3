/*
** Distribution parameters from a scenario (see dist_config.h).
*/
#include "dist_config.h"

#include <assert.h>
#include <stddef.h>

const char *const sim_dist_model_names[] = {"constant", "uniform", "normal", "lognormal", "pareto",
                                            "exponential", NULL};

const char *const *sim_dist_model_keys(sim_lat_model model) {
    static const char *const k_constant[] = {"model", "value", NULL};
    static const char *const k_uniform[] = {"model", "min", "max", NULL};
    static const char *const k_normal[] = {"model", "mean", "stddev", NULL};
    static const char *const k_lognormal[] = {"model", "median", "sigma", NULL};
    static const char *const k_pareto[] = {"model", "scale", "alpha", NULL};
    static const char *const k_exponential[] = {"model", "mean", "floor", NULL};
    switch (model) {
    case SIM_LAT_CONSTANT: return k_constant;
    case SIM_LAT_UNIFORM: return k_uniform;
    case SIM_LAT_NORMAL: return k_normal;
    case SIM_LAT_LOGNORMAL: return k_lognormal;
    case SIM_LAT_PARETO: return k_pareto;
    default: assert(model == SIM_LAT_EXPONENTIAL); return k_exponential;
    }
}

/* A quantity field in `unit`, at least `min` (absent: error when required,
** else *out untouched). */
static bool qty_field(const sim_ynode *map, const char *key, bool required, sim_dist_unit unit, uint64_t min,
                      uint64_t *out, sim_diag *d) {
    const sim_ynode *n = sim_ymap_get(map, key);
    if (n == NULL) {
        if (required) sim_diag_error(d, map, "missing required key '%s'", key);
        return !required;
    }
    switch (unit) {
    case SIM_DIST_DURATION: return sim_ynode_duration_ns(n, min, SIM_LAT_MAX_NS, out, d);
    case SIM_DIST_BYTES: return sim_ynode_bytes(n, min, SIM_LAT_MAX_NS, out, d);
    default: return sim_ynode_gwei(n, min, SIM_LAT_MAX_NS, out, d);
    }
}

/* A required shape parameter in (0, max]. */
static bool shape_field(const sim_ynode *map, const char *key, double max, double *out, sim_diag *d) {
    double x = 0.0;
    if (!sim_yfield_f64(map, key, true, 0.0, 0.0, max, &x, d)) return false;
    if (!(x > 0.0)) {
        sim_diag_error(d, sim_ymap_get(map, key), "%s must be greater than 0", key);
        return false;
    }
    *out = x;
    return true;
}

bool sim_dist_load_params(const sim_ynode *n, const char *where, sim_lat_model model, sim_dist_unit unit,
                          sim_lat_dist *out, sim_diag *d) {
    assert(n && where && out && d && model < SIM_LAT_MODEL_COUNT);
    bool ok = sim_ymap_check(n, where, sim_dist_model_keys(model), d);
    uint64_t a = 0, b = 0;
    double x = 0.0;
    sim_lat_dist dist = sim_lat_constant(0);
    switch (model) {
    case SIM_LAT_CONSTANT:
        ok = qty_field(n, "value", true, unit, 0, &a, d) && ok;
        dist = sim_lat_constant(a);
        break;
    case SIM_LAT_UNIFORM:
        ok = qty_field(n, "min", true, unit, 0, &a, d) && ok;
        ok = qty_field(n, "max", true, unit, 0, &b, d) && ok;
        dist = sim_lat_uniform(a, b);
        break;
    case SIM_LAT_NORMAL:
        ok = qty_field(n, "mean", true, unit, 0, &a, d) && ok;
        ok = qty_field(n, "stddev", true, unit, 0, &b, d) && ok;
        dist = sim_lat_normal(a, b);
        break;
    case SIM_LAT_LOGNORMAL:
        ok = qty_field(n, "median", true, unit, 1, &a, d) && ok;
        ok = shape_field(n, "sigma", 10.0, &x, d) && ok;
        dist = sim_lat_lognormal(a, x);
        break;
    case SIM_LAT_PARETO:
        ok = qty_field(n, "scale", true, unit, 1, &a, d) && ok;
        ok = shape_field(n, "alpha", 100.0, &x, d) && ok;
        dist = sim_lat_pareto(a, x);
        break;
    default:
        ok = qty_field(n, "mean", true, unit, 0, &a, d) && ok;
        ok = qty_field(n, "floor", false, unit, 0, &b, d) && ok;
        dist = sim_lat_exponential(a, b);
        break;
    }
    if (!ok) return false;
    char why[256];
    if (!sim_lat_check(&dist, why, sizeof why)) {
        /* sim_lat_check words its reasons in ns; the numbers are the same
        ** for bytes and gwei. */
        sim_diag_error(d, n, "%s: %s", where, why);
        return false;
    }
    *out = dist;
    return true;
}
