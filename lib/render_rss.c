/* render_rss.c - the RSS 2.0 feed of a tree; see render.h */
#include "render.h"

#include <string.h>

int tlpress_render_rss(const struct tlpress_config *cfg, const struct tlpress_tmplset *tmpl,
		       enum tlpress_tlp clearance, const char *signer_fpr, const struct tlpress_pubmeta *v, size_t n,
		       struct tlpress_buf *out, struct tlpress_error *err)
{
	json_t *ctx = json_object(), *feed = json_object(), *items = json_array();
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	size_t i, count = n < (size_t)cfg->site.feed_items ? n : (size_t)cfg->site.feed_items;
	const struct tlpress_time *newest = NULL;
	char when[48];
	int rc;

	json_object_set_new(ctx, "site", tlpress_ctx_site(cfg, clearance, signer_fpr));
	json_object_set_new(feed, "title", tlpress_json_text(cfg->site.title));
	json_object_set_new(feed, "link", tlpress_json_text(cfg->site.url));
	tlpress_buf_printf(&b, "%sfeed.xml", cfg->site.url);
	json_object_set_new(feed, "self_url", tlpress_json_text(b.ptr));
	tlpress_buf_reset(&b);
	tlpress_buf_printf(&b, "%s: %s (%s)", cfg->publisher.name, cfg->site.title,
			   tlpress_tlp_label(clearance));
	json_object_set_new(feed, "description", tlpress_json_text(b.ptr));
	json_object_set_new(feed, "language", tlpress_json_text(cfg->site.lang));
	json_object_set_new(feed, "generator", json_string("tlpress " TLPRESS_VERSION));
	for (i = 0; i < count; i++) {
		const struct tlpress_pubmeta *m = &v[i];
		json_t *it = json_object();

		/* lastBuildDate is the newest pubDate in the feed, never the
		 * clock: a feed must not tell when it was built */
		if (!newest || m->current.t > newest->t)
			newest = &m->current;
		tlpress_buf_reset(&b);
		tlpress_buf_printf(&b, "%s[%s] %s: %s", m->version > 1 ? "[UPDATE] " : "",
				   tlpress_tlp_label(m->label), m->id, m->title);
		json_object_set_new(it, "title", tlpress_json_text(b.ptr));
		tlpress_buf_reset(&b);
		tlpress_buf_printf(&b, "%sadvisories/%s.html", cfg->site.url, m->slug);
		json_object_set_new(it, "link", tlpress_json_text(b.ptr));
		tlpress_buf_reset(&b);
		tlpress_buf_printf(&b, "%s#%d", m->id, m->version);
		json_object_set_new(it, "guid", tlpress_json_text(b.ptr));
		tlpress_time_rfc822(&m->current, when, sizeof(when));
		json_object_set_new(it, "pub_date", json_string(when));
		json_object_set_new(it, "has_category", json_boolean(m->has_severity));
		if (m->has_severity)
			json_object_set_new(it, "category",
					    json_string(tlpress_cvss_severity_name(m->severity)));
		json_object_set_new(it, "description", tlpress_json_text(m->summary));
		json_array_append_new(items, it);
	}
	json_object_set_new(feed, "has_last_build_date", json_boolean(newest != NULL));
	if (newest) {
		tlpress_time_rfc822(newest, when, sizeof(when));
		json_object_set_new(feed, "last_build_date", json_string(when));
	}
	json_object_set_new(ctx, "feed", feed);
	json_object_set_new(ctx, "items", items);
	rc = tlpress_tmplset_render(tmpl, "feed", ctx, TLPRESS_ESCAPE_HTML, out, err);
	json_decref(ctx);
	tlpress_buf_release(&b);
	return rc;
}
