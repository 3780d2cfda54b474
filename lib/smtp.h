/*
 * smtp.h - hand one finished mail message to one recipient: over SMTP with
 * libcurl, or into a local Maildir outbox, and say what became of it
 *
 * The message is built elsewhere (bytes, CRLF line ends, headers included);
 * this module only carries it. A result the mail journal can act on:
 *
 *   TLPRESS_SMTP_SENT      the server took it (2xx after the data);
 *   TLPRESS_SMTP_TEMPFAIL  4xx to MAIL, RCPT or the data: try this one again
 *                          on a later run;
 *   TLPRESS_SMTP_PERMFAIL  5xx to MAIL, RCPT or the data: do not retry;
 *   TLPRESS_SMTP_DOWN      no connection, connection lost, timed out, 421,
 *                          or 4xx to the greeting or EHLO: the server did
 *                          not take it; the rest of the batch should wait.
 *
 * libcurl's CURLcode alone cannot tell these apart (a 451 and a 550 both
 * come as CURLE_SEND_ERROR or CURLE_WEIRD_SERVER_REPLY): the result comes
 * from the server's reply code (CURLINFO_RESPONSE_CODE) and the command it
 * answered, seen through CURLOPT_DEBUGFUNCTION. Only the verb of each
 * command is looked at and nothing is kept of what tlpress sends, so no
 * password is ever copied (AUTH); nothing is printed or logged here.
 *
 * Transport security: smtps:// is TLS from the start; smtp:// to any host
 * but the loopback (localhost, 127.0.0.0/8, ::1) requires STARTTLS
 * (CURLUSESSL_ALL), and a server that does not offer it is refused. The
 * server's certificate is verified. Credentials come only from a netrc
 * file (opts.netrc, which must be mode 600 or stricter and belong to the
 * user); without one, no AUTH is done. The URL may not hold a user,
 * a password, a query or a fragment.
 *
 * Connections: one libcurl easy handle per struct tlpress_smtp, reset and
 * set up again for each message, so libcurl keeps the connection open
 * between the messages of a batch (one greeting, one EHLO). A failed
 * transaction closes it (libcurl's choice); the next message connects
 * anew. A reused connection that turns out dead before the server said a
 * word is retried once on a fresh one.
 *
 * Errors (negative returns, struct tlpress_error):
 *   TLPRESS_EUSAGE  NULL arguments, a bad URL, EHLO name or netrc file;
 *   TLPRESS_EINVAL  an address with CR, LF or another control character,
 *                   a space, '<', '>' or ',' (header/command injection),
 *                   without '@', longer than 254 bytes; a message that is
 *                   empty or holds a NUL or a bare CR;
 *   TLPRESS_ENET    the server refuses tlpress itself, whatever the
 *                   message: login refused or required (530, 534, 535,
 *                   538), STARTTLS missing, TLS certificate not trusted,
 *                   5xx to the greeting or EHLO. Retrying will not help;
 *                   an operator must act. Nothing was sent;
 *   TLPRESS_ELIMIT  tlpress_maildir_deliver(): name_out is too small;
 *   TLPRESS_EIO     tlpress_maildir_deliver(): a folder or file failed;
 *   TLPRESS_ENOMEM  as usual.
 *
 * A struct tlpress_smtp is used by one thread at a time.
 */
#ifndef TLPRESS_SMTP_H
#define TLPRESS_SMTP_H

#include <stddef.h>

#include "error.h"

struct tlpress_smtp; /* opaque: one libcurl easy handle, reused for a batch */

struct tlpress_smtp_opts {
	const char *url;   /* "smtp://host[:port]" or "smtps://host[:port]"; a path
			      "/name" is the EHLO name (libcurl's convention) */
	const char *netrc; /* credentials file, or NULL: no AUTH; refused when group
			      or others may read it */
	const char *helo;  /* the name for EHLO, or NULL or "" (the URL's path, else
			      the host name of this machine); letters, digits, '.',
			      '-' or an address literal "[...]" */
	long timeout_s;    /* seconds to connect, to wait for a reply, and without
			      progress while sending; 0 means 30 */
};

enum tlpress_smtp_result {
	TLPRESS_SMTP_SENT = 0, /* the server accepted it (2xx after DATA) */
	TLPRESS_SMTP_TEMPFAIL, /* 4xx for this recipient or the message: retry on a later run */
	TLPRESS_SMTP_PERMFAIL, /* 5xx for this recipient or the message: do not retry, report */
	TLPRESS_SMTP_DOWN      /* could not connect / connection lost / timeout / 421: nothing
				  was accepted; the rest of the batch should wait */
};

/* Check the URL, the EHLO name and the netrc file and make the handle; no
 * network traffic (the first send connects). *s gets the handle, to free
 * with tlpress_smtp_close(). */
int tlpress_smtp_open(struct tlpress_smtp **s, const struct tlpress_smtp_opts *o,
		      struct tlpress_error *err);

/* Send msg (len bytes, CRLF line ends; a bare LF is sent as CRLF) from
 * `from` (envelope MAIL FROM; "" is the null sender <>) to `rcpt` (one
 * RCPT TO). Returns 0 when the server gave an answer that classifies:
 * *result is set, *code is the server's reply code (250, 451, 550, ...)
 * and reply gets its last line (printable ASCII, truncated to replysize).
 * For DOWN, *code is 0 or the code seen (421, or a 4xx to the greeting,
 * EHLO or AUTH), and reply the server's line or, when it said nothing or
 * the connection broke after a 2xx/3xx, libcurl's reason
 * ("Couldn't connect to server (...)"). code and reply may be NULL.
 * Returns a negative error for local problems (see above) with err set;
 * *result is then TLPRESS_SMTP_DOWN and nothing was sent for an EUSAGE or
 * EINVAL (checked before any network traffic). */
int tlpress_smtp_send(struct tlpress_smtp *s, const char *from, const char *rcpt,
		      const void *msg, size_t len, int *result, long *code, char *reply,
		      size_t replysize, struct tlpress_error *err);

/* How many connections the handle has opened so far (for logs and tests:
 * a batch that reuses its connection opens one). */
long tlpress_smtp_connections(const struct tlpress_smtp *s);

/* The server, for messages: scheme://host:port, no credentials. */
const char *tlpress_smtp_server(const struct tlpress_smtp *s);

/* Free the handle, closing its connection (QUIT). Accepts NULL. */
void tlpress_smtp_close(struct tlpress_smtp *s);

/* The local outbox used when no smtp.url is configured (make demo): deliver
 * msg into the Maildir dir/<rcpt>/ (rcpt lower-cased), writing it under
 * tmp/ and renaming it into new/ with a unique name "time.pid_counter.host"
 * (never replacing a file), the file fsync'ed, then the folder. dir and
 * dir/<rcpt>/{tmp,new,cur} are made with mode 0700 when missing, the file
 * with mode 0600; symbolic links are not followed below dir. rcpt must be
 * an address as for tlpress_smtp_send() in ASCII, without '/', "..", or a
 * leading '.'. The file holds "Return-Path: <from>\n", "X-Original-To:
 * rcpt\n" and then msg with each CRLF turned into LF (Maildir convention),
 * as the test sink (shared/recipes/smtp_sink.py) stores it. name_out (may
 * be NULL) gets the path of the file; when namesize is too small, nothing
 * is written and TLPRESS_ELIMIT is returned. */
int tlpress_maildir_deliver(const char *dir, const char *from, const char *rcpt, const void *msg,
			    size_t len, char *name_out, size_t namesize,
			    struct tlpress_error *err);

#endif
