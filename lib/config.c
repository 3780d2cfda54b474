/* config.c - tlpress.yml; see config.h */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "ids.h"
#include "strutil.h"
#include "ytree.h"

struct cctx {
	struct tlpress_config *cfg;
	struct tlpress_diags *d;
	const char *file;
	int errors;
};

static void cerr(struct cctx *c, const struct tlpress_ynode *n, const char *key,
		 const char *hint, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void cerr(struct cctx *c, const struct tlpress_ynode *n, const char *key,
		 const char *hint, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tlpress_diags_add(c->d, TLPRESS_ERROR, c->file, n ? n->line : 0, n ? n->col : 0,
			  key, hint, "%s", msg);
	c->errors++;
}

static void set(char **field, const char *value)
{
	char *v = value ? strdup(value) : NULL;

	free(*field);
	*field = v;
}

/* A one-line string value, or NULL (reported). */
static const char *str(struct cctx *c, const char *key, const struct tlpress_ynode *v)
{
	if (v->type != TLPRESS_Y_SCALAR || tlpress_yis_null(v)) {
		cerr(c, v, key, v->type == TLPRESS_Y_SCALAR ? "give a value or remove the key"
		     : "write one value after the key, not a list or mapping",
		     "'%s' must be a string", key);
		return NULL;
	}
	if (tlpress_has_newline(v->str, v->len) || strlen(v->str) != v->len) {
		cerr(c, v, key, "write it on one line", "'%s' must be a single line", key);
		return NULL;
	}
	return v->str;
}

/* A path, resolved against the configuration's folder. */
static void path(struct cctx *c, const char *key, const struct tlpress_ynode *v, char **field)
{
	const char *s = str(c, key, v);
	struct tlpress_buf b = TLPRESS_BUF_INIT;

	if (!s)
		return;
	if (s[0] == '/' || !strcmp(c->cfg->dir, "."))
		tlpress_buf_adds(&b, s);
	else
		tlpress_path_join(&b, c->cfg->dir, s);
	set(field, b.ptr);
	tlpress_buf_release(&b);
}

static void url(struct cctx *c, const char *key, const struct tlpress_ynode *v, char **field,
		int slash)
{
	const char *s = str(c, key, v), *why = NULL;

	if (!s)
		return;
	if (tlpress_url_valid(s, &why)) {
		cerr(c, v, key, "write an absolute https:// address", "'%s': %s", key, why);
		return;
	}
	set(field, s);
	if (slash && s[strlen(s) - 1] != '/') {
		struct tlpress_buf b = TLPRESS_BUF_INIT;

		tlpress_buf_printf(&b, "%s/", s);
		set(field, b.ptr);
		tlpress_buf_release(&b);
	}
}

/* Report keys of map not in allowed; returns 0 when all are known. */
static int known(struct cctx *c, const char *where, const struct tlpress_ynode *map,
		 const char *const *allowed)
{
	size_t i, j;
	int bad = 0;

	for (i = 0; i < map->n; i++) {
		const char *k = map->keys[i]->str, *near;
		char hint[160];

		for (j = 0; allowed[j]; j++)
			if (!strcmp(k, allowed[j]))
				break;
		if (allowed[j])
			continue;
		bad = 1;
		if (tlpress_secret_key_name(k)) {
			/* the key's name only: never its value */
			cerr(c, map->keys[i], k, "put the login in the netrc file named by "
			     "'site.netrc' (WebDAV) or 'smtp.netrc' (SMTP), mode 600; SFTP logs in "
			     "with 'site.ssh_key'", "'%s%s%.60s': passwords and other secrets "
			     "never go in tlpress.yml", where ? where : "", where ? "." : "", k);
			continue;
		}
		near = tlpress_closest(k, allowed);
		if (near)
			snprintf(hint, sizeof(hint), "did you mean '%s'?", near);
		else
			snprintf(hint, sizeof(hint), "see docs/config.md for the keys");
		if (where)
			cerr(c, map->keys[i], k, hint, "unknown key '%s.%.60s'", where, k);
		else
			cerr(c, map->keys[i], k, hint, "unknown key '%.60s'", k);
	}
	return bad;
}

static const struct tlpress_ynode *section(struct cctx *c, const struct tlpress_ynode *root,
					   const char *name)
{
	const struct tlpress_ynode *v = tlpress_ymap_get(root, name, NULL);

	if (!v)
		return NULL;
	if (v->type != TLPRESS_Y_MAP) {
		cerr(c, v, name, NULL, "'%s' must be a mapping of keys", name);
		return NULL;
	}
	return v;
}

static void publisher(struct cctx *c, const struct tlpress_ynode *p)
{
	static const char *const keys[] = { "name", "namespace", "category",
		"contact_details", "issuing_authority", NULL };
	static const char *const cats[] = { "coordinator", "discoverer", "other",
		"translator", "user", "vendor", NULL };
	struct tlpress_config *cfg = c->cfg;
	const struct tlpress_ynode *v;
	const char *s;
	size_t i;

	known(c, "publisher", p, keys);
	if ((v = tlpress_ymap_get(p, "name", NULL)) && (s = str(c, "publisher.name", v)))
		set(&cfg->publisher.name, s);
	if ((v = tlpress_ymap_get(p, "namespace", NULL)))
		url(c, "publisher.namespace", v, &cfg->publisher.namespace_url, 0);
	if ((v = tlpress_ymap_get(p, "contact_details", NULL)) &&
	    (s = str(c, "publisher.contact_details", v)))
		set(&cfg->publisher.contact_details, s);
	if ((v = tlpress_ymap_get(p, "issuing_authority", NULL)) &&
	    (s = str(c, "publisher.issuing_authority", v)))
		set(&cfg->publisher.issuing_authority, s);
	if ((v = tlpress_ymap_get(p, "category", NULL)) && (s = str(c, "publisher.category", v))) {
		for (i = 0; cats[i]; i++)
			if (!strcmp(s, cats[i]))
				break;
		if (cats[i])
			set(&cfg->publisher.category, s);
		else
			cerr(c, v, "publisher.category",
			     "use coordinator (a CSIRT), vendor, discoverer, translator, user or other",
			     "'publisher.category': unknown category '%.40s'", s);
	}
}

static void number(struct cctx *c, const char *key, const struct tlpress_ynode *v, long lo,
		   long hi, const char *hint, int *field)
{
	const char *s = str(c, key, v);
	char *end;
	long n;

	if (!s)
		return;
	n = strtol(s, &end, 10);
	if (*end || end == s || n < lo || n > hi)
		cerr(c, v, key, hint, "'%s': '%.20s' is out of range", key, s);
	else
		*field = (int)n;
}

/* s for an error message, without what may be a secret: a user name or
 * password before the host ("smpt://user:pw@host/" is shown as
 * "smpt://" "***@host/"), and the query or fragment ("?password=..."). */
static const char *shown_url(const char *s, char *out, size_t size)
{
	const char *sep = strstr(s, "://"), *auth = sep ? sep + 3 : s, *at = NULL, *p;
	size_t n = strcspn(auth, "/?#");

	for (p = auth; p < auth + n; p++)
		if (*p == '@')
			at = p;
	if (at)
		snprintf(out, size, "%.*s***%.*s", (int)(auth - s), s, (int)(auth + n - at), at);
	else
		snprintf(out, size, "%.*s", (int)(auth + n - s), s);
	p = auth + n;
	n = strcspn(p, "?#");
	snprintf(out + strlen(out), size - strlen(out), "%.*s%s", (int)n, p, p[n] ? "?***" : "");
	return out;
}

/* Is host the loopback interface? "localhost", "[::1]" or an IPv4 address
 * in 127.0.0.0/8 written in full ("127.0.0.1", not "127.example.com"). */
static int loopback(const char *host, size_t n)
{
	struct in_addr a;
	char ip[INET_ADDRSTRLEN];

	if ((n == 9 && !strncasecmp(host, "localhost", 9)) || (n == 5 && !strncmp(host, "[::1]", 5)))
		return 1;
	if (n >= sizeof(ip))
		return 0;
	memcpy(ip, host, n);
	ip[n] = '\0';
	return inet_pton(AF_INET, ip, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

/*
 * site.target: a file:///, https://, http:// (to this machine only: basic
 * authentication in the clear is not sent over a network) or sftp:// URL,
 * with no password in it (credentials come from netrc or SSH keys).
 */
static void target(struct cctx *c, const struct tlpress_ynode *v, const char *s)
{
	static const char *const schemes[] = { "file", "https", "http", "sftp", NULL };
	const char *sep = strstr(s, "://"), *auth, *end, *at, *host;
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	char shown[256];
	size_t i, n;

	for (i = 0; sep && schemes[i]; i++)
		if ((size_t)(sep - s) == strlen(schemes[i]) && !strncasecmp(s, schemes[i], strlen(schemes[i])))
			break;
	if (!sep || !schemes[i]) {
		cerr(c, v, "site.target", "use file:///folder/, https://host/path/ (WebDAV) or "
		     "sftp://user@host/path/", "'site.target': '%.80s' is not a URL tlpress can "
		     "push to", shown_url(s, shown, sizeof(shown)));
		return;
	}
	if (strpbrk(s, "?#")) {
		cerr(c, v, "site.target", "name the folder only: credentials go in the netrc file "
		     "named by 'site.netrc'", "'site.target': '%.80s' has a query or fragment "
		     "('?', '#'): a folder on the server is a path",
		     shown_url(s, shown, sizeof(shown)));
		return;
	}
	auth = sep + 3;
	end = auth + strcspn(auth, "/?#");
	if (i == 0) {
		if (end != auth || !*end) {
			cerr(c, v, "site.target", "write file:///absolute/folder/ (three slashes)",
			     "'site.target': a file URL names a folder of this machine");
			return;
		}
	} else {
		at = memchr(auth, '@', (size_t)(end - auth));
		if (at && memchr(auth, ':', (size_t)(at - auth))) {
			cerr(c, v, "site.target", i == 3 ? "sftp logs in with 'site.ssh_key'"
			     : "put the password in the netrc file named by 'site.netrc'",
			     "'site.target' holds a password: passwords never go in tlpress.yml");
			return;
		}
		host = at ? at + 1 : auth;
		n = (size_t)(end - host);
		if (memchr(host, ':', n) && host[0] != '[')
			n = (size_t)((const char *)memchr(host, ':', n) - host);
		else if (host[0] == '[' && memchr(host, ']', n))
			n = (size_t)((const char *)memchr(host, ']', n) - host) + 1;
		if (!n) {
			cerr(c, v, "site.target", "write the server's name: https://HOST/path/ or "
			     "sftp://user@HOST/path/", "'site.target': '%.80s' names no server",
			     shown_url(s, shown, sizeof(shown)));
			return;
		}
		if (i == 2 && !loopback(host, n)) {
			cerr(c, v, "site.target", "use https://, or http:// to 127.0.0.1 only",
			     "'site.target': http:// would send the upload password and the "
			     "files in the clear to %.*s", (int)n, host);
			return;
		}
		if (i != 3 && at) {
			cerr(c, v, "site.target", "put the login in the netrc file named by "
			     "'site.netrc'", "'site.target': no user name in an http(s) URL");
			return;
		}
	}
	tlpress_buf_adds(&b, s);
	if (s[strlen(s) - 1] != '/')
		tlpress_buf_addch(&b, '/');
	set(&c->cfg->site.target, b.ptr);
	tlpress_buf_release(&b);
}

static void site(struct cctx *c, const struct tlpress_ynode *p)
{
	static const char *const keys[] = { "url", "title", "lang", "feed_items", "output",
		"security_txt", "target", "netrc", "known_hosts", "ssh_key", "timeout", "retries",
		NULL };
	struct tlpress_config *cfg = c->cfg;
	const struct tlpress_ynode *v;
	const char *s;

	known(c, "site", p, keys);
	if ((v = tlpress_ymap_get(p, "url", NULL)))
		url(c, "site.url", v, &cfg->site.url, 1);
	if ((v = tlpress_ymap_get(p, "title", NULL)) && (s = str(c, "site.title", v)))
		set(&cfg->site.title, s);
	if ((v = tlpress_ymap_get(p, "lang", NULL)) && (s = str(c, "site.lang", v))) {
		if (tlpress_lang_valid(s))
			cerr(c, v, "site.lang", "use a BCP 47 tag such as nl, fr or en",
			     "'site.lang': '%.40s' is not a language tag", s);
		else
			set(&cfg->site.lang, s);
	}
	if ((v = tlpress_ymap_get(p, "feed_items", NULL)) && (s = str(c, "site.feed_items", v))) {
		char *end;
		long n = strtol(s, &end, 10);

		if (*end || end == s || n < 1 || n > 10000)
			cerr(c, v, "site.feed_items", "a whole number from 1 to 10000",
			     "'site.feed_items': '%.20s' is not a number of items", s);
		else
			cfg->site.feed_items = (int)n;
	}
	if ((v = tlpress_ymap_get(p, "output", NULL)))
		path(c, "site.output", v, &cfg->site.output);
	if ((v = tlpress_ymap_get(p, "security_txt", NULL)) && (s = str(c, "site.security_txt", v))) {
		const char *why = NULL;
		size_t sn = strcspn(s, ":");

		/* the Contact of security.txt: a link researchers follow */
		if (!s[sn] ? tlpress_mail_address_valid(s) :
		    !strncasecmp(s, "https:", 6) || !strncasecmp(s, "http:", 5) ?
		    tlpress_url_valid(s, &why) :
		    strncasecmp(s, "mailto:", 7) && strncasecmp(s, "tel:", 4))
			cerr(c, v, "site.security_txt", "write an https:// URL, a mailto: or tel: "
			     "URI, or a plain e-mail address",
			     "'site.security_txt': '%.80s' is not a contact URI%s%s", s,
			     why ? ": " : "", why ? why : "");
		else
			set(&cfg->site.security_txt, s);
	}
	if ((v = tlpress_ymap_get(p, "target", NULL)) && (s = str(c, "site.target", v)))
		target(c, v, s);
	if ((v = tlpress_ymap_get(p, "netrc", NULL)))
		path(c, "site.netrc", v, &cfg->site.netrc);
	if ((v = tlpress_ymap_get(p, "known_hosts", NULL)))
		path(c, "site.known_hosts", v, &cfg->site.known_hosts);
	if ((v = tlpress_ymap_get(p, "ssh_key", NULL)))
		path(c, "site.ssh_key", v, &cfg->site.ssh_key);
	if ((v = tlpress_ymap_get(p, "timeout", NULL)))
		number(c, "site.timeout", v, 1, 3600, "a number of seconds, 1 to 3600",
		       &cfg->site.timeout);
	if ((v = tlpress_ymap_get(p, "retries", NULL)))
		number(c, "site.retries", v, 0, 10, "a number of retries, 0 to 10",
		       &cfg->site.retries);
}

static void signing(struct cctx *c, const struct tlpress_ynode *p)
{
	static const char *const keys[] = { "key", "gnupghome", "warn_days", NULL };
	struct tlpress_config *cfg = c->cfg;
	const struct tlpress_ynode *v;
	const char *s;

	known(c, "signing", p, keys);
	if ((v = tlpress_ymap_get(p, "key", NULL)) && (s = str(c, "signing.key", v)))
		set(&cfg->signing.key, s);
	if ((v = tlpress_ymap_get(p, "gnupghome", NULL)))
		path(c, "signing.gnupghome", v, &cfg->signing.gnupghome);
	if ((v = tlpress_ymap_get(p, "warn_days", NULL)) && (s = str(c, "signing.warn_days", v))) {
		char *end;
		long n = strtol(s, &end, 10);

		if (*end || end == s || n < 0 || n > 3650)
			cerr(c, v, "signing.warn_days", "a whole number of days, 0 to 3650",
			     "'signing.warn_days': '%.20s' is not a number of days", s);
		else
			cfg->signing.warn_days = (int)n;
	}
}

static void smtp(struct cctx *c, const struct tlpress_ynode *p)
{
	static const char *const keys[] = { "url", "from", "from_name", "netrc", "timeout", NULL };
	struct tlpress_config *cfg = c->cfg;
	const struct tlpress_ynode *v;
	const char *s;

	known(c, "smtp", p, keys);
	if ((v = tlpress_ymap_get(p, "url", NULL)) && (s = str(c, "smtp.url", v))) {
		const char *auth = strstr(s, "://");
		const char *end = auth ? auth + 3 + strcspn(auth + 3, "/?#") : NULL;
		char shown[256];

		if (strncasecmp(s, "smtp://", 7) && strncasecmp(s, "smtps://", 8))
			cerr(c, v, "smtp.url", "write smtp://host:587 or smtps://host:465",
			     "'smtp.url': '%.80s' is not an smtp:// or smtps:// URL",
			     shown_url(s, shown, sizeof(shown)));
		else if (memchr(auth + 3, '@', (size_t)(end - auth - 3)))
			cerr(c, v, "smtp.url", "put the login in the netrc file named by 'smtp.netrc'",
			     "'smtp.url' holds a user name or password: credentials never go in "
			     "tlpress.yml");
		else if (strpbrk(s, "?#"))
			cerr(c, v, "smtp.url", "write smtp://host:587/ or smtps://host:465/; the "
			     "login goes in the netrc file named by 'smtp.netrc'",
			     "'smtp.url': '%.80s' has a query or fragment ('?', '#')",
			     shown_url(s, shown, sizeof(shown)));
		else
			set(&cfg->smtp.url, s);
	}
	if ((v = tlpress_ymap_get(p, "from", NULL)) && (s = str(c, "smtp.from", v))) {
		if (tlpress_mail_address_valid(s))
			cerr(c, v, "smtp.from", "a plain address such as advisories@csirt.example",
			     "'smtp.from': '%.80s' is not a mail address", s);
		else
			set(&cfg->smtp.from, s);
	}
	if ((v = tlpress_ymap_get(p, "from_name", NULL)) && (s = str(c, "smtp.from_name", v)))
		set(&cfg->smtp.from_name, s);
	if ((v = tlpress_ymap_get(p, "netrc", NULL)))
		path(c, "smtp.netrc", v, &cfg->smtp.netrc);
	if ((v = tlpress_ymap_get(p, "timeout", NULL)))
		number(c, "smtp.timeout", v, 1, 3600, "a number of seconds, 1 to 3600",
		       &cfg->smtp.timeout);
}

static void mail(struct cctx *c, const struct tlpress_ynode *p)
{
	static const char *const keys[] = { "outbox", "warn_days", "retry_minutes", NULL };
	struct tlpress_config *cfg = c->cfg;
	const struct tlpress_ynode *v;

	known(c, "mail", p, keys);
	if ((v = tlpress_ymap_get(p, "outbox", NULL)))
		path(c, "mail.outbox", v, &cfg->mail.outbox);
	if ((v = tlpress_ymap_get(p, "warn_days", NULL)))
		number(c, "mail.warn_days", v, 0, 3650, "a number of days, 0 to 3650",
		       &cfg->mail.warn_days);
	if ((v = tlpress_ymap_get(p, "retry_minutes", NULL)))
		number(c, "mail.retry_minutes", v, 0, 1440, "a number of minutes, 0 to 1440",
		       &cfg->mail.retry_minutes);
}

static void ids(struct cctx *c, const struct tlpress_ynode *p)
{
	static const char *const keys[] = { "public", "restricted", "digits", NULL };
	static const char *const names[] = { "ids.public", "ids.restricted" };
	struct tlpress_config *cfg = c->cfg;
	const struct tlpress_ynode *v[2];
	char **field[2] = { &cfg->ids.public_prefix, &cfg->ids.restricted_prefix };
	char a[64], b[64];
	const char *s, *why;
	int i;

	known(c, "ids", p, keys);
	if ((v[0] = tlpress_ymap_get(p, "digits", NULL)))
		number(c, "ids.digits", v[0], 4, 8, "a number of digits, 4 to 8", &cfg->ids.digits);
	for (i = 0; i < 2; i++) {
		v[i] = tlpress_ymap_get(p, names[i] + 4, NULL);
		if (!v[i] || !(s = str(c, names[i], v[i])))
			continue;
		if (tlpress_ids_pattern_valid(s, &why)) {
			cerr(c, v[i], names[i], "write a prefix of capital letters or digits, "
			     "'-{year}-' and nothing more, e.g. \"CCB-{year}-\"",
			     "'%s': '%.40s' %s", names[i], s, why);
			continue;
		}
		set(field[i], s);
	}
	tlpress_ids_prefix(cfg->ids.public_prefix, 2026, a, sizeof(a));
	tlpress_ids_prefix(cfg->ids.restricted_prefix, 2026, b, sizeof(b));
	if (!strcmp(a, b))
		cerr(c, v[1] ? v[1] : v[0] ? v[0] : p, "ids.restricted",
		     "give the restricted series its own prefix, e.g. \"CCBR-{year}-\"",
		     "'ids.public' and 'ids.restricted' are the same series '%s'", a);
}

static int defaults(struct tlpress_config *cfg)
{
	struct stat st;

	memset(cfg, 0, sizeof(*cfg));
	cfg->dir = strdup(".");
	cfg->publisher.name = strdup("Example National CSIRT (demo)");
	cfg->publisher.namespace_url = strdup("https://csirt.example/");
	cfg->publisher.category = strdup("coordinator");
	cfg->publisher.contact_details = strdup("csirt@csirt.example");
	cfg->site.url = strdup("https://csirt.example/");
	cfg->site.title = strdup("Security advisories");
	cfg->site.lang = strdup("en");
	cfg->site.feed_items = 50;
	cfg->site.output = strdup("public");
	cfg->site.timeout = 30;
	cfg->site.retries = 3;
	cfg->smtp.from = strdup("advisories@csirt.example");
	cfg->smtp.timeout = 30;
	cfg->mail.outbox = strdup("outbox");
	cfg->mail.warn_days = 14;
	cfg->mail.retry_minutes = 5;
	cfg->signing.warn_days = 30;
	cfg->state = strdup("state");
	cfg->ids.public_prefix = strdup(TLPRESS_IDS_PUBLIC_DEFAULT);
	cfg->ids.restricted_prefix = strdup(TLPRESS_IDS_RESTRICTED_DEFAULT);
	cfg->ids.digits = 4;
	/* the templates of the source tree when run from it, else installed */
	if (stat("templates/page.mustache", &st) == 0)
		cfg->templates = strdup("templates");
	else
		cfg->templates = strdup(TLPRESS_DATADIR "/templates");
	cfg->advisories = strdup("advisories");
	if (!cfg->dir || !cfg->publisher.name || !cfg->publisher.namespace_url ||
	    !cfg->publisher.category || !cfg->publisher.contact_details || !cfg->site.url ||
	    !cfg->site.title || !cfg->site.lang || !cfg->site.output || !cfg->templates ||
	    !cfg->state || !cfg->smtp.from || !cfg->mail.outbox ||
	    !cfg->advisories || !cfg->ids.public_prefix || !cfg->ids.restricted_prefix)
		return TLPRESS_ENOMEM;
	return 0;
}

/* The file's bytes data[0..len) over the defaults already in cfg. */
static int parse(struct tlpress_config *cfg, const char *file, const char *data,
		 size_t len, struct tlpress_diags *diags)
{
	static const char *const keys[] = { "publisher", "site", "signing", "lists", "smtp",
		"mail", "ids", "state", "templates", "advisories", NULL };
	struct tlpress_ynode *root;
	const struct tlpress_ynode *v;
	struct cctx c = { cfg, diags, file, 0 };
	int r;
	char *slash;

	set(&cfg->path, file);
	slash = cfg->path ? strrchr(cfg->path, '/') : NULL;
	if (slash) {
		free(cfg->dir);
		cfg->dir = strndup(cfg->path, (size_t)(slash - cfg->path));
	}
	if (!cfg->path || !cfg->dir)
		return TLPRESS_ENOMEM;
	if (tlpress_utf8_check(data, len) >= 0) {
		cerr(&c, NULL, NULL, "save the file as UTF-8", "invalid UTF-8 in the configuration");
		return TLPRESS_EINVAL;
	}
	root = tlpress_yparse(data, len, file, 1, NULL, diags);
	if (!root)
		return TLPRESS_EINVAL;
	if (root->type != TLPRESS_Y_MAP) {
		cerr(&c, root, NULL, "write one 'key: value' per line",
		     "the configuration must be a mapping of keys");
		tlpress_ynode_free(root);
		return TLPRESS_EINVAL;
	}
	known(&c, NULL, root, keys);
	if ((v = section(&c, root, "publisher")))
		publisher(&c, v);
	if ((v = section(&c, root, "site")))
		site(&c, v);
	if ((v = section(&c, root, "signing")))
		signing(&c, v);
	if ((v = section(&c, root, "smtp")))
		smtp(&c, v);
	if ((v = section(&c, root, "mail")))
		mail(&c, v);
	if ((v = section(&c, root, "ids")))
		ids(&c, v);
	if ((v = tlpress_ymap_get(root, "state", NULL)))
		path(&c, "state", v, &cfg->state);
	if ((v = tlpress_ymap_get(root, "templates", NULL)))
		path(&c, "templates", v, &cfg->templates);
	if ((v = tlpress_ymap_get(root, "advisories", NULL)))
		path(&c, "advisories", v, &cfg->advisories);
	r = tlpress_lists_parse(tlpress_ymap_get(root, "lists", NULL), file, cfg->dir,
				&cfg->lists, diags);
	tlpress_ynode_free(root);
	if (r == TLPRESS_ENOMEM)
		return r;
	if (r)
		c.errors++;
	return c.errors ? TLPRESS_EINVAL : 0;
}

int tlpress_config_load(struct tlpress_config *cfg, const char *file,
			struct tlpress_diags *diags)
{
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	int errnum, r;

	if (defaults(cfg))
		return TLPRESS_ENOMEM;
	if (!file) {
		if (access(TLPRESS_CONFIG_NAME, F_OK) != 0)
			return 0;
		file = TLPRESS_CONFIG_NAME;
	}
	r = tlpress_read_file(file, TLPRESS_CONFIG_MAX_SIZE, &b, &errnum, &err);
	if (r) {
		tlpress_diags_add(diags, TLPRESS_ERROR, file, 0, 0, NULL,
				  errnum == ENOENT ? "name an existing file with -C, or run "
				  "without -C to use the defaults" : NULL,
				  "cannot read the configuration: %s", err.msg);
		tlpress_buf_release(&b);
		return TLPRESS_EIO;
	}
	r = parse(cfg, file, b.ptr, b.len, diags);
	tlpress_buf_release(&b);
	return r;
}

int tlpress_config_parse(struct tlpress_config *cfg, const char *file, const char *data,
			 size_t len, struct tlpress_diags *diags)
{
	if (defaults(cfg))
		return TLPRESS_ENOMEM;
	if (!file || !data)
		return TLPRESS_EUSAGE;
	if (len > TLPRESS_CONFIG_MAX_SIZE) {
		tlpress_diags_add(diags, TLPRESS_ERROR, file, 0, 0, NULL,
				  "keep it short: members of lists go in their own files ('members')",
				  "the configuration is %zu bytes; at most %d are allowed",
				  len, TLPRESS_CONFIG_MAX_SIZE);
		return TLPRESS_ELIMIT;
	}
	return parse(cfg, file, data, len, diags);
}

void tlpress_config_release(struct tlpress_config *cfg)
{
	free(cfg->path);
	free(cfg->dir);
	free(cfg->publisher.name);
	free(cfg->publisher.namespace_url);
	free(cfg->publisher.category);
	free(cfg->publisher.contact_details);
	free(cfg->publisher.issuing_authority);
	free(cfg->site.url);
	free(cfg->site.title);
	free(cfg->site.lang);
	free(cfg->site.output);
	free(cfg->site.security_txt);
	free(cfg->site.target);
	free(cfg->site.netrc);
	free(cfg->site.known_hosts);
	free(cfg->site.ssh_key);
	free(cfg->smtp.url);
	free(cfg->smtp.from);
	free(cfg->smtp.from_name);
	free(cfg->smtp.netrc);
	free(cfg->mail.outbox);
	free(cfg->signing.key);
	free(cfg->signing.gnupghome);
	tlpress_lists_release(&cfg->lists);
	free(cfg->ids.public_prefix);
	free(cfg->ids.restricted_prefix);
	free(cfg->state);
	free(cfg->templates);
	free(cfg->advisories);
	memset(cfg, 0, sizeof(*cfg));
}

void tlpress_config_target(const struct tlpress_config *cfg, char *out, size_t size, int *local)
{
	char a[PATH_MAX], b[PATH_MAX];
	const char *t = cfg->site.target;
	int have_b = realpath(cfg->site.output, b) != NULL;

	*local = !t || (!strncasecmp(t, "file://", 7) && have_b && realpath(t + 7, a) &&
			!strcmp(a, b));
	if (*local)
		snprintf(out, size, "file://%s/", have_b ? b : cfg->site.output);
	else
		snprintf(out, size, "%s", t);
}
