/*
** `xrsim report`, loading (see an_report.h): group the ok runs of a results
** file into parameter points, read each run's values from the schema's views
** (v_finality, consensus_summary) and version-2 tables, and find the
** parameters that vary between points.
**
** The grouping key is the one an_compare.c uses (params_json with
** $.run.seed removed, per scenario SHA-256); a seed run twice in one
** point counts once (its lowest run id), as in compare.
**
** The version-2 tables (verdicts, restaking_summary, offences,
** coalitions) are read only when the file has them: a schema-1 file is
** opened read-only and never upgraded, so they may be missing.  Amounts
** leave SQLite in ETH (gwei / 1e9): no gwei reaches a table or a plot.
*/
#include "an_report_internal.h"

#include <assert.h>
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "an_compare.h"
#include "an_export.h"
#include "../sim/grow.h" /* header-only: see README, "Layout" */

char *an_report_strdup(const char *s) {
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d) memcpy(d, s, n + 1);
    return d;
}

static char *dup_col(sqlite3_stmt *st, int col) {
    const unsigned char *t = sqlite3_column_text(st, col);
    return an_report_strdup(t ? (const char *)t : "");
}

/* ---- loading -------------------------------------------------------------------------- */

static const char *const outcome_names[AN_REPORT_OUTCOME_COUNT] = {
    "slashed", "withdrawn", "already_slashed", "vetoed", "rejected", "duplicate", "pending", "not_provable",
};

const char *an_report_outcome_name(an_report_outcome o) {
    assert(o >= 0 && o < AN_REPORT_OUTCOME_COUNT);
    return outcome_names[o];
}
static const char *const event_names[AN_REPORT_EVENT_COUNT] = {
    "acted", "forged root approved", "forged message executed", "offence provable", "evidence included", "slashed",
    "withdrawal queued", "withdrawal completed",
};

const char *an_report_event_name(an_report_event e) {
    assert(e >= 0 && e < AN_REPORT_EVENT_COUNT);
    return event_names[e];
}

typedef struct leaf {
    char *path;
    char *value;
} leaf;

static const char *const metric_sql[AN_REPORT_METRIC_COUNT] = {
    "SELECT run_id, p50_s FROM v_finality WHERE level = 'latest'",
    "SELECT run_id, p90_s FROM v_finality WHERE level = 'latest'",
    "SELECT run_id, p99_s FROM v_finality WHERE level = 'latest'",
    "SELECT run_id, p50_s FROM v_finality WHERE level = 'finalized'",
    "SELECT run_id, p90_s FROM v_finality WHERE level = 'finalized'",
    "SELECT run_id, p99_s FROM v_finality WHERE level = 'finalized'",
    "SELECT run_id, SUM(gas_per_msg * executed_count) / NULLIF(SUM(executed_count), 0) FROM v_finality "
    "GROUP BY run_id",
    "SELECT run_id, SUM(eth_per_msg * executed_count) / NULLIF(SUM(executed_count), 0) FROM v_finality "
    "GROUP BY run_id",
    "SELECT run_id, height_p50_ns / 1e6 FROM consensus_summary",
    "SELECT run_id, height_p99_ns / 1e6 FROM consensus_summary",
    "SELECT run_id, heights_committed_count FROM consensus_summary",
    "SELECT run_id, forged_executed_count FROM verdicts",
    "SELECT run_id, forged_value_gwei / 1e9 FROM verdicts",
    "SELECT run_id, delayed_msg_count FROM verdicts",
    "SELECT run_id, slashed_gwei / 1e9 FROM restaking_summary",
    "SELECT run_id, SUM(l1_eth_per_msg * executed_count) / NULLIF(SUM(executed_count), 0) FROM v_finality "
    "GROUP BY run_id",
    "SELECT run_id, attestation_stall_count FROM stall_verdicts",
    "SELECT run_id, longest_attestation_stall_ns / 1e9 FROM stall_verdicts",
    "SELECT s.run_id, EXISTS (SELECT 1 FROM chain_halts h WHERE h.run_id = s.run_id) FROM stall_verdicts s",
};

/* The table each metric needs (read only when the file has it). */
static const char *const metric_table[AN_REPORT_METRIC_COUNT] = {
    [AN_REPORT_FORGED_EXECUTED] = "verdicts",
    [AN_REPORT_FORGED_VALUE_ETH] = "verdicts",
    [AN_REPORT_DELAYED_MSGS] = "verdicts",
    [AN_REPORT_SLASHED_ETH] = "restaking_summary",
    [AN_REPORT_ATT_STALLS] = "stall_verdicts",
    [AN_REPORT_ATT_STALL_S] = "stall_verdicts",
    [AN_REPORT_HALTED] = "chain_halts", /* schema 10: stall_verdicts is there too */
};

/* 1 when the file has table `name`, 0 when not, negative on an SQL error. */
static int table_exists(sqlite3 *db, const char *name) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", -1, &st, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* 1 when table `table` has column `col`, 0 when not, -1 on an error. */
static int column_exists(sqlite3 *db, const char *table, const char *col) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1, &st, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static size_t run_find(const rrun *runs, size_t n, int64_t id) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (runs[mid].id < id) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && runs[lo].id == id ? lo : SIZE_MAX;
}

static void point_free(an_report_point *p, size_t varying_count) {
    for (size_t i = 0; p->coalitions && i < p->coalition_count; i++) free(p->coalitions[i].name);
    free(p->coalitions);
    free(p->sha256);
    free(p->key);
    free(p->name);
    free(p->run_ids);
    free(p->shares);
    if (p->values) {
        for (size_t i = 0; i < varying_count; i++) free(p->values[i]);
        free(p->values);
    }
}

void an_report_free(an_report *r) {
    if (!r) return;
    for (size_t i = 0; i < r->point_count; i++) point_free(&r->points[i], r->varying_count);
    free(r->points);
    for (size_t i = 0; i < r->varying_count; i++) free(r->varying[i]);
    free(r->varying);
    for (size_t i = 0; i < r->econ_count; i++) {
        an_report_econ *e = &r->econ[i];
        free(e->name);
        free(e->scenario);
        free(e->sha256);
        free(e->stakes);
        free(e->delays_s);
        free(e->pnl_eth);
        free(e->profitable);
        free(e->points);
    }
    free(r->econ);
    free(r->timelines);
    free(r->axis);
    free(r->path);
    sqlite3_close(r->db);
    free(r);
}

/* Reads the ok runs (ascending id) and assigns them to points. */
static int load_runs(an_report *r, rrun **out_runs, size_t *out_n, char *err, size_t err_len) {
    sqlite3 *db = r->db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT id, seed, scenario_sha256, coalesce(json_remove(params_json, '$.run.seed'), ''),"
                                " scenario_name FROM runs WHERE status = 'ok' ORDER BY id",
                                -1, &st, NULL);
    rrun *runs = NULL;
    size_t n = 0, cap = 0, pcap = 0;
    int code = 0;
    while (rc == SQLITE_OK && code == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        const char *sha = (const char *)sqlite3_column_text(st, 2);
        const char *key = (const char *)sqlite3_column_text(st, 3);
        sha = sha ? sha : "";
        key = key ? key : "";
        int64_t seed = sqlite3_column_int64(st, 1);
        r->ok_runs++;
        size_t p = 0;
        while (p < r->point_count && (strcmp(r->points[p].sha256, sha) != 0 || strcmp(r->points[p].key, key) != 0)) p++;
        if (p == r->point_count) {
            if (!SIM_GROW(r->points, pcap, p + 1)) {
                code = AN_ERR_NOMEM;
                break;
            }
            an_report_point *pt = &r->points[r->point_count++];
            memset(pt, 0, sizeof *pt);
            pt->sha256 = an_report_strdup(sha);
            pt->key = an_report_strdup(key);
            pt->name = dup_col(st, 4);
            if (!pt->sha256 || !pt->key || !pt->name) {
                code = AN_ERR_NOMEM;
                break;
            }
        }
        bool dup = false;
        for (size_t i = 0; i < n && !dup; i++) dup = runs[i].point == p && runs[i].seed == seed;
        if (dup) continue; /* a seed run twice: the first run counts */
        if (!SIM_GROW(runs, cap, n + 1)) {
            code = AN_ERR_NOMEM;
            break;
        }
        rrun *rr = &runs[n++];
        memset(rr, 0, sizeof *rr);
        rr->id = sqlite3_column_int64(st, 0);
        rr->seed = seed;
        rr->point = p;
        for (int m = 0; m < AN_REPORT_METRIC_COUNT; m++) rr->val[m] = NAN;
    }
    sqlite3_finalize(st);
    if (code == 0 && rc != SQLITE_DONE) {
        code = an_fail(err, err_len, AN_ERR_SQL, "reading runs of '%s': %s", r->path, sqlite3_errmsg(db));
    } else if (code) {
        an_fail(err, err_len, code, "out of memory");
    }
    *out_runs = runs;
    *out_n = n;
    return code;
}

static int load_values(an_report *r, rrun *runs, size_t n, char *err, size_t err_len) {
    sqlite3 *db = r->db;
    for (int m = 0; m < AN_REPORT_METRIC_COUNT; m++) {
        if (metric_table[m]) {
            int has = table_exists(db, metric_table[m]);
            if (has < 0) return an_fail(err, err_len, AN_ERR_SQL, "reading '%s': %s", r->path, sqlite3_errmsg(db));
            if (!has) continue;
        }
        if (m == AN_REPORT_L1_ETH_PER_MSG) { /* files before the L1 data fee (schema version 6) lack it */
            int has = column_exists(db, "v_finality", "l1_eth_per_msg");
            if (has < 0) return an_fail(err, err_len, AN_ERR_SQL, "reading '%s': %s", r->path, sqlite3_errmsg(db));
            if (!has) continue;
        }
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(db, metric_sql[m], -1, &st, NULL);
        while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            rc = SQLITE_OK;
            size_t i = run_find(runs, n, sqlite3_column_int64(st, 0));
            if (i == SIZE_MAX || sqlite3_column_type(st, 1) == SQLITE_NULL) continue;
            runs[i].val[m] = sqlite3_column_double(st, 1);
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) {
            return an_fail(err, err_len, AN_ERR_SQL, "reading '%s': %s", r->path, sqlite3_errmsg(db));
        }
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT run_id, conflict_count > 0 OR approval_conflict_count > 0, max_stall_ns > ?1"
                                " FROM consensus_summary",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_bind_double(st, 1, r->stall_s * 1e9);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        size_t i = run_find(runs, n, sqlite3_column_int64(st, 0));
        if (i == SIZE_MAX) continue;
        runs[i].has_consensus = 1;
        runs[i].unsafe = sqlite3_column_int(st, 1) != 0;
        runs[i].stalled = sqlite3_column_int(st, 2) != 0;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        return an_fail(err, err_len, AN_ERR_SQL, "reading '%s': %s", r->path, sqlite3_errmsg(db));
    }
    /* the version-2 per-run tables, when the file has them */
    static const char *const v2_sql[3][2] = {
        {"verdicts", "SELECT run_id, unsafe, stalled FROM verdicts"},
        {"restaking_summary", "SELECT run_id, withdrawal_delay_ns / 1e9 FROM restaking_summary"},
        {"offences", "SELECT run_id, outcome, count(*) FROM offences GROUP BY run_id, outcome"},
    };
    for (int q = 0; q < 3; q++) {
        int has = table_exists(db, v2_sql[q][0]);
        if (has < 0) return an_fail(err, err_len, AN_ERR_SQL, "reading '%s': %s", r->path, sqlite3_errmsg(db));
        if (!has) continue;
        rc = sqlite3_prepare_v2(db, v2_sql[q][1], -1, &st, NULL);
        while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            rc = SQLITE_OK;
            size_t i = run_find(runs, n, sqlite3_column_int64(st, 0));
            if (i == SIZE_MAX) continue;
            rrun *rr = &runs[i];
            if (q == 0) {
                rr->has_verdict = 1;
                rr->v_unsafe = sqlite3_column_int(st, 1) != 0;
                rr->v_stalled = sqlite3_column_int(st, 2) != 0;
            } else if (q == 1) {
                rr->has_restaking = 1;
                rr->delay_s = sqlite3_column_double(st, 1);
            } else {
                const char *o = (const char *)sqlite3_column_text(st, 1);
                for (int k = 0; o && k < AN_REPORT_OUTCOME_COUNT; k++) {
                    if (strcmp(o, outcome_names[k]) == 0) rr->outcome_count[k] += (size_t)sqlite3_column_int64(st, 2);
                }
            }
        }
        sqlite3_finalize(st);
        st = NULL;
        if (rc != SQLITE_DONE) {
            return an_fail(err, err_len, AN_ERR_SQL, "reading '%s': %s", r->path, sqlite3_errmsg(db));
        }
    }
    return 0;
}

static void crows_free(crow *cs, size_t n) {
    for (size_t i = 0; cs && i < n; i++) free(cs[i].name);
    free(cs);
}

/* The row of cs[0..k) (in (run, coalition) order) for run index i and
   coalition `index`, or NULL. */
static crow *crow_find(crow *cs, size_t k, size_t i, int64_t index) {
    size_t lo = 0, hi = k;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cs[mid].run < i || (cs[mid].run == i && cs[mid].index < index)) lo = mid + 1;
        else hi = mid;
    }
    return lo < k && cs[lo].run == i && cs[lo].index == index ? &cs[lo] : NULL;
}

/* What later schemas added per coalition: its actual share when acting
   (coalition_power, schema 5) and its signers, proven and slashed (schema 8). */
static int load_coalition_extras(an_report *r, const rrun *runs, size_t n, crow *cs, size_t k, char *err,
                                 size_t err_len) {
    int cp = table_exists(r->db, "coalition_power"), sg = column_exists(r->db, "coalitions", "signer_count");
    if (cp < 0 || sg < 0) return an_fail(err, err_len, AN_ERR_SQL, "reading '%s': %s", r->path, sqlite3_errmsg(r->db));
    for (int q = 0; q < 2; q++) {
        if (!(q == 0 ? cp : sg)) continue;
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(r->db,
                                    q == 0 ? "SELECT run_id, coalition, acting_power_share, NULL, NULL FROM coalition_power"
                                           : "SELECT run_id, coalition, signer_count, signers_proven_count,"
                                             " signers_slashed_count FROM coalitions",
                                    -1, &st, NULL);
        while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            rc = SQLITE_OK;
            size_t i = run_find(runs, n, sqlite3_column_int64(st, 0));
            crow *c = i == SIZE_MAX ? NULL : crow_find(cs, k, i, sqlite3_column_int64(st, 1));
            if (!c || sqlite3_column_type(st, 2) == SQLITE_NULL) continue;
            if (q == 0) {
                c->acting = sqlite3_column_double(st, 2);
            } else {
                c->signers = sqlite3_column_double(st, 2);
                c->proven = sqlite3_column_double(st, 3);
                c->signers_slashed = sqlite3_column_double(st, 4);
            }
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) {
            return an_fail(err, err_len, AN_ERR_SQL, "reading coalitions of '%s': %s", r->path, sqlite3_errmsg(r->db));
        }
    }
    return 0;
}

/* The coalitions rows of the counted runs, in (run id, coalition) order. */
static int load_coalitions(an_report *r, const rrun *runs, size_t n, crow **out, size_t *out_n, char *err,
                           size_t err_len) {
    *out = NULL;
    *out_n = 0;
    int has = table_exists(r->db, "coalitions");
    if (has < 0) return an_fail(err, err_len, AN_ERR_SQL, "reading '%s': %s", r->path, sqlite3_errmsg(r->db));
    if (!has) return 0;
    /* delegators_slashed_gwei came after the first version-2 files */
    int dl = column_exists(r->db, "coalitions", "delegators_slashed_gwei");
    if (dl < 0) return an_fail(err, err_len, AN_ERR_SQL, "reading '%s': %s", r->path, sqlite3_errmsg(r->db));
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(r->db,
                                dl ? "SELECT run_id, coalition, name, attack, stake_fraction, pnl_gwei / 1e9,"
                                     " value_extracted_gwei / 1e9, slashed_gwei / 1e9, cost_of_corruption_gwei / 1e9,"
                                     " profit_from_corruption_gwei / 1e9, profitable, delegators_slashed_gwei / 1e9"
                                     " FROM coalitions ORDER BY run_id, coalition"
                                   : "SELECT run_id, coalition, name, attack, stake_fraction, pnl_gwei / 1e9,"
                                     " value_extracted_gwei / 1e9, slashed_gwei / 1e9, cost_of_corruption_gwei / 1e9,"
                                     " profit_from_corruption_gwei / 1e9, profitable, 0.0"
                                     " FROM coalitions ORDER BY run_id, coalition",
                                -1, &st, NULL);
    crow *cs = NULL;
    size_t k = 0, cap = 0;
    int code = 0;
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        size_t i = run_find(runs, n, sqlite3_column_int64(st, 0));
        if (i == SIZE_MAX) continue;
        if (!SIM_GROW(cs, cap, k + 1)) {
            code = AN_ERR_NOMEM;
            break;
        }
        crow *c = &cs[k++];
        memset(c, 0, sizeof *c);
        c->run = i;
        c->index = sqlite3_column_int64(st, 1);
        c->name = dup_col(st, 2);
        if (!c->name) {
            code = AN_ERR_NOMEM;
            break;
        }
        const unsigned char *a = sqlite3_column_text(st, 3);
        snprintf(c->attack, sizeof c->attack, "%s", a ? (const char *)a : "");
        c->stake_fraction = sqlite3_column_double(st, 4);
        c->pnl = sqlite3_column_double(st, 5);
        c->value = sqlite3_column_double(st, 6);
        c->slashed = sqlite3_column_double(st, 7);
        c->cost = sqlite3_column_double(st, 8);
        c->profit = sqlite3_column_double(st, 9);
        c->profitable = sqlite3_column_int(st, 10) != 0;
        c->delegators = sqlite3_column_double(st, 11);
        c->acting = c->signers = c->proven = c->signers_slashed = NAN;
    }
    sqlite3_finalize(st);
    if (code == 0 && rc == SQLITE_DONE) code = load_coalition_extras(r, runs, n, cs, k, err, err_len);
    if (code == 0 && rc != SQLITE_DONE) {
        code = an_fail(err, err_len, AN_ERR_SQL, "reading coalitions of '%s': %s", r->path, sqlite3_errmsg(r->db));
    } else if (code) {
        an_fail(err, err_len, code, "out of memory");
    }
    if (code) {
        crows_free(cs, k);
        return code;
    }
    *out = cs;
    *out_n = k;
    return 0;
}

/* Per point and Byzantine entry: the power share its targets hold (see
   an_report_share), from the byzantine and verifiers tables. */
static int load_shares(an_report *r, const rrun *runs, size_t n, char *err, size_t err_len) {
    int has = table_exists(r->db, "byzantine");
    if (has < 0) return an_fail(err, err_len, AN_ERR_SQL, "reading '%s': %s", r->path, sqlite3_errmsg(r->db));
    if (!has) return 0;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(r->db,
                                "SELECT b.run_id, b.entry, b.behaviour, b.target_kind, b.target,"
                                " SUM(v.power) * 1.0 / (SELECT SUM(w.power) FROM verifiers w WHERE w.run_id = b.run_id)"
                                " FROM byzantine b JOIN verifiers v ON v.run_id = b.run_id AND v.verifier = b.verifier"
                                " GROUP BY b.run_id, b.entry ORDER BY b.entry, b.run_id",
                                -1, &st, NULL);
    double *v = malloc((n ? n : 1) * sizeof *v);
    size_t *pt_of = NULL;
    int code = v ? 0 : AN_ERR_NOMEM;
    /* rows come by entry: gather one entry's values per point, then add its stats */
    int64_t cur = -1;
    size_t *count = calloc(r->point_count ? r->point_count : 1, sizeof *count);
    double *vals = malloc((n ? n : 1) * sizeof *vals);
    pt_of = malloc((n ? n : 1) * sizeof *pt_of);
    char(*whats)[64] = malloc((n ? n : 1) * sizeof *whats); /* per row: the entry as that run wrote it */
    if (!count || !vals || !pt_of || !whats) code = AN_ERR_NOMEM;
    size_t k = 0;
    bool *seen_run = calloc(n ? n : 1, sizeof *seen_run);
    if (!seen_run) code = AN_ERR_NOMEM;
    for (;;) {
        int step = SQLITE_DONE;
        if (code == 0 && rc == SQLITE_OK) step = sqlite3_step(st);
        int64_t entry = step == SQLITE_ROW ? sqlite3_column_int64(st, 1) : -1;
        if (k > 0 && (step != SQLITE_ROW || entry != cur)) { /* flush entry `cur` */
            for (size_t p = 0; code == 0 && p < r->point_count; p++) {
                size_t m = 0, first = 0;
                for (size_t i = 0; i < k; i++) {
                    if (pt_of[i] != p) continue;
                    if (m == 0) first = i;
                    v[m++] = vals[i];
                }
                if (m == 0) continue;
                an_report_point *pt = &r->points[p];
                an_report_share *ns = realloc(pt->shares, (pt->share_count + 1) * sizeof *ns);
                if (!ns) {
                    code = AN_ERR_NOMEM;
                    break;
                }
                pt->shares = ns;
                an_report_share *sh = &pt->shares[pt->share_count++];
                memset(sh, 0, sizeof *sh);
                sh->entry = cur;
                snprintf(sh->what, sizeof sh->what, "%s", whats[first]);
                int brc = an_report_mean_ci(v, m, AN_REPORT_BOOTSTRAP_SEED, &sh->share);
                if (brc) code = brc;
            }
            k = 0;
        }
        if (step != SQLITE_ROW || code) {
            if (code == 0 && step != SQLITE_DONE) rc = step;
            break;
        }
        size_t i = run_find(runs, n, sqlite3_column_int64(st, 0));
        double share = sqlite3_column_double(st, 5);
        if (i == SIZE_MAX || !isfinite(share)) continue;
        if (!seen_run[i]) {
            seen_run[i] = true;
            r->byzantine_runs++;
        }
        if (k == 0) cur = entry;
        const unsigned char *b = sqlite3_column_text(st, 2), *tk = sqlite3_column_text(st, 3),
                            *tg = sqlite3_column_text(st, 4);
        snprintf(whats[k], sizeof whats[k], "%.16s, %.16s %.24s", b ? (const char *)b : "?", tk ? (const char *)tk : "?",
                 tg ? (const char *)tg : "?");
        pt_of[k] = runs[i].point;
        vals[k++] = share;
    }
    sqlite3_finalize(st);
    free(v);
    free(vals);
    free(pt_of);
    free(whats);
    free(count);
    free(seen_run);
    if (code == 0 && rc != SQLITE_OK && rc != SQLITE_DONE) {
        return an_fail(err, err_len, AN_ERR_SQL, "reading byzantine of '%s': %s", r->path, sqlite3_errmsg(r->db));
    }
    if (code) return an_fail(err, err_len, code, code == AN_ERR_NOMEM ? "out of memory" : "bootstrap failed");
    return 0;
}

/* SQLite's json_tree quotes keys with characters other than letters and
   digits (restaking."withdrawal_delay"): unquotes, in place, every quoted
   key that is a plain name (letters, digits, '_', '-'), for display. */
static void unquote_path(char *s) {
    char *w = s;
    for (const char *p = s; *p;) {
        if (*p == '"') {
            const char *q = p + 1;
            while (*q && (isalnum((unsigned char)*q) || *q == '_' || *q == '-')) q++;
            if (*q == '"' && q > p + 1) {
                memmove(w, p + 1, (size_t)(q - p - 1));
                w += q - p - 1;
                p = q + 1;
                continue;
            }
        }
        *w++ = *p++;
    }
    *w = '\0';
}

/* The leaves of one point's parameters: (path without "$.", value as text). */
static int point_leaves(sqlite3 *db, const char *key, leaf **out, size_t *out_n) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT substr(fullkey, 3), CASE type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'"
                                " WHEN 'null' THEN 'null' ELSE atom END FROM json_tree(?1)"
                                " WHERE type NOT IN ('object', 'array') ORDER BY id",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 1, key[0] ? key : "{}", -1, SQLITE_TRANSIENT);
    leaf *ls = NULL;
    size_t n = 0, cap = 0;
    int code = 0;
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        if (!SIM_GROW(ls, cap, n + 1)) {
            code = AN_ERR_NOMEM;
            break;
        }
        ls[n].path = dup_col(st, 0);
        ls[n].value = dup_col(st, 1);
        n++;
        if (!ls[n - 1].path || !ls[n - 1].value) {
            code = AN_ERR_NOMEM;
            break;
        }
        unquote_path(ls[n - 1].path);
    }
    if (code == 0 && rc != SQLITE_DONE) code = AN_ERR_SQL;
    sqlite3_finalize(st);
    *out = ls;
    *out_n = n;
    return code;
}

static void leaves_free(leaf *ls, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(ls[i].path);
        free(ls[i].value);
    }
    free(ls);
}

static const char *leaf_value(const leaf *ls, size_t n, const char *path) {
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ls[i].path, path) == 0) return ls[i].value;
    }
    return NULL;
}

/* Finds the parameters whose values differ between points of the same
   scenario (points of different scenarios differ in everything; that is
   what the scenario column says) and stores each point's value of each. */
static int find_varying(an_report *r, char *err, size_t err_len) {
    size_t np = r->point_count;
    leaf **ls = calloc(np, sizeof *ls);
    size_t *ln = calloc(np, sizeof *ln);
    int rc = ls && ln ? 0 : AN_ERR_NOMEM;
    for (size_t p = 0; rc == 0 && p < np; p++) rc = point_leaves(r->db, r->points[p].key, &ls[p], &ln[p]);
    size_t cap = 0;
    for (size_t p = 0; rc == 0 && p < np; p++) {
        for (size_t i = 0; rc == 0 && i < ln[p]; i++) {
            const char *path = ls[p][i].path;
            bool seen = false;
            for (size_t k = 0; k < r->varying_count && !seen; k++) seen = strcmp(r->varying[k], path) == 0;
            if (seen) continue;
            bool differs = false;
            for (size_t q = 0; q < np && !differs; q++) {
                if (strcmp(r->points[q].sha256, r->points[p].sha256) != 0) continue;
                const char *v = leaf_value(ls[q], ln[q], path);
                differs = !v || strcmp(v, ls[p][i].value) != 0;
            }
            if (!differs) continue;
            if (!SIM_GROW(r->varying, cap, r->varying_count + 1)) {
                rc = AN_ERR_NOMEM;
                break;
            }
            r->varying[r->varying_count] = an_report_strdup(path);
            if (!r->varying[r->varying_count]) rc = AN_ERR_NOMEM;
            else r->varying_count++;
        }
    }
    for (size_t p = 0; rc == 0 && p < np; p++) {
        an_report_point *pt = &r->points[p];
        pt->values = calloc(r->varying_count ? r->varying_count : 1, sizeof *pt->values);
        if (!pt->values) {
            rc = AN_ERR_NOMEM;
            break;
        }
        for (size_t k = 0; k < r->varying_count; k++) {
            const char *v = leaf_value(ls[p], ln[p], r->varying[k]);
            pt->values[k] = an_report_strdup(v ? v : "-");
            if (!pt->values[k]) rc = AN_ERR_NOMEM;
        }
    }
    for (size_t p = 0; ls && ln && p < np; p++) leaves_free(ls[p], ln[p]);
    free(ls);
    free(ln);
    if (rc == AN_ERR_SQL) return an_fail(err, err_len, rc, "reading parameters: %s", sqlite3_errmsg(r->db));
    if (rc) return an_fail(err, err_len, rc, "out of memory");
    return 0;
}

/* "0.75" -> 0.75 unit ""; "200ms" -> 200 unit "ms"; false when not a number. */
bool an_report_parse_quantity(const char *s, double *v, char unit[16]) {
    char *end;
    double x = strtod(s, &end);
    if (end == s || !isfinite(x)) return false;
    while (*end == ' ') end++;
    if (strlen(end) >= 16) return false;
    *v = x;
    strcpy(unit, end);
    return true;
}

/* A parameter value on one scale per dimension, so that values written
   in different units compare: durations in seconds (the scenario's units
   ns .. d, sim/ytree_get.c), amounts in ETH (wei, gwei, ETH), "20%" as
   0.2 and "2/3" as 0.6667 (dimension ""); any other unit is its own
   dimension.  False when s is not a number. */
static bool parse_normalised(const char *s, double *v, char dim[16]) {
    static const struct {
        const char *unit, *dim;
        double scale;
    } units[] = {{"ns", "s", 1e-9}, {"us", "s", 1e-6}, {"ms", "s", 1e-3}, {"s", "s", 1.0},     {"m", "s", 60.0},
                 {"min", "s", 60.0}, {"h", "s", 3600.0}, {"d", "s", 86400.0}, {"wei", "ETH", 1e-18},
                 {"gwei", "ETH", 1e-9}, {"ETH", "ETH", 1.0}, {"eth", "ETH", 1.0}, {"%", "", 0.01}};
    char unit[16];
    if (!an_report_parse_quantity(s, v, unit)) return false;
    if (unit[0] == '/') { /* a fraction "2/3" */
        char *end;
        double d = strtod(unit + 1, &end);
        if (*end == '\0' && end != unit + 1 && isfinite(d) && d != 0.0) {
            *v /= d;
            dim[0] = '\0';
            return true;
        }
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(unit, units[i].unit) == 0) {
            *v *= units[i].scale;
            strcpy(dim, units[i].dim);
            return true;
        }
    }
    strcpy(dim, unit);
    return true;
}

bool an_report_key_numbers(const an_report *r, size_t k, double *vals, char unit[16]) {
    assert(k < r->varying_count);
    unit[0] = '\0';
    bool same = true; /* every value a number in one unit: keep it */
    for (size_t p = 0; p < r->point_count && same; p++) {
        char u[16];
        same = an_report_parse_quantity(r->points[p].values[k], &vals[p], u);
        if (same && p == 0) strcpy(unit, u);
        same = same && strcmp(unit, u) == 0;
    }
    if (same) return true;
    for (size_t p = 0; p < r->point_count; p++) { /* else one dimension, on its scale */
        char d[16];
        if (!parse_normalised(r->points[p].values[k], &vals[p], d)) return false;
        if (p == 0) strcpy(unit, d);
        else if (strcmp(unit, d) != 0) return false;
    }
    return true;
}

/* Order of two values of one key: numbers by value (on one scale per
   dimension) before anything else, the rest as text. */
static int cmp_value(const char *a, const char *b) {
    double x, y;
    char da[16], db[16];
    bool na = parse_normalised(a, &x, da), nb = parse_normalised(b, &y, db);
    if (na && nb && strcmp(da, db) == 0 && x != y) return x < y ? -1 : 1;
    if (na != nb) return na ? -1 : 1;
    if (na && nb && strcmp(da, db) != 0) return strcmp(da, db);
    return strcmp(a, b);
}

static const an_report *sort_report;
static const size_t *sort_scenario; /* per point: the index of its scenario's first point */
static int cmp_points(const void *pa, const void *pb) {
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    if (sort_scenario[a] != sort_scenario[b]) return sort_scenario[a] < sort_scenario[b] ? -1 : 1;
    for (size_t k = 0; k < sort_report->varying_count; k++) {
        int c = cmp_value(sort_report->points[a].values[k], sort_report->points[b].values[k]);
        if (c) return c;
    }
    return (a > b) - (a < b); /* as loaded */
}

/* Orders the points by scenario (in the order each first appears), then
   by each varying parameter's value in turn (numerically where numbers,
   durations and amounts on one scale); with exactly one varying, numeric
   parameter fills the axis. */
static int order_points(an_report *r) {
    size_t np = r->point_count;
    if (r->varying_count == 0 || np < 2) return 0;
    size_t *order = malloc(np * sizeof *order), *scen = malloc(np * sizeof *scen);
    an_report_point *sorted = malloc(np * sizeof *sorted);
    double *axis = malloc(np * sizeof *axis);
    if (!order || !scen || !sorted || !axis) {
        free(order);
        free(scen);
        free(sorted);
        free(axis);
        return AN_ERR_NOMEM;
    }
    for (size_t p = 0; p < np; p++) {
        order[p] = p;
        scen[p] = p;
        for (size_t q = 0; q < p; q++) {
            if (strcmp(r->points[q].sha256, r->points[p].sha256) == 0) {
                scen[p] = scen[q];
                break;
            }
        }
    }
    sort_report = r;
    sort_scenario = scen;
    qsort(order, np, sizeof *order, cmp_points);
    sort_report = NULL;
    sort_scenario = NULL;
    for (size_t p = 0; p < np; p++) sorted[p] = r->points[order[p]];
    memcpy(r->points, sorted, np * sizeof *sorted);
    if (r->varying_count == 1 && an_report_key_numbers(r, 0, axis, r->axis_unit)) {
        r->axis = axis;
        r->numeric_axis = 1;
        axis = NULL;
    } else {
        r->axis_unit[0] = '\0';
    }
    free(axis);
    free(order);
    free(scen);
    free(sorted);
    return 0;
}

static int cmp_timeline(const void *pa, const void *pb) {
    const an_report_timeline *a = pa, *b = pb;
    if (a->point != b->point) return a->point < b->point ? -1 : 1;
    if (a->seed != b->seed) return a->seed < b->seed ? -1 : 1;
    return (a->coalition > b->coalition) - (a->coalition < b->coalition);
}

/* The timeline of every coalition with an attack in the counted runs (the
   points' run ids), after the points are ordered. */
static int load_timelines(an_report *r, char *err, size_t err_len) {
    int has = table_exists(r->db, "coalitions");
    if (has < 0) return an_fail(err, err_len, AN_ERR_SQL, "reading '%s': %s", r->path, sqlite3_errmsg(r->db));
    if (!has) return 0;
    int v8 = column_exists(r->db, "coalitions", "forged_executed_ns");
    if (v8 < 0) return an_fail(err, err_len, AN_ERR_SQL, "reading '%s': %s", r->path, sqlite3_errmsg(r->db));
    r->timeline_forged = v8 == 1;
    /* offences of the members: the offender among the comma-separated members */
#define MEMBER_OFFENCE(what, cond)                                                                                  \
    "(SELECT min(o." what ") FROM offences o WHERE o.run_id = c.run_id" cond                                         \
    " AND instr(',' || c.members || ',', ',' || o.offender || ',') > 0)"
    char sql[1536];
    snprintf(sql, sizeof sql,
             "SELECT c.run_id, c.coalition, c.name, c.attack, c.acted_ns, %s, %s, " MEMBER_OFFENCE("provable_ns", "")
             ", " MEMBER_OFFENCE("included_ns", "") ", " MEMBER_OFFENCE("executed_ns", " AND o.outcome = 'slashed'")
             ", c.withdraw_queued_ns, c.withdraw_completed_ns,"
             " (SELECT w.duration_ns FROM run_window w WHERE w.run_id = c.run_id),"
             " (SELECT u.seed FROM runs u WHERE u.id = c.run_id)"
             " FROM coalitions c WHERE c.attack <> 'none' ORDER BY c.run_id, c.coalition",
             v8 ? "c.forged_approved_ns" : "NULL", v8 ? "c.forged_executed_ns" : "NULL");
#undef MEMBER_OFFENCE
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(r->db, sql, -1, &st, NULL);
    size_t cap = 0;
    int code = 0;
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        int64_t run = sqlite3_column_int64(st, 0);
        size_t pt = SIZE_MAX;
        for (size_t p = 0; p < r->point_count && pt == SIZE_MAX; p++) {
            for (size_t i = 0; i < r->points[p].seed_count && pt == SIZE_MAX; i++) {
                if (r->points[p].run_ids[i] == run) pt = p;
            }
        }
        if (pt == SIZE_MAX) continue; /* not counted (failed, or a seed run twice) */
        if (!SIM_GROW(r->timelines, cap, r->timeline_count + 1)) {
            code = AN_ERR_NOMEM;
            break;
        }
        an_report_timeline *t = &r->timelines[r->timeline_count++];
        memset(t, 0, sizeof *t);
        t->run_id = run;
        t->point = pt;
        t->seed = sqlite3_column_int64(st, 13);
        t->coalition = sqlite3_column_int64(st, 1);
        const unsigned char *nm = sqlite3_column_text(st, 2), *at = sqlite3_column_text(st, 3);
        snprintf(t->name, sizeof t->name, "%s", nm ? (const char *)nm : "");
        snprintf(t->attack, sizeof t->attack, "%s", at ? (const char *)at : "");
        for (int e = 0; e < AN_REPORT_EVENT_COUNT; e++) {
            double v = sqlite3_column_type(st, 4 + e) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 4 + e) / 1e9;
            t->at_s[e] = isfinite(v) && v >= 0.0 ? v : NAN;
        }
        double end = sqlite3_column_type(st, 12) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 12) / 1e9;
        t->end_s = isfinite(end) && end > 0.0 ? end : NAN;
    }
    sqlite3_finalize(st);
    if (code) return an_fail(err, err_len, code, "out of memory");
    if (rc != SQLITE_DONE) {
        return an_fail(err, err_len, AN_ERR_SQL, "reading coalitions of '%s': %s", r->path, sqlite3_errmsg(r->db));
    }
    if (r->timeline_count > 1) qsort(r->timelines, r->timeline_count, sizeof *r->timelines, cmp_timeline);
    return 0;
}

int an_report_load(const char *path, double stall_s, an_report **out, char *err, size_t err_len) {
    assert(path != NULL && out != NULL && stall_s > 0.0);
    *out = NULL;
    an_report *r = calloc(1, sizeof *r);
    if (!r) return an_fail(err, err_len, AN_ERR_NOMEM, "out of memory");
    r->stall_s = stall_s;
    r->path = an_report_strdup(path);
    if (!r->path) {
        free(r);
        return an_fail(err, err_len, AN_ERR_NOMEM, "out of memory");
    }
    sqlite3 *db = NULL;
    int rc = an_export_open(path, &db, err, err_len);
    r->db = db;
    rrun *runs = NULL;
    crow *cs = NULL;
    size_t n = 0, nc = 0;
    if (rc == 0) rc = load_runs(r, &runs, &n, err, err_len);
    if (rc == 0 && n == 0) rc = an_fail(err, err_len, AN_ERR_NOTHING, "'%s' holds no ok run to report on", path);
    if (rc == 0) rc = load_values(r, runs, n, err, err_len);
    if (rc == 0) rc = load_coalitions(r, runs, n, &cs, &nc, err, err_len);
    if (rc == 0) rc = an_report_summarise(r, runs, n, cs, nc, err, err_len);
    if (rc == 0) rc = load_shares(r, runs, n, err, err_len);
    if (rc == 0) rc = find_varying(r, err, err_len);
    if (rc == 0 && order_points(r) != 0) rc = an_fail(err, err_len, AN_ERR_NOMEM, "out of memory");
    if (rc == 0) rc = load_timelines(r, err, err_len);
    for (size_t p = 0; rc == 0 && p < r->point_count; p++) {
        snprintf(r->points[p].label, sizeof r->points[p].label, "P%zu", p + 1);
    }
    free(runs);
    crows_free(cs, nc);
    if (rc) {
        an_report_free(r);
        return rc;
    }
    *out = r;
    return 0;
}
