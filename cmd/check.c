/*
 * check.c - tlpress check: parse and validate advisories
 */
#include <getopt.h>

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory.h"
#include "config.h"
#include "lists.h"
#include "policy.h"
#include "cmd.h"
#include "scan.h"

static const char usage[] =
	"usage: tlpress check [-C FILE] [-q] [--json] [PATH...]\n"
	"\n"
	"Parse and validate every advisory (*.md) in the given files and folders\n"
	"(default: the configuration's 'advisories' folder, advisories/ unless set),\n"
	"and report problems as FILE:LINE:COL: error: ...\n"
	"\n"
	"  -C, --config FILE  the configuration (default: ./tlpress.yml if there):\n"
	"                list names in 'recipients' must be among its 'lists'\n"
	"  -q, --quiet   print nothing but the problems\n"
	"      --json    print one JSON document instead (docs/json.md): every\n"
	"                file with its diagnostics, and the totals\n"
	"  -h, --help    show this help\n"
	"\n"
	"Exit status: 0 when there is no error (warnings allowed), 1 on any error,\n"
	"2 on a usage error.\n";

struct seen {
	char *id;
	char *path;
	unsigned line, col;
	size_t file;                /* its index in the file list */
};

static int cmp_seen(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;
	int c = tlpress_id_cmp(x->id, y->id);

	return c ? c : strcmp(x->path, y->path);
}

/* Report each advisory whose id another one claims too
 * (tlpress_policy_claimed_twice()), in the order of seen; -1 when out of
 * memory. */
static int claimed_twice(const struct seen *seen, size_t n, struct tlpress_diags *all)
{
	const char **ids = malloc((n ? n : 1) * sizeof(*ids));
	size_t *also = malloc((n ? n : 1) * sizeof(*also));
	size_t i;
	int rc = -1;

	if (ids && also) {
		for (i = 0; i < n; i++)
			ids[i] = seen[i].id;
		rc = tlpress_policy_claimed_twice(ids, n, also) < 0 ? -1 : 0;
	}
	for (i = 0; !rc && i < n; i++) {
		const struct seen *y = &seen[i], *x;

		if (also[i] == TLPRESS_CLAIMED_ONCE || also[i] == i)
			continue;
		x = &seen[also[i]];
		if (strcmp(y->id, x->id))
			tlpress_diags_add(all, TLPRESS_ERROR, y->path, y->line, y->col, "id",
					  "every advisory has its own id: allocate a new one "
					  "with 'tlpress new'",
					  "duplicate 'id' %s: the same number as %s in %s", y->id,
					  x->id, x->path);
		else
			tlpress_diags_add(all, TLPRESS_ERROR, y->path, y->line, y->col, "id",
					  "every advisory has its own id: allocate a new one "
					  "with 'tlpress new'",
					  "duplicate 'id' %s, also used by %s", y->id, x->path);
	}
	free(ids);
	free(also);
	return rc;
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'C' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct tlpress_pathlist files = TLPRESS_PATHLIST_INIT;
	struct tlpress_diags all = TLPRESS_DIAGS_INIT;
	struct seen *seen;
	size_t i, nseen = 0, nerr = 0, nwarn = 0, nbad = 0;
	int quiet = 0, c, status, json = 0, oom;
	const char *cfile = NULL;
	struct tlpress_config cfg;
	json_t *jroot = NULL, *jfiles = NULL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "C:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'C':
			cfile = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'J':
			json = 1;
			break;
		case 'h':
			return cmd_usage(usage, 1);
		default:
			return cmd_usage(usage, 0);
		}
	}
	/* the configuration, for its lists; its own problems count too */
	if (tlpress_config_load(&cfg, cfile, &all) == TLPRESS_EIO) {
		cmd_print_diags(stderr, &all);
		tlpress_diags_release(&all);
		tlpress_config_release(&cfg);
		return EXIT_ENV;
	}
	if (json) {
		jroot = cmd_json_new("check");
		json_object_set_new(jroot, "config", json_pack("{s:s?, s:o}", "path", cfg.path,
			"diagnostics", cmd_json_diags(&all)));
		jfiles = json_array();
		json_object_set_new(jroot, "files", jfiles);
	} else {
		cmd_print_diags(stdout, &all);
	}
	nerr += all.nerrors;
	tlpress_diags_release(&all);
	if (optind == argc) {
		struct tlpress_error err = TLPRESS_ERROR_INIT;

		/* the configuration's folder (advisories/ by default), as build
		 * and publish read it */
		const char *dir = cfg.advisories ? cfg.advisories : "advisories";

		if (tlpress_scan(dir, &files, &err)) {
			cmd_error("check", "%s (set 'advisories' in tlpress.yml, run it in the "
				  "folder that holds advisories/, or name the files)", err.msg);
			json_decref(jroot);
			tlpress_config_release(&cfg);
			return EXIT_USAGE;
		}
	}
	for (; optind < argc; optind++) {
		struct tlpress_error err = TLPRESS_ERROR_INIT;

		if (tlpress_scan(argv[optind], &files, &err)) {
			cmd_error("check", "%s", err.msg);
			tlpress_pathlist_release(&files);
			json_decref(jroot);
			tlpress_config_release(&cfg);
			return EXIT_USAGE;
		}
	}
	seen = calloc(files.n ? files.n : 1, sizeof(*seen));
	if (!seen) {
		cmd_error("check", "out of memory");
		json_decref(jroot);
		tlpress_pathlist_release(&files);
		tlpress_config_release(&cfg);
		return EXIT_ENV;
	}
	for (i = 0; i < files.n; i++) {
		struct tlpress_diags d = TLPRESS_DIAGS_INIT;
		struct tlpress_advisory *adv = tlpress_advisory_load(files.v[i], &d);

		if (adv)
			tlpress_lists_check_recipients(&cfg.lists, adv, &d);
		if (adv && adv->id) {
			seen[nseen].id = strdup(adv->id);
			seen[nseen].path = strdup(files.v[i]);
			seen[nseen].line = adv->id_pos.line;
			seen[nseen].col = adv->id_pos.col;
			seen[nseen].file = i;
			if (seen[nseen].id && seen[nseen].path)
				nseen++;
		}
		tlpress_diags_sort(&d);
		if (json)
			json_array_append_new(jfiles, json_pack("{s:s, s:s?, s:i, s:i, s:o}",
				"path", files.v[i], "id", adv ? adv->id : NULL,
				"errors", (int)d.nerrors, "warnings", (int)d.nwarnings,
				"diagnostics", cmd_json_diags(&d)));
		else
			cmd_print_diags(stdout, &d);
		nerr += d.nerrors;
		nwarn += d.nwarnings;
		if (d.nerrors)
			nbad++;
		tlpress_diags_release(&d);
		tlpress_advisory_free(adv);
	}
	/* ids are unique across the tree (the policy's rule, as build and
	 * mail apply it) */
	qsort(seen, nseen, sizeof(*seen), cmp_seen);
	oom = claimed_twice(seen, nseen, &all) != 0;
	if (oom)
		cmd_error("check", "out of memory: the ids were not compared");
	if (json) {
		/* a duplicate id is an error of the file that repeats it */
		for (i = 0; i < all.n; i++) {
			size_t k;

			for (k = 0; k < nseen; k++)
				if (!strcmp(seen[k].path, all.v[i].file))
					break;
			if (k < nseen) {
				json_t *f = json_array_get(jfiles, seen[k].file);

				json_array_append_new(json_object_get(f, "diagnostics"),
						      cmd_json_diag(&all.v[i]));
				json_object_set_new(f, "errors", json_integer(
					json_integer_value(json_object_get(f, "errors")) + 1));
			}
		}
	} else {
		cmd_print_diags(stdout, &all);
	}
	nerr += all.nerrors;
	for (i = 0; i < nseen; i++) {
		free(seen[i].id);
		free(seen[i].path);
	}
	free(seen);
	if (json) {
		json_object_set_new(jroot, "totals", json_pack("{s:i, s:i, s:i}", "files",
			(int)files.n, "errors", (int)nerr, "warnings", (int)nwarn));
		json_object_set_new(jroot, "ok", json_boolean(!nerr));
		cmd_json_print(jroot);
	} else if (!quiet)
		printf("checked %zu advisor%s: %zu error%s, %zu warning%s\n",
		       files.n, files.n == 1 ? "y" : "ies", nerr, nerr == 1 ? "" : "s",
		       nwarn, nwarn == 1 ? "" : "s");
	status = oom ? EXIT_ENV : nerr ? EXIT_FAIL : EXIT_OK;
	(void)nbad;
	tlpress_diags_release(&all);
	tlpress_pathlist_release(&files);
	tlpress_config_release(&cfg);
	return status;
}
