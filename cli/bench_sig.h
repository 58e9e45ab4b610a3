/*
** `xrsim bench sig`: what signatures cost -- real secp256k1 signing and
** recovery, the fast simulation backend, and the portal's whole submission
** verification with 100 and 1000 validators.  The secp256k1 figures are the
** source of the default simulated CPU costs in models/sig_costs.h.
*/
#ifndef XRSIM_CLI_BENCH_SIG_H
#define XRSIM_CLI_BENCH_SIG_H

/* argv[0] is "sig"; options: --quick (short runs, for smoke tests), --help.
** Prints Markdown tables to stdout.  Returns 0, 1 if a setup step fails, or
** 2 on bad usage. */
int cmd_bench_sig(int argc, char **argv);

#endif
