/*
** The `search:` section (search_config.h): its dimensions as lists of
** choices, each kept as the flow YAML that `xrsim search` writes into its
** overrides, with a number for the ordered ones.
*/
#include "world/search_config.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

typedef enum dim_kind { K_COUNT, K_FRACTION, K_DURATION, K_GWEI, K_SET, K_ATTACK, K_ROUTE, K_LEVEL, K_WITHDRAW,
                        K_BYZANTINE } dim_kind;

static const char *const dim_keys[MDL_SEARCH_DIM_COUNT] = {
    [MDL_SEARCH_MEMBERS] = "members",     [MDL_SEARCH_ATTACK] = "attack",     [MDL_SEARCH_ROUTE] = "route",
    [MDL_SEARCH_LEVEL] = "level",         [MDL_SEARCH_AT] = "at",             [MDL_SEARCH_WITHDRAW] = "withdraw",
    [MDL_SEARCH_VALUE] = "value",         [MDL_SEARCH_STALE_SET] = "stale_set",
    [MDL_SEARCH_CENSOR_FOR] = "censor_for", [MDL_SEARCH_BYZANTINE] = "byzantine",
};

static const dim_kind dim_kinds[MDL_SEARCH_DIM_COUNT] = {
    [MDL_SEARCH_MEMBERS] = K_COUNT,    [MDL_SEARCH_ATTACK] = K_ATTACK,     [MDL_SEARCH_ROUTE] = K_ROUTE,
    [MDL_SEARCH_LEVEL] = K_LEVEL,      [MDL_SEARCH_AT] = K_DURATION,       [MDL_SEARCH_WITHDRAW] = K_WITHDRAW,
    [MDL_SEARCH_VALUE] = K_GWEI,       [MDL_SEARCH_STALE_SET] = K_SET,     [MDL_SEARCH_CENSOR_FOR] = K_DURATION,
    [MDL_SEARCH_BYZANTINE] = K_BYZANTINE,
};

/* The longest a searched time may be: a year, beyond any scenario here. */
#define MAX_DURATION_NS (365ull * 86400ull * SIM_NS_PER_S)
/* The largest value at stake: as adversary_config.c allows. */
#define MAX_VALUE_GWEI (UINT64_C(1000000000) * SIM_GWEI_PER_ETH)

const char *mdl_search_dim_name(const mdl_search_config *c, mdl_search_dim_id id) {
    assert(id < MDL_SEARCH_DIM_COUNT);
    if (id == MDL_SEARCH_MEMBERS && c && c->members_by_fraction) return "stake_fraction";
    return dim_keys[id];
}

void mdl_search_format_ns(uint64_t ns, char *out, size_t cap) {
    if (ns == 0) snprintf(out, cap, "0s");
    else if (ns % (60 * SIM_NS_PER_S) == 0) snprintf(out, cap, "%" PRIu64 "min", ns / (60 * SIM_NS_PER_S));
    else if (ns % SIM_NS_PER_S == 0) snprintf(out, cap, "%" PRIu64 "s", ns / SIM_NS_PER_S);
    else if (ns % 1000000u == 0) snprintf(out, cap, "%" PRIu64 "ms", ns / 1000000u);
    else if (ns % 1000u == 0) snprintf(out, cap, "%" PRIu64 "us", ns / 1000u);
    else snprintf(out, cap, "%" PRIu64 "ns", ns);
}

void mdl_search_format_gwei(uint64_t gwei, char *out, size_t cap) {
    if (gwei % SIM_GWEI_PER_ETH == 0) snprintf(out, cap, "%" PRIu64 " ETH", gwei / SIM_GWEI_PER_ETH);
    else snprintf(out, cap, "%" PRIu64 " gwei", gwei);
}

static char *dup_str(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

/* Appends one choice (text copied); false when out of memory or too many
** (error recorded). */
static bool push(mdl_search_dim *dm, const char *text, double num, const sim_ynode *at, sim_diag *d) {
    if (dm->count >= MDL_SEARCH_MAX_CHOICES) {
        sim_diag_error(d, at, "more than %u choices in one search dimension", MDL_SEARCH_MAX_CHOICES);
        return false;
    }
    char *t = dup_str(text);
    char **v = realloc(dm->values, (dm->count + 1) * sizeof *v);
    if (v) dm->values = v;
    double *n = realloc(dm->num, (dm->count + 1) * sizeof *n);
    if (n) dm->num = n;
    const sim_ynode **nd = realloc(dm->nodes, (dm->count + 1) * sizeof *nd);
    if (nd) dm->nodes = nd;
    if (!t || !v || !n || !nd) {
        free(t);
        sim_diag_error(d, at, "out of memory");
        return false;
    }
    dm->values[dm->count] = t;
    dm->num[dm->count] = num;
    dm->nodes[dm->count] = at;
    dm->count++;
    return true;
}

static bool check_rollup(const sim_ynode *m, const char *key, const mdl_rollups_config *rollups, const char **name,
                         sim_diag *d) {
    if (!sim_yfield_str(m, key, true, NULL, name, d)) return false;
    if (mdl_rollups_config_find(rollups, *name) < 0) {
        sim_diag_error(d, sim_ymap_get(m, key), "unknown rollup '%s'", *name);
        return false;
    }
    return true;
}

/* One choice of a dimension that is not a range: checked for its kind, its
** flow text and number pushed.  False on an error (recorded). */
static bool load_choice(mdl_search_dim *dm, dim_kind k, const sim_ynode *n, uint32_t verifier_count,
                        const mdl_rollups_config *rollups, sim_diag *d) {
    static const char *const attacks[] = {"forge", "stale_forge", "censor", NULL};
    static const char *const levels[] = {"latest", "finalized", NULL};
    static const char *const route_keys[] = {"from", "to", NULL};
    static const char *const wd_keys[] = {"at", "after", NULL};
    double num = 0;
    switch (k) {
    case K_COUNT: {
        uint64_t v;
        if (!sim_ynode_u64(n, 1, verifier_count ? verifier_count : 1, &v, d)) return false;
        num = (double)v;
        break;
    }
    case K_SET: {
        uint64_t v;
        if (!sim_ynode_u64(n, 1, UINT64_MAX / 2, &v, d)) return false;
        num = (double)v;
        break;
    }
    case K_FRACTION:
        if (!sim_ynode_fraction(n, 0.0, 1.0, &num, d)) return false;
        if (!(num > 0)) {
            sim_diag_error(d, n, "a coalition's stake_fraction must be above 0");
            return false;
        }
        break;
    case K_DURATION: {
        uint64_t v;
        if (!sim_ynode_duration_ns(n, 0, MAX_DURATION_NS, &v, d)) return false;
        num = (double)v;
        break;
    }
    case K_GWEI: {
        uint64_t v;
        if (!sim_ynode_gwei(n, 0, MAX_VALUE_GWEI, &v, d)) return false;
        num = (double)v;
        break;
    }
    case K_ATTACK: {
        int e;
        if (!sim_ynode_enum(n, attacks, &e, d)) return false;
        break;
    }
    case K_LEVEL: {
        int e;
        if (!sim_ynode_enum(n, levels, &e, d)) return false;
        break;
    }
    case K_ROUTE: {
        if (n->kind != SIM_Y_MAP) {
            sim_diag_error(d, n, "a route is {from: ROLLUP, to: ROLLUP}");
            return false;
        }
        bool ok = sim_ymap_check(n, "a route", route_keys, d);
        const char *from = NULL, *to = NULL;
        ok = check_rollup(n, "from", rollups, &from, d) && ok;
        ok = check_rollup(n, "to", rollups, &to, d) && ok;
        if (ok && strcmp(from, to) == 0) {
            sim_diag_error(d, sim_ymap_get(n, "to"), "a route's 'to' must differ from its 'from'");
            ok = false;
        }
        if (!ok) return false;
        break;
    }
    case K_WITHDRAW: {
        if (sim_ynode_is_none(n)) break;
        if (n->kind != SIM_Y_MAP) {
            sim_diag_error(d, n, "a withdrawal is {after: DELAY}, {at: TIME} or none (the coalition stays)");
            return false;
        }
        if (!sim_ymap_check(n, "a withdrawal", wd_keys, d)) return false;
        const sim_ynode *at = sim_ymap_get(n, "at"), *after = sim_ymap_get(n, "after");
        if ((at == NULL) == (after == NULL)) {
            sim_diag_error(d, n, "a withdrawal needs exactly one of 'at: <time>' or 'after: <delay after acting>'");
            return false;
        }
        uint64_t v;
        if (!sim_ynode_duration_ns(at ? at : after, 0, MAX_DURATION_NS, &v, d)) return false;
        break;
    }
    case K_BYZANTINE:
        if (!sim_ynode_is_none(n) && n->kind != SIM_Y_SEQ) {
            sim_diag_error(d, n, "a byzantine choice is none or a list of verifiers.byzantine entries");
            return false;
        }
        break;
    }
    char *text = sim_ynode_to_flow(n);
    if (!text) {
        sim_diag_error(d, n, "out of memory");
        return false;
    }
    bool ok = push(dm, text, num, n, d);
    free(text);
    return ok;
}

/* A range {from, to, step} of an ordered dimension. */
static bool load_range(mdl_search_dim *dm, dim_kind k, const sim_ynode *m, uint32_t verifier_count, sim_diag *d) {
    static const char *const range_keys[] = {"from", "to", "step", NULL};
    if (!sim_ymap_check(m, "a search range", range_keys, d)) return false;
    double v[3] = {0, 0, 1};
    bool ok = true;
    static const char *const names[3] = {"from", "to", "step"};
    for (int i = 0; i < 3; i++) {
        const sim_ynode *n = sim_ymap_get(m, names[i]);
        if (!n) {
            if (i < 2) {
                sim_diag_error(d, m, "a search range needs '%s'", names[i]);
                ok = false;
            }
            continue;
        }
        uint64_t u = 0;
        switch (k) {
        case K_COUNT:
            ok = sim_ynode_u64(n, i == 2 ? 1 : 1, i == 2 ? UINT32_MAX : (verifier_count ? verifier_count : 1), &u, d) && ok;
            v[i] = (double)u;
            break;
        case K_SET:
            ok = sim_ynode_u64(n, 1, UINT32_MAX, &u, d) && ok;
            v[i] = (double)u;
            break;
        case K_FRACTION:
            ok = sim_ynode_fraction(n, 0.0, 1.0, &v[i], d) && ok;
            break;
        case K_DURATION:
            ok = sim_ynode_duration_ns(n, i == 2 ? 1 : 0, MAX_DURATION_NS, &u, d) && ok;
            v[i] = (double)u;
            break;
        case K_GWEI:
            ok = sim_ynode_gwei(n, i == 2 ? 1 : 0, MAX_VALUE_GWEI, &u, d) && ok;
            v[i] = (double)u;
            break;
        default:
            assert(0);
        }
    }
    if (!ok) return false;
    if (k == K_FRACTION && !sim_ymap_get(m, "step")) {
        sim_diag_error(d, m, "a stake_fraction range needs a 'step'");
        return false;
    }
    if (!(v[2] > 0) || v[1] < v[0]) {
        sim_diag_error(d, m, "a search range needs from <= to and a positive step");
        return false;
    }
    double count = floor((v[1] - v[0]) / v[2] * (1 + 1e-12)) + 1;
    if (count > MDL_SEARCH_MAX_CHOICES) {
        sim_diag_error(d, m, "the range has %.0f values; at most %u", count, MDL_SEARCH_MAX_CHOICES);
        return false;
    }
    for (size_t i = 0; i < (size_t)count; i++) {
        double x = v[0] + (double)i * v[2];
        char buf[64];
        switch (k) {
        case K_COUNT:
        case K_SET:
            snprintf(buf, sizeof buf, "%.0f", x);
            break;
        case K_FRACTION:
            x = round(x * 1e9) / 1e9; /* 0.1 + 2 * 0.1 is 0.3, not 0.30000000000000004 */
            if (x > 1) x = 1;
            snprintf(buf, sizeof buf, "%.9g", x);
            break;
        case K_DURATION:
            mdl_search_format_ns((uint64_t)x, buf, sizeof buf);
            break;
        case K_GWEI:
            mdl_search_format_gwei((uint64_t)x, buf, sizeof buf);
            break;
        default:
            assert(0);
        }
        if (!push(dm, buf, x, m, d)) return false;
    }
    return true;
}

static bool load_dim(mdl_search_dim *dm, dim_kind k, const sim_ynode *n, uint32_t verifier_count,
                     const mdl_rollups_config *rollups, sim_diag *d) {
    dm->present = true;
    dm->node = n;
    dm->ordered = k == K_COUNT || k == K_SET || k == K_FRACTION || k == K_DURATION || k == K_GWEI;
    if (dm->ordered && n->kind == SIM_Y_MAP) return load_range(dm, k, n, verifier_count, d);
    if (n->kind != SIM_Y_SEQ || n->count == 0) {
        sim_diag_error(d, n, "expected a non-empty list of choices%s", dm->ordered ? " or a range {from, to, step}" : "");
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < n->count; i++) {
        if (!load_choice(dm, k, n->items[i], verifier_count, rollups, d)) {
            ok = false;
            continue;
        }
        for (size_t j = 0; j + 1 < dm->count; j++) {
            if (strcmp(dm->values[j], dm->values[dm->count - 1]) == 0) {
                sim_diag_error(d, n->items[i], "'%s' is listed twice", dm->values[j]);
                ok = false;
                break;
            }
        }
    }
    if (ok && dm->ordered) {
        for (size_t i = 1; i < dm->count; i++) {
            if (!(dm->num[i] > dm->num[i - 1])) {
                sim_diag_error(d, n->items[i], "an ordered dimension's choices go from smallest to largest");
                return false;
            }
        }
    }
    return ok;
}

static bool load_seeds(mdl_search_config *c, const sim_ynode *s, sim_diag *d) {
    if (s->kind == SIM_Y_SCALAR) {
        uint64_t n = 0;
        if (!sim_ynode_u64(s, 1, MDL_SEARCH_MAX_SEEDS, &n, d)) return false;
        c->seeds = calloc((size_t)n, sizeof *c->seeds);
        if (!c->seeds) return false;
        for (uint64_t i = 0; i < n; i++) c->seeds[i] = i + 1;
        c->seed_count = (size_t)n;
        return true;
    }
    if (s->kind != SIM_Y_SEQ || s->count == 0 || s->count > MDL_SEARCH_MAX_SEEDS) {
        sim_diag_error(d, s, "seeds wants a count (seeds 1..N) or a list of 1 to %u seeds", MDL_SEARCH_MAX_SEEDS);
        return false;
    }
    c->seeds = calloc(s->count, sizeof *c->seeds);
    if (!c->seeds) return false;
    bool ok = true;
    for (size_t i = 0; i < s->count; i++) {
        uint64_t v = 0;
        if (!sim_ynode_u64(s->items[i], 0, INT64_MAX, &v, d)) {
            ok = false;
            continue;
        }
        for (size_t j = 0; j < c->seed_count; j++) {
            if (c->seeds[j] == v) {
                sim_diag_error(d, s->items[i], "seed %" PRIu64 " is listed twice", v);
                ok = false;
            }
        }
        c->seeds[c->seed_count++] = v;
    }
    return ok;
}

bool mdl_search_config_load(const sim_ynode *node, uint32_t verifier_count, const mdl_rollups_config *rollups,
                            size_t coalition_count, mdl_search_config *c, sim_diag *d) {
    assert(c && d && rollups);
    memset(c, 0, sizeof *c);
    c->random_share = 0.5;
    if (node == NULL) return true;
    size_t errors_before = sim_diag_errors(d);
    c->present = true;
    c->node = node;
    static const char *const keys[] = {"coalition", "members",  "stake_fraction", "attack",     "route",
                                       "level",     "at",       "withdraw",       "value",      "stale_set",
                                       "censor_for", "byzantine", "seeds",         "random",     NULL};
    if (node->kind != SIM_Y_MAP) {
        sim_diag_error(d, node, "expected a mapping for search, e.g. search: {members: {from: 1, to: 10}, "
                                "attack: [forge, censor], seeds: 2}");
        return false;
    }
    sim_ymap_check(node, "search", keys, d); /* an unknown key is one error: the values are checked too */
    uint64_t k = 0;
    if (sim_yfield_u64(node, "coalition", false, 0, 0, UINT32_MAX, &k, d)) {
        c->coalition = (uint32_t)k;
        if (coalition_count == 0) {
            sim_diag_error(d, node, "search explores a coalition's attack: add adversary.coalitions");
        } else if (k >= coalition_count) {
            sim_diag_error(d, sim_ymap_get(node, "coalition"), "there %s %zu coalition%s: coalition %" PRIu64
                           " does not exist", coalition_count == 1 ? "is" : "are", coalition_count,
                           coalition_count == 1 ? "" : "s", k);
        }
    }
    const sim_ynode *mem = sim_ymap_get(node, "members"), *frac = sim_ymap_get(node, "stake_fraction");
    if (mem && frac) {
        sim_diag_error(d, frac, "search takes 'members' (the first N verifiers) or 'stake_fraction', not both");
    } else if (mem || frac) {
        c->members_by_fraction = frac != NULL;
        load_dim(&c->dims[MDL_SEARCH_MEMBERS], frac ? K_FRACTION : K_COUNT, frac ? frac : mem, verifier_count,
                 rollups, d);
    }
    for (int i = MDL_SEARCH_ATTACK; i < MDL_SEARCH_DIM_COUNT; i++) {
        const sim_ynode *n = sim_ymap_get(node, dim_keys[i]);
        if (n) load_dim(&c->dims[i], dim_kinds[i], n, verifier_count, rollups, d);
    }
    const sim_ynode *s = sim_ymap_get(node, "seeds");
    if (s) {
        load_seeds(c, s, d);
    } else {
        c->seeds = calloc(1, sizeof *c->seeds);
        if (c->seeds) {
            c->seeds[0] = 1;
            c->seed_count = 1;
        }
    }
    double r = 0.5;
    if (sim_yfield_fraction(node, "random", false, 0.5, 0.0, 1.0, &r, d)) {
        if (!(r > 0)) sim_diag_error(d, sim_ymap_get(node, "random"), "the random stage needs a share above 0");
        c->random_share = r;
    }
    return sim_diag_errors(d) == errors_before;
}

void mdl_search_config_free(mdl_search_config *c) {
    if (!c) return;
    for (int i = 0; i < MDL_SEARCH_DIM_COUNT; i++) {
        mdl_search_dim *dm = &c->dims[i];
        for (size_t j = 0; j < dm->count; j++) free(dm->values[j]);
        free(dm->values);
        free(dm->num);
        free(dm->nodes);
    }
    free(c->seeds);
    memset(c, 0, sizeof *c);
}
