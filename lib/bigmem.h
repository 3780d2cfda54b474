/*
 * bigmem.h - large allocations of one build on their own mappings, with
 * transparent huge pages asked for
 *
 * A build of 10,000 advisories touches some tens of megabytes that live as
 * long as the build: the build cache's rows, the manifests, the items. On a
 * virtual machine where a page fault costs 10 us or more (this project's
 * benchmark machine), touching them in 4 KiB pages cost a third of a
 * rebuild's time; in 2 MiB pages, almost nothing. Where the system has no
 * huge page to give (or none at all), the pages are 4 KiB, as with malloc.
 *
 * tlpress_big_*: one array, grown in place or moved whole (mremap), its
 * mapped length kept by the caller. tlpress_strpool: strings copied into
 * such blocks, freed all at once.
 */
#ifndef TLPRESS_BIGMEM_H
#define TLPRESS_BIGMEM_H

#include <stddef.h>

/* `size` bytes, zeroed, that never grow (huge pages for its whole 2 MiB
 * pieces only); *maplen gets what to give back. NULL when out of memory. */
void *tlpress_big_alloc(size_t size, size_t *maplen);
/* p (NULL for none, or one this made) grown to at least `size` bytes, the
 * new bytes zeroed; NULL when out of memory (p stays). */
void *tlpress_big_grow(void *p, size_t *maplen, size_t size);
void tlpress_big_free(void *p, size_t maplen);

struct tlpress_strpool_block;

struct tlpress_strpool {
	struct tlpress_strpool_block *blocks;  /* newest first */
};

#define TLPRESS_STRPOOL_INIT { NULL }

/* A copy of s[0..n) and a '\0', valid until the pool's release; NULL when
 * out of memory. Not for two threads at once. */
char *tlpress_strpool_dup(struct tlpress_strpool *p, const char *s, size_t n);
void tlpress_strpool_release(struct tlpress_strpool *p);

#endif
