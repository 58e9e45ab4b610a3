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

#include "units.h"



#define D MDL_EXPECT_DURATION
#define C MDL_EXPECT_COUNT
#define F MDL_EXPECT_FRACTION
#define E MDL_EXPECT_ETH
#define XC MDL_EXPECT_NEEDS_ROLLUPS
#define VF MDL_EXPECT_NEEDS_VERIFIERS
#define PR MDL_EXPECT_NEEDS_PROBES
#define NO MDL_EXPECT_NEEDS_NOTHING

static const mdl_expect_metric metrics[MDL_XM_COUNT] = {
    [MDL_XM_FAST_EMITTED] = {"fast.emitted", C, XC, "fast (latest) messages emitted after warm-up"},
    [MDL_XM_FAST_EXECUTED] = {"fast.executed", C, XC, "of those, executed at their destination"},
    [MDL_XM_FAST_EXEC_FRAC] = {"fast.executed_fraction", F, XC, "executed / emitted (fast)"},
    [MDL_XM_FAST_P50] = {"fast.p50", D, XC, "emitted-to-executed time, median (fast)"},
    [MDL_XM_FAST_P90] = {"fast.p90", D, XC, "emitted-to-executed time, 90th percentile (fast)"},
    [MDL_XM_FAST_P99] = {"fast.p99", D, XC, "emitted-to-executed time, 99th percentile (fast)"},
    [MDL_XM_FAST_MAX] = {"fast.max", D, XC, "emitted-to-executed time, maximum (fast)"},
    [MDL_XM_FAST_COST] = {"fast.cost_per_message", E, XC, "execution + L1 data fee per executed message (fast)"},
    [MDL_XM_FIN_EMITTED] = {"finalized.emitted", C, XC, "finalized messages emitted after warm-up"},
    [MDL_XM_FIN_EXECUTED] = {"finalized.executed", C, XC, "of those, executed at their destination"},
    [MDL_XM_FIN_EXEC_FRAC] = {"finalized.executed_fraction", F, XC, "executed / emitted (finalized)"},
    [MDL_XM_FIN_P50] = {"finalized.p50", D, XC, "emitted-to-executed time, median (finalized)"},
    [MDL_XM_FIN_P90] = {"finalized.p90", D, XC, "emitted-to-executed time, 90th percentile (finalized)"},
    [MDL_XM_FIN_P99] = {"finalized.p99", D, XC, "emitted-to-executed time, 99th percentile (finalized)"},
    [MDL_XM_FIN_MAX] = {"finalized.max", D, XC, "emitted-to-executed time, maximum (finalized)"},
    [MDL_XM_FIN_COST] = {"finalized.cost_per_message", E, XC, "execution + L1 data fee per executed message (finalized)"},
    [MDL_XM_MSG_VIOLATIONS] = {"messages.violations", C, XC, "out-of-order or repeated executions"},
    [MDL_XM_REL_SUBMISSIONS] = {"relayers.submissions", C, XC, "relayer transactions"},
    [MDL_XM_REL_REVERTED] = {"relayers.reverted", C, XC, "relayer transactions the portal rejected"},
    [MDL_XM_REL_FEE] = {"relayers.fee", E, XC, "total fee relayers paid"},
    [MDL_XM_CONS_HEIGHTS] = {"consensus.heights", C, VF, "heights with an honest commit"},
    [MDL_XM_CONS_LAST_HEIGHT] = {"consensus.last_height", C, VF, "highest committed height"},
    [MDL_XM_CONS_HEIGHT_P50] = {"consensus.height_p50", D, VF, "time per height, median"},
    [MDL_XM_CONS_HEIGHT_P99] = {"consensus.height_p99", D, VF, "time per height, 99th percentile"},
    [MDL_XM_CONS_HEIGHT_MAX] = {"consensus.height_max", D, VF, "time per height, maximum"},
    [MDL_XM_CONS_COMMIT_P99] = {"consensus.commit_p99", D, VF, "height start to first honest commit, p99"},
    [MDL_XM_CONS_MAX_STALL] = {"consensus.max_stall", D, VF, "longest time without a new commit"},
    [MDL_XM_CONS_MULTI_ROUND] = {"consensus.multi_round_heights", C, VF, "heights decided in a round > 0"},
    [MDL_XM_CONS_APPROVED] = {"consensus.attestations_approved", C, VF, "attestations approved"},
    [MDL_XM_CONS_APPROVAL_P99] = {"consensus.approval_p99", D, VF, "first vote to approval, p99"},
    [MDL_XM_CONS_EVIDENCE] = {"consensus.evidence", C, VF, "distinct pieces of evidence"},
    [MDL_XM_CONS_OFFENDERS] = {"consensus.offenders", C, VF, "distinct offenders named by evidence"},
    [MDL_XM_CONS_CONFLICTS] = {"consensus.conflicts", C, VF, "conflicting honest commits (safety)"},
    [MDL_XM_CONS_APPROVAL_CONFLICTS] = {"consensus.approval_conflicts", C, VF,
                                   "honest approvals of another root than the first"},
    [MDL_XM_CONS_ACTIONS_DROPPED] = {"consensus.actions_dropped", C, VF, "core actions lost to a full buffer"},
    [MDL_XM_NET_SENT] = {"network.sent", C, NO, "network messages sent"},
    [MDL_XM_NET_DELIVERED] = {"network.delivered", C, NO, "network messages delivered"},
    [MDL_XM_NET_LOST] = {"network.lost", C, NO, "network messages dropped by loss, partitions or crashes"},
    [MDL_XM_PROBE_DELIVERED_FRAC] = {"network.probe_delivered_fraction", F, PR,
                                "probes delivered / sent after warm-up"},
    [MDL_XM_PROBE_P50] = {"network.latency_p50", D, PR, "one-way probe latency, median"},
    [MDL_XM_PROBE_P99] = {"network.latency_p99", D, PR, "one-way probe latency, 99th percentile"},
    [MDL_XM_PROBE_MAX] = {"network.latency_max", D, PR, "one-way probe latency, maximum"},
    [MDL_XM_V_FORGED] = {"verdicts.forged_executed", C, XC, "forged messages executed at their destination"},
    [MDL_XM_V_FORGED_VALUE] = {"verdicts.forged_value", E, XC, "value carried by the forged messages executed"},
    [MDL_XM_V_CONFLICTS] = {"verdicts.conflicting_commits", C, XC, "honest commits that differ at a height"},
    [MDL_XM_V_DELAYED] = {"verdicts.delayed", C, XC, "messages not executed within adversary.delay_bound"},
    [MDL_XM_V_UNSAFE] = {"verdicts.unsafe", C, XC, "1 when forged messages executed or commits conflicted"},
    [MDL_XM_V_STALLED] = {"verdicts.stalled", C, XC, "1 when a message was delayed or consensus stalled beyond the bound"},
    [MDL_XM_S_OFFENCES] = {"slashing.offences", C, XC, "offences the watchers found"},
    [MDL_XM_S_SLASHED_OFFENCES] = {"slashing.slashed_offences", C, XC, "of those, offences that slashed stake"},
    [MDL_XM_S_SLASHED] = {"slashing.slashed", E, XC, "stake slashed by the restaking contract"},
    [MDL_XM_S_WITHDRAWN] = {"slashing.withdrawn", E, XC, "stake that completed the withdrawal queue"},
    [MDL_XM_A_PNL] = {"attackers.pnl", E, XC, "profit and loss of all coalitions together (may be negative)"},
    [MDL_XM_A_PROFITABLE] = {"attackers.profitable", C, XC, "coalitions whose attack paid"},
    [MDL_XM_A_UNSLASHED] = {"attackers.signers_unslashed", C, XC,
                            "coalition members that signed a forged root and were not slashed"},
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
    *count = MDL_XM_COUNT;
    return metrics;
}

int mdl_expect_metric_find(const char *name) {
    assert(name);
    for (int i = 0; i < MDL_XM_COUNT; i++) {
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
    for (int i = 0; i < MDL_XM_COUNT && at < len; i++) {
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
        *out = (double)v * (double)SIM_WEI_PER_GWEI;
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

/* ---- formatting ---------------------------------------------------------- */

static void fmt_digits(mdl_expect_unit u, double v, int digits, char *buf, size_t len) {
    switch (u) {
    case MDL_EXPECT_DURATION:
        if (v == 0) snprintf(buf, len, "0 s");
        else if (v >= SIM_NS_PER_S_F) snprintf(buf, len, "%.*g s", digits, v / SIM_NS_PER_S_F);
        else if (v >= 1e6) snprintf(buf, len, "%.*g ms", digits, v / 1e6);
        else if (v >= 1e3) snprintf(buf, len, "%.*g us", digits, v / 1e3);
        else snprintf(buf, len, "%.0f ns", v);
        return;
    case MDL_EXPECT_COUNT: snprintf(buf, len, "%.0f", v); return;
    case MDL_EXPECT_FRACTION: snprintf(buf, len, "%.*g%%", digits, v * 100.0); return;
    case MDL_EXPECT_ETH:
        if (v == 0) snprintf(buf, len, "0 ETH");
        else if (v >= 1e15) snprintf(buf, len, "%.*g ETH", digits, v / SIM_WEI_PER_ETH_F);
        else if (v >= 1e3) snprintf(buf, len, "%.*g gwei", digits, v / (double)SIM_WEI_PER_GWEI);
        else snprintf(buf, len, "%.0f wei", v);
        return;
    }
    snprintf(buf, len, "%g", v);
}

void mdl_expect_format_digits(mdl_expect_unit u, double v, int digits, char *buf, size_t len) {
    assert(buf && len > 0);
    fmt_digits(u, v, digits, buf, len);
}

void mdl_expect_format_value(mdl_expect_unit u, double v, char *buf, size_t len) {
    assert(buf && len > 0);
    fmt_digits(u, v, 4, buf, len);
}

double mdl_expect_to_result_unit(mdl_expect_unit u, double v) {
    switch (u) {
    case MDL_EXPECT_DURATION: return v / SIM_NS_PER_S_F;
    case MDL_EXPECT_ETH: return v / SIM_WEI_PER_ETH_F;
    case MDL_EXPECT_COUNT:
    case MDL_EXPECT_FRACTION: return v;
    }
    return v;
}
