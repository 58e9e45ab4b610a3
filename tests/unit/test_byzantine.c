/*
** Tests of the Byzantine behaviours of the verifier host (models/verifier.c)
** and their configuration (models/verifier_config.c): targets (lists and
** stake_fraction prefixes), triggers (window, probability, heights), the
** delayed, conflicting_attestations, censor, lazy and forge behaviours in
** short simulations with literal seeds, combinations on one verifier,
** configuration errors at file:line:col, and the results rows.
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

#include "an_schema.h"
#include "world/scenario.h"
#include "verifiers/byzantine/byzantine.h"
#include "verifiers/verifier.h"
#include "world/world.h"
#include "xr_evidence.h"
#include "xr_keccak.h"

#define SEC UINT64_C(1000000000)
#define MS UINT64_C(1000000)

/* ---- helpers ------------------------------------------------------------------ */

static bool has_error(const sim_diag *d, const char *path, const char *where, const char *what) {
    char prefix[256];
    snprintf(prefix, sizeof prefix, "%s:%s: error: %s", path, where, what);
    for (size_t i = 0; i < sim_diag_count(d); i++)
        if (strncmp(sim_diag_message(d, i), prefix, strlen(prefix)) == 0) return true;
    return false;
}


/* Sum of one counter over the (verifier, entry) pairs of behaviour b:
** the trigger's draws or fired, or a counter the behaviour names. */
#define C_DRAWS "(draws)"
#define C_FIRED "(fired)"
#define C_DELAYED "delayed"
#define C_WITHHELD "withheld"
#define C_LAZY "lazy_sign"
#define C_FORGED "forged_sign"

static uint64_t byz_sum(const mdl_verifiers *vs, mdl_behaviour b, const char *c) {
    uint64_t sum = 0;
    for (size_t k = 0; k < mdl_verifiers_byzantine_count(vs); k++) {
        mdl_byzantine_info in;
        assert_true(mdl_verifiers_byzantine(vs, k, &in));
        if (in.behaviour != b) continue;
        sum += strcmp(c, C_DRAWS) == 0   ? in.counters.draws
               : strcmp(c, C_FIRED) == 0 ? in.counters.fired
                                         : mdl_byzantine_counter(&in, c);
    }
    return sum;
}

static const char *world4 =
    "run: {duration: 20s, seed: 5}\n"
    "network: {latency: {model: constant, value: 40ms}}\n"
    "verifiers: {count: 4}\n"
    "consensus:\n"
    "  max_votes_per_block: 64\n"
    "  max_votes_per_extension: 16\n"
    "  pending_votes: 256\n"
    "  synthetic_xblocks: {chains: 2, interval: 1s, messages: 3}\n";

/* ---- configuration ------------------------------------------------------------------ */

static void test_byzantine_config_errors_at_their_place(void **state) {
    (void)state;
    const char *text =
        "run: {duration: 10s}\n"
        "verifiers:\n"
        "  count: 5\n"
        "  byzantine:\n"
        "    - {verifiers: [1], behaviour: silent, delay: 2s}\n"
        "    - {verifiers: [1, 1], behaviour: delayed}\n"
        "    - {verifiers: 2, behaviour: crashed, probability: 0.5}\n"
        "    - {verifiers: 2, behaviour: equivocating, probability: 1.5}\n"
        "    - {verifiers: 3, stake_fraction: 0.5, behaviour: lazy}\n"
        "    - {behaviour: forge}\n"
        "    - {verifiers: 4, behaviour: censor}\n"
        "    - {verifiers: 4, behaviour: censor, chain: 7, heights: {from: 5, to: 2}}\n"
        "    - {stake_fraction: 0, behaviour: silent, rounds: [], colour: red}\n";
    sim_diag *d = sim_diag_new();
    const char *path = xrtest_temp_yaml(text);
    mdl_scenario s;
    assert_false(mdl_scenario_load(&s, path, NULL, 0, d));
    assert_true(has_error(d, path, "5:43", "'delay' does not apply to behaviour silent"));
    assert_true(has_error(d, path, "6:23", "verifier 1 is listed twice in this entry"));
    assert_true(has_error(d, path, "6:7", "missing required key 'delay'"));
    assert_true(has_error(d, path, "7:42", "'probability' does not apply to behaviour crashed"));
    assert_true(has_error(d, path, "8:60", "probability 1.5 out of range [0, 1]"));
    assert_true(has_error(d, path, "9:38", "give either 'verifiers' or 'stake_fraction'"));
    assert_true(has_error(d, path, "10:7", "a Byzantine entry needs 'verifiers' or 'stake_fraction'"));
    assert_true(has_error(d, path, "11:7", "censor needs exactly one of 'chain: <id>'"));
    assert_true(has_error(d, path, "12:74", "'to' must not be below 'from' in heights"));
    assert_true(has_error(d, path, "13:24", "stake_fraction 0 out of range (0, 1]"));
    assert_true(has_error(d, path, "13:54", "expected a non-empty list for rounds"));
    assert_true(has_error(d, path, "13:58", "unknown key 'colour' in a Byzantine entry"));
    mdl_scenario_free(&s);
    unlink(path);

    /* crashed over drawn stakes cannot pick its prefix before the run */
    sim_diag_clear(d);
    path = xrtest_temp_yaml("run: {duration: 10s}\n"
                     "verifiers:\n"
                     "  count: 5\n"
                     "  stake: {distribution: uniform, min: 32 ETH, max: 64 ETH}\n"
                     "  byzantine: [{stake_fraction: 1/3, behaviour: crashed}]\n");
    assert_false(mdl_scenario_load(&s, path, NULL, 0, d));
    assert_true(has_error(d, path, "5:32", "crashed with stake_fraction needs fixed stakes"));
    mdl_scenario_free(&s);
    unlink(path);
    sim_diag_free(d);
}

static void test_byzantine_config_values_and_trigger_text(void **state) {
    (void)state;
    const char *text = "run: {duration: 10s}\n"
                       "verifiers:\n"
                       "  count: 4\n"
                       "  stake: [10 ETH, 20 ETH, 30 ETH, 40 ETH]\n"
                       "  byzantine:\n"
                       "    - {stake_fraction: 0.34, behaviour: censor, route: {from: 100, to: 101}}\n"
                       "    - {stake_fraction: 30%, behaviour: delayed, delay: 1500ms, from: 2s,"
                       " until: 1min, probability: 1/4, heights: [3, 7], rounds: {from: 0, to: 2}}\n"
                       "    - {stake_fraction: 1/10, behaviour: crashed, from: 1s, until: 2s}\n"
                       "    - {verifiers: [1], behaviour: silent, heights: {from: 4, to: 9}}\n";
    sim_diag *d = sim_diag_new();
    const char *path = xrtest_temp_yaml(text);
    mdl_scenario s;
    bool ok = mdl_scenario_load(&s, path, NULL, 0, d);
    if (!ok) sim_diag_print(d, stderr);
    assert_true(ok);
    const mdl_verifier_config *vc = &s.verifiers;
    assert_int_equal(vc->byzantine_count, 4);
    /* prefix sums 10, 30, 60, 100 ETH */
    assert_int_equal(vc->byzantine[0].verifier_count, 3); /* 60 >= 34 */
    char params[96];
    /* a behaviour's parameters are its own file's: read them as the results do */
    mdl_byz_get(vc->byzantine[0].behaviour)->params_text(&vc->byzantine[0], params, sizeof params);
    assert_string_equal(params, "route=100->101");
    assert_int_equal(vc->byzantine[1].verifier_count, 2); /* 30 >= 30 */
    mdl_byz_get(vc->byzantine[1].behaviour)->params_text(&vc->byzantine[1], params, sizeof params);
    assert_string_equal(params, "delay_ns=1500000000");
    assert_int_equal(vc->byzantine[2].verifier_count, 1);
    /* the crash entry found its verifier while loading */
    assert_int_equal(s.net.crash_count, 1);
    assert_string_equal(s.net.crashes[0].nodes.items[0].text, "verifiers[0]");
    /* verifier 1 is in three entries; the first that targets it */
    assert_int_equal(mdl_verifier_config_byzantine_of(vc, 1)->behaviour, MDL_BEHAVIOUR_CENSOR);
    assert_null(mdl_verifier_config_byzantine_of(vc, 3));
    char t[256];
    mdl_verifier_config_trigger_text(&vc->byzantine[1], t, sizeof t);
    assert_string_equal(t, "from 2s until 1min; probability 1/4; heights 3,7; rounds 0-2");
    mdl_verifier_config_trigger_text(&vc->byzantine[0], t, sizeof t);
    assert_string_equal(t, "always");
    mdl_verifier_config_trigger_text(&vc->byzantine[3], t, sizeof t);
    assert_string_equal(t, "heights 4-9");
    mdl_verifier_config_trigger_text(&vc->byzantine[3], t, 10);
    assert_string_equal(t, "height...");
    assert_int_equal(mdl_verifier_config_fraction_prefix((const uint64_t[]){5, 5, 5}, 3, 2, 3), 2);
    assert_int_equal(mdl_verifier_config_fraction_prefix((const uint64_t[]){5, 5, 5}, 3, 1, 1), 3);
    assert_int_equal(mdl_verifier_config_fraction_prefix((const uint64_t[]){1, 1, 98}, 3, 1, 50), 2);
    assert_int_equal(mdl_verifier_config_fraction_prefix((const uint64_t[]){1, 1, 98}, 3, 1, 100), 1);
    assert_int_equal(mdl_verifier_config_fraction_prefix((const uint64_t[]){1, 1, 98}, 3, 3, 100), 3);
    mdl_scenario_free(&s);
    unlink(path);
    sim_diag_free(d);
}

/* With drawn stakes the host picks the prefix from the drawn powers. */
static void test_byzantine_stake_fraction_over_drawn_stakes(void **state) {
    (void)state;
    static const char *const sets[] = {
        "verifiers.count=12", "run.duration=2s",
        "verifiers.stake={distribution: pareto, min: 32 ETH, alpha: 1.1, max: 5000 ETH}",
        "verifiers.byzantine=[{stake_fraction: 0.5, behaviour: silent},"
        " {verifiers: [0, 11], behaviour: delayed, delay: 1s}]"};
    for (uint64_t seed = 1; seed <= 3; seed++) {
        char seed_set[32];
        snprintf(seed_set, sizeof seed_set, "run.seed=%llu", (unsigned long long)seed);
        const char *all[] = {sets[0], sets[1], sets[2], sets[3], seed_set};
        xrtest_world r;
        xrtest_world_open(&r, world4, all, 5);
        mdl_verifiers *vs = mdl_world_verifiers(r.w);
        uint64_t total = 0;
        for (uint32_t i = 0; i < 12; i++) total += mdl_verifiers_power(vs, i);
        uint32_t k = 0;
        uint64_t sum = 0;
        while (2u * sum < total) sum += mdl_verifiers_power(vs, k++);
        /* rows: silent for 0..k-1, delayed for 0 and 11, by verifier then entry */
        size_t silent = 0, delayed = 0;
        for (size_t j = 0; j < mdl_verifiers_byzantine_count(vs); j++) {
            mdl_byzantine_info in;
            assert_true(mdl_verifiers_byzantine(vs, j, &in));
            if (in.behaviour == MDL_BEHAVIOUR_SILENT) {
                assert_int_equal(in.verifier, silent);
                assert_int_equal(in.entry, 0);
                silent++;
            } else {
                assert_int_equal(in.entry, 1);
                assert_true(in.verifier == 0 || in.verifier == 11);
                delayed++;
            }
        }
        assert_int_equal(silent, k);
        assert_int_equal(delayed, 2);
        for (uint32_t i = 0; i < 12; i++) assert_int_equal(mdl_verifiers_is_honest(vs, i), i >= k && i != 11);
        char beh[160];
        mdl_verifiers_behaviours(vs, 0, beh, sizeof beh);
        assert_string_equal(beh, "silent,delayed");
        mdl_verifiers_behaviours(vs, 11, beh, sizeof beh);
        assert_string_equal(beh, k == 12 ? "silent,delayed" : "delayed");
        xrtest_world_close(&r);
    }
}

/* ---- behaviours in simulation ---------------------------------------------------------- */

static void test_byzantine_delayed_votes_slow_heights_but_stay_safe(void **state) {
    (void)state;
    mdl_world_summary honest, slow;
    xrtest_world r;
    xrtest_world_open(&r, world4, NULL, 0);
    xrtest_world_run(&r);
    mdl_world_summary_get(r.w, &honest);
    xrtest_world_close(&r);
    /* two of four delayed: every quorum needs a late vote */
    static const char *const sets[] = {
        "verifiers.byzantine=[{verifiers: [0, 1], behaviour: delayed, delay: 500ms}]"};
    xrtest_world_open(&r, world4, sets, 1);
    xrtest_world_run(&r);
    mdl_world_summary_get(r.w, &slow);
    mdl_verifiers *vs = mdl_world_verifiers(r.w);
    assert_true(byz_sum(vs, MDL_BEHAVIOUR_DELAYED, C_DELAYED) > 100);
    assert_int_equal(mdl_verifiers_counter_total(vs, "delayed"), byz_sum(vs, MDL_BEHAVIOUR_DELAYED, C_DELAYED));
    xrtest_world_close(&r);
    assert_int_equal(slow.consensus.conflicts, 0);
    assert_int_equal(slow.consensus.approval_conflicts, 0);
    assert_true(slow.consensus.heights_committed >= 5);
    assert_true(slow.consensus.heights_committed < honest.consensus.heights_committed);
    assert_true(slow.consensus.commit_p50_ns >= honest.consensus.commit_p50_ns + 400 * MS);

    /* with probability 1/2 about half the messages are held back */
    static const char *const half[] = {
        "verifiers.byzantine=[{verifiers: [0], behaviour: delayed, delay: 300ms, probability: 1/2}]"};
    xrtest_world_open(&r, world4, half, 1);
    xrtest_world_run(&r);
    vs = mdl_world_verifiers(r.w);
    uint64_t draws = byz_sum(vs, MDL_BEHAVIOUR_DELAYED, C_DRAWS);
    uint64_t fired = byz_sum(vs, MDL_BEHAVIOUR_DELAYED, C_FIRED);
    assert_true(draws >= 30); /* about two broadcasts per height */
    assert_true(4 * fired > draws && 4 * fired < 3 * draws);
    xrtest_world_close(&r);
}

typedef struct ev_log {
    const mdl_verifiers *vs;
    int attest, duplicate, bad;
    uint32_t offender;
} ev_log;

static void log_evidence(void *ctx, uint32_t verifier, uint64_t now_ns, const xr_action_evidence *e) {
    (void)now_ns;
    ev_log *l = ctx;
    if (!mdl_verifiers_is_honest(l->vs, verifier)) return;
    xr_evidence ed;
    int rc = xr_evidence_verify(e->bytes.ptr, e->bytes.len, mdl_verifiers_sig(l->vs), mdl_verifiers_valset(l->vs), &ed);
    if (rc != 0 || memcmp(ed.offender, mdl_verifiers_address(l->vs, l->offender)->bytes, 20) != 0) l->bad++;
    if (e->kind == XR_EVIDENCE_ATTEST_CONFLICT) l->attest++;
    if (e->kind == XR_EVIDENCE_DUPLICATE_VOTE) l->duplicate++;
}

static void test_byzantine_conflicting_attestations_become_evidence(void **state) {
    (void)state;
    static const char *const seeds[] = {"run.seed=1", "run.seed=2", "run.seed=3"};
    for (size_t s = 0; s < 3; s++) {
        const char *sets[] = {"verifiers.count=7", "run.duration=12s", seeds[s],
                              "verifiers.byzantine=[{verifiers: 2, behaviour: conflicting_attestations,"
                              " from: 3s}]"};
        xrtest_world r;
        xrtest_world_open(&r, world4, sets, 4);
        mdl_verifiers *vs = mdl_world_verifiers(r.w);
        ev_log log = {vs, 0, 0, 0, 2};
        mdl_verifier_hooks hooks = {.on_evidence = log_evidence, .ctx = &log};
        mdl_verifiers_set_hooks(vs, &hooks);
        xrtest_world_run(&r);
        mdl_world_summary sum;
        mdl_world_summary_get(r.w, &sum);
        assert_true(mdl_verifiers_counter_total(vs, "conflicting_vote") > 0);
        assert_true(mdl_verifiers_counter_total(vs, "twin") > 0);
        assert_true(log.attest > 0);
        assert_int_equal(log.duplicate, 0);
        assert_int_equal(log.bad, 0);
        assert_int_equal(sum.consensus.offenders, 1);
        for (size_t k = 0; k < mdl_verifiers_evidence_count(vs); k++) {
            mdl_evidence_info e;
            assert_true(mdl_verifiers_evidence(vs, k, &e));
            assert_int_equal(e.kind, XR_EVIDENCE_ATTEST_CONFLICT);
            assert_int_equal(e.offender, 2);
            assert_true(e.first_ns >= 3 * SEC);
        }
        /* one offender below a third: honest approvals stay consistent */
        assert_int_equal(sum.consensus.approval_conflicts, 0);
        assert_int_equal(sum.consensus.conflicts, 0);
        assert_true(sum.consensus.attestations_approved > 10);
        xrtest_world_close(&r);
    }
}

/* Last approved offset per synthetic chain (100, 101, 102) of an honest core. */
static void last_approved(const mdl_verifiers *vs, uint32_t honest, uint64_t out[3]) {
    for (uint32_t c = 0; c < 3; c++)
        out[c] = xr_bft_last_approved(mdl_verifiers_bft(vs, honest), MDL_SYNTH_CHAIN_BASE + c, XR_CONF_LATEST);
}

static void test_byzantine_censor_stalls_a_chain_above_a_third_only(void **state) {
    (void)state;
    static const char *const base[] = {"verifiers.count=6", "run.duration=15s",
                                       "consensus.synthetic_xblocks={chains: 3, interval: 1s, messages: 2}"};
    static const char *const cases[] = {
        /* 3 of 6 (> 1/3): chain 100 stalls, the others go on */
        "verifiers.byzantine=[{verifiers: [0, 1, 2], behaviour: censor, chain: 100}]",
        /* the same by route: every XBlock of chain 100 holds a message to 101 */
        "verifiers.byzantine=[{stake_fraction: 0.5, behaviour: censor, route: {from: 100, to: 101}}]",
        /* 1 of 6 (< 1/3): nothing stalls */
        "verifiers.byzantine=[{verifiers: [0], behaviour: censor, chain: 100}]",
    };
    for (size_t k = 0; k < 3; k++) {
        const char *sets[] = {base[0], base[1], base[2], cases[k], "run.seed=11"};
        xrtest_world r;
        xrtest_world_open(&r, world4, sets, 5);
        xrtest_world_run(&r);
        mdl_verifiers *vs = mdl_world_verifiers(r.w);
        uint64_t last[3];
        last_approved(vs, 5, last);
        uint64_t withheld = byz_sum(vs, MDL_BEHAVIOUR_CENSOR, C_WITHHELD);
        mdl_world_summary sum;
        mdl_world_summary_get(r.w, &sum);
        assert_int_equal(mdl_verifiers_counter_total(vs, "withheld"), withheld);
        assert_true(last[1] >= 10 && last[2] >= 10);
        if (k < 2) {
            assert_int_equal(last[0], 0);
            assert_true(withheld >= 3 * 12);
        } else {
            assert_true(last[0] >= 10);
            assert_true(withheld >= 12);
        }
        xrtest_world_close(&r);
    }
}

/* partial (one file, byzantine/partial.c, and one table line): a verifier
** that skips the XBlocks its trigger fires on.  Above a third of the power
** skipping everything stalls every chain; one verifier skipping half of
** them stalls nothing, and it skips about half. */
static void test_byzantine_partial_signs_only_some(void **state) {
    (void)state;
    static const char *const base[] = {"verifiers.count=6", "run.duration=15s",
                                       "consensus.synthetic_xblocks={chains: 3, interval: 1s, messages: 2}"};
    static const char *const cases[] = {
        "verifiers.byzantine=[{verifiers: [0, 1, 2], behaviour: partial, from: 5s}]",
        "verifiers.byzantine=[{verifiers: [0], behaviour: partial, probability: 1/2}]",
    };
    for (size_t k = 0; k < 2; k++) {
        const char *sets[] = {base[0], base[1], base[2], cases[k], "run.seed=11"};
        xrtest_world r;
        xrtest_world_open(&r, world4, sets, 5);
        xrtest_world_run(&r);
        mdl_verifiers *vs = mdl_world_verifiers(r.w);
        mdl_behaviour partial = MDL_BEHAVIOUR_HONEST;
        for (uint32_t b = 1; b < mdl_byz_count(); b++)
            if (strcmp(mdl_behaviour_name((mdl_behaviour)b), "partial") == 0) partial = (mdl_behaviour)b;
        assert_int_not_equal(partial, MDL_BEHAVIOUR_HONEST);
        uint64_t last[3];
        last_approved(vs, 5, last);
        uint64_t skipped = byz_sum(vs, partial, "skipped");
        mdl_world_summary sum;
        mdl_world_summary_get(r.w, &sum);
        assert_int_equal(sum.consensus.conflicts, 0);
        if (k == 0) {
            /* what was signed before 5 s is approved, nothing after */
            for (int c = 0; c < 3; c++) assert_true(last[c] >= 2 && last[c] <= 5);
            assert_true(skipped >= 3 * 3 * 9);
        } else {
            for (int c = 0; c < 3; c++) assert_true(last[c] >= 12);
            uint64_t draws = byz_sum(vs, partial, C_DRAWS), fired = byz_sum(vs, partial, C_FIRED);
            assert_true(draws >= 3 * 13);
            assert_int_equal(skipped, fired);
            assert_true(fired > draws / 4 && fired < 3 * draws / 4);
        }
        xrtest_world_close(&r);
    }
}

/* A feeder of one finalized-level chain (id 300) for lazy and forge tests:
** every second an XBlock; lazy mode announces it provisionally 3 s before
** the real observation (every 4th offset provisionally with another root,
** as after a reorg); forge mode registers a forged root for offset 3. */
typedef struct feeder {
    mdl_verifiers *vs;
    sim_engine *e;
    uint32_t kind;
    bool lazy, forge;
    uint64_t offset;
    bool forged;                 /* forge mode: offset 3's forgery exists */
    xr_xheader forged_h;
    xr_hash forged_root;
    /* approvals seen by honest verifier `watch` */
    uint32_t watch;
    uint8_t approved_root[16][32];
    bool approved[16];
} feeder;

enum { FEED_EMIT = 1, FEED_REAL = 2 };

static void feed_header(const feeder *f, uint64_t offset, xr_xheader *h) {
    memset(h, 0, sizeof *h);
    h->source_chain_id = 300;
    h->consensus_chain_id = mdl_verifiers_chain_id(f->vs);
    h->conf_level = XR_CONF_FINALIZED;
    h->offset = offset;
    h->source_block_height = offset;
    h->source_block_hash.bytes[0] = (uint8_t)offset;
}

static void feed_root(uint64_t offset, const char *what, xr_hash *out) {
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%s:%llu", what, (unsigned long long)offset);
    xr_keccak256((const uint8_t *)buf, (size_t)n, out->bytes);
}

static void feed(void *ctx, sim_engine *e, const sim_event *ev) {
    feeder *f = ctx;
    uint64_t now = sim_now_ns(e);
    xr_xheader h;
    xr_hash root;
    if (ev->arg == FEED_REAL) {
        feed_header(f, ev->node, &h);
        feed_root(ev->node, "real", &root);
        mdl_verifiers_observe(f->vs, &h, &root, now);
        return;
    }
    uint64_t o = ++f->offset;
    feed_header(f, o, &h);
    feed_root(o, o % 4 == 0 ? "reorged" : "real", &root);
    if (f->lazy) {
        mdl_verifiers_observe_provisional(f->vs, &h, &root, now);
        assert_true(sim_schedule_at(e, now + 3 * SEC, f->kind, (uint32_t)o, FEED_REAL) != 0);
    } else {
        if (f->forge && o == 3) {
            f->forged = true;
            f->forged_h = h;
            feed_root(o, "forged", &f->forged_root);
        }
        feed_root(o, "real", &root);
        mdl_verifiers_observe(f->vs, &h, &root, now);
    }
    if (o < 12) assert_true(sim_schedule_at(e, now + SEC, f->kind, 0, FEED_EMIT) != 0);
}

static void feed_approved(void *ctx, uint32_t verifier, uint64_t now_ns, const xr_action_approved *a) {
    (void)now_ns;
    feeder *f = ctx;
    if (verifier != f->watch || a->header.source_chain_id != 300 || a->header.offset >= 16) return;
    f->approved[a->header.offset] = true;
    memcpy(f->approved_root[a->header.offset], a->root.bytes, 32);
}

/* The feeder's coalition: offset 3's forgery, once it exists. */
static bool feed_forgery(void *ctx, const xr_xheader *h, xr_xheader *h_out, xr_hash *root_out) {
    const feeder *f = ctx;
    if (!f->forged || h->source_chain_id != f->forged_h.source_chain_id || h->conf_level != f->forged_h.conf_level ||
        h->offset != f->forged_h.offset)
        return false;
    *h_out = f->forged_h;
    *root_out = f->forged_root;
    return true;
}

static void feeder_start(feeder *f, xrtest_world *r, uint32_t watch) {
    memset(f, 0, sizeof *f);
    f->vs = mdl_world_verifiers(r->w);
    f->e = mdl_world_engine(r->w);
    f->watch = watch;
    f->kind = sim_engine_register(f->e, "test.feed", feed, f);
    assert_true(sim_schedule_at(f->e, 500 * MS, f->kind, 0, FEED_EMIT) != 0);
    mdl_verifier_hooks hooks = {.on_approved = feed_approved, .ctx = f};
    mdl_verifiers_set_hooks(f->vs, &hooks);
    mdl_verifiers_set_forger(f->vs, feed_forgery, f);
}

/* The attestation root the core computes for the feeder's XBlock. */
static void feed_att_root(const feeder *f, uint64_t offset, const char *what, uint8_t out[32]) {
    xr_xheader h;
    feed_header(f, offset, &h);
    xr_att_vote v;
    memset(&v, 0, sizeof v);
    v.header = h;
    feed_root(offset, what, &v.msg_root);
    xr_att_vote_compute_root(&v);
    memcpy(out, v.root.bytes, 32);
}

static const char *quiet9 = "run: {duration: 20s, seed: 3}\n"
                            "network: {latency: {model: constant, value: 30ms}}\n"
                            "verifiers: {count: 9}\n";

static void test_byzantine_lazy_signs_provisional_honest_do_not(void **state) {
    (void)state;
    /* 7 of 9 lazy (above the quorum): the provisional roots are approved,
    ** the reorged ones included -- they signed without looking */
    static const char *const sets[] = {"verifiers.byzantine=[{stake_fraction: 7/9, behaviour: lazy}]"};
    xrtest_world r;
    feeder f;
    xrtest_world_open(&r, quiet9, sets, 1);
    feeder_start(&f, &r, 8);
    f.lazy = true;
    xrtest_world_run(&r);
    assert_int_equal(byz_sum(f.vs, MDL_BEHAVIOUR_LAZY, C_LAZY), 7 * 12);
    mdl_world_summary sum;
    mdl_world_summary_get(r.w, &sum);
    assert_int_equal(mdl_verifiers_counter_total(f.vs, "lazy_sign"), 7 * 12);
    for (uint64_t o = 1; o <= 12; o++) {
        uint8_t want[32];
        feed_att_root(&f, o, o % 4 == 0 ? "reorged" : "real", want);
        assert_true(f.approved[o]);
        assert_memory_equal(f.approved_root[o], want, 32);
    }
    xrtest_world_close(&r);

    /* all honest: provisional announcements are ignored, the real roots win */
    xrtest_world_open(&r, quiet9, NULL, 0);
    feeder_start(&f, &r, 8);
    f.lazy = true;
    xrtest_world_run(&r);
    assert_int_equal(mdl_verifiers_byzantine_count(f.vs), 0);
    for (uint64_t o = 1; o <= 12; o++) {
        uint8_t want[32];
        feed_att_root(&f, o, "real", want);
        assert_true(f.approved[o]);
        assert_memory_equal(f.approved_root[o], want, 32);
    }
    xrtest_world_close(&r);
}

static void test_byzantine_forge_thresholds(void **state) {
    (void)state;
    /* 9 equal verifiers, quorum "more than 2/3": 7 forgers approve the forged
    ** root; 4 (above 1/3, below the quorum) block offset 3 and everything
    ** after it; 2 (below 1/3) cannot stop the real root */
    static const struct {
        const char *set;
        uint32_t coalition;
    } cases[] = {
        {"verifiers.byzantine=[{stake_fraction: 0.75, behaviour: forge}]", 7},
        {"verifiers.byzantine=[{stake_fraction: 0.4, behaviour: forge}]", 4},
        {"verifiers.byzantine=[{stake_fraction: 0.2, behaviour: forge}]", 2},
    };
    static const char *const seeds[] = {"run.seed=3", "run.seed=4"};
    for (size_t s = 0; s < 2; s++) {
        for (size_t k = 0; k < 3; k++) {
            const char *sets[] = {cases[k].set, seeds[s]};
            xrtest_world r;
            feeder f;
            xrtest_world_open(&r, quiet9, sets, 2);
            feeder_start(&f, &r, 8);
            f.forge = true;
            xrtest_world_run(&r);
            assert_int_equal(byz_sum(f.vs, MDL_BEHAVIOUR_FORGE, C_FORGED), cases[k].coalition);
            uint8_t real[32], forged[32];
            feed_att_root(&f, 3, "real", real);
            feed_att_root(&f, 3, "forged", forged);
            assert_true(f.approved[2]);
            if (k == 0) {
                assert_true(f.approved[3]);
                assert_memory_equal(f.approved_root[3], forged, 32);
                assert_true(f.approved[12]);
            } else if (k == 1) {
                assert_false(f.approved[3]);
                assert_false(f.approved[4]);
            } else {
                assert_true(f.approved[3]);
                assert_memory_equal(f.approved_root[3], real, 32);
                assert_true(f.approved[12]);
            }
            mdl_world_summary sum;
            mdl_world_summary_get(r.w, &sum);
            assert_int_equal(mdl_verifiers_counter_total(f.vs, "forged_sign"), cases[k].coalition);
            assert_int_equal(sum.consensus.conflicts, 0);
            xrtest_world_close(&r);
        }
    }
}

/* ---- triggers and combinations --------------------------------------------------------- */

static void test_byzantine_triggers_and_combinations(void **state) {
    (void)state;
    /* equivocation only at heights 4..6: every duplicate vote is there */
    static const char *const eq[] = {
        "verifiers.count=7",
        "verifiers.byzantine=[{verifiers: 3, behaviour: equivocating, heights: {from: 4, to: 6}}]"};
    xrtest_world r;
    xrtest_world_open(&r, world4, eq, 2);
    xrtest_world_run(&r);
    mdl_verifiers *vs = mdl_world_verifiers(r.w);
    assert_true(mdl_verifiers_evidence_count(vs) >= 3);
    for (size_t k = 0; k < mdl_verifiers_evidence_count(vs); k++) {
        mdl_evidence_info e;
        assert_true(mdl_verifiers_evidence(vs, k, &e));
        assert_int_equal(e.offender, 3);
        assert_true(e.height >= 4 && e.height <= 6);
    }
    xrtest_world_close(&r);

    /* probability 0: drawn every time, never fires */
    static const char *const never[] = {
        "verifiers.count=7", "verifiers.byzantine=[{verifiers: 3, behaviour: equivocating, probability: 0}]"};
    xrtest_world_open(&r, world4, never, 2);
    xrtest_world_run(&r);
    vs = mdl_world_verifiers(r.w);
    assert_true(byz_sum(vs, MDL_BEHAVIOUR_EQUIVOCATING, C_DRAWS) > 20);
    assert_int_equal(byz_sum(vs, MDL_BEHAVIOUR_EQUIVOCATING, C_FIRED), 0);
    assert_int_equal(mdl_verifiers_evidence_count(vs), 0);
    assert_false(mdl_verifiers_is_honest(vs, 3));
    xrtest_world_close(&r);

    /* silent beats delayed: nothing is delayed inside the silent window,
    ** and the two entries count separately */
    static const char *const both[] = {
        "verifiers.byzantine=[{verifiers: 1, behaviour: silent, from: 5s, until: 10s},"
        " {verifiers: [1, 2], behaviour: delayed, delay: 200ms, until: 10s}]"};
    xrtest_world_open(&r, world4, both, 1);
    sim_engine *e = mdl_world_engine(r.w);
    assert_int_equal(sim_engine_run(e, 5 * SEC, NULL), SIM_RUN_UNTIL);
    vs = mdl_world_verifiers(r.w);
    mdl_byzantine_info before;
    assert_true(mdl_verifiers_byzantine(vs, 1, &before)); /* verifier 1, entry 1 */
    assert_int_equal(before.verifier, 1);
    assert_int_equal(before.behaviour, MDL_BEHAVIOUR_DELAYED);
    assert_true(mdl_byzantine_counter(&before, "delayed") > 0);
    assert_int_equal(sim_engine_run(e, 10 * SEC - 1, NULL), SIM_RUN_UNTIL);
    mdl_byzantine_info silent, after;
    assert_true(mdl_verifiers_byzantine(vs, 0, &silent));
    assert_true(mdl_verifiers_byzantine(vs, 1, &after));
    assert_int_equal(silent.behaviour, MDL_BEHAVIOUR_SILENT);
    assert_true(mdl_byzantine_counter(&silent, "suppressed") > 0);
    assert_int_equal(mdl_byzantine_counter(&after, "delayed"), mdl_byzantine_counter(&before, "delayed"));
    xrtest_world_run(&r);
    mdl_world_summary sum;
    mdl_world_summary_get(r.w, &sum);
    assert_int_equal(sum.consensus.byzantine, 2);
    assert_int_equal(sum.consensus.conflicts, 0);
    xrtest_world_close(&r);
}

/* ---- results ---------------------------------------------------------------------------- */

static void test_byzantine_rows_are_recorded(void **state) {
    (void)state;
    char path[] = "/tmp/xrsim-test-byz-db-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    sim_rec *rec = NULL;
    char err[256];
    int rc = sim_rec_open(&rec, path, an_schema_sql, AN_SCHEMA_VERSION, AN_SCHEMA_APPLICATION_ID, err, sizeof err);
    if (rc) fail_msg("sim_rec_open: %s", err);
    static const char *const sets[] = {
        "run.duration=6s",
        "verifiers.byzantine=[{verifiers: [0, 1], behaviour: silent, from: 1s, until: 2s},"
        " {stake_fraction: 0.5, behaviour: delayed, delay: 100ms, probability: 1/2, heights: [2, 3]}]"};
    xrtest_world r;
    xrtest_world_open(&r, world4, sets, 2);
    xrtest_world_run(&r);
    sim_rec_run_info info;
    memset(&info, 0, sizeof info);
    info.scenario_name = "byz";
    info.scenario_text = "byz: 1";
    info.seed = 5;
    info.xrsim_version = "test";
    info.git_commit = "test";
    int64_t run = 0;
    assert_int_equal(sim_rec_run_begin(rec, &info, &run), 0);
    assert_int_equal(mdl_verifiers_record(mdl_world_verifiers(r.w), rec, 6 * SEC), 0);
    sim_rec_run_stats st;
    memset(&st, 0, sizeof st);
    assert_int_equal(sim_rec_run_end(rec, run, &st), 0);
    sqlite3 *db = sim_rec_db(rec);
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT verifier, entry, behaviour, target_kind, target, trigger,"
                                        " probability, params, draw_count >= fired_count,"
                                        " coalesce((SELECT value FROM byzantine_counters c WHERE c.run_id = b.run_id"
                                        "  AND c.verifier = b.verifier AND c.entry = b.entry AND c.counter = 'delayed'),"
                                        " 0) > 0 FROM byzantine b ORDER BY verifier, entry",
                                        -1, &q, NULL),
                     SQLITE_OK);
    static const struct {
        int verifier, entry;
        const char *behaviour, *kind, *target, *trigger, *params;
    } want[] = {
        {0, 0, "silent", "verifiers", "0", "from 1s until 2s", NULL},
        {0, 1, "delayed", "stake_fraction", "1/2", "probability 1/2; heights 2,3", "delay_ns=100000000"},
        {1, 0, "silent", "verifiers", "1", "from 1s until 2s", NULL},
        {1, 1, "delayed", "stake_fraction", "1/2", "probability 1/2; heights 2,3", "delay_ns=100000000"},
    };
    for (size_t k = 0; k < 4; k++) {
        assert_int_equal(sqlite3_step(q), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(q, 0), want[k].verifier);
        assert_int_equal(sqlite3_column_int(q, 1), want[k].entry);
        assert_string_equal((const char *)sqlite3_column_text(q, 2), want[k].behaviour);
        assert_string_equal((const char *)sqlite3_column_text(q, 3), want[k].kind);
        assert_string_equal((const char *)sqlite3_column_text(q, 4), want[k].target);
        assert_string_equal((const char *)sqlite3_column_text(q, 5), want[k].trigger);
        if (want[k].params)
            assert_string_equal((const char *)sqlite3_column_text(q, 7), want[k].params);
        else
            assert_int_equal(sqlite3_column_type(q, 7), SQLITE_NULL);
        assert_int_equal(sqlite3_column_int(q, 8), 1);
        assert_int_equal(sqlite3_column_int(q, 9), want[k].entry == 1);
        if (want[k].entry == 1) assert_true(sqlite3_column_double(q, 6) == 0.5);
    }
    assert_int_equal(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT group_concat(behaviour, '|') FROM"
                                        " (SELECT behaviour FROM verifiers ORDER BY verifier)",
                                        -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), "silent,delayed|silent,delayed|honest|honest");
    sqlite3_finalize(q);
    xrtest_world_close(&r);
    assert_int_equal(sim_rec_close(rec), 0);
    unlink(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_byzantine_config_errors_at_their_place),
        cmocka_unit_test(test_byzantine_config_values_and_trigger_text),
        cmocka_unit_test(test_byzantine_stake_fraction_over_drawn_stakes),
        cmocka_unit_test(test_byzantine_delayed_votes_slow_heights_but_stay_safe),
        cmocka_unit_test(test_byzantine_conflicting_attestations_become_evidence),
        cmocka_unit_test(test_byzantine_censor_stalls_a_chain_above_a_third_only),
        cmocka_unit_test(test_byzantine_partial_signs_only_some),
        cmocka_unit_test(test_byzantine_lazy_signs_provisional_honest_do_not),
        cmocka_unit_test(test_byzantine_forge_thresholds),
        cmocka_unit_test(test_byzantine_triggers_and_combinations),
        cmocka_unit_test(test_byzantine_rows_are_recorded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
