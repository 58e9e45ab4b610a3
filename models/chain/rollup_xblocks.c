/*
** A rollup's XBlock store (see rollup_inside.h): the canonical XBlocks by
** attest offset, the orphaned versions, provisional announcements, pruning.
*/
#include "chain/rollup_inside.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "xr_attest.h"

/* ======================================================================== */
/* XBlock storage                                                            */

xb_rec *rl_store_at(const xb_store *s, uint64_t offset) {
    if (offset < s->base || offset - s->base >= s->len) return NULL;
    return &s->recs[offset - s->base];
}

void rl_rec_roots(mdl_rollups *g, xb_rec *x) {
    xr_attest_header_leaf(&x->header, &x->header_leaf);
    int rc = xr_attest_msg_root(x->set.msgs, x->set.count, g->work, 2u * MDL_ROLLUP_BLOCK_MSGS_MAX,
                                &x->msg_root);
    assert(rc == 0);
    (void)rc;
    xr_attest_root(&x->header_leaf, &x->msg_root, &x->root);
}

void rl_view_of(const mdl_rollup *r, int level, const xb_rec *x, bool orphaned, mdl_xblock *out) {
    out->rollup = r->index;
    out->level = level;
    out->header = x->header;
    out->header_leaf = x->header_leaf;
    out->msg_root = x->msg_root;
    out->root = x->root;
    out->msgs = x->set.msgs;
    out->meta = x->set.count ? meta_of(&x->set) : NULL;
    out->msg_count = x->set.count;
    out->block_ns = x->block_ns;
    out->emitted_ns = x->emitted_ns;
    out->orphaned = orphaned;
    out->replacement = x->replacement;
    out->provisional = false;
}

void rl_emit(mdl_rollup *r, int level, const xb_rec *x, bool orphaned) {
    mdl_rollups *g = r->group;
    r->stats.xblocks[level] += !orphaned;
    if (g->cb.on_xblock == NULL) return;
    mdl_xblock v;
    rl_view_of(r, level, x, orphaned, &v);
    g->cb.on_xblock(g->cb.ctx, &v);
}

/* Appends the canonical XBlock of `level` at attest `offset` (the next one
** of that level: both levels number a block's XBlock alike) for a block,
** taking ownership of `set`; emits it.  False on OOM (set freed). */
bool rl_xblock_new(mdl_rollup *r, int level, uint64_t offset, uint64_t height,
                       const xr_hash *hash, uint64_t block_ns, msg_set set) {
    xb_store *s = &r->store[level];
    if (!SIM_GROW(s->recs, s->cap, s->len + 1)) {
        free(set.msgs);
        return false;
    }
    if (s->len == 0) s->base = s->last + 1;
    xb_rec *x = &s->recs[s->len++];
    memset(x, 0, sizeof *x);
    x->header.source_chain_id = r->cfg.chain_id;
    x->header.consensus_chain_id = r->group->params.consensus_chain_id;
    x->header.conf_level = mdl_level_conf(level);
    assert(offset == s->last + 1);
    x->header.offset = s->last = offset;
    x->header.source_block_height = height;
    x->header.source_block_hash = *hash;
    x->block_ns = block_ns;
    x->emitted_ns = sim_now_ns(r->group->engine);
    x->set = set;
    x->owns = true;
    assert(x->header.offset == s->base + s->len - 1);
    rl_rec_roots(r->group, x);
    rl_emit(r, level, x, false);
    return true;
}

/* The Finalized XBlock block b would get if the chain as it is now became
** final (its attest offset is fixed at production).  Announced with
** provisional = true (not stored). */
void rl_announce_provisional(mdl_rollup *r, const blk *b) {
    mdl_rollups *g = r->group;
    if (g->cb.on_xblock == NULL) return;
    assert(b->offset != 0);
    xb_rec x;
    memset(&x, 0, sizeof x);
    x.header.source_chain_id = r->cfg.chain_id;
    x.header.consensus_chain_id = g->params.consensus_chain_id;
    x.header.conf_level = XR_CONF_FINALIZED;
    x.header.offset = b->offset;
    x.header.source_block_height = b->height;
    x.header.source_block_hash = b->hash;
    x.block_ns = x.emitted_ns = b->time_ns;
    x.set = b->fin;
    rl_rec_roots(g, &x);
    mdl_xblock v;
    rl_view_of(r, MDL_LEVEL_FINALIZED, &x, false, &v);
    v.provisional = true;
    g->cb.on_xblock(g->cb.ctx, &v);
}

void rl_store_free(xb_store *s) {
    for (size_t i = 0; i < s->len; i++)
        if (s->recs[i].owns) free(s->recs[i].set.msgs);
    free(s->recs);
    free(s->orphans);
}

bool mdl_rollup_xblock_get(const mdl_rollup *r, int level, uint64_t offset, const xr_hash *root,
                           mdl_xblock *out) {
    assert(r != NULL && out != NULL && (level == MDL_LEVEL_LATEST || level == MDL_LEVEL_FINALIZED));
    const xb_store *s = &r->store[level];
    const xb_rec *x = rl_store_at(s, offset);
    if (x != NULL && (root == NULL || memcmp(root->bytes, x->root.bytes, 32) == 0)) {
        rl_view_of(r, level, x, false, out);
        return true;
    }
    if (root == NULL) return false;
    for (size_t i = 0; i < s->orphan_len; i++) {
        const xb_rec *o = &s->orphans[i];
        if (o->header.offset == offset && memcmp(root->bytes, o->root.bytes, 32) == 0) {
            rl_view_of(r, level, o, true, out);
            return true;
        }
    }
    return false;
}

uint64_t mdl_rollup_xblock_last_offset(const mdl_rollup *r, int level) {
    assert(level == MDL_LEVEL_LATEST || level == MDL_LEVEL_FINALIZED);
    return r->store[level].last;
}

void mdl_rollup_prune(mdl_rollup *r, int level, uint64_t below_offset) {
    assert(level == MDL_LEVEL_LATEST || level == MDL_LEVEL_FINALIZED);
    xb_store *s = &r->store[level];
    size_t keep = 0;
    for (size_t i = 0; i < s->orphan_len; i++)
        if (s->orphans[i].header.offset >= below_offset) s->orphans[keep++] = s->orphans[i];
    s->orphan_len = keep;
    if (s->len == 0 || below_offset <= s->base) return;
    size_t drop = below_offset - s->base < s->len ? (size_t)(below_offset - s->base) : s->len;
    for (size_t i = 0; i < drop; i++)
        if (s->recs[i].owns) free(s->recs[i].set.msgs);
    memmove(s->recs, s->recs + drop, (s->len - drop) * sizeof *s->recs);
    s->len -= drop;
    s->base += drop;
}
