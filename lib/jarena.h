/*
 * jarena.h - jansson's allocations of one short-lived document from a few
 * large blocks, freed at once
 *
 * A CSAF document is a jansson tree of some hundreds of values, each one or
 * two malloc() calls, all freed again by json_decref() a moment later: a
 * third of the CSAF rendition's cost. Between tlpress_jarena_begin() and
 * tlpress_jarena_end() on a thread, every allocation jansson makes on that
 * thread is cut from the arena's blocks and every free of such memory does
 * nothing; tlpress_jarena_end() gives the blocks back. Other threads, and
 * this one outside the pair, get malloc() and free() as before: the
 * functions jansson is given (json_set_alloc_funcs(), once, before main())
 * only add a test of a thread-local pointer.
 *
 * The contract: no value made inside the pair may be used, kept or
 * decref'd after tlpress_jarena_end() (the tree is dropped with the
 * arena, not with json_decref()); values made outside may be used inside
 * but not freed there. Pairs do not nest.
 */
#ifndef TLPRESS_JARENA_H
#define TLPRESS_JARENA_H

#include <stddef.h>

struct tlpress_jarena_block;

struct tlpress_jarena {
	struct tlpress_jarena_block *blocks;   /* newest first */
	int failed;                            /* an allocation failed */
};

void tlpress_jarena_begin(struct tlpress_jarena *a);
void tlpress_jarena_end(struct tlpress_jarena *a);

#endif
