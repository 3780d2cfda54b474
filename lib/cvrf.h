/*
 * cvrf.h - the CVRF 1.2 rendition of an advisory (cvrf/<id in lower case>.xml)
 *
 * One OASIS CSAF CVRF 1.2 (CS01) document per rendition, written by
 * lib/xmlout.h as libxml2's xmlTextWriter would write it: every string is
 * escaped there, and the characters XML 1.0 cannot hold (and the bidi
 * overrides) are dropped first
 * (tlpress_text_clean()). The document is valid against the official schema
 * (../shared/schemas/cvrf-1.2/cvrf.xsd; tests/cli/0041-cvrf-validate.t).
 *
 * What the model becomes:
 *  - DocumentTitle (xml:lang = the advisory's lang), DocumentType "Security
 *    Advisory", DocumentPublisher Type from publisher.category (coordinator
 *    -> Coordinator, vendor -> Vendor, discoverer -> Discoverer, user ->
 *    User, translator and other -> Other), ContactDetails, IssuingAuthority
 *    (publisher.issuing_authority, else publisher.name);
 *  - DocumentTracking: ID, Status (Final, Interim; Draft for a draft, which
 *    the policy never lets out), Version = the current revision ("3"), one
 *    Revision per revision, InitialReleaseDate / CurrentReleaseDate = the
 *    first / current revision's date, Generator (Engine "tlpress VERSION",
 *    Date = the current revision's date). RFC 3339 with the zone (in UTC
 *    for an offset beyond the +-14:00 xs:dateTime takes); no clock;
 *  - DocumentNotes: "Summary" (the rendition's summary) and "Details" (the
 *    body cut to r->clearance, as CommonMark), each only when not empty,
 *    with xml:lang and Audience (the audience keys);
 *  - DocumentDistribution: the TLP 1.0 name first ("TLP:WHITE" for CLEAR,
 *    "TLP:AMBER" for AMBER+STRICT), then the TLP 2.0 label and its rule;
 *  - AggregateSeverity: the advisory's severity, "Low" ... "Critical", in
 *    FIRST's qualitative scale (namespace attribute);
 *  - DocumentReferences: Self = the advisory's page on site.url (when that
 *    is absolute), then the advisory's references (URLs percent-encoded
 *    where RFC 3986 needs it; one that still is not a URI is left out); no
 *    DocumentReferences when none is left;
 *  - ProductTree: Branch Vendor > Product Name > Product Version, one
 *    FullProductName per affected range and one per fixed version,
 *    ProductIDs CVRFPID-0001 ... in document order (the same vendor,
 *    product and version string share one id). A product with neither range
 *    nor fix is a FullProductName directly under ProductTree;
 *  - one Vulnerability per CVE (Ordinal 1..n): CVE, every CWE (ids the
 *    schema's pattern CWE-[1-9]\d{0,5} refuses are left out),
 *    ProductStatuses (Known Affected, Fixed), CVSSScoreSets/ScoreSetV3
 *    (BaseScoreV3 from tlpress_cvss_score_str(), VectorV3, the affected
 *    ProductIDs), Remediations (Vendor Fix per fixed version, None
 *    Available for an affected range without one) and a reference to the
 *    CVE record. An advisory without CVEs but with products or a CVSS vector
 *    gets one Vulnerability without CVE, so that the score is not lost; one
 *    with neither gets none (and no ProductTree without products).
 *
 * Every text comes from analysts or the configuration: invalid UTF-8 bytes
 * become U+FFFD, tlpress_text_clean() drops what XML 1.0 cannot hold and
 * the bidi controls, and lib/xmlout.c escapes the rest; a required text left
 * empty gets a fallback (the id for the title, "Revision N." ...).
 *
 * The body is rendered here from r->adv, r->base and r->clearance
 * (tlpress_body_render(), TLPRESS_BODY_MARKDOWN); r->body_html is not used.
 * The label written is the more restrictive of r->label and the label of
 * what the cut body holds, so a rendition is never labelled below its text.
 */
#ifndef TLPRESS_CVRF_H
#define TLPRESS_CVRF_H

#include "buf.h"
#include "error.h"
#include "render.h"

/*
 * The largest document made. Every Vulnerability repeats the status of
 * every product (CVRF has no other way), so the size grows with CVEs times
 * products: 1,800 of each would make 1.2 GB. A document that would pass
 * this size, or the limit of the output buffer, is refused (TLPRESS_ELIMIT)
 * as soon as it does, so memory stays bounded too.
 */
#define TLPRESS_CVRF_MAX_SIZE ((size_t)64 * 1024 * 1024)

/* "cvrf/ccb-2026-0042.xml", appended to path. */
void tlpress_cvrf_path(const struct tlpress_rendition *r, struct tlpress_buf *path);

/*
 * The CVRF 1.2 document of one rendition (r->label is its TLP), appended to
 * out: deterministic (no clock: every date from the advisory), UTF-8, with
 * the XML declaration. Returns 0, or
 *  - TLPRESS_EINVAL for an advisory with errors or without revisions,
 *  - TLPRESS_EUSAGE for one parsed with TLPRESS_PARSE_FRONT_ONLY (no body),
 *  - TLPRESS_EPOLICY when the base label or r->label is above r->clearance,
 *  - TLPRESS_ELIMIT when the document passes TLPRESS_CVRF_MAX_SIZE or what
 *    out's limit leaves,
 *  - TLPRESS_ENOMEM when memory ran out,
 *  - TLPRESS_EIO when libxml2 cannot be loaded (below),
 * with err filled; out is then left as it was.
 *
 * The URLs are checked with libxml2's xmlParseURI(), as xmllint's schema
 * validation checks xs:anyURI; libxml2 is loaded (dlopen) by the first
 * document, not when tlpress starts.
 */
int tlpress_cvrf_render(const struct tlpress_rendition *r, struct tlpress_buf *out,
			struct tlpress_error *err);

/* Start loading libxml2 on a thread of its own, once per process, for a
 * caller that knows a document will be written soon (a build that found
 * an advisory to render): the first tlpress_cvrf_render() then waits for
 * what is left of it, if anything. */
void tlpress_cvrf_preload(void);

/* { "cvrf", tlpress_cvrf_path, tlpress_cvrf_render } */
extern const struct tlpress_renderer tlpress_render_cvrf;

#endif
