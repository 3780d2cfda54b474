/*
 * fuzz_template.c - the Mustache engine: compile templates and render them
 * over a JSON or YAML context, with partials, in both escape modes.
 *
 * Input: a context, then templates, each after a header line:
 *
 *   {"name": "x", "items": [1, 2]}      (JSON; else YAML; else none)
 *   %%%% main
 *   Hello {{name}}{{#items}} {{.}}{{/items}} {{> p}}
 *   %%%% p
 *   a partial
 *
 * The first template is rendered. Without a header line the whole input
 * is one template rendered over an empty context.
 */
#include "fuzz.h"

#include <jansson.h>

#include "template.h"
#include "ytree.h"

#define HDR "%%%% "

/* A YAML node as JSON: plain scalars that read as null, booleans or
 * integers become those, everything else a string. */
static json_t *from_yaml(const struct tlpress_ynode *n)
{
	json_t *j;
	size_t i;
	char *end;
	long long v;

	switch (n->type) {
	case TLPRESS_Y_SCALAR:
		if (n->plain && tlpress_yis_null(n))
			return json_null();
		if (n->plain && !strcmp(n->str, "true"))
			return json_true();
		if (n->plain && !strcmp(n->str, "false"))
			return json_false();
		if (n->plain && n->len && strlen(n->str) == n->len) {
			v = strtoll(n->str, &end, 10);
			if (!*end)
				return json_integer(v);
		}
		return json_stringn_nocheck(n->str, n->len);
	case TLPRESS_Y_SEQ:
		j = json_array();
		for (i = 0; j && i < n->n; i++)
			json_array_append_new(j, from_yaml(n->items[i]));
		return j;
	default:
		j = json_object();
		for (i = 0; j && i < n->n; i++)
			json_object_set_new_nocheck(j, n->keys[i]->str, from_yaml(n->items[i]));
		return j;
	}
}

static json_t *context(const char *s, size_t len)
{
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_ynode *y;
	json_t *j;

	j = json_loadb(s, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (j)
		return j;
	y = tlpress_yparse(s, len, "fuzz.yml", 1, NULL, &d);
	tlpress_diags_release(&d);
	if (!y)
		return NULL;
	j = from_yaml(y);
	tlpress_ynode_free(y);
	return j;
}

/* The next header line at or after s (at the start of a line), or NULL. */
static const char *next_header(const char *s, const char *end, const char *start)
{
	const char *p;

	for (p = s; p + 5 <= end; p++) {
		p = memchr(p, '%', (size_t)(end - p));
		if (!p || p + 5 > end)
			return NULL;
		if ((p == start || p[-1] == '\n') && !memcmp(p, HDR, 5))
			return p;
	}
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size, *h, *body, *next, *nl;
	struct tlpress_tmplset *set = tlpress_tmplset_new();
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_buf out;
	json_t *ctx = NULL;
	char *name, *first = NULL;
	size_t clen;
	int n = 0;

	if (!set)
		return 0;
	/* as a renderer should: a limit on what a template may write */
	tlpress_buf_init(&out, (size_t)16 << 20);
	h = next_header(s, end, s);
	if (!h) {
		first = strdup("main");
		if (first)
			tlpress_tmplset_add(set, first, s, size, &err);
	} else {
		clen = (size_t)(h - s);
		if (clen && s[clen - 1] == '\n')
			clen--;
		ctx = context(s, clen);
		for (; h && n < 64; h = next, n++) {
			nl = memchr(h, '\n', (size_t)(end - h));
			body = nl ? nl + 1 : end;
			name = fuzz_strndup((const uint8_t *)h + 5,
					    (size_t)((nl ? nl : end) - h - 5));
			next = next_header(body, end, s);
			if (!name)
				break;
			tlpress_tmplset_add(set, *name ? name : "main", body,
					    (size_t)((next ? next - (next > body) : end) - body),
					    &err);
			if (!first)
				first = strdup(*name ? name : "main");
			free(name);
		}
	}
	if (first) {
		/* the second only when the first was not over a limit */
		if (tlpress_tmplset_render(set, first, ctx, TLPRESS_ESCAPE_HTML, &out, &err) !=
		    TLPRESS_ELIMIT) {
			tlpress_buf_reset(&out);
			tlpress_tmplset_render(set, first, ctx, TLPRESS_ESCAPE_NONE, &out, &err);
		}
	}
	tlpress_buf_release(&out);
	free(first);
	json_decref(ctx);
	tlpress_tmplset_free(set);
	return 0;
}
