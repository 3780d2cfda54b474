/*
 * site.h - build a published tree: pages, index and feed, as cleared for
 * one clearance
 *
 * The order of the work keeps the live folder consistent for a reader:
 *  1. every advisory's front matter is read to decide what is publishable
 *     now (policy.h); nothing else about an advisory that is not leaves a
 *     trace;
 *  2. files of advisories that are no longer publishable are removed;
 *  3. each publishable advisory is parsed, cut to the clearance, rendered,
 *     and written (whole files: temporary name, then rename) when its bytes
 *     changed;
 *  4. then the index and the feed;
 *  5. then the manifest (after the data is on disk) and its signature;
 *  6. then every other file the last manifest listed and this build did
 *     not produce is removed.
 * A build that fails half-way leaves whole files only (old or new), and
 * never a byte that is no longer publishable; the next build completes it.
 */
#ifndef TLPRESS_SITE_H
#define TLPRESS_SITE_H

#include <stddef.h>

#include "config.h"
#include "error.h"
#include "timefmt.h"
#include "tlp.h"

struct tlpress_signer;

struct tlpress_build_opts {
	const struct tlpress_config *cfg;
	const char *output;          /* the tree's folder */
	enum tlpress_tlp clearance;  /* CLEAR (public site) or GREEN (portal) */
	struct tlpress_time now;     /* the clock, or TLPRESS_NOW */
	char *const *paths;          /* advisory files and folders; when
					npaths is 0, cfg->advisories */
	size_t npaths;
	int jobs;                    /* worker threads (1 or more) */
	struct tlpress_signer *signer; /* opened with `jobs` contexts, or NULL
					  for an unsigned tree */
	const char *signer_fpr;      /* its fingerprint */
};

struct tlpress_build_stats {
	size_t files;                /* advisory files read */
	size_t published;            /* advisories in the tree */
	size_t invalid;              /* not published: errors */
	size_t drafts;               /* not published: drafts */
	size_t embargoed;            /* not published: under embargo */
	size_t above;                /* not published: labelled above the clearance */
	size_t written;              /* files of the tree written (changed) */
	size_t unchanged;            /* files whose bytes were already there */
	size_t removed;              /* files removed */
	size_t signatures;           /* signatures made */
};

/*
 * Build the tree. Problems with single advisories go to diags and leave
 * them out (counted in stats->invalid); returns 0 then. A problem that
 * stops the build (templates, the output folder, a write) returns a
 * negative code with err set; TLPRESS_EPOLICY when the clearance may not be
 * built into a tree, or the folder holds a tree of another clearance.
 */
int tlpress_build(const struct tlpress_build_opts *opts, struct tlpress_build_stats *stats,
		  struct tlpress_diags *diags, struct tlpress_error *err);

#endif
