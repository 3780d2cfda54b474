/* test_ids.c - the id series (lib/ids.h) and the new advisory's text
 * (lib/skeleton.h) */
#include <stdlib.h>
#include <string.h>

#include "advisory.h"
#include "buf.h"
#include "ids.h"
#include "skeleton.h"
#include "harness.h"

static void patterns(void)
{
	static const struct { const char *p; int ok; } t[] = {
		{ "CCB-{year}-", 1 }, { "CCBR-{year}-", 1 }, { "NCSC2-{year}-", 1 },
		{ "A-{year}-", 1 }, { "ABCDEFGHIJKLMNOP-{year}-", 1 },
		{ "ABCDEFGHIJKLMNOPQ-{year}-", 0 },    /* prefix over 16 */
		{ "CCB-2026-", 0 },                    /* no {year} */
		{ "NCSC-R-{year}-", 0 },               /* a hyphen in the prefix */
		{ "ccb-{year}-", 0 }, { "1CB-{year}-", 0 }, { "CCB-{year}", 0 },
		{ "CCB-{year}-X", 0 }, { "CCB{year}-", 0 }, { "CCB-{year}-{year}-", 0 },
		{ "", 0 },
	};
	const char *why = NULL;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		OK((tlpress_ids_pattern_valid(t[i].p, &why) == 0) == t[i].ok,
		   "pattern '%s' is %s", t[i].p, t[i].ok ? "valid" : "refused");
}

static void numbers(void)
{
	char p[64];

	tlpress_ids_prefix("CCB-{year}-", 2027, p, sizeof(p));
	STR_EQ(p, "CCB-2027-", "{year} is filled in");
	INT_EQ(tlpress_ids_number("CCB-2026-", "CCB-2026-0042"), 42, "CCB-2026-0042 is 42");
	INT_EQ(tlpress_ids_number("CCB-2026-", "CCB-2026-10027"), 10027, "five digits");
	INT_EQ(tlpress_ids_number("CCB-2026-", "CCBR-2026-0042"), -1, "another series");
	INT_EQ(tlpress_ids_number("CCBR-2026-", "CCB-2026-0042"), -1, "another series, reversed");
	INT_EQ(tlpress_ids_number("CCB-2026-", "CCB-2025-0042"), -1, "another year");
	INT_EQ(tlpress_ids_number("CCB-2026-", "CCB-2026-042"), -1, "not an id (3 digits)");
	INT_EQ(tlpress_ids_series(TLPRESS_TLP_CLEAR), TLPRESS_SERIES_PUBLIC, "CLEAR: public");
	INT_EQ(tlpress_ids_series(TLPRESS_TLP_GREEN), TLPRESS_SERIES_RESTRICTED, "GREEN: restricted");
	INT_EQ(tlpress_ids_series(TLPRESS_TLP_RED), TLPRESS_SERIES_RESTRICTED, "RED: restricted");
}

/* Every label and language: the text parses without error or warning. */
static void skeletons(void)
{
	static const char *const langs[] = { "en", "nl", "fr", "nl-BE", "de" };
	struct tlpress_skeleton s;
	int t;
	size_t l;

	memset(&s, 0, sizeof(s));
	s.id = "CCBR-2026-0007";
	s.title = "Een \"titel\" met \\ en é";
	s.now.t = 1795867200;
	s.now.valid = 1;
	s.public_prefix = "CCB-2026-";
	s.restricted_prefix = "CCBR-2026-";
	for (t = 0; t < TLPRESS_TLP_COUNT; t++) {
		for (l = 0; l < sizeof(langs) / sizeof(langs[0]); l++) {
			struct tlpress_buf b = TLPRESS_BUF_INIT;
			struct tlpress_diags d = TLPRESS_DIAGS_INIT;
			struct tlpress_advisory *a;

			s.tlp = (enum tlpress_tlp)t;
			s.lang = langs[l];
			OK(tlpress_skeleton_render(&s, &b) == 0, "%s %s: rendered",
			   tlpress_tlp_name(s.tlp), s.lang);
			a = tlpress_advisory_parse("CCBR-2026-0007.md", b.ptr, b.len, &d);
			OK(a && d.n == 0 && a->status == TLPRESS_STATUS_DRAFT && a->tlp == s.tlp &&
			   !strcmp(a->title, s.title) && !strcmp(a->lang, s.lang),
			   "%s %s: a valid draft with its title, label and language",
			   tlpress_tlp_name(s.tlp), s.lang);
			if (d.n)
				DIAG("%s", d.v[0].msg);
			tlpress_advisory_free(a);
			tlpress_diags_release(&d);
			tlpress_buf_release(&b);
		}
	}
}

/* Two files may not claim one number, however many zeros pad it. */
static void same_number(void)
{
	OK(tlpress_id_cmp("CCB-2026-0042", "CCB-2026-00042") == 0, "0042 and 00042 are one id");
	OK(tlpress_id_cmp("CCB-2026-0042", "CCB-2026-00000042") == 0, "... and 00000042");
	OK(tlpress_id_cmp("CCB-2026-0042", "CCB-2026-0043") < 0, "0042 comes before 0043");
	OK(tlpress_id_cmp("CCB-2026-9999", "CCB-2026-10000") < 0, "9999 before 10000");
	OK(tlpress_id_cmp("CCB-2026-00100", "CCB-2026-0099") > 0, "00100 after 0099");
	OK(tlpress_id_cmp("CCB-2026-0042", "CCBR-2026-0042") != 0, "another series is another id");
	OK(tlpress_id_cmp("CCB-2026-0042", "CCB-2025-0042") > 0, "another year too");
	OK(tlpress_id_cmp("CCB-2026-0000", "CCB-2026-00000") == 0, "zero is zero");
}

int main(void)
{
	patterns();
	numbers();
	same_number();
	skeletons();
	return harness_done();
}
