/*
** The discrete-event engine (see engine.h for the contract).
**
** The queue is a radix heap, a priority queue for monotone integer keys:
** virtual time never goes back, so every pending time is >= `last_ns`, the
** time of the last event taken out of the heap.  Bucket 0 holds the events
** at exactly last_ns, in insertion order; bucket i (1..64) holds those whose
** highest bit differing from last_ns is bit i-1, unordered.  Each bucket
** tracks its least time.  Scheduling appends to one bucket; taking the next
** event pops bucket 0, or, when it is empty, makes the least time of the
** lowest non-empty bucket the new last_ns and moves that bucket's events
** down in one sequential pass (each move goes to a strictly lower bucket,
** so an event moves at most 64 times, and in practice a few).  Events of equal time always share a bucket (the index depends
** only on the time and last_ns), arrive in it in sequence order (a schedule
** appends the newest sequence; moves keep their order), so bucket 0 is in
** sequence order and the order of dispatch is exactly (time, insertion
** sequence), as a heap's would be, with no sorting.
**
** Why not a binary or 4-ary heap: measured on PHOLD with 640,000 pending
** events, a 4-ary heap that carries each event's payload (kind, node, arg)
** runs at about 70% of a payload-free heap, because every level of a sift
** is a dependent cache miss and the payload doubles the bytes.  The radix
** heap only appends and moves sequentially; with 32-byte events inline it
** runs at about twice the payload-free heap (see BENCHMARKS.md).
**
** Timers carry a slot in a timer table (1-based in the event's tag); the
** slot holds the timer's sequence number and state.  Cancelling marks the
** slot; a cancelled event is dropped when it is next moved or reached, or
** all at once when cancelled events outnumber live ones.  A handle encodes
** (sequence, slot), so a stale handle finds a slot that moved on and fails.
**
** The digest is two independent 64-bit multiply-xorshift chains over
** (time, kind|node, arg) of each dispatched event, finalised on output.
*/
#include "engine.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

#define BUCKETS 65u
#define TAG_KIND_BITS 8u
#define TAG_KIND_MASK ((1u << TAG_KIND_BITS) - 1u)
#define TIMER_BIT (UINT64_C(1) << 63)
#define HANDLE_SLOT_BITS 24u
#define HANDLE_SLOT_MASK ((UINT64_C(1) << HANDLE_SLOT_BITS) - 1u)
#define HANDLE_SEQ_MASK ((UINT64_C(1) << (63u - HANDLE_SLOT_BITS)) - 1u)
#define NO_SLOT 0xffffffffu
#define COMPACT_MIN 1024u

_Static_assert(SIM_KIND_MAX <= (1u << TAG_KIND_BITS), "kind must fit the tag");
_Static_assert(SIM_ENGINE_TIMERS_MAX < (UINT64_C(1) << HANDLE_SLOT_BITS), "timer slots must fit a handle");

/* One queued event: 32 bytes, copied around by value. */
typedef struct qent {
    uint64_t time_ns;
    uint64_t seq;
    uint64_t arg;
    uint32_t node;
    uint32_t tag; /* kind | (timer slot + 1) << TAG_KIND_BITS; 0 above the kind if not a timer */
} qent;

typedef struct bucket {
    qent *v;
    size_t n;
    size_t cap;
    uint64_t min_ns; /* least time in the bucket (UINT64_MAX when empty); unused for bucket 0 */
} bucket;

enum { TS_FREE = 0, TS_PENDING = 1, TS_CANCELLED = 2 };

typedef struct tslot {
    uint64_t seq;       /* sequence of the timer that holds (or last held) it */
    uint32_t next_free; /* free list link */
    uint32_t state;     /* TS_* */
} tslot;

typedef struct kind_entry {
    sim_handler_fn fn;
    void *ctx;
    const char *name;
} kind_entry;

struct sim_engine {
    bucket b[BUCKETS];
    size_t b0_head;   /* bucket 0 is consumed from here */
    uint64_t mask;    /* bit i-1 set iff bucket i (1..64) is non-empty */
    uint64_t last_ns; /* the radix base: <= every pending time */
    size_t n;         /* pending, incl. cancelled timers */
    size_t peak;
    size_t cancelled; /* cancelled timers still queued */
    tslot *ts;
    size_t ts_cap;
    uint32_t ts_hw;   /* slots [0, ts_hw) have been handed out */
    uint32_t ts_free; /* NO_SLOT when empty */
    bool running;
    bool stop_requested;
    uint64_t now_ns;
    uint64_t next_seq;
    uint64_t events;
    uint64_t dig_a, dig_b;
    uint64_t next_progress;
    uint64_t progress_every;
    sim_progress_fn progress_fn;
    void *progress_ctx;
    uint32_t kind_count;
    kind_entry kinds[SIM_KIND_MAX];
};

/* ---- buckets ------------------------------------------------------------- */

static inline unsigned bucket_index(uint64_t last_ns, uint64_t time_ns) {
    uint64_t x = time_ns ^ last_ns;
    return x == 0 ? 0u : 64u - (unsigned)__builtin_clzll(x);
}

/* Makes room for one more event in bucket k.  For bucket 0 the consumed
** prefix is reclaimed first.  Returns false when out of memory. */
static bool bucket_reserve(sim_engine *e, unsigned k) {
    bucket *b = &e->b[k];
    if (b->n < b->cap) {
        return true;
    }
    if (k == 0 && e->b0_head > 0) {
        memmove(b->v, b->v + e->b0_head, (b->n - e->b0_head) * sizeof(qent));
        b->n -= e->b0_head;
        e->b0_head = 0;
        if (b->n < b->cap) {
            return true;
        }
    }
    return SIM_GROW(b->v, b->cap, b->n + 1u);
}

static inline bool bucket_append(sim_engine *e, unsigned k, const qent *x) {
    bucket *b = &e->b[k];
    if (b->n == b->cap && !bucket_reserve(e, k)) {
        return false;
    }
    b->v[b->n++] = *x;
    if (k != 0) {
        e->mask |= UINT64_C(1) << (k - 1);
    }
    if (x->time_ns < b->min_ns) {
        b->min_ns = x->time_ns;
    }
    return true;
}

static inline bool qent_is_timer(const qent *x) {
    return (x->tag >> TAG_KIND_BITS) != 0;
}

static inline uint32_t qent_timer_slot(const qent *x) {
    return (x->tag >> TAG_KIND_BITS) - 1u;
}

static void timer_slot_free(sim_engine *e, uint32_t si) {
    assert(si < e->ts_hw && e->ts[si].state != TS_FREE);
    e->ts[si].state = TS_FREE;
    e->ts[si].next_free = e->ts_free;
    e->ts_free = si;
}

/* If x is a cancelled timer, frees its slot, forgets it and returns true. */
static inline bool drop_if_cancelled(sim_engine *e, const qent *x) {
    if (!qent_is_timer(x)) {
        return false;
    }
    uint32_t si = qent_timer_slot(x);
    if (e->ts[si].state != TS_CANCELLED) {
        return false;
    }
    timer_slot_free(e, si);
    e->cancelled--;
    e->n--;
    return true;
}

/* Makes min_ns (the least time in bucket k, the lowest non-empty one, with
** bucket 0 empty) the new base and moves bucket k's events down. */
static void radix_redistribute(sim_engine *e, unsigned k, uint64_t min_ns) {
    assert(k >= 1 && e->b[0].n == 0 && e->b0_head == 0);
    assert(min_ns >= e->last_ns);
    bucket *src = &e->b[k];
    size_t count = src->n;
    src->n = 0;
    e->mask &= ~(UINT64_C(1) << (k - 1));
    e->last_ns = min_ns;
    src->min_ns = UINT64_MAX;
    for (size_t i = 0; i < count; i++) {
        const qent *x = &src->v[i];
        if (e->cancelled != 0 && drop_if_cancelled(e, x)) {
            continue;
        }
        unsigned d = bucket_index(min_ns, x->time_ns);
        assert(d < k);
        if (!bucket_append(e, d, x)) {
            /* Nothing can be dispatched correctly with events lost. */
            fputs("xrsim: out of memory in the event queue\n", stderr);
            abort();
        }
    }
#ifndef NDEBUG
    for (size_t i = 1; i < e->b[0].n; i++) {
        assert(e->b[0].v[i - 1].seq < e->b[0].v[i].seq);
    }
#endif
}

/* Drops every cancelled timer.  The filtering is stable, so events of
** equal time keep their sequence order. */
static void engine_compact(sim_engine *e) {
    for (unsigned k = 0; k < BUCKETS; k++) {
        bucket *b = &e->b[k];
        size_t from = k == 0 ? e->b0_head : 0, j = 0;
        b->min_ns = UINT64_MAX;
        for (size_t i = from; i < b->n; i++) {
            if (!drop_if_cancelled(e, &b->v[i])) {
                b->min_ns = b->v[i].time_ns < b->min_ns ? b->v[i].time_ns : b->min_ns;
                b->v[j++] = b->v[i];
            }
        }
        b->n = j;
        if (k == 0) {
            e->b0_head = 0;
        } else if (j == 0) {
            e->mask &= ~(UINT64_C(1) << (k - 1));
        }
    }
    assert(e->cancelled == 0);
}

static inline bool compaction_due(const sim_engine *e) {
    return e->cancelled >= COMPACT_MIN && e->cancelled * 2 > e->n;
}

/* ---- public API ---------------------------------------------------------- */

sim_engine *sim_engine_new(size_t capacity_hint) {
    sim_engine *e = calloc(1, sizeof *e);
    if (e == NULL) {
        return NULL;
    }
    /* The hint is advisory: buckets grow on demand (doubling) and keep
    ** their high-water size, so steady state allocates nothing. */
    (void)capacity_hint;
    e->ts_free = NO_SLOT;
    for (unsigned k = 0; k < BUCKETS; k++) {
        e->b[k].min_ns = UINT64_MAX;
    }
    e->next_seq = 1;
    e->dig_a = 0x243f6a8885a308d3u;
    e->dig_b = 0x13198a2e03707344u;
    e->next_progress = UINT64_MAX;
    return e;
}

void sim_engine_free(sim_engine *e) {
    if (e == NULL) {
        return;
    }
    assert(!e->running);
    for (unsigned k = 0; k < BUCKETS; k++) {
        free(e->b[k].v);
    }
    free(e->ts);
    free(e);
}

uint32_t sim_engine_register(sim_engine *e, const char *name, sim_handler_fn fn, void *ctx) {
    assert(e != NULL && fn != NULL);
    assert(e->kind_count < SIM_KIND_MAX);
    uint32_t kind = e->kind_count++;
    e->kinds[kind] = (kind_entry){fn, ctx, name != NULL ? name : "?"};
    return kind;
}

const char *sim_engine_kind_name(const sim_engine *e, uint32_t kind) {
    assert(e != NULL);
    return kind < e->kind_count ? e->kinds[kind].name : "?";
}

uint64_t sim_now_ns(const sim_engine *e) {
    assert(e != NULL);
    return e->now_ns;
}

/* Queues an event with the given tag; returns its sequence number, or 0
** when out of memory. */
static inline uint64_t engine_enqueue(sim_engine *e, uint64_t time_ns, uint32_t tag, uint32_t node,
                                      uint64_t arg) {
    assert(time_ns >= e->now_ns);
    assert(e->next_seq < UINT64_MAX);
    assert(time_ns >= e->last_ns); /* since last_ns <= now_ns: see sim_engine_run */
    uint64_t seq = e->next_seq;
    qent x = {time_ns, seq, arg, node, tag};
    if (!bucket_append(e, bucket_index(e->last_ns, time_ns), &x)) {
        return 0;
    }
    e->next_seq++;
    if (++e->n > e->peak) {
        e->peak = e->n;
    }
    return seq;
}

uint64_t sim_schedule_at(sim_engine *e, uint64_t time_ns, uint32_t kind, uint32_t node, uint64_t arg) {
    assert(e != NULL);
    assert(kind < e->kind_count);
    return engine_enqueue(e, time_ns, kind, node, arg);
}

static inline uint64_t time_after(const sim_engine *e, uint64_t delay_ns) {
    uint64_t t = e->now_ns + delay_ns;
    return t < e->now_ns ? UINT64_MAX : t;
}

uint64_t sim_schedule_in(sim_engine *e, uint64_t delay_ns, uint32_t kind, uint32_t node, uint64_t arg) {
    assert(e != NULL);
    assert(kind < e->kind_count);
    return engine_enqueue(e, time_after(e, delay_ns), kind, node, arg);
}

sim_timer sim_timer_at(sim_engine *e, uint64_t time_ns, uint32_t kind, uint32_t node, uint64_t arg) {
    assert(e != NULL);
    assert(kind < e->kind_count);
    uint32_t si = e->ts_free;
    if (si == NO_SLOT) {
        if (e->ts_hw >= SIM_ENGINE_TIMERS_MAX || !SIM_GROW(e->ts, e->ts_cap, (size_t)e->ts_hw + 1u)) {
            return 0;
        }
        si = e->ts_hw++;
        e->ts[si].state = TS_FREE;
    } else {
        e->ts_free = e->ts[si].next_free;
    }
    uint64_t seq = engine_enqueue(e, time_ns, kind | ((si + 1u) << TAG_KIND_BITS), node, arg);
    if (seq == 0) {
        e->ts[si].next_free = e->ts_free;
        e->ts_free = si;
        return 0;
    }
    e->ts[si].seq = seq;
    e->ts[si].state = TS_PENDING;
    return TIMER_BIT | ((seq & HANDLE_SEQ_MASK) << HANDLE_SLOT_BITS) | si;
}

sim_timer sim_timer_in(sim_engine *e, uint64_t delay_ns, uint32_t kind, uint32_t node, uint64_t arg) {
    assert(e != NULL);
    return sim_timer_at(e, time_after(e, delay_ns), kind, node, arg);
}

bool sim_timer_cancel(sim_engine *e, sim_timer t) {
    assert(e != NULL);
    if ((t & TIMER_BIT) == 0) {
        return false; /* 0, or not a timer handle */
    }
    uint64_t si = t & HANDLE_SLOT_MASK;
    if (si >= e->ts_hw) {
        return false;
    }
    tslot *s = &e->ts[si];
    if (s->state != TS_PENDING || (s->seq & HANDLE_SEQ_MASK) != ((t & ~TIMER_BIT) >> HANDLE_SLOT_BITS)) {
        return false; /* fired, cancelled, or the slot moved on */
    }
    s->state = TS_CANCELLED;
    e->cancelled++;
    if (compaction_due(e)) {
        engine_compact(e);
    }
    return true;
}

void sim_engine_stop(sim_engine *e) {
    assert(e != NULL);
    e->stop_requested = true;
}

void sim_engine_fail(sim_engine *e, const char **error, const char *why) {
    if (!*error) *error = why;
    sim_engine_stop(e);
}

void sim_engine_set_progress(sim_engine *e, sim_progress_fn fn, void *ctx, uint64_t every_events) {
    assert(e != NULL);
    e->progress_fn = fn;
    e->progress_ctx = ctx;
    e->progress_every = every_events;
    e->next_progress = fn != NULL && every_events > 0 ? e->events + every_events : UINT64_MAX;
}

/* Folds one dispatched event into the digest: two independent chains, each
** absorbing the three words by xor, odd multiply and xorshift. */
static inline void digest_fold(sim_engine *e, uint64_t time_ns, uint64_t kind_node, uint64_t arg) {
    const uint64_t pa = 0x9e3779b97f4a7c15u, pb = 0xc2b2ae3d27d4eb4fu;
    uint64_t a = e->dig_a, b = e->dig_b;
    a = (a ^ time_ns) * pa;
    b = (b ^ arg) * pb;
    a ^= a >> 29;
    b ^= b >> 31;
    a = (a ^ kind_node) * pa;
    b = (b ^ kind_node) * pb;
    a ^= a >> 29;
    b ^= b >> 31;
    a = (a ^ arg) * pa;
    b = (b ^ time_ns) * pb;
    e->dig_a = a ^ (a >> 29);
    e->dig_b = b ^ (b >> 31);
}

/* Takes the next live event into *out.  Returns SIM_RUN_STOPPED (meaning
** "got one"), or SIM_RUN_EMPTY / SIM_RUN_UNTIL when there is none at or
** before until_ns.  Cancelled timers met on the way are dropped. */
static inline sim_run_result engine_next(sim_engine *e, uint64_t until_ns, qent *out) {
    bucket *b0 = &e->b[0];
    for (;;) {
        if (e->b0_head == b0->n) {
            b0->n = 0;
            e->b0_head = 0;
            if (e->mask == 0) {
                assert(e->n == 0);
                /* Dropped cancelled timers may have moved the base past
                ** now; with nothing queued any base <= now will do. */
                e->last_ns = e->now_ns;
                return SIM_RUN_EMPTY;
            }
            unsigned k = (unsigned)__builtin_ctzll(e->mask) + 1u;
            uint64_t min_ns = e->b[k].min_ns;
            assert(e->b[k].n > 0 && min_ns >= e->last_ns);
            if (min_ns > until_ns) {
                return SIM_RUN_UNTIL;
            }
            radix_redistribute(e, k, min_ns);
            if (b0->n == 0) {
                continue; /* the earliest events were all cancelled */
            }
        }
        qent x = b0->v[e->b0_head++];
        e->n--;
        assert(x.time_ns == e->last_ns && x.time_ns >= e->now_ns);
        if (qent_is_timer(&x)) {
            uint32_t si = qent_timer_slot(&x);
            uint32_t state = e->ts[si].state;
            assert(e->ts[si].seq == x.seq);
            timer_slot_free(e, si);
            if (state == TS_CANCELLED) {
                e->cancelled--;
                continue;
            }
        }
        *out = x;
        return SIM_RUN_STOPPED;
    }
}

/* Invariant kept at every exit and every schedule: last_ns <= now_ns.
** Dropping cancelled timers can move last_ns past now_ns, so the stop
** conditions are checked only on entry and after a dispatch (where
** last_ns == now_ns); UNTIL leaves now_ns = until_ns >= last_ns, and EMPTY
** resets last_ns. */
sim_run_result sim_engine_run(sim_engine *e, uint64_t until_ns, volatile sig_atomic_t *stop_flag) {
    assert(e != NULL);
    assert(!e->running);
    assert(until_ns >= e->now_ns);
    assert(e->last_ns <= e->now_ns);
    e->running = true;
    sim_run_result result = SIM_RUN_STOPPED;
    if (!e->stop_requested && !(stop_flag != NULL && *stop_flag)) {
        for (;;) {
            qent x;
            result = engine_next(e, until_ns, &x);
            if (result != SIM_RUN_STOPPED) {
                if (result == SIM_RUN_UNTIL) {
                    e->now_ns = until_ns;
                }
                break;
            }
            uint32_t kind = x.tag & TAG_KIND_MASK;
            assert(kind < e->kind_count);
            e->now_ns = x.time_ns;
            digest_fold(e, x.time_ns, ((uint64_t)kind << 32) | x.node, x.arg);
            e->events++;
            sim_event ev = {x.time_ns, x.seq, x.arg, kind, x.node};
            const kind_entry *h = &e->kinds[kind];
            h->fn(h->ctx, e, &ev);
            if (e->events >= e->next_progress) {
                e->next_progress += e->progress_every;
                e->progress_fn(e->progress_ctx, e);
            }
            if (e->stop_requested || (stop_flag != NULL && *stop_flag)) {
                break;
            }
        }
    }
    e->stop_requested = false;
    e->running = false;
    assert(e->last_ns <= e->now_ns);
    if (e->progress_fn != NULL) {
        e->progress_fn(e->progress_ctx, e);
    }
    return result;
}

uint64_t sim_engine_events(const sim_engine *e) {
    assert(e != NULL);
    return e->events;
}

size_t sim_engine_pending(const sim_engine *e) {
    assert(e != NULL);
    return e->n;
}

size_t sim_engine_peak_pending(const sim_engine *e) {
    assert(e != NULL);
    return e->peak;
}

static uint64_t fmix64(uint64_t z) {
    z = (z ^ (z >> 33)) * 0xff51afd7ed558ccdu;
    z = (z ^ (z >> 33)) * 0xc4ceb9fe1a85ec53u;
    return z ^ (z >> 33);
}

void sim_engine_digest_hex(const sim_engine *e, char out[33]) {
    assert(e != NULL && out != NULL);
    uint64_t hi = fmix64(e->dig_a ^ fmix64(e->events + 0x9e3779b97f4a7c15u));
    uint64_t lo = fmix64(e->dig_b ^ hi);
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)hi, (unsigned long long)lo);
}
