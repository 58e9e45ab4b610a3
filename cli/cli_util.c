/*
** Helpers shared by the subcommands that run scenarios (see cli_util.h).
*/
#include "cli_util.h"
#include "cmds.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *cli_join_argv(int argc, char **argv) {
    size_t n = strlen("xrsim") + 1;
    for (int i = 0; i < argc; i++) n += strlen(argv[i]) + 1;
    char *s = malloc(n);
    if (!s) return NULL;
    strcpy(s, "xrsim");
    for (int i = 0; i < argc; i++) {
        strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

void cli_make_parent_dir(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path) return;
    char dir[4096];
    size_t n = (size_t)(slash - path);
    if (n >= sizeof dir) return;
    memcpy(dir, path, n);
    dir[n] = '\0';
    mkdir(dir, 0777);
}

volatile sig_atomic_t cli_stop_flag;

static void on_stop_signal(int sig) {
    (void)sig;
    cli_stop_flag = 1;
}

void cli_catch_stop_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

double cli_since(const struct timespec *t0) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

/* Tells the user why a finished run has not ended yet. */
static void say_waiting(void *ctx, const char *path, double waited_s) {
    (void)ctx;
    fprintf(stderr,
            "xrsim: the run has finished; waiting for readers of %s to end their transactions so that it can be"
            " committed (%.0f s so far; it is kept however long this takes)\n",
            path, waited_s);
}

cli_run_outcome cli_run_recorded(sim_rec *rec, const mdl_scenario *scn, mdl_world *w, const char *file,
                                 const char *cmdline, volatile sig_atomic_t *stop, const cli_run_hooks *hooks,
                                 mdl_world_summary *sum, double *wall_s, int64_t *run_id, char *why,
                                 size_t why_len) {
    assert(rec && scn && w && file && sum && wall_s && run_id && why && why_len > 0);
    static const cli_run_hooks none = {0};
    if (hooks == NULL) hooks = &none;
    memset(sum, 0, sizeof *sum);
    why[0] = '\0';
    *run_id = 0;
    *wall_s = 0.0;
    sim_rec_run_info info = {
        .scenario_name = scn->name,
        .scenario_path = file,
        .scenario_text = sim_ydoc_text(scn->doc),
        .seed = scn->seed,
        .params_json = scn->params_json,
        .xrsim_version = XRSIM_VERSION,
        .git_commit = XRSIM_GIT_COMMIT,
        .command_line = cmdline,
    };
    if (sim_rec_run_begin(rec, &info, run_id) != 0) {
        snprintf(why, why_len, "%s", sim_rec_errmsg(rec));
        *run_id = 0;
        return CLI_RUN_FAILED;
    }
    mdl_world_attach(w, rec);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    sim_run_result rr = mdl_world_run(w, stop, hooks->progress, hooks->progress_ctx);
    *wall_s = cli_since(&t0);
    mdl_world_summary_get(w, sum);
    sim_rec_run_stats stats = {.wall_s = *wall_s,
                               .sim_s = (double)sum->sim_ns / 1e9,
                               .event_count = sum->events,
                               .event_digest = sum->digest};
    const char *err = mdl_world_error(w);
    if (err == NULL && rr == SIM_RUN_STOPPED && (stop == NULL || *stop == 0)) {
        /* Stopped early, yet no signal came: a model gave up without
        ** saying why.  Never call that an interruption (a sweep would
        ** retry it for ever). */
        err = "the simulation stopped early without a signal (a model failed without an error message)";
    }
    if (err == NULL && rr == SIM_RUN_STOPPED) {
        sim_rec_run_fail(rec, *run_id, SIM_REC_INTERRUPTED, "interrupted by a signal", &stats);
        snprintf(why, why_len, "interrupted by a signal");
        return CLI_RUN_INTERRUPTED;
    }
    if (err == NULL && hooks->before_commit && hooks->before_commit(hooks->ctx, rec, *run_id, sum) != 0) {
        err = sim_rec_errmsg(rec);
    }
    if (err == NULL && mdl_world_record(w) != 0) err = sim_rec_errmsg(rec);
    if (err == NULL && sim_rec_run_end_waiting(rec, *run_id, &stats, say_waiting, NULL) != 0) {
        err = sim_rec_errmsg(rec);
    }
    if (err != NULL) {
        snprintf(why, why_len, "%s", err);
        sim_rec_run_fail(rec, *run_id, SIM_REC_FAILED, why, &stats);
        return CLI_RUN_FAILED;
    }
    return CLI_RUN_OK;
}

int cli_usage_error(const char *cmd, const char *msg, const char *arg) {
    fprintf(stderr, "xrsim %s: %s%s%s\n", cmd, msg, arg ? " " : "", arg ? arg : "");
    fputs(cli_usage(cmd), stderr);
    return 2;
}

int cli_common_arg(const char *cmd, const char *arg, bool *quiet, const char **file) {
    if (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0) {
        *quiet = true;
        return 0;
    }
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
        fputs(cli_usage(cmd), stdout);
        return -1;
    }
    if (arg[0] == '-' && arg[1] != '\0') return cli_usage_error(cmd, "unknown option", arg);
    if (*file != NULL) return cli_usage_error(cmd, "one scenario file at a time; also got", arg);
    *file = arg;
    return 0;
}

int cli_set_arg(const char *cmd, int argc, char **argv, int *i, const char **sets, size_t *count) {
    const char *arg = argv[*i];
    if (strcmp(arg, "--set") == 0 || strcmp(arg, "-s") == 0) {
        if (*i + 1 >= argc) return cli_usage_error(cmd, "--set needs key.path=value", NULL);
        sets[(*count)++] = argv[++*i];
        return 1;
    }
    if (strncmp(arg, "--set=", 6) != 0) return 0;
    sets[(*count)++] = arg + 6;
    return 1;
}
