/*
** The consensus tables of a run (schema: analysis/schema.sql): per
** verifier, height, attestation, piece of evidence and conflicting commit,
** the summary, and per (verifier, Byzantine entry) its row and counters.
*/
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "verifiers/host.h"
#include "xr_evidence.h"

static void hex32(const uint8_t b[32], char out[65]) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15u];
    }
    out[64] = '\0';
}

static void hex20(const uint8_t b[20], char out[41]) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 20; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15u];
    }
    out[40] = '\0';
}

static sim_rec_val opt_ns(uint64_t ns) { return ns == UINT64_MAX ? sim_rec_null() : sim_rec_u64(ns); }
static sim_rec_val opt_ix(uint32_t i) { return i == NONE32 ? sim_rec_null() : sim_rec_int(i); }

static int record_verifiers(const mdl_verifiers *vs, sim_rec *rec, int64_t run) {
    sqlite3_stmt *st;
    int rc = sim_rec_prepare(rec,
                             "INSERT INTO verifiers (run_id, verifier, node_id, address, power,"
                             " behaviour, byz_from_ns, byz_until_ns, final_height, commit_count,"
                             " msgs_in_count, msgs_ok_count, rejected_count, late_count,"
                             " duplicate_count, equivocation_count, evidence_count, approval_count,"
                             " round_count, catchup_count, sig_sign_count, sig_verify_count,"
                             " suppressed_count, twin_count, observed_count, attested_count,"
                             " ext_rejected_count, future_dropped_count, att_dropped_count, busy_ns)"
                             " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                             &st);
    for (uint32_t i = 0; rc == 0 && i < vs->n; i++) {
        const verifier *v = &vs->v[i];
        const xr_bft_stats *s = xr_bft_get_stats(v->bft);
        char addr[41];
        hex20(v->addr.bytes, addr);
        uint64_t rejected = s->rej_decode + s->rej_chain + s->rej_signer + s->rej_sig + s->rej_round +
                            s->rej_proposer + s->invalid_blocks;
        const sim_net_node_stats *ns = sim_net_stats_node(vs->net, v->node);
        char beh[160];
        mdl_verifiers_behaviours(vs, i, beh, sizeof beh);
        /* the union of its entries' windows; what its entries dropped and twinned */
        uint64_t from = UINT64_MAX, until = 0, suppressed = 0, twins = 0;
        for (uint32_t k = 0; k < v->ref_count; k++) {
            const mdl_byzantine_cfg *c = v->refs[k].info.cfg;
            if (c->from_ns < from) from = c->from_ns;
            if (c->until_ns > until) until = c->until_ns;
            suppressed += mdl_byzantine_counter(&v->refs[k].info, "suppressed");
            twins += mdl_byzantine_counter(&v->refs[k].info, "twin");
        }
        sim_rec_val val[30] = {
            sim_rec_int(run),
            sim_rec_int(i),
            sim_rec_int(v->node),
            sim_rec_text(addr),
            sim_rec_u64(v->power),
            sim_rec_text(beh),
            !v->honest ? sim_rec_u64(from) : sim_rec_null(),
            !v->honest && until != SIM_NET_NEVER ? sim_rec_u64(until) : sim_rec_null(),
            sim_rec_u64(xr_bft_height(v->bft)),
            sim_rec_u64(s->commits),
            sim_rec_u64(s->msgs_in),
            sim_rec_u64(s->msgs_ok),
            sim_rec_u64(rejected),
            sim_rec_u64(s->rej_height),
            sim_rec_u64(s->duplicates),
            sim_rec_u64(s->equivocations),
            sim_rec_u64(s->evidence),
            sim_rec_u64(s->approvals),
            sim_rec_u64(s->rounds_started),
            sim_rec_u64(s->catchups_sent),
            sim_rec_u64(v->sigs_signed),
            sim_rec_u64(v->sigs_verified),
            sim_rec_u64(suppressed),
            sim_rec_u64(twins),
            sim_rec_u64(v->observed),
            sim_rec_u64(v->att_signed),
            sim_rec_u64(s->ext_rejected),
            sim_rec_u64(s->future_dropped),
            sim_rec_u64(s->att_dropped),
            sim_rec_u64(ns->busy_ns),
        };
        rc = sim_rec_insert(rec, st, val, 30);
    }
    return rc;
}

static int record_heights(const mdl_verifiers *vs, sim_rec *rec, int64_t run) {
    sqlite3_stmt *st;
    int rc = sim_rec_prepare(rec,
                             "INSERT INTO consensus_heights (run_id, height, proposer, round,"
                             " block_id, vote_count, start_ns, first_commit_ns, last_commit_ns,"
                             " time_to_commit_ns, commit_count, approved_count)"
                             " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                             &st);
    for (uint64_t k = 0; rc == 0 && k < vs->led.height_count; k++) {
        const hrec *r = &vs->led.heights[k];
        char id[65];
        hex32(r->block_id, id);
        bool timed = r->committed && r->start_ns != UINT64_MAX && r->first_commit_ns >= r->start_ns;
        sim_rec_val val[12] = {
            sim_rec_int(run),
            sim_rec_u64(k + 1),
            r->committed ? opt_ix(r->proposer) : sim_rec_null(),
            r->committed ? sim_rec_int(r->round) : sim_rec_null(),
            r->committed ? sim_rec_text(id) : sim_rec_null(),
            r->committed ? sim_rec_int(r->votes) : sim_rec_null(),
            opt_ns(r->start_ns),
            r->committed ? sim_rec_u64(r->first_commit_ns) : sim_rec_null(),
            r->committed ? sim_rec_u64(r->last_commit_ns) : sim_rec_null(),
            timed ? sim_rec_u64(r->first_commit_ns - r->start_ns) : sim_rec_null(),
            sim_rec_int(r->commit_count),
            sim_rec_int(r->approved),
        };
        rc = sim_rec_insert(rec, st, val, 12);
    }
    return rc;
}

static int record_attestations(const mdl_verifiers *vs, sim_rec *rec, int64_t run) {
    sqlite3_stmt *st;
    int rc = sim_rec_prepare(rec,
                             "INSERT INTO attestations (run_id, chain_id, conf_level, attest_offset,"
                             " root, vote_count, first_vote_ns, approved_ns, height, signed_power,"
                             " total_power, signer_count, approved_count)"
                             " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                             &st);
    for (size_t s = 0; rc == 0 && s < vs->led.stream_count; s++) {
        const astream *as = &vs->led.streams[s];
        for (uint64_t o = 0; rc == 0 && o < as->count; o++) {
            const arec *r = &as->recs[o];
            if (r->votes == 0 && !r->approved) continue;
            char root[65];
            hex32(r->root, root);
            sim_rec_val val[13] = {
                sim_rec_int(run),
                sim_rec_u64(as->chain),
                sim_rec_int(as->level),
                sim_rec_u64(o + 1),
                r->approved ? sim_rec_text(root) : sim_rec_null(),
                sim_rec_int(r->votes),
                opt_ns(r->first_vote_ns),
                r->approved ? sim_rec_u64(r->approved_ns) : sim_rec_null(),
                r->approved ? sim_rec_u64(r->height) : sim_rec_null(),
                r->approved ? sim_rec_u64(r->signed_power) : sim_rec_null(),
                r->approved ? sim_rec_u64(r->total_power) : sim_rec_null(),
                r->approved ? sim_rec_int(r->signer_count) : sim_rec_null(),
                sim_rec_int(r->approved_count),
            };
            rc = sim_rec_insert(rec, st, val, 13);
        }
    }
    return rc;
}

static int record_evidence(const mdl_verifiers *vs, sim_rec *rec, int64_t run) {
    static const char *const types[] = {"", "proposal", "prevote", "precommit"};
    sqlite3_stmt *st;
    int rc = sim_rec_prepare(rec,
                             "INSERT INTO evidence (run_id, seq, kind, offender, height, round,"
                             " vote_type, first_detected_ns, detector_count, evidence_hash)"
                             " VALUES (?,?,?,?,?,?,?,?,?,?)",
                             &st);
    for (size_t k = 0; rc == 0 && k < vs->led.ev_count; k++) {
        const mdl_evidence_info *e = &vs->led.ev[k].info;
        bool dup = e->kind == XR_EVIDENCE_DUPLICATE_VOTE;
        char h[65];
        hex32(vs->led.ev[k].hash, h);
        sim_rec_val val[10] = {
            sim_rec_int(run),
            sim_rec_u64(k),
            sim_rec_text(dup ? "duplicate_vote" : "attest_conflict"),
            opt_ix(e->offender),
            dup ? sim_rec_u64(e->height) : sim_rec_null(),
            dup ? sim_rec_int(e->round) : sim_rec_null(),
            dup && e->vote_type <= 3 ? sim_rec_text(types[e->vote_type]) : sim_rec_null(),
            sim_rec_u64(e->first_ns),
            sim_rec_int(e->detectors),
            sim_rec_text(h),
        };
        rc = sim_rec_insert(rec, st, val, 10);
    }
    return rc;
}

static int record_conflicts(const mdl_verifiers *vs, sim_rec *rec, int64_t run) {
    sqlite3_stmt *st;
    int rc = sim_rec_prepare(rec,
                             "INSERT INTO consensus_conflicts (run_id, seq, height, verifier,"
                             " block_id, first_verifier, first_block_id, at_ns)"
                             " VALUES (?,?,?,?,?,?,?,?)",
                             &st);
    for (size_t k = 0; rc == 0 && k < vs->led.conflict_count; k++) {
        const conflict *c = &vs->led.conflicts[k];
        char a[65], b[65];
        hex32(c->block_id, a);
        hex32(c->first_block_id, b);
        sim_rec_val val[8] = {sim_rec_int(run),          sim_rec_u64(k),          sim_rec_u64(c->height),
                              sim_rec_int(c->verifier),  sim_rec_text(a),         sim_rec_int(c->first_verifier),
                              sim_rec_text(b),           sim_rec_u64(c->at_ns)};
        rc = sim_rec_insert(rec, st, val, 8);
    }
    return rc;
}

static int record_summary(const mdl_verifiers *vs, sim_rec *rec, int64_t run, uint64_t end_ns) {
    mdl_consensus_summary s;
    mdl_verifiers_summary(vs, end_ns, &s);
    sqlite3_stmt *st;
    int rc = sim_rec_prepare(rec,
                             "INSERT INTO consensus_summary (run_id, verifier_count, byzantine_count,"
                             " total_power, byzantine_power, heights_committed_count, last_height,"
                             " height_p50_ns, height_p90_ns, height_p99_ns, height_max_ns,"
                             " commit_p50_ns, commit_p99_ns, multi_round_count, max_stall_ns,"
                             " max_stall_from_ns, xblocks_observed_count, attestations_approved_count,"
                             " approval_p50_ns, approval_p99_ns, evidence_count, offender_count,"
                             " conflict_count, approval_conflict_count, sig_sign_count,"
                             " sig_verify_count, actions_dropped_count)"
                             " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                             &st);
    if (rc) return rc;
    bool any = s.heights_committed > 0, anya = s.attestations_approved > 0;
    sim_rec_val val[27] = {
        sim_rec_int(run),
        sim_rec_int(s.verifiers),
        sim_rec_int(s.byzantine),
        sim_rec_u64(s.total_power),
        sim_rec_u64(s.byzantine_power),
        sim_rec_u64(s.heights_committed),
        sim_rec_u64(s.last_height),
        any ? sim_rec_u64(s.height_p50_ns) : sim_rec_null(),
        any ? sim_rec_u64(s.height_p90_ns) : sim_rec_null(),
        any ? sim_rec_u64(s.height_p99_ns) : sim_rec_null(),
        any ? sim_rec_u64(s.height_max_ns) : sim_rec_null(),
        any ? sim_rec_u64(s.commit_p50_ns) : sim_rec_null(),
        any ? sim_rec_u64(s.commit_p99_ns) : sim_rec_null(),
        sim_rec_u64(s.multi_round_heights),
        sim_rec_u64(s.max_stall_ns),
        sim_rec_u64(s.max_stall_from_ns),
        sim_rec_u64(s.xblocks_observed),
        sim_rec_u64(s.attestations_approved),
        anya ? sim_rec_u64(s.approval_p50_ns) : sim_rec_null(),
        anya ? sim_rec_u64(s.approval_p99_ns) : sim_rec_null(),
        sim_rec_u64(s.evidence),
        sim_rec_int(s.offenders),
        sim_rec_u64(s.conflicts),
        sim_rec_u64(s.approval_conflicts),
        sim_rec_u64(s.sigs_signed),
        sim_rec_u64(s.sigs_verified),
        sim_rec_u64(s.actions_dropped),
    };
    /* the Byzantine totals are sums over table byzantine (view v_byzantine) */
    return sim_rec_insert(rec, st, val, 27);
}

/* One row per (verifier, Byzantine entry): what it is and what it did;
** one row per counter its behaviour names (byzantine_counters). */
static int record_byzantine(const mdl_verifiers *vs, sim_rec *rec, int64_t run) {
    if (vs->ref_count == 0) return 0;
    sqlite3_stmt *st, *cst;
    int rc = sim_rec_prepare(rec,
                             "INSERT INTO byzantine (run_id, verifier, entry, behaviour, target_kind,"
                             " target, trigger, from_ns, until_ns, probability, params, draw_count,"
                             " fired_count) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                             &st);
    if (rc == 0)
        rc = sim_rec_prepare(rec,
                             "INSERT INTO byzantine_counters (run_id, verifier, entry, counter, value)"
                             " VALUES (?,?,?,?,?)",
                             &cst);
    for (size_t k = 0; rc == 0 && k < vs->ref_count; k++) {
        const mdl_byzantine_info *b = &vs->refs[k].info;
        const mdl_byzantine_cfg *c = b->cfg;
        const mdl_byz_behaviour *bh = mdl_byz_get(b->behaviour);
        char target[64], trigger[256], params[96];
        if (c->by_fraction)
            snprintf(target, sizeof target, "%" PRIu64 "/%" PRIu64, c->fraction_num, c->fraction_den);
        else
            snprintf(target, sizeof target, "%u", b->verifier);
        mdl_verifier_config_trigger_text(c, trigger, sizeof trigger);
        params[0] = '\0';
        if (bh->params_text) bh->params_text(c, params, sizeof params);
        sim_rec_val val[13] = {
            sim_rec_int(run),
            sim_rec_int(b->verifier),
            sim_rec_int(b->entry),
            sim_rec_text(bh->name),
            sim_rec_text(c->by_fraction ? "stake_fraction" : "verifiers"),
            sim_rec_text(target),
            sim_rec_text(trigger),
            sim_rec_u64(c->from_ns),
            c->until_ns != SIM_NET_NEVER ? sim_rec_u64(c->until_ns) : sim_rec_null(),
            c->has_probability ? sim_rec_real((double)c->prob_num / (double)c->prob_den) : sim_rec_null(),
            params[0] ? sim_rec_text(params) : sim_rec_null(),
            sim_rec_u64(b->counters.draws),
            sim_rec_u64(b->counters.fired),
        };
        rc = sim_rec_insert(rec, st, val, 13);
        for (uint32_t j = 0; rc == 0 && j < MDL_BYZ_COUNTERS_MAX && bh->counters[j]; j++) {
            sim_rec_val cv[5] = {sim_rec_int(run), sim_rec_int(b->verifier), sim_rec_int(b->entry),
                                 sim_rec_text(bh->counters[j]), sim_rec_u64(b->counters.n[j])};
            rc = sim_rec_insert(rec, cst, cv, 5);
        }
    }
    return rc;
}

int mdl_verifiers_record(const mdl_verifiers *vs, sim_rec *rec, uint64_t end_ns) {
    assert(vs && rec && sim_rec_run_id(rec) > 0);
    int64_t run = sim_rec_run_id(rec);
    int rc = record_verifiers(vs, rec, run);
    if (rc == 0) rc = record_heights(vs, rec, run);
    if (rc == 0) rc = record_attestations(vs, rec, run);
    if (rc == 0) rc = record_evidence(vs, rec, run);
    if (rc == 0) rc = record_conflicts(vs, rec, run);
    if (rc == 0) rc = record_summary(vs, rec, run, end_ns);
    if (rc == 0) rc = record_byzantine(vs, rec, run);
    return rc;
}
