/* test_snapshot.c - the digest of a build's inputs: the same whatever the
 * number of threads that stat the files, each file's lstat handed back,
 * and changed by any change of a file's size, time or presence */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "scan.h"
#include "snapshot.h"

#include "harness.h"

#define NFILES 2600   /* over the count from which the stat calls are split */

int main(void)
{
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_pathlist files = TLPRESS_PATHLIST_INIT;
	struct tlpress_snapshot_fstat *f1, *f3;
	unsigned char fp[TLPRESS_SHA256_LEN] = { 1, 2, 3 };
	unsigned char d1[TLPRESS_SHA256_LEN], d2[TLPRESS_SHA256_LEN], d3[TLPRESS_SHA256_LEN];
	unsigned char d4[TLPRESS_SHA256_LEN];
	char dir[] = "/tmp/tlpress-test-snapshot-XXXXXX", path[256];
	struct stat st;
	size_t i, bad = 0;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	/* files in three folders, as a tree of advisories by year */
	for (i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "%s/%zu", dir, 2024 + i % 3);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/%zu/CCB-%zu-%05zu.md", dir, 2024 + i % 3,
			 2024 + i % 3, i);
		harness_write_file(path, i % 7 ? "---\n" : "-", 0644);
	}
	OK(tlpress_scan(dir, &files, &err) == 0 && files.n == NFILES, "%d files scanned",
	   NFILES);
	f1 = calloc(files.n, sizeof(*f1));
	f3 = calloc(files.n, sizeof(*f3));
	if (!f1 || !f3)
		return 1;

	tlpress_snapshot_digest(fp, "tree", &files, 1, d1, f1);
	tlpress_snapshot_digest(fp, "tree", &files, 2, d2, NULL);
	tlpress_snapshot_digest(fp, "tree", &files, 3, d3, f3);
	OK(!memcmp(d1, d2, sizeof(d1)) && !memcmp(d1, d3, sizeof(d1)),
	   "the digest is the same on 1, 2 and 3 threads");
	for (i = 0; i < files.n; i++)
		if (memcmp(&f1[i], &f3[i], sizeof(f1[i])) || !f1[i].ok ||
		    lstat(files.v[i], &st) || f1[i].size != (long long)st.st_size ||
		    f1[i].ino != (long long)st.st_ino)
			bad++;
	INT_EQ(bad, 0, "each file's lstat handed back, in the files' order");

	tlpress_snapshot_digest(fp, "another tree", &files, 2, d4, NULL);
	OK(memcmp(d1, d4, sizeof(d1)), "another tree, another digest");
	/* a file of the second half grows: the thread that stats it sees it */
	harness_write_file(files.v[files.n - 2], "---\nlonger\n", 0644);
	tlpress_snapshot_digest(fp, "tree", &files, 2, d4, f3);
	OK(memcmp(d1, d4, sizeof(d1)), "a file that grew changes the digest");
	INT_EQ(f3[files.n - 2].size, 11, "and its new size is handed back");
	unlink(files.v[1]);
	tlpress_snapshot_digest(fp, "tree", &files, 2, d2, f3);
	tlpress_snapshot_digest(fp, "tree", &files, 1, d3, NULL);
	OK(memcmp(d4, d2, sizeof(d4)) && !memcmp(d2, d3, sizeof(d2)),
	   "a file gone changes it, the same on 1 and 2 threads");
	INT_EQ(f3[1].ok, 0, "and is handed back as not stat'ed");

	free(f1);
	free(f3);
	tlpress_pathlist_release(&files);
	harness_rm_rf(dir);
	printf("1..%d\n", harness_n);
	return harness_failed != 0;
}
