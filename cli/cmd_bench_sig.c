/*
** `xrsim bench sig` (see bench_sig.h).
**
**  - secp256k1 (libsecp256k1 through models/sig_secp): sign = RFC 6979
**    recoverable signature of a 32-byte digest; recover = recover the public
**    key and hash it to an address (what the portal's ecrecover does);
**  - the fast backend (models/sig_fast): the same two calls;
**  - submission verification: xr_portal_submit_check of a one-message
**    submission signed by every validator of an equal-power set of 100 or
**    1000, so the quorum loop checks floor(2n/3) + 1 signatures (it stops at
**    quorum) and then the multi-proof and the message rules run.
** Each figure is the median of 7 timed batches of a fixed, deterministic
** workload (monotonic wall clock).
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "bench_sig.h"
#include "crypto/sig_fast.h"
#include "crypto/sig_secp.h"
#include "xr_attest.h"
#include "xr_portal.h"

#define BATCHES 7


static volatile uint8_t bench_sink;

/* Median ns per sign and per recover of `iters` operations per batch. */
static int bench_backend(xr_sig_backend *be, const xr_sig_key *key, uint32_t iters,
                         double *sign_us, double *recover_us) {
    uint64_t sign_ns[BATCHES], rec_ns[BATCHES];
    uint8_t digest[32], sig[65], addr[20];
    for (int b = 0; b < BATCHES; b++) {
        uint64_t t0 = bench_now_ns();
        for (uint32_t i = 0; i < iters; i++) {
            memset(digest, 0, sizeof digest);
            memcpy(digest, &i, sizeof i);
            digest[31] = (uint8_t)b;
            if (xr_sig_sign(be, key, digest, sig) != 0) return 1;
            bench_sink ^= sig[7];
        }
        uint64_t t1 = bench_now_ns();
        for (uint32_t i = 0; i < iters; i++) {
            digest[0] = (uint8_t)i; /* a fresh digest: recovery yields another key, same cost */
            if (xr_sig_recover(be, digest, sig, addr) != 0 && i == 0) bench_sink ^= 1;
            bench_sink ^= addr[3];
        }
        uint64_t t2 = bench_now_ns();
        sign_ns[b] = t1 - t0;
        rec_ns[b] = t2 - t1;
    }
    *sign_us = (double)bench_median(sign_ns, BATCHES) / iters / 1000.0;
    *recover_us = (double)bench_median(rec_ns, BATCHES) / iters / 1000.0;
    return 0;
}

/* Everything one verification benchmark needs, for n validators. */
typedef struct subbench {
    xr_portal portal;
    void *mem;
    xr_validator *vals;
    xr_sig_tuple *sigs;
    xr_xmsg msg;
    xr_hash proof[1];
    bool flags[1];
    xr_submission sub;
    xr_xreceipt receipts[1];
} subbench;

static int cmp_addr(const void *a, const void *b) {
    return memcmp(((const xr_validator *)a)->addr.bytes, ((const xr_validator *)b)->addr.bytes, 20);
}

/* keys[i] signs for vals[i].addr; builds a portal and a submission signed by all. */
static int subbench_setup(subbench *s, xr_sig_backend *be, const xr_sig_key **keys,
                          const xr_address *addrs, uint32_t n) {
    memset(s, 0, sizeof *s);
    s->vals = calloc(n, sizeof *s->vals);
    s->sigs = calloc(n, sizeof *s->sigs);
    if (!s->vals || !s->sigs) return 1;
    for (uint32_t i = 0; i < n; i++) s->vals[i] = (xr_validator){addrs[i], 1};
    xr_portal_config cfg;
    xr_portal_config_default(&cfg, 100, 166);
    cfg.valset_member_cap = n;
    size_t bytes = xr_portal_mem_size(&cfg);
    s->mem = aligned_alloc(8, (bytes + 7) / 8 * 8);
    if (!s->mem) return 1;
    if (xr_portal_init(&s->portal, &cfg, be, s->mem, bytes, 1, s->vals, n) != 0) return 1;

    static const uint8_t data[64] = {1, 2, 3};
    xr_xheader h;
    memset(&h, 0, sizeof h);
    h.source_chain_id = 507;
    h.consensus_chain_id = 166;
    h.conf_level = XR_CONF_FINALIZED;
    h.offset = 1;
    h.source_block_height = 1000;
    s->msg = (xr_xmsg){100, XR_CONF_FINALIZED, 1, {{1}}, {{2}}, data, sizeof data, 100000};
    xr_hash work[2];
    if (xr_attest_xblock_root(&h, &s->msg, 1, work, 2, &s->sub.attestation_root) != 0) return 1;
    xr_hash digest;
    xr_attest_sign_digest(&s->sub.attestation_root, &digest);
    /* Sign in address order. */
    xr_validator *order = calloc(n, sizeof *order);
    if (!order) return 1;
    for (uint32_t i = 0; i < n; i++) order[i] = (xr_validator){addrs[i], i};
    qsort(order, n, sizeof *order, cmp_addr);
    for (uint32_t i = 0; i < n; i++) {
        s->sigs[i].validator = order[i].addr;
        if (xr_sig_sign(be, keys[order[i].power], digest.bytes, s->sigs[i].sig.bytes) != 0) {
            free(order);
            return 1;
        }
    }
    free(order);
    s->sub.valset_id = 1;
    s->sub.header = h;
    s->sub.msgs = &s->msg;
    s->sub.msg_count = 1;
    s->sub.proof = s->proof;
    s->sub.proof_flags = s->flags;
    s->sub.sigs = s->sigs;
    s->sub.sig_count = n;
    return 0;
}

static void subbench_free(subbench *s) {
    free(s->mem);
    free(s->vals);
    free(s->sigs);
}

/* Median ms per verification; writes the signatures checked. */
static int subbench_run(subbench *s, uint32_t reps, double *ms, uint32_t *checked) {
    uint64_t t[BATCHES];
    xr_portal_submit_args a;
    memset(&a, 0, sizeof a);
    a.sub = &s->sub;
    a.gas_supplied = 30000000;
    xr_portal_outcome out;
    memset(&out, 0, sizeof out);
    out.receipts = s->receipts;
    out.receipt_cap = 1;
    for (int b = 0; b < BATCHES; b++) {
        uint64_t t0 = bench_now_ns();
        for (uint32_t r = 0; r < reps; r++)
            if (xr_portal_submit_check(&s->portal, &a, &out) != 0) return 1;
        t[b] = bench_now_ns() - t0;
    }
    *ms = (double)bench_median(t, BATCHES) / reps / 1e6;
    *checked = out.sigs_checked;
    return 0;
}

static void usage(FILE *f) {
    fputs("usage: xrsim bench sig [--quick]\n"
          "  Times secp256k1 sign/recover (libsecp256k1), the fast simulation\n"
          "  backend, and portal submission verification with 100 and 1000\n"
          "  validators.  --quick: short runs (smoke test; noisy figures).\n",
          f);
}

int cmd_bench_sig(int argc, char **argv) {
    bool quick = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) quick = true;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "xrsim bench sig: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    enum { MAXV = 1000 };
    int rc = 1;
    mdl_sig_secp *secp = mdl_sig_secp_new(MAXV);
    mdl_sig_fast *fast = mdl_sig_fast_new(42, MAXV);
    const xr_sig_key **skeys = calloc(MAXV, sizeof *skeys), **fkeys = calloc(MAXV, sizeof *fkeys);
    xr_address *saddrs = calloc(MAXV, sizeof *saddrs), *faddrs = calloc(MAXV, sizeof *faddrs);
    if (!secp || !fast || !skeys || !fkeys || !saddrs || !faddrs) goto out;
    for (uint32_t i = 0; i < MAXV; i++) {
        if (mdl_sig_secp_derive_key(secp, 42, i, &skeys[i], &saddrs[i]) != 0) goto out;
        if (mdl_sig_fast_add_key(fast, &fkeys[i], &faddrs[i]) != 0) goto out;
    }
    xr_sig_backend sbe = mdl_sig_secp_backend(secp), fbe = mdl_sig_fast_backend(fast);

    double ss, sr, fs, fr;
    if (bench_backend(&sbe, skeys[0], quick ? 20 : 400, &ss, &sr) != 0) goto out;
    if (bench_backend(&fbe, fkeys[0], quick ? 2000 : 200000, &fs, &fr) != 0) goto out;
    printf("## Signatures (median of %d batches)\n\n", BATCHES);
    printf("| backend | sign (us/op) | recover (us/op) |\n|---|---:|---:|\n");
    printf("| secp256k1 (libsecp256k1, RFC 6979, recover + keccak address) | %.2f | %.2f |\n", ss, sr);
    printf("| fast (keyed keccak, models/sig_fast) | %.3f | %.3f |\n", fs, fr);
    printf("\nfast backend speed-up: sign x%.0f, recover x%.0f\n\n", ss / fs, sr / fr);

    printf("## Submission verification (xr_portal_submit_check, 1 message, equal powers)\n\n");
    printf("| validators | signatures checked | backend | ms / submission |\n|---:|---:|---|---:|\n");
    const uint32_t sizes[2] = {100, 1000};
    for (int k = 0; k < 2; k++) {
        for (int which = 0; which < 2; which++) {
            subbench sb;
            xr_sig_backend *be = which == 0 ? &sbe : &fbe;
            if (subbench_setup(&sb, be, which == 0 ? skeys : fkeys, which == 0 ? saddrs : faddrs,
                               sizes[k]) != 0) {
                subbench_free(&sb);
                goto out;
            }
            uint32_t reps = which == 0 ? (quick ? 1 : (sizes[k] == 100 ? 20 : 3))
                                       : (quick ? 10 : (sizes[k] == 100 ? 2000 : 200));
            double ms;
            uint32_t checked;
            int r = subbench_run(&sb, reps, &ms, &checked);
            subbench_free(&sb);
            if (r != 0) goto out;
            printf("| %u | %u | %s | %.3f |\n", sizes[k], checked,
                   which == 0 ? "secp256k1" : "fast", ms);
        }
    }
    printf("\nmodels/sig_costs.h: MDL_SIG_COST_SECP_SIGN_NS %.0f, MDL_SIG_COST_SECP_VERIFY_NS %.0f\n",
           ss * 1000.0, sr * 1000.0);
    rc = 0;
out:
    if (rc != 0) fprintf(stderr, "xrsim bench sig: setup failed\n");
    free(skeys);
    free(fkeys);
    free(saddrs);
    free(faddrs);
    mdl_sig_secp_free(secp);
    mdl_sig_fast_free(fast);
    return rc;
}
