/*
** Network configs: the builders, deep copy and free declared in net.h, and
** the reader of the scenario's `network:` section (format in net_config.h).
** Every problem is reported at its YAML node and reading goes on, so one
** pass shows every error; selectors and region names are copied with their
** marks for sim_net_resolve to check later.  Every pointer a config holds
** (except the two borrowed ones) is owned by it.
*/
#include "net_config.h"

#include "dist_config.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define WEIGHT_MAX SIM_NET_WEIGHT_MAX

/* ======================================================================== */
/* building, copying and freeing configs (declared in net.h)                */
/* ======================================================================== */

static char *net_strdup(const char *s) {
    if (s == NULL) {
        return NULL;
    }
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p != NULL) {
        memcpy(p, s, n);
    }
    return p;
}

void sim_net_config_init(sim_net_config *c) {
    assert(c != NULL);
    memset(c, 0, sizeof *c);
    c->latency.matrix = false;
    c->latency.dist = sim_lat_constant(0);
    c->bandwidth_bps = 0;
    c->loss = 0.0;
    c->fifo = true;
}

static void side_free(sim_net_side *s) {
    for (size_t i = 0; i < s->count; i++) {
        free(s->items[i].text);
        free(s->items[i].mark.file);
    }
    free(s->items);
    s->items = NULL;
    s->count = 0;
}

void sim_net_config_free(sim_net_config *c) {
    assert(c != NULL);
    free(c->regions_path);
    free(c->regions_mark.file);
    free(c->latency_mark.file);
    for (size_t i = 0; i < c->placement_count; i++) {
        sim_net_placement_cfg *p = &c->placements[i];
        free(p->group);
        free(p->mark.file);
        for (size_t j = 0; j < p->count; j++) {
            free(p->regions[j].text);
            free(p->regions[j].mark.file);
        }
        free(p->regions);
        free(p->weights);
    }
    free(c->placements);
    for (size_t i = 0; i < c->partition_count; i++) {
        side_free(&c->partitions[i].a);
        side_free(&c->partitions[i].b);
        free(c->partitions[i].mark.file);
    }
    free(c->partitions);
    for (size_t i = 0; i < c->crash_count; i++) {
        side_free(&c->crashes[i].nodes);
        free(c->crashes[i].mark.file);
    }
    free(c->crashes);
    sim_net_config_init(c);
}

bool sim_net_mark_set(sim_net_mark *m, const char *file, uint32_t line, uint32_t col) {
    assert(m != NULL);
    char *f = NULL;
    if (file != NULL && (f = net_strdup(file)) == NULL) {
        return false;
    }
    free(m->file);
    m->file = f;
    m->line = line;
    m->col = col;
    return true;
}

static bool mark_copy(sim_net_mark *dst, const sim_net_mark *src) {
    dst->file = NULL;
    return sim_net_mark_set(dst, src->file, src->line, src->col);
}

bool sim_net_side_add(sim_net_side *s, const char *text, const sim_net_mark *mark) {
    assert(s != NULL && text != NULL);
    sim_net_selector *items = realloc(s->items, (s->count + 1) * sizeof *items);
    if (items == NULL) {
        return false;
    }
    s->items = items;
    sim_net_selector *it = &items[s->count];
    memset(it, 0, sizeof *it);
    it->text = net_strdup(text);
    if (it->text == NULL) {
        return false;
    }
    if (mark != NULL && !mark_copy(&it->mark, mark)) {
        free(it->text);
        return false;
    }
    s->count++;
    return true;
}

static bool side_copy(sim_net_side *dst, const sim_net_side *src) {
    memset(dst, 0, sizeof *dst);
    for (size_t i = 0; i < src->count; i++) {
        if (!sim_net_side_add(dst, src->items[i].text, &src->items[i].mark)) {
            return false;
        }
    }
    return true;
}

bool sim_net_config_set_regions_path(sim_net_config *c, const char *path) {
    assert(c != NULL);
    char *p = NULL;
    if (path != NULL && (p = net_strdup(path)) == NULL) {
        return false;
    }
    free(c->regions_path);
    c->regions_path = p;
    return true;
}

#define CONFIG_APPEND(arr, count)                                                                  \
    do {                                                                                           \
        void *grown = realloc((arr), ((count) + 1) * sizeof *(arr));                               \
        if (grown == NULL) {                                                                       \
            return NULL;                                                                           \
        }                                                                                          \
        (arr) = grown;                                                                             \
        memset(&(arr)[(count)], 0, sizeof *(arr));                                                 \
        return &(arr)[(count)++];                                                                  \
    } while (0)

sim_net_partition_cfg *sim_net_config_new_partition(sim_net_config *c) {
    assert(c != NULL);
    CONFIG_APPEND(c->partitions, c->partition_count);
}

sim_net_crash_cfg *sim_net_config_new_crash(sim_net_config *c) {
    assert(c != NULL);
    CONFIG_APPEND(c->crashes, c->crash_count);
}

static sim_net_placement_cfg *config_new_placement_raw(sim_net_config *c) {
    CONFIG_APPEND(c->placements, c->placement_count);
}

sim_net_placement_cfg *sim_net_config_new_placement(sim_net_config *c, const char *group) {
    assert(c != NULL && group != NULL);
    char *g = net_strdup(group);
    if (g == NULL) {
        return NULL;
    }
    sim_net_placement_cfg *p = config_new_placement_raw(c);
    if (p == NULL) {
        free(g);
        return NULL;
    }
    p->group = g;
    return p;
}

bool sim_net_config_add_partition(sim_net_config *c, uint64_t from_ns, uint64_t until_ns, bool one_way,
                                  const char *a, const char *b) {
    assert(c != NULL && a != NULL && b != NULL);
    sim_net_partition_cfg *p = sim_net_config_new_partition(c);
    if (p == NULL) {
        return false;
    }
    p->from_ns = from_ns;
    p->until_ns = until_ns;
    p->one_way = one_way;
    return sim_net_side_add(&p->a, a, NULL) && sim_net_side_add(&p->b, b, NULL);
}

bool sim_net_config_add_crash(sim_net_config *c, const char *nodes, uint64_t at_ns, uint64_t restart_ns) {
    assert(c != NULL && nodes != NULL);
    sim_net_crash_cfg *k = sim_net_config_new_crash(c);
    if (k == NULL) {
        return false;
    }
    k->at_ns = at_ns;
    k->restart_ns = restart_ns;
    return sim_net_side_add(&k->nodes, nodes, NULL);
}

static bool placement_set(sim_net_placement_cfg *p, size_t count, const sim_net_selector *regions,
                          const char *const *names, const uint64_t *weights) {
    if (count == 0) {
        return true;
    }
    p->regions = calloc(count, sizeof *p->regions);
    if (p->regions == NULL) {
        return false;
    }
    if (weights != NULL) {
        p->weights = malloc(count * sizeof *p->weights);
        if (p->weights == NULL) {
            return false;
        }
        memcpy(p->weights, weights, count * sizeof *p->weights);
    }
    for (size_t i = 0; i < count; i++) {
        const char *text = regions != NULL ? regions[i].text : names[i];
        p->regions[i].text = net_strdup(text);
        if (p->regions[i].text == NULL) {
            return false;
        }
        p->count = i + 1;
        if (regions != NULL && !mark_copy(&p->regions[i].mark, &regions[i].mark)) {
            return false;
        }
    }
    return true;
}

bool sim_net_config_add_placement(sim_net_config *c, const char *group, size_t count,
                                  const char *const *regions, const uint64_t *weights) {
    assert(c != NULL && group != NULL && (count == 0 || regions != NULL));
    sim_net_placement_cfg *p = sim_net_config_new_placement(c, group);
    return p != NULL && placement_set(p, count, NULL, regions, weights);
}

bool sim_net_config_copy(sim_net_config *dst, const sim_net_config *src) {
    assert(dst != NULL && src != NULL && dst != src);
    sim_net_config_init(dst);
    dst->regions = src->regions;
    dst->default_regions_path = src->default_regions_path;
    dst->latency = src->latency;
    dst->bandwidth_bps = src->bandwidth_bps;
    dst->loss = src->loss;
    dst->fifo = src->fifo;
    if (!sim_net_config_set_regions_path(dst, src->regions_path) ||
        !mark_copy(&dst->regions_mark, &src->regions_mark) ||
        !mark_copy(&dst->latency_mark, &src->latency_mark)) {
        goto fail;
    }
    for (size_t i = 0; i < src->placement_count; i++) {
        const sim_net_placement_cfg *s = &src->placements[i];
        sim_net_placement_cfg *p = sim_net_config_new_placement(dst, s->group);
        if (p == NULL || !mark_copy(&p->mark, &s->mark) ||
            !placement_set(p, s->count, s->regions, NULL, s->weights)) {
            goto fail;
        }
    }
    for (size_t i = 0; i < src->partition_count; i++) {
        const sim_net_partition_cfg *s = &src->partitions[i];
        sim_net_partition_cfg *p = sim_net_config_new_partition(dst);
        if (p == NULL) {
            goto fail;
        }
        p->from_ns = s->from_ns;
        p->until_ns = s->until_ns;
        p->one_way = s->one_way;
        if (!side_copy(&p->a, &s->a) || !side_copy(&p->b, &s->b) || !mark_copy(&p->mark, &s->mark)) {
            goto fail;
        }
    }
    for (size_t i = 0; i < src->crash_count; i++) {
        const sim_net_crash_cfg *s = &src->crashes[i];
        sim_net_crash_cfg *k = sim_net_config_new_crash(dst);
        if (k == NULL) {
            goto fail;
        }
        k->at_ns = s->at_ns;
        k->restart_ns = s->restart_ns;
        if (!side_copy(&k->nodes, &s->nodes) || !mark_copy(&k->mark, &s->mark)) {
            goto fail;
        }
    }
    return true;
fail:
    sim_net_config_free(dst);
    return false;
}

/* ======================================================================== */
/* the network: section                                                      */
/* ======================================================================== */

enum { MODEL_MATRIX = SIM_LAT_MODEL_COUNT };

static const char *const model_names[] = {
    "constant", "uniform", "normal", "lognormal", "pareto", "exponential", "matrix", NULL,
};

static const char *const *model_keys(int model) {
    static const char *const k_matrix[] = {"model", "jitter", NULL};
    return model == MODEL_MATRIX ? k_matrix : sim_dist_model_keys((sim_lat_model)model);
}

static bool oom(sim_diag *d, const sim_ynode *at) {
    sim_diag_error(d, at, "out of memory reading the network section");
    return false;
}

static bool mark_of(sim_net_mark *m, const sim_ynode *n) {
    return sim_net_mark_set(m, n->file, n->line, n->col);
}

/* A distribution map; `where` names it in messages.  Matrix only when
** allowed (it is then returned through *is_matrix with *jitter_node). */
static bool load_dist(const sim_ynode *n, const char *where, bool allow_matrix, sim_lat_dist *out,
                      bool *is_matrix, const sim_ynode **jitter_node, sim_diag *d) {
    if (n->kind != SIM_Y_MAP) {
        sim_diag_error(d, n, "expected a mapping for %s, e.g. {model: lognormal, median: 40ms, sigma: 0.6}",
                       where);
        return false;
    }
    int model = 0;
    if (!sim_yfield_enum(n, "model", true, 0, model_names, &model, d)) {
        return false;
    }
    if (model == MODEL_MATRIX && !allow_matrix) {
        sim_diag_error(d, sim_ymap_get(n, "model"), "%s cannot be a matrix (it is added to one)", where);
        return false;
    }
    if (model == MODEL_MATRIX) {
        bool ok = sim_ymap_check(n, where, model_keys(model), d);
        *is_matrix = true;
        *jitter_node = sim_ymap_get(n, "jitter");
        *out = sim_lat_constant(0);
        return ok;
    }
    return sim_dist_load_params(n, where, (sim_lat_model)model, SIM_DIST_DURATION, out, d);
}

static bool load_latency(const sim_ynode *n, sim_net_config *c, sim_diag *d) {
    if (!mark_of(&c->latency_mark, n)) {
        return oom(d, n);
    }
    bool matrix = false;
    const sim_ynode *jitter = NULL;
    sim_lat_dist dist;
    if (!load_dist(n, "network.latency", true, &dist, &matrix, &jitter, d)) {
        return false;
    }
    c->latency.matrix = matrix;
    c->latency.dist = dist;
    if (jitter != NULL) {
        bool unused = false;
        const sim_ynode *none = NULL;
        if (!load_dist(jitter, "network.latency.jitter", false, &dist, &unused, &none, d)) {
            return false;
        }
        c->latency.dist = dist;
    }
    return true;
}

/* A path relative to the directory of the file that wrote it. */
static bool load_regions(const sim_ynode *n, sim_net_config *c, sim_diag *d) {
    const char *s = NULL;
    if (!sim_ynode_str(n, &s, d)) {
        return false;
    }
    if (!mark_of(&c->regions_mark, n)) {
        return oom(d, n);
    }
    if (strcmp(s, "default") == 0) {
        return true;
    }
    if (s[0] == '\0') {
        sim_diag_error(d, n, "network.regions: expected 'default' or a path to a CSV matrix");
        return false;
    }
    const char *file = n->file;
    const char *slash = file != NULL ? strrchr(file, '/') : NULL;
    bool from_cli = file != NULL && strncmp(file, "--set", 5) == 0;
    if (s[0] == '/' || slash == NULL || from_cli) {
        return sim_net_config_set_regions_path(c, s) || oom(d, n);
    }
    size_t dlen = (size_t)(slash - file) + 1u; /* keep the '/' */
    size_t slen = strlen(s);
    char *joined = malloc(dlen + slen + 1u);
    if (joined == NULL) {
        return oom(d, n);
    }
    memcpy(joined, file, dlen);
    memcpy(joined + dlen, s, slen + 1u);
    bool ok = sim_net_config_set_regions_path(c, joined);
    free(joined);
    return ok || oom(d, n);
}

static bool load_placement(const sim_ynode *n, sim_net_config *c, sim_diag *d) {
    if (n->kind == SIM_Y_NULL) {
        return true;
    }
    if (n->kind != SIM_Y_MAP) {
        sim_diag_error(d, n, "expected a mapping for network.placement (group: all | [region, ...] | "
                             "{region: weight, ...})");
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < n->count; i++) {
        const sim_ynode *key = n->keys[i], *v = n->items[i];
        sim_net_placement_cfg *p = sim_net_config_new_placement(c, key->str);
        if (p == NULL || !mark_of(&p->mark, key)) {
            return oom(d, key);
        }
        if (v->kind == SIM_Y_SCALAR && strcmp(v->str, "all") == 0) {
            continue;
        }
        if (v->kind != SIM_Y_SEQ && v->kind != SIM_Y_MAP) {
            sim_diag_error(d, v, "placement of '%s': expected 'all', a list of regions or a mapping "
                                 "region: weight", key->str);
            ok = false;
            continue;
        }
        if (v->count == 0) {
            sim_diag_error(d, v, "placement of '%s' lists no region", key->str);
            ok = false;
            continue;
        }
        p->regions = calloc(v->count, sizeof *p->regions);
        if (p->regions == NULL) {
            return oom(d, v);
        }
        if (v->kind == SIM_Y_MAP && (p->weights = calloc(v->count, sizeof *p->weights)) == NULL) {
            return oom(d, v);
        }
        for (size_t j = 0; j < v->count; j++) {
            const sim_ynode *rn = v->kind == SIM_Y_MAP ? v->keys[j] : v->items[j];
            const char *name = NULL;
            if (!sim_ynode_str(rn, &name, d)) {
                ok = false;
                continue;
            }
            for (size_t k = 0; k < p->count; k++) {
                if (strcmp(p->regions[k].text, name) == 0) {
                    sim_diag_error(d, rn, "region '%s' listed twice in the placement of '%s'", name, key->str);
                    ok = false;
                }
            }
            if (v->kind == SIM_Y_MAP &&
                !sim_ynode_u64(v->items[j], 1, WEIGHT_MAX, &p->weights[p->count], d)) {
                ok = false;
            }
            sim_net_selector *sel = &p->regions[p->count];
            sel->text = net_strdup(name);
            if (sel->text == NULL) {
                return oom(d, rn);
            }
            p->count++;
            if (!mark_of(&sel->mark, rn)) {
                return oom(d, rn);
            }
        }
    }
    return ok;
}

/* A selector or a non-empty list of selectors, appended to *side. */
static bool load_side(const sim_ynode *n, const char *what, sim_net_side *side, sim_diag *d) {
    if (n->kind == SIM_Y_SCALAR) {
        sim_net_mark m = {0};
        bool ok = mark_of(&m, n) && sim_net_side_add(side, n->str, &m);
        free(m.file);
        return ok || oom(d, n);
    }
    if (n->kind != SIM_Y_SEQ || n->count == 0) {
        sim_diag_error(d, n, "%s: expected a node selector (GROUP, GROUP[i] or region:NAME) or a "
                             "non-empty list of them", what);
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < n->count; i++) {
        const sim_ynode *it = n->items[i];
        if (it->kind != SIM_Y_SCALAR) {
            sim_diag_error(d, it, "%s: expected a node selector (GROUP, GROUP[i] or region:NAME)", what);
            ok = false;
            continue;
        }
        sim_net_mark m = {0};
        bool added = mark_of(&m, it) && sim_net_side_add(side, it->str, &m);
        free(m.file);
        if (!added) {
            return oom(d, it);
        }
    }
    return ok;
}

static bool load_partitions(const sim_ynode *n, sim_net_config *c, sim_diag *d) {
    static const char *const keys[] = {"from", "until", "between", "direction", NULL};
    static const char *const directions[] = {"both", "one-way", NULL};
    if (n->kind == SIM_Y_NULL) {
        return true;
    }
    if (n->kind != SIM_Y_SEQ) {
        sim_diag_error(d, n, "expected a list for network.partitions");
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < n->count; i++) {
        const sim_ynode *it = n->items[i];
        if (it->kind != SIM_Y_MAP) {
            sim_diag_error(d, it, "expected a mapping for a partition, e.g. {from: 60s, until: 120s, "
                                  "between: [groupA, groupB], direction: both}");
            ok = false;
            continue;
        }
        ok = sim_ymap_check(it, "a partition", keys, d) && ok;
        sim_net_partition_cfg *p = sim_net_config_new_partition(c);
        if (p == NULL || !mark_of(&p->mark, it)) {
            return oom(d, it);
        }
        bool item_ok = sim_yfield_duration_ns(it, "from", false, 0, 0, SIM_NET_NEVER - 1u, &p->from_ns, d);
        item_ok = sim_yfield_duration_ns(it, "until", false, SIM_NET_NEVER, 0, SIM_NET_NEVER - 1u,
                                         &p->until_ns, d) && item_ok;
        int dir = 0;
        item_ok = sim_yfield_enum(it, "direction", false, 0, directions, &dir, d) && item_ok;
        p->one_way = dir == 1;
        if (item_ok && p->until_ns <= p->from_ns) {
            sim_diag_error(d, sim_ymap_get(it, "until"), "partition window is empty: 'until' must be after 'from'");
            item_ok = false;
        }
        const sim_ynode *between = sim_ymap_get(it, "between");
        if (between == NULL) {
            sim_diag_error(d, it, "missing required key 'between'");
            item_ok = false;
        } else if (between->kind != SIM_Y_SEQ || between->count != 2) {
            sim_diag_error(d, between, "'between' needs exactly two sides: [A, B], each a selector or a list");
            item_ok = false;
        } else {
            item_ok = load_side(between->items[0], "partition side", &p->a, d) && item_ok;
            item_ok = load_side(between->items[1], "partition side", &p->b, d) && item_ok;
        }
        ok = ok && item_ok;
    }
    return ok;
}

static bool load_crashes(const sim_ynode *n, sim_net_config *c, sim_diag *d) {
    static const char *const keys[] = {"node", "at", "restart", NULL};
    if (n->kind == SIM_Y_NULL) {
        return true;
    }
    if (n->kind != SIM_Y_SEQ) {
        sim_diag_error(d, n, "expected a list for network.crashes");
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < n->count; i++) {
        const sim_ynode *it = n->items[i];
        if (it->kind != SIM_Y_MAP) {
            sim_diag_error(d, it, "expected a mapping for a crash, e.g. {node: \"verifiers[3]\", at: 30s, "
                                  "restart: 90s}");
            ok = false;
            continue;
        }
        ok = sim_ymap_check(it, "a crash", keys, d) && ok;
        sim_net_crash_cfg *k = sim_net_config_new_crash(c);
        if (k == NULL || !mark_of(&k->mark, it)) {
            return oom(d, it);
        }
        bool item_ok = sim_yfield_duration_ns(it, "at", true, 0, 0, SIM_NET_NEVER - 1u, &k->at_ns, d);
        item_ok = sim_yfield_duration_ns(it, "restart", false, SIM_NET_NEVER, 0, SIM_NET_NEVER - 1u,
                                         &k->restart_ns, d) && item_ok;
        if (item_ok && k->restart_ns != SIM_NET_NEVER && k->restart_ns <= k->at_ns) {
            sim_diag_error(d, sim_ymap_get(it, "restart"), "restart must be after the crash time 'at'");
            item_ok = false;
        }
        const sim_ynode *node = sim_ymap_get(it, "node");
        if (node == NULL) {
            sim_diag_error(d, it, "missing required key 'node'");
            item_ok = false;
        } else {
            item_ok = load_side(node, "crash node", &k->nodes, d) && item_ok;
        }
        ok = ok && item_ok;
    }
    return ok;
}

bool sim_net_config_load(const sim_ynode *network, sim_net_config *out, sim_diag *d) {
    static const char *const keys[] = {"regions", "placement", "latency", "bandwidth",
                                       "loss",    "fifo",      "partitions", "crashes", NULL};
    assert(out != NULL && d != NULL);
    sim_net_config_init(out);
    out->latency.matrix = true;
    out->latency.dist = sim_lat_constant(0);
    if (network == NULL || network->kind == SIM_Y_NULL) {
        return true;
    }
    size_t errors_before = sim_diag_errors(d);
    (void)sim_ymap_check(network, "network", keys, d);
    if (network->kind != SIM_Y_MAP) {
        return false;
    }
    const sim_ynode *n;
    if ((n = sim_ymap_get(network, "regions")) != NULL) {
        (void)load_regions(n, out, d);
    }
    if ((n = sim_ymap_get(network, "placement")) != NULL) {
        (void)load_placement(n, out, d);
    }
    if ((n = sim_ymap_get(network, "latency")) != NULL) {
        (void)load_latency(n, out, d);
    }
    if ((n = sim_ymap_get(network, "bandwidth")) != NULL) {
        if (n->kind == SIM_Y_SCALAR && strcmp(n->str, "unlimited") == 0) {
            out->bandwidth_bps = 0;
        } else {
            (void)sim_ynode_bps(n, 1, UINT64_MAX, &out->bandwidth_bps, d);
        }
    }
    (void)sim_yfield_fraction(network, "loss", false, 0.0, 0.0, 1.0, &out->loss, d);
    (void)sim_yfield_bool(network, "fifo", false, true, &out->fifo, d);
    if ((n = sim_ymap_get(network, "partitions")) != NULL) {
        (void)load_partitions(n, out, d);
    }
    if ((n = sim_ymap_get(network, "crashes")) != NULL) {
        (void)load_crashes(n, out, d);
    }
    return sim_diag_errors(d) == errors_before;
}
