/*
** libFuzzer harness of the portal's submission path: bytes -> the canonical
** submission decoder -> xr_portal_submit against a fixed portal (chain 100,
** consensus chain 166, validator set 1 = four fast-backend keys of power 10).
** Besides "never crash", it checks three properties and traps on violation:
**   - xr_portal_submit_check and xr_portal_submit return the same code;
**   - a rejected submission leaves every byte of the portal's state as it
**     was, and reports no receipts;
**   - an accepted one reports one receipt per message and advances each
**     message's stream to its offset.
** The portal is restored from a pristine copy before every input, so each
** input meets the same state.
**
** Built with -DFUZZ_PORTAL_GENERATE and a C compiler, this file is instead
** the corpus generator: `main` writes valid and near-valid submissions
** (signed with the same keys) into the directory given as argv[1]
** (tests/fuzz/corpus/portal/).  From the source root:
**   cc -std=c17 -D_POSIX_C_SOURCE=200809L -DFUZZ_PORTAL_GENERATE -Iprotocol -Imodels \
**      protocol/xr_*.c models/sig_fast.c tests/fuzz/fuzz_portal.c -o /tmp/gen_portal &&
**   /tmp/gen_portal tests/fuzz/corpus/portal
** The other files of that directory were added by libFuzzer (-merge=1) from
** a run of the real harness (-DXRSIM_FUZZ=ON with clang).
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sig_fast.h"
#include "xr_attest.h"
#include "xr_codec.h"
#include "xr_portal.h"

#define FZ_CHAIN 100u
#define FZ_CCHAIN 166u
#define FZ_SRC 507u
#define FZ_KEYS 8
#define FZ_VALS 4

typedef struct fz_world {
    mdl_sig_fast *fast;
    xr_sig_backend be;
    const xr_sig_key *keys[FZ_KEYS];
    xr_address addrs[FZ_KEYS];
    xr_portal portal, pristine;
    void *mem;
    void *pristine_mem;
    size_t mem_bytes;
    xr_submission_store store;
    xr_xreceipt receipts[XR_MAX_SUBMISSION_MSGS];
    uint64_t shares[XR_MAX_SUBMISSION_MSGS];
} fz_world;

static fz_world *world(void) {
    static fz_world *w;
    if (w) return w;
    w = calloc(1, sizeof *w);
    if (!w) abort();
    w->fast = mdl_sig_fast_new(1, FZ_KEYS);
    if (!w->fast) abort();
    w->be = mdl_sig_fast_backend(w->fast);
    xr_validator vals[FZ_VALS];
    for (int i = 0; i < FZ_KEYS; i++)
        if (mdl_sig_fast_add_key(w->fast, &w->keys[i], &w->addrs[i]) != 0) abort();
    for (int i = 0; i < FZ_VALS; i++) vals[i] = (xr_validator){w->addrs[i], 10};
    xr_portal_config cfg;
    xr_portal_config_default(&cfg, FZ_CHAIN, FZ_CCHAIN);
    cfg.valset_member_cap = 16;
    cfg.in_stream_cap = 16;
    cfg.out_stream_cap = 4;
    cfg.dest_cap = 4;
    w->mem_bytes = xr_portal_mem_size(&cfg);
    w->mem = aligned_alloc(8, w->mem_bytes);
    w->pristine_mem = malloc(w->mem_bytes);
    if (!w->mem || !w->pristine_mem) abort();
    if (xr_portal_init(&w->portal, &cfg, &w->be, w->mem, w->mem_bytes, 1, vals, FZ_VALS) != 0)
        abort();
    memcpy(&w->pristine, &w->portal, sizeof w->portal);
    memcpy(w->pristine_mem, w->mem, w->mem_bytes);
    return w;
}

#ifndef FUZZ_PORTAL_GENERATE

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_world *w = world();
    xr_submission sub;
    if (xr_submission_decode(data, size, &w->store, &sub) != 0) return 0;
    memcpy(&w->portal, &w->pristine, sizeof w->portal);
    memcpy(w->mem, w->pristine_mem, w->mem_bytes);

    xr_portal_submit_args a;
    memset(&a, 0, sizeof a);
    a.sub = &sub;
    memset(a.relayer.bytes, 0x77, 20);
    a.gas_supplied = 30000000;
    xr_gas_calldata_count(data, size, &a.calldata);
    xr_portal_outcome out;
    memset(&out, 0, sizeof out);
    out.receipts = w->receipts;
    out.receipt_cap = XR_MAX_SUBMISSION_MSGS;
    out.msg_gas = w->shares;

    int checked = xr_portal_submit_check(&w->portal, &a, &out);
    if (memcmp(w->mem, w->pristine_mem, w->portal.state_bytes) != 0) __builtin_trap();
    int rc = xr_portal_submit(&w->portal, &a, &out);
    if (rc != checked) __builtin_trap();
    if (rc != 0) {
        if (out.receipt_count != 0) __builtin_trap();
        if (memcmp(&w->portal, &w->pristine, sizeof w->portal) != 0) __builtin_trap();
        if (memcmp(w->mem, w->pristine_mem, w->portal.state_bytes) != 0) __builtin_trap();
        return 0;
    }
    if (out.receipt_count != sub.msg_count) __builtin_trap();
    for (size_t i = 0; i < sub.msg_count; i++) {
        const xr_xmsg *m = &sub.msgs[i];
        if (out.receipts[i].offset != m->offset) __builtin_trap();
        if (xr_portal_in_offset(&w->portal, sub.header.source_chain_id, m->shard_id) < m->offset)
            __builtin_trap();
    }
    return 0;
}

#else /* FUZZ_PORTAL_GENERATE: the corpus generator */

static uint8_t out_buf[1 << 20];

static void write_file(const char *dir, const char *name, const uint8_t *p, size_t n) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

typedef struct gen {
    xr_xmsg msgs[16];
    xr_hash proof[32];
    bool flags[32];
    xr_sig_tuple sigs[FZ_KEYS];
    xr_submission sub;
} gen;

/* Sign with keys in mask, ascending by address. */
static void gen_sign(fz_world *w, gen *g, uint32_t mask) {
    int idx[FZ_KEYS], n = 0;
    for (int i = 0; i < FZ_KEYS; i++)
        if (mask & (1u << i)) idx[n++] = i;
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && memcmp(w->addrs[idx[j - 1]].bytes, w->addrs[idx[j]].bytes, 20) > 0; j--) {
            int t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    xr_hash d;
    xr_attest_sign_digest(&g->sub.attestation_root, &d);
    for (int i = 0; i < n; i++) {
        g->sigs[i].validator = w->addrs[idx[i]];
        if (xr_sig_sign(&w->be, w->keys[idx[i]], d.bytes, g->sigs[i].sig.bytes) != 0) abort();
    }
    g->sub.sigs = g->sigs;
    g->sub.sig_count = (size_t)n;
}

static void gen_build(fz_world *w, const xr_xheader *h, const xr_xmsg *all, size_t n, gen *g,
                      uint32_t mask) {
    xr_hash work[64], node_work[64];
    size_t index_work[64], order[16], oc, pc, fc;
    memset(g, 0, sizeof *g);
    if (xr_attest_xblock_root(h, all, n, work, 64, &g->sub.attestation_root) != 0) abort();
    if (xr_attest_dest_proof(all, n, FZ_CHAIN, node_work, 64, index_work, 64, order, 16, &oc,
                             g->proof, 32, &pc, g->flags, 32, &fc) != 0)
        abort();
    for (size_t i = 0; i < oc; i++) g->msgs[i] = all[order[i]];
    g->sub.valset_id = 1;
    g->sub.header = *h;
    g->sub.msgs = g->msgs;
    g->sub.msg_count = oc;
    g->sub.proof = g->proof;
    g->sub.proof_count = pc;
    g->sub.proof_flags = g->flags;
    g->sub.proof_flag_count = fc;
    gen_sign(w, g, mask);
}

static void emit(const char *dir, const char *name, const gen *g) {
    int n = xr_submission_encode(&g->sub, out_buf, sizeof out_buf);
    if (n <= 0) {
        fprintf(stderr, "%s: encode failed %d\n", name, n);
        exit(1);
    }
    write_file(dir, name, out_buf, (size_t)n);
}

static xr_xmsg msg(uint64_t dest, uint64_t shard, uint64_t offset, const uint8_t *d, size_t len,
                   uint64_t gas) {
    xr_xmsg m;
    memset(&m, 0, sizeof m);
    m.dest_chain_id = dest;
    m.shard_id = shard;
    m.offset = offset;
    memset(m.sender.bytes, 0x11, 20);
    memset(m.to.bytes, 0x22, 20);
    m.data = d;
    m.data_len = len;
    m.gas_limit = gas;
    return m;
}

static xr_xheader header(uint64_t src, uint8_t conf, uint64_t off) {
    xr_xheader h;
    memset(&h, 0, sizeof h);
    h.source_chain_id = src;
    h.consensus_chain_id = FZ_CCHAIN;
    h.conf_level = conf;
    h.offset = off;
    h.source_block_height = 77 + off;
    memset(h.source_block_hash.bytes, 0xab, 32);
    return h;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s corpus-dir\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    fz_world *w = world();
    static const uint8_t d1[] = {0xca, 0xfe, 0, 0, 1};
    static const uint8_t d2[100] = {1, 2, 3};
    gen g;

    /* Valid: one message, all four signers. */
    xr_xheader h = header(FZ_SRC, XR_CONF_FINALIZED, 1);
    xr_xmsg m1[1] = {msg(FZ_CHAIN, 4, 1, d1, sizeof d1, 100000)};
    gen_build(w, &h, m1, 1, &g, 0xf);
    emit(dir, "valid_one_msg", &g);
    /* Valid: three signers (quorum exactly reached at the third). */
    gen_build(w, &h, m1, 1, &g, 0x7);
    emit(dir, "valid_three_signers", &g);
    /* Valid: a mixed block, messages for us among others, two shards. */
    xr_xmsg m5[5] = {msg(FZ_CHAIN, 4, 1, d1, sizeof d1, 50000), msg(200, 4, 1, NULL, 0, 50000),
                     msg(FZ_CHAIN, 1, 1, d2, sizeof d2, 60000), msg(FZ_CHAIN, 4, 2, NULL, 0, 21000),
                     msg(0, 4, 3, NULL, 0, 30000)};
    gen_build(w, &h, m5, 5, &g, 0xf);
    emit(dir, "valid_mixed_block", &g);
    /* Valid: Latest header with a Latest message. */
    xr_xheader hl = header(FZ_SRC, XR_CONF_LATEST, 1);
    xr_xmsg ml[2] = {msg(FZ_CHAIN, 1, 1, NULL, 0, 30000), msg(FZ_CHAIN, 1, 2, d1, 3, 30000)};
    gen_build(w, &hl, ml, 2, &g, 0xe);
    emit(dir, "valid_latest", &g);
    /* Valid: the consensus chain adds validator set 2 (keys 4..7). */
    xr_validator next[4];
    for (int i = 0; i < 4; i++) next[i] = (xr_validator){w->addrs[4 + i], (uint64_t)(i + 1)};
    static uint8_t call[400];
    int clen = xr_portal_valset_call_encode(2, next, 4, call, sizeof call);
    if (clen <= 0) abort();
    xr_xheader hc = header(FZ_CCHAIN, XR_CONF_FINALIZED, 1);
    xr_xmsg ms = msg(0, XR_SHARD_BROADCAST(XR_CONF_FINALIZED), 1, call, (size_t)clen, 0);
    memset(ms.to.bytes, 0, 20);
    memset(ms.sender.bytes, 0, 20);
    gen_build(w, &hc, &ms, 1, &g, 0xf);
    emit(dir, "valid_syscall_valset", &g);

    /* Near-valid: each breaks one rule. */
    gen_build(w, &h, m1, 1, &g, 0x3);
    emit(dir, "near_no_quorum", &g);
    gen_build(w, &h, m1, 1, &g, 0xf);
    g.sigs[1].sig.bytes[3] ^= 1;
    emit(dir, "near_bad_sig", &g);
    gen_build(w, &h, m1, 1, &g, 0xf);
    xr_sig_tuple t = g.sigs[0];
    g.sigs[0] = g.sigs[1];
    g.sigs[1] = t;
    emit(dir, "near_unsorted", &g);
    gen_build(w, &h, m1, 1, &g, 0x13); /* keys 0, 1 and 4 (not in set 1) */
    emit(dir, "near_non_member", &g);
    xr_xmsg gap[1] = {msg(FZ_CHAIN, 4, 2, d1, sizeof d1, 100000)};
    gen_build(w, &h, gap, 1, &g, 0xf);
    emit(dir, "near_offset_gap", &g);
    xr_xmsg wrong[1] = {msg(FZ_CHAIN, 4, 1, NULL, 0, 100000)};
    gen_build(w, &hl, wrong, 1, &g, 0xf);
    emit(dir, "near_wrong_shard", &g);
    gen_build(w, &h, m5, 5, &g, 0xf);
    g.sub.proof_flag_count--;
    emit(dir, "near_proof_flags", &g);
    gen_build(w, &h, m5, 5, &g, 0xf);
    g.sub.valset_id = 3;
    emit(dir, "near_unknown_valset", &g);
    xr_xmsg big[1] = {msg(FZ_CHAIN, 4, 1, NULL, 0, 29900000)};
    gen_build(w, &h, big, 1, &g, 0xf);
    emit(dir, "near_out_of_gas", &g);
    xr_xheader hs = header(FZ_SRC, XR_CONF_FINALIZED, 1);
    gen_build(w, &hs, &ms, 1, &g, 0xf);
    emit(dir, "near_syscall_from_rollup", &g);
    printf("wrote corpus to %s\n", dir);
    return 0;
}

#endif
