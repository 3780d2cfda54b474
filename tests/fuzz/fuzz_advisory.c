/*
 * fuzz_advisory.c - the front matter and advisory parser: the input is
 * one advisory file, parsed in full and front matter only, then read back
 * through the model's accessors; and parsed as a build does (the front
 * matter, then the body: tlpress_advisory_finish()), which must give what
 * the whole parse gives, diagnostics in the same order, or the fuzzer stops.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

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

static int same_text(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

static void two_steps(const uint8_t *data, size_t size)
{
	struct tlpress_diags d1 = TLPRESS_DIAGS_INIT, d2 = TLPRESS_DIAGS_INIT;
	struct tlpress_advisory *a, *b;
	size_t k;

	a = tlpress_advisory_parse_ex("fuzz/CCB-2026-0001.md", (const char *)data, size, 0, &d1);
	b = tlpress_advisory_parse_ex("fuzz/CCB-2026-0001.md", (const char *)data, size,
				      TLPRESS_PARSE_FRONT_ONLY | TLPRESS_PARSE_RESUMABLE, &d2);
	if (b && b->front && tlpress_advisory_finish(b, &d2))
		abort();
	if (!a != !b || (b && b->front) || d1.n != d2.n || (a && a->nerrors != b->nerrors))
		abort();
	for (k = 0; k < d1.n; k++)
		if (d1.v[k].line != d2.v[k].line || d1.v[k].col != d2.v[k].col ||
		    d1.v[k].severity != d2.v[k].severity || !same_text(d1.v[k].msg, d2.v[k].msg) ||
		    !same_text(d1.v[k].key, d2.v[k].key))
			abort();
	tlpress_advisory_free(a);
	tlpress_advisory_free(b);
	tlpress_diags_release(&d1);
	tlpress_diags_release(&d2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, 0);
	one(data, size, TLPRESS_PARSE_FRONT_ONLY);
	two_steps(data, size);
	return 0;
}
