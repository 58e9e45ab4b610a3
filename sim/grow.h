/*
** The one growable array of the project: an array `items` of `elem`-byte
** items with room for `cap`, grown to hold at least `need` by doubling
** (from 16).  The items it adds are zeroed.  On failure (out of memory, or
** a size that does not fit) nothing changes and it returns false.
**
**   if (!SIM_GROW(x->rows, x->cap, x->len + 1)) return ENOMEM;
**   x->rows[x->len++] = row;
**
** Header-only and dependent on the C library alone, like sqlite_guard.h, so
** that analysis/ uses the same helper without depending on sim/ (README,
** "Layout"; tests/lint/layers.sh holds analysis/ to these two headers).
*/
#ifndef SIM_GROW_H
#define SIM_GROW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline bool sim_grow(void **items, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return true;
    size_t c = *cap ? *cap : 16u;
    while (c < need) {
        if (c > SIZE_MAX / 2u) return false;
        c *= 2u;
    }
    if (elem && c > SIZE_MAX / elem) return false;
    void *q = realloc(*items, c * elem);
    if (!q) return false;
    memset((unsigned char *)q + *cap * elem, 0, (c - *cap) * elem);
    *items = q;
    *cap = c;
    return true;
}

/* sim_grow on a typed pointer `arr` with size_t capacity `cap`. */
#define SIM_GROW(arr, cap, need) sim_grow((void **)&(arr), &(cap), (need), sizeof *(arr))

/* The growable array as a string: appends n bytes of s to *p (length *len,
** room *cap) and keeps it NUL-terminated; false, with nothing changed, when
** out of memory. */
static inline bool sim_grow_append(char **p, size_t *len, size_t *cap, const char *s, size_t n) {
    if (n > SIZE_MAX - *len - 1u || !sim_grow((void **)p, cap, *len + n + 1u, 1u)) return false;
    memcpy(*p + *len, s, n);
    *len += n;
    (*p)[*len] = '\0';
    return true;
}

#endif
