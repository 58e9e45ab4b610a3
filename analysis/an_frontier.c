/*
** The frontier's HTML (see an_frontier.h): the plot of the probes per row
** with the report's SVG primitives, and the table.
*/
#include "an_frontier.h"
#include "an_error.h"
#include "an_outfile.h"
#include "an_report_internal.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HOLDS_COLOUR "#2ca02c"
#define BREAKS_COLOUR "#d62728"
#define SHARE_COLOUR "#9467bd"
#define BRACKET_COLOUR "#fdae6b"

/* A value of the range as written: "0.7125", "80%". */
static void fmt_value(const an_frontier_doc *d, double v, char *buf, size_t len) {
    snprintf(buf, len, "%.10g%s", v, d->percent ? "%" : "");
}

/* "5/7 (0.7143)", or "-" when not known. */
static void fmt_share(uint64_t num, uint64_t den, char *buf, size_t len) {
    if (den == 0) snprintf(buf, len, "-");
    else snprintf(buf, len, "%" PRIu64 "/%" PRIu64 " (%.4g)", num, den, (double)num / (double)den);
}

static void row_label(const an_frontier_doc *d, const an_frontier_row *r, char *buf, size_t len) {
    if (d->over_key && r->label) snprintf(buf, len, "%.80s = %.40s", d->over_key, r->label);
    else snprintf(buf, len, "%s", "the scenario");
}

/* The share's position on the plot's axis (the range's unit). */
static double share_x(const an_frontier_doc *d, uint64_t num, uint64_t den) {
    return (double)num / (double)den * (d->percent ? 100.0 : 1.0);
}

static void html_plot(const an_frontier_doc *d, FILE *out) {
    size_t n = d->row_count;
    double label_w = 0.0, x0 = d->lo, x1 = d->hi;
    bool any_share = false;
    for (size_t i = 0; i < n; i++) {
        const an_frontier_row *r = &d->rows[i];
        char lab[160];
        row_label(d, r, lab, sizeof lab);
        label_w = fmax(label_w, an_plot_text_width(lab, 11.0, false));
        for (size_t k = 0; k < r->probe_count; k++) {
            x0 = fmin(x0, r->probes[k].value);
            x1 = fmax(x1, r->probes[k].value);
        }
        if (r->share_breaks_den) {
            any_share = true;
            double s = share_x(d, r->share_breaks_num, r->share_breaks_den);
            x0 = fmin(x0, s);
            x1 = fmax(x1, s);
        }
    }
    double pad = 0.03 * (x1 - x0);
    const double row_h = 46;
    an_plot pl = {.x0 = x0 - pad, .x1 = x1 + pad, .y0 = 0.0, .y1 = 1.0, .ml = fmax(90.0, label_w + 14.0), .mr = 24,
                  .mt = 58, .mb = 45, .no_yticks = true};
    pl.w = pl.ml + 720 + pl.mr;
    pl.h = pl.mt + row_h * (double)n + pl.mb;
    char title[256], xl[200];
    snprintf(title, sizeof title, "Frontier: where %.80s breaks %s (in any of %" PRIu32 " seed%s)", d->vary_key,
             d->until, d->seeds, d->seeds == 1 ? "" : "s");
    snprintf(xl, sizeof xl, "%.120s, requested%s", d->vary_key, d->percent ? " (%)" : "");
    fputs("<figure id=\"answer\" data-kind=\"frontier\">\n", out);
    an_plot_open(out, &pl, title, xl, "");
    /* the legend, one line under the title */
    static const char *const legend[] = {"held (every seed)", "broke (in a seed)", "the bracket [holds, breaks]",
                                         "actual power share where it breaks"};
    size_t nl = any_share ? 4 : 3;
    double lx = 8, ly = 40;
    fputs("<g class=\"legend\" transform=\"translate(0 0)\" font-size=\"11\">", out);
    for (size_t k = 0; k < nl; k++) {
        double cx = lx + 6, cy = ly - 4;
        if (k == 0) fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"" HOLDS_COLOUR "\"/>", cx, cy);
        else if (k == 1)
            fprintf(out, "<path d=\"M%.1f %.1fL%.1f %.1fM%.1f %.1fL%.1f %.1f\" stroke=\"" BREAKS_COLOUR
                         "\" stroke-width=\"2.5\"/>",
                    cx - 4, cy - 4, cx + 4, cy + 4, cx - 4, cy + 4, cx + 4, cy - 4);
        else if (k == 2)
            fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"10\" fill=\"" BRACKET_COLOUR
                         "\" fill-opacity=\"0.6\"/>",
                    cx - 6, cy - 5);
        else
            fprintf(out, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"" SHARE_COLOUR "\"/>", cx,
                    cy - 6, cx + 6, cy, cx, cy + 6, cx - 6, cy);
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", lx + 16, ly, legend[k]);
        lx += 16 + an_plot_text_width(legend[k], 11.0, false) + 14;
    }
    fputs("</g>\n", out);
    double mid = (pl.ml + pl.w - pl.mr) / 2;
    for (size_t i = 0; i < n; i++) {
        const an_frontier_row *r = &d->rows[i];
        double y = pl.mt + row_h * (double)i + 18;
        char lab[160];
        row_label(d, r, lab, sizeof lab);
        fprintf(out, "<text x=\"%g\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">", pl.ml - 6, y + 4);
        an_report_html_text(out, lab);
        fputs("</text>", out);
        fprintf(out, "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#bbb\"/>", pl.ml, y, pl.w - pl.mr, y);
        if (r->status == AN_FRONTIER_FOUND) {
            double a = an_plot_x(&pl, r->holds), b = an_plot_x(&pl, r->breaks);
            char h[48], k[48];
            fmt_value(d, r->holds, h, sizeof h);
            fmt_value(d, r->breaks, k, sizeof k);
            fprintf(out, "<g><title>holds at %s, breaks at %s</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                         "height=\"16\" fill=\"" BRACKET_COLOUR "\" fill-opacity=\"0.6\"/></g>",
                    h, k, a, y - 8, fmax(b - a, 1.0));
        }
        for (size_t p = 0; p < r->probe_count; p++) {
            const an_frontier_probe *pr = &r->probes[p];
            double x = an_plot_x(&pl, pr->value);
            char v[48];
            fmt_value(d, pr->value, v, sizeof v);
            fprintf(out, "<g><title>probe %zu of %zu: %s %s (%" PRIu32 " run%s)</title>", p + 1, r->probe_count, v,
                    pr->breaks ? "broke" : "held", pr->runs, pr->runs == 1 ? "" : "s");
            if (pr->breaks) {
                fprintf(out, "<path d=\"M%.1f %.1fL%.1f %.1fM%.1f %.1fL%.1f %.1f\" stroke=\"" BREAKS_COLOUR
                             "\" stroke-width=\"2.5\"/>",
                        x - 4, y - 4, x + 4, y + 4, x - 4, y + 4, x + 4, y - 4);
            } else {
                fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"" HOLDS_COLOUR "\"/>", x, y);
            }
            fputs("</g>", out);
        }
        if (r->share_breaks_den) {
            double x = an_plot_x(&pl, share_x(d, r->share_breaks_num, r->share_breaks_den));
            char sh[64], note[128];
            fmt_share(r->share_breaks_num, r->share_breaks_den, sh, sizeof sh);
            snprintf(note, sizeof note, "actual share where it breaks: %s", sh);
            fprintf(out, "<g><title>%s</title><polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\""
                         SHARE_COLOUR "\"/></g>",
                    note, x, y + 6, x + 6, y + 12, x, y + 18, x - 6, y + 12);
            bool left = x > mid;
            fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"" SHARE_COLOUR "\"%s>%s</text>",
                    left ? x - 10 : x + 10, y + 16, left ? " text-anchor=\"end\"" : "", note);
        }
        fputc('\n', out);
    }
    fputs("</svg>\n<figcaption>One row per value", out);
    if (d->over_key) {
        fputs(" of <code>", out);
        an_report_html_text(out, d->over_key);
        fputs("</code>", out);
    }
    fputs(": each value of the bisected key probed, green where the property held in every seed, red where it broke "
          "in one (its seeds stop at the first that breaks); the shaded bracket is where the frontier lies.",
          out);
    if (any_share) {
        fputs(" A coalition's stake_fraction is a request: it takes the smallest prefix of verifiers holding at least "
              "that much, so the actual share that broke it (purple) may lie above the requested value.",
              out);
    }
    fputs(" Hover a marker for its value and runs.</figcaption>\n</figure>\n", out);
}

static void html_table(const an_frontier_doc *d, FILE *out) {
    bool shares = false;
    for (size_t i = 0; i < d->row_count; i++) shares = shares || d->rows[i].share_breaks_den || d->rows[i].share_holds_den;
    fputs("<div class=\"scroll\"><table>\n<tr><th>", out);
    an_report_html_text(out, d->over_key ? d->over_key : "scenario");
    fputs("</th><th>holds at</th><th>breaks at</th>", out);
    if (shares) fputs("<th>actual share where it holds</th><th>actual share where it breaks</th>", out);
    fputs("<th>probes</th><th>runs</th></tr>\n", out);
    for (size_t i = 0; i < d->row_count; i++) {
        const an_frontier_row *r = &d->rows[i];
        char h[64] = "-", b[64] = "-", lo[48], hi[48];
        fmt_value(d, d->lo, lo, sizeof lo);
        fmt_value(d, d->hi, hi, sizeof hi);
        if (r->status == AN_FRONTIER_FOUND) {
            fmt_value(d, r->holds, h, sizeof h);
            fmt_value(d, r->breaks, b, sizeof b);
        } else if (r->status == AN_FRONTIER_HOLDS_EVERYWHERE) {
            snprintf(h, sizeof h, "%s (everywhere)", hi);
        } else {
            snprintf(b, sizeof b, "%s (everywhere)", lo);
        }
        fputs("<tr><td>", out);
        an_report_html_text(out, d->over_key && r->label ? r->label : "-");
        fprintf(out, "</td><td>%s</td><td>%s</td>", h, b);
        if (shares) {
            char sh[64], sb[64];
            fmt_share(r->share_holds_num, r->share_holds_den, sh, sizeof sh);
            fmt_share(r->share_breaks_num, r->share_breaks_den, sb, sizeof sb);
            fprintf(out, "<td>%s</td><td>%s</td>", sh, sb);
        }
        fprintf(out, "<td>%zu</td><td>%" PRIu64 "</td></tr>\n", r->probe_count, r->runs);
    }
    fputs("</table></div>\n", out);
}

int an_frontier_write_html(const an_frontier_doc *d, FILE *out) {
    assert(d != NULL && out != NULL && d->vary_key != NULL);
    char lo[48], hi[48], tol[48];
    fmt_value(d, d->lo, lo, sizeof lo);
    fmt_value(d, d->hi, hi, sizeof hi);
    snprintf(tol, sizeof tol, "%.4g%s", d->tolerance, d->percent ? "%" : "");
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>xrsim frontier</title>\n<style>",
          out);
    fputs(an_report_css, out);
    fputs("</style>\n</head>\n<body>\n<h1>xrsim frontier</h1>\n<p>Scenario <code>", out);
    an_report_html_text(out, d->scenario ? d->scenario : "?");
    fputs("</code>: <code>", out);
    an_report_html_text(out, d->vary_key);
    fprintf(out, "</code> bisected from %s to %s until %s breaks (", lo, hi, d->until);
    an_report_html_text(out, d->condition ? d->condition : "");
    fprintf(out, ") in any of %" PRIu32 " seed%s (run.seed 1..%" PRIu32 "), to within %s", d->seeds,
            d->seeds == 1 ? "" : "s", d->seeds, tol);
    if (d->over_key) {
        fputs(", for each value of <code>", out);
        an_report_html_text(out, d->over_key);
        fputs("</code>", out);
    }
    fputs(". Every run is in <code>", out);
    an_report_html_text(out, d->results ? d->results : "?");
    fputs("</code>.</p>\n", out);
    html_plot(d, out);
    fputs("<h2>Where it breaks</h2>\n", out);
    html_table(d, out);
    fputs("</body>\n</html>\n", out);
    return ferror(out) || fflush(out) != 0 ? -1 : 0;
}

int an_frontier_write_html_file(const an_frontier_doc *d, const char *path, char *err, size_t err_len) {
    assert(d != NULL && path != NULL);
    an_outfile o;
    int rc = an_outfile_begin(&o, path, err, err_len);
    if (rc != 0) return rc;
    bool ok = an_frontier_write_html(d, o.f) == 0;
    if (!ok) snprintf(err, err_len, "writing '%s' failed", path);
    rc = an_outfile_end(&o, ok, ok ? err : NULL, ok ? err_len : 0);
    return ok ? rc : AN_ERR_IO;
}
