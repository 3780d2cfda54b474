/* test_fsutil.c - staged trees: the live folder is a whole version at every
 * moment, and a link is never written through */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"

#include "harness.h"

static char top[PATH_MAX];

static void put(const char *dir, const char *rel, const char *text)
{
	struct tlpress_error err = TLPRESS_ERROR_INIT;

	if (tlpress_mkroot(dir, &err) || tlpress_write_atomic(dir, rel, text, strlen(text), &err))
		DIAG("setup: %s", err.msg);
}

/* The text of dir/rel, or "" when it cannot be read (static buffer). */
static const char *text(const char *dir, const char *rel)
{
	static char out[256];
	struct tlpress_buf p = TLPRESS_BUF_INIT;
	FILE *f;
	size_t n = 0;

	tlpress_path_join(&p, dir, rel);
	f = fopen(p.ptr, "r");
	if (f) {
		n = fread(out, 1, sizeof(out) - 1, f);
		fclose(f);
	}
	out[n] = '\0';
	tlpress_buf_release(&p);
	return out;
}

static ino_t ino(const char *dir, const char *rel)
{
	struct tlpress_buf p = TLPRESS_BUF_INIT;
	struct stat st;
	ino_t i = 0;

	tlpress_path_join(&p, dir, rel);
	if (lstat(p.ptr, &st) == 0)
		i = st.st_ino;
	tlpress_buf_release(&p);
	return i;
}

/* The live folder NAME under top and its stage beside it */
#define TREE_PAIR(name) \
	do { \
		snprintf(live, sizeof(live), "%s/" name, top); \
		snprintf(stage, sizeof(stage), "%s/." name ".tlpress-stage", top); \
	} while (0)

static int exists(const char *dir, const char *rel)
{
	return ino(dir, rel) != 0;
}

/* tlpress_map_file(): a file's bytes, an empty one, a missing one, one
 * over the limit, a folder */
static void map_file(const char *dir)
{
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	char path[PATH_MAX + 32];
	const char *data;
	size_t len;
	int errnum;

	put(dir, "m.txt", "two\nlines\n");
	put(dir, "empty.txt", "");
	snprintf(path, sizeof(path), "%s/m.txt", dir);
	OK(tlpress_map_file(path, 100, &data, &len, &errnum, &err) == 0 && len == 10 &&
	   !memcmp(data, "two\nlines\n", 10) && errnum == 0, "a file mapped whole");
	tlpress_unmap_file(data, len);
	OK(tlpress_map_file(path, 9, &data, &len, NULL, &err) == TLPRESS_ELIMIT && len == 0 &&
	   strstr(err.msg, "m.txt"), "a file over the limit is refused: %s", err.msg);
	snprintf(path, sizeof(path), "%s/empty.txt", dir);
	OK(tlpress_map_file(path, 100, &data, &len, NULL, &err) == 0 && len == 0 && !*data,
	   "an empty file is empty");
	tlpress_unmap_file(data, len);
	snprintf(path, sizeof(path), "%s/missing.txt", dir);
	OK(tlpress_map_file(path, 100, &data, &len, &errnum, &err) == TLPRESS_EIO &&
	   errnum == ENOENT && len == 0, "a missing file is ENOENT");
	OK(tlpress_map_file(dir, 100, &data, &len, &errnum, &err) == TLPRESS_EIO &&
	   errnum == EINVAL, "a folder is not mapped");
}

/* A stage holding the live tree's names, made in the other order (on ext4
 * both folders still list them alike, elsewhere perhaps not): the files
 * that differ are linked anew, a folder where a file is replaced, the
 * same file kept; and a link to a folder is refused all the same. */
static void same_names(void)
{
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_tree *t;
	char live[PATH_MAX + 16], stage[PATH_MAX + 32], name[32];
	char from[PATH_MAX + 64], to[PATH_MAX + 64];
	int i, same = 1;

	TREE_PAIR("names");
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "a/f%02d.html", i);
		put(live, name, "live");
	}
	put(live, "sub/x.html", "x");
	put(live, "kind", "a file");
	put(stage, "kind/y.html", "a folder where the live tree has a file");
	put(stage, "sub/x.html", "another x");
	for (i = 39; i >= 0; i--) {
		snprintf(name, sizeof(name), "a/f%02d.html", i);
		if (i % 2) {
			put(stage, name, "stale");
			continue;
		}
		snprintf(from, sizeof(from), "%s/%s", live, name);
		snprintf(to, sizeof(to), "%s/%s", stage, name);
		if (link(from, to) < 0)
			DIAG("setup: link: %s", strerror(errno));
	}
	OK(tlpress_tree_open_staged(&t, live, stage, &err) == 0 &&
	   tlpress_tree_write(t, "a/f00.html", "new", 3, 0, &err) == 0 &&
	   tlpress_tree_staged(t), "a stage with the same names is used");
	for (i = 1; i < 40; i++) {
		snprintf(name, sizeof(name), "a/f%02d.html", i);
		same &= ino(stage, name) == ino(live, name);
	}
	OK(same, "it holds the live files, linked anew or kept");
	OK(ino(stage, "sub/x.html") == ino(live, "sub/x.html") &&
	   ino(stage, "kind") == ino(live, "kind") && !exists(stage, "kind/y.html"),
	   "in its folders too, and a folder where a file is is replaced");
	OK(tlpress_tree_commit(t, &err) == 0, "and committed");
	tlpress_tree_close(t);

	snprintf(from, sizeof(from), "%s/lnk", live);
	snprintf(to, sizeof(to), "%s/lnk", stage);
	if (symlink(top, from) == 0 && symlink(top, to) == 0) {
		OK(tlpress_tree_open_staged(&t, live, stage, &err) == 0 &&
		   tlpress_tree_write(t, "a/f01.html", "new", 3, 0, &err) != 0 &&
		   strstr(err.msg, "/lnk'"), "a link to a folder in both is refused: %s", err.msg);
		tlpress_tree_close(t);
	}
	unlink(from);
	unlink(to);
}

/* tlpress_tree_stage_delta(): the stage synced at the files named alone,
 * unless the mark of a build cut short is in it */
static void delta(void)
{
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_tree *t;
	char live[PATH_MAX + 16], stage[PATH_MAX + 32], mark[PATH_MAX + 64];
	char *d[] = { "a/changed.html", "gone/old.html", "new/dir/x.html", "nowhere.html" };

	TREE_PAIR("delta");
	/* the stage: the version before; the live tree: one file changed, one
	 * gone with its folder, one new in a new folder */
	put(stage, "a/changed.html", "before");
	put(stage, "a/same.html", "same");
	put(stage, "gone/old.html", "old");
	put(live, "a/changed.html", "after");
	put(live, "new/dir/x.html", "x");
	{
		char from[PATH_MAX + 64], to[PATH_MAX + 64];

		snprintf(from, sizeof(from), "%s/a/same.html", stage);
		snprintf(to, sizeof(to), "%s/a/same.html", live);
		if (link(from, to) < 0)
			DIAG("setup: link: %s", strerror(errno));
	}
	put(stage, "a/unnamed.html", "not in the delta"); /* what only a whole sync removes */
	OK(tlpress_tree_open_staged(&t, live, stage, &err) == 0 &&
	   tlpress_tree_stage_delta(t, d, 4) == 0 &&
	   tlpress_tree_write(t, "a/written.html", "w", 1, 1, &err) == 0, "a delta, then a write");
	OK(ino(stage, "a/changed.html") == ino(live, "a/changed.html") &&
	   ino(stage, "new/dir/x.html") == ino(live, "new/dir/x.html"),
	   "the stage has the live tree's changed and new files, in new folders");
	OK(!exists(stage, "gone/old.html") && !exists(stage, "gone"),
	   "the file gone is gone, and its folder the live tree has no more");
	OK(ino(stage, "a/same.html") == ino(live, "a/same.html") && exists(stage, "a/unnamed.html"),
	   "and nothing else was looked at");
	snprintf(mark, sizeof(mark), "%s/.tlpress-building", stage);
	OK(access(mark, F_OK) == 0, "the stage has the mark while the build runs");
	OK(tlpress_tree_commit(t, &err) == 0 && access(mark, F_OK) < 0 &&
	   !exists(live, ".tlpress-building"), "the commit takes it away first");
	tlpress_tree_close(t);

	/* live and stage exchanged: a build cut short leaves the mark; the
	 * next one syncs the stage whole, whatever delta it is given */
	put(stage, "a/cut.html", "cut sho");
	put(stage, ".tlpress-building", "");
	OK(tlpress_tree_open_staged(&t, live, stage, &err) == 0 &&
	   tlpress_tree_stage_delta(t, d, 1) == 0 &&
	   tlpress_tree_write(t, "a/written2.html", "w", 1, 1, &err) == 0 &&
	   !exists(stage, "a/cut.html") && exists(stage, "a/unnamed.html") &&
	   ino(stage, "a/unnamed.html") == ino(live, "a/unnamed.html") &&
	   ino(stage, "a/same.html") == ino(live, "a/same.html"),
	   "with the mark of a build cut short, the whole stage is synced");
	tlpress_tree_close(t);
}

/* tlpress_path_check(): what a manifest line or a cache row may name */
static void test_path_check(void)
{
	static const char *const good[] = {
		"index.html", "advisories/ccb-2026-0001.html", "a/b/c", "...", ".well-known/csaf/x",
		"a/..b", "a/b..", ".x", "a/.x/b",
	};
	static const char *const bad[] = {
		"", "/etc/passwd", ".", "..", "../x", "a/../b", "a/..", "a/.", "./a", "a//b", "a/",
		"a\\b", "a\nb", "a\tb", "a\x7f", "/",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		OK(tlpress_path_check(good[i]) == 0, "path_check accepts '%s'", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		OK(tlpress_path_check(bad[i]) == -1, "path_check refuses bad path %zu", i);
}

/* tlpress_flusher_start(): a thread that flushes while a build writes,
 * and stops when told, at once */
static void test_flusher(const char *dir)
{
	struct tlpress_flusher *f;
	struct timespec pause = { 0, 300 * 1000000L }, a, b;
	unsigned n;

	OK(tlpress_flusher_stop(NULL) == 0, "stopping no flusher does nothing");
	OK(tlpress_flusher_start("/nonexistent/tlpress-flusher", 20) == NULL,
	   "no flusher for a folder that is not there (the build is only slower)");
	f = tlpress_flusher_start(dir, 20);
	OK(f != NULL, "a flusher starts");
	put(dir, "flushed.html", "written while a flusher runs");
	nanosleep(&pause, NULL);
	n = tlpress_flusher_stop(f);
	OK(n >= 1 && n <= 16, "it flushed every 20 ms or so while it ran (%u times in 300 ms)", n);
	/* with a pause of a minute: stopped long before it is over */
	clock_gettime(CLOCK_MONOTONIC, &a);
	f = tlpress_flusher_start(dir, 60000);
	n = tlpress_flusher_stop(f);
	clock_gettime(CLOCK_MONOTONIC, &b);
	OK(f && n == 0 && b.tv_sec - a.tv_sec < 30,
	   "stopped at once, it makes no flush and does not wait out its pause");
	OK(!strcmp(text(dir, "flushed.html"), "written while a flusher runs"),
	   "what was written is as written");
}

#define NPF 256
static char pf_paths[NPF][PATH_MAX + 32];

static const char *pf_path(void *ctx, size_t i)
{
	(void)ctx;
	return pf_paths[i];
}

/* how many of the files have their first page in memory (mincore(): a
 * look that reads nothing, where a read that must not wait would start
 * reading) */
static size_t pf_warm(size_t from, size_t to)
{
	size_t i, n = 0;

	for (i = from; i < to; i++) {
		int fd = open(pf_paths[i], O_RDONLY);
		unsigned char in = 0;
		void *m;

		if (fd < 0)
			continue;
		m = mmap(NULL, 1, PROT_READ, MAP_SHARED, fd, 0);
		if (m != MAP_FAILED) {
			if (!mincore(m, 1, &in) && (in & 1))
				n++;
			munmap(m, 1);
		}
		close(fd);
	}
	return n;
}

/* out of memory again (written back first: only clean pages go) */
static void pf_evict(void)
{
	size_t i;

	for (i = 0; i < NPF; i++) {
		int fd = open(pf_paths[i], O_RDONLY);

		if (fd >= 0) {
			fdatasync(fd);
			posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
			close(fd);
		}
	}
}

/* tlpress_prefetch_start(): files read ahead of the workers when they are
 * not in memory, and only looked at when they are */
static void test_prefetch(const char *dir)
{
	struct timespec tick = { 0, 10 * 1000000L };
	atomic_size_t next;
	struct tlpress_prefetch *p;
	size_t i, asked, warm, cold;
	int waited, nowait;

	for (i = 0; i < NPF; i++) {
		char rel[32];

		snprintf(rel, sizeof(rel), "pf/%03zu.md", i);
		put(dir, rel, "---\nid: CCB-2026-0001\n---\nA body of an advisory.\n");
		snprintf(pf_paths[i], sizeof(pf_paths[i]), "%s/%s", dir, rel);
	}
	snprintf(pf_paths[7], sizeof(pf_paths[7]), "%s/pf/not-there.md", dir);
	OK(tlpress_prefetch_stop(NULL) == 0, "stopping no prefetcher does nothing");

	/* in memory (just written): looked at, none asked for */
	atomic_init(&next, 0);
	p = tlpress_prefetch_start(pf_path, NULL, NPF, &next);
	OK(p != NULL, "a prefetcher starts");
	nanosleep(&tick, NULL);
	OK(tlpress_prefetch_stop(p) == 0, "files in memory are not asked for");

	pf_evict();
	{
		int fd = open(pf_paths[0], O_RDONLY);
		char c;
		struct iovec v = { &c, 1 };

		/* put out of memory, a read that must not wait is refused */
		nowait = fd >= 0 && preadv2(fd, &v, 1, 0, RWF_NOWAIT) < 0 && errno == EAGAIN;
		if (fd >= 0)
			close(fd);
	}
	if (!nowait || pf_warm(1, NPF) > NPF / 2) {
		DIAG("skip: this file system keeps the files in memory (tmpfs?), or does "
		     "not say when a read would wait");
		OK(1, "files out of memory are read ahead (not testable here)");
		OK(1, "only from where the workers are (not testable here)");
		return;
	}
	/* the workers at 100: the files after it are read, not those before */
	cold = NPF - 100 - pf_warm(100, NPF);
	atomic_init(&next, 100);
	p = tlpress_prefetch_start(pf_path, NULL, NPF, &next);
	for (waited = 0; waited < 500 && pf_warm(100, NPF) < NPF - 100 - 1; waited++)
		nanosleep(&tick, NULL);
	asked = tlpress_prefetch_stop(p);
	warm = pf_warm(100, NPF);
	OK(asked > 0 && asked <= cold + 8 && warm >= NPF - 100 - 1,
	   "files out of memory are read ahead (%zu asked for of %zu out of memory; %zu of "
	   "%d in memory after)", asked, cold, warm, NPF - 100);
	warm = pf_warm(8, 84);
	OK(warm == 0, "only from where the workers are (%zu before it read)", warm);
}

int main(void)
{
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_tree *t;
	char live[PATH_MAX + 16], stage[PATH_MAX + 32], keep[PATH_MAX + 16];
	struct stat st;
	const char *tmp = getenv("TMPDIR");

	snprintf(top, sizeof(top), "%s/tlpress-fsutil.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(top)) {
		DIAG("mkdtemp: %s", strerror(errno));
		return 1;
	}
	test_path_check();
	test_flusher(top);
	test_prefetch(top);
	TREE_PAIR("public");
	snprintf(keep, sizeof(keep), "%s/keep", top);

	/* the live tree, and a stage a killed build left in disorder */
	put(live, "index.html", "index v1");
	put(live, "advisories/a.html", "a v1");
	put(live, "advisories/b.html", "b v1");
	put(live, "css/site.css", "css v1");
	put(stage, "advisories/a.html", "a half-written v2");   /* another file */
	put(stage, "advisories/gone.html", "withdrawn");        /* not live */
	put(stage, "old/x.html", "an old folder");              /* not live */
	put(stage, "css", "a file where a folder is");          /* wrong kind */
	put(stage, "advisories/.tlpress-1-1.tmp", "a writer's"); /* left alone */

	OK(tlpress_tree_open_staged(&t, live, stage, &err) == 0, "a staged tree opens");
	OK(!tlpress_tree_staged(t) && !strcmp(tlpress_tree_root(t), live),
	   "before its first change it reads the live folder");
	OK(exists(stage, "advisories/gone.html"), "and has not touched the stage yet");

	/* the first change: the stage is made to hold the live tree */
	OK(tlpress_tree_write(t, "advisories/a.html", "a v2", 4, 0, &err) == 0,
	   "the first write succeeds");
	OK(tlpress_tree_staged(t) && !strcmp(tlpress_tree_root(t), stage),
	   "and goes to the stage");
	STR_EQ(text(live, "advisories/a.html"), "a v1", "the live file is unchanged");
	STR_EQ(text(stage, "advisories/a.html"), "a v2", "the stage has the new one");
	OK(ino(stage, "advisories/b.html") == ino(live, "advisories/b.html") &&
	   ino(stage, "index.html") == ino(live, "index.html"),
	   "the files it did not change are the live ones, by hard link");
	OK(!exists(stage, "advisories/gone.html") && !exists(stage, "old/x.html") &&
	   !exists(stage, "old"), "what the live tree lacks is gone from the stage");
	OK(stat(stage, &st) == 0 && S_ISDIR(st.st_mode) &&
	   !strcmp(text(stage, "css/site.css"), "css v1"),
	   "a file where the live tree has a folder is replaced by the folder");
	OK(exists(stage, "advisories/.tlpress-1-1.tmp"), "a writer's temporary file is left");

	/* a link is never written through */
	OK(tlpress_tree_write(t, "index.html", "index v2", 8, 0, &err) == 0 &&
	   tlpress_tree_write(t, "advisories/new.html", "new", 3, 1, &err) == 0 &&
	   tlpress_tree_remove(t, "advisories/b.html", &err) == 0,
	   "more writes and a removal");
	STR_EQ(text(live, "index.html"), "index v1", "the live index is still the old one");
	OK(exists(live, "advisories/b.html") && !exists(live, "advisories/new.html"),
	   "the live tree has neither the removal nor the new file");

	/* the exchange */
	OK(tlpress_tree_commit(t, &err) == 0, "the commit succeeds");
	STR_EQ(text(live, "index.html"), "index v2", "the live folder is the new version");
	OK(!exists(live, "advisories/b.html") && exists(live, "advisories/new.html"),
	   "with its removal and its new file");
	STR_EQ(text(stage, "index.html"), "index v1", "the stage holds the last version");
	tlpress_tree_close(t);

	/* the next build: the stage is brought to the live tree by what differs */
	OK(tlpress_tree_open_staged(&t, live, stage, &err) == 0 &&
	   tlpress_tree_write(t, "css/site.css", "css v3", 6, 0, &err) == 0 &&
	   tlpress_tree_commit(t, &err) == 0, "a second staged build");
	STR_EQ(text(live, "index.html"), "index v2", "keeps what the first one made");
	STR_EQ(text(live, "css/site.css"), "css v3", "with its own change");
	OK(!exists(live, "advisories/b.html"), "and not what the first one removed");
	tlpress_tree_close(t);

	/* a build that changes nothing touches nothing */
	OK(tlpress_tree_open_staged(&t, live, stage, &err) == 0, "a third tree opens");
	OK(tlpress_tree_stat(t, "index.html", &st) == 0, "and reads");
	OK(tlpress_tree_commit(t, &err) == 0 && !tlpress_tree_staged(t),
	   "a commit without a change does nothing");
	STR_EQ(text(live, "css/site.css"), "css v3", "the live tree is as it was");
	tlpress_tree_close(t);

	/* no stage to be had: in place, and said why */
	snprintf(stage, sizeof(stage), "%s/no/such/folder/.stage", top);
	OK(tlpress_tree_open_staged(&t, live, stage, &err) == 0 &&
	   tlpress_tree_write(t, "index.html", "index v4", 8, 0, &err) == 0,
	   "a tree whose stage cannot be made is written");
	OK(!tlpress_tree_staged(t) && tlpress_tree_inplace(t) == ENOENT,
	   "in place, with the reason kept");
	STR_EQ(text(live, "index.html"), "index v4", "the live folder has the change");
	OK(tlpress_tree_commit(t, &err) == 0, "and the commit has nothing to do");
	tlpress_tree_close(t);

	/* a stage that is a symbolic link is not followed */
	snprintf(stage, sizeof(stage), "%s/.public.link", top);
	put(keep, "canary", "outside");
	if (symlink(keep, stage) == 0) {
		OK(tlpress_tree_open_staged(&t, live, stage, &err) == 0, "a tree with a linked stage");
		OK(tlpress_tree_write(t, "index.html", "index v5", 8, 0, &err) != 0 &&
		   strstr(err.msg, ".public.link"), "is refused, naming it: %s", err.msg);
		OK(exists(keep, "canary") && !exists(keep, "index.html"),
		   "and nothing is written where it points");
		STR_EQ(text(live, "index.html"), "index v4", "nor in the live folder");
		tlpress_tree_close(t);
	}
	map_file(keep);
	same_names();
	delta();
	tlpress_remove_tree(top);
	return harness_done();
}
