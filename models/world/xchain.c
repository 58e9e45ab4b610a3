/*
** The cross-chain half of a world (see xchain.h), and the one place that
** says which way a cross-chain message goes.  Each stage below is the
** callback of the model that makes it happen, and it hands the message on
** to the models of the next stage directly:
**
**   1. emit     the workload calls a source portal: the message is born
**               (workload -> emitted: its life starts, messages.h)
**   2. observe  its source block's XBlock reaches a confirmation level
**               (rollup -> xblock: a waiting coalition forges it, then every
**               verifier observes it, verifiers/observe.c)
**   3. attest   each verifier signs it after its watcher delay, through its
**               Byzantine entries (a coalition member asks `forgery` what to
**               sign) and the signature rides in a vote extension
**   4. approve  more than the quorum's power signed one root in a committed
**               block (verifiers -> approved: relayers, validator-set sync,
**               the message's life; a forged root goes to the adversary)
**   5. relay    a relayer sends the proof and signatures (relayers -> relayed)
**   6. submit   the destination portal's transaction is included, and
**   7. execute  each message executes in stream order
**               (rollup -> submitted: the message's life, the relayers,
**               validator-set sync; the colluding relayer's via the adversary)
** Beside the path, the consensus feeds the restaking contract: commits,
** evidence and every attestation vote the honest verifiers see gossiped
** (verifiers -> committed, evidence, vote_seen), and so does every
** destination portal's calldata (rollup -> submitted).
*/
#include "world/xchain.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "verifiers/byzantine/byzantine.h"
#include "xr_err.h"
#include "grow.h"

typedef struct sub_row {
    uint32_t relayer;
    uint64_t dest_chain, source_chain;
    bool decoded;
    uint8_t level;
    uint64_t attest_offset, msg_count, submitted_ns, included_ns;
    uint64_t gas_limit, gas_used, gas_price_wei, fee_wei, l1_fee_wei;
    int rc;
} sub_row;

struct mdl_xchain {
    sim_engine *engine;
    mdl_verifiers *vs;
    mdl_l1 *l1;
    mdl_rollups *rs;
    mdl_workload *wl;
    mdl_relayers *relayers;
    mdl_valsync *valsync;
    mdl_restaking *restaking;
    mdl_adversary *adversary;
    mdl_messages *msgs;
    mdl_verification *verification; /* the approach: listens, applies at the end */
    uint64_t warmup_ns, duration_ns;
    xr_quorum quorum;
    uint64_t next_msg_id;
    const mdl_xchain_config *cfg;
    const char *error;
    sub_row *subs;
    size_t sub_len, sub_cap;
};

/* ---- the path ---------------------------------------------------------------------- */

/* 1. emit */
static void emitted(void *ctx, const mdl_msg *m) {
    mdl_xchain *x = ctx;
    if (!mdl_messages_on_emit(x->msgs, m)) sim_engine_fail(x->engine, &x->error, "out of memory");
}

/* 2. observe (3. attest happens in the verifiers) */
static void xblock(void *ctx, const mdl_xblock *xb) {
    mdl_xchain *x = ctx;
    if (xb->provisional) {
        mdl_verifiers_observe_provisional(x->vs, &xb->header, &xb->msg_root, xb->emitted_ns);
        return;
    }
    if (!mdl_messages_on_xblock(x->msgs, xb)) sim_engine_fail(x->engine, &x->error, "out of memory");
    if (xb->orphaned) return;
    mdl_adversary_on_xblock(x->adversary, xb); /* forges it first, if a coalition waits for it */
    mdl_verifiers_observe_msgs(x->vs, &xb->header, &xb->msg_root, xb->msgs, xb->msg_count, xb->emitted_ns);
}

/* 3. attest: what a coalition member signs instead of h. */
static bool forgery(void *ctx, const xr_xheader *h, xr_xheader *h_out, xr_hash *root_out) {
    mdl_xchain *x = ctx;
    return mdl_adversary_forgery(x->adversary, h, h_out, root_out);
}

/* 4. approve */
static void approved(void *ctx, uint32_t verifier, uint64_t now_ns, const xr_action_approved *a) {
    mdl_xchain *x = ctx;
    (void)verifier;
    /* A fuzzy offset approved by its Finalized attestation: that one was
    ** approved (and relayed, carrying every shard) before; nothing to do. */
    if (a->finalized_override) return;
    if (mdl_adversary_is_forged(x->adversary, &a->header, &a->root)) {
        mdl_adversary_on_approved(x->adversary, now_ns, a);
        return;
    }
    mdl_messages_on_approved(x->msgs, a->header.source_chain_id, a->header.conf_level, a->header.offset,
                             now_ns);
    mdl_valsync_on_approved(x->valsync, now_ns, a);
    mdl_relayers_on_approved(x->relayers, now_ns, a);
}

/* 5. relay */
static void relayed(void *ctx, uint32_t relayer, uint64_t dest_chain, const xr_xheader *h, const xr_xmsg *msgs,
                    size_t n, uint64_t now_ns) {
    mdl_xchain *x = ctx;
    mdl_messages_on_sent(x->msgs, relayer, h->source_chain_id, dest_chain, msgs, n, now_ns);
}

/* 6. submit, 7. execute */
static void submitted(void *ctx, const mdl_submit_result *res) {
    mdl_xchain *x = ctx;
    uint64_t dest = mdl_rollup_chain_id(mdl_rollups_get(x->rs, res->rollup));
    mdl_submit_result honest, forged;
    if (mdl_adversary_on_submit(x->adversary, res, &honest, &forged)) {
        /* the colluding relayer's: real messages it carried execute as usual;
        ** forged ones take their stream positions from the real ones */
        mdl_messages_on_submit(x->msgs, &honest, dest);
        for (size_t i = 0; i < forged.receipt_count; i++) {
            const xr_xreceipt *r = &forged.receipts[i];
            mdl_messages_on_forged(x->msgs, r->source_chain_id, dest, r->shard_id, r->offset);
        }
    } else {
        mdl_messages_on_submit(x->msgs, res, dest);
    }
    mdl_valsync_on_submit(x->valsync, res);
    mdl_relayers_on_submit(x->relayers, res);
    /* the watchers read every destination chain's calldata too */
    mdl_restaking_on_submission(x->restaking, res->included_ns, res->sub);
    if (!SIM_GROW(x->subs, x->sub_cap, x->sub_len + 1)) {
        sim_engine_fail(x->engine, &x->error, "out of memory");
        return;
    }
    x->subs[x->sub_len++] = (sub_row){
        .relayer = res->relayer, .dest_chain = dest,
        .source_chain = res->header ? res->header->source_chain_id : 0, .decoded = res->header != NULL,
        .level = res->header ? res->header->conf_level : 0,
        .attest_offset = res->header ? res->header->offset : 0, .msg_count = res->receipt_count,
        .submitted_ns = res->submitted_ns, .included_ns = res->included_ns,
        .gas_limit = res->gas_limit, .gas_used = res->gas_used, .gas_price_wei = res->gas_price_wei,
        .fee_wei = res->fee_wei, .l1_fee_wei = res->l1_fee_wei, .rc = res->rc};
}

/* ---- beside the path: the consensus and the restaking contract ---------------------------- */

static void committed(void *ctx, uint32_t verifier, uint64_t now_ns, const xr_action_commit *c) {
    mdl_xchain *x = ctx;
    mdl_restaking_on_commit(x->restaking, verifier, now_ns, c);
}

static void evidence(void *ctx, uint32_t verifier, uint64_t now_ns, const xr_action_evidence *e) {
    mdl_xchain *x = ctx;
    mdl_restaking_on_evidence(x->restaking, verifier, now_ns, e);
}

static void vote_seen(void *ctx, uint32_t verifier, uint64_t now_ns, const xr_att_vote *v) {
    mdl_xchain *x = ctx;
    mdl_restaking_on_vote_seen(x->restaking, verifier, now_ns, v);
}

/* ---- beside the path: verification approaches (issue 15), listen only ---- */
static void on_block(void *ctx, const mdl_rollup_block *b) {
    mdl_xchain *x = ctx;
    mdl_verification_on_block(x->verification, b);
}

static void on_batch(void *ctx, const mdl_rollup_batch *b) {
    mdl_xchain *x = ctx;
    if (!mdl_verification_on_batch(x->verification, b)) sim_engine_fail(x->engine, &x->error, "out of memory");
}

/* ---- what the models ask of each other ---------------------------------------------------- */

static bool source_xblock(void *ctx, uint64_t chain_id, int level, uint64_t offset, const xr_hash *root,
                          mdl_xblock *out) {
    mdl_xchain *x = ctx;
    return mdl_valsync_xblock_get(x->valsync, chain_id, level, offset, root, out);
}

static const xr_valset *source_valset(void *ctx, uint64_t id) {
    mdl_xchain *x = ctx;
    return mdl_valsync_valset(x->valsync, id);
}

static uint64_t restaked_power(void *ctx, uint32_t verifier) {
    mdl_xchain *x = ctx;
    return mdl_restaking_power(x->restaking, verifier);
}

static const xr_valset *member_valset(void *ctx, const xr_address *member) {
    mdl_xchain *x = ctx;
    for (size_t k = mdl_valsync_count(x->valsync); k-- > 0;) {
        mdl_valset_info info;
        mdl_valsync_get(x->valsync, k, &info);
        const xr_valset *s = mdl_valsync_valset(x->valsync, info.id);
        if (s && xr_valset_find(s, member)) return s;
    }
    return NULL;
}

/* Does some verifier sign provisional XBlocks (a lazy one)? */
static bool any_lazy(const mdl_verifier_config *vc) {
    for (size_t i = 0; i < vc->byzantine_count; i++) {
        if (mdl_byz_get(vc->byzantine[i].behaviour)->provisional) return true;
    }
    return false;
}

mdl_xchain *mdl_xchain_new(sim_engine *e, mdl_verifiers *vs, xr_quorum quorum, const mdl_xchain_config *c,
                           uint64_t seed, uint64_t warmup_ns, uint64_t duration_ns, const char **why) {
    assert(e && vs && c && why);
    *why = "out of memory";
    mdl_xchain *x = calloc(1, sizeof *x);
    if (!x) return NULL;
    x->engine = e;
    x->vs = vs;
    x->cfg = c;
    x->msgs = mdl_messages_new();
    x->l1 = mdl_l1_new(e, &c->l1, seed);
    if (!x->msgs || !x->l1) goto fail;
    const xr_valset *set = mdl_verifiers_valset(vs);
    mdl_rollups_params p = {
        .consensus_chain_id = mdl_verifiers_chain_id(vs),
        .sig = *mdl_verifiers_sig(vs),
        .quorum = quorum,
        .valset_cutoff = mdl_verifiers_valset_cutoff(vs),
        .valset_member_cap = set->count,
        .genesis_valset_id = set->id,
        .genesis = set->members,
        .genesis_count = set->count,
    };
    mdl_rollup_callbacks cb = {.on_xblock = xblock, .on_submit = submitted, .on_block = on_block,
                               .on_batch = on_batch, .ctx = x};
    x->warmup_ns = warmup_ns;
    x->duration_ns = duration_ns;
    x->quorum = quorum;
    x->verification = mdl_verification_new(&c->verification, c->rollups.count, seed);
    if (!x->verification) goto fail;
    x->rs = mdl_rollups_new(e, x->l1, c->rollups.items, c->rollups.count, &p, &cb, seed, why);
    if (!x->rs) goto fail;
    mdl_workload_callbacks wcb = {.on_msg = emitted, .ctx = x};
    x->wl = mdl_workload_new(e, x->rs, &c->workload, seed, &x->next_msg_id, &wcb);
    x->relayers = mdl_relayers_new(e, x->rs, &c->relayers, set, quorum);
    if (!x->wl || !x->relayers) {
        *why = "out of memory";
        goto fail;
    }
    mdl_relayers_set_sent_hook(x->relayers, relayed, x);
    const mdl_verifier_config *vc = mdl_verifiers_config(vs);
    x->valsync = mdl_valsync_new(e, x->l1, vs, x->rs, restaked_power, x);
    if (!x->valsync) goto fail;
    mdl_relayer_source src = {.xblock_get = source_xblock, .valset_get = source_valset, .ctx = x};
    mdl_relayers_set_source(x->relayers, &src);
    /* an approach without slashing (external), or protocol.profile
    ** omni-mainnet (c->restaking.slashing false), keeps the contract's stake
    ** but never submits evidence */
    mdl_restaking_config rcfg = c->restaking;
    rcfg.slashing = c->restaking.slashing && mdl_approach_get(c->verification.approach)->slashing;
    x->restaking = mdl_restaking_new(e, x->l1, vs, x->rs, &rcfg, seed, why);
    if (!x->restaking) goto fail;
    mdl_restaking_set_valsets(x->restaking, member_valset, x);
    mdl_adversary_ctx actx = {.engine = e, .vs = vs, .rs = x->rs, .restaking = x->restaking,
                              .valsync = x->valsync, .msgs = x->msgs,
                              .relayers = &c->relayers, .quorum = quorum, .warmup_ns = warmup_ns,
                              .duration_ns = duration_ns};
    x->adversary = mdl_adversary_new(&actx, &c->adversary, why);
    if (!x->adversary) goto fail;
    if (any_lazy(vc)) mdl_rollups_set_provisional(x->rs, true);
    mdl_verifier_hooks hooks = {.on_approved = approved, .on_commit = committed, .on_evidence = evidence,
                               .on_vote_seen = vote_seen, .ctx = x};
    mdl_verifiers_set_hooks(vs, &hooks);
    mdl_verifiers_set_forger(vs, forgery, x);
    return x;
fail:
    mdl_xchain_free(x);
    return NULL;
}

void mdl_xchain_free(mdl_xchain *x) {
    if (!x) return;
    mdl_adversary_free(x->adversary);
    mdl_restaking_free(x->restaking);
    mdl_relayers_free(x->relayers);
    mdl_valsync_free(x->valsync);
    mdl_workload_free(x->wl);
    mdl_rollups_free(x->rs);
    mdl_l1_free(x->l1);
    mdl_messages_free(x->msgs);
    mdl_verification_free(x->verification);
    free(x->subs);
    free(x);
}

bool mdl_xchain_start(mdl_xchain *x) {
    /* the rollups listen to the L1 first: restaking's finality notice then
    ** sees their batches of the same notice final */
    return mdl_l1_start(x->l1) && mdl_rollups_start(x->rs) && mdl_workload_start(x->wl) &&
           mdl_valsync_start(x->valsync) && mdl_restaking_start(x->restaking) && mdl_adversary_start(x->adversary);
}

const char *mdl_xchain_error(const mdl_xchain *x) {
    if (x->error) return x->error;
    if (mdl_valsync_error(x->valsync)) return mdl_valsync_error(x->valsync);
    if (mdl_restaking_error(x->restaking)) return mdl_restaking_error(x->restaking);
    if (mdl_adversary_error(x->adversary)) return mdl_adversary_error(x->adversary);
    if (mdl_relayers_error(x->relayers)) return mdl_relayers_error(x->relayers);
    if (mdl_rollups_error(x->rs)) return mdl_rollups_error(x->rs);
    if (x->wl && mdl_workload_error(x->wl)) return mdl_workload_error(x->wl);
    if (mdl_l1_error(x->l1)) return mdl_l1_error(x->l1);
    return NULL;
}

const mdl_messages *mdl_xchain_messages(const mdl_xchain *x) { return x->msgs; }
const mdl_valsync *mdl_xchain_valsync(const mdl_xchain *x) { return x->valsync; }
const mdl_relayers *mdl_xchain_relayers(const mdl_xchain *x) { return x->relayers; }
const mdl_restaking *mdl_xchain_restaking(const mdl_xchain *x) { return x->restaking; }
const mdl_adversary *mdl_xchain_adversary(const mdl_xchain *x) { return x->adversary; }

const mdl_verification *mdl_xchain_verification_host(const mdl_xchain *x) { return x->verification; }

const mdl_verification_summary *mdl_xchain_verification(mdl_xchain *x) {
    mdl_verification_world w = {
        .msgs = x->msgs, .rs = x->rs, .workload = &x->cfg->workload, .adversary = x->adversary,
        .adversary_cfg = &x->cfg->adversary, .genesis = mdl_verifiers_valset(x->vs),
        .quorum = x->quorum, .slash_ppm = x->cfg->restaking.slash_ppm,
        .warmup_ns = x->warmup_ns, .duration_ns = x->duration_ns, .end_ns = sim_now_ns(x->engine)};
    if (!mdl_verification_finish(x->verification, &w)) return NULL;
    return mdl_verification_summary_of(x->verification);
}

void mdl_xchain_summary_get(const mdl_xchain *x, uint64_t warmup_ns, const mdl_consensus_summary *cs,
                            uint64_t end_ns, mdl_xchain_summary *out) {
    memset(out, 0, sizeof *out);
    mdl_messages_finality(x->msgs, XR_CONF_LATEST, warmup_ns, &out->latest);
    mdl_messages_finality(x->msgs, XR_CONF_FINALIZED, warmup_ns, &out->finalized);
    out->violations = mdl_messages_violations(x->msgs);
    for (uint32_t i = 0; i < mdl_relayers_count(x->relayers); i++) {
        mdl_relayer_stats st;
        mdl_relayers_stats(x->relayers, i, &st);
        out->submissions += st.submitted;
        out->reverted += st.reverted;
        out->relayer_gas += st.gas_used;
        out->relayer_fee_wei += st.fee_wei;
    }
    mdl_restaking_totals(x->restaking, &out->ledger);
    size_t proven = mdl_restaking_offence_count(x->restaking);
    out->offences = proven + mdl_restaking_unproven_count(x->restaking);
    for (size_t k = 0; k < proven; k++) {
        mdl_offence_info o;
        mdl_restaking_offence(x->restaking, k, &o);
        out->offences_slashed += o.outcome == MDL_OFFENCE_SLASHED;
    }
    mdl_adversary_verdicts(x->adversary, cs, end_ns, &out->verdicts);
    out->coalitions = mdl_adversary_count(x->adversary);
    for (size_t k = 0; k < out->coalitions; k++) {
        mdl_coalition_result r;
        mdl_adversary_result(x->adversary, k, end_ns, &r);
        out->coalition_pnl_gwei += r.pnl_gwei;
        out->coalitions_profitable += r.profitable;
        out->signers_unslashed += r.signers - r.signers_slashed;
    }
}

static const char *level_name(uint8_t conf) { return conf == XR_CONF_FINALIZED ? "finalized" : "latest"; }

int mdl_xchain_record(mdl_xchain *x, sim_rec *rec) {
    int64_t run = sim_rec_run_id(rec);
    sqlite3_stmt *st;
    int rc = sim_rec_prepare(rec, "INSERT INTO chains (run_id, chain_id, name, preset) VALUES (?,?,?,?)", &st);
    for (size_t i = 0; rc == 0 && i < mdl_rollups_count(x->rs); i++) {
        const mdl_rollup *r = mdl_rollups_get(x->rs, i);
        sim_rec_val v[4] = {sim_rec_int(run), sim_rec_u64(mdl_rollup_chain_id(r)),
                            sim_rec_text(mdl_rollup_name(r)),
                            sim_rec_text(mdl_rollup_preset_names[mdl_rollup_config_of(r)->preset])};
        rc = sim_rec_insert(rec, st, v, 4);
    }
    if (rc == 0) {
        rc = sim_rec_prepare(rec,
                             "INSERT INTO submissions (run_id, seq, relayer, dest_chain, source_chain, level,"
                             " attest_offset, msg_count, submitted_ns, included_ns, gas_limit, gas_used,"
                             " gas_price_wei, fee_wei, result, l1_fee_wei)"
                             " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                             &st);
    }
    for (size_t i = 0; rc == 0 && i < x->sub_len; i++) {
        const sub_row *s = &x->subs[i];
        sim_rec_val v[16] = {
            sim_rec_int(run), sim_rec_u64(i), sim_rec_int(s->relayer), sim_rec_u64(s->dest_chain),
            s->decoded ? sim_rec_u64(s->source_chain) : sim_rec_null(),
            s->decoded ? sim_rec_text(level_name(s->level)) : sim_rec_null(),
            s->decoded ? sim_rec_u64(s->attest_offset) : sim_rec_null(), sim_rec_u64(s->msg_count),
            sim_rec_u64(s->submitted_ns), sim_rec_u64(s->included_ns), sim_rec_u64(s->gas_limit),
            sim_rec_u64(s->gas_used), sim_rec_u64(s->gas_price_wei), sim_rec_u64(s->fee_wei),
            sim_rec_text(s->rc == 0 ? "ok" : xr_err_name(s->rc)), sim_rec_u64(s->l1_fee_wei)};
        rc = sim_rec_insert(rec, st, v, 16);
    }
    if (rc == 0) rc = mdl_messages_record(x->msgs, rec);
    if (rc == 0) rc = mdl_valsync_record(x->valsync, rec);
    if (rc == 0) rc = mdl_restaking_record(x->restaking, rec);
    if (rc == 0) {
        uint64_t end_ns = sim_now_ns(x->engine);
        mdl_consensus_summary cs;
        mdl_verifiers_summary(x->vs, end_ns, &cs);
        rc = mdl_adversary_record(x->adversary, rec, &cs, end_ns);
    }
    /* A message's first vote is its attestation's, which the verifiers
    ** recorded (table attestations) just before. */
    if (rc == 0) {
        rc = sim_rec_prepare(rec,
                             "UPDATE messages SET first_vote_ns = (SELECT a.first_vote_ns FROM attestations a"
                             " WHERE a.run_id = messages.run_id AND a.chain_id = messages.source_chain"
                             " AND a.conf_level = CASE messages.level WHEN 'finalized' THEN 4 ELSE 1 END"
                             " AND a.attest_offset = messages.attest_offset) WHERE run_id = ?",
                             &st);
    }
    if (rc == 0) {
        sim_rec_val v[1] = {sim_rec_int(run)};
        rc = sim_rec_insert(rec, st, v, 1);
    }
    /* the verification approach: its columns of messages (after the
    ** first-vote update above, which it clears where it does not apply)
    ** and its approach_runs row */
    if (rc == 0 && !mdl_xchain_verification(x)) {
        sim_engine_fail(x->engine, &x->error, "out of memory");
        rc = SIM_REC_ERR_RUN_BROKEN;
    }
    if (rc == 0) rc = mdl_verification_record(x->verification, x->msgs, rec);
    return rc;
}
