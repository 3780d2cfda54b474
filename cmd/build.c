/*
 * build.c - tlpress build: the website and its feed, cut to a clearance
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "lock.h"
#include "sign.h"
#include "site.h"
#include "timefmt.h"
#include "tlp.h"

static const char usage[] =
	"usage: tlpress build [-C FILE] [-o DIR] [--clearance LABEL] [-j N] [--full] [-q]\n"
	"                     [PATH...]\n"
	"\n"
	"Render every advisory that is publishable now into a site tree: HTML pages,\n"
	"an index and an RSS feed. Each page holds what its clearance may see.\n"
	"\n"
	"  -C, --config FILE    the configuration (default: ./tlpress.yml if there,\n"
	"                       else the embedded defaults)\n"
	"  -o, --output DIR     the tree (default: site.output, public/)\n"
	"      --clearance L    CLEAR (the public site, default) or GREEN (a portal\n"
	"                       behind authentication); AMBER and above go by mail only\n"
	"  -j, --jobs N         render on N worker threads (default: the number of\n"
	"                       cores); the output does not depend on N\n"
	"      --full           look at every file of the tree, even when nothing\n"
	"                       changed since the last build (a file of the tree\n"
	"                       edited by hand is then written again)\n"
	"  -q, --quiet          print nothing but problems\n"
	"  -h, --help           show this help\n"
	"\n"
	"PATH: advisory files or folders (default: the 'advisories' of the\n"
	"configuration). TLPRESS_NOW (RFC 3339) replaces the clock.\n"
	"\n"
	"Exit status: 0 all publishable advisories built; 1 some advisories have\n"
	"errors and were left out, or the clearance was refused; 2 usage or a\n"
	"configuration error; 3 I/O;\n"
	"75 another run (a publish from cron, say) holds the lock of the state\n"
	"folder while building the site of the configuration (site.output).\n";

/* Are a and b the same folder (or, not there yet, the same path)? */
static int same_folder(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	if (!a || !b)
		return 0;
	if (realpath(a, ra) && realpath(b, rb))
		return strcmp(ra, rb) == 0;
	return strcmp(a, b) == 0;
}

int cmd_build(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'C' },
		{ "output", required_argument, NULL, 'o' },
		{ "clearance", required_argument, NULL, 'L' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "full", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct tlpress_config cfg;
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_build_opts o;
	struct tlpress_build_stats st;
	const char *cfile = NULL, *out = NULL, *clear = NULL;
	struct tlpress_signer *signer = NULL;
	struct tlpress_keyinfo info;
	struct timespec t0, t1;
	char fpr[41] = "";
	int quiet = 0, c, rc, status, lockfd = -1;

	memset(&o, 0, sizeof(o));
	optind = 1;
	memset(&st, 0, sizeof(st));
	o.jobs = cmd_default_jobs();
	while ((c = getopt_long(argc, argv, "C:o:j:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			if (cmd_jobs("build", optarg, &o.jobs))
				return EXIT_USAGE;
			break;
		case 'C': cfile = optarg; break;
		case 'o': out = optarg; break;
		case 'L': clear = optarg; break;
		case 'q': quiet = 1; break;
		case 'F': o.full = 1; break;
		case 'h': return cmd_usage(usage, 1);
		default: return cmd_usage(usage, 0);
		}
	}
	o.clearance = TLPRESS_TLP_CLEAR;
	if (clear && tlpress_tlp_parse(clear, strlen(clear), &o.clearance) != TLPRESS_TLP_PARSE_OK) {
		cmd_error("build", "--clearance: '%s' is not a TLP label; use CLEAR or GREEN", clear);
		return EXIT_USAGE;
	}
	if (cmd_now("build", &o.now))
		return EXIT_USAGE;
	rc = cmd_config("build", cfile, &cfg);
	if (rc) {
		tlpress_config_release(&cfg);
		return rc;
	}
	o.cfg = &cfg;
	o.output = out ? out : cfg.site.output;
	o.paths = argv + optind;
	o.state = cfg.state;
	o.npaths = (size_t)(argc - optind);

	/* the tree publish keeps (site.output) is built by one run at a time:
	 * a build of it by hand must not race a publish from cron. A build
	 * into another folder (-o) touches nothing publish uses but the
	 * cache, which SQLite keeps consistent by itself. */
	rc = same_folder(o.output, cfg.site.output) ? tlpress_lock(cfg.state, &lockfd, &err) : 0;
	if (rc) {
		cmd_error("build", "%s", err.msg);
		tlpress_config_release(&cfg);
		return rc == TLPRESS_ELOCKED ? EXIT_TEMPFAIL : EXIT_ENV;
	}
	/* the key first: nothing is written with a key that is not fit */
	if (cmd_signer("build", &cfg, o.jobs, &o.now, &signer, &info)) {
		tlpress_unlock(lockfd);
		tlpress_config_release(&cfg);
		return EXIT_ENV;
	}
	if (signer) {
		memcpy(fpr, info.fpr, sizeof(fpr));
		o.signer = signer;
		o.signer_fpr = fpr;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = tlpress_build(&o, &st, &d, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	tlpress_signer_close(signer);
	tlpress_diags_sort(&d);
	cmd_print_diags(stderr, &d);
	if (rc) {
		cmd_error("build", "%s", err.msg);
		status = rc == TLPRESS_EPOLICY ? EXIT_FAIL : EXIT_ENV;
	} else {
		status = st.invalid ? EXIT_FAIL : EXIT_OK;
		if (!quiet)
			printf("built %s (%s): %zu advisor%s published; %zu file%s written, "
			       "%zu unchanged, %zu removed; %zu of %zu advisor%s read from the "
			       "build cache\n", o.output,
			       tlpress_tlp_label(o.clearance), st.published,
			       st.published == 1 ? "y" : "ies", st.written,
			       st.written == 1 ? "" : "s", st.unchanged, st.removed, st.cached,
			       st.files, st.files == 1 ? "y" : "ies");
		if (st.no_cache[0])
			fprintf(stderr, "tlpress build: warning: the build cache cannot be used, "
				"so every advisory was read and rendered: %s\n", st.no_cache);
		if (!quiet && st.in_place)
			printf("built in place, file by file: the folder beside '%s' where its next "
			       "version is made cannot be had (%s); readers may see a mix of "
			       "versions while it is built (docs/build.md)\n", o.output,
			       strerror(st.in_place));
		if (!quiet && o.signer) {
			double secs = (double)(t1.tv_sec - t0.tv_sec) +
				      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

			if (isatty(STDOUT_FILENO) && st.signatures && secs > 0)
				printf("signed %zu file%s with %s (%.1f signatures/s on %d worker%s)\n",
				       st.signatures, st.signatures == 1 ? "" : "s", fpr,
				       (double)st.signatures / secs, o.jobs, o.jobs == 1 ? "" : "s");
			else
				printf("signed %zu file%s with %s\n", st.signatures,
				       st.signatures == 1 ? "" : "s", fpr);
		} else if (!quiet) {
			printf("unsigned: no 'signing.key' in the configuration\n");
		}
		if (!quiet && (st.drafts || st.embargoed || st.above))
			printf("not published: %zu draft%s, %zu under embargo, %zu labelled above %s\n",
			       st.drafts, st.drafts == 1 ? "" : "s", st.embargoed, st.above,
			       tlpress_tlp_label(o.clearance));
		if (st.invalid)
			cmd_error("build", "%zu advisor%s with errors left out; run 'tlpress check'",
				  st.invalid, st.invalid == 1 ? "y" : "ies");
	}
	tlpress_unlock(lockfd);
	tlpress_diags_release(&d);
	tlpress_config_release(&cfg);
	return status;
}
