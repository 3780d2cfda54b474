/* test_manifest.c - the manifest's text, read and written: sorted by path
 * whatever order its lines come in, the last of a path winning, and the
 * same bytes out as in */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "manifest.h"

#include "harness.h"

#define H0 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define H1 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define H2 "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"

/* tlpress_manifest_walk(): "<x|-> <y|->" for each path, into a buffer */
static int walked(void *ctx, struct tlpress_mentry *x, struct tlpress_mentry *y)
{
	struct tlpress_buf *b = ctx;

	tlpress_buf_printf(b, "%s:%s%s ", x ? x->path : y->path, x ? "a" : "-", y ? "b" : "-");
	return x && y && !strcmp(x->path, "stop") ? 7 : 0;
}

/* tlpress_manifest_diff_file(): each path, into a buffer */
static int differs(void *ctx, const char *path)
{
	struct tlpress_buf *b = ctx;

	tlpress_buf_printf(b, "%s ", path);
	return !strcmp(path, "stop");
}

/* text written to a file in the test's folder: its path */
static const char *file_of(const char *text)
{
	static char path[4096];
	const char *dir = harness_env("TMPDIR") ? harness_env("TMPDIR") : "/tmp";
	FILE *f;

	snprintf(path, sizeof(path), "%s/test_manifest.%ld.txt", dir, (long)getpid());
	f = fopen(path, "w");
	if (!f)
		return path;
	fputs(text, f);
	fclose(f);
	return path;
}

static int parse(struct tlpress_manifest *m, const char *text, struct tlpress_error *err)
{
	return tlpress_manifest_parse(m, text, strlen(text), "m.txt", err);
}

int main(void)
{
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_manifest m = TLPRESS_MANIFEST_INIT;
	struct tlpress_buf out = TLPRESS_BUF_INIT;
	struct tlpress_mentry *e;
	static const char sorted[] =
		"# tlpress manifest 1\n"
		"# clearance: TLP:CLEAR\n"
		"# signer: 0123456789ABCDEF\n"
		H0 " 0 .well-known/security.txt\n"
		H1 " 18446744073709551615 advisories/CCB-2024-1001.html\n"
		H2 " 1234 advisories/CCB-2024-1002.html\n"
		H1 " 7 index.html\n";

	/* the same lines, unsorted, one twice, a digit in capitals */
	OK(parse(&m, "# tlpress manifest 1\n"
		 "# clearance: TLP:CLEAR\n"
		 "# signer: 0123456789ABCDEF\n"
		 H1 " 7 index.html\n"
		 H2 " 1234 advisories/CCB-2024-1002.html\n"
		 H2 " 99 advisories/CCB-2024-1001.html\n"
		 H0 " 0 .well-known/security.txt\n"
		 "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"
		 " 18446744073709551615 advisories/CCB-2024-1001.html\n", &err) == 0,
	   "an unsorted manifest is read");
	INT_EQ(m.n, 4, "a path given twice is there once");
	OK(m.sorted, "and it is sorted");
	e = tlpress_manifest_find(&m, "advisories/CCB-2024-1001.html");
	OK(e && e->size == 18446744073709551615ULL, "the last line of a path wins");
	OK(tlpress_manifest_find(&m, ".well-known/security.txt") &&
	   tlpress_manifest_find(&m, "index.html") &&
	   !tlpress_manifest_find(&m, "advisories/CCB-2024-100") &&
	   !tlpress_manifest_find(&m, "advisories/CCB-2024-1001.html5") &&
	   !tlpress_manifest_find(&m, "zzz") && !tlpress_manifest_find(&m, ""),
	   "each path is found, and no other");
	OK(tlpress_manifest_format(&m, &out) == 0, "it is written");
	STR_EQ(out.ptr, sorted, "sorted, the hex in small letters");
	tlpress_manifest_release(&m);

	/* written as read */
	OK(parse(&m, sorted, &err) == 0 && m.sorted, "a sorted manifest is read");
	tlpress_buf_reset(&out);
	OK(tlpress_manifest_format(&m, &out) == 0, "and written");
	STR_EQ(out.ptr, sorted, "the same bytes");
	tlpress_manifest_release(&m);

	/* what is not a hash */
	OK(parse(&m, "# tlpress manifest 1\n" H1 " 7 index.html\n"
		 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg"
		 " 7 a.html\n", &err) == TLPRESS_EINVAL && strstr(err.msg, "m.txt:3:"),
	   "a hash with a byte not a hex digit is refused: %s", err.msg);
	tlpress_manifest_release(&m);
	OK(parse(&m, "0123456789abcdef0123456789abcdef0123456789abcdef 0123456789abcdef"
		 " 7 a.html\n", &err) == TLPRESS_EINVAL, "so is one with a space");
	tlpress_manifest_release(&m);

	/* two versions side by side, each added out of order */
	{
		struct tlpress_manifest a = TLPRESS_MANIFEST_INIT, b = TLPRESS_MANIFEST_INIT;
		static const unsigned char h[TLPRESS_SHA256_LEN];

		tlpress_manifest_add(&a, "c", 1, h);
		tlpress_manifest_add(&a, "a", 1, h);
		tlpress_manifest_add(&a, "d", 1, h);
		tlpress_manifest_add(&b, "e", 1, h);
		tlpress_manifest_add(&b, "b", 1, h);
		tlpress_manifest_add(&b, "c", 1, h);
		tlpress_buf_reset(&out);
		INT_EQ(tlpress_manifest_walk(&a, &b, walked, &out), 0, "tlpress_manifest_walk: done");
		STR_EQ(out.ptr, "a:a- b:-b c:ab d:a- e:-b ",
		       "each path once, in order, with its entry in either or both");
		tlpress_manifest_add(&a, "stop", 1, h);
		tlpress_manifest_add(&b, "stop", 1, h);
		tlpress_buf_reset(&out);
		INT_EQ(tlpress_manifest_walk(&a, &b, walked, &out), 7,
		       "a callback's non-zero ends the walk, and is its result");
		STR_EQ(out.ptr, "a:a- b:-b c:ab d:a- e:-b stop:ab ", "there");
		tlpress_buf_reset(&out);
		INT_EQ(tlpress_manifest_walk(&m, &m, walked, &out), 0, "two empty ones: nothing");
		STR_EQ(out.ptr, "", "called never");
		tlpress_manifest_release(&a);
		tlpress_manifest_release(&b);
	}
	{
		/* a stage's manifest against the live one, read in place */
		struct tlpress_manifest live = TLPRESS_MANIFEST_INIT;
		char cl[24];
		const char *f;

		parse(&live, "# clearance: TLP:GREEN\n"
			     H0 " 5 advisories/a.html\n"
			     H0 " 5 advisories/b.html\n"
			     H1 " 5 advisories/c.html\n"
			     H0 " 5 cvrf/a.xml\n"
			     H0 " 7 index.html\n", &err);
		f = file_of("# tlpress manifest 1\n# clearance: TLP:GREEN\n"
			    H0 " 5 advisories/a.html\n"
			    H0 " 5 advisories/b.html\n"
			    H0 " 5 advisories/c.html\n"
			    H0 " 5 advisories/d.html\n"
			    H0 " 5 cvrf/a.xml\n"
			    H0 " 8 index.html\n");
		tlpress_buf_reset(&out);
		INT_EQ(tlpress_manifest_diff_file(f, &live, cl, differs, &out), 0,
		       "tlpress_manifest_diff_file: read");
		STR_EQ(out.ptr, "advisories/c.html advisories/d.html index.html ",
		       "the paths whose SHA-256 or size differ, or which one lacks, in order");
		STR_EQ(cl, "TLP:GREEN", "and the file's clearance");
		f = file_of(H0 " 5 advisories/a.html\n" H0 " 5 zz\n");
		tlpress_buf_reset(&out);
		INT_EQ(tlpress_manifest_diff_file(f, &live, cl, differs, &out), 0, "another");
		STR_EQ(out.ptr, "advisories/b.html advisories/c.html cvrf/a.xml index.html zz ",
		       "what the live one alone has, and what the file alone has");
		STR_EQ(cl, "", "no clearance line: none");
		f = file_of(H0 " 5 b\n" H0 " 5 a\n");
		INT_EQ(tlpress_manifest_diff_file(f, &live, cl, differs, &out), -1,
		       "paths out of order: not a manifest tlpress wrote");
		f = file_of(H0 " 5 a\n" H0 " 5 a\n");
		INT_EQ(tlpress_manifest_diff_file(f, &live, cl, differs, &out), -1, "nor one twice");
		f = file_of(H0 " five a\n");
		INT_EQ(tlpress_manifest_diff_file(f, &live, cl, differs, &out), -1, "a malformed line");
		f = file_of(H0 " 5 ../etc/passwd\n");
		INT_EQ(tlpress_manifest_diff_file(f, &live, cl, differs, &out), -1,
		       "a path that is not a clean relative one");
		f = file_of(H0 " 5 stop\n");
		INT_EQ(tlpress_manifest_diff_file(f, &live, cl, differs, &out), -1,
		       "a callback's non-zero");
		remove(f);
		INT_EQ(tlpress_manifest_diff_file(f, &live, cl, differs, &out), -1, "a missing file");
		tlpress_manifest_release(&live);
	}
	{
		/* two texts compared in place (a rebuild of a few syncs its
		 * stage so), comments and their order aside */
		static const char a[] = "# tlpress manifest 1\n# clearance: TLP:CLEAR\n"
			H0 " 5 a.html\n" H1 " 6 b.html\n" H0 " 7 c.html\n" H2 " 8 e.html\n";
		static const char b[] = "# tlpress manifest 1\n"
			H0 " 5 a.html\n" H1 " 9 b.html\n" H0 " 7 d.html\n" H2 " 8 e.html\n"
			H2 " 1 f.html";
		struct tlpress_manifest r = TLPRESS_MANIFEST_INIT;

		tlpress_buf_reset(&out);
		INT_EQ(tlpress_manifest_diff_text(a, strlen(a), b, strlen(b), differs, &out), 0,
		       "tlpress_manifest_diff_text");
		STR_EQ(out.ptr, "b.html c.html d.html f.html ",
		       "names a line changed, one in either alone, one without a newline");
		tlpress_buf_reset(&out);
		INT_EQ(tlpress_manifest_diff_text(a, strlen(a), a, strlen(a), differs, &out), 0,
		       "the same text");
		STR_EQ(out.ptr, "", "differs nowhere");
		INT_EQ(tlpress_manifest_diff_text(a, strlen(a), "x\n", 2, differs, &out), -1,
		       "a line that is not one is an error");
		INT_EQ(tlpress_manifest_diff_text("stop\n", 5, H0 " 1 stop\n", 68, differs, &out),
		       -1, "so is a callback's non-zero");
		{
			static const char unsorted[] = H0 " 5 b.html\n" H0 " 5 a.html\n";
			static const char twice[] = H0 " 5 a.html\n" H1 " 5 a.html\n";

			INT_EQ(tlpress_manifest_diff_text(a, strlen(a), unsorted, strlen(unsorted),
							  differs, &out), -1,
			       "paths out of order are not a manifest tlpress wrote");
			INT_EQ(tlpress_manifest_diff_text(twice, strlen(twice), a, strlen(a), differs,
							  &out), -1, "nor is a path twice");
		}
		{
			char cl[24], sg[48];

			tlpress_manifest_heading(a, strlen(a), cl, sg);
			OK(!strcmp(cl, "TLP:CLEAR") && !strcmp(sg, ""),
			   "tlpress_manifest_heading: the clearance, no signer");
		}

		/* lines changed in place, the rest copied */
		tlpress_manifest_add(&r, "c.html", 70, (const unsigned char *)"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x20");
		tlpress_manifest_add(&r, "a.html", 5, (const unsigned char *)"\0\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff\0\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff");
		INT_EQ(tlpress_manifest_patch(a, strlen(a), &r, NULL), -1,
		       "tlpress_manifest_patch: a line that is not the entry's fails the check");
		tlpress_buf_reset(&out);
		INT_EQ(tlpress_manifest_patch(a, strlen(a), &r, &out), 0, "patched");
		STR_EQ(out.ptr, "# tlpress manifest 1\n# clearance: TLP:CLEAR\n"
		       H0 " 5 a.html\n" H1 " 6 b.html\n"
		       "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20 70 c.html\n"
		       H2 " 8 e.html\n", "the entries' lines changed, every other one as it was");
		INT_EQ(tlpress_manifest_patch(out.ptr, out.len, &r, NULL), 0,
		       "and the check passes on the result");
		tlpress_manifest_add(&r, "d.html", 1, (const unsigned char *)H0);
		INT_EQ(tlpress_manifest_patch(a, strlen(a), &r, NULL), -1,
		       "a path the text does not have fails the check");
		tlpress_buf_reset(&out);
		INT_EQ(tlpress_manifest_patch(a, strlen(a), &r, &out), -1, "and the patch");
		tlpress_manifest_release(&r);
	}
	tlpress_buf_release(&out);
	return harness_done();
}
