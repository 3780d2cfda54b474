/* mailq.c - due mails, exactly once; see mailq.h */
#include "mailq.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdarg.h>

#include <jansson.h>

#include "advisory.h"
#include "buf.h"
#include "hash.h"
#include "fsutil.h"
#include "mail.h"
#include "policy.h"
#include "rendition.h"
#include "scan.h"
#include "sign.h"
#include "smtp.h"
#include "strutil.h"
#include "template.h"
#include "tlp.h"

/* A key's state, asked once per run (each question starts gpg) */
struct kcache {
	char *address, *fpr;
	int state;
};

struct run {
	const struct tlpress_mailq_opts *o;
	struct kcache *keys;
	size_t nkeys, capkeys;
	struct tlpress_mailq_stats *st;
	struct tlpress_diags *d;
	struct tlpress_tmplset *tmpl;
	const char *gnupghome;
	const char *domain;           /* of smtp.from, for Message-IDs */
};

static void say(struct run *r, const char *what, const char *id, int version, const char *addr,
		const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void say(struct run *r, const char *what, const char *id, int version, const char *addr,
		const char *fmt, ...)
{
	char text[768];
	va_list ap;

	if (!r->o->report)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	r->o->report(r->o->ctx, what, id, version, addr, text);
}

static int key_state_uncached(struct run *r, const char *address, const char *fpr);

/* The policy asks the keyring about each key it needs (policy.h). */
static int key_state(void *ctx, const char *address, const char *fpr)
{
	struct run *r = ctx;
	struct kcache *k;
	size_t i;

	for (i = 0; i < r->nkeys; i++) {
		k = &r->keys[i];
		if (!strcasecmp(k->address, address) &&
		    (fpr ? k->fpr && !strcasecmp(k->fpr, fpr) : !k->fpr))
			return k->state;
	}
	if (r->nkeys == r->capkeys) {
		size_t nc = r->capkeys ? r->capkeys * 2 : 64;
		struct kcache *nv = realloc(r->keys, nc * sizeof(*nv));

		if (!nv)
			return key_state_uncached(r, address, fpr);
		r->keys = nv;
		r->capkeys = nc;
	}
	k = &r->keys[r->nkeys];
	k->address = strdup(address);
	k->fpr = fpr ? strdup(fpr) : NULL;
	if (!k->address || (fpr && !k->fpr)) {
		free(k->address);
		free(k->fpr);
		return key_state_uncached(r, address, fpr);
	}
	k->state = key_state_uncached(r, address, fpr);
	r->nkeys++;
	return k->state;
}

static int key_state_uncached(struct run *r, const char *address, const char *fpr)
{
	struct tlpress_keyinfo info;
	struct tlpress_error err = TLPRESS_ERROR_INIT;

	memset(&info, 0, sizeof(info));
	if (tlpress_key_lookup(r->gnupghome, fpr ? fpr : address, (long long)r->o->now.t, &info,
			       &err))
		return TLPRESS_KEY_MISSING;
	if (info.revoked)
		return TLPRESS_KEY_REVOKED;
	if (info.expired)
		return TLPRESS_KEY_EXPIRED;
	if (info.disabled || info.invalid || !info.can_encrypt)
		return TLPRESS_KEY_NO_ENCRYPT;
	if (fpr) {
		/* the key a members line names must carry that line's address */
		struct tlpress_keyinfo by_addr;

		memset(&by_addr, 0, sizeof(by_addr));
		if (tlpress_key_lookup(r->gnupghome, address, (long long)r->o->now.t, &by_addr,
				       &err) || strcasecmp(by_addr.fpr, info.fpr))
			return TLPRESS_KEY_MISMATCH;
	}
	return TLPRESS_KEY_OK;
}

static void message_id(struct run *r, const char *slug, int version, const char *address,
		       char *out, size_t n)
{
	unsigned char sha[TLPRESS_SHA256_LEN];
	char low[320];
	size_t i;

	for (i = 0; address[i] && i + 1 < sizeof(low); i++)
		low[i] = (char)tolower((unsigned char)address[i]);
	low[i] = '\0';
	tlpress_sha256(low, i, sha);
	snprintf(out, n, "%s.v%d.%02x%02x%02x%02x%02x%02x%02x%02x@%s", slug, version, sha[0], sha[1],
		 sha[2], sha[3], sha[4], sha[5], sha[6], sha[7], r->domain);
}

static char *joined_cves(const struct tlpress_advisory *a)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	size_t i;

	for (i = 0; i < a->ncves; i++)
		tlpress_buf_printf(&b, "%s%s", i ? ", " : "", a->cves[i]);
	return b.len ? tlpress_buf_detach(&b, NULL) : NULL;
}

/* The context of the mail templates for one delivery. */
static json_t *context(struct run *r, const struct tlpress_advisory *a,
		       const struct tlpress_delivery *dv, const char *body_text,
		       const char *body_html)
{
	const struct tlpress_config *cfg = r->o->cfg;
	const struct tlpress_revision *cur = tlpress_advisory_current(a);
	char date[64], slug[64];
	json_t *c = json_object();
	char *cves = joined_cves(a);

	tlpress_time_date(&cur->date, date, sizeof(date));
	tlpress_advisory_slug(a, slug, sizeof(slug));
	json_object_set_new(c, "label", json_string(tlpress_tlp_label(dv->clearance)));
	json_object_set_new(c, "label_color", json_string(tlpress_tlp_colour(dv->clearance)));
	json_object_set_new(c, "id", json_string(a->id));
	json_object_set_new(c, "version", json_integer(cur->version));
	json_object_set_new(c, "update", json_boolean(cur->version > a->revisions[0].version));
	json_object_set_new(c, "title", json_string(a->title));
	json_object_set_new(c, "lang", json_string(a->lang));
	json_object_set_new(c, "publisher", json_string(cfg->publisher.name));
	json_object_set_new(c, "contact", json_string(cfg->publisher.contact_details));
	json_object_set_new(c, "date", json_string(date));
	if (a->has_severity)
		json_object_set_new(c, "severity",
				    json_string(tlpress_cvss_severity_name(a->severity)));
	if (a->has_cvss) {
		char s[16];

		snprintf(s, sizeof(s), "%d.%d", a->cvss.score10 / 10, a->cvss.score10 % 10);
		json_object_set_new(c, "cvss", json_string(s));
	}
	if (cves)
		json_object_set_new(c, "cves", json_string(cves));
	free(cves);
	if (dv->clearance == TLPRESS_TLP_CLEAR && cfg->site.url) {
		struct tlpress_buf l = TLPRESS_BUF_INIT;

		tlpress_buf_printf(&l, "%sadvisories/%s.html", cfg->site.url, slug);
		json_object_set_new(c, "link", json_string(l.ptr));
		tlpress_buf_release(&l);
	}
	json_object_set_new(c, "address", json_string(dv->address));
	json_object_set_new(c, "via", json_string(dv->via ? dv->via : "recipients"));
	json_object_set_new(c, "problem", json_string(tlpress_key_state_text(dv->key_state)));
	if (body_text)
		json_object_set_new(c, "body", json_string(body_text));
	if (body_html)
		json_object_set_new(c, "body_html", json_string(body_html));
	return c;
}

/* Drop from b what the pages drop (tlpress_text_clean): bidirectional
 * overrides and isolates, control characters. */
static int clean(struct tlpress_buf *b, struct tlpress_error *err)
{
	struct tlpress_buf c;

	tlpress_buf_init(&c, b->limit);
	tlpress_text_clean(b->ptr, b->len, &c);
	if (c.failed) {
		tlpress_buf_release(&c);
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	}
	tlpress_buf_release(b);
	*b = c;
	return 0;
}

/* The clear content of one delivery, as its recipient reads it: the text
 * and HTML bodies from the mail templates, the full subject, and the outer
 * subject of an encrypted mail (empty for a notice). */
static int content(struct run *r, const struct tlpress_advisory *a, enum tlpress_tlp base,
		   const struct tlpress_delivery *dv, struct tlpress_buf *text,
		   struct tlpress_buf *html, struct tlpress_buf *subj, struct tlpress_buf *outer,
		   struct tlpress_error *err)
{
	const struct tlpress_revision *cur = tlpress_advisory_current(a);
	struct tlpress_buf bt = TLPRESS_BUF_INIT, bh = TLPRESS_BUF_INIT;
	const char *label = tlpress_tlp_label(dv->clearance);
	json_t *ctx = NULL;
	int update = cur->version > a->revisions[0].version, rc;

	if (dv->notice_only) {
		ctx = context(r, a, dv, NULL, NULL);
		rc = tlpress_tmplset_render(r->tmpl, "mail-notice", ctx, TLPRESS_ESCAPE_NONE, text,
					    err);
		tlpress_buf_printf(subj, "Your OpenPGP key needs attention: you missed %s", a->id);
	} else {
		rc = tlpress_body_render(a, base, dv->clearance, TLPRESS_BODY_TEXT, &bt, NULL);
		if (!rc)
			rc = tlpress_body_render(a, base, dv->clearance, TLPRESS_BODY_HTML, &bh, NULL);
		if (rc) {
			rc = tlpress_error_set(err, rc, "%s: cannot render the body", a->id);
			goto out;
		}
		ctx = context(r, a, dv, bt.ptr, bh.ptr);
		rc = tlpress_tmplset_render(r->tmpl, "mail-text", ctx, TLPRESS_ESCAPE_NONE, text,
					    err);
		if (!rc)
			rc = tlpress_tmplset_render(r->tmpl, "mail-html", ctx, TLPRESS_ESCAPE_HTML,
						    html, err);
		if (!rc)
			rc = clean(text, err);
		if (!rc)
			rc = clean(html, err);
		tlpress_buf_printf(subj, "[%s] %s%s: %s", label, update ? "[UPDATE] " : "", a->id,
				   a->title);
		tlpress_buf_printf(outer, "[%s] %s%s", label, update ? "[UPDATE] " : "", a->id);
	}
out:
	json_decref(ctx);
	tlpress_buf_release(&bt);
	tlpress_buf_release(&bh);
	return rc;
}

/* Render and build the message of one delivery into msg. */
static int build(struct run *r, const struct tlpress_advisory *a, enum tlpress_tlp base,
		 const struct tlpress_delivery *dv, const char *key, const char *mid,
		 struct tlpress_buf *msg, struct tlpress_error *err)
{
	const struct tlpress_config *cfg = r->o->cfg;
	struct tlpress_buf text = TLPRESS_BUF_INIT, html = TLPRESS_BUF_INIT;
	struct tlpress_buf subj = TLPRESS_BUF_INIT, outer = TLPRESS_BUF_INIT;
	struct tlpress_mail_in in;
	int rc;

	rc = content(r, a, base, dv, &text, &html, &subj, &outer, err);
	if (rc)
		goto out;
	memset(&in, 0, sizeof(in));
	in.from = cfg->smtp.from;
	in.from_name = cfg->smtp.from_name ? cfg->smtp.from_name : cfg->publisher.name;
	in.to = dv->address;
	in.subject = subj.ptr;
	in.outer_subject = outer.len ? outer.ptr : subj.ptr;
	in.message_id = mid;
	in.date = (long long)r->o->now.t;
	in.label = dv->notice_only ? "TLP:CLEAR" : tlpress_tlp_label(dv->clearance);
	in.text = text.ptr;
	in.html = html.len ? html.ptr : NULL;
	in.encrypt = dv->encrypt && !dv->notice_only;
	in.key = key ? key : dv->address;
	in.signer = r->o->signer;
	in.worker = 0;
	rc = tlpress_mail_build(&in, msg, err);
out:
	tlpress_buf_release(&text);
	tlpress_buf_release(&html);
	tlpress_buf_release(&subj);
	tlpress_buf_release(&outer);
	return rc;
}

/* The server's answer as "550 5.1.1 text": its reply, with the code in
 * front when the reply does not start with it. */
static const char *with_code(long code, const char *reply, char *out, size_t n)
{
	char c[24];

	snprintf(c, sizeof(c), "%ld", code);
	if (!code || !strncmp(reply, c, strlen(c)))
		snprintf(out, n, "%s", reply);
	else
		snprintf(out, n, "%s %s", c, reply);
	return out;
}

/* Hand one stored message to the server or the outbox; update its row. */
static int send_one(struct run *r, const struct tlpress_jmail *m, const void *bytes, size_t len,
		    struct tlpress_error *err)
{
	const struct tlpress_mailq_opts *o = r->o;
	long long now = (long long)o->now.t, next = 0;
	char reply[512] = "", answer[560];
	long code = 0;
	int result, rc, state;

	if (o->smtp) {
		rc = tlpress_smtp_send(o->smtp, o->cfg->smtp.from, m->address, bytes, len, &result,
				       &code, reply, sizeof(reply), err);
	} else {
		char name[1024];

		rc = tlpress_maildir_deliver(o->cfg->mail.outbox, o->cfg->smtp.from, m->address,
					     bytes, len, name, sizeof(name), err);
		if (rc) {
			/* the outbox is this machine's: a symbolic link, a folder
			 * that cannot be written, a full disk. Nothing is marked
			 * (the mail waits), the batch stops, and a person must
			 * look: not "try again later" (st->down stays 0) */
			char why[TLPRESS_ERRMSG_SIZE];

			memcpy(why, err->msg, sizeof(why));
			return tlpress_error_set(err, rc, "cannot put mail for %s into the outbox: "
						 "%s; nothing more is put there this run, and the "
						 "mail waits until the outbox is fixed", m->address,
						 why);
		}
		result = TLPRESS_SMTP_SENT;
		snprintf(reply, sizeof(reply), "delivered to %.480s", name);
	}
	if (rc)
		return rc;
	switch (result) {
	case TLPRESS_SMTP_SENT:
		state = m->notice ? TLPRESS_MAIL_NOKEY : TLPRESS_MAIL_SENT;
		r->st->sent++;
		say(r, m->notice ? "notice" : "sent", m->advisory, m->version, m->address,
		    "%s %s v%d to %s (%s%s%s)%s%s%s", m->notice ? "notice of" : "sent", m->advisory,
		    m->version, m->address, tlpress_tlp_label(m->clearance),
		    m->encrypted ? ", encrypted to " : ", signed",
		    m->encrypted && m->key_fpr ? m->key_fpr : "",
		    m->notice && m->key_problem ? ": their key needs attention (" : "",
		    m->notice && m->key_problem ? m->key_problem : "",
		    m->notice && m->key_problem ? "); import a usable key of theirs, then "
		    "'tlpress keys --check'" : "");
		break;
	case TLPRESS_SMTP_PERMFAIL:
		state = TLPRESS_MAIL_PERMFAIL;
		r->st->permfail++;
		say(r, "failed", m->advisory, m->version, m->address,
		    "%s v%d to %s refused for good by the server: %s; it is not tried again: "
		    "correct the address where it is listed", m->advisory, m->version,
		    m->address, with_code(code, reply, answer, sizeof(answer)));
		break;
	case TLPRESS_SMTP_TEMPFAIL: {
		long long wait = (long long)(o->cfg->mail.retry_minutes) * 60;
		int k;

		for (k = 0; k < m->attempts && wait < 86400; k++)
			wait *= 2;
		next = now + (wait > 86400 ? 86400 : wait);
		state = TLPRESS_MAIL_TEMPFAIL;
		r->st->tempfail++;
		say(r, "retry", m->advisory, m->version, m->address,
		    "%s v%d to %s deferred by the server: %s; tried again on a later run",
		    m->advisory, m->version, m->address,
		    with_code(code, reply, answer, sizeof(answer)));
		break;
	}
	default:
		/* the server is down: nothing is marked, the batch stops */
		r->st->down = 1;
		return tlpress_error_set(err, TLPRESS_ENET, "cannot send mail to %s via %s: %s; "
					 "nothing more is sent this run: try again later",
					 m->address, o->smtp ? tlpress_smtp_server(o->smtp)
					 : "the outbox", reply[0] ? reply : "the server is down "
					 "or unreachable");
	}
	return tlpress_journal_mail_update(o->j, m->advisory, m->version, m->address, state, code,
					   reply[0] ? reply : NULL, next, now, err);
}

/* One delivery of one advisory: done, retried, or built, queued and sent. */
static int deliver(struct run *r, const struct tlpress_advisory *a, enum tlpress_tlp base,
		   const struct tlpress_delivery *dv, struct tlpress_error *err)
{
	const struct tlpress_mailq_opts *o = r->o;
	const struct tlpress_revision *cur = tlpress_advisory_current(a);
	struct tlpress_jmail m;
	struct tlpress_buf msg = TLPRESS_BUF_INIT;
	char mid[160], slug[64], fpr[41];
	int found = 0, rc;

	rc = tlpress_journal_mail_get(o->j, a->id, cur->version, dv->address, 1, &m, &found, err);
	if (rc)
		return rc;
	if (found) {
		if (m.state == TLPRESS_MAIL_SENT || m.state == TLPRESS_MAIL_NOKEY ||
		    m.state == TLPRESS_MAIL_PERMFAIL) {
			/* done: a permanent failure was reported when it happened,
			 * and stays in tlpress status and tlpress log */
			r->st->already++;
		} else if (m.next_try > (long long)o->now.t) {
			r->st->waiting++;
		} else if (o->dry_run) {
			say(r, "would send", m.advisory, m.version, m.address,
			    "would send again %s v%d to %s (%s)", m.advisory, m.version, m.address,
			    tlpress_mail_state_name(m.state));
		} else {
			rc = send_one(r, &m, m.bytes, m.len, err);
		}
		tlpress_jmail_release(&m);
		return rc;
	}
	if (o->dry_run) {
		/* a key that needs attention is reported as the run will */
		if (dv->notice_only)
			r->st->notices++;
		say(r, "would send", a->id, cur->version, dv->address, "would send %s %s v%d to %s "
		    "(%s, %s, via %s)", dv->notice_only ? "a key notice for" : "", a->id,
		    cur->version, dv->address, tlpress_tlp_label(dv->clearance),
		    dv->notice_only ? tlpress_key_state_text(dv->key_state)
		    : dv->encrypt ? "encrypted" : "signed", dv->via ? dv->via : "recipients");
		return 0;
	}
	if (dv->encrypt && !dv->notice_only && !dv->key_fpr) {
		/* a named address: the key the keyring has for it, recorded by
		 * its fingerprint (the policy asked about the same key) */
		struct tlpress_keyinfo info;

		memset(&info, 0, sizeof(info));
		rc = tlpress_key_lookup(r->gnupghome, dv->address, (long long)o->now.t, &info, err);
		if (rc)
			return rc;
		memcpy(fpr, info.fpr, sizeof(fpr));
	} else {
		snprintf(fpr, sizeof(fpr), "%s", dv->key_fpr ? dv->key_fpr : "");
	}
	tlpress_advisory_slug(a, slug, sizeof(slug));
	message_id(r, slug, cur->version, dv->address, mid, sizeof(mid));
	rc = build(r, a, base, dv, fpr[0] ? fpr : NULL, mid, &msg, err);
	if (rc) {
		tlpress_buf_release(&msg);
		return rc;
	}
	memset(&m, 0, sizeof(m));
	m.advisory = a->id;
	m.version = cur->version;
	m.address = dv->address;
	m.message_id = mid;
	m.clearance = (int)dv->clearance;
	m.encrypted = dv->encrypt && !dv->notice_only;
	m.notice = dv->notice_only;
	m.key_fpr = m.encrypted && fpr[0] ? fpr : NULL;
	m.key_problem = dv->notice_only ? (char *)tlpress_key_state_text(dv->key_state) : NULL;
	m.via = dv->via;
	m.state = TLPRESS_MAIL_QUEUED;
	m.bytes = (unsigned char *)msg.ptr;
	m.len = msg.len;
	/* the row and the bytes are on disk before the server sees a byte */
	rc = tlpress_journal_mail_queue(o->j, &m, (long long)o->now.t, err);
	if (!rc) {
		r->st->queued++;
		if (dv->notice_only)
			r->st->notices++;
		rc = send_one(r, &m, msg.ptr, msg.len, err);
	}
	tlpress_buf_release(&msg);
	return rc;
}

static int one_advisory(struct run *r, const char *path, struct tlpress_error *err)
{
	const struct tlpress_mailq_opts *o = r->o;
	struct tlpress_mail_plan plan = TLPRESS_MAIL_PLAN_INIT;
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_advisory *a;
	enum tlpress_tlp base;
	size_t i;
	int rc = 0;

	a = tlpress_advisory_load(path, &d);
	if (!a || a->nerrors || !a->id || !a->nrevisions) {
		for (i = 0; i < d.n; i++)
			if (d.v[i].severity == TLPRESS_ERROR)
				tlpress_diags_add(r->d, d.v[i].severity, d.v[i].file, d.v[i].line,
						  d.v[i].col, d.v[i].key, d.v[i].hint, "%s", d.v[i].msg);
		goto out;
	}
	if (a->status == TLPRESS_STATUS_DRAFT || tlpress_policy_embargoed(a, &o->now))
		goto out;
	base = tlpress_policy_base_label(a, &o->now);
	rc = tlpress_policy_mail(a, base, &o->cfg->lists, key_state, r, &plan);
	if (rc == TLPRESS_EPOLICY) {
		rc = 0;
		goto out;
	}
	if (rc) {
		rc = tlpress_error_set(err, rc, "%s: cannot plan its mail", path);
		goto out;
	}
	if (plan.n)
		r->st->advisories++;
	for (i = 0; i < plan.nrefused && !rc; i++) {
		/* reported once, not on every run, and kept in the log */
		int fresh = 1;

		if (!o->dry_run)
			rc = tlpress_journal_event_once(o->j, (long long)o->now.t, "refused", a->id,
							plan.refused[i].reason, &fresh, err);
		if (rc || !fresh)
			continue;
		r->st->refused++;
		say(r, "refused", a->id, tlpress_advisory_current(a)->version, plan.refused[i].route,
		    "%s: %s", a->id, plan.refused[i].reason);
	}
	for (i = 0; i < plan.n && !rc; i++)
		rc = deliver(r, a, base, &plan.v[i], err);
out:
	tlpress_mail_plan_release(&plan);
	tlpress_diags_release(&d);
	tlpress_advisory_free(a);
	return rc;
}

/* Set up a run: its options, the domain of its Message-IDs and the mail
 * templates. Release with run_release() in every case. */
static int run_init(struct run *r, const struct tlpress_mailq_opts *o,
		    struct tlpress_mailq_stats *st, struct tlpress_diags *diags,
		    struct tlpress_error *err)
{
	static const char *const need[] = { "mail-text", "mail-html", "mail-notice" };
	const char *at;
	size_t i;
	int rc;

	memset(st, 0, sizeof(*st));
	memset(r, 0, sizeof(*r));
	r->o = o;
	r->st = st;
	r->d = diags;
	r->gnupghome = o->cfg->signing.gnupghome;
	at = strrchr(o->cfg->smtp.from, '@');
	r->domain = at ? at + 1 : "tlpress.invalid";
	r->tmpl = tlpress_tmplset_new();
	if (!r->tmpl)
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	rc = tlpress_tmplset_load_dir(r->tmpl, o->cfg->templates, err);
	if (rc < 0)
		return rc;
	for (i = 0; i < 3; i++)
		if (!tlpress_tmplset_has(r->tmpl, need[i]))
			return tlpress_error_set(err, TLPRESS_EIO, "templates folder '%s' has no "
						 "%s.mustache; point 'templates' in tlpress.yml at "
						 "a complete set", o->cfg->templates, need[i]);
	return 0;
}

static void run_release(struct run *r)
{
	size_t i;

	tlpress_tmplset_free(r->tmpl);
	for (i = 0; i < r->nkeys; i++) {
		free(r->keys[i].address);
		free(r->keys[i].fpr);
	}
	free(r->keys);
}

/* Files that claim one id (a/X.md and b/X.md; CCB-2026-0042.md and
 * CCB-2026-00042.md): none of them is mailed, as none is published
 * (tlpress_policy_claimed_twice(); the id a file claims is its name, as a
 * valid advisory's id is), and each is reported. dup[i] is set for those. */
static int claimed_twice(struct run *r, const struct tlpress_pathlist *files, unsigned char *dup)
{
	size_t n = files->n ? files->n : 1, i;
	char (*name)[64] = calloc(n, sizeof(*name));
	const char **ids = calloc(n, sizeof(*ids));
	size_t *also = calloc(n, sizeof(*also));
	int rc = -1;

	if (name && ids && also) {
		for (i = 0; i < files->n; i++) {
			const char *base = strrchr(files->v[i], '/');
			size_t k;

			base = base ? base + 1 : files->v[i];
			k = strlen(base);
			if (k > 3 && k - 3 < sizeof(name[i]))
				memcpy(name[i], base, k - 3);
			ids[i] = name[i];
		}
		rc = tlpress_policy_claimed_twice(ids, files->n, also) < 0 ? -1 : 0;
	}
	for (i = 0; !rc && i < files->n; i++) {
		if (also[i] == TLPRESS_CLAIMED_ONCE)
			continue;
		dup[i] = 1;
		if (also[i] != i)
			tlpress_diags_add(r->d, TLPRESS_ERROR, files->v[i], 0, 0, "id",
					  "every advisory has its own id",
					  "duplicate 'id' %s, also used by %s: no mail for either",
					  name[i], files->v[also[i]]);
	}
	free(name);
	free(ids);
	free(also);
	return rc;
}

int tlpress_mailq_run(const struct tlpress_mailq_opts *o, struct tlpress_mailq_stats *st,
		      struct tlpress_diags *diags, struct tlpress_error *err)
{
	struct tlpress_pathlist files = TLPRESS_PATHLIST_INIT;
	unsigned char *dup = NULL;
	struct run r;
	size_t i;
	int rc;

	memset(st, 0, sizeof(*st));
	if (!o->signer)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "mail needs a signing key: every mail "
					 "is signed; set 'signing.key' in tlpress.yml");
	rc = run_init(&r, o, st, diags, err);
	if (!rc)
		rc = tlpress_scan(o->cfg->advisories, &files, err);
	if (!rc && (!(dup = calloc(files.n ? files.n : 1, 1)) || claimed_twice(&r, &files, dup)))
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	for (i = 0; i < files.n && !rc; i++)
		if (!dup[i])
			rc = one_advisory(&r, files.v[i], err);
	free(dup);
	tlpress_pathlist_release(&files);
	run_release(&r);
	return rc;
}

/* A file name for an address: "NN-address" with anything but letters,
 * digits, '@', '.', '_' and '-' made '_'. */
static void preview_name(size_t n, const char *address, const char *ext, struct tlpress_buf *out)
{
	const char *p;

	tlpress_buf_reset(out);
	tlpress_buf_printf(out, "%02zu-", n);
	for (p = address; *p; p++) {
		char c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '@' || c == '.' || c == '_' || c == '-'))
			c = '_';
		tlpress_buf_addch(out, c);
	}
	tlpress_buf_adds(out, ext);
}

static char *joined(const char *dir, const char *rel)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;

	tlpress_path_join(&b, dir, rel);
	return b.failed ? NULL : tlpress_buf_detach(&b, NULL);
}

/* One delivery of a preview: its clear content, and the message built. */
static int preview_one(struct run *r, const struct tlpress_advisory *a, enum tlpress_tlp base,
		       size_t i, const char *dir, struct tlpress_mail_preview *p,
		       struct tlpress_error *err)
{
	const struct tlpress_delivery *dv = &p->plan.v[i];
	struct tlpress_buf text = TLPRESS_BUF_INIT, html = TLPRESS_BUF_INIT;
	struct tlpress_buf subj = TLPRESS_BUF_INIT, outer = TLPRESS_BUF_INIT;
	struct tlpress_buf name = TLPRESS_BUF_INIT, file = TLPRESS_BUF_INIT, msg = TLPRESS_BUF_INIT;
	struct tlpress_error berr = TLPRESS_ERROR_INIT;
	const struct tlpress_revision *cur = tlpress_advisory_current(a);
	char mid[160], slug[64], fpr[41] = "";
	int rc;

	rc = content(r, a, base, dv, &text, &html, &subj, &outer, err);
	if (rc)
		goto out;
	/* what the recipient reads, in clear, for the analyst */
	tlpress_buf_printf(&file, "To: %s\nSubject: %s\nX-TLP: %s\n", dv->address, subj.ptr,
			   dv->notice_only ? "TLP:CLEAR" : tlpress_tlp_label(dv->clearance));
	if (dv->encrypt && !dv->notice_only)
		tlpress_buf_printf(&file, "Outer-Subject: %s\n", outer.ptr);
	tlpress_buf_printf(&file, "\n%s", text.ptr);
	preview_name(i + 1, dv->address, ".txt", &name);
	rc = file.failed || name.failed ? tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory")
		: tlpress_write_atomic(dir, name.ptr, file.ptr, file.len, err);
	if (!rc && !(p->txt[i] = joined(dir, name.ptr)))
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	if (rc)
		goto out;

	/* the message, built as the run builds it */
	if (!r->o->signer) {
		p->problem[i] = strdup("not built: mail needs a signing key ('signing.key')");
		goto out;
	}
	if (dv->encrypt && !dv->notice_only && !dv->key_fpr) {
		struct tlpress_keyinfo info;

		memset(&info, 0, sizeof(info));
		if (tlpress_key_lookup(r->gnupghome, dv->address, (long long)r->o->now.t, &info,
				       &berr)) {
			p->problem[i] = strdup(berr.msg);
			goto out;
		}
		memcpy(fpr, info.fpr, sizeof(fpr));
	} else if (dv->key_fpr) {
		snprintf(fpr, sizeof(fpr), "%s", dv->key_fpr);
	}
	tlpress_advisory_slug(a, slug, sizeof(slug));
	message_id(r, slug, cur->version, dv->address, mid, sizeof(mid));
	if (build(r, a, base, dv, fpr[0] ? fpr : NULL, mid, &msg, &berr)) {
		p->problem[i] = strdup(berr.msg);
		goto out;
	}
	preview_name(i + 1, dv->address, ".eml", &name);
	rc = name.failed ? tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory")
		: tlpress_write_atomic(dir, name.ptr, msg.ptr, msg.len, err);
	if (!rc && !(p->eml[i] = joined(dir, name.ptr)))
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
out:
	tlpress_buf_release(&text);
	tlpress_buf_release(&html);
	tlpress_buf_release(&subj);
	tlpress_buf_release(&outer);
	tlpress_buf_release(&name);
	tlpress_buf_release(&file);
	tlpress_buf_release(&msg);
	return rc;
}

int tlpress_mailq_preview(const struct tlpress_mailq_opts *o, const struct tlpress_advisory *a,
			  const char *dir, struct tlpress_mail_preview *p,
			  struct tlpress_error *err)
{
	struct tlpress_mailq_stats st;
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_advisory released;
	enum tlpress_tlp base;
	struct run r;
	size_t i;
	int rc;

	memset(p, 0, sizeof(*p));
	if (!a->id || a->nerrors || !a->nrevisions)
		return tlpress_error_set(err, TLPRESS_EPOLICY, "an advisory with errors has no mail");
	rc = run_init(&r, o, &st, &d, err);
	if (rc)
		goto out;
	/* as the run will plan it once the advisory is released: a draft is
	 * planned as final (a shallow copy: nothing of a is changed) */
	released = *a;
	released.status = TLPRESS_STATUS_FINAL;
	base = tlpress_policy_base_label(a, &o->now);
	rc = tlpress_policy_mail(&released, base, &o->cfg->lists, key_state, &r, &p->plan);
	if (rc) {
		rc = tlpress_error_set(err, rc, "%s: cannot plan its mail", a->id);
		goto out;
	}
	p->eml = calloc(p->plan.n + 1, sizeof(char *));
	p->txt = calloc(p->plan.n + 1, sizeof(char *));
	p->problem = calloc(p->plan.n + 1, sizeof(char *));
	if (!p->eml || !p->txt || !p->problem) {
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		goto out;
	}
	if (p->plan.n)
		rc = tlpress_mkroot(dir, err);
	for (i = 0; i < p->plan.n && !rc; i++)
		rc = preview_one(&r, &released, base, i, dir, p, err);
out:
	run_release(&r);
	tlpress_diags_release(&d);
	return rc;
}

void tlpress_mail_preview_release(struct tlpress_mail_preview *p)
{
	size_t i;

	for (i = 0; i < p->plan.n; i++) {
		if (p->eml)
			free(p->eml[i]);
		if (p->txt)
			free(p->txt[i]);
		if (p->problem)
			free(p->problem[i]);
	}
	free(p->eml);
	free(p->txt);
	free(p->problem);
	tlpress_mail_plan_release(&p->plan);
	memset(p, 0, sizeof(*p));
}
