/*
** Validator-set sync: stake changes on L1 -> sets at epoch boundaries ->
** consensus switch at one height -> system XBlocks to every portal (see
** valsync.h for the protocol, step by step).
*/
#include "verifiers/valsync.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "xr_attest.h"
#include "xr_keccak.h"
#include "xr_portal.h"

#define NEVER MDL_VALSYNC_NEVER
/* The core refuses sets whose total power exceeds 2^60 (power = gwei). */
#define MAX_TOTAL_POWER (UINT64_C(1) << 60)

typedef struct vset {
    mdl_valset_info info;
    xr_validator *members;      /* owned, info.member_count */
    xr_valset set;              /* view over members (sorted copy) */
    xr_validator *sorted;       /* owned */
    uint8_t *call;              /* owned: the addValidatorSet calldata */
    size_t call_len;
    xr_xmsg msg;
    xr_xheader header;
    xr_hash header_leaf, msg_root, root;
    uint64_t *installed_ns;     /* per rollup */
} vset;

struct mdl_valsync {
    sim_engine *engine;
    mdl_l1 *l1;
    mdl_verifiers *vs;
    mdl_rollups *rs;
    mdl_valsync_power_fn power;
    void *power_ctx;
    uint64_t cchain;
    uint32_t n;                 /* verifiers */
    size_t rollups;
    uint64_t *stake_gwei;       /* per verifier: the powers of the last set created */
    vset *sets;
    size_t set_count, set_cap;
    uint32_t kind_stage;
    uint64_t halted_ns;         /* every verifier left: the chain halted then (NEVER: no) */
    const char *error;
};

static bool push_set(mdl_valsync *v, uint64_t id, uint64_t epoch, uint64_t now_ns) {
    if (!SIM_GROW(v->sets, v->set_cap, v->set_count + 1)) return false;
    vset *s = &v->sets[v->set_count];
    memset(s, 0, sizeof *s);
    s->members = calloc(v->n, sizeof *s->members);
    s->sorted = calloc(v->n, sizeof *s->sorted);
    s->installed_ns = malloc((v->rollups ? v->rollups : 1) * sizeof *s->installed_ns);
    if (!s->members || !s->sorted || !s->installed_ns) {
        free(s->members);
        free(s->sorted);
        free(s->installed_ns);
        return false;
    }
    for (size_t r = 0; r < v->rollups; r++) s->installed_ns[r] = NEVER;
    uint32_t m = 0;
    uint64_t total = 0;
    for (uint32_t i = 0; i < v->n; i++) {
        if (v->stake_gwei[i] == 0) continue;
        s->members[m].addr = *mdl_verifiers_address(v->vs, i);
        s->members[m].power = v->stake_gwei[i];
        total += v->stake_gwei[i]; /* each <= 1e17, n <= 4096: no overflow */
        m++;
    }
    assert(m > 0); /* on_epoch refuses powers that empty the set */
    xr_valset_init(&s->set, s->sorted, v->n);
    if (total > MAX_TOTAL_POWER || xr_valset_set(&s->set, id, s->members, m) != 0) {
        free(s->members);
        free(s->sorted);
        free(s->installed_ns);
        sim_engine_fail(v->engine, &v->error,
                        "valsync: stake changes make an invalid validator set (total power above 2^60?)");
        return true; /* not a memory failure: reported */
    }
    s->info = (mdl_valset_info){.id = id, .state = MDL_VALSET_CREATED, .epoch = epoch, .created_ns = now_ns,
                                .emitted_ns = NEVER, .approved_ns = NEVER, .staged_ns = NEVER,
                                .activation_height = 0, .active_ns = NEVER, .member_count = m,
                                .total_power = total};
    v->set_count++;
    return true;
}

static uint64_t max_height(const mdl_valsync *v) {
    uint64_t h = 0;
    for (uint32_t i = 0; i < v->n; i++) {
        uint64_t x = xr_bft_height(mdl_verifiers_bft(v->vs, i));
        if (x > h) h = x;
    }
    return h;
}

static bool active_everywhere(const mdl_valsync *v, uint64_t id) {
    for (uint32_t i = 0; i < v->n; i++) {
        if (xr_bft_valset(mdl_verifiers_bft(v->vs, i))->id < id) return false;
    }
    return true;
}

/* Builds set k's system XBlock and shows it to the verifiers. */
static void emit(mdl_valsync *v, size_t k, uint64_t now_ns) {
    vset *s = &v->sets[k];
    s->call_len = xr_portal_valset_call_len(s->set.count);
    s->call = malloc(s->call_len);
    if (!s->call ||
        xr_portal_valset_call_encode(s->info.id, s->set.members, s->set.count, s->call, s->call_len) !=
            (int)s->call_len) {
        sim_engine_fail(v->engine, &v->error,
                        s->call ? "valsync: encoding a validator-set call failed" : "out of memory");
        return;
    }
    memset(&s->msg, 0, sizeof s->msg);
    s->msg.dest_chain_id = XR_BROADCAST_CHAIN_ID;
    s->msg.shard_id = XR_SHARD_BROADCAST(XR_CONF_FINALIZED);
    s->msg.offset = k;
    s->msg.data = s->call;
    s->msg.data_len = s->call_len;
    /* the portal charges the system call ~24k per member + 44k; the
    ** relayer adds the limit to its transaction's */
    s->msg.gas_limit = 30000u * (uint64_t)s->set.count + 100000u;
    memset(&s->header, 0, sizeof s->header);
    s->header.source_chain_id = v->cchain;
    s->header.consensus_chain_id = v->cchain;
    s->header.conf_level = XR_CONF_FINALIZED;
    s->header.offset = k;
    s->header.source_block_height = max_height(v);
    xr_keccak256(s->call, s->call_len, s->header.source_block_hash.bytes);
    xr_hash work[4];
    if (xr_attest_msg_root(&s->msg, 1, work, 4, &s->msg_root) != 0) {
        sim_engine_fail(v->engine, &v->error, "valsync: message root failed");
        return;
    }
    xr_attest_header_leaf(&s->header, &s->header_leaf);
    xr_attest_root(&s->header_leaf, &s->msg_root, &s->root);
    s->info.state = MDL_VALSET_EMITTED;
    s->info.emitted_ns = now_ns;
    mdl_verifiers_observe(v->vs, &s->header, &s->msg_root, now_ns);
}

/* Moves sets along: STAGED -> ACTIVE when every core has it, and emits the
** next CREATED set once its predecessor is active. */
static void advance(mdl_valsync *v, uint64_t now_ns) {
    for (size_t k = 1; k < v->set_count && !v->error; k++) {
        vset *s = &v->sets[k];
        if (s->info.state == MDL_VALSET_ACTIVE) continue;
        if (s->info.state == MDL_VALSET_STAGED) {
            if (!active_everywhere(v, s->info.id)) return;
            s->info.state = MDL_VALSET_ACTIVE;
            s->info.active_ns = now_ns;
            continue;
        }
        if (s->info.state == MDL_VALSET_CREATED && v->sets[k - 1].info.state == MDL_VALSET_ACTIVE) {
            emit(v, k, now_ns);
        }
        return;
    }
}

static void on_epoch(void *ctx, uint64_t epoch, uint64_t now_ns) {
    mdl_valsync *v = ctx;
    if (v->error) return;
    bool changed = false;
    uint32_t members = 0;
    for (uint32_t i = 0; i < v->n; i++) {
        uint64_t p = v->power(v->power_ctx, i);
        members += p > 0;
        changed |= p != v->stake_gwei[i];
    }
    if (!changed || v->halted_ns != NEVER) return;
    if (members == 0) {
        /* An empty set is an outcome, not a failure: CometBFT refuses a
        ** validator update that empties the set ("applying the validator
        ** changes would result in empty set", state/execution.go), so the
        ** chain halts -- no height, no approval, every message delayed. */
        v->halted_ns = now_ns;
        mdl_verifiers_halt(v->vs, now_ns);
        return;
    }
    for (uint32_t i = 0; i < v->n; i++) v->stake_gwei[i] = v->power(v->power_ctx, i);
    if (!push_set(v, v->sets[v->set_count - 1].info.id + 1, epoch, now_ns)) {
        sim_engine_fail(v->engine, &v->error, "out of memory");
        return;
    }
    advance(v, now_ns);
}

static void on_block(void *ctx, const mdl_l1_block *b) {
    mdl_valsync *v = ctx;
    if (!v->error) advance(v, b->time_ns);
}

static void handle_stage(void *ctx, sim_engine *e, const sim_event *ev) {
    mdl_valsync *v = ctx;
    size_t k = (size_t)ev->arg;
    assert(k > 0 && k < v->set_count);
    vset *s = &v->sets[k];
    assert(s->info.state == MDL_VALSET_APPROVED);
    uint64_t h = max_height(v) + MDL_VALSYNC_MARGIN;
    int rc = mdl_verifiers_stage_valset(v->vs, h, s->info.id, s->set.members, s->set.count);
    if (rc != 0) {
        sim_engine_fail(v->engine, &v->error, "valsync: a verifier refused to stage a validator set");
        return;
    }
    s->info.state = MDL_VALSET_STAGED;
    s->info.staged_ns = sim_now_ns(e);
    s->info.activation_height = h;
}

mdl_valsync *mdl_valsync_new(sim_engine *e, mdl_l1 *l1, mdl_verifiers *vs, mdl_rollups *rs,
                             mdl_valsync_power_fn power, void *power_ctx) {
    assert(e && l1 && vs && rs && power);
    mdl_valsync *v = calloc(1, sizeof *v);
    if (v) v->halted_ns = NEVER;
    if (!v) return NULL;
    v->engine = e;
    v->l1 = l1;
    v->vs = vs;
    v->rs = rs;
    v->power = power;
    v->power_ctx = power_ctx;
    v->cchain = mdl_verifiers_chain_id(vs);
    v->n = mdl_verifiers_count(vs);
    v->rollups = mdl_rollups_count(rs);
    v->stake_gwei = calloc(v->n ? v->n : 1, sizeof *v->stake_gwei);
    if (!v->stake_gwei) goto fail;
    for (uint32_t i = 0; i < v->n; i++) v->stake_gwei[i] = mdl_verifiers_power(vs, i);
    /* genesis: the verifiers' own set, known everywhere from the start */
    const xr_valset *g = mdl_verifiers_valset(vs);
    if (!push_set(v, g->id, 0, 0)) goto fail;
    vset *s0 = &v->sets[0];
    s0->info.state = MDL_VALSET_ACTIVE;
    s0->info.activation_height = 1;
    s0->info.emitted_ns = s0->info.approved_ns = s0->info.staged_ns = s0->info.active_ns = 0;
    for (size_t r = 0; r < v->rollups; r++) s0->installed_ns[r] = 0;
    v->kind_stage = sim_engine_register(e, "valsync.stage", handle_stage, v);
    return v;
fail:
    mdl_valsync_free(v);
    return NULL;
}

void mdl_valsync_free(mdl_valsync *v) {
    if (!v) return;
    for (size_t k = 0; k < v->set_count; k++) {
        free(v->sets[k].members);
        free(v->sets[k].sorted);
        free(v->sets[k].call);
        free(v->sets[k].installed_ns);
    }
    free(v->sets);
    free(v->stake_gwei);
    free(v);
}

bool mdl_valsync_start(mdl_valsync *v) {
    mdl_l1_listener li = {.on_epoch = on_epoch, .on_block = on_block, .ctx = v};
    return mdl_l1_listen(v->l1, &li);
}

void mdl_valsync_on_approved(mdl_valsync *v, uint64_t now_ns, const xr_action_approved *a) {
    const xr_xheader *h = &a->header;
    if (h->source_chain_id != v->cchain || h->conf_level != XR_CONF_FINALIZED) return;
    if (h->offset == 0 || h->offset >= v->set_count) return;
    vset *s = &v->sets[h->offset];
    if (s->info.state != MDL_VALSET_EMITTED || memcmp(a->root.bytes, s->root.bytes, 32) != 0) return;
    s->info.state = MDL_VALSET_APPROVED;
    s->info.approved_ns = now_ns;
    /* staging touches every core: not from inside a verifier's hook */
    if (sim_schedule_at(v->engine, now_ns, v->kind_stage, 0, h->offset) == 0)
        sim_engine_fail(v->engine, &v->error, "out of memory");
}

void mdl_valsync_on_submit(mdl_valsync *v, const mdl_submit_result *res) {
    if (res->rc != 0 || !res->header || res->header->source_chain_id != v->cchain) return;
    assert(res->rollup < v->rollups);
    uint64_t latest = xr_portal_latest_valset_id(mdl_rollup_portal(mdl_rollups_get(v->rs, res->rollup)));
    for (size_t k = 1; k < v->set_count; k++) {
        vset *s = &v->sets[k];
        if (s->info.id <= latest && s->installed_ns[res->rollup] == NEVER) {
            s->installed_ns[res->rollup] = res->included_ns;
        }
    }
}

bool mdl_valsync_xblock_get(const mdl_valsync *v, uint64_t chain_id, int level, uint64_t offset,
                            const xr_hash *root, mdl_xblock *out) {
    if (chain_id != v->cchain || level != MDL_LEVEL_FINALIZED || offset == 0 || offset >= v->set_count) {
        return false;
    }
    const vset *s = &v->sets[offset];
    if (s->info.emitted_ns == NEVER) return false;
    if (root && memcmp(root->bytes, s->root.bytes, 32) != 0) return false;
    *out = (mdl_xblock){.rollup = UINT32_MAX, .level = MDL_LEVEL_FINALIZED, .header = s->header,
                        .header_leaf = s->header_leaf, .msg_root = s->msg_root, .root = s->root,
                        .msgs = &s->msg, .meta = NULL, .msg_count = 1, .block_ns = s->info.emitted_ns,
                        .emitted_ns = s->info.emitted_ns};
    return true;
}

uint64_t mdl_valsync_halted_ns(const mdl_valsync *v) { return v->halted_ns; }

const xr_valset *mdl_valsync_valset(const mdl_valsync *v, uint64_t id) {
    for (size_t k = 0; k < v->set_count; k++) {
        if (v->sets[k].info.id == id) return &v->sets[k].set;
    }
    return NULL;
}

size_t mdl_valsync_count(const mdl_valsync *v) { return v->set_count; }

void mdl_valsync_get(const mdl_valsync *v, size_t k, mdl_valset_info *out) {
    assert(k < v->set_count);
    *out = v->sets[k].info;
}

uint64_t mdl_valsync_installed_ns(const mdl_valsync *v, size_t k, size_t r) {
    assert(k < v->set_count && r < v->rollups);
    return v->sets[k].installed_ns[r];
}

const char *mdl_valsync_error(const mdl_valsync *v) { return v->error; }

static sim_rec_val opt(uint64_t x) { return x == NEVER ? sim_rec_null() : sim_rec_u64(x); }

int mdl_valsync_record(const mdl_valsync *v, sim_rec *rec) {
    int64_t run = sim_rec_run_id(rec);
    sqlite3_stmt *st;
    int rc = sim_rec_prepare(rec,
                             "INSERT INTO valsets (run_id, valset_id, epoch, member_count, total_power,"
                             " created_ns, emitted_ns, approved_ns, staged_ns, activation_height,"
                             " activated_ns, active_ns) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                             &st);
    for (size_t k = 0; rc == 0 && k < v->set_count; k++) {
        const mdl_valset_info *i = &v->sets[k].info;
        /* activation: when the first honest verifier entered that height */
        uint64_t activated = NEVER;
        mdl_height_info hi;
        if (k == 0) {
            activated = 0;
        } else if (i->activation_height && mdl_verifiers_height(v->vs, i->activation_height, &hi) &&
                   hi.start_ns != UINT64_MAX) {
            activated = hi.start_ns;
        }
        sim_rec_val vals[12] = {sim_rec_int(run), sim_rec_u64(i->id), sim_rec_u64(i->epoch),
                                sim_rec_u64(i->member_count), sim_rec_u64(i->total_power),
                                sim_rec_u64(i->created_ns), opt(i->emitted_ns), opt(i->approved_ns),
                                opt(i->staged_ns),
                                i->activation_height ? sim_rec_u64(i->activation_height) : sim_rec_null(),
                                opt(activated), opt(i->active_ns)};
        rc = sim_rec_insert(rec, st, vals, 12);
    }
    if (rc == 0) {
        rc = sim_rec_prepare(rec,
                             "INSERT INTO valset_installs (run_id, valset_id, chain_id, installed_ns)"
                             " VALUES (?,?,?,?)",
                             &st);
    }
    for (size_t k = 0; rc == 0 && k < v->set_count; k++) {
        for (size_t r = 0; rc == 0 && r < v->rollups; r++) {
            sim_rec_val vals[4] = {sim_rec_int(run), sim_rec_u64(v->sets[k].info.id),
                                   sim_rec_u64(mdl_rollup_chain_id(mdl_rollups_get(v->rs, r))),
                                   opt(v->sets[k].installed_ns[r])};
            rc = sim_rec_insert(rec, st, vals, 4);
        }
    }
    if (rc == 0 && v->halted_ns != NEVER) {
        rc = sim_rec_prepare(rec, "INSERT INTO chain_halts (run_id, halted_ns, reason) VALUES (?,?,?)", &st);
        if (rc == 0) {
            sim_rec_val vals[3] = {sim_rec_int(run), sim_rec_u64(v->halted_ns),
                                   sim_rec_text("every verifier left the validator set")};
            rc = sim_rec_insert(rec, st, vals, 3);
        }
    }
    return rc;
}
