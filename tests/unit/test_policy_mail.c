/*
 * test_policy_mail.c - who receives what by mail, as an exhaustive table
 * checked against an independent oracle: every advisory shape (base label
 * and a marked section, CLEAR to RED), two lists that overlap (a member in
 * both), each list at every clearance CLEAR..AMBER+STRICT, encrypt on and
 * off, expand and list-key, members from one or several organizations,
 * audience matching or not, every recipients pattern (lists, a single
 * address that is also a list member, a list named by its address) and
 * every key state. Each result is compared delivery by delivery with the
 * oracle (a few lines of plain rules below), and checked against the
 * invariants: one delivery per address; content above CLEAR is never
 * plaintext; RED never reaches a list; AMBER+STRICT never reaches a list
 * that spans organizations. Then targeted cases: the sample advisory,
 * refusals and their words, key conflicts, hostile names and addresses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "advisory.h"
#include "buf.h"
#include "lists.h"
#include "policy.h"

#include "harness.h"

#define FPR_S  "5555555555555555555555555555555555555555"
#define FPR_A1 "AAAA111111111111111111111111111111111111"
#define FPR_B1 "BBBB111111111111111111111111111111111111"
#define FPR_LA "AAAA000000000000000000000000000000000000"
#define FPR_LB "BBBB000000000000000000000000000000000000"

#define SHARED "shared@x.example"
#define A1 "a1@x.example"
#define B1 "b1@x.example"
#define LA "la@lists.example"
#define LB "lb@lists.example"
#define SOLO "solo@x.example"

static const char *const key_names[] = { "OK", "MISSING", "EXPIRED", "REVOKED", "NO_ENCRYPT",
	"MISMATCH" };
#define NKEY 6

/* ---- building advisories -------------------------------------------------- */

static struct tlpress_advisory *make(int base, int sec, const char *recipients,
				     const char *extra)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_advisory *a;

	tlpress_buf_printf(&b,
		"---\nid: CCB-2026-0001\ntitle: Mail test\ntlp: %s\naudience: [oes-ci]\n%s%s%s%s"
		"revisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, summary: x}]\n---\n"
		"Opening paragraph.\n\n",
		tlpress_tlp_name((enum tlpress_tlp)base), recipients ? "recipients: [" : "",
		recipients ? recipients : "", recipients ? "]\n" : "", extra ? extra : "");
	if (sec >= 0)
		tlpress_buf_printf(&b, "## Details [%s]\n\nSection text.\n\n## After\n\nMore.\n",
				   tlpress_tlp_label((enum tlpress_tlp)sec));
	a = tlpress_advisory_parse("CCB-2026-0001.md", b.ptr, b.len, &d);
	if (!a || d.nerrors) {
		DIAG("unexpected parse error for tlp %s section %d [%s]: %s",
		     tlpress_tlp_name((enum tlpress_tlp)base), sec, recipients ? recipients : "",
		     d.n ? d.v[0].msg : "?");
		tlpress_advisory_free(a);
		a = NULL;
	}
	tlpress_diags_release(&d);
	tlpress_buf_release(&b);
	return a;
}

/* ---- keys ------------------------------------------------------------------ */

struct keys {
	const char *bad_addr[4];    /* these get `state`, every other key OK */
	int state;
	int calls;
	int wrong_fpr;              /* the policy asked with an unexpected fpr */
};

static const char *expected_fpr(const char *address)
{
	if (!strcasecmp(address, SHARED)) return FPR_S;
	if (!strcasecmp(address, A1)) return FPR_A1;
	if (!strcasecmp(address, B1)) return FPR_B1;
	if (!strcasecmp(address, LA)) return FPR_LA;
	if (!strcasecmp(address, LB)) return FPR_LB;
	return NULL;
}

static int key_state(void *ctx, const char *address, const char *fpr)
{
	struct keys *k = ctx;
	const char *want = expected_fpr(address);
	size_t i;

	k->calls++;
	/* NULL: looked up by address (a named person); else the list's key */
	if (fpr && (!want || strcmp(want, fpr)))
		k->wrong_fpr++;
	for (i = 0; i < 4 && k->bad_addr[i]; i++)
		if (!strcasecmp(k->bad_addr[i], address))
			return k->state;
	return TLPRESS_KEY_OK;
}

/* ---- the table ------------------------------------------------------------- */

struct lvar {
	int tlp, encrypt, mode, multi, aud;
};

static struct tlpress_member a_members[2], b_members[2];

static void set_list(struct tlpress_list *l, const struct lvar *v, int which)
{
	struct tlpress_member *m = which ? b_members : a_members;

	memset(l, 0, sizeof(*l));
	l->name = which ? "list-b" : "list-a";
	l->address = which ? LB : LA;
	l->tlp = (enum tlpress_tlp)v->tlp;
	l->audience = v->aud ? (TLPRESS_AUD_OES_CI | TLPRESS_AUD_COMPANIES) : TLPRESS_AUD_PUBLIC;
	l->encrypt = v->encrypt;
	l->mode = v->mode;
	if (v->mode == TLPRESS_LIST_KEY) {
		l->key = which ? FPR_LB : FPR_LA;
		return;
	}
	m[0].address = SHARED;
	m[0].fpr = FPR_S;
	m[0].org = "One";
	m[0].line = 1;
	m[1].address = which ? B1 : A1;
	m[1].fpr = which ? FPR_B1 : FPR_A1;
	m[1].org = v->multi ? (which ? "Three" : "Two") : "One";
	m[1].line = 2;
	l->members = m;
	l->nmembers = 2;
}

/* The oracle's view of one address. */
struct want {
	const char *address;
	int clr;                    /* -1: nothing */
	int enc;
	int listed;                 /* reached through a list: its key is known */
};

#define NADDR 6
static const char *const all_addr[NADDR] = { A1, B1, LA, LB, SHARED, SOLO };

static struct want *slot(struct want *w, const char *address)
{
	size_t i;

	for (i = 0; i < NADDR; i++)
		if (!strcmp(w[i].address, address))
			return &w[i];
	return NULL;
}

static void give(struct want *w, const char *address, int clr, int enc, int listed)
{
	struct want *s = slot(w, address);

	if (clr < 0)
		return;
	s->listed |= listed;
	if (clr > s->clr)
		s->clr = clr;
	s->enc |= enc || clr > TLPRESS_TLP_CLEAR;
}

static int present_norm(unsigned present, int c)
{
	for (; c >= 0; c--)
		if (present & (1u << c))
			return c;
	return -1;
}

static int imin(int a, int b)
{
	return a < b ? a : b;
}

static int imax(int a, int b)
{
	return a > b ? a : b;
}

/* The list's addresses, for the oracle. */
static void give_list(struct want *w, const struct lvar *v, int which, int clr)
{
	if (v->mode == TLPRESS_LIST_KEY) {
		give(w, which ? LB : LA, clr, v->encrypt, 1);
	} else {
		give(w, SHARED, clr, v->encrypt, 1);
		give(w, which ? B1 : A1, clr, v->encrypt, 1);
	}
}

/* The rules, written plainly. */
static void oracle(int base, int sec, int nrec, const char *const *rec, const struct lvar *v,
		   struct want *w)
{
	unsigned present = (1u << base) | (sec >= 0 ? 1u << imax(base, sec) : 0);
	int full = imax(base, sec), which, named[2] = { 0, 0 }, i;

	for (i = 0; i < NADDR; i++) {
		w[i].address = all_addr[i];
		w[i].clr = -1;
		w[i].enc = 0;
		w[i].listed = 0;
	}
	/* CLEAR and GREEN parts: every list whose audience matches */
	for (which = 0; which < 2; which++)
		if (v[which].aud)
			give_list(w, &v[which], which,
				  present_norm(present, imin(v[which].tlp, TLPRESS_TLP_GREEN)));
	/* recipients */
	for (i = 0; i < nrec; i++) {
		if (!strcmp(rec[i], "list-a") || !strcmp(rec[i], LA))
			named[0] = 1;
		else if (!strcmp(rec[i], "list-b") || !strcmp(rec[i], LB))
			named[1] = 1;
		else
			give(w, rec[i], full, 1, 0);   /* a named person: everything, encrypted */
	}
	for (which = 0; which < 2; which++) {
		int cap = imin(v[which].tlp, full);

		if (!named[which])
			continue;
		if (cap >= TLPRESS_TLP_AMBER_STRICT &&
		    !(v[which].mode == TLPRESS_LIST_EXPAND && !v[which].multi))
			cap = TLPRESS_TLP_AMBER;
		give_list(w, &v[which], which, present_norm(present, imin(cap, TLPRESS_TLP_AMBER_STRICT)));
	}
}

/* Recipient patterns for advisories whose document label is AMBER or above. */
static const char *const rec_yaml[] = {
	"list-a",
	"list-a, list-b",
	SHARED,
	"list-a, " SHARED,
	"list-b, " SOLO ", " LA,
};
static const char *const rec_0[] = { "list-a" };
static const char *const rec_1[] = { "list-a", "list-b" };
static const char *const rec_2[] = { SHARED };
static const char *const rec_3[] = { "list-a", SHARED };
static const char *const rec_4[] = { "list-b", SOLO, LA };
static const char *const *const rec_list[] = { rec_0, rec_1, rec_2, rec_3, rec_4 };
static const int rec_n[] = { 1, 2, 1, 2, 3 };
#define NREC 5

static int is_named_single(int r, const char *address)
{
	int i;

	if (r < 0)
		return 0;
	for (i = 0; i < rec_n[r]; i++)
		if (!strcmp(rec_list[r][i], address) && strcmp(address, LA) && strcmp(address, LB))
			return 1;
	return 0;
}

static long combos, failures;

static void fail(const char *what, int base, int sec, int r, const struct lvar *v, int ks,
		 const struct tlpress_mail_plan *p)
{
	size_t i;

	failures++;
	if (failures > 12)
		return;
	DIAG("FAIL %s: tlp %s section %s recipients [%s] key %s", what,
	     tlpress_tlp_name((enum tlpress_tlp)base),
	     sec >= 0 ? tlpress_tlp_name((enum tlpress_tlp)sec) : "-", r >= 0 ? rec_yaml[r] : "",
	     key_names[ks]);
	for (i = 0; i < 2; i++)
		DIAG("  list-%c: tlp %s encrypt %d %s %s audience %s", 'a' + (int)i,
		     tlpress_tlp_name((enum tlpress_tlp)v[i].tlp), v[i].encrypt,
		     v[i].mode ? "list-key" : "expand", v[i].multi ? "multi-org" : "one-org",
		     v[i].aud ? "match" : "no match");
	for (i = 0; i < p->n; i++)
		DIAG("  got %s %s enc %d notice %d (%s)", p->v[i].address,
		     tlpress_tlp_name(p->v[i].clearance), p->v[i].encrypt, p->v[i].notice_only,
		     p->v[i].reason);
}

/* Run one combination and compare. */
static void one(const struct tlpress_advisory *adv, int base, int sec, int r,
		const struct lvar *v, int ks)
{
	struct tlpress_list lv[2];
	struct tlpress_lists lists = { lv, 2 };
	struct tlpress_mail_plan p = TLPRESS_MAIL_PLAN_INIT;
	struct keys k = { { SHARED, LA, SOLO, NULL }, 0, 0, 0 };
	struct want w[NADDR];
	size_t i, nwant = 0, j;
	int rc;

	k.state = ks;
	set_list(&lv[0], &v[0], 0);
	set_list(&lv[1], &v[1], 1);
	rc = tlpress_policy_mail(adv, (enum tlpress_tlp)base, &lists, key_state, &k, &p);
	combos++;
	if (rc) {
		fail("return value", base, sec, r, v, ks, &p);
		return;
	}
	oracle(base, sec, r >= 0 ? rec_n[r] : 0, r >= 0 ? rec_list[r] : NULL, v, w);
	for (i = 0; i < NADDR; i++)
		nwant += w[i].clr >= 0;
	if (p.n != nwant)
		fail("number of deliveries", base, sec, r, v, ks, &p);
	for (i = 0; i < p.n; i++) {
		const struct tlpress_delivery *d = &p.v[i];
		struct want *e = slot(w, d->address);
		int notice;

		/* invariants, whatever the oracle says */
		if (i && strcasecmp(p.v[i - 1].address, d->address) >= 0)
			fail("sorted, one delivery per address", base, sec, r, v, ks, &p);
		if (!d->notice_only && d->clearance > TLPRESS_TLP_CLEAR && !d->encrypt)
			fail("content above CLEAR in plaintext", base, sec, r, v, ks, &p);
		if (d->notice_only && d->encrypt)
			fail("a notice is marked encrypted", base, sec, r, v, ks, &p);
		if (d->clearance == TLPRESS_TLP_RED && !is_named_single(r, d->address))
			fail("RED to an address not named as a person", base, sec, r, v, ks, &p);
		if (d->clearance == TLPRESS_TLP_AMBER_STRICT && !is_named_single(r, d->address)) {
			/* only through a one-organization expand list named in recipients */
			int ok = 0;

			for (j = 0; j < 2; j++)
				ok |= v[j].mode == TLPRESS_LIST_EXPAND && !v[j].multi &&
				      v[j].tlp == TLPRESS_TLP_AMBER_STRICT &&
				      (!strcmp(d->address, SHARED) ||
				       !strcmp(d->address, j ? B1 : A1));
			if (!ok)
				fail("AMBER+STRICT to a list spanning organizations", base, sec, r, v, ks,
				     &p);
		}
		/* against the oracle */
		if (!e || e->clr < 0) {
			fail("a delivery the oracle does not have", base, sec, r, v, ks, &p);
			continue;
		}
		if (e->enc ? (e->listed ? !d->key_fpr || strcmp(d->key_fpr, expected_fpr(d->address))
				       : d->key_fpr != NULL)
			   : d->key_fpr != NULL)
			fail("the key: the list's when a list reaches it, else by address", base, sec,
			     r, v, ks, &p);
		notice = e->enc && ks != TLPRESS_KEY_OK &&
			 (!strcmp(d->address, SHARED) || !strcmp(d->address, LA) ||
			  !strcmp(d->address, SOLO));
		if ((int)d->clearance != e->clr || d->notice_only != notice ||
		    d->encrypt != (e->enc && !notice))
			fail("clearance, encryption or notice", base, sec, r, v, ks, &p);
	}
	if (k.wrong_fpr)
		fail("key looked up with the wrong fingerprint", base, sec, r, v, ks, &p);
	tlpress_mail_plan_release(&p);
}

static void table(void)
{
	struct lvar vars[64];
	size_t nv = 0, ia, ib;
	int t, e, m, o, au, base, sec, r, ks, shapes = 0;
	long before;

	for (t = TLPRESS_TLP_CLEAR; t <= TLPRESS_TLP_AMBER_STRICT; t++)
	for (e = 0; e < 2; e++)
	for (m = 0; m < 2; m++)
	for (o = 0; o < 2; o++)
	for (au = 0; au < 2; au++) {
		if (m == TLPRESS_LIST_KEY && o)
			continue; /* a list-key list has no members file */
		vars[nv].tlp = t;
		vars[nv].encrypt = e;
		vars[nv].mode = m;
		vars[nv].multi = o;
		vars[nv].aud = au;
		nv++;
	}
	INT_EQ(nv, 48, "48 variants of a list");

	for (base = 0; base < TLPRESS_TLP_COUNT; base++)
	for (sec = -1; sec < TLPRESS_TLP_COUNT; sec++) {
		int full;

		if (sec >= 0 && sec < base)
			continue; /* a marking below the base label is a parse error */
		full = imax(base, sec);
		shapes++;
		before = failures;
		for (r = full >= TLPRESS_TLP_AMBER ? 0 : -1;
		     r < (full >= TLPRESS_TLP_AMBER ? NREC : 0); r++) {
			struct tlpress_advisory *adv = make(base, sec, r >= 0 ? rec_yaml[r] : NULL, NULL);
			long n0 = combos;

			if (!adv) {
				failures++;
				continue;
			}
			for (ia = 0; ia < nv; ia++)
			for (ib = 0; ib < nv; ib++)
			for (ks = 0; ks < NKEY; ks++) {
				struct lvar v[2];

				v[0] = vars[ia];
				v[1] = vars[ib];
				one(adv, base, sec, r, v, ks);
			}
			(void)n0;
			tlpress_advisory_free(adv);
		}
		OK(failures == before, "tlp %s, section %s: every list pair, recipients pattern "
		   "and key state agrees with the oracle",
		   tlpress_tlp_name((enum tlpress_tlp)base),
		   sec >= 0 ? tlpress_tlp_name((enum tlpress_tlp)sec) : "none");
	}
	INT_EQ(shapes, 20, "20 advisory shapes");
	INT_EQ(failures, 0, "%ld combinations checked against the oracle and the invariants",
	       combos);
	printf("# %ld combinations checked (advisory shapes x recipients x list-a x list-b x "
	       "key states)\n", combos);
}

/* ---- targeted cases ---------------------------------------------------------- */

static const struct tlpress_delivery *find(const struct tlpress_mail_plan *p, const char *address)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (!strcasecmp(p->v[i].address, address))
			return &p->v[i];
	return NULL;
}

static const struct tlpress_mail_refusal *refusal(const struct tlpress_mail_plan *p,
						  const char *text)
{
	size_t i;

	for (i = 0; i < p->nrefused; i++)
		if (p->refused[i].reason && strstr(p->refused[i].reason, text))
			return &p->refused[i];
	return NULL;
}

static void dump_plan(const struct tlpress_mail_plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		DIAG("delivery %s %s enc %d notice %d key %s via %s: %s", p->v[i].address,
		     tlpress_tlp_name(p->v[i].clearance), p->v[i].encrypt, p->v[i].notice_only,
		     p->v[i].key_fpr ? p->v[i].key_fpr : "-", p->v[i].via, p->v[i].reason);
	for (i = 0; i < p->nrefused; i++)
		DIAG("refused %s: %s", p->refused[i].route, p->refused[i].reason);
}

static int count_calls(void *ctx, const char *address, const char *fpr)
{
	(void)address;
	(void)fpr;
	(*(int *)ctx)++;
	return TLPRESS_KEY_OK;
}

static int always(void *ctx, const char *address, const char *fpr)
{
	(void)address;
	(void)fpr;
	return *(int *)ctx;
}

/* The sample advisory: base CLEAR, an AMBER section holding an AMBER+STRICT
 * one, recipients naming six lists (one of them missing from the
 * configuration). */
static void sample(void)
{
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	const char *top = getenv("TLPRESS_TOP");
	char path[4096];
	struct tlpress_advisory *adv;
	struct tlpress_member energy[] = {
		{ "soc@elia.example", FPR_A1, "Elia", 3 },
		{ "cert@engie.example", FPR_B1, "Engie", 4 },
	};
	struct tlpress_member partners[] = {
		{ "a@one.example", FPR_A1, "One", 1 },
		{ "b@two.example", FPR_B1, "Two", 2 },
		{ "c@three.example", FPR_S, "Three", 3 },
	};
	struct tlpress_member digital[] = {
		{ "noc@proximus.example", FPR_S, "Proximus", 1 },
		{ "soc@proximus.example", FPR_A1, "proximus", 2 },
	};
	struct tlpress_list lv[] = {
		{ "oes-energy", "oes-energy@lists.example", TLPRESS_TLP_AMBER, TLPRESS_AUD_OES_CI, 0,
		  TLPRESS_LIST_EXPAND, NULL, NULL, energy, 2, 0, 0 },
		{ "ccb-partners", "partners@lists.example", TLPRESS_TLP_AMBER_STRICT, 0, 0,
		  TLPRESS_LIST_EXPAND, NULL, NULL, partners, 3, 0, 0 },
		{ "oes-digital", "oes-digital@lists.example", TLPRESS_TLP_AMBER_STRICT,
		  TLPRESS_AUD_OES_CI, 0, TLPRESS_LIST_EXPAND, NULL, NULL, digital, 2, 0, 0 },
		{ "oes-transport", "transport@schleuder.example", TLPRESS_TLP_AMBER, 0, 1,
		  TLPRESS_LIST_KEY, FPR_LA, NULL, NULL, 0, 0, 0 },
		{ "oes-finance", "finance@lists.example", TLPRESS_TLP_GREEN, 0, 0,
		  TLPRESS_LIST_KEY, FPR_LB, NULL, NULL, 0, 0, 0 },
		{ "newsletter", "news@lists.example", TLPRESS_TLP_CLEAR, TLPRESS_AUD_PUBLIC, 0,
		  TLPRESS_LIST_KEY, FPR_LB, NULL, NULL, 0, 0, 0 },
	};
	struct tlpress_lists lists = { lv, sizeof(lv) / sizeof(lv[0]) };
	struct tlpress_mail_plan p = TLPRESS_MAIL_PLAN_INIT;
	const struct tlpress_delivery *x;
	const struct tlpress_mail_refusal *f;
	int calls = 0, rc;

	/* run from the top of the source tree, or with TLPRESS_TOP set to it */
	snprintf(path, sizeof(path), "%s/advisories/CCB-2026-0438.md", top ? top : ".");
	adv = tlpress_advisory_load(path, &d);
	OK(adv && adv->nerrors == 0, "advisories/CCB-2026-0438.md parses (run from the top of the "
	   "tree, or set TLPRESS_TOP)");
	if (!adv)
		return;
	rc = tlpress_policy_mail(adv, tlpress_policy_base_label(adv, &adv->revisions[0].date),
				 &lists, count_calls, &calls, &p);
	INT_EQ(rc, 0, "sample: planned");
	INT_EQ(p.n, 10, "sample: 2 + 3 + 2 members, two list-key lists and the newsletter");
	x = find(&p, "soc@elia.example");
	OK(x && x->clearance == TLPRESS_TLP_AMBER && x->encrypt && !x->notice_only &&
	   !strcmp(x->key_fpr, FPR_A1) && !strcmp(x->via, "oes-energy"),
	   "oes-energy (AMBER, named): its members get AMBER, encrypted to their keys");
	x = find(&p, "a@one.example");
	OK(x && x->clearance == TLPRESS_TLP_AMBER,
	   "ccb-partners (AMBER+STRICT, 3 organizations): AMBER only");
	f = refusal(&p, "TLP:AMBER+STRICT not sent to list ccb-partners: members from 3 organizations");
	OK(f && f->kind == TLPRESS_REFUSED_STRICT_ORGS && f->label == TLPRESS_TLP_AMBER_STRICT &&
	   !strcmp(f->route, "ccb-partners"), "the refusal says so, in those words");
	x = find(&p, "noc@proximus.example");
	OK(x && x->clearance == TLPRESS_TLP_AMBER_STRICT && x->encrypt,
	   "oes-digital (AMBER+STRICT, one organization, case ignored): AMBER+STRICT");
	x = find(&p, "transport@schleuder.example");
	OK(x && x->clearance == TLPRESS_TLP_AMBER && x->encrypt && !strcmp(x->key_fpr, FPR_LA),
	   "oes-transport (list-key): one message to the list, encrypted to the list key");
	x = find(&p, "finance@lists.example");
	OK(x && x->clearance == TLPRESS_TLP_CLEAR && !x->encrypt && !x->key_fpr,
	   "oes-finance (GREEN, named): the GREEN rendition, which here is all CLEAR: plaintext");
	OK(refusal(&p, "TLP:AMBER not sent to list oes-finance: it is cleared for TLP:GREEN only") &&
	   refusal(&p, "TLP:AMBER+STRICT not sent to list oes-finance: it is cleared for TLP:GREEN only"),
	   "oes-finance: each label it does not get is reported");
	x = find(&p, "news@lists.example");
	OK(x && x->clearance == TLPRESS_TLP_CLEAR && !x->encrypt,
	   "newsletter (CLEAR, audience public, advisory for all): the CLEAR rendition");
	f = refusal(&p, "nothing sent to list administrations-ict: no list of that name");
	OK(f && f->kind == TLPRESS_REFUSED_UNKNOWN_LIST, "an unknown list in recipients is reported");
	INT_EQ(calls, 8, "keys asked for the 8 encrypted deliveries only");
	if (p.n != 10)
		dump_plan(&p);
	tlpress_mail_plan_release(&p);
	tlpress_advisory_free(adv);
	tlpress_diags_release(&d);
}

static void overlap_and_keys(void)
{
	struct tlpress_member m1[] = {
		{ "Shared@X.example", FPR_S, "One", 1 },
		{ "only1@x.example", FPR_A1, "One", 2 },
	};
	struct tlpress_member m2[] = {
		{ "shared@x.example", FPR_B1, "One", 1 },
	};
	struct tlpress_list lv[] = {
		{ "one", "one@lists.example", TLPRESS_TLP_GREEN, 0, 0, TLPRESS_LIST_EXPAND, NULL, NULL,
		  m1, 2, 0, 0 },
		{ "two", "two@lists.example", TLPRESS_TLP_AMBER, 0, 1, TLPRESS_LIST_EXPAND, NULL, NULL,
		  m2, 1, 0, 0 },
	};
	struct tlpress_lists lists = { lv, 2 };
	struct tlpress_mail_plan p = TLPRESS_MAIL_PLAN_INIT;
	struct tlpress_advisory *adv = make(TLPRESS_TLP_CLEAR, TLPRESS_TLP_AMBER, "two, shared@x.example",
					    NULL);
	const struct tlpress_delivery *x;
	int calls = 0, st;

	if (!adv)
		return;
	/* the same address in two lists under two fingerprints */
	tlpress_policy_mail(adv, TLPRESS_TLP_CLEAR, &lists, count_calls, &calls, &p);
	INT_EQ(p.n, 2, "overlap: one delivery per address, ASCII case ignored");
	x = find(&p, "shared@x.example");
	OK(x && x->notice_only && !x->encrypt && x->key_state == TLPRESS_KEY_CONFLICT &&
	   x->clearance == TLPRESS_TLP_AMBER,
	   "two lists naming two keys for one address: a notice (key conflict), never a guess");
	OK(x && strstr(x->reason, "the lists name different keys") &&
	   strstr(x->reason, "list one (audience, CLEAR)") &&
	   strstr(x->reason, "list two (") && strstr(x->reason, "recipients (AMBER)"),
	   "the reason names every route");
	INT_EQ(p.nnotices, 1, "one notice counted");
	INT_EQ(calls, 0, "no key asked for: only1 gets CLEAR in plaintext, the other is a conflict");
	x = find(&p, "only1@x.example");
	OK(x && !x->encrypt && x->clearance == TLPRESS_TLP_CLEAR && !x->key_fpr,
	   "a CLEAR rendition to an encrypt: false list goes in plaintext, no key asked");
	tlpress_mail_plan_release(&p);

	/* the same fingerprint: one message, the key of the members file */
	m2[0].fpr = FPR_S;
	st = TLPRESS_KEY_OK;
	tlpress_policy_mail(adv, TLPRESS_TLP_CLEAR, &lists, always, &st, &p);
	x = find(&p, "shared@x.example");
	OK(x && !x->notice_only && x->encrypt && !strcmp(x->key_fpr, FPR_S) &&
	   x->clearance == TLPRESS_TLP_AMBER && !strcmp(x->via, "two"),
	   "overlapping routes: AMBER, encrypted to the members-file key, via the list that gave it");
	OK(x && !strcmp(x->address, "Shared@X.example"), "the first spelling is kept");
	tlpress_mail_plan_release(&p);

	/* a state the policy does not know counts as unusable */
	st = 42;
	tlpress_policy_mail(adv, TLPRESS_TLP_CLEAR, &lists, always, &st, &p);
	x = find(&p, "shared@x.example");
	OK(x && x->notice_only && strstr(x->reason, "key state unknown"),
	   "an unknown key state: a notice, not content");
	tlpress_mail_plan_release(&p);

	/* every bad key state gives a notice that names it */
	for (st = TLPRESS_KEY_MISSING; st <= TLPRESS_KEY_MISMATCH; st++) {
		tlpress_policy_mail(adv, TLPRESS_TLP_CLEAR, &lists, always, &st, &p);
		x = find(&p, "shared@x.example");
		OK(x && x->notice_only && !x->encrypt && x->key_state == st &&
		   strstr(x->reason, tlpress_key_state_text(st)) && p.nnotices == 1,
		   "key state %s: a notice (%s)", key_names[st], tlpress_key_state_text(st));
		tlpress_mail_plan_release(&p);
	}
	tlpress_advisory_free(adv);

	/* encrypt: true makes a CLEAR delivery need a key, and a bad key a notice */
	adv = make(TLPRESS_TLP_CLEAR, -1, NULL, NULL);
	lv[1].encrypt = 1;
	st = TLPRESS_KEY_EXPIRED;
	tlpress_policy_mail(adv, TLPRESS_TLP_CLEAR, &lists, always, &st, &p);
	x = find(&p, "shared@x.example");
	OK(x && x->notice_only && x->clearance == TLPRESS_TLP_CLEAR,
	   "CLEAR through an encrypt: true list with an expired key: a notice, no plaintext");
	x = find(&p, "only1@x.example");
	OK(x && !x->notice_only && !x->encrypt, "the other list's member gets it in plaintext");
	tlpress_mail_plan_release(&p);
	tlpress_advisory_free(adv);
}

static void refusals(void)
{
	struct tlpress_member m[] = {
		{ "a@one.example", FPR_A1, "One", 1 },
		{ "b@one.example", FPR_B1, NULL, 2 },
	};
	struct tlpress_list lv[] = {
		{ "strict", "strict@lists.example", TLPRESS_TLP_AMBER_STRICT, 0, 0, TLPRESS_LIST_EXPAND,
		  NULL, NULL, m, 2, 0, 0 },
		{ "sch", "sch@lists.example", TLPRESS_TLP_AMBER_STRICT, 0, 0, TLPRESS_LIST_KEY,
		  FPR_LA, NULL, NULL, 0, 0, 0 },
		{ "red", "red@lists.example", TLPRESS_TLP_RED, 0, 0, TLPRESS_LIST_KEY,
		  FPR_LB, NULL, NULL, 0, 0, 0 },
	};
	struct tlpress_lists lists = { lv, 3 };
	struct tlpress_mail_plan p = TLPRESS_MAIL_PLAN_INIT;
	struct tlpress_advisory *adv = make(TLPRESS_TLP_RED, -1, "strict, sch, red, boss@x.example",
					    NULL);
	const struct tlpress_delivery *x;
	const struct tlpress_mail_refusal *f;
	int st = TLPRESS_KEY_OK;

	if (!adv)
		return;
	tlpress_policy_mail(adv, TLPRESS_TLP_RED, &lists, always, &st, &p);
	INT_EQ(p.n, 1, "a RED advisory: only the named person");
	x = find(&p, "boss@x.example");
	OK(x && x->clearance == TLPRESS_TLP_RED && x->encrypt && !x->key_fpr &&
	   !strcmp(x->via, "recipients"), "the person gets RED, encrypted to the key of the address");
	f = refusal(&p, "TLP:RED not sent to list red: RED goes to individual addresses only");
	OK(f && f->kind == TLPRESS_REFUSED_RED_LIST,
	   "a list cleared for RED (hand-built: the parser refuses it) still never gets RED");
	OK(refusal(&p, "TLP:RED not sent to list strict") && refusal(&p, "TLP:RED not sent to list sch"),
	   "every named list is told RED");
	tlpress_mail_plan_release(&p);
	tlpress_advisory_free(adv);

	adv = make(TLPRESS_TLP_AMBER_STRICT, -1, "strict, sch, red", NULL);
	tlpress_policy_mail(adv, TLPRESS_TLP_AMBER_STRICT, &lists, always, &st, &p);
	INT_EQ(p.n, 0, "AMBER+STRICT-only advisory, no list fit for it: nobody");
	f = refusal(&p, "TLP:AMBER+STRICT not sent to list strict: members from 2 organizations");
	OK(f != NULL, "a member without organization counts as another organization");
	f = refusal(&p, "TLP:AMBER+STRICT not sent to list sch: a list-key list's members");
	OK(f && f->kind == TLPRESS_REFUSED_STRICT_ORGS, "list-key: organizations unknown");
	OK(refusal(&p, "TLP:AMBER+STRICT not sent to list red: a list-key"),
	   "a hand-built RED list-key list is capped like any list-key list");
	tlpress_mail_plan_release(&p);
	m[1].org = "ONE";
	tlpress_policy_mail(adv, TLPRESS_TLP_AMBER_STRICT, &lists, always, &st, &p);
	OK(p.n == 2 && find(&p, "a@one.example") &&
	   find(&p, "a@one.example")->clearance == TLPRESS_TLP_AMBER_STRICT,
	   "one organization: AMBER+STRICT goes to each member");
	tlpress_mail_plan_release(&p);
	tlpress_advisory_free(adv);

	/* a list whose clearance is below the base label gets nothing, and says so */
	lv[0].tlp = TLPRESS_TLP_GREEN;
	adv = make(TLPRESS_TLP_AMBER, -1, "strict", NULL);
	tlpress_policy_mail(adv, TLPRESS_TLP_AMBER, &lists, always, &st, &p);
	OK(p.n == 0 && refusal(&p, "TLP:AMBER not sent to list strict: it is cleared for TLP:GREEN only"),
	   "an AMBER advisory to a list cleared for GREEN: nothing, reported");
	tlpress_mail_plan_release(&p);
	tlpress_advisory_free(adv);
}

static void hostile(void)
{
	struct tlpress_member m[] = {
		{ "ok@x.example", FPR_A1, "One", 1 },
		{ "evil@x.example\r\nBcc: all@x.example", FPR_B1, "One", 2 },
		{ "badkey@x.example", "not-a-fingerprint", "One", 3 },
	};
	struct tlpress_list lv[] = {
		{ "good", "good@lists.example", TLPRESS_TLP_AMBER, 0, 0, TLPRESS_LIST_EXPAND,
		  NULL, NULL, m, 3, 0, 0 },
		{ "bad\r\nBcc: x@y.example", "bad@lists.example", TLPRESS_TLP_AMBER, 0, 0,
		  TLPRESS_LIST_KEY, FPR_LA, NULL, NULL, 0, 0, 0 },
		{ "inj", "inj@lists.example\nBcc: x@y.example", TLPRESS_TLP_AMBER, 0, 0,
		  TLPRESS_LIST_KEY, FPR_LA, NULL, NULL, 0, 0, 0 },
		{ "nokey", "nokey@lists.example", TLPRESS_TLP_AMBER, 0, 0, TLPRESS_LIST_KEY,
		  NULL, NULL, NULL, 0, 0, 0 },
		{ "weird", "weird@lists.example", (enum tlpress_tlp)9, 0, 0, TLPRESS_LIST_KEY,
		  FPR_LA, NULL, NULL, 0, 0, 0 },
	};
	struct tlpress_lists lists = { lv, 5 };
	struct tlpress_mail_plan p = TLPRESS_MAIL_PLAN_INIT;
	struct tlpress_advisory *adv = make(TLPRESS_TLP_AMBER, -1, "good, inj, nokey, weird, p@x.example",
					    NULL);
	int st = TLPRESS_KEY_OK;
	size_t i;

	if (!adv)
		return;
	/* a recipient smuggled past the parser */
	free(adv->recipients[4]);
	adv->recipients[4] = strdup("p@x.example\r\nBcc: all@x.example");
	tlpress_policy_mail(adv, TLPRESS_TLP_AMBER, &lists, always, &st, &p);
	INT_EQ(p.n, 1, "hostile input: only the sound member gets mail");
	OK(p.n && !strcmp(p.v[0].address, "ok@x.example"), "it is ok@x.example");
	for (i = 0; i < p.n; i++)
		OK(!strpbrk(p.v[i].address, "\r\n"), "no CR or LF in a delivery address");
	OK(refusal(&p, "nothing sent to a member of list good (line 2): its address is malformed"),
	   "a member address with CRLF: refused, reported with its line");
	OK(refusal(&p, "nothing sent to a member of list good (line 3): its fingerprint"),
	   "a member with a malformed fingerprint: refused");
	OK(refusal(&p, "nothing sent to list 'bad\\x0D\\x0ABcc: x@y.example': its name is not a list name"),
	   "a list name with CRLF: the list is left out");
	for (i = 0; i < p.nrefused; i++)
		OK(!strpbrk(p.refused[i].route, "\r\n"), "refused route %zu is printable: %s", i,
		   p.refused[i].route);
	OK(refusal(&p, "nothing sent to list 'inj': its address is not a plain"),
	   "a list address with LF: left out");
	OK(refusal(&p, "nothing sent to list 'nokey': its 'key' is not a fingerprint"),
	   "a list-key list without key: left out");
	OK(refusal(&p, "nothing sent to list 'weird': its 'tlp' is not a label"),
	   "a list whose label is out of range: left out");
	OK(refusal(&p, "nothing sent to recipient '") && refusal(&p, "': its address is malformed"),
	   "a recipient with CRLF: refused");
	tlpress_mail_plan_release(&p);
	tlpress_advisory_free(adv);
}

static void usage(void)
{
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_advisory *adv = make(TLPRESS_TLP_CLEAR, -1, NULL, NULL);
	struct tlpress_advisory *draft = make(TLPRESS_TLP_CLEAR, -1, NULL, "status: draft\n");
	struct tlpress_mail_plan p = TLPRESS_MAIL_PLAN_INIT;
	const char *src = "---\nid: CCB-2026-0001\ntitle: x\ntlp: CLEAR\nbogus: 1\n"
		"revisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, summary: x}]\n---\nx\n";
	struct tlpress_advisory *broken = tlpress_advisory_parse("CCB-2026-0001.md", src, strlen(src), &d);
	struct tlpress_advisory *front = tlpress_advisory_parse_ex("CCB-2026-0001.md", src, strlen(src),
								    TLPRESS_PARSE_FRONT_ONLY, &d);
	int st = TLPRESS_KEY_OK;

	INT_EQ(tlpress_policy_mail(adv, TLPRESS_TLP_CLEAR, NULL, NULL, NULL, &p), TLPRESS_EUSAGE,
	       "no key callback: refused");
	INT_EQ(tlpress_policy_mail(adv, (enum tlpress_tlp)7, NULL, always, &st, &p), TLPRESS_EUSAGE,
	       "a base that is not a label: refused");
	INT_EQ(tlpress_policy_mail(NULL, TLPRESS_TLP_CLEAR, NULL, always, &st, &p), TLPRESS_EUSAGE,
	       "no advisory: refused");
	INT_EQ(tlpress_policy_mail(draft, TLPRESS_TLP_CLEAR, NULL, always, &st, &p), TLPRESS_EPOLICY,
	       "a draft is never mailed");
	INT_EQ(tlpress_policy_mail(broken, TLPRESS_TLP_CLEAR, NULL, always, &st, &p), TLPRESS_EPOLICY,
	       "an advisory with errors is never mailed");
	if (front) {
		front->nerrors = 0;
		INT_EQ(tlpress_policy_mail(front, TLPRESS_TLP_CLEAR, NULL, always, &st, &p),
		       TLPRESS_EUSAGE, "a front-matter-only parse cannot be cut: refused");
	}
	INT_EQ(tlpress_policy_mail(adv, TLPRESS_TLP_CLEAR, NULL, always, &st, &p), 0,
	       "no lists, no recipients: nothing to do");
	INT_EQ(p.n + p.nrefused, 0, "an empty plan");
	tlpress_mail_plan_release(&p);
	tlpress_advisory_free(adv);
	tlpress_advisory_free(draft);
	tlpress_advisory_free(broken);
	tlpress_advisory_free(front);
	tlpress_diags_release(&d);
}

static void downgrade(void)
{
	struct tlpress_member m[] = { { "m@x.example", FPR_A1, "One", 1 } };
	struct tlpress_list lv[] = {
		{ "green", "green@lists.example", TLPRESS_TLP_GREEN, 0, 0, TLPRESS_LIST_EXPAND, NULL,
		  NULL, m, 1, 0, 0 },
	};
	struct tlpress_lists lists = { lv, 1 };
	struct tlpress_mail_plan p = TLPRESS_MAIL_PLAN_INIT;
	struct tlpress_advisory *adv = make(TLPRESS_TLP_AMBER, -1, "p@x.example",
		"tlp_downgrade: {to: CLEAR, at: 2026-12-01T09:00:00+01:00, approved_by: A. Janssens}\n");
	struct tlpress_time before, after;
	const struct tlpress_delivery *x;
	int st = TLPRESS_KEY_OK;

	if (!adv)
		return;
	tlpress_time_parse("2026-12-01T07:59:59Z", 20, &before);
	tlpress_time_parse("2026-12-01T08:00:00Z", 20, &after);
	tlpress_policy_mail(adv, tlpress_policy_base_label(adv, &before), &lists, always, &st, &p);
	OK(p.n == 1 && find(&p, "p@x.example") &&
	   find(&p, "p@x.example")->clearance == TLPRESS_TLP_AMBER,
	   "before the downgrade: the named person only, AMBER");
	tlpress_mail_plan_release(&p);
	tlpress_policy_mail(adv, tlpress_policy_base_label(adv, &after), &lists, always, &st, &p);
	x = find(&p, "m@x.example");
	OK(p.n == 2 && x && x->clearance == TLPRESS_TLP_CLEAR && !x->encrypt,
	   "after it: the GREEN list gets the (now CLEAR) advisory in plaintext");
	x = find(&p, "p@x.example");
	OK(x && x->clearance == TLPRESS_TLP_CLEAR && x->encrypt,
	   "and the named person still gets it encrypted");
	tlpress_mail_plan_release(&p);
	tlpress_advisory_free(adv);
}

int main(void)
{
	int i;

	for (i = 0; i < NKEY; i++)
		OK(strcmp(tlpress_key_state_text(i), "key state unknown") != 0, "key state %s has words",
		   key_names[i]);
	sample();
	overlap_and_keys();
	refusals();
	hostile();
	usage();
	downgrade();
	table();
	return harness_done();
}
