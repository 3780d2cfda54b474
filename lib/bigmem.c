/* bigmem.c - large allocations with huge pages; see bigmem.h */
#include "bigmem.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)

static size_t round_up(size_t n)
{
	return (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
}

void *tlpress_big_alloc(size_t size, size_t *maplen)
{
	size_t len = round_up(size ? size : 1);
	char *p, *a;

	if (len < size)
		return NULL;
	/* 2 MiB-aligned, so that the whole of it can be huge pages */
	p = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		 0);
	if (p == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	munmap(a + len, (size_t)(p + HUGE_PAGE - a));
#ifdef MADV_HUGEPAGE
	madvise(a, len, MADV_HUGEPAGE);
#endif
	*maplen = len;
	return a;
}

void *tlpress_big_grow(void *p, size_t *maplen, size_t size)
{
	size_t len = round_up(size);
	void *q;

	if (!p)
		return tlpress_big_alloc(size, maplen);
	if (size <= *maplen)
		return p;
	if (len < size)
		return NULL;
	q = mremap(p, *maplen, len, MREMAP_MAYMOVE); /* new pages read as zeros */
	if (q == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(q, len, MADV_HUGEPAGE);
#endif
	*maplen = len;
	return q;
}

void tlpress_big_free(void *p, size_t maplen)
{
	if (p)
		munmap(p, maplen);
}

struct tlpress_strpool_block {
	struct tlpress_strpool_block *next;
	size_t used, size, maplen;
	char data[];
};

char *tlpress_strpool_dup(struct tlpress_strpool *p, const char *s, size_t n)
{
	struct tlpress_strpool_block *b = p->blocks;
	char *d;

	if (!b || b->size - b->used < n + 1) {
		size_t len, need = sizeof(*b) + n + 1;

		if (need < n || !(b = tlpress_big_alloc(need > HUGE_PAGE ? need : HUGE_PAGE, &len)))
			return NULL;
		b->used = 0;
		b->maplen = len;
		b->size = len - sizeof(*b);
		b->next = p->blocks;
		p->blocks = b;
	}
	d = b->data + b->used;
	memcpy(d, s, n);
	d[n] = '\0';
	b->used += n + 1;
	return d;
}

void tlpress_strpool_release(struct tlpress_strpool *p)
{
	struct tlpress_strpool_block *b;

	while ((b = p->blocks)) {
		p->blocks = b->next;
		tlpress_big_free(b, b->maplen);
	}
}
