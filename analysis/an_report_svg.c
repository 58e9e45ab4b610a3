/*
** `xrsim report`, SVG primitives: axes with nice ticks, legends and the
** palette the HTML plots share, and escaping text for HTML.
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

/* ---- HTML ------------------------------------------------------------------------------------ */

const char *const an_report_palette[AN_REPORT_PALETTE_COUNT] = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};

void an_report_html_text(FILE *out, const char *s) {
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

double an_plot_x(const an_plot *p, double x) { return p->ml + (x - p->x0) / (p->x1 - p->x0) * (p->w - p->ml - p->mr); }
double an_plot_y(const an_plot *p, double y) { return p->h - p->mb - (y - p->y0) / (p->y1 - p->y0) * (p->h - p->mt - p->mb); }

static double an_plot_nice_step(double range) {
    if (!(range > 0.0)) return 1.0;
    double raw = range / 5.0, mag = pow(10.0, floor(log10(raw))), f = raw / mag;
    return (f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0) * mag;
}

/* Widens [*lo, *hi] to multiples of a nice step. */
void an_plot_nice_range(double *lo, double *hi) {
    if (!(*hi > *lo)) {
        double d = fabs(*lo) > 0 ? fabs(*lo) * 0.1 : 1.0;
        *lo -= d;
        *hi += d;
    }
    double s = an_plot_nice_step(*hi - *lo);
    *lo = floor(*lo / s + 1e-9) * s;
    *hi = ceil(*hi / s - 1e-9) * s;
}

double an_plot_text_width(const char *s, double font_px, bool bold) {
    size_t n = 0;
    for (const unsigned char *u = (const unsigned char *)s; *u; u++) n += (*u & 0xC0) != 0x80; /* UTF-8 characters */
    return (double)n * font_px * (bold ? 0.68 : 0.62);
}

double an_plot_width(const an_plot *p, const char *title) {
    return fmax(p->w, an_plot_text_width(title, 12.0, true) + 16.0);
}

void an_plot_open(FILE *out, const an_plot *p, const char *title, const char *xlabel, const char *ylabel) {
    /* the title starts at the left edge; a title wider than the plot widens the SVG to the right */
    double w = an_plot_width(p, title);
    fprintf(out, "<svg width=\"%g\" height=\"%g\" viewBox=\"0 0 %g %g\" role=\"img\">\n", w, p->h, w, p->h);
    fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%g\" height=\"%g\" fill=\"#fff\"/>\n", w, p->h);
    fputs("<text x=\"8\" y=\"18\" font-weight=\"bold\">", out);
    an_report_html_text(out, title);
    fputs("</text>\n", out);
    double sx = an_plot_nice_step(p->x1 - p->x0), sy = an_plot_nice_step(p->y1 - p->y0);
    fputs("<g font-size=\"11\" fill=\"#333\">\n", out);
    size_t nx = 0;
    for (double x = ceil(p->x0 / sx - 1e-9) * sx; p->xticks ? nx < p->xtick_count : x <= p->x1 + 1e-9 * sx;
         x += sx, nx++) {
        double X = an_plot_x(p, p->xticks ? p->xticks[nx] : x);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" y2=\"%g\" stroke=\"#e4e4e4\"/>", X, p->mt, X,
                p->h - p->mb);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" y2=\"%g\" stroke=\"#333\"/>", X, p->h - p->mb, X,
                p->h - p->mb + 5);
        if (p->xticks) {
            fprintf(out, "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">", X, p->h - p->mb + 18);
            an_report_html_text(out, p->xtick_labels[nx]);
            fputs("</text>\n", out);
        } else {
            fprintf(out, "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%.6g</text>\n", X, p->h - p->mb + 18,
                    fabs(x) < 1e-12 * sx ? 0.0 : x);
        }
    }
    for (double y = ceil(p->y0 / sy - 1e-9) * sy; !p->no_yticks && y <= p->y1 + 1e-9 * sy; y += sy) {
        double Y = an_plot_y(p, y);
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
    an_report_html_text(out, xlabel);
    fprintf(out, "</text>\n<text transform=\"translate(16 %g) rotate(-90)\" text-anchor=\"middle\">",
            (p->mt + p->h - p->mb) / 2);
    an_report_html_text(out, ylabel);
    fputs("</text>\n", out);
}

void an_plot_legend(FILE *out, const an_plot *p, size_t i, const char *text, const char *colour) {
    double x = p->w - p->mr + 12, y = p->mt + 10 + 18.0 * (double)i;
    fprintf(out, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"%s\" stroke-width=\"2\"/>", x, y, x + 20, y,
            colour);
    fprintf(out, "<text x=\"%g\" y=\"%g\" font-size=\"11\">", x + 26, y + 4);
    an_report_html_text(out, text);
    fputs("</text>\n", out);
}
