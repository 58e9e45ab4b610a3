/*
** The one growable array of the project: an array `items` of `elem`-byte
** items with room for `cap`, grown to hold at least `need` by doubling
** (from 16).  The items it adds are zeroed.  On failure (out of memory, or
** a size that does not fit) nothing changes and it returns false.
**
**   if (!SIM_GROW(x->rows, x->cap, x->len + 1)) return ENOMEM;
**   x->rows[x->len++] = row;
*/
#ifndef SIM_GROW_H
#define SIM_GROW_H

#include <stdbool.h>
#include <stddef.h>

bool sim_grow(void **items, size_t *cap, size_t need, size_t elem);

/* sim_grow on a typed pointer `arr` with size_t capacity `cap`. */
#define SIM_GROW(arr, cap, need) sim_grow((void **)&(arr), &(cap), (need), sizeof *(arr))

#endif
