/*
 * test_csaf.c - the CSAF 2.0 rendition and the provider files
 *
 * Every sample advisory is rendered for every clearance its label allows,
 * as the tree of that clearance would hold it, and checked in C: category,
 * TLP mapping (CLEAR -> WHITE, AMBER+STRICT -> AMBER with the text), the
 * score against the model (and against the CVRF and the HTML page of the
 * same rendition), the cut, determinism. A hostile advisory (every
 * free-text field holding quotes, backslashes, "</script>", U+202E,
 * control characters, bytes that are not UTF-8) must still give JSON that
 * jansson reads back. Each tree also gets its provider files.
 *
 * The trees are written under $TLPRESS_CSAF_OUT (default build/test-csaf,
 * build/asan/test-csaf for the sanitized binary), one folder per clearance
 * (clear/, green/, amber/, amber-strict/, red/) and hostile/, so that
 * tests/cli/0040-csaf-validate.t can run the CSAF validator over them.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory.h"
#include "buf.h"
#include "config.h"
#include "csaf.h"
#include "cvrf.h"
#include "cvss.h"
#include "fsutil.h"
#include "hash.h"
#include "jsonout.h"
#include "policy.h"
#include "rendition.h"
#include "scan.h"
#include "template.h"

#include "harness.h"

#define TEST_FPR "0123456789ABCDEF0123456789ABCDEF01234567"

#if defined(__SANITIZE_ADDRESS__)
#define DEFAULT_OUT "build/asan/test-csaf"
#else
#define DEFAULT_OUT "build/test-csaf"
#endif

#define NOW "2026-11-28T12:00:00Z"

struct tree {
	enum tlpress_tlp clearance;
	char dir[512];
	struct tlpress_csaf_entry *v;
	char **paths, **ids, **titles;
	size_t n, cap;
};

static const char *outdir;

static struct tlpress_config cfg;

static struct tlpress_tmplset *tmpl;  /* templates/, for the HTML page */

/* ------------------------------------------------------------ helpers */

static json_t *get(json_t *o, const char *path)
{
	char key[128];
	const char *p = path;

	while (o && *p) {
		size_t n = strcspn(p, "/");

		snprintf(key, sizeof(key), "%.*s", (int)n, p);
		if (json_is_array(o))
			o = json_array_get(o, (size_t)atoi(key));
		else
			o = json_object_get(o, key);
		p += n;
		if (*p == '/')
			p++;
	}
	return o;
}

static const char *gets_(json_t *o, const char *path)
{
	return json_string_value(get(o, path));
}

/* 1 when some string anywhere in j holds s */
static int any_string_has(json_t *j, const char *s)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_string(j))
		return strstr(json_string_value(j), s) != NULL;
	if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if (any_string_has(v, s))
				return 1;
	}
	if (json_is_object(j)) {
		json_object_foreach(j, k, v)
			if (strstr(k, s) || any_string_has(v, s))
				return 1;
	}
	return 0;
}

/* 1 when a string in j holds a byte tlpress_text_clean() drops */
static int any_bad_char(json_t *j)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_string(j)) {
		const unsigned char *s = (const unsigned char *)json_string_value(j);
		size_t n = json_string_length(j);

		for (i = 0; i < n; i++) {
			if (s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
				return 1;
			if (i + 2 < n && s[i] == 0xE2 && s[i + 1] == 0x80 &&
			    s[i + 2] >= 0xAA && s[i + 2] <= 0xAE)
				return 1;
			if (i + 2 < n && s[i] == 0xE2 && s[i + 1] == 0x81 &&
			    s[i + 2] >= 0xA6 && s[i + 2] <= 0xA9)
				return 1;
		}
		return 0;
	}
	if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if (any_bad_char(v))
				return 1;
	}
	if (json_is_object(j)) {
		json_object_foreach(j, k, v)
			if (any_bad_char(v))
				return 1;
	}
	return 0;
}

static void tree_init(struct tree *t, enum tlpress_tlp c, const char *name)
{
	memset(t, 0, sizeof(*t));
	t->clearance = c;
	snprintf(t->dir, sizeof(t->dir), "%s/%s", outdir, name);
}

static void tree_add(struct tree *t, const char *path, const struct tlpress_advisory *a,
		     enum tlpress_tlp label, const struct tlpress_buf *doc)
{
	struct tlpress_csaf_entry *e;

	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->v = realloc(t->v, t->cap * sizeof(*t->v));
		t->paths = realloc(t->paths, t->cap * sizeof(char *));
		t->ids = realloc(t->ids, t->cap * sizeof(char *));
		t->titles = realloc(t->titles, t->cap * sizeof(char *));
	}
	e = &t->v[t->n];
	memset(e, 0, sizeof(*e));
	t->paths[t->n] = strdup(path);
	t->ids[t->n] = strdup(a->id);
	t->titles[t->n] = strdup(a->title);
	e->path = t->paths[t->n];
	e->id = t->ids[t->n];
	e->title = t->titles[t->n];
	e->label = label;
	e->initial = a->revisions[0].date;
	e->current = tlpress_advisory_current(a)->date;
	tlpress_sha256(doc->ptr, doc->len, e->sha256);
	tlpress_sha512(doc->ptr, doc->len, e->sha512);
	t->n++;
}

static void tree_release(struct tree *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->paths[i]);
		free(t->ids[i]);
		free(t->titles[i]);
	}
	free(t->v);
	free(t->paths);
	free(t->ids);
	free(t->titles);
}

static int write_to(const char *root, const char *rel, const void *data, size_t len)
{
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	int rc = tlpress_mkroot(root, &err);

	if (!rc)
		rc = tlpress_write_atomic(root, rel, data, len, &err);
	if (rc)
		DIAG("cannot write %s/%s: %s", root, rel, err.msg);
	return rc;
}

/* emit callbacks */
static int emit_tree(void *ctx, const char *rel, const void *data, size_t len)
{
	const struct tree *t = ctx;

	return write_to(t->dir, rel, data, len);
}

struct mem_files {
	char *rel[64];
	char *data[64];
	size_t n;
};

static int emit_mem(void *ctx, const char *rel, const void *data, size_t len)
{
	struct mem_files *m = ctx;

	if (m->n == 64)
		return -100;
	m->rel[m->n] = strdup(rel);
	m->data[m->n] = malloc(len + 1);
	memcpy(m->data[m->n], data, len);
	m->data[m->n][len] = '\0';
	m->n++;
	return 0;
}

static void mem_release(struct mem_files *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->rel[i]);
		free(m->data[i]);
	}
	m->n = 0;
}

static const char *mem_find(const struct mem_files *m, const char *rel)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!strcmp(m->rel[i], rel))
			return m->data[i];
	return NULL;
}

static void rendition_init(struct tlpress_rendition *r, const struct tlpress_advisory *a,
			   enum tlpress_tlp base, enum tlpress_tlp clearance,
			   struct tlpress_buf *sum)
{
	struct tlpress_cut cut;
	struct tlpress_buf body = TLPRESS_BUF_INIT;

	memset(r, 0, sizeof(*r));
	r->adv = a;
	r->cfg = &cfg;
	r->tmpl = tmpl;
	r->clearance = clearance;
	r->base = base;
	tlpress_body_render(a, base, clearance, TLPRESS_BODY_HTML, &body, &cut);
	tlpress_buf_release(&body);
	r->label = cut.label;
	r->body_html = "<p>NOT-USED-BY-CSAF</p>";
	tlpress_buf_reset(sum);
	tlpress_summary_render(a, sum);
	r->summary = sum->ptr;
	tlpress_advisory_slug(a, r->slug, sizeof(r->slug));
}

/* ------------------------------------------------------------ one document */

/* Render, check and add to the tree. */
static void check_doc(struct tree *t, const struct tlpress_advisory *a, enum tlpress_tlp base)
{
	struct tlpress_rendition r;
	struct tlpress_buf sum = TLPRESS_BUF_INIT, out = TLPRESS_BUF_INIT;
	struct tlpress_buf again = TLPRESS_BUF_INIT, path = TLPRESS_BUF_INIT;
	struct tlpress_buf want = TLPRESS_BUF_INIT;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	enum tlpress_tlp label;
	json_error_t jerr;
	json_t *j, *v;
	const char *cs = tlpress_tlp_name(t->clearance);
	char when[48];
	size_t i;
	int rc;

	rendition_init(&r, a, base, t->clearance, &sum);
	label = tlpress_tlp_max(r.label,
				tlpress_policy_rendition_label(a, base, t->clearance));
	rc = tlpress_csaf_render(&r, &out, &err);
	INT_EQ(rc, 0, "%s at %s: rendered", a->id, cs);
	if (rc) {
		DIAG("%s", err.msg);
		goto done;
	}
	rc = tlpress_csaf_render(&r, &again, &err);
	OK(!rc && again.len == out.len && !memcmp(again.ptr, out.ptr, out.len),
	   "%s at %s: rendering twice gives the same bytes", a->id, cs);
	tlpress_csaf_path(&r, &path);
	tlpress_buf_printf(&want, ".well-known/csaf/%s/", tlpress_csaf_folder(label));
	OK(!strncmp(path.ptr, want.ptr, want.len), "%s at %s: %s is in %s", a->id, cs,
	   path.ptr, want.ptr);
	tlpress_buf_reset(&want);
	tlpress_buf_printf(&want, "/%s.json", r.slug);
	OK(path.len > want.len && !strcmp(path.ptr + path.len - want.len, want.ptr),
	   "%s at %s: the file name is the id in lower case", a->id, cs);

	j = json_loadb(out.ptr, out.len, 0, &jerr);
	OK(j != NULL, "%s at %s: jansson reads the JSON back", a->id, cs);
	if (!j) {
		DIAG("%s at line %d", jerr.text, jerr.line);
		goto done;
	}
	STR_EQ(gets_(j, "document/csaf_version"), "2.0", "%s at %s: csaf_version", a->id, cs);
	STR_EQ(gets_(j, "document/category"), a->nproducts ? "csaf_security_advisory" :
	       "csaf_informational_advisory", "%s at %s: category", a->id, cs);
	STR_EQ(gets_(j, "document/tracking/id"), a->id, "%s at %s: tracking id", a->id, cs);
	tlpress_buf_reset(&want);
	tlpress_buf_printf(&want, "%d", tlpress_advisory_current(a)->version);
	STR_EQ(gets_(j, "document/tracking/version"), want.ptr, "%s at %s: version", a->id, cs);
	INT_EQ(json_array_size(get(j, "document/tracking/revision_history")), a->nrevisions,
	       "%s at %s: one history entry per revision", a->id, cs);
	tlpress_time_rfc3339_utc(&tlpress_advisory_current(a)->date, when, sizeof(when));
	STR_EQ(gets_(j, "document/tracking/current_release_date"), when,
	       "%s at %s: current release date", a->id, cs);
	STR_EQ(gets_(j, "document/tracking/generator/date"), when,
	       "%s at %s: the generator date is the current release date", a->id, cs);
	tlpress_time_rfc3339_utc(&a->revisions[0].date, when, sizeof(when));
	STR_EQ(gets_(j, "document/tracking/initial_release_date"), when,
	       "%s at %s: initial release date", a->id, cs);
	/* TLP */
	STR_EQ(gets_(j, "document/distribution/tlp/label"),
	       label == TLPRESS_TLP_CLEAR ? "WHITE" : label == TLPRESS_TLP_GREEN ? "GREEN" :
	       label == TLPRESS_TLP_RED ? "RED" : "AMBER",
	       "%s at %s: distribution.tlp.label for %s", a->id, cs, tlpress_tlp_label(label));
	STR_EQ(gets_(j, "document/distribution/tlp/url"), "https://www.first.org/tlp/",
	       "%s at %s: distribution.tlp.url", a->id, cs);
	if (label == TLPRESS_TLP_AMBER_STRICT)
		OK(gets_(j, "document/distribution/text") &&
		   strstr(gets_(j, "document/distribution/text"), "TLP:AMBER+STRICT"),
		   "%s at %s: AMBER+STRICT is said in distribution.text", a->id, cs);
	else
		OK(!get(j, "document/distribution/text"),
		   "%s at %s: no distribution.text below AMBER+STRICT", a->id, cs);
	/* severity */
	if (a->has_severity) {
		static const char *const st[] = { "None", "Low", "Medium", "High", "Critical" };

		STR_EQ(gets_(j, "document/aggregate_severity/text"), st[a->severity],
		       "%s at %s: aggregate severity", a->id, cs);
	}
	/* the self reference ends with the file name */
	v = get(j, "document/references/0");
	STR_EQ(gets_(v, "category"), "self", "%s at %s: the first reference is self", a->id, cs);
	tlpress_buf_reset(&want);
	tlpress_buf_printf(&want, "%s%s", cfg.site.url, path.ptr);
	STR_EQ(gets_(v, "url"), want.ptr, "%s at %s: self is the document's URL", a->id, cs);
	/* products and vulnerabilities */
	if (a->nproducts) {
		size_t nv = json_array_size(get(j, "vulnerabilities"));

		OK(get(j, "product_tree/branches/0/branches/0/branches/0/product/product_id") != NULL,
		   "%s at %s: vendor > product > version leaves", a->id, cs);
		INT_EQ(nv, a->ncves ? a->ncves : 1, "%s at %s: one vulnerability per CVE",
		       a->id, cs);
		for (i = 0; i < nv; i++) {
			json_t *vu = json_array_get(get(j, "vulnerabilities"), i);

			if (a->ncves)
				STR_EQ(gets_(vu, "cve"), a->cves[i], "%s at %s: cve %zu", a->id,
				       cs, i);
			OK(json_array_size(get(vu, "product_status/known_affected")) > 0,
			   "%s at %s: vulnerability %zu lists affected products", a->id, cs, i);
			OK(json_array_size(get(vu, "notes")) > 0 &&
			   json_array_size(get(vu, "remediations")) > 0,
			   "%s at %s: vulnerability %zu has notes and remediations", a->id, cs, i);
			if (a->ncwes)
				STR_EQ(gets_(vu, "cwe/id"), a->cwes[0].id, "%s at %s: cwe", a->id, cs);
			if (a->has_cvss) {
				json_t *c = get(vu, "scores/0/cvss_v3");
				char mine[TLPRESS_CVSS_SCORE_STR_SIZE], theirs[16];
				double s = json_number_value(get(c, "baseScore"));

				tlpress_cvss_score_str(a->cvss.score10, mine, sizeof(mine));
				snprintf(theirs, sizeof(theirs), "%.1f", s);
				OK(json_is_real(get(c, "baseScore")) &&
				   lround(s * 10) == a->cvss.score10 && !strcmp(mine, theirs),
				   "%s at %s: baseScore %s is the model's %s", a->id, cs, theirs,
				   mine);
				if (i == 0) {
					/* the CVRF of the same rendition says the same */
					struct tlpress_buf x = TLPRESS_BUF_INIT;
					char tag[64];

					snprintf(tag, sizeof(tag), "<vuln:BaseScoreV3>%s<", mine);
					OK(!tlpress_cvrf_render(&r, &x, &err) && strstr(x.ptr, tag),
					   "%s at %s: the CVRF's BaseScoreV3 is %s too", a->id, cs,
					   mine);
					tlpress_buf_reset(&x);
					snprintf(tag, sizeof(tag), ">%s<", mine);
					OK(tmpl && !tlpress_render_html.render(&r, &x, &err) &&
					   strstr(x.ptr, tag),
					   "%s at %s: the HTML page shows %s too", a->id, cs, mine);
					tlpress_buf_release(&x);
				}
				STR_EQ(gets_(c, "baseSeverity"),
				       tlpress_cvss_severity_upper(a->cvss.severity),
				       "%s at %s: baseSeverity", a->id, cs);
				STR_EQ(gets_(c, "vectorString"), a->cvss.vector,
				       "%s at %s: vectorString", a->id, cs);
				STR_EQ(gets_(c, "attackVector"),
				       tlpress_cvss_value_name(&a->cvss, "AV"),
				       "%s at %s: attackVector", a->id, cs);
			}
		}
	} else {
		OK(!get(j, "product_tree") && !get(j, "vulnerabilities"),
		   "%s at %s: informational: no product_tree, no vulnerabilities", a->id, cs);
	}
	OK(!strstr(out.ptr, "NOT-USED-BY-CSAF"), "%s at %s: body_html is not used", a->id, cs);
	/* the cut: a sample with marked sections */
	if (!strcmp(a->id, "CCB-2026-0438")) {
		int amber = any_string_has(j, "botnet van gehuurde virtuele servers");

		OK(amber == (t->clearance >= TLPRESS_TLP_AMBER),
		   "%s at %s: the AMBER section is %s", a->id, cs,
		   t->clearance >= TLPRESS_TLP_AMBER ? "kept" : "cut");
	}
	json_decref(j);
	if (!write_to(t->dir, path.ptr, out.ptr, out.len))
		tree_add(t, path.ptr, a, label, &out);
done:
	tlpress_buf_release(&sum);
	tlpress_buf_release(&out);
	tlpress_buf_release(&again);
	tlpress_buf_release(&path);
	tlpress_buf_release(&want);
}

/* ------------------------------------------------------------ provider files */

static void check_provider(struct tree *t)
{
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct mem_files m = { { NULL }, { NULL }, 0 }, m2 = { { NULL }, { NULL }, 0 };
	const char *cs = tlpress_tlp_name(t->clearance);
	const char *pm;
	json_t *j;
	size_t i;
	int rc;

	rc = tlpress_csaf_provider_files(&cfg, t->clearance, t->v, t->n, TEST_FPR, emit_tree, t, &err);
	INT_EQ(rc, 0, "%s tree: provider files written", cs);
	if (rc)
		DIAG("%s", err.msg);
	rc = tlpress_csaf_provider_files(&cfg, t->clearance, t->v, t->n, TEST_FPR, emit_mem, &m, &err);
	INT_EQ(rc, 0, "%s tree: provider files in memory", cs);
	rc = tlpress_csaf_provider_files(&cfg, t->clearance, t->v, t->n, TEST_FPR, emit_mem, &m2, &err);
	OK(!rc && m.n == m2.n, "%s tree: the same files twice", cs);
	for (i = 0; i < m.n && i < m2.n; i++)
		if (strcmp(m.rel[i], m2.rel[i]) || strcmp(m.data[i], m2.data[i]))
			break;
	OK(i == m.n, "%s tree: with the same bytes", cs);
	mem_release(&m2);

	pm = mem_find(&m, ".well-known/csaf/provider-metadata.json");
	j = pm ? json_loads(pm, 0, NULL) : NULL;
	OK(j != NULL, "%s tree: provider-metadata.json is JSON", cs);
	STR_EQ(gets_(j, "role"), "csaf_trusted_provider", "%s tree: a signed tree's role", cs);
	STR_EQ(gets_(j, "metadata_version"), "2.0", "%s tree: metadata_version", cs);
	OK(json_is_true(get(j, "mirror_on_CSAF_aggregators")) == (t->clearance == TLPRESS_TLP_CLEAR),
	   "%s tree: mirrored by aggregators only when public", cs);
	INT_EQ(json_array_size(get(j, "distributions/0/rolie/feeds")),
	       t->clearance == TLPRESS_TLP_CLEAR ? 1 : t->clearance == TLPRESS_TLP_GREEN ? 2 :
	       t->clearance == TLPRESS_TLP_RED ? 4 : 3, "%s tree: one feed per folder", cs);
	STR_EQ(gets_(j, "distributions/0/rolie/feeds/0/url"),
	       "https://csirt.example/.well-known/csaf/white/csaf-feed-tlp-white.json",
	       "%s tree: the white feed's URL", cs);
	json_decref(j);

	/* every document in its folder's feed, index.txt and changes.csv */
	for (i = 0; i < t->n; i++) {
		const struct tlpress_csaf_entry *e = &t->v[i];
		const char *folder = tlpress_csaf_folder(e->label), *fe, *idx, *chg;
		const char *inner = e->path + strlen(".well-known/csaf/") + strlen(folder) + 1;
		char rel[256], hex[2 * TLPRESS_SHA512_LEN + 1];
		json_t *entries, *en;
		size_t k, found = 0;

		snprintf(rel, sizeof(rel), ".well-known/csaf/%s/csaf-feed-tlp-%s.json", folder,
			 folder);
		fe = mem_find(&m, rel);
		j = fe ? json_loads(fe, 0, NULL) : NULL;
		entries = get(j, "feed/entry");
		json_array_foreach(entries, k, en) {
			char want[512];
			size_t l;
			int self = 0, h256 = 0, h512 = 0, asc = 0;
			json_t *lk;

			if (!gets_(en, "id") || strcmp(gets_(en, "id"), e->id))
				continue;
			found++;
			json_array_foreach(get(en, "link"), l, lk) {
				const char *href = gets_(lk, "href"), *r = gets_(lk, "rel");

				snprintf(want, sizeof(want), "https://csirt.example/%s", e->path);
				if (!href || !r || strncmp(href, want, strlen(want)))
					continue;
				href += strlen(want);
				self += !strcmp(r, "self") && !*href && l == 0;
				h256 += !strcmp(r, "hash") && !strcmp(href, ".sha256");
				h512 += !strcmp(r, "hash") && !strcmp(href, ".sha512");
				asc += !strcmp(r, "signature") && !strcmp(href, ".asc");
			}
			OK(self == 1 && h256 == 1 && h512 == 1 && asc == 1,
			   "%s tree: %s's feed entry links the document, its hashes and signature",
			   cs, e->id);
		}
		INT_EQ(found, 1, "%s tree: %s is in the feed of %s", cs, e->id, folder);
		json_decref(j);
		snprintf(rel, sizeof(rel), ".well-known/csaf/%s/index.txt", folder);
		idx = mem_find(&m, rel);
		OK(idx && strstr(idx, inner), "%s tree: %s is in %s/index.txt", cs, e->id, folder);
		snprintf(rel, sizeof(rel), ".well-known/csaf/%s/changes.csv", folder);
		chg = mem_find(&m, rel);
		OK(chg && strstr(chg, inner), "%s tree: %s is in %s/changes.csv", cs, e->id, folder);
		snprintf(rel, sizeof(rel), "%s.sha256", e->path);
		tlpress_hex(e->sha256, TLPRESS_SHA256_LEN, hex);
		OK(mem_find(&m, rel) && !strncmp(mem_find(&m, rel), hex, strlen(hex)),
		   "%s tree: %s.sha256 holds its hash", cs, e->id);
	}
	/* security.txt when set */
	{
		const char *st = mem_find(&m, ".well-known/security.txt");

		OK(st && strstr(st, "\nCSAF: https://csirt.example/.well-known/csaf/"
				"provider-metadata.json\n") &&
		   strstr(st, "Contact: mailto:security@csirt.example\n") &&
		   strstr(st, "\nExpires: "),
		   "%s tree: security.txt has Contact, Expires and its CSAF line", cs);
	}
	mem_release(&m);

	/* unsigned: csaf_provider, no signature links */
	rc = tlpress_csaf_provider_files(&cfg, t->clearance, t->v, t->n, NULL, emit_mem, &m, &err);
	pm = mem_find(&m, ".well-known/csaf/provider-metadata.json");
	OK(!rc && pm && strstr(pm, "\"role\": \"csaf_provider\""),
	   "%s tree: an unsigned tree is a csaf_provider", cs);
	for (i = 0; i < m.n; i++)
		if (strstr(m.data[i], ".asc\""))
			break;
	OK(i == m.n, "%s tree: and lists no signature", cs);
	mem_release(&m);
}

/* ------------------------------------------------------------ hostile */

static void replace(char **field, const char *s)
{
	free(*field);
	*field = strdup(s);
}

#define HOSTILE "</script><script>alert(\"x\")</script> \\\" \\u0000 '\xe2\x80\xae" \
	"evil\xe2\x80\xac \x01\x02\x1b[31m\x7f \xe2\x80\xa8 \xff\xfe\xc3 {{x}} ]]> \xf0\x9f\x92\xa5"

static void check_hostile(struct tree *t)
{
	static const char src[] =
		"---\n"
		"id: CCB-2026-0999\n"
		"title: \"Quotes \\\" backslash \\\\ and </script> in a title\"\n"
		"lang: en\n"
		"tlp: CLEAR\n"
		"status: final\n"
		"severity: high\n"
		"cvss: CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:H/A:N\n"
		"cves: [CVE-2026-99999, CVE-2026-99998]\n"
		"cwes:\n"
		"  - {id: CWE-79, name: \"Improper Neutralization of Input During Web Page "
		"Generation ('Cross-site Scripting')\"}\n"
		"products:\n"
		"  - {vendor: \"Acme \\\"<b>\\\"\", product: \"Widget </script>\", affected: \">= 1.0, < 1.2\", fixed: \"1.2\"}\n"
		"  - {vendor: \"Acme \\\"<b>\\\"\", product: \"Widget </script>\", affected: \">= 1.0, < 1.2\", fixed: \"1.2\"}\n"
		"  - {vendor: \"Acme \\\"<b>\\\"\", product: \"Gadget\", affected: \"all versions before 2.0\", fixed: \"2.0 or later\"}\n"
		"  - {vendor: Other, product: Thing, fixed: \"3.1\"}\n"
		"  - {vendor: Other, product: Thing, affected: \"< 9\"}\n"
		"references:\n"
		"  - {url: \"https://example.test/a?q=1&r='x'\", title: \"A </script> reference\"}\n"
		"recipients: [ccb-partners]\n"
		"revisions:\n"
		"  - {version: 1, date: 2026-11-20T23:30:00-02:00, summary: \"First \\\\ one\"}\n"
		"  - {version: 2, date: 2026-11-21T10:00:00+01:00, summary: \"Second\"}\n"
		"---\n"
		"Opening paragraph with `code`, \"quotes\", a backslash \\\\ and </script>.\n\n"
		"## Marked [TLP:AMBER]\n\nAmber text.\n";
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_advisory *a;
	struct tlpress_rendition r;
	struct tlpress_buf sum = TLPRESS_BUF_INIT, out = TLPRESS_BUF_INIT;
	struct tlpress_buf path = TLPRESS_BUF_INIT;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	json_error_t jerr;
	json_t *j;
	size_t i;
	int rc;

	a = tlpress_advisory_parse("CCB-2026-0999.md", src, sizeof(src) - 1, &d);
	OK(a && a->nerrors == 0, "hostile: the advisory parses");
	for (i = 0; i < d.n; i++)
		if (d.v[i].severity == TLPRESS_ERROR)
			DIAG("%u:%u: %s", d.v[i].line, d.v[i].col, d.v[i].msg);
	tlpress_diags_release(&d);
	if (!a || a->nerrors)
		goto done;

	/* first as the parser accepts it: valid and written for the validator */
	rendition_init(&r, a, TLPRESS_TLP_CLEAR, TLPRESS_TLP_CLEAR, &sum);
	rc = tlpress_csaf_render(&r, &out, &err);
	INT_EQ(rc, 0, "hostile: rendered");
	j = json_loadb(out.ptr, out.len, 0, &jerr);
	OK(j != NULL, "hostile: jansson reads it back");
	STR_EQ(gets_(j, "document/title"), "Quotes \" backslash \\ and </script> in a title",
	       "hostile: the title survives as written");
	STR_EQ(gets_(j, "product_tree/branches/0/name"), "Acme \"<b>\"",
	       "hostile: the vendor survives as written");
	STR_EQ(gets_(j, "product_tree/branches/0/branches/0/branches/0/name"),
	       "vers:generic/>=1.0|<1.2", "hostile: a range of comparisons is written as vers");
	STR_EQ(gets_(j, "product_tree/branches/0/branches/0/branches/1/category"),
	       "product_version", "hostile: the fix is a product_version");
	OK(get(j, "product_tree/branches/0/branches/0/branches/2") == NULL,
	   "hostile: a product listed twice gives one leaf per string");
	STR_EQ(gets_(j, "product_tree/branches/0/branches/1/branches/0/name"),
	       "all versions before 2.0", "hostile: a range in words is kept as written");
	STR_EQ(gets_(j, "product_tree/branches/0/branches/1/branches/1/category"),
	       "product_version_range", "hostile: a fix that reads as a range is a range");
	STR_EQ(gets_(j, "product_tree/branches/1/branches/0/branches/0/name"),
	       "vers:generic/<3.1", "hostile: a product with only a fix is affected below it");
	STR_EQ(gets_(j, "vulnerabilities/0/scores/0/cvss_v3/version"), "3.0",
	       "hostile: a CVSS 3.0 vector stays 3.0");
	STR_EQ(gets_(j, "vulnerabilities/1/remediations/3/category"), "none_available",
	       "hostile: a range without a fix has none_available");
	STR_EQ(gets_(j, "document/tracking/initial_release_date"), "2026-11-21T01:30:00Z",
	       "hostile: dates are written in UTC");
	OK(!any_string_has(j, "Amber text"), "hostile: the AMBER section is cut at CLEAR");
	tlpress_csaf_path(&r, &path);
	STR_EQ(path.ptr, ".well-known/csaf/white/2026/ccb-2026-0999.json",
	       "hostile: the path has the UTC year of the initial release");
	json_decref(j);
	if (!rc && !write_to(t->dir, path.ptr, out.ptr, out.len))
		tree_add(t, path.ptr, a, TLPRESS_TLP_CLEAR, &out);

	/* then with raw bytes the parser would refuse in every free-text field */
	replace(&a->title, HOSTILE);
	free(a->summary);
	a->summary = NULL;
	for (i = 0; i < a->nproducts; i++) {
		replace(&a->products[i].vendor, HOSTILE);
		replace(&a->products[i].product, i % 2 ? "\xe2\x80\xae" : HOSTILE);
		if (a->products[i].affected)
			replace(&a->products[i].affected, HOSTILE);
		if (a->products[i].fixed)
			replace(&a->products[i].fixed, "\x01\xe2\x80\xae");
	}
	for (i = 0; i < a->nrefs; i++) {
		replace(&a->refs[i].url, "HTTPS://ex\xc3\xa4mple.test/a b/{x}|\"<>^`\\?q=%zz&%41#f#g");
		replace(&a->refs[i].title, HOSTILE);
	}
	for (i = 0; i < a->nrevisions; i++)
		replace(&a->revisions[i].summary, i ? "\xe2\x80\xae\x01" : HOSTILE);
	tlpress_buf_reset(&sum);
	tlpress_buf_adds(&sum, HOSTILE);
	r.summary = sum.ptr;
	tlpress_buf_reset(&out);
	rc = tlpress_csaf_render(&r, &out, &err);
	INT_EQ(rc, 0, "hostile bytes: rendered");
	j = json_loadb(out.ptr, out.len, 0, &jerr);
	OK(j != NULL, "hostile bytes: jansson reads it back");
	if (!j)
		DIAG("%s at line %d", jerr.text, jerr.line);
	OK(j && !any_bad_char(j), "hostile bytes: no control or bidi character is left");
	OK(j && any_string_has(j, "</script><script>alert(\"x\")</script>"),
	   "hostile bytes: text is kept, escaped by jansson alone");
	STR_EQ(gets_(j, "document/references/2/url"),
	       "https://ex%C3%A4mple.test/a%20b/%7Bx%7D%7C%22%3C%3E%5E%60%5C?q=%25zz&%41#f%23g",
	       "hostile bytes: a reference URL is made a URI");
	OK(j && gets_(j, "product_tree/branches/0/branches/1/name") &&
	   strlen(gets_(j, "product_tree/branches/0/branches/1/name")) > 0,
	   "hostile bytes: a name of nothing but bidi characters is never empty");
	STR_EQ(gets_(j, "document/tracking/revision_history/1/summary"), "2",
	       "hostile bytes: an empty revision summary falls back to its number");
	json_decref(j);
	/* valid all the same: written for the validator, in a tree of its own */
	{
		char root[600];

		snprintf(root, sizeof(root), "%s/hostile-bytes", outdir);
		write_to(root, path.ptr, out.ptr, out.len);
	}
	/* a CWE name of hostile bytes (the validator would refuse the name) */
	replace(&a->cwes[0].name, HOSTILE);
	tlpress_buf_reset(&out);
	rc = tlpress_csaf_render(&r, &out, &err);
	j = rc ? NULL : json_loadb(out.ptr, out.len, 0, &jerr);
	OK(j && !any_bad_char(j) && gets_(j, "vulnerabilities/0/cwe/name"),
	   "hostile bytes: a CWE name too");
	json_decref(j);

	/* front matter only: refused */
	{
		struct tlpress_advisory *f = tlpress_advisory_parse_ex("CCB-2026-0999.md", src,
								       sizeof(src) - 1,
								       TLPRESS_PARSE_FRONT_ONLY, &d);

		tlpress_diags_release(&d);
		rendition_init(&r, f, TLPRESS_TLP_CLEAR, TLPRESS_TLP_CLEAR, &sum);
		INT_EQ(tlpress_csaf_render(&r, &out, &err), TLPRESS_EUSAGE,
		       "a front-matter-only parse is refused");
		tlpress_advisory_free(f);
	}
done:
	tlpress_advisory_free(a);
	tlpress_buf_release(&sum);
	tlpress_buf_release(&out);
	tlpress_buf_release(&path);
}

/* ------------------------------------------------------------ scores */

/* The ends of the scale: 10.0 is written 10.0, 0.0 is NONE. */
static void check_scores(struct tree *t)
{
	static const struct { const char *id, *vector, *score, *sev; } v[] = {
		{ "CCB-2026-0901", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", "10.0", "CRITICAL" },
		{ "CCB-2026-0902", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", "0.0", "NONE" },
		{ "CCB-2026-0903", "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", "2.4", "LOW" },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct tlpress_diags d = TLPRESS_DIAGS_INIT;
		struct tlpress_buf src = TLPRESS_BUF_INIT, sum = TLPRESS_BUF_INIT;
		struct tlpress_buf out = TLPRESS_BUF_INIT, path = TLPRESS_BUF_INIT;
		struct tlpress_buf small;
		struct tlpress_error err = TLPRESS_ERROR_INIT;
		struct tlpress_advisory *a;
		struct tlpress_rendition r;
		char want[64], name[32];

		snprintf(name, sizeof(name), "%s.md", v[i].id);
		tlpress_buf_printf(&src, "---\nid: %s\ntitle: Score %s\ntlp: CLEAR\ncvss: %s\n"
				   "cves: [CVE-2026-4242%zu]\n"
				   "products: [{vendor: V, product: P, affected: \"< 2\"}]\n"
				   "revisions: [{version: 1, date: 2026-01-01T00:30:00+01:00, "
				   "summary: x}]\n---\nBody.\n", v[i].id, v[i].score, v[i].vector, i);
		a = tlpress_advisory_parse(name, src.ptr, src.len, &d);
		tlpress_diags_release(&d);
		OK(a && !a->nerrors, "%s parses", v[i].id);
		if (!a || a->nerrors) {
			tlpress_advisory_free(a);
			tlpress_buf_release(&src);
			continue;
		}
		rendition_init(&r, a, TLPRESS_TLP_CLEAR, TLPRESS_TLP_CLEAR, &sum);
		INT_EQ(tlpress_csaf_render(&r, &out, &err), 0, "%s: rendered", v[i].id);
		snprintf(want, sizeof(want), "\"baseScore\": %s,", v[i].score);
		OK(strstr(out.ptr, want) != NULL, "%s: written %s", v[i].id, want);
		snprintf(want, sizeof(want), "\"baseSeverity\": \"%s\",", v[i].sev);
		OK(strstr(out.ptr, want) != NULL, "%s: written %s", v[i].id, want);
		tlpress_csaf_path(&r, &path);
		STR_EQ(path.ptr, i == 0 ? ".well-known/csaf/white/2025/ccb-2026-0901.json" :
		       i == 1 ? ".well-known/csaf/white/2025/ccb-2026-0902.json" :
		       ".well-known/csaf/white/2025/ccb-2026-0903.json",
		       "%s: the folder is the year of the initial release in UTC", v[i].id);
		if (!write_to(t->dir, path.ptr, out.ptr, out.len))
			tree_add(t, path.ptr, a, TLPRESS_TLP_CLEAR, &out);
		/* a buffer too small: refused, and left as it was */
		tlpress_buf_init(&small, 64);
		tlpress_buf_adds(&small, "kept");
		INT_EQ(tlpress_csaf_render(&r, &small, &err), TLPRESS_ELIMIT,
		       "%s: a document over the buffer's limit is refused", v[i].id);
		STR_EQ(small.ptr, "kept", "%s: and the buffer keeps what it held", v[i].id);
		tlpress_buf_release(&small);
		tlpress_advisory_free(a);
		tlpress_buf_release(&src);
		tlpress_buf_release(&sum);
		tlpress_buf_release(&out);
		tlpress_buf_release(&path);
	}
}

/* ------------------------------------------------------------ small things */

static void check_names(void)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;

	STR_EQ(tlpress_csaf_folder(TLPRESS_TLP_CLEAR), "white", "CLEAR is the white folder");
	STR_EQ(tlpress_csaf_folder(TLPRESS_TLP_GREEN), "green", "GREEN is the green folder");
	STR_EQ(tlpress_csaf_folder(TLPRESS_TLP_AMBER), "amber", "AMBER is the amber folder");
	STR_EQ(tlpress_csaf_folder(TLPRESS_TLP_AMBER_STRICT), "amber",
	       "AMBER+STRICT is the amber folder");
	STR_EQ(tlpress_csaf_folder(TLPRESS_TLP_RED), "red", "RED is the red folder");
	tlpress_csaf_filename("CCB-2026-0042", &b);
	STR_EQ(b.ptr, "ccb-2026-0042.json", "file name of CCB-2026-0042");
	tlpress_buf_reset(&b);
	tlpress_csaf_filename("2022_#01-A", &b);
	STR_EQ(b.ptr, "2022_01-a.json", "file name: a run of other characters is one '_'");
	tlpress_buf_reset(&b);
	tlpress_csaf_filename("Example Company - 2019-YH3234", &b);
	STR_EQ(b.ptr, "example_company_-_2019-yh3234.json", "file name of the spec's example");
	tlpress_buf_reset(&b);
	tlpress_csaf_filename("A+B", &b);
	STR_EQ(b.ptr, "a+b.json", "file name: '+' is kept (section 5.1)");
	tlpress_buf_release(&b);
	STR_EQ(tlpress_render_csaf.name, "csaf", "the renderer's name");
}

static void check_refusals(struct tree *t)
{
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct mem_files m = { { NULL }, { NULL }, 0 };
	struct tlpress_csaf_entry e;
	int rc;

	if (!t->n)
		return;
	e = t->v[0];
	e.label = TLPRESS_TLP_AMBER;
	rc = tlpress_csaf_provider_files(&cfg, TLPRESS_TLP_GREEN, &e, 1, NULL, emit_mem, &m, &err);
	INT_EQ(rc, TLPRESS_EPOLICY, "an AMBER document in a GREEN tree is refused");
	INT_EQ(m.n, 0, "and nothing is written");
	mem_release(&m);
	e = t->v[0];
	e.label = TLPRESS_TLP_GREEN;
	rc = tlpress_csaf_provider_files(&cfg, TLPRESS_TLP_GREEN, &e, 1, NULL, emit_mem, &m, &err);
	INT_EQ(rc, TLPRESS_EINVAL, "a GREEN document in the white folder is refused");
	mem_release(&m);
	rc = tlpress_csaf_provider_files(&cfg, TLPRESS_TLP_GREEN, NULL, 0, NULL, emit_mem, &m, &err);
	INT_EQ(rc, 0, "a tree without documents still has its provider files");
	OK(mem_find(&m, ".well-known/csaf/green/csaf-feed-tlp-green.json") &&
	   mem_find(&m, ".well-known/csaf/white/index.txt") &&
	   strstr(mem_find(&m, ".well-known/csaf/provider-metadata.json"),
		  "\"last_updated\": \"1970-01-01T00:00:00Z\""),
	   "with empty feeds and a date that is not the clock's");
	mem_release(&m);
}

/* The ROLIE feed's entries, written without jansson, are laid out as
 * tlpress_json_write() lays out the tree they parse to, hostile text
 * included; a title or id cleaned to nothing leaves its member out. */
static void check_feed_layout(void)
{
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct mem_files m = { { NULL }, { NULL }, 0 };
	struct tlpress_csaf_entry e[3];
	struct tlpress_buf re = TLPRESS_BUF_INIT;
	const char *feed;
	json_t *j = NULL, *en;
	size_t i, k;
	int sign, rc;

	memset(e, 0, sizeof(e));
	for (i = 0; i < 3; i++) {
		e[i].label = TLPRESS_TLP_CLEAR;
		e[i].initial.valid = e[i].current.valid = 1;
		e[i].initial.t = 1764000000 + (long long)i * 86400;
		e[i].current.t = e[i].initial.t + 3600;
		e[i].current.offset = 60;
	}
	e[0].path = ".well-known/csaf/white/2025/ccb-2025-0001.json";
	e[0].id = "CCB-2025-0001";
	e[0].title = "\"Quoted\" \\ back\tslash \x01\x7f caf\xc3\xa9 \xff \xe2\x80\xae end  ";
	e[1].path = ".well-known/csaf/white/2025/ccb-2025-0002.json";
	e[1].id = "CCB-2025-0002";
	e[1].title = " \t ";
	e[2].path = ".well-known/csaf/white/2025/ccb-2025-0003.json";
	e[2].id = " ";
	e[2].title = NULL;
	for (sign = 0; sign < 2; sign++) {
		rc = tlpress_csaf_provider_files(&cfg, TLPRESS_TLP_CLEAR, e, 3,
						 sign ? TEST_FPR : NULL, emit_mem, &m, &err);
		feed = mem_find(&m, ".well-known/csaf/white/csaf-feed-tlp-white.json");
		j = feed ? json_loads(feed, 0, NULL) : NULL;
		OK(!rc && j, "feed of hostile titles and ids (%s): valid JSON",
		   sign ? "signed" : "unsigned");
		tlpress_buf_reset(&re);
		if (j)
			tlpress_json_write(j, 2, 0, &re);
		tlpress_buf_addch(&re, '\n');
		STR_EQ(re.ptr, feed ? feed : "", "and laid out as tlpress_json_write() lays out its tree");
		k = 0;
		json_array_foreach(get(j, "feed/entry"), i, en) {
			const char *id = gets_(en, "id"), *title = gets_(en, "title");

			if (id && !strcmp(id, "CCB-2025-0001"))
				k += title && !strchr(title, '\x01') && strstr(title, "\"Quoted\"") &&
				     strstr(title, "caf\xc3\xa9") && !strstr(title, "\xe2\x80\xae") &&
				     title[strlen(title) - 1] == 'd';
			else if (id && !strcmp(id, "CCB-2025-0002"))
				k += title && !strcmp(title, "CCB-2025-0002"); /* the id */
			else if (!id)
				k += !title && json_array_size(get(en, "link")) == (sign ? 4u : 3u);
		}
		INT_EQ(k, 3, "each entry's title cleaned, the id for an empty one, no member "
		       "for an id and title that are blank");
		json_decref(j);
		mem_release(&m);
	}
	tlpress_buf_release(&re);
}

int main(void)
{
	static const char *const names[] = { "clear", "green", "amber", "amber-strict", "red" };
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_pathlist files = TLPRESS_PATHLIST_INIT;
	struct tree trees[TLPRESS_TLP_COUNT], hostile, scores;
	struct tlpress_time now;
	size_t i;
	int c;

	outdir = getenv("TLPRESS_CSAF_OUT");
	if (!outdir || !*outdir)
		outdir = DEFAULT_OUT;
	if (tlpress_config_load(&cfg, NULL, &d))
		DIAG("configuration: %zu errors", d.nerrors);
	tlpress_diags_release(&d);
	/* the embedded defaults, so that a tlpress.yml in the folder changes nothing */
	free(cfg.site.url);
	cfg.site.url = strdup("https://csirt.example/");
	free(cfg.site.security_txt);
	cfg.site.security_txt = strdup("security@csirt.example");
	tlpress_time_parse(NOW, strlen(NOW), &now);
	tmpl = tlpress_tmplset_new();
	OK(tmpl && tlpress_tmplset_load_dir(tmpl, "templates", &err) > 0,
	   "the page templates load (for the HTML score)");

	check_names();
	for (c = 0; c < TLPRESS_TLP_COUNT; c++)
		tree_init(&trees[c], (enum tlpress_tlp)c, names[c]);
	tree_init(&hostile, TLPRESS_TLP_CLEAR, "hostile");
	tree_init(&scores, TLPRESS_TLP_CLEAR, "scores");

	OK(tlpress_scan("advisories", &files, &err) == 0 && files.n >= 8,
	   "the samples are found (%zu)", files.n);
	for (i = 0; i < files.n; i++) {
		struct tlpress_advisory *a = tlpress_advisory_load(files.v[i], &d);
		enum tlpress_tlp base;

		tlpress_diags_release(&d);
		OK(a && !a->nerrors, "%s parses", files.v[i]);
		if (!a || a->nerrors) {
			tlpress_advisory_free(a);
			continue;
		}
		base = tlpress_policy_base_label(a, &now);
		for (c = base; c < TLPRESS_TLP_COUNT; c++)
			check_doc(&trees[c], a, base);
		/* refused above the clearance */
		if (base > TLPRESS_TLP_CLEAR) {
			struct tlpress_rendition r;
			struct tlpress_buf sum = TLPRESS_BUF_INIT, out = TLPRESS_BUF_INIT;

			rendition_init(&r, a, base, TLPRESS_TLP_CLEAR, &sum);
			r.label = base;
			INT_EQ(tlpress_csaf_render(&r, &out, &err), TLPRESS_EPOLICY,
			       "%s: refused in a CLEAR tree", a->id);
			INT_EQ(out.len, 0, "%s: and nothing is written", a->id);
			tlpress_buf_release(&sum);
			tlpress_buf_release(&out);
		}
		tlpress_advisory_free(a);
	}
	tlpress_pathlist_release(&files);

	check_hostile(&hostile);
	check_scores(&scores);
	for (c = 0; c < TLPRESS_TLP_COUNT; c++)
		check_provider(&trees[c]);
	check_provider(&hostile);
	check_provider(&scores);
	check_refusals(&trees[TLPRESS_TLP_CLEAR]);
	check_feed_layout();
	{
		size_t total = hostile.n + scores.n + 1;

		for (c = 0; c < TLPRESS_TLP_COUNT; c++)
			total += trees[c].n;
		DIAG("%zu CSAF documents written under %s", total, outdir);
	}
	for (c = 0; c < TLPRESS_TLP_COUNT; c++)
		tree_release(&trees[c]);
	tree_release(&hostile);
	tree_release(&scores);
	tlpress_config_release(&cfg);
	tlpress_tmplset_free(tmpl);
	return harness_done();
}
