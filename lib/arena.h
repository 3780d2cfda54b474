/*
 * arena.h - the allocations of one advisory's parse, cut from one region of
 * its thread and given back at once
 *
 * Parsing an advisory makes thousands of small allocations that all die
 * together when the advisory is freed: cmark-gfm's nodes and buffers (it is
 * given these functions as its cmark_mem) and the YAML tree's nodes and
 * strings. Through malloc() and free() they were about a tenth of a full
 * build's CPU (perf, 10,000 advisories).
 *
 * Between tlpress_arena_begin() and tlpress_arena_end() on a thread,
 * tlpress_arena_malloc() and its siblings cut memory from that thread's
 * region (a range of address space reserved once per thread, whose pages
 * stay mapped from one advisory to the next), and tlpress_arena_free() of
 * such memory does nothing: tlpress_arena_begin() takes the whole region
 * back. Outside the pair, and when the region is full, they are malloc(),
 * calloc(), realloc() and free(). tlpress_arena_free() and
 * tlpress_arena_realloc() tell the two kinds apart by address, on any thread,
 * at any time, so memory from either may be given to them.
 *
 * The contract: memory cut from the region between a begin and its end is
 * not used after the next tlpress_arena_begin() on that thread, nor after
 * the thread exits, nor given to tlpress_arena_free() or
 * tlpress_arena_realloc() on another thread. Pairs do not nest. Under
 * AddressSanitizer the region's unused and taken-back parts are poisoned,
 * so that a use after begin() is reported as a use after free would be.
 */
#ifndef TLPRESS_ARENA_H
#define TLPRESS_ARENA_H

#include <stddef.h>

/* The address space reserved for each thread's region (not memory: pages
 * are used as an advisory's parse needs them). */
#define TLPRESS_ARENA_RESERVE ((size_t)64 << 20)

/* Pages above this are given back to the system at tlpress_arena_end(),
 * so that one large advisory does not keep its memory for the build. */
#define TLPRESS_ARENA_KEEP ((size_t)4 << 20)

/* Start cutting from this thread's region, emptied (reserved on the
 * thread's first call; if that fails, allocations stay malloc()'s).
 * Returns 1 when the region is in use, 0 when not. */
int tlpress_arena_begin(void);

/* Stop: allocations are malloc()'s again. What the region holds stays
 * readable (and its frees do nothing) until the next begin(). */
void tlpress_arena_end(void);

void *tlpress_arena_malloc(size_t n);
void *tlpress_arena_calloc(size_t n, size_t size);
void *tlpress_arena_realloc(void *p, size_t n);
void tlpress_arena_free(void *p);
char *tlpress_arena_strdup(const char *s);
char *tlpress_arena_strndup(const char *s, size_t n);

/* Bytes cut from this thread's region since its last begin() (tests). */
size_t tlpress_arena_used(void);

#endif
