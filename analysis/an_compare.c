/*
** `xrsim compare` (see an_compare.h): match the ok runs of two results
** files by (scenario sha256, parameters, seed), read one value per run and
** metric from the schema's views, and test each matched (scenario,
** parameters) group's per-seed values in BASE against those in HEAD.
**
** Parameters: params_json holds the resolved scenario, including the
** seed, so the group key is params_json with $.run.seed removed (the seed
** is matched on its own), and with any --ignore paths removed, which lets
** two settings of one parameter be compared as BASE and HEAD.
**
** The test: a bootstrap of the difference of means, not a Mann-Whitney
** rank test.  CI sweeps typically have 3-20 seeds per point; at these
** sizes a rank test has a coarse null distribution (with 3 seeds a side
** no outcome reaches p < 0.05 two-sided) and answers "do the distributions
** differ", whereas the gate asks "did the mean move by more than the
** tolerance" -- the bootstrap interval is in the metric's own units and
** sits beside the tolerance directly.  Resampling each side independently
** (unpaired: the seeds drive different event sequences once the code
** changes, so pairing by seed buys little), AN_COMPARE_RESAMPLES_DEFAULT
** times, with GSL's mt19937 reseeded to one fixed value for every
** (group, metric), makes the output deterministic and independent of
** which other metrics or groups are present.  A change is reported when
** the 95% percentile interval of mean(HEAD) - mean(BASE) excludes 0 and
** |mean(HEAD) - mean(BASE)| exceeds tolerance x |mean(BASE)|.  Groups with
** fewer than 2 values on a side are counted as untested, and those with
** no value at all (a metric these runs do not produce) as without data.
*/
#include "an_compare.h"

#include <assert.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "an_export.h"
#include "../sim/grow.h" /* header-only: see README, "Layout" */

#define BOOTSTRAP_SEED 20240501ul
#define COLS 8

typedef struct metric {
    const char *name;
    const char *sql; /* yields (run_id, value) rows */
    bool lower_is_better;
    bool is_default;
} metric;

static const metric metrics[] = {
    {"fast_p50_s", "SELECT run_id, p50_s FROM v_finality WHERE level = 'latest'", true, true},
    {"fast_p99_s", "SELECT run_id, p99_s FROM v_finality WHERE level = 'latest'", true, true},
    {"finalized_p99_s", "SELECT run_id, p99_s FROM v_finality WHERE level = 'finalized'", true, true},
    {"height_p50_ms", "SELECT run_id, height_p50_ms FROM v_consensus", true, true},
    {"gas_per_msg",
     "SELECT run_id, SUM(gas_per_msg * executed_count) / NULLIF(SUM(executed_count), 0) "
     "FROM v_finality GROUP BY run_id",
     true, true},
    {"fast_p90_s", "SELECT run_id, p90_s FROM v_finality WHERE level = 'latest'", true, false},
    {"finalized_p50_s", "SELECT run_id, p50_s FROM v_finality WHERE level = 'finalized'", true, false},
    {"height_p99_ms", "SELECT run_id, height_p99_ms FROM v_consensus", true, false},
    {"approval_p99_ms", "SELECT run_id, approval_p99_ms FROM v_consensus", true, false},
    {"eth_per_msg",
     "SELECT run_id, SUM(eth_per_msg * executed_count) / NULLIF(SUM(executed_count), 0) "
     "FROM v_finality GROUP BY run_id",
     true, false},
    {"executed_share",
     "SELECT run_id, SUM(executed_count) * 1.0 / NULLIF(SUM(emitted_count), 0) FROM v_finality GROUP BY run_id",
     false, false},
    {"heights_committed", "SELECT run_id, heights_committed_count FROM v_consensus", false, false},
};
#define METRIC_COUNT (sizeof metrics / sizeof metrics[0])

static const metric *metric_find(const char *name) {
    for (size_t i = 0; i < METRIC_COUNT; i++) {
        if (strcmp(metrics[i].name, name) == 0) return &metrics[i];
    }
    return NULL;
}

bool an_compare_metric_known(const char *name) {
    assert(name != NULL);
    return metric_find(name) != NULL;
}

static const char *names_of(bool defaults_only, char *buf, size_t len) {
    size_t used = 0;
    for (size_t i = 0; i < METRIC_COUNT; i++) {
        if (defaults_only && !metrics[i].is_default) continue;
        int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", metrics[i].name);
        assert(n > 0 && (size_t)n < len - used);
        used += (size_t)n;
    }
    return buf;
}

const char *an_compare_metric_names(void) {
    static char buf[512];
    return names_of(false, buf, sizeof buf);
}

const char *an_compare_default_metric_names(void) {
    static char buf[512];
    return names_of(true, buf, sizeof buf);
}

/* ---- the bootstrap ------------------------------------------------------------ */

int an_compare_bootstrap(const double *x, size_t nx, const double *y, size_t ny, uint32_t resamples,
                         unsigned long seed, double *lo, double *hi) {
    assert(x != NULL && y != NULL && nx >= 1 && ny >= 1 && resamples >= 1);
    assert(lo != NULL && hi != NULL);
    double *diffs = malloc(resamples * sizeof *diffs);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!diffs || !rng) {
        free(diffs);
        if (rng) gsl_rng_free(rng);
        return AN_ERR_NOMEM;
    }
    gsl_rng_set(rng, seed);
    for (uint32_t r = 0; r < resamples; r++) {
        double sx = 0.0, sy = 0.0;
        for (size_t i = 0; i < nx; i++) sx += x[gsl_rng_uniform_int(rng, nx)];
        for (size_t i = 0; i < ny; i++) sy += y[gsl_rng_uniform_int(rng, ny)];
        diffs[r] = sy / (double)ny - sx / (double)nx;
    }
    gsl_sort(diffs, 1, resamples);
    *lo = gsl_stats_quantile_from_sorted_data(diffs, 1, resamples, 0.025);
    *hi = gsl_stats_quantile_from_sorted_data(diffs, 1, resamples, 0.975);
    gsl_rng_free(rng);
    free(diffs);
    return isfinite(*lo) && isfinite(*hi) ? 0 : AN_ERR_GSL;
}

/* ---- loading runs ------------------------------------------------------------------ */

typedef struct crun {
    int64_t id;
    int64_t seed;
    char *sha;
    char *key; /* params_json without $.run.seed and the ignored paths */
    char *digest;
    char *name;
} crun;

typedef struct side {
    const char *path;
    sqlite3 *db;
    crun *runs; /* by id */
    size_t n;
    size_t *order; /* indices sorted by (sha, key, seed, id) */
    double *vals;  /* n x metric_count, NAN: no value */
} side;

static char *dup_text(sqlite3_stmt *st, int col) {
    const unsigned char *t = sqlite3_column_text(st, col);
    const char *s = t ? (const char *)t : "";
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d) memcpy(d, s, n + 1);
    return d;
}

static void side_free(side *s) {
    for (size_t i = 0; i < s->n; i++) {
        free(s->runs[i].sha);
        free(s->runs[i].key);
        free(s->runs[i].digest);
        free(s->runs[i].name);
    }
    free(s->runs);
    free(s->order);
    free(s->vals);
    sqlite3_close(s->db);
    memset(s, 0, sizeof *s);
}

static const side *sort_side; /* qsort has no context argument */

static int cmp_run_keys(const crun *a, const crun *b) {
    int c = strcmp(a->sha, b->sha);
    if (c == 0) c = strcmp(a->key, b->key);
    if (c == 0) c = (a->seed > b->seed) - (a->seed < b->seed);
    return c;
}

static int cmp_order(const void *pa, const void *pb) {
    const crun *a = &sort_side->runs[*(const size_t *)pa], *b = &sort_side->runs[*(const size_t *)pb];
    int c = cmp_run_keys(a, b);
    return c ? c : (a->id > b->id) - (a->id < b->id);
}

/* Removes, in place, every member whose value is an empty object from the
   compact JSON text s (SQLite's json output: no whitespace), repeatedly, so
   that removing an --ignore'd key from a map that held only it (head
   --set consensus.timeouts.propose=2s, base without a timeouts map) leaves
   the same key as the file that never had the map.  Applied to both sides
   alike; an empty section means the same as an absent one. */
static void drop_empty_objects(char *s) {
    for (bool changed = true; changed;) {
        changed = false;
        for (char *p = strstr(s, "\":{}"); p; p = strstr(p + 1, "\":{}")) {
            /* p is the key's closing quote: find its opening quote */
            char *q = p - 1;
            while (q > s && !(*q == '"' && q[-1] != '\\')) q--;
            if (q <= s || *q != '"' || (q[-1] != '{' && q[-1] != ',')) continue;
            char *end = p + 4; /* just past "{}" */
            if (q[-1] == ',') q--;               /* ,"k":{}  -> drop with the comma before */
            else if (*end == ',') end++;         /* {"k":{}, -> drop with the comma after */
            memmove(q, end, strlen(end) + 1);
            changed = true;
            break;
        }
    }
}

static int load_runs(side *s, const an_compare_opts *o, char *err, size_t err_len) {
    char sql[4096];
    size_t used = (size_t)snprintf(sql, sizeof sql,
                                   "SELECT id, seed, scenario_sha256, "
                                   "coalesce(json_remove(params_json, '$.run.seed'");
    for (size_t i = 0; i < o->ignore_count; i++) {
        used += (size_t)snprintf(sql + used, sizeof sql - used, ", ?%zu", i + 1);
        if (used >= sizeof sql - 200) return an_fail(err, err_len, AN_ERR_IGNORE, "too many --ignore paths");
    }
    snprintf(sql + used, sizeof sql - used,
             "), ''), coalesce(event_digest, ''), scenario_name FROM runs WHERE status = 'ok' ORDER BY id");
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    char path[512];
    for (size_t i = 0; rc == SQLITE_OK && i < o->ignore_count; i++) {
        snprintf(path, sizeof path, "$.%s", o->ignore[i]);
        rc = sqlite3_bind_text(st, (int)i + 1, path, -1, SQLITE_TRANSIENT);
    }
    size_t cap = 0;
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!SIM_GROW(s->runs, cap, s->n + 1)) {
            sqlite3_finalize(st);
            return an_fail(err, err_len, AN_ERR_NOMEM, "out of memory");
        }
        crun *r = &s->runs[s->n++];
        r->id = sqlite3_column_int64(st, 0);
        r->seed = sqlite3_column_int64(st, 1);
        r->sha = dup_text(st, 2);
        r->key = dup_text(st, 3);
        if (r->key && o->ignore_count) drop_empty_objects(r->key);
        r->digest = dup_text(st, 4);
        r->name = dup_text(st, 5);
        if (!r->sha || !r->key || !r->digest || !r->name) {
            sqlite3_finalize(st);
            return an_fail(err, err_len, AN_ERR_NOMEM, "out of memory");
        }
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE) {
        const char *msg = sqlite3_errmsg(s->db);
        int code = o->ignore_count && strstr(msg, "JSON path") ? AN_ERR_IGNORE : AN_ERR_SQL;
        code = an_fail(err, err_len, code, "reading runs of '%s': %s", s->path, msg);
        sqlite3_finalize(st);
        return code;
    }
    sqlite3_finalize(st);
    s->order = malloc((s->n ? s->n : 1) * sizeof *s->order);
    if (!s->order) return an_fail(err, err_len, AN_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < s->n; i++) s->order[i] = i;
    sort_side = s;
    qsort(s->order, s->n, sizeof *s->order, cmp_order);
    sort_side = NULL;
    return 0;
}

static size_t run_index(const side *s, int64_t id) {
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->runs[mid].id < id) lo = mid + 1;
        else hi = mid;
    }
    return lo < s->n && s->runs[lo].id == id ? lo : SIZE_MAX;
}

static int load_values(side *s, const metric *const *ms, size_t mc, char *err, size_t err_len) {
    s->vals = malloc((s->n ? s->n : 1) * mc * sizeof *s->vals);
    if (!s->vals) return an_fail(err, err_len, AN_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < s->n * mc; i++) s->vals[i] = NAN;
    for (size_t m = 0; m < mc; m++) {
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(s->db, ms[m]->sql, -1, &st, NULL);
        while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            rc = SQLITE_OK;
            size_t i = run_index(s, sqlite3_column_int64(st, 0));
            if (i == SIZE_MAX || sqlite3_column_type(st, 1) == SQLITE_NULL) continue;
            s->vals[i * mc + m] = sqlite3_column_double(st, 1);
        }
        if (rc != SQLITE_DONE) {
            int code = an_fail(err, err_len, AN_ERR_SQL, "reading %s from '%s': %s", ms[m]->name, s->path,
                            sqlite3_errmsg(s->db));
            sqlite3_finalize(st);
            return code;
        }
        sqlite3_finalize(st);
    }
    return 0;
}

/* ---- the table of changes ----------------------------------------------------------- */

typedef struct table {
    char (*cells)[COLS][64];
    size_t rows, cap;
} table;

static int table_add(table *t, const char *const cells[COLS]) {
    if (!SIM_GROW(t->cells, t->cap, t->rows + 1)) return AN_ERR_NOMEM;
    for (int c = 0; c < COLS; c++) snprintf(t->cells[t->rows][c], 64, "%s", cells[c]);
    t->rows++;
    return 0;
}

static void table_print(const table *t, FILE *out) {
    size_t w[COLS] = {0};
    for (size_t r = 0; r < t->rows; r++) {
        for (int c = 0; c < COLS; c++) {
            size_t n = strlen(t->cells[r][c]);
            if (n > w[c]) w[c] = n;
        }
    }
    for (size_t r = 0; r < t->rows; r++) {
        for (int c = 0; c < COLS; c++) {
            if (c == COLS - 1) fprintf(out, "%s\n", t->cells[r][c]);
            else fprintf(out, "%-*s  ", (int)w[c], t->cells[r][c]);
        }
    }
}

/* ---- the comparison -------------------------------------------------------------------- */

typedef struct pair {
    size_t b, h;   /* run indices in base, head */
    size_t group;  /* 0-based */
} pair;

static double mean_of(const double *v, size_t n) {
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += v[i];
    return s / (double)n;
}

static int match_runs(const side *base, const side *head, pair **out_pairs, an_compare_result *res) {
    pair *pairs = malloc((base->n ? base->n : 1) * sizeof *pairs);
    if (!pairs) return AN_ERR_NOMEM;
    size_t i = 0, j = 0, np = 0, groups = 0;
    const crun *last = NULL;
    while (i < base->n && j < head->n) {
        const crun *b = &base->runs[base->order[i]], *h = &head->runs[head->order[j]];
        int c = cmp_run_keys(b, h);
        if (c < 0) {
            i++;
            res->base_unmatched++;
        } else if (c > 0) {
            j++;
            res->head_unmatched++;
        } else {
            if (!last || strcmp(last->sha, b->sha) != 0 || strcmp(last->key, b->key) != 0) groups++;
            pairs[np++] = (pair){base->order[i], head->order[j], groups - 1};
            last = b;
            /* several runs of one key in a file: the first (lowest id) counts */
            while (++i < base->n && cmp_run_keys(&base->runs[base->order[i]], b) == 0) {}
            while (++j < head->n && cmp_run_keys(&head->runs[head->order[j]], h) == 0) {}
        }
    }
    res->base_unmatched += base->n - i;
    res->head_unmatched += head->n - j;
    res->pairs = np;
    res->groups = groups;
    *out_pairs = pairs;
    return 0;
}

static void group_label(const side *base, const pair *p, char *buf, size_t len) {
    snprintf(buf, len, "%s#%zu", base->runs[p->b].name, p->group + 1);
}

static void fmt_num(double v, char *buf, size_t len, bool sign) { snprintf(buf, len, sign ? "%+.4g" : "%.4g", v); }

/* Tests one (group, metric); adds a row to t when it changed. */
static int compare_one(const side *base, const side *head, const pair *ps, size_t pn, size_t m, size_t mc,
                       const metric *mt, const an_compare_opts *o, double *x, double *y, table *t,
                       an_compare_result *res) {
    size_t n = 0;
    for (size_t k = 0; k < pn; k++) {
        double bv = base->vals[ps[k].b * mc + m], hv = head->vals[ps[k].h * mc + m];
        if (isnan(bv) || isnan(hv)) continue;
        x[n] = bv;
        y[n] = hv;
        n++;
    }
    if (n == 0) { /* the metric has no value in these runs: nothing to test, but not for want of seeds */
        res->no_data++;
        return 0;
    }
    if (n < 2) {
        res->untested++;
        return 0;
    }
    res->comparisons++;
    double lo, hi;
    int rc = an_compare_bootstrap(x, n, y, n, o->resamples, BOOTSTRAP_SEED, &lo, &hi);
    if (rc) return rc;
    double mb = mean_of(x, n), mh = mean_of(y, n), diff = mh - mb;
    double rel = mb != 0.0 ? diff / fabs(mb) : (diff == 0.0 ? 0.0 : INFINITY);
    bool significant = lo > 0.0 || hi < 0.0;
    if (!significant || !(fabs(rel) > o->tolerance)) return 0;
    bool worse = mt->lower_is_better ? diff > 0.0 : diff < 0.0;
    if (worse) res->regressions++;
    else res->improvements++;
    char grp[96], seeds[32], bs[32], hs[32], ch[32], ci[80], l[32], h[32];
    group_label(base, &ps[0], grp, sizeof grp);
    snprintf(seeds, sizeof seeds, "%zu", n);
    fmt_num(mb, bs, sizeof bs, false);
    fmt_num(mh, hs, sizeof hs, false);
    if (isfinite(rel)) snprintf(ch, sizeof ch, "%+.1f%%", 100.0 * rel);
    else snprintf(ch, sizeof ch, "from 0");
    fmt_num(lo, l, sizeof l, true);
    fmt_num(hi, h, sizeof h, true);
    snprintf(ci, sizeof ci, "[%s, %s]", l, h);
    const char *cells[COLS] = {grp, mt->name, seeds, bs, hs, ch, ci, worse ? "WORSE" : "better"};
    return table_add(t, cells) ? AN_ERR_NOMEM : 0;
}

static int open_side(side *s, const char *path, const an_compare_opts *o, const metric *const *ms, size_t mc,
                     char *err, size_t err_len) {
    s->path = path;
    int rc = an_export_open(path, &s->db, err, err_len);
    if (rc == 0) rc = load_runs(s, o, err, err_len);
    if (rc == 0) rc = load_values(s, ms, mc, err, err_len);
    return rc;
}

static void print_digest_lines(const side *base, const side *head, const pair *pairs, an_compare_result *res,
                               FILE *out) {
    for (size_t k = 0; k < res->pairs; k++) {
        const crun *b = &base->runs[pairs[k].b], *h = &head->runs[pairs[k].h];
        if (strcmp(b->digest, h->digest) == 0) continue;
        if (res->digest_mismatches++ == 0) fputc('\n', out);
        char grp[96];
        group_label(base, &pairs[k], grp, sizeof grp);
        fprintf(out, "digest differs: %s seed %" PRId64 ": BASE run %" PRId64 " %.16s, HEAD run %" PRId64 " %.16s\n",
                grp, b->seed, b->id, b->digest, h->id, h->digest);
    }
}

int an_compare_run(const char *base_path, const char *head_path, const an_compare_opts *opts, FILE *out,
                   an_compare_result *res, char *err, size_t err_len) {
    assert(base_path != NULL && head_path != NULL && opts != NULL && out != NULL && res != NULL);
    memset(res, 0, sizeof *res);
    an_compare_opts o = *opts;
    if (o.resamples == 0) o.resamples = AN_COMPARE_RESAMPLES_DEFAULT;
    assert(o.resamples >= AN_COMPARE_RESAMPLES_MIN && o.tolerance >= 0.0);
    const metric *ms[METRIC_COUNT];
    size_t mc = 0;
    if (o.metric_count == 0) {
        for (size_t i = 0; i < METRIC_COUNT; i++) {
            if (metrics[i].is_default) ms[mc++] = &metrics[i];
        }
    } else {
        for (size_t i = 0; i < o.metric_count; i++) {
            const metric *mt = metric_find(o.metrics[i]);
            if (!mt) {
                return an_fail(err, err_len, AN_ERR_METRIC, "unknown metric '%s'; known: %s", o.metrics[i],
                            an_compare_metric_names());
            }
            bool dup = false;
            for (size_t k = 0; k < mc; k++) dup = dup || ms[k] == mt;
            if (!dup) ms[mc++] = mt;
        }
    }
    side base = {0}, head = {0};
    pair *pairs = NULL;
    table t = {0};
    double *x = NULL, *y = NULL;
    int rc = open_side(&base, base_path, &o, ms, mc, err, err_len);
    if (rc == 0) rc = open_side(&head, head_path, &o, ms, mc, err, err_len);
    if (rc == 0) rc = match_runs(&base, &head, &pairs, res);
    if (rc == 0 && res->pairs == 0) {
        rc = an_fail(err, err_len, AN_ERR_NOTHING,
                  "nothing to compare: none of the %zu ok runs of '%s' matches one of the %zu of '%s' by "
                  "(scenario, parameters, seed) (to compare two settings of a parameter, --ignore it)",
                  base.n, base_path, head.n, head_path);
    }
    if (rc == 0) {
        x = malloc(res->pairs * sizeof *x);
        y = malloc(res->pairs * sizeof *y);
        if (!x || !y) rc = an_fail(err, err_len, AN_ERR_NOMEM, "out of memory");
    }
    if (rc == 0) {
        fprintf(out, "compare: BASE %s (%zu ok runs), HEAD %s (%zu ok runs)\n", base_path, base.n, head_path,
                head.n);
        fprintf(out,
                "  %zu matched runs in %zu (scenario, parameters) groups; unmatched: %zu in BASE, %zu in HEAD\n",
                res->pairs, res->groups, res->base_unmatched, res->head_unmatched);
        fprintf(out,
                "  bootstrap of the difference of means, %" PRIu32 " resamples, 95%% interval; tolerance %g%%\n",
                o.resamples, 100.0 * o.tolerance);
        const char *head_cells[COLS] = {"group", "metric", "seeds", "base", "head", "change",
                                        "95% CI of head-base", "verdict"};
        rc = table_add(&t, head_cells) ? AN_ERR_NOMEM : 0;
    }
    for (size_t k = 0; rc == 0 && k < res->pairs;) {
        size_t e = k;
        while (e < res->pairs && pairs[e].group == pairs[k].group) e++;
        for (size_t m = 0; rc == 0 && m < mc; m++) {
            rc = compare_one(&base, &head, pairs + k, e - k, m, mc, ms[m], &o, x, y, &t, res);
        }
        k = e;
    }
    if (rc == 0) {
        fputc('\n', out);
        if (t.rows > 1) table_print(&t, out);
        else fprintf(out, "no significant change beyond %g%% in %zu comparisons\n", 100.0 * o.tolerance,
                     res->comparisons);
        print_digest_lines(&base, &head, pairs, res, out);
        fprintf(out, "\ngroups:\n");
        for (size_t k = 0; k < res->pairs;) {
            size_t e = k;
            while (e < res->pairs && pairs[e].group == pairs[k].group) e++;
            char grp[96];
            group_label(&base, &pairs[k], grp, sizeof grp);
            fprintf(out, "  %s  scenario %s (sha256 %.12s), %zu seeds\n", grp, base.runs[pairs[k].b].name,
                    base.runs[pairs[k].b].sha, e - k);
            k = e;
        }
        fprintf(out, "\nresult: %zu regression%s, %zu improvement%s in %zu comparisons", res->regressions,
                res->regressions == 1 ? "" : "s", res->improvements, res->improvements == 1 ? "" : "s",
                res->comparisons);
        if (res->untested) fprintf(out, "; %zu untested (fewer than 2 seeds)", res->untested);
        if (res->no_data) fprintf(out, "; %zu without data (no run has a value)", res->no_data);
        fprintf(out, "; %zu digest mismatch%s\n", res->digest_mismatches, res->digest_mismatches == 1 ? "" : "es");
        if (fflush(out) != 0) rc = an_fail(err, err_len, AN_ERR_SQL, "writing the output failed");
    }
    free(x);
    free(y);
    free(t.cells);
    free(pairs);
    side_free(&base);
    side_free(&head);
    return rc;
}
