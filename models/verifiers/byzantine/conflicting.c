/*
** conflicting_attestations: for each own precommit with attestation votes
** in its extension, a twin precommit with the SAME signed core and an
** extension of conflicting votes -- same header, message root
** keccak("xrsim:conflicting-attestation" || root), each signed -- goes to
** the second half of the peers (and with `reveal`, default true, after the
** original to the first half); honest cores report XR_EVIDENCE_ATTEST_CONFLICT.
** With equivocating firing on the same precommit, the one twin carries the
** other block id and the conflicting votes (a nil twin carries none).
*/
#include <stdio.h>
#include <string.h>

#include "verifiers/byzantine/byzantine.h"
#include "xr_attest.h"
#include "xr_keccak.h"

enum { TWIN, CONFLICTING_VOTE };

static const char tag[] = "xrsim:conflicting-attestation";

const mdl_byz_behaviour mdl_byz_conflicting;

/* An entry's parameters. */
typedef struct params {
    bool reveal;                 /* the first half of the peers also gets the twin */
} params;

static bool load(const sim_ynode *it, const mdl_verifier_config *vc, mdl_byzantine_cfg *c, sim_diag *d) {
    (void)vc;
    params *p = c->params;
    return sim_yfield_bool(it, "reveal", false, true, &p->reveal, d);
}

static void params_text(const mdl_byzantine_cfg *c, char *out, size_t cap) {
    const params *p = c->params;
    snprintf(out, cap, "reveal=%s", p->reveal ? "true" : "false");
}

/* Conflicting votes for the extension entries of m into out: each entry's
** header with a made-up message root keccak(tag || root), signed by v.
** False when a signature failed. */
static bool conflicting_ext(mdl_verifier *v, const xr_bftmsg *m, uint8_t *out) {
    for (uint32_t i = 0; i < m->ext_count; i++) {
        xr_att_vote a;
        xr_bftmsg_ext_get(m, i, &a);
        uint8_t buf[sizeof tag - 1u + 32u];
        memcpy(buf, tag, sizeof tag - 1u);
        memcpy(buf + sizeof tag - 1u, a.msg_root.bytes, 32);
        xr_keccak256(buf, sizeof buf, a.msg_root.bytes);
        xr_att_vote_compute_root(&a);
        xr_hash dg;
        xr_attest_sign_digest(&a.root, &dg);
        if (xr_sig_sign(mdl_byz_sig(v), mdl_byz_key(v), dg.bytes, a.sig) != 0) return false;
        xr_att_vote_encode_entry(&a, out + (size_t)i * XR_BFT_EXT_ENTRY_BYTES);
    }
    return true;
}

static void on_outgoing(void *state, mdl_verifier *v, mdl_byz_out *o, uint64_t now_ns) {
    (void)state;
    if (!mdl_byz_twin_open(v, o)) return;
    mdl_byz_twin *t = &o->twin;
    if (t->m.core.type != XR_BFT_PRECOMMIT || t->m.ext_count == 0) return;
    mdl_byz_entry *e = mdl_byz_fire(v, &mdl_byz_conflicting, now_ns, NULL, NULL);
    if (!e) return;
    t->reveal = t->reveal || ((const params *)e->info.cfg->params)->reveal;
    /* a nil precommit carries no extension: a twin for nil (equivocating's) has none */
    if (xr_bft_id_is_nil(t->c.block_id)) return;
    uint8_t *ext = mdl_byz_twin_ext(v);
    if (!conflicting_ext(v, &t->m, ext)) {
        t->failed = true;
        return;
    }
    t->ext = ext;
    t->ext_n = t->m.ext_count;
    e->info.counters.n[CONFLICTING_VOTE] += t->ext_n;
    if (!t->by) {
        t->by = e;
        t->credit = &e->info.counters.n[TWIN];
    }
}

static const char *const keys[] = {"reveal", NULL};

const mdl_byz_behaviour mdl_byz_conflicting = {
    .name = "conflicting_attestations",
    .order = 21,
    .keys = keys,
    .params_size = sizeof(params),
    .counters = {"twin", "conflicting_vote"},
    .load = load,
    .params_text = params_text,
    .on_outgoing = on_outgoing,
};
