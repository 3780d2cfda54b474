/*
 * test_policy.c - publishability as a table: every label against every
 * clearance, drafts, embargoes and downgrades just before and just after
 * their moment.
 */
#include <stdio.h>
#include <string.h>

#include "advisory.h"
#include "buf.h"
#include "policy.h"

#include "harness.h"

static struct tlpress_advisory *make(const char *tlp, const char *extra)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_advisory *a;
	enum tlpress_tlp t = TLPRESS_TLP_CLEAR;

	tlpress_tlp_parse(tlp, strlen(tlp), &t);
	tlpress_buf_printf(&b,
		"---\nid: CCB-2026-0001\ntitle: Policy test\ntlp: %s\n%s%s"
		"revisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, summary: x}]\n---\n"
		"Body.\n", tlp, t >= TLPRESS_TLP_AMBER ? "recipients: [ccb-partners]\n" : "",
		extra);
	a = tlpress_advisory_parse("CCB-2026-0001.md", b.ptr, b.len, &d);
	if (d.nerrors)
		DIAG("unexpected: %s", d.v[0].msg);
	tlpress_diags_release(&d);
	tlpress_buf_release(&b);
	return a;
}

static struct tlpress_time at(const char *s)
{
	struct tlpress_time t;

	tlpress_time_parse(s, strlen(s), &t);
	return t;
}

int main(void)
{
	struct tlpress_time now = at("2026-11-28T12:00:00Z");
	int t, c;

	/* every label against every clearance */
	for (t = 0; t < TLPRESS_TLP_COUNT; t++) {
		struct tlpress_advisory *a = make(tlpress_tlp_name((enum tlpress_tlp)t), "");

		for (c = 0; c < TLPRESS_TLP_COUNT; c++) {
			enum tlpress_verdict v = tlpress_policy_publishable(a, &now, (enum tlpress_tlp)c);

			INT_EQ(v, t <= c ? TLPRESS_PUBLISH : TLPRESS_REFUSE_LABEL,
			       "%s advisory at clearance %s: %s",
			       tlpress_tlp_name((enum tlpress_tlp)t), tlpress_tlp_name((enum tlpress_tlp)c),
			       tlpress_verdict_text(v));
		}
		tlpress_advisory_free(a);
	}

	/* only CLEAR and GREEN trees may be built */
	for (c = 0; c < TLPRESS_TLP_COUNT; c++)
		INT_EQ(tlpress_policy_tree_clearance_ok((enum tlpress_tlp)c) == 0,
		       c <= TLPRESS_TLP_GREEN, "a tree cleared for %s is %s",
		       tlpress_tlp_name((enum tlpress_tlp)c), c <= TLPRESS_TLP_GREEN ? "allowed" : "refused");

	/* a tree is written over one of its own clearance alone */
	for (c = 0; c < TLPRESS_TLP_COUNT; c++) {
		int h;

		OK(tlpress_policy_tree_overwrite_ok(NULL, (enum tlpress_tlp)c) == 0 &&
		   tlpress_policy_tree_overwrite_ok("", (enum tlpress_tlp)c) == 0,
		   "a tree cleared for %s may be made where there is none",
		   tlpress_tlp_name((enum tlpress_tlp)c));
		for (h = 0; h < TLPRESS_TLP_COUNT; h++)
			INT_EQ(tlpress_policy_tree_overwrite_ok(tlpress_tlp_label((enum tlpress_tlp)h),
								(enum tlpress_tlp)c) == 0,
			       h == c, "a tree cleared for %s over one cleared for %s: %s",
			       tlpress_tlp_name((enum tlpress_tlp)c),
			       tlpress_tlp_name((enum tlpress_tlp)h), h == c ? "allowed" : "refused");
	}
	OK(tlpress_policy_tree_overwrite_ok("TLP:WHITE", TLPRESS_TLP_CLEAR) == -1 &&
	   tlpress_policy_tree_overwrite_ok("TLP:Clear", TLPRESS_TLP_CLEAR) == -1 &&
	   tlpress_policy_tree_overwrite_ok("PUBLIC", TLPRESS_TLP_CLEAR) == -1,
	   "a manifest's label that is not one, exactly, refuses every tree");

	/* drafts never, interim yes */
	{
		struct tlpress_advisory *a = make("CLEAR", "status: draft\n");
		struct tlpress_advisory *b = make("CLEAR", "status: interim\n");

		INT_EQ(tlpress_policy_publishable(a, &now, TLPRESS_TLP_RED), TLPRESS_REFUSE_DRAFT,
		       "a draft is never published, even at RED");
		INT_EQ(tlpress_policy_publishable(b, &now, TLPRESS_TLP_CLEAR), TLPRESS_PUBLISH,
		       "an interim advisory is published");
		tlpress_advisory_free(a);
		tlpress_advisory_free(b);
	}

	/* embargo: the second before, the moment itself, and after */
	{
		struct tlpress_advisory *a = make("CLEAR", "embargo: 2027-01-12T09:00:00+01:00\n");
		struct tlpress_time before = at("2027-01-12T07:59:59Z");
		struct tlpress_time moment = at("2027-01-12T08:00:00Z");
		struct tlpress_time after = at("2027-01-12T09:00:00+01:00");

		INT_EQ(tlpress_policy_publishable(a, &before, TLPRESS_TLP_CLEAR),
		       TLPRESS_REFUSE_EMBARGO, "embargoed one second before");
		INT_EQ(tlpress_policy_publishable(a, &moment, TLPRESS_TLP_CLEAR),
		       TLPRESS_PUBLISH, "published at the moment the embargo ends");
		INT_EQ(tlpress_policy_publishable(a, &after, TLPRESS_TLP_CLEAR),
		       TLPRESS_PUBLISH, "the same instant written in another zone");
		INT_EQ(tlpress_policy_publishable(a, &before, TLPRESS_TLP_RED),
		       TLPRESS_REFUSE_EMBARGO, "an embargo holds at every clearance");
		tlpress_advisory_free(a);
	}

	/* downgrade: AMBER until 'at', CLEAR from then on */
	{
		struct tlpress_advisory *a = make("AMBER",
			"tlp_downgrade: {to: CLEAR, at: 2026-12-01T09:00:00+01:00, approved_by: A. Janssens}\n");
		struct tlpress_time before = at("2026-12-01T07:59:59Z");
		struct tlpress_time moment = at("2026-12-01T08:00:00Z");

		INT_EQ(tlpress_policy_publishable(a, &before, TLPRESS_TLP_CLEAR),
		       TLPRESS_REFUSE_LABEL, "not public one second before the downgrade");
		INT_EQ(tlpress_policy_publishable(a, &before, TLPRESS_TLP_AMBER),
		       TLPRESS_PUBLISH, "an AMBER channel has it before the downgrade");
		INT_EQ(tlpress_policy_publishable(a, &moment, TLPRESS_TLP_CLEAR),
		       TLPRESS_PUBLISH, "public from the moment of the downgrade");
		OK(!tlpress_policy_downgrade_due(a, &before) && tlpress_policy_downgrade_due(a, &moment),
		   "downgrade_due turns at 'at'");
		INT_EQ(tlpress_advisory_doc_label(a), TLPRESS_TLP_AMBER,
		       "the document label stays what was written");
		tlpress_advisory_free(a);
	}

	/* an advisory with errors is never publishable */
	{
		struct tlpress_diags d = TLPRESS_DIAGS_INIT;
		const char *src = "---\nid: CCB-2026-0001\ntitle: x\ntlp: CLEAR\nbogus: 1\n"
			"revisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, summary: x}]\n---\nx\n";
		struct tlpress_advisory *a = tlpress_advisory_parse("CCB-2026-0001.md", src,
								    strlen(src), &d);

		INT_EQ(tlpress_policy_publishable(a, &now, TLPRESS_TLP_RED), TLPRESS_REFUSE_INVALID,
		       "an advisory with an error is refused");
		tlpress_advisory_free(a);
		tlpress_diags_release(&d);
	}

	/* an invalid label fails closed: treated as RED */
	{
		struct tlpress_diags d = TLPRESS_DIAGS_INIT;
		const char *src = "---\nid: CCB-2026-0001\ntitle: x\ntlp: WHITE\n"
			"revisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, summary: x}]\n---\nx\n";
		struct tlpress_advisory *a = tlpress_advisory_parse("CCB-2026-0001.md", src,
								    strlen(src), &d);

		INT_EQ(a->tlp, TLPRESS_TLP_RED, "an unreadable label is held as RED");
		tlpress_advisory_free(a);
		tlpress_diags_release(&d);
	}
	/* one advisory, one id */
	{
		const char *ids[] = { "CCB-2026-0042", NULL, "CCB-2026-00042", "CCB-2026-0043",
				      "", "CCB-2026-0042", "CCBR-2026-0042" };
		size_t also[7];
		long n = tlpress_policy_claimed_twice(ids, 7, also);

		INT_EQ(n, 3, "claimed twice: three files claim CCB-2026-0042 (once zero-padded)");
		OK(also[0] == 0 && also[2] == 0 && also[5] == 2,
		   "each is reported against the one before it, the first against none");
		OK(also[1] == TLPRESS_CLAIMED_ONCE && also[4] == TLPRESS_CLAIMED_ONCE,
		   "a file with no id is never a duplicate");
		OK(also[3] == TLPRESS_CLAIMED_ONCE && also[6] == TLPRESS_CLAIMED_ONCE,
		   "another number, another series: not the same advisory");
		INT_EQ(tlpress_policy_claimed_twice(ids, 0, also), 0, "no files, none refused");
	}

	return harness_done();
}
