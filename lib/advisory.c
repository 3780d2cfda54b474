/* advisory.c - the advisory model and its parser; see advisory.h */
#include "advisory.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "arena.h"
#include "strutil.h"
#include "ytree.h"

/* ---- Markdown set-up ---------------------------------------------------- */

static pthread_once_t ext_once = PTHREAD_ONCE_INIT;
static cmark_llist *ext_list;

static void ext_init(void)
{
	static const char *const names[] = { "table", "autolink", "strikethrough" };
	cmark_mem *mem = cmark_get_default_mem_allocator();
	size_t i;

	cmark_gfm_core_extensions_ensure_registered();
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(names[i]);

		if (e)
			ext_list = cmark_llist_append(mem, ext_list, e);
	}
}

/* cmark-gfm's allocations, from the thread's arena while one is begun
 * (arena.h); like cmark's own allocator, it aborts when memory runs out,
 * as cmark-gfm does not check */
static void *md_oom(void *p)
{
	if (!p) {
		fputs("tlpress: out of memory in cmark-gfm\n", stderr);
		abort();
	}
	return p;
}

static void *md_calloc(size_t n, size_t size)
{
	return md_oom(tlpress_arena_calloc(n, size));
}

static void *md_realloc(void *p, size_t n)
{
	return md_oom(tlpress_arena_realloc(p, n));
}

static cmark_mem md_mem = { md_calloc, md_realloc, tlpress_arena_free };

void tlpress_markdown_free(void *p)
{
	tlpress_arena_free(p);
}

cmark_llist *tlpress_markdown_extensions(void)
{
	pthread_once(&ext_once, ext_init);
	return ext_list;
}

int tlpress_markdown_options(void)
{
	/* CMARK_OPT_DEFAULT is safe in cmark-gfm: raw HTML is dropped and
	 * javascript:, vbscript:, file: and most data: URLs are removed. */
	return CMARK_OPT_DEFAULT;
}

/* ---- small helpers --------------------------------------------------------- */

static const char *const audience_names[] = {
	"oes-ci", "public-services", "administrations", "companies", "public", NULL
};

const char *tlpress_audience_name(unsigned bit)
{
	unsigned i;

	for (i = 0; audience_names[i]; i++)
		if (bit == 1u << i)
			return audience_names[i];
	return NULL;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_upper_alnum(char c)
{
	return (c >= 'A' && c <= 'Z') || is_digit(c);
}

int tlpress_id_valid(const char *id)
{
	size_t i = 0, n;

	/* PREFIX: an upper-case letter, then up to 15 letters or digits */
	if (!(id[0] >= 'A' && id[0] <= 'Z'))
		return -1;
	for (i = 1; id[i] && id[i] != '-'; i++)
		if (!is_upper_alnum(id[i]) || i > 15)
			return -1;
	if (id[i] != '-')
		return -1;
	i++;
	for (n = 0; n < 4; n++, i++)
		if (!is_digit(id[i]))
			return -1;
	if (id[i] != '-')
		return -1;
	i++;
	for (n = 0; is_digit(id[i]); n++, i++)
		;
	if (n < 4 || n > 8 || id[i])
		return -1;
	return 0;
}

/* The number of a valid id: after its second '-', without leading zeros
 * (but one digit at least). */
static const char *id_number(const char *id, size_t *series)
{
	const char *p = strchr(id, '-');

	p = p ? strchr(p + 1, '-') : NULL;
	if (!p)
		return NULL;
	*series = (size_t)(p + 1 - id);
	for (p++; p[0] == '0' && p[1]; p++)
		;
	return p;
}

int tlpress_id_cmp(const char *a, const char *b)
{
	const char *na, *nb;
	size_t sa, sb;

	if (tlpress_id_valid(a) || tlpress_id_valid(b) || !(na = id_number(a, &sa)) ||
	    !(nb = id_number(b, &sb)))
		return strcmp(a, b);
	/* another series: decided within it, as its prefix has no '-' */
	if (sa != sb || strncmp(a, b, sa))
		return strcmp(a, b);
	if (strlen(na) != strlen(nb))
		return strlen(na) < strlen(nb) ? -1 : 1;
	return strcmp(na, nb);
}

static int cve_valid(const char *s)
{
	size_t i, n;

	if (strncmp(s, "CVE-", 4) != 0)
		return -1;
	for (i = 4; i < 8; i++)
		if (!is_digit(s[i]))
			return -1;
	if (s[8] != '-')
		return -1;
	for (i = 9, n = 0; is_digit(s[i]); i++, n++)
		;
	if (n < 4 || n > 19 || s[i])
		return -1;
	if (strncmp(s + 4, "1999", 4) < 0)
		return -1;
	return 0;
}

static int cwe_valid(const char *s)
{
	size_t i;

	if (strncmp(s, "CWE-", 4) != 0 || !is_digit(s[4]) || s[4] == '0')
		return -1;
	for (i = 5; s[i]; i++)
		if (!is_digit(s[i]) || i > 12)
			return -1;
	return 0;
}


static int listname_valid(const char *s)
{
	size_t i;

	if (!((s[0] >= 'a' && s[0] <= 'z') || is_digit(s[0])))
		return -1;
	for (i = 1; s[i]; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '-' ||
		      c == '_' || c == '.') || i >= 64)
			return -1;
	}
	return 0;
}

/* A plain addr-spec: ASCII printable, one '@', a dotted domain. Anything
 * that could smuggle a header (CR, LF, ',', '<', spaces) is refused. */
static int email_valid(const char *s)
{
	const char *at = strchr(s, '@'), *p;
	size_t n = strlen(s);

	if (!at || at == s || strchr(at + 1, '@') || n > 254)
		return -1;
	for (p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= 0x20 || c >= 0x7F || strchr("<>(),;:\\\"[]", c))
			return -1;
	}
	p = at + 1;
	if (!strchr(p, '.') || p[0] == '.' || p[0] == '-' ||
	    s[n - 1] == '.' || strstr(p, ".."))
		return -1;
	for (; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      is_digit(*p) || *p == '-' || *p == '.'))
			return -1;
	return 0;
}


void tlpress_advisory_slug(const struct tlpress_advisory *adv, char *buf,
			   size_t size)
{
	tlpress_ascii_lower(adv->id ? adv->id : "", buf, size);
}

/* ---- the parser context ---------------------------------------------------- */

struct pctx {
	struct tlpress_advisory *adv;
	struct tlpress_diags *d;
	const char *file;
	int nomem;
	int tlp_bad;        /* `tlp` missing or invalid: skip what depends on it */
	int marks_bad;      /* a section marking was invalid: likewise */
};

static void report(struct pctx *c, enum tlpress_severity sev, unsigned line,
		   unsigned col, const char *key, const char *hint,
		   const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static void report(struct pctx *c, enum tlpress_severity sev, unsigned line,
		   unsigned col, const char *key, const char *hint,
		   const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tlpress_diags_add(c->d, sev, c->file, line, col, key, hint, "%s", msg);
	if (sev == TLPRESS_ERROR)
		c->adv->nerrors++;
}

#define ERR(c, node, key, hint, ...) \
	report(c, TLPRESS_ERROR, (node)->line, (node)->col, key, hint, __VA_ARGS__)
#define WARN(c, node, key, hint, ...) \
	report(c, TLPRESS_WARNING, (node)->line, (node)->col, key, hint, __VA_ARGS__)

static char *xstrdup(struct pctx *c, const char *s)
{
	char *p = tlpress_arena_strdup(s);

	if (!p)
		c->nomem = 1;
	return p;
}

/* Check that node is a scalar (not null): report and return NULL if not. */
static const char *scalar(struct pctx *c, const char *key,
			  const struct tlpress_ynode *node, const char *what)
{
	if (node->type != TLPRESS_Y_SCALAR) {
		ERR(c, node, key, "write one value after the key, not a list or mapping",
		    "'%s' must be %s, not %s", key, what, tlpress_ytype_name(node->type));
		return NULL;
	}
	if (tlpress_yis_null(node)) {
		ERR(c, node, key, "give a value or remove the key",
		    "'%s' is empty", key);
		return NULL;
	}
	if (memchr(node->str, '\0', node->len)) {
		ERR(c, node, key, "remove it", "'%s' holds a NUL character", key);
		return NULL;
	}
	return node->str;
}

/* A one-line text value without control characters. */
static const char *text1(struct pctx *c, const char *key,
			 const struct tlpress_ynode *node, size_t max)
{
	const char *s = scalar(c, key, node, "a string");
	size_t i;

	if (!s)
		return NULL;
	if (tlpress_has_newline(s, node->len)) {
		ERR(c, node, key, "write it on one line (a quoted string, no line breaks)",
		    "'%s' must be a single line", key);
		return NULL;
	}
	for (i = 0; i < node->len;) {
		unsigned cp;
		int l = tlpress_utf8_decode(s + i, node->len - i, &cp);

		if (tlpress_is_bad_control(cp)) {
			ERR(c, node, key, "remove it",
			    "'%s' holds the control character U+%04X", key, cp);
			return NULL;
		}
		i += (size_t)l;
	}
	if (max && node->len > max) {
		ERR(c, node, key, "shorten it; details belong in the body",
		    "'%s' is %zu bytes long; at most %zu are allowed", key,
		    node->len, max);
		return NULL;
	}
	return s;
}

static const struct tlpress_ynode *list(struct pctx *c, const char *key,
					const struct tlpress_ynode *node)
{
	if (node->type != TLPRESS_Y_SEQ) {
		ERR(c, node, key, "write one '- item' per line below the key",
		    "'%s' must be a list, not %s", key,
		    tlpress_ytype_name(node->type));
		return NULL;
	}
	return node;
}

/* The list under key, checked, and an array of one element per item
 * (zeroed; at least one), or NULL when it is not a list or memory ran out. */
static void *items(struct pctx *c, const char *key, const struct tlpress_ynode *v,
		   size_t size)
{
	void *p;

	if (!list(c, key, v))
		return NULL;
	p = tlpress_arena_calloc(v->n ? v->n : 1, size);
	if (!p)
		c->nomem = 1;
	return p;
}

static const char *const time_hints[] = {
	NULL,
	"write an RFC 3339 timestamp such as 2026-11-20T10:00:00+01:00",
	"a plain date is not enough: add the time and zone, e.g. %sT09:00:00+01:00",
	"add a zone offset, e.g. %s+01:00 (Brussels in winter) or %sZ (UTC)",
	"a field is out of range (month 1-12, day of month, hour 0-23, minute 0-59)"
};

static int timestamp(struct pctx *c, const char *key,
		     const struct tlpress_ynode *node, struct tlpress_time *out)
{
	const char *s = scalar(c, key, node, "a timestamp");
	char hint[256];
	int r;

	if (!s)
		return -1;
	r = tlpress_time_parse(s, node->len, out);
	if (r == TLPRESS_TIME_OK)
		return 0;
	snprintf(hint, sizeof(hint), time_hints[-r], s, s);
	ERR(c, node, key, hint, "'%s': invalid timestamp '%.80s'", key, s);
	return -1;
}

static int label(struct pctx *c, const char *key, const struct tlpress_ynode *node,
		 enum tlpress_tlp *out)
{
	const char *s = scalar(c, key, node, "a TLP label");
	char hint[128];
	int r;

	if (!s)
		return -1;
	r = tlpress_tlp_parse(s, node->len, out);
	switch (r) {
	case TLPRESS_TLP_PARSE_OK:
		return 0;
	case TLPRESS_TLP_PARSE_WHITE:
		ERR(c, node, key, "TLP 2.0 replaced WHITE: write CLEAR",
		    "'%s': TLP:WHITE is a TLP 1.0 label", key);
		return -1;
	case TLPRESS_TLP_PARSE_CASE:
		snprintf(hint, sizeof(hint), "labels are written in capitals without spaces: %s",
			 tlpress_tlp_name(*out));
		ERR(c, node, key, hint, "'%s': label '%.40s' is not written as TLP 2.0 writes it",
		    key, s);
		return -1;
	}
	ERR(c, node, key, "use CLEAR, GREEN, AMBER, AMBER+STRICT or RED",
	    "'%s': unknown TLP label '%.40s'", key, s);
	return -1;
}

/*
 * Report every key of mapping `map` that is not in `allowed` (NULL-ended),
 * with a "did you mean" hint, or `what` (the keys it has) as the hint.
 * Returns the number of unknown keys.
 */
static int subkeys(struct pctx *c, const char *key, const struct tlpress_ynode *map,
		   const char *const *allowed, const char *what)
{
	size_t k, j;
	int bad = 0;

	for (k = 0; k < map->n; k++) {
		const char *kn = map->keys[k]->str, *near;
		char hint[128];

		for (j = 0; allowed[j]; j++)
			if (strcmp(kn, allowed[j]) == 0)
				break;
		if (allowed[j])
			continue;
		near = tlpress_closest(kn, allowed);
		if (near)
			snprintf(hint, sizeof(hint), "did you mean '%s'?", near);
		else
			snprintf(hint, sizeof(hint), "%s", what);
		ERR(c, map->keys[k], key, hint, "'%s': unknown key '%.40s'", key, kn);
		bad++;
	}
	return bad;
}

/* ---- the front-matter keys ------------------------------------------------- */

static void k_id(struct pctx *c, const char *key, const struct tlpress_ynode *v)
{
	const char *s = text1(c, key, v, 40);

	c->adv->id_pos.line = v->line;
	c->adv->id_pos.col = v->col;
	if (!s)
		return;
	if (tlpress_id_valid(s)) {
		ERR(c, v, key, "ids look like CCB-2026-0042: a prefix of capital letters "
		    "or digits, the year, and at least four digits",
		    "'id': '%.60s' is not of the form PREFIX-YYYY-NNNN", s);
		return;
	}
	c->adv->id = xstrdup(c, s);
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void k_title(struct pctx *c, const char *key, const struct tlpress_ynode *v)
{
	const char *s = text1(c, key, v, 0);

	if (!s)
		return;
	if (utf8_chars(s) > TLPRESS_MAX_TITLE) {
		ERR(c, v, key, "shorten the title; details belong in the summary or body",
		    "'title' is %zu characters long; at most %d are allowed",
		    utf8_chars(s), TLPRESS_MAX_TITLE);
		return;
	}
	c->adv->title = xstrdup(c, s);
}

static void k_lang(struct pctx *c, const char *key, const struct tlpress_ynode *v)
{
	const char *s = text1(c, key, v, 35);

	if (!s)
		return;
	if (tlpress_lang_valid(s)) {
		ERR(c, v, key, "use a BCP 47 tag such as nl, fr, en or nl-BE",
		    "'lang': '%.35s' is not a language tag", s);
		return;
	}
	tlpress_arena_free(c->adv->lang);
	c->adv->lang = xstrdup(c, s);
}

static void k_summary(struct pctx *c, const char *key, const struct tlpress_ynode *v)
{
	const char *s = scalar(c, key, v, "a string");
	size_t i;

	if (!s)
		return;
	for (i = 0; i < v->len;) {
		unsigned cp;
		int l = tlpress_utf8_decode(s + i, v->len - i, &cp);

		if (tlpress_is_bad_control(cp)) {
			ERR(c, v, key, "remove it",
			    "'summary' holds the control character U+%04X", cp);
			return;
		}
		i += (size_t)l;
	}
	if (v->len > 4000) {
		ERR(c, v, key, "keep the summary to a paragraph",
		    "'summary' is %zu bytes long; at most 4000 are allowed", v->len);
		return;
	}
	c->adv->summary = xstrdup(c, s);
}

static void k_tlp(struct pctx *c, const char *key, const struct tlpress_ynode *v)
{
	enum tlpress_tlp t;

	c->adv->tlp_pos.line = v->line;
	c->adv->tlp_pos.col = v->col;
	if (label(c, key, v, &t) == 0) {
		c->adv->tlp = t;
		c->tlp_bad = 0;
	} else {
		c->adv->tlp = TLPRESS_TLP_RED; /* fail closed */
	}
}

static void k_status(struct pctx *c, const char *key, const struct tlpress_ynode *v)
{
	static const char *const names[] = { "draft", "interim", "final", NULL };
	const char *s = scalar(c, key, v, "a string");
	const char *near;
	char hint[96];
	int i;

	if (!s)
		return;
	for (i = 0; names[i]; i++) {
		if (strcmp(s, names[i]) == 0) {
			c->adv->status = (enum tlpress_status)i;
			return;
		}
	}
	near = tlpress_closest(s, names);
	if (near)
		snprintf(hint, sizeof(hint), "did you mean '%s'?", near);
	else
		snprintf(hint, sizeof(hint), "use draft, interim or final");
	ERR(c, v, key, hint, "'status': unknown status '%.40s'", s);
	c->adv->status = TLPRESS_STATUS_DRAFT; /* never publish what is unclear */
}

static void k_severity(struct pctx *c, const char *key, const struct tlpress_ynode *v)
{
	static const char *const names[] = { "low", "medium", "high", "critical", NULL };
	const char *s = scalar(c, key, v, "a string");
	const char *near;
	char hint[96];
	int i;

	if (!s)
		return;
	for (i = 0; names[i]; i++) {
		if (strcmp(s, names[i]) == 0) {
			c->adv->has_severity = 1;
			c->adv->severity = (enum tlpress_cvss_severity)(TLPRESS_CVSS_LOW + i);
			return;
		}
	}
	near = tlpress_closest(s, names);
	if (near)
		snprintf(hint, sizeof(hint), "did you mean '%s'?", near);
	else
		snprintf(hint, sizeof(hint), "use low, medium, high or critical");
	ERR(c, v, key, hint, "'severity': unknown severity '%.40s'", s);
}

static void k_cvss(struct pctx *c, const char *key, const struct tlpress_ynode *v)
{
	struct tlpress_error e = TLPRESS_ERROR_INIT;
	const char *s = text1(c, key, v, 200);

	if (!s)
		return;
	if (tlpress_cvss_parse(s, &c->adv->cvss, &e) != 0) {
		ERR(c, v, key, "write a CVSS v3.1 base vector such as "
		    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		    "'cvss': malformed CVSS vector: %s", e.msg);
		return;
	}
	c->adv->has_cvss = 1;
}

static char **strlist(struct pctx *c, const char *key, const struct tlpress_ynode *v,
		      size_t *count)
{
	char **out;
	size_t i;

	*count = 0;
	if (!list(c, key, v) || v->n == 0)
		return NULL;
	out = tlpress_arena_calloc(v->n, sizeof(*out));
	if (!out) {
		c->nomem = 1;
		return NULL;
	}
	for (i = 0; i < v->n; i++) {
		const char *s = text1(c, key, v->items[i], 254);

		if (s)
			out[(*count)++] = xstrdup(c, s);
	}
	return out;
}

static void k_cves(struct pctx *c, const char *key, const struct tlpress_ynode *v)
{
	struct tlpress_advisory *a = c->adv;
	size_t i, j, n = 0;

	a->cves = items(c, key, v, sizeof(*a->cves));
	if (!a->cves)
		return;
	for (i = 0; i < v->n; i++) {
		const struct tlpress_ynode *it = v->items[i];
		const char *s = text1(c, key, it, 40);

		if (!s)
			continue;
		if (cve_valid(s)) {
			ERR(c, it, key, "CVE ids look like CVE-2026-12345 (capitals, year, "
			    "at least four digits)", "'cves': malformed CVE id '%.40s'", s);
			continue;
		}
		for (j = 0; j < n; j++)
			if (strcmp(a->cves[j], s) == 0)
				break;
		if (j < n) {
			ERR(c, it, key, "remove the duplicate",
			    "'cves': %s is listed twice", s);
			continue;
		}
		a->cves[n++] = xstrdup(c, s);
	}
	a->ncves = n;
}

static void k_cwes(struct pctx *c, const char *key, const struct tlpress_ynode *v)
{
	static const char *const cwekeys[] = { "id", "name", NULL };
	struct tlpress_advisory *a = c->adv;
	size_t i;

	a->cwes = items(c, key, v, sizeof(*a->cwes));
	if (!a->cwes)
		return;
	for (i = 0; i < v->n; i++) {
		const struct tlpress_ynode *it = v->items[i], *idn, *name;
		const char *ids, *names;

		if (it->type != TLPRESS_Y_MAP) {
			ERR(c, it, key, "write each as {id: CWE-787, name: Out-of-bounds Write}",
			    "'cwes': each entry must be a mapping with 'id' and 'name'");
			continue;
		}
		subkeys(c, key, it, cwekeys, "a CWE entry has only 'id' and 'name'");
		idn = tlpress_ymap_get(it, "id", NULL);
		name = tlpress_ymap_get(it, "name", NULL);
		if (!idn || !name) {
			ERR(c, it, key, "write each as {id: CWE-787, name: Out-of-bounds Write}",
			    "'cwes': entry lacks '%s'", idn ? "name" : "id");
			continue;
		}
		ids = text1(c, "cwes", idn, 20);
		names = text1(c, "cwes", name, 300);
		if (!ids || !names)
			continue;
		if (cwe_valid(ids)) {
			ERR(c, idn, key, "CWE ids look like CWE-787",
			    "'cwes': malformed CWE id '%.20s'", ids);
			continue;
		}
		a->cwes[a->ncwes].id = xstrdup(c, ids);
		a->cwes[a->ncwes].name = xstrdup(c, names);
		a->ncwes++;
	}
}

static void k_products(struct pctx *c, const char *key, const struct tlpress_ynode *v)
{
	static const char *const pkeys[] = { "vendor", "product", "affected", "fixed", NULL };
	struct tlpress_advisory *a = c->adv;
	size_t i, k;

	a->products = items(c, key, v, sizeof(*a->products));
	if (!a->products)
		return;
	for (i = 0; i < v->n; i++) {
		const struct tlpress_ynode *it = v->items[i], *f[4];
		const char *s[4] = { NULL, NULL, NULL, NULL };
		struct tlpress_product *p;
		int bad = 0;

		if (it->type != TLPRESS_Y_MAP) {
			ERR(c, it, key, "write each as {vendor: ..., product: ..., affected: ..., fixed: ...}",
			    "'products': each entry must be a mapping");
			continue;
		}
		if (subkeys(c, key, it, pkeys, "a product has vendor, product, affected and fixed"))
			bad = 1;
		for (k = 0; k < 4; k++) {
			f[k] = tlpress_ymap_get(it, pkeys[k], NULL);
			if (f[k]) {
				s[k] = text1(c, pkeys[k], f[k], 200);
				if (!s[k])
					bad = 1;
			}
		}
		if (!f[0] || !f[1]) {
			ERR(c, it, key, "every product names its vendor and product",
			    "'products': entry lacks '%s'", f[0] ? "product" : "vendor");
			continue;
		}
		if (!f[2] && !f[3])
			WARN(c, it, key, "add 'affected' (a version range) or 'fixed'",
			     "'products': %s %s says neither which versions are affected nor which fix it",
			     s[0] ? s[0] : "?", s[1] ? s[1] : "?");
		if (bad)
			continue;
		p = &a->products[a->nproducts++];
		p->vendor = xstrdup(c, s[0]);
		p->product = xstrdup(c, s[1]);
		p->affected = s[2] ? xstrdup(c, s[2]) : NULL;
		p->fixed = s[3] ? xstrdup(c, s[3]) : NULL;
	}
}

static void k_references(struct pctx *c, const char *key, const struct tlpress_ynode *v)
{
	static const char *const refkeys[] = { "url", "title", NULL };
	struct tlpress_advisory *a = c->adv;
	size_t i;

	a->refs = items(c, key, v, sizeof(*a->refs));
	if (!a->refs)
		return;
	for (i = 0; i < v->n; i++) {
		const struct tlpress_ynode *it = v->items[i], *un = it, *tn = NULL;
		const char *url, *title = NULL, *why = NULL;

		if (it->type == TLPRESS_Y_MAP) {
			subkeys(c, key, it, refkeys, "a reference has only 'url' and 'title'");
			un = tlpress_ymap_get(it, "url", NULL);
			tn = tlpress_ymap_get(it, "title", NULL);
			if (!un) {
				ERR(c, it, key, "write {url: https://..., title: ...}",
				    "'references': entry lacks 'url'");
				continue;
			}
			if (tn && !(title = text1(c, "references", tn, 300)))
				continue;
		} else if (it->type != TLPRESS_Y_SCALAR) {
			ERR(c, it, key, "write each as https://... or {url: https://..., title: ...}",
			    "'references': each entry is a URL or {url, title}");
			continue;
		}
		url = text1(c, key, un, 2000);
		if (!url)
			continue;
		if (tlpress_url_valid(url, &why)) {
			ERR(c, un, key, "write a full http:// or https:// address",
			    "'references': '%.80s': %s", url, why);
			continue;
		}
		a->refs[a->nrefs].url = xstrdup(c, url);
		a->refs[a->nrefs].title = title ? xstrdup(c, title) : NULL;
		a->nrefs++;
	}
}

static void k_audience(struct pctx *c, const char *key, const struct tlpress_ynode *v)
{
	size_t i;
	unsigned j, bits = 0;

	if (!list(c, key, v))
		return;
	for (i = 0; i < v->n; i++) {
		const struct tlpress_ynode *it = v->items[i];
		const char *s = text1(c, key, it, 40), *near;
		char hint[160];

		if (!s)
			continue;
		for (j = 0; audience_names[j]; j++)
			if (strcmp(s, audience_names[j]) == 0)
				break;
		if (audience_names[j]) {
			bits |= 1u << j;
			continue;
		}
		near = tlpress_closest(s, audience_names);
		if (near)
			snprintf(hint, sizeof(hint), "did you mean '%s'?", near);
		else
			snprintf(hint, sizeof(hint), "use oes-ci, public-services, administrations, companies or public");
		ERR(c, it, key, hint, "'audience': unknown audience '%.40s'", s);
	}
	if (v->n == 0)
		ERR(c, v, key, "remove the key to address everyone",
		    "'audience' is an empty list");
	else if (bits)
		c->adv->audience = bits;
}

static void k_recipients(struct pctx *c, const char *key, const struct tlpress_ynode *v)
{
	struct tlpress_advisory *a = c->adv;
	size_t i, j;

	a->recipients_pos.line = v->line;
	a->recipients_pos.col = v->col;
	a->recipients = strlist(c, key, v, &a->nrecipients);
	if (v->type == TLPRESS_Y_SEQ && v->n == 0)
		ERR(c, v, key, "name at least one list or address, or remove the key",
		    "'recipients' is an empty list");
	for (i = 0, j = 0; i < a->nrecipients; i++) {
		const char *s = a->recipients[i];
		const struct tlpress_ynode *it = NULL;
		size_t k;

		for (k = 0; k < v->n; k++)
			if (v->items[k]->type == TLPRESS_Y_SCALAR &&
			    strcmp(v->items[k]->str, s) == 0) {
				it = v->items[k];
				break;
			}
		if (!it)
			it = v;
		if (strchr(s, '@') ? email_valid(s) : listname_valid(s)) {
			ERR(c, it, key, strchr(s, '@') ?
			    "write a plain address such as soc@operator.example" :
			    "list names are lower-case letters, digits, '-', '_' and '.'",
			    "'recipients': '%.80s' is neither a list name nor an e-mail address", s);
			tlpress_arena_free(a->recipients[i]);
			continue;
		}
		for (k = 0; k < j; k++)
			if (strcmp(a->recipients[k], s) == 0)
				break;
		if (k < j) {
			WARN(c, it, key, "remove the duplicate", "'recipients': '%s' is listed twice", s);
			tlpress_arena_free(a->recipients[i]);
			continue;
		}
		a->recipients[j++] = a->recipients[i];
	}
	a->nrecipients = j;
}

static void k_embargo(struct pctx *c, const char *key, const struct tlpress_ynode *v)
{
	timestamp(c, key, v, &c->adv->embargo);
}

static void k_downgrade(struct pctx *c, const char *key, const struct tlpress_ynode *v)
{
	static const char *const dkeys[] = { "to", "at", "approved_by", NULL };
	struct tlpress_downgrade *dg = &c->adv->downgrade;
	const struct tlpress_ynode *to, *at, *by;
	int bad = 0;

	if (v->type != TLPRESS_Y_MAP) {
		ERR(c, v, key, "write {to: CLEAR, at: 2026-12-01T09:00:00+01:00, approved_by: ...}",
		    "'tlp_downgrade' must be a mapping, not %s", tlpress_ytype_name(v->type));
		return;
	}
	if (subkeys(c, key, v, dkeys, "a downgrade has to, at and approved_by"))
		bad = 1;
	to = tlpress_ymap_get(v, "to", NULL);
	at = tlpress_ymap_get(v, "at", NULL);
	by = tlpress_ymap_get(v, "approved_by", NULL);
	if (!to || !at || !by) {
		ERR(c, v, key, !by ? "a downgrade is the source's decision: record who approved it" :
		    "write {to: LABEL, at: TIMESTAMP, approved_by: NAME}",
		    "'tlp_downgrade' lacks '%s'", !to ? "to" : !at ? "at" : "approved_by");
		return;
	}
	if (label(c, "tlp_downgrade.to", to, &dg->to) < 0)
		bad = 1;
	if (timestamp(c, "tlp_downgrade.at", at, &dg->at) < 0)
		bad = 1;
	if (!text1(c, "tlp_downgrade.approved_by", by, 200))
		bad = 1;
	if (bad)
		return;
	dg->approved_by = xstrdup(c, by->str);
	dg->set = 1;
}

static void k_revisions(struct pctx *c, const char *key, const struct tlpress_ynode *v)
{
	static const char *const rkeys[] = { "version", "date", "summary", NULL };
	struct tlpress_advisory *a = c->adv;
	size_t i, k, nint = 0, nother = 0;
	const struct tlpress_ynode *firstother = NULL;

	if (!list(c, key, v))
		return;
	if (v->n == 0) {
		ERR(c, v, key, "add {version: 1, date: ..., summary: Initial release}",
		    "'revisions' is empty: at least one revision is required");
		return;
	}
	a->revisions = tlpress_arena_calloc(v->n, sizeof(*a->revisions));
	if (!a->revisions) {
		c->nomem = 1;
		return;
	}
	for (i = 0; i < v->n; i++) {
		const struct tlpress_ynode *it = v->items[i], *ver, *date, *sum;
		struct tlpress_revision *r;
		const char *vs, *ss;
		char *end;
		long num;
		int bad = 0;

		if (it->type != TLPRESS_Y_MAP) {
			ERR(c, it, key, "write each as {version: 1, date: TIMESTAMP, summary: ...}",
			    "'revisions': each entry must be a mapping");
			continue;
		}
		if (subkeys(c, key, it, rkeys, "a revision has version, date and summary"))
			bad = 1;
		ver = tlpress_ymap_get(it, "version", NULL);
		date = tlpress_ymap_get(it, "date", NULL);
		sum = tlpress_ymap_get(it, "summary", NULL);
		if (!ver || !date || !sum) {
			ERR(c, it, key, "write {version: N, date: TIMESTAMP, summary: what changed}",
			    "'revisions': entry lacks '%s'", !ver ? "version" : !date ? "date" : "summary");
			continue;
		}
		vs = scalar(c, "revisions", ver, "a number");
		if (!vs)
			continue;
		errno = 0;
		num = strtol(vs, &end, 10);
		if (!ver->plain || *end || end == vs || vs[0] == '+' || vs[0] == '-' ||
		    (vs[0] == '0' && vs[1]) || errno || num > 100000) {
			nother++;
			if (!firstother)
				firstother = ver;
			continue;
		}
		nint++;
		/* keep the entry even when its date or summary is bad, so that
		 * the order checks below do not report a gap that is not there;
		 * the error already makes the advisory unpublishable */
		r = &a->revisions[a->nrevisions++];
		r->version = (int)num;
		if (timestamp(c, "revisions.date", date, &r->date) < 0)
			bad = 1;
		ss = text1(c, "revisions.summary", sum, 1000);
		r->summary = xstrdup(c, ss ? ss : "");
		(void)bad;
	}
	if (nother && nint)
		ERR(c, firstother, key, "versions are whole numbers 1, 2, 3 ... (CSAF integer versioning)",
		    "'revisions' mix version schemes: '%.20s' among integer versions",
		    firstother->str);
	else if (nother)
		ERR(c, firstother, key, "versions are whole numbers 1, 2, 3 ... (CSAF integer versioning)",
		    "'revisions': version '%.20s' is not a whole number", firstother->str);
	/* order: versions 1, 2, 3 ... and dates ascending */
	for (i = 0, k = 0; i < a->nrevisions; i++) {
		const struct tlpress_revision *r = &a->revisions[i];
		const struct tlpress_ynode *it = NULL;
		size_t j;

		for (j = k; j < v->n; j++) {
			const struct tlpress_ynode *ver = tlpress_ymap_get(v->items[j], "version", NULL);

			if (ver && ver->type == TLPRESS_Y_SCALAR && atoi(ver->str) == r->version) {
				it = v->items[j];
				k = j + 1;
				break;
			}
		}
		if (!it)
			it = v;
		if (i == 0 && r->version != 1) {
			ERR(c, it, key, "the first revision is version 1",
			    "'revisions': versions start at 1, not %d", r->version);
		} else if (i > 0 && r->version != a->revisions[i - 1].version + 1) {
			ERR(c, it, key, "list revisions in order, 1, 2, 3 ..., without gaps",
			    "'revisions' out of order: version %d follows version %d",
			    r->version, a->revisions[i - 1].version);
		} else if (i > 0 && r->date.valid && a->revisions[i - 1].date.valid &&
			   tlpress_time_cmp(&r->date, &a->revisions[i - 1].date) <= 0) {
			ERR(c, it, key, "each revision is dated after the one before",
			    "'revisions' out of order: version %d is not dated after version %d",
			    r->version, a->revisions[i - 1].version);
		}
	}
}

struct keydef {
	const char *name;
	void (*fn)(struct pctx *c, const char *key, const struct tlpress_ynode *v);
	int required;
};

static const struct keydef keydefs[] = {
	{ "id", k_id, 1 },
	{ "title", k_title, 1 },
	{ "lang", k_lang, 0 },
	{ "summary", k_summary, 0 },
	{ "tlp", k_tlp, 1 },
	{ "status", k_status, 0 },
	{ "severity", k_severity, 0 },
	{ "cvss", k_cvss, 0 },
	{ "cves", k_cves, 0 },
	{ "cwes", k_cwes, 0 },
	{ "products", k_products, 0 },
	{ "references", k_references, 0 },
	{ "audience", k_audience, 0 },
	{ "recipients", k_recipients, 0 },
	{ "embargo", k_embargo, 0 },
	{ "tlp_downgrade", k_downgrade, 0 },
	{ "revisions", k_revisions, 1 },
	{ NULL, NULL, 0 }
};

static const char *const keynames[] = {
	"id", "title", "lang", "summary", "tlp", "status", "severity", "cvss",
	"cves", "cwes", "products", "references", "audience", "recipients",
	"embargo", "tlp_downgrade", "revisions", NULL
};

/* ---- the body ------------------------------------------------------------------- */

/*
 * Bounds checked on the raw Markdown before cmark-gfm sees it. Debian 12's
 * cmark-gfm (0.29.0.gfm.6) lacks upstream fixes for inputs that make it
 * quadratic (CVE-2023-24824, -22486, -37463 and relatives: deep nesting
 * with blank lines, runs of "![[]()", tables with many columns, header
 * probes and autocompleted cells, e-mail autolinks); every quantity below
 * over-counts what cmark-gfm does, so that a body within the bounds parses
 * in time linear in its size (bench/scaling, bench/pathological). Real
 * advisories stay far below each bound.
 */
struct scan {
	unsigned long pipes, cells, probe, ordered;
	unsigned long long walked, run_walk; /* header probes walking back */
	unsigned long run_last_pipe;    /* offset in the run after its last '|' */
	unsigned long long brackets;
	unsigned long run_open, run_close, run_bytes;
	unsigned long table_cols;       /* columns of the table being read */
};

static int too_much(struct pctx *c, unsigned line, const char *hint, const char *what,
		    unsigned long limit)
{
	report(c, TLPRESS_ERROR, line, 1, NULL, hint, "%s (at most %lu)", what, limit);
	return -1;
}

/* A table delimiter row: only '-', ':', '|', blanks, with a '-', and not
 * only '-' and blanks (a setext underline or a thematic break). */
static int delimiter_row(const char *p, const char *e)
{
	int dash = 0, other = 0;

	for (; p < e; p++) {
		if (*p == '-')
			dash = 1;
		else if (*p == ':' || *p == '|')
			other = 1;
		else if (*p != ' ' && *p != '\t' && *p != '\v' && *p != '\f' && *p != '>')
			return 0;
	}
	return dash && other;
}

/* A thematic break (- - -, ***, ___): not a list, however many marks. */
static int thematic_break(const char *p, const char *e)
{
	char m = 0;
	int n = 0;

	for (; p < e; p++) {
		if (*p == ' ' || *p == '\t')
			continue;
		if ((*p != '-' && *p != '*' && *p != '_') || (m && *p != m))
			return 0;
		m = *p;
		n++;
	}
	return n >= 3;
}

static int blank_line(const char *p, const char *e)
{
	for (; p < e; p++)
		if (*p != ' ' && *p != '\t')
			return 0;
	return 1;
}

/* the bytes prescan() counts on every line */
static const unsigned char counted[256] = { ['|'] = 1, ['@'] = 1, ['['] = 1, [']'] = 1 };

static int prescan(struct pctx *c, const char *s, size_t n, unsigned first_line)
{
	struct scan sc;
	unsigned line = first_line;
	unsigned long lines = 0;
	size_t i = 0;

	memset(&sc, 0, sizeof(sc));
	while (i <= n) {
		const char *eol = i < n ? memchr(s + i, '\n', n - i) : NULL;
		size_t len = eol ? (size_t)(eol - (s + i)) : n - i;
		const char *p = s + i, *e = p + len, *q;
		unsigned depth = 0, indent = 0, listed = 0, ordered = 0;
		unsigned long pipes = 0, at = 0;

		if (len && e[-1] == '\r')
			e--; /* CRLF; a lone CR is refused with the file's text */
		if (len > TLPRESS_MAX_LINE)
			return too_much(c, line, "break the line; long data belongs in a linked file",
					"line too long", TLPRESS_MAX_LINE);
		if (++lines > TLPRESS_MAX_LINES)
			return too_much(c, line, "split the advisory", "too many lines",
					TLPRESS_MAX_LINES);
		if (blank_line(p, e)) {
			/* the end of a run of lines: a paragraph, a table */
			sc.brackets += (unsigned long long)sc.run_open * sc.run_close;
			if (sc.brackets > TLPRESS_MAX_BRACKETS)
				return too_much(c, line, "fewer '[' and ']' in one paragraph",
						"too many brackets in paragraphs",
						TLPRESS_MAX_BRACKETS);
			sc.run_open = sc.run_close = sc.run_bytes = sc.table_cols = 0;
			sc.run_walk = sc.run_last_pipe = 0;
			goto next;
		}
		for (q = p; q < e; q++) {
			/* one test per byte: most are none of the four */
			if (!counted[(unsigned char)*q])
				continue;
			if (*q == '|')
				pipes++;
			else if (*q == '@')
				at++;
			else if (*q == '[')
				sc.run_open++;
			else
				sc.run_close++;
		}
		if (pipes > TLPRESS_MAX_PIPES_LINE)
			return too_much(c, line, "a table row has at most 127 columns",
					"too many '|' on one line", TLPRESS_MAX_PIPES_LINE);
		if ((sc.pipes += pipes) > TLPRESS_MAX_PIPES)
			return too_much(c, line, "split the tables over several advisories",
					"too many '|' in the body", TLPRESS_MAX_PIPES);
		if (at > TLPRESS_MAX_AT_LINE)
			return too_much(c, line, "put fewer e-mail addresses on one line",
					"too many '@' on one line", TLPRESS_MAX_AT_LINE);
		/* each line of the run: how far a header probe walks back from it
		 * to the run's last '|' */
		sc.run_walk += sc.run_bytes - sc.run_last_pipe;
		if (delimiter_row(p, e)) {
			/* cmark-gfm reads the run so far again as a header row, and
			 * walks back over its lines, at every such line */
			sc.probe += sc.run_bytes;
			sc.walked += sc.run_walk;
			if (sc.probe > TLPRESS_MAX_TABLE_PROBE ||
			    sc.walked > (unsigned long long)TLPRESS_MAX_TABLE_PROBE * 64)
				return too_much(c, line, "put a blank line before each table",
						"too much text before table delimiter rows",
						TLPRESS_MAX_TABLE_PROBE);
			if (!sc.table_cols)
				sc.table_cols = pipes + 1;
		} else if (sc.table_cols) {
			/* a row of the table being read: cells may be autocompleted */
			if ((sc.cells += sc.table_cols) > TLPRESS_MAX_TABLE_CELLS)
				return too_much(c, line, "make the tables smaller",
						"too many table cells", TLPRESS_MAX_TABLE_CELLS);
		}
		if (pipes) {
			const char *lp = e;

			while (lp > p && lp[-1] != '|')
				lp--;
			sc.run_last_pipe = sc.run_bytes + (unsigned long)(lp - (s + i));
		}
		sc.run_bytes += len + 1;
		if (thematic_break(p, e))
			goto next;
		for (;;) {
			unsigned sp = 0;

			while (p < e && (*p == ' ' || *p == '\t')) {
				sp += *p == '\t' ? 4 : 1;
				p++;
			}
			indent += sp;
			if (p < e && *p == '>') {
				depth++;
				p++;
				continue;
			}
			if (p < e && (*p == '-' || *p == '*' || *p == '+') &&
			    (p + 1 == e || p[1] == ' ' || p[1] == '\t')) {
				depth++;
				listed = 1;
				p++;
				continue;
			}
			if (p < e && is_digit(*p)) {
				const char *d = p;

				while (d < e && is_digit(*d) && d - p < 10)
					d++;
				if (d < e && (*d == '.' || *d == ')') &&
				    (d + 1 == e || d[1] == ' ' || d[1] == '\t')) {
					depth++;
					listed = 1;
					ordered++;
					p = d + 1;
					continue;
				}
			}
			break;
		}
		if (listed)
			depth += indent / 2;
		if (depth > TLPRESS_MAX_NESTING) {
			report(c, TLPRESS_ERROR, line, 1, NULL,
			       "flatten the structure: lists and quotes nest at most 32 levels",
			       "lists or block quotes nest more than %d levels deep",
			       TLPRESS_MAX_NESTING);
			return -1;
		}
		if ((sc.ordered += ordered) > TLPRESS_MAX_ORDERED)
			return too_much(c, line, "split long numbered lists",
					"too many numbered list items", TLPRESS_MAX_ORDERED);
next:
		if (!eol)
			break;
		i += len + 1;
		line++;
	}
	sc.brackets += (unsigned long long)sc.run_open * sc.run_close;
	if (sc.brackets > TLPRESS_MAX_BRACKETS)
		return too_much(c, line, "fewer '[' and ']' in one paragraph",
				"too many brackets in paragraphs", TLPRESS_MAX_BRACKETS);
	return 0;
}

/* After parsing: the depth of the tree, which the Markdown and text
 * renderers of this cmark-gfm pay for quadratically. */
static int tree_depth_ok(struct pctx *c, cmark_node *doc, unsigned first_line)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	int ok = 1;

	while (ok && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *cur = cmark_iter_get_node(it), *up;
		int depth = 0;

		if (ev != CMARK_EVENT_ENTER || cmark_node_first_child(cur))
			continue; /* count at the leaves: the deepest nodes */
		for (up = cur; up && depth <= TLPRESS_MAX_DEPTH; up = cmark_node_parent(up))
			depth++;
		if (depth > TLPRESS_MAX_DEPTH) {
			report(c, TLPRESS_ERROR,
			       (unsigned)cmark_node_get_start_line(cur) + first_line - 1, 1, NULL,
			       "nest emphasis, links and lists less deeply",
			       "the text nests more than %d levels deep", TLPRESS_MAX_DEPTH);
			ok = 0;
		}
	}
	cmark_iter_free(it);
	return ok ? 0 : -1;
}

/* The text of a node's descendants (text, code, line breaks as spaces). */
static void node_text(cmark_node *node, char *buf, size_t size)
{
	cmark_iter *it = cmark_iter_new(node);
	cmark_event_type ev;
	size_t len = 0;

	buf[0] = '\0';
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *cur = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(cur);
		const char *lit = NULL;

		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)
			lit = cmark_node_get_literal(cur);
		else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
			lit = " ";
		if (lit) {
			size_t l = strlen(lit);

			if (len + l >= size)
				l = size - 1 - len;
			memcpy(buf + len, lit, l);
			len += l;
			buf[len] = '\0';
		}
	}
	cmark_iter_free(it);
}

/*
 * Find a marking at the end of heading text: "... [TLP:AMBER]". Returns 1
 * and stores the label when there is a valid one, 0 when there is none,
 * -1 when there is one that is not a valid label (reported). *cut gets the
 * length of the text before the marking.
 */
static int heading_mark(struct pctx *c, const char *text, unsigned line,
			unsigned col, enum tlpress_tlp *out, size_t *cut)
{
	size_t n = strlen(text);
	const char *open;
	char hint[128];
	int r;

	while (n && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	*cut = n;
	if (!n || text[n - 1] != ']')
		return 0;
	open = NULL;
	for (size_t i = n - 1; i-- > 0;)
		if (text[i] == '[') {
			open = text + i;
			break;
		}
	if (!open || (size_t)(text + n - open) < 6 || strncasecmp(open + 1, "TLP:", 4) != 0)
		return 0;
	{
		const char *l = open + 5, *e = text + n - 1;
		int tl = (int)(open - text);

		while (tl > 0 && text[tl - 1] == ' ')
			tl--;

		while (l < e && *l == ' ')
			l++;
		while (e > l && e[-1] == ' ')
			e--;
		r = tlpress_tlp_parse(l, (size_t)(e - l), out);
		if (r == TLPRESS_TLP_PARSE_OK && strncmp(open + 1, "TLP:", 4) == 0 &&
		    l == open + 5 && e == text + n - 1) {
			*cut = (size_t)(open - text);
			while (*cut && text[*cut - 1] == ' ')
				(*cut)--;
			return 1;
		}
		if (r == TLPRESS_TLP_PARSE_WHITE) {
			report(c, TLPRESS_ERROR, line, col, NULL, "TLP 2.0 replaced WHITE: write [TLP:CLEAR]",
			       "section '%.*s' is marked with TLP 1.0's WHITE", tl, text);
		} else if (r == TLPRESS_TLP_PARSE_OK || r == TLPRESS_TLP_PARSE_CASE) {
			snprintf(hint, sizeof(hint), "write the marking as [%s]",
				 tlpress_tlp_label(*out));
			report(c, TLPRESS_ERROR, line, col, NULL, hint,
			       "section '%.*s': marking '%.*s' is not written as TLP 2.0 writes labels",
			       tl, text, (int)(text + n - open), open);
		} else {
			report(c, TLPRESS_ERROR, line, col, NULL,
			       "use [TLP:CLEAR], [TLP:GREEN], [TLP:AMBER], [TLP:AMBER+STRICT] or [TLP:RED]",
			       "section '%.*s': unknown TLP label in marking '%.*s'",
			       tl, text, (int)(text + n - open), open);
		}
	}
	return -1;
}

struct open_heading {
	int level;
	int section;        /* marked section index, or -1 */
};

static void body_parse(struct pctx *c)
{
	struct tlpress_advisory *a = c->adv;
	struct open_heading stack[8];
	size_t depth = 0, cap = 0, scap = 0;
	cmark_parser *p;
	cmark_node *node;
	cmark_iter *it;
	cmark_event_type ev;
	char text[1024];

	a->max_mark = -1;
	if (prescan(c, a->body, a->body_len, a->body_line) < 0)
		return;
	p = cmark_parser_new_with_mem(tlpress_markdown_options(), &md_mem);
	if (!p) {
		c->nomem = 1;
		return;
	}
	for (cmark_llist *l = tlpress_markdown_extensions(); l; l = l->next)
		cmark_parser_attach_syntax_extension(p, l->data);
	cmark_parser_feed(p, a->body, a->body_len);
	a->doc = cmark_parser_finish(p);
	cmark_parser_free(p);
	if (!a->doc) {
		c->nomem = 1;
		return;
	}
	if (tree_depth_ok(c, a->doc, a->body_line) < 0)
		return;

	for (node = cmark_node_first_child(a->doc); node; node = cmark_node_next(node)) {
		struct tlpress_block *b;
		unsigned line = (unsigned)cmark_node_get_start_line(node) + a->body_line - 1;
		unsigned col = (unsigned)cmark_node_get_start_column(node);

		if (a->nblocks == cap) {
			size_t nc = cap ? cap * 2 : 32;
			struct tlpress_block *nb = tlpress_arena_realloc(a->blocks,
									 nc * sizeof(*nb));

			if (!nb) {
				c->nomem = 1;
				return;
			}
			a->blocks = nb;
			cap = nc;
		}
		if (cmark_node_get_type(node) == CMARK_NODE_HEADING) {
			int level = cmark_node_get_heading_level(node);
			enum tlpress_tlp mark;
			size_t cut;
			int m;

			while (depth && stack[depth - 1].level >= level) {
				depth--;
				if (stack[depth].section >= 0)
					a->sections[stack[depth].section].end = a->nblocks;
			}
			node_text(node, text, sizeof(text));
			m = heading_mark(c, text, line, col, &mark, &cut);
			if (m < 0)
				c->marks_bad = 1;
			if (m == 1) {
				struct tlpress_section *s;
				int parent = -1;
				enum tlpress_tlp enclosing = a->tlp;

				for (size_t k = depth; k-- > 0;)
					if (stack[k].section >= 0) {
						parent = stack[k].section;
						break;
					}
				if (parent >= 0)
					enclosing = a->sections[parent].label;
				if (mark < enclosing && !c->tlp_bad) {
					char hint[200];

					snprintf(hint, sizeof(hint),
						 "a section can only raise the label: mark it %s or higher, "
						 "or move it out of the %s part",
						 tlpress_tlp_label(enclosing), tlpress_tlp_label(enclosing));
					text[cut] = '\0';
					if (parent >= 0)
						report(c, TLPRESS_ERROR, line, col, NULL, hint,
						       "section '%.80s' marked %s is inside section '%.80s' marked %s",
						       text, tlpress_tlp_label(mark),
						       a->sections[parent].title ? a->sections[parent].title : "",
						       tlpress_tlp_label(enclosing));
					else
						report(c, TLPRESS_ERROR, line, col, "tlp", hint,
						       "section '%.80s' marked %s is below the advisory's 'tlp' %s",
						       text, tlpress_tlp_label(mark), tlpress_tlp_label(enclosing));
				}
				if (a->nsections == scap) {
					size_t nc = scap ? scap * 2 : 8;
					struct tlpress_section *ns =
						tlpress_arena_realloc(a->sections, nc * sizeof(*ns));

					if (!ns) {
						c->nomem = 1;
						return;
					}
					a->sections = ns;
					scap = nc;
				}
				s = &a->sections[a->nsections];
				memset(s, 0, sizeof(*s));
				s->mark = mark;
				s->label = tlpress_tlp_max(mark, enclosing);
				s->parent = parent;
				s->level = level;
				s->first = a->nblocks;
				s->end = (size_t)-1;
				s->line = line;
				text[cut] = '\0';
				s->title = xstrdup(c, text);
				if ((int)s->label > a->max_mark)
					a->max_mark = (int)s->label;
				if (depth < sizeof(stack) / sizeof(stack[0])) {
					stack[depth].level = level;
					stack[depth].section = (int)a->nsections;
					depth++;
				}
				a->nsections++;
			} else if (depth < sizeof(stack) / sizeof(stack[0])) {
				stack[depth].level = level;
				stack[depth].section = -1;
				depth++;
			}
		} else if (cmark_node_get_type(node) == CMARK_NODE_PARAGRAPH) {
			size_t cut;
			enum tlpress_tlp mark;

			node_text(node, text, sizeof(text));
			if (strncasecmp(text, "[TLP:", 5) == 0 ||
			    (heading_mark(c, text, line, col, &mark, &cut) == 1))
				report(c, TLPRESS_WARNING, line, col, NULL,
				       "end a heading with the marking to label the section below it",
				       "a TLP marking counts only at the end of a heading: "
				       "this paragraph is labelled like the text around it");
		}
		b = &a->blocks[a->nblocks++];
		b->node = node;
		b->line = line;
		b->section = -1;
		b->mark = -1;
		for (size_t k = depth; k-- > 0;)
			if (stack[k].section >= 0) {
				b->section = stack[k].section;
				b->mark = (int)a->sections[b->section].label;
				break;
			}
	}
	while (depth) {
		depth--;
		if (stack[depth].section >= 0)
			a->sections[stack[depth].section].end = a->nblocks;
	}

	/* markings on headings that are not top-level do not count: say so */
	it = cmark_iter_new(a->doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *cur = cmark_iter_get_node(it);
		enum tlpress_tlp mark;
		size_t cut;

		if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(cur) != CMARK_NODE_HEADING ||
		    cmark_node_parent(cur) == a->doc)
			continue;
		node_text(cur, text, sizeof(text));
		if (heading_mark(c, text, 0, 0, &mark, &cut) == 1) {
			text[cut] = '\0';
			report(c, TLPRESS_ERROR,
			       (unsigned)cmark_node_get_start_line(cur) + a->body_line - 1,
			       (unsigned)cmark_node_get_start_column(cur), NULL,
			       "move the heading out of the list or block quote",
			       "section '%.80s': a TLP marking must be on a top-level heading, "
			       "not inside a list or block quote", text);
		}
	}
	cmark_iter_free(it);
}

cmark_node *tlpress_advisory_summary_block(const struct tlpress_advisory *adv)
{
	size_t i;

	for (i = 0; i < adv->nblocks; i++)
		if (adv->blocks[i].mark < 0 &&
		    cmark_node_get_type(adv->blocks[i].node) == CMARK_NODE_PARAGRAPH)
			return adv->blocks[i].node;
	return NULL;
}

/* ---- the whole file ---------------------------------------------------------------- */

enum tlpress_tlp tlpress_advisory_doc_label(const struct tlpress_advisory *adv)
{
	enum tlpress_tlp t = adv->tlp;

	if (adv->max_mark > (int)t)
		t = (enum tlpress_tlp)adv->max_mark;
	return t;
}

const struct tlpress_revision *
tlpress_advisory_current(const struct tlpress_advisory *adv)
{
	return adv->nrevisions ? &adv->revisions[adv->nrevisions - 1] : NULL;
}

/* Line and column of byte offset off. */
static void position(const char *s, size_t off, unsigned *line, unsigned *col)
{
	size_t i, ls = 0;

	*line = 1;
	for (i = 0; i < off; i++)
		if (s[i] == '\n') {
			(*line)++;
			ls = i + 1;
		}
	/* the column counts characters, not bytes */
	*col = 1;
	for (i = ls; i < off; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			(*col)++;
}

static int check_text(struct pctx *c, const char *s, size_t n)
{
	long bad = tlpress_utf8_check(s, n);
	unsigned line, col;
	size_t i;

	if (bad >= 0) {
		position(s, (size_t)bad, &line, &col);
		report(c, TLPRESS_ERROR, line, col, NULL,
		       "save the file as UTF-8 (iconv -f latin1 -t utf-8 converts Latin-1)",
		       "invalid UTF-8 (byte 0x%02X)", (unsigned char)s[bad]);
		return -1;
	}
	for (i = 0; i < n;) {
		unsigned cp;
		int l;

		/* printable ASCII, tab and line feed: most of any file */
		i += tlpress_printable_run(s + i, n - i);
		if (i >= n)
			break;
		if (s[i] == '\n' || s[i] == '\t') {
			i++;
			continue;
		}
		l = tlpress_utf8_decode(s + i, n - i, &cp);
		if ((tlpress_is_bad_control(cp) || cp == '\r') &&
		    !(cp == '\r' && i + 1 < n && s[i + 1] == '\n')) {
			if (cp == '\r') {
				position(s, i, &line, &col);
				report(c, TLPRESS_ERROR, line, col, NULL,
				       "save the file with LF (or CRLF) line endings",
				       "a carriage return without a line feed (old Mac line ending)");
				return -1;
			}
			position(s, i, &line, &col);
			report(c, TLPRESS_ERROR, line, col, NULL, "remove it",
			       cp == 0 ? "NUL byte in the file" :
			       "control character U+%04X in the file", cp);
			return -1;
		}
		i += (size_t)l;
	}
	return 0;
}

/*
 * Diagnostics d->v[from..] that point into the front matter (lines 2 to
 * last) but name no key get the key their line belongs to: the nearest
 * line at or above it that starts with "key:".
 */
static void name_keys(struct tlpress_diags *d, size_t from, const char *s,
		      size_t len, unsigned last)
{
	size_t j;

	for (j = from; j < d->n; j++) {
		struct tlpress_diag *g = &d->v[j];
		const char *lines[2048];
		unsigned ln = 1;
		size_t i, k;
		char *m;

		if (g->key || g->line < 2 || g->line > last || last >= 2048)
			continue;
		lines[1] = s;
		for (i = 0; i < len && ln < last; i++)
			if (s[i] == '\n')
				lines[++ln] = s + i + 1;
		for (ln = g->line; ln >= 2; ln--) {
			const char *p = lines[ln];

			for (k = 0; p + k < s + len && ((p[k] >= 'a' && p[k] <= 'z') ||
			     p[k] == '_' || (k && p[k] >= '0' && p[k] <= '9')); k++)
				;
			if (k && p + k < s + len && p[k] == ':')
				break;
		}
		if (ln < 2)
			continue;
		/* the diagnostic's strings are its own (libc's) */
		m = malloc(strlen(g->msg) + k + 16);
		if (!m)
			continue;
		sprintf(m, "%s (in '%.*s')", g->msg, (int)k, lines[ln]);
		free(g->msg);
		g->msg = m;
		g->key = strndup(lines[ln], k);
	}
}

/* Is the line at s (up to n bytes) exactly `mark` (--- or ...), allowing
 * trailing white space and CR? */
static int fence_line(const char *s, size_t n, const char *mark)
{
	size_t i;

	if (n < 3 || memcmp(s, mark, 3) != 0)
		return 0;
	for (i = 3; i < n && s[i] != '\n'; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* The last line of the front matter (before its closing '---'), or 0. */
static unsigned fm_last_line(const char *s, size_t len)
{
	unsigned line = 1;
	size_t i = 0;

	if (!fence_line(s, len, "---"))
		return 0;
	while (i < len) {
		const char *eol = memchr(s + i, '\n', len - i);
		size_t n = eol ? (size_t)(eol - (s + i)) : len - i;

		if (line > 1 && (fence_line(s + i, n, "---") || fence_line(s + i, n, "...")))
			return line - 1;
		i += n + 1;
		line++;
	}
	return 0;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* The checks across keys that need the front matter alone. */
static void front_checks(struct pctx *c, const struct tlpress_ynode *root)
{
	struct tlpress_advisory *a = c->adv;
	size_t i;

	for (i = 0; keydefs[i].name; i++) {
		if (keydefs[i].required && !tlpress_ymap_get(root, keydefs[i].name, NULL)) {
			report(c, TLPRESS_ERROR, 1, 1, keydefs[i].name,
			       strcmp(keydefs[i].name, "revisions") == 0 ?
			       "add revisions: [{version: 1, date: TIMESTAMP, summary: Initial release}]" :
			       "every advisory has id, title, tlp and revisions",
			       "missing required key '%s'", keydefs[i].name);
		}
	}
	if (a->id) {
		char want[64];
		const char *bn = base_name(c->file);

		snprintf(want, sizeof(want), "%s.md", a->id);
		if (strcmp(bn, want) != 0) {
			char hint[160];

			snprintf(hint, sizeof(hint), "rename the file to %s, or correct the id", want);
			report(c, TLPRESS_ERROR, a->id_pos.line, a->id_pos.col, "id", hint,
			       "file name '%s' does not match its 'id' %s", bn, a->id);
		}
	}
	if (a->has_cvss) {
		if (!a->has_severity) {
			a->has_severity = 1;
			a->severity = a->cvss.severity;
		} else if (a->severity != a->cvss.severity) {
			const struct tlpress_ynode *k = NULL;
			char score[8], hint[160];

			k = tlpress_ymap_get(root, "severity", NULL);
			tlpress_cvss_score_str(a->cvss.score10, score, sizeof(score));
			snprintf(hint, sizeof(hint), "the vector scores %s (%s); check the vector or the severity",
				 score, tlpress_cvss_severity_name(a->cvss.severity));
			report(c, TLPRESS_WARNING, k ? k->line : 1, k ? k->col : 1, "severity", hint,
			       "'severity' is %s but the CVSS vector says %s",
			       tlpress_cvss_severity_name(a->severity),
			       tlpress_cvss_severity_name(a->cvss.severity));
		}
	}
	if (a->downgrade.set && a->downgrade.to >= a->tlp) {
		const struct tlpress_ynode *k = NULL;

		tlpress_ymap_get(root, "tlp_downgrade", &k);
		report(c, TLPRESS_ERROR, k ? k->line : 1, k ? k->col : 1, "tlp_downgrade",
		       "a downgrade lowers the label: 'to' must be below 'tlp'",
		       "'tlp_downgrade' to %s does not lower %s",
		       tlpress_tlp_label(a->downgrade.to), tlpress_tlp_label(a->tlp));
	}
}

/* Those that need the body too (its sections' labels, its summary). */
static void late_checks(struct pctx *c, const struct tlpress_ynode *root)
{
	struct tlpress_advisory *a = c->adv;
	enum tlpress_tlp doc;
	size_t i;

	if (c->tlp_bad || c->marks_bad)
		return;
	doc = tlpress_advisory_doc_label(a);
	if (doc >= TLPRESS_TLP_AMBER && !a->nrecipients &&
	    !tlpress_ymap_get(root, "recipients", NULL) && a->tlp_pos.line) {
		unsigned line = a->tlp_pos.line, col = a->tlp_pos.col;

		if (a->tlp < TLPRESS_TLP_AMBER) {
			for (i = 0; i < a->nsections; i++)
				if (a->sections[i].label >= TLPRESS_TLP_AMBER) {
					line = a->sections[i].line;
					col = 1;
					break;
				}
		}
		report(c, TLPRESS_ERROR, line, col, "recipients",
		       "name the lists or addresses cleared for it under 'recipients'",
		       "'recipients' is required: the advisory holds %s content, which "
		       "goes only to named recipients", tlpress_tlp_label(doc));
	} else if (doc <= TLPRESS_TLP_GREEN && tlpress_ymap_get(root, "recipients", NULL)) {
		report(c, TLPRESS_ERROR, a->recipients_pos.line, a->recipients_pos.col,
		       "recipients",
		       "remove 'recipients': CLEAR and GREEN go to the lists cleared for them by audience",
		       "'recipients' on a %s advisory", tlpress_tlp_label(doc));
	}
	if (a->status != TLPRESS_STATUS_DRAFT && !a->summary && a->doc &&
	    !tlpress_advisory_summary_block(a) && a->nerrors == 0)
		report(c, TLPRESS_WARNING, a->body_line, 1, "summary",
		       "add 'summary', or start the body with an unmarked paragraph",
		       "no summary: the feed and index will show none");
}

struct tlpress_advisory *tlpress_advisory_parse(const char *path,
						const char *data, size_t len,
						struct tlpress_diags *diags)
{
	return tlpress_advisory_parse_ex(path, data, len, 0, diags);
}

struct tlpress_advisory *tlpress_advisory_parse_ex(const char *path, const char *data,
						   size_t len, unsigned flags,
						   struct tlpress_diags *diags)
{
	struct tlpress_advisory *a = tlpress_arena_calloc(1, sizeof(*a));
	struct pctx c = { a, diags, path, 0, 1, 0 };
	const struct tlpress_ynode *root = NULL;
	struct tlpress_ynode *tree = NULL;
	const char *s, *fm, *end;
	size_t i, n, off, first_diag;
	unsigned line;

	if (!a || !(a->path = tlpress_arena_strdup(path)) ||
	    !(a->data = tlpress_arena_malloc(len + 1)) || !(a->lang = tlpress_arena_strdup("en"))) {
		tlpress_diags_add(diags, TLPRESS_ERROR, path, 0, 0, NULL, NULL, "out of memory");
		tlpress_advisory_free(a);
		return NULL;
	}
	memcpy(a->data, data, len);
	a->data[len] = '\0';
	a->len = len;
	a->tlp = TLPRESS_TLP_RED;
	a->status = TLPRESS_STATUS_FINAL;
	a->audience = TLPRESS_AUD_ALL;
	a->max_mark = -1;
	a->flags = flags;
	s = a->data;

	if (len > TLPRESS_MAX_FILE_SIZE) {
		report(&c, TLPRESS_ERROR, 0, 0, NULL, "split the advisory or move data to linked files",
		       "file is %zu bytes; at most %d are allowed", len, TLPRESS_MAX_FILE_SIZE);
		goto fatal;
	}
	if (len == 0) {
		report(&c, TLPRESS_ERROR, 1, 1, NULL,
		       "start the file with a line '---', the front matter, and another '---'",
		       "empty file");
		goto fatal;
	}
	if (check_text(&c, s, len) < 0) {
		name_keys(diags, diags->n - 1, s, len, fm_last_line(s, len));
		goto fatal;
	}
	off = 0;
	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		off = 3; /* a byte order mark */
	if (!fence_line(s + off, len - off, "---")) {
		report(&c, TLPRESS_ERROR, 1, 1, NULL,
		       "start the file with a line '---', the YAML front matter, and another '---'",
		       "missing front matter: the first line is not '---'");
		goto fatal;
	}
	/* the front matter runs to a line '---' or '...' */
	fm = memchr(s + off, '\n', len - off);
	if (!fm) {
		report(&c, TLPRESS_ERROR, 1, 1, NULL, "end the front matter with a line '---'",
		       "front matter without its closing '---'");
		goto fatal;
	}
	fm++;
	line = 2;
	end = NULL;
	for (i = (size_t)(fm - s); i < len;) {
		const char *eol = memchr(s + i, '\n', len - i);

		n = eol ? (size_t)(eol - (s + i)) : len - i;
		if (fence_line(s + i, n, "---") || fence_line(s + i, n, "...")) {
			end = s + i;
			break;
		}
		i += n + 1;
		line++;
	}
	if (!end) {
		report(&c, TLPRESS_ERROR, 1, 1, NULL,
		       "end the front matter with a line '---' before the body",
		       "front matter without its closing '---'");
		goto fatal;
	}
	first_diag = diags->n;
	tree = tlpress_yparse(fm, (size_t)(end - fm), path, 2, NULL, diags);
	name_keys(diags, first_diag, s, len, line - 1);
	if (!tree) {
		a->nerrors++;
		goto fatal;
	}
	if (tree->type != TLPRESS_Y_MAP) {
		report(&c, TLPRESS_ERROR, tree->line, tree->col, NULL,
		       "write one 'key: value' per line", "front matter must be a mapping of keys");
		goto fatal;
	}
	root = tree;
	for (i = 0; i < root->n; i++) {
		const struct tlpress_ynode *k = root->keys[i];
		size_t j;

		for (j = 0; keydefs[j].name; j++)
			if (strcmp(k->str, keydefs[j].name) == 0)
				break;
		if (keydefs[j].name) {
			keydefs[j].fn(&c, keydefs[j].name, root->items[i]);
		} else {
			const char *near = tlpress_closest(k->str, keynames);
			char hint[128];

			if (near)
				snprintf(hint, sizeof(hint), "did you mean '%s'?", near);
			else
				snprintf(hint, sizeof(hint), "see docs/advisory-format.md for the keys");
			report(&c, TLPRESS_ERROR, k->line, k->col, k->str, hint,
			       "unknown key '%.60s'", k->str);
		}
	}

	/* the body: after the closing line */
	{
		const char *eol = memchr(end, '\n', len - (size_t)(end - s));

		a->body = eol ? eol + 1 : s + len;
		a->body_len = len - (size_t)(a->body - s);
		a->body_line = line + 1;
	}
	if (!(flags & TLPRESS_PARSE_FRONT_ONLY))
		body_parse(&c);
	a->front_checks_at = diags->n;
	front_checks(&c, root);
	if (!(flags & TLPRESS_PARSE_FRONT_ONLY))
		late_checks(&c, root);
	if (c.nomem)
		report(&c, TLPRESS_ERROR, 0, 0, NULL, NULL, "out of memory");
	if ((flags & TLPRESS_PARSE_FRONT_ONLY) && (flags & TLPRESS_PARSE_RESUMABLE) && !c.nomem) {
		a->front = tree;
		a->front_tlp_bad = c.tlp_bad;
	} else {
		tlpress_ynode_free(tree);
	}
	return a;

fatal:
	tlpress_ynode_free(tree);
	tlpress_advisory_free(a);
	return NULL;
}

/* Move the diagnostics v[from..n) to v[at..), after those of v[at..from). */
static void diags_move_before(struct tlpress_diags *d, size_t at, size_t from)
{
	while (from > at && from < d->n) {
		/* one at a time: a body seldom has more than a few */
		struct tlpress_diag g = d->v[from];

		memmove(&d->v[at + 1], &d->v[at], (from - at) * sizeof(*d->v));
		d->v[at++] = g;
		from++;
	}
}

int tlpress_advisory_finish(struct tlpress_advisory *a, struct tlpress_diags *diags)
{
	struct pctx c = { a, diags, NULL, 0, 0, 0 };
	size_t body_at;

	if (!a || !a->front)
		return -1;
	c.file = a->path;
	c.tlp_bad = a->front_tlp_bad;
	a->flags &= ~(unsigned)(TLPRESS_PARSE_FRONT_ONLY | TLPRESS_PARSE_RESUMABLE);
	body_at = diags->n;
	body_parse(&c);
	/* as the whole parse reports them: the body's before the checks */
	diags_move_before(diags, a->front_checks_at, body_at);
	late_checks(&c, a->front);
	if (c.nomem)
		report(&c, TLPRESS_ERROR, 0, 0, NULL, NULL, "out of memory");
	tlpress_ynode_free(a->front);
	a->front = NULL;
	return 0;
}

struct tlpress_advisory *tlpress_advisory_load(const char *path,
					       struct tlpress_diags *diags)
{
	return tlpress_advisory_load_ex(path, 0, diags);
}

struct tlpress_advisory *tlpress_advisory_load_ex(const char *path, unsigned flags,
						  struct tlpress_diags *diags)
{
	struct tlpress_advisory *a;
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		tlpress_diags_add(diags, TLPRESS_ERROR, path, 0, 0, NULL, tlpress_errno_hint(e),
				  "cannot open advisory: %s", strerror(e));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		tlpress_diags_add(diags, TLPRESS_ERROR, path, 0, 0, NULL,
				  "name an advisory file (ID.md) or a folder of them",
				  "not a regular file");
		close(fd);
		return NULL;
	}
	if (st.st_size > TLPRESS_MAX_FILE_SIZE) {
		tlpress_diags_add(diags, TLPRESS_ERROR, path, 0, 0, NULL,
				  "split the advisory or move data to linked files",
				  "file is %lld bytes; at most %d are allowed",
				  (long long)st.st_size, TLPRESS_MAX_FILE_SIZE);
		close(fd);
		return NULL;
	}
	buf = tlpress_arena_malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		tlpress_diags_add(diags, TLPRESS_ERROR, path, 0, 0, NULL, NULL, "out of memory");
		return NULL;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int e = errno;

			if (r < 0)
				tlpress_diags_add(diags, TLPRESS_ERROR, path, 0, 0, NULL,
						  tlpress_errno_hint(e), "cannot read advisory: %s",
						  strerror(e));
			break;
		}
		got += (size_t)r;
	}
	close(fd);
	if (got < (size_t)st.st_size && diags->nerrors) {
		tlpress_arena_free(buf);
		return NULL;
	}
	a = tlpress_advisory_parse_ex(path, buf, got, flags, diags);
	tlpress_arena_free(buf);
	return a;
}

void tlpress_advisory_free(struct tlpress_advisory *a)
{
	size_t i;

	if (!a)
		return;
	tlpress_ynode_free(a->front);
	tlpress_arena_free(a->path);
	tlpress_arena_free(a->id);
	tlpress_arena_free(a->title);
	tlpress_arena_free(a->lang);
	tlpress_arena_free(a->summary);
	for (i = 0; i < a->ncves; i++)
		tlpress_arena_free(a->cves[i]);
	tlpress_arena_free(a->cves);
	for (i = 0; i < a->ncwes; i++) {
		tlpress_arena_free(a->cwes[i].id);
		tlpress_arena_free(a->cwes[i].name);
	}
	tlpress_arena_free(a->cwes);
	for (i = 0; i < a->nproducts; i++) {
		tlpress_arena_free(a->products[i].vendor);
		tlpress_arena_free(a->products[i].product);
		tlpress_arena_free(a->products[i].affected);
		tlpress_arena_free(a->products[i].fixed);
	}
	tlpress_arena_free(a->products);
	for (i = 0; i < a->nrefs; i++) {
		tlpress_arena_free(a->refs[i].url);
		tlpress_arena_free(a->refs[i].title);
	}
	tlpress_arena_free(a->refs);
	for (i = 0; i < a->nrecipients; i++)
		tlpress_arena_free(a->recipients[i]);
	tlpress_arena_free(a->recipients);
	tlpress_arena_free(a->downgrade.approved_by);
	for (i = 0; i < a->nrevisions; i++)
		tlpress_arena_free(a->revisions[i].summary);
	tlpress_arena_free(a->revisions);
	for (i = 0; i < a->nsections; i++)
		tlpress_arena_free(a->sections[i].title);
	tlpress_arena_free(a->sections);
	tlpress_arena_free(a->blocks);
	if (a->doc)
		cmark_node_free(a->doc);
	tlpress_arena_free(a->data);
	tlpress_arena_free(a);
}
