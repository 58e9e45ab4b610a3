/*
** `xrsim bench`: engine benchmarks.  One workload so far, PHOLD (sim/phold.h),
** the same as the anchors in the benchmark folder (ns-3 and a one-page
** floor), printing one line in the anchors' format plus the event digest:
**   xrsim phold lps=.. pop=.. events=.. wall_s=.. events_per_s=.. digest=..
** Bad arguments print the usage to stderr and return 2.
*/
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "phold.h"

static const char bench_usage[] =
    "usage: xrsim bench phold [--lps L] [--pop P] [--events E] [--seed N]\n"
    "  PHOLD engine benchmark: L logical processes each start with P events at\n"
    "  Exp(1) s; handling one schedules one at a uniformly random process\n"
    "  0.1 + Exp(1) s later; stops after E handled events.\n"
    "  Defaults: --lps 1000 --pop 16 --events 5000000 --seed 1.\n"
    "  Prints: xrsim phold lps= pop= events= wall_s= events_per_s= digest=\n";

/* Parses a whole decimal unsigned number in [min, max]; false otherwise. */
static bool parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out) {
    if (s == NULL || *s < '0' || *s > '9') {
        return false;
    }
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
        return false;
    }
    *out = (uint64_t)v;
    return true;
}

static int bench_fail_usage(const char *msg, const char *arg) {
    if (msg != NULL) {
        fprintf(stderr, "xrsim bench: %s%s%s\n", msg, arg != NULL ? ": " : "", arg != NULL ? arg : "");
    }
    fputs(bench_usage, stderr);
    return 2;
}

static int bench_phold(int argc, char **argv) {
    sim_phold_config cfg = {.lps = 1000, .pop = 16, .events = 5000000, .seed = 1};
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0) {
            fputs(bench_usage, stdout);
            return 0;
        }
        /* --name value, or --name=value */
        const char *val = NULL;
        char name[16];
        const char *eq = strchr(opt, '=');
        if (eq != NULL) {
            size_t len = (size_t)(eq - opt);
            if (len >= sizeof name) {
                return bench_fail_usage("unknown option", opt);
            }
            memcpy(name, opt, len);
            name[len] = '\0';
            val = eq + 1;
        } else {
            if (strlen(opt) >= sizeof name) {
                return bench_fail_usage("unknown option", opt);
            }
            strcpy(name, opt);
            if (i + 1 < argc) {
                val = argv[++i];
            }
        }
        uint64_t v = 0;
        if (strcmp(name, "--lps") == 0 || strcmp(name, "--pop") == 0) {
            if (!parse_u64(val, 1, UINT32_MAX, &v)) {
                return bench_fail_usage("expected a whole number from 1 to 4294967295 after", name);
            }
            if (name[2] == 'l') {
                cfg.lps = (uint32_t)v;
            } else {
                cfg.pop = (uint32_t)v;
            }
        } else if (strcmp(name, "--events") == 0) {
            if (!parse_u64(val, 1, UINT64_MAX, &v)) {
                return bench_fail_usage("expected a whole number of at least 1 after", name);
            }
            cfg.events = v;
        } else if (strcmp(name, "--seed") == 0) {
            if (!parse_u64(val, 0, UINT64_MAX, &v)) {
                return bench_fail_usage("expected a whole number after", name);
            }
            cfg.seed = v;
        } else {
            return bench_fail_usage("unknown option", opt);
        }
    }
    const char *why = NULL;
    if (sim_phold_check(&cfg, &why) != 0) {
        return bench_fail_usage(why, NULL);
    }
    sim_phold_result r;
    int rc = sim_phold_run(&cfg, &r);
    if (rc != 0) {
        fprintf(stderr, "xrsim bench phold: out of memory\n");
        return 1;
    }
    printf("xrsim phold lps=%" PRIu32 " pop=%" PRIu32 " events=%" PRIu64
           " wall_s=%.3f events_per_s=%.0f digest=%s\n",
           cfg.lps, cfg.pop, r.events, r.wall_s, r.events_per_s, r.digest);
    return fflush(stdout) == 0 ? 0 : 1;
}

int cmd_bench(int argc, char **argv) {
    if (argc < 2) {
        return bench_fail_usage("missing workload", NULL);
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs(bench_usage, stdout);
        return 0;
    }
    if (strcmp(argv[1], "phold") == 0) {
        return bench_phold(argc - 1, argv + 1);
    }
    return bench_fail_usage("unknown workload", argv[1]);
}
