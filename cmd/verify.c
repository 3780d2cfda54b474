/*
 * verify.c - tlpress verify: tell a real published tree from a forged one
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "net.h"
#include "verify.h"

static const char usage[] =
	"usage: tlpress verify [--key FILE] [-j N] [--timeout S] [-q] DIR|URL\n"
	"\n"
	"Check a published tree as a subscriber: the signature of manifest.txt, the\n"
	"size and SHA-256 of every file it lists, the detached signature F.asc of\n"
	"every file F, and the .sha256 and .sha512 files of CSAF documents. In a\n"
	"folder, files that the manifest does not list are reported too.\n"
	"\n"
	"  -k, --key FILE       the publisher's public key (armoured or binary),\n"
	"                       obtained out of band. Without it, the tree's own\n"
	"                       openpgp/<FPR>.asc (FPR: the manifest's '# signer:')\n"
	"                       is used: that proves the tree is intact, not that\n"
	"                       the publisher made it\n"
	"  -j, --jobs N         check signatures on N threads (default: the number\n"
	"                       of cores)\n"
	"      --timeout S      give up an HTTP request after S seconds (default 300)\n"
	"  -q, --quiet          print nothing but problems\n"
	"  -h, --help           show this help\n"
	"\n"
	"DIR|URL: the tree's root folder, or its http:// or https:// URL (fetched on\n"
	"one connection; no redirect to another host is followed).\n"
	"\n"
	"Each problem is a line: BAD (a signature or hash file does not verify),\n"
	"CHANGED (size or SHA-256 differs from the manifest), MISSING (listed, not\n"
	"there), UNSIGNED (no .asc), UNLISTED (there, not listed); then a summary.\n"
	"\n"
	"Exit status: 0 every file verified; 1 problems were found; 2 usage; 3 the\n"
	"tree, its manifest or the key cannot be read.\n";

/* s with control characters shown as \xNN: a hostile tree's names and a
 * server's messages must not drive the terminal */
static void put_safe(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7F)
			printf("\\x%02X", *p);
		else
			putchar(*p);
	}
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct tlpress_verify_opts o;
	struct tlpress_verify_result r = TLPRESS_VERIFY_RESULT_INIT;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	int quiet = 0, c, rc, status;
	size_t i;

	memset(&o, 0, sizeof(o));
	o.jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (o.jobs < 1)
		o.jobs = 1;
	if (o.jobs > TLPRESS_VERIFY_MAX_JOBS)
		o.jobs = TLPRESS_VERIFY_MAX_JOBS;
	optind = 1;
	while ((c = getopt_long(argc, argv, "k:j:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'k': o.keyfile = optarg; break;
		case 'j':
		case 'T': {
			char *end;
			long n = strtol(optarg, &end, 10);

			if (c == 'j' && (*end || n < 1 || n > TLPRESS_VERIFY_MAX_JOBS)) {
				cmd_error("verify", "-j: '%s' is not a number of jobs from 1 to %d",
					  optarg, TLPRESS_VERIFY_MAX_JOBS);
				return EXIT_USAGE;
			}
			if (c == 'T' && (*end || n < 1 || n > 86400)) {
				cmd_error("verify", "--timeout: '%s' is not a number of seconds from "
					  "1 to 86400", optarg);
				return EXIT_USAGE;
			}
			if (c == 'j')
				o.jobs = (int)n;
			else
				o.timeout = n;
			break;
		}
		case 'q': quiet = 1; break;
		case 'h': return cmd_usage(usage, 1);
		default: return cmd_usage(usage, 0);
		}
	}
	if (optind >= argc) {
		cmd_error("verify", "which tree? give its folder or its http(s) URL");
		return cmd_usage(usage, 0);
	}
	if (optind + 1 < argc) {
		cmd_error("verify", "unexpected argument '%s': verify checks one tree at a "
			  "time", argv[optind + 1]);
		return cmd_usage(usage, 0);
	}
	o.tree = argv[optind];
	if (tlpress_net_load(&err)) {
		cmd_error("verify", "%s", err.msg);
		return EXIT_ENV;
	}
	if (tlpress_verify_is_url(o.tree) < 0) {
		cmd_error("verify", "'%s': only http:// and https:// URLs are fetched; give the "
			  "tree's http(s) URL, or a copy of it in a folder", o.tree);
		return EXIT_USAGE;
	}
	if (o.keyfile && access(o.keyfile, R_OK) != 0) {
		cmd_error_errno("verify", errno, "--key: cannot read '%s'", o.keyfile);
		return EXIT_ENV;
	}

	rc = tlpress_verify_tree(&o, &r, &err);
	if (rc) {
		/* the message may quote a server's redirect: no control characters */
		for (i = 0; err.msg[i]; i++)
			if ((unsigned char)err.msg[i] < 0x20 || err.msg[i] == 0x7F)
				err.msg[i] = '?';
		cmd_error("verify", "%s", err.msg);
		tlpress_verify_result_release(&r);
		return rc == TLPRESS_EUSAGE ? EXIT_USAGE : EXIT_ENV;
	}
	for (i = 0; i < r.n; i++) {
		printf("%s ", tlpress_vkind_name(r.v[i].kind));
		put_safe(r.v[i].path);
		if (r.v[i].detail) {
			fputs(": ", stdout);
			put_safe(r.v[i].detail);
		}
		putchar('\n');
	}
	status = r.n ? EXIT_FAIL : EXIT_OK;
	if (!quiet) {
		if (r.n == 0)
			printf("verified %zu file%s signed by %s (", r.files, r.files == 1 ? "" : "s",
			       r.fpr);
		else
			printf("FAILED: %zu problem%s; %zu of %zu listed file%s intact, %zu signature%s "
			       "good, checked against %s (", r.n, r.n == 1 ? "" : "s", r.checked,
			       r.files, r.files == 1 ? "" : "s", r.signatures,
			       r.signatures == 1 ? "" : "s", r.fpr[0] ? r.fpr : "an unknown key");
		put_safe(r.uid[0] ? r.uid : "no user id");
		fputs(")\n", stdout);
		if (r.key_from_tree) {
			fflush(stdout);
			fprintf(stderr, "tlpress verify: note: the key was taken from the tree itself "
				"(%s): this proves that the tree is intact and consistent "
				"(integrity), not that the publisher made it (authenticity): "
				"whoever can change the tree can replace the key too. Get the "
				"publisher's key out of band, check its fingerprint with them, and "
				"use --key FILE.\n", r.key_source);
		}
	}
	tlpress_verify_result_release(&r);
	return status;
}
