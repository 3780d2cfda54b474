/* strutil.c - small string helpers; see strutil.h */
#include "strutil.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

long tlpress_utf8_check(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i], cp, len, k;

		if (c < 0x80) {
			/* eight ASCII bytes at a time */
			while (i + 8 <= n) {
				uint64_t w;

				memcpy(&w, s + i, 8);
				if (w & 0x8080808080808080ULL)
					break;
				i += 8;
			}
			if (i < n && s[i] < 0x80)
				i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			len = 2, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			len = 3, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			len = 4, cp = c & 0x07;
		else
			return (long)i;
		if (i + len > n)
			return (long)i;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return (long)i;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return (long)i;
		i += len;
	}
	return -1;
}

size_t tlpress_printable_run(const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	size_t i = 0;

	while (i + 8 <= n) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		/* a byte below 0x20, or above 0x7E (0x7F and all of 0x80-0xFF)
		 * (the "has less" and "has more" tests of Bit Twiddling Hacks:
		 * exact as to whether there is one) */
		if ((((w - ones * 0x20) & ~w) | ((w + ones) | w)) & high)
			break;
		i += 8;
	}
	while (i < n && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7F)
		i++;
	return i;
}

int tlpress_utf8_decode(const char *str, size_t n, unsigned *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c = s[0];

	if (c < 0x80 || n < 2) {
		*cp = c;
		return 1;
	}
	if (c < 0xE0) {
		*cp = (c & 0x1F) << 6 | (s[1] & 0x3F);
		return 2;
	}
	if (c < 0xF0 || n < 4) {
		if (n < 3) {
			*cp = c;
			return 1;
		}
		*cp = (c & 0x0F) << 12 | (s[1] & 0x3F) << 6 | (s[2] & 0x3F);
		return 3;
	}
	*cp = (c & 0x07) << 18 | (s[1] & 0x3F) << 12 | (s[2] & 0x3F) << 6 |
	      (s[3] & 0x3F);
	return 4;
}

unsigned tlpress_edit_distance(const char *a, const char *b, unsigned cap)
{
	unsigned row0[64], row1[64], row2[64], *pp = row0, *p = row1, *c = row2;
	size_t la = strlen(a), lb = strlen(b), i, j;

	if (la >= 63 || lb >= 63)
		return cap + 1;
	for (j = 0; j <= lb; j++)
		p[j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		unsigned best;
		unsigned *t;

		c[0] = (unsigned)i;
		best = c[0];
		for (j = 1; j <= lb; j++) {
			unsigned cost = a[i - 1] != b[j - 1];
			unsigned v = p[j] + 1;

			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (p[j - 1] + cost < v)
				v = p[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
		t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[lb] > cap ? cap + 1 : p[lb];
}

const char *tlpress_closest(const char *word, const char *const *cand)
{
	const char *best = NULL;
	unsigned bestd = 3;
	size_t i, wl = strlen(word);

	for (i = 0; cand[i]; i++) {
		unsigned d = tlpress_edit_distance(word, cand[i], 2);

		if (d < bestd) {
			bestd = d;
			best = cand[i];
		}
	}
	if (best)
		return best;
	if (wl >= 3) {
		for (i = 0; cand[i]; i++)
			if (strncmp(word, cand[i], wl) == 0 ||
			    strncmp(word, cand[i], strlen(cand[i])) == 0)
				return cand[i];
	}
	return NULL;
}

void tlpress_prefixed_num(char *buf, size_t size, const char *prefix, int v, unsigned digits)
{
	size_t n = strlen(prefix), k = 1;
	unsigned u = (unsigned)v, t;

	if (v < 0 || digits > 10 || n + 11 > size) {
		snprintf(buf, size, "%s%0*d", prefix, (int)digits, v);
		return;
	}
	for (t = u / 10; t; t /= 10)
		k++;
	if (k < digits)
		k = digits;
	memcpy(buf, prefix, n);
	buf[n + k] = '\0';
	while (k--) {
		buf[n + k] = (char)('0' + u % 10);
		u /= 10;
	}
}

void tlpress_ascii_lower(const char *s, char *buf, size_t size)
{
	size_t i;

	if (!size)
		return;
	for (i = 0; s[i] && i + 1 < size; i++)
		buf[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
	buf[i] = '\0';
}

int tlpress_has_newline(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n' || c == '\r')
			return 1;
		if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0x85)
			return 1;
		if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0xA8 ||
		     (unsigned char)s[i + 2] == 0xA9))
			return 1;
	}
	return 0;
}

int tlpress_is_bad_control(unsigned cp)
{
	if (cp == '\t' || cp == '\n' || cp == '\r')
		return 0;
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int tlpress_lang_valid(const char *s)
{
	size_t i = 0, n;

	for (n = 0; (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'); i++)
		n++;
	if (n < 2 || n > 3)
		return -1;
	while (s[i] == '-') {
		i++;
		for (n = 0; (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
			    is_digit(s[i]); i++)
			n++;
		if (n < 1 || n > 8)
			return -1;
	}
	return s[i] ? -1 : 0;
}

int tlpress_secret_key_name(const char *key)
{
	static const char *const words[] = { "pass", "pwd", "secret", "token", "credential",
		"apikey", "api_key", NULL };
	size_t i;

	for (i = 0; words[i]; i++)
		if (strcasestr(key, words[i]))
			return 1;
	return 0;
}

/* http or https, a host, and no white space or control characters. */
int tlpress_url_valid(const char *s, const char **why)
{
	const char *p, *host;

	if (strncmp(s, "https://", 8) == 0) {
		host = s + 8;
	} else if (strncmp(s, "http://", 7) == 0) {
		host = s + 7;
	} else {
		*why = "only http and https references are allowed";
		return -1;
	}
	if (!*host || *host == '/' || *host == '?' || *host == '#') {
		*why = "the URL has no host";
		return -1;
	}
	/* https://user:password@host/: a password published with the URL, or
	 * a host in disguise (https://vendor.example@evil.example/) */
	if (memchr(host, '@', strcspn(host, "/?#"))) {
		*why = "the URL holds a user name or password before its host ('user@host'): "
		       "it would be published, and it can disguise the host";
		return -1;
	}
	for (p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>' ||
		    c == '\\' || c == '`') {
			*why = "the URL holds a space, a quote, '<', '>' or a control character";
			return -1;
		}
	}
	return 0;
}

void tlpress_text_clean(const char *s, size_t n, struct tlpress_buf *out)
{
	size_t i = 0, from = 0;

	while (i < n) {
		unsigned cp;
		int l;

		i += tlpress_printable_run(s + i, n - i);   /* most of any text */
		if (i >= n)
			break;
		if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x80) {
			i++;    /* DEL stays too */
			continue;
		}
		l = tlpress_utf8_decode(s + i, n - i, &cp);
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
		    (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
		    cp == 0xFFFE || cp == 0xFFFF) {
			tlpress_buf_add(out, s + from, i - from);
			from = i + (size_t)l;
		}
		i += (size_t)l;
	}
	tlpress_buf_add(out, s + from, n - from);
}

int tlpress_cwe_schema_ok(const char *s)
{
	size_t i;

	if (!s || strncmp(s, "CWE-", 4) || s[4] < '1' || s[4] > '9')
		return 0;
	for (i = 5; s[i]; i++)
		if (s[i] < '0' || s[i] > '9' || i > 9)
			return 0;
	return 1;
}

void tlpress_sort(void *v, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	const char *p = v;
	size_t i;

	for (i = 1; i < n; i++)
		if (cmp(p + (i - 1) * size, p + i * size) > 0)
			break;
	if (i < n)
		qsort(v, n, size, cmp);
}

int tlpress_sort_runs(void *v, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	char *p = v, *el;
	uint32_t *ix, *tmp, *runs = NULL, *t;
	size_t nr = 1, cap = 0, i, k, out;

	if (n < 2)
		return 0;
	if (n >= UINT32_MAX)
		return -1;
	/* where each run begins */
	for (i = 1; i < n; i++) {
		if (cmp(p + (i - 1) * size, p + i * size) <= 0)
			continue;
		if (nr + 1 >= cap) {
			size_t nc = cap ? 2 * cap : 64;

			t = realloc(runs, nc * sizeof(*runs));
			if (!t) {
				free(runs);
				return -1;
			}
			runs = t;
			cap = nc;
		}
		runs[nr++] = (uint32_t)i;
	}
	if (nr == 1)
		return 0;
	runs[0] = 0;
	runs[nr] = (uint32_t)n;
	ix = malloc(n * sizeof(*ix));
	tmp = malloc(n * sizeof(*tmp));
	el = malloc(size);
	if (!ix || !tmp || !el) {
		free(ix);
		free(tmp);
		free(runs);
		free(el);
		return -1;
	}
	/* the runs merged two by two, in an index */
	for (i = 0; i < n; i++)
		ix[i] = (uint32_t)i;
	while (nr > 1) {
		for (k = out = 0; k + 1 < nr; k += 2) {
			uint32_t a = runs[k], am = runs[k + 1], b = runs[k + 1], bm = runs[k + 2];
			uint32_t o = a;

			runs[out++] = a;
			while (a < am && b < bm)
				tmp[o++] = cmp(p + (size_t)ix[a] * size, p + (size_t)ix[b] * size) <= 0
						   ? ix[a++] : ix[b++];
			while (a < am)
				tmp[o++] = ix[a++];
			while (b < bm)
				tmp[o++] = ix[b++];
		}
		if (k < nr) { /* the last run, alone: as it is */
			runs[out++] = runs[k];
			memcpy(tmp + runs[k], ix + runs[k], (n - runs[k]) * sizeof(*ix));
		}
		runs[out] = (uint32_t)n;
		nr = out;
		t = ix;
		ix = tmp;
		tmp = t;
	}
	/* element ix[i] goes to place i: each cycle of the permutation in
	 * turn, with one element aside */
	for (i = 0; i < n; i++) {
		size_t j = i, from;

		if (ix[i] == i)
			continue;
		memcpy(el, p + i * size, size);
		while ((from = ix[j]) != i) {
			memcpy(p + j * size, p + from * size, size);
			ix[j] = (uint32_t)j;
			j = from;
		}
		memcpy(p + j * size, el, size);
		ix[j] = (uint32_t)j;
	}
	free(ix);
	free(tmp);
	free(runs);
	free(el);
	return 0;
}

void *tlpress_search_near(const void *key, const void *v, size_t n, size_t size,
			  int (*cmp)(const void *, const void *), size_t *hint)
{
	const char *p = v;
	size_t lo = 0, hi = n, step = 1;
	int c;

	if (*hint < n && (c = cmp(key, p + *hint * size)) >= 0) {
		if (c == 0)
			return (void *)(p + *hint * size);
		/* the key is after *hint: probe 1, 2, 4 ... places on until one is
		 * past it; then [lo, hi) holds it if anything does */
		lo = *hint + 1;
		while (lo + step - 1 < n) {
			size_t at = lo + step - 1;

			c = cmp(key, p + at * size);
			if (c == 0) {
				*hint = at;
				return (void *)(p + at * size);
			}
			if (c < 0) {
				hi = at;
				break;
			}
			lo = at + 1;
			step *= 2;
		}
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		c = cmp(key, p + mid * size);
		if (c == 0) {
			*hint = mid;
			return (void *)(p + mid * size);
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}
