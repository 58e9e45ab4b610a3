/*
** `xrsim frontier FILE --vary KEY=LO..HI [--over KEY2=v1,v2,...]
** --until safety|liveness`: the threshold frontier.  For each value of KEY2
** (applied like --set), bisects KEY over [LO, HI] (models/frontier.h) to
** where the property first breaks in at least one of --seeds N seeds
** (run.seed = 1..N, like a sweep's `seeds: N`):
**
**   safety breaks    conflicting honest commits or approvals > 0, or
**                    forged messages executed (verdicts, with rollups)
**   liveness breaks  longest stall without a new height > --stall (30 s),
**                    or no height committed at all
**
** LO must hold and HI break; otherwise the row says "holds everywhere" or
** "broken everywhere".  A value's seeds stop at the first that breaks.
** Every run is recorded into the results file (--db, or --out FILE.db;
** default results/frontier.db) exactly like `xrsim run` records it
** (cli_run_recorded), with the `xrsim run` command line that reproduces it.
** `--out FILE.html` also draws the frontier into one self-contained HTML
** file (analysis/an_frontier.h: the probes per row, the bracket, the
** actual breaking power share); the target is checked like `xrsim report
** --out` (no link, device, directory or results file is replaced) before
** anything runs, and written through an exclusive temporary at the end.
**
** Every KEY2 value is loaded with KEY at LO and at HI and its world built
** before the results file is opened: bad input (exit 2: unknown keys at
** their --set mark, bad ranges, a scenario without verifiers) writes
** nothing.  Exit 0 when every row was bisected (whatever it found), 1 when
** a run failed, 130 when interrupted.
*/
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "an_frontier.h"
#include "an_outfile.h"
#include "an_schema.h"
#include "cli_util.h"
#include "cmds.h"
#include "frontier.h"
#include "recorder.h"
#include "world/scenario.h"
#include "world/world.h"
#include "ytree.h"

#define DEFAULT_OUT "results/frontier.db"
#define MAX_SEEDS 1000

typedef enum until_kind { UNTIL_SAFETY = 0, UNTIL_LIVENESS = 1 } until_kind;

typedef struct frontier_args {
    const char *file;
    const char *out;     /* the results file */
    const char *html;    /* --out FILE.html; NULL: none */
    const char **sets;   /* argc + 3 slots: user sets, then over, vary, seed */
    size_t set_count;
    char *vary_key;      /* "consensus.quorum" (malloc'd) */
    sim_frontier_range range;
    char *over_key;      /* NULL: no --over */
    char **over_values;  /* over_count strings (malloc'd) */
    size_t over_count;
    until_kind until;
    bool has_until;
    uint32_t seeds;
    double tolerance;    /* in the range's written unit; 0: default */
    uint64_t stall_ns;
    bool quiet;
} frontier_args;

static int usage_error(const char *msg, const char *arg) { return cli_usage_error("frontier", msg, arg); }

static char *dup_n(const char *s, size_t n) {
    char *p = malloc(n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* Parses a duration like "30s" with the scenario parser; false on error
** (printed). */
static bool parse_duration(const char *text, uint64_t *out) {
    sim_diag *d = sim_diag_new();
    if (!d) return false;
    sim_ydoc *doc = sim_ydoc_load_string("--stall", text, strlen(text), d);
    bool ok = doc && sim_ynode_duration_ns(sim_ydoc_root(doc), 1, UINT64_MAX, out, d);
    if (!ok) sim_diag_print(d, stderr);
    sim_ydoc_free(doc);
    sim_diag_free(d);
    return ok;
}

static int parse_vary(frontier_args *a, const char *v) {
    const char *eq = strchr(v, '=');
    if (!eq || eq == v) return usage_error("--vary wants KEY=LO..HI, got", v);
    if (a->vary_key) return usage_error("one --vary at a time; also got", v);
    if (!sim_frontier_parse_range(eq + 1, &a->range)) {
        return usage_error("--vary wants a range LO..HI of numbers or percentages with LO < HI, got", v);
    }
    a->vary_key = dup_n(v, (size_t)(eq - v));
    return a->vary_key ? 0 : 2;
}

static int parse_over(frontier_args *a, const char *v) {
    const char *eq = strchr(v, '=');
    if (!eq || eq == v || eq[1] == '\0') return usage_error("--over wants KEY2=v1,v2,..., got", v);
    if (a->over_key) return usage_error("one --over at a time; also got", v);
    a->over_key = dup_n(v, (size_t)(eq - v));
    size_t n = 1;
    for (const char *p = eq + 1; *p; p++) n += *p == ',';
    a->over_values = calloc(n, sizeof *a->over_values);
    if (!a->over_key || !a->over_values) return 2;
    const char *p = eq + 1;
    for (size_t i = 0; i < n; i++) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (len == 0) return usage_error("--over has an empty value in", v);
        a->over_values[a->over_count] = dup_n(p, len);
        if (!a->over_values[a->over_count]) return 2;
        a->over_count++;
        p = c ? c + 1 : p + len;
    }
    return 0;
}

/* Returns 0, the exit status of a usage error, or -1 after --help. */
static int parse_args(int argc, char **argv, frontier_args *a) {
    a->out = DEFAULT_OUT;
    a->seeds = 3;
    a->stall_ns = 30000000000ull;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        bool has_next = i + 1 < argc;
        int rc = 0;
        int set = cli_set_arg("frontier", argc, argv, &i, a->sets, &a->set_count);
        if (set == 2) return 2;
        if (set == 1) continue;
        if (strcmp(arg, "--vary") == 0) {
            if (!has_next) return usage_error("--vary needs KEY=LO..HI", NULL);
            rc = parse_vary(a, argv[++i]);
        } else if (strcmp(arg, "--over") == 0) {
            if (!has_next) return usage_error("--over needs KEY2=v1,v2,...", NULL);
            rc = parse_over(a, argv[++i]);
        } else if (strcmp(arg, "--until") == 0) {
            if (!has_next) return usage_error("--until needs safety or liveness", NULL);
            const char *v = argv[++i];
            if (strcmp(v, "safety") == 0) a->until = UNTIL_SAFETY;
            else if (strcmp(v, "liveness") == 0) a->until = UNTIL_LIVENESS;
            else return usage_error("--until wants safety or liveness, got", v);
            a->has_until = true;
        } else if (strcmp(arg, "--seeds") == 0) {
            if (!has_next) return usage_error("--seeds needs a number", NULL);
            char *end;
            errno = 0;
            long n = strtol(argv[++i], &end, 10);
            if (errno || *end || end == argv[i] || n < 1 || n > MAX_SEEDS) {
                return usage_error("--seeds wants a number from 1 to 1000, got", argv[i]);
            }
            a->seeds = (uint32_t)n;
        } else if (strcmp(arg, "--tolerance") == 0) {
            if (!has_next) return usage_error("--tolerance needs a number", NULL);
            const char *v = argv[++i];
            char *end;
            errno = 0;
            double t = strtod(v, &end);
            if (*end == '%' && end[1] == '\0') end++;
            if (errno || *end || end == v || !isfinite(t) || !(t > 0)) {
                return usage_error("--tolerance wants a positive number (in the range's unit), got", v);
            }
            a->tolerance = t;
        } else if (strcmp(arg, "--stall") == 0) {
            if (!has_next) return usage_error("--stall needs a duration like 30s", NULL);
            if (!parse_duration(argv[++i], &a->stall_ns)) {
                return usage_error("--stall wants a duration like 30s, got", argv[i]);
            }
        } else if (strcmp(arg, "--out") == 0 || strcmp(arg, "-o") == 0) {
            if (!has_next) return usage_error("--out needs a file name", NULL);
            const char *v = argv[++i];
            size_t n = strlen(v);
            /* FILE.html: the plot; anything else: the results file */
            if (n > 5 && strcasecmp(v + n - 5, ".html") == 0) a->html = v;
            else a->out = v;
        } else if (strcmp(arg, "--db") == 0) {
            if (!has_next) return usage_error("--db needs a file name", NULL);
            a->out = argv[++i];
        } else {
            int crc = cli_common_arg("frontier", arg, &a->quiet, &a->file);
            if (crc) return crc;
        }
        if (rc) return rc;
    }
    if (a->file == NULL) return usage_error("missing scenario FILE", NULL);
    if (a->vary_key == NULL) return usage_error("missing --vary KEY=LO..HI", NULL);
    if (!a->has_until) return usage_error("missing --until safety|liveness", NULL);
    if (a->tolerance > a->range.hi - a->range.lo) {
        return usage_error("--tolerance is wider than the --vary range", NULL);
    }
    return 0;
}

/* ---- one value: N seeds -------------------------------------------------- */

/* The actual power share a probed value gave (a coalition's stake_fraction
** takes the smallest prefix of verifiers holding at least that much): the
** members' genesis power over all of it, as a fraction. */
typedef struct share {
    double value;
    uint64_t num, den;
} share;

/* At most this many probes per row: sim_frontier_bisect makes 2 + 64 at most. */
#define PROBES_MAX 80

typedef struct probe_ctx {
    const frontier_args *a;
    an_frontier_probe probes[PROBES_MAX]; /* this row's, in order (for the HTML) */
    size_t probe_count;
    share shares[80];    /* this row's probed values (bisection: at most 66) */
    size_t share_count;
    int coalition;       /* --vary adversary.coalitions[K].stake_fraction: K; else -1 */
    size_t row;          /* index into over_values (0 without --over) */
    sim_rec *rec;
    uint64_t runs;       /* this row */
    uint64_t total_runs;
    int error;           /* exit status of a failed or interrupted run */
    char over_set[4200], vary_set[4200], seed_set[64];
} probe_ctx;

static char *command_line(const char *file, const char *const *sets, size_t n) {
    size_t len = strlen("xrsim run ") + strlen(file) + 1;
    for (size_t i = 0; i < n; i++) len += strlen(sets[i]) + 8;
    char *s = malloc(len);
    if (!s) return NULL;
    snprintf(s, len, "xrsim run %s", file);
    for (size_t i = 0; i < n; i++) {
        strcat(s, " --set ");
        strcat(s, sets[i]);
    }
    return s;
}

/* Fills the sets array for (row, value, seed); returns the count.  seed 0:
** keep the scenario's own. */
static size_t build_sets(probe_ctx *c, double value, uint32_t seed) {
    const frontier_args *a = c->a;
    size_t n = a->set_count;
    if (a->over_key) {
        snprintf(c->over_set, sizeof c->over_set, "%s=%s", a->over_key, a->over_values[c->row]);
        a->sets[n++] = c->over_set;
    }
    char v[64];
    sim_frontier_format(&a->range, value, v, sizeof v);
    snprintf(c->vary_set, sizeof c->vary_set, "%s=%s", a->vary_key, v);
    a->sets[n++] = c->vary_set;
    if (seed) {
        snprintf(c->seed_set, sizeof c->seed_set, "run.seed=%" PRIu32, seed);
        a->sets[n++] = c->seed_set;
    }
    return n;
}

static bool breaks(const frontier_args *a, const mdl_world_summary *s) {
    const mdl_consensus_summary *c = &s->consensus;
    if (a->until == UNTIL_SAFETY)
        return c->conflicts > 0 || c->approval_conflicts > 0 ||
               (s->has_xchain && s->xchain.verdicts.forged_executed > 0);
    return c->heights_committed == 0 || c->max_stall_ns > a->stall_ns;
}

static uint64_t gcd_u64(uint64_t x, uint64_t y) {
    while (y) {
        uint64_t t = x % y;
        x = y;
        y = t;
    }
    return x;
}

static void note_share(probe_ctx *c, mdl_world *w, double value) {
    if (c->coalition < 0 || c->share_count == sizeof c->shares / sizeof c->shares[0]) return;
    mdl_xchain *x = mdl_world_xchain(w);
    const mdl_adversary *adv = x ? mdl_xchain_adversary(x) : NULL;
    if (!adv || (size_t)c->coalition >= mdl_adversary_count(adv)) return;
    for (size_t i = 0; i < c->share_count; i++)
        if (c->shares[i].value == value) return;
    mdl_coalition_result r;
    mdl_adversary_result(adv, (size_t)c->coalition, 0, &r);
    uint64_t g = gcd_u64(r.stake_gwei, r.total_stake_gwei);
    if (g == 0) return;
    c->shares[c->share_count++] = (share){value, r.stake_gwei / g, r.total_stake_gwei / g};
}

/* "5/7 (0.7143)" for the value's actual share, or "" when unknown. */
static void format_share(const probe_ctx *c, double value, char *out, size_t len) {
    out[0] = '\0';
    for (size_t i = 0; i < c->share_count; i++) {
        if (c->shares[i].value != value) continue;
        snprintf(out, len, "%" PRIu64 "/%" PRIu64 " (%.4g)", c->shares[i].num, c->shares[i].den,
                 (double)c->shares[i].num / (double)c->shares[i].den);
    }
}

/* sim_frontier_probe_fn: runs the seeds of one value (stopping at the
** first that breaks). */
static int probe_seeds(probe_ctx *c, double value, uint32_t *ran);

static int probe(void *ctx, double value) {
    probe_ctx *c = ctx;
    uint32_t ran = 0;
    int result = probe_seeds(c, value, &ran);
    if (result >= 0 && c->probe_count < PROBES_MAX) {
        c->probes[c->probe_count++] = (an_frontier_probe){.value = value, .breaks = result == 1, .runs = ran};
    }
    return result;
}

/* Runs the seeds of `value`; *ran counts those recorded. */
static int probe_seeds(probe_ctx *c, double value, uint32_t *ran) {
    const frontier_args *a = c->a;
    for (uint32_t seed = 1; seed <= a->seeds; seed++) {
        if (cli_stop_flag) {
            c->error = 130;
            return -1;
        }
        size_t n = build_sets(c, value, seed);
        sim_diag *d = sim_diag_new();
        mdl_scenario scn;
        memset(&scn, 0, sizeof scn);
        mdl_world *w = NULL;
        char *cmdline = command_line(a->file, a->sets, n);
        if (d && cmdline && mdl_scenario_load(&scn, a->file, a->sets, n, d)) w = mdl_world_new(&scn, d);
        int result = 0;
        if (!w) {
            fprintf(stderr, "xrsim frontier: %s does not load:\n", c->vary_set);
            if (d) sim_diag_print(d, stderr);
            c->error = 1;
            result = -1;
        } else {
            mdl_world_summary sum;
            int64_t run_id = 0;
            char why[600];
            double wall_s;
            cli_run_outcome o = cli_run_recorded(c->rec, &scn, w, a->file, cmdline, &cli_stop_flag, NULL, &sum,
                                                 &wall_s, &run_id, why, sizeof why);
            if (run_id) {
                c->runs++;
                c->total_runs++;
                (*ran)++;
            }
            if (o == CLI_RUN_INTERRUPTED) {
                fprintf(stderr, "xrsim frontier: interrupted; run %" PRId64 " recorded as interrupted in %s\n",
                        run_id, a->out);
                c->error = 130;
                result = -1;
            } else if (o == CLI_RUN_FAILED) {
                fprintf(stderr, "xrsim frontier: %s seed %" PRIu32 ": run failed: %s\n", c->vary_set, seed, why);
                c->error = 1;
                result = -1;
            } else {
                result = breaks(a, &sum) ? 1 : 0;
                note_share(c, w, value);
            }
        }
        mdl_world_free(w);
        mdl_scenario_free(&scn);
        sim_diag_free(d);
        free(cmdline);
        if (result != 0) return result;
    }
    return 0;
}

/* Loads every row at LO and HI and builds its world; prints errors. */
static bool check_inputs(const frontier_args *a) {
    probe_ctx c;
    memset(&c, 0, sizeof c);
    c.a = a;
    size_t rows = a->over_key ? a->over_count : 1;
    bool ok = true;
    for (size_t r = 0; r < rows && ok; r++) {
        c.row = r;
        for (int end = 0; end < 2 && ok; end++) {
            size_t n = build_sets(&c, end ? a->range.hi : a->range.lo, 0);
            sim_diag *d = sim_diag_new();
            mdl_scenario scn;
            memset(&scn, 0, sizeof scn);
            mdl_world *w = NULL;
            if (d && mdl_scenario_load(&scn, a->file, a->sets, n, d)) w = mdl_world_new(&scn, d);
            if (!w) {
                if (d) sim_diag_print(d, stderr);
                fprintf(stderr, "%s: %zu error%s with %s%s%s; nothing was run\n", a->file, d ? sim_diag_errors(d) : 0,
                        d && sim_diag_errors(d) == 1 ? "" : "s", a->over_key ? c.over_set : "",
                        a->over_key ? " " : "", c.vary_set);
                ok = false;
            } else if (mdl_world_verifiers(w) == NULL) {
                fprintf(stderr, "%s: the scenario has no verifiers: no consensus whose %s could break\n", a->file,
                        a->until == UNTIL_SAFETY ? "safety" : "liveness");
                ok = false;
            }
            mdl_world_free(w);
            mdl_scenario_free(&scn);
            sim_diag_free(d);
        }
    }
    return ok;
}

static void free_args(frontier_args *a) {
    for (size_t i = 0; i < a->over_count; i++) free(a->over_values[i]);
    free(a->over_values);
    free(a->over_key);
    free(a->vary_key);
    free(a->sets);
}

int cmd_frontier(int argc, char **argv) {
    frontier_args a;
    memset(&a, 0, sizeof a);
    a.sets = calloc((size_t)argc + 4, sizeof *a.sets);
    if (!a.sets) return 2;
    int rc = parse_args(argc, argv, &a);
    if (rc) {
        free_args(&a);
        return rc < 0 ? 0 : rc;
    }
    sim_rec *rec = NULL;
    an_frontier_row *rows = NULL;
    an_frontier_probe *probes = NULL;
    char err[1024];
    if (a.html && an_outfile_check(a.html, err, sizeof err) != 0) {
        fprintf(stderr, "xrsim frontier: %s; nothing was run\n", err);
        rc = 2;
        goto done;
    }
    if (a.html && strcmp(a.html, a.out) == 0) {
        fprintf(stderr, "xrsim frontier: the HTML and the results file are both '%s'; nothing was run\n", a.out);
        rc = 2;
        goto done;
    }
    if (!check_inputs(&a)) {
        rc = 2;
        goto done;
    }
    cli_make_parent_dir(a.out);
    if (sim_rec_open(&rec, a.out, an_schema_sql, AN_SCHEMA_VERSION, AN_SCHEMA_APPLICATION_ID, err, sizeof err) != 0) {
        fprintf(stderr, "xrsim frontier: %s\n", err);
        rc = 2;
        goto done;
    }
    cli_catch_stop_signals();

    const sim_frontier_range *r = &a.range;
    double tol = a.tolerance > 0 ? a.tolerance : (r->hi - r->lo) / 64.0;
    char lo[64], hi[64], tol_s[64], stall[64];
    sim_frontier_format(r, r->lo, lo, sizeof lo);
    sim_frontier_format(r, r->hi, hi, sizeof hi);
    snprintf(tol_s, sizeof tol_s, "%.4g%s", tol, r->percent ? "%" : "");
    snprintf(stall, sizeof stall, "%.4g s", (double)a.stall_ns / 1e9);
    if (!a.quiet) {
        char cond[128];
        if (a.until == UNTIL_SAFETY) snprintf(cond, sizeof cond, "conflicting commits or approvals, or forged messages executed");
        else snprintf(cond, sizeof cond, "a stall longer than %s or no height committed", stall);
        printf("xrsim frontier: %s from %s to %s until %s breaks (%s) in any of %" PRIu32
               " seed%s; tolerance %s\n",
               a.vary_key, lo, hi, a.until == UNTIL_SAFETY ? "safety" : "liveness", cond, a.seeds,
               a.seeds == 1 ? "" : "s", tol_s);
        fflush(stdout);
    }
    probe_ctx c;
    memset(&c, 0, sizeof c);
    c.a = &a;
    c.rec = rec;
    c.coalition = -1;
    {
        unsigned k = 0;
        int end = 0;
        if ((sscanf(a.vary_key, "adversary.coalitions[%u].stake_fraction%n", &k, &end) == 1 ||
             sscanf(a.vary_key, "adversary.coalitions.%u.stake_fraction%n", &k, &end) == 1) &&
            a.vary_key[end] == '\0')
            c.coalition = (int)k;
    }
    const char *col = a.over_key ? a.over_key : "scenario";
    size_t w0 = strlen(col);
    for (size_t i = 0; i < a.over_count; i++) {
        if (strlen(a.over_values[i]) > w0) w0 = strlen(a.over_values[i]);
    }
    char h1[80], h2[80];
    snprintf(h1, sizeof h1, "holds at %s", a.vary_key);
    snprintf(h2, sizeof h2, "breaks at %s", a.vary_key);
    /* a coalition's requested stake_fraction is bisected; the actual share
    ** (the prefix of verifiers it takes) is printed beside it */
    const char *h3 = c.coalition >= 0 ? "actual share where it holds" : NULL;
    const char *h4 = c.coalition >= 0 ? "actual share where it breaks" : NULL;
    if (h3)
        printf("%-*s  %-*s  %-*s  %-*s  %-*s  %s\n", (int)w0, col, (int)strlen(h1), h1, (int)strlen(h2), h2,
               (int)strlen(h3), h3, (int)strlen(h4), h4, "runs");
    else
        printf("%-*s  %-*s  %-*s  %s\n", (int)w0, col, (int)strlen(h1), h1, (int)strlen(h2), h2, "runs");
    size_t row_count = a.over_key ? a.over_count : 1;
    rows = calloc(row_count, sizeof *rows);
    probes = calloc(row_count * PROBES_MAX, sizeof *probes);
    if (!rows || !probes) {
        fprintf(stderr, "xrsim frontier: out of memory\n");
        rc = 1;
        goto done;
    }
    rc = 0;
    for (size_t i = 0; i < row_count; i++) {
        c.row = i;
        c.runs = 0;
        c.share_count = 0;
        c.probe_count = 0;
        sim_frontier_result res = sim_frontier_bisect(r, tol, probe, &c);
        if (res.status == SIM_FRONTIER_ERROR) {
            rc = c.error ? c.error : 1;
            break;
        }
        an_frontier_row *row = &rows[i];
        row->label = a.over_key ? a.over_values[i] : NULL;
        memcpy(&probes[i * PROBES_MAX], c.probes, c.probe_count * sizeof *c.probes);
        row->probes = &probes[i * PROBES_MAX];
        row->probe_count = c.probe_count;
        row->status = res.status == SIM_FRONTIER_FOUND            ? AN_FRONTIER_FOUND
                      : res.status == SIM_FRONTIER_HOLDS_EVERYWHERE ? AN_FRONTIER_HOLDS_EVERYWHERE
                                                                   : AN_FRONTIER_BROKEN_EVERYWHERE;
        row->holds = res.holds;
        row->breaks = res.breaks;
        row->runs = c.runs;
        for (size_t k = 0; k < c.share_count; k++) {
            double v = c.shares[k].value;
            bool at_holds = res.status == SIM_FRONTIER_FOUND ? v == res.holds
                                                             : res.status == SIM_FRONTIER_HOLDS_EVERYWHERE && v == r->hi;
            bool at_breaks = res.status == SIM_FRONTIER_FOUND ? v == res.breaks
                                                              : res.status == SIM_FRONTIER_BROKEN_EVERYWHERE && v == r->lo;
            if (at_holds) {
                row->share_holds_num = c.shares[k].num;
                row->share_holds_den = c.shares[k].den;
            }
            if (at_breaks) {
                row->share_breaks_num = c.shares[k].num;
                row->share_breaks_den = c.shares[k].den;
            }
        }
        char hv[96] = "-", bv[96] = "-";
        if (res.status == SIM_FRONTIER_FOUND) {
            sim_frontier_format(r, res.holds, hv, sizeof hv);
            sim_frontier_format(r, res.breaks, bv, sizeof bv);
        } else if (res.status == SIM_FRONTIER_HOLDS_EVERYWHERE) {
            snprintf(hv, sizeof hv, "%s (everywhere)", hi);
        } else {
            snprintf(bv, sizeof bv, "%s (everywhere)", lo);
        }
        if (h3) {
            char hs[64] = "-", bs[64] = "-";
            if (res.status == SIM_FRONTIER_FOUND || res.status == SIM_FRONTIER_HOLDS_EVERYWHERE)
                format_share(&c, res.status == SIM_FRONTIER_FOUND ? res.holds : r->hi, hs, sizeof hs);
            if (res.status == SIM_FRONTIER_FOUND || res.status != SIM_FRONTIER_HOLDS_EVERYWHERE)
                format_share(&c, res.status == SIM_FRONTIER_FOUND ? res.breaks : r->lo, bs, sizeof bs);
            if (!hs[0]) snprintf(hs, sizeof hs, "-");
            if (!bs[0]) snprintf(bs, sizeof bs, "-");
            printf("%-*s  %-*s  %-*s  %-*s  %-*s  %" PRIu64 "\n", (int)w0, a.over_key ? a.over_values[i] : "-",
                   (int)strlen(h1), hv, (int)strlen(h2), bv, (int)strlen(h3), hs, (int)strlen(h4), bs, c.runs);
        } else {
            printf("%-*s  %-*s  %-*s  %" PRIu64 "\n", (int)w0, a.over_key ? a.over_values[i] : "-", (int)strlen(h1),
                   hv, (int)strlen(h2), bv, c.runs);
        }
        fflush(stdout);
    }
    printf("total runs: %" PRIu64 "; results in %s\n", c.total_runs, a.out);
    if (a.html && rc == 0) {
        char cond[160];
        if (a.until == UNTIL_SAFETY) snprintf(cond, sizeof cond, "conflicting commits or approvals, or forged messages executed");
        else snprintf(cond, sizeof cond, "a stall longer than %s or no height committed", stall);
        an_frontier_doc doc = {.scenario = a.file, .vary_key = a.vary_key, .over_key = a.over_key,
                               .until = a.until == UNTIL_SAFETY ? "safety" : "liveness", .condition = cond,
                               .lo = r->lo, .hi = r->hi, .percent = r->percent, .tolerance = tol, .seeds = a.seeds,
                               .results = a.out, .rows = rows, .row_count = row_count};
        if (an_frontier_write_html_file(&doc, a.html, err, sizeof err) != 0) {
            fprintf(stderr, "xrsim frontier: %s; the runs are in %s\n", err, a.out);
            rc = 1;
        } else {
            printf("wrote %s\n", a.html);
        }
    } else if (a.html) {
        fprintf(stderr, "xrsim frontier: %s not written: the frontier was not completed\n", a.html);
    }
done:
    if (rec && sim_rec_close(rec) != 0 && rc == 0) {
        fprintf(stderr, "xrsim frontier: closing %s failed\n", a.out);
        rc = 1;
    }
    free(rows);
    free(probes);
    free_args(&a);
    return rc;
}
