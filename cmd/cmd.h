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
#define EXIT_TEMPFAIL 75 /* locked by another run, or a server was down (EX_TEMPFAIL) */

int cmd_build(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_mail(int argc, char **argv);
int cmd_new(int argc, char **argv);
int cmd_preview(int argc, char **argv);
int cmd_publish(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_verify(int argc, char **argv);

/* Print "tlpress CMD: message" on stderr. */
void cmd_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* cmd_error() for a failed system call: the message, ": strerror(e)" and,
 * when there is one, "; " and tlpress_errno_hint(e). */
void cmd_error_errno(const char *cmd, int e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Print the usage of a command: all of it to stdout with status 0 for -h;
 * else its synopsis and "run 'tlpress CMD --help'" to stderr, with
 * EXIT_USAGE (after the message that says what was wrong). Returns the
 * status. */
int cmd_usage(const char *usage, int ok);
/* Print diagnostics to f; returns the number of errors. */
size_t cmd_print_diags(FILE *f, struct tlpress_diags *d);

/* --json (docs/json.md): one JSON document on stdout. The format number
 * changes only when a field changes meaning or goes away; new fields may
 * appear in any format. */
#define CMD_JSON_FORMAT 1
struct json_t;
/* {"command": cmd, "format": 1}, to add the command's fields to. */
struct json_t *cmd_json_new(const char *cmd);
/* {file, line, column, severity, message, hint, key} of one diagnostic. */
struct json_t *cmd_json_diag(const struct tlpress_diag *d);
/* An array of cmd_json_diag(). */
struct json_t *cmd_json_diags(const struct tlpress_diags *d);
/* Unix time t as an RFC 3339 UTC string, or null for 0. */
struct json_t *cmd_json_time(long long t);
/* Print root on stdout (indented, keys in order, newline) and release it
 * (NULL: out of memory); 0, or -1 when it could not be written. */
int cmd_json_print(struct json_t *root);

struct tlpress_config;
struct tlpress_keyinfo;
struct tlpress_signer;
struct tlpress_time;

/* -j N: 0, or -1 with the message printed. */
int cmd_jobs(const char *cmd, const char *arg, int *jobs);
/* The number of cores, 1 to 64: the default of -j. */
int cmd_default_jobs(void);
/* The clock or TLPRESS_NOW: 0, or -1 with the message printed. */
int cmd_now(const char *cmd, struct tlpress_time *now);
/* Load the configuration (tlpress_config_load) and print its diagnostics;
 * the exit status: EXIT_OK, EXIT_ENV when the file cannot be read (I/O,
 * memory), EXIT_USAGE for an error in it. Release cfg in every case. */
int cmd_config(const char *cmd, const char *cfile, struct tlpress_config *cfg);
/* Open the signer of 'signing.key' (*s stays NULL without one), print the
 * expiry warning; a refused key is printed with "nothing was written" and
 * its error code returned. */
int cmd_signer(const char *cmd, const struct tlpress_config *cfg, int jobs,
	       const struct tlpress_time *now, struct tlpress_signer **s,
	       struct tlpress_keyinfo *info);

struct tlpress_journal;

/* Send the mails that are due (tlpress mail; tlpress publish after the
 * push): prints what was sent unless quiet, and what needs attention on
 * stderr; returns the exit status (EXIT_OK, EXIT_FAIL, EXIT_USAGE,
 * EXIT_TEMPFAIL). No signer: nothing is sent (every mail is signed). */
int cmd_mail_send(const char *cmd, const struct tlpress_config *cfg, struct tlpress_journal *j,
		  struct tlpress_signer *signer, const struct tlpress_keyinfo *key,
		  const struct tlpress_time *now, int quiet, int dry_run);

#endif
