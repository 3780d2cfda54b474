/*
 * preview.h - one advisory rendered for every clearance, into a folder
 *
 * For `tlpress preview`: the page the website's renderer makes
 * (render.h, tlpress_render_html) and the plain text of the body
 * (rendition.h), cut to each of the five clearances, as the build and the
 * mail cut them (policy.h decides; nothing here cuts by itself). A
 * clearance below the advisory's base label has no rendition. Writes only
 * into the folder it is given; publishes, journals and sends nothing.
 */
#ifndef TLPRESS_PREVIEW_H
#define TLPRESS_PREVIEW_H

#include "advisory.h"
#include "config.h"
#include "error.h"
#include "rendition.h"
#include "timefmt.h"
#include "tlp.h"

struct tlpress_preview {
	enum tlpress_tlp clearance;
	int rendered;               /* 0: below the base label, no rendition */
	struct tlpress_cut cut;     /* its label, what was kept and cut */
	char *html;                 /* dir/<clearance slug>/<id slug>.html */
	char *text;                 /* dir/<clearance slug>/<id slug>.txt */
};

/*
 * Render adv (parsed whole, without errors) at `now` for each clearance,
 * CLEAR to RED, into out[0..TLPRESS_TLP_COUNT) and the folder dir (which
 * exists). The templates are cfg->templates. Returns 0, or a negative
 * error (templates, rendering, writing). Release out in every case.
 */
int tlpress_preview_render(const struct tlpress_config *cfg, const struct tlpress_advisory *adv,
			   const struct tlpress_time *now, const char *dir,
			   struct tlpress_preview out[TLPRESS_TLP_COUNT], struct tlpress_error *err);
void tlpress_preview_release(struct tlpress_preview out[TLPRESS_TLP_COUNT]);

#endif
