/* test_strutil.c - tlpress_printable_run() (eight bytes at a time) finds
 * what a byte-at-a-time scan finds, on random buffers with every byte value
 * at every offset, and tlpress_text_clean() around it; tlpress_sort() sorts
 * what is out of order and leaves alone what is not; tlpress_sort_runs()
 * sorts stably, with n log2(runs) comparisons for a few sorted runs. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "harness.h"
#include "strutil.h"

#define rnd harness_rnd

static int compared;

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	compared++;
	return (x > y) - (x < y);
}

/* an element with a key and its place before the sort, and a pad that
 * makes it as large as a manifest's entry */
struct rec {
	int key, seq;
	char pad[48];
};

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	compared++;
	return (x->key > y->key) - (x->key < y->key);
}

/* sorted by key, equal keys in their first order, every element there
 * once with its pad */
static int stable_sorted(const struct rec *v, size_t n)
{
	size_t i;
	char *seen = calloc(n ? n : 1, 1);
	int ok = seen != NULL;

	for (i = 0; ok && i < n; i++) {
		if (i && (v[i - 1].key > v[i].key ||
			  (v[i - 1].key == v[i].key && v[i - 1].seq > v[i].seq)))
			ok = 0;
		if (v[i].seq < 0 || (size_t)v[i].seq >= n || seen[v[i].seq]++ ||
		    v[i].pad[0] != (char)v[i].seq || v[i].pad[47] != (char)v[i].key)
			ok = 0;
	}
	free(seen);
	return ok;
}

static void runs_case(struct rec *v, size_t n, int shape)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (shape) {
		case 0: v[i].key = (int)rnd(50); break;                 /* random, many equal */
		case 1: v[i].key = (int)(i % (n / 5 + 1)); break;      /* five sorted runs */
		case 2: v[i].key = (int)(n - i); break;                /* reversed */
		default: v[i].key = (int)(i / 3); break;               /* sorted, with equals */
		}
		v[i].seq = (int)i;
		memset(v[i].pad, 0, sizeof(v[i].pad));
		v[i].pad[0] = (char)v[i].seq;
		v[i].pad[47] = (char)v[i].key;
	}
}

static size_t naive(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7F)
		i++;
	return i;
}

/* tlpress_prefixed_num() against snprintf("%s%0*d") */
static void prefixed_nums(void)
{
	static const int v[] = { 0, 1, 7, 42, 999, 1000, 9999, 10000, 123456, 999999999,
				 1000000000, 2147483647, -1, -2147483647 - 1 };
	static const unsigned digits[] = { 1, 4, 10, 11 };
	char got[40], want[40];
	size_t i, j;
	int bad = 0;
	volatile size_t small = 12;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (j = 0; j < sizeof(digits) / sizeof(digits[0]); j++) {
			tlpress_prefixed_num(got, sizeof(got), "CSAFPID-", v[i], digits[j]);
			snprintf(want, sizeof(want), "%s%0*d", "CSAFPID-", (int)digits[j], v[i]);
			if (strcmp(got, want)) {
				bad++;
				printf("#   %d, %u digits: got '%s', want '%s'\n", v[i], digits[j],
				       got, want);
			}
		}
	/* too short: cut as snprintf() cuts */
	tlpress_prefixed_num(got, small, "CVRFPID-", 12345, 4);
	snprintf(want, small, "%s%0*d", "CVRFPID-", 4, 12345);
	OK(!bad && !strcmp(got, want), "prefixed_num: as snprintf(\"%%s%%0*d\") writes it");
	tlpress_prefixed_num(got, sizeof(got), "", 3, 1);
	STR_EQ(got, "3", "prefixed_num: no prefix, one digit");
}

int main(void)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	char s[80];
	int i, bad = 0;

	prefixed_nums();

	for (i = 0; i < 200000; i++) {
		size_t n = rnd(sizeof(s)), k, from = rnd(8);

		for (k = 0; k < n; k++)   /* mostly printable, as text is */
			s[k] = (char)(rnd(4) ? 0x20 + rnd(0x5F) : rnd(256));
		if (from > n)
			from = n;
		if (tlpress_printable_run(s + from, n - from) != naive(s + from, n - from))
			bad++;
	}
	INT_EQ(bad, 0, "200,000 random buffers: the run a byte-at-a-time scan finds");
	INT_EQ(tlpress_printable_run("abcdefgh\x7Fzz", 11), 8, "DEL ends a run");
	INT_EQ(tlpress_printable_run("abcdefghijklmno\x1F", 16), 15, "a control ends a run");
	INT_EQ(tlpress_printable_run("abcdefghijklmnop\xC3\xA9", 18), 16, "UTF-8 ends a run");
	INT_EQ(tlpress_printable_run("", 0), 0, "an empty buffer");
	{
		static const char t[] = "0123456789abcdef\x01 x\xE2\x80\xAE y\x7F\t\n";

		tlpress_text_clean(t, sizeof(t) - 1, &b);
	}
	STR_EQ(b.ptr, "0123456789abcdef x y\x7F\t\n",
	       "tlpress_text_clean drops a control and a bidi override in long text");
	tlpress_buf_release(&b);
	{
		int v[500], k, sorted = 1;

		for (k = 0; k < 500; k++)
			v[k] = k / 2; /* in order, with ties */
		compared = 0;
		tlpress_sort(v, 500, sizeof(v[0]), cmp_int);
		INT_EQ(compared, 499, "tlpress_sort: a sorted array costs n - 1 comparisons");
		for (k = 0; k < 500; k++)
			v[k] = (int)rnd(1000);
		v[0] = 0;
		v[1] = 1000; /* out of order at once */
		tlpress_sort(v, 500, sizeof(v[0]), cmp_int);
		for (k = 1; k < 500; k++)
			sorted &= v[k - 1] <= v[k];
		OK(sorted && v[499] == 1000, "tlpress_sort: a random array is sorted");
		tlpress_sort(v, 0, sizeof(v[0]), cmp_int);
		tlpress_sort(NULL, 0, sizeof(v[0]), cmp_int);
		OK(1, "tlpress_sort: an empty array");
	}
	{
		/* tlpress_search_near: every key present or absent, from every
		 * hint, finds what bsearch finds; keys in order cost few compares */
		int v[300], k, key, wrong = 0;
		size_t h, hint, n;

		for (k = 0; k < 300; k++)
			v[k] = 2 * k; /* odd keys are absent */
		for (n = 0; n <= 300; n += 37)
			for (key = -1; key <= 601; key++)
				for (h = 0; h <= n + 1; h += 7) {
					int *want = bsearch(&key, v, n, sizeof(v[0]), cmp_int);
					int *got;

					hint = h;
					got = tlpress_search_near(&key, v, n, sizeof(v[0]), cmp_int, &hint);
					if (got != want || (got && hint != (size_t)(got - v)) ||
					    (!got && hint != h))
						wrong++;
				}
		INT_EQ(wrong, 0, "tlpress_search_near: what bsearch finds, from every hint");
		compared = 0;
		hint = (size_t)-1;
		for (key = 0; key < 600; key += 4)
			if (!tlpress_search_near(&key, v, 300, sizeof(v[0]), cmp_int, &hint))
				wrong++;
		INT_EQ(wrong, 0, "tlpress_search_near: keys in order are found");
		OK(compared <= 150 * 4 + 9, "tlpress_search_near: keys two places apart cost "
		   "at most 4 comparisons each, not 9 (%ld for 150)", (long)compared);
	}
	{
		static struct rec v[5000];
		static const size_t sizes[] = { 0, 1, 2, 3, 17, 1000, 5000 };
		size_t k, shape, wrong = 0;
		long worst = 0;

		for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
			for (shape = 0; shape < 4; shape++) {
				runs_case(v, sizes[k], (int)shape);
				if (tlpress_sort_runs(v, sizes[k], sizeof(v[0]), cmp_rec) ||
				    !stable_sorted(v, sizes[k]))
					wrong++;
			}
		INT_EQ(wrong, 0, "tlpress_sort_runs: random, runs, reversed and sorted arrays of "
		       "0 to 5,000, sorted and stable");
		runs_case(v, 5000, 3);
		compared = 0;
		tlpress_sort_runs(v, 5000, sizeof(v[0]), cmp_rec);
		INT_EQ(compared, 4999, "tlpress_sort_runs: a sorted array costs n - 1 comparisons");
		runs_case(v, 5000, 1);
		compared = 0;
		tlpress_sort_runs(v, 5000, sizeof(v[0]), cmp_rec);
		worst = 4999 + 5000 * 3;
		OK(compared <= worst && stable_sorted(v, 5000), "tlpress_sort_runs: five sorted runs "
		   "cost about n log2(5) comparisons (%ld, at most %ld)", (long)compared, worst);
		for (k = wrong = 0; k < 50; k++) {
			size_t n = 1 + rnd(3000);

			runs_case(v, n, (int)rnd(4));
			if (tlpress_sort_runs(v, n, sizeof(v[0]), cmp_rec) || !stable_sorted(v, n))
				wrong++;
		}
		INT_EQ(wrong, 0, "tlpress_sort_runs: 50 arrays of random sizes and shapes");
	}
	return harness_done();
}
