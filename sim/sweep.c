/*
** The `sweep:` section: parsing, expansion into points, shards (sweep.h).
*/
#include "sweep.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const sweep_keys[] = {"grid", "seeds", NULL};
static const char *const range_keys[] = {"from", "to", "step", NULL};

static char *fmt_set(const char *key, const char *value, bool quoted) {
    size_t n = strlen(key) + strlen(value) + 4;
    char *s = malloc(n);
    if (s) snprintf(s, n, quoted ? "%s=\"%s\"" : "%s=%s", key, value);
    return s;
}

/* Adds one value to the axis; false when out of memory. */
static bool axis_push(sim_sweep_axis *a, char *set, const sim_ynode *at) {
    if (set == NULL) return false;
    char **s = realloc(a->sets, (a->value_count + 1) * sizeof *s);
    if (s) a->sets = s;
    const sim_ynode **n = realloc(a->nodes, (a->value_count + 1) * sizeof *n);
    if (n) a->nodes = n;
    if (!s || !n) {
        free(set);
        return false;
    }
    a->sets[a->value_count] = set;
    a->nodes[a->value_count] = at;
    a->value_count++;
    return true;
}

/* A range bound: a plain number or a percentage; false (error recorded) otherwise. */
static bool range_number(const sim_ynode *n, double *out, bool *percent, sim_diag *d) {
    if (n->kind != SIM_Y_SCALAR || n->quoted || n->str[0] == '\0') {
        sim_diag_error(d, n, "expected a number or a percentage (e.g. 0.05 or 5%%)");
        return false;
    }
    char *end;
    errno = 0;
    double v = strtod(n->str, &end);
    *percent = *end == '%';
    if (*percent) end++;
    if (errno || end == n->str || *end != '\0' || !isfinite(v)) {
        sim_diag_error(d, n, "expected a number or a percentage (e.g. 0.05 or 5%%), got '%s'", n->str);
        return false;
    }
    *out = v;
    return true;
}

static bool load_range(sim_sweep_axis *a, const sim_ynode *m, sim_diag *d) {
    bool keys_ok = sim_ymap_check(m, "a sweep range", range_keys, d); /* values checked too */
    const sim_ynode *nodes[3] = {sim_ymap_get(m, "from"), sim_ymap_get(m, "to"), sim_ymap_get(m, "step")};
    static const char *const names[3] = {"from", "to", "step"};
    double v[3] = {0, 0, 0};
    bool pct[3] = {false, false, false};
    bool ok = keys_ok;
    for (int i = 0; i < 3; i++) {
        if (nodes[i] == NULL) {
            sim_diag_error(d, m, "missing required key '%s' in a sweep range", names[i]);
            ok = false;
        } else if (!range_number(nodes[i], &v[i], &pct[i], d)) {
            ok = false;
        }
    }
    if (!ok) return false;
    if (pct[0] != pct[1] || pct[0] != pct[2]) {
        sim_diag_error(d, m, "from, to and step must all be numbers or all percentages");
        return false;
    }
    if (!(v[2] > 0)) {
        sim_diag_error(d, nodes[2], "step must be positive");
        return false;
    }
    if (v[1] < v[0]) {
        sim_diag_error(d, nodes[1], "to (%s) is below from (%s)", nodes[1]->str, nodes[0]->str);
        return false;
    }
    double steps = (v[1] - v[0]) / v[2];
    if (steps >= (double)SIM_SWEEP_MAX_POINTS) {
        sim_diag_error(d, m, "the range has more than %u values", SIM_SWEEP_MAX_POINTS);
        return false;
    }
    size_t count = (size_t)floor(steps + 1e-9) + 1;
    for (size_t i = 0; i < count; i++) {
        double x = v[0] + (double)i * v[2];
        if (fabs(x) < 1e-12 * v[2]) x = 0.0; /* no "-0" or 1e-17 from rounding */
        char buf[64];
        snprintf(buf, sizeof buf, pct[0] ? "%.10g%%" : "%.10g", x);
        if (!axis_push(a, fmt_set(a->key, buf, false), m)) {
            sim_diag_error(d, m, "out of memory");
            return false;
        }
    }
    return true;
}

static bool load_axis(sim_sweep_axis *a, const sim_ynode *key, const sim_ynode *val, sim_diag *d) {
    a->key_node = key;
    size_t n = strlen(key->str) + 1;
    a->key = malloc(n);
    if (!a->key) {
        sim_diag_error(d, key, "out of memory");
        return false;
    }
    memcpy(a->key, key->str, n);
    if (strchr(key->str, '=') || strncmp(key->str, "sweep", 5) == 0) {
        sim_diag_error(d, key, "'%s' cannot be a grid key", key->str);
        return false;
    }
    if (val->kind == SIM_Y_MAP) return load_range(a, val, d);
    if (val->kind != SIM_Y_SEQ || val->count == 0) {
        sim_diag_error(d, val, "grid key '%s' wants a non-empty list of values or a range "
                       "{from, to, step}", key->str);
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < val->count; i++) {
        const sim_ynode *v = val->items[i];
        if (v->kind == SIM_Y_SEQ || v->kind == SIM_Y_MAP) { /* a list or mapping: its flow YAML */
            char *flow = sim_ynode_to_flow(v);
            bool pushed = flow && axis_push(a, fmt_set(a->key, flow, false), v);
            free(flow);
            if (!pushed) {
                sim_diag_error(d, v, "out of memory");
                return false;
            }
            continue;
        }
        if (v->kind != SIM_Y_SCALAR) {
            sim_diag_error(d, v, "a grid value is a scalar (number, quantity, string, none), a list or a mapping");
            ok = false;
            continue;
        }
        if (v->quoted && (strchr(v->str, '"') || strchr(v->str, '\\'))) {
            sim_diag_error(d, v, "a quoted grid value cannot contain '\"' or '\\'");
            ok = false;
            continue;
        }
        if (!axis_push(a, fmt_set(a->key, v->str, v->quoted), v)) {
            sim_diag_error(d, v, "out of memory");
            return false;
        }
    }
    return ok;
}

static bool push_seed(sim_sweep_config *c, uint64_t seed) {
    char **s = realloc(c->seed_sets, (c->seed_count + 1) * sizeof *s);
    if (!s) return false;
    c->seed_sets = s;
    char buf[48];
    snprintf(buf, sizeof buf, "run.seed=%llu", (unsigned long long)seed);
    size_t n = strlen(buf) + 1;
    c->seed_sets[c->seed_count] = malloc(n);
    if (!c->seed_sets[c->seed_count]) return false;
    memcpy(c->seed_sets[c->seed_count++], buf, n);
    return true;
}

static bool load_seeds(sim_sweep_config *c, const sim_ynode *s, sim_diag *d) {
    if (s->kind == SIM_Y_SCALAR) {
        uint64_t n = 0;
        if (!sim_ynode_u64(s, 1, SIM_SWEEP_MAX_POINTS, &n, d)) return false;
        for (uint64_t i = 1; i <= n; i++) {
            if (!push_seed(c, i)) {
                sim_diag_error(d, s, "out of memory");
                return false;
            }
        }
        return true;
    }
    if (s->kind != SIM_Y_SEQ || s->count == 0) {
        sim_diag_error(d, s, "seeds wants a count (seeds 1..N) or a non-empty list of seeds");
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < s->count; i++) {
        uint64_t v = 0;
        if (!sim_ynode_u64(s->items[i], 0, UINT64_MAX, &v, d)) {
            ok = false;
            continue;
        }
        if (!push_seed(c, v)) {
            sim_diag_error(d, s, "out of memory");
            return false;
        }
        for (size_t j = 0; j + 1 < c->seed_count; j++) {
            if (strcmp(c->seed_sets[j], c->seed_sets[c->seed_count - 1]) == 0) {
                sim_diag_error(d, s->items[i], "seed %llu is listed twice", (unsigned long long)v);
                ok = false;
                break;
            }
        }
    }
    return ok;
}

bool sim_sweep_config_load(const sim_ynode *node, sim_sweep_config *c, sim_diag *d) {
    assert(c && d);
    memset(c, 0, sizeof *c);
    if (node == NULL) return true;
    c->present = true;
    size_t before = sim_diag_errors(d);
    sim_ymap_check(node, "sweep", sweep_keys, d); /* an unknown key is one error: the values are checked too */
    if (node->kind != SIM_Y_MAP) return sim_diag_errors(d) == before; /* `sweep:` with nothing: one point */
    const sim_ynode *grid = sim_ymap_get(node, "grid");
    const sim_ynode *seeds = sim_ymap_get(node, "seeds");
    if (grid && grid->kind != SIM_Y_NULL) {
        if (grid->kind != SIM_Y_MAP) {
            sim_diag_error(d, grid, "sweep.grid is a mapping of scenario keys to lists of values");
        } else if (grid->count) {
            c->axes = calloc(grid->count, sizeof *c->axes);
            if (!c->axes) {
                sim_diag_error(d, grid, "out of memory");
                return false;
            }
            c->axis_count = grid->count;
            for (size_t i = 0; i < grid->count; i++) load_axis(&c->axes[i], grid->keys[i], grid->items[i], d);
        }
    }
    if (seeds && seeds->kind != SIM_Y_NULL) {
        load_seeds(c, seeds, d);
        for (size_t i = 0; i < c->axis_count; i++) {
            if (c->axes[i].key && strcmp(c->axes[i].key, "run.seed") == 0) {
                sim_diag_error(d, c->axes[i].key_node, "run.seed is swept by sweep.seeds; not both");
            }
        }
    }
    if (sim_diag_errors(d) > before) return false;
    double total = (double)(c->seed_count ? c->seed_count : 1);
    for (size_t i = 0; i < c->axis_count; i++) total *= (double)c->axes[i].value_count;
    if (total > (double)SIM_SWEEP_MAX_POINTS) {
        sim_diag_error(d, node, "the sweep has %.0f points, more than %u", total, SIM_SWEEP_MAX_POINTS);
        return false;
    }
    return true;
}

void sim_sweep_config_free(sim_sweep_config *c) {
    if (c == NULL) return;
    for (size_t i = 0; i < c->axis_count; i++) {
        sim_sweep_axis *a = &c->axes[i];
        for (size_t j = 0; j < a->value_count; j++) free(a->sets[j]);
        free(a->sets);
        free(a->nodes);
        free(a->key);
    }
    free(c->axes);
    for (size_t i = 0; i < c->seed_count; i++) free(c->seed_sets[i]);
    free(c->seed_sets);
    memset(c, 0, sizeof *c);
}

size_t sim_sweep_point_count(const sim_sweep_config *c) {
    assert(c);
    size_t n = c->seed_count ? c->seed_count : 1;
    for (size_t i = 0; i < c->axis_count; i++) n *= c->axes[i].value_count;
    return n;
}

size_t sim_sweep_point_sets(const sim_sweep_config *c, size_t index, const char **sets) {
    assert(c && sets && index < sim_sweep_point_count(c));
    size_t rest = index;
    size_t seed = 0;
    if (c->seed_count) {
        seed = rest % c->seed_count;
        rest /= c->seed_count;
    }
    /* the last axis varies fastest: peel indices off from the end */
    for (size_t i = c->axis_count; i-- > 0;) {
        const sim_sweep_axis *a = &c->axes[i];
        sets[i] = a->sets[rest % a->value_count];
        rest /= a->value_count;
    }
    size_t n = c->axis_count;
    if (c->seed_count) sets[n++] = c->seed_sets[seed];
    return n;
}

bool sim_sweep_parse_shard(const char *text, uint32_t *k, uint32_t *n) {
    assert(text && k && n);
    unsigned long a = 0, b = 0;
    char *end;
    if (text[0] < '0' || text[0] > '9') return false;
    errno = 0;
    a = strtoul(text, &end, 10);
    if (errno || *end != '/' || end[1] < '0' || end[1] > '9') return false;
    const char *p = end + 1;
    b = strtoul(p, &end, 10);
    if (errno || *end != '\0' || a < 1 || b < 1 || a > b || b > SIM_SWEEP_MAX_POINTS) return false;
    *k = (uint32_t)a;
    *n = (uint32_t)b;
    return true;
}

bool sim_sweep_in_shard(size_t index, uint32_t k, uint32_t n) {
    assert(n >= 1 && k >= 1 && k <= n);
    return index % n == (size_t)(k - 1);
}
