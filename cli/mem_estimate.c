/*
** Peak memory estimate of a scenario (see mem_estimate.h for the model).
*/
#include "mem_estimate.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "xr_bft.h"
#include "xr_bftmsg.h"

/* Calibration, from peak RSS (/usr/bin/time -f %M) of Release runs on the
** project's VM, 2026-12-07 (BENCHMARKS.md, "Memory that follows use"):
** host state per verifier beyond its core (records, rings, network
** endpoint, timers), the world's fixed part (engine, regions, schema, code)
** and what each emitted message keeps until the end of the run (its life
** record, xmsg copies in blocks, submissions). */
#define HOST_PER_VERIFIER_BYTES (512u * 1024u)
#define WORLD_FIXED_BYTES (48u * 1024u * 1024u)
#define WORLD_PER_MESSAGE_BYTES 600u
/* Time a height takes beyond the block interval: proposal, prevote and
** precommit each cross the regions once (~3 one-way delays of up to
** ~110 ms in the shipped AWS matrix); heights measured at 1.26-1.34 s with
** a 1 s interval (BENCHMARKS.md, verifier consensus). */
#define HEIGHT_OVERHEAD_S 0.3
/* A vote waits about three heights between being signed and approved:
** precommit extension, proposed block, commit (plus the approval wait). */
#define HELD_HEIGHTS 3.0

/* XBlocks per second of one confirmation level of a rollup: as Omni forms
** them (models/chain/rollup.h), one per block that holds messages, the same
** at every level; a block of mean time bt holds Poisson(lambda * bt) of
** them.  (Empty XBlocks at the attest interval, one per hour of blocks in
** the presets, are left out.) */
static double xblock_rate(double lambda_per_s, double bt_s, bool all_blocks) {
    if (bt_s <= 0) return 0;
    if (all_blocks) return 1.0 / bt_s;
    return (1.0 - exp(-lambda_per_s * bt_s)) / bt_s;
}

/* XBlocks per second of one confirmation level of rollup i, from the
** messages the workload sends from it. */
static double rollup_xblocks_per_s(const mdl_scenario *s, size_t i) {
    const mdl_rollup_config *r = &s->xchain.rollups.items[i];
    const mdl_workload_config *wc = &s->xchain.workload;
    double lambda = 0;
    for (size_t k = 0; k < wc->count; k++)
        if (wc->routes[k].from == i) lambda += wc->routes[k].rate_per_s;
    return xblock_rate(lambda, sim_lat_mean_ns(&r->block_time) / 1e9, r->xblocks == MDL_XBLOCKS_ALL);
}

/* When rollup i's Finalized copies start: once its first batch is final on
** L1, the batch interval plus L1 finality (slot x epoch x epochs). */
static double finalized_after_s(const mdl_scenario *s, size_t i) {
    const mdl_l1_config *l1 = &s->xchain.l1;
    return sim_lat_mean_ns(&s->xchain.rollups.items[i].batch_interval) / 1e9 +
           (double)l1->slot_ns * l1->epoch_slots * l1->finality_epochs / 1e9;
}

static double attestations_per_s(const mdl_scenario *s) {
    const mdl_xblock_synth_cfg *syn = &s->consensus.synthetic;
    double r = 0, dur = (double)s->duration_ns / 1e9;
    if (syn->chains > 0 && syn->interval_ns > 0) r += syn->chains * 1e9 / (double)syn->interval_ns;
    for (size_t i = 0; i < s->xchain.rollups.count; i++) {
        /* over a run shorter than finality the Finalized copies never come,
        ** over a longer one they count for the part after it */
        double fin_after = finalized_after_s(s, i);
        double share = dur > fin_after ? (dur - fin_after) / dur : 0;
        r += rollup_xblocks_per_s(s, i) * (1.0 + share);
    }
    return r;
}

/* The burst when the first L1 finality releases a rollup's finalized
** XBlocks all at once (every block from the start until then): how many
** finalized streams it opens within the run (*streams) and how many
** XBlocks it releases in all (returned): each verifier signs every one, so
** its own candidate pool holds them. */
static double finalized_burst(const mdl_scenario *s, uint32_t *streams) {
    double dur = (double)s->duration_ns / 1e9, released = 0;
    *streams = 0;
    for (size_t i = 0; i < s->xchain.rollups.count; i++) {
        double fin_after = finalized_after_s(s, i);
        if (dur <= fin_after) continue;
        (*streams)++;
        released += rollup_xblocks_per_s(s, i) * fin_after;
    }
    return released;
}

/* Messages emitted over the run: each route's rate over the part of the
** run it is active. */
static double messages_over_run(const mdl_scenario *s) {
    double n = 0, dur = (double)s->duration_ns;
    for (size_t k = 0; k < s->xchain.workload.count; k++) {
        const mdl_route_config *r = &s->xchain.workload.routes[k];
        double stop = r->stop_ns == UINT64_MAX || (double)r->stop_ns > dur ? dur : (double)r->stop_ns;
        double active = stop > (double)r->start_ns ? stop - (double)r->start_ns : 0;
        n += r->rate_per_s * active / 1e9;
    }
    return n;
}

void cli_mem_estimate_of(const mdl_scenario *s, cli_mem_estimate *out) {
    memset(out, 0, sizeof *out);
    double msgs = messages_over_run(s);
    uint64_t world = WORLD_FIXED_BYTES + (uint64_t)(msgs * WORLD_PER_MESSAGE_BYTES);
    uint32_t n = s->verifiers.count;
    if (n == 0) {
        out->shared_bytes = world;
        out->total_bytes = world;
        return;
    }
    const xr_bft_cfg *cfg = &s->consensus.bft;
    double v = n, rate = attestations_per_s(s);
    double interval_s = (double)cfg->timeouts.commit_ns / 1e9;
    double bps = (double)s->net.bandwidth_bps;
    /* Height time h: interval + overhead + the uplink time of a block of
    ** v*rate*h votes: h = a + k*h.  k >= 1, or more votes per height than
    ** a block holds: the backlog grows.  Whole proposals leave the
    ** proposer n - 1 times; in parts (gossip.c) it sends two copies and
    ** each relay about two blocks' worth, at least one part per peer. */
    double a = interval_s + HEIGHT_OVERHEAD_S;
    double part = (double)s->consensus.block_part_bytes;
    double copies = part > 0 ? 4.0 : v - 1;
    if (part > 0 && bps > 0) a += part * (v - 2 > 0 ? v - 2 : 0) * 8.0 / bps;
    double k = bps > 0 ? v * rate * XR_BFT_BLOCK_VOTE_BYTES * copies * 8.0 / bps : 0;
    double h = k < 1 ? a / (1 - k) : INFINITY;
    double per_height = v * rate * h;
    uint32_t cap = xr_bft_block_votes_cap(cfg);
    bool backlog = !(per_height <= (double)cap);
    uint32_t block_votes = backlog ? cap : (uint32_t)ceil(per_height);
    double held_d = per_height * HELD_HEIGHTS;
    if (backlog) {
        /* full blocks, each taking the interval plus its uplink time; the
        ** votes they cannot carry pile up for the rest of the run */
        double full_s = a + (bps > 0 ? XR_BFT_BLOCK_VOTE_BYTES * (double)block_votes * copies * 8.0 / bps : 0);
        h = full_s;
        double carried = (double)block_votes / full_s, arriving = v * rate;
        double growth = arriving > carried ? arriving - carried : 0;
        held_d = (double)block_votes * HELD_HEIGHTS + growth * (double)s->duration_ns / 1e9;
    }
    /* A finalized burst: every verifier may vote, per extension, up to the
    ** vote window of each released stream (at most max_votes_per_extension);
    ** blocks carry that from every verifier (up to their cap), the
    ** candidate and attestation pools hold about twice it, and each node's
    ** own pool every XBlock released (measured: the 100-verifier baseline
    ** peaks at ~2.7 GiB at its burst, 20 simulated minutes). */
    uint32_t fin_streams = 0;
    double released = finalized_burst(s, &fin_streams);
    if (fin_streams > 0) {
        double per_v = (double)fin_streams * (cfg->att_window + cfg->att_window_down + 1u) +
                       rate * h; /* its latest votes of a height too */
        if (per_v > (double)cfg->max_ext_votes) per_v = (double)cfg->max_ext_votes;
        double bv = v * per_v;
        if (bv > (double)cap) bv = (double)cap;
        if (bv > (double)block_votes) block_votes = (uint32_t)ceil(bv);
        double hb = 2.0 * v * per_v + released;
        if (hb > held_d) held_d = hb;
    }
    uint32_t held = held_d >= (double)UINT32_MAX ? UINT32_MAX : (uint32_t)ceil(held_d);
    size_t core = xr_bft_mem_in_use(cfg, block_votes, held);
    uint32_t items = 0;
    size_t act_bytes = 0;
    xr_bft_actions_size(cfg, &items, &act_bytes);
    out->attestations_per_s = rate;
    out->height_s = h;
    out->block_votes = block_votes;
    out->backlog = backlog;
    out->per_verifier_bytes = (uint64_t)core + HOST_PER_VERIFIER_BYTES;
    out->shared_bytes = world + (uint64_t)items * sizeof(xr_action) + act_bytes;
    out->total_bytes = out->per_verifier_bytes * n + out->shared_bytes;
}

uint64_t cli_mem_available(void) {
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f) return 0;
    char line[256];
    uint64_t kb = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %" SCNu64 " kB", &kb) == 1) break;
    fclose(f);
    return kb * 1024u;
}

static double gib(uint64_t b) { return (double)b / (1024.0 * 1024.0 * 1024.0); }
static double mib(uint64_t b) { return (double)b / (1024.0 * 1024.0); }

void cli_mem_estimate_format(const cli_mem_estimate *e, uint32_t verifiers, char *buf, size_t cap) {
    if (verifiers == 0) {
        snprintf(buf, cap, "peak memory estimate %.2f GiB (the world, no verifiers)", gib(e->total_bytes));
        return;
    }
    snprintf(buf, cap,
             "peak memory estimate %.2f GiB (%" PRIu32 " verifiers x %.1f MiB + %.0f MiB shared; "
             "%.1f attestations/s, %s%" PRIu32 " votes per block%s)",
             gib(e->total_bytes), verifiers, mib(e->per_verifier_bytes), mib(e->shared_bytes),
             e->attestations_per_s, e->backlog ? "" : "about ", e->block_votes,
             e->backlog ? ": votes would outrun blocks (their vote capacity or the proposer's "
                          "uplink), so the vote pools fill as the run goes on"
                        : "");
}

bool cli_mem_check_fits(const cli_mem_estimate *e, uint32_t verifiers, const char *what) {
    uint64_t avail = cli_mem_available();
    if (avail == 0 || e->total_bytes <= avail) return true;
    char line[512];
    cli_mem_estimate_format(e, verifiers, line, sizeof line);
    fprintf(stderr, "%s: error: this scenario cannot fit in memory: %s; the machine has %.2f GiB "
                    "available; nothing was run\n",
            what, line, gib(avail));
    return false;
}
