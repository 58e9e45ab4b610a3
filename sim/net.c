/*
** The network and node runtime declared in net.h: the message pool, per-node CPU queues, uplinks, FIFO links, partitions,
** crashes, timers and statistics.  The rules (when a message departs, when
** it is dropped, what a crash discards) are documented in net.h; this file
** implements them with five engine event kinds:
**   net.arrive    a message reaches its receiver        (node = to, arg = slot)
**   net.cpu_done  a node's CPU finishes an input        (node, arg = incarnation)
**   net.timer     a node timer fires into its queue     (node, arg = timer slot)
**   net.crash / net.restart   scheduled from the config (node)
**
** Invariants: a message slot is in exactly one of: a size-class free list,
** a node's outbox, in flight (an arrive event holds its index), a node's
** queue, or being handled.
**
** Shared payloads: a broadcast is N sends of the same bytes.  When a send
** repeats the previous send's bytes exactly (same source pointer and
** length, and equal by memcmp) and that message is still live, the new
** message references the same payload instead of copying it: the buffer
** moves out of its first slot into a refcounted payload record (the slot
** gets a fresh buffer when it is next allocated), and the payload is freed
** when its last message is released.  Slots are still allocated exactly as
** without sharing (each message takes a slot of its size class), so slot
** indices -- and with them event arguments and the event digest -- are
** unchanged; only copies and memory are saved.  Handlers never write into
** a payload (on_message gets const bytes).  A timer slot is free, scheduled (an engine timer
** holds its index) or queued.  Queues are intrusive lists of tagged indices
** (TAG_TIMER marks timer slots).
*/
#include "net.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "rng.h"
#include "ytree.h"

#define NIL UINT32_MAX
#define TAG_TIMER 0x80000000u
#define SLOT_MAX 0x7fffffffu
#define CLASS_MIN_BYTES 64u
#define CLASS_COUNT 21u /* 64 B << 20 = 64 MiB */

__extension__ typedef unsigned __int128 net_u128;

typedef struct net_msg {
    uint8_t *buf;
    size_t len;
    uint64_t id;
    uint64_t send_ns;
    uint64_t depart_ns;
    uint64_t arrival_ns;
    uint32_t from;
    uint32_t to;
    uint32_t next; /* free list / outbox / queue link */
    uint32_t pl;   /* shared payload record, or NIL: the bytes are in buf */
    uint8_t cls;
    bool live;     /* allocated and not yet released */
} net_msg;

/* A payload referenced by `refs` live messages (see the file comment). */
typedef struct net_payload {
    uint8_t *buf;
    uint32_t refs;
    uint32_t next_free;
} net_payload;

/* Sends shorter than this are always copied: sharing would not pay. */
#define SHARE_MIN_BYTES 1024u

enum { TM_FREE = 0, TM_SCHEDULED, TM_QUEUED };

typedef struct net_tmr {
    uint64_t tag;
    uint64_t fire_ns;
    sim_timer eng;
    uint32_t node;
    uint32_t gen;
    uint32_t incarnation;
    uint32_t next;
    uint8_t state;
    bool cancelled;
} net_tmr;

typedef struct net_group {
    char *name;
    uint32_t *nodes;
    uint32_t count;
    size_t cap;
} net_group;

typedef struct net_node {
    const sim_net_handlers *h;
    void *ctx;
    gsl_rng *rng_latency;
    gsl_rng *rng_loss;
    uint64_t busy_until_ns;
    uint64_t uplink_free_ns;
    uint64_t bps;
    uint32_t group;
    uint32_t index_in_group;
    uint32_t region;
    uint32_t incarnation;
    uint32_t q_head, q_tail, q_depth;
    uint32_t out_head, out_tail;
    bool up;
    bool busy;
    sim_net_node_stats stats;
} net_node;

typedef struct net_partition {
    uint64_t from_ns;
    uint64_t until_ns;
    bool one_way;
    uint64_t *a; /* bitsets over nodes */
    uint64_t *b;
} net_partition;

struct sim_net {
    sim_engine *engine;
    sim_net_config cfg;
    uint64_t seed;
    sim_regions *owned_regions;
    const sim_regions *regions;
    uint32_t k_arrive, k_cpu_done, k_timer, k_crash, k_restart;

    net_node *nodes;
    uint32_t node_count;
    size_t node_cap;
    net_group *groups;
    uint32_t group_count;
    size_t group_cap;

    net_msg *msgs;
    uint32_t msg_count, msgs_in_use;
    size_t msg_cap;
    uint32_t free_by_class[CLASS_COUNT];
    net_payload *payloads;
    uint32_t payload_count, payload_free;
    size_t payload_cap;
    /* the last send, for sharing its payload with a repeat */
    const uint8_t *last_src;
    size_t last_len;
    uint32_t last_idx;
    uint64_t last_id;

    net_tmr *timers;
    uint32_t timer_count, timer_free;
    size_t timer_cap;

    /* FIFO links: open addressing, key (from << 32 | to), value last arrival. */
    uint64_t *fifo_keys;
    uint64_t *fifo_vals;
    size_t fifo_cap, fifo_used;

    net_partition *parts;
    size_t part_count;
    sim_net_link_stats *link_stats; /* group_count^2 after resolve */

    sim_net_observer_fn observer;
    void *observer_ctx;

    uint32_t current; /* node whose input is being handled, or NIL */
    uint64_t charged_ns;
    uint64_t next_msg_id;
    bool resolved;
    bool oom;
};

/* ======================================================================== */
/* helpers                                                                  */
/* ======================================================================== */

static char *net_strdup(const char *s) {
    if (s == NULL) {
        return NULL;
    }
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p != NULL) {
        memcpy(p, s, n);
    }
    return p;
}

/* ======================================================================== */
/* message pool and timer slots                                             */
/* ======================================================================== */

static uint8_t size_class(size_t len) {
    uint8_t c = 0;
    size_t cap = CLASS_MIN_BYTES;
    while (cap < len) {
        cap <<= 1;
        c++;
    }
    assert(c < CLASS_COUNT);
    return c;
}

/* A slot able to hold len bytes, or NIL when out of memory. */
static uint32_t msg_alloc(sim_net *net, size_t len) {
    uint8_t cls = size_class(len);
    uint32_t idx = net->free_by_class[cls];
    if (idx != NIL) {
        if (net->msgs[idx].buf == NULL) {
            /* its buffer became a shared payload: a fresh one */
            uint8_t *buf = malloc((size_t)CLASS_MIN_BYTES << cls);
            if (buf == NULL) {
                return NIL;
            }
            net->msgs[idx].buf = buf;
        }
        net->free_by_class[cls] = net->msgs[idx].next;
    } else {
        if (net->msg_count == SLOT_MAX) {
            return NIL;
        }
        if (!SIM_GROW(net->msgs, net->msg_cap, (size_t)net->msg_count + 1u)) {
            return NIL;
        }
        uint8_t *buf = malloc((size_t)CLASS_MIN_BYTES << cls);
        if (buf == NULL) {
            return NIL;
        }
        idx = net->msg_count++;
        memset(&net->msgs[idx], 0, sizeof net->msgs[idx]);
        net->msgs[idx].buf = buf;
        net->msgs[idx].cls = cls;
        net->msgs[idx].pl = NIL;
    }
    net->msgs[idx].next = NIL;
    net->msgs[idx].live = true;
    net->msgs_in_use++;
    return idx;
}

/* The bytes of a message: its own buffer or its shared payload. */
static const uint8_t *msg_bytes(const sim_net *net, const net_msg *m) {
    return m->pl == NIL ? m->buf : net->payloads[m->pl].buf;
}

/* Turn the buffer of live message idx into a shared payload (one reference:
** idx's).  Returns the payload index, or NIL when out of memory. */
static uint32_t payload_adopt(sim_net *net, uint32_t idx) {
    net_msg *m = &net->msgs[idx];
    assert(m->live && m->pl == NIL && m->buf != NULL);
    uint32_t p = net->payload_free;
    if (p != NIL) {
        net->payload_free = net->payloads[p].next_free;
    } else {
        if (!SIM_GROW(net->payloads, net->payload_cap, (size_t)net->payload_count + 1u)) {
            return NIL;
        }
        p = net->payload_count++;
    }
    net->payloads[p] = (net_payload){.buf = m->buf, .refs = 1, .next_free = NIL};
    m->buf = NULL;
    m->pl = p;
    return p;
}

static void msg_release(sim_net *net, uint32_t idx) {
    assert(idx < net->msg_count && net->msgs_in_use > 0);
    net_msg *m = &net->msgs[idx];
    assert(m->live);
    m->live = false;
    if (m->pl != NIL) {
        net_payload *pl = &net->payloads[m->pl];
        assert(pl->refs > 0);
        if (--pl->refs == 0) {
            free(pl->buf);
            pl->buf = NULL;
            pl->next_free = net->payload_free;
            net->payload_free = m->pl;
        }
        m->pl = NIL;
    }
    m->next = net->free_by_class[m->cls];
    net->free_by_class[m->cls] = idx;
    net->msgs_in_use--;
}

static uint32_t timer_alloc(sim_net *net) {
    uint32_t idx = net->timer_free;
    if (idx != NIL) {
        net->timer_free = net->timers[idx].next;
    } else {
        if (net->timer_count == SLOT_MAX) {
            return NIL;
        }
        if (!SIM_GROW(net->timers, net->timer_cap, (size_t)net->timer_count + 1u)) {
            return NIL;
        }
        idx = net->timer_count++;
        memset(&net->timers[idx], 0, sizeof net->timers[idx]);
    }
    net->timers[idx].next = NIL;
    net->timers[idx].gen++;
    net->timers[idx].cancelled = false;
    return idx;
}

static void timer_release(sim_net *net, uint32_t idx) {
    assert(idx < net->timer_count && net->timers[idx].state != TM_FREE);
    net->timers[idx].state = TM_FREE;
    net->timers[idx].next = net->timer_free;
    net->timer_free = idx;
}

/* ======================================================================== */
/* statistics and fates                                                     */
/* ======================================================================== */

static sim_net_link_stats *link_of(sim_net *net, uint32_t from, uint32_t to) {
    uint32_t g = net->group_count;
    return &net->link_stats[(size_t)net->nodes[from].group * g + net->nodes[to].group];
}

static void observe(sim_net *net, uint32_t idx, sim_net_fate fate, uint64_t handled_ns) {
    if (net->observer == NULL) {
        return;
    }
    const net_msg *m = &net->msgs[idx];
    sim_net_msg_info info = {
        .id = m->id,
        .from = m->from,
        .to = m->to,
        .bytes = msg_bytes(net, m),
        .len = m->len,
        .send_ns = m->send_ns,
        .depart_ns = m->depart_ns,
        .arrival_ns = m->arrival_ns,
        .handled_ns = handled_ns,
        .fate = fate,
    };
    net->observer(net->observer_ctx, &info);
}

/* Seals a message's fate as dropped and frees its slot. */
static void msg_drop(sim_net *net, uint32_t idx, sim_net_fate fate) {
    assert(fate != SIM_NET_DELIVERED);
    const net_msg *m = &net->msgs[idx];
    sim_net_link_stats *ls = link_of(net, m->from, m->to);
    switch (fate) {
    case SIM_NET_DROP_LOSS:
        ls->dropped_loss++;
        break;
    case SIM_NET_DROP_PARTITION:
        ls->dropped_partition++;
        break;
    case SIM_NET_DROP_CRASH:
    case SIM_NET_DELIVERED:
    default:
        ls->dropped_crash++;
        break;
    }
    observe(net, idx, fate, SIM_NET_NEVER);
    msg_release(net, idx);
}

/* ======================================================================== */
/* links                                                                    */
/* ======================================================================== */

static bool bit_get(const uint64_t *set, uint32_t i) {
    return (set[i >> 6] >> (i & 63u)) & 1u;
}

static void bit_set(uint64_t *set, uint32_t i) {
    set[i >> 6] |= (uint64_t)1 << (i & 63u);
}

static bool partitioned(const sim_net *net, uint32_t from, uint32_t to, uint64_t t_ns) {
    for (size_t i = 0; i < net->part_count; i++) {
        const net_partition *p = &net->parts[i];
        if (t_ns < p->from_ns || t_ns >= p->until_ns) {
            continue;
        }
        if (bit_get(p->a, from) && bit_get(p->b, to)) {
            return true;
        }
        if (!p->one_way && bit_get(p->b, from) && bit_get(p->a, to)) {
            return true;
        }
    }
    return false;
}

static uint64_t fifo_hash(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ull;
    k ^= k >> 33;
    return k;
}

static bool fifo_grow(sim_net *net) {
    size_t cap = net->fifo_cap != 0 ? net->fifo_cap * 2u : 1024u;
    uint64_t *keys = malloc(cap * sizeof *keys);
    uint64_t *vals = malloc(cap * sizeof *vals);
    if (keys == NULL || vals == NULL) {
        free(keys);
        free(vals);
        return false;
    }
    memset(keys, 0xff, cap * sizeof *keys);
    for (size_t i = 0; i < net->fifo_cap; i++) {
        uint64_t k = net->fifo_keys[i];
        if (k == UINT64_MAX) {
            continue;
        }
        size_t j = (size_t)fifo_hash(k) & (cap - 1u);
        while (keys[j] != UINT64_MAX) {
            j = (j + 1u) & (cap - 1u);
        }
        keys[j] = k;
        vals[j] = net->fifo_vals[i];
    }
    free(net->fifo_keys);
    free(net->fifo_vals);
    net->fifo_keys = keys;
    net->fifo_vals = vals;
    net->fifo_cap = cap;
    return true;
}

/* Raises arrival_ns to the last arrival on (from, to) and records it.  On
** out of memory the link is treated as new (FIFO not enforced once). */
static uint64_t fifo_arrival(sim_net *net, uint32_t from, uint32_t to, uint64_t arrival_ns) {
    if (2u * (net->fifo_used + 1u) > net->fifo_cap && !fifo_grow(net)) {
        net->oom = true;
        return arrival_ns;
    }
    uint64_t key = ((uint64_t)from << 32) | to;
    size_t j = (size_t)fifo_hash(key) & (net->fifo_cap - 1u);
    while (net->fifo_keys[j] != UINT64_MAX && net->fifo_keys[j] != key) {
        j = (j + 1u) & (net->fifo_cap - 1u);
    }
    if (net->fifo_keys[j] == UINT64_MAX) {
        net->fifo_keys[j] = key;
        net->fifo_vals[j] = arrival_ns;
        net->fifo_used++;
        return arrival_ns;
    }
    if (net->fifo_vals[j] > arrival_ns) {
        arrival_ns = net->fifo_vals[j];
    }
    net->fifo_vals[j] = arrival_ns;
    return arrival_ns;
}

static uint64_t sat_add(uint64_t a, uint64_t b) {
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Serialisation time of len bytes at bps bits per second, rounded up. */
static uint64_t serialise_ns(size_t len, uint64_t bps) {
    if (bps == 0) {
        return 0;
    }
    net_u128 bits_e9 = (net_u128)len * 8u * 1000000000u;
    net_u128 ns = (bits_e9 + bps - 1u) / bps;
    return ns > UINT64_MAX ? UINT64_MAX : (uint64_t)ns;
}

/* The message leaves its sender at depart_ns (>= now): uplink, latency,
** loss, partition at departure, FIFO, and the arrival event. */
static void msg_transmit(sim_net *net, uint32_t idx, uint64_t depart_ns) {
    net_msg *m = &net->msgs[idx];
    net_node *s = &net->nodes[m->from];
    const net_node *r = &net->nodes[m->to];
    assert(depart_ns >= sim_now_ns(net->engine));
    m->depart_ns = depart_ns;

    uint64_t tx_end_ns = depart_ns;
    if (s->bps != 0) {
        uint64_t start = depart_ns > s->uplink_free_ns ? depart_ns : s->uplink_free_ns;
        tx_end_ns = sat_add(start, serialise_ns(m->len, s->bps));
        s->uplink_free_ns = tx_end_ns;
    }
    uint64_t delay_ns = sim_latency_sample_ns(&net->cfg.latency, net->regions, s->region, r->region,
                                              s->rng_latency);
    if (net->cfg.loss > 0.0 && sim_rng_u01(s->rng_loss) < net->cfg.loss) {
        msg_drop(net, idx, SIM_NET_DROP_LOSS);
        return;
    }
    if (partitioned(net, m->from, m->to, depart_ns)) {
        msg_drop(net, idx, SIM_NET_DROP_PARTITION);
        return;
    }
    uint64_t arrival_ns = sat_add(tx_end_ns, delay_ns);
    if (net->cfg.fifo) {
        arrival_ns = fifo_arrival(net, m->from, m->to, arrival_ns);
    }
    m->arrival_ns = arrival_ns;
    if (sim_schedule_at(net->engine, arrival_ns, net->k_arrive, m->to, idx) == 0) {
        net->oom = true;
        link_of(net, m->from, m->to)->sent--;
        link_of(net, m->from, m->to)->bytes_sent -= m->len;
        msg_release(net, idx);
    }
}

/* ======================================================================== */
/* node CPU                                                                 */
/* ======================================================================== */

static uint32_t *link_next(sim_net *net, uint32_t tagged) {
    if (tagged & TAG_TIMER) {
        return &net->timers[tagged & ~TAG_TIMER].next;
    }
    return &net->msgs[tagged].next;
}

static void queue_push(sim_net *net, uint32_t node, uint32_t tagged) {
    net_node *n = &net->nodes[node];
    *link_next(net, tagged) = NIL;
    if (n->q_tail == NIL) {
        n->q_head = tagged;
    } else {
        *link_next(net, n->q_tail) = tagged;
    }
    n->q_tail = tagged;
    n->q_depth++;
    if (n->q_depth > n->stats.peak_queue_depth) {
        n->stats.peak_queue_depth = n->q_depth;
    }
}

static uint32_t queue_pop(sim_net *net, uint32_t node) {
    net_node *n = &net->nodes[node];
    uint32_t tagged = n->q_head;
    assert(tagged != NIL && n->q_depth > 0);
    n->q_head = *link_next(net, tagged);
    if (n->q_head == NIL) {
        n->q_tail = NIL;
    }
    n->q_depth--;
    return tagged;
}

static void outbox_flush(sim_net *net, uint32_t node, uint64_t depart_ns) {
    net_node *n = &net->nodes[node];
    uint32_t idx = n->out_head;
    n->out_head = n->out_tail = NIL;
    while (idx != NIL) {
        uint32_t next = net->msgs[idx].next;
        msg_transmit(net, idx, depart_ns);
        idx = next;
    }
}

/* Handles queued inputs of `node` until it is busy, down or idle. */
static void cpu_run(sim_net *net, uint32_t node) {
    assert(net->current == NIL);
    for (;;) {
        net_node *n = &net->nodes[node];
        if (!n->up || n->busy || n->q_head == NIL) {
            return;
        }
        uint64_t now = sim_now_ns(net->engine);
        uint32_t tagged = queue_pop(net, node);
        uint32_t incarnation = n->incarnation;
        const sim_net_handlers *h = n->h;
        void *ctx = n->ctx;
        uint64_t arrived_ns;
        if (tagged & TAG_TIMER) {
            uint32_t ti = tagged & ~TAG_TIMER;
            net_tmr *t = &net->timers[ti];
            assert(t->state == TM_QUEUED && t->node == node);
            bool cancelled = t->cancelled;
            uint64_t tag = t->tag;
            arrived_ns = t->fire_ns;
            timer_release(net, ti);
            if (cancelled) {
                continue;
            }
            n->stats.timers_handled++;
            n->stats.inputs_handled++;
            if (now - arrived_ns > n->stats.max_queue_delay_ns) {
                n->stats.max_queue_delay_ns = now - arrived_ns;
            }
            net->current = node;
            net->charged_ns = 0;
            if (h != NULL && h->on_timer != NULL) {
                h->on_timer(ctx, node, tag);
            }
        } else {
            net_msg *m = &net->msgs[tagged];
            assert(m->to == node);
            arrived_ns = m->arrival_ns;
            sim_net_link_stats *ls = link_of(net, m->from, node);
            uint64_t lat = m->arrival_ns - m->depart_ns;
            ls->delivered++;
            ls->bytes_delivered += m->len;
            ls->latency_sum_ns += lat;
            if (lat < ls->latency_min_ns) {
                ls->latency_min_ns = lat;
            }
            if (lat > ls->latency_max_ns) {
                ls->latency_max_ns = lat;
            }
            n->stats.messages_handled++;
            n->stats.inputs_handled++;
            if (now - arrived_ns > n->stats.max_queue_delay_ns) {
                n->stats.max_queue_delay_ns = now - arrived_ns;
            }
            observe(net, tagged, SIM_NET_DELIVERED, now);
            net->current = node;
            net->charged_ns = 0;
            if (h != NULL && h->on_message != NULL) {
                h->on_message(ctx, node, m->from, msg_bytes(net, m), m->len);
            }
            msg_release(net, tagged); /* m may be stale: the pool can grow */
        }
        net->current = NIL;
        n = &net->nodes[node];
        if (n->incarnation != incarnation) {
            /* Crashed during the callback: queue and outbox were discarded
            ** and the charges are void.  If it was also restarted there,
            ** what it sent since departs now. */
            if (n->up) {
                outbox_flush(net, node, now);
            }
            return;
        }
        uint64_t cost_ns = net->charged_ns;
        n->stats.busy_ns += cost_ns;
        n->busy_until_ns = sat_add(now, cost_ns);
        if (cost_ns == 0) {
            outbox_flush(net, node, now);
            continue;
        }
        n->busy = true;
        if (sim_schedule_at(net->engine, n->busy_until_ns, net->k_cpu_done, node, incarnation) == 0) {
            net->oom = true; /* the node stays busy; its outbox never departs */
        }
        return;
    }
}

/* ======================================================================== */
/* event handlers                                                           */
/* ======================================================================== */

static void on_arrive(void *ctx, sim_engine *e, const sim_event *ev) {
    sim_net *net = ctx;
    uint32_t idx = (uint32_t)ev->arg;
    assert(idx < net->msg_count && net->msgs[idx].to == ev->node);
    const net_msg *m = &net->msgs[idx];
    if (!net->nodes[ev->node].up) {
        msg_drop(net, idx, SIM_NET_DROP_CRASH);
        return;
    }
    if (partitioned(net, m->from, m->to, sim_now_ns(e))) {
        msg_drop(net, idx, SIM_NET_DROP_PARTITION);
        return;
    }
    queue_push(net, ev->node, idx);
    cpu_run(net, ev->node);
}

static void on_cpu_done(void *ctx, sim_engine *e, const sim_event *ev) {
    sim_net *net = ctx;
    net_node *n = &net->nodes[ev->node];
    if (!n->up || n->incarnation != (uint32_t)ev->arg) {
        return; /* the node crashed since this input started */
    }
    assert(n->busy && n->busy_until_ns == sim_now_ns(e));
    n->busy = false;
    outbox_flush(net, ev->node, sim_now_ns(e));
    cpu_run(net, ev->node);
}

static void on_timer_fire(void *ctx, sim_engine *e, const sim_event *ev) {
    sim_net *net = ctx;
    uint32_t ti = (uint32_t)ev->arg;
    assert(ti < net->timer_count);
    net_tmr *t = &net->timers[ti];
    assert(t->state == TM_SCHEDULED && t->node == ev->node);
    const net_node *n = &net->nodes[ev->node];
    if (!n->up || t->incarnation != n->incarnation) {
        timer_release(net, ti); /* vanished in a crash */
        return;
    }
    t->state = TM_QUEUED;
    t->fire_ns = sim_now_ns(e);
    queue_push(net, ev->node, ti | TAG_TIMER);
    cpu_run(net, ev->node);
}

static void on_crash_event(void *ctx, sim_engine *e, const sim_event *ev) {
    (void)e;
    sim_net_crash(ctx, ev->node);
}

static void on_restart_event(void *ctx, sim_engine *e, const sim_event *ev) {
    (void)e;
    sim_net_restart(ctx, ev->node);
}

/* ======================================================================== */
/* the network                                                              */
/* ======================================================================== */

sim_net *sim_net_new(sim_engine *e, const sim_net_config *cfg, uint64_t seed) {
    assert(e != NULL && cfg != NULL);
    sim_net *net = calloc(1, sizeof *net);
    if (net == NULL) {
        return NULL;
    }
    if (!sim_net_config_copy(&net->cfg, cfg)) {
        free(net);
        return NULL;
    }
    net->engine = e;
    net->seed = seed;
    net->current = NIL;
    net->timer_free = NIL;
    net->payload_free = NIL;
    net->last_idx = NIL;
    for (uint32_t c = 0; c < CLASS_COUNT; c++) {
        net->free_by_class[c] = NIL;
    }
    net->k_arrive = sim_engine_register(e, "net.arrive", on_arrive, net);
    net->k_cpu_done = sim_engine_register(e, "net.cpu_done", on_cpu_done, net);
    net->k_timer = sim_engine_register(e, "net.timer", on_timer_fire, net);
    net->k_crash = sim_engine_register(e, "net.crash", on_crash_event, net);
    net->k_restart = sim_engine_register(e, "net.restart", on_restart_event, net);
    return net;
}

void sim_net_free(sim_net *net) {
    if (net == NULL) {
        return;
    }
    for (uint32_t i = 0; i < net->node_count; i++) {
        gsl_rng_free(net->nodes[i].rng_latency);
        gsl_rng_free(net->nodes[i].rng_loss);
    }
    free(net->nodes);
    for (uint32_t g = 0; g < net->group_count; g++) {
        free(net->groups[g].name);
        free(net->groups[g].nodes);
    }
    free(net->groups);
    for (uint32_t i = 0; i < net->msg_count; i++) {
        free(net->msgs[i].buf);
    }
    free(net->msgs);
    for (uint32_t i = 0; i < net->payload_count; i++) {
        free(net->payloads[i].buf); /* NULL once freed */
    }
    free(net->payloads);
    free(net->timers);
    free(net->fifo_keys);
    free(net->fifo_vals);
    for (size_t i = 0; i < net->part_count; i++) {
        free(net->parts[i].a);
        free(net->parts[i].b);
    }
    free(net->parts);
    free(net->link_stats);
    sim_regions_free(net->owned_regions);
    sim_net_config_free(&net->cfg);
    free(net);
}

static uint32_t group_get_or_add(sim_net *net, const char *name) {
    uint32_t g = sim_net_group_find(net, name);
    if (g != SIM_NET_NODE_NONE) {
        return g;
    }
    if (!SIM_GROW(net->groups, net->group_cap, (size_t)net->group_count + 1u)) {
        return SIM_NET_NODE_NONE;
    }
    char *copy = net_strdup(name);
    if (copy == NULL) {
        return SIM_NET_NODE_NONE;
    }
    net_group *gr = &net->groups[net->group_count];
    memset(gr, 0, sizeof *gr);
    gr->name = copy;
    return net->group_count++;
}

uint32_t sim_net_add_node(sim_net *net, const char *group, uint32_t region) {
    assert(net != NULL && group != NULL);
    assert(!net->resolved && "nodes must be added before sim_net_resolve");
    if (net->node_count >= SLOT_MAX) {
        return SIM_NET_NODE_NONE;
    }
    uint32_t g = group_get_or_add(net, group);
    if (g == SIM_NET_NODE_NONE) {
        return SIM_NET_NODE_NONE;
    }
    net_group *gr = &net->groups[g];
    if (!SIM_GROW(gr->nodes, gr->cap, (size_t)gr->count + 1u) ||
        !SIM_GROW(net->nodes, net->node_cap, (size_t)net->node_count + 1u)) {
        return SIM_NET_NODE_NONE;
    }
    uint32_t id = net->node_count;
    net_node *n = &net->nodes[id];
    memset(n, 0, sizeof *n);
    n->rng_latency = sim_rng_new(net->seed, SIM_NET_RNG_ENTITY, id, SIM_NET_RNG_LATENCY);
    n->rng_loss = sim_rng_new(net->seed, SIM_NET_RNG_ENTITY, id, SIM_NET_RNG_LOSS);
    if (n->rng_latency == NULL || n->rng_loss == NULL) {
        if (n->rng_latency != NULL) {
            gsl_rng_free(n->rng_latency);
        }
        if (n->rng_loss != NULL) {
            gsl_rng_free(n->rng_loss);
        }
        return SIM_NET_NODE_NONE;
    }
    n->group = g;
    n->index_in_group = gr->count;
    n->region = region;
    n->bps = net->cfg.bandwidth_bps;
    n->q_head = n->q_tail = NIL;
    n->out_head = n->out_tail = NIL;
    n->up = true;
    gr->nodes[gr->count++] = id;
    net->node_count++;
    return id;
}

void sim_net_set_handlers(sim_net *net, uint32_t node, const sim_net_handlers *h, void *ctx) {
    assert(net != NULL && node < net->node_count);
    net->nodes[node].h = h;
    net->nodes[node].ctx = ctx;
}

void sim_net_set_bandwidth(sim_net *net, uint32_t node, uint64_t bps) {
    assert(net != NULL && node < net->node_count);
    net->nodes[node].bps = bps;
}

void sim_net_set_observer(sim_net *net, sim_net_observer_fn fn, void *ctx) {
    assert(net != NULL);
    net->observer = fn;
    net->observer_ctx = ctx;
}

/* ======================================================================== */
/* resolution                                                               */
/* ======================================================================== */

static void net_error(sim_diag *d, const sim_net_mark *m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void net_error(sim_diag *d, const sim_net_mark *m, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (m != NULL && m->file != NULL) {
        sim_diag_error_at(d, m->file, m->line, m->col, "%s", msg);
    } else {
        sim_diag_error(d, NULL, "%s", msg);
    }
}

/* "a, b, c" (truncated) for error messages. */
static void list_groups(const sim_net *net, char *out, size_t len) {
    size_t used = 0;
    out[0] = '\0';
    for (uint32_t g = 0; g < net->group_count && used + 1 < len; g++) {
        int w = snprintf(out + used, len - used, "%s%s", g ? ", " : "", net->groups[g].name);
        if (w < 0) {
            break;
        }
        used += (size_t)w;
    }
    if (net->group_count == 0) {
        snprintf(out, len, "none");
    }
}

static void list_regions(const sim_regions *r, char *out, size_t len) {
    size_t used = 0;
    out[0] = '\0';
    for (uint32_t i = 0; i < sim_regions_count(r) && used + 1 < len; i++) {
        int w = snprintf(out + used, len - used, "%s%s", i ? ", " : "", sim_regions_name(r, i));
        if (w < 0) {
            break;
        }
        used += (size_t)w;
    }
}

static bool resolve_regions(sim_net *net, sim_diag *d) {
    const sim_net_config *c = &net->cfg;
    if (c->regions != NULL) {
        net->regions = c->regions;
        return true;
    }
    const char *path = c->regions_path != NULL ? c->regions_path : c->default_regions_path;
    sim_regions_error err;
    if (path == NULL) {
        if (c->latency.matrix) {
            net_error(d, &c->latency_mark,
                      "latency model 'matrix' needs a region matrix (network.regions)");
            return false;
        }
        static const char single[] = "From/to,default\ndefault,0\n";
        net->owned_regions = sim_regions_parse(single, sizeof single - 1u, &err);
    } else {
        net->owned_regions = sim_regions_load(path, &err);
    }
    if (net->owned_regions == NULL) {
        if (err.line == 0 || path == NULL) {
            net_error(d, &c->regions_mark, "%s", err.message);
        } else {
            sim_diag_error_at(d, path, err.line, err.col, "%s", err.message);
        }
        return false;
    }
    net->regions = net->owned_regions;
    return true;
}

static bool resolve_placement(sim_net *net, sim_diag *d) {
    const sim_net_config *c = &net->cfg;
    uint32_t nreg = sim_regions_count(net->regions);
    bool ok = true;
    /* Per group: the placement entry, or none (all regions). */
    size_t *entry = malloc(((size_t)net->group_count + 1u) * sizeof *entry);
    uint32_t *idx = NULL;
    int64_t *cur = NULL;
    if (entry == NULL) {
        net->oom = true;
        net_error(d, NULL, "out of memory");
        return false;
    }
    for (uint32_t g = 0; g < net->group_count; g++) {
        entry[g] = SIZE_MAX;
    }
    char names[512];
    for (size_t i = 0; i < c->placement_count; i++) {
        const sim_net_placement_cfg *p = &c->placements[i];
        uint32_t g = sim_net_group_find(net, p->group);
        if (g == SIM_NET_NODE_NONE) {
            list_groups(net, names, sizeof names);
            net_error(d, &p->mark, "placement for unknown group '%s' (groups: %s)", p->group, names);
            ok = false;
            continue;
        }
        if (entry[g] != SIZE_MAX) {
            net_error(d, &p->mark, "second placement for group '%s'", p->group);
            ok = false;
            continue;
        }
        entry[g] = i;
        for (size_t j = 0; j < p->count; j++) {
            if (sim_regions_find(net->regions, p->regions[j].text) == SIM_REGION_NONE) {
                list_regions(net->regions, names, sizeof names);
                net_error(d, &p->regions[j].mark, "unknown region '%s' (regions: %s)", p->regions[j].text,
                          names);
                ok = false;
            }
            if (p->weights != NULL && (p->weights[j] == 0 || p->weights[j] > SIM_NET_WEIGHT_MAX)) {
                net_error(d, &p->regions[j].mark, "placement weight must be in [1, %u]", SIM_NET_WEIGHT_MAX);
                ok = false;
            }
        }
    }
    for (uint32_t id = 0; id < net->node_count; id++) {
        uint32_t r = net->nodes[id].region;
        if (r != SIM_NET_REGION_AUTO && r >= nreg) {
            net_error(d, NULL, "node %u (group '%s'): region index %u out of range (%u regions)", id,
                      net->groups[net->nodes[id].group].name, r, nreg);
            ok = false;
        }
    }
    if (!ok) {
        free(entry);
        return false;
    }
    for (uint32_t g = 0; g < net->group_count; g++) {
        const net_group *gr = &net->groups[g];
        const sim_net_placement_cfg *p = entry[g] != SIZE_MAX ? &c->placements[entry[g]] : NULL;
        size_t k = (p != NULL && p->count > 0) ? p->count : nreg;
        free(idx);
        free(cur);
        idx = malloc(k * sizeof *idx);
        cur = calloc(k, sizeof *cur);
        if (idx == NULL || cur == NULL) {
            net->oom = true;
            net_error(d, NULL, "out of memory");
            ok = false;
            break;
        }
        int64_t total = 0; /* weights <= 10^6 each: no overflow */
        for (size_t j = 0; j < k; j++) {
            idx[j] = (p != NULL && p->count > 0) ? sim_regions_find(net->regions, p->regions[j].text)
                                                 : (uint32_t)j;
            total += (p != NULL && p->weights != NULL) ? (int64_t)p->weights[j] : 1;
        }
        /* Only AUTO nodes take a slot of the sequence, so explicit nodes do
        ** not shift the placement of the others. */
        uint64_t seq = 0;
        for (uint32_t i = 0; i < gr->count; i++) {
            net_node *n = &net->nodes[gr->nodes[i]];
            if (n->region != SIM_NET_REGION_AUTO) {
                continue;
            }
            size_t pick;
            if (p == NULL || p->weights == NULL) {
                pick = (size_t)(seq % k);
            } else {
                /* Smooth weighted round robin: add every weight, take the
                ** largest (first on ties), subtract the total from it. */
                pick = 0;
                for (size_t j = 0; j < k; j++) {
                    cur[j] += (int64_t)p->weights[j];
                    if (cur[j] > cur[pick]) {
                        pick = j;
                    }
                }
                cur[pick] -= total;
            }
            n->region = idx[pick];
            seq++;
        }
    }
    free(idx);
    free(cur);
    free(entry);
    return ok;
}

/* Adds the nodes of one selector to the bitset; false (error reported) when
** it names nothing known. */
static bool select_nodes(sim_net *net, const sim_net_selector *s, uint64_t *set, sim_diag *d) {
    const char *t = s->text;
    char names[512];
    if (strncmp(t, "region:", 7) == 0) {
        uint32_t r = sim_regions_find(net->regions, t + 7);
        if (r == SIM_REGION_NONE) {
            list_regions(net->regions, names, sizeof names);
            net_error(d, &s->mark, "unknown region '%s' in selector '%s' (regions: %s)", t + 7, t, names);
            return false;
        }
        for (uint32_t id = 0; id < net->node_count; id++) {
            if (net->nodes[id].region == r) {
                bit_set(set, id);
            }
        }
        return true;
    }
    const char *br = strchr(t, '[');
    size_t nlen = br != NULL ? (size_t)(br - t) : strlen(t);
    char group[256];
    if (nlen == 0 || nlen >= sizeof group) {
        net_error(d, &s->mark, "bad node selector '%s': expected GROUP, GROUP[i] or region:NAME", t);
        return false;
    }
    memcpy(group, t, nlen);
    group[nlen] = '\0';
    uint32_t g = sim_net_group_find(net, group);
    if (g == SIM_NET_NODE_NONE) {
        list_groups(net, names, sizeof names);
        net_error(d, &s->mark, "unknown group '%s' in selector '%s' (groups: %s)", group, t, names);
        return false;
    }
    const net_group *gr = &net->groups[g];
    if (br == NULL) {
        for (uint32_t i = 0; i < gr->count; i++) {
            bit_set(set, gr->nodes[i]);
        }
        return true;
    }
    const char *p = br + 1;
    uint64_t i = 0;
    size_t digits = 0;
    while (*p >= '0' && *p <= '9' && digits < 10) {
        i = i * 10u + (uint64_t)(*p - '0');
        p++;
        digits++;
    }
    if (digits == 0 || p[0] != ']' || p[1] != '\0') {
        net_error(d, &s->mark, "bad node selector '%s': expected GROUP[i] with a decimal index", t);
        return false;
    }
    if (i >= gr->count) {
        net_error(d, &s->mark, "node index %llu out of range in '%s': group '%s' has %u nodes",
                  (unsigned long long)i, t, group, gr->count);
        return false;
    }
    bit_set(set, gr->nodes[i]);
    return true;
}

static bool select_side(sim_net *net, const sim_net_side *side, uint64_t *set, sim_diag *d,
                        const sim_net_mark *where) {
    bool ok = true;
    if (side->count == 0) {
        net_error(d, where, "empty node selector list");
        return false;
    }
    for (size_t i = 0; i < side->count; i++) {
        ok = select_nodes(net, &side->items[i], set, d) && ok;
    }
    return ok;
}

static size_t bitset_words(const sim_net *net) {
    return ((size_t)net->node_count + 63u) / 64u + 1u;
}

static bool resolve_partitions(sim_net *net, sim_diag *d) {
    const sim_net_config *c = &net->cfg;
    bool ok = true;
    if (c->partition_count == 0) {
        return true;
    }
    net->parts = calloc(c->partition_count, sizeof *net->parts);
    if (net->parts == NULL) {
        net_error(d, NULL, "out of memory");
        return false;
    }
    size_t words = bitset_words(net);
    for (size_t i = 0; i < c->partition_count; i++) {
        const sim_net_partition_cfg *pc = &c->partitions[i];
        net_partition *p = &net->parts[net->part_count++];
        p->from_ns = pc->from_ns;
        p->until_ns = pc->until_ns;
        p->one_way = pc->one_way;
        p->a = calloc(words, sizeof *p->a);
        p->b = calloc(words, sizeof *p->b);
        if (p->a == NULL || p->b == NULL) {
            net_error(d, NULL, "out of memory");
            return false;
        }
        if (pc->until_ns <= pc->from_ns) {
            net_error(d, &pc->mark, "partition window is empty: 'until' must be after 'from'");
            ok = false;
        }
        ok = select_side(net, &pc->a, p->a, d, &pc->mark) && ok;
        ok = select_side(net, &pc->b, p->b, d, &pc->mark) && ok;
    }
    return ok;
}

/* Checks every crash; schedules them only when `schedule` and all resolved,
** so a failed resolve leaves no events behind. */
static bool resolve_crashes(sim_net *net, sim_diag *d, bool schedule) {
    const sim_net_config *c = &net->cfg;
    bool ok = true;
    uint64_t now = sim_now_ns(net->engine);
    uint64_t *set = calloc(bitset_words(net), sizeof *set);
    if (set == NULL) {
        net_error(d, NULL, "out of memory");
        return false;
    }
    for (size_t i = 0; i < c->crash_count; i++) {
        const sim_net_crash_cfg *k = &c->crashes[i];
        if (k->at_ns < now) {
            net_error(d, &k->mark, "crash time is in the past");
            ok = false;
        }
        if (k->restart_ns != SIM_NET_NEVER && k->restart_ns <= k->at_ns) {
            net_error(d, &k->mark, "restart must be after the crash time");
            ok = false;
        }
        ok = select_side(net, &k->nodes, set, d, &k->mark) && ok;
        memset(set, 0, bitset_words(net) * sizeof *set);
    }
    for (size_t i = 0; i < c->crash_count && ok && schedule; i++) {
        const sim_net_crash_cfg *k = &c->crashes[i];
        memset(set, 0, bitset_words(net) * sizeof *set);
        for (size_t j = 0; j < k->nodes.count; j++) {
            (void)select_nodes(net, &k->nodes.items[j], set, d);
        }
        for (uint32_t id = 0; id < net->node_count; id++) {
            if (!bit_get(set, id)) {
                continue;
            }
            if (sim_schedule_at(net->engine, k->at_ns, net->k_crash, id, 0) == 0 ||
                (k->restart_ns != SIM_NET_NEVER &&
                 sim_schedule_at(net->engine, k->restart_ns, net->k_restart, id, 0) == 0)) {
                net_error(d, NULL, "out of memory");
                ok = false;
                break;
            }
        }
    }
    free(set);
    return ok;
}

bool sim_net_resolve(sim_net *net, sim_diag *d) {
    assert(net != NULL && d != NULL);
    assert(!net->resolved && net->regions == NULL && "sim_net_resolve is called once");
    char why[256];
    bool ok = true;
    if (!sim_lat_check(&net->cfg.latency.dist, why, sizeof why)) {
        net_error(d, &net->cfg.latency_mark, "%s", why);
        ok = false;
    }
    if (!(net->cfg.loss >= 0.0 && net->cfg.loss <= 1.0)) {
        net_error(d, NULL, "loss %g is outside [0, 1]", net->cfg.loss);
        ok = false;
    }
    if (!resolve_regions(net, d)) {
        return false;
    }
    if (!resolve_placement(net, d)) {
        return false;
    }
    ok = resolve_partitions(net, d) && ok;
    ok = resolve_crashes(net, d, ok) && ok;
    size_t g = net->group_count;
    net->link_stats = calloc(g * g + 1u, sizeof *net->link_stats);
    if (net->link_stats == NULL) {
        net_error(d, NULL, "out of memory");
        return false;
    }
    for (size_t i = 0; i < g * g; i++) {
        net->link_stats[i].latency_min_ns = UINT64_MAX;
    }
    net->resolved = ok;
    return ok;
}

/* ======================================================================== */
/* sending, CPU, timers, crashes                                            */
/* ======================================================================== */

int sim_net_send(sim_net *net, uint32_t from, uint32_t to, const uint8_t *bytes, size_t len) {
    assert(net != NULL && net->resolved);
    assert(from < net->node_count && to < net->node_count);
    assert(bytes != NULL || len == 0);
    if (len > SIM_NET_MAX_MSG_BYTES) {
        return SIM_NET_ETOOBIG;
    }
    net_node *s = &net->nodes[from];
    if (!s->up) {
        return SIM_NET_EDOWN;
    }
    /* a repeat of the last send's bytes shares its payload */
    uint32_t share = NIL;
    if (len >= SHARE_MIN_BYTES && bytes == net->last_src && len == net->last_len &&
        net->last_idx < net->msg_count) {
        net_msg *last = &net->msgs[net->last_idx];
        if (last->live && last->id == net->last_id && last->len == len &&
            memcmp(msg_bytes(net, last), bytes, len) == 0) {
            share = last->pl != NIL ? last->pl : payload_adopt(net, net->last_idx);
        }
    }
    uint32_t idx = msg_alloc(net, len);
    if (idx == NIL) {
        return SIM_NET_ENOMEM;
    }
    net_msg *m = &net->msgs[idx];
    if (share != NIL) {
        m->pl = share;
        net->payloads[share].refs++;
    } else if (len > 0) {
        memcpy(m->buf, bytes, len);
    }
    net->last_src = bytes;
    net->last_len = len;
    net->last_idx = idx;
    net->last_id = net->next_msg_id;
    m->len = len;
    m->from = from;
    m->to = to;
    m->id = net->next_msg_id++;
    m->send_ns = sim_now_ns(net->engine);
    m->depart_ns = SIM_NET_NEVER;
    m->arrival_ns = SIM_NET_NEVER;
    sim_net_link_stats *ls = link_of(net, from, to);
    ls->sent++;
    ls->bytes_sent += len;
    if (net->current == from) {
        m->next = NIL;
        if (s->out_tail == NIL) {
            s->out_head = idx;
        } else {
            net->msgs[s->out_tail].next = idx;
        }
        s->out_tail = idx;
    } else {
        msg_transmit(net, idx, m->send_ns);
    }
    return SIM_NET_OK;
}

void sim_net_charge(sim_net *net, uint32_t node, uint64_t cost_ns) {
    assert(net != NULL && node < net->node_count);
    assert(net->current == node && "sim_net_charge outside the handling of this node");
    net->charged_ns = sat_add(net->charged_ns, cost_ns);
}

uint64_t sim_net_cpu_now_ns(const sim_net *net, uint32_t node) {
    assert(net != NULL && node < net->node_count);
    uint64_t now = sim_now_ns(net->engine);
    return net->current == node ? sat_add(now, net->charged_ns) : now;
}

uint64_t sim_net_timer_at(sim_net *net, uint32_t node, uint64_t time_ns, uint64_t tag) {
    assert(net != NULL && net->resolved && node < net->node_count);
    assert(time_ns >= sim_now_ns(net->engine));
    net_node *n = &net->nodes[node];
    if (!n->up) {
        return 0;
    }
    uint32_t ti = timer_alloc(net);
    if (ti == NIL) {
        net->oom = true;
        return 0;
    }
    net_tmr *t = &net->timers[ti];
    t->tag = tag;
    t->fire_ns = time_ns;
    t->node = node;
    t->incarnation = n->incarnation;
    t->state = TM_SCHEDULED;
    t->eng = sim_timer_at(net->engine, time_ns, net->k_timer, node, ti);
    if (t->eng == 0) {
        timer_release(net, ti);
        net->oom = true;
        return 0;
    }
    return ((uint64_t)t->gen << 32) | ((uint64_t)ti + 1u);
}

bool sim_net_timer_cancel(sim_net *net, uint64_t timer) {
    assert(net != NULL);
    uint64_t low = timer & 0xffffffffu;
    if (low == 0 || low > net->timer_count) {
        return false;
    }
    uint32_t ti = (uint32_t)(low - 1u);
    net_tmr *t = &net->timers[ti];
    if (t->state == TM_FREE || t->gen != (uint32_t)(timer >> 32)) {
        return false;
    }
    if (t->state == TM_QUEUED) {
        bool live = !t->cancelled;
        t->cancelled = true;
        return live;
    }
    const net_node *n = &net->nodes[t->node];
    bool live = n->up && t->incarnation == n->incarnation;
    bool was_pending = sim_timer_cancel(net->engine, t->eng);
    assert(was_pending);
    (void)was_pending;
    timer_release(net, ti);
    return live;
}

void sim_net_crash(sim_net *net, uint32_t node) {
    assert(net != NULL && net->resolved && node < net->node_count);
    net_node *n = &net->nodes[node];
    if (!n->up) {
        return;
    }
    n->up = false;
    n->busy = false;
    n->incarnation++;
    n->stats.crashes++;
    while (n->q_head != NIL) {
        uint32_t tagged = queue_pop(net, node);
        if (tagged & TAG_TIMER) {
            timer_release(net, tagged & ~TAG_TIMER);
        } else {
            msg_drop(net, tagged, SIM_NET_DROP_CRASH);
        }
        n = &net->nodes[node];
    }
    uint32_t idx = n->out_head;
    n->out_head = n->out_tail = NIL;
    while (idx != NIL) {
        uint32_t next = net->msgs[idx].next;
        msg_drop(net, idx, SIM_NET_DROP_CRASH);
        idx = next;
    }
    if (n->h != NULL && n->h->on_crash != NULL) {
        n->h->on_crash(n->ctx, node);
    }
}

void sim_net_restart(sim_net *net, uint32_t node) {
    assert(net != NULL && net->resolved && node < net->node_count);
    net_node *n = &net->nodes[node];
    if (n->up) {
        return;
    }
    n->up = true;
    n->busy = false;
    n->busy_until_ns = sim_now_ns(net->engine);
    n->stats.restarts++;
    if (n->h != NULL && n->h->on_restart != NULL) {
        n->h->on_restart(n->ctx, node);
    }
}

bool sim_net_node_is_up(const sim_net *net, uint32_t node) {
    assert(net != NULL && node < net->node_count);
    return net->nodes[node].up;
}

/* ======================================================================== */
/* queries                                                                  */
/* ======================================================================== */

uint32_t sim_net_node_count(const sim_net *net) {
    assert(net != NULL);
    return net->node_count;
}

uint32_t sim_net_node_group(const sim_net *net, uint32_t node) {
    assert(net != NULL && node < net->node_count);
    return net->nodes[node].group;
}

uint32_t sim_net_node_region(const sim_net *net, uint32_t node) {
    assert(net != NULL && node < net->node_count && net->regions != NULL);
    return net->nodes[node].region;
}

uint32_t sim_net_group_count(const sim_net *net) {
    assert(net != NULL);
    return net->group_count;
}

const char *sim_net_group_name(const sim_net *net, uint32_t group) {
    assert(net != NULL && group < net->group_count);
    return net->groups[group].name;
}

uint32_t sim_net_group_find(const sim_net *net, const char *name) {
    assert(net != NULL && name != NULL);
    for (uint32_t g = 0; g < net->group_count; g++) {
        if (strcmp(net->groups[g].name, name) == 0) {
            return g;
        }
    }
    return SIM_NET_NODE_NONE;
}

uint32_t sim_net_group_size(const sim_net *net, uint32_t group) {
    assert(net != NULL && group < net->group_count);
    return net->groups[group].count;
}

uint32_t sim_net_group_node(const sim_net *net, uint32_t group, uint32_t i) {
    assert(net != NULL && group < net->group_count && i < net->groups[group].count);
    return net->groups[group].nodes[i];
}

const sim_regions *sim_net_regions(const sim_net *net) {
    assert(net != NULL);
    return net->regions;
}

const sim_net_link_stats *sim_net_stats_link(const sim_net *net, uint32_t gfrom, uint32_t gto) {
    assert(net != NULL && net->link_stats != NULL);
    assert(gfrom < net->group_count && gto < net->group_count);
    return &net->link_stats[(size_t)gfrom * net->group_count + gto];
}

void sim_net_stats_total(const sim_net *net, sim_net_link_stats *out) {
    assert(net != NULL && out != NULL && net->link_stats != NULL);
    memset(out, 0, sizeof *out);
    out->latency_min_ns = UINT64_MAX;
    size_t n = (size_t)net->group_count * net->group_count;
    for (size_t i = 0; i < n; i++) {
        const sim_net_link_stats *s = &net->link_stats[i];
        out->sent += s->sent;
        out->delivered += s->delivered;
        out->dropped_loss += s->dropped_loss;
        out->dropped_partition += s->dropped_partition;
        out->dropped_crash += s->dropped_crash;
        out->bytes_sent += s->bytes_sent;
        out->bytes_delivered += s->bytes_delivered;
        out->latency_sum_ns += s->latency_sum_ns;
        if (s->latency_min_ns < out->latency_min_ns) {
            out->latency_min_ns = s->latency_min_ns;
        }
        if (s->latency_max_ns > out->latency_max_ns) {
            out->latency_max_ns = s->latency_max_ns;
        }
    }
}

const sim_net_node_stats *sim_net_stats_node(const sim_net *net, uint32_t node) {
    assert(net != NULL && node < net->node_count);
    return &net->nodes[node].stats;
}

size_t sim_net_pool_slots(const sim_net *net) {
    assert(net != NULL);
    return net->msg_count;
}

size_t sim_net_pool_in_use(const sim_net *net) {
    assert(net != NULL);
    return net->msgs_in_use;
}

int sim_net_error(const sim_net *net) {
    assert(net != NULL);
    return net->oom ? SIM_NET_ENOMEM : SIM_NET_OK;
}
