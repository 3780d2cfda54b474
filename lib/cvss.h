/*
 * cvss.h - CVSS v3.0 and v3.1 base vectors: parse, validate, score
 *
 * A base vector is "CVSS:3.1/" (or "CVSS:3.0/") followed by the eight base
 * metrics AV, AC, PR, UI, S, C, I and A, each exactly once, separated by
 * '/'. FIRST says the metrics SHOULD come in that order; any order is
 * accepted here and the canonical string puts them back in it. Temporal and
 * environmental metrics are refused: tlpress publishes base scores only.
 *
 * The base score follows FIRST's specification (section 7.1 of v3.1) with
 * the calculator's double arithmetic. Round-up differs by version:
 *  - CVSS:3.1 uses the Roundup of the v3.1 specification, Appendix A, which
 *    works on round(x * 100000) in integers so that 4.000000000000001 gives
 *    4.0 and not 4.1;
 *  - CVSS:3.0 uses the v3.0 calculator's plain ceil(x * 10) / 10.
 * For base scores the two agree on all 2,592 vectors; they differ on
 * products such as a temporal score (FIRST user guide 3.1, section 2.6).
 *
 * Scores are kept in tenths (98 means 9.8) so that every renderer prints
 * the same text through tlpress_cvss_score_str().
 *
 * Nothing here allocates, prints or keeps state.
 */
#ifndef TLPRESS_CVSS_H
#define TLPRESS_CVSS_H

#include <stddef.h>

#include "error.h"

/* The qualitative rating scale of the specification, section 5. */
enum tlpress_cvss_severity {
	TLPRESS_CVSS_NONE,     /* 0.0 */
	TLPRESS_CVSS_LOW,      /* 0.1 - 3.9 */
	TLPRESS_CVSS_MEDIUM,   /* 4.0 - 6.9 */
	TLPRESS_CVSS_HIGH,     /* 7.0 - 8.9 */
	TLPRESS_CVSS_CRITICAL  /* 9.0 - 10.0 */
};

/* Longest input tlpress_cvss_parse() looks at; longer input is refused. */
#define TLPRESS_CVSS_INPUT_MAX 256

/* Room tlpress_cvss_score_str() needs: "10.0" and its NUL. */
#define TLPRESS_CVSS_SCORE_STR_SIZE 5

struct tlpress_cvss {
	int minor;            /* 0 for CVSS:3.0, 1 for CVSS:3.1 */
	char av, ac, pr, ui, s, c, i, a;   /* the letters as in the vector */
	int score10;          /* base score in tenths: 98 means 9.8 */
	enum tlpress_cvss_severity severity;
	char vector[64];      /* canonical vector string */
};

/* Parse and score the base vector `vector` (a NUL-terminated string of at
 * most TLPRESS_CVSS_INPUT_MAX bytes) into *out. Returns 0 on success.
 * Returns TLPRESS_EINVAL, with err->msg naming the problem (the metric, the
 * value found and the values allowed), when the vector is malformed, has an
 * unknown, duplicated or missing metric or a bad value, has a temporal or
 * environmental metric, or is not CVSS 3.0 or 3.1. The message carries no
 * file or line: the caller adds those. Returns TLPRESS_EUSAGE when vector or
 * out is NULL. On failure *out is zeroed. err may be NULL. */
int tlpress_cvss_parse(const char *vector, struct tlpress_cvss *out,
		       struct tlpress_error *err);

/* The rating of a score in tenths (0..100): 0 is NONE, 1-39 LOW, 40-69
 * MEDIUM, 70-89 HIGH, 90 and above CRITICAL; a negative score is NONE. */
enum tlpress_cvss_severity tlpress_cvss_severity_of(int score10);

/* "none", "low", "medium", "high" or "critical" (a static string; an
 * out-of-range value gives "none"). */
const char *tlpress_cvss_severity_name(enum tlpress_cvss_severity s);

/* "NONE", "LOW", "MEDIUM", "HIGH" or "CRITICAL" as CSAF 2.0's baseSeverity
 * (a static string; an out-of-range value gives "NONE"). */
const char *tlpress_cvss_severity_upper(enum tlpress_cvss_severity s);

/* Write a score in tenths as text with one decimal ("9.8", "10.0", "0.0")
 * into buf, truncated to size bytes and always NUL-terminated when size is
 * at least 1. TLPRESS_CVSS_SCORE_STR_SIZE bytes hold any score 0..100. */
void tlpress_cvss_score_str(int score10, char *buf, size_t size);

/* The CSAF 2.0 (FIRST CVSS v3 JSON schema) enumeration name of the value of
 * one base metric of c: metric is "AV", "AC", "PR", "UI", "S", "C", "I" or
 * "A"; the result is a static string such as "NETWORK", "ADJACENT_NETWORK",
 * "LOCAL", "PHYSICAL", "LOW", "HIGH", "NONE", "REQUIRED", "UNCHANGED" or
 * "CHANGED". NULL when c or metric is NULL, the metric is not a base metric,
 * or c holds no valid letter for it. */
const char *tlpress_cvss_value_name(const struct tlpress_cvss *c,
				    const char *metric);

/* The round-up of x to one decimal, in tenths, as the given minor version
 * defines it: minor 1 uses the v3.1 Appendix A integer Roundup, minor 0 the
 * v3.0 calculator's ceil(x * 10). For callers that combine a base score
 * with other factors (and for tests). Returns -1 when x is NaN, negative or
 * above 1000, or minor is neither 0 nor 1. */
int tlpress_cvss_roundup(double x, int minor);

#endif
