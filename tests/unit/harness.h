/*
 * harness.h - a tiny TAP producer for the unit tests (after cmark's
 * api_test/harness.h). Each test program prints "ok N - name" or
 * "not ok N - name" per check and the plan "1..N" at the end; prove(1)
 * reads it. Exit status is non-zero when any check failed.
 */
#ifndef TLPRESS_TEST_HARNESS_H
#define TLPRESS_TEST_HARNESS_H

#include <stdio.h>
#include <string.h>

static int harness_n, harness_failed;

static void harness_ok(int cond, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5), unused));

#include <stdarg.h>
static void harness_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	harness_n++;
	printf("%sok %d - ", cond ? "" : "not ", harness_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		harness_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
}

#define OK(cond, ...) harness_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define INT_EQ(got, want, ...) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	OK(g_ == w_, __VA_ARGS__); \
	if (g_ != w_) printf("#   got %lld, want %lld\n", g_, w_); \
} while (0)

#define STR_EQ(got, want, ...) do { \
	const char *g_ = (got), *w_ = (want); \
	int c_ = g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_; \
	OK(c_, __VA_ARGS__); \
	if (!c_) printf("#   got  '%s'\n#   want '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
} while (0)

#define DIAG(...) do { printf("# "); printf(__VA_ARGS__); printf("\n"); } while (0)

/* Shared by the tests that need files and servers */
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* An environment variable, or NULL when unset or empty. */
static const char *harness_env(const char *name) __attribute__((unused));
static const char *harness_env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* Remove path and everything below it. */
static void harness_rm_rf(const char *path) __attribute__((unused));
static void harness_rm_rf(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char sub[4096];

	if (d) {
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			harness_rm_rf(sub);
		}
		closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

/* Write s to path with mode. */
static void harness_write_file(const char *path, const char *s, mode_t mode)
	__attribute__((unused));
static void harness_write_file(const char *path, const char *s, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(s, f);
		fclose(f);
	}
	chmod(path, mode);
}

/* A reproducible pseudo-random number below n (xorshift64), for the tests
 * that hold a module to a library on random input. */
static unsigned long long harness_seed = 88172645463325252ULL;

static unsigned harness_rnd(unsigned n) __attribute__((unused));
static unsigned harness_rnd(unsigned n)
{
	harness_seed ^= harness_seed << 13;
	harness_seed ^= harness_seed >> 7;
	harness_seed ^= harness_seed << 17;
	return (unsigned)(harness_seed % n);
}

static int harness_done(void) __attribute__((unused));
static int harness_done(void)
{
	printf("1..%d\n", harness_n);
	return harness_failed ? 1 : 0;
}

/* Is the mapping that holds p advised for huge pages (its VmFlags in
 * /proc/self/smaps say "hg")? 1 or 0; -1 when that cannot be told (no
 * smaps, no VmFlags, or a kernel without transparent huge pages). */
static int harness_huge_advised(const void *p) __attribute__((unused));
static int harness_huge_advised(const void *p)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	unsigned long lo, hi, at = (unsigned long)p;
	int in = 0, r = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, ' ') &&
		    line[strspn(line, "0123456789abcdef")] == '-') {
			in = at >= lo && at < hi;
		} else if (in && !strncmp(line, "VmFlags:", 8)) {
			r = strstr(line, " hg") != NULL;
			break;
		}
	}
	fclose(f);
	if (r == 0 && access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK))
		r = -1;
	return r;
}

#endif
