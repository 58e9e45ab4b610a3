/*
** `xrsim report --out`: one self-contained HTML file (inline CSS and SVG;
** no scripts, no external references) with the tables and plots.
*/
#include "an_report_internal.h"
#include "an_approaches.h"
#include "an_outfile.h"
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

static void html_table(FILE *out, an_rtable *t) {
    fputs("<h3>", out);
    an_report_html_text(out, t->title);
    fputs("</h3>\n<div class=\"scroll\"><table>\n", out);
    for (size_t r = 0; r < t->rows; r++) {
        fputs("<tr>", out);
        for (size_t c = 0; c < t->cols; c++) {
            fputs(r == 0 ? "<th>" : "<td>", out);
            an_report_html_text(out, an_report_cell(t, r, c));
            fputs(r == 0 ? "</th>" : "</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</table></div>\n", out);
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
            if (!SIM_GROW(v, cap, k + 1)) {
                code = AN_ERR_NOMEM;
                break;
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
        double legend_w = 0.0;
        for (size_t p = 0; p < np; p++) {
            char cap[128];
            point_caption(r, &r->points[p], cap, sizeof cap);
            if (n[p]) legend_w = fmax(legend_w, an_plot_text_width(cap, 11.0, false));
        }
        double mr = fmax(170.0, 12.0 + 26.0 + legend_w + 10.0);
        an_plot pl = {.x0 = 0.0, .x1 = xmax, .y0 = 0.0, .y1 = 1.0, .w = 590 + mr, .h = fmax(340.0, 30 + 10 + 18.0 * (double)any + 45),
                      .ml = 60, .mr = mr, .mt = 30, .mb = 45};
        an_plot_nice_range(&pl.x0, &pl.x1);
        pl.x0 = 0.0;
        char title[128], xl[64];
        snprintf(title, sizeof title, "Finality CDF, %s messages", level_name);
        snprintf(xl, sizeof xl, "finality (s), emitted to executed");
        fputs("<figure>\n", out);
        an_plot_open(out, &pl, title, xl, "share of emitted messages");
        size_t li = 0;
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
            fputs("<g class=\"legend\" transform=\"translate(0 0)\">", out);
            an_plot_legend(out, &pl, li++, cap, an_report_palette[p % AN_REPORT_PALETTE_COUNT]);
            fputs("</g>\n", out);
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

/* What a line plot shows besides its points. */
typedef struct line_opts {
    const bool *stalled; /* per point: some of its runs stalled (NULL: none marked) */
    bool zero_line;      /* a dashed line at y = 0 (the band spans it) */
    bool legend;         /* a legend right of the plot (pl.mr must leave room) */
    bool fixed_y;        /* keep pl.y0 .. pl.y1 (small multiples share them) */
} line_opts;

#define STALL_COLOUR "#c0392b"

/* A line of means with its 95% CI band: stats[i] at x[i] (ascending), a
   dot per point with a tooltip naming labels[i].  Points without a value
   (nothing executed: every run stalled) are not left out: a red cross at
   the top of the plot marks each; a point with a value some of whose runs
   stalled gets a red ring.  Returns false (and writes nothing) when no
   point has a value and none is marked. */
static bool html_line(FILE *out, size_t np, const double *x, const an_report_stat *const *stats,
                      const char *const *labels, an_plot pl, const char *title, const char *xlabel, const char *ylabel,
                      line_opts o) {
    size_t k = 0, marked = 0, ringed = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t p = 0; p < np; p++) {
        if (o.stalled && o.stalled[p]) {
            if (stats[p]->n == 0) marked++;
            else ringed++;
        }
        if (stats[p]->n == 0) continue;
        k++;
        lo = fmin(lo, stats[p]->lo);
        hi = fmax(hi, stats[p]->hi);
    }
    if (k == 0 && marked == 0) return false;
    if (k == 0) lo = hi = 0.0;
    if (o.zero_line) {
        lo = fmin(lo, 0.0);
        hi = fmax(hi, 0.0);
    }
    pl.x0 = x[0];
    pl.x1 = x[np - 1];
    if (!o.fixed_y) {
        pl.y0 = lo;
        pl.y1 = hi;
    }
    if (!pl.xticks) an_plot_nice_range(&pl.x0, &pl.x1);
    else if (!(pl.x1 > pl.x0)) {
        pl.x0 -= 1.0;
        pl.x1 += 1.0;
    } else {
        double pad = 0.05 * (pl.x1 - pl.x0);
        pl.x0 -= pad;
        pl.x1 += pad;
    }
    if (!o.fixed_y) an_plot_nice_range(&pl.y0, &pl.y1);
    an_plot_open(out, &pl, title, xlabel, ylabel);
    if (o.zero_line) {
        fprintf(out, "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>\n",
                pl.ml, an_plot_y(&pl, 0.0), pl.w - pl.mr, an_plot_y(&pl, 0.0));
    }
    if (k > 0) {
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
    }
    for (size_t p = 0; p < np; p++) {
        const an_report_stat *s = stats[p];
        bool st = o.stalled && o.stalled[p];
        double X = an_plot_x(&pl, x[p]);
        if (!s->n) {
            if (!st) continue;
            fputs("<g><title>", out);
            an_report_html_text(out, labels[p]);
            fprintf(out, ": stalled, no message executed</title><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                         "font-size=\"16\" font-weight=\"bold\" fill=\"" STALL_COLOUR "\">&#215;</text></g>\n",
                    X, pl.mt + 16);
            continue;
        }
        double Y = an_plot_y(&pl, s->mean);
        if (st) {
            fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6.5\" fill=\"none\" stroke=\"" STALL_COLOUR
                         "\" stroke-width=\"1.5\"/>",
                    X, Y);
        }
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#1f77b4\"><title>", X, Y);
        an_report_html_text(out, labels[p]);
        fprintf(out, ": %.4g [%.4g, %.4g], %zu runs%s</title></circle>\n", s->mean, s->lo, s->hi, s->n,
                st ? "; some runs stalled" : "");
    }
    if (o.legend) {
        double lx = pl.w - pl.mr + 12, ly = pl.mt + 10;
        fputs("<g class=\"legend\" transform=\"translate(0 0)\" font-size=\"11\">", out);
        fprintf(out, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"#1f77b4\" stroke-width=\"2\"/>"
                     "<text x=\"%g\" y=\"%g\">mean over seeds</text>\n",
                lx, ly, lx + 20, ly, lx + 26, ly + 4);
        ly += 18;
        fprintf(out, "<rect x=\"%g\" y=\"%g\" width=\"20\" height=\"10\" fill=\"#1f77b4\" fill-opacity=\"0.2\"/>"
                     "<text x=\"%g\" y=\"%g\">95%% CI</text>\n",
                lx, ly - 5, lx + 26, ly + 4);
        if (marked) {
            ly += 18;
            fprintf(out, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\" fill=\""
                         STALL_COLOUR "\">&#215;</text><text x=\"%g\" y=\"%g\">stalled: nothing executed</text>\n",
                    lx + 10, ly + 6, lx + 26, ly + 4);
        }
        if (ringed) {
            ly += 18;
            fprintf(out, "<circle cx=\"%g\" cy=\"%g\" r=\"6.5\" fill=\"none\" stroke=\"" STALL_COLOUR
                         "\" stroke-width=\"1.5\"/><text x=\"%g\" y=\"%g\">some seeds stalled</text>\n",
                    lx + 10, ly, lx + 26, ly + 4);
        }
        fputs("</g>\n", out);
    }
    fputs("</svg>\n", out);
    return true;
}

/* Width of the legend html_line draws (mr to reserve). */
#define LINE_LEGEND_MR 185.0

/* Metric (mean with CI band) against the single numeric varying parameter,
   stalled points marked.  `attrs`: extra attributes of the <figure>. */
static int html_vs_param(const an_report *r, FILE *out, int metric, const char *name, const char *attrs) {
    size_t np = r->point_count;
    const an_report_stat **stats = malloc(np * sizeof *stats);
    const char **labels = malloc(np * sizeof *labels);
    bool *stalled = malloc(np * sizeof *stalled);
    if (!stats || !labels || !stalled) {
        free(stats);
        free(labels);
        free(stalled);
        return AN_ERR_NOMEM;
    }
    for (size_t p = 0; p < np; p++) {
        stats[p] = &r->points[p].stat[metric];
        labels[p] = r->points[p].label;
        stalled[p] = r->points[p].stalled_runs > 0;
    }
    char title[160], xl[160];
    snprintf(title, sizeof title, "%s vs %s (mean, 95%% CI band)", name, r->varying[0]);
    snprintf(xl, sizeof xl, "%s%s%s%s", r->varying[0], r->axis_unit[0] ? " (" : "", r->axis_unit,
             r->axis_unit[0] ? ")" : "");
    an_plot pl = {.w = 640 + LINE_LEGEND_MR - 30, .h = 320, .ml = 70, .mr = LINE_LEGEND_MR, .mt = 30, .mb = 45};
    fprintf(out, "<figure%s%s>\n", attrs ? " " : "", attrs ? attrs : "");
    line_opts o = {.stalled = stalled, .legend = true};
    if (!html_line(out, np, r->axis, stats, labels, pl, title, xl, name, o)) {
        fprintf(out, "<p>No plot of %s: no point has a value.</p>\n", name);
    } else {
        fputs("<figcaption>One dot per parameter point: the mean over its seeds; the band is the 95% bootstrap "
              "interval. A red &#215; marks a point where nothing was executed (its runs stalled), a red ring one where "
              "some of its runs stalled (verdicts).</figcaption>\n",
              out);
    }
    fputs("</figure>\n", out);
    free(stats);
    free(labels);
    free(stalled);
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
static void html_heatmap(FILE *out, const an_report_econ *e, const char *attrs) {
    size_t ns = e->stake_count, nd = e->delay_count;
    double m = 0.0;
    bool pooled = false;
    for (size_t c = 0; c < ns * nd; c++) {
        if (e->pnl_eth[c].n) m = fmax(m, fabs(e->pnl_eth[c].mean));
        pooled = pooled || e->points[c] > 1;
    }
    const double cw = 84, ch = 34, ml = 100, mt = 40, mb = 56, legend = 110;
    char title[256];
    snprintf(title, sizeof title, "Attacker P&L (ETH, mean over runs): coalition #%" PRId64 " %.60s, scenario %.60s",
             e->index, e->name, e->scenario);
    double lh = fmax(ch * (double)ns, 100.0);
    static const char ylabel[] = "coalition stake (share of all stake)";
    double ylabel_w = an_plot_text_width(ylabel, 12.0, false) + 8.0; /* rotated: its height */
    double w = fmax(ml + cw * (double)nd + legend, an_plot_text_width(title, 12.0, true) + 16.0);
    double h = fmax(fmax(mt + ch * (double)ns + mb, mt + lh + 12), mt + ylabel_w + 4);
    fprintf(out, "<figure%s%s>\n", attrs ? " " : "", attrs ? attrs : "");
    fprintf(out, "<svg width=\"%g\" height=\"%g\" viewBox=\"0 0 %g %g\" role=\"img\">\n", w, h, w, h);
    fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%g\" height=\"%g\" fill=\"#fff\"/>\n", w, h);
    fputs("<text x=\"8\" y=\"18\" font-weight=\"bold\">", out);
    an_report_html_text(out, title);
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
    fprintf(out, "<text transform=\"translate(18 %g) rotate(-90)\" text-anchor=\"middle\">%s</text>\n",
            mt + fmax(ch * (double)ns, ylabel_w) / 2, ylabel);
    /* colour scale: -m (bottom) .. +m (top) */
    double lx = ml + cw * (double)nd + 24, steps = 20;
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
static int html_econ_line(FILE *out, const an_report_econ *e, bool by_stake, const char *attrs) {
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
    fprintf(out, "<figure%s%s>\n", attrs ? " " : "", attrs ? attrs : "");
    line_opts o = {.zero_line = true};
    html_line(out, np, x, stats, labels, pl, title,
              by_stake ? "coalition stake (% of all stake, mean per point)"
                       : logx ? "withdrawal delay (log scale)" : "withdrawal delay",
              "P&L (ETH), mean and 95% CI", o);
    fputs("<figcaption>Mean attacker P&amp;L per parameter point with its 95% bootstrap interval; the dashed line is "
          "break-even.</figcaption>\n</figure>\n",
          out);
    free(x);
    free(stats);
    free(lab);
    free(labels);
    return 0;
}

const char an_report_css[] =
    "body{font-family:sans-serif;margin:16px 24px;color:#222;max-width:1340px}"
    "h1{font-size:22px;margin:4px 0 6px}h2{font-size:18px;margin:18px 0 6px}h3{font-size:14px;margin:12px 0 4px}"
    "p{margin:4px 0 8px}ul.varies{margin:2px 0 8px;padding-left:20px}"
    ".scroll{overflow-x:auto;max-width:100%}"
    "table{border-collapse:collapse;margin:4px 0 16px;font-size:13px}"
    "th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;white-space:nowrap}"
    "th{background:#f0f0f0}tr:nth-child(even) td{background:#fafafa}"
    "figure{margin:6px 0 16px;overflow-x:auto;max-width:100%}figcaption{font-size:12px;color:#555;max-width:900px}"
    ".multiples{display:flex;flex-wrap:wrap;gap:4px 12px}.multiples figure{margin:0}"
    "p.omitted{color:#555;font-size:13px}"
    "svg{font-family:sans-serif;font-size:12px;display:block}code{background:#f4f4f4;padding:0 3px}";

/* The tables of one section. */
static void html_section_tables(FILE *out, an_rtables *ts, an_rsection sec) {
    for (size_t t = 0; t < ts->n; t++) {
        if (ts->sec[t] == sec) html_table(out, &ts->t[t]);
    }
}

/* The econ plot of e: the heat map when both stake and delay vary, the
   line when one does; false when neither does. */
static int html_econ_one(FILE *out, const an_report_econ *e, const char *attrs, bool *drawn) {
    *drawn = true;
    if (e->stake_count >= 2 && e->delay_count >= 2) {
        html_heatmap(out, e, attrs);
        return 0;
    }
    if (e->stake_count >= 2 || e->delay_count >= 2) return html_econ_line(out, e, e->stake_count >= 2, attrs);
    *drawn = false;
    return 0;
}

/* Per coalition index but `skip` (the answer, drawn already): its plot. */
static int html_econ(const an_report *r, FILE *out, size_t skip) {
    int rc = 0;
    bool any = skip < r->econ_count;
    for (size_t i = 0; rc == 0 && i < r->econ_count; i++) {
        bool drawn = false;
        if (i != skip) rc = html_econ_one(out, &r->econ[i], NULL, &drawn);
        any = any || drawn;
    }
    if (rc == 0 && !any) {
        fputs("<p>No plot: no coalition's stake or withdrawal delay varies in this file.</p>\n", out);
    }
    return rc;
}

/* Small multiples for two varying parameters: a metric against the
   numeric one (x), one panel per value of the other, on one y scale.
   Returns 0 with *drawn false when neither parameter is numeric. */
static int html_multiples(const an_report *r, FILE *out, int metric, const char *name, const char *attrs,
                          bool *drawn) {
    *drawn = false;
    size_t np = r->point_count;
    double *vx[2] = {malloc(np * sizeof(double)), malloc(np * sizeof(double))};
    size_t *order = malloc(np * sizeof *order);
    double *x = malloc(np * sizeof *x);
    const an_report_stat **stats = malloc(np * sizeof *stats);
    const char **labels = malloc(np * sizeof *labels);
    bool *stalled = malloc(np * sizeof *stalled), *done = calloc(np, sizeof *done);
    int rc = vx[0] && vx[1] && order && x && stats && labels && stalled && done ? 0 : AN_ERR_NOMEM;
    char unit[2][16];
    bool num[2] = {false, false};
    for (size_t k = 0; rc == 0 && k < 2; k++) num[k] = an_report_key_numbers(r, k, vx[k], unit[k]);
    size_t ix = 0;
    if (rc == 0 && (num[0] || num[1])) {
        /* x: the numeric key with more distinct values */
        size_t distinct[2] = {0, 0};
        for (size_t k = 0; k < 2; k++) {
            for (size_t p = 0; p < np; p++) {
                bool seen = false;
                for (size_t q = 0; q < p && !seen; q++) seen = strcmp(r->points[q].values[k], r->points[p].values[k]) == 0;
                distinct[k] += !seen;
            }
        }
        ix = !num[0] ? 1 : !num[1] ? 0 : distinct[1] > distinct[0] ? 1 : 0;
        size_t ip = 1 - ix;
        double lo = INFINITY, hi = -INFINITY;
        for (size_t p = 0; p < np; p++) {
            const an_report_stat *st = &r->points[p].stat[metric];
            if (st->n) {
                lo = fmin(lo, st->lo);
                hi = fmax(hi, st->hi);
            }
        }
        if (!(hi >= lo)) lo = hi = 0.0;
        an_plot_nice_range(&lo, &hi);
        fprintf(out, "<div class=\"multiples\"%s%s>\n", attrs ? " " : "", attrs ? attrs : "");
        for (size_t p0 = 0; p0 < np; p0++) {
            if (done[p0]) continue;
            /* the panel of points with p0's value of the panel key, by x */
            size_t k = 0;
            for (size_t p = p0; p < np; p++) {
                if (!done[p] && strcmp(r->points[p].values[ip], r->points[p0].values[ip]) == 0) {
                    done[p] = true;
                    size_t at = k++;
                    while (at > 0 && vx[ix][order[at - 1]] > vx[ix][p]) {
                        order[at] = order[at - 1];
                        at--;
                    }
                    order[at] = p;
                }
            }
            for (size_t i = 0; i < k; i++) {
                const an_report_point *pt = &r->points[order[i]];
                x[i] = vx[ix][order[i]];
                stats[i] = &pt->stat[metric];
                labels[i] = pt->label;
                stalled[i] = pt->stalled_runs > 0;
            }
            char title[160], xl[160];
            snprintf(title, sizeof title, "%.60s = %.40s", r->varying[ip], r->points[p0].values[ip]);
            snprintf(xl, sizeof xl, "%.100s%s%s%s", r->varying[ix], unit[ix][0] ? " (" : "", unit[ix],
                     unit[ix][0] ? ")" : "");
            an_plot pl = {.w = 330, .h = 250, .ml = 62, .mr = 16, .mt = 30, .mb = 45, .y0 = lo, .y1 = hi};
            line_opts o = {.stalled = stalled, .fixed_y = true};
            fputs("<figure>\n", out);
            if (!html_line(out, k, x, stats, labels, pl, title, xl, name, o)) {
                fprintf(out, "<p>%s: no value.</p>\n", title);
            }
            fputs("</figure>\n", out);
        }
        fprintf(out, "</div>\n<p class=\"omitted\">%s against <code>", name);
        an_report_html_text(out, r->varying[ix]);
        fputs("</code>, one panel per value of <code>", out);
        an_report_html_text(out, r->varying[ip]);
        fputs("</code>, on one scale: mean over seeds with the 95% bootstrap band; a red &#215; marks a point where "
              "nothing was executed, a red ring one where some runs stalled.</p>\n",
              out);
        *drawn = true;
    }
    free(vx[0]);
    free(vx[1]);
    free(order);
    free(x);
    free(stats);
    free(labels);
    free(stalled);
    free(done);
    return rc;
}

/* "What varies": each varying parameter with its values, in point order. */
static void html_varies(const an_report *r, FILE *out) {
    if (r->varying_count == 0) {
        fputs("<p>Nothing varies between the runs but the seed.</p>\n", out);
        return;
    }
    fputs("<ul class=\"varies\">\n", out);
    for (size_t k = 0; k < r->varying_count && k < 8; k++) {
        fputs("<li><code>", out);
        an_report_html_text(out, r->varying[k]);
        fputs("</code>:", out);
        size_t shown = 0, distinct = 0;
        for (size_t p = 0; p < r->point_count; p++) {
            bool seen = false;
            for (size_t q = 0; q < p && !seen; q++) seen = strcmp(r->points[q].values[k], r->points[p].values[k]) == 0;
            if (seen) continue;
            distinct++;
            if (shown < 12) {
                fputs(shown ? ", " : " ", out);
                an_report_html_text(out, r->points[p].values[k]);
                shown++;
            }
        }
        if (distinct > shown) fprintf(out, ", &hellip; (%zu values)", distinct);
        fputs("</li>\n", out);
    }
    if (r->varying_count > 8) fprintf(out, "<li>and %zu more parameters (columns of the tables)</li>\n", r->varying_count - 8);
    fputs("</ul>\n", out);
}

/* Where the time goes: per point and level, the mean time of each stage
   of an executed message (v_stage_breakdown, messages emitted after the
   warm-up), as stacked bars. */
static int html_stages(const an_report *r, FILE *out) {
    static const char *const stage[] = {"source inclusion", "source level", "first vote", "approval", "relay",
                                        "destination inclusion"};
    enum { NSTAGE = 6 };
    static const char *const levels[2] = {"latest", "finalized"};
    size_t np = r->point_count;
    double *ms = calloc(np * 2 * NSTAGE, sizeof *ms);
    size_t *runs = calloc(np * 2, sizeof *runs);
    sqlite3_stmt *st = NULL;
    int rc = ms && runs ? SQLITE_OK : SQLITE_NOMEM;
    if (rc == SQLITE_OK) {
        rc = sqlite3_prepare_v2(r->db,
                                "SELECT level, source_inclusion_ms, source_level_ms, first_vote_ms, approval_ms,"
                                " relay_ms, dest_inclusion_ms FROM v_stage_breakdown WHERE run_id = ?1",
                                -1, &st, NULL);
    }
    for (size_t p = 0; rc == SQLITE_OK && p < np; p++) {
        const an_report_point *pt = &r->points[p];
        for (size_t i = 0; rc == SQLITE_OK && i < pt->seed_count; i++) {
            sqlite3_reset(st);
            rc = sqlite3_bind_int64(st, 1, pt->run_ids[i]);
            while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
                rc = SQLITE_OK;
                const unsigned char *lv = sqlite3_column_text(st, 0);
                size_t l = lv && strcmp((const char *)lv, "finalized") == 0 ? 1 : 0;
                bool ok = true;
                for (int s = 0; s < NSTAGE; s++) ok = ok && sqlite3_column_type(st, 1 + s) != SQLITE_NULL;
                if (!ok) continue;
                for (int s = 0; s < NSTAGE; s++) {
                    double v = sqlite3_column_double(st, 1 + s);
                    ms[(p * 2 + l) * NSTAGE + (size_t)s] += isfinite(v) && v > 0.0 ? v : 0.0;
                }
                runs[p * 2 + l]++;
            }
            if (rc == SQLITE_DONE) rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK) {
        free(ms);
        free(runs);
        return rc == SQLITE_NOMEM ? AN_ERR_NOMEM : AN_ERR_SQL;
    }
    size_t bars = 0;
    double max_s = 0.0, label_w = 0.0;
    for (size_t b = 0; b < np * 2; b++) {
        if (!runs[b]) continue;
        bars++;
        double tot = 0.0;
        for (int s = 0; s < NSTAGE; s++) {
            ms[b * NSTAGE + (size_t)s] /= (double)runs[b];
            tot += ms[b * NSTAGE + (size_t)s];
        }
        max_s = fmax(max_s, tot / 1e3);
        char cap[160], lab[200];
        point_caption(r, &r->points[b / 2], cap, sizeof cap);
        snprintf(lab, sizeof lab, "%s, %s", cap, levels[b % 2]);
        label_w = fmax(label_w, an_plot_text_width(lab, 11.0, false));
    }
    if (bars == 0) {
        fputs("<p class=\"omitted\">Where the time goes: no message was executed in this file: no stage "
              "breakdown.</p>\n",
              out);
        free(ms);
        free(runs);
        return 0;
    }
    const double bh = 16, gap = 6;
    an_plot pl = {.x0 = 0.0, .x1 = max_s, .w = 0, .ml = fmax(90.0, label_w + 14.0), .mr = 20, .mt = 30, .mb = 78};
    pl.w = pl.ml + 620 + pl.mr;
    pl.h = pl.mt + (bh + gap) * (double)bars + gap + pl.mb;
    an_plot_nice_range(&pl.x0, &pl.x1);
    pl.x0 = 0.0;
    pl.y0 = 0.0;
    pl.y1 = 1.0;
    pl.no_yticks = true;
    fputs("<figure>\n", out);
    an_plot_open(out, &pl, "Where the time goes: mean time per stage of an executed message", "seconds", "");
    size_t i = 0;
    for (size_t b = 0; b < np * 2; b++) {
        if (!runs[b]) continue;
        double y = pl.mt + gap + (bh + gap) * (double)i++;
        char cap[160], lab[200];
        point_caption(r, &r->points[b / 2], cap, sizeof cap);
        snprintf(lab, sizeof lab, "%s, %s", cap, levels[b % 2]);
        fprintf(out, "<text x=\"%g\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">", pl.ml - 6, y + bh - 4);
        an_report_html_text(out, lab);
        fputs("</text>", out);
        double at = 0.0;
        for (int s = 0; s < NSTAGE; s++) {
            double v = ms[b * NSTAGE + (size_t)s] / 1e3;
            fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%g\" fill=\"%s\"><title>", an_plot_x(&pl, at),
                    y, an_plot_x(&pl, at + v) - an_plot_x(&pl, at), bh, an_report_palette[s]);
            an_report_html_text(out, lab);
            fprintf(out, ": %s %.3g s (mean of %zu runs)</title></rect>", stage[s], v, runs[b]);
            at += v;
        }
        fputc('\n', out);
    }
    /* legend below the axis label */
    double lx = pl.ml, ly = pl.h - 22;
    for (int s = 0; s < NSTAGE; s++) {
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"10\" fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\" "
                     "font-size=\"11\">%s</text>",
                lx, ly - 9, an_report_palette[s], lx + 16, ly, stage[s]);
        lx += 16 + an_plot_text_width(stage[s], 11.0, false) + 14;
    }
    fputs("\n</svg>\n<figcaption>Per parameter point and level, the mean over its runs of each stage's mean time "
          "(v_stage_breakdown): emitted &rarr; included in a source block &rarr; its XBlock at the level &rarr; "
          "first verifier vote &rarr; attestation approved &rarr; relayer submitted &rarr; included at the "
          "destination.</figcaption>\n</figure>\n",
          out);
    free(ms);
    free(runs);
    return 0;
}

/* How each event of a timeline is drawn: attack events above the run's
   line, accountability events below it, the withdrawal queue as a bar. */
static const struct {
    const char *colour;
    int shape; /* 0 circle, 1 diamond, 2 triangle up, 3 square, 4 triangle down, 5 bar end */
    double dy; /* from the run's line */
} ev_style[AN_REPORT_EVENT_COUNT] = {
    [AN_REPORT_EV_ACTED] = {"#d62728", 0, -5},     [AN_REPORT_EV_APPROVED] = {"#ff7f0e", 1, -5},
    [AN_REPORT_EV_EXECUTED] = {"#8c564b", 2, -5},  [AN_REPORT_EV_PROVABLE] = {"#1f77b4", 0, 5},
    [AN_REPORT_EV_INCLUDED] = {"#17becf", 3, 5},   [AN_REPORT_EV_SLASHED] = {"#2ca02c", 4, 5},
    [AN_REPORT_EV_QUEUED] = {"#9467bd", 5, 0},     [AN_REPORT_EV_COMPLETED] = {"#9467bd", 5, 0},
};

/* One marker of ev_style[e] at (x, y); a tooltip names it. */
static void ev_marker(FILE *out, int e, double x, double y, const char *tip) {
    const char *c = ev_style[e].colour;
    fputs("<g><title>", out);
    an_report_html_text(out, tip);
    fputs("</title>", out);
    switch (ev_style[e].shape) {
    case 0: fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>", x, y, c); break;
    case 1:
        fprintf(out, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"%s\"/>", x, y - 5, x + 5, y, x,
                y + 5, x - 5, y, c);
        break;
    case 2:
        fprintf(out, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"%s\"/>", x, y - 5, x + 5, y + 4, x - 5,
                y + 4, c);
        break;
    case 3: fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"%s\"/>", x - 4, y - 4, c); break;
    case 4:
        fprintf(out, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"%s\"/>", x - 5, y - 4, x + 5, y - 4, x,
                y + 5, c);
        break;
    default:
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>", x,
                y - 7, x, y + 7, c);
    }
    fputs("</g>", out);
}

/* At most this many timelines are drawn (the table has them all). */
#define TIMELINE_ROWS_MAX 40u

/* The attack timelines: a row per attack run and coalition, time to the
   right, each event a marker (the table beside it has the numbers). */
static void html_timelines(const an_report *r, FILE *out) {
    size_t n = r->timeline_count < TIMELINE_ROWS_MAX ? r->timeline_count : TIMELINE_ROWS_MAX;
    if (n == 0) return;
    double end = 0.0, label_w = 0.0;
    char lab[TIMELINE_ROWS_MAX][200];
    for (size_t i = 0; i < n; i++) {
        const an_report_timeline *t = &r->timelines[i];
        if (isfinite(t->end_s)) end = fmax(end, t->end_s);
        for (int e = 0; e < AN_REPORT_EVENT_COUNT; e++) {
            if (!isnan(t->at_s[e])) end = fmax(end, t->at_s[e]);
        }
        char cap[128];
        point_caption(r, &r->points[t->point], cap, sizeof cap);
        snprintf(lab[i], sizeof lab[i], "%s seed %" PRId64 " #%" PRId64, cap, t->seed, t->coalition);
        label_w = fmax(label_w, an_plot_text_width(lab[i], 11.0, false));
    }
    if (!(end > 0.0)) end = 1.0;
    /* the legend: one row of entries under the title */
    double legend_w = 0.0;
    for (int e = 0; e < AN_REPORT_EVENT_COUNT; e++) {
        legend_w += 16 + an_plot_text_width(an_report_event_name((an_report_event)e), 11.0, false) + 12;
    }
    const double row_h = 22;
    an_plot pl = {.x0 = 0.0, .x1 = end, .y0 = 0.0, .y1 = 1.0, .ml = fmax(90.0, label_w + 14.0), .mr = 24, .mt = 56,
                  .mb = 45, .no_yticks = true};
    pl.w = fmax(pl.ml + 640 + pl.mr, 16 + legend_w);
    pl.h = pl.mt + row_h * (double)n + 8 + pl.mb;
    an_plot_nice_range(&pl.x0, &pl.x1);
    pl.x0 = 0.0;
    fputs("<figure>\n", out);
    an_plot_open(out, &pl, "Attack timelines: when each event first happened", "seconds after the start of the run",
                 "");
    double lx = 8, ly = 38;
    fputs("<g class=\"legend\" transform=\"translate(0 0)\" font-size=\"11\">", out);
    for (int e = 0; e < AN_REPORT_EVENT_COUNT; e++) {
        const char *name = an_report_event_name((an_report_event)e);
        ev_marker(out, e, lx + 6, ly - 4, name);
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", lx + 16, ly, name);
        lx += 16 + an_plot_text_width(name, 11.0, false) + 12;
    }
    fputs("</g>\n", out);
    for (size_t i = 0; i < n; i++) {
        const an_report_timeline *t = &r->timelines[i];
        double y = pl.mt + 4 + row_h * ((double)i + 0.5);
        fprintf(out, "<text x=\"%g\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">", pl.ml - 6, y + 4);
        an_report_html_text(out, lab[i]);
        fputs("</text>", out);
        double x_end = an_plot_x(&pl, isfinite(t->end_s) ? t->end_s : end);
        fprintf(out, "<line x1=\"%g\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#bbb\"/>", pl.ml, y, x_end, y);
        /* the withdrawal queue: queued to completed (or to the end of the run) */
        double q = t->at_s[AN_REPORT_EV_QUEUED], c = t->at_s[AN_REPORT_EV_COMPLETED];
        if (!isnan(q)) {
            double x0 = an_plot_x(&pl, q), x1 = isnan(c) ? x_end : an_plot_x(&pl, c);
            fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"4\" fill=\"#9467bd\" "
                         "fill-opacity=\"0.35\"/>",
                    x0, y - 2, fmax(x1 - x0, 0.5));
        }
        for (int e = 0; e < AN_REPORT_EVENT_COUNT; e++) {
            if (isnan(t->at_s[e])) continue;
            char tip[320];
            snprintf(tip, sizeof tip, "%.150s, coalition #%" PRId64 " %.47s (%.7s): %s at %.2f s", lab[i], t->coalition, t->name,
                     t->attack, an_report_event_name((an_report_event)e), t->at_s[e]);
            ev_marker(out, e, an_plot_x(&pl, t->at_s[e]), y + ev_style[e].dy, tip);
        }
        fputc('\n', out);
    }
    fputs("</svg>\n<figcaption>One row per attack run and coalition: above the line what the coalition did (acted, its "
          "forged attestation root approved, its first forged message executed), below it what caught up with it (the "
          "first offence of a member provable on L1, the evidence included, the first slash); the purple bar is the "
          "members' withdrawal queue, from the last one queued to the last one completed (to the end of the run when "
          "not completed). Hover a marker for its time.",
          out);
    if (r->timeline_count > n) {
        fprintf(out, " The first %zu of %zu timelines; the table below has them all.", n, r->timeline_count);
    }
    fputs("</figcaption>\n</figure>\n", out);
}

/* The answer: which plot answers this file's question. */
typedef enum answer { ANS_NONE, ANS_PNL, ANS_VS_KEY, ANS_MULTIPLES, ANS_CDF } answer;

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
    fputs(an_report_css, out);
    fputs("</style>\n</head>\n<body>\n<h1>xrsim report</h1>\n<p>File <code>", out);
    an_report_html_text(out, r->path);
    fprintf(out, "</code>: %zu ok runs in %zu parameter point%s (same scenario and parameters apart from the seed). "
                 "Values are means over a point's seeds with a 95%% bootstrap interval (%u resamples, fixed seed).</p>\n",
            r->ok_runs, r->point_count, r->point_count == 1 ? "" : "s", AN_REPORT_RESAMPLES);
    fputs("<h2>What varies</h2>\n", out);
    html_varies(r, out);

    /* the answer first: the P&L of a coalition sweep, a metric against the swept key, small multiples */
    size_t econ_answer = SIZE_MAX;
    answer ans = ANS_NONE;
    for (size_t i = 0; i < r->econ_count && econ_answer == SIZE_MAX; i++) {
        if (r->econ[i].stake_count >= 2 || r->econ[i].delay_count >= 2) econ_answer = i;
    }
    if (econ_answer != SIZE_MAX) {
        const an_report_econ *e = &r->econ[econ_answer];
        bool heat = e->stake_count >= 2 && e->delay_count >= 2;
        fputs("<h2>The answer: is the attack profitable?</h2>\n", out);
        bool drawn = false;
        rc = html_econ_one(out, e, heat ? "id=\"answer\" data-kind=\"pnl-heatmap\"" : "id=\"answer\" data-kind=\"pnl-line\"",
                           &drawn);
        ans = ANS_PNL;
    } else if (r->numeric_axis) {
        fputs("<h2>The answer: fast finality against <code>", out);
        an_report_html_text(out, r->varying[0]);
        fputs("</code></h2>\n", out);
        rc = html_vs_param(r, out, AN_REPORT_FAST_P99_S, "fast p99 finality (s)", "id=\"answer\" data-kind=\"vs-key\"");
        ans = ANS_VS_KEY;
    } else if (r->varying_count == 2) {
        fputs("<h2>The answer: fast finality against the swept keys</h2>\n", out);
        bool drawn = false;
        rc = html_multiples(r, out, AN_REPORT_FAST_P99_S, "fast p99 finality (s)",
                            "id=\"answer\" data-kind=\"small-multiples\"", &drawn);
        if (drawn) ans = ANS_MULTIPLES;
    }

    fputs("<h2>Safety and liveness</h2>\n<p>", out);
    char notes[1024];
    an_report_verdict_notes(r, notes, sizeof notes, true);
    fputs(notes, out);
    fputs(".</p>\n", out);
    html_section_tables(out, &ts, SEC_VERDICTS);
    if (r->coalition_runs > 0) {
        fputs("<h2>Attacker economics</h2>\n<p><b>P&amp;L</b> = value extracted + payment &minus; slashed &minus; gas "
              "&minus; bribes; <b>slashed</b>: the members' own stake slashed (their delegators' losses are not the "
              "coalition's); <b>cost of corruption</b> = the members' own stake &times; slash fraction + bribes; "
              "<b>profit from corruption</b> = value extracted + payment; <b>stake</b>: the coalition's share of all "
              "stake at genesis. All amounts in ETH.</p>\n",
              out);
        html_section_tables(out, &ts, SEC_ATTACK);
        if (rc == 0) rc = html_econ(r, out, econ_answer);
    }
    if (r->timeline_count > 0) {
        fputs("<h2>Attack timelines</h2>\n", out);
        html_timelines(r, out);
        html_section_tables(out, &ts, SEC_TIMELINE);
    }
    fputs("<h2>Parameter points</h2>\n", out);
    html_section_tables(out, &ts, SEC_POINTS);
    for (size_t i = 0; i < ts.n; i++) {
        if (ts.sec[i] == SEC_POWER) {
            fputs("<h2>Byzantine power</h2>\n", out);
            html_section_tables(out, &ts, SEC_POWER);
            break;
        }
    }
    for (size_t i = 0; i < ts.n; i++) {
        if (ts.sec[i] == SEC_SLASHING) {
            fputs("<h2>Slashing</h2>\n<p>Offences found by the honest watchers and what became of each: "
                  "<b>slashed</b>; <b>withdrawn</b>: the stake left the withdrawal queue before the evidence landed; "
                  "<b>already slashed</b>: an earlier offence took it; <b>vetoed</b>; <b>rejected</b>: the contract's "
                  "check failed; <b>duplicate</b>; <b>pending</b>: the run ended first.</p>\n",
                  out);
            html_section_tables(out, &ts, SEC_SLASHING);
            break;
        }
    }
    if (ts.omitted_count) {
        fputs("<h2>Left out</h2>\n", out);
        for (size_t i = 0; i < ts.omitted_count; i++) {
            fputs("<p class=\"omitted\">", out);
            an_report_html_text(out, ts.omitted[i]);
            fputs(".</p>\n", out);
        }
    }
    an_report_tables_free(&ts);
    if (rc == 0) fputs("<h2>Where the time goes</h2>\n", out);
    if (rc == 0) rc = html_stages(r, out);
    if (rc == 0) fputs("<h2>Finality distribution</h2>\n", out);
    if (rc == 0) rc = html_cdf(r, out, "latest", "fast (latest)");
    if (rc == 0) rc = html_cdf(r, out, "finalized", "finalized");
    if (rc == 0 && r->numeric_axis) {
        fputs("<h2>Metrics against the swept parameter</h2>\n", out);
        if (ans != ANS_VS_KEY) rc = html_vs_param(r, out, AN_REPORT_FAST_P99_S, "fast p99 finality (s)", NULL);
        if (rc == 0) rc = html_vs_param(r, out, AN_REPORT_HEIGHT_P50_MS, "time per height p50 (ms)", NULL);
    }
    /* BEGIN verification approaches (issue 15; an_approaches.h) */
    if (rc == 0) {
        an_approaches ap;
        rc = an_approaches_load(r->db, &ap);
        if (rc == 0) an_approaches_html(&ap, out);
    }
    /* END verification approaches */
    fputs("</body>\n</html>\n", out);
    if (rc == AN_ERR_SQL) return an_fail(err, err_len, rc, "reading messages: %s", sqlite3_errmsg(r->db));
    if (rc) return an_fail(err, err_len, rc, "out of memory");
    if (ferror(out) || fflush(out) != 0) return an_fail(err, err_len, AN_ERR_IO, "writing the HTML failed");
    return 0;
}

int an_report_write_html_file(const an_report *r, const char *html_path, char *err, size_t err_len) {
    assert(r != NULL && html_path != NULL);
    an_outfile o;
    int rc = an_outfile_begin(&o, html_path, err, err_len);
    if (rc != 0) return rc; /* AN_ERR_REFUSED or AN_ERR_IO */
    rc = an_report_write_html(r, o.f, err, err_len);
    if (an_outfile_end(&o, rc == 0, rc == 0 ? err : NULL, rc == 0 ? err_len : 0) != 0 && rc == 0) rc = AN_ERR_IO;
    return rc;
}
