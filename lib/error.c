/* error.c - error codes and diagnostics; see error.h */
#include "error.h"
#include "buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *tlpress_strerror(int code)
{
	switch (code) {
	case TLPRESS_OK: return "success";
	case TLPRESS_ENOMEM: return "out of memory";
	case TLPRESS_EIO: return "input/output error";
	case TLPRESS_EINVAL: return "invalid input";
	case TLPRESS_ELIMIT: return "input over a limit";
	case TLPRESS_EPOLICY: return "refused by the TLP policy";
	case TLPRESS_EUSAGE: return "invalid use";
	case TLPRESS_ECRYPTO: return "cryptographic operation failed";
	case TLPRESS_ENET: return "network transfer failed";
	case TLPRESS_ELOCKED: return "locked by another run";
	}
	return "unknown error";
}

int tlpress_error_set(struct tlpress_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

const char *tlpress_errno_hint(int e)
{
	switch (e) {
	case EACCES:
	case EPERM:
		return "check the permissions of it and of the folders above it (ls -ld), "
		       "and the user tlpress runs as";
	case ENOENT:
		return "check the path";
	case ENOTDIR:
		return "a part of the path is a file, not a folder: check the path";
	case EISDIR:
		return "it is a folder: name a file";
	case ELOOP:
		return "tlpress does not follow a symbolic link there: replace it with the "
		       "file or folder itself";
	case ENAMETOOLONG:
		return "shorten the path";
	case ENOSPC:
	case EDQUOT:
		return "free space on its file system (df -h), then run again";
	case EROFS:
		return "the file system is read-only: remount it read-write or use a folder "
		       "elsewhere";
	case EMFILE:
	case ENFILE:
		return "too many open files: raise the limit (ulimit -n), then run again";
	case EIO:
		return "the device reported an error: check the disk (dmesg), then run again";
	case EXDEV:
		return "keep both on one file system";
	}
	return NULL;
}

int tlpress_error_errno(struct tlpress_error *err, int code, int e, const char *fmt, ...)
{
	const char *hint = tlpress_errno_hint(e);
	char msg[TLPRESS_ERRMSG_SIZE];
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return tlpress_error_set(err, code, "%s: %s%s%s", msg, strerror(e), hint ? "; " : "",
				 hint ? hint : "");
}

const char *tlpress_severity_name(enum tlpress_severity sev)
{
	switch (sev) {
	case TLPRESS_NOTE: return "note";
	case TLPRESS_WARNING: return "warning";
	case TLPRESS_ERROR: return "error";
	}
	return "error";
}

static char *dupornull(const char *s)
{
	return s ? strdup(s) : NULL;
}

struct tlpress_diag *tlpress_diags_add(struct tlpress_diags *d,
				       enum tlpress_severity sev,
				       const char *file, unsigned line,
				       unsigned col, const char *key,
				       const char *hint, const char *fmt, ...)
{
	struct tlpress_diag *e;
	va_list ap;
	char *msg;
	int n;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		struct tlpress_diag *v = realloc(d->v, cap * sizeof(*v));

		if (!v) {
			d->failed = 1;
			return NULL;
		}
		d->v = v;
		d->cap = cap;
	}
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !(msg = malloc((size_t)n + 1))) {
		d->failed = 1;
		return NULL;
	}
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);

	e = &d->v[d->n++];
	e->file = dupornull(file);
	e->line = line;
	e->col = col;
	e->severity = sev;
	e->msg = msg;
	e->hint = dupornull(hint);
	e->key = dupornull(key);
	if (sev == TLPRESS_ERROR)
		d->nerrors++;
	else if (sev == TLPRESS_WARNING)
		d->nwarnings++;
	return e;
}


void tlpress_diags_sort(struct tlpress_diags *d)
{
	/* qsort is not stable; the tie-break on the address would not be
	 * meaningful after moves, so use a simple stable insertion sort:
	 * a file has few diagnostics. */
	size_t i, j;

	for (i = 1; i < d->n; i++) {
		struct tlpress_diag t = d->v[i];

		for (j = i; j > 0; j--) {
			const struct tlpress_diag *p = &d->v[j - 1];
			int c = strcmp(p->file ? p->file : "",
				       t.file ? t.file : "");

			if (c < 0 || (c == 0 && (p->line < t.line ||
			    (p->line == t.line && p->col <= t.col))))
				break;
			d->v[j] = d->v[j - 1];
		}
		d->v[j] = t;
	}
}

void tlpress_diags_release(struct tlpress_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
		free(d->v[i].hint);
		free(d->v[i].key);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

void tlpress_diag_format(const struct tlpress_diag *d, struct tlpress_buf *out)
{
	if (d->file)
		tlpress_buf_printf(out, "%s:", d->file);
	if (d->line) {
		tlpress_buf_printf(out, "%u:", d->line);
		if (d->col)
			tlpress_buf_printf(out, "%u:", d->col);
	}
	tlpress_buf_printf(out, "%s%s: %s\n", d->file ? " " : "",
			   tlpress_severity_name(d->severity), d->msg);
	if (d->hint)
		tlpress_buf_printf(out, "    hint: %s\n", d->hint);
}
