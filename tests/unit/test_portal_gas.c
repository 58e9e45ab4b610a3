/*
** The core's xsubmit gas against Omni's real portal.  Every row of
** tests/vectors/portal_gas.csv (tests/vectors/portal_gas_gen.sh ran the
** compiled OmniPortal behind its ERC-1967 proxy in an EVM) is replayed
** here the way the generator made it: a portal with V equal-power
** validators, three submissions from source chain 42161 of M messages of
** DATALEN bytes (all for this chain, or every other one for another chain
** so that the submission carries a multi-proof), each signed by the fewest
** validators in address order that pass 2/3, recipients without code.  The
** third submission -- storage already warm, as in a running portal -- must
** cost within 3% of the real one, after the EIP-7623 floor on both sides:
** real = max(gasUsed, 21000 + 10 x tokens).  The shape must match too: the
** same signature count, proof and flag counts, and calldata length (the
** core's encoding plus the 4-byte selector).  The transaction's calldata
** bytes are the real ones (their zero / non-zero split depends on keys and
** addresses this test does not reproduce).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/sig_fast.h"
#include "xr_attest.h"
#include "xr_codec.h"
#include "xr_portal.h"

#define CHAIN 1u           /* gas.js: the VM's chain id */
#define OTHER 10u          /* gas.js: the other destination of a mixed block */
#define CCHAIN 1000166u    /* gas.js: omniCChainId */
#define SOURCE 42161u
#define MAX_MSGS 128u      /* 2 x 64 in a mixed block */
#define GAS 30000000u
#define TOLERANCE_PPM 30000 /* 3% */

typedef struct vec {
    uint32_t validators, sigs, msgs;
    bool mixed;
    uint32_t data_bytes, proof, flags;
    uint64_t calldata_bytes, calldata_zero, calldata_nonzero, exec_gas, refund_gas, gas_used;
} vec;

static const char *csv_path(void) {
    const char *p = getenv("XRSIM_PORTAL_GAS_VECTORS");
    return p ? p : XRSIM_SOURCE_DIR "/tests/vectors/portal_gas.csv";
}

/* Reads the vectors; returns their count (0 on a malformed file). */
static size_t load(vec **out) {
    FILE *f = fopen(csv_path(), "r");
    assert_non_null(f);
    char line[512];
    assert_non_null(fgets(line, sizeof line, f));
    assert_true(strncmp(line, "validators,sigs,msgs,mode,data_bytes,proof,flags,calldata_bytes,", 64) == 0);
    size_t n = 0, cap = 0;
    vec *v = NULL;
    while (fgets(line, sizeof line, f)) {
        vec x;
        char mode[8];
        unsigned long long cb, cz, cn, ex, rf, gu;
        int k = sscanf(line, "%u,%u,%u,%7[a-z],%u,%u,%u,%llu,%llu,%llu,%llu,%llu,%llu", &x.validators,
                       &x.sigs, &x.msgs, mode, &x.data_bytes, &x.proof, &x.flags, &cb, &cz, &cn,
                       &ex, &rf, &gu);
        assert_int_equal(k, 13);
        assert_true(strcmp(mode, "all") == 0 || strcmp(mode, "mixed") == 0);
        x.mixed = strcmp(mode, "mixed") == 0;
        x.calldata_bytes = cb, x.calldata_zero = cz, x.calldata_nonzero = cn;
        x.exec_gas = ex, x.refund_gas = rf, x.gas_used = gu;
        assert_int_equal(cz + cn, cb);
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            v = realloc(v, cap * sizeof *v);
            assert_non_null(v);
        }
        v[n++] = x;
    }
    fclose(f);
    *out = v;
    return n;
}

static void exec_no_code(void *user, uint64_t source_chain_id, const xr_xmsg *msg,
                         xr_portal_exec *out) {
    (void)user, (void)source_chain_id, (void)msg;
    out->gas_used = 0; /* a recipient without code: the CALL's own cost only */
    out->success = true;
}

typedef struct world {
    mdl_sig_fast *fast;
    xr_sig_backend be;
    struct member { xr_validator v; const xr_sig_key *key; } *members; /* by address */
    xr_validator *vals;    /* the same, for the portal */
    uint32_t nval;
    xr_portal portal;
    void *mem;
    /* scratch */
    xr_xmsg all[MAX_MSGS], sub_msgs[MAX_MSGS];
    uint8_t *data[MAX_MSGS];
    xr_hash work[2 * MAX_MSGS], node_work[2 * MAX_MSGS], proof[MAX_MSGS];
    size_t index_work[2 * MAX_MSGS], order[MAX_MSGS];
    bool flags[2 * MAX_MSGS];
    xr_sig_tuple *sigs;
    xr_xreceipt receipts[MAX_MSGS];
} world;

static int cmp_member(const void *a, const void *b) {
    return memcmp(((const struct member *)a)->v.addr.bytes, ((const struct member *)b)->v.addr.bytes,
                  20);
}

static void world_open(world *w, uint32_t nval) {
    memset(w, 0, sizeof *w);
    w->nval = nval;
    w->fast = mdl_sig_fast_new(42, nval);
    assert_non_null(w->fast);
    w->be = mdl_sig_fast_backend(w->fast);
    w->members = calloc(nval, sizeof *w->members);
    w->vals = calloc(nval, sizeof *w->vals);
    w->sigs = calloc(nval, sizeof *w->sigs);
    assert_true(w->members && w->vals && w->sigs);
    for (uint32_t i = 0; i < nval; i++) {
        xr_address a;
        assert_int_equal(mdl_sig_fast_add_key(w->fast, &w->members[i].key, &a), 0);
        w->members[i].v = (xr_validator){a, 100};
    }
    qsort(w->members, nval, sizeof *w->members, cmp_member);
    for (uint32_t i = 0; i < nval; i++) w->vals[i] = w->members[i].v;
    xr_portal_config cfg;
    xr_portal_config_default(&cfg, CHAIN, CCHAIN);
    cfg.valset_member_cap = nval;
    cfg.xmsg_max_data_bytes = 20000;
    cfg.xreceipt_max_error_bytes = 256;
    size_t n = xr_portal_mem_size(&cfg);
    w->mem = aligned_alloc(8, (n + 7) / 8 * 8);
    assert_non_null(w->mem);
    assert_int_equal(xr_portal_init(&w->portal, &cfg, &w->be, w->mem, n, 1, w->vals, nval), 0);
    for (uint32_t i = 0; i < MAX_MSGS; i++) {
        w->data[i] = malloc(20000);
        assert_non_null(w->data[i]);
    }
}

static void world_close(world *w) {
    for (uint32_t i = 0; i < MAX_MSGS; i++) free(w->data[i]);
    free(w->mem);
    free(w->members);
    free(w->vals);
    free(w->sigs);
    mdl_sig_fast_free(w->fast);
}

static xr_address addr_of(uint8_t tag, uint32_t round, uint32_t i) {
    xr_address a;
    memset(a.bytes, 0x5a, 20);
    a.bytes[0] = tag;
    a.bytes[1] = (uint8_t)round;
    a.bytes[2] = (uint8_t)(i >> 8);
    a.bytes[3] = (uint8_t)i;
    return a;
}

/* Submission `round` (1..3) of the vector, as gas.js builds it. */
static void run_round(world *w, const vec *v, uint32_t round, uint64_t *msg_offset,
                      xr_portal_outcome *out, size_t *calldata_bytes) {
    uint32_t n = v->mixed ? 2 * v->msgs : v->msgs;
    assert_true(n <= MAX_MSGS);
    for (uint32_t i = 0; i < n; i++) {
        bool this_chain = !v->mixed || i % 2 == 0;
        for (uint32_t j = 0; j < v->data_bytes; j++)
            w->data[i][j] = (uint8_t)((j * 7 + i + round) % 255 + 1);
        w->all[i] = (xr_xmsg){
            .dest_chain_id = this_chain ? CHAIN : OTHER,
            .shard_id = XR_SHARD(XR_CONF_LATEST),
            .offset = this_chain ? ++*msg_offset : round * 100u + i,
            .sender = addr_of(0x51, round, i),
            .to = addr_of(0x70, round, i),
            .data = w->data[i],
            .data_len = v->data_bytes,
            .gas_limit = 100000,
        };
    }
    xr_xheader h;
    memset(&h, 0, sizeof h);
    h.source_chain_id = SOURCE;
    h.consensus_chain_id = CCHAIN;
    h.conf_level = XR_CONF_LATEST;
    h.offset = round;
    h.source_block_height = 1000 + round;
    memset(h.source_block_hash.bytes, (int)round, 32);
    xr_hash root;
    assert_int_equal(xr_attest_xblock_root(&h, w->all, n, w->work, 2 * MAX_MSGS, &root), 0);
    size_t oc, pc, fc;
    assert_int_equal(xr_attest_dest_proof(w->all, n, CHAIN, w->node_work, 2 * MAX_MSGS, w->index_work,
                                          2 * MAX_MSGS, w->order, MAX_MSGS, &oc, w->proof, MAX_MSGS,
                                          &pc, w->flags, 2 * MAX_MSGS, &fc),
                     0);
    for (size_t i = 0; i < oc; i++) w->sub_msgs[i] = w->all[w->order[i]];
    /* the fewest validators, in address order, whose power passes 2/3 */
    xr_hash digest;
    xr_attest_sign_digest(&root, &digest);
    uint32_t k = 0;
    uint64_t power = 0;
    while (!(3 * power > 2 * (uint64_t)w->nval * 100)) {
        w->sigs[k].validator = w->members[k].v.addr;
        assert_int_equal(xr_sig_sign(&w->be, w->members[k].key, digest.bytes, w->sigs[k].sig.bytes),
                         0);
        power += w->members[k].v.power;
        k++;
    }
    xr_submission sub = {
        .attestation_root = root,
        .valset_id = 1,
        .header = h,
        .msgs = w->sub_msgs,
        .msg_count = oc,
        .proof = w->proof,
        .proof_count = pc,
        .proof_flags = w->flags,
        .proof_flag_count = fc,
        .sigs = w->sigs,
        .sig_count = k,
    };
    if (round == 3) {
        assert_int_equal(k, v->sigs);
        assert_int_equal(oc, v->msgs);
        assert_int_equal(pc, v->proof);
        assert_int_equal(fc, v->flags);
    }
    *calldata_bytes = 4 + xr_submission_encoded_len(&sub);
    xr_portal_submit_args a = {
        .sub = &sub,
        .gas_supplied = GAS,
        .calldata = {v->calldata_zero, v->calldata_nonzero},
        .exec = exec_no_code,
    };
    if (round < 3) { /* warm-up: the calldata of the round is not known; its gas is not checked */
        size_t len = xr_submission_encoded_len(&sub);
        uint8_t *enc = malloc(len);
        assert_non_null(enc);
        assert_int_equal(xr_submission_encode(&sub, enc, len), (int)len);
        xr_portal_xsubmit_calldata(enc, len, &a.calldata);
        free(enc);
    }
    memset(out, 0, sizeof *out);
    out->receipts = w->receipts;
    out->receipt_cap = MAX_MSGS;
    assert_int_equal(xr_portal_submit(&w->portal, &a, out), 0);
}

static void test_portal_gas_within_3_percent_of_omni_portal(void **state) {
    (void)state;
    vec *v = NULL;
    size_t n = load(&v);
    assert_true(n >= 150);
    int64_t worst_ppm = 0;
    size_t worst_i = 0;
    double sum_sq = 0;
    for (size_t i = 0; i < n; i++) {
        world *w = malloc(sizeof *w);
        assert_non_null(w);
        world_open(w, v[i].validators);
        uint64_t msg_offset = 0;
        xr_portal_outcome out;
        size_t cd_bytes = 0;
        for (uint32_t round = 1; round <= 3; round++) run_round(w, &v[i], round, &msg_offset, &out, &cd_bytes);
        assert_int_equal(cd_bytes, v[i].calldata_bytes);
        uint64_t floor = 21000 + 10 * (v[i].calldata_zero + 4 * v[i].calldata_nonzero);
        uint64_t real = v[i].gas_used > floor ? v[i].gas_used : floor;
        int64_t ppm = ((int64_t)out.gas_used - (int64_t)real) * 1000000 / (int64_t)real;
        if (ppm > TOLERANCE_PPM || ppm < -TOLERANCE_PPM)
            fail_msg("vector %zu (V=%u M=%u %s data=%u): core %llu, real %llu (%+.2f%%)", i + 2,
                     v[i].validators, v[i].msgs, v[i].mixed ? "mixed" : "all", v[i].data_bytes,
                     (unsigned long long)out.gas_used, (unsigned long long)real, ppm / 1e4);
        if (llabs(ppm) > llabs(worst_ppm)) worst_ppm = ppm, worst_i = i;
        sum_sq += (double)ppm * (double)ppm;
        world_close(w);
        free(w);
    }
    printf("portal gas: %zu vectors, worst %+.3f%% (line %zu), rms %.3f%%\n", n, worst_ppm / 1e4,
           worst_i + 2, __builtin_sqrt(sum_sq / (double)n) / 1e4);
    free(v);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_portal_gas_within_3_percent_of_omni_portal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
