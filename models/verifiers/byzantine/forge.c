/*
** forge: a coalition member.  At signing time, when a forged XBlock is
** registered for the same (chain, level, offset) (mdl_verifiers_forge), it
** signs the forged header and root instead of what it observed -- also an
** observation queued before the registration, and provisional XBlocks it
** signs.  It acts last on an XBlock: a withheld signature is not forged.
*/
#include <assert.h>
#include <stdlib.h>

#include "verifiers/byzantine/byzantine.h"
#include "verifiers/host.h"

enum { FORGED_SIGN };

const mdl_byz_behaviour mdl_byz_forge;

/* A forged XBlock registered for its (chain, level, offset). */
typedef struct forged {
    bool used;
    xr_xheader h;
    xr_hash root;
} forged;

/* Open addressing, at most half full. */
typedef struct state {
    forged *tab;
    size_t cap, count;
} state;

static bool init(mdl_verifiers *vs, void **out) {
    (void)vs;
    *out = calloc(1, sizeof(state));
    return *out != NULL;
}

static void state_free(void *p) {
    state *s = p;
    free(s->tab);
    free(s);
}

static size_t home(uint64_t chain, uint8_t level, uint64_t offset, size_t cap) {
    uint64_t x = (chain * UINT64_C(0x9e3779b97f4a7c15)) ^ ((uint64_t)level << 56) ^ offset;
    x ^= x >> 31;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 29;
    return (size_t)x & (cap - 1u);
}

static bool same(const xr_xheader *a, const xr_xheader *b) {
    return a->source_chain_id == b->source_chain_id && a->conf_level == b->conf_level && a->offset == b->offset;
}

static forged *slot_of(forged *tab, size_t cap, const xr_xheader *h) {
    size_t at = home(h->source_chain_id, h->conf_level, h->offset, cap);
    while (tab[at].used && !same(&tab[at].h, h)) at = (at + 1u) & (cap - 1u);
    return &tab[at];
}

static const forged *find(const state *s, const xr_xheader *h) {
    if (s->count == 0) return NULL;
    const forged *f = slot_of(s->tab, s->cap, h);
    return f->used ? f : NULL;
}

int mdl_verifiers_forge(mdl_verifiers *vs, const xr_xheader *h, const xr_hash *msg_root) {
    assert(vs && h && msg_root);
    state *s = vs->byz_state[mdl_byz_id(&mdl_byz_forge)];
    if (!s) return 0; /* no verifier forges: nobody would sign it */
    if (2u * (s->count + 1u) > s->cap) {
        size_t cap = s->cap ? s->cap * 2u : 64u;
        forged *tab = calloc(cap, sizeof *tab);
        if (!tab) return MDL_VERIFIERS_ENOMEM;
        for (size_t i = 0; i < s->cap; i++)
            if (s->tab[i].used) *slot_of(tab, cap, &s->tab[i].h) = s->tab[i];
        free(s->tab);
        s->tab = tab;
        s->cap = cap;
    }
    forged *f = slot_of(s->tab, s->cap, h);
    if (!f->used) s->count++;
    f->used = true;
    f->h = *h;
    f->root = *msg_root;
    return 0;
}

static bool on_observe(void *p, mdl_verifier *v, mdl_byz_obs *o, uint64_t now_ns) {
    const forged *f = find(p, o->h);
    if (!f) return true;
    mdl_byz_entry *e = mdl_byz_fire(v, &mdl_byz_forge, now_ns, NULL, NULL);
    if (!e) return true;
    o->h = &f->h;
    o->root = &f->root;
    o->credit[o->credits++] = &e->info.counters.n[FORGED_SIGN];
    return true;
}

const mdl_byz_behaviour mdl_byz_forge = {
    .name = "forge",
    .order = 30,
    .counters = {"forged_sign"},
    .init = init,
    .free = state_free,
    .on_observe = on_observe,
};
