/*
** Probe traffic between the nodes of group "probes" (see probes.h).
** Wire format: 8-byte magic "xrprobe1", 8-byte send time (big-endian ns),
** zero padding up to the configured size.
*/
#include "world/probes.h"

#include <assert.h>
#include <gsl/gsl_randist.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

enum { PURPOSE_PEERS = 1, PURPOSE_INTERVAL = 2 };
static const uint8_t magic[8] = {'x', 'r', 'p', 'r', 'o', 'b', 'e', '1'};

struct mdl_probes {
    sim_net *net;
    mdl_probe_config cfg;
    uint64_t warmup_ns;
    uint32_t *node_ids;    /* index in group -> node id */
    gsl_rng **peer_rng;    /* per node */
    gsl_rng **interval_rng;
    uint32_t *pick;        /* scratch for choosing distinct peers */
    uint8_t *buf;          /* one message */
    uint64_t sent_after_warmup;
};

static uint64_t next_gap_ns(mdl_probes *p, uint32_t i) {
    if (p->cfg.arrival == MDL_ARRIVAL_FIXED) return p->cfg.interval_ns;
    double gap = gsl_ran_exponential(p->interval_rng[i], (double)p->cfg.interval_ns);
    return gap < 1.0 ? 1 : (uint64_t)gap;
}

static uint32_t index_of(const mdl_probes *p, uint32_t node) {
    /* Probe nodes are added consecutively, so the index is an offset. */
    uint32_t i = node - p->node_ids[0];
    assert(i < p->cfg.count && p->node_ids[i] == node);
    return i;
}

static void send_round(mdl_probes *p, uint32_t i) {
    uint32_t n = p->cfg.count;
    uint32_t self = p->node_ids[i];
    uint64_t now = sim_net_cpu_now_ns(p->net, self);
    for (int b = 0; b < 8; b++) p->buf[8 + b] = (uint8_t)(now >> (56 - 8 * b));
    /* Partial Fisher-Yates over the other n-1 peers: fanout distinct picks. */
    for (uint32_t k = 0; k < n - 1; k++) p->pick[k] = k < i ? k : k + 1;
    for (uint32_t k = 0; k < p->cfg.fanout; k++) {
        uint32_t r = k + (uint32_t)sim_rng_below(p->peer_rng[i], n - 1 - k);
        uint32_t t = p->pick[k];
        p->pick[k] = p->pick[r];
        p->pick[r] = t;
        int rc = sim_net_send(p->net, self, p->node_ids[p->pick[k]], p->buf, p->cfg.size_bytes);
        if (rc == SIM_NET_OK && now >= p->warmup_ns) p->sent_after_warmup++;
    }
}

static void on_timer(void *ctx, uint32_t node, uint64_t tag) {
    mdl_probes *p = ctx;
    (void)tag;
    uint32_t i = index_of(p, node);
    send_round(p, i);
    sim_net_timer_at(p->net, node, sim_net_cpu_now_ns(p->net, node) + next_gap_ns(p, i), 0);
}

static void on_message(void *ctx, uint32_t node, uint32_t from, const uint8_t *bytes, size_t len) {
    mdl_probes *p = ctx;
    (void)from;
    uint64_t sent_ns;
    if (mdl_probes_decode(bytes, len, &sent_ns) && p->cfg.cpu_ns) {
        sim_net_charge(p->net, node, p->cfg.cpu_ns);
    }
}

static void on_restart(void *ctx, uint32_t node) {
    mdl_probes *p = ctx;
    uint32_t i = index_of(p, node);
    /* Timers vanished with the crash: start sending again. */
    sim_net_timer_at(p->net, node, sim_net_cpu_now_ns(p->net, node) + next_gap_ns(p, i), 0);
}

mdl_probes *mdl_probes_new(sim_net *net, const mdl_probe_config *c, uint64_t seed, uint64_t warmup_ns) {
    assert(net && c && c->count >= 2 && c->fanout >= 1 && c->fanout < c->count);
    assert(c->size_bytes >= MDL_PROBE_HEADER_BYTES);
    mdl_probes *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->net = net;
    p->cfg = *c;
    p->warmup_ns = warmup_ns;
    p->node_ids = calloc(c->count, sizeof *p->node_ids);
    p->peer_rng = calloc(c->count, sizeof *p->peer_rng);
    p->interval_rng = calloc(c->count, sizeof *p->interval_rng);
    p->pick = calloc(c->count, sizeof *p->pick);
    p->buf = calloc(1, c->size_bytes);
    if (!p->node_ids || !p->peer_rng || !p->interval_rng || !p->pick || !p->buf) goto oom;
    memcpy(p->buf, magic, sizeof magic);
    static const sim_net_handlers h = {
        .on_message = on_message, .on_timer = on_timer, .on_restart = on_restart};
    for (uint32_t i = 0; i < c->count; i++) {
        p->node_ids[i] = sim_net_add_node(net, "probes", SIM_NET_REGION_AUTO);
        if (p->node_ids[i] == SIM_NET_NODE_NONE) goto oom;
        assert(i == 0 || p->node_ids[i] == p->node_ids[i - 1] + 1);
        sim_net_set_handlers(net, p->node_ids[i], &h, p);
        p->peer_rng[i] = sim_rng_new(seed, MDL_ENT_PROBE, i, PURPOSE_PEERS);
        p->interval_rng[i] = sim_rng_new(seed, MDL_ENT_PROBE, i, PURPOSE_INTERVAL);
        if (!p->peer_rng[i] || !p->interval_rng[i]) goto oom;
    }
    return p;
oom:
    mdl_probes_free(p);
    return NULL;
}

void mdl_probes_free(mdl_probes *p) {
    if (!p) return;
    for (uint32_t i = 0; i < p->cfg.count; i++) {
        if (p->peer_rng && p->peer_rng[i]) gsl_rng_free(p->peer_rng[i]);
        if (p->interval_rng && p->interval_rng[i]) gsl_rng_free(p->interval_rng[i]);
    }
    free(p->node_ids);
    free(p->peer_rng);
    free(p->interval_rng);
    free(p->pick);
    free(p->buf);
    free(p);
}

bool mdl_probes_start(mdl_probes *p) {
    for (uint32_t i = 0; i < p->cfg.count; i++) {
        /* A random phase in [0, interval) so nodes do not send in lockstep. */
        uint64_t phase = sim_rng_below(p->interval_rng[i], p->cfg.interval_ns);
        if (sim_net_timer_at(p->net, p->node_ids[i], phase, 0) == 0) return false;
    }
    return true;
}

uint64_t mdl_probes_sent(const mdl_probes *p) { return p->sent_after_warmup; }

bool mdl_probes_decode(const uint8_t *bytes, size_t len, uint64_t *sent_ns) {
    if (len < MDL_PROBE_HEADER_BYTES || memcmp(bytes, magic, sizeof magic) != 0) return false;
    uint64_t t = 0;
    for (int b = 0; b < 8; b++) t = (t << 8) | bytes[8 + b];
    *sent_ns = t;
    return true;
}
