/*
 * journal.h - what tlpress has done outside this machine, kept in the state
 * folder (SQLite): the files on each publishing target, the advisories as
 * pushed there, and a log of events
 *
 * The journal is written *before* anything leaves (an upload is recorded as
 * pending, then as done), so that a run killed at any moment leaves a
 * journal that knows about every file that may be on a server: the next run
 * re-sends what it is unsure of and deletes what must go, including the
 * temporary names of uploads that were cut short. The mail journal (who
 * received which version of what) will live in the same file.
 *
 * One file, state/journal.sqlite (mode 0600, in a folder of mode 0700), in
 * WAL mode. Writers hold the publish lock (lock.h), so SQLite's own
 * locking only ever sees readers (`tlpress status`) beside one writer.
 */
#ifndef TLPRESS_JOURNAL_H
#define TLPRESS_JOURNAL_H

#include "error.h"
#include "hash.h"
#include "manifest.h"
#include "tlp.h"

#define TLPRESS_JOURNAL_NAME "journal.sqlite"

struct tlpress_journal; /* opaque */

/* Open (creating it and the state folder when missing) the journal in
 * state_dir. readonly: open an existing journal for reading only; a missing
 * one is then an empty journal (*j is NULL and 0 is returned). */
int tlpress_journal_open(struct tlpress_journal **j, const char *state_dir, int readonly,
			 struct tlpress_error *err);
void tlpress_journal_close(struct tlpress_journal *j);

/*
 * Files on a target (the target's base URL is the key). In a manifest m,
 * every file the journal believes may be on the target: its size and
 * SHA-256, with mark = 1 for a file whose upload was started and not
 * confirmed (its bytes there are unknown; its temporary upload name may be
 * there too). *known is 0 when the journal has never recorded this target.
 */
int tlpress_journal_remote_load(struct tlpress_journal *j, const char *target,
				struct tlpress_manifest *m, int *known, struct tlpress_error *err);
/* Record that the target has been seen (after its remote manifest was read
 * or found missing), with the files in m as present there. */
int tlpress_journal_remote_seed(struct tlpress_journal *j, const char *target,
				const struct tlpress_manifest *m, struct tlpress_error *err);
/* Before uploads: mark each path of paths[0..n) pending, in one durable
 * transaction. */
int tlpress_journal_remote_pending(struct tlpress_journal *j, const char *target,
				   char *const *paths, size_t n, struct tlpress_error *err);
/* After an upload: the path is on the target with these bytes. */
int tlpress_journal_remote_done(struct tlpress_journal *j, const char *target, const char *path,
				unsigned long long size, const unsigned char sha256[TLPRESS_SHA256_LEN],
				struct tlpress_error *err);
/* After a delete: the path is gone from the target. */
int tlpress_journal_remote_gone(struct tlpress_journal *j, const char *target, const char *path,
				struct tlpress_error *err);

/*
 * Advisories as last pushed to a target: the label of the rendition, and a
 * digest of what was cut from it (rendition.h tlpress_cut_digest; all zero
 * when nothing was cut).
 */
struct tlpress_jadv {
	char slug[64];
	enum tlpress_tlp label;
	int has_cuts;
	unsigned char cutsig[TLPRESS_SHA256_LEN];
};

/* Every advisory of the target, sorted by slug; free *v with free(). */
int tlpress_journal_adv_load(struct tlpress_journal *j, const char *target,
			     struct tlpress_jadv **v, size_t *n, struct tlpress_error *err);
/* Replace the target's advisories with v[0..n), in one transaction. */
int tlpress_journal_adv_store(struct tlpress_journal *j, const char *target,
			      const struct tlpress_jadv *v, size_t n, struct tlpress_error *err);

/* Append an event to the log: what ("publish", "embargo", "downgrade",
 * "delete", "fail"), the advisory or file it concerns (or NULL), and a
 * line of text. `when` is Unix time. */
int tlpress_journal_event(struct tlpress_journal *j, long long when, const char *what,
			  const char *subject, const char *text, struct tlpress_error *err);

/* The same, once: nothing is added when an event with the same what,
 * subject and text is already in the log; *fresh says whether it was
 * added (a problem reported once, not on every cron run). */
int tlpress_journal_event_once(struct tlpress_journal *j, long long when, const char *what,
			       const char *subject, const char *text, int *fresh,
			       struct tlpress_error *err);

/* Call fn for the last `limit` events (0: all), oldest first. */
typedef int (*tlpress_journal_event_fn)(void *ctx, long long when, const char *what,
					const char *subject, const char *text);
int tlpress_journal_events(struct tlpress_journal *j, size_t limit, tlpress_journal_event_fn fn,
			   void *ctx, struct tlpress_error *err);

/*
 * Mails: one row per (advisory, version, address), with the Message-ID,
 * the exact bytes of the message (encryption output is random, so a resend
 * sends the stored bytes, never a rebuilt message), the clearance and key
 * it went with, and its state. A row and its bytes are committed durably
 * before the SMTP transaction starts, and updated after it.
 */
enum tlpress_mail_state {
	TLPRESS_MAIL_QUEUED = 0,     /* built, committed, not yet accepted */
	TLPRESS_MAIL_SENT,           /* the server accepted it */
	TLPRESS_MAIL_TEMPFAIL,       /* 4xx: tried again on a later run */
	TLPRESS_MAIL_PERMFAIL,       /* 5xx: not tried again; reported */
	TLPRESS_MAIL_NOKEY           /* the recipient's key is unusable: only the
					content-free notice was sent */
};

/* "queued", "sent", "failed-temporary", "failed-permanent", "skipped-no-key" */
const char *tlpress_mail_state_name(int state);

struct tlpress_jmail {
	char *advisory;              /* id, "CCB-2026-0412" */
	int version;
	char *address;
	char *message_id;
	int clearance;               /* enum tlpress_tlp of the rendition */
	int encrypted, notice;
	char *key_fpr;               /* the key it was encrypted to, or NULL */
	char *key_problem;           /* for a notice: "key expired", or NULL */
	char *via;                   /* the route: list name or "recipients" */
	int state;                   /* enum tlpress_mail_state */
	int attempts;
	long long next_try;          /* Unix time; 0: now */
	long code;                   /* the server's last reply code, or 0 */
	char *reply;                 /* and its text, or NULL */
	long long created, updated;
	unsigned char *bytes;        /* the message, when asked for */
	size_t len;
};

void tlpress_jmail_release(struct tlpress_jmail *m);

/* The row of (advisory, version, address) into m (released by the caller
 * when *found); with_bytes: load the message too. */
int tlpress_journal_mail_get(struct tlpress_journal *j, const char *advisory, int version,
			     const char *address, int with_bytes, struct tlpress_jmail *m, int *found,
			     struct tlpress_error *err);
/* Insert m (with its bytes) as queued, durably, before it is sent. */
int tlpress_journal_mail_queue(struct tlpress_journal *j, const struct tlpress_jmail *m,
			       long long now, struct tlpress_error *err);
/* After a try: the new state, the reply, when to try again; attempts + 1. */
int tlpress_journal_mail_update(struct tlpress_journal *j, const char *advisory, int version,
				const char *address, int state, long code, const char *reply,
				long long next_try, long long now, struct tlpress_error *err);
/* Every row (without bytes), of one advisory or (NULL) all, by advisory,
 * version, address; fn's non-zero return stops and is returned. */
int tlpress_journal_mail_list(struct tlpress_journal *j, const char *advisory,
			      int (*fn)(void *ctx, const struct tlpress_jmail *m), void *ctx,
			      struct tlpress_error *err);

#endif
