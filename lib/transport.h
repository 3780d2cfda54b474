/*
 * transport.h - put, delete and fetch the files of the public site on a
 * web server, whole or not at all
 *
 * One interface, three siblings picked by the scheme of the base URL (curl's
 * struct Curl_protocol):
 *
 *   file:///abs/path/                  transport_file.c  local folder (rename(2))
 *   http(s)://host[:port]/path/        transport_http.c  WebDAV: PUT, MKCOL, MOVE, DELETE
 *   sftp://user@host[:port]/abs/path/  transport_sftp.c  SFTP (libcurl + OpenSSH client)
 *
 * Whole files only. tlpress_transport_put() uploads under a temporary name
 * (".NAME.tlpress-tmp") in the folder of the target and then renames it
 * into place with one atomic operation on the server, so a reader of the
 * remote folder sees the old bytes or the new bytes, never a part, and
 * never no file at all. A failed put removes its temporary file when it
 * still can reach the server; one left behind (the connection broke during
 * the upload) has a fixed name and is replaced by the next put of the same
 * file. The fixed name means two runs must not publish to the same base URL
 * at the same time: `tlpress publish` holds its lock while it uses a
 * transport.
 *
 *   - WebDAV: PUT to the temporary name, then MOVE with "Overwrite: T".
 *     nginx (1.22, ngx_http_dav_module) turns a MOVE of a file into one
 *     rename(2) that replaces the target. Missing folders: PUT answered 409
 *     makes MKCOL of each folder, then the PUT again (nginx with
 *     create_full_put_path makes them itself).
 *   - SFTP: libcurl uploads the temporary file (creating missing folders),
 *     and the rename goes through "posix-rename@openssh.com", which OpenSSH's
 *     sftp-server carries out as rename(2). libcurl cannot do that step: its
 *     "rename" quote command sends the SFTP v3 RENAME, which OpenSSH carries
 *     out as link(2)+unlink(2) and which fails when the target exists
 *     (libssh2 passes the OVERWRITE flag only to SFTP v5+ servers). So the
 *     sftp transport keeps one `ssh -s sftp` process (the OpenSSH client,
 *     openssh-client) for the renames, with the same pinned known_hosts and
 *     key. A server without the extension can still receive new files
 *     (plain RENAME, atomic there), but replacing a file on it is refused
 *     rather than done in two steps.
 *   - file: lib/fsutil.h tlpress_write_atomic().
 *
 * Credentials never come from the URL or the configuration: http(s) reads
 * them from a netrc file (opts.netrc or ~/.netrc), which must not be
 * readable by group or others; sftp logs in with a key file only and trusts
 * only the host key pinned in opts.known_hosts (a host that is missing
 * there is refused like one whose key changed). Nothing here prints or logs
 * a password.
 *
 * Errors (struct tlpress_error, message names the server and the path):
 *   TLPRESS_EUSAGE  a bad URL, option, netrc file mode or `rel`;
 *   TLPRESS_ENET    the transfer failed. The message says which kind:
 *                   "...; the server may be down: try again later" (down,
 *                   refused, timed out, HTTP 5xx) or "...(needs an
 *                   operator)" (HTTP 3xx/4xx with the code, login refused,
 *                   host key unknown or changed, no atomic rename);
 *   TLPRESS_ELIMIT  a fetched file is over the limit of the output buffer;
 *   TLPRESS_ENOMEM, TLPRESS_EIO (file:// only) as usual.
 *
 * A transport is used by one thread at a time. It holds one CURL easy
 * handle for its whole life, so a run reuses one connection.
 */
#ifndef TLPRESS_TRANSPORT_H
#define TLPRESS_TRANSPORT_H

#include <stddef.h>

#include "buf.h"
#include "error.h"

struct tlpress_transport; /* opaque */

struct tlpress_transport_opts {
	const char *netrc;       /* http(s): credentials file, or NULL for ~/.netrc */
	const char *known_hosts; /* sftp: OpenSSH known_hosts with the pinned host key; required */
	const char *ssh_key;     /* sftp: private key file, public key beside it as KEY.pub; required */
	long timeout_s;          /* seconds to connect, and most seconds without progress
				    during a request; 0 means 30 */
};

/* Open a transport for the base URL (see the table above; a missing final
 * '/' is added). Checks the URL and the options and files; connects only
 * at the first request. *t gets the transport, to free with
 * tlpress_transport_close(). o may be NULL for file://. */
int tlpress_transport_open(struct tlpress_transport **t, const char *url,
			   const struct tlpress_transport_opts *o,
			   struct tlpress_error *err);

/* Free everything, closing connections. Accepts NULL. */
void tlpress_transport_close(struct tlpress_transport *t);

/* Put len bytes of data at rel, a clean relative path below the base URL
 * (tlpress_path_check), replacing any file there atomically and creating
 * the missing folders. */
int tlpress_transport_put(struct tlpress_transport *t, const char *rel,
			  const void *data, size_t len, struct tlpress_error *err);

/* Delete rel. A file that is already gone is not an error. Folders are left
 * in place, except file:// which removes folders that became empty. */
int tlpress_transport_delete(struct tlpress_transport *t, const char *rel,
			     struct tlpress_error *err);

/* Fetch rel into out (reset first; at most out->limit bytes, more is
 * TLPRESS_ELIMIT). When rel does not exist, sets *missing to 1 and returns
 * 0; otherwise *missing is 0. */
int tlpress_transport_get(struct tlpress_transport *t, const char *rel,
			  struct tlpress_buf *out, int *missing,
			  struct tlpress_error *err);

/* Delete the temporary name an upload of rel uses (left behind when a run
 * died during that upload). Gone already is not an error. */
int tlpress_transport_delete_tmp(struct tlpress_transport *t, const char *rel,
				 struct tlpress_error *err);

/* After a failed put, delete or get: 1 when trying again later may help
 * (the server was down, unreachable, timed out or answered 5xx), 0 when an
 * operator must act (credentials, permissions, host key, a 4xx answer). */
int tlpress_transport_retryable(const struct tlpress_transport *t);

/* "file", "webdav" or "sftp", for logs. Borrowed, static. */
const char *tlpress_transport_kind(const struct tlpress_transport *t);

/* The base URL as opened (with its final '/'), for messages. Borrowed: lives
 * as long as t. Never holds a password. */
const char *tlpress_transport_url(const struct tlpress_transport *t);

#ifdef TLPRESS_TRANSPORT_INTERNAL
/*
 * For lib/transport*.c only: the vtable and the helpers they share.
 */
#include <curl/curl.h>

struct tlpress_transport_opts;

/* One const instance per sibling. transport.c checks `rel` (path_check)
 * and fills err's common prefix rules before a slot is called; every slot
 * returns 0 or a negative enum tlpress_errcode with err filled. */
struct tlpress_transport_ops {
	/* short name for logs, returned by tlpress_transport_kind() */
	const char *name;
	/* check the URL (already parsed into t->url, t->host, t->path) and the
	 * options, and set up t->priv; no network traffic */
	int (*open)(struct tlpress_transport *t, const struct tlpress_transport_opts *o,
		    struct tlpress_error *err);
	/* upload under the temporary name and rename into place */
	int (*put)(struct tlpress_transport *t, const char *rel, const void *data,
		   size_t len, struct tlpress_error *err);
	/* delete one file; already gone is success */
	int (*del)(struct tlpress_transport *t, const char *rel, struct tlpress_error *err);
	/* fetch one file into out (already reset); *missing already 0 */
	int (*get)(struct tlpress_transport *t, const char *rel, struct tlpress_buf *out,
		   int *missing, struct tlpress_error *err);
	/* free t->priv and close its connections; t itself is freed by the caller */
	void (*close)(struct tlpress_transport *t);
};

extern const struct tlpress_transport_ops tlpress_transport_file_ops;
extern const struct tlpress_transport_ops tlpress_transport_http_ops;
extern const struct tlpress_transport_ops tlpress_transport_sftp_ops;

struct tlpress_transport {
	const struct tlpress_transport_ops *ops;
	char *url;       /* base URL for messages and requests, ends with '/', no password */
	char *scheme;    /* lower case: "file", "http", "https", "sftp" */
	char *user;      /* from the URL, or NULL */
	char *host;      /* without brackets for IPv6; "" for file:// */
	long port;       /* 0 when the URL has none */
	char *path;      /* decoded absolute path of the base, ends with '/' */
	long timeout_s;
	int operator;    /* the last failure needs an operator (not retryable) */
	void *priv;      /* the sibling's own state */
};

/* curl_global_init() once per process; 0 or TLPRESS_ENOMEM. */
int tlpress_transport_curl_init(struct tlpress_error *err);
/* A new easy handle, or NULL. */
CURL *tlpress_transport_curl_new(void);
/* curl_easy_reset() and the options every request has: no signals, no
 * redirects, only the transport's scheme, the timeouts, the error buffer
 * (CURL_ERROR_SIZE bytes, cleared). */
void tlpress_transport_curl_setup(struct tlpress_transport *t, CURL *h, char *errbuf);

/* Bytes libcurl uploads from memory: CURLOPT_READFUNCTION
 * tlpress_transport_read_cb with CURLOPT_READDATA a struct tlpress_upload. */
struct tlpress_upload {
	const char *p;
	size_t len, pos;
};
size_t tlpress_transport_read_cb(char *buf, size_t size, size_t n, void *ud);

/* Append rel to out percent-encoded for a URL path ('/' kept). */
void tlpress_transport_urlencode(struct tlpress_buf *out, const char *rel);
/* out = the transport's base URL and rel, percent-encoded; 0 or
 * TLPRESS_ENOMEM. */
int tlpress_transport_url_of(const struct tlpress_transport *t, const char *rel,
			     struct tlpress_buf *out, struct tlpress_error *err);
/* out = the folder part of rel ("a/b/" or ""), then ".NAME.tlpress-tmp" */
void tlpress_transport_tmpname(struct tlpress_buf *out, const char *rel);

/* A curl failure in words for a message: "Couldn't connect to server
 * (Failed to connect to ...)", followed by what to do. *operator is set to
 * 1 when retrying cannot help. */
void tlpress_transport_curl_reason(struct tlpress_buf *out, CURLcode rc, const char *errbuf,
				   int *operator);
/* The suffix every ENET message ends with; records `operator` for
 * tlpress_transport_retryable(). */
const char *tlpress_transport_advice(struct tlpress_transport *t, int operator);
#endif /* TLPRESS_TRANSPORT_INTERNAL */

#endif
