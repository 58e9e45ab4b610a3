/*
** Probe traffic: the nodes of group "probes" send each other fixed-size
** messages -- at a fixed interval or as a Poisson process, each send to
** `fanout` distinct random peers -- so that a scenario can measure and test
** the network model on its own (latency per region pair, loss, partitions,
** crashes, CPU queueing).  Every random draw comes from the node's own
** streams (entity MDL_ENT_PROBE), so adding a node does not shift the
** others' peers or send times.
*/
#ifndef MDL_PROBES_H
#define MDL_PROBES_H

#include <stdint.h>

#include "net.h"
#include "world/scenario.h"

#define MDL_ENT_PROBE 0x50524f42u /* "PROB" */
#define MDL_PROBE_HEADER_BYTES 16u

typedef struct mdl_probes mdl_probes;

/* Adds c->count nodes to group "probes" of `net` (before sim_net_resolve).
** Returns NULL when out of memory. */
mdl_probes *mdl_probes_new(sim_net *net, const mdl_probe_config *c, uint64_t seed, uint64_t warmup_ns);
void mdl_probes_free(mdl_probes *p);

/* Schedules every node's first send (after sim_net_resolve).  Returns
** false when out of memory. */
bool mdl_probes_start(mdl_probes *p);

/* Probes sent at or after the warm-up. */
uint64_t mdl_probes_sent(const mdl_probes *p);

/* The send time stamped in a probe's bytes; false if they are no probe. */
bool mdl_probes_decode(const uint8_t *bytes, size_t len, uint64_t *sent_ns);

#endif
