/* lists.c - the mailing lists of tlpress.yml and their members files; see lists.h */
#include "lists.h"

#include "advisory.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "buf.h"
#include "fsutil.h"
#include "strutil.h"
#include "ytree.h"

/* ---- validators ----------------------------------------------------------- */

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int tlpress_list_name_valid(const char *s)
{
	size_t i;

	if (!s || !((s[0] >= 'a' && s[0] <= 'z') || is_digit(s[0])))
		return -1;
	for (i = 1; s[i]; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '_' || c == '.') ||
		    i >= TLPRESS_LIST_NAME_MAX)
			return -1;
	}
	return 0;
}

int tlpress_mail_address_valid(const char *s)
{
	const char *at, *p;
	size_t n;

	if (!s)
		return -1;
	at = strchr(s, '@');
	n = strlen(s);
	if (!at || at == s || strchr(at + 1, '@') || n > 254)
		return -1;
	for (p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= 0x20 || c >= 0x7F)
			return -1;
		switch (c) {
		case '<': case '>': case '(': case ')': case ',': case ';': case ':':
		case '\\': case '"': case '[': case ']':
			return -1;
		}
	}
	p = at + 1;
	if (!strchr(p, '.') || p[0] == '.' || p[0] == '-' || s[n - 1] == '.' ||
	    s[n - 1] == '-' || strstr(p, ".."))
		return -1;
	for (; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || is_digit(*p) ||
		      *p == '-' || *p == '.'))
			return -1;
	return 0;
}

int tlpress_fpr_valid(const char *s)
{
	size_t i;

	if (!s)
		return -1;
	for (i = 0; s[i]; i++)
		if (!is_hex((unsigned char)s[i]))
			return -1;
	return i == 40 ? 0 : -1;
}

static void upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

/* A value fit to show in a message: printable ASCII as is, every other
 * byte as \xNN, cut after 60 bytes. */
static const char *shown(const char *s, size_t n, char *out, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 8 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i == 60) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7F && c != '\\') {
			out[o++] = (char)c;
		} else {
			snprintf(out + o, size - o, "\\x%02X", c);
			o += 4;
		}
	}
	out[o] = '\0';
	return out;
}

/* ---- lookups ------------------------------------------------------------- */

const struct tlpress_list *tlpress_lists_find(const struct tlpress_lists *lists,
					      const char *name)
{
	size_t i;

	if (!lists || !name)
		return NULL;
	for (i = 0; i < lists->n; i++)
		if (lists->v[i].name && strcmp(lists->v[i].name, name) == 0)
			return &lists->v[i];
	return NULL;
}

const struct tlpress_list *tlpress_lists_find_address(const struct tlpress_lists *lists,
						      const char *address)
{
	size_t i;

	if (!lists || !address)
		return NULL;
	for (i = 0; i < lists->n; i++)
		if (lists->v[i].address && strcasecmp(lists->v[i].address, address) == 0)
			return &lists->v[i];
	return NULL;
}

static int org_cmp(const void *a, const void *b)
{
	return strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

size_t tlpress_list_organizations(const struct tlpress_list *l)
{
	const char **orgs;
	size_t i, n = 0, norgs = 0, anon = 0;

	if (l->mode != TLPRESS_LIST_EXPAND)
		return (size_t)-1;
	if (!l->nmembers)
		return 0;
	orgs = malloc(l->nmembers * sizeof(*orgs));
	if (!orgs)
		return (size_t)-1; /* fail closed: unknown */
	for (i = 0; i < l->nmembers; i++) {
		if (l->members[i].org && l->members[i].org[0])
			orgs[n++] = l->members[i].org;
		else
			anon++;
	}
	qsort(orgs, n, sizeof(*orgs), org_cmp);
	for (i = 0; i < n; i++)
		if (i == 0 || strcasecmp(orgs[i], orgs[i - 1]) != 0)
			norgs++;
	free(orgs);
	return norgs + anon;
}

/* ---- release ------------------------------------------------------------- */

static void list_free(struct tlpress_list *l)
{
	size_t i;

	free(l->name);
	free(l->address);
	free(l->key);
	free(l->members_file);
	for (i = 0; i < l->nmembers; i++) {
		free(l->members[i].address);
		free(l->members[i].fpr);
		free(l->members[i].org);
	}
	free(l->members);
	memset(l, 0, sizeof(*l));
}

void tlpress_lists_release(struct tlpress_lists *lists)
{
	size_t i;

	if (!lists)
		return;
	for (i = 0; i < lists->n; i++)
		list_free(&lists->v[i]);
	free(lists->v);
	lists->v = NULL;
	lists->n = 0;
}

/* ---- members files -------------------------------------------------------- */

struct mctx {
	struct tlpress_diags *d;
	const char *file;
	int errors;
	int oom;
};

static void merr(struct mctx *c, unsigned line, unsigned col, const char *hint,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void merr(struct mctx *c, unsigned line, unsigned col, const char *hint,
		 const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tlpress_diags_add(c->d, TLPRESS_ERROR, c->file, line, col, "members", hint, "%s", msg);
	c->errors++;
}

static void members_free(struct tlpress_member *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(m[i].address);
		free(m[i].fpr);
		free(m[i].org);
	}
	free(m);
}

static int member_cmp(const void *a, const void *b)
{
	const struct tlpress_member *x = *(const struct tlpress_member *const *)a;
	const struct tlpress_member *y = *(const struct tlpress_member *const *)b;
	int r = strcasecmp(x->address, y->address);

	if (r)
		return r;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Check one line (without its end) for bytes that have no place in it:
 * controls other than TAB (a lone CR included) and Unicode line breaks.
 * Returns the 0-based offset of the first, or -1. */
static long bad_char(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned cp;
		int k = tlpress_utf8_decode(s + i, n - i, &cp);

		if ((cp != '\t' && (cp < 0x20 || tlpress_is_bad_control(cp))) ||
		    cp == 0x2028 || cp == 0x2029 || cp == 0x85 ||
		    (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
			return (long)i;
		i += (size_t)(k > 0 ? k : 1);
	}
	return -1;
}

static char *xstrndup(struct mctx *c, const char *s, size_t n)
{
	char *r = strndup(s, n);

	if (!r)
		c->oom = 1;
	return r;
}

/* One line: fields separated by blanks; '#' at the start of a field
 * starts a comment. Returns 0 (member added or nothing there), -1. */
static int member_line(struct mctx *c, struct tlpress_list *l, const char *s, size_t n,
		       unsigned line, size_t *cap)
{
	const char *f[3] = { NULL, NULL, NULL };
	size_t flen[3] = { 0, 0, 0 }, nf = 0, i = 0;
	unsigned fcol[3] = { 0, 0, 0 };
	struct tlpress_buf org = TLPRESS_BUF_INIT;
	struct tlpress_member *m;
	char show[300];
	char *addr;

	while (i < n) {
		size_t start;

		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= n || s[i] == '#')
			break;
		start = i;
		while (i < n && s[i] != ' ' && s[i] != '\t')
			i++;
		if (nf < 2) {
			f[nf] = s + start;
			flen[nf] = i - start;
			fcol[nf] = (unsigned)start + 1;
			nf++;
		} else {
			if (nf == 2) {
				f[2] = s + start;
				fcol[2] = (unsigned)start + 1;
				nf++;
			} else {
				tlpress_buf_addch(&org, ' ');
			}
			tlpress_buf_add(&org, s + start, i - start);
		}
	}
	if (nf == 0) {
		tlpress_buf_release(&org);
		return 0;
	}
	addr = xstrndup(c, f[0], flen[0]);
	if (!addr) {
		tlpress_buf_release(&org);
		return -1;
	}
	if (tlpress_mail_address_valid(addr)) {
		merr(c, line, fcol[0], "write a plain address such as soc@operator.example",
		     "'%s' is not a plain e-mail address", shown(f[0], flen[0], show, sizeof(show)));
		goto bad;
	}
	if (l->address && strcasecmp(addr, l->address) == 0) {
		merr(c, line, fcol[0], "list the people who receive the list's mail",
		     "'%s' is the list's own address", addr);
		goto bad;
	}
	if (nf < 2) {
		merr(c, line, fcol[0] + (unsigned)flen[0],
		     "write 'address fingerprint [organization]'",
		     "no fingerprint after '%s'", addr);
		goto bad;
	}
	{
		char fpr[41];
		int ok = flen[1] == 40;

		if (ok) {
			memcpy(fpr, f[1], 40);
			fpr[40] = '\0';
			ok = tlpress_fpr_valid(fpr) == 0;
		}
		if (!ok) {
			merr(c, line, fcol[1],
			     flen[1] == 4 ? "write the fingerprint's 40 digits without spaces"
					  : "the key's full fingerprint: 40 hexadecimal digits",
			     "'%s' is not a fingerprint", shown(f[1], flen[1], show, sizeof(show)));
			goto bad;
		}
		if (org.failed) {
			c->oom = 1;
			goto bad;
		}
		if (org.len > TLPRESS_ORG_MAX) {
			merr(c, line, fcol[2], "shorten the organization's name",
			     "the organization is %zu bytes; at most %d are allowed", org.len,
			     TLPRESS_ORG_MAX);
			goto bad;
		}
		if (l->nmembers == *cap) {
			size_t ncap = *cap ? *cap * 2 : 16;
			struct tlpress_member *v = realloc(l->members, ncap * sizeof(*v));

			if (!v) {
				c->oom = 1;
				goto bad;
			}
			l->members = v;
			*cap = ncap;
		}
		m = &l->members[l->nmembers];
		memset(m, 0, sizeof(*m));
		m->address = addr;
		m->line = line;
		m->fpr = xstrndup(c, fpr, 40);
		if (nf > 2)
			m->org = tlpress_buf_detach(&org, NULL);
		l->nmembers++;
		if (!m->fpr)
			return -1;
		upper(m->fpr);
	}
	tlpress_buf_release(&org);
	return 0;
bad:
	free(addr);
	tlpress_buf_release(&org);
	return -1;
}

int tlpress_members_parse(const char *file, const char *data, size_t len,
			  struct tlpress_list *l, struct tlpress_diags *d)
{
	struct mctx c = { d, file, 0, 0 };
	struct tlpress_member **sorted;
	size_t i, lines = 0, cap = 0, start, first;
	unsigned line;
	long bad;

	members_free(l->members, l->nmembers);
	l->members = NULL;
	l->nmembers = 0;
	if (len > TLPRESS_MEMBERS_MAX_SIZE) {
		merr(&c, 0, 0, "split the list, or keep the members file under 1 MiB",
		     "members file is %zu bytes; at most %d are allowed", len,
		     TLPRESS_MEMBERS_MAX_SIZE);
		return TLPRESS_ELIMIT;
	}
	for (i = 0; i < len; i++)
		if (data[i] == '\n')
			lines++;
	if (len && data[len - 1] != '\n')
		lines++;
	if (lines > TLPRESS_MEMBERS_MAX_LINES) {
		merr(&c, 0, 0, "split the list into several",
		     "members file has %zu lines; at most %d are allowed", lines,
		     TLPRESS_MEMBERS_MAX_LINES);
		return TLPRESS_ELIMIT;
	}
	if (memchr(data, '\0', len)) {
		const char *z = memchr(data, '\0', len);
		unsigned zl = 1;

		for (i = 0; i < (size_t)(z - data); i++)
			if (data[i] == '\n')
				zl++;
		merr(&c, zl, 0, "save the file as text", "NUL byte in the members file");
		return TLPRESS_EINVAL;
	}
	if ((bad = tlpress_utf8_check(data, len)) >= 0) {
		unsigned bl = 1;

		for (i = 0; i < (size_t)bad; i++)
			if (data[i] == '\n')
				bl++;
		merr(&c, bl, 0, "save the file as UTF-8", "invalid UTF-8 in the members file");
		return TLPRESS_EINVAL;
	}
	for (start = 0, line = 1; start < len; line++) {
		const char *nl = memchr(data + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - data) : len, n = end - start;

		if (n && data[start + n - 1] == '\r')
			n--; /* a CRLF file */
		if ((bad = bad_char(data + start, n)) >= 0) {
			merr(&c, line, (unsigned)bad + 1,
			     "remove the control character or line break",
			     "control character or line break inside a line");
		} else if (member_line(&c, l, data + start, n, line, &cap) && c.oom) {
			break;
		}
		start = end + 1;
	}
	if (c.oom) {
		members_free(l->members, l->nmembers);
		l->members = NULL;
		l->nmembers = 0;
		tlpress_diags_add(d, TLPRESS_ERROR, file, 0, 0, "members", NULL, "out of memory");
		return TLPRESS_ENOMEM;
	}
	/* duplicate addresses, ASCII case ignored */
	if (l->nmembers > 1) {
		sorted = malloc(l->nmembers * sizeof(*sorted));
		if (!sorted) {
			members_free(l->members, l->nmembers);
			l->members = NULL;
			l->nmembers = 0;
			return TLPRESS_ENOMEM;
		}
		for (i = 0; i < l->nmembers; i++)
			sorted[i] = &l->members[i];
		/* by address, then line: each run of one address starts at its
		 * first line (first), in one pass */
		qsort(sorted, l->nmembers, sizeof(*sorted), member_cmp);
		for (i = 1, first = 0; i < l->nmembers; i++) {
			if (strcasecmp(sorted[i]->address, sorted[i - 1]->address)) {
				first = i;
				continue;
			}
			merr(&c, sorted[i]->line, 1, "keep one line per address",
			     "'%s' is listed twice (first on line %u)", sorted[i]->address,
			     sorted[first]->line);
		}
		free(sorted);
	}
	if (c.errors) {
		members_free(l->members, l->nmembers);
		l->members = NULL;
		l->nmembers = 0;
		return TLPRESS_EINVAL;
	}
	return 0;
}

/* ---- the configuration ---------------------------------------------------- */

struct lctx {
	struct tlpress_diags *d;
	const char *file;
	int errors;
	int oom;
	char who[96];               /* "list 'oes-energy'" or "lists entry 3" */
};

static void lerr(struct lctx *c, enum tlpress_severity sev, const struct tlpress_ynode *n,
		 const char *key, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void lerr(struct lctx *c, enum tlpress_severity sev, const struct tlpress_ynode *n,
		 const char *key, const char *hint, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tlpress_diags_add(c->d, sev, c->file, n ? n->line : 0, n ? n->col : 0, key, hint,
			  "%s", msg);
	if (sev == TLPRESS_ERROR)
		c->errors++;
}

/* A one-line string without NUL bytes, or NULL (reported). */
static const char *lstr(struct lctx *c, const char *key, const struct tlpress_ynode *v)
{
	if (v->type != TLPRESS_Y_SCALAR || tlpress_yis_null(v)) {
		lerr(c, TLPRESS_ERROR, v, key, v->type == TLPRESS_Y_SCALAR
		     ? "give a value or remove the key"
		     : "write one value after the key, not a list or mapping",
		     "%s: '%s' must be a string", c->who, key);
		return NULL;
	}
	if (strlen(v->str) != v->len) {
		lerr(c, TLPRESS_ERROR, v, key, "remove the NUL character",
		     "%s: '%s' holds a NUL character", c->who, key);
		return NULL;
	}
	if (tlpress_has_newline(v->str, v->len)) {
		lerr(c, TLPRESS_ERROR, v, key,
		     "write it on one line: a line break in a mail header adds a header",
		     "%s: '%s' must be a single line", c->who, key);
		return NULL;
	}
	return v->str;
}

static char *ldup(struct lctx *c, const char *s)
{
	char *r = strdup(s);

	if (!r)
		c->oom = 1;
	return r;
}

static const char *const list_keys[] = { "name", "address", "tlp", "audience", "encrypt",
	"mode", "members", "key", NULL };

static const char *const audience_keys[] = { "oes-ci", "public-services", "administrations",
	"companies", "public", NULL };

static void known_keys(struct lctx *c, const struct tlpress_ynode *map)
{
	size_t i, j;

	for (i = 0; i < map->n; i++) {
		const char *k = map->keys[i]->str, *near;
		char hint[160], show[300];

		for (j = 0; list_keys[j]; j++)
			if (!strcmp(k, list_keys[j]))
				break;
		if (list_keys[j])
			continue;
		if (tlpress_secret_key_name(k)) {
			lerr(c, TLPRESS_ERROR, map->keys[i], k, "a list needs no password: mail goes "
			     "through smtp.url, whose login is in the netrc file 'smtp.netrc'",
			     "%s: 'lists.%s': passwords and other secrets never go in tlpress.yml",
			     c->who, shown(k, map->keys[i]->len, show, sizeof(show)));
			continue;
		}
		near = tlpress_closest(k, list_keys);
		if (near)
			snprintf(hint, sizeof(hint), "did you mean '%s'?", near);
		else
			snprintf(hint, sizeof(hint),
				 "a list has name, address, tlp, audience, encrypt, mode, "
				 "members and key");
		lerr(c, TLPRESS_ERROR, map->keys[i], k, hint, "%s: unknown key 'lists.%s'", c->who,
		     shown(k, map->keys[i]->len, show, sizeof(show)));
	}
}

static void audience(struct lctx *c, const struct tlpress_ynode *v, struct tlpress_list *l)
{
	const struct tlpress_ynode *one[1];
	const struct tlpress_ynode *const *items = (const struct tlpress_ynode *const *)v->items;
	size_t i, n = v->n;
	unsigned bits = 0, j;

	if (v->type == TLPRESS_Y_SCALAR) {
		one[0] = v;
		items = one;
		n = 1;
	} else if (v->type != TLPRESS_Y_SEQ) {
		lerr(c, TLPRESS_ERROR, v, "lists.audience", "write a list such as [oes-ci, companies]",
		     "%s: 'audience' must be a list of audience keys", c->who);
		return;
	}
	if (n == 0) {
		lerr(c, TLPRESS_ERROR, v, "lists.audience", "remove the key to take every audience",
		     "%s: 'audience' is an empty list", c->who);
		return;
	}
	for (i = 0; i < n; i++) {
		const char *s = lstr(c, "audience", items[i]), *near;
		char hint[160], show[300];

		if (!s)
			continue;
		for (j = 0; audience_keys[j]; j++)
			if (!strcmp(s, audience_keys[j]))
				break;
		if (audience_keys[j]) {
			bits |= 1u << j;
			continue;
		}
		near = tlpress_closest(s, audience_keys);
		if (near)
			snprintf(hint, sizeof(hint), "did you mean '%s'?", near);
		else
			snprintf(hint, sizeof(hint),
				 "use oes-ci, public-services, administrations, companies or public");
		lerr(c, TLPRESS_ERROR, items[i], "lists.audience", hint,
		     "%s: unknown audience '%s'", c->who, shown(s, strlen(s), show, sizeof(show)));
	}
	l->audience = bits;
}

static void tlp_key(struct lctx *c, const struct tlpress_ynode *v, struct tlpress_list *l)
{
	const char *s = lstr(c, "tlp", v);
	enum tlpress_tlp t = TLPRESS_TLP_CLEAR;
	char show[300];
	int r;

	if (!s)
		return;
	r = tlpress_tlp_parse(s, v->len, &t);
	if (r == TLPRESS_TLP_PARSE_WHITE) {
		lerr(c, TLPRESS_ERROR, v, "lists.tlp", "TLP 2.0 calls it CLEAR",
		     "%s: 'tlp: %s' is TLP 1.0", c->who, s);
		return;
	}
	if (r == TLPRESS_TLP_PARSE_CASE) {
		char hint[80];

		snprintf(hint, sizeof(hint), "labels are written in capitals: %s",
			 tlpress_tlp_name(t));
		lerr(c, TLPRESS_ERROR, v, "lists.tlp", hint, "%s: 'tlp: %s' is not written as TLP 2.0 "
		     "writes it", c->who, shown(s, v->len, show, sizeof(show)));
		return;
	}
	if (r != TLPRESS_TLP_PARSE_OK) {
		lerr(c, TLPRESS_ERROR, v, "lists.tlp",
		     "use CLEAR, GREEN, AMBER or AMBER+STRICT",
		     "%s: 'tlp': '%s' is not a TLP label", c->who, shown(s, v->len, show, sizeof(show)));
		return;
	}
	if (t == TLPRESS_TLP_RED) {
		lerr(c, TLPRESS_ERROR, v, "lists.tlp",
		     "name the people in each advisory's 'recipients', or clear the list for "
		     "AMBER+STRICT at most",
		     "%s: a list can never be cleared for TLP:RED: RED goes to named "
		     "individuals only", c->who);
		return;
	}
	l->tlp = t;
}

static void fpr_key(struct lctx *c, const struct tlpress_ynode *v, struct tlpress_list *l)
{
	const char *s = lstr(c, "key", v);
	char show[300];

	if (!s)
		return;
	if (tlpress_fpr_valid(s)) {
		lerr(c, TLPRESS_ERROR, v, "lists.key",
		     strchr(s, ' ') ? "write the fingerprint's 40 digits without spaces"
				    : "the list key's full fingerprint: 40 hexadecimal digits",
		     "%s: 'key': '%s' is not a fingerprint", c->who,
		     shown(s, v->len, show, sizeof(show)));
		return;
	}
	if ((l->key = ldup(c, s)))
		upper(l->key);
}

static void read_members(struct lctx *c, const struct tlpress_ynode *v, const char *base_dir,
			 struct tlpress_list *l)
{
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_buf path = TLPRESS_BUF_INIT, data = TLPRESS_BUF_INIT;
	const char *s = lstr(c, "members", v);
	struct stat st;
	int r, errnum = 0;

	if (!s)
		return;
	if (!s[0]) {
		lerr(c, TLPRESS_ERROR, v, "lists.members", "name the members file",
		     "%s: 'members' is empty", c->who);
		return;
	}
	if (s[0] == '/' || !base_dir || !base_dir[0] || !strcmp(base_dir, "."))
		tlpress_buf_adds(&path, s);
	else
		tlpress_path_join(&path, base_dir, s);
	if (path.failed) {
		c->oom = 1;
		goto out;
	}
	if (stat(path.ptr, &st) != 0) {
		int e = errno;

		lerr(c, TLPRESS_ERROR, v, "lists.members",
		     e == ENOENT ? "check the path: relative paths are relative to the "
				   "configuration's folder" : tlpress_errno_hint(e),
		     "%s: cannot read members file '%s': %s", c->who, path.ptr, strerror(e));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		lerr(c, TLPRESS_ERROR, v, "lists.members", "name a regular file",
		     "%s: members file '%s' is not a regular file", c->who, path.ptr);
		goto out;
	}
	if (st.st_size > TLPRESS_MEMBERS_MAX_SIZE) {
		tlpress_diags_add(c->d, TLPRESS_ERROR, path.ptr, 0, 0, "members",
				  "split the list, or keep the members file under 1 MiB",
				  "members file is %lld bytes; at most %d are allowed",
				  (long long)st.st_size, TLPRESS_MEMBERS_MAX_SIZE);
		c->errors++;
		goto out;
	}
	r = tlpress_read_file(path.ptr, TLPRESS_MEMBERS_MAX_SIZE, &data, &errnum, &err);
	if (r == TLPRESS_ELIMIT) {
		tlpress_diags_add(c->d, TLPRESS_ERROR, path.ptr, 0, 0, "members",
				  "split the list, or keep the members file under 1 MiB",
				  "members file is over %d bytes", TLPRESS_MEMBERS_MAX_SIZE);
		c->errors++;
		goto out;
	}
	if (r == TLPRESS_ENOMEM) {
		c->oom = 1;
		goto out;
	}
	if (r) {
		lerr(c, TLPRESS_ERROR, v, "lists.members", NULL, "%s: %s", c->who, err.msg);
		goto out;
	}
	if (!(l->members_file = ldup(c, path.ptr)))
		goto out;
	r = tlpress_members_parse(path.ptr, data.ptr, data.len, l, c->d);
	if (r == TLPRESS_ENOMEM)
		c->oom = 1;
	else if (r)
		c->errors++;
	else if (l->nmembers == 0)
		tlpress_diags_add(c->d, TLPRESS_WARNING, path.ptr, 0, 0, "members",
				  "add 'address fingerprint organization' lines",
				  "%s has no members: it receives nothing", c->who);
out:
	tlpress_buf_release(&path);
	tlpress_buf_release(&data);
}

/* One entry of `lists`. Returns 0 when it is valid (and l filled). */
static int one_list(struct lctx *c, const struct tlpress_ynode *map, size_t index,
		    const char *base_dir, struct tlpress_list *l)
{
	const struct tlpress_ynode *v, *kn, *members = NULL;
	int errors = c->errors;
	const char *s;
	char show[300];

	memset(l, 0, sizeof(*l));
	l->line = map->line;
	l->col = map->col;
	snprintf(c->who, sizeof(c->who), "lists entry %zu", index + 1);
	if (map->type != TLPRESS_Y_MAP) {
		lerr(c, TLPRESS_ERROR, map, "lists",
		     "write each list as a mapping: {name: ..., address: ..., tlp: ...}",
		     "%s must be a mapping of keys, not %s", c->who, tlpress_ytype_name(map->type));
		return -1;
	}
	if ((v = tlpress_ymap_get(map, "name", NULL)) && (s = lstr(c, "name", v))) {
		if (tlpress_list_name_valid(s))
			lerr(c, TLPRESS_ERROR, v, "lists.name",
			     "list names are lower-case letters, digits, '-', '_' and '.', "
			     "at most 64, starting with a letter or digit",
			     "%s: '%s' is not a list name", c->who, shown(s, v->len, show, sizeof(show)));
		else if ((l->name = ldup(c, s)))
			snprintf(c->who, sizeof(c->who), "list '%s'", s);
	} else if (!v) {
		lerr(c, TLPRESS_ERROR, map, "lists.name", "add 'name: a-list-name'",
		     "%s has no 'name'", c->who);
	}
	known_keys(c, map);
	if ((v = tlpress_ymap_get(map, "address", NULL)) && (s = lstr(c, "address", v))) {
		if (tlpress_mail_address_valid(s))
			lerr(c, TLPRESS_ERROR, v, "lists.address",
			     "write a plain address such as oes-energy@lists.example: no name, "
			     "no '<>', no spaces, commas or line breaks",
			     "%s: 'address': '%s' is not a plain e-mail address", c->who,
			     shown(s, v->len, show, sizeof(show)));
		else
			l->address = ldup(c, s);
	} else if (!v) {
		lerr(c, TLPRESS_ERROR, map, "lists.address", "add 'address: list@example.org'",
		     "%s has no 'address'", c->who);
	}
	if ((v = tlpress_ymap_get(map, "tlp", NULL)))
		tlp_key(c, v, l);
	else
		lerr(c, TLPRESS_ERROR, map, "lists.tlp",
		     "add 'tlp:' with the highest label the list is cleared for",
		     "%s has no 'tlp'", c->who);
	if ((v = tlpress_ymap_get(map, "audience", NULL)))
		audience(c, v, l);
	if ((v = tlpress_ymap_get(map, "encrypt", NULL)) && (s = lstr(c, "encrypt", v))) {
		if (!strcmp(s, "true"))
			l->encrypt = 1;
		else if (!strcmp(s, "false"))
			l->encrypt = 0;
		else
			lerr(c, TLPRESS_ERROR, v, "lists.encrypt", "write true or false",
			     "%s: 'encrypt': '%s' is neither true nor false", c->who,
			     shown(s, v->len, show, sizeof(show)));
	}
	l->mode = TLPRESS_LIST_EXPAND;
	if ((v = tlpress_ymap_get(map, "mode", NULL)) && (s = lstr(c, "mode", v))) {
		static const char *const modes[] = { "expand", "list-key", NULL };
		const char *near;
		char hint[160];

		if (!strcmp(s, "expand")) {
			l->mode = TLPRESS_LIST_EXPAND;
		} else if (!strcmp(s, "list-key")) {
			l->mode = TLPRESS_LIST_KEY;
		} else {
			near = tlpress_closest(s, modes);
			if (near)
				snprintf(hint, sizeof(hint), "did you mean '%s'?", near);
			else
				snprintf(hint, sizeof(hint), "use expand (one message per member) or "
					 "list-key (one message to the list's own key)");
			lerr(c, TLPRESS_ERROR, v, "lists.mode", hint, "%s: unknown mode '%s'", c->who,
			     shown(s, v->len, show, sizeof(show)));
			l->mode = -1;
		}
	}
	v = tlpress_ymap_get(map, "key", &kn);
	members = tlpress_ymap_get(map, "members", NULL);
	if (l->mode == TLPRESS_LIST_KEY) {
		if (members)
			lerr(c, TLPRESS_ERROR, members, "lists.members",
			     "remove 'members': the list re-encrypts to its subscribers itself",
			     "%s: 'members' is for mode: expand, not list-key", c->who);
		if (v)
			fpr_key(c, v, l);
		else
			lerr(c, TLPRESS_ERROR, map, "lists.key",
			     "add 'key:' with the fingerprint of the list's own key",
			     "%s: mode: list-key needs 'key'", c->who);
		if (l->tlp == TLPRESS_TLP_AMBER_STRICT)
			lerr(c, TLPRESS_ERROR, tlpress_ymap_get(map, "tlp", NULL), "lists.tlp",
			     "use mode: expand with a members file that names each member's "
			     "organization, or clear the list for AMBER",
			     "%s: a list-key list cannot be cleared for TLP:AMBER+STRICT: tlpress "
			     "cannot see its subscribers' organizations", c->who);
	} else if (l->mode == TLPRESS_LIST_EXPAND) {
		if (v)
			lerr(c, TLPRESS_ERROR, kn, "lists.key",
			     "remove 'key' (each member's key is in the members file), or set "
			     "mode: list-key",
			     "%s: 'key' is for mode: list-key, not expand", c->who);
		if (!members)
			lerr(c, TLPRESS_ERROR, map, "lists.members",
			     "add 'members:' naming a file of 'address fingerprint organization' lines",
			     "%s: mode: expand needs 'members'", c->who);
		else if (!c->oom)
			read_members(c, members, base_dir, l); /* its errors too, at once */
		if (c->errors == errors && l->tlp == TLPRESS_TLP_AMBER_STRICT && l->nmembers) {
			size_t n = tlpress_list_organizations(l);

			if (n > 1)
				lerr(c, TLPRESS_WARNING, tlpress_ymap_get(map, "tlp", NULL), "lists.tlp",
				     "AMBER+STRICT stays inside one organization: give the list "
				     "members of one organization, or clear it for AMBER",
				     "%s is cleared for TLP:AMBER+STRICT but its members come from %zu "
				     "organizations: it will never receive AMBER+STRICT", c->who,
				     n == (size_t)-1 ? (size_t)0 : n);
		}
	}
	return c->errors == errors && !c->oom ? 0 : -1;
}

int tlpress_lists_parse(const struct tlpress_ynode *lists_node, const char *config_file,
			const char *base_dir, struct tlpress_lists *out,
			struct tlpress_diags *d)
{
	struct lctx c;
	size_t i, j;

	memset(&c, 0, sizeof(c));
	c.d = d;
	c.file = config_file;
	out->v = NULL;
	out->n = 0;
	if (!lists_node || (lists_node->type == TLPRESS_Y_SCALAR && tlpress_yis_null(lists_node)))
		return 0;
	if (lists_node->type != TLPRESS_Y_SEQ) {
		lerr(&c, TLPRESS_ERROR, lists_node, "lists",
		     "write one '- name: ...' entry per list",
		     "'lists' must be a list of mailing lists, not %s",
		     tlpress_ytype_name(lists_node->type));
		return TLPRESS_EINVAL;
	}
	if (lists_node->n) {
		out->v = calloc(lists_node->n, sizeof(*out->v));
		if (!out->v) {
			tlpress_diags_add(d, TLPRESS_ERROR, config_file, 0, 0, "lists", NULL,
					  "out of memory");
			return TLPRESS_ENOMEM;
		}
	}
	for (i = 0; i < lists_node->n && !c.oom; i++) {
		const struct tlpress_ynode *item = lists_node->items[i];
		struct tlpress_list *l = &out->v[out->n];
		int bad = one_list(&c, item, i, base_dir, l);

		/* unique names and addresses, against the lists kept so far and
		 * against entries refused for other reasons */
		for (j = 0; j < i && l->name; j++) {
			const struct tlpress_ynode *o = lists_node->items[j], *on;

			if (o->type != TLPRESS_Y_MAP || !(on = tlpress_ymap_get(o, "name", NULL)) ||
			    on->type != TLPRESS_Y_SCALAR || strcmp(on->str, l->name))
				continue;
			lerr(&c, TLPRESS_ERROR, tlpress_ymap_get(item, "name", NULL), "lists.name",
			     "give each list its own name",
			     "list '%s' is defined twice (first on line %u)", l->name, on->line);
			bad = -1;
			break;
		}
		for (j = 0; j < i && l->address; j++) {
			const struct tlpress_ynode *o = lists_node->items[j], *oa;

			if (o->type != TLPRESS_Y_MAP || !(oa = tlpress_ymap_get(o, "address", NULL)) ||
			    oa->type != TLPRESS_Y_SCALAR || strcasecmp(oa->str, l->address))
				continue;
			lerr(&c, TLPRESS_ERROR, tlpress_ymap_get(item, "address", NULL),
			     "lists.address", "give each list its own address",
			     "%s: address '%s' is already the address of the list on line %u",
			     c.who, l->address, o->line);
			bad = -1;
			break;
		}
		if (bad)
			list_free(l);
		else
			out->n++;
	}
	if (c.oom) {
		tlpress_diags_add(d, TLPRESS_ERROR, config_file, 0, 0, "lists", NULL,
				  "out of memory");
		return TLPRESS_ENOMEM;
	}
	return c.errors ? TLPRESS_EINVAL : 0;
}

size_t tlpress_lists_check_recipients(const struct tlpress_lists *lists,
				      const struct tlpress_advisory *adv,
				      struct tlpress_diags *d)
{
	const char *names[257];
	size_t i, k, bad = 0;

	if (!lists || !lists->n || !adv)
		return 0;
	for (k = 0; k < lists->n && k < 256; k++)
		names[k] = lists->v[k].name;
	names[k] = NULL;
	for (i = 0; i < adv->nrecipients; i++) {
		const char *r = adv->recipients[i], *near;
		char hint[160];

		if (strchr(r, '@') || tlpress_lists_find(lists, r))
			continue;
		near = tlpress_closest(r, names);
		if (near)
			snprintf(hint, sizeof(hint), "did you mean '%s'?", near);
		else
			snprintf(hint, sizeof(hint), "name a list of the configuration's 'lists', "
				 "or an e-mail address");
		tlpress_diags_add(d, TLPRESS_ERROR, adv->path, adv->recipients_pos.line,
				  adv->recipients_pos.col, "recipients", hint,
				  "'recipients': no list named '%s' in the configuration", r);
		bad++;
	}
	return bad;
}
