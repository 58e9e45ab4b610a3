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
**
** The version-2 tables (verdicts, restaking_summary, offences,
** coalitions) are read only when the file has them: a schema-1 file is
** opened read-only and never upgraded, so they may be missing.  Amounts
** leave SQLite in ETH (gwei / 1e9): no gwei reaches a table or a plot.
*/
#include "an_report.h"
#include "an_outfile.h"

#include <assert.h>
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "an_approaches.h"
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
    int has_consensus, unsafe, stalled;   /* from consensus_summary (the fallback) */
    int has_verdict, v_unsafe, v_stalled; /* from verdicts */
    int has_restaking;
    double delay_s;                       /* restaking_summary.withdrawal_delay_ns, s */
    size_t outcome_count[AN_REPORT_OUTCOME_COUNT];
} rrun;

/* One coalitions row of a counted run. */
typedef struct crow {
    size_t run; /* index in the runs array */
    int64_t index;
    char *name;
    char attack[8];
    double stake_fraction, pnl, value, slashed, cost, profit, delegators;
    int profitable;
} crow;

static const char *const outcome_names[AN_REPORT_OUTCOME_COUNT] = {
    "slashed", "withdrawn", "already_slashed", "vetoed", "rejected", "duplicate", "pending", "not_provable",
};

const char *an_report_outcome_name(an_report_outcome o) {
    assert(o >= 0 && o < AN_REPORT_OUTCOME_COUNT);
    return outcome_names[o];
}

void an_report_fmt_duration(double s, char *buf, size_t len) {
    assert(buf != NULL && len > 0);
    static const struct {
        double s;
        const char *unit;
    } units[] = {{86400.0, "d"}, {3600.0, "h"}, {60.0, "min"}, {1.0, "s"}, {1e-3, "ms"}, {1e-6, "us"}, {1e-9, "ns"}};
    if (!isfinite(s)) {
        snprintf(buf, len, "-");
        return;
    }
    if (s == 0.0) {
        snprintf(buf, len, "0 s");
        return;
    }
    size_t u = 0;
    while (u + 1 < sizeof units / sizeof units[0] && fabs(s) < units[u].s * (1.0 - 1e-9)) u++;
    snprintf(buf, len, "%.3g %s", s / units[u].s, units[u].unit);
}

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
    "SELECT run_id, forged_executed_count FROM verdicts",
    "SELECT run_id, forged_value_gwei / 1e9 FROM verdicts",
    "SELECT run_id, delayed_msg_count FROM verdicts",
    "SELECT run_id, slashed_gwei / 1e9 FROM restaking_summary",
    "SELECT run_id, SUM(l1_eth_per_msg * executed_count) / NULLIF(SUM(executed_count), 0) FROM v_finality "
    "GROUP BY run_id",
};

/* The table each metric needs (read only when the file has it). */
static const char *const metric_table[AN_REPORT_METRIC_COUNT] = {
    [AN_REPORT_FORGED_EXECUTED] = "verdicts",
    [AN_REPORT_FORGED_VALUE_ETH] = "verdicts",
    [AN_REPORT_DELAYED_MSGS] = "verdicts",
    [AN_REPORT_SLASHED_ETH] = "restaking_summary",
};

/* 1 when the file has table `name`, 0 when not, negative on an SQL error. */
static int table_exists(sqlite3 *db, const char *name) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", -1, &st, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* 1 when table `table` has column `col`, 0 when not, -1 on an error. */
static int column_exists(sqlite3 *db, const char *table, const char *col) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1, &st, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

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
    for (size_t i = 0; p->coalitions && i < p->coalition_count; i++) free(p->coalitions[i].name);
    free(p->coalitions);
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
    for (size_t i = 0; i < r->econ_count; i++) {
        an_report_econ *e = &r->econ[i];
        free(e->name);
        free(e->scenario);
        free(e->sha256);
        free(e->stakes);
        free(e->delays_s);
        free(e->pnl_eth);
        free(e->profitable);
        free(e->points);
    }
    free(r->econ);
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
        if (metric_table[m]) {
            int has = table_exists(db, metric_table[m]);
            if (has < 0) return fail(err, err_len, AN_REPORT_ERR_SQL, "reading '%s': %s", r->path, sqlite3_errmsg(db));
            if (!has) continue;
        }
        if (m == AN_REPORT_L1_ETH_PER_MSG) { /* files before schema version 3 lack it */
            int has = column_exists(db, "v_finality", "l1_eth_per_msg");
            if (has < 0) return fail(err, err_len, AN_REPORT_ERR_SQL, "reading '%s': %s", r->path, sqlite3_errmsg(db));
            if (!has) continue;
        }
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
    /* the version-2 per-run tables, when the file has them */
    static const char *const v2_sql[3][2] = {
        {"verdicts", "SELECT run_id, unsafe, stalled FROM verdicts"},
        {"restaking_summary", "SELECT run_id, withdrawal_delay_ns / 1e9 FROM restaking_summary"},
        {"offences", "SELECT run_id, outcome, count(*) FROM offences GROUP BY run_id, outcome"},
    };
    for (int q = 0; q < 3; q++) {
        int has = table_exists(db, v2_sql[q][0]);
        if (has < 0) return fail(err, err_len, AN_REPORT_ERR_SQL, "reading '%s': %s", r->path, sqlite3_errmsg(db));
        if (!has) continue;
        rc = sqlite3_prepare_v2(db, v2_sql[q][1], -1, &st, NULL);
        while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            rc = SQLITE_OK;
            size_t i = run_find(runs, n, sqlite3_column_int64(st, 0));
            if (i == SIZE_MAX) continue;
            rrun *rr = &runs[i];
            if (q == 0) {
                rr->has_verdict = 1;
                rr->v_unsafe = sqlite3_column_int(st, 1) != 0;
                rr->v_stalled = sqlite3_column_int(st, 2) != 0;
            } else if (q == 1) {
                rr->has_restaking = 1;
                rr->delay_s = sqlite3_column_double(st, 1);
            } else {
                const char *o = (const char *)sqlite3_column_text(st, 1);
                for (int k = 0; o && k < AN_REPORT_OUTCOME_COUNT; k++) {
                    if (strcmp(o, outcome_names[k]) == 0) rr->outcome_count[k] += (size_t)sqlite3_column_int64(st, 2);
                }
            }
        }
        sqlite3_finalize(st);
        st = NULL;
        if (rc != SQLITE_DONE) {
            return fail(err, err_len, AN_REPORT_ERR_SQL, "reading '%s': %s", r->path, sqlite3_errmsg(db));
        }
    }
    return 0;
}

static void crows_free(crow *cs, size_t n) {
    for (size_t i = 0; cs && i < n; i++) free(cs[i].name);
    free(cs);
}

/* The coalitions rows of the counted runs, in (run id, coalition) order. */
static int load_coalitions(an_report *r, const rrun *runs, size_t n, crow **out, size_t *out_n, char *err,
                           size_t err_len) {
    *out = NULL;
    *out_n = 0;
    int has = table_exists(r->db, "coalitions");
    if (has < 0) return fail(err, err_len, AN_REPORT_ERR_SQL, "reading '%s': %s", r->path, sqlite3_errmsg(r->db));
    if (!has) return 0;
    /* delegators_slashed_gwei came after the first version-2 files */
    int dl = column_exists(r->db, "coalitions", "delegators_slashed_gwei");
    if (dl < 0) return fail(err, err_len, AN_REPORT_ERR_SQL, "reading '%s': %s", r->path, sqlite3_errmsg(r->db));
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(r->db,
                                dl ? "SELECT run_id, coalition, name, attack, stake_fraction, pnl_gwei / 1e9,"
                                     " value_extracted_gwei / 1e9, slashed_gwei / 1e9, cost_of_corruption_gwei / 1e9,"
                                     " profit_from_corruption_gwei / 1e9, profitable, delegators_slashed_gwei / 1e9"
                                     " FROM coalitions ORDER BY run_id, coalition"
                                   : "SELECT run_id, coalition, name, attack, stake_fraction, pnl_gwei / 1e9,"
                                     " value_extracted_gwei / 1e9, slashed_gwei / 1e9, cost_of_corruption_gwei / 1e9,"
                                     " profit_from_corruption_gwei / 1e9, profitable, 0.0"
                                     " FROM coalitions ORDER BY run_id, coalition",
                                -1, &st, NULL);
    crow *cs = NULL;
    size_t k = 0, cap = 0;
    int code = 0;
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        size_t i = run_find(runs, n, sqlite3_column_int64(st, 0));
        if (i == SIZE_MAX) continue;
        if (k == cap) {
            cap = cap ? 2 * cap : 64;
            crow *nc = realloc(cs, cap * sizeof *nc);
            if (!nc) {
                code = AN_REPORT_ERR_NOMEM;
                break;
            }
            cs = nc;
        }
        crow *c = &cs[k++];
        memset(c, 0, sizeof *c);
        c->run = i;
        c->index = sqlite3_column_int64(st, 1);
        c->name = dup_col(st, 2);
        if (!c->name) {
            code = AN_REPORT_ERR_NOMEM;
            break;
        }
        const unsigned char *a = sqlite3_column_text(st, 3);
        snprintf(c->attack, sizeof c->attack, "%s", a ? (const char *)a : "");
        c->stake_fraction = sqlite3_column_double(st, 4);
        c->pnl = sqlite3_column_double(st, 5);
        c->value = sqlite3_column_double(st, 6);
        c->slashed = sqlite3_column_double(st, 7);
        c->cost = sqlite3_column_double(st, 8);
        c->profit = sqlite3_column_double(st, 9);
        c->profitable = sqlite3_column_int(st, 10) != 0;
        c->delegators = sqlite3_column_double(st, 11);
    }
    sqlite3_finalize(st);
    if (code == 0 && rc != SQLITE_DONE) {
        code = fail(err, err_len, AN_REPORT_ERR_SQL, "reading coalitions of '%s': %s", r->path, sqlite3_errmsg(r->db));
    } else if (code) {
        fail(err, err_len, code, "out of memory");
    }
    if (code) {
        crows_free(cs, k);
        return code;
    }
    *out = cs;
    *out_n = k;
    return 0;
}

/* Mean and interval of the k values gathered in v (k == 0: no value). */
static int stat_of(const double *v, size_t k, an_report_stat *s) {
    if (k == 0) {
        *s = (an_report_stat){0, NAN, NAN, NAN};
        return 0;
    }
    return an_report_mean_ci(v, k, AN_REPORT_BOOTSTRAP_SEED, s);
}

/* The statistics of one coalition index over the rows cs[idx[0..k)]. */
static int coalition_stats(const crow *cs, const size_t *idx, size_t k, double *v, an_report_coalition *out) {
    assert(k >= 1);
    out->index = cs[idx[0]].index;
    out->name = dup_str(cs[idx[0]].name);
    if (!out->name) return AN_REPORT_ERR_NOMEM;
    snprintf(out->attack, sizeof out->attack, "%s", cs[idx[0]].attack);
    out->runs = k;
    double stake = 0.0;
    for (size_t i = 0; i < k; i++) {
        out->profitable_runs += (size_t)cs[idx[i]].profitable;
        stake += cs[idx[i]].stake_fraction;
    }
    out->stake_fraction = stake / (double)k;
    an_report_stat *st[6] = {&out->pnl_eth,  &out->value_eth,  &out->slashed_eth,
                             &out->cost_eth, &out->profit_eth, &out->delegators_eth};
    int rc = 0;
    for (int m = 0; rc == 0 && m < 6; m++) {
        for (size_t i = 0; i < k; i++) {
            const crow *c = &cs[idx[i]];
            v[i] = m == 0   ? c->pnl
                   : m == 1 ? c->value
                   : m == 2 ? c->slashed
                   : m == 3 ? c->cost
                   : m == 4 ? c->profit
                            : c->delegators;
        }
        rc = stat_of(v, k, st[m]);
    }
    return rc;
}

/* Per point: the coalitions of its runs, by index. */
static int point_coalitions(an_report_point *pt, size_t p, const rrun *runs, const crow *cs, size_t nc, double *v,
                            size_t *idx) {
    for (size_t i = 0; i < nc; i++) {
        if (runs[cs[i].run].point != p) continue;
        bool seen = false;
        for (size_t c = 0; c < pt->coalition_count && !seen; c++) seen = pt->coalitions[c].index == cs[i].index;
        if (seen) continue;
        int64_t index = cs[i].index;
        size_t k = 0;
        for (size_t j = i; j < nc; j++) {
            if (runs[cs[j].run].point == p && cs[j].index == index) idx[k++] = j;
        }
        an_report_coalition *nc2 = realloc(pt->coalitions, (pt->coalition_count + 1) * sizeof *nc2);
        if (!nc2) return AN_REPORT_ERR_NOMEM;
        pt->coalitions = nc2;
        an_report_coalition *co = &pt->coalitions[pt->coalition_count++];
        memset(co, 0, sizeof *co);
        int rc = coalition_stats(cs, idx, k, v, co);
        if (rc) return rc;
    }
    /* ascending index (rows come in run order, so a later run may bring a lower index) */
    for (size_t a = 1; a < pt->coalition_count; a++) {
        for (size_t b = a; b > 0 && pt->coalitions[b - 1].index > pt->coalitions[b].index; b--) {
            an_report_coalition t = pt->coalitions[b - 1];
            pt->coalitions[b - 1] = pt->coalitions[b];
            pt->coalitions[b] = t;
        }
    }
    return 0;
}

/* Adds x to the ascending set vals[0..*n) unless a value within 1e-9
   (relative) is there. */
static void set_add(double *vals, size_t *n, double x) {
    size_t i = 0;
    while (i < *n && vals[i] < x && !(fabs(vals[i] - x) <= 1e-9 * fmax(1.0, fabs(x)))) i++;
    if (i < *n && fabs(vals[i] - x) <= 1e-9 * fmax(1.0, fabs(x))) return;
    memmove(&vals[i + 1], &vals[i], (*n - i) * sizeof *vals);
    vals[i] = x;
    (*n)++;
}

static size_t set_find(const double *vals, size_t n, double x) {
    for (size_t i = 0; i < n; i++) {
        if (fabs(vals[i] - x) <= 1e-9 * fmax(1.0, fabs(x))) return i;
    }
    return SIZE_MAX;
}

/* Whether coalitions row c belongs in a P&L grid: its run has a delay,
   and both values are finite (a hostile file may hold 1e999). */
static bool grid_row(const crow *c, const rrun *runs) {
    const rrun *rr = &runs[c->run];
    return rr->has_restaking && isfinite(rr->delay_s) && isfinite(c->stake_fraction);
}

/* The P&L grid of coalition `index` over (stake fraction, withdrawal delay). */
static int econ_grid(an_report_econ *e, const an_report *r, size_t scen, int64_t index, const rrun *runs,
                     const crow *cs, size_t nc, double *v) {
    size_t point_count = r->point_count;
    const char *sha = r->points[scen].sha256;
    e->index = index;
    e->scenario_order = scen;
    e->sha256 = dup_str(sha);
    e->scenario = dup_str(r->points[scen].name);
    if (!e->sha256 || !e->scenario) return AN_REPORT_ERR_NOMEM;
    e->stakes = malloc((nc ? nc : 1) * sizeof *e->stakes);
    e->delays_s = malloc((nc ? nc : 1) * sizeof *e->delays_s);
    size_t *cell_of = malloc((nc ? nc : 1) * sizeof *cell_of);
    int rc = e->stakes && e->delays_s && cell_of ? 0 : AN_REPORT_ERR_NOMEM;
    for (size_t i = 0; rc == 0 && i < nc; i++) {
        if (cs[i].index != index || strcmp(r->points[runs[cs[i].run].point].sha256, sha) != 0) continue;
        if (!e->name && !(e->name = dup_str(cs[i].name))) rc = AN_REPORT_ERR_NOMEM;
        if (!grid_row(&cs[i], runs)) continue;
        set_add(e->stakes, &e->stake_count, cs[i].stake_fraction);
        set_add(e->delays_s, &e->delay_count, runs[cs[i].run].delay_s);
    }
    size_t cells = e->stake_count * e->delay_count;
    if (rc == 0) {
        e->pnl_eth = calloc(cells ? cells : 1, sizeof *e->pnl_eth);
        e->profitable = calloc(cells ? cells : 1, sizeof *e->profitable);
        e->points = calloc(cells ? cells : 1, sizeof *e->points);
        rc = e->pnl_eth && e->profitable && e->points ? 0 : AN_REPORT_ERR_NOMEM;
    }
    bool *mark = rc == 0 ? malloc(cells ? cells : 1) : NULL;
    if (rc == 0 && !mark) rc = AN_REPORT_ERR_NOMEM;
    for (size_t i = 0; rc == 0 && i < nc; i++) {
        const rrun *rr = &runs[cs[i].run];
        cell_of[i] = SIZE_MAX;
        if (cs[i].index != index || !grid_row(&cs[i], runs) ||
            strcmp(r->points[rr->point].sha256, sha) != 0) {
            continue;
        }
        cell_of[i] = set_find(e->stakes, e->stake_count, cs[i].stake_fraction) * e->delay_count +
                     set_find(e->delays_s, e->delay_count, rr->delay_s);
        assert(cell_of[i] < cells);
    }
    for (size_t c = 0; rc == 0 && c < cells; c++) {
        size_t k = 0;
        for (size_t i = 0; i < nc; i++) {
            if (cell_of[i] != c) continue;
            v[k++] = cs[i].pnl;
            e->profitable[c] += (size_t)cs[i].profitable;
        }
        rc = stat_of(v, k, &e->pnl_eth[c]);
    }
    /* the points pooled in each cell */
    for (size_t p = 0; rc == 0 && p < point_count; p++) {
        memset(mark, 0, cells ? cells : 1);
        for (size_t i = 0; i < nc; i++) {
            if (cell_of[i] == SIZE_MAX || runs[cs[i].run].point != p || mark[cell_of[i]]) continue;
            mark[cell_of[i]] = true;
            e->points[cell_of[i]]++;
        }
    }
    free(mark);
    free(cell_of);
    return rc;
}

static int summarise(an_report *r, const rrun *runs, size_t n, const crow *cs, size_t nc, char *err,
                     size_t err_len) {
    double *v = malloc((n + nc + 1) * sizeof *v);
    size_t *idx = malloc((nc + 1) * sizeof *idx);
    if (!v || !idx) {
        free(v);
        free(idx);
        return fail(err, err_len, AN_REPORT_ERR_NOMEM, "out of memory");
    }
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
        pt->withdrawal_delay_s = NAN;
        for (size_t i = 0; i < n; i++) {
            const rrun *rr = &runs[i];
            if (rr->point != p) continue;
            pt->run_ids[pt->seed_count++] = rr->id;
            if (rr->has_verdict) { /* schema 2: the run's own verdicts */
                pt->judged_runs++;
                pt->verdict_runs++;
                pt->unsafe_runs += (size_t)rr->v_unsafe;
                pt->stalled_runs += (size_t)rr->v_stalled;
            } else if (rr->has_consensus) { /* before: the consensus summary */
                pt->judged_runs++;
                pt->unsafe_runs += (size_t)rr->unsafe;
                pt->stalled_runs += (size_t)rr->stalled;
            }
            if (rr->has_restaking) {
                if (pt->restaking_runs++ == 0) pt->withdrawal_delay_s = rr->delay_s;
            }
            for (int o = 0; o < AN_REPORT_OUTCOME_COUNT; o++) {
                pt->outcome_count[o] += rr->outcome_count[o];
                pt->offence_count += rr->outcome_count[o];
            }
        }
        r->verdict_runs += pt->verdict_runs;
        r->restaking_runs += pt->restaking_runs;
        for (int m = 0; rc == 0 && m < AN_REPORT_METRIC_COUNT; m++) {
            size_t k = 0;
            for (size_t i = 0; i < n; i++) {
                if (runs[i].point == p && !isnan(runs[i].val[m])) v[k++] = runs[i].val[m];
            }
            rc = stat_of(v, k, &pt->stat[m]);
            if (rc) fail(err, err_len, rc, "bootstrap failed");
        }
        if (rc == 0) {
            rc = point_coalitions(pt, p, runs, cs, nc, v, idx);
            if (rc) fail(err, err_len, rc, rc == AN_REPORT_ERR_NOMEM ? "out of memory" : "bootstrap failed");
        }
    }
    /* runs with a coalition row; the P&L grids per (scenario, coalition index) */
    for (size_t i = 0; rc == 0 && i < nc; i++) r->coalition_runs += i == 0 || cs[i].run != cs[i - 1].run;
    for (size_t i = 0; rc == 0 && i < nc; i++) {
        size_t scen = 0; /* the scenario's first point: its order */
        const char *sha = r->points[runs[cs[i].run].point].sha256;
        while (strcmp(r->points[scen].sha256, sha) != 0) scen++;
        bool seen = false;
        for (size_t e = 0; e < r->econ_count && !seen; e++) {
            seen = r->econ[e].index == cs[i].index && r->econ[e].scenario_order == scen;
        }
        if (seen) continue;
        size_t at = 0; /* by scenario, then ascending index */
        while (at < r->econ_count && (r->econ[at].scenario_order < scen ||
                                      (r->econ[at].scenario_order == scen && r->econ[at].index < cs[i].index))) {
            at++;
        }
        an_report_econ *ne = realloc(r->econ, (r->econ_count + 1) * sizeof *ne);
        if (!ne) {
            rc = fail(err, err_len, AN_REPORT_ERR_NOMEM, "out of memory");
            break;
        }
        r->econ = ne;
        memmove(&r->econ[at + 1], &r->econ[at], (r->econ_count - at) * sizeof *ne);
        memset(&r->econ[at], 0, sizeof *ne);
        r->econ_count++;
        rc = econ_grid(&r->econ[at], r, scen, cs[i].index, runs, cs, nc, v);
        if (rc) fail(err, err_len, rc, rc == AN_REPORT_ERR_NOMEM ? "out of memory" : "bootstrap failed");
    }
    free(v);
    free(idx);
    return rc;
}

/* SQLite's json_tree quotes keys with characters other than letters and
   digits (restaking."withdrawal_delay"): unquotes, in place, every quoted
   key that is a plain name (letters, digits, '_', '-'), for display. */
static void unquote_path(char *s) {
    char *w = s;
    for (const char *p = s; *p;) {
        if (*p == '"') {
            const char *q = p + 1;
            while (*q && (isalnum((unsigned char)*q) || *q == '_' || *q == '-')) q++;
            if (*q == '"' && q > p + 1) {
                memmove(w, p + 1, (size_t)(q - p - 1));
                w += q - p - 1;
                p = q + 1;
                continue;
            }
        }
        *w++ = *p++;
    }
    *w = '\0';
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
        unquote_path(ls[n - 1].path);
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

/* Finds the parameters whose values differ between points of the same
   scenario (points of different scenarios differ in everything; that is
   what the scenario column says) and stores each point's value of each. */
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
                if (strcmp(r->points[q].sha256, r->points[p].sha256) != 0) continue;
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
    crow *cs = NULL;
    size_t n = 0, nc = 0;
    if (rc == 0) rc = load_runs(r, &runs, &n, err, err_len);
    if (rc == 0 && n == 0) rc = fail(err, err_len, AN_REPORT_ERR_NOTHING, "'%s' holds no ok run to report on", path);
    if (rc == 0) rc = load_values(r, runs, n, err, err_len);
    if (rc == 0) rc = load_coalitions(r, runs, n, &cs, &nc, err, err_len);
    if (rc == 0) rc = summarise(r, runs, n, cs, nc, err, err_len);
    if (rc == 0) rc = find_varying(r, err, err_len);
    if (rc == 0 && find_axis(r) != 0) rc = fail(err, err_len, AN_REPORT_ERR_NOMEM, "out of memory");
    for (size_t p = 0; rc == 0 && p < r->point_count; p++) {
        snprintf(r->points[p].label, sizeof r->points[p].label, "P%zu", p + 1);
    }
    free(runs);
    crows_free(cs, nc);
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
    else if (s->n == 1 || (strcmp(l, m) == 0 && strcmp(h, m) == 0)) snprintf(buf, len, "%s", m);
    else snprintf(buf, len, "%s [%s, %s]", m, l, h);
}


/* Share of runs: "33% (1/3)"; "-" without runs. */
static void fmt_share(size_t k, size_t n, char *buf, size_t len) {
    if (n == 0) snprintf(buf, len, "-");
    else snprintf(buf, len, "%.0f%% (%zu/%zu)", 100.0 * (double)k / (double)n, k, n);
}

/* A stake fraction as a percentage: "70%", "42.9%". */
static void fmt_pct(double f, char *buf, size_t len) { snprintf(buf, len, "%.3g%%", 100.0 * f); }

/* The tables, by section; a section without data has no table. */
typedef enum section { SEC_POINTS, SEC_VERDICTS, SEC_SLASHING, SEC_ATTACK, SEC_COUNT } section;
enum { TABLE_MAX = 8 };
typedef struct tables {
    table t[TABLE_MAX];
    section sec[TABLE_MAX];
    size_t n;
} tables;

/* Adds a table with the header row: point, scenario, the varying
   parameters, then heads[0..nheads).  Returns it, or NULL when out of
   memory. */
static table *tables_add(tables *ts, section sec, const char *title, const an_report *r, const char *const *heads,
                         size_t nheads) {
    assert(ts->n < TABLE_MAX);
    table *t = &ts->t[ts->n];
    ts->sec[ts->n++] = sec;
    table_init(t, title, 2 + r->varying_count + nheads);
    size_t row = table_row(t);
    if (row == SIZE_MAX) return NULL;
    snprintf(cell(t, row, 0), CELL, "point");
    snprintf(cell(t, row, 1), CELL, "scenario");
    for (size_t k = 0; k < r->varying_count; k++) snprintf(cell(t, row, 2 + k), CELL, "%s", r->varying[k]);
    for (size_t h = 0; h < nheads; h++) snprintf(cell(t, row, 2 + r->varying_count + h), CELL, "%s", heads[h]);
    return t;
}

/* Adds a row for a point with its lead cells; returns the row or SIZE_MAX. */
static size_t point_row(table *t, const an_report *r, const an_report_point *pt) {
    size_t row = table_row(t);
    if (row == SIZE_MAX) return row;
    snprintf(cell(t, row, 0), CELL, "%s", pt->label);
    snprintf(cell(t, row, 1), CELL, "%s", pt->name);
    for (size_t k = 0; k < r->varying_count; k++) snprintf(cell(t, row, 2 + k), CELL, "%s", pt->values[k]);
    return row;
}

/* The tables of metrics with one stat per column. */
static int stat_table(tables *ts, section sec, const an_report *r, const char *title, const char *const *heads,
                      const int *metrics, size_t nm) {
    const char *h[8] = {"seeds"};
    assert(nm < 8);
    for (size_t i = 0; i < nm; i++) h[1 + i] = heads[i];
    table *t = tables_add(ts, sec, title, r, h, nm + 1);
    if (!t) return AN_REPORT_ERR_NOMEM;
    size_t lead = 2 + r->varying_count;
    for (size_t p = 0; p < r->point_count; p++) {
        const an_report_point *pt = &r->points[p];
        size_t row = point_row(t, r, pt);
        if (row == SIZE_MAX) return AN_REPORT_ERR_NOMEM;
        snprintf(cell(t, row, lead), CELL, "%zu", pt->seed_count);
        for (size_t i = 0; i < nm; i++) fmt_stat(&pt->stat[metrics[i]], cell(t, row, lead + 1 + i), CELL);
    }
    return 0;
}

static size_t judged_total(const an_report *r) {
    size_t n = 0;
    for (size_t p = 0; p < r->point_count; p++) n += r->points[p].judged_runs;
    return n;
}

static int verdict_table(tables *ts, const an_report *r) {
    bool v2 = r->verdict_runs > 0;
    static const char *const heads[] = {"runs", "unsafe", "stalled", "forged executed (msgs/run)",
                                        "forged value (ETH/run)", "delayed (msgs/run)"};
    table *t = tables_add(ts, SEC_VERDICTS, v2 ? "safety and liveness verdicts: share of runs; messages per run: mean "
                                                 "over seeds [95% bootstrap CI]"
                                               : "safety and liveness verdicts: share of runs",
                          r, heads, v2 ? 6 : 3);
    if (!t) return AN_REPORT_ERR_NOMEM;
    size_t lead = 2 + r->varying_count;
    for (size_t p = 0; p < r->point_count; p++) {
        const an_report_point *pt = &r->points[p];
        size_t row = point_row(t, r, pt);
        if (row == SIZE_MAX) return AN_REPORT_ERR_NOMEM;
        snprintf(cell(t, row, lead), CELL, "%zu", pt->judged_runs);
        fmt_share(pt->unsafe_runs, pt->judged_runs, cell(t, row, lead + 1), CELL);
        fmt_share(pt->stalled_runs, pt->judged_runs, cell(t, row, lead + 2), CELL);
        if (!v2) continue;
        fmt_stat(&pt->stat[AN_REPORT_FORGED_EXECUTED], cell(t, row, lead + 3), CELL);
        fmt_stat(&pt->stat[AN_REPORT_FORGED_VALUE_ETH], cell(t, row, lead + 4), CELL);
        fmt_stat(&pt->stat[AN_REPORT_DELAYED_MSGS], cell(t, row, lead + 5), CELL);
    }
    return 0;
}

static int slashing_table(tables *ts, const an_report *r) {
    const char *heads[4 + AN_REPORT_OUTCOME_COUNT] = {"seeds", "withdrawal delay", "slashed (ETH/run)", "offences"};
    static const char *const outcome_heads[AN_REPORT_OUTCOME_COUNT] = {
        "slashed", "withdrawn", "already slashed", "vetoed", "rejected", "duplicate", "pending", "not provable"};
    for (int o = 0; o < AN_REPORT_OUTCOME_COUNT; o++) heads[4 + o] = outcome_heads[o];
    table *t = tables_add(ts, SEC_SLASHING,
                          "slashing: ETH slashed per run (all stake), mean over seeds [95% bootstrap CI]; offences "
                          "found and their outcomes (counts over the seeds)",
                          r, heads, 4 + AN_REPORT_OUTCOME_COUNT);
    if (!t) return AN_REPORT_ERR_NOMEM;
    size_t lead = 2 + r->varying_count;
    for (size_t p = 0; p < r->point_count; p++) {
        const an_report_point *pt = &r->points[p];
        size_t row = point_row(t, r, pt);
        if (row == SIZE_MAX) return AN_REPORT_ERR_NOMEM;
        snprintf(cell(t, row, lead), CELL, "%zu", pt->seed_count);
        an_report_fmt_duration(pt->withdrawal_delay_s, cell(t, row, lead + 1), CELL);
        fmt_stat(&pt->stat[AN_REPORT_SLASHED_ETH], cell(t, row, lead + 2), CELL);
        if (pt->restaking_runs == 0) {
            for (int c = 3; c < 4 + AN_REPORT_OUTCOME_COUNT; c++) snprintf(cell(t, row, lead + (size_t)c), CELL, "-");
            continue;
        }
        snprintf(cell(t, row, lead + 3), CELL, "%zu", pt->offence_count);
        for (int o = 0; o < AN_REPORT_OUTCOME_COUNT; o++) {
            snprintf(cell(t, row, lead + 4 + (size_t)o), CELL, "%zu", pt->outcome_count[o]);
        }
    }
    return 0;
}

static int attack_table(tables *ts, const an_report *r) {
    static const char *const heads[] = {"coalition",       "attack",        "stake",        "seeds",
                                        "P&L (ETH)",       "profitable",    "value extracted (ETH)",
                                        "slashed (ETH)",   "cost of corruption (ETH)",
                                        "profit from corruption (ETH)", "delegators slashed (ETH)"};
    table *t = tables_add(ts, SEC_ATTACK,
                          "attacker economics per coalition: mean over seeds [95% bootstrap CI]; stake: share of "
                          "all stake; profitable: share of runs with P&L > 0; slashed: the members' own stake, "
                          "delegators slashed: what the stakers who delegated to them lost with them",
                          r, heads, sizeof heads / sizeof heads[0]);
    if (!t) return AN_REPORT_ERR_NOMEM;
    size_t lead = 2 + r->varying_count;
    for (size_t p = 0; p < r->point_count; p++) {
        const an_report_point *pt = &r->points[p];
        for (size_t c = 0; c < pt->coalition_count; c++) {
            const an_report_coalition *co = &pt->coalitions[c];
            size_t row = point_row(t, r, pt);
            if (row == SIZE_MAX) return AN_REPORT_ERR_NOMEM;
            snprintf(cell(t, row, lead), CELL, "#%" PRId64 " %.60s", co->index, co->name);
            snprintf(cell(t, row, lead + 1), CELL, "%s", co->attack);
            fmt_pct(co->stake_fraction, cell(t, row, lead + 2), CELL);
            snprintf(cell(t, row, lead + 3), CELL, "%zu", co->runs);
            fmt_stat(&co->pnl_eth, cell(t, row, lead + 4), CELL);
            fmt_share(co->profitable_runs, co->runs, cell(t, row, lead + 5), CELL);
            fmt_stat(&co->value_eth, cell(t, row, lead + 6), CELL);
            fmt_stat(&co->slashed_eth, cell(t, row, lead + 7), CELL);
            fmt_stat(&co->cost_eth, cell(t, row, lead + 8), CELL);
            fmt_stat(&co->profit_eth, cell(t, row, lead + 9), CELL);
            fmt_stat(&co->delegators_eth, cell(t, row, lead + 10), CELL);
        }
    }
    return 0;
}

static int build_tables(const an_report *r, tables *ts) {
    static const char *const fast_h[] = {"fast p50", "fast p90", "fast p99"};
    static const int fast_m[] = {AN_REPORT_FAST_P50_S, AN_REPORT_FAST_P90_S, AN_REPORT_FAST_P99_S};
    static const char *const fin_h[] = {"finalized p50", "finalized p90", "finalized p99"};
    static const int fin_m[] = {AN_REPORT_FIN_P50_S, AN_REPORT_FIN_P90_S, AN_REPORT_FIN_P99_S};
    static const char *const cost_h[] = {"gas/msg", "ETH/msg", "of which L1 data", "height p50 ms",
                                         "height p99 ms", "heights"};
    static const int cost_m[] = {AN_REPORT_GAS_PER_MSG, AN_REPORT_ETH_PER_MSG, AN_REPORT_L1_ETH_PER_MSG,
                                 AN_REPORT_HEIGHT_P50_MS, AN_REPORT_HEIGHT_P99_MS, AN_REPORT_HEIGHTS};
    int rc = stat_table(ts, SEC_POINTS, r, "fast finality (s): mean over seeds [95% bootstrap CI]", fast_h, fast_m, 3);
    if (rc == 0) {
        rc = stat_table(ts, SEC_POINTS, r, "finalized finality (s): mean over seeds [95% bootstrap CI]", fin_h, fin_m,
                        3);
    }
    if (rc == 0) {
        rc = stat_table(ts, SEC_POINTS, r,
                        "cost per executed message (execution + L1 data) and consensus: mean over seeds [95% "
                        "bootstrap CI]",
                        cost_h, cost_m, 6);
    }
    if (rc == 0) rc = verdict_table(ts, r);
    if (rc == 0 && r->restaking_runs > 0) rc = slashing_table(ts, r);
    if (rc == 0 && r->coalition_runs > 0) rc = attack_table(ts, r);
    return rc;
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

static void free_tables(tables *ts) {
    for (size_t t = 0; t < ts->n; t++) table_free(&ts->t[t]);
}

/* The lines that say what the verdicts mean, for the runs this file has. */
static void verdict_notes(const an_report *r, char *buf, size_t len, bool html) {
    size_t old = judged_total(r) - r->verdict_runs;
    const char *b0 = html ? "<b>" : "", *b1 = html ? "</b>" : "";
    int used = 0;
    buf[0] = '\0';
    if (r->verdict_runs > 0) {
        used = snprintf(buf, len,
                        "%sunsafe%s: forged messages executed or conflicting honest commits; %sstalled%s: a consensus "
                        "stall or a message not executed within the scenario's adversary.delay_bound (verdicts "
                        "table, %zu run%s)",
                        b0, b1, b0, b1, r->verdict_runs, r->verdict_runs == 1 ? "" : "s");
    }
    if ((old > 0 || r->verdict_runs == 0) && used >= 0 && (size_t)used < len) {
        snprintf(buf + used, len - (size_t)used,
                 "%s%sstalled%s: longest time without a new consensus height > %g s; %sunsafe%s: a conflicting "
                 "honest commit or approval",
                 used == 0 ? "" : html ? ".<br>\nRuns without a verdicts row (recorded before schema 2): "
                                       : "\nruns without a verdicts row (recorded before schema 2): ",
                 b0, b1, r->stall_s, b0, b1);
    }
}

int an_report_print(const an_report *r, FILE *out) {
    assert(r != NULL && out != NULL);
    if (r->varying_count > 50) return AN_REPORT_ERR_NOMEM;
    tables ts = {0};
    int rc = build_tables(r, &ts);
    if (rc == 0) {
        fprintf(out, "report: %s: %zu ok runs in %zu parameter point%s", r->path, r->ok_runs, r->point_count,
                r->point_count == 1 ? "" : "s");
        if (r->varying_count) {
            fprintf(out, "; varying:");
            for (size_t k = 0; k < r->varying_count; k++) fprintf(out, "%s %s", k ? "," : "", r->varying[k]);
        }
        char notes[1024];
        verdict_notes(r, notes, sizeof notes, false);
        fprintf(out, "\n%s\n", notes);
        for (size_t t = 0; t < ts.n; t++) {
            fputc('\n', out);
            table_print(&ts.t[t], out);
        }
        if (r->restaking_runs == 0) fputs("\nslashing: no restaking data in this file: no slashing table\n", out);
        if (r->coalition_runs == 0) fputs("\nattackers: no coalition in this file: no attacker section\n", out);
        else fputs("P&L = value extracted + payment - slashed - gas - bribes; slashed: the members' own stake "
                   "slashed; cost of corruption = the members' own stake x slash fraction + bribes; profit from "
                   "corruption = value extracted + payment\n",
                   out);
    }
    free_tables(&ts);
    /* BEGIN verification approaches (issue 15; an_approaches.h) */
    if (rc == 0) {
        an_approaches ap;
        rc = an_approaches_load(r->db, &ap);
        if (rc == 0) an_approaches_print(&ap, out);
    }
    /* END verification approaches */
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
    /* optional x ticks at given positions with given labels (else nice steps) */
    const double *xticks;
    const char (*xtick_labels)[24];
    size_t xtick_count;
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
    size_t nx = 0;
    for (double x = ceil(p->x0 / sx - 1e-9) * sx; p->xticks ? nx < p->xtick_count : x <= p->x1 + 1e-9 * sx;
         x += sx, nx++) {
        double X = px(p, p->xticks ? p->xticks[nx] : x);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" y2=\"%g\" stroke=\"#e4e4e4\"/>", X, p->mt, X,
                p->h - p->mb);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" y2=\"%g\" stroke=\"#333\"/>", X, p->h - p->mb, X,
                p->h - p->mb + 5);
        if (p->xticks) {
            fprintf(out, "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">", X, p->h - p->mb + 18);
            html_text(out, p->xtick_labels[nx]);
            fputs("</text>\n", out);
        } else {
            fprintf(out, "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%.6g</text>\n", X, p->h - p->mb + 18,
                    fabs(x) < 1e-12 * sx ? 0.0 : x);
        }
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
        plot pl = {.x0 = 0.0, .x1 = xmax, .y0 = 0.0, .y1 = 1.0, .w = 760, .h = 340, .ml = 60, .mr = 170, .mt = 30,
                   .mb = 45};
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

/* A line of means with its 95% CI band: stats[i] at x[i] (ascending;
   points with n == 0 are skipped), a dot per point with a tooltip
   naming labels[i]; a dashed line at y = 0 when the band spans it
   (zero_line).  Nothing when no point has a value. */
static void html_line(FILE *out, size_t np, const double *x, const an_report_stat *const *stats,
                      const char *const *labels, plot pl, const char *title, const char *xlabel, const char *ylabel,
                      bool zero_line) {
    size_t k = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t p = 0; p < np; p++) {
        if (stats[p]->n == 0) continue;
        k++;
        lo = fmin(lo, stats[p]->lo);
        hi = fmax(hi, stats[p]->hi);
    }
    if (k == 0) return;
    if (zero_line) {
        lo = fmin(lo, 0.0);
        hi = fmax(hi, 0.0);
    }
    pl.x0 = x[0];
    pl.x1 = x[np - 1];
    pl.y0 = lo;
    pl.y1 = hi;
    if (!pl.xticks) nice_range(&pl.x0, &pl.x1);
    else if (!(pl.x1 > pl.x0)) {
        pl.x0 -= 1.0;
        pl.x1 += 1.0;
    } else {
        double pad = 0.05 * (pl.x1 - pl.x0);
        pl.x0 -= pad;
        pl.x1 += pad;
    }
    nice_range(&pl.y0, &pl.y1);
    fputs("<figure>\n", out);
    svg_open(out, &pl, title, xlabel, ylabel);
    if (zero_line) {
        fprintf(out, "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>\n",
                pl.ml, py(&pl, 0.0), pl.w - pl.mr, py(&pl, 0.0));
    }
    fputs("<polygon fill=\"#1f77b4\" fill-opacity=\"0.2\" stroke=\"none\" points=\"", out);
    for (size_t p = 0; p < np; p++) {
        if (stats[p]->n) fprintf(out, " %.1f,%.1f", px(&pl, x[p]), py(&pl, stats[p]->hi));
    }
    for (size_t p = np; p-- > 0;) {
        if (stats[p]->n) fprintf(out, " %.1f,%.1f", px(&pl, x[p]), py(&pl, stats[p]->lo));
    }
    fputs("\"/>\n<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"", out);
    for (size_t p = 0; p < np; p++) {
        if (stats[p]->n) fprintf(out, " %.1f,%.1f", px(&pl, x[p]), py(&pl, stats[p]->mean));
    }
    fputs("\"/>\n", out);
    for (size_t p = 0; p < np; p++) {
        const an_report_stat *s = stats[p];
        if (!s->n) continue;
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#1f77b4\"><title>", px(&pl, x[p]),
                py(&pl, s->mean));
        html_text(out, labels[p]);
        fprintf(out, ": %.4g [%.4g, %.4g], %zu runs</title></circle>\n", s->mean, s->lo, s->hi, s->n);
    }
    fputs("</svg>\n</figure>\n", out);
}

/* Metric (mean with CI band) against the single numeric varying parameter. */
static int html_vs_param(const an_report *r, FILE *out, int metric, const char *name) {
    size_t np = r->point_count;
    const an_report_stat **stats = malloc(np * sizeof *stats);
    const char **labels = malloc(np * sizeof *labels);
    if (!stats || !labels) {
        free(stats);
        free(labels);
        return AN_REPORT_ERR_NOMEM;
    }
    for (size_t p = 0; p < np; p++) {
        stats[p] = &r->points[p].stat[metric];
        labels[p] = r->points[p].label;
    }
    char title[160], xl[160];
    snprintf(title, sizeof title, "%s vs %s (mean, 95%% CI band)", name, r->varying[0]);
    snprintf(xl, sizeof xl, "%s%s%s%s", r->varying[0], r->axis_unit[0] ? " (" : "", r->axis_unit,
             r->axis_unit[0] ? ")" : "");
    plot pl = {.w = 640, .h = 320, .ml = 70, .mr = 30, .mt = 30, .mb = 45};
    html_line(out, np, r->axis, stats, labels, pl, title, xl, name, false);
    free(stats);
    free(labels);
    return 0;
}

/* Diverging colour for v in [-m, m]: red (loss) - near white (0) - blue (profit). */
static void pnl_colour(double v, double m, char buf[8], bool *dark) {
    double t = m > 0.0 ? fmax(-1.0, fmin(1.0, v / m)) : 0.0;
    static const double mid[3] = {247, 247, 247}, neg[3] = {178, 24, 43}, pos[3] = {33, 102, 172};
    const double *end = t < 0.0 ? neg : pos;
    double a = fabs(t);
    int c[3];
    for (int i = 0; i < 3; i++) c[i] = (int)lround(mid[i] + (end[i] - mid[i]) * a);
    snprintf(buf, 8, "#%02x%02x%02x", c[0] & 0xff, c[1] & 0xff, c[2] & 0xff);
    *dark = a > 0.55;
}

/* Signed ETH amount for a cell: "+90", "-134", "0". */
static void fmt_signed(double v, char *buf, size_t len) {
    char n[24];
    fmt_num(v, n, sizeof n);
    snprintf(buf, len, "%s%s", v > 0.0 ? "+" : "", strcmp(n, "-0") == 0 ? "0" : n);
}

/* The heat map of one coalition's mean P&L: one cell per (stake, delay),
   stakes upwards, delays left to right. */
static void html_heatmap(FILE *out, const an_report_econ *e) {
    size_t ns = e->stake_count, nd = e->delay_count;
    double m = 0.0;
    bool pooled = false;
    for (size_t c = 0; c < ns * nd; c++) {
        if (e->pnl_eth[c].n) m = fmax(m, fabs(e->pnl_eth[c].mean));
        pooled = pooled || e->points[c] > 1;
    }
    const double cw = 84, ch = 34, ml = 100, mt = 40, mb = 56, legend = 110;
    double w = ml + cw * (double)nd + legend, h = mt + ch * (double)ns + mb;
    fputs("<figure>\n", out);
    fprintf(out, "<svg width=\"%g\" height=\"%g\" viewBox=\"0 0 %g %g\" role=\"img\">\n", w, h, w, h);
    fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%g\" height=\"%g\" fill=\"#fff\"/>\n", w, h);
    fprintf(out, "<text x=\"%g\" y=\"18\" text-anchor=\"middle\" font-weight=\"bold\">Attacker P&amp;L (ETH, mean over "
                 "runs): coalition #%" PRId64 " ",
            ml + cw * (double)nd / 2, e->index);
    html_text(out, e->name);
    fputs(", scenario ", out);
    html_text(out, e->scenario);
    fputs("</text>\n", out);
    for (size_t si = 0; si < ns; si++) {
        double y = mt + ch * (double)(ns - 1 - si);
        char pct[24];
        fmt_pct(e->stakes[si], pct, sizeof pct);
        fprintf(out, "<text x=\"%g\" y=\"%g\" text-anchor=\"end\" font-size=\"11\">%s</text>\n", ml - 6,
                y + ch / 2 + 4, pct);
        for (size_t di = 0; di < nd; di++) {
            const an_report_stat *st = &e->pnl_eth[si * nd + di];
            double x = ml + cw * (double)di;
            char col[8] = "#dddddd", val[32] = "-", delay[24];
            bool dark = false;
            if (st->n) {
                pnl_colour(st->mean, m, col, &dark);
                fmt_signed(st->mean, val, sizeof val);
            }
            an_report_fmt_duration(e->delays_s[di], delay, sizeof delay);
            fprintf(out, "<g><title>stake %s, withdrawal delay %s: ", pct, delay);
            if (st->n) {
                fprintf(out, "P&amp;L %.4g ETH [%.4g, %.4g], profitable in %zu of %zu runs (%zu point%s)", st->mean,
                        st->lo, st->hi, e->profitable[si * nd + di], st->n, e->points[si * nd + di],
                        e->points[si * nd + di] == 1 ? "" : "s");
            } else {
                fputs("no run", out);
            }
            fprintf(out, "</title><rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"%s\" stroke=\"#fff\"/>",
                    x, y, cw, ch, col);
            fprintf(out, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\" font-size=\"12\" fill=\"%s\">%s</text></g>\n",
                    x + cw / 2, y + ch / 2 + 4, dark ? "#fff" : "#222", val);
        }
    }
    double by = mt + ch * (double)ns;
    for (size_t di = 0; di < nd; di++) {
        char delay[24];
        an_report_fmt_duration(e->delays_s[di], delay, sizeof delay);
        fprintf(out, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\" font-size=\"11\">%s</text>\n",
                ml + cw * ((double)di + 0.5), by + 16, delay);
    }
    fprintf(out, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">withdrawal delay</text>\n", ml + cw * (double)nd / 2,
            by + 40);
    fprintf(out, "<text transform=\"translate(18 %g) rotate(-90)\" text-anchor=\"middle\">coalition stake (share of "
                 "all stake)</text>\n",
            mt + ch * (double)ns / 2);
    /* colour scale: -m (bottom) .. +m (top) */
    double lx = ml + cw * (double)nd + 24, lh = fmax(ch * (double)ns, 100.0), steps = 20;
    for (int i = 0; i < (int)steps; i++) {
        double v = m * (1.0 - 2.0 * ((double)i + 0.5) / steps);
        char col[8];
        bool dark;
        pnl_colour(v, m, col, &dark);
        fprintf(out, "<rect x=\"%g\" y=\"%.1f\" width=\"14\" height=\"%.1f\" fill=\"%s\"/>", lx,
                mt + lh * (double)i / steps, lh / steps + 0.5, col);
    }
    char top[32], bottom[32];
    fmt_signed(m, top, sizeof top);
    fmt_signed(-m, bottom, sizeof bottom);
    fprintf(out, "\n<text x=\"%g\" y=\"%g\" font-size=\"11\">%s ETH</text>", lx + 18, mt + 8, top);
    fprintf(out, "<text x=\"%g\" y=\"%g\" font-size=\"11\">0</text>", lx + 18, mt + lh / 2 + 4);
    fprintf(out, "<text x=\"%g\" y=\"%g\" font-size=\"11\">%s ETH</text>\n", lx + 18, mt + lh, bottom);
    fputs("</svg>\n<figcaption>Mean attacker P&amp;L over the runs with that coalition stake (coalitions.stake_fraction) "
          "and withdrawal delay (restaking_summary); blue: profit, red: loss, grey: no run. Hover a cell for the 95% "
          "bootstrap interval and the share of runs profitable.",
          out);
    if (pooled) fputs(" Some cells pool several parameter points (another parameter varies too).", out);
    fputs("</figcaption>\n</figure>\n", out);
}

/* Attacker P&L of one coalition against the one of stake / delay that
   varies, with its CI band; delays on a log scale with duration labels. */
static int html_econ_line(FILE *out, const an_report_econ *e, bool by_stake) {
    size_t np = by_stake ? e->stake_count : e->delay_count;
    double *x = malloc(np * sizeof *x);
    const an_report_stat **stats = malloc(np * sizeof *stats);
    char(*lab)[24] = malloc(np * sizeof *lab);
    const char **labels = malloc(np * sizeof *labels);
    if (!x || !stats || !lab || !labels) {
        free(x);
        free(stats);
        free(lab);
        free(labels);
        return AN_REPORT_ERR_NOMEM;
    }
    bool logx = !by_stake;
    for (size_t i = 0; i < np; i++) logx = logx && e->delays_s[i] > 0.0;
    for (size_t i = 0; i < np; i++) {
        stats[i] = &e->pnl_eth[i]; /* one row or one column: the cells are in order */
        if (by_stake) {
            x[i] = 100.0 * e->stakes[i];
            fmt_pct(e->stakes[i], lab[i], sizeof lab[i]);
        } else {
            x[i] = logx ? log10(e->delays_s[i]) : (double)i;
            an_report_fmt_duration(e->delays_s[i], lab[i], sizeof lab[i]);
        }
        labels[i] = lab[i];
    }
    char title[256], stake[24], delay[24];
    fmt_pct(e->stakes[0], stake, sizeof stake);
    an_report_fmt_duration(e->delays_s[0], delay, sizeof delay);
    snprintf(title, sizeof title, "Attacker P&L vs %s: coalition #%" PRId64 " %.40s, scenario %.40s (%s %s)",
             by_stake ? "coalition stake" : "withdrawal delay", e->index, e->name, e->scenario,
             by_stake ? "withdrawal delay" : "stake", by_stake ? delay : stake);
    plot pl = {.w = 640, .h = 320, .ml = 70, .mr = 30, .mt = 30, .mb = 45};
    if (!by_stake) {
        pl.xticks = x;
        pl.xtick_labels = (const char(*)[24])lab;
        pl.xtick_count = np;
    }
    html_line(out, np, x, stats, labels, pl, title,
              by_stake ? "coalition stake (% of all stake)"
                       : logx ? "withdrawal delay (log scale)" : "withdrawal delay",
              "P&L (ETH), mean and 95% CI", true);
    free(x);
    free(stats);
    free(lab);
    free(labels);
    return 0;
}

static const char css[] =
    "body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}"
    "table{border-collapse:collapse;margin:8px 0 20px;font-size:13px}"
    "th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;white-space:nowrap}"
    "th{background:#f0f0f0}tr:nth-child(even) td{background:#fafafa}"
    "figure{margin:12px 0 24px}figcaption{font-size:12px;color:#555}"
    "svg{font-family:sans-serif;font-size:12px}code{background:#f4f4f4;padding:0 3px}";

/* The tables of one section. */
static void html_section_tables(FILE *out, tables *ts, section sec) {
    for (size_t t = 0; t < ts->n; t++) {
        if (ts->sec[t] == sec) html_table(out, &ts->t[t]);
    }
}

/* Per coalition index: the P&L heat map when both stake and delay vary,
   the line plot when one does, nothing when neither does. */
static int html_econ(const an_report *r, FILE *out) {
    int rc = 0;
    bool any = false;
    for (size_t i = 0; rc == 0 && i < r->econ_count; i++) {
        const an_report_econ *e = &r->econ[i];
        if (e->stake_count >= 2 && e->delay_count >= 2) html_heatmap(out, e);
        else if (e->stake_count >= 2 || e->delay_count >= 2) rc = html_econ_line(out, e, e->stake_count >= 2);
        else continue;
        any = true;
    }
    if (rc == 0 && !any) {
        fputs("<p>No plot: no coalition's stake or withdrawal delay varies in this file.</p>\n", out);
    }
    return rc;
}

int an_report_write_html(const an_report *r, FILE *out, char *err, size_t err_len) {
    assert(r != NULL && out != NULL);
    if (r->varying_count > 50) return fail(err, err_len, AN_REPORT_ERR_NOMEM, "too many varying parameters");
    tables ts = {0};
    int rc = build_tables(r, &ts);
    if (rc) {
        free_tables(&ts);
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
                 "(%u resamples, fixed seed).</p>\n",
            AN_REPORT_RESAMPLES);
    fputs("<h2>Parameter points</h2>\n", out);
    html_section_tables(out, &ts, SEC_POINTS);
    fputs("<h2>Safety and liveness</h2>\n<p>", out);
    char notes[1024];
    verdict_notes(r, notes, sizeof notes, true);
    fputs(notes, out);
    fputs(".</p>\n", out);
    html_section_tables(out, &ts, SEC_VERDICTS);
    if (r->restaking_runs > 0) {
        fputs("<h2>Slashing</h2>\n<p>Offences found by the honest watchers and what became of each: "
              "<b>slashed</b>; <b>withdrawn</b>: the stake left the withdrawal queue before the evidence landed; "
              "<b>already slashed</b>: an earlier offence took it; <b>vetoed</b>; <b>rejected</b>: the contract's "
              "check failed; <b>duplicate</b>; <b>pending</b>: the run ended first.</p>\n",
              out);
        html_section_tables(out, &ts, SEC_SLASHING);
    }
    if (r->coalition_runs > 0) {
        fputs("<h2>Attacker economics</h2>\n<p><b>P&amp;L</b> = value extracted + payment &minus; slashed &minus; gas "
              "&minus; bribes; <b>slashed</b>: the members' own stake slashed (their delegators' losses are not the "
              "coalition's); <b>cost of corruption</b> = the members' own stake &times; slash fraction + bribes; "
              "<b>profit from corruption</b> = value extracted + payment; <b>stake</b>: the coalition's share of all "
              "stake at genesis. All amounts in ETH.</p>\n",
              out);
        html_section_tables(out, &ts, SEC_ATTACK);
    }
    free_tables(&ts);
    if (r->coalition_runs > 0) rc = html_econ(r, out);
    if (rc == 0) fputs("<h2>Finality distribution</h2>\n", out);
    if (rc == 0) rc = html_cdf(r, out, "latest", "fast (latest)");
    if (rc == 0) rc = html_cdf(r, out, "finalized", "finalized");
    if (rc == 0 && r->numeric_axis) {
        fputs("<h2>Metrics against the swept parameter</h2>\n", out);
        rc = html_vs_param(r, out, AN_REPORT_FAST_P99_S, "fast p99 finality (s)");
        if (rc == 0) rc = html_vs_param(r, out, AN_REPORT_HEIGHT_P50_MS, "time per height p50 (ms)");
    }
    /* BEGIN verification approaches (issue 15; an_approaches.h) */
    if (rc == 0) {
        an_approaches ap;
        rc = an_approaches_load(r->db, &ap);
        if (rc == 0) an_approaches_html(&ap, out);
    }
    /* END verification approaches */
    fputs("</body>\n</html>\n", out);
    if (rc == AN_REPORT_ERR_SQL) return fail(err, err_len, rc, "reading messages: %s", sqlite3_errmsg(r->db));
    if (rc) return fail(err, err_len, rc, "out of memory");
    if (ferror(out) || fflush(out) != 0) return fail(err, err_len, AN_REPORT_ERR_IO, "writing the HTML failed");
    return 0;
}

int an_report_write_html_file(const an_report *r, const char *html_path, char *err, size_t err_len) {
    assert(r != NULL && html_path != NULL);
    an_outfile o;
    if (an_outfile_begin(&o, html_path, err, err_len) != 0) return AN_REPORT_ERR_IO;
    int rc = an_report_write_html(r, o.f, err, err_len);
    if (an_outfile_end(&o, rc == 0, rc == 0 ? err : NULL, rc == 0 ? err_len : 0) != 0 && rc == 0) rc = AN_REPORT_ERR_IO;
    return rc;
}
