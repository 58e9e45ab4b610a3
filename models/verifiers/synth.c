/* Synthetic XBlocks (see synth.h). */
#include "verifiers/synth.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "verifiers/verifier.h"
#include "xr_attest.h"
#include "xr_keccak.h"

enum { PURPOSE_PHASE = 4 };

struct mdl_synth {
    sim_engine *engine;
    mdl_verifiers *vs;
    mdl_xblock_synth_cfg sc;
    uint64_t chain_id, seed;
    uint32_t kind;
    uint64_t *offset;            /* per chain: last attest offset */
    uint64_t *msg_offset;        /* per chain: last message offset */
    xr_xmsg *msgs;
    xr_hash *work;
    const char *error;
};

static void stop(mdl_synth *s, const char *why) {
    if (!s->error) s->error = why;
    sim_engine_stop(s->engine);
}

static void emit(void *ctx, sim_engine *e, const sim_event *ev) {
    mdl_synth *s = ctx;
    const mdl_xblock_synth_cfg *sc = &s->sc;
    uint32_t c = ev->node;
    assert(c < sc->chains);
    uint64_t now = sim_now_ns(e);
    xr_xheader h;
    memset(&h, 0, sizeof h);
    h.source_chain_id = MDL_SYNTH_CHAIN_BASE + c;
    h.consensus_chain_id = s->chain_id;
    h.conf_level = sc->level;
    h.offset = ++s->offset[c];
    h.source_block_height = h.offset;
    uint8_t buf[32];
    for (int i = 0; i < 8; i++) {
        buf[i] = (uint8_t)(s->seed >> (56 - 8 * i));
        buf[8 + i] = (uint8_t)(h.source_chain_id >> (56 - 8 * i));
        buf[16 + i] = (uint8_t)(h.offset >> (56 - 8 * i));
        buf[24 + i] = (uint8_t)(now >> (56 - 8 * i));
    }
    xr_keccak256(buf, sizeof buf, h.source_block_hash.bytes);
    xr_hash root;
    memset(&root, 0, sizeof root);
    for (uint32_t k = 0; k < sc->messages; k++) {
        xr_xmsg *m = &s->msgs[k];
        memset(m, 0, sizeof *m);
        m->dest_chain_id = MDL_SYNTH_CHAIN_BASE + (sc->chains > 1 ? (c + 1u + k % (sc->chains - 1u)) % sc->chains : c);
        m->shard_id = XR_SHARD(sc->level);
        m->offset = ++s->msg_offset[c];
        memcpy(m->sender.bytes, h.source_block_hash.bytes, 20);
        m->to.bytes[19] = (uint8_t)k;
        m->gas_limit = 100000;
    }
    if (sc->messages && xr_attest_msg_root(s->msgs, sc->messages, s->work, 2u * sc->messages, &root) != 0) {
        stop(s, "synthetic XBlock: message root");
        return;
    }
    mdl_verifiers_observe_msgs(s->vs, &h, &root, s->msgs, sc->messages, now);
    if (sim_schedule_at(e, now + sc->interval_ns, s->kind, c, 0) == 0)
        stop(s, "out of memory scheduling a synthetic XBlock");
}

mdl_synth *mdl_synth_new(sim_engine *e, mdl_verifiers *vs, const mdl_xblock_synth_cfg *sc, uint64_t chain_id,
                         uint64_t seed) {
    assert(e && vs && sc && sc->chains >= 1);
    mdl_synth *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->engine = e;
    s->vs = vs;
    s->sc = *sc;
    s->chain_id = chain_id;
    s->seed = seed;
    s->offset = calloc(sc->chains, sizeof *s->offset);
    s->msg_offset = calloc(sc->chains, sizeof *s->msg_offset);
    s->msgs = calloc(sc->messages ? sc->messages : 1u, sizeof *s->msgs);
    s->work = calloc(2u * (sc->messages ? sc->messages : 1u), sizeof *s->work);
    if (!s->offset || !s->msg_offset || !s->msgs || !s->work) {
        mdl_synth_free(s);
        return NULL;
    }
    s->kind = sim_engine_register(e, "verifiers.xblock", emit, s);
    return s;
}

bool mdl_synth_start(mdl_synth *s) {
    for (uint32_t c = 0; c < s->sc.chains; c++) {
        gsl_rng *r = sim_rng_new(s->seed, MDL_ENT_SYNTH, c, PURPOSE_PHASE);
        if (!r) return false;
        uint64_t phase = sim_rng_below(r, s->sc.interval_ns);
        gsl_rng_free(r);
        if (sim_schedule_at(s->engine, sim_now_ns(s->engine) + phase, s->kind, c, 0) == 0) return false;
    }
    return true;
}

void mdl_synth_free(mdl_synth *s) {
    if (!s) return;
    free(s->offset);
    free(s->msg_offset);
    free(s->msgs);
    free(s->work);
    free(s);
}

const char *mdl_synth_error(const mdl_synth *s) { return s ? s->error : NULL; }
