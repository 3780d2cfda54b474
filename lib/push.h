/*
 * push.h - put a built tree on a publishing target, in the order that never
 * shows a reader a byte the tree no longer allows
 *
 * `tlpress publish` builds the tree (site.h), then pushes what differs
 * between the local manifest and the files the journal knows to be on the
 * target (journal.h). The plan is a pure function of those (no I/O), so
 * that the order can be tested exhaustively; running it is separate.
 *
 * The order of a plan (each phase sorted by path):
 *   1. restricted deletions: every file on the target of an advisory that
 *      is no longer published (re-labelled, re-embargoed, withdrawn,
 *      refused); every file of a published advisory whose new bytes differ
 *      and whose rendition now cuts something it did not cut when it was
 *      pushed (a section raised above the clearance); and, when any of
 *      that happened, every listing (index, feed, CSAF listings, manifest)
 *      that changes, because the old one names or summarises what went.
 *      These run first on every run, also when the build failed or the
 *      uploads fail;
 *   2. new and changed files of advisories, each followed by its hashes
 *      and signatures (bytewise path order puts F before F.asc);
 *   3. other new and changed files (style sheets, the public key);
 *   4. new and changed listings: index, feed, CSAF index files;
 *   5. the manifest, then its signature;
 *   6. every other file on the target that the tree no longer has.
 * A file whose upload was started and never confirmed (a run that died)
 * counts as changed, and its deletion also deletes its temporary name.
 */
#ifndef TLPRESS_PUSH_H
#define TLPRESS_PUSH_H

#include <stddef.h>

#include "error.h"
#include "hash.h"
#include "journal.h"
#include "manifest.h"
#include "tlp.h"

struct tlpress_transport;

enum tlpress_push_phase {
	TLPRESS_PUSH_DELETE_RESTRICTED = 1,
	TLPRESS_PUSH_PUT_ADVISORY,
	TLPRESS_PUSH_PUT_OTHER,
	TLPRESS_PUSH_PUT_LISTING,
	TLPRESS_PUSH_PUT_MANIFEST,
	TLPRESS_PUSH_DELETE_STALE
};

struct tlpress_push_step {
	enum tlpress_push_phase phase;
	char *path;
	unsigned long long size;            /* puts: the local file */
	unsigned char sha256[TLPRESS_SHA256_LEN];
	int tmp_too;                        /* deletes: its upload was never confirmed */
	const char *why;                    /* "withdrawn", "restricted", "lists withdrawn",
					       "new", "changed", "stale" (static) */
};

struct tlpress_push_plan {
	struct tlpress_push_step *v;
	size_t n, cap;
	size_t nput, ndelete, nrestricted;
	unsigned long long put_bytes;
};

#define TLPRESS_PUSH_PLAN_INIT { NULL, 0, 0, 0, 0, 0, 0 }

/* A published advisory as the build rendered it (slug order). */
struct tlpress_push_adv {
	char slug[64];
	enum tlpress_tlp label;
	int ncut;
	unsigned char cutsig[TLPRESS_SHA256_LEN];
};

/*
 * Plan the push. local: the local tree's manifest, with entries for the
 * manifest file and its signature added; remote: what the journal knows of
 * the target (mark = 1: unconfirmed). now[0..nnow): the advisories the tree
 * publishes, sorted by slug; was[0..nwas): as last pushed, sorted by slug
 * (journal). build_ok 0: the build failed; the plan holds phase 1 only.
 * 0 or TLPRESS_ENOMEM.
 */
int tlpress_push_plan(struct tlpress_manifest *local, struct tlpress_manifest *remote,
		      const struct tlpress_push_adv *now, size_t nnow,
		      const struct tlpress_jadv *was, size_t nwas, int build_ok,
		      struct tlpress_push_plan *plan);
void tlpress_push_plan_release(struct tlpress_push_plan *plan);

struct tlpress_push_opts {
	struct tlpress_transport *t;
	struct tlpress_journal *j;
	const char *target;                 /* the journal's key: the target URL */
	const char *root;                   /* the local tree */
	int retries;                        /* more tries of a request after a
					       failure that may pass (0: none) */
	long backoff_ms;                    /* wait before the first retry; doubles */
	/* after each step (ok 0: it failed, err says why); may be NULL */
	void (*step_done)(void *ctx, const struct tlpress_push_step *s, int ok,
			  const struct tlpress_error *err);
	/* progress: steps done of all, bytes uploaded; may be NULL */
	void (*progress)(void *ctx, size_t done, size_t total, unsigned long long bytes);
	void *ctx;
};

struct tlpress_push_stats {
	size_t put, deleted;
	unsigned long long bytes;
	size_t done;                        /* steps carried out */
	int retryable;                      /* the failure may pass: try again later */
};

/*
 * Carry out the plan in order, journalling every step (uploads as pending
 * before they start), retrying a request that failed in a way that may pass
 * (o->retries times, waiting o->backoff_ms, then twice that, ...). Stops at
 * the first step that still fails: returns its error (naming the file and
 * the server's answer), with st->retryable set when trying again later may
 * help. A local file whose bytes are no longer those of the manifest is
 * TLPRESS_EIO (the tree changed under the run).
 */
int tlpress_push_run(const struct tlpress_push_opts *o, const struct tlpress_push_plan *plan,
		     struct tlpress_push_stats *st, struct tlpress_error *err);

/* The target's manifest.txt into m (empty when it has none), with the
 * manifest and its signature as entries (the signature's bytes unknown:
 * mark = 1). A manifest of another clearance than TLP:CLEAR is
 * TLPRESS_EPOLICY: the public site is never pushed over another tree. */
int tlpress_push_fetch_manifest(struct tlpress_transport *t, struct tlpress_manifest *m,
				struct tlpress_error *err);

/*
 * Learn what a target holds when the journal has never seen it (a new
 * state folder, a new server): fetch its manifest.txt and record its files
 * as present (the manifest and its signature too, with bytes unknown); a
 * target without one is recorded as empty. 0 or an error.
 */
int tlpress_push_seed(struct tlpress_transport *t, struct tlpress_journal *j, const char *target,
		      struct tlpress_error *err);

#endif
