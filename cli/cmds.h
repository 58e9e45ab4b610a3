/*
** The subcommands of `xrsim`, one file each.  Each takes the arguments after
** its own name (argv[0] is the subcommand) and returns the process exit
** status: 0 success, 1 a failed simulation or check, 2 bad usage or input.
*/
#ifndef XRSIM_CLI_CMDS_H
#define XRSIM_CLI_CMDS_H

int cmd_run(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_swarm(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_frontier(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_help(int argc, char **argv);

/* Usage text of one command (NULL: unknown command). */
const char *cli_usage(const char *command);

#endif
