/* cvrf.c - the CVRF 1.2 rendition of an advisory; see cvrf.h */
#include "cvrf.h"
#include "policy.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/uri.h>

#include "rendition.h"
#include "strutil.h"
#include "xmlout.h"

#ifndef TLPRESS_VERSION
#define TLPRESS_VERSION "0"
#endif

#define NS_CVRF "http://docs.oasis-open.org/csaf/ns/csaf-cvrf/v1.2/cvrf"
#define NS_PROD "http://docs.oasis-open.org/csaf/ns/csaf-cvrf/v1.2/prod"
#define NS_VULN "http://docs.oasis-open.org/csaf/ns/csaf-cvrf/v1.2/vuln"
/* the scale the severities low ... critical come from */
#define SEVERITY_NS "https://www.first.org/cvss/v3.1/specification-document" \
	"#Qualitative-Severity-Rating-Scale"

/* one document being written */
struct cw {
	struct tlpress_xml x;
	const struct tlpress_rendition *r;
	const struct tlpress_advisory *a;
	const char *lang;            /* xml:lang of the advisory's text, or NULL */
	int failed;                  /* the writer or memory failed */
	int over;                    /* the document passes `room` */
	size_t room;                 /* bytes the output may still take */
	struct tlpress_buf doc;      /* the document being written */
	/* ProductIDs (CVRFPID-%04d) per model product; 0 for none */
	int *aff, *fix;
	/* the same for every Vulnerability: the distinct affected and fixed
	 * ids, ascending, and the products whose remediation is written (one
	 * per distinct pair of affected product and fix) */
	int *aff_ids, *fix_ids;
	size_t naff, nfix;
	size_t *remedy, nremedy;
};

/* s as text XML 1.0 can hold, appended to out: a byte that is not UTF-8
 * becomes U+FFFD, then tlpress_text_clean() drops what XML forbids and the
 * bidi overrides. */
static void clean(const char *s, struct tlpress_buf *out)
{
	size_t n, i = 0;

	if (!s)
		return;
	n = strlen(s);
	while (i < n) {
		long bad = tlpress_utf8_check(s + i, n - i);

		if (bad < 0) {
			tlpress_text_clean(s + i, n - i, out);
			return;
		}
		tlpress_text_clean(s + i, (size_t)bad, out);
		tlpress_buf_adds(out, "\xEF\xBF\xBD");
		i += (size_t)bad + 1;
	}
}

static int blank(const struct tlpress_buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if (!strchr(" \t\r\n", b->ptr[i]))
			return 0;
	return 1;
}

static void start(struct cw *c, const char *name)
{
	tlpress_xml_start(&c->x, name);
}

static void end(struct cw *c)
{
	tlpress_xml_end(&c->x);
}

/* An attribute; its value is cleaned, then escaped. */
static void attr(struct cw *c, const char *name, const char *value)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;

	clean(value, &b);
	if (b.failed)
		c->failed = 1;
	tlpress_xml_attr(&c->x, name, b.ptr);
	tlpress_buf_release(&b);
}

/* an attribute of a number (an ordinal) */
static void attr_num(struct cw *c, const char *name, int v)
{
	char s[16];

	tlpress_prefixed_num(s, sizeof(s), "", v, 1);
	tlpress_xml_attr(&c->x, name, s);
}

/* Character data, cleaned by the caller; escaped here. */
static void chars(struct cw *c, const char *s)
{
	tlpress_xml_text(&c->x, s);
}

/*
 * <name xml:lang="lang">s</name>, with s cleaned; when nothing but white
 * space is left of s, fallback stands in, and with no fallback the element
 * is left out (the schema wants every text non-empty). Returns 1 when the
 * element was written.
 */
static int text(struct cw *c, const char *name, const char *lang, const char *s,
		const char *fallback)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	int wrote = 0;

	clean(s, &b);
	if (blank(&b)) {
		tlpress_buf_reset(&b);
		clean(fallback, &b);
	}
	if (b.failed)
		c->failed = 1;
	if (!blank(&b)) {
		start(c, name);
		if (lang)
			attr(c, "xml:lang", lang);
		chars(c, b.ptr);
		end(c);
		wrote = 1;
	}
	tlpress_buf_release(&b);
	return wrote;
}

/* An element of ASCII text we made (a date, a number, an id). */
static void plain(struct cw *c, const char *name, const char *value)
{
	tlpress_xml_element(&c->x, name, value);
}

/* RFC 3339 in the time's own zone; in UTC for an offset beyond the
 * +-14:00 that xs:dateTime allows (RFC 3339 and the model go to 23:59). */
static void date(struct cw *c, const char *name, const struct tlpress_time *t)
{
	char s[48];

	if (t->offset >= -14 * 60 && t->offset <= 14 * 60)
		tlpress_time_rfc3339(t, s, sizeof(s));
	else
		tlpress_time_rfc3339_utc(t, s, sizeof(s));
	plain(c, name, s);
}

/*
 * libxml2, for xmlParseURI() alone (the URLs must be xs:anyURI as xmllint
 * takes them, and its schema validation parses them with that function):
 * loaded the first time a CVRF document is written, not by every start of
 * tlpress. Linked, it brought ICU and libstdc++ and took 3.3 of the 9 ms
 * that loading the libraries cost each run (a rebuild that writes nothing,
 * tlpress check, tlpress new). Its soname has been libxml2.so.2 since 2000.
 */
static struct {
	xmlURIPtr (*parse)(const char *);
	void (*free)(xmlURIPtr);
	char why[256];          /* dlopen()'s error, when it failed */
} xml;
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_load(void)
{
	void *h = dlopen("libxml2.so.2", RTLD_NOW | RTLD_LOCAL);
	void (*init)(void);

	if (h) {
		*(void **)&init = dlsym(h, "xmlInitParser");
		*(void **)&xml.parse = dlsym(h, "xmlParseURI");
		*(void **)&xml.free = dlsym(h, "xmlFreeURI");
	}
	if (!h || !init || !xml.parse || !xml.free) {
		const char *why = dlerror();

		snprintf(xml.why, sizeof(xml.why), "%s", why ? why : "a function of it is missing");
		xml.parse = NULL;
		return;
	}
	init();
}

static void *xml_loader(void *arg)
{
	(void)arg;
	pthread_once(&xml_once, xml_load);
	return NULL;
}

void tlpress_cvrf_preload(void)
{
	static atomic_flag started = ATOMIC_FLAG_INIT;
	pthread_attr_t at;
	pthread_t t;

	if (atomic_flag_test_and_set(&started))
		return;
	/* detached: the process's exit waits for a dlopen() under way (the
	 * loader's lock) */
	if (pthread_attr_init(&at) == 0) {
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		pthread_create(&t, &at, xml_loader, NULL);
		pthread_attr_destroy(&at);
	}
}

static int is_hex(int ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/*
 * The URL s as an RFC 3986 URI (xs:anyURI), into out: every byte outside
 * the URI characters is percent-encoded (UTF-8, as RFC 3987 maps an IRI),
 * and so are a '%' that starts no escape, a second '#', and brackets outside
 * an IPv6 host. Returns 0 when libxml2 then parses it as a URI, -1 when
 * not (the caller leaves the URL out).
 */
static int uri_clean(const char *s, struct tlpress_buf *out)
{
	static const char keep[] = "-._~:/?@!$&'()*+,;=";
	const char *p = strstr(s, "://"), *host_end = NULL;
	int fragment = 0;
	xmlURIPtr u;
	size_t i;

	/* an IPv6 literal host keeps its brackets */
	if (p && p[3] == '[')
		host_end = strchr(p + 3, ']');
	for (i = 0; s[i]; i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || (ch && strchr(keep, ch)) ||
		    (host_end && s + i >= p + 3 && s + i <= host_end)) {
			tlpress_buf_addch(out, ch);
		} else if (ch == '%' && is_hex(s[i + 1]) && is_hex(s[i + 2])) {
			tlpress_buf_addch(out, ch);
		} else if (ch == '#' && !fragment) {
			fragment = 1;
			tlpress_buf_addch(out, ch);
		} else {
			tlpress_buf_printf(out, "%%%02X", ch);
		}
	}
	if (out->failed || !out->len)
		return -1;
	u = xml.parse(out->ptr);
	if (!u)
		return -1;
	xml.free(u);
	return 0;
}

static const char *publisher_type(const char *category)
{
	static const char *const map[][2] = {
		{ "coordinator", "Coordinator" }, { "vendor", "Vendor" },
		{ "discoverer", "Discoverer" }, { "user", "User" },
	};
	size_t i;

	for (i = 0; category && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(category, map[i][0]))
			return map[i][1];
	return "Other";  /* other, translator */
}

/* What DocumentDistribution says: the TLP 1.0 name first, where CVRF
 * readers look for it, then the TLP 2.0 label and its rule. */
static const char *const distribution[TLPRESS_TLP_COUNT] = {
	"TLP:WHITE (TLP 2.0: TLP:CLEAR). Disclosure is not limited: recipients "
	"may share this information freely, subject to copyright.",
	"TLP:GREEN (TLP 2.0: TLP:GREEN). Limited disclosure: recipients may share "
	"this information within their community, but not through publicly "
	"accessible channels.",
	"TLP:AMBER (TLP 2.0: TLP:AMBER). Limited disclosure: recipients may share "
	"this information only within their organisation and with its clients, on "
	"a need-to-know basis.",
	"TLP:AMBER (TLP 2.0: TLP:AMBER+STRICT, which CVRF 1.2 cannot express). "
	"Limited disclosure: recipients may share this information only within "
	"their own organisation, on a need-to-know basis, and not with its clients.",
	"TLP:RED (TLP 2.0: TLP:RED). For the eyes and ears of the individual "
	"recipients only: no further disclosure.",
};

static const char *const severity_labels[] = { "None", "Low", "Medium", "High", "Critical" };

/* "oes-ci, public-services" */
static void audience(const struct tlpress_advisory *a, struct tlpress_buf *out)
{
	unsigned bit;

	for (bit = 1; bit & TLPRESS_AUD_ALL; bit <<= 1)
		if ((a->audience & bit) && tlpress_audience_name(bit))
			tlpress_buf_printf(out, "%s%s", out->len ? ", " : "",
					   tlpress_audience_name(bit));
}

static void tracking(struct cw *c)
{
	const struct tlpress_advisory *a = c->a;
	const struct tlpress_revision *cur = tlpress_advisory_current(a);
	char s[32];
	size_t i;

	start(c, "DocumentTracking");
	start(c, "Identification");
	text(c, "ID", NULL, a->id, "unknown");
	end(c);
	plain(c, "Status", a->status == TLPRESS_STATUS_FINAL ? "Final" :
	      a->status == TLPRESS_STATUS_INTERIM ? "Interim" : "Draft");
	snprintf(s, sizeof(s), "%d", cur->version < 0 ? 0 : cur->version);
	plain(c, "Version", s);
	start(c, "RevisionHistory");
	for (i = 0; i < a->nrevisions; i++) {
		const struct tlpress_revision *rv = &a->revisions[i];
		char fb[48];

		start(c, "Revision");
		snprintf(s, sizeof(s), "%d", rv->version < 0 ? 0 : rv->version);
		plain(c, "Number", s);
		date(c, "Date", &rv->date);
		snprintf(fb, sizeof(fb), "Revision %s.", s);
		text(c, "Description", c->lang, rv->summary, fb);
		end(c);
	}
	end(c);
	date(c, "InitialReleaseDate", &a->revisions[0].date);
	date(c, "CurrentReleaseDate", &cur->date);
	start(c, "Generator");
	text(c, "Engine", NULL, "tlpress " TLPRESS_VERSION, NULL);
	date(c, "Date", &cur->date);
	end(c);
	end(c);
}

/* One note; nothing when its text is blank once cleaned. */
static void note(struct cw *c, int *ordinal, const char *type, const char *title,
		 const char *aud, const char *s)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;

	clean(s, &b);
	if (b.failed)
		c->failed = 1;
	if (!blank(&b)) {
		start(c, "Note");
		attr(c, "Type", type);
		attr_num(c, "Ordinal", (*ordinal)++);
		attr(c, "Title", title);
		if (*aud)
			attr(c, "Audience", aud);
		if (c->lang)
			attr(c, "xml:lang", c->lang);
		chars(c, b.ptr);
		end(c);
	}
	tlpress_buf_release(&b);
}

static int has_text(const char *s)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	int r;

	clean(s, &b);
	r = !blank(&b);
	tlpress_buf_release(&b);
	return r;
}

static void notes(struct cw *c, const char *summary, const char *body)
{
	struct tlpress_buf aud = TLPRESS_BUF_INIT;
	int ordinal = 1;

	if (!has_text(summary) && !has_text(body))
		return;
	audience(c->a, &aud);
	start(c, "DocumentNotes");
	note(c, &ordinal, "Summary", "Summary", aud.ptr, summary);
	note(c, &ordinal, "Details", "Details", aud.ptr, body);
	end(c);
	if (aud.failed)
		c->failed = 1;
	tlpress_buf_release(&aud);
}

/* A Reference of DocumentReferences, or of a Vulnerability (vuln). */
static void reference(struct cw *c, int vuln, const char *type, const char *url,
		      const char *desc)
{
	start(c, vuln ? "vuln:Reference" : "Reference");
	attr(c, "Type", type);
	plain(c, vuln ? "vuln:URL" : "URL", url);
	text(c, vuln ? "vuln:Description" : "Description", NULL, desc, url);
	end(c);
}

static void references(struct cw *c)
{
	const struct tlpress_advisory *a = c->a;
	struct tlpress_buf self = TLPRESS_BUF_INIT, u = TLPRESS_BUF_INIT;
	struct tlpress_buf desc = TLPRESS_BUF_INIT;
	size_t i;
	int self_ok, any;

	/* the advisory's page, on an absolute site.url */
	if (c->r->cfg->site.url && strstr(c->r->cfg->site.url, "://"))
		tlpress_buf_printf(&self, "%sadvisories/%s.html", c->r->cfg->site.url, c->r->slug);
	self_ok = self.len && !uri_clean(self.ptr, &u);
	any = self_ok;
	for (i = 0; i < a->nrefs && !any; i++) {
		tlpress_buf_reset(&u);
		any = a->refs[i].url && !uri_clean(a->refs[i].url, &u);
	}
	if (!any)
		goto out;  /* DocumentReferences holds at least one Reference */
	start(c, "DocumentReferences");
	if (self_ok) {
		tlpress_buf_reset(&u);
		uri_clean(self.ptr, &u);
		tlpress_buf_printf(&desc, "%s on the website of its publisher", a->id);
		reference(c, 0, "Self", u.ptr, desc.ptr);
	}
	for (i = 0; i < a->nrefs; i++) {
		tlpress_buf_reset(&u);
		if (a->refs[i].url && !uri_clean(a->refs[i].url, &u))
			reference(c, 0, "External", u.ptr, a->refs[i].title);
	}
	end(c);
out:
	if (self.failed || u.failed || desc.failed)
		c->failed = 1;
	tlpress_buf_release(&self);
	tlpress_buf_release(&u);
	tlpress_buf_release(&desc);
}

/* the product tree */

struct pitem {
	size_t vrank, prank, i;   /* first index of its vendor, of its product */
};

static int same(const char *x, const char *y)
{
	return strcmp(x ? x : "", y ? y : "") == 0;
}

static int cmp_pitem(const void *pa, const void *pb)
{
	const struct pitem *x = pa, *y = pb;

	if (x->vrank != y->vrank)
		return x->vrank < y->vrank ? -1 : 1;
	if (x->prank != y->prank)
		return x->prank < y->prank ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* A FullProductName "vendor product version" with the next ProductID. */
static int full_name(struct cw *c, int *next, const struct tlpress_product *p,
		     const char *version)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT, n = TLPRESS_BUF_INIT;
	int id = (*next)++;

	tlpress_buf_printf(&b, "%s %s%s%s", p->vendor ? p->vendor : "",
			   p->product ? p->product : "", version ? " " : "",
			   version ? version : "");
	clean(b.ptr, &n);
	start(c, "prod:FullProductName");
	{
		char pid[32];

		tlpress_prefixed_num(pid, sizeof(pid), "CVRFPID-", id, 4);
		tlpress_xml_attr(&c->x, "ProductID", pid);
	}
	chars(c, blank(&n) ? "product" : n.ptr);
	end(c);
	if (b.failed || n.failed)
		c->failed = 1;
	tlpress_buf_release(&b);
	tlpress_buf_release(&n);
	return id;
}

static void version_branch(struct cw *c, int *next, const struct tlpress_product *p,
			   const char *version, int *id)
{
	start(c, "prod:Branch");
	attr(c, "Type", "Product Version");
	attr(c, "Name", version);
	*id = full_name(c, next, p, version);
	end(c);
}

/*
 * The id of the first product of group [from, k) in v with the same vendor,
 * product and version (fixed ? fixed : affected) as product k, or 0.
 */
static int earlier(struct cw *c, const struct pitem *v, size_t from, size_t k, int fixed)
{
	const struct tlpress_product *pk = &c->a->products[v[k].i];
	size_t m;

	for (m = from; m < k; m++) {
		const struct tlpress_product *pm = &c->a->products[v[m].i];

		if (v[m].prank != v[k].prank)
			continue;
		if (fixed && pm->fixed && same(pm->fixed, pk->fixed))
			return c->fix[v[m].i];
		if (!fixed && pm->affected && same(pm->affected, pk->affected))
			return c->aff[v[m].i];
	}
	return 0;
}

static int product_tree(struct cw *c)
{
	const struct tlpress_advisory *a = c->a;
	size_t n = a->nproducts, i, j, k;
	struct pitem *v;
	int next = 1;

	if (!n)
		return 0;
	v = calloc(n, sizeof(*v));
	c->aff = calloc(n, sizeof(*c->aff));
	c->fix = calloc(n, sizeof(*c->fix));
	if (!v || !c->aff || !c->fix) {
		free(v);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const struct tlpress_product *p = &a->products[i];

		v[i].i = i;
		for (j = 0; j < i && !same(a->products[j].vendor, p->vendor); j++)
			;
		v[i].vrank = j;
		for (j = 0; j < i && !(same(a->products[j].vendor, p->vendor) &&
				       same(a->products[j].product, p->product)); j++)
			;
		v[i].prank = j;
	}
	qsort(v, n, sizeof(*v), cmp_pitem);

	start(c, "prod:ProductTree");
	/* Vendor > Product Name > Product Version, in order of first mention */
	for (i = 0; i < n; i = j) {
		size_t pstart;

		for (j = i; j < n && v[j].vrank == v[i].vrank; j++)
			;
		/* [i, j) is one vendor; it gets a branch when a product has a version */
		for (k = i; k < j; k++)
			if (a->products[v[k].i].affected || a->products[v[k].i].fixed)
				break;
		if (k == j)
			continue;
		start(c, "prod:Branch");
		attr(c, "Type", "Vendor");
		attr(c, "Name", a->products[v[i].i].vendor);
		for (pstart = i; pstart < j; pstart = k) {
			size_t q;

			for (k = pstart; k < j && v[k].prank == v[pstart].prank; k++)
				;
			for (q = pstart; q < k; q++)
				if (a->products[v[q].i].affected || a->products[v[q].i].fixed)
					break;
			if (q == k)
				continue;
			start(c, "prod:Branch");
			attr(c, "Type", "Product Name");
			attr(c, "Name", a->products[v[pstart].i].product);
			for (q = pstart; q < k; q++) {
				const struct tlpress_product *p = &a->products[v[q].i];

				if (p->affected) {
					c->aff[v[q].i] = earlier(c, v, pstart, q, 0);
					if (!c->aff[v[q].i])
						version_branch(c, &next, p, p->affected, &c->aff[v[q].i]);
				}
				if (p->fixed) {
					c->fix[v[q].i] = earlier(c, v, pstart, q, 1);
					if (!c->fix[v[q].i])
						version_branch(c, &next, p, p->fixed, &c->fix[v[q].i]);
				}
			}
			end(c);
		}
		end(c);
	}
	/* a product with neither range nor fix: affected, no version known */
	for (i = 0; i < n; i++) {
		const struct tlpress_product *p = &a->products[v[i].i];

		if (p->affected || p->fixed)
			continue;
		for (k = 0; k < i; k++) {
			const struct tlpress_product *q = &a->products[v[k].i];

			if (!q->affected && !q->fixed && v[k].prank == v[i].prank)
				break;
		}
		c->aff[v[i].i] = k < i ? c->aff[v[k].i] : full_name(c, &next, p, NULL);
	}
	end(c);
	free(v);
	return 0;
}

static int cmp_int(const void *pa, const void *pb)
{
	int x = *(const int *)pa, y = *(const int *)pb;

	return (x > y) - (x < y);
}

/* The distinct non-zero ids of ids[0..n) into out, ascending; their count. */
static size_t distinct(const int *ids, size_t n, int *out)
{
	size_t i, m = 0;

	for (i = 0; i < n; i++)
		if (ids[i])
			out[m++] = ids[i];
	qsort(out, m, sizeof(*out), cmp_int);
	for (i = 0, n = 0; i < m; i++)
		if (!n || out[n - 1] != out[i])
			out[n++] = out[i];
	return n;
}

static void product_ids(struct cw *c, const int *ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char s[32];

		tlpress_prefixed_num(s, sizeof(s), "CVRFPID-", ids[i], 4);
		plain(c, "vuln:ProductID", s);
	}
}

/* CVE ids the schema takes: CVE-[0-9-]+ */
static int cve_ok(const char *s)
{
	size_t i;

	if (!s || strncmp(s, "CVE-", 4) || !s[4])
		return 0;
	for (i = 4; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

/* What the vulnerabilities share, computed once: the distinct ids and
 * the remediations. */
static int shared_lists(struct cw *c)
{
	const struct tlpress_advisory *a = c->a;
	size_t n = a->nproducts, i, k;

	c->aff_ids = calloc(n ? n : 1, sizeof(*c->aff_ids));
	c->fix_ids = calloc(n ? n : 1, sizeof(*c->fix_ids));
	c->remedy = calloc(n ? n : 1, sizeof(*c->remedy));
	if (!c->aff_ids || !c->fix_ids || !c->remedy)
		return -1;
	if (!n)
		return 0;
	c->naff = distinct(c->aff, n, c->aff_ids);
	c->nfix = distinct(c->fix, n, c->fix_ids);
	/* once per (affected product, fix); ids are given in order, so a pair
	 * seen before has a smaller affected id, or the same one */
	for (i = 0; i < n; i++) {
		if (!c->aff[i] && !c->fix[i])
			continue;
		for (k = 0; k < c->nremedy; k++) {
			size_t j = c->remedy[k];

			if (c->aff[j] == c->aff[i] && c->fix[j] == c->fix[i])
				break;
		}
		if (k == c->nremedy)
			c->remedy[c->nremedy++] = i;
	}
	return 0;
}

static void remediations(struct cw *c)
{
	const struct tlpress_advisory *a = c->a;
	struct tlpress_buf d = TLPRESS_BUF_INIT;
	size_t k;

	if (!c->nremedy)
		return;
	start(c, "vuln:Remediations");
	for (k = 0; k < c->nremedy; k++) {
		size_t i = c->remedy[k];
		const struct tlpress_product *p = &a->products[i];
		char id[32];

		tlpress_buf_reset(&d);
		if (p->fixed)
			tlpress_buf_printf(&d, "Update %s %s to version %s or later.",
					   p->vendor ? p->vendor : "", p->product ? p->product : "",
					   p->fixed);
		else
			tlpress_buf_printf(&d, "No fixed version of %s %s is available yet.",
					   p->vendor ? p->vendor : "", p->product ? p->product : "");
		start(c, "vuln:Remediation");
		attr(c, "Type", p->fixed ? "Vendor Fix" : "None Available");
		text(c, "vuln:Description", NULL, d.ptr, p->fixed ? "Update." : "No fix.");
		if (c->aff[i]) {
			tlpress_prefixed_num(id, sizeof(id), "CVRFPID-", c->aff[i], 4);
			plain(c, "vuln:ProductID", id);
		}
		end(c);
	}
	end(c);
	if (d.failed)
		c->failed = 1;
	tlpress_buf_release(&d);
}

static void vulnerability(struct cw *c, int ordinal, const char *cve)
{
	const struct tlpress_advisory *a = c->a;
	const int *aff = c->aff_ids, *fix = c->fix_ids;
	size_t naff = c->naff, nfix = c->nfix, i;

	start(c, "vuln:Vulnerability");
	attr_num(c, "Ordinal", ordinal);
	if (!cve || !cve_ok(cve))
		text(c, "vuln:Title", c->lang, a->title, a->id);
	if (cve && cve_ok(cve))
		plain(c, "vuln:CVE", cve);
	for (i = 0; i < a->ncwes; i++) {
		if (!tlpress_cwe_schema_ok(a->cwes[i].id))
			continue;
		start(c, "vuln:CWE");
		attr(c, "ID", a->cwes[i].id);
		if (has_text(a->cwes[i].name)) {
			struct tlpress_buf b = TLPRESS_BUF_INIT;

			clean(a->cwes[i].name, &b);
			chars(c, b.ptr);
			if (b.failed)
				c->failed = 1;
			tlpress_buf_release(&b);
		} else {
			chars(c, a->cwes[i].id);
		}
		end(c);
	}
	if (naff || nfix) {
		start(c, "vuln:ProductStatuses");
		if (naff) {
			start(c, "vuln:Status");
			attr(c, "Type", "Known Affected");
			product_ids(c, aff, naff);
			end(c);
		}
		if (nfix) {
			start(c, "vuln:Status");
			attr(c, "Type", "Fixed");
			product_ids(c, fix, nfix);
			end(c);
		}
		end(c);
	}
	if (a->has_cvss) {
		char score[TLPRESS_CVSS_SCORE_STR_SIZE];

		tlpress_cvss_score_str(a->cvss.score10, score, sizeof(score));
		start(c, "vuln:CVSSScoreSets");
		start(c, "vuln:ScoreSetV3");
		plain(c, "vuln:BaseScoreV3", score);
		text(c, "vuln:VectorV3", NULL, a->cvss.vector, NULL);
		product_ids(c, aff, naff);
		end(c);
		end(c);
	}
	remediations(c);
	if (cve && cve_ok(cve)) {
		struct tlpress_buf u = TLPRESS_BUF_INIT, d = TLPRESS_BUF_INIT;

		tlpress_buf_printf(&u, "https://www.cve.org/CVERecord?id=%s", cve);
		tlpress_buf_printf(&d, "%s in the CVE List", cve);
		start(c, "vuln:References");
		reference(c, 1, "External", u.ptr, d.ptr);
		end(c);
		if (u.failed || d.failed)
			c->failed = 1;
		tlpress_buf_release(&u);
		tlpress_buf_release(&d);
	}
	end(c);
}

/* 1 (and c->over set) when what was written passes c->room. */
static int room_left(struct cw *c)
{
	if (c->doc.failed || c->x.failed)
		c->failed = 1;
	if (c->doc.len > c->room)
		c->over = 1;
	return c->over;
}

static int document(struct cw *c, const char *body, enum tlpress_tlp label)
{
	const struct tlpress_advisory *a = c->a;
	const struct tlpress_config *cfg = c->r->cfg;
	size_t i;

	tlpress_xml_begin(&c->x, &c->doc);
	start(c, "cvrfdoc");
	tlpress_xml_attr(&c->x, "xmlns", NS_CVRF);
	tlpress_xml_attr(&c->x, "xmlns:prod", NS_PROD);
	tlpress_xml_attr(&c->x, "xmlns:vuln", NS_VULN);

	text(c, "DocumentTitle", c->lang, a->title, a->id);
	text(c, "DocumentType", NULL, "Security Advisory", NULL);
	start(c, "DocumentPublisher");
	attr(c, "Type", publisher_type(cfg->publisher.category));
	text(c, "ContactDetails", NULL, cfg->publisher.contact_details, NULL);
	if (!text(c, "IssuingAuthority", NULL, cfg->publisher.issuing_authority, NULL))
		text(c, "IssuingAuthority", NULL, cfg->publisher.name, NULL);
	end(c);
	tracking(c);
	notes(c, c->r->summary, body);
	text(c, "DocumentDistribution", "en", distribution[label], NULL);
	if (a->has_severity && (unsigned)a->severity < 5) {
		start(c, "AggregateSeverity");
		attr(c, "Namespace", SEVERITY_NS);
		chars(c, severity_labels[a->severity]);
		end(c);
	}
	references(c);
	if (product_tree(c) || shared_lists(c))
		c->failed = 1;
	/* each Vulnerability repeats the statuses of every product: stop as
	 * soon as the document passes what the output may take */
	for (i = 0; i < a->ncves && !c->failed && !room_left(c); i++)
		vulnerability(c, (int)i + 1, a->cves[i]);
	if (!a->ncves && (a->nproducts || a->has_cvss) && !c->failed)
		vulnerability(c, 1, NULL);
	if (c->failed || room_left(c))
		return -1;
	if (tlpress_xml_finish(&c->x))
		c->failed = 1;
	return c->failed ? -1 : 0;
}

void tlpress_cvrf_path(const struct tlpress_rendition *r, struct tlpress_buf *path)
{
	tlpress_buf_printf(path, "cvrf/%s.xml", r->slug);
}

int tlpress_cvrf_render(const struct tlpress_rendition *r, struct tlpress_buf *out,
			struct tlpress_error *err)
{
	const struct tlpress_advisory *a = r ? r->adv : NULL;
	struct tlpress_buf body = TLPRESS_BUF_INIT, lang = TLPRESS_BUF_INIT;
	struct tlpress_cut cut;
	enum tlpress_tlp label;
	struct cw c;
	int rc;

	if (!a || !r->cfg || !out)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "cvrf: no advisory, configuration "
					 "or output buffer");
	if (a->nerrors || !a->nrevisions || !a->revisions || !a->id)
		return tlpress_error_set(err, TLPRESS_EINVAL, "%s: the advisory has errors; "
					 "no CVRF document is made of it", a->path ? a->path : "?");
	if (a->flags & TLPRESS_PARSE_FRONT_ONLY)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "%s: parsed without its body; "
					 "parse it whole to render CVRF", a->path ? a->path : a->id);
	if ((unsigned)r->clearance >= TLPRESS_TLP_COUNT || (unsigned)r->base >= TLPRESS_TLP_COUNT ||
	    (unsigned)r->label >= TLPRESS_TLP_COUNT)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "%s: a label of the rendition is "
					 "not a TLP label", a->id);
	if (!tlpress_policy_cleared(tlpress_tlp_max(r->base, r->label), r->clearance))
		return tlpress_error_set(err, TLPRESS_EPOLICY, "%s is labelled %s, above the "
					 "clearance %s: no CVRF document is made", a->id,
					 tlpress_tlp_label(tlpress_tlp_max(r->base, r->label)),
					 tlpress_tlp_label(r->clearance));
	if (r->body_markdown) {
		/* rendered once by the build, with the label it gave r */
		memset(&cut, 0, sizeof(cut));
		cut.label = r->label;
		tlpress_buf_adds(&body, r->body_markdown);
		rc = body.failed ? TLPRESS_ENOMEM : 0;
	} else {
		rc = tlpress_body_render(a, r->base, r->clearance, TLPRESS_BODY_MARKDOWN, &body,
					 &cut);
	}
	if (rc) {
		tlpress_buf_release(&body);
		return tlpress_error_set(err, rc, "%s: cannot render the body", a->id);
	}
	/* never below what the text holds */
	label = tlpress_tlp_max(tlpress_tlp_max(r->label, r->base), cut.label);

	memset(&c, 0, sizeof(c));
	c.r = r;
	c.a = a;
	clean(a->lang, &lang);
	c.lang = lang.len && !tlpress_lang_valid(lang.ptr) ? lang.ptr : NULL;
	c.room = out->len < out->limit ? out->limit - out->len : 0;
	if (c.room > TLPRESS_CVRF_MAX_SIZE)
		c.room = TLPRESS_CVRF_MAX_SIZE;
	pthread_once(&xml_once, xml_load);
	if (!xml.parse) {
		tlpress_buf_release(&body);
		tlpress_buf_release(&lang);
		return tlpress_error_set(err, TLPRESS_EIO, "%s: cannot load libxml2, which checks "
					 "the URLs of CVRF documents: %s; install the Debian "
					 "package libxml2", a->id, xml.why);
	}
	tlpress_buf_init(&c.doc, 0);
	/* about the size of the Markdown and as much again: fewer reallocs */
	tlpress_buf_grow(&c.doc, 2 * body.len + 4096);
	document(&c, body.ptr, label);
	tlpress_xml_release(&c.x);
	rc = 0;
	if (c.over) {
		rc = tlpress_error_set(err, TLPRESS_ELIMIT, "%s: the CVRF document passes the "
				       "output limit (%zu bytes)", a->id, c.room);
	} else if (c.failed || c.doc.failed) {
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "%s: could not write the CVRF "
				       "document (out of memory)", a->id);
	} else {
		size_t before = out->len, n = c.doc.len;

		if (tlpress_buf_add(out, c.doc.ptr, n)) {
			tlpress_buf_truncate(out, before);
			rc = n > out->limit - out->len ?
				tlpress_error_set(err, TLPRESS_ELIMIT, "%s: the CVRF document "
						  "(%zu bytes) passes the output limit", a->id, n) :
				tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		}
	}
	tlpress_buf_release(&c.doc);
	free(c.aff);
	free(c.fix);
	free(c.aff_ids);
	free(c.fix_ids);
	free(c.remedy);
	tlpress_buf_release(&body);
	tlpress_buf_release(&lang);
	return rc;
}

const struct tlpress_renderer tlpress_render_cvrf = {
	"cvrf",
	tlpress_cvrf_path,
	tlpress_cvrf_render,
};
