/*
** PHOLD, the standard benchmark of discrete-event engines, run on the
** engine (engine.h) with its handler table, digest and random streams
** (rng.h).  `lps` logical processes each start with `pop` events at Exp(1)
** seconds; handling an event schedules one new event at a uniformly random
** process, 0.1 + Exp(1) seconds later; the run stops after `events` handled
** events (the last one schedules nothing).  It is the workload of the
** engine anchors (ns-3 and the one-page floor) so the three can be compared.
**
** Random streams, all from the run seed: (SIM_PHOLD_ENTITY, 0, purpose) for
** purposes INIT (initial times), DEST (destinations) and DELAY (delays).
*/
#ifndef SIM_PHOLD_H
#define SIM_PHOLD_H

#include <stddef.h>
#include <stdint.h>

#define SIM_PHOLD_ENTITY 0x70686f6cu /* "phol": the entity kind of its streams */

enum {
    SIM_PHOLD_PURPOSE_INIT = 1,
    SIM_PHOLD_PURPOSE_DEST = 2,
    SIM_PHOLD_PURPOSE_DELAY = 3,
};

/* Largest lps * pop accepted (about 2 GiB of queue). */
#define SIM_PHOLD_POPULATION_MAX (UINT64_C(1) << 26)

/* Error codes of sim_phold_run. */
#define SIM_PHOLD_EINVAL (-1) /* a parameter out of range */
#define SIM_PHOLD_ENOMEM (-2) /* out of memory */

typedef struct sim_phold_config {
    uint32_t lps;    /* logical processes, >= 1 */
    uint32_t pop;    /* initial events per process, >= 1; lps * pop <= SIM_PHOLD_POPULATION_MAX */
    uint64_t events; /* handled events before stopping, >= 1 */
    uint64_t seed;   /* run seed */
} sim_phold_config;

typedef struct sim_phold_result {
    uint64_t events;      /* handled (== config.events unless the queue ran dry) */
    uint64_t end_time_ns; /* virtual time of the last handled event */
    size_t peak_pending;
    double wall_s;        /* wall time of the run loop (set-up excluded, like the anchors) */
    double events_per_s;  /* events / wall_s */
    char digest[33];      /* the engine's event digest */
} sim_phold_result;

/* Checks a configuration: 0 or SIM_PHOLD_EINVAL (and then, when `why` is
** not NULL, *why names the problem). */
int sim_phold_check(const sim_phold_config *cfg, const char **why);

/* Runs PHOLD.  Returns 0 and fills *out, or SIM_PHOLD_EINVAL / ENOMEM.
** Deterministic: the same config gives the same digest (wall time aside). */
int sim_phold_run(const sim_phold_config *cfg, sim_phold_result *out);

#endif
