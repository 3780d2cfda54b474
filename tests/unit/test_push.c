/*
 * test_push.c - the push plan (lib/push.h): which files go, in which order
 *
 * The plan is a pure function; here it is checked on named cases and then
 * exhaustively over every combination of, for two advisories and the
 * listings: on the target or not, confirmed or not, changed or not,
 * published or not, cut or not, cut before or not.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "push.h"

static void sha_of(int v, unsigned char out[TLPRESS_SHA256_LEN])
{
	memset(out, 0, TLPRESS_SHA256_LEN);
	out[0] = (unsigned char)v;
	out[1] = 0x5a;
}

static void add(struct tlpress_manifest *m, const char *path, int v, int mark)
{
	unsigned char sha[TLPRESS_SHA256_LEN];

	sha_of(v, sha);
	tlpress_manifest_add(m, path, 100 + (unsigned)v, sha);
	tlpress_manifest_sort(m);
	tlpress_manifest_find(m, path)->mark = mark;
}

static const struct tlpress_push_step *step(const struct tlpress_push_plan *p, const char *path,
					    int del)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		int d = p->v[i].phase == TLPRESS_PUSH_DELETE_RESTRICTED ||
			p->v[i].phase == TLPRESS_PUSH_DELETE_STALE;

		if (d == del && !strcmp(p->v[i].path, path))
			return &p->v[i];
	}
	return NULL;
}

static size_t index_of(const struct tlpress_push_plan *p, const struct tlpress_push_step *s)
{
	return (size_t)(s - p->v);
}

static void named_cases(void)
{
	struct tlpress_manifest local = TLPRESS_MANIFEST_INIT, remote = TLPRESS_MANIFEST_INIT;
	struct tlpress_push_plan p = TLPRESS_PUSH_PLAN_INIT;
	struct tlpress_push_adv now[2];
	struct tlpress_jadv was[3];
	const struct tlpress_push_step *s, *t;
	size_t i;

	memset(now, 0, sizeof(now));
	memset(was, 0, sizeof(was));
	/* a: unchanged; b: withdrawn; c: new */
	strcpy(now[0].slug, "a-1");
	strcpy(now[1].slug, "c-3");
	strcpy(was[0].slug, "a-1");
	strcpy(was[1].slug, "b-2");
	add(&remote, "advisories/a-1.html", 1, 0);
	add(&remote, "advisories/a-1.html.asc", 2, 0);
	add(&remote, "advisories/b-2.html", 3, 0);
	add(&remote, "cvrf/b-2.xml", 4, 1);           /* upload never confirmed */
	add(&remote, "index.html", 5, 0);
	add(&remote, "style.css", 6, 0);
	add(&remote, "old.css", 7, 0);
	add(&remote, "manifest.txt", 8, 0);
	add(&remote, "manifest.txt.asc", 9, 0);
	add(&local, "advisories/a-1.html", 1, 0);
	add(&local, "advisories/a-1.html.asc", 2, 0);
	add(&local, "advisories/c-3.html", 10, 0);
	add(&local, "advisories/c-3.html.asc", 11, 0);
	add(&local, "index.html", 12, 0);
	add(&local, "style.css", 6, 0);
	add(&local, "openpgp/KEY.asc", 13, 0);
	add(&local, "manifest.txt", 14, 0);
	add(&local, "manifest.txt.asc", 15, 0);
	INT_EQ(tlpress_push_plan(&local, &remote, now, 2, was, 2, 1, &p), 0, "plan: withdrawn, new, stale");
	s = step(&p, "advisories/b-2.html", 1);
	OK(s && s->phase == TLPRESS_PUSH_DELETE_RESTRICTED && !strcmp(s->why, "withdrawn"),
	   "a withdrawn advisory's page is a restricted deletion");
	s = step(&p, "cvrf/b-2.xml", 1);
	OK(s && s->phase == TLPRESS_PUSH_DELETE_RESTRICTED && s->tmp_too,
	   "an unconfirmed upload is deleted with its temporary name");
	s = step(&p, "index.html", 1);
	OK(s && s->phase == TLPRESS_PUSH_DELETE_RESTRICTED && !strcmp(s->why, "lists withdrawn"),
	   "the index that named it goes first too");
	s = step(&p, "manifest.txt", 1);
	OK(s && s->phase == TLPRESS_PUSH_DELETE_RESTRICTED, "and the manifest that listed it");
	OK(!step(&p, "style.css", 1) && !step(&p, "style.css", 0), "an unchanged style sheet is left alone");
	OK(!step(&p, "advisories/a-1.html", 0) && !step(&p, "advisories/a-1.html", 1),
	   "an unchanged advisory is left alone");
	s = step(&p, "old.css", 1);
	OK(s && s->phase == TLPRESS_PUSH_DELETE_STALE && s == &p.v[p.n - 1],
	   "a stale file that names nothing goes last of all");
	s = step(&p, "advisories/c-3.html", 0);
	t = step(&p, "advisories/c-3.html.asc", 0);
	OK(s && t && s->phase == TLPRESS_PUSH_PUT_ADVISORY && index_of(&p, s) + 1 == index_of(&p, t),
	   "a new page goes up followed by its signature");
	s = step(&p, "openpgp/KEY.asc", 0);
	OK(s && s->phase == TLPRESS_PUSH_PUT_OTHER, "the key is an 'other' file");
	s = step(&p, "index.html", 0);
	OK(s && s->phase == TLPRESS_PUSH_PUT_LISTING && !strcmp(s->why, "replaced"),
	   "the index is uploaded again after its deletion");
	s = step(&p, "manifest.txt", 0);
	t = step(&p, "manifest.txt.asc", 0);
	OK(s && t && index_of(&p, t) == index_of(&p, s) + 1 && t->phase == TLPRESS_PUSH_PUT_MANIFEST &&
	   index_of(&p, t) + 2 == p.n, "the manifest and its signature are the last uploads");
	for (i = 1; i < p.n; i++)
		if (p.v[i].phase < p.v[i - 1].phase)
			break;
	INT_EQ(i, p.n, "the phases come in order");
	INT_EQ(p.nrestricted, 5, "five restricted deletions (page, CVRF, index, manifest, its signature)");
	tlpress_push_plan_release(&p);

	/* the build failed: deletions of phase 1 only */
	INT_EQ(tlpress_push_plan(&local, &remote, now, 2, was, 2, 0, &p), 0, "plan after a failed build");
	for (i = 0; i < p.n; i++)
		if (p.v[i].phase != TLPRESS_PUSH_DELETE_RESTRICTED)
			break;
	OK(i == p.n && p.n == 5, "holds the restricted deletions and nothing else (%zu steps)", p.n);
	tlpress_push_plan_release(&p);
	tlpress_manifest_release(&local);
	tlpress_manifest_release(&remote);
}

/*
 * Every combination for advisory x (files advisories/x.html and its .asc):
 * remote: absent / present same / present different / unconfirmed;
 * local: published or not; cut now: no / yes, same as before / yes, new;
 * pushed before: no / yes without cuts / yes with the same cuts.
 * Checked: the invariants of push.h.
 */
static void exhaustive(void)
{
	int rstate, pub, cutnow, before, changed;
	size_t cases = 0, bad = 0;

	for (rstate = 0; rstate < 4; rstate++)
	for (pub = 0; pub < 2; pub++)
	for (cutnow = 0; cutnow < 3; cutnow++)
	for (before = 0; before < 3; before++)
	for (changed = 0; changed < 2; changed++) {
		struct tlpress_manifest local = TLPRESS_MANIFEST_INIT, remote = TLPRESS_MANIFEST_INIT;
		struct tlpress_push_plan p = TLPRESS_PUSH_PLAN_INIT;
		struct tlpress_push_adv now;
		struct tlpress_jadv was;
		const struct tlpress_push_step *del, *put, *ldel;
		int ok = 1, raised, sameb, first_put = -1;
		size_t i;

		memset(&now, 0, sizeof(now));
		memset(&was, 0, sizeof(was));
		strcpy(now.slug, "x-1");
		strcpy(was.slug, "x-1");
		now.ncut = cutnow ? 1 : 0;
		sha_of(cutnow == 2 ? 77 : 66, now.cutsig);
		was.has_cuts = before == 2;
		sha_of(66, was.cutsig);
		if (rstate) {
			add(&remote, "advisories/x-1.html", rstate == 1 ? 1 : 2, rstate == 3);
			add(&remote, "index.html", 5, 0);
		}
		if (pub) {
			add(&local, "advisories/x-1.html", changed ? 2 : 1, 0);
			add(&local, "index.html", changed ? 6 : 5, 0);
		} else {
			add(&local, "index.html", 6, 0);
		}
		if (tlpress_push_plan(&local, &remote, &now, pub ? 1 : 0, &was, before ? 1 : 0, 1, &p)) {
			bad++;
			continue;
		}
		cases++;
		del = step(&p, "advisories/x-1.html", 1);
		put = step(&p, "advisories/x-1.html", 0);
		ldel = step(&p, "index.html", 1);
		raised = pub && cutnow && !(before == 2 && cutnow == 1);
		/* the target has the very bytes of the local file */
		sameb = (rstate == 1 && !changed) || (rstate == 2 && changed);
		for (i = 0; i < p.n; i++) {
			if (p.v[i].phase != TLPRESS_PUSH_DELETE_RESTRICTED && first_put < 0 &&
			    p.v[i].phase != TLPRESS_PUSH_DELETE_STALE)
				first_put = (int)i;
			if (p.v[i].phase == TLPRESS_PUSH_DELETE_RESTRICTED && first_put >= 0)
				ok = 0; /* a restricted deletion after an upload */
			if (i && p.v[i].phase < p.v[i - 1].phase)
				ok = 0;
		}
		/* not published, on the target: deleted first */
		if (!pub && rstate && (!del || del->phase != TLPRESS_PUSH_DELETE_RESTRICTED))
			ok = 0;
		/* and then the listing that named it, when it changes */
		if (!pub && rstate && !ldel)
			ok = 0;
		/* published, bytes differ or unknown there, newly cut: deleted first */
		if (raised && rstate && !sameb &&
		    (!del || del->phase != TLPRESS_PUSH_DELETE_RESTRICTED))
			ok = 0;
		/* no cut added: a changed file is replaced, never deleted */
		if (pub && !raised && del)
			ok = 0;
		/* published and not the same bytes there: uploaded */
		if (pub && !sameb && !put)
			ok = 0;
		if (pub && sameb && (put || del))
			ok = 0;
		if (!pub && put)
			ok = 0;
		/* an unconfirmed file's deletion takes its temporary name */
		if (del && rstate == 3 && !del->tmp_too)
			ok = 0;
		if (!ok) {
			bad++;
			DIAG("case remote=%d pub=%d cutnow=%d before=%d changed=%d:", rstate, pub,
			     cutnow, before, changed);
			for (i = 0; i < p.n; i++)
				DIAG("  %d %s %s", p.v[i].phase, p.v[i].path, p.v[i].why);
		}
		tlpress_push_plan_release(&p);
		tlpress_manifest_release(&local);
		tlpress_manifest_release(&remote);
	}
	INT_EQ(bad, 0, "all %zu combinations keep the order and the deletions of push.h", cases);
}

int main(void)
{
	named_cases();
	exhaustive();
	return harness_done();
}
