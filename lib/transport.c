/* transport.c - the dispatch by URL scheme and the helpers the transports
 * share; see transport.h */
#define TLPRESS_TRANSPORT_INTERNAL
#include "transport.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"

#define DEFAULT_TIMEOUT_S 30L

#ifndef TLPRESS_VERSION
#define TLPRESS_VERSION "unknown"
#endif

static const struct {
	const char *scheme;
	const struct tlpress_transport_ops *ops;
} schemes[] = {
	{ "file", &tlpress_transport_file_ops },
	{ "http", &tlpress_transport_http_ops },
	{ "https", &tlpress_transport_http_ops },
	{ "sftp", &tlpress_transport_sftp_ops },
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int tlpress_transport_curl_init(struct tlpress_error *err)
{
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		return tlpress_error_set(err, TLPRESS_ENOMEM, "cannot initialise libcurl: %s",
					 curl_easy_strerror(curl_init_rc));
	return 0;
}

CURL *tlpress_transport_curl_new(void)
{
	return curl_easy_init();
}

void tlpress_transport_curl_setup(struct tlpress_transport *t, CURL *h, char *errbuf)
{
	curl_easy_reset(h);
	errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, t->scheme);
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, t->scheme);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, t->timeout_s);
	/* a request that moves no byte for timeout_s seconds is a timeout;
	 * a slow but moving upload of a large file is not */
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, t->timeout_s);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "tlpress/" TLPRESS_VERSION);
}

void tlpress_transport_urlencode(struct tlpress_buf *out, const char *rel)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)rel; *p; p++) {
		if (isalnum(*p) || *p == '/' || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			tlpress_buf_addch(out, *p);
		} else {
			tlpress_buf_addch(out, '%');
			tlpress_buf_addch(out, hex[*p >> 4]);
			tlpress_buf_addch(out, hex[*p & 15]);
		}
	}
}

size_t tlpress_transport_read_cb(char *buf, size_t size, size_t n, void *ud)
{
	struct tlpress_upload *up = ud;
	size_t want = size * n, left = up->len - up->pos;

	if (want > left)
		want = left;
	memcpy(buf, up->p + up->pos, want);
	up->pos += want;
	return want;
}

int tlpress_transport_url_of(const struct tlpress_transport *t, const char *rel,
			     struct tlpress_buf *out, struct tlpress_error *err)
{
	tlpress_buf_reset(out);
	tlpress_buf_adds(out, t->url);
	tlpress_transport_urlencode(out, rel);
	if (out->failed)
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	return 0;
}

void tlpress_transport_tmpname(struct tlpress_buf *out, const char *rel)
{
	const char *slash = strrchr(rel, '/');
	const char *base = slash ? slash + 1 : rel;

	tlpress_buf_add(out, rel, (size_t)(base - rel));
	tlpress_buf_printf(out, ".%s.tlpress-tmp", base);
}

void tlpress_transport_curl_reason(struct tlpress_buf *out, CURLcode rc, const char *errbuf,
				   int *operator)
{
	const char *s = curl_easy_strerror(rc);

	tlpress_buf_adds(out, s);
	if (errbuf && *errbuf && strcmp(errbuf, s) != 0) {
		size_t n = strlen(errbuf);

		while (n && (errbuf[n - 1] == '\n' || errbuf[n - 1] == '\r'))
			n--;
		tlpress_buf_printf(out, " (%.*s)", (int)n, errbuf);
	}
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_LOGIN_DENIED:
	case CURLE_REMOTE_ACCESS_DENIED:
	case CURLE_REMOTE_DISK_FULL:
	case CURLE_REMOTE_FILE_NOT_FOUND:
	case CURLE_QUOTE_ERROR:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_FILESIZE_EXCEEDED:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_NOT_BUILT_IN:
	case CURLE_FUNCTION_NOT_FOUND:
	case CURLE_BAD_FUNCTION_ARGUMENT:
	case CURLE_UNKNOWN_OPTION:
	case CURLE_AUTH_ERROR:
		*operator = 1;
		break;
	default:
		/* cannot connect or resolve, timed out, connection lost, TLS
		 * handshake broken off, ...: the server may come back */
		*operator = 0;
		break;
	}
}

const char *tlpress_transport_advice(struct tlpress_transport *t, int operator)
{
	t->operator = operator;
	return operator ? " (needs an operator: retrying will not help)"
			: "; the server may be down or unreachable: try again later";
}

/* Parse url into t->url, scheme, user, host, port and path. */
static int parse_url(struct tlpress_transport *t, const char *url, struct tlpress_error *err)
{
	CURLU *u = curl_url();
	char *part = NULL, *path = NULL;
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	CURLUcode uc;
	int r = 0;
	const char *p;

	if (!u)
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	for (p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			break;
	if (*p) {
		r = tlpress_error_set(err, TLPRESS_EUSAGE, "invalid upload URL: it holds a space "
				      "or a control character; encode it as %%XX");
		goto out;
	}
	uc = curl_url_set(u, CURLUPART_URL, url, 0);
	if (uc) {
		r = tlpress_error_set(err, TLPRESS_EUSAGE, "invalid upload URL '%s': %s; write "
				      "file:///path/, https://host/path/ or "
				      "sftp://user@host/path/", url, curl_url_strerror(uc));
		goto out;
	}
	curl_url_get(u, CURLUPART_SCHEME, &t->scheme, 0);
	if (!curl_url_get(u, CURLUPART_PASSWORD, &part, 0)) {
		/* do not repeat the URL: it holds a password */
		curl_free(part);
		r = tlpress_error_set(err, TLPRESS_EUSAGE, "the %s upload URL holds a password; "
				      "remove it from the URL and the configuration: %s",
				      t->scheme ? t->scheme : "",
				      t->scheme && !strcmp(t->scheme, "sftp")
				      ? "sftp logs in with a key file only"
				      : "put it in the netrc file (~/.netrc, mode 600)");
		goto out;
	}
	if (!curl_url_get(u, CURLUPART_QUERY, &part, 0) ||
	    !curl_url_get(u, CURLUPART_FRAGMENT, &part, 0) ||
	    !curl_url_get(u, CURLUPART_OPTIONS, &part, 0)) {
		curl_free(part);
		r = tlpress_error_set(err, TLPRESS_EUSAGE, "invalid upload URL '%s': it may not "
				      "have a query (?), a fragment (#) or login options (;); "
				      "remove them from 'site.target'", url);
		goto out;
	}
	if (!curl_url_get(u, CURLUPART_USER, &part, CURLU_URLDECODE)) {
		t->user = strdup(part);
		curl_free(part);
		if (!t->user)
			goto oom;
	}
	uc = curl_url_get(u, CURLUPART_HOST, &part, 0);
	if (uc == CURLUE_OK) {
		size_t n = strlen(part);

		if (n >= 2 && part[0] == '[' && part[n - 1] == ']')
			t->host = strndup(part + 1, n - 2);
		else
			t->host = strdup(part);
		curl_free(part);
	} else {
		t->host = strdup("");
	}
	if (!t->host)
		goto oom;
	if (!curl_url_get(u, CURLUPART_PORT, &part, 0)) {
		t->port = strtol(part, NULL, 10);
		curl_free(part);
	}
	/* the path, with its final '/' */
	if (curl_url_get(u, CURLUPART_PATH, &path, 0))
		goto oom;
	if (!*path || path[strlen(path) - 1] != '/') {
		tlpress_buf_adds(&b, path);
		tlpress_buf_addch(&b, '/');
		if (b.failed)
			goto oom;
		if (curl_url_set(u, CURLUPART_PATH, b.ptr, 0))
			goto oom;
	}
	curl_free(path);
	path = NULL;
	if (curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE)) {
		r = tlpress_error_set(err, TLPRESS_EUSAGE, "invalid upload URL '%s': its path "
				      "does not decode; write each %%XX escape with two hexadecimal "
				      "digits", url);
		goto out;
	}
	for (p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			break;
	if (*p) {
		r = tlpress_error_set(err, TLPRESS_EUSAGE, "invalid upload URL '%s': its path "
				      "holds a control character; remove it from 'site.target'", url);
		goto out;
	}
	t->path = strdup(path);
	if (!t->path)
		goto oom;
	if (curl_url_get(u, CURLUPART_URL, &part, 0))
		goto oom;
	t->url = strdup(part);
	curl_free(part);
	if (!t->url)
		goto oom;
	goto out;
oom:
	r = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
out:
	curl_free(path);
	curl_url_cleanup(u);
	tlpress_buf_release(&b);
	return r;
}

static void transport_free(struct tlpress_transport *t)
{
	free(t->url);
	curl_free(t->scheme);
	free(t->user);
	free(t->host);
	free(t->path);
	free(t);
}

int tlpress_transport_open(struct tlpress_transport **tp, const char *url,
			   const struct tlpress_transport_opts *o,
			   struct tlpress_error *err)
{
	struct tlpress_transport_opts none = { NULL, NULL, NULL, 0 };
	struct tlpress_transport *t;
	size_t i;
	int r;

	*tp = NULL;
	if (!url || !*url)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "no upload URL given");
	if (!o)
		o = &none;
	r = tlpress_transport_curl_init(err);
	if (r)
		return r;
	t = calloc(1, sizeof(*t));
	if (!t)
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	t->timeout_s = o->timeout_s > 0 ? o->timeout_s : DEFAULT_TIMEOUT_S;
	r = parse_url(t, url, err);
	if (r) {
		transport_free(t);
		return r;
	}
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (!strcmp(t->scheme, schemes[i].scheme))
			t->ops = schemes[i].ops;
	if (!t->ops) {
		r = tlpress_error_set(err, TLPRESS_EUSAGE, "cannot upload to '%s': unknown scheme "
				      "'%s'; use file://, http://, https:// (WebDAV) or sftp://",
				      t->url, t->scheme);
		transport_free(t);
		return r;
	}
	r = t->ops->open(t, o, err);
	if (r) {
		transport_free(t);
		return r;
	}
	*tp = t;
	return 0;
}

void tlpress_transport_close(struct tlpress_transport *t)
{
	if (!t)
		return;
	t->ops->close(t);
	transport_free(t);
}

static int check_rel(const struct tlpress_transport *t, const char *verb, const char *rel,
		     struct tlpress_error *err)
{
	if (!rel || tlpress_path_check(rel))
		return tlpress_error_set(err, TLPRESS_EUSAGE, "refusing to %s '%s' on %s: not a "
					 "clean relative path (no '..', no leading '/', no "
					 "empty parts)", verb, rel ? rel : "(null)", t->url);
	return 0;
}

int tlpress_transport_put(struct tlpress_transport *t, const char *rel,
			  const void *data, size_t len, struct tlpress_error *err)
{
	int r = check_rel(t, "upload", rel, err);

	if (r)
		return r;
	if (!data && len)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "no data to upload for '%s'", rel);
	t->operator = 1;
	return t->ops->put(t, rel, data ? data : "", len, err);
}

int tlpress_transport_delete(struct tlpress_transport *t, const char *rel,
			     struct tlpress_error *err)
{
	int r = check_rel(t, "delete", rel, err);

	if (r)
		return r;
	t->operator = 1;
	return t->ops->del(t, rel, err);
}

int tlpress_transport_get(struct tlpress_transport *t, const char *rel,
			  struct tlpress_buf *out, int *missing,
			  struct tlpress_error *err)
{
	int r = check_rel(t, "fetch", rel, err);

	*missing = 0;
	if (r)
		return r;
	tlpress_buf_reset(out);
	t->operator = 1;
	return t->ops->get(t, rel, out, missing, err);
}

int tlpress_transport_retryable(const struct tlpress_transport *t)
{
	return !t->operator;
}

int tlpress_transport_delete_tmp(struct tlpress_transport *t, const char *rel,
				 struct tlpress_error *err)
{
	struct tlpress_buf tmp = TLPRESS_BUF_INIT;
	int r = check_rel(t, "delete", rel, err);

	if (r)
		return r;
	tlpress_transport_tmpname(&tmp, rel);
	if (tmp.failed)
		r = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	else
		r = tlpress_transport_delete(t, tmp.ptr, err);
	tlpress_buf_release(&tmp);
	return r;
}

const char *tlpress_transport_kind(const struct tlpress_transport *t)
{
	return t->ops->name;
}

const char *tlpress_transport_url(const struct tlpress_transport *t)
{
	return t->url;
}
