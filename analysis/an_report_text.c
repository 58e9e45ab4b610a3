/*
** `xrsim report`, text output: the tables aligned in fixed-width columns.
*/
#include "an_report_internal.h"
#include "an_approaches.h"

#include <assert.h>
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static void table_print(an_rtable *t, FILE *out) {
    size_t w[64] = {0};
    assert(t->cols <= 64);
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t c = 0; c < t->cols; c++) {
            size_t n = strlen(an_report_cell(t, r, c));
            if (n > w[c]) w[c] = n;
        }
    }
    fprintf(out, "%s\n", t->title);
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t c = 0; c < t->cols; c++) {
            if (c + 1 == t->cols) fprintf(out, "%s\n", an_report_cell(t, r, c));
            else fprintf(out, "%-*s  ", (int)w[c], an_report_cell(t, r, c));
        }
    }
}

int an_report_print(const an_report *r, FILE *out) {
    assert(r != NULL && out != NULL);
    if (r->varying_count > 50) return AN_ERR_NOMEM;
    an_rtables ts = {0};
    int rc = an_report_tables_build(r, &ts);
    if (rc == 0) {
        fprintf(out, "report: %s: %zu ok runs in %zu parameter point%s", r->path, r->ok_runs, r->point_count,
                r->point_count == 1 ? "" : "s");
        if (r->varying_count) {
            fprintf(out, "; varying:");
            for (size_t k = 0; k < r->varying_count; k++) fprintf(out, "%s %s", k ? "," : "", r->varying[k]);
        }
        char notes[1024];
        an_report_verdict_notes(r, notes, sizeof notes, false);
        fprintf(out, "\n%s\n", notes);
        for (size_t t = 0; t < ts.n; t++) {
            fputc('\n', out);
            table_print(&ts.t[t], out);
        }
        if (ts.omitted_count) fputc('\n', out);
        for (size_t i = 0; i < ts.omitted_count; i++) fprintf(out, "%s\n", ts.omitted[i]);
        if (r->coalition_runs > 0) fputs("P&L = value extracted + payment - slashed - gas - bribes; slashed: the members' own stake "
                   "slashed; cost of corruption = the members' own stake x slash fraction + bribes; profit from "
                   "corruption = value extracted + payment\n",
                   out);
    }
    an_report_tables_free(&ts);
    /* BEGIN verification approaches (issue 15; an_approaches.h) */
    if (rc == 0) {
        an_approaches ap;
        rc = an_approaches_load(r->db, &ap);
        if (rc == 0) an_approaches_print(&ap, out);
    }
    /* END verification approaches */
    if (rc == 0 && (ferror(out) || fflush(out) != 0)) rc = AN_ERR_IO;
    return rc;
}
