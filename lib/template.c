/*
 * template.c - Mustache templates over jansson values; see template.h
 *
 * Compiling turns the source into a flat array of nodes. A section node is
 * followed by the nodes of its body; its `aux` is the index just after the
 * body, so rendering is a walk over index ranges, recursing into bodies.
 * Every string a node needs (text, the parts of a dotted name, each ending
 * in a NUL, a partial's name and indentation) lives in one pool per
 * template, found by offset.
 *
 * Standalone lines. A section, inverted section, close, comment, partial or
 * set-delimiter tag alone on its line, but for spaces and tabs, removes the
 * whole line, its end (\n or \r\n) included.
 *
 * Indentation of standalone partials. The spec says to prepend the
 * whitespace before the tag to every line of the partial's source, before
 * rendering it. Since a partial is compiled once, the compiler instead
 * marks where the source lines start that survive the standalone rules: a
 * text node starting a line has `flags` NODE_BOL, a line start inside a
 * text node is any \n followed by more text of the node, and a line that
 * starts with a tag (not standalone) gets an N_INDENT node before the tag,
 * in the list where that tag is (for a close tag: at the end of the
 * section's body). Rendering writes the current indentation at these
 * places; it is a chain of the partials' own indentations, so nested
 * standalone partials add up, as they do in the spec's reference. Text
 * that comes from the data is never indented, and neither is a partial
 * included inline: its source is not part of the lines being indented.
 */
#include "template.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DELIM 32		/* bytes in a set delimiter */
#define MAX_PARTS 255		/* parts of a dotted name */
#define OUT_FAILED 1		/* internal: `out` failed, code decided later */

enum node_type {
	N_TEXT,		/* literal text */
	N_ESC,		/* {{x}}: escaped as the render asks */
	N_RAW,		/* {{{x}}}, {{& x}} */
	N_SECTION,	/* {{#x}} ... {{/x}} */
	N_INVERTED,	/* {{^x}} ... {{/x}} */
	N_PARTIAL,	/* {{> x}} */
	N_INDENT	/* a source line starts here: write the indentation */
};

#define NODE_BOL 1		/* N_TEXT: starts a source line */
#define NODE_STANDALONE 1	/* N_PARTIAL: alone on its line */

struct node {
	unsigned char type;	/* enum node_type */
	unsigned char flags;	/* NODE_BOL, NODE_STANDALONE */
	unsigned short nparts;	/* names: parts of a dotted name; 0 is "." */
	uint32_t len;		/* N_TEXT: bytes; N_PARTIAL: indentation bytes */
	uint32_t hash;		/* N_PARTIAL: hash of the name */
	size_t off;		/* pool offset: text, first part, partial name */
	size_t aux;		/* sections: index after the body;
				   N_PARTIAL: pool offset of the indentation */
};

struct tlpress_template {
	char *name;
	uint32_t hash;
	struct node *nodes;
	size_t nnodes;
	char *pool;
};

/* Open addressing, linear probing; cap is 0 or a power of two. */
struct tlpress_tmplset {
	struct tlpress_template **slots;
	size_t cap;
	size_t n;
};

/* FNV-1a */
static uint32_t hash_name(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

static void template_free(struct tlpress_template *t)
{
	if (!t)
		return;
	free(t->name);
	free(t->nodes);
	free(t->pool);
	free(t);
}

/* ---- compiling ---- */

enum tag_type {
	T_ESC, T_AMP, T_TRIPLE, T_SECTION, T_INVERTED, T_CLOSE, T_COMMENT,
	T_PARTIAL, T_DELIM
};

struct open_section {
	size_t node;		/* index of the section node */
	size_t name, nlen;	/* the name, as written, in src */
	unsigned line;
};

struct compiler {
	const char *name;	/* of the template, for messages */
	const char *file;	/* its file, for messages, or NULL */
	const char *src;
	size_t len;
	struct node *nodes;
	size_t n, cap;
	struct tlpress_buf pool;
	size_t merge;		/* a text node that may grow, or SIZE_MAX */
	size_t lpos;		/* lines before lpos are counted in lno */
	unsigned lno;
	struct tlpress_error *err;
};

/* The 1-based line of src[pos]. Cheap when called with growing pos. */
static unsigned line_at(struct compiler *c, size_t pos)
{
	const char *p;

	if (pos < c->lpos) {
		c->lpos = 0;
		c->lno = 1;
	}
	while ((p = memchr(c->src + c->lpos, '\n', pos - c->lpos))) {
		c->lno++;
		c->lpos = (size_t)(p - c->src) + 1;
	}
	c->lpos = pos;
	return c->lno;
}

static int cerror(struct compiler *c, int code, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* "FILE:LINE: message; what to do" for a template of a folder, else
 * "template 'NAME': line LINE: message" */
static int cerror(struct compiler *c, int code, unsigned line, const char *fmt, ...)
{
	char msg[TLPRESS_ERRMSG_SIZE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->file)
		return tlpress_error_set(c->err, code, "%s:%u: %s; fix the template, or point "
					 "'templates' in tlpress.yml at the shipped set",
					 c->file, line, msg);
	return tlpress_error_set(c->err, code, "template '%s': line %u: %s",
				 c->name, line, msg);
}

static int nomem(struct compiler *c)
{
	return tlpress_error_set(c->err, TLPRESS_ENOMEM,
				 "template '%s': out of memory", c->name);
}

static struct node *new_node(struct compiler *c, enum node_type type)
{
	struct node *nd;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		struct node *v = realloc(c->nodes, cap * sizeof(*v));

		if (!v)
			return NULL;
		c->nodes = v;
		c->cap = cap;
	}
	nd = &c->nodes[c->n++];
	memset(nd, 0, sizeof(*nd));
	nd->type = (unsigned char)type;
	c->merge = SIZE_MAX;
	return nd;
}

static int is_line_start(const struct compiler *c, size_t pos)
{
	return pos == 0 || c->src[pos - 1] == '\n';
}

/* Literal text src[a, b). */
static int add_text(struct compiler *c, size_t a, size_t b)
{
	int bol = is_line_start(c, a);
	struct node *nd;

	if (a >= b)
		return 0;
	if (c->merge != SIZE_MAX) {
		nd = &c->nodes[c->merge];
		/* one node unless a line starts at the seam that the merged
		 * text would not show as a \n followed by text */
		if (nd->off + nd->len == c->pool.len &&
		    (!bol || c->pool.ptr[c->pool.len - 1] == '\n') &&
		    (uint64_t)nd->len + (b - a) <= UINT32_MAX) {
			nd->len += (uint32_t)(b - a);
			return tlpress_buf_add(&c->pool, c->src + a, b - a) ?
				nomem(c) : 0;
		}
	}
	nd = new_node(c, N_TEXT);
	if (!nd)
		return nomem(c);
	nd->flags = bol ? NODE_BOL : 0;
	nd->off = c->pool.len;
	nd->len = (uint32_t)(b - a);
	c->merge = c->n - 1;
	return tlpress_buf_add(&c->pool, c->src + a, b - a) ? nomem(c) : 0;
}

static int is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' ||
	       ch == '\f' || ch == '\v';
}

static void trim(const char *s, size_t *a, size_t *b)
{
	while (*a < *b && is_space(s[*a]))
		(*a)++;
	while (*b > *a && is_space(s[*b - 1]))
		(*b)--;
}

/* A tag name in src[a, b), trimmed: not empty, no space or NUL. */
static int check_name(struct compiler *c, size_t ts, size_t *a, size_t *b)
{
	size_t i;

	trim(c->src, a, b);
	if (*a == *b)
		return cerror(c, TLPRESS_EINVAL, line_at(c, ts), "empty tag name");
	for (i = *a; i < *b; i++)
		if (is_space(c->src[i]) || !c->src[i])
			return cerror(c, TLPRESS_EINVAL, line_at(c, ts),
				      "bad tag name '%.*s'",
				      (int)(*b - *a), c->src + *a);
	return 0;
}

/* A variable or section name in src[a, b) into the pool: "." or
 * dot-separated non-empty parts. Fills off and nparts. */
static int add_name(struct compiler *c, size_t ts, size_t a, size_t b,
		    size_t *off, unsigned *nparts)
{
	size_t i, start;
	unsigned n = 0;
	int r;

	r = check_name(c, ts, &a, &b);
	if (r)
		return r;
	*off = c->pool.len;
	if (b - a == 1 && c->src[a] == '.') {
		*nparts = 0;
		return 0;
	}
	for (start = i = a; i <= b; i++) {
		if (i < b && c->src[i] != '.')
			continue;
		if (i == start)
			return cerror(c, TLPRESS_EINVAL, line_at(c, ts), "bad name '%.*s'",
				      (int)(b - a), c->src + a);
		if (++n > MAX_PARTS)
			return cerror(c, TLPRESS_EINVAL, line_at(c, ts),
				      "name with over %d parts", MAX_PARTS);
		tlpress_buf_add(&c->pool, c->src + start, i - start);
		tlpress_buf_addch(&c->pool, '\0');
		start = i + 1;
	}
	*nparts = n;
	return c->pool.failed ? nomem(c) : 0;
}

/*
 * Is the tag src[ts, te) alone on its line? The text before it, from pos
 * on, holds no tag. If so, *ls is where its line starts and *next where the
 * next line does (or the end).
 */
static int standalone(const struct compiler *c, size_t pos, size_t ts,
		      size_t te, size_t *ls, size_t *next)
{
	const char *s = c->src;
	const char *nl = memrchr(s + pos, '\n', ts - pos);
	size_t l, q;

	if (nl)
		l = (size_t)(nl - s) + 1;
	else if (is_line_start(c, pos))
		l = pos;
	else
		return 0;
	for (q = l; q < ts; q++)
		if (s[q] != ' ' && s[q] != '\t')
			return 0;
	for (q = te; q < c->len && (s[q] == ' ' || s[q] == '\t'); q++)
		;
	if (q == c->len)
		*next = q;
	else if (s[q] == '\n')
		*next = q + 1;
	else if (s[q] == '\r' && q + 1 < c->len && s[q + 1] == '\n')
		*next = q + 2;
	else
		return 0;
	*ls = l;
	return 1;
}

/* {{=open close=}}: content in src[a, b). */
static int set_delims(struct compiler *c, size_t ts, size_t a, size_t b,
		      char *otag, size_t *olen, char *ctag, size_t *clen)
{
	size_t o1, o2, c1, i;

	trim(c->src, &a, &b);
	for (o1 = o2 = a; o2 < b && !is_space(c->src[o2]); o2++)
		;
	for (c1 = o2; c1 < b && is_space(c->src[c1]); c1++)
		;
	if (o2 == o1 || c1 == b || c1 == o2)
		goto bad;
	for (i = c1; i < b; i++)
		if (is_space(c->src[i]))
			goto bad;
	if (o2 - o1 > MAX_DELIM || b - c1 > MAX_DELIM)
		return cerror(c, TLPRESS_EINVAL, line_at(c, ts),
			      "delimiter longer than %d bytes", MAX_DELIM);
	if (memchr(c->src + o1, '\0', o2 - o1) || memchr(c->src + c1, '\0', b - c1))
		goto bad;
	memcpy(otag, c->src + o1, o2 - o1);
	*olen = o2 - o1;
	memcpy(ctag, c->src + c1, b - c1);
	*clen = b - c1;
	return 0;
bad:
	return cerror(c, TLPRESS_EINVAL, line_at(c, ts), "bad set-delimiter tag '%.*s'",
		      (int)(b - a), c->src + a);
}

static int compile(struct compiler *c)
{
	struct open_section open[TLPRESS_TMPL_MAX_NESTING];
	char otag[MAX_DELIM] = "{{", ctag[MAX_DELIM] = "}}";
	char close[MAX_DELIM + 1];
	size_t olen = 2, clen = 2;
	unsigned depth = 0;
	size_t pos = 0;
	int r;

	for (;;) {
		const char *s = c->src, *t, *cl;
		size_t ts, cs, ce, te, ls, next, cllen;
		size_t indent = 0, indent_len = 0;
		enum tag_type type = T_ESC;
		int alone = 0;
		struct node *nd;

		t = memmem(s + pos, c->len - pos, otag, olen);
		if (!t)
			break;
		ts = (size_t)(t - s);
		cs = ts + olen;
		if (cs < c->len) {
			switch (s[cs]) {
			case '{': type = T_TRIPLE; break;
			case '&': type = T_AMP; break;
			case '#': type = T_SECTION; break;
			case '^': type = T_INVERTED; break;
			case '/': type = T_CLOSE; break;
			case '!': type = T_COMMENT; break;
			case '>': type = T_PARTIAL; break;
			case '=': type = T_DELIM; break;
			default: break;
			}
			if (type != T_ESC)
				cs++;
		}
		cl = ctag;
		cllen = clen;
		if (type == T_TRIPLE || type == T_DELIM) {
			close[0] = type == T_TRIPLE ? '}' : '=';
			memcpy(close + 1, ctag, clen);
			cl = close;
			cllen = clen + 1;
		}
		t = cs <= c->len ? memmem(s + cs, c->len - cs, cl, cllen) : NULL;
		if (!t)
			return cerror(c, TLPRESS_EINVAL, line_at(c, ts),
				      "unclosed tag: no '%.*s' after '%.*s'",
				      (int)cllen, cl, (int)olen, otag);
		ce = (size_t)(t - s);
		te = ce + cllen;

		if (type >= T_SECTION && standalone(c, pos, ts, te, &ls, &next)) {
			r = add_text(c, pos, ls);
			alone = 1;
			indent = ls;
			indent_len = ts - ls;
			pos = next;
		} else {
			r = add_text(c, pos, ts);
			if (!r && is_line_start(c, ts) && !new_node(c, N_INDENT))
				r = nomem(c);
			pos = te;
		}
		if (r)
			return r;

		switch (type) {
		case T_ESC:
		case T_AMP:
		case T_TRIPLE:
		case T_SECTION:
		case T_INVERTED: {
			size_t off = 0;
			unsigned nparts = 0;

			if (type >= T_SECTION && depth == TLPRESS_TMPL_MAX_NESTING)
				return cerror(c, TLPRESS_ELIMIT, line_at(c, ts),
					      "sections nested deeper than %d",
					      TLPRESS_TMPL_MAX_NESTING);
			r = add_name(c, ts, cs, ce, &off, &nparts);
			if (r)
				return r;
			nd = new_node(c, type == T_ESC ? N_ESC :
				      type == T_SECTION ? N_SECTION :
				      type == T_INVERTED ? N_INVERTED : N_RAW);
			if (!nd)
				return nomem(c);
			nd->off = off;
			nd->nparts = (unsigned short)nparts;
			if (type >= T_SECTION) {
				trim(s, &cs, &ce);
				open[depth].node = c->n - 1;
				open[depth].name = cs;
				open[depth].nlen = ce - cs;
				open[depth].line = line_at(c, ts);
				depth++;
			}
			break;
		}
		case T_CLOSE: {
			const struct open_section *o;

			r = check_name(c, ts, &cs, &ce);
			if (r)
				return r;
			if (!depth)
				return cerror(c, TLPRESS_EINVAL, line_at(c, ts),
					      "close tag '%.*s' without a section",
					      (int)(ce - cs), s + cs);
			o = &open[depth - 1];
			if (o->nlen != ce - cs || memcmp(s + o->name, s + cs, o->nlen))
				return cerror(c, TLPRESS_EINVAL, line_at(c, ts),
					      "close tag '%.*s' does not match section '%.*s' opened at line %u",
					      (int)(ce - cs), s + cs,
					      (int)o->nlen, s + o->name, o->line);
			c->nodes[o->node].aux = c->n;
			c->merge = SIZE_MAX;
			depth--;
			break;
		}
		case T_COMMENT:
			break;
		case T_PARTIAL: {
			size_t off;

			r = check_name(c, ts, &cs, &ce);
			if (r)
				return r;
			off = c->pool.len;
			tlpress_buf_add(&c->pool, s + cs, ce - cs);
			tlpress_buf_addch(&c->pool, '\0');
			nd = new_node(c, N_PARTIAL);
			if (!nd || c->pool.failed)
				return nomem(c);
			nd->off = off;
			nd->hash = hash_name(c->pool.ptr + off);
			if (alone) {
				nd->flags = NODE_STANDALONE;
				nd->aux = c->pool.len;
				nd->len = (uint32_t)indent_len;
				if (tlpress_buf_add(&c->pool, s + indent, indent_len))
					return nomem(c);
			}
			break;
		}
		case T_DELIM:
			r = set_delims(c, ts, cs, ce, otag, &olen, ctag, &clen);
			if (r)
				return r;
			break;
		}
	}
	r = add_text(c, pos, c->len);
	if (r)
		return r;
	if (depth) {
		const struct open_section *o = &open[depth - 1];

		return cerror(c, TLPRESS_EINVAL, o->line, "unclosed section '%.*s'",
			      (int)o->nlen, c->src + o->name);
	}
	return c->pool.failed ? nomem(c) : 0;
}

/* ---- the set ---- */

struct tlpress_tmplset *tlpress_tmplset_new(void)
{
	return calloc(1, sizeof(struct tlpress_tmplset));
}

void tlpress_tmplset_free(struct tlpress_tmplset *set)
{
	size_t i;

	if (!set)
		return;
	for (i = 0; i < set->cap; i++)
		template_free(set->slots[i]);
	free(set->slots);
	free(set);
}

/* The slot holding `name`, or the empty one where it would go. cap > 0. */
static size_t slot_of(const struct tlpress_tmplset *set, const char *name,
		      uint32_t h)
{
	size_t mask = set->cap - 1, i = h & mask;

	while (set->slots[i] && (set->slots[i]->hash != h ||
				 strcmp(set->slots[i]->name, name)))
		i = (i + 1) & mask;
	return i;
}

static const struct tlpress_template *find(const struct tlpress_tmplset *set,
					   const char *name, uint32_t h)
{
	return set->cap ? set->slots[slot_of(set, name, h)] : NULL;
}

/* Room for one more template. 0 or -1. */
static int reserve(struct tlpress_tmplset *set)
{
	struct tlpress_template **old = set->slots;
	size_t i, oldcap = set->cap, cap;

	if ((set->n + 1) * 4 <= set->cap * 3)
		return 0;
	cap = set->cap ? set->cap * 2 : 16;
	set->slots = calloc(cap, sizeof(*set->slots));
	if (!set->slots) {
		set->slots = old;
		return -1;
	}
	set->cap = cap;
	for (i = 0; i < oldcap; i++)
		if (old[i])
			set->slots[slot_of(set, old[i]->name, old[i]->hash)] = old[i];
	free(old);
	return 0;
}

/* tlpress_tmplset_add(), naming file (when not NULL) in messages */
static int add_from(struct tlpress_tmplset *set, const char *name, const char *file,
		    const char *src, size_t len, struct tlpress_error *err)
{
	struct compiler c;
	struct tlpress_template *t;
	size_t i;
	int r;

	if (!set || !name || !*name || (!src && len))
		return tlpress_error_set(err, TLPRESS_EUSAGE,
					 "tlpress_tmplset_add: no set, name or source");
	if (len > TLPRESS_TMPL_MAX_SIZE)
		return tlpress_error_set(err, TLPRESS_ELIMIT,
					 "template '%s': %zu bytes, over the limit of %zu",
					 name, len, TLPRESS_TMPL_MAX_SIZE);
	memset(&c, 0, sizeof(c));
	c.name = name;
	c.file = file;
	c.src = src ? src : "";
	c.len = len;
	c.merge = SIZE_MAX;
	c.lno = 1;
	c.err = err;
	tlpress_buf_init(&c.pool, 0);
	r = compile(&c);

	t = NULL;
	if (!r) {
		t = calloc(1, sizeof(*t));
		if (t) {
			t->name = strdup(name);
			t->pool = tlpress_buf_detach(&c.pool, NULL);
		}
		if (!t || !t->name || !t->pool || reserve(set)) {
			template_free(t);
			r = nomem(&c);
		}
	}
	if (r) {
		free(c.nodes);
		tlpress_buf_release(&c.pool);
		return r;
	}
	t->hash = hash_name(name);
	t->nnodes = c.n;
	t->nodes = c.nodes;
	if (c.n && c.n < c.cap) {
		struct node *v = realloc(c.nodes, c.n * sizeof(*v));

		if (v)		/* else keep the larger array */
			t->nodes = v;
	}
	i = slot_of(set, name, t->hash);
	if (set->slots[i])
		template_free(set->slots[i]);
	else
		set->n++;
	set->slots[i] = t;
	return 0;
}

int tlpress_tmplset_add(struct tlpress_tmplset *set, const char *name,
			const char *src, size_t len, struct tlpress_error *err)
{
	return add_from(set, name, NULL, src, len, err);
}

int tlpress_tmplset_has(const struct tlpress_tmplset *set, const char *name)
{
	return set && name && find(set, name, hash_name(name)) != NULL;
}

/* ---- loading a folder ---- */

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_file(const char *path, struct tlpress_buf *b,
		     struct tlpress_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot read '%s'", path);
	for (;;) {
		if (tlpress_buf_grow(b, 65536) < 0) {
			close(fd);
			if (b->len > TLPRESS_TMPL_MAX_SIZE)
				return tlpress_error_set(err, TLPRESS_ELIMIT,
							 "'%s': over the limit of %zu bytes",
							 path, TLPRESS_TMPL_MAX_SIZE);
			return tlpress_error_set(err, TLPRESS_ENOMEM,
						 "'%s': out of memory", path);
		}
		n = read(fd, b->ptr + b->len, b->cap - b->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			return tlpress_error_errno(err, TLPRESS_EIO, e, "cannot read '%s'", path);
		}
		if (!n)
			break;
		b->len += (size_t)n;
		b->ptr[b->len] = '\0';
	}
	close(fd);
	return 0;
}

int tlpress_tmplset_load_dir(struct tlpress_tmplset *set, const char *dir,
			     struct tlpress_error *err)
{
	static const char ext[] = ".mustache";
	const size_t extlen = sizeof(ext) - 1;
	struct tlpress_buf path = TLPRESS_BUF_INIT, src = TLPRESS_BUF_INIT;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (!set || !dir)
		return tlpress_error_set(err, TLPRESS_EUSAGE,
					 "tlpress_tmplset_load_dir: no set or folder");
	d = opendir(dir);
	if (!d)
		return tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot open folder '%s'", dir);
	for (;;) {
		size_t len;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				r = tlpress_error_errno(err, TLPRESS_EIO, errno,
							"cannot read folder '%s'", dir);
			break;
		}
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= extlen ||
		    strcmp(de->d_name + len - extlen, ext))
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			char **v = realloc(names, ncap * sizeof(*v));

			if (!v) {
				r = tlpress_error_set(err, TLPRESS_ENOMEM,
						      "out of memory");
				break;
			}
			names = v;
			cap = ncap;
		}
		names[n] = strndup(de->d_name, len - extlen);
		if (!names[n]) {
			r = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
			break;
		}
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);

	/* a file over the limit fails in read_file() or in add() */
	tlpress_buf_init(&src, TLPRESS_TMPL_MAX_SIZE + 65536);
	for (i = 0; !r && i < n; i++) {
		struct stat st;

		tlpress_buf_reset(&path);
		tlpress_buf_printf(&path, "%s/%s%s", dir, names[i], ext);
		if (path.failed) {
			r = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
			break;
		}
		if (stat(path.ptr, &st)) {
			r = tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot read '%s'",
						path.ptr);
			break;
		}
		if (!S_ISREG(st.st_mode)) {
			names[i][0] = '\0';	/* not counted */
			continue;
		}
		tlpress_buf_reset(&src);
		r = read_file(path.ptr, &src, err);
		if (!r)
			r = add_from(set, names[i], path.ptr, src.ptr, src.len, err);
	}
	tlpress_buf_release(&path);
	tlpress_buf_release(&src);
	if (!r)
		for (i = 0; i < n; i++)
			if (names[i][0])
				r++;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r;
}

/* ---- rendering ---- */

/* The context stack: a chain of frames on the C stack. */
struct frame {
	json_t *v;
	const struct frame *up;
};

/* The indentation of the standalone partials being rendered, outermost
 * last in the chain. */
struct indent {
	const char *s;
	size_t len;
	const struct indent *up;
};

struct render {
	const struct tlpress_tmplset *set;
	const char *name;	/* the template asked for */
	struct tlpress_buf *out;
	enum tlpress_escape escape;
	struct tlpress_error *err;
	unsigned depth;		/* partials */
	const struct tlpress_tmpl_lazy *lazy;
	const json_t *lazy_v;	/* the value that stands for it in the context */
	unsigned long steps;	/* nodes visited, at most TLPRESS_TMPL_MAX_STEPS */
};

static json_t *lookup(const struct frame *f, const char *part, unsigned nparts)
{
	json_t *v = NULL;

	if (!nparts)
		return f->v;
	for (; f; f = f->up)
		if (json_is_object(f->v) && (v = json_object_get(f->v, part)))
			break;
	while (v && --nparts) {
		part += strlen(part) + 1;
		v = json_is_object(v) ? json_object_get(v, part) : NULL;
	}
	return v;
}

static int truthy(const json_t *v);

/* truthy(), knowing the lazy list by its stand-in */
static int truthy_in(const struct render *st, const json_t *v)
{
	if (v && v == st->lazy_v)
		return st->lazy->n > 0;
	return truthy(v);
}

static int truthy(const json_t *v)
{
	if (!v || json_is_false(v) || json_is_null(v))
		return 0;
	return !json_is_array(v) || json_array_size(v) > 0;
}

static void put_indent(struct tlpress_buf *out, const struct indent *ind)
{
	if (!ind)
		return;
	put_indent(out, ind->up);
	tlpress_buf_add(out, ind->s, ind->len);
}

static void put_text(struct tlpress_buf *out, const char *s, size_t n,
		     int bol, const struct indent *ind)
{
	const char *nl;

	if (ind) {
		if (bol)
			put_indent(out, ind);
		while ((nl = memchr(s, '\n', n)) && nl + 1 < s + n) {
			size_t k = (size_t)(nl + 1 - s);

			tlpress_buf_add(out, s, k);
			put_indent(out, ind);
			s += k;
			n -= k;
		}
	}
	tlpress_buf_add(out, s, n);
}

static void put_escaped(struct tlpress_buf *out, const char *s, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		const char *rep;

		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		tlpress_buf_add(out, s + start, i - start);
		tlpress_buf_adds(out, rep);
		start = i + 1;
	}
	tlpress_buf_add(out, s + start, n - start);
}

/* The shortest %g form that reads back as d; always a '.' for the decimal
 * point, whatever the locale. */
static size_t format_real(char *buf, size_t size, double d)
{
	int prec, n = 0;
	char *p;

	for (prec = 15; prec <= 17; prec++) {
		n = snprintf(buf, size, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	for (p = buf; *p; p++)
		if (*p == ',')
			*p = '.';
	return n > 0 ? (size_t)n : 0;
}

static void put_value(struct render *st, const json_t *v, int escape)
{
	char num[64];
	const char *s;
	size_t n;

	switch (json_typeof(v)) {
	case JSON_STRING:
		s = json_string_value(v);
		n = json_string_length(v);
		break;
	case JSON_INTEGER:
		s = num;
		n = (size_t)snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
				     json_integer_value(v));
		break;
	case JSON_REAL:
		s = num;
		n = format_real(num, sizeof(num), json_real_value(v));
		break;
	case JSON_TRUE:
		s = "true";
		n = 4;
		break;
	case JSON_FALSE:
		s = "false";
		n = 5;
		break;
	default:	/* null, objects, arrays */
		return;
	}
	if (escape)
		put_escaped(st->out, s, n);
	else
		tlpress_buf_add(st->out, s, n);
}

static int render_range(struct render *st, const struct tlpress_template *t,
			size_t i, size_t end, const struct frame *ctx,
			const struct indent *ind);

/* One more step of the render's budget: a node, or a pass of a section. */
static int step(struct render *st, const struct tlpress_template *t)
{
	if (++st->steps <= TLPRESS_TMPL_MAX_STEPS)
		return 0;
	return tlpress_error_set(st->err, TLPRESS_ELIMIT,
				 "template '%s': over %lu steps to render, in '%s': "
				 "nested sections or partials repeat too often",
				 st->name, (unsigned long)TLPRESS_TMPL_MAX_STEPS, t->name);
}

static int render_partial(struct render *st, const struct tlpress_template *t,
			  const struct node *nd, const struct frame *ctx,
			  const struct indent *ind)
{
	const char *pname = t->pool + nd->off;
	const struct tlpress_template *p = find(st->set, pname, nd->hash);
	struct indent mine;
	int r;

	if (!p)
		return 0;
	if (st->depth >= TLPRESS_TMPL_MAX_PARTIAL_DEPTH)
		return tlpress_error_set(st->err, TLPRESS_ELIMIT,
					 "template '%s': partials nested deeper than %d (at '%s' in '%s')",
					 st->name, TLPRESS_TMPL_MAX_PARTIAL_DEPTH,
					 pname, t->name);
	if (!(nd->flags & NODE_STANDALONE)) {
		ind = NULL;
	} else if (nd->len) {
		mine.s = t->pool + nd->aux;
		mine.len = nd->len;
		mine.up = ind;
		ind = &mine;
	}
	st->depth++;
	r = render_range(st, p, 0, p->nnodes, ctx, ind);
	st->depth--;
	return r;
}

static int render_range(struct render *st, const struct tlpress_template *t,
			size_t i, size_t end, const struct frame *ctx,
			const struct indent *ind)
{
	struct tlpress_buf *out = st->out;

	while (i < end) {
		const struct node *nd = &t->nodes[i];
		struct frame f;
		json_t *v;
		size_t k;
		int r;

		r = step(st, t);
		if (r)
			return r;
		switch (nd->type) {
		case N_TEXT:
			put_text(out, t->pool + nd->off, nd->len,
				 nd->flags & NODE_BOL, ind);
			i++;
			break;
		case N_INDENT:
			put_indent(out, ind);
			i++;
			break;
		case N_ESC:
		case N_RAW:
			v = lookup(ctx, t->pool + nd->off, nd->nparts);
			if (v)
				put_value(st, v, nd->type == N_ESC &&
					  st->escape == TLPRESS_ESCAPE_HTML);
			i++;
			break;
		case N_SECTION:
			v = lookup(ctx, t->pool + nd->off, nd->nparts);
			f.up = ctx;
			if (v && v == st->lazy_v) {
				for (k = 0; k < st->lazy->n; k++) {
					r = step(st, t);
					if (r)
						return r;
					f.v = st->lazy->item(k, st->lazy->data);
					if (!f.v)
						return OUT_FAILED;
					r = render_range(st, t, i + 1, nd->aux, &f, ind);
					json_decref(f.v);
					if (r)
						return r;
				}
			} else if (json_is_array(v)) {
				for (k = 0; k < json_array_size(v); k++) {
					r = step(st, t);
					if (r)
						return r;
					f.v = json_array_get(v, k);
					r = render_range(st, t, i + 1, nd->aux, &f, ind);
					if (r)
						return r;
				}
			} else if (truthy(v)) {
				f.v = v;
				r = render_range(st, t, i + 1, nd->aux, &f, ind);
				if (r)
					return r;
			}
			i = nd->aux;
			break;
		case N_INVERTED:
			v = lookup(ctx, t->pool + nd->off, nd->nparts);
			if (!truthy_in(st, v)) {
				r = render_range(st, t, i + 1, nd->aux, ctx, ind);
				if (r)
					return r;
			}
			i = nd->aux;
			break;
		case N_PARTIAL:
			r = render_partial(st, t, nd, ctx, ind);
			if (r)
				return r;
			i++;
			break;
		default:
			i++;
			break;
		}
		if (out->failed)
			return OUT_FAILED;
	}
	return 0;
}

int tlpress_tmplset_render(const struct tlpress_tmplset *set, const char *name,
			   json_t *ctx, enum tlpress_escape escape,
			   struct tlpress_buf *out, struct tlpress_error *err)
{
	return tlpress_tmplset_render_lazy(set, name, ctx, NULL, escape, out, err);
}

int tlpress_tmplset_render_lazy(const struct tlpress_tmplset *set, const char *name,
				json_t *ctx, const struct tlpress_tmpl_lazy *lazy,
				enum tlpress_escape escape, struct tlpress_buf *out,
				struct tlpress_error *err)
{
	const struct tlpress_template *t;
	struct frame root, below;
	json_t *holder = NULL, *stand_in = NULL;
	struct render st;
	size_t start;
	int r;

	if (!set || !name || !out)
		return tlpress_error_set(err, TLPRESS_EUSAGE,
					 "tlpress_tmplset_render: no set, name or output");
	t = find(set, name, hash_name(name));
	if (!t)
		return tlpress_error_set(err, TLPRESS_EINVAL,
					 "no template '%s'", name);
	start = out->len;
	root.v = ctx;
	root.up = NULL;
	st.lazy = NULL;
	st.lazy_v = NULL;
	if (lazy && lazy->name) {
		/* a frame below ctx binds the name to a stand-in */
		holder = json_object();
		stand_in = json_array();
		if (!holder || !stand_in || json_object_set(holder, lazy->name, stand_in)) {
			json_decref(holder);
			json_decref(stand_in);
			return tlpress_error_set(err, TLPRESS_ENOMEM, "template '%s': out of memory",
						 name);
		}
		below.v = holder;
		below.up = NULL;
		root.up = &below;
		st.lazy = lazy;
		st.lazy_v = stand_in;
	}
	st.set = set;
	st.name = name;
	st.out = out;
	st.escape = escape;
	st.err = err;
	st.depth = 0;
	st.steps = 0;
	r = out->failed ? OUT_FAILED : render_range(&st, t, 0, t->nnodes, &root, NULL);
	if (r == OUT_FAILED) {
		if (out->limit != TLPRESS_BUF_NOLIMIT)
			r = tlpress_error_set(err, TLPRESS_ELIMIT,
					      "template '%s': output over the limit of %zu bytes (or out of memory)",
					      name, out->limit);
		else
			r = tlpress_error_set(err, TLPRESS_ENOMEM,
					      "template '%s': out of memory", name);
	}
	if (r)
		tlpress_buf_truncate(out, start);
	json_decref(holder);
	json_decref(stand_in);
	return r;
}
