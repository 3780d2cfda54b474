/*
 * test_cvrf.c - the CVRF 1.2 rendition (lib/cvrf.c).
 *
 * Every sample advisory in advisories/, at two fixed times (before and after
 * the samples' embargoes and downgrades) and at every clearance the policy
 * lets it out at, and a generated corpus (every label against every section
 * marking and clearance, every publisher category, products in every shape,
 * many CVSS vectors, hostile strings in every field), rendered and checked
 * here: well-formed (read back with XML_PARSE_NONET), the TLP 1.0 name in
 * DocumentDistribution and the TLP 2.0 label in its text, the base score
 * and severity of the model (and of the HTML page), one Vulnerability per
 * CVE, the tracking data, no text of a section above the clearance, and the
 * same bytes twice. Each document is written to $TLPRESS_CVRF_OUT (default
 * build/test-cvrf; build/asan/test-cvrf for the sanitized binary), where
 * tests/cli/0041-cvrf-validate.t validates it against the CVRF 1.2 schema
 * with xmllint, offline.
 *
 * Run from the top of the source tree (or with TLPRESS_TOP set to it).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmark-gfm.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "advisory.h"
#include "buf.h"
#include "config.h"
#include "cvrf.h"
#include "cvss.h"
#include "policy.h"
#include "render.h"
#include "rendition.h"
#include "strutil.h"
#include "template.h"
#include "timefmt.h"
#include "tlp.h"

#include "harness.h"

#define NS_CVRF "http://docs.oasis-open.org/csaf/ns/csaf-cvrf/v1.2/cvrf"
#define NS_PROD "http://docs.oasis-open.org/csaf/ns/csaf-cvrf/v1.2/prod"
#define NS_VULN "http://docs.oasis-open.org/csaf/ns/csaf-cvrf/v1.2/vuln"

static const char *outdir;
static int written;
static int sanitized;  /* this is the ASan binary (build/asan/tests/) */
static struct tlpress_config cfg;
static struct tlpress_tmplset *tmpl;  /* NULL when the templates are missing */

/* failures of the document being checked */
static int fails;
#define CHECK(cond, ...) do { \
	if (!(cond)) { fails++; DIAG(__VA_ARGS__); } \
} while (0)

static const char *const severity_labels[] = { "None", "Low", "Medium", "High", "Critical" };

/* ---------------------------------------------------------------- files */

static int mkdir_p(const char *path)
{
	char buf[4096];
	size_t i, n = strlen(path);

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (buf[i] == '/' || buf[i] == '\0') {
			char c = buf[i];

			buf[i] = '\0';
			if (mkdir(buf, 0777) && errno != EEXIST)
				return -1;
			buf[i] = c;
		}
	}
	return 0;
}

/* Remove the .xml files a previous run left in outdir. */
static void clean_outdir(void)
{
	DIR *d = opendir(outdir);
	struct dirent *e;
	char p[4096];

	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (l > 4 && !strcmp(e->d_name + l - 4, ".xml")) {
			snprintf(p, sizeof(p), "%s/%s", outdir, e->d_name);
			remove(p);
		}
	}
	closedir(d);
}

static int write_doc(const char *name, const struct tlpress_buf *b)
{
	char p[4096];
	FILE *f;
	int ok;

	snprintf(p, sizeof(p), "%s/%s.xml", outdir, name);
	f = fopen(p, "wb");
	if (!f)
		return -1;
	ok = fwrite(b->ptr, 1, b->len, f) == b->len;
	ok &= fclose(f) == 0;
	if (ok)
		written++;
	return ok ? 0 : -1;
}

/* ------------------------------------------------------------- XML */

struct doc {
	struct tlpress_buf xml;
	xmlDocPtr d;
	xmlXPathContextPtr xp;
	char *text;                  /* every text node and attribute, as read back */
};

static void doc_release(struct doc *x)
{
	if (x->xp)
		xmlXPathFreeContext(x->xp);
	if (x->d)
		xmlFreeDoc(x->d);
	free(x->text);
	tlpress_buf_release(&x->xml);
	memset(x, 0, sizeof(*x));
}

/* The text of every text node and attribute under n, in document order,
 * one per line (xmlNodeGetContent() grows its buffer by the exact size:
 * quadratic on a large document under ASan). */
static void gather(xmlNodePtr n, struct tlpress_buf *out)
{
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			tlpress_buf_adds(out, (const char *)n->content);
		} else if (n->type == XML_ELEMENT_NODE) {
			xmlAttrPtr a;

			for (a = n->properties; a; a = a->next) {
				xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);

				tlpress_buf_printf(out, "\n%s\n", v ? (const char *)v : "");
				xmlFree(v);
			}
			gather(n->children, out);
		}
	}
}

/* Parse x->xml: 0 when it is well-formed XML with well-formed namespaces. */
static int doc_parse(struct doc *x)
{
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	int ok;

	if (!ctxt)
		return -1;
	x->d = xmlCtxtReadMemory(ctxt, x->xml.ptr, (int)x->xml.len, "cvrf.xml", NULL,
				 XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	ok = x->d && ctxt->wellFormed && ctxt->nsWellFormed;
	xmlFreeParserCtxt(ctxt);
	if (!ok)
		return -1;
	x->xp = xmlXPathNewContext(x->d);
	if (!x->xp)
		return -1;
	xmlXPathRegisterNs(x->xp, BAD_CAST "c", BAD_CAST NS_CVRF);
	xmlXPathRegisterNs(x->xp, BAD_CAST "prod", BAD_CAST NS_PROD);
	xmlXPathRegisterNs(x->xp, BAD_CAST "vuln", BAD_CAST NS_VULN);
	{
		struct tlpress_buf t = TLPRESS_BUF_INIT;

		gather(xmlDocGetRootElement(x->d), &t);
		x->text = tlpress_buf_detach(&t, NULL);
	}
	return 0;
}

static int xp_count(struct doc *x, const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, x->xp);
	int n = -1;

	if (o && o->type == XPATH_NODESET)
		n = o->nodesetval ? o->nodesetval->nodeNr : 0;
	xmlXPathFreeObject(o);
	return n;
}

/* The text of node i of expr (malloc'd), or NULL. */
static char *xp_text_at(struct doc *x, const char *expr, int i)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, x->xp);
	char *s = NULL;

	if (o && o->type == XPATH_NODESET && o->nodesetval && i < o->nodesetval->nodeNr)
		s = (char *)xmlNodeGetContent(o->nodesetval->nodeTab[i]);
	xmlXPathFreeObject(o);
	return s;
}

static char *xp_text(struct doc *x, const char *expr)
{
	return xp_text_at(x, expr, 0);
}

/* xp_text(expr) equals want (NULL: the node is absent). */
static int xp_is(struct doc *x, const char *expr, const char *want)
{
	char *s = xp_text(x, expr);
	int r = (s && want) ? !strcmp(s, want) : s == want;

	if (!r)
		DIAG("%s: got '%s', want '%s'", expr, s ? s : "(none)", want ? want : "(none)");
	xmlFree(s);
	return r;
}

/* A date as xs:dateTime takes it: in its own zone up to +-14:00, else UTC. */
static void xsd_date(const struct tlpress_time *t, char *buf, size_t size)
{
	if (t->offset >= -840 && t->offset <= 840)
		tlpress_time_rfc3339(t, buf, size);
	else
		tlpress_time_rfc3339_utc(t, buf, size);
}

/* Every vuln:ProductID names a FullProductName of the tree (the ids are
 * CVRFPID-NNNN: a table indexed by number; XPath would be quadratic). */
static int product_ids_known(struct doc *x)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST "//prod:FullProductName/@ProductID",
						       x->xp);
	xmlXPathObjectPtr p = xmlXPathEvalExpression(BAD_CAST "//vuln:ProductID", x->xp);
	unsigned char *known = calloc(100000, 1);
	int i, ok = o && p && known;

	for (i = 0; ok && o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		char *s = (char *)xmlNodeGetContent(o->nodesetval->nodeTab[i]);
		int n;

		if (s && sscanf(s, "CVRFPID-%d", &n) == 1 && n > 0 && n < 100000)
			known[n] = 1;
		else
			ok = 0;
		xmlFree(s);
	}
	for (i = 0; ok && p->nodesetval && i < p->nodesetval->nodeNr; i++) {
		char *s = (char *)xmlNodeGetContent(p->nodesetval->nodeTab[i]);
		int n;

		ok = s && sscanf(s, "CVRFPID-%d", &n) == 1 && n > 0 && n < 100000 && known[n];
		xmlFree(s);
	}
	free(known);
	xmlXPathFreeObject(o);
	xmlXPathFreeObject(p);
	return ok;
}

/* cleaned text, as the renderer writes it */
static void cleaned(const char *s, struct tlpress_buf *out)
{
	tlpress_text_clean(s, strlen(s), out);
}

/* ------------------------------------------------------ renditions */

struct rend {
	struct tlpress_rendition r;
	struct tlpress_buf html_body, sum;
};

/* A rendition as lib/site.c's publish_one() fills one. */
static void rend_make(struct rend *x, const struct tlpress_advisory *a,
		      const struct tlpress_time *now, enum tlpress_tlp clearance)
{
	struct tlpress_cut cut;

	memset(x, 0, sizeof(*x));
	tlpress_buf_init(&x->html_body, 0);
	tlpress_buf_init(&x->sum, 0);
	x->r.adv = a;
	x->r.cfg = &cfg;
	x->r.tmpl = tmpl;
	x->r.clearance = clearance;
	x->r.base = tlpress_policy_base_label(a, now);
	tlpress_advisory_slug(a, x->r.slug, sizeof(x->r.slug));
	tlpress_body_render(a, x->r.base, clearance, TLPRESS_BODY_HTML, &x->html_body, &cut);
	x->r.label = cut.label;
	x->r.body_html = x->html_body.ptr;
	tlpress_summary_render(a, &x->sum);
	x->r.summary = x->sum.ptr;
}

static void rend_release(struct rend *x)
{
	tlpress_buf_release(&x->html_body);
	tlpress_buf_release(&x->sum);
}

static int expected_vulns(const struct tlpress_advisory *a)
{
	if (a->ncves)
		return (int)a->ncves;
	return a->nproducts || a->has_cvss ? 1 : 0;
}

/*
 * Render r twice, read it back and run the checks every document passes;
 * write it as <name>.xml. Leaves the document in x (doc_release() it).
 * Returns the number of failed checks (each reported with DIAG).
 */
static int check_doc(const struct tlpress_rendition *r, const char *name, struct doc *x)
{
	const struct tlpress_advisory *a = r->adv;
	struct tlpress_buf again = TLPRESS_BUF_INIT, path = TLPRESS_BUF_INIT, want = TLPRESS_BUF_INIT;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	enum tlpress_tlp label = r->label;
	char *s, expr[128], score[TLPRESS_CVSS_SCORE_STR_SIZE];
	int rc, i, nv;

	fails = 0;
	memset(x, 0, sizeof(*x));
	tlpress_buf_init(&x->xml, 0);
	rc = tlpress_cvrf_render(r, &x->xml, &err);
	CHECK(rc == 0, "render: %d %s", rc, err.msg);
	if (rc)
		return fails;
	tlpress_cvrf_render(r, &again, &err);
	CHECK(again.len == x->xml.len && !memcmp(again.ptr, x->xml.ptr, again.len),
	      "two renders differ");
	tlpress_buf_release(&again);
	CHECK(write_doc(name, &x->xml) == 0, "cannot write %s/%s.xml", outdir, name);

	CHECK(!strncmp(x->xml.ptr, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39),
	      "no XML declaration");
	CHECK(tlpress_utf8_check(x->xml.ptr, x->xml.len) < 0, "not UTF-8");
	/* the bidi overrides and isolates never reach the output */
	CHECK(!strstr(x->xml.ptr, "\xE2\x80\xAE") && !strstr(x->xml.ptr, "\xE2\x80\xAA") &&
	      !strstr(x->xml.ptr, "\xE2\x81\xA6") && !strstr(x->xml.ptr, "\xEF\xBF\xBE"),
	      "a bidi control or U+FFFE in the output");
	if (doc_parse(x)) {
		CHECK(0, "not well-formed XML:\n%s", x->xml.ptr);
		return fails;
	}
	CHECK(xp_count(x, "/c:cvrfdoc") == 1, "root is not cvrf:cvrfdoc");
	CHECK(xp_count(x, "//comment()") == 0 && xp_count(x, "//processing-instruction()") == 0,
	      "a comment or PI got in");

	tlpress_cvrf_path(r, &path);
	tlpress_buf_printf(&want, "cvrf/%s.xml", r->slug);
	CHECK(!strcmp(path.ptr, want.ptr), "path %s", path.ptr);
	tlpress_buf_release(&path);

	/* the label: TLP 1.0 name first, then the TLP 2.0 label in the text */
	s = xp_text(x, "/c:cvrfdoc/c:DocumentDistribution");
	tlpress_buf_reset(&want);
	tlpress_buf_printf(&want, "TLP:%s ", tlpress_tlp_v1_name(label));
	CHECK(s && !strncmp(s, want.ptr, want.len), "distribution '%s' does not start with '%s'",
	      s ? s : "(none)", want.ptr);
	tlpress_buf_reset(&want);
	tlpress_buf_printf(&want, "TLP 2.0: %s", tlpress_tlp_label(label));
	CHECK(s && strstr(s, want.ptr), "distribution '%s' lacks '%s'", s ? s : "(none)", want.ptr);
	if (label == TLPRESS_TLP_CLEAR)
		CHECK(s && !strncmp(s, "TLP:WHITE", 9), "CLEAR is not WHITE");
	if (label == TLPRESS_TLP_AMBER_STRICT)
		CHECK(s && !strncmp(s, "TLP:AMBER ", 10) && strstr(s, "TLP:AMBER+STRICT"),
		      "AMBER+STRICT is not AMBER with TLP:AMBER+STRICT in the text");
	xmlFree(s);

	/* tracking */
	CHECK(xp_is(x, "/c:cvrfdoc/c:DocumentTracking/c:Identification/c:ID", a->id), "ID");
	snprintf(expr, sizeof(expr), "%d", tlpress_advisory_current(a)->version);
	CHECK(xp_is(x, "/c:cvrfdoc/c:DocumentTracking/c:Version", expr), "Version");
	CHECK(xp_is(x, "/c:cvrfdoc/c:DocumentTracking/c:Status",
		    a->status == TLPRESS_STATUS_FINAL ? "Final" :
		    a->status == TLPRESS_STATUS_INTERIM ? "Interim" : "Draft"), "Status");
	CHECK(xp_count(x, "//c:RevisionHistory/c:Revision") == (int)a->nrevisions, "revisions");
	{
		char d0[48], d1[48];

		xsd_date(&a->revisions[0].date, d0, sizeof(d0));
		xsd_date(&tlpress_advisory_current(a)->date, d1, sizeof(d1));
		CHECK(xp_is(x, "//c:InitialReleaseDate", d0), "InitialReleaseDate");
		CHECK(xp_is(x, "//c:CurrentReleaseDate", d1), "CurrentReleaseDate");
	}

	/* the summary, as cleared */
	if (r->summary && *r->summary) {
		tlpress_buf_reset(&want);
		cleaned(r->summary, &want);
		CHECK(xp_is(x, "//c:DocumentNotes/c:Note[@Type='Summary']", want.ptr), "summary");
	}

	/* severity and score: the model's, in its words */
	if (a->has_severity)
		CHECK(xp_is(x, "/c:cvrfdoc/c:AggregateSeverity", severity_labels[a->severity]),
		      "AggregateSeverity");
	else
		CHECK(xp_count(x, "/c:cvrfdoc/c:AggregateSeverity") == 0, "AggregateSeverity");
	nv = expected_vulns(a);
	CHECK(xp_count(x, "/c:cvrfdoc/vuln:Vulnerability") == nv, "%d Vulnerability, want %d",
	      xp_count(x, "/c:cvrfdoc/vuln:Vulnerability"), nv);
	for (i = 0; i < (int)a->ncves; i++) {
		snprintf(expr, sizeof(expr), "/c:cvrfdoc/vuln:Vulnerability[@Ordinal='%d']/vuln:CVE",
			 i + 1);
		CHECK(xp_is(x, expr, a->cves[i]), "CVE %d", i + 1);
	}
	tlpress_cvss_score_str(a->cvss.score10, score, sizeof(score));
	if (a->has_cvss) {
		CHECK(xp_count(x, "//vuln:ScoreSetV3") == nv, "one ScoreSetV3 per Vulnerability");
		for (i = 0; i < nv; i++) {
			s = xp_text_at(x, "//vuln:ScoreSetV3/vuln:BaseScoreV3", i);
			CHECK(s && !strcmp(s, score), "BaseScoreV3 '%s', want '%s'", s ? s : "", score);
			xmlFree(s);
			s = xp_text_at(x, "//vuln:ScoreSetV3/vuln:VectorV3", i);
			CHECK(s && !strcmp(s, a->cvss.vector), "VectorV3 '%s'", s ? s : "");
			xmlFree(s);
		}
	} else {
		CHECK(xp_count(x, "//vuln:CVSSScoreSets") == 0, "a score without a vector");
	}
	/* the HTML page shows the same score and severity */
	if (tmpl && r->body_html) {
		struct tlpress_buf html = TLPRESS_BUF_INIT;

		rc = tlpress_render_html.render(r, &html, &err);
		CHECK(rc == 0, "HTML: %s", err.msg);
		if (a->has_cvss) {
			tlpress_buf_reset(&want);
			tlpress_buf_printf(&want, "<span class=\"cvss-score\">%s</span>", score);
			CHECK(strstr(html.ptr, want.ptr), "HTML lacks %s", want.ptr);
		}
		if (a->has_severity) {
			tlpress_buf_reset(&want);
			tlpress_buf_printf(&want, ">%s</span>", severity_labels[a->severity]);
			CHECK(strstr(html.ptr, want.ptr), "HTML lacks %s", want.ptr);
		}
		tlpress_buf_release(&html);
	}
	/* product ids: every status names a product of the tree */
	CHECK(product_ids_known(x), "a ProductID outside the tree");
	CHECK(xp_count(x, "//prod:FullProductName") <= 2 * (int)a->nproducts, "too many products");
	if (!a->nproducts)
		CHECK(xp_count(x, "//prod:ProductTree") == 0, "a ProductTree without products");
	tlpress_buf_release(&want);
	return fails;
}

/*
 * The words of the text of the marked sections cut from r that occur in
 * none of what the rendition may hold (its body, the front matter) are
 * absent from the document: no text of a section above the clearance.
 */
static void check_cut(const struct tlpress_rendition *r, struct doc *x)
{
	const struct tlpress_advisory *a = r->adv;
	struct tlpress_buf kept = TLPRESS_BUF_INIT, front = TLPRESS_BUF_INIT;
	size_t s, i;
	int words = 0;

	tlpress_body_render(a, r->base, r->clearance, TLPRESS_BODY_TEXT, &kept, NULL);
	tlpress_body_render(a, r->base, r->clearance, TLPRESS_BODY_MARKDOWN, &kept, NULL);
	tlpress_buf_add(&front, a->data, a->body ? (size_t)(a->body - a->data) : a->len);
	for (s = 0; s < a->nsections; s++) {
		const struct tlpress_section *sec = &a->sections[s];

		if (tlpress_policy_keep_section(a, s, r->clearance))
			continue;
		CHECK(!strstr(x->text, sec->title) || strstr(kept.ptr, sec->title) ||
		      strstr(front.ptr, sec->title), "the heading of cut section '%s' is there",
		      sec->title);
		for (i = sec->first; i < sec->end; i++) {
			char *t = cmark_render_plaintext(a->blocks[i].node, tlpress_markdown_options(), 0);
			char *w, *save = NULL;

			for (w = strtok_r(t, " \t\r\n|", &save); w; w = strtok_r(NULL, " \t\r\n|", &save)) {
				if (strlen(w) < 8 || strstr(kept.ptr, w) || strstr(front.ptr, w))
					continue;
				words++;
				CHECK(!strstr(x->text, w), "'%s' of cut section '%s' is there", w,
				      sec->title);
			}
			free(t);
		}
	}
	(void)words;
	tlpress_buf_release(&kept);
	tlpress_buf_release(&front);
}

/* ------------------------------------------------------------ samples */

/* Every advisory of folder `dir` at every clearance it may go out at. */
static int samples(const char *dir, int *labels_seen)
{
	static const char *const times[] = { "2026-12-01T12:00:00+01:00", "2027-02-01T12:00:00+01:00" };
	struct dirent **names;
	int n, i, docs = 0;
	size_t t;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		struct tlpress_diags d = TLPRESS_DIAGS_INIT;
		struct tlpress_advisory *a;
		char path[512];
		size_t l = strlen(nm);

		if (nm[0] == '.' || l < 4 || strcmp(nm + l - 3, ".md")) {
			free(names[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, nm);
		a = tlpress_advisory_load(path, &d);
		OK(a && !a->nerrors, "%s parses", path);
		for (t = 0; a && !a->nerrors && t < 2; t++) {
			struct tlpress_time now;
			int c;

			tlpress_time_parse(times[t], strlen(times[t]), &now);
			for (c = 0; c < TLPRESS_TLP_COUNT; c++) {
				enum tlpress_verdict v = tlpress_policy_publishable(a, &now, (enum tlpress_tlp)c);
				struct rend x;
				struct doc doc;
				char name[160];
				int f;

				if (v == TLPRESS_REFUSE_DRAFT && t == 0 &&
				    c == (int)tlpress_policy_base_label(a, &now)) {
					/* never published, but a draft still makes a valid document */
					rend_make(&x, a, &now, (enum tlpress_tlp)c);
					snprintf(name, sizeof(name), "draft-%s", x.r.slug);
					f = check_doc(&x.r, name, &doc);
					OK(f == 0, "%s (draft) at %s: valid, Status Draft", a->id,
					   tlpress_tlp_label((enum tlpress_tlp)c));
					doc_release(&doc);
					rend_release(&x);
				}
				if (v != TLPRESS_PUBLISH)
					continue;
				rend_make(&x, a, &now, (enum tlpress_tlp)c);
				snprintf(name, sizeof(name), "%s%s.%s.t%zu",
					 strcmp(dir, "advisories") ? "fixture-" : "", x.r.slug,
					 tlpress_tlp_slug((enum tlpress_tlp)c), t);
				f = check_doc(&x.r, name, &doc);
				if (doc.text)
					check_cut(&x.r, &doc);
				f = fails;
				OK(f == 0, "%s at %s, cleared for %s: labelled %s (%s in CVRF), "
				   "%d vulnerabilities, cut as cleared, deterministic", a->id, times[t],
				   tlpress_tlp_label((enum tlpress_tlp)c), tlpress_tlp_label(x.r.label),
				   tlpress_tlp_v1_name(x.r.label), expected_vulns(a));
				*labels_seen |= 1 << x.r.label;
				docs++;
				doc_release(&doc);
				rend_release(&x);
			}
		}
		tlpress_advisory_free(a);
		tlpress_diags_release(&d);
		free(names[i]);
	}
	free(names);
	return docs;
}

/*
 * tests/leak (tests/cli/0021-leak.t, see its README): at 2026-11-28T12:00Z
 * the CLEAR and GREEN renditions hold no canary their clearance forbids.
 */
static void leak_fixtures(void)
{
	static const char *const never[] = { "AMBERADV-", "AMBERSEC-", "REDSEC-", "REDADV-",
		"STRICTADV-", "DRAFTADV-", "EMBARGOADV-", "DOWNGRADEADV-", NULL };
	static const char *const green_only[] = { "GREENADV-", "GREENSEC-", "GREENDOWN-", NULL };
	struct tlpress_time now;
	struct dirent **names;
	int n, i, docs = 0, bad = 0;

	n = scandir("tests/leak", &names, NULL, alphasort);
	if (n < 0)
		return;
	tlpress_time_parse("2026-11-28T12:00:00Z", 20, &now);
	for (i = 0; i < n; i++) {
		struct tlpress_diags d = TLPRESS_DIAGS_INIT;
		struct tlpress_advisory *a = NULL;
		char path[512];
		size_t l = strlen(names[i]->d_name);
		int c, k;

		if (l > 3 && !strcmp(names[i]->d_name + l - 3, ".md")) {
			snprintf(path, sizeof(path), "tests/leak/%s", names[i]->d_name);
			a = tlpress_advisory_load(path, &d);
		}
		for (c = TLPRESS_TLP_CLEAR; a && !a->nerrors && c <= TLPRESS_TLP_GREEN; c++) {
			struct rend x;
			struct tlpress_buf out = TLPRESS_BUF_INIT;
			struct tlpress_error err = TLPRESS_ERROR_INIT;

			if (tlpress_policy_publishable(a, &now, (enum tlpress_tlp)c) != TLPRESS_PUBLISH)
				continue;
			rend_make(&x, a, &now, (enum tlpress_tlp)c);
			if (tlpress_cvrf_render(&x.r, &out, &err)) {
				bad++;
				DIAG("%s: %s", path, err.msg);
			}
			for (k = 0; never[k]; k++)
				if (strstr(out.ptr, never[k])) {
					bad++;
					DIAG("%s cleared for %s holds %s", path,
					     tlpress_tlp_label((enum tlpress_tlp)c), never[k]);
				}
			for (k = 0; c == TLPRESS_TLP_CLEAR && green_only[k]; k++)
				if (strstr(out.ptr, green_only[k])) {
					bad++;
					DIAG("%s cleared for TLP:CLEAR holds %s", path, green_only[k]);
				}
			docs++;
			tlpress_buf_release(&out);
			rend_release(&x);
		}
		tlpress_advisory_free(a);
		tlpress_diags_release(&d);
		free(names[i]);
	}
	free(names);
	OK(docs > 0 && bad == 0, "tests/leak at 2026-11-28T12:00Z: %d CLEAR and GREEN documents, "
	   "no canary their clearance forbids", docs);
}

/* ----------------------------------------------------- generated corpus */

static struct tlpress_advisory *parse(const char *id, const char *text)
{
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_advisory *a;
	char path[64];
	size_t k;

	snprintf(path, sizeof(path), "%s.md", id);
	a = tlpress_advisory_parse(path, text, strlen(text), &d);
	if (!a || a->nerrors) {
		DIAG("%s does not parse:", id);
		for (k = 0; k < d.n; k++)
			DIAG("  %u:%u: %s", d.v[k].line, d.v[k].col, d.v[k].msg);
		tlpress_advisory_free(a);
		a = NULL;
	}
	tlpress_diags_release(&d);
	return a;
}

static const struct tlpress_time *fixed_now(void)
{
	static struct tlpress_time now;

	if (!now.valid)
		tlpress_time_parse("2026-12-01T12:00:00+01:00", 25, &now);
	return &now;
}

/* every base label, section marking and clearance */
static void label_matrix(void)
{
	int t, s, c, cases = 0, bad = 0;

	for (t = 0; t < TLPRESS_TLP_COUNT; t++)
	for (s = t; s < TLPRESS_TLP_COUNT; s++) {
		struct tlpress_buf src = TLPRESS_BUF_INIT;
		struct tlpress_advisory *a;
		char id[32];

		snprintf(id, sizeof(id), "CCB-2026-%04d", 100 + t * 10 + s);
		tlpress_buf_printf(&src,
			"---\nid: %s\ntitle: Label matrix %s %s\ntlp: %s\n%s"
			"severity: high\ncvss: CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H\n"
			"cves: [CVE-2026-10001]\n"
			"products:\n  - {vendor: Matrix, product: Server, affected: \"< 2.0\", fixed: \"2.0\"}\n"
			"revisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, summary: First.}]\n---\n"
			"Opening paragraph CANARYBASE.\n\n"
			"## Marked part [%s]\n\nSection text CANARYSECTION.\n\n"
			"## Afterwards\n\nClosing text CANARYAFTER.\n",
			id, tlpress_tlp_name((enum tlpress_tlp)t), tlpress_tlp_name((enum tlpress_tlp)s),
			tlpress_tlp_name((enum tlpress_tlp)t),
			s >= TLPRESS_TLP_AMBER ? "recipients: [ccb-partners]\n" : "",
			tlpress_tlp_label((enum tlpress_tlp)s));
		a = parse(id, src.ptr);
		tlpress_buf_release(&src);
		if (!a) {
			bad++;
			continue;
		}
		for (c = t; c < TLPRESS_TLP_COUNT; c++) {
			struct rend x;
			struct doc doc;
			char name[64];
			int sec_in = s <= c;
			enum tlpress_tlp want = (enum tlpress_tlp)(sec_in ? s : t);

			rend_make(&x, a, fixed_now(), (enum tlpress_tlp)c);
			snprintf(name, sizeof(name), "gen-matrix-%s-%s-%s", tlpress_tlp_slug((enum tlpress_tlp)t),
				 tlpress_tlp_slug((enum tlpress_tlp)s), tlpress_tlp_slug((enum tlpress_tlp)c));
			check_doc(&x.r, name, &doc);
			if (doc.text) {
				CHECK(x.r.label == want, "label %s, want %s", tlpress_tlp_label(x.r.label),
				      tlpress_tlp_label(want));
				CHECK(strstr(doc.text, "CANARYBASE") && strstr(doc.text, "CANARYAFTER"),
				      "the base text is missing");
				CHECK(!strstr(doc.text, "CANARYSECTION") == !sec_in,
				      "the section is %s", sec_in ? "missing" : "there");
				CHECK(!strstr(doc.text, "Marked part") == !sec_in, "the heading");
				check_cut(&x.r, &doc);
			}
			cases++;
			if (fails) {
				bad++;
				DIAG("base %s, section %s, clearance %s", tlpress_tlp_name((enum tlpress_tlp)t),
				     tlpress_tlp_name((enum tlpress_tlp)s), tlpress_tlp_name((enum tlpress_tlp)c));
			}
			doc_release(&doc);
			rend_release(&x);
		}
		tlpress_advisory_free(a);
	}
	OK(bad == 0 && cases == 55, "label matrix: %d documents (label x section x clearance), "
	   "each labelled as the text it holds, nothing of a section above its clearance", cases);
}

/* every publisher category, and its Type */
static void publishers(void)
{
	static const char *const cats[][2] = {
		{ "coordinator", "Coordinator" }, { "vendor", "Vendor" },
		{ "discoverer", "Discoverer" }, { "user", "User" },
		{ "translator", "Other" }, { "other", "Other" },
	};
	struct tlpress_advisory *a = parse("CCB-2026-0200",
		"---\nid: CCB-2026-0200\ntitle: Publisher types\ntlp: CLEAR\n"
		"revisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, summary: First.}]\n---\n"
		"Just text.\n");
	char *saved = cfg.publisher.category;
	size_t i;

	OK(a != NULL, "a minimal advisory parses");
	if (!a)
		return;
	for (i = 0; i < sizeof(cats) / sizeof(cats[0]); i++) {
		struct rend x;
		struct doc doc;
		char name[64];

		cfg.publisher.category = (char *)cats[i][0];
		rend_make(&x, a, fixed_now(), TLPRESS_TLP_CLEAR);
		snprintf(name, sizeof(name), "gen-publisher-%s", cats[i][0]);
		check_doc(&x.r, name, &doc);
		if (doc.text)
			CHECK(xp_is(&doc, "/c:cvrfdoc/c:DocumentPublisher/@Type", cats[i][1]), "Type");
		OK(fails == 0, "publisher.category %s is DocumentPublisher Type %s", cats[i][0],
		   cats[i][1]);
		if (i == 0)
			OK(doc.text && xp_count(&doc, "//prod:ProductTree") == 0 &&
			   xp_count(&doc, "//vuln:Vulnerability") == 0,
			   "no products and no CVEs: no ProductTree and no Vulnerability");
		doc_release(&doc);
		rend_release(&x);
	}
	cfg.publisher.category = saved;
	{
		/* no site URL and no reference: no DocumentReferences at all */
		char *url = cfg.site.url;
		struct rend x;
		struct doc doc;

		cfg.site.url = "";
		rend_make(&x, a, fixed_now(), TLPRESS_TLP_CLEAR);
		check_doc(&x.r, "gen-no-references", &doc);
		OK(fails == 0 && doc.text && xp_count(&doc, "//c:DocumentReferences") == 0,
		   "no site URL and no reference: no DocumentReferences");
		doc_release(&doc);
		rend_release(&x);
		cfg.site.url = url;
	}
	tlpress_advisory_free(a);
}

/* products in every shape: shared vendors, duplicates, fix only, no version */
static void products(void)
{
	struct tlpress_advisory *a = parse("CCB-2026-0201",
		"---\nid: CCB-2026-0201\ntitle: Products\ntlp: CLEAR\nstatus: interim\n"
		"cvss: CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
		"cves: [CVE-2026-20001, CVE-2026-20002, CVE-2026-20003]\n"
		"cwes:\n  - {id: CWE-787, name: Out-of-bounds Write}\n"
		"  - {id: CWE-1234567, name: An id the CVRF schema cannot hold}\n"
		"products:\n"
		"  - {vendor: Alpha, product: One, affected: \"< 1.5\", fixed: \"1.5\"}\n"
		"  - {vendor: Beta, product: Two, affected: \">= 2.0, < 2.3\"}\n"
		"  - {vendor: Alpha, product: Three, affected: \"< 3.1\", fixed: \"3.1\"}\n"
		"  - {vendor: Alpha, product: One, affected: \"< 1.5\", fixed: \"1.5\"}\n"
		"  - {vendor: Alpha, product: One, affected: \">= 2.0, < 2.2\", fixed: \"2.2\"}\n"
		"  - {vendor: Gamma, product: Four, fixed: \"4.0\"}\n"
		"  - {vendor: Delta, product: Five}\n"
		"  - {vendor: Delta, product: Five}\n"
		"revisions:\n  - {version: 1, date: 2026-11-20T10:00:00+01:00, summary: First.}\n"
		"  - {version: 2, date: 2026-11-21T10:00:00Z, summary: Second.}\n---\n"
		"Text.\n");
	struct tlpress_advisory *b = parse("CCB-2026-0202",
		"---\nid: CCB-2026-0202\ntitle: A score but no CVE\ntlp: GREEN\n"
		"cvss: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H\n"
		"products:\n  - {vendor: Epsilon, product: Six, affected: \"< 6\"}\n"
		"revisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, summary: First.}]\n---\n");
	struct rend x;
	struct doc doc;
	char *s;

	OK(a && b, "the product advisories parse");
	if (!a || !b) {
		tlpress_advisory_free(a);
		tlpress_advisory_free(b);
		return;
	}
	rend_make(&x, a, fixed_now(), TLPRESS_TLP_CLEAR);
	check_doc(&x.r, "gen-products", &doc);
	if (doc.text) {
		/* Alpha One <1.5, 1.5, >=2.0 <2.2, 2.2; Alpha Three <3.1, 3.1;
		 * Beta Two >=2.0 <2.3; Gamma Four 4.0; Delta Five */
		CHECK(xp_count(&doc, "//prod:FullProductName") == 9, "9 products, got %d",
		      xp_count(&doc, "//prod:FullProductName"));
		CHECK(xp_count(&doc, "/c:cvrfdoc/prod:ProductTree/prod:Branch[@Type='Vendor']") == 3,
		      "3 vendor branches");
		CHECK(xp_is(&doc, "//prod:Branch[@Name='Alpha']/prod:Branch[1]/@Name", "One"), "order");
		CHECK(xp_is(&doc, "(//prod:FullProductName)[1]/@ProductID", "CVRFPID-0001"), "first id");
		CHECK(xp_is(&doc, "(//prod:FullProductName)[1]", "Alpha One < 1.5"), "first name");
		CHECK(xp_is(&doc, "(//prod:FullProductName)[9]/@ProductID", "CVRFPID-0009"), "last id");
		CHECK(xp_is(&doc, "/c:cvrfdoc/prod:ProductTree/prod:FullProductName", "Delta Five"),
		      "a product without version");
		CHECK(xp_count(&doc, "//vuln:Vulnerability[1]/vuln:ProductStatuses/vuln:Status"
			       "[@Type='Known Affected']/vuln:ProductID") == 5, "5 known affected");
		CHECK(xp_count(&doc, "//vuln:Vulnerability[1]/vuln:ProductStatuses/vuln:Status"
			       "[@Type='Fixed']/vuln:ProductID") == 4, "4 fixed");
		CHECK(xp_count(&doc, "//vuln:Vulnerability[1]//vuln:Remediation[@Type='Vendor Fix']") == 4,
		      "4 vendor fixes");
		CHECK(xp_count(&doc, "//vuln:Vulnerability[1]//vuln:Remediation[@Type='None Available']") == 2,
		      "2 without a fix");
		CHECK(xp_count(&doc, "//vuln:Vulnerability[1]/vuln:CWE") == 1,
		      "the CWE id the schema refuses is left out");
		CHECK(xp_count(&doc, "//vuln:Vulnerability[2]/vuln:CVSSScoreSets/vuln:ScoreSetV3"
			       "/vuln:ProductID") == 5, "the score applies to the affected products");
		CHECK(xp_is(&doc, "//vuln:Vulnerability[3]/vuln:CVE", "CVE-2026-20003"), "third CVE");
	}
	OK(fails == 0, "products: vendor > product > version branches, ids in order, "
	   "duplicates merged, statuses, remediations");
	doc_release(&doc);
	rend_release(&x);

	rend_make(&x, b, fixed_now(), TLPRESS_TLP_GREEN);
	check_doc(&x.r, "gen-no-cve", &doc);
	if (doc.text) {
		s = xp_text(&doc, "//vuln:Vulnerability/vuln:BaseScoreV3");
		xmlFree(s);
		CHECK(xp_is(&doc, "//vuln:Vulnerability/vuln:Title", "A score but no CVE"), "title");
		CHECK(xp_count(&doc, "//vuln:CVE") == 0, "no CVE");
		CHECK(xp_is(&doc, "//vuln:BaseScoreV3", "10.0"), "10.0");
	}
	OK(fails == 0, "a score without a CVE: one Vulnerability without CVE, score 10.0");
	doc_release(&doc);
	rend_release(&x);
	tlpress_advisory_free(a);
	tlpress_advisory_free(b);
}

/* the score and severity of many vectors, in CVRF and HTML alike */
static void vectors(void)
{
	static const char *const v[] = {
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
		"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
		"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N",
		"CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N",
		"CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N",
		"CVSS:3.0/AV:A/AC:H/PR:L/UI:R/S:C/C:L/I:L/A:L",
		"CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:L/A:N",
	};
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct tlpress_buf src = TLPRESS_BUF_INIT;
		struct tlpress_advisory *a;
		struct rend x;
		struct doc doc;
		char id[32], name[64];

		snprintf(id, sizeof(id), "CCB-2026-%04d", 300 + (int)i);
		tlpress_buf_printf(&src, "---\nid: %s\ntitle: Vector %zu\ntlp: CLEAR\ncvss: %s\n"
				   "cves: [CVE-2026-3%04zu]\n"
				   "revisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, "
				   "summary: First.}]\n---\nText.\n", id, i, v[i], i);
		a = parse(id, src.ptr);
		tlpress_buf_release(&src);
		if (!a) {
			bad++;
			continue;
		}
		rend_make(&x, a, fixed_now(), TLPRESS_TLP_CLEAR);
		snprintf(name, sizeof(name), "gen-vector-%zu", i);
		check_doc(&x.r, name, &doc);
		if (fails)
			bad++;
		doc_release(&doc);
		rend_release(&x);
		tlpress_advisory_free(a);
	}
	OK(bad == 0, "%zu vectors: BaseScoreV3 is tlpress_cvss_score_str() of the model, as in the "
	   "HTML, and the severity is the model's", i);
}

/* hostile strings in every field, of the advisory and of the configuration */
#define HOSTILE "]]> <!-- x --> & &amp; \\\"q\\\" 'a' </Vulnerability> <![CDATA[ y ]]> " \
	"\\u202Eevil\\u202C \\u2066iso\\u2069"
#define HOSTILE_RAW "]]> <!-- x --> & &amp; \"q\" 'a' </Vulnerability> <![CDATA[ y ]]> " \
	"\xE2\x80\xAE" "evil" "\xE2\x80\xAC" " " "\xE2\x81\xA6" "iso" "\xE2\x81\xA9"
#define HOSTILE_CLEAN "]]> <!-- x --> & &amp; \"q\" 'a' </Vulnerability> <![CDATA[ y ]]> evil iso"

static void hostile(void)
{
	static const char src[] =
		"---\nid: CCB-2026-0666\n"
		"title: \"T " HOSTILE "\"\n"
		"lang: fr\n"
		"summary: \"S " HOSTILE "\"\n"
		"tlp: CLEAR\nseverity: critical\n"
		"cvss: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
		"cves: [CVE-2026-66601, CVE-2026-66602]\n"
		"cwes:\n  - {id: CWE-79, name: \"N " HOSTILE "\"}\n"
		"  - {id: CWE-20, name: \"\\u202E\"}\n"
		"products:\n"
		"  - {vendor: \"V " HOSTILE "\", product: \"P </prod:Branch> <x a='1'>\", "
		"affected: \"< 2.0 ]]>\", fixed: \"2.0 & <b>\"}\n"
		"  - {vendor: \"\\u202E\", product: \"\\u2066\", affected: \"\\u202E\"}\n"
		"  - {vendor: \"V " HOSTILE "\", product: Loose}\n"
		"references:\n"
		"  - {url: \"https://h.example/p]]/{x}|y^z%zz%41\xC3\xA9?q='1'&r=[2]#frag#more\", "
		"title: \"R " HOSTILE "\"}\n"
		"  - \"http://[::1]:8080/v6\"\n"
		"  - \"https://h.example:99x/bad-port\"\n"
		"  - \"https://h.example/plain\"\n"
		"recipients: [ccb-partners]\n"
		"revisions:\n"
		"  - {version: 1, date: 2026-11-20T10:00:00+01:00, summary: \"R1 " HOSTILE "\"}\n"
		"  - {version: 2, date: 2026-11-21T10:00:00+01:00, summary: \"\\u202E\"}\n"
		"  - {version: 3, date: 2026-11-22T10:00:00+15:30, summary: A zone beyond 14:00}\n"
		"  - {version: 4, date: 2026-11-23T10:00:00+14:00, summary: The last zone xs:dateTime takes}\n"
		"---\n"
		"Opening " HOSTILE_RAW " \xEF\xBF\xBE nonchar <script>alert(1)</script>\n\n"
		"```\n</cvrfdoc>]]><!-- code -->\n```\n\n"
		"## Hidden [TLP:AMBER]\n\nHidden CANARYHOSTILE ]]> </Note>\n";
	struct tlpress_config saved = cfg;
	struct tlpress_advisory *a = parse("CCB-2026-0666", src);
	struct tlpress_buf want = TLPRESS_BUF_INIT;
	int c;

	OK(a != NULL, "the hostile advisory parses");
	if (!a)
		return;
	cfg.publisher.name = "Pub " HOSTILE_RAW;
	/* not UTF-8 at the end: each bad byte becomes U+FFFD */
	cfg.publisher.contact_details = "Contact " HOSTILE_RAW "\n\t<mailto:a&b@x> \xC3(\xFF";
	cfg.publisher.issuing_authority = "\xE2\x80\xAE";  /* nothing left: the name stands in */
	cfg.publisher.category = "vendor";
	for (c = TLPRESS_TLP_CLEAR; c <= TLPRESS_TLP_AMBER; c += 2) {
		struct rend x;
		struct doc doc;
		char name[64];

		rend_make(&x, a, fixed_now(), (enum tlpress_tlp)c);
		snprintf(name, sizeof(name), "gen-hostile-%s", tlpress_tlp_slug((enum tlpress_tlp)c));
		check_doc(&x.r, name, &doc);
		if (doc.text) {
			CHECK(xp_is(&doc, "/c:cvrfdoc/c:DocumentTitle", "T " HOSTILE_CLEAN), "title");
			CHECK(xp_is(&doc, "/c:cvrfdoc/c:DocumentTitle/@xml:lang", "fr"), "lang");
			CHECK(xp_is(&doc, "//c:DocumentNotes/c:Note[@Type='Summary']", "S " HOSTILE_CLEAN),
			      "summary");
			CHECK(xp_is(&doc, "//c:IssuingAuthority", "Pub " HOSTILE_CLEAN), "authority");
			CHECK(xp_is(&doc, "//c:ContactDetails", "Contact " HOSTILE_CLEAN
				    "\n\t<mailto:a&b@x> \xEF\xBF\xBD(\xEF\xBF\xBD"), "contact");
			CHECK(xp_is(&doc, "//c:Revision[1]/c:Description", "R1 " HOSTILE_CLEAN), "rev 1");
			CHECK(xp_is(&doc, "//c:Revision[2]/c:Description", "Revision 2."), "rev 2 fallback");
			CHECK(xp_is(&doc, "//c:Revision[3]/c:Date", "2026-11-21T18:30:00Z"), "+15:30 in UTC");
			CHECK(xp_is(&doc, "//c:Revision[4]/c:Date", "2026-11-23T10:00:00+14:00"), "+14:00");
			CHECK(xp_is(&doc, "(//vuln:CWE)[1]", "N " HOSTILE_CLEAN), "CWE name");
			CHECK(xp_is(&doc, "(//vuln:CWE)[2]", "CWE-20"), "blank CWE name");
			CHECK(xp_is(&doc, "(//prod:Branch[@Type='Vendor'])[1]/@Name", "V " HOSTILE_CLEAN),
			      "vendor");
			CHECK(xp_is(&doc, "(//prod:Branch[@Type='Product Name'])[1]/@Name",
				    "P </prod:Branch> <x a='1'>"), "product");
			CHECK(xp_is(&doc, "(//prod:Branch[@Type='Vendor'])[2]/@Name", ""), "blank vendor");
			CHECK(xp_is(&doc, "(//c:DocumentReferences/c:Reference[@Type='External'])[1]/c:URL",
				    "https://h.example/p%5D%5D/%7Bx%7D%7Cy%5Ez%25zz%41%C3%A9"
				    "?q='1'&r=%5B2%5D#frag%23more"), "URL percent-encoded");
			CHECK(xp_is(&doc, "(//c:DocumentReferences/c:Reference[@Type='External'])[1]"
				    "/c:Description", "R " HOSTILE_CLEAN), "reference title");
			CHECK(xp_is(&doc, "(//c:DocumentReferences/c:Reference[@Type='External'])[2]/c:URL",
				    "http://[::1]:8080/v6"), "IPv6 URL");
			CHECK(xp_count(&doc, "//c:DocumentReferences/c:Reference[@Type='External']") == 3,
			      "the URL that is no URI (port 99x) is left out");
			CHECK(xp_count(&doc, "//vuln:Vulnerability") == 2, "two vulnerabilities");
			CHECK(xp_count(&doc, "//*[local-name()='script' or local-name()='x' or "
				       "local-name()='b']") == 0, "no element injected");
			CHECK(strstr(doc.text, "</cvrfdoc>]]><!-- code -->") != NULL, "code block kept as text");
			CHECK(strstr(doc.text, "<script>alert(1)</script>") != NULL, "markup kept as text");
			CHECK(!strstr(doc.text, "CANARYHOSTILE") == (c < TLPRESS_TLP_AMBER), "the cut");
			CHECK(x.r.label == (enum tlpress_tlp)c, "label");
		}
		OK(fails == 0, "hostile strings in every field at %s: well-formed, escaped by libxml2, "
		   "bidi controls and U+FFFE dropped, nothing injected", tlpress_tlp_label((enum tlpress_tlp)c));
		doc_release(&doc);
		rend_release(&x);
	}
	cfg = saved;
	tlpress_buf_release(&want);
	tlpress_advisory_free(a);
}

/* many CVEs and products: valid; too many for TLPRESS_CVRF_MAX_SIZE: refused */
static void sizes(void)
{
	static const int counts[][2] = { { 40, 120 }, { 700, 700 } };
	size_t k;

	for (k = 0; k < 2; k++) {
		struct tlpress_buf src = TLPRESS_BUF_INIT, out = TLPRESS_BUF_INIT;
		struct tlpress_error err = TLPRESS_ERROR_INIT;
		struct tlpress_advisory *a;
		struct rend x;
		struct doc doc;
		char id[32];
		int i, rc;

		snprintf(id, sizeof(id), "CCB-2026-%04zu", 800 + k);
		tlpress_buf_printf(&src, "---\nid: %s\ntitle: Many\ntlp: CLEAR\n"
				   "cvss: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\ncves:\n", id);
		for (i = 0; i < counts[k][0]; i++)
			tlpress_buf_printf(&src, "  - CVE-2026-%05d\n", 10000 + i);
		tlpress_buf_adds(&src, "products:\n");
		for (i = 0; i < counts[k][1]; i++)
			tlpress_buf_printf(&src, "  - {vendor: V%d, product: P%d, affected: \"< %d.0\"%s}\n",
					   i % 7, i % 30, i, i % 3 ? ", fixed: \"9.9\"" : "");
		tlpress_buf_adds(&src, "revisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, "
				 "summary: x}]\n---\nBody.\n");
		a = parse(id, src.ptr);
		tlpress_buf_release(&src);
		if (!a) {
			OK(0, "%d CVEs and %d products parse", counts[k][0], counts[k][1]);
			continue;
		}
		rend_make(&x, a, fixed_now(), TLPRESS_TLP_CLEAR);
		if (k == 0) {
			check_doc(&x.r, "gen-many", &doc);
			OK(fails == 0, "%d CVEs and %d products: one valid document", counts[k][0],
			   counts[k][1]);
			doc_release(&doc);
		} else {
			rc = tlpress_cvrf_render(&x.r, &out, &err);
			OK(rc == TLPRESS_ELIMIT && out.len == 0, "%d CVEs and %d products would pass "
			   "TLPRESS_CVRF_MAX_SIZE: refused (%s)", counts[k][0], counts[k][1], err.msg);
		}
		tlpress_buf_release(&out);
		rend_release(&x);
		tlpress_advisory_free(a);
	}
}

/* refusals, the output limit, and a label below what the text holds */
static void api(void)
{
	struct tlpress_advisory *a = parse("CCB-2026-0700",
		"---\nid: CCB-2026-0700\ntitle: API\ntlp: GREEN\nrecipients: [ccb-partners]\n"
		"revisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, summary: First.}]\n---\n"
		"Open.\n\n## Secret [TLP:AMBER]\n\nCANARYAPI\n");
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_advisory *front;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_buf out = TLPRESS_BUF_INIT;
	struct doc doc;
	struct rend x;
	int rc;

	OK(a != NULL, "the API advisory parses");
	if (!a)
		return;
	STR_EQ(tlpress_render_cvrf.name, "cvrf", "the renderer is named cvrf");
	OK(tlpress_render_cvrf.path == tlpress_cvrf_path && tlpress_render_cvrf.render ==
	   tlpress_cvrf_render, "and calls tlpress_cvrf_path and tlpress_cvrf_render");

	rend_make(&x, a, fixed_now(), TLPRESS_TLP_CLEAR);  /* base GREEN above CLEAR */
	rc = tlpress_cvrf_render(&x.r, &out, &err);
	INT_EQ(rc, TLPRESS_EPOLICY, "a base label above the clearance is refused");
	OK(out.len == 0 && strstr(err.msg, "TLP:GREEN"), "with nothing written: %s", err.msg);
	rend_release(&x);

	rend_make(&x, a, fixed_now(), TLPRESS_TLP_GREEN);
	x.r.label = TLPRESS_TLP_AMBER;
	INT_EQ(tlpress_cvrf_render(&x.r, &out, &err), TLPRESS_EPOLICY,
	       "a rendition labelled above its clearance is refused");
	rend_release(&x);

	/* a caller that passes too low a label gets the label of the text */
	rend_make(&x, a, fixed_now(), TLPRESS_TLP_AMBER);
	OK(x.r.label == TLPRESS_TLP_AMBER, "the AMBER rendition holds AMBER text");
	x.r.label = TLPRESS_TLP_CLEAR;
	fails = 0;
	memset(&doc, 0, sizeof(doc));
	tlpress_buf_init(&doc.xml, 0);
	tlpress_cvrf_render(&x.r, &doc.xml, &err);
	if (!doc_parse(&doc)) {
		char *s = xp_text(&doc, "//c:DocumentDistribution");

		OK(s && !strncmp(s, "TLP:AMBER (TLP 2.0: TLP:AMBER)", 30) &&
		   strstr(doc.text, "CANARYAPI"), "r->label CLEAR on AMBER text is written TLP:AMBER");
		xmlFree(s);
	} else {
		OK(0, "r->label CLEAR on AMBER text is written TLP:AMBER");
	}
	doc_release(&doc);

	/* the output limit */
	x.r.label = TLPRESS_TLP_AMBER;
	tlpress_buf_release(&out);
	tlpress_buf_init(&out, 100);
	tlpress_buf_adds(&out, "keep");
	rc = tlpress_cvrf_render(&x.r, &out, &err);
	INT_EQ(rc, TLPRESS_ELIMIT, "a document over the output limit: TLPRESS_ELIMIT");
	OK(out.len == 4 && !strcmp(out.ptr, "keep"), "and out left as it was");
	tlpress_buf_release(&out);
	rend_release(&x);

	/* no body, no document */
	front = tlpress_advisory_parse_ex("CCB-2026-0700.md", a->data, a->len,
					  TLPRESS_PARSE_FRONT_ONLY, &d);
	OK(front != NULL, "front matter only parses");
	if (front) {
		rend_make(&x, front, fixed_now(), TLPRESS_TLP_GREEN);
		INT_EQ(tlpress_cvrf_render(&x.r, &out, &err), TLPRESS_EUSAGE,
		       "an advisory parsed without its body is refused");
		rend_release(&x);
	}
	tlpress_advisory_free(front);
	tlpress_diags_release(&d);

	/* errors, no document */
	{
		struct tlpress_advisory *bad;

		bad = tlpress_advisory_parse("CCB-2026-0701.md",
			"---\nid: CCB-2026-0701\ntitle: Bad\ntlp: CLEAR\ncves: [CVE-26-1]\n"
			"revisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, summary: x}]\n---\nx\n",
			strlen("---\nid: CCB-2026-0701\ntitle: Bad\ntlp: CLEAR\ncves: [CVE-26-1]\n"
			       "revisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, summary: x}]\n---\nx\n"),
			&d);
		OK(bad && bad->nerrors, "an advisory with an error parses with errors");
		if (bad) {
			rend_make(&x, bad, fixed_now(), TLPRESS_TLP_CLEAR);
			INT_EQ(tlpress_cvrf_render(&x.r, &out, &err), TLPRESS_EINVAL,
			       "an advisory with errors is refused");
			rend_release(&x);
		}
		tlpress_advisory_free(bad);
		tlpress_diags_release(&d);
	}
	tlpress_buf_release(&out);
	tlpress_advisory_free(a);
}

int main(int argc, char **argv)
{
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	const char *top = getenv("TLPRESS_TOP");

	if (top && *top && chdir(top)) {
		OK(0, "cd %s", top);
		return harness_done();
	}
	/* the plain and the sanitized binary run at the same time under
	 * 'make check': each has its own default folder */
	sanitized = argc > 0 && strstr(argv[0], "/asan/") != NULL;
	outdir = getenv("TLPRESS_CVRF_OUT");
	if (!outdir || !*outdir)
		outdir = sanitized ? "build/asan/test-cvrf" : "build/test-cvrf";
	OK(mkdir_p(outdir) == 0, "output folder %s", outdir);
	clean_outdir();
	OK(tlpress_config_load(&cfg, NULL, &d) == 0, "the configuration loads");
	tmpl = tlpress_tmplset_new();
	if (!cfg.templates || tlpress_tmplset_load_dir(tmpl, cfg.templates, &err) < 0 ||
	    !tlpress_tmplset_has(tmpl, "page")) {
		DIAG("no templates (%s): the HTML is not compared", err.msg);
		tlpress_tmplset_free(tmpl);
		tmpl = NULL;
	}

	{
		int docs, seen = 0;

		docs = samples("advisories", &seen);
		OK(docs >= 20, "%d documents of the samples in advisories/ (run from the top "
		   "of the tree)", docs);
		OK(seen == (1 << TLPRESS_TLP_COUNT) - 1, "the samples' documents carry every label");
		/* the fixtures of the other tests, when they are there */
		docs = samples("tests/hostile", &seen);
		if (docs >= 0)
			DIAG("%d documents of tests/hostile", docs);
		docs = samples("tests/leak", &seen);
		if (docs >= 0) {
			DIAG("%d documents of tests/leak", docs);
			leak_fixtures();
		}
	}
	label_matrix();
	publishers();
	products();
	vectors();
	hostile();
	sizes();
	api();
	DIAG("%d CVRF documents in %s", written, outdir);
	OK(written > 0, "%d documents written for schema validation", written);

	tlpress_tmplset_free(tmpl);
	tlpress_config_release(&cfg);
	tlpress_diags_release(&d);
	xmlCleanupParser();
	return harness_done();
}
