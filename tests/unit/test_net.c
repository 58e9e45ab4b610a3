/*
** Tests of the network and node runtime (sim/net.c) and of the `network:`
** section reader (sim/net_config.c).  A fake host records every input a
** node handles (time, sender, payload, CPU clock); sends at chosen times go
** through a test event kind.  Times and seeds are literal; expected delivery
** times are computed by hand in the comments.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"
#include "net.h"
#include "net_config.h"
#include "ytree.h"

#define MS 1000000ull
#define S 1000000000ull
#define MAX_RECS 50000u

typedef struct rec {
    char kind; /* 'm' message, 't' timer, 'c' crash, 'r' restart */
    uint32_t node;
    uint32_t from;
    uint32_t payload; /* message: first 4 bytes; timer: tag */
    uint64_t t_ns;    /* handling start */
} rec;

typedef struct host {
    sim_engine *e;
    sim_net *net;
    uint32_t k_send;
    rec *recs;
    size_t n;
    uint64_t cost_ns;      /* charged per handled message */
    uint64_t cpu_end_ns;   /* sim_net_cpu_now_ns after the last charge */
    bool echo;             /* reply to every message with payload + 1000000 */
    uint32_t ping_left;    /* ping-pong rounds remaining */
    size_t msg_bytes;      /* size of messages sent by sched_send (>= 4) */
    uint32_t self_crash;   /* a node handling this payload crashes itself (0: never) */
    bool self_restart;     /* ... and restarts at once */
} host;

static void put_u32(uint8_t *b, uint32_t v) {
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16);
    b[3] = (uint8_t)(v >> 24);
}

static uint32_t get_u32(const uint8_t *b) {
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void push(host *h, char kind, uint32_t node, uint32_t from, uint32_t payload) {
    assert_true(h->n < MAX_RECS);
    h->recs[h->n++] = (rec){kind, node, from, payload, sim_now_ns(h->e)};
}

static int send_u32(host *h, uint32_t from, uint32_t to, uint32_t payload) {
    uint8_t buf[2048] = {0};
    size_t len = h->msg_bytes ? h->msg_bytes : 4u;
    assert_true(len <= sizeof buf);
    put_u32(buf, payload);
    return sim_net_send(h->net, from, to, buf, len);
}

static void on_message(void *ctx, uint32_t node, uint32_t from, const uint8_t *bytes, size_t len) {
    host *h = ctx;
    assert_true(len >= 4);
    uint32_t payload = get_u32(bytes);
    push(h, 'm', node, from, payload);
    if (h->self_crash != 0 && payload == h->self_crash) {
        sim_net_crash(h->net, node);
        if (h->self_restart) {
            sim_net_restart(h->net, node);
        }
    }
    if (h->cost_ns) {
        sim_net_charge(h->net, node, h->cost_ns / 2);
        sim_net_charge(h->net, node, h->cost_ns - h->cost_ns / 2);
        h->cpu_end_ns = sim_net_cpu_now_ns(h->net, node);
    }
    if (h->echo && payload < 1000000u) {
        assert_int_equal(send_u32(h, node, from, payload + 1000000u), SIM_NET_OK);
    }
    if (h->ping_left > 0) {
        h->ping_left--;
        assert_int_equal(send_u32(h, node, from, payload + 1), SIM_NET_OK);
    }
}

static void on_timer(void *ctx, uint32_t node, uint64_t tag) {
    host *h = ctx;
    push(h, 't', node, SIM_NET_NODE_NONE, (uint32_t)tag);
}

static void on_crash(void *ctx, uint32_t node) {
    host *h = ctx;
    push(h, 'c', node, SIM_NET_NODE_NONE, 0);
}

static void on_restart(void *ctx, uint32_t node) {
    host *h = ctx;
    push(h, 'r', node, SIM_NET_NODE_NONE, 0);
}

static const sim_net_handlers handlers = {on_message, on_timer, on_crash, on_restart};

/* Test event: arg = from | to << 16 | payload << 32. */
static void on_send_event(void *ctx, sim_engine *e, const sim_event *ev) {
    (void)e;
    host *h = ctx;
    uint32_t from = (uint32_t)(ev->arg & 0xffffu), to = (uint32_t)((ev->arg >> 16) & 0xffffu);
    (void)send_u32(h, from, to, (uint32_t)(ev->arg >> 32));
}

static void sched_send(host *h, uint64_t t_ns, uint32_t from, uint32_t to, uint32_t payload) {
    uint64_t arg = (uint64_t)from | (uint64_t)to << 16 | (uint64_t)payload << 32;
    assert_int_not_equal(sim_schedule_at(h->e, t_ns, h->k_send, 0, arg), 0);
}

static void host_init(host *h, const sim_net_config *cfg, uint64_t seed) {
    memset(h, 0, sizeof *h);
    h->recs = calloc(MAX_RECS, sizeof *h->recs);
    assert_non_null(h->recs);
    h->e = sim_engine_new(1024);
    assert_non_null(h->e);
    h->net = sim_net_new(h->e, cfg, seed);
    assert_non_null(h->net);
    h->k_send = sim_engine_register(h->e, "test.send", on_send_event, h);
}

static uint32_t add(host *h, const char *group, uint32_t region) {
    uint32_t id = sim_net_add_node(h->net, group, region);
    assert_int_not_equal(id, SIM_NET_NODE_NONE);
    sim_net_set_handlers(h->net, id, &handlers, h);
    return id;
}

static void resolve_ok(host *h) {
    sim_diag *d = sim_diag_new();
    bool ok = sim_net_resolve(h->net, d);
    if (!ok) {
        sim_diag_print(d, stderr);
    }
    assert_true(ok);
    sim_diag_free(d);
}

static void host_free(host *h) {
    sim_net_free(h->net);
    sim_engine_free(h->e);
    free(h->recs);
}

/* The time node `node` handled the message with `payload`, or SIM_NET_NEVER. */
static uint64_t handled_at(const host *h, uint32_t node, uint32_t payload) {
    for (size_t i = 0; i < h->n; i++) {
        if (h->recs[i].kind == 'm' && h->recs[i].node == node && h->recs[i].payload == payload) {
            return h->recs[i].t_ns;
        }
    }
    return SIM_NET_NEVER;
}

static void check_invariant(const sim_net_link_stats *s) {
    assert_int_equal(s->sent, s->delivered + s->dropped_loss + s->dropped_partition + s->dropped_crash);
}

/* ---- transport ---------------------------------------------------------- */

static void test_net_constant_latency_delivers_after_delay(void **state) {
    (void)state;
    sim_net_config cfg;
    sim_net_config_init(&cfg);
    cfg.latency.dist = sim_lat_constant(50 * MS);
    host h;
    host_init(&h, &cfg, 1);
    uint32_t a = add(&h, "a", SIM_NET_REGION_AUTO), b = add(&h, "b", SIM_NET_REGION_AUTO);
    resolve_ok(&h);
    assert_int_equal(send_u32(&h, a, b, 7), SIM_NET_OK);
    sched_send(&h, 1 * S, b, a, 8);
    sched_send(&h, 1 * S, a, a, 9); /* to itself: same delay */
    assert_int_equal(sim_engine_run(h.e, 10 * S, NULL), SIM_RUN_EMPTY);
    assert_int_equal(handled_at(&h, b, 7), 50 * MS);
    assert_int_equal(handled_at(&h, a, 8), 1 * S + 50 * MS);
    assert_int_equal(handled_at(&h, a, 9), 1 * S + 50 * MS);
    const sim_net_link_stats *ab = sim_net_stats_link(h.net, 0, 1);
    assert_int_equal(ab->sent, 1);
    assert_int_equal(ab->delivered, 1);
    assert_int_equal(ab->bytes_sent, 4);
    assert_int_equal(ab->latency_min_ns, 50 * MS);
    assert_int_equal(ab->latency_max_ns, 50 * MS);
    assert_int_equal(ab->latency_sum_ns, 50 * MS);
    const sim_net_link_stats *ba = sim_net_stats_link(h.net, 1, 0);
    assert_int_equal(ba->delivered, 1);
    assert_int_equal(sim_net_pool_in_use(h.net), 0);
    host_free(&h);
    sim_net_config_free(&cfg);
}

static void test_net_bandwidth_serialises_fifo_on_the_uplink(void **state) {
    (void)state;
    sim_net_config cfg;
    sim_net_config_init(&cfg);
    cfg.latency.dist = sim_lat_constant(10 * MS);
    cfg.bandwidth_bps = 1000000; /* 1 Mbps: 1000 bytes take 8 ms */
    host h;
    host_init(&h, &cfg, 1);
    h.msg_bytes = 1000;
    uint32_t a = add(&h, "g", SIM_NET_REGION_AUTO), b = add(&h, "g", SIM_NET_REGION_AUTO);
    uint32_t c = add(&h, "g", SIM_NET_REGION_AUTO), d = add(&h, "g", SIM_NET_REGION_AUTO);
    resolve_ok(&h);
    /* a sends three to b and one to c at t=0: transmissions end at 8, 16, 24, 32 ms. */
    for (uint32_t i = 1; i <= 3; i++) {
        assert_int_equal(send_u32(&h, a, b, i), SIM_NET_OK);
    }
    assert_int_equal(send_u32(&h, a, c, 4), SIM_NET_OK);
    /* d's uplink is its own. */
    assert_int_equal(send_u32(&h, d, b, 5), SIM_NET_OK);
    /* a's uplink is free again by 100 ms. */
    sched_send(&h, 100 * MS, a, b, 6);
    (void)sim_engine_run(h.e, 10 * S, NULL);
    assert_int_equal(handled_at(&h, b, 1), 18 * MS);
    assert_int_equal(handled_at(&h, b, 2), 26 * MS);
    assert_int_equal(handled_at(&h, b, 3), 34 * MS);
    assert_int_equal(handled_at(&h, c, 4), 42 * MS);
    assert_int_equal(handled_at(&h, b, 5), 18 * MS);
    assert_int_equal(handled_at(&h, b, 6), 118 * MS);
    host_free(&h);

    /* Rounding up: 1 byte at 3 bps is 8/3 s = 2666666666.67 ns -> ...667. */
    cfg.bandwidth_bps = 3;
    cfg.latency.dist = sim_lat_constant(0);
    host_init(&h, &cfg, 1);
    h.msg_bytes = 4;
    a = add(&h, "g", SIM_NET_REGION_AUTO);
    b = add(&h, "g", SIM_NET_REGION_AUTO);
    sim_net_set_bandwidth(h.net, b, 0); /* unlimited */
    resolve_ok(&h);
    assert_int_equal(send_u32(&h, a, b, 1), SIM_NET_OK);
    assert_int_equal(send_u32(&h, b, a, 2), SIM_NET_OK);
    (void)sim_engine_run(h.e, 100 * S, NULL);
    assert_int_equal(handled_at(&h, b, 1), 10666666667ull); /* 32 bits / 3 bps */
    assert_int_equal(handled_at(&h, a, 2), 0);
    host_free(&h);
    sim_net_config_free(&cfg);
}

static void test_net_loss_rate_close_to_configured(void **state) {
    (void)state;
    sim_net_config cfg;
    sim_net_config_init(&cfg);
    cfg.latency.dist = sim_lat_constant(1 * MS);
    cfg.loss = 0.10;
    host h;
    host_init(&h, &cfg, 42);
    uint32_t a = add(&h, "a", SIM_NET_REGION_AUTO), b = add(&h, "b", SIM_NET_REGION_AUTO);
    resolve_ok(&h);
    for (uint32_t i = 0; i < 20000; i++) {
        sched_send(&h, (uint64_t)i * MS, a, b, i);
    }
    (void)sim_engine_run(h.e, 100 * S, NULL);
    const sim_net_link_stats *s = sim_net_stats_link(h.net, 0, 1);
    check_invariant(s);
    assert_int_equal(s->sent, 20000);
    /* expected 2000, sd sqrt(20000 * 0.1 * 0.9) = 42.4: within 3 sd */
    assert_true(s->dropped_loss > 1873 && s->dropped_loss < 2127);
    assert_int_equal(s->delivered, 20000 - s->dropped_loss);
    assert_int_equal(h.n, s->delivered);
    host_free(&h);
    sim_net_config_free(&cfg);
}

static void test_net_fifo_prevents_overtaking(void **state) {
    (void)state;
    for (int fifo = 1; fifo >= 0; fifo--) {
        sim_net_config cfg;
        sim_net_config_init(&cfg);
        cfg.latency.dist = sim_lat_uniform(1 * MS, 100 * MS);
        cfg.fifo = fifo != 0;
        host h;
        host_init(&h, &cfg, 3);
        uint32_t a = add(&h, "a", SIM_NET_REGION_AUTO), b = add(&h, "b", SIM_NET_REGION_AUTO);
        uint32_t c = add(&h, "b", SIM_NET_REGION_AUTO);
        resolve_ok(&h);
        for (uint32_t i = 0; i < 200; i++) {
            sched_send(&h, (uint64_t)i * MS, a, i % 2 ? b : c, i);
        }
        (void)sim_engine_run(h.e, 100 * S, NULL);
        assert_int_equal(h.n, 200);
        size_t inversions = 0;
        for (uint32_t node = b; node <= c; node++) {
            uint32_t last = 0;
            bool first = true;
            for (size_t i = 0; i < h.n; i++) {
                if (h.recs[i].node != node) {
                    continue;
                }
                if (!first && h.recs[i].payload < last) {
                    inversions++;
                }
                last = h.recs[i].payload;
                first = false;
            }
        }
        if (fifo) {
            assert_int_equal(inversions, 0);
        } else {
            assert_true(inversions > 10);
        }
        host_free(&h);
        sim_net_config_free(&cfg);
    }
}

/* ---- partitions --------------------------------------------------------- */

static void test_net_partition_drops_exactly_the_window(void **state) {
    (void)state;
    sim_net_config cfg;
    sim_net_config_init(&cfg);
    cfg.latency.dist = sim_lat_constant(100 * MS);
    assert_true(sim_net_config_add_partition(&cfg, 1 * S, 2 * S, false, "a", "b"));
    host h;
    host_init(&h, &cfg, 1);
    uint32_t a = add(&h, "a", SIM_NET_REGION_AUTO), b = add(&h, "b", SIM_NET_REGION_AUTO);
    uint32_t c = add(&h, "c", SIM_NET_REGION_AUTO);
    resolve_ok(&h);
    /* send time (ms) -> delivered?  Rule: dropped iff depart or arrival in [1000, 2000). */
    static const struct {
        uint64_t t_ms;
        bool ok;
    } sends[] = {
        {500, true},   /* arrives 600 */
        {899, true},   /* arrives 999 */
        {900, false},  /* arrives 1000: in the window at arrival */
        {950, false},  /* arrives 1050 */
        {1000, false}, /* departs in the window */
        {1500, false}, {1999, false}, /* departs 1999, arrives 2099 */
        {2000, true},  /* until is exclusive */
        {2500, true},
    };
    size_t n = sizeof sends / sizeof sends[0];
    for (uint32_t i = 0; i < n; i++) {
        sched_send(&h, sends[i].t_ms * MS, a, b, i);       /* a -> b */
        sched_send(&h, sends[i].t_ms * MS, b, a, 100 + i); /* b -> a (symmetric) */
        sched_send(&h, sends[i].t_ms * MS, a, c, 200 + i); /* not partitioned */
    }
    (void)sim_engine_run(h.e, 10 * S, NULL);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t want = sends[i].ok ? (sends[i].t_ms + 100) * MS : SIM_NET_NEVER;
        assert_int_equal(handled_at(&h, b, i), want);
        assert_int_equal(handled_at(&h, a, 100 + i), want);
        assert_int_equal(handled_at(&h, c, 200 + i), (sends[i].t_ms + 100) * MS);
    }
    assert_int_equal(sim_net_stats_link(h.net, 0, 1)->dropped_partition, 5);
    assert_int_equal(sim_net_stats_link(h.net, 1, 0)->dropped_partition, 5);
    assert_int_equal(sim_net_stats_link(h.net, 0, 2)->dropped_partition, 0);
    check_invariant(sim_net_stats_link(h.net, 0, 1));
    host_free(&h);
    sim_net_config_free(&cfg);
}

static void test_net_partition_one_way_and_selectors(void **state) {
    (void)state;
    sim_net_config cfg;
    sim_net_config_init(&cfg);
    cfg.latency.dist = sim_lat_constant(10 * MS);
    /* a -> b cut for the whole run; only b[1] cut from c, both ways. */
    assert_true(sim_net_config_add_partition(&cfg, 0, SIM_NET_NEVER, true, "a", "b"));
    assert_true(sim_net_config_add_partition(&cfg, 0, SIM_NET_NEVER, false, "b[1]", "c"));
    host h;
    host_init(&h, &cfg, 1);
    uint32_t a = add(&h, "a", SIM_NET_REGION_AUTO);
    uint32_t b0 = add(&h, "b", SIM_NET_REGION_AUTO), b1 = add(&h, "b", SIM_NET_REGION_AUTO);
    uint32_t c = add(&h, "c", SIM_NET_REGION_AUTO);
    resolve_ok(&h);
    sched_send(&h, 0, a, b0, 1);  /* cut */
    sched_send(&h, 0, b0, a, 2);  /* one-way: the reverse works */
    sched_send(&h, 0, b1, c, 3);  /* cut */
    sched_send(&h, 0, c, b1, 4);  /* cut */
    sched_send(&h, 0, b0, c, 5);  /* b[0] is not in the second partition */
    (void)sim_engine_run(h.e, 10 * S, NULL);
    assert_int_equal(handled_at(&h, b0, 1), SIM_NET_NEVER);
    assert_int_equal(handled_at(&h, a, 2), 10 * MS);
    assert_int_equal(handled_at(&h, c, 3), SIM_NET_NEVER);
    assert_int_equal(handled_at(&h, b1, 4), SIM_NET_NEVER);
    assert_int_equal(handled_at(&h, c, 5), 10 * MS);
    host_free(&h);
    sim_net_config_free(&cfg);
}

static void test_net_partition_between_depart_and_arrival_does_not_drop(void **state) {
    (void)state;
    /* The documented rule checks two instants: a window strictly inside the
    ** flight does not drop the message. */
    sim_net_config cfg;
    sim_net_config_init(&cfg);
    cfg.latency.dist = sim_lat_constant(3 * S);
    assert_true(sim_net_config_add_partition(&cfg, 1 * S, 2 * S, false, "a", "b"));
    host h;
    host_init(&h, &cfg, 1);
    uint32_t a = add(&h, "a", SIM_NET_REGION_AUTO), b = add(&h, "b", SIM_NET_REGION_AUTO);
    resolve_ok(&h);
    sched_send(&h, 500 * MS, a, b, 1);
    (void)sim_engine_run(h.e, 10 * S, NULL);
    assert_int_equal(handled_at(&h, b, 1), 3500 * MS);
    host_free(&h);
    sim_net_config_free(&cfg);
}

/* ---- crashes ------------------------------------------------------------ */

static void test_net_crash_drops_inputs_timers_and_restart_resumes(void **state) {
    (void)state;
    sim_net_config cfg;
    sim_net_config_init(&cfg);
    cfg.latency.dist = sim_lat_constant(10 * MS);
    assert_true(sim_net_config_add_crash(&cfg, "b", 1 * S, 2 * S));
    host h;
    host_init(&h, &cfg, 1);
    uint32_t a = add(&h, "a", SIM_NET_REGION_AUTO), b = add(&h, "b", SIM_NET_REGION_AUTO);
    resolve_ok(&h);
    assert_int_not_equal(sim_net_timer_at(h.net, b, 500 * MS, 1), 0);  /* fires */
    assert_int_not_equal(sim_net_timer_at(h.net, b, 1500 * MS, 2), 0); /* vanishes: b is down */
    assert_int_not_equal(sim_net_timer_at(h.net, b, 2500 * MS, 3), 0); /* vanishes: set before the crash */
    sched_send(&h, 500 * MS, a, b, 10);  /* arrives 510: handled */
    sched_send(&h, 995 * MS, b, a, 11);  /* b's message in flight at the crash: still arrives 1005 */
    sched_send(&h, 1200 * MS, a, b, 12); /* arrives 1210 while b is down: dropped */
    sched_send(&h, 1995 * MS, a, b, 13); /* arrives 2005 after the restart: handled */
    sched_send(&h, 1500 * MS, b, a, 14); /* b is down: EDOWN, not counted */
    (void)sim_engine_run(h.e, 10 * S, NULL);
    assert_int_equal(handled_at(&h, b, 10), 510 * MS);
    assert_int_equal(handled_at(&h, a, 11), 1005 * MS);
    assert_int_equal(handled_at(&h, b, 12), SIM_NET_NEVER);
    assert_int_equal(handled_at(&h, b, 13), 2005 * MS);
    assert_int_equal(handled_at(&h, a, 14), SIM_NET_NEVER);
    size_t timers = 0, crashes = 0, restarts = 0;
    for (size_t i = 0; i < h.n; i++) {
        if (h.recs[i].kind == 't') {
            timers++;
            assert_int_equal(h.recs[i].payload, 1);
            assert_int_equal(h.recs[i].t_ns, 500 * MS);
        }
        if (h.recs[i].kind == 'c') {
            crashes++;
            assert_int_equal(h.recs[i].t_ns, 1 * S);
        }
        if (h.recs[i].kind == 'r') {
            restarts++;
            assert_int_equal(h.recs[i].t_ns, 2 * S);
        }
    }
    assert_int_equal(timers, 1);
    assert_int_equal(crashes, 1);
    assert_int_equal(restarts, 1);
    assert_int_equal(sim_net_stats_link(h.net, 0, 1)->dropped_crash, 1);
    assert_int_equal(sim_net_stats_link(h.net, 1, 0)->sent, 1);
    assert_int_equal(sim_net_stats_node(h.net, b)->crashes, 1);
    assert_int_equal(sim_net_stats_node(h.net, b)->restarts, 1);
    assert_true(sim_net_node_is_up(h.net, b));
    /* Timers after the restart work again. */
    assert_int_not_equal(sim_net_timer_at(h.net, b, 11 * S, 4), 0);
    (void)sim_engine_run(h.e, 12 * S, NULL);
    assert_int_equal(h.recs[h.n - 1].kind, 't');
    assert_int_equal(h.recs[h.n - 1].payload, 4);
    host_free(&h);
    sim_net_config_free(&cfg);
}

static void test_net_crash_discards_queue_and_outbox(void **state) {
    (void)state;
    sim_net_config cfg;
    sim_net_config_init(&cfg);
    cfg.latency.dist = sim_lat_constant(1 * MS);
    assert_true(sim_net_config_add_crash(&cfg, "b[0]", 100 * MS, SIM_NET_NEVER));
    host h;
    host_init(&h, &cfg, 1);
    h.cost_ns = 40 * MS;
    h.echo = true;
    uint32_t a = add(&h, "a", SIM_NET_REGION_AUTO), b = add(&h, "b", SIM_NET_REGION_AUTO);
    resolve_ok(&h);
    /* Three messages reach b at 49 ms.  b handles #1 on [49, 89) and its echo
    ** departs at 89; #2 starts at 89, so at the crash (100) its echo is in the
    ** outbox and #3 waits in the queue: both are dropped. */
    for (uint32_t i = 1; i <= 3; i++) {
        sched_send(&h, 48 * MS, a, b, i);
    }
    (void)sim_engine_run(h.e, 10 * S, NULL);
    assert_int_equal(handled_at(&h, b, 1), 49 * MS);
    assert_int_equal(handled_at(&h, b, 2), 89 * MS);
    assert_int_equal(handled_at(&h, b, 3), SIM_NET_NEVER);
    assert_int_equal(handled_at(&h, a, 1000001), 90 * MS); /* echo of #1 (a's cost: 40 ms, irrelevant) */
    assert_int_equal(handled_at(&h, a, 1000002), SIM_NET_NEVER);
    assert_int_equal(sim_net_stats_link(h.net, 0, 1)->dropped_crash, 1); /* #3 */
    assert_int_equal(sim_net_stats_link(h.net, 1, 0)->dropped_crash, 1); /* echo of #2 */
    assert_false(sim_net_node_is_up(h.net, b));
    assert_int_equal(sim_net_pool_in_use(h.net), 0);
    check_invariant(sim_net_stats_link(h.net, 0, 1));
    check_invariant(sim_net_stats_link(h.net, 1, 0));
    host_free(&h);
    sim_net_config_free(&cfg);
}

static void test_net_crash_inside_own_handler(void **state) {
    (void)state;
    sim_net_config cfg;
    sim_net_config_init(&cfg);
    cfg.latency.dist = sim_lat_constant(1 * MS);
    host h;
    host_init(&h, &cfg, 1);
    uint32_t a = add(&h, "a", SIM_NET_REGION_AUTO), b = add(&h, "b", SIM_NET_REGION_AUTO);
    resolve_ok(&h);
    h.cost_ns = 10 * MS;
    h.echo = true;
    h.self_crash = 1;
    h.self_restart = true;
    /* #5, #1, #2 reach b at 1 ms; #5 keeps it busy until 11 ms, so #1 and
    ** #2 wait in its queue.  Handling #1 at 11, b crashes (dropping #2) and
    ** restarts, charges 10 ms (void: that handling died) and echoes; the
    ** echo departs at once.  Both echoes (of #5, flushed at 11, and of #1)
    ** reach a at 12 ms; a spends 10 ms on each.  #3 (sent at 15 ms) is
    ** handled on arrival: b is not busy. */
    assert_int_equal(send_u32(&h, a, b, 5), SIM_NET_OK);
    assert_int_equal(send_u32(&h, a, b, 1), SIM_NET_OK);
    assert_int_equal(send_u32(&h, a, b, 2), SIM_NET_OK);
    sched_send(&h, 15 * MS, a, b, 3);
    (void)sim_engine_run(h.e, 10 * S, NULL);
    assert_int_equal(handled_at(&h, b, 5), 1 * MS);
    assert_int_equal(handled_at(&h, b, 1), 11 * MS);
    assert_int_equal(handled_at(&h, b, 2), SIM_NET_NEVER);
    assert_int_equal(handled_at(&h, a, 1000005), 12 * MS);
    assert_int_equal(handled_at(&h, a, 1000001), 22 * MS);
    assert_int_equal(handled_at(&h, b, 3), 16 * MS);
    assert_int_equal(sim_net_stats_node(h.net, b)->crashes, 1);
    assert_int_equal(sim_net_stats_node(h.net, b)->restarts, 1);
    assert_int_equal(sim_net_stats_node(h.net, b)->busy_ns, 20 * MS); /* #5 and #3 */
    assert_int_equal(sim_net_stats_link(h.net, 0, 1)->dropped_crash, 1);
    assert_int_equal(sim_net_pool_in_use(h.net), 0);
    host_free(&h);
    sim_net_config_free(&cfg);
}

/* ---- CPU ---------------------------------------------------------------- */

static void test_net_cpu_overloaded_node_falls_behind(void **state) {
    (void)state;
    sim_net_config cfg;
    sim_net_config_init(&cfg);
    cfg.latency.dist = sim_lat_constant(1 * MS);
    host h;
    host_init(&h, &cfg, 1);
    uint32_t a = add(&h, "a", SIM_NET_REGION_AUTO), b = add(&h, "b", SIM_NET_REGION_AUTO);
    resolve_ok(&h);
    h.cost_ns = 10 * MS;
    h.echo = true;
    /* five messages arrive at 1 ms; a timer fires at 5 ms behind them */
    for (uint32_t i = 1; i <= 5; i++) {
        assert_int_equal(send_u32(&h, a, b, i), SIM_NET_OK);
    }
    assert_int_not_equal(sim_net_timer_at(h.net, b, 5 * MS, 77), 0);
    (void)sim_engine_run(h.e, 10 * S, NULL);
    /* b: handled at 1, 11, 21, 31, 41 ms; the timer at 51 ms */
    for (uint32_t i = 1; i <= 5; i++) {
        assert_int_equal(handled_at(&h, b, i), (1 + 10 * (i - 1)) * MS);
        /* echoes depart when handling ends (+10 ms) and arrive 1 ms later;
        ** a also charges 10 ms each, but they arrive 10 ms apart: no wait */
        assert_int_equal(handled_at(&h, a, 1000000 + i), (12 + 10 * (i - 1)) * MS);
    }
    bool timer_seen = false;
    for (size_t i = 0; i < h.n; i++) {
        if (h.recs[i].kind == 't') {
            assert_int_equal(h.recs[i].t_ns, 51 * MS);
            timer_seen = true;
        }
    }
    assert_true(timer_seen);
    const sim_net_node_stats *st = sim_net_stats_node(h.net, b);
    assert_int_equal(st->messages_handled, 5);
    assert_int_equal(st->timers_handled, 1);
    assert_int_equal(st->inputs_handled, 6);
    assert_int_equal(st->busy_ns, 50 * MS); /* the timer handler charges nothing */
    assert_int_equal(st->peak_queue_depth, 5); /* #2..#5 and the timer */
    assert_int_equal(st->max_queue_delay_ns, 46 * MS); /* timer: fired 5, handled 51 */
    assert_int_equal(h.cpu_end_ns, 62 * MS); /* a's last handling: starts 52, charges 10 */
    host_free(&h);
    sim_net_config_free(&cfg);
}

static void test_net_timer_cancel(void **state) {
    (void)state;
    sim_net_config cfg;
    sim_net_config_init(&cfg);
    cfg.latency.dist = sim_lat_constant(1 * MS);
    host h;
    host_init(&h, &cfg, 1);
    uint32_t a = add(&h, "a", SIM_NET_REGION_AUTO), b = add(&h, "b", SIM_NET_REGION_AUTO);
    resolve_ok(&h);
    h.cost_ns = 100 * MS;
    uint64_t t1 = sim_net_timer_at(h.net, b, 50 * MS, 1);
    uint64_t t2 = sim_net_timer_at(h.net, b, 60 * MS, 2);
    uint64_t t3 = sim_net_timer_at(h.net, b, 70 * MS, 3);
    assert_true(sim_net_timer_cancel(h.net, t1)); /* before it fires */
    assert_false(sim_net_timer_cancel(h.net, t1));
    assert_false(sim_net_timer_cancel(h.net, 0));
    assert_false(sim_net_timer_cancel(h.net, 12345));
    assert_int_equal(send_u32(&h, a, b, 9), SIM_NET_OK); /* b busy on [1, 101) */
    (void)sim_engine_run(h.e, 65 * MS, NULL);
    /* t2 fired at 60 and waits in b's queue: cancelling it still works */
    assert_true(sim_net_timer_cancel(h.net, t2));
    assert_false(sim_net_timer_cancel(h.net, t2));
    (void)sim_engine_run(h.e, 10 * S, NULL);
    size_t timers = 0;
    for (size_t i = 0; i < h.n; i++) {
        if (h.recs[i].kind == 't') {
            timers++;
            assert_int_equal(h.recs[i].payload, 3);
            assert_int_equal(h.recs[i].t_ns, 101 * MS);
        }
    }
    assert_int_equal(timers, 1);
    assert_false(sim_net_timer_cancel(h.net, t3)); /* fired */
    host_free(&h);
    sim_net_config_free(&cfg);
}

static void test_net_send_errors(void **state) {
    (void)state;
    sim_net_config cfg;
    sim_net_config_init(&cfg);
    host h;
    host_init(&h, &cfg, 1);
    uint32_t a = add(&h, "a", SIM_NET_REGION_AUTO), b = add(&h, "b", SIM_NET_REGION_AUTO);
    resolve_ok(&h);
    static uint8_t dummy[1];
    assert_int_equal(sim_net_send(h.net, a, b, dummy, (size_t)SIM_NET_MAX_MSG_BYTES + 1u), SIM_NET_ETOOBIG);
    assert_int_equal(sim_net_send(h.net, a, b, NULL, 0), SIM_NET_OK); /* empty messages are fine */
    sim_net_crash(h.net, a);
    assert_false(sim_net_node_is_up(h.net, a));
    assert_int_equal(send_u32(&h, a, b, 1), SIM_NET_EDOWN);
    assert_int_equal(sim_net_timer_at(h.net, a, 5, 1), 0);
    sim_net_crash(h.net, a); /* no-op */
    sim_net_restart(h.net, a);
    sim_net_restart(h.net, a); /* no-op */
    assert_int_equal(send_u32(&h, a, b, 1), SIM_NET_OK);
    assert_int_equal(sim_net_stats_node(h.net, a)->crashes, 1);
    assert_int_equal(sim_net_stats_link(h.net, 0, 1)->sent, 2);
    host_free(&h);
    sim_net_config_free(&cfg);
}

/* ---- regions and placement ---------------------------------------------- */

static void test_net_matrix_latency_is_the_region_pair_base(void **state) {
    (void)state;
    sim_net_config cfg;
    sim_net_config_init(&cfg);
    cfg.default_regions_path = XRSIM_SOURCE_DIR "/data/latency/aws-13-regions-oneway-ms.csv";
    cfg.latency.matrix = true;
    cfg.latency.dist = sim_lat_constant(0);
    static const char *const east[] = {"us-east-1"};
    static const char *const tokyo[] = {"Tokyo"};
    assert_true(sim_net_config_add_placement(&cfg, "x", 1, east, NULL));
    assert_true(sim_net_config_add_placement(&cfg, "y", 1, tokyo, NULL));
    host h;
    host_init(&h, &cfg, 1);
    uint32_t x = add(&h, "x", SIM_NET_REGION_AUTO), y = add(&h, "y", SIM_NET_REGION_AUTO);
    uint32_t seoul = add(&h, "z", 11), tk = add(&h, "z", 8); /* explicit indices */
    resolve_ok(&h);
    const sim_regions *r = sim_net_regions(h.net);
    assert_string_equal(sim_regions_name(r, sim_net_node_region(h.net, x)), "N_Virginia");
    assert_string_equal(sim_regions_name(r, sim_net_node_region(h.net, y)), "Tokyo");
    assert_string_equal(sim_regions_name(r, sim_net_node_region(h.net, seoul)), "Seoul");
    send_u32(&h, x, y, 1);
    send_u32(&h, y, x, 2);
    send_u32(&h, tk, seoul, 3);
    send_u32(&h, seoul, tk, 4);
    send_u32(&h, x, x, 5);
    (void)sim_engine_run(h.e, 10 * S, NULL);
    assert_int_equal(handled_at(&h, y, 1), 73 * MS);
    assert_int_equal(handled_at(&h, x, 2), 73 * MS);
    assert_int_equal(handled_at(&h, seoul, 3), 16 * MS);
    assert_int_equal(handled_at(&h, tk, 4), 17 * MS);
    assert_int_equal(handled_at(&h, x, 5), 0);
    host_free(&h);
    sim_net_config_free(&cfg);
}

static void test_net_placement_round_robin_and_weights(void **state) {
    (void)state;
    sim_net_config cfg;
    sim_net_config_init(&cfg);
    cfg.default_regions_path = XRSIM_SOURCE_DIR "/data/latency/aws-13-regions-oneway-ms.csv";
    static const char *const two[] = {"London", "Sydney"};
    static const uint64_t w[] = {3, 1};
    assert_true(sim_net_config_add_placement(&cfg, "w", 2, two, w));
    assert_true(sim_net_config_add_placement(&cfg, "l", 2, two, NULL));
    host h;
    host_init(&h, &cfg, 1);
    for (int i = 0; i < 26; i++) {
        add(&h, "all", SIM_NET_REGION_AUTO);
    }
    for (int i = 0; i < 8; i++) {
        add(&h, "w", SIM_NET_REGION_AUTO);
        add(&h, "l", SIM_NET_REGION_AUTO);
    }
    resolve_ok(&h);
    const sim_regions *r = sim_net_regions(h.net);
    uint32_t g_all = sim_net_group_find(h.net, "all");
    for (uint32_t i = 0; i < 26; i++) {
        assert_int_equal(sim_net_node_region(h.net, sim_net_group_node(h.net, g_all, i)), i % 13);
    }
    uint32_t lon = sim_regions_find(r, "London"), syd = sim_regions_find(r, "Sydney");
    /* smooth weighted round robin with 3:1 -> L L S L | L L S L */
    static const int want_w[8] = {0, 0, 1, 0, 0, 0, 1, 0};
    uint32_t g_w = sim_net_group_find(h.net, "w"), g_l = sim_net_group_find(h.net, "l");
    for (uint32_t i = 0; i < 8; i++) {
        assert_int_equal(sim_net_node_region(h.net, sim_net_group_node(h.net, g_w, i)), want_w[i] ? syd : lon);
        assert_int_equal(sim_net_node_region(h.net, sim_net_group_node(h.net, g_l, i)), i % 2 ? syd : lon);
    }
    host_free(&h);
    sim_net_config_free(&cfg);
}

static void test_net_partition_by_region_selector(void **state) {
    (void)state;
    sim_net_config cfg;
    sim_net_config_init(&cfg);
    cfg.default_regions_path = XRSIM_SOURCE_DIR "/data/latency/aws-13-regions-oneway-ms.csv";
    cfg.latency.dist = sim_lat_constant(1 * MS);
    static const char *const two[] = {"us-east-1", "eu-west-1"};
    assert_true(sim_net_config_add_placement(&cfg, "v", 2, two, NULL));
    assert_true(sim_net_config_add_partition(&cfg, 0, SIM_NET_NEVER, false, "region:us-east-1", "v"));
    host h;
    host_init(&h, &cfg, 1);
    uint32_t v0 = add(&h, "v", SIM_NET_REGION_AUTO); /* N_Virginia */
    uint32_t v1 = add(&h, "v", SIM_NET_REGION_AUTO); /* Ireland */
    uint32_t v2 = add(&h, "v", SIM_NET_REGION_AUTO); /* N_Virginia */
    resolve_ok(&h);
    send_u32(&h, v1, v0, 1); /* Ireland -> Virginia: cut */
    send_u32(&h, v1, v1, 2); /* Ireland -> Ireland: fine */
    send_u32(&h, v0, v2, 3); /* Virginia -> Virginia: both sides contain both: cut */
    (void)sim_engine_run(h.e, 10 * S, NULL);
    assert_int_equal(handled_at(&h, v0, 1), SIM_NET_NEVER);
    assert_int_equal(handled_at(&h, v1, 2), 1 * MS);
    assert_int_equal(handled_at(&h, v2, 3), SIM_NET_NEVER);
    host_free(&h);
    sim_net_config_free(&cfg);
}

static void test_net_resolve_reports_unknown_names_at_marks(void **state) {
    (void)state;
    sim_net_config cfg;
    sim_net_config_init(&cfg);
    sim_net_mark m1 = {"s.yaml", 3, 5}, m2 = {"s.yaml", 4, 7}, m3 = {"s.yaml", 5, 9}, m4 = {"s.yaml", 6, 2};
    sim_net_partition_cfg *p = sim_net_config_new_partition(&cfg);
    assert_non_null(p);
    p->from_ns = 0;
    p->until_ns = SIM_NET_NEVER;
    assert_true(sim_net_side_add(&p->a, "nope", &m1));
    assert_true(sim_net_side_add(&p->b, "v[9]", &m2));
    sim_net_crash_cfg *k = sim_net_config_new_crash(&cfg);
    assert_non_null(k);
    k->at_ns = 1;
    k->restart_ns = SIM_NET_NEVER;
    assert_true(sim_net_side_add(&k->nodes, "region:mars", &m3));
    static const char *const moon[] = {"moon"};
    assert_true(sim_net_config_add_placement(&cfg, "v", 1, moon, NULL));
    assert_true(sim_net_mark_set(&cfg.placements[0].regions[0].mark, m4.file, m4.line, m4.col));
    host h;
    host_init(&h, &cfg, 1);
    add(&h, "v", SIM_NET_REGION_AUTO);
    add(&h, "v", SIM_NET_REGION_AUTO);
    sim_diag *d = sim_diag_new();
    assert_false(sim_net_resolve(h.net, d));
    /* placement errors stop resolution before selectors (they need regions) */
    assert_int_equal(sim_diag_errors(d), 1);
    assert_non_null(strstr(sim_diag_message(d, 0), "s.yaml:6:2: error: unknown region 'moon'"));
    sim_diag_free(d);
    host_free(&h);

    sim_net_config_free(&cfg);
    p = sim_net_config_new_partition(&cfg);
    p->until_ns = SIM_NET_NEVER;
    assert_true(sim_net_side_add(&p->a, "nope", &m1));
    assert_true(sim_net_side_add(&p->b, "v[9]", &m2));
    k = sim_net_config_new_crash(&cfg);
    k->at_ns = 1;
    k->restart_ns = SIM_NET_NEVER;
    assert_true(sim_net_side_add(&k->nodes, "region:mars", &m3));
    host_init(&h, &cfg, 1);
    add(&h, "v", SIM_NET_REGION_AUTO);
    add(&h, "v", SIM_NET_REGION_AUTO);
    d = sim_diag_new();
    assert_false(sim_net_resolve(h.net, d));
    assert_int_equal(sim_diag_errors(d), 3);
    assert_non_null(strstr(sim_diag_message(d, 0), "s.yaml:3:5: error: unknown group 'nope'"));
    assert_non_null(strstr(sim_diag_message(d, 0), "(groups: v)"));
    assert_non_null(strstr(sim_diag_message(d, 1), "s.yaml:4:7: error: node index 9 out of range"));
    assert_non_null(strstr(sim_diag_message(d, 2), "s.yaml:5:9: error: unknown region 'mars'"));
    assert_int_equal(sim_engine_pending(h.e), 0); /* no crash scheduled */
    sim_diag_free(d);
    host_free(&h);
    sim_net_config_free(&cfg);

    /* matrix without a matrix, and a malformed matrix file */
    sim_net_config_init(&cfg);
    cfg.latency.matrix = true;
    host_init(&h, &cfg, 1);
    d = sim_diag_new();
    assert_false(sim_net_resolve(h.net, d));
    assert_non_null(strstr(sim_diag_message(d, 0), "needs a region matrix"));
    sim_diag_free(d);
    host_free(&h);
    cfg.latency.matrix = false;
    assert_true(sim_net_config_set_regions_path(&cfg, XRSIM_SOURCE_DIR "/data/latency/README.md"));
    host_init(&h, &cfg, 1);
    d = sim_diag_new();
    assert_false(sim_net_resolve(h.net, d));
    assert_non_null(strstr(sim_diag_message(d, 0), "README.md:"));
    sim_diag_free(d);
    host_free(&h);
    sim_net_config_free(&cfg);
}

/* ---- memory and determinism --------------------------------------------- */

static void test_net_pool_reuses_slots_in_steady_state(void **state) {
    (void)state;
    sim_net_config cfg;
    sim_net_config_init(&cfg);
    cfg.latency.dist = sim_lat_lognormal(5 * MS, 0.5);
    host h;
    host_init(&h, &cfg, 9);
    uint32_t a = add(&h, "a", SIM_NET_REGION_AUTO), b = add(&h, "b", SIM_NET_REGION_AUTO);
    resolve_ok(&h);
    h.ping_left = 20000;
    h.msg_bytes = 100;
    assert_int_equal(send_u32(&h, a, b, 0), SIM_NET_OK);
    (void)sim_engine_run(h.e, 1000000 * S, NULL);
    assert_int_equal(h.n, 20001);
    assert_int_equal(sim_net_pool_in_use(h.net), 0);
    /* the handled message's slot is released after its callback sends the reply */
    assert_true(sim_net_pool_slots(h.net) <= 2);
    assert_int_equal(sim_net_error(h.net), SIM_NET_OK);
    host_free(&h);
    sim_net_config_free(&cfg);
}

/* ---- shared payloads ------------------------------------------------------ */

static void fill_pattern(uint8_t *b, size_t len, uint32_t payload) {
    put_u32(b, payload);
    for (size_t i = 4; i < len; i++) b[i] = (uint8_t)(payload * 31u + i);
}

/* Records the message like on_message, after checking every byte against
** the pattern its payload number stands for. */
static void on_pattern(void *ctx, uint32_t node, uint32_t from, const uint8_t *bytes, size_t len) {
    host *h = ctx;
    assert_true(len >= 4);
    uint32_t payload = get_u32(bytes);
    for (size_t i = 4; i < len; i++) assert_int_equal(bytes[i], (uint8_t)(payload * 31u + i));
    push(h, 'm', node, from, payload);
}

static const sim_net_handlers pattern_handlers = {on_pattern, on_timer, on_crash, on_restart};

/* A broadcast (the same buffer sent to several nodes) is delivered intact
** to everyone, also when some copies are dropped by a crash; the buffer
** rewritten in place and sent again is a new message with the new bytes,
** never the shared old ones; every slot and payload is released. */
static void test_net_broadcast_shares_payload_bytes_intact(void **state) {
    (void)state;
    sim_net_config cfg;
    sim_net_config_init(&cfg);
    cfg.latency.dist = sim_lat_constant(5 * MS);
    assert_true(sim_net_config_add_crash(&cfg, "g[3]", 1 * MS, 10 * MS)); /* down at 5 ms */
    host h;
    host_init(&h, &cfg, 21);
    for (int i = 0; i < 5; i++) {
        uint32_t id = add(&h, "g", SIM_NET_REGION_AUTO);
        sim_net_set_handlers(h.net, id, &pattern_handlers, &h);
    }
    resolve_ok(&h);
    static uint8_t buf[4096];
    fill_pattern(buf, sizeof buf, 1);
    for (uint32_t to = 1; to < 5; to++) assert_int_equal(sim_net_send(h.net, 0, to, buf, sizeof buf), SIM_NET_OK);
    fill_pattern(buf, sizeof buf, 2); /* same pointer and length, new bytes */
    assert_int_equal(sim_net_send(h.net, 0, 1, buf, sizeof buf), SIM_NET_OK);
    assert_int_equal(sim_net_send(h.net, 0, 2, buf, sizeof buf), SIM_NET_OK);
    fill_pattern(buf, 2000, 3); /* a shorter prefix of the same buffer */
    assert_int_equal(sim_net_send(h.net, 0, 4, buf, 2000), SIM_NET_OK);
    memset(buf, 0, sizeof buf); /* the sender's buffer is its own again */
    assert_int_equal(sim_net_pool_in_use(h.net), 7);
    (void)sim_engine_run(h.e, 10 * S, NULL);
    for (uint32_t to = 1; to < 5; to++)
        assert_int_equal(handled_at(&h, to, 1), to == 3 ? SIM_NET_NEVER : 5 * MS);
    assert_int_equal(handled_at(&h, 1, 2), 5 * MS);
    assert_int_equal(handled_at(&h, 2, 2), 5 * MS);
    assert_int_equal(handled_at(&h, 4, 3), 5 * MS);
    assert_int_equal(h.n, 6 + 2); /* 6 messages handled, one crash, one restart */
    sim_net_link_stats tot;
    sim_net_stats_total(h.net, &tot);
    assert_int_equal(tot.dropped_crash, 1);
    assert_int_equal(tot.delivered, 6);
    assert_int_equal(sim_net_pool_in_use(h.net), 0);
    assert_int_equal(sim_net_error(h.net), SIM_NET_OK);
    host_free(&h);
    sim_net_config_free(&cfg);
}

typedef struct observed {
    size_t fates[4];
    uint64_t last_id;
    size_t n;
} observed;

static void observer(void *ctx, const sim_net_msg_info *m) {
    observed *o = ctx;
    o->fates[m->fate]++;
    o->n++;
    if (m->fate == SIM_NET_DELIVERED) {
        assert_true(m->send_ns <= m->depart_ns && m->depart_ns <= m->arrival_ns && m->arrival_ns <= m->handled_ns);
        assert_true(m->len >= 4);
    } else {
        assert_int_equal(m->handled_ns, SIM_NET_NEVER);
    }
}

/* Everyone sends to everyone on a lognormal network with loss, a partition
** and a crash; returns the records' digest and the engine digest. */
static void run_mesh(uint64_t seed, char digest[33], uint64_t *rec_hash, observed *o) {
    sim_net_config cfg;
    sim_net_config_init(&cfg);
    cfg.latency.dist = sim_lat_lognormal(20 * MS, 0.6);
    cfg.loss = 0.05;
    cfg.bandwidth_bps = 100000000;
    assert_true(sim_net_config_add_partition(&cfg, 2 * S, 3 * S, false, "g[0]", "g[1]"));
    assert_true(sim_net_config_add_crash(&cfg, "g[2]", 4 * S, 5 * S));
    host h;
    host_init(&h, &cfg, seed);
    h.cost_ns = 3 * MS;
    h.msg_bytes = 500;
    for (int i = 0; i < 6; i++) {
        add(&h, "g", SIM_NET_REGION_AUTO);
    }
    resolve_ok(&h);
    sim_net_set_observer(h.net, observer, o);
    uint32_t payload = 0;
    for (uint64_t t = 0; t < 8 * S; t += 50 * MS) {
        for (uint32_t from = 0; from < 6; from++) {
            for (uint32_t to = 0; to < 6; to++) {
                if (from != to) {
                    sched_send(&h, t, from, to, payload++);
                }
            }
        }
    }
    (void)sim_engine_run(h.e, 100 * S, NULL);
    uint64_t x = 1469598103934665603ull;
    for (size_t i = 0; i < h.n; i++) {
        x = (x ^ h.recs[i].t_ns) * 1099511628211ull;
        x = (x ^ ((uint64_t)h.recs[i].node << 32 | h.recs[i].payload)) * 1099511628211ull;
    }
    *rec_hash = x;
    sim_engine_digest_hex(h.e, digest);
    sim_net_link_stats tot;
    sim_net_stats_total(h.net, &tot);
    check_invariant(&tot);
    assert_int_equal(o->fates[SIM_NET_DELIVERED], tot.delivered);
    assert_int_equal(o->fates[SIM_NET_DROP_LOSS], tot.dropped_loss);
    assert_int_equal(o->fates[SIM_NET_DROP_PARTITION], tot.dropped_partition);
    assert_int_equal(o->fates[SIM_NET_DROP_CRASH], tot.dropped_crash);
    assert_true(tot.dropped_loss > 0 && tot.dropped_partition > 0 && tot.dropped_crash > 0);
    host_free(&h);
    sim_net_config_free(&cfg);
}

static void test_net_same_seed_same_delivery_times(void **state) {
    (void)state;
    char d1[33], d2[33], d3[33];
    uint64_t h1, h2, h3;
    observed o1 = {0}, o2 = {0}, o3 = {0};
    run_mesh(7, d1, &h1, &o1);
    run_mesh(7, d2, &h2, &o2);
    run_mesh(8, d3, &h3, &o3);
    assert_string_equal(d1, d2);
    assert_int_equal(h1, h2);
    assert_int_equal(o1.n, o2.n);
    assert_string_not_equal(d1, d3);
    assert_int_not_equal(h1, h3);
}

/* ---- the network: section ----------------------------------------------- */

static sim_ydoc *parse(const char *text, sim_diag *d) {
    sim_ydoc *doc = sim_ydoc_load_string("dir/s.yaml", text, strlen(text), d);
    if (doc == NULL) {
        sim_diag_print(d, stderr);
    }
    assert_non_null(doc);
    return doc;
}

static void test_net_config_load_good_yaml(void **state) {
    (void)state;
    const char *text =
        "network:\n"
        "  regions: matrices/m.csv\n"
        "  placement:\n"
        "    verifiers: all\n"
        "    relayers: [us-east-1, Tokyo]\n"
        "    users: {London: 3, Sydney: 1}\n"
        "  latency: {model: matrix, jitter: {model: lognormal, median: 2ms, sigma: 0.5}}\n"
        "  bandwidth: 1 Gbps\n"
        "  loss: 0.1%\n"
        "  fifo: false\n"
        "  partitions:\n"
        "    - {from: 60s, until: 120s, between: [region:us-east-1, verifiers], direction: both}\n"
        "    - {between: [[a, \"b[1]\"], c], direction: one-way}\n"
        "  crashes:\n"
        "    - {node: \"verifiers[3]\", at: 30s, restart: 90s}\n"
        "    - {node: [x, y], at: 1.5s}\n";
    sim_diag *d = sim_diag_new();
    sim_ydoc *doc = parse(text, d);
    sim_net_config c;
    bool ok = sim_net_config_load(sim_ymap_get(sim_ydoc_root(doc), "network"), &c, d);
    if (!ok) {
        sim_diag_print(d, stderr);
    }
    assert_true(ok);
    assert_string_equal(c.regions_path, "dir/matrices/m.csv");
    assert_int_equal(c.regions_mark.line, 2);
    assert_int_equal(c.placement_count, 3);
    assert_string_equal(c.placements[0].group, "verifiers");
    assert_int_equal(c.placements[0].count, 0);
    assert_int_equal(c.placements[1].count, 2);
    assert_string_equal(c.placements[1].regions[1].text, "Tokyo");
    assert_null(c.placements[1].weights);
    assert_int_equal(c.placements[2].weights[0], 3);
    assert_int_equal(c.placements[2].weights[1], 1);
    assert_int_equal(c.placements[2].regions[1].mark.line, 6);
    assert_true(c.latency.matrix);
    assert_int_equal(c.latency.dist.model, SIM_LAT_LOGNORMAL);
    assert_int_equal(c.latency.dist.median_ns, 2 * MS);
    assert_true(c.latency.dist.sigma == 0.5);
    assert_int_equal(c.bandwidth_bps, 1000000000ull);
    assert_true(c.loss > 0.000999 && c.loss < 0.001001);
    assert_false(c.fifo);
    assert_int_equal(c.partition_count, 2);
    assert_int_equal(c.partitions[0].from_ns, 60 * S);
    assert_int_equal(c.partitions[0].until_ns, 120 * S);
    assert_false(c.partitions[0].one_way);
    assert_string_equal(c.partitions[0].a.items[0].text, "region:us-east-1");
    assert_string_equal(c.partitions[0].a.items[0].mark.file, "dir/s.yaml");
    assert_int_equal(c.partitions[0].a.items[0].mark.line, 12);
    assert_int_equal(c.partitions[1].from_ns, 0);
    assert_int_equal(c.partitions[1].until_ns, SIM_NET_NEVER);
    assert_true(c.partitions[1].one_way);
    assert_int_equal(c.partitions[1].a.count, 2);
    assert_string_equal(c.partitions[1].a.items[1].text, "b[1]");
    assert_int_equal(c.crash_count, 2);
    assert_int_equal(c.crashes[0].at_ns, 30 * S);
    assert_int_equal(c.crashes[0].restart_ns, 90 * S);
    assert_int_equal(c.crashes[1].at_ns, 1500 * MS);
    assert_int_equal(c.crashes[1].restart_ns, SIM_NET_NEVER);
    assert_int_equal(c.crashes[1].nodes.count, 2);
    sim_net_config_free(&c);

    /* absent section: defaults (matrix, no jitter, fifo, no loss) */
    assert_true(sim_net_config_load(NULL, &c, d));
    assert_true(c.latency.matrix);
    assert_int_equal(c.latency.dist.model, SIM_LAT_CONSTANT);
    assert_int_equal(c.latency.dist.value_ns, 0);
    assert_true(c.fifo);
    assert_null(c.regions_path);
    sim_net_config_free(&c);
    assert_int_equal(sim_diag_errors(d), 0);
    sim_ydoc_free(doc);
    sim_diag_free(d);
}

static void test_net_config_load_every_model(void **state) {
    (void)state;
    static const struct {
        const char *yaml;
        sim_lat_dist want;
    } cases[] = {
        {"network: {latency: {model: constant, value: 50ms}}", {.model = SIM_LAT_CONSTANT, .value_ns = 50 * MS}},
        {"network: {latency: {model: uniform, min: 10ms, max: 90ms}}",
         {.model = SIM_LAT_UNIFORM, .min_ns = 10 * MS, .max_ns = 90 * MS}},
        {"network: {latency: {model: normal, mean: 50ms, stddev: 10ms}}",
         {.model = SIM_LAT_NORMAL, .mean_ns = 50 * MS, .stddev_ns = 10 * MS}},
        {"network: {latency: {model: lognormal, median: 40ms, sigma: 0.6}}",
         {.model = SIM_LAT_LOGNORMAL, .median_ns = 40 * MS, .sigma = 0.6}},
        {"network: {latency: {model: pareto, scale: 20ms, alpha: 2.5}}",
         {.model = SIM_LAT_PARETO, .scale_ns = 20 * MS, .alpha = 2.5}},
        {"network: {latency: {model: exponential, mean: 30ms, floor: 5ms}}",
         {.model = SIM_LAT_EXPONENTIAL, .mean_ns = 30 * MS, .floor_ns = 5 * MS}},
        {"network: {latency: {model: exponential, mean: 30ms}}",
         {.model = SIM_LAT_EXPONENTIAL, .mean_ns = 30 * MS, .floor_ns = 0}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sim_diag *d = sim_diag_new();
        sim_ydoc *doc = parse(cases[i].yaml, d);
        sim_net_config c;
        assert_true(sim_net_config_load(sim_ymap_get(sim_ydoc_root(doc), "network"), &c, d));
        assert_false(c.latency.matrix);
        const sim_lat_dist *g = &c.latency.dist, *w = &cases[i].want;
        assert_int_equal(g->model, w->model);
        assert_int_equal(g->value_ns, w->value_ns);
        assert_int_equal(g->min_ns, w->min_ns);
        assert_int_equal(g->max_ns, w->max_ns);
        assert_int_equal(g->mean_ns, w->mean_ns);
        assert_int_equal(g->stddev_ns, w->stddev_ns);
        assert_int_equal(g->median_ns, w->median_ns);
        assert_true(g->sigma == w->sigma);
        assert_int_equal(g->scale_ns, w->scale_ns);
        assert_true(g->alpha == w->alpha);
        assert_int_equal(g->floor_ns, w->floor_ns);
        sim_net_config_free(&c);
        sim_ydoc_free(doc);
        sim_diag_free(d);
    }
}

static void test_net_config_load_bad_yaml(void **state) {
    (void)state;
    static const struct {
        const char *yaml;
        const char *where; /* "line:col" of the first error */
        const char *needle;
    } cases[] = {
        {"network:\n  latncy: {model: constant, value: 1ms}\n", "2:3", "unknown key 'latncy'"},
        {"network:\n  latency: {model: constant, value: 50}\n", "2:37", "with a unit"},
        {"network:\n  latency: {model: gaussian, mean: 1ms}\n", "2:20", "one of"},
        {"network:\n  latency: {model: normal, mean: 1ms}\n", "2:12", "missing required key 'stddev'"},
        {"network:\n  latency: {model: constant, value: 1ms, mean: 2ms}\n", "2:42", "unknown key 'mean'"},
        {"network:\n  latency: {model: uniform, min: 9ms, max: 1ms}\n", "2:12", "min"},
        {"network:\n  latency: {model: exponential, mean: 1ms, floor: 2ms}\n", "2:12", "floor"},
        {"network:\n  latency: {model: lognormal, median: 1ms, sigma: 11}\n", "2:51", "out of range"},
        {"network:\n  latency: {model: lognormal, median: 1ms, sigma: 0}\n", "2:51", "greater than 0"},
        {"network:\n  latency: {model: pareto, scale: 1ms, alpha: 0.0}\n", "2:47", "greater than 0"},
        {"network:\n  latency: {model: matrix, jitter: {model: matrix}}\n", "2:44", "cannot be a matrix"},
        {"network:\n  latency: constant\n", "2:12", "expected a mapping"},
        {"network:\n  bandwidth: 1000\n", "2:14", "bps"},
        {"network:\n  loss: 150%\n", "2:9", ""},
        {"network:\n  fifo: maybe\n", "2:9", "true or false"},
        {"network:\n  regions: [a]\n", "2:12", "string"},
        {"network:\n  placement: {v: everywhere}\n", "2:18", "expected 'all'"},
        {"network:\n  placement: {v: []}\n", "2:18", "no region"},
        {"network:\n  placement: {v: {London: 0}}\n", "2:27", ""},
        {"network:\n  placement: {v: [London, London]}\n", "2:27", "twice"},
        {"network:\n  partitions: {from: 1s}\n", "2:15", "expected a list"},
        {"network:\n  partitions:\n    - {from: 1s, until: 2s, between: [a, b, c]}\n", "3:38", "exactly two"},
        {"network:\n  partitions:\n    - {from: 2s, until: 1s, between: [a, b]}\n", "3:25", "empty"},
        {"network:\n  partitions:\n    - {until: 1s}\n", "3:7", "between"},
        {"network:\n  partitions:\n    - {between: [a, b], direction: sideways}\n", "3:36", "one of"},
        {"network:\n  partitions:\n    - {between: [a, []]}\n", "3:21", "selector"},
        {"network:\n  partitions:\n    - {between: [a, b], start: 1s}\n", "3:25", "unknown key 'start'"},
        {"network:\n  crashes:\n    - {node: a, at: 5s, restart: 4s}\n", "3:34", "after"},
        {"network:\n  crashes:\n    - {node: a}\n", "3:7", "missing required key 'at'"},
        {"network:\n  crashes:\n    - {at: 1s}\n", "3:7", "'node'"},
        {"network: [1, 2]\n", "1:10", "expected a mapping"},
    };
    size_t failures = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sim_diag *d = sim_diag_new();
        sim_ydoc *doc = parse(cases[i].yaml, d);
        sim_net_config c;
        bool ok = sim_net_config_load(sim_ymap_get(sim_ydoc_root(doc), "network"), &c, d);
        char where[64];
        snprintf(where, sizeof where, "dir/s.yaml:%s: error: ", cases[i].where);
        if (ok || sim_diag_errors(d) == 0 || strstr(sim_diag_message(d, 0), where) == NULL ||
            strstr(sim_diag_message(d, 0), cases[i].needle) == NULL) {
            print_error("case %zu: ok=%d, errors=%zu, first: %s\n", i, ok, sim_diag_errors(d),
                        sim_diag_errors(d) ? sim_diag_message(d, 0) : "-");
            failures++;
        }
        sim_net_config_free(&c);
        sim_ydoc_free(doc);
        sim_diag_free(d);
    }
    assert_int_equal(failures, 0);
}

static void test_net_config_reports_several_errors_and_resolve_uses_marks(void **state) {
    (void)state;
    const char *text =
        "network:\n"
        "  latency: {model: constant, value: 1ms}\n"
        "  partitions:\n"
        "    - {between: [validators, \"probes[2]\"]}\n"
        "  crashes:\n"
        "    - {node: region:atlantis, at: 1s}\n";
    sim_diag *d = sim_diag_new();
    sim_ydoc *doc = parse(text, d);
    sim_net_config c;
    assert_true(sim_net_config_load(sim_ymap_get(sim_ydoc_root(doc), "network"), &c, d));
    host h;
    host_init(&h, &c, 1);
    add(&h, "probes", SIM_NET_REGION_AUTO);
    add(&h, "probes", SIM_NET_REGION_AUTO);
    assert_false(sim_net_resolve(h.net, d));
    assert_int_equal(sim_diag_errors(d), 3);
    assert_non_null(strstr(sim_diag_message(d, 0), "dir/s.yaml:4:18: error: unknown group 'validators'"));
    assert_non_null(strstr(sim_diag_message(d, 1), "dir/s.yaml:4:30: error: node index 2 out of range"));
    assert_non_null(strstr(sim_diag_message(d, 2), "dir/s.yaml:6:14: error: unknown region 'atlantis'"));
    host_free(&h);
    sim_net_config_free(&c);
    sim_ydoc_free(doc);
    sim_diag_free(d);

    /* several loader errors in one pass */
    const char *bad =
        "network:\n"
        "  loss: 2\n"
        "  fifo: 3\n"
        "  bandwidth: fast\n";
    d = sim_diag_new();
    doc = parse(bad, d);
    assert_false(sim_net_config_load(sim_ymap_get(sim_ydoc_root(doc), "network"), &c, d));
    assert_int_equal(sim_diag_errors(d), 3);
    sim_net_config_free(&c);
    sim_ydoc_free(doc);
    sim_diag_free(d);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_net_constant_latency_delivers_after_delay),
        cmocka_unit_test(test_net_bandwidth_serialises_fifo_on_the_uplink),
        cmocka_unit_test(test_net_loss_rate_close_to_configured),
        cmocka_unit_test(test_net_fifo_prevents_overtaking),
        cmocka_unit_test(test_net_partition_drops_exactly_the_window),
        cmocka_unit_test(test_net_partition_one_way_and_selectors),
        cmocka_unit_test(test_net_partition_between_depart_and_arrival_does_not_drop),
        cmocka_unit_test(test_net_crash_drops_inputs_timers_and_restart_resumes),
        cmocka_unit_test(test_net_crash_discards_queue_and_outbox),
        cmocka_unit_test(test_net_crash_inside_own_handler),
        cmocka_unit_test(test_net_cpu_overloaded_node_falls_behind),
        cmocka_unit_test(test_net_timer_cancel),
        cmocka_unit_test(test_net_send_errors),
        cmocka_unit_test(test_net_matrix_latency_is_the_region_pair_base),
        cmocka_unit_test(test_net_placement_round_robin_and_weights),
        cmocka_unit_test(test_net_partition_by_region_selector),
        cmocka_unit_test(test_net_resolve_reports_unknown_names_at_marks),
        cmocka_unit_test(test_net_broadcast_shares_payload_bytes_intact),
        cmocka_unit_test(test_net_pool_reuses_slots_in_steady_state),
        cmocka_unit_test(test_net_same_seed_same_delivery_times),
        cmocka_unit_test(test_net_config_load_good_yaml),
        cmocka_unit_test(test_net_config_load_every_model),
        cmocka_unit_test(test_net_config_load_bad_yaml),
        cmocka_unit_test(test_net_config_reports_several_errors_and_resolve_uses_marks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
