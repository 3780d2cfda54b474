/*
 * advisory.h - the advisory model: one Markdown file with YAML front matter
 *
 * This is the only module that parses advisories (libyaml through ytree,
 * the body with cmark-gfm). Every renderer, the TLP policy and every
 * transport read the model defined here; see docs/advisory-format.md for the
 * format itself.
 *
 * Parsing never stops at the first problem: every error and warning goes
 * into a struct tlpress_diags with its file, line and column, the way a
 * compiler reports. An advisory with errors is still returned when its
 * front matter could be read, so that `tlpress check` can say everything at
 * once; nothing may publish an advisory whose parse reported an error.
 *
 * Labels. The *base label* is `tlp`, or `tlp_downgrade.to` once its `at`
 * has passed (policy.h decides that, given the time). A top-level heading
 * whose text ends with `[TLP:LABEL]` opens a marked section that runs to the
 * next heading of the same or a higher level; each top-level block of the
 * body records the most restrictive marking enclosing it (`mark`). A block's
 * label is the more restrictive of the base label and its mark.
 */
#ifndef TLPRESS_ADVISORY_H
#define TLPRESS_ADVISORY_H

#include <stddef.h>

#include "cvss.h"
#include "error.h"
#include "timefmt.h"
#include "tlp.h"

struct cmark_node;
struct tlpress_ynode;

/* Limits checked before anything is parsed. */
#define TLPRESS_MAX_FILE_SIZE (1024 * 1024)
#define TLPRESS_MAX_TITLE 200
#define TLPRESS_MAX_NESTING 32      /* blockquote and list levels */
#define TLPRESS_MAX_LINE (64 * 1024)
#define TLPRESS_MAX_LINES 65536
#define TLPRESS_MAX_PIPES_LINE 128      /* '|' on one line */
#define TLPRESS_MAX_PIPES 65536         /* '|' in the body */
#define TLPRESS_MAX_TABLE_CELLS 65536   /* cells of every table together */
#define TLPRESS_MAX_TABLE_PROBE (512 * 1024) /* bytes re-read as table headers */
#define TLPRESS_MAX_BRACKETS 16000000   /* sum over paragraphs of '[' x ']' */
#define TLPRESS_MAX_AT_LINE 32          /* '@' on one line (autolinked e-mail) */
#define TLPRESS_MAX_ORDERED 1024        /* ordered list items */
#define TLPRESS_MAX_DEPTH 64            /* depth of the parsed tree */

enum tlpress_status {
	TLPRESS_STATUS_DRAFT,
	TLPRESS_STATUS_INTERIM,
	TLPRESS_STATUS_FINAL
};

/* The constituency, as the charter orders it (audience keys). */
enum tlpress_audience {
	TLPRESS_AUD_OES_CI = 1 << 0,          /* oes-ci */
	TLPRESS_AUD_PUBLIC_SERVICES = 1 << 1, /* public-services */
	TLPRESS_AUD_ADMINISTRATIONS = 1 << 2, /* administrations */
	TLPRESS_AUD_COMPANIES = 1 << 3,       /* companies */
	TLPRESS_AUD_PUBLIC = 1 << 4,          /* public */
	TLPRESS_AUD_ALL = (1 << 5) - 1
};

/* The audience key of one bit ("oes-ci"), or NULL. */
const char *tlpress_audience_name(unsigned bit);

struct tlpress_pos {
	unsigned line, col;         /* 1-based; 0 when absent */
};

struct tlpress_cwe {
	char *id;                   /* "CWE-787" */
	char *name;
};

struct tlpress_product {
	char *vendor, *product;
	char *affected;             /* version range, e.g. "< 7.4.3"; or NULL */
	char *fixed;                /* first fixed version; or NULL */
};

struct tlpress_reference {
	char *url;                  /* http or https */
	char *title;                /* or NULL */
};

struct tlpress_revision {
	int version;                /* 1, 2, 3 ... */
	struct tlpress_time date;
	char *summary;
};

struct tlpress_downgrade {
	int set;
	enum tlpress_tlp to;
	struct tlpress_time at;
	char *approved_by;
};

/* One top-level block of the body. */
struct tlpress_block {
	struct cmark_node *node;    /* borrowed from the advisory's doc */
	int mark;                   /* most restrictive enclosing marking,
				       an enum tlpress_tlp, or -1 for none */
	int section;                /* innermost marked section, or -1 */
	unsigned line;              /* first line in the file */
};

/* A marked section: a top-level heading ending in [TLP:LABEL] and the
 * blocks up to the next heading of the same or a higher level. */
struct tlpress_section {
	enum tlpress_tlp mark;      /* as written on the heading */
	enum tlpress_tlp label;     /* the most restrictive enclosing mark */
	int parent;                 /* enclosing marked section, or -1 */
	int level;                  /* heading level, 1 to 6 */
	size_t first, end;          /* its blocks: [first, end) */
	unsigned line;              /* the heading's line in the file */
	char *title;                /* heading text without the marking */
};

struct tlpress_advisory {
	char *path;                 /* as given to the parser */

	/* front matter */
	char *id;                   /* "CCB-2026-0042" */
	char *title;
	char *lang;                 /* BCP 47; "en" by default */
	char *summary;              /* as written, or NULL: see
				       tlpress_advisory_summary_block() */
	enum tlpress_tlp tlp;       /* the label as written */
	enum tlpress_status status;
	int has_severity;
	enum tlpress_cvss_severity severity;
	int has_cvss;
	struct tlpress_cvss cvss;
	char **cves;
	size_t ncves;
	struct tlpress_cwe *cwes;
	size_t ncwes;
	struct tlpress_product *products;
	size_t nproducts;
	struct tlpress_reference *refs;
	size_t nrefs;
	unsigned audience;          /* enum tlpress_audience bits */
	char **recipients;          /* list names and e-mail addresses */
	size_t nrecipients;
	struct tlpress_time embargo; /* .valid == 0 when there is none */
	struct tlpress_downgrade downgrade;
	struct tlpress_revision *revisions; /* ascending; at least one when valid */
	size_t nrevisions;

	/* where keys were, for diagnostics across files */
	struct tlpress_pos id_pos, tlp_pos, recipients_pos;

	/* body */
	const char *body;           /* Markdown source, inside `data` */
	size_t body_len;
	unsigned body_line;         /* file line of the body's first line */
	struct cmark_node *doc;     /* parsed body, or NULL */
	struct tlpress_block *blocks;
	size_t nblocks;
	struct tlpress_section *sections;
	size_t nsections;
	int max_mark;               /* most restrictive marking, or -1 */

	int nerrors;                /* errors reported while parsing */
	unsigned flags;             /* TLPRESS_PARSE_* it was parsed with */
	/* RESUMABLE: the front matter's tree, and where its checks' diagnostics
	 * begin in the diags, which the body's go before */
	struct tlpress_ynode *front;
	size_t front_checks_at;
	int front_tlp_bad;
	char *data;                 /* the file's bytes (owned) */
	size_t len;
};

/*
 * Parse an advisory from data[0..len) (copied). `path` names it in
 * diagnostics and is checked against the id (file name `<id>.md`).
 * Returns the advisory, or NULL when nothing usable could be read (the
 * reason is in diags). adv->nerrors counts the errors this advisory got.
 * Free with tlpress_advisory_free().
 */
struct tlpress_advisory *tlpress_advisory_parse(const char *path,
						const char *data, size_t len,
						struct tlpress_diags *diags);

/* Read the file at path (refusing one over TLPRESS_MAX_FILE_SIZE before
 * reading it) and parse it. NULL when it cannot be read or parsed. */
struct tlpress_advisory *tlpress_advisory_load(const char *path,
					       struct tlpress_diags *diags);

/* Parse flags */
#define TLPRESS_PARSE_FRONT_ONLY 1  /* the front matter only: no body, and
				       none of the checks that need it (labels
				       of sections, recipients). Cheap: for
				       deciding what a build will publish. */
#define TLPRESS_PARSE_RESUMABLE 2   /* with FRONT_ONLY: keep what the body's
				       parse needs, for tlpress_advisory_finish() */

struct tlpress_advisory *tlpress_advisory_parse_ex(const char *path, const char *data,
						   size_t len, unsigned flags,
						   struct tlpress_diags *diags);
struct tlpress_advisory *tlpress_advisory_load_ex(const char *path, unsigned flags,
						  struct tlpress_diags *diags);

/*
 * Parse the body of an advisory parsed with FRONT_ONLY | RESUMABLE, into
 * the diags it was parsed with (nothing added to them since): afterwards it
 * is what tlpress_advisory_parse() would have made of the file, its
 * diagnostics too, in the same order. A build decides from the front matter
 * and goes on to the body only for what it publishes, reading each file
 * once. -1 (nothing done) for an advisory not parsed so.
 */
int tlpress_advisory_finish(struct tlpress_advisory *a, struct tlpress_diags *diags);

void tlpress_advisory_free(struct tlpress_advisory *adv);

/* The document label: the most restrictive of `tlp` and every marking
 * (before any downgrade: what the advisory holds). */
enum tlpress_tlp tlpress_advisory_doc_label(const struct tlpress_advisory *adv);

/* The current (last) revision, or NULL when there is none. */
const struct tlpress_revision *
tlpress_advisory_current(const struct tlpress_advisory *adv);

/* The first unmarked top-level paragraph, whose text stands in for a
 * missing `summary`; NULL when there is none. */
struct cmark_node *
tlpress_advisory_summary_block(const struct tlpress_advisory *adv);

/* Lower-case id into buf, for file names ("ccb-2026-0042"). */
void tlpress_advisory_slug(const struct tlpress_advisory *adv, char *buf,
			   size_t size);

/* Validate an id: PREFIX-YYYY-NNNN. 0 when valid. */
int tlpress_id_valid(const char *id);

/* Order ids as advisories: 0 when a and b name the same one, the same
 * PREFIX-YYYY- and the same number however many zeros pad it
 * (CCB-2026-0042 and CCB-2026-00042); by strcmp() otherwise. A total
 * order for qsort(), with the ids of one advisory side by side. */
int tlpress_id_cmp(const char *a, const char *b);

/* The cmark-gfm extensions every body is parsed and rendered with. */
struct _cmark_llist *tlpress_markdown_extensions(void);
/* cmark options for parsing and rendering: safe (no raw HTML, no
 * dangerous URLs). */
int tlpress_markdown_options(void);
/* Free what cmark-gfm rendered from a body (cmark_render_html() and its
 * siblings): the bodies' nodes and renderings are cut from the thread's
 * arena while one is begun (arena.h), and given back with it. */
void tlpress_markdown_free(void *p);

#endif
