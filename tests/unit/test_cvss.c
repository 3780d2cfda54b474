/*
 * test_cvss.c - CVSS v3.0 / v3.1 base vectors (lib/cvss.c)
 *
 * Every expected score below is copied from a published source named in
 * the comment above its block; none is computed by tlpress. Severities
 * are the rating of that score in the table of the specification,
 * section 5 (0.0 None, 0.1-3.9 Low, 4.0-6.9 Medium, 7.0-8.9 High,
 * 9.0-10.0 Critical), written out by hand.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cvss.h"
#include "harness.h"

#define N_ TLPRESS_CVSS_NONE
#define L_ TLPRESS_CVSS_LOW
#define M_ TLPRESS_CVSS_MEDIUM
#define H_ TLPRESS_CVSS_HIGH
#define C_ TLPRESS_CVSS_CRITICAL

struct scored {
	const char *vector;
	int score10;                       /* -1: the source gives no score */
	enum tlpress_cvss_severity sev;
};

/*
 * RedHatProductSecurity/cvss, tests/vectors_simple31 (commit 54384952eb69):
 * "All vector combinations with only mandatory fields. Computed using
 * https://www.first.org/cvss/calculator/3.1" (tests/test_cvss3.py). The
 * first number of each line there is the base score. Picked to use every
 * value of every metric, both scopes, impact 0, the 10.0 cap, both sides
 * of each severity boundary, and the vectors whose raw value lies closest
 * above a tenth (Roundup edge cases, raw value in the comment: a Roundup
 * that rounds to hundredths first, or truncates, gets these wrong).
 */
static const struct scored first31[] = {
	/* AV:N, AC:L */
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 100, C_ }, /* cap */
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:L", 100, C_ }, /* cap */
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:L/A:L", 99, C_ },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", 58, M_ },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N", 0, N_ },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 98, C_ },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 75, H_ },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L", 73, H_ },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", 53, M_ },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0, N_ },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 96, C_ },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 61, M_ },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 88, H_ },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:L", 43, M_ },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 99, C_ },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:N/A:N", 50, M_ },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 88, H_ },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:H", 90, C_ },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:L", 89, H_ },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:N/A:N", 41, M_ }, /* raw 4.000886 */
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:N/A:N", 35, L_ },
	{ "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H", 91, C_ }, /* raw 9.000964 */
	{ "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:L/I:N/A:N", 41, M_ },
	{ "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 72, H_ },
	{ "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:N/A:N", 49, M_ },
	/* AV:N, AC:H */
	{ "CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:U/C:L/I:N/A:N", 26, L_ },
	{ "CVSS:3.1/AV:N/AC:H/PR:H/UI:N/S:C/C:H/I:H/A:H", 80, H_ },
	{ "CVSS:3.1/AV:N/AC:H/PR:H/UI:N/S:U/C:H/I:N/A:N", 44, M_ }, /* raw 4.300747 */
	{ "CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:C/C:L/I:L/A:N", 40, M_ },
	{ "CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:U/C:L/I:L/A:L", 39, L_ },
	{ "CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 20, L_ },
	/* AV:A */
	{ "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 96, C_ },
	{ "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 88, H_ },
	{ "CVSS:3.1/AV:A/AC:L/PR:N/UI:R/S:C/C:L/I:N/A:N", 38, L_ },
	{ "CVSS:3.1/AV:A/AC:L/PR:L/UI:N/S:C/C:L/I:N/A:N", 41, M_ }, /* raw 4.000886 */
	{ "CVSS:3.1/AV:A/AC:L/PR:L/UI:R/S:U/C:H/I:H/A:L", 70, H_ },
	{ "CVSS:3.1/AV:A/AC:L/PR:L/UI:R/S:C/C:H/I:L/A:N", 69, M_ },
	{ "CVSS:3.1/AV:A/AC:L/PR:H/UI:N/S:C/C:L/I:N/A:N", 34, L_ },
	/* AV:L */
	{ "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H", 82, H_ },
	{ "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:H/I:L/A:L", 56, M_ }, /* raw 5.500320 */
	{ "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:N/A:N", 23, L_ },
	{ "CVSS:3.1/AV:L/AC:L/PR:H/UI:R/S:U/C:L/I:L/A:L", 40, M_ },
	{ "CVSS:3.1/AV:L/AC:L/PR:L/UI:R/S:U/C:N/I:N/A:H", 50, M_ },
	{ "CVSS:3.1/AV:L/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 74, H_ },
	{ "CVSS:3.1/AV:L/AC:H/PR:L/UI:R/S:C/C:H/I:L/A:N", 61, M_ }, /* raw 6.000467 */
	{ "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 18, L_ },
	{ "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:C/C:N/I:N/A:N", 0, N_ },
	/* AV:P */
	{ "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 76, H_ },
	{ "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 68, M_ },
	{ "CVSS:3.1/AV:P/AC:L/PR:L/UI:R/S:U/C:L/I:L/A:N", 31, L_ }, /* raw 3.000676 */
	{ "CVSS:3.1/AV:P/AC:L/PR:H/UI:R/S:U/C:L/I:N/A:N", 17, L_ },
	{ "CVSS:3.1/AV:P/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:L", 70, H_ }, /* raw 6.900547 */
	{ "CVSS:3.1/AV:P/AC:H/PR:H/UI:N/S:U/C:L/I:N/A:N", 16, L_ },
	{ "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:C/C:H/I:H/A:H", 68, M_ },
	{ "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:H/I:H/A:H", 60, M_ },
	{ "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:L", 16, L_ },
};

/*
 * NVD scores, as quoted with their URLs in moor84/cvssrust tests/v3_1.rs
 * and tests/v3_0.rs (commit 19dd86e3e4ca):
 *   https://nvd.nist.gov/vuln/detail/CVE-2020-0601  8.1
 *   https://nvd.nist.gov/vuln/detail/CVE-2014-0011  9.8
 * and the base part of the example of FIRST's CVSS v3.1 User Guide,
 * section 2.6 "Formula Changes" (base score 5.0, same files).
 */
static const struct scored nvd[] = {
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:N", 81, H_ },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 98, C_ },
	{ "CVSS:3.1/AV:P/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:H", 50, M_ },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:N", 81, H_ },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 98, C_ },
	{ "CVSS:3.0/AV:P/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:H", 50, M_ },
};

/*
 * CVSS:3.0: RedHatProductSecurity/cvss, tests/vectors_simple3 (commit
 * 5c895a81c7aa), all 2,592 base vectors of v3.0 with their scores; here
 * mostly AV:A with AC:H, which the v3.1 block above leaves out.
 */
static const struct scored redhat30[] = {
	{ "CVSS:3.0/AV:A/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H", 83, H_ },
	{ "CVSS:3.0/AV:A/AC:H/PR:N/UI:N/S:C/C:L/I:N/A:N", 34, L_ },
	{ "CVSS:3.0/AV:A/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 75, H_ },
	{ "CVSS:3.0/AV:A/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:L", 50, M_ },
	{ "CVSS:3.0/AV:A/AC:H/PR:N/UI:R/S:C/C:H/I:L/A:L", 70, H_ },
	{ "CVSS:3.0/AV:A/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 26, L_ },
	{ "CVSS:3.0/AV:A/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:H", 80, H_ },
	{ "CVSS:3.0/AV:A/AC:H/PR:L/UI:N/S:U/C:N/I:N/A:N", 0, N_ },
	{ "CVSS:3.0/AV:A/AC:H/PR:L/UI:R/S:C/C:L/I:L/A:N", 40, M_ },
	{ "CVSS:3.0/AV:A/AC:H/PR:L/UI:R/S:U/C:H/I:H/A:H", 68, M_ },
	{ "CVSS:3.0/AV:A/AC:H/PR:L/UI:R/S:U/C:L/I:N/A:N", 23, L_ },
	{ "CVSS:3.0/AV:A/AC:H/PR:H/UI:N/S:C/C:H/I:H/A:H", 76, H_ },
	{ "CVSS:3.0/AV:A/AC:H/PR:H/UI:N/S:C/C:L/I:N/A:N", 26, L_ },
	{ "CVSS:3.0/AV:A/AC:L/PR:H/UI:R/S:U/C:L/I:L/A:L", 41, M_ },
	{ "CVSS:3.0/AV:A/AC:L/PR:H/UI:R/S:U/C:N/I:N/A:L", 21, L_ },
};

/*
 * CVSS:3.0, severities only: RedHatProductSecurity/cvss, tests/test_cvss3.py,
 * test_severities (commit 17aa658318bf), first element of each tuple.
 */
static const struct scored redhat30_sev[] = {
	{ "CVSS:3.0/AV:N/AC:H/PR:L/UI:N/S:C/C:N/I:N/A:N", -1, N_ },
	{ "CVSS:3.0/AV:P/AC:H/PR:L/UI:R/S:U/C:N/I:L/A:N", -1, L_ },
	{ "CVSS:3.0/AV:N/AC:H/PR:L/UI:R/S:U/C:N/I:L/A:N", -1, L_ },
	{ "CVSS:3.0/AV:N/AC:H/PR:L/UI:N/S:U/C:N/I:N/A:L", -1, L_ },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:L", -1, M_ },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:L/A:L", -1, M_ },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:H/A:N", -1, M_ },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L", -1, H_ },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:H", -1, H_ },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:L/A:N", -1, C_ },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H", -1, C_ },
};

/*
 * Out of order. RedHatProductSecurity/cvss tests/vectors_calculator3
 * ("Hand picked vectors using https://www.first.org/cvss/calculator/3.0"),
 * base scores 3.8 and 9.3, with the temporal and environmental metrics of
 * those lines removed (they do not enter the base score); and the base
 * part of test_clean_vector in tests/test_cvss3.py for the canonical order.
 */
struct reordered {
	const char *vector;
	int score10;
	const char *canonical;
};

static const struct reordered reordered[] = {
	{ "CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N", 38,
	  "CVSS:3.0/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N" },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N", 93,
	  "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N" },
	{ "CVSS:3.0/S:C/C:H/I:H/A:N/AV:P/AC:H/PR:H/UI:R", -1,
	  "CVSS:3.0/AV:P/AC:H/PR:H/UI:R/S:C/C:H/I:H/A:N" },
	{ "CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N", 98,
	  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" },
};

static void check_scored(const char *source, const struct scored *t, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++) {
		struct tlpress_cvss c;
		struct tlpress_error err = TLPRESS_ERROR_INIT;
		char got[TLPRESS_CVSS_SCORE_STR_SIZE], want[8];
		int rc = tlpress_cvss_parse(t[k].vector, &c, &err);
		int minor = t[k].vector[7] - '0';

		tlpress_cvss_score_str(c.score10, got, sizeof(got));
		if (t[k].score10 >= 0)
			tlpress_cvss_score_str(t[k].score10, want, sizeof(want));
		else
			strcpy(want, "any");
		OK(rc == 0 && (t[k].score10 < 0 || c.score10 == t[k].score10) &&
		   c.severity == t[k].sev && c.minor == minor &&
		   strcmp(c.vector, t[k].vector) == 0,
		   "%s: %s is %s %s", source, t[k].vector, want,
		   tlpress_cvss_severity_name(t[k].sev));
		if (rc)
			DIAG("parse failed: %s", err.msg);
		else if ((t[k].score10 >= 0 && c.score10 != t[k].score10) ||
			 c.severity != t[k].sev)
			DIAG("got %s %s", got, tlpress_cvss_severity_name(c.severity));
	}
}

static void test_tables(void)
{
	size_t k;

	check_scored("FIRST 3.1 calculator (RedHat vectors_simple31)",
		     first31, sizeof(first31) / sizeof(first31[0]));
	check_scored("NVD / FIRST user guide", nvd, sizeof(nvd) / sizeof(nvd[0]));
	check_scored("RedHat vectors_simple3 (3.0)",
		     redhat30, sizeof(redhat30) / sizeof(redhat30[0]));
	check_scored("RedHat test_severities (3.0)", redhat30_sev,
		     sizeof(redhat30_sev) / sizeof(redhat30_sev[0]));

	for (k = 0; k < sizeof(reordered) / sizeof(reordered[0]); k++) {
		struct tlpress_cvss c;
		struct tlpress_error err = TLPRESS_ERROR_INIT;
		int rc = tlpress_cvss_parse(reordered[k].vector, &c, &err);

		OK(rc == 0 && (reordered[k].score10 < 0 ||
			       c.score10 == reordered[k].score10),
		   "any order: %s parses (score %d)", reordered[k].vector,
		   reordered[k].score10);
		if (rc)
			DIAG("%s", err.msg);
		STR_EQ(c.vector, reordered[k].canonical,
		       "canonical form of %s", reordered[k].vector);
	}
}

/* The letters land in the right fields, and the CSAF 2.0 names of
 * shared/schemas/csaf-2.0/first/cvss-v3.1.json (attackVectorType and so
 * on) come back for every value of every metric. */
static void test_value_names(void)
{
	static const struct {
		const char *vector;
		const char *names[8];
	} t[] = {
		{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:L/A:N",
		  { "NETWORK", "LOW", "NONE", "NONE", "UNCHANGED", "HIGH",
		    "LOW", "NONE" } },
		{ "CVSS:3.1/AV:A/AC:H/PR:L/UI:R/S:C/C:L/I:N/A:H",
		  { "ADJACENT_NETWORK", "HIGH", "LOW", "REQUIRED", "CHANGED",
		    "LOW", "NONE", "HIGH" } },
		{ "CVSS:3.0/AV:L/AC:L/PR:H/UI:N/S:U/C:N/I:H/A:L",
		  { "LOCAL", "LOW", "HIGH", "NONE", "UNCHANGED", "NONE",
		    "HIGH", "LOW" } },
		{ "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:C/C:H/I:H/A:H",
		  { "PHYSICAL", "HIGH", "HIGH", "REQUIRED", "CHANGED", "HIGH",
		    "HIGH", "HIGH" } },
	};
	static const char *const names[8] = {
		"AV", "AC", "PR", "UI", "S", "C", "I", "A"
	};
	struct tlpress_cvss c;
	size_t k, m;

	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		int rc = tlpress_cvss_parse(t[k].vector, &c, NULL);

		INT_EQ(rc, 0, "parse %s", t[k].vector);
		for (m = 0; m < 8; m++)
			STR_EQ(tlpress_cvss_value_name(&c, names[m]),
			       t[k].names[m], "%s of %s", names[m], t[k].vector);
	}
	tlpress_cvss_parse("CVSS:3.1/AV:A/AC:H/PR:L/UI:R/S:C/C:L/I:N/A:H", &c,
			   NULL);
	OK(c.av == 'A' && c.ac == 'H' && c.pr == 'L' && c.ui == 'R' &&
	   c.s == 'C' && c.c == 'L' && c.i == 'N' && c.a == 'H',
	   "letters are stored in their fields");
	OK(tlpress_cvss_value_name(&c, "E") == NULL, "value_name of 'E' is NULL");
	OK(tlpress_cvss_value_name(&c, "av") == NULL, "value_name of 'av' is NULL");
	OK(tlpress_cvss_value_name(&c, "") == NULL, "value_name of '' is NULL");
	OK(tlpress_cvss_value_name(&c, NULL) == NULL, "value_name of NULL is NULL");
	OK(tlpress_cvss_value_name(NULL, "AV") == NULL, "value_name without cvss");
	memset(&c, 0, sizeof(c));
	OK(tlpress_cvss_value_name(&c, "AV") == NULL,
	   "value_name of an empty struct is NULL");
}

/*
 * Round-up. Expectations:
 *  - the footnote of the CVSS v3.0 and v3.1 equations pages of NVD
 *    (nvd.nist.gov/vuln-metrics/cvss/v3-calculator/equations), after the
 *    specification: "Round up (4.02) is 4.1; and Round up (4.00) is 4.0";
 *  - FIRST CVSS v3.1 User Guide, section 2.6 (quoted in moor84/cvssrust
 *    tests/v3_0.rs and v3_1.rs): a Base Score of 2.5, 5.0 or 10.0 with
 *    E:H (1), RL:U (1), RC:U (0.92) has a Temporal Score 0.1 lower in v3.1
 *    than in v3.0, e.g. 4.7 in v3.0 and 4.6 in v3.1 for 5.0; the products
 *    are exactly 2.3, 4.6 and 9.2, which v3.1 keeps and v3.0's floating
 *    ceil raises by 0.1;
 *  - the Appendix A pseudo-code by hand: 4.0000001 * 100000 rounds to
 *    400000, a multiple of 10000, so 4.0; 4.00001 gives 400001, so 4.1.
 */
static void test_roundup(void)
{
	INT_EQ(tlpress_cvss_roundup(4.02, 1), 41, "3.1 Roundup(4.02) is 4.1");
	INT_EQ(tlpress_cvss_roundup(4.02, 0), 41, "3.0 Round up(4.02) is 4.1");
	INT_EQ(tlpress_cvss_roundup(4.00, 1), 40, "3.1 Roundup(4.00) is 4.0");
	INT_EQ(tlpress_cvss_roundup(4.00, 0), 40, "3.0 Round up(4.00) is 4.0");

	INT_EQ(tlpress_cvss_roundup(5.0 * 1 * 1 * 0.92, 1), 46,
	       "user guide 2.6: base 5.0, E:H/RL:U/RC:U is 4.6 in v3.1");
	INT_EQ(tlpress_cvss_roundup(5.0 * 1 * 1 * 0.92, 0), 47,
	       "user guide 2.6: base 5.0, E:H/RL:U/RC:U is 4.7 in v3.0");
	INT_EQ(tlpress_cvss_roundup(2.5 * 1 * 1 * 0.92, 1), 23,
	       "user guide 2.6: base 2.5 gives 2.3 in v3.1");
	INT_EQ(tlpress_cvss_roundup(2.5 * 1 * 1 * 0.92, 0), 24,
	       "user guide 2.6: base 2.5 gives 0.1 more in v3.0");
	INT_EQ(tlpress_cvss_roundup(10.0 * 1 * 1 * 0.92, 1), 92,
	       "user guide 2.6: base 10.0 gives 9.2 in v3.1");
	INT_EQ(tlpress_cvss_roundup(10.0 * 1 * 1 * 0.92, 0), 93,
	       "user guide 2.6: base 10.0 gives 0.1 more in v3.0");

	INT_EQ(tlpress_cvss_roundup(4.0000001, 1), 40,
	       "3.1 Roundup(4.0000001) is 4.0 (Appendix A)");
	INT_EQ(tlpress_cvss_roundup(4.0000001, 0), 41,
	       "3.0 ceil(4.0000001) is 4.1");
	INT_EQ(tlpress_cvss_roundup(4.00001, 1), 41, "3.1 Roundup(4.00001) is 4.1");
	INT_EQ(tlpress_cvss_roundup(0, 1), 0, "Roundup(0) is 0.0");
	INT_EQ(tlpress_cvss_roundup(10, 1), 100, "Roundup(10) is 10.0");

	INT_EQ(tlpress_cvss_roundup(-0.5, 1), -1, "negative input refused");
	INT_EQ(tlpress_cvss_roundup(NAN, 1), -1, "NaN refused");
	INT_EQ(tlpress_cvss_roundup(1e9, 0), -1, "huge input refused");
	INT_EQ(tlpress_cvss_roundup(4.0, 2), -1, "minor version 2 refused");
}

/* Severity scale: specification section 5, Table 14. */
static void test_severity(void)
{
	static const struct {
		int score10;
		const char *lower, *upper;
	} t[] = {
		{ 0, "none", "NONE" }, { 1, "low", "LOW" }, { 39, "low", "LOW" },
		{ 40, "medium", "MEDIUM" }, { 69, "medium", "MEDIUM" },
		{ 70, "high", "HIGH" }, { 89, "high", "HIGH" },
		{ 90, "critical", "CRITICAL" }, { 100, "critical", "CRITICAL" },
	};
	size_t k;

	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		enum tlpress_cvss_severity s = tlpress_cvss_severity_of(t[k].score10);

		STR_EQ(tlpress_cvss_severity_name(s), t[k].lower,
		       "score %d is %s", t[k].score10, t[k].lower);
		STR_EQ(tlpress_cvss_severity_upper(s), t[k].upper,
		       "score %d is %s", t[k].score10, t[k].upper);
	}
	STR_EQ(tlpress_cvss_severity_name((enum tlpress_cvss_severity)42),
	       "none", "out-of-range severity name");
	STR_EQ(tlpress_cvss_severity_upper((enum tlpress_cvss_severity)42),
	       "NONE", "out-of-range severity upper name");
}

static void test_score_str(void)
{
	char buf[TLPRESS_CVSS_SCORE_STR_SIZE], small[3] = "xx";

	tlpress_cvss_score_str(98, buf, sizeof(buf));
	STR_EQ(buf, "9.8", "98 prints as 9.8");
	tlpress_cvss_score_str(100, buf, sizeof(buf));
	STR_EQ(buf, "10.0", "100 prints as 10.0");
	tlpress_cvss_score_str(0, buf, sizeof(buf));
	STR_EQ(buf, "0.0", "0 prints as 0.0");
	tlpress_cvss_score_str(5, buf, sizeof(buf));
	STR_EQ(buf, "0.5", "5 prints as 0.5");
	tlpress_cvss_score_str(40, buf, sizeof(buf));
	STR_EQ(buf, "4.0", "40 prints as 4.0");
	tlpress_cvss_score_str(98, small, sizeof(small));
	STR_EQ(small, "9.", "a short buffer is truncated and terminated");
	tlpress_cvss_score_str(98, small, 0);
	STR_EQ(small, "9.", "size 0 writes nothing");
	tlpress_cvss_score_str(98, NULL, 5);
	OK(1, "NULL buffer is ignored");
}

/* Each refused vector must fail with TLPRESS_EINVAL and a message holding
 * every listed fragment; *out must be zeroed. */
struct refused {
	const char *what;
	const char *vector;
	const char *frag[3];
};

static void check_refused(const struct refused *r)
{
	struct tlpress_cvss c;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	int rc, k, found = 1;

	memset(&c, 0x55, sizeof(c));
	rc = tlpress_cvss_parse(r->vector, &c, &err);
	for (k = 0; k < 3 && r->frag[k]; k++)
		if (!strstr(err.msg, r->frag[k]))
			found = 0;
	OK(rc == TLPRESS_EINVAL && err.code == TLPRESS_EINVAL && found &&
	   c.score10 == 0 && c.vector[0] == '\0' && c.av == '\0',
	   "refused: %s", r->what);
	DIAG("  %s", err.msg);
	if (rc != TLPRESS_EINVAL)
		DIAG("rc %d", rc);
	for (k = 0; k < 3 && r->frag[k]; k++)
		if (!strstr(err.msg, r->frag[k]))
			DIAG("message lacks '%s'", r->frag[k]);
}

static void test_refused(void)
{
	static const struct refused t[] = {
		{ "empty string", "", { "empty CVSS vector", NULL } },
		{ "missing metric S (RedHat test_exceptions)",
		  "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H",
		  { "missing CVSS metric 'S'", "Scope", "U, C" } },
		{ "three missing metrics",
		  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U",
		  { "missing CVSS metrics 'C', 'I', 'A'", NULL } },
		{ "duplicate metric, same value",
		  "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		  { "metric 'AV' appears twice", NULL } },
		{ "duplicate metric, other value (RedHat test_exceptions)",
		  "CVSS:3.0/AV:P/AV:L/AC:H/PR:H/UI:R/S:C/C:H/I:H/A:N",
		  { "metric 'AV' appears twice", "'AV:P' and 'AV:L'", NULL } },
		{ "bad AV value",
		  "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		  { "metric 'AV' has value 'X'; expected one of N, A, L, P",
		    NULL } },
		{ "bad AC value",
		  "CVSS:3.1/AV:N/AC:M/PR:N/UI:N/S:U/C:H/I:H/A:H",
		  { "metric 'AC' has value 'M'; expected one of L, H", NULL } },
		{ "bad PR value",
		  "CVSS:3.1/AV:N/AC:L/PR:X/UI:N/S:U/C:H/I:H/A:H",
		  { "metric 'PR' has value 'X'; expected one of N, L, H",
		    NULL } },
		{ "bad UI value",
		  "CVSS:3.1/AV:N/AC:L/PR:N/UI:H/S:U/C:H/I:H/A:H",
		  { "metric 'UI' has value 'H'; expected one of N, R", NULL } },
		{ "bad S value",
		  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:X/C:H/I:H/A:H",
		  { "metric 'S' has value 'X'; expected one of U, C", NULL } },
		{ "bad C value (v2 style)",
		  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:P/I:H/A:H",
		  { "metric 'C' has value 'P'; expected one of H, L, N",
		    NULL } },
		{ "bad A value, two letters",
		  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:HH",
		  { "metric 'A' has value 'HH'", NULL } },
		{ "empty value", "CVSS:3.1/AV:/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		  { "metric 'AV' has no value; expected one of N, A, L, P",
		    NULL } },
		{ "lower-case value",
		  "CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		  { "metric 'AV' has value 'n'", "upper case", NULL } },
		{ "lower-case metric name",
		  "CVSS:3.1/av:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		  { "unknown CVSS metric 'av'", "'AV'", NULL } },
		{ "all lower case",
		  "cvss:3.1/av:n/ac:l/pr:n/ui:n/s:u/c:h/i:h/a:h",
		  { "'cvss:'", "capitals", NULL } },
		{ "unknown metric (RedHat test_exceptions)",
		  "CVSS:3.0/AX:P/AC:H/PR:H/UI:R/S:C/C:H/I:H/A:N",
		  { "unknown CVSS metric 'AX'", NULL } },
		{ "CVSS v4 metric",
		  "CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/S:U/C:H/I:H/A:H",
		  { "unknown CVSS metric 'AT'", NULL } },
		{ "trailing slash",
		  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/",
		  { "ends with '/'", NULL } },
		{ "empty metric",
		  "CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		  { "empty metric ('//')", NULL } },
		{ "metric without colon",
		  "CVSS:3.1/AVN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		  { "'AVN' has no ':'", NULL } },
		{ "metric without name",
		  "CVSS:3.1/:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		  { "no name", NULL } },
		{ "no prefix", "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		  { "does not start with 'CVSS:3.1/'", NULL } },
		{ "only a slash (RedHat test_exceptions)", "/",
		  { "does not start with 'CVSS:3.1/'", NULL } },
		{ "CVSS:2.0", "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P",
		  { "unsupported CVSS version '2.0'", NULL } },
		{ "CVSS:3.2 (RedHat test_exceptions)",
		  "CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		  { "unsupported CVSS version '3.2'", NULL } },
		{ "CVSS:4.0",
		  "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
		  { "unsupported CVSS version '4.0'", NULL } },
		{ "no version", "CVSS:/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		  { "no version", NULL } },
		{ "prefix only", "CVSS:3.1", { "has no metrics", NULL } },
		{ "prefix and slash only", "CVSS:3.1/", { "has no metrics", NULL } },
		{ "temporal metric E",
		  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P",
		  { "'E' is a temporal metric", "only base vectors", NULL } },
		{ "temporal metric RL:X, not defined",
		  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/RL:X",
		  { "'RL' is a temporal metric", "only base vectors", NULL } },
		{ "FIRST 3.0 calculator vector with temporal metrics",
		  "CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X",
		  { "'E' is a temporal metric", NULL } },
		{ "environmental metric MAV",
		  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MAV:L",
		  { "'MAV' is an environmental metric", "only base vectors",
		    NULL } },
		{ "environmental metric CR first",
		  "CVSS:3.1/CR:H/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		  { "'CR' is an environmental metric", NULL } },
		{ "trailing space",
		  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H ",
		  { "a space at position 45", NULL } },
		{ "leading space",
		  " CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		  { "a space at position 1", NULL } },
		{ "trailing newline",
		  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n",
		  { "byte 0x0a at position 45", NULL } },
		{ "non-ASCII value",
		  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:\xc3\x89",
		  { "byte 0xc3 at position 44", NULL } },
		{ "long bad value is quoted in part",
		  "CVSS:3.1/AV:NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN"
		  "/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		  { "metric 'AV' has value 'NNNNNNNNNNNNNNNNNNNNNNNN...'",
		    NULL } },
	};
	size_t k;

	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++)
		check_refused(&t[k]);
}

static void test_limits(void)
{
	struct refused r = { "vector over 256 bytes", NULL,
			     { "too long", "256", NULL } };
	struct tlpress_cvss c;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	char *big;
	size_t len;
	int rc;

	/* A valid base vector followed by repeats: long, not malformed. */
	big = malloc(100001);
	OK(big != NULL, "allocate a long vector");
	if (!big)
		return;
	strcpy(big, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
	for (len = strlen(big); len + 5 <= 300; len += 5)
		memcpy(big + len, "/AV:N", 6);
	r.vector = big;
	check_refused(&r);

	memset(big, 'A', 100000);
	big[100000] = '\0';
	r.what = "100,000-byte vector";
	check_refused(&r);
	free(big);

	/* Exactly at the limit the length check passes and the content is
	 * judged: a base vector, '/' and 211 'N's is 256 bytes. */
	big = malloc(TLPRESS_CVSS_INPUT_MAX + 1);
	if (big) {
		strcpy(big, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/");
		len = strlen(big);
		memset(big + len, 'N', TLPRESS_CVSS_INPUT_MAX - len);
		big[TLPRESS_CVSS_INPUT_MAX] = '\0';
		rc = tlpress_cvss_parse(big, &c, &err);
		OK(rc == TLPRESS_EINVAL && strlen(big) == TLPRESS_CVSS_INPUT_MAX &&
		   !strstr(err.msg, "too long") && strstr(err.msg, "has no ':'"),
		   "a %zu-byte vector is judged on its content", strlen(big));
		DIAG("  %s", err.msg);
		free(big);
	}

	/* NULL arguments and a NULL err. */
	rc = tlpress_cvss_parse(NULL, &c, &err);
	INT_EQ(rc, TLPRESS_EUSAGE, "NULL vector is a usage error");
	rc = tlpress_cvss_parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
				NULL, &err);
	INT_EQ(rc, TLPRESS_EUSAGE, "NULL result is a usage error");
	rc = tlpress_cvss_parse("CVSS:3.1/AV:X", &c, NULL);
	INT_EQ(rc, TLPRESS_EINVAL, "a NULL err is allowed");

	/* Success leaves err alone (git's strbuf *err convention). */
	err.code = 7;
	strcpy(err.msg, "untouched");
	rc = tlpress_cvss_parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
				&c, &err);
	OK(rc == 0 && err.code == 7 && strcmp(err.msg, "untouched") == 0,
	   "success leaves err untouched");
}

int main(void)
{
	test_tables();
	test_value_names();
	test_roundup();
	test_severity();
	test_score_str();
	test_refused();
	test_limits();
	return harness_done();
}
