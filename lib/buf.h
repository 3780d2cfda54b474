/*
 * buf.h - growable byte buffers with a size limit
 *
 * Invariants (as git's strbuf):
 *  - after tlpress_buf_init(), ptr is never NULL and ptr[len] == '\0';
 *  - the only way to take ownership of the bytes is tlpress_buf_detach();
 *  - a buffer has a limit (curl's dynbuf): an append that would pass it, or a
 *    failed allocation, leaves the content as it was, returns -1 and sets the
 *    sticky flag `failed`, so a renderer may append freely and test once.
 *
 *  - from 1 MiB on, the bytes are on a mapping of their own (bigmem.h), with
 *    huge pages where the system has them: a manifest, an index, a feed of
 *    thousands of entries are touched in a few page faults, not thousands.
 *
 * This module depends on nothing else in lib/ but bigmem.
 */
#ifndef TLPRESS_BUF_H
#define TLPRESS_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct tlpress_buf {
	char *ptr;    /* never NULL after init; NUL-terminated */
	size_t len;   /* bytes used, not counting the NUL */
	size_t cap;   /* bytes allocated (0 while ptr is the static empty string) */
	size_t limit; /* largest len allowed */
	int failed;   /* sticky: an append failed (limit or memory) */
	size_t maplen; /* the mapping of a big buffer, or 0: ptr is malloc()'s */
};

#define TLPRESS_BUF_NOLIMIT ((size_t)1 << 40)

extern char tlpress_buf_empty[];
#define TLPRESS_BUF_INIT { tlpress_buf_empty, 0, 0, TLPRESS_BUF_NOLIMIT, 0 }

/* Initialise; limit 0 means TLPRESS_BUF_NOLIMIT. Allocates nothing. */
void tlpress_buf_init(struct tlpress_buf *b, size_t limit);
/* Free the bytes and leave b initialised and empty (same limit). */
void tlpress_buf_release(struct tlpress_buf *b);
/* Empty the buffer, keeping its allocation and clearing `failed`. */
void tlpress_buf_reset(struct tlpress_buf *b);
/* Make room for `extra` more bytes. 0, or -1 (limit or memory). */
int tlpress_buf_grow(struct tlpress_buf *b, size_t extra);
/* Hand the bytes to the caller (free() them); b is left empty. The length
 * goes to *len when len is not NULL. Never returns NULL. */
char *tlpress_buf_detach(struct tlpress_buf *b, size_t *len);

/* The appends the slow way: growing, or failing (called by the inline
 * ones below when the bytes do not fit as they are). */
int tlpress_buf_add_slow(struct tlpress_buf *b, const void *data, size_t n);

/*
 * Whether n more bytes and the NUL fit in what is allocated, within the
 * limit, with nothing failed. The renderers append millions of short runs
 * and single characters per thousand advisories: this test inline, and the
 * copy, is all most of them cost (a call and three checks before).
 */
static inline int tlpress_buf_fits(const struct tlpress_buf *b, size_t n)
{
	return n < b->cap - b->len && b->len + n <= b->limit && !b->failed;
}

static inline int tlpress_buf_add(struct tlpress_buf *b, const void *data, size_t n)
{
	if (!tlpress_buf_fits(b, n))
		return tlpress_buf_add_slow(b, data, n);
	if (n) /* data may be NULL for none */
		memcpy(b->ptr + b->len, data, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return 0;
}

static inline int tlpress_buf_adds(struct tlpress_buf *b, const char *s)
{
	return tlpress_buf_add(b, s, strlen(s));
}

static inline int tlpress_buf_addch(struct tlpress_buf *b, int c)
{
	char ch = (char)c;

	if (!tlpress_buf_fits(b, 1))
		return tlpress_buf_add_slow(b, &ch, 1);
	b->ptr[b->len++] = ch;
	b->ptr[b->len] = '\0';
	return 0;
}

/* The decimal digits of v (what "%llu" writes, without printf's cost). */
int tlpress_buf_add_ull(struct tlpress_buf *b, unsigned long long v);
int tlpress_buf_printf(struct tlpress_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int tlpress_buf_vprintf(struct tlpress_buf *b, const char *fmt, va_list ap);
/* Cut to n bytes (n <= len). */
void tlpress_buf_truncate(struct tlpress_buf *b, size_t n);

#endif
