/*
** `xrsim report --out`: one self-contained HTML file (inline CSS and SVG;
** no scripts, no external references) with the tables and plots.
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

static void html_table(FILE *out, an_rtable *t) {
    fputs("<h3>", out);
    an_report_html_text(out, t->title);
    fputs("</h3>\n<table>\n", out);
    for (size_t r = 0; r < t->rows; r++) {
        fputs("<tr>", out);
        for (size_t c = 0; c < t->cols; c++) {
            fputs(r == 0 ? "<th>" : "<td>", out);
            an_report_html_text(out, an_report_cell(t, r, c));
            fputs(r == 0 ? "</th>" : "</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</table>\n", out);
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
                    code = AN_ERR_NOMEM;
                    break;
                }
                v = nv;
            }
            v[k++] = sqlite3_column_double(st, 0);
        }
        if (rc == SQLITE_DONE) rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (code == 0 && rc != SQLITE_OK) code = AN_ERR_SQL;
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
    int rc = lat && n && em ? 0 : AN_ERR_NOMEM;
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
        an_plot pl = {.x0 = 0.0, .x1 = xmax, .y0 = 0.0, .y1 = 1.0, .w = 760, .h = 340, .ml = 60, .mr = 170, .mt = 30,
                   .mb = 45};
        an_plot_nice_range(&pl.x0, &pl.x1);
        pl.x0 = 0.0;
        char title[128], xl[64];
        snprintf(title, sizeof title, "Finality CDF, %s messages", level_name);
        snprintf(xl, sizeof xl, "finality (s), emitted to executed");
        fputs("<figure>\n", out);
        an_plot_open(out, &pl, title, xl, "share of emitted messages");
        for (size_t p = 0; p < np; p++) {
            if (!n[p]) continue;
            fprintf(out, "<polyline fill=\"none\" stroke-width=\"1.6\" stroke=\"%s\" points=\"%.1f,%.1f",
                    an_report_palette[p % AN_REPORT_PALETTE_COUNT], an_plot_x(&pl, 0.0), an_plot_y(&pl, 0.0));
            size_t step = n[p] / 500 + 1; /* at most ~500 vertices per curve */
            double prev = 0.0;
            for (size_t i = 0; i < n[p]; i += step) {
                double x = lat[p][i], y = (double)(i + 1) / (double)em[p];
                fprintf(out, " %.1f,%.1f %.1f,%.1f", an_plot_x(&pl, x), an_plot_y(&pl, prev), an_plot_x(&pl, x), an_plot_y(&pl, y));
                prev = y;
            }
            double yl = (double)n[p] / (double)em[p];
            fprintf(out, " %.1f,%.1f %.1f,%.1f %.1f,%.1f\"/>\n", an_plot_x(&pl, lat[p][n[p] - 1]), an_plot_y(&pl, prev),
                    an_plot_x(&pl, lat[p][n[p] - 1]), an_plot_y(&pl, yl), an_plot_x(&pl, pl.x1), an_plot_y(&pl, yl));
            char cap[128];
            point_caption(r, &r->points[p], cap, sizeof cap);
            an_plot_legend(out, &pl, p, cap);
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
                      const char *const *labels, an_plot pl, const char *title, const char *xlabel, const char *ylabel,
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
    if (!pl.xticks) an_plot_nice_range(&pl.x0, &pl.x1);
    else if (!(pl.x1 > pl.x0)) {
        pl.x0 -= 1.0;
        pl.x1 += 1.0;
    } else {
        double pad = 0.05 * (pl.x1 - pl.x0);
        pl.x0 -= pad;
        pl.x1 += pad;
    }
    an_plot_nice_range(&pl.y0, &pl.y1);
    fputs("<figure>\n", out);
    an_plot_open(out, &pl, title, xlabel, ylabel);
    if (zero_line) {
        fprintf(out, "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>\n",
                pl.ml, an_plot_y(&pl, 0.0), pl.w - pl.mr, an_plot_y(&pl, 0.0));
    }
    fputs("<polygon fill=\"#1f77b4\" fill-opacity=\"0.2\" stroke=\"none\" points=\"", out);
    for (size_t p = 0; p < np; p++) {
        if (stats[p]->n) fprintf(out, " %.1f,%.1f", an_plot_x(&pl, x[p]), an_plot_y(&pl, stats[p]->hi));
    }
    for (size_t p = np; p-- > 0;) {
        if (stats[p]->n) fprintf(out, " %.1f,%.1f", an_plot_x(&pl, x[p]), an_plot_y(&pl, stats[p]->lo));
    }
    fputs("\"/>\n<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"", out);
    for (size_t p = 0; p < np; p++) {
        if (stats[p]->n) fprintf(out, " %.1f,%.1f", an_plot_x(&pl, x[p]), an_plot_y(&pl, stats[p]->mean));
    }
    fputs("\"/>\n", out);
    for (size_t p = 0; p < np; p++) {
        const an_report_stat *s = stats[p];
        if (!s->n) continue;
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#1f77b4\"><title>", an_plot_x(&pl, x[p]),
                an_plot_y(&pl, s->mean));
        an_report_html_text(out, labels[p]);
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
        return AN_ERR_NOMEM;
    }
    for (size_t p = 0; p < np; p++) {
        stats[p] = &r->points[p].stat[metric];
        labels[p] = r->points[p].label;
    }
    char title[160], xl[160];
    snprintf(title, sizeof title, "%s vs %s (mean, 95%% CI band)", name, r->varying[0]);
    snprintf(xl, sizeof xl, "%s%s%s%s", r->varying[0], r->axis_unit[0] ? " (" : "", r->axis_unit,
             r->axis_unit[0] ? ")" : "");
    an_plot pl = {.w = 640, .h = 320, .ml = 70, .mr = 30, .mt = 30, .mb = 45};
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
    an_report_fmt_num(v, n, sizeof n);
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
    an_report_html_text(out, e->name);
    fputs(", scenario ", out);
    an_report_html_text(out, e->scenario);
    fputs("</text>\n", out);
    for (size_t si = 0; si < ns; si++) {
        double y = mt + ch * (double)(ns - 1 - si);
        char pct[24];
        an_report_fmt_pct(e->stakes[si], pct, sizeof pct);
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
        return AN_ERR_NOMEM;
    }
    bool logx = !by_stake;
    for (size_t i = 0; i < np; i++) logx = logx && e->delays_s[i] > 0.0;
    for (size_t i = 0; i < np; i++) {
        stats[i] = &e->pnl_eth[i]; /* one row or one column: the cells are in order */
        if (by_stake) {
            x[i] = 100.0 * e->stakes[i];
            an_report_fmt_pct(e->stakes[i], lab[i], sizeof lab[i]);
        } else {
            x[i] = logx ? log10(e->delays_s[i]) : (double)i;
            an_report_fmt_duration(e->delays_s[i], lab[i], sizeof lab[i]);
        }
        labels[i] = lab[i];
    }
    char title[256], stake[24], delay[24];
    an_report_fmt_pct(e->stakes[0], stake, sizeof stake);
    an_report_fmt_duration(e->delays_s[0], delay, sizeof delay);
    snprintf(title, sizeof title, "Attacker P&L vs %s: coalition #%" PRId64 " %.40s, scenario %.40s (%s %s)",
             by_stake ? "coalition stake" : "withdrawal delay", e->index, e->name, e->scenario,
             by_stake ? "withdrawal delay" : "stake", by_stake ? delay : stake);
    an_plot pl = {.w = 640, .h = 320, .ml = 70, .mr = 30, .mt = 30, .mb = 45};
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
static void html_section_tables(FILE *out, an_rtables *ts, an_rsection sec) {
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
    if (r->varying_count > 50) return an_fail(err, err_len, AN_ERR_NOMEM, "too many varying parameters");
    an_rtables ts = {0};
    int rc = an_report_tables_build(r, &ts);
    if (rc) {
        an_report_tables_free(&ts);
        return an_fail(err, err_len, rc, "out of memory");
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>xrsim report</title>\n<style>",
          out);
    fputs(css, out);
    fputs("</style>\n</head>\n<body>\n<h1>xrsim report</h1>\n<p>File <code>", out);
    an_report_html_text(out, r->path);
    fprintf(out, "</code>: %zu ok runs in %zu parameter point%s (same scenario and parameters apart from the seed).",
            r->ok_runs, r->point_count, r->point_count == 1 ? "" : "s");
    if (r->varying_count) {
        fputs(" Parameters that differ between points:", out);
        for (size_t k = 0; k < r->varying_count; k++) {
            fputs(k ? ", <code>" : " <code>", out);
            an_report_html_text(out, r->varying[k]);
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
    an_report_verdict_notes(r, notes, sizeof notes, true);
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
    an_report_tables_free(&ts);
    if (r->coalition_runs > 0) rc = html_econ(r, out);
    if (rc == 0) fputs("<h2>Finality distribution</h2>\n", out);
    if (rc == 0) rc = html_cdf(r, out, "latest", "fast (latest)");
    if (rc == 0) rc = html_cdf(r, out, "finalized", "finalized");
    if (rc == 0 && r->numeric_axis) {
        fputs("<h2>Metrics against the swept parameter</h2>\n", out);
        rc = html_vs_param(r, out, AN_REPORT_FAST_P99_S, "fast p99 finality (s)");
        if (rc == 0) rc = html_vs_param(r, out, AN_REPORT_HEIGHT_P50_MS, "time per height p50 (ms)");
    }
    fputs("</body>\n</html>\n", out);
    if (rc == AN_ERR_SQL) return an_fail(err, err_len, rc, "reading messages: %s", sqlite3_errmsg(r->db));
    if (rc) return an_fail(err, err_len, rc, "out of memory");
    if (ferror(out) || fflush(out) != 0) return an_fail(err, err_len, AN_ERR_IO, "writing the HTML failed");
    return 0;
}

int an_report_write_html_file(const an_report *r, const char *html_path, char *err, size_t err_len) {
    assert(r != NULL && html_path != NULL);
    size_t len = strlen(html_path) + 5;
    char *tmp = malloc(len);
    if (!tmp) return an_fail(err, err_len, AN_ERR_NOMEM, "out of memory");
    snprintf(tmp, len, "%s.tmp", html_path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        int rc = an_fail(err, err_len, AN_ERR_IO, "cannot write '%s'", tmp);
        free(tmp);
        return rc;
    }
    int rc = an_report_write_html(r, f, err, err_len);
    if (fclose(f) != 0 && rc == 0) rc = an_fail(err, err_len, AN_ERR_IO, "writing '%s' failed", tmp);
    if (rc == 0 && rename(tmp, html_path) != 0) {
        rc = an_fail(err, err_len, AN_ERR_IO, "cannot rename '%s' to '%s'", tmp, html_path);
    }
    if (rc) remove(tmp);
    free(tmp);
    return rc;
}
