/*
** Deterministic random streams.  Every stream is derived from
** (run seed, entity kind, entity id, purpose) by a keyed mix, so adding an
** entity or a purpose does not change anyone else's draws.  Streams are GSL
** generators of an explicit type (xoshiro256**, registered as a custom
** gsl_rng_type), so every GSL distribution works on them; nothing calls
** gsl_rng_env_setup.
*/
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* The generator type of every stream: xoshiro256** seeded by splitmix64. */
extern const gsl_rng_type *sim_rng_xoshiro256ss;

/* The 64-bit seed of stream (seed, kind, id, purpose). */
uint64_t sim_rng_derive(uint64_t seed, uint32_t entity_kind, uint32_t entity_id, uint32_t purpose);

/* A new generator for that stream; NULL when out of memory.  Free with
** gsl_rng_free. */
gsl_rng *sim_rng_new(uint64_t seed, uint32_t entity_kind, uint32_t entity_id, uint32_t purpose);

/* Fast paths that bypass GSL's function pointers for the raw generator
** (valid only for generators made by sim_rng_new). */
uint64_t sim_rng_u64(gsl_rng *r);
double sim_rng_u01(gsl_rng *r);              /* [0, 1) with 53 bits */
uint64_t sim_rng_below(gsl_rng *r, uint64_t n); /* [0, n), n > 0, unbiased */

#endif
