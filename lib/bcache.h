/*
 * bcache.h - what the last build learnt of each advisory file, so that a
 * rebuild neither re-parses nor re-renders what did not change
 *
 * One SQLite file in the state folder (state/cache.sqlite, 0600), one row
 * per (tree, advisory file): the file's size, modification time and inode
 * when it was read (git's index does the same), what was decided
 * (id, verdict, the fields of the build report), until when that decision
 * holds (the next embargo end or downgrade of the advisory: a decision
 * made at T is reused only for T <= now < valid_until), and the files the
 * build wrote for it (path, size, SHA-256), with the metadata the index,
 * the feed and the CSAF listings need. A row is used only when the build's
 * fingerprint matches the one it was made with: the fingerprint covers the
 * tlpress version, the clearance, the signing key, the configuration file
 * and every template, so a change to any of them rebuilds everything.
 *
 * The file has 16 KiB pages, in which a row stays whole (bcache.c); one
 * with smaller pages is converted when opened, when no other process has
 * it open.
 *
 * Advisories with errors are never cached: their errors are reported on
 * every build. A cache that cannot be opened or written costs speed only:
 * the build goes on without it.
 */
#ifndef TLPRESS_BCACHE_H
#define TLPRESS_BCACHE_H

#include <stddef.h>

#include "error.h"
#include "hash.h"

#define TLPRESS_BCACHE_NAME "cache.sqlite"

struct tlpress_bcache; /* opaque */

struct tlpress_bcache_entry {
	char *path;                  /* the advisory file, as scanned */
	long long size, mtime_ns, ino;
	long long computed_at;       /* the build's clock when decided */
	long long valid_until;       /* the decision holds before this; LLONG_MAX: always */
	char *id, *slug;
	int verdict;                 /* enum tlpress_verdict */
	/* the build report (site.h) */
	int tlp, label, ncut, has_downgrade, downgrade_to;
	unsigned char cutsig[TLPRESS_SHA256_LEN];
	long long embargo, downgrade_at;  /* Unix times; embargo_valid says if set */
	int embargo_valid, embargo_off, downgrade_off;
	/* a published advisory: what the build wrote, and its metadata */
	char *outs;                  /* "sha256hex size path\n" per file, or NULL */
	int csaf;                    /* outs line of its CSAF document + 1, or 0 */
	unsigned char csaf_sha512[TLPRESS_SHA512_LEN];
	char *meta;                  /* its struct tlpress_pubmeta as text (meta_text()
					in site.c), or NULL */
};

void tlpress_bcache_entry_release(struct tlpress_bcache_entry *e);

/* Open the cache of the tree `tree` (an absolute path and clearance, say)
 * in state_dir, loading the rows made with this fingerprint. */
int tlpress_bcache_open(struct tlpress_bcache **c, const char *state_dir, const char *tree,
			const unsigned char fingerprint[TLPRESS_SHA256_LEN],
			struct tlpress_error *err);
/* The same, loading the rows of only these n paths (a rebuild of a few
 * files; a commit then deletes none of the others). */
int tlpress_bcache_open_only(struct tlpress_bcache **c, const char *state_dir,
			     const char *tree, const unsigned char fingerprint[TLPRESS_SHA256_LEN],
			     char *const *only, size_t n, struct tlpress_error *err);
void tlpress_bcache_close(struct tlpress_bcache *c);

/* How many rows it holds (made with this fingerprint). */
size_t tlpress_bcache_rows(const struct tlpress_bcache *c);

/* The row of path, or NULL. Borrowed: lives as long as c. */
const struct tlpress_bcache_entry *tlpress_bcache_find(const struct tlpress_bcache *c,
							const char *path);
/* The same for paths looked up mostly in order: *hint, 0 at first, keeps
 * the place of the last row found (strutil.h tlpress_search_near()). */
const struct tlpress_bcache_entry *tlpress_bcache_find_near(const struct tlpress_bcache *c,
							     const char *path, size_t *hint);

/*
 * Writing, one row at a time so that no build holds every row in memory:
 * tlpress_bcache_begin() opens a transaction; tlpress_bcache_put() writes a
 * new or changed row; tlpress_bcache_commit() deletes the tree's rows whose
 * path is not in live[0..nlive) (sorted with strcmp: files no longer
 * scanned or no longer cacheable) and commits; tlpress_bcache_rollback()
 * forgets it all (a build that failed).
 */
int tlpress_bcache_begin(struct tlpress_bcache *c, struct tlpress_error *err);
int tlpress_bcache_put(struct tlpress_bcache *c, const struct tlpress_bcache_entry *e,
		       struct tlpress_error *err);
int tlpress_bcache_commit(struct tlpress_bcache *c, char *const *live, size_t nlive,
			  struct tlpress_error *err);
void tlpress_bcache_rollback(struct tlpress_bcache *c);

/* The files and metadata of row e, taken from it (the row has them no
 * more): the caller may write into both strings, which stay until
 * tlpress_bcache_close() and are never freed by the caller. Rows are
 * independent: threads may take from different rows at once. */
void tlpress_bcache_take(struct tlpress_bcache *c, const struct tlpress_bcache_entry *e,
			char **outs, char **meta);

#endif
