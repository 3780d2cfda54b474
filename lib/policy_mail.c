/* policy_mail.c - who receives what by mail, as a pure function; see policy.h */
#include "policy.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "lists.h"

const char *tlpress_key_state_text(int state)
{
	switch (state) {
	case TLPRESS_KEY_OK: return "key usable";
	case TLPRESS_KEY_MISSING: return "no key in the keyring";
	case TLPRESS_KEY_EXPIRED: return "key expired";
	case TLPRESS_KEY_REVOKED: return "key revoked";
	case TLPRESS_KEY_NO_ENCRYPT: return "key cannot encrypt";
	case TLPRESS_KEY_MISMATCH: return "key does not carry this address";
	case TLPRESS_KEY_CONFLICT: return "the lists name different keys for this address";
	}
	return "key state unknown";
}

static int label_ok(int t)
{
	return t >= TLPRESS_TLP_CLEAR && t <= TLPRESS_TLP_RED;
}

int tlpress_policy_list_cap(const struct tlpress_list *l)
{
	int cap;

	if (!l || !label_ok((int)l->tlp) ||
	    (l->mode != TLPRESS_LIST_EXPAND && l->mode != TLPRESS_LIST_KEY))
		return -1;
	cap = (int)l->tlp;
	if (cap > TLPRESS_TLP_AMBER_STRICT)
		cap = TLPRESS_TLP_AMBER_STRICT;
	if (cap == TLPRESS_TLP_AMBER_STRICT &&
	    !(l->mode == TLPRESS_LIST_EXPAND && tlpress_list_organizations(l) == 1))
		cap = TLPRESS_TLP_AMBER;
	return cap;
}

/* ---- the work ------------------------------------------------------------- */

struct route {
	const char *address;
	int clearance;              /* normalised; >= base */
	int encrypt;
	const char *fpr;            /* or NULL: by address */
	const char *via;            /* list name or "recipients" */
	const char *how;            /* "audience", "recipients" */
	size_t order;
};

struct mctx {
	struct tlpress_mail_plan *out;
	unsigned present;           /* bit t: some part is labelled t */
	int full;                   /* the most restrictive present label */
	struct route *r;
	size_t nr, cap;
	size_t rcap;                /* refusals allocated */
	int oom;
};

/* The most restrictive present label at or below c, or -1. */
static int norm(const struct mctx *c, int clearance)
{
	int t;

	for (t = clearance; t >= 0; t--)
		if (c->present & (1u << t))
			return t;
	return -1;
}

/* A printable copy for reports: bytes outside printable ASCII as \xNN,
 * cut after max bytes. */
static char *printable(const char *s, size_t max)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	size_t i;

	if (!s)
		s = "(none)";
	for (i = 0; s[i] && i < max;) {
		size_t run = 0;

		while (s[i + run] && i + run < max && (unsigned char)s[i + run] >= 0x20 &&
		       (unsigned char)s[i + run] < 0x7F && s[i + run] != '\\')
			run++;
		if (run) {
			tlpress_buf_add(&b, s + i, run);
			i += run;
		} else {
			tlpress_buf_printf(&b, "\\x%02X", (unsigned char)s[i]);
			i++;
		}
	}
	if (s[i])
		tlpress_buf_adds(&b, "...");
	if (b.failed) {
		tlpress_buf_release(&b);
		return NULL;
	}
	return tlpress_buf_detach(&b, NULL);
}

static void refuse(struct mctx *c, int kind, const char *route, int label, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void refuse(struct mctx *c, int kind, const char *route, int label, const char *fmt, ...)
{
	struct tlpress_mail_plan *p = c->out;
	struct tlpress_mail_refusal *e;
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	va_list ap;

	if (p->nrefused == c->rcap) {
		size_t ncap = c->rcap ? c->rcap * 2 : 8;
		struct tlpress_mail_refusal *v = realloc(p->refused, ncap * sizeof(*v));

		if (!v) {
			c->oom = 1;
			return;
		}
		p->refused = v;
		c->rcap = ncap;
	}
	va_start(ap, fmt);
	tlpress_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	e = &p->refused[p->nrefused];
	e->kind = kind;
	e->label = label;
	e->route = printable(route, 80);
	e->reason = b.failed ? NULL : printable(b.ptr, 1000);
	tlpress_buf_release(&b);
	p->nrefused++;
	if (!e->route || !e->reason)
		c->oom = 1;
}

static void add_route(struct mctx *c, const char *address, int clearance, int encrypt,
		      const char *fpr, const char *via, const char *how)
{
	struct route *r;

	if (c->nr == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 32;
		struct route *v = realloc(c->r, ncap * sizeof(*v));

		if (!v) {
			c->oom = 1;
			return;
		}
		c->r = v;
		c->cap = ncap;
	}
	r = &c->r[c->nr];
	r->address = address;
	r->clearance = clearance;
	r->encrypt = encrypt || clearance > TLPRESS_TLP_CLEAR;
	r->fpr = fpr;
	r->via = via;
	r->how = how;
	r->order = c->nr;
	c->nr++;
}

/* A list fit to route to: its name, address, label, mode and key. 0, or
 * -1 (refused and reported). */
static int list_sound(struct mctx *c, const struct tlpress_list *l)
{
	const char *why = NULL;

	if (tlpress_list_name_valid(l->name))
		why = "its name is not a list name";
	else if (tlpress_mail_address_valid(l->address))
		why = "its address is not a plain e-mail address";
	else if (!label_ok((int)l->tlp))
		why = "its 'tlp' is not a label";
	else if (l->mode != TLPRESS_LIST_EXPAND && l->mode != TLPRESS_LIST_KEY)
		why = "its mode is neither expand nor list-key";
	else if (l->mode == TLPRESS_LIST_KEY && tlpress_fpr_valid(l->key))
		why = "its 'key' is not a fingerprint";
	if (!why) {
		size_t i;

		for (i = 0; l->mode == TLPRESS_LIST_EXPAND && i < l->nmembers; i++) {
			const struct tlpress_member *m = &l->members[i];

			if (tlpress_mail_address_valid(m->address) || tlpress_fpr_valid(m->fpr))
				refuse(c, TLPRESS_REFUSED_BAD_INPUT, m->address, -1,
				       "nothing sent to a member of list %s (line %u): its %s is "
				       "malformed; correct that line of the members file "
				       "(tlpress check -C shows it)", l->name, m->line,
				       tlpress_mail_address_valid(m->address) ? "address"
									     : "fingerprint");
		}
		return 0;
	}
	refuse(c, TLPRESS_REFUSED_BAD_INPUT, l->name ? l->name : l->address, -1,
	       "nothing sent to list '%s': %s; correct it under 'lists' in tlpress.yml",
	       l->name ? l->name : "(unnamed)", why);
	return -1;
}

/* Routes to every address of l at clearance cl (malformed members were
 * reported by list_sound()). */
static void list_routes(struct mctx *c, const struct tlpress_list *l, int cl, const char *how)
{
	size_t i;

	if (l->mode == TLPRESS_LIST_KEY) {
		add_route(c, l->address, cl, l->encrypt, l->key, l->name, how);
		return;
	}
	for (i = 0; i < l->nmembers; i++) {
		const struct tlpress_member *m = &l->members[i];

		if (tlpress_mail_address_valid(m->address) || tlpress_fpr_valid(m->fpr))
			continue;
		add_route(c, m->address, cl, l->encrypt, m->fpr, l->name, how);
	}
}

static void named_list(struct mctx *c, const struct tlpress_list *l)
{
	int cap = tlpress_policy_list_cap(l), cl, t;

	cl = norm(c, cap < c->full ? cap : c->full);
	for (t = cl + 1; t < TLPRESS_TLP_COUNT; t++) {
		if (!(c->present & (1u << t)))
			continue;
		if (t == TLPRESS_TLP_RED) {
			refuse(c, TLPRESS_REFUSED_RED_LIST, l->name, t,
			       "TLP:RED not sent to list %s: RED goes to individual addresses only",
			       l->name);
		} else if (t == TLPRESS_TLP_AMBER_STRICT && l->tlp >= TLPRESS_TLP_AMBER_STRICT) {
			size_t n = tlpress_list_organizations(l);

			if (l->mode == TLPRESS_LIST_KEY)
				refuse(c, TLPRESS_REFUSED_STRICT_ORGS, l->name, t,
				       "TLP:AMBER+STRICT not sent to list %s: a list-key list's "
				       "members and their organizations are unknown", l->name);
			else if (n == (size_t)-1)
				refuse(c, TLPRESS_REFUSED_STRICT_ORGS, l->name, t,
				       "TLP:AMBER+STRICT not sent to list %s: its organizations could "
				       "not be counted", l->name);
			else
				refuse(c, TLPRESS_REFUSED_STRICT_ORGS, l->name, t,
				       "TLP:AMBER+STRICT not sent to list %s: members from %zu "
				       "organizations", l->name, n);
		} else {
			refuse(c, TLPRESS_REFUSED_CLEARANCE, l->name, t,
			       "%s not sent to list %s: it is cleared for %s only",
			       tlpress_tlp_label((enum tlpress_tlp)t), l->name,
			       tlpress_tlp_label(l->tlp));
		}
	}
	if (cl >= 0)
		list_routes(c, l, cl, "recipients");
}

static int route_cmp(const void *a, const void *b)
{
	const struct route *x = a, *y = b;
	int r = strcasecmp(x->address, y->address);

	if (r)
		return r;
	return x->order < y->order ? -1 : x->order > y->order;
}

static char *xdup(struct mctx *c, const char *s)
{
	char *r;

	if (!s)
		return NULL;
	if (!(r = strdup(s)))
		c->oom = 1;
	return r;
}

/* One delivery for the routes r[0..n), which share an address. */
static void deliver(struct mctx *c, const struct route *r, size_t n,
		    tlpress_key_state_fn key_state, void *ctx, size_t *dcap)
{
	struct tlpress_mail_plan *p = c->out;
	struct tlpress_delivery *d;
	struct tlpress_buf why = TLPRESS_BUF_INIT;
	const struct route *best = &r[0];
	const char *fpr = NULL;
	int encrypt = 0, conflict = 0, state = TLPRESS_KEY_OK;
	size_t i;

	for (i = 0; i < n; i++) {
		if (r[i].clearance > best->clearance)
			best = &r[i];
		encrypt |= r[i].encrypt;
		if (r[i].fpr) {
			if (!fpr)
				fpr = r[i].fpr;
			else if (strcasecmp(fpr, r[i].fpr))
				conflict = 1;
		}
	}
	if (best->clearance > TLPRESS_TLP_CLEAR)
		encrypt = 1;
	if (encrypt) {
		if (conflict)
			state = TLPRESS_KEY_CONFLICT;
		else
			state = key_state(ctx, r[0].address, fpr);
	} else {
		fpr = NULL;
	}
	if (p->n == *dcap) {
		size_t ncap = *dcap ? *dcap * 2 : 16;
		struct tlpress_delivery *v = realloc(p->v, ncap * sizeof(*v));

		if (!v) {
			c->oom = 1;
			return;
		}
		p->v = v;
		*dcap = ncap;
	}
	d = &p->v[p->n];
	memset(d, 0, sizeof(*d));
	p->n++;
	d->clearance = (enum tlpress_tlp)best->clearance;
	d->key_state = state;
	d->notice_only = encrypt && state != TLPRESS_KEY_OK;
	d->encrypt = encrypt && !d->notice_only;
	if (d->notice_only) {
		p->nnotices++;
		tlpress_buf_printf(&why, "notice only, %s", tlpress_key_state_text(state));
		if (fpr)
			tlpress_buf_printf(&why, " (%s)", fpr);
		tlpress_buf_adds(&why, "; ");
	}
	tlpress_buf_adds(&why, "via ");
	for (i = 0; i < n; i++) {
		if (i)
			tlpress_buf_adds(&why, ", ");
		if (strcmp(r[i].how, "address") == 0) {
			tlpress_buf_adds(&why, "recipients (");
		} else {
			tlpress_buf_adds(&why, "list ");
			tlpress_buf_adds(&why, r[i].via);
			tlpress_buf_adds(&why, " (");
			tlpress_buf_adds(&why, r[i].how);
			tlpress_buf_adds(&why, ", ");
		}
		tlpress_buf_adds(&why, tlpress_tlp_name((enum tlpress_tlp)r[i].clearance));
		tlpress_buf_addch(&why, ')');
	}
	d->address = xdup(c, r[0].address);
	d->key_fpr = xdup(c, fpr);
	d->via = xdup(c, best->via);
	d->reason = why.failed ? NULL : tlpress_buf_detach(&why, NULL);
	if (!d->reason)
		c->oom = 1;
	tlpress_buf_release(&why);
}

int tlpress_policy_mail(const struct tlpress_advisory *adv, enum tlpress_tlp base,
			const struct tlpress_lists *lists, tlpress_key_state_fn key_state,
			void *ctx, struct tlpress_mail_plan *out)
{
	struct mctx c;
	const struct tlpress_list **named = NULL;
	size_t i, j, nnamed = 0, nlists = lists ? lists->n : 0, dcap = 0;
	char *sound = NULL;

	if (!out)
		return TLPRESS_EUSAGE;
	memset(out, 0, sizeof(*out));
	if (!adv || !key_state || !label_ok((int)base) || (adv->flags & TLPRESS_PARSE_FRONT_ONLY))
		return TLPRESS_EUSAGE;
	if (adv->nerrors || adv->status == TLPRESS_STATUS_DRAFT)
		return TLPRESS_EPOLICY;

	memset(&c, 0, sizeof(c));
	c.out = out;
	c.present = 1u << base;
	for (i = 0; i < adv->nblocks; i++)
		c.present |= 1u << tlpress_policy_block_label(adv, i, base);
	for (i = 0; i < adv->nsections; i++) {
		int t = (int)adv->sections[i].label;

		c.present |= 1u << (label_ok(t) && t > (int)base ? t : (int)base);
	}
	c.full = norm(&c, TLPRESS_TLP_RED);

	if (nlists) {
		sound = calloc(nlists, 1);
		named = calloc(nlists + adv->nrecipients + 1, sizeof(*named));
		if (!sound || !named) {
			c.oom = 1;
			goto out;
		}
	}
	/* 0. lists fit to route to */
	for (i = 0; i < nlists; i++)
		sound[i] = list_sound(&c, &lists->v[i]) == 0;

	/* 1. audience: CLEAR and GREEN parts to the lists cleared for them */
	for (i = 0; i < nlists; i++) {
		const struct tlpress_list *l = &lists->v[i];
		int cl;

		if (!sound[i] || (l->audience && !(l->audience & adv->audience)))
			continue;
		cl = norm(&c, (int)l->tlp < TLPRESS_TLP_GREEN ? (int)l->tlp : TLPRESS_TLP_GREEN);
		if (cl >= 0)
			list_routes(&c, l, cl, "audience");
	}

	/* 2. and 3. recipients: named lists and single addresses */
	for (i = 0; i < adv->nrecipients; i++) {
		const char *s = adv->recipients[i];
		const struct tlpress_list *l = NULL;

		if (!s)
			continue;
		if (strchr(s, '@')) {
			if (tlpress_mail_address_valid(s)) {
				refuse(&c, TLPRESS_REFUSED_BAD_INPUT, s, -1,
				       "nothing sent to recipient '%.80s': its address is "
				       "malformed; correct 'recipients'", s);
				continue;
			}
			for (j = 0; j < nlists; j++)
				if (lists->v[j].address &&
				    strcasecmp(lists->v[j].address, s) == 0)
					break;
			if (j == nlists) {
				add_route(&c, s, c.full, 1, NULL, "recipients", "address");
				continue;
			}
			l = &lists->v[j];
		} else {
			for (j = 0; j < nlists; j++)
				if (lists->v[j].name && strcmp(lists->v[j].name, s) == 0)
					break;
			if (j == nlists) {
				refuse(&c, TLPRESS_REFUSED_UNKNOWN_LIST, s, -1,
				       "nothing sent to list %s: no list of that name is configured; "
				       "add it under 'lists' in tlpress.yml, or correct "
				       "'recipients'", s);
				continue;
			}
			l = &lists->v[j];
		}
		if (!sound[j])
			continue;
		for (j = 0; j < nnamed; j++)
			if (named[j] == l)
				break;
		if (j < nnamed)
			continue; /* named twice: by name and by address */
		named[nnamed++] = l;
		named_list(&c, l);
	}
	if (c.oom)
		goto out;

	/* one delivery per address */
	if (c.nr)
		qsort(c.r, c.nr, sizeof(*c.r), route_cmp);
	for (i = 0; i < c.nr && !c.oom; i = j) {
		for (j = i + 1; j < c.nr && strcasecmp(c.r[j].address, c.r[i].address) == 0; j++)
			;
		deliver(&c, &c.r[i], j - i, key_state, ctx, &dcap);
	}
out:
	free(sound);
	free(named);
	free(c.r);
	if (c.oom) {
		tlpress_mail_plan_release(out);
		return TLPRESS_ENOMEM;
	}
	return 0;
}

void tlpress_mail_plan_release(struct tlpress_mail_plan *plan)
{
	size_t i;

	if (!plan)
		return;
	for (i = 0; i < plan->n; i++) {
		free(plan->v[i].address);
		free(plan->v[i].key_fpr);
		free(plan->v[i].via);
		free(plan->v[i].reason);
	}
	free(plan->v);
	for (i = 0; i < plan->nrefused; i++) {
		free(plan->refused[i].route);
		free(plan->refused[i].reason);
	}
	free(plan->refused);
	memset(plan, 0, sizeof(*plan));
}
