/*
** `xrsim sweep FILE --out FILE.db [--jobs N] [--shard K/N] [--set k=v]...`:
** expands the scenario's `sweep:` section (models/sweep.h) into points,
** keeps this shard's, skips those already done, runs the rest in N worker
** processes and gathers their results into --out.
**
**   1. Every point of the shard is loaded and its world built before
**      anything runs or the results file is opened: bad input (exit 2)
**      writes nothing.
**   2. Resume: first the results files that killed earlier attempts left
**      next to --out (<out>.part-*, whose sweep process is gone) are
**      adopted: merged into --out, skipping runs already there, and
**      removed.  Then a point whose (scenario_sha256, params_json, seed)
**      already has an `ok` run in --out is skipped.  As each worker
**      commits every point into its own file when the point ends, a
**      kill -9 (or a Slurm job killed at its time limit) loses only the
**      points that were running; workers die with their parent
**      (PR_SET_PDEATHSIG), so no orphan keeps writing.
**   3. Workers (fork) take the pending points round-robin; each writes its
**      own temporary results file next to --out (<out>.part-<pid>-<w>), so
**      no two processes write one file.  Each finished point sends one
**      byte up a pipe ('o' ok, 'f' failed, 'i' interrupted), which drives
**      the progress line (terminal only).
**   4. The parent merges the workers' files into --out in one transaction
**      (analysis/an_merge.h) and removes them; if that merge fails they
**      are kept and named.
** A failed point is reported and recorded as failed; the others go on
** (exit 1 at the end).  Ctrl-C, SIGTERM or SIGHUP stops every worker
** between events; the points run so far are kept (exit 130).  Each run records its point's
** overrides in params_json (the effective scenario) and, in command_line,
** the `xrsim run` that reproduces it.
**
** Under MPI (`mpirun -n R xrsim sweep ...`, a build with XRSIM_MPI; see
** sweep_mpi.h) the same steps run on every rank, with collectives between
** them so that all ranks agree before anything is written:
**   - rank r keeps every R-th point of the shard starting at r (without
**     --shard: exactly the points of --shard r+1/R) and loads them; any
**     rank's bad point, or a rank whose scenario, --set, --shard or --out
**     differ from rank 0's, stops every rank with exit 2, nothing written;
**   - rank 0 alone opens --out and broadcasts the digests of its `ok` runs
**     (SHA-256 of params_json and seed, of this scenario), so resume skips
**     the same points on every rank;
**   - each rank runs its points in --jobs workers (default: the cores of
**     its machine divided by the ranks on it; with one job, in the rank's
**     own process, no fork), into <out>.part-<pid of rank 0>-r<rank>-<w>;
**   - rank 0 merges every rank's files into --out in one transaction
**     (they must be visible to it: --out on a filesystem all ranks share),
**     removes them, prints one summary naming any rank that failed, and
**     broadcasts the exit status, which every rank returns.
** A rank that dies makes mpirun kill the others; --out is then as it was
** (the merge is one transaction) and the parts are left behind.
** A build without MPI refuses to run under an MPI launcher (exit 2)
** instead of having every rank write the whole sweep into one file.
*/
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "an_merge.h"
#include "an_schema.h"
#include "cli_util.h"
#include "grow.h"
#include "mem_estimate.h"
#include "cmds.h"
#include "recorder.h"
#include "world/scenario.h"
#include "sha256.h"
#include "sweep.h"
#include "sweep_batch.h"
#include "sweep_mpi.h"
#include "world/world.h"

#define DEFAULT_OUT "results/sweep.db"

/* "" in one process, "rank R: " under MPI: starts every message of a rank. */
static char who[32];

typedef struct sweep_args {
    const char *file;
    const char *out;
    const char **sets;
    size_t set_count;
    long jobs;           /* 0: all cores */
    uint32_t shard_k, shard_n;
    uint32_t rank, ranks; /* MPI: this rank's share of the shard (0 of 1 alone) */
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

/* What the points run by one process (or one rank) came to. */
typedef struct tally {
    size_t done, ok, failed, interrupted;
    bool worker_failed;  /* a worker could not start, crashed or could not close its file */
} tally;

static int usage_error(const char *msg, const char *arg) { return cli_usage_error("sweep", msg, arg); }

/* Returns 0, the exit status of a usage error, or -1 after --help. */
static int parse_args(int argc, char **argv, sweep_args *a) {
    a->out = DEFAULT_OUT;
    a->shard_k = a->shard_n = 1;
    a->rank = 0;
    a->ranks = 1;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        bool has_next = i + 1 < argc;
        int set = cli_set_arg("sweep", argc, argv, &i, a->sets, &a->set_count);
        if (set == 2) return 2;
        if (set == 1) continue;
        if (strcmp(arg, "--out") == 0 || strcmp(arg, "-o") == 0) {
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
            if (!sim_sweep_parse_shard(argv[++i], &a->shard_k, &a->shard_n)) {
                return usage_error("--shard wants K/N with 1 <= K <= N, got", argv[i]);
            }
        } else {
            int crc = cli_common_arg("sweep", arg, &a->quiet, &a->file);
            if (crc) return crc;
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

/* Loads and builds every point of this rank's share of the shard (every
** a->ranks-th point of the shard, from the a->rank-th); prints errors;
** false on any. */
static bool prepare_points(const sweep_args *a, const mdl_scenario *base, point **out, size_t *count,
                           char sha[SIM_SHA256_HEX_LEN + 1]) {
    const sim_sweep_config *sw = &base->sweep;
    size_t total = sim_sweep_point_count(sw);
    point *pts = calloc(total + 1, sizeof *pts);
    if (!pts) return false;
    size_t n = 0, in_shard = 0;
    bool ok = true;
    const char *text = sim_ydoc_text(base->doc);
    sim_sha256_hex(text, strlen(text), sha);
    for (size_t i = 0; i < total && ok; i++) {
        if (!sim_sweep_in_shard(i, a->shard_k, a->shard_n)) continue;
        if (in_shard++ % a->ranks != a->rank) continue;
        point *p = &pts[n++];
        p->index = i;
        p->sets = calloc(a->set_count + sw->axis_count + 1, sizeof *p->sets);
        if (!p->sets) {
            ok = false;
            break;
        }
        memcpy(p->sets, a->sets, a->set_count * sizeof *p->sets);
        size_t own = sim_sweep_point_sets(sw, i, p->sets + a->set_count);
        p->set_count = a->set_count + own;
        p->label = join(p->sets + a->set_count, own, "");
        sim_diag *d = sim_diag_new();
        mdl_scenario scn;
        memset(&scn, 0, sizeof scn);
        mdl_world *w = NULL;
        bool fits = true;
        if (d && p->label && mdl_scenario_load(&scn, a->file, p->sets, p->set_count, d)) {
            /* refused before its world is built when it cannot fit */
            cli_mem_estimate est;
            cli_mem_estimate_of(&scn, &est);
            char what[256];
            snprintf(what, sizeof what, "xrsim sweep: %s%s: point %zu (%s)", who, a->file, i + 1, p->label);
            fits = cli_mem_check_fits(&est, scn.verifiers.count, what);
            if (fits) w = mdl_world_new(&scn, d);
        }
        if (w) {
            p->seed = scn.seed;
            size_t len = strlen(scn.params_json) + 1;
            p->params_json = malloc(len);
            if (p->params_json) memcpy(p->params_json, scn.params_json, len);
            else ok = false;
        } else if (!fits) {
            ok = false;
        } else {
            fprintf(stderr, "xrsim sweep: %spoint %zu (%s):\n", who, i + 1, p->label ? p->label : "?");
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
        fprintf(stderr, "xrsim sweep: %spoint %zu (%s) no longer loads:\n", who, p->index + 1, p->label);
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
        cli_run_recorded(rec, &scn, w, a->file, cmdline, &cli_stop_flag, NULL, &sum, &wall_s, &run_id, why, sizeof why);
    if (o == CLI_RUN_INTERRUPTED) {
        result = 'i';
        goto done;
    }
    if (o == CLI_RUN_FAILED) {
        fprintf(stderr, "xrsim sweep: %spoint %zu (%s) failed: %s\n", who, p->index + 1, p->label, why);
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

static void count_result(tally *t, char r) {
    t->done++;
    if (r == 'o') t->ok++;
    else if (r == 'i') t->interrupted++;
    else t->failed++;
}

/* Runs points w, w+jobs, ... of pending into a results file at `path`,
** sending each result byte to fd (when >= 0) and counting it in *t (when
** not NULL).  Returns the exit status of a worker: 0, 1 or 130. */
static int run_slice(const sweep_args *a, point *const *pending, size_t pending_count, size_t w, size_t jobs,
                     const char *path, int fd, tally *t) {
    char err[512];
    sim_rec *rec = NULL;
    int code = 0;
    if (sim_rec_open(&rec, path, an_schema_sql, AN_SCHEMA_VERSION, AN_SCHEMA_APPLICATION_ID, err, sizeof err) != 0) {
        fprintf(stderr, "xrsim sweep: %sworker %zu: %s\n", who, w + 1, err);
        return 2;
    }
    for (size_t i = w; i < pending_count && !cli_stop_flag; i += jobs) {
        char r = run_point(rec, a, pending[i]);
        if (r != 'o') code = r == 'i' ? 130 : (code ? code : 1);
        if (t) count_result(t, r);
        ssize_t wr;
        do {
            wr = fd >= 0 ? write(fd, &r, 1) : 1;
        } while (wr < 0 && errno == EINTR);
    }
    if (sim_rec_close(rec) != 0 && code == 0) code = 2;
    return code;
}

/* The body of worker `w` of `jobs`: never returns. */
static void worker(const sweep_args *a, point *const *pending, size_t pending_count, size_t w, size_t jobs,
                   const char *path, int fd) {
    int code = run_slice(a, pending, pending_count, w, jobs, path, fd, NULL);
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

/*
** Runs the pending points in `jobs` worker processes, worker w writing
** parts[w] (stale files of that name are removed first), and counts their
** results in *t.  With in_process and one job the points run in this
** process instead (no fork: under MPI, forking is best avoided).  A stop
** signal received here is passed on to the workers (mpirun signals the
** ranks, not their children).
*/
static void run_pending(const sweep_args *a, point *const *pending, size_t pending_count, char *const *parts,
                        size_t jobs, bool in_process, bool show, tally *t) {
    memset(t, 0, sizeof *t);
    if (in_process && jobs == 1) {
        remove_part(parts[0]);
        int code = run_slice(a, pending, pending_count, 0, 1, parts[0], -1, t);
        if (code == 2) t->worker_failed = true;
        return;
    }
    pid_t *pids = calloc(jobs, sizeof *pids);
    int fds[2];
    if (!pids || pipe(fds) != 0) {
        fprintf(stderr, "xrsim sweep: %scannot start workers: %s\n", who, strerror(errno));
        free(pids);
        t->worker_failed = true;
        return;
    }
    const pid_t parent = getpid();
    (void)parent;
    for (size_t w = 0; w < jobs; w++) {
        remove_part(parts[w]);
        fflush(NULL);
        pids[w] = fork();
        if (pids[w] == 0) {
#ifdef __linux__
            /* A parent killed with SIGKILL takes its workers with it, so
            ** that the next attempt adopts files nobody writes any more. */
            if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(2);
#endif
            close(fds[0]);
            worker(a, pending, pending_count, w, jobs, parts[w], fds[1]);
        }
        if (pids[w] < 0) {
            fprintf(stderr, "xrsim sweep: %sfork: %s\n", who, strerror(errno));
            break;
        }
    }
    close(fds[1]);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bool forwarded = false;
    if (show) show_progress(0, 0, pending_count, &t0);
    for (;;) {
        if (cli_stop_flag && !forwarded) {
            for (size_t w = 0; w < jobs; w++) {
                if (pids[w] > 0) kill(pids[w], SIGINT);
            }
            forwarded = true;
        }
        char r;
        ssize_t got = read(fds[0], &r, 1);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        count_result(t, r);
        if (show) show_progress(t->done, t->failed, pending_count, &t0);
    }
    close(fds[0]);
    if (show) fputs("\r\033[K", stderr);
    for (size_t w = 0; w < jobs; w++) {
        if (pids[w] <= 0) {
            t->worker_failed = true;
            continue;
        }
        int status = 0;
        while (waitpid(pids[w], &status, 0) < 0 && errno == EINTR) {
        }
        if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 1 &&
                                   WEXITSTATUS(status) != 130)) {
            t->worker_failed = true;
        }
    }
    free(pids);
}

/* Merges inputs[0..n) into `out` in one transaction and removes them; on
** failure names them (they are kept) and returns -1; else 0. */
static int gather(const char *out, const char *const *inputs, size_t n) {
    char err[1024];
    sim_rec *rec = NULL;
    int mrc = -1;
    an_merge_stats ms = {0, 0, 0};
    if (n == 0) return 0;
    snprintf(err, sizeof err, "out of memory");
    if (sim_rec_open(&rec, out, an_schema_sql, AN_SCHEMA_VERSION, AN_SCHEMA_APPLICATION_ID, err, sizeof err) == 0) {
        mrc = an_merge_ex(sim_rec_db(rec), inputs, n, AN_MERGE_ALLOW_MIXED | AN_MERGE_SKIP_DONE, &ms, err,
                          sizeof err);
        if (sim_rec_close(rec) != 0 && mrc == 0) {
            mrc = -1;
            snprintf(err, sizeof err, "closing %s failed", out);
        }
    }
    if (mrc == 0) {
        for (size_t i = 0; i < n; i++) remove_part(inputs[i]);
        return 0;
    }
    fprintf(stderr, "xrsim sweep: gathering results into %s failed: %s; they are kept in:\n", out, err);
    for (size_t i = 0; i < n; i++) fprintf(stderr, "  %s\n", inputs[i]);
    return -1;
}

/* malloc'd "<out>.part-<tag>-<w>" for w = 1..jobs (NULL when out of memory). */
static char **part_names(const char *out, const char *tag, size_t jobs) {
    char **parts = calloc(jobs + 1, sizeof *parts);
    for (size_t w = 0; parts && w < jobs; w++) {
        size_t len = strlen(out) + strlen(tag) + 32;
        parts[w] = malloc(len);
        if (!parts[w]) {
            for (size_t i = 0; i < w; i++) free(parts[i]);
            free(parts);
            return NULL;
        }
        snprintf(parts[w], len, "%s.part-%s-%zu", out, tag, w + 1);
    }
    return parts;
}

static void free_names(char **names, size_t n) {
    for (size_t i = 0; names && i < n; i++) free(names[i]);
    free(names);
}

/* Whether process `pid` exists on this machine. */
/* A zombie (killed, not yet reaped: a rank whose parent was killed with it)
** is gone: kill(pid, 0) still succeeds on it, so /proc says which it is. */
static bool alive(long pid) {
    if (pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno != EPERM)) return false;
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return true; /* no /proc: trust kill() */
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    const char *rp = strrchr(buf, ')'); /* "pid (comm) S ...": comm may hold spaces */
    return !(rp && rp[1] == ' ' && rp[2] == 'Z');
}

/*
** Adopts what earlier attempts of a sweep into `out` finished: every
** "<out>.part-<pid>-..." file next to it whose sweep process (<pid>, the
** parent, or rank 0 under MPI) is gone -- killed, or stopped at a time
** limit -- is opened (SQLite rolls back the point that was running at the
** kill), merged into `out` skipping runs already there (an attempt killed
** between its gather and the removal of its files), and removed with its
** journal.  A part whose sweep is still running is left to it.  Returns
** 0, or -1 when a part could not be read or merged (named; kept).
*/
static int adopt_parts(const char *out, bool quiet) {
    const char *slash = strrchr(out, '/');
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s", slash ? (slash == out ? 1 : (int)(slash - out)) : 1, slash ? out : ".");
    const char *base = slash ? slash + 1 : out;
    char prefix[1100];
    snprintf(prefix, sizeof prefix, "%s.part-", base);
    size_t plen = strlen(prefix);
    DIR *d = opendir(dir);
    if (!d) return 0; /* no directory yet: nothing to adopt */
    char **names = NULL;
    size_t n = 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *nm = e->d_name;
        size_t len = strlen(nm);
        if (strncmp(nm, prefix, plen) != 0) continue;
        if (len > 8 && strcmp(nm + len - 8, "-journal") == 0) continue;
        char *end;
        long pid = strtol(nm + plen, &end, 10);
        if (end == nm + plen || *end != '-') continue; /* not a name this command makes */
        if (pid == (long)getpid() || alive(pid)) {
            if (!quiet) fprintf(stderr, "xrsim sweep: %sleaving %s/%s to its sweep (process %ld), still running\n", who, dir, nm, pid);
            continue;
        }
        char **grown = realloc(names, (n + 1) * sizeof *names);
        size_t need = strlen(dir) + len + 2;
        char *path = grown ? malloc(need) : NULL;
        if (!path) {
            free(grown ? grown : names);
            names = NULL;
            n = 0;
            rc = -1;
            fprintf(stderr, "xrsim sweep: %sadopting earlier results: out of memory\n", who);
            break;
        }
        names = grown;
        snprintf(path, need, "%s/%s", dir, nm);
        names[n++] = path;
    }
    closedir(d);
    /* Open each as a writer would: SQLite rolls back a run cut short, and
    ** the file's schema is checked. */
    const char **inputs = calloc(n + 1, sizeof *inputs);
    size_t nin = 0;
    for (size_t i = 0; i < n && inputs; i++) {
        sim_rec *rec = NULL;
        char err[1024];
        if (sim_rec_open(&rec, names[i], an_schema_sql, AN_SCHEMA_VERSION, AN_SCHEMA_APPLICATION_ID, err, sizeof err) != 0) {
            fprintf(stderr, "xrsim sweep: %scannot adopt %s, kept: %s\n", who, names[i], err);
            rc = -1;
            continue;
        }
        sqlite3_stmt *st = NULL;
        int64_t runs = 0;
        if (sqlite3_prepare_v2(sim_rec_db(rec), "SELECT count(*) FROM runs", -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW) {
            runs = sqlite3_column_int64(st, 0);
        }
        sqlite3_finalize(st);
        sim_rec_close(rec);
        if (runs == 0) {
            remove_part(names[i]); /* a worker killed before its first point ended */
            continue;
        }
        inputs[nin++] = names[i];
    }
    if (!inputs && n) rc = -1;
    if (nin) {
        if (!quiet) {
            printf("xrsim sweep: %sadopting the finished runs of %zu results file%s left by an earlier attempt\n", who,
                   nin, nin == 1 ? "" : "s");
            fflush(stdout);
        }
        if (gather(out, inputs, nin) != 0) rc = -1;
    }
    free(inputs);
    free_names(names, n);
    return rc;
}

/* Exit status from what the points came to (both paths). */
static int exit_status(const tally *t, size_t pending_count, int mrc) {
    if (cli_stop_flag || t->interrupted) return 130;
    if (mrc != 0 || t->failed || t->worker_failed || t->done != pending_count) return 1;
    return 0;
}

/* Prints the scenario's load errors; exit status 2. */
static int load_failed(const sweep_args *a, sim_diag *d) {
    if (d) sim_diag_print(d, stderr);
    fprintf(stderr, "%s%s: %zu error%s; nothing was run\n", who, a->file, d ? sim_diag_errors(d) : 0,
            d && sim_diag_errors(d) == 1 ? "" : "s");
    return 2;
}

/* ---- one process ------------------------------------------------------------ */

static int sweep_local(sweep_args *a) {
    sim_diag *d = sim_diag_new();
    mdl_scenario base;
    memset(&base, 0, sizeof base);
    point *pts = NULL, **pending = NULL;
    size_t count = 0, pending_count = 0, jobs = 0;
    char **parts = NULL;
    sim_rec *rec = NULL;
    char sha[SIM_SHA256_HEX_LEN + 1];
    char err[1024];
    int rc;
    if (!d || !mdl_scenario_load(&base, a->file, a->sets, a->set_count, d)) {
        rc = load_failed(a, d);
        goto done;
    }
    if (!prepare_points(a, &base, &pts, &count, sha)) {
        fprintf(stderr, "%s: bad sweep point; nothing was run\n", a->file);
        rc = 2;
        goto done;
    }
    size_t total = sim_sweep_point_count(&base.sweep);

    cli_make_parent_dir(a->out);
    if (adopt_parts(a->out, a->quiet) != 0) {
        fprintf(stderr, "xrsim sweep: the results of an earlier attempt could not all be adopted; nothing was run\n");
        rc = 2;
        goto done;
    }
    if (sim_rec_open(&rec, a->out, an_schema_sql, AN_SCHEMA_VERSION, AN_SCHEMA_APPLICATION_ID, err, sizeof err) != 0) {
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
    if (!a->quiet) {
        printf("xrsim sweep: %zu point%s", total, total == 1 ? "" : "s");
        if (a->shard_n > 1) printf(", shard %u/%u has %zu", a->shard_k, a->shard_n, count);
        printf("; %zu already done in %s, %zu to run\n", skipped, a->out, pending_count);
        fflush(stdout);
    }
    if (pending_count == 0) {
        rc = 0;
        goto done;
    }
    long cores = a->jobs ? a->jobs : sysconf(_SC_NPROCESSORS_ONLN);
    jobs = cores < 1 ? 1 : (size_t)cores;
    if (jobs > pending_count) jobs = pending_count;
    char tag[32];
    snprintf(tag, sizeof tag, "%ld", (long)getpid());
    parts = part_names(a->out, tag, jobs);
    if (!parts) {
        fprintf(stderr, "xrsim sweep: cannot start workers: out of memory\n");
        rc = 1;
        goto done;
    }
    cli_catch_stop_signals();
    tally t;
    run_pending(a, pending, pending_count, parts, jobs, false, !a->quiet && isatty(STDERR_FILENO), &t);

    /* gather: the workers' files that exist, into --out in one transaction */
    const char **inputs = calloc(jobs + 1, sizeof *inputs);
    size_t nin = 0;
    for (size_t w = 0; inputs && w < jobs; w++) {
        if (access(parts[w], F_OK) == 0) inputs[nin++] = parts[w];
    }
    int mrc = inputs ? gather(a->out, inputs, nin) : -1;
    free(inputs);
    if (!a->quiet || t.failed || t.interrupted) {
        printf("xrsim sweep: ran %zu of %zu: %zu ok, %zu failed, %zu interrupted; results in %s\n", t.done,
               pending_count, t.ok, t.failed, t.interrupted, a->out);
    }
    rc = exit_status(&t, pending_count, mrc);
done:
    if (rec) sim_rec_close(rec);
    free_names(parts, jobs);
    free(pending);
    free_points(pts, count);
    mdl_scenario_free(&base);
    sim_diag_free(d);
    return rc;
}

/* ---- points chosen by another command (sweep_batch.h) ------------------------ */

bool cli_sweep_batch_stopped(void) { return cli_stop_flag != 0; }
void cli_sweep_batch_signals(void) { cli_catch_stop_signals(); }

int cli_sweep_batch(const char *file, const char *out, const cli_batch_point *bp, size_t n, long jobs_wanted,
                    bool quiet, cli_batch_tally *bt) {
    memset(bt, 0, sizeof *bt);
    sweep_args a;
    memset(&a, 0, sizeof a);
    a.file = file;
    a.out = out;
    a.jobs = jobs_wanted;
    a.quiet = true;
    a.shard_k = a.shard_n = a.ranks = 1;
    char sha[SIM_SHA256_HEX_LEN + 1];
    char err[1024];
    sim_diag *d = sim_diag_new();
    sim_ydoc *doc = d ? sim_ydoc_load_file(file, d) : NULL;
    if (!doc) {
        if (d) sim_diag_print(d, stderr);
        sim_diag_free(d);
        return 2;
    }
    const char *text = sim_ydoc_text(doc);
    sim_sha256_hex(text, strlen(text), sha);
    sim_ydoc_free(doc);
    sim_diag_free(d);
    point *pts = calloc(n + 1, sizeof *pts);
    point **pending = calloc(n + 1, sizeof *pending);
    char **parts = NULL;
    size_t jobs = 0, pending_count = 0;
    int rc = 1;
    sim_rec *rec = NULL;
    if (!pts || !pending) goto done;
    for (size_t i = 0; i < n; i++) {
        /* the point's fields are borrowed (const dropped: run_point only reads them) */
        pts[i].index = i;
        pts[i].sets = (const char **)(uintptr_t)bp[i].sets;
        pts[i].set_count = bp[i].set_count;
        pts[i].label = (char *)(uintptr_t)bp[i].label;
        pts[i].params_json = (char *)(uintptr_t)bp[i].params_json;
        pts[i].seed = bp[i].seed;
    }
    cli_make_parent_dir(out);
    if (adopt_parts(out, quiet) != 0) {
        fprintf(stderr, "xrsim sweep: the results of an earlier attempt could not all be adopted; nothing was run\n");
        rc = 2;
        goto done;
    }
    if (sim_rec_open(&rec, out, an_schema_sql, AN_SCHEMA_VERSION, AN_SCHEMA_APPLICATION_ID, err, sizeof err) != 0) {
        fprintf(stderr, "xrsim sweep: %s\n", err);
        rc = 2;
        goto done;
    }
    mark_done(rec, sha, pts, n);
    sim_rec_close(rec);
    rec = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!pts[i].done) pending[pending_count++] = &pts[i];
    }
    bt->pending = pending_count;
    if (pending_count == 0) {
        rc = 0;
        goto done;
    }
    long cores = a.jobs ? a.jobs : sysconf(_SC_NPROCESSORS_ONLN);
    jobs = cores < 1 ? 1 : (size_t)cores;
    if (jobs > pending_count) jobs = pending_count;
    char tag[32];
    snprintf(tag, sizeof tag, "%ld", (long)getpid());
    parts = part_names(out, tag, jobs);
    if (!parts) goto done;
    cli_catch_stop_signals();
    tally t;
    /* one job: in this process (a fork per point of a search's small batches costs more than the run) */
    run_pending(&a, pending, pending_count, parts, jobs, jobs == 1, false, &t);
    const char **inputs = calloc(jobs + 1, sizeof *inputs);
    size_t nin = 0;
    for (size_t w = 0; inputs && w < jobs; w++) {
        if (access(parts[w], F_OK) == 0) inputs[nin++] = parts[w];
    }
    int mrc = inputs ? gather(out, inputs, nin) : -1;
    free(inputs);
    bt->ok = t.ok;
    bt->failed = t.failed;
    bt->interrupted = t.interrupted;
    rc = exit_status(&t, pending_count, mrc);
done:
    if (rec) sim_rec_close(rec);
    free_names(parts, jobs);
    free(pending);
    free(pts); /* its fields belong to the caller */
    return rc;
}

/* ---- MPI ---------------------------------------------------------------------- */

/* The digest that identifies a run for resume under MPI: params_json and
** the seed as stored (int64). */
static void run_key(const char *params_json, int64_t seed, uint8_t out[SIM_SHA256_BYTES]) {
    char num[32];
    snprintf(num, sizeof num, "%" PRId64, seed);
    sim_sha256_ctx c;
    sim_sha256_init(&c);
    sim_sha256_update(&c, params_json, strlen(params_json) + 1);
    sim_sha256_update(&c, num, strlen(num));
    sim_sha256_final(&c, out);
}

static int cmp_key(const void *x, const void *y) { return memcmp(x, y, SIM_SHA256_BYTES); }

/* Rank 0: the sorted keys of the ok runs of scenario `sha` in rec (malloc'd,
** *n of them); false on an SQLite error or out of memory. */
static bool done_keys(sim_rec *rec, const char *sha, uint8_t **keys, size_t *n) {
    sqlite3_stmt *st = NULL;
    *keys = NULL;
    *n = 0;
    size_t cap = 0;
    if (sqlite3_prepare_v2(sim_rec_db(rec),
                           "SELECT params_json, seed FROM runs WHERE status = 'ok' AND scenario_sha256 = ?"
                           " AND params_json IS NOT NULL",
                           -1, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return false;
    }
    sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
    int s;
    bool ok = true;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (!sim_grow((void **)keys, &cap, *n + 1, SIM_SHA256_BYTES)) {
            ok = false;
            break;
        }
        run_key((const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
                *keys + *n * SIM_SHA256_BYTES);
        (*n)++;
    }
    if (ok && s != SQLITE_DONE) ok = false;
    sqlite3_finalize(st);
    if (ok && *n) qsort(*keys, *n, SIM_SHA256_BYTES, cmp_key);
    return ok;
}

/* What every rank of the same sweep must agree on, as 63 bits. */
static int64_t fingerprint(const sweep_args *a, const char *sha) {
    sim_sha256_ctx c;
    sim_sha256_init(&c);
    sim_sha256_update(&c, sha, strlen(sha) + 1);
    for (size_t i = 0; i < a->set_count; i++) sim_sha256_update(&c, a->sets[i], strlen(a->sets[i]) + 1);
    uint32_t shard[2] = {a->shard_k, a->shard_n};
    sim_sha256_update(&c, shard, sizeof shard);
    sim_sha256_update(&c, a->out, strlen(a->out) + 1);
    uint8_t h[SIM_SHA256_BYTES];
    sim_sha256_final(&c, h);
    int64_t v = 0;
    for (int i = 0; i < 7; i++) v = (v << 8) | h[i];
    return v;
}

/* Rank 0: prints "LEAD rank(s) a, b, c TAIL" for the ranks whose flag[r] !=
** 0, in one write (mpirun forwards each write of a rank as it comes, so a
** line written in pieces can be cut by another stream's output). */
static void name_ranks(const char *lead, const int64_t *flag, int size, const char *tail) {
    char line[2048];
    int n = 0;
    for (int r = 0; r < size; r++) n += flag[r] != 0;
    size_t len = (size_t)snprintf(line, sizeof line, "xrsim sweep: %s rank%s", lead, n == 1 ? "" : "s");
    const char *sep = " ";
    for (int r = 0; r < size && len < sizeof line - 64; r++) {
        if (!flag[r]) continue;
        len += (size_t)snprintf(line + len, sizeof line - len, "%s%d", sep, r);
        sep = ", ";
    }
    if (len >= sizeof line - 64) len += (size_t)snprintf(line + len, sizeof line - len, ", ...");
    snprintf(line + len, sizeof line - len, "%s\n", tail);
    fputs(line, stderr);
}

/* Per-rank statistics gathered by rank 0 after the runs. */
enum { ST_PENDING, ST_DONE, ST_OK, ST_FAILED, ST_INTERRUPTED, ST_WORKER_FAILED, ST_JOBS, ST_PARTS, ST_STOP, ST_N };

/* The sweep on rank m->rank of m->size (> 1).  Every rank returns the same
** exit status. */
static int sweep_mpi(sweep_args *a, const cli_mpi *m) {
    const int size = m->size, rank = m->rank;
    a->rank = (uint32_t)rank;
    a->ranks = (uint32_t)size;
    snprintf(who, sizeof who, "rank %d: ", rank);
    cli_catch_stop_signals(); /* a rank stopped before its runs still takes part in every collective */
    sim_diag *d = sim_diag_new();
    mdl_scenario base;
    memset(&base, 0, sizeof base);
    point *pts = NULL, **pending = NULL;
    size_t count = 0, pending_count = 0, jobs = 0;
    char **parts = NULL;
    uint8_t *keys = NULL;
    int64_t *all = calloc((size_t)size * ST_N, sizeof *all);
    int64_t *flags = calloc((size_t)size, sizeof *flags);
    char sha[SIM_SHA256_HEX_LEN + 1] = "";
    char err[1024];
    int64_t rc = 2;
    if (!all || !flags) {
        /* cannot take part in the collectives: dying makes mpirun end the job */
        fprintf(stderr, "xrsim sweep: %sout of memory\n", who);
        abort();
    }

    /* 1. the scenario: rank 0 reports its errors; another rank only its own */
    bool loaded = d && mdl_scenario_load(&base, a->file, a->sets, a->set_count, d);
    cli_mpi_allgather_i64(m, !loaded, flags);
    bool any = false;
    for (int r = 0; r < size; r++) any |= flags[r] != 0;
    if (any) {
        if (!loaded && (rank == 0 || !flags[0])) load_failed(a, d);
        if (rank == 0 && flags[0] == 0) name_ranks("cannot load the scenario on", flags, size, "; nothing was run");
        rc = 2;
        goto agree;
    }

    /* 2. this rank's points, and the same sweep on every rank */
    bool prepared = prepare_points(a, &base, &pts, &count, sha);
    cli_mpi_allgather_i64(m, !prepared, flags);
    any = false;
    for (int r = 0; r < size; r++) any |= flags[r] != 0;
    if (any) {
        if (rank == 0) name_ranks("bad sweep point on", flags, size, "; nothing was run");
        rc = 2;
        goto agree;
    }
    cli_mpi_allgather_i64(m, fingerprint(a, sha), flags);
    any = false;
    for (int r = 1; r < size; r++) {
        flags[r] = flags[r] != flags[0];
        any |= flags[r] != 0;
    }
    if (any) {
        flags[0] = 0;
        if (rank == 0) {
            name_ranks("the scenario file, --set, --shard or --out differ from rank 0's on", flags, size,
                       " (every rank must run the same command on the same files); nothing was run");
        }
        rc = 2;
        goto agree;
    }

    /* 3. resume: rank 0 opens --out and sends the keys of its ok runs */
    int64_t head[3] = {0, 0, 0}; /* status (0 or 2), key count, rank 0's pid */
    size_t nkeys = 0;
    if (rank == 0) {
        sim_rec *rec = NULL;
        cli_make_parent_dir(a->out);
        if (adopt_parts(a->out, a->quiet) != 0) {
            fprintf(stderr, "xrsim sweep: %sthe results of an earlier attempt could not all be adopted\n", who);
            head[0] = 2;
        } else if (sim_rec_open(&rec, a->out, an_schema_sql, AN_SCHEMA_VERSION, AN_SCHEMA_APPLICATION_ID, err,
                                sizeof err) != 0) {
            fprintf(stderr, "xrsim sweep: %s%s\n", who, err);
            head[0] = 2;
        } else if (!done_keys(rec, sha, &keys, &nkeys)) {
            fprintf(stderr, "xrsim sweep: %sreading the runs of %s failed: %s\n", who, a->out,
                    sqlite3_errmsg(sim_rec_db(rec)));
            head[0] = 2;
        }
        sim_rec_close(rec);
        head[1] = (int64_t)nkeys;
        head[2] = (int64_t)getpid();
    }
    cli_mpi_bcast(m, head, sizeof head);
    if (head[0] != 0) {
        rc = head[0];
        goto agree;
    }
    nkeys = (size_t)head[1];
    if (rank != 0 && nkeys) {
        keys = malloc(nkeys * SIM_SHA256_BYTES);
        if (!keys) {
            fprintf(stderr, "xrsim sweep: %sout of memory\n", who);
            abort(); /* cannot take part in the broadcast: dying makes mpirun end the job */
        }
    }
    cli_mpi_bcast(m, keys, nkeys * SIM_SHA256_BYTES);
    pending = calloc(count + 1, sizeof *pending);
    if (!pending) {
        fprintf(stderr, "xrsim sweep: %sout of memory\n", who);
        abort();
    }
    size_t skipped = 0;
    for (size_t i = 0; i < count; i++) {
        uint8_t k[SIM_SHA256_BYTES];
        run_key(pts[i].params_json, sim_rec_u64(pts[i].seed).v.i, k);
        pts[i].done = nkeys && bsearch(k, keys, nkeys, SIM_SHA256_BYTES, cmp_key) != NULL;
        if (pts[i].done) skipped++;
        else pending[pending_count++] = &pts[i];
    }
    int64_t plan[3] = {(int64_t)count, (int64_t)skipped, (int64_t)pending_count};
    int64_t *plans = rank == 0 ? all : NULL;
    cli_mpi_gather_i64(m, plan, 3, plans);
    if (rank == 0 && !a->quiet) {
        int64_t c = 0, s = 0, p = 0;
        for (int r = 0; r < size; r++) {
            c += plans[3 * r];
            s += plans[3 * r + 1];
            p += plans[3 * r + 2];
        }
        size_t total = sim_sweep_point_count(&base.sweep);
        printf("xrsim sweep: %zu point%s", total, total == 1 ? "" : "s");
        if (a->shard_n > 1) printf(", shard %u/%u has %" PRId64, a->shard_k, a->shard_n, c);
        printf(" on %d ranks; %" PRId64 " already done in %s, %" PRId64 " to run\n", size, s, a->out, p);
        fflush(stdout);
    }

    /* 4. run this rank's points into its own part files */
    tally t;
    memset(&t, 0, sizeof t);
    char tag[48];
    snprintf(tag, sizeof tag, "%" PRId64 "-r%d", head[2], rank);
    if (pending_count) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        long per_rank = cores / (m->local_size > 0 ? m->local_size : 1);
        long want = a->jobs ? a->jobs : (per_rank < 1 ? 1 : per_rank);
        jobs = (size_t)want;
        if (jobs > pending_count) jobs = pending_count;
        parts = part_names(a->out, tag, jobs);
        if (!parts) {
            fprintf(stderr, "xrsim sweep: %scannot start workers: out of memory\n", who);
            t.worker_failed = true;
        } else {
            run_pending(a, pending, pending_count, parts, jobs, true, false, &t);
        }
    }
    int64_t seen = 0;
    for (size_t w = 0; parts && w < jobs; w++) seen += access(parts[w], F_OK) == 0;
    int64_t st[ST_N] = {
        [ST_PENDING] = (int64_t)pending_count, [ST_DONE] = (int64_t)t.done,     [ST_OK] = (int64_t)t.ok,
        [ST_FAILED] = (int64_t)t.failed,       [ST_INTERRUPTED] = (int64_t)t.interrupted,
        [ST_WORKER_FAILED] = t.worker_failed,  [ST_JOBS] = (int64_t)(parts ? jobs : 0),
        [ST_PARTS] = seen,                     [ST_STOP] = cli_stop_flag != 0,
    };
    cli_mpi_gather_i64(m, st, ST_N, rank == 0 ? all : NULL);

    /* 5. rank 0 gathers every rank's files into --out and sums up */
    if (rank == 0) {
        tally sum;
        memset(&sum, 0, sizeof sum);
        size_t want_count = 0, nparts = 0;
        bool stopped = false;
        for (int r = 0; r < size; r++) {
            const int64_t *s = all + (size_t)r * ST_N;
            want_count += (size_t)s[ST_PENDING];
            sum.done += (size_t)s[ST_DONE];
            sum.ok += (size_t)s[ST_OK];
            sum.failed += (size_t)s[ST_FAILED];
            sum.interrupted += (size_t)s[ST_INTERRUPTED];
            sum.worker_failed |= s[ST_WORKER_FAILED] != 0;
            stopped |= s[ST_STOP] != 0;
            nparts += (size_t)s[ST_JOBS];
        }
        const char **inputs = calloc(nparts + 1, sizeof *inputs);
        char **names = calloc(nparts + 1, sizeof *names);
        size_t nin = 0, nnames = 0;
        int mrc = inputs && names ? 0 : -1;
        for (int r = 0; r < size && mrc == 0; r++) {
            const int64_t *s = all + (size_t)r * ST_N;
            char rtag[48];
            snprintf(rtag, sizeof rtag, "%" PRId64 "-r%d", head[2], r);
            char **rn = s[ST_JOBS] ? part_names(a->out, rtag, (size_t)s[ST_JOBS]) : NULL;
            if (s[ST_JOBS] && !rn) {
                mrc = -1;
                break;
            }
            int64_t visible = 0;
            for (int64_t w = 0; w < s[ST_JOBS]; w++) {
                names[nnames++] = rn[w];
                if (access(rn[w], F_OK) == 0) {
                    inputs[nin++] = rn[w];
                    visible++;
                }
            }
            free(rn);
            if (visible != s[ST_PARTS]) {
                fprintf(stderr,
                        "xrsim sweep: rank %d wrote %" PRId64 " results file%s next to %s but rank 0 sees %" PRId64
                        " (--out must be on a filesystem every rank shares); results kept where rank %d wrote them\n",
                        r, s[ST_PARTS], s[ST_PARTS] == 1 ? "" : "s", a->out, visible, r);
                mrc = -1;
            }
        }
        if (mrc == 0) mrc = gather(a->out, inputs, nin);
        else if (!inputs || !names) fprintf(stderr, "xrsim sweep: gathering results: out of memory\n");
        free(inputs);
        free_names(names, nnames);
        if ((!a->quiet && want_count) || sum.failed || sum.interrupted || mrc || sum.worker_failed) {
            printf("xrsim sweep: ran %zu of %zu on %d ranks: %zu ok, %zu failed, %zu interrupted; results in %s\n",
                   sum.done, want_count, size, sum.ok, sum.failed, sum.interrupted, a->out);
            fflush(stdout);
        }
        for (int r = 0; r < size; r++) flags[r] = all[(size_t)r * ST_N + ST_FAILED];
        if (sum.failed) name_ranks("points failed on", flags, size, "");
        for (int r = 0; r < size; r++) flags[r] = all[(size_t)r * ST_N + ST_WORKER_FAILED];
        if (sum.worker_failed) name_ranks("a worker process failed on", flags, size, "");
        for (int r = 0; r < size; r++) {
            const int64_t *s = all + (size_t)r * ST_N;
            flags[r] = s[ST_STOP] || s[ST_INTERRUPTED] || s[ST_DONE] != s[ST_PENDING];
        }
        if (stopped || sum.interrupted) name_ranks("interrupted on", flags, size, "");
        if (stopped) cli_stop_flag = 1;
        rc = exit_status(&sum, want_count, mrc);
    }
    cli_mpi_bcast(m, &rc, sizeof rc);

agree:
    /* an early stop jumps here: every rank reached the same decision from
    ** the same gathered flags (or rank 0's broadcast) */
    free_names(parts, jobs);
    free(keys);
    free(pending);
    free_points(pts, count);
    mdl_scenario_free(&base);
    sim_diag_free(d);
    free(all);
    free(flags);
    return (int)rc;
}

/* ---- entry ---------------------------------------------------------------------- */

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
    /* From the start: a signal while the points load (or MPI starts) stops
    ** the sweep as one during the runs does (exit 130), not silently. */
    cli_catch_stop_signals();
    long launched = cli_mpi_launcher_size();
    if (!cli_mpi_built_in() && launched > 1) {
        fprintf(stderr,
                "xrsim sweep: started by an MPI launcher with %ld processes, but this xrsim was built without MPI:"
                " every process would run the whole sweep into %s.  Rebuild with cmake -DXRSIM_MPI=ON, or run"
                " one process per --shard K/N and gather them with xrsim merge; nothing was run\n",
                launched, a.out);
        free(a.sets);
        return 2;
    }
    cli_mpi m;
    char err[256];
    if (!cli_mpi_begin(&m, err, sizeof err)) {
        fprintf(stderr, "xrsim sweep: %s\n", err);
        cli_mpi_end(&m);
        free(a.sets);
        return 1;
    }
    rc = m.size > 1 ? sweep_mpi(&a, &m) : sweep_local(&a);
    cli_mpi_end(&m);
    free(a.sets);
    return rc;
}
