/*
** Validator sets and the quorum rule.
**
** A validator set is an id (strictly increasing from one set to the next),
** its members -- (Ethereum address, power as uint64) sorted strictly
** ascending by address so membership is a binary search -- and the total
** power, which always fits in a uint64 (a set whose total would overflow is
** rejected).  Member storage is caller-provided with a fixed capacity: the
** module never allocates.
**
** Quorum is an integer ratio num/den (default 2/3) and holds when the voted
** power is *strictly more* than that fraction of the total:
** voted * den > total * num, computed in 128 bits so no uint64 inputs can
** overflow.
**
** The ring keeps the last `cutoff` sets (the portal's xsubValsetCutoff,
** default 10) plus one spare slot, so that a new set is built in the spare
** and only replaces the oldest once it validated: a rejected set changes
** nothing.
*/
#ifndef XR_VALSET_H
#define XR_VALSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xr_err.h"
#include "xr_types.h"

#define XR_VALSET_CUTOFF_DEFAULT 10u

typedef struct xr_validator {
    xr_address addr;
    uint64_t power;
} xr_validator;

typedef struct xr_valset {
    uint64_t id;
    uint64_t total_power;
    xr_validator *members; /* caller storage; [0, count) sorted ascending */
    uint32_t count;
    uint32_t cap;
} xr_valset;

/* The quorum fraction: quorum holds iff voted * den > total * num. */
typedef struct xr_quorum {
    uint64_t num;
    uint64_t den;
} xr_quorum;

#define XR_QUORUM_DEFAULT ((xr_quorum){2u, 3u})

/* 0 if q is usable: den > 0 and num < den (a fraction in [0, 1); with
** num >= den quorum could never be reached).  XR_ERR_INVALID_ARG otherwise. */
int xr_quorum_validate(xr_quorum q);

/* voted * q.den > total * q.num, exactly (128-bit products).  q must be valid. */
bool xr_quorum_reached(xr_quorum q, uint64_t voted, uint64_t total);

/* An empty set (id 0, no members) over `storage` of `cap` entries. */
void xr_valset_init(xr_valset *vs, xr_validator *storage, uint32_t cap);

/* Make vs the set `id` with `members` in any order (copied, then sorted).
** Returns 0; XR_ERR_CAPACITY when count > cap; XR_ERR_VALSET_INVALID for no
** members, id 0, a zero address, a zero power or a repeated address;
** XR_ERR_OVERFLOW when the total power exceeds UINT64_MAX.  On failure vs is
** left empty (count 0, id 0) -- callers needing all-or-nothing build into
** spare storage (as the ring does).  `members` must not overlap vs storage. */
int xr_valset_set(xr_valset *vs, uint64_t id, const xr_validator *members, uint32_t count);

/* Sort members[0..count) by address in place and check them as
** xr_valset_set does (count > 0, no zero address or power, no repeated
** address, total fits).  Writes the total.  Returns 0, XR_ERR_VALSET_INVALID
** or XR_ERR_OVERFLOW.  For validating a set before committing to add it. */
int xr_valset_members_normalize(xr_validator *members, uint32_t count, uint64_t *total_out);

/* The member with address `addr`, or NULL (binary search, O(log n)). */
const xr_validator *xr_valset_find(const xr_valset *vs, const xr_address *addr);

/* Power of `addr` in vs, 0 if not a member. */
uint64_t xr_valset_power_of(const xr_valset *vs, const xr_address *addr);

/* The next set after `prev`: id prev->id + 1, members of prev with
** `changes` applied -- each change sets the power of its address (power 0
** removes a member; a new address joins).  Writes `next` (its own storage,
** distinct from prev's).  Returns 0; XR_ERR_VALSET_INVALID when an address
** appears twice in changes, a change has the zero address, removes a
** non-member, or the result is empty; XR_ERR_CAPACITY; XR_ERR_OVERFLOW.
** On failure next is left empty. */
int xr_valset_update(const xr_valset *prev, const xr_validator *changes, uint32_t change_count,
                     xr_valset *next);

/* Sum the power of the distinct members among `addrs` (non-members count 0)
** in order, stopping as soon as quorum is reached.  Writes the power summed
** and how many addresses were looked at.  Returns true iff quorum reached.
** Duplicates are the caller's concern (the portal rejects them first). */
bool xr_valset_tally(const xr_valset *vs, xr_quorum q, const xr_address *addrs,
                     uint32_t addr_count, uint64_t *voted_out, uint32_t *examined_out);

/* ---- the ring of recent sets -------------------------------------------- */

typedef struct xr_valset_ring {
    xr_valset *slots;   /* cutoff + 1 sets: live ones plus a spare */
    uint32_t cutoff;    /* how many recent sets are accepted */
    uint32_t len;       /* live sets, <= cutoff */
    uint32_t head;      /* slot of the newest set */
    uint32_t member_cap;
} xr_valset_ring;

/* How many xr_validator entries a ring with these limits needs. */
size_t xr_valset_ring_storage_count(uint32_t cutoff, uint32_t member_cap);

/* Set up an empty ring.  `slots` has cutoff + 1 entries, `storage` has
** xr_valset_ring_storage_count(cutoff, member_cap) entries.  cutoff >= 1. */
void xr_valset_ring_init(xr_valset_ring *r, xr_valset *slots, xr_validator *storage,
                         uint32_t cutoff, uint32_t member_cap);

/* Add set `id` (members in any order).  id must exceed the latest id
** (XR_ERR_VALSET_INVALID otherwise), plus every check of xr_valset_set.
** The oldest set leaves once `cutoff` are live.  On failure nothing changes. */
int xr_valset_ring_push(xr_valset_ring *r, uint64_t id, const xr_validator *members,
                        uint32_t count);

/* Id of the newest set, 0 when empty. */
uint64_t xr_valset_ring_latest_id(const xr_valset_ring *r);

/* Smallest id still accepted: latest - cutoff + 1 (at least 1), as the
** portal's _minValSet.  0 when empty. */
uint64_t xr_valset_ring_min_id(const xr_valset_ring *r);

/* Look up set `id` for a submission.  Returns 0 and *out; XR_ERR_VALSET_STALE
** when id < min id (also for ids that never existed but lie below the
** window -- the ring cannot tell); XR_ERR_VALSET_UNKNOWN when id is 0, above
** the latest, or inside the window but never added. */
int xr_valset_ring_get(const xr_valset_ring *r, uint64_t id, const xr_valset **out);

#endif
