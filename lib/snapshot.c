/* snapshot.c - "nothing changed since the last build"; see snapshot.h */
#include "snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"

#define SNAPSHOT_MAGIC "tlpress snapshot 2"
#define SNAPSHOT_LIMIT ((size_t)16 << 20)
#define SNAPSHOT_MAX_STAMPS 100000
/* A file's size (-1: it could not be stat'ed), modification time and
 * inode, each 8 bytes little-endian, after the text: 10,000 advisories
 * take 240 KB, read as they are, not parsed */
#define RECORD 24

static long long mtime_ns(const struct stat *st)
{
	return (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

/* The lstat of files->v[from..to) into fs: each file looked up in its
 * folder, held open (the files of a folder come together, scan.h), not
 * from the root again. */
struct stat_range {
	const struct tlpress_pathlist *files;
	struct tlpress_snapshot_fstat *fs;
	size_t from, to;
};

static void *stat_range(void *arg)
{
	const struct stat_range *a = arg;
	const char *dir = NULL;      /* the folder dfd is open on: dir[0..dlen) */
	size_t i, dlen = 0;
	int dfd = -1;

	for (i = a->from; i < a->to; i++) {
		const char *path = a->files->v[i], *slash = strrchr(path, '/');
		struct stat st;
		int r;

		if (slash && slash > path &&
		    (!dir || dlen != (size_t)(slash - path) || strncmp(dir, path, dlen))) {
			char *d = strndup(path, (size_t)(slash - path));

			if (dfd >= 0)
				close(dfd);
			dfd = d ? open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
			free(d);
			dir = path;
			dlen = (size_t)(slash - path);
		}
		if (slash && slash > path && dfd >= 0)
			r = fstatat(dfd, slash + 1, &st, AT_SYMLINK_NOFOLLOW);
		else
			r = lstat(path, &st);
		a->fs[i].ok = r == 0;
		if (r == 0) {
			a->fs[i].size = (long long)st.st_size;
			a->fs[i].mtime_ns = mtime_ns(&st);
			a->fs[i].ino = (long long)st.st_ino;
		}
	}
	if (dfd >= 0)
		close(dfd);
	return NULL;
}

/* Below this many files one thread stats them all. */
#define STAT_SPLIT 2048
#define STAT_THREADS 4

void tlpress_snapshot_digest(const unsigned char fp[TLPRESS_SHA256_LEN], const char *tree,
			     const struct tlpress_pathlist *files, int jobs,
			     unsigned char out[TLPRESS_SHA256_LEN],
			     struct tlpress_snapshot_fstat *fstat)
{
	struct tlpress_snapshot_fstat *fs = fstat;
	struct stat_range part[STAT_THREADS];
	pthread_t threads[STAT_THREADS];
	struct tlpress_sha256_ctx h;
	struct tlpress_buf text = TLPRESS_BUF_INIT;
	size_t i, k, nparts = 1;
	int started[STAT_THREADS] = { 0 }, bad = 0;

	if (!fs && files->n)
		fs = malloc(files->n * sizeof(*fs));
	/* the stat calls, which are the cost (a system call each), on up to
	 * `jobs` threads; then the digest, in the files' order */
	if (fs) {
		if (files->n >= STAT_SPLIT && jobs > 1)
			nparts = (size_t)jobs < STAT_THREADS ? (size_t)jobs : STAT_THREADS;
		for (k = 0; k < nparts; k++) {
			part[k].files = files;
			part[k].fs = fs;
			part[k].from = files->n * k / nparts;
			part[k].to = files->n * (k + 1) / nparts;
		}
		for (k = 1; k < nparts; k++)
			started[k] = pthread_create(&threads[k], NULL, stat_range, &part[k]) == 0;
		stat_range(&part[0]);
		for (k = 1; k < nparts; k++) {
			if (started[k])
				pthread_join(threads[k], NULL);
			else
				stat_range(&part[k]);
		}
	}
	tlpress_sha256_init(&h);
	tlpress_sha256_update(&h, fp, TLPRESS_SHA256_LEN);
	tlpress_sha256_update(&h, tree, strlen(tree) + 1);
	for (i = 0; fs && i < files->n; i++) {
		tlpress_buf_add(&text, files->v[i], strlen(files->v[i]) + 1);
		if (fs[i].ok)
			tlpress_buf_printf(&text, "%lld %lld %lld\n", fs[i].size, fs[i].mtime_ns,
					   fs[i].ino);
		else
			tlpress_buf_add(&text, "-\n", 2);
		if (text.len >= 65536 || i + 1 == files->n) {
			bad |= text.failed;
			tlpress_sha256_update(&h, text.ptr, text.len);
			tlpress_buf_reset(&text);
		}
	}
	if (bad || (files->n && !fs))
		tlpress_sha256_update(&h, "!", 1); /* out of memory: never equal */
	tlpress_buf_release(&text);
	tlpress_sha256_final(&h, out);
	if (fs != fstat)
		free(fs);
}

void tlpress_snapshot_names(const char *const *paths, size_t n, size_t stride,
			    unsigned char out[TLPRESS_SHA256_LEN])
{
	struct tlpress_sha256_ctx h;
	size_t i;

	tlpress_sha256_init(&h);
	for (i = 0; i < n; i++) {
		const char *p = *(const char *const *)((const char *)paths + i * stride);

		tlpress_sha256_update(&h, p ? p : "", p ? strlen(p) + 1 : 0);
	}
	if (tlpress_sha256_final(&h, out) < 0)
		memset(out, 0xff, TLPRESS_SHA256_LEN); /* out of memory: matches nothing made */
}

void tlpress_snapshot_file(const struct tlpress_snapshot *s, size_t i,
			   struct tlpress_snapshot_fstat *out)
{
	const unsigned char *r = s->raw + i * RECORD;
	long long v[3];

	for (int k = 0; k < 3; k++) {
		unsigned long long x = 0;

		for (int j = 0; j < 8; j++)
			x |= (unsigned long long)r[8 * k + j] << (8 * j);
		v[k] = (long long)x;
	}
	out->ok = v[0] >= 0;
	out->size = out->ok ? v[0] : 0;
	out->mtime_ns = out->ok ? v[1] : 0;
	out->ino = out->ok ? v[2] : 0;
}

int tlpress_snapshot_feed_add(struct tlpress_snapshot *s, const char *id)
{
	char **v = realloc(s->feed, (s->nfeed + 1) * sizeof(*v));

	if (!v)
		return -1;
	s->feed = v;
	if (!id || strchr(id, '\n') || !(v[s->nfeed] = strdup(id)))
		return -1;
	s->nfeed++;
	return 0;
}

static int add(struct tlpress_snapshot *s, const char *rel, long long ino, long long mt,
	       long long size)
{
	struct tlpress_snapshot_stamp *p;

	if (s->n == s->cap) {
		size_t nc = s->cap ? 2 * s->cap : 16;

		if (nc > SNAPSHOT_MAX_STAMPS || !(p = realloc(s->v, nc * sizeof(*p))))
			return -1;
		s->v = p;
		s->cap = nc;
	}
	p = &s->v[s->n];
	if (!(p->rel = strdup(rel)))
		return -1;
	p->ino = ino;
	p->mtime_ns = mt;
	p->size = size;
	s->n++;
	return 0;
}

int tlpress_snapshot_stamp(struct tlpress_snapshot *s, const char *root, const char *rel)
{
	struct tlpress_buf p = TLPRESS_BUF_INIT;
	struct stat st;
	int r;

	if (strcmp(rel, "."))
		tlpress_path_join(&p, root, rel);
	else
		tlpress_buf_adds(&p, root);
	r = lstat(p.ptr, &st);
	tlpress_buf_release(&p);
	if (r < 0)
		return -1;
	return add(s, rel, (long long)st.st_ino, mtime_ns(&st), (long long)st.st_size);
}

int tlpress_snapshot_holds(const struct tlpress_snapshot *s, const char *root,
			   const unsigned char digest[TLPRESS_SHA256_LEN], long long now)
{
	return !memcmp(s->digest, digest, TLPRESS_SHA256_LEN) && now >= s->from &&
	       now < s->until && tlpress_snapshot_tree_holds(s, root);
}

int tlpress_snapshot_tree_holds(const struct tlpress_snapshot *s, const char *root)
{
	struct tlpress_buf p = TLPRESS_BUF_INIT;
	size_t i;
	int ok = s->n > 0;

	for (i = 0; ok && i < s->n; i++) {
		struct stat st;

		tlpress_buf_reset(&p);
		if (strcmp(s->v[i].rel, "."))
			tlpress_path_join(&p, root, s->v[i].rel);
		else
			tlpress_buf_adds(&p, root);
		ok = lstat(p.ptr, &st) == 0 && (long long)st.st_ino == s->v[i].ino &&
		     mtime_ns(&st) == s->v[i].mtime_ns && (long long)st.st_size == s->v[i].size;
	}
	tlpress_buf_release(&p);
	return ok;
}

/* A number at *p, then one space or the end of the line: 0 and *p past
 * it, or -1 */
static int num(char **p, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(*p, &end, 10);
	if (end == *p || errno || (*end != ' ' && *end != '\0'))
		return -1;
	*p = *end ? end + 1 : end;
	return 0;
}

static int hexline(const char *line, const char *key, unsigned char out[TLPRESS_SHA256_LEN])
{
	size_t k = strlen(key);

	return strncmp(line, key, k) || strlen(line + k) != 2 * TLPRESS_SHA256_LEN ||
	       tlpress_unhex(line + k, TLPRESS_SHA256_LEN, out) ? -1 : 0;
}

int tlpress_snapshot_load(struct tlpress_snapshot *s, const char *path)
{
	struct tlpress_buf text = TLPRESS_BUF_INIT;
	char hex[2 * TLPRESS_SHA256_LEN + 1];
	const char *files;
	char *line, *next;
	size_t i, nf = 0, hlen;
	int r = -1, have = 0;

	/* the text, then "files N" and the files' numbers (RECORD bytes each) */
	if (tlpress_map_file(path, SNAPSHOT_LIMIT, &s->map, &s->maplen, NULL, NULL) || !s->maplen)
		goto out;
	files = memmem(s->map, s->maplen, "\nfiles ", 7);
	hlen = files ? (size_t)(files - s->map) + 1 : s->maplen;
	if (files) {
		const char *eol = memchr(files + 1, '\n', s->maplen - hlen);
		char nb[24];
		long long n;
		char *p = nb;

		if (eol && (size_t)(eol - files) - 7 < sizeof(nb)) {
			memcpy(nb, files + 7, (size_t)(eol - files) - 7);
			nb[eol - files - 7] = '\0';
			if (!num(&p, &n) && !*p && n >= 0 &&
			    (size_t)(s->map + s->maplen - (eol + 1)) == (size_t)n * RECORD) {
				s->raw = (const unsigned char *)eol + 1;
				nf = (size_t)n;
				have |= 8;
			}
		}
	}
	if (tlpress_buf_add(&text, s->map, hlen) < 0 || !text.len || text.ptr[text.len - 1] != '\n')
		goto out;
	line = text.ptr;
	next = strchr(line, '\n');
	*next = '\0';
	if (strcmp(line, SNAPSHOT_MAGIC))
		goto out;
	line = next + 1;
	if (sscanf(line, "digest %64s\nholds %lld %lld\ncounts %zu %zu %zu %zu %zu %zu\n", hex,
		   &s->from, &s->until, &s->files, &s->published, &s->drafts, &s->embargoed,
		   &s->above, &s->unchanged) != 9 ||
	    strlen(hex) != 2 * TLPRESS_SHA256_LEN ||
	    tlpress_unhex(hex, TLPRESS_SHA256_LEN, s->digest))
		goto out;
	/* past the three lines read */
	for (int k = 0; k < 3; k++) {
		if (!(next = strchr(line, '\n')))
			goto out;
		line = next + 1;
	}
	while (*line) {
		long long ino, mt, size;
		int at = 0;

		next = strchr(line, '\n');
		*next = '\0';
		if (!hexline(line, "fp ", s->fp)) {
			have |= 1;
		} else if (!hexline(line, "names ", s->names)) {
			have |= 2;
		} else if (!strncmp(line, "decided ", 8)) {
			char *p = line + 8;

			if (num(&p, &s->decided) || num(&p, &s->racy) || *p)
				goto out;
			have |= 4;
		} else if (!strncmp(line, "feed ", 5)) {
			/* then the ids of the feed's entries, one a line */
			char *p = line + 5;
			long long n;

			if (have & 16 || num(&p, &n) || *p || n < 0 || n > 100000)
				goto out;
			for (i = 0; i < (size_t)n; i++) {
				line = next + 1;
				if (!*line || !(next = strchr(line, '\n')))
					goto out;
				*next = '\0';
				if (tlpress_snapshot_feed_add(s, line))
					goto out;
			}
			have |= 16;
		} else if (sscanf(line, "s %lld %lld %lld %n", &ino, &mt, &size, &at) != 3 || !at ||
			   !line[at] || add(s, line + at, ino, mt, size)) {
			goto out;
		}
		line = next + 1;
	}
	/* the part for a rebuild of a few is all there, or none of it is */
	if (have == 31)
		s->nfs = nf;
	else
		s->raw = NULL;
	r = s->n > 0 ? 0 : -1;
out:
	tlpress_buf_release(&text);
	return r;
}

int tlpress_snapshot_save(const struct tlpress_snapshot *s, const char *path,
			  struct tlpress_error *err)
{
	struct tlpress_buf text = TLPRESS_BUF_INIT;
	char hex[2 * TLPRESS_SHA256_LEN + 1];
	size_t i;
	int r;

	tlpress_hex(s->digest, TLPRESS_SHA256_LEN, hex);
	tlpress_buf_printf(&text, SNAPSHOT_MAGIC "\ndigest %s\nholds %lld %lld\n"
			   "counts %zu %zu %zu %zu %zu %zu\n", hex, s->from, s->until, s->files,
			   s->published, s->drafts, s->embargoed, s->above, s->unchanged);
	for (i = 0; i < s->n; i++)
		tlpress_buf_printf(&text, "s %lld %lld %lld %s\n", s->v[i].ino, s->v[i].mtime_ns,
				   s->v[i].size, s->v[i].rel);
	if (s->fs) {
		tlpress_hex(s->fp, TLPRESS_SHA256_LEN, hex);
		tlpress_buf_printf(&text, "fp %s\n", hex);
		tlpress_hex(s->names, TLPRESS_SHA256_LEN, hex);
		tlpress_buf_printf(&text, "names %s\ndecided %lld %lld\nfeed %zu\n", hex,
				   s->decided, s->racy, s->nfeed);
		for (i = 0; i < s->nfeed; i++)
			tlpress_buf_printf(&text, "%s\n", s->feed[i]);
		tlpress_buf_printf(&text, "files %zu\n", s->nfs);
		if (tlpress_buf_grow(&text, s->nfs * RECORD) == 0) {
			unsigned char *rec = (unsigned char *)text.ptr + text.len;

			for (i = 0; i < s->nfs; i++) {
				const struct tlpress_snapshot_fstat *f = &s->fs[i];
				const long long v[3] = { f->ok ? f->size : -1, f->mtime_ns, f->ino };

				for (int k = 0; k < 3; k++)
					for (int j = 0; j < 8; j++)
						*rec++ = (unsigned char)((unsigned long long)v[k] >> (8 * j));
			}
			text.len += s->nfs * RECORD;
		}
	}
	r = text.failed ? tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory")
			: tlpress_write_private(path, text.ptr, text.len, err);
	tlpress_buf_release(&text);
	return r;
}

void tlpress_snapshot_release(struct tlpress_snapshot *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].rel);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
	tlpress_unmap_file(s->map, s->maplen);
	s->map = NULL;
	s->maplen = 0;
	s->raw = NULL;
	s->fs = NULL;
	s->nfs = 0;
	for (i = 0; i < s->nfeed; i++)
		free(s->feed[i]);
	free(s->feed);
	s->feed = NULL;
	s->nfeed = 0;
}
