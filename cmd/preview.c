/*
 * preview.c - tlpress preview: one advisory for every clearance, and every
 * mail it would produce, into a temporary folder; nothing leaves the machine
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "advisory.h"
#include "buf.h"
#include "cmd.h"
#include "config.h"
#include "mailq.h"
#include "policy.h"
#include "preview.h"
#include "sign.h"
#include "timefmt.h"
#include "tlp.h"

static const char usage[] =
	"usage: tlpress preview [-C FILE] ID|FILE\n"
	"\n"
	"Render one advisory (advisories/ID.md, or the file named) for each\n"
	"clearance, CLEAR, GREEN, AMBER, AMBER+STRICT and RED, and build every mail\n"
	"it would produce, into a new temporary folder (under $TMPDIR, else /tmp,\n"
	"mode 0700). Print the files, for each clearance the label of its rendition\n"
	"and which marked sections are cut, and who would receive which rendition,\n"
	"encrypted to which key, or a notice. A draft or an embargoed advisory is\n"
	"shown as it will go out once released. Nothing is published, journalled or\n"
	"sent; remove the folder when done.\n"
	"\n"
	"  -C, --config FILE  the configuration (default: ./tlpress.yml if there)\n"
	"  -h, --help         show this help\n"
	"\n"
	"TLPRESS_NOW (RFC 3339) replaces the clock.\n"
	"\n"
	"Exit status: 0 shown; 1 the advisory has errors; 2 usage or configuration\n"
	"error, or no such advisory; 3 I/O or templates.\n";

/* The advisory's file: a path as given, or ID in the advisories folder. */
static int find(const struct tlpress_config *cfg, const char *arg, struct tlpress_buf *path)
{
	struct stat st;

	if (strchr(arg, '/') || (strlen(arg) > 3 && !strcmp(arg + strlen(arg) - 3, ".md")))
		tlpress_buf_adds(path, arg);
	else
		tlpress_buf_printf(path, "%s/%s.md", cfg->advisories, arg);
	if (stat(path->ptr, &st) < 0 || !S_ISREG(st.st_mode)) {
		cmd_error("preview", "no advisory '%s': '%s' is not a file; give the id of an "
			  "advisory in '%s' (ls %s), or the path of its file", arg, path->ptr,
			  cfg->advisories, cfg->advisories);
		return -1;
	}
	return 0;
}

static void print_sections(const struct tlpress_advisory *a, enum tlpress_tlp clearance)
{
	size_t s;

	for (s = 0; s < a->nsections; s++) {
		const struct tlpress_section *sec = &a->sections[s];
		int keep = tlpress_policy_keep_section(a, s, clearance);

		printf("  %-4s line %-4u %.*s %s [%s]\n", keep ? "kept" : "cut", sec->line,
		       sec->level, "######", sec->title, tlpress_tlp_label(sec->mark));
	}
}

static void print_renditions(const struct tlpress_advisory *a, enum tlpress_tlp base,
			     const struct tlpress_preview *p)
{
	int c;

	for (c = 0; c < TLPRESS_TLP_COUNT; c++) {
		const char *clr = tlpress_tlp_label((enum tlpress_tlp)c);

		if (!p[c].rendered) {
			printf("%s: no rendition: below the base label %s\n", clr,
			       tlpress_tlp_label(base));
			continue;
		}
		if (!p[c].cut.cut_sections)
			printf("%s: labelled %s, nothing cut\n", clr,
			       tlpress_tlp_label(p[c].cut.label));
		else
			printf("%s: labelled %s, %zu of %zu marked sections cut\n", clr,
			       tlpress_tlp_label(p[c].cut.label), p[c].cut.cut_sections,
			       a->nsections);
		print_sections(a, (enum tlpress_tlp)c);
		printf("  file %s\n  file %s\n", p[c].html, p[c].text);
	}
}

static void print_mail(const struct tlpress_mail_preview *m)
{
	size_t i;

	printf("mail: %zu recipient%s%s\n", m->plan.n, m->plan.n == 1 ? "" : "s",
	       m->plan.n ? " (one message each; none is sent)" : "");
	for (i = 0; i < m->plan.n; i++) {
		const struct tlpress_delivery *dv = &m->plan.v[i];

		printf("  %s %s via %s: ", dv->address,
		       dv->notice_only ? "(notice)" : tlpress_tlp_label(dv->clearance),
		       dv->via ? dv->via : "recipients");
		if (dv->notice_only)
			printf("only a notice without content: %s\n",
			       tlpress_key_state_text(dv->key_state));
		else if (dv->encrypt)
			printf("signed, encrypted to %s\n", dv->key_fpr ? dv->key_fpr
			       : "the key of the address");
		else
			printf("signed, not encrypted\n");
		if (m->eml[i])
			printf("    file %s\n", m->eml[i]);
		if (m->problem[i])
			printf("    %s\n", m->problem[i]);
		if (m->txt[i])
			printf("    file %s\n", m->txt[i]);
	}
	for (i = 0; i < m->plan.nrefused; i++)
		printf("  refused: %s\n", m->plan.refused[i].reason);
}

int cmd_preview(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct tlpress_config cfg;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_buf path = TLPRESS_BUF_INIT, dir = TLPRESS_BUF_INIT;
	struct tlpress_preview p[TLPRESS_TLP_COUNT];
	struct tlpress_mail_preview m;
	struct tlpress_mailq_opts mo;
	struct tlpress_advisory *a = NULL;
	struct tlpress_signer *signer = NULL;
	struct tlpress_time now;
	enum tlpress_tlp base;
	const char *cfile = NULL, *tmp;
	char when[64];
	int c, status = EXIT_OK;

	memset(p, 0, sizeof(p));
	memset(&m, 0, sizeof(m));
	optind = 1;
	while ((c = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (c) {
		case 'C': cfile = optarg; break;
		case 'h': return cmd_usage(usage, 1);
		default: return cmd_usage(usage, 0);
		}
	}
	if (argc - optind != 1) {
		if (argc == optind)
			cmd_error("preview", "which advisory? give its id (CCB-2026-0042) or its file");
		else
			cmd_error("preview", "unexpected argument '%s': give one advisory",
				  argv[optind + 1]);
		return cmd_usage(usage, 0);
	}
	if (cmd_now("preview", &now))
		return EXIT_USAGE;
	c = cmd_config("preview", cfile, &cfg);
	if (c) {
		status = c;
		goto out;
	}
	if (find(&cfg, argv[optind], &path)) {
		status = EXIT_USAGE;
		goto out;
	}
	a = tlpress_advisory_load(path.ptr, &d);
	tlpress_diags_sort(&d);
	if (!a || a->nerrors || !a->id || !a->nrevisions) {
		cmd_print_diags(stderr, &d);
		cmd_error("preview", "'%s' has errors: no preview (tlpress check shows them)",
			  path.ptr);
		status = EXIT_FAIL;
		goto out;
	}
	cmd_print_diags(stderr, &d);

	tmp = getenv("TMPDIR");
	tlpress_buf_printf(&dir, "%s/tlpress-preview-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp",
			   a->id);
	if (dir.failed || !mkdtemp(dir.ptr)) {
		if (dir.failed)
			cmd_error("preview", "out of memory");
		else
			cmd_error("preview", "cannot make a temporary folder '%s': %s; set "
				  "TMPDIR to a folder you may write", dir.ptr, strerror(errno));
		status = EXIT_ENV;
		goto out;
	}
	base = tlpress_policy_base_label(a, &now);
	printf("preview of %s in %s\n", a->id, dir.ptr);
	printf("base label %s, document label %s, status %s\n", tlpress_tlp_label(base),
	       tlpress_tlp_label(tlpress_advisory_doc_label(a)),
	       a->status == TLPRESS_STATUS_DRAFT ? "draft: nothing goes out until it is released"
	       : a->status == TLPRESS_STATUS_INTERIM ? "interim" : "final");
	if (tlpress_policy_embargoed(a, &now)) {
		tlpress_time_rfc3339(&a->embargo, when, sizeof(when));
		printf("embargoed until %s: nothing goes out before\n", when);
	}
	if (tlpress_preview_render(&cfg, a, &now, dir.ptr, p, &err)) {
		cmd_error("preview", "%s", err.msg);
		status = EXIT_ENV;
		goto out;
	}
	print_renditions(a, base, p);

	/* the mail, built as tlpress mail builds it, into dir/mail */
	if (cfg.signing.key) {
		struct tlpress_keyinfo info;
		int warn = 0;

		memset(&info, 0, sizeof(info));
		if (tlpress_signer_open(&signer, cfg.signing.key, cfg.signing.gnupghome, 1,
					cfg.signing.warn_days, (long long)now.t, &info, &warn, &err)) {
			printf("mail: no message is built: the signing key: %s\n", err.msg);
			signer = NULL;
		}
	}
	memset(&mo, 0, sizeof(mo));
	mo.cfg = &cfg;
	mo.signer = signer;
	mo.now = now;
	tlpress_buf_adds(&dir, "/mail");
	if (tlpress_mailq_preview(&mo, a, dir.ptr, &m, &err)) {
		cmd_error("preview", "%s", err.msg);
		status = EXIT_ENV;
		goto out;
	}
	print_mail(&m);
	printf("nothing was published, journalled or sent\n");
out:
	tlpress_mail_preview_release(&m);
	tlpress_preview_release(p);
	tlpress_signer_close(signer);
	tlpress_advisory_free(a);
	tlpress_diags_release(&d);
	tlpress_buf_release(&path);
	tlpress_buf_release(&dir);
	tlpress_config_release(&cfg);
	return status;
}
