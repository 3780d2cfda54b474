/* preview.c - one advisory for every clearance; see preview.h */
#include "preview.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fsutil.h"
#include "policy.h"
#include "render.h"
#include "template.h"

static int write_one(const char *dir, const char *clr, const char *slug, const char *ext,
		     const struct tlpress_buf *data, char **path, struct tlpress_error *err)
{
	struct tlpress_buf rel = TLPRESS_BUF_INIT, full = TLPRESS_BUF_INIT;
	int rc;

	tlpress_buf_printf(&rel, "%s/%s%s", clr, slug, ext);
	tlpress_path_join(&full, dir, rel.ptr);
	if (rel.failed || full.failed || data->failed)
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	else
		rc = tlpress_write_atomic(dir, rel.ptr, data->ptr, data->len, err);
	if (!rc)
		*path = tlpress_buf_detach(&full, NULL);
	tlpress_buf_release(&rel);
	tlpress_buf_release(&full);
	return rc;
}

static int one(const struct tlpress_config *cfg, const struct tlpress_tmplset *tmpl,
	       const struct tlpress_advisory *adv, enum tlpress_tlp base, const char *dir,
	       struct tlpress_preview *p, struct tlpress_error *err)
{
	struct tlpress_buf body = TLPRESS_BUF_INIT, text = TLPRESS_BUF_INIT;
	struct tlpress_buf sum = TLPRESS_BUF_INIT, page = TLPRESS_BUF_INIT;
	struct tlpress_rendition r;
	const char *clr = tlpress_tlp_slug(p->clearance);
	int rc;

	memset(&r, 0, sizeof(r));
	r.adv = adv;
	r.cfg = cfg;
	r.tmpl = tmpl;
	r.clearance = p->clearance;
	r.base = base;
	tlpress_advisory_slug(adv, r.slug, sizeof(r.slug));
	rc = tlpress_body_render(adv, base, p->clearance, TLPRESS_BODY_HTML, &body, &p->cut);
	if (!rc)
		rc = tlpress_body_render(adv, base, p->clearance, TLPRESS_BODY_TEXT, &text, NULL);
	if (!rc)
		rc = tlpress_summary_render(adv, &sum);
	if (rc) {
		rc = tlpress_error_set(err, rc, "%s: cannot render the body", adv->path);
		goto out;
	}
	r.label = p->cut.label;
	r.body_html = body.ptr;
	r.summary = sum.ptr;
	rc = tlpress_render_html.render(&r, &page, err);
	if (!rc)
		rc = write_one(dir, clr, r.slug, ".html", &page, &p->html, err);
	if (rc)
		goto out;
	/* the plain text, labelled as the rendition is */
	tlpress_buf_reset(&page);
	tlpress_buf_printf(&page, "%s\n%s: %s\n\n%s\n%s\n", tlpress_tlp_label(p->cut.label),
			   adv->id, adv->title, text.ptr, tlpress_tlp_label(p->cut.label));
	rc = write_one(dir, clr, r.slug, ".txt", &page, &p->text, err);
	p->rendered = !rc;
out:
	tlpress_buf_release(&body);
	tlpress_buf_release(&text);
	tlpress_buf_release(&sum);
	tlpress_buf_release(&page);
	return rc;
}

int tlpress_preview_render(const struct tlpress_config *cfg, const struct tlpress_advisory *adv,
			   const struct tlpress_time *now, const char *dir,
			   struct tlpress_preview out[TLPRESS_TLP_COUNT], struct tlpress_error *err)
{
	struct tlpress_tmplset *tmpl;
	enum tlpress_tlp base = tlpress_policy_base_label(adv, now);
	int c, rc;

	memset(out, 0, TLPRESS_TLP_COUNT * sizeof(*out));
	for (c = 0; c < TLPRESS_TLP_COUNT; c++)
		out[c].clearance = (enum tlpress_tlp)c;
	if (adv->nerrors || !adv->id || !adv->doc)
		return tlpress_error_set(err, TLPRESS_EPOLICY, "an advisory with errors has no "
					 "rendition");
	tmpl = tlpress_tmplset_new();
	if (!tmpl)
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	rc = tlpress_tmplset_load_dir(tmpl, cfg->templates, err);
	if (rc > 0)
		rc = 0;
	for (c = 0; c < TLPRESS_TLP_COUNT && !rc; c++)
		if (tlpress_policy_cleared(base, (enum tlpress_tlp)c))
			rc = one(cfg, tmpl, adv, base, dir, &out[c], err);
	tlpress_tmplset_free(tmpl);
	return rc;
}

void tlpress_preview_release(struct tlpress_preview out[TLPRESS_TLP_COUNT])
{
	int c;

	for (c = 0; c < TLPRESS_TLP_COUNT; c++) {
		free(out[c].html);
		free(out[c].text);
		out[c].html = out[c].text = NULL;
	}
}
