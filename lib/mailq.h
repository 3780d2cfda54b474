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

#endif
