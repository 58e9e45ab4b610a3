/*
** `xrsim report`, tables: the rows and columns both outputs (text and HTML)
** show, built once from a loaded report, and the notes that explain them.
*/
#include "an_report_internal.h"
#include "../sim/grow.h" /* header-only: see README, "Layout" */

#include <assert.h>
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- tables ------------------------------------------------------------------------------ */

char *an_report_cell(an_rtable *t, size_t row, size_t col) { return t->cells[row * t->cols + col]; }

static int table_init(an_rtable *t, const char *title, size_t cols) {
    memset(t, 0, sizeof *t);
    t->title = title;
    t->cols = cols;
    return 0;
}

/* Adds an empty row; returns its index or SIZE_MAX when out of memory. */
static size_t table_row(an_rtable *t) {
    if (!SIM_GROW(t->cells, t->cell_cap, (t->rows + 1) * t->cols)) return SIZE_MAX;
    for (size_t c = 0; c < t->cols; c++) t->cells[t->rows * t->cols + c][0] = '\0';
    return t->rows++;
}

static void table_free(an_rtable *t) { free(t->cells); }

/* 4 significant digits; whole numbers from 10^4 to 10^12 (gas) in full. */
void an_report_fmt_num(double v, char *buf, size_t len) {
    if (fabs(v) >= 1e4 && fabs(v) < 1e12) snprintf(buf, len, "%.0f", v);
    else snprintf(buf, len, "%.4g", v);
}

/* "mean [lo, hi]" with `unit` after each number ("20% [18%, 22%]"), so
   the interval reads on its own; the mean alone when the interval is it. */
static void fmt_stat_unit(const an_report_stat *s, double scale, const char *unit, char *buf, size_t len) {
    char m[24], l[24], h[24];
    an_report_fmt_num(s->mean * scale, m, sizeof m);
    an_report_fmt_num(s->lo * scale, l, sizeof l);
    an_report_fmt_num(s->hi * scale, h, sizeof h);
    if (s->n == 0) snprintf(buf, len, "-");
    else if (s->n == 1 || (strcmp(l, m) == 0 && strcmp(h, m) == 0)) snprintf(buf, len, "%s%s", m, unit);
    else snprintf(buf, len, "%s%s [%s%s, %s%s]", m, unit, l, unit, h, unit);
}

static void fmt_stat(const an_report_stat *s, char *buf, size_t len) { fmt_stat_unit(s, 1.0, "", buf, len); }

/* Share of runs: "33% (1/3)"; "-" without runs. */
static void fmt_share(size_t k, size_t n, char *buf, size_t len) {
    if (n == 0) snprintf(buf, len, "-");
    else snprintf(buf, len, "%.0f%% (%zu/%zu)", 100.0 * (double)k / (double)n, k, n);
}

/* A stake fraction as a percentage: "70%", "42.9%". */
void an_report_fmt_pct(double f, char *buf, size_t len) { snprintf(buf, len, "%.3g%%", 100.0 * f); }

/* Adds a table with the header row: point, scenario, the varying
   parameters, then heads[0..nheads).  Returns it, or NULL when out of
   memory. */
static an_rtable *tables_add(an_rtables *ts, an_rsection sec, const char *title, const an_report *r, const char *const *heads,
                         size_t nheads) {
    assert(ts->n < TABLE_MAX);
    an_rtable *t = &ts->t[ts->n];
    ts->sec[ts->n++] = sec;
    table_init(t, title, 2 + r->varying_count + nheads);
    size_t row = table_row(t);
    if (row == SIZE_MAX) return NULL;
    snprintf(an_report_cell(t, row, 0), CELL, "point");
    snprintf(an_report_cell(t, row, 1), CELL, "scenario");
    for (size_t k = 0; k < r->varying_count; k++) snprintf(an_report_cell(t, row, 2 + k), CELL, "%s", r->varying[k]);
    for (size_t h = 0; h < nheads; h++) snprintf(an_report_cell(t, row, 2 + r->varying_count + h), CELL, "%s", heads[h]);
    return t;
}

/* Adds a row for a point with its lead cells; returns the row or SIZE_MAX. */
static size_t point_row(an_rtable *t, const an_report *r, const an_report_point *pt) {
    size_t row = table_row(t);
    if (row == SIZE_MAX) return row;
    snprintf(an_report_cell(t, row, 0), CELL, "%s", pt->label);
    snprintf(an_report_cell(t, row, 1), CELL, "%s", pt->name);
    for (size_t k = 0; k < r->varying_count; k++) snprintf(an_report_cell(t, row, 2 + k), CELL, "%s", pt->values[k]);
    return row;
}

/* The tables of metrics with one stat per column. */
static int stat_table(an_rtables *ts, an_rsection sec, const an_report *r, const char *title, const char *const *heads,
                      const int *metrics, size_t nm) {
    const char *h[8] = {"seeds"};
    assert(nm < 8);
    for (size_t i = 0; i < nm; i++) h[1 + i] = heads[i];
    an_rtable *t = tables_add(ts, sec, title, r, h, nm + 1);
    if (!t) return AN_ERR_NOMEM;
    size_t lead = 2 + r->varying_count;
    for (size_t p = 0; p < r->point_count; p++) {
        const an_report_point *pt = &r->points[p];
        size_t row = point_row(t, r, pt);
        if (row == SIZE_MAX) return AN_ERR_NOMEM;
        snprintf(an_report_cell(t, row, lead), CELL, "%zu", pt->seed_count);
        for (size_t i = 0; i < nm; i++) fmt_stat(&pt->stat[metrics[i]], an_report_cell(t, row, lead + 1 + i), CELL);
    }
    return 0;
}

static size_t judged_total(const an_report *r) {
    size_t n = 0;
    for (size_t p = 0; p < r->point_count; p++) n += r->points[p].judged_runs;
    return n;
}

static int verdict_table(an_rtables *ts, const an_report *r) {
    bool v2 = r->verdict_runs > 0;
    static const char *const heads[] = {"runs", "unsafe", "stalled", "forged executed (msgs/run)",
                                        "forged value (ETH/run)", "delayed (msgs/run)"};
    an_rtable *t = tables_add(ts, SEC_VERDICTS, v2 ? "safety and liveness verdicts: share of runs; messages per run: mean "
                                                 "over seeds [95% bootstrap CI]"
                                               : "safety and liveness verdicts: share of runs",
                          r, heads, v2 ? 6 : 3);
    if (!t) return AN_ERR_NOMEM;
    size_t lead = 2 + r->varying_count;
    for (size_t p = 0; p < r->point_count; p++) {
        const an_report_point *pt = &r->points[p];
        size_t row = point_row(t, r, pt);
        if (row == SIZE_MAX) return AN_ERR_NOMEM;
        snprintf(an_report_cell(t, row, lead), CELL, "%zu", pt->judged_runs);
        fmt_share(pt->unsafe_runs, pt->judged_runs, an_report_cell(t, row, lead + 1), CELL);
        fmt_share(pt->stalled_runs, pt->judged_runs, an_report_cell(t, row, lead + 2), CELL);
        if (!v2) continue;
        fmt_stat(&pt->stat[AN_REPORT_FORGED_EXECUTED], an_report_cell(t, row, lead + 3), CELL);
        fmt_stat(&pt->stat[AN_REPORT_FORGED_VALUE_ETH], an_report_cell(t, row, lead + 4), CELL);
        fmt_stat(&pt->stat[AN_REPORT_DELAYED_MSGS], an_report_cell(t, row, lead + 5), CELL);
    }
    return 0;
}

static int slashing_table(an_rtables *ts, const an_report *r) {
    const char *heads[4 + AN_REPORT_OUTCOME_COUNT] = {"seeds", "withdrawal delay", "slashed (ETH/run)", "offences"};
    static const char *const outcome_heads[AN_REPORT_OUTCOME_COUNT] = {
        "slashed", "withdrawn", "already slashed", "vetoed", "rejected", "duplicate", "pending", "not provable"};
    for (int o = 0; o < AN_REPORT_OUTCOME_COUNT; o++) heads[4 + o] = outcome_heads[o];
    an_rtable *t = tables_add(ts, SEC_SLASHING,
                          "slashing: ETH slashed per run (all stake), mean over seeds [95% bootstrap CI]; offences "
                          "found and their outcomes (counts over the seeds)",
                          r, heads, 4 + AN_REPORT_OUTCOME_COUNT);
    if (!t) return AN_ERR_NOMEM;
    size_t lead = 2 + r->varying_count;
    for (size_t p = 0; p < r->point_count; p++) {
        const an_report_point *pt = &r->points[p];
        size_t row = point_row(t, r, pt);
        if (row == SIZE_MAX) return AN_ERR_NOMEM;
        snprintf(an_report_cell(t, row, lead), CELL, "%zu", pt->seed_count);
        an_report_fmt_duration(pt->withdrawal_delay_s, an_report_cell(t, row, lead + 1), CELL);
        fmt_stat(&pt->stat[AN_REPORT_SLASHED_ETH], an_report_cell(t, row, lead + 2), CELL);
        if (pt->restaking_runs == 0) {
            for (int c = 3; c < 4 + AN_REPORT_OUTCOME_COUNT; c++) snprintf(an_report_cell(t, row, lead + (size_t)c), CELL, "-");
            continue;
        }
        snprintf(an_report_cell(t, row, lead + 3), CELL, "%zu", pt->offence_count);
        for (int o = 0; o < AN_REPORT_OUTCOME_COUNT; o++) {
            snprintf(an_report_cell(t, row, lead + 4 + (size_t)o), CELL, "%zu", pt->outcome_count[o]);
        }
    }
    return 0;
}

/* A share statistic as percentages: "70% [60%, 80%]"; "-" without values. */
static void fmt_pct_stat(const an_report_stat *s, char *buf, size_t len) {
    if (s->n == 0) {
        snprintf(buf, len, "-");
        return;
    }
    char m[16], l[16], h[16];
    an_report_fmt_pct(s->mean, m, sizeof m);
    an_report_fmt_pct(s->lo, l, sizeof l);
    an_report_fmt_pct(s->hi, h, sizeof h);
    if (strcmp(l, m) == 0 && strcmp(h, m) == 0) snprintf(buf, len, "%s", m);
    else snprintf(buf, len, "%s [%s, %s]", m, l, h);
}

/* The power each Byzantine entry and each coalition actually holds per
   point: what a target written as a stake fraction came to. */
static int power_table(an_rtables *ts, const an_report *r) {
    static const char *const heads[] = {"who", "what", "runs", "power share", "when acting"};
    an_rtable *t = tables_add(ts, SEC_POWER,
                              "actual power share of the Byzantine targets and coalitions: their verifiers' genesis "
                              "power over all genesis power, mean over seeds [95% bootstrap CI]; when acting: a "
                              "coalition's share of the set in force when it acted",
                              r, heads, sizeof heads / sizeof heads[0]);
    if (!t) return AN_ERR_NOMEM;
    size_t lead = 2 + r->varying_count;
    for (size_t p = 0; p < r->point_count; p++) {
        const an_report_point *pt = &r->points[p];
        for (size_t i = 0; i < pt->share_count; i++) {
            const an_report_share *sh = &pt->shares[i];
            size_t row = point_row(t, r, pt);
            if (row == SIZE_MAX) return AN_ERR_NOMEM;
            snprintf(an_report_cell(t, row, lead), CELL, "byzantine[%" PRId64 "]", sh->entry);
            snprintf(an_report_cell(t, row, lead + 1), CELL, "%s", sh->what);
            snprintf(an_report_cell(t, row, lead + 2), CELL, "%zu", sh->share.n);
            fmt_stat_unit(&sh->share, 100.0, "%", an_report_cell(t, row, lead + 3), CELL);
            snprintf(an_report_cell(t, row, lead + 4), CELL, "-");
        }
        for (size_t c = 0; c < pt->coalition_count; c++) {
            const an_report_coalition *co = &pt->coalitions[c];
            size_t row = point_row(t, r, pt);
            if (row == SIZE_MAX) return AN_ERR_NOMEM;
            snprintf(an_report_cell(t, row, lead), CELL, "coalition #%" PRId64, co->index);
            snprintf(an_report_cell(t, row, lead + 1), CELL, "%.40s, %s", co->name, co->attack);
            snprintf(an_report_cell(t, row, lead + 2), CELL, "%zu", co->runs);
            an_report_fmt_pct(co->stake_fraction, an_report_cell(t, row, lead + 3), CELL);
            fmt_pct_stat(&co->acting_share, an_report_cell(t, row, lead + 4), CELL);
        }
    }
    return 0;
}

static int attack_table(an_rtables *ts, const an_report *r) {
    static const char *const heads[] = {"coalition",       "attack",        "stake",        "seeds",
                                        "P&L (ETH)",       "profitable",    "value extracted (ETH)",
                                        "slashed (ETH)",   "cost of corruption (ETH)",
                                        "profit from corruption (ETH)", "delegators slashed (ETH)",
                                        "signers: proven, slashed"};
    an_rtable *t = tables_add(ts, SEC_ATTACK,
                          "attacker economics per coalition: mean over seeds [95% bootstrap CI]; stake: share of "
                          "all stake; profitable: share of runs with P&L > 0; slashed: the members' own stake, "
                          "delegators slashed: what the stakers who delegated to them lost with them; signers: "
                          "members that signed a forged root, of them proven and slashed (means)",
                          r, heads, sizeof heads / sizeof heads[0]);
    if (!t) return AN_ERR_NOMEM;
    size_t lead = 2 + r->varying_count;
    for (size_t p = 0; p < r->point_count; p++) {
        const an_report_point *pt = &r->points[p];
        for (size_t c = 0; c < pt->coalition_count; c++) {
            const an_report_coalition *co = &pt->coalitions[c];
            size_t row = point_row(t, r, pt);
            if (row == SIZE_MAX) return AN_ERR_NOMEM;
            snprintf(an_report_cell(t, row, lead), CELL, "#%" PRId64 " %.60s", co->index, co->name);
            snprintf(an_report_cell(t, row, lead + 1), CELL, "%s", co->attack);
            an_report_fmt_pct(co->stake_fraction, an_report_cell(t, row, lead + 2), CELL);
            snprintf(an_report_cell(t, row, lead + 3), CELL, "%zu", co->runs);
            fmt_stat(&co->pnl_eth, an_report_cell(t, row, lead + 4), CELL);
            fmt_share(co->profitable_runs, co->runs, an_report_cell(t, row, lead + 5), CELL);
            fmt_stat(&co->value_eth, an_report_cell(t, row, lead + 6), CELL);
            fmt_stat(&co->slashed_eth, an_report_cell(t, row, lead + 7), CELL);
            fmt_stat(&co->cost_eth, an_report_cell(t, row, lead + 8), CELL);
            fmt_stat(&co->profit_eth, an_report_cell(t, row, lead + 9), CELL);
            fmt_stat(&co->delegators_eth, an_report_cell(t, row, lead + 10), CELL);
            if (co->signers.n == 0 || strcmp(co->attack, "censor") == 0) snprintf(an_report_cell(t, row, lead + 11), CELL, "-");
            else
                snprintf(an_report_cell(t, row, lead + 11), CELL, "%.3g: %.3g, %.3g", co->signers.mean,
                         co->signers_proven.mean, co->signers_slashed.mean);
        }
    }
    return 0;
}

/* Per attack run and coalition: when each event of its timeline first
   happened, in seconds after the start. */
static int timeline_table(an_rtables *ts, const an_report *r) {
    const char *heads[2 + AN_REPORT_EVENT_COUNT] = {"seed", "coalition"};
    for (int e = 0; e < AN_REPORT_EVENT_COUNT; e++) heads[2 + e] = an_report_event_name((an_report_event)e);
    an_rtable *t = tables_add(ts, SEC_TIMELINE,
                              r->timeline_forged
                                  ? "attack timelines: seconds after the start of the run when each event first "
                                    "happened ('-': it did not); offences and slashes of the coalition's members"
                                  : "attack timelines: seconds after the start of the run when each event first "
                                    "happened ('-': it did not, or, for the forged root approved and executed, this "
                                    "file predates their columns (schema 12)); offences and slashes of the "
                                    "coalition's members",
                              r, heads, 2 + AN_REPORT_EVENT_COUNT);
    if (!t) return AN_ERR_NOMEM;
    size_t lead = 2 + r->varying_count;
    for (size_t i = 0; i < r->timeline_count; i++) {
        const an_report_timeline *tl = &r->timelines[i];
        size_t row = point_row(t, r, &r->points[tl->point]);
        if (row == SIZE_MAX) return AN_ERR_NOMEM;
        snprintf(an_report_cell(t, row, lead), CELL, "%" PRId64, tl->seed);
        snprintf(an_report_cell(t, row, lead + 1), CELL, "#%" PRId64 " %.40s (%s)", tl->coalition, tl->name,
                 tl->attack);
        for (int e = 0; e < AN_REPORT_EVENT_COUNT; e++) {
            char *c = an_report_cell(t, row, lead + 2 + (size_t)e);
            if (isnan(tl->at_s[e])) snprintf(c, CELL, "-");
            else snprintf(c, CELL, "%.1f", tl->at_s[e]);
        }
    }
    return 0;
}

/* Whether any point has a value of metric m. */
static bool any_value(const an_report *r, int m) {
    for (size_t p = 0; p < r->point_count; p++) {
        if (r->points[p].stat[m].n > 0) return true;
    }
    return false;
}

/* Whether any point has a mean of metric m above 0. */
static bool any_positive(const an_report *r, int m) {
    for (size_t p = 0; p < r->point_count; p++) {
        if (r->points[p].stat[m].n > 0 && r->points[p].stat[m].mean > 0.0) return true;
    }
    return false;
}

/* Whether any run found an offence or lost stake. */
static bool any_slashing(const an_report *r) {
    for (size_t p = 0; p < r->point_count; p++) {
        const an_report_point *pt = &r->points[p];
        if (pt->offence_count > 0 || (pt->stat[AN_REPORT_SLASHED_ETH].n > 0 && pt->stat[AN_REPORT_SLASHED_ETH].mean != 0.0)) {
            return true;
        }
    }
    return false;
}

static void omit(an_rtables *ts, const char *why) {
    assert(ts->omitted_count < TABLE_MAX);
    ts->omitted[ts->omitted_count++] = why;
}

int an_report_tables_build(const an_report *r, an_rtables *ts) {
    static const char *const fast_h[] = {"fast p50", "fast p90", "fast p99"};
    static const int fast_m[] = {AN_REPORT_FAST_P50_S, AN_REPORT_FAST_P90_S, AN_REPORT_FAST_P99_S};
    static const char *const fin_h[] = {"finalized p50", "finalized p90", "finalized p99"};
    static const int fin_m[] = {AN_REPORT_FIN_P50_S, AN_REPORT_FIN_P90_S, AN_REPORT_FIN_P99_S};
    static const char *const cost_h[] = {"gas/msg", "ETH/msg", "of which L1 data", "height p50 ms",
                                         "height p99 ms", "heights"};
    static const int cost_m[] = {AN_REPORT_GAS_PER_MSG, AN_REPORT_ETH_PER_MSG, AN_REPORT_L1_ETH_PER_MSG,
                                 AN_REPORT_HEIGHT_P50_MS, AN_REPORT_HEIGHT_P99_MS, AN_REPORT_HEIGHTS};
    int rc = 0;
    if (any_value(r, AN_REPORT_FAST_P50_S)) {
        rc = stat_table(ts, SEC_POINTS, r, "fast finality (s): mean over seeds [95% bootstrap CI]", fast_h, fast_m, 3);
    } else {
        omit(ts, "fast finality: no message emitted after the warm-up was executed at the fast level (latest) in "
                 "this file: no table");
    }
    if (rc == 0 && any_value(r, AN_REPORT_FIN_P50_S)) {
        rc = stat_table(ts, SEC_POINTS, r, "finalized finality (s): mean over seeds [95% bootstrap CI]", fin_h, fin_m,
                        3);
    } else if (rc == 0) {
        omit(ts, "finalized finality: no message emitted after the warm-up was executed at the finalized level in "
                 "this file (runs shorter than the source chains' L1 finality have none): no table");
    }
    if (rc == 0) {
        rc = stat_table(ts, SEC_POINTS, r,
                        "cost per executed message (execution + L1 data) and consensus: mean over seeds [95% "
                        "bootstrap CI]",
                        cost_h, cost_m, 6);
    }
    if (rc == 0) rc = verdict_table(ts, r);
    if (rc == 0 && (any_positive(r, AN_REPORT_ATT_STALLS) || any_positive(r, AN_REPORT_HALTED))) {
        static const char *const stall_h[] = {"attestation stalls/run", "longest stall (s)", "halted (share of runs)"};
        static const int stall_m[] = {AN_REPORT_ATT_STALLS, AN_REPORT_ATT_STALL_S, AN_REPORT_HALTED};
        rc = stat_table(ts, SEC_VERDICTS, r,
                        "stalls: attestation streams (source chain, level) that approved nothing for longer than "
                        "adversary.stall_bound while an XBlock waited, per run, and the share of runs whose chain "
                        "halted (every verifier left the set): mean over seeds [95% bootstrap CI] (SELECT * FROM "
                        "attestation_stalls, chain_halts)",
                        stall_h, stall_m, any_value(r, AN_REPORT_HALTED) ? 3 : 2);
    } else if (rc == 0 && any_value(r, AN_REPORT_ATT_STALLS)) {
        omit(ts, "stalls: no attestation stream stalled and no chain halted in this file: no stalls table");
    }
    if (rc == 0 && (r->byzantine_runs > 0 || r->coalition_runs > 0)) rc = power_table(ts, r);
    if (rc == 0 && r->restaking_runs > 0 && any_slashing(r)) rc = slashing_table(ts, r);
    else if (rc == 0 && r->restaking_runs > 0) omit(ts, "slashing: no offence found and nothing slashed in this file: no slashing table");
    else if (rc == 0) omit(ts, "slashing: no restaking data in this file: no slashing table");
    if (rc == 0 && r->coalition_runs > 0) rc = attack_table(ts, r);
    else if (rc == 0) omit(ts, "attackers: no coalition in this file: no attacker section");
    if (rc == 0 && r->timeline_count > 0) rc = timeline_table(ts, r);
    else if (rc == 0 && r->coalition_runs > 0) omit(ts, "attack timelines: no coalition attacked (forge or censor) in this file: no timeline");
    return rc;
}

void an_report_tables_free(an_rtables *ts) {
    for (size_t t = 0; t < ts->n; t++) table_free(&ts->t[t]);
}

/* The lines that say what the verdicts mean, for the runs this file has. */
void an_report_verdict_notes(const an_report *r, char *buf, size_t len, bool html) {
    size_t old = judged_total(r) - r->verdict_runs;
    const char *b0 = html ? "<b>" : "", *b1 = html ? "</b>" : "";
    int used = 0;
    buf[0] = '\0';
    if (r->verdict_runs > 0) {
        used = snprintf(buf, len,
                        "%sunsafe%s: forged messages executed or conflicting honest commits; %sstalled%s: a consensus "
                        "stall, an attestation stream stalled beyond adversary.stall_bound, a halted chain, or a "
                        "message not executed within the scenario's adversary.delay_bound (verdicts table, %zu "
                        "run%s)",
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
