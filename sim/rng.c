/*
** Deterministic random streams: the keyed derivation of a stream's seed from
** (run seed, entity kind, entity id, purpose), and xoshiro256** (Blackman and
** Vigna) registered as a GSL generator type so that gsl_ran_* works on it.
**
** Derivation: each field is absorbed into a 64-bit state through the
** splitmix64 finaliser (a bijection), with a distinct odd constant per field
** position, so distinct tuples give unrelated seeds and no field can stand
** in for another.  The generator's 256-bit state is then filled from that
** seed by four splitmix64 steps, which never yields the all-zero state.
*/
#include "rng.h"

#include <limits.h>
#include <stdlib.h>

/* GSL passes seeds and raw draws as unsigned long: all 64 bits must fit
** (true on every LP64 platform xrsim targets). */
_Static_assert(ULONG_MAX == UINT64_MAX, "xrsim needs a 64-bit unsigned long");

/* The external definitions of the inline fast paths (C99 6.7.4). */
extern inline uint64_t sim_rng_u64(gsl_rng *r);
extern inline double sim_rng_u01(gsl_rng *r);
extern inline uint64_t sim_rng_below(gsl_rng *r, uint64_t n);

/* The splitmix64 finaliser: a bijection on 64-bit words with good
** avalanche. */
static uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

uint64_t sim_rng_derive(uint64_t seed, uint32_t entity_kind, uint32_t entity_id, uint32_t purpose) {
    uint64_t h = mix64(seed ^ 0x6a09e667f3bcc909u);
    h = mix64(h ^ (((uint64_t)entity_kind << 32) | entity_id) ^ 0xbb67ae8584caa73bu);
    h = mix64(h ^ (uint64_t)purpose ^ 0x3c6ef372fe94f82bu);
    return h;
}

static void xoshiro_set(void *vstate, unsigned long int seed) {
    sim_rng_state *st = vstate;
    uint64_t x = (uint64_t)seed;
    for (int i = 0; i < 4; i++) {
        x += 0x9e3779b97f4a7c15u;
        st->s[i] = mix64(x);
    }
    /* Four consecutive outputs of a bijection of distinct inputs cannot all
    ** be zero. */
    assert((st->s[0] | st->s[1] | st->s[2] | st->s[3]) != 0);
}

static unsigned long int xoshiro_get(void *vstate) {
    gsl_rng r = {sim_rng_xoshiro256ss, vstate};
    return (unsigned long int)sim_rng_u64(&r);
}

static double xoshiro_get_double(void *vstate) {
    gsl_rng r = {sim_rng_xoshiro256ss, vstate};
    return sim_rng_u01(&r);
}

static const gsl_rng_type xoshiro_type = {
    "xoshiro256**",
    ULONG_MAX,
    0,
    sizeof(sim_rng_state),
    xoshiro_set,
    xoshiro_get,
    xoshiro_get_double,
};

const gsl_rng_type *sim_rng_xoshiro256ss = &xoshiro_type;

gsl_rng *sim_rng_new(uint64_t seed, uint32_t entity_kind, uint32_t entity_id, uint32_t purpose) {
    /* gsl_rng_alloc reports failure through the GSL error handler (which
    ** main switches off) and returns NULL. */
    gsl_rng *r = gsl_rng_alloc(sim_rng_xoshiro256ss);
    if (r == NULL) {
        return NULL;
    }
    gsl_rng_set(r, (unsigned long int)sim_rng_derive(seed, entity_kind, entity_id, purpose));
    assert(r->type == sim_rng_xoshiro256ss);
    return r;
}
