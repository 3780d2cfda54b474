/*
 * test_advisory.c - the advisory model: a full advisory read into its
 * fields, and hostile inputs (empty, garbage, a 1 MiB line, 10,000 nested
 * lists, YAML bombs) that must be refused cleanly, never crash or leak.
 * Run under ASan and UBSan by 'make check'.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>

#include "advisory.h"
#include "buf.h"
#include "rendition.h"

#include "harness.h"

static const char sample[] =
	"---\n"
	"id: CCB-2026-0042\n"
	"title: \"Kritieke kwetsbaarheid in Nordvolt GridControl: patch onmiddellijk\"\n"
	"lang: nl\n"
	"tlp: TLP:CLEAR\n"
	"status: interim\n"
	"cvss: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
	"cves: [CVE-2026-41207, CVE-2026-41208]\n"
	"cwes:\n"
	"  - {id: CWE-787, name: Out-of-bounds Write}\n"
	"products:\n"
	"  - {vendor: Nordvolt, product: GridControl, affected: \"< 7.4.3\", fixed: 7.4.3}\n"
	"  - {vendor: Nordvolt, product: GridView, affected: \">= 2.0, < 2.6.1\"}\n"
	"references:\n"
	"  - https://vendor.example/psirt/NV-2026-07\n"
	"  - {url: \"https://ccb.belgium.be/nl/advisories\", title: CCB}\n"
	"audience: [oes-ci, public-services]\n"
	"recipients: [oes-energy, soc@operator.example]\n"
	"embargo: 2026-11-20T09:00:00+01:00\n"
	"revisions:\n"
	"  - {version: 1, date: 2026-11-20T10:00:00+01:00, summary: Eerste publicatie}\n"
	"  - {version: 2, date: 2026-11-21T16:30:00+01:00, summary: Patch beschikbaar}\n"
	"---\n"
	"Een aanvaller kan op afstand code uitvoeren op de beheerinterface.\n"
	"\n"
	"## Aanbevelingen\n"
	"\n"
	"1. Installeer versie 7.4.3.\n"
	"\n"
	"## Indicatoren [TLP:AMBER]\n"
	"\n"
	"- 203.0.113.7\n"
	"\n"
	"### Slachtoffers [TLP:RED]\n"
	"\n"
	"Namen.\n"
	"\n"
	"## Referenties\n"
	"\n"
	"Zie hierboven.\n";

static struct tlpress_advisory *parse(const char *name, const char *s, size_t n,
				      struct tlpress_diags *d)
{
	return tlpress_advisory_parse(name, s, n, d);
}

static int any_diag(const struct tlpress_diags *d, const char *needle)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strstr(d->v[i].msg, needle))
			return 1;
	return 0;
}

/* Parse s and expect it refused with a message holding `needle`. */
static void refused(const char *what, const char *s, size_t n, const char *needle)
{
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_advisory *a;

	if (!n && *s)
		n = strlen(s);
	a = parse("CCB-2026-0001.md", s, n, &d);
	OK(d.nerrors > 0 && (!a || a->nerrors > 0), "%s: refused", what);
	if (needle) {
		OK(any_diag(&d, needle), "%s: says '%s'", what, needle);
		if (!any_diag(&d, needle) && d.n)
			DIAG("got: %s", d.v[0].msg);
	}
	tlpress_advisory_free(a);
	tlpress_diags_release(&d);
}

static const char head[] =
	"---\nid: CCB-2026-0001\ntitle: Robustness\ntlp: CLEAR\n"
	"revisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, summary: x}]\n---\n";

static void fields(void)
{
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_advisory *a = parse("advisories/CCB-2026-0042.md", sample,
					   sizeof(sample) - 1, &d);
	struct tlpress_buf b = TLPRESS_BUF_INIT;

	OK(a != NULL, "the sample parses");
	if (!a)
		return;
	INT_EQ(d.nerrors, 0, "without errors");
	INT_EQ(d.nwarnings, 0, "without warnings");
	STR_EQ(a->id, "CCB-2026-0042", "id");
	STR_EQ(a->title, "Kritieke kwetsbaarheid in Nordvolt GridControl: patch onmiddellijk", "title");
	STR_EQ(a->lang, "nl", "lang");
	INT_EQ(a->tlp, TLPRESS_TLP_CLEAR, "tlp with its TLP: prefix");
	INT_EQ(a->status, TLPRESS_STATUS_INTERIM, "status");
	OK(a->has_cvss && a->cvss.score10 == 98, "cvss scores 9.8");
	OK(a->has_severity && a->severity == TLPRESS_CVSS_CRITICAL, "severity follows the vector");
	INT_EQ(a->ncves, 2, "two CVEs");
	STR_EQ(a->cves[1], "CVE-2026-41208", "second CVE");
	OK(a->ncwes == 1 && !strcmp(a->cwes[0].name, "Out-of-bounds Write"), "CWE");
	INT_EQ(a->nproducts, 2, "two products");
	STR_EQ(a->products[0].fixed, "7.4.3", "fixed version");
	OK(a->products[1].fixed == NULL, "no fixed version yet");
	INT_EQ(a->nrefs, 2, "two references");
	STR_EQ(a->refs[1].title, "CCB", "reference title");
	INT_EQ(a->audience, TLPRESS_AUD_OES_CI | TLPRESS_AUD_PUBLIC_SERVICES, "audience bits");
	INT_EQ(a->nrecipients, 2, "two recipients");
	OK(a->embargo.valid && a->embargo.t == 1795161600, "embargo instant (2026-11-20T08:00Z)");
	INT_EQ(a->nrevisions, 2, "two revisions");
	INT_EQ(tlpress_advisory_current(a)->version, 2, "current version");
	INT_EQ(a->nsections, 2, "two marked sections");
	INT_EQ(a->sections[1].parent, 0, "the RED section sits in the AMBER one");
	STR_EQ(a->sections[0].title, "Indicatoren", "section title without its marking");
	INT_EQ(a->sections[0].line, 30, "section line in the file");
	INT_EQ(tlpress_advisory_doc_label(a), TLPRESS_TLP_RED, "document label RED");
	INT_EQ(a->blocks[0].mark, -1, "first paragraph unmarked");
	tlpress_summary_render(a, &b);
	STR_EQ(b.ptr, "Een aanvaller kan op afstand code uitvoeren op de beheerinterface.",
	       "summary from the first unmarked paragraph");
	tlpress_buf_release(&b);
	tlpress_advisory_free(a);
	tlpress_diags_release(&d);
}

static void hostile(void)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	unsigned seed = 12345;
	int i, k;

	refused("an empty file", "", 0, "empty file");
	refused("only the opening fence", "---\n", 4, "closing '---'");
	refused("NUL bytes", "---\n\0\0\0\n---\n", 12, "NUL");

	/* binary garbage, with and without a front matter before it */
	for (k = 0; k < 20; k++) {
		struct tlpress_diags d = TLPRESS_DIAGS_INIT;
		struct tlpress_advisory *a;
		char buf[8192];

		for (i = 0; i < (int)sizeof(buf); i++) {
			seed = seed * 1103515245 + 12345;
			buf[i] = (char)(seed >> 16);
		}
		if (k % 2)
			memcpy(buf, head, sizeof(head) - 1);
		a = parse("CCB-2026-0001.md", buf, sizeof(buf), &d);
		OK(d.nerrors > 0, "binary garbage %d is refused", k);
		tlpress_advisory_free(a);
		tlpress_diags_release(&d);
	}
	/* garbage that is valid UTF-8: random printable text and Markdown signs */
	for (k = 0; k < 20; k++) {
		struct tlpress_diags d = TLPRESS_DIAGS_INIT;
		struct tlpress_advisory *a;
		static const char alphabet[] = "ab *_[]()<>!`~|#->\n\n1.-+:\\\"'&";

		tlpress_buf_reset(&b);
		tlpress_buf_adds(&b, head);
		for (i = 0; i < 20000; i++) {
			seed = seed * 1103515245 + 12345;
			tlpress_buf_addch(&b, alphabet[(seed >> 16) % (sizeof(alphabet) - 1)]);
		}
		a = parse("CCB-2026-0001.md", b.ptr, b.len, &d);
		OK(a != NULL, "random Markdown %d parses or is refused without a crash", k);
		if (a && !a->nerrors) {
			struct tlpress_buf out = TLPRESS_BUF_INIT;

			tlpress_body_render(a, a->tlp, TLPRESS_TLP_CLEAR, TLPRESS_BODY_HTML, &out, NULL);
			tlpress_buf_release(&out);
		}
		tlpress_advisory_free(a);
		tlpress_diags_release(&d);
	}

	/* a 1 MiB line in the body, and in the title */
	tlpress_buf_reset(&b);
	tlpress_buf_adds(&b, head);
	for (i = 0; i < 1024 * 1024 - 200; i++)
		tlpress_buf_addch(&b, 'x');
	tlpress_buf_addch(&b, '\n');
	refused("a 1 MiB line in the body", b.ptr, b.len, "line too long");
	tlpress_buf_reset(&b);
	tlpress_buf_adds(&b, "---\nid: CCB-2026-0001\ntitle: ");
	for (i = 0; i < 1024 * 1024 - 200; i++)
		tlpress_buf_addch(&b, 'x');
	tlpress_buf_adds(&b, "\ntlp: CLEAR\n---\nx\n");
	refused("a 1 MiB title", b.ptr, b.len, "at most 200");
	/* a file over the limit */
	tlpress_buf_reset(&b);
	tlpress_buf_adds(&b, head);
	for (i = 0; i < 1024 * 1024; i++)
		tlpress_buf_addch(&b, i % 80 ? 'y' : '\n');
	refused("a file over 1 MiB", b.ptr, b.len, "at most 1048576");

	/* 10,000 nested list levels, written three ways, and nested quotes */
	tlpress_buf_reset(&b);
	tlpress_buf_adds(&b, head);
	for (i = 0; i < 900; i++) {
		for (k = 0; k < i; k++)
			tlpress_buf_adds(&b, "  ");
		tlpress_buf_adds(&b, "- x\n");
	}
	refused("900 nested list levels, indented (as many as fit in 1 MiB)", b.ptr, b.len,
		"nest more than");
	tlpress_buf_reset(&b);
	tlpress_buf_adds(&b, head);
	for (i = 0; i < 10000; i++)
		tlpress_buf_adds(&b, "- ");
	tlpress_buf_adds(&b, "x\n");
	refused("10,000 nested list levels (one line)", b.ptr, b.len, "nest more than");
	tlpress_buf_reset(&b);
	tlpress_buf_adds(&b, head);
	for (i = 0; i < 10000; i++)
		tlpress_buf_adds(&b, "1. ");
	tlpress_buf_adds(&b, "x\n");
	refused("10,000 nested ordered lists", b.ptr, b.len, "nest more than");
	tlpress_buf_reset(&b);
	tlpress_buf_adds(&b, head);
	for (i = 0; i < 10000; i++)
		tlpress_buf_addch(&b, '>');
	tlpress_buf_adds(&b, " x\n");
	refused("10,000 nested block quotes", b.ptr, b.len, "nest more than");
	tlpress_buf_reset(&b);
	tlpress_buf_adds(&b, head);
	for (i = 0; i < 100000; i++)
		tlpress_buf_adds(&b, i % 1000 ? ">" : ">\n");
	tlpress_buf_adds(&b, " x\n");
	refused("100,000 nested block quotes over many lines", b.ptr, b.len, "nest more than");

	/* just under the bound is fine */
	{
		struct tlpress_diags d = TLPRESS_DIAGS_INIT;
		struct tlpress_advisory *a;

		tlpress_buf_reset(&b);
		tlpress_buf_adds(&b, head);
		for (i = 0; i < TLPRESS_MAX_NESTING; i++)
			tlpress_buf_addch(&b, '>');
		tlpress_buf_adds(&b, " quoted\n");
		a = parse("CCB-2026-0001.md", b.ptr, b.len, &d);
		OK(a && a->nerrors == 0, "%d nested block quotes are accepted", TLPRESS_MAX_NESTING);
		tlpress_advisory_free(a);
		tlpress_diags_release(&d);
	}

	/* the inputs that make Debian 12's cmark-gfm quadratic (bench/pathological) */
	refused("a lone CR as line ending", "---\rid: x\r---\r", 0, "carriage return");
	tlpress_buf_reset(&b);
	tlpress_buf_adds(&b, head);
	for (i = 0; i < 200; i++)
		tlpress_buf_adds(&b, "a|");
	tlpress_buf_adds(&b, "\n");
	refused("200 table columns", b.ptr, b.len, "too many '|' on one line");
	tlpress_buf_reset(&b);
	tlpress_buf_adds(&b, head);
	for (i = 0; i < 20000; i++)
		tlpress_buf_adds(&b, "![[]() ![[]() ![[]() ![[]()\n");
	refused("![[]() runs in one paragraph (CVE-2023-22486)", b.ptr, b.len, "too many brackets");
	tlpress_buf_reset(&b);
	tlpress_buf_adds(&b, head);
	tlpress_buf_adds(&b, "x\n");
	for (i = 0; i < 30000; i++)
		tlpress_buf_adds(&b, i % 2 ? "-|-\n" : "-|-|-\n");
	refused("table header probes (CVE-2023-37463)", b.ptr, b.len, "table delimiter rows");
	tlpress_buf_reset(&b);
	tlpress_buf_adds(&b, head);
	for (i = 0; i < 100; i++)
		tlpress_buf_adds(&b, "*a ");
	for (i = 0; i < 100; i++)
		tlpress_buf_adds(&b, "a* ");
	tlpress_buf_adds(&b, "\n");
	refused("emphasis nested 100 deep", b.ptr, b.len, "nests more than 64 levels");
	tlpress_buf_reset(&b);
	tlpress_buf_adds(&b, head);
	for (i = 0; i < 40; i++)
		tlpress_buf_adds(&b, "a@b.example ");
	tlpress_buf_adds(&b, "\n");
	refused("40 e-mail addresses on a line", b.ptr, b.len, "too many '@' on one line");
	{
		struct tlpress_diags d = TLPRESS_DIAGS_INIT;
		struct tlpress_advisory *a;

		tlpress_buf_reset(&b);
		tlpress_buf_adds(&b, head);
		tlpress_buf_adds(&b, "Before.\n\n- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -\n\nAfter.\n");
		a = parse("CCB-2026-0001.md", b.ptr, b.len, &d);
		OK(a && a->nerrors == 0, "a long thematic break is not a deep list");
		tlpress_advisory_free(a);
		tlpress_diags_release(&d);
	}

	/* YAML bombs and floods */
	refused("a YAML alias bomb",
		"---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
		"c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n---\n", 0, "anchors");
	tlpress_buf_reset(&b);
	tlpress_buf_adds(&b, "---\n");
	for (i = 0; i < 10000; i++)
		tlpress_buf_printf(&b, "key%d: v\n", i);
	tlpress_buf_adds(&b, "---\nx\n");
	refused("10,000 keys", b.ptr, b.len, "too many");
	{
		struct tlpress_diags d = TLPRESS_DIAGS_INIT;
		struct tlpress_advisory *a = parse("CCB-2026-0001.md", b.ptr, b.len, &d);

		/* the 2,001st key, on line 2,002: not the mapping's first line */
		OK(d.n && d.v[0].line == 2002, "10,000 keys: the error names the line of the "
		   "first key over the limit (%u)", d.n ? d.v[0].line : 0);
		tlpress_advisory_free(a);
		tlpress_diags_release(&d);
	}
	tlpress_buf_reset(&b);
	tlpress_buf_adds(&b, "---\nid: ");
	for (i = 0; i < 5000; i++)
		tlpress_buf_addch(&b, '[');
	tlpress_buf_adds(&b, "\n---\n");
	refused("5,000 nested flow lists", b.ptr, b.len, "nested too deeply");
	refused("a reference whose host is in disguise",
		"---\nid: CCB-2026-0001\ntitle: x\ntlp: CLEAR\nreferences: "
		"[\"https://vendor.example@evil.example/\"]\n"
		"revisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, summary: x}]\n---\nx\n",
		0, "user name or password before its host");
	refused("a reference with a password",
		"---\nid: CCB-2026-0001\ntitle: x\ntlp: CLEAR\nreferences: "
		"[{url: \"https://u:pw@vendor.example/x\", title: t}]\n"
		"revisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, summary: x}]\n---\nx\n",
		0, "user name or password before its host");
	refused("overlong UTF-8 (0xC0 0xAF)", "---\nid: \xC0\xAF\n---\n", 0, "invalid UTF-8");
	refused("a UTF-16 surrogate", "---\nid: \xED\xA0\x80\n---\n", 0, "invalid UTF-8");
	tlpress_buf_release(&b);
}

static int same_str(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

/* One file read as the build reads it (the front matter, then the body
 * when it publishes) and as everything else does (whole): the same
 * advisory, the same diagnostics in the same order. */
static size_t resumed_one(const char *path, const char *text, size_t *files, size_t *bad)
{
	const unsigned two = TLPRESS_PARSE_FRONT_ONLY | TLPRESS_PARSE_RESUMABLE;
	struct tlpress_diags d1 = TLPRESS_DIAGS_INIT, d2 = TLPRESS_DIAGS_INIT;
	struct tlpress_advisory *a = text ? tlpress_advisory_parse(path, text, strlen(text), &d1)
				     : tlpress_advisory_load(path, &d1);
	struct tlpress_advisory *b = text ? tlpress_advisory_parse_ex(path, text, strlen(text),
								      two, &d2)
				     : tlpress_advisory_load_ex(path, two, &d2);
	struct tlpress_buf h1 = TLPRESS_BUF_INIT, h2 = TLPRESS_BUF_INIT;
	size_t k, n = d1.n;
	int same = !a == !b;

	if (b && !b->front)
		same = 0;  /* every file that parses can be resumed */
	if (b && tlpress_advisory_finish(b, &d2))
		same = 0;
	if (b && (b->front || tlpress_advisory_finish(b, &d2) != -1))
		same = 0;  /* and only once */
	same = same && d1.n == d2.n && d1.nerrors == d2.nerrors;
	for (k = 0; same && k < d1.n; k++)
		same = d1.v[k].line == d2.v[k].line && d1.v[k].col == d2.v[k].col &&
		       d1.v[k].severity == d2.v[k].severity && same_str(d1.v[k].msg, d2.v[k].msg) &&
		       same_str(d1.v[k].key, d2.v[k].key) && same_str(d1.v[k].hint, d2.v[k].hint);
	if (same && a) {
		same = a->nerrors == b->nerrors && a->nblocks == b->nblocks &&
		       a->nsections == b->nsections && a->max_mark == b->max_mark &&
		       a->flags == b->flags && same_str(a->id, b->id);
		if (same && !a->nerrors) {
			tlpress_body_render(a, a->tlp, TLPRESS_TLP_RED, TLPRESS_BODY_HTML, &h1, NULL);
			tlpress_body_render(b, b->tlp, TLPRESS_TLP_RED, TLPRESS_BODY_HTML, &h2, NULL);
			same = h1.len == h2.len && !memcmp(h1.ptr, h2.ptr, h1.len);
		}
	}
	if (!same) {
		DIAG("%s: read in two steps, not as read whole (%zu and %zu diagnostics)",
		     path, d1.n, d2.n);
		++*bad;
	}
	++*files;
	tlpress_buf_release(&h1);
	tlpress_buf_release(&h2);
	tlpress_advisory_free(a);
	tlpress_advisory_free(b);
	tlpress_diags_release(&d1);
	tlpress_diags_release(&d2);
	return n;
}

static void resumed(void)
{
	static const char *const dirs[] = { "advisories", "tests/invalid", "tests/invalid/dup",
					    "tests/hostile" };
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_advisory *a;
	size_t i, n, files = 0, bad = 0;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		DIR *dir = opendir(dirs[i]);
		struct dirent *e;
		char path[512];

		while (dir && (e = readdir(dir))) {
			size_t len = strlen(e->d_name);

			if (len < 4 || strcmp(e->d_name + len - 3, ".md"))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[i], e->d_name);
			resumed_one(path, NULL, &files, &bad);
		}
		if (dir)
			closedir(dir);
	}
	OK(files >= 50, "files read in two steps: %zu", files);
	INT_EQ(bad, 0, "each the same advisory, with the same diagnostics, as read whole");
	/* the front matter's checks (the id against the file name, an error;
	 * the severity against the vector, a warning) and the body's (a section
	 * marked below the advisory's label; no summary): the body's parse
	 * reports between the two, as when read whole */
	files = bad = 0;
	n = resumed_one("CCB-2026-0001.md", "---\nid: CCB-2026-0002\ntitle: T\ntlp: AMBER\n"
		    "severity: low\ncvss: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
		    "revisions:\n  - version: 1\n    date: 2026-01-01T10:00:00Z\n"
		    "    summary: x\n---\n# Only a heading\n\n## Part [TLP:GREEN]\n\nText.\n",
		    &files, &bad);
	resumed_one("CCB-2026-0003.md", "---\nid: CCB-2026-0003\ntitle: T\ntlp: CLEAR\n"
		    "severity: low\ncvss: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
		    "revisions:\n  - version: 1\n    date: 2026-01-01T10:00:00Z\n"
		    "    summary: x\n---\n# Only a heading\n",
		    &files, &bad);
	INT_EQ(bad, 0, "diagnostics of both kinds in the order of a whole read");
	OK(n >= 4, "(%zu of them in the first)", n);
	a = tlpress_advisory_parse("CCB-2026-0003.md", "---\nid: x\n---\n", 15, &d);
	OK(!a || !a->front, "a whole parse keeps no front matter tree");
	tlpress_advisory_free(a);
	tlpress_diags_release(&d);
	OK(tlpress_advisory_finish(NULL, &d) == -1, "finish() of nothing does nothing");
}

int main(void)
{
	fields();
	hostile();
	resumed();
	return harness_done();
}
