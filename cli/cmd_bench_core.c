/*
** `xrsim bench core`: how fast the protocol core hashes and proves.
**
**  - Keccak-256 throughput over a 1 MiB buffer (MB/s, 10^6 bytes) and the
**    rate of 64-byte hashes (one merkle node each);
**  - for an XBlock of 2N messages (100 data bytes each) of which N go to the
**    destination, N in {1, 16, 256}: building the destination multi-proof
**    (leaf hashing, tree, getMultiProof: what a relayer does) and the
**    portal's check (leaf hashing, processMultiProof, attestation root).
** Each figure is the median of several timed batches (wall clock, monotonic)
** of a fixed workload, so runs are comparable; the workload itself is
** deterministic.
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "bench_core.h"
#include "xr_attest.h"
#include "xr_keccak.h"
#include "xr_merkle.h"

#define BATCHES 7
#define MAX_N 256
#define DATA_BYTES 100


/* Sink so the compiler cannot drop the work. */
static volatile uint8_t bench_sink;

static void bench_keccak(bool quick) {
    const size_t len = 1u << 20;
    uint8_t *buf = malloc(len);
    if (buf == NULL) return;
    for (size_t i = 0; i < len; i++) buf[i] = (uint8_t)(i * 7 + 3);
    const int reps = quick ? 1 : 10;
    uint64_t t[BATCHES];
    uint8_t out[32];
    for (int b = 0; b < BATCHES; b++) {
        uint64_t t0 = bench_now_ns();
        for (int r = 0; r < reps; r++) {
            xr_keccak256(buf, len, out);
            buf[0] ^= out[0];
        }
        t[b] = bench_now_ns() - t0;
    }
    double mbps = (double)len * reps / ((double)bench_median(t, BATCHES) / 1e9) / 1e6;
    printf("| Keccak-256, 1 MiB input | %.0f MB/s |\n", mbps);

    const int small = quick ? 5000 : 100000;
    uint8_t node[64] = {1};
    for (int b = 0; b < BATCHES; b++) {
        uint64_t t0 = bench_now_ns();
        for (int r = 0; r < small; r++) {
            xr_keccak256(node, 64, out);
            memcpy(node, out, 32);
        }
        t[b] = bench_now_ns() - t0;
    }
    double ns = (double)bench_median(t, BATCHES) / small;
    printf("| Keccak-256, 64-byte input (one merkle node) | %.0f ns/hash (%.2f M hashes/s) |\n", ns,
           1e3 / ns);
    bench_sink = out[0];
    free(buf);
}

typedef struct bench_block {
    xr_xheader h;
    xr_xmsg msgs[2 * MAX_N];
    uint8_t data[2 * MAX_N][DATA_BYTES];
    xr_xmsg sub[MAX_N];
    xr_hash node_work[4 * MAX_N], work[2 * MAX_N], proof[4 * MAX_N];
    size_t index_work[4 * MAX_N], order[2 * MAX_N];
    bool flags[4 * MAX_N];
} bench_block;

static int bench_proofs(bench_block *b, size_t n, bool quick) {
    const size_t total = 2 * n;
    memset(&b->h, 0, sizeof b->h);
    b->h.source_chain_id = 10;
    b->h.consensus_chain_id = 166;
    b->h.conf_level = 4;
    b->h.offset = 42;
    b->h.source_block_height = 123456;
    for (size_t i = 0; i < total; i++) {
        xr_xmsg *m = &b->msgs[i];
        memset(m, 0, sizeof *m);
        m->dest_chain_id = (i % 2 == 0) ? 1 : 2;
        m->shard_id = 4;
        m->offset = i / 2 + 1;
        memset(m->sender.bytes, (int)(i & 0xff), 20);
        memset(m->to.bytes, (int)((i * 3) & 0xff), 20);
        for (size_t j = 0; j < DATA_BYTES; j++) b->data[i][j] = (uint8_t)(i + j);
        m->data = b->data[i];
        m->data_len = DATA_BYTES;
        m->gas_limit = 100000;
    }
    xr_hash att;
    if (xr_attest_xblock_root(&b->h, b->msgs, total, b->node_work, 4 * MAX_N, &att) != 0) return 1;

    const int reps = (int)((quick ? 500 : 10000) / n) + 1;
    size_t k = 0, np = 0, nf = 0;
    uint64_t tb[BATCHES], tv[BATCHES];
    for (int bt = 0; bt < BATCHES; bt++) {
        uint64_t t0 = bench_now_ns();
        for (int r = 0; r < reps; r++) {
            if (xr_attest_dest_proof(b->msgs, total, 1, b->node_work, 4 * MAX_N, b->index_work,
                                     4 * MAX_N, b->order, 2 * MAX_N, &k, b->proof, 4 * MAX_N, &np,
                                     b->flags, 4 * MAX_N, &nf) != 0) {
                return 1;
            }
        }
        tb[bt] = bench_now_ns() - t0;
    }
    if (k != n) return 1;
    for (size_t i = 0; i < k; i++) b->sub[i] = b->msgs[b->order[i]];
    for (int bt = 0; bt < BATCHES; bt++) {
        uint64_t t0 = bench_now_ns();
        for (int r = 0; r < reps; r++) {
            if (xr_attest_verify(&b->h, b->sub, k, b->proof, np, b->flags, nf, &att, b->work,
                                 2 * MAX_N) != 0) {
                return 1;
            }
        }
        tv[bt] = bench_now_ns() - t0;
    }
    printf("| multi-proof, %zu of %zu messages: build (%zu proof nodes, %zu flags) | %.1f us |\n",
           n, total, np, nf, (double)bench_median(tb, BATCHES) / reps / 1e3);
    printf("| multi-proof, %zu of %zu messages: portal verify | %.1f us |\n", n, total,
           (double)bench_median(tv, BATCHES) / reps / 1e3);
    return 0;
}

int cmd_bench_core(int argc, char **argv) {
    bool quick = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            quick = true;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: xrsim bench core [--quick]\n"
                   "Keccak-256 throughput and multi-proof build/verify times of the protocol "
                   "core.\n");
            return 0;
        } else {
            fprintf(stderr, "xrsim bench core: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    bench_block *b = malloc(sizeof *b);
    if (b == NULL) return 1;
    printf("| protocol core benchmark | result |\n| --- | --- |\n");
    bench_keccak(quick);
    static const size_t ns[] = {1, 16, 256};
    int rc = 0;
    for (size_t i = 0; i < sizeof ns / sizeof ns[0] && rc == 0; i++) {
        rc = bench_proofs(b, ns[i], quick);
    }
    free(b);
    if (rc != 0) fprintf(stderr, "xrsim bench core: a proof failed to build or verify\n");
    return rc;
}
