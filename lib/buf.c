/* buf.c - growable byte buffers with a size limit; see buf.h */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"

char tlpress_buf_empty[1];

/* From this size on, a buffer is a mapping of its own (bigmem.h). */
#define BIG ((size_t)1 << 20)

void tlpress_buf_init(struct tlpress_buf *b, size_t limit)
{
	b->ptr = tlpress_buf_empty;
	b->len = 0;
	b->cap = 0;
	b->limit = limit ? limit : TLPRESS_BUF_NOLIMIT;
	b->failed = 0;
	b->maplen = 0;
}

void tlpress_buf_release(struct tlpress_buf *b)
{
	size_t limit = b->limit;

	if (b->maplen)
		tlpress_big_free(b->ptr, b->maplen);
	else if (b->cap)
		free(b->ptr);
	tlpress_buf_init(b, limit);
}

void tlpress_buf_reset(struct tlpress_buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->cap)
		b->ptr[0] = '\0';
}

int tlpress_buf_grow(struct tlpress_buf *b, size_t extra)
{
	size_t want, cap;
	char *p;

	if (b->failed)
		return -1;
	if (extra > b->limit || b->len > b->limit - extra) {
		b->failed = 1;
		return -1;
	}
	want = b->len + extra + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap = cap / 2 * 3 + 16;
	if (cap >= BIG) {
		size_t maplen = b->maplen;

		p = tlpress_big_grow(b->maplen ? b->ptr : NULL, &maplen, cap);
		if (p && !b->maplen && b->cap) {
			memcpy(p, b->ptr, b->len + 1);
			free(b->ptr);
		}
		if (p)
			b->maplen = maplen;
	} else {
		p = b->cap ? realloc(b->ptr, cap) : malloc(cap);
	}
	if (!p) {
		b->failed = 1;
		return -1;
	}
	if (!b->cap)
		p[0] = '\0';
	b->ptr = p;
	b->cap = cap;
	return 0;
}

char *tlpress_buf_detach(struct tlpress_buf *b, size_t *len)
{
	char *p;

	if (len)
		*len = b->len;
	if (b->maplen) { /* the caller free()s it: a copy */
		p = malloc(b->len + 1);
		if (p)
			memcpy(p, b->ptr, b->len + 1);
		tlpress_big_free(b->ptr, b->maplen);
	} else if (b->cap) {
		p = b->ptr;
	} else {
		p = malloc(1);
		if (p)
			p[0] = '\0';
	}
	tlpress_buf_init(b, b->limit);
	return p;
}

int tlpress_buf_add_slow(struct tlpress_buf *b, const void *data, size_t n)
{
	if (tlpress_buf_grow(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->ptr + b->len, data, n);
	b->len += n;
	if (b->cap)
		b->ptr[b->len] = '\0';
	return 0;
}

/* v in base 10 or 16 (upper or lower case), at least width digits with
 * leading zeros: what printf's %0*llu, %0*llX and %0*llx write */
static int add_num(struct tlpress_buf *b, unsigned long long v, int neg, unsigned base,
		   int upper, unsigned width)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char d[48];
	size_t i = sizeof(d);

	do {
		d[--i] = digits[v % base];
		v /= base;
	} while (v);
	while (sizeof(d) - i < width && i > 1)
		d[--i] = '0';
	if (neg)
		d[--i] = '-';
	return tlpress_buf_add(b, d + i, sizeof(d) - i);
}

int tlpress_buf_add_ull(struct tlpress_buf *b, unsigned long long v)
{
	return add_num(b, v, 0, 10, 0, 0);
}

/*
 * The conversions tlpress's formats use (%s, %.*s, %c, %d, %u, %x, %X with
 * l, ll or z, a zero-padded width, %%) written straight into b: glibc's
 * vsnprintf() sets up a FILE for every call, which cost more than the
 * formatting itself for the renderers' tens of thousands of short
 * formats. 1 when fmt has anything else (a flag, a width without '0', a
 * NULL string, a negative number padded): b is then as it was, part of ap
 * is spent, and the caller formats from its copy. -1 when an append
 * failed (b as it was, `failed` set); 0 done.
 */
static int fast_vprintf(struct tlpress_buf *b, const char *fmt, va_list ap)
{
	size_t start = b->len;
	const char *p = fmt;

	while (*p) {
		const char *q = strchrnul(p, '%');
		unsigned width = 0, lmod = 0;
		int prec = -1, zero = 0;
		unsigned long long v;
		long long sv;

		if (q > p && tlpress_buf_add(b, p, (size_t)(q - p)) < 0)
			goto failed;
		if (!*q)
			break;
		p = q + 1;
		if (*p == '%') {
			if (tlpress_buf_addch(b, '%') < 0)
				goto failed;
			p++;
			continue;
		}
		if (*p == '0') {
			zero = 1;
			while (*p >= '0' && *p <= '9' && width <= 40)
				width = width * 10 + (unsigned)(*p++ - '0');
			if (width > 40)
				goto other;
		}
		if (p[0] == '.' && p[1] == '*') {
			prec = va_arg(ap, int);
			p += 2;
		}
		if (*p == 'z') {
			lmod = 3;
			p++;
		} else if (p[0] == 'l' && p[1] == 'l') {
			lmod = 2;
			p += 2;
		} else if (*p == 'l') {
			lmod = 1;
			p++;
		}
		switch (*p) {
		case 's': {
			const char *str = va_arg(ap, const char *);

			if (zero || lmod || !str)
				goto other;
			if (tlpress_buf_add(b, str, prec < 0 ? strlen(str) : strnlen(str, (size_t)prec)) < 0)
				goto failed;
			break;
		}
		case 'c':
			if (zero || lmod || prec >= 0)
				goto other;
			if (tlpress_buf_addch(b, va_arg(ap, int)) < 0)
				goto failed;
			break;
		case 'd':
			if (prec >= 0)
				goto other;
			sv = lmod == 2 ? va_arg(ap, long long) : lmod == 1 ? va_arg(ap, long) :
			     lmod == 3 ? (long long)va_arg(ap, ssize_t) : va_arg(ap, int);
			if (sv < 0 && zero)
				goto other;
			v = sv < 0 ? 0 - (unsigned long long)sv : (unsigned long long)sv;
			if (add_num(b, v, sv < 0, 10, 0, width) < 0)
				goto failed;
			break;
		case 'u':
		case 'x':
		case 'X':
			if (prec >= 0)
				goto other;
			v = lmod == 2 ? va_arg(ap, unsigned long long) :
			    lmod == 1 ? va_arg(ap, unsigned long) :
			    lmod == 3 ? va_arg(ap, size_t) : va_arg(ap, unsigned);
			if (add_num(b, v, 0, *p == 'u' ? 10 : 16, *p == 'X', width) < 0)
				goto failed;
			break;
		default:
			goto other;
		}
		p++;
	}
	return 0;
other:
	tlpress_buf_truncate(b, start);
	return 1;
failed:
	tlpress_buf_truncate(b, start);
	return -1;
}

int tlpress_buf_vprintf(struct tlpress_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	if (b->failed)
		return -1;
	va_copy(cp, ap);
	n = fast_vprintf(b, fmt, cp);
	va_end(cp);
	if (n <= 0)
		return n;
	va_copy(cp, ap);
	n = vsnprintf(b->cap ? b->ptr + b->len : NULL,
		      b->cap ? b->cap - b->len : 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		b->failed = 1;
		return -1;
	}
	if (b->cap && (size_t)n < b->cap - b->len) {
		if (b->len + (size_t)n > b->limit) {
			b->ptr[b->len] = '\0';
			b->failed = 1;
			return -1;
		}
		b->len += (size_t)n;
		return 0;
	}
	if (tlpress_buf_grow(b, (size_t)n) < 0)
		return -1;
	vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int tlpress_buf_printf(struct tlpress_buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tlpress_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

void tlpress_buf_truncate(struct tlpress_buf *b, size_t n)
{
	if (n >= b->len)
		return;
	b->len = n;
	if (b->cap)
		b->ptr[n] = '\0';
}
