/*
** The world: everything one run simulates, assembled from a scenario -- the
** engine, the network with its nodes, and the models living on it -- and
** the bridge from what happens to the results file.
**
** Life cycle: mdl_world_new (builds and checks; reports problems such as
** unknown groups or regions at their scenario marks), mdl_world_run (may be
** stopped by a flag between events), mdl_world_summary for the numbers a
** user reads, mdl_world_free.  When a recorder with a run in progress is
** given, the world streams its rows into that run while it runs and writes
** its aggregates at the end (mdl_world_record).
*/
#ifndef MDL_WORLD_H
#define MDL_WORLD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "net.h"
#include "recorder.h"
#include "world/scenario.h"
#include "world/xchain.h"
#include "verifiers/verifier.h"
#include "ytree.h"

typedef struct mdl_world mdl_world;

/* What a user reads after a run (also what tests compare).  Sorting the
** latencies makes getting it a mutation, hence the non-const world. */
typedef struct mdl_world_summary {
    uint64_t sim_ns;            /* virtual time reached */
    uint64_t events;            /* dispatched */
    char digest[33];
    uint32_t nodes;
    sim_net_link_stats net;     /* all traffic */
    uint64_t probes_sent;       /* probes sent after warm-up */
    uint64_t probes_delivered;  /* of those, delivered */
    uint64_t latency_count;     /* delivered probes sent after warm-up */
    uint64_t latency_p50_ns, latency_p90_ns, latency_p99_ns, latency_max_ns;
    double latency_mean_ns;
    uint64_t rows_written;      /* sampled per-message rows */
    bool has_consensus;         /* the scenario has verifiers */
    mdl_consensus_summary consensus;
    bool has_xchain;            /* the scenario has rollups */
    mdl_xchain_summary xchain;
} mdl_world_summary;

/* Builds the world of scenario `s` (borrowed; must outlive the world) and
** checks what only a built world can (group and region names).  Returns
** NULL with errors in d, or on out of memory (also reported in d). */
mdl_world *mdl_world_new(const mdl_scenario *s, sim_diag *d);

/* From now on, write the run's rows into `rec`, whose run must be in
** progress (before mdl_world_run). */
void mdl_world_attach(mdl_world *w, sim_rec *rec);
void mdl_world_free(mdl_world *w);

sim_engine *mdl_world_engine(mdl_world *w);
mdl_xchain *mdl_world_xchain(mdl_world *w); /* NULL without rollups */
sim_net *mdl_world_net(mdl_world *w);
/* The verifiers (models/verifier.h), or NULL when the scenario has none;
** the place to hook commits, approvals and evidence (before running). */
mdl_verifiers *mdl_world_verifiers(mdl_world *w);

/* Runs to the scenario's duration.  Returns SIM_RUN_UNTIL or SIM_RUN_EMPTY
** when the run completed, SIM_RUN_STOPPED when *stop became non-zero.
** A failure inside the run (out of memory, a failed results write) also
** stops it: check mdl_world_error. */
/* Runs on to until_ns (>= now), past the scenario's duration if asked (the
** swarm's liveness window), with mdl_world_run's checks. */
sim_run_result mdl_world_run_to(mdl_world *w, uint64_t until_ns, volatile sig_atomic_t *stop);
sim_run_result mdl_world_run(mdl_world *w, volatile sig_atomic_t *stop, sim_progress_fn progress,
                             void *progress_ctx);

/* NULL, or why the run cannot be trusted (a failed write, OOM). */
const char *mdl_world_error(const mdl_world *w);

/* Writes the aggregate tables (nodes, net_links, and the consensus tables
** when there are verifiers) into the attached run.
** Returns 0 or a SIM_REC_ERR_* code. */
int mdl_world_record(mdl_world *w);

void mdl_world_summary_get(mdl_world *w, mdl_world_summary *out);

#endif
