/*
** Expectations evaluated on a run's summary (see expect_eval.h).
*/
#include "world/expect_eval.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "units.h"

/* ---- values -------------------------------------------------------------- */

static bool pct(const mdl_finality *f, uint64_t ns, double *out) {
    if (f->executed == 0) return false;
    *out = (double)ns;
    return true;
}

static bool ratio(uint64_t num, uint64_t den, double *out) {
    if (den == 0) return false;
    *out = (double)num / (double)den;
    return true;
}

static bool count(uint64_t v, double *out) {
    *out = (double)v;
    return true;
}

bool mdl_expect_value(uint32_t metric, const mdl_world_summary *s, double *out) {
    assert(s && out && metric < MDL_XM_COUNT);
    *out = 0;
    size_t n;
    mdl_expect_needs needs = mdl_expect_metrics(&n)[metric].needs;
    if (needs == MDL_EXPECT_NEEDS_ROLLUPS && !s->has_xchain) return false;
    if (needs == MDL_EXPECT_NEEDS_VERIFIERS && !s->has_consensus) return false;
    const mdl_finality *fa = &s->xchain.latest, *fi = &s->xchain.finalized;
    const mdl_consensus_summary *c = &s->consensus;
    switch (metric) {
    case MDL_XM_FAST_EMITTED: return count(fa->emitted, out);
    case MDL_XM_FAST_EXECUTED: return count(fa->executed, out);
    case MDL_XM_FAST_EXEC_FRAC: return ratio(fa->executed, fa->emitted, out);
    case MDL_XM_FAST_P50: return pct(fa, fa->p50_ns, out);
    case MDL_XM_FAST_P90: return pct(fa, fa->p90_ns, out);
    case MDL_XM_FAST_P99: return pct(fa, fa->p99_ns, out);
    case MDL_XM_FAST_MAX: return pct(fa, fa->max_ns, out);
    case MDL_XM_FAST_COST: return ratio(fa->fee_wei_sum + fa->l1_fee_wei_sum, fa->executed, out);
    case MDL_XM_FIN_EMITTED: return count(fi->emitted, out);
    case MDL_XM_FIN_EXECUTED: return count(fi->executed, out);
    case MDL_XM_FIN_EXEC_FRAC: return ratio(fi->executed, fi->emitted, out);
    case MDL_XM_FIN_P50: return pct(fi, fi->p50_ns, out);
    case MDL_XM_FIN_P90: return pct(fi, fi->p90_ns, out);
    case MDL_XM_FIN_P99: return pct(fi, fi->p99_ns, out);
    case MDL_XM_FIN_MAX: return pct(fi, fi->max_ns, out);
    case MDL_XM_FIN_COST: return ratio(fi->fee_wei_sum + fi->l1_fee_wei_sum, fi->executed, out);
    case MDL_XM_MSG_VIOLATIONS: return count(s->xchain.violations, out);
    case MDL_XM_REL_SUBMISSIONS: return count(s->xchain.submissions, out);
    case MDL_XM_REL_REVERTED: return count(s->xchain.reverted, out);
    case MDL_XM_REL_FEE: return count(s->xchain.relayer_fee_wei, out);
    case MDL_XM_CONS_HEIGHTS: return count(c->heights_committed, out);
    case MDL_XM_CONS_LAST_HEIGHT: return count(c->last_height, out);
    case MDL_XM_CONS_HEIGHT_P50: return c->heights_committed && count(c->height_p50_ns, out);
    case MDL_XM_CONS_HEIGHT_P99: return c->heights_committed && count(c->height_p99_ns, out);
    case MDL_XM_CONS_HEIGHT_MAX: return c->heights_committed && count(c->height_max_ns, out);
    case MDL_XM_CONS_COMMIT_P99: return c->heights_committed && count(c->commit_p99_ns, out);
    case MDL_XM_CONS_MAX_STALL: return count(c->max_stall_ns, out);
    case MDL_XM_CONS_MULTI_ROUND: return count(c->multi_round_heights, out);
    case MDL_XM_CONS_APPROVED: return count(c->attestations_approved, out);
    case MDL_XM_CONS_APPROVAL_P99: return c->attestations_approved && count(c->approval_p99_ns, out);
    case MDL_XM_CONS_EVIDENCE: return count(c->evidence, out);
    case MDL_XM_CONS_OFFENDERS: return count(c->offenders, out);
    case MDL_XM_CONS_CONFLICTS: return count(c->conflicts, out);
    case MDL_XM_CONS_APPROVAL_CONFLICTS: return count(c->approval_conflicts, out);
    case MDL_XM_CONS_ACTIONS_DROPPED: return count(c->actions_dropped, out);
    case MDL_XM_NET_SENT: return count(s->net.sent, out);
    case MDL_XM_NET_DELIVERED: return count(s->net.delivered, out);
    case MDL_XM_NET_LOST:
        return count(s->net.dropped_loss + s->net.dropped_partition + s->net.dropped_crash, out);
    case MDL_XM_PROBE_DELIVERED_FRAC: return ratio(s->probes_delivered, s->probes_sent, out);
    case MDL_XM_PROBE_P50: return s->latency_count && count(s->latency_p50_ns, out);
    case MDL_XM_PROBE_P99: return s->latency_count && count(s->latency_p99_ns, out);
    case MDL_XM_PROBE_MAX: return s->latency_count && count(s->latency_max_ns, out);
    case MDL_XM_V_FORGED: return count(s->xchain.verdicts.forged_executed, out);
    case MDL_XM_V_FORGED_VALUE: *out = (double)s->xchain.verdicts.forged_value_gwei * (double)SIM_WEI_PER_GWEI; return true;
    case MDL_XM_V_CONFLICTS: return count(s->xchain.verdicts.conflicts, out);
    case MDL_XM_V_DELAYED: return count(s->xchain.verdicts.delayed, out);
    case MDL_XM_V_UNSAFE: return count(s->xchain.verdicts.unsafe, out);
    case MDL_XM_V_STALLED: return count(s->xchain.verdicts.stalled, out);
    case MDL_XM_S_OFFENCES: return count(s->xchain.offences, out);
    case MDL_XM_S_SLASHED_OFFENCES: return count(s->xchain.offences_slashed, out);
    case MDL_XM_S_SLASHED: *out = (double)s->xchain.ledger.slashed * (double)SIM_WEI_PER_GWEI; return true;
    case MDL_XM_S_WITHDRAWN: *out = (double)s->xchain.ledger.withdrawn * (double)SIM_WEI_PER_GWEI; return true;
    case MDL_XM_A_PNL: *out = (double)s->xchain.coalition_pnl_gwei * (double)SIM_WEI_PER_GWEI; return true;
    case MDL_XM_A_PROFITABLE: return count(s->xchain.coalitions_profitable, out);
    case MDL_XM_A_UNSLASHED: return count(s->xchain.signers_unslashed, out);
    default: break;
    }
    return false;
}

size_t mdl_expect_evaluate(const mdl_expect_config *c, const mdl_world_summary *s, mdl_expect_outcome *out) {
    assert(c && s && (out || c->count == 0));
    size_t violated = 0;
    for (size_t i = 0; i < c->count; i++) {
        const mdl_expect_bound *b = &c->bounds[i];
        mdl_expect_outcome *o = &out[i];
        o->bound = b;
        o->has_value = mdl_expect_value(b->metric, s, &o->value);
        if (!o->has_value) o->value = 0;
        o->passed = o->has_value && (b->kind == MDL_EXPECT_MIN ? o->value >= b->bound : o->value <= b->bound);
        if (!o->passed) violated++;
    }
    return violated;
}

/* ---- formatting ---------------------------------------------------------- */

void mdl_expect_format(const mdl_expect_outcome *o, char *buf, size_t len) {
    assert(o && o->bound && buf && len > 0);
    const mdl_expect_bound *b = o->bound;
    size_t n;
    const mdl_expect_metric *m = &mdl_expect_metrics(&n)[b->metric];
    const char *kind = b->kind == MDL_EXPECT_MIN ? "min" : "max";
    char bs[64], vs[64];
    mdl_expect_format_digits(m->unit, b->bound, 4, bs, sizeof bs);
    if (!o->has_value) {
        snprintf(buf, len, "%s = n/a (no value in this run), %s %s", m->name, kind, bs);
        return;
    }
    /* more digits until two different numbers print differently */
    mdl_expect_format_digits(m->unit, o->value, 4, vs, sizeof vs);
    for (int digits = 5; digits <= 17 && o->value != b->bound && strcmp(vs, bs) == 0; digits++) {
        mdl_expect_format_digits(m->unit, b->bound, digits, bs, sizeof bs);
        mdl_expect_format_digits(m->unit, o->value, digits, vs, sizeof vs);
    }
    const char *op;
    if (b->kind == MDL_EXPECT_MIN) op = o->passed ? ">=" : "<";
    else op = o->passed ? "<=" : ">";
    snprintf(buf, len, "%s = %s %s %s %s", m->name, vs, op, kind, bs);
}
