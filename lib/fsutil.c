/* fsutil.c - files written whole or not at all; see fsutil.h */
#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "bigmem.h"

static struct tlpress_fault write_fault = TLPRESS_FAULT_INIT("TLPRESS_FAULT_WRITES");
static atomic_ulong tmpcount;

int tlpress_fault(struct tlpress_fault *f)
{
	long after = atomic_load(&f->after);

	if (after == LONG_MIN) {
		/* read once; threads that race read the same value */
		const char *s = getenv(f->env);

		after = s && *s ? strtol(s, NULL, 10) : -1;
		if (after == LONG_MIN)
			after = -1;
		atomic_store(&f->after, after);
	}
	return after >= 0 && atomic_fetch_add(&f->calls, 1) >= after;
}

int tlpress_path_check(const char *rel)
{
	const char *seg = rel, *c;

	if (*rel == '/')
		return -1;
	/* one pass: each component ends at a '/' or the end, and may not be
	 * empty, "." or ".." (every manifest line comes through here) */
	for (c = rel;; c++) {
		unsigned char ch = (unsigned char)*c;

		if (ch == '/' || ch == '\0') {
			size_t n = (size_t)(c - seg);

			if (n == 0 || (seg[0] == '.' && (n == 1 || (n == 2 && seg[1] == '.'))))
				return -1;
			if (!ch)
				return 0;
			seg = c + 1;
		} else if (ch < 0x20 || ch == '\\' || ch == 0x7F) {
			return -1;
		}
	}
}

void tlpress_path_join(struct tlpress_buf *out, const char *root, const char *rel)
{
	size_t n = strlen(root);

	tlpress_buf_reset(out);
	tlpress_buf_adds(out, root);
	if (n && root[n - 1] != '/')
		tlpress_buf_addch(out, '/');
	tlpress_buf_adds(out, rel);
}

static pthread_once_t mask_once = PTHREAD_ONCE_INIT;
static mode_t process_umask;
static atomic_int no_tmpfile;    /* O_TMPFILE or /proc/self/fd did not work here */

static void mask_init(void)
{
	process_umask = umask(022);
	umask(process_umask);
}

int tlpress_mkroot(const char *root, struct tlpress_error *err)
{
	char tmp[PATH_MAX];
	struct stat st;
	size_t i, n = strlen(root);

	if (n == 0 || n >= sizeof(tmp))
		return tlpress_error_set(err, TLPRESS_EUSAGE, "invalid folder name '%s'", root);
	memcpy(tmp, root, n + 1);
	for (i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		tmp[i] = '\0';
		if (mkdir(tmp, 0755) == 0) {
			/* a site's folders are for everybody to read, whatever
			 * the umask (a service's UMask=0077, say) */
			pthread_once(&mask_once, mask_init);
			if (process_umask & 0755)
				chmod(tmp, 0755);
		} else if (errno != EEXIST) {
			return tlpress_error_errno(err, TLPRESS_EIO, errno,
						   "cannot create folder '%s'", tmp);
		}
		if (i < n)
			tmp[i] = '/';
	}
	if (stat(root, &st) < 0 || !S_ISDIR(st.st_mode))
		return tlpress_error_set(err, TLPRESS_EIO, "'%s' is not a folder; move it aside, "
					 "or name another folder", root);
	return 0;
}

/* Open the folder of rel below root, creating it; never through a
 * symbolic link. Returns an fd, or -1 with err set. *base gets the file
 * name part of rel. */
static int open_parent(const char *root, const char *rel, int create,
		       const char **base, struct tlpress_error *err)
{
	char comp[NAME_MAX + 1];
	const char *p = rel, *slash;
	int dfd, nfd;

	if (tlpress_path_check(rel)) {
		tlpress_error_set(err, TLPRESS_EUSAGE, "refusing to write '%s': not a clean "
				  "relative path", rel);
		return -1;
	}
	dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot open folder '%s'", root);
		return -1;
	}
	while ((slash = strchr(p, '/'))) {
		size_t n = (size_t)(slash - p);

		if (n > NAME_MAX) {
			close(dfd);
			tlpress_error_set(err, TLPRESS_EUSAGE, "'%s': name too long", rel);
			return -1;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		nfd = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		/* made only when missing: one system call less per folder and file */
		if (nfd < 0 && errno == ENOENT && create) {
			if (mkdirat(dfd, comp, 0755) < 0 && errno != EEXIST) {
				tlpress_error_errno(err, TLPRESS_EIO, errno,
						    "cannot create folder '%s/%.*s'", root,
						    (int)(slash - rel), rel);
				close(dfd);
				return -1;
			}
			nfd = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			/* folders of the tree are for everybody to read, whatever
			 * the umask (a service's UMask=0077, say) */
			pthread_once(&mask_once, mask_init);
			if (nfd >= 0 && (process_umask & 0755))
				fchmod(nfd, 0755);
		}
		if (nfd < 0) {
			int e = errno;

			close(dfd);
			if (e == ELOOP || e == ENOTDIR)
				tlpress_error_set(err, TLPRESS_EIO, "refusing '%s/%.*s': a symbolic link "
						  "or not a folder; remove it", root,
						  (int)(slash - rel), rel);
			else
				tlpress_error_errno(err, TLPRESS_EIO, e,
						    "cannot open folder '%s/%.*s'", root,
						    (int)(slash - rel), rel);
			return -1;
		}
		close(dfd);
		dfd = nfd;
		p = slash + 1;
	}
	*base = p;
	return dfd;
}

static int write_bytes(int fd, const char *p, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t w = write(fd, p + done, len - done);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)w;
	}
	return 0;
}

static int write_all(int fd, const char *p, size_t len)
{
	if (write_bytes(fd, p, len) < 0)
		return -1;
	/* files of the tree are for everybody to read, whatever the umask */
	pthread_once(&mask_once, mask_init);
	if ((process_umask & 0644) && fchmod(fd, 0644) < 0)
		return -1;
	return 0;
}

/* data into fd whole; a write error, or the fault a test injects
 * (TLPRESS_FAULT_WRITES), is -1 with errno */
static int write_data(int fd, const void *data, size_t len)
{
	if (tlpress_fault(&write_fault)) {
		errno = EIO;
		return -1;
	}
	return write_all(fd, data, len);
}

/* An unnamed file linked into place whole: 0, 1 when it could not be
 * done this way (the caller then writes a named temporary file), or -1
 * with errno for a write error. */
static int write_unnamed(int dfd, const char *base, const void *data, size_t len)
{
	char proc[64];
	int fd = -1, e;

	if (atomic_load(&no_tmpfile))
		return 1;
	fd = openat(dfd, ".", O_WRONLY | O_TMPFILE | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL || errno == ENOENT) {
			atomic_store(&no_tmpfile, 1);
			return 1;
		}
		return -1;
	}
	if (write_data(fd, data, len) < 0)
		goto fail;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, dfd, base, AT_SYMLINK_FOLLOW) < 0) {
		e = errno;
		close(fd);
		if (e == EEXIST)
			return 1;
		if (e == ENOENT || e == EPERM || e == EACCES || e == EXDEV) {
			atomic_store(&no_tmpfile, 1);
			return 1;
		}
		errno = e;
		return -1;
	}
	if (close(fd) < 0)
		return -1;
	return 0;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

/* dfd/name made (O_EXCL) and written whole: 0; -1 with errno when it
 * could not be made (EEXIST: there is one by that name); -2 with errno
 * when it could not be written (it is gone again). */
static int write_new(int dfd, const char *name, const void *data, size_t len)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644), e;

	if (fd < 0)
		return -1;
	if (write_data(fd, data, len) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlinkat(dfd, name, 0);
	errno = e;
	return -2;
}

/*
 * Write data as dfd/base: a temporary file renamed into place; or, for a
 * fresh file, an unnamed one linked; or, for a fresh file where nobody
 * reads (`direct`: a stage), the file itself under its name. A build killed
 * half-way can leave that one cut short, which the next build's sync of the
 * stage replaces, as it does any file that is not the live one. `root/rel`
 * names it in errors.
 */
static int write_at(int dfd, const char *base, const void *data, size_t len, int fresh,
		    int direct, const char *root, const char *rel, struct tlpress_error *err)
{
	char tmp[64];
	int e, r;

	if (fresh && direct) {
		r = write_new(dfd, base, data, len);
		if (r == 0)
			return 0;
		if (r == -2 || errno != EEXIST)
			return tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot write '%s/%s'",
						   root, rel);
	} else if (fresh) {
		r = write_unnamed(dfd, base, data, len);
		if (r == 0)
			return 0;
		if (r < 0) {
			e = errno;
			return tlpress_error_errno(err, TLPRESS_EIO, e, "cannot write '%s/%s'",
						   root, rel);
		}
	}
	snprintf(tmp, sizeof(tmp), ".tlpress-%ld-%lu.tmp", (long)getpid(),
		 (unsigned long)atomic_fetch_add(&tmpcount, 1));
	r = write_new(dfd, tmp, data, len);
	if (r == -1)
		return tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot create a file in the "
					   "folder of '%s/%s'", root, rel);
	if (r < 0)
		return tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot write '%s/%s'", root, rel);
	if (renameat(dfd, tmp, dfd, base) < 0) {
		e = errno;
		unlinkat(dfd, tmp, 0);
		return tlpress_error_errno(err, TLPRESS_EIO, e, "cannot write '%s/%s'", root, rel);
	}
	return 0;
}

int tlpress_write_atomic(const char *root, const char *rel, const void *data,
			 size_t len, struct tlpress_error *err)
{
	const char *base;
	int dfd, r;

	dfd = open_parent(root, rel, 1, &base, err);
	if (dfd < 0)
		return err ? err->code : TLPRESS_EIO;
	r = write_at(dfd, base, data, len, 0, 0, root, rel, err);
	close(dfd);
	return r;
}

/* The folders of a tree, kept open. */
#define TREE_DIRS 64

struct tlpress_tree {
	char *root;                  /* where files are read and written now */
	char *live, *stage;          /* a staged tree's two folders (stage NULL: in place) */
	pthread_mutex_t mu;
	pthread_mutex_t stage_mu;    /* taken by the first change only */
	atomic_int begun;            /* the first change was made ready for */
	int staged;                  /* ... and it goes to stage */
	int inplace;                 /* why it could not (an errno), or 0 */
	size_t n, nold;
	struct {
		char *rel;           /* "advisories", ".well-known/csaf/white/2026" */
		int fd;
	} dirs[TREE_DIRS];
	int old[TREE_DIRS];          /* the live folders' fds, still in use by readers */
	char **delta;                /* tlpress_tree_stage_delta(), or NULL */
	size_t ndelta;
};

int tlpress_tree_open(struct tlpress_tree **t, const char *root, struct tlpress_error *err)
{
	*t = calloc(1, sizeof(**t));
	if (!*t || !((*t)->live = strdup(root))) {
		free(*t);
		*t = NULL;
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	}
	(*t)->root = (*t)->live;
	pthread_mutex_init(&(*t)->mu, NULL);
	pthread_mutex_init(&(*t)->stage_mu, NULL);
	return 0;
}

/* the paths of tlpress_tree_stage_delta(), given back */
static void delta_free(struct tlpress_tree *t)
{
	size_t i;

	for (i = 0; i < t->ndelta; i++)
		free(t->delta[i]);
	free(t->delta);
	t->delta = NULL;
	t->ndelta = 0;
}

void tlpress_tree_close(struct tlpress_tree *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++) {
		close(t->dirs[i].fd);
		free(t->dirs[i].rel);
	}
	for (i = 0; i < t->nold; i++)
		close(t->old[i]);
	pthread_mutex_destroy(&t->mu);
	pthread_mutex_destroy(&t->stage_mu);
	delta_free(t);
	free(t->live);
	free(t->stage);
	free(t);
}

/* ---- staged trees ---- */

/* Remove name in dfd, a folder with all it holds, never following a
 * symbolic link. 0 or -1 with errno. */
static int remove_at(int dfd, const char *name, int depth)
{
	struct dirent *de;
	DIR *d;
	int fd, r = 0;

	if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if ((errno != EISDIR && errno != EPERM) || depth > 64)
		return -1;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (!r && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			r = remove_at(dirfd(d), de->d_name, depth + 1);
	closedir(d);
	return r ? r : unlinkat(dfd, name, AT_REMOVEDIR);
}

struct sentry {
	const char *name;            /* in the list's names */
	size_t off;                  /* ... at this offset, while they grow */
	ino_t ino;
	int dir, link;
};

/* A folder's entries; their names one after another in one buffer, not a
 * string each: a folder of the tree holds up to some 7,000 entries. Both
 * on mappings of their own (bigmem.h): growing them with realloc() touched
 * each page twice. */
struct slist {
	struct sentry *v;
	size_t n, cap, vlen;
	char *names;
	size_t len, size, nlen;
};

static int cmp_sentry(const void *a, const void *b)
{
	return strcmp(((const struct sentry *)a)->name, ((const struct sentry *)b)->name);
}

static void slist_release(struct slist *l)
{
	tlpress_big_free(l->v, l->vlen);
	tlpress_big_free(l->names, l->nlen);
}

/* Room for one more entry, named name, at the end of l. 0 or -1. */
static int slist_grow(struct slist *l, const char *name)
{
	size_t len = strlen(name) + 1;

	if (l->n == l->cap) {
		size_t nc = l->cap ? 2 * l->cap : 64;
		struct sentry *nv = tlpress_big_grow(l->v, &l->vlen, nc * sizeof(*nv));

		if (!nv)
			return -1;
		l->v = nv;
		l->cap = nc;
	}
	if (l->size - l->len < len) {
		size_t ns = l->size ? 2 * l->size : 1024;
		char *nn;

		while (ns - l->len < len)
			ns *= 2;
		if (!(nn = tlpress_big_grow(l->names, &l->nlen, ns)))
			return -1;
		l->names = nn;
		l->size = ns;
	}
	l->v[l->n].off = l->len;
	memcpy(l->names + l->len, name, len);
	l->len += len;
	return 0;
}

/* Is name a temporary file (write_at's ".tlpress-PID-N.tmp") that a
 * process that no longer runs left: a run killed between creating it and
 * renaming it into place? */
static int stale_tmp(const char *name)
{
	long pid;
	unsigned long n;
	int end = 0;

	if (strncmp(name, ".tlpress-", 9) ||
	    sscanf(name, ".tlpress-%ld-%lu.tmp%n", &pid, &n, &end) != 2 || name[end] ||
	    end == 0 || pid <= 0 || pid == (long)getpid())
		return 0;
	return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

/* The temporary files of writers: neither copied nor removed by a sync
 * (but a stage's stale ones, read_folder()). */
static int tmp_name(const char *name)
{
	return !strncmp(name, ".tlpress-", 9);
}

/* The entries of the folder fd, with their inodes and kinds as the folder
 * gives them (a stat only where it does not), in the order the folder
 * gives them; 0 or -1. With sweep (a folder of the stage), the temporary
 * files killed runs left are removed on the way: a stage synced whole
 * holds none after it, so that no build need read its folders again for
 * them (tree_dir()). */
static int read_folder(int fd, struct slist *l, int sweep)
{
	struct dirent *de;
	DIR *d;
	int dfd = dup(fd), r = 0, e;
	size_t i;

	if (dfd < 0 || !(d = fdopendir(dfd))) {
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	errno = 0;
	while (!r && (de = readdir(d))) {
		struct sentry *s;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (tmp_name(de->d_name)) {
			if (sweep && stale_tmp(de->d_name))
				unlinkat(dirfd(d), de->d_name, 0);
			continue;
		}
		if (slist_grow(l, de->d_name) < 0) {
			r = -1;
			break;
		}
		s = &l->v[l->n];
		s->ino = de->d_ino;
		s->dir = de->d_type == DT_DIR;
		s->link = de->d_type == DT_LNK;
		if (de->d_type == DT_UNKNOWN) {
			struct stat st;

			if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
				r = -1;
				break;
			}
			s->ino = st.st_ino;
			s->dir = S_ISDIR(st.st_mode);
			s->link = S_ISLNK(st.st_mode);
		}
		l->n++;
	}
	e = errno;
	closedir(d);
	errno = e;
	for (i = 0; i < l->n; i++)
		l->v[i].name = l->names + l->v[i].off;
	return r;
}

/*
 * Leave in lv and sv only the entries sync_dir() has something to do for,
 * when the two folders give the same names in the same order: what ext4
 * does for two folders holding the same names (its hash order), as a
 * stage and its live tree do but for what the last build changed. An
 * entry that is the same file in both (neither a folder nor a link) is
 * then dropped, and the few left are sorted: the same work, done in the
 * same order, as the merge of the whole lists, without sorting them. Any
 * other case (other names, another order, another file system) sorts
 * both whole.
 */
static void sync_prune(struct slist *lv, struct slist *sv)
{
	size_t i, k = 0;

	if (lv->n != sv->n || lv->len != sv->len ||
	    (lv->len && memcmp(lv->names, sv->names, lv->len)))
		goto sort;
	for (i = 0; i < lv->n; i++) {
		const struct sentry *l = &lv->v[i], *s = &sv->v[i];

		if (l->link || l->dir || s->dir || s->ino != l->ino) {
			lv->v[k] = *l;
			sv->v[k++] = *s;
		}
	}
	lv->n = sv->n = k;
sort:
	if (lv->n)
		qsort(lv->v, lv->n, sizeof(*lv->v), cmp_sentry);
	if (sv->n)
		qsort(sv->v, sv->n, sizeof(*sv->v), cmp_sentry);
}

/*
 * Make the folder sfd hold what lfd holds, by hard links: a file whose
 * inode is already the live one's stays, any other is linked anew, and
 * what the live folder lacks goes. Both folders are read, not their files
 * (no stat): the cost is that of reading the folders and of the files
 * that differ (those the last build changed), not of the tree. 0, or -1
 * with errno.
 */
static int sync_dir(int lfd, int sfd, int depth, struct tlpress_buf *rel)
{
	struct slist lv = { NULL, 0, 0, 0, NULL, 0, 0, 0 }, sv = { NULL, 0, 0, 0, NULL, 0, 0, 0 };
	size_t i = 0, j = 0, at = rel->len;
	int r = 0, e;
	struct stat lst;

	if (depth > 32) {
		errno = ELOOP;
		return -1;
	}
	if (read_folder(lfd, &lv, 0) < 0 || read_folder(sfd, &sv, 1) < 0)
		r = -1;
	else
		sync_prune(&lv, &sv);
	while (!r && (i < lv.n || j < sv.n)) {
		int c = i == lv.n ? 1 : j == sv.n ? -1 : strcmp(lv.v[i].name, sv.v[j].name);
		const struct sentry *l = c <= 0 ? &lv.v[i] : NULL, *s = c >= 0 ? &sv.v[j] : NULL;

		if (l) { /* where we are, for a message */
			rel->len = at;
			if (at)
				tlpress_buf_adds(rel, "/");
			tlpress_buf_adds(rel, l->name);
		}
		if (!l) {                       /* not live: it goes */
			r = remove_at(sfd, s->name, 0);
		} else if (l->link && fstatat(lfd, l->name, &lst, 0) == 0 && S_ISDIR(lst.st_mode)) {
			/* a folder of the tree elsewhere: never followed */
			errno = ELOOP;
			r = -2;
			break;
		} else if (l->dir) {
			int a, b;

			if (s && !s->dir && remove_at(sfd, s->name, 0) < 0)
				r = -1;
			else if ((!s || !s->dir) && mkdirat(sfd, l->name, 0755) < 0)
				r = -1;
			if (r)
				break;
			a = openat(lfd, l->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			b = a < 0 ? -1 : openat(sfd, l->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
						O_CLOEXEC);
			/* for everybody to read, whatever the umask */
			if (b >= 0 && (!s || !s->dir) && (process_umask & 0755))
				fchmod(b, 0755);
			r = b < 0 ? -1 : sync_dir(a, b, depth + 1, rel);
			e = errno;
			if (a >= 0)
				close(a);
			if (b >= 0)
				close(b);
			errno = e;
		} else if (!s || s->dir || s->ino != l->ino) {
			if (s && remove_at(sfd, s->name, 0) < 0)
				r = -1;
			else if (linkat(lfd, l->name, sfd, l->name, 0) < 0)
				r = -1;
		}                               /* else: the same file */
		i += c <= 0;
		j += c >= 0;
	}
	e = errno;
	if (!r)
		rel->len = at;
	slist_release(&lv);
	slist_release(&sv);
	errno = e;
	return r;
}

int tlpress_tree_open_staged(struct tlpress_tree **t, const char *root, const char *stage,
			     struct tlpress_error *err)
{
	int r = tlpress_tree_open(t, root, err);

	if (!r && stage && !((*t)->stage = strdup(stage))) {
		tlpress_tree_close(*t);
		*t = NULL;
		r = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	}
	return r;
}

/* In the stage from tlpress_tree_begin() to tlpress_tree_commit(): a stage
 * that has it may hold what a build cut short left, and is synced whole. */
#define STAGE_MARK ".tlpress-building"

int tlpress_tree_stage_delta(struct tlpress_tree *t, char *const *paths, size_t n)
{
	delta_free(t);
	if (!(t->delta = malloc((n ? n : 1) * sizeof(*t->delta))))
		return -1;
	/* each its own copy: a few paths, mostly (a pool's first block, of
	 * huge pages, cost more than the rest of this) */
	for (t->ndelta = 0; t->ndelta < n; t->ndelta++)
		if (!(t->delta[t->ndelta] = strdup(paths[t->ndelta]))) {
			delta_free(t);
			return -1;
		}
	return 0;
}

/* Folders of rel's path that the live tree no longer has: gone from the
 * stage too, when empty (as the whole sync would leave it). */
static void prune_folders(struct tlpress_tree *t, const char *rel)
{
	char dir[PATH_MAX], *slash;
	struct stat st;
	int fd;

	if (snprintf(dir, sizeof(dir), "%s", rel) >= (int)sizeof(dir))
		return;
	while ((slash = strrchr(dir, '/'))) {
		const char *base;

		*slash = '\0';
		fd = open_parent(t->live, dir, 0, &base, NULL);
		if (fd >= 0 && fstatat(fd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			close(fd);
			return;
		}
		if (fd >= 0)
			close(fd);
		fd = open_parent(t->stage, dir, 0, &base, NULL);
		if (fd < 0 || unlinkat(fd, base, AT_REMOVEDIR) < 0) {
			if (fd >= 0)
				close(fd);
			return;
		}
		close(fd);
	}
}

/*
 * The stage made the live tree at t->delta's files alone: each linked from
 * the live tree when it is there (and not the same file already), removed
 * when it is not. 0; 1 when it cannot be done this way (a path that is not a
 * plain file on either side: the caller syncs the whole stage); -1 with
 * errno.
 */
static int sync_delta(struct tlpress_tree *t)
{
	size_t i;

	for (i = 0; i < t->ndelta; i++) {
		const char *rel = t->delta[i], *lbase, *sbase;
		int lfd = open_parent(t->live, rel, 0, &lbase, NULL), sfd, r = 0, e;
		struct stat l, s;
		int live = lfd >= 0 && fstatat(lfd, lbase, &l, AT_SYMLINK_NOFOLLOW) == 0;

		if (lfd < 0 && errno != ENOENT)
			return 1;
		if (live && !S_ISREG(l.st_mode)) {
			close(lfd);
			return 1;
		}
		sfd = open_parent(t->stage, rel, live, &sbase, NULL);
		if (sfd < 0) {
			if (lfd >= 0)
				close(lfd);
			if (!live && errno == ENOENT)
				continue; /* neither has it */
			return 1;
		}
		if (fstatat(sfd, sbase, &s, AT_SYMLINK_NOFOLLOW) == 0) {
			if (!S_ISREG(s.st_mode))
				r = 1;
			else if (live && s.st_ino == l.st_ino)
				r = 2; /* the same file */
			else if (unlinkat(sfd, sbase, 0) < 0)
				r = -1;
		} else if (errno != ENOENT) {
			r = -1;
		}
		if (r == 0 && live && linkat(lfd, lbase, sfd, sbase, 0) < 0)
			r = -1;
		e = errno;
		close(sfd);
		if (lfd >= 0)
			close(lfd);
		if (r == 1 || r == -1) {
			errno = e;
			return r;
		}
		if (!live)
			prune_folders(t, rel);
	}
	return 0;
}

/* Bring the stage to the live tree and make it the tree written to; or,
 * when the stage cannot be had here (a folder not ours to write in,
 * another file system), go on in place. */
static int stage_begin(struct tlpress_tree *t, struct tlpress_error *err)
{
	struct tlpress_buf rel = TLPRESS_BUF_INIT;
	int lfd = -1, sfd = -1, r = 0, e = 0, made = 0;
	struct stat lst, sst;
	size_t i;

	lfd = open(t->live, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (lfd < 0 || fstat(lfd, &lst) < 0) {
		r = tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot open folder '%s'", t->live);
		goto out;
	}
	if (mkdir(t->stage, 0755) == 0) {
		made = 1; /* a stage that was no version yet: no delta holds */
	} else if (errno != EEXIST) {
		e = errno;
		goto inplace;
	}
	sfd = open(t->stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd < 0 || fstat(sfd, &sst) < 0) {
		r = tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot use '%s', where the next "
					"version of '%s' is made (remove it if it is not a "
					"folder)", t->stage, t->live);
		goto out;
	}
	if (sst.st_dev != lst.st_dev || sst.st_uid != geteuid()) {
		e = EXDEV;
		goto inplace;
	}
	pthread_once(&mask_once, mask_init);
	if ((process_umask & 0755) && (sst.st_mode & 07777) != 0755)
		fchmod(sfd, 0755);
	/* the mark first: a build cut short from here on leaves it */
	{
		int fresh = faccessat(sfd, STAGE_MARK, F_OK, AT_SYMLINK_NOFOLLOW) < 0 &&
			    errno == ENOENT;
		int mfd = openat(sfd, STAGE_MARK, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

		if (mfd >= 0)
			close(mfd);
		r = fresh && !made && mfd >= 0 && t->delta ? sync_delta(t) : 1;
	}
	if (r == 1)
		r = sync_dir(lfd, sfd, 0, &rel);
	if (r < 0) {
		e = errno;
		if (r == -2) {
			r = tlpress_error_set(err, TLPRESS_EIO, "refusing '%s/%.*s': a symbolic link "
					      "or not a folder; remove it", t->live, (int)rel.len,
					      rel.ptr);
			goto out;
		}
		r = 0;
		if (e == EXDEV || e == EPERM || e == EMLINK)
			goto inplace;
		r = tlpress_error_errno(err, TLPRESS_EIO, e, "cannot copy '%s' to '%s' by links",
					t->live, t->stage);
		goto out;
	}
	pthread_mutex_lock(&t->mu);
	for (i = 0; i < t->n; i++) {
		t->old[t->nold++] = t->dirs[i].fd; /* a reader may be using it */
		free(t->dirs[i].rel);
	}
	t->n = 0;
	t->root = t->stage;
	t->staged = 1;
	pthread_mutex_unlock(&t->mu);
	goto out;
inplace:
	/* the tree is then written in place, file by file, as it always was */
	t->inplace = e ? e : EPERM;
	if (sfd >= 0)
		close(sfd);
	sfd = -1;
	rmdir(t->stage);
out:
	tlpress_buf_release(&rel);
	if (lfd >= 0)
		close(lfd);
	if (sfd >= 0)
		close(sfd);
	return r;
}

int tlpress_tree_begin(struct tlpress_tree *t, struct tlpress_error *err)
{
	int r = 0;

	if (atomic_load(&t->begun))
		return 0;
	pthread_mutex_lock(&t->stage_mu);
	if (!atomic_load(&t->begun)) {
		if (t->stage)
			r = stage_begin(t, err);
		if (!r)
			atomic_store(&t->begun, 1);
	}
	pthread_mutex_unlock(&t->stage_mu);
	return r;
}

const char *tlpress_tree_root(const struct tlpress_tree *t)
{
	return t->root;
}

int tlpress_tree_staged(const struct tlpress_tree *t)
{
	return t->staged;
}

int tlpress_tree_inplace(const struct tlpress_tree *t)
{
	return t->inplace;
}

int tlpress_tree_commit(struct tlpress_tree *t, struct tlpress_error *err)
{
	struct tlpress_buf aside = TLPRESS_BUF_INIT, parent = TLPRESS_BUF_INIT;
	const char *slash;
	int r = 0, fd;

	if (!t->staged)
		return 0;
	/* whole: the mark goes before the stage is the live tree */
	tlpress_buf_printf(&aside, "%s/" STAGE_MARK, t->stage);
	if (unlink(aside.ptr) < 0 && errno != ENOENT) {
		r = tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot remove '%s', the mark of "
					"the build under way; the live tree is as it was: make "
					"the folder writable and build again", aside.ptr);
		tlpress_buf_release(&aside);
		return r;
	}
	tlpress_buf_reset(&aside);
	if (renameat2(AT_FDCWD, t->live, AT_FDCWD, t->stage, RENAME_EXCHANGE) < 0) {
		if (errno != EINVAL && errno != ENOSYS)
			return tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot put '%s' in "
						   "place of '%s'", t->stage, t->live);
		/* a file system without the exchange: three renames, and a
		 * moment without the folder */
		tlpress_buf_printf(&aside, "%s.tlpress-%ld", t->stage, (long)getpid());
		if (rename(t->live, aside.ptr) < 0 || rename(t->stage, t->live) < 0 ||
		    rename(aside.ptr, t->stage) < 0)
			r = tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot put '%s' in place "
						"of '%s'", t->stage, t->live);
	}
	/* the exchange itself to disk */
	slash = strrchr(t->live, '/');
	tlpress_buf_add(&parent, t->live, slash ? (size_t)(slash - t->live) + (slash == t->live) : 0);
	fd = open(parent.len ? parent.ptr : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	/* the folder the last version was in goes when it held nothing */
	if (!r)
		rmdir(t->stage);
	t->staged = 0;
	tlpress_buf_release(&aside);
	tlpress_buf_release(&parent);
	return r;
}

/* Remove the temporary files (write_at's ".tlpress-PID-N.tmp") that a
 * process that no longer runs left in the folder dfd: a run killed
 * between creating one and renaming it into place. Best effort. */
static void sweep_stale(int dfd)
{
	struct dirent *de;
	DIR *d;
	int fd = dup(dfd);

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d)))
		if (stale_tmp(de->d_name))
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
}

/* The folder of rel, kept open in t: an fd the caller must not close
 * (*owned 0), or, when t is full, one it must (*owned 1); -1 with err. */
static int tree_dir(struct tlpress_tree *t, const char *rel, int create, const char **base,
		    int *owned, struct tlpress_error *err)
{
	const char *slash = strrchr(rel, '/');
	size_t dl = slash ? (size_t)(slash - rel) : 0, i;
	int fd = -1;

	*owned = 0;
	if (tlpress_path_check(rel)) {
		tlpress_error_set(err, TLPRESS_EUSAGE, "refusing to write '%s': not a clean "
				  "relative path", rel);
		return -1;
	}
	pthread_mutex_lock(&t->mu);
	for (i = 0; i < t->n; i++)
		if (strlen(t->dirs[i].rel) == dl && !memcmp(t->dirs[i].rel, rel, dl)) {
			fd = t->dirs[i].fd;
			break;
		}
	if (fd < 0) {
		fd = open_parent(t->root, rel, create, base, err);
		/* once per folder and build, in a tree written in place. A
		 * stage holds no temporary file of a killed run: one synced
		 * whole lost them then (read_folder()), and one synced at the
		 * delta alone is the version a build that began on an intact
		 * live tree left, whole, after one synced whole. Reading the
		 * stage's large folders again for them was 6 of the 110 ms of
		 * a rebuild after one change among 10,000. */
		if (fd >= 0 && !t->staged)
			sweep_stale(fd);
		if (fd >= 0 && t->n < TREE_DIRS && (t->dirs[t->n].rel = strndup(rel, dl))) {
			t->dirs[t->n].fd = fd;
			t->n++;
		} else if (fd >= 0) {
			*owned = 1;
		}
	}
	pthread_mutex_unlock(&t->mu);
	*base = slash ? slash + 1 : rel;
	return fd;
}

int tlpress_tree_write(struct tlpress_tree *t, const char *rel, const void *data, size_t len,
		       int fresh, struct tlpress_error *err)
{
	const char *base;
	int owned, r, dfd;

	if (tlpress_tree_begin(t, err))
		return err ? err->code : TLPRESS_EIO;
	dfd = tree_dir(t, rel, 1, &base, &owned, err);
	if (dfd < 0)
		return err ? err->code : TLPRESS_EIO;
	r = write_at(dfd, base, data, len, fresh, t->staged, t->root, rel, err);
	if (owned)
		close(dfd);
	return r;
}

int tlpress_tree_remove(struct tlpress_tree *t, const char *rel, struct tlpress_error *err)
{
	const char *base;
	int owned, r = 0, dfd;

	if (tlpress_tree_begin(t, err))
		return err ? err->code : TLPRESS_EIO;
	dfd = tree_dir(t, rel, 0, &base, &owned, NULL);
	if (dfd < 0)
		return 0; /* no folder: no file */
	if (unlinkat(dfd, base, 0) < 0 && errno != ENOENT)
		r = tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot remove '%s/%s'", t->root,
					rel);
	if (owned)
		close(dfd);
	return r;
}

int tlpress_tree_stat(struct tlpress_tree *t, const char *rel, struct stat *st)
{
	const char *base;
	int owned, r, dfd = tree_dir(t, rel, 0, &base, &owned, NULL);

	if (dfd < 0)
		return -1;
	r = fstatat(dfd, base, st, AT_SYMLINK_NOFOLLOW);
	if (owned)
		close(dfd);
	return r;
}

int tlpress_remove(const char *root, const char *rel, struct tlpress_error *err)
{
	struct tlpress_buf path = TLPRESS_BUF_INIT;
	const char *base;
	int dfd, r = 0;
	char *slash;

	struct stat st;

	tlpress_path_join(&path, root, rel);
	if (lstat(path.ptr, &st) == 0 || errno != ENOENT) {
		dfd = open_parent(root, rel, 0, &base, err);
		if (dfd < 0) {
			tlpress_buf_release(&path);
			return err ? err->code : TLPRESS_EIO;
		}
		if (unlinkat(dfd, base, 0) < 0 && errno != ENOENT)
			r = tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot remove '%s/%s'",
						root, rel);
		close(dfd);
		if (r) {
			tlpress_buf_release(&path);
			return r;
		}
	}
	tlpress_buf_reset(&path);
	/* then the folders that are empty (this removal's, or an earlier
	 * one's that left them so), up to root */
	tlpress_buf_adds(&path, rel);
	while ((slash = strrchr(path.ptr, '/'))) {
		struct tlpress_buf full = TLPRESS_BUF_INIT;

		*slash = '\0';
		path.len = (size_t)(slash - path.ptr);
		tlpress_path_join(&full, root, path.ptr);
		if (rmdir(full.ptr) < 0) {
			tlpress_buf_release(&full);
			break;
		}
		tlpress_buf_release(&full);
	}
	tlpress_buf_release(&path);
	return 0;
}

int tlpress_read_file(const char *path, size_t limit, struct tlpress_buf *out,
		      int *errnum, struct tlpress_error *err)
{
	char buf[65536];
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (errnum)
		*errnum = 0;
	if (fd < 0) {
		if (errnum)
			*errnum = errno;
		return tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot open '%s'", path);
	}
	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errnum)
				*errnum = errno;
			close(fd);
			return tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot read '%s'",
						   path);
		}
		if (out->len + (size_t)r > limit) {
			close(fd);
			return tlpress_error_set(err, TLPRESS_ELIMIT, "'%s' is larger than %zu "
						 "bytes, the most tlpress reads of it; check that "
						 "it is the right file", path, limit);
		}
		if (tlpress_buf_add(out, buf, (size_t)r) < 0) {
			close(fd);
			return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory reading '%s'", path);
		}
	}
	close(fd);
	return 0;
}

int tlpress_map_file(const char *path, size_t limit, const char **data, size_t *len,
		     int *errnum, struct tlpress_error *err)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;

	*data = "";
	*len = 0;
	if (errnum)
		*errnum = 0;
	e = fd < 0 || fstat(fd, &st) < 0 ? errno : S_ISREG(st.st_mode) ? 0 : EINVAL;
	if (e) {
		if (fd >= 0)
			close(fd);
		if (errnum)
			*errnum = e;
		return tlpress_error_errno(err, TLPRESS_EIO, e, "cannot read '%s'", path);
	}
	if ((unsigned long long)st.st_size > limit) {
		close(fd);
		return tlpress_error_set(err, TLPRESS_ELIMIT, "'%s' is larger than %zu bytes, the "
					 "most tlpress reads of it; check that it is the right "
					 "file", path, limit);
	}
	if (st.st_size == 0) {
		close(fd);
		return 0;
	}
	/* read whole by every caller: its pages mapped at once, not a fault
	 * for each 4 KiB (a manifest of 10,000 advisories is 930 of them) */
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	e = errno;
	close(fd);
	if (p == MAP_FAILED) {
		if (errnum)
			*errnum = e;
		return tlpress_error_errno(err, TLPRESS_EIO, e, "cannot read '%s'", path);
	}
	*data = p;
	*len = (size_t)st.st_size;
	return 0;
}

void tlpress_unmap_file(const char *data, size_t len)
{
	if (len)
		munmap((void *)data, len);
}

int tlpress_link_copy(const char *src_root, const char *dst_root, const char *rel,
		      struct tlpress_error *err)
{
	struct tlpress_buf src = TLPRESS_BUF_INIT;
	const char *base;
	int dfd, rc = 0;

	dfd = open_parent(dst_root, rel, 1, &base, err);
	if (dfd < 0)
		return err ? err->code : TLPRESS_EIO;
	tlpress_path_join(&src, src_root, rel);
	if (linkat(AT_FDCWD, src.ptr, dfd, base, 0) < 0 && errno != ENOENT && errno != EEXIST) {
		struct tlpress_buf data = TLPRESS_BUF_INIT;

		if (errno == EXDEV || errno == EPERM || errno == EMLINK) {
			/* another file system: a copy does as well */
			rc = tlpress_read_file(src.ptr, (size_t)1 << 30, &data, NULL, err);
			if (!rc)
				rc = tlpress_write_atomic(dst_root, rel, data.ptr, data.len, err);
		} else {
			rc = tlpress_error_errno(err, TLPRESS_EIO, errno,
						 "cannot link '%s' into '%s'", src.ptr, dst_root);
		}
		tlpress_buf_release(&data);
	}
	close(dfd);
	tlpress_buf_release(&src);
	return rc;
}

static int unlink_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

int tlpress_remove_tree(const char *dir)
{
	return nftw(dir, unlink_cb, 16, FTW_DEPTH | FTW_PHYS);
}

int tlpress_secret_file_check(const char *path, const char *shown, int required,
			      struct tlpress_error *err)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		if (errno == ENOENT && !required)
			return 0;
		return tlpress_error_errno(err, TLPRESS_EUSAGE, errno,
					   "cannot use the netrc file '%s'", shown);
	}
	if (!S_ISREG(st.st_mode))
		return tlpress_error_set(err, TLPRESS_EUSAGE, "cannot use the netrc file '%s': "
					 "not a regular file; name the file itself in 'site.netrc' "
					 "or 'smtp.netrc'", shown);
	if (st.st_mode & 077)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "refusing the netrc file '%s': it "
					 "holds passwords and group or others may read or change "
					 "it (mode %04o); run chmod 600 '%s'", shown,
					 (unsigned)(st.st_mode & 07777), shown);
	if (st.st_uid != geteuid())
		return tlpress_error_set(err, TLPRESS_EUSAGE, "refusing the netrc file '%s': it "
					 "belongs to another user (uid %lu); give the user tlpress "
					 "runs as its own copy, mode 600", shown,
					 (unsigned long)st.st_uid);
	if (access(path, R_OK) < 0)
		return tlpress_error_errno(err, TLPRESS_EUSAGE, errno,
					   "cannot read the netrc file '%s'", shown);
	return 0;
}

int tlpress_state_dir(const char *dir, int create, struct tlpress_error *err)
{
	char path[PATH_MAX];
	struct stat st;
	size_t n = strlen(dir);
	int fd, e;

	if (create && mkdir(dir, 0700) < 0 && errno != EEXIST)
		return tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot make state folder '%s'",
					   dir);
	/* "state/" would follow a link named state: O_NOFOLLOW applies to the
	 * last component, and a final '/' makes the link's target the last */
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n >= sizeof(path))
		return tlpress_error_set(err, TLPRESS_EUSAGE, "state folder '%.64s...': the "
					 "path is too long", dir);
	memcpy(path, dir, n);
	path[n] = '\0';
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		if (e == ELOOP || e == ENOTDIR)
			return tlpress_error_set(err, TLPRESS_EUSAGE, "state folder '%s' is not a "
						 "folder (a symbolic link is refused); point "
						 "'state' in tlpress.yml at a real folder", dir);
		return tlpress_error_errno(err, TLPRESS_EIO, e, "cannot open state folder '%s'",
					   dir);
	}
	if (fstat(fd, &st) < 0) {
		e = errno;
		close(fd);
		return tlpress_error_errno(err, TLPRESS_EIO, e, "cannot open state folder '%s'",
					   dir);
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		close(fd);
		return tlpress_error_set(err, TLPRESS_EUSAGE, "state folder '%s' may be written "
					 "by others (mode %03o); run 'chmod go-w %s'", dir,
					 (unsigned)(st.st_mode & 0777), dir);
	}
	/* what is in it names restricted advisories and recipients: for the
	 * owner's eyes only, whatever the umask it was made with */
	if ((st.st_mode & 077) && fchmod(fd, st.st_mode & 07700) < 0) {
		e = errno;
		close(fd);
		return tlpress_error_set(err, TLPRESS_EUSAGE, "state folder '%s' may be read by "
					 "others (mode %03o) and cannot be made 0700: %s; run "
					 "'chmod 700 %s'", dir, (unsigned)(st.st_mode & 0777),
					 strerror(e), dir);
	}
	close(fd);
	return 0;
}

int tlpress_write_private(const char *path, const void *data, size_t len,
			  struct tlpress_error *err)
{
	struct tlpress_buf tmp = TLPRESS_BUF_INIT, dir = TLPRESS_BUF_INIT;
	const char *slash = strrchr(path, '/');
	int fd, rc = 0;

	tlpress_buf_printf(&tmp, "%s.%ld.tmp", path, (long)getpid());
	tlpress_buf_add(&dir, path, slash ? (size_t)(slash - path) + (slash == path) : 0);
	if (tmp.failed || dir.failed) {
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		goto out;
	}
	fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot write '%s'", tmp.ptr);
		goto out;
	}
	if (write_bytes(fd, data, len) < 0 || fsync(fd) < 0) {
		rc = tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot write '%s'", tmp.ptr);
		close(fd);
	} else if (close(fd) < 0) {
		rc = tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot write '%s'", tmp.ptr);
	} else if (rename(tmp.ptr, path) < 0) {
		rc = tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot rename '%s' to '%s'",
					 tmp.ptr, path);
	}
	if (rc) {
		unlink(tmp.ptr);
		goto out;
	}
	fd = open(dir.len ? dir.ptr : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		if (fsync(fd) < 0)
			rc = tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot flush '%s'",
						 dir.len ? dir.ptr : ".");
		close(fd);
	}
out:
	tlpress_buf_release(&tmp);
	tlpress_buf_release(&dir);
	return rc;
}

struct tlpress_flusher {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int fd, stop;
	unsigned flushes;
	long pause_ns;
};

static void *flusher(void *arg)
{
	struct tlpress_flusher *f = arg;
	struct timespec until;

	pthread_mutex_lock(&f->lock);
	while (!f->stop) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += f->pause_ns / 1000000000L;
		until.tv_nsec += f->pause_ns % 1000000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		if (pthread_cond_timedwait(&f->wake, &f->lock, &until) != ETIMEDOUT || f->stop)
			continue;
		pthread_mutex_unlock(&f->lock);
		syncfs(f->fd); /* a failure is the final sync's to report */
		pthread_mutex_lock(&f->lock);
		f->flushes++;
	}
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

struct tlpress_flusher *tlpress_flusher_start(const char *root, unsigned pause_ms)
{
	struct tlpress_flusher *f = calloc(1, sizeof(*f));
	pthread_condattr_t ca;

	if (!f)
		return NULL;
	f->pause_ns = (long)pause_ms * 1000000L;
	f->fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f->fd < 0) {
		free(f);
		return NULL;
	}
	pthread_mutex_init(&f->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&f->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&f->thread, NULL, flusher, f) != 0) {
		pthread_cond_destroy(&f->wake);
		pthread_mutex_destroy(&f->lock);
		close(f->fd);
		free(f);
		return NULL;
	}
	return f;
}

unsigned tlpress_flusher_stop(struct tlpress_flusher *f)
{
	unsigned n;

	if (!f)
		return 0;
	pthread_mutex_lock(&f->lock);
	f->stop = 1;
	pthread_cond_signal(&f->wake);
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->thread, NULL);
	n = f->flushes;
	pthread_cond_destroy(&f->wake);
	pthread_mutex_destroy(&f->lock);
	close(f->fd);
	free(f);
	return n;
}

struct tlpress_prefetch {
	const char *(*path)(void *ctx, size_t i);
	void *ctx;
	size_t n, asked;
	atomic_size_t *next;
	atomic_int stop;
	pthread_t thread;
};

/* 1 when the first page of the file open as fd is not in memory */
static int cold(int fd)
{
	char c;
	struct iovec v = { &c, 1 };

	return preadv2(fd, &v, 1, 0, RWF_NOWAIT) < 0 && errno == EAGAIN;
}

#define PREFETCH_PROBE 16 /* while warm, every 16th file is looked at */
#define PREFETCH_WARM 32  /* so many in memory in a row: warm again */

static void *prefetcher(void *arg)
{
	struct tlpress_prefetch *p = arg;
	size_t i = 0, at, warm = 0;
	int dense = 0;

	for (; i < p->n && !atomic_load(&p->stop); i++) {
		int fd;

		at = atomic_load(p->next);
		if (i < at)
			i = at; /* the workers are past it */
		if (i >= p->n)
			break;
		if (!dense && i % PREFETCH_PROBE)
			continue;
		/* O_NONBLOCK: a FIFO among the files must not hold it up */
		fd = open(p->path(p->ctx, i), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (cold(fd)) {
			/* (the refused read started reading it; this is sure to) */
			if (!posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED))
				p->asked++;
			warm = 0;
			if (!dense) {
				/* every file from here on, and those since the last look */
				dense = 1;
				i = i >= at + PREFETCH_PROBE ? i - PREFETCH_PROBE : at;
				i--;
			}
		} else if (dense && ++warm >= PREFETCH_WARM) {
			dense = 0; /* a run of them in memory: looked at sparsely again */
			warm = 0;
		}
		close(fd);
	}
	return NULL;
}

struct tlpress_prefetch *tlpress_prefetch_start(const char *(*path)(void *ctx, size_t i),
						 void *ctx, size_t n, atomic_size_t *next)
{
	struct tlpress_prefetch *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->path = path;
	p->ctx = ctx;
	p->n = n;
	p->next = next;
	atomic_init(&p->stop, 0);
	if (pthread_create(&p->thread, NULL, prefetcher, p) != 0) {
		free(p);
		return NULL;
	}
	return p;
}

size_t tlpress_prefetch_stop(struct tlpress_prefetch *p)
{
	size_t n;

	if (!p)
		return 0;
	atomic_store(&p->stop, 1);
	pthread_join(p->thread, NULL);
	n = p->asked;
	free(p);
	return n;
}

int tlpress_sync(const char *root, struct tlpress_error *err)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0)
		return tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot open '%s'", root);
	r = syncfs(fd);
	close(fd);
	if (r < 0)
		return tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot flush '%s' to disk",
					   root);
	return 0;
}
