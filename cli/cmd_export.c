/*
** `xrsim export FILE.db VIEW [--csv|--json] [--run N]`: write one table or
** view of a results database to stdout (analysis/an_export.h).  The file
** is opened read-only and checked before anything is printed; a file that
** is not an xrsim results database, or an unknown VIEW, exits 2 with a
** message and no output.
*/
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "an_export.h"
#include "cmds.h"

static int usage_error(const char *msg, const char *arg) {
    fprintf(stderr, "xrsim export: %s%s%s\n", msg, arg ? arg : "", arg ? "'" : "");
    fputs(cli_usage("export"), stderr);
    return 2;
}

int cmd_export(int argc, char **argv) {
    const char *file = NULL, *view = NULL;
    an_export_format fmt = AN_EXPORT_CSV;
    int64_t run_id = -1;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--csv") == 0) {
            fmt = AN_EXPORT_CSV;
        } else if (strcmp(arg, "--json") == 0) {
            fmt = AN_EXPORT_JSON;
        } else if (strcmp(arg, "--run") == 0) {
            if (i + 1 >= argc) return usage_error("--run needs a run id", NULL);
            const char *v = argv[++i];
            char *end;
            errno = 0;
            long long n = strtoll(v, &end, 10);
            if (errno || *end || !*v || n < 0) return usage_error("--run wants a run id (integer >= 0), got '", v);
            run_id = n;
        } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(cli_usage("export"), stdout);
            return 0;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return usage_error("unknown option '", arg);
        } else if (!file) {
            file = arg;
        } else if (!view) {
            view = arg;
        } else {
            return usage_error("unexpected argument '", arg);
        }
    }
    if (!file || !view) return usage_error("needs FILE.db and VIEW", NULL);
    char err[8192];
    if (!an_export_name_known(view)) {
        char names[4096];
        an_export_names(names, sizeof names);
        fprintf(stderr, "xrsim export: unknown table or view '%s'; known: %s\n", view, names);
        return 2;
    }
    sqlite3 *db = NULL;
    int rc = an_export_open(file, &db, err, sizeof err);
    if (rc == 0) rc = an_export_write(db, view, fmt, run_id, stdout, err, sizeof err);
    sqlite3_close(db);
    if (rc != 0) {
        fprintf(stderr, "xrsim export: %s\n", err);
        return rc == AN_ERR_IO ? 1 : 2;
    }
    return 0;
}
