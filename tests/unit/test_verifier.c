/*
** Tests of the verifier host (models/verifier.c) and its configuration
** (models/verifier_config.c): scenario errors at their file:line:col, a
** four-verifier world that commits heights and approves attestations, the
** CPU charged per signature by the backend wrapper, the Byzantine
** strategies' bookkeeping, and the stake models.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "world_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "world/scenario.h"
#include "verifiers/byzantine/byzantine.h"
#include "verifiers/verifier.h"
#include "world/world.h"
#include "xr_evidence.h"

#define SEC UINT64_C(1000000000)
#define MS UINT64_C(1000000)

/* Writes text to a fresh temporary file; returns its path (static buffer). */
/* Loads text as a scenario; returns whether it loaded; errors in d. */
static bool load_text(const char *text, mdl_scenario *s, sim_diag *d, const char **path_out) {
    const char *path = xrtest_temp_yaml(text);
    bool ok = mdl_scenario_load(s, path, NULL, 0, d);
    if (path_out) *path_out = path;
    return ok;
}

/* True when some message of d is exactly "<path>:<where>: error: <what>...". */
static bool has_error(const sim_diag *d, const char *path, const char *where, const char *what) {
    char prefix[256];
    snprintf(prefix, sizeof prefix, "%s:%s: error: %s", path, where, what);
    for (size_t i = 0; i < sim_diag_count(d); i++)
        if (strncmp(sim_diag_message(d, i), prefix, strlen(prefix)) == 0) return true;
    return false;
}

static void test_verifier_config_errors_at_their_place(void **state) {
    (void)state;
    const char *text = "run: {duration: 10s}\n"
                       "verifiers:\n"
                       "  count: 5\n"
                       "  stake: 32\n"
                       "  byzantine:\n"
                       "    - {verifiers: [1, 9], behaviour: sleepy}\n"
                       "    - {verifiers: 1, behaviour: silent, from: 20s, until: 10s}\n"
                       "consensus:\n"
                       "  quorum: 1/3\n"
                       "  timeouts: {propose: 3}\n"
                       "  signatures: rsa\n"
                       "  colour: blue\n"
                       "  max_votes_per_block: -1\n";
    mdl_scenario s;
    sim_diag *d = sim_diag_new();
    const char *path;
    assert_false(load_text(text, &s, d, &path));
    assert_true(has_error(d, path, "4:10", "expected an amount with a unit"));
    assert_true(has_error(d, path, "6:23", "value 9 out of range [0, 4]"));
    assert_true(has_error(d, path, "6:38", "expected one of 'honest', 'crashed'"));
    /* a verifier may be in several entries (several behaviours at once) */
    assert_false(has_error(d, path, "7:19", "verifier 1"));
    assert_true(has_error(d, path, "7:59", "Byzantine window is empty"));
    assert_true(has_error(d, path, "9:11", "quorum 1/3 out of range"));
    assert_true(has_error(d, path, "10:23", "expected a duration with a unit"));
    assert_true(has_error(d, path, "11:15", "expected one of 'fast', 'secp256k1', got 'rsa'"));
    assert_true(has_error(d, path, "12:3", "unknown key 'colour' in consensus"));
    assert_true(has_error(d, path, "13:24", "expected a non-negative integer"));
    assert_int_equal(sim_diag_errors(d), 9);
    mdl_scenario_free(&s);
    unlink(path);

    /* consensus without verifiers; an unknown key in verifiers; a list of
    ** stakes of the wrong length; a key of another distribution */
    sim_diag_clear(d);
    assert_false(load_text("run: {duration: 10s}\nconsensus:\n  quorum: 2/3\n", &s, d, &path));
    assert_true(has_error(d, path, "3:3", "section 'consensus' needs a 'verifiers' section"));
    mdl_scenario_free(&s);
    unlink(path);
    sim_diag_clear(d);
    assert_false(load_text("run: {duration: 10s}\n"
                           "verifiers: {count: 3, stake: [1 ETH, 2 ETH], colour: 1}\n",
                           &s, d, &path));
    assert_true(has_error(d, path, "2:30", "stake list has 2 entries but verifiers.count is 3"));
    assert_true(has_error(d, path, "2:46", "unknown key 'colour' in verifiers"));
    mdl_scenario_free(&s);
    unlink(path);
    sim_diag_clear(d);
    assert_false(load_text("run: {duration: 10s}\n"
                           "verifiers: {count: 4, stake: {distribution: lognormal, median: 32 ETH,"
                           " sigma: 0.5, alpha: 2}}\n",
                           &s, d, &path));
    assert_true(has_error(d, path, "2:84", "'alpha' does not apply to a lognormal stake distribution"));
    mdl_scenario_free(&s);
    unlink(path);
    sim_diag_free(d);
}

static void test_verifier_config_values(void **state) {
    (void)state;
    static const struct {
        const char *q;
        uint64_t num, den;
    } quorums[] = {{"2/3", 2, 3}, {"0.75", 3, 4}, {"75%", 3, 4}, {"66.5%", 133, 200}, {"1/2", 1, 2},
                   {"6/8", 3, 4}};
    for (size_t i = 0; i < sizeof quorums / sizeof quorums[0]; i++) {
        char text[256];
        snprintf(text, sizeof text,
                 "run: {duration: 10s}\nverifiers: {count: 4}\nconsensus: {quorum: %s}\n", quorums[i].q);
        mdl_scenario s;
        sim_diag *d = sim_diag_new();
        const char *path;
        bool ok = load_text(text, &s, d, &path);
        if (!ok) sim_diag_print(d, stderr);
        assert_true(ok);
        assert_int_equal(s.consensus.bft.quorum.num, quorums[i].num);
        assert_int_equal(s.consensus.bft.quorum.den, quorums[i].den);
        assert_int_equal(s.consensus.bft.max_validators, 4);
        mdl_scenario_free(&s);
        sim_diag_free(d);
        unlink(path);
    }
    for (size_t i = 0; i < 4; i++) {
        static const char *const bad[] = {"1", "2/0", "0.4", "abc"};
        char text[256];
        snprintf(text, sizeof text,
                 "run: {duration: 10s}\nverifiers: {count: 4}\nconsensus: {quorum: %s}\n", bad[i]);
        mdl_scenario s;
        sim_diag *d = sim_diag_new();
        const char *path;
        assert_false(load_text(text, &s, d, &path));
        assert_true(has_error(d, path, "3:21", "quorum") || has_error(d, path, "3:21", "expected a quorum"));
        mdl_scenario_free(&s);
        sim_diag_free(d);
        unlink(path);
    }
    /* everything set: timeouts, limits, costs, a crash entry becomes a net crash */
    const char *text = "run: {duration: 10s}\n"
                       "verifiers:\n"
                       "  count: 6\n"
                       "  stake: [1 ETH, 2 ETH, 3 ETH, 4 ETH, 5 ETH, 0.5 ETH]\n"
                       "  watcher_delay: {min: 10ms, max: 20ms}\n"
                       "  byzantine:\n"
                       "    - {verifiers: [4, 5], behaviour: crashed, from: 2s, until: 3s}\n"
                       "    - {verifiers: 0, behaviour: equivocating, reveal: false}\n"
                       "consensus:\n"
                       "  chain_id: 9\n"
                       "  block_interval: 250ms\n"
                       "  timeouts: {propose: 2s, prevote_delta: 100ms, retransmit: 500ms}\n"
                       "  max_votes_per_extension: 8\n"
                       "  max_votes_per_block: 32\n"
                       "  attestation_window: 16\n"
                       "  commit_history: 8\n"
                       "  signatures: secp256k1\n"
                       "  sign_cost: 1ms\n"
                       "  verify_cost: 2ms\n"
                       "  synthetic_xblocks: {chains: 3, interval: 1s, messages: 0, level: finalized}\n";
    mdl_scenario s;
    sim_diag *d = sim_diag_new();
    const char *path;
    bool ok = load_text(text, &s, d, &path);
    if (!ok) sim_diag_print(d, stderr);
    assert_true(ok);
    const mdl_consensus_config *c = &s.consensus;
    assert_int_equal(s.verifiers.count, 6);
    assert_int_equal(s.verifiers.stake_model, MDL_STAKE_LIST);
    assert_int_equal(s.verifiers.stakes_gwei[5], 500000000u);
    assert_int_equal(s.verifiers.watcher_max_ns, 20 * MS);
    assert_int_equal(c->bft.chain_id, 9);
    assert_int_equal(c->bft.timeouts.commit_ns, 250 * MS);
    assert_int_equal(c->bft.timeouts.propose_ns, 2 * SEC);
    assert_int_equal(c->bft.timeouts.prevote_delta_ns, 100 * MS);
    assert_int_equal(c->bft.timeouts.prevote_ns, 1 * SEC); /* default kept */
    assert_int_equal(c->bft.timeouts.retransmit_ns, 500 * MS);
    assert_int_equal(c->bft.max_ext_votes, 8);
    assert_int_equal(c->bft.max_block_votes, 32);
    assert_int_equal(c->bft.att_window, 16);
    assert_int_equal(c->bft.commit_history, 8);
    assert_int_equal(c->sig, MDL_SIG_SECP256K1);
    assert_int_equal(c->sign_cost_ns, 1 * MS);
    assert_int_equal(c->verify_cost_ns, 2 * MS);
    assert_int_equal(c->synthetic.chains, 3);
    assert_int_equal(c->synthetic.messages, 0);
    assert_int_equal(c->synthetic.level, XR_CONF_FINALIZED);
    /* pools: two blocks' worth of every verifier's extension (2 x 6 x 8 is
    ** below the fixed floors); proposals whole */
    assert_int_equal(c->bft.pending_votes, 4096);
    assert_int_equal(c->bft.att_votes, 8192);
    assert_int_equal(c->block_part_bytes, 0);
    const mdl_byzantine_cfg *b = mdl_verifier_config_byzantine_of(&s.verifiers, 0);
    assert_non_null(b);
    assert_int_equal(b->behaviour, MDL_BEHAVIOUR_EQUIVOCATING);
    char params[32];
    mdl_byz_get(b->behaviour)->params_text(b, params, sizeof params); /* its own file's parameters */
    assert_string_equal(params, "reveal=false");
    assert_int_equal(b->until_ns, SIM_NET_NEVER);
    assert_null(mdl_verifier_config_byzantine_of(&s.verifiers, 1));
    /* the crashed entry became two network crashes, marked at the entry */
    assert_int_equal(s.net.crash_count, 2);
    assert_string_equal(s.net.crashes[1].nodes.items[0].text, "verifiers[5]");
    assert_int_equal(s.net.crashes[1].at_ns, 2 * SEC);
    assert_int_equal(s.net.crashes[1].restart_ns, 3 * SEC);
    assert_int_equal(s.net.crashes[1].mark.line, 7);
    mdl_scenario_free(&s);
    sim_diag_free(d);
    unlink(path);
    /* 100 verifiers at Omni's 256 votes per extension: 51,200 of each, unless
    ** pending_votes is set; block parts of 64 KiB */
    static const char *const sized[2] = {
        "run: {duration: 10s}\nverifiers: {count: 100}\nconsensus: {block_parts: 64 KiB}\n",
        "run: {duration: 10s}\nverifiers: {count: 100}\nconsensus: {pending_votes: 1000, block_parts: off}\n"};
    for (int k = 0; k < 2; k++) {
        d = sim_diag_new();
        ok = load_text(sized[k], &s, d, &path);
        if (!ok) sim_diag_print(d, stderr);
        assert_true(ok);
        assert_int_equal(s.consensus.bft.max_ext_votes, 256);
        assert_int_equal(s.consensus.bft.pending_votes, k == 0 ? 51200 : 1000);
        assert_int_equal(s.consensus.bft.att_votes, 51200);
        assert_int_equal(s.consensus.block_part_bytes, k == 0 ? 65536 : 0);
        mdl_scenario_free(&s);
        sim_diag_free(d);
        unlink(path);
    }
}

/* ---- whole worlds ----------------------------------------------------------- */

static const char *small_world =
    "run: {duration: 20s, seed: 5}\n"
    "network: {latency: {model: constant, value: 40ms}}\n"
    "verifiers: {count: 4}\n"
    "consensus:\n"
    "  max_votes_per_block: 64\n"
    "  max_votes_per_extension: 16\n"
    "  pending_votes: 256\n"
    "  synthetic_xblocks: {chains: 2, interval: 1s, messages: 3}\n";


static void test_verifier_four_verifiers_commit_heights(void **state) {
    (void)state;
    xrtest_world r;
    xrtest_world_open(&r, small_world, NULL, 0);
    mdl_verifiers *vs = mdl_world_verifiers(r.w);
    assert_non_null(vs);
    assert_int_equal(mdl_verifiers_count(vs), 4);
    xrtest_world_run(&r);
    /* 20 s at one block interval (1 s) plus ~3 x 40 ms per height */
    uint64_t heights = mdl_verifiers_heights(vs);
    assert_true(heights >= 15);
    uint64_t prev_ns = 0;
    for (uint64_t h = 1; h + 1 < heights; h++) {
        mdl_height_info hi;
        assert_true(mdl_verifiers_height(vs, h, &hi));
        assert_true(hi.committed);
        assert_int_equal(hi.commit_count, 4);   /* every verifier, same block */
        assert_int_equal(hi.round, 0);
        assert_true(hi.proposer < 4);
        assert_true(hi.first_commit_ns > prev_ns && hi.last_commit_ns >= hi.first_commit_ns);
        assert_true(hi.start_ns <= hi.first_commit_ns);
        /* the proposal and two rounds of votes: exactly 3 one-way delays plus CPU */
        assert_true(hi.first_commit_ns - hi.start_ns >= 120 * MS);
        assert_true(hi.first_commit_ns - hi.start_ns < 130 * MS);
        prev_ns = hi.first_commit_ns;
    }
    for (uint32_t i = 0; i < 4; i++) {
        const xr_bft *b = mdl_verifiers_bft(vs, i);
        assert_true(xr_bft_height(b) >= heights - 1);
        assert_int_equal(xr_bft_get_stats(b)->rej_sig, 0);
        assert_true(xr_bft_last_approved(b, MDL_SYNTH_CHAIN_BASE, XR_CONF_LATEST) >= 15);
    }
    mdl_world_summary sum;
    mdl_world_summary_get(r.w, &sum);
    assert_true(sum.has_consensus);
    assert_int_equal(sum.consensus.conflicts, 0);
    assert_int_equal(sum.consensus.evidence, 0);
    assert_int_equal(sum.consensus.actions_dropped, 0);
    assert_true(sum.consensus.attestations_approved >= 30);
    assert_true(sum.consensus.max_stall_ns < 2 * SEC);
    /* 2 chains, one XBlock a second each, seen by all four */
    assert_true(sum.consensus.xblocks_observed >= 38 && sum.consensus.xblocks_observed <= 40);
    xrtest_world_close(&r);
}

/* The real secp256k1 backend drives the same consensus (slower to compute,
** same simulated CPU costs). */
static void test_verifier_secp256k1_backend_commits(void **state) {
    (void)state;
    static const char *const sets[] = {"consensus.signatures=secp256k1", "run.duration=8s"};
    xrtest_world r;
    xrtest_world_open(&r, small_world, sets, 2);
    xrtest_world_run(&r);
    mdl_world_summary sum;
    mdl_world_summary_get(r.w, &sum);
    assert_true(sum.consensus.heights_committed >= 6);
    assert_int_equal(sum.consensus.conflicts, 0);
    assert_true(sum.consensus.attestations_approved >= 8);
    mdl_verifiers *vs = mdl_world_verifiers(r.w);
    for (uint32_t i = 0; i < 4; i++) assert_int_equal(xr_bft_get_stats(mdl_verifiers_bft(vs, i))->rej_sig, 0);
    xrtest_world_close(&r);
}

static void test_verifier_wrapper_charges_cpu_per_signature(void **state) {
    (void)state;
    static const char *const sets[] = {"consensus.sign_cost=3us", "consensus.verify_cost=7us"};
    xrtest_world r;
    xrtest_world_open(&r, small_world, sets, 2);
    xrtest_world_run(&r);
    mdl_verifiers *vs = mdl_world_verifiers(r.w);
    for (uint32_t i = 0; i < 4; i++) {
        uint64_t sg, vf;
        mdl_verifiers_sig_calls(vs, i, &sg, &vf);
        assert_true(sg > 20 && vf > 100);
        /* signatures are the only CPU a verifier is charged for */
        const sim_net_node_stats *ns = sim_net_stats_node(mdl_world_net(r.w), mdl_verifiers_node(vs, i));
        assert_int_equal(ns->busy_ns, sg * 3000u + vf * 7000u);
    }
    xrtest_world_close(&r);

    /* A slow verifier CPU stretches every height: at 20 ms per check each
    ** node spends ~3 x 20 ms on the votes of a height (and more on the
    ** proposal's attestation votes), so heights take longer than at 7 us. */
    static const char *const slow[] = {"consensus.verify_cost=20ms", "run.duration=30s"};
    static const char *const fast[] = {"consensus.verify_cost=7us", "run.duration=30s"};
    mdl_world_summary a, b;
    xrtest_world_open(&r, small_world, fast, 2);
    xrtest_world_run(&r);
    mdl_world_summary_get(r.w, &a);
    xrtest_world_close(&r);
    xrtest_world_open(&r, small_world, slow, 2);
    xrtest_world_run(&r);
    mdl_world_summary_get(r.w, &b);
    xrtest_world_close(&r);
    assert_true(b.consensus.commit_p50_ns >= a.consensus.commit_p50_ns + 60 * MS);
    assert_true(b.consensus.heights_committed < a.consensus.heights_committed);
}

typedef struct ev_seen {
    const mdl_verifiers *vs;
    uint32_t byz;
    int count;
    int bad;
} ev_seen;

static void count_evidence(void *ctx, uint32_t verifier, uint64_t now_ns, const xr_action_evidence *e) {
    (void)now_ns;
    ev_seen *s = ctx;
    if (!mdl_verifiers_is_honest(s->vs, verifier)) return;
    xr_evidence ed;
    int rc = xr_evidence_verify(e->bytes.ptr, e->bytes.len, mdl_verifiers_sig(s->vs),
                                mdl_verifiers_valset(s->vs), &ed);
    if (rc != 0 || memcmp(ed.offender, mdl_verifiers_address(s->vs, s->byz)->bytes, 20) != 0) s->bad++;
    s->count++;
}

static void test_verifier_byzantine_strategies(void **state) {
    (void)state;
    /* silent and equivocating at once (2 of 7, below a third), a crash */
    static const char *const sets[] = {
        "verifiers.count=7",
        "verifiers.byzantine=[{verifiers: 1, behaviour: silent, from: 5s, until: 15s},"
        " {verifiers: 3, behaviour: equivocating, from: 2s}]",
        "network.crashes=[{node: \"verifiers[5]\", at: 8s, restart: 10s}]",
    };
    xrtest_world r;
    xrtest_world_open(&r, small_world, sets, 3);
    mdl_verifiers *vs = mdl_world_verifiers(r.w);
    ev_seen seen = {vs, 3, 0, 0};
    mdl_verifier_hooks hooks = {.on_evidence = count_evidence, .ctx = &seen};
    mdl_verifiers_set_hooks(vs, &hooks);
    xrtest_world_run(&r);
    assert_false(mdl_verifiers_is_honest(vs, 1));
    assert_true(mdl_verifiers_is_honest(vs, 5));
    mdl_world_summary sum;
    mdl_world_summary_get(r.w, &sum);
    const mdl_consensus_summary *c = &sum.consensus;
    assert_int_equal(c->byzantine, 2);
    assert_int_equal(c->conflicts, 0);
    assert_true(mdl_verifiers_counter_total(vs, "suppressed") > 0);
    assert_true(mdl_verifiers_counter_total(vs, "twin") > 0);
    assert_true(c->evidence > 0);
    assert_int_equal(c->offenders, 1);
    assert_true(seen.count > 0);
    assert_int_equal(seen.bad, 0);
    for (size_t k = 0; k < mdl_verifiers_evidence_count(vs); k++) {
        mdl_evidence_info e;
        assert_true(mdl_verifiers_evidence(vs, k, &e));
        assert_int_equal(e.kind, XR_EVIDENCE_DUPLICATE_VOTE);
        assert_int_equal(e.offender, 3);
        assert_true(e.first_ns >= 2 * SEC);
        assert_true(e.detectors >= 1);
    }
    /* the crashed honest node caught up after its restart */
    assert_true(xr_bft_height(mdl_verifiers_bft(vs, 5)) + 1 >= mdl_verifiers_heights(vs));
    /* the silent one sent nothing in its window: its votes are missing */
    xrtest_world_close(&r);
}

static void test_verifier_stake_models(void **state) {
    (void)state;
    static const char *const models[] = {
        "verifiers.stake={distribution: uniform, min: 32 ETH, max: 64 ETH}",
        "verifiers.stake={distribution: lognormal, median: 100 ETH, sigma: 1.0, max: 1000 ETH}",
        "verifiers.stake={distribution: pareto, min: 32 ETH, alpha: 1.2, max: 5000 ETH}",
    };
    static const uint64_t lo[] = {32, 1, 32}, hi[] = {64, 1000, 5000};
    for (size_t m = 0; m < 3; m++) {
        const char *sets[] = {models[m], "verifiers.count=40", "run.duration=1s"};
        xrtest_world r;
        xrtest_world_open(&r, small_world, sets, 3);
        mdl_verifiers *vs = mdl_world_verifiers(r.w);
        uint64_t total = 0, distinct = 0, first = mdl_verifiers_power(vs, 0);
        for (uint32_t i = 0; i < 40; i++) {
            uint64_t p = mdl_verifiers_power(vs, i);
            assert_true(p >= lo[m] * 1000000000u || m == 1);
            assert_true(p <= hi[m] * 1000000000u);
            total += p;
            if (p != first) distinct++;
        }
        assert_true(distinct > 30);
        assert_int_equal(mdl_verifiers_valset(vs)->total_power, total);
        xrtest_world_close(&r);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verifier_config_errors_at_their_place),
        cmocka_unit_test(test_verifier_config_values),
        cmocka_unit_test(test_verifier_four_verifiers_commit_heights),
        cmocka_unit_test(test_verifier_secp256k1_backend_commits),
        cmocka_unit_test(test_verifier_wrapper_charges_cpu_per_signature),
        cmocka_unit_test(test_verifier_byzantine_strategies),
        cmocka_unit_test(test_verifier_stake_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
