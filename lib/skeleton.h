/*
 * skeleton.h - the text of a new advisory (`tlpress new`)
 *
 * Every front-matter key of docs/advisory-format.md, each under a comment
 * that explains it, in the language of the advisory (nl, fr; English for
 * every other tag): the required keys filled in, the optional ones as
 * commented-out examples. The result passes `tlpress check` as a draft:
 * `status: draft`, one revision dated now, and for a label of AMBER and
 * above a placeholder recipient at example.invalid (a reserved domain that
 * no mail reaches; a draft is never mailed) for the analyst to replace.
 * Pure: no I/O.
 */
#ifndef TLPRESS_SKELETON_H
#define TLPRESS_SKELETON_H

#include "buf.h"
#include "timefmt.h"
#include "tlp.h"

#define TLPRESS_SKELETON_RECIPIENT "someone@example.invalid"

struct tlpress_skeleton {
	const char *id;              /* "CCBR-2026-0001" */
	const char *title;           /* one line of UTF-8 */
	const char *lang;            /* "en", "nl", "fr", "nl-BE" ... */
	enum tlpress_tlp tlp;
	struct tlpress_time now;     /* the date of revision 1 */
	const char *public_prefix;   /* "CCB-2026-", named in the comments */
	const char *restricted_prefix; /* "CCBR-2026-" */
};

/* Append the advisory's text to out. 0, or TLPRESS_ENOMEM. */
int tlpress_skeleton_render(const struct tlpress_skeleton *s, struct tlpress_buf *out);

/* The title as a YAML double-quoted scalar ("..." with \\ and \" escaped,
 * control characters as \xNN), appended to out. */
void tlpress_yaml_quote(const char *s, struct tlpress_buf *out);

#endif
