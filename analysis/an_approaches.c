/*
** The seed's table: verification approaches side by side (see an_approaches.h).
*/
#include "an_approaches.h"
#include "an_report_internal.h" /* an_plot_text_width: the report's text metrics */
#include "../sim/grow.h" /* header-only: see README, "Layout" */

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { V_FAST, V_FIN, V_FAST99, V_COST, V_CFC, V_EXTRACT, V_PROFIT, V_GEN, V_COUNT };

typedef struct acc {
    double *v[V_COUNT];
    size_t n[V_COUNT];
    size_t cap[V_COUNT];
} acc;

static bool has_table(sqlite3 *db) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'approach_runs'", -1,
                           &st, NULL) != SQLITE_OK)
        return false;
    bool yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return yes;
}

static int push(acc *a, int k, double x) {
    if (!SIM_GROW(a->v[k], a->cap[k], a->n[k] + 1)) return AN_ERR_NOMEM;
    a->v[k][a->n[k]++] = x;
    return 0;
}

static int stat_of(const acc *a, int k, an_report_stat *s) {
    memset(s, 0, sizeof *s);
    s->mean = s->lo = s->hi = NAN;
    if (a->n[k] == 0) return 0;
    return an_report_mean_ci(a->v[k], a->n[k], 15u + (unsigned long)k, s);
}

int an_approaches_load(sqlite3 *db, an_approaches *out) {
    memset(out, 0, sizeof *out);
    if (!has_table(db)) return 0;
    sqlite3_stmt *st;
    const char *sql =
        "SELECT a.approach, a.latest_p50_ns, a.finalized_p50_ns, a.latest_p99_ns, a.cost_per_msg_wei,"
        " a.corruptible, a.cost_of_corruption_gwei, a.extractable_gwei, a.profit_gwei, a.emitted_count,"
        " a.supported_count FROM approach_runs a JOIN runs r ON r.id = a.run_id WHERE r.status = 'ok'"
        " ORDER BY CASE a.approach WHEN 'native' THEN 0 WHEN 'local' THEN 1 WHEN 'optimistic' THEN 2"
        " WHEN 'external' THEN 3 WHEN 'external_native_stake' THEN 4 ELSE 5 END, a.run_id";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return AN_ERR_SQL;
    acc accs[AN_APPROACHES_MAX];
    memset(accs, 0, sizeof accs);
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        size_t i = 0;
        while (i < out->count && strcmp(out->rows[i].name, name) != 0) i++;
        if (i == out->count) {
            if (out->count == AN_APPROACHES_MAX) continue; /* cannot happen: six approaches */
            snprintf(out->rows[i].name, sizeof out->rows[i].name, "%s", name);
            out->count++;
        }
        an_approach_row *row = &out->rows[i];
        acc *a = &accs[i];
        row->runs++;
        row->corruptible = sqlite3_column_int(st, 5) != 0;
        static const struct {
            int col, k;
            double scale;
        } cols[] = {{1, V_FAST, 1e-9}, {2, V_FIN, 1e-9}, {3, V_FAST99, 1e-9}, {4, V_COST, 1e-18},
                    {6, V_CFC, 1e-9},  {7, V_EXTRACT, 1e-9}, {8, V_PROFIT, 1e-9}};
        for (size_t c = 0; rc == 0 && c < sizeof cols / sizeof cols[0]; c++) {
            if (sqlite3_column_type(st, cols[c].col) == SQLITE_NULL) continue;
            rc = push(a, cols[c].k, sqlite3_column_double(st, cols[c].col) * cols[c].scale);
        }
        int64_t emitted = sqlite3_column_int64(st, 9);
        if (rc == 0 && emitted > 0) rc = push(a, V_GEN, (double)sqlite3_column_int64(st, 10) / (double)emitted);
    }
    if (rc == 0 && step != SQLITE_DONE) rc = AN_ERR_SQL;
    sqlite3_finalize(st);
    for (size_t i = 0; rc == 0 && i < out->count; i++) {
        an_approach_row *row = &out->rows[i];
        const acc *a = &accs[i];
        rc = stat_of(a, V_FAST, &row->fast_p50_s);
        if (rc == 0) rc = stat_of(a, V_FIN, &row->finalized_p50_s);
        if (rc == 0) rc = stat_of(a, V_FAST99, &row->fast_p99_s);
        if (rc == 0) rc = stat_of(a, V_COST, &row->cost_eth);
        if (rc == 0) rc = stat_of(a, V_CFC, &row->corruption_eth);
        if (rc == 0) rc = stat_of(a, V_EXTRACT, &row->extractable_eth);
        if (rc == 0) rc = stat_of(a, V_PROFIT, &row->profit_eth);
        if (rc == 0) rc = stat_of(a, V_GEN, &row->generality);
    }
    for (size_t i = 0; i < AN_APPROACHES_MAX; i++)
        for (int k = 0; k < V_COUNT; k++) free(accs[i].v[k]);
    if (rc == 0 && out->count < 2) out->count = 0; /* nothing varies: no comparison */
    if (rc) out->count = 0;
    return rc;
}

/* "3.1 s [2.9, 3.3]", or "n/a". */
static void fmt_dur(const an_report_stat *s, char *buf, size_t len) {
    if (s->n == 0 || !isfinite(s->mean)) {
        snprintf(buf, len, "n/a");
        return;
    }
    char m[24], lo[24], hi[24];
    an_report_fmt_duration(s->mean, m, sizeof m);
    if (s->n < 2) {
        snprintf(buf, len, "%s", m);
        return;
    }
    an_report_fmt_duration(s->lo, lo, sizeof lo);
    an_report_fmt_duration(s->hi, hi, sizeof hi);
    snprintf(buf, len, "%s [%s, %s]", m, lo, hi);
}

static void fmt_val(const an_report_stat *s, char *buf, size_t len) {
    if (s->n == 0 || !isfinite(s->mean)) {
        snprintf(buf, len, "n/a");
        return;
    }
    if (s->n < 2) snprintf(buf, len, "%.4g", s->mean);
    else snprintf(buf, len, "%.4g [%.4g, %.4g]", s->mean, s->lo, s->hi);
}

static void fmt_pct(const an_report_stat *s, char *buf, size_t len) {
    if (s->n == 0 || !isfinite(s->mean)) snprintf(buf, len, "n/a");
    else snprintf(buf, len, "%.3g%%", 100.0 * s->mean);
}

#define NCOLS 8
static const char *const heads[NCOLS] = {"approach",
                                         "latency p50 fast",
                                         "latency p50 finalized",
                                         "cost/msg (ETH)",
                                         "cost of corruption (ETH)",
                                         "extractable in window (ETH)",
                                         "profit from corruption (ETH)",
                                         "generality"};

static void row_cells(const an_approach_row *r, char cells[NCOLS][96]) {
    snprintf(cells[0], 96, "%s", r->name);
    fmt_dur(&r->fast_p50_s, cells[1], 96);
    fmt_dur(&r->finalized_p50_s, cells[2], 96);
    fmt_val(&r->cost_eth, cells[3], 96);
    if (r->corruptible) {
        fmt_val(&r->corruption_eth, cells[4], 96);
        fmt_val(&r->extractable_eth, cells[5], 96);
        fmt_val(&r->profit_eth, cells[6], 96);
    } else {
        snprintf(cells[4], 96, "n/a (nobody to corrupt)");
        snprintf(cells[5], 96, "0");
        snprintf(cells[6], 96, "n/a");
    }
    fmt_pct(&r->generality, cells[7], 96);
}

void an_approaches_print(const an_approaches *a, FILE *out) {
    if (a->count == 0) return;
    char cells[AN_APPROACHES_MAX][NCOLS][96];
    size_t width[NCOLS];
    for (size_t c = 0; c < NCOLS; c++) width[c] = strlen(heads[c]);
    for (size_t i = 0; i < a->count; i++) {
        row_cells(&a->rows[i], cells[i]);
        for (size_t c = 0; c < NCOLS; c++)
            if (strlen(cells[i][c]) > width[c]) width[c] = strlen(cells[i][c]);
    }
    fputs("\nVerification approaches (mean over each approach's runs [95% bootstrap interval]; latency = emitted ->"
          " executed; cost on every chain per executed message; profit = extractable - cost of corruption;"
          " generality = share of the workload's messages carried)\n",
          out);
    for (size_t c = 0; c < NCOLS; c++) fprintf(out, "%-*s%s", (int)width[c], heads[c], c + 1 < NCOLS ? "  " : "\n");
    for (size_t i = 0; i < a->count; i++)
        for (size_t c = 0; c < NCOLS; c++)
            fprintf(out, "%-*s%s", (int)width[c], cells[i][c], c + 1 < NCOLS ? "  " : "\n");
}

static void html_esc(FILE *out, const char *s) {
    for (; *s; s++) {
        if (*s == '<') fputs("&lt;", out);
        else if (*s == '>') fputs("&gt;", out);
        else if (*s == '&') fputs("&amp;", out);
        else fputc(*s, out);
    }
}

static const char *const colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                                      "#e377c2", "#17becf"};

/* The legend's note beside an approach with no point in the plot. */
#define NOT_PLOTTED " (not plotted: no cost of corruption)"

/* Latency (fast p50) against cost of corruption, log10 on both axes. */
static void html_plot(const an_approaches *a, FILE *out) {
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    size_t shown = 0;
    for (size_t i = 0; i < a->count; i++) {
        const an_approach_row *r = &a->rows[i];
        if (!r->corruptible || r->fast_p50_s.n == 0 || r->corruption_eth.n == 0) continue;
        double x = log10(fmax(r->fast_p50_s.mean, 1e-3)), y = log10(fmax(r->corruption_eth.mean, 1e-3));
        x0 = fmin(x0, x), x1 = fmax(x1, x), y0 = fmin(y0, y), y1 = fmax(y1, y);
        shown++;
    }
    if (shown == 0) return;
    x0 = floor(x0), x1 = ceil(x1), y0 = floor(y0), y1 = ceil(y1);
    if (x1 <= x0) x1 = x0 + 1;
    if (y1 <= y0) y1 = y0 + 1;
    /* the legend right of the plot: as wide as its longest entry (with the note of an approach not plotted) */
    double legend_w = 0.0;
    for (size_t i = 0; i < a->count; i++) {
        const an_approach_row *r = &a->rows[i];
        char entry[160];
        snprintf(entry, sizeof entry, "%s%s", r->name,
                 !r->corruptible || r->fast_p50_s.n == 0 || r->corruption_eth.n == 0 ? NOT_PLOTTED : "");
        legend_w = fmax(legend_w, an_plot_text_width(entry, 11.0, false));
    }
    const double ml = 70, mr = fmax(190.0, 26.0 + legend_w + 10.0), w = ml + 460 + mr, mt = 30, mb = 50;
    const double h = fmax(420.0, mt + 10 + 18.0 * (double)a->count + mb);
#define PX(x) (ml + ((x)-x0) / (x1 - x0) * (w - ml - mr))
#define PY(y) (h - mb - ((y)-y0) / (y1 - y0) * (h - mt - mb))
    fprintf(out, "<svg width=\"%g\" height=\"%g\" viewBox=\"0 0 %g %g\" role=\"img\">\n", w, h, w, h);
    fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%g\" height=\"%g\" fill=\"#fff\"/>\n", w, h);
    fprintf(out, "<text x=\"%g\" y=\"18\" text-anchor=\"middle\" font-weight=\"bold\">Latency against cost of "
                 "corruption</text>\n",
            (ml + w - mr) / 2);
    fputs("<g font-size=\"11\" fill=\"#333\">\n", out);
    for (double x = x0; x <= x1 + 1e-9; x += 1) {
        fprintf(out, "<line x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" y2=\"%g\" stroke=\"#e4e4e4\"/>", PX(x), mt, PX(x), h - mb);
        fprintf(out, "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">1e%g s</text>\n", PX(x), h - mb + 16, x);
    }
    for (double y = y0; y <= y1 + 1e-9; y += 1) {
        fprintf(out, "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>", ml, PY(y), w - mr, PY(y));
        fprintf(out, "<text x=\"%g\" y=\"%.1f\" text-anchor=\"end\">1e%g</text>\n", ml - 6, PY(y) + 4, y);
    }
    fputs("</g>\n", out);
    fprintf(out, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"#333\"/>\n", ml, mt,
            w - ml - mr, h - mt - mb);
    fprintf(out, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">fast latency p50 (s, log scale; right is slower)</text>\n",
            (ml + w - mr) / 2, h - 10);
    fprintf(out, "<text transform=\"translate(16 %g) rotate(-90)\" text-anchor=\"middle\">cost of corruption (ETH, "
                 "log scale)</text>\n",
            (mt + h - mb) / 2);
    size_t k = 0;
    for (size_t i = 0; i < a->count; i++) {
        const an_approach_row *r = &a->rows[i];
        const char *col = colours[i % (sizeof colours / sizeof colours[0])];
        double ly = mt + 10 + 18.0 * (double)i;
        fprintf(out, "<circle cx=\"%g\" cy=\"%g\" r=\"5\" fill=\"%s\"/><text x=\"%g\" y=\"%g\" font-size=\"11\">",
                w - mr + 16, ly, col, w - mr + 26, ly + 4);
        html_esc(out, r->name);
        if (!r->corruptible || r->fast_p50_s.n == 0 || r->corruption_eth.n == 0) {
            fputs(NOT_PLOTTED, out);
            fputs("</text>\n", out);
            continue;
        }
        fputs("</text>\n", out);
        double x = log10(fmax(r->fast_p50_s.mean, 1e-3)), y = log10(fmax(r->corruption_eth.mean, 1e-3));
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"%s\"><title>", PX(x), PY(y), col);
        html_esc(out, r->name);
        fprintf(out, ": %.4g s, %.4g ETH</title></circle>\n", r->fast_p50_s.mean, r->corruption_eth.mean);
        k++;
    }
    fputs("</svg>\n", out);
#undef PX
#undef PY
    (void)k;
}

void an_approaches_html(const an_approaches *a, FILE *out) {
    if (a->count == 0) return;
    fputs("<h2>Verification approaches</h2>\n<p>One row per approach (<code>verification.approach</code>): the mean "
          "over its runs with a 95% bootstrap interval. <b>Latency</b>: emitted &rarr; executed, p50 per level. "
          "<b>Cost</b>: every chain, per executed message. <b>Cost of corruption</b>: what making a forgery execute "
          "costs (stake at risk, bribes, or L1's stake for native). <b>Extractable</b>: the workload's value rate "
          "&times; the window a forgery stays unstoppable. <b>Profit</b> = extractable &minus; cost of corruption. "
          "<b>Generality</b>: the share of the workload's messages the approach can carry.</p>\n",
          out);
    fputs("<div class=\"scroll\"><table>\n<tr>", out);
    for (size_t c = 0; c < NCOLS; c++) {
        fputs("<th>", out);
        html_esc(out, heads[c]);
        fputs("</th>", out);
    }
    fputs("</tr>\n", out);
    for (size_t i = 0; i < a->count; i++) {
        char cells[NCOLS][96];
        row_cells(&a->rows[i], cells);
        fputs("<tr>", out);
        for (size_t c = 0; c < NCOLS; c++) {
            fputs("<td>", out);
            html_esc(out, cells[c]);
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</table></div>\n", out);
    html_plot(a, out);
}
