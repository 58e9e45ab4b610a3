/*
** Relayers (see relayer.h): approvals in, destination transactions out.
**
** Each approval is copied into a job (header, root, set id, signatures)
** that every relayer handles after its reaction delay; handling builds one
** submission per destination with messages in the XBlock and sends it.
** Each transaction is remembered (its bytes, for retries) until its fate
** is known.  Jobs and transactions live in free-listed arrays, so steady
** state reuses memory.
*/
#include "relay/relayer.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "xr_attest.h"
#include "xr_codec.h"
#include "xr_limits.h"
#include "xr_portal.h"
#include "xr_sig.h"
#include "units.h"

#define NONE UINT32_MAX

typedef struct job {
    xr_xheader header;
    xr_hash root;
    uint64_t valset_id;
    uint32_t sig_count;
    xr_sig_tuple *sigs;   /* owned */
    uint32_t refs;        /* relayers still to handle it */
    uint32_t next_free;
} job;

typedef struct tx {
    uint32_t relayer;
    uint64_t dest_chain;
    uint64_t source_chain;
    uint64_t shard;
    uint64_t last_offset;  /* highest stream offset it carries */
    uint8_t *bytes;        /* owned */
    size_t len;
    uint64_t gas_limit;
    uint32_t fee_permille;
    uint32_t tries;
    uint64_t valset_id;    /* the set that signed it */
    bool live;
    uint32_t next_free;
} tx;

typedef struct stream {
    uint64_t chain;
    uint8_t level;
    uint64_t next_offset;
} stream;

/* What one relayer has sent of one message stream: Omni's msgOffsetFilter
** (relayer/app), so an XBlock attested at both levels is not sent twice. */
typedef struct sent_stream {
    uint32_t relayer;
    uint64_t source, dest, shard;
    uint64_t offset;       /* highest stream offset sent */
} sent_stream;

struct mdl_relayers {
    sim_engine *engine;
    mdl_rollups *rs;
    mdl_relayer_config cfg;
    const xr_valset *valset;
    xr_quorum quorum;
    uint32_t kind_job, kind_retry;
    job *jobs;
    uint32_t job_count, job_free;
    size_t job_cap;
    tx *txs;
    uint32_t tx_count, tx_free;
    size_t tx_cap;
    stream *streams;
    size_t stream_count, stream_cap;
    sent_stream *sent;
    size_t sent_count, sent_cap;
    mdl_relayer_stats *stats;
    mdl_relayer_sent_fn sent_fn;
    void *sent_ctx;
    mdl_relayer_source source;
    uint32_t *held;        /* txs waiting for their destination's set, in order */
    uint32_t held_count;
    size_t held_cap;
    const char *error;
    /* scratch for one submission */
    xr_hash *node_work;
    size_t *index_work;
    size_t *order;
    xr_hash *proof;
    bool *flags;
    xr_sig_tuple *sel;     /* the signatures a submission carries */
    struct mdl_relayer_pick *picks;
    xr_xmsg *msgs;
};

void mdl_relayer_config_default(mdl_relayer_config *c) {
    memset(c, 0, sizeof *c);
    c->count = 1;
    c->delay_ns = 200000000ull;
    c->sigs = MDL_RELAYER_SIGS_MINIMAL;
    c->fee_multiplier_permille = 2000;
    c->retries = 3;
    c->retry_backoff_ns = 5000000000ull;
}

bool mdl_relayer_config_load(const sim_ynode *section, mdl_relayer_config *c, sim_diag *d) {
    static const char *const keys[] = {"count", "delay", "signatures", "fee_multiplier", "retries",
                                       "retry_backoff", NULL};
    static const char *const sig_names[] = {"minimal", "all", NULL};
    mdl_relayer_config_default(c);
    if (section == NULL || section->kind == SIM_Y_NULL) return true;
    size_t before = sim_diag_errors(d);
    sim_ymap_check(section, "relayers", keys, d); /* an unknown key is one error: the values are checked too */
    uint64_t v = c->count;
    if (sim_yfield_u64(section, "count", false, 1, 0, 64, &v, d)) c->count = (uint32_t)v;
    if (c->count == 0 && sim_ymap_get(section, "count")) {
        sim_diag_warning(d, sim_ymap_get(section, "count"),
                         "relayers.count: 0 -- no relayer submits anything, so no cross-rollup message executes");
    }
    sim_yfield_duration_ns(section, "delay", false, c->delay_ns, 0, 3600000000000ull, &c->delay_ns, d);
    int s = MDL_RELAYER_SIGS_MINIMAL;
    if (sim_yfield_enum(section, "signatures", false, s, sig_names, &s, d)) c->sigs = (mdl_relayer_sigs)s;
    double mult = 2.0;
    if (sim_yfield_f64(section, "fee_multiplier", false, 2.0, 1.0, 100.0, &mult, d)) {
        c->fee_multiplier_permille = (uint32_t)(mult * 1000.0 + 0.5);
    }
    v = c->retries;
    if (sim_yfield_u64(section, "retries", false, 3, 0, 100, &v, d)) c->retries = (uint32_t)v;
    sim_yfield_duration_ns(section, "retry_backoff", false, c->retry_backoff_ns, SIM_NS_PER_MS,
                           3600000000000ull, &c->retry_backoff_ns, d);
    return sim_diag_errors(d) == before;
}

static uint32_t job_alloc(mdl_relayers *r) {
    if (r->job_free != NONE) {
        uint32_t j = r->job_free;
        r->job_free = r->jobs[j].next_free;
        return j;
    }
    if (!SIM_GROW(r->jobs, r->job_cap, (size_t)r->job_count + 1)) return NONE;
    return r->job_count++;
}

static void job_release(mdl_relayers *r, uint32_t j) {
    assert(r->jobs[j].refs > 0);
    if (--r->jobs[j].refs) return;
    free(r->jobs[j].sigs);
    r->jobs[j].sigs = NULL;
    r->jobs[j].next_free = r->job_free;
    r->job_free = j;
}

static uint32_t tx_alloc(mdl_relayers *r) {
    if (r->tx_free != NONE) {
        uint32_t t = r->tx_free;
        r->tx_free = r->txs[t].next_free;
        return t;
    }
    if (!SIM_GROW(r->txs, r->tx_cap, (size_t)r->tx_count + 1)) return NONE;
    return r->tx_count++;
}

static void tx_release(mdl_relayers *r, uint32_t t) {
    free(r->txs[t].bytes);
    r->txs[t].bytes = NULL;
    r->txs[t].live = false;
    r->txs[t].next_free = r->tx_free;
    r->tx_free = t;
}

/* Sends (or re-sends) transaction t now -- or holds it while the
** destination portal does not know the set that signed it. */
static void tx_send(mdl_relayers *r, uint32_t t) {
    tx *x = &r->txs[t];
    mdl_rollup *dest = mdl_rollups_find(r->rs, x->dest_chain);
    assert(dest);
    if (xr_portal_latest_valset_id(mdl_rollup_portal(dest)) < x->valset_id) {
        if (!SIM_GROW(r->held, r->held_cap, (size_t)r->held_count + 1)) {
            sim_engine_fail(r->engine, &r->error, "out of memory");
            return;
        }
        r->held[r->held_count++] = t;
        r->stats[x->relayer].held++;
        return;
    }
    uint64_t base = mdl_rollup_base_fee_wei(dest);
    uint64_t max_fee = base / 1000 * x->fee_permille + (base % 1000) * x->fee_permille / 1000 + 1;
    uint64_t id = mdl_rollup_submit_tx(dest, x->bytes, x->len, x->gas_limit, max_fee,
                                       r->cfg.first_index + x->relayer, t);
    if (id == 0) {
        sim_engine_fail(r->engine, &r->error,
                        "relayer: destination refused a transaction (gas limit or memory)");
        return;
    }
    x->tries++;
    r->stats[x->relayer].submitted++;
}

static int pick_by_power_desc(const void *a, const void *b) {
    const struct mdl_relayer_pick *x = a, *y = b;
    if (x->power != y->power) return x->power > y->power ? -1 : 1;
    return xr_sig_addr_cmp(x->sig->validator.bytes, y->sig->validator.bytes);
}

static int sig_by_address(const void *a, const void *b) {
    return xr_sig_addr_cmp(((const xr_sig_tuple *)a)->validator.bytes,
                           ((const xr_sig_tuple *)b)->validator.bytes);
}

uint32_t mdl_relayer_pick_sigs(const xr_sig_tuple *sigs, uint32_t n, const xr_valset *set,
                               xr_quorum quorum, struct mdl_relayer_pick *scratch,
                               xr_sig_tuple *out) {
    assert(n <= XR_MAX_SIGS); /* an approval carries at most the whole set */
    assert((sigs || n == 0) && scratch && out);
    if (set == NULL) {
        memcpy(out, sigs, n * sizeof *out);
    } else {
        for (uint32_t i = 0; i < n; i++)
            scratch[i] = (struct mdl_relayer_pick){xr_valset_power_of(set, &sigs[i].validator), &sigs[i]};
        qsort(scratch, n, sizeof *scratch, pick_by_power_desc);
        uint64_t power = 0;
        uint32_t k = 0;
        while (k < n && !xr_quorum_reached(quorum, power, set->total_power)) {
            power += scratch[k].power;
            out[k] = *scratch[k].sig;
            k++;
        }
        n = k;
    }
    qsort(out, n, sizeof *out, sig_by_address);
    return n;
}

/* The signatures a submission of jb carries, into r->sel. */
static uint32_t choose_sigs(mdl_relayers *r, const job *jb) {
    const xr_valset *set = r->valset && r->valset->id == jb->valset_id ? r->valset : NULL;
    if (!set && r->source.valset_get) set = r->source.valset_get(r->source.ctx, jb->valset_id);
    if (r->cfg.sigs == MDL_RELAYER_SIGS_ALL) set = NULL;
    return mdl_relayer_pick_sigs(jb->sigs, jb->sig_count, set, r->quorum, r->picks, r->sel);
}

/* The relayer's record of stream (source, dest, shard), created at the
** offset the destination portal has executed (what an eth_call reads);
** NULL when out of memory. */
static sent_stream *sent_of(mdl_relayers *r, uint32_t relayer, uint64_t source, uint64_t dest,
                            uint64_t shard) {
    for (size_t i = 0; i < r->sent_count; i++) {
        sent_stream *s = &r->sent[i];
        if (s->relayer == relayer && s->source == source && s->dest == dest && s->shard == shard)
            return s;
    }
    if (!SIM_GROW(r->sent, r->sent_cap, r->sent_count + 1)) return NULL;
    mdl_rollup *d = mdl_rollups_find(r->rs, dest);
    uint64_t done = d ? xr_portal_in_offset(mdl_rollup_portal(d), source, shard) : 0;
    r->sent[r->sent_count] = (sent_stream){relayer, source, dest, shard, done};
    return &r->sent[r->sent_count++];
}

/* One submission of stream (source, dest_chain, shard): the XBlock's
** messages of that stream not sent yet, with their multi-proof. */
static void submit_to(mdl_relayers *r, uint32_t relayer, const job *jb, const mdl_xblock *xb,
                      uint64_t dest_chain, uint64_t shard_id, uint64_t now_ns) {
    size_t n = xb->msg_count, order_count = 0, proof_count = 0, flag_count = 0;
    sent_stream *ss = sent_of(r, relayer, jb->header.source_chain_id, dest_chain, shard_id);
    if (!ss) {
        sim_engine_fail(r->engine, &r->error, "out of memory");
        return;
    }
    int rc = xr_attest_stream_proof(xb->msgs, n, dest_chain, shard_id, ss->offset, r->node_work,
                                    XR_ATTEST_PROOF_NODE_WORK(n), r->index_work,
                                    XR_ATTEST_PROOF_INDEX_WORK(n), r->order, XR_MAX_XBLOCK_MSGS,
                                    &order_count, r->proof, XR_MAX_PROOF_NODES, &proof_count,
                                    r->flags, XR_MAX_PROOF_FLAGS, &flag_count);
    if (rc != 0) {
        sim_engine_fail(r->engine, &r->error, "relayer: building a multi-proof failed");
        return;
    }
    if (order_count == 0) return;
    if (order_count > XR_MAX_SUBMISSION_MSGS) {
        sim_engine_fail(r->engine, &r->error,
                        "relayer: an XBlock holds more messages for one stream than a submission can");
        return;
    }
    uint64_t last_offset = 0, shard = shard_id;
    for (size_t i = 0; i < order_count; i++) {
        r->msgs[i] = xb->msgs[r->order[i]];
        if (r->msgs[i].offset > last_offset) last_offset = r->msgs[i].offset;
    }
    ss->offset = last_offset;
    xr_submission s = {
        .attestation_root = jb->root,
        .valset_id = jb->valset_id,
        .header = jb->header,
        .msgs = r->msgs,
        .msg_count = order_count,
        .proof = r->proof,
        .proof_count = proof_count,
        .proof_flags = r->flags,
        .proof_flag_count = flag_count,
        .sigs = r->sel,
        .sig_count = choose_sigs(r, jb),
    };
    size_t len = xr_submission_encoded_len(&s);
    uint8_t *bytes = malloc(len);
    if (!bytes || xr_submission_encode(&s, bytes, len) != (int)len) {
        free(bytes);
        sim_engine_fail(r->engine, &r->error, "relayer: encoding a submission failed");
        return;
    }
    uint32_t t = tx_alloc(r);
    if (t == NONE) {
        free(bytes);
        sim_engine_fail(r->engine, &r->error, "out of memory");
        return;
    }
    /* The core's estimate of what xsubmit uses before its refund (every
    ** call using its whole gas limit); the relayer pays for gas used. */
    xr_gas_calldata cd;
    xr_portal_xsubmit_calldata(bytes, len, &cd);
    uint64_t limit = xr_portal_submit_gas_limit(&s, &cd, XR_MAX_RECEIPT_ERROR_BYTES);
    uint64_t block_limit = mdl_rollup_config_of(mdl_rollups_find(r->rs, dest_chain))->gas_limit;
    if (limit > block_limit) limit = block_limit;
    r->txs[t] = (tx){.relayer = relayer, .dest_chain = dest_chain,
                     .source_chain = jb->header.source_chain_id, .shard = shard,
                     .last_offset = last_offset, .bytes = bytes, .len = len, .gas_limit = limit,
                     .fee_permille = r->cfg.fee_multiplier_permille,
                     .valset_id = jb->valset_id, .live = true,
                     .next_free = NONE};
    if (r->sent_fn) r->sent_fn(r->sent_ctx, relayer, dest_chain, &jb->header, r->msgs, order_count, now_ns);
    tx_send(r, t);
}

static void handle_job(void *ctx, sim_engine *e, const sim_event *ev) {
    mdl_relayers *r = ctx;
    uint32_t j = (uint32_t)ev->arg, relayer = ev->node;
    const job *jb = &r->jobs[j];
    mdl_rollup *src = mdl_rollups_find(r->rs, jb->header.source_chain_id);
    mdl_xblock xb;
    int level = mdl_level_of_conf(jb->header.conf_level);
    bool found = false;
    if (src) found = level >= 0 && mdl_rollup_xblock_get(src, level, jb->header.offset, &jb->root, &xb);
    if (!found && r->source.xblock_get && level >= 0) {
        found = r->source.xblock_get(r->source.ctx, jb->header.source_chain_id, level, jb->header.offset,
                                     &jb->root, &xb);
    }
    if (found) {
        /* The XBlock's shards, ascending; a Latest attestation proves only
        ** Latest shards, a Finalized one every shard (relayer/app worker.go,
        ** attestationForShard). */
        uint64_t shards[8];
        size_t ns = 0;
        for (size_t i = 0; i < xb.msg_count; i++) {
            uint64_t sh = xb.msgs[i].shard_id;
            if (jb->header.conf_level != XR_CONF_FINALIZED &&
                XR_SHARD_CONF_LEVEL(sh) != jb->header.conf_level)
                continue;
            size_t at = 0;
            while (at < ns && shards[at] < sh) at++;
            if (at < ns && shards[at] == sh) continue;
            if (ns == sizeof shards / sizeof shards[0]) {
                sim_engine_fail(r->engine, &r->error,
                                "relayer: an XBlock with more shards than a relayer tracks");
                break;
            }
            memmove(shards + at + 1, shards + at, (ns - at) * sizeof *shards);
            shards[at] = sh;
            ns++;
        }
        for (size_t d = 0; d < mdl_rollups_count(r->rs) && !r->error; d++) {
            uint64_t dest = mdl_rollup_chain_id(mdl_rollups_get(r->rs, d));
            if (dest == jb->header.source_chain_id) continue;
            for (size_t k = 0; k < ns && !r->error; k++)
                submit_to(r, relayer, jb, &xb, dest, shards[k], sim_now_ns(e));
        }
    }
    job_release(r, j);
}

static void handle_retry(void *ctx, sim_engine *e, const sim_event *ev) {
    mdl_relayers *r = ctx;
    (void)e;
    tx_send(r, (uint32_t)ev->arg);
}

mdl_relayers *mdl_relayers_new(sim_engine *e, mdl_rollups *rs, const mdl_relayer_config *c,
                               const xr_valset *valset, xr_quorum quorum) {
    assert(e && rs && c);
    mdl_relayers *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->engine = e;
    r->rs = rs;
    r->cfg = *c;
    r->valset = valset;
    r->quorum = quorum;
    r->job_free = r->tx_free = NONE;
    r->stats = calloc(c->count ? c->count : 1, sizeof *r->stats);
    size_t n = XR_MAX_XBLOCK_MSGS;
    r->node_work = calloc(XR_ATTEST_PROOF_NODE_WORK(n), sizeof *r->node_work);
    r->index_work = calloc(XR_ATTEST_PROOF_INDEX_WORK(n), sizeof *r->index_work);
    r->order = calloc(n, sizeof *r->order);
    r->proof = calloc(XR_MAX_PROOF_NODES, sizeof *r->proof);
    r->flags = calloc(XR_MAX_PROOF_FLAGS, sizeof *r->flags);
    r->msgs = calloc(XR_MAX_SUBMISSION_MSGS, sizeof *r->msgs);
    r->sel = calloc(XR_MAX_SIGS, sizeof *r->sel);
    r->picks = calloc(XR_MAX_SIGS, sizeof *r->picks);
    if (!r->stats || !r->node_work || !r->index_work || !r->order || !r->proof || !r->flags ||
        !r->msgs || !r->sel || !r->picks) {
        mdl_relayers_free(r);
        return NULL;
    }
    r->kind_job = sim_engine_register(e, "relayer.job", handle_job, r);
    r->kind_retry = sim_engine_register(e, "relayer.retry", handle_retry, r);
    return r;
}

void mdl_relayers_free(mdl_relayers *r) {
    if (!r) return;
    for (uint32_t j = 0; j < r->job_count; j++) free(r->jobs[j].sigs);
    for (uint32_t t = 0; t < r->tx_count; t++) free(r->txs[t].bytes);
    free(r->jobs);
    free(r->txs);
    free(r->streams);
    free(r->sent);
    free(r->held);
    free(r->stats);
    free(r->node_work);
    free(r->index_work);
    free(r->order);
    free(r->proof);
    free(r->flags);
    free(r->msgs);
    free(r->sel);
    free(r->picks);
    free(r);
}

void mdl_relayers_set_source(mdl_relayers *r, const mdl_relayer_source *s) {
    assert(r && s);
    r->source = *s;
}

uint64_t mdl_relayers_held(const mdl_relayers *r) { return r->held_count; }

/* A submission was included at dest_chain: send, in order, the held
** transactions for it whose set its portal now knows. */
static void release_held(mdl_relayers *r, uint64_t dest_chain) {
    if (r->held_count == 0) return;
    mdl_rollup *dest = mdl_rollups_find(r->rs, dest_chain);
    uint64_t known = xr_portal_latest_valset_id(mdl_rollup_portal(dest));
    /* take the ready ones out first: tx_send may hold again (it will not,
    ** the set is known) and must not see a half-compacted list */
    uint32_t n = r->held_count, keep = 0, ready_count = 0;
    uint32_t *ready = malloc((size_t)n * sizeof *ready);
    if (!ready) {
        sim_engine_fail(r->engine, &r->error, "out of memory");
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t t = r->held[i];
        if (r->txs[t].dest_chain == dest_chain && r->txs[t].valset_id <= known) {
            ready[ready_count++] = t;
        } else {
            r->held[keep++] = t;
        }
    }
    r->held_count = keep;
    for (uint32_t i = 0; i < ready_count && !r->error; i++) tx_send(r, ready[i]);
    free(ready);
}

void mdl_relayers_set_sent_hook(mdl_relayers *r, mdl_relayer_sent_fn fn, void *ctx) {
    r->sent_fn = fn;
    r->sent_ctx = ctx;
}

/* True the first time an approval of (chain, level, offset) is seen. */
static bool first_approval(mdl_relayers *r, const xr_xheader *h) {
    for (size_t i = 0; i < r->stream_count; i++) {
        stream *s = &r->streams[i];
        if (s->chain == h->source_chain_id && s->level == h->conf_level) {
            if (h->offset < s->next_offset) return false;
            s->next_offset = h->offset + 1;
            return true;
        }
    }
    if (!SIM_GROW(r->streams, r->stream_cap, r->stream_count + 1)) {
        sim_engine_fail(r->engine, &r->error, "out of memory");
        return false;
    }
    r->streams[r->stream_count++] = (stream){h->source_chain_id, h->conf_level, h->offset + 1};
    return true;
}

void mdl_relayers_on_approved(mdl_relayers *r, uint64_t now_ns, const xr_action_approved *a) {
    if (r->cfg.count == 0 || r->error || !first_approval(r, &a->header)) return;
    uint32_t j = job_alloc(r);
    if (j == NONE) {
        sim_engine_fail(r->engine, &r->error, "out of memory");
        return;
    }
    job *jb = &r->jobs[j];
    memset(jb, 0, sizeof *jb);
    jb->header = a->header;
    jb->root = a->root;
    jb->valset_id = a->valset_id;
    jb->sig_count = a->sig_count;
    jb->sigs = calloc(a->sig_count ? a->sig_count : 1, sizeof *jb->sigs);
    if (!jb->sigs) {
        sim_engine_fail(r->engine, &r->error, "out of memory");
        return;
    }
    assert(a->sigs.len == (size_t)a->sig_count * XR_ACTION_SIG_ENTRY_BYTES);
    for (uint32_t i = 0; i < a->sig_count; i++) {
        const uint8_t *p = a->sigs.ptr + (size_t)i * XR_ACTION_SIG_ENTRY_BYTES;
        memcpy(&jb->sigs[i].validator, p, sizeof jb->sigs[i].validator);
        memcpy(&jb->sigs[i].sig, p + 20, sizeof jb->sigs[i].sig);
    }
    jb->refs = r->cfg.count;
    jb->next_free = NONE;
    for (uint32_t i = 0; i < r->cfg.count; i++) {
        if (sim_schedule_at(r->engine, now_ns + r->cfg.delay_ns, r->kind_job, i, j) == 0) {
            sim_engine_fail(r->engine, &r->error, "out of memory");
            return;
        }
    }
}

void mdl_relayers_on_submit(mdl_relayers *r, const mdl_submit_result *res) {
    uint32_t t = (uint32_t)res->tag;
    if (res->relayer < r->cfg.first_index) return;
    if (t >= r->tx_count || !r->txs[t].live || r->txs[t].relayer != res->relayer - r->cfg.first_index) return;
    tx *x = &r->txs[t];
    mdl_relayer_stats *st = &r->stats[x->relayer];
    st->gas_used += res->gas_used;
    st->fee_wei += res->fee_wei;
    if (res->rc == 0) {
        st->included_ok++;
        st->msgs_delivered += res->receipt_count;
        uint64_t dest_chain = x->dest_chain;
        tx_release(r, t);
        release_held(r, dest_chain);
        return;
    }
    st->reverted++;
    /* Already executed (a competitor won, or an earlier try landed late)? */
    mdl_rollup *dest = mdl_rollups_find(r->rs, x->dest_chain);
    uint64_t done = xr_portal_in_offset(mdl_rollup_portal(dest), x->source_chain, x->shard);
    if (done >= x->last_offset || x->tries > r->cfg.retries) {
        tx_release(r, t);
        return;
    }
    x->fee_permille = x->fee_permille > UINT32_MAX / 2 ? UINT32_MAX : x->fee_permille * 2;
    if (sim_schedule_in(r->engine, r->cfg.retry_backoff_ns, r->kind_retry, x->relayer, t) == 0) {
        sim_engine_fail(r->engine, &r->error, "out of memory");
    }
}

uint32_t mdl_relayers_count(const mdl_relayers *r) { return r->cfg.count; }

void mdl_relayers_stats(const mdl_relayers *r, uint32_t i, mdl_relayer_stats *out) {
    assert(i < r->cfg.count);
    *out = r->stats[i];
}

const char *mdl_relayers_error(const mdl_relayers *r) { return r->error; }
