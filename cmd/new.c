/*
 * new.c - tlpress new: a new advisory with a fresh id, from the skeleton
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "advisory.h"
#include "buf.h"
#include "cmd.h"
#include "config.h"
#include "fsutil.h"
#include "ids.h"
#include "skeleton.h"
#include "strutil.h"
#include "timefmt.h"
#include "tlp.h"

static const char usage[] =
	"usage: tlpress new [-C FILE] [--tlp LABEL] [--lang LANG] [--no-edit] TITLE\n"
	"\n"
	"Write advisories/<id>.md for a new advisory: a fresh id, the title, every\n"
	"front-matter key explained in a comment, status: draft. Print its path, and\n"
	"open $VISUAL (else $EDITOR, else /usr/bin/editor) on it when standard input\n"
	"and output are a terminal.\n"
	"\n"
	"Ids come in two series (ids.public and ids.restricted in tlpress.yml): the\n"
	"public one for TLP:CLEAR, the restricted one for every other label, so that\n"
	"public numbers have no gaps. An id is never given twice, even when its file\n"
	"is deleted, and an advisory keeps it when it is downgraded.\n"
	"\n"
	"  -C, --config FILE  the configuration (default: ./tlpress.yml if there)\n"
	"  -t, --tlp LABEL    CLEAR, GREEN, AMBER, AMBER+STRICT or RED (default AMBER,\n"
	"                     the restricted series; a TLP: prefix is accepted)\n"
	"  -l, --lang LANG    nl, fr or en (default en): the advisory's language and\n"
	"                     that of the comments\n"
	"      --no-edit      do not open an editor\n"
	"  -h, --help         show this help\n"
	"\n"
	"TLPRESS_NOW (RFC 3339) replaces the clock.\n"
	"\n"
	"Exit status: 0 written; 1 the file exists (nothing is overwritten); 2 usage\n"
	"or configuration error; 3 I/O.\n";

#define LABELS "CLEAR, GREEN, AMBER, AMBER+STRICT or RED"

static int parse_tlp(const char *s, enum tlpress_tlp *out)
{
	int r = tlpress_tlp_parse(s, strlen(s), out);

	if (r == TLPRESS_TLP_PARSE_OK)
		return 0;
	if (r == TLPRESS_TLP_PARSE_CASE)
		cmd_error("new", "--tlp: '%s' is not a TLP label: labels are written in "
			  "capitals (%s); use " LABELS, s, tlpress_tlp_name(*out));
	else if (r == TLPRESS_TLP_PARSE_WHITE)
		cmd_error("new", "--tlp: '%s' is TLP 1.0: TLP 2.0 calls it CLEAR; use " LABELS, s);
	else
		cmd_error("new", "--tlp: '%s' is not a TLP label; use " LABELS, s);
	return -1;
}

static int title_ok(const char *t)
{
	size_t n = strlen(t), chars = 0, i;

	if (tlpress_utf8_check(t, n) >= 0) {
		cmd_error("new", "the title is not UTF-8; set the terminal's locale to UTF-8 "
			  "(LANG=C.UTF-8), or write it in the file afterwards");
		return -1;
	}
	for (i = 0; i < n;) {
		unsigned cp;

		i += (size_t)tlpress_utf8_decode(t + i, n - i, &cp);
		if (tlpress_is_bad_control(cp) || cp == '\t') {
			cmd_error("new", "the title holds a control character or a tab; remove it");
			return -1;
		}
		chars++;
	}
	if (!chars || strspn(t, " ") == n) {
		cmd_error("new", "the title is empty; give the advisory's title, in quotes");
		return -1;
	}
	if (tlpress_has_newline(t, n)) {
		cmd_error("new", "the title must be one line; write it without line breaks");
		return -1;
	}
	if (chars > TLPRESS_MAX_TITLE) {
		cmd_error("new", "the title has %zu characters; at most %d: shorten it, details "
			  "belong in the summary", chars, TLPRESS_MAX_TITLE);
		return -1;
	}
	return 0;
}

/* Run the editor on path through the shell (so that EDITOR="vim -n"
 * works) and wait for it; its status. */
static int edit(const char *editor, const char *path)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* as git runs it: the variable is shell words ("code --wait"),
		 * the path one argument, never split or globbed */
		size_t n = strlen(editor) + sizeof(" \"$@\"");
		char *cmd = malloc(n);

		if (cmd) {
			snprintf(cmd, n, "%s \"$@\"", editor);
			execl("/bin/sh", "sh", "-c", cmd, editor, path, (char *)NULL);
		}
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Check the advisory as `tlpress check` would; print what it says. */
static void check_after_edit(const char *path)
{
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_advisory *a = tlpress_advisory_load(path, &d);

	tlpress_diags_sort(&d);
	cmd_print_diags(stdout, &d);
	if (a && !d.nerrors)
		printf("%s: no errors (status: %s)\n", path,
		       a->status == TLPRESS_STATUS_DRAFT ? "draft" : "released");
	tlpress_advisory_free(a);
	tlpress_diags_release(&d);
}

int cmd_new(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'C' },
		{ "tlp", required_argument, NULL, 't' },
		{ "lang", required_argument, NULL, 'l' },
		{ "no-edit", no_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct tlpress_config cfg;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_buf text = TLPRESS_BUF_INIT, path = TLPRESS_BUF_INIT;
	struct tlpress_skeleton sk;
	struct tlpress_time now;
	enum tlpress_tlp tlp = TLPRESS_TLP_AMBER;
	enum tlpress_series series;
	const char *cfile = NULL, *lang = "en", *editor;
	char id[TLPRESS_ID_MAX], pub[64], res[64], year[8];
	int c, fd, rc, no_edit = 0, status = EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "C:t:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'C': cfile = optarg; break;
		case 't':
			if (parse_tlp(optarg, &tlp))
				return EXIT_USAGE;
			break;
		case 'l': lang = optarg; break;
		case 'E': no_edit = 1; break;
		case 'h': return cmd_usage(usage, 1);
		default: return cmd_usage(usage, 0);
		}
	}
	if (argc - optind != 1) {
		cmd_error("new", argc == optind ? "give the advisory's title" :
			  "give the title as one argument, in quotes");
		return cmd_usage(usage, 0);
	}
	if (tlpress_lang_valid(lang)) {
		cmd_error("new", "--lang: '%s' is not a language tag; use nl, fr or en", lang);
		return EXIT_USAGE;
	}
	if (title_ok(argv[optind]))
		return EXIT_USAGE;
	if (cmd_now("new", &now))
		return EXIT_USAGE;
	rc = cmd_config("new", cfile, &cfg);
	if (rc) {
		tlpress_config_release(&cfg);
		return rc;
	}

	/* the id: allocated and recorded before the file is written */
	tlpress_time_date(&now, year, sizeof(year));
	series = tlpress_ids_series(tlp);
	rc = tlpress_ids_next(&cfg, series, atoi(year), id, &err);
	if (rc) {
		cmd_error("new", "cannot allocate an id: %s", err.msg);
		status = EXIT_ENV;
		goto out;
	}
	tlpress_ids_prefix(cfg.ids.public_prefix, atoi(year), pub, sizeof(pub));
	tlpress_ids_prefix(cfg.ids.restricted_prefix, atoi(year), res, sizeof(res));
	memset(&sk, 0, sizeof(sk));
	sk.id = id;
	sk.title = argv[optind];
	sk.lang = lang;
	sk.tlp = tlp;
	sk.now = now;
	sk.public_prefix = pub;
	sk.restricted_prefix = res;
	if (tlpress_skeleton_render(&sk, &text)) {
		cmd_error("new", "out of memory");
		status = EXIT_ENV;
		goto out;
	}

	/* the file: created, never overwritten */
	if (tlpress_mkroot(cfg.advisories, &err)) {
		cmd_error("new", "%s", err.msg);
		status = EXIT_ENV;
		goto out;
	}
	tlpress_buf_printf(&path, "%s/%s.md", cfg.advisories, id);
	fd = open(path.ptr, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST) {
			cmd_error("new", "'%s' exists: it is not overwritten; the id %s is used up, "
				  "run tlpress new again for the next one", path.ptr, id);
			status = EXIT_FAIL;
		} else {
			cmd_error_errno("new", errno, "cannot create '%s'", path.ptr);
			status = EXIT_ENV;
		}
		goto out;
	}
	if (write(fd, text.ptr, text.len) != (ssize_t)text.len || fsync(fd) < 0 || close(fd) < 0) {
		cmd_error_errno("new", errno, "cannot write '%s'", path.ptr);
		unlink(path.ptr);
		status = EXIT_ENV;
		goto out;
	}
	printf("%s\n", path.ptr);

	/* on a terminal: VISUAL first, as mail and crontab -e do */
	editor = getenv("VISUAL");
	if (!editor || !*editor)
		editor = getenv("EDITOR");
	/* else Debian's choice of the system's editor (update-alternatives) */
	if ((!editor || !*editor) && access("/usr/bin/editor", X_OK) == 0)
		editor = "/usr/bin/editor";
	if (!no_edit && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		if (!editor || !*editor) {
			fprintf(stderr, "tlpress new: no editor: set EDITOR (export EDITOR=nano, "
				"say) to open new advisories in one, or edit '%s'\n", path.ptr);
		} else {
			rc = edit(editor, path.ptr);
			if (rc)
				cmd_error("new", "the editor '%s' exited with status %d; the file "
					  "stays: edit it, then run tlpress check %s", editor, rc,
					  path.ptr);
			else
				check_after_edit(path.ptr);
		}
	}
out:
	tlpress_buf_release(&text);
	tlpress_buf_release(&path);
	tlpress_config_release(&cfg);
	return status;
}
