/*
** The `xrsim` command: dispatches to one file per subcommand (cmds.h) and
** owns the process-wide set-up that libraries must not do themselves --
** switching off GSL's abort-on-error handler, so every GSL failure comes
** back as a return code that the caller checks.
**
** Exit status: 0 success, 1 a failed simulation or check, 2 bad usage or
** bad input, 130 interrupted.
*/
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

#include "bench_core.h"
#include "bench_sig.h"
#include "cmds.h"

static void print_version(void) {
    printf("xrsim %s (commit %s)\n", XRSIM_VERSION, XRSIM_GIT_COMMIT);
}

int main(int argc, char **argv) {
    gsl_set_error_handler_off();
    if (argc < 2) {
        fputs(cli_usage(NULL), stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        print_version();
        return 0;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        return cmd_help(argc - 1, argv + 1);
    }
    /* `bench core` and `bench sig` live beside the core they measure. */
    if (strcmp(cmd, "bench") == 0 && argc >= 3 && strcmp(argv[2], "core") == 0) {
        return cmd_bench_core(argc - 2, argv + 2);
    }
    if (strcmp(cmd, "bench") == 0 && argc >= 3 && strcmp(argv[2], "sig") == 0) {
        return cmd_bench_sig(argc - 2, argv + 2);
    }
    static const struct { const char *name; int (*fn)(int, char **); } table[] = {
        {"run", cmd_run},
        {"validate", cmd_validate},
        {"check", cmd_check},
        {"export", cmd_export},
        {"compare", cmd_compare},
        {"report", cmd_report},
        {"sweep", cmd_sweep},
        {"frontier", cmd_frontier},
        {"search", cmd_search},
        {"merge", cmd_merge},
        {"swarm", cmd_swarm},
        {"bench", cmd_bench},
        {"help", cmd_help},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strcmp(cmd, table[i].name) == 0) return table[i].fn(argc - 1, argv + 1);
    }
    fprintf(stderr, "xrsim: unknown command '%s'\n", cmd);
    fputs(cli_usage(NULL), stderr);
    return 2;
}
