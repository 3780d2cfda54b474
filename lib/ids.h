/*
 * ids.h - advisory ids: two series, allocated under a lock, never reused
 *
 * An id is PREFIX-YYYY-NNNN (advisory.h, tlpress_id_valid()). tlpress keeps
 * two series, each a prefix pattern of tlpress.yml with `{year}` in it:
 *
 *   ids:
 *     public: "CCB-{year}-"        # TLP:CLEAR advisories
 *     restricted: "CCBR-{year}-"   # every other label
 *     digits: 4                    # CCB-2026-0001
 *
 * so that the public numbering has no gaps that would betray restricted
 * advisories. An advisory keeps its id for life (a downgraded CCBR- stays
 * CCBR-); the series is chosen once, when `tlpress new` allocates it.
 *
 * Allocation (tlpress_ids_next) holds an exclusive flock(2) on
 * state/ids.lock (waiting for it: allocations are short), reads the last
 * number given in the series from state/ids, takes the highest number of
 * the series among the files of the advisories folder too, and writes
 * last + 1 back (temporary file, fsync, rename, fsync of the folder) before
 * it returns: a number once returned is never returned again, even when
 * its file is deleted or was never written. Each year starts a series
 * again at 1 (the counter's key is the prefix with the year filled in).
 */
#ifndef TLPRESS_IDS_H
#define TLPRESS_IDS_H

#include <stddef.h>

#include "error.h"
#include "tlp.h"

#define TLPRESS_IDS_PUBLIC_DEFAULT "CCB-{year}-"
#define TLPRESS_IDS_RESTRICTED_DEFAULT "CCBR-{year}-"
#define TLPRESS_IDS_NAME "ids"           /* the counters, in the state folder */
#define TLPRESS_IDS_LOCK_NAME "ids.lock" /* their lock */
#define TLPRESS_ID_MAX 80                /* room for an id, with its NUL */

struct tlpress_config;

enum tlpress_series {
	TLPRESS_SERIES_PUBLIC = 0,      /* TLP:CLEAR */
	TLPRESS_SERIES_RESTRICTED = 1   /* GREEN, AMBER, AMBER+STRICT, RED */
};

/* The series of an advisory issued under `label`. */
enum tlpress_series tlpress_ids_series(enum tlpress_tlp label);
/* "public" or "restricted" (static). */
const char *tlpress_series_name(enum tlpress_series s);

/* 0 when pattern is a valid prefix pattern: a prefix of capital letters
 * and digits (the first a letter, 16 at most), "-{year}-", nothing else.
 * Else -1 with *why saying what is wrong (static text). */
int tlpress_ids_pattern_valid(const char *pattern, const char **why);

/* The pattern with {year} filled in ("CCB-2026-") into out (size bytes,
 * always terminated). */
void tlpress_ids_prefix(const char *pattern, int year, char *out, size_t size);

/*
 * The number of id when it belongs to the series whose filled-in prefix is
 * `prefix` ("CCB-2026-" and "CCB-2026-0042" give 42), else -1.
 */
long tlpress_ids_number(const char *prefix, const char *id);

/*
 * Allocate the next id of series s for `year`, as described above, into
 * id (TLPRESS_ID_MAX bytes). The state folder (cfg->state) is made (0700)
 * when missing; the advisories folder (cfg->advisories) may be missing.
 * Returns 0; TLPRESS_EIO (the state folder, the lock, the counters file,
 * the advisories folder), TLPRESS_EINVAL (a counters file that cannot be
 * read as written, which is never overwritten: a counter lost could give
 * an id twice), TLPRESS_ELIMIT (the series is full), TLPRESS_ENOMEM.
 */
int tlpress_ids_next(const struct tlpress_config *cfg, enum tlpress_series s, int year,
		     char *id, struct tlpress_error *err);

#endif
