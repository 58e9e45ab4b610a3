/*
** Whole-run tests of verifier consensus on the simulated network: the
** protocol core's BFT on 4-7 verifiers over many seeds and four network
** settings (constant delay; the AWS region matrix with lognormal jitter;
** heavy-tailed Pareto delays; uniform delays with 1% loss).
**
**   - safety: with Byzantine power below 1/3 (crashed, silent and
**     equivocating mixes) no two honest verifiers commit different blocks
**     at a height, and every height still commits within the bound below;
**   - liveness after partitions: nothing commits while no side holds a
**     quorum, and once the last partition heals every height commits
**     within the bound;
**   - with 1/3 or more of the power silent, commits stop, and resume within
**     the bound when the silent verifiers return;
**   - equivocation produces evidence that verifies and names the
**     equivocator, and only it;
**   - determinism: the same seed gives the same digest and the same commit
**     record; another seed another digest.
**
** Runs are small (60-70 simulated seconds, at most 7 verifiers) so the
** whole file stays well under a minute under ASan.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "world/scenario.h"
#include "verifiers/verifier.h"
#include "world/world.h"
#include "xr_evidence.h"

#define SEC UINT64_C(1000000000)
#define MS UINT64_C(1000000)
#define MAXH 512

static const char *base_text =
    "name: consensus-sim\n"
    "run: {duration: 60s, seed: 1}\n"
    "network:\n"
    "  placement: {verifiers: all}\n"
    "  latency: {model: constant, value: 50ms}\n"
    "verifiers: {count: 7}\n"
    "consensus:\n"
    "  max_votes_per_block: 64\n"
    "  max_votes_per_extension: 16\n"
    "  pending_votes: 256\n"
    "  synthetic_xblocks: {chains: 2, interval: 2s, messages: 2}\n";

/* The four network settings: latency model, loss. */
static const char *const settings[4][2] = {
    {"network.latency={model: constant, value: 50ms}", "network.loss=0"},
    {"network.latency={model: matrix, jitter: {model: lognormal, median: 2ms, sigma: 0.5}}",
     "network.loss=0"},
    {"network.latency={model: pareto, scale: 20ms, alpha: 1.5}", "network.loss=0"},
    {"network.latency={model: uniform, min: 10ms, max: 150ms}", "network.loss=1%"},
};

static char base_path[64];

static void write_base(void) {
    if (base_path[0]) return;
    snprintf(base_path, sizeof base_path, "/tmp/xrsim-test-consensus-XXXXXX");
    int fd = mkstemp(base_path);
    assert_true(fd >= 0);
    size_t n = strlen(base_text);
    assert_int_equal(write(fd, base_text, n), (ssize_t)n);
    close(fd);
}

/* What a run left behind, for the checks. */
typedef struct outcome {
    char digest[33];
    mdl_consensus_summary c;
    uint64_t end_ns;
    uint64_t heights;
    mdl_height_info h[MAXH];
    uint64_t final_height[8];    /* per verifier */
    bool honest[8];
    uint32_t n;
    size_t ev_count;
    mdl_evidence_info ev[64];
    /* evidence seen through the hook */
    int ev_actions, ev_bad;
    const mdl_verifiers *vs;
    uint32_t offender_mask;      /* verifiers named by evidence */
    mdl_gossip_stats gossip;     /* all zero when proposals go whole */
} outcome;

/* Appended to every case's settings when set: proposals in block parts. */
static const char *parts_set;

static void on_evidence(void *ctx, uint32_t verifier, uint64_t now_ns, const xr_action_evidence *e) {
    (void)now_ns;
    outcome *o = ctx;
    if (!mdl_verifiers_is_honest(o->vs, verifier)) return;
    xr_evidence ed;
    int rc = xr_evidence_verify(e->bytes.ptr, e->bytes.len, mdl_verifiers_sig(o->vs),
                                mdl_verifiers_valset(o->vs), &ed);
    o->ev_actions++;
    if (rc != 0) {
        o->ev_bad++;
        return;
    }
    for (uint32_t i = 0; i < mdl_verifiers_count(o->vs); i++)
        if (memcmp(mdl_verifiers_address(o->vs, i)->bytes, ed.offender, 20) == 0) o->offender_mask |= 1u << i;
}

static void run_case(const char *const *sets, size_t nsets, outcome *o) {
    write_base();
    memset(o, 0, sizeof *o);
    sim_diag *d = sim_diag_new();
    assert_non_null(d);
    const char *all[16];
    assert_true(nsets < 16);
    memcpy(all, sets, nsets * sizeof *sets);
    if (parts_set) all[nsets++] = parts_set;
    mdl_scenario s;
    bool ok = mdl_scenario_load(&s, base_path, all, nsets, d);
    if (!ok) sim_diag_print(d, stderr);
    assert_true(ok);
    mdl_world *w = mdl_world_new(&s, d);
    if (!w) sim_diag_print(d, stderr);
    assert_non_null(w);
    mdl_verifiers *vs = mdl_world_verifiers(w);
    o->vs = vs;
    mdl_verifier_hooks hooks = {.on_evidence = on_evidence, .ctx = o};
    mdl_verifiers_set_hooks(vs, &hooks);
    assert_int_equal(mdl_world_run(w, NULL, NULL, NULL), SIM_RUN_UNTIL);
    assert_null(mdl_world_error(w));
    mdl_world_summary sum;
    mdl_world_summary_get(w, &sum);
    memcpy(o->digest, sum.digest, sizeof o->digest);
    o->c = sum.consensus;
    o->end_ns = sum.sim_ns;
    o->heights = mdl_verifiers_heights(vs);
    assert_true(o->heights < MAXH);
    for (uint64_t h = 1; h <= o->heights; h++) assert_true(mdl_verifiers_height(vs, h, &o->h[h]));
    o->n = mdl_verifiers_count(vs);
    assert_true(o->n <= 8);
    for (uint32_t i = 0; i < o->n; i++) {
        o->final_height[i] = xr_bft_height(mdl_verifiers_bft(vs, i));
        o->honest[i] = mdl_verifiers_is_honest(vs, i);
    }
    if (mdl_verifiers_gossip_stats(vs)) o->gossip = *mdl_verifiers_gossip_stats(vs);
    o->ev_count = mdl_verifiers_evidence_count(vs);
    for (size_t k = 0; k < o->ev_count && k < 64; k++) assert_true(mdl_verifiers_evidence(vs, k, &o->ev[k]));
    o->vs = NULL;
    mdl_world_free(w);
    mdl_scenario_free(&s);
    sim_diag_free(d);
}

/* The longest one height may take once the network is whole again, derived
** from the default timeouts (propose 3 s, prevote and precommit 1 s, each
** + 0.5 s per round; block interval 1 s; retransmit 1 s):
**   the block interval after the previous decision,
** + one retransmit period (votes lost to the partition, to loss or to a
**   silent spell are sent again within it),
** + rounds 0 .. f+1, each at most propose(r) + prevote(r) + precommit(r)
**   timeouts plus 4 message delays (proposal, prevote, precommit, and the
**   f+1 messages that move laggards into the round): with equal power the
**   proposer rotation visits every verifier once per n rounds, so at most f
**   faulty proposers come in a row, one round may be spoilt by the heal
**   itself, and the next one decides.
** A message delay counts as 1 s: the Pareto setting (scale 20 ms, alpha
** 1.5) exceeds it with probability (0.02)^1.5 = 0.3%, and a lost or late
** vote is retransmitted within the same round.  For f = 0 this is
** 1 + 1 + (5 + 4) + (6.5 + 4) = 21.5 s; f = 2 adds 12 + 13.5 = 47 s. */
static uint64_t height_bound_ns(uint32_t f) {
    const uint64_t propose = 3 * SEC, prevote = 1 * SEC, precommit = 1 * SEC, delta = SEC / 2;
    const uint64_t commit = 1 * SEC, retransmit = 1 * SEC, delay = 1 * SEC;
    uint64_t b = commit + retransmit;
    for (uint64_t r = 0; r <= f + 1u; r++) b += propose + prevote + precommit + 3 * delta * r + 4 * delay;
    return b;
}

/* Every height first committed after `from_ns` came within `bound_ns` of the
** previous one (or of from_ns), and the run did not end stalled. */
static void check_live_after(const outcome *o, uint64_t from_ns, uint64_t bound_ns, const char *what) {
    uint64_t prev = from_ns;
    uint64_t after = 0;
    for (uint64_t h = 1; h <= o->heights; h++) {
        const mdl_height_info *hi = &o->h[h];
        if (!hi->committed || hi->first_commit_ns <= from_ns) continue;
        if (hi->first_commit_ns - prev > bound_ns) {
            fprintf(stderr, "%s: height %llu took %.2f s (bound %.2f s)\n", what,
                    (unsigned long long)h, (double)(hi->first_commit_ns - prev) / 1e9,
                    (double)bound_ns / 1e9);
        }
        assert_true(hi->first_commit_ns - prev <= bound_ns);
        prev = hi->first_commit_ns;
        after++;
    }
    if (o->end_ns - prev > bound_ns)
        fprintf(stderr, "%s: no commit in the last %.2f s (bound %.2f s)\n", what,
                (double)(o->end_ns - prev) / 1e9, (double)bound_ns / 1e9);
    assert_true(o->end_ns - prev <= bound_ns);
    assert_true(after >= 3);
}

static bool commits_within(const outcome *o, uint64_t from_ns, uint64_t until_ns) {
    for (uint64_t h = 1; h <= o->heights; h++)
        if (o->h[h].committed && o->h[h].first_commit_ns >= from_ns && o->h[h].first_commit_ns < until_ns)
            return true;
    return false;
}

static void check_safe(const outcome *o) {
    assert_int_equal(o->c.conflicts, 0);
    assert_int_equal(o->c.approval_conflicts, 0);
    assert_int_equal(o->c.actions_dropped, 0);
    assert_int_equal(o->ev_bad, 0);
    /* every committed height was committed by the honest nodes that got there */
    for (uint64_t h = 1; h <= o->heights; h++)
        if (o->h[h].committed) assert_true(o->h[h].commit_count >= 1);
}

/* ---- safety with Byzantine power below 1/3 --------------------------------------- */

static void safe_below_a_third(uint64_t seeds) {
    for (uint64_t seed = 1; seed <= seeds; seed++) {
        for (int st = 0; st < 4; st++) {
            /* two of seven verifiers (28.6% of the power), rotated with the seed */
            uint32_t a = (uint32_t)(seed % 7), b = (uint32_t)((seed + 3) % 7);
            char byz[256], seedset[32];
            bool equiv = false;
            switch (seed % 4) {
            case 0:
                snprintf(byz, sizeof byz,
                         "verifiers.byzantine=[{verifiers: %u, behaviour: crashed, from: 10s, until: 40s},"
                         " {verifiers: %u, behaviour: equivocating, from: 5s}]", a, b);
                equiv = true;
                break;
            case 1:
                snprintf(byz, sizeof byz,
                         "verifiers.byzantine=[{verifiers: [%u, %u], behaviour: silent, from: 10s, until: 45s}]",
                         a, b);
                break;
            case 2:
                snprintf(byz, sizeof byz,
                         "verifiers.byzantine=[{verifiers: %u, behaviour: equivocating},"
                         " {verifiers: %u, behaviour: equivocating, reveal: false}]", a, b);
                equiv = true;
                break;
            default:
                snprintf(byz, sizeof byz,
                         "verifiers.byzantine=[{verifiers: %u, behaviour: crashed},"
                         " {verifiers: %u, behaviour: silent, from: 20s}]", a, b);
                break;
            }
            snprintf(seedset, sizeof seedset, "run.seed=%llu", (unsigned long long)seed);
            const char *sets[] = {settings[st][0], settings[st][1], seedset, byz};
            outcome *o = malloc(sizeof *o);
            assert_non_null(o);
            run_case(sets, 4, o);
            check_safe(o);
            char what[64];
            snprintf(what, sizeof what, "seed %llu setting %d", (unsigned long long)seed, st);
            check_live_after(o, 0, height_bound_ns(2), what);
            if (getenv("CONS_VERBOSE")) fprintf(stderr, "%s: %llu heights, max stall %.1f s\n", what, (unsigned long long)o->c.heights_committed, o->c.max_stall_ns / 1e9);
            /* progress: typically 25-37 heights; two equivocators under
            ** heavy-tailed delays (FIFO links, so one slow message holds up
            ** the ones behind it) can need many rounds for one height */
            assert_true(o->c.heights_committed >= 8);
            /* evidence names only equivocators */
            uint32_t allowed = equiv ? (1u << b) | (seed % 4 == 2 ? 1u << a : 0u) : 0u;
            assert_int_equal(o->offender_mask & ~allowed, 0);
            /* the equivocator that reveals its twins is caught (case 2: a) */
            if (equiv) assert_true(o->offender_mask & (1u << (seed % 4 == 0 ? b : a)));
            if (parts_set) assert_true(o->gossip.assembled > 0);
            free(o);
        }
    }
}

static void test_consensus_sim_safe_below_a_third(void **state) {
    (void)state;
    safe_below_a_third(20);
}

/* ---- partitions ----------------------------------------------------------------- */

static void partition_heals(uint64_t seeds) {
    for (uint64_t seed = 1; seed <= seeds; seed++) {
        for (int st = 0; st < 4; st++) {
            char seedset[32];
            snprintf(seedset, sizeof seedset, "run.seed=%llu", (unsigned long long)seed);
            /* 10-30 s: 3 | 4 (57% of the power: no quorum anywhere);
            ** 35-55 s: 2 | 5 (the five keep a quorum, the two fall behind). */
            const char *parts =
                "network.partitions=["
                "{from: 10s, until: 30s, between: [[\"verifiers[0]\", \"verifiers[1]\", \"verifiers[2]\"],"
                " [\"verifiers[3]\", \"verifiers[4]\", \"verifiers[5]\", \"verifiers[6]\"]]},"
                "{from: 35s, until: 55s, between: [[\"verifiers[5]\", \"verifiers[6]\"],"
                " [\"verifiers[0]\", \"verifiers[1]\", \"verifiers[2]\", \"verifiers[3]\", \"verifiers[4]\"]]}]";
            /* the core catches a node up over its last commit_history heights
            ** only (no block sync): keep more than the ~17 heights the two
            ** isolated verifiers miss */
            const char *sets[] = {settings[st][0], settings[st][1], seedset, parts,
                                  "consensus.commit_history=32", "run.duration=80s"};
            outcome *o = malloc(sizeof *o);
            assert_non_null(o);
            run_case(sets, 6, o);
            check_safe(o);
            /* heights decided before the split may land up to 2 s into it */
            assert_false(commits_within(o, 12 * SEC, 30 * SEC));
            assert_true(commits_within(o, 0, 10 * SEC));
            char what[64];
            snprintf(what, sizeof what, "partition seed %llu setting %d", (unsigned long long)seed, st);
            /* from the first heal on: while two are cut off they count as
            ** faulty proposers (f = 2) and the five go on committing ... */
            check_live_after(o, 30 * SEC, height_bound_ns(2), what);
            assert_true(commits_within(o, 36 * SEC, 55 * SEC));
            /* ... and after the last heal nobody is faulty (f = 0) */
            check_live_after(o, 55 * SEC, height_bound_ns(0), what);
            /* the two isolated verifiers caught up after the last heal */
            uint64_t top = 0;
            for (uint32_t i = 0; i < o->n; i++)
                if (o->final_height[i] > top) top = o->final_height[i];
            for (uint32_t i = 0; i < o->n; i++) assert_true(o->final_height[i] + 1 >= top);
            if (parts_set) assert_true(o->gossip.assembled > 0 && o->gossip.parts_relayed > 0);
            free(o);
        }
    }
}

static void test_consensus_sim_partition_heals(void **state) {
    (void)state;
    partition_heals(10);
}

/* ---- proposals in block parts (consensus.block_parts) --------------------------------- */

/* The same safety, liveness and evidence checks with proposals moved as
** 1 KiB parts that peers relay (blocks here are up to ~13 KB: a dozen
** parts), so crashes, silence, equivocation, loss and partitions meet the
** relaying too; and the same seed gives the same run. */
static void test_consensus_sim_block_parts(void **state) {
    (void)state;
    parts_set = "consensus.block_parts=1 KiB";
    safe_below_a_third(6);
    partition_heals(4);
    const char *s3[] = {settings[1][0], settings[1][1], "run.seed=3"};
    outcome *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    assert_true(a && b);
    run_case(s3, 3, a);
    run_case(s3, 3, b);
    assert_string_equal(a->digest, b->digest);
    assert_memory_equal(&a->gossip, &b->gossip, sizeof a->gossip);
    /* every assembled proposal was handed to one core, each part relayed */
    assert_true(a->gossip.assembled >= a->gossip.broadcasts);
    assert_true(a->gossip.parts_sent > 0 && a->gossip.parts_relayed >= a->gossip.parts_sent);
    parts_set = NULL;
    run_case(s3, 3, b);
    assert_string_not_equal(a->digest, b->digest);
    assert_int_equal(b->gossip.broadcasts, 0);
    free(a);
    free(b);
}

/* ---- a third or more silent ---------------------------------------------------------- */

static void silent_case(const char *const *extra, size_t nextra, uint64_t seed, int st) {
    char seedset[32];
    snprintf(seedset, sizeof seedset, "run.seed=%llu", (unsigned long long)seed);
    const char *sets[8] = {settings[st][0], settings[st][1], seedset};
    size_t n = 3;
    for (size_t i = 0; i < nextra; i++) sets[n++] = extra[i];
    outcome *o = malloc(sizeof *o);
    assert_non_null(o);
    run_case(sets, n, o);
    check_safe(o);
    assert_true(commits_within(o, 5 * SEC, 15 * SEC));
    /* silent from 15 s to 35 s: heights in flight may land up to 2 s later */
    assert_false(commits_within(o, 17 * SEC, 35 * SEC));
    char what[64];
    snprintf(what, sizeof what, "silent seed %llu setting %d", (unsigned long long)seed, st);
    check_live_after(o, 35 * SEC, height_bound_ns(0), what);
    free(o);
}

static void test_consensus_sim_third_silent_halts_then_resumes(void **state) {
    (void)state;
    /* exactly 1/3: 2 of 6 equal verifiers (quorum needs strictly more than 2/3) */
    const char *third[] = {"verifiers.count=6",
                           "verifiers.byzantine=[{verifiers: [1, 4], behaviour: silent, from: 15s, until: 35s}]"};
    /* more than 1/3: 3 of 7 */
    const char *more[] = {"verifiers.byzantine=[{verifiers: [0, 2, 6], behaviour: silent, from: 15s, until: 35s}]"};
    /* one verifier holding half the power */
    const char *heavy[] = {"verifiers.count=4", "verifiers.stake=[96 ETH, 32 ETH, 32 ETH, 32 ETH]",
                           "verifiers.byzantine=[{verifiers: 0, behaviour: silent, from: 15s, until: 35s}]"};
    for (uint64_t seed = 1; seed <= 5; seed++) {
        for (int st = 0; st < 4; st++) {
            silent_case(third, 2, seed, st);
            silent_case(more, 1, seed + 100, st);
            silent_case(heavy, 3, seed + 200, st);
        }
    }
}

/* ---- evidence ------------------------------------------------------------------------ */

static void test_consensus_sim_equivocation_evidence(void **state) {
    (void)state;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        int st = (int)(seed % 4);
        uint32_t byz = (uint32_t)(seed % 4);
        char seedset[32], b[160];
        snprintf(seedset, sizeof seedset, "run.seed=%llu", (unsigned long long)seed);
        snprintf(b, sizeof b, "verifiers.byzantine=[{verifiers: %u, behaviour: equivocating, from: 3s}]", byz);
        const char *sets[] = {settings[st][0], settings[st][1], seedset, b, "verifiers.count=4",
                              "run.duration=30s"};
        outcome *o = malloc(sizeof *o);
        assert_non_null(o);
        run_case(sets, 6, o);
        check_safe(o);
        assert_true(o->ev_actions > 0);
        assert_int_equal(o->offender_mask, 1u << byz);
        assert_true(o->ev_count > 0);
        for (size_t k = 0; k < o->ev_count && k < 64; k++) {
            assert_int_equal(o->ev[k].kind, XR_EVIDENCE_DUPLICATE_VOTE);
            assert_int_equal(o->ev[k].offender, byz);
            assert_true(o->ev[k].first_ns >= 3 * SEC);
            assert_true(o->ev[k].detectors >= 1 && o->ev[k].detectors <= 3);
        }
        assert_int_equal(o->c.offenders, 1);
        check_live_after(o, 0, height_bound_ns(1), "equivocation");
        free(o);
    }
}

/* ---- determinism ------------------------------------------------------------------------ */

static void test_consensus_sim_determinism(void **state) {
    (void)state;
    const char *byz = "verifiers.byzantine=[{verifiers: 1, behaviour: equivocating, from: 5s},"
                      " {verifiers: 4, behaviour: silent, from: 10s, until: 20s}]";
    for (int st = 0; st < 4; st++) {
        const char *s3[] = {settings[st][0], settings[st][1], "run.seed=3", byz};
        const char *s4[] = {settings[st][0], settings[st][1], "run.seed=4", byz};
        outcome *a = malloc(sizeof *a), *b = malloc(sizeof *b), *c = malloc(sizeof *c);
        assert_true(a && b && c);
        run_case(s3, 4, a);
        run_case(s3, 4, b);
        run_case(s4, 4, c);
        assert_string_equal(a->digest, b->digest);
        assert_string_not_equal(a->digest, c->digest);
        assert_int_equal(a->heights, b->heights);
        for (uint64_t h = 1; h <= a->heights; h++) {
            assert_int_equal(a->h[h].committed, b->h[h].committed);
            assert_memory_equal(a->h[h].block_id, b->h[h].block_id, 32);
            assert_int_equal(a->h[h].first_commit_ns, b->h[h].first_commit_ns);
            assert_int_equal(a->h[h].last_commit_ns, b->h[h].last_commit_ns);
            assert_int_equal(a->h[h].round, b->h[h].round);
            assert_int_equal(a->h[h].proposer, b->h[h].proposer);
            assert_int_equal(a->h[h].approved, b->h[h].approved);
        }
        assert_int_equal(a->ev_count, b->ev_count);
        assert_memory_equal(a->ev, b->ev, sizeof a->ev);
        assert_memory_equal(&a->c, &b->c, sizeof a->c);
        free(a);
        free(b);
        free(c);
    }
}

static int teardown(void **state) {
    (void)state;
    if (base_path[0]) unlink(base_path);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_consensus_sim_safe_below_a_third),
        cmocka_unit_test(test_consensus_sim_partition_heals),
        cmocka_unit_test(test_consensus_sim_third_silent_halts_then_resumes),
        cmocka_unit_test(test_consensus_sim_equivocation_evidence),
        cmocka_unit_test(test_consensus_sim_determinism),
        cmocka_unit_test(test_consensus_sim_block_parts),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
