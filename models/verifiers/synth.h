/*
** Synthetic XBlocks: a stand-in for rollups in consensus-only scenarios
** (consensus.synthetic_xblocks).  Chains MDL_SYNTH_CHAIN_BASE + c each emit
** an XBlock of `messages` messages every `interval` from a random phase
** (entity MDL_ENT_SYNTH, id = chain index), which the verifiers observe
** through mdl_verifiers_observe_msgs, the entry point rollups use.
*/
#ifndef MDL_SYNTH_H
#define MDL_SYNTH_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "verifiers/verifier_config.h"

typedef struct mdl_verifiers mdl_verifiers;
typedef struct mdl_synth mdl_synth;

/* The source for sc (sc->chains >= 1) over vs (borrowed), its event kind
** registered now; consensus chain `chain_id`.  NULL when out of memory. */
mdl_synth *mdl_synth_new(sim_engine *e, mdl_verifiers *vs, const mdl_xblock_synth_cfg *sc, uint64_t chain_id,
                         uint64_t seed);
void mdl_synth_free(mdl_synth *s);
/* Schedules every chain's first XBlock.  False when out of memory. */
bool mdl_synth_start(mdl_synth *s);
/* NULL, or why the source stopped the run. */
const char *mdl_synth_error(const mdl_synth *s);

#endif
