/*
 * rendition.h - the body of an advisory as cleared for one clearance
 *
 * The rendition cleared for X holds exactly the top-level blocks labelled at
 * or below X (policy.h decides), in their order, with no placeholder for
 * what was cut; a banner opens each kept marked section and an end marker
 * closes it, as FIRST asks. The renderers (HTML pages, feeds, CVRF and
 * CSAF notes, mail) take their body text from here and nowhere else.
 */
#ifndef TLPRESS_RENDITION_H
#define TLPRESS_RENDITION_H

#include "advisory.h"
#include "buf.h"
#include "tlp.h"

enum tlpress_body_format {
	TLPRESS_BODY_HTML,      /* cmark-gfm's safe HTML */
	TLPRESS_BODY_MARKDOWN,  /* CommonMark, for CSAF and CVRF notes */
	TLPRESS_BODY_TEXT       /* plain text, for mail */
};

struct tlpress_cut {
	enum tlpress_tlp label;    /* the most restrictive label it holds */
	size_t kept_blocks, cut_blocks;
	size_t kept_sections, cut_sections;
};

/*
 * Render the body of adv cleared for `clearance`, with `base` the base
 * label at the time (tlpress_policy_base_label()), appending to out. When
 * info is not NULL it receives what was kept and cut. Returns 0, or
 * TLPRESS_ENOMEM / TLPRESS_ELIMIT when out failed. Nothing is written for
 * an advisory whose base label is above the clearance.
 */
int tlpress_body_render(const struct tlpress_advisory *adv, enum tlpress_tlp base,
			enum tlpress_tlp clearance, enum tlpress_body_format fmt,
			struct tlpress_buf *out, struct tlpress_cut *info);

/*
 * What the rendition cleared for `clearance` leaves out, as one digest: the
 * SHA-256 of every cut block's label and text. Two builds that cut the same
 * text give the same digest; a section raised above the clearance since
 * the last push changes it. Returns the number of cut blocks (0: nothing
 * cut, sha256 all zero), or TLPRESS_ENOMEM. Publishing uses it to delete a
 * file from the server *before* uploading its new bytes when the new bytes
 * lost something the old ones showed.
 */
int tlpress_cut_digest(const struct tlpress_advisory *adv, enum tlpress_tlp base,
		       enum tlpress_tlp clearance, unsigned char sha256[32]);

/* The summary as cleared: `summary` when given (it carries the base
 * label), else the text of the first unmarked paragraph. Plain text,
 * appended to out. */
int tlpress_summary_render(const struct tlpress_advisory *adv, struct tlpress_buf *out);

#endif
