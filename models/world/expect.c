/*
** Expectations: the metric table (name, unit kind, what it needs, how to
** read it from mdl_world_summary), loading of the `expect:` section with
** its errors at file:line:column, and evaluation and formatting of bounds.
** See expect.h.
*/
#include "world/expect.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world/world.h"

#define NS_PER_S 1e9
#define WEI_PER_ETH 1e18

/* Metric ids, in table order. */
enum {
    M_FAST_EMITTED, M_FAST_EXECUTED, M_FAST_EXEC_FRAC, M_FAST_P50, M_FAST_P90, M_FAST_P99, M_FAST_MAX,
    M_FAST_COST,
    M_FIN_EMITTED, M_FIN_EXECUTED, M_FIN_EXEC_FRAC, M_FIN_P50, M_FIN_P90, M_FIN_P99, M_FIN_MAX, M_FIN_COST,
    M_MSG_VIOLATIONS, M_REL_SUBMISSIONS, M_REL_REVERTED, M_REL_FEE,
    M_CONS_HEIGHTS, M_CONS_LAST_HEIGHT, M_CONS_HEIGHT_P50, M_CONS_HEIGHT_P99, M_CONS_HEIGHT_MAX,
    M_CONS_COMMIT_P99, M_CONS_MAX_STALL, M_CONS_MULTI_ROUND, M_CONS_APPROVED, M_CONS_APPROVAL_P99,
    M_CONS_EVIDENCE, M_CONS_OFFENDERS, M_CONS_CONFLICTS, M_CONS_APPROVAL_CONFLICTS, M_CONS_ACTIONS_DROPPED,
    M_NET_SENT, M_NET_DELIVERED, M_NET_LOST, M_PROBE_DELIVERED_FRAC, M_PROBE_P50, M_PROBE_P99,
    M_PROBE_MAX,
    M_V_FORGED, M_V_FORGED_VALUE, M_V_CONFLICTS, M_V_DELAYED, M_V_UNSAFE, M_V_STALLED,
    M_S_OFFENCES, M_S_SLASHED_OFFENCES, M_S_SLASHED, M_S_WITHDRAWN,
    M_A_PNL, M_A_PROFITABLE,
    M_COUNT
};

#define D MDL_EXPECT_DURATION
#define C MDL_EXPECT_COUNT
#define F MDL_EXPECT_FRACTION
#define E MDL_EXPECT_ETH
#define XC MDL_EXPECT_NEEDS_ROLLUPS
#define VF MDL_EXPECT_NEEDS_VERIFIERS
#define PR MDL_EXPECT_NEEDS_PROBES
#define NO MDL_EXPECT_NEEDS_NOTHING

static const mdl_expect_metric metrics[M_COUNT] = {
    [M_FAST_EMITTED] = {"fast.emitted", C, XC, "fast (latest) messages emitted after warm-up"},
    [M_FAST_EXECUTED] = {"fast.executed", C, XC, "of those, executed at their destination"},
    [M_FAST_EXEC_FRAC] = {"fast.executed_fraction", F, XC, "executed / emitted (fast)"},
    [M_FAST_P50] = {"fast.p50", D, XC, "emitted-to-executed time, median (fast)"},
    [M_FAST_P90] = {"fast.p90", D, XC, "emitted-to-executed time, 90th percentile (fast)"},
    [M_FAST_P99] = {"fast.p99", D, XC, "emitted-to-executed time, 99th percentile (fast)"},
    [M_FAST_MAX] = {"fast.max", D, XC, "emitted-to-executed time, maximum (fast)"},
    [M_FAST_COST] = {"fast.cost_per_message", E, XC, "destination fee per executed message (fast)"},
    [M_FIN_EMITTED] = {"finalized.emitted", C, XC, "finalized messages emitted after warm-up"},
    [M_FIN_EXECUTED] = {"finalized.executed", C, XC, "of those, executed at their destination"},
    [M_FIN_EXEC_FRAC] = {"finalized.executed_fraction", F, XC, "executed / emitted (finalized)"},
    [M_FIN_P50] = {"finalized.p50", D, XC, "emitted-to-executed time, median (finalized)"},
    [M_FIN_P90] = {"finalized.p90", D, XC, "emitted-to-executed time, 90th percentile (finalized)"},
    [M_FIN_P99] = {"finalized.p99", D, XC, "emitted-to-executed time, 99th percentile (finalized)"},
    [M_FIN_MAX] = {"finalized.max", D, XC, "emitted-to-executed time, maximum (finalized)"},
    [M_FIN_COST] = {"finalized.cost_per_message", E, XC, "destination fee per executed message (finalized)"},
    [M_MSG_VIOLATIONS] = {"messages.violations", C, XC, "out-of-order or repeated executions"},
    [M_REL_SUBMISSIONS] = {"relayers.submissions", C, XC, "relayer transactions"},
    [M_REL_REVERTED] = {"relayers.reverted", C, XC, "relayer transactions the portal rejected"},
    [M_REL_FEE] = {"relayers.fee", E, XC, "total fee relayers paid"},
    [M_CONS_HEIGHTS] = {"consensus.heights", C, VF, "heights with an honest commit"},
    [M_CONS_LAST_HEIGHT] = {"consensus.last_height", C, VF, "highest committed height"},
    [M_CONS_HEIGHT_P50] = {"consensus.height_p50", D, VF, "time per height, median"},
    [M_CONS_HEIGHT_P99] = {"consensus.height_p99", D, VF, "time per height, 99th percentile"},
    [M_CONS_HEIGHT_MAX] = {"consensus.height_max", D, VF, "time per height, maximum"},
    [M_CONS_COMMIT_P99] = {"consensus.commit_p99", D, VF, "height start to first honest commit, p99"},
    [M_CONS_MAX_STALL] = {"consensus.max_stall", D, VF, "longest time without a new commit"},
    [M_CONS_MULTI_ROUND] = {"consensus.multi_round_heights", C, VF, "heights decided in a round > 0"},
    [M_CONS_APPROVED] = {"consensus.attestations_approved", C, VF, "attestations approved"},
    [M_CONS_APPROVAL_P99] = {"consensus.approval_p99", D, VF, "first vote to approval, p99"},
    [M_CONS_EVIDENCE] = {"consensus.evidence", C, VF, "distinct pieces of evidence"},
    [M_CONS_OFFENDERS] = {"consensus.offenders", C, VF, "distinct offenders named by evidence"},
    [M_CONS_CONFLICTS] = {"consensus.conflicts", C, VF, "conflicting honest commits (safety)"},
    [M_CONS_APPROVAL_CONFLICTS] = {"consensus.approval_conflicts", C, VF,
                                   "honest approvals of another root than the first"},
    [M_CONS_ACTIONS_DROPPED] = {"consensus.actions_dropped", C, VF, "core actions lost to a full buffer"},
    [M_NET_SENT] = {"network.sent", C, NO, "network messages sent"},
    [M_NET_DELIVERED] = {"network.delivered", C, NO, "network messages delivered"},
    [M_NET_LOST] = {"network.lost", C, NO, "network messages dropped by loss, partitions or crashes"},
    [M_PROBE_DELIVERED_FRAC] = {"network.probe_delivered_fraction", F, PR,
                                "probes delivered / sent after warm-up"},
    [M_PROBE_P50] = {"network.latency_p50", D, PR, "one-way probe latency, median"},
    [M_PROBE_P99] = {"network.latency_p99", D, PR, "one-way probe latency, 99th percentile"},
    [M_PROBE_MAX] = {"network.latency_max", D, PR, "one-way probe latency, maximum"},
    [M_V_FORGED] = {"verdicts.forged_executed", C, XC, "forged messages executed at their destination"},
    [M_V_FORGED_VALUE] = {"verdicts.forged_value", E, XC, "value carried by the forged messages executed"},
    [M_V_CONFLICTS] = {"verdicts.conflicting_commits", C, XC, "honest commits that differ at a height"},
    [M_V_DELAYED] = {"verdicts.delayed", C, XC, "messages not executed within adversary.delay_bound"},
    [M_V_UNSAFE] = {"verdicts.unsafe", C, XC, "1 when forged messages executed or commits conflicted"},
    [M_V_STALLED] = {"verdicts.stalled", C, XC, "1 when a message was delayed or consensus stalled beyond the bound"},
    [M_S_OFFENCES] = {"slashing.offences", C, XC, "offences the watchers found"},
    [M_S_SLASHED_OFFENCES] = {"slashing.slashed_offences", C, XC, "of those, offences that slashed stake"},
    [M_S_SLASHED] = {"slashing.slashed", E, XC, "stake slashed by the restaking contract"},
    [M_S_WITHDRAWN] = {"slashing.withdrawn", E, XC, "stake that completed the withdrawal queue"},
    [M_A_PNL] = {"attackers.pnl", E, XC, "profit and loss of all coalitions together (may be negative)"},
    [M_A_PROFITABLE] = {"attackers.profitable", C, XC, "coalitions whose attack paid"},
};

#undef D
#undef C
#undef F
#undef E
#undef XC
#undef VF
#undef PR
#undef NO

const mdl_expect_metric *mdl_expect_metrics(size_t *count) {
    assert(count);
    *count = M_COUNT;
    return metrics;
}

int mdl_expect_metric_find(const char *name) {
    assert(name);
    for (int i = 0; i < M_COUNT; i++) {
        if (strcmp(metrics[i].name, name) == 0) return i;
    }
    return -1;
}

const char *mdl_expect_unit_name(mdl_expect_unit u) {
    switch (u) {
    case MDL_EXPECT_DURATION: return "s";
    case MDL_EXPECT_COUNT: return "count";
    case MDL_EXPECT_FRACTION: return "fraction";
    case MDL_EXPECT_ETH: return "ETH";
    }
    return "?";
}

/* ---- loading ------------------------------------------------------------- */

static const char *const entry_keys[] = {"metric", "min", "max", NULL};

/* All metric names, comma-separated (for the unknown-metric error). */
static void known_names(char *buf, size_t len) {
    size_t at = 0;
    buf[0] = '\0';
    for (int i = 0; i < M_COUNT && at < len; i++) {
        int n = snprintf(buf + at, len - at, "%s%s", i ? ", " : "", metrics[i].name);
        if (n < 0) break;
        at += (size_t)n;
    }
}

/* Parses bound node `n` in unit `u` into *out (value unit).  Errors to d. */
static bool parse_bound(const sim_ynode *n, mdl_expect_unit u, double *out, sim_diag *d) {
    uint64_t v = 0;
    switch (u) {
    case MDL_EXPECT_DURATION:
        if (!sim_ynode_duration_ns(n, 0, UINT64_MAX, &v, d)) return false;
        *out = (double)v;
        return true;
    case MDL_EXPECT_COUNT:
        if (!sim_ynode_u64(n, 0, UINT64_MAX, &v, d)) return false;
        *out = (double)v;
        return true;
    case MDL_EXPECT_FRACTION: {
        double f = 0;
        if (!sim_ynode_fraction(n, 0.0, 1.0, &f, d)) return false;
        *out = f;
        return true;
    }
    case MDL_EXPECT_ETH: {
        /* wei precision up to ~18 ETH; larger amounts in whole gwei */
        sim_diag *scratch = sim_diag_new();
        bool ok = scratch && sim_ynode_wei(n, 0, UINT64_MAX, &v, scratch);
        sim_diag_free(scratch);
        if (ok) {
            *out = (double)v;
            return true;
        }
        if (!sim_ynode_gwei(n, 0, UINT64_MAX, &v, d)) return false;
        *out = (double)v * 1e9;
        return true;
    }
    }
    return false;
}

static const char *needs_what(mdl_expect_needs n, bool has_probes, bool has_verifiers, bool has_rollups) {
    switch (n) {
    case MDL_EXPECT_NEEDS_NOTHING: return NULL;
    case MDL_EXPECT_NEEDS_PROBES: return has_probes ? NULL : "probes";
    case MDL_EXPECT_NEEDS_VERIFIERS: return has_verifiers ? NULL : "verifiers";
    case MDL_EXPECT_NEEDS_ROLLUPS: return has_rollups ? NULL : "rollups";
    }
    return NULL;
}

bool mdl_expect_config_load(const sim_ynode *n, bool has_probes, bool has_verifiers, bool has_rollups,
                            mdl_expect_config *out, sim_diag *d) {
    assert(out && d);
    memset(out, 0, sizeof *out);
    if (n == NULL || n->kind == SIM_Y_NULL) return true;
    size_t errors_before = sim_diag_errors(d);
    if (n->kind != SIM_Y_SEQ) {
        sim_diag_error(d, n, "expect is a list of bounds, e.g. [{metric: fast.p99, max: 20s}]");
        return false;
    }
    out->bounds = calloc(n->count * 2 + 1, sizeof *out->bounds);
    if (out->bounds == NULL) {
        sim_diag_error(d, n, "out of memory");
        return false;
    }
    for (size_t i = 0; i < n->count; i++) {
        const sim_ynode *e = n->items[i];
        sim_ymap_check(e, "an expectation", entry_keys, d);
        if (e->kind == SIM_Y_NULL) {
            sim_diag_error(d, e, "an expectation needs a metric and a bound, e.g. {metric: fast.p99, max: 20s}");
            continue;
        }
        if (e->kind != SIM_Y_MAP) continue; /* reported by sim_ymap_check */
        const char *name = NULL;
        if (!sim_yfield_str(e, "metric", true, NULL, &name, d) || name == NULL) continue;
        const sim_ynode *mn = sim_ymap_get(e, "metric");
        int m = mdl_expect_metric_find(name);
        if (m < 0) {
            char known[2048];
            known_names(known, sizeof known);
            sim_diag_error(d, mn, "unknown metric '%s'; known metrics: %s", name, known);
            continue;
        }
        const char *missing = needs_what(metrics[m].needs, has_probes, has_verifiers, has_rollups);
        if (missing) {
            sim_diag_error(d, mn, "metric '%s' needs %s, and this scenario has none", name, missing);
            continue;
        }
        const sim_ynode *lo = sim_ymap_get(e, "min"), *hi = sim_ymap_get(e, "max");
        if (lo == NULL && hi == NULL) {
            sim_diag_error(d, e, "an expectation needs a bound: min, max or both");
            continue;
        }
        const sim_ynode *nodes[2] = {lo, hi};
        double vals[2] = {0, 0};
        bool okv[2] = {false, false};
        for (int k = 0; k < 2; k++) {
            if (nodes[k]) okv[k] = parse_bound(nodes[k], metrics[m].unit, &vals[k], d);
        }
        if (okv[0] && okv[1] && vals[0] > vals[1]) {
            sim_diag_error(d, lo, "min is above max: no value can pass");
            continue;
        }
        for (int k = 0; k < 2; k++) {
            if (!okv[k]) continue;
            mdl_expect_bound *b = &out->bounds[out->count++];
            b->metric = (uint32_t)m;
            b->kind = k == 0 ? MDL_EXPECT_MIN : MDL_EXPECT_MAX;
            b->bound = vals[k];
            b->line = nodes[k]->line;
            b->col = nodes[k]->col;
        }
    }
    return sim_diag_errors(d) == errors_before;
}

void mdl_expect_config_free(mdl_expect_config *c) {
    if (c == NULL) return;
    free(c->bounds);
    memset(c, 0, sizeof *c);
}

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
    assert(s && out && metric < M_COUNT);
    *out = 0;
    mdl_expect_needs needs = metrics[metric].needs;
    if (needs == MDL_EXPECT_NEEDS_ROLLUPS && !s->has_xchain) return false;
    if (needs == MDL_EXPECT_NEEDS_VERIFIERS && !s->has_consensus) return false;
    const mdl_finality *fa = &s->xchain.latest, *fi = &s->xchain.finalized;
    const mdl_consensus_summary *c = &s->consensus;
    switch (metric) {
    case M_FAST_EMITTED: return count(fa->emitted, out);
    case M_FAST_EXECUTED: return count(fa->executed, out);
    case M_FAST_EXEC_FRAC: return ratio(fa->executed, fa->emitted, out);
    case M_FAST_P50: return pct(fa, fa->p50_ns, out);
    case M_FAST_P90: return pct(fa, fa->p90_ns, out);
    case M_FAST_P99: return pct(fa, fa->p99_ns, out);
    case M_FAST_MAX: return pct(fa, fa->max_ns, out);
    case M_FAST_COST: return ratio(fa->fee_wei_sum, fa->executed, out);
    case M_FIN_EMITTED: return count(fi->emitted, out);
    case M_FIN_EXECUTED: return count(fi->executed, out);
    case M_FIN_EXEC_FRAC: return ratio(fi->executed, fi->emitted, out);
    case M_FIN_P50: return pct(fi, fi->p50_ns, out);
    case M_FIN_P90: return pct(fi, fi->p90_ns, out);
    case M_FIN_P99: return pct(fi, fi->p99_ns, out);
    case M_FIN_MAX: return pct(fi, fi->max_ns, out);
    case M_FIN_COST: return ratio(fi->fee_wei_sum, fi->executed, out);
    case M_MSG_VIOLATIONS: return count(s->xchain.violations, out);
    case M_REL_SUBMISSIONS: return count(s->xchain.submissions, out);
    case M_REL_REVERTED: return count(s->xchain.reverted, out);
    case M_REL_FEE: return count(s->xchain.relayer_fee_wei, out);
    case M_CONS_HEIGHTS: return count(c->heights_committed, out);
    case M_CONS_LAST_HEIGHT: return count(c->last_height, out);
    case M_CONS_HEIGHT_P50: return c->heights_committed && count(c->height_p50_ns, out);
    case M_CONS_HEIGHT_P99: return c->heights_committed && count(c->height_p99_ns, out);
    case M_CONS_HEIGHT_MAX: return c->heights_committed && count(c->height_max_ns, out);
    case M_CONS_COMMIT_P99: return c->heights_committed && count(c->commit_p99_ns, out);
    case M_CONS_MAX_STALL: return count(c->max_stall_ns, out);
    case M_CONS_MULTI_ROUND: return count(c->multi_round_heights, out);
    case M_CONS_APPROVED: return count(c->attestations_approved, out);
    case M_CONS_APPROVAL_P99: return c->attestations_approved && count(c->approval_p99_ns, out);
    case M_CONS_EVIDENCE: return count(c->evidence, out);
    case M_CONS_OFFENDERS: return count(c->offenders, out);
    case M_CONS_CONFLICTS: return count(c->conflicts, out);
    case M_CONS_APPROVAL_CONFLICTS: return count(c->approval_conflicts, out);
    case M_CONS_ACTIONS_DROPPED: return count(c->actions_dropped, out);
    case M_NET_SENT: return count(s->net.sent, out);
    case M_NET_DELIVERED: return count(s->net.delivered, out);
    case M_NET_LOST:
        return count(s->net.dropped_loss + s->net.dropped_partition + s->net.dropped_crash, out);
    case M_PROBE_DELIVERED_FRAC: return ratio(s->probes_delivered, s->probes_sent, out);
    case M_PROBE_P50: return s->latency_count && count(s->latency_p50_ns, out);
    case M_PROBE_P99: return s->latency_count && count(s->latency_p99_ns, out);
    case M_PROBE_MAX: return s->latency_count && count(s->latency_max_ns, out);
    case M_V_FORGED: return count(s->xchain.verdicts.forged_executed, out);
    case M_V_FORGED_VALUE: *out = (double)s->xchain.verdicts.forged_value_gwei * 1e9; return true;
    case M_V_CONFLICTS: return count(s->xchain.verdicts.conflicts, out);
    case M_V_DELAYED: return count(s->xchain.verdicts.delayed, out);
    case M_V_UNSAFE: return count(s->xchain.verdicts.unsafe, out);
    case M_V_STALLED: return count(s->xchain.verdicts.stalled, out);
    case M_S_OFFENCES: return count(s->xchain.offences, out);
    case M_S_SLASHED_OFFENCES: return count(s->xchain.offences_slashed, out);
    case M_S_SLASHED: *out = (double)s->xchain.ledger.slashed * 1e9; return true;
    case M_S_WITHDRAWN: *out = (double)s->xchain.ledger.withdrawn * 1e9; return true;
    case M_A_PNL: *out = (double)s->xchain.coalition_pnl_gwei * 1e9; return true;
    case M_A_PROFITABLE: return count(s->xchain.coalitions_profitable, out);
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

static void fmt_digits(mdl_expect_unit u, double v, int digits, char *buf, size_t len) {
    switch (u) {
    case MDL_EXPECT_DURATION:
        if (v == 0) snprintf(buf, len, "0 s");
        else if (v >= NS_PER_S) snprintf(buf, len, "%.*g s", digits, v / NS_PER_S);
        else if (v >= 1e6) snprintf(buf, len, "%.*g ms", digits, v / 1e6);
        else if (v >= 1e3) snprintf(buf, len, "%.*g us", digits, v / 1e3);
        else snprintf(buf, len, "%.0f ns", v);
        return;
    case MDL_EXPECT_COUNT: snprintf(buf, len, "%.0f", v); return;
    case MDL_EXPECT_FRACTION: snprintf(buf, len, "%.*g%%", digits, v * 100.0); return;
    case MDL_EXPECT_ETH:
        if (v == 0) snprintf(buf, len, "0 ETH");
        else if (v >= 1e15) snprintf(buf, len, "%.*g ETH", digits, v / WEI_PER_ETH);
        else if (v >= 1e3) snprintf(buf, len, "%.*g gwei", digits, v / 1e9);
        else snprintf(buf, len, "%.0f wei", v);
        return;
    }
    snprintf(buf, len, "%g", v);
}

void mdl_expect_format_value(mdl_expect_unit u, double v, char *buf, size_t len) {
    assert(buf && len > 0);
    fmt_digits(u, v, 4, buf, len);
}

void mdl_expect_format(const mdl_expect_outcome *o, char *buf, size_t len) {
    assert(o && o->bound && buf && len > 0);
    const mdl_expect_bound *b = o->bound;
    const mdl_expect_metric *m = &metrics[b->metric];
    const char *kind = b->kind == MDL_EXPECT_MIN ? "min" : "max";
    char bs[64], vs[64];
    fmt_digits(m->unit, b->bound, 4, bs, sizeof bs);
    if (!o->has_value) {
        snprintf(buf, len, "%s = n/a (no value in this run), %s %s", m->name, kind, bs);
        return;
    }
    /* more digits until two different numbers print differently */
    fmt_digits(m->unit, o->value, 4, vs, sizeof vs);
    for (int digits = 5; digits <= 17 && o->value != b->bound && strcmp(vs, bs) == 0; digits++) {
        fmt_digits(m->unit, b->bound, digits, bs, sizeof bs);
        fmt_digits(m->unit, o->value, digits, vs, sizeof vs);
    }
    const char *op;
    if (b->kind == MDL_EXPECT_MIN) op = o->passed ? ">=" : "<";
    else op = o->passed ? "<=" : ">";
    snprintf(buf, len, "%s = %s %s %s %s", m->name, vs, op, kind, bs);
}

double mdl_expect_to_result_unit(mdl_expect_unit u, double v) {
    switch (u) {
    case MDL_EXPECT_DURATION: return v / NS_PER_S;
    case MDL_EXPECT_ETH: return v / WEI_PER_ETH;
    case MDL_EXPECT_COUNT:
    case MDL_EXPECT_FRACTION: return v;
    }
    return v;
}
