/*
** The restaking contract hosted on the L1 and the slashing pipeline (see
** restaking.h).  The contract's state lives in one xr_restake built in
** memory sized at creation; this file feeds it transactions at the times
** the L1 includes them and keeps the per-offence story for the results.
*/
#include "economics/restaking.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "xr_attest.h"
#include "xr_bftmsg.h"
#include "xr_err.h"
#include "xr_evidence.h"
#include "xr_limits.h"
#include "xr_merkle.h"
#include "grow.h"
#include "units.h"

#define NEVER MDL_RESTAKING_NEVER
#define PPM 1000000u
#define STAKE_CHANGE_GAS 150000u
#define RETRY_NONE UINT64_MAX

enum { EV_STAKE_TX = 1, EV_SUBMIT = 2, EV_EXECUTE = 3, EV_COMPLETE = 4, EV_VETO = 5 };
/* L1 transaction tags: kind in the low 2 bits, index above */
enum { TAG_STAKE = 0, TAG_EVIDENCE = 1, TAG_WITHDRAW = 2, TAG_BITS = 2, TAG_MASK = 3 };
#define WITHDRAW_GAS 120000u
enum { PURPOSE_VETO = 1 };

typedef struct offence {
    mdl_offence_info info;
    uint8_t key[32];
    uint8_t *ev;                 /* owned evidence encoding */
    size_t ev_len;
    uint64_t request;
    /* the third kind: where the vote points, to find the final root */
    uint64_t chain;
    int level;
    uint64_t offset;
} offence;

typedef struct suspect {         /* a vote that may contradict its source chain */
    xr_att_vote vote;
    uint32_t offender;
    uint64_t detected_ns;
    uint64_t committed_ns;
    bool done;
} suspect;

typedef struct wd {              /* a withdrawal in the queue */
    uint64_t id;
    uint32_t verifier;
    uint64_t amount_gwei;
    uint64_t queued_ns, completable_ns, completed_ns;
    uint64_t paid_gwei;
} wd;

struct mdl_restaking {
    sim_engine *engine;
    mdl_l1 *l1;
    mdl_verifiers *vs;
    mdl_rollups *rs;
    mdl_restaking_config cfg;
    uint32_t n;
    void *mem;
    xr_restake *core;
    gsl_rng *rng_veto;
    uint32_t kind;
    const xr_valset *(*valset_find)(void *ctx, const xr_address *member);
    void *valset_ctx;
    uint64_t *stake_gwei;        /* per verifier: stake as the scenario last set it */
    uint64_t *slashed_gwei;      /* per verifier */
    uint64_t *withdrawn_ns;      /* per verifier: last completion */
    offence *off;
    size_t off_len, off_cap;
    suspect *sus;
    size_t sus_len, sus_cap;
    uint8_t (*seen)[32];         /* offence keys noted (detected), sorted insert */
    size_t seen_len, seen_cap;
    uint8_t (*sus_keys)[32];     /* offence keys of the suspects, sorted */
    size_t sus_key_len, sus_key_cap;
    xr_hash *leaves, *leaf_work; /* [XR_MAX_SUBMISSION_MSGS]: a submission's message leaves */
    wd *wds;
    size_t wd_len, wd_cap;
    uint64_t watched_height;     /* highest consensus height whose votes were checked */
    uint64_t stake_txs;
    const char *error;
};

/* ------------------------------------------------------------------------ */
/* configuration                                                            */

void mdl_restaking_config_default(mdl_restaking_config *c) {
    memset(c, 0, sizeof *c);
    c->withdrawal_delay_ns = UINT64_C(14) * 86400 * SIM_NS_PER_S;
    c->veto_window_ns = 0;
    c->veto_probability = 0.0;
    c->slash_ppm = PPM;
    c->eject_on_slash = true;
    c->freeze_on_request = false;
    c->reporter_delay_ns = UINT64_C(30) * SIM_NS_PER_S;
    c->evidence_gas = 250000;
    c->evidence_tip_wei = 2 * SIM_WEI_PER_GWEI;
    c->operator_share_ppm = PPM;
    c->allocation_ppm = PPM;
    c->deallocation_delay_ns = UINT64_C(14) * 86400 * SIM_NS_PER_S;
    c->allocation_delay_ns = 0;
    c->slashing = true;
}

bool mdl_restaking_config_load(const sim_ynode *section, mdl_restaking_config *c, sim_diag *d) {
    static const char *const keys[] = {"withdrawal_delay", "veto_window", "veto_probability",
                                       "slash_fraction", "eject_on_slash", "freeze_on_request",
                                       "reporter_delay", "evidence_gas", "evidence_tip", "operator_share",
                                       "allocation", "allocation_delay", "deallocation_delay", NULL};
    mdl_restaking_config_default(c);
    if (section == NULL || section->kind == SIM_Y_NULL) return true;
    size_t before = sim_diag_errors(d);
    sim_ymap_check(section, "restaking", keys, d); /* an unknown key is one error: the values are checked too */
    const uint64_t year = UINT64_C(365) * 86400 * SIM_NS_PER_S;
    sim_yfield_duration_ns(section, "withdrawal_delay", false, c->withdrawal_delay_ns, 0, year,
                           &c->withdrawal_delay_ns, d);
    sim_yfield_duration_ns(section, "veto_window", false, 0, 0, year, &c->veto_window_ns, d);
    if (sim_yfield_fraction(section, "veto_probability", false, 0.0, 0.0, 1.0, &c->veto_probability, d) &&
        c->veto_probability > 0.0 && c->veto_window_ns == 0) {
        sim_diag_error(d, sim_ymap_get(section, "veto_probability"),
                       "a veto needs time: set restaking.veto_window above 0s");
    }
    double f = 1.0;
    if (sim_yfield_fraction(section, "slash_fraction", false, 1.0, 1e-6, 1.0, &f, d)) {
        c->slash_ppm = (uint32_t)(f * PPM + 0.5);
        if (c->slash_ppm == 0) c->slash_ppm = 1;
    }
    sim_yfield_bool(section, "eject_on_slash", false, true, &c->eject_on_slash, d);
    sim_yfield_bool(section, "freeze_on_request", false, false, &c->freeze_on_request, d);
    sim_yfield_duration_ns(section, "reporter_delay", false, c->reporter_delay_ns, 0, year,
                           &c->reporter_delay_ns, d);
    sim_yfield_u64(section, "evidence_gas", false, c->evidence_gas, 21000, 30000000, &c->evidence_gas, d);
    sim_yfield_wei(section, "evidence_tip", false, c->evidence_tip_wei, 0, UINT64_C(1000) * SIM_WEI_PER_GWEI,
                   &c->evidence_tip_wei, d);
    double share = 1.0;
    if (sim_yfield_fraction(section, "operator_share", false, 1.0, 1e-6, 1.0, &share, d)) {
        c->operator_share_ppm = (uint32_t)(share * PPM + 0.5);
    }
    double alloc = 1.0;
    if (sim_yfield_fraction(section, "allocation", false, 1.0, 0.0, 1.0, &alloc, d)) {
        c->allocation_ppm = (uint32_t)(alloc * PPM + 0.5);
    }
    sim_yfield_duration_ns(section, "allocation_delay", false, c->allocation_delay_ns, 0, year,
                           &c->allocation_delay_ns, d);
    sim_yfield_duration_ns(section, "deallocation_delay", false, c->deallocation_delay_ns, 0, year,
                           &c->deallocation_delay_ns, d);
    return sim_diag_errors(d) == before;
}

const char *mdl_offence_outcome_name(mdl_offence_outcome o) {
    switch (o) {
    case MDL_OFFENCE_PENDING: return "pending";
    case MDL_OFFENCE_SLASHED: return "slashed";
    case MDL_OFFENCE_WITHDRAWN: return "withdrawn";
    case MDL_OFFENCE_VETOED: return "vetoed";
    case MDL_OFFENCE_REJECTED: return "rejected";
    case MDL_OFFENCE_DUPLICATE: return "duplicate";
    case MDL_OFFENCE_ALREADY: return "already_slashed";
    }
    return "?";
}

/* ------------------------------------------------------------------------ */
/* helpers                                                                  */

static uint32_t verifier_of(const mdl_restaking *r, const uint8_t addr[20]) {
    for (uint32_t i = 0; i < r->n; i++) {
        if (memcmp(mdl_verifiers_address(r->vs, i)->bytes, addr, 20) == 0) return i;
    }
    return UINT32_MAX;
}

/* Where key is, or would be inserted, in the sorted keys ks[0..n); *found
** says whether it is there. */
static size_t keys_find(uint8_t (*ks)[32], size_t n, const uint8_t key[32], bool *found) {
    size_t lo = 0, hi = n;
    *found = false;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = memcmp(ks[mid], key, 32);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static size_t seen_find(const mdl_restaking *r, const uint8_t key[32], bool *found) {
    return keys_find(r->seen, r->seen_len, key, found);
}

/* Inserts key at position at of the sorted keys *ks; false when out of memory. */
static bool keys_insert(mdl_restaking *r, uint8_t (**ks)[32], size_t *len, size_t *cap, size_t at,
                        const uint8_t key[32]) {
    if (!sim_grow((void **)ks, cap, *len + 1, sizeof **ks)) {
        sim_engine_fail(r->engine, &r->error, "out of memory");
        return false;
    }
    memmove((*ks)[at + 1], (*ks)[at], (*len - at) * sizeof **ks);
    memcpy((*ks)[at], key, 32);
    (*len)++;
    return true;
}

/* Notes an offence key; false when it was already noted. */
static bool note_key(mdl_restaking *r, const uint8_t key[32]) {
    bool found;
    size_t lo = seen_find(r, key, &found);
    if (found) return false;
    return keys_insert(r, &r->seen, &r->seen_len, &r->seen_cap, lo, key);
}

/* Verifier i's delegators, as one staker: "dlgt" then zeros then i. */
static void delegator_address(uint32_t i, xr_address *out) {
    memset(out, 0, sizeof *out);
    memcpy(out->bytes, "dlgt", 4);
    out->bytes[16] = (uint8_t)(i >> 24);
    out->bytes[17] = (uint8_t)(i >> 16);
    out->bytes[18] = (uint8_t)(i >> 8);
    out->bytes[19] = (uint8_t)i;
}

static void check_ledger(mdl_restaking *r) {
    if (xr_restake_check(r->core) != 0) sim_engine_fail(r->engine, &r->error, "restaking: the contract's ledger does not balance");
}

/* ------------------------------------------------------------------------ */
/* stake changes (scenario) and withdrawals                                 */

static void queue_withdrawal(mdl_restaking *r, uint32_t i, uint64_t amount, uint64_t now_ns) {
    uint64_t id = 0;
    const xr_address *a = mdl_verifiers_address(r->vs, i);
    int rc = xr_restake_queue_withdrawal(r->core, a, amount, now_ns, &id);
    if (rc != 0) return; /* nothing to withdraw: a no-op */
    if (!SIM_GROW(r->wds, r->wd_cap, r->wd_len + 1)) {
        sim_engine_fail(r->engine, &r->error, "out of memory");
        return;
    }
    xr_restake_withdrawal_info wi;
    if (xr_restake_withdrawal_get(r->core, id, &wi) != 0) {
        sim_engine_fail(r->engine, &r->error, "restaking: a queued withdrawal vanished");
        return;
    }
    uint64_t at = wi.completable_ns; /* the first instant after queued + delay */
    r->wds[r->wd_len] = (wd){.id = id, .verifier = i, .amount_gwei = amount, .queued_ns = now_ns,
                             .completable_ns = at, .completed_ns = NEVER, .paid_gwei = 0};
    if (sim_schedule_at(r->engine, at, r->kind, EV_COMPLETE, r->wd_len) == 0) sim_engine_fail(r->engine, &r->error, "out of memory");
    r->wd_len++;
}

/* The operator's own staker absorbs a change of its total (delegators stay). */
static void apply_stake(mdl_restaking *r, uint32_t i, uint64_t stake, uint64_t now_ns) {
    const xr_address *a = mdl_verifiers_address(r->vs, i);
    xr_restake_operator_info op;
    /* what is delegated to it, power or not (an ejected operator has none) */
    uint64_t active = xr_restake_operator_get(r->core, a, &op) == 0 ? op.delegated_gwei : 0;
    xr_restake_staker_info own;
    if (xr_restake_staker_get(r->core, a, &own) != 0) own.active_gwei = 0;
    if (stake > active) {
        if (xr_restake_deposit(r->core, a, stake - active, now_ns) != 0) {
            sim_engine_fail(r->engine, &r->error, "restaking: a stake change's deposit was refused");
            return;
        }
    } else if (stake < active) {
        uint64_t cut = active - stake;
        queue_withdrawal(r, i, cut < own.active_gwei ? cut : own.active_gwei, now_ns);
    }
    r->stake_gwei[i] = stake;
    check_ledger(r);
}

static void on_stake_included(void *ctx, const mdl_l1_receipt *rc) {
    mdl_restaking *r = ctx;
    const mdl_verifier_config *vc = mdl_verifiers_config(r->vs);
    size_t k = (size_t)(rc->tag >> TAG_BITS);
    assert(k < vc->stake_change_count);
    apply_stake(r, vc->stake_changes[k].verifier, vc->stake_changes[k].stake_gwei, rc->included_ns);
}

static void complete(mdl_restaking *r, size_t k, uint64_t now_ns) {
    wd *w = &r->wds[k];
    if (w->completed_ns != NEVER) return;
    uint64_t paid = 0;
    int rc = xr_restake_complete_withdrawal(r->core, w->id, now_ns, &paid);
    if (rc == XR_ERR_RESTAKE_FROZEN || rc == XR_ERR_RESTAKE_NOT_READY) return; /* retried per block */
    if (rc != 0) {
        sim_engine_fail(r->engine, &r->error, "restaking: completing a withdrawal failed");
        return;
    }
    w->completed_ns = now_ns;
    w->paid_gwei = paid;
    r->withdrawn_ns[w->verifier] = now_ns;
    check_ledger(r);
}

static void on_l1_included(void *ctx, const mdl_l1_receipt *rc);

/* A transaction to the contract, paying 3 x the base fee + tip at most. */
static void submit_tx(mdl_restaking *r, uint64_t gas, uint64_t tip_wei, uint64_t tag) {
    uint64_t base = mdl_l1_base_fee_wei(r->l1);
    mdl_l1_tx tx = {.gas = gas, .max_fee_wei = 3 * base + tip_wei, .priority_fee_wei = tip_wei, .tag = tag};
    if (mdl_l1_submit(r->l1, &tx, on_l1_included, r) == 0) sim_engine_fail(r->engine, &r->error, "restaking: the L1 refused a transaction");
}

int mdl_restaking_withdraw_all(mdl_restaking *r, uint32_t verifier, uint64_t now_ns) {
    assert(verifier < r->n);
    (void)now_ns;
    xr_restake_staker_info st;
    if (xr_restake_staker_get(r->core, mdl_verifiers_address(r->vs, verifier), &st) != 0 || st.active_gwei == 0)
        return XR_ERR_INVALID_ARG;
    submit_tx(r, WITHDRAW_GAS, 10 * SIM_WEI_PER_GWEI, ((uint64_t)verifier << TAG_BITS) | TAG_WITHDRAW);
    return 0;
}

/* The withdrawal transaction landed: all the operator's own active stake
** (what it is then) goes into the queue. */
static void on_withdraw_included(mdl_restaking *r, uint32_t verifier, uint64_t now_ns) {
    xr_restake_staker_info st;
    if (xr_restake_staker_get(r->core, mdl_verifiers_address(r->vs, verifier), &st) != 0 || st.active_gwei == 0)
        return;
    queue_withdrawal(r, verifier, st.active_gwei, now_ns);
    check_ledger(r);
}

uint64_t mdl_restaking_queued_ns(const mdl_restaking *r, uint32_t verifier) {
    assert(verifier < r->n);
    for (size_t k = r->wd_len; k-- > 0;) {
        if (r->wds[k].verifier == verifier) return r->wds[k].queued_ns;
    }
    return NEVER;
}

/* ------------------------------------------------------------------------ */
/* offences                                                                 */

static offence *offence_new(mdl_restaking *r, uint8_t kind, uint32_t offender, const uint8_t key[32],
                            const uint8_t *ev, size_t ev_len) {
    if (!SIM_GROW(r->off, r->off_cap, r->off_len + 1)) {
        sim_engine_fail(r->engine, &r->error, "out of memory");
        return NULL;
    }
    offence *o = &r->off[r->off_len];
    memset(o, 0, sizeof *o);
    o->ev = malloc(ev_len);
    if (!o->ev) {
        sim_engine_fail(r->engine, &r->error, "out of memory");
        return NULL;
    }
    memcpy(o->ev, ev, ev_len);
    o->ev_len = ev_len;
    memcpy(o->key, key, 32);
    o->info = (mdl_offence_info){.kind = kind, .offender = offender, .committed_ns = NEVER,
                                 .detected_ns = NEVER, .provable_ns = NEVER, .submitted_ns = NEVER,
                                 .included_ns = NEVER, .executable_ns = NEVER, .executed_ns = NEVER,
                                 .outcome = MDL_OFFENCE_PENDING};
    o->level = -1;
    r->off_len++;
    return o;
}

/* The offence is provable now: the reporter sends it after its delay. */
static void report(mdl_restaking *r, size_t k, uint64_t now_ns) {
    r->off[k].info.provable_ns = now_ns;
    /* no slashing path (verification `external`, protocol.profile omni-mainnet):
    ** logged up to provable, never sent */
    if (!r->cfg.slashing) return;
    if (sim_schedule_at(r->engine, now_ns + r->cfg.reporter_delay_ns, r->kind, EV_SUBMIT, k) == 0) {
        sim_engine_fail(r->engine, &r->error, "out of memory");
    }
}

void mdl_restaking_on_evidence(mdl_restaking *r, uint32_t verifier, uint64_t now_ns,
                               const xr_action_evidence *e) {
    if (r->error || !mdl_verifiers_is_honest(r->vs, verifier)) return;
    xr_evidence ev;
    if (xr_evidence_decode(e->bytes.ptr, e->bytes.len, &ev) != 0) return;
    uint8_t key[32];
    xr_evidence_offence_key(&ev, key);
    if (!note_key(r, key)) return;
    uint32_t offender = verifier_of(r, ev.offender);
    if (offender == UINT32_MAX) return;
    offence *o = offence_new(r, ev.kind, offender, key, e->bytes.ptr, e->bytes.len);
    if (!o) return;
    o->info.detected_ns = now_ns;
    if (ev.kind == XR_EVIDENCE_DUPLICATE_VOTE) {
        mdl_height_info hi;
        if (mdl_verifiers_height(r->vs, ev.core_a.height, &hi) && hi.start_ns != UINT64_MAX) {
            o->info.committed_ns = hi.start_ns;
        }
    } else {
        mdl_rollup *src = mdl_rollups_find(r->rs, ev.vote_a.header.source_chain_id);
        int level = mdl_level_of_conf(ev.vote_a.header.conf_level);
        mdl_xblock xb;
        if (src && level >= 0 && mdl_rollup_xblock_get(src, level, ev.vote_a.header.offset, NULL, &xb)) {
            o->info.committed_ns = xb.emitted_ns;
        }
    }
    report(r, r->off_len - 1, now_ns);
}

/* The vote's root against the source chain: 1 contradicts (provable),
** 0 consistent, -1 not decidable yet (the source block is not final). */
static int judge(const mdl_restaking *r, const xr_att_vote *v, xr_hash *canonical) {
    mdl_rollup *src = mdl_rollups_find(r->rs, v->header.source_chain_id);
    if (!src) return 0; /* the consensus chain's own system XBlocks */
    int level = mdl_level_of_conf(v->header.conf_level);
    if (level < 0) return 0;
    mdl_xblock xb;
    if (level == MDL_LEVEL_LATEST) {
        /* any version the sequencer produced (canonical or orphaned) is no offence */
        if (mdl_rollup_xblock_get(src, level, v->header.offset, &v->root, &xb)) return 0;
        mdl_rollup_stats st;
        mdl_rollup_stats_get(src, &st);
        if (st.final_height < v->header.source_block_height) return -1;
        if (!mdl_rollup_xblock_get(src, level, v->header.offset, NULL, &xb)) return -1;
        *canonical = xb.root;
        return 1;
    }
    if (!mdl_rollup_xblock_get(src, level, v->header.offset, NULL, &xb)) return -1;
    if (memcmp(xb.root.bytes, v->root.bytes, 32) == 0) return 0;
    *canonical = xb.root;
    return 1;
}

static void suspect_resolve(mdl_restaking *r, suspect *s, uint64_t now_ns) {
    xr_hash canonical;
    int j = judge(r, &s->vote, &canonical);
    if (j < 0) return;
    s->done = true;
    if (j == 0) return;
    uint8_t buf[XR_EVIDENCE_MAX_BYTES];
    int len = xr_evidence_encode_false_attest(&s->vote, buf, sizeof buf);
    if (len < 0) return;
    xr_evidence ev;
    if (xr_evidence_decode(buf, (size_t)len, &ev) != 0) return;
    uint8_t key[32];
    xr_evidence_offence_key(&ev, key);
    if (!note_key(r, key)) return;
    offence *o = offence_new(r, XR_EVIDENCE_FALSE_ATTEST, s->offender, key, buf, (size_t)len);
    if (!o) return;
    o->info.detected_ns = s->detected_ns;
    o->info.committed_ns = s->committed_ns;
    if (o->info.committed_ns == NEVER) {
        /* a Finalized-level vote signed early (lazily): about when the source block was made */
        mdl_rollup *src = mdl_rollups_find(r->rs, s->vote.header.source_chain_id);
        int level = mdl_level_of_conf(s->vote.header.conf_level);
        mdl_xblock xb;
        if (src && level >= 0 && mdl_rollup_xblock_get(src, level, s->vote.header.offset, NULL, &xb))
            o->info.committed_ns = xb.block_ns;
    }
    o->chain = s->vote.header.source_chain_id;
    o->level = mdl_level_of_conf(s->vote.header.conf_level);
    o->offset = s->vote.header.offset;
    report(r, r->off_len - 1, now_ns);
}

/* The offence key of a false-attestation vote; false when it does not encode. */
static bool vote_key(const xr_att_vote *v, uint8_t key[32]) {
    uint8_t buf[XR_EVIDENCE_MAX_BYTES];
    xr_evidence ev;
    int len = xr_evidence_encode_false_attest(v, buf, sizeof buf);
    if (len < 0 || xr_evidence_decode(buf, (size_t)len, &ev) != 0) return false;
    xr_evidence_offence_key(&ev, key);
    return true;
}

/* A watcher saw signed attestation vote v at now_ns (in a committed block,
** a precommit's extension, a proposal, or a destination portal's calldata):
** a vote that contradicts its source chain, or may once it is final, with a
** valid signature of a verifier, becomes a suspect -- once per offence. */
static void watch_vote(mdl_restaking *r, const xr_att_vote *v, uint64_t now_ns) {
    mdl_rollup *src = mdl_rollups_find(r->rs, v->header.source_chain_id);
    if (!src) return; /* the consensus chain's own system XBlocks */
    xr_hash canonical;
    int j = judge(r, v, &canonical);
    if (j == 0) return;
    uint32_t offender = verifier_of(r, v->validator);
    if (offender == UINT32_MAX) return;
    uint8_t key[32];
    if (!vote_key(v, key)) return;
    bool found;
    size_t at = keys_find(r->sus_keys, r->sus_key_len, key, &found);
    if (found) return;
    /* an honest watcher checks the signature before it accuses anyone */
    xr_hash digest;
    uint8_t who[20];
    xr_attest_sign_digest(&v->root, &digest);
    const xr_sig_backend *sig = mdl_verifiers_sig(r->vs);
    if (sig->recover(sig->ctx, digest.bytes, v->sig, who) != 0 || memcmp(who, v->validator, 20) != 0) return;
    if (!keys_insert(r, &r->sus_keys, &r->sus_key_len, &r->sus_key_cap, at, key)) return;
    if (!SIM_GROW(r->sus, r->sus_cap, r->sus_len + 1)) {
        sim_engine_fail(r->engine, &r->error, "out of memory");
        return;
    }
    suspect *s = &r->sus[r->sus_len++];
    memset(s, 0, sizeof *s);
    s->vote = *v;
    s->offender = offender;
    s->detected_ns = now_ns;
    s->committed_ns = NEVER;
    mdl_xblock xb;
    int level = mdl_level_of_conf(v->header.conf_level);
    if (level == MDL_LEVEL_LATEST && mdl_rollup_xblock_get(src, level, v->header.offset, NULL, &xb)) {
        s->committed_ns = xb.emitted_ns;
    }
    if (j > 0) suspect_resolve(r, s, now_ns);
}

void mdl_restaking_on_commit(mdl_restaking *r, uint32_t verifier, uint64_t now_ns,
                             const xr_action_commit *c) {
    /* a committed block is public, whoever committed it (full nodes follow
    ** the chain): its signed votes are evidence even when no verifier is
    ** honest */
    (void)verifier;
    if (r->error || c->height <= r->watched_height) return;
    r->watched_height = c->height;
    xr_bft_block blk;
    xr_bftmsg_limits lim = xr_bft_limits(mdl_verifiers_bft(r->vs, verifier));
    if (xr_bft_block_decode(c->block.ptr, c->block.len, &lim, &blk) != 0) return;
    for (uint32_t i = 0; i < blk.vote_count && !r->error; i++) {
        xr_att_vote v;
        xr_bft_block_vote_get(&blk, i, &v);
        watch_vote(r, &v, now_ns);
    }
}

void mdl_restaking_on_vote_seen(mdl_restaking *r, uint32_t verifier, uint64_t now_ns, const xr_att_vote *v) {
    if (r->error || !mdl_verifiers_is_honest(r->vs, verifier)) return;
    watch_vote(r, v, now_ns);
}

void mdl_restaking_on_submission(mdl_restaking *r, uint64_t now_ns, const xr_submission *sub) {
    if (r->error || sub == NULL || sub->msg_count == 0 || sub->msg_count > XR_MAX_SUBMISSION_MSGS) return;
    /* the message root the calldata proves: leaves and multi-proof, as the portal computes it */
    for (size_t i = 0; i < sub->msg_count; i++) xr_attest_msg_leaf(&sub->msgs[i], &r->leaves[i]);
    xr_att_vote v;
    memset(&v, 0, sizeof v);
    if (xr_merkle_multiproof_process(r->leaves, sub->msg_count, sub->proof, sub->proof_count, sub->proof_flags,
                                     sub->proof_flag_count, r->leaf_work, &v.msg_root) != 0)
        return;
    v.header = sub->header;
    xr_hash leaf;
    xr_attest_header_leaf(&v.header, &leaf);
    xr_attest_root(&leaf, &v.msg_root, &v.root);
    if (memcmp(v.root.bytes, sub->attestation_root.bytes, 32) != 0) return; /* proves nothing it signed */
    for (size_t k = 0; k < sub->sig_count && !r->error; k++) {
        memcpy(v.validator, sub->sigs[k].validator.bytes, 20);
        memcpy(v.sig, sub->sigs[k].sig.bytes, 65);
        watch_vote(r, &v, now_ns);
    }
}

static void on_evidence_included(mdl_restaking *r, size_t k, const mdl_l1_receipt *rc) {
    offence *o = &r->off[k];
    o->info.included_ns = rc->included_ns;
    o->info.gas_fee_wei = rc->fee_wei;
    const xr_address *offender = mdl_verifiers_address(r->vs, o->info.offender);
    /* the set the offender signed under: the newest one that holds it */
    const xr_valset *set = r->valset_find ? r->valset_find(r->valset_ctx, offender) : NULL;
    if (!set) set = mdl_verifiers_valset(r->vs);
    xr_hash canonical, *cp = NULL;
    if (o->info.kind == XR_EVIDENCE_FALSE_ATTEST) {
        mdl_rollup *src = mdl_rollups_find(r->rs, o->chain);
        mdl_xblock xb;
        if (src && o->level >= 0 && mdl_rollup_xblock_get(src, o->level, o->offset, NULL, &xb)) {
            canonical = xb.root;
            cp = &canonical;
        }
    }
    xr_evidence ev;
    uint64_t req = 0;
    int rc2 = cp || o->info.kind != XR_EVIDENCE_FALSE_ATTEST
                  ? xr_restake_submit_evidence(r->core, o->ev, o->ev_len, mdl_verifiers_sig(r->vs), set, cp,
                                               rc->included_ns, &ev, &req)
                  : XR_ERR_INVALID_ARG;
    /* an operator out of its slashable window (NotMemberOfSet) is recorded
    ** as rejected with reason XR_ERR_RESTAKE_NOT_SLASHABLE */
    if (rc2 == XR_ERR_RESTAKE_DUPLICATE) {
        o->info.outcome = MDL_OFFENCE_DUPLICATE;
        return;
    }
    if (rc2 != 0) {
        o->info.outcome = MDL_OFFENCE_REJECTED;
        o->info.reject_rc = rc2;
        return;
    }
    o->request = req;
    o->info.executable_ns = rc->included_ns + r->cfg.veto_window_ns;
    /* the veto committee decides now and acts halfway through the window */
    bool veto = r->cfg.veto_probability > 0.0 && sim_rng_u01(r->rng_veto) < r->cfg.veto_probability;
    uint64_t at = veto ? rc->included_ns + r->cfg.veto_window_ns / 2 : o->info.executable_ns;
    if (sim_schedule_at(r->engine, at, r->kind, veto ? EV_VETO : EV_EXECUTE, k) == 0) sim_engine_fail(r->engine, &r->error, "out of memory");
}

static void on_l1_included(void *ctx, const mdl_l1_receipt *rc) {
    mdl_restaking *r = ctx;
    switch (rc->tag & TAG_MASK) {
    case TAG_STAKE: on_stake_included(r, rc); break;
    case TAG_EVIDENCE: {
        size_t k = (size_t)(rc->tag >> TAG_BITS);
        assert(k < r->off_len);
        on_evidence_included(r, k, rc);
        break;
    }
    case TAG_WITHDRAW: on_withdraw_included(r, (uint32_t)(rc->tag >> TAG_BITS), rc->included_ns); break;
    default: assert(0);
    }
}

static void veto(mdl_restaking *r, size_t k, uint64_t now_ns) {
    offence *o = &r->off[k];
    if (xr_restake_veto(r->core, o->request, now_ns) != 0) sim_engine_fail(r->engine, &r->error, "restaking: a veto was refused");
    o->info.outcome = MDL_OFFENCE_VETOED;
    o->info.executed_ns = now_ns;
}

static void execute(mdl_restaking *r, size_t k, uint64_t now_ns) {
    offence *o = &r->off[k];
    uint64_t slashed = 0;
    if (xr_restake_slash_execute(r->core, o->request, now_ns, &slashed) != 0) {
        sim_engine_fail(r->engine, &r->error, "restaking: executing a slash request failed");
        return;
    }
    o->info.executed_ns = now_ns;
    o->info.slashed_gwei = slashed;
    xr_restake_request_info qi;
    if (xr_restake_request_get(r->core, o->request, &qi) == 0 && qi.state == XR_RESTAKE_REQ_LAPSED) {
        /* the veto window outlasted the operator's slashable window */
        o->info.outcome = MDL_OFFENCE_REJECTED;
        o->info.reject_rc = XR_ERR_RESTAKE_NOT_SLASHABLE;
        return;
    }
    o->info.outcome = slashed                                 ? MDL_OFFENCE_SLASHED
                      : r->slashed_gwei[o->info.offender] > 0 ? MDL_OFFENCE_ALREADY
                                                              : MDL_OFFENCE_WITHDRAWN;
    r->slashed_gwei[o->info.offender] += slashed;
    check_ledger(r);
}

static void handle(void *ctx, sim_engine *e, const sim_event *ev) {
    mdl_restaking *r = ctx;
    uint64_t now = sim_now_ns(e);
    if (r->error) return;
    switch (ev->node) {
    case EV_STAKE_TX:
        submit_tx(r, STAKE_CHANGE_GAS, 2 * SIM_WEI_PER_GWEI, (ev->arg << TAG_BITS) | TAG_STAKE);
        r->stake_txs++;
        break;
    case EV_SUBMIT: {
        offence *o = &r->off[ev->arg];
        o->info.submitted_ns = now;
        submit_tx(r, r->cfg.evidence_gas, r->cfg.evidence_tip_wei, (ev->arg << TAG_BITS) | TAG_EVIDENCE);
        break;
    }
    case EV_EXECUTE: execute(r, (size_t)ev->arg, now); break;
    case EV_COMPLETE: complete(r, (size_t)ev->arg, now); break;
    case EV_VETO: veto(r, (size_t)ev->arg, now); break;
    default: assert(0);
    }
}

static void on_block(void *ctx, const mdl_l1_block *b) {
    mdl_restaking *r = ctx;
    if (r->error) return;
    /* frozen or early withdrawals are retried each block */
    for (size_t k = 0; k < r->wd_len; k++) {
        if (r->wds[k].completed_ns == NEVER && r->wds[k].completable_ns < b->time_ns) complete(r, k, b->time_ns);
    }
}

static void on_finalized(void *ctx, uint64_t slot, uint64_t now_ns) {
    mdl_restaking *r = ctx;
    (void)slot;
    /* rollups listened first, so their batches of this notice are final */
    for (size_t i = 0; i < r->sus_len && !r->error; i++) {
        if (!r->sus[i].done) suspect_resolve(r, &r->sus[i], now_ns);
    }
}

/* ------------------------------------------------------------------------ */
/* life cycle                                                               */

mdl_restaking *mdl_restaking_new(sim_engine *e, mdl_l1 *l1, mdl_verifiers *vs, mdl_rollups *rs,
                                 const mdl_restaking_config *c, uint64_t seed, const char **why) {
    assert(e && l1 && vs && rs && c && why);
    *why = "out of memory";
    mdl_restaking *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->engine = e;
    r->l1 = l1;
    r->vs = vs;
    r->rs = rs;
    r->cfg = *c;
    r->n = mdl_verifiers_count(vs);
    xr_restake_cfg rc;
    xr_restake_cfg_default(&rc);
    rc.max_operators = r->n ? r->n : 1;
    rc.max_stakers = r->n ? 2 * r->n : 1;
    rc.max_withdrawals = 4 * (r->n ? r->n : 1) + 64;
    rc.max_slashings = 4096;
    rc.withdrawal_delay_ns = c->withdrawal_delay_ns;
    rc.veto_window_ns = c->veto_window_ns;
    rc.slash_ppm = c->slash_ppm;
    rc.eject_on_slash = c->eject_on_slash;
    rc.freeze_on_request = c->freeze_on_request;
    rc.deallocation_delay_ns = c->deallocation_delay_ns;
    rc.allocation_delay_ns = c->allocation_delay_ns;
    rc.genesis_magnitude_ppm = c->allocation_ppm;
    rc.slashing = c->slashing;
    size_t mem = xr_restake_mem_size(&rc);
    r->mem = mem ? aligned_alloc(16, (mem + 15) & ~(size_t)15) : NULL;
    r->stake_gwei = calloc(r->n ? r->n : 1, sizeof *r->stake_gwei);
    r->slashed_gwei = calloc(r->n ? r->n : 1, sizeof *r->slashed_gwei);
    r->withdrawn_ns = malloc((r->n ? r->n : 1) * sizeof *r->withdrawn_ns);
    r->rng_veto = sim_rng_new(seed, MDL_ENT_RESTAKING, 0, PURPOSE_VETO);
    r->leaves = malloc(XR_MAX_SUBMISSION_MSGS * sizeof *r->leaves);
    r->leaf_work = malloc(XR_MAX_SUBMISSION_MSGS * sizeof *r->leaf_work);
    if (!r->leaves || !r->leaf_work || !r->mem || !r->stake_gwei || !r->slashed_gwei || !r->withdrawn_ns || !r->rng_veto) goto fail;
    if (xr_restake_init(&r->core, r->mem, mem, &rc) != 0) {
        *why = "restaking: the contract refused its configuration";
        goto fail;
    }
    for (uint32_t i = 0; i < r->n; i++) {
        const xr_address *a = mdl_verifiers_address(vs, i);
        uint64_t stake = mdl_verifiers_power(vs, i);
        uint64_t own = stake / PPM * c->operator_share_ppm + stake % PPM * c->operator_share_ppm / PPM;
        if (own == 0) own = 1; /* the operator always has a position of its own */
        r->stake_gwei[i] = stake;
        r->withdrawn_ns[i] = NEVER;
        bool ok = xr_restake_register_operator(r->core, a, 0) == 0 && xr_restake_deposit(r->core, a, own, 0) == 0 &&
                  xr_restake_delegate(r->core, a, a, 0) == 0;
        if (ok && stake > own) {
            xr_address dl;
            delegator_address(i, &dl);
            ok = xr_restake_deposit(r->core, &dl, stake - own, 0) == 0 && xr_restake_delegate(r->core, &dl, a, 0) == 0;
        }
        if (!ok) {
            *why = "restaking: the genesis stakes were refused (duplicate address or overflow)";
            goto fail;
        }
    }
    if (xr_restake_check(r->core) != 0) {
        *why = "restaking: the genesis ledger does not balance";
        goto fail;
    }
    r->kind = sim_engine_register(e, "restaking", handle, r);
    return r;
fail:
    mdl_restaking_free(r);
    return NULL;
}

void mdl_restaking_free(mdl_restaking *r) {
    if (!r) return;
    for (size_t k = 0; k < r->off_len; k++) free(r->off[k].ev);
    free(r->off);
    free(r->sus);
    free(r->seen);
    free(r->sus_keys);
    free(r->leaves);
    free(r->leaf_work);
    free(r->wds);
    free(r->stake_gwei);
    free(r->slashed_gwei);
    free(r->withdrawn_ns);
    if (r->rng_veto) gsl_rng_free(r->rng_veto);
    free(r->mem);
    free(r);
}

bool mdl_restaking_start(mdl_restaking *r) {
    mdl_l1_listener li = {.on_block = on_block, .on_finalized = on_finalized, .ctx = r};
    if (!mdl_l1_listen(r->l1, &li)) return false;
    const mdl_verifier_config *vc = mdl_verifiers_config(r->vs);
    for (size_t k = 0; k < vc->stake_change_count; k++) {
        if (sim_schedule_at(r->engine, vc->stake_changes[k].at_ns, r->kind, EV_STAKE_TX, k) == 0) return false;
    }
    return true;
}

void mdl_restaking_set_valsets(mdl_restaking *r,
                               const xr_valset *(*find)(void *ctx, const xr_address *member), void *ctx) {
    r->valset_find = find;
    r->valset_ctx = ctx;
}

/* ------------------------------------------------------------------------ */
/* queries and results                                                      */

uint64_t mdl_restaking_power(const mdl_restaking *r, uint32_t verifier) {
    assert(verifier < r->n);
    return xr_restake_operator_power(r->core, mdl_verifiers_address(r->vs, verifier), sim_now_ns(r->engine));
}

uint64_t mdl_restaking_slashed_gwei(const mdl_restaking *r, uint32_t verifier) {
    assert(verifier < r->n);
    xr_restake_staker_info st;
    return xr_restake_staker_get(r->core, mdl_verifiers_address(r->vs, verifier), &st) == 0 ? st.slashed_gwei : 0;
}

uint64_t mdl_restaking_slashed_delegators_gwei(const mdl_restaking *r, uint32_t verifier) {
    assert(verifier < r->n);
    xr_address dl;
    delegator_address(verifier, &dl);
    xr_restake_staker_info st;
    return xr_restake_staker_get(r->core, &dl, &st) == 0 ? st.slashed_gwei : 0;
}

uint64_t mdl_restaking_own_stake_gwei(const mdl_restaking *r, uint32_t verifier) {
    assert(verifier < r->n);
    xr_restake_staker_info st;
    return xr_restake_staker_get(r->core, mdl_verifiers_address(r->vs, verifier), &st) == 0 ? st.deposited_gwei : 0;
}

uint64_t mdl_restaking_withdrawn_ns(const mdl_restaking *r, uint32_t verifier) {
    assert(verifier < r->n);
    return r->withdrawn_ns[verifier];
}

void mdl_restaking_offender(const mdl_restaking *r, uint32_t verifier, uint64_t *proven_ns, bool *slashed) {
    assert(verifier < r->n && proven_ns && slashed);
    *proven_ns = NEVER;
    *slashed = false;
    for (size_t k = 0; k < r->off_len; k++) {
        const mdl_offence_info *o = &r->off[k].info;
        if (o->offender != verifier) continue;
        if (o->provable_ns < *proven_ns) *proven_ns = o->provable_ns;
        *slashed |= o->outcome == MDL_OFFENCE_SLASHED;
    }
}

uint32_t mdl_restaking_slash_ppm(const mdl_restaking *r) { return r->cfg.slashing ? r->cfg.slash_ppm : 0; }
size_t mdl_restaking_offence_count(const mdl_restaking *r) { return r->off_len; }

void mdl_restaking_offence(const mdl_restaking *r, size_t k, mdl_offence_info *out) {
    assert(k < r->off_len);
    *out = r->off[k].info;
}

void mdl_restaking_totals(const mdl_restaking *r, xr_restake_totals *out) { xr_restake_totals_get(r->core, out); }

const char *mdl_restaking_error(const mdl_restaking *r) { return r->error; }

static sim_rec_val opt(uint64_t v) { return v == NEVER ? sim_rec_null() : sim_rec_u64(v); }

/* The offence key of suspect s's vote; false when it does not encode. */
static bool suspect_key(const suspect *s, uint8_t key[32]) {
    uint8_t buf[XR_EVIDENCE_MAX_BYTES];
    xr_evidence ev;
    int len = xr_evidence_encode_false_attest(&s->vote, buf, sizeof buf);
    if (len < 0 || xr_evidence_decode(buf, (size_t)len, &ev) != 0) return false;
    xr_evidence_offence_key(&ev, key);
    return true;
}

/* Whether suspect i is an offence still unproven at the end: not resolved,
** its key not reported, and no earlier unresolved suspect with that key. */
static bool unproven(const mdl_restaking *r, size_t i, uint8_t key[32]) {
    const suspect *s = &r->sus[i];
    bool found;
    if (s->done || !suspect_key(s, key)) return false;
    (void)seen_find(r, key, &found);
    if (found) return false;
    for (size_t j = 0; j < i; j++) {
        uint8_t other[32];
        if (!r->sus[j].done && r->sus[j].offender == s->offender && suspect_key(&r->sus[j], other) &&
            memcmp(other, key, 32) == 0)
            return false;
    }
    return true;
}

size_t mdl_restaking_unproven_count(const mdl_restaking *r) {
    size_t n = 0;
    uint8_t key[32];
    for (size_t i = 0; i < r->sus_len; i++) n += unproven(r, i, key);
    return n;
}

static const char *kind_name(uint8_t k) {
    switch (k) {
    case XR_EVIDENCE_DUPLICATE_VOTE: return "double_vote";
    case XR_EVIDENCE_ATTEST_CONFLICT: return "conflicting_attestations";
    case XR_EVIDENCE_FALSE_ATTEST: return "false_attestation";
    }
    return "?";
}

int mdl_restaking_record(const mdl_restaking *r, sim_rec *rec) {
    int64_t run = sim_rec_run_id(rec);
    sqlite3_stmt *st;
    int rc = sim_rec_prepare(rec,
                             "INSERT INTO offences (run_id, seq, kind, offender, committed_ns, detected_ns,"
                             " provable_ns, submitted_ns, included_ns, executable_ns, executed_ns, slashed_gwei,"
                             " evidence_fee_wei, outcome, reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                             &st);
    for (size_t k = 0; rc == 0 && k < r->off_len; k++) {
        const mdl_offence_info *o = &r->off[k].info;
        sim_rec_val v[15] = {
            sim_rec_int(run), sim_rec_u64(k), sim_rec_text(kind_name(o->kind)), sim_rec_int(o->offender),
            opt(o->committed_ns), opt(o->detected_ns), opt(o->provable_ns), opt(o->submitted_ns),
            opt(o->included_ns), opt(o->executable_ns), opt(o->executed_ns), sim_rec_u64(o->slashed_gwei),
            sim_rec_u64(o->gas_fee_wei), sim_rec_text(mdl_offence_outcome_name(o->outcome)),
            o->outcome == MDL_OFFENCE_REJECTED ? sim_rec_text(xr_err_name(o->reject_rc))
            : !r->cfg.slashing                 ? sim_rec_text("no slashing")
                                               : sim_rec_null()};
        rc = sim_rec_insert(rec, st, v, 15);
    }
    /* detected but never provable within the run (the source block was not
    ** final on L1 by the end) */
    size_t seq = r->off_len;
    for (size_t i = 0; rc == 0 && i < r->sus_len; i++) {
        uint8_t key[32];
        if (!unproven(r, i, key)) continue;
        const suspect *s = &r->sus[i];
        sim_rec_val v[15] = {sim_rec_int(run), sim_rec_u64(seq++), sim_rec_text("false_attestation"),
                             sim_rec_int(s->offender), opt(s->committed_ns), opt(s->detected_ns), sim_rec_null(),
                             sim_rec_null(), sim_rec_null(), sim_rec_null(), sim_rec_null(), sim_rec_u64(0),
                             sim_rec_u64(0), sim_rec_text("not_provable"), sim_rec_null()};
        rc = sim_rec_insert(rec, st, v, 15);
    }
    if (rc == 0) {
        rc = sim_rec_prepare(rec,
                             "INSERT INTO withdrawals (run_id, seq, verifier, amount_gwei, queued_ns,"
                             " completable_ns, completed_ns, paid_gwei) VALUES (?,?,?,?,?,?,?,?)",
                             &st);
    }
    for (size_t k = 0; rc == 0 && k < r->wd_len; k++) {
        const wd *w = &r->wds[k];
        sim_rec_val v[8] = {sim_rec_int(run),          sim_rec_u64(k),
                            sim_rec_int(w->verifier),  sim_rec_u64(w->amount_gwei),
                            sim_rec_u64(w->queued_ns), sim_rec_u64(w->completable_ns),
                            opt(w->completed_ns),      w->completed_ns == NEVER ? sim_rec_null() : sim_rec_u64(w->paid_gwei)};
        rc = sim_rec_insert(rec, st, v, 8);
    }
    if (rc == 0) {
        rc = sim_rec_prepare(rec,
                             "INSERT INTO restaking_summary (run_id, deposited_gwei, active_gwei, queued_gwei,"
                             " withdrawn_gwei, slashed_gwei, offence_count, slashed_count, withdrawal_delay_ns,"
                             " veto_window_ns, slash_fraction) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                             &st);
    }
    if (rc == 0) {
        xr_restake_totals t;
        xr_restake_totals_get(r->core, &t);
        uint64_t slashed_count = 0;
        for (size_t k = 0; k < r->off_len; k++) slashed_count += r->off[k].info.outcome == MDL_OFFENCE_SLASHED;
        sim_rec_val v[11] = {sim_rec_int(run),        sim_rec_u64(t.deposited), sim_rec_u64(t.active),
                             sim_rec_u64(t.queued),   sim_rec_u64(t.withdrawn), sim_rec_u64(t.slashed),
                             sim_rec_u64(seq), sim_rec_u64(slashed_count),
                             sim_rec_u64(r->cfg.withdrawal_delay_ns), sim_rec_u64(r->cfg.veto_window_ns),
                             sim_rec_real((double)r->cfg.slash_ppm / PPM)};
        rc = sim_rec_insert(rec, st, v, 11);
    }
    return rc;
}
