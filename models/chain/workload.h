/*
** Workloads: the users who send cross-rollup messages.  Each route (source
** rollup, destination rollup) is an arrival process of xcalls:
**   - poisson: exponential gaps at `rate`;
**   - bursty:  an on/off process (a two-state Markov-modulated Poisson
**     process): periods "on" and "off" last exponential times with means
**     on_ns and off_ns; messages arrive only while on, at
**     rate * (on + off) / on, so the long-run mean is still `rate`.
** Each message draws its payload size (bytes) and the value it carries
** (gwei; recorded for the attack economics, not paid to the portal) from
** distributions, uses the route's gas limit, and asks for the Finalized
** level with probability `finalized` (else Latest).  Messages arrive only
** in [start, stop).  The fee is the source portal's quote
** (mdl_rollup_fee_for) at that moment, paid exactly, so a call is rejected
** only if the route's own parameters break the portal's limits (counted and
** reported with the core's error code).
**
** Ids: each message takes the next value of the world's counter
** *next_msg_id (shared with any other source of messages), so ids are
** world-unique and in emission order.  Sender and recipient addresses are
** derived from the route ("user" / "app" + the route index).
**
** Random streams: (seed, MDL_ENT_WORKLOAD, fold(source chain, dest chain),
** purpose): adding a route does not shift the others.  One engine event per
** arrival or on/off switch (one kind; node = route index).
*/
#ifndef MDL_WORKLOAD_H
#define MDL_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "latency.h"
#include "chain/rollup.h"
#include "chain/workload_config.h"

#define MDL_ENT_WORKLOAD 0x574b4c44u /* "WKLD" */


/* One message, as the world records it (valid during the callback). */
typedef struct mdl_msg {
    uint64_t id;
    uint32_t route;
    uint32_t from, to;          /* rollup indices */
    uint64_t source_chain_id, dest_chain_id;
    uint8_t conf_level;
    uint64_t shard_id;
    uint64_t offset;            /* stream offset (0 if rejected) */
    uint64_t emitted_ns;
    uint64_t fee_wei;
    uint64_t gas_limit;
    uint64_t value_gwei;
    uint32_t size_bytes;
    int rc;                     /* 0, or the xcall's XR_ERR_* (then no message exists) */
} mdl_msg;

typedef struct mdl_workload_callbacks {
    void (*on_msg)(void *ctx, const mdl_msg *m); /* may be NULL */
    void *ctx;
} mdl_workload_callbacks;

typedef struct mdl_workload mdl_workload;

/* Routes c->routes (checked, indices below the group's count: asserted)
** over `rs`; `*next_msg_id` is the world's id counter (borrowed for the
** workload's life).  The config is copied.  NULL when out of memory. */
mdl_workload *mdl_workload_new(sim_engine *e, mdl_rollups *rs, const mdl_workload_config *c,
                               uint64_t seed, uint64_t *next_msg_id,
                               const mdl_workload_callbacks *cb);
void mdl_workload_free(mdl_workload *w);
/* Schedules every route's first event.  False when out of memory. */
bool mdl_workload_start(mdl_workload *w);

typedef struct mdl_route_stats {
    uint64_t sent;              /* accepted xcalls */
    uint64_t rejected;
    uint64_t finalized;         /* of sent, asking for Finalized */
    uint64_t fees_wei;
    uint64_t value_gwei;
} mdl_route_stats;

void mdl_workload_route_stats(const mdl_workload *w, size_t i, mdl_route_stats *out);
size_t mdl_workload_route_count(const mdl_workload *w);
/* Why the workload failed inside the run (out of memory, or a rollup's
** outbox full; sim_engine_fail), or NULL. */
const char *mdl_workload_error(const mdl_workload *w);

#endif
