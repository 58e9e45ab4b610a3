/*
** The world of one run (see world.h): engine + network + models, and the
** observer that turns message fates into results -- per-link aggregates by
** (group, region) pair, sampled per-message rows streamed into the run,
** and the latency distribution for the summary.
*/
#include "world/world.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "world/probes.h"
#include "world/xchain.h"
#include "rng.h"
#include "stats.h"

#define MDL_ENT_SAMPLE 0x53414d50u /* "SAMP" */
#define DEFAULT_MATRIX XRSIM_DATA_DIR "/latency/aws-13-regions-oneway-ms.csv"

struct mdl_world {
    const mdl_scenario *scn;
    sim_engine *engine;
    sim_net *net;
    mdl_probes *probes;
    mdl_verifiers *verifiers;
    mdl_xchain *xchain;
    sim_rec *rec;
    const char *error;           /* first failure inside the run */
    uint64_t sample_threshold;   /* message id sampled iff mix(id) < this */
    bool sample_all;
    /* aggregates by (src group, src region, dst group, dst region) */
    uint32_t groups, regions;
    sim_net_link_stats *links;
    /* delivered probe latencies (sent at or after warm-up) */
    uint64_t *lat;
    size_t lat_len, lat_cap;
    uint64_t probes_delivered;
    uint64_t rows;
};

static const char *const fate_names[] = {"delivered", "dropped_loss", "dropped_partition",
                                         "dropped_crash"};

static sim_net_link_stats *link_of(mdl_world *w, uint32_t from, uint32_t to) {
    uint32_t gs = sim_net_node_group(w->net, from), gd = sim_net_node_group(w->net, to);
    uint32_t rs = sim_net_node_region(w->net, from), rd = sim_net_node_region(w->net, to);
    size_t i = (((size_t)gs * w->regions + rs) * w->groups + gd) * w->regions + rd;
    return &w->links[i];
}

static void record_row(mdl_world *w, const sim_net_msg_info *m) {
    sqlite3_stmt *st;
    if (sim_rec_prepare(w->rec,
                        "INSERT INTO net_deliveries (run_id, seq, src, dst, sent_ns, recv_ns,"
                        " size_bytes, outcome) VALUES (?,?,?,?,?,?,?,?)",
                        &st) != 0) {
        sim_engine_fail(w->engine, &w->error, sim_rec_errmsg(w->rec));
        return;
    }
    sim_rec_val v[8] = {
        sim_rec_int(sim_rec_run_id(w->rec)),
        sim_rec_u64(m->id),
        sim_rec_int(m->from),
        sim_rec_int(m->to),
        sim_rec_u64(m->send_ns),
        m->fate == SIM_NET_DELIVERED ? sim_rec_u64(m->arrival_ns) : sim_rec_null(),
        sim_rec_u64(m->len),
        sim_rec_text(fate_names[m->fate]),
    };
    if (sim_rec_insert(w->rec, st, v, 8) != 0) {
        sim_engine_fail(w->engine, &w->error, sim_rec_errmsg(w->rec));
        return;
    }
    w->rows++;
}

static void observe(void *ctx, const sim_net_msg_info *m) {
    mdl_world *w = ctx;
    sim_net_link_stats *l = link_of(w, m->from, m->to);
    l->sent++;
    l->bytes_sent += m->len;
    switch (m->fate) {
    case SIM_NET_DELIVERED: {
        uint64_t lat = m->arrival_ns - m->send_ns;
        l->delivered++;
        l->bytes_delivered += m->len;
        l->latency_sum_ns += lat;
        if (lat < l->latency_min_ns) l->latency_min_ns = lat;
        if (lat > l->latency_max_ns) l->latency_max_ns = lat;
        uint64_t sent_ns;
        if (w->probes && m->send_ns >= w->scn->warmup_ns && mdl_probes_decode(m->bytes, m->len, &sent_ns)) {
            w->probes_delivered++;
            if (!SIM_GROW(w->lat, w->lat_cap, w->lat_len + 1)) {
                sim_engine_fail(w->engine, &w->error, "out of memory");
                return;
            }
            w->lat[w->lat_len++] = lat;
        }
        break;
    }
    case SIM_NET_DROP_LOSS: l->dropped_loss++; break;
    case SIM_NET_DROP_PARTITION: l->dropped_partition++; break;
    case SIM_NET_DROP_CRASH: l->dropped_crash++; break;
    }
    if (w->rec && (w->sample_all ||
                   sim_rng_derive(w->scn->seed, MDL_ENT_SAMPLE, (uint32_t)m->id,
                                  (uint32_t)(m->id >> 32)) < w->sample_threshold)) {
        record_row(w, m);
    }
}

mdl_world *mdl_world_new(const mdl_scenario *s, sim_diag *d) {
    assert(s && d);
    mdl_world *w = calloc(1, sizeof *w);
    if (!w) {
        sim_diag_error(d, NULL, "out of memory while building the world");
        return NULL;
    }
    w->scn = s;
    double sample = s->probes.sample;
    w->sample_all = sample >= 1.0;
    w->sample_threshold = sample <= 0.0 ? 0 : (uint64_t)(sample * 18446744073709551616.0);
    w->engine = sim_engine_new(4096);
    if (!w->engine) goto oom;
    sim_net_config cfg = s->net;
    cfg.default_regions_path = DEFAULT_MATRIX;
    w->net = sim_net_new(w->engine, &cfg, s->seed);
    if (!w->net) goto oom;
    if (s->probes.count) {
        w->probes = mdl_probes_new(w->net, &s->probes, s->seed, s->warmup_ns);
        if (!w->probes) goto oom;
    }
    if (s->verifiers.count) {
        w->verifiers = mdl_verifiers_new(w->engine, w->net, &s->verifiers, &s->consensus, s->seed, d);
        if (!w->verifiers) {
            mdl_world_free(w);
            return NULL;
        }
    }
    if (!sim_net_resolve(w->net, d)) {
        mdl_world_free(w);
        return NULL;
    }
    w->groups = sim_net_group_count(w->net);
    w->regions = sim_regions_count(sim_net_regions(w->net));
    size_t nlinks = (size_t)w->groups * w->regions * w->groups * w->regions;
    w->links = calloc(nlinks ? nlinks : 1, sizeof *w->links);
    if (!w->links) goto oom;
    for (size_t i = 0; i < nlinks; i++) w->links[i].latency_min_ns = UINT64_MAX;
    sim_net_set_observer(w->net, observe, w);
    if (w->probes && !mdl_probes_start(w->probes)) goto oom;
    if (s->xchain.rollups.count) {
        const char *why = NULL;
        w->xchain = mdl_xchain_new(w->engine, w->verifiers, s->consensus.bft.quorum, &s->xchain, s->seed,
                                   s->warmup_ns, s->duration_ns, &why);
        if (!w->xchain) {
            sim_diag_error(d, NULL, "cannot build the chains: %s", why ? why : "out of memory");
            mdl_world_free(w);
            return NULL;
        }
        if (!mdl_xchain_start(w->xchain)) goto oom;
    }
    if (w->verifiers && !mdl_verifiers_start(w->verifiers)) goto oom;
    return w;
oom:
    sim_diag_error(d, NULL, "out of memory while building the world");
    mdl_world_free(w);
    return NULL;
}

void mdl_world_attach(mdl_world *w, sim_rec *rec) {
    assert(w && rec && sim_rec_run_id(rec) > 0);
    w->rec = rec;
}

void mdl_world_free(mdl_world *w) {
    if (!w) return;
    mdl_probes_free(w->probes);
    mdl_xchain_free(w->xchain);
    mdl_verifiers_free(w->verifiers);
    sim_net_free(w->net);
    sim_engine_free(w->engine);
    free(w->links);
    free(w->lat);
    free(w);
}

sim_engine *mdl_world_engine(mdl_world *w) { return w->engine; }
mdl_xchain *mdl_world_xchain(mdl_world *w) { return w->xchain; }
sim_net *mdl_world_net(mdl_world *w) { return w->net; }
mdl_verifiers *mdl_world_verifiers(mdl_world *w) { return w->verifiers; }

sim_run_result mdl_world_run(mdl_world *w, volatile sig_atomic_t *stop, sim_progress_fn progress,
                             void *progress_ctx) {
    if (progress) sim_engine_set_progress(w->engine, progress, progress_ctx, 1u << 16);
    return mdl_world_run_to(w, w->scn->duration_ns, stop);
}

sim_run_result mdl_world_run_to(mdl_world *w, uint64_t until_ns, volatile sig_atomic_t *stop) {
    sim_run_result r = sim_engine_run(w->engine, until_ns, stop);
    if (sim_net_error(w->net) != SIM_NET_OK)
        sim_engine_fail(w->engine, &w->error, "out of memory in the network");
    if (w->verifiers && mdl_verifiers_error(w->verifiers))
        sim_engine_fail(w->engine, &w->error, mdl_verifiers_error(w->verifiers));
    if (w->xchain && mdl_xchain_error(w->xchain))
        sim_engine_fail(w->engine, &w->error, mdl_xchain_error(w->xchain));
    return r;
}

const char *mdl_world_error(const mdl_world *w) { return w->error; }

static const char *region_name(const mdl_world *w, uint32_t r) {
    return sim_regions_name(sim_net_regions(w->net), r);
}

int mdl_world_record(mdl_world *w) {
    assert(w->rec);
    int64_t run = sim_rec_run_id(w->rec);
    sqlite3_stmt *st;
    int rc = sim_rec_prepare(w->rec,
                             "INSERT INTO nodes (run_id, node_id, grp, idx, region) VALUES (?,?,?,?,?)",
                             &st);
    for (uint32_t g = 0; rc == 0 && g < w->groups; g++) {
        for (uint32_t i = 0; rc == 0 && i < sim_net_group_size(w->net, g); i++) {
            uint32_t node = sim_net_group_node(w->net, g, i);
            assert(node < sim_net_node_count(w->net));
            sim_rec_val v[5] = {sim_rec_int(run), sim_rec_int(node),
                                sim_rec_text(sim_net_group_name(w->net, g)), sim_rec_int(i),
                                sim_rec_text(region_name(w, sim_net_node_region(w->net, node)))};
            rc = sim_rec_insert(w->rec, st, v, 5);
        }
    }
    if (rc == 0) {
        rc = sim_rec_prepare(w->rec,
                             "INSERT INTO net_links (run_id, src_grp, src_region, dst_grp, dst_region,"
                             " sent_count, delivered_count, dropped_loss_count, dropped_partition_count,"
                             " dropped_crash_count, sent_bytes, delivered_bytes, latency_sum_ns,"
                             " latency_min_ns, latency_max_ns) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                             &st);
    }
    for (uint32_t gs = 0; rc == 0 && gs < w->groups; gs++)
        for (uint32_t rs = 0; rc == 0 && rs < w->regions; rs++)
            for (uint32_t gd = 0; rc == 0 && gd < w->groups; gd++)
                for (uint32_t rd = 0; rc == 0 && rd < w->regions; rd++) {
                    const sim_net_link_stats *l =
                        &w->links[(((size_t)gs * w->regions + rs) * w->groups + gd) * w->regions + rd];
                    if (l->sent == 0) continue;
                    bool any = l->delivered > 0;
                    sim_rec_val v[15] = {
                        sim_rec_int(run),
                        sim_rec_text(sim_net_group_name(w->net, gs)),
                        sim_rec_text(region_name(w, rs)),
                        sim_rec_text(sim_net_group_name(w->net, gd)),
                        sim_rec_text(region_name(w, rd)),
                        sim_rec_u64(l->sent),
                        sim_rec_u64(l->delivered),
                        sim_rec_u64(l->dropped_loss),
                        sim_rec_u64(l->dropped_partition),
                        sim_rec_u64(l->dropped_crash),
                        sim_rec_u64(l->bytes_sent),
                        sim_rec_u64(l->bytes_delivered),
                        sim_rec_u64(l->latency_sum_ns),
                        any ? sim_rec_u64(l->latency_min_ns) : sim_rec_null(),
                        any ? sim_rec_u64(l->latency_max_ns) : sim_rec_null(),
                    };
                    rc = sim_rec_insert(w->rec, st, v, 15);
                }
    if (rc == 0) {
        rc = sim_rec_prepare(w->rec, "INSERT INTO run_window (run_id, warmup_ns, duration_ns) VALUES (?,?,?)",
                             &st);
    }
    if (rc == 0) {
        sim_rec_val v[3] = {sim_rec_int(run), sim_rec_u64(w->scn->warmup_ns), sim_rec_u64(w->scn->duration_ns)};
        rc = sim_rec_insert(w->rec, st, v, 3);
    }
    if (rc == 0) rc = sim_rec_prepare(w->rec, "INSERT INTO run_profile (run_id, profile) VALUES (?,?)", &st);
    if (rc == 0) {
        const mdl_profile *p = w->scn->profile ? w->scn->profile : mdl_profile_default();
        sim_rec_val v[2] = {sim_rec_int(run), sim_rec_text(p->name)};
        rc = sim_rec_insert(w->rec, st, v, 2);
    }
    if (rc == 0 && w->verifiers) rc = mdl_verifiers_record(w->verifiers, w->rec, sim_now_ns(w->engine));
    if (rc == 0 && w->xchain) rc = mdl_xchain_record(w->xchain, w->rec);
    return rc;
}

void mdl_world_summary_get(mdl_world *w, mdl_world_summary *out) {
    memset(out, 0, sizeof *out);
    out->sim_ns = sim_now_ns(w->engine);
    out->events = sim_engine_events(w->engine);
    sim_engine_digest_hex(w->engine, out->digest);
    out->nodes = sim_net_node_count(w->net);
    sim_net_stats_total(w->net, &out->net);
    out->probes_sent = w->probes ? mdl_probes_sent(w->probes) : 0;
    out->probes_delivered = w->probes_delivered;
    out->rows_written = w->rows;
    out->latency_count = w->lat_len;
    if (w->lat_len) {
        sim_stats_sort_u64(w->lat, w->lat_len);
        double sum = 0;
        for (size_t i = 0; i < w->lat_len; i++) sum += (double)w->lat[i];
        out->latency_mean_ns = sum / (double)w->lat_len;
        out->latency_p50_ns = sim_stats_percentile(w->lat, w->lat_len, 50);
        out->latency_p90_ns = sim_stats_percentile(w->lat, w->lat_len, 90);
        out->latency_p99_ns = sim_stats_percentile(w->lat, w->lat_len, 99);
        out->latency_max_ns = w->lat[w->lat_len - 1];
    }
    if (w->verifiers) {
        out->has_consensus = true;
        mdl_verifiers_summary(w->verifiers, out->sim_ns, &out->consensus);
    }
    if (w->xchain) {
        out->has_xchain = true;
        mdl_xchain_summary_get(w->xchain, w->scn->warmup_ns, &out->consensus, out->sim_ns, &out->xchain);
        const mdl_verification_summary *v = mdl_xchain_verification(w->xchain); /* issue 15 */
        if (v) {
            out->xchain.has_verification = true;
            out->xchain.verification = *v;
            if (!mdl_approach_get(v->approach)->committee) {
                /* the destination side is the approach's rule: the fast and
                ** finalized lines, and `expect:`, read its execution times
                ** and costs -- not the committee path simulated beside it */
                const mdl_verification *vh = mdl_xchain_verification_host(w->xchain);
                const mdl_messages *msgs = mdl_xchain_messages(w->xchain);
                mdl_finality lat, fin;
                if (mdl_verification_finality(vh, msgs, XR_CONF_LATEST, w->scn->warmup_ns, &lat) &&
                    mdl_verification_finality(vh, msgs, XR_CONF_FINALIZED, w->scn->warmup_ns, &fin)) {
                    out->xchain.latest = lat;
                    out->xchain.finalized = fin;
                    out->xchain.by_approach = true;
                }
            }
        }
    }
}
