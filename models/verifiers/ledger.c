/*
** What a run keeps of its consensus for the results, and the safety check
** (see verifier.h): per height the first honest commit and every honest
** commit of another block (a conflicting commit), per attestation its votes
** and first honest approval, per distinct piece of evidence its detectors;
** the summary computed from them.  Only honest verifiers' actions count.
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "stats.h"
#include "verifiers/host.h"
#include "xr_evidence.h"
#include "xr_keccak.h"


static hrec *height_rec(mdl_verifiers *vs, uint64_t h) {
    assert(h >= 1);
    if (h > vs->led.height_count) {
        if (!SIM_GROW(vs->led.heights, vs->led.height_cap, h)) return NULL;
        for (uint64_t k = vs->led.height_count; k < h; k++) {
            vs->led.heights[k].start_ns = UINT64_MAX;
            vs->led.heights[k].proposer = NONE32;
        }
        vs->led.height_count = h;
    }
    return &vs->led.heights[h - 1];
}

static arec *att_rec(mdl_verifiers *vs, uint64_t chain, uint8_t level, uint64_t offset) {
    if (offset == 0) return NULL;
    astream *s = NULL;
    for (size_t i = 0; i < vs->led.stream_count && !s; i++)
        if (vs->led.streams[i].chain == chain && vs->led.streams[i].level == level) s = &vs->led.streams[i];
    if (!s) {
        if (!SIM_GROW(vs->led.streams, vs->led.stream_cap, vs->led.stream_count + 1))
            return NULL;
        s = &vs->led.streams[vs->led.stream_count++];
        memset(s, 0, sizeof *s);
        s->chain = chain;
        s->level = level;
    }
    if (offset > s->count) {
        if (!SIM_GROW(s->recs, s->cap, offset)) return NULL;
        for (uint64_t k = s->count; k < offset; k++) s->recs[k].first_vote_ns = UINT64_MAX;
        s->count = offset;
    }
    return &s->recs[offset - 1];
}

void ledger_note_height(mdl_verifiers *vs, verifier *v, uint64_t now_ns) {
    uint64_t h = xr_bft_height(v->bft);
    if (h == v->height) return;
    uint64_t from = v->height;
    v->height = h;
    if (!v->honest) return;
    for (uint64_t k = from + 1; k <= h; k++) {
        hrec *r = height_rec(vs, k);
        if (!r) {
            vhost_fail(vs, "out of memory recording consensus heights");
            return;
        }
        if (now_ns < r->start_ns) r->start_ns = now_ns;
    }
}

void ledger_commit(mdl_verifiers *vs, verifier *v, uint64_t now_ns, const xr_action_commit *c) {
    if (!v->honest) return;
    hrec *r = height_rec(vs, c->height);
    if (!r) {
        vhost_fail(vs, "out of memory recording consensus heights");
        return;
    }
    if (!r->committed) {
        r->committed = true;
        r->round = c->round;
        r->first_commit_ns = now_ns;
        r->first_verifier = v->index;
        memcpy(r->block_id, c->block_id, 32);
        xr_bft_block blk;
        xr_bftmsg_limits lim = xr_bft_limits(v->bft);
        if (xr_bft_block_decode(c->block.ptr, c->block.len, &lim, &blk) == 0) {
            r->proposer = vhost_index_of_addr(vs, blk.proposer);
            r->votes = blk.vote_count;
        }
    } else if (memcmp(r->block_id, c->block_id, 32) != 0) {
        if (!SIM_GROW(vs->led.conflicts, vs->led.conflict_cap, vs->led.conflict_count + 1)) {
            vhost_fail(vs, "out of memory recording a conflicting commit");
            return;
        }
        conflict *k = &vs->led.conflicts[vs->led.conflict_count++];
        k->height = c->height;
        k->verifier = v->index;
        k->first_verifier = r->first_verifier;
        memcpy(k->block_id, c->block_id, 32);
        memcpy(k->first_block_id, r->block_id, 32);
        k->at_ns = now_ns;
    }
    r->last_commit_ns = now_ns;
    r->commit_count++;
}

void ledger_approved(mdl_verifiers *vs, verifier *v, uint64_t now_ns, const xr_action_approved *a) {
    if (!v->honest) return;
    arec *r = att_rec(vs, a->header.source_chain_id, a->header.conf_level, a->header.offset);
    if (!r) {
        vhost_fail(vs, "out of memory recording attestations");
        return;
    }
    if (!r->approved) {
        r->approved = true;
        memcpy(r->root, a->root.bytes, 32);
        r->approved_ns = now_ns;
        r->height = a->height;
        r->signed_power = a->signed_power;
        r->total_power = a->total_power;
        r->signer_count = a->sig_count;
        hrec *h = height_rec(vs, a->height);
        if (h) h->approved++;
    } else if (memcmp(r->root, a->root.bytes, 32) != 0) {
        vs->led.approval_conflicts++;
    }
    r->approved_count++;
}

static uint64_t load64(const uint8_t *p) {
    uint64_t x;
    memcpy(&x, p, 8);
    return x;
}

void ledger_evidence(mdl_verifiers *vs, verifier *v, uint64_t now_ns, const xr_action_evidence *e) {
    if (!v->honest) return;
    uint8_t hash[32];
    xr_keccak256(e->bytes.ptr, e->bytes.len, hash);
    /* the index is kept at most half full */
    if (2 * (vs->led.ev_count + 1) > vs->led.ev_index_cap) {
        size_t cap = vs->led.ev_index_cap ? vs->led.ev_index_cap * 2 : 64;
        uint32_t *ix = malloc(cap * sizeof *ix);
        if (!ix) {
            vhost_fail(vs, "out of memory recording evidence");
            return;
        }
        for (size_t i = 0; i < cap; i++) ix[i] = NONE32;
        for (size_t k = 0; k < vs->led.ev_count; k++) {
            size_t at = (size_t)load64(vs->led.ev[k].hash) & (cap - 1);
            while (ix[at] != NONE32) at = (at + 1) & (cap - 1);
            ix[at] = (uint32_t)k;
        }
        free(vs->led.ev_index);
        vs->led.ev_index = ix;
        vs->led.ev_index_cap = cap;
    }
    size_t at = (size_t)load64(hash) & (vs->led.ev_index_cap - 1);
    while (vs->led.ev_index[at] != NONE32 && memcmp(vs->led.ev[vs->led.ev_index[at]].hash, hash, 32) != 0)
        at = (at + 1) & (vs->led.ev_index_cap - 1);
    erec *r;
    if (vs->led.ev_index[at] == NONE32) {
        if (!SIM_GROW(vs->led.ev, vs->led.ev_cap, vs->led.ev_count + 1)) {
            vhost_fail(vs, "out of memory recording evidence");
            return;
        }
        r = &vs->led.ev[vs->led.ev_count];
        memset(r, 0, sizeof *r);
        r->seen = calloc((vs->n + 7u) / 8u, 1);
        if (!r->seen) {
            vhost_fail(vs, "out of memory recording evidence");
            return;
        }
        vs->led.ev_index[at] = (uint32_t)vs->led.ev_count++;
        memcpy(r->hash, hash, 32);
        r->info.kind = e->kind;
        r->info.offender = vhost_index_of_addr(vs, e->offender);
        r->info.first_ns = now_ns;
        r->info.height = 0;
        r->info.round = 0;
        xr_evidence ed;
        if (e->kind == XR_EVIDENCE_DUPLICATE_VOTE && xr_evidence_decode(e->bytes.ptr, e->bytes.len, &ed) == 0) {
            r->info.height = ed.core_a.height;
            r->info.round = ed.core_a.round;
            r->info.vote_type = ed.core_a.type;
        }
    } else {
        r = &vs->led.ev[vs->led.ev_index[at]];
    }
    if (!(r->seen[v->index / 8u] & (1u << (v->index % 8u)))) {
        r->seen[v->index / 8u] |= (uint8_t)(1u << (v->index % 8u));
        r->info.detectors++;
    }
}

/* A verifier signed an attestation vote for h now: count it in the
** attestation's record.  False (run failed) when out of memory. */
bool ledger_vote(mdl_verifiers *vs, const xr_xheader *h, uint64_t now_ns) {
    arec *r = att_rec(vs, h->source_chain_id, h->conf_level, h->offset);
    if (!r) {
        vhost_fail(vs, "out of memory recording attestations");
        return false;
    }
    if (now_ns < r->first_vote_ns) r->first_vote_ns = now_ns;
    r->votes++;
    return true;
}

void ledger_free(ledger *l) {
    free(l->heights);
    for (size_t i = 0; i < l->stream_count; i++) free(l->streams[i].recs);
    free(l->streams);
    for (size_t i = 0; i < l->ev_count; i++) free(l->ev[i].seen);
    free(l->ev);
    free(l->ev_index);
    free(l->conflicts);
}

/* ---- queries ------------------------------------------------------------------------------- */

uint64_t mdl_verifiers_heights(const mdl_verifiers *vs) { return vs->led.height_count; }

bool mdl_verifiers_height(const mdl_verifiers *vs, uint64_t h, mdl_height_info *out) {
    assert(vs && out);
    if (h < 1 || h > vs->led.height_count) return false;
    const hrec *r = &vs->led.heights[h - 1];
    memset(out, 0, sizeof *out);
    out->height = h;
    out->committed = r->committed;
    out->proposer = r->proposer;
    out->round = r->round;
    memcpy(out->block_id, r->block_id, 32);
    out->votes = r->votes;
    out->start_ns = r->start_ns;
    out->first_commit_ns = r->first_commit_ns;
    out->last_commit_ns = r->last_commit_ns;
    out->commit_count = r->commit_count;
    out->approved = r->approved;
    return true;
}

size_t mdl_verifiers_evidence_count(const mdl_verifiers *vs) { return vs->led.ev_count; }

bool mdl_verifiers_evidence(const mdl_verifiers *vs, size_t k, mdl_evidence_info *out) {
    assert(vs && out);
    if (k >= vs->led.ev_count) return false;
    *out = vs->led.ev[k].info;
    return true;
}

uint64_t mdl_verifiers_conflicts(const mdl_verifiers *vs) { return vs->led.conflict_count; }

/* ---- summary ---------------------------------------------------------------------------------- */

void mdl_verifiers_summary(const mdl_verifiers *vs, uint64_t end_ns, mdl_consensus_summary *out) {
    assert(vs && out);
    memset(out, 0, sizeof *out);
    out->verifiers = vs->n;
    out->byzantine = vs->byz_count;
    out->total_power = vs->total_power;
    out->byzantine_power = vs->byz_power;
    out->xblocks_observed = vs->xblocks_observed;
    out->evidence = vs->led.ev_count;
    out->conflicts = vs->led.conflict_count;
    out->approval_conflicts = vs->led.approval_conflicts;
    out->actions_dropped = vs->actions_dropped;
    out->block_part_bytes = vs->cc.block_part_bytes;
    if (mdl_verifiers_gossip_stats(vs)) out->gossip = *mdl_verifiers_gossip_stats(vs);
    for (uint32_t i = 0; i < vs->n; i++) {
        out->sigs_signed += vs->v[i].sigs_signed;
        out->sigs_verified += vs->v[i].sigs_verified;
        out->actions_dropped += xr_bft_get_stats(vs->v[i].bft)->actions_dropped;
    }
    uint8_t *named = calloc(vs->n + 1u, 1);
    for (size_t k = 0; named && k < vs->led.ev_count; k++) {
        uint32_t o = vs->led.ev[k].info.offender;
        uint32_t slot = o < vs->n ? o : vs->n;
        if (!named[slot]) {
            named[slot] = 1;
            out->offenders++;
        }
    }
    free(named);
    size_t nh = (size_t)vs->led.height_count;
    uint64_t *iv = malloc((nh ? nh : 1) * sizeof *iv);
    uint64_t *tc = malloc((nh ? nh : 1) * sizeof *tc);
    size_t niv = 0, ntc = 0;
    /* the stall clock starts when the first verifier starts */
    uint64_t prev = nh && vs->led.heights[0].start_ns != UINT64_MAX ? vs->led.heights[0].start_ns : 0;
    for (size_t k = 0; k < nh; k++) {
        const hrec *r = &vs->led.heights[k];
        if (!r->committed) continue;
        out->heights_committed++;
        out->last_height = k + 1;
        if (r->round > 0) out->multi_round_heights++;
        uint64_t gap = r->first_commit_ns > prev ? r->first_commit_ns - prev : 0;
        if (gap > out->max_stall_ns) {
            out->max_stall_ns = gap;
            out->max_stall_from_ns = prev;
        }
        if (iv && (k == 0 || vs->led.heights[k - 1].committed)) iv[niv++] = gap;
        if (tc && r->start_ns != UINT64_MAX && r->first_commit_ns >= r->start_ns)
            tc[ntc++] = r->first_commit_ns - r->start_ns;
        prev = r->first_commit_ns;
    }
    if (end_ns > prev && end_ns - prev > out->max_stall_ns) {
        out->max_stall_ns = end_ns - prev;
        out->max_stall_from_ns = prev;
    }
    if (iv && niv) {
        sim_stats_sort_u64(iv, niv);
        out->height_p50_ns = sim_stats_percentile(iv, niv, 50);
        out->height_p90_ns = sim_stats_percentile(iv, niv, 90);
        out->height_p99_ns = sim_stats_percentile(iv, niv, 99);
        out->height_max_ns = iv[niv - 1];
    }
    if (tc && ntc) {
        sim_stats_sort_u64(tc, ntc);
        out->commit_p50_ns = sim_stats_percentile(tc, ntc, 50);
        out->commit_p99_ns = sim_stats_percentile(tc, ntc, 99);
    }
    free(iv);
    free(tc);
    size_t na = 0;
    for (size_t s = 0; s < vs->led.stream_count; s++) na += (size_t)vs->led.streams[s].count;
    uint64_t *al = malloc((na ? na : 1) * sizeof *al);
    size_t nal = 0;
    for (size_t s = 0; s < vs->led.stream_count; s++)
        for (uint64_t o = 0; o < vs->led.streams[s].count; o++) {
            const arec *r = &vs->led.streams[s].recs[o];
            if (!r->approved) continue;
            out->attestations_approved++;
            if (al && r->first_vote_ns != UINT64_MAX && r->approved_ns >= r->first_vote_ns)
                al[nal++] = r->approved_ns - r->first_vote_ns;
        }
    if (al && nal) {
        sim_stats_sort_u64(al, nal);
        out->approval_p50_ns = sim_stats_percentile(al, nal, 50);
        out->approval_p99_ns = sim_stats_percentile(al, nal, 99);
    }
    free(al);
}

