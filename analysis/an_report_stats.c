/*
** `xrsim report`, statistics: per point, the mean over seeds and a 95%
** percentile bootstrap interval of that mean.  The bootstrap is
** an_compare_bootstrap (the one `xrsim compare` uses) applied to the
** values against the single value 0: mean(values) - mean({0}) is the
** mean, so its interval is the one-sample interval, with the same fixed
** GSL seed and therefore deterministic output.  Also the per-coalition
** statistics and the attacker P&L grid over (stake fraction, delay).
*/
#include "an_report_internal.h"

#include <assert.h>
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "an_compare.h"
#include "an_export.h"

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
    if (rc == AN_ERR_NOMEM) return AN_ERR_NOMEM;
    return rc == 0 ? 0 : AN_ERR_GSL;
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
    out->name = an_report_strdup(cs[idx[0]].name);
    if (!out->name) return AN_ERR_NOMEM;
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
    /* later schemas' columns: over the rows that have them */
    an_report_stat *ex[4] = {&out->acting_share, &out->signers, &out->signers_proven, &out->signers_slashed};
    for (int m = 0; rc == 0 && m < 4; m++) {
        size_t j = 0;
        for (size_t i = 0; i < k; i++) {
            const crow *c = &cs[idx[i]];
            double x = m == 0 ? c->acting : m == 1 ? c->signers : m == 2 ? c->proven : c->signers_slashed;
            if (isfinite(x)) v[j++] = x;
        }
        rc = stat_of(v, j, ex[m]);
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
        if (!nc2) return AN_ERR_NOMEM;
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
    e->sha256 = an_report_strdup(sha);
    e->scenario = an_report_strdup(r->points[scen].name);
    if (!e->sha256 || !e->scenario) return AN_ERR_NOMEM;
    e->stakes = malloc((nc ? nc : 1) * sizeof *e->stakes);
    e->delays_s = malloc((nc ? nc : 1) * sizeof *e->delays_s);
    size_t *cell_of = malloc((nc ? nc : 1) * sizeof *cell_of);
    /* A row counts under its point's mean stake fraction (over the point's
       grid rows of this coalition), so the runs of one point -- whose
       stakes differ when stake is drawn per seed -- make one cell, not one
       per seed, and a line over stake joins points, not seeds. */
    double *pstake = calloc(point_count ? point_count : 1, sizeof *pstake);
    size_t *pcount = calloc(point_count ? point_count : 1, sizeof *pcount);
    int rc = e->stakes && e->delays_s && cell_of && pstake && pcount ? 0 : AN_ERR_NOMEM;
    for (size_t i = 0; rc == 0 && i < nc; i++) {
        if (cs[i].index != index || !grid_row(&cs[i], runs)) continue;
        pstake[runs[cs[i].run].point] += cs[i].stake_fraction;
        pcount[runs[cs[i].run].point]++;
    }
    for (size_t p = 0; rc == 0 && p < point_count; p++) {
        if (pcount[p]) pstake[p] /= (double)pcount[p];
    }
    for (size_t i = 0; rc == 0 && i < nc; i++) {
        if (cs[i].index != index || strcmp(r->points[runs[cs[i].run].point].sha256, sha) != 0) continue;
        if (!e->name && !(e->name = an_report_strdup(cs[i].name))) rc = AN_ERR_NOMEM;
        if (!grid_row(&cs[i], runs) || !isfinite(pstake[runs[cs[i].run].point])) continue;
        set_add(e->stakes, &e->stake_count, pstake[runs[cs[i].run].point]);
        set_add(e->delays_s, &e->delay_count, runs[cs[i].run].delay_s);
    }
    size_t cells = e->stake_count * e->delay_count;
    if (rc == 0) {
        e->pnl_eth = calloc(cells ? cells : 1, sizeof *e->pnl_eth);
        e->profitable = calloc(cells ? cells : 1, sizeof *e->profitable);
        e->points = calloc(cells ? cells : 1, sizeof *e->points);
        rc = e->pnl_eth && e->profitable && e->points ? 0 : AN_ERR_NOMEM;
    }
    bool *mark = rc == 0 ? malloc(cells ? cells : 1) : NULL;
    if (rc == 0 && !mark) rc = AN_ERR_NOMEM;
    for (size_t i = 0; rc == 0 && i < nc; i++) {
        const rrun *rr = &runs[cs[i].run];
        cell_of[i] = SIZE_MAX;
        if (cs[i].index != index || !grid_row(&cs[i], runs) || !isfinite(pstake[rr->point]) ||
            strcmp(r->points[rr->point].sha256, sha) != 0) {
            continue;
        }
        cell_of[i] = set_find(e->stakes, e->stake_count, pstake[rr->point]) * e->delay_count +
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
    free(pstake);
    free(pcount);
    return rc;
}

int an_report_summarise(an_report *r, const rrun *runs, size_t n, const crow *cs, size_t nc, char *err,
                     size_t err_len) {
    double *v = malloc((n + nc + 1) * sizeof *v);
    size_t *idx = malloc((nc + 1) * sizeof *idx);
    if (!v || !idx) {
        free(v);
        free(idx);
        return an_fail(err, err_len, AN_ERR_NOMEM, "out of memory");
    }
    int rc = 0;
    for (size_t p = 0; rc == 0 && p < r->point_count; p++) {
        an_report_point *pt = &r->points[p];
        size_t cnt = 0;
        for (size_t i = 0; i < n; i++) cnt += runs[i].point == p;
        pt->run_ids = malloc((cnt ? cnt : 1) * sizeof *pt->run_ids);
        if (!pt->run_ids) {
            rc = an_fail(err, err_len, AN_ERR_NOMEM, "out of memory");
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
            if (rc) an_fail(err, err_len, rc, "bootstrap failed");
        }
        if (rc == 0) {
            rc = point_coalitions(pt, p, runs, cs, nc, v, idx);
            if (rc) an_fail(err, err_len, rc, rc == AN_ERR_NOMEM ? "out of memory" : "bootstrap failed");
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
            rc = an_fail(err, err_len, AN_ERR_NOMEM, "out of memory");
            break;
        }
        r->econ = ne;
        memmove(&r->econ[at + 1], &r->econ[at], (r->econ_count - at) * sizeof *ne);
        memset(&r->econ[at], 0, sizeof *ne);
        r->econ_count++;
        rc = econ_grid(&r->econ[at], r, scen, cs[i].index, runs, cs, nc, v);
        if (rc) an_fail(err, err_len, rc, rc == AN_ERR_NOMEM ? "out of memory" : "bootstrap failed");
    }
    free(v);
    free(idx);
    return rc;
}
