/*
** `xrsim bench core`: micro-benchmarks of the protocol core's hashing and
** multi-proofs (Keccak-256 throughput; building and verifying the
** destination multi-proof of an XBlock for 1, 16 and 256 messages).
*/
#ifndef XRSIM_CLI_BENCH_CORE_H
#define XRSIM_CLI_BENCH_CORE_H

/* argv[0] is "core"; options: --quick (short runs, for smoke tests),
** --help.  Prints a Markdown table to stdout.  Returns 0, or 2 on bad usage. */
int cmd_bench_core(int argc, char **argv);

#endif
