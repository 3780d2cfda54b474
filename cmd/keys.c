/*
 * keys.c - tlpress keys: the signing key and its health
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "advisory.h"
#include "cmd.h"
#include "config.h"
#include "lists.h"
#include "scan.h"
#include "sign.h"
#include "timefmt.h"

static const char usage[] =
	"usage: tlpress keys [-C FILE] [--check] [-q] [--json]\n"
	"\n"
	"Show the key that signs every published file (signing.key in the GnuPG\n"
	"home signing.gnupghome): fingerprint, user id, algorithm, expiry, days\n"
	"left, and its state: ok, expires soon (within signing.warn_days), expired,\n"
	"revoked, disabled, cannot sign, not found or ambiguous. Then the keys mail\n"
	"is encrypted to (list members, list keys, addresses named in recipients):\n"
	"missing, expired, revoked, cannot encrypt, or expiring within mail.warn_days.\n"
	"\n"
	"  -C, --config FILE    the configuration (default: ./tlpress.yml if there,\n"
	"                       else the embedded defaults)\n"
	"      --check          exit 1 when a key needs action (the signing key in any\n"
	"                       state but ok, or none; a recipient key): for a weekly\n"
	"                       cron job\n"
	"  -q, --quiet          print nothing but problems (on standard error)\n"
	"      --json           print one JSON document instead (docs/json.md); the\n"
	"                       problems still go to standard error\n"
	"  -h, --help           show this help\n"
	"\n"
	"TLPRESS_NOW (RFC 3339) replaces the clock.\n"
	"\n"
	"Exit status: 0 shown (with --check: the key is ok); 1 with --check, the key\n"
	"needs action; 2 usage or a configuration error; 3 a configuration that\n"
	"cannot be read, I/O, or GnuPG cannot run.\n";

static const char *home_shown(const struct tlpress_config *cfg)
{
	const char *g = getenv("GNUPGHOME");

	if (cfg->signing.gnupghome)
		return cfg->signing.gnupghome;
	return g && *g ? g : "~/.gnupg (the default)";
}

static void print_key(const struct tlpress_keyinfo *ki, const char *home, const char *state)
{
	struct tlpress_time tm = { ki->expires, 0, 1 };
	char date[32];

	printf("signing key: %s\n", ki->fpr);
	printf("user id:     %s%s\n", ki->uid, ki->is_demo ? "  (a demo key: never publish with it)" : "");
	printf("algorithm:   %s\n", ki->algo[0] ? ki->algo : "?");
	if (ki->expires) {
		tlpress_time_rfc3339_utc(&tm, date, sizeof(date));
		printf("expires:     %s\n", date);
		if (ki->days_left >= 0)
			printf("days left:   %d\n", ki->days_left);
		else
			printf("days left:   0 (expired %d day%s ago)\n", -ki->days_left,
			       ki->days_left == -1 ? "" : "s");
	} else {
		printf("expires:     never\n");
	}
	printf("gnupghome:   %s\n", home);
	printf("state:       %s\n", state);
}

/* One recipient key (pattern: the fingerprint a members line or a list-key
 * list gives, or the address itself): its state in words, or NULL when it
 * is fine. */
static const char *recipient_state(const struct tlpress_config *cfg, const char *addr,
				   const char *pattern, const struct tlpress_time *now,
				   struct tlpress_keyinfo *ki)
{
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_keyinfo by_addr;

	memset(ki, 0, sizeof(*ki));
	if (tlpress_key_lookup(cfg->signing.gnupghome, pattern, (long long)now->t, ki, &err))
		return strstr(err.msg, "several") || strstr(err.msg, "ambiguous") ? "ambiguous"
										  : "missing";
	if (ki->revoked)
		return "revoked";
	if (ki->expired)
		return "expired";
	if (ki->disabled || ki->invalid || !ki->can_encrypt)
		return "cannot encrypt";
	/* the key a fingerprint names must carry the address, as tlpress mail
	 * requires (lib/mailq.c): else it is someone else's key */
	memset(&by_addr, 0, sizeof(by_addr));
	if (strcmp(addr, pattern) &&
	    (tlpress_key_lookup(cfg->signing.gnupghome, addr, (long long)now->t, &by_addr, &err) ||
	     strcasecmp(by_addr.fpr, ki->fpr)))
		return "does not carry this address";
	if (ki->enc_expires && ki->enc_days_left <= cfg->mail.warn_days)
		return "expires soon";
	return NULL;
}

struct rcheck {
	const struct tlpress_config *cfg;
	const struct tlpress_time *now;
	int quiet;
	size_t n, bad;
	json_t *json;               /* --json: the array of recipient keys */
};

/* Check the key of one recipient (pattern: fingerprint or address). */
static void one(struct rcheck *c, const char *addr, const char *pattern, const char *where)
{
	struct tlpress_keyinfo ki;
	const char *st = recipient_state(c->cfg, addr, pattern, c->now, &ki);

	c->n++;
	if (c->json)
		json_array_append_new(c->json, json_pack("{s:s, s:s, s:s, s:s?, s:o, s:o}",
			"address", addr, "where", where, "state", st ? st : "ok",
			"fingerprint", ki.fpr[0] ? ki.fpr : NULL,
			"expires", cmd_json_time(ki.enc_expires ? ki.enc_expires : ki.expires),
			"days_left", ki.enc_expires ? json_integer(ki.enc_days_left) : json_null()));
	if (!st) {
		if (!c->quiet)
			printf("recipient:   %-34s ok (%s)\n", addr, where);
		return;
	}
	c->bad++;
	if (!strcmp(st, "expires soon"))
		fprintf(stderr, "tlpress keys: recipient %s (%s): key %s expires in %d day%s "
			"(mail.warn_days: %d): ask them for an extended key\n", addr, where, ki.fpr,
			ki.enc_days_left, ki.enc_days_left == 1 ? "" : "s", c->cfg->mail.warn_days);
	else
		fprintf(stderr, "tlpress keys: recipient %s (%s): key %s %s: they get only a "
			"notice until they send a usable key\n", addr, where, pattern, st);
}

/*
 * The keys mail is encrypted to: every member of an expand list, every
 * list-key list, every address named in an advisory's recipients. Prints
 * one line per key that needs action (all of them unless quiet); returns
 * how many need action.
 */
static size_t recipient_keys(const struct tlpress_config *cfg, const struct tlpress_time *now,
			     int quiet, json_t *json)
{
	struct tlpress_pathlist files = TLPRESS_PATHLIST_INIT;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct rcheck c = { cfg, now, quiet || json, 0, 0, json };
	size_t i, k;


	for (i = 0; i < cfg->lists.n; i++) {
		const struct tlpress_list *l = &cfg->lists.v[i];

		if (l->mode == TLPRESS_LIST_KEY && l->key)
			one(&c, l->address, l->key, l->name);
		for (k = 0; k < l->nmembers; k++)
			one(&c, l->members[k].address, l->members[k].fpr, l->name);
	}
	if (!tlpress_scan(cfg->advisories, &files, &err)) {
		for (i = 0; i < files.n; i++) {
			struct tlpress_diags d = TLPRESS_DIAGS_INIT;
			struct tlpress_advisory *a = tlpress_advisory_load_ex(files.v[i],
						TLPRESS_PARSE_FRONT_ONLY, &d);

			for (k = 0; a && k < a->nrecipients; k++)
				if (strchr(a->recipients[k], '@') &&
				    !tlpress_lists_find_address(&cfg->lists, a->recipients[k]))
					one(&c, a->recipients[k], a->recipients[k],
					    a->id ? a->id : files.v[i]);
			tlpress_advisory_free(a);
			tlpress_diags_release(&d);
		}
	}
	tlpress_pathlist_release(&files);
	if (!c.quiet && c.n)
		printf("recipients:  %zu key%s, %zu need%s action\n", c.n, c.n == 1 ? "" : "s",
		       c.bad, c.bad == 1 ? "s" : "");
	return c.bad;
}

/* The GnuPG home in use, or NULL for gpg's default. */
static const char *json_home(const struct tlpress_config *cfg)
{
	const char *g = getenv("GNUPGHOME");

	return cfg->signing.gnupghome ? cfg->signing.gnupghome : g && *g ? g : NULL;
}

/* The recipient keys whose state is "ok". */
static size_t count_ok(json_t *recips)
{
	size_t i, n = 0;

	for (i = 0; i < json_array_size(recips); i++)
		n += !strcmp(json_string_value(json_object_get(json_array_get(recips, i),
							       "state")), "ok");
	return n;
}

int cmd_keys(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'C' },
		{ "check", no_argument, NULL, 'K' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	json_t *root = NULL, *recips = NULL;
	struct tlpress_config cfg;
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_signer *s = NULL;
	struct tlpress_keyinfo ki;
	struct tlpress_time now;
	const char *cfile = NULL, *state;
	int check = 0, quiet = 0, c, rc, warn = 0, status, json = 0;
	size_t bad;

	optind = 1;
	while ((c = getopt_long(argc, argv, "C:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'C': cfile = optarg; break;
		case 'K': check = 1; break;
		case 'q': quiet = 1; break;
		case 'J': json = 1; break;
		case 'h': return cmd_usage(usage, 1);
		default: return cmd_usage(usage, 0);
		}
	}
	if (optind < argc) {
		cmd_error("keys", "unexpected argument '%s': keys takes options only; the key "
			  "is 'signing.key' of the configuration", argv[optind]);
		return cmd_usage(usage, 0);
	}
	if (tlpress_time_now(&now) < 0) {
		cmd_error("keys", "TLPRESS_NOW='%s' is not an RFC 3339 time such as "
			  "2026-11-28T12:00:00+01:00", getenv("TLPRESS_NOW"));
		return EXIT_USAGE;
	}
	rc = tlpress_config_load(&cfg, cfile, &d);
	if (rc) {
		cmd_print_diags(stderr, &d);
		tlpress_diags_release(&d);
		tlpress_config_release(&cfg);
		return rc == TLPRESS_EINVAL ? EXIT_USAGE : EXIT_ENV;
	}
	tlpress_diags_release(&d);

	if (json) {
		root = cmd_json_new("keys");
		recips = json_array();
		quiet = 1;
	}
	memset(&ki, 0, sizeof(ki));
	if (!cfg.signing.key) {
		if (check)
			cmd_error("keys", "no signing key configured: set signing.key in %s",
				  cfg.path ? cfg.path : TLPRESS_CONFIG_NAME);
		else if (!quiet)
			printf("signing key: none configured (set signing.key in %s)\n"
			       "state:       not configured\n",
			       cfg.path ? cfg.path : TLPRESS_CONFIG_NAME);
		state = "not configured";
		status = check ? EXIT_FAIL : EXIT_OK;
		goto done;
	}

	rc = tlpress_signer_open(&s, cfg.signing.key, cfg.signing.gnupghome, 1,
				 cfg.signing.warn_days, (long long)now.t, &ki, &warn, &err);
	tlpress_signer_close(s);
	if (rc == TLPRESS_EINVAL) {
		/* no secret key matches, or several do */
		state = strstr(err.msg, "ambiguous") ? "ambiguous" : "not found";
		if (!quiet)
			printf("signing key: %s\ngnupghome:   %s\nstate:       %s\n",
			       cfg.signing.key, home_shown(&cfg), state);
		cmd_error("keys", "%s", err.msg);
		memset(&ki, 0, sizeof(ki));
		status = check ? EXIT_FAIL : EXIT_OK;
		goto done;
	}
	if (rc && !ki.fpr[0]) {
		/* GnuPG cannot run, the home is missing or unusable */
		cmd_error("keys", "%s", err.msg);
		json_decref(root);
		json_decref(recips);
		tlpress_config_release(&cfg);
		return EXIT_ENV;
	}
	if (ki.revoked)
		state = "revoked";
	else if (ki.disabled)
		state = "disabled";
	else if (ki.expired)
		state = "expired";
	else if (rc || !ki.can_sign)
		state = "cannot sign";
	else if (warn)
		state = "expires soon";
	else
		state = "ok";
	status = EXIT_OK;
	if (!quiet)
		print_key(&ki, home_shown(&cfg), state);
	if (rc) {
		cmd_error("keys", "%s", err.msg);
		status = check ? EXIT_FAIL : EXIT_OK;
	} else if (warn) {
		char date[32];
		struct tlpress_time tm = { ki.expires, 0, 1 };

		tlpress_time_date(&tm, date, sizeof(date));
		cmd_error("keys", "signing key %s (%s) expires on %s, in %d day%s "
			  "(signing.warn_days: %d): extend it (gpg --quick-set-expire %s 1y, and "
			  "gpg --quick-set-expire %s 1y '*' for its subkeys), then publish the "
			  "public key again", ki.fpr, ki.uid, date, ki.days_left,
			  ki.days_left == 1 ? "" : "s", cfg.signing.warn_days, ki.fpr, ki.fpr);
		status = check ? EXIT_FAIL : EXIT_OK;
	}
	bad = recipient_keys(&cfg, &now, quiet, recips);
	if (bad && check)
		status = EXIT_FAIL;
done:
	if (json) {
		int sign_ok = !strcmp(state, "ok");

		json_object_set_new(root, "signing_key", json_pack(
			"{s:b, s:s?, s:s?, s:s?, s:s?, s:o, s:o, s:s?, s:s, s:b}",
			"configured", cfg.signing.key != NULL, "key", cfg.signing.key,
			"fingerprint", ki.fpr[0] ? ki.fpr : NULL, "uid", ki.uid[0] ? ki.uid : NULL,
			"algorithm", ki.algo[0] ? ki.algo : NULL,
			"expires", cmd_json_time(ki.expires),
			"days_left", ki.expires ? json_integer(ki.days_left) : json_null(),
			"gnupghome", json_home(&cfg), "state", state, "demo", ki.is_demo));
		json_object_set_new(root, "recipients", recips);
		json_object_set_new(root, "needs_action", json_integer(
			(json_int_t)json_array_size(recips) - (json_int_t)count_ok(recips) +
			!sign_ok));
		cmd_json_print(root);
	}
	tlpress_config_release(&cfg);
	return status;
}
