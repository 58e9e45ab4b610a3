/*
** Tests of the consensus state machine (protocol/xr_bft) through a fake
** host: N in-memory nodes, a deterministic scheduler (events ordered by
** (time, sequence), node timers by node index), per-link delays and drops
** from a seeded generator, and a filter hook that scripted tests use to
** drop or inspect particular messages.  The host records every action.
** Debugging aids (environment): BFT_TRACE=1 prints every delivery and
** timer, BFT_VERBOSE=1 prints per-seed summaries of the randomized tests,
** BFT_SEED=n starts the equivocator test at seed n, BFT_RSEED=n runs only
** seed n of the randomized safety and liveness test, BFT_SURVEY=n also runs
** its seeds 9..n unjudged, printing each one's minimum height (to compare
** the distribution before and after a change to the core).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/digest_memo.h"
#include "crypto/sig_fast.h"
#include "xr_attest.h"
#include "xr_bft.h"
#include "xr_evidence.h"

#define MAXN 12
#define MAXH 400
#define MS UINT64_C(1000000)
#define SEC UINT64_C(1000000000)

typedef struct tev {
    uint64_t t, seq;
    int to, from;
    uint8_t *bytes;
    size_t len;
} tev;

typedef struct tapproval {
    uint64_t chain;
    uint8_t level;
    uint64_t offset;
    uint64_t power;
    uint32_t sigs;
} tapproval;

typedef struct tnode {
    xr_bft *b;
    void *mem;
    const xr_sig_key *key;
    xr_address addr;
    bool down;                   /* crashed / silent: sends and receives nothing */
    bool equivocate;             /* Byzantine: odd-numbered peers get a conflicting twin */
    uint64_t commits;
    bool has_commit[MAXH];
    uint8_t commit_id[MAXH][32];
    uint32_t commit_round[MAXH];
    uint64_t commit_time[MAXH];
    uint8_t commit_proposer[MAXH][20];
    uint64_t commit_vs[MAXH];
    int evidence;
    uint8_t ev[8][XR_EVIDENCE_MAX_BYTES];
    size_t ev_len[8];
    int approvals;
    tapproval ap[128];
    int sends;                   /* SEND actions (catch-up) */
} tnode;

typedef struct tnet tnet;
/* Return false to drop the message from -> to. */
typedef bool (*tfilter)(tnet *t, int from, int to, const xr_bftmsg *m);

struct tnet {
    mdl_sig_fast *sf;
    xr_sig_backend be;
    xr_bft_cfg cfg;
    xr_validator members[MAXN];
    xr_validator vs_store[MAXN];
    xr_valset vs;
    tnode nodes[MAXN];
    int n;
    tev *q;
    size_t qn, qcap;
    uint64_t seq, now, rng;
    uint64_t dmin, dmax;
    uint32_t drop_pm;
    tfilter filter;
    void *fctx;
    xr_action *items;
    uint8_t *arena;
    xr_actions acts;
    bool conflict;               /* two nodes committed different blocks at a height */
    bool global_has[MAXH];
    uint8_t global_id[MAXH][32];
    xr_bft_app app;
};

static bool g_trace; /* BFT_TRACE=1 prints every delivery and timer */

static uint64_t rnd(tnet *t) {
    uint64_t z = (t->rng += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static int ev_less(const tev *a, const tev *b) {
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void q_push(tnet *t, tev e) {
    if (t->qn == t->qcap) {
        t->qcap = t->qcap ? t->qcap * 2 : 1024;
        t->q = realloc(t->q, t->qcap * sizeof *t->q);
        assert_non_null(t->q);
    }
    size_t i = t->qn++;
    t->q[i] = e;
    while (i > 0 && ev_less(&t->q[i], &t->q[(i - 1) / 2])) {
        tev tmp = t->q[i];
        t->q[i] = t->q[(i - 1) / 2];
        t->q[(i - 1) / 2] = tmp;
        i = (i - 1) / 2;
    }
}

static tev q_pop(tnet *t) {
    tev top = t->q[0];
    t->q[0] = t->q[--t->qn];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < t->qn && ev_less(&t->q[l], &t->q[m])) m = l;
        if (r < t->qn && ev_less(&t->q[r], &t->q[m])) m = r;
        if (m == i) break;
        tev tmp = t->q[i];
        t->q[i] = t->q[m];
        t->q[m] = tmp;
        i = m;
    }
    return top;
}

static int node_of(const tnet *t, const uint8_t addr[20]) {
    for (int i = 0; i < t->n; i++)
        if (memcmp(t->nodes[i].addr.bytes, addr, 20) == 0) return i;
    return -1;
}

static xr_bftmsg_limits big_limits(void) {
    xr_bftmsg_limits l = {1u << 24, 0xffff, 1u << 16, 1u << 20};
    return l;
}

static void send_to(tnet *t, int from, int to, const uint8_t *bytes, size_t len) {
    if (t->nodes[to].down) return;
    if (t->drop_pm && rnd(t) % 1000 < t->drop_pm) return;
    if (t->filter) {
        xr_bftmsg m;
        xr_bftmsg_limits lim = big_limits();
        if (xr_bftmsg_decode(bytes, len, &lim, &m) == 0 && !t->filter(t, from, to, &m)) return;
    }
    uint64_t d = t->dmin + (t->dmax > t->dmin ? rnd(t) % (t->dmax - t->dmin + 1) : 0);
    tev e = {t->now + d, t->seq++, to, from, malloc(len ? len : 1), len};
    assert_non_null(e.bytes);
    memcpy(e.bytes, bytes, len);
    q_push(t, e);
}

static void record_commit(tnet *t, int i, const xr_action_commit *c) {
    tnode *nd = &t->nodes[i];
    assert_true(c->height < MAXH);
    assert_false(nd->has_commit[c->height]); /* one decision per height */
    nd->has_commit[c->height] = true;
    memcpy(nd->commit_id[c->height], c->block_id, 32);
    nd->commit_round[c->height] = c->round;
    nd->commit_time[c->height] = t->now;
    nd->commit_vs[c->height] = c->valset_id;
    nd->commits++;
    uint8_t id[32];
    xr_bft_block_id(c->block.ptr, c->block.len, id);
    assert_memory_equal(id, c->block_id, 32);
    xr_bft_block blk;
    xr_bftmsg_limits lim = big_limits();
    assert_int_equal(xr_bft_block_decode(c->block.ptr, c->block.len, &lim, &blk), 0);
    assert_int_equal(blk.height, c->height);
    memcpy(nd->commit_proposer[c->height], blk.proposer, 20);
    if (!t->global_has[c->height]) {
        t->global_has[c->height] = true;
        memcpy(t->global_id[c->height], c->block_id, 32);
    } else if (memcmp(t->global_id[c->height], c->block_id, 32) != 0) {
        t->conflict = true;
    }
}

/* The conflicting twin of a broadcast by an equivocating node: a vote for
** the other value (nil <-> a made-up block), or a proposal of another block
** (same votes, different payload).  Returns its length, 0 for none. */
static size_t twin_of(tnet *t, int i, const uint8_t *bytes, size_t len, uint8_t *out, size_t cap) {
    xr_bftmsg m;
    xr_bftmsg_limits lim = big_limits();
    if (xr_bftmsg_decode(bytes, len, &lim, &m) != 0) return 0;
    if (memcmp(m.core.validator, t->nodes[i].addr.bytes, 20) != 0) return 0; /* a relay */
    xr_bft_core c = m.core;
    static uint8_t block[1 << 16];
    size_t bl = 0;
    if (c.type == XR_BFT_PROPOSAL) {
        xr_bft_block blk;
        if (xr_bft_block_decode(m.block, m.block_len, &lim, &blk) != 0) return 0;
        blk.payload = (const uint8_t *)"evil";
        blk.payload_len = 4;
        int n = xr_bft_block_encode(&blk, block, sizeof block);
        assert_true(n > 0);
        bl = (size_t)n;
        xr_bft_block_id(block, bl, c.block_id);
    } else if (xr_bft_id_is_nil(c.block_id)) {
        memset(c.block_id, 0xee, 32);
    } else {
        memset(c.block_id, 0, 32);
    }
    assert_int_equal(xr_bft_sign_core(&t->be, t->nodes[i].key, &c), 0);
    int n = xr_bftmsg_encode(&c, block, bl, NULL, 0, out, cap);
    assert_true(n > 0);
    return (size_t)n;
}

static void process(tnet *t, int i) {
    tnode *nd = &t->nodes[i];
    assert_int_equal(t->acts.dropped, 0);
    for (uint32_t k = 0; k < t->acts.count; k++) {
        const xr_action *a = &t->acts.items[k];
        switch (a->kind) {
        case XR_ACT_BROADCAST: {
            static uint8_t twin[1 << 17];
            size_t tl = nd->equivocate ? twin_of(t, i, a->u.broadcast.bytes.ptr,
                                                 a->u.broadcast.bytes.len, twin, sizeof twin)
                                       : 0;
            for (int j = 0; j < t->n; j++) {
                if (j == i) continue;
                if (tl && j % 2 == 1)
                    send_to(t, i, j, twin, tl);
                else
                    send_to(t, i, j, a->u.broadcast.bytes.ptr, a->u.broadcast.bytes.len);
            }
            break;
        }
        case XR_ACT_SEND:
            nd->sends++;
            assert_true(a->u.send.to < (uint32_t)t->n);
            send_to(t, i, (int)a->u.send.to, a->u.send.bytes.ptr, a->u.send.bytes.len);
            break;
        case XR_ACT_COMMIT: record_commit(t, i, &a->u.commit); break;
        case XR_ACT_EVIDENCE:
            if (nd->evidence < 8) {
                memcpy(nd->ev[nd->evidence], a->u.evidence.bytes.ptr, a->u.evidence.bytes.len);
                nd->ev_len[nd->evidence] = a->u.evidence.bytes.len;
            }
            nd->evidence++;
            break;
        case XR_ACT_ATTEST_APPROVED:
            if (nd->approvals < 128) {
                tapproval *p = &nd->ap[nd->approvals];
                p->chain = a->u.approved.header.source_chain_id;
                p->level = a->u.approved.header.conf_level;
                p->offset = a->u.approved.header.offset;
                p->power = a->u.approved.signed_power;
                p->sigs = a->u.approved.sig_count;
                assert_int_equal(a->u.approved.sigs.len, (size_t)p->sigs * 85u);
                /* signatures ascending by address, each valid over the root */
                for (uint32_t s = 0; s < p->sigs; s++) {
                    const uint8_t *e = a->u.approved.sigs.ptr + (size_t)s * 85u;
                    if (s) assert_true(memcmp(e - 85, e, 20) < 0);
                    assert_int_equal(xr_sig_verify(&t->be, a->u.approved.root.bytes, e + 20, e), 0);
                }
            }
            nd->approvals++;
            break;
        default: fail();
        }
    }
    xr_actions_clear(&t->acts);
}

static void net_free(tnet *t) {
    for (size_t i = 0; i < t->qn; i++) free(t->q[i].bytes);
    free(t->q);
    for (int i = 0; i < t->n; i++) free(t->nodes[i].mem);
    free(t->items);
    free(t->arena);
    mdl_sig_fast_free(t->sf);
    free(t);
}

static void small_cfg(xr_bft_cfg *c) {
    xr_bft_cfg_default(c);
    c->chain_id = 77;
    c->max_validators = 16;
    c->max_block_votes = 64;
    c->max_ext_votes = 16;
    c->max_payload_bytes = 256;
    c->pending_votes = 512;
    c->future_msgs = 128;
    c->future_bytes = 1u << 18;
    c->att_votes = 1024;
    c->att_streams = 8;
    c->att_window = 16;
}

/* A net of n nodes with the given powers (NULL: all 1) and config (NULL:
** small_cfg).  Nodes are not started. */
/* nval: the first nval nodes form the validator set, the rest observe. */
static tnet *net_new_vs(int n, int nval, const uint64_t *powers, const xr_bft_cfg *cfg,
                        uint64_t seed, const xr_bft_app *app) {
    tnet *t = calloc(1, sizeof *t);
    assert_non_null(t);
    if (app) t->app = *app;
    t->n = n;
    t->rng = seed;
    t->dmin = 5 * MS;
    t->dmax = 5 * MS;
    if (cfg)
        t->cfg = *cfg;
    else
        small_cfg(&t->cfg);
    t->sf = mdl_sig_fast_new(seed, (uint32_t)n + 2);
    assert_non_null(t->sf);
    t->be = mdl_sig_fast_backend(t->sf);
    for (int i = 0; i < n; i++) {
        assert_int_equal(mdl_sig_fast_add_key(t->sf, &t->nodes[i].key, &t->nodes[i].addr), 0);
        t->members[i].addr = t->nodes[i].addr;
        t->members[i].power = powers ? powers[i] : 1;
    }
    xr_valset_init(&t->vs, t->vs_store, MAXN);
    assert_int_equal(xr_valset_set(&t->vs, 1, t->members, (uint32_t)nval), 0);
    uint32_t items;
    size_t bytes;
    xr_bft_actions_size(&t->cfg, &items, &bytes);
    if (items > 1u << 16) items = 1u << 16;
    if (bytes > (size_t)64 << 20) bytes = (size_t)64 << 20;
    t->items = calloc(items, sizeof *t->items);
    t->arena = malloc(bytes);
    assert_non_null(t->items);
    assert_non_null(t->arena);
    xr_actions_init(&t->acts, t->items, items, t->arena, bytes);
    size_t sz = xr_bft_mem_size(&t->cfg);
    assert_true(sz > 0);
    uint8_t zero[32] = {0};
    for (int i = 0; i < n; i++) {
        t->nodes[i].mem = aligned_alloc(16, (sz + 15) & ~(size_t)15);
        assert_non_null(t->nodes[i].mem);
        assert_int_equal(xr_bft_init(&t->nodes[i].b, t->nodes[i].mem, sz, &t->cfg, &t->be,
                                     t->nodes[i].key, &t->nodes[i].addr, &t->vs, 1, zero, &t->app),
                         0);
    }
    return t;
}

static tnet *net_new_app(int n, const uint64_t *powers, const xr_bft_cfg *cfg, uint64_t seed,
                         const xr_bft_app *app) {
    return net_new_vs(n, n, powers, cfg, seed, app);
}

static tnet *net_new(int n, const uint64_t *powers, const xr_bft_cfg *cfg, uint64_t seed) {
    return net_new_app(n, powers, cfg, seed, NULL);
}

static void net_start(tnet *t) {
    for (int i = 0; i < t->n; i++) {
        if (t->nodes[i].down) continue;
        assert_int_equal(xr_bft_start(t->nodes[i].b, t->now, &t->acts), 0);
        process(t, i);
    }
}

/* Run the scheduler until virtual time `until` (inclusive). */
static void net_run(tnet *t, uint64_t until) {
    for (;;) {
        uint64_t tmin = UINT64_MAX;
        int who = -1;
        for (int i = 0; i < t->n; i++) {
            if (t->nodes[i].down) continue;
            uint64_t d = xr_bft_next_deadline(t->nodes[i].b);
            if (d < tmin) {
                tmin = d;
                who = i;
            }
        }
        uint64_t emin = t->qn ? t->q[0].t : UINT64_MAX;
        uint64_t next = emin <= tmin ? emin : tmin;
        if (next > until) {
            if (t->now < until) t->now = until;
            return;
        }
        if (next > t->now) t->now = next;
        if (emin <= tmin) {
            tev e = q_pop(t);
            if (g_trace) {
                xr_bftmsg m;
                xr_bftmsg_limits lim = big_limits();
                if (xr_bftmsg_decode(e.bytes, e.len, &lim, &m) == 0)
                    fprintf(stderr, "%8.3f %d->%d type %u h %llu r %u %s\n", (double)t->now / 1e9,
                            e.from, e.to, m.core.type, (unsigned long long)m.core.height,
                            m.core.round, xr_bft_id_is_nil(m.core.block_id) ? "nil" : "blk");
            }
            if (!t->nodes[e.to].down) {
                (void)xr_bft_on_message(t->nodes[e.to].b, t->now, (uint32_t)e.from, e.bytes, e.len,
                                        &t->acts);
                process(t, e.to);
            }
            free(e.bytes);
        } else {
            if (g_trace)
                fprintf(stderr, "%8.3f timer node %d (h %llu r %u step %d)\n", (double)t->now / 1e9,
                        who, (unsigned long long)xr_bft_height(t->nodes[who].b),
                        xr_bft_round(t->nodes[who].b), (int)xr_bft_get_step(t->nodes[who].b));
            assert_int_equal(xr_bft_on_timer(t->nodes[who].b, t->now, &t->acts), 0);
            process(t, who);
        }
    }
}

/* Lowest height every live node committed (0 = none). */
static uint64_t min_live_height(const tnet *t) {
    uint64_t m = UINT64_MAX;
    for (int i = 0; i < t->n; i++) {
        if (t->nodes[i].down) continue;
        uint64_t h = 0;
        while (h + 1 < MAXH && t->nodes[i].has_commit[h + 1]) h++;
        if (h < m) m = h;
    }
    return m == UINT64_MAX ? 0 : m;
}

static void make_vote(tnet *t, int who, uint64_t chain, uint8_t level, uint64_t offset,
                      uint8_t root_tag, xr_att_vote *v);

/* ---- happy path -------------------------------------------------------------- */

static void test_bft_happy_path_commits_heights(void **state) {
    (void)state;
    tnet *t = net_new(4, NULL, NULL, 11);
    net_start(t);
    net_run(t, 30 * SEC);
    assert_false(t->conflict);
    /* ~1 s block interval plus a few ms of messages: > 20 heights in 30 s */
    uint64_t h = min_live_height(t);
    assert_true(h >= 20);
    for (int i = 0; i < 4; i++) {
        for (uint64_t k = 1; k <= h; k++) assert_int_equal(t->nodes[i].commit_round[k], 0);
        assert_int_equal(xr_bft_get_stats(t->nodes[i].b)->equivocations, 0);
        assert_int_equal(xr_bft_get_stats(t->nodes[i].b)->rej_sig, 0);
        assert_int_equal(t->nodes[i].evidence, 0);
    }
    /* height 1 commits after a few message delays, height 2 one interval later */
    assert_true(t->nodes[0].commit_time[1] < 50 * MS);
    assert_true(t->nodes[0].commit_time[2] >= SEC);
    assert_true(t->nodes[0].commit_time[2] < SEC + 50 * MS);
    net_free(t);
}

static void test_bft_proposer_rotation_weighted(void **state) {
    (void)state;
    uint64_t powers[4] = {1, 2, 3, 4};
    tnet *t = net_new(4, powers, NULL, 3);
    xr_bft *b = t->nodes[0].b;
    uint32_t counts[4] = {0};
    for (uint32_t r = 0; r < 10; r++) counts[xr_bft_proposer_index(b, r)]++;
    /* over total-power steps each validator proposes `power` times */
    const xr_valset *vs = xr_bft_valset(b);
    for (uint32_t i = 0; i < 4; i++) assert_int_equal(counts[i], vs->members[i].power);
    /* and the first pick is the highest power */
    assert_int_equal(vs->members[xr_bft_proposer_index(b, 0)].power, 4);
    /* the sequence is the same from every node */
    for (uint32_t r = 0; r < 25; r++)
        assert_int_equal(xr_bft_proposer_index(t->nodes[1].b, r), xr_bft_proposer_index(b, r));
    net_free(t);
}

static void test_bft_proposer_rotates_across_heights(void **state) {
    (void)state;
    tnet *t = net_new(4, NULL, NULL, 5);
    net_start(t);
    net_run(t, 12 * SEC);
    assert_true(min_live_height(t) >= 8);
    /* equal powers, every height decided in round 0: round robin, so eight
    ** heights see every validator propose exactly twice */
    int seen[4] = {0};
    for (uint64_t h = 1; h <= 8; h++) {
        assert_int_equal(t->nodes[0].commit_round[h], 0);
        int who = node_of(t, t->nodes[0].commit_proposer[h]);
        assert_true(who >= 0);
        seen[who]++;
    }
    for (int i = 0; i < 4; i++) assert_int_equal(seen[i], 2);
    net_free(t);
}

static void test_bft_valset_change_at_height(void **state) {
    (void)state;
    /* nodes 0-3 validate; from height 4 the set is nodes 1-4 (node 4 with
    ** power 2) and node 0 only observes */
    tnet *t = net_new_vs(5, 4, NULL, NULL, 121, NULL);
    xr_validator next[4];
    for (int i = 0; i < 4; i++) {
        next[i].addr = t->nodes[i + 1].addr;
        next[i].power = i == 3 ? 2 : 1;
    }
    for (int i = 0; i < 5; i++) {
        assert_int_equal(xr_bft_set_next_valset(t->nodes[i].b, 1, 2, next, 4), XR_ERR_INVALID_ARG);
        assert_int_equal(xr_bft_set_next_valset(t->nodes[i].b, 4, 1, next, 4), XR_ERR_VALSET_INVALID);
        assert_int_equal(xr_bft_set_next_valset(t->nodes[i].b, 4, 2, next, 4), 0);
    }
    net_start(t);
    net_run(t, 15 * SEC);
    assert_false(t->conflict);
    assert_true(min_live_height(t) >= 10);
    for (int i = 0; i < 5; i++) {
        for (uint64_t h = 1; h <= 10; h++) assert_int_equal(t->nodes[i].commit_vs[h], h < 4 ? 1 : 2);
        const xr_valset *vs = xr_bft_valset(t->nodes[i].b);
        assert_int_equal(vs->id, 2);
        assert_int_equal(vs->total_power, 5);
    }
    /* node 4 proposes after the change, node 0 no longer */
    bool n4 = false;
    for (uint64_t h = 4; h <= 10; h++) {
        int who = node_of(t, t->nodes[1].commit_proposer[h]);
        assert_true(who != 0);
        if (who == 4) n4 = true;
    }
    assert_true(n4);
    net_free(t);
}

static void test_bft_validate_block_reasons(void **state) {
    (void)state;
    tnet *t = net_new(4, NULL, NULL, 131);
    xr_bft *b = t->nodes[0].b;
    uint8_t buf[4096];
    xr_bft_block blk;
    memset(&blk, 0, sizeof blk);
    blk.chain_id = t->cfg.chain_id;
    blk.height = 1;
    blk.valset_id = 1;
    memcpy(blk.proposer, t->nodes[2].addr.bytes, 20);
    int n = xr_bft_block_encode(&blk, buf, sizeof buf);
    assert_int_equal(xr_bft_validate_block(b, buf, (size_t)n), 0);
    assert_int_equal(xr_bft_validate_block(b, buf, (size_t)n - 1), XR_ERR_TRUNCATED);
    blk.height = 2;
    n = xr_bft_block_encode(&blk, buf, sizeof buf);
    assert_int_equal(xr_bft_validate_block(b, buf, (size_t)n), XR_ERR_BFT_INVALID_BLOCK);
    blk.height = 1;
    blk.prev_block_id[0] = 1;
    n = xr_bft_block_encode(&blk, buf, sizeof buf);
    assert_int_equal(xr_bft_validate_block(b, buf, (size_t)n), XR_ERR_BFT_INVALID_BLOCK);
    blk.prev_block_id[0] = 0;
    memset(blk.proposer, 0x77, 20);
    n = xr_bft_block_encode(&blk, buf, sizeof buf);
    assert_int_equal(xr_bft_validate_block(b, buf, (size_t)n), XR_ERR_BFT_INVALID_BLOCK);
    memcpy(blk.proposer, t->nodes[2].addr.bytes, 20);
    /* attestation votes: good, forged, beyond the window, other chain */
    xr_att_vote v;
    uint8_t vb[XR_BFT_BLOCK_VOTE_BYTES];
    blk.vote_count = 1;
    blk.votes = vb;
    make_vote(t, 1, 3, XR_CONF_LATEST, 1, 0x01, &v);
    xr_att_vote_encode_block(&v, vb);
    n = xr_bft_block_encode(&blk, buf, sizeof buf);
    assert_int_equal(xr_bft_validate_block(b, buf, (size_t)n), 0);
    v.sig[5] ^= 1;
    xr_att_vote_encode_block(&v, vb);
    n = xr_bft_block_encode(&blk, buf, sizeof buf);
    assert_int_equal(xr_bft_validate_block(b, buf, (size_t)n), XR_ERR_SIG_INVALID);
    /* the window's midpoint before any approval is the initial offset 1
    ** (halo/attest/keeper windowCompare): 1 + 64 is inside, 2 + 64 beyond */
    make_vote(t, 1, 3, XR_CONF_LATEST, 1 + t->cfg.att_window, 0x01, &v);
    xr_att_vote_encode_block(&v, vb);
    n = xr_bft_block_encode(&blk, buf, sizeof buf);
    assert_int_equal(xr_bft_validate_block(b, buf, (size_t)n), 0);
    make_vote(t, 1, 3, XR_CONF_LATEST, 2 + t->cfg.att_window, 0x01, &v);
    xr_att_vote_encode_block(&v, vb);
    n = xr_bft_block_encode(&blk, buf, sizeof buf);
    assert_int_equal(xr_bft_validate_block(b, buf, (size_t)n), XR_ERR_BFT_ATT_WINDOW);
    make_vote(t, 1, 3, XR_CONF_LATEST, 1, 0x01, &v);
    v.header.consensus_chain_id = 999;
    xr_att_vote_encode_block(&v, vb);
    n = xr_bft_block_encode(&blk, buf, sizeof buf);
    assert_int_equal(xr_bft_validate_block(b, buf, (size_t)n), XR_ERR_BFT_WRONG_CHAIN);
    memset(vb, 0x66, 20); /* a non-member's vote */
    vb[20 + 16] = XR_CONF_LATEST;
    n = xr_bft_block_encode(&blk, buf, sizeof buf);
    assert_int_equal(xr_bft_validate_block(b, buf, (size_t)n), XR_ERR_BFT_NOT_VALIDATOR);
    net_free(t);
}

/* ---- rounds and nil votes ----------------------------------------------------------- */

static void test_bft_round_change_on_silent_proposer(void **state) {
    (void)state;
    tnet *t = net_new(4, NULL, NULL, 21);
    uint32_t p0 = xr_bft_proposer_index(t->nodes[0].b, 0);
    int silent = node_of(t, xr_bft_valset(t->nodes[0].b)->members[p0].addr.bytes);
    t->nodes[silent].down = true;
    net_start(t);
    net_run(t, 10 * SEC);
    assert_false(t->conflict);
    for (int i = 0; i < 4; i++) {
        if (i == silent) continue;
        /* round 0 proposer silent: propose timeout (1 s, halo's), nil
        ** prevotes and precommits, precommit timeout (1 s), then round 1
        ** commits */
        assert_true(t->nodes[i].has_commit[1]);
        assert_int_equal(t->nodes[i].commit_round[1], 1);
        assert_true(t->nodes[i].commit_time[1] >= 2 * SEC);
        assert_true(t->nodes[i].commit_time[1] < 2100 * MS);
    }
    net_free(t);
}

static int g_bad_left; /* proposals still to spoil */
static int bad_payload_propose(void *ctx, uint64_t height, uint8_t *out, size_t cap) {
    (void)ctx;
    (void)height;
    assert_true(cap >= 3);
    memcpy(out, g_bad_left > 0 ? "bad" : "ok!", 3);
    if (g_bad_left > 0) g_bad_left--;
    return 3;
}
static int bad_payload_validate(void *ctx, uint64_t height, const uint8_t *p, size_t len) {
    (void)ctx;
    (void)height;
    return len == 3 && memcmp(p, "bad", 3) == 0 ? -1 : 0;
}

static void test_bft_invalid_block_gets_nil_prevotes(void **state) {
    (void)state;
    /* the round-0 proposal carries a payload the validators reject; the
    ** proposer trusts its own block, the other three prevote nil, the round
    ** ends without a commit and round 1 commits a good block */
    g_bad_left = 1;
    xr_bft_app app = {bad_payload_propose, bad_payload_validate, NULL};
    tnet *t = net_new_app(4, NULL, NULL, 31, &app);
    net_start(t);
    net_run(t, 20 * SEC);
    assert_false(t->conflict);
    uint64_t invalid = 0;
    for (int i = 0; i < 4; i++) {
        invalid += xr_bft_get_stats(t->nodes[i].b)->invalid_blocks;
        assert_true(t->nodes[i].has_commit[1]);
        assert_int_equal(t->nodes[i].commit_round[1], 1);
    }
    assert_int_equal(invalid, 3);
    net_free(t);
}

/* ---- locking ------------------------------------------------------------------------ */

typedef struct lockctx {
    int locker;                  /* the only node that sees the round-0 polka */
    int x;                       /* misses the round-0 proposal, prevotes nil */
    bool hide_forever;           /* the locker's round-0 prevote never reaches others */
    int nil_prevotes_by_locker_r1;
    int block_prevotes_by_locker_r1;
} lockctx;

/* Height 1, round 0: the proposal never reaches x (which prevotes nil on its
** propose timeout) and the locker's prevote reaches nobody before 4.5 s (in
** the release scenario never: a retransmission would hand everyone the
** polka and so a valid value).  So
** the locker sees three prevotes for the block (a polka: it locks), everyone
** else sees two for the block and x's nil (2f+1 of any kind: prevote timeout,
** precommit nil), and round 0 ends without a commit. */
static bool lock_filter(tnet *t, int from, int to, const xr_bftmsg *m) {
    lockctx *lc = t->fctx;
    if (m->core.height != 1) return true;
    if (m->core.round == 0) {
        if (m->core.type == XR_BFT_PROPOSAL && to == lc->x) return false;
        if (m->core.type == XR_BFT_PREVOTE && from == lc->locker &&
            (lc->hide_forever || t->now < 4500 * MS))
            return false;
    }
    if (m->core.round == 1 && m->core.type == XR_BFT_PREVOTE && from == lc->locker &&
        to == (lc->locker + 1) % t->n) {
        if (xr_bft_id_is_nil(m->core.block_id))
            lc->nil_prevotes_by_locker_r1++;
        else
            lc->block_prevotes_by_locker_r1++;
    }
    return true;
}

static void run_lock_scenario(uint64_t seed, bool locker_proposes_round1) {
    /* the timings here (x's nil prevote, 4.2 s, 4.5 s) derive from a 3 s
    ** propose timeout, CometBFT's stock one, not halo's 1 s default */
    xr_bft_cfg c;
    small_cfg(&c);
    c.timeouts.propose_ns = 3 * SEC;
    tnet *t = net_new(4, NULL, &c, seed);
    xr_bft *b0 = t->nodes[0].b;
    const xr_valset *vs = xr_bft_valset(b0);
    int p0 = node_of(t, vs->members[xr_bft_proposer_index(b0, 0)].addr.bytes);
    int p1 = node_of(t, vs->members[xr_bft_proposer_index(b0, 1)].addr.bytes);
    assert_true(p0 != p1);
    int others[2], k = 0;
    for (int i = 0; i < 4; i++)
        if (i != p0 && i != p1) others[k++] = i;
    lockctx lc = {0};
    if (locker_proposes_round1) {
        lc.locker = p1;
        lc.x = others[0];
    } else {
        lc.locker = others[0];
        lc.x = others[1];
        lc.hide_forever = true;
    }
    t->filter = lock_filter;
    t->fctx = &lc;
    net_start(t);
    /* round 0 at 4.2 s: the locker locked, nobody else did, no commit */
    net_run(t, 4200 * MS);
    uint8_t lid[32], vid[32];
    assert_int_equal(xr_bft_locked_round(t->nodes[lc.locker].b, lid), 0);
    assert_int_equal(xr_bft_valid_round(t->nodes[lc.locker].b, vid), 0);
    assert_memory_equal(lid, vid, 32);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(xr_bft_round(t->nodes[i].b), 0);
        assert_false(t->nodes[i].has_commit[1]);
        if (i != lc.locker) assert_int_equal(xr_bft_locked_round(t->nodes[i].b, NULL), -1);
    }
    net_run(t, 15 * SEC);
    assert_false(t->conflict);
    for (int i = 0; i < 4; i++) {
        assert_true(t->nodes[i].has_commit[1]);
        assert_int_equal(t->nodes[i].commit_round[1], 1);
    }
    if (locker_proposes_round1) {
        /* the locker re-proposes its valid value with vr = 0 and relays the
        ** polka: the others accept it (line 28) and the locked block commits */
        assert_memory_equal(t->nodes[0].commit_id[1], lid, 32);
    } else {
        /* a fresh proposal in round 1: the locker prevotes nil (line 22),
        ** the others' polka on the new block releases its lock (line 36) */
        assert_true(lc.nil_prevotes_by_locker_r1 >= 1); /* retransmissions repeat it */
        assert_int_equal(lc.block_prevotes_by_locker_r1, 0);
        assert_memory_not_equal(t->nodes[0].commit_id[1], lid, 32);
    }
    net_free(t);
}

static void test_bft_lock_released_by_later_polka(void **state) {
    (void)state;
    run_lock_scenario(41, false);
}

static void test_bft_locked_value_reproposed_with_pol(void **state) {
    (void)state;
    run_lock_scenario(43, true);
}

/* ---- failures of power ----------------------------------------------------------------- */

static void test_bft_unequal_power_silent_third_halts(void **state) {
    (void)state;
    uint64_t powers[4] = {1, 1, 1, 2}; /* node 3 holds 40% */
    tnet *t = net_new(4, powers, NULL, 51);
    t->nodes[3].down = true;
    net_start(t);
    net_run(t, 30 * SEC);
    for (int i = 0; i < 3; i++) {
        /* 60% < 2/3: never 2f+1 prevotes of any kind, so (as in the paper)
        ** no prevote timeout either: stuck in round 0 after prevoting */
        assert_int_equal(t->nodes[i].commits, 0);
        assert_int_equal(xr_bft_round(t->nodes[i].b), 0);
        assert_int_equal(xr_bft_get_step(t->nodes[i].b), XR_BFT_STEP_PREVOTE);
    }
    net_free(t);
}

static void test_bft_unequal_power_silent_small_commits(void **state) {
    (void)state;
    uint64_t powers[4] = {1, 1, 1, 2}; /* node 0 holds 20% */
    tnet *t = net_new(4, powers, NULL, 53);
    t->nodes[0].down = true;
    net_start(t);
    net_run(t, 30 * SEC);
    assert_false(t->conflict);
    assert_true(min_live_height(t) >= 5);
    net_free(t);
}

/* ---- messages: malformed, duplicate, late, future ------------------------------------ */

static void test_bft_malformed_bytes_rejected(void **state) {
    (void)state;
    tnet *t = net_new(4, NULL, NULL, 61);
    net_start(t);
    xr_bft *b = t->nodes[1].b;
    uint8_t junk[300];
    for (size_t i = 0; i < sizeof junk; i++) junk[i] = (uint8_t)(i * 37 + 5);
    assert_int_equal(xr_bft_on_message(b, 0, 0, junk, 0, &t->acts), XR_ERR_TRUNCATED);
    assert_int_equal(xr_bft_on_message(b, 0, 0, junk, sizeof junk, &t->acts), XR_ERR_BFT_VERSION);
    junk[0] = 1;
    junk[1] = 9;
    assert_int_equal(xr_bft_on_message(b, 0, 0, junk, sizeof junk, &t->acts), XR_ERR_BAD_TYPE);
    /* a well-formed prevote with a garbage signature */
    xr_bft_core c;
    memset(&c, 0, sizeof c);
    c.type = XR_BFT_PREVOTE;
    c.chain_id = t->cfg.chain_id;
    c.height = 1;
    memcpy(c.validator, t->nodes[2].addr.bytes, 20);
    memset(c.sig, 0x5a, 65);
    uint8_t buf[256];
    int n = xr_bftmsg_encode(&c, NULL, 0, NULL, 0, buf, sizeof buf);
    assert_true(n > 0);
    assert_int_equal(xr_bft_on_message(b, 0, 0, buf, (size_t)n, &t->acts), XR_ERR_SIG_INVALID);
    /* wrong chain */
    c.chain_id = 5;
    n = xr_bftmsg_encode(&c, NULL, 0, NULL, 0, buf, sizeof buf);
    assert_int_equal(xr_bft_on_message(b, 0, 0, buf, (size_t)n, &t->acts), XR_ERR_BFT_WRONG_CHAIN);
    /* signer outside the set */
    c.chain_id = t->cfg.chain_id;
    memset(c.validator, 0x11, 20);
    n = xr_bftmsg_encode(&c, NULL, 0, NULL, 0, buf, sizeof buf);
    assert_int_equal(xr_bft_on_message(b, 0, 0, buf, (size_t)n, &t->acts),
                     XR_ERR_BFT_NOT_VALIDATOR);
    /* every prefix of a valid message is rejected, never asserted on */
    memcpy(c.validator, t->nodes[2].addr.bytes, 20);
    assert_int_equal(xr_bft_sign_core(&t->be, t->nodes[2].key, &c), 0);
    n = xr_bftmsg_encode(&c, NULL, 0, NULL, 0, buf, sizeof buf);
    for (int k = 0; k < n; k++) assert_true(xr_bft_on_message(b, 0, 0, buf, (size_t)k, &t->acts) < 0);
    const xr_bft_stats *st = xr_bft_get_stats(b);
    assert_true(st->rej_decode >= (uint64_t)n + 3);
    assert_int_equal(st->rej_sig, 1);
    assert_int_equal(st->rej_chain, 1);
    assert_int_equal(st->rej_signer, 1);
    process(t, 1);
    /* the node still works */
    net_run(t, 5 * SEC);
    assert_true(min_live_height(t) >= 3);
    assert_false(t->conflict);
    net_free(t);
}

static void test_bft_duplicate_and_late_messages(void **state) {
    (void)state;
    tnet *t = net_new(4, NULL, NULL, 71);
    xr_bft *b = t->nodes[0].b;
    net_start(t);
    /* a prevote for round 0 of height 1 from node 2, delivered twice */
    xr_bft_core c;
    memset(&c, 0, sizeof c);
    c.type = XR_BFT_PREVOTE;
    c.chain_id = t->cfg.chain_id;
    c.height = 1;
    c.round = 0;
    memcpy(c.validator, t->nodes[2].addr.bytes, 20);
    assert_int_equal(xr_bft_sign_core(&t->be, t->nodes[2].key, &c), 0);
    uint8_t buf[256];
    int n = xr_bftmsg_encode(&c, NULL, 0, NULL, 0, buf, sizeof buf);
    assert_int_equal(xr_bft_on_message(b, 0, 2, buf, (size_t)n, &t->acts), 0);
    assert_int_equal(xr_bft_on_message(b, 0, 2, buf, (size_t)n, &t->acts), XR_ERR_BFT_DUPLICATE);
    assert_int_equal(xr_bft_get_stats(b)->duplicates, 1);
    process(t, 0);
    /* drive to height >= 3, then the old prevote is late */
    net_run(t, 3 * SEC);
    assert_true(xr_bft_height(b) >= 3);
    assert_int_equal(xr_bft_on_message(b, t->now, 2, buf, (size_t)n, &t->acts), XR_ERR_BFT_HEIGHT);
    /* a message two heights ahead is dropped, one height ahead buffered */
    c.height = xr_bft_height(b) + 2;
    assert_int_equal(xr_bft_sign_core(&t->be, t->nodes[2].key, &c), 0);
    n = xr_bftmsg_encode(&c, NULL, 0, NULL, 0, buf, sizeof buf);
    assert_int_equal(xr_bft_on_message(b, t->now, 2, buf, (size_t)n, &t->acts), XR_ERR_BFT_HEIGHT);
    c.height = xr_bft_height(b) + 1;
    c.round = 7;
    assert_int_equal(xr_bft_sign_core(&t->be, t->nodes[2].key, &c), 0);
    n = xr_bftmsg_encode(&c, NULL, 0, NULL, 0, buf, sizeof buf);
    uint64_t before = xr_bft_get_stats(b)->future_buffered;
    assert_int_equal(xr_bft_on_message(b, t->now, 2, buf, (size_t)n, &t->acts), 0);
    assert_int_equal(xr_bft_get_stats(b)->future_buffered, before + 1);
    assert_int_equal(xr_bft_on_message(b, t->now, 2, buf, (size_t)n, &t->acts),
                     XR_ERR_BFT_DUPLICATE);
    process(t, 0);
    net_run(t, 8 * SEC);
    assert_false(t->conflict);
    net_free(t);
}

/* Precommits of height 1 never reach node 3 until 6 s: the others move on
** and node 3 buffers their height-2 messages; it then catches up from the
** others' catch-up replies and replays its buffer. */
static bool starve_filter(tnet *t, int from, int to, const xr_bftmsg *m) {
    (void)from;
    if (to == 3 && m->core.height == 1 && m->core.type == XR_BFT_PRECOMMIT && t->now < 6 * SEC)
        return false;
    return true;
}

static void test_bft_future_height_buffered_and_catchup(void **state) {
    (void)state;
    tnet *t = net_new(4, NULL, NULL, 81);
    t->filter = starve_filter;
    net_start(t);
    net_run(t, 1500 * MS);
    assert_false(t->nodes[3].has_commit[1]);
    assert_true(t->nodes[0].has_commit[1]);
    assert_true(xr_bft_get_stats(t->nodes[3].b)->future_buffered > 0);
    net_run(t, 20 * SEC);
    assert_false(t->conflict);
    assert_true(t->nodes[3].has_commit[1]);
    assert_true(t->nodes[3].has_commit[2]);
    int sends = 0;
    for (int i = 0; i < 3; i++) sends += t->nodes[i].sends;
    assert_true(sends > 0);
    assert_true(min_live_height(t) >= 10);
    net_free(t);
}

/* ---- evidence ---------------------------------------------------------------------------- */

static void test_bft_equivocating_prevote_evidence(void **state) {
    (void)state;
    tnet *t = net_new(4, NULL, NULL, 91);
    xr_bft *b = t->nodes[0].b;
    net_start(t);
    process(t, 0);
    xr_bft_core a, c;
    memset(&a, 0, sizeof a);
    a.type = XR_BFT_PREVOTE;
    a.chain_id = t->cfg.chain_id;
    a.height = 1;
    a.round = 0;
    memcpy(a.validator, t->nodes[3].addr.bytes, 20);
    c = a;
    memset(c.block_id, 0xab, 32);
    assert_int_equal(xr_bft_sign_core(&t->be, t->nodes[3].key, &a), 0);
    assert_int_equal(xr_bft_sign_core(&t->be, t->nodes[3].key, &c), 0);
    uint8_t buf[256];
    int n = xr_bftmsg_encode(&a, NULL, 0, NULL, 0, buf, sizeof buf);
    assert_int_equal(xr_bft_on_message(b, 0, 3, buf, (size_t)n, &t->acts), 0);
    process(t, 0);
    n = xr_bftmsg_encode(&c, NULL, 0, NULL, 0, buf, sizeof buf);
    assert_int_equal(xr_bft_on_message(b, 0, 3, buf, (size_t)n, &t->acts),
                     XR_ERR_BFT_EQUIVOCATION);
    process(t, 0);
    assert_int_equal(t->nodes[0].evidence, 1);
    xr_evidence e;
    assert_int_equal(xr_evidence_verify(t->nodes[0].ev[0], t->nodes[0].ev_len[0], &t->be, &t->vs, &e), 0);
    assert_int_equal(e.kind, XR_EVIDENCE_DUPLICATE_VOTE);
    assert_memory_equal(e.offender, t->nodes[3].addr.bytes, 20);
    /* the twin again: kept already (it counts for its value), no new evidence */
    assert_int_equal(xr_bft_on_message(b, 0, 3, buf, (size_t)n, &t->acts), XR_ERR_BFT_DUPLICATE);
    process(t, 0);
    assert_int_equal(t->nodes[0].evidence, 1);
    net_free(t);
}

static int craft_precommit(tnet *t, int who, uint64_t height, uint32_t round, const uint8_t id[32],
                           const xr_att_vote *votes, uint32_t nv, uint8_t *out, size_t cap) {
    xr_bft_core c;
    memset(&c, 0, sizeof c);
    c.type = XR_BFT_PRECOMMIT;
    c.chain_id = t->cfg.chain_id;
    c.height = height;
    c.round = round;
    memcpy(c.block_id, id, 32);
    memcpy(c.validator, t->nodes[who].addr.bytes, 20);
    assert_int_equal(xr_bft_sign_core(&t->be, t->nodes[who].key, &c), 0);
    uint8_t ext[8 * XR_BFT_EXT_ENTRY_BYTES];
    assert_true(nv <= 8);
    for (uint32_t i = 0; i < nv; i++) xr_att_vote_encode_entry(&votes[i], ext + i * XR_BFT_EXT_ENTRY_BYTES);
    return xr_bftmsg_encode(&c, NULL, 0, ext, nv, out, cap);
}

/* Node 2 is cut off, so nodes 0, 1 and 3 are exactly a quorum.  Node 3
** also signed two made-up precommits for height 1, round 0, which node 0
** receives before node 3's real one: node 0 must still count node 3's
** precommit for the block 0 and 1 precommitted, or it can never decide
** height 1 while 1 and 3 move on (the mutant's swarm seeds 2154, 6814 and
** 6844: a node kept the first two twins whatever came next). */
static bool cut_two(tnet *t, int from, int to, const xr_bftmsg *m) {
    (void)t;
    (void)m;
    return from != 2 && to != 2;
}

static void test_bft_third_twin_replaces_the_unsupported_one(void **state) {
    (void)state;
    tnet *t = net_new(4, NULL, NULL, 97);
    t->filter = cut_two;
    net_start(t);
    process(t, 0);
    xr_bft *b = t->nodes[0].b;
    uint8_t buf[512];
    for (int k = 0; k < 2; k++) {
        uint8_t id[32];
        memset(id, 0xa0 + k, 32);
        int n = craft_precommit(t, 3, 1, 0, id, NULL, 0, buf, sizeof buf);
        assert_true(n > 0);
        int rc = xr_bft_on_message(b, 0, 3, buf, (size_t)n, &t->acts);
        assert_true(rc == 0 || rc == XR_ERR_BFT_EQUIVOCATION);
        process(t, 0);
    }
    net_run(t, 10 * SEC);
    assert_false(t->conflict);
    assert_true(t->nodes[1].has_commit[1]);
    assert_true(t->nodes[0].has_commit[1]);
    assert_true(t->nodes[0].has_commit[3]);
    net_free(t);
}

static void make_vote(tnet *t, int who, uint64_t chain, uint8_t level, uint64_t offset,
                      uint8_t root_tag, xr_att_vote *v) {
    memset(v, 0, sizeof *v);
    memcpy(v->validator, t->nodes[who].addr.bytes, 20);
    v->header.source_chain_id = chain;
    v->header.consensus_chain_id = t->cfg.chain_id;
    v->header.conf_level = level;
    v->header.offset = offset;
    v->header.source_block_height = 1000 + offset;
    memset(v->header.source_block_hash.bytes, (int)offset, 32);
    memset(v->msg_root.bytes, root_tag, 32);
    xr_att_vote_compute_root(v);
    xr_hash d;
    xr_attest_sign_digest(&v->root, &d);
    assert_int_equal(xr_sig_sign(&t->be, t->nodes[who].key, d.bytes, v->sig), 0);
}

static void test_bft_attestation_double_sign_evidence(void **state) {
    (void)state;
    tnet *t = net_new(4, NULL, NULL, 93);
    xr_bft *b = t->nodes[0].b;
    net_start(t);
    process(t, 0);
    xr_att_vote v1, v2;
    make_vote(t, 2, 500, XR_CONF_LATEST, 1, 0x01, &v1);
    make_vote(t, 2, 500, XR_CONF_LATEST, 1, 0x02, &v2);
    uint8_t id[32], buf[2048];
    memset(id, 0xcd, 32);
    int n = craft_precommit(t, 2, 1, 0, id, &v1, 1, buf, sizeof buf);
    assert_int_equal(xr_bft_on_message(b, 0, 2, buf, (size_t)n, &t->acts), 0);
    process(t, 0);
    assert_int_equal(xr_bft_pending_votes(b), 1);
    n = craft_precommit(t, 2, 1, 1, id, &v2, 1, buf, sizeof buf);
    (void)xr_bft_on_message(b, 0, 2, buf, (size_t)n, &t->acts);
    process(t, 0);
    assert_int_equal(t->nodes[0].evidence, 1);
    xr_evidence e;
    assert_int_equal(xr_evidence_verify(t->nodes[0].ev[0], t->nodes[0].ev_len[0], &t->be, &t->vs, &e), 0);
    assert_int_equal(e.kind, XR_EVIDENCE_ATTEST_CONFLICT);
    assert_memory_equal(e.offender, t->nodes[2].addr.bytes, 20);
    /* an honest node refuses to double-sign */
    xr_bft *b2 = t->nodes[1].b;
    xr_hash r1, r2;
    memset(r1.bytes, 1, 32);
    memset(r2.bytes, 2, 32);
    assert_int_equal(xr_bft_add_local_attestation(b2, &v1.header, &r1), 0);
    assert_int_equal(xr_bft_add_local_attestation(b2, &v1.header, &r1), XR_ERR_BFT_DUPLICATE);
    assert_int_equal(xr_bft_add_local_attestation(b2, &v1.header, &r2), XR_ERR_BFT_EQUIVOCATION);
    /* an extension entry signed by someone else than the precommit's signer */
    xr_att_vote v3;
    make_vote(t, 3, 500, XR_CONF_LATEST, 2, 0x03, &v3);
    uint64_t rej = xr_bft_get_stats(b)->ext_rejected;
    n = craft_precommit(t, 2, 1, 2, id, &v3, 1, buf, sizeof buf);
    (void)xr_bft_on_message(b, 0, 2, buf, (size_t)n, &t->acts);
    process(t, 0);
    assert_int_equal(xr_bft_get_stats(b)->ext_rejected, rej + 1);
    net_free(t);
}

/* ---- attestations ------------------------------------------------------------------------- */

static void attest(tnet *t, int who, uint64_t chain, uint8_t level, uint64_t offset, int expect) {
    xr_xheader h;
    memset(&h, 0, sizeof h);
    h.source_chain_id = chain;
    h.consensus_chain_id = t->cfg.chain_id;
    h.conf_level = level;
    h.offset = offset;
    h.source_block_height = 1000 + offset;
    memset(h.source_block_hash.bytes, (int)offset, 32);
    xr_hash mr;
    memset(mr.bytes, (int)(0x40 + offset), 32);
    assert_int_equal(xr_bft_add_local_attestation(t->nodes[who].b, &h, &mr), expect);
}

static void test_bft_attestation_approved_at_quorum_in_order(void **state) {
    (void)state;
    tnet *t = net_new(4, NULL, NULL, 101);
    net_start(t);
    /* offset 2 signed by all four, offset 1 by only two (50% < 2/3) */
    for (int i = 0; i < 4; i++) attest(t, i, 900, XR_CONF_LATEST, 2, 0);
    attest(t, 0, 900, XR_CONF_LATEST, 1, 0);
    attest(t, 1, 900, XR_CONF_LATEST, 1, 0);
    net_run(t, 5 * SEC);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(t->nodes[i].approvals, 0); /* 2 waits for 1 */
        assert_int_equal(xr_bft_last_approved(t->nodes[i].b, 900, XR_CONF_LATEST), 0);
    }
    /* a third signer for offset 1: 3/4 > 2/3 -> 1 then 2 approved */
    attest(t, 2, 900, XR_CONF_LATEST, 1, 0);
    net_run(t, 10 * SEC);
    assert_false(t->conflict);
    for (int i = 0; i < 4; i++) {
        tnode *nd = &t->nodes[i];
        assert_int_equal(nd->approvals, 2);
        assert_int_equal(nd->ap[0].offset, 1);
        assert_int_equal(nd->ap[0].sigs, 3);
        assert_int_equal(nd->ap[0].power, 3);
        assert_int_equal(nd->ap[1].offset, 2);
        assert_int_equal(nd->ap[1].sigs, 4);
        assert_int_equal(xr_bft_last_approved(nd->b, 900, XR_CONF_LATEST), 2);
    }
    /* approved offsets are stale now */
    attest(t, 3, 900, XR_CONF_LATEST, 1, XR_ERR_BFT_ATT_STALE);
    net_free(t);
}

static void test_bft_attestation_window_limits(void **state) {
    (void)state;
    xr_bft_cfg c;
    small_cfg(&c);
    c.att_window = 2;
    tnet *t = net_new(4, NULL, &c, 103);
    net_start(t);
    /* offsets 1..5 signed by all: with window 2 only 1..3 can ride at first
    ** (the midpoint before any approval is the initial offset 1: keeper
    ** windowCompare); the rest follow as approvals move the window */
    for (uint64_t off = 1; off <= 5; off++)
        for (int i = 0; i < 4; i++) attest(t, i, 901, XR_CONF_FINALIZED, off, 0);
    net_run(t, 1500 * MS);
    for (int i = 0; i < 4; i++)
        assert_true(xr_bft_last_approved(t->nodes[i].b, 901, XR_CONF_FINALIZED) <= 3);
    net_run(t, 15 * SEC);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(xr_bft_last_approved(t->nodes[i].b, 901, XR_CONF_FINALIZED), 5);
        assert_int_equal(t->nodes[i].approvals, 5);
        for (int k = 0; k < 5; k++) assert_int_equal(t->nodes[i].ap[k].offset, (uint64_t)k + 1);
        assert_int_equal(xr_bft_pending_votes(t->nodes[i].b), 0);
    }
    /* a peer's vote beyond the window is not accepted */
    xr_att_vote v;
    make_vote(t, 1, 901, XR_CONF_FINALIZED, 5 + 3, 0x09, &v);
    uint8_t id[32], buf[2048];
    memset(id, 0xee, 32);
    xr_bft *b = t->nodes[0].b;
    uint64_t rej = xr_bft_get_stats(b)->ext_rejected;
    int n = craft_precommit(t, 1, xr_bft_height(b), 3, id, &v, 1, buf, sizeof buf);
    (void)xr_bft_on_message(b, t->now, 1, buf, (size_t)n, &t->acts);
    process(t, 0);
    assert_int_equal(xr_bft_get_stats(b)->ext_rejected, rej + 1);
    net_free(t);
}

/* Omni's consensus parameters are the defaults: CometBFT timeout_propose
** 1 s (halo/cmd cometconfig.go), 256 votes per extension
** (genesisVoteExtLimit), vote window from the last approved offset - 2 to
** + 64 (genesisVoteWindowDown / Up; all three in halo/app app_config.go). */
static void test_bft_defaults_are_omnis(void **state) {
    (void)state;
    xr_bft_cfg c;
    xr_bft_cfg_default(&c);
    assert_int_equal(c.timeouts.propose_ns, 1000000000u);
    assert_int_equal(c.max_ext_votes, 256);
    assert_int_equal(c.att_window, 64);
    assert_int_equal(c.att_window_down, 2);
    /* no cap per block, at most 256 votes of one validator (halo/attest
    ** keeper verifyAggVotes): Omni's 30 validators -> 7,680 votes; the core's
    ** memory bound above 64 validators */
    assert_int_equal(c.max_block_votes, 0);
    c.max_validators = 30;
    assert_int_equal(xr_bft_block_votes_cap(&c), 30 * 256);
    c.max_validators = 64;
    assert_int_equal(xr_bft_block_votes_cap(&c), 16384);
    c.max_validators = 1000;
    assert_int_equal(xr_bft_block_votes_cap(&c), XR_BFT_BLOCK_VOTES_BOUND);
    c.max_block_votes = 512; /* a scenario's explicit cap */
    assert_int_equal(xr_bft_block_votes_cap(&c), 512);
}

/* halo/attest/keeper VerifyVoteExtension: one bad vote (here: beyond the
** window) rejects the whole extension, good entries too; a late vote for an
** offset approved at most 2 before is not bad, only not needed.  The
** precommit carrying a rejected extension is not counted at all (CometBFT
** consensus/state.go addVote drops it on REJECT). */
static void test_bft_extension_rejected_whole(void **state) {
    (void)state;
    tnet *t = net_new(4, NULL, NULL, 107);
    net_start(t);
    for (uint64_t off = 1; off <= 4; off++)
        for (int i = 0; i < 4; i++) attest(t, i, 902, XR_CONF_LATEST, off, 0);
    net_run(t, 10 * SEC);
    xr_bft *b = t->nodes[0].b;
    assert_int_equal(xr_bft_last_approved(b, 902, XR_CONF_LATEST), 4);
    /* hold node 0 inside a height (not decided): its peers go quiet */
    for (int i = 1; i < 4; i++) t->nodes[i].down = true;
    for (int k = 0; k < 50 && xr_bft_get_step(b) == XR_BFT_STEP_COMMIT; k++) net_run(t, t->now + SEC / 10);
    assert_int_not_equal(xr_bft_get_step(b), XR_BFT_STEP_COMMIT);
    uint32_t r0 = xr_bft_round(b);
    uint8_t id[32], buf[4096];
    memset(id, 0xef, 32);
    xr_att_vote v[2];
    make_vote(t, 1, 903, XR_CONF_LATEST, 1, 0x05, &v[0]);     /* good */
    make_vote(t, 1, 903, XR_CONF_LATEST, 1 + 64 + 1, 0x06, &v[1]); /* beyond the window */
    /* entries go ascending by (chain, level, offset): both on chain 903 */
    uint32_t pending = xr_bft_pending_votes(b);
    const xr_bft_stats *st = xr_bft_get_stats(b);
    uint64_t rej = st->ext_rejected, whole = st->ext_rejected_whole, dropped = st->rej_ext;
    uint64_t ok = st->msgs_ok;
    int n = craft_precommit(t, 1, xr_bft_height(b), r0, id, v, 2, buf, sizeof buf);
    assert_int_equal(xr_bft_on_message(b, t->now, 1, buf, (size_t)n, &t->acts), XR_ERR_BFT_EXT_REJECTED);
    process(t, 0);
    assert_int_equal(st->ext_rejected, rej + 2);
    assert_int_equal(st->ext_rejected_whole, whole + 1);
    assert_int_equal(st->rej_ext, dropped + 1);
    assert_int_equal(st->msgs_ok, ok); /* the precommit itself not counted */
    assert_int_equal(xr_bft_pending_votes(b), pending); /* the good one not taken either */
    /* the good one alone, beside a late vote for 902's offset 3 (= 4 - 1) */
    xr_att_vote w[2];
    make_vote(t, 1, 902, XR_CONF_LATEST, 3, 0x07, &w[0]);
    w[1] = v[0];
    n = craft_precommit(t, 1, xr_bft_height(b), r0, id, w, 2, buf, sizeof buf);
    assert_int_equal(xr_bft_on_message(b, t->now, 1, buf, (size_t)n, &t->acts), 0);
    process(t, 0);
    assert_int_equal(st->ext_rejected_whole, whole + 1);
    assert_int_equal(st->rej_ext, dropped + 1);
    assert_int_equal(st->msgs_ok, ok + 1);
    assert_int_equal(xr_bft_pending_votes(b), pending + 1);
    /* 4 - 3 = offset 1 is below the window: bad */
    make_vote(t, 1, 902, XR_CONF_LATEST, 1, 0x08, &w[0]);
    make_vote(t, 1, 903, XR_CONF_LATEST, 2, 0x09, &w[1]);
    n = craft_precommit(t, 1, xr_bft_height(b), r0 + 1, id, w, 2, buf, sizeof buf);
    (void)xr_bft_on_message(b, t->now, 1, buf, (size_t)n, &t->acts);
    process(t, 0);
    assert_int_equal(st->ext_rejected_whole, whole + 2);
    assert_int_equal(xr_bft_pending_votes(b), pending + 1);
    net_free(t);
}

/* No cap per block, but at most max_ext_votes votes of one validator in a
** block (halo/attest/keeper verifyAggVotes: "vote extension limit exceeded"). */
static void test_bft_block_votes_per_validator_capped(void **state) {
    (void)state;
    xr_bft_cfg c;
    small_cfg(&c);
    c.max_ext_votes = 2;
    tnet *t = net_new(4, NULL, &c, 109);
    xr_bft *b = t->nodes[0].b;
    uint8_t buf[8192], vb[4 * XR_BFT_BLOCK_VOTE_BYTES];
    xr_bft_block blk;
    memset(&blk, 0, sizeof blk);
    blk.chain_id = t->cfg.chain_id;
    blk.height = 1;
    blk.valset_id = 1;
    memcpy(blk.proposer, t->nodes[2].addr.bytes, 20);
    blk.votes = vb;
    xr_att_vote v[4];
    /* validator 1 at offsets 1 and 2, validator 3 at offset 1: fine */
    make_vote(t, 1, 3, XR_CONF_LATEST, 1, 0x01, &v[0]);
    make_vote(t, 3, 3, XR_CONF_LATEST, 1, 0x01, &v[1]);
    make_vote(t, 1, 3, XR_CONF_LATEST, 2, 0x02, &v[2]);
    make_vote(t, 1, 3, XR_CONF_LATEST, 3, 0x03, &v[3]);
    if (xr_att_vote_cmp(&v[0], &v[1]) > 0) { /* block votes ascend by (.., offset, validator) */
        xr_att_vote tmp = v[0];
        v[0] = v[1];
        v[1] = tmp;
    }
    for (int i = 0; i < 4; i++) xr_att_vote_encode_block(&v[i], vb + (size_t)i * XR_BFT_BLOCK_VOTE_BYTES);
    blk.vote_count = 3;
    int n = xr_bft_block_encode(&blk, buf, sizeof buf);
    assert_true(n > 0);
    assert_int_equal(xr_bft_validate_block(b, buf, (size_t)n), 0);
    /* a third vote of validator 1: over its limit */
    blk.vote_count = 4;
    n = xr_bft_block_encode(&blk, buf, sizeof buf);
    assert_true(n > 0);
    assert_int_equal(xr_bft_validate_block(b, buf, (size_t)n), XR_ERR_BFT_INVALID_BLOCK);
    net_free(t);
}

/* A full attestation pool drops committed votes: counted, never approved. */
static void test_bft_att_dropped_counted(void **state) {
    (void)state;
    xr_bft_cfg c;
    small_cfg(&c);
    c.att_votes = 2;
    tnet *t = net_new(4, NULL, &c, 105);
    net_start(t);
    for (int i = 0; i < 4; i++) attest(t, i, 902, XR_CONF_LATEST, 1, 0);
    net_run(t, 10 * SEC);
    assert_false(t->conflict);
    for (int i = 0; i < 4; i++) {
        const xr_bft_stats *st = xr_bft_get_stats(t->nodes[i].b);
        /* four committed votes, room for two; 2 of 4 is no quorum */
        assert_int_equal(st->att_dropped, 2);
        assert_int_equal(t->nodes[i].approvals, 0);
        assert_int_equal(xr_bft_last_approved(t->nodes[i].b, 902, XR_CONF_LATEST), 0);
        assert_int_equal(xr_bft_pending_votes(t->nodes[i].b), 0);
    }
    /* the default pool has room: nothing dropped, offset 1 approved */
    tnet *u = net_new(4, NULL, NULL, 105);
    net_start(u);
    for (int i = 0; i < 4; i++) attest(u, i, 902, XR_CONF_LATEST, 1, 0);
    net_run(u, 10 * SEC);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(xr_bft_get_stats(u->nodes[i].b)->att_dropped, 0);
        assert_int_equal(xr_bft_last_approved(u->nodes[i].b, 902, XR_CONF_LATEST), 1);
    }
    net_free(u);
    net_free(t);
}

/* A small candidate pool is reused slot by slot as votes commit. */
static void test_bft_small_candidate_pool_reused(void **state) {
    (void)state;
    xr_bft_cfg c;
    small_cfg(&c);
    c.pending_votes = 8;  /* two offsets' worth of four votes */
    c.att_votes = 8;
    tnet *t = net_new(4, NULL, &c, 107);
    net_start(t);
    for (uint64_t off = 1; off <= 12; off++) {
        for (int i = 0; i < 4; i++) attest(t, i, 903, XR_CONF_LATEST, off, 0);
        net_run(t, off * 3 * SEC);
    }
    net_run(t, 45 * SEC);
    assert_false(t->conflict);
    for (int i = 0; i < 4; i++) {
        const xr_bft_stats *st = xr_bft_get_stats(t->nodes[i].b);
        assert_int_equal(xr_bft_last_approved(t->nodes[i].b, 903, XR_CONF_LATEST), 12);
        assert_int_equal(t->nodes[i].approvals, 12);
        assert_int_equal(st->att_dropped, 0);
        assert_int_equal(xr_bft_pending_votes(t->nodes[i].b), 0);
    }
    net_free(t);
}

/* What node 0's precommits carried: (chain, level, offset) keys in order. */
typedef struct extcap {
    int precommits;
    uint32_t count;
    uint64_t key[32][3];
} extcap;

static bool ext_filter(tnet *t, int from, int to, const xr_bftmsg *m) {
    extcap *ec = t->fctx;
    if (from != 0 || to != 1 || m->core.type != XR_BFT_PRECOMMIT || ec->precommits) return true;
    ec->precommits++;
    ec->count = m->ext_count;
    for (uint32_t i = 0; i < m->ext_count && i < 32; i++) {
        xr_att_vote v, w;
        xr_bftmsg_ext_get(m, i, &v);
        xr_bftmsg_ext_get_unrooted(m, i, &w);
        xr_att_vote_compute_root(&w);
        assert_memory_equal(&v, &w, sizeof v);
        assert_memory_equal(v.validator, t->nodes[0].addr.bytes, 20);
        ec->key[i][0] = v.header.source_chain_id;
        ec->key[i][1] = v.header.conf_level;
        ec->key[i][2] = v.header.offset;
    }
    return true;
}

/* A precommit extension holds the node's own in-window votes, sorted by
** (chain, level, offset), at most max_ext_votes of them, whatever order
** they were signed in. */
static void test_bft_extension_own_votes_sorted_and_capped(void **state) {
    (void)state;
    xr_bft_cfg c;
    small_cfg(&c);
    c.max_ext_votes = 16;
    c.att_window = 8;
    tnet *t = net_new(4, NULL, &c, 109);
    extcap ec;
    memset(&ec, 0, sizeof ec);
    t->filter = ext_filter;
    t->fctx = &ec;
    /* 3 streams x offsets 1..10 in a scrambled order; 10 lies beyond the
    ** window (its midpoint before any approval is offset 1: 1 + 8 = 9 is
    ** the last inside); offset 1 of chain 904 is signed by nobody else */
    static const uint64_t chains[3] = {906, 904, 905};
    static const uint8_t levels[3] = {XR_CONF_FINALIZED, XR_CONF_LATEST, XR_CONF_LATEST};
    for (uint64_t k = 0; k < 30; k++) {
        uint64_t j = (k * 7) % 30;
        attest(t, 0, chains[j % 3], levels[j % 3], 1 + j / 3, 0);
    }
    net_start(t);
    net_run(t, 200 * MS);
    assert_int_equal(ec.precommits, 1);
    /* 27 in window, capped at 16: chain 904 offsets 1..9, 905 offsets 1..7 */
    assert_int_equal(ec.count, 16);
    for (uint32_t i = 0; i < 16; i++) {
        assert_int_equal(ec.key[i][0], i < 9 ? 904 : 905);
        assert_int_equal(ec.key[i][1], XR_CONF_LATEST);
        assert_int_equal(ec.key[i][2], i < 9 ? (uint64_t)i + 1 : (uint64_t)(i - 9) + 1);
    }
    net_free(t);
}

/* ---- the Keccak service ------------------------------------------------------------------- */

/* 7 nodes, every node signing 64 XBlocks (4 streams x 16 offsets) before
** the start and 4 finalized ones every second until 15 s; svc (NULL: plain
** Keccak) behind every node's Keccak.  Returns the net after 20 s; *peak =
** the most candidate votes one node held at a 50 ms sample. */
static tnet *keccak_run(const xr_keccak_service *svc, uint32_t *peak) {
    xr_bft_cfg c;
    small_cfg(&c);
    c.pending_votes = 4096;
    c.att_votes = 8192;
    c.att_window = 64;
    c.max_block_votes = 1024;
    c.max_ext_votes = 128;
    tnet *t = net_new(7, NULL, &c, 113);
    t->dmin = 3 * MS;
    t->dmax = 40 * MS;
    for (int i = 0; i < 7; i++) xr_bft_set_keccak(t->nodes[i].b, svc);
    for (uint64_t off = 1; off <= 16; off++)
        for (uint64_t ch = 0; ch < 4; ch++)
            for (int i = 0; i < 7; i++) attest(t, i, 910 + ch, XR_CONF_LATEST, off, 0);
    net_start(t);
    *peak = 0;
    for (uint64_t ms = 50; ms <= 20000; ms += 50) {
        if (ms % 1000 == 0 && ms <= 15000)
            for (uint64_t ch = 0; ch < 4; ch++)
                for (int i = 0; i < 7; i++) attest(t, i, 910 + ch, XR_CONF_FINALIZED, ms / 1000, 0);
        net_run(t, ms * MS);
        for (int i = 0; i < 7; i++) {
            uint32_t p = xr_bft_pending_votes(t->nodes[i].b);
            if (p > *peak) *peak = p;
        }
    }
    return t;
}

/* A shared digest memo behind every node's Keccak changes nothing: the
** same commits (ids, rounds, times), approvals and counters as plain
** Keccak, while the memo answered most hashes (message digests, block
** ids, attestation roots).  The candidate pool holds several hundred
** votes at its peak and none at the end, so its bucket table grows and
** shrinks again along the way. */
static void test_bft_keccak_service_changes_nothing(void **state) {
    (void)state;
    mdl_digest_memo *memo = mdl_digest_memo_new();
    assert_non_null(memo);
    xr_keccak_service svc = mdl_digest_memo_service(memo); /* outlives both nets */
    uint32_t peak_a = 0, peak_b = 0;
    tnet *a = keccak_run(NULL, &peak_a);
    tnet *b = keccak_run(&svc, &peak_b);
    assert_false(a->conflict);
    assert_int_equal(peak_a, peak_b);
    assert_true(peak_a > 300); /* > 256: the bucket table grew */
    for (int i = 0; i < 7; i++) {
        tnode *x = &a->nodes[i], *y = &b->nodes[i];
        assert_true(x->commits >= 15);
        assert_int_equal(x->commits, y->commits);
        assert_memory_equal(x->has_commit, y->has_commit, sizeof x->has_commit);
        assert_memory_equal(x->commit_id, y->commit_id, sizeof x->commit_id);
        assert_memory_equal(x->commit_round, y->commit_round, sizeof x->commit_round);
        assert_memory_equal(x->commit_time, y->commit_time, sizeof x->commit_time);
        assert_true(x->approvals >= 64 + 4 * 12);
        assert_int_equal(x->approvals, y->approvals);
        assert_memory_equal(x->ap, y->ap, sizeof x->ap);
        assert_memory_equal(xr_bft_get_stats(x->b), xr_bft_get_stats(y->b), sizeof(xr_bft_stats));
        assert_int_equal(xr_bft_pending_votes(x->b), 0);
        assert_int_equal(xr_bft_pending_votes(y->b), 0);
        assert_int_equal(xr_bft_last_approved(x->b, 910, XR_CONF_LATEST), 16);
        assert_int_equal(xr_bft_last_approved(y->b, 913, XR_CONF_FINALIZED), 15);
    }
    mdl_digest_memo_stats st = mdl_digest_memo_get_stats(memo);
    assert_true(st.small_hits > st.small_lookups / 2);   /* digests, pairs, inner leaves */
    assert_true(st.medium_hits > st.medium_lookups / 2); /* tagged headers */
    assert_true(st.large_hits > 0);                      /* blocks of > 1 KiB */
    net_free(a);
    net_free(b);
    mdl_digest_memo_free(memo);
}

/* Round catch-up: node 0 skipped to round 1 (f+1 of round 1 from two
** peers) while a third peer, m, still sends round-0 messages.  Node 0 SENDs
** m its own round-0 vote back -- but not within retransmit_ns of entering
** round 1 (m's message was in flight), not twice per retransmit_ns, and
** never for a round-0 message of a signer already seen in round 1 (a
** straggler).  Swarm seed 10158 was stuck forever for want of this. */
static uint32_t sends_to(tnet *t, uint32_t to, uint8_t *type, uint32_t *round) {
    uint32_t k = 0;
    for (uint32_t i = 0; i < t->acts.count; i++) {
        const xr_action *a = &t->acts.items[i];
        if (a->kind != XR_ACT_SEND) continue;
        assert_int_equal(a->u.send.to, to);
        xr_bftmsg m;
        xr_bftmsg_limits lim = big_limits();
        assert_int_equal(xr_bftmsg_decode(a->u.send.bytes.ptr, a->u.send.bytes.len, &lim, &m), 0);
        assert_memory_equal(m.core.validator, t->nodes[0].addr.bytes, 20);
        type[k] = m.core.type;
        round[k] = m.core.round;
        k++;
    }
    xr_actions_clear(&t->acts);
    return k;
}

static int signed_vote(tnet *t, int who, uint8_t type, uint32_t round, uint8_t *out, size_t cap) {
    xr_bft_core c;
    memset(&c, 0, sizeof c);
    c.type = type;
    c.chain_id = t->cfg.chain_id;
    c.height = 1;
    c.round = round;
    c.pol_round = XR_BFT_NO_ROUND;
    memcpy(c.validator, t->nodes[who].addr.bytes, 20);
    assert_int_equal(xr_bft_sign_core(&t->be, t->nodes[who].key, &c), 0);
    return xr_bftmsg_encode(&c, NULL, 0, NULL, 0, out, cap);
}

static void test_bft_round_catchup_for_a_peer_left_behind(void **state) {
    (void)state;
    tnet *t = net_new(4, NULL, NULL, 31);
    xr_bft *b = t->nodes[0].b;
    assert_int_equal(xr_bft_start(b, 0, &t->acts), 0);
    xr_actions_clear(&t->acts);
    /* node 0 prevotes in round 0 (on its own proposal or the timeout) */
    uint64_t now = 0;
    while (xr_bft_get_step(b) == XR_BFT_STEP_PROPOSE) {
        now = xr_bft_next_deadline(b);
        assert_int_equal(xr_bft_on_timer(b, now, &t->acts), 0);
        xr_actions_clear(&t->acts);
    }
    assert_int_equal(xr_bft_round(b), 0);
    /* two peers sign in round 1: f+1, node 0 skips there */
    uint8_t buf[512];
    uint8_t ty[8];
    uint32_t rd[8];
    for (int j = 1; j <= 2; j++) {
        int n = signed_vote(t, j, XR_BFT_PREVOTE, 1, buf, sizeof buf);
        assert_int_equal(xr_bft_on_message(b, now, (uint32_t)j, buf, (size_t)n, &t->acts), 0);
    }
    assert_int_equal(xr_bft_round(b), 1);
    assert_int_equal(sends_to(t, 3, ty, rd), 0);
    /* m = 3 still in round 0: not answered while its message may have been
    ** in flight ... */
    int n3 = signed_vote(t, 3, XR_BFT_PREVOTE, 0, buf, sizeof buf);
    assert_int_equal(xr_bft_on_message(b, now + 500 * MS, 3, buf, (size_t)n3, &t->acts), 0);
    assert_int_equal(sends_to(t, 3, ty, rd), 0);
    /* ... then its retransmission gets node 0's round-0 prevote back */
    uint64_t t1 = now + 1100 * MS;
    assert_int_equal(xr_bft_on_message(b, t1, 3, buf, (size_t)n3, &t->acts), XR_ERR_BFT_DUPLICATE);
    assert_int_equal(sends_to(t, 3, ty, rd), 1);
    assert_int_equal(ty[0], XR_BFT_PREVOTE);
    assert_int_equal(rd[0], 0);
    assert_int_equal(xr_bft_get_stats(b)->round_catchups, 1);
    /* once per retransmit_ns */
    assert_int_equal(xr_bft_on_message(b, t1 + 900 * MS, 3, buf, (size_t)n3, &t->acts),
                     XR_ERR_BFT_DUPLICATE);
    assert_int_equal(sends_to(t, 3, ty, rd), 0);
    assert_int_equal(xr_bft_on_message(b, t1 + 1000 * MS, 3, buf, (size_t)n3, &t->acts),
                     XR_ERR_BFT_DUPLICATE);
    assert_int_equal(sends_to(t, 3, ty, rd), 1);
    /* a round-0 message of peer 1, seen in round 1, is a straggler */
    int n1 = signed_vote(t, 1, XR_BFT_PREVOTE, 0, buf, sizeof buf);
    assert_int_equal(xr_bft_on_message(b, t1 + 1000 * MS, 1, buf, (size_t)n1, &t->acts), 0);
    assert_int_equal(sends_to(t, 1, ty, rd), 0);
    /* once m signs in round 1 it is no longer answered for round 0 */
    int n3b = signed_vote(t, 3, XR_BFT_PREVOTE, 1, buf, sizeof buf);
    assert_int_equal(xr_bft_on_message(b, t1 + 1100 * MS, 3, buf, (size_t)n3b, &t->acts), 0);
    xr_actions_clear(&t->acts);
    n3 = signed_vote(t, 3, XR_BFT_PRECOMMIT, 0, buf, sizeof buf);
    assert_int_equal(xr_bft_on_message(b, t1 + 3000 * MS, 3, buf, (size_t)n3, &t->acts), 0);
    uint32_t k = 0;
    for (uint32_t i = 0; i < t->acts.count; i++) k += t->acts.items[i].kind == XR_ACT_SEND;
    assert_int_equal(k, 0);
    xr_actions_clear(&t->acts);
    assert_int_equal(xr_bft_get_stats(b)->round_catchups, 2);
    net_free(t);
}

/* ---- randomized ----------------------------------------------------------------------------- */

static void randomized_run(uint64_t seed) {
    uint64_t r = seed * UINT64_C(0x9e3779b97f4a7c15) + 7;
    int n = 4 + (int)((r >> 7) % 7); /* 4..10 */
    uint64_t powers[MAXN];
    for (int i = 0; i < n; i++) powers[i] = 1 + ((r >> (i * 3)) % 3);
    tnet *t = net_new(n, powers, NULL, seed);
    t->dmin = 2 * MS;
    t->dmax = 400 * MS;
    t->drop_pm = 50; /* 5% of messages lost */
    /* silence validators while their power stays below 1/3 */
    uint64_t total = 0, down = 0;
    for (int i = 0; i < n; i++) total += powers[i];
    for (int i = n - 1; i >= 0; i--) {
        if (rnd(t) % 2 == 0 && 3 * (down + powers[i]) < total) {
            down += powers[i];
            t->nodes[i].down = true;
        }
    }
    net_start(t);
    for (uint64_t sec = 1; sec <= 90; sec++) {
        /* attestations keep arriving for two streams */
        for (int i = 0; i < n; i++)
            if (!t->nodes[i].down) {
                xr_xheader h;
                memset(&h, 0, sizeof h);
                h.source_chain_id = 10 + sec % 2;
                h.consensus_chain_id = t->cfg.chain_id;
                h.conf_level = XR_CONF_LATEST;
                h.offset = (sec + 1) / 2;
                xr_hash mr;
                memset(mr.bytes, (int)sec, 32);
                int rc = xr_bft_add_local_attestation(t->nodes[i].b, &h, &mr);
                assert_true(rc == 0 || rc == XR_ERR_BFT_ATT_STALE);
            }
        net_run(t, sec * SEC);
        assert_false(t->conflict);
    }
    uint64_t h = min_live_height(t);
    if (seed > 8) { /* BFT_SURVEY */
        fprintf(stderr, "survey seed %llu n %d down %llu/%llu min height %llu\n",
                (unsigned long long)seed, n, (unsigned long long)down, (unsigned long long)total,
                (unsigned long long)h);
        net_free(t);
        return;
    }
    if (h < 12 || getenv("BFT_VERBOSE")) {
        fprintf(stderr, "seed %llu n %d down-power %llu/%llu: min height %llu\n",
                (unsigned long long)seed, n, (unsigned long long)down, (unsigned long long)total,
                (unsigned long long)h);
        for (int i = 0; i < n; i++) {
            if (t->nodes[i].down) continue;
            const xr_bft_stats *st = xr_bft_get_stats(t->nodes[i].b);
            fprintf(stderr, "  node %d h %llu rounds %llu catchups %llu (rounds %llu) fut %llu/%llu\n", i,
                    (unsigned long long)xr_bft_height(t->nodes[i].b),
                    (unsigned long long)st->rounds_started, (unsigned long long)st->catchups_sent,
                    (unsigned long long)st->round_catchups,
                    (unsigned long long)st->future_buffered, (unsigned long long)st->future_dropped);
        }
        int rounds_hist[6] = {0};
        for (uint64_t k = 1; k <= h; k++) {
            uint32_t cr = 0;
            for (int i = 0; i < n; i++)
                if (!t->nodes[i].down && t->nodes[i].has_commit[k]) cr = t->nodes[i].commit_round[k];
            rounds_hist[cr > 5 ? 5 : cr]++;
        }
        fprintf(stderr, "  commit rounds: %d %d %d %d %d %d+\n", rounds_hist[0], rounds_hist[1],
                rounds_hist[2], rounds_hist[3], rounds_hist[4], rounds_hist[5]);
    }
    assert_true(h >= 12);
    /* every live node approved the same prefix of each stream */
    for (int i = 0; i < n; i++) {
        if (t->nodes[i].down) continue;
        assert_true(xr_bft_last_approved(t->nodes[i].b, 10, XR_CONF_LATEST) >= 5);
    }
    net_free(t);
}

static void test_bft_randomized_safety_and_liveness(void **state) {
    (void)state;
    uint64_t only = getenv("BFT_RSEED") ? strtoull(getenv("BFT_RSEED"), NULL, 10) : 0;
    for (uint64_t seed = 1; seed <= 8; seed++)
        if (!only || seed == only) randomized_run(seed);
    /* BFT_SURVEY=n: seeds 9..n too, each printing its minimum height and not
    ** judged (to compare the distribution across core changes) */
    uint64_t more = getenv("BFT_SURVEY") ? strtoull(getenv("BFT_SURVEY"), NULL, 10) : 0;
    for (uint64_t seed = 9; seed <= more; seed++) randomized_run(seed);
}

/* One validator (power < 1/3) double-signs everything it sends: honest
** nodes never disagree, keep committing, and report verifiable evidence. */
static void test_bft_randomized_equivocator(void **state) {
    (void)state;
    uint64_t first = getenv("BFT_SEED") ? strtoull(getenv("BFT_SEED"), NULL, 10) : 21;
    for (uint64_t seed = first; seed <= 24; seed++) {
        int n = 4 + (int)(seed % 4);
        tnet *t = net_new(n, NULL, NULL, seed);
        t->dmin = 2 * MS;
        t->dmax = 200 * MS;
        t->drop_pm = 20;
        int byz = (int)(seed % (uint64_t)n);
        t->nodes[byz].equivocate = true;
        net_start(t);
        net_run(t, 60 * SEC);
        assert_false(t->conflict);
        int evidence = 0;
        for (int i = 0; i < n; i++) {
            if (i == byz) continue;
            uint64_t h = 0;
            while (h + 1 < MAXH && t->nodes[i].has_commit[h + 1]) h++;
            if (h < 8) fprintf(stderr, "seed %llu node %d height %llu round %u\n", (unsigned long long)seed, i, (unsigned long long)h, xr_bft_round(t->nodes[i].b));
            assert_true(h >= 8);
            for (int k = 0; k < t->nodes[i].evidence && k < 8; k++) {
                xr_evidence e;
                assert_int_equal(xr_evidence_verify(t->nodes[i].ev[k], t->nodes[i].ev_len[k], &t->be,
                                                    &t->vs, &e),
                                 0);
                assert_memory_equal(e.offender, t->nodes[byz].addr.bytes, 20);
            }
            evidence += t->nodes[i].evidence;
        }
        assert_true(evidence > 0);
        if (getenv("BFT_VERBOSE"))
            fprintf(stderr, "equivocator seed %llu n %d: evidence %d, min height %llu\n",
                    (unsigned long long)seed, n, evidence, (unsigned long long)min_live_height(t));
        net_free(t);
    }
}

int main(void) {
    g_trace = getenv("BFT_TRACE") != NULL;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bft_happy_path_commits_heights),
        cmocka_unit_test(test_bft_proposer_rotation_weighted),
        cmocka_unit_test(test_bft_proposer_rotates_across_heights),
        cmocka_unit_test(test_bft_valset_change_at_height),
        cmocka_unit_test(test_bft_validate_block_reasons),
        cmocka_unit_test(test_bft_round_change_on_silent_proposer),
        cmocka_unit_test(test_bft_invalid_block_gets_nil_prevotes),
        cmocka_unit_test(test_bft_lock_released_by_later_polka),
        cmocka_unit_test(test_bft_locked_value_reproposed_with_pol),
        cmocka_unit_test(test_bft_unequal_power_silent_third_halts),
        cmocka_unit_test(test_bft_unequal_power_silent_small_commits),
        cmocka_unit_test(test_bft_malformed_bytes_rejected),
        cmocka_unit_test(test_bft_duplicate_and_late_messages),
        cmocka_unit_test(test_bft_round_catchup_for_a_peer_left_behind),
        cmocka_unit_test(test_bft_future_height_buffered_and_catchup),
        cmocka_unit_test(test_bft_equivocating_prevote_evidence),
        cmocka_unit_test(test_bft_third_twin_replaces_the_unsupported_one),
        cmocka_unit_test(test_bft_attestation_double_sign_evidence),
        cmocka_unit_test(test_bft_attestation_approved_at_quorum_in_order),
        cmocka_unit_test(test_bft_attestation_window_limits),
        cmocka_unit_test(test_bft_defaults_are_omnis),
        cmocka_unit_test(test_bft_extension_rejected_whole),
        cmocka_unit_test(test_bft_block_votes_per_validator_capped),
        cmocka_unit_test(test_bft_att_dropped_counted),
        cmocka_unit_test(test_bft_small_candidate_pool_reused),
        cmocka_unit_test(test_bft_extension_own_votes_sorted_and_capped),
        cmocka_unit_test(test_bft_keccak_service_changes_nothing),
        cmocka_unit_test(test_bft_randomized_safety_and_liveness),
        cmocka_unit_test(test_bft_randomized_equivocator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
