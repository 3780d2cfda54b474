/*
 * fuzz_advisory.c - the front matter and advisory parser: the input is
 * one advisory file, parsed in full and front matter only, then read back
 * through the model's accessors.
 */
#include "fuzz.h"

#include "advisory.h"
#include "rendition.h"

static void one(const uint8_t *data, size_t size, unsigned flags)
{
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_advisory *a;
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	char slug[64];

	a = tlpress_advisory_parse_ex("fuzz/CCB-2026-0001.md", (const char *)data, size,
				      flags, &d);
	if (a) {
		(void)tlpress_advisory_doc_label(a);
		(void)tlpress_advisory_current(a);
		tlpress_advisory_slug(a, slug, sizeof(slug));
		if (!(flags & TLPRESS_PARSE_FRONT_ONLY))
			tlpress_summary_render(a, &b);
		tlpress_buf_release(&b);
		tlpress_advisory_free(a);
	}
	tlpress_diags_sort(&d);
	fuzz_diags_done(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, 0);
	one(data, size, TLPRESS_PARSE_FRONT_ONLY);
	return 0;
}
