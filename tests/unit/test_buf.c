/* test_buf.c - lib/buf: appends inline and slow, the limit, and
 * tlpress_buf_printf()'s own conversions against the C library's */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "harness.h"
#include "../../lib/buf.h"

/* the same format and arguments through tlpress_buf_printf() (after a
 * prefix, so that it appends) and through snprintf() */
#define SAME(fmt, ...) do { \
	struct tlpress_buf b_ = TLPRESS_BUF_INIT; \
	char want_[512]; \
	int n_ = snprintf(want_ + 1, sizeof(want_) - 1, fmt, __VA_ARGS__); \
	want_[0] = '>'; \
	tlpress_buf_addch(&b_, '>'); \
	INT_EQ(tlpress_buf_printf(&b_, fmt, __VA_ARGS__), 0, "printf '%s': done", fmt); \
	INT_EQ(b_.len, n_ + 1, "printf '%s': length", fmt); \
	OK(b_.len == (size_t)n_ + 1 && !memcmp(b_.ptr, want_, b_.len) && !b_.ptr[b_.len], \
	   "printf '%s': as snprintf writes it", fmt); \
	if (memcmp(b_.ptr, want_, b_.len)) \
		printf("#   got  '%s'\n#   want '%s'\n", b_.ptr, want_); \
	tlpress_buf_release(&b_); \
} while (0)

static void conversions(void)
{
	const char *s = "Norvale Networks";

	SAME("%s", s);
	SAME("%s and %s.", s, "");
	SAME("plain text, no conversion%s", "");
	SAME("%%%02X", 0xe9);
	SAME("%%%02X%%%02X", 0x0, 0x7f);
	SAME("%02x", 0xab);
	SAME("%.*s|", 3, s);
	SAME("%.*s|", 0, s);
	SAME("%.*s|", 100, s);
	SAME("%.*s|", -1, s);
	SAME("%d %d %d", 0, -1, INT_MIN);
	SAME("%d", INT_MAX);
	SAME("%u %u", 0u, UINT_MAX);
	SAME("%ld %ld", LONG_MIN, LONG_MAX);
	SAME("%lld %lld", LLONG_MIN, LLONG_MAX);
	SAME("%llu", ULLONG_MAX);
	SAME("%lu", ULONG_MAX);
	SAME("%zu %zu", (size_t)0, SIZE_MAX);
	SAME("%02zu", (size_t)7);
	SAME("%04d", 7);
	SAME("%04d", 12345);
	SAME("%04d", -7);         /* not its own: formatted by the C library */
	SAME("%c%c", 'a', 'Z');
	SAME("%5s|", "ab");       /* a width without '0': the C library */
	SAME("%-5s|", "ab");
	SAME("%x %X", 0u, 0xdeadbeefu);
	SAME("%llX", 0xfedcba9876543210ULL);
	SAME("%08.3f", 3.14159);  /* a double: the C library */
	SAME("%p", (void *)0);
	SAME("%s %s %d %s", "a", "b", 3, "d");
	SAME("%020llu", 42ULL);
	SAME("%041d", 1);         /* wider than its own takes */
	SAME("%zd", (ssize_t)-5);
	SAME("trailing %%%s", "");
	{
		struct tlpress_buf b = TLPRESS_BUF_INIT;
		const char *volatile none = NULL;
		char want[16];

		/* a NULL string: whatever the C library makes of it */
		snprintf(want, sizeof(want), "%s", none);
		INT_EQ(tlpress_buf_printf(&b, "%s", none), 0, "printf NULL: done");
		STR_EQ(b.ptr, want, "printf NULL: as the C library writes it");
		tlpress_buf_release(&b);
	}
}

/* tlpress_buf_add_ull() as "%llu" */
static void ulls(void)
{
	static const unsigned long long v[] = { 0, 7, 10, 42, 1000000, ULLONG_MAX };
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	char want[32];
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		tlpress_buf_reset(&b);
		tlpress_buf_add_ull(&b, v[i]);
		snprintf(want, sizeof(want), "%llu", v[i]);
		bad += strcmp(b.ptr, want) != 0;
	}
	OK(!bad, "add_ull: as \"%%llu\" writes it");
	tlpress_buf_release(&b);
}

static void limits(void)
{
	struct tlpress_buf b;
	size_t i;

	tlpress_buf_init(&b, 10);
	INT_EQ(tlpress_buf_adds(&b, "0123456789"), 0, "up to the limit");
	INT_EQ(tlpress_buf_addch(&b, 'x'), -1, "one past it fails");
	OK(b.failed && b.len == 10 && !strcmp(b.ptr, "0123456789"), "and leaves the bytes");
	INT_EQ(tlpress_buf_add(&b, "", 0), -1, "failed is sticky");
	tlpress_buf_reset(&b);
	INT_EQ(tlpress_buf_printf(&b, "%s-%d", "abcd", 42), 0, "printf within the limit");
	INT_EQ(tlpress_buf_printf(&b, "%s%llu", "ab", 123456ULL), -1, "printf past it fails");
	OK(b.failed && !strcmp(b.ptr, "abcd-42"), "and leaves the bytes as they were");
	tlpress_buf_reset(&b);
	INT_EQ(tlpress_buf_printf(&b, "%5s%s", "a", "bcdefgh"), -1,
	       "the C library's way past it fails");
	OK(b.failed && b.len == 0 && !b.ptr[0], "and leaves it empty");
	tlpress_buf_release(&b);

	/* many single characters: every growth on the way */
	tlpress_buf_init(&b, 0);
	for (i = 0; i < 100000; i++)
		tlpress_buf_addch(&b, 'a' + (int)(i % 26));
	OK(!b.failed && b.len == 100000 && b.ptr[99999] == 'a' + 99999 % 26 && !b.ptr[100000],
	   "100,000 characters appended one by one");
	tlpress_buf_release(&b);
	OK(b.len == 0 && b.ptr && !b.ptr[0], "released: empty, not NULL");
	INT_EQ(tlpress_buf_add(&b, NULL, 0), 0, "nothing appended from NULL");
	tlpress_buf_release(&b);
}

int main(void)
{
	conversions();
	ulls();
	limits();
	printf("1..%d\n", harness_n);
	return harness_failed != 0;
}
