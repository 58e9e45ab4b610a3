/*
** The adversary's coalitions in a run, their forged XBlocks and colluding
** relayer, their economics, and the verdicts of a run (see adversary.h;
** the configuration is adversary_config.c).
*/
#include "economics/adversary.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xr_attest.h"
#include "xr_bft.h"
#include "xr_codec.h"
#include "xr_err.h"
#include "xr_portal.h"

#include "verifiers/byzantine/byzantine.h"
#include "grow.h"
#include "units.h"

#define NEVER UINT64_MAX
#define PPM 1000000u
#define FORGED_DATA_BYTES 32u
/* a stale_forge submission's tag: this bit, coalition index below */
#define STALE_TAG (UINT64_C(1) << 62)
#define STALE_MSG_GAS 100000u  /* the forged message's gas limit (any value within the portal's bounds) */
#define STALE_TRIES 5u    /* submissions a coalition tries before it gives up on the stream */
enum { EV_WITHDRAW = 0, EV_STALE_FORGE = 1 };

/* ======================================================================== */
/* the run                                                                  */

typedef struct forged_pos {
    uint64_t dest, shard, offset;
} forged_pos;

typedef struct forged {
    uint32_t coalition;
    mdl_xblock xb;               /* views into msgs/meta below */
    xr_xmsg *msgs;               /* owned */
    mdl_msg_meta *meta;          /* owned */
    forged_pos *pos;             /* owned: the forged messages' stream positions */
    uint32_t pos_count;
    bool approved;
} forged;

typedef struct coal {
    const mdl_coalition_cfg *cfg;
    uint32_t *members;
    uint32_t member_count;
    uint64_t stake_gwei;
    uint32_t forged_left;
    uint64_t acted_ns, withdraw_queued_ns;
    uint64_t forged_msgs, forged_approved, forged_executed, value_gwei;
    uint64_t forged_approved_ns, forged_executed_ns; /* the first of each; NEVER: none */
    uint64_t gas_wei;            /* the colluding relayer's fees for its forged XBlocks */
    uint64_t acting_power, acting_total; /* members' power in the set in force when it acted */
    bool *stale_signed;          /* stale_forge: per member, its signature went on chain */
    const char *stale_note;      /* stale_forge: why it did not submit, or NULL */
    uint32_t stale_tries;        /* stale_forge: submissions that lost the stream's next offset */
} coal;

struct mdl_adversary {
    mdl_adversary_ctx ctx;
    const mdl_adversary_config *cfg;
    coal *c;
    size_t n;
    uint64_t total_stake;
    forged *fx;
    size_t fx_len, fx_cap;
    xr_hash *work;
    mdl_relayers *relayers;      /* colluding; NULL when nobody forges */
    uint32_t relayer_index;
    uint32_t kind;
    xr_xreceipt *receipts;       /* scratch for the honest part of a result */
    uint64_t *msg_gas;
    size_t receipts_cap, msg_gas_cap;
    const char *error;
};

static const uint8_t forged_data[FORGED_DATA_BYTES] = "pay the attacker: forged message";

/* The forged XBlock at (chain, confirmation level, offset) with attestation
** root *root (NULL: any root), or NULL. */
static forged *find_forged(const mdl_adversary *a, uint64_t chain_id, uint8_t conf_level, uint64_t offset,
                           const xr_hash *root) {
    for (size_t i = 0; i < a->fx_len; i++) {
        forged *f = &a->fx[i];
        const xr_xheader *h = &f->xb.header;
        if (h->source_chain_id == chain_id && h->conf_level == conf_level && h->offset == offset &&
            (!root || memcmp(root->bytes, f->xb.root.bytes, 32) == 0))
            return f;
    }
    return NULL;
}

/* A message of XBlock xb to `to` that a submission of xb's attestation can
** carry: every XBlock holds its block's messages of both shards, and a
** Latest attestation proves only the Latest shard (relayer.h). */
static bool forgeable(const mdl_xblock *xb, const xr_xmsg *m, uint64_t to) {
    if (m->dest_chain_id != to) return false;
    return xb->header.conf_level == XR_CONF_FINALIZED ||
           XR_SHARD_CONF_LEVEL(m->shard_id) == xb->header.conf_level;
}

/* The colluding relayer's source of XBlocks (mdl_relayer_source). */
static bool forged_get(void *ctx, uint64_t chain_id, int level, uint64_t offset, const xr_hash *root,
                       mdl_xblock *out) {
    const forged *f = find_forged(ctx, chain_id, mdl_level_conf(level), offset, root);
    if (f) *out = f->xb;
    return f != NULL;
}

static void do_withdraw(mdl_adversary *a, size_t k, uint64_t now_ns) {
    coal *c = &a->c[k];
    if (c->withdraw_queued_ns != NEVER || !a->ctx.restaking) return;
    c->withdraw_queued_ns = now_ns;
    for (uint32_t i = 0; i < c->member_count; i++) mdl_restaking_withdraw_all(a->ctx.restaking, c->members[i], now_ns);
}

static void acted(mdl_adversary *a, size_t k, uint64_t now_ns);

/* Members of set `set` (in coalition c), by descending power in it, then
** index: into order[], until their power exceeds the quorum.  Returns how
** many, 0 when all of them together hold no quorum. */
static uint32_t stale_signers(const mdl_adversary *a, const coal *c, const xr_valset *set, uint32_t *order,
                              uint64_t *power_out) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->member_count; i++) {
        uint64_t p = xr_valset_power_of(set, mdl_verifiers_address(a->ctx.vs, c->members[i]));
        if (p == 0) continue;
        uint32_t j = n++;
        while (j > 0) {
            uint64_t q = xr_valset_power_of(set, mdl_verifiers_address(a->ctx.vs, c->members[order[j - 1]]));
            if (q >= p) break;
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    uint64_t voted = 0;
    for (uint32_t j = 0; j < n; j++) {
        voted += xr_valset_power_of(set, mdl_verifiers_address(a->ctx.vs, c->members[order[j]]));
        if (xr_quorum_reached(a->ctx.quorum, voted, set->total_power)) {
            *power_out = voted;
            return j + 1;
        }
    }
    return 0;
}

static int cmp_sig_tuple(const void *x, const void *y) {
    return memcmp(((const xr_sig_tuple *)x)->validator.bytes, ((const xr_sig_tuple *)y)->validator.bytes, 20);
}

/* The stale-set forge of coalition k, now (see adversary.h). */
static void stale_forge(mdl_adversary *a, size_t k, uint64_t now_ns) {
    coal *c = &a->c[k];
    const mdl_coalition_cfg *cf = c->cfg;
    const xr_valset *set = a->ctx.valsync ? mdl_valsync_valset(a->ctx.valsync, cf->valset_id) : NULL;
    mdl_rollup *src = mdl_rollups_find(a->ctx.rs, cf->from_chain), *dst = mdl_rollups_find(a->ctx.rs, cf->to_chain);
    assert(src && dst);
    if (!set) {
        c->stale_note = "no such validator set";
        return;
    }
    /* checked off chain first: the destination's _minValSet */
    uint64_t latest = xr_portal_latest_valset_id(mdl_rollup_portal(dst));
    uint32_t cutoff = mdl_verifiers_valset_cutoff(a->ctx.vs);
    uint64_t min = latest > cutoff ? latest - cutoff + 1 : 1;
    if (cf->valset_id > latest) {
        c->stale_note = "the destination has not installed that set";
        return;
    }
    if (cf->valset_id < min) {
        c->stale_note = "the destination no longer accepts that set (valset_cutoff)";
        return;
    }
    uint32_t *order = malloc((c->member_count ? c->member_count : 1) * sizeof *order);
    xr_sig_tuple *sigs = malloc((c->member_count ? c->member_count : 1) * sizeof *sigs);
    if (!order || !sigs) {
        free(order);
        free(sigs);
        sim_engine_fail(a->ctx.engine, &a->error, "out of memory");
        return;
    }
    uint64_t power = 0;
    uint32_t ns = stale_signers(a, c, set, order, &power);
    if (ns == 0 || ns > XR_MAX_SIGS) {
        c->stale_note = ns ? "more signatures than a submission carries" : "its members hold no quorum of that set";
        free(order);
        free(sigs);
        return;
    }
    uint64_t last = mdl_rollup_xblock_last_offset(src, MDL_LEVEL_LATEST);
    mdl_xblock xb;
    if (last == 0 || !mdl_rollup_xblock_get(src, MDL_LEVEL_LATEST, last, NULL, &xb)) {
        c->stale_note = "the source has no XBlock yet";
        free(order);
        free(sigs);
        return;
    }
    /* one message at the stream's next offset, paying the attacker */
    xr_xmsg m;
    memset(&m, 0, sizeof m);
    m.dest_chain_id = cf->to_chain;
    m.shard_id = XR_SHARD(XR_CONF_LATEST);
    m.offset = xr_portal_in_offset(mdl_rollup_portal(dst), cf->from_chain, m.shard_id) + 1;
    memcpy(m.sender.bytes, "\xba\xd0\xba\xd0", 4);
    memcpy(m.to.bytes, "\xba\xd0\xba\xd0", 4);
    m.to.bytes[19] = (uint8_t)(k + 1);
    m.data = forged_data;
    m.data_len = FORGED_DATA_BYTES;
    m.gas_limit = STALE_MSG_GAS;
    xr_submission sub;
    memset(&sub, 0, sizeof sub);
    xr_hash msg_root, leaf;
    if (xr_attest_msg_root(&m, 1, a->work, 2u * MDL_ROLLUP_BLOCK_MSGS_MAX, &msg_root) != 0) {
        free(order);
        free(sigs);
        sim_engine_fail(a->ctx.engine, &a->error, "adversary: a stale-set forgery's message root failed");
        return;
    }
    xr_attest_header_leaf(&xb.header, &leaf);
    xr_attest_root(&leaf, &msg_root, &sub.attestation_root);
    xr_hash digest;
    xr_attest_sign_digest(&sub.attestation_root, &digest);
    for (uint32_t j = 0; j < ns; j++) {
        uint32_t v = c->members[order[j]];
        sigs[j].validator = *mdl_verifiers_address(a->ctx.vs, v);
        if (mdl_verifiers_sign_offline(a->ctx.vs, v, digest.bytes, sigs[j].sig.bytes) != 0) {
            free(order);
            free(sigs);
            sim_engine_fail(a->ctx.engine, &a->error, "adversary: signing a stale-set forgery failed");
            return;
        }
        c->stale_signed[order[j]] = true;
    }
    free(order);
    qsort(sigs, ns, sizeof *sigs, cmp_sig_tuple);
    sub.valset_id = cf->valset_id;
    sub.header = xb.header;
    sub.msgs = &m;
    sub.msg_count = 1;
    sub.sigs = sigs;
    sub.sig_count = ns;
    size_t cap = xr_submission_encoded_len(&sub);
    uint8_t *bytes = malloc(cap);
    int len = bytes ? xr_submission_encode(&sub, bytes, cap) : XR_ERR_NOSPACE;
    free(sigs);
    if (len < 0) {
        free(bytes);
        sim_engine_fail(a->ctx.engine, &a->error, "adversary: encoding a stale-set forgery failed");
        return;
    }
    xr_gas_calldata cd;
    xr_portal_xsubmit_calldata(bytes, (size_t)len, &cd);
    uint64_t gas = xr_portal_submit_gas_limit(&sub, &cd, XR_MAX_RECEIPT_ERROR_BYTES);
    uint64_t max_fee = 2 * mdl_rollup_base_fee_wei(dst) + 1; /* in a hurry, like the relayers' first try */
    uint64_t id = mdl_rollup_submit_tx(dst, bytes, (size_t)len, gas, max_fee, a->relayer_index, STALE_TAG | k);
    free(bytes);
    if (id == 0) {
        sim_engine_fail(a->ctx.engine, &a->error, "adversary: the destination refused a stale-set forgery");
        return;
    }
    if (c->stale_tries == 0) {
        c->forged_msgs++;
        c->forged_approved++; /* "approved" by the old set's signatures alone */
    }
    acted(a, k, now_ns);
    c->acting_power = power;
    c->acting_total = set->total_power;
}

static void handle(void *ctx, sim_engine *e, const sim_event *ev) {
    mdl_adversary *a = ctx;
    if (ev->node == EV_STALE_FORGE) stale_forge(a, (size_t)ev->arg, sim_now_ns(e));
    else do_withdraw(a, (size_t)ev->arg, sim_now_ns(e));
}

static void acted(mdl_adversary *a, size_t k, uint64_t now_ns) {
    coal *c = &a->c[k];
    if (c->acted_ns != NEVER) return;
    c->acted_ns = now_ns;
    /* the actual share when acting: the consensus set in force now (every
    ** core switches sets at the same height, so any verifier's will do) */
    const xr_valset *set = xr_bft_valset(mdl_verifiers_bft(a->ctx.vs, 0));
    c->acting_total = set->total_power;
    c->acting_power = 0;
    for (uint32_t i = 0; i < c->member_count; i++)
        c->acting_power += xr_valset_power_of(set, mdl_verifiers_address(a->ctx.vs, c->members[i]));
    if (c->cfg->withdraw && c->cfg->withdraw_after &&
        sim_schedule_at(a->ctx.engine, now_ns + c->cfg->withdraw_ns, a->kind, EV_WITHDRAW, k) == 0) {
        sim_engine_fail(a->ctx.engine, &a->error, "out of memory");
    }
}

mdl_adversary *mdl_adversary_new(const mdl_adversary_ctx *ctx, const mdl_adversary_config *cfg, const char **why) {
    *why = "out of memory";
    mdl_adversary *a = calloc(1, sizeof *a);
    if (!a) return NULL;
    a->ctx = *ctx;
    a->cfg = cfg;
    a->n = cfg->count;
    a->c = calloc(a->n ? a->n : 1, sizeof *a->c);
    a->work = malloc(2u * MDL_ROLLUP_BLOCK_MSGS_MAX * sizeof *a->work);
    if (!a->c || !a->work) goto fail;
    uint32_t nv = mdl_verifiers_count(ctx->vs);
    for (uint32_t i = 0; i < nv; i++) a->total_stake += mdl_verifiers_power(ctx->vs, i);
    const mdl_verifier_config *vc = mdl_verifiers_config(ctx->vs);
    bool forging = false;
    for (size_t k = 0; k < a->n; k++) {
        coal *c = &a->c[k];
        c->cfg = &cfg->items[k];
        c->acted_ns = c->withdraw_queued_ns = NEVER;
        c->forged_approved_ns = c->forged_executed_ns = NEVER;
        c->forged_left = c->cfg->xblocks;
        forging |= c->cfg->attack == MDL_ATTACK_FORGE || c->cfg->attack == MDL_ATTACK_STALE_FORGE;
        const mdl_byzantine_cfg *b = &vc->byzantine[c->cfg->byz_entry];
        c->members = calloc(nv ? nv : 1, sizeof *c->members);
        c->stale_signed = calloc(nv ? nv : 1, sizeof *c->stale_signed);
        if (!c->members || !c->stale_signed) goto fail;
        if (b->verifier_count) {
            memcpy(c->members, b->verifiers, b->verifier_count * sizeof *c->members);
            c->member_count = b->verifier_count;
        } else {
            /* drawn stakes: the prefix rule over the stakes actually drawn */
            uint64_t *st = malloc((size_t)nv * sizeof *st);
            if (!st) goto fail;
            for (uint32_t i = 0; i < nv; i++) st[i] = mdl_verifiers_power(ctx->vs, i);
            c->member_count = mdl_verifier_config_fraction_prefix(st, nv, b->fraction_num, b->fraction_den);
            for (uint32_t i = 0; i < c->member_count; i++) c->members[i] = i;
            free(st);
        }
        for (uint32_t i = 0; i < c->member_count; i++) c->stake_gwei += mdl_verifiers_power(ctx->vs, c->members[i]);
    }
    if (a->n) a->kind = sim_engine_register(ctx->engine, "adversary", handle, a);
    if (forging) {
        mdl_relayer_config rc = *ctx->relayers;
        rc.count = 1;
        rc.first_index = ctx->relayers->count;
        a->relayer_index = rc.first_index;
        a->relayers = mdl_relayers_new(ctx->engine, ctx->rs, &rc, mdl_verifiers_valset(ctx->vs), ctx->quorum);
        if (!a->relayers) goto fail;
        mdl_relayer_source src = {.xblock_get = forged_get, .ctx = a};
        mdl_relayers_set_source(a->relayers, &src);
    }
    return a;
fail:
    mdl_adversary_free(a);
    return NULL;
}

void mdl_adversary_free(mdl_adversary *a) {
    if (!a) return;
    for (size_t k = 0; k < a->n; k++) {
        free(a->c[k].members);
        free(a->c[k].stale_signed);
    }
    for (size_t i = 0; i < a->fx_len; i++) {
        free(a->fx[i].msgs);
        free(a->fx[i].meta);
        free(a->fx[i].pos);
    }
    free(a->fx);
    free(a->c);
    free(a->work);
    free(a->receipts);
    free(a->msg_gas);
    mdl_relayers_free(a->relayers);
    free(a);
}

bool mdl_adversary_start(mdl_adversary *a) {
    for (size_t k = 0; k < a->n; k++) {
        const mdl_coalition_cfg *c = a->c[k].cfg;
        if (c->withdraw && !c->withdraw_after &&
            sim_schedule_at(a->ctx.engine, c->withdraw_ns, a->kind, EV_WITHDRAW, k) == 0)
            return false;
        if (c->attack == MDL_ATTACK_STALE_FORGE &&
            sim_schedule_at(a->ctx.engine, c->at_ns, a->kind, EV_STALE_FORGE, k) == 0)
            return false;
        if (c->attack == MDL_ATTACK_CENSOR) {
            /* censoring starts at `at` whether or not a message comes by */
            a->c[k].acted_ns = NEVER;
        }
    }
    return true;
}

static void forge(mdl_adversary *a, size_t k, const mdl_xblock *xb) {
    coal *c = &a->c[k];
    size_t n = xb->msg_count;
    if (!SIM_GROW(a->fx, a->fx_cap, a->fx_len + 1)) {
        sim_engine_fail(a->ctx.engine, &a->error, "out of memory");
        return;
    }
    forged *f = &a->fx[a->fx_len];
    memset(f, 0, sizeof *f);
    f->coalition = (uint32_t)k;
    f->msgs = malloc((n ? n : 1) * sizeof *f->msgs);
    f->meta = calloc(n ? n : 1, sizeof *f->meta);
    f->pos = calloc(n ? n : 1, sizeof *f->pos);
    if (!f->msgs || !f->meta || !f->pos) {
        free(f->msgs);
        free(f->meta);
        free(f->pos);
        sim_engine_fail(a->ctx.engine, &a->error, "out of memory");
        return;
    }
    xr_address attacker;
    memset(&attacker, 0, sizeof attacker);
    memcpy(attacker.bytes, "\xba\xd0\xba\xd0", 4);
    attacker.bytes[19] = (uint8_t)(k + 1);
    for (size_t i = 0; i < n; i++) {
        f->msgs[i] = xb->msgs[i];
        f->meta[i] = xb->meta[i];
        if (!forgeable(xb, &xb->msgs[i], c->cfg->to_chain)) continue;
        f->msgs[i].to = attacker;
        f->msgs[i].data = forged_data;
        f->msgs[i].data_len = FORGED_DATA_BYTES;
        f->meta[i].value_gwei = c->cfg->value_gwei;
        f->pos[f->pos_count++] = (forged_pos){xb->msgs[i].dest_chain_id, xb->msgs[i].shard_id, xb->msgs[i].offset};
    }
    f->xb = *xb;
    f->xb.msgs = f->msgs;
    f->xb.meta = f->meta;
    if (xr_attest_msg_root(f->msgs, n, a->work, 2u * MDL_ROLLUP_BLOCK_MSGS_MAX, &f->xb.msg_root) != 0) {
        sim_engine_fail(a->ctx.engine, &a->error, "adversary: computing a forged message root failed");
        return;
    }
    xr_attest_root(&f->xb.header_leaf, &f->xb.msg_root, &f->xb.root);
    a->fx_len++; /* from now on the members sign it (mdl_adversary_forgery) */
    c->forged_left--;
    c->forged_msgs += f->pos_count;
    acted(a, k, xb->emitted_ns);
}

void mdl_adversary_on_xblock(mdl_adversary *a, const mdl_xblock *xb) {
    if (a->error || xb->orphaned) return;
    for (size_t k = 0; k < a->n; k++) {
        coal *c = &a->c[k];
        const mdl_coalition_cfg *cf = c->cfg;
        if (cf->attack == MDL_ATTACK_CENSOR) {
            if (c->acted_ns == NEVER && xb->emitted_ns >= cf->at_ns && xb->header.source_chain_id == cf->from_chain)
                acted(a, k, xb->emitted_ns);
            continue;
        }
        if (cf->attack != MDL_ATTACK_FORGE || c->forged_left == 0 || xb->emitted_ns < cf->at_ns) continue;
        if (xb->header.source_chain_id != cf->from_chain || xb->level != cf->level) continue;
        bool any = false;
        for (size_t i = 0; i < xb->msg_count && !any; i++) any = forgeable(xb, &xb->msgs[i], cf->to_chain);
        if (!any) continue;
        forge(a, k, xb);
        return; /* one coalition forges one XBlock */
    }
}

bool mdl_adversary_forgery(const mdl_adversary *a, const xr_xheader *h, xr_xheader *h_out, xr_hash *root_out) {
    for (size_t i = a->fx_len; i-- > 0;) { /* the latest forgery of a position */
        const xr_xheader *f = &a->fx[i].xb.header;
        if (f->source_chain_id == h->source_chain_id && f->conf_level == h->conf_level && f->offset == h->offset) {
            *h_out = *f;
            *root_out = a->fx[i].xb.msg_root;
            return true;
        }
    }
    return false;
}

bool mdl_adversary_is_forged(const mdl_adversary *a, const xr_xheader *h, const xr_hash *root) {
    return find_forged(a, h->source_chain_id, h->conf_level, h->offset, root) != NULL;
}

void mdl_adversary_on_approved(mdl_adversary *a, uint64_t now_ns, const xr_action_approved *ap) {
    forged *f = find_forged(a, ap->header.source_chain_id, ap->header.conf_level, ap->header.offset, &ap->root);
    if (!f) return;
    if (!f->approved) {
        coal *c = &a->c[f->coalition];
        f->approved = true;
        c->forged_approved += f->pos_count;
        if (c->forged_approved_ns == NEVER) c->forged_approved_ns = now_ns;
    }
    if (a->relayers) mdl_relayers_on_approved(a->relayers, now_ns, ap);
}

static const forged *forged_at(const mdl_adversary *a, uint64_t source, uint64_t dest, uint64_t shard,
                               uint64_t offset) {
    for (size_t i = 0; i < a->fx_len; i++) {
        const forged *f = &a->fx[i];
        if (!f->approved || f->xb.header.source_chain_id != source) continue;
        for (uint32_t j = 0; j < f->pos_count; j++) {
            if (f->pos[j].dest == dest && f->pos[j].shard == shard && f->pos[j].offset == offset) return f;
        }
    }
    return NULL;
}

/* A stale-set forgery's transaction: every receipt is a forged message. */
static bool stale_result(mdl_adversary *a, const mdl_submit_result *res, mdl_submit_result *honest,
                         mdl_submit_result *forged_out) {
    size_t k = (size_t)(res->tag & ~STALE_TAG);
    assert(k < a->n);
    coal *c = &a->c[k];
    c->gas_wei = c->gas_wei > UINT64_MAX - res->fee_wei ? UINT64_MAX : c->gas_wei + res->fee_wei;
    *honest = *forged_out = *res;
    honest->receipt_count = 0;
    if (res->rc != 0) {
        forged_out->receipt_count = 0;
        /* an honest submission of the stream landed first in that block:
        ** forge again at the next offset (each try's signatures are on chain) */
        if (res->rc == XR_ERR_OFFSET_GAP && ++c->stale_tries < STALE_TRIES &&
            sim_schedule_at(a->ctx.engine, res->included_ns, a->kind, EV_STALE_FORGE, k) == 0)
            sim_engine_fail(a->ctx.engine, &a->error, "out of memory");
        return true;
    }
    c->forged_executed += res->receipt_count;
    c->value_gwei += res->receipt_count * c->cfg->value_gwei;
    if (res->receipt_count && c->forged_executed_ns == NEVER) c->forged_executed_ns = res->included_ns;
    return true;
}

bool mdl_adversary_on_submit(mdl_adversary *a, const mdl_submit_result *res, mdl_submit_result *honest,
                             mdl_submit_result *forged_out) {
    if (!a->relayers || res->relayer != a->relayer_index) return false;
    if (res->tag & STALE_TAG) return stale_result(a, res, honest, forged_out);
    mdl_relayers_on_submit(a->relayers, res);
    /* the fee goes to the coalition whose forged XBlock the transaction carried */
    const forged *carried =
        res->header ? find_forged(a, res->header->source_chain_id, res->header->conf_level, res->header->offset, NULL)
                    : NULL;
    if (carried) {
        coal *c = &a->c[carried->coalition];
        c->gas_wei = c->gas_wei > UINT64_MAX - res->fee_wei ? UINT64_MAX : c->gas_wei + res->fee_wei;
    }
    *honest = *forged_out = *res;
    honest->receipt_count = forged_out->receipt_count = 0;
    if (res->rc != 0) return true;
    if (!SIM_GROW(a->receipts, a->receipts_cap, 2 * res->receipt_count) ||
        !SIM_GROW(a->msg_gas, a->msg_gas_cap, 2 * res->receipt_count)) {
        sim_engine_fail(a->ctx.engine, &a->error, "out of memory");
        return true;
    }
    uint64_t dest = mdl_rollup_chain_id(mdl_rollups_get(a->ctx.rs, res->rollup));
    size_t keep = 0, bad = 0, half = res->receipt_count;
    for (size_t i = 0; i < res->receipt_count; i++) {
        const xr_xreceipt *r = &res->receipts[i];
        const forged *f = forged_at(a, r->source_chain_id, dest, r->shard_id, r->offset);
        size_t at = f ? half + bad++ : keep++;
        a->receipts[at] = *r;
        a->msg_gas[at] = res->msg_gas[i];
        if (f) {
            coal *c = &a->c[f->coalition];
            c->forged_executed++;
            c->value_gwei += c->cfg->value_gwei;
            if (c->forged_executed_ns == NEVER) c->forged_executed_ns = res->included_ns; /* executes on inclusion */
        }
    }
    honest->receipts = a->receipts;
    honest->msg_gas = a->msg_gas;
    honest->receipt_count = keep;
    forged_out->receipts = a->receipts + half;
    forged_out->msg_gas = a->msg_gas + half;
    forged_out->receipt_count = bad;
    return true;
}

const mdl_relayers *mdl_adversary_relayers(const mdl_adversary *a) { return a->relayers; }
size_t mdl_adversary_count(const mdl_adversary *a) { return a->n; }
const char *mdl_adversary_error(const mdl_adversary *a) {
    if (a->error) return a->error;
    return a->relayers ? mdl_relayers_error(a->relayers) : NULL;
}

/* ======================================================================== */
/* results                                                                  */

/* Executed within its level's bound?  Messages emitted too late to tell are
** skipped (-1). */
static int delayed(const mdl_adversary_config *c, const mdl_msg_life *l, uint64_t end_ns) {
    uint64_t bound = l->conf_level == XR_CONF_FINALIZED ? c->finalized_delay_bound_ns : c->delay_bound_ns;
    if (l->executed_ns != MDL_NEVER) return l->executed_ns - l->emitted_ns > bound;
    return l->emitted_ns + bound <= end_ns ? 1 : -1;
}

static int cmp_stream(const void *x, const void *y) {
    const mdl_msg_life *a = *(const mdl_msg_life *const *)x, *b = *(const mdl_msg_life *const *)y;
    if (a->source_chain != b->source_chain) return a->source_chain < b->source_chain ? -1 : 1;
    if (a->conf_level != b->conf_level) return a->conf_level < b->conf_level ? -1 : 1;
    if (a->attest_offset != b->attest_offset) return a->attest_offset < b->attest_offset ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

size_t mdl_adversary_stalls(const mdl_adversary *a, uint64_t end_ns, mdl_att_stall **out) {
    *out = NULL;
    size_t n = mdl_messages_count(a->ctx.msgs), m = 0, len = 0, cap = 0;
    const mdl_msg_life **v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        const mdl_msg_life *l = mdl_messages_at(a->ctx.msgs, i);
        /* an XBlock waits once its source block reached the level */
        if (l->live && l->source_level_ns != MDL_NEVER && l->attest_offset != MDL_NEVER) v[m++] = l;
    }
    qsort(v, m, sizeof *v, cmp_stream);
    mdl_att_stall *st = NULL;
    uint64_t bound = a->cfg->stall_bound_ns;
    for (size_t i = 0; i < m;) {
        uint64_t chain = v[i]->source_chain;
        uint8_t level = v[i]->conf_level;
        uint64_t last_appr = 0;
        bool open = false;              /* st[len - 1] belongs to this stream */
        while (i < m && v[i]->source_chain == chain && v[i]->conf_level == level) {
            uint64_t off = v[i]->attest_offset, ready = MDL_NEVER, appr = MDL_NEVER;
            for (; i < m && v[i]->source_chain == chain && v[i]->conf_level == level && v[i]->attest_offset == off; i++) {
                if (v[i]->source_level_ns < ready) ready = v[i]->source_level_ns;
                if (v[i]->approved_ns < appr) appr = v[i]->approved_ns;
            }
            uint64_t s = ready > last_appr ? ready : last_appr, e = appr == MDL_NEVER ? end_ns : appr;
            if (appr != MDL_NEVER && appr > last_appr) last_appr = appr;
            if (e <= s || e - s <= bound || e < a->ctx.warmup_ns) continue;
            if (open && s <= (st[len - 1].end_ns == MDL_NEVER ? end_ns : st[len - 1].end_ns)) {
                mdl_att_stall *p = &st[len - 1];   /* the same wait, one more offset */
                uint64_t pe = p->end_ns == MDL_NEVER ? end_ns : p->end_ns;
                if (e > pe) p->end_ns = appr == MDL_NEVER ? MDL_NEVER : e;
                p->last_offset = off;
                p->length_ns = (p->end_ns == MDL_NEVER ? end_ns : p->end_ns) - p->start_ns;
                continue;
            }
            if (!SIM_GROW(st, cap, len + 1)) {
                free(st);
                free(v);
                return SIZE_MAX;
            }
            st[len++] = (mdl_att_stall){.chain = chain, .conf_level = level, .start_ns = s,
                                        .end_ns = appr == MDL_NEVER ? MDL_NEVER : e, .length_ns = e - s,
                                        .first_offset = off, .last_offset = off};
            open = true;
        }
    }
    free(v);
    *out = st;
    return len;
}

void mdl_adversary_verdicts(const mdl_adversary *a, const mdl_consensus_summary *cs, uint64_t end_ns,
                            mdl_verdicts *out) {
    memset(out, 0, sizeof *out);
    for (size_t k = 0; k < a->n; k++) {
        out->forged_executed += a->c[k].forged_executed;
        out->forged_value_gwei += a->c[k].value_gwei;
    }
    out->conflicts = cs ? cs->conflicts : 0;
    out->longest_stall_ns = cs ? cs->max_stall_ns : 0;
    out->delay_bound_ns = a->cfg->delay_bound_ns;
    for (size_t i = 0; i < mdl_messages_count(a->ctx.msgs); i++) {
        const mdl_msg_life *l = mdl_messages_at(a->ctx.msgs, i);
        if (!l->live || l->emitted_ns < a->ctx.warmup_ns) continue;
        out->delayed += delayed(a->cfg, l, end_ns) == 1;
    }
    mdl_att_stall *st = NULL;
    size_t ns = mdl_adversary_stalls(a, end_ns, &st);
    if (ns != SIZE_MAX) {
        out->att_stalls = ns;
        for (size_t k = 0; k < ns; k++) {
            if (st[k].length_ns <= out->att_stall_ns) continue;
            out->att_stall_ns = st[k].length_ns;
            out->att_stall_chain = st[k].chain;
            out->att_stall_level = st[k].conf_level;
            out->att_stall_from_ns = st[k].start_ns;
        }
    }
    free(st);
    out->halted_ns = a->ctx.valsync ? mdl_valsync_halted_ns(a->ctx.valsync) : NEVER;
    out->unsafe = out->forged_executed > 0 || out->conflicts > 0;
    /* a stream that stopped longer than its bound is a stall even when
    ** every message executed within delay_bound in the end */
    out->stalled = out->delayed > 0 || out->longest_stall_ns > out->delay_bound_ns || out->att_stalls > 0 ||
                   out->halted_ns != NEVER;
}

/* Whether member v of coalition c signed a forged root: its entry's
** forged_sign counter. */
static bool member_signed(const mdl_adversary *a, const coal *c, uint32_t v) {
    size_t n = mdl_verifiers_byzantine_count(a->ctx.vs);
    for (size_t j = 0; j < n; j++) {
        mdl_byzantine_info in;
        if (!mdl_verifiers_byzantine(a->ctx.vs, j, &in) || in.verifier != v || in.entry != c->cfg->byz_entry)
            continue;
        return mdl_byzantine_counter(&in, "forged_sign") > 0;
    }
    return false;
}

void mdl_adversary_member(const mdl_adversary *a, size_t k, uint32_t i, mdl_member_result *out) {
    assert(k < a->n && i < a->c[k].member_count);
    const coal *c = &a->c[k];
    uint32_t v = c->members[i];
    *out = (mdl_member_result){.verifier = v, .proven_ns = NEVER, .withdrawn_ns = NEVER};
    out->signed_forgery = c->cfg->attack == MDL_ATTACK_STALE_FORGE ? c->stale_signed[i]
                          : c->cfg->attack == MDL_ATTACK_FORGE && member_signed(a, c, v);
    if (!a->ctx.restaking) return;
    bool slashed = false;
    mdl_restaking_offender(a->ctx.restaking, v, &out->proven_ns, &slashed);
    out->slashed_gwei = mdl_restaking_slashed_gwei(a->ctx.restaking, v);
    out->withdrawn_ns = mdl_restaking_withdrawn_ns(a->ctx.restaking, v);
}

/* v as decimal text into out (>= 41 bytes). */
__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

static void i128_text(i128 v, char *out) {
    char tmp[48];
    size_t n = 0;
    bool neg = v < 0;
    u128 u = neg ? (u128)0 - (u128)v : (u128)v;
    do {
        tmp[n++] = (char)('0' + (int)(u % 10u));
        u /= 10u;
    } while (u);
    size_t o = 0;
    if (neg) out[o++] = '-';
    while (n) out[o++] = tmp[--n];
    out[o] = '\0';
}

void mdl_adversary_result(const mdl_adversary *a, size_t k, uint64_t end_ns, mdl_coalition_result *out) {
    assert(k < a->n);
    const coal *c = &a->c[k];
    const mdl_coalition_cfg *cf = c->cfg;
    memset(out, 0, sizeof *out);
    out->members = c->member_count;
    out->stake_gwei = c->stake_gwei;
    out->stake_fraction = a->total_stake ? (double)c->stake_gwei / (double)a->total_stake : 0.0;
    out->total_stake_gwei = a->total_stake;
    const mdl_byzantine_cfg *b = &mdl_verifiers_config(a->ctx.vs)->byzantine[cf->byz_entry];
    out->requested_fraction = b->by_fraction ? (double)b->fraction_num / (double)b->fraction_den : -1.0;
    out->acting_power_share = c->acted_ns != NEVER && c->acting_total
                                  ? (double)c->acting_power / (double)c->acting_total
                                  : -1.0;
    out->acted_ns = c->acted_ns;
    out->withdraw_queued_ns = c->withdraw_queued_ns;
    out->withdraw_completed_ns = NEVER;
    uint32_t slash_ppm = PPM;
    if (a->ctx.restaking) {
        /* queued: when the last member's withdrawal transaction landed; completed:
        ** when the last member's withdrawal left the queue (both NEVER until all did) */
        bool queued = c->member_count > 0 && c->withdraw_queued_ns != NEVER, done = queued;
        uint64_t last_q = 0, last_c = 0;
        for (uint32_t i = 0; i < c->member_count; i++) {
            out->slashed_gwei += mdl_restaking_slashed_gwei(a->ctx.restaking, c->members[i]);
            out->delegators_slashed_gwei += mdl_restaking_slashed_delegators_gwei(a->ctx.restaking, c->members[i]);
            out->own_stake_gwei += mdl_restaking_own_stake_gwei(a->ctx.restaking, c->members[i]);
            uint64_t q = mdl_restaking_queued_ns(a->ctx.restaking, c->members[i]);
            uint64_t w = mdl_restaking_withdrawn_ns(a->ctx.restaking, c->members[i]);
            if (q == NEVER || q < c->withdraw_queued_ns) queued = done = false;
            else if (q > last_q) last_q = q;
            if (w == NEVER || w < c->withdraw_queued_ns) done = false;
            else if (w > last_c) last_c = w;
        }
        out->withdraw_queued_ns = queued ? last_q : NEVER;
        if (done) out->withdraw_completed_ns = last_c;
        slash_ppm = mdl_restaking_slash_ppm(a->ctx.restaking);
    }
    out->note = c->stale_note;
    out->forged_msgs = c->forged_msgs;
    out->forged_approved = c->forged_approved;
    out->forged_executed = c->forged_executed;
    out->forged_approved_ns = c->forged_approved_ns;
    out->forged_executed_ns = c->forged_executed_ns;
    out->value_extracted_gwei = c->value_gwei;
    if (cf->attack == MDL_ATTACK_CENSOR) {
        for (size_t i = 0; i < mdl_messages_count(a->ctx.msgs); i++) {
            const mdl_msg_life *l = mdl_messages_at(a->ctx.msgs, i);
            if (!l->live || l->source_chain != cf->from_chain || (cf->to_chain && l->dest_chain != cf->to_chain))
                continue;
            if (l->emitted_ns < cf->at_ns || l->emitted_ns >= cf->until_ns) continue;
            if (delayed(a->cfg, l, end_ns) == 1) {
                out->censored_msgs++;
                out->censored_value_gwei += l->value_gwei;
            }
        }
    }
    out->gas_wei = c->gas_wei;
    out->profit_from_corruption_gwei = out->value_extracted_gwei + cf->payment_gwei;
    /* to the wei: the gas is paid in wei, so a P&L in whole gwei would
    ** round it away (the view's pnl_eth reads pnl_wei) */
    i128 pnl = ((i128)out->profit_from_corruption_gwei - (i128)out->slashed_gwei - (i128)cf->bribes_gwei) * (i128)SIM_WEI_PER_GWEI -
               (i128)out->gas_wei;
    i128 floor_gwei = pnl >= 0 ? pnl / (i128)SIM_WEI_PER_GWEI : -((-pnl + (i128)SIM_WEI_PER_GWEI - 1) / (i128)SIM_WEI_PER_GWEI);
    out->pnl_gwei = (int64_t)floor_gwei;
    i128_text(pnl, out->pnl_wei);
    for (uint32_t i = 0; i < c->member_count; i++) {
        mdl_member_result m;
        mdl_adversary_member(a, k, i, &m);
        if (!m.signed_forgery) continue;
        out->signers++;
        out->signers_proven += m.proven_ns != NEVER;
        out->signers_slashed += m.slashed_gwei > 0;
    }
    if (!a->ctx.restaking) out->own_stake_gwei = c->stake_gwei;
    uint64_t own = out->own_stake_gwei;
    uint64_t at_risk = own / PPM * slash_ppm + own % PPM * slash_ppm / PPM;
    out->cost_of_corruption_gwei = at_risk + cf->bribes_gwei;
    out->profitable = pnl > 0;
}

static sim_rec_val opt(uint64_t v) { return v == NEVER ? sim_rec_null() : sim_rec_u64(v); }

int mdl_adversary_record(const mdl_adversary *a, sim_rec *rec, const mdl_consensus_summary *cs, uint64_t end_ns) {
    static const char *const attack_names[] = {"none", "forge", "censor", "stale_forge"};
    int64_t run = sim_rec_run_id(rec);
    sqlite3_stmt *st;
    int rc = sim_rec_prepare(
        rec,
        "INSERT INTO coalitions (run_id, coalition, name, attack, members, member_count, stake_gwei,"
        " stake_fraction, own_stake_gwei, acted_ns, withdraw_queued_ns, withdraw_completed_ns, forged_msg_count,"
        " forged_approved_count, forged_executed_count, value_extracted_gwei, censored_msg_count,"
        " censored_value_gwei, slashed_gwei, delegators_slashed_gwei, gas_wei, bribes_gwei, payment_gwei,"
        " pnl_gwei, cost_of_corruption_gwei, profit_from_corruption_gwei, profitable, signer_count,"
        " signers_proven_count, signers_slashed_count, pnl_wei, valset_id, forged_approved_ns, forged_executed_ns)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        &st);
    for (size_t k = 0; rc == 0 && k < a->n; k++) {
        mdl_coalition_result r;
        mdl_adversary_result(a, k, end_ns, &r);
        const coal *c = &a->c[k];
        size_t cap = (size_t)c->member_count * 11 + 1;
        char *members = malloc(cap);
        if (!members) return SIM_REC_ERR_NOMEM;
        size_t used = 0;
        members[0] = '\0';
        for (uint32_t i = 0; i < c->member_count; i++)
            used += (size_t)snprintf(members + used, cap - used, i ? ",%u" : "%u", c->members[i]);
        sim_rec_val v[34] = {
            sim_rec_int(run), sim_rec_u64(k), sim_rec_text(c->cfg->name), sim_rec_text(attack_names[c->cfg->attack]),
            sim_rec_text(members), sim_rec_u64(r.members), sim_rec_u64(r.stake_gwei), sim_rec_real(r.stake_fraction),
            sim_rec_u64(r.own_stake_gwei), opt(r.acted_ns), opt(r.withdraw_queued_ns), opt(r.withdraw_completed_ns),
            sim_rec_u64(r.forged_msgs), sim_rec_u64(r.forged_approved), sim_rec_u64(r.forged_executed),
            sim_rec_u64(r.value_extracted_gwei), sim_rec_u64(r.censored_msgs), sim_rec_u64(r.censored_value_gwei),
            sim_rec_u64(r.slashed_gwei), sim_rec_u64(r.delegators_slashed_gwei), sim_rec_u64(r.gas_wei),
            sim_rec_u64(c->cfg->bribes_gwei), sim_rec_u64(c->cfg->payment_gwei), sim_rec_int(r.pnl_gwei),
            sim_rec_u64(r.cost_of_corruption_gwei), sim_rec_u64(r.profit_from_corruption_gwei),
            sim_rec_int(r.profitable), sim_rec_u64(r.signers), sim_rec_u64(r.signers_proven),
            sim_rec_u64(r.signers_slashed), sim_rec_text(r.pnl_wei),
            c->cfg->attack == MDL_ATTACK_STALE_FORGE ? sim_rec_u64(c->cfg->valset_id) : sim_rec_null(),
            opt(r.forged_approved_ns), opt(r.forged_executed_ns)};
        rc = sim_rec_insert(rec, st, v, 34);
        free(members);
    }
    if (rc == 0 && a->n) {
        rc = sim_rec_prepare(rec,
                             "INSERT INTO coalition_members (run_id, coalition, verifier, signed, proven_ns,"
                             " slashed_gwei, withdrawn_ns) VALUES (?,?,?,?,?,?,?)",
                             &st);
    }
    for (size_t k = 0; rc == 0 && k < a->n; k++) {
        for (uint32_t i = 0; rc == 0 && i < a->c[k].member_count; i++) {
            mdl_member_result m;
            mdl_adversary_member(a, k, i, &m);
            sim_rec_val v[7] = {sim_rec_int(run),         sim_rec_u64(k),          sim_rec_u64(m.verifier),
                                sim_rec_int(m.signed_forgery), opt(m.proven_ns), sim_rec_u64(m.slashed_gwei),
                                opt(m.withdrawn_ns)};
            rc = sim_rec_insert(rec, st, v, 7);
        }
    }
    if (rc == 0 && a->n) {
        rc = sim_rec_prepare(rec,
                             "INSERT INTO coalition_power (run_id, coalition, requested_fraction, genesis_power_share,"
                             " acting_power_share) VALUES (?,?,?,?,?)",
                             &st);
    }
    for (size_t k = 0; rc == 0 && k < a->n; k++) {
        mdl_coalition_result r;
        mdl_adversary_result(a, k, end_ns, &r);
        sim_rec_val v[5] = {sim_rec_int(run), sim_rec_u64(k),
                            r.requested_fraction < 0 ? sim_rec_null() : sim_rec_real(r.requested_fraction),
                            sim_rec_real(r.stake_fraction),
                            r.acting_power_share < 0 ? sim_rec_null() : sim_rec_real(r.acting_power_share)};
        rc = sim_rec_insert(rec, st, v, 5);
    }
    if (rc == 0) {
        rc = sim_rec_prepare(rec,
                             "INSERT INTO verdicts (run_id, forged_executed_count, forged_value_gwei,"
                             " conflicting_commits, longest_stall_ns, delay_bound_ns, finalized_delay_bound_ns,"
                             " delayed_msg_count, unsafe, stalled) VALUES (?,?,?,?,?,?,?,?,?,?)",
                             &st);
    }
    if (rc == 0) {
        mdl_verdicts vd;
        mdl_adversary_verdicts(a, cs, end_ns, &vd);
        sim_rec_val v[10] = {sim_rec_int(run),
                             sim_rec_u64(vd.forged_executed),
                             sim_rec_u64(vd.forged_value_gwei),
                             sim_rec_u64(vd.conflicts),
                             sim_rec_u64(vd.longest_stall_ns),
                             sim_rec_u64(vd.delay_bound_ns),
                             sim_rec_u64(a->cfg->finalized_delay_bound_ns),
                             sim_rec_u64(vd.delayed),
                             sim_rec_int(vd.unsafe),
                             sim_rec_int(vd.stalled)};
        rc = sim_rec_insert(rec, st, v, 10);
        if (rc == 0) {
            rc = sim_rec_prepare(rec,
                                 "INSERT INTO stall_verdicts (run_id, attestation_stall_count,"
                                 " longest_attestation_stall_ns, stall_bound_ns) VALUES (?,?,?,?)",
                                 &st);
        }
        if (rc == 0) {
            sim_rec_val w[4] = {sim_rec_int(run), sim_rec_u64(vd.att_stalls), sim_rec_u64(vd.att_stall_ns),
                                sim_rec_u64(a->cfg->stall_bound_ns)};
            rc = sim_rec_insert(rec, st, w, 4);
        }
    }
    mdl_att_stall *sv = NULL;
    size_t ns = rc == 0 ? mdl_adversary_stalls(a, end_ns, &sv) : 0;
    if (ns == SIZE_MAX) rc = SIM_REC_ERR_NOMEM;
    if (rc == 0 && ns > 0) {
        rc = sim_rec_prepare(rec,
                             "INSERT INTO attestation_stalls (run_id, seq, source_chain, level, start_ns, end_ns,"
                             " length_ns, first_offset, last_offset) VALUES (?,?,?,?,?,?,?,?,?)",
                             &st);
    }
    for (size_t k = 0; rc == 0 && k < ns && ns != SIZE_MAX; k++) {
        const mdl_att_stall *s = &sv[k];
        sim_rec_val v[9] = {sim_rec_int(run), sim_rec_u64(k), sim_rec_u64(s->chain),
                            sim_rec_text(s->conf_level == XR_CONF_FINALIZED ? "finalized" : "latest"),
                            sim_rec_u64(s->start_ns), opt(s->end_ns), sim_rec_u64(s->length_ns),
                            sim_rec_u64(s->first_offset), sim_rec_u64(s->last_offset)};
        rc = sim_rec_insert(rec, st, v, 9);
    }
    free(sv);
    return rc;
}
