/*
 * render.h - the renditions of advisories: siblings sharing one shape
 *
 * Per advisory, a renderer turns the advisory as cleared for a clearance
 * into the bytes of one file of the published tree (HTML page; later CVRF
 * and CSAF). Per tree, the index and the feeds are rendered from the
 * metadata of the published advisories alone (struct tlpress_pubmeta), so
 * that no step needs every body in memory at once.
 *
 * Text reaches templates through a JSON context (jansson) and only through
 * the template engine, which escapes it; the one exception is body HTML,
 * which comes from cmark-gfm in its safe mode.
 */
#ifndef TLPRESS_RENDER_H
#define TLPRESS_RENDER_H

#include <jansson.h>

#include "advisory.h"
#include "buf.h"
#include "config.h"
#include "error.h"
#include "template.h"
#include "timefmt.h"
#include "tlp.h"

/* What one rendition is rendered from. */
struct tlpress_rendition {
	const struct tlpress_advisory *adv;
	const struct tlpress_config *cfg;
	const struct tlpress_tmplset *tmpl;
	enum tlpress_tlp clearance;  /* of the tree being built */
	enum tlpress_tlp base;       /* the advisory's base label now */
	enum tlpress_tlp label;      /* the label of this rendition */
	const char *body_html;       /* the body cleared for clearance */
	const char *body_markdown;   /* the same as Markdown for CVRF and CSAF
					notes, or NULL: they render it */
	const char *summary;         /* the summary (plain text), or "" */
	const char *signer_fpr;      /* the signing key, or NULL (unsigned) */
	char slug[64];               /* lower-case id */
};

struct tlpress_renderer {
	const char *name;            /* "html" */
	/* the file's path in the tree, relative, into path */
	void (*path)(const struct tlpress_rendition *r, struct tlpress_buf *path);
	/* the file's bytes, appended to out */
	int (*render)(const struct tlpress_rendition *r, struct tlpress_buf *out,
		      struct tlpress_error *err);
};

extern const struct tlpress_renderer tlpress_render_html;

/* What the index and the feeds know of a published advisory. */
struct tlpress_pubmeta {
	char *id, *slug, *title, *lang;
	char *summary;               /* plain text, cleared; may be "" */
	char *cves_text;             /* "CVE-2026-1, CVE-2026-2" or "" */
	enum tlpress_tlp label;      /* of its rendition in this tree */
	int has_severity;
	enum tlpress_cvss_severity severity;
	int has_cvss;
	int score10;
	int version;
	struct tlpress_time initial, current;
	int borrowed;                /* the strings are another's (a build cache
					row's): release does not free them */
};

void tlpress_pubmeta_release(struct tlpress_pubmeta *m);

/* Sort newest current revision first (then id, descending). */
void tlpress_pubmeta_sort(struct tlpress_pubmeta *v, size_t n);

/* index.html of the tree, from metas sorted newest first. */
int tlpress_render_index(const struct tlpress_config *cfg, const struct tlpress_tmplset *tmpl,
			 enum tlpress_tlp clearance, const char *signer_fpr, const struct tlpress_pubmeta *v, size_t n,
			 struct tlpress_buf *out, struct tlpress_error *err);

/* feed.xml (RSS 2.0): the first site.feed_items of metas sorted newest
 * first. */
int tlpress_render_rss(const struct tlpress_config *cfg, const struct tlpress_tmplset *tmpl,
		       enum tlpress_tlp clearance, const char *signer_fpr, const struct tlpress_pubmeta *v, size_t n,
		       struct tlpress_buf *out, struct tlpress_error *err);

/* The "site" object every template receives; signer_fpr (or NULL) names
 * the key that signs the tree. The caller owns it. */
json_t *tlpress_ctx_site(const struct tlpress_config *cfg, enum tlpress_tlp clearance,
			 const char *signer_fpr);

/* json_string of cleaned text (see tlpress_text_clean()). */
json_t *tlpress_json_text(const char *s);

#endif
