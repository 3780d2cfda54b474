/*
 * cmd.h - the subcommands of tlpress
 *
 * To add a subcommand FOO:
 *  1. write cmd/FOO.c with `int cmd_FOO(int argc, char **argv)`, a usage
 *     string at the top, getopt_long for options, and the work done through
 *     lib/ (nothing but argument handling and printing belongs in cmd/);
 *  2. declare it below and add it to the table in cmd/main.c;
 *  3. document it in docs/tlpress.1 and add tests under tests/cli/.
 * The return value is the exit status: see the EXIT_* codes below. Every
 * subcommand answers -h and --help with its usage on stdout and exit 0.
 */
#ifndef TLPRESS_CMD_H
#define TLPRESS_CMD_H

#include <stdio.h>

#include "error.h"

/* Exit statuses, the same for every subcommand */
#define EXIT_OK 0       /* success */
#define EXIT_FAIL 1     /* check failed, or the policy refused */
#define EXIT_USAGE 2    /* bad command line */
#define EXIT_ENV 3      /* I/O, configuration or environment */

int cmd_build(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_verify(int argc, char **argv);

/* Print "tlpress CMD: message" on stderr. */
void cmd_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print the usage of a command: to stdout with status 0 for -h, to
 * stderr with EXIT_USAGE otherwise; returns the status. */
int cmd_usage(const char *usage, int ok);
/* Print diagnostics to f; returns the number of errors. */
size_t cmd_print_diags(FILE *f, struct tlpress_diags *d);

#endif
