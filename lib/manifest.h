/*
 * manifest.h - the list of every file in a published tree, with its size
 * and SHA-256
 *
 * The manifest lets a build write only what changed (and say how many
 * files), lets signing sign only those, lets upload push only those, and
 * lets a subscriber check a whole tree at once. In the tree it is the file
 * `manifest.txt`:
 *
 *     # tlpress manifest 1
 *     # clearance: TLP:CLEAR
 *     # signer: <fingerprint of the key that signed the files>
 *     <sha256 hex> <size> <path>
 *
 * one line per file, sorted by path (bytewise).
 */
#ifndef TLPRESS_MANIFEST_H
#define TLPRESS_MANIFEST_H

#include <stddef.h>

#include "bigmem.h"
#include "buf.h"
#include "error.h"
#include "hash.h"

#define TLPRESS_MANIFEST_NAME "manifest.txt"

struct tlpress_mentry {
	char *path;
	unsigned long long size;
	unsigned char sha256[TLPRESS_SHA256_LEN];
	int mark;                   /* free for the caller (e.g. "seen") */
};

struct tlpress_manifest {
	struct tlpress_mentry *v;
	size_t n, cap;
	int sorted;
	char clearance[24];         /* "TLP:CLEAR", or "" when unknown */
	char signer[48];            /* fingerprint, or "" for an unsigned tree */
	size_t maplen;              /* v's mapping (bigmem.h) */
	struct tlpress_strpool paths; /* the entries' paths */
};

#define TLPRESS_MANIFEST_INIT { NULL, 0, 0, 1, "", "" }

/* Read a manifest from path; a missing file gives an empty manifest.
 * A malformed line is TLPRESS_EINVAL naming the line. */
int tlpress_manifest_load(struct tlpress_manifest *m, const char *path,
			  struct tlpress_error *err);
/* The manifest of the tree in root (root/manifest.txt), with entries for
 * the manifest file itself and its signature when they exist: every file
 * the tree publishes. */
int tlpress_manifest_load_tree(struct tlpress_manifest *m, const char *root,
			       struct tlpress_error *err);
/* Parse manifest text. */
int tlpress_manifest_parse(struct tlpress_manifest *m, const char *text, size_t len,
			   const char *name, struct tlpress_error *err);
/* Add an entry (the path is copied); replaces one with the same path once
 * sorted. */
int tlpress_manifest_add(struct tlpress_manifest *m, const char *path,
			 unsigned long long size, const unsigned char sha256[TLPRESS_SHA256_LEN]);
/*
 * The paths at which the manifest file `path` and m differ (in one and not
 * the other, or with another size or SHA-256), each handed to fn in order,
 * and the file's clearance (its "# clearance:" line, or "") into
 * clearance. The file is read in place, line by line, and no manifest is
 * made of it: a rebuild compares two of 34,000 lines at 10,000 advisories.
 * 0; -1 when the file cannot be read, a line is malformed, the paths are
 * not in order (not a manifest tlpress wrote), or fn returned non-zero.
 */
int tlpress_manifest_diff_file(const char *path, struct tlpress_manifest *m,
			       char clearance[24], int (*fn)(void *ctx, const char *path),
			       void *ctx);
/* The values of the "# clearance:" and "# signer:" lines at the head of
 * manifest text ("" for one it does not have). */
void tlpress_manifest_heading(const char *s, size_t len, char clearance[24], char signer[48]);
/* The same as tlpress_manifest_diff_file() for two manifest texts (a and
 * b, of lengths alen and blen), in place, neither made into a manifest;
 * -1 also when either's paths are not in order. */
int tlpress_manifest_diff_text(const char *a, size_t alen, const char *b, size_t blen,
			       int (*fn)(void *ctx, const char *path), void *ctx);
/*
 * Manifest text (len bytes) with the lines of m's paths (sorted first)
 * made m's, appended to out; every other line, comments included, as it
 * was. With out NULL, only checked that each line of m's paths is m's
 * already. 0; -1 when a path of m has no line in text (a line with an
 * unreadable path counts as none), or in the check another; TLPRESS_ENOMEM.
 * A rebuild of a few files changes 5 of the 34,000 lines of 10,000
 * advisories: the rest is copied, not made again.
 */
int tlpress_manifest_patch(const char *text, size_t len, struct tlpress_manifest *m,
			   struct tlpress_buf *out);
/* Sort by path and drop earlier duplicates (the last added wins). */
void tlpress_manifest_sort(struct tlpress_manifest *m);
/* The entry for path, or NULL (sorts first when needed). */
struct tlpress_mentry *tlpress_manifest_find(struct tlpress_manifest *m, const char *path);
/* The same for paths looked up mostly in order: *hint, 0 at first, keeps
 * the place of the last one found (strutil.h tlpress_search_near()). */
struct tlpress_mentry *tlpress_manifest_find_near(struct tlpress_manifest *m, const char *path,
						 size_t *hint);
/* a and b side by side, both sorted first: fn(ctx, x, y) once for each path
 * either has, x its entry in a or NULL, y in b or NULL, in path order (the
 * difference of two versions of a tree in one pass, not a search for each
 * path). Stops at the first fn that returns non-zero, and returns that. */
int tlpress_manifest_walk(struct tlpress_manifest *a, struct tlpress_manifest *b,
			  int (*fn)(void *ctx, struct tlpress_mentry *x, struct tlpress_mentry *y),
			  void *ctx);
/* The manifest as text, appended to out (sorts first). */
int tlpress_manifest_format(struct tlpress_manifest *m, struct tlpress_buf *out);
void tlpress_manifest_release(struct tlpress_manifest *m);

#endif
