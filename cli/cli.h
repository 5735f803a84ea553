/* cli/cli.h — the subcommands of `nabla`. Each takes argv with argv[0] = its
 * own name, talks on stdout/stderr, and returns the process exit status:
 * 0 success, 1 failure, 2 bad usage. */
#ifndef NB_CLI_H
#define NB_CLI_H

int cli_demo(int argc, char **argv);

#endif
