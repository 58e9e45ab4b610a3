/*
** The configuration of the chains' part of the world: L1, rollups,
** workload, relayers, restaking, the adversary's coalitions and the
** verification approach, as a scenario holds it (world/scenario.h).  The
** run that builds on it is world/xchain.h.
*/
#ifndef MDL_XCHAIN_CONFIG_H
#define MDL_XCHAIN_CONFIG_H

#include <stdbool.h>

#include "approaches/approach_config.h"
#include "chain/chains_config.h"
#include "economics/adversary_config.h"
#include "economics/restaking_config.h"
#include "relay/relayer_config.h"
#include "ytree.h"

typedef struct mdl_xchain_config {
    mdl_l1_config l1;
    mdl_rollups_config rollups;
    mdl_workload_config workload;
    mdl_relayer_config relayers;
    mdl_restaking_config restaking;
    mdl_adversary_config adversary;  /* loaded by the scenario (it adds Byzantine entries) */
    mdl_verification_config verification; /* `verification:` (models/approaches/) */
} mdl_xchain_config;

/* Reads the five sections (any may be NULL).  Errors to d.  Free with
** mdl_xchain_config_free (always safe). */
bool mdl_xchain_config_load(const sim_ynode *l1, const sim_ynode *rollups, const sim_ynode *workload,
                            const sim_ynode *relayers, const sim_ynode *restaking, mdl_xchain_config *out,
                            sim_diag *d);
void mdl_xchain_config_free(mdl_xchain_config *c);

#endif
