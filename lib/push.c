/* push.c - plan and carry out the push of a tree to a target; see push.h */
#include "push.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "fsutil.h"
#include "policy.h"
#include "site.h"
#include "transport.h"

static int add_step(struct tlpress_push_plan *p, enum tlpress_push_phase phase,
		    const char *path, unsigned long long size, const unsigned char *sha,
		    int tmp_too, const char *why)
{
	struct tlpress_push_step *s;

	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 64;
		struct tlpress_push_step *nv = realloc(p->v, nc * sizeof(*nv));

		if (!nv)
			return TLPRESS_ENOMEM;
		p->v = nv;
		p->cap = nc;
	}
	s = &p->v[p->n];
	memset(s, 0, sizeof(*s));
	s->path = strdup(path);
	if (!s->path)
		return TLPRESS_ENOMEM;
	p->n++;
	s->phase = phase;
	s->size = size;
	if (sha)
		memcpy(s->sha256, sha, TLPRESS_SHA256_LEN);
	s->tmp_too = tmp_too;
	s->why = why;
	if (phase == TLPRESS_PUSH_DELETE_RESTRICTED || phase == TLPRESS_PUSH_DELETE_STALE) {
		p->ndelete++;
		if (phase == TLPRESS_PUSH_DELETE_RESTRICTED)
			p->nrestricted++;
	} else {
		p->nput++;
		p->put_bytes += size;
	}
	return 0;
}

/* Both arrays are sorted by their leading `char slug[64]`. */
static int cmp_slug(const void *key, const void *elem)
{
	return strcmp(key, elem);
}

static const struct tlpress_push_adv *find_now(const struct tlpress_push_adv *v, size_t n,
					       const char *slug)
{
	return n ? bsearch(slug, v, n, sizeof(*v), cmp_slug) : NULL;
}

static const struct tlpress_jadv *find_was(const struct tlpress_jadv *v, size_t n,
					   const char *slug)
{
	return n ? bsearch(slug, v, n, sizeof(*v), cmp_slug) : NULL;
}

/* Does the rendition now cut something it did not cut when it was pushed? */
static int newly_restricted(const struct tlpress_push_adv *a, const struct tlpress_jadv *w)
{
	if (a->ncut <= 0)
		return 0;
	return !w || !w->has_cuts || memcmp(w->cutsig, a->cutsig, TLPRESS_SHA256_LEN) != 0;
}

/* Is the target's copy r the same bytes as the local entry l? */
static int same(const struct tlpress_mentry *r, const struct tlpress_mentry *l)
{
	return r && l && !r->mark && r->size == l->size &&
	       !memcmp(r->sha256, l->sha256, TLPRESS_SHA256_LEN);
}

static enum tlpress_push_phase put_phase(const char *path)
{
	char slug[64];

	if (!strcmp(path, TLPRESS_MANIFEST_NAME) || !strcmp(path, TLPRESS_MANIFEST_NAME ".asc"))
		return TLPRESS_PUSH_PUT_MANIFEST;
	if (!tlpress_site_advisory_slug(path, slug, sizeof(slug)))
		return TLPRESS_PUSH_PUT_ADVISORY;
	if (tlpress_site_listing_file(path))
		return TLPRESS_PUSH_PUT_LISTING;
	return TLPRESS_PUSH_PUT_OTHER;
}

int tlpress_push_plan(struct tlpress_manifest *local, struct tlpress_manifest *remote,
		      const struct tlpress_push_adv *now, size_t nnow,
		      const struct tlpress_jadv *was, size_t nwas, int build_ok,
		      struct tlpress_push_plan *plan)
{
	unsigned char *gone = NULL;  /* remote entries deleted in phase 1 */
	size_t i;
	int withdrawn = 0, rc = 0, ph;

	tlpress_manifest_sort(local);
	tlpress_manifest_sort(remote);
	gone = calloc(remote->n ? remote->n : 1, 1);
	if (!gone)
		return TLPRESS_ENOMEM;

	/* phase 1: what the target must no longer show */
	for (i = 0; i < remote->n && !rc; i++) {
		const struct tlpress_mentry *r = &remote->v[i];
		const struct tlpress_push_adv *a;
		char slug[64];

		if (tlpress_site_advisory_slug(r->path, slug, sizeof(slug)))
			continue;
		a = find_now(now, nnow, slug);
		if (!a) {
			rc = add_step(plan, TLPRESS_PUSH_DELETE_RESTRICTED, r->path, 0, NULL,
				      r->mark, "withdrawn");
			gone[i] = 1;
			withdrawn = 1;
		} else if (newly_restricted(a, find_was(was, nwas, slug)) &&
			   !same(r, tlpress_manifest_find(local, r->path))) {
			rc = add_step(plan, TLPRESS_PUSH_DELETE_RESTRICTED, r->path, 0, NULL,
				      r->mark, "restricted");
			gone[i] = 1;
			withdrawn = 1;
		}
	}
	for (i = 0; i < remote->n && !rc && withdrawn; i++) {
		const struct tlpress_mentry *r = &remote->v[i];
		char slug[64];

		if (gone[i] || !tlpress_site_advisory_slug(r->path, slug, sizeof(slug)) ||
		    !tlpress_site_listing_file(r->path) ||
		    same(r, tlpress_manifest_find(local, r->path)))
			continue;
		rc = add_step(plan, TLPRESS_PUSH_DELETE_RESTRICTED, r->path, 0, NULL, r->mark,
			      "lists withdrawn");
		gone[i] = 1;
	}
	if (!build_ok || rc)
		goto out;

	/* phases 2 to 5: what is new or changed, in order */
	for (ph = TLPRESS_PUSH_PUT_ADVISORY; ph <= TLPRESS_PUSH_PUT_MANIFEST && !rc; ph++) {
		for (i = 0; i < local->n && !rc; i++) {
			const struct tlpress_mentry *l = &local->v[i];
			struct tlpress_mentry *r;

			if (put_phase(l->path) != (enum tlpress_push_phase)ph)
				continue;
			int was_gone = 0;

			r = tlpress_manifest_find(remote, l->path);
			if (r && gone[r - remote->v]) {
				r = NULL;
				was_gone = 1;
			}
			if (same(r, l))
				continue;
			rc = add_step(plan, (enum tlpress_push_phase)ph, l->path, l->size, l->sha256,
				      0, was_gone ? "replaced" : r ? "changed" : "new");
		}
	}
	/* phase 6: the rest of what the tree no longer has */
	for (i = 0; i < remote->n && !rc; i++) {
		const struct tlpress_mentry *r = &remote->v[i];

		if (!gone[i] && !tlpress_manifest_find(local, r->path))
			rc = add_step(plan, TLPRESS_PUSH_DELETE_STALE, r->path, 0, NULL, r->mark,
				      "stale");
	}
out:
	free(gone);
	return rc ? TLPRESS_ENOMEM : 0;
}

void tlpress_push_plan_release(struct tlpress_push_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->n; i++)
		free(plan->v[i].path);
	free(plan->v);
	memset(plan, 0, sizeof(*plan));
}

static void wait_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0)
		;
}

/* One request, retried while the failure may pass. */
static int with_retries(const struct tlpress_push_opts *o, const struct tlpress_push_step *s,
			const struct tlpress_buf *data, struct tlpress_push_stats *st,
			struct tlpress_error *err)
{
	long delay = o->backoff_ms > 0 ? o->backoff_ms : 0;
	int tries = 0, rc;

	for (;;) {
		if (data) {
			rc = tlpress_transport_put(o->t, s->path, data->ptr, data->len, err);
		} else {
			rc = tlpress_transport_delete(o->t, s->path, err);
			if (!rc && s->tmp_too)
				rc = tlpress_transport_delete_tmp(o->t, s->path, err);
		}
		st->retryable = rc == TLPRESS_ENET && tlpress_transport_retryable(o->t);
		if (!rc || !st->retryable || tries >= o->retries)
			break;
		tries++;
		wait_ms(delay);
		delay = delay * 2 > 60000 ? 60000 : delay * 2;
	}
	if (rc && tries) {
		size_t n = strlen(err->msg);

		snprintf(err->msg + n, sizeof(err->msg) - n, " (%d tr%s)", tries + 1,
			 tries + 1 == 1 ? "y" : "ies");
	}
	return rc;
}

static int is_put(enum tlpress_push_phase ph)
{
	return ph != TLPRESS_PUSH_DELETE_RESTRICTED && ph != TLPRESS_PUSH_DELETE_STALE;
}

int tlpress_push_run(const struct tlpress_push_opts *o, const struct tlpress_push_plan *plan,
		     struct tlpress_push_stats *st, struct tlpress_error *err)
{
	struct tlpress_buf full = TLPRESS_BUF_INIT, data = TLPRESS_BUF_INIT;
	char **paths = NULL;
	size_t i, k;
	int rc = 0;

	memset(st, 0, sizeof(*st));
	paths = calloc(plan->n ? plan->n : 1, sizeof(*paths));
	if (!paths)
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	for (i = 0; i < plan->n && !rc; i++) {
		const struct tlpress_push_step *s = &plan->v[i];

		if (is_put(s->phase) && (i == 0 || plan->v[i - 1].phase != s->phase)) {
			/* journal the phase's uploads before the first byte leaves */
			size_t n = 0;

			for (k = i; k < plan->n && plan->v[k].phase == s->phase; k++)
				paths[n++] = plan->v[k].path;
			rc = tlpress_journal_remote_pending(o->j, o->target, paths, n, err);
			if (rc)
				break;
		}
		if (is_put(s->phase)) {
			unsigned char sha[TLPRESS_SHA256_LEN];

			tlpress_path_join(&full, o->root, s->path);
			tlpress_buf_reset(&data);
			rc = tlpress_read_file(full.ptr, s->size + 1, &data, NULL, err);
			if (!rc) {
				tlpress_sha256(data.ptr, data.len, sha);
				if (data.len != s->size || memcmp(sha, s->sha256, sizeof(sha)))
					rc = tlpress_error_set(err, TLPRESS_EIO, "'%s' changed after "
							       "the build; nothing more was pushed: "
							       "run again", full.ptr);
			}
			if (!rc)
				rc = with_retries(o, s, &data, st, err);
			if (!rc)
				rc = tlpress_journal_remote_done(o->j, o->target, s->path, s->size,
								 s->sha256, err);
			if (!rc) {
				st->put++;
				st->bytes += s->size;
			}
		} else {
			rc = with_retries(o, s, NULL, st, err);
			if (!rc)
				rc = tlpress_journal_remote_gone(o->j, o->target, s->path, err);
			if (!rc)
				st->deleted++;
		}
		if (!rc)
			st->done++;
		if (o->step_done)
			o->step_done(o->ctx, s, rc == 0, err);
		if (o->progress)
			o->progress(o->ctx, st->done, plan->n, st->bytes);
	}
	free(paths);
	tlpress_buf_release(&full);
	tlpress_buf_release(&data);
	return rc;
}

int tlpress_push_fetch_manifest(struct tlpress_transport *t, struct tlpress_manifest *m,
				struct tlpress_error *err)
{
	struct tlpress_buf text = TLPRESS_BUF_INIT;
	unsigned char sha[TLPRESS_SHA256_LEN], zero[TLPRESS_SHA256_LEN];
	int missing = 0, rc;

	tlpress_buf_init(&text, (size_t)64 << 20);
	rc = tlpress_transport_get(t, TLPRESS_MANIFEST_NAME, &text, &missing, err);
	if (!rc && !missing) {
		struct tlpress_buf name = TLPRESS_BUF_INIT;

		tlpress_buf_printf(&name, "%s%s", tlpress_transport_url(t), TLPRESS_MANIFEST_NAME);
		rc = tlpress_manifest_parse(m, text.ptr, text.len, name.ptr, err);
		tlpress_buf_release(&name);
		if (!rc && tlpress_policy_tree_overwrite_ok(m->clearance, TLPRESS_TLP_CLEAR))
			rc = tlpress_error_set(err, TLPRESS_EPOLICY, "%s%s says it holds a tree "
					       "cleared for %s: only the public (TLP:CLEAR) site is "
					       "pushed, and never over another tree; check "
					       "'site.target'", tlpress_transport_url(t),
					       TLPRESS_MANIFEST_NAME, m->clearance);
		if (!rc) {
			tlpress_sha256(text.ptr, text.len, sha);
			memset(zero, 0, sizeof(zero));
			if (tlpress_manifest_add(m, TLPRESS_MANIFEST_NAME, text.len, sha) ||
			    tlpress_manifest_add(m, TLPRESS_MANIFEST_NAME ".asc", 0, zero))
				rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
			else
				tlpress_manifest_find(m, TLPRESS_MANIFEST_NAME ".asc")->mark = 1;
		}
	}
	tlpress_buf_release(&text);
	return rc;
}

int tlpress_push_seed(struct tlpress_transport *t, struct tlpress_journal *j, const char *target,
		      struct tlpress_error *err)
{
	struct tlpress_manifest m = TLPRESS_MANIFEST_INIT;
	int rc = tlpress_push_fetch_manifest(t, &m, err);

	if (!rc)
		rc = tlpress_journal_remote_seed(j, target, &m, err);
	tlpress_manifest_release(&m);
	return rc;
}
