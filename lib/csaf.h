/*
 * csaf.h - the CSAF 2.0 rendition of an advisory, and the files of a CSAF
 * provider (OASIS CSAF 2.0, section 7.1) around the documents
 *
 * One JSON document per rendition, built with jansson (never by hand; its
 * values cut from an arena, lib/jarena.h, and written by lib/jsonout.h): valid
 * against the strict CSAF 2.0 schema and passing every mandatory test of
 * section 6.1 (tests/cli/0040-csaf-validate.t runs the BSI validator over
 * them). Every string from an analyst or the configuration goes through
 * tlpress_text_clean() (bidi overrides and C0 controls are dropped) and
 * reaches the JSON through jansson alone; URLs are percent-encoded where
 * RFC 3986 needs it, and a URL that still is no URI is left out.
 *
 * What the model becomes:
 *  - document: category `csaf_security_advisory`, or
 *    `csaf_informational_advisory` for an advisory without products (then
 *    no product_tree and no vulnerabilities, as profile test 6.1.27.3
 *    wants; its CVEs become references to their CVE records);
 *    csaf_version "2.0"; title; lang; publisher from the configuration
 *    (category, name, namespace, contact_details, issuing_authority when
 *    set); distribution.tlp {label, url https://www.first.org/tlp/} with
 *    the TLP 1.0 name (CLEAR -> WHITE; AMBER+STRICT -> AMBER, with
 *    "TLP:AMBER+STRICT ..." in distribution.text); aggregate_severity
 *    {text: "Low" ... "Critical"} when the advisory has a severity; notes:
 *    `summary` (r->summary) and `details` (the body cut to r->clearance,
 *    as CommonMark), each only when not empty (a `general` note with the
 *    title when both are); references: `self` = the document's own URL
 *    (site.url + its path, so that it ends in the file name of section
 *    5.1), the advisory's page (site.url + advisories/<slug>.html), then
 *    the advisory's references (summary = title, else the URL);
 *  - tracking: id = the advisory's id, version = the current revision
 *    ("3"), status final / interim (draft for a draft, which the policy
 *    never lets out), revision_history = every revision {number "1", date,
 *    summary}, initial_release_date / current_release_date = the first /
 *    last revision's date, generator {engine {name "tlpress", version},
 *    date = current_release_date}. Every date is RFC 3339 in UTC ("...Z")
 *    and comes from the advisory, never from the clock;
 *  - product_tree: branches vendor > product_name > one leaf per affected
 *    range (`product_version_range`, named "vers:generic/>=9.0|<9.4.7"
 *    when the range is a list of comparisons, else the range as written)
 *    and one per fixed version (`product_version`; a fixed "version" that
 *    reads like a range is a `product_version_range`). A product without
 *    `affected` is taken as affected below its fix ("<9.4.7"), one with
 *    neither as affected in all versions (vers "*"). Product ids
 *    CSAFPID-0001 ... in tree order; the same vendor, product and string
 *    share one id;
 *  - vulnerabilities: one per distinct CVE, or one without `cve` when there
 *    are none: cwe = the first CWE (CSAF 2.0 holds one; with several, a
 *    note of category `other` lists them all), notes {description: the
 *    summary, else the title}, product_status {known_affected: every range,
 *    fixed: every fixed version}, remediations (vendor_fix "update to X"
 *    per affected range with a fix, none_available per one without, in the
 *    advisory's language for nl, fr and en), scores [{products: the
 *    affected ones, cvss_v3: version, vectorString, baseScore, baseSeverity
 *    and the eight base metrics}] from lib/cvss.h (the model keeps one
 *    vector, the most severe: every vulnerability gets it), and a reference
 *    to the CVE record.
 *
 * The label written is the more restrictive of r->label and the label of
 * what the cut body holds (tlpress_policy_rendition_label()), so that a
 * document is never labelled below its text; tlpress_csaf_path() uses the
 * same label.
 */
#ifndef TLPRESS_CSAF_H
#define TLPRESS_CSAF_H

#include <stddef.h>

#include "buf.h"
#include "config.h"
#include "error.h"
#include "hash.h"
#include "render.h"
#include "timefmt.h"
#include "tlp.h"

/* The folder of the documents under .well-known/csaf/. */
#define TLPRESS_CSAF_ROOT ".well-known/csaf/"

/* The CSAF folder name of a label: "white", "green", "amber" (AMBER and
 * AMBER+STRICT) or "red" (also for a value out of range). Static. */
const char *tlpress_csaf_folder(enum tlpress_tlp label);

/* The file name of section 5.1 for a tracking id, appended to out: the id
 * in lower case, every run of characters other than a-z, 0-9, '+' and '-'
 * replaced by one '_', then ".json" ("CCB-2026-0042" -> "ccb-2026-0042.json"). */
void tlpress_csaf_filename(const char *id, struct tlpress_buf *out);

/* The document's path in the tree, appended to path:
 * ".well-known/csaf/white/2026/ccb-2026-0042.json", with the folder of its
 * label and the year (UTC) of its initial release. */
void tlpress_csaf_path(const struct tlpress_rendition *r, struct tlpress_buf *path);

/*
 * The CSAF 2.0 document of one rendition, appended to out: UTF-8 JSON,
 * two-space indent, keys sorted, a final newline; deterministic (the same
 * rendition always gives the same bytes). The body is rendered here from
 * r->adv, r->base and r->clearance; r->body_html and r->tmpl are not used.
 * Returns 0, or
 *  - TLPRESS_EINVAL for an advisory with errors or without revisions, or a
 *    site.url that is not a URI,
 *  - TLPRESS_EUSAGE for one parsed with TLPRESS_PARSE_FRONT_ONLY (no body),
 *  - TLPRESS_EPOLICY when the base label or the label is above r->clearance,
 *  - TLPRESS_ENOMEM / TLPRESS_ELIMIT when memory or out's limit ran out,
 * with err filled; out is then left as it was.
 */
int tlpress_csaf_render(const struct tlpress_rendition *r, struct tlpress_buf *out,
			struct tlpress_error *err);

/* { "csaf", tlpress_csaf_path, tlpress_csaf_render } */
extern const struct tlpress_renderer tlpress_render_csaf;

/* One CSAF document written into a tree, as the build knows it. */
struct tlpress_csaf_entry {
	const char *path;            /* as tlpress_csaf_path() gives it */
	const char *id;              /* tracking id, "CCB-2026-0042" */
	const char *title;
	enum tlpress_tlp label;      /* the label the document carries */
	struct tlpress_time initial, current;  /* first and current release */
	unsigned char sha256[TLPRESS_SHA256_LEN];  /* of the document's bytes */
	unsigned char sha512[TLPRESS_SHA512_LEN];
	int hashes_written;          /* its .sha256 and .sha512 are written
					already (by the build's workers) */
};

/* The text of a document's hash file, as sha256sum/sha512sum print it:
 * "<hex>  <file name>\n", for a digest of len bytes (32 or 64). */
void tlpress_csaf_hash_text(const char *path, const unsigned char *digest, size_t len,
			    struct tlpress_buf *out);

/* Called once per file: its path relative to the tree and its bytes.
 * A non-zero return stops tlpress_csaf_provider_files(), which returns it. */
typedef int (*tlpress_emit_fn)(void *ctx, const char *rel, const void *data, size_t len);

/* Names of the per-folder files, under .well-known/csaf/<folder>/. */
#define TLPRESS_CSAF_INDEX "index.txt"
#define TLPRESS_CSAF_CHANGES "changes.csv"
#define TLPRESS_CSAF_PROVIDER_METADATA ".well-known/csaf/provider-metadata.json"
#define TLPRESS_CSAF_SECURITY_TXT ".well-known/security.txt"

/*
 * The provider files of a tree whose CSAF documents are v[0..n) (any
 * order), passed to emit in this order:
 *  - for each folder: every label up to `clearance` ("white" on the public
 *    site; "white" and "green" on a GREEN portal), even when it holds no
 *    document yet, so that feed URLs never change:
 *     .well-known/csaf/<folder>/<path>.sha256 and .sha512 of each document
 *        (requirement 18: "<hex>  <file name>\n"),
 *     .well-known/csaf/<folder>/index.txt (requirement 12: "2026/x.json"
 *        per line, sorted),
 *     .well-known/csaf/<folder>/changes.csv (requirement 13: quoted file
 *        name and current_release_date, latest first),
 *     .well-known/csaf/<folder>/csaf-feed-tlp-<folder>.json, the ROLIE feed
 *        (requirement 15, RFC 8322): one entry per document, newest first,
 *        with links self, hash (.sha256, .sha512) and, when `signed_tree`,
 *        signature (.asc);
 *  - .well-known/csaf/provider-metadata.json (requirement 7): canonical_url
 *    on site.url, the feeds, publisher, last_updated = the latest current
 *    release date, role csaf_trusted_provider when `signed_tree`, else
 *    csaf_provider; listed on and mirrored by aggregators for a CLEAR tree
 *    only;
 *  - when site.security_txt is set, .well-known/security.txt (RFC 9116 and
 *    requirement 8): Contact (a bare e-mail address gets "mailto:"),
 *    Expires one year after the latest current release date, CSAF: the
 *    provider-metadata URL, Canonical.
 * Dates come from the entries alone (1970-01-01T00:00:00Z when there is
 * none), so that rebuilding gives the same bytes. Returns 0, what emit
 * returned, TLPRESS_EPOLICY for an entry labelled above the clearance,
 * TLPRESS_EINVAL for an entry whose path is not in its label's folder or
 * lacks its id, or a site.url or security_txt that cannot be written,
 * TLPRESS_ENOMEM; err is filled except for emit's own codes.
 */
int tlpress_csaf_provider_files(const struct tlpress_config *cfg, enum tlpress_tlp clearance,
				const struct tlpress_csaf_entry *v, size_t n, const char *signer_fpr,
				tlpress_emit_fn emit, void *ctx, struct tlpress_error *err);

#endif
