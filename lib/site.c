/* site.c - build a published tree; see site.h */
#include "site.h"

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "advisory.h"
#include "arena.h"
#include "bcache.h"
#include "csaf.h"
#include "cvrf.h"
#include "bigmem.h"
#include "buf.h"
#include "fsutil.h"
#include "hash.h"
#include "manifest.h"
#include "policy.h"
#include "render.h"
#include "rendition.h"
#include "scan.h"
#include "sign.h"
#include "snapshot.h"
#include "strutil.h"
#include "template.h"

/* one file of the tree, as a worker made it */
struct out {
	char *path;
	unsigned long long size;
	unsigned char sha256[TLPRESS_SHA256_LEN];
};

#define MAX_OUTS 12

/* what pass 1 learns of each file, and what publishing makes of it (in
 * pass 1 when it was published early, else in pass 2) */
struct item {
	char *path;
	char *id;
	char slug[64];
	enum tlpress_verdict verdict;
	int dup;                     /* its id is claimed by another file */
	/* publishing, filled by the worker that took it */
	int refused;                 /* the full parse found an error */
	struct tlpress_diags diags;
	struct out *outs;            /* its files: outcap places in the build's
					outs (pool_outs()), else grown as they come */
	size_t nouts, outcap, written, unchanged, removed;
	int pooled;                  /* outs are the build's, outcap places */
	int borrowed;                /* the paths of outs, and the strings of
					meta, are its cache row's (reuse()) */
	int has_meta;
	struct tlpress_pubmeta meta;
	int csaf;                    /* outs[csaf - 1] is its CSAF document */
	unsigned char csaf_sha512[TLPRESS_SHA512_LEN];
	int rc;
	struct tlpress_error *err;   /* during pass 2 the worker's; after a
					failure a copy (a kilobyte each: not kept
					for every item) */
	/* for the report */
	struct tlpress_time embargo;
	int has_downgrade;
	struct tlpress_time downgrade_at;
	enum tlpress_tlp downgrade_to, tlp, label;
	int rendered, ncut;
	unsigned char cutsig[32];
	unsigned char shown[TLPRESS_SHA256_LEN]; /* shown_digest() of its meta */
	/* the build cache */
	long long size, mtime_ns, ino, computed_at, valid_until;
	int stat_known;              /* size, mtime_ns and ino from the snapshot's
					digest: 1, or -1 when it could not stat */
	const struct tlpress_bcache_entry *cached; /* pass 1 took its decision from here */
	int reused;                  /* pass 2 took its files from here */
	int early;                   /* published by pass 1, from the one read
					that decided it (early_pays()) */
	int meta_shared;             /* meta's strings are also b->metas' until
					the rows are put (rows_finish()) */
};

/* A listing's row of the cache, put after the items' (rows_finish()) */
struct pending_row {
	const char *row;
	char *outs;                  /* its files, or NULL: the row holds */
	char digest[2 * TLPRESS_SHA256_LEN + 1];
};

/* The renditions written for every published advisory. */
static const struct tlpress_renderer *const renderers[] = {
	&tlpress_render_html,
	&tlpress_render_cvrf,
	&tlpress_render_csaf,
};
#define NRENDERERS (sizeof(renderers) / sizeof(renderers[0]))

struct build {
	const struct tlpress_build_opts *o;
	struct tlpress_build_stats *st;
	struct tlpress_diags *d;
	struct tlpress_error *err;
	struct tlpress_tmplset *tmpl;
	struct tlpress_manifest old, new;
	struct item *items;          /* (bigmem.h: the *_len fields) */
	size_t nitems, items_len;
	struct out *outs;            /* the items' places for their files, from
					pass 2 on (pass2()) */
	size_t outs_len;
	struct tlpress_pubmeta *metas;
	size_t nmetas, metas_len, csaf_len;
	char **expected;             /* slugs of publishable advisories */
	size_t nexpected, near;      /* (unpublishable_file()'s last place) */
	struct tlpress_csaf_entry *csaf; /* the CSAF documents written */
	size_t ncsaf;
	/* the workers of pass 1 and pass 2 */
	atomic_size_t next;
	atomic_int stop;
	atomic_int early_ok;         /* pass 1 may publish (early_pays()) */
	atomic_size_t nearly;        /* how many it did */
	struct tlpress_flusher *flush; /* tlpress_flusher_start(), or NULL */
	/* signing */
	const char *signer_fpr;      /* NULL for an unsigned tree */
	int resign;                  /* the key changed: sign everything */
	atomic_size_t signatures;
	/* the build cache, or NULL */
	struct tlpress_bcache *cache;
	struct tlpress_bcache *spent; /* one no longer written to (it failed),
					kept open for the strings lent from it */
	char **live;                 /* the paths it keeps rows for (borrowed) */
	size_t nlive;
	/* the items' rows, put on a thread of their own (rows_start()) */
	pthread_t rows_thread;
	int rows_running;
	int rows_failed;             /* 1: a put failed; < 0: an error */
	struct tlpress_error rows_err;
	struct tlpress_buf rows_scratch;
	struct pending_row pending[3];
	size_t npending;
	struct tlpress_buf mtext;    /* scratch: a meta's text */
	/* what the listings are made of, in parts the cache keeps while their
	 * digest stays the same (listings()): the index (every advisory's
	 * metadata but its summary) and the CSAF provider's files (each CSAF
	 * document's path, id, title, label and dates); the feed's is made
	 * when its entries are known */
	struct tlpress_sha256_ctx lhash, chash;
	unsigned char fp[TLPRESS_SHA256_LEN]; /* the fingerprint (with a state folder) */
	struct tlpress_tree *tree;   /* the output folder, held open */
	size_t withdrawals;          /* files of what is no longer publishable */
	struct tlpress_snapshot_fstat *fstat; /* the advisory files' stat, in scan
					order, when a digest was made */
	int intact;                  /* the tree is as the last build left it
					(snapshot.h) and nothing was removed
					yet: its manifest says what is there */
	int began_intact;            /* intact when the build began */
	/* a rebuild of a few (quick()): the files its advisories make are
	 * kept here (defer) until it knows it can go on */
	int defer;
	struct deferred {
		struct item *it;
		char *rel, *data;
		size_t len;
	} *later;
	size_t nlater;
	int timings;                 /* TLPRESS_TIMINGS: each step's time on stderr */
	struct timespec t0;          /* when the step being timed began */
	long minflt;                 /* the process's page faults by then
					(minor and major) */
};

/*
 * TLPRESS_TIMINGS=1: the wall time of each step of the build, on stderr,
 * to see where a build's time goes (bench/build's rebuild rows, say).
 */
static void timing(struct build *b, const char *step)
{
	struct timespec now;
	struct rusage ru;

	if (!b->timings)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (getrusage(RUSAGE_SELF, &ru)) {
		ru.ru_minflt = b->minflt;
		ru.ru_majflt = 0;
	}
	ru.ru_minflt += ru.ru_majflt;
	if (step)
		fprintf(stderr, "tlpress: timing: %-16s %8.1f ms %7ld page faults\n", step,
			(double)(now.tv_sec - b->t0.tv_sec) * 1e3 +
			(double)(now.tv_nsec - b->t0.tv_nsec) / 1e6, ru.ru_minflt - b->minflt);
	b->t0 = now;
	b->minflt = ru.ru_minflt;
}

/* The cache rows of the listings: not paths scan() can give */
#define INDEX_ROW ":index"
#define FEED_ROW ":feed"
#define CSAF_LISTINGS_ROW ":csaf-listings"

/*
 * Files of advisories live under these folders of the tree, named after the
 * advisory's slug (its lower-case id) with one or more extensions:
 * advisories/ccb-2026-0042.html, cvrf/ccb-2026-0042.xml,
 * .well-known/csaf/white/2026/ccb-2026-0042.json.asc ... Into `slug`, the
 * slug of an advisory's file; 0, or -1 for a file that is not an
 * advisory's.
 */
int tlpress_site_advisory_slug(const char *path, char *slug, size_t size)
{
	static const char *const dirs[] = { "advisories/", "cvrf/", ".well-known/csaf/", NULL };
	const char *base, *dot;
	size_t i, n;

	for (i = 0; dirs[i]; i++)
		if (!strncmp(path, dirs[i], strlen(dirs[i])))
			break;
	if (!dirs[i])
		return -1;
	base = strrchr(path, '/') + 1;
	dot = strchr(base, '.');
	n = dot ? (size_t)(dot - base) : strlen(base);
	if (!n || n >= size || !strncmp(base, "index", n) || !strncmp(base, "changes", n) ||
	    !strncmp(base, "provider-metadata", n) || !strncmp(base, "csaf-feed", 9))
		return -1;
	memcpy(slug, base, n);
	slug[n] = '\0';
	return 0;
}

#define advisory_slug tlpress_site_advisory_slug

static _Thread_local int worker_id; /* which GPGME context this thread uses */
static _Thread_local struct tlpress_error worker_err; /* the item's error while it is worked on */

/* The worker's places in the cache's rows and in the old manifest where
 * its last look-ups found what they looked for, one for each of an
 * advisory's files: the workers take advisories in order, so the next one
 * is a few places on (tlpress_search_near()). */
static _Thread_local size_t near_row, near_old[MAX_OUTS];

/* Does the file at root/rel exist with this size? near: NULL, or where to
 * start looking in the old manifest */
static int on_disk(struct build *b, const char *rel, unsigned long long size, size_t *near)
{
	struct stat st;

	if (b->intact) {
		const struct tlpress_mentry *e = near ?
			tlpress_manifest_find_near(&b->old, rel, near) :
			tlpress_manifest_find(&b->old, rel);

		return e && e->size == size;
	}
	return tlpress_tree_stat(b->tree, rel, &st) == 0 && S_ISREG(st.st_mode) &&
	       (unsigned long long)st.st_size == size;
}

/* Add a file to the item's; its path is copied, or with borrow taken as
 * it is (a cache row's, which lives as long as the build). */
static int add_out(struct item *it, const char *rel, unsigned long long size,
		   const unsigned char *sha, int borrow)
{
	struct out *o;

	if (it->nouts == MAX_OUTS || (it->pooled && it->nouts == it->outcap))
		return tlpress_error_set(it->err, TLPRESS_ELIMIT, "too many files for %s",
					 it->path ? it->path : rel);
	if (it->nouts == it->outcap) {
		size_t nc = it->outcap ? 2 * it->outcap : 6;
		struct out *v;

		if (nc > MAX_OUTS)
			nc = MAX_OUTS;
		v = realloc(it->outs, nc * sizeof(*v));
		if (!v)
			return tlpress_error_set(it->err, TLPRESS_ENOMEM, "out of memory");
		it->outs = v;
		it->outcap = nc;
	}
	o = &it->outs[it->nouts];
	o->path = borrow ? (char *)rel : strdup(rel);
	o->size = size;
	memcpy(o->sha256, sha, TLPRESS_SHA256_LEN);
	if (!o->path)
		return tlpress_error_set(it->err, TLPRESS_ENOMEM, "out of memory");
	it->nouts++;
	return 0;
}

static int is_asc(const char *rel)
{
	size_t n = strlen(rel);

	return n > 4 && !strcmp(rel + n - 4, ".asc");
}

/* publish_one()'s answer when an advisory of pass 1 cannot be written in a
 * stage: pass 2 publishes it instead */
#define EARLY_IN_PLACE 1

/*
 * An advisory pass 1 publishes (decide()) is written in a stage only, which
 * nobody sees before the build ends. Its first write makes the stage, as
 * any build's first change does; when none can be made (the tree is then
 * written in place), it is left to pass 2, which comes after the
 * withdrawals, as every build written in place does.
 */
static int stage_ready(struct build *b, struct item *it)
{
	if (!it->early)
		return 0;
	if (tlpress_tree_begin(b->tree, it->err))
		return it->err->code;
	return tlpress_tree_staged(b->tree) ? 0 : EARLY_IN_PLACE;
}

/*
 * Write rel unless the last manifest says its bytes are already there;
 * record it among the item's files. In a signed tree, rel.asc goes with
 * it: made anew when the bytes changed, when the last build had none, or
 * when the key changed; else the old signature stays. Safe to call from
 * several workers (each signs with its own GPGME context).
 */
static int emit_item(struct build *b, struct item *it, const char *rel, const void *data,
		     size_t len)
{
	unsigned char sha[TLPRESS_SHA256_LEN];
	struct tlpress_mentry *e;
	struct tlpress_buf asc = TLPRESS_BUF_INIT, arel = TLPRESS_BUF_INIT;
	int r = 0, same = 0, sign, fresh, afresh = 1;

	tlpress_sha256(data, len, sha);
	if (b->defer) {
		/* kept, and written (and signed) by quick() once it goes on */
		struct deferred *d = realloc(b->later, (b->nlater + 1) * sizeof(*d));

		if (!d)
			return tlpress_error_set(it->err, TLPRESS_ENOMEM, "out of memory");
		b->later = d;
		d += b->nlater;
		d->it = it;
		d->rel = strdup(rel);
		d->data = malloc(len ? len : 1);
		d->len = len;
		if (!d->rel || !d->data) {
			free(d->rel);
			free(d->data);
			return tlpress_error_set(it->err, TLPRESS_ENOMEM, "out of memory");
		}
		memcpy(d->data, data, len);
		b->nlater++;
		return add_out(it, rel, len, sha, 0);
	}
	e = tlpress_manifest_find(&b->old, rel);
	fresh = !e;  /* not in the last build's tree: most likely not there */
	if (e && e->size == len && !memcmp(e->sha256, sha, sizeof(sha)))
		same = on_disk(b, rel, len, NULL);
	sign = b->o->signer && !is_asc(rel);
	if (sign) {
		tlpress_buf_printf(&arel, "%s.asc", rel);
		e = tlpress_manifest_find(&b->old, arel.ptr);
		afresh = !e;
		if (same && e && b->resign == 0 && on_disk(b, arel.ptr, e->size, NULL)) {
			/* unchanged, and signed by this key: keep the signature */
			r = add_out(it, rel, len, sha, 0);
			if (!r)
				r = add_out(it, arel.ptr, e->size, e->sha256, 0);
			it->unchanged += 2;
			goto out;
		}
		r = tlpress_sign_detached(b->o->signer, worker_id, data, len, &asc, it->err);
		if (r)
			goto out;
		atomic_fetch_add(&b->signatures, 1);
	}
	if (!same) {
		r = stage_ready(b, it);
		if (!r)
			r = tlpress_tree_write(b->tree, rel, data, len, fresh, it->err);
		if (r)
			goto out;
		it->written++;
	} else {
		it->unchanged++;
	}
	r = add_out(it, rel, len, sha, 0);
	if (!r && sign) {
		unsigned char asha[TLPRESS_SHA256_LEN];

		r = stage_ready(b, it);
		if (!r)
			r = tlpress_tree_write(b->tree, arel.ptr, asc.ptr, asc.len, afresh, it->err);
		if (!r) {
			it->written++;
			tlpress_sha256(asc.ptr, asc.len, asha);
			r = add_out(it, arel.ptr, asc.len, asha, 0);
		}
	}
out:
	tlpress_buf_release(&asc);
	tlpress_buf_release(&arel);
	return r;
}

/* The same for the files of the tree as a whole (one thread). */
static int emit(struct build *b, const char *rel, const void *data, size_t len)
{
	struct item tmp;
	size_t k;
	int r;

	memset(&tmp, 0, sizeof(tmp));
	tmp.err = b->err;            /* the main thread's files: errors go straight there */
	r = emit_item(b, &tmp, rel, data, len);
	b->st->written += tmp.written;
	b->st->unchanged += tmp.unchanged;
	for (k = 0; k < tmp.nouts; k++) {
		if (!r)
			r = tlpress_manifest_add(&b->new, tmp.outs[k].path, tmp.outs[k].size,
						 tmp.outs[k].sha256);
		free(tmp.outs[k].path);
	}
	free(tmp.outs);
	return r;
}

/* The folder written to: the live one, or the stage of a staged build
 * (which the first change begins). NULL with b->err set on failure. */
static const char *wroot(struct build *b)
{
	return tlpress_tree_begin(b->tree, b->err) ? NULL : tlpress_tree_root(b->tree);
}

static int remove_file(struct build *b, const char *rel)
{
	const char *root = wroot(b);
	int r = root ? tlpress_remove(root, rel, b->err) : b->err->code;

	b->intact = 0;
	if (!r)
		b->st->removed++;
	return r;
}

/* tlpress_manifest_walk() of the last manifest (x) and this build's (y):
 * what only the last one has, and nothing already dealt with (mark),
 * goes */
static int stale_file(void *ctx, struct tlpress_mentry *x, struct tlpress_mentry *y)
{
	return x && !y && !x->mark ? remove_file(ctx, x->path) : 0;
}

static int cmp_items(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	int c = tlpress_id_cmp(a->id ? a->id : "", b->id ? b->id : "");

	return c ? c : strcmp(a->path, b->path);
}

/* Mark (dup) and report the items whose id another item claims too
 * (tlpress_policy_claimed_twice()); -1 when out of memory. */
static int claimed_twice(struct build *b)
{
	const char **ids = malloc((b->nitems ? b->nitems : 1) * sizeof(*ids));
	size_t *also = malloc((b->nitems ? b->nitems : 1) * sizeof(*also));
	size_t i;
	int rc = -1;

	if (ids && also) {
		for (i = 0; i < b->nitems; i++)
			ids[i] = b->items[i].id;
		rc = tlpress_policy_claimed_twice(ids, b->nitems, also) < 0 ? -1 : 0;
	}
	for (i = 0; !rc && i < b->nitems; i++) {
		struct item *x, *y = &b->items[i];

		if (also[i] == TLPRESS_CLAIMED_ONCE)
			continue;
		y->dup = 1;
		if (also[i] == i)
			continue;
		x = &b->items[also[i]];
		tlpress_diags_add(b->d, TLPRESS_ERROR, y->path, 0, 0, "id",
				  "every advisory has its own id",
				  "duplicate 'id' %s, also used by %s%s%s: neither is published",
				  y->id, x->path, strcmp(x->id, y->id) ? " as " : "",
				  strcmp(x->id, y->id) ? x->id : "");
	}
	free(ids);
	free(also);
	return rc;
}

/*
 * Pass 1 from the build cache: a file whose size, modification time and
 * inode are those the cache has, decided under this fingerprint at a time
 * the decision still holds for, is not read at all. 1 when it was taken.
 */
static int from_cache(struct build *b, struct item *it)
{
	const struct tlpress_bcache_entry *e;
	struct stat st;
	long long now = (long long)b->o->now.t;

	if (it->stat_known < 0)
		return 0;
	if (!it->stat_known) { /* no digest was made: no state folder */
		if (lstat(it->path, &st) < 0)
			return 0;
		it->size = (long long)st.st_size;
		it->mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
		it->ino = (long long)st.st_ino;
	}
	e = tlpress_bcache_find_near(b->cache, it->path, &near_row);
	if (!e || e->size != it->size || e->mtime_ns != it->mtime_ns || e->ino != it->ino ||
	    e->computed_at > now || now >= e->valid_until || !e->id ||
	    e->verdict == TLPRESS_REFUSE_INVALID)
		return 0;
	it->cached = e;
	it->id = strdup(e->id);
	snprintf(it->slug, sizeof(it->slug), "%s", e->slug ? e->slug : "");
	it->verdict = (enum tlpress_verdict)e->verdict;
	it->computed_at = e->computed_at;
	it->valid_until = e->valid_until;
	it->tlp = (enum tlpress_tlp)e->tlp;
	it->embargo.valid = e->embargo_valid;
	it->embargo.t = e->embargo;
	it->embargo.offset = e->embargo_off;
	it->has_downgrade = e->has_downgrade;
	it->downgrade_at.valid = e->has_downgrade;
	it->downgrade_at.t = e->downgrade_at;
	it->downgrade_at.offset = e->downgrade_off;
	it->downgrade_to = (enum tlpress_tlp)e->downgrade_to;
	return 1;
}

static int publish_one(struct build *b, struct item *it, struct tlpress_advisory *a);
static void forget_early(struct item *it);
static void shown_digest(const struct tlpress_pubmeta *m, struct tlpress_buf *scratch,
			 unsigned char out[TLPRESS_SHA256_LEN]);

/* Early publishing starts the flusher (tlpress_flusher_start()) once it has
 * written this many advisories: a rebuild of a few never waits on it. */
#define EARLY_FLUSH_AFTER 64

/* Pass 1 for one file: its decision, from the cache or its front matter;
 * and what it decides to publish, published from the same read when that
 * pays (early_pays()). */
static void decide(struct build *b, struct item *it, struct tlpress_buf *scratch)
{
	struct tlpress_advisory *a;

	if (from_cache(b, it))
		return;
	/* a file that is read may well be rendered: libxml2 for its CVRF
	 * document loads meanwhile (cvrf.h) */
	tlpress_cvrf_preload();
	tlpress_arena_begin(); /* the parse's allocations, given back at once */
	a = tlpress_advisory_load_ex(it->path, TLPRESS_PARSE_FRONT_ONLY |
				     (b->early_ok ? TLPRESS_PARSE_RESUMABLE : 0), &it->diags);
	it->verdict = a ? tlpress_policy_publishable(a, &b->o->now, b->o->clearance)
		      : TLPRESS_REFUSE_INVALID;
	if (a && a->id) {
		it->id = strdup(a->id);
		tlpress_advisory_slug(a, it->slug, sizeof(it->slug));
	}
	if (a) {
		it->embargo = a->embargo;
		it->has_downgrade = a->downgrade.set;
		it->downgrade_at = a->downgrade.at;
		it->downgrade_to = a->downgrade.to;
		it->tlp = a->tlp;
		/* the decision holds until the next moment it could change */
		it->computed_at = (long long)b->o->now.t;
		it->valid_until = LLONG_MAX;
		if (a->embargo.valid && a->embargo.t > b->o->now.t)
			it->valid_until = (long long)a->embargo.t;
		if (a->downgrade.set && a->downgrade.at.t > b->o->now.t &&
		    (long long)a->downgrade.at.t < it->valid_until)
			it->valid_until = (long long)a->downgrade.at.t;
	}
	/*
	 * Published now, from this read: its body is parsed after its front
	 * matter (tlpress_advisory_finish()), and the file is not read again.
	 * This is safe only in a stage, which nobody sees before the build
	 * ends: an advisory whose id another file claims too is found after
	 * every file was read, and its files are removed again then
	 * (unclaim()); and the withdrawals, which TLP wants first, come before
	 * anyone sees the new tree all the same.
	 */
	if (it->verdict == TLPRESS_PUBLISH && a && a->front && atomic_load(&b->early_ok) &&
	    !atomic_load(&b->stop)) {
		int rc;

		it->early = 1;
		rc = publish_one(b, it, a); /* which frees a, and ends the arena */
		if (rc == EARLY_IN_PLACE) {
			atomic_store(&b->early_ok, 0);
			forget_early(it);
			it->rc = 0;
			free(it->err);
			it->err = NULL;
		} else if (rc) {
			atomic_store(&b->stop, 1);
		} else if (it->has_meta && b->cache)
			shown_digest(&it->meta, scratch, it->shown);
		if (atomic_fetch_add(&b->nearly, 1) + 1 == EARLY_FLUSH_AFTER)
			b->flush = tlpress_flusher_start(b->o->output, TLPRESS_FLUSH_PAUSE_MS);
		return;
	}
	/* errors are reported once: here when the advisory goes no further,
	 * else by pass 2, which parses it whole */
	if (it->verdict != TLPRESS_REFUSE_INVALID) {
		tlpress_diags_release(&it->diags);
		memset(&it->diags, 0, sizeof(it->diags));
	}
	tlpress_advisory_free(a);
	tlpress_arena_end();
}

struct worker_arg {
	struct build *b;
	int id;
};

static void *decide_worker(void *arg)
{
	struct worker_arg *wa = arg;
	struct build *b = wa->b;
	struct tlpress_buf scratch = TLPRESS_BUF_INIT;
	size_t i;

	worker_id = wa->id; /* its GPGME context, to sign what it publishes */
	while ((i = atomic_fetch_add(&b->next, 1)) < b->nitems)
		decide(b, &b->items[i], &scratch);
	tlpress_buf_release(&scratch);
	return NULL;
}

/*
 * Does publishing in pass 1 pay (decide())? When most advisories will be
 * rendered: the cache has rows for fewer than half of them (none in a
 * first build, or after a template changed). A rebuild after a few edits
 * leaves them to pass 2, where their rendering overlaps the reuse of all
 * the others on the other workers: with 10,000 advisories, one of them
 * edited, publishing it in pass 1 made the rebuild 7 ms slower (the
 * decisions and advisories steps, 15 rebuilds). Never in a tree written in
 * place (stage_ready()).
 */
static int early_pays(const struct build *b)
{
	if (b->o->in_place)
		return 0;
	return !b->cache || tlpress_bcache_rows(b->cache) < b->nitems / 2;
}

/* Each item's files in one array: no allocation an item; as many places as
 * an advisory makes files (its renditions and the CSAF document's two
 * hashes, each with its signature in a signed tree). */
static int pool_outs(struct build *b)
{
	size_t i, per = (NRENDERERS + 2) * (b->signer_fpr ? 2 : 1);

	b->outs = tlpress_big_alloc((b->nitems ? b->nitems : 1) * per * sizeof(*b->outs),
				    &b->outs_len);
	if (!b->outs)
		return tlpress_error_set(b->err, TLPRESS_ENOMEM, "out of memory");
	for (i = 0; i < b->nitems; i++) {
		b->items[i].outs = b->outs + i * per;
		b->items[i].outcap = per;
		b->items[i].pooled = 1;
	}
	return 0;
}

/*
 * An advisory pass 1 published whose id another file claims too: neither
 * is published (claimed_twice()), so its files go from the stage again,
 * with what it made and said (the other's claim is the one error).
 */
static int unclaim(struct build *b, struct item *it)
{
	size_t k;
	int rc = 0;

	for (k = 0; k < it->nouts && !rc; k++)
		rc = tlpress_tree_remove(b->tree, it->outs[k].path, b->err);
	forget_early(it);
	return rc;
}

/* What publish_one() made of an advisory of pass 1, and said, forgotten. */
static void forget_early(struct item *it)
{
	size_t k;

	for (k = 0; k < it->nouts; k++)
		free(it->outs[k].path);
	it->nouts = it->written = it->unchanged = it->removed = 0;
	tlpress_pubmeta_release(&it->meta);
	memset(&it->meta, 0, sizeof(it->meta));
	it->has_meta = it->rendered = it->refused = it->early = it->csaf = 0;
	tlpress_diags_release(&it->diags);
	memset(&it->diags, 0, sizeof(it->diags));
}

/* What an item holds, given back (not its path, which the scan's list may
 * still own, nor the array of its files, which may be the pool's). */
static void item_release(struct item *it)
{
	size_t k;

	free(it->id);
	tlpress_diags_release(&it->diags);
	free(it->err);
	for (k = 0; k < it->nouts && !it->borrowed; k++)
		free(it->outs[k].path);
	tlpress_pubmeta_release(&it->meta);
}

/* the path of item i, for tlpress_prefetch_start() */
static const char *item_path(void *ctx, size_t i)
{
	return ((struct build *)ctx)->items[i].path;
}

/* Fewer files than this are read without a thread reading ahead. */
#define PREFETCH_MIN 64

/* Pass 1: the front matter of every file decides what is publishable; on
 * the workers, as each file is read on its own. What it finds publishable
 * it may publish at once, from the same read (decide(), early_pays()). */
static int pass1(struct build *b, struct tlpress_pathlist *files)
{
	pthread_t threads[64];
	struct worker_arg args[64];
	struct tlpress_prefetch *prefetch = NULL;
	size_t i, k, n = b->o->jobs > 0 ? (size_t)b->o->jobs : 1, started = 0;

	b->items = tlpress_big_alloc(files->n * sizeof(*b->items), &b->items_len);
	if (!b->items)
		return tlpress_error_set(b->err, TLPRESS_ENOMEM, "out of memory");
	for (i = 0; i < files->n; i++) {
		struct item *it = &b->items[b->nitems++];

		/* the list is the scan's: its paths move to the items */
		it->path = files->v[i];
		if (b->fstat) { /* stat'ed once, for the snapshot's digest */
			it->stat_known = b->fstat[i].ok ? 1 : -1;
			it->size = b->fstat[i].size;
			it->mtime_ns = b->fstat[i].mtime_ns;
			it->ino = b->fstat[i].ino;
		}
		files->v[i] = NULL;
	}
	/* what an advisory pass 1 publishes needs: its places for files, the
	 * last manifest in order (publish_one()) */
	if (pool_outs(b))
		return b->err->code;
	tlpress_manifest_sort(&b->old);
	atomic_store(&b->early_ok, early_pays(b));
	if (n > sizeof(threads) / sizeof(threads[0]))
		n = sizeof(threads) / sizeof(threads[0]);
	/* a few files are not worth a thread, unless they may be published
	 * here (rendered, and signed: 20 ms a signature with RSA-4096) */
	if (!atomic_load(&b->early_ok) && n > b->nitems / 64 + 1)
		n = b->nitems / 64 + 1;
	else if (n > b->nitems && b->nitems)
		n = b->nitems;
	atomic_store(&b->next, 0);
	for (i = 0; i < n; i++) {
		args[i].b = b;
		args[i].id = (int)i;
	}
	/* most files are to be read: from a disk, ahead of the workers */
	if (atomic_load(&b->early_ok) && b->nitems >= PREFETCH_MIN)
		prefetch = tlpress_prefetch_start(item_path, b, b->nitems, &b->next);
	for (i = 1; i < n; i++)
		if (pthread_create(&threads[started], NULL, decide_worker, &args[started + 1]) == 0)
			started++;
	decide_worker(&args[0]);
	worker_id = 0;
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	if (prefetch) {
		size_t asked = tlpress_prefetch_stop(prefetch);

		if (b->timings)
			fprintf(stderr, "tlpress: timing: %zu files read ahead (%s)\n", asked,
				asked ? "some were not in memory" : "all in memory");
	}
	for (i = 0; i < b->nitems; i++) {
		struct item *it = &b->items[i];

		if (it->cached)
			b->st->cached++;
		if (it->early)
			continue; /* its diagnostics are pass 2's to report */
		for (k = 0; k < it->diags.n; k++)
			tlpress_diags_add(b->d, it->diags.v[k].severity, it->diags.v[k].file,
					  it->diags.v[k].line, it->diags.v[k].col, it->diags.v[k].key,
					  it->diags.v[k].hint, "%s", it->diags.v[k].msg);
		tlpress_diags_release(&it->diags);
		memset(&it->diags, 0, sizeof(it->diags));
	}
	b->st->files = b->nitems;
	/* an id claimed by two files: neither is published (the policy's
	 * rule; CCB-2026-0042 and CCB-2026-00042 are one advisory) */
	tlpress_sort(b->items, b->nitems, sizeof(*b->items), cmp_items);
	if (claimed_twice(b))
		return tlpress_error_set(b->err, TLPRESS_ENOMEM, "out of memory");
	for (i = 0; i < b->nitems; i++) {
		struct item *it = &b->items[i];

		if (it->dup && it->early && unclaim(b, it))
			return b->err->code;
		if (it->dup)
			it->verdict = TLPRESS_REFUSE_INVALID;
		switch (it->verdict) {
		case TLPRESS_PUBLISH: break;
		case TLPRESS_REFUSE_INVALID: b->st->invalid++; break;
		case TLPRESS_REFUSE_DRAFT: b->st->drafts++; break;
		case TLPRESS_REFUSE_EMBARGO: b->st->embargoed++; break;
		case TLPRESS_REFUSE_LABEL: b->st->above++; break;
		}
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted slugs of publishable advisories. */
static int expected_slugs(struct build *b)
{
	size_t i;

	b->expected = calloc(b->nitems ? b->nitems : 1, sizeof(*b->expected));
	if (!b->expected)
		return tlpress_error_set(b->err, TLPRESS_ENOMEM, "out of memory");
	for (i = 0; i < b->nitems; i++)
		if (b->items[i].verdict == TLPRESS_PUBLISH)
			b->expected[b->nexpected++] = b->items[i].slug;
	tlpress_sort(b->expected, b->nexpected, sizeof(*b->expected), cmp_str);
	return 0;
}

/* Is path the file of an advisory that is not publishable now? The
 * slugs are looked for from where the last one was found (b->near): the
 * manifest's paths of one folder come in the slugs' order. */
static int unpublishable_file(struct build *b, const char *path)
{
	char slug[64];
	const char *key = slug;

	if (advisory_slug(path, slug, sizeof(slug)))
		return 0;
	return !tlpress_search_near(&key, b->expected, b->nexpected, sizeof(*b->expected), cmp_str,
				    &b->near);
}

/* Files that list advisories: the index, the feed, and the CSAF
 * provider's index.txt, changes.csv, ROLIE feeds and metadata. */
static int listing_file(const char *path)
{
	char slug[64];

	if (!strcmp(path, "index.html") || !strcmp(path, "feed.xml") ||
	    !strcmp(path, "index.html.asc") || !strcmp(path, "feed.xml.asc"))
		return 1;
	return !strncmp(path, TLPRESS_CSAF_ROOT, strlen(TLPRESS_CSAF_ROOT)) &&
	       advisory_slug(path, slug, sizeof(slug)) != 0;
}

int tlpress_site_listing_file(const char *path)
{
	return listing_file(path) || !strcmp(path, TLPRESS_MANIFEST_NAME) ||
	       !strcmp(path, TLPRESS_MANIFEST_NAME ".asc");
}

/*
 * Step 2: files of advisories that are no longer publishable go first.
 * The index, the feeds and the CSAF listings of the last build name them
 * too, so when anything goes they go as well (the build writes them anew
 * in step 4), and the
 * manifest is rewritten without them all: at no moment does the tree hold
 * a byte of an advisory that is no longer publishable, even when the build
 * fails half-way. (A metadata cache would let this step write an interim
 * index instead; see the note in docs/build.md.)
 */
/* 1 when the last build's file rel goes before anything else: the files
 * of what is no longer publishable, and then (as they name it) the
 * listings. */
static int withdrawn_file(struct build *b, const char *rel)
{
	return unpublishable_file(b, rel) || (b->withdrawals && listing_file(rel));
}

/*
 * Step 2 in the folder root: the files of what is no longer publishable
 * go, the listings with them, and the manifest is rewritten without them.
 * A staged build does it in its stage (the live tree loses them when the
 * new version takes its place), and in the live tree itself only when
 * the build fails before that (withdraw_live()).
 */
static int withdraw(struct build *b, const char *root, struct tlpress_error *err)
{
	struct tlpress_manifest keep = TLPRESS_MANIFEST_INIT;
	struct tlpress_buf text = TLPRESS_BUF_INIT;
	size_t i;
	int r = 0;

	b->intact = 0;
	for (i = 0; i < b->old.n && !r; i++) {
		struct tlpress_mentry *e = &b->old.v[i];

		if (!withdrawn_file(b, e->path))
			continue;
		r = tlpress_remove(root, e->path, err);
		if (!r)
			b->st->removed++;
		e->mark = 1; /* handled */
	}
	/* the manifest, without what is gone; its old signature goes first
	 * (a signature that no longer matches is worse than none) */
	if (!r)
		r = tlpress_remove(root, TLPRESS_MANIFEST_NAME ".asc", err);
	memcpy(keep.clearance, b->old.clearance, sizeof(keep.clearance));
	memcpy(keep.signer, b->old.signer, sizeof(keep.signer));
	for (i = 0; i < b->old.n && !r; i++)
		if (!b->old.v[i].mark)
			r = tlpress_manifest_add(&keep, b->old.v[i].path, b->old.v[i].size,
						 b->old.v[i].sha256);
	if (!r)
		r = tlpress_manifest_format(&keep, &text);
	if (!r)
		r = tlpress_write_atomic(root, TLPRESS_MANIFEST_NAME, text.ptr, text.len, err);
	if (r) {
		/* better no manifest than one that names what is gone */
		struct tlpress_error e2 = TLPRESS_ERROR_INIT;

		tlpress_remove(root, TLPRESS_MANIFEST_NAME, &e2);
	}
	tlpress_manifest_release(&keep);
	tlpress_buf_release(&text);
	return r;
}

static int remove_unpublishable(struct build *b)
{
	size_t i;
	const char *root;

	b->withdrawals = 0;
	for (i = 0; i < b->old.n; i++)
		b->withdrawals += unpublishable_file(b, b->old.v[i].path);
	if (!b->withdrawals)
		return 0; /* nothing to withdraw: nothing changes yet */
	root = wroot(b);
	return root ? withdraw(b, root, b->err) : b->err->code;
}

/* A staged build that failed: its stage is left, but what it withdrew
 * must not stay in the live tree. Best effort: the build's error stands. */
static void withdraw_live(struct build *b)
{
	struct tlpress_error e2 = TLPRESS_ERROR_INIT;
	size_t i;

	if (!b->withdrawals)
		return;
	for (i = 0; i < b->old.n; i++)
		b->old.v[i].mark = 0;
	withdraw(b, b->o->output, &e2);
}

/*
 * After a failure in steps 3 to 5: a manifest that lists what is really
 * there (what this build wrote, and what it left of the last one), so that
 * the tree can still be checked and the next build knows what to redo.
 */
static void salvage_manifest(struct build *b)
{
	struct tlpress_manifest m = TLPRESS_MANIFEST_INIT;
	struct tlpress_error e2 = TLPRESS_ERROR_INIT;
	struct tlpress_buf text = TLPRESS_BUF_INIT;
	const char *root;
	size_t i;
	int r = 0;

	memcpy(m.clearance, b->old.clearance[0] ? b->old.clearance : b->new.clearance,
	       sizeof(m.clearance));
	memcpy(m.signer, b->new.signer, sizeof(m.signer));
	if (tlpress_tree_staged(b->tree)) {
		/* the live tree is the last version, whole: only what was
		 * withdrawn must still go */
		withdraw_live(b);
		return;
	}
	root = tlpress_tree_root(b->tree);
	tlpress_remove(root, TLPRESS_MANIFEST_NAME ".asc", &e2);
	for (i = 0; i < b->new.n && !r; i++)
		r = tlpress_manifest_add(&m, b->new.v[i].path, b->new.v[i].size, b->new.v[i].sha256);
	for (i = 0; i < b->old.n && !r; i++)
		if (!b->old.v[i].mark && !tlpress_manifest_find(&b->new, b->old.v[i].path))
			r = tlpress_manifest_add(&m, b->old.v[i].path, b->old.v[i].size,
						 b->old.v[i].sha256);
	if (!r)
		r = tlpress_manifest_format(&m, &text);
	if (!r)
		r = tlpress_write_atomic(root, TLPRESS_MANIFEST_NAME, text.ptr, text.len, &e2);
	if (r)
		tlpress_remove(root, TLPRESS_MANIFEST_NAME, &e2);
	tlpress_manifest_release(&m);
	tlpress_buf_release(&text);
}

static char *joined_cves(const struct tlpress_advisory *a)
{
	struct tlpress_buf s = TLPRESS_BUF_INIT;
	size_t i;

	for (i = 0; i < a->ncves; i++)
		tlpress_buf_printf(&s, "%s%s", i ? ", " : "", a->cves[i]);
	return tlpress_buf_detach(&s, NULL);
}

/* Step 3: one advisory, parsed, cut and written (in a worker thread:
 * everything it makes goes into the item). */
/* Lower-case hex of a digest (n <= 64 bytes), added to out. */
static void hex(const unsigned char *in, size_t n, struct tlpress_buf *out)
{
	char h[2 * 64 + 1];

	tlpress_hex(in, n, h);
	tlpress_buf_add(out, h, 2 * n);
}

/*
 * The metadata of the index and the feeds, to and from the cache: a line
 * of numbers, then each string as "<length>:<bytes>\n" (quick to read back,
 * and any byte may stand in a string).
 */
#define META_STRINGS 6

static void meta_text(const struct tlpress_pubmeta *m, struct tlpress_buf *out)
{
	const char *s[META_STRINGS] = { m->id, m->slug, m->title, m->lang,
					m->summary ? m->summary : "",
					m->cves_text ? m->cves_text : "" };
	size_t k;

	long long num[10] = { (int)m->label, m->has_severity, (int)m->severity, m->has_cvss,
			      m->score10, m->version, (long long)m->initial.t, m->initial.offset,
			      (long long)m->current.t, m->current.offset };

	tlpress_buf_add(out, "m1", 2);
	for (k = 0; k < 10; k++) {
		tlpress_buf_add(out, num[k] < 0 ? " -" : " ", num[k] < 0 ? 2 : 1);
		tlpress_buf_add_ull(out, num[k] < 0 ? 0ULL - (unsigned long long)num[k]
					 : (unsigned long long)num[k]);
	}
	tlpress_buf_addch(out, '\n');
	for (k = 0; k < META_STRINGS; k++) {
		size_t n = s[k] ? strlen(s[k]) : 0;

		tlpress_buf_add_ull(out, n);
		tlpress_buf_addch(out, ':');
		tlpress_buf_add(out, s[k] ? s[k] : "", n);
		tlpress_buf_addch(out, '\n');
	}
}

/* " <integer>" at *p, within [min, max]: 0 and *p past it, or -1. */
static int meta_num(const char **p, long long min, long long max, long long *v)
{
	const char *q = *p + 1;
	char *end;

	/* strtoll() alone would take more: spaces, a '+' */
	if (**p != ' ' || !((*q >= '0' && *q <= '9') || (*q == '-' && q[1] >= '0' && q[1] <= '9')))
		return -1;
	errno = 0;
	*v = strtoll(q, &end, 10);
	if (errno || *v < min || *v > max)
		return -1;
	*p = end;
	return 0;
}

/*
 * Read meta_text() back, in place: the strings of m point into text, each
 * ended where its '\n' was. m->borrowed is set; 0, or -1 when the text is
 * not such a meta (m is then empty).
 */
static int meta_parse(char *text, struct tlpress_pubmeta *m)
{
	char **s[META_STRINGS];
	long long num[10];
	const char *q;
	char *p;
	size_t k;

	memset(m, 0, sizeof(*m));
	s[0] = &m->id;
	s[1] = &m->slug;
	s[2] = &m->title;
	s[3] = &m->lang;
	s[4] = &m->summary;
	s[5] = &m->cves_text;
	if (!text || strncmp(text, "m1", 2))
		return -1;
	q = text + 2;
	for (k = 0; k < 10; k++)
		if (meta_num(&q, k == 6 || k == 8 ? LLONG_MIN : INT_MIN,
			     k == 6 || k == 8 ? LLONG_MAX : INT_MAX, &num[k]))
			return -1;
	if (*q != '\n')
		return -1;
	m->label = (enum tlpress_tlp)num[0];
	m->has_severity = (int)num[1];
	m->severity = (enum tlpress_cvss_severity)num[2];
	m->has_cvss = (int)num[3];
	m->score10 = (int)num[4];
	m->version = (int)num[5];
	m->initial.t = (time_t)num[6];
	m->initial.offset = (int)num[7];
	m->initial.valid = 1;
	m->current.t = (time_t)num[8];
	m->current.offset = (int)num[9];
	m->current.valid = 1;
	p = text + (q - text) + 1;
	for (k = 0; k < META_STRINGS; k++) {
		char *end;
		unsigned long long n;

		if (*p < '0' || *p > '9')
			goto bad;
		n = strtoull(p, &end, 10);
		if (*end != ':' || n > (1u << 20) || strnlen(end + 1, (size_t)n + 1) < n + 1 ||
		    end[1 + n] != '\n')
			goto bad;
		end[1 + n] = '\0';
		*s[k] = end + 1;
		p = end + 2 + n;
	}
	if (!*p) {
		m->borrowed = 1;
		return 0;
	}
bad:
	memset(m, 0, sizeof(*m));
	return -1;
}

/* One line of a cache row's list of files, "sha256hex size path\n", read
 * in place: *rel points into it, ended where its '\n' was. The next line,
 * or NULL when the line is not one. */
static char *out_line(char *p, unsigned char sha[TLPRESS_SHA256_LEN],
		      unsigned long long *size, char **rel)
{
	char *nl = strchr(p, '\n'), *sp;

	if (!nl || nl - p < 2 * TLPRESS_SHA256_LEN + 3 || tlpress_unhex(p, TLPRESS_SHA256_LEN, sha) ||
	    p[2 * TLPRESS_SHA256_LEN] != ' ')
		return NULL;
	*size = strtoull(p + 2 * TLPRESS_SHA256_LEN + 1, &sp, 10);
	if (*sp != ' ' || sp >= nl || nl - sp - 1 == 0 || nl - sp - 1 >= 1024)
		return NULL;
	*nl = '\0';
	*rel = sp + 1;
	return nl + 1;
}

/*
 * Pass 2 from the build cache: an advisory whose decision came from the
 * cache keeps the files the cache lists when each is still in the tree
 * with its size; nothing is parsed or rendered. 1 when it was taken.
 */
static int reuse(struct build *b, struct item *it)
{
	const struct tlpress_bcache_entry *e = it->cached;
	char *outs, *meta, *p;

	if (e->verdict != TLPRESS_PUBLISH || !e->outs || !e->meta)
		return 0;
	/* read in place: the paths and the metadata stay the row's */
	tlpress_bcache_take(b->cache, e, &outs, &meta);
	it->borrowed = 1;
	for (p = outs; *p;) {
		unsigned char sha[TLPRESS_SHA256_LEN];
		unsigned long long size;
		char *rel;

		p = out_line(p, sha, &size, &rel);
		if (!p || !on_disk(b, rel, size, &near_old[it->nouts % MAX_OUTS]) ||
		    add_out(it, rel, size, sha, 1))
			goto drop;
	}
	if (meta_parse(meta, &it->meta))
		goto drop;
	it->has_meta = 1;
	it->csaf = e->csaf > 0 && (size_t)e->csaf <= it->nouts ? e->csaf : 0;
	memcpy(it->csaf_sha512, e->csaf_sha512, sizeof(it->csaf_sha512));
	it->label = (enum tlpress_tlp)e->label;
	it->ncut = e->ncut;
	memcpy(it->cutsig, e->cutsig, sizeof(it->cutsig));
	it->rendered = 1;
	it->reused = 1;
	it->unchanged += it->nouts;
	return 1;
drop:
	/* a file is gone or changed: render it again */
	it->borrowed = 0;
	it->nouts = 0;
	return 0;
}

/* No rendition of one advisory is larger: a template or body whose output
 * explodes fails, naming the advisory, instead of taking all memory. */
#define RENDITION_MAX ((size_t)64 << 20)

/* Render and write one advisory: `a`, parsed in the thread's arena so far
 * (pass 1: the front matter, which decided it), or NULL to read it here.
 * Frees a, and ends the arena. */
static int publish_one(struct build *b, struct item *it, struct tlpress_advisory *a)
{
	struct tlpress_buf body = TLPRESS_BUF_INIT, out = TLPRESS_BUF_INIT, md = TLPRESS_BUF_INIT;
	struct tlpress_buf path = TLPRESS_BUF_INIT, sum = TLPRESS_BUF_INIT;
	struct tlpress_rendition r;
	struct tlpress_cut cut;
	struct tlpress_pubmeta *m = &it->meta;
	size_t k, first;
	int rc = 0;

	tlpress_buf_init(&out, RENDITION_MAX);
	it->err = &worker_err;
	if (a) {
		/* the body, and the checks that need it: the front matter's
		 * errors and warnings are already in it->diags */
		if (tlpress_advisory_finish(a, &it->diags)) {
			tlpress_advisory_free(a);
			a = NULL;
		}
	} else if (it->cached && reuse(b, it)) {
		it->err = NULL;
		return 0;
	} else {
		/* the parse's and cmark-gfm's allocations, given back at once
		 * when the advisory is freed (arena.h): nothing made from them
		 * outlives it */
		tlpress_arena_begin();
	}
	if (!a)
		a = tlpress_advisory_load(it->path, &it->diags);
	if (!a || a->nerrors ||
	    tlpress_policy_publishable(a, &b->o->now, b->o->clearance) != TLPRESS_PUBLISH) {
		/* the body holds an error: refused, and gone from the tree */
		it->refused = 1;
		for (k = 0; k < b->old.n && !rc; k++) {
			char slug[64];

			if (!advisory_slug(b->old.v[k].path, slug, sizeof(slug)) &&
			    !strcmp(slug, it->slug)) {
				rc = tlpress_tree_remove(b->tree, b->old.v[k].path, it->err);
				if (!rc)
					it->removed++;
			}
		}
		goto done;
	}
	memset(&r, 0, sizeof(r));
	r.adv = a;
	r.cfg = b->o->cfg;
	r.tmpl = b->tmpl;
	r.clearance = b->o->clearance;
	r.base = tlpress_policy_base_label(a, &b->o->now);
	memcpy(r.slug, it->slug, sizeof(r.slug));
	rc = tlpress_body_render(a, r.base, r.clearance, TLPRESS_BODY_HTML, &body, &cut);
	if (rc) {
		tlpress_error_set(it->err, rc, "%s: cannot render the body", it->path);
		goto done;
	}
	r.label = cut.label;
	r.body_html = body.ptr;
	/* the Markdown of the CVRF and CSAF notes, once for both */
	rc = tlpress_body_render(a, r.base, r.clearance, TLPRESS_BODY_MARKDOWN, &md, NULL);
	if (rc) {
		tlpress_error_set(it->err, rc, "%s: cannot render the body", it->path);
		goto done;
	}
	r.body_markdown = md.ptr;
	it->ncut = tlpress_cut_digest(a, r.base, r.clearance, it->cutsig);
	if (it->ncut < 0) {
		rc = tlpress_error_set(it->err, it->ncut, "out of memory");
		goto done;
	}
	it->label = cut.label;
	it->rendered = 1;
	tlpress_summary_render(a, &sum);
	r.summary = sum.ptr;
	r.signer_fpr = b->signer_fpr;

	for (k = 0; k < NRENDERERS && !rc; k++) {
		tlpress_buf_reset(&path);
		tlpress_buf_reset(&out);
		renderers[k]->path(&r, &path);
		rc = renderers[k]->render(&r, &out, it->err);
		if (!rc && (path.failed || out.failed))
			rc = tlpress_error_set(it->err, TLPRESS_ELIMIT, "%s: a rendition over %zu "
					       "MiB, or out of memory; shorten the advisory, or look "
					       "in the templates for a section that repeats",
					       it->path, RENDITION_MAX >> 20);
		first = it->nouts;
		if (!rc)
			rc = emit_item(b, it, path.ptr, out.ptr, out.len);
		if (!rc && renderers[k] == &tlpress_render_csaf) {
			/* the document (not its signature), and its hash files,
			 * here on the worker so that they are signed in parallel */
			struct tlpress_buf hp = TLPRESS_BUF_INIT, ht = TLPRESS_BUF_INIT;
			const struct out *doc;

			it->csaf = (int)first + 1;
			doc = &it->outs[first];
			tlpress_sha512(out.ptr, out.len, it->csaf_sha512);
			tlpress_buf_printf(&hp, "%s.sha256", doc->path);
			tlpress_csaf_hash_text(doc->path, doc->sha256, TLPRESS_SHA256_LEN, &ht);
			rc = emit_item(b, it, hp.ptr, ht.ptr, ht.len);
			tlpress_buf_reset(&hp);
			tlpress_buf_reset(&ht);
			tlpress_buf_printf(&hp, "%s.sha512", it->outs[first].path);
			tlpress_csaf_hash_text(it->outs[first].path, it->csaf_sha512,
					       TLPRESS_SHA512_LEN, &ht);
			if (!rc)
				rc = emit_item(b, it, hp.ptr, ht.ptr, ht.len);
			tlpress_buf_release(&hp);
			tlpress_buf_release(&ht);
		}
	}
	if (rc)
		goto done;

	m->id = strdup(a->id);
	m->slug = strdup(it->slug);
	m->title = strdup(a->title);
	m->lang = strdup(a->lang);
	m->summary = tlpress_buf_detach(&sum, NULL);
	m->cves_text = joined_cves(a);
	m->label = r.label;
	m->has_severity = a->has_severity;
	m->severity = a->severity;
	m->has_cvss = a->has_cvss;
	m->score10 = a->cvss.score10;
	m->version = tlpress_advisory_current(a)->version;
	m->initial = a->revisions[0].date;
	m->current = tlpress_advisory_current(a)->date;
	it->has_meta = 1;
done:
	tlpress_buf_release(&body);
	tlpress_buf_release(&md);
	tlpress_buf_release(&out);
	tlpress_buf_release(&path);
	tlpress_buf_release(&sum);
	tlpress_advisory_free(a);
	tlpress_arena_end();
	it->rc = rc;
	it->err = NULL;
	if (rc) {
		it->err = malloc(sizeof(*it->err));
		if (it->err)
			*it->err = worker_err;
	}
	return rc;
}

/* The digest of what the index shows of an advisory: its meta's text
 * without the summary, which the index does not show (index_item() in
 * render_html.c), so that an edit of the paragraph it comes from does not
 * render the index again. The index's cache key hashes these in the
 * items' order. */
static void shown_digest(const struct tlpress_pubmeta *m, struct tlpress_buf *scratch,
			 unsigned char out[TLPRESS_SHA256_LEN])
{
	struct tlpress_pubmeta shown = *m;

	shown.summary = NULL;
	tlpress_buf_reset(scratch);
	meta_text(&shown, scratch);
	if (scratch->failed)
		tlpress_buf_addch(scratch, '!'); /* a text cut short: never equal */
	tlpress_sha256(scratch->ptr, scratch->len, out);
}

static void *worker(void *arg)
{
	struct worker_arg *wa = arg;
	struct build *b = wa->b;
	struct tlpress_buf scratch = TLPRESS_BUF_INIT;

	worker_id = wa->id;
	for (;;) {
		size_t i = atomic_fetch_add(&b->next, 1);
		struct item *it;

		if (i >= b->nitems || atomic_load(&b->stop))
			break;
		it = &b->items[i];
		if (it->verdict != TLPRESS_PUBLISH || it->early)
			continue;
		if (publish_one(b, it, NULL))
			atomic_store(&b->stop, 1);
		else if (it->has_meta && b->cache)
			shown_digest(&it->meta, &scratch, it->shown);
	}
	tlpress_buf_release(&scratch);
	return NULL;
}

/* What this build leaves in the cache for the item: its decision, and for
 * a published advisory its files and metadata. 0, 1 when the cache could
 * not take it, or an error (out of memory). On the rows' thread
 * (rows_start()): it reads the item, and adds to b->live, alone. */
static int cache_entry(struct build *b, struct item *it, struct tlpress_buf *scratch,
		       struct tlpress_error *err)
{
	struct tlpress_bcache_entry one, *e = &one;
	struct tlpress_buf outs = TLPRESS_BUF_INIT;
	struct tlpress_error cerr = TLPRESS_ERROR_INIT;
	size_t k;
	int rc, racy;

	if (it->verdict == TLPRESS_REFUSE_INVALID || !it->id || !it->size)
		return 0;
	/* racily clean (git's word): a file changed again within the clock's
	 * granularity of its last change could keep its size and time, so
	 * one changed in the last two seconds is read again next time: its
	 * row gets a time no file has (from_cache() never takes it), and
	 * says what was made of it (a rebuild of a few needs that: quick()) */
	racy = (long long)time(NULL) - it->mtime_ns / 1000000000LL < 2;
	b->live[b->nlive++] = it->path;
	/* taken whole from the cache: its row is already right */
	if (it->cached && (it->verdict != TLPRESS_PUBLISH || it->reused))
		return 0;
	if (it->verdict == TLPRESS_PUBLISH && (!it->has_meta || !it->rendered))
		return 0;
	memset(e, 0, sizeof(*e));
	e->path = strdup(it->path);
	e->id = strdup(it->id);
	e->slug = strdup(it->slug);
	e->size = it->size;
	e->mtime_ns = racy ? LLONG_MIN : it->mtime_ns;
	e->ino = it->ino;
	e->computed_at = it->computed_at;
	e->valid_until = it->valid_until;
	e->verdict = (int)it->verdict;
	e->tlp = (int)it->tlp;
	e->label = (int)it->label;
	e->ncut = it->ncut;
	memcpy(e->cutsig, it->cutsig, sizeof(e->cutsig));
	e->embargo_valid = it->embargo.valid;
	e->embargo = (long long)it->embargo.t;
	e->embargo_off = it->embargo.offset;
	e->has_downgrade = it->has_downgrade;
	e->downgrade_at = (long long)it->downgrade_at.t;
	e->downgrade_off = it->downgrade_at.offset;
	e->downgrade_to = (int)it->downgrade_to;
	if (it->verdict == TLPRESS_PUBLISH) {
		for (k = 0; k < it->nouts; k++) {
			hex(it->outs[k].sha256, TLPRESS_SHA256_LEN, &outs);
			tlpress_buf_printf(&outs, " %llu %s\n", it->outs[k].size, it->outs[k].path);
		}
		e->outs = tlpress_buf_detach(&outs, NULL);
		tlpress_buf_reset(scratch);
		meta_text(&it->meta, scratch);
		e->meta = scratch->failed ? NULL : strdup(scratch->ptr);
		e->csaf = it->csaf;
		memcpy(e->csaf_sha512, it->csaf_sha512, sizeof(e->csaf_sha512));
		if (!e->outs || !e->meta) {
			tlpress_bcache_entry_release(e);
			return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		}
	}
	if (!e->path || !e->id || !e->slug) {
		tlpress_bcache_entry_release(e);
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	}
	rc = tlpress_bcache_put(b->cache, e, &cerr);
	tlpress_bcache_entry_release(e);
	if (rc)
		*err = cerr; /* the cache is given up: said (rows_finish()) */
	return rc ? 1 : 0;
}

/*
 * The cache's rows of the items, put on a thread of their own while the
 * main one makes the listings (SQLite's inserts were most of the 80-120 ms
 * that the merge of pass 2 took at 10,000 advisories, alone on one core).
 * The listings' own rows wait for it (listing_part(): b->pending); the
 * items' metadata is shared with b->metas until it is done (rows_finish()).
 */
static void *rows_worker(void *arg)
{
	struct build *b = arg;
	size_t i;

	for (i = 0; i < b->nitems && !b->rows_failed; i++) {
		struct item *it = &b->items[i];

		if (it->verdict == TLPRESS_PUBLISH && it->refused)
			continue;
		b->rows_failed = cache_entry(b, it, &b->rows_scratch, &b->rows_err);
	}
	return NULL;
}

static void rows_start(struct build *b)
{
	b->rows_running = pthread_create(&b->rows_thread, NULL, rows_worker, b) == 0;
	if (!b->rows_running)
		rows_worker(b);
}

/* The build cache could not be written (err): the tree is built all the
 * same, and the cache keeps what it had; what the next build loses is
 * speed, which a cron job's operator should hear of, once. */
static void cache_lost(struct build *b, const struct tlpress_error *err)
{
	tlpress_diags_add(b->d, TLPRESS_WARNING, NULL, 0, 0, NULL,
			  "the tree is whole; the next build reads again what this one "
			  "could not record. Make room on the state folder's disk, or "
			  "remove the cache file if it is damaged",
			  "%s (the build cache is left as it was)", err->msg);
}

/* Wait for the rows' thread; then, for a build that went well (put), the
 * listings' rows. A cache that cannot be written costs speed only: it is
 * given up (b->spent). */
static int rows_finish(struct build *b, int put)
{
	struct tlpress_error cerr = TLPRESS_ERROR_INIT;
	size_t i;
	int rc = 0;

	if (b->rows_running)
		pthread_join(b->rows_thread, NULL);
	b->rows_running = 0;
	for (i = 0; i < b->nitems; i++)
		if (b->items[i].meta_shared) {
			memset(&b->items[i].meta, 0, sizeof(b->items[i].meta));
			b->items[i].meta_shared = 0;
		}
	if (b->rows_failed < 0) { /* out of memory */
		*b->err = b->rows_err;
		rc = b->rows_failed;
	}
	for (i = 0; i < b->npending; i++) {
		struct pending_row *p = &b->pending[i];

		if (put && b->cache && !b->rows_failed && p->outs) {
			struct tlpress_bcache_entry e;

			memset(&e, 0, sizeof(e));
			e.path = (char *)p->row;
			e.id = (char *)p->row;
			e.slug = (char *)"";
			e.valid_until = LLONG_MAX;
			e.verdict = TLPRESS_PUBLISH;
			e.outs = p->outs;
			e.meta = p->digest;
			if (tlpress_bcache_put(b->cache, &e, &cerr)) {
				b->rows_failed = 1;
				b->rows_err = cerr;
			}
		}
		if (put && b->live && !b->rows_failed)
			b->live[b->nlive++] = (char *)p->row;
		free(p->outs);
		p->outs = NULL;
	}
	b->npending = 0;
	if (b->cache && b->rows_failed) {
		if (b->rows_failed > 0)
			cache_lost(b, &b->rows_err);
		tlpress_bcache_rollback(b->cache);
		b->spent = b->cache;
		b->cache = NULL;
	}
	tlpress_buf_release(&b->rows_scratch);
	return rc;
}

/* Add the text of a meta to a digest. */
static void meta_digest(struct build *b, struct tlpress_sha256_ctx *h,
			const struct tlpress_pubmeta *m)
{
	tlpress_buf_reset(&b->mtext);
	meta_text(m, &b->mtext);
	tlpress_sha256_update(h, b->mtext.ptr, b->mtext.len);
	if (b->mtext.failed)
		tlpress_sha256_update(h, "!", 1); /* never equal */
}

/*
 * What the CSAF provider's files take of a document: not its hashes, which
 * only its own .sha256 and .sha512 files hold (the workers write them:
 * hashes_written), so that a change to the body alone, which changes the
 * document, leaves the ROLIE feeds, index.txt and changes.csv as they are.
 */
static void csaf_digest(struct tlpress_sha256_ctx *h, const struct tlpress_csaf_entry *e)
{
	long long num[5] = { (long long)e->label, (long long)e->initial.t, e->initial.offset,
			     (long long)e->current.t, e->current.offset };

	const char *s[3] = { e->path, e->id, e->title };
	size_t k;

	for (k = 0; k < 3; k++)
		tlpress_sha256_update(h, s[k] ? s[k] : "", s[k] ? strlen(s[k]) + 1 : 0);
	tlpress_sha256_update(h, num, sizeof(num));
}

/* The build's error is the first failed item's. */
static int item_failed(struct build *b, const struct item *it)
{
	if (it->err)
		*b->err = *it->err;
	else
		tlpress_error_set(b->err, it->rc, "out of memory");
	return it->rc;
}

/* Step 4 for what pass 1 did not publish, on a pool of workers; then the
 * results of both, merged in the items' order so that nothing depends on
 * which thread did what; then the cache's rows, on a thread of their own
 * (rows_start()). */
static int pass2(struct build *b)
{
	pthread_t threads[64];
	struct worker_arg args[64];
	struct {
		const struct out *v;
		size_t n;
	} *pub;                      /* the files of each published advisory */
	size_t i, k, n = b->o->jobs > 0 ? (size_t)b->o->jobs : 1, started = 0;
	size_t npub = 0, maxouts = 0;
	int rc = 0;

	if (n > sizeof(threads) / sizeof(threads[0]))
		n = sizeof(threads) / sizeof(threads[0]);
	/* (b->outs and b->old were made ready by pass 1, and b->stop stays
	 * set when an advisory it published failed) */
	atomic_store(&b->next, 0);
	for (i = 0; i < n; i++) {
		args[i].b = b;
		args[i].id = (int)i;
	}
	if (n > 1) {
		for (i = 0; i < n; i++)
			if (pthread_create(&threads[started], NULL, worker, &args[started]) == 0)
				started++;
		if (!started)
			worker(&args[0]);
		for (i = 0; i < started; i++)
			pthread_join(threads[i], NULL);
	} else {
		worker(&args[0]);
	}
	worker_id = 0;
	if (b->cache) {
		struct tlpress_error cerr = TLPRESS_ERROR_INIT;

		if (tlpress_bcache_begin(b->cache, &cerr)) {
			b->spent = b->cache;
			b->cache = NULL;
		}
	}
	pub = malloc((b->nitems ? b->nitems : 1) * sizeof(*pub));
	if (!pub)
		rc = tlpress_error_set(b->err, TLPRESS_ENOMEM, "out of memory");
	for (i = 0; i < b->nitems; i++) {
		struct item *it = &b->items[i];

		if (it->rc && !rc && it->verdict != TLPRESS_PUBLISH)
			rc = item_failed(b, it); /* pass 1 published it, then found
						    it claimed twice */
		if (it->verdict != TLPRESS_PUBLISH)
			continue; /* their decision goes in the cache (rows_start()) */
		for (k = 0; k < it->diags.n; k++) {
			const struct tlpress_diag *g = &it->diags.v[k];

			if (g->severity == TLPRESS_ERROR || !it->refused)
				tlpress_diags_add(b->d, g->severity, g->file, g->line, g->col,
						  g->key, g->hint, "%s", g->msg);
		}
		b->st->written += it->written;
		b->st->unchanged += it->unchanged;
		b->st->removed += it->removed;
		if (pub && it->nouts) {
			pub[npub].v = it->outs; /* the item's, or the pool's */
			pub[npub++].n = it->nouts;
			if (it->nouts > maxouts)
				maxouts = it->nouts;
		}
		if (it->refused)
			b->st->invalid++;
		if (it->has_meta) {
			struct tlpress_pubmeta *m = &b->metas[b->nmetas++];

			*m = it->meta;
			/* the rows' thread reads it too, until rows_finish() */
			if (b->cache)
				it->meta_shared = 1;
			else
				memset(&it->meta, 0, sizeof(it->meta));
			b->st->published++;
			if (b->cache)
				tlpress_sha256_update(&b->lhash, it->shown, sizeof(it->shown));
			if (it->csaf) {
				struct tlpress_csaf_entry *e = &b->csaf[b->ncsaf++];
				const struct out *o = &it->outs[it->csaf - 1];

				/* the strings belong to the item and the meta,
				 * which outlive the entry */
				e->path = o->path;
				e->id = m->id;
				e->title = m->title;
				e->label = m->label;
				e->initial = m->initial;
				e->current = m->current;
				memcpy(e->sha256, o->sha256, sizeof(e->sha256));
				memcpy(e->sha512, it->csaf_sha512, sizeof(e->sha512));
				e->hashes_written = 1;
				if (b->cache)
					csaf_digest(&b->chash, e);
			}
		}
		if (it->rc && !rc)
			rc = item_failed(b, it);
	}
	/* their files into the manifest kind by kind (each advisory's page,
	 * then each one's CVRF document ...): a few runs in order, which
	 * tlpress_manifest_sort() merges */
	for (k = 0; k < maxouts && !rc; k++)
		for (i = 0; i < npub && !rc; i++)
			if (k < pub[i].n)
				rc = tlpress_manifest_add(&b->new, pub[i].v[k].path, pub[i].v[k].size,
							  pub[i].v[k].sha256);
	free(pub);
	if (!rc && b->cache) {
		tlpress_buf_init(&b->rows_scratch, TLPRESS_BUF_NOLIMIT);
		rows_start(b);
	}
	return rc;
}

/* Is the manifest on disk already these bytes (and, in a signed tree,
 * signed)? Then neither is written again. */
static int same_manifest(struct build *b, const struct tlpress_buf *mpath,
			 const struct tlpress_buf *text, int sign)
{
	struct tlpress_buf asc = TLPRESS_BUF_INIT;
	const char *old;
	size_t len;
	int same;

	same = !tlpress_map_file(mpath->ptr, text->len, &old, &len, NULL, NULL) &&
	       len == text->len && !memcmp(old, text->ptr, text->len);
	tlpress_unmap_file(old, len);
	if (same && sign) {
		struct stat st;

		tlpress_buf_printf(&asc, "%s.asc", mpath->ptr);
		same = b->resign == 0 && lstat(asc.ptr, &st) == 0 && S_ISREG(st.st_mode);
	}
	tlpress_buf_release(&asc);
	return same;
}

/* The manifest's text, written as the tree's manifest unless it is
 * already (and, in a signed tree, signed): 1 then; else 0, or an error,
 * with the tree's files on disk first. */
static int put_manifest(struct build *b, const struct tlpress_buf *mpath,
			const struct tlpress_buf *buf)
{
	const struct tlpress_build_opts *o = b->o;
	const char *root;
	int rc;

	if (same_manifest(b, mpath, buf, o->signer != NULL))
		return 1; /* nothing changed: the manifest and its signature stay */
	if (!(root = wroot(b)))
		return b->err->code;
	rc = tlpress_sync(root, b->err);
	/* the old signature goes first: a run killed between the two writes
	 * below must leave an unsigned manifest, which the next build signs,
	 * not the old signature beside the new manifest, which same_manifest()
	 * would take for this one's and keep for good */
	if (!rc)
		rc = tlpress_remove(root, TLPRESS_MANIFEST_NAME ".asc", b->err);
	if (!rc)
		rc = tlpress_write_atomic(root, TLPRESS_MANIFEST_NAME, buf->ptr, buf->len, b->err);
	if (!rc && o->signer) {
		struct tlpress_buf asc = TLPRESS_BUF_INIT;

		rc = tlpress_sign_detached(o->signer, 0, buf->ptr, buf->len, &asc, b->err);
		if (!rc)
			rc = tlpress_write_atomic(root, TLPRESS_MANIFEST_NAME ".asc", asc.ptr,
						  asc.len, b->err);
		if (!rc)
			atomic_fetch_add(&b->signatures, 1);
		tlpress_buf_release(&asc);
	}
	return rc;
}

static int emit_cb(void *ctx, const char *rel, const void *data, size_t len)
{
	return emit(ctx, rel, data, len);
}

/* The CSAF provider's files: per TLP folder the hashes, index.txt,
 * changes.csv and ROLIE feed, then provider-metadata.json (the scratch
 * buffer of listing_part() is not needed). */
static int csaf_files(struct build *b, struct tlpress_buf *unused)
{
	(void)unused;
	return tlpress_csaf_provider_files(b->o->cfg, b->o->clearance, b->csaf, b->ncsaf, b->signer_fpr,
					   emit_cb, b, b->err);
}

/* Copy the stylesheets of the templates folder into the tree. */
static int static_files(struct build *b)
{
	const char *dir = b->o->cfg->templates;
	struct tlpress_buf full = TLPRESS_BUF_INIT, data = TLPRESS_BUF_INIT;
	struct dirent **names;
	int n, i, rc = 0;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0)
		return tlpress_error_errno(b->err, TLPRESS_EIO, errno,
					   "cannot read templates folder '%s'", dir);
	for (i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		size_t l = strlen(nm);

		if (!rc && nm[0] != '.' && l > 4 && !strcmp(nm + l - 4, ".css")) {
			tlpress_path_join(&full, dir, nm);
			tlpress_buf_reset(&data);
			rc = tlpress_read_file(full.ptr, 1 << 20, &data, NULL, b->err);
			if (!rc)
				rc = emit(b, nm, data.ptr, data.len);
		}
		free(names[i]);
	}
	free(names);
	tlpress_buf_release(&full);
	tlpress_buf_release(&data);
	return rc;
}

/*
 * Step 4 from the cache: when the digest of a part of the listings is the
 * one its row has, and each of their files is in the tree with its size,
 * they stay as they are and nothing is rendered. 1 when taken.
 */
static int listings_cached(struct build *b, const char *row, const char *digest)
{
	const struct tlpress_bcache_entry *e = tlpress_bcache_find(b->cache, row);
	unsigned char sha[TLPRESS_SHA256_LEN];
	unsigned long long size;
	char *outs, *p, *rel;
	size_t n = 0;
	int r = 1;

	if (!e || !e->meta || !e->outs || strcmp(e->meta, digest))
		return 0;
	/* out_line() reads in place: a copy for each pass */
	if (!(outs = strdup(e->outs)))
		return tlpress_error_set(b->err, TLPRESS_ENOMEM, "out of memory");
	for (p = outs; r == 1 && *p; n++)
		if (!(p = out_line(p, sha, &size, &rel)) || !on_disk(b, rel, size, NULL))
			r = 0;
	free(outs);
	if (r != 1)
		return r;
	if (!(outs = strdup(e->outs)))
		return tlpress_error_set(b->err, TLPRESS_ENOMEM, "out of memory");
	for (p = outs; r == 1 && *p;) {
		p = out_line(p, sha, &size, &rel);
		if (tlpress_manifest_add(&b->new, rel, size, sha))
			r = tlpress_error_set(b->err, TLPRESS_ENOMEM, "out of memory");
	}
	free(outs);
	if (r == 1)
		b->st->unchanged += n;
	return r;
}

/*
 * index.html, from the metadata of every published advisory (sorted):
 * rendered on a thread of its own while the main thread makes the feed
 * and the CSAF listings (the index is the longest of the three, 40-75 ms
 * at 10,000, the CSAF listings 35), written (emit()) by the main thread
 * when both are done. The render reads the metas, the templates and the
 * configuration, as the workers do; its errors go to its own err.
 */
struct index_job {
	struct build *b;
	struct tlpress_buf buf;
	struct tlpress_error err;
	int rc;
	pthread_t thread;
	int running;     /* on its thread: join it */
};

static void *index_render(void *arg)
{
	struct index_job *j = arg;
	const struct tlpress_build_opts *o = j->b->o;

	j->rc = tlpress_render_index(o->cfg, j->b->tmpl, o->clearance, j->b->signer_fpr,
				     j->b->metas, j->b->nmetas, &j->buf, &j->err);
	return NULL;
}

/* The entries of the feed: the newest (the metas sorted), as many as
 * tlpress_render_rss() takes. */
static size_t feed_entries(const struct build *b)
{
	size_t max = (size_t)b->o->cfg->site.feed_items;

	return b->nmetas < max ? b->nmetas : max;
}

/* feed.xml, from the metadata of its entries */
static int feed_page(struct build *b, struct tlpress_buf *buf)
{
	const struct tlpress_build_opts *o = b->o;
	int rc;

	tlpress_buf_reset(buf);
	rc = tlpress_render_rss(o->cfg, b->tmpl, o->clearance, b->signer_fpr, b->metas,
				feed_entries(b), buf, b->err);
	return rc ? rc : emit(b, "feed.xml", buf->ptr, buf->len);
}

/*
 * The first half of a part of step 4: 1 when the cache's row has it for
 * the digest of what it is made of (h, finished here; the digest, in hex,
 * to `digest` when there is a cache) and each of its files is in the
 * tree: it stays. 0 when it is to be made; < 0 on error.
 */
static int listing_check(struct build *b, const char *row, struct tlpress_sha256_ctx *h,
			 char digest[2 * TLPRESS_SHA256_LEN + 1])
{
	int rc;

	digest[0] = '\0';
	if (b->cache) {
		unsigned char d[TLPRESS_SHA256_LEN];

		if (!tlpress_sha256_final(h, d))
			tlpress_hex(d, sizeof(d), digest);
		if (digest[0]) {
			rc = listings_cached(b, row, digest);
			if (rc > 0) /* its row holds: kept (rows_finish()) */
				b->pending[b->npending++].row = row;
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* The second half, once the part is made: the files it made (those of the
 * manifest from `first` on) are its row's, put after the items' rows
 * (rows_finish()); a row that holds (listing_check()) is kept there. */
static void listing_made(struct build *b, const char *row, const char *digest, size_t first)
{
	struct tlpress_buf outs = TLPRESS_BUF_INIT;
	size_t k;

	if (!b->cache || !digest[0])
		return;
	for (k = first; k < b->new.n; k++) {
		hex(b->new.v[k].sha256, TLPRESS_SHA256_LEN, &outs);
		tlpress_buf_printf(&outs, " %llu %s\n", b->new.v[k].size, b->new.v[k].path);
	}
	if (!outs.failed) {
		struct pending_row *p = &b->pending[b->npending++];

		p->row = row;
		p->outs = tlpress_buf_detach(&outs, NULL);
		memcpy(p->digest, digest, sizeof(p->digest));
	}
	tlpress_buf_release(&outs);
}

/* One part of step 4: made by make() unless the cache's row has it. */
static int listing_part(struct build *b, const char *row, struct tlpress_sha256_ctx *h,
			int (*make)(struct build *, struct tlpress_buf *), struct tlpress_buf *buf)
{
	char digest[2 * TLPRESS_SHA256_LEN + 1];
	size_t first;
	int rc = listing_check(b, row, h, digest);

	if (rc)
		return rc < 0 ? rc : 0;
	first = b->new.n;
	rc = make(b, buf);
	if (!rc)
		listing_made(b, row, digest, first);
	return rc;
}

/* Step 4: index.html, feed.xml and the CSAF provider's files, each part
 * rendered only when what it is made of changed: an edit of an
 * advisory's body changes at most its summary, which only the feed shows,
 * and the feed only its newest entries. */
static int listings(struct build *b, struct tlpress_buf *buf)
{
	struct tlpress_sha256_ctx fhash = { NULL };
	struct index_job job = { NULL, TLPRESS_BUF_INIT, TLPRESS_ERROR_INIT, 0, 0, 0 };
	char idigest[2 * TLPRESS_SHA256_LEN + 1];
	size_t i;
	int rc, kept;

	tlpress_pubmeta_sort(b->metas, b->nmetas);
	if (b->cache) {
		tlpress_sha256_init(&fhash);
		tlpress_sha256_update(&fhash, b->fp, sizeof(b->fp));
		for (i = 0; i < feed_entries(b); i++)
			meta_digest(b, &fhash, &b->metas[i]);
	}
	kept = rc = listing_check(b, INDEX_ROW, &b->lhash, idigest);
	if (!rc) {
		/* the index on a thread of its own (index_render()), or here */
		job.b = b;
		job.running = pthread_create(&job.thread, NULL, index_render, &job) == 0;
		if (!job.running)
			index_render(&job);
	}
	if (rc >= 0)
		rc = listing_part(b, FEED_ROW, &fhash, feed_page, buf);
	if (!rc)
		rc = listing_part(b, CSAF_LISTINGS_ROW, &b->chash, csaf_files, buf);
	if (job.running)
		pthread_join(job.thread, NULL);
	if (!kept && job.rc) {
		/* the index's error first, as when it was made first */
		*b->err = job.err;
		rc = job.rc;
	} else if (!kept && !rc) {
		size_t first = b->new.n;

		rc = emit(b, "index.html", job.buf.ptr, job.buf.len);
		if (!rc)
			listing_made(b, INDEX_ROW, idigest, first);
	}
	tlpress_buf_release(&job.buf);
	if (fhash.h) {
		unsigned char dummy[TLPRESS_SHA256_LEN];

		tlpress_sha256_final(&fhash, dummy);
	}
	return rc;
}

/* What every cached decision and file depends on besides its advisory:
 * tlpress's version, the clearance, the key, the configuration file and
 * the templates. */
static void fingerprint(const struct tlpress_build_opts *o, unsigned char out[TLPRESS_SHA256_LEN])
{
	struct tlpress_buf all = TLPRESS_BUF_INIT, f = TLPRESS_BUF_INIT, full = TLPRESS_BUF_INIT;
	struct dirent **names;
	int n, i;

	tlpress_buf_printf(&all, "tlpress %s\n%s\n%s\n", TLPRESS_VERSION,
			   tlpress_tlp_label(o->clearance), o->signer_fpr ? o->signer_fpr : "-");
	if (o->cfg->path && !tlpress_read_file(o->cfg->path, 1 << 20, &f, NULL, NULL))
		tlpress_buf_add(&all, f.ptr, f.len);
	/* the defaults can differ by where the templates are */
	tlpress_buf_printf(&all, "\n%s\n%s\n", o->cfg->templates, o->cfg->site.url);
	n = scandir(o->cfg->templates, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		tlpress_path_join(&full, o->cfg->templates, names[i]->d_name);
		tlpress_buf_reset(&f);
		if (names[i]->d_name[0] != '.' &&
		    !tlpress_read_file(full.ptr, 1 << 20, &f, NULL, NULL)) {
			tlpress_buf_printf(&all, "%s %zu\n", names[i]->d_name, f.len);
			tlpress_buf_add(&all, f.ptr, f.len);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	tlpress_sha256(all.ptr, all.len, out);
	tlpress_buf_release(&all);
	tlpress_buf_release(&f);
	tlpress_buf_release(&full);
}

/*
 * The files in which the stage (the version before the live one) differs
 * from the live tree, from their two manifests, for tlpress_tree_stage_delta():
 * a rebuild after one change then syncs the stage at the few files the last
 * build changed, not by reading every folder of both (a tenth of such a
 * rebuild of 10,000 advisories). Only for a live tree as the last build left
 * it (b->intact) and a stage whose manifest is there (a build that removed
 * files took it away, as one whose stage cannot be trusted).
 */
struct delta {
	char **v;
	size_t n, cap;
};

/* a path at which the stage's version and the live one differ (a copy:
 * the manifest file's are read in place) */
static int delta_path(void *ctx, const char *path)
{
	struct delta *d = ctx;

	if (d->n == d->cap) {
		size_t nc = d->cap ? 2 * d->cap : 64;
		char **v = realloc(d->v, nc * sizeof(*v));

		if (!v)
			return -1;
		d->v = v;
		d->cap = nc;
	}
	if (!(d->v[d->n] = strdup(path)))
		return -1;
	d->n++;
	return 0;
}

static void stage_delta(struct build *b, const char *stage)
{
	struct tlpress_buf path = TLPRESS_BUF_INIT;
	struct delta d = { NULL, 0, 0 };
	char clearance[24];
	size_t i;

	if (!b->intact || !stage || !*stage)
		return;
	tlpress_path_join(&path, stage, TLPRESS_MANIFEST_NAME);
	/* the manifest and its signature differ, whatever they hold; out of
	 * memory, or a manifest that is not one, and no delta holds: the
	 * whole sync */
	if (!delta_path(&d, TLPRESS_MANIFEST_NAME) && !delta_path(&d, TLPRESS_MANIFEST_NAME ".asc") &&
	    !tlpress_manifest_diff_file(path.ptr, &b->old, clearance, delta_path, &d) &&
	    !strcmp(clearance, b->old.clearance))
		tlpress_tree_stage_delta(b->tree, d.v, d.n); /* out of memory: the whole sync */
	for (i = 0; i < d.n; i++)
		free(d.v[i]);
	free(d.v);
	tlpress_buf_release(&path);
}

/* The last build's manifest, checked against this build's clearance, and
 * the stage brought to the live version (stage_delta()). It runs beside
 * the cache read: it uses b->old, b->new's heading and b->tree, which
 * nothing else touches until it is joined. */
struct manifest_read {
	struct build *b;
	const char *mpath, *stage;
	struct tlpress_error err;
	int rc;
};

static void *manifest_read(void *arg)
{
	struct manifest_read *mr = arg;
	struct build *b = mr->b;
	const struct tlpress_build_opts *o = b->o;

	mr->rc = tlpress_manifest_load(&b->old, mr->mpath, &mr->err);
	if (mr->rc)
		return NULL;
	if (tlpress_policy_tree_overwrite_ok(b->old.clearance, o->clearance)) {
		mr->rc = tlpress_error_set(&mr->err, TLPRESS_EPOLICY,
					   "'%s' holds a tree cleared for %s; build the %s tree into "
					   "another folder (-o DIR)", o->output, b->old.clearance,
					   tlpress_tlp_label(o->clearance));
		return NULL;
	}
	snprintf(b->new.clearance, sizeof(b->new.clearance), "%s", tlpress_tlp_label(o->clearance));
	if (o->signer) {
		b->signer_fpr = o->signer_fpr;
		snprintf(b->new.signer, sizeof(b->new.signer), "%s", o->signer_fpr);
		/* another key than last time: every file is signed anew */
		b->resign = strcmp(b->old.signer, o->signer_fpr) != 0;
	}
	b->began_intact = b->intact;
	stage_delta(b, mr->stage);
	return NULL;
}

/* Where a build makes the next version of the tree `output`: the hidden
 * folder ".NAME.tlpress-stage" beside it (empty: none, for "." and the
 * like, which are then written in place). */
static void stage_path(const char *output, struct tlpress_buf *out)
{
	size_t n = strlen(output), k;

	while (n > 1 && output[n - 1] == '/')
		n--;
	k = n;
	while (k > 0 && output[k - 1] != '/')
		k--;
	if (n == k || (n - k == 1 && output[k] == '.') ||
	    (n - k == 2 && output[k] == '.' && output[k + 1] == '.'))
		return;
	tlpress_buf_add(out, output, k);
	tlpress_buf_printf(out, ".%.*s.tlpress-stage", (int)(n - k), output + k);
}

/*
 * The snapshot of the last build of this tree (snapshot.h): 1 when it
 * shows that nothing changed (st then has that build's counts), else 0,
 * the snapshot removed (this build may change the tree) and *spath its
 * name, for this build to write anew when it ends well. fp and digest get
 * the build's fingerprint and the digest of its inputs.
 */
static int snapshot_taken(const struct tlpress_build_opts *o, const struct tlpress_pathlist *files,
			  const char *tree, unsigned char fp[TLPRESS_SHA256_LEN],
			  unsigned char digest[TLPRESS_SHA256_LEN],
			  struct tlpress_snapshot_fstat *fstat, struct tlpress_buf *spath,
			  struct tlpress_build_stats *st, int *intact, struct tlpress_snapshot *sp)
{
	struct tlpress_snapshot s = TLPRESS_SNAPSHOT_INIT;
	struct tlpress_buf name = TLPRESS_BUF_INIT;
	unsigned char th[TLPRESS_SHA256_LEN];
	char hx[2 * TLPRESS_SHA256_LEN + 1];
	struct stat cst;
	int taken = 0;

	fingerprint(o, fp);
	tlpress_sha256(tree, strlen(tree), th);
	tlpress_hex(th, 8, hx);
	tlpress_buf_printf(&name, "snapshot-%s", hx);
	tlpress_path_join(spath, o->state, name.ptr);
	tlpress_snapshot_digest(fp, tree, files, o->jobs, digest, fstat);
	/* a caller that wants each advisory reported needs the whole build;
	 * so does a build cache that must be made 0600 again (bcache.h) */
	tlpress_path_join(&name, o->state, TLPRESS_BCACHE_NAME);
	*intact = !o->full && !tlpress_snapshot_load(&s, spath->ptr) &&
		  tlpress_snapshot_tree_holds(&s, o->output);
	if (*intact && !o->report && stat(name.ptr, &cst) == 0 && !(cst.st_mode & 077) &&
	    tlpress_snapshot_holds(&s, o->output, digest, (long long)o->now.t)) {
		st->files = s.files;
		st->published = s.published;
		st->drafts = s.drafts;
		st->embargoed = s.embargoed;
		st->above = s.above;
		st->unchanged = s.unchanged;
		taken = 1;
	} else if (unlink(spath->ptr) < 0 && errno != ENOENT) {
		tlpress_buf_reset(spath); /* a snapshot that stays must not be trusted */
		taken = -1;
	}
	if (taken == 0 && *intact) {
		*sp = s; /* for a rebuild of a few (quick()) */
		memset(&s, 0, sizeof(s));
	}
	tlpress_snapshot_release(&s);
	tlpress_buf_release(&name);
	return taken == 1;
}

/* After a build that ended well: its snapshot, for the next one. Best
 * effort: without it the next build is slower, not wrong. */
static void snapshot_save(struct build *b, const unsigned char digest[TLPRESS_SHA256_LEN],
			  const struct tlpress_buf *spath)
{
	struct tlpress_snapshot s = TLPRESS_SNAPSHOT_INIT;
	struct tlpress_error e2 = TLPRESS_ERROR_INIT;
	const char *out = b->o->output;
	long long now = (long long)time(NULL);
	size_t i;
	int r, racy = 0;

	memcpy(s.digest, digest, TLPRESS_SHA256_LEN);
	s.from = (long long)b->o->now.t;
	s.until = LLONG_MAX;
	/* what a rebuild of a few needs (quick()): which files, as they were */
	memcpy(s.fp, b->fp, sizeof(s.fp));
	tlpress_snapshot_names(b->nitems ? (const char *const *)&b->items[0].path : NULL,
			       b->nitems, sizeof(*b->items), s.names);
	s.racy = now - 2;
	s.fs = b->fstat;
	s.nfs = b->fstat ? b->nitems : 0;
	for (i = 0; s.fs && i < feed_entries(b); i++)
		if (tlpress_snapshot_feed_add(&s, b->metas[i].id))
			s.fs = NULL; /* out of memory: no rebuild of a few next time */
	for (i = 0; i < b->nitems; i++) {
		/* racily clean (cache_entry()): a file changed in the last two
		 * seconds could change again with the same size and time */
		if (now - b->items[i].mtime_ns / 1000000000LL < 2)
			racy = 1;
		if (b->items[i].valid_until < s.until)
			s.until = b->items[i].valid_until;
	}
	/* then the digest proves nothing and the snapshot holds at no moment;
	 * its stamps still tell the next build that the tree is as this one
	 * left it, so that it takes the files there from the manifest rather
	 * than stat each one (on_disk()) */
	s.decided = s.until;
	if (racy)
		s.until = s.from;
	s.files = b->st->files;
	s.published = b->st->published;
	s.drafts = b->st->drafts;
	s.embargoed = b->st->embargoed;
	s.above = b->st->above;
	s.unchanged = b->st->written + b->st->unchanged;
	/* the tree's folders (a file added, removed or renamed changes its
	 * folder's time) and its manifest */
	r = tlpress_snapshot_stamp(&s, out, ".");
	if (!r)
		r = tlpress_snapshot_stamp(&s, out, TLPRESS_MANIFEST_NAME);
	for (i = 0; !r && i < b->new.n; i++) {
		const char *rel = b->new.v[i].path, *slash = strrchr(rel, '/');
		char dir[1024];
		size_t k;

		if (!slash || (size_t)(slash - rel) >= sizeof(dir))
			continue;
		memcpy(dir, rel, (size_t)(slash - rel));
		dir[slash - rel] = '\0';
		for (k = 0; k < s.n && strcmp(s.v[k].rel, dir); k++)
			;
		if (k == s.n)
			r = tlpress_snapshot_stamp(&s, out, dir);
	}
	if (!r)
		tlpress_snapshot_save(&s, spath->ptr, &e2);
	s.fs = NULL; /* b's */
	tlpress_snapshot_release(&s);
}

/* A rebuild that reads this many advisory files again, or fewer, goes the
 * quick way (quick()) */
#define QUICK_MAX 16

/*
 * Would the listings show meta as they show `was` (a cache row's meta
 * text)? The index and the CSAF provider's files show all of it but the
 * summary (shown_digest(), csaf_digest()); the feed shows the summary too,
 * of its entries alone, the newest (its order is that of the dates and
 * ids, which the summary does not change).
 */
static int same_listed(const struct tlpress_snapshot *s, const struct tlpress_pubmeta *meta,
		       const char *was, struct tlpress_buf *scratch)
{
	unsigned char d1[TLPRESS_SHA256_LEN], d2[TLPRESS_SHA256_LEN];
	struct tlpress_pubmeta w;
	char *copy;
	size_t i;

	for (i = 0; i < s->nfeed && strcmp(s->feed[i], meta->id); i++)
		;
	if (i < s->nfeed) {
		tlpress_buf_reset(scratch);
		meta_text(meta, scratch);
		return !scratch->failed && !strcmp(scratch->ptr, was);
	}
	if (!(copy = strdup(was)) || meta_parse(copy, &w)) {
		free(copy);
		return 0;
	}
	shown_digest(meta, scratch, d1);
	shown_digest(&w, scratch, d2);
	free(copy); /* w's strings were its */
	return !memcmp(d1, d2, sizeof(d1));
}

/* With TLPRESS_TIMINGS, why a rebuild did not go the quick way; 0 */
static int why_not(struct build *b, const char *why)
{
	if (b->timings)
		fprintf(stderr, "tlpress: timing: not the quick way: %s\n", why);
	return 0;
}

static void quick_forget(struct build *b, struct item *items, size_t n)
{
	size_t i;

	for (i = 0; i < b->nlater; i++) {
		free(b->later[i].rel);
		free(b->later[i].data);
	}
	free(b->later);
	b->later = NULL;
	b->nlater = 0;
	for (i = 0; i < n; i++) {
		item_release(&items[i]);
		free(items[i].outs); /* its own, not the pool's (pool_outs()) */
	}
	free(items);
}

/*
 * A rebuild of a few: after a build whose snapshot (snapshot.h) says which
 * advisory files it read and how they were, a build that finds at most
 * QUICK_MAX of them changed (and the same files, fingerprint and tree,
 * with every decision still holding) reads those alone. When each is
 * decided as before (the same id, slug and verdict) and, published, shows
 * the same metadata through the same files, nothing else of the tree can
 * change: not the listings (made of the metadata alone, listings()), not
 * the withdrawals, not the other advisories. Their files are then written,
 * the manifest's lines for them changed in the last manifest's text (the
 * rest is copied), their cache rows put, and the snapshot saved again; no
 * other row is read, no other file looked at. At 10,000 advisories, one
 * body edited: 70-80 ms rather than 95-125 (bench/build), most of it the
 * stat of every advisory file, which the snapshot's digest needs anyway.
 * 1 when done; 0 when this build is not one (nothing was written: the whole
 * build goes on); or an error.
 */
static int quick(struct build *b, struct tlpress_pathlist *files, const struct tlpress_snapshot *s,
		 const char *treekey, const unsigned char fp[TLPRESS_SHA256_LEN],
		 const unsigned char digest[TLPRESS_SHA256_LEN], const struct tlpress_buf *spath,
		 const char *stage, const struct tlpress_buf *mpath)
{
	const struct tlpress_build_opts *o = b->o;
	long long now = (long long)o->now.t, wall = (long long)time(NULL);
	char *paths[QUICK_MAX], clearance[24], signer[48];
	unsigned char names[TLPRESS_SHA256_LEN];
	struct item *items = NULL;
	struct tlpress_buf text = TLPRESS_BUF_INIT;
	const char *live = NULL, *stext;
	size_t livelen = 0, stextlen;
	struct tlpress_buf scratch = TLPRESS_BUF_INIT, sm = TLPRESS_BUF_INIT;
	struct tlpress_manifest repl = TLPRESS_MANIFEST_INIT;
	struct tlpress_error cerr = TLPRESS_ERROR_INIT;
	struct tlpress_snapshot ns = TLPRESS_SNAPSHOT_INIT;
	struct tlpress_snapshot_fstat was;
	size_t k = 0, i, j, nth, idx[QUICK_MAX], written = 0;
	const char *why = "out of memory";
	int rc = 0, racy = 0, doc, committed = 0;

	if (!o->state || o->full || o->report || o->in_place || !stage || !*stage || !b->intact ||
	    !s->raw || !files->n || !b->fstat)
		return why_not(b, "not after a build with a snapshot");
	if (s->nfs != files->n)
		return why_not(b, "files were added or removed");
	if (memcmp(s->fp, fp, TLPRESS_SHA256_LEN))
		return why_not(b, "the configuration, templates or key changed");
	if (now < s->from || now >= s->decided)
		return why_not(b, "an embargo or downgrade is due");
	/* the files read again: changed, or changed too recently to tell */
	for (i = 0; i < files->n; i++) {
		const struct tlpress_snapshot_fstat *y = &b->fstat[i], *x = &was;

		tlpress_snapshot_file(s, i, &was);
		if (!y->ok)
			return why_not(b, "a file cannot be read");
		if (x->ok && x->size == y->size && x->mtime_ns == y->mtime_ns && x->ino == y->ino &&
		    y->mtime_ns / 1000000000LL < s->racy)
			continue;
		if (k == QUICK_MAX)
			return why_not(b, "too many files changed");
		idx[k] = i;
		paths[k++] = files->v[i];
	}
	tlpress_snapshot_names((const char *const *)files->v, files->n, sizeof(*files->v), names);
	if (!k || memcmp(names, s->names, sizeof(names)))
		return why_not(b, k ? "files were added or removed" : "nothing changed");
	if (b->timings)
		for (i = 0; i < k; i++)
			fprintf(stderr, "tlpress: timing: the quick way reads %s\n", paths[i]);
	/* libxml2, for their CVRF documents, loads meanwhile (cvrf.h) */
	tlpress_cvrf_preload();
	/* their rows: what the last build made of them */
	if (tlpress_bcache_open_only(&b->cache, o->state, treekey, fp, paths, k, &cerr)) {
		b->cache = NULL;
		return why_not(b, "no build cache");
	}
	memcpy(b->fp, fp, TLPRESS_SHA256_LEN);
	items = calloc(k, sizeof(*items));
	if (!items)
		goto not_quick;
	atomic_store(&b->early_ok, 0);
	b->signer_fpr = o->signer ? o->signer_fpr : NULL;
	for (i = 0; i < k; i++) {
		struct item *it = &items[i];
		const struct tlpress_bcache_entry *row = tlpress_bcache_find(b->cache, paths[i]);
		struct tlpress_manifest ro = TLPRESS_MANIFEST_INIT;
		size_t lines = 0, want;
		const char *p;
		int same = 1;

		it->path = paths[i];     /* the scan's: borrowed */
		it->stat_known = -1;     /* read, whatever the cache says */
		it->size = b->fstat[idx[i]].size;
		it->mtime_ns = b->fstat[idx[i]].mtime_ns;
		it->ino = b->fstat[idx[i]].ino;
		why = "a file changed has no row in the build cache";
		if (!row || !row->id || row->verdict == TLPRESS_REFUSE_INVALID)
			goto not_quick;
		decide(b, it, &scratch);
		why = "an advisory's id, slug or verdict changed";
		if (it->verdict != (enum tlpress_verdict)row->verdict || !it->id ||
		    strcmp(it->id, row->id) || strcmp(it->slug, row->slug ? row->slug : ""))
			goto not_quick;
		if (it->verdict != TLPRESS_PUBLISH) {
			if (row->outs)
				goto not_quick;
			continue;
		}
		if (!row->outs || !row->meta)
			goto not_quick;
		b->defer = 1;
		rc = publish_one(b, it, NULL);
		b->defer = 0;
		why = "an advisory has errors";
		if (rc || it->refused || !it->has_meta)
			goto not_quick; /* its errors are the whole build's to report */
		why = "an advisory's listed metadata changed";
		if (!same_listed(s, &it->meta, row->meta, &scratch) || !it->csaf != !row->csaf)
			goto not_quick;
		/* the same files as the last build's */
		for (p = row->outs; *p; p++)
			lines += *p == '\n';
		want = it->nouts * (b->signer_fpr ? 2 : 1);
		if (tlpress_manifest_parse(&ro, row->outs, strlen(row->outs), "cache", &cerr) ||
		    ro.n != lines || ro.n != want)
			same = 0;
		for (j = 0; same && j < it->nouts; j++) {
			tlpress_buf_reset(&scratch);
			tlpress_buf_printf(&scratch, "%s.asc", it->outs[j].path);
			same = tlpress_manifest_find(&ro, it->outs[j].path) &&
			       (!b->signer_fpr || tlpress_manifest_find(&ro, scratch.ptr));
		}
		for (j = 0; same && j < ro.n; j++)
			same = !tlpress_manifest_add(&b->old, ro.v[j].path, ro.v[j].size,
						     ro.v[j].sha256);
		tlpress_manifest_release(&ro);
		why = "an advisory's files are not those of the last build";
		if (!same)
			goto not_quick;
	}
	why = "the live manifest is not as the build cache says";
	/* the live tree's manifest has their lines as their rows say, with
	 * this clearance and key */
	if (tlpress_map_file(mpath->ptr, (size_t)256 << 20, &live, &livelen, NULL, NULL))
		goto not_quick;
	tlpress_manifest_heading(live, livelen, clearance, signer);
	if (tlpress_policy_tree_overwrite_ok(clearance, o->clearance) ||
	    strcmp(signer, b->signer_fpr ? b->signer_fpr : "") ||
	    tlpress_manifest_patch(live, livelen, &b->old, NULL))
		goto not_quick;
	timing(b, "quick: decisions");

	/* from here on, it goes */
	snprintf(b->new.clearance, sizeof(b->new.clearance), "%s", clearance);
	snprintf(b->new.signer, sizeof(b->new.signer), "%s", signer);
	snprintf(b->old.clearance, sizeof(b->old.clearance), "%s", clearance);
	snprintf(b->old.signer, sizeof(b->old.signer), "%s", signer);
	b->began_intact = 1;
	/* the stage brought to the live version where they differ (as
	 * stage_delta(), from the two manifests' texts) */
	tlpress_path_join(&sm, stage, TLPRESS_MANIFEST_NAME);
	if (!tlpress_map_file(sm.ptr, (size_t)256 << 20, &stext, &stextlen, NULL, NULL)) {
		struct delta d = { NULL, 0, 0 };
		char sc[24], ss[48];

		tlpress_manifest_heading(stext, stextlen, sc, ss);
		if (!strcmp(sc, clearance) && !delta_path(&d, TLPRESS_MANIFEST_NAME) &&
		    !delta_path(&d, TLPRESS_MANIFEST_NAME ".asc") &&
		    !tlpress_manifest_diff_text(stext, stextlen, live, livelen, delta_path, &d))
			tlpress_tree_stage_delta(b->tree, d.v, d.n);
		for (i = 0; i < d.n; i++)
			free(d.v[i]);
		free(d.v);
		tlpress_unmap_file(stext, stextlen);
	}
	/* the stage, begun: a tree written in place (no stage could be made)
	 * is not for the quick way, which has written nothing yet; a
	 * build cut short in the stage is the next one's to mend (the stage's
	 * mark, fsutil.c), as any build's */
	if (b->nlater && tlpress_tree_begin(b->tree, b->err)) {
		rc = b->err->code;
		goto done;
	}
	if (b->nlater && !tlpress_tree_staged(b->tree)) {
		why = "the tree is written in place";
		goto not_quick;
	}
	/* their files, written (and signed) now */
	for (i = 0; i < k; i++) {
		struct item *it = &items[i];

		for (j = 0; j < it->nouts; j++)
			free(it->outs[j].path);
		it->nouts = 0;
		it->err = b->err;
	}
	/* each item's files come together, in the order publish_one() made
	 * them: its CSAF document is the csaf-th, and gets its place among
	 * its files again, signatures and all */
	for (i = 0, nth = 0, doc = 0; i < b->nlater && !rc; i++) {
		struct item *it = b->later[i].it;
		size_t at = it->nouts;

		if (i && b->later[i - 1].it == it) {
			nth++;
		} else {
			nth = 0;
			doc = it->csaf;
		}
		rc = emit_item(b, it, b->later[i].rel, b->later[i].data, b->later[i].len);
		if (!rc && doc && nth + 1 == (size_t)doc)
			it->csaf = (int)at + 1;
	}
	for (i = 0; i < k; i++) {
		struct item *it = &items[i];

		it->err = NULL;
		written += it->written;
		for (j = 0; j < it->nouts && !rc; j++)
			rc = tlpress_manifest_add(&repl, it->outs[j].path, it->outs[j].size,
						  it->outs[j].sha256) ? TLPRESS_ENOMEM : 0;
		for (j = 0; j < it->diags.n; j++) {
			const struct tlpress_diag *g = &it->diags.v[j];

			tlpress_diags_add(b->d, g->severity, g->file, g->line, g->col, g->key,
					  g->hint, "%s", g->msg);
		}
	}
	if (rc == TLPRESS_ENOMEM)
		tlpress_error_set(b->err, rc, "out of memory");
	timing(b, "quick: files");
	/* the manifest: the live one's text, their lines changed */
	if (!rc && (rc = tlpress_manifest_patch(live, livelen, &repl, &text)))
		rc = tlpress_error_set(b->err, rc == -1 ? TLPRESS_EIO : rc, "'%s': the files of "
				       "the advisories changed are not those it lists; build "
				       "again with --full", mpath->ptr);
	if (!rc)
		rc = put_manifest(b, mpath, &text);
	if (rc < 0)
		goto done;
	rc = 0;
	if (tlpress_tree_staged(b->tree)) {
		rc = tlpress_sync(tlpress_tree_root(b->tree), b->err);
		if (!rc)
			rc = tlpress_tree_commit(b->tree, b->err);
		if (rc)
			goto done;
	}
	timing(b, "quick: manifest, switch");
	/* their rows */
	b->live = calloc(k + 1, sizeof(*b->live));
	if (!b->live)
		tlpress_error_set(&cerr, TLPRESS_ENOMEM, "out of memory");
	else if (!tlpress_bcache_begin(b->cache, &cerr)) {
		for (i = 0; i < k && !cache_entry(b, &items[i], &scratch, &cerr); i++)
			;
		tlpress_sort(b->live, b->nlive, sizeof(*b->live), cmp_str);
		if (i == k)
			committed = !tlpress_bcache_commit(b->cache, b->live, b->nlive, &cerr);
		else
			tlpress_bcache_rollback(b->cache);
	}
	if (!committed)
		cache_lost(b, &cerr);
	/* the counts are the last build's; the files written are these */
	b->st->files = s->files;
	b->st->published = s->published;
	b->st->drafts = s->drafts;
	b->st->embargoed = s->embargoed;
	b->st->above = s->above;
	b->st->written = written;
	b->st->unchanged = s->unchanged > written ? s->unchanged - written : 0;
	b->st->cached = files->n - k;
	/* and the snapshot again, for the next build, as snapshot_save()
	 * (and as there, only beside their rows) */
	if (committed && spath->len && !b->d->nerrors && !b->d->failed) {
		struct tlpress_error e2 = TLPRESS_ERROR_INIT;
		int r = 0;

		memcpy(ns.digest, digest, TLPRESS_SHA256_LEN);
		memcpy(ns.fp, fp, TLPRESS_SHA256_LEN);
		memcpy(ns.names, names, TLPRESS_SHA256_LEN);
		ns.from = now;
		ns.decided = s->decided;
		for (i = 0; i < k; i++) {
			if (wall - items[i].mtime_ns / 1000000000LL < 2)
				racy = 1;
			if (items[i].valid_until < ns.decided)
				ns.decided = items[i].valid_until;
		}
		ns.until = racy ? ns.from : ns.decided;
		ns.racy = wall - 2;
		ns.files = s->files;
		ns.published = s->published;
		ns.drafts = s->drafts;
		ns.embargoed = s->embargoed;
		ns.above = s->above;
		ns.unchanged = s->unchanged;
		ns.fs = b->fstat;
		ns.nfs = files->n;
		/* the same entries: their dates and ids are what they were */
		for (i = 0; !r && i < s->nfeed; i++)
			r = tlpress_snapshot_feed_add(&ns, s->feed[i]);
		for (i = 0; !r && i < s->n; i++)
			r = tlpress_snapshot_stamp(&ns, o->output, s->v[i].rel);
		if (!r)
			tlpress_snapshot_save(&ns, spath->ptr, &e2);
		ns.fs = NULL; /* b's */
		tlpress_snapshot_release(&ns);
	}
	timing(b, "quick: cache, snapshot");
	rc = 1;
	goto done;
not_quick:
	/* as it was: the whole build goes on */
	why_not(b, why);
	b->defer = 0;
	tlpress_bcache_close(b->cache);
	b->cache = NULL;
	tlpress_manifest_release(&b->old);
	b->signer_fpr = NULL;
	rc = 0;
done:
	quick_forget(b, items, k);
	tlpress_manifest_release(&repl);
	tlpress_unmap_file(live, livelen);
	tlpress_buf_release(&text);
	tlpress_buf_release(&scratch);
	tlpress_buf_release(&sm);
	return rc;
}

int tlpress_build(const struct tlpress_build_opts *o, struct tlpress_build_stats *st,
		  struct tlpress_diags *diags, struct tlpress_error *err)
{
	struct build b = { .o = o, .st = st, .d = diags, .err = err,
			   .old = TLPRESS_MANIFEST_INIT, .new = TLPRESS_MANIFEST_INIT };
	struct tlpress_pathlist files = TLPRESS_PATHLIST_INIT;
	struct tlpress_buf buf = TLPRESS_BUF_INIT, mpath = TLPRESS_BUF_INIT;
	struct tlpress_buf stage = TLPRESS_BUF_INIT, spath = TLPRESS_BUF_INIT;
	struct tlpress_buf treekey = TLPRESS_BUF_INIT;
	struct manifest_read mr = { .err = TLPRESS_ERROR_INIT };
	struct tlpress_snapshot last = TLPRESS_SNAPSHOT_INIT;
	pthread_t reader;
	char abs[PATH_MAX];
	unsigned char fp[TLPRESS_SHA256_LEN], digest[TLPRESS_SHA256_LEN];
	size_t i;
	int rc, reading, committed = 0;

	memset(st, 0, sizeof(*st));
	b.timings = getenv("TLPRESS_TIMINGS") && strcmp(getenv("TLPRESS_TIMINGS"), "") &&
		    strcmp(getenv("TLPRESS_TIMINGS"), "0");
	timing(&b, NULL);
	tlpress_buf_init(&b.mtext, TLPRESS_BUF_NOLIMIT);
	if (tlpress_policy_tree_clearance_ok(o->clearance))
		return tlpress_error_set(err, TLPRESS_EPOLICY,
					 "a tree cannot be cleared for %s: AMBER and above reach "
					 "people by mail alone; build CLEAR (the public site) or "
					 "GREEN (a protected portal)", tlpress_tlp_label(o->clearance));
	/* the templates first: nothing is touched when they are broken */
	b.tmpl = tlpress_tmplset_new();
	if (!b.tmpl)
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	rc = tlpress_tmplset_load_dir(b.tmpl, o->cfg->templates, err);
	if (rc < 0)
		goto out;
	rc = 0;
	for (i = 0; i < 3; i++) {
		static const char *const need[] = { "page", "index", "feed" };

		if (!tlpress_tmplset_has(b.tmpl, need[i])) {
			rc = tlpress_error_set(err, TLPRESS_EIO, "templates folder '%s' has no "
					       "%s.mustache; point 'templates' in tlpress.yml at a "
					       "complete set", o->cfg->templates, need[i]);
			goto out;
		}
	}
	/* the advisories */
	if (o->npaths == 0)
		rc = tlpress_scan(o->cfg->advisories, &files, err);
	for (i = 0; i < o->npaths && !rc; i++)
		rc = tlpress_scan(o->paths[i], &files, err);
	if (rc)
		goto out;
	timing(&b, "templates, scan");
	/* the tree */
	rc = tlpress_mkroot(o->output, err);
	if (!rc) {
		if (!o->in_place)
			stage_path(o->output, &stage);
		rc = tlpress_tree_open_staged(&b.tree, o->output, stage.len ? stage.ptr : NULL, err);
	}
	if (rc)
		goto out;
	/* what names this tree in the state folder: its cache rows, its
	 * snapshot */
	if (o->state) {
		tlpress_buf_printf(&treekey, "%s %s", realpath(o->output, abs) ? abs : o->output,
				   tlpress_tlp_label(o->clearance));
		b.fstat = calloc(files.n ? files.n : 1, sizeof(*b.fstat));
		if (!b.fstat) {
			rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (o->state && snapshot_taken(o, &files, treekey.ptr, fp, digest, b.fstat, &spath, st,
				       &b.intact, &last)) {
		st->cached = st->files; /* every decision stands: nothing was read */
		timing(&b, "snapshot");
		goto out;
	}
	timing(&b, "snapshot");
	tlpress_path_join(&mpath, o->output, TLPRESS_MANIFEST_NAME);
	rc = quick(&b, &files, &last, treekey.ptr, fp, digest, &spath, stage.ptr, &mpath);
	if (rc) {
		rc = rc < 0 ? rc : 0;
		goto out;
	}
	mr.b = &b;
	mr.mpath = mpath.ptr;
	mr.stage = stage.ptr;
	/* beside the cache read, which touches none of what it does */
	reading = o->state && pthread_create(&reader, NULL, manifest_read, &mr) == 0;
	if (!reading)
		manifest_read(&mr);
	if (o->state) {
		struct tlpress_error cerr = TLPRESS_ERROR_INIT;

		/* without a cache the build is slower, not wrong: said, not fatal */
		if (tlpress_bcache_open(&b.cache, o->state, treekey.ptr, fp, &cerr)) {
			b.cache = NULL;
			memcpy(st->no_cache, cerr.msg, sizeof(st->no_cache));
		}
		memcpy(b.fp, fp, sizeof(fp));
		tlpress_sha256_init(&b.lhash);
		tlpress_sha256_update(&b.lhash, fp, sizeof(fp));
		tlpress_sha256_init(&b.chash);
		tlpress_sha256_update(&b.chash, fp, sizeof(fp));
	}
	if (reading)
		pthread_join(reader, NULL);
	if (mr.rc) {
		*err = mr.err;
		rc = mr.rc;
		goto out;
	}
	timing(&b, "manifest, cache read");
	rc = pass1(&b, &files);
	if (!rc)
		rc = expected_slugs(&b);
	if (rc)
		goto out;
	timing(&b, "decisions");
	rc = remove_unpublishable(&b);
	timing(&b, "withdrawals");
	if (rc) {
		if (tlpress_tree_staged(b.tree))
			withdraw_live(&b);
		goto out;
	}
	b.metas = tlpress_big_alloc(b.nitems * sizeof(*b.metas), &b.metas_len);
	if (b.cache && !(b.live = calloc(b.nitems + 3, sizeof(*b.live)))) {
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		goto out;
	}
	/* 1.7 MB at 10,000 advisories: huge pages, not 400 faults (bigmem.h) */
	b.csaf = tlpress_big_alloc((b.nitems ? b.nitems : 1) * sizeof(*b.csaf), &b.csaf_len);
	if (!b.metas || !b.csaf) {
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		goto out;
	}
	/* the disk writes while the workers render (tlpress_flusher_start());
	 * pass 1 started it when it published many */
	if (!b.flush)
		b.flush = tlpress_flusher_start(o->output, TLPRESS_FLUSH_PAUSE_MS);
	rc = pass2(&b);
	timing(&b, "advisories");
	if (rc)
		goto salvage;

	/* step 4: the index, the feed and the CSAF listings */
	rc = listings(&b, &buf);
	if (!rc)
		rc = static_files(&b);
	if (!rc && o->signer) {
		struct tlpress_buf key = TLPRESS_BUF_INIT, kp = TLPRESS_BUF_INIT;

		/* the public key, for subscribers and CSAF's public_openpgp_keys */
		rc = tlpress_signer_export(o->signer, &key, err);
		tlpress_buf_printf(&kp, "openpgp/%s.asc", o->signer_fpr);
		if (!rc)
			rc = emit(&b, kp.ptr, key.ptr, key.len);
		tlpress_buf_release(&key);
		tlpress_buf_release(&kp);
	}
	/* the cache's rows, before anything is made live: a failure there
	 * (out of memory) fails the build while the last version stands */
	if (!rc)
		rc = rows_finish(&b, 1);
	if (rc)
		goto salvage;

	timing(&b, "listings");
	tlpress_flusher_stop(b.flush);
	b.flush = NULL;
	/* step 5: the manifest, once the data is on disk */
	tlpress_buf_reset(&buf);
	rc = tlpress_manifest_format(&b.new, &buf);
	if (!rc)
		rc = put_manifest(&b, &mpath, &buf);
	if (rc < 0)
		goto salvage;
	rc = 0;

	timing(&b, "manifest write");
	/* step 6: whatever else the last build made and this one did not */
	rc = tlpress_manifest_walk(&b.old, &b.new, stale_file, &b);
	/* the new version in the live one's place, in one step */
	if (!rc && tlpress_tree_staged(b.tree)) {
		rc = tlpress_sync(tlpress_tree_root(b.tree), err);
		if (!rc)
			rc = tlpress_tree_commit(b.tree, err);
		if (rc)
			goto salvage;
		/* the last version, kept (out of sight) as the next one's
		 * base, keeps nothing the live one lost: neither the files
		 * that went nor, when any did, the listings that named them */
		for (i = 0; i < b.old.n && st->removed; i++)
			if (!tlpress_manifest_find(&b.new, b.old.v[i].path) ||
			    tlpress_site_listing_file(b.old.v[i].path)) {
				struct tlpress_error e2 = TLPRESS_ERROR_INIT;

				tlpress_remove(stage.ptr, b.old.v[i].path, &e2);
			}
		/* its manifest goes too when it no longer says what it holds:
		 * files went, or the live tree was not as the last build left it
		 * (a file removed by hand, say) when this one began; the next
		 * build then syncs the stage whole (stage_delta()) */
		if (st->removed || !b.began_intact) {
			struct tlpress_error e2 = TLPRESS_ERROR_INIT;

			tlpress_remove(stage.ptr, TLPRESS_MANIFEST_NAME ".asc", &e2);
			tlpress_remove(stage.ptr, TLPRESS_MANIFEST_NAME, &e2);
		}
	}
	timing(&b, "removals, switch");
	committed = !b.cache && !b.spent; /* or there is no cache at all */
	if (!rc && b.cache) {
		struct tlpress_error cerr = TLPRESS_ERROR_INIT;

		tlpress_sort(b.live, b.nlive, sizeof(*b.live), cmp_str);
		committed = !tlpress_bcache_commit(b.cache, b.live, b.nlive, &cerr);
		if (!committed)
			cache_lost(&b, &cerr);
	}
	/* a snapshot only beside the rows of this build (or none that could
	 * be opened): after a cache that could not be written, the next build
	 * reads again what this one did not record, whatever changed */
	if (!rc && committed && spath.len && !st->invalid && !diags->nerrors && !diags->failed)
		snapshot_save(&b, digest, &spath);
	timing(&b, "cache write");
	goto out;
salvage:
	salvage_manifest(&b);
out:
	rows_finish(&b, 0);
	tlpress_flusher_stop(b.flush);
	st->signatures = atomic_load(&b.signatures);
	st->in_place = b.tree ? tlpress_tree_inplace(b.tree) : 0;
	for (i = 0; o->report && i < b.nitems; i++) {
		struct item *it = &b.items[i];
		struct tlpress_build_entry e;

		memset(&e, 0, sizeof(e));
		e.path = it->path;
		e.id = it->id;
		e.slug = it->slug;
		e.verdict = it->refused ? TLPRESS_REFUSE_INVALID : it->verdict;
		e.rendered = it->rendered && !it->refused;
		e.label = it->label;
		e.ncut = it->ncut;
		memcpy(e.cutsig, it->cutsig, sizeof(e.cutsig));
		e.embargo = it->embargo;
		e.has_downgrade = it->has_downgrade;
		e.downgrade_at = it->downgrade_at;
		e.downgrade_to = it->downgrade_to;
		e.tlp = it->tlp;
		o->report(o->report_ctx, &e);
	}
	for (i = 0; i < b.nitems; i++) {
		free(b.items[i].path);
		item_release(&b.items[i]);
	}
	tlpress_big_free(b.items, b.items_len);
	tlpress_big_free(b.outs, b.outs_len);
	free(b.live);
	tlpress_tree_close(b.tree);
	tlpress_buf_release(&b.mtext);
	{
		unsigned char dummy[TLPRESS_SHA256_LEN];

		if (b.lhash.h)
			tlpress_sha256_final(&b.lhash, dummy);
		if (b.chash.h)
			tlpress_sha256_final(&b.chash, dummy);
	}
	free(b.expected);
	tlpress_big_free(b.csaf, b.csaf_len);
	for (i = 0; i < b.nmetas; i++)
		tlpress_pubmeta_release(&b.metas[i]);
	tlpress_big_free(b.metas, b.metas_len);
	/* after the items and metas: they may hold strings of its rows */
	tlpress_bcache_close(b.cache);
	tlpress_bcache_close(b.spent);
	tlpress_manifest_release(&b.old);
	tlpress_manifest_release(&b.new);
	tlpress_tmplset_free(b.tmpl);
	tlpress_pathlist_release(&files);
	tlpress_buf_release(&buf);
	tlpress_buf_release(&mpath);
	tlpress_buf_release(&stage);
	tlpress_buf_release(&spath);
	tlpress_buf_release(&treekey);
	free(b.fstat);
	tlpress_snapshot_release(&last);
	timing(&b, "release");
	return rc < 0 ? rc : 0;
}
