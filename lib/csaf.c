/* csaf.c - the CSAF 2.0 rendition and the provider files; see csaf.h */
#include "csaf.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "advisory.h"
#include "cvss.h"
#include "jarena.h"
#include "jsonout.h"
#include "policy.h"
#include "rendition.h"
#include "strutil.h"

#define CSAF_SCHEMA_URL "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json"
#define TLP_URL "https://www.first.org/tlp/"
#define ROLIE_SCHEME "urn:ietf:params:rolie:category:information-type"
#define FEED_PREFIX "csaf-feed-tlp-"
/* where the entries of a ROLIE feed go in its text, and their indentation
 * there (root, feed, entry: three levels of JSON_INDENT(2)) */
#define ENTRY_MARKER "tlpress:entries"
#define ENTRY_KEY "\n    \"entry\": "     /* a raw line break: only in the layout */
#define ENTRY_INDENT "      "
/* The layout of every JSON file: jansson's JSON_INDENT(2) | JSON_SORT_KEYS |
 * JSON_REAL_PRECISION(3) (one decimal is all a CVSS score has: 9.8 is
 * written 9.8, 10.0 as 10.0), written by tlpress_json_write(). */

/* ---------------------------------------------------------------- text */

/* The builder's state: a failed allocation anywhere is remembered. */
struct jb {
	int oom;
	struct tlpress_buf tmp;      /* scratch for cleaning */
};

/* s[0..n) as published text, into out (reset first): valid UTF-8 (bytes
 * that are not are dropped), without what tlpress_text_clean() drops, and
 * without trailing white space. */
static void clean_into(const char *s, size_t n, struct tlpress_buf *out)
{
	tlpress_buf_reset(out);
	while (n) {
		long bad = tlpress_utf8_check(s, n);
		size_t good = bad < 0 ? n : (size_t)bad;

		tlpress_text_clean(s, good, out);
		if (bad < 0)
			break;
		s += good + 1;
		n -= good + 1;
	}
	while (out->len && (out->ptr[out->len - 1] == ' ' || out->ptr[out->len - 1] == '\n' ||
			    out->ptr[out->len - 1] == '\t' || out->ptr[out->len - 1] == '\r'))
		tlpress_buf_truncate(out, out->len - 1);
}

static int blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

/* s cleaned into b->tmp; fallback when s is NULL or nothing is left of it:
 * 0, or -1 when neither gives text (or memory ran out: b->oom). */
static int text_of(struct jb *b, const char *s, const char *fallback)
{
	const char *try[2] = { s, fallback };
	int k;

	for (k = 0; k < 2; k++) {
		if (!try[k])
			continue;
		clean_into(try[k], strlen(try[k]), &b->tmp);
		if (b->tmp.failed) {
			b->oom = 1;
			return -1;
		}
		if (!blank(b->tmp.ptr, b->tmp.len))
			return 0;
	}
	return -1;
}

/* A JSON string of s cleaned (text_of()), or NULL. */
static json_t *jtext(struct jb *b, const char *s, const char *fallback)
{
	json_t *j;

	if (text_of(b, s, fallback))
		return NULL;
	/* valid UTF-8 by construction: jansson need not check it again */
	j = json_stringn_nocheck(b->tmp.ptr, b->tmp.len);
	if (!j)
		b->oom = 1;
	return j;
}

/* A JSON string of a fixed ASCII text of ours (not checked as UTF-8). */
static json_t *jlit(struct jb *b, const char *s)
{
	json_t *j = json_string_nocheck(s);

	if (!j)
		b->oom = 1;
	return j;
}

static json_t *jobj(struct jb *b)
{
	json_t *j = json_object();

	if (!j)
		b->oom = 1;
	return j;
}

static json_t *jarr(struct jb *b)
{
	json_t *j = json_array();

	if (!j)
		b->oom = 1;
	return j;
}

/* Set key (ASCII of ours) to v (stolen); nothing when v is NULL. */
static void set(struct jb *b, json_t *o, const char *key, json_t *v)
{
	if (!v)
		return;
	if (!o || json_object_set_new_nocheck(o, key, v))
		b->oom = 1;
}

/* Set key to v (stolen) when v is a non-empty array; else drop v. */
static void set_list(struct jb *b, json_t *o, const char *key, json_t *v)
{
	if (v && json_array_size(v) == 0) {
		json_decref(v);
		return;
	}
	set(b, o, key, v);
}

static void push(struct jb *b, json_t *a, json_t *v)
{
	if (!v)
		return;
	if (!a || json_array_append_new(a, v))
		b->oom = 1;
}

/* ---------------------------------------------------------------- URLs */

static int is_unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

static int is_subdelim(unsigned char c)
{
	return c && strchr("!$&'()*+,;=", c) != NULL;
}

static int is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Append s[0..n), keeping unreserved and sub-delims characters, those of
 * `keep` and valid %XX escapes, percent-encoding every other byte. */
static void pct_encode(const char *s, size_t n, const char *keep, struct tlpress_buf *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_unreserved(c) || is_subdelim(c) || (c && strchr(keep, c)))
			tlpress_buf_addch(out, c);
		else if (c == '%' && i + 2 < n && is_hex((unsigned char)s[i + 1]) &&
			 is_hex((unsigned char)s[i + 2]))
			tlpress_buf_addch(out, '%');
		else
			tlpress_buf_printf(out, "%%%02X", c);
	}
}

/*
 * An http or https URL as an RFC 3986 URI (what JSON schema's "uri" format
 * accepts), appended to out: characters a URI cannot hold are
 * percent-encoded (UTF-8 bytes of an IRI, spaces, '{', '|', a second '#',
 * a '%' without two hex digits). Returns 0, or -1 with out unchanged when
 * s cannot be one (another scheme, no host, a port that is not a number, a
 * malformed IPv6 literal).
 */
static int uri_encode(const char *s, struct tlpress_buf *out)
{
	size_t start = out->len, alen, i, at, hostlen;
	const char *p, *auth, *host, *colon = NULL;

	if (!s)
		return -1;
	if (!strncasecmp(s, "https://", 8)) {
		tlpress_buf_adds(out, "https://");
		p = s + 8;
	} else if (!strncasecmp(s, "http://", 7)) {
		tlpress_buf_adds(out, "http://");
		p = s + 7;
	} else {
		return -1;
	}
	auth = p;
	alen = strcspn(auth, "/?#");
	/* userinfo@ */
	for (at = alen; at > 0 && auth[at - 1] != '@'; at--)
		;
	if (at) {
		pct_encode(auth, at - 1, ":", out);
		tlpress_buf_addch(out, '@');
	}
	host = auth + at;
	hostlen = alen - at;
	if (hostlen && host[0] == '[') {
		const char *end = memchr(host, ']', hostlen);

		if (!end || end == host + 1)
			goto bad;
		for (i = 1; host + i < end; i++)
			if (!is_hex((unsigned char)host[i]) && host[i] != ':' && host[i] != '.')
				goto bad;
		tlpress_buf_add(out, host, (size_t)(end - host) + 1);
		if (end + 1 < host + hostlen) {
			if (end[1] != ':')
				goto bad;
			colon = end + 1;
		}
	} else {
		for (i = hostlen; i > 0; i--)
			if (host[i - 1] == ':') {
				colon = host + i - 1;
				break;
			}
		if ((colon ? (size_t)(colon - host) : hostlen) == 0)
			goto bad;
		pct_encode(host, colon ? (size_t)(colon - host) : hostlen, "", out);
	}
	if (colon) {
		for (i = 1; colon + i < host + hostlen; i++)
			if (colon[i] < '0' || colon[i] > '9')
				goto bad;
		tlpress_buf_add(out, colon, (size_t)(host + hostlen - colon));
	}
	p = auth + alen;
	/* path, query, fragment */
	{
		size_t plen = strcspn(p, "?#");

		pct_encode(p, plen, ":@/", out);
		p += plen;
		if (*p == '?') {
			size_t qlen = strcspn(p + 1, "#");

			tlpress_buf_addch(out, '?');
			pct_encode(p + 1, qlen, ":@/?", out);
			p += 1 + qlen;
		}
		if (*p == '#') {
			tlpress_buf_addch(out, '#');
			pct_encode(p + 1, strlen(p + 1), ":@/?", out);
		}
	}
	return 0;
bad:
	tlpress_buf_truncate(out, start);
	return -1;
}

/* A JSON string of the URI of s, or NULL when s is none. */
static json_t *jurl(struct jb *b, const char *s)
{
	struct tlpress_buf u = TLPRESS_BUF_INIT;
	json_t *j = NULL;

	if (s && !uri_encode(s, &u)) {
		if (u.failed)
			b->oom = 1;
		else if (!(j = json_stringn(u.ptr, u.len)))
			b->oom = 1;
	}
	tlpress_buf_release(&u);
	return j;
}

/* ---------------------------------------------------------------- names */

const char *tlpress_csaf_folder(enum tlpress_tlp label)
{
	switch (label) {
	case TLPRESS_TLP_CLEAR: return "white";
	case TLPRESS_TLP_GREEN: return "green";
	case TLPRESS_TLP_AMBER:
	case TLPRESS_TLP_AMBER_STRICT: return "amber";
	default: return "red";
	}
}

void tlpress_csaf_filename(const char *id, struct tlpress_buf *out)
{
	const char *p;
	int run = 0;

	for (p = id ? id : ""; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-') {
			tlpress_buf_addch(out, c);
			run = 0;
		} else if (!run) {
			tlpress_buf_addch(out, '_');
			run = 1;
		}
	}
	tlpress_buf_adds(out, ".json");
}

/* The label the document carries: r->label, raised to what the cut body
 * holds. */
static enum tlpress_tlp doc_label(const struct tlpress_rendition *r)
{
	enum tlpress_tlp l = r->label;

	if (r->adv)
		l = tlpress_tlp_max(l, tlpress_policy_rendition_label(r->adv, r->base,
								      r->clearance));
	return l;
}

static void utc(const struct tlpress_time *t, char *buf, size_t size)
{
	tlpress_time_rfc3339_utc(t, buf, size);
}

/* "2026" of a time, in UTC, appended to out. */
static void year_of(const struct tlpress_time *t, struct tlpress_buf *out)
{
	char when[48];

	utc(t, when, sizeof(when));
	tlpress_buf_add(out, when, strcspn(when + 1, "-") + 1);
}

void tlpress_csaf_path(const struct tlpress_rendition *r, struct tlpress_buf *path)
{
	const struct tlpress_advisory *a = r->adv;
	struct tlpress_time zero = { 0, 0, 1 };

	tlpress_buf_printf(path, TLPRESS_CSAF_ROOT "%s/", tlpress_csaf_folder(doc_label(r)));
	year_of(a && a->nrevisions ? &a->revisions[0].date : &zero, path);
	tlpress_buf_addch(path, '/');
	tlpress_csaf_filename(a ? a->id : NULL, path);
}

/* ---------------------------------------------------------------- words */

/* The few words of ours a document carries, in its language. */
struct words {
	const char *lang;
	const char *summary, *details, *self, *page, *cwes;
	const char *fix;     /* printf format with one %s: the fixed version */
	const char *nofix;
};

static const struct words words_v[] = {
	{ "en", "Summary", "Details", "This CSAF document", "The advisory on the web",
	  "Weaknesses (CWE)", "Update to version %s or later.",
	  "No fix is available yet." },
	{ "fr", "R\xc3\xa9sum\xc3\xa9", "D\xc3\xa9tails", "Ce document CSAF",
	  "L'avis sur le web", "Faiblesses (CWE)",
	  "Mettre \xc3\xa0 jour vers la version %s ou une version ult\xc3\xa9rieure.",
	  "Aucun correctif n'est disponible pour l'instant." },
	{ "nl", "Samenvatting", "Details", "Dit CSAF-document", "Het bericht op het web",
	  "Zwakheden (CWE)", "Update naar versie %s of later.",
	  "Er is nog geen correctie beschikbaar." },
};

static const struct words *words_for(const char *lang)
{
	size_t i, n = lang ? strcspn(lang, "-_") : 0;

	for (i = 0; i < sizeof(words_v) / sizeof(words_v[0]); i++)
		if (n == 2 && !strncasecmp(lang, words_v[i].lang, 2))
			return &words_v[i];
	return &words_v[0];
}

/* ---------------------------------------------------------------- products */

/* What each product entry of the advisory becomes in the tree. */
struct prod {
	char *vendor, *product;      /* cleaned, never empty */
	char *range;                 /* the affected leaf's branch name */
	char *range_full;            /* its full product name */
	char *fix;                   /* the fixed leaf's name, or NULL */
	char *fix_full;
	const char *fix_cat;         /* product_version or product_version_range */
	char *fixed_raw;             /* the fixed version, cleaned, or NULL */
	int aff_id, fix_id;          /* CSAFPID numbers; 0 for none */
};

static char *cleaned_dup(const char *s, const char *fallback)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	const char *try[2] = { s, fallback };
	int k;

	for (k = 0; k < 2; k++) {
		if (!try[k])
			continue;
		clean_into(try[k], strlen(try[k]), &b);
		if (b.failed)
			break;
		if (!blank(b.ptr, b.len))
			return tlpress_buf_detach(&b, NULL);
	}
	tlpress_buf_release(&b);
	return NULL;
}

/* A version as vers writes it: no white space, no separator of vers. */
static int vers_version(const char *s, size_t n)
{
	size_t i;

	if (!n)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!(is_unreserved(c) || c == '+'))
			return 0;
	}
	return 1;
}

/* The vers form of a range of comparisons (">= 9.0, < 9.4.7" ->
 * "vers:generic/>=9.0|<9.4.7"), into out; -1 when range is not one. */
static int vers_of(const char *range, struct tlpress_buf *out)
{
	const char *p = range;
	int first = 1;

	tlpress_buf_adds(out, "vers:generic/");
	for (;;) {
		const char *op = "";
		size_t n;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!strncmp(p, ">=", 2) || !strncmp(p, "<=", 2) || !strncmp(p, "!=", 2)) {
			op = p[0] == '>' ? ">=" : p[0] == '<' ? "<=" : "!=";
			p += 2;
		} else if (*p == '>' || *p == '<') {
			op = *p == '>' ? ">" : "<";
			p++;
		} else if (*p == '=') {
			p++;
		}
		while (*p == ' ' || *p == '\t')
			p++;
		n = strcspn(p, ", \t");
		if (!vers_version(p, n))
			return -1;
		tlpress_buf_printf(out, "%s%s%.*s", first ? "" : "|", op, (int)n, p);
		first = 0;
		p += n;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (*p != ',')
			return -1;
		p++;
	}
	return out->failed ? -1 : 0;
}

/* Words that make a "version" a range for mandatory test 6.1.31. */
static int reads_like_range(const char *s)
{
	static const char *const words[] = { "after", "all", "before", "earlier", "later",
					      "prior", "versions", NULL };
	const char *p = s;
	size_t i;

	if (strchr(s, '<') || strchr(s, '>'))
		return 1;
	while (*p) {
		size_t n;

		while (*p && strchr(" \t\n\r\f\v", *p))
			p++;
		n = strcspn(p, " \t\n\r\f\v");
		for (i = 0; words[i]; i++)
			if (n == strlen(words[i]) && !strncasecmp(p, words[i], n))
				return 1;
		p += n;
	}
	return 0;
}

static void prods_free(struct prod *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++) {
		free(v[i].vendor);
		free(v[i].product);
		free(v[i].range);
		free(v[i].range_full);
		free(v[i].fix);
		free(v[i].fix_full);
		free(v[i].fixed_raw);
	}
	free(v);
}

static char *joined(const char *a, const char *b, const char *c)
{
	struct tlpress_buf s = TLPRESS_BUF_INIT;

	tlpress_buf_printf(&s, "%s %s%s%s", a, b, c ? " " : "", c ? c : "");
	if (s.failed) {
		tlpress_buf_release(&s);
		return NULL;
	}
	return tlpress_buf_detach(&s, NULL);
}

/* The leaves of every product entry; NULL when memory ran out. */
static struct prod *prods_make(const struct tlpress_advisory *a)
{
	struct prod *v = calloc(a->nproducts ? a->nproducts : 1, sizeof(*v));
	size_t i;

	if (!v)
		return NULL;
	for (i = 0; i < a->nproducts; i++) {
		const struct tlpress_product *p = &a->products[i];
		struct prod *q = &v[i];
		struct tlpress_buf r = TLPRESS_BUF_INIT;
		char *aff = cleaned_dup(p->affected, NULL);

		q->vendor = cleaned_dup(p->vendor, "-");
		q->product = cleaned_dup(p->product, "-");
		q->fixed_raw = cleaned_dup(p->fixed, NULL);
		if (aff) {
			if (vers_of(aff, &r)) {
				tlpress_buf_reset(&r);
				tlpress_buf_adds(&r, aff);
			}
			q->range_full = q->vendor && q->product ? joined(q->vendor, q->product, aff)
								 : NULL;
		} else if (q->fixed_raw) {
			struct tlpress_buf f = TLPRESS_BUF_INIT;

			if (vers_version(q->fixed_raw, strlen(q->fixed_raw)))
				tlpress_buf_printf(&r, "vers:generic/<%s", q->fixed_raw);
			else
				tlpress_buf_printf(&r, "< %s", q->fixed_raw);
			tlpress_buf_printf(&f, "< %s", q->fixed_raw);
			q->range_full = q->vendor && q->product && !f.failed ?
					joined(q->vendor, q->product, f.ptr) : NULL;
			tlpress_buf_release(&f);
		} else {
			tlpress_buf_adds(&r, "vers:generic/*");
			q->range_full = q->vendor && q->product ?
					joined(q->vendor, q->product, NULL) : NULL;
		}
		free(aff);
		q->range = r.failed ? NULL : tlpress_buf_detach(&r, NULL);
		tlpress_buf_release(&r);
		if (q->fixed_raw) {
			q->fix = strdup(q->fixed_raw);
			q->fix_cat = reads_like_range(q->fixed_raw) ? "product_version_range"
								   : "product_version";
			q->fix_full = q->vendor && q->product ?
				      joined(q->vendor, q->product, q->fixed_raw) : NULL;
		}
		if (!q->vendor || !q->product || !q->range || !q->range_full ||
		    (q->fixed_raw && (!q->fix || !q->fix_full))) {
			prods_free(v, a->nproducts);
			return NULL;
		}
	}
	return v;
}

static json_t *leaf(struct jb *b, const char *cat, const char *name, const char *full, int id)
{
	json_t *l = jobj(b), *pr = jobj(b);
	char pid[32];

	tlpress_prefixed_num(pid, sizeof(pid), "CSAFPID-", id, 4);
	set(b, l, "category", jlit(b, cat));
	set(b, l, "name", jtext(b, name, "-"));
	set(b, pr, "name", jtext(b, full, "-"));
	set(b, pr, "product_id", jlit(b, pid));
	set(b, l, "product", pr);
	return l;
}

static json_t *branch(struct jb *b, const char *cat, const char *name, json_t *sub)
{
	json_t *o = jobj(b);

	set(b, o, "category", jlit(b, cat));
	set(b, o, "name", jtext(b, name, "-"));
	set(b, o, "branches", sub);
	return o;
}

/*
 * The product tree: vendor > product_name > leaves, each vendor and product
 * in the order of its first appearance; numbers the leaves (aff_id,
 * fix_id) in tree order, one number per distinct leaf of a product.
 */
static json_t *product_tree(struct jb *b, struct prod *v, size_t n)
{
	json_t *tree = jobj(b), *vendors = jarr(b);
	unsigned char *seen_v = calloc(n ? n : 1, 2);
	unsigned char *seen_p = seen_v ? seen_v + n : NULL;
	int next = 1;
	size_t i, j, k, m;

	if (!seen_v) {
		b->oom = 1;
		json_decref(tree);
		json_decref(vendors);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		json_t *products;

		if (seen_v[i])
			continue;
		products = jarr(b);
		for (j = i; j < n; j++) {
			json_t *leaves;

			if (seen_v[j] || strcmp(v[j].vendor, v[i].vendor))
				continue;
			seen_v[j] = 1;
			if (seen_p[j])
				continue;
			leaves = jarr(b);
			for (k = j; k < n; k++) {
				if (seen_p[k] || strcmp(v[k].vendor, v[j].vendor) ||
				    strcmp(v[k].product, v[j].product))
					continue;
				seen_p[k] = 1;
				seen_v[k] = 1;
				/* the same range or fix of the product: one leaf */
				for (m = j; m < k && !v[k].aff_id; m++)
					if (v[m].aff_id && !strcmp(v[m].vendor, v[k].vendor) &&
					    !strcmp(v[m].product, v[k].product) &&
					    !strcmp(v[m].range, v[k].range))
						v[k].aff_id = v[m].aff_id;
				if (!v[k].aff_id) {
					v[k].aff_id = next++;
					push(b, leaves, leaf(b, "product_version_range", v[k].range,
							     v[k].range_full, v[k].aff_id));
				}
				if (!v[k].fix)
					continue;
				for (m = j; m < k && !v[k].fix_id; m++)
					if (v[m].fix_id && !strcmp(v[m].vendor, v[k].vendor) &&
					    !strcmp(v[m].product, v[k].product) &&
					    !strcmp(v[m].fix_cat, v[k].fix_cat) &&
					    !strcmp(v[m].fix, v[k].fix))
						v[k].fix_id = v[m].fix_id;
				if (!v[k].fix_id) {
					v[k].fix_id = next++;
					push(b, leaves, leaf(b, v[k].fix_cat, v[k].fix, v[k].fix_full,
							     v[k].fix_id));
				}
			}
			push(b, products, branch(b, "product_name", v[j].product, leaves));
		}
		push(b, vendors, branch(b, "vendor", v[i].vendor, products));
	}
	free(seen_v);
	set(b, tree, "branches", vendors);
	return tree;
}

/* The product ids of a kind (aff_id or fix_id), each once, ascending. */
static json_t *ids(struct jb *b, const struct prod *v, size_t n, int fixed)
{
	json_t *a = jarr(b);
	int want, max = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int id = fixed ? v[i].fix_id : v[i].aff_id;

		if (id > max)
			max = id;
	}
	for (want = 1; want <= max; want++)
		for (i = 0; i < n; i++)
			if ((fixed ? v[i].fix_id : v[i].aff_id) == want) {
				char pid[32];

				tlpress_prefixed_num(pid, sizeof(pid), "CSAFPID-", want, 4);
				push(b, a, jlit(b, pid));
				break;
			}
	return a;
}

static json_t *pid_list1(struct jb *b, int id)
{
	json_t *a = jarr(b);
	char pid[32];

	tlpress_prefixed_num(pid, sizeof(pid), "CSAFPID-", id, 4);
	push(b, a, jlit(b, pid));
	return a;
}

/* ---------------------------------------------------------------- document */

static json_t *note(struct jb *b, const char *cat, const char *title, json_t *text)
{
	json_t *o;

	if (!text)
		return NULL;
	o = jobj(b);
	set(b, o, "category", jlit(b, cat));
	if (title)
		set(b, o, "title", jtext(b, title, NULL));
	set(b, o, "text", text);
	return o;
}

static json_t *reference(struct jb *b, const char *cat, const char *summary, const char *url)
{
	json_t *u = jurl(b, url), *o;

	if (!u)
		return NULL;
	o = jobj(b);
	set(b, o, "category", jlit(b, cat));
	set(b, o, "summary", jtext(b, summary, url));
	set(b, o, "url", u);
	return o;
}

static int cve_valid(const char *s)
{
	size_t i, n;

	if (!s || strncmp(s, "CVE-", 4))
		return 0;
	for (i = 4; i < 8; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	if (s[8] != '-')
		return 0;
	n = strlen(s + 9);
	if (n < 4)
		return 0;
	for (i = 9; s[i]; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static json_t *cvss_v3(struct jb *b, const struct tlpress_cvss *c)
{
	static const char *const keys[8][2] = {
		{ "attackVector", "AV" }, { "attackComplexity", "AC" },
		{ "privilegesRequired", "PR" }, { "userInteraction", "UI" },
		{ "scope", "S" }, { "confidentialityImpact", "C" },
		{ "integrityImpact", "I" }, { "availabilityImpact", "A" },
	};
	json_t *o = jobj(b), *score;
	size_t i;

	set(b, o, "version", jlit(b, c->minor ? "3.1" : "3.0"));
	set(b, o, "vectorString", jlit(b, c->vector));
	score = json_real(c->score10 / 10.0);
	if (!score)
		b->oom = 1;
	set(b, o, "baseScore", score);
	set(b, o, "baseSeverity",
	    jlit(b, tlpress_cvss_severity_upper(tlpress_cvss_severity_of(c->score10))));
	for (i = 0; i < 8; i++) {
		const char *v = tlpress_cvss_value_name(c, keys[i][1]);

		if (!v) {
			json_decref(o);
			return NULL;
		}
		set(b, o, keys[i][0], jlit(b, v));
	}
	return o;
}

/* One vulnerability: cve may be NULL. */
static json_t *vulnerability(struct jb *b, const struct tlpress_rendition *r,
			     const struct words *w, const char *cve,
			     const struct prod *v, size_t n)
{
	const struct tlpress_advisory *a = r->adv;
	json_t *o = jobj(b), *notes = jarr(b), *st = jobj(b), *rem = jarr(b);
	struct tlpress_buf t = TLPRESS_BUF_INIT;
	size_t i;

	if (cve) {
		set(b, o, "cve", jlit(b, cve));
		tlpress_buf_printf(&t, "https://www.cve.org/CVERecord?id=%s", cve);
		{
			json_t *refs = jarr(b);

			push(b, refs, reference(b, "external", cve, t.ptr));
			set_list(b, o, "references", refs);
		}
	}
	for (i = 0; i < a->ncwes; i++) {
		json_t *c;

		if (!tlpress_cwe_schema_ok(a->cwes[i].id))
			continue;
		c = jobj(b);
		set(b, c, "id", jlit(b, a->cwes[i].id));
		set(b, c, "name", jtext(b, a->cwes[i].name, a->cwes[i].id));
		set(b, o, "cwe", c);
		break;
	}
	push(b, notes, note(b, "description", NULL,
			    jtext(b, r->summary && *r->summary ? r->summary : a->title, a->id)));
	if (a->ncwes > 1) {
		tlpress_buf_reset(&t);
		for (i = 0; i < a->ncwes; i++)
			tlpress_buf_printf(&t, "%s%s: %s", i ? "\n" : "", a->cwes[i].id,
					   a->cwes[i].name ? a->cwes[i].name : "");
		push(b, notes, note(b, "other", w->cwes, jtext(b, t.ptr, NULL)));
	}
	set_list(b, o, "notes", notes);
	set_list(b, st, "known_affected", ids(b, v, n, 0));
	set_list(b, st, "fixed", ids(b, v, n, 1));
	if (json_object_size(st))
		set(b, o, "product_status", st);
	else
		json_decref(st);
	/* one remediation per affected leaf and fix */
	for (i = 0; i < n; i++) {
		json_t *x;
		size_t m;
		int dup = 0;

		for (m = 0; m < i && !dup; m++)
			dup = v[m].aff_id == v[i].aff_id &&
			      ((!v[m].fixed_raw && !v[i].fixed_raw) ||
			       (v[m].fixed_raw && v[i].fixed_raw &&
				!strcmp(v[m].fixed_raw, v[i].fixed_raw)));
		if (dup)
			continue;
		x = jobj(b);
		tlpress_buf_reset(&t);
		if (v[i].fixed_raw) {
			set(b, x, "category", jlit(b, "vendor_fix"));
			tlpress_buf_printf(&t, w->fix, v[i].fixed_raw);
		} else {
			set(b, x, "category", jlit(b, "none_available"));
			tlpress_buf_adds(&t, w->nofix);
		}
		set(b, x, "details", jtext(b, t.ptr, "-"));
		set(b, x, "product_ids", pid_list1(b, v[i].aff_id));
		push(b, rem, x);
	}
	set_list(b, o, "remediations", rem);
	if (a->has_cvss && n) {
		json_t *scores = jarr(b), *s = jobj(b), *c = cvss_v3(b, &a->cvss);

		if (c) {
			set(b, s, "cvss_v3", c);
			set(b, s, "products", ids(b, v, n, 0));
			push(b, scores, s);
		} else {
			json_decref(s);
		}
		set_list(b, o, "scores", scores);
	}
	if (t.failed)
		b->oom = 1;
	tlpress_buf_release(&t);
	return o;
}

static const char *const severity_text[] = { "None", "Low", "Medium", "High", "Critical" };

static json_t *build_doc(struct jb *b, const struct tlpress_rendition *r,
			 enum tlpress_tlp label, const char *body, const char *self_path)
{
	const struct tlpress_advisory *a = r->adv;
	const struct tlpress_config *cfg = r->cfg;
	const struct tlpress_revision *cur = tlpress_advisory_current(a);
	const struct words *w = words_for(a->lang);
	json_t *root = jobj(b), *doc = jobj(b), *pub = jobj(b), *trk = jobj(b);
	json_t *dist = jobj(b), *tlp = jobj(b), *notes = jarr(b), *refs = jarr(b);
	json_t *hist = jarr(b), *gen = jobj(b), *eng = jobj(b);
	struct tlpress_buf u = TLPRESS_BUF_INIT;
	struct prod *prods = NULL;
	char when[48], num[24];
	size_t i;

	set(b, root, "document", doc);
	set(b, doc, "category", jlit(b, a->nproducts ? "csaf_security_advisory"
						     : "csaf_informational_advisory"));
	set(b, doc, "csaf_version", jlit(b, "2.0"));
	set(b, doc, "title", jtext(b, a->title, a->id));
	set(b, doc, "lang", jtext(b, a->lang, NULL));

	set(b, pub, "category", jtext(b, cfg->publisher.category, "coordinator"));
	set(b, pub, "name", jtext(b, cfg->publisher.name, "-"));
	set(b, pub, "namespace", jurl(b, cfg->publisher.namespace_url));
	set(b, pub, "contact_details", jtext(b, cfg->publisher.contact_details, NULL));
	set(b, pub, "issuing_authority", jtext(b, cfg->publisher.issuing_authority, NULL));
	set(b, doc, "publisher", pub);

	set(b, tlp, "label", jlit(b, tlpress_tlp_v1_name(label)));
	set(b, tlp, "url", jlit(b, TLP_URL));
	set(b, dist, "tlp", tlp);
	if (label == TLPRESS_TLP_AMBER_STRICT)
		set(b, dist, "text", jlit(b, "TLP:AMBER+STRICT: for the recipient's organization "
					  "only (TLP 2.0). CSAF 2.0 knows only the TLP 1.0 labels, "
					  "hence TLP:AMBER in distribution.tlp."));
	set(b, doc, "distribution", dist);

	if (a->has_severity && (unsigned)a->severity < 5) {
		json_t *sev = jobj(b);

		set(b, sev, "text", jlit(b, severity_text[a->severity]));
		set(b, doc, "aggregate_severity", sev);
	}

	push(b, notes, note(b, "summary", w->summary, jtext(b, r->summary, NULL)));
	push(b, notes, note(b, "details", w->details, jtext(b, body, NULL)));
	if (!json_array_size(notes))
		push(b, notes, note(b, "general", NULL, jtext(b, a->title, a->id)));
	set_list(b, doc, "notes", notes);

	tlpress_buf_printf(&u, "%s%s", cfg->site.url, self_path);
	push(b, refs, reference(b, "self", w->self, u.ptr));
	tlpress_buf_reset(&u);
	if (r->slug[0]) {
		tlpress_buf_printf(&u, "%sadvisories/%s.html", cfg->site.url, r->slug);
	} else {
		char slug[64];

		tlpress_advisory_slug(a, slug, sizeof(slug));
		tlpress_buf_printf(&u, "%sadvisories/%s.html", cfg->site.url, slug);
	}
	push(b, refs, reference(b, "external", w->page, u.ptr));
	for (i = 0; i < a->nrefs; i++)
		push(b, refs, reference(b, "external", a->refs[i].title, a->refs[i].url));
	if (!a->nproducts) {
		/* no vulnerabilities section: the CVEs as references */
		for (i = 0; i < a->ncves; i++) {
			if (!cve_valid(a->cves[i]))
				continue;
			tlpress_buf_reset(&u);
			tlpress_buf_printf(&u, "https://www.cve.org/CVERecord?id=%s", a->cves[i]);
			push(b, refs, reference(b, "external", a->cves[i], u.ptr));
		}
	}
	set_list(b, doc, "references", refs);

	set(b, trk, "id", jtext(b, a->id, NULL));
	snprintf(num, sizeof(num), "%d", cur->version);
	set(b, trk, "version", jlit(b, num));
	set(b, trk, "status", jlit(b, a->status == TLPRESS_STATUS_INTERIM ? "interim" :
				      a->status == TLPRESS_STATUS_DRAFT ? "draft" : "final"));
	utc(&a->revisions[0].date, when, sizeof(when));
	set(b, trk, "initial_release_date", jlit(b, when));
	utc(&cur->date, when, sizeof(when));
	set(b, trk, "current_release_date", jlit(b, when));
	set(b, eng, "name", jlit(b, "tlpress"));
	set(b, eng, "version", jlit(b, TLPRESS_VERSION));
	set(b, gen, "engine", eng);
	set(b, gen, "date", jlit(b, when));
	set(b, trk, "generator", gen);
	for (i = 0; i < a->nrevisions; i++) {
		const struct tlpress_revision *rv = &a->revisions[i];
		json_t *h = jobj(b);

		snprintf(num, sizeof(num), "%d", rv->version);
		set(b, h, "number", jlit(b, num));
		utc(&rv->date, when, sizeof(when));
		set(b, h, "date", jlit(b, when));
		set(b, h, "summary", jtext(b, rv->summary, num));
		push(b, hist, h);
	}
	set(b, trk, "revision_history", hist);
	set(b, doc, "tracking", trk);

	if (a->nproducts) {
		json_t *vulns = jarr(b);
		size_t nv = 0;

		prods = prods_make(a);
		if (!prods) {
			b->oom = 1;
			json_decref(vulns);
			goto out;
		}
		set(b, root, "product_tree", product_tree(b, prods, a->nproducts));
		for (i = 0; i < a->ncves; i++) {
			size_t k;
			int dup = 0;

			if (!cve_valid(a->cves[i]))
				continue;
			for (k = 0; k < i && !dup; k++)
				dup = !strcmp(a->cves[k], a->cves[i]);
			if (dup)
				continue;
			push(b, vulns, vulnerability(b, r, w, a->cves[i], prods, a->nproducts));
			nv++;
		}
		if (!nv)
			push(b, vulns, vulnerability(b, r, w, NULL, prods, a->nproducts));
		set(b, root, "vulnerabilities", vulns);
	}
out:
	if (u.failed)
		b->oom = 1;
	tlpress_buf_release(&u);
	prods_free(prods, a->nproducts);
	return root;
}

int tlpress_csaf_render(const struct tlpress_rendition *r, struct tlpress_buf *out,
			struct tlpress_error *err)
{
	const struct tlpress_advisory *a = r ? r->adv : NULL;
	struct tlpress_buf body = TLPRESS_BUF_INIT, path = TLPRESS_BUF_INIT;
	struct tlpress_buf self = TLPRESS_BUF_INIT;
	struct jb b = { 0, TLPRESS_BUF_INIT };
	struct tlpress_jarena arena;
	enum tlpress_tlp label;
	json_t *root = NULL;
	size_t len0 = out ? out->len : 0;
	int rc = 0, wrong;

	if (!a || !r->cfg || !out)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "csaf: no advisory to render");
	if (a->flags & TLPRESS_PARSE_FRONT_ONLY)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "%s: parsed without its body: "
					 "cannot render CSAF", a->path ? a->path : "advisory");
	if (a->nerrors || !a->nrevisions || !a->id || !a->title)
		return tlpress_error_set(err, TLPRESS_EINVAL, "%s: the advisory has errors: "
					 "no CSAF document", a->path ? a->path : "advisory");
	label = doc_label(r);
	if (!tlpress_policy_cleared(tlpress_tlp_max(r->base, label), r->clearance))
		return tlpress_error_set(err, TLPRESS_EPOLICY, "%s: labelled %s, above the "
					 "clearance %s: no CSAF document", a->id,
					 tlpress_tlp_label(tlpress_tlp_max(r->base, label)),
					 tlpress_tlp_label(r->clearance));
	if (!r->cfg->site.url || uri_encode(r->cfg->site.url, &self))
		return tlpress_error_set(err, TLPRESS_EINVAL, "'site.url' is not a URI: "
					 "cannot write the CSAF document's own URL; set it in "
					 "tlpress.yml to the https:// address of the site");

	if (r->body_markdown)
		rc = tlpress_buf_adds(&body, r->body_markdown) < 0 || body.failed ? TLPRESS_ENOMEM : 0;
	else
		rc = tlpress_body_render(a, r->base, r->clearance, TLPRESS_BODY_MARKDOWN, &body,
					 NULL);
	if (rc) {
		tlpress_error_set(err, rc, "%s: cannot render the body", a->id);
		goto done;
	}
	tlpress_csaf_path(r, &path);
	if (path.failed) {
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		goto done;
	}
	/* the tree lives in an arena: made, written and dropped at once */
	tlpress_jarena_begin(&arena);
	root = build_doc(&b, r, label, body.ptr, path.ptr);
	wrong = b.oom || b.tmp.failed || arena.failed || tlpress_json_write(root, 2, 0, out);
	tlpress_jarena_end(&arena);
	root = NULL;
	if (wrong) {
		tlpress_buf_truncate(out, len0 <= out->len ? len0 : out->len);
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "%s: out of memory while writing "
				       "the CSAF document", a->id);
		goto done;
	}
	tlpress_buf_addch(out, '\n');
	if (out->failed) {
		tlpress_buf_truncate(out, len0 <= out->len ? len0 : out->len);
		rc = tlpress_error_set(err, TLPRESS_ELIMIT, "%s: the CSAF document is too large",
				       a->id);
	}
done:
	json_decref(root);
	tlpress_buf_release(&b.tmp);
	tlpress_buf_release(&body);
	tlpress_buf_release(&path);
	tlpress_buf_release(&self);
	return rc;
}

const struct tlpress_renderer tlpress_render_csaf = {
	"csaf",
	tlpress_csaf_path,
	tlpress_csaf_render,
};

/* ---------------------------------------------------------------- provider */

struct pv {
	const struct tlpress_config *cfg;
	tlpress_emit_fn emit;
	void *ctx;
	struct tlpress_error *err;
	struct jb b;
};

static int cmp_path(const void *pa, const void *pb)
{
	const struct tlpress_csaf_entry *a = *(const struct tlpress_csaf_entry *const *)pa;
	const struct tlpress_csaf_entry *b = *(const struct tlpress_csaf_entry *const *)pb;

	return strcmp(a->path, b->path);
}

/* latest first; then by path */
static int cmp_newest(const void *pa, const void *pb)
{
	const struct tlpress_csaf_entry *a = *(const struct tlpress_csaf_entry *const *)pa;
	const struct tlpress_csaf_entry *b = *(const struct tlpress_csaf_entry *const *)pb;
	int c = tlpress_time_cmp(&b->current, &a->current);

	return c ? c : strcmp(a->path, b->path);
}

static int emit_buf(struct pv *p, const char *rel, struct tlpress_buf *data)
{
	if (data->failed)
		return tlpress_error_set(p->err, TLPRESS_ENOMEM, "out of memory writing '%s'", rel);
	return p->emit(p->ctx, rel, data->ptr, data->len);
}

static int emit_json(struct pv *p, const char *rel, json_t *root)
{
	struct tlpress_buf d = TLPRESS_BUF_INIT;
	int rc;

	if (p->b.oom || p->b.tmp.failed || tlpress_json_write(root, 2, 0, &d))
		d.failed = 1;
	json_decref(root);
	tlpress_buf_addch(&d, '\n');
	rc = emit_buf(p, rel, &d);
	tlpress_buf_release(&d);
	return rc;
}

static json_t *rolie_link(struct jb *b, const char *rel, const char *href)
{
	json_t *o = jobj(b);

	set(b, o, "rel", jlit(b, rel));
	set(b, o, "href", jurl(b, href));
	return o;
}

/*
 * A ROLIE entry written straight into out, as tlpress_json_write() would
 * write the json_t of it (an indent of 2, the keys sorted, three levels
 * in): building and freeing the 16 values of each of 10,000 entries was
 * most of the CSAF listings' time. A value that is none (an id or title
 * cleaned to nothing, a URL that is not one) leaves its member out, as
 * set() does.
 */
static void jw_line(struct tlpress_buf *out, int depth)
{
	static const char spaces[] = "                ";

	tlpress_buf_addch(out, '\n');
	tlpress_buf_add(out, spaces, (size_t)(2 * depth));
}

/* the key of the next member at depth, after a comma unless it is the
 * first (*n counts them) */
static void jw_key(struct tlpress_buf *out, int depth, int *n, const char *key)
{
	if ((*n)++)
		tlpress_buf_addch(out, ',');
	jw_line(out, depth);
	tlpress_json_string(out, key, strlen(key));
	tlpress_buf_add(out, ": ", 2);
}

static void jw_str(struct tlpress_buf *out, int depth, int *n, const char *key, const char *v)
{
	jw_key(out, depth, n, key);
	tlpress_json_string(out, v, strlen(v));
}

/* jtext()'s value, or no member */
static void jw_text(struct jb *b, struct tlpress_buf *out, int depth, int *n, const char *key,
		    const char *s, const char *fallback)
{
	if (text_of(b, s, fallback))
		return;
	jw_key(out, depth, n, key);
	tlpress_json_string(out, b->tmp.ptr, b->tmp.len);
}

/* jurl()'s value, or no member */
static void jw_url(struct jb *b, struct tlpress_buf *out, int depth, int *n, const char *key,
		   const char *s)
{
	tlpress_buf_reset(&b->tmp);
	if (uri_encode(s, &b->tmp))
		return;
	if (b->tmp.failed) {
		b->oom = 1;
		return;
	}
	jw_key(out, depth, n, key);
	tlpress_json_string(out, b->tmp.ptr, b->tmp.len);
}

static void rolie_entry(struct pv *p, const struct tlpress_csaf_entry *e, int signed_tree,
			struct tlpress_buf *out, struct tlpress_buf *url)
{
	static const char *const ext[] = { "", ".sha256", ".sha512", ".asc" };
	static const char *const rels[] = { "self", "hash", "hash", "signature" };
	struct jb *b = &p->b;
	char when[48];
	int n = 0, m = 0, links = 0, k;

	tlpress_buf_addch(out, '{');
	jw_key(out, 4, &n, "content");
	tlpress_buf_addch(out, '{');
	tlpress_buf_reset(url);
	tlpress_buf_printf(url, "%s%s", p->cfg->site.url, e->path);
	jw_url(b, out, 5, &m, "src", url->ptr);
	jw_str(out, 5, &m, "type", "application/json");
	jw_line(out, 4);
	tlpress_buf_addch(out, '}');
	jw_key(out, 4, &n, "format");
	tlpress_buf_addch(out, '{');
	m = 0;
	jw_str(out, 5, &m, "schema", CSAF_SCHEMA_URL);
	jw_str(out, 5, &m, "version", "2.0");
	jw_line(out, 4);
	tlpress_buf_addch(out, '}');
	jw_text(b, out, 4, &n, "id", e->id, NULL);
	jw_key(out, 4, &n, "link");
	tlpress_buf_addch(out, '[');
	for (k = 0; k < 4; k++) {
		if (k == 3 && !signed_tree)
			continue;
		if (links++)
			tlpress_buf_addch(out, ',');
		jw_line(out, 5);
		tlpress_buf_addch(out, '{');
		m = 0;
		tlpress_buf_reset(url);
		tlpress_buf_printf(url, "%s%s%s", p->cfg->site.url, e->path, ext[k]);
		jw_url(b, out, 6, &m, "href", url->ptr);
		jw_str(out, 6, &m, "rel", rels[k]);
		jw_line(out, 5);
		tlpress_buf_addch(out, '}');
	}
	jw_line(out, 4);
	tlpress_buf_addch(out, ']');
	utc(&e->initial, when, sizeof(when));
	jw_str(out, 4, &n, "published", when);
	jw_text(b, out, 4, &n, "title", e->title, e->id);
	utc(&e->current, when, sizeof(when));
	jw_str(out, 4, &n, "updated", when);
	jw_line(out, 3);
	tlpress_buf_addch(out, '}');
	if (url->failed)
		b->oom = 1;
}

/* The files of one folder; e[0..n) are its entries. */
static int folder_files(struct pv *p, const char *folder, const char *tlp1,
			const struct tlpress_csaf_entry **e, size_t n, int signed_tree,
			const struct tlpress_time *latest_all)
{
	struct jb *b = &p->b;
	struct tlpress_buf rel = TLPRESS_BUF_INIT, data = TLPRESS_BUF_INIT;
	struct tlpress_buf url = TLPRESS_BUF_INIT, base = TLPRESS_BUF_INIT;
	size_t plen = strlen(TLPRESS_CSAF_ROOT) + strlen(folder) + 1, i;
	struct tlpress_time latest = *latest_all;
	json_t *root, *feed, *list, *o;
	char hex[2 * TLPRESS_SHA512_LEN + 1], when[48];
	int rc = 0;

	tlpress_buf_printf(&base, "%s" TLPRESS_CSAF_ROOT "%s/", p->cfg->site.url, folder);
	/* hash files, unless the build wrote them with the documents */
	qsort(e, n, sizeof(*e), cmp_path);
	for (i = 0; i < n && !rc; i++) {
		const char *name = strrchr(e[i]->path, '/') + 1;
		int k;

		for (k = 0; k < 2 && !rc && !e[i]->hashes_written; k++) {
			tlpress_buf_reset(&rel);
			tlpress_buf_reset(&data);
			tlpress_buf_printf(&rel, "%s.%s", e[i]->path, k ? "sha512" : "sha256");
			if (k)
				tlpress_hex(e[i]->sha512, TLPRESS_SHA512_LEN, hex);
			else
				tlpress_hex(e[i]->sha256, TLPRESS_SHA256_LEN, hex);
			tlpress_buf_printf(&data, "%s  %s\n", hex, name);
			rc = emit_buf(p, rel.ptr, &data);
		}
	}
	if (rc)
		goto out;
	/* index.txt: sorted by path */
	tlpress_buf_reset(&data);
	for (i = 0; i < n; i++)
		tlpress_buf_printf(&data, "%s\n", e[i]->path + plen);
	tlpress_buf_reset(&rel);
	tlpress_buf_printf(&rel, TLPRESS_CSAF_ROOT "%s/" TLPRESS_CSAF_INDEX, folder);
	rc = emit_buf(p, rel.ptr, &data);
	if (rc)
		goto out;
	/* changes.csv: latest first */
	qsort(e, n, sizeof(*e), cmp_newest);
	tlpress_buf_reset(&data);
	for (i = 0; i < n; i++) {
		utc(&e[i]->current, when, sizeof(when));
		tlpress_buf_printf(&data, "\"%s\",\"%s\"\n", e[i]->path + plen, when);
	}
	tlpress_buf_reset(&rel);
	tlpress_buf_printf(&rel, TLPRESS_CSAF_ROOT "%s/" TLPRESS_CSAF_CHANGES, folder);
	rc = emit_buf(p, rel.ptr, &data);
	if (rc)
		goto out;
	/* the ROLIE feed, newest first */
	if (n)
		latest = e[0]->current;
	root = jobj(b);
	feed = jobj(b);
	tlpress_buf_reset(&data);
	tlpress_buf_printf(&data, FEED_PREFIX "%s", folder);
	set(b, feed, "id", jlit(b, data.ptr));
	tlpress_buf_reset(&data);
	tlpress_buf_printf(&data, "%s CSAF feed (TLP:%s)", p->cfg->publisher.name, tlp1);
	set(b, feed, "title", jtext(b, data.ptr, "CSAF feed"));
	tlpress_buf_reset(&url);
	tlpress_buf_printf(&url, "%s" FEED_PREFIX "%s.json", base.ptr, folder);
	list = jarr(b);
	push(b, list, rolie_link(b, "self", url.ptr));
	set(b, feed, "link", list);
	list = jarr(b);
	o = jobj(b);
	set(b, o, "scheme", jlit(b, ROLIE_SCHEME));
	set(b, o, "term", jlit(b, "csaf"));
	push(b, list, o);
	set(b, feed, "category", list);
	utc(&latest, when, sizeof(when));
	set(b, feed, "updated", jlit(b, when));
	/* the entries are written one at a time into the text of the feed,
	 * in the place of a marker: the tree of a feed of ten thousand
	 * entries would take tens of megabytes */
	set(b, feed, "entry", jlit(b, ENTRY_MARKER));
	set(b, root, "feed", feed);
	tlpress_buf_reset(&rel);
	tlpress_buf_printf(&rel, TLPRESS_CSAF_ROOT "%s/" FEED_PREFIX "%s.json", folder, folder);
	if (rel.failed || url.failed || base.failed || data.failed)
		b->oom = 1;
	{
		struct tlpress_buf head = TLPRESS_BUF_INIT;
		const char *text, *mark = NULL;

		if (!b->oom && !tlpress_json_write(root, 2, 0, &head) && !head.failed)
			mark = strstr(head.ptr, ENTRY_KEY "\"" ENTRY_MARKER "\"");
		json_decref(root);
		if (!mark) {
			tlpress_buf_release(&head);
			rc = tlpress_error_set(p->err, TLPRESS_ENOMEM, "out of memory writing '%s'",
					       rel.ptr);
			goto out;
		}
		text = head.ptr;
		tlpress_buf_reset(&data);
		tlpress_buf_add(&data, text, (size_t)(mark - text) + strlen(ENTRY_KEY));
		tlpress_buf_adds(&data, n ? "[" : "[]");
		for (i = 0; i < n && !b->oom; i++) {
			/* as it stands in the feed: three levels in */
			tlpress_buf_adds(&data, i ? ",\n" ENTRY_INDENT : "\n" ENTRY_INDENT);
			rolie_entry(p, e[i], signed_tree, &data, &url);
		}
		if (n)
			tlpress_buf_adds(&data, "\n    ]");
		tlpress_buf_adds(&data, mark + strlen(ENTRY_KEY "\"" ENTRY_MARKER "\""));
		tlpress_buf_addch(&data, '\n');
		tlpress_buf_release(&head);
		if (b->oom)
			data.failed = 1;
		rc = emit_buf(p, rel.ptr, &data);
	}
out:
	tlpress_buf_release(&rel);
	tlpress_buf_release(&data);
	tlpress_buf_release(&url);
	tlpress_buf_release(&base);
	return rc;
}

/* security.txt's Contact: a URI; a bare e-mail address gets mailto:. */
static int security_txt(struct pv *p, const struct tlpress_time *latest)
{
	const char *contact = p->cfg->site.security_txt;
	struct tlpress_buf d = TLPRESS_BUF_INIT, u = TLPRESS_BUF_INIT;
	struct tlpress_time exp = *latest;
	const char *s;
	char when[48];
	int rc;

	for (s = contact; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return tlpress_error_set(p->err, TLPRESS_EINVAL, "'site.security_txt' "
						 "holds a line break or control character; write it "
						 "on one line in tlpress.yml");
	while (*contact == ' ')
		contact++;
	if (!*contact)
		return tlpress_error_set(p->err, TLPRESS_EINVAL, "'site.security_txt' is empty; "
					 "give an https:// URL or a mail address, or remove the key");
	tlpress_buf_adds(&d, "Contact: ");
	if (!strncasecmp(contact, "https://", 8) || !strncasecmp(contact, "http://", 7)) {
		if (uri_encode(contact, &d)) {
			tlpress_buf_release(&d);
			return tlpress_error_set(p->err, TLPRESS_EINVAL, "'site.security_txt': "
						 "'%.80s' is not a URI; write it as an https:// "
						 "URL or a mail address", contact);
		}
	} else {
		if (!strchr(contact, ':'))
			tlpress_buf_adds(&d, "mailto:");
		pct_encode(contact, strlen(contact), ":@/?#", &d);
	}
	tlpress_buf_addch(&d, '\n');
	/* RFC 9116 wants Expires less than a year ahead: a year after the
	 * latest advisory, so that no clock is read */
	exp.t += 365 * 86400;
	exp.offset = 0;
	utc(&exp, when, sizeof(when));
	tlpress_buf_printf(&d, "Expires: %s\n", when);
	uri_encode(p->cfg->site.url, &u);
	tlpress_buf_printf(&d, "CSAF: %s" TLPRESS_CSAF_PROVIDER_METADATA "\n", u.ptr);
	tlpress_buf_printf(&d, "Canonical: %s" TLPRESS_CSAF_SECURITY_TXT "\n", u.ptr);
	if (u.failed)
		d.failed = 1;
	rc = emit_buf(p, TLPRESS_CSAF_SECURITY_TXT, &d);
	tlpress_buf_release(&d);
	tlpress_buf_release(&u);
	return rc;
}

void tlpress_csaf_hash_text(const char *path, const unsigned char *digest, size_t len,
			    struct tlpress_buf *out)
{
	char hex[2 * TLPRESS_SHA512_LEN + 1];
	const char *name = strrchr(path, '/');

	tlpress_hex(digest, len > TLPRESS_SHA512_LEN ? TLPRESS_SHA512_LEN : len, hex);
	tlpress_buf_printf(out, "%s  %s\n", hex, name ? name + 1 : path);
}

int tlpress_csaf_provider_files(const struct tlpress_config *cfg, enum tlpress_tlp clearance,
				const struct tlpress_csaf_entry *v, size_t n, const char *signer_fpr,
				tlpress_emit_fn emit, void *ctx, struct tlpress_error *err)
{
	int signed_tree = signer_fpr != NULL;
	static const enum tlpress_tlp order[] = { TLPRESS_TLP_CLEAR, TLPRESS_TLP_GREEN,
						  TLPRESS_TLP_AMBER, TLPRESS_TLP_RED };
	struct pv p = { cfg, emit, ctx, err, { 0, TLPRESS_BUF_INIT } };
	struct tlpress_buf s = TLPRESS_BUF_INIT, site = TLPRESS_BUF_INIT;
	const struct tlpress_csaf_entry **e = NULL;
	struct tlpress_time latest = { 0, 0, 1 };
	json_t *root = NULL, *feeds = NULL;
	size_t i, k;
	int rc = 0;

	if (!cfg || !emit || (n && !v))
		return tlpress_error_set(err, TLPRESS_EUSAGE, "csaf: nothing to write");
	if (!cfg->site.url || uri_encode(cfg->site.url, &site)) {
		tlpress_buf_release(&site);
		return tlpress_error_set(err, TLPRESS_EINVAL, "'site.url' is not a URI: "
					 "cannot write the CSAF provider files; set it in "
					 "tlpress.yml to the https:// address of the site");
	}
	for (i = 0; i < n; i++) {
		const char *f = tlpress_csaf_folder(v[i].label);
		size_t fl = strlen(f), rl = strlen(TLPRESS_CSAF_ROOT);

		if (!tlpress_policy_cleared(v[i].label, clearance)) {
			rc = tlpress_error_set(err, TLPRESS_EPOLICY, "CSAF document %s is labelled "
					       "%s, above the tree's clearance %s",
					       v[i].id ? v[i].id : "?",
					       tlpress_tlp_label(v[i].label),
					       tlpress_tlp_label(clearance));
			goto out;
		}
		if (!v[i].id || !v[i].path || strncmp(v[i].path, TLPRESS_CSAF_ROOT, rl) ||
		    strncmp(v[i].path + rl, f, fl) || v[i].path[rl + fl] != '/' ||
		    !strchr(v[i].path + rl + fl + 1, '/')) {
			rc = tlpress_error_set(err, TLPRESS_EINVAL, "CSAF document %s: its path "
					       "'%s' is not in the folder %s/<year>/ of its label",
					       v[i].id ? v[i].id : "?", v[i].path ? v[i].path : "",
					       f);
			goto out;
		}
		if (tlpress_time_cmp(&v[i].current, &latest) > 0)
			latest = v[i].current;
	}
	e = calloc(n ? n : 1, sizeof(*e));
	feeds = jarr(&p.b);
	if (!e) {
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		goto out;
	}
	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		const char *f = tlpress_csaf_folder(order[k]);
		const char *tlp1 = tlpress_tlp_v1_name(order[k]);
		size_t m = 0;
		json_t *fd;
		int present = tlpress_policy_cleared(order[k], clearance);

		for (i = 0; i < n; i++)
			if (!strcmp(tlpress_csaf_folder(v[i].label), f))
				e[m++] = &v[i];
		if (!present && !m)
			continue;
		rc = folder_files(&p, f, tlp1, e, m, signed_tree, &latest);
		if (rc)
			goto out;
		fd = jobj(&p.b);
		tlpress_buf_reset(&s);
		tlpress_buf_printf(&s, "%s" TLPRESS_CSAF_ROOT "%s/" FEED_PREFIX "%s.json",
				   site.ptr, f, f);
		set(&p.b, fd, "url", jurl(&p.b, s.ptr));
		set(&p.b, fd, "tlp_label", jlit(&p.b, tlp1));
		tlpress_buf_reset(&s);
		tlpress_buf_printf(&s, "All TLP:%s%s advisories of %s.", tlp1,
				   order[k] == TLPRESS_TLP_CLEAR ? " (TLP:CLEAR)" :
				   order[k] == TLPRESS_TLP_AMBER ? " (TLP:AMBER and TLP:AMBER+STRICT)" :
				   "", cfg->publisher.name ? cfg->publisher.name : "-");
		set(&p.b, fd, "summary", jtext(&p.b, s.ptr, NULL));
		push(&p.b, feeds, fd);
	}
	/* provider-metadata.json */
	{
		json_t *pub = jobj(&p.b), *dist = jarr(&p.b), *rolie = jobj(&p.b);
		json_t *d1 = jobj(&p.b);
		char when[48];

		root = jobj(&p.b);
		tlpress_buf_reset(&s);
		tlpress_buf_printf(&s, "%s" TLPRESS_CSAF_PROVIDER_METADATA, site.ptr);
		set(&p.b, root, "canonical_url", jurl(&p.b, s.ptr));
		if (json_array_size(feeds)) {
			set(&p.b, rolie, "feeds", feeds);
			feeds = NULL;
			set(&p.b, d1, "rolie", rolie);
			push(&p.b, dist, d1);
			set(&p.b, root, "distributions", dist);
		} else {
			json_decref(rolie);
			json_decref(d1);
			json_decref(dist);
		}
		utc(&latest, when, sizeof(when));
		set(&p.b, root, "last_updated", jlit(&p.b, when));
		set(&p.b, root, "list_on_CSAF_aggregators",
		    json_boolean(clearance == TLPRESS_TLP_CLEAR));
		set(&p.b, root, "mirror_on_CSAF_aggregators",
		    json_boolean(clearance == TLPRESS_TLP_CLEAR));
		set(&p.b, root, "metadata_version", jlit(&p.b, "2.0"));
		set(&p.b, pub, "category", jtext(&p.b, cfg->publisher.category, "coordinator"));
		set(&p.b, pub, "name", jtext(&p.b, cfg->publisher.name, "-"));
		set(&p.b, pub, "namespace", jurl(&p.b, cfg->publisher.namespace_url));
		set(&p.b, pub, "contact_details", jtext(&p.b, cfg->publisher.contact_details, NULL));
		set(&p.b, pub, "issuing_authority",
		    jtext(&p.b, cfg->publisher.issuing_authority, NULL));
		set(&p.b, root, "publisher", pub);
		if (signed_tree) {
			/* the key that signs every file, as openpgp/<FPR>.asc */
			json_t *keys = jarr(&p.b), *k1 = jobj(&p.b);

			set(&p.b, k1, "fingerprint", jlit(&p.b, signer_fpr));
			tlpress_buf_reset(&s);
			tlpress_buf_printf(&s, "%sopenpgp/%s.asc", site.ptr, signer_fpr);
			set(&p.b, k1, "url", jurl(&p.b, s.ptr));
			push(&p.b, keys, k1);
			set(&p.b, root, "public_openpgp_keys", keys);
		}
		set(&p.b, root, "role", jlit(&p.b, signed_tree ? "csaf_trusted_provider"
								: "csaf_provider"));
		if (s.failed)
			p.b.oom = 1;
		rc = emit_json(&p, TLPRESS_CSAF_PROVIDER_METADATA, root);
		root = NULL;
		if (rc)
			goto out;
	}
	if (cfg->site.security_txt)
		rc = security_txt(&p, &latest);
out:
	json_decref(root);
	json_decref(feeds);
	free(e);
	tlpress_buf_release(&p.b.tmp);
	tlpress_buf_release(&s);
	tlpress_buf_release(&site);
	return rc;
}
