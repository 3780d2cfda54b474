/* jsonout.c - JSON text of a jansson value; see jsonout.h */
#include "jsonout.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 2048
#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL

static void newline(struct tlpress_buf *out, int indent, int depth)
{
	static const char spaces[] = "                                                                ";
	size_t n = (size_t)indent * (size_t)depth;

	if (!indent)
		return;
	tlpress_buf_addch(out, '\n');
	while (n) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		tlpress_buf_add(out, spaces, k);
		n -= k;
	}
}

void tlpress_json_string(struct tlpress_buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, run = 0;

	tlpress_buf_addch(out, '"');
	for (i = 0; i < n; i++) {
		unsigned char c;
		char esc[7];

		/* eight bytes at a time while none needs escaping */
		while (i + 8 <= n) {
			uint64_t w, q, b;

			memcpy(&w, s + i, 8);
			q = w ^ (ONES * '"');
			b = w ^ (ONES * '\\');
			/* a byte below 0x20, a quote, a backslash ("has less" and
			 * "has zero" of Bit Twiddling Hacks: exact as to whether) */
			if ((((w - ONES * 0x20) & ~w) | ((q - ONES) & ~q) | ((b - ONES) & ~b)) & HIGH)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		tlpress_buf_add(out, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': tlpress_buf_add(out, "\\\"", 2); break;
		case '\\': tlpress_buf_add(out, "\\\\", 2); break;
		case '\b': tlpress_buf_add(out, "\\b", 2); break;
		case '\f': tlpress_buf_add(out, "\\f", 2); break;
		case '\n': tlpress_buf_add(out, "\\n", 2); break;
		case '\r': tlpress_buf_add(out, "\\r", 2); break;
		case '\t': tlpress_buf_add(out, "\\t", 2); break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			tlpress_buf_add(out, esc, 6);
		}
	}
	tlpress_buf_add(out, s + run, n - run);
	tlpress_buf_addch(out, '"');
}

/* jansson's jsonp_dtostr() at precision 3 */
static void real(struct tlpress_buf *out, double d)
{
	char b[64], *e;
	int n = snprintf(b, sizeof(b), "%.3g", d);

	if (n < 0 || (size_t)n >= sizeof(b) - 3)
		return;
	if (!strchr(b, '.') && !strchr(b, 'e')) {
		b[n++] = '.';
		b[n++] = '0';
		b[n] = '\0';
	}
	e = strchr(b, 'e');
	if (e) {
		char *start = e + 1, *end = start + 1;

		if (*start == '-')
			start++;
		while (*end == '0')
			end++;
		if (end != start)
			memmove(start, end, strlen(end) + 1);
	}
	tlpress_buf_adds(out, b);
}

struct member {
	const char *key;
	const json_t *v;
};

static int cmp_member(const void *a, const void *b)
{
	return strcmp(((const struct member *)a)->key, ((const struct member *)b)->key);
}

static int value(const json_t *v, int indent, int depth, struct tlpress_buf *out)
{
	char num[32];
	size_t i, n;

	if (depth > MAX_DEPTH)
		return -1;
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		struct member few[32], *m = few;
		const char *key;
		json_t *x;

		n = json_object_size(v);
		if (!n) {
			tlpress_buf_add(out, "{}", 2);
			return 0;
		}
		if (n > sizeof(few) / sizeof(few[0]) && !(m = malloc(n * sizeof(*m)))) {
			out->failed = 1;
			return 0;
		}
		i = 0;
		json_object_foreach((json_t *)v, key, x) {
			m[i].key = key;
			m[i].v = x;
			i++;
		}
		qsort(m, n, sizeof(*m), cmp_member);
		tlpress_buf_addch(out, '{');
		for (i = 0; i < n; i++) {
			newline(out, indent, depth + 1);
			tlpress_json_string(out, m[i].key, strlen(m[i].key));
			tlpress_buf_add(out, ": ", 2);
			if (value(m[i].v, indent, depth + 1, out)) {
				if (m != few)
					free(m);
				return -1;
			}
			if (i + 1 < n)
				tlpress_buf_addch(out, ',');
			if (!indent && i + 1 < n)
				tlpress_buf_addch(out, ' ');
		}
		newline(out, indent, depth);
		tlpress_buf_addch(out, '}');
		if (m != few)
			free(m);
		return 0;
	}
	case JSON_ARRAY:
		n = json_array_size(v);
		if (!n) {
			tlpress_buf_add(out, "[]", 2);
			return 0;
		}
		tlpress_buf_addch(out, '[');
		for (i = 0; i < n; i++) {
			newline(out, indent, depth + 1);
			if (value(json_array_get(v, i), indent, depth + 1, out))
				return -1;
			if (i + 1 < n)
				tlpress_buf_addch(out, ',');
			if (!indent && i + 1 < n)
				tlpress_buf_addch(out, ' ');
		}
		newline(out, indent, depth);
		tlpress_buf_addch(out, ']');
		return 0;
	case JSON_STRING:
		tlpress_json_string(out, json_string_value(v), json_string_length(v));
		return 0;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		tlpress_buf_adds(out, num);
		return 0;
	case JSON_REAL:
		real(out, json_real_value(v));
		return 0;
	case JSON_TRUE:
		tlpress_buf_add(out, "true", 4);
		return 0;
	case JSON_FALSE:
		tlpress_buf_add(out, "false", 5);
		return 0;
	case JSON_NULL:
		tlpress_buf_add(out, "null", 4);
		return 0;
	}
	return -1;
}

int tlpress_json_write(const json_t *v, int indent, int depth, struct tlpress_buf *out)
{
	if (!v || (!json_is_object(v) && !json_is_array(v)))
		return -1;
	return value(v, indent, depth, out);
}
