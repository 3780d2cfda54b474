/* verify.c - check a published tree against the publisher's key; see verify.h */
#include "verify.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "buf.h"
#include "fsutil.h"
#include "hash.h"
#include "manifest.h"
#include "sign.h"

#define MANIFEST_ASC TLPRESS_MANIFEST_NAME ".asc"
#define MANIFEST_LIMIT ((size_t)256 << 20)
#define SIG_LIMIT ((size_t)1 << 20)      /* an unlisted .asc */
#define KEY_LIMIT ((size_t)16 << 20)
#define SLACK ((size_t)1 << 20)          /* read this much past the listed size */
#define HASHFILE_LIMIT 4096              /* a CSAF .sha256/.sha512 kept for the check */
#define INFLIGHT_LIMIT ((size_t)64 << 20)
#define UNIT_OVERHEAD 4096               /* counted in flight for every file */
#define MAX_REDIRECTS 5
#define WALK_DEPTH 128
#define NO_ENTRY ((size_t)-1)
#define CSAF_PREFIX ".well-known/csaf/"

/* ---- small helpers ---- */

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Copy src into dst (size bytes), cut if needed. */
static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= size)
		n = size - 1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

int tlpress_verify_is_url(const char *s)
{
	const char *p;

	if (!s)
		return 0;
	if (!strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8))
		return 1;
	/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" "//" */
	for (p = s; *p && (((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') ||
			   (p > s && ((*p >= '0' && *p <= '9') || *p == '+' || *p == '-' ||
				      *p == '.'))); p++)
		;
	return p > s && !strncmp(p, "://", 3) ? -1 : 0;
}

const char *tlpress_vkind_name(enum tlpress_vkind k)
{
	switch (k) {
	case TLPRESS_V_BAD: return "BAD";
	case TLPRESS_V_CHANGED: return "CHANGED";
	case TLPRESS_V_MISSING: return "MISSING";
	case TLPRESS_V_UNSIGNED: return "UNSIGNED";
	case TLPRESS_V_UNLISTED: return "UNLISTED";
	}
	return "?";
}

/* ---- the list of problems ---- */

static int vadd_problem(struct tlpress_verify_result *r, enum tlpress_vkind k, const char *path,
			const char *fmt, va_list ap)
{
	struct tlpress_vproblem *p;
	struct tlpress_buf d = TLPRESS_BUF_INIT;

	if (r->n == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 32;
		struct tlpress_vproblem *v = realloc(r->v, nc * sizeof(*v));

		if (!v)
			return TLPRESS_ENOMEM;
		r->v = v;
		r->cap = nc;
	}
	p = &r->v[r->n];
	p->kind = k;
	p->detail = NULL;
	p->path = strdup(path);
	if (!p->path)
		return TLPRESS_ENOMEM;
	if (fmt) {
		tlpress_buf_vprintf(&d, fmt, ap);
		if (d.failed) {
			free(p->path);
			tlpress_buf_release(&d);
			return TLPRESS_ENOMEM;
		}
		p->detail = tlpress_buf_detach(&d, NULL);
	}
	r->n++;
	return 0;
}

static int add_problem(struct tlpress_verify_result *r, enum tlpress_vkind k, const char *path,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int add_problem(struct tlpress_verify_result *r, enum tlpress_vkind k, const char *path,
		       const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vadd_problem(r, k, path, fmt, ap);
	va_end(ap);
	return rc;
}

/* the manifest's own problems first, then by path, then by kind */
static int problem_rank(const char *path)
{
	return strcmp(path, TLPRESS_MANIFEST_NAME) && strcmp(path, MANIFEST_ASC);
}

static int cmp_problem(const void *a, const void *b)
{
	const struct tlpress_vproblem *x = a, *y = b;
	int c = problem_rank(x->path) - problem_rank(y->path);

	if (!c)
		c = strcmp(x->path, y->path);
	if (!c)
		c = (int)x->kind - (int)y->kind;
	return c;
}

void tlpress_verify_result_release(struct tlpress_verify_result *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->v[i].path);
		free(r->v[i].detail);
	}
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

/* ---- where the files come from: a folder or a URL ---- */

enum fstatus {
	FS_OK,
	FS_NOTFOUND,
	FS_TOOBIG,     /* more than the limit: not read */
	FS_NOTREG,     /* a symbolic link, a device...: not read */
	FS_HTTP,       /* an HTTP status other than 2xx, 404 or 410 */
	FS_REDIRECT,   /* a redirect that is not followed */
	FS_SKIPPED     /* not fetched: listed larger than TLPRESS_VERIFY_MAX_FILE */
};

struct fetched {
	enum fstatus st;
	long http;                  /* FS_HTTP: the status */
	unsigned long long size;    /* FS_TOOBIG: the size when known, else 0 */
	char *where;                /* FS_REDIRECT: where to, or NULL (owned) */
	int loop;                   /* FS_REDIRECT: too many redirects */
	int symlink;                /* FS_NOTREG: it is a symbolic link */
};

enum wtype { W_REG, W_LINK, W_OTHER };

struct wentry {
	char *path;
	enum wtype type;
};

struct source {
	int remote;
	/* a folder, walked once */
	char *root;
	struct wentry *w;
	size_t wn, wcap;
	/* a URL */
	CURL *h;
	char *base;                 /* scheme://host[:port]/path/, no query */
	char *scheme, *host;
	long port;
	char errbuf[CURL_ERROR_SIZE];
	size_t requests;
};

struct sink {
	CURL *h;
	struct tlpress_buf *out;
	size_t limit;
	int toobig, nomem;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int cmp_wentry(const void *a, const void *b)
{
	return strcmp(((const struct wentry *)a)->path, ((const struct wentry *)b)->path);
}

static struct wentry *walk_find(struct source *s, const char *path)
{
	struct wentry key;

	key.path = (char *)path;
	return s->wn ? bsearch(&key, s->w, s->wn, sizeof(*s->w), cmp_wentry) : NULL;
}

static int walk_add(struct source *s, const char *path, enum wtype t)
{
	if (s->wn == s->wcap) {
		size_t nc = s->wcap ? s->wcap * 2 : 256;
		struct wentry *v = realloc(s->w, nc * sizeof(*v));

		if (!v)
			return TLPRESS_ENOMEM;
		s->w = v;
		s->wcap = nc;
	}
	s->w[s->wn].path = strdup(path);
	if (!s->w[s->wn].path)
		return TLPRESS_ENOMEM;
	s->w[s->wn++].type = t;
	return 0;
}

/* Every file under dfd (which this takes), with paths relative to the
 * root in rel; symbolic links are listed, never followed. */
static int walk_dir(struct source *s, int dfd, struct tlpress_buf *rel, int depth,
		    struct tlpress_error *err)
{
	struct dirent *de;
	DIR *d = fdopendir(dfd);
	int rc = 0;

	if (!d) {
		rc = tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot read the folder '%s/%s'",
					 s->root, rel->ptr);
		close(dfd);
		return rc;
	}
	errno = 0;
	while (!rc && (de = readdir(d))) {
		size_t keep = rel->len;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (keep)
			tlpress_buf_addch(rel, '/');
		tlpress_buf_adds(rel, de->d_name);
		if (rel->failed) {
			rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
			break;
		}
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			rc = tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot read '%s/%s'",
						 s->root, rel->ptr);
		} else if (S_ISDIR(st.st_mode)) {
			int fd;

			if (depth >= WALK_DEPTH)
				rc = tlpress_error_set(err, TLPRESS_ELIMIT, "'%s/%s': folders nested "
						       "more than %d deep", s->root, rel->ptr,
						       WALK_DEPTH);
			else if ((fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY |
					      O_NOFOLLOW | O_CLOEXEC)) < 0)
				rc = tlpress_error_errno(err, TLPRESS_EIO, errno,
							 "cannot read the folder '%s/%s'", s->root,
							 rel->ptr);
			else
				rc = walk_dir(s, fd, rel, depth + 1, err);
		} else {
			if (walk_add(s, rel->ptr, S_ISREG(st.st_mode) ? W_REG :
				     S_ISLNK(st.st_mode) ? W_LINK : W_OTHER))
				rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		}
		tlpress_buf_truncate(rel, keep);
		errno = 0;
	}
	if (!rc && errno)
		rc = tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot read the folder '%s/%s'",
					 s->root, rel->ptr);
	closedir(d);
	return rc;
}

static int local_open(struct source *s, const char *root, struct tlpress_error *err)
{
	struct tlpress_buf rel = TLPRESS_BUF_INIT;
	int fd, rc;

	s->root = strdup(root);
	if (!s->root)
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot read the tree '%s'",
					   root);
	rc = walk_dir(s, fd, &rel, 0, err);
	tlpress_buf_release(&rel);
	if (!rc && s->wn)
		qsort(s->w, s->wn, sizeof(*s->w), cmp_wentry);
	return rc;
}

static int local_get(struct source *s, const char *rel, size_t limit, struct tlpress_buf *out,
		     struct fetched *f, struct tlpress_error *err)
{
	struct tlpress_buf path = TLPRESS_BUF_INIT;
	struct wentry *we = walk_find(s, rel);
	struct stat st;
	int fd, rc = 0;

	if (!we) {
		f->st = FS_NOTFOUND;
		return 0;
	}
	if (we->type != W_REG) {
		f->st = FS_NOTREG;
		f->symlink = we->type == W_LINK;
		return 0;
	}
	tlpress_path_join(&path, s->root, rel);
	if (path.failed) {
		tlpress_buf_release(&path);
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	}
	fd = open(path.ptr, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			f->st = FS_NOTFOUND;
		else if (errno == ELOOP) {
			f->st = FS_NOTREG;
			f->symlink = 1;
		} else
			rc = tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot read '%s'",
						 path.ptr);
		tlpress_buf_release(&path);
		return rc;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		f->st = FS_NOTREG;
	} else if ((unsigned long long)st.st_size > limit) {
		f->st = FS_TOOBIG;
		f->size = (unsigned long long)st.st_size;
	} else {
		char chunk[65536];
		ssize_t n;

		tlpress_buf_grow(out, (size_t)st.st_size + 1);
		while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				rc = tlpress_error_errno(err, TLPRESS_EIO, errno,
							 "cannot read '%s'", path.ptr);
				break;
			}
			if (out->len + (size_t)n > limit) {
				f->st = FS_TOOBIG;
				break;
			}
			if (tlpress_buf_add(out, chunk, (size_t)n)) {
				rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
				break;
			}
		}
	}
	close(fd);
	tlpress_buf_release(&path);
	return rc;
}

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	struct sink *k = ctx;
	size_t len = size * n;
	long code = 0;

	/* the body of an error page is not the file */
	curl_easy_getinfo(k->h, CURLINFO_RESPONSE_CODE, &code);
	if (code < 200 || code >= 300)
		return len;
	if (len > k->limit - k->out->len) {
		k->toobig = 1;
		return 0;
	}
	if (tlpress_buf_add(k->out, p, len)) {
		k->nomem = 1;
		return 0;
	}
	return len;
}

static char *url_part(CURLU *u, CURLUPart what, unsigned flags)
{
	char *part = NULL, *copy;

	if (curl_url_get(u, what, &part, flags) || !part)
		return NULL;
	copy = strdup(part);
	curl_free(part);
	return copy;
}

/* Whether a redirect to loc stays on the tree's host: the same scheme and
 * port, or from http to https on 443. */
static int same_site(struct source *s, const char *loc)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;
	int ok = 0;

	if (!u)
		return 0;
	if (!curl_url_set(u, CURLUPART_URL, loc, 0)) {
		scheme = url_part(u, CURLUPART_SCHEME, 0);
		host = url_part(u, CURLUPART_HOST, 0);
		port = url_part(u, CURLUPART_PORT, CURLU_DEFAULT_PORT);
	}
	if (scheme && host && port && !strcasecmp(host, s->host)) {
		long p = strtol(port, NULL, 10);

		if (!strcasecmp(scheme, s->scheme) && p == s->port)
			ok = 1;
		else if (!strcasecmp(s->scheme, "http") && !strcasecmp(scheme, "https") && p == 443)
			ok = 1;
	}
	free(scheme);
	free(host);
	free(port);
	curl_url_cleanup(u);
	return ok;
}

static int remote_open(struct source *s, const char *url, long timeout, struct tlpress_error *err)
{
	CURLU *u;
	char *path = NULL, *port = NULL;
	int rc = 0;

	pthread_once(&curl_once, curl_init);
	if (curl_init_rc)
		return tlpress_error_set(err, TLPRESS_ENET, "cannot start libcurl: %s",
					 curl_easy_strerror(curl_init_rc));
	s->remote = 1;
	u = curl_url();
	if (!u)
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0)) {
		rc = tlpress_error_set(err, TLPRESS_EUSAGE, "'%s' is not a valid URL; give the "
				       "tree's http(s) URL or its folder", url);
		goto out;
	}
	s->scheme = url_part(u, CURLUPART_SCHEME, 0);
	s->host = url_part(u, CURLUPART_HOST, 0);
	port = url_part(u, CURLUPART_PORT, CURLU_DEFAULT_PORT);
	path = url_part(u, CURLUPART_PATH, 0);
	if (!s->scheme || (strcasecmp(s->scheme, "http") && strcasecmp(s->scheme, "https"))) {
		rc = tlpress_error_set(err, TLPRESS_EUSAGE, "'%s': only http:// and https:// URLs "
				       "are fetched", url);
		goto out;
	}
	if (!s->host || !*s->host || !port) {
		rc = tlpress_error_set(err, TLPRESS_EUSAGE, "'%s' names no host; write "
				       "https://HOST/path/", url);
		goto out;
	}
	s->port = strtol(port, NULL, 10);
	/* the root is a folder: its URL ends with '/'; no query, no fragment */
	if (!path || !ends_with(path, "/")) {
		struct tlpress_buf p = TLPRESS_BUF_INIT;

		tlpress_buf_adds(&p, path ? path : "");
		tlpress_buf_addch(&p, '/');
		if (p.failed || curl_url_set(u, CURLUPART_PATH, p.ptr, 0)) {
			tlpress_buf_release(&p);
			rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
			goto out;
		}
		tlpress_buf_release(&p);
	}
	curl_url_set(u, CURLUPART_QUERY, NULL, 0);
	curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
	s->base = url_part(u, CURLUPART_URL, 0);
	s->h = curl_easy_init();
	if (!s->base || !s->h) {
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		goto out;
	}
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(s->h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(s->h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(s->h, CURLOPT_FOLLOWLOCATION, 0L); /* followed by hand: same host only */
	curl_easy_setopt(s->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->h, CURLOPT_CONNECTTIMEOUT, 20L);
	curl_easy_setopt(s->h, CURLOPT_TIMEOUT, timeout > 0 ? timeout : 300L);
	/* a transfer stalled below 16 bytes/s for 60 s is given up */
	curl_easy_setopt(s->h, CURLOPT_LOW_SPEED_LIMIT, 16L);
	curl_easy_setopt(s->h, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(s->h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(s->h, CURLOPT_USERAGENT, "tlpress-verify/" TLPRESS_VERSION);
	curl_easy_setopt(s->h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(s->h, CURLOPT_ERRORBUFFER, s->errbuf);
	curl_easy_setopt(s->h, CURLOPT_WRITEFUNCTION, on_data);
out:
	free(path);
	free(port);
	curl_url_cleanup(u);
	return rc;
}

/* rel, percent-encoded but for its slashes */
static void url_encode(struct tlpress_buf *out, const char *rel)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)rel; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~' || *p == '/') {
			tlpress_buf_addch(out, *p);
		} else {
			tlpress_buf_addch(out, '%');
			tlpress_buf_addch(out, hex[*p >> 4]);
			tlpress_buf_addch(out, hex[*p & 15]);
		}
	}
}

static int remote_get(struct source *s, const char *rel, size_t limit, struct tlpress_buf *out,
		      struct fetched *f, struct tlpress_error *err)
{
	struct tlpress_buf url = TLPRESS_BUF_INIT;
	struct sink k;
	int hops, rc = 0;

	tlpress_buf_adds(&url, s->base);
	url_encode(&url, rel);
	for (hops = 0;; hops++) {
		CURLcode cc;
		long code = 0;
		char *loc = NULL;

		if (url.failed) {
			rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
			break;
		}
		tlpress_buf_reset(out);
		k.h = s->h;
		k.out = out;
		k.limit = limit;
		k.toobig = k.nomem = 0;
		s->errbuf[0] = '\0';
		curl_easy_setopt(s->h, CURLOPT_URL, url.ptr);
		curl_easy_setopt(s->h, CURLOPT_WRITEDATA, &k);
		cc = curl_easy_perform(s->h);
		s->requests++;
		if (k.nomem) {
			rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
			break;
		}
		if (k.toobig) {
			f->st = FS_TOOBIG;
			break;
		}
		if (cc != CURLE_OK) {
			rc = tlpress_error_set(err, TLPRESS_ENET, "cannot fetch %s: %s; check the URL, "
					       "or try again later if the server is down", url.ptr,
					       s->errbuf[0] ? s->errbuf : curl_easy_strerror(cc));
			break;
		}
		curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &code);
		if (code >= 200 && code < 300) {
			f->st = FS_OK;
			break;
		}
		if (code == 404 || code == 410) {
			f->st = FS_NOTFOUND;
			break;
		}
		if (code == 301 || code == 302 || code == 303 || code == 307 || code == 308) {
			curl_easy_getinfo(s->h, CURLINFO_REDIRECT_URL, &loc);
			if (loc && hops < MAX_REDIRECTS && same_site(s, loc)) {
				char *next = strdup(loc);

				if (!next) {
					rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
					break;
				}
				tlpress_buf_reset(&url);
				tlpress_buf_adds(&url, next);
				free(next);
				continue;
			}
			f->st = FS_REDIRECT;
			f->loop = hops >= MAX_REDIRECTS;
			if (loc && !(f->where = strdup(loc)))
				rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
			break;
		}
		f->st = FS_HTTP;
		f->http = code;
		break;
	}
	if (f->st != FS_OK)
		tlpress_buf_reset(out);
	tlpress_buf_release(&url);
	return rc;
}

/* rel into out (reset first) with at most limit bytes; f says what was
 * found. An error only when nothing more can be fetched. */
static int src_get(struct source *s, const char *rel, size_t limit, struct tlpress_buf *out,
		   struct fetched *f, struct tlpress_error *err)
{
	memset(f, 0, sizeof(*f));
	tlpress_buf_reset(out);
	return s->remote ? remote_get(s, rel, limit, out, f, err) :
		local_get(s, rel, limit, out, f, err);
}

static void src_close(struct source *s)
{
	size_t i;

	for (i = 0; i < s->wn; i++)
		free(s->w[i].path);
	free(s->w);
	free(s->root);
	if (s->h)
		curl_easy_cleanup(s->h);
	free(s->base);
	free(s->scheme);
	free(s->host);
}

/* What a fetch that found no file says, for messages. */
static const char *fetched_why(const struct fetched *f, char *buf, size_t size)
{
	switch (f->st) {
	case FS_NOTFOUND: return "not found";
	case FS_TOOBIG: return "too large";
	case FS_NOTREG: return f->symlink ? "a symbolic link (not followed)" : "not a regular file";
	case FS_HTTP:
		snprintf(buf, size, "the server answered HTTP %ld", f->http);
		return buf;
	case FS_REDIRECT:
		if (f->loop)
			snprintf(buf, size, "more than %d redirects (the last to %.300s)",
				 MAX_REDIRECTS, f->where ? f->where : "?");
		else
			snprintf(buf, size, "redirected to %.300s, another host or from https to "
				 "http (not followed)", f->where ? f->where : "nowhere");
		return buf;
	case FS_SKIPPED: return "not read";
	case FS_OK: return "found";
	}
	return "?";
}

/* ---- checking every file on threads ---- */

struct unit {
	size_t e;                   /* the entry */
	size_t sig;                 /* the entry of its .asc, or NO_ENTRY */
	int needs_sig;              /* e is not itself a .asc */
	char *sigpath;              /* e's path + ".asc" when needs_sig (owned) */
	struct tlpress_buf data, sdata;
	struct fetched fd, fs;
	size_t bytes;               /* counted in flight */
};

struct aux {                        /* per entry, for the CSAF hash files */
	int have;                   /* read whole */
	unsigned char sha256[TLPRESS_SHA256_LEN];
	unsigned char sha512[TLPRESS_SHA512_LEN];
	int have512;
	char *text;                 /* a CSAF .sha256/.sha512 file (owned) */
	int text_big;               /* ... too large to be one */
};

struct job {
	struct tlpress_manifest *m;
	struct aux *aux;
	struct unit *u;
	size_t nu;
	struct tlpress_verifier *v; /* the key, one context per worker */
	int remote;
	pthread_mutex_t mu;
	pthread_cond_t cv_work, cv_room;
	size_t produced, taken;     /* units fetched, units handed to workers */
	size_t inflight;
	int closed;
	pthread_mutex_t rmu;        /* guards r */
	struct tlpress_verify_result *r;
	atomic_int nomem;
	atomic_size_t sigs, checked;
};

static void report(struct job *j, enum tlpress_vkind k, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(struct job *j, enum tlpress_vkind k, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pthread_mutex_lock(&j->rmu);
	if (vadd_problem(j->r, k, path, fmt, ap))
		j->nomem = 1;
	pthread_mutex_unlock(&j->rmu);
	va_end(ap);
}

/* .well-known/csaf/<tlp>/<year>/<name>.json */
static int is_csaf_doc(const char *p)
{
	const char *a, *b;

	if (strncmp(p, CSAF_PREFIX, strlen(CSAF_PREFIX)) || !ends_with(p, ".json"))
		return 0;
	p += strlen(CSAF_PREFIX);
	a = strchr(p, '/');
	if (!a || a == p)
		return 0;
	b = strchr(a + 1, '/');
	return b && b > a + 1 && !strchr(b + 1, '/') && strlen(b + 1) > strlen(".json");
}

static int is_csaf_hashfile(const char *p)
{
	size_t n = strlen(p);
	char tmp[4096];

	if (n >= sizeof(tmp) || (!ends_with(p, ".json.sha256") && !ends_with(p, ".json.sha512")))
		return 0;
	memcpy(tmp, p, n - 7);
	tmp[n - 7] = '\0';
	return is_csaf_doc(tmp);
}

/* The size and SHA-256 of entry e against what was fetched. */
static void check_entry(struct job *j, size_t e, const struct tlpress_buf *data,
			const struct fetched *f)
{
	struct tlpress_mentry *me = &j->m->v[e];
	struct aux *a = &j->aux[e];
	char why[512];

	switch (f->st) {
	case FS_OK:
		break;
	case FS_NOTFOUND:
		report(j, TLPRESS_V_MISSING, me->path, NULL);
		return;
	case FS_SKIPPED:
		report(j, TLPRESS_V_BAD, me->path, "the manifest says %llu bytes, more than "
		       "tlpress verify reads (%zu MiB): not checked", me->size,
		       TLPRESS_VERIFY_MAX_FILE >> 20);
		return;
	case FS_TOOBIG:
		if (f->size)
			report(j, TLPRESS_V_CHANGED, me->path, "size differs from the manifest (%llu "
			       "bytes, the manifest says %llu)", f->size, me->size);
		else
			report(j, TLPRESS_V_CHANGED, me->path, "size differs from the manifest (more "
			       "than %llu bytes, the manifest says %llu)",
			       me->size + (unsigned long long)SLACK, me->size);
		return;
	case FS_NOTREG:
		report(j, TLPRESS_V_BAD, me->path, "%s", fetched_why(f, why, sizeof(why)));
		return;
	case FS_HTTP:
	case FS_REDIRECT:
		report(j, TLPRESS_V_MISSING, me->path, "%s", fetched_why(f, why, sizeof(why)));
		return;
	}
	tlpress_sha256(data->ptr, data->len, a->sha256);
	a->have = 1;
	if (data->len != me->size)
		report(j, TLPRESS_V_CHANGED, me->path, "size differs from the manifest (%zu bytes, "
		       "the manifest says %llu)", data->len, me->size);
	else if (memcmp(a->sha256, me->sha256, TLPRESS_SHA256_LEN))
		report(j, TLPRESS_V_CHANGED, me->path, "SHA-256 differs from the manifest");
	else
		atomic_fetch_add(&j->checked, 1);
	if (is_csaf_doc(me->path)) {
		tlpress_sha512(data->ptr, data->len, a->sha512);
		a->have512 = 1;
	} else if (is_csaf_hashfile(me->path)) {
		if (data->len > HASHFILE_LIMIT)
			a->text_big = 1;
		else if (!(a->text = strndup(data->ptr, data->len)))
			j->nomem = 1;
	}
}

/* Check unit u with worker w's context. */
static void process(struct job *j, struct unit *u, int w)
{
	const char *path = j->m->v[u->e].path;
	char why[512];

	check_entry(j, u->e, &u->data, &u->fd);
	if (u->sig != NO_ENTRY)
		check_entry(j, u->sig, &u->sdata, &u->fs);
	if (!u->needs_sig)
		return;
	if (u->fs.st == FS_NOTFOUND) {
		report(j, TLPRESS_V_UNSIGNED, path, "no %s", u->sigpath);
		return;
	}
	if (u->fs.st != FS_OK) {
		report(j, TLPRESS_V_UNSIGNED, path, "its signature %s cannot be read: %s", u->sigpath,
		       fetched_why(&u->fs, why, sizeof(why)));
		return;
	}
	if (u->sig == NO_ENTRY && j->remote)
		report(j, TLPRESS_V_UNLISTED, u->sigpath, "not in the manifest");
	if (u->fd.st == FS_OK) {
		if (tlpress_verifier_check(j->v, w, u->data.ptr, u->data.len, u->sdata.ptr,
					   u->sdata.len, NULL, why, sizeof(why)))
			report(j, TLPRESS_V_BAD, path, "signature does not verify (%s)", why);
		else
			atomic_fetch_add(&j->sigs, 1);
	}
}

static void unit_free(struct unit *u)
{
	tlpress_buf_release(&u->data);
	tlpress_buf_release(&u->sdata);
	free(u->fd.where);
	free(u->fs.where);
	u->fd.where = u->fs.where = NULL;
}

struct worker_arg {
	struct job *j;
	int w;
};

static void *worker(void *arg)
{
	struct job *j = ((struct worker_arg *)arg)->j;
	int w = ((struct worker_arg *)arg)->w;
	struct unit *u;

	for (;;) {
		pthread_mutex_lock(&j->mu);
		while (j->taken == j->produced && !j->closed)
			pthread_cond_wait(&j->cv_work, &j->mu);
		if (j->taken == j->produced) {
			pthread_mutex_unlock(&j->mu);
			break;
		}
		u = &j->u[j->taken++];
		pthread_mutex_unlock(&j->mu);
		process(j, u, w);
		unit_free(u);
		pthread_mutex_lock(&j->mu);
		j->inflight -= u->bytes;
		pthread_cond_signal(&j->cv_room);
		pthread_mutex_unlock(&j->mu);
	}
	return NULL;
}

static size_t fetch_limit(unsigned long long size)
{
	return size > TLPRESS_VERIFY_MAX_FILE - SLACK ? TLPRESS_VERIFY_MAX_FILE : (size_t)size + SLACK;
}

/* Fetch unit u on the calling thread. */
static int fetch_unit(struct source *s, struct job *j, struct unit *u, struct tlpress_error *err)
{
	struct tlpress_mentry *me = &j->m->v[u->e];
	int rc = 0;

	if (me->size > TLPRESS_VERIFY_MAX_FILE)
		u->fd.st = FS_SKIPPED;
	else
		rc = src_get(s, me->path, fetch_limit(me->size), &u->data, &u->fd, err);
	if (!rc && u->needs_sig) {
		if (u->sig == NO_ENTRY)
			rc = src_get(s, u->sigpath, SIG_LIMIT, &u->sdata, &u->fs, err);
		else if (j->m->v[u->sig].size > TLPRESS_VERIFY_MAX_FILE)
			u->fs.st = FS_SKIPPED;
		else
			rc = src_get(s, u->sigpath, fetch_limit(j->m->v[u->sig].size), &u->sdata,
				     &u->fs, err);
	}
	u->bytes = u->data.len + u->sdata.len + UNIT_OVERHEAD;
	return rc;
}

static int build_units(struct job *j)
{
	struct tlpress_manifest *m = j->m;
	size_t i;

	j->u = calloc(m->n ? m->n : 1, sizeof(*j->u));
	if (!j->u)
		return TLPRESS_ENOMEM;
	for (i = 0; i < m->n; i++) {
		const char *p = m->v[i].path;
		struct unit *u;

		if (m->v[i].mark)
			continue;
		if (ends_with(p, ".asc")) {
			/* the signature of a listed file goes with that file */
			size_t n = strlen(p) - 4;
			char *base = strndup(p, n);
			struct tlpress_mentry *be;

			if (!base)
				return TLPRESS_ENOMEM;
			be = n ? tlpress_manifest_find(m, base) : NULL;
			free(base);
			if (be && !be->mark && !ends_with(be->path, ".asc"))
				continue;
		}
		u = &j->u[j->nu++];
		u->e = i;
		u->sig = NO_ENTRY;
		tlpress_buf_init(&u->data, 0);
		tlpress_buf_init(&u->sdata, 0);
		if (!ends_with(p, ".asc")) {
			struct tlpress_buf sp = TLPRESS_BUF_INIT;
			struct tlpress_mentry *se;

			tlpress_buf_adds(&sp, p);
			tlpress_buf_adds(&sp, ".asc");
			if (sp.failed)
				return TLPRESS_ENOMEM;
			u->needs_sig = 1;
			u->sigpath = tlpress_buf_detach(&sp, NULL);
			se = tlpress_manifest_find(m, u->sigpath);
			if (se && !se->mark)
				u->sig = (size_t)(se - m->v);
		}
	}
	return 0;
}

/* Fetch every unit here, check them on `jobs` threads. */
static int run_units(struct source *s, struct job *j, int jobs, struct tlpress_error *err)
{
	pthread_t th[TLPRESS_VERIFY_MAX_JOBS];
	struct worker_arg wa[TLPRESS_VERIFY_MAX_JOBS];
	int i, started = 0, rc = 0;
	size_t k;

	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv_work, NULL);
	pthread_cond_init(&j->cv_room, NULL);
	if ((size_t)jobs > j->nu)
		jobs = (int)j->nu;
	for (i = 0; i < jobs; i++) {
		wa[i].j = j;
		wa[i].w = i;
		if (pthread_create(&th[i], NULL, worker, &wa[i]) != 0)
			break;
		started++;
	}
	for (k = 0; k < j->nu && !rc; k++) {
		struct unit *u = &j->u[k];

		rc = fetch_unit(s, j, u, err);
		if (rc) {
			unit_free(u);
			break;
		}
		if (!started) {
			/* no thread could start: check it here */
			process(j, u, 0);
			unit_free(u);
			continue;
		}
		pthread_mutex_lock(&j->mu);
		while (j->inflight > 0 && j->inflight + u->bytes > INFLIGHT_LIMIT)
			pthread_cond_wait(&j->cv_room, &j->mu);
		j->inflight += u->bytes;
		j->produced++;
		pthread_cond_signal(&j->cv_work);
		pthread_mutex_unlock(&j->mu);
	}
	pthread_mutex_lock(&j->mu);
	j->closed = 1;
	pthread_cond_broadcast(&j->cv_work);
	pthread_mutex_unlock(&j->mu);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_cond_destroy(&j->cv_work);
	pthread_cond_destroy(&j->cv_room);
	pthread_mutex_destroy(&j->mu);
	return rc;
}

/* ---- CSAF hash files ---- */

/* "<hex>  <name>\n" (sha256sum's format; '*' for binary mode too) */
static void check_hashfile(struct job *j, const char *path, const char *text,
			   const unsigned char *digest, size_t dlen, const char *docname)
{
	char hex[2 * TLPRESS_SHA512_LEN + 1];
	size_t n = strlen(text), h = 2 * dlen, k = strlen(docname), i;
	const char *name;
	int ok;

	ok = n >= h + 2 + k && text[h] == ' ' && (text[h + 1] == ' ' || text[h + 1] == '*');
	for (i = 0; ok && i < h; i++)
		if (!((text[i] >= '0' && text[i] <= '9') || ((text[i] | 0x20) >= 'a' &&
							     (text[i] | 0x20) <= 'f')))
			ok = 0;
	if (ok) {
		name = text + h + 2;
		ok = !strncmp(name, docname, k) && (name[k] == '\0' || !strcmp(name + k, "\n"));
	}
	if (!ok) {
		report(j, TLPRESS_V_BAD, path, "not a hash file in sha%zusum's format "
		       "(\"<hex>  %s\")", dlen * 8, docname);
		return;
	}
	tlpress_hex(digest, dlen, hex);
	if (strncasecmp(text, hex, h))
		report(j, TLPRESS_V_BAD, path, "does not match the SHA-%zu of %s", dlen * 8, docname);
}

static void check_csaf(struct job *j)
{
	struct tlpress_manifest *m = j->m;
	struct tlpress_buf p = TLPRESS_BUF_INIT;
	size_t i, x;

	for (i = 0; i < m->n; i++) {
		const char *doc = m->v[i].path, *docname;

		if (m->v[i].mark || !is_csaf_doc(doc))
			continue;
		docname = strrchr(doc, '/') + 1;
		for (x = 0; x < 2; x++) {
			const char *ext = x ? ".sha512" : ".sha256";
			struct tlpress_mentry *he;
			struct aux *a;

			tlpress_buf_reset(&p);
			tlpress_buf_adds(&p, doc);
			tlpress_buf_adds(&p, ext);
			if (p.failed) {
				j->nomem = 1;
				break;
			}
			he = tlpress_manifest_find(m, p.ptr);
			if (!he || he->mark) {
				report(j, TLPRESS_V_MISSING, p.ptr, "a CSAF document needs it, and the "
				       "manifest does not list it");
				continue;
			}
			a = &j->aux[he - m->v];
			if (a->text_big)
				report(j, TLPRESS_V_BAD, p.ptr, "too large for a hash file");
			if (!a->text || !j->aux[i].have)
				continue; /* missing or changed: said already */
			if (x)
				check_hashfile(j, p.ptr, a->text, j->aux[i].sha512, TLPRESS_SHA512_LEN,
					       docname);
			else
				check_hashfile(j, p.ptr, a->text, j->aux[i].sha256, TLPRESS_SHA256_LEN,
					       docname);
		}
	}
	tlpress_buf_release(&p);
}

/* ---- the manifest ---- */

/* Whether text starts with the manifest's first line. */
static int manifest_header_ok(const char *text, size_t len)
{
	static const char h[] = "# tlpress manifest 1\n";

	return len >= sizeof(h) - 1 && !memcmp(text, h, sizeof(h) - 1);
}

/* The fingerprint of the "# signer:" line into fpr (41 bytes, upper-case):
 * 1 found, 0 none, -1 not a fingerprint. */
static int manifest_signer(const char *text, size_t len, char *fpr)
{
	static const char key[] = "# signer:";
	size_t i = 0;

	fpr[0] = '\0';
	while (i < len) {
		const char *eol = memchr(text + i, '\n', len - i);
		size_t n = eol ? (size_t)(eol - (text + i)) : len - i;
		const char *p = text + i;

		i += n + 1;
		if (n == 0 || p[0] != '#')
			break;
		if (n >= sizeof(key) - 1 && !memcmp(p, key, sizeof(key) - 1)) {
			size_t k = sizeof(key) - 1, f = 0;

			while (k < n && p[k] == ' ')
				k++;
			for (; k < n && f < 40; k++, f++) {
				char c = p[k];

				if (c >= 'a' && c <= 'f')
					c = (char)(c - 'a' + 'A');
				if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')))
					return -1;
				fpr[f] = c;
			}
			while (k < n && (p[k] == ' ' || p[k] == '\r'))
				k++;
			fpr[f] = '\0';
			return f == 40 && k == n ? 1 : -1;
		}
	}
	return 0;
}

int tlpress_verify_tree(const struct tlpress_verify_opts *o, struct tlpress_verify_result *r,
			struct tlpress_error *err)
{
	struct source s;
	struct tlpress_buf mtext = TLPRESS_BUF_INIT, masc = TLPRESS_BUF_INIT, kbuf = TLPRESS_BUF_INIT;
	struct tlpress_manifest m = TLPRESS_MANIFEST_INIT;
	struct tlpress_error e = TLPRESS_ERROR_INIT;
	struct fetched fm, fa, fk;
	struct job j;
	char signer[41], fpr[41];
	char why[512];
	int rc, has_signer, jobs_init = 0;
	size_t i;

	memset(&s, 0, sizeof(s));
	memset(&j, 0, sizeof(j));
	memset(&fm, 0, sizeof(fm));
	memset(&fa, 0, sizeof(fa));
	memset(&fk, 0, sizeof(fk));
	if (!o || !o->tree || !*o->tree || !r || o->jobs < 1 || o->jobs > TLPRESS_VERIFY_MAX_JOBS)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "tlpress_verify_tree: bad arguments");
	rc = tlpress_verify_is_url(o->tree);
	if (rc < 0)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "'%s': only http:// and https:// URLs "
					 "are fetched", o->tree);
	rc = rc ? remote_open(&s, o->tree, o->timeout, err) : local_open(&s, o->tree, err);
	if (rc)
		goto out;

	/* 1. the manifest and its signature */
	rc = src_get(&s, TLPRESS_MANIFEST_NAME, MANIFEST_LIMIT, &mtext, &fm, err);
	if (rc)
		goto out;
	if (fm.st != FS_OK) {
		if (fm.st == FS_NOTFOUND)
			rc = tlpress_error_set(err, TLPRESS_EIO, "%s has no %s: it is not a tree that "
					       "tlpress published, or not its root; give the folder or "
					       "URL that holds %s", o->tree, TLPRESS_MANIFEST_NAME,
					       TLPRESS_MANIFEST_NAME);
		else
			rc = tlpress_error_set(err, TLPRESS_EIO, "cannot read %s in %s: %s",
					       TLPRESS_MANIFEST_NAME, o->tree,
					       fetched_why(&fm, why, sizeof(why)));
		free(fm.where);
		goto out;
	}
	rc = src_get(&s, MANIFEST_ASC, SIG_LIMIT, &masc, &fa, err);
	if (rc)
		goto out;
	if (!manifest_header_ok(mtext.ptr, mtext.len) &&
	    (rc = add_problem(r, TLPRESS_V_BAD, TLPRESS_MANIFEST_NAME, "not a tlpress manifest: "
			      "its first line is not '# tlpress manifest 1'")))
		goto nomem;
	has_signer = manifest_signer(mtext.ptr, mtext.len, signer);

	/* 2. the key */
	if (o->keyfile) {
		copy_str(r->key_source, sizeof(r->key_source), o->keyfile);
		if ((rc = tlpress_read_file(o->keyfile, KEY_LIMIT, &kbuf, NULL, err)))
			goto out;
	} else {
		char rel[64];

		if (has_signer <= 0) {
			rc = tlpress_error_set(err, TLPRESS_EINVAL, "cannot tell the publisher's key: "
					       "%s in %s %s; give the key with --key FILE", TLPRESS_MANIFEST_NAME,
					       o->tree, has_signer ? "has a '# signer:' line that is not "
					       "a fingerprint" : "names no signer ('# signer: FPR')");
			goto out;
		}
		snprintf(rel, sizeof(rel), "openpgp/%s.asc", signer);
		r->key_from_tree = 1;
		copy_str(r->key_source, sizeof(r->key_source), rel);
		rc = src_get(&s, rel, KEY_LIMIT, &kbuf, &fk, err);
		if (rc)
			goto out;
		if (fk.st != FS_OK) {
			rc = tlpress_error_set(err, TLPRESS_EIO, "cannot read the publisher's key %s, "
					       "which %s names ('# signer: %s'): %s; give the key "
					       "with --key FILE", rel, TLPRESS_MANIFEST_NAME, signer,
					       fetched_why(&fk, why, sizeof(why)));
			free(fk.where);
			goto out;
		}
	}
	/* imported into a GnuPG home of its own, with one context per worker */
	if ((rc = tlpress_verifier_open(&j.v, kbuf.ptr, kbuf.len, r->key_source, o->jobs, r->fpr,
					err)))
		goto out;
	tlpress_buf_release(&kbuf);

	/* 3. the manifest's signature */
	if (fa.st == FS_OK) {
		rc = tlpress_verifier_verify_detached(j.v, mtext.ptr, mtext.len, masc.ptr, masc.len,
						      fpr, &e);
		if (rc && (rc == TLPRESS_ENOMEM || rc == TLPRESS_EIO)) {
			if (err)
				*err = e;
			goto out;
		}
		if (rc) {
			rc = add_problem(r, TLPRESS_V_BAD, TLPRESS_MANIFEST_NAME, "signature does not "
					 "verify (%s)", e.msg);
		} else {
			r->manifest_ok = 1;
			r->signatures++;
			copy_str(r->fpr, sizeof(r->fpr), fpr);
			if (has_signer > 0 && strcasecmp(signer, fpr))
				rc = add_problem(r, TLPRESS_V_BAD, TLPRESS_MANIFEST_NAME, "signed by %s, "
						 "but its '# signer:' line names %s", fpr, signer);
			else if (has_signer < 0)
				rc = add_problem(r, TLPRESS_V_BAD, TLPRESS_MANIFEST_NAME, "its '# signer:' "
						 "line is not a fingerprint");
		}
	} else if (fa.st == FS_NOTFOUND) {
		rc = add_problem(r, TLPRESS_V_UNSIGNED, TLPRESS_MANIFEST_NAME, "no %s", MANIFEST_ASC);
	} else {
		rc = add_problem(r, TLPRESS_V_UNSIGNED, TLPRESS_MANIFEST_NAME, "its signature %s "
				 "cannot be read: %s", MANIFEST_ASC, fetched_why(&fa, why, sizeof(why)));
	}
	free(fa.where);
	fa.where = NULL;
	if (rc)
		goto nomem;
	if (r->fpr[0]) {
		struct tlpress_keyinfo ki;

		if (!tlpress_verifier_key_lookup(j.v, r->fpr, (long long)time(NULL), &ki, NULL))
			copy_str(r->uid, sizeof(r->uid), ki.uid);
	}

	/* 4. the list */
	if (tlpress_manifest_parse(&m, mtext.ptr, mtext.len, TLPRESS_MANIFEST_NAME, &e)) {
		if (e.code == TLPRESS_ENOMEM) {
			rc = TLPRESS_ENOMEM;
			goto nomem;
		}
		if ((rc = add_problem(r, TLPRESS_V_BAD, TLPRESS_MANIFEST_NAME, "%s; nothing else "
				      "was checked", e.msg)))
			goto nomem;
		goto sort;
	}
	tlpress_buf_release(&mtext);
	for (i = 0; i < m.n; i++) {
		/* the manifest does not list itself: such a line is ignored */
		m.v[i].mark = !strcmp(m.v[i].path, TLPRESS_MANIFEST_NAME) ||
			!strcmp(m.v[i].path, MANIFEST_ASC);
		if (!m.v[i].mark)
			r->files++;
	}

	/* 5. every file, its signature and the CSAF hash files */
	j.m = &m;
	j.r = r;
	j.remote = s.remote;
	atomic_init(&j.sigs, 0);
	atomic_init(&j.checked, 0);
	pthread_mutex_init(&j.rmu, NULL);
	jobs_init = 1;
	j.aux = calloc(m.n ? m.n : 1, sizeof(*j.aux));
	if (!j.aux || build_units(&j)) {
		rc = TLPRESS_ENOMEM;
		goto nomem;
	}
	rc = run_units(&s, &j, o->jobs, err);
	r->signatures += atomic_load(&j.sigs);
	r->checked = atomic_load(&j.checked);
	if (rc)
		goto out;
	check_csaf(&j);

	/* 6. in a folder: files the manifest does not list */
	for (i = 0; i < s.wn; i++) {
		const struct wentry *we = &s.w[i];
		struct tlpress_mentry *me;

		if (!strcmp(we->path, TLPRESS_MANIFEST_NAME) || !strcmp(we->path, MANIFEST_ASC))
			continue;
		me = tlpress_path_check(we->path) ? NULL : tlpress_manifest_find(&m, we->path);
		if (me && !me->mark)
			continue;
		report(&j, TLPRESS_V_UNLISTED, we->path, we->type == W_LINK ? "a symbolic link" :
		       we->type == W_OTHER ? "not a regular file" : NULL);
	}
	if (j.nomem) {
		rc = TLPRESS_ENOMEM;
		goto nomem;
	}
sort:
	if (r->n > 1)
		qsort(r->v, r->n, sizeof(*r->v), cmp_problem);
	rc = 0;
	goto out;
nomem:
	rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
out:
	if (j.u) {
		for (i = 0; i < j.nu; i++) {
			unit_free(&j.u[i]);
			free(j.u[i].sigpath);
		}
		free(j.u);
	}
	if (j.aux) {
		for (i = 0; i < m.n; i++)
			free(j.aux[i].text);
		free(j.aux);
	}
	if (jobs_init)
		pthread_mutex_destroy(&j.rmu);
	tlpress_verifier_close(j.v);
	r->requests = s.requests;
	tlpress_manifest_release(&m);
	tlpress_buf_release(&mtext);
	tlpress_buf_release(&masc);
	tlpress_buf_release(&kbuf);
	free(fa.where);
	src_close(&s);
	return rc;
}
