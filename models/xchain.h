/*
** The cross-chain half of a world: the L1, the rollups with their portals,
** the workload, the relayers and the life of every message -- wired to the
** verifiers, whose approvals it relays and whose validator set the portals
** start with.  world.c builds one when the scenario has rollups.
**
**   workload --xcall--> rollup (source portal) --XBlock--> verifiers (observe)
**   verifiers --approved--> relayers --submission--> rollup (destination portal)
**   every stage stamps the message's life (messages.h)
** With verifiers.stake_changes, validator-set sync (valsync.h) joins in:
**   L1 stake change --epoch--> new set --system XBlock--> verifiers, relayers,
**   every portal; the consensus switches sets at one staged height.
*/
#ifndef MDL_XCHAIN_H
#define MDL_XCHAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "chains_config.h"
#include "messages.h"
#include "recorder.h"
#include "relayer.h"
#include "valsync.h"
#include "verifier.h"

typedef struct mdl_xchain_config {
    mdl_l1_config l1;
    mdl_rollups_config rollups;
    mdl_workload_config workload;
    mdl_relayer_config relayers;
} mdl_xchain_config;

/* Reads the four sections (any may be NULL).  Errors to d.  Free with
** mdl_xchain_config_free (always safe). */
bool mdl_xchain_config_load(const sim_ynode *l1, const sim_ynode *rollups, const sim_ynode *workload,
                            const sim_ynode *relayers, mdl_xchain_config *out, sim_diag *d);
void mdl_xchain_config_free(mdl_xchain_config *c);

typedef struct mdl_xchain mdl_xchain;

/* Builds the chains over `vs` (borrowed; its validator set is every
** portal's genesis set).  NULL with a reason in *why. */
mdl_xchain *mdl_xchain_new(sim_engine *e, mdl_verifiers *vs, xr_quorum quorum, const mdl_xchain_config *c, uint64_t seed,
                           const char **why);
void mdl_xchain_free(mdl_xchain *x);
bool mdl_xchain_start(mdl_xchain *x);

/* The verifiers' hooks land here (world.c forwards them). */
void mdl_xchain_on_approved(mdl_xchain *x, uint64_t now_ns, const xr_action_approved *a);

/* NULL, or the first failure inside a model. */
const char *mdl_xchain_error(const mdl_xchain *x);

const mdl_messages *mdl_xchain_messages(const mdl_xchain *x);
/* The validator-set sync, or NULL when the scenario has no stake changes. */
const mdl_valsync *mdl_xchain_valsync(const mdl_xchain *x);
/* The relayers (for inspection). */
const mdl_relayers *mdl_xchain_relayers(const mdl_xchain *x);

typedef struct mdl_xchain_summary {
    mdl_finality latest, finalized;   /* emitted after warm-up */
    uint64_t violations;              /* out-of-order or repeated executions */
    uint64_t submissions, reverted;
    uint64_t relayer_gas, relayer_fee_wei;
} mdl_xchain_summary;
void mdl_xchain_summary_get(const mdl_xchain *x, uint64_t warmup_ns, mdl_xchain_summary *out);

/* Writes messages, submissions and chains into the run. */
int mdl_xchain_record(mdl_xchain *x, sim_rec *rec);

#endif
