/*
 * scan.h - find advisory files under the paths a command is given
 */
#ifndef TLPRESS_SCAN_H
#define TLPRESS_SCAN_H

#include <stddef.h>

#include "error.h"

struct tlpress_pathlist {
	char **v;       /* owned paths, sorted */
	size_t n, cap;
};

#define TLPRESS_PATHLIST_INIT { NULL, 0, 0 }

/*
 * Add `path` to list: a file as it is, a folder by every `*.md` below it
 * (hidden entries and README.md skipped, symbolic links to folders not
 * followed). The list is sorted and without duplicates afterwards.
 * Returns 0, or TLPRESS_EIO with err naming the path that failed.
 */
int tlpress_scan(const char *path, struct tlpress_pathlist *list,
		 struct tlpress_error *err);

void tlpress_pathlist_release(struct tlpress_pathlist *list);

#endif
