/* test_timefmt.c - RFC 3339 parsing and the output formats */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timefmt.h"

#include "harness.h"

static int parse(const char *s, struct tlpress_time *t)
{
	return tlpress_time_parse(s, strlen(s), t);
}

int main(void)
{
	static const struct { const char *in; int want; } cases[] = {
		{ "2026-11-20T10:00:00+01:00", TLPRESS_TIME_OK },
		{ "2026-11-20T09:00:00Z", TLPRESS_TIME_OK },
		{ "2026-11-20t09:00:00z", TLPRESS_TIME_OK },
		{ "2026-11-20T09:00:00.123456Z", TLPRESS_TIME_OK },
		{ "2026-11-20T04:00:00-05:00", TLPRESS_TIME_OK },
		{ "2028-02-29T12:00:00Z", TLPRESS_TIME_OK },
		{ "2026-11-20", TLPRESS_TIME_DATE_ONLY },
		{ "2026-11-20T10:00:00", TLPRESS_TIME_NO_ZONE },
		{ "2026-11-20T10:00:00.5", TLPRESS_TIME_NO_ZONE },
		{ "2026-02-29T12:00:00Z", TLPRESS_TIME_RANGE },
		{ "2026-13-01T12:00:00Z", TLPRESS_TIME_RANGE },
		{ "2026-11-20T24:00:00Z", TLPRESS_TIME_RANGE },
		{ "2026-11-20T10:00:00+25:00", TLPRESS_TIME_RANGE },
		{ "2026-11-20T10:00:00+0100", TLPRESS_TIME_BAD },
		{ "20 Nov 2026", TLPRESS_TIME_BAD },
		{ "2026-11-20T10:00Z", TLPRESS_TIME_BAD },
		{ "2026-11-20T10:00:00Z ", TLPRESS_TIME_BAD },
		{ "", TLPRESS_TIME_BAD },
		{ "2026-11-20T10:00:00.Z", TLPRESS_TIME_BAD },
	};
	struct tlpress_time a, b;
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		INT_EQ(parse(cases[i].in, &a), cases[i].want, "parse '%s'", cases[i].in);

	parse("2026-11-20T10:00:00+01:00", &a);
	parse("2026-11-20T09:00:00Z", &b);
	INT_EQ(tlpress_time_cmp(&a, &b), 0, "the same instant in two zones compares equal");
	INT_EQ(a.t, 1795165200, "seconds since the epoch");
	tlpress_time_rfc3339(&a, buf, sizeof(buf));
	STR_EQ(buf, "2026-11-20T10:00:00+01:00", "RFC 3339 keeps the offset");
	tlpress_time_rfc3339_utc(&a, buf, sizeof(buf));
	STR_EQ(buf, "2026-11-20T09:00:00Z", "RFC 3339 in UTC");
	tlpress_time_rfc822(&a, buf, sizeof(buf));
	STR_EQ(buf, "Fri, 20 Nov 2026 10:00:00 +0100", "RFC 822 for RSS");
	tlpress_time_date(&a, buf, sizeof(buf));
	STR_EQ(buf, "2026-11-20", "plain date in the advisory's zone");

	parse("2026-11-20T00:30:00+01:00", &a);
	tlpress_time_date(&a, buf, sizeof(buf));
	STR_EQ(buf, "2026-11-20", "the date is the local one, not UTC's 19th");
	parse("2026-07-01T23:15:00-04:30", &a);
	tlpress_time_rfc822(&a, buf, sizeof(buf));
	STR_EQ(buf, "Wed, 01 Jul 2026 23:15:00 -0430", "negative offsets with minutes");
	parse("1969-12-31T23:59:59Z", &a);
	INT_EQ(a.t, -1, "before the epoch");
	tlpress_time_rfc822(&a, buf, sizeof(buf));
	STR_EQ(buf, "Wed, 31 Dec 1969 23:59:59 +0000", "and back");
	parse("2000-02-29T12:00:00Z", &a);
	tlpress_time_rfc822(&a, buf, sizeof(buf));
	STR_EQ(buf, "Tue, 29 Feb 2000 12:00:00 +0000", "a leap day");

	{
		/* RFC 3339 written digit by digit: what snprintf() of the
		 * fields of gmtime() writes, on random instants and offsets */
		int k, bad = 0;

		for (k = 0; k < 100000; k++) {
			struct tlpress_time t;
			struct tm g;
			time_t when;
			char want[64];
			int off, m;

			t.t = (int64_t)harness_rnd(2000000000) * 126 + harness_rnd(126);
			t.offset = off = (int)harness_rnd(2 * 1439 + 1) - 1439;
			if (harness_rnd(4) == 0)
				t.offset = off = 0;
			when = (time_t)(t.t + (int64_t)off * 60);
			gmtime_r(&when, &g);
			m = off < 0 ? -off : off;
			if (off == 0)
				snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02dZ",
					 g.tm_year + 1900, g.tm_mon + 1, g.tm_mday, g.tm_hour,
					 g.tm_min, g.tm_sec);
			else
				snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
					 g.tm_year + 1900, g.tm_mon + 1, g.tm_mday, g.tm_hour,
					 g.tm_min, g.tm_sec, off < 0 ? '-' : '+', m / 60, m % 60);
			tlpress_time_rfc3339(&t, buf, sizeof(buf));
			if (strcmp(buf, want) && bad++ < 3)
				DIAG("got %s, want %s", buf, want);
		}
		INT_EQ(bad, 0, "RFC 3339 of 100,000 random instants (years 1970-9955) and offsets");
		a.t = 253402300800LL;  /* 10000-01-01: five digits, as %04d writes them */
		a.offset = 0;
		tlpress_time_rfc3339(&a, buf, sizeof(buf));
		STR_EQ(buf, "10000-01-01T00:00:00Z", "a year past 9999");
		tlpress_time_rfc3339(&a, buf, 8);
		STR_EQ(buf, "10000-0", "cut to a short buffer as snprintf cuts");
	}

	setenv("TLPRESS_NOW", "2026-11-28T12:00:00+01:00", 1);
	INT_EQ(tlpress_time_now(&a), 0, "TLPRESS_NOW is read");
	INT_EQ(a.t, 1795863600, "TLPRESS_NOW sets the time");
	setenv("TLPRESS_NOW", "yesterday", 1);
	INT_EQ(tlpress_time_now(&a), -1, "a bad TLPRESS_NOW is an error");
	return harness_done();
}
