/*
** The verification approach hosted in a world (see verification.h).
*/
#include "world/verification.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "rng.h"
#include "xr_gas.h"
#include "stats.h"
#include "xr_types.h"
#include "units.h"

#define NEVER MDL_APPROACH_NEVER
#define PURPOSE_CALL 0x43414c4cu /* "CALL": does message id carry a call */

typedef struct batch_times {
    uint64_t first_height, last_height;
    uint64_t included_ns, settled_ns;
} batch_times;

typedef struct rollup_track {
    batch_times *batches;     /* by batch number - 1 */
    size_t len, cap;
    double base_fee_sum;      /* over its blocks */
    uint64_t blocks;
    mdl_appr_l1_rate l1;      /* its L1 data fee, set once at finish */
} rollup_track;

struct mdl_verification {
    const mdl_verification_config *cfg;
    const mdl_approach_ops *ops;
    uint64_t seed;
    rollup_track *tracks;
    size_t rollups;
    mdl_appr_outcome *out;    /* by message index, after finish */
    size_t out_len;
    bool finished;
    mdl_verification_summary sum;
};

mdl_verification *mdl_verification_new(const mdl_verification_config *c, size_t rollups, uint64_t seed) {
    assert(c);
    mdl_verification *v = calloc(1, sizeof *v);
    if (!v) return NULL;
    v->cfg = c;
    v->ops = mdl_approach_get(c->approach);
    v->seed = seed;
    v->rollups = rollups;
    v->tracks = calloc(rollups ? rollups : 1, sizeof *v->tracks);
    if (!v->tracks) {
        free(v);
        return NULL;
    }
    return v;
}

void mdl_verification_free(mdl_verification *v) {
    if (!v) return;
    for (size_t i = 0; i < v->rollups; i++) free(v->tracks[i].batches);
    free(v->tracks);
    free(v->out);
    free(v);
}

void mdl_verification_on_block(mdl_verification *v, const mdl_rollup_block *b) {
    assert(b->rollup < v->rollups);
    rollup_track *t = &v->tracks[b->rollup];
    t->base_fee_sum += (double)b->base_fee_wei;
    t->blocks++;
}

bool mdl_verification_on_batch(mdl_verification *v, const mdl_rollup_batch *b) {
    assert(b->rollup < v->rollups && b->batch >= 1);
    rollup_track *t = &v->tracks[b->rollup];
    if (!SIM_GROW(t->batches, t->cap, b->batch)) return false;
    while (t->len < b->batch) {
        t->batches[t->len++] = (batch_times){.included_ns = NEVER, .settled_ns = NEVER};
    }
    batch_times *bt = &t->batches[b->batch - 1];
    bt->first_height = b->first_height;
    bt->last_height = b->last_height;
    if (b->event == MDL_BATCH_INCLUDED && bt->included_ns == NEVER) bt->included_ns = b->now_ns;
    if (b->event == MDL_BATCH_FINAL && bt->settled_ns == NEVER) bt->settled_ns = b->now_ns;
    return true;
}

/* The batch holding `height` on rollup `r` (batches cover heights in order). */
static const batch_times *batch_of(const mdl_verification *v, size_t r, uint64_t height) {
    const rollup_track *t = &v->tracks[r];
    size_t lo = 0, hi = t->len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const batch_times *b = &t->batches[mid];
        if (b->last_height < height) lo = mid + 1;
        else hi = mid;
    }
    if (lo < t->len && t->batches[lo].first_height <= height && height <= t->batches[lo].last_height) {
        return &t->batches[lo];
    }
    return NULL;
}

/* Rollup r's L1 data fee as a rate (an empty transaction, and what 1024
** non-zero calldata bytes add) at the simulated L1's fees at the run's end. */
static mdl_appr_l1_rate l1_rate_of(mdl_rollup *r) {
    xr_gas_calldata none = {0, 0}, kib = {0, 1024};
    uint64_t f0 = mdl_rollup_l1_data_fee(r, &none), f1 = mdl_rollup_l1_data_fee(r, &kib);
    return (mdl_appr_l1_rate){.fixed_wei = f0, .per_kib_wei = f1 > f0 ? f1 - f0 : 0};
}

static size_t rollup_index(mdl_rollups *rs, uint64_t chain_id) {
    for (size_t i = 0; i < mdl_rollups_count(rs); i++) {
        if (mdl_rollup_chain_id(mdl_rollups_get(rs, i)) == chain_id) return i;
    }
    return SIZE_MAX;
}

/* Whether message `id` of `route` carries a call: the route's `calls` share,
** drawn from (seed, APPR, id) -- no stream of the world moves. */
static bool has_call(uint64_t seed, double share, uint64_t id) {
    if (share >= 1.0) return true;
    if (share <= 0.0) return false;
    uint64_t x = sim_rng_derive(seed, MDL_ENT_APPROACH, (uint32_t)(id ^ (id >> 32)), PURPOSE_CALL);
    return (double)x < share * 18446744073709551616.0;
}

typedef struct xb_key {
    uint64_t chain, offset;
    uint8_t level;
    size_t idx;
} xb_key;

static int xb_cmp(const void *a, const void *b) {
    const xb_key *x = a, *y = b;
    if (x->chain != y->chain) return x->chain < y->chain ? -1 : 1;
    if (x->level != y->level) return x->level < y->level ? -1 : 1;
    if (x->offset != y->offset) return x->offset < y->offset ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The fewest members above the quorum when the cheapest go first, and their stake. */
static void committee_of(const xr_valset *s, xr_quorum q, mdl_appr_run *r) {
    if (!s || s->count == 0) return;
    uint64_t *pw = malloc(s->count * sizeof *pw);
    if (!pw) return;
    for (uint32_t i = 0; i < s->count; i++) pw[i] = s->members[i].power;
    sim_stats_sort_u64(pw, s->count);
    r->committee_size = s->count;
    uint64_t sum = 0;
    for (uint32_t i = 0; i < s->count; i++) {
        sum += pw[i];
        if (xr_quorum_reached(q, sum, s->total_power)) {
            r->committee_needed = i + 1;
            break;
        }
    }
    r->quorum_stake_gwei = sum; /* power = stake in gwei */
    free(pw);
}

static uint64_t pct(uint64_t *xs, size_t n, int p) {
    if (n == 0) return NEVER;
    return sim_stats_percentile(xs, n, p);
}

bool mdl_verification_finish(mdl_verification *v, const mdl_verification_world *w) {
    if (v->finished) return true;
    size_t n = mdl_messages_count(w->msgs);
    free(v->out);
    v->out = calloc(n ? n : 1, sizeof *v->out);
    xb_key *keys = malloc((n ? n : 1) * sizeof *keys);
    uint32_t *xb_msgs = calloc(n ? n : 1, sizeof *xb_msgs);
    uint64_t *lat[2] = {malloc((n ? n : 1) * sizeof(uint64_t)), malloc((n ? n : 1) * sizeof(uint64_t))};
    uint64_t *prov = malloc((n ? n : 1) * sizeof *prov);
    if (!v->out || !keys || !xb_msgs || !lat[0] || !lat[1] || !prov) {
        free(keys);
        free(xb_msgs);
        free(lat[0]);
        free(lat[1]);
        free(prov);
        return false;
    }
    v->out_len = n;
    /* messages per XBlock (the optimistic root post is shared by them) */
    for (size_t i = 0; i < n; i++) {
        const mdl_msg_life *l = mdl_messages_at(w->msgs, i);
        keys[i] = (xb_key){.chain = l->source_chain, .level = l->conf_level, .offset = l->attest_offset, .idx = i};
    }
    qsort(keys, n, sizeof *keys, xb_cmp);
    for (size_t a = 0; a < n;) {
        size_t b = a;
        while (b < n && keys[b].chain == keys[a].chain && keys[b].level == keys[a].level &&
               keys[b].offset == keys[a].offset)
            b++;
        for (size_t k = a; k < b; k++) xb_msgs[keys[k].idx] = (uint32_t)(b - a);
        a = b;
    }
    free(keys);

    mdl_verification_summary *s = &v->sum;
    memset(s, 0, sizeof *s);
    s->approach = v->cfg->approach;
    mdl_appr_run *run = &s->run;
    run->seed = v->seed;
    run->slash_ppm = w->slash_ppm;
    committee_of(w->genesis, w->quorum, run);

    assert(mdl_rollups_count(w->rs) == v->rollups);
    for (size_t r = 0; r < v->rollups; r++) v->tracks[r].l1 = l1_rate_of(mdl_rollups_get(w->rs, r));
    size_t nl[2] = {0, 0}, np = 0;
    double cost_sum = 0, value_sum = 0;
    uint64_t last_emit_ns = 0;
    for (size_t i = 0; i < n; i++) {
        const mdl_msg_life *l = mdl_messages_at(w->msgs, i);
        mdl_appr_outcome *o = &v->out[i];
        if (!l->live) continue;
        size_t si = rollup_index(w->rs, l->source_chain), di = rollup_index(w->rs, l->dest_chain);
        assert(si != SIZE_MAX && di != SIZE_MAX);
        const mdl_rollup_config *sc = mdl_rollup_config_of(mdl_rollups_get(w->rs, si));
        const mdl_rollup_config *dc = mdl_rollup_config_of(mdl_rollups_get(w->rs, di));
        const batch_times *bt = l->source_height == MDL_NEVER ? NULL : batch_of(v, si, l->source_height);
        const rollup_track *st = &v->tracks[si], *dt = &v->tracks[di];
        mdl_appr_msg m = {
            .conf_level = l->conf_level, .source_preset = sc->preset, .dest_preset = dc->preset,
            .emitted_ns = l->emitted_ns, .source_block_ns = l->source_block_ns,
            .source_level_ns = l->source_level_ns,
            .batch_included_ns = bt ? bt->included_ns : NEVER, .batch_settled_ns = bt ? bt->settled_ns : NEVER,
            .executed_ns = l->executed_ns, .committee_fee_wei = l->dest_fee_wei,
            .committee_l1_fee_wei = l->dest_l1_fee_wei, .committee_gas_used = l->gas_used,
            .gas_limit = l->gas_limit,
            .source_l1 = st->l1, .dest_l1 = dt->l1,
            .size_bytes = l->size_bytes,
            .xblock_msgs = xb_msgs[i] ? xb_msgs[i] : 1,
            .source_block_interval_ns = (uint64_t)sim_lat_mean_ns(&sc->block_time),
            .dest_block_interval_ns = (uint64_t)sim_lat_mean_ns(&dc->block_time),
            .source_gas_price_wei = st->blocks ? (uint64_t)(st->base_fee_sum / (double)st->blocks) : sc->base_fee_wei,
            .dest_gas_price_wei = dt->blocks ? (uint64_t)(dt->base_fee_sum / (double)dt->blocks) : dc->base_fee_wei,
            .has_call = true};
        /* the route's calls share */
        double share = 1.0;
        for (size_t r = 0; r < w->workload->count; r++) {
            const mdl_route_config *rc = &w->workload->routes[r];
            if (rc->from == si && rc->to == di) {
                share = rc->calls;
                break;
            }
        }
        m.has_call = has_call(v->seed, share, l->id);
        v->ops->message(v->cfg, &m, o);
        if (l->emitted_ns < w->warmup_ns) continue;
        s->emitted++;
        if (l->emitted_ns > last_emit_ns) last_emit_ns = l->emitted_ns;
        if (bt && bt->settled_ns != NEVER && l->source_block_ns != MDL_NEVER && bt->settled_ns >= l->source_block_ns) {
            prov[np++] = bt->settled_ns - l->source_block_ns;
        }
        if (!o->supported) continue;
        s->supported++;
        value_sum += (double)l->value_gwei;
        if (o->executed_ns == NEVER) continue;
        s->executed++;
        cost_sum += (double)o->cost_wei;
        int lv = l->conf_level == XR_CONF_FINALIZED;
        lat[lv][nl[lv]++] = o->executed_ns - l->emitted_ns;
    }
    free(xb_msgs);
    for (int lv = 0; lv < 2; lv++) sim_stats_sort_u64(lat[lv], nl[lv]);
    s->latest_p50_ns = pct(lat[0], nl[0], 50);
    s->latest_p99_ns = pct(lat[0], nl[0], 99);
    s->finalized_p50_ns = pct(lat[1], nl[1], 50);
    s->finalized_p99_ns = pct(lat[1], nl[1], 99);
    s->latest_executed = nl[0];
    s->finalized_executed = nl[1];
    s->cost_per_msg_wei = s->executed ? cost_sum / (double)s->executed : 0.0;
    sim_stats_sort_u64(prov, np);
    run->provable_ns = np ? sim_stats_percentile(prov, np, 50) : 0;
    free(lat[0]);
    free(lat[1]);
    free(prov);
    /* the rate while the workload runs: warm-up to the last emission (a
    ** workload that stops early, to let the chains settle, does not dilute it) */
    uint64_t span_ns = last_emit_ns > w->warmup_ns ? last_emit_ns - w->warmup_ns : 0;
    run->value_rate_gwei_per_s = span_ns ? value_sum / ((double)span_ns / SIM_NS_PER_S_F) : 0.0;

    /* the scenario's forgery, as the committee path saw it */
    for (size_t k = 0; w->adversary && k < mdl_adversary_count(w->adversary); k++) {
        const mdl_coalition_cfg *cc = &w->adversary_cfg->items[k];
        if (cc->attack != MDL_ATTACK_FORGE) continue;
        mdl_coalition_result cr;
        mdl_adversary_result(w->adversary, k, w->end_ns, &cr);
        if (cr.forged_msgs == 0) continue;
        run->forge_attempted = true;
        run->forge_value_gwei = mdl_appr_sat_add(run->forge_value_gwei, cr.forged_msgs * cc->value_gwei);
        run->committee_forged_gwei = mdl_appr_sat_add(run->committee_forged_gwei, cr.value_extracted_gwei);
        run->committee_slashed_gwei =
            mdl_appr_sat_add(run->committee_slashed_gwei, cr.slashed_gwei + cr.delegators_slashed_gwei);
    }
    v->ops->security(v->cfg, run, &s->sec);
    v->finished = true;
    return true;
}

const mdl_verification_summary *mdl_verification_summary_of(const mdl_verification *v) {
    assert(v->finished);
    return &v->sum;
}

const mdl_appr_outcome *mdl_verification_outcome(const mdl_verification *v, size_t i) {
    assert(v->finished && i < v->out_len);
    return &v->out[i];
}

bool mdl_verification_finality(const mdl_verification *v, const mdl_messages *msgs, uint8_t conf_level,
                               uint64_t from_ns, mdl_finality *out) {
    assert(v->finished);
    memset(out, 0, sizeof *out);
    size_t n = mdl_messages_count(msgs) < v->out_len ? mdl_messages_count(msgs) : v->out_len;
    uint64_t *lat = malloc((n ? n : 1) * sizeof *lat);
    if (!lat) return false;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const mdl_msg_life *l = mdl_messages_at(msgs, i);
        const mdl_appr_outcome *o = &v->out[i];
        if (!l->live || l->conf_level != conf_level || l->emitted_ns < from_ns) continue;
        out->emitted++;
        if (o->executed_ns == NEVER) continue;
        out->executed++;
        out->gas_used_sum += o->gas_used;
        out->fee_wei_sum += o->cost_wei - o->l1_fee_wei;
        out->l1_fee_wei_sum += o->l1_fee_wei;
        lat[k++] = o->executed_ns - l->emitted_ns;
    }
    mdl_finality_percentiles(out, lat, k);
    free(lat);
    return true;
}

static sim_rec_val opt(uint64_t x) { return x == NEVER ? sim_rec_null() : sim_rec_u64(x); }

int mdl_verification_record(const mdl_verification *v, const mdl_messages *msgs, sim_rec *rec) {
    assert(v->finished);
    int64_t run = sim_rec_run_id(rec);
    sqlite3_stmt *st;
    int rc;
    if (v->ops->committee) {
        /* the world's path is the approach's: one statement */
        rc = sim_rec_prepare(rec,
                             "UPDATE messages SET supported = 1, verified_ns = executed_ns,"
                             " cost_wei = dest_fee_wei + COALESCE(dest_l1_fee_wei, 0) WHERE run_id = ?",
                             &st);
        if (rc == 0) {
            sim_rec_val a[1] = {sim_rec_int(run)};
            rc = sim_rec_insert(rec, st, a, 1);
        }
    } else {
        /* the destination side is the approach's rule: the committee's
        ** stages do not apply */
        rc = sim_rec_prepare(rec,
                             "UPDATE messages SET first_vote_ns = NULL, approved_ns = NULL, submitted_ns = NULL,"
                             " included_ns = NULL, relayer = NULL, dest_fee_wei = NULL, gas_used = ?, dest_l1_fee_wei = ?,"
                             " settled_ns = ?, verified_ns = ?, executed_ns = ?, supported = ?, cost_wei = ?"
                             " WHERE run_id = ? AND msg_id = ?",
                             &st);
        for (size_t i = 0; rc == 0 && i < v->out_len && i < mdl_messages_count(msgs); i++) {
            const mdl_msg_life *l = mdl_messages_at(msgs, i);
            if (!l->live) continue;
            const mdl_appr_outcome *o = &v->out[i];
            bool done = o->executed_ns != NEVER;
            sim_rec_val a[9] = {done ? sim_rec_u64(o->gas_used) : sim_rec_null(),
                                done ? sim_rec_u64(o->l1_fee_wei) : sim_rec_null(),
                                opt(o->settled_ns), opt(o->verified_ns), opt(o->executed_ns),
                                sim_rec_int(o->supported), done ? sim_rec_u64(o->cost_wei) : sim_rec_null(),
                                sim_rec_int(run), sim_rec_u64(l->id)};
            rc = sim_rec_insert(rec, st, a, 9);
        }
    }
    if (rc != 0) return rc;
    const mdl_verification_summary *s = &v->sum;
    rc = sim_rec_prepare(rec,
                         "INSERT INTO approach_runs (run_id, approach, emitted_count, supported_count,"
                         " executed_count, latest_executed_count, latest_p50_ns, latest_p99_ns,"
                         " finalized_executed_count, finalized_p50_ns, finalized_p99_ns, cost_per_msg_wei,"
                         " corruptible, cost_of_corruption_gwei, window_ns, extractable_gwei, profit_gwei,"
                         " value_rate_gwei_per_s, forge_attempted, forged_executed_gwei, slashed_value_gwei,"
                         " watchers_live, committee_size, committee_needed, quorum_stake_gwei)"
                         " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                         &st);
    if (rc != 0) return rc;
    bool c = s->sec.corruptible;
    sim_rec_val a[25] = {
        sim_rec_int(run), sim_rec_text(mdl_approach_names[s->approach]), sim_rec_u64(s->emitted),
        sim_rec_u64(s->supported), sim_rec_u64(s->executed), sim_rec_u64(s->latest_executed),
        opt(s->latest_p50_ns), opt(s->latest_p99_ns), sim_rec_u64(s->finalized_executed),
        opt(s->finalized_p50_ns), opt(s->finalized_p99_ns),
        s->executed ? sim_rec_real(s->cost_per_msg_wei) : sim_rec_null(), sim_rec_int(c),
        c ? sim_rec_u64(s->sec.cost_of_corruption_gwei) : sim_rec_null(), sim_rec_u64(s->sec.window_ns),
        c ? sim_rec_u64(s->sec.extractable_gwei) : sim_rec_null(),
        c ? sim_rec_int(s->sec.profit_gwei) : sim_rec_null(), sim_rec_real(s->run.value_rate_gwei_per_s),
        sim_rec_int(s->run.forge_attempted), sim_rec_u64(s->sec.forged_executed_gwei),
        sim_rec_u64(s->sec.slashed_value_gwei), sim_rec_int(s->sec.watchers_live),
        sim_rec_int(s->run.committee_size), sim_rec_int(s->run.committee_needed),
        sim_rec_u64(s->run.quorum_stake_gwei)};
    return sim_rec_insert(rec, st, a, 25);
}
