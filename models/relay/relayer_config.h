/*
** The relayers' configuration (the scenario's `relayers:` section).  The
** relayers that run on it are relayer.h.
*/
#ifndef MDL_RELAYER_CONFIG_H
#define MDL_RELAYER_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "ytree.h"

typedef enum mdl_relayer_sigs { MDL_RELAYER_SIGS_MINIMAL = 0, MDL_RELAYER_SIGS_ALL = 1 } mdl_relayer_sigs;

typedef struct mdl_relayer_config {
    uint32_t count;               /* 0: no relayers (messages are never delivered) */
    uint64_t delay_ns;
    mdl_relayer_sigs sigs;
    uint32_t fee_multiplier_permille; /* 2000 = 2x the base fee */
    uint32_t retries;
    uint64_t retry_backoff_ns;
    uint32_t first_index;         /* relayer i sends as rollup relayer first_index + i (not
                                  ** from YAML: a second group, e.g. a colluding relayer, sets it) */
} mdl_relayer_config;

/* Defaults: 1 relayer, 200 ms, minimal signatures, 2x fee, 3 retries, 5 s. */
void mdl_relayer_config_default(mdl_relayer_config *c);
/* Reads the `relayers:` section (NULL: defaults).  Errors to d. */
bool mdl_relayer_config_load(const sim_ynode *section, mdl_relayer_config *c, sim_diag *d);

#endif
