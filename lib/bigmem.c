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

/* Huge pages for the 2 MiB pieces of the `size` bytes asked for, and for
 * the tail when it is at least half a piece. A huge page is all there once
 * touched: one for each array's last few bytes cost a full build of 10,000
 * advisories 7 MB of its peak RSS. But a tail of small pages costs a fault
 * for each 4 KiB touched, which on this project's virtual machine is 11 us
 * against 1.3 us a 4 KiB piece of a huge page: the 1.7 MiB tail of the
 * items of 10,000 advisories was 440 faults, a tenth of a rebuild after
 * one change. (A mapping that grows is advised whole: mremap() takes one
 * with a single set of flags only.) */
static void advise(void *p, size_t size)
{
#ifdef MADV_HUGEPAGE
	size_t whole = size & ~(HUGE_PAGE - 1);

	if (size - whole >= HUGE_PAGE / 2)
		whole += HUGE_PAGE;
	if (whole)
		madvise(p, whole, MADV_HUGEPAGE);
#else
	(void)p;
	(void)size;
#endif
}

static void *map_new(size_t size, size_t *maplen, int grows)
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
	advise(a, grows ? len : size);
	*maplen = len;
	return a;
}

void *tlpress_big_alloc(size_t size, size_t *maplen)
{
	return map_new(size, maplen, 0);
}

/* What an array that may grow starts in when it is this small or smaller:
 * 4 KiB pages of a mapping of its own (16 faults at most), not a huge page
 * that the kernel zeroes whole (1.3 to 2.6 ms here) for the five entries of
 * a rebuild of one advisory (site.c, quick()). */
#define SMALL ((size_t)64 << 10)

void *tlpress_big_grow(void *p, size_t *maplen, size_t size)
{
	size_t len = round_up(size);
	void *q;

	if (!p && size <= SMALL) {
		q = mmap(NULL, SMALL, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (q == MAP_FAILED)
			return NULL;
		*maplen = SMALL;
		return q;
	}
	if (!p)
		return map_new(size, maplen, 1);
	if (size <= *maplen)
		return p;
	if (*maplen <= SMALL) {
		/* out of its small mapping: to one that can be huge pages
		 * whole, which mremap() would not give */
		if (!(q = map_new(size, &len, 1)))
			return NULL;
		memcpy(q, p, *maplen);
		munmap(p, *maplen);
		*maplen = len;
		return q;
	}
	if (len < size)
		return NULL;
	q = mremap(p, *maplen, len, MREMAP_MAYMOVE); /* new pages read as zeros */
	if (q == MAP_FAILED)
		return NULL;
	advise(q, len);
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
		/* the first block small (4 KiB pages, for the pools of a few
		 * strings: SMALL above), then huge pages */
		size_t len, need = sizeof(*b) + n + 1, want = p->blocks ? HUGE_PAGE : SMALL;

		if (need < want)
			need = want;
		if (need < n || !(b = tlpress_big_alloc(need, &len)))
			return NULL;
		b->used = 0;
		b->maplen = len;
		b->size = (need > HUGE_PAGE ? len : need) - sizeof(*b);
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
