/*
 * mailq.h - every mail that is due, exactly once: from the advisories to
 * the journal to the SMTP server (or the local outbox)
 *
 * A run, for every advisory that may go out now (no errors, not a draft,
 * embargo passed):
 *  1. the mail policy (policy.h, tlpress_policy_mail) gives its deliveries
 *     for its current revision: one per address, each with a clearance, an
 *     encryption decision and a key (or a content-free notice when the key
 *     is unusable);
 *  2. a delivery the journal already has as sent, permanently failed or
 *     notified is done; one it has as queued or failed-temporary is tried
 *     again with its stored bytes (when its next try is due);
 *  3. a new delivery is rendered (the body cut to its clearance, through
 *     the mail templates), built (mail.h: PGP/MIME, signed, encrypted when
 *     it must be), committed to the journal with its bytes, and only then
 *     handed to the server;
 *  4. the server's answer updates the row: sent; 4xx: failed-temporary,
 *     retried on later runs with back-off; 5xx: failed-permanent, reported;
 *     a server that is down stops the batch with nothing marked sent.
 * A crash between the server's acceptance and the update resends the same
 * bytes (same Message-ID) once: duplicates are byte-identical.
 *
 * Message-ID: <slug>.v<version>.<first 16 hex of SHA-256(address)>@<domain
 * of smtp.from>, the same for the same mail on every run. A revision after
 * the first is an "[UPDATE]".
 */
#ifndef TLPRESS_MAILQ_H
#define TLPRESS_MAILQ_H

#include <stddef.h>

#include "config.h"
#include "error.h"
#include "journal.h"
#include "policy.h"
#include "timefmt.h"

struct tlpress_signer;
struct tlpress_smtp;

struct tlpress_mailq_opts {
	const struct tlpress_config *cfg;
	struct tlpress_journal *j;
	struct tlpress_signer *signer;   /* signs every mail; required */
	struct tlpress_smtp *smtp;       /* or NULL: deliver into cfg->mail.outbox */
	struct tlpress_time now;
	int dry_run;                     /* plan and report; build, queue and send nothing */
	/* each delivery decided, tried or skipped, for the caller to print;
	 * what: "sent", "queued", "retry", "failed", "notice", "refused",
	 * "would send"; may be NULL */
	void (*report)(void *ctx, const char *what, const char *advisory, int version,
		       const char *address, const char *text);
	void *ctx;
};

struct tlpress_mailq_stats {
	size_t advisories;               /* advisories that had deliveries */
	size_t sent, already, queued;    /* sent now; sent before; built now */
	size_t tempfail, permfail, notices, refused, waiting;
	int down;                        /* the server was down: the batch stopped */
};

/*
 * Run once. Advisories with errors are reported into diags and skipped.
 * Returns 0 when the run went through (failures of single mails are in
 * stats), or a negative error for what stops it (the journal, the
 * templates, out of memory).
 */
int tlpress_mailq_run(const struct tlpress_mailq_opts *o, struct tlpress_mailq_stats *st,
		      struct tlpress_diags *diags, struct tlpress_error *err);

/*
 * Preview (`tlpress preview`): the mail of advisory a as a run would make
 * it now, were a released (a draft is planned as final, an embargo
 * ignored): the policy's deliveries and refusals in p->plan, and for
 * delivery i the clear content its recipient reads (p->txt[i], a file
 * "NN-address.txt" in dir: To, Subject, X-TLP, then the text body) and
 * the message built exactly as the run builds it (p->eml[i],
 * "NN-address.eml": signed, encrypted to the recipient's key), or why it
 * could not be (p->problem[i]: no signer, a key the run would not find).
 * Nothing is journalled, queued or sent: o->j, o->smtp, o->dry_run and
 * o->report are not used, and o->signer may be NULL. Returns 0, or a
 * negative error (TLPRESS_EPOLICY for an advisory with errors; the
 * templates; writing into dir). Release p in every case.
 */
struct tlpress_mail_preview {
	struct tlpress_mail_plan plan;
	char **eml;                      /* per delivery: the message file, or NULL */
	char **txt;                      /* per delivery: the clear content's file */
	char **problem;                  /* per delivery: why there is no message, or NULL */
};

int tlpress_mailq_preview(const struct tlpress_mailq_opts *o, const struct tlpress_advisory *a,
			  const char *dir, struct tlpress_mail_preview *p,
			  struct tlpress_error *err);
void tlpress_mail_preview_release(struct tlpress_mail_preview *p);

#endif
