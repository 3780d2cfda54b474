/*
 * fuzz_rendition.c - the Markdown body through the portion cut: every
 * rendition (HTML, Markdown, text) for every clearance, and the digest of
 * what each cuts.
 *
 * The input is the body. Its first byte, when there is one, picks the
 * advisory's label and whether a downgrade is set; a fixed valid front
 * matter goes before the rest, so that every input reaches the body.
 */
#include "fuzz.h"

#include "advisory.h"
#include "policy.h"
#include "rendition.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const label[] = { "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED" };
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_buf src = TLPRESS_BUF_INIT, out = TLPRESS_BUF_INIT;
	struct tlpress_advisory *a;
	struct tlpress_cut cut;
	unsigned char sha[32];
	/* after the downgrade below: the base label is its `to` */
	const struct tlpress_time later = { 1798761600, 0, 1 }; /* 2027-01-01 */
	unsigned sel = size ? data[0] : 0;
	enum tlpress_tlp bases[2];
	int nbases, i, clearance, fmt;

	tlpress_buf_printf(&src,
		"---\nid: CCB-2026-0001\ntitle: Fuzz\ntlp: %s\n"
		"recipients: [ccb-partners]\n%s"
		"revisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, summary: x}]\n---\n",
		label[sel % 5],
		sel & 0x80 ? "tlp_downgrade: {to: CLEAR, at: 2026-12-01T00:00:00Z, "
			     "approved_by: fuzz}\n" : "");
	if (size > 1)
		tlpress_buf_add(&src, data + 1, size - 1);
	if (src.failed) {
		tlpress_buf_release(&src);
		return 0;
	}
	a = tlpress_advisory_parse("CCB-2026-0001.md", src.ptr, src.len, &d);
	tlpress_buf_release(&src);
	if (a && a->doc) {
		bases[0] = a->tlp;
		bases[1] = tlpress_policy_base_label(a, &later);
		nbases = bases[1] == bases[0] ? 1 : 2;
		for (i = 0; i < nbases; i++)
			for (clearance = 0; clearance < TLPRESS_TLP_COUNT; clearance++) {
				for (fmt = TLPRESS_BODY_HTML; fmt <= TLPRESS_BODY_TEXT; fmt++) {
					tlpress_body_render(a, bases[i], clearance, fmt, &out,
							    &cut);
					tlpress_buf_reset(&out);
				}
				tlpress_cut_digest(a, bases[i], clearance, sha);
			}
		tlpress_summary_render(a, &out);
	}
	tlpress_buf_release(&out);
	tlpress_advisory_free(a);
	fuzz_diags_done(&d);
	return 0;
}
