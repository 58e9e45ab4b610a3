/*
** The candidate attestation votes of one consensus node: votes signed by
** this node (own) or received in peers' precommit extensions (checked
** before they come here) that no committed block holds yet.  A proposer
** draws its block's votes from here; a precommit's extension from the own
** ones.
**
** A vote is keyed by (validator, source chain, confirmation level, offset):
** at most one candidate per key (a second vote for a key with another root
** is equivocation, which the caller turns into evidence instead of storing).
** Records are found through an open-addressing index that grows and shrinks
** with their number inside its fixed allocation; used records are also on
** two lists, own and peers', so walks touch only what is held.
**
** All memory comes from the caller at init (xr_candpool_mem_size), and
** never-used records are handed out lazily (init touches none of them), so
** pages a run does not need are never faulted in.  Pure: no result depends
** on where a record or index slot sits.
*/
#ifndef XR_CANDPOOL_H
#define XR_CANDPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xr_bftmsg.h"
#include "xr_types.h"

/* No record (returned by find and insert, ends the lists). */
#define XR_CANDPOOL_NONE 0xffffffffu

typedef struct xr_candpool xr_candpool;

/* Bytes xr_candpool_init needs for `cap` records (1..2^24); 0 when unusable. */
size_t xr_candpool_mem_size(uint32_t cap);

/* Bytes of that block a pool of `cap` records touches while it holds at most
** `held` of them (records are handed out lazily and the index in use
** follows the count): for memory estimates.  0 when cap is unusable. */
size_t xr_candpool_mem_in_use(uint32_t cap, uint32_t held);

/* Build an empty pool of `cap` records in mem (16-byte aligned, mem_len >=
** xr_candpool_mem_size(cap)).  Returns 0, XR_ERR_INVALID_ARG or
** XR_ERR_NOSPACE. */
int xr_candpool_init(xr_candpool **out, void *mem, size_t mem_len, uint32_t cap);

/* The record holding validator's vote at h's (chain, level, offset), or
** XR_CANDPOOL_NONE. */
uint32_t xr_candpool_find(const xr_candpool *p, const uint8_t validator[20], const xr_xheader *h);

/* Store v (root computed, signature checked; its key must not be held).
** Returns the record, or XR_CANDPOOL_NONE when all `cap` are in use. */
uint32_t xr_candpool_insert(xr_candpool *p, const xr_att_vote *v, bool own);

/* Drop record i (in use). */
void xr_candpool_remove(xr_candpool *p, uint32_t i);

/* The vote of record i (in use). */
const xr_att_vote *xr_candpool_vote(const xr_candpool *p, uint32_t i);

/* Records in use. */
uint32_t xr_candpool_count(const xr_candpool *p);

/* Walk the own (own = true) or peers' records: first, then next until
** XR_CANDPOOL_NONE.  Removing the current record is allowed once its
** successor was taken. */
uint32_t xr_candpool_first(const xr_candpool *p, bool own);
uint32_t xr_candpool_next(const xr_candpool *p, uint32_t i);

/* Sort idx[0..n) (records in use) by xr_att_vote_cmp of their votes. */
void xr_candpool_sort(const xr_candpool *p, uint32_t *idx, size_t n);

/* A hint to the CPU, no effect on any result: lookups of a message's or
** block's votes follow one another and each misses the cache twice (index
** slot, then record) when many nodes share one machine.  Called before
** looking up encoded entry i of n, `stride` bytes each at `base`, it asks
** for the index slot of the entry a few ahead and the record of the one
** half as far ahead.  Entries hold the header first (xr_att_vote's encoded
** layout); validator names the signer of all of them (an extension), or is
** NULL when each entry starts with its 20-byte signer (a block's votes). */
void xr_candpool_prefetch_ahead(const xr_candpool *p, const uint8_t *base, size_t stride,
                                uint32_t i, uint32_t n, const uint8_t *validator);

/* Check every structural invariant (lists, index, counts); traps on a
** broken one.  Costs O(cap + index size): for tests and debug builds. */
void xr_candpool_check(const xr_candpool *p);

#endif
