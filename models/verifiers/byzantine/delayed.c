/*
** delayed: every consensus message it sends (broadcast or reply, originals
** and twins) leaves `delay` late: the host hands it each piece (on_hold),
** it keeps a copy and a node timer per piece; a crash loses the ones still
** held.
*/
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "units.h"
#include "verifiers/byzantine/byzantine.h"

enum { DELAYED };
#define NONE32 UINT32_MAX
#define MAX_DELAY_NS SIM_NS_PER_H

const mdl_byz_behaviour mdl_byz_delayed;

/* A message held back: to one node, or to the peers of rank [lo, hi). */
typedef struct held {
    uint8_t *bytes;
    size_t len;
    uint32_t owner;              /* verifier index; NONE32: free slot */
    uint32_t to_node;            /* MDL_BYZ_RANKS: the rank range */
    uint32_t lo, hi;
    uint32_t next_free;
} held;

typedef struct state {
    held *slots;
    size_t count, cap;
    uint32_t free_slot;
} state;

static bool init(mdl_verifiers *vs, void **out) {
    (void)vs;
    state *s = calloc(1, sizeof *s);
    if (!s) return false;
    s->free_slot = NONE32;
    *out = s;
    return true;
}

static void state_free(void *p) {
    state *s = p;
    for (size_t k = 0; k < s->count; k++) free(s->slots[k].bytes);
    free(s->slots);
    free(s);
}

/* An entry's parameters. */
typedef struct params {
    uint64_t delay_ns;           /* how long each message is held back */
} params;

static bool load(const sim_ynode *it, const mdl_verifier_config *vc, mdl_byzantine_cfg *c, sim_diag *d) {
    (void)vc;
    params *p = c->params;
    return sim_yfield_duration_ns(it, "delay", true, 0, 1, MAX_DELAY_NS, &p->delay_ns, d);
}

static void params_text(const mdl_byzantine_cfg *c, char *out, size_t cap) {
    const params *p = c->params;
    snprintf(out, cap, "delay_ns=%" PRIu64, p->delay_ns);
}

static void on_outgoing(void *st, mdl_verifier *v, mdl_byz_out *o, uint64_t now_ns) {
    (void)st;
    mdl_byz_entry *e = mdl_byz_fire(v, &mdl_byz_delayed, now_ns, NULL, NULL);
    if (e) o->hold = e;
}

static void release(state *s, uint32_t slot) {
    held *h = &s->slots[slot];
    free(h->bytes);
    h->bytes = NULL;
    h->owner = NONE32;
    h->next_free = s->free_slot;
    s->free_slot = slot;
}

static void on_hold(void *st, mdl_verifier *v, mdl_byz_entry *e, uint32_t to_node, uint32_t lo, uint32_t hi,
                    const uint8_t *bytes, size_t len, uint64_t now_ns) {
    state *s = st;
    uint32_t copies = to_node != MDL_BYZ_RANKS ? 1u : hi - lo;
    if (s->free_slot == NONE32) {
        if (s->count >= NONE32 - 1u || !SIM_GROW(s->slots, s->cap, s->count + 1)) {
            mdl_byz_fail(v, "out of memory delaying a consensus message");
            return;
        }
        s->slots[s->count].owner = NONE32;
        s->slots[s->count].next_free = NONE32;
        s->free_slot = (uint32_t)s->count++;
    }
    uint32_t slot = s->free_slot;
    held *h = &s->slots[slot];
    h->bytes = malloc(len ? len : 1u);
    if (!h->bytes) {
        mdl_byz_fail(v, "out of memory delaying a consensus message");
        return;
    }
    s->free_slot = h->next_free;
    memcpy(h->bytes, bytes, len);
    h->len = len;
    h->owner = mdl_byz_verifier_index(v);
    h->to_node = to_node;
    h->lo = lo;
    h->hi = hi;
    if (!mdl_byz_timer_at(v, &mdl_byz_delayed, now_ns + ((const params *)e->info.cfg->params)->delay_ns, slot)) {
        release(s, slot);
        if (mdl_byz_node_up(v)) mdl_byz_fail(v, "out of memory delaying a consensus message");
        return;
    }
    e->info.counters.n[DELAYED] += copies;
}

/* A held message's time has come. */
static void on_timer(void *st, mdl_verifier *v, uint64_t slot, uint64_t now_ns) {
    (void)now_ns;
    state *s = st;
    assert(slot < s->count && s->slots[slot].owner == mdl_byz_verifier_index(v));
    const held *h = &s->slots[slot];
    mdl_byz_send(v, h->to_node, h->lo, h->hi, h->bytes, h->len);
    release(s, (uint32_t)slot);
}

/* The timers of its held messages vanished with the crash: they are lost. */
static void on_crash(void *st, mdl_verifier *v) {
    state *s = st;
    for (size_t k = 0; k < s->count; k++)
        if (s->slots[k].owner == mdl_byz_verifier_index(v)) release(s, (uint32_t)k);
}

static const char *const keys[] = {"delay", NULL};

const mdl_byz_behaviour mdl_byz_delayed = {
    .name = "delayed",
    .order = 30,
    .keys = keys,
    .params_size = sizeof(params),
    .counters = {"delayed"},
    .load = load,
    .params_text = params_text,
    .init = init,
    .free = state_free,
    .on_outgoing = on_outgoing,
    .on_hold = on_hold,
    .on_timer = on_timer,
    .on_crash = on_crash,
};
