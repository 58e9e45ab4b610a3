/*
** The portal contract's state and rules (see xr_portal.h).  Submission
** handling is one function run in two modes: verify-only, and verify then
** commit.  Verification reads state and writes only scratch memory and the
** caller's outcome, so a rejection cannot leave a trace; commit runs only
** after every check passed and cannot fail.
*/
#include "xr_portal.h"

#include <string.h>

#include "xr_assert.h"
#include "xr_attest.h"
#include "xr_codec.h"
#include "xr_keccak.h"

__extension__ typedef unsigned __int128 u128;

static const xr_address zero_address;

/* Gas sums saturate: a huge gas_supplied must not wrap the accounting. */
static uint64_t sat_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

/* ---- configuration and memory ------------------------------------------ */

void xr_portal_config_default(xr_portal_config *cfg, uint64_t chain_id,
                              uint64_t consensus_chain_id) {
    XR_ASSERT(cfg != NULL);
    memset(cfg, 0, sizeof *cfg);
    cfg->chain_id = chain_id;
    cfg->consensus_chain_id = consensus_chain_id;
    cfg->quorum = XR_QUORUM_DEFAULT;
    cfg->valset_cutoff = XR_VALSET_CUTOFF_DEFAULT;
    cfg->valset_member_cap = XR_MAX_SIGS;
    cfg->in_stream_cap = 256;
    cfg->out_stream_cap = 256;
    cfg->dest_cap = 64;
    cfg->xmsg_min_gas_limit = 21000;
    cfg->xmsg_max_gas_limit = 5000000;
    cfg->xmsg_max_data_bytes = 20000;
    cfg->xreceipt_max_error_bytes = XR_MAX_RECEIPT_ERROR_BYTES;
    cfg->fee_base_gas_limit = 100000;
    cfg->fee_base_bytes = 100;
    cfg->fee_data_gas_per_byte = 16;
    cfg->fee_protocol_wei = 0;
    cfg->cchain_msg_offset = 0;
}

int xr_portal_config_validate(const xr_portal_config *cfg) {
    XR_ASSERT(cfg != NULL);
    if (cfg->chain_id == 0 || cfg->consensus_chain_id == 0) return XR_ERR_INVALID_ARG;
    if (xr_quorum_validate(cfg->quorum) != 0) return XR_ERR_INVALID_ARG;
    if (cfg->valset_cutoff == 0 || cfg->valset_member_cap == 0) return XR_ERR_INVALID_ARG;
    if (cfg->in_stream_cap == 0 || cfg->out_stream_cap == 0) return XR_ERR_INVALID_ARG;
    if (cfg->xmsg_min_gas_limit == 0 || cfg->xmsg_min_gas_limit > cfg->xmsg_max_gas_limit)
        return XR_ERR_INVALID_ARG;
    if (cfg->xmsg_max_data_bytes == 0 || cfg->xmsg_max_data_bytes > XR_MAX_DATA_BYTES)
        return XR_ERR_INVALID_ARG;
    if (cfg->xreceipt_max_error_bytes > XR_MAX_RECEIPT_ERROR_BYTES) return XR_ERR_INVALID_ARG;
    if (cfg->fee_data_gas_per_byte == 0) return XR_ERR_INVALID_ARG; /* FeeOracleV2: ZeroGasPerByte */
    return 0;
}

typedef struct layout {
    size_t slots, storage, in, out, dests, state_end, work, sys, total;
} layout;

static size_t align8(size_t n) { return (n + 7u) & ~(size_t)7u; }

static void layout_of(const xr_portal_config *cfg, layout *l) {
    size_t at = 0;
    l->slots = at;
    at = align8(at + ((size_t)cfg->valset_cutoff + 1) * sizeof(xr_valset));
    l->storage = at;
    at = align8(at + xr_valset_ring_storage_count(cfg->valset_cutoff, cfg->valset_member_cap) *
                         sizeof(xr_validator));
    l->in = at;
    at = align8(at + (size_t)cfg->in_stream_cap * sizeof(xr_portal_stream));
    l->out = at;
    at = align8(at + (size_t)cfg->out_stream_cap * sizeof(xr_portal_stream));
    l->dests = at;
    at = align8(at + (size_t)cfg->dest_cap * sizeof(xr_portal_dest));
    l->state_end = at;
    l->work = at;
    at = align8(at + (size_t)XR_MAX_SUBMISSION_MSGS * sizeof(xr_hash));
    l->sys = at;
    at = align8(at + (size_t)cfg->valset_member_cap * sizeof(xr_validator));
    l->total = at;
}

size_t xr_portal_mem_size(const xr_portal_config *cfg) {
    layout l;
    XR_ASSERT(cfg != NULL);
    layout_of(cfg, &l);
    return l.total;
}

/* ---- stream tables: sorted by (chain, shard), binary search ------------- */

static int key_cmp(const xr_portal_stream *s, uint64_t chain, uint64_t shard) {
    if (s->chain_id != chain) return s->chain_id < chain ? -1 : 1;
    if (s->shard_id != shard) return s->shard_id < shard ? -1 : 1;
    return 0;
}

static uint32_t stream_lower(const xr_portal_stream *t, uint32_t n, uint64_t chain,
                             uint64_t shard) {
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (key_cmp(&t[mid], chain, shard) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static xr_portal_stream *stream_find(xr_portal_stream *t, uint32_t n, uint64_t chain,
                                     uint64_t shard) {
    uint32_t i = stream_lower(t, n, chain, shard);
    return i < n && key_cmp(&t[i], chain, shard) == 0 ? &t[i] : NULL;
}

/* Find or insert (zeroed counters); the caller checked there is room. */
static xr_portal_stream *stream_get(xr_portal_stream *t, uint32_t *n, uint32_t cap,
                                    uint64_t chain, uint64_t shard) {
    uint32_t i = stream_lower(t, *n, chain, shard);
    if (i < *n && key_cmp(&t[i], chain, shard) == 0) return &t[i];
    XR_ASSERT(*n < cap);
    memmove(&t[i + 1], &t[i], (size_t)(*n - i) * sizeof *t);
    t[i] = (xr_portal_stream){chain, shard, 0, 0};
    (*n)++;
    return &t[i];
}

static const xr_portal_stream *stream_find_c(const xr_portal_stream *t, uint32_t n,
                                             uint64_t chain, uint64_t shard) {
    return stream_find((xr_portal_stream *)(uintptr_t)t, n, chain, shard);
}

uint64_t xr_portal_in_offset(const xr_portal *p, uint64_t source_chain_id, uint64_t shard_id) {
    XR_ASSERT(p != NULL);
    const xr_portal_stream *s = stream_find_c(p->in_streams, p->in_count, source_chain_id, shard_id);
    return s ? s->msg_offset : 0;
}

uint64_t xr_portal_in_block_offset(const xr_portal *p, uint64_t source_chain_id,
                                   uint64_t shard_id) {
    XR_ASSERT(p != NULL);
    const xr_portal_stream *s = stream_find_c(p->in_streams, p->in_count, source_chain_id, shard_id);
    return s ? s->block_offset : 0;
}

uint64_t xr_portal_out_offset(const xr_portal *p, uint64_t dest_chain_id, uint64_t shard_id) {
    XR_ASSERT(p != NULL);
    const xr_portal_stream *s = stream_find_c(p->out_streams, p->out_count, dest_chain_id, shard_id);
    return s ? s->msg_offset : 0;
}

uint64_t xr_portal_latest_valset_id(const xr_portal *p) {
    XR_ASSERT(p != NULL);
    return xr_valset_ring_latest_id(&p->valsets);
}

/* ---- init ---------------------------------------------------------------- */

int xr_portal_init(xr_portal *p, const xr_portal_config *cfg, const xr_sig_backend *sig,
                   void *mem, size_t mem_bytes, uint64_t genesis_valset_id,
                   const xr_validator *members, uint32_t member_count) {
    XR_ASSERT(p != NULL && cfg != NULL && sig != NULL && mem != NULL);
    XR_ASSERT(sig->recover != NULL);
    XR_ASSERT(((uintptr_t)mem & 7u) == 0);
    int rc = xr_portal_config_validate(cfg);
    if (rc != 0) return rc;
    layout l;
    layout_of(cfg, &l);
    if (mem_bytes < l.total) return XR_ERR_NOSPACE;
    uint8_t *m = mem;
    memset(m, 0, l.total);
    memset(p, 0, sizeof *p);
    p->cfg = *cfg;
    p->sig = *sig;
    p->in_streams = (xr_portal_stream *)(void *)(m + l.in);
    p->out_streams = (xr_portal_stream *)(void *)(m + l.out);
    p->dests = (xr_portal_dest *)(void *)(m + l.dests);
    p->state_bytes = l.state_end;
    p->work = (xr_hash *)(void *)(m + l.work);
    p->sys_members = (xr_validator *)(void *)(m + l.sys);
    p->mem = mem;
    p->mem_bytes = mem_bytes;
    xr_valset_ring_init(&p->valsets, (xr_valset *)(void *)(m + l.slots),
                        (xr_validator *)(void *)(m + l.storage), cfg->valset_cutoff,
                        cfg->valset_member_cap);
    rc = xr_valset_ring_push(&p->valsets, genesis_valset_id, members, member_count);
    if (rc != 0) return rc;
    if (cfg->cchain_msg_offset > 0) {
        xr_portal_stream *s = stream_get(p->in_streams, &p->in_count, cfg->in_stream_cap,
                                         cfg->consensus_chain_id,
                                         XR_SHARD_BROADCAST(XR_CONF_FINALIZED));
        s->msg_offset = cfg->cchain_msg_offset;
    }
    return 0;
}

int xr_portal_add_valset(xr_portal *p, uint64_t id, const xr_validator *members,
                         uint32_t count) {
    XR_ASSERT(p != NULL);
    return xr_valset_ring_push(&p->valsets, id, members, count);
}

/* ---- addValidatorSet calldata --------------------------------------------- */

static void valset_selector(uint8_t out[4]) {
    static const char sig[] = "addValidatorSet(uint64,(address,uint64)[])";
    uint8_t h[32];
    xr_keccak256(sig, sizeof sig - 1, h);
    memcpy(out, h, 4);
}

static void put_word_u64(uint8_t *w, uint64_t v) {
    memset(w, 0, 24);
    for (int i = 0; i < 8; i++) w[24 + i] = (uint8_t)(v >> (8 * (7 - i)));
}

/* A word holding a uint64 (24 zero high bytes). */
static bool get_word_u64(const uint8_t *w, uint64_t *v) {
    for (int i = 0; i < 24; i++)
        if (w[i]) return false;
    uint64_t x = 0;
    for (int i = 24; i < 32; i++) x = x << 8 | w[i];
    *v = x;
    return true;
}

size_t xr_portal_valset_call_len(uint32_t count) { return 4 + 96 + (size_t)count * 64; }

int xr_portal_valset_call_encode(uint64_t id, const xr_validator *members, uint32_t count,
                                 uint8_t *out, size_t cap) {
    XR_ASSERT(members != NULL || count == 0);
    XR_ASSERT(out != NULL || cap == 0);
    size_t len = xr_portal_valset_call_len(count);
    if (cap < len || len > (size_t)INT32_MAX) return XR_ERR_NOSPACE;
    valset_selector(out);
    put_word_u64(out + 4, id);
    put_word_u64(out + 36, 0x40);
    put_word_u64(out + 68, count);
    uint8_t *w = out + 100;
    for (uint32_t i = 0; i < count; i++, w += 64) {
        memset(w, 0, 12);
        memcpy(w + 12, members[i].addr.bytes, 20);
        put_word_u64(w + 32, members[i].power);
    }
    return (int)len;
}

int xr_portal_valset_call_decode(const uint8_t *data, size_t len, uint64_t *id,
                                 xr_validator *members, uint32_t cap, uint32_t *count) {
    XR_ASSERT(id != NULL && count != NULL && (members != NULL || cap == 0));
    XR_ASSERT(data != NULL || len == 0);
    uint8_t sel[4];
    uint64_t off, n;
    if (len < 100) return XR_ERR_SYSCALL;
    valset_selector(sel);
    if (memcmp(data, sel, 4) != 0) return XR_ERR_SYSCALL;
    if (!get_word_u64(data + 4, id) || !get_word_u64(data + 36, &off) || off != 0x40 ||
        !get_word_u64(data + 68, &n))
        return XR_ERR_SYSCALL;
    if (n > (len - 100) / 64 || len != 100 + n * 64) return XR_ERR_SYSCALL;
    if (n > cap) return XR_ERR_CAPACITY;
    const uint8_t *w = data + 100;
    for (uint64_t i = 0; i < n; i++, w += 64) {
        for (int k = 0; k < 12; k++)
            if (w[k]) return XR_ERR_SYSCALL;
        memcpy(members[i].addr.bytes, w + 12, 20);
        if (!get_word_u64(w + 32, &members[i].power)) return XR_ERR_SYSCALL;
    }
    *count = (uint32_t)n;
    return 0;
}

/* ---- submission ------------------------------------------------------------ */

const uint8_t xr_portal_xsubmit_selector[4] = {0x66, 0xa1, 0xea, 0xf3};

void xr_portal_xsubmit_calldata(const uint8_t *enc, size_t len, xr_gas_calldata *cd) {
    XR_ASSERT(cd != NULL);
    xr_gas_calldata sel;
    xr_gas_calldata_count(xr_portal_xsubmit_selector, sizeof xr_portal_xsubmit_selector, &sel);
    xr_gas_calldata_count(enc, len, cd);
    cd->zero_bytes += sel.zero_bytes;
    cd->nonzero_bytes += sel.nonzero_bytes;
}

static bool is_syscall(const xr_xmsg *m) {
    return memcmp(m->to.bytes, zero_address.bytes, 20) == 0;
}

/* Gas the addValidatorSet system call uses for n validators: per validator
** a cold read (duplicate check) and a cold zero -> non-zero store of its
** power; then the total power (new slot) and latestValSetId (reset). */
static uint64_t syscall_gas(uint32_t n) {
    uint64_t per = XR_GAS_SLOAD_COLD + xr_gas_sstore(true, 0, 0, 1);
    return (uint64_t)n * per + xr_gas_sstore(true, 0, 0, 1) + xr_gas_sstore(true, 1, 1, 2);
}

static int fail(xr_portal_outcome *out, int rc, int32_t index) {
    out->bad_index = index;
    out->receipt_count = 0;
    return rc;
}

/* True if an earlier message of msgs[0..i) calls the same address: the
** account is then warm (EIP-2929). */
static bool target_warm(const xr_xmsg *msgs, size_t i) {
    for (size_t j = 0; j < i; j++)
        if (memcmp(msgs[j].to.bytes, msgs[i].to.bytes, 20) == 0) return true;
    return false;
}

static uint64_t words_of(uint64_t bytes) { return bytes / 32 + (bytes % 32 != 0); }

/* Verification and gas accounting; out->exec_gas holds the execution gas
** spent so far, so that a rejection can be charged what the reverted
** transaction used. */
static int submit_run(xr_portal *p, const xr_portal_submit_args *a, xr_portal_outcome *out,
                      bool commit) {
    const xr_submission *sub = a->sub;
    const xr_xheader *hdr = &sub->header;
    const xr_portal_config *cfg = &p->cfg;
    uint64_t *exec = &out->exec_gas;

    /* 0. the transaction */
    if (sub->msg_count > XR_MAX_SUBMISSION_MSGS || sub->sig_count > XR_MAX_SIGS ||
        sub->proof_count > XR_MAX_PROOF_NODES || sub->proof_flag_count > XR_MAX_PROOF_FLAGS)
        return fail(out, XR_ERR_TOO_LARGE, -1);
    if (a->gas_supplied < xr_gas_tx_min_limit(&a->calldata))
        return fail(out, XR_ERR_OUT_OF_GAS, -1);
    /* Gas available to execution before the EIP-7623 floor is applied. */
    uint64_t intrinsic = sat_add(XR_GAS_TX_BASE, xr_gas_calldata_standard(&a->calldata));
    *exec = xr_gas_xsubmit_fixed(a->calldata.zero_bytes + a->calldata.nonzero_bytes);

    /* 1. chain, messages, validator set */
    if (hdr->consensus_chain_id != cfg->consensus_chain_id) return fail(out, XR_ERR_WRONG_CHAIN, -1);
    if (sub->msg_count == 0) return fail(out, XR_ERR_NO_MSGS, -1);
    if (out->receipt_cap < sub->msg_count || out->receipts == NULL)
        return fail(out, XR_ERR_NOSPACE, -1);
    const xr_valset *vs = NULL;
    int rc = xr_valset_ring_get(&p->valsets, sub->valset_id, &vs);
    if (rc != 0) return fail(out, rc, -1);

    /* 2. quorum (Quorum.verify: a signer outside the set adds power 0) */
    xr_hash digest;
    xr_attest_sign_digest(&sub->attestation_root, &digest);
    uint64_t voted = 0;
    bool reached = false;
    for (size_t i = 0; i < sub->sig_count && !reached; i++) {
        const xr_sig_tuple *st = &sub->sigs[i];
        *exec = sat_add(*exec, xr_gas_sig_check());
        if (i > 0) {
            int c = xr_sig_addr_cmp(st->validator.bytes, sub->sigs[i - 1].validator.bytes);
            if (c == 0) return fail(out, XR_ERR_SIG_DUPLICATE, (int32_t)i);
            if (c < 0) return fail(out, XR_ERR_SIG_UNSORTED, (int32_t)i);
        }
        rc = xr_sig_verify(&p->sig, digest.bytes, st->sig.bytes, st->validator.bytes);
        if (rc != 0) return fail(out, rc, (int32_t)i);
        out->sigs_checked++;
        voted += xr_valset_power_of(vs, &st->validator); /* distinct: sum <= total */
        reached = xr_quorum_reached(cfg->quorum, voted, vs->total_power);
    }
    out->voted_power = voted;
    if (!reached) return fail(out, XR_ERR_NO_QUORUM, -1);

    /* 3. proof */
    rc = xr_attest_verify(hdr, sub->msgs, sub->msg_count, sub->proof, sub->proof_count,
                          sub->proof_flags, sub->proof_flag_count, &sub->attestation_root,
                          p->work, XR_MAX_SUBMISSION_MSGS);
    if (rc != 0) return fail(out, rc, -1);
    uint64_t data_words = 0;
    for (size_t i = 0; i < sub->msg_count; i++) {
        const xr_xmsg *m = &sub->msgs[i];
        *exec = sat_add(*exec, xr_gas_xsubmit_leaf(xr_xmsg_encoded_len(m), m->data_len));
        data_words += words_of(m->data_len);
    }
    *exec = sat_add(*exec, (uint64_t)sub->proof_flag_count * xr_gas_xsubmit_flag());
    /* Memory, whose cost grows with the square of its size: charged once
    ** here for the whole transaction (an upper bound during the calls). */
    *exec = sat_add(*exec, xr_gas_memory(xr_gas_xsubmit_mem_words(
                               out->sigs_checked, sub->msg_count, data_words,
                               sub->proof_flag_count, cfg->xreceipt_max_error_bytes)));
    /* The EVM would have run out already in the quorum loop or the proof. */
    if (sat_add(intrinsic, *exec) > a->gas_supplied) return fail(out, XR_ERR_OUT_OF_GAS, -1);

    /* 4. each message: checks, gas, receipt */
    uint64_t src = hdr->source_chain_id;
    uint32_t new_streams = 0;
    uint64_t sys_latest = xr_valset_ring_latest_id(&p->valsets);
    size_t err_cap = cfg->xreceipt_max_error_bytes;
    uint64_t own_sum = 0;
    for (size_t i = 0; i < sub->msg_count; i++) {
        const xr_xmsg *m = &sub->msgs[i];
        int32_t bi = (int32_t)i;
        if (m->dest_chain_id != cfg->chain_id && m->dest_chain_id != XR_BROADCAST_CHAIN_ID)
            return fail(out, XR_ERR_WRONG_DEST, bi);
        /* Last offset of the stream: the latest earlier message of this
        ** submission on the same shard, else the stored one. */
        size_t prev = i;
        for (size_t j = i; j-- > 0;)
            if (sub->msgs[j].shard_id == m->shard_id) { prev = j; break; }
        const xr_portal_stream *st = stream_find_c(p->in_streams, p->in_count, src, m->shard_id);
        uint64_t stored = st ? st->msg_offset : 0;
        uint64_t stored_block = st ? st->block_offset : 0;
        uint64_t last = prev < i ? sub->msgs[prev].offset : stored;
        if (last == UINT64_MAX) return fail(out, XR_ERR_OVERFLOW, bi);
        if (m->offset != last + 1) return fail(out, XR_ERR_OFFSET_GAP, bi);
        if (hdr->conf_level != XR_CONF_FINALIZED &&
            hdr->conf_level != XR_SHARD_CONF_LEVEL(m->shard_id))
            return fail(out, XR_ERR_WRONG_SHARD, bi);
        if (prev == i && st == NULL) {
            if (p->in_count + new_streams >= cfg->in_stream_cap)
                return fail(out, XR_ERR_CAPACITY, bi);
            new_streams++;
        }
        /* Storage: inXMsgOffset and inXBlockOffset of the stream, _xmsg. */
        bool first = prev == i;
        uint64_t block_store = first && hdr->offset > stored_block
                                   ? xr_gas_sstore(false, stored_block, stored_block, hdr->offset)
                                   : 0;
        uint64_t storage = xr_gas_xsubmit_msg(first, i == 0,
                                              xr_gas_sstore(false, stored, last, m->offset),
                                              block_store);

        xr_portal_exec res = {0, true, NULL, 0};
        uint64_t call;
        if (is_syscall(m)) {
            if (src != cfg->consensus_chain_id ||
                memcmp(m->sender.bytes, zero_address.bytes, 20) != 0)
                return fail(out, XR_ERR_SYSCALL, bi);
            uint64_t id;
            uint32_t n;
            rc = xr_portal_valset_call_decode(m->data, m->data_len, &id, p->sys_members,
                                              cfg->valset_member_cap, &n);
            if (rc != 0) return fail(out, rc, bi);
            uint64_t total;
            rc = xr_valset_members_normalize(p->sys_members, n, &total);
            if (rc != 0) return fail(out, rc, bi);
            if (id <= sys_latest) return fail(out, XR_ERR_VALSET_INVALID, bi);
            sys_latest = id;
            call = XR_GAS_CALL_WARM; /* address(this).call */
            res.gas_used = syscall_gas(n);
            uint64_t spent = sat_add(sat_add(intrinsic, *exec), storage + call);
            if (spent > a->gas_supplied || a->gas_supplied - spent < res.gas_used)
                return fail(out, XR_ERR_OUT_OF_GAS, bi);
        } else {
            call = target_warm(sub->msgs, i) ? XR_GAS_CALL_WARM : XR_GAS_CALL_COLD;
            uint64_t spent = sat_add(sat_add(intrinsic, *exec), storage + call);
            if (spent > a->gas_supplied) return fail(out, XR_ERR_OUT_OF_GAS, bi);
            uint64_t left = a->gas_supplied - spent;
            if (left - left / XR_GAS_CALL_GAS_RETAIN_DIVISOR < m->gas_limit)
                return fail(out, XR_ERR_OUT_OF_GAS, bi);
            if (a->exec) {
                a->exec(a->exec_user, src, m, &res);
                if (res.gas_used > m->gas_limit) {
                    res.gas_used = m->gas_limit;
                    res.success = false;
                }
            } else {
                res.gas_used = m->gas_limit;
            }
        }
        if (res.success || res.error == NULL) res.error_len = 0;
        if (res.error_len > err_cap) res.error_len = err_cap;
        uint64_t log = xr_gas_receipt_log(res.error_len);
        uint64_t cost = sat_add(storage + call + log, res.gas_used);
        /* Its own share: leaf, call, receipt and the call's gas; storage
        ** (whose _xmsg write is mostly refunded) is shared. */
        uint64_t own = sat_add(xr_gas_xsubmit_leaf(xr_xmsg_encoded_len(m), m->data_len),
                               sat_add(call + log, res.gas_used));
        *exec = sat_add(*exec, cost); /* the leaf is counted with the proof */
        own_sum = sat_add(own_sum, own);
        out->receipts[i] = (xr_xreceipt){
            .source_chain_id = src,
            .shard_id = m->shard_id,
            .offset = m->offset,
            .gas_used = res.gas_used,
            .relayer = a->relayer,
            .success = res.success,
            .error = res.error_len ? res.error : NULL,
            .error_len = res.error_len,
        };
        if (out->msg_gas) out->msg_gas[i] = own;
    }
    *exec = sat_add(*exec, xr_gas_xsubmit_end());
    /* The gas limit must cover the gas used before the refund. */
    if (sat_add(intrinsic, *exec) > a->gas_supplied) return fail(out, XR_ERR_OUT_OF_GAS, -1);
    uint64_t total = xr_gas_tx_total_refund(&a->calldata, *exec,
                                            xr_gas_xsubmit_refund(sub->msg_count));
    if (total > a->gas_supplied) return fail(out, XR_ERR_OUT_OF_GAS, -1);
    out->gas_used = total;
    out->receipt_count = sub->msg_count;
    if (out->msg_gas) {
        /* The shared part (base, calldata, signatures, proof, storage) split
        ** evenly, the remainder to the first messages, so the shares add up. */
        XR_ASSERT(own_sum <= total);
        uint64_t shared = total - own_sum, n = sub->msg_count;
        for (size_t i = 0; i < sub->msg_count; i++)
            out->msg_gas[i] += shared / n + (i < shared % n ? 1 : 0);
    }
    if (!commit) return 0;

    /* Commit: cannot fail after the checks above. */
    for (size_t i = 0; i < sub->msg_count; i++) {
        const xr_xmsg *m = &sub->msgs[i];
        xr_portal_stream *st = stream_get(p->in_streams, &p->in_count, cfg->in_stream_cap, src,
                                          m->shard_id);
        XR_ASSERT(m->offset == st->msg_offset + 1);
        st->msg_offset = m->offset;
        if (hdr->offset > st->block_offset) st->block_offset = hdr->offset;
        if (is_syscall(m)) {
            uint64_t id;
            uint32_t n;
            rc = xr_portal_valset_call_decode(m->data, m->data_len, &id, p->sys_members,
                                              cfg->valset_member_cap, &n);
            XR_ASSERT(rc == 0);
            rc = xr_valset_ring_push(&p->valsets, id, p->sys_members, n);
            XR_ASSERT(rc == 0);
        }
    }
    return 0;
}

static int submit(xr_portal *p, const xr_portal_submit_args *a, xr_portal_outcome *out,
                  bool commit) {
    XR_ASSERT(p != NULL && a != NULL && a->sub != NULL && out != NULL);
    out->receipt_count = 0;
    out->bad_index = -1;
    out->sigs_checked = 0;
    out->voted_power = 0;
    out->exec_gas = 0;
    out->gas_used = 0;
    int rc = submit_run(p, a, out, commit);
    if (rc == 0) return 0;
    /* What the reverted transaction pays: nothing if it is not a valid
    ** transaction at all (below the intrinsic gas and the floor); all its
    ** gas when it ran out; else the gas spent up to the failing check, no
    ** refund (a revert undoes the refund counter), at least the floor. */
    uint64_t min = xr_gas_tx_min_limit(&a->calldata);
    if (a->gas_supplied < min) out->gas_used = 0;
    else if (rc == XR_ERR_OUT_OF_GAS) out->gas_used = a->gas_supplied;
    else {
        uint64_t g = xr_gas_tx_total(&a->calldata, out->exec_gas);
        out->gas_used = g < a->gas_supplied ? g : a->gas_supplied;
    }
    return rc;
}

uint64_t xr_portal_submit_gas_limit(const xr_submission *s, const xr_gas_calldata *cd,
                                    uint32_t max_error_bytes) {
    XR_ASSERT(s != NULL && cd != NULL);
    XR_ASSERT(s->msgs != NULL || s->msg_count == 0);
    uint64_t exec = xr_gas_xsubmit_fixed(cd->zero_bytes + cd->nonzero_bytes);
    exec = sat_add(exec, (uint64_t)s->sig_count * xr_gas_sig_check());
    exec = sat_add(exec, (uint64_t)s->proof_flag_count * xr_gas_xsubmit_flag());
    uint64_t data_words = 0, reserve = 0;
    for (size_t i = 0; i < s->msg_count; i++) {
        const xr_xmsg *m = &s->msgs[i];
        data_words += words_of(m->data_len);
        bool first = true;
        for (size_t j = 0; j < i && first; j++) first = s->msgs[j].shard_id != m->shard_id;
        /* a new stream's first offsets are set from zero: the dearest store */
        uint64_t storage = xr_gas_xsubmit_msg(first, i == 0, first ? XR_GAS_SSTORE_SET
                                                                   : XR_GAS_SLOAD_WARM,
                                              first ? XR_GAS_SSTORE_SET : 0);
        uint64_t call, used;
        if (is_syscall(m)) {
            uint64_t n = m->data_len >= xr_portal_valset_call_len(0)
                             ? (m->data_len - xr_portal_valset_call_len(0)) / 64 : 0;
            call = XR_GAS_CALL_WARM;
            used = syscall_gas((uint32_t)(n < UINT32_MAX ? n : UINT32_MAX));
        } else {
            call = target_warm(s->msgs, i) ? XR_GAS_CALL_WARM : XR_GAS_CALL_COLD;
            used = m->gas_limit;
            uint64_t keep = m->gas_limit / (XR_GAS_CALL_GAS_RETAIN_DIVISOR - 1) + 1;
            if (keep > reserve) reserve = keep;
        }
        exec = sat_add(exec, xr_gas_xsubmit_leaf(xr_xmsg_encoded_len(m), m->data_len));
        exec = sat_add(exec, sat_add(storage + call + xr_gas_receipt_log(max_error_bytes), used));
    }
    exec = sat_add(exec, xr_gas_memory(xr_gas_xsubmit_mem_words(
                             s->sig_count, s->msg_count, data_words, s->proof_flag_count,
                             max_error_bytes)));
    exec = sat_add(exec, xr_gas_xsubmit_end());
    uint64_t limit = sat_add(sat_add(XR_GAS_TX_BASE, xr_gas_calldata_standard(cd)),
                             sat_add(exec, reserve));
    uint64_t min = xr_gas_tx_min_limit(cd);
    return limit > min ? limit : min;
}

int xr_portal_submit(xr_portal *p, const xr_portal_submit_args *a, xr_portal_outcome *out) {
    return submit(p, a, out, true);
}

int xr_portal_submit_check(xr_portal *p, const xr_portal_submit_args *a,
                           xr_portal_outcome *out) {
    return submit(p, a, out, false);
}

/* ---- source side ------------------------------------------------------------ */

static xr_portal_dest *dest_find(const xr_portal *p, uint64_t chain_id, uint32_t *pos) {
    uint32_t lo = 0, hi = p->dest_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (p->dests[mid].chain_id < chain_id) lo = mid + 1;
        else hi = mid;
    }
    if (pos) *pos = lo;
    return lo < p->dest_count && p->dests[lo].chain_id == chain_id ? &p->dests[lo] : NULL;
}

int xr_portal_set_dest(xr_portal *p, const xr_portal_dest *d) {
    XR_ASSERT(p != NULL && d != NULL);
    if (d->chain_id == 0 || d->chain_id == p->cfg.chain_id || d->exec_gas_price_wei == 0 ||
        d->exec_to_native_rate == 0 || d->data_gas_price_wei == 0 || d->data_to_native_rate == 0)
        return XR_ERR_INVALID_ARG;
    uint32_t pos;
    xr_portal_dest *have = dest_find(p, d->chain_id, &pos);
    if (have) {
        *have = *d;
        return 0;
    }
    if (p->dest_count == p->cfg.dest_cap) return XR_ERR_CAPACITY;
    memmove(&p->dests[pos + 1], &p->dests[pos], (size_t)(p->dest_count - pos) * sizeof *p->dests);
    p->dests[pos] = *d;
    p->dest_count++;
    return 0;
}

/* a * b, or false when it does not fit in 128 bits. */
static bool mul128(u128 a, u128 b, u128 *out) {
    if (a != 0 && b > ~(u128)0 / a) return false;
    *out = a * b;
    return true;
}

int xr_portal_fee_for(const xr_portal *p, uint64_t dest_chain_id, size_t data_len,
                      uint64_t gas_limit, uint64_t *fee_wei) {
    XR_ASSERT(p != NULL && fee_wei != NULL);
    const xr_portal_dest *d = dest_find(p, dest_chain_id, NULL);
    if (!d) return XR_ERR_UNSUPPORTED_DEST;
    u128 exec_gp = (u128)d->exec_gas_price_wei * d->exec_to_native_rate / XR_PORTAL_RATE_DENOM;
    u128 data_gp = (u128)d->data_gas_price_wei * d->data_to_native_rate / XR_PORTAL_RATE_DENOM;
    u128 exec_fee, data_gas, data_fee;
    u128 gas = (u128)p->cfg.fee_base_gas_limit + gas_limit;
    if (!mul128(gas, exec_gp, &exec_fee)) return XR_ERR_OVERFLOW;
    if (!mul128((u128)p->cfg.fee_base_bytes + data_len, p->cfg.fee_data_gas_per_byte, &data_gas))
        return XR_ERR_OVERFLOW;
    if (!mul128(data_gas, data_gp, &data_fee)) return XR_ERR_OVERFLOW;
    u128 fee = (u128)p->cfg.fee_protocol_wei;
    if (exec_fee > UINT64_MAX || data_fee > UINT64_MAX) return XR_ERR_OVERFLOW;
    fee += exec_fee + data_fee; /* three terms < 2^64 each: no 128-bit overflow */
    if (fee > UINT64_MAX) return XR_ERR_OVERFLOW;
    *fee_wei = (uint64_t)fee;
    return 0;
}

int xr_portal_xcall(xr_portal *p, const xr_portal_xcall_req *req, xr_portal_xcall_result *out) {
    XR_ASSERT(p != NULL && req != NULL && out != NULL);
    XR_ASSERT(req->data != NULL || req->data_len == 0);
    const xr_portal_config *cfg = &p->cfg;
    if (!dest_find(p, req->dest_chain_id, NULL)) return XR_ERR_UNSUPPORTED_DEST;
    if (memcmp(req->to.bytes, zero_address.bytes, 20) == 0) return XR_ERR_XCALL_TO_PORTAL;
    if (req->gas_limit > cfg->xmsg_max_gas_limit || req->gas_limit < cfg->xmsg_min_gas_limit)
        return XR_ERR_GAS_LIMIT;
    if (req->data_len > cfg->xmsg_max_data_bytes) return XR_ERR_DATA_TOO_LARGE;
    if (req->conf_level != XR_CONF_LATEST && req->conf_level != XR_CONF_FINALIZED)
        return XR_ERR_UNSUPPORTED_SHARD;
    uint64_t fee;
    int rc = xr_portal_fee_for(p, req->dest_chain_id, req->data_len, req->gas_limit, &fee);
    if (rc != 0) return rc;
    if (req->value_wei < fee) return XR_ERR_FEE_TOO_LOW;
    uint64_t shard = XR_SHARD(req->conf_level);
    xr_portal_stream *st = stream_find(p->out_streams, p->out_count, req->dest_chain_id, shard);
    if (!st && p->out_count == cfg->out_stream_cap) return XR_ERR_CAPACITY;
    if (st && st->msg_offset == UINT64_MAX) return XR_ERR_OVERFLOW;
    st = stream_get(p->out_streams, &p->out_count, cfg->out_stream_cap, req->dest_chain_id, shard);
    st->msg_offset++;
    out->msg = (xr_xmsg){
        .dest_chain_id = req->dest_chain_id,
        .shard_id = shard,
        .offset = st->msg_offset,
        .sender = req->sender,
        .to = req->to,
        .data = req->data,
        .data_len = req->data_len,
        .gas_limit = req->gas_limit,
    };
    out->fee_wei = fee;
    out->refund_wei = 0; /* OmniPortal.xcall keeps msg.value whole */
    return 0;
}
