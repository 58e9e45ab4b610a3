/*
** `xrsim report FILE.db [--out report.html] [--stall 30s]`: per parameter
** point (same scenario and parameters apart from the seed), finality
** percentiles with bootstrap confidence intervals across seeds, cost per
** message, consensus time per height, safety / liveness verdict rates,
** slashing outcomes and attacker P&L per coalition (analysis/an_report.h),
** as aligned tables on stdout and optionally one self-contained HTML file
** with SVG plots (finality CDFs, metric vs the swept parameter, attacker
** P&L over coalition stake x withdrawal delay).  --stall is the liveness
** rule for runs without a verdicts row (recorded before schema 2); runs
** with one carry their own verdict.  The results file is opened
** read-only.  Exit status 0, or 2 on bad usage or input (nothing written).
*/
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "an_outfile.h"
#include "an_report.h"
#include "cmds.h"

static int usage_error(const char *msg, const char *arg) {
    fprintf(stderr, "xrsim report: %s%s%s\n", msg, arg ? arg : "", arg ? "'" : "");
    fputs(cli_usage("report"), stderr);
    return 2;
}

/* "30s", "500ms", "2min", "30" (seconds) -> seconds; false when malformed or not > 0. */
static bool parse_seconds(const char *s, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || !isfinite(v) || !(v > 0.0)) return false;
    if (strcmp(end, "ms") == 0) v /= 1e3;
    else if (strcmp(end, "min") == 0) v *= 60.0;
    else if (strcmp(end, "s") != 0 && *end != '\0') return false;
    *out = v;
    return true;
}

int cmd_report(int argc, char **argv) {
    const char *db_path = NULL, *html_path = NULL;
    double stall_s = AN_REPORT_STALL_S_DEFAULT;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--out") == 0 || strcmp(arg, "-o") == 0) {
            if (i + 1 >= argc) return usage_error("--out needs a file name", NULL);
            html_path = argv[++i];
        } else if (strcmp(arg, "--stall") == 0) {
            if (i + 1 >= argc) return usage_error("--stall needs a duration like 30s", NULL);
            if (!parse_seconds(argv[++i], &stall_s)) return usage_error("--stall wants a duration like 30s, got '", argv[i]);
        } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(cli_usage("report"), stdout);
            return 0;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return usage_error("unknown option '", arg);
        } else if (!db_path) {
            db_path = arg;
        } else {
            return usage_error("unexpected argument '", arg);
        }
    }
    if (!db_path) return usage_error("needs a results file FILE.db", NULL);
    char err[4096];
    if (html_path && an_outfile_check(html_path, err, sizeof err) != 0) {
        fprintf(stderr, "xrsim report: %s; nothing was written\n", err);
        return 2;
    }
    an_report *r = NULL;
    int rc = an_report_load(db_path, stall_s, &r, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "xrsim report: %s\n", err);
        return 2;
    }
    if (html_path) {
        rc = an_report_write_html_file(r, html_path, err, sizeof err);
        if (rc != 0) {
            fprintf(stderr, "xrsim report: %s\n", err);
            an_report_free(r);
            return 2;
        }
    }
    rc = an_report_print(r, stdout);
    if (rc == 0 && html_path) printf("\nwrote %s\n", html_path);
    an_report_free(r);
    if (rc != 0) {
        fprintf(stderr, "xrsim report: writing the tables failed\n");
        return 2;
    }
    return 0;
}
