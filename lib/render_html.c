/* render_html.c - the HTML page of an advisory and the index; see render.h */
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csaf.h"
#include "cvrf.h"
#include "jarena.h"
#include "strutil.h"

/* json_stringn(): NULL for text that is not UTF-8, checked eight ASCII
 * bytes at a time (jansson checks a byte at a time, through a call each:
 * a tenth of a page's cost, on the body). */
static json_t *jstring(const char *s, size_t n)
{
	return tlpress_utf8_check(s, n) < 0 ? json_stringn_nocheck(s, n) : NULL;
}

json_t *tlpress_json_text(const char *s)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	json_t *j;

	tlpress_text_clean(s ? s : "", s ? strlen(s) : 0, &b);
	j = jstring(b.ptr, b.len);
	tlpress_buf_release(&b);
	return j ? j : json_string("");
}

static void put(json_t *o, const char *key, const char *text)
{
	json_object_set_new(o, key, tlpress_json_text(text));
}

static void putb(json_t *o, const char *key, int v)
{
	json_object_set_new(o, key, json_boolean(v));
}

json_t *tlpress_ctx_site(const struct tlpress_config *cfg, enum tlpress_tlp clearance,
			 const char *signer_fpr)
{
	json_t *site = json_object(), *pub = json_object();
	struct tlpress_buf b = TLPRESS_BUF_INIT;

	put(site, "title", cfg->site.title);
	put(site, "url", cfg->site.url);
	put(site, "lang", cfg->site.lang);
	tlpress_buf_printf(&b, "%sfeed.xml", cfg->site.url);
	put(site, "feed_url", b.ptr);
	put(site, "generator", "tlpress " TLPRESS_VERSION);
	put(pub, "name", cfg->publisher.name);
	put(pub, "namespace", cfg->publisher.namespace_url);
	put(pub, "contact_details", cfg->publisher.contact_details);
	if (cfg->publisher.issuing_authority)
		put(pub, "issuing_authority", cfg->publisher.issuing_authority);
	put(pub, "category", cfg->publisher.category);
	json_object_set_new(site, "publisher", pub);
	put(site, "clearance", tlpress_tlp_label(clearance));
	put(site, "clearance_slug", tlpress_tlp_slug(clearance));
	putb(site, "portal", clearance != TLPRESS_TLP_CLEAR);
	putb(site, "signed", signer_fpr != NULL);
	if (signer_fpr) {
		struct tlpress_buf g = TLPRESS_BUF_INIT;
		size_t i;

		/* the fingerprint in groups of four, as gpg shows it */
		for (i = 0; signer_fpr[i]; i++) {
			if (i && i % 4 == 0)
				tlpress_buf_addch(&g, ' ');
			if (i == 20)
				tlpress_buf_addch(&g, ' ');
			tlpress_buf_addch(&g, signer_fpr[i]);
		}
		put(site, "key_fpr", signer_fpr);
		put(site, "key_fpr_spaced", g.ptr);
		tlpress_buf_reset(&b);
		tlpress_buf_printf(&b, "openpgp/%s.asc", signer_fpr);
		put(site, "key_path", b.ptr);
		tlpress_buf_release(&g);
	}
	tlpress_buf_release(&b);
	return site;
}

static const char *const severity_labels[] = { "None", "Low", "Medium", "High", "Critical" };

static void labels(json_t *o, enum tlpress_tlp t)
{
	put(o, "label", tlpress_tlp_label(t));
	put(o, "label_slug", tlpress_tlp_slug(t));
	put(o, "label_name", tlpress_tlp_name(t));
}

static void html_path(const struct tlpress_rendition *r, struct tlpress_buf *path)
{
	tlpress_buf_printf(path, "advisories/%s.html", r->slug);
}

/* The page; its context is not freed: html_render() drops it with the
 * arena it lives in. */
static int page(const struct tlpress_rendition *r, struct tlpress_buf *out,
		struct tlpress_error *err)
{
	const struct tlpress_advisory *a = r->adv;
	const struct tlpress_revision *first = &a->revisions[0];
	const struct tlpress_revision *cur = tlpress_advisory_current(a);
	json_t *ctx = json_object(), *adv = json_object(), *list;
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	char when[40];
	size_t i;
	int rc;

	json_object_set_new(ctx, "root", json_string("../"));
	json_object_set_new(ctx, "site", tlpress_ctx_site(r->cfg, r->clearance, r->signer_fpr));
	put(adv, "id", a->id);
	put(adv, "slug", r->slug);
	tlpress_buf_printf(&b, "%sadvisories/%s.html", r->cfg->site.url, r->slug);
	put(adv, "url", b.ptr);
	put(adv, "title", a->title);
	put(adv, "lang", a->lang);
	/* a summary taken from the body's first paragraph is not repeated
	 * above the body; one the analyst wrote is shown as the lead */
	if (a->summary && r->summary && *r->summary)
		put(adv, "summary", r->summary);
	labels(adv, r->label);
	put(adv, "status", a->status == TLPRESS_STATUS_INTERIM ? "interim" : "final");
	putb(adv, "is_interim", a->status == TLPRESS_STATUS_INTERIM);
	json_object_set_new(adv, "version", json_integer(cur->version));
	putb(adv, "update", cur->version > 1);
	tlpress_time_date(&first->date, when, sizeof(when));
	put(adv, "initial_date", when);
	tlpress_time_rfc3339(&first->date, when, sizeof(when));
	put(adv, "initial_datetime", when);
	tlpress_time_date(&cur->date, when, sizeof(when));
	put(adv, "current_date", when);
	tlpress_time_rfc3339(&cur->date, when, sizeof(when));
	put(adv, "current_datetime", when);
	putb(adv, "has_severity", a->has_severity);
	if (a->has_severity) {
		put(adv, "severity", tlpress_cvss_severity_name(a->severity));
		put(adv, "severity_label", severity_labels[a->severity]);
	}
	putb(adv, "has_cvss", a->has_cvss);
	if (a->has_cvss) {
		json_t *c = json_object();

		tlpress_cvss_score_str(a->cvss.score10, when, sizeof(when));
		put(c, "score", when);
		put(c, "vector", a->cvss.vector);
		put(c, "severity", tlpress_cvss_severity_name(a->cvss.severity));
		json_object_set_new(adv, "cvss", c);
	}
	putb(adv, "has_cves", a->ncves > 0);
	list = json_array();
	for (i = 0; i < a->ncves; i++) {
		json_t *c = json_object();

		put(c, "id", a->cves[i]);
		tlpress_buf_reset(&b);
		tlpress_buf_printf(&b, "https://www.cve.org/CVERecord?id=%s", a->cves[i]);
		put(c, "url", b.ptr);
		json_array_append_new(list, c);
	}
	json_object_set_new(adv, "cves", list);
	putb(adv, "has_cwes", a->ncwes > 0);
	list = json_array();
	for (i = 0; i < a->ncwes; i++) {
		json_t *c = json_object();

		put(c, "id", a->cwes[i].id);
		put(c, "name", a->cwes[i].name);
		tlpress_buf_reset(&b);
		tlpress_buf_printf(&b, "https://cwe.mitre.org/data/definitions/%s.html",
				   a->cwes[i].id + 4);
		put(c, "url", b.ptr);
		json_array_append_new(list, c);
	}
	json_object_set_new(adv, "cwes", list);
	putb(adv, "has_products", a->nproducts > 0);
	list = json_array();
	for (i = 0; i < a->nproducts; i++) {
		const struct tlpress_product *p = &a->products[i];
		json_t *c = json_object();

		put(c, "vendor", p->vendor);
		put(c, "product", p->product);
		if (p->affected)
			put(c, "affected", p->affected);
		if (p->fixed)
			put(c, "fixed", p->fixed);
		putb(c, "has_fixed", p->fixed != NULL);
		json_array_append_new(list, c);
	}
	json_object_set_new(adv, "products", list);
	tlpress_buf_reset(&b);
	tlpress_text_clean(r->body_html, strlen(r->body_html), &b);
	{
		/* Without a `summary` key the body's opening paragraph is the
		 * summary: the page shows it as the lead, under the title and
		 * the rating and above the affected products, and the rest of
		 * the body after them. Only a top-level paragraph is taken
		 * (never a marked section); its text cannot hold "</p>". */
		size_t intro = 0;
		const char *end;

		if (!a->summary && b.len > 3 && memcmp(b.ptr, "<p>", 3) == 0 &&
		    (end = strstr(b.ptr, "</p>\n")) != NULL)
			intro = (size_t)(end - b.ptr) + 5;
		json_object_set_new(adv, "intro_html", jstring(b.ptr, intro));
		putb(adv, "has_intro", intro > 0);
		json_object_set_new(adv, "body_html", jstring(b.ptr + intro, b.len - intro));
		putb(adv, "has_body", b.len > intro);
	}
	putb(adv, "has_references", a->nrefs > 0);
	list = json_array();
	for (i = 0; i < a->nrefs; i++) {
		json_t *c = json_object();

		put(c, "url", a->refs[i].url);
		put(c, "title", a->refs[i].title ? a->refs[i].title : a->refs[i].url);
		json_array_append_new(list, c);
	}
	json_object_set_new(adv, "references", list);
	list = json_array();
	for (i = a->nrevisions; i-- > 0;) {
		const struct tlpress_revision *rv = &a->revisions[i];
		json_t *c = json_object();

		json_object_set_new(c, "version", json_integer(rv->version));
		tlpress_time_date(&rv->date, when, sizeof(when));
		put(c, "date", when);
		tlpress_time_rfc3339(&rv->date, when, sizeof(when));
		put(c, "datetime", when);
		put(c, "summary", rv->summary);
		json_array_append_new(list, c);
	}
	json_object_set_new(adv, "revisions", list);
	/* the machine-readable renditions of the same advisory */
	list = json_array();
	for (i = 0; i < 2; i++) {
		json_t *c = json_object();

		tlpress_buf_reset(&b);
		tlpress_buf_adds(&b, "../");
		if (i == 0)
			tlpress_csaf_path(r, &b);
		else
			tlpress_cvrf_path(r, &b);
		put(c, "name", i == 0 ? "CSAF 2.0 (JSON)" : "CVRF 1.2 (XML)");
		put(c, "url", b.ptr);
		json_array_append_new(list, c);
	}
	putb(adv, "has_renditions", json_array_size(list) > 0);
	json_object_set_new(adv, "renditions", list);
	json_object_set_new(ctx, "advisory", adv);

	rc = tlpress_tmplset_render(r->tmpl, "page", ctx, TLPRESS_ESCAPE_HTML, out, err);
	tlpress_buf_release(&b);
	return rc;
}

static int html_render(const struct tlpress_rendition *r, struct tlpress_buf *out,
		       struct tlpress_error *err)
{
	struct tlpress_jarena arena;
	int rc;

	/* the context's few hundred values live in an arena: made, rendered
	 * and dropped at once (lib/jarena.h) */
	tlpress_jarena_begin(&arena);
	rc = page(r, out, err);
	tlpress_jarena_end(&arena);
	return rc;
}

const struct tlpress_renderer tlpress_render_html = {
	"html",
	html_path,
	html_render,
};

void tlpress_pubmeta_release(struct tlpress_pubmeta *m)
{
	if (m->borrowed) {
		memset(m, 0, sizeof(*m));
		return;
	}
	free(m->id);
	free(m->slug);
	free(m->title);
	free(m->lang);
	free(m->summary);
	free(m->cves_text);
	memset(m, 0, sizeof(*m));
}

static int cmp_meta(const void *pa, const void *pb)
{
	const struct tlpress_pubmeta *a = pa, *b = pb;

	if (a->current.t != b->current.t)
		return a->current.t > b->current.t ? -1 : 1;
	return -strcmp(a->id, b->id);
}

void tlpress_pubmeta_sort(struct tlpress_pubmeta *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_meta);
}

struct index_items {
	const struct tlpress_pubmeta *v;
};

/* The context of one line of the index: made when its turn comes. */
static json_t *index_item(size_t i, void *data)
{
	const struct tlpress_pubmeta *m = &((struct index_items *)data)->v[i];
	json_t *o = json_object();
	char when[40], url[128];

	if (!o)
		return NULL;
	put(o, "id", m->id);
	put(o, "slug", m->slug);
	snprintf(url, sizeof(url), "advisories/%s.html", m->slug);
	put(o, "url", url);
	put(o, "title", m->title);
	put(o, "lang", m->lang);
	labels(o, m->label);
	putb(o, "has_severity", m->has_severity);
	if (m->has_severity) {
		put(o, "severity", tlpress_cvss_severity_name(m->severity));
		put(o, "severity_label", severity_labels[m->severity]);
	}
	putb(o, "has_cvss", m->has_cvss);
	if (m->has_cvss) {
		tlpress_cvss_score_str(m->score10, when, sizeof(when));
		put(o, "cvss_score", when);
	}
	putb(o, "has_cves", m->cves_text && *m->cves_text);
	put(o, "cves_text", m->cves_text);
	tlpress_time_date(&m->current, when, sizeof(when));
	put(o, "date", when);
	tlpress_time_rfc3339(&m->current, when, sizeof(when));
	put(o, "datetime", when);
	putb(o, "update", m->version > 1);
	json_object_set_new(o, "version", json_integer(m->version));
	return o;
}

int tlpress_render_index(const struct tlpress_config *cfg, const struct tlpress_tmplset *tmpl,
			 enum tlpress_tlp clearance, const char *signer_fpr, const struct tlpress_pubmeta *v, size_t n,
			 struct tlpress_buf *out, struct tlpress_error *err)
{
	json_t *ctx = json_object();
	struct index_items items = { v };
	struct tlpress_tmpl_lazy lazy = { "advisories", n, index_item, &items };
	int rc;

	json_object_set_new(ctx, "root", json_string(""));
	json_object_set_new(ctx, "site", tlpress_ctx_site(cfg, clearance, signer_fpr));
	json_object_set_new(ctx, "count", json_integer((json_int_t)n));
	putb(ctx, "has_advisories", n > 0);
	/* the lines one at a time: the index of ten thousand advisories
	 * holds one line's context at a time */
	rc = tlpress_tmplset_render_lazy(tmpl, "index", ctx, &lazy, TLPRESS_ESCAPE_HTML, out, err);
	json_decref(ctx);
	return rc;
}
