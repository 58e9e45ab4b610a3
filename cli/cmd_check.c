/*
** `xrsim check FILE...`: the regression gate.  Runs each scenario like
** `xrsim run` (results into --out, default results/check.db), evaluates the
** bounds of its `expect:` section (models/expect.h) on the run's summary,
** records every bound's outcome in the `expectations` table inside the
** run's transaction, and prints one line per violated bound
** ("FILE: fast.p99 = 23.4 s > max 20 s") or one `ok` line per scenario
** whose bounds all hold.
**
** Every scenario is loaded and its world built before anything runs or the
** results file is opened, so bad input (exit 2) writes nothing.  Exit 1
** when any bound is violated or a run failed, 130 when interrupted.
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

#include "an_schema.h"
#include "cli_util.h"
#include "cmds.h"
#include "world/expect_eval.h"
#include "recorder.h"
#include "world/scenario.h"
#include "world/world.h"

#define DEFAULT_OUT "results/check.db"

typedef struct check_args {
    const char **files;
    size_t file_count;
    const char *out;
    const char **sets;
    size_t set_count;
    char seed_set[64];
} check_args;

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("xrsim check: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fputs(cli_usage("check"), stderr);
    return 2;
}

/* Returns 0, or the exit status of a usage error (-1: --help printed). */
static int parse_args(int argc, char **argv, check_args *a) {
    a->out = DEFAULT_OUT;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--set") == 0 || strcmp(arg, "-s") == 0) {
            if (i + 1 >= argc) return usage_error("%s needs key.path=value", arg);
            a->sets[a->set_count++] = argv[++i];
        } else if (strncmp(arg, "--set=", 6) == 0) {
            a->sets[a->set_count++] = arg + 6;
        } else if (strcmp(arg, "--seed") == 0) {
            if (i + 1 >= argc) return usage_error("%s needs a number", arg);
            const char *v = argv[++i];
            char *end;
            errno = 0;
            unsigned long long s = strtoull(v, &end, 10);
            if (errno || *end || !*v || v[0] == '-') {
                return usage_error("--seed wants a non-negative integer, got '%s'", v);
            }
            snprintf(a->seed_set, sizeof a->seed_set, "run.seed=%llu", s);
            a->sets[a->set_count++] = a->seed_set;
        } else if (strcmp(arg, "--out") == 0 || strcmp(arg, "-o") == 0) {
            if (i + 1 >= argc) return usage_error("%s needs a file name", arg);
            a->out = argv[++i];
        } else if (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0) {
            /* accepted for symmetry with run: check prints no progress */
        } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(cli_usage("check"), stdout);
            return -1;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return usage_error("unknown option '%s'", arg);
        } else {
            a->files[a->file_count++] = arg;
        }
    }
    if (a->file_count == 0) return usage_error("%s", "missing scenario FILE");
    return 0;
}

/* True when the file's schema has the expectations table (a file created
** by an xrsim from before it is refused rather than half-written). */
static bool has_expectations_table(sim_rec *rec) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(sim_rec_db(rec),
                           "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'expectations'", -1,
                           &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return false;
    }
    bool found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

static int record_outcomes(sim_rec *rec, int64_t run_id, const mdl_expect_outcome *o, size_t n) {
    sqlite3_stmt *st = NULL;
    int rc = sim_rec_prepare(rec,
                             "INSERT INTO expectations (run_id, idx, metric, bound_kind, bound, value, unit, passed)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             &st);
    if (rc != 0) return rc;
    size_t metric_count = 0;
    const mdl_expect_metric *metrics = mdl_expect_metrics(&metric_count);
    for (size_t i = 0; i < n; i++) {
        const mdl_expect_bound *b = o[i].bound;
        const mdl_expect_metric *m = &metrics[b->metric];
        sim_rec_val v[8] = {
            sim_rec_int(run_id),
            sim_rec_int((int64_t)i),
            sim_rec_text(m->name),
            sim_rec_text(b->kind == MDL_EXPECT_MIN ? "min" : "max"),
            sim_rec_real(mdl_expect_to_result_unit(m->unit, b->bound)),
            o[i].has_value ? sim_rec_real(mdl_expect_to_result_unit(m->unit, o[i].value)) : sim_rec_null(),
            sim_rec_text(mdl_expect_unit_name(m->unit)),
            sim_rec_int(o[i].passed ? 1 : 0),
        };
        rc = sim_rec_insert(rec, st, v, 8);
        if (rc != 0) return rc;
    }
    return 0;
}

/* Runs scenario `scn` into `rec` and checks its bounds.  Returns 0 (all
** held), 1 (a bound was violated or the run failed) or 130 (interrupted). */
/* Evaluates the bounds on the finished run and records the outcomes in
** its transaction, before it commits (cli_run_recorded's hook). */
typedef struct check_ctx {
    const mdl_expect_config *expect;
    mdl_expect_outcome *oc;
    size_t violated;
} check_ctx;

static int evaluate_and_record(void *ctx, sim_rec *rec, int64_t run_id, const mdl_world_summary *sum) {
    check_ctx *cx = ctx;
    cx->violated = mdl_expect_evaluate(cx->expect, sum, cx->oc);
    return record_outcomes(rec, run_id, cx->oc, cx->expect->count);
}

static int check_one(const char *file, const mdl_scenario *scn, sim_rec *rec, const char *out,
                     const char *cmdline) {
    sim_diag *d = sim_diag_new();
    mdl_world *w = d ? mdl_world_new(scn, d) : NULL;
    mdl_expect_outcome *oc = calloc(scn->expect.count + 1, sizeof *oc);
    int rc = 1;
    if (!w || !oc) {
        if (d) sim_diag_print(d, stderr);
        fprintf(stderr, "%s: cannot build the world (out of memory?)\n", file);
        goto done;
    }
    check_ctx cx = {.expect = &scn->expect, .oc = oc};
    cli_run_hooks hooks = {.before_commit = evaluate_and_record, .ctx = &cx};
    mdl_world_summary sum;
    double wall_s;
    int64_t run_id;
    char why[600];
    cli_run_outcome o =
        cli_run_recorded(rec, scn, w, file, cmdline, &cli_stop_flag, &hooks, &sum, &wall_s, &run_id, why, sizeof why);
    if (o == CLI_RUN_INTERRUPTED) {
        fprintf(stderr, "xrsim check: %s interrupted at %.1f s simulated; recorded as interrupted in %s\n",
                file, (double)sum.sim_ns / 1e9, out);
        rc = 130;
        goto done;
    }
    if (o == CLI_RUN_FAILED) {
        fprintf(stderr, "%s: run failed: %s (%s %s)\n", file, why,
                run_id ? "recorded as failed in" : "nothing recorded in", out);
        goto done;
    }
    size_t violated = cx.violated;
    for (size_t i = 0; i < scn->expect.count; i++) {
        if (oc[i].passed) continue;
        char line[256];
        mdl_expect_format(&oc[i], line, sizeof line);
        printf("%s: %s\n", file, line);
    }
    if (violated == 0) {
        printf("%s: ok (%zu bound%s, run %" PRId64 " in %s)\n", file, scn->expect.count,
               scn->expect.count == 1 ? "" : "s", sim_rec_last_run_id(rec), out);
    }
    fflush(stdout);
    rc = violated ? 1 : 0;
done:
    free(oc);
    mdl_world_free(w);
    sim_diag_free(d);
    return rc;
}

int cmd_check(int argc, char **argv) {
    check_args a;
    memset(&a, 0, sizeof a);
    a.files = calloc((size_t)argc + 1, sizeof *a.files);
    a.sets = calloc((size_t)argc + 1, sizeof *a.sets);
    mdl_scenario *scns = calloc((size_t)argc + 1, sizeof *scns);
    sim_diag *d = sim_diag_new();
    sim_rec *rec = NULL;
    char *cmdline = NULL;
    int rc = 0;
    if (!a.files || !a.sets || !scns || !d) {
        fputs("xrsim check: out of memory\n", stderr);
        rc = 2;
        goto done;
    }
    rc = parse_args(argc, argv, &a);
    if (rc != 0) {
        rc = rc < 0 ? 0 : rc;
        goto done;
    }

    /* Load and build everything first: bad input runs and writes nothing. */
    size_t bad = 0;
    for (size_t i = 0; i < a.file_count; i++) {
        sim_diag_clear(d);
        mdl_world *w = NULL;
        if (mdl_scenario_load(&scns[i], a.files[i], a.sets, a.set_count, d)) w = mdl_world_new(&scns[i], d);
        if (w == NULL) {
            sim_diag_print(d, stderr);
            size_t n = sim_diag_errors(d);
            fprintf(stderr, "%s: %zu error%s\n", a.files[i], n, n == 1 ? "" : "s");
            bad++;
        }
        mdl_world_free(w);
    }
    if (bad) {
        fprintf(stderr, "xrsim check: %zu of %zu scenario%s had errors; nothing was run\n", bad, a.file_count,
                a.file_count == 1 ? "" : "s");
        rc = 2;
        goto done;
    }

    char err[512];
    cli_make_parent_dir(a.out);
    if (sim_rec_open(&rec, a.out, an_schema_sql, AN_SCHEMA_VERSION, AN_SCHEMA_APPLICATION_ID, err, sizeof err) !=
        0) {
        fprintf(stderr, "xrsim check: %s\n", err);
        rc = 2;
        goto done;
    }
    if (!has_expectations_table(rec)) {
        fprintf(stderr, "xrsim check: %s has no expectations table (written by an older xrsim); use another --out\n",
                a.out);
        rc = 2;
        goto done;
    }
    cmdline = cli_join_argv(argc, argv);

    cli_catch_stop_signals();

    size_t failed = 0;
    for (size_t i = 0; i < a.file_count; i++) {
        int r = check_one(a.files[i], &scns[i], rec, a.out, cmdline);
        if (r == 130) {
            rc = 130;
            goto done;
        }
        if (r != 0) failed++;
    }
    if (failed) {
        fprintf(stderr, "xrsim check: %zu of %zu scenario%s failed\n", failed, a.file_count,
                a.file_count == 1 ? "" : "s");
    }
    rc = failed ? 1 : 0;
done:
    if (rec && sim_rec_close(rec) != 0 && rc == 0) {
        fprintf(stderr, "xrsim check: closing %s failed\n", a.out);
        rc = 1;
    }
    if (scns) {
        for (size_t i = 0; i < a.file_count; i++) mdl_scenario_free(&scns[i]);
    }
    free(scns);
    sim_diag_free(d);
    free(cmdline);
    free(a.files);
    free(a.sets);
    return rc;
}
