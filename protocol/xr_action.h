/*
** The tagged action buffer: how the sans-IO core tells its host what to do.
**
** A core call (xr_bft_on_message, xr_bft_on_timer, ...) appends actions to a
** bounded, caller-owned buffer: an array of xr_action plus a byte arena that
** holds every byte string an action refers to (message bytes, block bytes,
** evidence, signature lists).  Views stay valid until the caller clears the
** buffer, so a host runs a core call, walks items[0..count), then clears.
** Appending never allocates: when the array or the arena is full the append
** returns XR_ERR_NOSPACE, writes nothing and bumps `dropped` so the host can
** see that it sized the buffer too small (see xr_bft_actions_size).
**
** Header-only (static inline) so every layer can use it without linking.
*/
#ifndef XR_ACTION_H
#define XR_ACTION_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "xr_assert.h"
#include "xr_err.h"
#include "xr_types.h"

typedef enum xr_action_kind {
    XR_ACT_NONE = 0,
    XR_ACT_BROADCAST = 1,        /* send bytes to every peer */
    XR_ACT_SEND = 2,             /* send bytes to one peer (the `from` of an input) */
    XR_ACT_COMMIT = 3,           /* a height decided */
    XR_ACT_EVIDENCE = 4,         /* proof of misbehaviour (xr_evidence.h encoding) */
    XR_ACT_ATTEST_APPROVED = 5   /* an attestation reached quorum, in offset order */
} xr_action_kind;

/* A read-only byte string inside the action arena (or NULL, 0). */
typedef struct xr_view {
    const uint8_t *ptr;
    size_t len;
} xr_view;

typedef struct xr_action_broadcast {
    xr_view bytes;
} xr_action_broadcast;

typedef struct xr_action_send {
    uint32_t to;                 /* host peer id, as passed in `from` */
    xr_view bytes;
} xr_action_send;

typedef struct xr_action_commit {
    uint64_t height;
    uint32_t round;
    uint8_t block_id[32];        /* keccak256 of the block encoding */
    xr_view block;               /* the block encoding (xr_bftmsg.h) */
    uint64_t valset_id;          /* set that committed it */
} xr_action_commit;

typedef struct xr_action_evidence {
    uint8_t kind;                /* XR_EVIDENCE_* (xr_evidence.h) */
    uint8_t offender[20];
    xr_view bytes;               /* xr_evidence encoding carrying both signed messages */
} xr_action_evidence;

typedef struct xr_action_approved {
    xr_xheader header;           /* the attested XBlock header */
    xr_hash root;                /* attestation root the quorum signed */
    uint64_t valset_id;
    uint64_t signed_power;
    uint64_t total_power;
    uint64_t height;             /* consensus height whose commit approved it */
    uint32_t sig_count;
    bool finalized_override;     /* a fuzzy offset approved by the Finalized attestation at
                                 ** the same offset (xr_attpool.h): no signatures; relay
                                 ** that Finalized attestation instead */
    /* sig_count entries of 85 bytes: validator address (20) || signature (65),
    ** strictly ascending by address -- the layout of xr_sig_tuple. */
    xr_view sigs;
} xr_action_approved;

typedef struct xr_action {
    xr_action_kind kind;
    union {
        xr_action_broadcast broadcast;
        xr_action_send send;
        xr_action_commit commit;
        xr_action_evidence evidence;
        xr_action_approved approved;
    } u;
} xr_action;

#define XR_ACTION_SIG_ENTRY_BYTES 85u

typedef struct xr_actions {
    xr_action *items;
    uint32_t cap;
    uint32_t count;
    uint8_t *arena;
    size_t arena_cap;
    size_t arena_used;
    uint32_t dropped;            /* appends refused for lack of space, ever */
} xr_actions;

/* An empty buffer over caller storage (arena may be NULL when arena_cap 0). */
static inline void xr_actions_init(xr_actions *a, xr_action *items, uint32_t cap, uint8_t *arena,
                                   size_t arena_cap) {
    XR_ASSERT(a != NULL && (items != NULL || cap == 0) && (arena != NULL || arena_cap == 0));
    a->items = items;
    a->cap = cap;
    a->count = 0;
    a->arena = arena;
    a->arena_cap = arena_cap;
    a->arena_used = 0;
    a->dropped = 0;
}

/* Forget every action and byte (views into the arena become invalid). */
static inline void xr_actions_clear(xr_actions *a) {
    XR_ASSERT(a != NULL);
    a->count = 0;
    a->arena_used = 0;
}

/* True when one more action with `bytes` arena bytes fits. */
static inline int xr_actions_fits(const xr_actions *a, size_t bytes) {
    XR_ASSERT(a != NULL && a->count <= a->cap && a->arena_used <= a->arena_cap);
    return a->count < a->cap && bytes <= a->arena_cap - a->arena_used;
}

/* Reserve `len` arena bytes for the action about to be pushed; *out points at
** them.  Returns 0 or XR_ERR_NOSPACE (also when no item slot is left, so a
** reservation that succeeds is followed by a push that succeeds). */
static inline int xr_actions_reserve(xr_actions *a, size_t len, uint8_t **out) {
    XR_ASSERT(out != NULL);
    if (!xr_actions_fits(a, len)) {
        a->dropped++;
        return XR_ERR_NOSPACE;
    }
    *out = a->arena + a->arena_used;
    a->arena_used += len;
    return 0;
}

/* Copy len bytes into the arena and describe them in *v. */
static inline int xr_actions_copy(xr_actions *a, const void *src, size_t len, xr_view *v) {
    uint8_t *p = NULL;
    int rc = xr_actions_reserve(a, len, &p);
    if (rc != 0) return rc;
    if (len) memcpy(p, src, len);
    v->ptr = p;
    v->len = len;
    return 0;
}

/* Append a copy of *act.  Returns 0 or XR_ERR_NOSPACE. */
static inline int xr_actions_push(xr_actions *a, const xr_action *act) {
    XR_ASSERT(a != NULL && act != NULL && act->kind != XR_ACT_NONE);
    if (a->count >= a->cap) {
        a->dropped++;
        return XR_ERR_NOSPACE;
    }
    a->items[a->count++] = *act;
    return 0;
}

#endif
