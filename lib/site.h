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
#include "policy.h"
#include "tlp.h"

struct tlpress_signer;

/*
 * What a build decided about one advisory file, for `tlpress publish` (which
 * pushes the tree to a server and must know what left it, and why) and
 * `tlpress status`.
 */
struct tlpress_build_entry {
	const char *path;            /* the advisory file */
	const char *id, *slug;       /* NULL / "" when it has no valid id */
	enum tlpress_verdict verdict; /* TLPRESS_PUBLISH: it is in the tree */
	int rendered;                /* pass 2 rendered it: label and cuts are set */
	enum tlpress_tlp label;      /* the label of its rendition */
	int ncut;                    /* blocks cut from the rendition */
	unsigned char cutsig[32];    /* rendition.h tlpress_cut_digest() */
	struct tlpress_time embargo; /* .valid == 0: none */
	int has_downgrade;
	struct tlpress_time downgrade_at;
	enum tlpress_tlp downgrade_to;
	enum tlpress_tlp tlp;        /* the `tlp` key (before any downgrade) */
};

typedef void (*tlpress_build_report_fn)(void *ctx, const struct tlpress_build_entry *e);

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
	const char *state;           /* the state folder for the build cache
					(bcache.h), or NULL to build without */
	tlpress_build_report_fn report; /* or NULL: called once per advisory
					   file, in id order, when the build
					   ends (also when it failed: then
					   `rendered` may be 0) */
	void *report_ctx;
	int full;                    /* 1: no snapshot (snapshot.h): every file
					of the tree is looked at */
	int in_place;                /* 1: write the folder file by file (a
					private scratch copy); 0: staged
					(fsutil.h): the folder is at every
					moment a whole version */
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
	int in_place;                /* a staged build wrote the folder in place,
					as the stage beside it could not be
					made: why (an errno), or 0 */
	size_t signatures;           /* signatures made */
	size_t cached;               /* advisories taken from the build cache,
					neither parsed nor rendered */
	char no_cache[TLPRESS_ERRMSG_SIZE]; /* why the state folder's build cache could
					not be used (every advisory was read and
					rendered), or "" */
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

/* The slug of the advisory a file of the tree belongs to
 * (advisories/ccb-2026-0042.html -> "ccb-2026-0042"), into slug; 0, or -1
 * for a file that is not an advisory's (index, feeds, CSAF listings, style
 * sheets, keys). */
int tlpress_site_advisory_slug(const char *path, char *slug, size_t size);

/* 1 for the files that list advisories: the index, the feed, and the CSAF
 * provider's index.txt, changes.csv, ROLIE feeds and metadata, with their
 * signatures; also the manifest and its signature. */
int tlpress_site_listing_file(const char *path);

#endif
