/*
** An estimate of a scenario's peak memory, made from its configuration
** before anything is built: `xrsim validate` prints it, and `xrsim run` and
** `xrsim sweep` refuse (exit 2) a scenario whose estimate exceeds the memory
** the machine has available.
**
** The model (mem_estimate.c says where each figure comes from):
**   - each verifier's consensus core: the part of its block it touches
**     (xr_bft_mem_in_use) for the votes a block carries and the votes held
**     in flight, which follow from the verifiers, the attestation rate and
**     the height time; plus the host's per-verifier state;
**   - the consensus hosts' shared action buffer (xr_bft_actions_size);
**   - the world: a fixed part, and per message emitted over the run.
** When votes arrive faster than blocks can carry them (the block's vote
** capacity, or the proposer's uplink: a proposal goes to every peer), the
** backlog grows until the pools are full, and the estimate takes the pools'
** capacities instead.
*/
#ifndef CLI_MEM_ESTIMATE_H
#define CLI_MEM_ESTIMATE_H

#include <stdbool.h>
#include <stdint.h>

#include "world/scenario.h"

typedef struct cli_mem_estimate {
    uint64_t total_bytes;
    uint64_t per_verifier_bytes;   /* core in use + host state, each verifier */
    uint64_t shared_bytes;         /* action buffers and the world */
    double attestations_per_s;     /* XBlocks to attest per second, long run */
    double height_s;               /* modelled time per height */
    uint32_t block_votes;          /* votes per block the model expects */
    bool backlog;                  /* votes outrun blocks: the pools fill up */
} cli_mem_estimate;

/* Estimate for a loaded scenario. */
void cli_mem_estimate_of(const mdl_scenario *s, cli_mem_estimate *out);

/* MemAvailable of /proc/meminfo in bytes; 0 when unknown. */
uint64_t cli_mem_available(void);

/* One line: "peak memory estimate 1.23 GiB (100 verifiers x 8.1 MiB, ...)". */
void cli_mem_estimate_format(const cli_mem_estimate *e, uint32_t verifiers, char *buf, size_t cap);

/* When the estimate exceeds the available memory: print why to stderr,
** prefixed by `what` (the command and file), and return false. */
bool cli_mem_check_fits(const cli_mem_estimate *e, uint32_t verifiers, const char *what);

#endif
