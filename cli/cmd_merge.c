/*
** `xrsim merge OUT.db IN.db...`: copies every run of the inputs (shard
** files, a sweep's pieces) into OUT with all of their rows, renumbering run
** ids, in one transaction (analysis/an_merge.h).  OUT is opened with the
** recorder, which creates it or refuses a foreign/newer file; when the
** merge is refused (exit 2) a file this command created is removed again,
** and an existing one is left as it was.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "an_merge.h"
#include "an_schema.h"
#include "cli_util.h"
#include "cmds.h"
#include "recorder.h"

int cmd_merge(int argc, char **argv) {
    const char *out = NULL;
    const char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
    size_t n = 0;
    bool allow_mixed = false, quiet = false;
    if (!inputs) return 2;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--allow-mixed") == 0) {
            allow_mixed = true;
        } else if (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0) {
            quiet = true;
        } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(cli_usage("merge"), stdout);
            free(inputs);
            return 0;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            fprintf(stderr, "xrsim merge: unknown option '%s'\n%s", arg, cli_usage("merge"));
            free(inputs);
            return 2;
        } else if (out == NULL) {
            out = arg;
        } else {
            inputs[n++] = arg;
        }
    }
    if (out == NULL || n == 0) {
        fprintf(stderr, "xrsim merge: needs OUT.db and at least one IN.db\n%s", cli_usage("merge"));
        free(inputs);
        return 2;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(inputs[i], out) == 0) {
            fprintf(stderr, "xrsim merge: %s is both the output and an input\n", out);
            free(inputs);
            return 2;
        }
    }
    bool existed = access(out, F_OK) == 0;
    char err[1024];
    sim_rec *rec = NULL;
    cli_make_parent_dir(out);
    if (sim_rec_open(&rec, out, an_schema_sql, AN_SCHEMA_VERSION, AN_SCHEMA_APPLICATION_ID, err, sizeof err) != 0) {
        fprintf(stderr, "xrsim merge: %s\n", err);
        free(inputs);
        return 2;
    }
    an_merge_stats st;
    int rc = an_merge(sim_rec_db(rec), inputs, n, allow_mixed, &st, err, sizeof err);
    int closed = sim_rec_close(rec);
    if (rc != 0) {
        if (!existed) unlink(out);
        fprintf(stderr, "xrsim merge: %s; nothing was written\n", err);
        free(inputs);
        return rc == AN_ERR_SQL || rc == AN_ERR_NOMEM ? 1 : 2;
    }
    if (closed != 0) {
        fprintf(stderr, "xrsim merge: closing %s failed\n", out);
        free(inputs);
        return 1;
    }
    if (!quiet) {
        printf("xrsim merge: %zu run%s (%zu rows) from %zu file%s into %s\n", st.runs, st.runs == 1 ? "" : "s",
               st.rows, n, n == 1 ? "" : "s", out);
    }
    free(inputs);
    return 0;
}
