/*
** Deterministic random streams.  Every stream is derived from
** (run seed, entity kind, entity id, purpose) by a keyed mix, so adding an
** entity or a purpose does not change anyone else's draws.  Streams are GSL
** generators of an explicit type (xoshiro256**, registered as a custom
** gsl_rng_type), so every GSL distribution works on them; nothing calls
** gsl_rng_env_setup.
**
** The fast paths (sim_rng_u64, sim_rng_u01, sim_rng_below) are C99 inline
** functions defined here, with their one external definition in rng.c, so
** hot loops draw without a call through GSL's function pointers.
*/
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <assert.h>
#include <gsl/gsl_rng.h>
#include <stdint.h>

/* The generator type of every stream: xoshiro256** seeded by splitmix64.
** gsl_rng_get returns all 64 bits (min 0, max 2^64 - 1; xrsim requires a
** 64-bit unsigned long); gsl_rng_uniform returns [0, 1) with 53 bits. */
extern const gsl_rng_type *sim_rng_xoshiro256ss;

/* The state behind gsl_rng.state for sim_rng_xoshiro256ss generators.
** Never all zero. */
typedef struct sim_rng_state {
    uint64_t s[4];
} sim_rng_state;

/* The 64-bit seed of stream (seed, kind, id, purpose).  A keyed mix of all
** four fields: changing any one gives an unrelated seed. */
uint64_t sim_rng_derive(uint64_t seed, uint32_t entity_kind, uint32_t entity_id, uint32_t purpose);

/* A new generator for that stream; NULL when out of memory.  Free with
** gsl_rng_free. */
gsl_rng *sim_rng_new(uint64_t seed, uint32_t entity_kind, uint32_t entity_id, uint32_t purpose);

/* Fast paths that bypass GSL's function pointers for the raw generator
** (valid only for generators made by sim_rng_new or gsl_rng_alloc of
** sim_rng_xoshiro256ss; asserted).  They advance the same state as
** gsl_rng_get/gsl_rng_uniform, so the two can be mixed. */

/* The next 64 raw bits (xoshiro256**). */
inline uint64_t sim_rng_u64(gsl_rng *r) {
    assert(r != NULL && r->type == sim_rng_xoshiro256ss);
    uint64_t *s = ((sim_rng_state *)r->state)->s;
    uint64_t x = s[1] * 5u;
    uint64_t out = ((x << 7) | (x >> 57)) * 9u;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return out;
}

/* Uniform on [0, 1) with 53 random bits. */
inline double sim_rng_u01(gsl_rng *r) {
    return (double)(sim_rng_u64(r) >> 11) * 0x1.0p-53;
}

/* Uniform on [0, n), n > 0 (asserted), without bias (Lemire's multiply and
** reject). */
inline uint64_t sim_rng_below(gsl_rng *r, uint64_t n) {
    __extension__ typedef unsigned __int128 sim_u128;
    assert(n > 0);
    sim_u128 m = (sim_u128)sim_rng_u64(r) * n;
    uint64_t lo = (uint64_t)m;
    if (lo < n) {
        uint64_t threshold = (0u - n) % n; /* 2^64 mod n */
        while (lo < threshold) {
            m = (sim_u128)sim_rng_u64(r) * n;
            lo = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

#endif
