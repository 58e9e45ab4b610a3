/*
** Loading the chains' part of a scenario (see xchain_config.h).
*/
#include "world/xchain_config.h"

#include <string.h>

bool mdl_xchain_config_load(const sim_ynode *l1, const sim_ynode *rollups, const sim_ynode *workload,
                            const sim_ynode *relayers, const sim_ynode *restaking, mdl_xchain_config *out,
                            sim_diag *d) {
    memset(out, 0, sizeof *out);
    bool ok = mdl_l1_config_load(l1, &out->l1, d);
    ok &= mdl_restaking_config_load(restaking, &out->restaking, d);
    ok &= mdl_rollups_config_load(rollups, &out->rollups, d);
    ok &= mdl_workload_config_load(workload, &out->rollups, &out->workload, d);
    ok &= mdl_relayer_config_load(relayers, &out->relayers, d);
    if (ok && out->workload.count && out->rollups.count < 2) {
        sim_diag_error(d, workload, "a workload needs at least two rollups");
        ok = false;
    }
    return ok;
}

void mdl_xchain_config_free(mdl_xchain_config *c) {
    if (!c) return;
    mdl_rollups_config_free(&c->rollups);
    mdl_workload_config_free(&c->workload);
    mdl_adversary_config_free(&c->adversary);
    memset(c, 0, sizeof *c);
}
