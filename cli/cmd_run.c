/*
** `xrsim run` and `xrsim validate`: load a scenario (with --set overrides),
** build its world, and -- for run -- simulate it into a results database,
** showing progress on a terminal and a summary at the end.
**
** Order matters for the promise that bad input never touches results: the
** scenario is loaded and the world built (every reference checked) before
** the results file is opened; the run's rows go into one transaction that
** commits only when the run completed.  Ctrl-C (SIGINT), SIGTERM or SIGHUP
** stops the engine between events; the run is then recorded as
** interrupted.  The exit status is 1 when the summary could not be
** written to stdout (the run itself is recorded).
*/
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "an_schema.h"
#include "cli_util.h"
#include "mem_estimate.h"
#include "cmds.h"
#include "recorder.h"
#include "stats.h"
#include "verifiers/byzantine/byzantine.h"
#include "world/scenario.h"
#include "world/world.h"

#define DEFAULT_OUT "results/xrsim.db"


typedef struct run_args {
    const char *file;
    const char *out;
    const char **sets;
    size_t set_count;
    bool quiet;
    bool any_memory;     /* --any-memory: run even when the estimate exceeds what is available */
    char seed_set[64];
} run_args;

__attribute__((format(printf, 2, 3))) static int usage_error(const char *cmd, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "xrsim %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fputs(cli_usage(cmd), stderr);
    return 2;
}

/* Parses the shared options; returns 0 or the exit status of an error. */
static int parse_args(const char *cmd, int argc, char **argv, run_args *a, bool allow_run_opts) {
    memset(a, 0, sizeof *a);
    a->out = DEFAULT_OUT;
    a->sets = calloc((size_t)argc + 1, sizeof *a->sets);
    if (!a->sets) return 2;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--set") == 0 || strcmp(arg, "-s") == 0) {
            if (i + 1 >= argc) return usage_error(cmd, "%s needs key.path=value", arg);
            a->sets[a->set_count++] = argv[++i];
        } else if (strncmp(arg, "--set=", 6) == 0) {
            a->sets[a->set_count++] = arg + 6;
        } else if (allow_run_opts && strcmp(arg, "--seed") == 0) {
            if (i + 1 >= argc) return usage_error(cmd, "%s needs a number", arg);
            const char *v = argv[++i];
            char *end;
            errno = 0;
            unsigned long long s = strtoull(v, &end, 10);
            if (errno || *end || !*v || v[0] == '-') {
                return usage_error(cmd, "--seed wants a non-negative integer, got '%s'", v);
            }
            snprintf(a->seed_set, sizeof a->seed_set, "run.seed=%llu", s);
            a->sets[a->set_count++] = a->seed_set;
        } else if (allow_run_opts && (strcmp(arg, "--out") == 0 || strcmp(arg, "-o") == 0)) {
            if (i + 1 >= argc) return usage_error(cmd, "%s needs a file name", arg);
            a->out = argv[++i];
        } else if (allow_run_opts && (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0)) {
            a->quiet = true;
        } else if (allow_run_opts && strcmp(arg, "--any-memory") == 0) {
            a->any_memory = true;
        } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(cli_usage(cmd), stdout);
            exit(0);
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return usage_error(cmd, "unknown option '%s'", arg);
        } else if (a->file == NULL) {
            a->file = arg;
        } else {
            return usage_error(cmd, "one scenario file at a time (also got '%s')", arg);
        }
    }
    if (a->file == NULL) return usage_error(cmd, "%s", "missing scenario FILE");
    return 0;
}

int cmd_validate(int argc, char **argv) {
    run_args a;
    int rc = parse_args("validate", argc, argv, &a, false);
    if (rc) {
        free(a.sets);
        return rc;
    }
    sim_diag *d = sim_diag_new();
    mdl_scenario scn;
    memset(&scn, 0, sizeof scn);
    /* the scenario first: its memory estimate decides whether the world is
    ** built at all (a world that cannot fit is not built to be checked) */
    mdl_world *w = NULL;
    bool loaded = d && mdl_scenario_load(&scn, a.file, a.sets, a.set_count, d);
    cli_mem_estimate est;
    bool fits = true;
    if (loaded) {
        cli_mem_estimate_of(&scn, &est);
        uint64_t avail = cli_mem_available();
        fits = avail == 0 || est.total_bytes <= avail;
        if (fits) w = mdl_world_new(&scn, d);
    }
    if (loaded && (w || !fits)) {
        sim_diag_print(d, stderr); /* warnings, with their place */
        if (w)
            printf("%s: ok (scenario '%s', %" PRIu32 " nodes, %.3f s simulated, seed %" PRIu64 ")\n", a.file,
                   scn.name, sim_net_node_count(mdl_world_net(w)), (double)scn.duration_ns / 1e9, scn.seed);
        else
            printf("%s: ok as written (scenario '%s', %.3f s simulated, seed %" PRIu64
                   "); its world was not built: it cannot fit in memory\n",
                   a.file, scn.name, (double)scn.duration_ns / 1e9, scn.seed);
        char line[512];
        cli_mem_estimate_format(&est, scn.verifiers.count, line, sizeof line);
        uint64_t avail = cli_mem_available();
        printf("%s: %s; %.2f GiB available%s\n", a.file, line, (double)avail / (1024.0 * 1024.0 * 1024.0),
               fits ? "" : ": run and sweep would refuse it");
        rc = 0;
    } else {
        if (d) sim_diag_print(d, stderr);
        size_t n = d ? sim_diag_errors(d) : 0;
        fprintf(stderr, "%s: %zu error%s\n", a.file, n, n == 1 ? "" : "s");
        rc = 2;
    }
    mdl_world_free(w);
    mdl_scenario_free(&scn);
    sim_diag_free(d);
    free(a.sets);
    return rc;
}

/* ---- progress ------------------------------------------------------------ */

typedef struct progress {
    struct timespec start;
    uint64_t end_ns;
    double last_print_s;
    bool shown;
} progress;

static void show_progress(void *ctx, const sim_engine *e) {
    progress *p = ctx;
    double wall = cli_since(&p->start);
    if (wall - p->last_print_s < 0.25) return;
    p->last_print_s = wall;
    double sim_s = (double)sim_now_ns(e) / 1e9, end_s = (double)p->end_ns / 1e9;
    double frac = end_s > 0 ? sim_s / end_s : 1.0;
    double eta = frac > 0 ? wall * (1.0 - frac) / frac : 0.0;
    fprintf(stderr, "\r  sim %9.1f s / %.0f s  %5.1f%%  %7.2f M events/s  ETA %4.0f s ", sim_s, end_s,
            100.0 * frac, (double)sim_engine_events(e) / wall / 1e6, eta);
    p->shown = true;
}

/* ---- run ----------------------------------------------------------------- */

static void print_ms(const char *label, uint64_t ns) { printf("  %s %.1f ms", label, (double)ns / 1e6); }
/* Seconds, or -- past 1000 s (native: a 7-day challenge period) -- the
** largest unit that keeps the number readable. */
static void print_s(const char *label, uint64_t ns) {
    double s = (double)ns / 1e9;
    if (s < 1000) printf("  %s %.2f s", label, s);
    else if (s < 2 * 3600.0) printf("  %s %.1f min", label, s / 60);
    else if (s < 2 * 86400.0) printf("  %s %.2f h", label, s / 3600);
    else printf("  %s %.2f d", label, s / 86400);
}

/* Per behaviour with entries, the totals of the counters it names. */
static void print_byzantine(const mdl_verifiers *vs) {
    printf("  byzantine  ");
    const char *sep = "";
    for (uint32_t b = 1; b < mdl_byz_count(); b++) {
        const mdl_byz_behaviour *bh = mdl_byz_get((mdl_behaviour)b);
        uint64_t tot[MDL_BYZ_COUNTERS_MAX] = {0};
        bool any = false;
        for (size_t k = 0; k < mdl_verifiers_byzantine_count(vs); k++) {
            mdl_byzantine_info in;
            if (!mdl_verifiers_byzantine(vs, k, &in) || in.behaviour != (mdl_behaviour)b) continue;
            any = true;
            for (uint32_t j = 0; j < MDL_BYZ_COUNTERS_MAX; j++) tot[j] += in.counters.n[j];
        }
        if (!any) continue;
        printf("%s %s", sep, bh->name);
        for (uint32_t j = 0; j < MDL_BYZ_COUNTERS_MAX && bh->counters[j]; j++)
            printf("%s %" PRIu64 " %s", j ? "," : "", tot[j], bh->counters[j]);
        sep = ";";
    }
    printf(" (SELECT * FROM v_byzantine_counters)\n");
}

static void print_summary(const mdl_scenario *scn, const run_args *a, int64_t run_id,
                          const mdl_world_summary *s, const mdl_verifiers *vs, double wall_s, mdl_world *w) {
    printf("xrsim run: scenario '%s', seed %" PRIu64 "\n", scn->name, scn->seed);
    if (scn->profile) {
        printf("  protocol    %s: power from %s; %s\n", scn->profile->name, scn->profile->power_source,
               scn->profile->slashing ? "offences slashed" : "no slashing (offences only logged)");
    }
    char speed[32];
    sim_stats_fmt_speedup(speed, sizeof speed, wall_s > 0 ? (double)s->sim_ns / 1e9 / wall_s : 0.0);
    printf("  simulated   %.1f s in %.2f s wall (%s real time), %" PRIu64 " events (%.2f M/s)\n",
           (double)s->sim_ns / 1e9, wall_s, speed, s->events, wall_s > 0 ? (double)s->events / wall_s / 1e6 : 0.0);
    printf("  digest      %s\n", s->digest);
    printf("  network     %" PRIu32 " nodes; %" PRIu64 " messages sent, %" PRIu64 " delivered, %" PRIu64
           " lost, %" PRIu64 " cut by partitions, %" PRIu64 " to/at crashed nodes\n",
           s->nodes, s->net.sent, s->net.delivered, s->net.dropped_loss, s->net.dropped_partition,
           s->net.dropped_crash);
    if (s->latency_count) {
        printf("  latency     one-way, %" PRIu64 " probes sent after warm-up:", s->latency_count);
        print_ms("p50", s->latency_p50_ns);
        print_ms("p90", s->latency_p90_ns);
        print_ms("p99", s->latency_p99_ns);
        print_ms("max", s->latency_max_ns);
        printf("  mean %.1f ms\n", s->latency_mean_ns / 1e6);
    }
    if (s->has_consensus) {
        const mdl_consensus_summary *c = &s->consensus;
        printf("  consensus   %" PRIu32 " verifiers (%" PRIu32 " Byzantine, %.1f%% of power); %" PRIu64
               " heights committed; time per height",
               c->verifiers, c->byzantine,
               c->total_power ? 100.0 * (double)c->byzantine_power / (double)c->total_power : 0.0,
               c->heights_committed);
        print_ms("p50", c->height_p50_ns);
        print_ms("p99", c->height_p99_ns);
        printf("; longest stall %.2f s from %.1f s\n", (double)c->max_stall_ns / 1e9,
               (double)c->max_stall_from_ns / 1e9);
        printf("              %" PRIu64 " attestations approved of %" PRIu64 " XBlocks observed",
               c->attestations_approved, c->xblocks_observed);
        if (c->attestations_approved) {
            printf(" (first vote to approval");
            print_ms("p50", c->approval_p50_ns);
            print_ms("p99", c->approval_p99_ns);
            printf(")");
        }
        printf("; evidence %" PRIu64 " (%" PRIu32 " offender%s); conflicting commits %" PRIu64 " (%s)\n",
               c->evidence, c->offenders, c->offenders == 1 ? "" : "s", c->conflicts,
               c->conflicts == 0 && c->approval_conflicts == 0 ? "safe" : "UNSAFE");
        if (c->block_part_bytes)
            printf("              proposals in %" PRIu32 " KiB parts relayed by peers: %" PRIu64
                   " sent, %" PRIu64 " assembled by peers; %" PRIu64 " parts from proposers, %" PRIu64
                   " relayed\n",
                   c->block_part_bytes / 1024u, c->gossip.broadcasts, c->gossip.assembled,
                   c->gossip.parts_sent, c->gossip.parts_relayed);
        if (c->byzantine) print_byzantine(vs);
    }
    if (s->has_xchain) {
        const mdl_xchain_summary *x = &s->xchain;
        const mdl_finality *lv[2] = {&x->latest, &x->finalized};
        const char *names[2] = {"fast", "finalized"};
        for (int i = 0; i < 2; i++) {
            const mdl_finality *f = lv[i];
            if (f->emitted == 0) continue;
            double frac = 100.0 * (double)f->executed / (double)f->emitted;
            printf("  %-10s  %" PRIu64 " of %" PRIu64 " messages executed%s (%.1f%%); emitted to executed", names[i],
                   f->executed, f->emitted, x->by_approach ? " by the approach" : "", frac);
            if (f->executed) {
                /* a percentile over the executed messages alone hides the missing ones:
                ** each carries the share it is taken over */
                print_s("p50", f->p50_ns);
                printf(" (of %.1f%%)", frac);
                print_s("p90", f->p90_ns);
                printf(" (of %.1f%%)", frac);
                print_s("p99", f->p99_ns);
                printf(" (of %.1f%%)", frac);
                print_s("max", f->max_ns);
                printf(" (of %.1f%%)", frac);
                printf("; cost %.0f gas, %.3g ETH per message (execution %.3g + L1 data %.3g)",
                       (double)f->gas_used_sum / (double)f->executed,
                       (double)(f->fee_wei_sum + f->l1_fee_wei_sum) / (double)f->executed / 1e18,
                       (double)f->fee_wei_sum / (double)f->executed / 1e18,
                       (double)f->l1_fee_wei_sum / (double)f->executed / 1e18);
            }
            if (f->executed == 0 && i == 1 && !x->by_approach) {
                printf(" (none yet: finalized waits for the batch on L1 and L1 finality, 13+ min)");
            }
            printf("\n");
        }
        printf("  relayers    %" PRIu64 " submissions (%" PRIu64 " reverted), %.4g ETH of gas; stream-order"
               " violations %" PRIu64 "\n",
               x->submissions, x->reverted, (double)x->relayer_fee_wei / 1e18, x->violations);
        printf("  restaking   %.6g ETH staked, %.6g queued, %.6g withdrawn, %.6g slashed; %" PRIu64
               " offence%s found, %" PRIu64 " slashed\n",
               (double)x->ledger.active / 1e9, (double)x->ledger.queued / 1e9, (double)x->ledger.withdrawn / 1e9,
               (double)x->ledger.slashed / 1e9, x->offences, x->offences == 1 ? "" : "s", x->offences_slashed);
        const mdl_verdicts *v = &x->verdicts;
        printf("  verdicts    %s: %" PRIu64 " forged messages executed (%.6g ETH), %" PRIu64
               " conflicting commits; %s: longest stall %.2f s, %" PRIu64 " messages not executed within %.0f s\n",
               v->unsafe ? "UNSAFE" : "safe", v->forged_executed, (double)v->forged_value_gwei / 1e9, v->conflicts,
               v->stalled ? "STALLED" : "live", (double)v->longest_stall_ns / 1e9, v->delayed,
               (double)v->delay_bound_ns / 1e9);
        if (x->has_verification && x->verification.approach != MDL_APPROACH_RESTAKED) {
            const mdl_verification_summary *ap = &x->verification;
            printf("  approach    %s: %" PRIu64 " of %" PRIu64 " messages carried, %" PRIu64 " executed", mdl_approach_names[ap->approach],
                   ap->supported, ap->emitted, ap->executed);
            if (ap->latest_executed) print_s("fast p50", ap->latest_p50_ns);
            if (ap->finalized_executed) print_s("finalized p50", ap->finalized_p50_ns);
            printf("; %.3g ETH per message; cost of corruption ", ap->cost_per_msg_wei / 1e18);
            if (ap->sec.corruptible) printf("%.6g ETH", (double)ap->sec.cost_of_corruption_gwei / 1e9);
            else printf("n/a");
            printf(" (SELECT * FROM v_approaches)\n");
        }
        if (v->halted_ns != UINT64_MAX) {
            printf("              HALTED at %.1f s: every verifier left the validator set; the chain stays halted"
                   " (SELECT * FROM chain_halts)\n",
                   (double)v->halted_ns / 1e9);
        }
        if (v->att_stalls) {
            printf("              %zu attestation stall%s; longest %.2f s on chain %" PRIu64 " (%s) from %.1f s"
                   " (SELECT * FROM attestation_stalls)\n",
                   v->att_stalls, v->att_stalls == 1 ? "" : "s", (double)v->att_stall_ns / 1e9, v->att_stall_chain,
                   v->att_stall_level == XR_CONF_FINALIZED ? "finalized" : "latest",
                   (double)v->att_stall_from_ns / 1e9);
        }
        if (x->coalitions) {
            printf("  attackers   %zu coalition%s, P&L %+.6g ETH in all, %" PRIu64
                   " profitable (SELECT * FROM v_attack_economics)\n",
                   x->coalitions, x->coalitions == 1 ? "" : "s", (double)x->coalition_pnl_gwei / 1e9,
                   x->coalitions_profitable);
            mdl_xchain *xc = mdl_world_xchain(w);
            const mdl_adversary *adv = xc ? mdl_xchain_adversary(xc) : NULL;
            for (size_t k = 0; adv && k < mdl_adversary_count(adv); k++) {
                mdl_coalition_result r;
                mdl_adversary_result(adv, k, s->sim_ns, &r);
                /* actual power, not the requested fraction (a prefix of verifiers) */
                printf("              %s: %" PRIu32 " member%s, %.4g of the power at genesis", scn->xchain.adversary.items[k].name,
                       r.members, r.members == 1 ? "" : "s", r.stake_fraction);
                if (r.requested_fraction >= 0) printf(" (asked for %.4g)", r.requested_fraction);
                if (r.acting_power_share >= 0) printf(", %.4g when acting", r.acting_power_share);
                if (r.note) printf("; did not forge: %s", r.note);
                if (scn->xchain.adversary.items[k].attack != MDL_ATTACK_CENSOR)
                    printf("; %" PRIu32 " signed a forged root, %" PRIu32 " proven, %" PRIu32 " slashed", r.signers,
                           r.signers_proven, r.signers_slashed);
                printf("; P&L %s%s wei (%+.6g ETH)\n", r.pnl_wei[0] == '-' ? "" : "+", r.pnl_wei,
                       (double)r.pnl_gwei / 1e9);
            }
        }
    }
    printf("  results     %s (run %" PRId64, a->out, run_id);
    if (s->rows_written) printf("; %" PRIu64 " sampled network messages in net_deliveries", s->rows_written);
    printf(")\n");
    printf("              sqlite3 %s 'SELECT * FROM v_runs' '%s'\n", a->out,
           s->has_xchain      ? "SELECT * FROM v_finality"
           : s->has_consensus ? "SELECT * FROM v_consensus"
                              : "SELECT * FROM v_net_latency");
}

int cmd_run(int argc, char **argv) {
    run_args a;
    int rc = parse_args("run", argc, argv, &a, true);
    if (rc) {
        free(a.sets);
        return rc;
    }
    sim_diag *d = sim_diag_new();
    mdl_scenario scn;
    memset(&scn, 0, sizeof scn);
    mdl_world *w = NULL;
    sim_rec *rec = NULL;
    char *cmdline = NULL;
    int64_t run_id = 0;
    if (!d) {
        fprintf(stderr, "xrsim run: out of memory\n");
        rc = 1;
        goto done;
    }
    /* From the start: a signal while the scenario loads still ends in a
    ** run recorded as interrupted (exit 130), not in a silent death. */
    cli_catch_stop_signals();
    if (!mdl_scenario_load(&scn, a.file, a.sets, a.set_count, d)) {
        sim_diag_print(d, stderr);
        size_t n = sim_diag_errors(d);
        fprintf(stderr, "%s: %zu error%s; nothing was run\n", a.file, n, n == 1 ? "" : "s");
        rc = 2;
        goto done;
    }
    cli_mem_estimate est;
    cli_mem_estimate_of(&scn, &est);
    if (!a.any_memory && !cli_mem_check_fits(&est, scn.verifiers.count, a.file)) {
        rc = 2;
        goto done;
    }
    w = mdl_world_new(&scn, d);
    if (!w) {
        sim_diag_print(d, stderr);
        size_t n = sim_diag_errors(d);
        fprintf(stderr, "%s: %zu error%s; nothing was run\n", a.file, n, n == 1 ? "" : "s");
        rc = 2;
        goto done;
    }
    sim_diag_print(d, stderr); /* warnings, with their place */

    char err[512];
    cli_make_parent_dir(a.out);
    int orc = sim_rec_open(&rec, a.out, an_schema_sql, AN_SCHEMA_VERSION, AN_SCHEMA_APPLICATION_ID, err,
                           sizeof err);
    if (orc != 0) {
        fprintf(stderr, "xrsim run: %s\n", err);
        rc = 2;
        goto done;
    }
    cmdline = cli_join_argv(argc, argv);

    progress prog = {.end_ns = scn.duration_ns};
    clock_gettime(CLOCK_MONOTONIC, &prog.start);
    bool show = !a.quiet && isatty(STDERR_FILENO);
    cli_run_hooks hooks = {.progress = show ? show_progress : NULL, .progress_ctx = &prog};
    mdl_world_summary sum;
    double wall_s;
    char why[600];
    cli_run_outcome o =
        cli_run_recorded(rec, &scn, w, a.file, cmdline, &cli_stop_flag, &hooks, &sum, &wall_s, &run_id, why, sizeof why);
    if (prog.shown) fputs("\r\033[K", stderr);
    if (o == CLI_RUN_INTERRUPTED) {
        fprintf(stderr, "xrsim run: interrupted at %.1f s simulated; run %" PRId64
                        " recorded as interrupted in %s\n",
                (double)sum.sim_ns / 1e9, sim_rec_last_run_id(rec), a.out);
        rc = 130;
        goto done;
    }
    if (o == CLI_RUN_FAILED) {
        if (run_id == 0) {
            fprintf(stderr, "xrsim run: %s: %s\n", a.out, why);
        } else {
            fprintf(stderr, "xrsim run: run failed: %s (recorded as failed in %s)\n", why, a.out);
        }
        rc = 1;
        goto done;
    }
    rc = 0;
    if (!a.quiet) {
        print_summary(&scn, &a, sim_rec_last_run_id(rec), &sum, mdl_world_verifiers(w), wall_s, w);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "xrsim run: writing the summary failed: %s (run %" PRId64 " is recorded in %s)\n",
                    strerror(errno), sim_rec_last_run_id(rec), a.out);
            rc = 1;
        }
    }
done:
    if (rec && sim_rec_close(rec) != 0 && rc == 0) {
        fprintf(stderr, "xrsim run: closing %s failed\n", a.out);
        rc = 1;
    }
    mdl_world_free(w);
    mdl_scenario_free(&scn);
    sim_diag_free(d);
    free(cmdline);
    free(a.sets);
    return rc;
}
