/* rendition.c - the body as cleared for one clearance; see rendition.h */
#include "rendition.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm.h>

#include "hash.h"
#include "policy.h"

static void render_node(cmark_node *node, enum tlpress_body_format fmt,
			struct tlpress_buf *out)
{
	int opts = tlpress_markdown_options();
	char *s;

	switch (fmt) {
	case TLPRESS_BODY_HTML:
		s = cmark_render_html(node, opts, tlpress_markdown_extensions());
		break;
	case TLPRESS_BODY_MARKDOWN:
		s = cmark_render_commonmark(node, opts, 0);
		break;
	default:
		s = cmark_render_plaintext(node, opts, 0);
		break;
	}
	if (!s) {
		out->failed = 1;
		return;
	}
	tlpress_buf_adds(out, s);
	tlpress_markdown_free(s);
	if (fmt != TLPRESS_BODY_HTML && out->len && out->ptr[out->len - 1] == '\n')
		tlpress_buf_addch(out, '\n');
}

/*
 * The Markdown of a kept block is its own source lines, not a rendering of
 * its tree: the author's text as written (tables, lists and code exactly),
 * and no second pass over the body. cmark-gfm's start and end lines of a
 * top-level block cover all of it (checked on every block of the samples
 * and a 1,000-advisory corpus: the lines parse to the same HTML as the
 * node). A node without sane lines is rendered.
 */
struct srclines {
	const char *text;
	size_t len;
	size_t *off;                 /* off[i]: start of line i + 1; off[n] = len */
	size_t n;
};

static int srclines_init(const struct tlpress_advisory *adv, struct srclines *L)
{
	size_t j;

	memset(L, 0, sizeof(*L));
	L->text = adv->body;
	L->len = adv->body_len;
	L->off = malloc((adv->body_len + 2) * sizeof(*L->off));
	if (!L->off)
		return -1;
	L->off[L->n++] = 0;
	for (j = 0; j < L->len; j++)
		if (L->text[j] == '\n')
			L->off[L->n++] = j + 1;
	if (L->off[L->n - 1] != L->len)
		L->off[L->n++] = L->len;
	return 0;
}

static void add_source(const struct srclines *L, cmark_node *node, struct tlpress_buf *out)
{
	int s = cmark_node_get_start_line(node), e = cmark_node_get_end_line(node);
	size_t from, to;

	if (!L->off || s < 1 || e < s || (size_t)s >= L->n) {
		render_node(node, TLPRESS_BODY_MARKDOWN, out);
		return;
	}
	from = L->off[s - 1];
	to = (size_t)e < L->n ? L->off[e] : L->len;
	tlpress_buf_add(out, L->text + from, to - from);
	if (out->len && out->ptr[out->len - 1] != '\n')
		tlpress_buf_addch(out, '\n');
	tlpress_buf_addch(out, '\n');
}

/* "End of" in the advisory's language (nl, fr; English otherwise) */
static const char *end_of(const char *lang)
{
	if (lang && !strncasecmp(lang, "nl", 2) && (!lang[2] || lang[2] == '-'))
		return "Einde van";
	if (lang && !strncasecmp(lang, "fr", 2) && (!lang[2] || lang[2] == '-'))
		return "Fin de";
	return "End of";
}

static void banner(enum tlpress_tlp label, int end, enum tlpress_body_format fmt,
		   const char *lang, struct tlpress_buf *out)
{
	const char *l = tlpress_tlp_label(label), *slug = tlpress_tlp_slug(label);
	const char *eo = end_of(lang);

	if (fmt == TLPRESS_BODY_HTML) {
		if (!end)
			tlpress_buf_printf(out,
				"<section class=\"tlp-section tlp-%s\" aria-label=\"%s\">\n"
				"<p class=\"tlp-banner\"><span class=\"tlp-label tlp-%s\">%s</span></p>\n",
				slug, l, slug, l);
		else
			tlpress_buf_printf(out,
				"<p class=\"tlp-end\"><span class=\"tlp-label tlp-%s\">%s %s</span></p>\n"
				"</section>\n", slug, eo, l);
	} else if (fmt == TLPRESS_BODY_MARKDOWN) {
		if (end)
			tlpress_buf_printf(out, "**%s %s**\n\n", eo, l);
		else
			tlpress_buf_printf(out, "**%s**\n\n", l);
	} else {
		if (end)
			tlpress_buf_printf(out, "---- %s %s ----\n\n", eo, l);
		else
			tlpress_buf_printf(out, "---- %s ----\n\n", l);
	}
}

int tlpress_body_render(const struct tlpress_advisory *adv, enum tlpress_tlp base,
			enum tlpress_tlp clearance, enum tlpress_body_format fmt,
			struct tlpress_buf *out, struct tlpress_cut *info)
{
	struct tlpress_cut cut = { base, 0, 0, 0, 0 };
	struct srclines src = { NULL, 0, NULL, 0 };
	size_t stack[16], depth = 0, i, s;

	if (!tlpress_policy_cleared(base, clearance) || !adv->doc) {
		if (info)
			*info = cut;
		return 0;
	}
	if (fmt == TLPRESS_BODY_MARKDOWN && srclines_init(adv, &src) < 0)
		return TLPRESS_ENOMEM;
	if (adv->nsections == 0) {
		/* nothing marked: every block carries the base label */
		if (fmt == TLPRESS_BODY_MARKDOWN)
			for (i = 0; i < adv->nblocks; i++)
				add_source(&src, adv->blocks[i].node, out);
		else
			render_node(adv->doc, fmt, out);
		cut.kept_blocks = adv->nblocks;
		goto done;
	}
	for (s = 0; s < adv->nsections; s++) {
		if (tlpress_policy_keep_section(adv, s, clearance))
			cut.kept_sections++;
		else
			cut.cut_sections++;
	}
	for (i = 0; i < adv->nblocks; i++) {
		enum tlpress_tlp bl;

		while (depth && adv->sections[stack[depth - 1]].end <= i) {
			depth--;
			banner(adv->sections[stack[depth]].label, 1, fmt, adv->lang, out);
		}
		if (!tlpress_policy_keep_block(adv, i, base, clearance)) {
			cut.cut_blocks++;
			continue;
		}
		bl = tlpress_policy_block_label(adv, i, base);
		if (bl > cut.label)
			cut.label = bl;
		/* a kept marked section starts at its heading */
		for (s = 0; s < adv->nsections; s++) {
			if (adv->sections[s].first != i)
				continue;
			banner(adv->sections[s].label, 0, fmt, adv->lang, out);
			if (depth < sizeof(stack) / sizeof(stack[0]))
				stack[depth++] = s;
		}
		if (fmt == TLPRESS_BODY_MARKDOWN)
			add_source(&src, adv->blocks[i].node, out);
		else
			render_node(adv->blocks[i].node, fmt, out);
		cut.kept_blocks++;
	}
	while (depth) {
		depth--;
		banner(adv->sections[stack[depth]].label, 1, fmt, adv->lang, out);
	}
done:
	free(src.off);
	if (info)
		*info = cut;
	if (out->failed)
		return TLPRESS_ENOMEM;
	return 0;
}

int tlpress_cut_digest(const struct tlpress_advisory *adv, enum tlpress_tlp base,
		       enum tlpress_tlp clearance, unsigned char sha256[32])
{
	struct tlpress_buf all = TLPRESS_BUF_INIT;
	size_t i;
	int n = 0;

	memset(sha256, 0, 32);
	if (!tlpress_policy_cleared(base, clearance) || !adv->doc)
		return 0; /* nothing of it is in the rendition at all */
	for (i = 0; i < adv->nblocks; i++) {
		if (tlpress_policy_keep_block(adv, i, base, clearance))
			continue;
		tlpress_buf_printf(&all, "%s\n",
				   tlpress_tlp_label(tlpress_policy_block_label(adv, i, base)));
		render_node(adv->blocks[i].node, TLPRESS_BODY_MARKDOWN, &all);
		n++;
	}
	if (n && !all.failed)
		tlpress_sha256(all.ptr, all.len, sha256);
	if (all.failed)
		n = TLPRESS_ENOMEM;
	tlpress_buf_release(&all);
	return n;
}

int tlpress_summary_render(const struct tlpress_advisory *adv, struct tlpress_buf *out)
{
	cmark_node *p;
	char *s;
	size_t n;

	if (adv->summary) {
		tlpress_buf_adds(out, adv->summary);
		return out->failed ? TLPRESS_ENOMEM : 0;
	}
	p = tlpress_advisory_summary_block(adv);
	if (!p)
		return 0;
	s = cmark_render_plaintext(p, tlpress_markdown_options(), 0);
	if (!s)
		return TLPRESS_ENOMEM;
	n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		n--;
	tlpress_buf_add(out, s, n);
	tlpress_markdown_free(s);
	return out->failed ? TLPRESS_ENOMEM : 0;
}
