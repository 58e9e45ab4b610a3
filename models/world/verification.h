/*
** The verification approach hosted in a world (models/approaches/): it
** listens to the rollups' blocks and batches while the run goes (mean base
** fees; when each batch reached L1 and was settled there), and at the end
** applies the approach's rule to every message and its security rule to the
** run.  It schedules nothing and draws from no stream the world uses, so a
** world's events -- and its digest -- are the same whatever the approach
** (only `external` changes the world: its restaking contract never
** slashes, set when the world is built).
**
** Results: the messages' columns settled_ns, verified_ns, supported,
** cost_wei (and, for native, local and optimistic, their destination-side
** stages: the committee's are cleared) and one approach_runs row.
*/
#ifndef MDL_VERIFICATION_H
#define MDL_VERIFICATION_H

#include <stdbool.h>
#include <stdint.h>

#include "approaches/approach.h"
#include "chain/rollup.h"
#include "economics/adversary.h"
#include "recorder.h"
#include "world/messages.h"

typedef struct mdl_verification mdl_verification;

/* What the host needs from the world at the end (borrowed). */
typedef struct mdl_verification_world {
    const mdl_messages *msgs;
    mdl_rollups *rs;
    const mdl_workload_config *workload;   /* routes' `calls` shares */
    const mdl_adversary *adversary;
    const mdl_adversary_config *adversary_cfg;
    const xr_valset *genesis;
    xr_quorum quorum;
    uint32_t slash_ppm;
    uint64_t warmup_ns, duration_ns, end_ns;
} mdl_verification_world;

/* NULL when out of memory.  c is borrowed. */
mdl_verification *mdl_verification_new(const mdl_verification_config *c, size_t rollups, uint64_t seed);
void mdl_verification_free(mdl_verification *v);

void mdl_verification_on_block(mdl_verification *v, const mdl_rollup_block *b);
/* False when out of memory. */
bool mdl_verification_on_batch(mdl_verification *v, const mdl_rollup_batch *b);

typedef struct mdl_verification_summary {
    mdl_approach_kind approach;
    uint64_t emitted, supported, executed;     /* emitted after warm-up */
    uint64_t latest_p50_ns, latest_p99_ns, finalized_p50_ns, finalized_p99_ns; /* NEVER: none */
    uint64_t latest_executed, finalized_executed;
    double cost_per_msg_wei;                   /* over executed messages */
    mdl_appr_run run;
    mdl_appr_security sec;
} mdl_verification_summary;

/* Applies the approach to every message and the run (idempotent; false
** when out of memory).  The outcomes stay for _record. */
bool mdl_verification_finish(mdl_verification *v, const mdl_verification_world *w);
const mdl_verification_summary *mdl_verification_summary_of(const mdl_verification *v);
/* Message i's outcome (i < mdl_messages_count; after finish). */
const mdl_appr_outcome *mdl_verification_outcome(const mdl_verification *v, size_t i);
/* The approach's finality at one level over messages emitted from from_ns
** (after finish): what the run summary and `expect:` read when the approach
** is not a committee's, the same numbers the messages table then holds.
** false when out of memory. */
bool mdl_verification_finality(const mdl_verification *v, const mdl_messages *msgs, uint8_t conf_level,
                               uint64_t from_ns, mdl_finality *out);
/* After the messages were recorded: their approach columns and the
** approach_runs row.  0 or SIM_REC_ERR_*. */
int mdl_verification_record(const mdl_verification *v, const mdl_messages *msgs, sim_rec *rec);

#endif
