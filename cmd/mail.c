/*
 * mail.c - tlpress mail: send the mails that are due, exactly once
 * (tlpress publish does the same after pushing the site)
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "config.h"
#include "fsutil.h"
#include "journal.h"
#include "lock.h"
#include "mailq.h"
#include "sign.h"
#include "smtp.h"
#include "timefmt.h"

static const char usage[] =
	"usage: tlpress mail [-C FILE] [-n | --dry-run] [-q | --quiet]\n"
	"\n"
	"Send every mail that is due: each advisory's current revision to the lists\n"
	"and recipients its labels allow, signed, and encrypted to each recipient's\n"
	"key whenever it carries anything above TLP:CLEAR. Each mail is recorded in\n"
	"the journal with its bytes before it is sent, and never sent twice.\n"
	"Without 'smtp.url' mail goes to the local Maildir 'mail.outbox'.\n"
	"\n"
	"  -C, --config FILE    the configuration (default: ./tlpress.yml if there,\n"
	"                       else the embedded defaults)\n"
	"  -n, --dry-run        print who would receive what; build and send nothing\n"
	"  -q, --quiet          print nothing unless something needs attention\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 done; 1 an advisory has errors (it is not mailed), a mail was\n"
	"refused for good, the server refused the login, a route was refused by the\n"
	"policy, a recipient's key needs attention or the outbox cannot be written\n"
	"(the mail waits); 2 usage or configuration error\n"
	"(a netrc file others may read, with -n too); 3 the configuration cannot be\n"
	"read; 75 another run holds the lock,\n"
	"or the server was down or deferred a mail: try again later.\n";

struct printer {
	int quiet;
};

static void report(void *ctx, const char *what, const char *advisory, int version,
		   const char *address, const char *text)
{
	struct printer *p = ctx;
	int attention = !strcmp(what, "failed") || !strcmp(what, "refused") ||
			!strcmp(what, "notice") || !strcmp(what, "retry");

	(void)advisory;
	(void)version;
	(void)address;
	if (attention)
		fprintf(stderr, "tlpress mail: %s\n", text);
	else if (!p->quiet)
		printf("%s\n", text);
}

int cmd_mail_send(const char *cmd, const struct tlpress_config *cfg, struct tlpress_journal *j,
		  struct tlpress_signer *signer, const struct tlpress_keyinfo *key,
		  const struct tlpress_time *now, int quiet, int dry_run)
{
	struct tlpress_mailq_opts o;
	struct tlpress_mailq_stats st;
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_smtp *smtp = NULL;
	struct printer p = { quiet };
	int rc, status = EXIT_OK, invalid;

	if (!signer) {
		if (!quiet)
			printf("mail: nothing sent: every mail is signed, and 'signing.key' is "
			       "not set\n");
		return EXIT_OK;
	}
	if (cfg->smtp.url && key->is_demo) {
		cmd_error(cmd, "signing key %s is the demo key ('%s'): it signs only mail that "
			  "stays on this machine (the outbox); make the CSIRT's own key before "
			  "sending through %s", key->fpr, key->uid, cfg->smtp.url);
		return EXIT_FAIL;
	}
	if (cfg->smtp.url && dry_run && cfg->smtp.netrc && *cfg->smtp.netrc &&
	    tlpress_secret_file_check(cfg->smtp.netrc, cfg->smtp.netrc, 1, &err)) {
		/* what the run would refuse, the dry run refuses too */
		cmd_error(cmd, "%s", err.msg);
		return EXIT_USAGE;
	}
	if (cfg->smtp.url && !dry_run) {
		struct tlpress_smtp_opts so;

		memset(&so, 0, sizeof(so));
		so.url = cfg->smtp.url;
		so.netrc = cfg->smtp.netrc;
		so.timeout_s = cfg->smtp.timeout;
		rc = tlpress_smtp_open(&smtp, &so, &err);
		if (rc) {
			cmd_error(cmd, "%s", err.msg);
			return EXIT_USAGE;
		}
	}
	memset(&o, 0, sizeof(o));
	o.cfg = cfg;
	o.j = j;
	o.signer = signer;
	o.smtp = smtp;
	o.now = *now;
	o.dry_run = dry_run;
	o.report = report;
	o.ctx = &p;
	rc = tlpress_mailq_run(&o, &st, &d, &err);
	tlpress_smtp_close(smtp);
	tlpress_diags_sort(&d);
	cmd_print_diags(stderr, &d);
	/* an advisory with errors is not mailed: that needs a person, as in
	 * tlpress build */
	invalid = d.nerrors > 0;
	tlpress_diags_release(&d);
	if (rc) {
		cmd_error(cmd, "%s", err.msg);
		/* down: try again later; a refusal (of the login, say): a person */
		status = st.down ? EXIT_TEMPFAIL : EXIT_FAIL;
	} else if (st.tempfail) {
		status = EXIT_TEMPFAIL;
	}
	if (!rc && (st.permfail || st.refused || st.notices || invalid))
		status = EXIT_FAIL;
	if (!quiet && !dry_run)
		printf("mail: %zu sent, %zu sent before, %zu deferred, %zu refused for good, %zu "
		       "key notice%s, %zu waiting%s%s\n", st.sent, st.already, st.tempfail,
		       st.permfail, st.notices, st.notices == 1 ? "" : "s", st.waiting,
		       cfg->smtp.url ? "" : "; in the outbox ", cfg->smtp.url ? "" : cfg->mail.outbox);
	return status;
}

int cmd_mail(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'C' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct tlpress_config cfg;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_journal *j = NULL;
	struct tlpress_signer *signer = NULL;
	struct tlpress_keyinfo info;
	struct tlpress_time now;
	const char *cfile = NULL;
	int c, rc, quiet = 0, dry = 0, lockfd = -1, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, "C:nqh", opts, NULL)) != -1) {
		switch (c) {
		case 'C': cfile = optarg; break;
		case 'n': dry = 1; break;
		case 'q': quiet = 1; break;
		case 'h': return cmd_usage(usage, 1);
		default: return cmd_usage(usage, 0);
		}
	}
	if (optind < argc) {
		cmd_error("mail", "unexpected argument '%s': mail sends what is due for the "
			  "advisories of the configuration ('advisories')", argv[optind]);
		return cmd_usage(usage, 0);
	}
	if (cmd_now("mail", &now))
		return EXIT_USAGE;
	if ((rc = cmd_config("mail", cfile, &cfg))) {
		tlpress_config_release(&cfg);
		return rc;
	}
	rc = tlpress_lock(cfg.state, &lockfd, &err);
	if (rc) {
		cmd_error("mail", "%s", err.msg);
		tlpress_config_release(&cfg);
		return rc == TLPRESS_ELOCKED ? EXIT_TEMPFAIL : EXIT_FAIL;
	}
	rc = tlpress_journal_open(&j, cfg.state, 0, &err);
	if (rc) {
		cmd_error("mail", "%s", err.msg);
		status = rc == TLPRESS_EUSAGE ? EXIT_USAGE : EXIT_FAIL;
		goto out;
	}
	if (cmd_signer("mail", &cfg, 1, &now, &signer, &info)) {
		status = EXIT_FAIL;
		goto out;
	}
	status = cmd_mail_send("mail", &cfg, j, signer, &info, &now, quiet, dry);
out:
	tlpress_signer_close(signer);
	tlpress_journal_close(j);
	tlpress_unlock(lockfd);
	tlpress_config_release(&cfg);
	return status;
}
