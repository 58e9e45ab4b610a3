/*
** `xrsim compare BASE.db HEAD.db [--metric M]... [--tolerance 5%]
** [--ignore key.path]...`: the CI gate (analysis/an_compare.h).  Exit
** status 1 when a metric got significantly worse beyond the tolerance, 0
** otherwise, 2 on bad usage or input (a file that is not an xrsim results
** database, an unknown metric, no matching runs).  Both files are opened
** read-only.
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "an_compare.h"
#include "cmds.h"

#define MAX_LIST 64

static int usage_error(const char *msg, const char *arg) {
    fprintf(stderr, "xrsim compare: %s%s%s\n", msg, arg ? arg : "", arg ? "'" : "");
    fputs(cli_usage("compare"), stderr);
    return 2;
}

/* "5%" -> 0.05, "0.05" -> 0.05; false when malformed or negative. */
static bool parse_tolerance(const char *s, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || !isfinite(v) || v < 0.0) return false;
    if (*end == '%' && end[1] == '\0') v /= 100.0;
    else if (*end != '\0') return false;
    *out = v;
    return true;
}

int cmd_compare(int argc, char **argv) {
    const char *files[2] = {NULL, NULL};
    const char *metric_list[MAX_LIST], *ignore_list[MAX_LIST];
    an_compare_opts o = {.metrics = metric_list, .ignore = ignore_list, .tolerance = 0.05};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--metric") == 0 || strcmp(arg, "-m") == 0) {
            if (i + 1 >= argc) return usage_error("--metric needs a name", NULL);
            if (o.metric_count == MAX_LIST) return usage_error("too many --metric", NULL);
            const char *m = argv[++i];
            if (!an_compare_metric_known(m)) {
                fprintf(stderr, "xrsim compare: unknown metric '%s'; known: %s\n", m, an_compare_metric_names());
                return 2;
            }
            metric_list[o.metric_count++] = m;
        } else if (strcmp(arg, "--tolerance") == 0 || strcmp(arg, "-t") == 0) {
            if (i + 1 >= argc) return usage_error("--tolerance needs a value like 5%", NULL);
            if (!parse_tolerance(argv[++i], &o.tolerance)) {
                return usage_error("--tolerance wants a percentage like 5% (or a fraction), got '", argv[i]);
            }
        } else if (strcmp(arg, "--ignore") == 0) {
            if (i + 1 >= argc) return usage_error("--ignore needs a key.path", NULL);
            if (o.ignore_count == MAX_LIST) return usage_error("too many --ignore", NULL);
            ignore_list[o.ignore_count++] = argv[++i];
        } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(cli_usage("compare"), stdout);
            return 0;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return usage_error("unknown option '", arg);
        } else if (!files[0]) {
            files[0] = arg;
        } else if (!files[1]) {
            files[1] = arg;
        } else {
            return usage_error("unexpected argument '", arg);
        }
    }
    if (!files[1]) return usage_error("needs BASE.db and HEAD.db", NULL);
    an_compare_result res;
    char err[4096];
    int rc = an_compare_run(files[0], files[1], &o, stdout, &res, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "xrsim compare: %s\n", err);
        return 2;
    }
    return res.regressions > 0 ? 1 : 0;
}
