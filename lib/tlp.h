/*
 * tlp.h - the Traffic Light Protocol 2.0 labels
 *
 * Labels are ordered from least to most restrictive, so that comparing two
 * enum values compares restrictiveness: CLEAR < GREEN < AMBER <
 * AMBER+STRICT < RED. Names are never translated and always written in
 * capitals ("TLP:AMBER+STRICT").
 */
#ifndef TLPRESS_TLP_H
#define TLPRESS_TLP_H

#include <stddef.h>

enum tlpress_tlp {
	TLPRESS_TLP_CLEAR = 0,
	TLPRESS_TLP_GREEN = 1,
	TLPRESS_TLP_AMBER = 2,
	TLPRESS_TLP_AMBER_STRICT = 3,
	TLPRESS_TLP_RED = 4
};

#define TLPRESS_TLP_COUNT 5
#define TLPRESS_TLP_INVALID (-1)

enum tlpress_tlp_parse {
	TLPRESS_TLP_PARSE_OK = 0,
	TLPRESS_TLP_PARSE_UNKNOWN = -1, /* not a label */
	TLPRESS_TLP_PARSE_WHITE = -2,   /* TLP 1.0's WHITE: write CLEAR */
	TLPRESS_TLP_PARSE_CASE = -3     /* a label in the wrong case or
					   with spaces, e.g. "Amber" */
};

/* Parse "AMBER", "TLP:AMBER", "AMBER+STRICT" (n bytes of s). On success
 * stores the label in *out and returns TLPRESS_TLP_PARSE_OK. Labels are
 * written in capitals: a label in other case returns
 * TLPRESS_TLP_PARSE_CASE, with *out set to what was meant. */
int tlpress_tlp_parse(const char *s, size_t n, enum tlpress_tlp *out);

/* "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED" (static). */
const char *tlpress_tlp_name(enum tlpress_tlp t);
/* "TLP:CLEAR" ... (static). */
const char *tlpress_tlp_label(enum tlpress_tlp t);
/* Lower-case slug for class names and folders: "clear", "amber-strict". */
const char *tlpress_tlp_slug(enum tlpress_tlp t);
/* TLP 1.0 name, which CVRF 1.2 and CSAF 2.0 know: CLEAR is "WHITE" and
 * AMBER+STRICT, which they cannot express, is "AMBER". */
const char *tlpress_tlp_v1_name(enum tlpress_tlp t);
/* FIRST's colour for the label text on black, "#FFC000" (static). */
const char *tlpress_tlp_colour(enum tlpress_tlp t);

static inline enum tlpress_tlp tlpress_tlp_max(enum tlpress_tlp a,
					       enum tlpress_tlp b)
{
	return a > b ? a : b;
}

#endif
