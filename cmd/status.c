/*
 * status.c - tlpress status: what waits, and when
 *
 * Reads only: the advisories' front matter, the local tree's manifest, the
 * journal (opened read-only) and the signing key. Changes nothing, takes no
 * lock, sends nothing.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "advisory.h"
#include "cmd.h"
#include "config.h"
#include "journal.h"
#include "manifest.h"
#include "policy.h"
#include "scan.h"
#include "sign.h"
#include "timefmt.h"
#include "tlp.h"

static const char usage[] =
	"usage: tlpress status [-C FILE] [--json]\n"
	"\n"
	"Show what waits, and when: advisories under embargo, downgrades not yet\n"
	"due, drafts, files of the built site not yet pushed to 'site.target', and\n"
	"the signing key's expiry. Reads only; safe beside a running publish.\n"
	"\n"
	"  -C, --config FILE    the configuration (default: ./tlpress.yml if there,\n"
	"                       else the embedded defaults)\n"
	"      --json           print one JSON document instead (docs/json.md)\n"
	"  -h, --help           show this help\n"
	"\n"
	"TLPRESS_NOW (RFC 3339) replaces the clock.\n"
	"\n"
	"Exit status: 0 shown; 1 the signing key is unusable, advisories have\n"
	"errors, or the tree or journal cannot be read; 2 usage or configuration\n"
	"error; 3 the configuration cannot be read.\n";

/* "in 3 h", "in 2 days", "5 min ago" */
static void relative(long long secs, char *out, size_t n)
{
	long long a = secs < 0 ? -secs : secs;
	const char *fmt = secs < 0 ? "%lld %s ago" : "in %lld %s";

	if (a < 3600)
		snprintf(out, n, fmt, (a + 59) / 60, "min");
	else if (a < 2 * 86400)
		snprintf(out, n, fmt, (a + 1800) / 3600, "h");
	else
		snprintf(out, n, fmt, (a + 43200) / 86400, "days");
}

struct line {
	long long when;      /* sort key: the moment, or LLONG_MAX for none */
	char text[640];
	json_t *json;        /* the same as an object of "waiting" (owned), or NULL */
};

static int cmp_line(const void *a, const void *b)
{
	const struct line *x = a, *y = b;

	if (x->when != y->when)
		return x->when < y->when ? -1 : 1;
	return strcmp(x->text, y->text);
}

/* Add a line; json (may be NULL) is taken over. */
static int add_line(struct line **v, size_t *n, size_t *cap, long long when, const char *text,
		    json_t *json)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 32;
		struct line *nv = realloc(*v, nc * sizeof(*nv));

		if (!nv) {
			json_decref(json);
			return -1;
		}
		*v = nv;
		*cap = nc;
	}
	(*v)[*n].when = when;
	(*v)[*n].json = json;
	snprintf((*v)[*n].text, sizeof((*v)[*n].text), "%s", text);
	(*n)++;
	return 0;
}

struct mailsum {
	size_t n[5];
	struct line **lines;
	size_t *nlines, *cap;
};

/* Mails: every one that waits or failed gets a line; the rest are counted. */
static int mail_line(void *ctx, const struct tlpress_jmail *m)
{
	struct mailsum *s = ctx;
	char text[640], at[64];

	if (m->state >= 0 && m->state < 5)
		s->n[m->state]++;
	if (m->state == TLPRESS_MAIL_SENT)
		return 0;
	if (m->state == TLPRESS_MAIL_NOKEY)
		snprintf(text, sizeof(text), "mail        %-16s v%d to %s: only a key notice was "
			 "sent (%s)", m->advisory, m->version, m->address,
			 m->key_problem ? m->key_problem : "key unusable");
	else if (m->state == TLPRESS_MAIL_PERMFAIL)
		snprintf(text, sizeof(text), "mail        %-16s v%d to %s: failed for good: %s",
			 m->advisory, m->version, m->address, m->reply ? m->reply : "");
	else {
		struct tlpress_time t;

		memset(&t, 0, sizeof(t));
		t.t = m->next_try;
		t.valid = 1;
		tlpress_time_rfc3339_utc(&t, at, sizeof(at));
		snprintf(text, sizeof(text), "mail        %-16s v%d to %s: %s, next try %s%s%s",
			 m->advisory, m->version, m->address, tlpress_mail_state_name(m->state),
			 m->next_try ? at : "on the next run", m->reply ? ": " : "",
			 m->reply ? m->reply : "");
	}
	return add_line(s->lines, s->nlines, s->cap, LLONG_MAX - 1, text,
			json_pack("{s:s, s:s, s:i, s:s, s:s, s:o, s:s?, s:s?}", "kind", "mail",
				  "id", m->advisory, "version", m->version, "address", m->address,
				  "state", tlpress_mail_state_name(m->state),
				  "next_try", m->state == TLPRESS_MAIL_QUEUED ||
				  m->state == TLPRESS_MAIL_TEMPFAIL ? cmd_json_time(m->next_try)
				  : json_null(), "reply", m->reply, "key_problem", m->key_problem));
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct tlpress_config cfg;
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_pathlist files = TLPRESS_PATHLIST_INIT;
	struct tlpress_manifest local = TLPRESS_MANIFEST_INIT, remote = TLPRESS_MANIFEST_INIT;
	struct tlpress_journal *j = NULL;
	struct tlpress_time now;
	struct line *lines = NULL;
	size_t nlines = 0, cap = 0, i, invalid = 0, published = 0;
	const char *cfile = NULL;
	char target[PATH_MAX + 16], text[640], when[64], rel[64];
	int c, rc, status = EXIT_OK, local_site, known = 0, json = 0;
	json_t *root = NULL, *jsite = NULL, *jkey = NULL, *jmail = json_null();

	optind = 1;
	while ((c = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (c) {
		case 'C': cfile = optarg; break;
		case 'J': json = 1; break;
		case 'h': return cmd_usage(usage, 1);
		default: return cmd_usage(usage, 0);
		}
	}
	if (optind < argc) {
		cmd_error("status", "unexpected argument '%s': status shows the whole "
			  "configuration and takes options only", argv[optind]);
		return cmd_usage(usage, 0);
	}
	if (cmd_now("status", &now))
		return EXIT_USAGE;
	if ((rc = cmd_config("status", cfile, &cfg))) {
		tlpress_config_release(&cfg);
		return rc;
	}

	/* the advisories: what waits for a moment, and drafts */
	rc = tlpress_scan(cfg.advisories, &files, &err);
	if (rc) {
		cmd_error("status", "%s", err.msg);
		status = EXIT_FAIL;
	}
	for (i = 0; i < files.n; i++) {
		struct tlpress_advisory *a;

		tlpress_diags_release(&d);
		a = tlpress_advisory_load_ex(files.v[i], TLPRESS_PARSE_FRONT_ONLY, &d);
		if (!a || a->nerrors || !a->id) {
			invalid++;
			tlpress_advisory_free(a);
			continue;
		}
		if (a->status == TLPRESS_STATUS_DRAFT) {
			snprintf(text, sizeof(text), "draft       %-16s %s (status: draft; not published)",
				 a->id, tlpress_tlp_label(a->tlp));
			add_line(&lines, &nlines, &cap, LLONG_MAX, text,
				 json_pack("{s:s, s:s, s:s}", "kind", "draft", "id", a->id,
					   "label", tlpress_tlp_label(a->tlp)));
		} else if (tlpress_policy_embargoed(a, &now)) {
			tlpress_time_rfc3339(&a->embargo, when, sizeof(when));
			relative((long long)(a->embargo.t - now.t), rel, sizeof(rel));
			snprintf(text, sizeof(text), "embargo     %-16s %s until %s (%s)", a->id,
				 tlpress_tlp_label(tlpress_policy_base_label(a, &now)), when, rel);
			add_line(&lines, &nlines, &cap, (long long)a->embargo.t, text,
				 json_pack("{s:s, s:s, s:s, s:s, s:I}", "kind", "embargo", "id",
					   a->id, "label", tlpress_tlp_label(
					   tlpress_policy_base_label(a, &now)), "until", when,
					   "in_seconds", (json_int_t)(a->embargo.t - now.t)));
		}
		if (a->downgrade.set && !tlpress_policy_downgrade_due(a, &now)) {
			tlpress_time_rfc3339(&a->downgrade.at, when, sizeof(when));
			relative((long long)(a->downgrade.at.t - now.t), rel, sizeof(rel));
			snprintf(text, sizeof(text), "downgrade   %-16s %s to %s at %s (%s)%s", a->id,
				 tlpress_tlp_label(a->tlp), tlpress_tlp_label(a->downgrade.to), when,
				 rel, a->downgrade.to == TLPRESS_TLP_CLEAR
				 ? ": then on the public site" : "");
			add_line(&lines, &nlines, &cap, (long long)a->downgrade.at.t, text,
				 json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:b}", "kind", "downgrade",
					   "id", a->id, "from", tlpress_tlp_label(a->tlp), "to",
					   tlpress_tlp_label(a->downgrade.to), "at", when, "in_seconds",
					   (json_int_t)(a->downgrade.at.t - now.t), "then_public",
					   a->downgrade.to == TLPRESS_TLP_CLEAR));
		}
		if (tlpress_policy_publishable(a, &now, TLPRESS_TLP_CLEAR) == TLPRESS_PUBLISH)
			published++;
		tlpress_advisory_free(a);
	}
	tlpress_diags_release(&d);
	{
		struct mailsum ms = { { 0 }, &lines, &nlines, &cap };
		struct tlpress_journal *mj = NULL;

		int jrc = tlpress_journal_open(&mj, cfg.state, 1, &err);

		if (!jrc && mj)
			jrc = tlpress_journal_mail_list(mj, NULL, mail_line, &ms, &err);
		if (jrc) {
			/* a journal that cannot be read is the operator's to look at,
			 * as in 'tlpress log' (none yet is not an error) */
			cmd_error("status", "%s", err.msg);
			status = EXIT_FAIL;
		} else if (mj) {
			snprintf(text, sizeof(text), "mail        %zu sent, %zu waiting, %zu failed "
				 "for good, %zu key notice%s", ms.n[TLPRESS_MAIL_SENT],
				 ms.n[TLPRESS_MAIL_QUEUED] + ms.n[TLPRESS_MAIL_TEMPFAIL],
				 ms.n[TLPRESS_MAIL_PERMFAIL], ms.n[TLPRESS_MAIL_NOKEY],
				 ms.n[TLPRESS_MAIL_NOKEY] == 1 ? "" : "s");
			add_line(&lines, &nlines, &cap, LLONG_MAX - 2, text, NULL);
			json_decref(jmail);
			jmail = json_pack("{s:I, s:I, s:I, s:I}", "sent",
					  (json_int_t)ms.n[TLPRESS_MAIL_SENT], "waiting",
					  (json_int_t)(ms.n[TLPRESS_MAIL_QUEUED] +
						       ms.n[TLPRESS_MAIL_TEMPFAIL]),
					  "failed", (json_int_t)ms.n[TLPRESS_MAIL_PERMFAIL],
					  "notices", (json_int_t)ms.n[TLPRESS_MAIL_NOKEY]);
		}
		tlpress_journal_close(mj);
	}
	qsort(lines, nlines, sizeof(*lines), cmp_line);
	if (json) {
		json_t *waiting = json_array();

		root = cmd_json_new("status");
		json_object_set_new(root, "now", cmd_json_time((long long)now.t));
		json_object_set_new(root, "advisories", json_pack("{s:s, s:I, s:I, s:I}", "folder",
			cfg.advisories, "files", (json_int_t)files.n, "public_now",
			(json_int_t)published, "with_errors", (json_int_t)invalid));
		for (i = 0; i < nlines; i++)
			if (lines[i].json) {
				json_array_append_new(waiting, lines[i].json);
				lines[i].json = NULL;
			}
		json_object_set_new(root, "waiting", waiting);
		json_object_set_new(root, "mail", jmail);
		jmail = NULL;
	} else {
		printf("advisories  %zu file%s in %s: %zu public now", files.n,
		       files.n == 1 ? "" : "s", cfg.advisories, published);
		if (invalid)
			printf(", %zu with errors (run 'tlpress check')", invalid);
		putchar('\n');
		for (i = 0; i < nlines; i++)
			printf("%s\n", lines[i].text);
	}
	if (invalid)
		status = EXIT_FAIL;

	/* the site: what the last build made and the target does not hold */
	tlpress_config_target(&cfg, target, sizeof(target), &local_site);
	rc = tlpress_manifest_load_tree(&local, cfg.site.output, &err);
	if (!rc)
		rc = tlpress_journal_open(&j, cfg.state, 1, &err);
	if (!rc && !local_site)
		rc = tlpress_journal_remote_load(j, target, &remote, &known, &err);
	jsite = json_pack("{s:s, s:s, s:b, s:I, s:n, s:n, s:n, s:b, s:n}", "output",
			  cfg.site.output, "target", target, "local", local_site, "files",
			  (json_int_t)local.n, "pushed", "to_upload", "to_delete", "cut_short", 0,
			  "error");
	if (rc) {
		cmd_error("status", "%s", err.msg);
		json_object_set_new(jsite, "error", json_string(err.msg));
		status = EXIT_FAIL;
	} else if (local_site) {
		if (!json)
			printf("site        %s is the site (no 'site.target'): %zu files, published "
			       "by each build\n", cfg.site.output, local.n);
	} else if (!known) {
		json_object_set_new(jsite, "pushed", json_false());
		if (!json)
			printf("site        %zu files built in %s; never pushed to %s: run 'tlpress "
			       "publish'\n", local.n, cfg.site.output, target);
	} else {
		size_t put = 0, del = 0, unsure = 0;

		for (i = 0; i < local.n; i++) {
			struct tlpress_mentry *r = tlpress_manifest_find(&remote, local.v[i].path);

			if (!r || r->mark || r->size != local.v[i].size ||
			    memcmp(r->sha256, local.v[i].sha256, TLPRESS_SHA256_LEN))
				put++;
		}
		for (i = 0; i < remote.n; i++) {
			if (remote.v[i].mark)
				unsure++;
			if (!tlpress_manifest_find(&local, remote.v[i].path))
				del++;
		}
		json_object_set_new(jsite, "pushed", json_true());
		json_object_set_new(jsite, "to_upload", json_integer((json_int_t)put));
		json_object_set_new(jsite, "to_delete", json_integer((json_int_t)del));
		json_object_set_new(jsite, "cut_short", json_boolean(unsure));
		if (json)
			;
		else if (!put && !del)
			printf("site        %s holds the %zu files built in %s\n", target, local.n,
			       cfg.site.output);
		else
			printf("site        not yet pushed to %s: %zu file%s to upload, %zu to "
			       "delete%s\n", target, put, put == 1 ? "" : "s", del,
			       unsure ? " (an earlier run was cut short)" : "");
	}

	/* the key */
	jkey = json_pack("{s:b, s:s?, s:n, s:n, s:b, s:b, s:n}", "configured",
			 cfg.signing.key != NULL, "key", cfg.signing.key, "fingerprint", "expires",
			 "expires_soon", 0, "demo", 0, "error");
	if (cfg.signing.key) {
		struct tlpress_signer *s = NULL;
		struct tlpress_keyinfo info;
		int warn = 0;

		memset(&info, 0, sizeof(info));
		rc = tlpress_signer_open(&s, cfg.signing.key, cfg.signing.gnupghome, 1,
					 cfg.signing.warn_days, (long long)now.t, &info, &warn, &err);
		if (info.fpr[0])
			json_object_set_new(jkey, "fingerprint", json_string(info.fpr));
		json_object_set_new(jkey, "expires", cmd_json_time(rc ? 0 : info.expires));
		json_object_set_new(jkey, "expires_soon", json_boolean(!rc && warn));
		json_object_set_new(jkey, "demo", json_boolean(!rc && info.is_demo));
		json_object_set_new(jkey, "error", rc ? json_string(err.msg) : json_null());
		if (rc) {
			if (!json)
				printf("signing key %s: %s\n", cfg.signing.key, err.msg);
			status = EXIT_FAIL;
		} else if (json) {
			;
		} else if (info.expires) {
			struct tlpress_time e;

			memset(&e, 0, sizeof(e));
			e.t = (time_t)info.expires;
			e.valid = 1;
			tlpress_time_rfc3339_utc(&e, when, sizeof(when));
			relative(info.expires - (long long)now.t, rel, sizeof(rel));
			printf("signing key %s expires %s (%s)%s\n", info.fpr, when, rel,
			       warn ? ": extend it or roll over now (tlpress keys)" : "");
		} else {
			printf("signing key %s does not expire\n", info.fpr);
		}
		if (!rc && info.is_demo && !json)
			printf("signing key %s is the demo key: it signs only a site that stays on "
			       "this machine\n", info.fpr);
		tlpress_signer_close(s);
	} else if (!json) {
		printf("signing key none: 'signing.key' is not set, so the site is not signed\n");
	}
	if (json) {
		json_object_set_new(root, "site", jsite);
		json_object_set_new(root, "signing_key", jkey);
		jsite = jkey = NULL;
		cmd_json_print(root);
	}
	json_decref(jsite);
	json_decref(jkey);
	json_decref(jmail);
	for (i = 0; i < nlines; i++)
		json_decref(lines[i].json);

	free(lines);
	tlpress_manifest_release(&local);
	tlpress_manifest_release(&remote);
	tlpress_journal_close(j);
	tlpress_pathlist_release(&files);
	tlpress_config_release(&cfg);
	return status;
}
