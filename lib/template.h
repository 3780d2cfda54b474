/*
 * template.h - Mustache templates over jansson values
 *
 * An implementation of the core Mustache specification (interpolation,
 * sections, inverted sections, comments, partials, set delimiters; no
 * lambdas, no inheritance, no dynamic names). The context is a json_t:
 *
 *  - false, null, a missing name and the empty array are falsey; everything
 *    else is truthy, including "", 0 and {} (the spec's `!!data`);
 *  - a section over an array renders once per element, with the element
 *    on top of the context stack; over any other truthy value, once, with
 *    that value on top;
 *  - {{x}} writes a string as is, an integer in decimal, a real in %g form
 *    with the fewest significant digits (15 to 17) that read back as the
 *    same double ("1.21", 5.0 as "5", 1e21 as "1e+21"; always a '.'
 *    whatever the locale), true and false as "true" and "false", and
 *    nothing for null, a miss, an object or an array; with
 *    TLPRESS_ESCAPE_HTML it escapes & < > " and ' ("&#39;"); {{{x}}} and
 *    {{& x}} never escape.
 *  - a name is looked up on the context stack, innermost first, in the
 *    objects that have it as a key (even with a null value); the parts
 *    after the first of a dotted name only in what the first found. So a
 *    name missing from a list element is taken from an enclosing context:
 *    give recursive data explicit empty values ("children": []).
 *
 * A template is compiled once, when it is added to a set, into a flat node
 * list; rendering walks that list and allocates nothing but the output.
 * A set is a group of named templates; a partial {{> name}} is looked up
 * in the set of the template that includes it, by name, when rendering, so
 * that partials may be added in any order. A partial that is not in the
 * set renders as nothing (the spec). Partials nest at most
 * TLPRESS_TMPL_MAX_PARTIAL_DEPTH deep; deeper is an error, not a crash.
 *
 * Threads: once every template is added, a set is immutable, and any number
 * of threads may render from it at once. Adding, loading and freeing must
 * not run at the same time as anything else on the same set.
 */
#ifndef TLPRESS_TEMPLATE_H
#define TLPRESS_TEMPLATE_H

#include <stddef.h>

#include <jansson.h>

#include "buf.h"
#include "error.h"

/* Partials included by partials: deeper is TLPRESS_ELIMIT when rendering. */
#define TLPRESS_TMPL_MAX_PARTIAL_DEPTH 64
/* Sections nested in one template: deeper is TLPRESS_ELIMIT when compiling. */
#define TLPRESS_TMPL_MAX_NESTING 64
/* Tags and texts one render may visit, counting each pass of a section
 * over an array element: more is TLPRESS_ELIMIT. Sections nested over
 * arrays, or partials included twice at each of many levels, would
 * otherwise take exponential time even with no output. A real render takes
 * far fewer: about 40 steps per advisory on the index, 300 for a page. */
#define TLPRESS_TMPL_MAX_STEPS 10000000UL
/* Largest template source, in bytes: larger is TLPRESS_ELIMIT. */
#define TLPRESS_TMPL_MAX_SIZE ((size_t)64 << 20)

/* One compiled template; immutable after compiling. Owned by its set. */
struct tlpress_template;
/* Named templates; partials are looked up here by name. */
struct tlpress_tmplset;

/* How {{x}} is written ({{{x}}} and {{& x}} are never escaped). */
enum tlpress_escape {
	TLPRESS_ESCAPE_HTML = 0, /* & < > " ' as entities */
	TLPRESS_ESCAPE_NONE = 1  /* as is, e.g. for text/plain */
};

/*
 * Make an empty set. Returns NULL when memory runs out. The caller owns the
 * set and frees it with tlpress_tmplset_free().
 */
struct tlpress_tmplset *tlpress_tmplset_new(void);

/*
 * Free a set and every template in it. Accepts NULL. No render may be
 * running on the set.
 */
void tlpress_tmplset_free(struct tlpress_tmplset *set);

/*
 * Compile the `len` bytes of `src` (need not be NUL-terminated; may hold
 * any bytes) as the template `name`, replacing and freeing any template of
 * the same name. The set copies what it needs from name and src: the
 * caller keeps ownership of both. Returns 0, or a negative errcode with err
 * filled (when not NULL), and the set left as it was:
 *  - TLPRESS_EINVAL for a malformed template, with a message naming the
 *    template and the line: "template 'page': line 12: unclosed section
 *    'products'" (unclosed section or tag, close tag without or not
 *    matching its section, empty or malformed tag name, bad set-delimiter
 *    tag);
 *  - TLPRESS_ELIMIT for a source over TLPRESS_TMPL_MAX_SIZE or sections
 *    nested over TLPRESS_TMPL_MAX_NESTING;
 *  - TLPRESS_EUSAGE for a NULL set, name or src, or an empty name;
 *  - TLPRESS_ENOMEM.
 */
int tlpress_tmplset_add(struct tlpress_tmplset *set, const char *name,
			const char *src, size_t len, struct tlpress_error *err);

/*
 * Add every regular file DIR/<name>.mustache (not those whose name starts
 * with a dot; subdirectories are not searched) as the template <name>, in
 * the byte order of the file names. Returns the number of templates loaded
 * (>= 0), or a negative errcode with err filled: TLPRESS_EIO when the
 * folder or a file cannot be read, or what tlpress_tmplset_add() returns.
 * On error, the templates loaded before the failing file stay in the set.
 */
int tlpress_tmplset_load_dir(struct tlpress_tmplset *set, const char *dir,
			     struct tlpress_error *err);

/* 1 when the set holds a template `name`, else 0 (also for NULL). */
int tlpress_tmplset_has(const struct tlpress_tmplset *set, const char *name);

/*
 * Render the template `name` with the context `ctx` (borrowed, not
 * modified; NULL is an empty context), appending to `out`. `escape`
 * selects how {{x}} is written. Returns 0, or a negative errcode with err
 * filled and `out` cut back to its length on entry:
 *  - TLPRESS_EINVAL when the set has no template `name`;
 *  - TLPRESS_ELIMIT when partials nest deeper than
 *    TLPRESS_TMPL_MAX_PARTIAL_DEPTH, or rendering takes more than
 *    TLPRESS_TMPL_MAX_STEPS steps; or when `out` fails (already on
 *    entry, or while rendering) and has a limit: the output would pass it,
 *    or memory ran out (the buffer cannot tell which);
 *  - TLPRESS_ENOMEM when `out` fails and has no limit;
 *  - TLPRESS_EUSAGE for a NULL set, name or out.
 * Safe to call from several threads at once on the same set, each with
 * its own `out`.
 */
int tlpress_tmplset_render(const struct tlpress_tmplset *set, const char *name,
			   json_t *ctx, enum tlpress_escape escape,
			   struct tlpress_buf *out, struct tlpress_error *err);

/*
 * A list whose elements are made one at a time, while the section over it
 * renders, and released after their turn: an index over ten thousand
 * advisories then never holds ten thousand contexts. item(i, data) returns
 * a new reference to element i (< n), or NULL when memory ran out.
 */
struct tlpress_tmpl_lazy {
	const char *name;            /* the key it stands for, below ctx's own */
	size_t n;
	json_t *(*item)(size_t i, void *data);
	void *data;
};

/* tlpress_tmplset_render() with `lazy` (may be NULL) in the context. */
int tlpress_tmplset_render_lazy(const struct tlpress_tmplset *set, const char *name,
				json_t *ctx, const struct tlpress_tmpl_lazy *lazy,
				enum tlpress_escape escape, struct tlpress_buf *out,
				struct tlpress_error *err);

#endif
