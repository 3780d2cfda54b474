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

	{
		/* saved and loaded: what a rebuild of a few needs (site.c,
		 * quick()): the files' stat in order, their names, the feed */
		struct tlpress_snapshot a = TLPRESS_SNAPSHOT_INIT, b = TLPRESS_SNAPSHOT_INIT;
		struct tlpress_snapshot_fstat f;
		char sp[300];
		FILE *fp2;
		long sz;

		snprintf(sp, sizeof(sp), "%s/snap", dir);
		memcpy(a.digest, d1, sizeof(d1));
		memcpy(a.fp, fp, sizeof(a.fp));
		tlpress_snapshot_names((const char *const *)files.v, files.n, sizeof(*files.v),
				       a.names);
		a.from = 100;
		a.until = 200;
		a.decided = 300;
		a.racy = 1234567890;
		a.files = files.n;
		f3[5].size = -7; /* a size no file has: the record says "not stat'ed" */
		f3[5].ok = 0;
		a.fs = f3;
		a.nfs = files.n;
		OK(tlpress_snapshot_feed_add(&a, "CCB-2026-0001") == 0 &&
		   tlpress_snapshot_feed_add(&a, "CCB-2026-0002") == 0 &&
		   tlpress_snapshot_feed_add(&a, "two\nlines") == -1, "the feed's ids (none of two lines)");
		OK(tlpress_snapshot_stamp(&a, dir, ".") == 0, "a stamp");
		INT_EQ(tlpress_snapshot_save(&a, sp, &err), 0, "saved");
		INT_EQ(tlpress_snapshot_load(&b, sp), 0, "loaded");
		OK(!memcmp(a.fp, b.fp, sizeof(a.fp)) && !memcmp(a.names, b.names, sizeof(a.names)) &&
		   b.decided == 300 && b.racy == 1234567890 && b.from == 100 && b.until == 200,
		   "the fingerprint, names, moments");
		OK(b.nfeed == 2 && !strcmp(b.feed[1], "CCB-2026-0002"), "the feed's ids");
		bad = b.raw ? 0 : files.n;
		for (i = 0; b.raw && i < files.n; i++) {
			tlpress_snapshot_file(&b, i, &f);
			if (f.ok != f3[i].ok || (f.ok && (f.size != f3[i].size ||
						       f.mtime_ns != f3[i].mtime_ns || f.ino != f3[i].ino)))
				bad++;
		}
		INT_EQ(b.nfs, files.n, "every file");
		INT_EQ(bad, 0, "each as it was, one not stat'ed");
		tlpress_snapshot_release(&b);
		/* cut short by a byte: the files are not trusted, the rest is */
		fp2 = fopen(sp, "r+");
		fseek(fp2, 0, SEEK_END);
		sz = ftell(fp2);
		fclose(fp2);
		OK(truncate(sp, sz - 1) == 0, "the snapshot cut short");
		INT_EQ(tlpress_snapshot_load(&b, sp), 0, "still loads");
		OK(!b.raw && b.nfs == 0, "without its files");
		tlpress_snapshot_release(&b);
		harness_write_file(sp, "tlpress snapshot 1\ndigest 00\n", 0600);
		INT_EQ(tlpress_snapshot_load(&b, sp), -1, "a snapshot of version 1 is none");
		tlpress_snapshot_release(&b);
		a.fs = NULL;
		tlpress_snapshot_release(&a);
	}
	free(f1);
	free(f3);
	tlpress_pathlist_release(&files);
	harness_rm_rf(dir);
	printf("1..%d\n", harness_n);
	return harness_failed != 0;
}
