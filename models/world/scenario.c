/*
** Scenario loading: YAML -> typed configuration, with every error reported
** at its file:line:column.  See scenario.h for the sections.
*/
#include "world/scenario.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

#define MAX_DURATION_NS (365ull * 24 * 3600 * SIM_NS_PER_S)

static const char *const run_keys[] = {"duration", "seed", "warmup", NULL};
static const char *const probe_keys[] = {"count", "interval", "arrival", "size", "fanout", "cpu",
                                         "sample", NULL};
static const char *const arrival_names[] = {"fixed", "poisson", NULL};

static char *dup_str(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

static char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    const char *b = slash ? slash + 1 : path;
    size_t n = strlen(b);
    const char *dot = strrchr(b, '.');
    if (dot && dot != b) n = (size_t)(dot - b);
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, b, n);
        p[n] = '\0';
    }
    return p;
}

static void check_top_level(const sim_ynode *root, sim_diag *d) {
    if (root->kind != SIM_Y_MAP) {
        sim_diag_error(d, root, "a scenario is a mapping of sections (run, network, ...)");
    }
}

static void load_run(mdl_scenario *s, const sim_ynode *run, sim_diag *d) {
    if (run == NULL) {
        sim_diag_error(d, sim_ydoc_root(s->doc), "missing required section 'run'");
        return;
    }
    sim_ymap_check(run, "run", run_keys, d); /* an unknown key is one error: the values are checked too */
    sim_yfield_duration_ns(run, "duration", true, 0, 1, MAX_DURATION_NS, &s->duration_ns, d);
    sim_yfield_u64(run, "seed", false, 1, 0, UINT64_MAX, &s->seed, d);
    sim_yfield_duration_ns(run, "warmup", false, 0, 0, MAX_DURATION_NS, &s->warmup_ns, d);
    const sim_ynode *w = sim_ymap_get(run, "warmup");
    if (w && s->duration_ns && s->warmup_ns >= s->duration_ns) {
        sim_diag_error(d, w, "warm-up must be shorter than the run's duration");
    }
}

static void load_probes(mdl_scenario *s, const sim_ynode *p, sim_diag *d) {
    mdl_probe_config *c = &s->probes;
    memset(c, 0, sizeof *c);
    if (p == NULL) return;
    sim_ymap_check(p, "probes", probe_keys, d); /* an unknown key is one error: the values are checked too */
    uint64_t v = 0;
    if (sim_yfield_u64(p, "count", true, 0, 2, 100000, &v, d)) c->count = (uint32_t)v;
    sim_yfield_duration_ns(p, "interval", false, SIM_NS_PER_S, 1000, 3600 * SIM_NS_PER_S, &c->interval_ns, d);
    int a = MDL_ARRIVAL_FIXED;
    if (sim_yfield_enum(p, "arrival", false, MDL_ARRIVAL_FIXED, arrival_names, &a, d)) {
        c->arrival = (mdl_arrival)a;
    }
    sim_yfield_bytes(p, "size", false, 256, 64, 16u << 20, &c->size_bytes, d);
    v = 1;
    if (sim_yfield_u64(p, "fanout", false, 1, 1, 100000, &v, d)) c->fanout = (uint32_t)v;
    const sim_ynode *fan = sim_ymap_get(p, "fanout");
    if (fan && c->count && c->fanout >= c->count) {
        sim_diag_error(d, fan, "fanout %u must be below probes.count (%u)", c->fanout, c->count);
    }
    sim_yfield_duration_ns(p, "cpu", false, 0, 0, SIM_NS_PER_S, &c->cpu_ns, d);
    sim_yfield_fraction(p, "sample", false, 0.01, 0.0, 1.0, &c->sample, d);
}

static bool load_impl(mdl_scenario *s, const char *path, const char *const *sets, size_t set_count,
                      sim_diag *d, bool check_sweep);

/* Applies every grid value to a copy of the document (the file reloaded
** with the overrides plus that value) and reports, at the value, the first
** error the copy has -- an unknown key, a value out of range. */
static void check_sweep_values(const mdl_scenario *s, const char *const *sets, size_t set_count, sim_diag *d) {
    const sim_sweep_config *c = &s->sweep;
    const char **all = calloc(set_count + 1, sizeof *all);
    sim_diag *inner = sim_diag_new();
    if (!all || !inner) {
        sim_diag_error(d, NULL, "out of memory");
        free(all);
        sim_diag_free(inner);
        return;
    }
    for (size_t i = 0; i < set_count; i++) all[i] = sets[i];
    for (size_t a = 0; a < c->axis_count; a++) {
        const sim_sweep_axis *ax = &c->axes[a];
        for (size_t v = 0; v < ax->value_count; v++) {
            all[set_count] = ax->sets[v];
            sim_diag_clear(inner);
            mdl_scenario copy;
            bool ok = load_impl(&copy, s->path, all, set_count + 1, inner, false);
            mdl_scenario_free(&copy);
            if (ok) continue;
            const char *why = "invalid";
            for (size_t m = 0; m < sim_diag_count(inner); m++) {
                const char *msg = sim_diag_message(inner, m);
                const char *e = strstr(msg, "error: ");
                if (e) {
                    why = e + 7;
                    break;
                }
            }
            sim_diag_error(d, ax->nodes[v], "sweep value '%s' does not apply: %s", ax->sets[v], why);
            if (strstr(why, "unknown key")) break; /* once per key is enough */
        }
    }
    free(all);
    sim_diag_free(inner);
}

bool mdl_scenario_load(mdl_scenario *s, const char *path, const char *const *sets, size_t set_count,
                       sim_diag *d) {
    return load_impl(s, path, sets, set_count, d, true);
}

static bool load_impl(mdl_scenario *s, const char *path, const char *const *sets, size_t set_count,
                      sim_diag *d, bool check_sweep) {
    assert(s && path && d);
    memset(s, 0, sizeof *s);
    size_t errors_before = sim_diag_errors(d);
    s->path = dup_str(path);
    s->doc = sim_ydoc_load_file(path, d);
    if (s->doc == NULL) return false;
    for (size_t i = 0; i < set_count; i++) sim_ydoc_set(s->doc, sets[i], d);
    if (sim_diag_errors(d) > errors_before) return false;

    const sim_ynode *root = sim_ydoc_root(s->doc);
    check_top_level(root, d);
    if (root->kind != SIM_Y_MAP) return false;
    /* Unknown keys (with a suggestion for near misses). */
    static const char *const all_keys[] = {"name", "description", "protocol", "run", "network", "probes",
                                           "verifiers", "consensus", "rollups", "l1", "workload",
                                           "relayers", "restaking", "adversary", "sweep", "expect",
                                           "verification", "search", NULL};
    sim_ymap_check(root, "the scenario", all_keys, d);

    const char *name = NULL;
    if (sim_yfield_str(root, "name", false, NULL, &name, d) && name) {
        s->name = dup_str(name);
    } else {
        s->name = base_name(path);
    }
    const char *desc = NULL;
    sim_yfield_str(root, "description", false, NULL, &desc, d);

    load_run(s, sim_ymap_get(root, "run"), d);
    sim_net_config_load(sim_ymap_get(root, "network"), &s->net, d);
    load_probes(s, sim_ymap_get(root, "probes"), d);
    mdl_verifier_config_load(sim_ymap_get(root, "verifiers"), &s->verifiers, d);
    mdl_consensus_config_load(sim_ymap_get(root, "consensus"), &s->verifiers, &s->consensus, d);
    /* Byzantine `crashed` verifiers are network crashes of their nodes */
    mdl_verifier_config_add_crashes(&s->verifiers, &s->net, d);
    mdl_xchain_config_load(sim_ymap_get(root, "l1"), sim_ymap_get(root, "rollups"),
                           sim_ymap_get(root, "workload"), sim_ymap_get(root, "relayers"),
                           sim_ymap_get(root, "restaking"), &s->xchain, d);
    const sim_ynode *rollups = sim_ymap_get(root, "rollups");
    const sim_ynode *verification = sim_ymap_get(root, "verification");
    mdl_verification_config_load(verification, &s->xchain.verification, d);
    if (verification && s->xchain.rollups.count == 0) {
        sim_diag_error(d, verification, "verification approaches verify messages between rollups: add rollups");
    }
    /* coalitions add verifiers.byzantine entries: after the verifiers, before the world */
    mdl_adversary_config_load(sim_ymap_get(root, "adversary"), &s->xchain.rollups, &s->verifiers,
                              &s->xchain.adversary, d);
    s->profile = mdl_profile_load_apply(root, s, d);
    if (sim_ymap_get(root, "restaking") && s->xchain.rollups.count == 0) {
        sim_diag_error(d, sim_ymap_get(root, "restaking"),
                       "the restaking contract lives on the L1 and slashes through it: add rollups");
    }
    if (s->xchain.rollups.count && s->verifiers.count == 0) {
        sim_diag_error(d, rollups, "rollups need verifiers to attest their blocks (add a verifiers section)");
    }
    if (s->verifiers.stake_change_count && s->xchain.rollups.count == 0) {
        sim_diag_error(d, sim_ymap_get(sim_ymap_get(root, "verifiers"), "stake_changes"),
                       "verifiers.stake_changes act through the L1 and the portals: add rollups");
    }
    if (s->xchain.rollups.count && s->consensus.synthetic.chains) {
        sim_diag_error(d, rollups, "consensus.synthetic_xblocks stands in for rollups; use one or the other");
    }

    mdl_expect_config_load(sim_ymap_get(root, "expect"), s->probes.count > 0, s->verifiers.count > 0,
                           s->xchain.rollups.count > 0, &s->expect, d);

    if (sim_sweep_config_load(sim_ymap_get(root, "sweep"), &s->sweep, d) && check_sweep &&
        sim_diag_errors(d) == errors_before) {
        check_sweep_values(s, sets, set_count, d);
    }

    mdl_search_config_load(sim_ymap_get(root, "search"), s->verifiers.count, &s->xchain.rollups,
                           s->xchain.adversary.count, &s->search, d);

    if (sim_diag_errors(d) > errors_before) return false;
    s->params_json = sim_ydoc_to_json(s->doc);
    return s->params_json != NULL;
}

void mdl_scenario_free(mdl_scenario *s) {
    if (s == NULL) return;
    sim_net_config_free(&s->net);
    mdl_verifier_config_free(&s->verifiers);
    mdl_xchain_config_free(&s->xchain);
    mdl_expect_config_free(&s->expect);
    sim_sweep_config_free(&s->sweep);
    mdl_search_config_free(&s->search);
    if (s->doc) sim_ydoc_free(s->doc);
    free(s->path);
    free(s->name);
    free(s->params_json);
    memset(s, 0, sizeof *s);
}
