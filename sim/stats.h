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

/* Writes how many times faster than real time a run went, "<speed>x", with
** 2 significant digits below 10 ("0.25x", "3.2x"; "120x" above), so a run
** slower than real time never reads "0x"; "0x" only for a speed of 0. */
void sim_stats_fmt_speedup(char *buf, size_t len, double speed);

#endif
