/*
 * log.c - tlpress log: who received which version of which advisory, when,
 * encrypted to which key, and what failed; and what was published when
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "cmd.h"
#include "config.h"
#include "advisory.h"
#include "journal.h"
#include "timefmt.h"
#include "tlp.h"

static const char usage[] =
	"usage: tlpress log [-C FILE] [--json] [ID]\n"
	"\n"
	"Show the journal: every mail (advisory, version, recipient, state, when,\n"
	"clearance, the key it was encrypted to, the server's last answer) and the\n"
	"site's events (publications, embargoes ended, downgrades, withdrawals).\n"
	"With ID (any case), only that advisory's. Reads only.\n"
	"\n"
	"  -C, --config FILE    the configuration (default: ./tlpress.yml if there,\n"
	"                       else the embedded defaults)\n"
	"      --json           print one JSON document instead (docs/json.md)\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 shown; 1 the journal cannot be read; 2 usage or configuration\n"
	"error; 3 the configuration cannot be read.\n";

static void when(long long t, char *out, size_t n)
{
	struct tlpress_time tm;

	memset(&tm, 0, sizeof(tm));
	tm.t = t;
	tm.valid = 1;
	tlpress_time_rfc3339_utc(&tm, out, n);
}

struct evctx {
	const char *id;
	size_t n;
	json_t *json;                /* --json: the array of events */
};

static int json_mail(void *ctx, const struct tlpress_jmail *m)
{
	json_array_append_new(ctx, json_pack("{s:o, s:s, s:i, s:s, s:s, s:s, s:b, s:s?, s:b, "
		"s:s?, s:s?, s:I, s:s?, s:s, s:i, s:o, s:o}",
		"time", cmd_json_time(m->updated), "advisory", m->advisory, "version", m->version,
		"address", m->address, "state", tlpress_mail_state_name(m->state),
		"clearance", tlpress_tlp_label(m->clearance), "encrypted", m->encrypted,
		"key", m->key_fpr, "notice", m->notice, "key_problem", m->key_problem,
		"via", m->via, "code", (json_int_t)m->code, "reply", m->reply,
		"message_id", m->message_id, "attempts", m->attempts,
		"created", cmd_json_time(m->created),
		"next_try", cmd_json_time(m->next_try)));
	return 0;
}

static int json_event(void *ctx, long long t, const char *what, const char *subject,
		      const char *text)
{
	struct evctx *e = ctx;

	if (e->id && (!subject || strcasecmp(subject, e->id)))
		return 0;
	json_array_append_new(e->json, json_pack("{s:o, s:s, s:s?, s:s}", "time",
		cmd_json_time(t), "what", what, "subject", subject, "text", text));
	e->n++;
	return 0;
}

static int print_mail(void *ctx, const struct tlpress_jmail *m)
{
	char at[64];
	size_t *n = ctx;

	when(m->updated, at, sizeof(at));
	printf("%s  %-16s v%-2d %-34s %-16s %s", at, m->advisory, m->version, m->address,
	       tlpress_mail_state_name(m->state), tlpress_tlp_label(m->clearance));
	if (m->notice)
		printf(" notice (%s)", m->key_problem ? m->key_problem : "key unusable");
	else if (m->encrypted)
		printf(" encrypted to %s", m->key_fpr ? m->key_fpr : "the address's key");
	else
		printf(" signed");
	if (m->via)
		printf(" via %s", m->via);
	/* the server's answer (its reply line starts with the code) */
	if (m->state != TLPRESS_MAIL_SENT && m->state != TLPRESS_MAIL_NOKEY && m->reply)
		printf(": %s", m->reply);
	else if (m->state != TLPRESS_MAIL_SENT && m->code)
		printf(": %ld", m->code);
	printf(" <%s>\n", m->message_id);
	(*n)++;
	return 0;
}


static int print_event(void *ctx, long long t, const char *what, const char *subject,
		       const char *text)
{
	struct evctx *e = ctx;
	char at[64];

	if (e->id && (!subject || strcasecmp(subject, e->id)))
		return 0;
	when(t, at, sizeof(at));
	printf("%s  %-9s %s\n", at, what, text);
	e->n++;
	return 0;
}

int cmd_log(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct tlpress_config cfg;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_journal *j = NULL;
	struct evctx ev = { NULL, 0, NULL };
	const char *cfile = NULL;
	size_t nmail = 0;
	int c, rc, status = EXIT_OK, json = 0;
	char idbuf[64];
	json_t *root = NULL, *mails = NULL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (c) {
		case 'C': cfile = optarg; break;
		case 'J': json = 1; break;
		case 'h': return cmd_usage(usage, 1);
		default: return cmd_usage(usage, 0);
		}
	}
	if (argc - optind > 1) {
		cmd_error("log", "unexpected argument '%s': give one advisory id, or none for "
			  "the whole journal", argv[optind + 1]);
		return cmd_usage(usage, 0);
	}
	ev.id = optind < argc ? argv[optind] : NULL;
	if (ev.id && strlen(ev.id) < sizeof(idbuf)) {
		/* ids are upper case; ccb-2026-0042 means CCB-2026-0042 */
		for (c = 0; ev.id[c]; c++)
			idbuf[c] = (char)(ev.id[c] >= 'a' && ev.id[c] <= 'z' ? ev.id[c] - 'a' + 'A'
					  : ev.id[c]);
		idbuf[c] = '\0';
		ev.id = idbuf;
	}
	if (ev.id && tlpress_id_valid(ev.id)) {
		cmd_error("log", "'%.80s' is not an advisory id: give one such as CCB-2026-0042 "
			  "(PREFIX-YEAR-NUMBER), or none for the whole journal", argv[optind]);
		return cmd_usage(usage, 0);
	}
	if ((rc = cmd_config("log", cfile, &cfg))) {
		tlpress_config_release(&cfg);
		return rc;
	}
	rc = tlpress_journal_open(&j, cfg.state, 1, &err);
	if (!rc && json) {
		root = cmd_json_new("log");
		mails = json_array();
		ev.json = json_array();
		json_object_set_new(root, "advisory", ev.id ? json_string(ev.id) : json_null());
		json_object_set_new(root, "journal", json_boolean(j != NULL));
		json_object_set_new(root, "mail", mails);
		json_object_set_new(root, "events", ev.json);
		rc = tlpress_journal_mail_list(j, ev.id, json_mail, mails, &err);
		if (!rc)
			rc = tlpress_journal_events(j, 0, json_event, &ev, &err);
		if (!rc)
			cmd_json_print(root);
		else
			json_decref(root);
	} else if (!rc) {
		printf("# mail\n");
		rc = tlpress_journal_mail_list(j, ev.id, print_mail, &nmail, &err);
		if (!rc) {
			printf("# site\n");
			rc = tlpress_journal_events(j, 0, print_event, &ev, &err);
		}
	}
	if (rc) {
		cmd_error("log", "%s", err.msg);
		status = EXIT_FAIL;
	} else if (!j && !json) {
		printf("nothing yet: no journal in '%s' (tlpress publish or tlpress mail makes "
		       "it)\n", cfg.state);
	}
	tlpress_journal_close(j);
	tlpress_config_release(&cfg);
	return status;
}
