/*
 * ytree.h - a small YAML tree with source positions, built from libyaml's
 * events, for front matter and configuration files.
 *
 * Only what tlpress's formats need: scalars, sequences and mappings. Anchors
 * and aliases are refused (they are never needed in an advisory and are the
 * road to a "billion laughs" bomb); so are duplicate keys, non-scalar keys,
 * more than one document, and inputs over the limits below. Scalars are kept
 * as text: the caller decides what a value means, so `version: 01` or
 * `tlp: no` are never silently turned into numbers or booleans.
 */
#ifndef TLPRESS_YTREE_H
#define TLPRESS_YTREE_H

#include <stddef.h>

#include "error.h"

enum tlpress_ytype {
	TLPRESS_Y_SCALAR,
	TLPRESS_Y_SEQ,
	TLPRESS_Y_MAP
};

struct tlpress_ynode {
	enum tlpress_ytype type;
	unsigned line, col;        /* 1-based, in the whole file */
	char *str;                 /* scalar text, NUL-terminated */
	size_t len;                /* its length (may hold NUL bytes) */
	int plain;                 /* 1 for a plain (unquoted) scalar */
	size_t n;                  /* items of a sequence, pairs of a map */
	struct tlpress_ynode **items; /* sequence items, or map values */
	struct tlpress_ynode **keys;  /* map keys (scalars), or NULL */
};

struct tlpress_ylimits {
	unsigned max_depth;        /* nesting of collections */
	size_t max_nodes;          /* scalars + collections */
	size_t max_entries;        /* items of one sequence or map */
};

/* Defaults: depth 16, 20000 nodes, 2000 entries per collection. */
extern const struct tlpress_ylimits tlpress_ylimits_default;

/*
 * Parse one YAML document from text[0..len). `first_line` is the file line
 * of text's first line, so that positions are those of the whole file.
 * An empty document gives an empty mapping. On error returns NULL and
 * reports one diagnostic (file, line, column, what) into diags.
 * The tree is the caller's: free it with tlpress_ynode_free().
 */
struct tlpress_ynode *tlpress_yparse(const char *text, size_t len,
				     const char *file, unsigned first_line,
				     const struct tlpress_ylimits *limits,
				     struct tlpress_diags *diags);

void tlpress_ynode_free(struct tlpress_ynode *node);

/* The value for key in a mapping, or NULL; *keynode gets the key node
 * when keynode is not NULL. */
const struct tlpress_ynode *tlpress_ymap_get(const struct tlpress_ynode *map,
					     const char *key,
					     const struct tlpress_ynode **keynode);

/* "a string", "a list", "a mapping" (for messages). */
const char *tlpress_ytype_name(enum tlpress_ytype t);

/* 1 when a plain scalar is YAML's null ("", "~", "null", "Null", "NULL"). */
int tlpress_yis_null(const struct tlpress_ynode *node);

#endif
