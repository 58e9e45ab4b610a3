/*
** `xrsim sweep FILE --out FILE.db [--jobs N] [--shard K/N] [--set k=v]...`:
** expands the scenario's `sweep:` section (models/sweep.h) into points,
** keeps this shard's, skips those already done, runs the rest in N worker
** processes and gathers their results into --out.
**
**   1. Every point of the shard is loaded and its world built before
**      anything runs or the results file is opened: bad input (exit 2)
**      writes nothing.
**   2. Resume: a point whose (scenario_sha256, params_json, seed) already
**      has an `ok` run in --out is skipped.
**   3. Workers (fork) take the pending points round-robin; each writes its
**      own temporary results file next to --out (<out>.part-<pid>-<w>), so
**      no two processes write one file.  Each finished point sends one
**      byte up a pipe ('o' ok, 'f' failed, 'i' interrupted), which drives
**      the progress line (terminal only).
**   4. The parent merges the workers' files into --out in one transaction
**      (analysis/an_merge.h) and removes them; if that merge fails they
**      are kept and named.
** A failed point is reported and recorded as failed; the others go on
** (exit 1 at the end).  Ctrl-C stops every worker between events; the
** points run so far are kept (exit 130).  Each run records its point's
** overrides in params_json (the effective scenario) and, in command_line,
** the `xrsim run` that reproduces it.
*/
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "an_merge.h"
#include "an_schema.h"
#include "cli_util.h"
#include "cmds.h"
#include "recorder.h"
#include "scenario.h"
#include "sha256.h"
#include "sweep.h"
#include "world.h"

#define DEFAULT_OUT "results/sweep.db"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig) {
    (void)sig;
    stop_flag = 1;
}

typedef struct sweep_args {
    const char *file;
    const char *out;
    const char **sets;
    size_t set_count;
    long jobs;           /* 0: all cores */
    uint32_t shard_k, shard_n;
    bool quiet;
} sweep_args;

typedef struct point {
    size_t index;        /* in the whole sweep */
    const char **sets;   /* command-line sets, then the point's */
    size_t set_count;
    char *label;         /* the point's own overrides, space-separated */
    char *params_json;
    uint64_t seed;
    bool done;           /* already ok in --out */
} point;

static int usage_error(const char *msg, const char *arg) {
    fprintf(stderr, "xrsim sweep: %s%s%s\n", msg, arg ? " " : "", arg ? arg : "");
    fputs(cli_usage("sweep"), stderr);
    return 2;
}

/* Returns 0, the exit status of a usage error, or -1 after --help. */
static int parse_args(int argc, char **argv, sweep_args *a) {
    a->out = DEFAULT_OUT;
    a->shard_k = a->shard_n = 1;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        bool has_next = i + 1 < argc;
        if (strcmp(arg, "--set") == 0 || strcmp(arg, "-s") == 0) {
            if (!has_next) return usage_error("--set needs key.path=value", NULL);
            a->sets[a->set_count++] = argv[++i];
        } else if (strncmp(arg, "--set=", 6) == 0) {
            a->sets[a->set_count++] = arg + 6;
        } else if (strcmp(arg, "--out") == 0 || strcmp(arg, "-o") == 0) {
            if (!has_next) return usage_error("--out needs a file name", NULL);
            a->out = argv[++i];
        } else if (strcmp(arg, "--jobs") == 0 || strcmp(arg, "-j") == 0) {
            if (!has_next) return usage_error("--jobs needs a number", NULL);
            char *end;
            errno = 0;
            a->jobs = strtol(argv[++i], &end, 10);
            if (errno || *end || a->jobs < 1 || a->jobs > 4096) {
                return usage_error("--jobs wants a number from 1 to 4096, got", argv[i]);
            }
        } else if (strcmp(arg, "--shard") == 0) {
            if (!has_next) return usage_error("--shard needs K/N", NULL);
            if (!mdl_sweep_parse_shard(argv[++i], &a->shard_k, &a->shard_n)) {
                return usage_error("--shard wants K/N with 1 <= K <= N, got", argv[i]);
            }
        } else if (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0) {
            a->quiet = true;
        } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(cli_usage("sweep"), stdout);
            return -1;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return usage_error("unknown option", arg);
        } else if (a->file == NULL) {
            a->file = arg;
        } else {
            return usage_error("one scenario file at a time; also got", arg);
        }
    }
    if (a->file == NULL) return usage_error("missing scenario FILE", NULL);
    return 0;
}

static char *join(const char *const *s, size_t n, const char *prefix) {
    size_t len = strlen(prefix) + 1;
    for (size_t i = 0; i < n; i++) len += strlen(s[i]) + 8;
    char *out = malloc(len);
    if (!out) return NULL;
    strcpy(out, prefix);
    for (size_t i = 0; i < n; i++) {
        if (*prefix) strcat(out, " --set ");
        else if (i) strcat(out, " ");
        strcat(out, s[i]);
    }
    return out;
}

static void free_points(point *p, size_t n) {
    for (size_t i = 0; p && i < n; i++) {
        free(p[i].sets);
        free(p[i].label);
        free(p[i].params_json);
    }
    free(p);
}

/* Loads and builds every point of the shard; prints errors; false on any. */
static bool prepare_points(const sweep_args *a, const mdl_scenario *base, point **out, size_t *count,
                           char sha[SIM_SHA256_HEX_LEN + 1]) {
    const mdl_sweep_config *sw = &base->sweep;
    size_t total = mdl_sweep_point_count(sw);
    point *pts = calloc(total, sizeof *pts);
    if (!pts) return false;
    size_t n = 0;
    bool ok = true;
    const char *text = sim_ydoc_text(base->doc);
    sim_sha256_hex(text, strlen(text), sha);
    for (size_t i = 0; i < total && ok; i++) {
        if (!mdl_sweep_in_shard(i, a->shard_k, a->shard_n)) continue;
        point *p = &pts[n++];
        p->index = i;
        p->sets = calloc(a->set_count + sw->axis_count + 1, sizeof *p->sets);
        if (!p->sets) {
            ok = false;
            break;
        }
        memcpy(p->sets, a->sets, a->set_count * sizeof *p->sets);
        size_t own = mdl_sweep_point_sets(sw, i, p->sets + a->set_count);
        p->set_count = a->set_count + own;
        p->label = join(p->sets + a->set_count, own, "");
        sim_diag *d = sim_diag_new();
        mdl_scenario scn;
        memset(&scn, 0, sizeof scn);
        mdl_world *w = NULL;
        if (d && p->label && mdl_scenario_load(&scn, a->file, p->sets, p->set_count, d)) w = mdl_world_new(&scn, d);
        if (w) {
            p->seed = scn.seed;
            size_t len = strlen(scn.params_json) + 1;
            p->params_json = malloc(len);
            if (p->params_json) memcpy(p->params_json, scn.params_json, len);
            else ok = false;
        } else {
            fprintf(stderr, "xrsim sweep: point %zu (%s):\n", i + 1, p->label ? p->label : "?");
            if (d) sim_diag_print(d, stderr);
            ok = false;
        }
        mdl_world_free(w);
        mdl_scenario_free(&scn);
        sim_diag_free(d);
    }
    *out = pts;
    *count = n;
    return ok;
}

/* Marks the points that already have an ok run in `path`; returns how many. */
static size_t mark_done(sim_rec *rec, const char *sha, point *p, size_t n) {
    sqlite3_stmt *st = NULL;
    size_t done = 0;
    if (sqlite3_prepare_v2(sim_rec_db(rec),
                           "SELECT 1 FROM runs WHERE status = 'ok' AND scenario_sha256 = ? AND seed = ?"
                           " AND params_json = ? LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, sim_rec_u64(p[i].seed).v.i);
        sqlite3_bind_text(st, 3, p[i].params_json, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            p[i].done = true;
            done++;
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return done;
}

/* ---- worker ---------------------------------------------------------------- */

/* Runs one point into rec; returns 'o', 'f' or 'i'. */
static char run_point(sim_rec *rec, const sweep_args *a, const point *p) {
    sim_diag *d = sim_diag_new();
    mdl_scenario scn;
    memset(&scn, 0, sizeof scn);
    mdl_world *w = NULL;
    char *cmdline = NULL;
    char result = 'f';
    if (d && mdl_scenario_load(&scn, a->file, p->sets, p->set_count, d)) w = mdl_world_new(&scn, d);
    if (!w) {
        fprintf(stderr, "xrsim sweep: point %zu (%s) no longer loads:\n", p->index + 1, p->label);
        if (d) sim_diag_print(d, stderr);
        goto done;
    }
    char prefix[4200];
    snprintf(prefix, sizeof prefix, "xrsim run %s", a->file);
    cmdline = join(p->sets, p->set_count, prefix);
    mdl_world_summary sum;
    double wall_s;
    int64_t run_id;
    char why[600];
    cli_run_outcome o =
        cli_run_recorded(rec, &scn, w, a->file, cmdline, &stop_flag, NULL, &sum, &wall_s, &run_id, why, sizeof why);
    if (o == CLI_RUN_INTERRUPTED) {
        result = 'i';
        goto done;
    }
    if (o == CLI_RUN_FAILED) {
        fprintf(stderr, "xrsim sweep: point %zu (%s) failed: %s\n", p->index + 1, p->label, why);
        goto done;
    }
    result = 'o';
done:
    mdl_world_free(w);
    mdl_scenario_free(&scn);
    sim_diag_free(d);
    free(cmdline);
    return result;
}

/* The body of worker `w` of `jobs`: never returns. */
static void worker(const sweep_args *a, point *const *pending, size_t pending_count, size_t w, size_t jobs,
                   const char *path, int fd) {
    char err[512];
    sim_rec *rec = NULL;
    int code = 0;
    if (sim_rec_open(&rec, path, an_schema_sql, AN_SCHEMA_VERSION, AN_SCHEMA_APPLICATION_ID, err, sizeof err) != 0) {
        fprintf(stderr, "xrsim sweep: worker %zu: %s\n", w + 1, err);
        _exit(1);
    }
    for (size_t i = w; i < pending_count && !stop_flag; i += jobs) {
        char r = run_point(rec, a, pending[i]);
        if (r != 'o') code = r == 'i' ? 130 : (code ? code : 1);
        ssize_t wr;
        do {
            wr = write(fd, &r, 1);
        } while (wr < 0 && errno == EINTR);
    }
    if (sim_rec_close(rec) != 0 && code == 0) code = 1;
    close(fd);
    fflush(NULL);
    _exit(code);
}

/* ---- parent ---------------------------------------------------------------- */

static void show_progress(size_t done, size_t failed, size_t total, const struct timespec *t0) {
    double wall = cli_since(t0);
    double eta = done ? wall / (double)done * (double)(total - done) : 0.0;
    fprintf(stderr, "\r\033[K  sweep %zu/%zu done", done, total);
    if (failed) fprintf(stderr, " (%zu failed)", failed);
    if (done) fprintf(stderr, "  %.0f s elapsed  ETA %.0f s", wall, eta);
}

static void remove_part(const char *path) {
    char j[4200];
    unlink(path);
    snprintf(j, sizeof j, "%s-journal", path);
    unlink(j);
}

int cmd_sweep(int argc, char **argv) {
    sweep_args a;
    memset(&a, 0, sizeof a);
    a.sets = calloc((size_t)argc + 1, sizeof *a.sets);
    if (!a.sets) return 2;
    int rc = parse_args(argc, argv, &a);
    if (rc) {
        free(a.sets);
        return rc < 0 ? 0 : rc;
    }
    sim_diag *d = sim_diag_new();
    mdl_scenario base;
    memset(&base, 0, sizeof base);
    point *pts = NULL, **pending = NULL;
    size_t count = 0, pending_count = 0, jobs = 0;
    char **parts = NULL;
    pid_t *pids = NULL;
    sim_rec *rec = NULL;
    char sha[SIM_SHA256_HEX_LEN + 1];
    char err[1024];
    if (!d || !mdl_scenario_load(&base, a.file, a.sets, a.set_count, d)) {
        if (d) sim_diag_print(d, stderr);
        fprintf(stderr, "%s: %zu error%s; nothing was run\n", a.file, d ? sim_diag_errors(d) : 0,
                d && sim_diag_errors(d) == 1 ? "" : "s");
        rc = 2;
        goto done;
    }
    if (!prepare_points(&a, &base, &pts, &count, sha)) {
        fprintf(stderr, "%s: bad sweep point; nothing was run\n", a.file);
        rc = 2;
        goto done;
    }
    size_t total = mdl_sweep_point_count(&base.sweep);

    cli_make_parent_dir(a.out);
    if (sim_rec_open(&rec, a.out, an_schema_sql, AN_SCHEMA_VERSION, AN_SCHEMA_APPLICATION_ID, err, sizeof err) != 0) {
        fprintf(stderr, "xrsim sweep: %s\n", err);
        rc = 2;
        goto done;
    }
    size_t skipped = mark_done(rec, sha, pts, count);
    sim_rec_close(rec);
    rec = NULL;
    pending = calloc(count + 1, sizeof *pending);
    if (!pending) {
        rc = 1;
        goto done;
    }
    for (size_t i = 0; i < count; i++) {
        if (!pts[i].done) pending[pending_count++] = &pts[i];
    }
    if (!a.quiet) {
        printf("xrsim sweep: %zu point%s", total, total == 1 ? "" : "s");
        if (a.shard_n > 1) printf(", shard %u/%u has %zu", a.shard_k, a.shard_n, count);
        printf("; %zu already done in %s, %zu to run\n", skipped, a.out, pending_count);
        fflush(stdout);
    }
    if (pending_count == 0) {
        rc = 0;
        goto done;
    }
    long cores = a.jobs ? a.jobs : sysconf(_SC_NPROCESSORS_ONLN);
    jobs = cores < 1 ? 1 : (size_t)cores;
    if (jobs > pending_count) jobs = pending_count;
    parts = calloc(jobs, sizeof *parts);
    pids = calloc(jobs, sizeof *pids);
    int fds[2];
    if (!parts || !pids || pipe(fds) != 0) {
        fprintf(stderr, "xrsim sweep: cannot start workers: %s\n", strerror(errno));
        rc = 1;
        goto done;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    for (size_t w = 0; w < jobs; w++) {
        size_t len = strlen(a.out) + 64;
        parts[w] = malloc(len);
        if (!parts[w]) break;
        snprintf(parts[w], len, "%s.part-%ld-%zu", a.out, (long)getpid(), w + 1);
        remove_part(parts[w]);
        fflush(NULL);
        pids[w] = fork();
        if (pids[w] == 0) {
            close(fds[0]);
            worker(&a, pending, pending_count, w, jobs, parts[w], fds[1]);
        }
        if (pids[w] < 0) {
            fprintf(stderr, "xrsim sweep: fork: %s\n", strerror(errno));
            break;
        }
    }
    close(fds[1]);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bool show = !a.quiet && isatty(STDERR_FILENO);
    size_t done_n = 0, ok_n = 0, failed_n = 0, interrupted_n = 0;
    if (show) show_progress(0, 0, pending_count, &t0);
    for (;;) {
        char r;
        ssize_t got = read(fds[0], &r, 1);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        done_n++;
        if (r == 'o') ok_n++;
        else if (r == 'i') interrupted_n++;
        else failed_n++;
        if (show) show_progress(done_n, failed_n, pending_count, &t0);
    }
    close(fds[0]);
    if (show) fputs("\r\033[K", stderr);
    bool worker_failed = false;
    for (size_t w = 0; w < jobs; w++) {
        if (pids[w] <= 0) {
            worker_failed = true;
            continue;
        }
        int status = 0;
        while (waitpid(pids[w], &status, 0) < 0 && errno == EINTR) {
        }
        if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 1 &&
                                   WEXITSTATUS(status) != 130)) {
            worker_failed = true;
        }
    }

    /* gather: the workers' files that exist, into --out in one transaction */
    const char **inputs = calloc(jobs + 1, sizeof *inputs);
    size_t nin = 0;
    for (size_t w = 0; inputs && w < jobs; w++) {
        if (parts[w] && access(parts[w], F_OK) == 0) inputs[nin++] = parts[w];
    }
    int mrc = -1;
    an_merge_stats ms = {0, 0};
    if (inputs && sim_rec_open(&rec, a.out, an_schema_sql, AN_SCHEMA_VERSION, AN_SCHEMA_APPLICATION_ID, err,
                               sizeof err) == 0) {
        mrc = nin ? an_merge(sim_rec_db(rec), inputs, nin, true, &ms, err, sizeof err) : 0;
        if (sim_rec_close(rec) != 0 && mrc == 0) {
            mrc = -1;
            snprintf(err, sizeof err, "closing %s failed", a.out);
        }
        rec = NULL;
    }
    if (mrc == 0) {
        for (size_t i = 0; i < nin; i++) remove_part(inputs[i]);
    } else {
        fprintf(stderr, "xrsim sweep: gathering results into %s failed: %s; they are kept in:\n", a.out, err);
        for (size_t i = 0; i < nin; i++) fprintf(stderr, "  %s\n", inputs[i]);
    }
    free(inputs);
    if (!a.quiet || failed_n || interrupted_n) {
        printf("xrsim sweep: ran %zu of %zu: %zu ok, %zu failed, %zu interrupted; results in %s\n", done_n,
               pending_count, ok_n, failed_n, interrupted_n, a.out);
    }
    if (stop_flag || interrupted_n) rc = 130;
    else if (mrc != 0 || failed_n || worker_failed || done_n != pending_count) rc = 1;
    else rc = 0;
done:
    if (rec) sim_rec_close(rec);
    for (size_t w = 0; parts && w < jobs; w++) free(parts[w]);
    free(parts);
    free(pids);
    free(pending);
    free_points(pts, count);
    mdl_scenario_free(&base);
    sim_diag_free(d);
    free(a.sets);
    return rc;
}
