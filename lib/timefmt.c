/* timefmt.c - RFC 3339 timestamps; see timefmt.h */
#include "timefmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Howard Hinnant's days_from_civil: days since 1970-01-01. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *py, unsigned *pm, unsigned *pd)
{
	int64_t era, y;
	unsigned doe, yoe, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	*py = (int)(y + (m <= 2));
	*pm = m;
	*pd = d;
}

static int digits(const char *s, size_t n, size_t at, size_t count, int *out)
{
	int v = 0;
	size_t i;

	if (at + count > n)
		return -1;
	for (i = 0; i < count; i++) {
		char c = s[at + i];

		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*out = v;
	return 0;
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int tlpress_time_parse(const char *s, size_t n, struct tlpress_time *out)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, sec, oh = 0, om = 0, off = 0;
	size_t p;

	memset(out, 0, sizeof(*out));
	if (digits(s, n, 0, 4, &y) || n < 10 || s[4] != '-' ||
	    digits(s, n, 5, 2, &mo) || s[7] != '-' || digits(s, n, 8, 2, &d))
		return TLPRESS_TIME_BAD;
	if (n == 10)
		return TLPRESS_TIME_DATE_ONLY;
	if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
		return TLPRESS_TIME_BAD;
	if (digits(s, n, 11, 2, &h) || n < 19 || s[13] != ':' ||
	    digits(s, n, 14, 2, &mi) || s[16] != ':' ||
	    digits(s, n, 17, 2, &sec))
		return TLPRESS_TIME_BAD;
	p = 19;
	if (p < n && s[p] == '.') {
		p++;
		if (p >= n || s[p] < '0' || s[p] > '9')
			return TLPRESS_TIME_BAD;
		while (p < n && s[p] >= '0' && s[p] <= '9')
			p++;
	}
	if (p == n)
		return TLPRESS_TIME_NO_ZONE;
	if (s[p] == 'Z' || s[p] == 'z') {
		p++;
	} else if (s[p] == '+' || s[p] == '-') {
		if (digits(s, n, p + 1, 2, &oh) || p + 3 >= n ||
		    s[p + 3] != ':' || digits(s, n, p + 4, 2, &om))
			return TLPRESS_TIME_BAD;
		if (oh > 23 || om > 59)
			return TLPRESS_TIME_RANGE;
		off = oh * 60 + om;
		if (s[p] == '-')
			off = -off;
		p += 6;
	} else {
		return TLPRESS_TIME_BAD;
	}
	if (p != n)
		return TLPRESS_TIME_BAD;
	if (mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && leap(y)) ||
	    h > 23 || mi > 59 || sec > 60)
		return TLPRESS_TIME_RANGE;
	if (sec == 60)
		sec = 59; /* a leap second: the instant before is close enough */
	out->t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
		 h * 3600 + mi * 60 + sec - (int64_t)off * 60;
	out->offset = off;
	out->valid = 1;
	return TLPRESS_TIME_OK;
}

struct parts {
	int y;
	unsigned mo, d, h, mi, s, wday;
};

static void split(int64_t t, struct parts *p)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t rem = t - days * 86400;

	civil_from_days(days, &p->y, &p->mo, &p->d);
	p->h = (unsigned)(rem / 3600);
	p->mi = (unsigned)(rem / 60 % 60);
	p->s = (unsigned)(rem % 60);
	p->wday = (unsigned)((days % 7 + 11) % 7); /* 1970-01-01: Thursday */
}

/* n as k decimal digits at s (n < 10^k); the end */
static char *put_digits(char *s, unsigned n, int k)
{
	int i;

	for (i = k - 1; i >= 0; i--, n /= 10)
		s[i] = (char)('0' + n % 10);
	return s + k;
}

/* the date of p as YYYY-MM-DD at s (fields in their ranges); the end */
static char *put_date(char *s, const struct parts *p)
{
	s = put_digits(s, (unsigned)p->y, 4);
	*s++ = '-';
	s = put_digits(s, p->mo, 2);
	*s++ = '-';
	return put_digits(s, p->d, 2);
}

void tlpress_time_rfc3339(const struct tlpress_time *tm, char *buf, size_t size)
{
	struct parts p;
	int off = tm->offset, a = off < 0 ? -off : off;

	split(tm->t + (int64_t)off * 60, &p);
	/* what the snprintf() below writes, without its cost (a CSAF and a
	 * CVRF document hold a dozen dates): fields in their ranges only */
	if (size >= 26 && p.y >= 0 && p.y <= 9999 && p.mo <= 99 && p.d <= 99 && p.h <= 99 &&
	    p.mi <= 99 && p.s <= 99 && a / 60 <= 99) {
		char *q = put_date(buf, &p);

		*q++ = 'T';
		q = put_digits(q, p.h, 2);
		*q++ = ':';
		q = put_digits(q, p.mi, 2);
		*q++ = ':';
		q = put_digits(q, p.s, 2);
		if (off == 0) {
			*q++ = 'Z';
		} else {
			*q++ = off < 0 ? '-' : '+';
			q = put_digits(q, (unsigned)(a / 60), 2);
			*q++ = ':';
			q = put_digits(q, (unsigned)(a % 60), 2);
		}
		*q = '\0';
		return;
	}
	if (off == 0)
		snprintf(buf, size, "%04d-%02u-%02uT%02u:%02u:%02uZ",
			 p.y, p.mo, p.d, p.h, p.mi, p.s);
	else
		snprintf(buf, size, "%04d-%02u-%02uT%02u:%02u:%02u%c%02d:%02d",
			 p.y, p.mo, p.d, p.h, p.mi, p.s, off < 0 ? '-' : '+',
			 a / 60, a % 60);
}

void tlpress_time_rfc3339_utc(const struct tlpress_time *tm, char *buf, size_t size)
{
	struct tlpress_time u = *tm;

	u.offset = 0;
	tlpress_time_rfc3339(&u, buf, size);
}

void tlpress_time_rfc822(const struct tlpress_time *tm, char *buf, size_t size)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mn[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct parts p;
	int off = tm->offset, a = off < 0 ? -off : off;

	split(tm->t + (int64_t)off * 60, &p);
	snprintf(buf, size, "%s, %02u %s %04d %02u:%02u:%02u %c%02d%02d",
		 wd[p.wday], p.d, mn[p.mo - 1], p.y, p.h, p.mi, p.s,
		 off < 0 ? '-' : '+', a / 60, a % 60);
}

void tlpress_time_date(const struct tlpress_time *tm, char *buf, size_t size)
{
	struct parts p;

	split(tm->t + (int64_t)tm->offset * 60, &p);
	if (size >= 11 && p.y >= 0 && p.y <= 9999 && p.mo <= 99 && p.d <= 99) {
		*put_date(buf, &p) = '\0'; /* as below, cheaper */
		return;
	}
	snprintf(buf, size, "%04d-%02u-%02u", p.y, p.mo, p.d);
}

int tlpress_time_now(struct tlpress_time *out)
{
	const char *env = getenv("TLPRESS_NOW");

	if (env && *env)
		return tlpress_time_parse(env, strlen(env), out) == 0 ? 0 : -1;
	out->t = (int64_t)time(NULL);
	out->offset = 0;
	out->valid = 1;
	return 0;
}

int tlpress_time_cmp(const struct tlpress_time *a, const struct tlpress_time *b)
{
	return a->t < b->t ? -1 : a->t > b->t;
}
