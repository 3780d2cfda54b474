/* transport_http.c - http(s)://host[:port]/path/: WebDAV with libcurl.
 *
 * put:    PUT .NAME.tlpress-tmp, then MOVE it onto NAME with "Overwrite: T".
 *         A PUT answered 409 (RFC 4918: a parent collection is missing), or
 *         404/500 for a nested name (nginx without create_full_put_path
 *         answers 500), makes MKCOL of each folder from the top, then one
 *         more PUT. A failed MOVE deletes the temporary file.
 * delete: DELETE; 404 and 410 mean already gone.
 * get:    GET; 404 and 410 mean missing.
 *
 * Credentials come only from the netrc file (CURLOPT_NETRC_FILE with
 * CURL_NETRC_REQUIRED), never from the URL, and are sent with Basic
 * authentication; the netrc file must be mode 600 (or stricter) and belong
 * to the user. Redirects are not followed (credentials would follow them).
 * See transport.h.
 */
#define TLPRESS_TRANSPORT_INTERNAL
#include "transport.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

struct http {
	CURL *h;
	char errbuf[CURL_ERROR_SIZE];
	char *netrc;       /* the netrc file libcurl reads */
	char *netrc_shown; /* the same for messages: as configured, or ~/.netrc */
};

/* The body of a PUT, read by libcurl (and rewound when it asks). */

/* Where a response body goes: into out for a 200 of a GET, else nowhere. */
struct sink {
	CURL *h;
	struct tlpress_buf *out;
	int overflow;
};


static int seek_cb(void *ud, curl_off_t off, int origin)
{
	struct tlpress_upload *up = ud;

	if (origin != SEEK_SET || off < 0 || (size_t)off > up->len)
		return CURL_SEEKFUNC_CANTSEEK;
	up->pos = (size_t)off;
	return CURL_SEEKFUNC_OK;
}

static size_t write_cb(char *p, size_t size, size_t n, void *ud)
{
	struct sink *s = ud;
	long code = 0;

	if (!s->out)
		return size * n;
	curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &code);
	if (code != 200)
		return size * n; /* an error page: not the file */
	if (tlpress_buf_add(s->out, p, size * n) < 0) {
		/* 1: over the limit of out; 2: out of memory */
		s->overflow = s->out->len + size * n > s->out->limit ? 1 : 2;
		return 0;
	}
	return size * n;
}

static const char *status_text(long code)
{
	switch (code) {
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 307: return "Temporary Redirect";
	case 308: return "Permanent Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 411: return "Length Required";
	case 412: return "Precondition Failed";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 423: return "Locked";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	case 507: return "Insufficient Storage";
	}
	return "";
}

/* "cannot VERB 'rel' PREP URL: " */
static void what(struct tlpress_buf *m, struct tlpress_transport *t, const char *verb,
		 const char *rel)
{
	const char *prep = !strcmp(verb, "upload") ? "to" : !strcmp(verb, "fetch") ? "from" : "on";

	tlpress_buf_printf(m, "cannot %s '%s' %s %s: ", verb, rel, prep, t->url);
}

static int fail_curl(struct tlpress_transport *t, const char *verb, const char *rel,
		     const char *step, CURLcode rc, struct tlpress_error *err)
{
	struct http *s = t->priv;
	struct tlpress_buf m = TLPRESS_BUF_INIT;
	int operator = 0, r;

	what(&m, t, verb, rel);
	if (step)
		tlpress_buf_printf(&m, "%s: ", step);
	tlpress_transport_curl_reason(&m, rc, s->errbuf, &operator);
	tlpress_buf_adds(&m, tlpress_transport_advice(t, operator));
	r = tlpress_error_set(err, rc == CURLE_OUT_OF_MEMORY ? TLPRESS_ENOMEM : TLPRESS_ENET,
			      "%s", m.ptr);
	tlpress_buf_release(&m);
	return r;
}

static int fail_http(struct tlpress_transport *t, const char *verb, const char *rel,
		     const char *method, long code, struct tlpress_error *err)
{
	struct http *s = t->priv;
	struct tlpress_buf m = TLPRESS_BUF_INIT;
	int operator = code < 500 || code == 501 || code == 507;
	int r;

	if (code == 408 || code == 429)
		operator = 0;
	what(&m, t, verb, rel);
	if (strcmp(method, "PUT") && strcmp(method, "GET") && strcmp(method, "DELETE"))
		tlpress_buf_printf(&m, "%s: ", method);
	tlpress_buf_printf(&m, "%ld %s", code, status_text(code));
	switch (code) {
	case 401:
		tlpress_buf_printf(&m, "; check the credentials for %s in %s", t->host,
				   s->netrc_shown);
		break;
	case 403:
		tlpress_buf_printf(&m, "; the server refuses %s here: check its configuration "
				   "and the permissions of its folder", method);
		break;
	case 404:
		tlpress_buf_adds(&m, "; the server has no such folder: check the URL");
		break;
	case 405:
		tlpress_buf_printf(&m, "; the server does not allow %s here: enable WebDAV (PUT, "
				   "DELETE, MKCOL, MOVE) for this location", method);
		break;
	case 409:
		tlpress_buf_adds(&m, "; a folder on the way is missing or is a file");
		break;
	case 413:
		tlpress_buf_adds(&m, "; the file is larger than the server accepts (nginx: "
				 "client_max_body_size)");
		break;
	case 507:
		tlpress_buf_adds(&m, "; the server is out of space");
		break;
	default:
		if (code >= 300 && code < 400)
			tlpress_buf_adds(&m, "; the server redirects elsewhere, which tlpress does "
					 "not follow: configure the final URL");
		break;
	}
	tlpress_buf_adds(&m, tlpress_transport_advice(t, operator));
	r = tlpress_error_set(err, TLPRESS_ENET, "%s", m.ptr);
	tlpress_buf_release(&m);
	return r;
}

/* One request on the transport's handle. url is complete; data/len the body
 * of a PUT; destination the Destination of a MOVE; out the body of a GET
 * (NULL: discard). *code gets the HTTP status. */
static CURLcode request(struct tlpress_transport *t, const char *method, const char *url,
			const void *data, size_t len, const char *destination,
			struct tlpress_buf *out, long *code, int *overflow)
{
	struct http *s = t->priv;
	struct tlpress_upload up = { data, len, 0 };
	struct sink sink = { s->h, out, 0 };
	struct curl_slist *hdrs = NULL, *n;
	struct tlpress_buf dest = TLPRESS_BUF_INIT;
	CURLcode rc = CURLE_OUT_OF_MEMORY;

	*code = 0;
	tlpress_transport_curl_setup(t, s->h, s->errbuf);
	curl_easy_setopt(s->h, CURLOPT_URL, url);
	curl_easy_setopt(s->h, CURLOPT_NETRC, (long)CURL_NETRC_REQUIRED);
	curl_easy_setopt(s->h, CURLOPT_NETRC_FILE, s->netrc);
	curl_easy_setopt(s->h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	curl_easy_setopt(s->h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(s->h, CURLOPT_WRITEDATA, &sink);
	if (!strcmp(method, "PUT")) {
		curl_easy_setopt(s->h, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(s->h, CURLOPT_READFUNCTION, tlpress_transport_read_cb);
		curl_easy_setopt(s->h, CURLOPT_READDATA, &up);
		curl_easy_setopt(s->h, CURLOPT_SEEKFUNCTION, seek_cb);
		curl_easy_setopt(s->h, CURLOPT_SEEKDATA, &up);
		curl_easy_setopt(s->h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
		n = curl_slist_append(hdrs, "Content-Type: application/octet-stream");
		if (!n)
			goto out;
		hdrs = n;
	} else if (!strcmp(method, "GET")) {
		curl_easy_setopt(s->h, CURLOPT_HTTPGET, 1L);
		n = curl_slist_append(hdrs, "Cache-Control: no-cache");
		if (!n)
			goto out;
		hdrs = n;
	} else {
		curl_easy_setopt(s->h, CURLOPT_CUSTOMREQUEST, method);
	}
	if (destination) {
		tlpress_buf_printf(&dest, "Destination: %s", destination);
		if (dest.failed)
			goto out;
		n = curl_slist_append(hdrs, dest.ptr);
		if (!n)
			goto out;
		hdrs = n;
		n = curl_slist_append(hdrs, "Overwrite: T");
		if (!n)
			goto out;
		hdrs = n;
	}
	if (hdrs)
		curl_easy_setopt(s->h, CURLOPT_HTTPHEADER, hdrs);
	rc = curl_easy_perform(s->h);
	curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, code);
	if (overflow)
		*overflow = sink.overflow;
out:
	/* do not leave pointers to this frame in the handle */
	curl_easy_setopt(s->h, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(s->h, CURLOPT_WRITEDATA, NULL);
	curl_easy_setopt(s->h, CURLOPT_READDATA, NULL);
	curl_easy_setopt(s->h, CURLOPT_SEEKDATA, NULL);
	curl_slist_free_all(hdrs);
	tlpress_buf_release(&dest);
	return rc;
}

/* MKCOL every folder of rel, from the top. 201 made, 405 already there. */
static int make_folders(struct tlpress_transport *t, const char *rel, struct tlpress_error *err)
{
	struct tlpress_buf url = TLPRESS_BUF_INIT, dir = TLPRESS_BUF_INIT;
	const char *slash;
	long code;
	CURLcode rc;
	int r = 0;

	for (slash = strchr(rel, '/'); slash && !r; slash = strchr(slash + 1, '/')) {
		tlpress_buf_reset(&dir);
		tlpress_buf_add(&dir, rel, (size_t)(slash - rel + 1));
		r = tlpress_transport_url_of(t, dir.ptr, &url, err);
		if (r)
			break;
		rc = request(t, "MKCOL", url.ptr, NULL, 0, NULL, NULL, &code, NULL);
		if (rc)
			r = fail_curl(t, "upload", rel, "MKCOL of a folder", rc, err);
		else if (code != 201 && code != 405 && !(code >= 200 && code < 300))
			r = fail_http(t, "upload", rel, "MKCOL", code, err);
	}
	tlpress_buf_release(&url);
	tlpress_buf_release(&dir);
	return r;
}

static int http_put(struct tlpress_transport *t, const char *rel, const void *data,
		    size_t len, struct tlpress_error *err)
{
	struct tlpress_buf tmp = TLPRESS_BUF_INIT, tmpurl = TLPRESS_BUF_INIT;
	struct tlpress_buf final = TLPRESS_BUF_INIT;
	long code;
	CURLcode rc;
	int r, tried_mkcol = 0;

	tlpress_transport_tmpname(&tmp, rel);
	if (tmp.failed) {
		r = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		goto out;
	}
	r = tlpress_transport_url_of(t, tmp.ptr, &tmpurl, err);
	if (!r)
		r = tlpress_transport_url_of(t, rel, &final, err);
	if (r)
		goto out;
again:
	rc = request(t, "PUT", tmpurl.ptr, data, len, NULL, NULL, &code, NULL);
	if (rc) {
		r = fail_curl(t, "upload", rel, NULL, rc, err);
		goto out;
	}
	if (!tried_mkcol && strchr(rel, '/') &&
	    (code == 409 || code == 404 || code == 500)) {
		tried_mkcol = 1;
		r = make_folders(t, rel, err);
		if (r)
			goto out;
		goto again;
	}
	if (code < 200 || code >= 300) {
		r = fail_http(t, "upload", rel, "PUT", code, err);
		goto out;
	}
	rc = request(t, "MOVE", tmpurl.ptr, NULL, 0, final.ptr, NULL, &code, NULL);
	if (rc)
		r = fail_curl(t, "upload", rel, "MOVE to the final name", rc, err);
	else if (code < 200 || code >= 300)
		r = fail_http(t, "upload", rel, "MOVE to the final name", code, err);
	if (r) {
		/* best effort: the server may be gone by now */
		request(t, "DELETE", tmpurl.ptr, NULL, 0, NULL, NULL, &code, NULL);
	}
out:
	tlpress_buf_release(&tmp);
	tlpress_buf_release(&tmpurl);
	tlpress_buf_release(&final);
	return r;
}

static int http_del(struct tlpress_transport *t, const char *rel, struct tlpress_error *err)
{
	struct tlpress_buf url = TLPRESS_BUF_INIT;
	long code;
	CURLcode rc;
	int r = tlpress_transport_url_of(t, rel, &url, err);

	if (!r) {
		rc = request(t, "DELETE", url.ptr, NULL, 0, NULL, NULL, &code, NULL);
		if (rc)
			r = fail_curl(t, "delete", rel, NULL, rc, err);
		else if ((code < 200 || code >= 300) && code != 404 && code != 410)
			r = fail_http(t, "delete", rel, "DELETE", code, err);
	}
	tlpress_buf_release(&url);
	return r;
}

static int http_get(struct tlpress_transport *t, const char *rel, struct tlpress_buf *out,
		    int *missing, struct tlpress_error *err)
{
	struct tlpress_buf url = TLPRESS_BUF_INIT;
	long code;
	CURLcode rc;
	int overflow = 0, r = tlpress_transport_url_of(t, rel, &url, err);

	if (r)
		goto out;
	rc = request(t, "GET", url.ptr, NULL, 0, NULL, out, &code, &overflow);
	if (overflow) {
		r = overflow == 1
			? tlpress_error_set(err, TLPRESS_ELIMIT, "cannot fetch '%s' from %s: "
					    "larger than %zu bytes", rel, t->url, out->limit)
			: tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		tlpress_buf_reset(out);
	} else if (rc) {
		r = fail_curl(t, "fetch", rel, NULL, rc, err);
		tlpress_buf_reset(out);
	} else if (code == 404 || code == 410) {
		*missing = 1;
	} else if (code != 200) {
		r = fail_http(t, "fetch", rel, "GET", code, err);
		tlpress_buf_reset(out);
	}
out:
	tlpress_buf_release(&url);
	return r;
}

/* The netrc file holds passwords: like ssh with its keys, refuse one that
 * others may read or change. A missing default ~/.netrc means no
 * credentials (the server may not want any). */
static void http_close(struct tlpress_transport *t)
{
	struct http *s = t->priv;

	if (!s)
		return;
	if (s->h)
		curl_easy_cleanup(s->h);
	free(s->netrc);
	free(s->netrc_shown);
	free(s);
	t->priv = NULL;
}

static int http_open(struct tlpress_transport *t, const struct tlpress_transport_opts *o,
		     struct tlpress_error *err)
{
	struct http *s;
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	const char *home;
	int r;

	if (!*t->host)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "cannot upload to '%s': no host",
					 t->url);
	s = calloc(1, sizeof(*s));
	if (!s)
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	t->priv = s;
	if (o->netrc && *o->netrc) {
		s->netrc = strdup(o->netrc);
		s->netrc_shown = strdup(o->netrc);
	} else {
		home = getenv("HOME");
		if (!home || !*home) {
			struct passwd *pw = getpwuid(geteuid());

			home = pw ? pw->pw_dir : "/";
		}
		tlpress_buf_printf(&b, "%s/.netrc", home);
		s->netrc = tlpress_buf_detach(&b, NULL);
		s->netrc_shown = strdup("~/.netrc");
	}
	if (!s->netrc || !s->netrc_shown) {
		r = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		goto fail;
	}
	r = tlpress_secret_file_check(s->netrc, s->netrc_shown, o->netrc && *o->netrc, err);
	if (r)
		goto fail;
	s->h = tlpress_transport_curl_new();
	if (!s->h) {
		r = tlpress_error_set(err, TLPRESS_ENOMEM, "cannot create a libcurl handle");
		goto fail;
	}
	return 0;
fail:
	http_close(t);
	return r;
}

const struct tlpress_transport_ops tlpress_transport_http_ops = {
	"webdav",   /* name */
	http_open,  /* open: checks the host and the netrc file; makes the handle */
	http_put,   /* put: PUT .NAME.tlpress-tmp (MKCOL on 409), MOVE Overwrite: T */
	http_del,   /* del: DELETE; 404/410 are success */
	http_get,   /* get: GET; 404/410 are *missing */
	http_close, /* close: the handle, with its connection */
};
