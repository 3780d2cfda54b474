/* test_xmlout.c - lib/xmlout.h writes what libxml2's xmlTextWriter writes
 * with an indent of two spaces and a UTF-8 declaration, on fixed cases and
 * on random documents (text and attribute values with every byte XML needs
 * escaped, white space, UTF-8, empty text, elements with no content, deep
 * nesting, names longer than a reused buffer). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "harness.h"
#include "xmlout.h"

#define rnd harness_rnd

static void rstring(char *s, size_t size)
{
	static const char *const pieces[] = { "a", "Z", " ", "\"", "'", "<", ">", "&", "&amp;",
					       "\n", "\r", "\t", "\r\n", "é", "€", "😀", "]]>",
					       "</x>", "=", "0", "  " };
	size_t n = 0, k = rnd(7);

	while (k--) {
		const char *p = pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))];
		size_t l = strlen(p);

		if (n + l >= size)
			break;
		memcpy(s + n, p, l);
		n += l;
	}
	s[n] = '\0';
}

/* the same calls on both writers */
struct pair {
	xmlTextWriterPtr w;
	struct tlpress_xml x;
	int depth, bad;
};

static void p_start(struct pair *p, const char *name)
{
	char copy[64];

	/* the name from a buffer that is reused at once: both must copy it */
	snprintf(copy, sizeof(copy), "%s", name);
	if (xmlTextWriterStartElement(p->w, BAD_CAST copy) < 0)
		p->bad = 1;
	tlpress_xml_start(&p->x, copy);
	memset(copy, 'q', sizeof(copy) - 1);
	p->depth++;
}

static void p_end(struct pair *p)
{
	if (xmlTextWriterEndElement(p->w) < 0)
		p->bad = 1;
	tlpress_xml_end(&p->x);
	p->depth--;
}

static void p_attr(struct pair *p, const char *name, const char *v)
{
	if (xmlTextWriterWriteAttribute(p->w, BAD_CAST name, BAD_CAST v) < 0)
		p->bad = 1;
	tlpress_xml_attr(&p->x, name, v);
}

static void p_text(struct pair *p, const char *s)
{
	if (xmlTextWriterWriteString(p->w, BAD_CAST s) < 0)
		p->bad = 1;
	tlpress_xml_text(&p->x, s);
}

static void p_element(struct pair *p, const char *name, const char *s)
{
	if (xmlTextWriterWriteElement(p->w, BAD_CAST name, BAD_CAST s) < 0)
		p->bad = 1;
	tlpress_xml_element(&p->x, name, s);
}

/* An element: attributes, then text alone, or children alone, or nothing. */
static void relement(struct pair *p, int depth)
{
	static const char *const names[] = { "a", "Note", "vuln:Vulnerability", "prod:Branch",
					      "DocumentTitle", "x" };
	char s[80];
	unsigned k, n;

	p_start(p, names[rnd(sizeof(names) / sizeof(names[0]))]);
	n = rnd(3);
	for (k = 0; k < n; k++) {
		rstring(s, sizeof(s));
		p_attr(p, k == 0 ? "Type" : k == 1 ? "xml:lang" : "Title", s);
	}
	switch (depth > 6 ? rnd(2) : rnd(4)) {
	case 0:
		break;
	case 1:
		rstring(s, sizeof(s));
		p_text(p, s);
		break;
	case 2:
		rstring(s, sizeof(s));
		p_element(p, "vuln:ProductID", s);
		/* fallthrough */
	default:
		n = 1 + rnd(4);
		for (k = 0; k < n; k++)
			relement(p, depth + 1);
	}
	p_end(p);
}

static int same_doc(int random, const char *fixed_want)
{
	xmlBufferPtr xb = xmlBufferCreate();
	struct tlpress_buf out = TLPRESS_BUF_INIT;
	struct pair p;
	int r;

	memset(&p, 0, sizeof(p));
	p.w = xmlNewTextWriterMemory(xb, 0);
	xmlTextWriterSetIndent(p.w, 1);
	xmlTextWriterSetIndentString(p.w, BAD_CAST "  ");
	xmlTextWriterStartDocument(p.w, "1.0", "UTF-8", NULL);
	tlpress_xml_begin(&p.x, &out);
	if (random) {
		relement(&p, 0);
	} else {
		p_start(&p, "cvrfdoc");
		p_attr(&p, "xmlns", "urn:x");
		p_element(&p, "DocumentTitle", "a < b & \"c\"\r\n\té");
		p_start(&p, "Empty");
		p_attr(&p, "Type", "t\"<>&\n\r\t'é");
		p_end(&p);
		p_start(&p, "Parent");
		p_start(&p, "Child");
		p_text(&p, "");
		p_end(&p);
		p_end(&p);
		/* left open: the end of the document closes it */
	}
	xmlTextWriterEndDocument(p.w);
	xmlFreeTextWriter(p.w);
	r = tlpress_xml_finish(&p.x) == 0 && !p.bad &&
	    out.len == (size_t)xmlBufferLength(xb) &&
	    !memcmp(out.ptr, xmlBufferContent(xb), out.len);
	if (r && fixed_want)
		r = !strcmp(out.ptr, fixed_want);
	if (!r)
		printf("# want:\n%s\n# got:\n%s\n", xmlBufferContent(xb), out.ptr);
	xmlBufferFree(xb);
	tlpress_buf_release(&out);
	return r;
}

int main(void)
{
	struct tlpress_buf out = TLPRESS_BUF_INIT;
	struct tlpress_xml x;
	int i, bad = 0;

	OK(same_doc(0, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<cvrfdoc xmlns=\"urn:x\">\n"
		    "  <DocumentTitle>a &lt; b &amp; &quot;c&quot;&#13;\n\té</DocumentTitle>\n"
		    "  <Empty Type=\"t&quot;&lt;&gt;&amp;&#10;&#13;&#9;'é\"/>\n"
		    "  <Parent>\n"
		    "    <Child></Child>\n"
		    "  </Parent>\n"
		    "</cvrfdoc>\n"),
	   "a fixed document: escapes in text and attributes, <x/>, empty text, the "
	   "end closing what is open");
	for (i = 0; i < 3000; i++)
		if (!same_doc(1, NULL))
			bad++;
	INT_EQ(bad, 0, "3,000 random documents: byte-identical to xmlTextWriter");

	tlpress_xml_begin(&x, &out);
	tlpress_xml_text(&x, "no element");
	OK(x.failed, "text with no element open fails");
	tlpress_xml_start(&x, "a");
	tlpress_xml_text(&x, "t");
	tlpress_xml_attr(&x, "late", "v");
	OK(tlpress_xml_finish(&x) == -1 && !strstr(out.ptr, "late"),
	   "an attribute after text fails and writes nothing");
	tlpress_buf_release(&out);
	tlpress_buf_init(&out, 48);
	tlpress_xml_begin(&x, &out);
	tlpress_xml_element(&x, "a", "more than the limit of the buffer");
	OK(tlpress_xml_finish(&x) == -1 && out.failed, "a buffer over its limit fails");
	tlpress_buf_release(&out);
	xmlCleanupParser();
	return harness_done();
}
