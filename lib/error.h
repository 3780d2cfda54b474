/*
 * error.h - error codes, one error value, and lists of diagnostics
 *
 * Library functions return 0 on success or a negative enum tlpress_errcode,
 * and take a `struct tlpress_error *err` that they fill on failure only
 * (git's strbuf *err, curl's CURLcode with its error buffer). lib/ never
 * prints and never exits: cmd/ turns errors into messages and exit codes.
 *
 * A `struct tlpress_diags` collects compiler-style diagnostics
 * (file:line:col: error: message) for checks that report every problem
 * rather than stopping at the first.
 */
#ifndef TLPRESS_ERROR_H
#define TLPRESS_ERROR_H

#include <stddef.h>

enum tlpress_errcode {
	TLPRESS_OK = 0,
	TLPRESS_ENOMEM = -1,  /* out of memory */
	TLPRESS_EIO = -2,     /* reading or writing a file failed */
	TLPRESS_EINVAL = -3,  /* bad input: see the message or diagnostics */
	TLPRESS_ELIMIT = -4,  /* input over a size, depth or count limit */
	TLPRESS_EPOLICY = -5, /* refused by the TLP policy */
	TLPRESS_EUSAGE = -6,  /* a caller passed arguments that make no sense */
	TLPRESS_ECRYPTO = -7, /* signing, encryption or a key */
	TLPRESS_ENET = -8,    /* a server or transfer */
	TLPRESS_ELOCKED = -9  /* another run holds the lock */
};

#define TLPRESS_ERRMSG_SIZE 1024

struct tlpress_error {
	int code;                       /* an enum tlpress_errcode */
	char msg[TLPRESS_ERRMSG_SIZE];  /* what failed, and why */
};

#define TLPRESS_ERROR_INIT { 0, "" }

/* A fixed text for a code. */
const char *tlpress_strerror(int code);

/* Fill err (when not NULL) and return code, so that callers can write
 * `return tlpress_error_set(err, TLPRESS_EIO, "cannot read '%s': %s", ...)`. */
int tlpress_error_set(struct tlpress_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* What a person can do about a failed system call that set errno e: a short
 * imperative phrase ("check the path"), or NULL when there is nothing more
 * to say than strerror(e). */
const char *tlpress_errno_hint(int e);

/* tlpress_error_set() for a failed system call: the message, then
 * ": strerror(e)" and, when tlpress_errno_hint(e) has one, "; " and the
 * hint. Pass errno as e before anything can change it. */
int tlpress_error_errno(struct tlpress_error *err, int code, int e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

enum tlpress_severity {
	TLPRESS_NOTE,
	TLPRESS_WARNING,
	TLPRESS_ERROR
};

struct tlpress_diag {
	char *file;                 /* owned; may be NULL */
	unsigned line, col;         /* 1-based; 0 when unknown */
	enum tlpress_severity severity;
	char *msg;                  /* owned */
	char *hint;                 /* owned; NULL when there is none */
	char *key;                  /* owned; the front-matter key or NULL */
};

struct tlpress_diags {
	struct tlpress_diag *v;
	size_t n, cap;
	size_t nerrors, nwarnings;
	int failed;                 /* an allocation failed: some were lost */
};

#define TLPRESS_DIAGS_INIT { NULL, 0, 0, 0, 0, 0 }

/* Append one diagnostic. `hint` and `key` may be NULL. Returns the new
 * entry (owned by d), or NULL when memory ran out (d->failed is set). */
struct tlpress_diag *tlpress_diags_add(struct tlpress_diags *d,
				       enum tlpress_severity sev,
				       const char *file, unsigned line,
				       unsigned col, const char *key,
				       const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));
/* Sort by file, line and column, keeping the order of equal places. */
void tlpress_diags_sort(struct tlpress_diags *d);
void tlpress_diags_release(struct tlpress_diags *d);

const char *tlpress_severity_name(enum tlpress_severity sev);



struct tlpress_buf;
/* "file:line:col: error: message\n" and, with a hint, "    hint: ...\n",
 * appended to out. Positions that are 0 are left out. */
void tlpress_diag_format(const struct tlpress_diag *d, struct tlpress_buf *out);
#endif
