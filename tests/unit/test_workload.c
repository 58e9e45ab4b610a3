/*
** Tests of the workloads (models/workload.c) over real rollups: the Poisson
** rate (count and exponential gaps), the bursty on/off rate (long-run mean
** kept, overdispersed counts), the finalized share, fees equal to the
** portal's quote and stream offsets in order, world-unique increasing ids,
** the start/stop window, the size and value distributions, and stream
** independence (adding a route does not move another route's messages).
*/
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"
#include "chain/l1.h"
#include "chain/rollup.h"
#include "crypto/sig_fast.h"
#include "chain/workload.h"
#include "xr_attest.h"
#include "xr_codec.h"

#define S 1000000000ull
#define GWEI 1000000000ull

typedef struct fx {
    sim_engine *e;
    mdl_l1 *l1;
    mdl_rollups *rs;
    mdl_workload *w;
    mdl_sig_fast *sig;
    const xr_sig_key *key;
    xr_address addr;
    uint64_t next_id;
    mdl_msg *msgs;
    size_t n, cap;
    bool fee_ok;
    /* the instant relayer of the end-to-end test */
    bool relay;
    uint8_t *executed;          /* per message id - 1000 */
    uint64_t exec_last[3][3][2]; /* last executed offset per (src, dst, level) */
    uint64_t subs_ok, subs_bad;
    bool order_ok;
} fx;

static void on_msg(void *ctx, const mdl_msg *m) {
    fx *f = ctx;
    if (f->n == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 4096;
        f->msgs = realloc(f->msgs, f->cap * sizeof *f->msgs);
        assert_non_null(f->msgs);
    }
    f->msgs[f->n++] = *m;
    /* the fee is exactly the portal's quote now */
    uint64_t fee = 0;
    mdl_rollup *src = mdl_rollups_get(f->rs, m->from);
    if (mdl_rollup_fee_for(src, m->dest_chain_id, m->size_bytes, m->gas_limit, &fee) != 0 || fee != m->fee_wei)
        f->fee_ok = false;
}

static void relay_xblock(void *ctx, const mdl_xblock *xb);
static void relay_result(void *ctx, const mdl_submit_result *r);

static void fx_open_relay(fx *f, const mdl_route_config *routes, size_t nroutes, uint64_t seed, bool relay) {
    memset(f, 0, sizeof *f);
    f->relay = relay;
    f->order_ok = true;
    f->fee_ok = true;
    f->e = sim_engine_new(1024);
    mdl_l1_config lc;
    mdl_l1_config_default(&lc);
    f->l1 = mdl_l1_new(f->e, &lc, seed);
    f->sig = mdl_sig_fast_new(5, 1);
    xr_validator v = {.power = 1};
    assert_int_equal(mdl_sig_fast_add_key(f->sig, &f->key, &f->addr), 0);
    v.addr = f->addr;
    mdl_rollup_config c[3];
    const char *names[3] = {"a", "b", "c"};
    for (int i = 0; i < 3; i++) {
        memset(&c[i], 0, sizeof c[i]);
        mdl_rollup_preset_apply(&c[i], i == 1 ? MDL_PRESET_ARBITRUM : MDL_PRESET_OP);
        snprintf(c[i].name, sizeof c[i].name, "%s", names[i]);
        c[i].chain_id = 100 + (uint64_t)i;
    }
    mdl_rollups_params p = {
        .consensus_chain_id = 166,
        .sig = mdl_sig_fast_backend(f->sig),
        .quorum = XR_QUORUM_DEFAULT,
        .valset_cutoff = 2,
        .valset_member_cap = 4,
        .genesis_valset_id = 1,
        .genesis = &v,
        .genesis_count = 1,
    };
    mdl_rollup_callbacks rcb = {.on_xblock = relay_xblock, .on_submit = relay_result, .ctx = f};
    f->rs = mdl_rollups_new(f->e, f->l1, c, 3, &p, relay ? &rcb : NULL, seed, NULL);
    assert_non_null(f->rs);
    mdl_workload_config wc = {.routes = (mdl_route_config *)routes, .count = nroutes};
    f->next_id = 1000;
    mdl_workload_callbacks cb = {on_msg, f};
    f->w = mdl_workload_new(f->e, f->rs, &wc, seed, &f->next_id, &cb);
    assert_non_null(f->w);
    assert_true(mdl_l1_start(f->l1));
    assert_true(mdl_rollups_start(f->rs));
    assert_true(mdl_workload_start(f->w));
}

static void fx_open(fx *f, const mdl_route_config *routes, size_t nroutes, uint64_t seed) {
    fx_open_relay(f, routes, nroutes, seed, false);
}

static void fx_close(fx *f) {
    assert_null(mdl_workload_error(f->w));
    assert_null(mdl_rollups_error(f->rs));
    mdl_workload_free(f->w);
    mdl_rollups_free(f->rs);
    mdl_l1_free(f->l1);
    mdl_sig_fast_free(f->sig);
    sim_engine_free(f->e);
    free(f->msgs);
    free(f->executed);
}

/* Index of dispersion (variance / mean) of counts in 1 s windows. */
static double dispersion(const fx *f, uint32_t route, uint64_t t_s) {
    uint32_t *cnt = calloc(t_s, sizeof *cnt);
    for (size_t i = 0; i < f->n; i++)
        if (f->msgs[i].route == route && f->msgs[i].emitted_ns / S < t_s) cnt[f->msgs[i].emitted_ns / S]++;
    double m = 0, v = 0;
    for (uint64_t i = 0; i < t_s; i++) m += cnt[i];
    m /= (double)t_s;
    for (uint64_t i = 0; i < t_s; i++) v += (cnt[i] - m) * (cnt[i] - m);
    v /= (double)(t_s - 1);
    free(cnt);
    return v / m;
}

static void test_workload_poisson_rate(void **state) {
    (void)state;
    mdl_route_config r;
    mdl_route_config_default(&r, 0, 1);
    r.rate_per_s = 20.0;
    fx f;
    fx_open(&f, &r, 1, 17);
    sim_engine_run(f.e, 1000 * S, NULL);
    /* 20000 +- 4 sigma (141) */
    assert_true(f.n > 20000 - 566 && f.n < 20000 + 566);
    /* gaps are exponential: coefficient of variation 1 */
    double sum = 0, sum2 = 0;
    for (size_t i = 1; i < f.n; i++) {
        double g = (double)(f.msgs[i].emitted_ns - f.msgs[i - 1].emitted_ns);
        sum += g;
        sum2 += g * g;
    }
    double mean = sum / (double)(f.n - 1), cv = sqrt(sum2 / (double)(f.n - 1) - mean * mean) / mean;
    assert_true(fabs(mean - 5e7) < 2.5e6);
    assert_true(cv > 0.96 && cv < 1.04);
    double disp = dispersion(&f, 0, 1000);
    assert_true(disp > 0.85 && disp < 1.15);
    assert_true(f.fee_ok);
    mdl_route_stats st;
    mdl_workload_route_stats(f.w, 0, &st);
    assert_int_equal(st.sent, f.n);
    assert_int_equal(st.rejected, 0);
    fx_close(&f);
}

static void test_workload_bursty_rate(void **state) {
    (void)state;
    mdl_route_config r;
    mdl_route_config_default(&r, 1, 2);
    r.rate_per_s = 10.0;
    r.arrival = MDL_WL_BURSTY;
    r.on_ns = 5 * S;
    r.off_ns = 15 * S;
    fx f;
    fx_open(&f, &r, 1, 23);
    sim_engine_run(f.e, 10000 * S, NULL);
    /* mean kept: 100000; the count's sd is ~4.5 % here (on/off cycles) */
    assert_true(f.n > 85000 && f.n < 115000);
    /* bursts: far from Poisson; within an "on" period the rate is 40/s */
    double disp = dispersion(&f, 0, 10000);
    assert_true(disp > 5.0);
    size_t busy = 0;
    for (size_t i = 1; i < f.n; i++)
        if (f.msgs[i].emitted_ns - f.msgs[i - 1].emitted_ns < S / 10) busy++;
    /* P(gap < 0.1 s | on) = 1 - e^-4 = 0.98; most gaps are inside bursts */
    assert_true((double)busy / (double)f.n > 0.9);
    fx_close(&f);
}

static void test_workload_finalized_share_fees_offsets_ids(void **state) {
    (void)state;
    mdl_route_config r[2];
    mdl_route_config_default(&r[0], 0, 2);
    r[0].rate_per_s = 20.0;
    r[0].finalized = 0.3;
    mdl_route_config_default(&r[1], 2, 0);
    r[1].rate_per_s = 5.0;
    r[1].finalized = 1.0;
    fx f;
    fx_open(&f, r, 2, 31);
    sim_engine_run(f.e, 1000 * S, NULL);
    size_t fin = 0, n0 = 0;
    uint64_t off[2][2] = {{0}};
    uint64_t prev_id = 999, prev_ns = 0;
    for (size_t i = 0; i < f.n; i++) {
        const mdl_msg *m = &f.msgs[i];
        assert_int_equal(m->rc, 0);
        assert_int_equal(m->id, prev_id + 1);
        assert_true(m->emitted_ns >= prev_ns);
        prev_id = m->id;
        prev_ns = m->emitted_ns;
        assert_int_equal(m->shard_id, m->conf_level);
        int lvl = m->conf_level == XR_CONF_FINALIZED;
        assert_int_equal(m->offset, off[m->route][lvl] + 1);
        off[m->route][lvl] = m->offset;
        assert_true(m->fee_wei > 0);
        assert_int_equal(m->gas_limit, 200000);
        assert_int_equal(m->size_bytes, 200);
        if (m->route == 0) {
            n0++;
            fin += lvl;
            assert_int_equal(m->source_chain_id, 100);
            assert_int_equal(m->dest_chain_id, 102);
        } else {
            assert_int_equal(m->conf_level, XR_CONF_FINALIZED);
        }
    }
    double share = (double)fin / (double)n0;
    assert_true(fabs(share - 0.3) < 0.015);
    assert_int_equal(f.next_id, 1000 + f.n);
    assert_true(f.fee_ok);
    /* the portals agree */
    xr_portal *pa = mdl_rollup_portal(mdl_rollups_get(f.rs, 0));
    assert_int_equal(xr_portal_out_offset(pa, 102, XR_SHARD(XR_CONF_FINALIZED)), off[0][1]);
    assert_int_equal(xr_portal_out_offset(pa, 102, XR_SHARD(XR_CONF_LATEST)), off[0][0]);
    mdl_route_stats st;
    mdl_workload_route_stats(f.w, 0, &st);
    assert_int_equal(st.finalized, fin);
    fx_close(&f);
}

static void test_workload_window_sizes_values(void **state) {
    (void)state;
    mdl_route_config r;
    mdl_route_config_default(&r, 0, 1);
    r.rate_per_s = 50.0;
    r.start_ns = 100 * S;
    r.stop_ns = 300 * S;
    r.size = sim_lat_uniform(100, 300);
    r.value = sim_lat_lognormal(500000000ull /* 0.5 ETH */, 1.0);
    fx f;
    fx_open(&f, &r, 1, 41);
    sim_engine_run(f.e, 400 * S, NULL);
    assert_true(f.n > 10000 - 400 && f.n < 10000 + 400);
    double size_sum = 0;
    uint64_t *vals = malloc(f.n * sizeof *vals);
    for (size_t i = 0; i < f.n; i++) {
        assert_true(f.msgs[i].emitted_ns >= 100 * S && f.msgs[i].emitted_ns < 300 * S);
        assert_true(f.msgs[i].size_bytes >= 100 && f.msgs[i].size_bytes <= 300);
        size_sum += f.msgs[i].size_bytes;
        vals[i] = f.msgs[i].value_gwei;
    }
    assert_true(fabs(size_sum / (double)f.n - 200.0) < 2.0);
    /* median of the values: 0.5 ETH within 5 % */
    size_t below = 0;
    for (size_t i = 0; i < f.n; i++) below += vals[i] < 500000000ull;
    assert_true(fabs((double)below / (double)f.n - 0.5) < 0.02);
    free(vals);
    fx_close(&f);
}

/* Adding a route (and renumbering it first) does not move route A's
** messages: each route draws from its own streams. */
static void test_workload_routes_independent(void **state) {
    (void)state;
    mdl_route_config a, b;
    mdl_route_config_default(&a, 0, 1);
    a.rate_per_s = 3.0;
    a.finalized = 0.5;
    mdl_route_config_default(&b, 1, 2);
    b.rate_per_s = 7.0;
    b.arrival = MDL_WL_BURSTY;
    fx f1, f2;
    fx_open(&f1, &a, 1, 77);
    mdl_route_config both[2] = {b, a};
    fx_open(&f2, both, 2, 77);
    sim_engine_run(f1.e, 300 * S, NULL);
    sim_engine_run(f2.e, 300 * S, NULL);
    size_t k = 0;
    for (size_t i = 0; i < f2.n; i++) {
        if (f2.msgs[i].route != 1) continue;
        assert_true(k < f1.n);
        assert_int_equal(f2.msgs[i].emitted_ns, f1.msgs[k].emitted_ns);
        assert_int_equal(f2.msgs[i].conf_level, f1.msgs[k].conf_level);
        assert_int_equal(f2.msgs[i].offset, f1.msgs[k].offset);
        k++;
    }
    assert_int_equal(k, f1.n);
    assert_true(f2.n > f1.n);
    fx_close(&f1);
    fx_close(&f2);
}

static void test_workload_rejections_reported(void **state) {
    (void)state;
    mdl_route_config r;
    mdl_route_config_default(&r, 0, 1);
    r.rate_per_s = 10.0;
    r.gas_limit = 10000000; /* above the portal's 5M */
    fx f;
    fx_open(&f, &r, 1, 3);
    sim_engine_run(f.e, 10 * S, NULL);
    assert_true(f.n > 50);
    for (size_t i = 0; i < f.n; i++) {
        assert_int_equal(f.msgs[i].rc, XR_ERR_GAS_LIMIT);
        assert_int_equal(f.msgs[i].offset, 0);
    }
    mdl_route_stats st;
    mdl_workload_route_stats(f.w, 0, &st);
    assert_int_equal(st.sent, 0);
    assert_int_equal(st.rejected, f.n);
    fx_close(&f);
}

/* ---- end to end: workload -> rollups -> an instant relayer -> portals ------- */

/* For every XBlock, at once: one submission per destination of the stream
** of the XBlock's own level (shard id == level; every XBlock holds both
** shards), signed by the one validator, sent to that destination's next
** block. */
static void relay_xblock(void *ctx, const mdl_xblock *xb) {
    fx *f = ctx;
    if (xb->orphaned || xb->msg_count == 0) return;
    static xr_hash node_work[2048], proof[1024];
    static size_t index_work[2048], order[1024];
    static bool flags[1024];
    static xr_xmsg msgs[1024];
    static uint8_t buf[1 << 20];
    for (size_t d = 0; d < 3; d++) {
        mdl_rollup *dst = mdl_rollups_get(f->rs, d);
        size_t oc = 0, pc = 0, fc = 0;
        assert_int_equal(xr_attest_stream_proof(xb->msgs, xb->msg_count, mdl_rollup_chain_id(dst),
                                                xb->header.conf_level, 0, node_work, 2048, index_work,
                                                2048, order, 1024, &oc, proof, 1024, &pc, flags, 1024, &fc),
                         0);
        if (oc == 0) continue;
        uint64_t gas = 1000000;
        for (size_t i = 0; i < oc; i++) {
            msgs[i] = xb->msgs[order[i]];
            gas += msgs[i].gas_limit * 2;
        }
        xr_sig_tuple sig = {.validator = f->addr};
        xr_hash digest;
        xr_attest_sign_digest(&xb->root, &digest);
        xr_sig_backend be = mdl_sig_fast_backend(f->sig);
        assert_int_equal(xr_sig_sign(&be, f->key, digest.bytes, sig.sig.bytes), 0);
        xr_submission s = {xb->root, 1, xb->header, msgs, oc, proof, pc, flags, fc, &sig, 1};
        int len = xr_submission_encode(&s, buf, sizeof buf);
        assert_true(len > 0);
        uint64_t fee = mdl_rollup_base_fee_wei(dst) * 10;
        assert_true(mdl_rollup_submit_tx(dst, buf, (size_t)len, gas, fee, 1, xb->header.offset) > 0);
    }
}

static void relay_result(void *ctx, const mdl_submit_result *r) {
    fx *f = ctx;
    if (r->rc != 0) {
        if (f->subs_bad++ == 0) print_message("first rejected: rc %d index %d\n", r->rc, r->bad_index);
        return;
    }
    f->subs_ok++;
    uint64_t src = r->header->source_chain_id - 100;
    int lvl = r->header->conf_level == XR_CONF_FINALIZED;
    for (size_t i = 0; i < r->receipt_count; i++) {
        uint64_t *last = &f->exec_last[src][r->rollup][lvl];
        if (r->receipts[i].offset != *last + 1) f->order_ok = false;
        *last = r->receipts[i].offset;
    }
}

static void test_workload_end_to_end_instant_relayer(void **state) {
    (void)state;
    mdl_route_config r[6];
    size_t k = 0;
    for (uint32_t i = 0; i < 3; i++)
        for (uint32_t j = 0; j < 3; j++) {
            if (i == j) continue;
            mdl_route_config_default(&r[k], i, j);
            r[k].rate_per_s = 3.0;
            r[k].finalized = 0.25;
            k++;
        }
    fx f;
    fx_open_relay(&f, r, 6, 5, true);
    sim_engine_run(f.e, 2400 * S, NULL);
    assert_true(f.order_ok);
    assert_int_equal(f.subs_bad, 0);
    assert_true(f.subs_ok > 1000);
    /* every message emitted in the first 1000 s was executed at its
    ** destination: per stream, the executed offset reached its last offset */
    uint64_t want[3][3][2] = {{{0}}};
    for (size_t i = 0; i < f.n; i++) {
        const mdl_msg *m = &f.msgs[i];
        if (m->emitted_ns < 1000 * S) want[m->from][m->to][m->conf_level == XR_CONF_FINALIZED] = m->offset;
    }
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
            for (int l = 0; l < 2; l++) {
                assert_true(f.exec_last[a][b][l] >= want[a][b][l]);
                xr_portal *p = mdl_rollup_portal(mdl_rollups_get(f.rs, (size_t)b));
                assert_int_equal(xr_portal_in_offset(p, 100 + (uint64_t)a, l ? XR_CONF_FINALIZED : XR_CONF_LATEST),
                                 f.exec_last[a][b][l]);
            }
    fx_close(&f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workload_poisson_rate),
        cmocka_unit_test(test_workload_bursty_rate),
        cmocka_unit_test(test_workload_finalized_share_fees_offsets_ids),
        cmocka_unit_test(test_workload_window_sizes_values),
        cmocka_unit_test(test_workload_routes_independent),
        cmocka_unit_test(test_workload_rejections_reported),
        cmocka_unit_test(test_workload_end_to_end_instant_relayer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
