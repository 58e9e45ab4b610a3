/*
** `xrsim swarm [--seeds N | --time D] [--from S] [--seed S [--show]]`: random
** scenarios, seed after seed, in the spirit of TigerBeetle's VOPR.  Each seed
** draws a whole scenario (scenario_for): 4 to 10 verifiers of equal stake,
** a random Byzantine mix strictly below 1/3 of them (crashed, silent,
** equivocating, delayed, conflicting_attestations, censor, lazy, forge, or
** mutant -- validly signed mutated messages --, each for a window or for
** good), network partitions, message loss, rollup
** reorgs, two rollups with a workload and a relayer.  Every fault that heals
** (partitions, windows with an end) has healed by `heal`; the run goes on
** SWARM_LIVE_S after that.  After each run the invariants are checked:
**   - no conflicting honest commit (two honest verifiers committing
**     different blocks at one height, or approving different roots);
**   - no forged message executed on a destination portal;
**   - the ledger balances and no model failed (the world's own checks,
**     e.g. the restaking ledger's, end a run with an error);
**   - no consensus action was lost to a full buffer;
**   - liveness: honest commits continue after the last fault heals: the
**     committed height grows within the liveness window after `heal`
**     (live_window_ns: SWARM_LIVE_S, or longer when the consensus round
**     reached at the heal makes its timeouts longer).  Block sync is not
**     modelled (models/verifiers/verifier.h): a node rejoins only through the
**     core's catch-up over the last commit_history heights, so every swarm
**     scenario keeps the most (64), more than the heights any of its faults
**     can last; a seed where, at the heal, honest nodes are still stranded
**     beyond catch-up with the rest short of a quorum fails ("cannot be
**     judged", naming them), as nothing the generator draws should do that.
** A failure prints the seed, what broke and the command that reproduces it
** (`xrsim swarm --seed S --show` prints the scenario too; the build's commit
** is printed, as a seed reproduces on the same build).  Exit 0 when every
** seed passed, 1 when one failed, 2 on bad usage.
*/
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_util.h"
#include "cmds.h"
#include "xr_bft.h"
#include "rng.h"
#include "world/scenario.h"
#include "verifiers/verifier.h"
#include "world/world.h"

#define SWARM_LIVE_S 40u    /* simulated seconds after the last heal in which commits must continue */
#define SWARM_RNG_KIND 0x5357u /* "SW": the generator's own stream, apart from the run's */
#define YAML_CAP 8192
#define SWARM_COMMIT_HISTORY 64u /* the most the loader takes (verifier_config.h) */

typedef struct text {
    char buf[YAML_CAP];
    size_t len;
} text;

__attribute__((format(printf, 2, 3))) static void put(text *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
    va_end(ap);
    if (n > 0) t->len += (size_t)n < sizeof t->buf - t->len ? (size_t)n : sizeof t->buf - t->len - 1;
}

static const char *const behaviours[] = {"crashed", "silent", "equivocating", "delayed",
                                         "conflicting_attestations", "censor", "lazy", "forge"};

/* A Byzantine entry of a swarm scenario. */
typedef struct entry {
    const char *b;
    uint32_t from, until;        /* until 0: for good */
    char extra[48];              /* its own keys, ", delay: 300ms" */
} entry;

/* The scenario of `seed` as YAML into *t; *heal_s is when its last healing
** fault ends (seconds). */
static void scenario_for(uint64_t seed, text *t, uint32_t *heal_s) {
    gsl_rng *r = sim_rng_new(seed, SWARM_RNG_KIND, 0, 0);
    uint32_t n = 4 + (uint32_t)sim_rng_below(r, 7);
    uint32_t f = (uint32_t)sim_rng_below(r, (n - 1) / 3 + 1); /* 3f < n */
    uint32_t heal = 0;
    t->len = 0;
    put(t, "# xrsim swarm --seed %" PRIu64 "\nname: swarm-%" PRIu64 "\n", seed, seed);
    text faults = {.len = 0};
    /* partitions: 0 to 2, each splitting the verifiers in two */
    uint32_t parts = (uint32_t)sim_rng_below(r, 3);
    double loss = sim_rng_below(r, 3) == 0 ? (double)sim_rng_below(r, 20) / 10.0 : 0.0;
    put(t, "network:\n  latency: {model: matrix, jitter: {model: lognormal, median: 2ms, sigma: 0.5}}\n");
    if (loss > 0) put(t, "  loss: %.1f%%\n", loss);
    if (parts) put(t, "  partitions:\n");
    for (uint32_t p = 0; p < parts; p++) {
        uint32_t from = 5 + (uint32_t)sim_rng_below(r, 30), len = 1 + (uint32_t)sim_rng_below(r, 25);
        uint32_t cut = 1 + (uint32_t)sim_rng_below(r, n - 1);
        put(t, "    - from: %us\n      until: %us\n      between:\n        - [", from, from + len);
        for (uint32_t i = 0; i < cut; i++) put(t, "%s\"verifiers[%u]\"", i ? ", " : "", i);
        put(t, "]\n        - [");
        for (uint32_t i = cut; i < n; i++) put(t, "%s\"verifiers[%u]\"", i > cut ? ", " : "", i);
        put(t, "]\n");
        if (from + len > heal) heal = from + len;
    }
    /* the Byzantine verifiers: f distinct ones */
    uint32_t idx[16];
    for (uint32_t i = 0; i < n; i++) idx[i] = i;
    for (uint32_t i = 0; i < f; i++) {
        uint32_t j = i + (uint32_t)sim_rng_below(r, n - i);
        uint32_t x = idx[i];
        idx[i] = idx[j];
        idx[j] = x;
    }
    put(t, "verifiers:\n  count: %u\n  stake: 32 ETH\n", n);
    if (f) put(t, "  byzantine:\n");
    /* the entries are written once every draw is made: a mutant replaces an
    ** entry by draws after all the others, so adding it left every other
    ** seed's scenario as it was */
    entry ents[16];
    for (uint32_t i = 0; i < f; i++) {
        entry *en = &ents[i];
        en->b = behaviours[sim_rng_below(r, sizeof behaviours / sizeof behaviours[0])];
        en->from = (uint32_t)sim_rng_below(r, 30);
        en->until = 0;
        en->extra[0] = '\0';
        if (sim_rng_below(r, 2)) {
            en->until = en->from + 1 + (uint32_t)sim_rng_below(r, 30);
            if (en->until > heal) heal = en->until;
        }
        if (strcmp(en->b, "delayed") == 0)
            snprintf(en->extra, sizeof en->extra, ", delay: %ums", 100 + (unsigned)sim_rng_below(r, 4000));
        if (strcmp(en->b, "censor") == 0)
            snprintf(en->extra, sizeof en->extra, ", chain: %s", sim_rng_below(r, 2) ? "42161" : "10");
    }
    size_t byz_at = t->len;
    (void)faults;
    if (heal < 10) heal = 10;
    uint32_t reorg_pct = (uint32_t)sim_rng_below(r, 4); /* 0..3 % of blocks */
    put(t, "run: {duration: %us, seed: %" PRIu64 ", warmup: 0s}\n", heal + SWARM_LIVE_S, seed);
    /* commit_history 64 (the most, verifier_config.h): every fault here has
    ** healed by 59 s -- partitions end by 34 + 25 s, Byzantine windows by
    ** 29 + 30 s -- and a height takes at least the block interval (1 s), so
    ** no honest node falls more than 59 heights behind: each can rejoin
    ** through catch-up, standing in for CometBFT's block sync. */
    put(t, "consensus: {quorum: 2/3, signatures: fast, commit_history: %u}\n", SWARM_COMMIT_HISTORY);
    put(t, "l1: {slot: 2s, epoch_slots: 4, finality_epochs: 1}\n");
    put(t, "rollups:\n  - {name: arb, chain_id: 42161, preset: arbitrum, batch_interval: 10s");
    if (reorg_pct) put(t, ",\n     reorg: {probability: 0.0%u, depth: {min: 1, max: 3}}", reorg_pct);
    put(t, "}\n  - {name: op, chain_id: 10, preset: op, batch_interval: 10s}\n");
    put(t, "workload:\n  all_pairs: {rate: %u/s, size: 200 B, gas_limit: 150000, value: 1 ETH, stop: %us}\n",
        1 + (unsigned)sim_rng_below(r, 3), heal + SWARM_LIVE_S / 2);
    put(t, "relayers: {count: 1, delay: 200ms}\n");
    /* mutants: each entry has a 1 in 9 chance to be one instead (as if drawn
    ** among nine behaviours), sending 1 to 3 mutated copies of each message */
    for (uint32_t i = 0; i < f; i++) {
        if (sim_rng_below(r, 9) != 0) continue;
        ents[i].b = "mutant";
        snprintf(ents[i].extra, sizeof ents[i].extra, ", copies: %u", 1 + (unsigned)sim_rng_below(r, 3));
    }
    /* a third of the seeds move proposals in 1 KiB block parts (gossip.c),
    ** so relaying meets the crashes, partitions, loss and Byzantine mixes
    ** too; drawn last, so every other seed's scenario is as it was */
    bool block_parts = sim_rng_below(r, 3) == 0;
    text rest = {.len = 0};
    const char *cons = strstr(t->buf + byz_at, "commit_history: ");
    if (block_parts && cons) {
        const char *close = strchr(cons, '}');
        put(&rest, "%.*s, block_parts: 1 KiB%s", (int)(close - (t->buf + byz_at)), t->buf + byz_at, close);
    } else {
        put(&rest, "%s", t->buf + byz_at);
    }
    t->len = byz_at;
    for (uint32_t i = 0; i < f; i++) {
        put(t, "    - {verifiers: [%u], behaviour: %s, from: %us", idx[i], ents[i].b, ents[i].from);
        if (ents[i].until) put(t, ", until: %us", ents[i].until);
        put(t, "%s}\n", ents[i].extra);
    }
    put(t, "%s", rest.buf);
    gsl_rng_free(r);
    *heal_s = heal;
}

/* Why liveness cannot be asked of the run at the heal, into why (true), or
** false: when honest verifiers are stranded -- more than commit_history
** heights behind the most advanced, where the core's catch-up cannot reach
** them (block sync is not modelled, models/verifiers/verifier.h) -- and
** the honest verifiers that can still take part hold no more than the
** quorum of the most advanced node's validator set. */
static bool beyond_catch_up(const mdl_verifiers *vs, const xr_bft_cfg *cfg, char *why, size_t why_len) {
    uint32_t n = mdl_verifiers_count(vs), top = 0;
    uint64_t max_h = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t h = xr_bft_height(mdl_verifiers_bft(vs, i));
        if (h > max_h) {
            max_h = h;
            top = i;
        }
    }
    const xr_valset *set = xr_bft_valset(mdl_verifiers_bft(vs, top));
    uint64_t live = 0; /* <= total power, which the core keeps below 2^60 */
    char stranded[512] = "";
    size_t sl = 0;
    for (uint32_t m = 0; m < set->count; m++) {
        for (uint32_t i = 0; i < n; i++) {
            if (memcmp(mdl_verifiers_address(vs, i)->bytes, set->members[m].addr.bytes, 20) != 0) continue;
            uint64_t h = xr_bft_height(mdl_verifiers_bft(vs, i));
            bool honest = mdl_verifiers_is_honest(vs, i);
            if (h + cfg->commit_history < max_h) {
                if (honest && sl < sizeof stranded - 64)
                    sl += (size_t)snprintf(stranded + sl, sizeof stranded - sl, "%sverifier %u at height %" PRIu64,
                                           sl ? ", " : "", i, h);
            } else if (honest) {
                live += set->members[m].power;
            }
        }
    }
    if (!sl || xr_quorum_reached(cfg->quorum, live, set->total_power)) return false;
    snprintf(why, why_len,
             "liveness cannot be judged: at the heal honest %s, more than commit_history = %u heights below height %"
             PRIu64 " (block sync is not modelled), and the honest verifiers within reach hold %" PRIu64 " of %" PRIu64
             " power, no quorum",
             stranded, cfg->commit_history, max_h, live, set->total_power);
    return true;
}

/* The liveness window after the heal, for a network whose honest nodes
** reached round `round` by then: at least SWARM_LIVE_S, and long enough
** for the rounds Tendermint may need to decide once messages flow again.
** A round r lasts up to its three timeouts, each base + r * delta (CometBFT's
** timeout_propose/prevote/precommit + round * *_delta, xr_bft.h: 1 s +
** 0.5 s per round), plus a retransmission interval for a message lost on
** the way (own votes are re-sent every retransmit_ns).  After the heal the
** round in progress ends, the nodes that were cut off skip up to it (f+1
** messages of a later round, line 55 of the paper), and a decision then
** needs a round whose proposer is honest and holds the highest valid value
** among the honest locks (others prevote nil on anything else: lines 22-29
** of Buchman, Kwon, Milosevic 2018): with equal stakes the weighted round
** robin names every validator once in n consecutive rounds.  So rounds
** round .. round + n + 1 are allowed, then the block interval (commit_ns)
** before the decision counts.  Seed 3075: round 4 at the heal of 8
** verifiers, locks from round 3 on two honest nodes; decided in round 9,
** 44 s after the heal, within its 168.5 s window. */
static uint64_t live_window_ns(const xr_bft_cfg *cfg, uint32_t round, uint32_t n) {
    const xr_bft_timeouts *t = &cfg->timeouts;
    uint64_t w = t->commit_ns;
    for (uint64_t r = round; r <= (uint64_t)round + n + 1; r++)
        w += t->propose_ns + t->prevote_ns + t->precommit_ns +
             r * (t->propose_delta_ns + t->prevote_delta_ns + t->precommit_delta_ns) + t->retransmit_ns;
    uint64_t floor_ns = (uint64_t)SWARM_LIVE_S * UINT64_C(1000000000);
    return w > floor_ns ? w : floor_ns;
}

/* The highest consensus round an honest verifier is in. */
static uint32_t honest_round(const mdl_verifiers *vs) {
    uint32_t r = 0;
    for (uint32_t i = 0; i < mdl_verifiers_count(vs); i++) {
        uint32_t ri = xr_bft_round(mdl_verifiers_bft(vs, i));
        if (mdl_verifiers_is_honest(vs, i) && ri > r) r = ri;
    }
    return r;
}

/* Runs seed's scenario and checks the invariants.  Returns 0 when they
** hold, 1 with what broke in why, 2 when interrupted. */
static int run_seed(uint64_t seed, bool show, char *why, size_t why_len) {
    text t;
    uint32_t heal_s = 0;
    scenario_for(seed, &t, &heal_s);
    if (show) fputs(t.buf, stdout);
    char path[4096];
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/xrsim-swarm-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        snprintf(why, why_len, "cannot write the scenario: %s", strerror(errno));
        return 1;
    }
    bool written = write(fd, t.buf, t.len) == (ssize_t)t.len;
    close(fd);
    sim_diag *d = sim_diag_new();
    mdl_scenario scn;
    memset(&scn, 0, sizeof scn);
    mdl_world *w = NULL;
    int rc = 1;
    if (!written || !d) {
        snprintf(why, why_len, "cannot write the scenario (or out of memory)");
        goto done;
    }
    if (!mdl_scenario_load(&scn, path, NULL, 0, d) || (w = mdl_world_new(&scn, d)) == NULL) {
        snprintf(why, why_len, "the generated scenario does not load (a swarm bug):");
        sim_diag_print(d, stderr);
        goto done;
    }
    sim_engine *e = mdl_world_engine(w);
    mdl_verifiers *vs = mdl_world_verifiers(w);
    uint64_t heal_ns = (uint64_t)heal_s * UINT64_C(1000000000);
    const xr_bft_cfg *cfg = &scn.consensus.bft;
    sim_run_result rr = sim_engine_run(e, heal_ns, &cli_stop_flag);
    mdl_consensus_summary at_heal, now;
    mdl_verifiers_summary(vs, heal_ns, &at_heal);
    char stranded[768] = "";
    bool unjudged = beyond_catch_up(vs, cfg, stranded, sizeof stranded);
    uint32_t round = honest_round(vs);
    uint64_t live_end = heal_ns + live_window_ns(cfg, round, mdl_verifiers_count(vs));
    if (rr != SIM_RUN_STOPPED) rr = mdl_world_run(w, &cli_stop_flag, NULL, NULL);
    /* past the scenario's end only while no honest commit came yet */
    for (uint64_t at = scn.duration_ns; rr != SIM_RUN_STOPPED && !mdl_world_error(w) && at < live_end;) {
        mdl_verifiers_summary(vs, at, &now);
        if (now.heights_committed > at_heal.heights_committed) break;
        at = at + UINT64_C(1000000000) < live_end ? at + UINT64_C(1000000000) : live_end;
        rr = mdl_world_run_to(w, at, &cli_stop_flag);
    }
    if (cli_stop_flag) {
        snprintf(why, why_len, "interrupted");
        rc = 2;
        goto done;
    }
    mdl_world_summary sum;
    mdl_world_summary_get(w, &sum);
    const char *err = mdl_world_error(w);
    const mdl_consensus_summary *c = &sum.consensus;
    if (err) {
        snprintf(why, why_len, "the run failed: %s", err);
    } else if (rr == SIM_RUN_STOPPED) {
        snprintf(why, why_len, "the run stopped early without an error");
    } else if (c->conflicts || c->approval_conflicts) {
        snprintf(why, why_len, "SAFETY: %" PRIu64 " conflicting honest commits, %" PRIu64 " conflicting approvals",
                 c->conflicts, c->approval_conflicts);
    } else if (sum.has_xchain && sum.xchain.verdicts.forged_executed) {
        snprintf(why, why_len, "SAFETY: %" PRIu64 " forged messages executed", sum.xchain.verdicts.forged_executed);
    } else if (c->actions_dropped) {
        snprintf(why, why_len, "%" PRIu64 " consensus actions lost to a full buffer", c->actions_dropped);
    } else if (c->heights_committed <= at_heal.heights_committed && unjudged) {
        snprintf(why, why_len, "%s", stranded);
    } else if (c->heights_committed <= at_heal.heights_committed) {
        snprintf(why, why_len,
                 "LIVENESS: no honest commit in the %.1f s after the last fault healed at %u s in round %u (height %"
                 PRIu64 ")",
                 (double)(live_end - heal_ns) / 1e9, heal_s, round, c->last_height);
    } else {
        /* what the liveness check saw, for --seed */
        uint64_t next_ns = 0;
        for (uint64_t h = at_heal.last_height + 1; h <= mdl_verifiers_heights(vs) && !next_ns; h++) {
            mdl_height_info hi;
            if (mdl_verifiers_height(vs, h, &hi) && hi.committed && hi.first_commit_ns > heal_ns)
                next_ns = hi.first_commit_ns;
        }
        snprintf(why, why_len, "the first honest commit after the heal at %u s (round %u) came %.1f s later, within %.1f s",
                 heal_s, round, next_ns ? (double)(next_ns - heal_ns) / 1e9 : 0.0, (double)(live_end - heal_ns) / 1e9);
        rc = 0;
    }
done:
    mdl_world_free(w);
    mdl_scenario_free(&scn);
    sim_diag_free(d);
    unlink(path);
    return rc;
}

static int usage_error(const char *msg, const char *arg) {
    fprintf(stderr, "xrsim swarm: %s%s%s\n", msg, arg ? " " : "", arg ? arg : "");
    fputs(cli_usage("swarm"), stderr);
    return 2;
}

/* "90s", "10min", "1h", "2d" -> seconds; false when malformed or not > 0. */
static bool parse_duration_s(const char *s, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || !(v > 0)) return false;
    if (strcmp(end, "s") == 0 || *end == '\0') *out = v;
    else if (strcmp(end, "min") == 0) *out = v * 60;
    else if (strcmp(end, "h") == 0) *out = v * 3600;
    else if (strcmp(end, "d") == 0) *out = v * 86400;
    else return false;
    return true;
}

static bool parse_u64(const char *s, uint64_t *out) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || !*s || s[0] == '-') return false;
    *out = v;
    return true;
}

int cmd_swarm(int argc, char **argv) {
    uint64_t seeds = 100, from = 1, one = 0;
    bool have_one = false, show = false, quiet = false;
    double time_s = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool next = i + 1 < argc;
        if (strcmp(a, "--seeds") == 0) {
            if (!next || !parse_u64(argv[++i], &seeds) || seeds == 0) return usage_error("--seeds wants a count", NULL);
        } else if (strcmp(a, "--from") == 0) {
            if (!next || !parse_u64(argv[++i], &from)) return usage_error("--from wants a seed", NULL);
        } else if (strcmp(a, "--seed") == 0) {
            if (!next || !parse_u64(argv[++i], &one)) return usage_error("--seed wants a seed", NULL);
            have_one = true;
        } else if (strcmp(a, "--time") == 0) {
            if (!next || !parse_duration_s(argv[++i], &time_s))
                return usage_error("--time wants a duration like 90s, 10min or 1h", NULL);
        } else if (strcmp(a, "--show") == 0) {
            show = true;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            quiet = true;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(cli_usage("swarm"), stdout);
            return 0;
        } else {
            return usage_error("unknown argument", a);
        }
    }
    if (show && !have_one) return usage_error("--show goes with --seed S", NULL);
    cli_catch_stop_signals();
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint64_t first = have_one ? one : from, count = have_one ? 1 : seeds, done = 0, failed = 0;
    if (time_s > 0 && !have_one) count = UINT64_MAX - first; /* until the time is up */
    char why[1024];
    for (uint64_t s = first; done < count && !cli_stop_flag; s++) {
        if (time_s > 0 && !have_one && cli_since(&t0) >= time_s) break;
        int rc = run_seed(s, show, why, sizeof why);
        if (rc == 2) break;
        done++;
        if (rc != 0) {
            failed++;
            fprintf(show ? stderr : stdout,
                    "xrsim swarm: seed %" PRIu64 " FAILED: %s\n  reproduce: xrsim swarm --seed %" PRIu64
                    " --show   (build %s)\n",
                    s, why, s, XRSIM_GIT_COMMIT);
            fflush(stdout);
        } else if (have_one) {
            fprintf(show ? stderr : stdout, "xrsim swarm: seed %" PRIu64 " passed: %s\n", s, why);
        }
        if (!quiet && !have_one && done % 100 == 0) {
            fprintf(stderr, "xrsim swarm: %" PRIu64 " seeds from %" PRIu64 ", %" PRIu64 " failed, %.0f s\n", done, first,
                    failed, cli_since(&t0));
        }
    }
    if (!have_one) {
        printf("xrsim swarm: %" PRIu64 " seeds (%" PRIu64 "..%" PRIu64 ") in %.1f s: %" PRIu64 " failed%s\n",
               done, first, done ? first + done - 1 : first, cli_since(&t0), failed,
               cli_stop_flag ? " (interrupted)" : "");
    }
    if (cli_stop_flag) return 130;
    return failed ? 1 : 0;
}
