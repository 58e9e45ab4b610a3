/*
** `xrsim report` (see an_report.h): group the ok runs of a results file
** into parameter points, summarise each point across its seeds, and print
** the summary as aligned tables and as one self-contained HTML file with
** SVG plots.
**
** Statistics: per run, one value per metric from the schema's views
** (v_finality, consensus_summary); per point, the mean over seeds and a
** 95% percentile bootstrap interval of that mean.  The bootstrap is
** an_compare_bootstrap (the one `xrsim compare` uses) applied to the
** values against the single value 0: mean(values) - mean({0}) is the
** mean, so its interval is the one-sample interval, with the same fixed
** GSL seed and therefore deterministic output.
**
** The grouping key is the one an_compare.c uses (params_json with
** $.run.seed removed, per scenario SHA-256); a seed run twice in one
** point counts once (its lowest run id), as in compare.
*/
#include "an_report.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "an_compare.h"
#include "an_export.h"

#define CELL 96

__attribute__((format(printf, 4, 5))) static int fail(char *err, size_t err_len, int code, const char *fmt,
                                                      ...) {
    if (err && err_len > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, err_len, fmt, ap);
        va_end(ap);
    }
    return code;
}

static char *dup_str(const char *s) {
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d) memcpy(d, s, n + 1);
    return d;
}

static char *dup_col(sqlite3_stmt *st, int col) {
    const unsigned char *t = sqlite3_column_text(st, col);
    return dup_str(t ? (const char *)t : "");
}

/* ---- statistics ------------------------------------------------------------------- */

int an_report_mean_ci(const double *v, size_t n, unsigned long seed, an_report_stat *out) {
    assert(v != NULL && n >= 1 && out != NULL);
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) sum += v[i];
    out->n = n;
    out->mean = sum / (double)n;
    out->lo = out->hi = out->mean;
    if (n == 1) return 0;
    const double zero = 0.0;
    int rc = an_compare_bootstrap(&zero, 1, v, n, AN_REPORT_RESAMPLES, seed, &out->lo, &out->hi);
    if (rc == AN_COMPARE_ERR_NOMEM) return AN_REPORT_ERR_NOMEM;
    return rc == 0 ? 0 : AN_REPORT_ERR_GSL;
}

/* ---- loading -------------------------------------------------------------------------- */

typedef struct rrun {
    int64_t id;
    int64_t seed;
    size_t point;
    double val[AN_REPORT_METRIC_COUNT];
    int has_consensus, unsafe, stalled;
} rrun;

typedef struct leaf {
    char *path;
    char *value;
} leaf;

static const char *const metric_sql[AN_REPORT_METRIC_COUNT] = {
    "SELECT run_id, p50_s FROM v_finality WHERE level = 'latest'",
    "SELECT run_id, p90_s FROM v_finality WHERE level = 'latest'",
    "SELECT run_id, p99_s FROM v_finality WHERE level = 'latest'",
    "SELECT run_id, p50_s FROM v_finality WHERE level = 'finalized'",
    "SELECT run_id, p90_s FROM v_finality WHERE level = 'finalized'",
    "SELECT run_id, p99_s FROM v_finality WHERE level = 'finalized'",
    "SELECT run_id, SUM(gas_per_msg * executed_count) / NULLIF(SUM(executed_count), 0) FROM v_finality "
    "GROUP BY run_id",
    "SELECT run_id, SUM(eth_per_msg * executed_count) / NULLIF(SUM(executed_count), 0) FROM v_finality "
    "GROUP BY run_id",
    "SELECT run_id, height_p50_ns / 1e6 FROM consensus_summary",
    "SELECT run_id, height_p99_ns / 1e6 FROM consensus_summary",
    "SELECT run_id, heights_committed_count FROM consensus_summary",
};

static size_t run_find(const rrun *runs, size_t n, int64_t id) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (runs[mid].id < id) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && runs[lo].id == id ? lo : SIZE_MAX;
}

static void point_free(an_report_point *p, size_t varying_count) {
    free(p->sha256);
    free(p->key);
    free(p->name);
    free(p->run_ids);
    if (p->values) {
        for (size_t i = 0; i < varying_count; i++) free(p->values[i]);
        free(p->values);
    }
}

void an_report_free(an_report *r) {
    if (!r) return;
    for (size_t i = 0; i < r->point_count; i++) point_free(&r->points[i], r->varying_count);
    free(r->points);
    for (size_t i = 0; i < r->varying_count; i++) free(r->varying[i]);
    free(r->varying);
    free(r->axis);
    free(r->path);
    sqlite3_close(r->db);
    free(r);
}

/* Reads the ok runs (ascending id) and assigns them to points. */
static int load_runs(an_report *r, rrun **out_runs, size_t *out_n, char *err, size_t err_len) {
    sqlite3 *db = r->db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT id, seed, scenario_sha256, coalesce(json_remove(params_json, '$.run.seed'), ''),"
                                " scenario_name FROM runs WHERE status = 'ok' ORDER BY id",
                                -1, &st, NULL);
    rrun *runs = NULL;
    size_t n = 0, cap = 0, pcap = 0;
    int code = 0;
    while (rc == SQLITE_OK && code == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        const char *sha = (const char *)sqlite3_column_text(st, 2);
        const char *key = (const char *)sqlite3_column_text(st, 3);
        sha = sha ? sha : "";
        key = key ? key : "";
        int64_t seed = sqlite3_column_int64(st, 1);
        r->ok_runs++;
        size_t p = 0;
        while (p < r->point_count && (strcmp(r->points[p].sha256, sha) != 0 || strcmp(r->points[p].key, key) != 0)) p++;
        if (p == r->point_count) {
            if (p == pcap) {
                pcap = pcap ? 2 * pcap : 8;
                an_report_point *np = realloc(r->points, pcap * sizeof *np);
                if (!np) {
                    code = AN_REPORT_ERR_NOMEM;
                    break;
                }
                r->points = np;
            }
            an_report_point *pt = &r->points[r->point_count++];
            memset(pt, 0, sizeof *pt);
            pt->sha256 = dup_str(sha);
            pt->key = dup_str(key);
            pt->name = dup_col(st, 4);
            if (!pt->sha256 || !pt->key || !pt->name) {
                code = AN_REPORT_ERR_NOMEM;
                break;
            }
        }
        bool dup = false;
        for (size_t i = 0; i < n && !dup; i++) dup = runs[i].point == p && runs[i].seed == seed;
        if (dup) continue; /* a seed run twice: the first run counts */
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            rrun *nr = realloc(runs, cap * sizeof *nr);
            if (!nr) {
                code = AN_REPORT_ERR_NOMEM;
                break;
            }
            runs = nr;
        }
        rrun *rr = &runs[n++];
        memset(rr, 0, sizeof *rr);
        rr->id = sqlite3_column_int64(st, 0);
        rr->seed = seed;
        rr->point = p;
        for (int m = 0; m < AN_REPORT_METRIC_COUNT; m++) rr->val[m] = NAN;
    }
    sqlite3_finalize(st);
    if (code == 0 && rc != SQLITE_DONE) {
        code = fail(err, err_len, AN_REPORT_ERR_SQL, "reading runs of '%s': %s", r->path, sqlite3_errmsg(db));
    } else if (code) {
        fail(err, err_len, code, "out of memory");
    }
    *out_runs = runs;
    *out_n = n;
    return code;
}

static int load_values(an_report *r, rrun *runs, size_t n, char *err, size_t err_len) {
    sqlite3 *db = r->db;
    for (int m = 0; m < AN_REPORT_METRIC_COUNT; m++) {
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(db, metric_sql[m], -1, &st, NULL);
        while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            rc = SQLITE_OK;
            size_t i = run_find(runs, n, sqlite3_column_int64(st, 0));
            if (i == SIZE_MAX || sqlite3_column_type(st, 1) == SQLITE_NULL) continue;
            runs[i].val[m] = sqlite3_column_double(st, 1);
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) {
            return fail(err, err_len, AN_REPORT_ERR_SQL, "reading '%s': %s", r->path, sqlite3_errmsg(db));
        }
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT run_id, conflict_count > 0 OR approval_conflict_count > 0, max_stall_ns > ?1"
                                " FROM consensus_summary",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_bind_double(st, 1, r->stall_s * 1e9);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        size_t i = run_find(runs, n, sqlite3_column_int64(st, 0));
        if (i == SIZE_MAX) continue;
        runs[i].has_consensus = 1;
        runs[i].unsafe = sqlite3_column_int(st, 1) != 0;
        runs[i].stalled = sqlite3_column_int(st, 2) != 0;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        return fail(err, err_len, AN_REPORT_ERR_SQL, "reading '%s': %s", r->path, sqlite3_errmsg(db));
    }
    return 0;
}

static int summarise(an_report *r, const rrun *runs, size_t n, char *err, size_t err_len) {
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return fail(err, err_len, AN_REPORT_ERR_NOMEM, "out of memory");
    int rc = 0;
    for (size_t p = 0; rc == 0 && p < r->point_count; p++) {
        an_report_point *pt = &r->points[p];
        size_t cnt = 0;
        for (size_t i = 0; i < n; i++) cnt += runs[i].point == p;
        pt->run_ids = malloc((cnt ? cnt : 1) * sizeof *pt->run_ids);
        if (!pt->run_ids) {
            rc = fail(err, err_len, AN_REPORT_ERR_NOMEM, "out of memory");
            break;
        }
        for (size_t i = 0; i < n; i++) {
            if (runs[i].point != p) continue;
            pt->run_ids[pt->seed_count++] = runs[i].id;
            pt->consensus_runs += (size_t)runs[i].has_consensus;
            pt->unsafe_runs += (size_t)runs[i].unsafe;
            pt->stalled_runs += (size_t)runs[i].stalled;
        }
        for (int m = 0; rc == 0 && m < AN_REPORT_METRIC_COUNT; m++) {
            size_t k = 0;
            for (size_t i = 0; i < n; i++) {
                if (runs[i].point == p && !isnan(runs[i].val[m])) v[k++] = runs[i].val[m];
            }
            an_report_stat *s = &pt->stat[m];
            if (k == 0) {
                *s = (an_report_stat){0, NAN, NAN, NAN};
                continue;
            }
            rc = an_report_mean_ci(v, k, AN_REPORT_BOOTSTRAP_SEED, s);
            if (rc) fail(err, err_len, rc, "bootstrap failed");
        }
    }
    free(v);
    return rc;
}

/* The leaves of one point's parameters: (path without "$.", value as text). */
static int point_leaves(sqlite3 *db, const char *key, leaf **out, size_t *out_n) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT substr(fullkey, 3), CASE type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'"
                                " WHEN 'null' THEN 'null' ELSE atom END FROM json_tree(?1)"
                                " WHERE type NOT IN ('object', 'array') ORDER BY id",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 1, key[0] ? key : "{}", -1, SQLITE_TRANSIENT);
    leaf *ls = NULL;
    size_t n = 0, cap = 0;
    int code = 0;
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            leaf *nl = realloc(ls, cap * sizeof *nl);
            if (!nl) {
                code = AN_REPORT_ERR_NOMEM;
                break;
            }
            ls = nl;
        }
        ls[n].path = dup_col(st, 0);
        ls[n].value = dup_col(st, 1);
        n++;
        if (!ls[n - 1].path || !ls[n - 1].value) {
            code = AN_REPORT_ERR_NOMEM;
            break;
        }
    }
    if (code == 0 && rc != SQLITE_DONE) code = AN_REPORT_ERR_SQL;
    sqlite3_finalize(st);
    *out = ls;
    *out_n = n;
    return code;
}

static void leaves_free(leaf *ls, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(ls[i].path);
        free(ls[i].value);
    }
    free(ls);
}

static const char *leaf_value(const leaf *ls, size_t n, const char *path) {
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ls[i].path, path) == 0) return ls[i].value;
    }
    return NULL;
}

/* Finds the parameters whose values differ between points and stores
   each point's value of each. */
static int find_varying(an_report *r, char *err, size_t err_len) {
    size_t np = r->point_count;
    leaf **ls = calloc(np, sizeof *ls);
    size_t *ln = calloc(np, sizeof *ln);
    int rc = ls && ln ? 0 : AN_REPORT_ERR_NOMEM;
    for (size_t p = 0; rc == 0 && p < np; p++) rc = point_leaves(r->db, r->points[p].key, &ls[p], &ln[p]);
    size_t cap = 0;
    for (size_t p = 0; rc == 0 && p < np; p++) {
        for (size_t i = 0; rc == 0 && i < ln[p]; i++) {
            const char *path = ls[p][i].path;
            bool seen = false;
            for (size_t k = 0; k < r->varying_count && !seen; k++) seen = strcmp(r->varying[k], path) == 0;
            if (seen) continue;
            bool differs = false;
            for (size_t q = 0; q < np && !differs; q++) {
                const char *v = leaf_value(ls[q], ln[q], path);
                differs = !v || strcmp(v, ls[p][i].value) != 0;
            }
            if (!differs) continue;
            if (r->varying_count == cap) {
                cap = cap ? 2 * cap : 8;
                char **nv = realloc(r->varying, cap * sizeof *nv);
                if (!nv) {
                    rc = AN_REPORT_ERR_NOMEM;
                    break;
                }
                r->varying = nv;
            }
            r->varying[r->varying_count] = dup_str(path);
            if (!r->varying[r->varying_count]) rc = AN_REPORT_ERR_NOMEM;
            else r->varying_count++;
        }
    }
    for (size_t p = 0; rc == 0 && p < np; p++) {
        an_report_point *pt = &r->points[p];
        pt->values = calloc(r->varying_count ? r->varying_count : 1, sizeof *pt->values);
        if (!pt->values) {
            rc = AN_REPORT_ERR_NOMEM;
            break;
        }
        for (size_t k = 0; k < r->varying_count; k++) {
            const char *v = leaf_value(ls[p], ln[p], r->varying[k]);
            pt->values[k] = dup_str(v ? v : "-");
            if (!pt->values[k]) rc = AN_REPORT_ERR_NOMEM;
        }
    }
    for (size_t p = 0; ls && ln && p < np; p++) leaves_free(ls[p], ln[p]);
    free(ls);
    free(ln);
    if (rc == AN_REPORT_ERR_SQL) return fail(err, err_len, rc, "reading parameters: %s", sqlite3_errmsg(r->db));
    if (rc) return fail(err, err_len, rc, "out of memory");
    return 0;
}

/* "0.75" -> 0.75 unit ""; "200ms" -> 200 unit "ms"; false when not a number. */
static bool parse_quantity(const char *s, double *v, char unit[16]) {
    char *end;
    double x = strtod(s, &end);
    if (end == s || !isfinite(x)) return false;
    while (*end == ' ') end++;
    if (strlen(end) >= 16) return false;
    *v = x;
    strcpy(unit, end);
    return true;
}

static const an_report *sort_report;
static int cmp_axis(const void *a, const void *b) {
    double x = sort_report->axis[*(const size_t *)a], y = sort_report->axis[*(const size_t *)b];
    return (x > y) - (x < y);
}

/* With exactly one varying, numeric parameter: fills axis and sorts the points by it. */
static int find_axis(an_report *r) {
    if (r->varying_count != 1 || r->point_count < 2) return 0;
    double *axis = malloc(r->point_count * sizeof *axis);
    size_t *order = malloc(r->point_count * sizeof *order);
    an_report_point *sorted = malloc(r->point_count * sizeof *sorted);
    if (!axis || !order || !sorted) {
        free(axis);
        free(order);
        free(sorted);
        return AN_REPORT_ERR_NOMEM;
    }
    bool numeric = true;
    for (size_t p = 0; p < r->point_count && numeric; p++) {
        char unit[16];
        numeric = parse_quantity(r->points[p].values[0], &axis[p], unit);
        if (numeric && p == 0) strcpy(r->axis_unit, unit);
        numeric = numeric && strcmp(unit, r->axis_unit) == 0;
    }
    if (numeric) {
        r->axis = axis;
        r->numeric_axis = 1;
        for (size_t p = 0; p < r->point_count; p++) order[p] = p;
        sort_report = r;
        qsort(order, r->point_count, sizeof *order, cmp_axis);
        sort_report = NULL;
        double *na = malloc(r->point_count * sizeof *na);
        if (!na) {
            free(order);
            free(sorted);
            return AN_REPORT_ERR_NOMEM;
        }
        for (size_t p = 0; p < r->point_count; p++) {
            sorted[p] = r->points[order[p]];
            na[p] = axis[order[p]];
        }
        memcpy(r->points, sorted, r->point_count * sizeof *sorted);
        memcpy(r->axis, na, r->point_count * sizeof *na);
        free(na);
    } else {
        free(axis);
        r->axis_unit[0] = '\0';
    }
    free(order);
    free(sorted);
    return 0;
}

int an_report_load(const char *path, double stall_s, an_report **out, char *err, size_t err_len) {
    assert(path != NULL && out != NULL && stall_s > 0.0);
    *out = NULL;
    an_report *r = calloc(1, sizeof *r);
    if (!r) return fail(err, err_len, AN_REPORT_ERR_NOMEM, "out of memory");
    r->stall_s = stall_s;
    r->path = dup_str(path);
    if (!r->path) {
        free(r);
        return fail(err, err_len, AN_REPORT_ERR_NOMEM, "out of memory");
    }
    sqlite3 *db = NULL;
    int rc = an_export_open(path, &db, err, err_len);
    r->db = db;
    rrun *runs = NULL;
    size_t n = 0;
    if (rc == 0) rc = load_runs(r, &runs, &n, err, err_len);
    if (rc == 0 && n == 0) rc = fail(err, err_len, AN_REPORT_ERR_NOTHING, "'%s' holds no ok run to report on", path);
    if (rc == 0) rc = load_values(r, runs, n, err, err_len);
    if (rc == 0) rc = summarise(r, runs, n, err, err_len);
    if (rc == 0) rc = find_varying(r, err, err_len);
    if (rc == 0 && find_axis(r) != 0) rc = fail(err, err_len, AN_REPORT_ERR_NOMEM, "out of memory");
    for (size_t p = 0; rc == 0 && p < r->point_count; p++) {
        snprintf(r->points[p].label, sizeof r->points[p].label, "P%zu", p + 1);
    }
    free(runs);
    if (rc) {
        an_report_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

/* ---- tables ------------------------------------------------------------------------------ */

typedef struct table {
    const char *title;
    size_t cols, rows, cap;
    char (*cells)[CELL]; /* rows x cols */
    bool *numeric_col;
} table;

static char *cell(table *t, size_t row, size_t col) { return t->cells[row * t->cols + col]; }

static int table_init(table *t, const char *title, size_t cols) {
    memset(t, 0, sizeof *t);
    t->title = title;
    t->cols = cols;
    return 0;
}

/* Adds an empty row; returns its index or SIZE_MAX when out of memory. */
static size_t table_row(table *t) {
    if (t->rows == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        char(*nc)[CELL] = realloc(t->cells, cap * t->cols * sizeof *nc);
        if (!nc) return SIZE_MAX;
        t->cells = nc;
        t->cap = cap;
    }
    for (size_t c = 0; c < t->cols; c++) t->cells[t->rows * t->cols + c][0] = '\0';
    return t->rows++;
}

static void table_free(table *t) { free(t->cells); }

/* 4 significant digits; whole numbers from 10^4 to 10^12 (gas) in full. */
static void fmt_num(double v, char *buf, size_t len) {
    if (fabs(v) >= 1e4 && fabs(v) < 1e12) snprintf(buf, len, "%.0f", v);
    else snprintf(buf, len, "%.4g", v);
}

static void fmt_stat(const an_report_stat *s, char *buf, size_t len) {
    char m[24], l[24], h[24];
    fmt_num(s->mean, m, sizeof m);
    fmt_num(s->lo, l, sizeof l);
    fmt_num(s->hi, h, sizeof h);
    if (s->n == 0) snprintf(buf, len, "-");
    else if (s->n == 1) snprintf(buf, len, "%s", m);
    else snprintf(buf, len, "%s [%s, %s]", m, l, h);
}

static void fmt_rate(size_t k, size_t n, char *buf, size_t len) {
    if (n == 0) snprintf(buf, len, "-");
    else snprintf(buf, len, "%zu/%zu", k, n);
}

/* The three tables: fast finality, finalized finality, cost and consensus.
   Each starts with the point, the varying parameters and the seed count. */
enum { TABLE_COUNT = 3 };
static const char *const table_titles[TABLE_COUNT] = {
    "fast finality (s): mean over seeds [95% bootstrap CI]",
    "finalized finality (s): mean over seeds [95% bootstrap CI]",
    "cost per executed message and consensus: mean over seeds [95% CI]; unsafe/stalled runs",
};

static int build_tables(const an_report *r, table ts[TABLE_COUNT]) {
    static const char *const heads[TABLE_COUNT][7] = {
        {"fast p50", "fast p90", "fast p99", NULL},
        {"finalized p50", "finalized p90", "finalized p99", NULL},
        {"gas/msg", "ETH/msg", "height p50 ms", "height p99 ms", "heights", "unsafe", "stalled"},
    };
    static const int metrics[TABLE_COUNT][7] = {
        {AN_REPORT_FAST_P50_S, AN_REPORT_FAST_P90_S, AN_REPORT_FAST_P99_S, -1},
        {AN_REPORT_FIN_P50_S, AN_REPORT_FIN_P90_S, AN_REPORT_FIN_P99_S, -1},
        {AN_REPORT_GAS_PER_MSG, AN_REPORT_ETH_PER_MSG, AN_REPORT_HEIGHT_P50_MS, AN_REPORT_HEIGHT_P99_MS,
         AN_REPORT_HEIGHTS, -2, -3},
    };
    size_t lead = 2 + r->varying_count + 1; /* point, scenario, params..., seeds */
    for (int t = 0; t < TABLE_COUNT; t++) {
        size_t extra = 0;
        while (extra < 7 && heads[t][extra]) extra++;
        table_init(&ts[t], table_titles[t], lead + extra);
        size_t row = table_row(&ts[t]);
        if (row == SIZE_MAX) return AN_REPORT_ERR_NOMEM;
        snprintf(cell(&ts[t], row, 0), CELL, "point");
        snprintf(cell(&ts[t], row, 1), CELL, "scenario");
        for (size_t k = 0; k < r->varying_count; k++) snprintf(cell(&ts[t], row, 2 + k), CELL, "%s", r->varying[k]);
        snprintf(cell(&ts[t], row, lead - 1), CELL, "seeds");
        for (size_t e = 0; e < extra; e++) snprintf(cell(&ts[t], row, lead + e), CELL, "%s", heads[t][e]);
        for (size_t p = 0; p < r->point_count; p++) {
            const an_report_point *pt = &r->points[p];
            row = table_row(&ts[t]);
            if (row == SIZE_MAX) return AN_REPORT_ERR_NOMEM;
            snprintf(cell(&ts[t], row, 0), CELL, "%s", pt->label);
            snprintf(cell(&ts[t], row, 1), CELL, "%s", pt->name);
            for (size_t k = 0; k < r->varying_count; k++) snprintf(cell(&ts[t], row, 2 + k), CELL, "%s", pt->values[k]);
            snprintf(cell(&ts[t], row, lead - 1), CELL, "%zu", pt->seed_count);
            for (size_t e = 0; e < extra; e++) {
                char *c = cell(&ts[t], row, lead + e);
                int m = metrics[t][e];
                if (m >= 0) fmt_stat(&pt->stat[m], c, CELL);
                else if (m == -2) fmt_rate(pt->unsafe_runs, pt->consensus_runs, c, CELL);
                else fmt_rate(pt->stalled_runs, pt->consensus_runs, c, CELL);
            }
        }
    }
    return 0;
}

static void table_print(table *t, FILE *out) {
    size_t w[64] = {0};
    assert(t->cols <= 64);
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t c = 0; c < t->cols; c++) {
            size_t n = strlen(cell(t, r, c));
            if (n > w[c]) w[c] = n;
        }
    }
    fprintf(out, "%s\n", t->title);
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t c = 0; c < t->cols; c++) {
            if (c + 1 == t->cols) fprintf(out, "%s\n", cell(t, r, c));
            else fprintf(out, "%-*s  ", (int)w[c], cell(t, r, c));
        }
    }
}

static void free_tables(table ts[TABLE_COUNT]) {
    for (int t = 0; t < TABLE_COUNT; t++) table_free(&ts[t]);
}

int an_report_print(const an_report *r, FILE *out) {
    assert(r != NULL && out != NULL);
    if (r->varying_count > 60) return AN_REPORT_ERR_NOMEM;
    table ts[TABLE_COUNT] = {{0}};
    int rc = build_tables(r, ts);
    if (rc == 0) {
        fprintf(out, "report: %s: %zu ok runs in %zu parameter point%s", r->path, r->ok_runs, r->point_count,
                r->point_count == 1 ? "" : "s");
        if (r->varying_count) {
            fprintf(out, "; varying:");
            for (size_t k = 0; k < r->varying_count; k++) fprintf(out, "%s %s", k ? "," : "", r->varying[k]);
        }
        fprintf(out, "\nstalled: longest time without a new consensus height > %g s; unsafe: a conflicting "
                     "honest commit or approval\n", r->stall_s);
        for (int t = 0; t < TABLE_COUNT; t++) {
            fputc('\n', out);
            table_print(&ts[t], out);
        }
    }
    free_tables(ts);
    if (rc == 0 && (ferror(out) || fflush(out) != 0)) rc = AN_REPORT_ERR_IO;
    return rc;
}

/* ---- HTML ------------------------------------------------------------------------------------ */

static void html_text(FILE *out, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out);
        }
    }
}

static void html_table(FILE *out, table *t) {
    fputs("<h3>", out);
    html_text(out, t->title);
    fputs("</h3>\n<table>\n", out);
    for (size_t r = 0; r < t->rows; r++) {
        fputs("<tr>", out);
        for (size_t c = 0; c < t->cols; c++) {
            fputs(r == 0 ? "<th>" : "<td>", out);
            html_text(out, cell(t, r, c));
            fputs(r == 0 ? "</th>" : "</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</table>\n", out);
}

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                      "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};
#define PALETTE_COUNT (sizeof palette / sizeof palette[0])

typedef struct plot {
    double x0, x1, y0, y1;
    double w, h, ml, mr, mt, mb;
} plot;

static double px(const plot *p, double x) { return p->ml + (x - p->x0) / (p->x1 - p->x0) * (p->w - p->ml - p->mr); }
static double py(const plot *p, double y) { return p->h - p->mb - (y - p->y0) / (p->y1 - p->y0) * (p->h - p->mt - p->mb); }

static double nice_step(double range) {
    if (!(range > 0.0)) return 1.0;
    double raw = range / 5.0, mag = pow(10.0, floor(log10(raw))), f = raw / mag;
    return (f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0) * mag;
}

/* Widens [*lo, *hi] to multiples of a nice step. */
static void nice_range(double *lo, double *hi) {
    if (!(*hi > *lo)) {
        double d = fabs(*lo) > 0 ? fabs(*lo) * 0.1 : 1.0;
        *lo -= d;
        *hi += d;
    }
    double s = nice_step(*hi - *lo);
    *lo = floor(*lo / s + 1e-9) * s;
    *hi = ceil(*hi / s - 1e-9) * s;
}

static void svg_open(FILE *out, const plot *p, const char *title, const char *xlabel, const char *ylabel) {
    fprintf(out, "<svg width=\"%g\" height=\"%g\" viewBox=\"0 0 %g %g\" role=\"img\">\n", p->w, p->h, p->w, p->h);
    fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%g\" height=\"%g\" fill=\"#fff\"/>\n", p->w, p->h);
    fprintf(out, "<text x=\"%g\" y=\"18\" text-anchor=\"middle\" font-weight=\"bold\">", (p->ml + p->w - p->mr) / 2);
    html_text(out, title);
    fputs("</text>\n", out);
    double sx = nice_step(p->x1 - p->x0), sy = nice_step(p->y1 - p->y0);
    fputs("<g font-size=\"11\" fill=\"#333\">\n", out);
    for (double x = ceil(p->x0 / sx - 1e-9) * sx; x <= p->x1 + 1e-9 * sx; x += sx) {
        double X = px(p, x);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" y2=\"%g\" stroke=\"#e4e4e4\"/>", X, p->mt, X,
                p->h - p->mb);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" y2=\"%g\" stroke=\"#333\"/>", X, p->h - p->mb, X,
                p->h - p->mb + 5);
        fprintf(out, "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%.6g</text>\n", X, p->h - p->mb + 18,
                fabs(x) < 1e-12 * sx ? 0.0 : x);
    }
    for (double y = ceil(p->y0 / sy - 1e-9) * sy; y <= p->y1 + 1e-9 * sy; y += sy) {
        double Y = py(p, y);
        fprintf(out, "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>", p->ml, Y,
                p->w - p->mr, Y);
        fprintf(out, "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#333\"/>", p->ml - 5, Y, p->ml, Y);
        fprintf(out, "<text x=\"%g\" y=\"%.1f\" text-anchor=\"end\">%.6g</text>\n", p->ml - 8, Y + 4,
                fabs(y) < 1e-12 * sy ? 0.0 : y);
    }
    fputs("</g>\n", out);
    fprintf(out, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"#333\"/>\n", p->ml, p->mt,
            p->w - p->ml - p->mr, p->h - p->mt - p->mb);
    fprintf(out, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">", (p->ml + p->w - p->mr) / 2, p->h - 8);
    html_text(out, xlabel);
    fprintf(out, "</text>\n<text transform=\"translate(16 %g) rotate(-90)\" text-anchor=\"middle\">",
            (p->mt + p->h - p->mb) / 2);
    html_text(out, ylabel);
    fputs("</text>\n", out);
}

static void svg_legend(FILE *out, const plot *p, size_t i, const char *text) {
    double x = p->w - p->mr + 12, y = p->mt + 10 + 18.0 * (double)i;
    fprintf(out, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"%s\" stroke-width=\"2\"/>", x, y, x + 20, y,
            palette[i % PALETTE_COUNT]);
    fprintf(out, "<text x=\"%g\" y=\"%g\" font-size=\"11\">", x + 26, y + 4);
    html_text(out, text);
    fputs("</text>\n", out);
}

static void point_caption(const an_report *r, const an_report_point *pt, char *buf, size_t len) {
    size_t used = (size_t)snprintf(buf, len, "%s", pt->label);
    for (size_t k = 0; k < r->varying_count && k < 2 && used < len; k++) {
        const char *key = strrchr(r->varying[k], '.');
        key = key ? key + 1 : r->varying[k];
        used += (size_t)snprintf(buf + used, len - used, " %s=%.12s", key, pt->values[k]);
    }
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Finality latencies (s) of a point's runs at one level, sorted; *emitted
   counts every message emitted after the warm-up (the CDF's denominator). */
static int point_latencies(const an_report *r, const an_report_point *pt, const char *level, double **out,
                           size_t *n, size_t *emitted) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(r->db,
                                "SELECT (m.executed_ns - m.emitted_ns) / 1e9 FROM messages m JOIN run_window w"
                                " ON w.run_id = m.run_id WHERE m.run_id = ?1 AND m.level = ?2"
                                " AND m.emitted_ns >= w.warmup_ns",
                                -1, &st, NULL);
    double *v = NULL;
    size_t k = 0, cap = 0, e = 0;
    int code = 0;
    for (size_t i = 0; rc == SQLITE_OK && code == 0 && i < pt->seed_count; i++) {
        sqlite3_reset(st);
        rc = sqlite3_bind_int64(st, 1, pt->run_ids[i]);
        if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 2, level, -1, SQLITE_STATIC);
        while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            rc = SQLITE_OK;
            e++;
            if (sqlite3_column_type(st, 0) == SQLITE_NULL) continue;
            if (k == cap) {
                cap = cap ? 2 * cap : 1024;
                double *nv = realloc(v, cap * sizeof *nv);
                if (!nv) {
                    code = AN_REPORT_ERR_NOMEM;
                    break;
                }
                v = nv;
            }
            v[k++] = sqlite3_column_double(st, 0);
        }
        if (rc == SQLITE_DONE) rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (code == 0 && rc != SQLITE_OK) code = AN_REPORT_ERR_SQL;
    if (code) {
        free(v);
        return code;
    }
    if (k) qsort(v, k, sizeof *v, cmp_double);
    *out = v;
    *n = k;
    *emitted = e;
    return 0;
}

/* One CDF plot for a level: one step curve per point with messages. */
static int html_cdf(const an_report *r, FILE *out, const char *level, const char *level_name) {
    size_t np = r->point_count;
    double **lat = calloc(np, sizeof *lat);
    size_t *n = calloc(np, sizeof *n), *em = calloc(np, sizeof *em);
    int rc = lat && n && em ? 0 : AN_REPORT_ERR_NOMEM;
    double xmax = 0.0;
    size_t any = 0;
    for (size_t p = 0; rc == 0 && p < np; p++) {
        rc = point_latencies(r, &r->points[p], level, &lat[p], &n[p], &em[p]);
        if (rc == 0 && n[p]) {
            any++;
            if (lat[p][n[p] - 1] > xmax) xmax = lat[p][n[p] - 1];
        }
    }
    if (rc == 0 && any) {
        plot pl = {0.0, xmax, 0.0, 1.0, 760, 340, 60, 170, 30, 45};
        nice_range(&pl.x0, &pl.x1);
        pl.x0 = 0.0;
        char title[128], xl[64];
        snprintf(title, sizeof title, "Finality CDF, %s messages", level_name);
        snprintf(xl, sizeof xl, "finality (s), emitted to executed");
        fputs("<figure>\n", out);
        svg_open(out, &pl, title, xl, "share of emitted messages");
        for (size_t p = 0; p < np; p++) {
            if (!n[p]) continue;
            fprintf(out, "<polyline fill=\"none\" stroke-width=\"1.6\" stroke=\"%s\" points=\"%.1f,%.1f",
                    palette[p % PALETTE_COUNT], px(&pl, 0.0), py(&pl, 0.0));
            size_t step = n[p] / 500 + 1; /* at most ~500 vertices per curve */
            double prev = 0.0;
            for (size_t i = 0; i < n[p]; i += step) {
                double x = lat[p][i], y = (double)(i + 1) / (double)em[p];
                fprintf(out, " %.1f,%.1f %.1f,%.1f", px(&pl, x), py(&pl, prev), px(&pl, x), py(&pl, y));
                prev = y;
            }
            double yl = (double)n[p] / (double)em[p];
            fprintf(out, " %.1f,%.1f %.1f,%.1f %.1f,%.1f\"/>\n", px(&pl, lat[p][n[p] - 1]), py(&pl, prev),
                    px(&pl, lat[p][n[p] - 1]), py(&pl, yl), px(&pl, pl.x1), py(&pl, yl));
            char cap[128];
            point_caption(r, &r->points[p], cap, sizeof cap);
            svg_legend(out, &pl, p, cap);
        }
        fputs("</svg>\n<figcaption>Pooled over the seeds of each point; messages emitted after the warm-up. A curve "
              "ending below 1: messages not executed by the end of the run.</figcaption>\n</figure>\n",
              out);
    } else if (rc == 0) {
        fprintf(out, "<p>No %s message was executed: no CDF.</p>\n", level_name);
    }
    for (size_t p = 0; lat && p < np; p++) free(lat[p]);
    free(lat);
    free(n);
    free(em);
    return rc;
}

/* Metric (mean with CI band) against the single numeric varying parameter. */
static void html_vs_param(const an_report *r, FILE *out, int metric, const char *name) {
    size_t np = r->point_count, k = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t p = 0; p < np; p++) {
        const an_report_stat *s = &r->points[p].stat[metric];
        if (s->n == 0) continue;
        k++;
        lo = fmin(lo, s->lo);
        hi = fmax(hi, s->hi);
    }
    if (k == 0) return;
    plot pl = {r->axis[0], r->axis[np - 1], lo, hi, 640, 320, 70, 30, 30, 45};
    nice_range(&pl.x0, &pl.x1);
    nice_range(&pl.y0, &pl.y1);
    char title[160], xl[160];
    snprintf(title, sizeof title, "%s vs %s (mean, 95%% CI band)", name, r->varying[0]);
    snprintf(xl, sizeof xl, "%s%s%s%s", r->varying[0], r->axis_unit[0] ? " (" : "", r->axis_unit,
             r->axis_unit[0] ? ")" : "");
    fputs("<figure>\n", out);
    svg_open(out, &pl, title, xl, name);
    fputs("<polygon fill=\"#1f77b4\" fill-opacity=\"0.2\" stroke=\"none\" points=\"", out);
    for (size_t p = 0; p < np; p++) {
        const an_report_stat *s = &r->points[p].stat[metric];
        if (s->n) fprintf(out, " %.1f,%.1f", px(&pl, r->axis[p]), py(&pl, s->hi));
    }
    for (size_t p = np; p-- > 0;) {
        const an_report_stat *s = &r->points[p].stat[metric];
        if (s->n) fprintf(out, " %.1f,%.1f", px(&pl, r->axis[p]), py(&pl, s->lo));
    }
    fputs("\"/>\n<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"", out);
    for (size_t p = 0; p < np; p++) {
        const an_report_stat *s = &r->points[p].stat[metric];
        if (s->n) fprintf(out, " %.1f,%.1f", px(&pl, r->axis[p]), py(&pl, s->mean));
    }
    fputs("\"/>\n", out);
    for (size_t p = 0; p < np; p++) {
        const an_report_stat *s = &r->points[p].stat[metric];
        if (s->n) {
            fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#1f77b4\"><title>%s: %.4g [%.4g, %.4g], %zu seeds</title></circle>\n",
                    px(&pl, r->axis[p]), py(&pl, s->mean), r->points[p].label, s->mean, s->lo, s->hi, s->n);
        }
    }
    fputs("</svg>\n</figure>\n", out);
}

static const char css[] =
    "body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}"
    "table{border-collapse:collapse;margin:8px 0 20px;font-size:13px}"
    "th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;white-space:nowrap}"
    "th{background:#f0f0f0}tr:nth-child(even) td{background:#fafafa}"
    "figure{margin:12px 0 24px}figcaption{font-size:12px;color:#555}"
    "svg{font-family:sans-serif;font-size:12px}code{background:#f4f4f4;padding:0 3px}";

int an_report_write_html(const an_report *r, FILE *out, char *err, size_t err_len) {
    assert(r != NULL && out != NULL);
    if (r->varying_count > 60) return fail(err, err_len, AN_REPORT_ERR_NOMEM, "too many varying parameters");
    table ts[TABLE_COUNT] = {{0}};
    int rc = build_tables(r, ts);
    if (rc) {
        free_tables(ts);
        return fail(err, err_len, rc, "out of memory");
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>xrsim report</title>\n<style>",
          out);
    fputs(css, out);
    fputs("</style>\n</head>\n<body>\n<h1>xrsim report</h1>\n<p>File <code>", out);
    html_text(out, r->path);
    fprintf(out, "</code>: %zu ok runs in %zu parameter point%s (same scenario and parameters apart from the seed).",
            r->ok_runs, r->point_count, r->point_count == 1 ? "" : "s");
    if (r->varying_count) {
        fputs(" Parameters that differ between points:", out);
        for (size_t k = 0; k < r->varying_count; k++) {
            fputs(k ? ", <code>" : " <code>", out);
            html_text(out, r->varying[k]);
            fputs("</code>", out);
        }
        fputc('.', out);
    }
    fprintf(out, "</p>\n<p>Each value is the mean over a point's seeds with a 95%% percentile bootstrap interval "
                 "(%u resamples, fixed seed). <b>unsafe</b>: runs with a conflicting honest commit or approval; "
                 "<b>stalled</b>: runs whose longest time without a new consensus height exceeds %g s.</p>\n",
            AN_REPORT_RESAMPLES, r->stall_s);
    fputs("<h2>Parameter points</h2>\n", out);
    for (int t = 0; t < TABLE_COUNT; t++) html_table(out, &ts[t]);
    free_tables(ts);
    fputs("<h2>Finality distribution</h2>\n", out);
    rc = html_cdf(r, out, "latest", "fast (latest)");
    if (rc == 0) rc = html_cdf(r, out, "finalized", "finalized");
    if (rc == 0 && r->numeric_axis) {
        fputs("<h2>Metrics against the swept parameter</h2>\n", out);
        html_vs_param(r, out, AN_REPORT_FAST_P99_S, "fast p99 finality (s)");
        html_vs_param(r, out, AN_REPORT_HEIGHT_P50_MS, "time per height p50 (ms)");
    }
    fputs("</body>\n</html>\n", out);
    if (rc == AN_REPORT_ERR_SQL) return fail(err, err_len, rc, "reading messages: %s", sqlite3_errmsg(r->db));
    if (rc) return fail(err, err_len, rc, "out of memory");
    if (ferror(out) || fflush(out) != 0) return fail(err, err_len, AN_REPORT_ERR_IO, "writing the HTML failed");
    return 0;
}

int an_report_write_html_file(const an_report *r, const char *html_path, char *err, size_t err_len) {
    assert(r != NULL && html_path != NULL);
    size_t len = strlen(html_path) + 5;
    char *tmp = malloc(len);
    if (!tmp) return fail(err, err_len, AN_REPORT_ERR_NOMEM, "out of memory");
    snprintf(tmp, len, "%s.tmp", html_path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        int rc = fail(err, err_len, AN_REPORT_ERR_IO, "cannot write '%s'", tmp);
        free(tmp);
        return rc;
    }
    int rc = an_report_write_html(r, f, err, err_len);
    if (fclose(f) != 0 && rc == 0) rc = fail(err, err_len, AN_REPORT_ERR_IO, "writing '%s' failed", tmp);
    if (rc == 0 && rename(tmp, html_path) != 0) {
        rc = fail(err, err_len, AN_REPORT_ERR_IO, "cannot rename '%s' to '%s'", tmp, html_path);
    }
    if (rc) remove(tmp);
    free(tmp);
    return rc;
}
