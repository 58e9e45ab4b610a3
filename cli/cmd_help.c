/*
** `xrsim help [COMMAND]`: usage text for the command and each subcommand.
** The texts live here so that every subcommand prints the same words on a
** usage error as `help` does.
*/
#include <stdio.h>
#include <string.h>

#include "cmds.h"

static const char usage_main[] =
    "usage: xrsim COMMAND [ARGS]\n"
    "\n"
    "Deterministic simulator of restaking-secured cross-rollup messaging.\n"
    "\n"
    "commands:\n"
    "  run FILE        run a scenario and append its results to a SQLite file\n"
    "  validate FILE   check a scenario without running it\n"
    "  bench WHAT      benchmarks: phold (engine), core (hashing), sig (signatures)\n"
    "  help [COMMAND]  this text, or one command's\n"
    "  --version       version and commit\n"
    "\n"
    "Exit status: 0 ok, 1 simulation or check failed, 2 bad usage or input, 130 interrupted.\n";

static const char usage_run[] =
    "usage: xrsim run FILE [--seed N] [--out FILE.db] [--set key.path=value]... [--quiet]\n"
    "\n"
    "Runs the scenario FILE and appends one run to the results database\n"
    "(default: results/xrsim.db).  --seed overrides run.seed; --set overrides any\n"
    "scenario value (e.g. --set network.loss=1% --set run.duration=30s).\n"
    "On a terminal a progress line shows simulated time, events/s and ETA;\n"
    "--quiet prints only errors.  Ctrl-C stops the run and records it as\n"
    "interrupted (exit 130).\n";

static const char usage_validate[] =
    "usage: xrsim validate FILE [--set key.path=value]...\n"
    "\n"
    "Checks FILE (and overrides) without running: every error is printed as\n"
    "file:line:column: error: message.  Exit 0 when valid, 2 otherwise.\n";

static const char usage_bench[] =
    "usage: xrsim bench phold --lps L --pop P --events E [--seed N]\n"
    "       xrsim bench core\n"
    "       xrsim bench sig\n"
    "\n"
    "phold: the PHOLD engine benchmark (see bench/README.md), printing events_per_s=.\n"
    "core:  Keccak-256 throughput and multi-proof build/verify times.\n"
    "sig:   secp256k1 and fast-backend signing, recovery and submission verification.\n";

static const char usage_help[] = "usage: xrsim help [COMMAND]\n";

const char *cli_usage(const char *command) {
    if (command == NULL) return usage_main;
    if (strcmp(command, "run") == 0) return usage_run;
    if (strcmp(command, "validate") == 0) return usage_validate;
    if (strcmp(command, "bench") == 0) return usage_bench;
    if (strcmp(command, "help") == 0) return usage_help;
    return NULL;
}

int cmd_help(int argc, char **argv) {
    if (argc < 2) {
        fputs(usage_main, stdout);
        return 0;
    }
    const char *text = cli_usage(argv[1]);
    if (text == NULL) {
        fprintf(stderr, "xrsim help: unknown command '%s'\n", argv[1]);
        fputs(usage_main, stderr);
        return 2;
    }
    fputs(text, stdout);
    return 0;
}
