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
    "  check FILE...   run scenarios and test their expect: bounds (regression gate)\n"
    "  export DB VIEW  write a table or view of a results file as CSV or JSON\n"
    "  compare A B     compare two results files; exit 1 on a regression (CI gate)\n"
    "  report DB       per parameter point: finality with CIs, cost, verdicts; --out HTML\n"
    "  sweep FILE      run a scenario's sweep: grid x seeds, parallel, resumable, --shard K/N\n"
    "  merge OUT IN... merge results files (shards) into OUT, renumbering runs\n"
    "  frontier FILE   bisect a key to where safety or liveness first breaks\n"
    "  search FILE     search a scenario's attack space for the best attack, shrink it\n"
    "  swarm           random scenarios seed after seed, invariants checked (VOPR-style)\n"
    "  bench WHAT      benchmarks: phold (engine), core (hashing), sig (signatures)\n"
    "  help [COMMAND]  this text, or one command's\n"
    "  --version       version and commit\n"
    "\n"
    "Exit status: 0 ok, 1 simulation or check failed, 2 bad usage or input, 130 interrupted.\n";

static const char usage_run[] =
    "usage: xrsim run FILE [--seed N] [--out FILE.db] [--set key.path=value]... [--quiet]\n"
    "                [--any-memory]\n"
    "\n"
    "Runs the scenario FILE and appends one run to the results database\n"
    "(default: results/xrsim.db).  --seed overrides run.seed; --set overrides any\n"
    "scenario value (e.g. --set network.loss=1% --set run.duration=30s).\n"
    "On a terminal a progress line shows simulated time, events/s and ETA;\n"
    "--quiet prints only errors.  Ctrl-C stops the run and records it as\n"
    "interrupted (exit 130).  A scenario whose peak memory estimate (see\n"
    "validate) exceeds the memory available is refused before anything is\n"
    "built (exit 2); --any-memory runs it anyway.\n";

static const char usage_validate[] =
    "usage: xrsim validate FILE [--set key.path=value]...\n"
    "\n"
    "Checks FILE (and overrides) without running: every error is printed as\n"
    "file:line:column: error: message.  A valid scenario gets an estimate of\n"
    "its peak memory (verifiers x consensus state in use + shared; the model is\n"
    "in cli/mem_estimate.h) beside the memory available now.  Exit 0 when valid,\n"
    "2 otherwise.\n";

static const char usage_check[] =
    "usage: xrsim check FILE... [--out FILE.db] [--seed N] [--set key.path=value]...\n"
    "\n"
    "Runs each scenario (like run; results into --out, default results/check.db)\n"
    "and checks the bounds in its expect: section.  Prints one line per violated\n"
    "bound, e.g. 'f.yaml: fast.p99 = 23.4 s > max 20 s', and 'f.yaml: ok (...)'\n"
    "for a scenario whose bounds all hold; each outcome is also recorded in the\n"
    "expectations table.  --set and --seed apply to every FILE.  Every FILE is\n"
    "checked before anything runs.  Exit 0 all held, 1 a bound was violated or a\n"
    "run failed, 2 bad usage or input (nothing is run or written).\n";

static const char usage_export[] =
    "usage: xrsim export FILE.db VIEW [--csv|--json] [--run N]\n"
    "\n"
    "Writes a table or view of the results schema (e.g. runs, messages,\n"
    "v_finality, v_consensus) to stdout: --csv (default) with a header row and\n"
    "RFC 4180 quoting, or --json as an array of objects (NULL as null).\n"
    "--run N keeps only run N's rows.  The file is opened read-only.\n";

static const char usage_compare[] =
    "usage: xrsim compare BASE.db HEAD.db [--metric M]... [--tolerance 5%] [--ignore key.path]...\n"
    "\n"
    "Matches the ok runs of BASE and HEAD by (scenario, parameters, seed) and,\n"
    "per metric and (scenario, parameters) group, compares the per-seed values\n"
    "with a bootstrap of the difference of means (4000 resamples, fixed seed).\n"
    "Prints each change that is significant (95%) and beyond the tolerance\n"
    "(relative to BASE, default 5%), better or WORSE, and each matched run\n"
    "whose event digests differ.  --ignore leaves a parameter out of the\n"
    "matching (to compare two settings of it).  Default metrics: fast_p50_s,\n"
    "fast_p99_s, finalized_p99_s, height_p50_ms, gas_per_msg; an unknown name\n"
    "lists the known ones.  Exit 1 on a regression, 0 otherwise, 2 on bad input.\n";

static const char usage_sweep[] =
    "usage: xrsim sweep FILE [--out FILE.db] [--jobs N] [--shard K/N] [--set key.path=value]... [--quiet]\n"
    "\n"
    "Runs every point of FILE's sweep: section (a grid over scenario keys x seeds,\n"
    "e.g. sweep: {grid: {consensus.quorum: [0.6, 0.75]}, seeds: 5}) into --out\n"
    "(default results/sweep.db), in N worker processes (default: all cores).\n"
    "--shard K/N runs only points whose index % N == K-1 (merge the shard files\n"
    "with xrsim merge).  Points already ok in --out are skipped (resume).  Every\n"
    "point is checked before anything runs, and refused when its peak memory\n"
    "estimate exceeds the memory available.  Exit 0 all ok, 1 a point failed,\n"
    "2 bad usage or input (nothing is run or written), 130 interrupted.\n"
    "Under mpirun (an XRSIM_MPI build) the ranks split the points and rank 0\n"
    "gathers them into --out.\n";

static const char usage_frontier[] =
    "usage: xrsim frontier FILE --vary KEY=LO..HI [--over KEY2=v1,v2,...] --until safety|liveness\n"
    "                      [--seeds N] [--tolerance X] [--stall 30s] [--set key.path=value]...\n"
    "                      [--out FILE.db] [--out FILE.html] [--db FILE.db] [--quiet]\n"
    "\n"
    "For each value of KEY2 (applied like --set), bisects KEY over LO..HI (numbers,\n"
    "e.g. 0.6..0.9, or percentages, 60%..90%; integers stay integers) to the first\n"
    "value where the property breaks in at least one of N seeds (run.seed 1..N,\n"
    "default 3): safety breaks on conflicting commits or approvals or forged\n"
    "messages executed, liveness on a\n"
    "stall longer than --stall (default 30s) or no height committed.  LO must hold\n"
    "and HI break, else the row says 'everywhere'.  Stops when the interval is at\n"
    "most --tolerance wide (default (HI-LO)/64).  Prints per KEY2 value the last\n"
    "holding and first breaking value and the runs used; every run is recorded\n"
    "into --out FILE.db or --db (default results/frontier.db) like xrsim run.\n"
    "--out FILE.html also draws the frontier (each probe, the bracket, the actual\n"
    "power share where a coalition's stake_fraction breaks) into one self-contained\n"
    "HTML file; like report --out it never replaces a link, a device, a directory\n"
    "or a results file (checked before anything runs).  Every KEY2 value is\n"
    "checked at LO and HI before anything runs.  Exit 0 done, 1 a run failed,\n"
    "2 bad usage or input (nothing is run or written), 130 interrupted.\n";

static const char usage_search[] =
    "usage: xrsim search FILE [--objective pnl|forged_value|stall] [--budget N] [--jobs J]\n"
    "                    [--seed S] [--bound X] [--shrink-budget N] [--out FILE.db]\n"
    "                    [--shrunk FILE.yaml] [--fail-if-found] [--set key.path=value]... [--quiet]\n"
    "\n"
    "Searches the attack space of FILE's search: section (coalition size, attack\n"
    "kind, route, level, when to act and withdraw, value, non-members' Byzantine\n"
    "behaviours) for the attack of one coalition that maximises the objective: its\n"
    "P&L (pnl, default), the forged value executed, or the longest stall.  Each\n"
    "candidate runs once per seed of search.seeds and scores the mean.  A random\n"
    "stage, then local moves from the best candidates, within --budget runs\n"
    "(default 100), deterministic for --seed (default 1).  The best candidate above\n"
    "--bound in every seed (default 0 ETH; 30 s for stall) is shrunk -- fewer\n"
    "members and Byzantine entries, an earlier round time, a shorter run, fewer\n"
    "rollups -- while it stays above, and written as a plain scenario (--shrunk,\n"
    "default FILE.db's name with -shrunk.yaml) that xrsim run reproduces; the\n"
    "search checks that it does.  Every run is recorded into --out (default\n"
    "results/search.db) like a sweep point: --jobs workers, and the same command\n"
    "again resumes.  Exit 0 done (found or not), 1 a run failed or --fail-if-found\n"
    "and an attack above the bound was found, 2 bad usage or input (nothing run),\n"
    "130 interrupted.\n";

static const char usage_merge[] =
    "usage: xrsim merge OUT.db IN.db... [--allow-mixed] [--quiet]\n"
    "\n"
    "Copies every run of the IN files (with all of their rows) into OUT, renumbering\n"
    "run ids, in one transaction.  Refuses, writing nothing (exit 2): files that are\n"
    "not xrsim results of this schema version, duplicate ok runs (same scenario,\n"
    "parameters and seed, in OUT or twice in the inputs), and runs of different\n"
    "scenarios (unless --allow-mixed).\n";

static const char usage_report[] =
    "usage: xrsim report FILE.db [--out report.html] [--stall 30s]\n"
    "\n"
    "Groups the ok runs into parameter points (same scenario and parameters\n"
    "apart from the seed) and prints, per point, aligned tables: the number of\n"
    "seeds, finality p50/p90/p99 per level and cost per message as the mean over\n"
    "seeds with a 95% bootstrap interval (fixed seed), consensus time per height,\n"
    "the verdict rates (unsafe, stalled: from the verdicts table; --stall, default\n"
    "30s, applies to runs recorded before schema 2), slashing outcomes and\n"
    "attacker P&L per coalition.  Parameters that differ between points are\n"
    "columns.  --out writes one self-contained HTML file with the tables and SVG\n"
    "plots (finality CDFs; metric vs the swept parameter with its confidence band;\n"
    "attacker P&L over coalition stake x withdrawal delay).  Exit 0, or 2 on bad\n"
    "input.\n";

static const char usage_bench[] =
    "usage: xrsim bench phold --lps L --pop P --events E [--seed N]\n"
    "       xrsim bench core\n"
    "       xrsim bench sig\n"
    "\n"
    "phold: the PHOLD engine benchmark (see bench/README.md), printing events_per_s=.\n"
    "core:  Keccak-256 throughput and multi-proof build/verify times.\n"
    "sig:   secp256k1 and fast-backend signing, recovery and submission verification.\n";

static const char usage_swarm[] =
    "usage: xrsim swarm [--seeds N | --time D] [--from S] [--quiet]\n"
    "       xrsim swarm --seed S [--show]\n"
    "\n"
    "Runs random scenarios, one per seed (default 100 seeds from 1; --time 1h\n"
    "runs seed after seed for an hour): 4-10 verifiers, a random Byzantine mix\n"
    "below 1/3 (crashed, silent, equivocating, delayed, conflicting attestations,\n"
    "censoring, lazy, forging, mutant: validly signed mutated messages),\n"
    "partitions, loss, rollup reorgs, a workload.\n"
    "After each run it checks: no conflicting honest commit, no forged message\n"
    "executed, no model failure (the ledger balances), no consensus action lost,\n"
    "and honest commits continuing after the last fault heals.  Each failure\n"
    "prints its seed and the command that reproduces it; --seed S runs one seed,\n"
    "--show prints its scenario.  Exit 0 when every seed passed, 1 otherwise.\n";

static const char usage_help[] = "usage: xrsim help [COMMAND]\n";

const char *cli_usage(const char *command) {
    if (command == NULL) return usage_main;
    if (strcmp(command, "run") == 0) return usage_run;
    if (strcmp(command, "validate") == 0) return usage_validate;
    if (strcmp(command, "check") == 0) return usage_check;
    if (strcmp(command, "export") == 0) return usage_export;
    if (strcmp(command, "compare") == 0) return usage_compare;
    if (strcmp(command, "report") == 0) return usage_report;
    if (strcmp(command, "sweep") == 0) return usage_sweep;
    if (strcmp(command, "merge") == 0) return usage_merge;
    if (strcmp(command, "frontier") == 0) return usage_frontier;
    if (strcmp(command, "search") == 0) return usage_search;
    if (strcmp(command, "bench") == 0) return usage_bench;
    if (strcmp(command, "swarm") == 0) return usage_swarm;
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
