/* test_arena.c - one advisory's allocations from its thread's region, and
 * malloc() everywhere else */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "advisory.h"
#include "arena.h"
#include "buf.h"
#include "rendition.h"

#include "harness.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

/* Is the page holding p in memory (1), mapped but not (0), or not mapped
 * at all (-1)? */
static int resident(const void *p)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char v = 0;
	void *at = (void *)((uintptr_t)p & ~(uintptr_t)(page - 1));

	if (mincore(at, (size_t)page, &v))
		return errno == ENOMEM ? -1 : -2;
	return v & 1;
}

static void *thread_pieces(void *arg)
{
	void **out = arg;

	tlpress_arena_begin();
	out[0] = tlpress_arena_malloc(100);
	if (out[0])
		memset(out[0], 7, 100);
	tlpress_arena_end();
	return NULL;
}

static const char advisory[] =
	"---\n"
	"id: CCB-2026-0001\n"
	"title: An advisory parsed in the region\n"
	"tlp: CLEAR\n"
	"lang: en\n"
	"revisions:\n"
	"  - version: 1\n"
	"    date: 2026-11-28T10:00:00+01:00\n"
	"    summary: First version\n"
	"---\n"
	"Patch **now**.\n"
	"\n"
	"| product | fixed in |\n"
	"|---|---|\n"
	"| Gate | 7.2.1 |\n"
	"\n"
	"- one\n"
	"- two <https://example.org/x>\n";

/* The body's HTML as the build renders it, parsed inside a region or not. */
static int body_html(int in_region, struct tlpress_buf *out)
{
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_advisory *a;
	int rc = -1;

	if (in_region)
		tlpress_arena_begin();
	a = tlpress_advisory_parse_ex("CCB-2026-0001.md", advisory, sizeof(advisory) - 1, 0, &d);
	for (size_t k = 0; k < d.n; k++)
		DIAG("%u: %s", d.v[k].line, d.v[k].msg);
	if (a && !a->nerrors)
		rc = tlpress_body_render(a, TLPRESS_TLP_CLEAR, TLPRESS_TLP_CLEAR,
					 TLPRESS_BODY_HTML, out, NULL);
	if (in_region && tlpress_arena_used() == 0)
		rc = -2;  /* nothing came from the region */
	tlpress_advisory_free(a);
	if (in_region)
		tlpress_arena_end();
	tlpress_diags_release(&d);
	return rc;
}

int main(void)
{
	char *p, *q, *r, *s, *lib;
	void *other[1] = { NULL };
	pthread_t t;
	size_t used, i, bad;
	struct tlpress_buf h1 = TLPRESS_BUF_INIT, h2 = TLPRESS_BUF_INIT;

	/* outside a pair: malloc() */
	INT_EQ(tlpress_arena_used(), 0, "nothing is cut before a begin");
	lib = tlpress_arena_malloc(32);
	OK(lib != NULL, "malloc() outside a pair");
	INT_EQ(tlpress_arena_used(), 0, "and not from the region");

	OK(tlpress_arena_begin() == 1, "begin takes the thread's region");
	p = tlpress_arena_malloc(10);
	used = tlpress_arena_used();
	OK(p && used >= 10, "a piece comes from the region (%zu bytes used)", used);
	OK(((uintptr_t)p & 15) == 0, "aligned to 16 bytes");
	/* its first piece is where the region begins */
	OK(((uintptr_t)p & (((uintptr_t)2 << 20) - 1)) <= 64, "the region is 2 MiB-aligned");
	if (harness_huge_advised(p) >= 0)
		OK(harness_huge_advised(p) == 1, "and advised for huge pages");
	else
		OK(1, "# SKIP no huge pages here");
	strcpy(p, "123456789");
	q = tlpress_arena_realloc(p, 4000);
	OK(q == p, "the last piece grows where it is");
	STR_EQ(q, "123456789", "and keeps its bytes");
	r = tlpress_arena_malloc(24);
	memset(r, 'r', 24);
	s = tlpress_arena_realloc(q, 9000);
	OK(s && s != q, "a piece that is not the last moves to grow");
	STR_EQ(s, "123456789", "and its bytes go with it");
	OK(tlpress_arena_realloc(s, 100) == s, "a shrink keeps its place");
	tlpress_arena_free(r);
	OK(r[0] == 'r' && r[23] == 'r', "a free in the region does nothing: its bytes stay");
	p = tlpress_arena_strdup("advisory");
	STR_EQ(p, "advisory", "strdup");
	p = tlpress_arena_strndup("CCB-2026-0001 and more", 13);
	STR_EQ(p, "CCB-2026-0001", "strndup");
	/* a piece of malloc()'s, given to the arena's functions in a pair */
	lib = tlpress_arena_realloc(lib, 64);
	OK(lib != NULL, "a malloc()'d piece is realloc()'d by libc in a pair");
	tlpress_arena_free(lib);  /* LeakSanitizer would see it otherwise */
	lib = tlpress_arena_malloc(TLPRESS_ARENA_RESERVE + 1);
	OK(lib != NULL, "a piece larger than the region comes from malloc()");
	tlpress_arena_free(lib);
	p = tlpress_arena_malloc(1 << 20);
	OK(p != NULL, "a MiB");
	for (i = 0; i < 70 && p; i++) {   /* up to the 64 MiB reserve */
		used = tlpress_arena_used();
		p = tlpress_arena_malloc(1 << 20);
		if (tlpress_arena_used() == used)
			break;
	}
	OK(p != NULL && i < 70, "a region that is full gives malloc()'s memory");
	OK(tlpress_arena_used() <= TLPRESS_ARENA_RESERVE, "and cuts no more than its reserve");
	tlpress_arena_free(p);
	tlpress_arena_end();
	INT_EQ(tlpress_arena_used(), 0, "end: nothing is cut after it");
	lib = tlpress_arena_malloc(8);
	OK(lib != NULL, "malloc() again after the end");
	free(lib);

	/* pages over the keep go back at the end; those below stay */
	tlpress_arena_begin();
	p = tlpress_arena_malloc(4096);
	q = tlpress_arena_malloc(TLPRESS_ARENA_KEEP + ((size_t)4 << 20));
	memset(q, 1, TLPRESS_ARENA_KEEP + ((size_t)4 << 20));
	r = q + TLPRESS_ARENA_KEEP + ((size_t)2 << 20);
	OK(resident(r) == 1, "a page written in the region is in memory");
	tlpress_arena_end();
	OK(resident(r) == 1, "the region is not trimmed below what was used");
	tlpress_arena_begin();
	tlpress_arena_malloc(16);
	tlpress_arena_end();
	OK(resident(r) == 0, "after a small parse, the pages a large one used go back");
	OK(resident(p) == 1, "those under the keep stay");

	/* calloc() zeroes memory a previous parse left dirty */
	tlpress_arena_begin();
	p = tlpress_arena_malloc(256);
	memset(p, 0xEE, 256);
	tlpress_arena_end();
	tlpress_arena_begin();
	q = tlpress_arena_calloc(16, 16);
	for (i = bad = 0; q && i < 256; i++)
		bad += q[i] != 0;
	OK(q == p, "the next begin cuts from the start again");
	INT_EQ(bad, 0, "calloc() zeroes it");
	OK(tlpress_arena_calloc(SIZE_MAX / 2, 4) == NULL, "calloc() refuses an overflow");
#if defined(__SANITIZE_ADDRESS__)
	OK(__asan_address_is_poisoned(q + 300), "AddressSanitizer: beyond the pieces is poisoned");
	tlpress_arena_end();
	tlpress_arena_begin();
	OK(__asan_address_is_poisoned(q), "and what the last parse cut, after the next begin");
#endif
	tlpress_arena_end();

	/* each thread its own region, given back when it exits */
	pthread_create(&t, NULL, thread_pieces, other);
	pthread_join(t, NULL);
	OK(other[0] != NULL && !(other[0] >= (void *)q && (char *)other[0] < q + TLPRESS_ARENA_RESERVE),
	   "another thread cuts from its own region");
	INT_EQ(resident(other[0]), -1, "which is unmapped when the thread exits");

	/* cmark-gfm and the YAML tree: an advisory parsed in the region renders
	 * as one parsed outside it */
	INT_EQ(body_html(1, &h1), 0, "an advisory parsed and rendered in the region");
	INT_EQ(body_html(0, &h2), 0, "and outside it");
	OK(h1.len > 0 && h1.len == h2.len && !memcmp(h1.ptr, h2.ptr, h1.len),
	   "the same HTML");
	OK(strstr(h1.ptr, "<table>") && strstr(h1.ptr, "<strong>now</strong>"),
	   "with the table and the inline markup");
	tlpress_buf_release(&h1);
	tlpress_buf_release(&h2);

	printf("1..%d\n", harness_n);
	return harness_failed != 0;
}
