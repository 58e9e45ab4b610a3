/*
** Message lives (see messages.h).
*/
#include "world/messages.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "stats.h"

typedef struct stream {
    uint64_t src, dst, shard;
    uint64_t *ids;        /* msg id + 1 by offset - 1; 0: unknown */
    size_t len, cap;
    uint64_t executed;    /* last executed offset */
} stream;

typedef struct xb_entry {
    size_t first, count;  /* into ids_pool */
    bool voted, approved;
} xb_entry;

typedef struct att_stream {
    uint64_t chain;
    uint8_t level;
    xb_entry *xbs;        /* by attest offset - 1 */
    size_t len, cap;
} att_stream;

struct mdl_messages {
    mdl_msg_life *msgs;   /* by id - base */
    size_t len, cap;
    uint64_t base;
    bool have_base;
    stream *streams;      /* open addressing, power-of-two size */
    size_t stream_slots, stream_used;
    att_stream *atts;
    size_t att_len, att_cap;
    uint64_t *ids_pool;
    size_t pool_len, pool_cap;
    uint64_t violations;
};

mdl_messages *mdl_messages_new(void) {
    mdl_messages *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->stream_slots = 1024;
    m->streams = calloc(m->stream_slots, sizeof *m->streams);
    if (!m->streams) {
        free(m);
        return NULL;
    }
    return m;
}

void mdl_messages_free(mdl_messages *m) {
    if (!m) return;
    for (size_t i = 0; i < m->stream_slots; i++) free(m->streams[i].ids);
    for (size_t i = 0; i < m->att_len; i++) free(m->atts[i].xbs);
    free(m->streams);
    free(m->atts);
    free(m->ids_pool);
    free(m->msgs);
    free(m);
}

static uint64_t mix(uint64_t a, uint64_t b, uint64_t c) {
    uint64_t h = a * 0x9e3779b97f4a7c15ull ^ (b + 0x632be59bd9b4e019ull) * 0xbf58476d1ce4e5b9ull;
    h ^= (c + 1) * 0x94d049bb133111ebull;
    return h ^ (h >> 31);
}

static bool streams_grow(mdl_messages *m);

/* The stream (src, dst, shard); created when `create`.  NULL: absent/OOM. */
static stream *stream_of(mdl_messages *m, uint64_t src, uint64_t dst, uint64_t shard, bool create) {
    if (create && (m->stream_used + 1) * 2 > m->stream_slots && !streams_grow(m)) return NULL;
    size_t mask = m->stream_slots - 1;
    for (size_t i = mix(src, dst, shard) & mask;; i = (i + 1) & mask) {
        stream *s = &m->streams[i];
        if (s->cap == 0 && s->ids == NULL && s->src == 0 && s->dst == 0) {
            if (!create) return NULL;
            s->src = src;
            s->dst = dst;
            s->shard = shard;
            s->cap = 0;
            m->stream_used++;
            return s;
        }
        if (s->src == src && s->dst == dst && s->shard == shard) return s;
    }
}

static bool streams_grow(mdl_messages *m) {
    size_t old_slots = m->stream_slots;
    stream *old = m->streams;
    m->stream_slots *= 2;
    m->streams = calloc(m->stream_slots, sizeof *m->streams);
    if (!m->streams) {
        m->streams = old;
        m->stream_slots = old_slots;
        return false;
    }
    m->stream_used = 0;
    for (size_t i = 0; i < old_slots; i++) {
        if (old[i].src == 0 && old[i].dst == 0 && old[i].ids == NULL) continue;
        stream *s = stream_of(m, old[i].src, old[i].dst, old[i].shard, true);
        *s = old[i];
    }
    free(old);
    return true;
}

static mdl_msg_life *by_stream(mdl_messages *m, uint64_t src, uint64_t dst, uint64_t shard,
                               uint64_t offset) {
    stream *s = stream_of(m, src, dst, shard, false);
    if (!s || offset == 0 || offset > s->len || s->ids[offset - 1] == 0) return NULL;
    return &m->msgs[s->ids[offset - 1] - 1 - m->base];
}

bool mdl_messages_on_emit(mdl_messages *m, const mdl_msg *msg) {
    if (msg->rc != 0) return true;
    assert(msg->source_chain_id != 0 || msg->dest_chain_id != 0);
    if (!m->have_base) {
        m->base = msg->id;
        m->have_base = true;
    }
    assert(msg->id >= m->base);
    size_t i = (size_t)(msg->id - m->base);
    if (!SIM_GROW(m->msgs, m->cap, i + 1)) return false;
    if (i + 1 > m->len) m->len = i + 1;
    mdl_msg_life *l = &m->msgs[i];
    *l = (mdl_msg_life){
        .id = msg->id, .source_chain = msg->source_chain_id, .dest_chain = msg->dest_chain_id,
        .conf_level = msg->conf_level, .shard = msg->shard_id, .offset = msg->offset,
        .size_bytes = msg->size_bytes, .gas_limit = msg->gas_limit, .fee_wei = msg->fee_wei,
        .value_gwei = msg->value_gwei, .emitted_ns = msg->emitted_ns,
        .source_height = MDL_NEVER, .source_block_ns = MDL_NEVER, .attest_offset = MDL_NEVER,
        .source_level_ns = MDL_NEVER, .first_vote_ns = MDL_NEVER, .approved_ns = MDL_NEVER,
        .submitted_ns = MDL_NEVER, .included_ns = MDL_NEVER, .executed_ns = MDL_NEVER,
        .relayer = UINT32_MAX, .live = true};
    stream *s = stream_of(m, msg->source_chain_id, msg->dest_chain_id, msg->shard_id, true);
    if (!s) return false;
    if (!SIM_GROW(s->ids, s->cap, msg->offset)) return false;
    if (msg->offset > s->len) s->len = msg->offset;
    s->ids[msg->offset - 1] = msg->id + 1;
    return true;
}

static att_stream *att_of(mdl_messages *m, uint64_t chain, uint8_t level, bool create) {
    for (size_t i = 0; i < m->att_len; i++) {
        if (m->atts[i].chain == chain && m->atts[i].level == level) return &m->atts[i];
    }
    if (!create || !SIM_GROW(m->atts, m->att_cap, m->att_len + 1)) return NULL;
    att_stream *a = &m->atts[m->att_len++];
    memset(a, 0, sizeof *a);
    a->chain = chain;
    a->level = level;
    return a;
}

bool mdl_messages_on_xblock(mdl_messages *m, const mdl_xblock *xb) {
    if (xb->orphaned) return true;
    const xr_xheader *h = &xb->header;
    att_stream *a = att_of(m, h->source_chain_id, h->conf_level, true);
    if (!a || !SIM_GROW(a->xbs, a->cap, h->offset)) return false;
    if (h->offset > a->len) a->len = h->offset;
    if (!SIM_GROW(m->ids_pool, m->pool_cap, m->pool_len + xb->msg_count)) {
        return false;
    }
    /* A replacement (reorg) re-announces the offset: the newest wins. */
    a->xbs[h->offset - 1] = (xb_entry){.first = m->pool_len, .count = xb->msg_count};
    for (size_t i = 0; i < xb->msg_count; i++) {
        uint64_t id = xb->meta[i].id;
        m->ids_pool[m->pool_len++] = id;
        if (!m->have_base || id < m->base || id - m->base >= m->len) continue;
        mdl_msg_life *l = &m->msgs[id - m->base];
        /* every XBlock holds every message of its block: the one at the
        ** message's own level says when it reached that level */
        if (l->conf_level != h->conf_level) continue;
        l->source_height = h->source_block_height;
        l->source_block_ns = xb->block_ns;
        l->attest_offset = h->offset;
        l->source_level_ns = xb->emitted_ns;
    }
    return true;
}

static void stamp_attestation(mdl_messages *m, uint64_t chain, uint8_t level, uint64_t offset,
                              uint64_t now_ns, bool approval) {
    att_stream *a = att_of(m, chain, level, false);
    if (!a || offset == 0 || offset > a->len) return;
    xb_entry *x = &a->xbs[offset - 1];
    bool *done = approval ? &x->approved : &x->voted;
    if (*done) return;
    *done = true;
    for (size_t i = 0; i < x->count; i++) {
        uint64_t id = m->ids_pool[x->first + i];
        if (id < m->base || id - m->base >= m->len) continue;
        mdl_msg_life *l = &m->msgs[id - m->base];
        /* a Latest attestation proves only Latest-shard messages; a
        ** Finalized one every message (relayer/app attestationForShard) */
        if (level != XR_CONF_FINALIZED && l->conf_level != level) continue;
        uint64_t *t = approval ? &l->approved_ns : &l->first_vote_ns;
        if (*t == MDL_NEVER) *t = now_ns;
    }
}

void mdl_messages_on_vote(mdl_messages *m, uint64_t chain, uint8_t conf_level, uint64_t attest_offset,
                          uint64_t now_ns) {
    stamp_attestation(m, chain, conf_level, attest_offset, now_ns, false);
}

void mdl_messages_on_approved(mdl_messages *m, uint64_t chain, uint8_t conf_level,
                              uint64_t attest_offset, uint64_t now_ns) {
    stamp_attestation(m, chain, conf_level, attest_offset, now_ns, true);
}

void mdl_messages_on_sent(mdl_messages *m, uint32_t relayer, uint64_t source_chain,
                          uint64_t dest_chain, const xr_xmsg *msgs, size_t n, uint64_t now_ns) {
    for (size_t i = 0; i < n; i++) {
        if (msgs[i].dest_chain_id != dest_chain) continue; /* broadcasts: not tracked */
        mdl_msg_life *l = by_stream(m, source_chain, dest_chain, msgs[i].shard_id, msgs[i].offset);
        if (l && l->submitted_ns == MDL_NEVER) {
            l->submitted_ns = now_ns;
            l->relayer = relayer;
        }
    }
}

void mdl_messages_on_submit(mdl_messages *m, const mdl_submit_result *res, uint64_t dest_chain) {
    if (res->rc != 0) return;
    for (size_t i = 0; i < res->receipt_count; i++) {
        const xr_xreceipt *rc = &res->receipts[i];
        stream *s = stream_of(m, rc->source_chain_id, dest_chain, rc->shard_id, false);
        mdl_msg_life *l = by_stream(m, rc->source_chain_id, dest_chain, rc->shard_id, rc->offset);
        if (!s || !l) continue;
        /* Stream order: each execution is exactly the next offset. */
        if (rc->offset != s->executed + 1 || l->executed_ns != MDL_NEVER) m->violations++;
        if (rc->offset > s->executed) s->executed = rc->offset;
        l->included_ns = res->included_ns;
        l->executed_ns = res->included_ns;
        l->gas_used = res->msg_gas[i];
        l->dest_fee_wei = res->msg_gas[i] * res->gas_price_wei;
        /* the L1 data fee split evenly, the remainder to the first */
        uint64_t n = res->receipt_count;
        l->dest_l1_fee_wei = res->l1_fee_wei / n + (i < res->l1_fee_wei % n ? 1 : 0);
        l->relayer = res->relayer;
    }
}

void mdl_messages_on_forged(mdl_messages *m, uint64_t source, uint64_t dest, uint64_t shard, uint64_t offset) {
    stream *s = stream_of(m, source, dest, shard, false);
    if (!s) return;
    if (offset != s->executed + 1) m->violations++;
    if (offset > s->executed) s->executed = offset;
}

uint64_t mdl_messages_violations(const mdl_messages *m) { return m->violations; }
size_t mdl_messages_count(const mdl_messages *m) { return m->len; }
const mdl_msg_life *mdl_messages_at(const mdl_messages *m, size_t i) {
    assert(i < m->len);
    return &m->msgs[i];
}

static sim_rec_val opt(uint64_t v) { return v == MDL_NEVER ? sim_rec_null() : sim_rec_u64(v); }

int mdl_messages_record(const mdl_messages *m, sim_rec *rec) {
    sqlite3_stmt *st;
    int rc = sim_rec_prepare(
        rec,
        "INSERT INTO messages (run_id, msg_id, source_chain, dest_chain, level, shard, stream_offset,"
        " size_bytes, gas_limit, fee_wei, value_gwei, emitted_ns, source_height, source_block_ns,"
        " attest_offset, source_level_ns, first_vote_ns, approved_ns, submitted_ns, included_ns,"
        " executed_ns, gas_used, relayer, dest_fee_wei, dest_l1_fee_wei)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        &st);
    int64_t run = sim_rec_run_id(rec);
    for (size_t i = 0; rc == 0 && i < m->len; i++) {
        const mdl_msg_life *l = &m->msgs[i];
        if (!l->live) continue;
        bool done = l->executed_ns != MDL_NEVER;
        sim_rec_val v[25] = {
            sim_rec_int(run), sim_rec_u64(l->id), sim_rec_u64(l->source_chain),
            sim_rec_u64(l->dest_chain), sim_rec_text(l->conf_level == 4 ? "finalized" : "latest"),
            sim_rec_u64(l->shard), sim_rec_u64(l->offset), sim_rec_u64(l->size_bytes),
            sim_rec_u64(l->gas_limit), sim_rec_u64(l->fee_wei), sim_rec_u64(l->value_gwei),
            sim_rec_u64(l->emitted_ns), opt(l->source_height), opt(l->source_block_ns),
            opt(l->attest_offset), opt(l->source_level_ns), opt(l->first_vote_ns),
            opt(l->approved_ns), opt(l->submitted_ns), opt(l->included_ns), opt(l->executed_ns),
            done ? sim_rec_u64(l->gas_used) : sim_rec_null(),
            l->relayer == UINT32_MAX ? sim_rec_null() : sim_rec_int(l->relayer),
            done ? sim_rec_u64(l->dest_fee_wei) : sim_rec_null(),
            done ? sim_rec_u64(l->dest_l1_fee_wei) : sim_rec_null(),
        };
        rc = sim_rec_insert(rec, st, v, 25);
    }
    return rc;
}

void mdl_messages_finality(const mdl_messages *m, uint8_t conf_level, uint64_t from_ns, mdl_finality *out) {
    memset(out, 0, sizeof *out);
    uint64_t *lat = malloc((m->len ? m->len : 1) * sizeof *lat);
    size_t n = 0;
    for (size_t i = 0; i < m->len; i++) {
        const mdl_msg_life *l = &m->msgs[i];
        if (!l->live || l->conf_level != conf_level || l->emitted_ns < from_ns) continue;
        out->emitted++;
        if (l->executed_ns == MDL_NEVER) continue;
        out->executed++;
        out->gas_used_sum += l->gas_used;
        out->fee_wei_sum += l->dest_fee_wei;
        out->l1_fee_wei_sum += l->dest_l1_fee_wei;
        if (lat) lat[n++] = l->executed_ns - l->emitted_ns;
    }
    if (lat) mdl_finality_percentiles(out, lat, n);
    free(lat);
}

void mdl_finality_percentiles(mdl_finality *out, uint64_t *lat, size_t n) {
    if (n == 0) return;
    sim_stats_sort_u64(lat, n);
    out->p50_ns = sim_stats_percentile(lat, n, 50);
    out->p90_ns = sim_stats_percentile(lat, n, 90);
    out->p99_ns = sim_stats_percentile(lat, n, 99);
    out->max_ns = lat[n - 1];
}
