/*
** Order statistics of integer samples: sort and the nearest-rank
** percentile, the one rule every summary xrsim prints uses -- and the rule
** the SQL views use (the smallest value whose rank reaches ceil(n p / 100)),
** so the summary and the database agree to the nanosecond.
*/
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Sorts v[0..n) ascending. */
void sim_stats_sort_u64(uint64_t *v, size_t n);

/* Nearest-rank percentile p (0..100) of sorted v[0..n); 0 when n == 0. */
uint64_t sim_stats_percentile(const uint64_t *sorted, size_t n, unsigned p);

#endif
