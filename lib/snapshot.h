/*
 * snapshot.h - "nothing changed since the last build", proved cheaply
 *
 * A build that changes nothing should cost little more than looking at its
 * inputs. After a build that wrote a whole tree without an error, a
 * snapshot in the state folder records:
 *   - a digest of every input: the build's fingerprint (tlpress's version,
 *     the clearance, the signing key, the configuration and the templates)
 *     and the path, size, modification time and inode of every advisory
 *     file, as they were when the build began;
 *   - the moments between which its decisions hold (from the build's
 *     clock to the next embargo or downgrade of any advisory);
 *   - the inode and modification time of every folder of the tree and of
 *     its manifest, as the build left them (a file added, removed or
 *     renamed in the tree changes its folder's);
 *   - the build's counts, to report them again;
 *   - for a rebuild of a few changed files (site.c, quick()): the
 *     fingerprint, a digest of the files' names, each file's size, time
 *     and inode in scan order (binary records after the text), the ids of
 *     the feed's entries, and until when every decision holds apart from
 *     racily clean files (`racy`: those changed in that second or later
 *     are read again).
 * The next build computes the digest (one stat per advisory file); when it
 * is the same, the clock is within the moments and every stamp holds, the
 * tree is what that build would make again, and it ends there. Anything
 * else, and the build runs as usual (and removes the snapshot first, so
 * that a build killed half-way leaves none). A build whose inputs were
 * changed too recently to be trusted by their times (racily clean) saves
 * one that holds at no moment (until == from): its stamps alone still say
 * that the tree is as that build left it (tlpress_snapshot_tree_holds()).
 */
#ifndef TLPRESS_SNAPSHOT_H
#define TLPRESS_SNAPSHOT_H
#include <stddef.h>
#include "error.h"
#include "hash.h"
#include "scan.h"

struct tlpress_snapshot_stamp {
	char *rel;                   /* "." for the tree's folder itself */
	long long ino, mtime_ns, size;
};

struct tlpress_snapshot {
	unsigned char digest[TLPRESS_SHA256_LEN];
	long long from, until;       /* it holds for from <= now < until */
	size_t files, published, drafts, embargoed, above, unchanged;
	struct tlpress_snapshot_stamp *v;
	size_t n, cap;
	/* for a rebuild of a few changed files (site.c, quick()), which
	 * needs to know which: */
	unsigned char fp[TLPRESS_SHA256_LEN];    /* the build's fingerprint */
	unsigned char names[TLPRESS_SHA256_LEN]; /* tlpress_snapshot_names() of its files */
	long long decided;           /* every advisory's decision holds before this */
	long long racy;              /* a file last changed in this second or later
					may have changed again unseen (git's
					"racily clean"): read again */
	const struct tlpress_snapshot_fstat *fs; /* to save: each file's lstat, in
					the scan's order (the caller's) */
	size_t nfs;                  /* how many files (saved, or loaded) */
	const unsigned char *raw;    /* loaded: theirs (tlpress_snapshot_file()) */
	const char *map;             /* the file, mapped (maplen bytes) */
	size_t maplen;
	char **feed;                 /* the ids of the feed's entries */
	size_t nfeed;
};

#define TLPRESS_SNAPSHOT_INIT { { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0 }

/* What the digest took of one file, for the build to use rather than
 * stat it again. */
struct tlpress_snapshot_fstat {
	long long size, mtime_ns, ino;
	int ok;                      /* 0: it could not be stat'ed */
};

/* The digest of a build's inputs: fp (the build's fingerprint), the tree's
 * name and every file of `files` with its lstat() (a file that cannot be
 * stat'ed counts as such), the lstat calls on up to `jobs` threads when
 * there are thousands; each file's lstat into fstat[i] when fstat is not
 * NULL (files->n entries). */
void tlpress_snapshot_digest(const unsigned char fp[TLPRESS_SHA256_LEN], const char *tree,
			     const struct tlpress_pathlist *files, int jobs,
			     unsigned char out[TLPRESS_SHA256_LEN],
			     struct tlpress_snapshot_fstat *fstat);
/* The digest of the names of n files (paths[i * stride] for i < n, in
 * that order): the list of files alone, not what they hold. */
void tlpress_snapshot_names(const char *const *paths, size_t n, size_t stride,
			    unsigned char out[TLPRESS_SHA256_LEN]);
/* File i of a loaded snapshot (i < nfs), as the build that saved it
 * stat'ed it. */
void tlpress_snapshot_file(const struct tlpress_snapshot *s, size_t i,
			   struct tlpress_snapshot_fstat *out);
/* Add an id to the feed's; 0, or -1 when out of memory. */
int tlpress_snapshot_feed_add(struct tlpress_snapshot *s, const char *id);
/* Record root/rel's inode, modification time and size. 0, or -1 when it
 * cannot be stat'ed. */
int tlpress_snapshot_stamp(struct tlpress_snapshot *s, const char *root, const char *rel);
/* 1 when s was taken of the same inputs (digest), holds at `now`, and
 * every stamp is still that of root's files; else 0. */
int tlpress_snapshot_holds(const struct tlpress_snapshot *s, const char *root,
			   const unsigned char digest[TLPRESS_SHA256_LEN], long long now);
/* 1 when every stamp of s is still that of root's files: the tree is as
 * the build that took s left it (but for files edited in place). */
int tlpress_snapshot_tree_holds(const struct tlpress_snapshot *s, const char *root);
/* Read a snapshot; a missing or malformed file is -1 (no snapshot). */
int tlpress_snapshot_load(struct tlpress_snapshot *s, const char *path);
/* Write it (mode 0600, whole or not at all). */
int tlpress_snapshot_save(const struct tlpress_snapshot *s, const char *path,
			  struct tlpress_error *err);
void tlpress_snapshot_release(struct tlpress_snapshot *s);
#endif
