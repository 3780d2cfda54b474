/* smtp.c - one finished message to one recipient, over SMTP with libcurl or
 * into a Maildir outbox, with a result a journal can act on; see smtp.h
 *
 * The libcurl handle is shared with nothing: transport.h lends only its
 * process-wide curl_global_init(), the upload read callback and the words
 * for a CURLcode.
 */
#define TLPRESS_TRANSPORT_INTERNAL
#include "smtp.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "buf.h"
#include "fsutil.h"
#include "transport.h"

#define DEFAULT_TIMEOUT_S 30L
#define ADDR_MAX 254    /* RFC 5321: a path is at most 256 octets with its <> */
#define HELO_MAX 253
#define LINE_KEPT 256   /* of the server's last reply line */
#define SHOWN_MAX 80    /* of a refused address in a message */

struct tlpress_smtp {
	CURL *h;
	char *url;        /* for libcurl: scheme://host:port/EHLO-name */
	char *shown;      /* for messages: scheme://host:port, nothing else */
	char *host;       /* for messages about the netrc file */
	char *netrc;      /* or NULL: no AUTH */
	long use_ssl;     /* CURLUSESSL_ALL, or CURLUSESSL_NONE for smtp:// on the loopback */
	long timeout_s;
	long connections; /* opened so far */
	char errbuf[CURL_ERROR_SIZE];
	/* one transfer, as the debug callback saw it */
	char verb[12];    /* the last command sent: "MAIL", "RCPT", "DATA", ... */
	char stage[12];   /* the command the last reply answered; "" for the greeting */
	char line[LINE_KEPT]; /* the last reply line, printable ASCII */
};

/* The commands libcurl sends, by how their line starts. A line that starts
 * otherwise (the continuation of an AUTH exchange: credentials) is not
 * looked at. */
static const struct {
	const char *prefix;
	const char *verb;
} commands[] = {
	{ "EHLO ", "EHLO" },
	{ "HELO ", "HELO" },
	{ "STARTTLS\r", "STARTTLS" },
	{ "AUTH ", "AUTH" },
	{ "MAIL FROM:", "MAIL" },
	{ "RCPT TO:", "RCPT" },
	{ "DATA\r", "DATA" },
	{ "RSET\r", "RSET" },
	{ "NOOP\r", "NOOP" },
	{ "QUIT\r", "QUIT" },
};

/* addr for a message: printable, control characters as \xNN, cut short */
static void show(char *out, size_t size, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *s && o + 8 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (o >= SHOWN_MAX) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (c < 0x20 || c == 0x7f) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
}

/* An envelope address that goes into a command line or a header line: one
 * '@' with something on both sides (or "" when empty_ok: the null sender),
 * no control characters, spaces, '<', '>' or ','; ascii: nothing above
 * 0x7e either. */
static int check_addr(const char *what, const char *a, int empty_ok, int ascii,
		      struct tlpress_error *err)
{
	char shown[SHOWN_MAX + 16];
	const char *p, *at = NULL, *why = NULL;
	size_t n = strlen(a);

	if (!n && empty_ok)
		return 0;
	for (p = a; *p && !why; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\r' || c == '\n')
			why = "it holds a CR or LF (header injection?)";
		else if (c < 0x20 || c == 0x7f)
			why = "it holds a control character";
		else if (c == ' ' || c == '<' || c == '>' || c == ',')
			why = "it holds a space, '<', '>' or ','; give one bare address";
		else if (c > 0x7e && ascii)
			why = "it is not ASCII";
		else if (c == '@')
			at = p;
	}
	if (!why && !n)
		why = "it is empty";
	else if (!why && n > ADDR_MAX)
		why = "it is longer than 254 bytes";
	else if (!why && (!at || at == a || !at[1]))
		why = "it is not of the form local@domain";
	if (!why)
		return 0;
	show(shown, sizeof(shown), a);
	return tlpress_error_set(err, TLPRESS_EINVAL, "refusing the %s address '%s': %s", what,
				 shown, why);
}

/* The message must be something, without NUL or a bare CR (an SMTP
 * smuggling vector). A bare LF is turned into CRLF in a copy in norm; *body
 * and *blen get what to send. */
static int check_msg(const char *msg, size_t len, struct tlpress_buf *norm, const char **body,
		     size_t *blen, struct tlpress_error *err)
{
	size_t i, bare_lf = 0;

	*body = msg;
	*blen = len;
	if (!len)
		return tlpress_error_set(err, TLPRESS_EINVAL, "refusing to send an empty message");
	for (i = 0; i < len; i++) {
		if (msg[i] == '\0')
			return tlpress_error_set(err, TLPRESS_EINVAL, "refusing a message with a "
						 "NUL byte (at offset %zu)", i);
		if (msg[i] == '\r' && (i + 1 == len || msg[i + 1] != '\n'))
			return tlpress_error_set(err, TLPRESS_EINVAL, "refusing a message with a "
						 "bare CR (at offset %zu): lines end with CRLF", i);
		if (msg[i] == '\n' && (i == 0 || msg[i - 1] != '\r'))
			bare_lf++;
	}
	if (!bare_lf || !norm)
		return 0;
	if (tlpress_buf_grow(norm, len + bare_lf) < 0)
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	for (i = 0; i < len; i++) {
		if (msg[i] == '\n' && (i == 0 || msg[i - 1] != '\r'))
			tlpress_buf_addch(norm, '\r');
		tlpress_buf_addch(norm, msg[i]);
	}
	*body = norm->ptr;
	*blen = norm->len;
	return 0;
}

/* A name for EHLO: a host name, or an address literal "[...]" */
static int helo_ok(const char *h)
{
	size_t n = strlen(h), i;

	if (!n || n > HELO_MAX)
		return 0;
	if (h[0] == '[') {
		if (n < 3 || h[n - 1] != ']')
			return 0;
		for (i = 1; i + 1 < n; i++)
			if (!isxdigit((unsigned char)h[i]) && h[i] != '.' && h[i] != ':' &&
			    !(i < 5 && strchr("IPv6", h[i])))
				return 0;
		return 1;
	}
	if (h[0] == '-' || h[0] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && h[i] != '-' && h[i] != '.')
			return 0;
	return 1;
}

static int loopback(const char *host)
{
	unsigned char a[16];

	if (!strcasecmp(host, "localhost") || !strcasecmp(host, "localhost."))
		return 1;
	if (inet_pton(AF_INET, host, a) == 1)
		return a[0] == 127;
	if (inet_pton(AF_INET6, host, a) == 1) {
		static const unsigned char one[16] = { [15] = 1 };

		return !memcmp(a, one, sizeof(one));
	}
	return 0;
}

/* Check url (and helo) and fill s->url, s->shown, s->host, s->use_ssl. */
static int parse_url(struct tlpress_smtp *s, const char *url, const char *helo,
		     struct tlpress_error *err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *part = NULL;
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	const char *name = NULL, *p;
	size_t n;
	int r = 0;

	if (!u)
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	for (p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			break;
	if (*p) {
		r = tlpress_error_set(err, TLPRESS_EUSAGE, "invalid SMTP URL: it holds a space or "
				      "a control character; correct 'smtp.url'");
		goto out;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
	    (strcmp(scheme, "smtp") && strcmp(scheme, "smtps"))) {
		r = tlpress_error_set(err, TLPRESS_EUSAGE, "invalid SMTP URL '%s': write "
				      "smtp://host[:port] or smtps://host[:port]", url);
		goto out;
	}
	if (!curl_url_get(u, CURLUPART_PASSWORD, &part, 0) ||
	    !curl_url_get(u, CURLUPART_USER, &part, 0)) {
		/* do not repeat the URL: it may hold a password */
		r = tlpress_error_set(err, TLPRESS_EUSAGE, "the SMTP URL holds a user name or a "
				      "password; remove them: credentials come from the netrc "
				      "file (smtp.netrc, mode 600)");
		goto out;
	}
	if (!curl_url_get(u, CURLUPART_QUERY, &part, 0) ||
	    !curl_url_get(u, CURLUPART_FRAGMENT, &part, 0) ||
	    !curl_url_get(u, CURLUPART_OPTIONS, &part, 0)) {
		r = tlpress_error_set(err, TLPRESS_EUSAGE, "invalid SMTP URL '%s': it may not have "
				      "a query (?), a fragment (#) or login options (;); remove them "
				      "from 'smtp.url'", url);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) || !*host ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ||
	    curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE)) {
		r = tlpress_error_set(err, TLPRESS_EUSAGE, "invalid SMTP URL '%s': no host; write "
				      "smtp://HOST:587 or smtps://HOST:465 in 'smtp.url'", url);
		goto out;
	}
	if (path[0] == '/' && path[1])
		name = path + 1;
	if (helo && *helo)
		name = helo;
	if (name && !helo_ok(name)) {
		r = tlpress_error_set(err, TLPRESS_EUSAGE, "invalid EHLO name '%.64s'%s: write a "
				      "host name (letters, digits, '.', '-') or an address literal "
				      "[...]", name,
				      helo && *helo ? "" : " in the SMTP URL's path");
		goto out;
	}
	tlpress_buf_addch(&b, '/');
	if (name)
		tlpress_buf_adds(&b, name);
	if (b.failed || curl_url_set(u, CURLUPART_PATH, b.ptr, 0) ||
	    curl_url_get(u, CURLUPART_URL, &part, 0))
		goto oom;
	s->url = strdup(part);
	tlpress_buf_reset(&b);
	tlpress_buf_printf(&b, "%s://%s:%s", scheme, host, port);
	s->shown = tlpress_buf_detach(&b, NULL);
	n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
		s->host = strndup(host + 1, n - 2);
	else
		s->host = strdup(host);
	if (!s->url || !s->host)
		goto oom;
	s->use_ssl = !strcmp(scheme, "smtp") && loopback(s->host) ? (long)CURLUSESSL_NONE
								  : (long)CURLUSESSL_ALL;
	goto out;
oom:
	r = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(part);
	curl_url_cleanup(u);
	tlpress_buf_release(&b);
	return r;
}

void tlpress_smtp_close(struct tlpress_smtp *s)
{
	if (!s)
		return;
	if (s->h)
		curl_easy_cleanup(s->h);
	free(s->url);
	free(s->shown);
	free(s->host);
	free(s->netrc);
	free(s);
}

int tlpress_smtp_open(struct tlpress_smtp **sp, const struct tlpress_smtp_opts *o,
		      struct tlpress_error *err)
{
	struct tlpress_smtp *s;
	int r;

	if (!sp)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "tlpress_smtp_open: no handle");
	*sp = NULL;
	if (!o || !o->url || !*o->url)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "no SMTP URL given");
	r = tlpress_transport_curl_init(err);
	if (r)
		return r;
	s = calloc(1, sizeof(*s));
	if (!s)
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	s->timeout_s = o->timeout_s > 0 ? o->timeout_s : DEFAULT_TIMEOUT_S;
	r = parse_url(s, o->url, o->helo, err);
	if (r)
		goto fail;
	if (o->netrc && *o->netrc) {
		r = tlpress_secret_file_check(o->netrc, o->netrc, 1, err);
		if (r)
			goto fail;
		s->netrc = strdup(o->netrc);
		if (!s->netrc)
			goto oom;
	}
	s->h = curl_easy_init();
	if (!s->h) {
		r = tlpress_error_set(err, TLPRESS_ENOMEM, "cannot create a libcurl handle");
		goto fail;
	}
	*sp = s;
	return 0;
oom:
	r = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
fail:
	tlpress_smtp_close(s);
	return r;
}

long tlpress_smtp_connections(const struct tlpress_smtp *s)
{
	return s ? s->connections : 0;
}

const char *tlpress_smtp_server(const struct tlpress_smtp *s)
{
	return s->shown;
}

/* Keep the verb of each command and the last line of each reply. */
static int debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *ud)
{
	struct tlpress_smtp *s = ud;
	size_t i, start, end, o;

	(void)h;
	if (type == CURLINFO_HEADER_OUT) {
		for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
			size_t n = strlen(commands[i].prefix);

			if (size >= n && !strncasecmp(data, commands[i].prefix, n)) {
				snprintf(s->verb, sizeof(s->verb), "%s", commands[i].verb);
				break;
			}
		}
		return 0;
	}
	if (type != CURLINFO_HEADER_IN || !strcmp(s->verb, "QUIT"))
		return 0; /* not a reply, or the goodbye of a closing connection */
	/* the last non-empty line of the chunk (libcurl gives one line) */
	end = size;
	while (end && (data[end - 1] == '\n' || data[end - 1] == '\r'))
		end--;
	if (!end)
		return 0;
	start = end;
	while (start && data[start - 1] != '\n')
		start--;
	for (i = start, o = 0; i < end && o + 1 < sizeof(s->line); i++) {
		unsigned char c = (unsigned char)data[i];

		s->line[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	s->line[o] = '\0';
	memcpy(s->stage, s->verb, sizeof(s->stage));
	return 0;
}

/* curl_easy_reset() and every option of one send */
static void setup(struct tlpress_smtp *s, const char *from, struct curl_slist *rcpts,
		  struct tlpress_upload *up, int fresh)
{
	CURL *h = s->h;

	curl_easy_reset(h);
	s->errbuf[0] = '\0';
	s->verb[0] = s->stage[0] = s->line[0] = '\0';
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, s->errbuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_URL, s->url);
	curl_easy_setopt(h, CURLOPT_USE_SSL, s->use_ssl);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, s->timeout_s);
	curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, s->timeout_s);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, s->timeout_s);
	if (s->netrc) {
		curl_easy_setopt(h, CURLOPT_NETRC, (long)CURL_NETRC_REQUIRED);
		curl_easy_setopt(h, CURLOPT_NETRC_FILE, s->netrc);
	}
	/* the debug callback replaces libcurl's printing: nothing goes to stderr */
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug_cb);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, s);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
	if (*from)
		curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	/* else no MAIL_FROM: libcurl sends the null sender <> */
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, tlpress_transport_read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, up);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)up->len);
	if (fresh)
		curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
}

static void copy_reply(char *reply, size_t replysize, const char *text)
{
	if (reply && replysize)
		snprintf(reply, replysize, "%s", text);
}

static int is_auth_code(long code)
{
	return code == 530 || code == 534 || code == 535 || code == 538;
}

/* The server refuses tlpress itself: an error for an operator. */
static int fail_operator(struct tlpress_smtp *s, const char *rcpt, const char *what, long code,
			 CURLcode rc, const char *hint, struct tlpress_error *err)
{
	struct tlpress_buf m = TLPRESS_BUF_INIT;
	char shown[SHOWN_MAX + 16];
	int operator = 1, r;

	show(shown, sizeof(shown), rcpt);
	tlpress_buf_printf(&m, "cannot send mail to '%s' via %s: ", shown, s->shown);
	if (what)
		tlpress_buf_printf(&m, "%s: ", what);
	if (code)
		tlpress_buf_adds(&m, s->line[0] ? s->line : "(no text)");
	else
		tlpress_transport_curl_reason(&m, rc, s->errbuf, &operator);
	if (hint)
		tlpress_buf_printf(&m, "; %s", hint);
	tlpress_buf_adds(&m, " (needs an operator: retrying will not help)");
	r = tlpress_error_set(err, m.failed ? TLPRESS_ENOMEM : TLPRESS_ENET, "%s",
			      m.failed ? "out of memory" : m.ptr);
	tlpress_buf_release(&m);
	return r;
}

int tlpress_smtp_send(struct tlpress_smtp *s, const char *from, const char *rcpt,
		      const void *msg, size_t len, int *result, long *code, char *reply,
		      size_t replysize, struct tlpress_error *err)
{
	struct tlpress_buf norm = TLPRESS_BUF_INIT, why = TLPRESS_BUF_INIT;
	struct curl_slist *rcpts = NULL;
	struct tlpress_upload up;
	const char *body;
	char hint[256];
	size_t blen;
	CURLcode rc = CURLE_OK;
	long c = 0, nconn;
	int tries, greeting, operator = 0, r;

	if (result)
		*result = TLPRESS_SMTP_DOWN;
	if (code)
		*code = 0;
	copy_reply(reply, replysize, "");
	if (!s || !from || !rcpt || !result || (!msg && len))
		return tlpress_error_set(err, TLPRESS_EUSAGE,
					 "tlpress_smtp_send: missing argument");
	r = check_addr("sender", from, 1, 0, err);
	if (!r)
		r = check_addr("recipient", rcpt, 0, 0, err);
	if (!r)
		r = check_msg(msg, len, &norm, &body, &blen, err);
	if (r)
		goto out;
	rcpts = curl_slist_append(NULL, rcpt);
	if (!rcpts) {
		r = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		goto out;
	}
	for (tries = 0; tries < 2; tries++) {
		up.p = body;
		up.len = blen;
		up.pos = 0;
		setup(s, from, rcpts, &up, tries > 0);
		rc = curl_easy_perform(s->h);
		c = 0;
		nconn = 0;
		curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &c);
		curl_easy_getinfo(s->h, CURLINFO_NUM_CONNECTS, &nconn);
		s->connections += nconn;
		/* a kept connection that was dead before the server said a word:
		 * nothing was sent; once more on a new connection */
		if (nconn || c || s->line[0] || (rc != CURLE_SEND_ERROR &&
		    rc != CURLE_RECV_ERROR && rc != CURLE_GOT_NOTHING))
			break;
	}
	/* leave no pointer to this frame or to rcpts in the handle */
	curl_easy_setopt(s->h, CURLOPT_READDATA, NULL);
	curl_easy_setopt(s->h, CURLOPT_MAIL_RCPT, NULL);

	if (code)
		*code = c;
	greeting = !s->stage[0] || !strcmp(s->stage, "EHLO") || !strcmp(s->stage, "HELO") ||
		   !strcmp(s->stage, "STARTTLS");
	if (rc == CURLE_OUT_OF_MEMORY) {
		r = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	} else if (rc == CURLE_OK || (!strcmp(s->stage, "DATA") && c >= 200 && c < 300)) {
		*result = TLPRESS_SMTP_SENT;
		copy_reply(reply, replysize, s->line);
	} else if (c == 421) {
		*result = TLPRESS_SMTP_DOWN;
		copy_reply(reply, replysize, s->line);
	} else if (c >= 400 && c < 600 && (!strcmp(s->stage, "AUTH") || is_auth_code(c))) {
		if (c < 500) {
			*result = TLPRESS_SMTP_DOWN; /* 454: the server cannot log us in now */
			copy_reply(reply, replysize, s->line);
		} else {
			if (s->netrc)
				snprintf(hint, sizeof(hint), "check the credentials for %s in '%s'",
					 s->host, s->netrc);
			else
				snprintf(hint, sizeof(hint), "the server wants a login: give "
					 "smtp.netrc with the credentials for %s", s->host);
			r = fail_operator(s, rcpt, "login refused", c, rc, hint, err);
		}
	} else if (c >= 400 && c < 600 && greeting) {
		if (c < 500) {
			*result = TLPRESS_SMTP_DOWN;
			copy_reply(reply, replysize, s->line);
		} else {
			r = fail_operator(s, rcpt, s->stage[0] ? "the server refuses EHLO"
					  : "the server refuses connections", c, rc,
					  "check smtp.url", err);
		}
	} else if (c >= 400 && c < 500) {
		*result = TLPRESS_SMTP_TEMPFAIL;
		copy_reply(reply, replysize, s->line);
	} else if (c >= 500 && c < 600) {
		*result = TLPRESS_SMTP_PERMFAIL;
		copy_reply(reply, replysize, s->line);
	} else {
		/* no 4xx or 5xx reply: connection refused, lost, timed out, or a
		 * local libcurl problem (TLS, login mechanisms) */
		tlpress_transport_curl_reason(&why, rc, s->errbuf, &operator);
		if (operator) {
			r = fail_operator(s, rcpt, NULL, 0, rc, rc == CURLE_USE_SSL_FAILED
					  ? "the server does not offer STARTTLS, which tlpress "
					  "requires off the loopback: use smtps:// or enable it"
					  : NULL, err);
		} else {
			*result = TLPRESS_SMTP_DOWN;
			if (code)
				*code = 0;
			copy_reply(reply, replysize, why.failed ? curl_easy_strerror(rc) : why.ptr);
		}
	}
out:
	if (r && result)
		*result = TLPRESS_SMTP_DOWN;
	curl_slist_free_all(rcpts);
	tlpress_buf_release(&norm);
	tlpress_buf_release(&why);
	return r;
}

/*
 * The Maildir outbox
 */

static atomic_uint maildir_counter;

/* "time.pid_counter.host", the host name reduced to [A-Za-z0-9.-] */
static void maildir_name(char *out, size_t size)
{
	char host[256];
	size_t i;

	if (gethostname(host, sizeof(host)) < 0 || !host[0])
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	for (i = 0; host[i]; i++)
		if (!isalnum((unsigned char)host[i]) && host[i] != '.' && host[i] != '-')
			host[i] = '_';
	snprintf(out, size, "%lld.%ld_%u.%s", (long long)time(NULL), (long)getpid(),
		 atomic_fetch_add(&maildir_counter, 1) + 1, host);
}

/* mkdir -p path with mode 0700 for what is made */
static int mkdirs(const char *path, struct tlpress_error *err)
{
	char tmp[PATH_MAX];
	size_t i, n = strlen(path);

	if (n >= sizeof(tmp))
		return tlpress_error_set(err, TLPRESS_EUSAGE, "invalid outbox folder '%.64s...': "
					 "too long", path);
	memcpy(tmp, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		tmp[i] = '\0';
		if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
			return tlpress_error_errno(err, TLPRESS_EIO, errno,
						   "cannot create folder '%s'", tmp);
		if (i < n)
			tmp[i] = '/';
	}
	return 0;
}

/* The folder name below dirfd, made (0700) when missing, opened without
 * following a symbolic link; *made is set when it was made. */
static int subdir(int dirfd, const char *shown_parent, const char *name, int *made,
		  struct tlpress_error *err)
{
	int fd;

	if (mkdirat(dirfd, name, 0700) == 0)
		*made = 1;
	else if (errno != EEXIST)
		return tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot create folder '%s/%s'",
					   shown_parent, name);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		struct stat st;
		int e = errno;

		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			return tlpress_error_set(err, TLPRESS_EIO, "refusing the folder '%s/%s': "
						 "it is a symbolic link; replace it with a folder, "
						 "or point 'mail.outbox' at the real one",
						 shown_parent, name);
		return tlpress_error_errno(err, TLPRESS_EIO, e, "cannot open folder '%s/%s'",
					   shown_parent, name);
	}
	return fd;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Rename tmp/name to new/name, never replacing a file there. */
static int move_new(int tfd, int nfd, const char *name)
{
	if (renameat2(tfd, name, nfd, name, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* a file system without RENAME_NOREPLACE: link, then unlink */
	if (linkat(tfd, name, nfd, name, 0) < 0)
		return -1;
	unlinkat(tfd, name, 0);
	return 0;
}

int tlpress_maildir_deliver(const char *dir, const char *from, const char *rcpt, const void *msg,
			    size_t len, char *name_out, size_t namesize,
			    struct tlpress_error *err)
{
	struct tlpress_buf text = TLPRESS_BUF_INIT, box = TLPRESS_BUF_INIT;
	struct tlpress_buf path = TLPRESS_BUF_INIT;
	const char *body, *m = msg;
	char lower[ADDR_MAX + 1], name[512] = "", shown[SHOWN_MAX + 16];
	int dfd = -1, rfd = -1, tfd = -1, nfd = -1, cfd = -1, fd = -1;
	int made_box = 0, made_sub = 0, tries, r;
	size_t blen, i, n;

	if (!dir || !*dir || !from || !rcpt || (!msg && len))
		return tlpress_error_set(err, TLPRESS_EUSAGE, "tlpress_maildir_deliver: missing "
					 "argument");
	r = check_addr("sender", from, 1, 0, err);
	if (!r)
		r = check_addr("recipient", rcpt, 0, 1, err);
	if (r)
		return r;
	if (strchr(rcpt, '/') || strstr(rcpt, "..") || rcpt[0] == '.') {
		show(shown, sizeof(shown), rcpt);
		return tlpress_error_set(err, TLPRESS_EINVAL, "refusing the recipient address '%s' "
					 "for the outbox: it holds '/' or '..' or starts with '.'",
					 shown);
	}
	r = check_msg(m, len, NULL, &body, &blen, err);
	if (r)
		return r;
	n = strlen(rcpt);
	for (i = 0; i <= n; i++)
		lower[i] = (char)tolower((unsigned char)rcpt[i]);

	/* the bytes: the two lines the sink adds, then CRLF -> LF */
	tlpress_buf_printf(&text, "Return-Path: <%s>\nX-Original-To: %s\n", from, rcpt);
	if (tlpress_buf_grow(&text, len) == 0) {
		for (i = 0; i < len; i++)
			if (!(m[i] == '\r' && i + 1 < len && m[i + 1] == '\n'))
				tlpress_buf_addch(&text, m[i]);
	}
	n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	tlpress_buf_printf(&box, "%.*s/%s", (int)n, dir, lower);
	if (text.failed || box.failed) {
		r = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		goto out;
	}

	r = mkdirs(dir, err);
	if (r)
		goto out;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		r = tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot open the outbox '%s'",
					dir);
		goto out;
	}
	rfd = r = subdir(dfd, dir, lower, &made_box, err);
	if (r >= 0)
		tfd = r = subdir(rfd, box.ptr, "tmp", &made_sub, err);
	if (r >= 0)
		nfd = r = subdir(rfd, box.ptr, "new", &made_sub, err);
	if (r >= 0)
		cfd = r = subdir(rfd, box.ptr, "cur", &made_sub, err);
	if (r < 0)
		goto out;
	r = 0;

	for (tries = 0; tries < 100; tries++) {
		maildir_name(name, sizeof(name));
		tlpress_buf_reset(&path);
		tlpress_buf_printf(&path, "%s/new/%s", box.ptr, name);
		if (path.failed) {
			r = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
			goto out;
		}
		if (name_out && path.len >= namesize) {
			r = tlpress_error_set(err, TLPRESS_ELIMIT, "the name of the outbox "
					      "file '%s' is longer than %zu bytes", path.ptr,
					      namesize);
			goto out;
		}
		fd = openat(tfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno == EEXIST)
			continue;
		if (fd < 0) {
			r = tlpress_error_errno(err, TLPRESS_EIO, errno,
						"cannot create '%s/tmp/%s'", box.ptr, name);
			goto out;
		}
		if (write_all(fd, text.ptr, text.len) < 0 || fsync(fd) < 0) {
			r = tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot write '%s/tmp/%s'",
						box.ptr, name);
			goto out;
		}
		close(fd);
		fd = -1;
		if (move_new(tfd, nfd, name) == 0)
			break;
		r = errno;
		unlinkat(tfd, name, 0);
		if (r != EEXIST) {
			r = tlpress_error_errno(err, TLPRESS_EIO, r, "cannot move '%s/tmp/%s' into "
						"new/", box.ptr, name);
			goto out;
		}
		r = 0;
	}
	if (tries == 100) {
		r = tlpress_error_set(err, TLPRESS_EIO, "cannot find a free name in '%s/tmp'",
				      box.ptr);
		goto out;
	}
	if (fsync(nfd) < 0 || fsync(tfd) < 0 || ((made_sub || made_box) && fsync(rfd) < 0) ||
	    (made_box && fsync(dfd) < 0)) {
		r = tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot flush the outbox '%s'",
					box.ptr);
		goto out;
	}
	if (name_out)
		snprintf(name_out, namesize, "%s", path.ptr);
out:
	if (fd >= 0) {
		close(fd);
		unlinkat(tfd, name, 0);
	}
	if (cfd >= 0)
		close(cfd);
	if (nfd >= 0)
		close(nfd);
	if (tfd >= 0)
		close(tfd);
	if (rfd >= 0)
		close(rfd);
	if (dfd >= 0)
		close(dfd);
	tlpress_buf_release(&text);
	tlpress_buf_release(&box);
	tlpress_buf_release(&path);
	return r;
}
