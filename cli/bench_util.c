/*
** Timing helpers for the benchmarks (see bench_util.h).
*/
#include "bench_util.h"

#include <assert.h>
#include <stdlib.h>
#include <time.h>

uint64_t bench_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

uint64_t bench_median(uint64_t *v, size_t n) {
    assert(v != NULL && n > 0);
    qsort(v, n, sizeof *v, cmp_u64);
    return v[n / 2];
}
