/*
 * replay.c - run a fuzz target without libFuzzer: feed each file named on
 * the command line, or each file in the folders named, to
 * LLVMFuzzerTestOneInput() once. Built with gcc and the sanitizers of
 * `make asan` for `make check` (tests/cli/0080-fuzz-replay.t), so that the
 * committed corpus and every crash reproducer in it run on each check
 * without clang. Exit 0 when every file was read; a sanitizer report
 * aborts.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "fsutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int one(const char *path, size_t *count)
{
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	uint8_t *copy;
	size_t len;
	int errnum;

	if (tlpress_read_file(path, (size_t)64 << 20, &b, &errnum, &err)) {
		fprintf(stderr, "replay: %s\n", err.msg);
		tlpress_buf_release(&b);
		return 1;
	}
	/* the bytes in a buffer of their own size, as libFuzzer gives them,
	 * so that ASan sees a read past the end */
	len = b.len;
	copy = malloc(len ? len : 1);
	if (!copy) {
		tlpress_buf_release(&b);
		return 1;
	}
	if (len)
		memcpy(copy, b.ptr, len);
	tlpress_buf_release(&b);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
	(*count)++;
	return 0;
}

static int folder(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, **grown;
	size_t n = 0, cap = 0, i, len;
	int bad = 0;

	if (!d) {
		perror(dir);
		return 1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			grown = realloc(names, cap * sizeof(*names));
			if (!grown) {
				bad = 1;
				break;
			}
			names = grown;
		}
		len = strlen(dir) + strlen(e->d_name) + 2;
		names[n] = malloc(len);
		if (!names[n]) {
			bad = 1;
			break;
		}
		snprintf(names[n], len, "%s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp);
	for (i = 0; i < n; i++) {
		struct stat st;

		if (!bad && stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			bad |= one(names[i], count);
		free(names[i]);
	}
	free(names);
	return bad;
}

int main(int argc, char **argv)
{
	struct stat st;
	size_t count = 0;
	int i, bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|FOLDER...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			bad = 1;
		} else if (S_ISDIR(st.st_mode)) {
			bad |= folder(argv[i], &count);
		} else {
			bad |= one(argv[i], &count);
		}
	}
	printf("replayed %zu inputs\n", count);
	return bad;
}
