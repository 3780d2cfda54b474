/* xmlout.c - XML text as libxml2's xmlTextWriter writes it; see xmlout.h */
#include "xmlout.h"

#include <stdlib.h>
#include <string.h>

void tlpress_xml_begin(struct tlpress_xml *x, struct tlpress_buf *out)
{
	memset(x, 0, sizeof(*x));
	x->out = out;
	tlpress_buf_init(&x->names, 0);
	x->doindent = 1;   /* xmlTextWriterSetIndent() */
	tlpress_buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
}

/* xmlTextWriterWriteIndent(): two spaces per open element but one */
static void indent(struct tlpress_xml *x)
{
	static const char spaces[] = "                                                                ";
	size_t n = x->depth ? 2 * (x->depth - 1) : 0;

	while (n) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		tlpress_buf_add(x->out, spaces, k);
		n -= k;
	}
}

/* Text: xmlEncodeSpecialChars(); an attribute value: also LF and TAB,
 * as xmlBufAttrSerializeTxtContent() does in a document with an encoding. */
static void escaped(struct tlpress_buf *out, const char *s, int attr)
{
	const char *run = s;

	for (;; s++) {
		const char *e;
		unsigned char c = (unsigned char)*s;

		if (c > '>')
			continue;
		switch (c) {
		case '\0': tlpress_buf_add(out, run, (size_t)(s - run)); return;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '&': e = "&amp;"; break;
		case '"': e = "&quot;"; break;
		case '\r': e = "&#13;"; break;
		case '\n': if (!attr) continue; e = "&#10;"; break;
		case '\t': if (!attr) continue; e = "&#9;"; break;
		default: continue;
		}
		tlpress_buf_add(out, run, (size_t)(s - run));
		tlpress_buf_adds(out, e);
		run = s + 1;
	}
}

/* the innermost start tag gets its '>' before text */
static void close_tag(struct tlpress_xml *x)
{
	if (x->tag_open) {
		tlpress_buf_addch(x->out, '>');
		x->tag_open = 0;
	}
}

void tlpress_xml_start(struct tlpress_xml *x, const char *name)
{
	if (x->depth == x->alloc) {
		size_t n = x->alloc ? 2 * x->alloc : 16;
		size_t *p = realloc(x->open, n * sizeof(*p));

		if (!p) {
			x->failed = 1;
			return;
		}
		x->open = p;
		x->alloc = n;
	}
	if (x->tag_open) {
		tlpress_buf_add(x->out, ">\n", 2);
		x->tag_open = 0;
	}
	x->open[x->depth++] = x->names.len;
	tlpress_buf_add(&x->names, name, strlen(name) + 1);
	if (x->names.failed)
		x->failed = 1;
	x->tag_open = 1;
	indent(x);
	tlpress_buf_addch(x->out, '<');
	tlpress_buf_adds(x->out, name);
}

void tlpress_xml_attr(struct tlpress_xml *x, const char *name, const char *value)
{
	if (!x->tag_open) {
		x->failed = 1;
		return;
	}
	tlpress_buf_addch(x->out, ' ');
	tlpress_buf_adds(x->out, name);
	tlpress_buf_add(x->out, "=\"", 2);
	escaped(x->out, value, 1);
	tlpress_buf_addch(x->out, '"');
}

void tlpress_xml_text(struct tlpress_xml *x, const char *s)
{
	if (!x->depth) {
		x->failed = 1;
		return;
	}
	close_tag(x);
	x->doindent = 0;
	escaped(x->out, s, 0);
}

void tlpress_xml_end(struct tlpress_xml *x)
{
	if (!x->depth) {
		x->failed = 1;
		return;
	}
	if (x->tag_open) {
		x->doindent = 1;
		tlpress_buf_add(x->out, "/>", 2);
		x->tag_open = 0;
	} else {
		if (x->doindent)
			indent(x);
		x->doindent = 1;
		tlpress_buf_add(x->out, "</", 2);
		tlpress_buf_adds(x->out, x->names.ptr + x->open[x->depth - 1]);
		tlpress_buf_addch(x->out, '>');
	}
	tlpress_buf_addch(x->out, '\n');
	x->depth--;
	tlpress_buf_truncate(&x->names, x->open[x->depth]);
}

void tlpress_xml_element(struct tlpress_xml *x, const char *name, const char *s)
{
	tlpress_xml_start(x, name);
	tlpress_xml_text(x, s);
	tlpress_xml_end(x);
}

void tlpress_xml_release(struct tlpress_xml *x)
{
	tlpress_buf_release(&x->names);
	free(x->open);
	x->open = NULL;
	x->depth = x->alloc = 0;
}

int tlpress_xml_finish(struct tlpress_xml *x)
{
	while (x->depth && !x->failed)
		tlpress_xml_end(x);
	tlpress_xml_release(x);
	return x->failed || x->out->failed ? -1 : 0;
}
