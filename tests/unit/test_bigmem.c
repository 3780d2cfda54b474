/* test_bigmem.c - large allocations on their own mappings: zeroed, grown
 * with their bytes kept, a pool of strings across many blocks, and a
 * tlpress_buf that outgrows malloc() */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "buf.h"

#include "harness.h"

int main(void)
{
	struct tlpress_strpool pool = TLPRESS_STRPOOL_INIT;
	size_t len = 0, i, bad = 0;
	unsigned char *p, *q;
	char **s, buf[64], *big;

	p = tlpress_big_grow(NULL, &len, 3 << 20);
	OK(p && len >= (size_t)3 << 20, "a 3 MiB array that grows");
	for (i = 0; p && i < (size_t)3 << 20; i++)
		bad += p[i] != 0;
	INT_EQ(bad, 0, "zeroed");
	memset(p, 0xAB, (size_t)3 << 20);
	q = tlpress_big_grow(p, &len, (size_t)9 << 20);
	OK(q && len >= (size_t)9 << 20, "grown to 9 MiB");
	for (i = bad = 0; q && i < (size_t)9 << 20; i++)
		bad += q[i] != (i < (size_t)3 << 20 ? 0xAB : 0);
	INT_EQ(bad, 0, "its bytes kept, the new ones zero");
	OK(tlpress_big_grow(q, &len, 100) == q, "a grow to less is the same array");
	tlpress_big_free(q, len);
	p = tlpress_big_alloc(5 << 20, &len);
	OK(p && len >= (size_t)5 << 20 && p[(5 << 20) - 1] == 0, "a 5 MiB one that does not");
	memset(p, 1, (size_t)5 << 20);
	tlpress_big_free(p, len);
	/* huge pages for each whole 2 MiB, and for a tail of 1 MiB or more */
	p = tlpress_big_alloc((size_t)7 << 19, &len); /* 3.5 MiB */
	if (p && harness_huge_advised(p) >= 0) {
		OK(harness_huge_advised(p) == 1 && harness_huge_advised(p + ((size_t)3 << 20)) == 1,
		   "3.5 MiB: huge pages for the first 2 MiB and the 1.5 MiB tail");
		tlpress_big_free(p, len);
		p = tlpress_big_alloc(((size_t)2 << 20) + 4096, &len);
		OK(p && harness_huge_advised(p) == 1 &&
		   harness_huge_advised(p + ((size_t)2 << 20)) == 0,
		   "2 MiB and 4 KiB: not for the tail, which would cost a huge page whole");
		tlpress_big_free(p, len);
		p = tlpress_big_alloc((size_t)1 << 20, &len);
		OK(p && harness_huge_advised(p) == 1, "1 MiB: one huge page");
	} else {
		OK(1, "# SKIP no huge pages here");
		OK(1, "# SKIP no huge pages here");
		OK(1, "# SKIP no huge pages here");
	}
	tlpress_big_free(p, len);
	p = tlpress_big_alloc(0, &len);
	OK(p != NULL, "an empty one");
	tlpress_big_free(p, len);

	/* an array that starts small stays in 4 KiB pages, not a huge page
	 * zeroed whole, until it outgrows 64 KiB: then it moves whole */
	p = tlpress_big_grow(NULL, &len, 14 << 10);
	OK(p && len == (size_t)64 << 10 && (harness_huge_advised(p) <= 0),
	   "a 14 KiB array that grows: 64 KiB of small pages");
	for (i = 0; p && i < (size_t)64 << 10; i++)
		p[i] = (unsigned char)(i % 251);
	OK(tlpress_big_grow(p, &len, 60 << 10) == p, "grown within them, in place");
	q = tlpress_big_grow(p, &len, (size_t)1 << 20);
	for (i = 0, bad = 0; q && i < (size_t)1 << 20; i++)
		bad += q[i] != (i < (size_t)64 << 10 ? (unsigned char)(i % 251) : 0);
	OK(q && len >= (size_t)1 << 20, "then to 1 MiB");
	INT_EQ(bad, 0, "its bytes kept, the new ones zero");
	if (q && harness_huge_advised(q) >= 0)
		OK(harness_huge_advised(q) == 1, "on huge pages");
	else
		OK(1, "# SKIP no huge pages here");
	tlpress_big_free(q, len);

	/* 200,000 strings: some tens of blocks */
	s = malloc(200000 * sizeof(*s));
	if (!s)
		return 1;
	for (i = 0; i < 200000; i++) {
		int n = snprintf(buf, sizeof(buf), "advisories/ccb-%06zu.html", i);

		s[i] = tlpress_strpool_dup(&pool, buf, (size_t)n);
	}
	for (i = bad = 0; i < 200000; i++) {
		snprintf(buf, sizeof(buf), "advisories/ccb-%06zu.html", i);
		bad += !s[i] || strcmp(s[i], buf);
	}
	INT_EQ(bad, 0, "200,000 strings in the pool, each as it was");
	big = malloc((size_t)5 << 20);
	if (!big)
		return 1;
	memset(big, 'x', (size_t)5 << 20);
	s[0] = tlpress_strpool_dup(&pool, big, (size_t)5 << 20);
	OK(s[0] && s[0][((size_t)5 << 20) - 1] == 'x' && s[0][(size_t)5 << 20] == '\0',
	   "a string larger than a block");
	s[1] = tlpress_strpool_dup(&pool, "a\0b", 3);
	OK(s[1] && !memcmp(s[1], "a\0b", 4), "a string with a NUL in it, and one after");
	STR_EQ(s[199999], "advisories/ccb-199999.html", "the first strings stay");
	tlpress_strpool_release(&pool);
	OK(pool.blocks == NULL, "released");
	tlpress_strpool_release(&pool);
	free(big);
	free(s);

	/* a buffer past 1 MiB moves to a mapping and grows there; detached,
	 * it is malloc()'s again */
	{
		struct tlpress_buf b = TLPRESS_BUF_INIT;
		char *d;
		size_t n = 0;

		for (i = 0; i < 300000; i++)
			tlpress_buf_printf(&b, "line %06zu\n", i);
		OK(!b.failed && b.len == 300000 * 12 && b.maplen > 0, "a 3.6 MB buffer, on a mapping");
		for (i = bad = 0; i < 300000; i++) {
			snprintf(buf, sizeof(buf), "line %06zu\n", i);
			bad += memcmp(b.ptr + 12 * i, buf, 12) != 0;
		}
		INT_EQ(bad, 0, "every line where it was written");
		d = tlpress_buf_detach(&b, &n);
		OK(d && n == 300000 * 12 && !memcmp(d + n - 12, "line 299999\n", 12) && !d[n] &&
		   b.len == 0 && b.maplen == 0, "detached: a malloc()'d copy, the buffer empty");
		free(d);
		tlpress_buf_printf(&b, "%s", "small");
		tlpress_buf_release(&b);
	}
	printf("1..%d\n", harness_n);
	return harness_failed != 0;
}
