/*
 * fsutil.h - files written whole or not at all, inside a root folder
 *
 * Every file tlpress publishes is written under a temporary name in its
 * final folder and renamed into place, so that a reader of the live folder
 * (a web server, an rsync) only ever sees whole files: the old version or
 * the new one. Paths are relative to a root and may not leave it: `..`,
 * absolute paths and symbolic links on the way are refused.
 *
 * Test hook: when TLPRESS_FAULT_WRITES=N is set in the environment, every
 * write after the N-th fails with EIO, to prove that a build that fails
 * half-way leaves only whole files behind.
 */
#ifndef TLPRESS_FSUTIL_H
#define TLPRESS_FSUTIL_H

#include <limits.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/stat.h>

#include "buf.h"

#include "error.h"

/*
 * A test hook's fault (TLPRESS_FAULT_WRITES here, TLPRESS_FAULT_CACHE in
 * bcache.c): the environment variable `env` names how many calls succeed;
 * tlpress_fault() is 1 for every call after those (never when it is unset
 * or empty). Safe from any thread. Defined with TLPRESS_FAULT_INIT(env).
 */
struct tlpress_fault {
	const char *env;
	atomic_long after;           /* LONG_MIN: not read yet; < 0: no fault */
	atomic_long calls;
};
#define TLPRESS_FAULT_INIT(env) { (env), LONG_MIN, 0 }
int tlpress_fault(struct tlpress_fault *f);

/* 0 when rel is a clean relative path (no "..", no leading '/', no empty
 * or "." components, no control characters or backslashes). */
int tlpress_path_check(const char *rel);

/* Create root (and its parents) when missing. Refuses a root that is a
 * symbolic link. */
int tlpress_mkroot(const char *root, struct tlpress_error *err);

/* Write data to root/rel atomically (temporary file, then rename), creating
 * the folders on the way (refusing symbolic links among them). Mode 0644. */
int tlpress_write_atomic(const char *root, const char *rel, const void *data,
			 size_t len, struct tlpress_error *err);

/*
 * An output tree held open for a build: its folders are opened once (never
 * through a symbolic link, made when missing) and kept open, so that the
 * thousands of files of a build cost no path walk each. Safe to use from
 * several threads at once.
 */
struct tlpress_tree;

int tlpress_tree_open(struct tlpress_tree **t, const char *root, struct tlpress_error *err);
void tlpress_tree_close(struct tlpress_tree *t);

/*
 * A staged tree: a build that changes root makes the new version in
 * `stage` (a folder beside root, on the same file system) and puts it in
 * root's place in one step, so that root is at every moment a whole
 * version, the last one or the new one, whatever happens to the build.
 * Before its first change (tlpress_tree_begin(), which the first write or
 * removal calls) the tree reads root; the change first makes stage hold
 * what root holds by hard links (the cost of reading both folders and of
 * the files the last build changed: files are only ever replaced by
 * rename, so a link is never written through), and from then on every
 * read and write goes to stage. tlpress_tree_commit() exchanges the two
 * folders (renameat2 RENAME_EXCHANGE): stage then holds the last version,
 * the base of the next build. Where stage cannot be had (a parent folder
 * not ours to write in, root a mount point), the tree is written in place,
 * file by file, as an unstaged tree is.
 */
int tlpress_tree_open_staged(struct tlpress_tree **t, const char *root, const char *stage,
			     struct tlpress_error *err);
int tlpress_tree_begin(struct tlpress_tree *t, struct tlpress_error *err);
/*
 * The stage differs from the live tree at most at these files (paths[0..n),
 * relative; from the two versions' manifests, say): tlpress_tree_begin()
 * then brings only these over, not every folder read and compared. Taken
 * only when no build was cut short in the stage since it was the live tree
 * (a mark each build leaves in the stage until its commit); else, or when
 * one of them is not a plain file on either side, the whole stage is synced
 * as always. Before tlpress_tree_begin(); the paths are copied. 0, or -1
 * when out of memory (nothing set).
 */
int tlpress_tree_stage_delta(struct tlpress_tree *t, char *const *paths, size_t n);
/* The folder written to now: root, or stage once a staged tree began. */
const char *tlpress_tree_root(const struct tlpress_tree *t);
/* 1 when the changes go to stage (tlpress_tree_commit() then swaps). */
int tlpress_tree_staged(const struct tlpress_tree *t);
/* Why a staged tree is written in place (an errno), or 0. */
int tlpress_tree_inplace(const struct tlpress_tree *t);
/* Put stage in root's place (nothing when not staged); the tree's root is
 * then the live folder again. */
int tlpress_tree_commit(struct tlpress_tree *t, struct tlpress_error *err);
/* tlpress_write_atomic() into the tree. `fresh`: the file is probably not
 * there yet (it is then made as an unnamed file and linked into place
 * whole, where the system can: cheaper than a named temporary file and a
 * rename); a file that is there is replaced by rename all the same. */
int tlpress_tree_write(struct tlpress_tree *t, const char *rel, const void *data, size_t len,
		       int fresh, struct tlpress_error *err);

/* Remove root/rel (gone already is not an error). Its folder stays, even
 * when empty, as other threads may be writing into it: tlpress_remove()
 * of the same path after the build's writes removes the empty folders. */
int tlpress_tree_remove(struct tlpress_tree *t, const char *rel, struct tlpress_error *err);

/* lstat() of root/rel; -1 when it cannot be had. */
int tlpress_tree_stat(struct tlpress_tree *t, const char *rel, struct stat *st);

/* Remove root/rel, and then its folders up to root while they are empty.
 * A file that is already gone is not an error (its empty folders go all
 * the same). */
int tlpress_remove(const char *root, const char *rel, struct tlpress_error *err);

/* Read a whole file (at most `limit` bytes; more is TLPRESS_ELIMIT) into
 * out. A missing file is TLPRESS_EIO with errno ENOENT kept in *errnum
 * when errnum is not NULL. */
int tlpress_read_file(const char *path, size_t limit, struct tlpress_buf *out,
		      int *errnum, struct tlpress_error *err);

/* A whole regular file mapped read-only (at most `limit` bytes; more is
 * TLPRESS_ELIMIT), for reading megabytes without copying them: *data and
 * *len, to give back to tlpress_unmap_file(). An empty file is *data ""
 * and *len 0. Errors as tlpress_read_file()'s. Only for files replaced by
 * rename, never written in place (the manifest): a file cut short while
 * mapped would kill the process. */
int tlpress_map_file(const char *path, size_t limit, const char **data, size_t *len,
		     int *errnum, struct tlpress_error *err);
void tlpress_unmap_file(const char *data, size_t len);

/* Hard-link src_root/rel to dst_root/rel, creating dst's folders (for a
 * scratch copy of a tree that a build may change without touching the
 * original: the build replaces files by rename, never in place). A missing
 * source is not an error. */
int tlpress_link_copy(const char *src_root, const char *dst_root, const char *rel,
		      struct tlpress_error *err);

/* Remove the folder dir and everything in it, not following symbolic
 * links. 0, or -1 with errno set. */
int tlpress_remove_tree(const char *dir);

/*
 * A file that holds passwords (a netrc file): refused, naming `shown` and
 * the chmod that fixes it, when it is not a regular file, when group or
 * others may read or change it, when it belongs to another user, or when
 * it cannot be read. A missing file is 0 when !required. TLPRESS_EUSAGE.
 */
int tlpress_secret_file_check(const char *path, const char *shown, int required,
			      struct tlpress_error *err);

/*
 * The state folder dir (the journal, the build cache, the lock, the id
 * counters): made with mode 0700 when missing and `create`; refused when
 * it is a symbolic link or not a folder (nothing is written through it to
 * wherever it points), or when group or others may write to it; made 0700
 * when group or others may only read or enter it (refused when it cannot
 * be). TLPRESS_EUSAGE for what the operator must fix, TLPRESS_EIO else.
 */
int tlpress_state_dir(const char *dir, int create, struct tlpress_error *err);

/* A file of the state folder (it may name restricted advisories): path
 * written whole with mode 0600, never through a symbolic link (temporary
 * file, fsync, rename, fsync of its folder). */
int tlpress_write_private(const char *path, const void *data, size_t len,
			  struct tlpress_error *err);
/* Flush the file system that holds root to disk (syncfs). */
int tlpress_sync(const char *root, struct tlpress_error *err);

/*
 * A thread that flushes root's file system (syncfs) every pause_ms
 * milliseconds while a build writes, so that the disk works while the
 * workers render and the tlpress_sync() that ends the build waits for
 * the last files alone. It changes what reaches the disk when, never
 * what a build guarantees: that sync still comes before the manifest.
 * NULL when it cannot start (the build is then only slower). Stop
 * waits for a flush under way, not for the pause, frees it and returns
 * how many flushes it made; stop(NULL) does nothing and returns 0.
 */
struct tlpress_flusher;
/* A build's pause: each flush is a list of inodes the kernel walks, so
 * not back to back, but often enough that writeback keeps up with the
 * workers. On a 2-core VM, a build of 10,000 advisories (34,000 files)
 * then waited 15-25 ms for its closing sync instead of 0.5-0.6 s, and
 * took 4-20 % less time in all: the writeback competes with the workers
 * for the cores. 200 ms did as well as 50. */
#define TLPRESS_FLUSH_PAUSE_MS 50
struct tlpress_flusher *tlpress_flusher_start(const char *root, unsigned pause_ms);
unsigned tlpress_flusher_stop(struct tlpress_flusher *f);

/*
 * A thread that reads ahead the files a build is about to read, when they
 * are not in memory: path(ctx, i) for i from *next (the index the workers
 * take files at) to n. While the files are in memory it only looks at
 * every 16th (a read that must not wait, RWF_NOWAIT): a warm build pays
 * some 2,000 system calls at 10,000. Once one is not, it looks at every
 * file from there (and the 16 before), asking the kernel for those not
 * in memory (POSIX_FADV_WILLNEED), which reads them while the workers
 * parse: their reads, one at a time each, no longer wait on the disk in
 * turn; after 32 in memory in a row, it looks at every 16th again.
 * Nothing it does is an error: a file it cannot open is the worker's to
 * report. NULL when it cannot start. Stop joins it and returns how many
 * files it asked for (0 for a warm build).
 */
struct tlpress_prefetch;
struct tlpress_prefetch *tlpress_prefetch_start(const char *(*path)(void *ctx, size_t i),
						 void *ctx, size_t n, atomic_size_t *next);
size_t tlpress_prefetch_stop(struct tlpress_prefetch *p);

/* root/rel into out (out is reset first). */
void tlpress_path_join(struct tlpress_buf *out, const char *root, const char *rel);

#endif
