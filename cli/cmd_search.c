/*
** `xrsim search FILE --objective pnl|forged_value|stall --budget N
** [--jobs J] [--seed S] [--out FILE.db] [--shrunk FILE.yaml]`: searches the
** attack space of FILE's `search:` section (world/search_config.h) for the
** attack of one coalition that maximises the objective, then shrinks it to
** a small scenario that still exceeds the bound, and writes that scenario.
**
** Objective of one run (the searched coalition C, search.coalition):
**   pnl           coalitions.pnl_wei of C, in ETH (exact wei in the file)
**   forged_value  verdicts.forged_value_gwei, in ETH
**   stall         the longer of verdicts.longest_stall_ns and
**                 stall_verdicts.longest_attestation_stall_ns, in seconds
** A candidate runs once per seed of search.seeds; its score is the mean,
** and it *holds* when every seed is above the bound (--bound; default 0 ETH
** for pnl and forged_value, 30 s for stall).
**
** Stages, deterministic for --seed (splitmix64; the runs' own seeds are
** search.seeds):
**   1. random: search.random (default 50%) of the budget's candidates drawn
**      uniformly, distinct, from the space;
**   2. local: from the best candidate not yet explored, every neighbour (one
**      step along an ordered dimension, any other choice of a list) not yet
**      run, in a shuffled order, until the budget (in runs) is spent or
**      every evaluated candidate was explored;
**   3. shrink (when a candidate holds): from the best that holds, passes of
**      fewer members (one fewer at a time, until one fails), fewer
**      verifiers.byzantine entries, an earlier and rounder `at` (the
**      earliest that holds), an earlier choice of withdraw and fewer
**      rollups, each trying one candidate at a time and keeping a change
**      only when it still holds; then, last (so that no other move is
**      judged on a cut run), the shortest run whose every seed's objective
**      stays exactly the same; at most --shrink-budget runs (default:
**      --budget).
** Every run is a point of the sweep machinery (sweep_batch.h): recorded in
** --out like a sweep's (scenario SHA-256, params_json, seed), run in --jobs
** workers, adopted on a re-run of the same command (which then makes the
** same decisions from the same results and runs only what is missing).
** Candidates that do not load (a choice that does not fit another, such as
** a byzantine entry on a member) are skipped and counted, never run.
**
** The shrunk scenario (--shrunk, default FILE.db's name with -shrunk.yaml)
** is the effective scenario of the shrunk candidate with its first seed,
** without the search, sweep and expect sections, plus an `expect:` that the
** attack demonstrates, and a header saying what it shows and how it was
** found.  It is then run once, like `xrsim run` would, into --out, and its
** digest and objective compared with the search's run (exit 1 if they
** differ).
**
** Exit status: 0 the search ran (whether or not an attack holds), 1 a run
** failed or --fail-if-found and an attack held, 2 bad usage or input
** (nothing run), 130 interrupted.
*/
#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "an_outfile.h"
#include "cli_util.h"
#include "cmds.h"
#include "grow.h"
#include "search_space.h"
#include "search_yaml.h"
#include "sha256.h"
#include "sweep_batch.h"
#include "world/scenario.h"
#include "world/world.h"

#define DEFAULT_OUT "results/search.db"

typedef enum objective { OBJ_PNL = 0, OBJ_FORGED_VALUE = 1, OBJ_STALL = 2 } objective;
static const char *const objective_names[] = {"pnl", "forged_value", "stall"};
static const char *const objective_units[] = {"ETH", "ETH", "s"};

typedef struct search_args {
    const char *file;
    const char *out;
    const char *shrunk;      /* NULL: derived from out */
    const char **sets;
    size_t set_count;
    objective obj;
    uint64_t budget;         /* runs, search stages */
    uint64_t shrink_budget;  /* runs, shrink stage; 0: none */
    bool has_shrink_budget;
    uint64_t seed;
    long jobs;
    double bound;
    bool has_bound;
    bool fail_if_found;
    bool quiet;
    char *cmdline;
} search_args;

/* One candidate and what its runs gave. */
typedef struct cand {
    search_spec spec;
    char **sets;             /* the spec's overrides */
    size_t set_count;
    char *key;               /* the overrides joined: the candidate's identity */
    uint64_t hash;
    char *desc;
    char **params_json;      /* per seed */
    bool feasible;
    bool world_checked;      /* its world was built once (before its first run) */
    char *why;               /* why it does not load */
    bool evaluated, explored, failed;
    double *obj;             /* per seed */
    char **pnl_wei;          /* per seed (pnl) */
    char **digest;           /* per seed */
    double mean, min;
    double gain;             /* mean gross gain: value extracted (ETH) for pnl, else the objective */
    bool holds;
    double members;          /* fewer first, among candidates that hold (shrinking) */
    uint64_t prio;           /* ties while searching: a hash of key and --seed, so plateaus are explored at random */
} cand;

typedef struct search_state {
    const search_args *a;
    mdl_scenario base;
    search_base b;
    size_t nseeds;
    cand **all;              /* every candidate prepared and kept (evaluated or infeasible) */
    size_t count, cap;
    uint64_t rng;
    uint64_t search_runs, shrink_runs, ran_now, adopted;
    size_t infeasible;
    const char *infeasible_example;
    int rc;                  /* sticky: 1 a run failed, 130 interrupted, 2 results file */
    char sha[SIM_SHA256_HEX_LEN + 1];
} search_state;

/* ---- arguments ------------------------------------------------------------ */

static int usage_error(const char *msg, const char *arg) { return cli_usage_error("search", msg, arg); }

static bool parse_u64(const char *v, uint64_t lo, uint64_t hi, uint64_t *out) {
    char *end;
    errno = 0;
    if (!*v || v[0] == '-') return false;
    unsigned long long x = strtoull(v, &end, 10);
    if (errno || *end || x < lo || x > hi) return false;
    *out = x;
    return true;
}

/* Returns 0, the exit status of a usage error, or -1 after --help. */
static int parse_args(int argc, char **argv, search_args *a) {
    a->out = DEFAULT_OUT;
    a->budget = 100;
    a->seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        bool has_next = i + 1 < argc;
        int set = cli_set_arg("search", argc, argv, &i, a->sets, &a->set_count);
        if (set == 2) return 2;
        if (set == 1) continue;
        if (strcmp(arg, "--objective") == 0) {
            if (!has_next) return usage_error("--objective needs pnl, forged_value or stall", NULL);
            const char *v = argv[++i];
            int k = -1;
            for (int o = 0; o < 3; o++)
                if (strcmp(v, objective_names[o]) == 0) k = o;
            if (k < 0) return usage_error("--objective wants pnl, forged_value or stall, got", v);
            a->obj = (objective)k;
        } else if (strcmp(arg, "--budget") == 0) {
            if (!has_next || !parse_u64(argv[++i], 1, 1000000, &a->budget))
                return usage_error("--budget wants a number of runs from 1 to 1000000, got", has_next ? argv[i] : "nothing");
        } else if (strcmp(arg, "--shrink-budget") == 0) {
            if (!has_next || !parse_u64(argv[++i], 0, 1000000, &a->shrink_budget))
                return usage_error("--shrink-budget wants a number of runs from 0 to 1000000, got",
                                   has_next ? argv[i] : "nothing");
            a->has_shrink_budget = true;
        } else if (strcmp(arg, "--seed") == 0) {
            if (!has_next || !parse_u64(argv[++i], 0, UINT64_MAX, &a->seed))
                return usage_error("--seed wants a non-negative integer, got", has_next ? argv[i] : "nothing");
        } else if (strcmp(arg, "--jobs") == 0 || strcmp(arg, "-j") == 0) {
            uint64_t j;
            if (!has_next || !parse_u64(argv[++i], 1, 4096, &j))
                return usage_error("--jobs wants a number from 1 to 4096, got", has_next ? argv[i] : "nothing");
            a->jobs = (long)j;
        } else if (strcmp(arg, "--bound") == 0) {
            if (!has_next) return usage_error("--bound needs a number (ETH for pnl and forged_value, s for stall)", NULL);
            const char *v = argv[++i];
            char *end;
            errno = 0;
            double x = strtod(v, &end);
            if (errno || end == v || *end || !isfinite(x))
                return usage_error("--bound wants a number (ETH for pnl and forged_value, seconds for stall), got", v);
            a->bound = x;
            a->has_bound = true;
        } else if (strcmp(arg, "--out") == 0 || strcmp(arg, "-o") == 0) {
            if (!has_next) return usage_error("--out needs a file name", NULL);
            a->out = argv[++i];
        } else if (strcmp(arg, "--shrunk") == 0) {
            if (!has_next) return usage_error("--shrunk needs a file name", NULL);
            a->shrunk = argv[++i];
        } else if (strcmp(arg, "--fail-if-found") == 0) {
            a->fail_if_found = true;
        } else {
            int crc = cli_common_arg("search", arg, &a->quiet, &a->file);
            if (crc) return crc;
        }
    }
    if (a->file == NULL) return usage_error("missing scenario FILE", NULL);
    if (!a->has_bound) a->bound = a->obj == OBJ_STALL ? 30.0 : 0.0;
    if (!a->has_shrink_budget) a->shrink_budget = a->budget;
    return 0;
}

/* The command as a shell would take it back, without what does not change
** the results (--jobs, --quiet, --fail-if-found): for the shrunk scenario's header, which
** is then the same whatever the parallelism.  malloc'd. */
static char *result_command(int argc, char **argv) {
    size_t cap = 32;
    for (int i = 0; i < argc; i++) cap += 4 * strlen(argv[i]) + 4;
    char *s = malloc(cap);
    if (!s) return NULL;
    strcpy(s, "xrsim search");
    for (int i = 1; i < argc; i++) {
        const char *v = argv[i];
        if (strcmp(v, "--jobs") == 0 || strcmp(v, "-j") == 0) {
            i++;
            continue;
        }
        if (strcmp(v, "--quiet") == 0 || strcmp(v, "-q") == 0 || strcmp(v, "--fail-if-found") == 0) continue;
        bool plain = *v != '\0';
        for (const char *p = v; *p; p++)
            plain &= (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                     strchr("_./=:,-+%@", *p) != NULL;
        strcat(s, " ");
        if (plain) {
            strcat(s, v);
            continue;
        }
        strcat(s, "'");
        for (const char *p = v; *p; p++) {
            if (*p == '\'') strcat(s, "'\\''");
            else strncat(s, p, 1);
        }
        strcat(s, "'");
    }
    return s;
}

/* ---- candidates ----------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Uniform in [0, n) (n > 0), without modulo bias. */
static uint64_t rng_below(uint64_t *x, uint64_t n) {
    uint64_t lim = UINT64_MAX - UINT64_MAX % n;
    uint64_t r;
    do r = splitmix64(x);
    while (r >= lim);
    return r % n;
}

static uint64_t fnv1a(const char *s) {
    uint64_t h = UINT64_C(14695981039346656037);
    for (; *s; s++) h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
    return h;
}

static void cand_free(cand *c, size_t nseeds) {
    if (!c) return;
    search_spec_free(&c->spec);
    search_sets_free(c->sets, c->set_count);
    free(c->key);
    free(c->desc);
    free(c->why);
    for (size_t i = 0; i < nseeds; i++) {
        if (c->params_json) free(c->params_json[i]);
        if (c->pnl_wei) free(c->pnl_wei[i]);
        if (c->digest) free(c->digest[i]);
    }
    free(c->params_json);
    free(c->pnl_wei);
    free(c->digest);
    free(c->obj);
    free(c);
}

static char *dup_s(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

/* The full override list of (c, seed i): the command's, the candidate's,
** run.seed.  *seed_set is a buffer for the last. */
static const char **point_sets(const search_state *st, const cand *c, size_t i, char *seed_set, size_t cap,
                               size_t *n) {
    const search_args *a = st->a;
    const char **s = calloc(a->set_count + c->set_count + 2, sizeof *s);
    if (!s) return NULL;
    size_t k = 0;
    for (size_t j = 0; j < a->set_count; j++) s[k++] = a->sets[j];
    for (size_t j = 0; j < c->set_count; j++) s[k++] = c->sets[j];
    snprintf(seed_set, cap, "run.seed=%" PRIu64, st->base.search.seeds[i]);
    s[k++] = seed_set;
    *n = k;
    return s;
}

/* A candidate of `spec` (taken over), loaded with every seed; NULL when out
** of memory.  Infeasible ones (they do not load or build) say why. */
static cand *cand_new(search_state *st, search_spec *spec) {
    cand *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->spec = *spec;
    memset(spec, 0, sizeof *spec);
    size_t ns = st->nseeds;
    c->params_json = calloc(ns, sizeof *c->params_json);
    c->pnl_wei = calloc(ns, sizeof *c->pnl_wei);
    c->digest = calloc(ns, sizeof *c->digest);
    c->obj = calloc(ns, sizeof *c->obj);
    if (!c->params_json || !c->pnl_wei || !c->digest || !c->obj ||
        !search_spec_sets(&c->spec, &st->b, &c->sets, &c->set_count)) {
        cand_free(c, ns);
        return NULL;
    }
    size_t len = 1;
    for (size_t i = 0; i < c->set_count; i++) len += strlen(c->sets[i]) + 1;
    c->key = calloc(len, 1);
    c->desc = search_spec_describe(&c->spec, &st->b);
    if (!c->key || !c->desc) {
        cand_free(c, ns);
        return NULL;
    }
    for (size_t i = 0; i < c->set_count; i++) {
        if (i) strcat(c->key, "\n");
        strcat(c->key, c->sets[i]);
    }
    c->hash = fnv1a(c->key);
    uint64_t mix = c->hash ^ st->a->seed;
    c->prio = splitmix64(&mix);
    const char *m = c->spec.val[MDL_SEARCH_MEMBERS];
    c->members = m ? strtod(m, NULL) : 0;
    return c;
}

/* Loads c with every seed -- and, with `world`, builds its world with the
** first (what a run would do first; done once, before c first runs, as a
** world costs more than a load) -- and sets feasible or why. */
static void cand_load_ex(search_state *st, cand *c, bool world) {
    c->feasible = true;
    for (size_t i = 0; i < (world ? 1 : st->nseeds) && c->feasible; i++) {
        char seed_set[64];
        size_t n;
        const char **sets = point_sets(st, c, i, seed_set, sizeof seed_set, &n);
        sim_diag *d = sim_diag_new();
        mdl_scenario scn;
        memset(&scn, 0, sizeof scn);
        mdl_world *w = NULL;
        bool ok = sets && d && mdl_scenario_load(&scn, st->a->file, sets, n, d);
        if (ok && world) ok = (w = mdl_world_new(&scn, d)) != NULL;
        if (ok && !world) {
            c->params_json[i] = dup_s(scn.params_json);
            ok = c->params_json[i] != NULL;
        }
        if (!ok) {
            c->feasible = false;
            const char *why = "out of memory";
            for (size_t m = 0; d && m < sim_diag_count(d); m++) {
                const char *msg = sim_diag_message(d, m);
                const char *e = strstr(msg, "error: ");
                if (e) {
                    why = e + 7;
                    break;
                }
            }
            c->why = dup_s(why);
        }
        mdl_world_free(w);
        mdl_scenario_free(&scn);
        sim_diag_free(d);
        free(sets);
    }
    if (world) c->world_checked = true;
}

static void cand_load(search_state *st, cand *c) { cand_load_ex(st, c, false); }

static cand *find_cand(const search_state *st, const cand *c) {
    for (size_t i = 0; i < st->count; i++) {
        if (st->all[i]->hash == c->hash && strcmp(st->all[i]->key, c->key) == 0) return st->all[i];
    }
    return NULL;
}

static bool keep_cand(search_state *st, cand *c) {
    if (!SIM_GROW(st->all, st->cap, st->count + 1)) return false;
    st->all[st->count++] = c;
    if (!c->feasible) {
        st->infeasible++;
        if (!st->infeasible_example) st->infeasible_example = c->why;
    }
    return true;
}

/* True when a ranks before b: higher mean; then, among candidates that hold,
** fewer members; then the tie-break priority, then the key. */
static bool better(const cand *a, const cand *b) {
    if (a->mean != b->mean) return a->mean > b->mean;
    if (a->holds && b->holds && a->members != b->members) return a->members < b->members;
    if (a->prio != b->prio) return a->prio < b->prio;
    return strcmp(a->key, b->key) < 0;
}

/* ---- running -------------------------------------------------------------- */

/* Reads the objective of every seed of c from the results file. */
static void read_results(search_state *st, sqlite3 *db, cand *c) {
    sqlite3_stmt *run = NULL, *q = NULL;
    static const char *const obj_sql[] = {
        "SELECT CAST(pnl_wei AS REAL) / 1e18, pnl_wei, pnl_gwei, value_extracted_gwei / 1e9 FROM coalitions"
        " WHERE run_id = ?1 AND coalition = ?2",
        "SELECT forged_value_gwei / 1e9, NULL, NULL, forged_value_gwei / 1e9 FROM verdicts WHERE run_id = ?1",
        "SELECT max(v.longest_stall_ns, COALESCE(s.longest_attestation_stall_ns, 0)) / 1e9, NULL, NULL,"
        " max(v.longest_stall_ns, COALESCE(s.longest_attestation_stall_ns, 0)) / 1e9"
        " FROM verdicts v LEFT JOIN stall_verdicts s ON s.run_id = v.run_id WHERE v.run_id = ?1"};
    if (sqlite3_prepare_v2(db,
                           "SELECT id, event_digest FROM runs WHERE status = 'ok' AND scenario_sha256 = ?"
                           " AND params_json = ? AND seed = ? ORDER BY id LIMIT 1",
                           -1, &run, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, obj_sql[st->a->obj], -1, &q, NULL) != SQLITE_OK) {
        fprintf(stderr, "xrsim search: reading %s: %s\n", st->a->out, sqlite3_errmsg(db));
        c->failed = true;
        st->rc = st->rc ? st->rc : 1;
        sqlite3_finalize(run);
        sqlite3_finalize(q);
        return;
    }
    c->evaluated = true;
    double sum = 0, mn = INFINITY, gain = 0;
    bool holds = true;
    for (size_t i = 0; i < st->nseeds; i++) {
        sqlite3_bind_text(run, 1, st->sha, -1, SQLITE_STATIC);
        sqlite3_bind_text(run, 2, c->params_json[i], -1, SQLITE_STATIC);
        sqlite3_bind_int64(run, 3, (int64_t)st->base.search.seeds[i]);
        double v = -INFINITY;
        if (sqlite3_step(run) == SQLITE_ROW) {
            int64_t id = sqlite3_column_int64(run, 0);
            const unsigned char *dg = sqlite3_column_text(run, 1);
            free(c->digest[i]);
            c->digest[i] = dup_s(dg ? (const char *)dg : "");
            sqlite3_bind_int64(q, 1, id);
            sqlite3_bind_int64(q, 2, st->b.cfg->coalition);
            if (sqlite3_step(q) == SQLITE_ROW) {
                v = sqlite3_column_double(q, 0);
                gain += sqlite3_column_double(q, 3);
                if (st->a->obj == OBJ_PNL) {
                    const unsigned char *w = sqlite3_column_text(q, 1);
                    char buf[48];
                    if (!w) { /* before pnl_wei existed: the gwei floor */
                        snprintf(buf, sizeof buf, "%lld000000000", (long long)sqlite3_column_int64(q, 2));
                        w = (const unsigned char *)buf;
                        v = (double)sqlite3_column_int64(q, 2) / 1e9;
                    }
                    free(c->pnl_wei[i]);
                    c->pnl_wei[i] = dup_s((const char *)w);
                }
            } else if (st->a->obj != OBJ_PNL) {
                v = 0; /* no verdicts row: a run without rollups */
            }
            sqlite3_reset(q);
        } else {
            c->failed = true;
        }
        sqlite3_reset(run);
        c->obj[i] = v;
        sum += v;
        if (v < mn) mn = v;
        if (!(v > st->a->bound)) holds = false;
    }
    c->mean = sum / (double)st->nseeds;
    c->gain = gain / (double)st->nseeds;
    c->min = mn;
    c->holds = holds && !c->failed;
    sqlite3_finalize(run);
    sqlite3_finalize(q);
}

/* Runs every seed of the n candidates in one batch of the sweep machinery
** and reads their results.  Returns false when the search must stop
** (interrupted, results file unusable); a failed run only marks its
** candidate and st->rc. */
static bool evaluate_loaded(search_state *st, cand **cs, size_t n, bool shrinking) {
    if (n == 0) return true;
    size_t np = n * st->nseeds;
    cli_batch_point *pts = calloc(np, sizeof *pts);
    const char ***sets = calloc(np, sizeof *sets);
    char (*seeds)[64] = calloc(np, sizeof *seeds);
    char **labels = calloc(np, sizeof *labels);
    bool ok = pts && sets && seeds && labels;
    for (size_t k = 0; ok && k < np; k++) {
        cand *c = cs[k / st->nseeds];
        size_t i = k % st->nseeds;
        size_t sn;
        sets[k] = point_sets(st, c, i, seeds[k], sizeof seeds[k], &sn);
        size_t ll = strlen(c->desc) + 32;
        labels[k] = malloc(ll);
        if (!sets[k] || !labels[k]) {
            ok = false;
            break;
        }
        snprintf(labels[k], ll, "%s, seed %" PRIu64, c->desc, st->base.search.seeds[i]);
        pts[k] = (cli_batch_point){.sets = sets[k], .set_count = sn, .label = labels[k],
                                   .params_json = c->params_json[i], .seed = st->base.search.seeds[i]};
    }
    int brc = 1;
    cli_batch_tally t = {0};
    if (ok) brc = cli_sweep_batch(st->a->file, st->a->out, pts, np, st->a->jobs, st->a->quiet, &t);
    else fprintf(stderr, "xrsim search: out of memory\n");
    for (size_t k = 0; k < np && sets; k++) free(sets[k]);
    for (size_t k = 0; k < np && labels; k++) free(labels[k]);
    free(pts);
    free(sets);
    free(seeds);
    free(labels);
    if (shrinking) st->shrink_runs += np;
    else st->search_runs += np;
    st->ran_now += t.ok + t.failed;
    st->adopted += np - t.pending;
    if (brc == 130 || brc == 2 || !ok) {
        st->rc = ok ? brc : 1;
        return false;
    }
    if (brc != 0) st->rc = 1;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(st->a->out, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "xrsim search: cannot read %s: %s\n", st->a->out, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        st->rc = 2;
        return false;
    }
    sqlite3_busy_timeout(db, 60000);
    for (size_t j = 0; j < n; j++) read_results(st, db, cs[j]);
    sqlite3_close(db);
    return st->rc != 2;
}

static bool evaluate(search_state *st, cand **cs_in, size_t n_in, bool shrinking) {
    /* the world of each, built once before its first run: one that cannot be
    ** built is skipped like one that does not load */
    cand **cs = calloc(n_in + 1, sizeof *cs);
    if (!cs) return false;
    size_t n = 0;
    for (size_t j = 0; j < n_in; j++) {
        if (!cs_in[j]->world_checked) {
            cand_load_ex(st, cs_in[j], true);
            if (!cs_in[j]->feasible) {
                st->infeasible++;
                if (!st->infeasible_example) st->infeasible_example = cs_in[j]->why;
                continue;
            }
        }
        cs[n++] = cs_in[j];
    }
    bool r = evaluate_loaded(st, cs, n, shrinking);
    free(cs);
    return r;
}

/* ---- stages ---------------------------------------------------------------- */

static size_t evaluated_count(const search_state *st) {
    size_t n = 0;
    for (size_t i = 0; i < st->count; i++) n += st->all[i]->evaluated;
    return n;
}

/* Prepares the spec (taken over) as a candidate: NULL when it is already
** known (or out of memory); infeasible ones are kept (and counted) but not
** returned. */
static cand *fresh(search_state *st, search_spec *spec) {
    search_spec_canonical(spec, &st->b);
    cand *c = cand_new(st, spec);
    search_spec_free(spec);
    if (!c) return NULL;
    if (find_cand(st, c)) {
        cand_free(c, st->nseeds);
        return NULL;
    }
    cand_load(st, c);
    if (!c->feasible) {
        if (!keep_cand(st, c)) cand_free(c, st->nseeds);
        return NULL;
    }
    return c;
}

static bool run_random(search_state *st, size_t want) {
    const mdl_search_config *cfg = st->b.cfg;
    cand **batch = calloc(want + 1, sizeof *batch);
    if (!batch) return false;
    size_t n = 0;
    for (size_t tries = 0; n < want && tries < 50 * want + 100; tries++) {
        int idx[MDL_SEARCH_DIM_COUNT];
        for (int d = 0; d < MDL_SEARCH_DIM_COUNT; d++)
            idx[d] = cfg->dims[d].present ? (int)rng_below(&st->rng, cfg->dims[d].count) : 0;
        search_spec s;
        if (!search_spec_from_idx(&s, &st->b, idx)) break;
        cand *c = fresh(st, &s);
        if (!c) continue;
        bool dup = false;
        for (size_t j = 0; j < n; j++) dup |= batch[j]->hash == c->hash && strcmp(batch[j]->key, c->key) == 0;
        if (dup) {
            cand_free(c, st->nseeds);
            continue;
        }
        batch[n++] = c;
    }
    for (size_t j = 0; j < n; j++) keep_cand(st, batch[j]);
    bool ok = evaluate(st, batch, n, false);
    free(batch);
    return ok;
}

static cand *best_of(const search_state *st, bool unexplored_only, bool holding_only) {
    cand *best = NULL;
    for (size_t i = 0; i < st->count; i++) {
        cand *c = st->all[i];
        if (!c->evaluated || c->failed || (unexplored_only && c->explored) || (holding_only && !c->holds)) continue;
        if (!best || better(c, best)) best = c;
    }
    return best;
}

/* The unexplored candidate with the highest gross gain above 0 (NULL: none). */
static cand *best_gain_of(const search_state *st) {
    cand *best = NULL;
    for (size_t i = 0; i < st->count; i++) {
        cand *c = st->all[i];
        if (!c->evaluated || c->failed || c->explored || !(c->gain > 0)) continue;
        if (!best || c->gain > best->gain || (c->gain == best->gain && better(c, best))) best = c;
    }
    return best;
}

/* Local improvement: explores around the best unexplored candidate by the
** objective and, every other step (the first), around the one with the highest gross
** gain -- for pnl, an attack that extracts value but is slashed is one move
** (a withdrawal, a smaller coalition) away from paying, while attacks that
** do nothing sit on a plateau of lost bribes above it. */
static bool run_local(search_state *st, size_t budget_cands) {
    const mdl_search_config *cfg = st->b.cfg;
    for (size_t step = 0; evaluated_count(st) < budget_cands; step++) {
        cand *from = step % 2 == 0 ? best_gain_of(st) : NULL;
        if (!from) from = best_of(st, true, false);
        if (!from) break;
        from->explored = true;
        size_t cap = 16, n = 0;
        cand **nb = calloc(cap, sizeof *nb);
        if (!nb) return false;
        for (int d = 0; d < MDL_SEARCH_DIM_COUNT; d++) {
            const mdl_search_dim *dm = &cfg->dims[d];
            if (!dm->present || from->spec.idx[d] < 0) continue;
            for (size_t j = 0; j < dm->count; j++) {
                int cur = from->spec.idx[d];
                if ((int)j == cur) continue;
                if (dm->ordered && (int)j != cur - 1 && (int)j != cur + 1) continue;
                int idx[MDL_SEARCH_DIM_COUNT];
                for (int e = 0; e < MDL_SEARCH_DIM_COUNT; e++) idx[e] = from->spec.idx[e] < 0 ? 0 : from->spec.idx[e];
                idx[d] = (int)j;
                search_spec s;
                if (!search_spec_from_idx(&s, &st->b, idx)) continue;
                cand *c = fresh(st, &s);
                if (!c) continue;
                bool dup = false;
                for (size_t k = 0; k < n; k++) dup |= nb[k]->hash == c->hash && strcmp(nb[k]->key, c->key) == 0;
                if (dup) {
                    cand_free(c, st->nseeds);
                    continue;
                }
                if (!SIM_GROW(nb, cap, n + 1)) {
                    cand_free(c, st->nseeds);
                    continue;
                }
                nb[n++] = c;
            }
        }
        /* a shuffled order, so that a small budget does not favour the first dimensions */
        for (size_t i = n; i > 1; i--) {
            size_t j = (size_t)rng_below(&st->rng, i);
            cand *t = nb[i - 1];
            nb[i - 1] = nb[j];
            nb[j] = t;
        }
        size_t room = budget_cands - evaluated_count(st);
        size_t take = n < room ? n : room;
        for (size_t i = take; i < n; i++) cand_free(nb[i], st->nseeds);
        for (size_t i = 0; i < take; i++) keep_cand(st, nb[i]);
        bool ok = evaluate(st, nb, take, false);
        free(nb);
        if (!ok) return false;
    }
    return true;
}

/* ---- shrinking ------------------------------------------------------------- */

/* Same objective in every seed (exactly: the wei for pnl). */
static bool same_objective(const search_state *st, const cand *a, const cand *b) {
    for (size_t i = 0; i < st->nseeds; i++) {
        if (st->a->obj == OBJ_PNL) {
            if (!a->pnl_wei[i] || !b->pnl_wei[i] || strcmp(a->pnl_wei[i], b->pnl_wei[i]) != 0) return false;
        } else if (a->obj[i] != b->obj[i]) {
            return false;
        }
    }
    return true;
}

/* Evaluates the specs (taken over) one after the other, in the order
** given (each a batch of its seeds), and returns -- `down` false -- the
** first that holds (and, with `same`, has cur's objective), or -- `down`
** true -- the last of the leading run of specs that hold (a scan down a
** size that stops at the first that fails); NULL for none.  Stops at the
** shrink budget; candidates run before cost nothing. */
static cand *scan_holding(search_state *st, search_spec *specs, size_t n, const cand *cur, bool same, bool down) {
    cand *found = NULL;
    bool stop = false;
    for (size_t i = 0; i < n; i++) {
        if (stop) {
            search_spec_free(&specs[i]);
            continue;
        }
        cand *c = cand_new(st, &specs[i]);
        search_spec_free(&specs[i]);
        if (!c) continue;
        cand *known = find_cand(st, c);
        if (known) {
            cand_free(c, st->nseeds);
            c = known;
        } else {
            cand_load(st, c);
            if (!keep_cand(st, c)) {
                cand_free(c, st->nseeds);
                continue;
            }
        }
        if (!c->feasible) {
            stop = down;
            continue;
        }
        if (!c->evaluated) {
            if (st->shrink_runs + st->nseeds > st->a->shrink_budget || !evaluate(st, &c, 1, true)) {
                stop = true;
                continue;
            }
        }
        bool ok = c->evaluated && c->holds && (!same || same_objective(st, c, cur));
        if (ok) found = c;
        if (ok != down) stop = true; /* first: found; down: the first failure */
    }
    return found;
}

static cand *first_holding(search_state *st, search_spec *specs, size_t n, const cand *cur, bool same) {
    return scan_holding(st, specs, n, cur, same, false);
}

static size_t add_spec(search_spec *specs, size_t n, const search_spec *from) {
    return search_spec_copy(&specs[n], from) ? n + 1 : n;
}

/* The attack's time in ns (the spec's or the base's); false if none. */
static bool attack_at(const search_state *st, const search_spec *s, uint64_t *ns) {
    if (s->val[MDL_SEARCH_AT]) return search_parse_ns(s->val[MDL_SEARCH_AT], ns);
    const sim_ynode *at = sim_ymap_get(st->b.attack, "at");
    if (!at || at->kind != SIM_Y_SCALAR) {
        *ns = 0;
        return true;
    }
    return search_parse_ns(at->str, ns);
}

/* The verifiers.byzantine list in force (the spec's or the base's), as a
** loaded document (NULL: none or empty). */
static sim_ydoc *byzantine_doc(const search_state *st, const search_spec *s) {
    sim_diag *d = sim_diag_new();
    sim_ydoc *doc = NULL;
    if (s->val[MDL_SEARCH_BYZANTINE]) {
        const char *t = s->val[MDL_SEARCH_BYZANTINE];
        if (d && strcmp(t, "none") != 0) doc = sim_ydoc_load_string("byzantine", t, strlen(t), d);
    } else {
        const sim_ynode *n = sim_ymap_get(sim_ymap_get(sim_ydoc_root(st->base.doc), "verifiers"), "byzantine");
        char *t = n && n->kind == SIM_Y_SEQ ? sim_ynode_to_flow(n) : NULL;
        if (d && t) doc = sim_ydoc_load_string("byzantine", t, strlen(t), d);
        free(t);
    }
    sim_diag_free(d);
    if (doc && (sim_ydoc_root(doc)->kind != SIM_Y_SEQ || sim_ydoc_root(doc)->count == 0)) {
        sim_ydoc_free(doc);
        doc = NULL;
    }
    return doc;
}

/* "[a, b]" of the list's items but `skip` ("none" when empty); malloc'd. */
static char *list_without(const sim_ynode *list, size_t skip) {
    size_t cap = 16;
    for (size_t i = 0; i < list->count; i++) {
        char *f = sim_ynode_to_flow(list->items[i]);
        if (!f) return NULL;
        cap += strlen(f) + 2;
        free(f);
    }
    char *out = malloc(cap);
    if (!out) return NULL;
    if (list->count <= 1) {
        snprintf(out, cap, "none");
        return out;
    }
    strcpy(out, "[");
    bool first = true;
    for (size_t i = 0; i < list->count; i++) {
        if (i == skip) continue;
        char *f = sim_ynode_to_flow(list->items[i]);
        if (!f) {
            free(out);
            return NULL;
        }
        if (!first) strcat(out, ", ");
        strcat(out, f);
        free(f);
        first = false;
    }
    strcat(out, "]");
    return out;
}

static int cmp_u64(const void *x, const void *y) {
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* One pass of every shrinking move from *cur; true when something changed. */
static bool shrink_pass(search_state *st, cand **cur, char *log, size_t log_cap) {
    const mdl_search_config *cfg = st->b.cfg;
    bool changed = false;
    enum { MAXS = 64 };
    search_spec *specs = calloc(MAXS, sizeof *specs);
    if (!specs) return false;
    char buf[96];
    size_t n;
    /* 1. fewer members: one fewer at a time (the listed fractions below,
    ** largest first) while it holds */
    const mdl_search_dim *mem = &cfg->dims[MDL_SEARCH_MEMBERS];
    if (mem->present && (*cur)->spec.val[MDL_SEARCH_MEMBERS]) {
        double now = strtod((*cur)->spec.val[MDL_SEARCH_MEMBERS], NULL);
        n = 0;
        if (cfg->members_by_fraction) {
            for (size_t j = mem->count; j-- > 0 && n < MAXS;) {
                if (!(mem->num[j] < now)) continue;
                n = add_spec(specs, n, &(*cur)->spec);
                if (n) search_spec_set(&specs[n - 1], MDL_SEARCH_MEMBERS, mem->values[j]);
            }
        } else {
            for (long k = (long)now - 1; k >= 1 && n < MAXS; k--) {
                n = add_spec(specs, n, &(*cur)->spec);
                snprintf(buf, sizeof buf, "%ld", k);
                if (n) search_spec_set(&specs[n - 1], MDL_SEARCH_MEMBERS, buf);
            }
        }
        cand *c = scan_holding(st, specs, n, *cur, false, true);
        if (c) {
            snprintf(log + strlen(log), log_cap - strlen(log), "%s%s %s -> %s", log[0] ? "; " : "",
                     mdl_search_dim_name(cfg, MDL_SEARCH_MEMBERS), (*cur)->spec.val[MDL_SEARCH_MEMBERS],
                     c->spec.val[MDL_SEARCH_MEMBERS]);
            *cur = c;
            changed = true;
        }
    }
    /* 2. fewer Byzantine entries: drop one at a time while it holds */
    for (;;) {
        sim_ydoc *doc = byzantine_doc(st, &(*cur)->spec);
        if (!doc) break;
        const sim_ynode *list = sim_ydoc_root(doc);
        n = 0;
        for (size_t i = 0; i < list->count && n < MAXS; i++) {
            char *w = list_without(list, i);
            if (!w) continue;
            n = add_spec(specs, n, &(*cur)->spec);
            if (n) search_spec_set(&specs[n - 1], MDL_SEARCH_BYZANTINE, w);
            free(w);
        }
        size_t before = list->count;
        sim_ydoc_free(doc);
        cand *c = first_holding(st, specs, n, *cur, false);
        if (!c) break;
        snprintf(log + strlen(log), log_cap - strlen(log), "%sverifiers.byzantine %zu -> %zu entries",
                 log[0] ? "; " : "", before, before - 1);
        *cur = c;
        changed = true;
    }
    /* 3. an earlier, rounder time to act: 0, the time rounded down to 1 min,
    ** 30 s, 10 s, 1 s, and the listed times before it; the earliest that holds */
    uint64_t at_ns;
    if (attack_at(st, &(*cur)->spec, &at_ns) && at_ns > 0) {
        uint64_t cands[16 + MDL_SEARCH_MAX_CHOICES / 1000];
        size_t k = 0;
        const uint64_t S = UINT64_C(1000000000);
        const uint64_t units[] = {0, 60 * S, 30 * S, 10 * S, S};
        for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) cands[k++] = units[u] ? at_ns / units[u] * units[u] : 0;
        const mdl_search_dim *atd = &cfg->dims[MDL_SEARCH_AT];
        for (size_t j = 0; atd->present && j < atd->count && k < sizeof cands / sizeof cands[0]; j++)
            if (atd->num[j] < (double)at_ns) cands[k++] = (uint64_t)atd->num[j];
        qsort(cands, k, sizeof *cands, cmp_u64);
        n = 0;
        for (size_t j = 0; j < k && n < MAXS; j++) {
            if (cands[j] >= at_ns || (j && cands[j] == cands[j - 1])) continue;
            mdl_search_format_ns(cands[j], buf, sizeof buf);
            n = add_spec(specs, n, &(*cur)->spec);
            if (n) search_spec_set(&specs[n - 1], MDL_SEARCH_AT, buf);
        }
        cand *c = first_holding(st, specs, n, *cur, false);
        if (c) {
            char was[48];
            mdl_search_format_ns(at_ns, was, sizeof was);
            snprintf(log + strlen(log), log_cap - strlen(log), "%sat %s -> %s", log[0] ? "; " : "", was,
                     c->spec.val[MDL_SEARCH_AT]);
            *cur = c;
            changed = true;
        }
    }
    /* 4. an earlier choice of withdraw (the list's order is its simplicity) */
    const mdl_search_dim *wd = &cfg->dims[MDL_SEARCH_WITHDRAW];
    if (wd->present && (*cur)->spec.val[MDL_SEARCH_WITHDRAW]) {
        n = 0;
        for (size_t j = 0; j < wd->count && n < MAXS; j++) {
            if (strcmp(wd->values[j], (*cur)->spec.val[MDL_SEARCH_WITHDRAW]) == 0) break;
            n = add_spec(specs, n, &(*cur)->spec);
            if (n) {
                search_spec_set(&specs[n - 1], MDL_SEARCH_WITHDRAW, wd->values[j]);
                specs[n - 1].idx[MDL_SEARCH_WITHDRAW] = (int)j;
            }
        }
        cand *c = first_holding(st, specs, n, *cur, false);
        if (c) {
            snprintf(log + strlen(log), log_cap - strlen(log), "%swithdraw %s -> %s", log[0] ? "; " : "",
                     (*cur)->spec.val[MDL_SEARCH_WITHDRAW], c->spec.val[MDL_SEARCH_WITHDRAW]);
            *cur = c;
            changed = true;
        }
    }
    /* 5. fewer rollups: drop one the attack does not use, while it holds */
    for (;;) {
        const sim_ynode *rl = NULL;
        sim_ydoc *rdoc = NULL;
        sim_diag *d = sim_diag_new();
        if ((*cur)->spec.rollups && d) {
            rdoc = sim_ydoc_load_string("rollups", (*cur)->spec.rollups, strlen((*cur)->spec.rollups), d);
            rl = rdoc ? sim_ydoc_root(rdoc) : NULL;
        } else {
            rl = sim_ymap_get(sim_ydoc_root(st->base.doc), "rollups");
        }
        sim_diag_free(d);
        if (!rl || rl->kind != SIM_Y_SEQ || rl->count <= 2) {
            sim_ydoc_free(rdoc);
            break;
        }
        /* the route's rollups stay */
        char *route = NULL;
        if ((*cur)->spec.val[MDL_SEARCH_ROUTE]) route = dup_s((*cur)->spec.val[MDL_SEARCH_ROUTE]);
        else route = sim_ynode_to_flow(st->b.attack);
        n = 0;
        for (size_t i = 0; i < rl->count && n < MAXS && route; i++) {
            const sim_ynode *nm = sim_ymap_get(rl->items[i], "name");
            if (!nm || nm->kind != SIM_Y_SCALAR) continue;
            char pat[160];
            snprintf(pat, sizeof pat, ": %s", nm->str);
            const char *hit = strstr(route, pat);
            size_t pl = strlen(pat);
            if (hit && (hit[pl] == ',' || hit[pl] == '}' || hit[pl] == '\0')) continue;
            char *w = list_without(rl, i);
            if (!w) continue;
            n = add_spec(specs, n, &(*cur)->spec);
            if (n) {
                free(specs[n - 1].rollups);
                specs[n - 1].rollups = w;
            } else {
                free(w);
            }
        }
        free(route);
        size_t before = rl->count;
        sim_ydoc_free(rdoc);
        cand *c = first_holding(st, specs, n, *cur, false);
        if (!c) break;
        snprintf(log + strlen(log), log_cap - strlen(log), "%srollups %zu -> %zu", log[0] ? "; " : "", before,
                 before - 1);
        *cur = c;
        changed = true;
    }
    free(specs);
    return changed;
}

/* The last move, once the others are done (so that none of them is judged
** on a cut run): the shortest run -- the attack's time + 30 s, 1 min, ...
** (at most 8) -- whose every seed's objective is exactly the same as over
** the full run. */
static bool shrink_duration(search_state *st, cand **cur, char *log, size_t log_cap) {
    enum { MAXS = 8 };
    search_spec *specs = calloc(MAXS, sizeof *specs);
    if (!specs) return false;
    char buf[96];
    size_t n;
    uint64_t at_ns;
    bool changed = false;
    uint64_t dur_ns = st->base.duration_ns;
    if ((*cur)->spec.duration) search_parse_ns((*cur)->spec.duration, &dur_ns);
    if (attack_at(st, &(*cur)->spec, &at_ns)) {
        n = 0;
        const uint64_t step = 30 * UINT64_C(1000000000);
        for (uint64_t t = (at_ns / step + 1) * step; t < dur_ns && n < 8; t += step) {
            mdl_search_format_ns(t, buf, sizeof buf);
            n = add_spec(specs, n, &(*cur)->spec);
            if (n) {
                free(specs[n - 1].duration);
                specs[n - 1].duration = dup_s(buf);
            }
        }
        cand *c = first_holding(st, specs, n, *cur, true);
        if (c) {
            char was[48];
            mdl_search_format_ns(dur_ns, was, sizeof was);
            snprintf(log + strlen(log), log_cap - strlen(log), "%srun.duration %s -> %s", log[0] ? "; " : "", was,
                     c->spec.duration);
            *cur = c;
            changed = true;
        }
    }
    free(specs);
    return changed;
}

/* ---- output ---------------------------------------------------------------- */

static void fmt_obj(const search_args *a, double v, char *out, size_t cap) {
    if (a->obj == OBJ_PNL) snprintf(out, cap, "%+.6g ETH", v);
    else if (a->obj == OBJ_FORGED_VALUE) snprintf(out, cap, "%.6g ETH", v);
    else snprintf(out, cap, "%.3f s", v);
}

/* "mean M over N seeds, 95% interval [lo, hi] (min .., max ..)". */
static void fmt_interval(const search_state *st, const cand *c, char *out, size_t cap) {
    double sd = 0, mx = -INFINITY;
    size_t n = st->nseeds;
    for (size_t i = 0; i < n; i++) {
        sd += (c->obj[i] - c->mean) * (c->obj[i] - c->mean);
        if (c->obj[i] > mx) mx = c->obj[i];
    }
    char m[48], lo[48], hi[48], mn[48], mxs[48];
    fmt_obj(st->a, c->mean, m, sizeof m);
    fmt_obj(st->a, c->min, mn, sizeof mn);
    fmt_obj(st->a, mx, mxs, sizeof mxs);
    if (n < 2) {
        snprintf(out, cap, "%s (one seed: no interval)", m);
        return;
    }
    sd = sqrt(sd / (double)(n - 1));
    double half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sd / sqrt((double)n);
    fmt_obj(st->a, c->mean - half, lo, sizeof lo);
    fmt_obj(st->a, c->mean + half, hi, sizeof hi);
    snprintf(out, cap, "%s mean over %zu seeds, 95%% interval [%s, %s] (min %s, max %s)", m, n, lo, hi, mn, mxs);
}

/* The default shrunk file: out's name without .db, + "-shrunk.yaml". */
static char *shrunk_path(const search_args *a) {
    if (a->shrunk) return dup_s(a->shrunk);
    size_t n = strlen(a->out);
    if (n > 3 && strcmp(a->out + n - 3, ".db") == 0) n -= 3;
    char *p = malloc(n + 16);
    if (p) snprintf(p, n + 16, "%.*s-shrunk.yaml", (int)n, a->out);
    return p;
}

/* Writes the shrunk scenario of c (its first seed); 0 or an exit status. */
static int write_shrunk(search_state *st, const cand *c, const char *path, const cand *best) {
    const search_args *a = st->a;
    char seed_set[64];
    size_t n;
    const char **sets = point_sets(st, c, 0, seed_set, sizeof seed_set, &n);
    sim_diag *d = sim_diag_new();
    mdl_scenario scn;
    memset(&scn, 0, sizeof scn);
    if (!sets || !d || !mdl_scenario_load(&scn, a->file, sets, n, d)) {
        fprintf(stderr, "xrsim search: the shrunk candidate no longer loads\n");
        if (d) sim_diag_print(d, stderr);
        free(sets);
        sim_diag_free(d);
        mdl_scenario_free(&scn);
        return 1;
    }
    char err[1024];
    an_outfile o;
    int rc = 0;
    if (an_outfile_begin(&o, path, err, sizeof err) != 0) {
        fprintf(stderr, "xrsim search: %s\n", err);
        rc = 2;
    } else {
        FILE *f = o.f;
        char val[64], iv[256];
        fmt_obj(a, c->obj[0], val, sizeof val);
        fprintf(f, "# Shrunk by `xrsim search` from the best attack it found: %s\n", c->desc);
        fprintf(f, "# What it shows: under these parameters the attack of coalition %" PRIu32 " gives %s %s",
                st->b.cfg->coalition, objective_names[a->obj], val);
        if (a->obj == OBJ_PNL && c->pnl_wei[0]) fprintf(f, " (%s wei)", c->pnl_wei[0]);
        fprintf(f, " with run.seed %" PRIu64 ",\n#   above the bound %g %s", st->base.search.seeds[0], a->bound,
                objective_units[a->obj]);
        fmt_interval(st, c, iv, sizeof iv);
        fprintf(f, " in every one of its %zu seeds (%s).\n", st->nseeds, iv);
        fprintf(f, "#   `xrsim run` of this file reproduces that run exactly (digest %s);\n",
                c->digest[0] ? c->digest[0] : "?");
        fprintf(f, "#   `xrsim check` of it checks the expectation at the end.\n");
        if (c->spec.duration)
            fprintf(f, "#   The run was shortened to %s: every seed's %s is the same as over the scenario's full run.\n",
                    c->spec.duration, objective_names[a->obj]);
        fprintf(f, "# How it was found: %s\n", a->cmdline ? a->cmdline : "xrsim search");
        fprintf(f, "#   search seed %" PRIu64 ", budget %" PRIu64 " runs (%" PRIu64 " used), shrink budget %" PRIu64
                   " runs (%" PRIu64 " used); the best before shrinking: %s\n",
                a->seed, a->budget, st->search_runs, a->shrink_budget, st->shrink_runs, best->desc);
        fprintf(f, "# Its overrides of %s:\n", a->file);
        for (size_t i = 0; i < n; i++) fprintf(f, "#   --set '%s'\n", sets[i]);
        static const char *const skip[] = {"search", "sweep", "expect", NULL};
        char name[256];
        snprintf(name, sizeof name, "%s-shrunk", scn.name);
        for (char *p = name; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
                  *p == '_' || *p == '.'))
                *p = '-';
        bool ok = cli_search_yaml_write(f, sim_ydoc_root(scn.doc), skip, name);
        fprintf(f, "\nexpect:\n");
        if (a->obj == OBJ_PNL) {
            fprintf(f, "  - {metric: attackers.profitable, min: 1}   # the attack pays\n");
        } else if (a->obj == OBJ_FORGED_VALUE) {
            fprintf(f, "  - {metric: verdicts.forged_value, min: %.0f gwei}\n", floor(a->bound * 1e9) + 1);
        } else {
            char t[48];
            mdl_search_format_ns((uint64_t)(a->bound * 1e9) + 1000000, t, sizeof t);
            fprintf(f, "  - {metric: consensus.max_stall, min: %s}\n", t);
        }
        if (!ok || ferror(f)) rc = 1;
        if (an_outfile_end(&o, rc == 0, err, sizeof err) != 0) {
            fprintf(stderr, "xrsim search: %s\n", err);
            rc = rc ? rc : 1;
        }
    }
    free(sets);
    sim_diag_free(d);
    mdl_scenario_free(&scn);
    return rc;
}

/* Runs the shrunk file once into --out (the sweep machinery: resumable) and
** compares with the search's run; 0, or an exit status. */
static int reproduce(search_state *st, const cand *c, const char *path, char *digest, size_t dcap, char *wei,
                     size_t wcap) {
    sim_diag *d = sim_diag_new();
    mdl_scenario scn;
    memset(&scn, 0, sizeof scn);
    if (!d || !mdl_scenario_load(&scn, path, NULL, 0, d)) {
        fprintf(stderr, "xrsim search: the shrunk scenario %s does not load:\n", path);
        if (d) sim_diag_print(d, stderr);
        sim_diag_free(d);
        mdl_scenario_free(&scn);
        return 1;
    }
    cli_batch_point p = {.sets = NULL, .set_count = 0, .label = path, .params_json = scn.params_json, .seed = scn.seed};
    cli_batch_tally t;
    int brc = cli_sweep_batch(path, st->a->out, &p, 1, 1, true, &t);
    st->ran_now += t.ok + t.failed;
    int rc = brc;
    if (rc == 0) {
        sqlite3 *db = NULL;
        sqlite3_stmt *q = NULL;
        char sha[SIM_SHA256_HEX_LEN + 1];
        const char *text = sim_ydoc_text(scn.doc);
        sim_sha256_hex(text, strlen(text), sha);
        rc = 1;
        if (sqlite3_open_v2(st->a->out, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
            sqlite3_prepare_v2(db,
                               "SELECT r.event_digest, c.pnl_wei FROM runs r LEFT JOIN coalitions c ON c.run_id = r.id"
                               " AND c.coalition = ?4 WHERE r.status = 'ok' AND r.scenario_sha256 = ?1"
                               " AND r.params_json = ?2 AND r.seed = ?3 ORDER BY r.id LIMIT 1",
                               -1, &q, NULL) == SQLITE_OK) {
            sqlite3_bind_text(q, 1, sha, -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 2, scn.params_json, -1, SQLITE_STATIC);
            sqlite3_bind_int64(q, 3, (int64_t)scn.seed);
            sqlite3_bind_int64(q, 4, st->b.cfg->coalition);
            if (sqlite3_step(q) == SQLITE_ROW) {
                const unsigned char *dg = sqlite3_column_text(q, 0), *w = sqlite3_column_text(q, 1);
                snprintf(digest, dcap, "%s", dg ? (const char *)dg : "");
                snprintf(wei, wcap, "%s", w ? (const char *)w : "");
                bool same = c->digest[0] && strcmp(digest, c->digest[0]) == 0;
                if (same && st->a->obj == OBJ_PNL) same = c->pnl_wei[0] && strcmp(wei, c->pnl_wei[0]) == 0;
                rc = same ? 0 : 1;
                if (!same)
                    fprintf(stderr, "xrsim search: %s does not reproduce the search's run: digest %s (was %s)\n", path,
                            digest, c->digest[0] ? c->digest[0] : "?");
            }
        }
        sqlite3_finalize(q);
        sqlite3_close(db);
    }
    sim_diag_free(d);
    mdl_scenario_free(&scn);
    return rc;
}

/* ---- checks before anything runs ------------------------------------------- */

/* Loads the scenario with each choice of each dimension (the others at
** their first choice, the attack kind one it applies to) and reports, at
** the choice, what does not apply.  False on any. */
static bool check_choices(search_state *st) {
    const mdl_search_config *cfg = st->b.cfg;
    bool ok = true;
    for (int d = 0; d < MDL_SEARCH_DIM_COUNT; d++) {
        const mdl_search_dim *dm = &cfg->dims[d];
        if (!dm->present) continue;
        const char *needs = d == MDL_SEARCH_LEVEL ? "forge" : d == MDL_SEARCH_STALE_SET ? "stale_forge"
                          : d == MDL_SEARCH_CENSOR_FOR ? "censor" : d == MDL_SEARCH_VALUE ? "forge" : NULL;
        for (size_t j = 0; j < dm->count; j++) {
            int idx[MDL_SEARCH_DIM_COUNT] = {0};
            idx[d] = (int)j;
            search_spec s;
            if (!search_spec_from_idx(&s, &st->b, idx)) return false;
            if (needs && strcmp(search_spec_kind(&s, &st->b), needs) != 0 &&
                !(d == MDL_SEARCH_VALUE && strcmp(search_spec_kind(&s, &st->b), "censor") != 0))
                search_spec_set(&s, MDL_SEARCH_ATTACK, needs);
            cand *c = cand_new(st, &s);
            search_spec_free(&s);
            if (!c) return false;
            cand_load(st, c);
            if (!c->feasible) {
                sim_diag *dg = sim_diag_new();
                if (dg) {
                    sim_diag_error(dg, dm->nodes[j], "search: %s choice '%s' does not apply: %s",
                                   mdl_search_dim_name(cfg, (mdl_search_dim_id)d), dm->values[j], c->why);
                    sim_diag_print(dg, stderr);
                    sim_diag_free(dg);
                }
                ok = false;
            }
            cand_free(c, st->nseeds);
        }
    }
    return ok;
}

static double space_size(const mdl_search_config *cfg) {
    double n = 1;
    for (int d = 0; d < MDL_SEARCH_DIM_COUNT; d++)
        if (cfg->dims[d].present) n *= (double)cfg->dims[d].count;
    return n;
}

/* ---- entry ------------------------------------------------------------------ */

int cmd_search(int argc, char **argv) {
    search_args a;
    memset(&a, 0, sizeof a);
    a.sets = calloc((size_t)argc + 1, sizeof *a.sets);
    if (!a.sets) return 2;
    int rc = parse_args(argc, argv, &a);
    if (rc) {
        free(a.sets);
        return rc < 0 ? 0 : rc;
    }
    a.cmdline = result_command(argc, argv);
    cli_sweep_batch_signals();
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    search_state st;
    memset(&st, 0, sizeof st);
    st.a = &a;
    st.rng = a.seed;
    char *shrunk = NULL;
    sim_diag *d = sim_diag_new();
    if (!d || !mdl_scenario_load(&st.base, a.file, a.sets, a.set_count, d)) {
        if (d) sim_diag_print(d, stderr);
        fprintf(stderr, "%s: %zu error%s; nothing was run\n", a.file, d ? sim_diag_errors(d) : 0,
                d && sim_diag_errors(d) == 1 ? "" : "s");
        rc = 2;
        goto done;
    }
    sim_diag_print(d, stderr); /* warnings */
    if (!st.base.search.present) {
        fprintf(stderr, "%s: no search: section (the attack space to explore; see xrsim help search); nothing was run\n",
                a.file);
        rc = 2;
        goto done;
    }
    if (!search_base_init(&st.b, &st.base)) {
        rc = 2;
        goto done;
    }
    st.nseeds = st.base.search.seed_count;
    {
        const char *text = sim_ydoc_text(st.base.doc);
        sim_sha256_hex(text, strlen(text), st.sha);
    }
    shrunk = shrunk_path(&a);
    char err[1024];
    if (!shrunk || an_outfile_check(shrunk, err, sizeof err) != 0) {
        fprintf(stderr, "xrsim search: %s; nothing was run\n", shrunk ? err : "out of memory");
        rc = 2;
        goto done;
    }
    if (strcmp(shrunk, a.out) == 0 || strcmp(shrunk, a.file) == 0) {
        fprintf(stderr, "xrsim search: the shrunk scenario would overwrite '%s'; nothing was run\n", shrunk);
        rc = 2;
        goto done;
    }
    if (!check_choices(&st)) {
        fprintf(stderr, "%s: a search choice does not apply; nothing was run\n", a.file);
        rc = 2;
        goto done;
    }
    size_t budget_cands = (size_t)(a.budget / st.nseeds);
    if (budget_cands == 0) budget_cands = 1;
    size_t random_cands = (size_t)floor((double)budget_cands * st.base.search.random_share + 0.5);
    if (random_cands < 1) random_cands = 1;
    if (random_cands > budget_cands) random_cands = budget_cands;
    const mdl_search_config *cfg = &st.base.search;
    if (!a.quiet) {
        char b[32];
        snprintf(b, sizeof b, "%g %s", a.bound, objective_units[a.obj]);
        printf("xrsim search: %s, objective %s above %s, budget %" PRIu64 " runs (%zu candidates x %zu seed%s),"
               " search seed %" PRIu64 "\n",
               a.file, objective_names[a.obj], b, a.budget, budget_cands, st.nseeds, st.nseeds == 1 ? "" : "s", a.seed);
        printf("  space:");
        for (int k = 0; k < MDL_SEARCH_DIM_COUNT; k++) {
            const mdl_search_dim *dm = &cfg->dims[k];
            if (!dm->present) continue;
            if (dm->count == 1)
                printf(" %s %s", mdl_search_dim_name(cfg, (mdl_search_dim_id)k), dm->values[0]);
            else if (dm->ordered)
                printf(" %s %s..%s (%zu)", mdl_search_dim_name(cfg, (mdl_search_dim_id)k), dm->values[0],
                       dm->values[dm->count - 1], dm->count);
            else printf(" %s %zu", mdl_search_dim_name(cfg, (mdl_search_dim_id)k), dm->count);
            printf(";");
        }
        printf(" %.6g candidates\n", space_size(cfg));
        fflush(stdout);
    }

    /* 1. random, 2. local */
    if (run_random(&st, random_cands) && !cli_sweep_batch_stopped()) run_local(&st, budget_cands);
    if (st.rc == 130 || st.rc == 2 || cli_sweep_batch_stopped()) {
        rc = st.rc ? st.rc : 130;
        fprintf(stderr, "xrsim search: stopped; the runs so far are in %s (the same command resumes)\n", a.out);
        goto done;
    }
    size_t evaluated = evaluated_count(&st);
    cand *best = best_of(&st, false, false);
    cand *holding = best_of(&st, false, true);
    char iv[512];
    if (!best) {
        printf("xrsim search: no candidate could be run (%zu did not load%s%s)\n", st.infeasible,
               st.infeasible_example ? ", e.g.: " : "", st.infeasible_example ? st.infeasible_example : "");
        rc = st.rc ? st.rc : 1;
        goto done;
    }
    if (!a.quiet) {
        printf("  searched: %zu candidates (%" PRIu64 " runs: %" PRIu64 " ran now, %" PRIu64 " already in %s)",
               evaluated, st.search_runs, st.ran_now, st.adopted, a.out);
        if (st.infeasible) printf("; %zu skipped: they do not load (e.g. %s)", st.infeasible, st.infeasible_example);
        printf("\n");
    }
    fmt_interval(&st, best, iv, sizeof iv);
    printf("  best: %s\n        %s %s\n", best->desc, objective_names[a.obj], iv);
    if (!holding) {
        char b[32];
        snprintf(b, sizeof b, "%g %s", a.bound, objective_units[a.obj]);
        printf("xrsim search: no attack with %s above %s in every seed within %" PRIu64 " runs; results in %s (%.1f s)\n",
               objective_names[a.obj], b, st.search_runs, a.out, cli_since(&t0));
        rc = st.rc;
        goto done;
    }
    if (holding != best) {
        fmt_interval(&st, holding, iv, sizeof iv);
        printf("  best that holds in every seed: %s\n        %s %s\n", holding->desc, objective_names[a.obj], iv);
    }

    /* 3. shrink */
    cand *cur = holding;
    char log[2048] = "";
    for (int pass = 0; pass < 4 && !cli_sweep_batch_stopped() && st.rc != 130 && st.rc != 2; pass++) {
        if (!shrink_pass(&st, &cur, log, sizeof log)) break;
    }
    if (!cli_sweep_batch_stopped() && st.rc != 130 && st.rc != 2) shrink_duration(&st, &cur, log, sizeof log);
    if (st.rc == 130 || st.rc == 2 || cli_sweep_batch_stopped()) {
        rc = st.rc ? st.rc : 130;
        fprintf(stderr, "xrsim search: stopped while shrinking; the runs so far are in %s (the same command resumes)\n",
                a.out);
        goto done;
    }
    fmt_interval(&st, cur, iv, sizeof iv);
    printf("  shrunk (%" PRIu64 " runs): %s\n        %s %s\n        moves kept: %s\n", st.shrink_runs, cur->desc,
           objective_names[a.obj], iv, log[0] ? log : "none");
    rc = write_shrunk(&st, cur, shrunk, holding);
    if (rc == 0) {
        char digest[128] = "", wei[128] = "";
        rc = reproduce(&st, cur, shrunk, digest, sizeof digest, wei, sizeof wei);
        if (rc == 0) {
            printf("  wrote %s: xrsim run reproduces it (seed %" PRIu64 ", digest %.16s..., %s%s%s)\n", shrunk,
                   st.base.search.seeds[0], digest, a.obj == OBJ_PNL ? "P&L " : "", a.obj == OBJ_PNL ? wei : "",
                   a.obj == OBJ_PNL ? " wei" : "same objective");
        }
    }
    printf("xrsim search: found an attack above the bound; %" PRIu64 " runs (%" PRIu64 " search, %" PRIu64
           " shrink, 1 reproduction; %" PRIu64 " ran now); results in %s (%.1f s)\n",
           st.search_runs + st.shrink_runs + 1, st.search_runs, st.shrink_runs, st.ran_now, a.out, cli_since(&t0));
    if (rc == 0) rc = st.rc;
    if (rc == 0 && a.fail_if_found) rc = 1;
done:
    fflush(stdout);
    for (size_t i = 0; i < st.count; i++) cand_free(st.all[i], st.nseeds);
    free(st.all);
    mdl_scenario_free(&st.base);
    sim_diag_free(d);
    free(shrunk);
    free(a.cmdline);
    free(a.sets);
    return rc;
}
