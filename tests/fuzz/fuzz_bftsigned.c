/*
** libFuzzer harness for the consensus core past the signature check.  The
** harness holds the signing keys of all four validators of a fresh node's
** set (node 0 is the node under test; the fuzzer may sign as any of them,
** node 0's own key included), so the messages it builds are validly
** signed and reach what fuzz_bftmsg's unsigned bytes never do: vote slots,
** proposals and their blocks, block storage and commits, extension
** harvesting into the candidate pool, the attestation pool, catch-up
** replies and the future-height buffer.
**
** The input is a program, one operation after another (bytes run out ->
** zeros -> the program ends):
**   propose    a block (chain, height, valset, previous block, proposer,
**              signed attestation votes -- sorted or not, within the limit
**              or over it --, payload up to beyond max_payload_bytes) in a
**              proposal signed by a chosen validator, at a height and round
**              near the node's or far ahead/behind, with a POL round;
**   prevote /  for the last proposal's block, nil or random bytes; a
**   precommit  precommit carries 0..max_ext_votes+2 signed extension
**              entries (sorted or not);
**   resign     raw bytes whose core is re-signed by a chosen validator
**              (wrong types, lengths, trailing bytes, mutated fields);
**   mutate     a byte of an earlier message flipped, the core re-signed;
**   replay     an earlier message again, from another peer;
**   echo       one of the node's own broadcasts delivered back to it;
**   timer      time moves to the node's next deadline.
** Checked after every step: no assertion fires (the sanitizers catch
** memory errors), every call returns 0 or a negative XR_ERR_*, commits come
** one height at a time, and the node never commits two blocks at a
** height.  Each input starts from a fresh node, so a crash reproduces from
** its input alone.  Without -DXRSIM_FUZZ the replay driver runs the corpus
** in tests/fuzz/corpus/bftsigned.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sig_fast.h"
#include "xr_attest.h"
#include "xr_bft.h"
#include "xr_keccak.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant broken: say which, then abort (libFuzzer keeps the input). */
#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "fuzz_bftsigned: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                         \
        }                                                                    \
    } while (0)

#define NV 4
#define CHAIN 7u
#define MSG_CAP (1u << 17)
#define KEEP 16

static mdl_sig_fast *g_sf;
static xr_sig_backend g_be;
static const xr_sig_key *g_key[NV];
static xr_validator g_members[NV];
static xr_bft_cfg g_cfg;
static void *g_mem;
static size_t g_mem_len;

/* per input */
static xr_bft *g_node;
static uint64_t g_now;
static xr_action g_items[4096];
static uint8_t g_arena[1 << 20];
static xr_actions g_acts;
static uint8_t g_last_block_id[32];  /* last proposal's block */
static uint8_t g_committed_id[32];   /* block of the last commit */
static uint64_t g_committed_height;
static uint8_t g_sent[KEEP][4096];   /* messages sent to the node, for replay and mutation */
static size_t g_sent_len[KEEP];
static unsigned g_sent_next;
static uint8_t g_echo[4096];         /* the node's last broadcast */
static size_t g_echo_len;

typedef struct rd {
    const uint8_t *p;
    size_t n;
} rd;

static uint8_t u8(rd *r) {
    if (r->n == 0) return 0;
    r->n--;
    return *r->p++;
}
static uint32_t u32(rd *r) { return (uint32_t)u8(r) << 24 | (uint32_t)u8(r) << 16 | (uint32_t)u8(r) << 8 | u8(r); }
static uint64_t u64(rd *r) { return (uint64_t)u32(r) << 32 | u32(r); }
static void bytes(rd *r, uint8_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = u8(r);
}

static void setup_once(void) {
    g_sf = mdl_sig_fast_new(1, NV);
    if (!g_sf) abort();
    g_be = mdl_sig_fast_backend(g_sf);
    for (int i = 0; i < NV; i++) {
        if (mdl_sig_fast_add_key(g_sf, &g_key[i], &g_members[i].addr) != 0) abort();
        g_members[i].power = 1;
    }
    xr_bft_cfg_default(&g_cfg);
    g_cfg.chain_id = CHAIN;
    g_cfg.max_validators = NV;
    g_cfg.max_block_votes = 8;
    g_cfg.max_ext_votes = 4;
    g_cfg.max_payload_bytes = 256;
    g_cfg.pending_votes = 64;
    g_cfg.future_msgs = 16;
    g_cfg.future_per_signer = 4;
    g_cfg.future_bytes = 1 << 16;
    g_cfg.att_votes = 64;
    g_cfg.att_streams = 8;
    g_cfg.att_window = 16;
    g_mem_len = xr_bft_mem_size(&g_cfg);
    g_mem = aligned_alloc(16, (g_mem_len + 15) & ~(size_t)15);
    if (!g_mem) abort();
}

/* Checks and consumes the node's actions. */
static void take_actions(void) {
    for (uint32_t i = 0; i < g_acts.count; i++) {
        const xr_action *a = &g_acts.items[i];
        if (a->kind == XR_ACT_COMMIT) {
            CHECK(a->u.commit.height == g_committed_height + 1); /* one height at a time, once */
            g_committed_height = a->u.commit.height;
            memcpy(g_committed_id, a->u.commit.block_id, 32);
        } else if (a->kind == XR_ACT_BROADCAST && a->u.broadcast.bytes.len <= sizeof g_echo) {
            memcpy(g_echo, a->u.broadcast.bytes.ptr, a->u.broadcast.bytes.len);
            g_echo_len = a->u.broadcast.bytes.len;
        }
    }
    xr_actions_clear(&g_acts);
}

static void start(void) {
    static xr_validator store[NV];
    static xr_valset vs;
    xr_valset_init(&vs, store, NV);
    if (xr_valset_set(&vs, 1, g_members, NV) != 0) abort();
    memset(g_mem, 0, g_mem_len);
    uint8_t zero[32] = {0};
    if (xr_bft_init(&g_node, g_mem, g_mem_len, &g_cfg, &g_be, g_key[0], &g_members[0].addr, &vs, 1, zero, NULL) != 0)
        abort();
    xr_actions_init(&g_acts, g_items, 4096, g_arena, sizeof g_arena);
    g_now = 0;
    memset(g_last_block_id, 0, 32);
    memset(g_committed_id, 0, 32);
    g_committed_height = 0;
    memset(g_sent_len, 0, sizeof g_sent_len);
    g_sent_next = 0;
    g_echo_len = 0;
    if (xr_bft_start(g_node, 0, &g_acts) != 0) abort();
    take_actions();
}

static void deliver(uint32_t from, const uint8_t *msg, size_t len, bool keep) {
    g_now += 1000;
    int rc = xr_bft_on_message(g_node, g_now, from, msg, len, &g_acts);
    CHECK(rc <= 0);
    take_actions();
    if (keep && len <= sizeof g_sent[0]) {
        memcpy(g_sent[g_sent_next], msg, len);
        g_sent_len[g_sent_next] = len;
        g_sent_next = (g_sent_next + 1) % KEEP;
    }
}

/* A height near the node's, or far ahead or behind. */
static uint64_t pick_height(rd *r) {
    uint64_t h = xr_bft_height(g_node);
    uint8_t d = u8(r);
    if (d < 160) return h;
    if (d < 190) return h + 1;
    if (d < 210) return h > 1 ? h - 1 : h;
    if (d < 225) return h + 2 + u8(r) % 8;
    if (d < 240) return h + (UINT64_C(1) << (u8(r) % 63));
    if (d < 250) return h > 2 ? h - 2 - u8(r) % (h - 2) : 1;
    return u64(r);
}

static uint32_t pick_round(rd *r) {
    uint32_t cur = xr_bft_round(g_node);
    uint8_t d = u8(r);
    if (d < 170) return cur;
    if (d < 200) return cur + 1;
    if (d < 215) return cur > 0 ? cur - 1 : 0;
    if (d < 235) return cur + 2 + u8(r) % 4;
    if (d < 250) return cur + (UINT32_C(1) << (u8(r) % 31));
    return u32(r);
}

/* A signed attestation vote by validator v, fields from the input. */
static void make_att_vote(rd *r, uint32_t v, xr_att_vote *out) {
    memset(out, 0, sizeof *out);
    memcpy(out->validator, g_members[v].addr.bytes, 20);
    uint8_t c = u8(r);
    out->header.source_chain_id = c < 200 ? 10u + c % 3 : u64(r);
    out->header.consensus_chain_id = u8(r) < 240 ? CHAIN : u64(r);
    out->header.conf_level = u8(r) < 200 ? 1 : (u8(r) < 128 ? 4 : u8(r));
    uint8_t o = u8(r);
    out->header.offset = o < 220 ? 1u + o % 20 : u64(r);
    out->header.source_block_height = u8(r);
    out->header.source_block_hash.bytes[0] = u8(r);
    out->msg_root.bytes[0] = u8(r);
    xr_att_vote_compute_root(out);
    xr_hash digest;
    xr_attest_sign_digest(&out->root, &digest);
    if (xr_sig_sign(&g_be, g_key[v], digest.bytes, out->sig) != 0) abort();
    if (u8(r) > 250) out->sig[u8(r) % 65] ^= 1; /* now and then a bad one */
}

static int cmp_vote(const void *a, const void *b) { return xr_att_vote_cmp(a, b); }

/* n signed votes, sorted unless the input says not to. */
static uint32_t make_votes(rd *r, uint32_t limit, bool by_one, uint32_t v_fixed, xr_att_vote *votes) {
    uint8_t c = u8(r);
    uint32_t n = c < 230 ? c % (limit + 1) : limit + 1 + c % 3;
    for (uint32_t i = 0; i < n; i++) make_att_vote(r, by_one ? v_fixed : u8(r) % NV, &votes[i]);
    if (u8(r) < 240) qsort(votes, n, sizeof *votes, cmp_vote);
    return n;
}

/* Our index of the proposer of round r at the node's height.  Beyond the
** rounds the node admits (max_round_ahead) any signer will do: the node
** drops the proposal by its round, and the weighted round robin takes
** O(round) steps to answer (CometBFT's too) -- a far round cost seconds. */
static uint32_t proposer_of(uint32_t round) {
    if (round > xr_bft_round(g_node) + g_cfg.max_round_ahead) return round % NV;
    const xr_valset *vs = xr_bft_valset(g_node);
    uint32_t i = xr_bft_proposer_index(g_node, round);
    for (uint32_t v = 0; i < vs->count && v < NV; v++) {
        if (memcmp(g_members[v].addr.bytes, vs->members[i].addr.bytes, 20) == 0) return v;
    }
    return 0;
}

static void op_propose(rd *r) {
    static uint8_t block[1 << 16], msg[MSG_CAP], votes_buf[16 * XR_BFT_BLOCK_VOTE_BYTES], payload[1024];
    xr_att_vote votes[16];
    uint32_t round = pick_round(r);
    uint32_t v = u8(r) < 200 ? proposer_of(round) : u8(r) % NV;
    uint64_t h = pick_height(r);
    xr_bft_block b;
    memset(&b, 0, sizeof b);
    b.chain_id = u8(r) < 245 ? CHAIN : u64(r);
    b.height = u8(r) < 240 ? h : u64(r);
    b.valset_id = u8(r) < 245 ? 1 : u64(r);
    if (u8(r) < 230) memcpy(b.prev_block_id, g_committed_id, 32);
    else bytes(r, b.prev_block_id, 32);
    memcpy(b.proposer, g_members[u8(r) < 240 ? v : u8(r) % NV].addr.bytes, 20);
    b.vote_count = make_votes(r, g_cfg.max_block_votes, false, 0, votes);
    for (uint32_t i = 0; i < b.vote_count; i++)
        xr_att_vote_encode_block(&votes[i], votes_buf + (size_t)i * XR_BFT_BLOCK_VOTE_BYTES);
    b.votes = votes_buf;
    uint8_t p = u8(r);
    b.payload_len = p < 200 ? p % 64 : p < 250 ? g_cfg.max_payload_bytes + (p % 4) : 1000;
    for (uint32_t i = 0; i < b.payload_len; i++) payload[i] = (uint8_t)(i * 31 + p);
    b.payload = payload;
    int blen = xr_bft_block_encode(&b, block, sizeof block);
    if (blen < 0) return;
    xr_bft_core c;
    memset(&c, 0, sizeof c);
    c.type = XR_BFT_PROPOSAL;
    c.chain_id = u8(r) < 245 ? CHAIN : u64(r);
    c.height = h;
    c.round = round;
    uint8_t pr = u8(r);
    c.pol_round = pr < 200 || round == 0 ? XR_BFT_NO_ROUND : pr % round;
    xr_keccak k;
    xr_keccak_init(&k);
    xr_keccak_update(&k, block, (size_t)blen);
    xr_keccak_final(&k, c.block_id);
    memcpy(g_last_block_id, c.block_id, 32);
    memcpy(c.validator, g_members[v].addr.bytes, 20);
    if (xr_bft_sign_core(&g_be, g_key[v], &c) != 0) abort();
    int n = xr_bftmsg_encode(&c, block, (size_t)blen, NULL, 0, msg, sizeof msg);
    if (n > 0) deliver(v, msg, (size_t)n, true);
}

static void op_vote(rd *r, uint8_t type) {
    static uint8_t msg[MSG_CAP], ext[16 * XR_BFT_EXT_ENTRY_BYTES];
    xr_att_vote votes[16];
    uint32_t v = u8(r) % NV;
    xr_bft_core c;
    memset(&c, 0, sizeof c);
    c.type = type;
    c.chain_id = u8(r) < 245 ? CHAIN : u64(r);
    c.height = pick_height(r);
    c.round = pick_round(r);
    c.pol_round = XR_BFT_NO_ROUND;
    uint8_t which = u8(r);
    if (which < 190) memcpy(c.block_id, g_last_block_id, 32);
    else if (which < 230) memset(c.block_id, 0, 32);
    else bytes(r, c.block_id, 32);
    memcpy(c.validator, g_members[v].addr.bytes, 20);
    if (xr_bft_sign_core(&g_be, g_key[v], &c) != 0) abort();
    uint32_t n = 0;
    static const uint8_t nil[32];
    if (type == XR_BFT_PRECOMMIT && memcmp(c.block_id, nil, 32) != 0) {
        n = make_votes(r, g_cfg.max_ext_votes, true, v, votes);
        for (uint32_t i = 0; i < n; i++) xr_att_vote_encode_entry(&votes[i], ext + (size_t)i * XR_BFT_EXT_ENTRY_BYTES);
    }
    int len = xr_bftmsg_encode(&c, NULL, 0, ext, n, msg, sizeof msg);
    if (len > 0) deliver(v, msg, (size_t)len, true);
}

/* Re-signs the core at the start of msg[0..len) as validator v, in place. */
static void resign(uint8_t *msg, size_t len, uint32_t v) {
    xr_bft_core c;
    size_t used = 0;
    if (xr_bft_core_decode(msg, len, &c, &used) != 0) return;
    memcpy(c.validator, g_members[v].addr.bytes, 20);
    if (xr_bft_sign_core(&g_be, g_key[v], &c) != 0) abort();
    uint8_t core[XR_BFT_PROPOSAL_CORE_BYTES];
    int n = xr_bft_core_encode(&c, core, sizeof core);
    if (n > 0 && (size_t)n == used) memcpy(msg, core, used);
}

static void op_resign(rd *r) {
    static uint8_t msg[4096];
    uint32_t v = u8(r) % NV;
    size_t len = u8(r) * 8u + u8(r) % 8;
    if (len > r->n) len = r->n;
    memcpy(msg, r->p, len);
    r->p += len;
    r->n -= len;
    resign(msg, len, v);
    deliver(v, msg, len, true);
}

static void op_mutate(rd *r) {
    static uint8_t msg[4096];
    unsigned i = u8(r) % KEEP;
    size_t len = g_sent_len[i];
    if (len == 0) return;
    memcpy(msg, g_sent[i], len);
    uint32_t at = u32(r) % (uint32_t)len;
    msg[at] ^= (uint8_t)(u8(r) | 1);
    uint32_t v = u8(r) % NV;
    resign(msg, len, v);
    deliver(v, msg, len, false);
}

static void op_replay(rd *r) {
    unsigned i = u8(r) % KEEP;
    if (g_sent_len[i]) deliver(u8(r) % NV, g_sent[i], g_sent_len[i], false);
}

static void op_echo(void) {
    if (g_echo_len) {
        static uint8_t msg[4096];
        size_t len = g_echo_len;
        memcpy(msg, g_echo, len);
        deliver(0, msg, len, false);
    }
}

static void op_timer(rd *r) {
    uint64_t d = xr_bft_next_deadline(g_node);
    if (d == UINT64_MAX) d = g_now + 1000000000u;
    if (d > g_now) g_now = d;
    g_now += u8(r) * 1000000u;
    int rc = xr_bft_on_timer(g_node, g_now, &g_acts);
    CHECK(rc <= 0);
    take_actions();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!g_sf) setup_once();
    start();
    rd r = {data, size};
    for (int steps = 0; r.n > 0 && steps < 400; steps++) {
        switch (u8(&r) % 10) {
        case 0: op_propose(&r); break;
        case 1: case 2: op_vote(&r, XR_BFT_PREVOTE); break;
        case 3: case 4: op_vote(&r, XR_BFT_PRECOMMIT); break;
        case 5: op_resign(&r); break;
        case 6: op_mutate(&r); break;
        case 7: op_replay(&r); break;
        case 8: op_echo(); break;
        default: op_timer(&r); break;
        }
    }
    if (getenv("FUZZ_BFTSIGNED_TRACE")) { /* what an input reached (to tune the corpus) */
        const xr_bft_stats *st = xr_bft_get_stats(g_node);
        fprintf(stderr,
                "in %llu ok %llu commits %llu rej_sig %llu rej_height %llu rej_round %llu invalid_blocks %llu"
                " ext_ok %llu ext_rej %llu catchups %llu future %llu equivocations %llu approvals %llu\n",
                (unsigned long long)st->msgs_in, (unsigned long long)st->msgs_ok, (unsigned long long)st->commits,
                (unsigned long long)st->rej_sig, (unsigned long long)st->rej_height,
                (unsigned long long)st->rej_round, (unsigned long long)st->invalid_blocks,
                (unsigned long long)st->ext_ok, (unsigned long long)st->ext_rejected,
                (unsigned long long)st->catchups_sent, (unsigned long long)st->future_buffered,
                (unsigned long long)st->equivocations, (unsigned long long)st->approvals);
    }
    /* the node is at the height after its last commit, or still in its commit wait */
    uint64_t h = xr_bft_height(g_node);
    CHECK(h == g_committed_height + 1 || (h == g_committed_height && xr_bft_get_step(g_node) == XR_BFT_STEP_COMMIT));
    return 0;
}
