/* The growable array (see grow.h). */
#include "grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool sim_grow(void **items, size_t *cap, size_t need, size_t elem) {
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
