/*
** The restaking contract's configuration (the scenario's `restaking:`
** section).  The contract, watchers and slashing that run on it are
** restaking.h.
*/
#ifndef MDL_RESTAKING_CONFIG_H
#define MDL_RESTAKING_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "ytree.h"

typedef struct mdl_restaking_config {
    uint64_t withdrawal_delay_ns;
    uint64_t veto_window_ns;
    double veto_probability;
    uint32_t slash_ppm;
    bool eject_on_slash;
    bool freeze_on_request;
    uint64_t reporter_delay_ns;
    uint64_t evidence_gas;
    uint64_t evidence_tip_wei;
    uint32_t operator_share_ppm;     /* of each verifier's stake, the operator's own */
    /* Not a YAML key: false under verification approach `external` (a
    ** committee nobody can slash) and under protocol.profile omni-mainnet.
    ** Offences are still found and recorded, up to provable; none is
    ** submitted (outcome pending, reason 'no slashing'). */
    bool slashing;
    uint32_t allocation_ppm;         /* magnitude each operator allocated to the service */
    uint64_t allocation_delay_ns;
    uint64_t deallocation_delay_ns;
} mdl_restaking_config;

void mdl_restaking_config_default(mdl_restaking_config *c);
/* Reads `restaking:` (NULL: defaults).  Errors at their place in d. */
bool mdl_restaking_config_load(const sim_ynode *section, mdl_restaking_config *c, sim_diag *d);

#endif
