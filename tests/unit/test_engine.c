/*
** Tests of the discrete-event engine (sim/engine.h): order at equal times,
** a differential test against a naive sorted reference over random
** interleavings of schedules, timers, cancels and run slices, cancellation
** corner cases, run-until and stop semantics, the digest, progress
** callbacks, compaction of cancelled timers, extreme times, and PHOLD.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"
#include "phold.h"

/* ---- a recording handler -------------------------------------------------- */

#define LOG_MAX 8192

typedef struct rec {
    uint64_t time_ns, seq, arg;
    uint32_t kind, node;
} rec;

typedef struct recorder {
    rec log[LOG_MAX];
    size_t n;
    uint64_t stop_at;                 /* sim_engine_stop at this count (0: never) */
    volatile sig_atomic_t *flag;      /* set at flag_at */
    uint64_t flag_at;
    sim_timer cancel_in_handler;      /* cancelled from the handler */
    int cancel_result;                /* -1 until tried */
} recorder;

static void rec_handler(void *ctx, sim_engine *e, const sim_event *ev) {
    recorder *r = ctx;
    assert_true(r->n < LOG_MAX);
    assert_int_equal(ev->time_ns, sim_now_ns(e));
    r->log[r->n++] = (rec){ev->time_ns, ev->seq, ev->arg, ev->kind, ev->node};
    if (r->cancel_in_handler != 0) {
        r->cancel_result = sim_timer_cancel(e, r->cancel_in_handler);
        r->cancel_in_handler = 0;
    }
    if (r->stop_at != 0 && r->n == r->stop_at) {
        sim_engine_stop(e);
    }
    if (r->flag != NULL && r->n == r->flag_at) {
        *r->flag = 1;
    }
}

static recorder *recorder_new(void) {
    recorder *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->cancel_result = -1;
    return r;
}

/* ---- order ------------------------------------------------------------------ */

static void test_engine_equal_times_follow_insertion(void **state) {
    (void)state;
    sim_engine *e = sim_engine_new(16);
    recorder *r = recorder_new();
    uint32_t ka = sim_engine_register(e, "a", rec_handler, r);
    uint32_t kb = sim_engine_register(e, "b", rec_handler, r);
    /* Interleave two times and two kinds; arg is the expected position. */
    assert_int_equal(sim_schedule_at(e, 500, kb, 7, 3), 1);
    assert_int_equal(sim_schedule_at(e, 100, ka, 9, 0), 2);
    assert_int_equal(sim_schedule_at(e, 500, ka, 1, 4), 3);
    assert_int_equal(sim_schedule_at(e, 100, kb, 2, 1), 4);
    assert_int_equal(sim_schedule_at(e, 100, ka, 2, 2), 5);
    assert_int_equal(sim_schedule_at(e, 500, kb, 0, 5), 6);
    assert_int_equal(sim_engine_run(e, UINT64_MAX, NULL), SIM_RUN_EMPTY);
    assert_int_equal(r->n, 6);
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(r->log[i].arg, i);
    }
    assert_int_equal(r->log[0].seq, 2);
    assert_int_equal(r->log[0].node, 9);
    assert_int_equal(r->log[3].seq, 1);
    assert_int_equal(r->log[3].kind, kb);
    assert_int_equal(sim_now_ns(e), 500);
    assert_int_equal(sim_engine_events(e), 6);
    assert_int_equal(sim_engine_pending(e), 0);
    assert_int_equal(sim_engine_peak_pending(e), 6);
    free(r);
    sim_engine_free(e);
}

/* Events scheduled at the current time from a handler run after the ones
** already queued for that time, in the order scheduled. */
typedef struct chain {
    uint32_t kind;
    uint64_t order[16];
    size_t n;
} chain;

static void chain_handler(void *ctx, sim_engine *e, const sim_event *ev) {
    chain *c = ctx;
    c->order[c->n++] = ev->arg;
    if (ev->arg == 1) {
        sim_schedule_in(e, 0, c->kind, 0, 10);
        sim_schedule_in(e, 0, c->kind, 0, 11);
    }
    if (ev->arg == 10) {
        sim_schedule_at(e, sim_now_ns(e), c->kind, 0, 20);
    }
}

static void test_engine_zero_delay_runs_after_queued_same_time(void **state) {
    (void)state;
    sim_engine *e = sim_engine_new(0);
    chain c = {0};
    c.kind = sim_engine_register(e, "chain", chain_handler, &c);
    sim_schedule_at(e, 42, c.kind, 0, 1);
    sim_schedule_at(e, 42, c.kind, 0, 2);
    sim_schedule_at(e, 43, c.kind, 0, 3);
    assert_int_equal(sim_engine_run(e, UINT64_MAX, NULL), SIM_RUN_EMPTY);
    uint64_t want[] = {1, 2, 10, 11, 20, 3};
    assert_int_equal(c.n, 6);
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(c.order[i], want[i]);
    }
    sim_engine_free(e);
}

static void test_engine_extreme_times_order(void **state) {
    (void)state;
    sim_engine *e = sim_engine_new(0);
    recorder *r = recorder_new();
    uint32_t k = sim_engine_register(e, "x", rec_handler, r);
    sim_schedule_at(e, UINT64_MAX, k, 0, 5);
    sim_schedule_at(e, UINT64_C(1) << 63, k, 0, 3);
    sim_schedule_at(e, 0, k, 0, 0);
    sim_schedule_at(e, UINT64_MAX - 1, k, 0, 4);
    sim_schedule_at(e, 1, k, 0, 1);
    sim_schedule_at(e, (UINT64_C(1) << 63) - 1, k, 0, 2);
    sim_schedule_at(e, UINT64_MAX, k, 0, 6);
    assert_int_equal(sim_engine_run(e, UINT64_MAX, NULL), SIM_RUN_EMPTY);
    assert_int_equal(r->n, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(r->log[i].arg, i);
    }
    assert_int_equal(sim_now_ns(e), UINT64_MAX);
    /* Delays saturate at the end of time. */
    assert_int_not_equal(sim_schedule_in(e, 5, k, 0, 7), 0);
    assert_int_equal(sim_engine_run(e, UINT64_MAX, NULL), SIM_RUN_EMPTY);
    assert_int_equal(r->n, 8);
    assert_int_equal(r->log[7].time_ns, UINT64_MAX);
    free(r);
    sim_engine_free(e);
}

/* ---- differential test against a naive reference -------------------------- */

typedef struct ref_ev {
    uint64_t time_ns, seq, arg;
    uint32_t kind, node;
    sim_timer handle; /* 0 for plain events */
    bool cancelled;
} ref_ev;

#define REF_MAX 20000
#define HANDLES_MAX 256

typedef struct world {
    sim_engine *e;
    ref_ev *ref; /* pending in the reference, unordered */
    size_t ref_n;
    uint64_t rng;
    uint32_t kinds[3];
    sim_timer handles[HANDLES_MAX]; /* live, fired and cancelled alike */
    size_t handle_n;
    uint64_t next_seq; /* what the engine must hand out next */
    uint64_t budget;   /* schedules left */
    uint64_t dispatched;
    int delay_profile;
} world;

static uint64_t w_rand(world *w) {
    uint64_t z = (w->rng += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t w_delay(world *w) {
    uint64_t r = w_rand(w);
    unsigned pick = (unsigned)(r % 10);
    uint64_t v = w_rand(w);
    switch (w->delay_profile) {
    case 0: /* many ties */
        return pick < 4 ? 0 : v % 4;
    case 1: /* mixed scales */
        if (pick < 2) {
            return 0;
        }
        if (pick < 5) {
            return v % 16;
        }
        if (pick < 9) {
            return v % (UINT64_C(1) << 20);
        }
        return v % (UINT64_C(1) << 44);
    default: /* PHOLD-like: nanosecond times around a second */
        return 100000000u + v % 2000000000u;
    }
}

/* Schedules one random event (plain or timer) in both. */
static void w_schedule(world *w, uint64_t time_ns) {
    assert_true(w->ref_n < REF_MAX);
    uint32_t kind = w->kinds[w_rand(w) % 3];
    uint32_t node = (uint32_t)(w_rand(w) % 1000);
    uint64_t arg = w_rand(w);
    bool timer = w_rand(w) % 4 == 0;
    ref_ev *x = &w->ref[w->ref_n++];
    *x = (ref_ev){time_ns, w->next_seq, arg, kind, node, 0, false};
    if (timer) {
        x->handle = sim_timer_at(w->e, time_ns, kind, node, arg);
        assert_int_not_equal(x->handle, 0);
        if (w->handle_n < HANDLES_MAX) {
            w->handles[w->handle_n++] = x->handle;
        } else {
            w->handles[w_rand(w) % HANDLES_MAX] = x->handle;
        }
    } else {
        assert_int_equal(sim_schedule_at(w->e, time_ns, kind, node, arg), w->next_seq);
    }
    w->next_seq++;
    w->budget--;
}

/* Cancels a random remembered handle in both; results must agree. */
static void w_cancel(world *w) {
    if (w->handle_n == 0) {
        return;
    }
    sim_timer h = w->handles[w_rand(w) % w->handle_n];
    bool want = false;
    for (size_t i = 0; i < w->ref_n; i++) {
        if (w->ref[i].handle == h && !w->ref[i].cancelled) {
            w->ref[i].cancelled = true;
            want = true;
        }
    }
    assert_int_equal(sim_timer_cancel(w->e, h), want);
}

/* Index of the reference's next event, or ref_n when none is live. */
static size_t w_ref_min(const world *w) {
    size_t m = w->ref_n;
    for (size_t i = 0; i < w->ref_n; i++) {
        const ref_ev *x = &w->ref[i];
        if (x->cancelled) {
            continue;
        }
        if (m == w->ref_n || x->time_ns < w->ref[m].time_ns ||
            (x->time_ns == w->ref[m].time_ns && x->seq < w->ref[m].seq)) {
            m = i;
        }
    }
    return m;
}

static void w_handler(void *ctx, sim_engine *e, const sim_event *ev) {
    world *w = ctx;
    size_t m = w_ref_min(w);
    assert_true(m < w->ref_n);
    const ref_ev *x = &w->ref[m];
    assert_int_equal(ev->time_ns, x->time_ns);
    assert_int_equal(ev->seq, x->seq);
    assert_int_equal(ev->kind, x->kind);
    assert_int_equal(ev->node, x->node);
    assert_int_equal(ev->arg, x->arg);
    w->ref[m] = w->ref[--w->ref_n];
    w->dispatched++;
    /* A fired timer's handle no longer cancels. */
    unsigned ops = (unsigned)(w_rand(w) % 4);
    for (unsigned i = 0; i < ops && w->budget > 0; i++) {
        if (w_rand(w) % 5 == 0) {
            w_cancel(w);
        } else {
            uint64_t d = w_delay(w);
            uint64_t now = sim_now_ns(e);
            w_schedule(w, d > UINT64_MAX - now ? UINT64_MAX : now + d);
        }
    }
}

static void differential_run(uint64_t seed, int profile) {
    world *w = calloc(1, sizeof *w);
    assert_non_null(w);
    w->ref = calloc(REF_MAX, sizeof(ref_ev));
    assert_non_null(w->ref);
    w->rng = seed;
    w->next_seq = 1;
    w->budget = 20000;
    w->delay_profile = profile;
    w->e = sim_engine_new(64);
    assert_non_null(w->e);
    for (int i = 0; i < 3; i++) {
        w->kinds[i] = sim_engine_register(w->e, "w", w_handler, w);
    }
    for (int i = 0; i < 300; i++) {
        w_schedule(w, w_delay(w));
    }
    /* Run in slices, scheduling and cancelling from outside in between. */
    for (int slice = 0; slice < 200; slice++) {
        uint64_t now = sim_now_ns(w->e);
        uint64_t step = w_delay(w) * (uint64_t)(w_rand(w) % 8);
        uint64_t until = step > UINT64_MAX - now ? UINT64_MAX : now + step;
        sim_run_result res = sim_engine_run(w->e, until, NULL);
        size_t m = w_ref_min(w);
        if (res == SIM_RUN_UNTIL) {
            assert_int_equal(sim_now_ns(w->e), until);
            assert_true(m < w->ref_n && w->ref[m].time_ns > until);
        } else {
            assert_int_equal(res, SIM_RUN_EMPTY);
            assert_int_equal(m, w->ref_n);
        }
        for (int i = 0; i < 5 && w->budget > 0; i++) {
            if (w_rand(w) % 3 == 0) {
                w_cancel(w);
            } else {
                uint64_t t = sim_now_ns(w->e);
                uint64_t d = w_delay(w);
                w_schedule(w, d > UINT64_MAX - t ? UINT64_MAX : t + d);
            }
        }
    }
    assert_int_equal(sim_engine_run(w->e, UINT64_MAX, NULL), SIM_RUN_EMPTY);
    assert_int_equal(w_ref_min(w), w->ref_n);
    assert_int_equal(sim_engine_pending(w->e), 0);
    assert_int_equal(sim_engine_events(w->e), w->dispatched);
    assert_true(w->dispatched > 10000);
    sim_engine_free(w->e);
    free(w->ref);
    free(w);
}

static void test_engine_matches_sorted_reference_ties(void **state) {
    (void)state;
    differential_run(1, 0);
    differential_run(2, 0);
}

static void test_engine_matches_sorted_reference_mixed_scales(void **state) {
    (void)state;
    differential_run(3, 1);
    differential_run(4, 1);
}

static void test_engine_matches_sorted_reference_phold_like(void **state) {
    (void)state;
    differential_run(5, 2);
    differential_run(6, 2);
}

/* ---- cancellation ------------------------------------------------------------ */

static void test_engine_cancel_pending_timer(void **state) {
    (void)state;
    sim_engine *e = sim_engine_new(0);
    recorder *r = recorder_new();
    uint32_t k = sim_engine_register(e, "t", rec_handler, r);
    sim_timer t1 = sim_timer_at(e, 10, k, 1, 100);
    sim_timer t2 = sim_timer_at(e, 20, k, 2, 200);
    sim_timer t3 = sim_timer_in(e, 30, k, 3, 300);
    assert_int_not_equal(t1, 0);
    assert_int_not_equal(t2, 0);
    assert_int_not_equal(t3, 0);
    assert_true(t1 != t2 && t2 != t3);
    assert_true(sim_timer_cancel(e, t2));
    assert_int_equal(sim_engine_pending(e), 3); /* cancelled count until dropped */
    assert_int_equal(sim_engine_run(e, UINT64_MAX, NULL), SIM_RUN_EMPTY);
    assert_int_equal(r->n, 2);
    assert_int_equal(r->log[0].arg, 100);
    assert_int_equal(r->log[1].arg, 300);
    assert_int_equal(r->log[1].time_ns, 30);
    assert_int_equal(sim_engine_events(e), 2);
    assert_int_equal(sim_engine_pending(e), 0);
    free(r);
    sim_engine_free(e);
}

static void test_engine_cancel_fired_twice_and_zero(void **state) {
    (void)state;
    sim_engine *e = sim_engine_new(0);
    recorder *r = recorder_new();
    uint32_t k = sim_engine_register(e, "t", rec_handler, r);
    sim_timer fired = sim_timer_at(e, 5, k, 0, 1);
    sim_timer twice = sim_timer_at(e, 50, k, 0, 2);
    uint64_t plain_seq = sim_schedule_at(e, 60, k, 0, 3);
    assert_int_equal(sim_engine_run(e, 10, NULL), SIM_RUN_UNTIL);
    assert_int_equal(r->n, 1);
    assert_false(sim_timer_cancel(e, fired));    /* already fired */
    assert_true(sim_timer_cancel(e, twice));
    assert_false(sim_timer_cancel(e, twice));    /* cancelled already */
    assert_false(sim_timer_cancel(e, 0));        /* "no timer" */
    assert_false(sim_timer_cancel(e, plain_seq)); /* a sequence number is not a handle */
    assert_int_equal(sim_engine_run(e, UINT64_MAX, NULL), SIM_RUN_EMPTY);
    assert_int_equal(r->n, 2);
    assert_int_equal(r->log[1].arg, 3);
    free(r);
    sim_engine_free(e);
}

/* White-box: a handle's low 24 bits name its timer slot (engine.c). */
#define SLOT_BITS_OF_HANDLE UINT64_C(0xffffff)

static void test_engine_cancel_stale_handle_after_slot_reuse(void **state) {
    (void)state;
    sim_engine *e = sim_engine_new(0);
    recorder *r = recorder_new();
    uint32_t k = sim_engine_register(e, "t", rec_handler, r);
    /* A fires; B takes A's freed timer slot. */
    sim_timer a = sim_timer_at(e, 1, k, 0, 1);
    assert_int_equal(sim_engine_run(e, 1, NULL), SIM_RUN_EMPTY);
    sim_timer b = sim_timer_at(e, 2, k, 0, 2);
    assert_int_not_equal(a, b);
    assert_int_equal(a & SLOT_BITS_OF_HANDLE, b & SLOT_BITS_OF_HANDLE); /* same slot */
    assert_false(sim_timer_cancel(e, a));
    /* C is cancelled, its slot dropped and reused by D or E (B's slot is
    ** free too, and which is taken first is the engine's business). */
    sim_timer c = sim_timer_at(e, 3, k, 0, 3);
    assert_true(sim_timer_cancel(e, c));
    assert_int_equal(sim_engine_run(e, 3, NULL), SIM_RUN_EMPTY);
    sim_timer d = sim_timer_at(e, 4, k, 0, 4);
    sim_timer f = sim_timer_at(e, 5, k, 0, 5);
    assert_true((c & SLOT_BITS_OF_HANDLE) == (d & SLOT_BITS_OF_HANDLE) ||
                (c & SLOT_BITS_OF_HANDLE) == (f & SLOT_BITS_OF_HANDLE));
    assert_false(sim_timer_cancel(e, c));
    assert_false(sim_timer_cancel(e, a));
    assert_int_equal(sim_engine_run(e, UINT64_MAX, NULL), SIM_RUN_EMPTY);
    assert_int_equal(r->n, 4);
    assert_int_equal(r->log[0].arg, 1);
    assert_int_equal(r->log[1].arg, 2);
    assert_int_equal(r->log[2].arg, 4);
    assert_int_equal(r->log[3].arg, 5);
    assert_false(sim_timer_cancel(e, b));
    assert_false(sim_timer_cancel(e, d));
    assert_false(sim_timer_cancel(e, f));
    free(r);
    sim_engine_free(e);
}

static void test_engine_cancel_own_timer_in_handler_fails(void **state) {
    (void)state;
    sim_engine *e = sim_engine_new(0);
    recorder *r = recorder_new();
    uint32_t k = sim_engine_register(e, "t", rec_handler, r);
    sim_timer t = sim_timer_at(e, 7, k, 0, 1);
    r->cancel_in_handler = t;
    assert_int_equal(sim_engine_run(e, UINT64_MAX, NULL), SIM_RUN_EMPTY);
    assert_int_equal(r->n, 1);
    assert_int_equal(r->cancel_result, 0);
    free(r);
    sim_engine_free(e);
}

/* The earliest queued events are cancelled timers, dropped without
** dispatch: time must not move, and scheduling before them must still work
** (the queue's base must not run ahead of now). */
static void test_engine_cancelled_earliest_then_schedule_earlier(void **state) {
    (void)state;
    sim_engine *e = sim_engine_new(0);
    recorder *r = recorder_new();
    uint32_t k = sim_engine_register(e, "t", rec_handler, r);
    sim_timer t5 = sim_timer_at(e, 5, k, 0, 5);
    sim_timer t6 = sim_timer_at(e, 6, k, 0, 6);
    assert_true(sim_timer_cancel(e, t5));
    assert_true(sim_timer_cancel(e, t6));
    assert_int_equal(sim_engine_run(e, UINT64_MAX, NULL), SIM_RUN_EMPTY);
    assert_int_equal(sim_now_ns(e), 0);
    assert_int_equal(sim_engine_events(e), 0);
    sim_schedule_at(e, 3, k, 0, 3);
    sim_timer t9 = sim_timer_at(e, 9, k, 0, 9);
    sim_schedule_at(e, 20, k, 0, 20);
    assert_true(sim_timer_cancel(e, t9));
    /* Until between the cancelled 9 and the live 20. */
    assert_int_equal(sim_engine_run(e, 15, NULL), SIM_RUN_UNTIL);
    assert_int_equal(sim_now_ns(e), 15);
    sim_schedule_at(e, 16, k, 0, 16);
    assert_int_equal(sim_engine_run(e, UINT64_MAX, NULL), SIM_RUN_EMPTY);
    assert_int_equal(r->n, 3);
    assert_int_equal(r->log[0].arg, 3);
    assert_int_equal(r->log[1].arg, 16);
    assert_int_equal(r->log[2].arg, 20);
    assert_int_equal(sim_now_ns(e), 20);
    free(r);
    sim_engine_free(e);
}

static void test_engine_cancel_many_compacts(void **state) {
    (void)state;
    sim_engine *e = sim_engine_new(0);
    recorder *r = recorder_new();
    uint32_t k = sim_engine_register(e, "t", rec_handler, r);
    sim_timer *h = calloc(3000, sizeof *h);
    assert_non_null(h);
    for (uint64_t i = 0; i < 3000; i++) {
        h[i] = sim_timer_at(e, 1000 + (i * 7919) % 3000, k, (uint32_t)i, i);
        assert_int_not_equal(h[i], 0);
    }
    size_t cancelled = 0;
    for (uint64_t i = 0; i < 3000; i++) {
        if (i % 3 != 0) {
            assert_true(sim_timer_cancel(e, h[i]));
            cancelled++;
        }
    }
    assert_int_equal(cancelled, 2000);
    /* Compaction ran once the cancelled outnumbered the live. */
    assert_true(sim_engine_pending(e) < 3000 - 1000);
    assert_int_equal(sim_engine_run(e, UINT64_MAX, NULL), SIM_RUN_EMPTY);
    assert_int_equal(r->n, 1000);
    for (size_t i = 0; i < r->n; i++) {
        assert_int_equal(r->log[i].arg % 3, 0);
        if (i > 0) {
            assert_true(r->log[i].time_ns > r->log[i - 1].time_ns);
        }
    }
    for (uint64_t i = 0; i < 3000; i++) {
        assert_false(sim_timer_cancel(e, h[i]));
    }
    free(h);
    free(r);
    sim_engine_free(e);
}

/* ---- run-until and stop --------------------------------------------------------- */

static void test_engine_run_until_leaves_time_at_until(void **state) {
    (void)state;
    sim_engine *e = sim_engine_new(0);
    recorder *r = recorder_new();
    uint32_t k = sim_engine_register(e, "t", rec_handler, r);
    sim_schedule_at(e, 10, k, 0, 1);
    sim_schedule_at(e, 20, k, 0, 2);
    sim_schedule_at(e, 30, k, 0, 3);
    assert_int_equal(sim_engine_run(e, 5, NULL), SIM_RUN_UNTIL);
    assert_int_equal(sim_now_ns(e), 5);
    assert_int_equal(r->n, 0);
    assert_int_equal(sim_engine_run(e, 20, NULL), SIM_RUN_UNTIL); /* 20 itself is dispatched */
    assert_int_equal(sim_now_ns(e), 20);
    assert_int_equal(r->n, 2);
    assert_int_equal(sim_engine_run(e, 25, NULL), SIM_RUN_UNTIL);
    assert_int_equal(sim_now_ns(e), 25);
    assert_int_equal(r->n, 2);
    /* Scheduling at the new now, before the queued 30, works. */
    sim_schedule_at(e, 25, k, 0, 4);
    sim_schedule_in(e, 1, k, 0, 5);
    assert_int_equal(sim_engine_run(e, UINT64_MAX, NULL), SIM_RUN_EMPTY);
    assert_int_equal(sim_now_ns(e), 30); /* the last event, not until */
    assert_int_equal(r->n, 5);
    assert_int_equal(r->log[2].arg, 4);
    assert_int_equal(r->log[3].arg, 5);
    assert_int_equal(r->log[3].time_ns, 26);
    assert_int_equal(r->log[4].arg, 3);
    /* An empty queue: EMPTY, time stays. */
    assert_int_equal(sim_engine_run(e, 1000, NULL), SIM_RUN_EMPTY);
    assert_int_equal(sim_now_ns(e), 30);
    free(r);
    sim_engine_free(e);
}

/* A run that ends before the earliest queued event, then an event added
** before it (in the same range of times): the next run must see it. */
static void test_engine_run_until_sees_events_added_between_runs(void **state) {
    (void)state;
    sim_engine *e = sim_engine_new(0);
    recorder *r = recorder_new();
    uint32_t k = sim_engine_register(e, "t", rec_handler, r);
    sim_schedule_at(e, 1000, k, 0, 1000);
    assert_int_equal(sim_engine_run(e, 10, NULL), SIM_RUN_UNTIL);
    sim_schedule_at(e, 600, k, 0, 600);
    assert_int_equal(sim_engine_run(e, 20, NULL), SIM_RUN_UNTIL);
    sim_schedule_at(e, 700, k, 0, 700);
    assert_int_equal(sim_engine_run(e, 650, NULL), SIM_RUN_UNTIL);
    assert_int_equal(r->n, 1);
    assert_int_equal(r->log[0].arg, 600);
    assert_int_equal(sim_engine_run(e, 999, NULL), SIM_RUN_UNTIL);
    assert_int_equal(r->n, 2);
    assert_int_equal(r->log[1].arg, 700);
    assert_int_equal(sim_engine_run(e, UINT64_MAX, NULL), SIM_RUN_EMPTY);
    assert_int_equal(r->n, 3);
    free(r);
    sim_engine_free(e);
}

static void test_engine_stop_request_and_flag(void **state) {
    (void)state;
    sim_engine *e = sim_engine_new(0);
    recorder *r = recorder_new();
    uint32_t k = sim_engine_register(e, "t", rec_handler, r);
    for (uint64_t i = 1; i <= 10; i++) {
        sim_schedule_at(e, i * 100, k, 0, i);
    }
    r->stop_at = 3;
    assert_int_equal(sim_engine_run(e, UINT64_MAX, NULL), SIM_RUN_STOPPED);
    assert_int_equal(r->n, 3);
    assert_int_equal(sim_now_ns(e), 300);
    assert_int_equal(sim_engine_events(e), 3);
    /* The request was consumed: running again continues. */
    volatile sig_atomic_t flag = 0;
    r->flag = &flag;
    r->flag_at = 6;
    assert_int_equal(sim_engine_run(e, UINT64_MAX, &flag), SIM_RUN_STOPPED);
    assert_int_equal(r->n, 6);
    assert_int_equal(sim_now_ns(e), 600);
    /* A flag already set stops before any event. */
    assert_int_equal(sim_engine_run(e, UINT64_MAX, &flag), SIM_RUN_STOPPED);
    assert_int_equal(r->n, 6);
    flag = 0;
    assert_int_equal(sim_engine_run(e, UINT64_MAX, &flag), SIM_RUN_EMPTY);
    assert_int_equal(r->n, 10);
    free(r);
    sim_engine_free(e);
}

/* ---- progress ------------------------------------------------------------------ */

typedef struct progress_log {
    uint64_t at[16];
    size_t n;
} progress_log;

static void progress_cb(void *ctx, const sim_engine *e) {
    progress_log *p = ctx;
    assert_true(p->n < 16);
    p->at[p->n++] = sim_engine_events(e);
}

static void test_engine_progress_every_and_at_end(void **state) {
    (void)state;
    sim_engine *e = sim_engine_new(0);
    recorder *r = recorder_new();
    uint32_t k = sim_engine_register(e, "t", rec_handler, r);
    for (uint64_t i = 0; i < 25; i++) {
        sim_schedule_at(e, i, k, 0, i);
    }
    progress_log p = {0};
    sim_engine_set_progress(e, progress_cb, &p, 10);
    assert_int_equal(sim_engine_run(e, UINT64_MAX, NULL), SIM_RUN_EMPTY);
    assert_int_equal(p.n, 3);
    assert_int_equal(p.at[0], 10);
    assert_int_equal(p.at[1], 20);
    assert_int_equal(p.at[2], 25);
    free(r);
    sim_engine_free(e);
}

/* ---- digest ------------------------------------------------------------------- */

typedef struct digest_case {
    uint64_t t_delta; /* added to the third event's time */
    uint64_t a_delta; /* added to the third event's arg */
    uint32_t n_delta; /* added to the third event's node */
    bool other_kind;  /* third event uses the second kind */
    bool extra_cancelled; /* schedule and cancel an extra timer */
} digest_case;

static void digest_of(const digest_case *c, char out[33]) {
    sim_engine *e = sim_engine_new(0);
    recorder *r = recorder_new();
    uint32_t k1 = sim_engine_register(e, "one", rec_handler, r);
    uint32_t k2 = sim_engine_register(e, "two", rec_handler, r);
    sim_schedule_at(e, 1000, k1, 1, 11);
    sim_schedule_at(e, 2000, k2, 2, 22);
    if (c->extra_cancelled) {
        sim_timer t = sim_timer_at(e, 2500, k1, 9, 99);
        assert_true(sim_timer_cancel(e, t));
    }
    sim_schedule_at(e, 3000 + c->t_delta, c->other_kind ? k2 : k1, 3 + c->n_delta, 33 + c->a_delta);
    sim_schedule_at(e, 4000, k1, 4, 44);
    assert_int_equal(sim_engine_run(e, UINT64_MAX, NULL), SIM_RUN_EMPTY);
    sim_engine_digest_hex(e, out);
    assert_int_equal(strlen(out), 32);
    free(r);
    sim_engine_free(e);
}

static void test_engine_digest_same_and_different(void **state) {
    (void)state;
    char base[33], again[33], d[33];
    digest_case c0 = {0};
    digest_of(&c0, base);
    digest_of(&c0, again);
    assert_string_equal(base, again);
    for (size_t i = 0; i < 32; i++) {
        assert_true((base[i] >= '0' && base[i] <= '9') || (base[i] >= 'a' && base[i] <= 'f'));
    }
    digest_case variants[] = {
        {.t_delta = 1}, {.a_delta = 1}, {.n_delta = 1}, {.other_kind = true},
        {.a_delta = UINT64_C(1) << 63}, {.t_delta = UINT64_C(1) << 40},
    };
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        digest_of(&variants[i], d);
        assert_string_not_equal(base, d);
    }
    /* A cancelled timer leaves no trace. */
    digest_case cancelled = {.extra_cancelled = true};
    digest_of(&cancelled, d);
    assert_string_equal(base, d);
    /* An engine with no events has a digest too, different from one with. */
    sim_engine *e = sim_engine_new(0);
    sim_engine_digest_hex(e, d);
    assert_string_not_equal(base, d);
    sim_engine_free(e);
}

/* ---- PHOLD ------------------------------------------------------------------- */

static void test_engine_phold_deterministic(void **state) {
    (void)state;
    sim_phold_config cfg = {.lps = 50, .pop = 4, .events = 20000, .seed = 7};
    sim_phold_result a, b, c;
    assert_int_equal(sim_phold_run(&cfg, &a), 0);
    assert_int_equal(sim_phold_run(&cfg, &b), 0);
    assert_int_equal(a.events, 20000);
    assert_string_equal(a.digest, b.digest);
    /* A canary for the whole chain (queue order, digest, stream derivation,
    ** xoshiro, the delay formula): the same build inputs give this value on
    ** every build type.  If a change to any of them is intended, update it
    ** and say so in the commit. */
    assert_string_equal(a.digest, "3c61fe98899496881459d73a60e9c969");
    assert_int_equal(a.end_time_ns, b.end_time_ns);
    assert_int_equal(a.peak_pending, 200);
    /* Each event is about 1.1 s after its sender's: 20000 events over 200
    ** chains cover roughly 100 * 1.1 s. */
    assert_true(a.end_time_ns > UINT64_C(80) * 1000000000u);
    assert_true(a.end_time_ns < UINT64_C(140) * 1000000000u);
    cfg.seed = 8;
    assert_int_equal(sim_phold_run(&cfg, &c), 0);
    assert_string_not_equal(a.digest, c.digest);
    const char *why = NULL;
    sim_phold_config bad = {.lps = 0, .pop = 1, .events = 1};
    assert_int_equal(sim_phold_check(&bad, &why), SIM_PHOLD_EINVAL);
    assert_non_null(why);
    assert_int_equal(sim_phold_run(&bad, &c), SIM_PHOLD_EINVAL);
    bad = (sim_phold_config){.lps = 1u << 20, .pop = 1u << 10, .events = 1};
    assert_int_equal(sim_phold_check(&bad, &why), SIM_PHOLD_EINVAL);
    bad = (sim_phold_config){.lps = 1, .pop = 1, .events = 0};
    assert_int_equal(sim_phold_check(&bad, &why), SIM_PHOLD_EINVAL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engine_equal_times_follow_insertion),
        cmocka_unit_test(test_engine_zero_delay_runs_after_queued_same_time),
        cmocka_unit_test(test_engine_extreme_times_order),
        cmocka_unit_test(test_engine_matches_sorted_reference_ties),
        cmocka_unit_test(test_engine_matches_sorted_reference_mixed_scales),
        cmocka_unit_test(test_engine_matches_sorted_reference_phold_like),
        cmocka_unit_test(test_engine_cancel_pending_timer),
        cmocka_unit_test(test_engine_cancel_fired_twice_and_zero),
        cmocka_unit_test(test_engine_cancel_stale_handle_after_slot_reuse),
        cmocka_unit_test(test_engine_cancel_own_timer_in_handler_fails),
        cmocka_unit_test(test_engine_cancelled_earliest_then_schedule_earlier),
        cmocka_unit_test(test_engine_cancel_many_compacts),
        cmocka_unit_test(test_engine_run_until_leaves_time_at_until),
        cmocka_unit_test(test_engine_run_until_sees_events_added_between_runs),
        cmocka_unit_test(test_engine_stop_request_and_flag),
        cmocka_unit_test(test_engine_progress_every_and_at_end),
        cmocka_unit_test(test_engine_digest_same_and_different),
        cmocka_unit_test(test_engine_phold_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
