/* manifest.c - the list of every file in a tree; see manifest.h */
#include "manifest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bigmem.h"
#include "fsutil.h"
#include "strutil.h"

int tlpress_manifest_add(struct tlpress_manifest *m, const char *path,
			 unsigned long long size, const unsigned char sha256[TLPRESS_SHA256_LEN])
{
	struct tlpress_mentry *e;

	if (m->n == m->cap) {
		size_t nc = m->cap ? m->cap * 2 : 256;
		struct tlpress_mentry *v = tlpress_big_grow(m->v, &m->maplen, nc * sizeof(*v));

		if (!v)
			return TLPRESS_ENOMEM;
		m->v = v;
		m->cap = nc;
	}
	e = &m->v[m->n];
	e->path = tlpress_strpool_dup(&m->paths, path, strlen(path));
	if (!e->path)
		return TLPRESS_ENOMEM;
	e->size = size;
	memcpy(e->sha256, sha256, TLPRESS_SHA256_LEN);
	e->mark = 0;
	if (m->n && m->sorted && strcmp(m->v[m->n - 1].path, path) >= 0)
		m->sorted = 0;
	m->n++;
	return 0;
}

static int cmp_path(const void *a, const void *b)
{
	const struct tlpress_mentry *x = a, *y = b;

	return strcmp(x->path, y->path);
}

static int cmp(const void *a, const void *b)
{
	const struct tlpress_mentry *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	/* equal paths: keep insertion order, so that the last one wins */
	return c ? c : (x < y ? -1 : x > y);
}

void tlpress_manifest_sort(struct tlpress_manifest *m)
{
	size_t i, j;

	if (m->sorted)
		return;
	/* stable (the last of equal paths wins), and quick on what a build
	 * adds: each kind of file in the order of the advisories, a few
	 * sorted runs (qsort() took 5 ms on the 34,000 of 10,000 advisories) */
	if (tlpress_sort_runs(m->v, m->n, sizeof(*m->v), cmp_path))
		qsort(m->v, m->n, sizeof(*m->v), cmp); /* out of memory */
	for (i = j = 0; i < m->n; i++) {
		if (i + 1 < m->n && !strcmp(m->v[i].path, m->v[i + 1].path))
			continue; /* its path stays in the pool until the release */
		m->v[j++] = m->v[i];
	}
	m->n = j;
	m->sorted = 1;
}

int tlpress_manifest_walk(struct tlpress_manifest *a, struct tlpress_manifest *b,
			  int (*fn)(void *ctx, struct tlpress_mentry *x, struct tlpress_mentry *y),
			  void *ctx)
{
	size_t i = 0, j = 0;
	int r = 0;

	tlpress_manifest_sort(a);
	tlpress_manifest_sort(b);
	while (!r && (i < a->n || j < b->n)) {
		struct tlpress_mentry *x = i < a->n ? &a->v[i] : NULL;
		struct tlpress_mentry *y = j < b->n ? &b->v[j] : NULL;
		int c = !x ? 1 : !y ? -1 : strcmp(x->path, y->path);

		r = fn(ctx, c <= 0 ? x : NULL, c >= 0 ? y : NULL);
		i += c <= 0;
		j += c >= 0;
	}
	return r;
}

struct tlpress_mentry *tlpress_manifest_find_near(struct tlpress_manifest *m, const char *path,
						 size_t *hint)
{
	struct tlpress_mentry key;

	tlpress_manifest_sort(m);
	key.path = (char *)path;
	return tlpress_search_near(&key, m->v, m->n, sizeof(*m->v), cmp_path, hint);
}

struct tlpress_mentry *tlpress_manifest_find(struct tlpress_manifest *m, const char *path)
{
	size_t none = (size_t)-1;

	return tlpress_manifest_find_near(m, path, &none);
}

/* The two hex digits of each byte, one after the other */
#define HEX_ROW(h) h "0" h "1" h "2" h "3" h "4" h "5" h "6" h "7" \
	h "8" h "9" h "a" h "b" h "c" h "d" h "e" h "f"
static const char hex_pairs[] =
	HEX_ROW("0") HEX_ROW("1") HEX_ROW("2") HEX_ROW("3") HEX_ROW("4") HEX_ROW("5")
	HEX_ROW("6") HEX_ROW("7") HEX_ROW("8") HEX_ROW("9") HEX_ROW("a") HEX_ROW("b")
	HEX_ROW("c") HEX_ROW("d") HEX_ROW("e") HEX_ROW("f");
#undef HEX_ROW

/* The line of e, "<sha256 hex> <size> <path>\n", written at out: what
 * tlpress_hex() and "%llu" give, without a call for each (a manifest of
 * 34,000 lines is written by every build). Its length. */
static size_t format_line(const struct tlpress_mentry *e, size_t plen, char *out)
{
	char digits[20];
	unsigned long long size = e->size;
	size_t i, k, nd = 0;

	for (i = 0; i < TLPRESS_SHA256_LEN; i++)
		memcpy(out + 2 * i, hex_pairs + 2 * e->sha256[i], 2);
	k = 2 * TLPRESS_SHA256_LEN;
	out[k++] = ' ';
	do
		digits[nd++] = (char)('0' + size % 10);
	while ((size /= 10));
	while (nd)
		out[k++] = digits[--nd];
	out[k++] = ' ';
	memcpy(out + k, e->path, plen);
	k += plen;
	out[k++] = '\n';
	return k;
}

int tlpress_manifest_format(struct tlpress_manifest *m, struct tlpress_buf *out)
{
	size_t i, all = 0;

	tlpress_manifest_sort(m);
	/* the whole text's room at once: growing to it by doubling copied
	 * it several times, onto fresh pages each time */
	for (i = 0; i < m->n; i++)
		all += 2 * TLPRESS_SHA256_LEN + 23 + strlen(m->v[i].path);
	tlpress_buf_grow(out, all + 256);
	tlpress_buf_adds(out, "# tlpress manifest 1\n");
	if (m->clearance[0])
		tlpress_buf_printf(out, "# clearance: %s\n", m->clearance);
	if (m->signer[0])
		tlpress_buf_printf(out, "# signer: %s\n", m->signer);
	for (i = 0; i < m->n; i++) {
		size_t plen = strlen(m->v[i].path);

		/* hex, a space, up to 20 digits, a space, the path, a newline */
		if (tlpress_buf_grow(out, 2 * TLPRESS_SHA256_LEN + 23 + plen) < 0)
			break;
		out->len += format_line(&m->v[i], plen, out->ptr + out->len);
		out->ptr[out->len] = '\0';
	}
	return out->failed ? TLPRESS_ENOMEM : 0;
}

/* The value of each hex digit as the high and as the low half of a byte,
 * with 0x100 for "a digit": tlpress_unhex()'s rule, here with two loads,
 * an "or" and an "and" for each byte, for the 34,000 lines of a manifest
 * read by every build. */
#define HEX_DIGITS(s) \
	['0'] = 0x100 | 0 << s, ['1'] = 0x100 | 1 << s, ['2'] = 0x100 | 2 << s, \
	['3'] = 0x100 | 3 << s, ['4'] = 0x100 | 4 << s, ['5'] = 0x100 | 5 << s, \
	['6'] = 0x100 | 6 << s, ['7'] = 0x100 | 7 << s, ['8'] = 0x100 | 8 << s, \
	['9'] = 0x100 | 9 << s, \
	['a'] = 0x100 | 10 << s, ['b'] = 0x100 | 11 << s, ['c'] = 0x100 | 12 << s, \
	['d'] = 0x100 | 13 << s, ['e'] = 0x100 | 14 << s, ['f'] = 0x100 | 15 << s, \
	['A'] = 0x100 | 10 << s, ['B'] = 0x100 | 11 << s, ['C'] = 0x100 | 12 << s, \
	['D'] = 0x100 | 13 << s, ['E'] = 0x100 | 14 << s, ['F'] = 0x100 | 15 << s
static const unsigned short hex_high[256] = { HEX_DIGITS(4) };
static const unsigned short hex_low[256] = { HEX_DIGITS(0) };
#undef HEX_DIGITS

/* 0, or -1 when a byte of the 64 is not a hex digit */
static int unhex_sha256(const char *hex, unsigned char sha[TLPRESS_SHA256_LEN])
{
	const unsigned char *h = (const unsigned char *)hex;
	unsigned all = 0x100;
	size_t i;

	for (i = 0; i < TLPRESS_SHA256_LEN; i++) {
		unsigned hi = hex_high[h[2 * i]], lo = hex_low[h[2 * i + 1]];

		all &= hi & lo;
		sha[i] = (unsigned char)(hi | lo);
	}
	return all ? 0 : -1;
}

/* A file's line p (n bytes, no newline): its SHA-256, size and path (a
 * copy into path, NUL-terminated, and *pp at the line's own bytes); 0, or
 * -1 when it is malformed or the path is not a clean relative one. */
static int parse_line(const char *p, size_t n, unsigned char sha[TLPRESS_SHA256_LEN],
		      unsigned long long *size, char path[4096], const char **pp)
{
	size_t k = 2 * TLPRESS_SHA256_LEN + 1;

	if (n < 2 * TLPRESS_SHA256_LEN + 4 || p[2 * TLPRESS_SHA256_LEN] != ' ' ||
	    unhex_sha256(p, sha) || p[k] < '0' || p[k] > '9')
		return -1;
	*size = 0;
	while (k < n && p[k] >= '0' && p[k] <= '9')
		*size = *size * 10 + (unsigned long long)(p[k++] - '0');
	if (k >= n || p[k] != ' ' || n - k - 1 >= 4096 || n - k - 1 == 0)
		return -1;
	memcpy(path, p + k + 1, n - k - 1);
	path[n - k - 1] = '\0';
	*pp = p + k + 1;
	return tlpress_path_check(path) ? -1 : 0;
}

/* A comment line p (n bytes, no newline): its "# clearance: " or "# signer: "
 * value into clearance or signer (when given, and when it fits). */
static void comment(const char *p, size_t n, char clearance[24], char signer[48])
{
	if (clearance && n > 13 && !strncmp(p, "# clearance: ", 13) && n - 13 < 24) {
		memcpy(clearance, p + 13, n - 13);
		clearance[n - 13] = '\0';
	}
	if (signer && n > 10 && !strncmp(p, "# signer: ", 10) && n - 10 < 48) {
		memcpy(signer, p + 10, n - 10);
		signer[n - 10] = '\0';
	}
}

void tlpress_manifest_heading(const char *s, size_t len, char clearance[24], char signer[48])
{
	size_t i = 0;

	clearance[0] = signer[0] = '\0';
	while (i < len && s[i] == '#') {
		const char *eol = memchr(s + i, '\n', len - i);
		size_t n = eol ? (size_t)(eol - (s + i)) : len - i;

		comment(s + i, n, clearance, signer);
		i += n + 1;
	}
}

int tlpress_manifest_parse(struct tlpress_manifest *m, const char *s, size_t len,
			   const char *name, struct tlpress_error *err)
{
	size_t i = 0;
	unsigned line = 0;

	while (i < len) {
		const char *eol = memchr(s + i, '\n', len - i);
		size_t n = eol ? (size_t)(eol - (s + i)) : len - i;
		const char *p = s + i, *pp;
		unsigned char sha[TLPRESS_SHA256_LEN];
		unsigned long long size = 0;
		char path[4096];

		line++;
		i += n + 1;
		if (n == 0)
			continue;
		if (p[0] == '#') {
			comment(p, n, m->clearance, m->signer);
			continue;
		}
		if (parse_line(p, n, sha, &size, path, &pp))
			goto bad;
		if (tlpress_manifest_add(m, path, size, sha))
			return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		continue;
bad:
		return tlpress_error_set(err, TLPRESS_EINVAL, "%s:%u: malformed manifest line; "
					 "remove the file to rebuild the whole tree", name, line);
	}
	tlpress_manifest_sort(m);
	return 0;
}

int tlpress_manifest_load(struct tlpress_manifest *m, const char *path,
			  struct tlpress_error *err)
{
	const char *text;
	size_t len;
	int errnum, r;

	/* mapped: a tree of 10,000 advisories has a manifest of 4 MB */
	r = tlpress_map_file(path, (size_t)256 << 20, &text, &len, &errnum, err);
	if (r)
		return errnum == ENOENT ? 0 : r;
	r = tlpress_manifest_parse(m, text, len, path, err);
	tlpress_unmap_file(text, len);
	return r;
}

/* a and b, of lengths an and bn, as strcmp() orders them */
static int cmp_n(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	return c ? c : (an > bn) - (an < bn);
}

int tlpress_manifest_diff_file(const char *path, struct tlpress_manifest *m,
			       char clearance[24], int (*fn)(void *ctx, const char *path),
			       void *ctx)
{
	const char *s, *prev = NULL;
	size_t len, i = 0, j = 0, prevlen = 0;
	char buf[4096];
	int r = 0;

	clearance[0] = '\0';
	if (tlpress_map_file(path, (size_t)256 << 20, &s, &len, NULL, NULL))
		return -1;
	tlpress_manifest_sort(m);
	while (!r && i < len) {
		const char *eol = memchr(s + i, '\n', len - i);
		size_t n = eol ? (size_t)(eol - (s + i)) : len - i, pl;
		const char *p = s + i, *pp;
		unsigned char sha[TLPRESS_SHA256_LEN];
		unsigned long long size = 0;

		i += n + 1;
		if (n == 0)
			continue;
		if (p[0] == '#') {
			comment(p, n, clearance, NULL);
			continue;
		}
		if (parse_line(p, n, sha, &size, buf, &pp))
			goto bad;
		pl = n - (size_t)(pp - p);
		if (prev && cmp_n(prev, prevlen, pp, pl) >= 0)
			goto bad;
		prev = pp;
		prevlen = pl;
		/* m's paths before it are not in the file */
		while (!r && j < m->n && cmp_n(m->v[j].path, strlen(m->v[j].path), pp, pl) < 0)
			r = fn(ctx, m->v[j++].path);
		if (!r && j < m->n && !strcmp(m->v[j].path, buf)) {
			if (m->v[j].size != size || memcmp(m->v[j].sha256, sha, sizeof(sha)))
				r = fn(ctx, buf);
			j++;
		} else if (!r) {
			r = fn(ctx, buf); /* in the file alone */
		}
	}
	while (!r && j < m->n)
		r = fn(ctx, m->v[j++].path);
	tlpress_unmap_file(s, len);
	return r ? -1 : 0;
bad:
	tlpress_unmap_file(s, len);
	return -1;
}

/* The next file line of text[*at..len): its path (p, n bytes) and the
 * line (l, ln bytes, no newline); 1, 0 at the end, -1 for a line that is
 * not one */
static int next_file_line(const char *s, size_t len, size_t *at, const char **p, size_t *n,
			  const char **l, size_t *ln)
{
	while (*at < len) {
		const char *line = s + *at, *eol = memchr(line, '\n', len - *at);
		size_t k = eol ? (size_t)(eol - line) : len - *at;
		const char *sp;

		*at += k + 1;
		if (k == 0 || line[0] == '#')
			continue;
		sp = k > 2 * TLPRESS_SHA256_LEN + 1 ?
		     memchr(line + 2 * TLPRESS_SHA256_LEN + 1, ' ', k - 2 * TLPRESS_SHA256_LEN - 1) :
		     NULL;
		if (line[2 * TLPRESS_SHA256_LEN] != ' ' || !sp || sp + 1 == line + k)
			return -1;
		*p = sp + 1;
		*n = (size_t)(line + k - *p);
		*l = line;
		*ln = k;
		return 1;
	}
	return 0;
}

int tlpress_manifest_diff_text(const char *a, size_t alen, const char *b, size_t blen,
			       int (*fn)(void *ctx, const char *path), void *ctx)
{
	const char *pa = NULL, *pb = NULL, *la, *lb;
	const char *qa = NULL, *qb = NULL;   /* the paths before, in order */
	size_t i = 0, j = 0, na = 0, nb = 0, lna, lnb, ma = 0, mb = 0;
	char path[4096];
	int ra = next_file_line(a, alen, &i, &pa, &na, &la, &lna);
	int rb = next_file_line(b, blen, &j, &pb, &nb, &lb, &lnb);
	int r = 0;

	while (!r && ra >= 0 && rb >= 0 && (ra || rb)) {
		int c = !ra ? 1 : !rb ? -1 : cmp_n(pa, na, pb, nb);
		const char *p = c <= 0 ? pa : pb;
		size_t n = c <= 0 ? na : nb;

		/* not in order, or a path twice: not a manifest tlpress wrote
		 * (as tlpress_manifest_diff_file() says) */
		if ((c <= 0 && qa && cmp_n(qa, ma, pa, na) >= 0) ||
		    (c >= 0 && qb && cmp_n(qb, mb, pb, nb) >= 0))
			return -1;
		if (c <= 0) {
			qa = pa;
			ma = na;
		}
		if (c >= 0) {
			qb = pb;
			mb = nb;
		}
		if (c || lna != lnb || memcmp(la, lb, lna)) {
			if (n >= sizeof(path))
				return -1;
			memcpy(path, p, n);
			path[n] = '\0';
			r = fn(ctx, path);
		}
		if (c <= 0)
			ra = next_file_line(a, alen, &i, &pa, &na, &la, &lna);
		if (c >= 0)
			rb = next_file_line(b, blen, &j, &pb, &nb, &lb, &lnb);
	}
	return r || ra < 0 || rb < 0 ? -1 : 0;
}

int tlpress_manifest_patch(const char *text, size_t len, struct tlpress_manifest *m,
			   struct tlpress_buf *out)
{
	const char *p, *l;
	size_t i = 0, j = 0, n, ln, done = 0;

	tlpress_manifest_sort(m);
	if (out)
		tlpress_buf_grow(out, len + 64 * m->n);
	while (j < m->n && next_file_line(text, len, &i, &p, &n, &l, &ln) > 0) {
		size_t plen = strlen(m->v[j].path);

		if (cmp_n(p, n, m->v[j].path, plen))
			continue;
		if (!out) {
			char line[2 * TLPRESS_SHA256_LEN + 24 + 4096];

			if (plen >= 4096 || format_line(&m->v[j], plen, line) != ln + 1 ||
			    memcmp(line, l, ln))
				return -1;
		}
		if (out && !out->failed) {
			tlpress_buf_add(out, text + done, (size_t)(l - text) - done);
			if (tlpress_buf_grow(out, 2 * TLPRESS_SHA256_LEN + 23 + plen) == 0) {
				out->len += format_line(&m->v[j], plen, out->ptr + out->len);
				out->ptr[out->len] = '\0';
			}
			done = (size_t)(l - text) + ln + 1;
		}
		j++;
	}
	if (j < m->n)
		return -1;
	if (out) {
		if (done < len)
			tlpress_buf_add(out, text + done, len - done);
		if (out->failed)
			return TLPRESS_ENOMEM;
	}
	return 0;
}

void tlpress_manifest_release(struct tlpress_manifest *m)
{
	tlpress_strpool_release(&m->paths);
	tlpress_big_free(m->v, m->maplen);
	m->v = NULL;
	m->maplen = 0;
	m->n = m->cap = 0;
	m->sorted = 1;
	m->clearance[0] = '\0';
	m->signer[0] = '\0';
}

int tlpress_manifest_load_tree(struct tlpress_manifest *m, const char *root,
			       struct tlpress_error *err)
{
	static const char *const extra[] = { TLPRESS_MANIFEST_NAME, TLPRESS_MANIFEST_NAME ".asc" };
	struct tlpress_buf p = TLPRESS_BUF_INIT;
	size_t i;
	int rc;

	tlpress_path_join(&p, root, TLPRESS_MANIFEST_NAME);
	rc = tlpress_manifest_load(m, p.ptr, err);
	for (i = 0; i < 2 && !rc; i++) {
		unsigned char sha[TLPRESS_SHA256_LEN];
		struct stat st;

		tlpress_path_join(&p, root, extra[i]);
		if (lstat(p.ptr, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		rc = tlpress_sha256_file(p.ptr, sha, NULL, err);
		if (!rc && tlpress_manifest_add(m, extra[i], (unsigned long long)st.st_size, sha))
			rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	}
	tlpress_buf_release(&p);
	tlpress_manifest_sort(m);
	return rc;
}
