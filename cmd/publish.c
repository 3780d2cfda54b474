/*
 * publish.c - tlpress publish: build the public site, sign it, and push what
 * changed to the web server, from cron
 */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "fsutil.h"
#include "journal.h"
#include "lock.h"
#include "manifest.h"
#include "policy.h"
#include "push.h"
#include "sign.h"
#include "site.h"
#include "timefmt.h"
#include "tlp.h"
#include "transport.h"

static const char usage[] =
	"usage: tlpress publish [-C FILE] [-n | --dry-run] [-q | --quiet] [-j N] [--no-mail]\n"
	"\n"
	"Build and sign the public (TLP:CLEAR) site as 'tlpress build' does, then\n"
	"push what changed to 'site.target': first delete what may no longer be\n"
	"shown, then upload new and changed files (each under a temporary name,\n"
	"then moved into place), the listings, the signed manifest last, and\n"
	"delete stale files. Made for cron: one run at a time (a lock in the\n"
	"state folder), quiet with -q, safe to repeat. Then send the mails that\n"
	"are due, as 'tlpress mail' does.\n"
	"\n"
	"  -C, --config FILE    the configuration (default: ./tlpress.yml if there,\n"
	"                       else the embedded defaults)\n"
	"  -n, --dry-run        build into a scratch copy and print what would be\n"
	"                       pushed and deleted; change nothing\n"
	"  -q, --quiet          print nothing unless something failed\n"
	"  -j, --jobs N         render and sign on N worker threads\n"
	"      --no-mail        push the site only (mail goes with 'tlpress mail')\n"
	"  -h, --help           show this help\n"
	"\n"
	"TLPRESS_NOW (RFC 3339) replaces the clock; TLPRESS_BACKOFF_MS sets the\n"
	"first wait before a retry (default 1000).\n"
	"\n"
	"Exit status: 0 done; 1 something failed (an advisory with errors, a push\n"
	"refused by the server, a refused key); 2 usage or configuration error;\n"
	"3 the configuration cannot be read; 75 another run holds the lock, or the server was down: try again later.\n";

/* The advisories of this build, as the build reported them. */
struct seen {
	struct tlpress_build_entry *v;
	size_t n, cap;
};

static char *dup0(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void report(void *ctx, const struct tlpress_build_entry *e)
{
	struct seen *s = ctx;
	struct tlpress_build_entry *c;

	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 64;
		struct tlpress_build_entry *nv = realloc(s->v, nc * sizeof(*nv));

		if (!nv)
			return; /* counted as unpublished: only deletes more */
		s->v = nv;
		s->cap = nc;
	}
	c = &s->v[s->n++];
	*c = *e;
	c->path = dup0(e->path);
	c->id = dup0(e->id);
	c->slug = dup0(e->slug ? e->slug : "");
}

static void seen_release(struct seen *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free((char *)s->v[i].path);
		free((char *)s->v[i].id);
		free((char *)s->v[i].slug);
	}
	free(s->v);
}

static int cmp_adv(const void *a, const void *b)
{
	return strcmp(((const struct tlpress_push_adv *)a)->slug,
		      ((const struct tlpress_push_adv *)b)->slug);
}

/* The published advisories, sorted by slug, for the plan. */
static struct tlpress_push_adv *published(const struct seen *s, size_t *n)
{
	struct tlpress_push_adv *v = calloc(s->n ? s->n : 1, sizeof(*v));
	size_t i;

	*n = 0;
	if (!v)
		return NULL;
	for (i = 0; i < s->n; i++) {
		const struct tlpress_build_entry *e = &s->v[i];
		struct tlpress_push_adv *a;

		if (e->verdict != TLPRESS_PUBLISH || !e->slug[0])
			continue;
		a = &v[(*n)++];
		snprintf(a->slug, sizeof(a->slug), "%s", e->slug);
		a->label = e->label;
		/* not rendered (the build stopped): unknown, so as restricted
		 * as can be, which deletes its changed files first */
		a->ncut = e->rendered ? e->ncut : 1;
		if (e->rendered)
			memcpy(a->cutsig, e->cutsig, sizeof(a->cutsig));
		else
			memset(a->cutsig, 0xff, sizeof(a->cutsig));
	}
	qsort(v, *n, sizeof(*v), cmp_adv);
	return v;
}

static int cmp_slug(const void *key, const void *elem)
{
	return strcmp(key, elem); /* struct tlpress_jadv begins with its slug */
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* was[] is sorted by slug (tlpress_journal_adv_load) */
static const struct tlpress_jadv *find_was(const struct tlpress_jadv *v, size_t n,
					   const char *slug)
{
	return n ? bsearch(slug, v, n, sizeof(*v), cmp_slug) : NULL;
}

struct run {
	const char *target;
	struct tlpress_journal *j;
	struct tlpress_time now;
	int quiet, dry, tty;
	/* progress */
	struct timespec t0, last;
};

/* Say and journal one event of the publication's timeline. */
static void event(struct run *r, const char *what, const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void event(struct run *r, const char *what, const char *subject, const char *fmt, ...)
{
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!r->quiet)
		printf("%s%s\n", r->dry ? "would: " : "", text);
	if (!r->dry && r->j && tlpress_journal_event(r->j, (long long)r->now.t, what, subject, text,
						     &err))
		cmd_error("publish", "%s", err.msg);
}

static void fmt_time(const struct tlpress_time *t, char *out, size_t n)
{
	tlpress_time_rfc3339(t, out, n);
}

/* Compare with what was pushed: what appeared, what went, what a
 * downgrade changed. */
static void timeline(struct run *r, const struct seen *s, const struct tlpress_jadv *was,
		     size_t nwas)
{
	const char **slugs;
	size_t i;

	for (i = 0; i < s->n; i++) {
		const struct tlpress_build_entry *e = &s->v[i];
		const struct tlpress_jadv *w = e->slug[0] ? find_was(was, nwas, e->slug) : NULL;
		char when[64];

		if (e->verdict == TLPRESS_PUBLISH && e->rendered) {
			int due = e->has_downgrade &&
				  tlpress_time_cmp(&e->downgrade_at, &r->now) <= 0;

			if (due && (!w || w->label != e->label)) {
				fmt_time(&e->downgrade_at, when, sizeof(when));
				event(r, "downgrade", e->id, "%s: downgrade from %s to %s (due %s) "
				      "took effect; published as %s", e->id, tlpress_tlp_label(e->tlp),
				      tlpress_tlp_label(e->downgrade_to), when,
				      tlpress_tlp_label(e->label));
			} else if (!w && e->embargo.valid) {
				fmt_time(&e->embargo, when, sizeof(when));
				event(r, "embargo", e->id, "%s: embargo ended %s; published", e->id,
				      when);
			} else if (!w) {
				event(r, "publish", e->id, "%s: published", e->id);
			}
		} else if (w) {
			event(r, "withdraw", e->id, "%s: withdrawn from the site (%s)",
			      e->id ? e->id : e->path,
			      e->verdict == TLPRESS_PUBLISH ? "not rendered"
			      : tlpress_verdict_text(e->verdict));
		}
	}
	/* gone without a file: the advisory file was removed */
	slugs = calloc(s->n ? s->n : 1, sizeof(*slugs));
	for (i = 0; slugs && i < s->n; i++)
		slugs[i] = s->v[i].slug;
	if (slugs)
		qsort(slugs, s->n, sizeof(*slugs), cmp_strp);
	for (i = 0; slugs && i < nwas; i++) {
		const char *key = was[i].slug;

		if (!s->n || !bsearch(&key, slugs, s->n, sizeof(*slugs), cmp_strp))
			event(r, "withdraw", was[i].slug, "%s: withdrawn from the site (its file "
			      "is gone)", was[i].slug);
	}
	free(slugs);
}

/* The advisories as now on the target, for the journal. */
static int store_advisories(struct run *r, const struct tlpress_push_adv *v, size_t n,
			    struct tlpress_error *err)
{
	struct tlpress_jadv *a = calloc(n ? n : 1, sizeof(*a));
	size_t i;
	int rc;

	if (!a)
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		memcpy(a[i].slug, v[i].slug, sizeof(a[i].slug));
		a[i].label = v[i].label;
		a[i].has_cuts = v[i].ncut > 0;
		if (a[i].has_cuts)
			memcpy(a[i].cutsig, v[i].cutsig, sizeof(a[i].cutsig));
	}
	rc = tlpress_journal_adv_store(r->j, r->target, a, n, err);
	free(a);
	return rc;
}

static void print_plan(const struct tlpress_push_plan *p, const char *where)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		const struct tlpress_push_step *s = &p->v[i];

		if (s->phase == TLPRESS_PUSH_DELETE_RESTRICTED || s->phase == TLPRESS_PUSH_DELETE_STALE)
			printf("would delete %s%s (%s%s)\n", where, s->path, s->why,
			       s->phase == TLPRESS_PUSH_DELETE_RESTRICTED ? ", first" : "");
		else
			printf("would put    %s%s (%s, %llu bytes)\n", where, s->path, s->why, s->size);
	}
	printf("dry run: %zu file%s would be uploaded (%llu bytes), %zu deleted (%zu of them "
	       "first); nothing was changed\n", p->nput, p->nput == 1 ? "" : "s", p->put_bytes,
	       p->ndelete, p->nrestricted);
}

static void step_done(void *ctx, const struct tlpress_push_step *s, int ok,
		      const struct tlpress_error *e)
{
	struct run *r = ctx;
	struct tlpress_error err = TLPRESS_ERROR_INIT;

	(void)e;
	if (!ok || s->phase != TLPRESS_PUSH_DELETE_RESTRICTED)
		return;
	/* deletions of restricted files are worth a line in the log */
	if (tlpress_journal_event(r->j, (long long)r->now.t, "delete", s->path, s->why, &err))
		cmd_error("publish", "%s", err.msg);
}

static void progress(void *ctx, size_t done, size_t total, unsigned long long bytes)
{
	struct run *r = ctx;
	struct timespec t;
	double secs, since;

	if (!r->tty)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t);
	since = (double)(t.tv_sec - r->last.tv_sec) + (double)(t.tv_nsec - r->last.tv_nsec) / 1e9;
	if (done != total && since < 0.2)
		return;
	r->last = t;
	secs = (double)(t.tv_sec - r->t0.tv_sec) + (double)(t.tv_nsec - r->t0.tv_nsec) / 1e9;
	fprintf(stderr, "\rpushing: %zu/%zu files, %.1f MiB, %.1f MiB/s   ", done, total,
		(double)bytes / 1048576.0, secs > 0 ? (double)bytes / 1048576.0 / secs : 0.0);
	if (done == total)
		fputc('\n', stderr);
}

/* The status that says more: usage, then failure, then try again later. */
static int worse(int a, int b)
{
	static const int rank[] = { EXIT_OK, EXIT_TEMPFAIL, EXIT_FAIL, EXIT_USAGE };
	int ra = 0, rb = 0, i;

	for (i = 0; i < 4; i++) {
		if (rank[i] == a)
			ra = i;
		if (rank[i] == b)
			rb = i;
	}
	return ra >= rb ? a : b;
}

/* Clone the tree's files into a scratch folder by hard links. */
static int scratch_copy(const char *root, const char *dir, struct tlpress_error *err)
{
	struct tlpress_manifest m = TLPRESS_MANIFEST_INIT;
	size_t i;
	int rc = tlpress_manifest_load_tree(&m, root, err);

	for (i = 0; i < m.n && !rc; i++)
		rc = tlpress_link_copy(root, dir, m.v[i].path, err);
	tlpress_manifest_release(&m);
	return rc;
}

int cmd_publish(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'C' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "no-mail", no_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct tlpress_config cfg;
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_build_opts o;
	struct tlpress_build_stats st;
	struct tlpress_manifest local = TLPRESS_MANIFEST_INIT, remote = TLPRESS_MANIFEST_INIT;
	struct tlpress_push_plan plan = TLPRESS_PUSH_PLAN_INIT;
	struct tlpress_push_stats ps;
	struct tlpress_push_adv *now = NULL;
	struct tlpress_jadv *was = NULL;
	struct tlpress_transport *t = NULL;
	struct tlpress_signer *signer = NULL;
	struct tlpress_keyinfo info;
	struct seen seen = { NULL, 0, 0 };
	struct run r;
	const char *cfile = NULL, *tree;
	char fpr[41] = "", scratch[PATH_MAX] = "", target[PATH_MAX + 16];
	size_t nnow = 0, nwas = 0;
	int c, rc, lockfd = -1, status = EXIT_OK, local_site, build_rc, known = 0;
	int can_mail = 0, no_mail = 0;

	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	memset(&st, 0, sizeof(st));
	optind = 1;
	o.jobs = cmd_default_jobs();
	while ((c = getopt_long(argc, argv, "C:nqj:h", opts, NULL)) != -1) {
		switch (c) {
		case 'C': cfile = optarg; break;
		case 'n': r.dry = 1; break;
		case 'q': r.quiet = 1; break;
		case 'M': no_mail = 1; break;
		case 'j':
			if (cmd_jobs("publish", optarg, &o.jobs))
				return EXIT_USAGE;
			break;
		case 'h': return cmd_usage(usage, 1);
		default: return cmd_usage(usage, 0);
		}
	}
	if (optind < argc) {
		cmd_error("publish", "unexpected argument '%s': publish takes the advisories "
			  "of the configuration ('advisories')", argv[optind]);
		return EXIT_USAGE;
	}
	if (cmd_now("publish", &r.now))
		return EXIT_USAGE;
	if ((rc = cmd_config("publish", cfile, &cfg))) {
		tlpress_config_release(&cfg);
		return rc;
	}

	/* one run at a time */
	rc = tlpress_lock(cfg.state, &lockfd, &err);
	if (rc) {
		cmd_error("publish", "%s", err.msg);
		tlpress_config_release(&cfg);
		return rc == TLPRESS_ELOCKED ? EXIT_TEMPFAIL : EXIT_FAIL;
	}
	rc = tlpress_mkroot(cfg.site.output, &err);
	if (rc) {
		cmd_error("publish", "%s", err.msg);
		status = EXIT_FAIL;
		goto out;
	}
	tlpress_config_target(&cfg, target, sizeof(target), &local_site);
	r.target = target;
	r.tty = !r.quiet && isatty(STDERR_FILENO);

	rc = tlpress_journal_open(&r.j, cfg.state, 0, &err);
	if (rc) {
		cmd_error("publish", "%s", err.msg);
		status = rc == TLPRESS_EUSAGE ? EXIT_USAGE : EXIT_FAIL;
		goto out;
	}

	/* the key: nothing is written with a key that is not fit */
	if (cmd_signer("publish", &cfg, o.jobs, &r.now, &signer, &info)) {
		status = EXIT_FAIL;
		goto out;
	}
	if (signer) {
		if (info.is_demo && !local_site && strncasecmp(target, "file://", 7)) {
			cmd_error("publish", "signing key %s is the demo key ('%s'): it signs only a "
				  "site that stays on this machine; make the CSIRT's own key "
				  "(docs/config.md, 'signing.key') before pushing to %s", info.fpr,
				  info.uid, target);
			status = EXIT_FAIL;
			goto out;
		}
		memcpy(fpr, info.fpr, sizeof(fpr));
		o.signer = signer;
		o.signer_fpr = fpr;
	}
	if (!local_site) {
		struct tlpress_transport_opts to;

		memset(&to, 0, sizeof(to));
		to.netrc = cfg.site.netrc;
		to.known_hosts = cfg.site.known_hosts;
		to.ssh_key = cfg.site.ssh_key;
		to.timeout_s = cfg.site.timeout;
		rc = tlpress_transport_open(&t, target, &to, &err);
		if (rc) {
			cmd_error("publish", "%s", err.msg);
			status = EXIT_USAGE;
			goto out;
		}
	}

	/* from here on, whatever happens to the site, the mail that is due goes */
	can_mail = 1;

	/* the build: into the tree, or for a dry run into a scratch copy */
	tree = cfg.site.output;
	if (r.dry) {
		struct tlpress_buf p = TLPRESS_BUF_INIT;

		tlpress_path_join(&p, cfg.state, "dry-run.XXXXXX");
		snprintf(scratch, sizeof(scratch), "%s", p.ptr);
		tlpress_buf_release(&p);
		if (!mkdtemp(scratch)) {
			cmd_error_errno("publish", errno, "cannot make a scratch folder in '%s'",
					cfg.state);
			scratch[0] = '\0';
			status = EXIT_FAIL;
			goto out;
		}
		rc = scratch_copy(cfg.site.output, scratch, &err);
		if (rc) {
			cmd_error("publish", "%s", err.msg);
			status = EXIT_FAIL;
			goto out;
		}
		tree = scratch;
		if (local_site) /* the target is the tree as it is now */
			rc = tlpress_manifest_load_tree(&remote, cfg.site.output, &err);
	}
	o.cfg = &cfg;
	o.output = tree;
	o.clearance = TLPRESS_TLP_CLEAR;
	o.now = r.now;
	o.report = report;
	o.report_ctx = &seen;
	o.state = r.dry ? NULL : cfg.state;
	o.in_place = r.dry; /* the scratch copy is nobody else's */
	build_rc = tlpress_build(&o, &st, &d, &err);
	tlpress_diags_sort(&d);
	cmd_print_diags(stderr, &d);
	tlpress_diags_release(&d);
	if (st.no_cache[0])
		fprintf(stderr, "tlpress publish: warning: the build cache cannot be used, so "
			"every advisory was read and rendered: %s\n", st.no_cache);
	if (build_rc) {
		cmd_error("publish", "%s", err.msg);
		status = EXIT_FAIL;
	} else if (st.invalid) {
		cmd_error("publish", "%zu advisor%s with errors left out; run 'tlpress check'",
			  st.invalid, st.invalid == 1 ? "y" : "ies");
		status = EXIT_FAIL;
	}

	now = published(&seen, &nnow);
	rc = now ? tlpress_journal_adv_load(r.j, target, &was, &nwas, &err)
		 : tlpress_error_set(&err, TLPRESS_ENOMEM, "out of memory");
	if (rc) {
		cmd_error("publish", "%s", err.msg);
		status = EXIT_FAIL;
		goto out;
	}
	if (local_site && !r.dry) {
		/* the tree is the site: the build did it all */
		timeline(&r, &seen, was, nwas);
		if (!build_rc && (rc = store_advisories(&r, now, nnow, &err))) {
			cmd_error("publish", "%s", err.msg);
			status = EXIT_FAIL;
		}
		if (!r.quiet)
			printf("published %s: %zu advisor%s; %zu file%s written, %zu removed%s%s\n",
			       cfg.site.output, st.published, st.published == 1 ? "y" : "ies",
			       st.written, st.written == 1 ? "" : "s", st.removed,
			       o.signer ? ", signed with " : " (unsigned: no 'signing.key')",
			       o.signer ? fpr : "");
		goto out;
	}

	/* what the target holds */
	if (!local_site) {
		rc = tlpress_journal_remote_load(r.j, target, &remote, &known, &err);
		if (!rc && !known && !r.dry) {
			rc = tlpress_push_seed(t, r.j, target, &err);
			if (!rc)
				rc = tlpress_journal_remote_load(r.j, target, &remote, &known, &err);
		} else if (!rc && !known) {
			rc = tlpress_push_fetch_manifest(t, &remote, &err);
		}
		if (rc) {
			cmd_error("publish", "%s", err.msg);
			status = rc == TLPRESS_ENET && tlpress_transport_retryable(t) ? EXIT_TEMPFAIL
										: EXIT_FAIL;
			goto out;
		}
	}
	rc = tlpress_manifest_load_tree(&local, tree, &err);
	if (!rc && tlpress_push_plan(&local, &remote, now, nnow, was, nwas, build_rc == 0, &plan))
		rc = tlpress_error_set(&err, TLPRESS_ENOMEM, "out of memory");
	if (rc) {
		cmd_error("publish", "%s", err.msg);
		status = EXIT_FAIL;
		goto out;
	}
	if (r.dry) {
		timeline(&r, &seen, was, nwas);
		if (!r.quiet)
			print_plan(&plan, target);
		goto out;
	}
	{
		struct tlpress_push_opts po;
		const char *bo = getenv("TLPRESS_BACKOFF_MS");

		memset(&po, 0, sizeof(po));
		po.t = t;
		po.j = r.j;
		po.target = target;
		po.root = tree;
		po.retries = cfg.site.retries;
		po.backoff_ms = bo && *bo ? strtol(bo, NULL, 10) : 1000;
		po.step_done = step_done;
		po.progress = progress;
		po.ctx = &r;
		clock_gettime(CLOCK_MONOTONIC, &r.t0);
		r.last = r.t0;
		rc = tlpress_push_run(&po, &plan, &ps, &err);
	}
	if (rc) {
		if (r.tty)
			fputc('\n', stderr);
		cmd_error("publish", "%s", err.msg);
		cmd_error("publish", "pushed %zu of %zu files, deleted %zu; the next run goes on "
			  "from there", ps.put, plan.nput, ps.deleted);
		{
			struct tlpress_error e2 = TLPRESS_ERROR_INIT;

			tlpress_journal_event(r.j, (long long)r.now.t, "fail", NULL, err.msg, &e2);
		}
		status = ps.retryable ? EXIT_TEMPFAIL : EXIT_FAIL;
		goto out;
	}
	timeline(&r, &seen, was, nwas);
	if (!build_rc && (rc = store_advisories(&r, now, nnow, &err))) {
		cmd_error("publish", "%s", err.msg);
		status = EXIT_FAIL;
	}
	if (!r.quiet)
		printf("published to %s: %zu advisor%s; %zu file%s uploaded (%llu bytes), %zu "
		       "deleted%s%s\n", target, st.published, st.published == 1 ? "y" : "ies",
		       ps.put, ps.put == 1 ? "" : "s", ps.bytes, ps.deleted,
		       o.signer ? ", signed with " : " (unsigned: no 'signing.key')",
		       o.signer ? fpr : "");
out:
	if (can_mail && !no_mail) {
		int ms = cmd_mail_send("publish", &cfg, r.j, signer, &info, &r.now, r.quiet, r.dry);

		status = worse(status, ms);
	}
	if (scratch[0] && tlpress_remove_tree(scratch) < 0)
		cmd_error_errno("publish", errno, "cannot remove scratch folder '%s'", scratch);
	tlpress_push_plan_release(&plan);
	tlpress_manifest_release(&local);
	tlpress_manifest_release(&remote);
	free(now);
	free(was);
	seen_release(&seen);
	tlpress_transport_close(t);
	tlpress_signer_close(signer);
	tlpress_journal_close(r.j);
	tlpress_unlock(lockfd);
	tlpress_config_release(&cfg);
	return status;
}
