/*
** libFuzzer harness for the consensus decoders: the same bytes go to the
** message decoder, the block decoder and the evidence decoder (each input
** that decodes must re-encode to exactly itself), and then to a live
** consensus node (xr_bft_on_message), which must reject or use them without
** ever tripping an assertion.  Without -DXRSIM_FUZZ the replay driver runs
** the corpus in tests/fuzz/corpus/bftmsg.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sig_fast.h"
#include "xr_bft.h"
#include "xr_evidence.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static xr_bft *g_node;
static xr_actions g_acts;
static xr_sig_backend g_be;
static uint64_t g_now;

static void setup(void) {
    static xr_action items[4096];
    static uint8_t arena[1 << 20];
    static xr_validator store[4];
    static xr_valset vs;
    mdl_sig_fast *sf = mdl_sig_fast_new(1, 4); /* lives for the process */
    if (!sf) abort();
    g_be = mdl_sig_fast_backend(sf);
    xr_validator m[4];
    const xr_sig_key *key0 = NULL;
    for (int i = 0; i < 4; i++) {
        const xr_sig_key *k;
        if (mdl_sig_fast_add_key(sf, &k, &m[i].addr) != 0) abort();
        m[i].power = 1;
        if (i == 0) key0 = k;
    }
    xr_valset_init(&vs, store, 4);
    if (xr_valset_set(&vs, 1, m, 4) != 0) abort();
    xr_bft_cfg cfg;
    xr_bft_cfg_default(&cfg);
    cfg.chain_id = 7;
    cfg.max_validators = 4;
    cfg.max_block_votes = 8;
    cfg.max_ext_votes = 8;
    cfg.max_payload_bytes = 256;
    cfg.pending_votes = 64;
    cfg.future_bytes = 1 << 16;
    cfg.att_votes = 64;
    size_t sz = xr_bft_mem_size(&cfg);
    void *mem = aligned_alloc(16, (sz + 15) & ~(size_t)15);
    if (!mem) abort();
    uint8_t zero[32] = {0};
    if (xr_bft_init(&g_node, mem, sz, &cfg, &g_be, key0, &m[0].addr, &vs, 1, zero, NULL) != 0)
        abort();
    xr_actions_init(&g_acts, items, 4096, arena, sizeof arena);
    if (xr_bft_start(g_node, 0, &g_acts) != 0) abort();
}

static void check_messages(const uint8_t *data, size_t size) {
    static uint8_t again[1 << 17];
    const xr_bftmsg_limits lim = {1u << 16, 64, 64, 4096};
    xr_bftmsg m;
    if (xr_bftmsg_decode(data, size, &lim, &m) == 0) {
        int n = xr_bftmsg_encode(&m.core, m.block, m.block_len, m.ext, m.ext_count, again,
                                 sizeof again);
        if (n < 0 || (size_t)n != size || memcmp(again, data, size) != 0) abort();
        for (uint32_t i = 0; i < m.ext_count; i++) {
            xr_att_vote v;
            xr_bftmsg_ext_get(&m, i, &v);
        }
    }
    xr_bft_block b;
    if (xr_bft_block_decode(data, size, &lim, &b) == 0) {
        int n = xr_bft_block_encode(&b, again, sizeof again);
        if (n < 0 || (size_t)n != size || memcmp(again, data, size) != 0) abort();
        for (uint32_t i = 0; i < b.vote_count; i++) {
            xr_att_vote v;
            xr_bft_block_vote_get(&b, i, &v);
        }
    }
    xr_evidence e;
    if (xr_evidence_decode(data, size, &e) == 0) {
        int n = e.kind == XR_EVIDENCE_DUPLICATE_VOTE
                    ? xr_evidence_encode_duplicate(&e.core_a, &e.core_b, again, sizeof again)
                : e.kind == XR_EVIDENCE_FALSE_ATTEST
                    ? xr_evidence_encode_false_attest(&e.vote_a, again, sizeof again)
                    : xr_evidence_encode_attest(&e.vote_a, &e.vote_b, again, sizeof again);
        if (n < 0 || (size_t)n != size || memcmp(again, data, size) != 0) abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!g_node) setup();
    check_messages(data, size);
    /* a live node must survive any bytes; timers keep it moving */
    g_now += 100000000u;
    (void)xr_bft_on_message(g_node, g_now, 1, data, size, &g_acts);
    xr_actions_clear(&g_acts);
    if (xr_bft_next_deadline(g_node) <= g_now) (void)xr_bft_on_timer(g_node, g_now, &g_acts);
    xr_actions_clear(&g_acts);
    return 0;
}
