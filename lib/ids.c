/* ids.c - advisory ids in two series; see ids.h */
#include "ids.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "advisory.h"
#include "buf.h"
#include "config.h"
#include "fsutil.h"
#include "policy.h"
#include "scan.h"

#define YEAR "{year}"
#define MAX_NUMBER 99999999L   /* eight digits: the most an id has */
#define MAX_SERIES 10000       /* lines of the counters file */

/* The public series is for what the public site may carry: the same
 * question, and answer, as every other channel's (lib/policy). */
enum tlpress_series tlpress_ids_series(enum tlpress_tlp label)
{
	return tlpress_policy_cleared(label, TLPRESS_TLP_CLEAR) ? TLPRESS_SERIES_PUBLIC
							       : TLPRESS_SERIES_RESTRICTED;
}

const char *tlpress_series_name(enum tlpress_series s)
{
	return s == TLPRESS_SERIES_PUBLIC ? "public" : "restricted";
}

int tlpress_ids_pattern_valid(const char *pattern, const char **why)
{
	const char *y = strstr(pattern, YEAR);
	char pre[64], id[80];

	if (!y) {
		*why = "has no {year}";
		return -1;
	}
	if (strstr(y + 1, YEAR)) {
		*why = "has {year} twice";
		return -1;
	}
	if (strlen(pattern) > 40) {
		*why = "is too long";
		return -1;
	}
	tlpress_ids_prefix(pattern, 2026, pre, sizeof(pre));
	snprintf(id, sizeof(id), "%s0001", pre);
	if (tlpress_id_valid(id) || y[strlen(YEAR)] != '-' || y[strlen(YEAR) + 1]) {
		*why = "does not give ids of the form PREFIX-YYYY-NNNN";
		return -1;
	}
	return 0;
}

void tlpress_ids_prefix(const char *pattern, int year, char *out, size_t size)
{
	const char *y = strstr(pattern, YEAR);

	if (!y)
		snprintf(out, size, "%s", pattern);
	else
		snprintf(out, size, "%.*s%04d%s", (int)(y - pattern), pattern, year,
			 y + strlen(YEAR));
}

long tlpress_ids_number(const char *prefix, const char *id)
{
	size_t n = strlen(prefix);
	long v = 0;
	const char *p;

	if (strncmp(id, prefix, n) || tlpress_id_valid(id))
		return -1;
	for (p = id + n; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (*p - '0');
	return *p || p == id + n ? -1 : v;
}

struct counter {
	char *prefix;
	long last;
};

struct counters {
	struct counter *v;
	size_t n;
};

static void counters_release(struct counters *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->v[i].prefix);
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

/* Parse the counters file: "# comment" lines and "PREFIX LAST" lines. */
static int counters_parse(const char *path, char *data, struct counters *c,
			  struct tlpress_error *err)
{
	char *line, *next;
	unsigned lineno = 0;

	for (line = data; *line; line = next) {
		char *sp, *end;
		long v;

		lineno++;
		next = strchr(line, '\n');
		if (!next)
			return tlpress_error_set(err, TLPRESS_EINVAL, "%s:%u: the last line is cut "
						 "short: repair the file by hand (each line "
						 "'PREFIX LAST-NUMBER')", path, lineno);
		*next++ = '\0';
		if (line[0] == '#' || !line[0])
			continue;
		sp = strchr(line, ' ');
		if (!sp || sp == line || c->n >= MAX_SERIES)
			goto bad;
		*sp = '\0';
		errno = 0;
		v = strtol(sp + 1, &end, 10);
		if (errno || *end || end == sp + 1 || v < 0 || v > MAX_NUMBER)
			goto bad;
		{
			struct counter *nv = realloc(c->v, (c->n + 1) * sizeof(*nv));

			if (!nv)
				return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
			c->v = nv;
			c->v[c->n].prefix = strdup(line);
			c->v[c->n].last = v;
			if (!c->v[c->n].prefix)
				return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
			c->n++;
		}
	}
	return 0;
bad:
	return tlpress_error_set(err, TLPRESS_EINVAL, "%s:%u: not 'PREFIX LAST-NUMBER': repair "
				 "the file by hand; it is never rewritten while it cannot be "
				 "read, so that no id is given twice", path, lineno);
}

/* Write the counters file whole (tlpress_write_private()). */
static int counters_write(const char *path, const struct counters *c, struct tlpress_error *err)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	size_t i;
	int rc;

	tlpress_buf_adds(&b, "# tlpress: the last id number given in each series (tlpress new).\n"
			 "# Never lower a number: an id is never given twice.\n");
	for (i = 0; i < c->n; i++)
		tlpress_buf_printf(&b, "%s %ld\n", c->v[i].prefix, c->v[i].last);
	rc = b.failed ? tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory")
		      : tlpress_write_private(path, b.ptr, b.len, err);
	tlpress_buf_release(&b);
	return rc;
}

/* The highest number of the series among the file names of the advisories
 * folder (files are named <id>.md), or 0. */
static int highest_in_folder(const char *folder, const char *prefix, long *highest,
			     struct tlpress_error *err)
{
	struct tlpress_pathlist files = TLPRESS_PATHLIST_INIT;
	struct stat st;
	size_t i;
	int rc;

	*highest = 0;
	if (stat(folder, &st) < 0 && errno == ENOENT)
		return 0;
	rc = tlpress_scan(folder, &files, err);
	for (i = 0; !rc && i < files.n; i++) {
		const char *base = strrchr(files.v[i], '/');
		char id[64];
		size_t n;
		long v;

		base = base ? base + 1 : files.v[i];
		n = strlen(base);
		if (n < 4 || n - 3 >= sizeof(id))
			continue;
		memcpy(id, base, n - 3);
		id[n - 3] = '\0';
		v = tlpress_ids_number(prefix, id);
		if (v > *highest)
			*highest = v;
	}
	tlpress_pathlist_release(&files);
	return rc;
}

int tlpress_ids_next(const struct tlpress_config *cfg, enum tlpress_series s, int year,
		     char *id, struct tlpress_error *err)
{
	struct tlpress_buf lockp = TLPRESS_BUF_INIT, path = TLPRESS_BUF_INIT, data = TLPRESS_BUF_INIT;
	struct counters c = { NULL, 0 };
	const char *pattern = s == TLPRESS_SERIES_PUBLIC ? cfg->ids.public_prefix
							 : cfg->ids.restricted_prefix;
	char prefix[64];
	long highest = 0, next;
	struct stat st;
	size_t i;
	int fd = -1, rc, errnum = 0;

	id[0] = '\0';
	tlpress_ids_prefix(pattern, year, prefix, sizeof(prefix));
	if ((rc = tlpress_state_dir(cfg->state, 1, err)))
		return rc;
	tlpress_path_join(&lockp, cfg->state, TLPRESS_IDS_LOCK_NAME);
	tlpress_path_join(&path, cfg->state, TLPRESS_IDS_NAME);
	if (lockp.failed || path.failed) {
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		goto out;
	}
	fd = open(lockp.ptr, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot open lock file '%s'",
					 lockp.ptr);
		goto out;
	}
	while ((rc = flock(fd, LOCK_EX)) < 0 && errno == EINTR)
		;
	if (rc < 0) {
		rc = tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot lock '%s'", lockp.ptr);
		goto out;
	}
	/* under the lock: read, take the folder into account, write back;
	 * never through a symbolic link (the rename below would replace it,
	 * but the numbers would have come from wherever it points) */
	if (lstat(path.ptr, &st) == 0 && !S_ISREG(st.st_mode)) {
		rc = tlpress_error_set(err, TLPRESS_EUSAGE, "'%s' is not a regular file (a "
				       "symbolic link is refused); move it aside and put "
				       "the counters file itself there", path.ptr);
		goto out;
	}
	rc = tlpress_read_file(path.ptr, 1 << 20, &data, &errnum, err);
	if (rc && errnum == ENOENT)
		rc = 0;
	else if (!rc)
		rc = counters_parse(path.ptr, data.ptr, &c, err);
	if (!rc)
		rc = highest_in_folder(cfg->advisories, prefix, &highest, err);
	if (rc)
		goto out;
	for (i = 0; i < c.n; i++)
		if (!strcmp(c.v[i].prefix, prefix))
			break;
	if (i == c.n) {
		struct counter *nv = realloc(c.v, (c.n + 1) * sizeof(*nv));

		if (!nv || !(nv[c.n].prefix = strdup(prefix))) {
			if (nv)
				c.v = nv;
			rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
			goto out;
		}
		c.v = nv;
		c.v[c.n++].last = 0;
	}
	next = (c.v[i].last > highest ? c.v[i].last : highest) + 1;
	if (next > MAX_NUMBER) {
		rc = tlpress_error_set(err, TLPRESS_ELIMIT, "the %s series '%s' is full; give "
				       "it a new prefix in tlpress.yml ('ids.%s')",
				       tlpress_series_name(s), prefix, tlpress_series_name(s));
		goto out;
	}
	c.v[i].last = next;
	rc = counters_write(path.ptr, &c, err);
	if (!rc)
		snprintf(id, TLPRESS_ID_MAX, "%s%0*ld", prefix, cfg->ids.digits, next);
out:
	if (fd >= 0)
		close(fd);              /* releases the lock */
	counters_release(&c);
	tlpress_buf_release(&lockp);
	tlpress_buf_release(&path);
	tlpress_buf_release(&data);
	return rc;
}
