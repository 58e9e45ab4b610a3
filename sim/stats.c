/*
** Order statistics (see stats.h).
*/
#include "stats.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

void sim_stats_sort_u64(uint64_t *v, size_t n) {
    assert(v != NULL || n == 0);
    if (n > 1) qsort(v, n, sizeof *v, cmp_u64);
}

uint64_t sim_stats_percentile(const uint64_t *sorted, size_t n, unsigned p) {
    assert(p <= 100);
    if (n == 0) return 0;
    size_t rank = (n * p + 99) / 100;
    return sorted[rank ? rank - 1 : 0];
}

void sim_stats_fmt_speedup(char *buf, size_t len, double speed) {
    if (!(speed > 0.0) || !isfinite(speed)) snprintf(buf, len, "%.0fx", isfinite(speed) && speed > 0.0 ? speed : 0.0);
    else if (speed >= 10.0) snprintf(buf, len, "%.0fx", speed);
    else snprintf(buf, len, "%.2gx", speed);
}
