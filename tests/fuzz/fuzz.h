/*
 * fuzz.h - what the libFuzzer targets in tests/fuzz/ share
 *
 * Each fuzz_<name>.c defines LLVMFuzzerTestOneInput() over the library's
 * public API. Built with clang -fsanitize=fuzzer,address,undefined by
 * `make fuzz`, and with gcc and replay.c (a main() that feeds files to it)
 * for `make check`. See docs/fuzzing.md.
 */
#ifndef TLPRESS_FUZZ_H
#define TLPRESS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Format every diagnostic, as `tlpress check` prints them, and release. */
static inline void fuzz_diags_done(struct tlpress_diags *d)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	size_t i;

	for (i = 0; i < d->n; i++)
		tlpress_diag_format(&d->v[i], &b);
	tlpress_buf_release(&b);
	tlpress_diags_release(d);
}

/* A NUL-terminated copy of data[0..size), or NULL. */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		if (size)
			memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

#endif
