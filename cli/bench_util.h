/*
** Timing helpers shared by the `xrsim bench` workloads: a monotonic clock
** in nanoseconds and the median of a batch of timings.
*/
#ifndef XRSIM_CLI_BENCH_UTIL_H
#define XRSIM_CLI_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* CLOCK_MONOTONIC in ns. */
uint64_t bench_now_ns(void);
/* Sorts v[0..n) in place and returns its median (upper middle); n > 0. */
uint64_t bench_median(uint64_t *v, size_t n);

#endif
