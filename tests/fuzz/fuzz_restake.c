/*
** libFuzzer harness of the restaking contract (protocol/xr_restake): bytes
** -> a configuration and a stream of operations (register, deregister,
** deposit, delegate, undelegate, queue, complete, slash request, veto,
** execute, submit evidence) applied to a small contract (4 operators,
** 8 stakers, 8 withdrawals, 8 slash requests; six fast-backend keys whose
** addresses are the operator addresses, the first four forming the
** validator set evidence is judged against).  After every operation it
** checks, and traps on violation:
**   - xr_restake_check == 0 and deposited == active + queued + withdrawn
**     + slashed;
**   - a failing operation left every byte of the contract as it was.
**
** Input layout: 4 bytes of configuration (delay, veto window, slash_ppm,
** flags), then operations of 8 bytes each: opcode, operator index, staker
** index / selector, time step, u32 amount (big-endian; opcode bit 7 shifts
** it left 32 bits to reach the overflow paths).  Opcode 10 (evidence) is
** followed by a u16 length and that many evidence bytes; the amount's low
** bit picks whether a canonical root (all 0xcc) is passed for kind 3.
**
** Built with -DFUZZ_RESTAKE_GENERATE and a C compiler, this file is instead
** the corpus generator: `main` writes seed streams -- including validly
** signed evidence of all three kinds -- into the directory given as argv[1]
** (tests/fuzz/corpus/restake/).  From the source root:
**   cc -std=c17 -D_POSIX_C_SOURCE=200809L -DFUZZ_RESTAKE_GENERATE -Iprotocol -Imodels \
**      protocol/xr_*.c models/sig_fast.c tests/fuzz/fuzz_restake.c -o /tmp/gen_restake &&
**   /tmp/gen_restake tests/fuzz/corpus/restake
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sig_fast.h"
#include "xr_attest.h"
#include "xr_bft.h"
#include "xr_evidence.h"
#include "xr_restake.h"

#define FZ_KEYS 6
#define FZ_VALS 4
#define FZ_STAKERS 10
#define FZ_IDS 16

typedef struct fz_world {
    mdl_sig_fast *fast;
    xr_sig_backend be;
    const xr_sig_key *keys[FZ_KEYS];
    xr_address addrs[FZ_KEYS];
    xr_validator store[FZ_VALS];
    xr_valset vs;
    void *mem;
    uint8_t *snap;
    size_t mem_bytes;
} fz_world;

static fz_world *world(void) {
    static fz_world *w;
    if (w) return w;
    w = calloc(1, sizeof *w);
    if (!w) abort();
    w->fast = mdl_sig_fast_new(7, FZ_KEYS);
    if (!w->fast) abort();
    w->be = mdl_sig_fast_backend(w->fast);
    for (int i = 0; i < FZ_KEYS; i++)
        if (mdl_sig_fast_add_key(w->fast, &w->keys[i], &w->addrs[i]) != 0) abort();
    xr_validator vals[FZ_VALS];
    for (int i = 0; i < FZ_VALS; i++) vals[i] = (xr_validator){w->addrs[i], 10};
    xr_valset_init(&w->vs, w->store, FZ_VALS);
    if (xr_valset_set(&w->vs, 1, vals, FZ_VALS) != 0) abort();
    xr_restake_cfg c;
    xr_restake_cfg_default(&c);
    c.max_operators = 4;
    c.max_stakers = 8;
    c.max_withdrawals = 8;
    c.max_slashings = 8;
    w->mem_bytes = xr_restake_mem_size(&c);
    w->mem = aligned_alloc(16, (w->mem_bytes + 15u) & ~(size_t)15u);
    w->snap = malloc(w->mem_bytes);
    if (!w->mem || !w->snap) abort();
    return w;
}

#ifndef FUZZ_RESTAKE_GENERATE

static xr_address staker_addr(uint32_t i) {
    xr_address a;
    memset(a.bytes, 0, 20);
    a.bytes[0] = 0x5a;
    a.bytes[19] = (uint8_t)(i + 1u);
    return a;
}

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(fz_world *w, xr_restake *r, int rc) {
    if (rc != 0 && memcmp(w->snap, w->mem, w->mem_bytes) != 0) __builtin_trap();
    if (xr_restake_check(r) != 0) __builtin_trap();
    xr_restake_totals t;
    xr_restake_totals_get(r, &t);
    /* xr_restake_check sums without wrapping; this restates the identity */
    if (t.active > t.deposited || t.queued > t.deposited || t.withdrawn > t.deposited ||
        t.slashed > t.deposited || t.active + t.queued + t.withdrawn + t.slashed != t.deposited)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_world *w = world();
    if (size < 4) return 0;
    xr_restake_cfg c;
    xr_restake_cfg_default(&c);
    c.max_operators = 4;
    c.max_stakers = 8;
    c.max_withdrawals = 8;
    c.max_slashings = 8;
    c.withdrawal_delay_ns = (uint64_t)data[0] * 10u;
    c.veto_window_ns = (uint64_t)(data[1] % 4u) * 25u;
    c.slash_ppm = data[2] == 0 ? XR_RESTAKE_PPM : (uint32_t)data[2] * 3921u;
    c.eject_on_slash = (data[3] & 1u) != 0;
    c.freeze_on_request = (data[3] & 2u) != 0;
    xr_restake *r;
    if (xr_restake_init(&r, w->mem, w->mem_bytes, &c) != 0) __builtin_trap();
    uint64_t ids[FZ_IDS] = {0};
    uint32_t nids = 0;
    uint64_t now = 1000;
    size_t at = 4;
    while (at + 8 <= size) {
        const uint8_t *p = data + at;
        at += 8;
        uint8_t op = p[0] & 0x7fu;
        const xr_address *oa = &w->addrs[p[1] % FZ_KEYS];
        xr_address sa = staker_addr(p[2] % FZ_STAKERS);
        now += p[3];
        uint64_t amt = be32(p + 4);
        if (p[0] & 0x80u) amt <<= 32;
        uint64_t id = 0, out = 0;
        uint8_t key[32];
        memset(key, 0, 32);
        key[31] = p[2] % 12u;
        memcpy(w->snap, w->mem, w->mem_bytes);
        int rc;
        switch (op % 11u) {
        case 0: rc = xr_restake_register_operator(r, oa, now); break;
        case 1: rc = xr_restake_deregister_operator(r, oa, now); break;
        case 2: rc = xr_restake_deposit(r, &sa, amt, now); break;
        case 3: rc = xr_restake_delegate(r, &sa, oa, now); break;
        case 4:
            rc = xr_restake_undelegate(r, &sa, now, &id);
            if (rc == 0 && id != 0) ids[nids++ % FZ_IDS] = id;
            break;
        case 5:
            rc = xr_restake_queue_withdrawal(r, &sa, amt, now, &id);
            if (rc == 0) ids[nids++ % FZ_IDS] = id;
            break;
        case 6:
            /* a remembered id, or the raw amount as an id */
            id = (p[4] & 0x80u) ? amt : ids[p[2] % FZ_IDS];
            rc = xr_restake_complete_withdrawal(r, id, now, &out);
            break;
        case 7: rc = xr_restake_slash_request(r, oa, key, now, &id); break;
        case 8: rc = xr_restake_veto(r, p[2] % 10u, now); break;
        case 9: rc = xr_restake_slash_execute(r, p[2] % 10u, now, &out); break;
        default: {
            if (at + 2 > size) return 0;
            size_t len = (size_t)data[at] << 8 | data[at + 1];
            at += 2;
            if (len > size - at) len = size - at;
            xr_hash canonical;
            memset(canonical.bytes, 0xcc, 32);
            xr_evidence e;
            rc = xr_restake_submit_evidence(r, data + at, len, &w->be, &w->vs,
                                            (amt & 1u) ? &canonical : NULL, now, &e, &id);
            at += len;
            break;
        }
        }
        check(w, r, rc);
    }
    return 0;
}

#else /* FUZZ_RESTAKE_GENERATE: the corpus generator */

typedef struct buf {
    uint8_t b[4096];
    size_t n;
} buf;

static void put_op(buf *o, uint8_t op, uint8_t opi, uint8_t sel, uint8_t dt, uint32_t amt) {
    uint8_t *p = o->b + o->n;
    p[0] = op;
    p[1] = opi;
    p[2] = sel;
    p[3] = dt;
    p[4] = (uint8_t)(amt >> 24);
    p[5] = (uint8_t)(amt >> 16);
    p[6] = (uint8_t)(amt >> 8);
    p[7] = (uint8_t)amt;
    o->n += 8;
}

static void put_evidence(buf *o, const uint8_t *ev, int n, bool canonical) {
    if (n <= 0) abort();
    put_op(o, 10, 0, 0, 1, canonical ? 1u : 0u);
    o->b[o->n++] = (uint8_t)(n >> 8);
    o->b[o->n++] = (uint8_t)n;
    memcpy(o->b + o->n, ev, (size_t)n);
    o->n += (size_t)n;
}

static void write_file(const char *dir, const char *name, const buf *o) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(o->b, 1, o->n, f) != o->n || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static void header(buf *o, uint8_t delay, uint8_t window, uint8_t ppm, uint8_t flags) {
    o->n = 0;
    o->b[o->n++] = delay;
    o->b[o->n++] = window;
    o->b[o->n++] = ppm;
    o->b[o->n++] = flags;
}

/* Register operators 0..3, stakers 0..4 deposit and delegate. */
static void setup(buf *o) {
    for (uint8_t i = 0; i < 4; i++) put_op(o, 0, i, 0, 1, 0);
    for (uint8_t s = 0; s < 5; s++) {
        put_op(o, 2, 0, s, 1, 1000u + 77u * s);
        put_op(o, 3, s % 4u, s, 1, 0);
    }
}

static void vote(fz_world *w, int who, uint64_t offset, uint8_t tag, xr_att_vote *v) {
    memset(v, 0, sizeof *v);
    memcpy(v->validator, w->addrs[who].bytes, 20);
    v->header.source_chain_id = 5;
    v->header.consensus_chain_id = 9;
    v->header.conf_level = XR_CONF_FINALIZED;
    v->header.offset = offset;
    v->header.source_block_height = 100 + offset;
    memset(v->msg_root.bytes, tag, 32);
    xr_att_vote_compute_root(v);
    xr_hash d;
    xr_attest_sign_digest(&v->root, &d);
    if (xr_sig_sign(&w->be, w->keys[who], d.bytes, v->sig) != 0) abort();
}

static void core(fz_world *w, int who, uint8_t id_byte, xr_bft_core *c) {
    memset(c, 0, sizeof *c);
    c->type = XR_BFT_PREVOTE;
    c->chain_id = 9;
    c->height = 3;
    c->round = 0;
    c->pol_round = XR_BFT_NO_ROUND;
    memset(c->block_id, id_byte, 32);
    memcpy(c->validator, w->addrs[who].bytes, 20);
    if (xr_bft_sign_core(&w->be, w->keys[who], c) != 0) abort();
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s corpus-dir\n", argv[0]);
        return 2;
    }
    fz_world *w = world();
    buf o;
    /* lifecycle: deposits, withdrawals, completion after the delay */
    header(&o, 10, 0, 0, 0);
    setup(&o);
    put_op(&o, 5, 0, 1, 1, 300);
    put_op(&o, 5, 0, 2, 1, 77);
    put_op(&o, 6, 0, 0, 200, 0);
    put_op(&o, 6, 0, 1, 1, 0);
    put_op(&o, 4, 0, 3, 1, 0);
    put_op(&o, 3, 2, 3, 1, 0);
    put_op(&o, 1, 2, 0, 1, 0);
    put_op(&o, 0, 2, 0, 1, 0);
    put_op(&o, 2 | 0x80, 0, 4, 1, 0xffffffffu);
    write_file(argv[1], "seed_lifecycle", &o);
    /* slashing: request, veto, execute, freeze and eject */
    header(&o, 20, 1, 128, 3);
    setup(&o);
    put_op(&o, 5, 0, 0, 1, 500);
    put_op(&o, 7, 0, 1, 1, 0);
    put_op(&o, 7, 1, 2, 1, 0);
    put_op(&o, 8, 0, 2, 1, 0);
    put_op(&o, 6, 0, 0, 240, 0);
    put_op(&o, 9, 0, 1, 30, 0);
    put_op(&o, 6, 0, 0, 1, 0);
    put_op(&o, 7, 0, 3, 1, 0);
    put_op(&o, 9, 0, 3, 40, 0);
    put_op(&o, 0, 0, 0, 1, 0);
    write_file(argv[1], "seed_slashing", &o);
    /* evidence of each kind, valid, plus repeats and a kind-3 without root */
    uint8_t ev[XR_EVIDENCE_MAX_BYTES];
    xr_bft_core a, b;
    xr_att_vote x, y;
    header(&o, 20, 0, 200, 0);
    setup(&o);
    core(w, 1, 0x01, &a);
    core(w, 1, 0x02, &b);
    put_evidence(&o, ev, xr_evidence_encode_duplicate(&a, &b, ev, sizeof ev), false);
    put_evidence(&o, ev, xr_evidence_encode_duplicate(&a, &b, ev, sizeof ev), false);
    put_op(&o, 9, 0, 1, 1, 0);
    vote(w, 2, 4, 0x11, &x);
    vote(w, 2, 4, 0x22, &y);
    put_evidence(&o, ev, xr_evidence_encode_attest(&x, &y, ev, sizeof ev), false);
    put_op(&o, 9, 0, 2, 1, 0);
    vote(w, 0, 6, 0x33, &x);
    put_evidence(&o, ev, xr_evidence_encode_false_attest(&x, ev, sizeof ev), false);
    put_evidence(&o, ev, xr_evidence_encode_false_attest(&x, ev, sizeof ev), true);
    put_op(&o, 9, 0, 3, 1, 0);
    /* a correctly signed false attestation of a non-member (key 4) */
    vote(w, 4, 6, 0x33, &x);
    put_evidence(&o, ev, xr_evidence_encode_false_attest(&x, ev, sizeof ev), true);
    write_file(argv[1], "seed_evidence", &o);
    /* capacity: more stakers, operators and withdrawals than fit */
    header(&o, 0, 0, 1, 0);
    for (uint8_t i = 0; i < 6; i++) put_op(&o, 0, i, 0, 1, 0);
    for (uint8_t s = 0; s < 10; s++) put_op(&o, 2, 0, s, 1, 10);
    for (uint8_t s = 0; s < 10; s++) put_op(&o, 5, 0, s % 8u, 1, 1);
    for (uint8_t s = 0; s < 10; s++) put_op(&o, 7, s, s, 1, 0);
    write_file(argv[1], "seed_capacity", &o);
    /* nothing but the configuration */
    header(&o, 0, 0, 0, 0);
    write_file(argv[1], "seed_config_only", &o);
    return 0;
}

#endif
