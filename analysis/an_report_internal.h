/*
** What the parts of `xrsim report` share and nobody else sees.  The public
** interface is an_report.h; the parts are
**   an_report_load.c    reading a results file into points (SQL)
**   an_report_stats.c   means with bootstrap intervals, coalitions, P&L grid
**   an_report_tables.c  the tables both outputs show
**   an_report_text.c    aligned text output
**   an_report_svg.c     SVG primitives (axes, legends, palette)
**   an_report_html.c    the HTML report and its plots
*/
#ifndef AN_REPORT_INTERNAL_H
#define AN_REPORT_INTERNAL_H

#include "an_report.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- loading (an_report_load.c, an_report_stats.c) ----------------------- */

/* One counted run, as read from the file. */
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
    char attack[16];
    double stake_fraction, pnl, value, slashed, cost, profit, delegators;
    int profitable;
    /* NAN when the file has no such column or the row none: */
    double acting;                          /* coalition_power.acting_power_share */
    double signers, proven, signers_slashed; /* coalitions.signer_count, ... (schema 8) */
} crow;

/* A parameter value as a number and its unit ("200ms": 200, "ms"); false
** when it is not one. */
bool an_report_parse_quantity(const char *s, double *v, char unit[16]);
/* Whether every point's value of varying parameter k is a number: in one
** unit (vals as written, *unit that unit), or else in one dimension on its
** scale (durations in seconds, unit "s"; amounts in ETH; "20%" and "2/3"
** as fractions, unit "").  vals has a slot per point. */
bool an_report_key_numbers(const an_report *r, size_t k, double *vals, char unit[16]);
/* A malloc'd copy of s; NULL when out of memory. */
char *an_report_strdup(const char *s);
/* Per point: statistics, verdict shares, offences, coalitions; and the
** P&L grids.  Returns 0 or a negative AN_ERR_* with a message in err. */
int an_report_summarise(an_report *r, const rrun *runs, size_t n, const crow *cs, size_t nc, char *err,
                        size_t err_len);

/* ---- tables (an_report_tables.c) ---------------------------------------- */

#define CELL 96

typedef struct an_rtable {
    const char *title;
    size_t cols, rows, cell_cap;
    char (*cells)[CELL]; /* rows x cols; row 0 is the header */
    bool *numeric_col;
} an_rtable;

/* The tables, by section; a section without data has no table. */
typedef enum an_rsection { SEC_POINTS, SEC_VERDICTS, SEC_POWER, SEC_SLASHING, SEC_ATTACK, SEC_TIMELINE, SEC_COUNT } an_rsection;
enum { TABLE_MAX = 10 };
typedef struct an_rtables {
    an_rtable t[TABLE_MAX];
    an_rsection sec[TABLE_MAX];
    size_t n;
    /* the tables left out, each with the one line that says why */
    const char *omitted[TABLE_MAX];
    size_t omitted_count;
} an_rtables;

char *an_report_cell(an_rtable *t, size_t row, size_t col);
/* 4 significant digits; whole numbers from 10^4 to 10^12 (gas) in full. */
void an_report_fmt_num(double v, char *buf, size_t len);
/* A stake fraction as a percentage: "70%", "42.9%". */
void an_report_fmt_pct(double f, char *buf, size_t len);
/* Builds every table the file has data for.  0 or AN_ERR_NOMEM. */
int an_report_tables_build(const an_report *r, an_rtables *ts);
void an_report_tables_free(an_rtables *ts);
/* The lines that say what the verdicts mean, for the runs this file has. */
void an_report_verdict_notes(const an_report *r, char *buf, size_t len, bool html);

/* ---- SVG (an_report_svg.c) ---------------------------------------------- */

/* The reports' style sheet (an_report_html.c; the frontier's HTML uses it too). */
extern const char an_report_css[];
extern const char *const an_report_palette[];
#define AN_REPORT_PALETTE_COUNT 10u

/* A plot area: data ranges, size and margins (pixels). */
typedef struct an_plot {
    double x0, x1, y0, y1;
    double w, h, ml, mr, mt, mb;
    /* optional x ticks at given positions with given labels (else nice steps) */
    const double *xticks;
    const char (*xtick_labels)[24];
    size_t xtick_count;
    bool no_yticks;    /* no y grid, ticks or tick labels (bar charts label their own rows) */
} an_plot;

/* Writes s with <, >, & and " escaped. */
void an_report_html_text(FILE *out, const char *s);
double an_plot_x(const an_plot *p, double x);
double an_plot_y(const an_plot *p, double y);
/* Widens [*lo, *hi] to multiples of a nice step. */
void an_plot_nice_range(double *lo, double *hi);
/* A generous estimate of the width (px) of s in the reports' sans-serif
** font at font_px: what the layout reserves so nothing is clipped. */
double an_plot_text_width(const char *s, double font_px, bool bold);
/* The width of the SVG an_plot_open writes: p->w, or wider for the title. */
double an_plot_width(const an_plot *p, const char *title);
/* Opens the <svg> with its title, grid, ticks and axis labels. */
void an_plot_open(FILE *out, const an_plot *p, const char *title, const char *xlabel, const char *ylabel);
/* Legend entry i (a line in `colour` and its text) right of the plot. */
void an_plot_legend(FILE *out, const an_plot *p, size_t i, const char *text, const char *colour);

#endif
