/* ytree.c - a YAML tree with source positions; see ytree.h */
#include "ytree.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "arena.h"

const struct tlpress_ylimits tlpress_ylimits_default = { 16, 20000, 2000 };

struct builder {
	const char *file;
	unsigned first_line;
	const struct tlpress_ylimits *lim;
	struct tlpress_diags *diags;
	size_t nodes;
	int failed;
};

const char *tlpress_ytype_name(enum tlpress_ytype t)
{
	switch (t) {
	case TLPRESS_Y_SCALAR: return "a string";
	case TLPRESS_Y_SEQ: return "a list";
	case TLPRESS_Y_MAP: return "a mapping";
	}
	return "a value";
}

void tlpress_ynode_free(struct tlpress_ynode *node)
{
	size_t i;

	if (!node)
		return;
	for (i = 0; i < node->n; i++) {
		tlpress_ynode_free(node->items[i]);
		if (node->keys)
			tlpress_ynode_free(node->keys[i]);
	}
	tlpress_arena_free(node->items);
	tlpress_arena_free(node->keys);
	tlpress_arena_free(node->str);
	tlpress_arena_free(node);
}

static void fail(struct builder *b, const yaml_mark_t *m, const char *hint,
		 const char *msg)
{
	if (b->failed)
		return;
	b->failed = 1;
	tlpress_diags_add(b->diags, TLPRESS_ERROR, b->file,
			  (unsigned)m->line + b->first_line,
			  (unsigned)m->column + 1, NULL, hint, "%s", msg);
}

static struct tlpress_ynode *newnode(struct builder *b, enum tlpress_ytype t,
				     const yaml_mark_t *m)
{
	struct tlpress_ynode *n;

	if (++b->nodes > b->lim->max_nodes) {
		fail(b, m, "split the document or remove repeated entries",
		     "front matter has too many values");
		return NULL;
	}
	n = tlpress_arena_calloc(1, sizeof(*n));
	if (!n) {
		fail(b, m, NULL, "out of memory");
		return NULL;
	}
	n->type = t;
	n->line = (unsigned)m->line + b->first_line;
	n->col = (unsigned)m->column + 1;
	return n;
}

static int push(struct builder *b, struct tlpress_ynode *coll,
		struct tlpress_ynode *key, struct tlpress_ynode *val,
		const yaml_mark_t *m, size_t *cap)
{
	if (coll->n >= b->lim->max_entries) {
		char msg[96];

		snprintf(msg, sizeof(msg), "too many entries in one list or mapping (at most %zu)",
			 b->lim->max_entries);
		fail(b, m, "split the data or move it to a linked file", msg);
		return -1;
	}
	if (coll->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		struct tlpress_ynode **it = tlpress_arena_realloc(coll->items, nc * sizeof(*it));

		if (!it) {
			fail(b, m, NULL, "out of memory");
			return -1;
		}
		coll->items = it;
		if (coll->type == TLPRESS_Y_MAP) {
			struct tlpress_ynode **k = tlpress_arena_realloc(coll->keys, nc * sizeof(*k));

			if (!k) {
				fail(b, m, NULL, "out of memory");
				return -1;
			}
			coll->keys = k;
		}
		*cap = nc;
	}
	if (coll->type == TLPRESS_Y_MAP)
		coll->keys[coll->n] = key;
	coll->items[coll->n++] = val;
	return 0;
}

static int next(yaml_parser_t *p, yaml_event_t *ev, struct builder *b)
{
	if (!yaml_parser_parse(p, ev)) {
		char msg[512];

		if (p->context)
			snprintf(msg, sizeof(msg), "invalid YAML: %s %s",
				 p->problem ? p->problem : "syntax error",
				 p->context);
		else
			snprintf(msg, sizeof(msg), "invalid YAML: %s",
				 p->problem ? p->problem : "syntax error");
		fail(b, &p->problem_mark,
		     "check the indentation (spaces, not tabs) and quote values "
		     "that contain ': ' or start with a special character", msg);
		return -1;
	}
	return 0;
}

/* Build the node that starts with event ev (already read; consumed here). */
static struct tlpress_ynode *build(yaml_parser_t *p, yaml_event_t *ev,
				   struct builder *b, unsigned depth)
{
	struct tlpress_ynode *n = NULL, *key = NULL, *val;
	yaml_mark_t at;
	yaml_event_t e;
	size_t cap = 0;

	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		fail(b, &ev->start_mark, "write the value out in full",
		     "YAML aliases ('*name') are not allowed");
		yaml_event_delete(ev);
		return NULL;
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor) {
			fail(b, &ev->start_mark, "remove the '&' anchor",
			     "YAML anchors ('&name') are not allowed");
			break;
		}
		n = newnode(b, TLPRESS_Y_SCALAR, &ev->start_mark);
		if (!n)
			break;
		n->len = ev->data.scalar.length;
		n->str = tlpress_arena_malloc(n->len + 1);
		if (!n->str) {
			fail(b, &ev->start_mark, NULL, "out of memory");
			tlpress_arena_free(n);
			n = NULL;
			break;
		}
		memcpy(n->str, ev->data.scalar.value, n->len);
		n->str[n->len] = '\0';
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		int ismap = ev->type == YAML_MAPPING_START_EVENT;
		yaml_event_type_t end = ismap ? YAML_MAPPING_END_EVENT
					      : YAML_SEQUENCE_END_EVENT;
		const unsigned char *anchor = ismap ? ev->data.mapping_start.anchor
						    : ev->data.sequence_start.anchor;

		if (anchor) {
			fail(b, &ev->start_mark, "remove the '&' anchor",
			     "YAML anchors ('&name') are not allowed");
			break;
		}
		if (depth >= b->lim->max_depth) {
			fail(b, &ev->start_mark, NULL,
			     "front matter is nested too deeply");
			break;
		}
		n = newnode(b, ismap ? TLPRESS_Y_MAP : TLPRESS_Y_SEQ,
			    &ev->start_mark);
		if (!n)
			break;
		for (;;) {
			if (next(p, &e, b) < 0)
				goto bad;
			if (e.type == end) {
				yaml_event_delete(&e);
				break;
			}
			/* build() consumes the event, its marks with it */
			at = e.start_mark;
			if (ismap) {
				yaml_mark_t km = e.start_mark;

				if (e.type != YAML_SCALAR_EVENT) {
					fail(b, &km, "keys are plain words like 'title'",
					     "a key must be a plain string");
					yaml_event_delete(&e);
					goto bad;
				}
				key = build(p, &e, b, depth + 1);
				if (!key)
					goto bad;
				if (tlpress_ymap_get(n, key->str, NULL)) {
					char msg[300];

					snprintf(msg, sizeof(msg),
						 "duplicate key '%.200s'", key->str);
					fail(b, &km, "remove one of them", msg);
					goto bad;
				}
				if (next(p, &e, b) < 0)
					goto bad;
			}
			if (!ismap)
				at = e.start_mark;
			val = build(p, &e, b, depth + 1);
			if (!val)
				goto bad;
			if (push(b, n, key, val, &at, &cap) < 0) {
				tlpress_ynode_free(val);
				goto bad;
			}
			key = NULL;
		}
		break;
	bad:
		tlpress_ynode_free(key);
		tlpress_ynode_free(n);
		n = NULL;
		break;
	}
	default:
		fail(b, &ev->start_mark, NULL, "unexpected YAML event");
		break;
	}
	yaml_event_delete(ev);
	return n;
}

struct tlpress_ynode *tlpress_yparse(const char *text, size_t len,
				     const char *file, unsigned first_line,
				     const struct tlpress_ylimits *limits,
				     struct tlpress_diags *diags)
{
	struct builder b = { file, first_line, limits ? limits
				: &tlpress_ylimits_default, diags, 0, 0 };
	struct tlpress_ynode *root = NULL;
	yaml_parser_t p;
	yaml_event_t ev;
	int done = 0;

	if (!yaml_parser_initialize(&p)) {
		tlpress_diags_add(diags, TLPRESS_ERROR, file, first_line, 1,
				  NULL, NULL, "out of memory");
		return NULL;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	while (!done) {
		if (next(&p, &ev, &b) < 0)
			break;
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			yaml_event_delete(&ev);
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (root) {
				fail(&b, &ev.start_mark,
				     "the front matter ends with a line '---'",
				     "more than one YAML document");
				done = 1;
			}
			yaml_event_delete(&ev);
			break;
		case YAML_STREAM_END_EVENT:
			yaml_event_delete(&ev);
			done = 1;
			break;
		default:
			if (root) {
				fail(&b, &ev.start_mark, NULL,
				     "more than one YAML document");
				yaml_event_delete(&ev);
				done = 1;
				break;
			}
			root = build(&p, &ev, &b, 0);
			if (!root)
				done = 1;
			break;
		}
	}
	yaml_parser_delete(&p);
	if (b.failed) {
		tlpress_ynode_free(root);
		return NULL;
	}
	if (!root) {
		yaml_mark_t m = { 0, 0, 0 };

		root = newnode(&b, TLPRESS_Y_MAP, &m);
	} else if (root->type == TLPRESS_Y_SCALAR && tlpress_yis_null(root)) {
		root->type = TLPRESS_Y_MAP;
		tlpress_arena_free(root->str);
		root->str = NULL;
		root->len = 0;
	}
	return root;
}

const struct tlpress_ynode *tlpress_ymap_get(const struct tlpress_ynode *map,
					     const char *key,
					     const struct tlpress_ynode **keynode)
{
	size_t i;

	if (!map || map->type != TLPRESS_Y_MAP)
		return NULL;
	for (i = 0; i < map->n; i++) {
		if (map->keys[i] && strcmp(map->keys[i]->str, key) == 0) {
			if (keynode)
				*keynode = map->keys[i];
			return map->items[i];
		}
	}
	return NULL;
}

int tlpress_yis_null(const struct tlpress_ynode *node)
{
	if (!node || node->type != TLPRESS_Y_SCALAR || !node->plain)
		return 0;
	return node->len == 0 || strcmp(node->str, "~") == 0 ||
	       strcmp(node->str, "null") == 0 ||
	       strcmp(node->str, "Null") == 0 || strcmp(node->str, "NULL") == 0;
}
