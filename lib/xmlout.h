/*
 * xmlout.h - XML text written as libxml2's xmlTextWriter writes it with
 * xmlTextWriterSetIndent(w, 1), an indent string of two spaces and
 * xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL), byte for byte
 *
 * The writer of libxml2 keeps a linked list of the open elements, copies
 * every name, escapes every string into a fresh allocation and passes each
 * fragment through an output buffer and a UTF-8 to UTF-8 "conversion": most
 * of a CVRF document's cost. This one appends straight to a tlpress_buf.
 * tests/unit/test_xmlout.c holds it to xmlTextWriter on random documents.
 *
 * What it writes, as libxml2 does:
 *  - the declaration `<?xml version="1.0" encoding="UTF-8"?>` and a newline;
 *  - each start tag on a line of its own, indented two spaces a level; an
 *    element with neither text nor children as `<name/>`; an element with
 *    text as `<name>text</name>` on one line; each end tag of an element
 *    with children indented on a line of its own;
 *  - text with `<`, `>`, `&`, `"` escaped and CR as `&#13;`
 *    (xmlEncodeSpecialChars()); attribute values also with LF as `&#10;`
 *    and TAB as `&#9;` (xmlBufAttrSerializeTxtContent()). Other bytes are
 *    copied: the caller hands valid UTF-8 that XML can hold.
 *
 * Names are the caller's and are not checked. A call out of place (an
 * attribute after text or children, text or an end with no element open)
 * writes nothing and sets `failed`, where libxml2 returns -1.
 */
#ifndef TLPRESS_XMLOUT_H
#define TLPRESS_XMLOUT_H

#include <stddef.h>

#include "buf.h"

struct tlpress_xml {
	struct tlpress_buf *out;
	struct tlpress_buf names;   /* the open elements' names, NUL-separated */
	size_t *open;               /* offset of each open element's name */
	size_t depth, alloc;
	int tag_open;               /* the innermost start tag still lacks '>' */
	int doindent;               /* libxml2's writer->doindent */
	int failed;                 /* a call out of place, or out of memory */
};

/* Begin a document in out (appended to): writes the declaration. */
void tlpress_xml_begin(struct tlpress_xml *x, struct tlpress_buf *out);
/* <name ...>; the name is copied. */
void tlpress_xml_start(struct tlpress_xml *x, const char *name);
/* name="value" in the start tag just begun. */
void tlpress_xml_attr(struct tlpress_xml *x, const char *name, const char *value);
/* Text in the innermost open element. */
void tlpress_xml_text(struct tlpress_xml *x, const char *s);
/* The end of the innermost open element. */
void tlpress_xml_end(struct tlpress_xml *x);
/* <name>s</name> */
void tlpress_xml_element(struct tlpress_xml *x, const char *name, const char *s);
/* End every open element; 0, or -1 when anything failed (x->failed, or
 * out->failed: its limit or memory). Frees what x holds. */
int tlpress_xml_finish(struct tlpress_xml *x);
/* Free what x holds without ending anything (after a failure). */
void tlpress_xml_release(struct tlpress_xml *x);

#endif
