/* jarena.c - jansson's allocations from an arena; see jarena.h */
#include "jarena.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#define BLOCK_SIZE ((size_t)64 << 10)   /* under malloc's mmap threshold */
#define ALIGN 16

struct tlpress_jarena_block {
	struct tlpress_jarena_block *next;
	size_t used, size;                  /* bytes of data[] */
	_Alignas(ALIGN) unsigned char data[];
};

static _Thread_local struct tlpress_jarena *current;

static void *arena_malloc(size_t n)
{
	struct tlpress_jarena *a = current;
	struct tlpress_jarena_block *b;
	size_t want;

	if (!a)
		return malloc(n);
	if (n > SIZE_MAX / 2) {
		a->failed = 1;
		return NULL;
	}
	want = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	b = a->blocks;
	if (!b || b->size - b->used < want) {
		size_t size = want > BLOCK_SIZE ? want : BLOCK_SIZE;

		b = malloc(sizeof(*b) + size);
		if (!b) {
			a->failed = 1;
			return NULL;
		}
		b->used = 0;
		b->size = size;
		b->next = a->blocks;
		a->blocks = b;
	}
	b->used += want;
	return b->data + b->used - want;
}

static void arena_free(void *p)
{
	const struct tlpress_jarena_block *b;

	if (!p)
		return;
	if (current)
		for (b = current->blocks; b; b = b->next)
			if ((const unsigned char *)p >= b->data &&
			    (const unsigned char *)p < b->data + b->size)
				return;   /* given back with the arena */
	free(p);
}

/* before main(), so before any thread or jansson value exists */
__attribute__((constructor)) static void arena_install(void)
{
	json_set_alloc_funcs(arena_malloc, arena_free);
}

void tlpress_jarena_begin(struct tlpress_jarena *a)
{
	a->blocks = NULL;
	a->failed = 0;
	current = a;
}

void tlpress_jarena_end(struct tlpress_jarena *a)
{
	struct tlpress_jarena_block *b = a->blocks, *next;

	if (current == a)
		current = NULL;
	for (; b; b = next) {
		next = b->next;
		free(b);
	}
	a->blocks = NULL;
}
