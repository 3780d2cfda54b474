/*
 * test_cut.c - the portion cut, as a table: for every (advisory label,
 * section label, clearance) the cleared body holds no text of a section
 * above the clearance, and all other text; in every body format.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisory.h"
#include "buf.h"
#include "policy.h"
#include "rendition.h"

#include "harness.h"

static const char *const fmtname[] = { "html", "markdown", "text" };

static struct tlpress_advisory *make(enum tlpress_tlp t, enum tlpress_tlp s1,
				     int nested, enum tlpress_tlp s2,
				     struct tlpress_diags *d)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	struct tlpress_advisory *a;
	enum tlpress_tlp doc = tlpress_tlp_max(t, tlpress_tlp_max(s1, nested ? s2 : s1));

	tlpress_buf_printf(&b,
		"---\nid: CCB-2026-0001\ntitle: Cut test\ntlp: %s\n%s"
		"revisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, summary: x}]\n---\n"
		"Opening paragraph CANARYBASE.\n\n"
		"## Details [%s]\n\n"
		"Section text CANARYSEC.\n\n"
		"- a list item CANARYSECLIST\n\n"
		"| host | CANARYSECTABLE |\n|---|---|\n| a | b |\n\n",
		tlpress_tlp_name(t),
		doc >= TLPRESS_TLP_AMBER ? "recipients: [ccb-partners]\n" : "",
		tlpress_tlp_label(s1));
	if (nested)
		tlpress_buf_printf(&b,
			"### Deeper [%s]\n\nNested text CANARYNEST.\n\n"
			"### Back at the section's label\n\nSection again CANARYSEC2.\n\n",
			tlpress_tlp_label(s2));
	tlpress_buf_adds(&b, "## Afterwards\n\nClosing text CANARYAFTER.\n");
	a = tlpress_advisory_parse("CCB-2026-0001.md", b.ptr, b.len, d);
	tlpress_buf_release(&b);
	return a;
}

static int has(const struct tlpress_buf *b, const char *s)
{
	return strstr(b->ptr, s) != NULL;
}

int main(void)
{
	int t, s, c, s2, f, bad = 0, cases = 0, refused = 0;

	/* one marked section: every pair of labels and every clearance */
	for (t = 0; t < TLPRESS_TLP_COUNT; t++)
	for (s = 0; s < TLPRESS_TLP_COUNT; s++) {
		struct tlpress_diags d = TLPRESS_DIAGS_INIT;
		struct tlpress_advisory *a = make(t, s, 0, 0, &d);

		if (!a) {
			OK(0, "tlp %s section %s: parsed", tlpress_tlp_name(t), tlpress_tlp_name(s));
			continue;
		}
		if (s < t) {
			/* a marking below the advisory's label is an error */
			OK(a->nerrors > 0, "tlp %s with a section marked %s is refused",
			   tlpress_tlp_name(t), tlpress_tlp_name(s));
			refused++;
			tlpress_advisory_free(a);
			tlpress_diags_release(&d);
			continue;
		}
		OK(a->nerrors == 0, "tlp %s section %s parses without error",
		   tlpress_tlp_name(t), tlpress_tlp_name(s));
		INT_EQ(tlpress_advisory_doc_label(a), s, "document label of tlp %s section %s",
		       tlpress_tlp_name(t), tlpress_tlp_name(s));
		for (c = 0; c < TLPRESS_TLP_COUNT; c++)
		for (f = 0; f < 3; f++) {
			struct tlpress_buf b = TLPRESS_BUF_INIT;
			struct tlpress_cut info;
			int base_in = t <= c, sec_in = s <= c, ok = 1;

			tlpress_body_render(a, (enum tlpress_tlp)t, (enum tlpress_tlp)c,
					    (enum tlpress_body_format)f, &b, &info);
			ok &= has(&b, "CANARYBASE") == base_in;
			ok &= has(&b, "CANARYAFTER") == base_in;
			ok &= has(&b, "CANARYSEC") == (base_in && sec_in);
			ok &= has(&b, "CANARYSECLIST") == (base_in && sec_in);
			ok &= has(&b, "CANARYSECTABLE") == (base_in && sec_in);
			/* a banner opens a kept marked section, and an end marker closes it */
			ok &= has(&b, tlpress_tlp_label((enum tlpress_tlp)s)) == (base_in && sec_in);
			ok &= has(&b, "End of ") == (base_in && sec_in);
			if (base_in)
				ok &= info.label == (sec_in ? (enum tlpress_tlp)s : (enum tlpress_tlp)t);
			/* nothing is left where the cut was */
			if (!sec_in)
				ok &= !has(&b, "Details");
			cases++;
			if (!ok) {
				bad++;
				DIAG("tlp %s section %s clearance %s format %s:\n%s",
				     tlpress_tlp_name(t), tlpress_tlp_name(s),
				     tlpress_tlp_name(c), fmtname[f], b.ptr);
			}
			tlpress_buf_release(&b);
		}
		tlpress_advisory_free(a);
		tlpress_diags_release(&d);
	}
	INT_EQ(bad, 0, "one section: %d cuts (labels x sections x clearances x formats) all right", cases);
	INT_EQ(refused, 10, "sections marked below the label are refused in all 10 such pairs");

	/* nested sections: the inner one is at or above the outer one */
	bad = cases = 0;
	for (t = 0; t < TLPRESS_TLP_COUNT; t++)
	for (s = t; s < TLPRESS_TLP_COUNT; s++)
	for (s2 = s; s2 < TLPRESS_TLP_COUNT; s2++) {
		struct tlpress_diags d = TLPRESS_DIAGS_INIT;
		struct tlpress_advisory *a = make(t, s, 1, s2, &d);

		if (!a || a->nerrors) {
			OK(0, "nested tlp %s %s %s parses", tlpress_tlp_name(t),
			   tlpress_tlp_name(s), tlpress_tlp_name(s2));
			tlpress_advisory_free(a);
			tlpress_diags_release(&d);
			continue;
		}
		for (c = 0; c < TLPRESS_TLP_COUNT; c++)
		for (f = 0; f < 3; f++) {
			struct tlpress_buf b = TLPRESS_BUF_INIT;
			struct tlpress_cut info;
			int base_in = t <= c, sec_in = base_in && s <= c, nest_in = sec_in && s2 <= c;
			int ok = 1;

			tlpress_body_render(a, (enum tlpress_tlp)t, (enum tlpress_tlp)c,
					    (enum tlpress_body_format)f, &b, &info);
			ok &= has(&b, "CANARYBASE") == base_in;
			ok &= has(&b, "CANARYAFTER") == base_in;
			ok &= has(&b, "CANARYSEC.") == sec_in;
			ok &= has(&b, "CANARYSEC2") == sec_in;
			ok &= has(&b, "CANARYNEST") == nest_in;
			if (base_in)
				ok &= info.label == (enum tlpress_tlp)(nest_in ? s2 : sec_in ? s : t);
			cases++;
			if (!ok) {
				bad++;
				DIAG("nested tlp %s sections %s/%s clearance %s format %s:\n%s",
				     tlpress_tlp_name(t), tlpress_tlp_name(s), tlpress_tlp_name(s2),
				     tlpress_tlp_name(c), fmtname[f], b.ptr);
			}
			tlpress_buf_release(&b);
		}
		tlpress_advisory_free(a);
		tlpress_diags_release(&d);
	}
	INT_EQ(bad, 0, "nested sections: %d cuts all right", cases);

	/* a downgrade lowers the base label but never a marking */
	{
		const char *src =
			"---\nid: CCBR-2026-0002\ntitle: Downgraded\ntlp: AMBER\n"
			"recipients: [ccb-partners]\n"
			"tlp_downgrade: {to: CLEAR, at: 2026-12-01T09:00:00+01:00, approved_by: J. Peeters}\n"
			"revisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, summary: x}]\n---\n"
			"Now public CANARYBASE.\n\n## IOCs [TLP:AMBER]\n\nStill restricted CANARYSEC.\n";
		struct tlpress_diags d = TLPRESS_DIAGS_INIT;
		struct tlpress_advisory *a = tlpress_advisory_parse("CCBR-2026-0002.md", src,
								    strlen(src), &d);
		struct tlpress_time before, after;
		struct tlpress_buf b = TLPRESS_BUF_INIT;

		tlpress_time_parse("2026-12-01T07:59:59Z", 20, &before);
		tlpress_time_parse("2026-12-01T08:00:00Z", 20, &after);
		OK(a && a->nerrors == 0, "downgrade advisory parses");
		if (a) {
			INT_EQ(tlpress_policy_base_label(a, &before), TLPRESS_TLP_AMBER, "AMBER before 'at'");
			INT_EQ(tlpress_policy_base_label(a, &after), TLPRESS_TLP_CLEAR, "CLEAR from 'at' on");
			tlpress_body_render(a, tlpress_policy_base_label(a, &after), TLPRESS_TLP_CLEAR,
					    TLPRESS_BODY_HTML, &b, NULL);
			OK(has(&b, "CANARYBASE") && !has(&b, "CANARYSEC"),
			   "after the downgrade the public rendition keeps the AMBER section out");
			tlpress_buf_reset(&b);
			tlpress_body_render(a, tlpress_policy_base_label(a, &before), TLPRESS_TLP_CLEAR,
					    TLPRESS_BODY_HTML, &b, NULL);
			INT_EQ(b.len, 0, "before the downgrade there is no public rendition");
		}
		tlpress_buf_release(&b);
		tlpress_advisory_free(a);
		tlpress_diags_release(&d);
	}
	return harness_done();
}
