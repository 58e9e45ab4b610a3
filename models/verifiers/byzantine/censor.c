/*
** censor: at signing time, an XBlock of the censored source chain
** (`chain: 101`), or one holding a message of the censored route
** (`route: {from: 101, to: 102}`, known through mdl_verifiers_observe_msgs),
** is not signed (withheld).  With an `until`, what it withheld is signed, in
** the order withheld, when the window ends (stale offsets are refused by the
** core, as they would be on chain): the censored messages are delayed, not
** lost.  It acts first on an XBlock: a withheld signature is not made.
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "grow.h"
#include "verifiers/byzantine/byzantine.h"

enum { WITHHELD };

/* At most this many censor entries with a route per scenario (a route is a
** bit of an observation's 64-bit marks). */
#define ROUTES_MAX 64u

/* An entry's parameters. */
typedef struct params {
    bool route;                  /* false: XBlocks of source chain `chain` */
    uint64_t chain;              /* the source chain (both kinds) */
    uint64_t to_chain;           /* route: XBlocks holding a message chain -> to_chain */
} params;

const mdl_byz_behaviour mdl_byz_censor;

static const params *params_of(const mdl_byzantine_cfg *c) { return c->params; }

static bool is_route(const mdl_byzantine_cfg *c) {
    return c->behaviour == mdl_byz_id(&mdl_byz_censor) && c->params && params_of(c)->route;
}

void mdl_byz_censor_set(mdl_byzantine_cfg *c, uint64_t chain, uint64_t to_chain) {
    params *p = c->params;
    p->route = to_chain != 0;
    p->chain = chain;
    p->to_chain = to_chain;
}

/* An XBlock withheld, to sign when its window ends. */
typedef struct withheld {
    xr_xheader h;
    xr_hash root;
    uint64_t until_ns;
} withheld;

typedef struct backlog {
    withheld *items;
    size_t len, cap;
} backlog;

typedef struct state {
    const mdl_verifier_config *vc;
    uint32_t *route_bit;         /* per entry: its bit in an observation's marks */
    const mdl_byzantine_cfg **routes; /* route entries; bit k is routes[k] */
    size_t route_count;
    backlog *by_verifier;
} state;

static bool init(mdl_verifiers *vs, void **out) {
    state *s = calloc(1, sizeof *s);
    if (!s) return false;
    *out = s;
    s->vc = mdl_verifiers_config(vs);
    size_t ne = s->vc->byzantine_count;
    s->route_bit = calloc(ne, sizeof *s->route_bit);
    s->routes = calloc(ne, sizeof *s->routes);
    s->by_verifier = calloc(mdl_verifiers_count(vs), sizeof *s->by_verifier);
    if (!s->route_bit || !s->routes || !s->by_verifier) return false;
    for (size_t k = 0; k < ne; k++) {
        const mdl_byzantine_cfg *c = &s->vc->byzantine[k];
        if (!is_route(c)) continue;
        s->route_bit[k] = (uint32_t)s->route_count;
        s->routes[s->route_count++] = c;
    }
    return true;
}

static void state_free(void *p) {
    state *s = p;
    if (s->by_verifier)
        for (uint32_t i = 0; i < s->vc->count; i++) free(s->by_verifier[i].items);
    free(s->by_verifier);
    free(s->route_bit);
    free(s->routes);
    free(s);
}

static bool load(const sim_ynode *it, const mdl_verifier_config *vc, mdl_byzantine_cfg *b, sim_diag *d) {
    static const char *const route_keys[] = {"from", "to", NULL};
    params *p = b->params;
    const sim_ynode *ch = sim_ymap_get(it, "chain"), *rt = sim_ymap_get(it, "route");
    if ((ch == NULL) == (rt == NULL)) {
        sim_diag_error(d, ch && rt ? rt : it,
                       "censor needs exactly one of 'chain: <id>' or 'route: {from: <id>, to: <id>}'");
        return false;
    }
    if (ch) return sim_ynode_u64(ch, 1, UINT64_MAX, &p->chain, d);
    p->route = true;
    if (!sim_ymap_check(rt, "a censored route", route_keys, d)) return false;
    bool ok = sim_yfield_u64(rt, "from", true, 0, 1, UINT64_MAX, &p->chain, d);
    ok = sim_yfield_u64(rt, "to", true, 0, 1, UINT64_MAX, &p->to_chain, d) && ok;
    uint32_t routes = 0; /* this one and the route entries before it */
    for (size_t k = 0; k < vc->byzantine_count; k++) routes += is_route(&vc->byzantine[k]);
    if (routes > ROUTES_MAX) {
        sim_diag_error(d, rt, "more than %u censor entries with a route", ROUTES_MAX);
        ok = false;
    }
    return ok;
}

static void params_text(const mdl_byzantine_cfg *c, char *out, size_t cap) {
    const params *p = params_of(c);
    if (!p->route)
        snprintf(out, cap, "chain=%" PRIu64, p->chain);
    else
        snprintf(out, cap, "route=%" PRIu64 "->%" PRIu64, p->chain, p->to_chain);
}

/* Bit k of the marks: the XBlock holds a message of route k. */
static uint64_t note_msgs(void *p, const xr_xheader *h, const xr_xmsg *msgs, size_t n) {
    state *s = p;
    uint64_t marks = 0;
    for (size_t k = 0; k < s->route_count; k++) {
        const params *c = params_of(s->routes[k]);
        if (c->chain != h->source_chain_id) continue;
        for (size_t i = 0; i < n; i++) {
            if (msgs[i].dest_chain_id == c->to_chain) {
                marks |= UINT64_C(1) << k;
                break;
            }
        }
    }
    return marks;
}

typedef struct seen {
    const state *s;
    const mdl_byz_obs *o;
} seen;

static bool matches(const mdl_byz_entry *e, const void *arg) {
    const seen *x = arg;
    const params *c = params_of(e->info.cfg);
    if (!c->route) return x->o->h->source_chain_id == c->chain;
    return ((x->o->marks >> x->s->route_bit[e->info.entry]) & 1u) != 0;
}

static bool on_observe(void *p, mdl_verifier *v, mdl_byz_obs *o, uint64_t now_ns) {
    state *s = p;
    seen x = {s, o};
    mdl_byz_entry *e = mdl_byz_fire(v, &mdl_byz_censor, now_ns, matches, &x);
    if (!e) return true;
    e->info.counters.n[WITHHELD]++;
    uint64_t until = e->info.cfg->until_ns;
    if (until == SIM_NET_NEVER) return false;
    /* a censor that stops censoring signs what it held back, as its watcher saw it */
    backlog *b = &s->by_verifier[mdl_byz_verifier_index(v)];
    if (!SIM_GROW(b->items, b->cap, b->len + 1)) {
        mdl_byz_fail(v, "out of memory holding a censored XBlock");
        return false;
    }
    b->items[b->len++] = (withheld){*o->h, *o->root, until};
    if (!mdl_byz_timer_at(v, &mdl_byz_censor, until, 0)) mdl_byz_fail(v, "out of memory");
    return false;
}

/* A window ended: sign, in the order withheld, what it held back. */
static void on_timer(void *p, mdl_verifier *v, uint64_t arg, uint64_t now_ns) {
    (void)arg;
    state *s = p;
    backlog *b = &s->by_verifier[mdl_byz_verifier_index(v)];
    size_t keep = 0;
    for (size_t i = 0; i < b->len; i++) {
        withheld *w = &b->items[i];
        if (w->until_ns > now_ns) {
            b->items[keep++] = *w;
            continue;
        }
        (void)mdl_byz_attest(v, &w->h, &w->root, now_ns);
    }
    b->len = keep;
}

static const char *const keys[] = {"chain", "route", NULL};

const mdl_byz_behaviour mdl_byz_censor = {
    .name = "censor",
    .order = 10,
    .keys = keys,
    .params_size = sizeof(params),
    .counters = {"withheld"},
    .load = load,
    .params_text = params_text,
    .init = init,
    .free = state_free,
    .note_msgs = note_msgs,
    .on_observe = on_observe,
    .on_timer = on_timer,
};
