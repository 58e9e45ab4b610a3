/*
** The scenario's `network:` section, read into a sim_net_config (net.h).
**
**   network:
**     regions: default            # or a path to a CSV matrix (regions.h); a
**                                 # relative path is taken from the directory
**                                 # of the file that wrote it (from the
**                                 # current directory for --set values)
**     placement:                  # group -> all | [region, ...] | {region: weight, ...}
**       verifiers: all            # default for unlisted groups: all, round robin
**     latency: {model: matrix, jitter: {model: lognormal, median: 2ms, sigma: 0.5}}
**       # or {model: constant, value: 50ms} | {model: uniform, min: 10ms, max: 90ms}
**       #    {model: normal, mean: 50ms, stddev: 10ms} | {model: lognormal, median: 40ms, sigma: 0.6}
**       #    {model: pareto, scale: 20ms, alpha: 2.5} | {model: exponential, mean: 30ms, floor: 5ms}
**       # matrix without jitter: the base delays exactly.  Default: {model: matrix}.
**     bandwidth: 1 Gbps           # each sender's uplink; default (or `unlimited`): no limit
**     loss: 0.1%                  # per message; default 0
**     fifo: true                  # no overtaking on a link; default true
**     partitions:                 # each side: a selector or a list of selectors
**       - {from: 60s, until: 120s, between: [region:us-east-1, verifiers], direction: both}
**         # direction: both (default) | one-way (only first -> second is cut);
**         # from defaults to 0s, until to the end of the run
**     crashes:
**       - {node: "verifiers[3]", at: 30s, restart: 90s}   # restart optional (absolute time)
**
** Selectors ("group", "group[i]", "region:NAME") stay text here; group and
** region names are checked by sim_net_resolve once the models have added
** their nodes, at the marks kept in the config.  Everything else (unknown
** keys, missing units, out-of-range values, empty windows, restart before
** crash) is reported here, at the YAML node, as many errors as are found.
*/
#ifndef SIM_NET_CONFIG_H
#define SIM_NET_CONFIG_H

#include <stdbool.h>

#include "net.h"
#include "ytree.h"

/* Initialises *out (whatever it held) to the YAML defaults, then reads
** `network` (NULL or null: all defaults).  Returns true when no error was
** found; errors go to d.  On either outcome *out owns memory: free it with
** sim_net_config_free.  `default_regions_path` is left NULL for the caller
** to set. */
bool sim_net_config_load(const sim_ynode *network, sim_net_config *out, sim_diag *d);

#endif
