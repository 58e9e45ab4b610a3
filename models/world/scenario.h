/*
** A scenario: the YAML file a user writes, checked and turned into typed
** configuration for every part of the world.  Loading reports every error
** it finds (file:line:column) before giving up, so `xrsim validate` shows
** them all at once; nothing is run from a scenario that had an error.
**
** Sections: name, description, protocol (profile.h), run, network, probes, verifiers, consensus,
** l1, rollups, workload, relayers, restaking (restaking.h), adversary
** (adversary.h), expect (expect.h), sweep (sweep.h), search (search_config.h).  Unknown sections are
** errors, not silently ignored: a scenario never asks for something the
** build does not do.
*/
#ifndef MDL_SCENARIO_H
#define MDL_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "world/expect.h"
#include "world/profile.h"
#include "world/search_config.h"
#include "net_config.h"
#include "sweep.h"
#include "world/xchain_config.h"
#include "verifiers/verifier_config.h"
#include "ytree.h"

/* Probe traffic: a group `probes` of nodes that send each other messages, to
** exercise and measure the network (latency, loss, partitions, crashes). */
typedef enum mdl_arrival { MDL_ARRIVAL_FIXED = 0, MDL_ARRIVAL_POISSON = 1 } mdl_arrival;

typedef struct mdl_probe_config {
    uint32_t count;         /* nodes in group "probes"; 0: none */
    uint64_t interval_ns;   /* (mean) time between sends of one node */
    mdl_arrival arrival;    /* fixed interval or Poisson process */
    uint64_t size_bytes;    /* bytes per probe message (>= header size) */
    uint32_t fanout;        /* peers each send goes to */
    uint64_t cpu_ns;        /* simulated CPU cost to handle one probe */
    double sample;          /* fraction of deliveries stored as rows */
} mdl_probe_config;

typedef struct mdl_scenario {
    char *path;             /* as given */
    char *name;             /* `name:` or the file's base name */
    sim_ydoc *doc;          /* the tree, with overrides applied */
    char *params_json;      /* effective parameters (after --set) */
    uint64_t seed;
    uint64_t duration_ns;
    uint64_t warmup_ns;     /* metrics ignore what starts before this */
    sim_net_config net;
    mdl_probe_config probes;
    mdl_verifier_config verifiers; /* count 0: no verifiers */
    mdl_consensus_config consensus;
    mdl_xchain_config xchain;      /* rollups.count 0: no chains */
    mdl_expect_config expect;      /* bounds for `xrsim check` (models/expect.h) */
    sim_sweep_config sweep;        /* grid x seeds for `xrsim sweep` (models/sweep.h) */
    mdl_search_config search;      /* the attack space of `xrsim search` (world/search_config.h) */
    const mdl_profile *profile;    /* protocol.profile (world/profile.h); never NULL once loaded */
} mdl_scenario;

/* Loads `path`, applies `sets` (each "key.path=value") in order and checks
** everything.  Returns true on success; on failure every error found is in
** `d` and `s` holds nothing to free beyond mdl_scenario_free (which is
** always safe to call).  A `sweep:` section is checked in full: every
** grid value is applied (like --set) to a copy of the document, which is
** reloaded; an error there is reported at the grid value. */
bool mdl_scenario_load(mdl_scenario *s, const char *path, const char *const *sets, size_t set_count,
                       sim_diag *d);
void mdl_scenario_free(mdl_scenario *s);

/* Reads `protocol:` (NULL: the default) and applies the profile
** (world/profile.h) to s, whose other sections are loaded.  Errors at their
** place in d.  Defined in profile.c, beside the table. */
const mdl_profile *mdl_profile_load_apply(const sim_ynode *root, mdl_scenario *s, sim_diag *d);

#endif
