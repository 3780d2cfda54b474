/*
 * main.c - the tlpress command: a table of subcommands (git's git.c)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "cmd.h"
#include "config.h"
#include "sign.h"
#include "timefmt.h"

struct cmd_struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct cmd_struct commands[] = {
	{ "build", cmd_build, "render the website and its feed, cut to a clearance" },
	{ "check", cmd_check, "parse and validate advisories" },
	{ "keys", cmd_keys, "show the signing key and its health" },
	{ "log", cmd_log, "show who received which version of what, and what was published when" },
	{ "mail", cmd_mail, "send the due mails to lists and recipients, encrypted, exactly once" },
	{ "new", cmd_new, "write a new advisory with a fresh id, every key explained" },
	{ "preview", cmd_preview, "render one advisory for every clearance, and its mail, into a temporary folder" },
	{ "publish", cmd_publish, "build, sign and push the public site to the web server" },
	{ "status", cmd_status, "show what waits: embargoes, downgrades, drafts, unpushed files, the key" },
	{ "verify", cmd_verify, "check the signatures and hashes of a published tree" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char main_usage[] =
	"usage: tlpress [--version] [--help] COMMAND [ARGS]\n";

void cmd_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tlpress %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cmd_error_errno(const char *cmd, int e, const char *fmt, ...)
{
	const char *hint = tlpress_errno_hint(e);
	va_list ap;

	fprintf(stderr, "tlpress %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s%s%s\n", strerror(e), hint ? "; " : "", hint ? hint : "");
}

int cmd_usage(const char *usage, int ok)
{
	static const char head[] = "usage: tlpress ";
	const char *end;

	if (ok) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	/* after a mistake, the synopsis and where the rest is: the message
	 * above stays in sight */
	end = strstr(usage, "\n\n");
	fwrite(usage, 1, end ? (size_t)(end - usage) + 1 : strlen(usage), stderr);
	if (!strncmp(usage, head, sizeof(head) - 1))
		fprintf(stderr, "run 'tlpress %.*s --help' for its options\n",
			(int)strcspn(usage + sizeof(head) - 1, " \n"), usage + sizeof(head) - 1);
	return EXIT_USAGE;
}

size_t cmd_print_diags(FILE *f, struct tlpress_diags *d)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	size_t i;

	for (i = 0; i < d->n; i++) {
		tlpress_buf_reset(&b);
		tlpress_diag_format(&d->v[i], &b);
		fwrite(b.ptr, 1, b.len, f);
	}
	tlpress_buf_release(&b);
	return d->nerrors;
}

json_t *cmd_json_diag(const struct tlpress_diag *d)
{
	return json_pack("{s:s?, s:i, s:i, s:s, s:s, s:s?, s:s?}", "file", d->file,
			 "line", (int)d->line, "column", (int)d->col,
			 "severity", tlpress_severity_name(d->severity), "message", d->msg,
			 "hint", d->hint, "key", d->key);
}

json_t *cmd_json_diags(const struct tlpress_diags *d)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < d->n; i++)
		json_array_append_new(a, cmd_json_diag(&d->v[i]));
	return a;
}

json_t *cmd_json_time(long long t)
{
	struct tlpress_time tm;
	char s[64];

	if (!t)
		return json_null();
	memset(&tm, 0, sizeof(tm));
	tm.t = t;
	tm.valid = 1;
	tlpress_time_rfc3339_utc(&tm, s, sizeof(s));
	return json_string(s);
}

json_t *cmd_json_new(const char *cmd)
{
	return json_pack("{s:s, s:i}", "command", cmd, "format", CMD_JSON_FORMAT);
}

int cmd_json_print(json_t *root)
{
	int rc = -1;

	if (root && json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 &&
	    putchar('\n') != EOF)
		rc = 0;
	json_decref(root);
	return rc;
}

int cmd_jobs(const char *cmd, const char *arg, int *jobs)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (*end || end == arg || n < 1 || n > 64) {
		cmd_error(cmd, "-j: '%s' is not a number of jobs from 1 to 64", arg);
		return -1;
	}
	*jobs = (int)n;
	return 0;
}

int cmd_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

int cmd_now(const char *cmd, struct tlpress_time *now)
{
	if (tlpress_time_now(now) < 0) {
		cmd_error(cmd, "TLPRESS_NOW='%s' is not an RFC 3339 time such as "
			  "2026-11-28T12:00:00+01:00", getenv("TLPRESS_NOW"));
		return -1;
	}
	return 0;
}

int cmd_config(const char *cmd, const char *cfile, struct tlpress_config *cfg)
{
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	int rc = tlpress_config_load(cfg, cfile, &d);

	(void)cmd;
	cmd_print_diags(stderr, &d);
	tlpress_diags_release(&d);
	return !rc ? EXIT_OK : rc == TLPRESS_EIO || rc == TLPRESS_ENOMEM ? EXIT_ENV : EXIT_USAGE;
}

int cmd_signer(const char *cmd, const struct tlpress_config *cfg, int jobs,
	       const struct tlpress_time *now, struct tlpress_signer **s,
	       struct tlpress_keyinfo *info)
{
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	int warn = 0, rc;

	*s = NULL;
	memset(info, 0, sizeof(*info));
	if (!cfg->signing.key)
		return 0;
	rc = tlpress_signer_open(s, cfg->signing.key, cfg->signing.gnupghome, jobs,
				 cfg->signing.warn_days, (long long)now->t, info, &warn, &err);
	if (rc) {
		cmd_error(cmd, "%s", err.msg);
		cmd_error(cmd, "nothing was written");
		return rc;
	}
	if (warn)
		fprintf(stderr, "tlpress %s: warning: signing key %s expires in %d day%s; "
			"extend it or roll over to a new key (tlpress keys)\n", cmd, info->fpr,
			info->days_left, info->days_left == 1 ? "" : "s");
	return 0;
}

static void help(FILE *f)
{
	size_t i;

	fputs(main_usage, f);
	fputs("\ntlpress turns Markdown advisories into a signed website, feeds, CVRF and\n"
	      "CSAF documents and encrypted mail, enforcing the Traffic Light Protocol.\n"
	      "\nCommands:\n", f);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "   %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'tlpress COMMAND -h' shows the options of a command; the manual is tlpress(1).\n"
	      "Exit status: 0 success, 1 check failed or refused, 2 usage, 3 I/O or environment,\n"
	      "75 locked by another run or a server down: try again later.\n", f);
}

/* Flush stdout and check that everything was written (git's run_builtin). */
static int finish(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "tlpress: cannot write to standard output: %s; check where it "
			"goes (a full disk, a closed pipe)\n", strerror(errno));
		return EXIT_ENV;
	}
	return status;
}

int main(int argc, char **argv)
{
	const char *name;
	size_t i;

	/* jansson's hash seed, once, before any thread could make one */
	json_object_seed(0);
	if (argc < 2) {
		help(stderr);
		return EXIT_USAGE;
	}
	name = argv[1];
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("tlpress %s\n", TLPRESS_VERSION);
		return finish(EXIT_OK);
	}
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		if (argc > 2 && strcmp(name, "help") == 0) {
			char *args[] = { argv[2], (char *)"--help", NULL };

			for (i = 0; i < NCOMMANDS; i++)
				if (!strcmp(argv[2], commands[i].name))
					return finish(commands[i].fn(2, args));
			fprintf(stderr, "tlpress: '%s' is not a tlpress command; see 'tlpress help'\n",
				argv[2]);
			return EXIT_USAGE;
		}
		help(stdout);
		return finish(EXIT_OK);
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(name, commands[i].name)) {
			/* getopt_long() names argv[0] in its messages */
			static char prog[32];

			snprintf(prog, sizeof(prog), "tlpress %s", commands[i].name);
			argv[1] = prog;
			return finish(commands[i].fn(argc - 1, argv + 1));
		}
	fprintf(stderr, "tlpress: '%s' is not a tlpress command; see 'tlpress help'\n", name);
	return EXIT_USAGE;
}
