/* arena.c - per-thread regions for one advisory's parse; see arena.h */
#include "arena.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define ALIGN 16
#define HUGE ((size_t)2 << 20) /* a huge page */

/* before each piece: its size, for realloc() */
struct head {
	size_t size;
	size_t pad;
};

struct region {
	unsigned char *base;   /* TLPRESS_ARENA_RESERVE bytes, or NULL */
	size_t used;           /* bytes cut since begin() */
	size_t high;           /* the most ever used since the last trim */
	size_t last;           /* offset of the last piece's head */
	int active;            /* between begin() and end() */
	int failed;            /* the reservation failed: malloc() only */
};

static _Thread_local struct region R;
static pthread_key_t key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void region_drop(void *arg)
{
	struct region *r = arg;

	if (r && r->base) {
		UNPOISON(r->base, TLPRESS_ARENA_RESERVE);
		munmap(r->base, TLPRESS_ARENA_RESERVE);
		r->base = NULL;
	}
}

static void key_make(void)
{
	if (pthread_key_create(&key, region_drop))
		key = (pthread_key_t)-1;
}

static int region_reserve(struct region *r)
{
	void *p;

	if (r->base)
		return 0;
	if (r->failed)
		return -1;
	pthread_once(&key_once, key_make);
	/* the thread's exit gives the region back (not the main thread's:
	 * the process's exit does) */
	if (key == (pthread_key_t)-1) {
		r->failed = 1;
		return -1;
	}
	/* 2 MiB-aligned and with huge pages: a fault for each 4 KiB of an
	 * advisory's parse costs 11 us on this project's virtual machine,
	 * the same 4 KiB of a huge page 1.3 us */
	p = mmap(NULL, TLPRESS_ARENA_RESERVE + HUGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p != MAP_FAILED) {
		unsigned char *a = (unsigned char *)(((uintptr_t)p + HUGE - 1) & ~(uintptr_t)(HUGE - 1));

		if (a > (unsigned char *)p)
			munmap(p, (size_t)(a - (unsigned char *)p));
		munmap(a + TLPRESS_ARENA_RESERVE, (size_t)((unsigned char *)p + HUGE - a));
		p = a;
#ifdef MADV_HUGEPAGE
		madvise(p, TLPRESS_ARENA_RESERVE, MADV_HUGEPAGE);
#endif
	}
	if (p == MAP_FAILED || pthread_setspecific(key, r)) {
		if (p != MAP_FAILED)
			munmap(p, TLPRESS_ARENA_RESERVE);
		r->failed = 1;
		return -1;
	}
	r->base = p;
	POISON(r->base, TLPRESS_ARENA_RESERVE);
	return 0;
}

static int mine(const struct region *r, const void *p)
{
	return r->base && (const unsigned char *)p >= r->base &&
	       (const unsigned char *)p < r->base + TLPRESS_ARENA_RESERVE;
}

int tlpress_arena_begin(void)
{
	struct region *r = &R;

	if (region_reserve(r))
		return 0;
	POISON(r->base, r->used);
	r->used = 0;
	r->last = SIZE_MAX;
	r->active = 1;
	return 1;
}

void tlpress_arena_end(void)
{
	struct region *r = &R;
	size_t page = HUGE; /* what is given back: whole huge pages */

	r->active = 0;
	if (r->base && r->high > TLPRESS_ARENA_KEEP) {
		/* what stays readable until the next begin() is below used:
		 * only pages above both are given back */
		size_t from = r->used > TLPRESS_ARENA_KEEP ? r->used : TLPRESS_ARENA_KEEP;

		from = (from + page - 1) & ~(page - 1);
		if (r->high > from)
			madvise(r->base + from, r->high - from, MADV_DONTNEED);
		r->high = from;
	}
}

void *tlpress_arena_malloc(size_t n)
{
	struct region *r = &R;
	size_t want;
	unsigned char *p;

	if (!r->active || n > TLPRESS_ARENA_RESERVE)
		return malloc(n);
	want = sizeof(struct head) + ((n + ALIGN - 1) & ~(size_t)(ALIGN - 1));
	if (TLPRESS_ARENA_RESERVE - r->used < want)
		return malloc(n);  /* full: the rest of this parse is malloc()'s */
	p = r->base + r->used;
	UNPOISON(p, sizeof(struct head) + n);
	((struct head *)p)->size = n;
	r->last = r->used;
	r->used += want;
	if (r->used > r->high)
		r->high = r->used;
	return p + sizeof(struct head);
}

void *tlpress_arena_calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = tlpress_arena_malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *tlpress_arena_realloc(void *ptr, size_t n)
{
	struct region *r = &R;
	struct head *h;
	unsigned char *q;

	if (!ptr)
		return tlpress_arena_malloc(n);
	if (!mine(r, ptr))
		return realloc(ptr, n);
	h = (struct head *)ptr - 1;
	if (n <= h->size)
		return ptr;  /* (a shrink keeps its place) */
	/* the last piece grows where it is */
	if (r->active && (unsigned char *)h == r->base + r->last) {
		size_t want = sizeof(struct head) + ((n + ALIGN - 1) & ~(size_t)(ALIGN - 1));

		if (n <= TLPRESS_ARENA_RESERVE && TLPRESS_ARENA_RESERVE - r->last >= want) {
			UNPOISON(h, sizeof(struct head) + n);
			h->size = n;
			r->used = r->last + want;
			if (r->used > r->high)
				r->high = r->used;
			return ptr;
		}
	}
	q = tlpress_arena_malloc(n);
	if (q)
		memcpy(q, ptr, h->size);
	return q;
}

void tlpress_arena_free(void *p)
{
	if (!mine(&R, p))
		free(p);   /* the region's pieces go back with it */
}

char *tlpress_arena_strndup(const char *s, size_t n)
{
	char *d = tlpress_arena_malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

char *tlpress_arena_strdup(const char *s)
{
	return tlpress_arena_strndup(s, strlen(s));
}

size_t tlpress_arena_used(void)
{
	return R.active ? R.used : 0;
}
