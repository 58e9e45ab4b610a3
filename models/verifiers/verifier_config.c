/*
** The `verifiers:` and `consensus:` sections of a scenario (format and
** defaults in verifier_config.h).  Errors are reported at their YAML node
** and reading goes on, so one pass shows every problem.
*/
#include "verifiers/verifier_config.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sig_costs.h"
#include "verifiers/byzantine/byzantine.h"
#include "xr_types.h"
#include "xr_valset.h"
#include "units.h"

#define MAX_TIMEOUT_NS (3600u * SIM_NS_PER_S)
/* The core refuses sets whose total power exceeds 2^60 (power = gwei). */
#define MAX_TOTAL_POWER (UINT64_C(1) << 60)
#define MAX_STAKE_GWEI (UINT64_C(100000000) * SIM_GWEI_PER_ETH) /* 1e8 ETH */

static bool oom(sim_diag *d, const sim_ynode *at) {
    sim_diag_error(d, at, "out of memory while reading the scenario");
    return false;
}

/* ---- verifiers ------------------------------------------------------------ */

static bool load_stake_map(const sim_ynode *n, mdl_verifier_config *c, sim_diag *d) {
    static const char *const keys[] = {"distribution", "min", "max", "median", "sigma", "alpha", NULL};
    static const char *const dists[] = {"uniform", "lognormal", "pareto", NULL};
    bool ok = sim_ymap_check(n, "verifiers.stake", keys, d);
    int dist = 0;
    if (!sim_yfield_enum(n, "distribution", true, 0, dists, &dist, d)) return false;
    static const mdl_stake_model models[] = {MDL_STAKE_UNIFORM, MDL_STAKE_LOGNORMAL, MDL_STAKE_PARETO};
    c->stake_model = models[dist];
    /* keys each distribution takes */
    static const char *const used[3][4] = {
        {"min", "max", NULL, NULL}, {"median", "sigma", "max", NULL}, {"min", "alpha", "max", NULL}};
    for (size_t i = 0; i < n->count; i++) {
        const char *k = n->keys[i]->str;
        if (strcmp(k, "distribution") == 0) continue;
        bool known = false;
        for (size_t j = 0; j < 6 && keys[j]; j++) known = known || strcmp(keys[j], k) == 0;
        bool takes = false;
        for (size_t j = 0; j < 4 && used[dist][j]; j++) takes = takes || strcmp(used[dist][j], k) == 0;
        if (known && !takes) {
            sim_diag_error(d, n->keys[i], "'%s' does not apply to a %s stake distribution", k,
                           dists[dist]);
            ok = false;
        }
    }
    uint64_t def_max = UINT64_C(100000) * SIM_GWEI_PER_ETH;
    switch (c->stake_model) {
    case MDL_STAKE_UNIFORM:
        ok = sim_yfield_gwei(n, "min", true, 0, 1, MAX_STAKE_GWEI, &c->stake_gwei, d) && ok;
        ok = sim_yfield_gwei(n, "max", true, 0, 1, MAX_STAKE_GWEI, &c->stake_max_gwei, d) && ok;
        break;
    case MDL_STAKE_LOGNORMAL:
        ok = sim_yfield_gwei(n, "median", true, 0, 1, MAX_STAKE_GWEI, &c->stake_gwei, d) && ok;
        ok = sim_yfield_f64(n, "sigma", true, 0, 0.0, 10.0, &c->sigma, d) && ok;
        ok = sim_yfield_gwei(n, "max", false, def_max, 1, MAX_STAKE_GWEI, &c->stake_max_gwei, d) && ok;
        break;
    default:
        ok = sim_yfield_gwei(n, "min", true, 0, 1, MAX_STAKE_GWEI, &c->stake_gwei, d) && ok;
        ok = sim_yfield_f64(n, "alpha", true, 0, 0.01, 100.0, &c->alpha, d) && ok;
        ok = sim_yfield_gwei(n, "max", false, def_max, 1, MAX_STAKE_GWEI, &c->stake_max_gwei, d) && ok;
        break;
    }
    if (ok && c->stake_max_gwei < c->stake_gwei) {
        const sim_ynode *mx = sim_ymap_get(n, "max");
        sim_diag_error(d, mx ? mx : n, "stake max must not be below the %s",
                       c->stake_model == MDL_STAKE_LOGNORMAL ? "median" : "min");
        ok = false;
    }
    return ok;
}

static bool load_stake(const sim_ynode *n, mdl_verifier_config *c, sim_diag *d) {
    c->stake_model = MDL_STAKE_EQUAL;
    c->stake_gwei = 32u * SIM_GWEI_PER_ETH;
    if (n == NULL) return true;
    if (n->kind == SIM_Y_SCALAR) {
        if (!sim_ynode_gwei(n, 1, MAX_STAKE_GWEI, &c->stake_gwei, d)) return false;
        /* restaked stake is counted in ETH (32 ETH per Ethereum validator, consensus specs
           MAX_EFFECTIVE_BALANCE); under 1 ETH per verifier is a unit slip ("32 gwei") */
        if (c->stake_gwei < SIM_GWEI_PER_ETH) {
            sim_diag_warning(d, n, "a stake of %" PRIu64 " gwei (%.3g ETH) per verifier is implausibly small: "
                                   "did you mean ETH?", c->stake_gwei, (double)c->stake_gwei / (double)SIM_GWEI_PER_ETH);
        }
        return true;
    }
    if (n->kind == SIM_Y_MAP) return load_stake_map(n, c, d);
    if (n->kind != SIM_Y_SEQ) {
        sim_diag_error(d, n, "expected a stake (e.g. 32 ETH), a list of stakes or "
                             "{distribution: uniform|lognormal|pareto, ...}");
        return false;
    }
    c->stake_model = MDL_STAKE_LIST;
    if (c->count && n->count != c->count) {
        sim_diag_error(d, n, "stake list has %zu entries but verifiers.count is %u", n->count,
                       c->count);
        return false;
    }
    c->stakes_gwei = calloc(n->count ? n->count : 1, sizeof *c->stakes_gwei);
    if (!c->stakes_gwei) return oom(d, n);
    bool ok = true;
    for (size_t i = 0; i < n->count; i++)
        ok = sim_ynode_gwei(n->items[i], 1, MAX_STAKE_GWEI, &c->stakes_gwei[i], d) && ok;
    return ok;
}

static bool mark_of(sim_net_mark *m, const sim_ynode *n) {
    return sim_net_mark_set(m, n->file, n->line, n->col);
}

static bool parse_ratio(const char *s, xr_quorum *q);

/* A ratio scalar (a/b, 0.34 or 34%) in [0, 1] (`zero_ok`) or (0, 1]. */
static bool load_ratio(const sim_ynode *n, const char *what, bool zero_ok, uint64_t *num,
                       uint64_t *den, sim_diag *d) {
    xr_quorum r;
    if (n->kind != SIM_Y_SCALAR || n->quoted || !parse_ratio(n->str, &r) || r.den == 0) {
        sim_diag_error(d, n, "expected a %s such as 1/3, 0.34 or 34%%", what);
        return false;
    }
    if (r.num > r.den || (!zero_ok && r.num == 0)) {
        sim_diag_error(d, n, "%s %s out of range %s", what, n->str, zero_ok ? "[0, 1]" : "(0, 1]");
        return false;
    }
    *num = r.num;
    *den = r.den;
    return true;
}

bool mdl_verifier_config_ratio(const sim_ynode *n, const char *what, uint64_t *num, uint64_t *den,
                               sim_diag *d) {
    return load_ratio(n, what, false, num, den, d);
}

/* `heights:` / `rounds:` -- a list of values or {from: A, to: B}. */
static bool load_ranges(const sim_ynode *n, const char *what, uint64_t min, uint64_t max,
                        mdl_range **out, uint32_t *count, sim_diag *d) {
    static const char *const keys[] = {"from", "to", NULL};
    if (n->kind == SIM_Y_MAP) {
        bool keys_ok = sim_ymap_check(n, what, keys, d); /* an unknown key is one error: values checked too */
        mdl_range r = {0, 0};
        bool ok = sim_yfield_u64(n, "from", true, 0, min, max, &r.lo, d) && keys_ok;
        ok = sim_yfield_u64(n, "to", true, 0, min, max, &r.hi, d) && ok;
        if (!ok) return false;
        if (r.hi < r.lo) {
            sim_diag_error(d, sim_ymap_get(n, "to"), "'to' must not be below 'from' in %s", what);
            return false;
        }
        *out = malloc(sizeof **out);
        if (!*out) return oom(d, n);
        **out = r;
        *count = 1;
        return true;
    }
    if (n->kind != SIM_Y_SEQ || n->count == 0) {
        sim_diag_error(d, n, "expected a non-empty list for %s, e.g. [5, 9], or {from: 5, to: 9}", what);
        return false;
    }
    *out = calloc(n->count, sizeof **out);
    if (!*out) return oom(d, n);
    bool ok = true;
    for (size_t i = 0; i < n->count; i++) {
        uint64_t v = 0;
        if (!sim_ynode_u64(n->items[i], min, max, &v, d)) {
            ok = false;
            continue;
        }
        (*out)[(*count)++] = (mdl_range){v, v};
    }
    return ok;
}

/* `verifiers:` of a byzantine entry: an index or a non-empty list. */
static bool load_indices(const sim_ynode *n, const mdl_verifier_config *c, mdl_byzantine_cfg *b,
                         uint8_t *taken, sim_diag *d) {
    size_t count = n->kind == SIM_Y_SEQ ? n->count : 1;
    if ((n->kind != SIM_Y_SEQ && n->kind != SIM_Y_SCALAR) || count == 0) {
        sim_diag_error(d, n, "expected a verifier index or a non-empty list of indices");
        return false;
    }
    b->verifiers = calloc(count, sizeof *b->verifiers);
    if (!b->verifiers) return oom(d, n);
    memset(taken, 0, c->count);
    bool ok = true;
    for (size_t i = 0; i < count; i++) {
        const sim_ynode *it = n->kind == SIM_Y_SEQ ? n->items[i] : n;
        uint64_t v = 0;
        uint64_t max = c->count ? c->count - 1u : 0;
        if (!sim_ynode_u64(it, 0, max, &v, d)) {
            ok = false;
            continue;
        }
        if (taken[v]) {
            sim_diag_error(d, it, "verifier %u is listed twice in this entry", (unsigned)v);
            ok = false;
            continue;
        }
        taken[v] = 1;
        b->verifiers[b->verifier_count++] = (uint32_t)v;
    }
    return ok;
}

uint32_t mdl_verifier_config_fraction_prefix(const uint64_t *stakes, uint32_t count, uint64_t num,
                                             uint64_t den) {
    assert(stakes != NULL && den > 0 && num <= den);
    __extension__ typedef unsigned __int128 u128;
    u128 total = 0;
    for (uint32_t i = 0; i < count; i++) total += stakes[i];
    u128 need = total * num; /* sum * den >= total * num */
    u128 sum = 0;
    for (uint32_t i = 0; i < count; i++) {
        sum += stakes[i];
        if (sum * den >= need) return i + 1u;
    }
    return count;
}

/* The keys of a Byzantine entry: its target and trigger, then each
** behaviour's own (byzantine/registry.c).  A crash takes only the window. */
static const char *const common_keys[] = {"verifiers", "stake_fraction", "behaviour", "from", "until", NULL};
static const char *const trigger_keys[] = {"probability", "heights", "rounds", NULL};

static bool listed(const char *const *list, const char *key) {
    for (size_t k = 0; list && list[k]; k++)
        if (strcmp(list[k], key) == 0) return true;
    return false;
}

static bool key_applies(mdl_behaviour b, const char *key) {
    const mdl_byz_behaviour *bh = mdl_byz_get(b);
    if (listed(common_keys, key)) return true;
    if (listed(trigger_keys, key)) return !bh->crash;
    return listed(bh->keys, key);
}

/* Every key some entry may have, NULL-terminated, into keys[cap]. */
static void entry_keys(const char **keys, size_t cap) {
    size_t n = 0;
    for (size_t k = 0; common_keys[k]; k++) keys[n++] = common_keys[k];
    for (size_t k = 0; trigger_keys[k]; k++) keys[n++] = trigger_keys[k];
    for (uint32_t b = 1; b < mdl_byz_count(); b++) {
        const char *const *own = mdl_byz_get((mdl_behaviour)b)->keys;
        for (size_t k = 0; own && own[k]; k++) {
            bool dup = false;
            for (size_t j = 0; j < n && !dup; j++) dup = strcmp(keys[j], own[k]) == 0;
            if (!dup && n + 1 < cap) keys[n++] = own[k];
        }
    }
    keys[n] = NULL;
}

/* "crashed, silent, ..." into out. */
static void behaviour_list(char *out, size_t cap) {
    size_t w = 0;
    out[0] = '\0';
    for (uint32_t b = 1; b < mdl_byz_count(); b++) {
        int k = snprintf(out + w, cap - w, "%s%s", w ? ", " : "", mdl_behaviour_name((mdl_behaviour)b));
        if (k > 0) w = w + (size_t)k < cap ? w + (size_t)k : cap - 1u;
    }
}

static bool load_byzantine(const sim_ynode *n, mdl_verifier_config *c, sim_diag *d) {
    const char *keys[64];
    entry_keys(keys, sizeof keys / sizeof keys[0]);
    if (n->kind == SIM_Y_NULL || sim_ynode_is_none(n)) return true; /* `none`: no entry (a sweep's 0%) */
    if (n->kind != SIM_Y_SEQ) {
        sim_diag_error(d, n, "expected a list (or none) for verifiers.byzantine, e.g. "
                             "[{verifiers: [0, 1], behaviour: silent, from: 30s, until: 60s}]");
        return false;
    }
    if (c->count == 0) return false; /* count's own error was reported */
    uint8_t *taken = calloc(c->count, 1);
    c->byzantine = calloc(n->count ? n->count : 1, sizeof *c->byzantine);
    if (!taken || !c->byzantine) {
        free(taken);
        return oom(d, n);
    }
    bool ok = true;
    for (size_t i = 0; i < n->count; i++) {
        const sim_ynode *it = n->items[i];
        if (it->kind != SIM_Y_MAP) {
            sim_diag_error(d, it, "expected a mapping for a Byzantine entry, e.g. "
                                  "{verifiers: [0], behaviour: equivocating}");
            ok = false;
            continue;
        }
        bool item_ok = sim_ymap_check(it, "a Byzantine entry", keys, d);
        mdl_byzantine_cfg *b = &c->byzantine[c->byzantine_count++];
        if (!mark_of(&b->mark, it)) {
            free(taken);
            return oom(d, it);
        }
        int beh = 0;
        bool beh_ok = sim_yfield_enum(it, "behaviour", true, 0, mdl_byz_names(), &beh, d);
        b->behaviour = (mdl_behaviour)beh;
        if (beh_ok && b->behaviour == MDL_BEHAVIOUR_HONEST) {
            char list[512];
            behaviour_list(list, sizeof list);
            sim_diag_error(d, sim_ymap_get(it, "behaviour"), "'honest' is not a Byzantine behaviour (%s)", list);
            beh_ok = false;
        }
        const mdl_byz_behaviour *bh = mdl_byz_get(beh_ok ? b->behaviour : MDL_BEHAVIOUR_HONEST);
        item_ok = beh_ok && item_ok;
        if (beh_ok) {
            for (size_t k = 0; k < it->count; k++) {
                if (!key_applies(b->behaviour, it->keys[k]->str)) {
                    sim_diag_error(d, it->keys[k], "'%s' does not apply to behaviour %s",
                                   it->keys[k]->str, bh->name);
                    item_ok = false;
                }
            }
        }
        /* trigger */
        item_ok = sim_yfield_duration_ns(it, "from", false, 0, 0, SIM_NET_NEVER - 1u, &b->from_ns, d) &&
                  item_ok;
        item_ok = sim_yfield_duration_ns(it, "until", false, SIM_NET_NEVER, 1, SIM_NET_NEVER - 1u,
                                         &b->until_ns, d) &&
                  item_ok;
        if (item_ok && b->until_ns <= b->from_ns) {
            sim_diag_error(d, sim_ymap_get(it, "until"),
                           "Byzantine window is empty: 'until' must be after 'from'");
            item_ok = false;
        }
        const sim_ynode *x = sim_ymap_get(it, "probability");
        if (x && key_applies(b->behaviour, "probability")) {
            b->has_probability = true;
            item_ok = load_ratio(x, "probability", true, &b->prob_num, &b->prob_den, d) && item_ok;
        }
        x = sim_ymap_get(it, "heights");
        if (x && key_applies(b->behaviour, "heights"))
            item_ok = load_ranges(x, "heights", 1, UINT64_MAX, &b->heights, &b->height_count, d) && item_ok;
        x = sim_ymap_get(it, "rounds");
        if (x && key_applies(b->behaviour, "rounds"))
            item_ok = load_ranges(x, "rounds", 0, UINT32_MAX, &b->rounds, &b->round_count, d) && item_ok;
        /* the behaviour's own keys */
        if (beh_ok && !mdl_byz_params_new(b)) {
            free(taken);
            return oom(d, it);
        }
        if (beh_ok && bh->load) item_ok = bh->load(it, c, b, d) && item_ok;
        /* target */
        const sim_ynode *vn = sim_ymap_get(it, "verifiers");
        const sim_ynode *fn = sim_ymap_get(it, "stake_fraction");
        if (vn && fn) {
            sim_diag_error(d, fn, "give either 'verifiers' or 'stake_fraction', not both");
            item_ok = false;
        } else if (vn) {
            item_ok = load_indices(vn, c, b, taken, d) && item_ok;
        } else if (fn) {
            b->by_fraction = true;
            bool f_ok = load_ratio(fn, "stake_fraction", false, &b->fraction_num, &b->fraction_den, d);
            bool fixed = c->stake_model == MDL_STAKE_EQUAL || c->stake_model == MDL_STAKE_LIST;
            if (f_ok && fixed && (c->stake_model == MDL_STAKE_EQUAL || c->stakes_gwei)) {
                uint64_t *st = malloc((size_t)c->count * sizeof *st);
                b->verifiers = calloc(c->count, sizeof *b->verifiers);
                if (!st || !b->verifiers) {
                    free(st);
                    free(taken);
                    return oom(d, fn);
                }
                for (uint32_t k = 0; k < c->count; k++)
                    st[k] = c->stake_model == MDL_STAKE_EQUAL ? c->stake_gwei : c->stakes_gwei[k];
                b->verifier_count =
                    mdl_verifier_config_fraction_prefix(st, c->count, b->fraction_num, b->fraction_den);
                for (uint32_t k = 0; k < b->verifier_count; k++) b->verifiers[k] = k;
                free(st);
            } else if (f_ok && !fixed && beh_ok && bh->crash) {
                sim_diag_error(d, fn, "crashed with stake_fraction needs fixed stakes (one stake or a "
                                      "list); with a distribution list the verifiers");
                f_ok = false;
            }
            item_ok = f_ok && item_ok;
        } else {
            sim_diag_error(d, it, "a Byzantine entry needs 'verifiers' or 'stake_fraction'");
            item_ok = false;
        }
        ok = ok && item_ok;
    }
    free(taken);
    return ok;
}

static void byzantine_free(mdl_verifier_config *c) {
    for (size_t i = 0; i < c->byzantine_count; i++) {
        free(c->byzantine[i].verifiers);
        free(c->byzantine[i].heights);
        free(c->byzantine[i].rounds);
        free(c->byzantine[i].params);
        free(c->byzantine[i].mark.file);
    }
    free(c->byzantine);
    c->byzantine = NULL;
    c->byzantine_count = 0;
}

/* A duration in the largest unit that writes it exactly. */
static int put_duration(char *out, size_t cap, uint64_t ns) {
    static const struct {
        uint64_t per;
        const char *unit;
    } units[] = {{3600u * SIM_NS_PER_S, "h"}, {60u * SIM_NS_PER_S, "min"}, {SIM_NS_PER_S, "s"}, {SIM_NS_PER_MS, "ms"},
                 {1000u, "us"}, {1u, "ns"}};
    size_t u = 0;
    while (ns != 0 && ns % units[u].per != 0) u++;
    if (ns == 0) u = 2;
    return snprintf(out, cap, "%llu%s", (unsigned long long)(ns / units[u].per), units[u].unit);
}

static int put_ranges(char *out, size_t cap, const char *name, const mdl_range *r, uint32_t n) {
    int w = snprintf(out, cap, "%s ", name);
    for (uint32_t i = 0; i < n && w >= 0 && (size_t)w < cap; i++) {
        const char *sep = i ? "," : "";
        if (r[i].lo == r[i].hi)
            w += snprintf(out + w, cap - (size_t)w, "%s%llu", sep, (unsigned long long)r[i].lo);
        else
            w += snprintf(out + w, cap - (size_t)w, "%s%llu-%llu", sep, (unsigned long long)r[i].lo,
                          (unsigned long long)r[i].hi);
    }
    return w;
}

void mdl_verifier_config_trigger_text(const mdl_byzantine_cfg *b, char *out, size_t cap) {
    assert(b != NULL && out != NULL && cap >= 8);
    char buf[512];
    size_t w = 0;
    buf[0] = '\0';
#define PUT(expr)                                                                  \
    do {                                                                           \
        int k_ = (expr);                                                           \
        if (k_ > 0) w = w + (size_t)k_ < sizeof buf ? w + (size_t)k_ : sizeof buf - 1; \
    } while (0)
    if (b->from_ns > 0 || b->until_ns != SIM_NET_NEVER) {
        if (b->from_ns > 0) {
            PUT(snprintf(buf + w, sizeof buf - w, "from "));
            PUT(put_duration(buf + w, sizeof buf - w, b->from_ns));
        }
        if (b->until_ns != SIM_NET_NEVER) {
            PUT(snprintf(buf + w, sizeof buf - w, "%suntil ", w ? " " : ""));
            PUT(put_duration(buf + w, sizeof buf - w, b->until_ns));
        }
    }
    if (b->has_probability)
        PUT(snprintf(buf + w, sizeof buf - w, "%sprobability %llu/%llu", w ? "; " : "",
                     (unsigned long long)b->prob_num, (unsigned long long)b->prob_den));
    if (b->heights) {
        PUT(snprintf(buf + w, sizeof buf - w, "%s", w ? "; " : ""));
        PUT(put_ranges(buf + w, sizeof buf - w, "heights", b->heights, b->height_count));
    }
    if (b->rounds) {
        PUT(snprintf(buf + w, sizeof buf - w, "%s", w ? "; " : ""));
        PUT(put_ranges(buf + w, sizeof buf - w, "rounds", b->rounds, b->round_count));
    }
#undef PUT
    const char *text = w ? buf : "always";
    size_t len = strlen(text);
    if (len < cap) {
        memcpy(out, text, len + 1u);
    } else {
        memcpy(out, text, cap - 4u);
        memcpy(out + cap - 4u, "...", 4u);
    }
}

/* `stake_changes:` -- a list of {at, verifier, stake}; kept sorted by time
** (stable), and the set may never become empty. */
static bool load_stake_changes(const sim_ynode *n, mdl_verifier_config *c, sim_diag *d) {
    static const char *const keys[] = {"at", "verifier", "stake", NULL};
    if (n->kind == SIM_Y_NULL) return true;
    if (n->kind != SIM_Y_SEQ) {
        sim_diag_error(d, n, "expected a list for verifiers.stake_changes, e.g. "
                             "[{at: 5min, verifier: 3, stake: 64 ETH}]");
        return false;
    }
    if (c->count == 0) return false; /* count's own error was reported */
    c->stake_changes = calloc(n->count ? n->count : 1, sizeof *c->stake_changes);
    if (!c->stake_changes) return oom(d, n);
    bool ok = true;
    for (size_t i = 0; i < n->count; i++) {
        const sim_ynode *it = n->items[i];
        if (it->kind != SIM_Y_MAP) {
            sim_diag_error(d, it, "expected a mapping for a stake change, e.g. "
                                  "{at: 5min, verifier: 3, stake: 64 ETH}");
            ok = false;
            continue;
        }
        bool item_ok = sim_ymap_check(it, "a stake change", keys, d);
        mdl_stake_change ch = {0};
        item_ok = sim_yfield_duration_ns(it, "at", true, 0, 0, SIM_NET_NEVER - 1u, &ch.at_ns, d) && item_ok;
        uint64_t v = 0;
        item_ok = sim_yfield_u64(it, "verifier", true, 0, 0, c->count - 1u, &v, d) && item_ok;
        ch.verifier = (uint32_t)v;
        item_ok = sim_yfield_gwei(it, "stake", true, 0, 0, MAX_STAKE_GWEI, &ch.stake_gwei, d) && item_ok;
        if (!item_ok) {
            ok = false;
            continue;
        }
        /* insertion sort by time, stable */
        size_t k = c->stake_change_count++;
        while (k > 0 && c->stake_changes[k - 1].at_ns > ch.at_ns) {
            c->stake_changes[k] = c->stake_changes[k - 1];
            k--;
        }
        c->stake_changes[k] = ch;
    }
    if (!ok) return false;
    /* an empty set is an outcome (the chain halts, models/verifiers/valsync.h),
    ** not an error; say so, in case it was not meant: count members after
    ** each change in time order */
    uint8_t *in = malloc(c->count);
    if (!in) return oom(d, n);
    memset(in, 1, c->count);
    uint32_t members = c->count;
    for (size_t i = 0; i < c->stake_change_count; i++) {
        const mdl_stake_change *ch = &c->stake_changes[i];
        bool now_in = ch->stake_gwei > 0;
        if (in[ch->verifier] && !now_in) members--;
        if (!in[ch->verifier] && now_in) members++;
        in[ch->verifier] = now_in;
        if (members == 0) {
            sim_diag_warning(d, n, "stake changes leave no verifier with stake: the consensus chain halts then "
                                   "(table chain_halts)");
            break;
        }
    }
    free(in);
    return ok;
}

void mdl_verifier_config_free(mdl_verifier_config *c) {
    if (c == NULL) return;
    free(c->stakes_gwei);
    free(c->stake_changes);
    byzantine_free(c);
    memset(c, 0, sizeof *c);
}

static bool load_watcher(const sim_ynode *n, mdl_verifier_config *c, sim_diag *d) {
    static const char *const keys[] = {"min", "max", NULL};
    c->watcher_min_ns = 50u * SIM_NS_PER_MS;
    c->watcher_max_ns = 300u * SIM_NS_PER_MS;
    if (n == NULL) return true;
    bool keys_ok = sim_ymap_check(n, "verifiers.watcher_delay", keys, d); /* values checked too */
    bool ok = sim_yfield_duration_ns(n, "min", false, c->watcher_min_ns, 0, MAX_TIMEOUT_NS,
                                     &c->watcher_min_ns, d);
    ok = sim_yfield_duration_ns(n, "max", false, c->watcher_max_ns, 0, MAX_TIMEOUT_NS,
                                &c->watcher_max_ns, d) && ok;
    if (ok && c->watcher_max_ns < c->watcher_min_ns) {
        sim_diag_error(d, sim_ymap_get(n, "max") ? sim_ymap_get(n, "max") : n,
                       "watcher_delay max must not be below min");
        ok = false;
    }
    return ok && keys_ok;
}

bool mdl_verifier_config_load(const sim_ynode *n, mdl_verifier_config *c, sim_diag *d) {
    static const char *const keys[] = {"count", "stake", "watcher_delay", "byzantine", "stake_changes",
                                       NULL};
    assert(c != NULL && d != NULL);
    memset(c, 0, sizeof *c);
    (void)load_watcher(NULL, c, d);
    c->stake_model = MDL_STAKE_EQUAL;
    c->stake_gwei = 32u * SIM_GWEI_PER_ETH;
    if (n == NULL) return true;
    size_t errors_before = sim_diag_errors(d);
    if (n->kind == SIM_Y_NULL) {
        sim_diag_error(d, n, "section 'verifiers' needs at least 'count'");
        return false;
    }
    (void)sim_ymap_check(n, "verifiers", keys, d);
    if (n->kind != SIM_Y_MAP) return false;
    uint64_t count = 0;
    if (sim_yfield_u64(n, "count", true, 0, 1, MDL_VERIFIERS_MAX, &count, d)) c->count = (uint32_t)count;
    bool stake_ok = load_stake(sim_ymap_get(n, "stake"), c, d);
    (void)load_watcher(sim_ymap_get(n, "watcher_delay"), c, d);
    const sim_ynode *b = sim_ymap_get(n, "byzantine");
    if (b) (void)load_byzantine(b, c, d);
    const sim_ynode *sc = sim_ymap_get(n, "stake_changes");
    if (sc) (void)load_stake_changes(sc, c, d);
    /* the set's total power must fit the core's bound */
    if (stake_ok && c->count) {
        uint64_t total = 0;
        bool over = false;
        for (uint32_t i = 0; i < c->count && !over; i++) {
            uint64_t s = c->stake_model == MDL_STAKE_LIST    ? c->stakes_gwei[i]
                         : c->stake_model == MDL_STAKE_EQUAL ? c->stake_gwei
                                                             : c->stake_max_gwei;
            total += s;
            over = total > MAX_TOTAL_POWER;
        }
        if (over) {
            sim_diag_error(d, sim_ymap_get(n, "stake"),
                           "total stake of %u verifiers can exceed 2^60 gwei (the core's bound on "
                           "total power)", c->count);
        }
    }
    return sim_diag_errors(d) == errors_before;
}

const mdl_byzantine_cfg *mdl_verifier_config_byzantine_of(const mdl_verifier_config *v, uint32_t i) {
    assert(v != NULL);
    for (size_t k = 0; k < v->byzantine_count; k++)
        for (uint32_t j = 0; j < v->byzantine[k].verifier_count; j++)
            if (v->byzantine[k].verifiers[j] == i) return &v->byzantine[k];
    return NULL;
}

bool mdl_verifier_config_add_crashes(const mdl_verifier_config *v, sim_net_config *net, sim_diag *d) {
    assert(v != NULL && net != NULL && d != NULL);
    for (size_t k = 0; k < v->byzantine_count; k++) {
        const mdl_byzantine_cfg *b = &v->byzantine[k];
        if (!mdl_byz_get(b->behaviour)->crash) continue;
        for (uint32_t j = 0; j < b->verifier_count; j++) {
            char sel[32];
            snprintf(sel, sizeof sel, "verifiers[%u]", b->verifiers[j]);
            sim_net_crash_cfg *cr = sim_net_config_new_crash(net);
            if (cr == NULL || !sim_net_mark_set(&cr->mark, b->mark.file, b->mark.line, b->mark.col) ||
                !sim_net_side_add(&cr->nodes, sel, &b->mark)) {
                sim_diag_error_at(d, b->mark.file, b->mark.line, b->mark.col,
                                  "out of memory while reading the scenario");
                return false;
            }
            cr->at_ns = b->from_ns;
            cr->restart_ns = b->until_ns;
        }
    }
    return true;
}

/* ---- consensus -------------------------------------------------------------- */

static uint64_t gcd_u64(uint64_t a, uint64_t b) {
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Parses an unsigned decimal of at most 18 digits; *end after it. */
static bool parse_digits(const char *p, uint64_t *v, int *digits, const char **end) {
    uint64_t x = 0;
    int n = 0;
    while (*p >= '0' && *p <= '9') {
        if (n == 18) return false;
        x = x * 10u + (uint64_t)(*p - '0');
        n++;
        p++;
    }
    *v = x;
    *digits = n;
    *end = p;
    return true;
}

/* "a/b", "0.75", "75%", "66.5%" -> a reduced ratio.  false: not one. */
static bool parse_ratio(const char *s, xr_quorum *q) {
    uint64_t a = 0, b = 1;
    int na = 0, nb = 0;
    const char *p = s;
    if (!parse_digits(p, &a, &na, &p)) return false;
    if (*p == '/') {
        if (na == 0 || !parse_digits(p + 1, &b, &nb, &p) || nb == 0 || *p || b == 0) return false;
    } else {
        uint64_t frac = 0;
        int nf = 0;
        if (*p == '.') {
            if (!parse_digits(p + 1, &frac, &nf, &p)) return false;
        }
        if (na + nf == 0 || na + nf > 18) return false;
        uint64_t den = 1;
        for (int i = 0; i < nf; i++) den *= 10u;
        if (*p == '%') {
            p++;
            if (na + nf + 2 > 18) return false;
            den *= 100u;
        }
        if (*p) return false;
        uint64_t scale = 1;
        for (int i = 0; i < nf; i++) scale *= 10u;
        a = a * scale + frac;
        b = den;
    }
    uint64_t g = gcd_u64(a, b);
    if (g == 0) g = 1;
    q->num = a / g;
    q->den = b / g;
    return true;
}

static bool load_quorum(const sim_ynode *n, xr_quorum *q, sim_diag *d) {
    if (n == NULL) return true;
    xr_quorum r;
    if (n->kind != SIM_Y_SCALAR || !parse_ratio(n->str, &r)) {
        sim_diag_error(d, n, "expected a quorum fraction such as 2/3, 0.75 or 75%%");
        return false;
    }
    if (r.num >= r.den || 2u * r.num < r.den) {
        sim_diag_error(d, n, "quorum %s out of range: must be at least 1/2 and below 1 "
                             "(quorum holds with strictly more than that share of power)", n->str);
        return false;
    }
    *q = r;
    return true;
}

static bool load_timeouts(const sim_ynode *n, xr_bft_timeouts *t, sim_diag *d) {
    static const char *const keys[] = {"propose",   "propose_delta",   "prevote",    "prevote_delta",
                                       "precommit", "precommit_delta", "retransmit", "catchup", NULL};
    if (n == NULL) return true;
    bool ok = sim_ymap_check(n, "consensus.timeouts", keys, d); /* an unknown key is one error: values checked too */
    ok = sim_yfield_duration_ns(n, "propose", false, t->propose_ns, 1, MAX_TIMEOUT_NS, &t->propose_ns, d) && ok;
    ok = sim_yfield_duration_ns(n, "propose_delta", false, t->propose_delta_ns, 0, MAX_TIMEOUT_NS,
                                &t->propose_delta_ns, d) && ok;
    ok = sim_yfield_duration_ns(n, "prevote", false, t->prevote_ns, 1, MAX_TIMEOUT_NS, &t->prevote_ns, d) && ok;
    ok = sim_yfield_duration_ns(n, "prevote_delta", false, t->prevote_delta_ns, 0, MAX_TIMEOUT_NS,
                                &t->prevote_delta_ns, d) && ok;
    ok = sim_yfield_duration_ns(n, "precommit", false, t->precommit_ns, 1, MAX_TIMEOUT_NS,
                                &t->precommit_ns, d) && ok;
    ok = sim_yfield_duration_ns(n, "precommit_delta", false, t->precommit_delta_ns, 0, MAX_TIMEOUT_NS,
                                &t->precommit_delta_ns, d) && ok;
    ok = sim_yfield_duration_ns(n, "retransmit", false, t->retransmit_ns, SIM_NS_PER_MS, MAX_TIMEOUT_NS,
                                &t->retransmit_ns, d) && ok;
    ok = sim_yfield_duration_ns(n, "catchup", false, t->catchup_ns, 0, MAX_TIMEOUT_NS, &t->catchup_ns, d) && ok;
    return ok;
}

static bool load_synthetic(const sim_ynode *n, mdl_xblock_synth_cfg *s, sim_diag *d) {
    static const char *const keys[] = {"chains", "interval", "messages", "level", NULL};
    static const char *const levels[] = {"latest", "finalized", NULL};
    memset(s, 0, sizeof *s);
    if (n == NULL || n->kind == SIM_Y_NULL) return true;
    bool keys_ok = sim_ymap_check(n, "consensus.synthetic_xblocks", keys, d); /* values checked too */
    uint64_t v = 0;
    bool ok = sim_yfield_u64(n, "chains", true, 0, 1, 64, &v, d) && keys_ok;
    s->chains = (uint32_t)v;
    ok = sim_yfield_duration_ns(n, "interval", false, 2u * SIM_NS_PER_S, SIM_NS_PER_MS, MAX_TIMEOUT_NS,
                                &s->interval_ns, d) && ok;
    v = 10;
    ok = sim_yfield_u64(n, "messages", false, 10, 0, XR_MAX_XBLOCK_MSGS, &v, d) && ok;
    s->messages = (uint32_t)v;
    int lv = 0;
    ok = sim_yfield_enum(n, "level", false, 0, levels, &lv, d) && ok;
    s->level = lv == 0 ? XR_CONF_LATEST : XR_CONF_FINALIZED;
    if (!ok) s->chains = 0;
    return ok;
}

/* Pools sized so that what the protocol lets through is never dropped: a
** node holds, as candidates, up to a block's worth of every peer's extension
** (max_votes_per_extension each) and, committed but not yet approved, as many
** again; twice that for the height in flight.  Omni's node keeps both in
** unbounded Go maps; fixed pools that overflow lose votes (a committed vote
** dropped is never counted: its offset stalls for good), which a burst of
** finalized XBlocks did to the baseline at 30 and 100 verifiers.  Memory
** follows use: records a run does not need are never faulted in. */
static void size_pools(mdl_consensus_config *c, bool pending_set) {
    xr_bft_cfg *b = &c->bft;
    uint64_t burst = 2u * (uint64_t)b->max_validators * (b->max_ext_votes ? b->max_ext_votes : 1u);
    if (burst > (1u << 20)) burst = 1u << 20;
    if (!pending_set && burst > b->pending_votes) b->pending_votes = (uint32_t)burst;
    if (burst > b->att_votes) b->att_votes = (uint32_t)burst;
}

bool mdl_consensus_config_load(const sim_ynode *n, const mdl_verifier_config *v,
                               mdl_consensus_config *c, sim_diag *d) {
    static const char *const keys[] = {"chain_id",       "quorum",
                                       "block_interval", "timeouts",
                                       "max_votes_per_extension", "max_votes_per_block",
                                       "attestation_window", "attestation_window_down",
                                       "pending_votes",
                                       "commit_history", "signatures",
                                       "sign_cost",      "verify_cost",
                                       "synthetic_xblocks", "valset_cutoff",
                                       "block_parts", NULL};
    static const char *const sigs[] = {"fast", "secp256k1", NULL};
    assert(c != NULL && v != NULL && d != NULL);
    memset(c, 0, sizeof *c);
    xr_bft_cfg_default(&c->bft);
    c->bft.max_validators = v->count ? v->count : 1;
    c->sig = MDL_SIG_FAST;
    c->sign_cost_ns = MDL_SIG_COST_SECP_SIGN_NS;
    c->verify_cost_ns = MDL_SIG_COST_SECP_VERIFY_NS;
    c->valset_cutoff = XR_VALSET_CUTOFF_DEFAULT;
    if (n == NULL) {
        size_pools(c, false);
        return true;
    }
    size_t errors_before = sim_diag_errors(d);
    if (v->count == 0) {
        sim_diag_error(d, n, "section 'consensus' needs a 'verifiers' section (with a count)");
        return false;
    }
    (void)sim_ymap_check(n, "consensus", keys, d);
    if (n->kind != SIM_Y_MAP) return sim_diag_errors(d) == errors_before;
    xr_bft_cfg *b = &c->bft;
    (void)sim_yfield_u64(n, "chain_id", false, b->chain_id, 1, UINT64_MAX, &b->chain_id, d);
    (void)load_quorum(sim_ymap_get(n, "quorum"), &b->quorum, d);
    (void)sim_yfield_duration_ns(n, "block_interval", false, b->timeouts.commit_ns, 0, MAX_TIMEOUT_NS,
                                 &b->timeouts.commit_ns, d);
    (void)load_timeouts(sim_ymap_get(n, "timeouts"), &b->timeouts, d);
    uint64_t x = b->max_ext_votes;
    if (sim_yfield_u64(n, "max_votes_per_extension", false, x, 0, 4096, &x, d)) b->max_ext_votes = (uint32_t)x;
    x = b->max_block_votes;
    if (sim_yfield_u64(n, "max_votes_per_block", false, x, 0, 65536, &x, d)) b->max_block_votes = (uint32_t)x;
    x = b->att_window;
    if (sim_yfield_u64(n, "attestation_window", false, x, 1, 65536, &x, d)) b->att_window = (uint32_t)x;
    x = b->att_window_down;
    if (sim_yfield_u64(n, "attestation_window_down", false, x, 0, 65536, &x, d))
        b->att_window_down = (uint32_t)x;
    x = b->pending_votes;
    if (sim_yfield_u64(n, "pending_votes", false, x, 1, 1u << 20, &x, d)) b->pending_votes = (uint32_t)x;
    x = b->commit_history;
    if (sim_yfield_u64(n, "commit_history", false, x, 1, 64, &x, d)) b->commit_history = (uint32_t)x;
    int sk = 0;
    if (sim_yfield_enum(n, "signatures", false, 0, sigs, &sk, d)) c->sig = (mdl_sig_kind)sk;
    (void)sim_yfield_duration_ns(n, "sign_cost", false, c->sign_cost_ns, 0, SIM_NS_PER_S, &c->sign_cost_ns, d);
    (void)sim_yfield_duration_ns(n, "verify_cost", false, c->verify_cost_ns, 0, SIM_NS_PER_S,
                                 &c->verify_cost_ns, d);
    (void)load_synthetic(sim_ymap_get(n, "synthetic_xblocks"), &c->synthetic, d);
    /* OmniPortal's xsubValsetCutoff (a uint8): submissions signed by any of
    ** the last valset_cutoff sets are accepted (_minValSet) */
    x = c->valset_cutoff;
    if (sim_yfield_u64(n, "valset_cutoff", false, x, 1, 255, &x, d)) c->valset_cutoff = (uint32_t)x;
    /* proposals in block parts relayed by peers, as CometBFT gossips them
    ** (types.BlockPartSizeBytes = 65536); off (the default): the proposer
    ** sends each peer the whole message */
    const sim_ynode *bp = sim_ymap_get(n, "block_parts");
    if (bp && !(bp->kind == SIM_Y_SCALAR && strcmp(bp->str, "off") == 0)) {
        x = 0;
        if (sim_yfield_bytes(n, "block_parts", false, 0, 1024, 16u << 20, &x, d))
            c->block_part_bytes = (uint32_t)x;
    }
    size_pools(c, sim_ymap_get(n, "pending_votes") != NULL);
    if (sim_diag_errors(d) == errors_before && xr_bft_mem_size(b) == 0) {
        sim_diag_error(d, n, "this consensus configuration is outside the core's limits");
    }
    return sim_diag_errors(d) == errors_before;
}
