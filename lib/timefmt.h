/*
 * timefmt.h - RFC 3339 timestamps: parsing, and the formats the renditions
 * need (RFC 3339, RFC 822 for RSS, plain dates).
 *
 * Every timestamp in an advisory carries a zone offset; it is kept, so that
 * a page can show the analyst's local time while comparisons use UTC.
 */
#ifndef TLPRESS_TIMEFMT_H
#define TLPRESS_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

struct tlpress_time {
	int64_t t;      /* seconds since 1970-01-01T00:00:00Z */
	int offset;     /* zone offset in minutes east of UTC */
	int valid;      /* 1 when set */
};

enum tlpress_time_parse {
	TLPRESS_TIME_OK = 0,
	TLPRESS_TIME_BAD = -1,       /* not a timestamp */
	TLPRESS_TIME_DATE_ONLY = -2, /* a plain date: needs time and zone */
	TLPRESS_TIME_NO_ZONE = -3,   /* date and time without a zone */
	TLPRESS_TIME_RANGE = -4      /* a field out of range (month 13) */
};

/* Parse an RFC 3339 date-time ("2026-11-20T10:00:00+01:00", "...Z",
 * fractional seconds accepted and dropped; 't' and 'z' accepted as RFC 3339
 * allows). Returns an enum tlpress_time_parse. */
int tlpress_time_parse(const char *s, size_t n, struct tlpress_time *out);

/* "2026-11-20T10:00:00+01:00" in the time's own offset ("Z" for 0). */
void tlpress_time_rfc3339(const struct tlpress_time *tm, char *buf, size_t size);
/* "2026-11-20T09:00:00Z": always UTC. */
void tlpress_time_rfc3339_utc(const struct tlpress_time *tm, char *buf, size_t size);
/* "Fri, 20 Nov 2026 10:00:00 +0100" (RFC 822 with four-digit year, RSS). */
void tlpress_time_rfc822(const struct tlpress_time *tm, char *buf, size_t size);
/* "2026-11-20" in the time's own offset. */
void tlpress_time_date(const struct tlpress_time *tm, char *buf, size_t size);

/* The current time: TLPRESS_NOW (RFC 3339) when set, else the clock.
 * Returns -1 when TLPRESS_NOW is set but not a valid timestamp. */
int tlpress_time_now(struct tlpress_time *out);

/* Compare two times by instant: <0, 0, >0. */
int tlpress_time_cmp(const struct tlpress_time *a, const struct tlpress_time *b);

#endif
