/*
** The host's side of the Byzantine behaviours: every entry of the scenario
** resolved to (verifier, entry) pairs with their counters, their triggers,
** the behaviours' states, and the queries over them.
*/
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "verifiers/host.h"

#define BIT(b) (1u << (unsigned)(b))

static bool in_ranges(const mdl_range *r, uint32_t n, uint64_t x) {
    for (uint32_t i = 0; i < n; i++)
        if (x >= r[i].lo && x <= r[i].hi) return true;
    return false;
}

/* Do the conditions of entry e hold for an action of v now?  The
** probability is drawn last, only when everything else holds. */
static bool trigger_holds(verifier *v, mdl_byz_entry *e, uint64_t now_ns) {
    const mdl_byzantine_cfg *c = e->info.cfg;
    if (now_ns < c->from_ns || now_ns >= c->until_ns) return false;
    if (c->heights && !in_ranges(c->heights, c->height_count, xr_bft_height(v->bft))) return false;
    if (c->rounds && !in_ranges(c->rounds, c->round_count, xr_bft_round(v->bft))) return false;
    if (!c->has_probability) return true;
    assert(v->byz_rng && c->prob_den >= 1);
    e->info.counters.draws++;
    if (sim_rng_below(v->byz_rng, c->prob_den) >= c->prob_num) return false;
    e->info.counters.fired++;
    return true;
}

mdl_byz_entry *mdl_byz_fire(verifier *v, const mdl_byz_behaviour *bh, uint64_t now_ns,
                            bool (*match)(const mdl_byz_entry *e, const void *arg), const void *arg) {
    mdl_behaviour b = mdl_byz_id(bh);
    if (!(v->mask & BIT(b))) return NULL;
    for (uint32_t k = 0; k < v->ref_count; k++) {
        mdl_byz_entry *e = &v->refs[k];
        if (e->info.behaviour != b) continue;
        if (match && !match(e, arg)) continue;
        if (trigger_holds(v, e, now_ns)) return e;
    }
    return NULL;
}

bool mdl_byz_has(const verifier *v, const mdl_byz_behaviour *b) { return (v->mask & BIT(mdl_byz_id(b))) != 0; }

bool mdl_byz_twin_open(verifier *v, mdl_byz_out *o) {
    mdl_byz_twin *t = &o->twin;
    if (!o->broadcast) return false;
    if (!t->opened) {
        t->opened = true;
        xr_bftmsg_limits lim = xr_bft_limits(v->bft);
        t->own = xr_bftmsg_decode(o->bytes, o->len, &lim, &t->m) == 0 &&
                 memcmp(t->m.core.validator, v->addr.bytes, 20) == 0; /* not a relayed prevote */
        t->c = t->m.core;
    }
    return t->own && !t->failed;
}

/* Resolves every entry's target (stake_fraction over the drawn powers) into
** per-verifier pairs, and starts the behaviours that have entries.  False
** when out of memory. */
bool vhost_byz_build(mdl_verifiers *vs) {
    const mdl_verifier_config *vc = vs->vc;
    size_t ne = vc->byzantine_count;
    vs->byz_kinds = mdl_byz_count();
    vs->byz_state = calloc(vs->byz_kinds, sizeof *vs->byz_state);
    vs->byz_order = calloc(vs->byz_kinds, sizeof *vs->byz_order);
    if (!vs->byz_state || !vs->byz_order) return false;
    /* acting order (byz_kinds - 1 behaviours): by `order`, then table order */
    uint32_t m = 0;
    for (uint32_t b = 1; b < vs->byz_kinds; b++) {
        uint32_t at = m++;
        while (at > 0 && mdl_byz_get((mdl_behaviour)vs->byz_order[at - 1])->order > mdl_byz_get((mdl_behaviour)b)->order) {
            vs->byz_order[at] = vs->byz_order[at - 1];
            at--;
        }
        vs->byz_order[at] = (uint8_t)b;
        if (mdl_byz_get((mdl_behaviour)b)->provisional) vs->provisional_mask |= BIT(b);
    }
    for (uint32_t i = 0; i < vs->n; i++) vs->v[i].honest = true;
    if (ne == 0) return true;
    uint64_t *st = malloc((size_t)vs->n * sizeof *st);
    uint32_t *per = calloc(vs->n, sizeof *per);
    vs->fraction_prefix = calloc(ne, sizeof *vs->fraction_prefix);
    bool ok = st && per && vs->fraction_prefix;
    size_t total = 0;
    uint32_t used = 0;
    for (uint32_t i = 0; ok && i < vs->n; i++) st[i] = vs->v[i].power;
    for (size_t k = 0; ok && k < ne; k++) {
        const mdl_byzantine_cfg *c = &vc->byzantine[k];
        used |= BIT(c->behaviour);
        if (c->by_fraction) {
            uint32_t p = mdl_verifier_config_fraction_prefix(st, vs->n, c->fraction_num, c->fraction_den);
            vs->fraction_prefix[k] = p;
            for (uint32_t t = 0; t < p; t++) per[t]++;
            total += p;
        } else {
            for (uint32_t j = 0; j < c->verifier_count; j++) {
                assert(c->verifiers[j] < vs->n);
                per[c->verifiers[j]]++;
            }
            total += c->verifier_count;
        }
    }
    /* the behaviours with entries keep their state */
    for (uint32_t b = 1; ok && b < mdl_byz_count(); b++) {
        const mdl_byz_behaviour *bh = mdl_byz_get((mdl_behaviour)b);
        if ((used & BIT(b)) && bh->init) ok = bh->init(vs, &vs->byz_state[b]);
    }
    if (ok) vs->refs = calloc(total ? total : 1u, sizeof *vs->refs);
    ok = ok && vs->refs;
    if (ok) {
        vs->ref_count = total;
        size_t at = 0;
        for (uint32_t i = 0; i < vs->n; i++) {
            vs->v[i].refs = vs->refs + at;
            at += per[i];
        }
        for (size_t k = 0; k < ne; k++) {
            const mdl_byzantine_cfg *c = &vc->byzantine[k];
            uint32_t count = c->by_fraction ? vs->fraction_prefix[k] : c->verifier_count;
            for (uint32_t j = 0; j < count; j++) {
                verifier *v = &vs->v[c->by_fraction ? j : c->verifiers[j]];
                mdl_byz_entry *e = &v->refs[v->ref_count++];
                e->info.verifier = v->index;
                e->info.entry = (uint32_t)k;
                e->info.behaviour = c->behaviour;
                e->info.cfg = c;
                v->mask |= BIT(c->behaviour);
                v->honest = false;
                if (vs->provisional_mask & BIT(c->behaviour)) vs->any_provisional = true;
                if (c->has_probability && !v->byz_rng) {
                    v->byz_rng = sim_rng_new(vs->seed, MDL_ENT_VERIFIER, v->index, PURPOSE_BYZANTINE);
                    ok = ok && v->byz_rng;
                }
            }
        }
    }
    for (uint32_t i = 0; ok && i < vs->n; i++) {
        if (vs->v[i].honest) continue;
        vs->byz_count++;
        vs->byz_power += vs->v[i].power;
    }
    free(st);
    free(per);
    return ok;
}

void vhost_byz_free(mdl_verifiers *vs) {
    for (uint32_t b = 1; vs->byz_state && b < mdl_byz_count(); b++) {
        const mdl_byz_behaviour *bh = mdl_byz_get((mdl_behaviour)b);
        if (vs->byz_state[b] && bh->free) bh->free(vs->byz_state[b]);
    }
    free(vs->byz_state);
    free(vs->byz_order);
    free(vs->refs);
    free(vs->fraction_prefix);
}

/* ---- queries ------------------------------------------------------------------------------- */

size_t mdl_verifiers_byzantine_count(const mdl_verifiers *vs) { return vs->ref_count; }

bool mdl_verifiers_byzantine(const mdl_verifiers *vs, size_t k, mdl_byzantine_info *out) {
    assert(vs && out);
    if (k >= vs->ref_count) return false;
    *out = vs->refs[k].info;
    return true;
}

uint64_t mdl_byzantine_counter(const mdl_byzantine_info *in, const char *name) {
    const mdl_byz_behaviour *bh = mdl_byz_get(in->behaviour);
    for (uint32_t k = 0; k < MDL_BYZ_COUNTERS_MAX && bh->counters[k]; k++)
        if (strcmp(bh->counters[k], name) == 0) return in->counters.n[k];
    return 0;
}

uint64_t mdl_verifiers_counter_total(const mdl_verifiers *vs, const char *name) {
    uint64_t sum = 0;
    for (size_t k = 0; k < vs->ref_count; k++) sum += mdl_byzantine_counter(&vs->refs[k].info, name);
    return sum;
}

void mdl_verifiers_behaviours(const mdl_verifiers *vs, uint32_t i, char *out, size_t cap) {
    assert(vs && i < vs->n && out && cap >= 128);
    const verifier *v = &vs->v[i];
    size_t w = 0;
    out[0] = '\0';
    for (uint32_t b = 1; b < mdl_byz_count(); b++) {
        if (!(v->mask & BIT(b))) continue;
        int k = snprintf(out + w, cap - w, "%s%s", w ? "," : "", mdl_behaviour_name((mdl_behaviour)b));
        if (k > 0) w = w + (size_t)k < cap ? w + (size_t)k : cap - 1u;
    }
    if (w == 0) snprintf(out, cap, "honest");
}
