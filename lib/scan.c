/* scan.c - find advisory files; see scan.h */
#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int add(struct tlpress_pathlist *l, const char *p, struct tlpress_error *err)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 64;
		char **v = realloc(l->v, nc * sizeof(*v));

		if (!v)
			return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		l->v = v;
		l->cap = nc;
	}
	if (!(l->v[l->n] = strdup(p)))
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	l->n++;
	return 0;
}

static int walk(const char *dir, struct tlpress_pathlist *l, unsigned depth,
		struct tlpress_error *err)
{
	DIR *d;
	struct dirent *e;
	int r = 0;

	if (depth > 16)
		return tlpress_error_set(err, TLPRESS_ELIMIT,
					 "'%s': folders nest too deeply (over 16 levels); keep "
					 "advisories in fewer levels of folders", dir);
	d = opendir(dir);
	if (!d)
		return tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot read folder '%s'", dir);
	while (!r && (e = readdir(d))) {
		size_t n = strlen(e->d_name), dl = strlen(dir);
		struct stat st;
		char *p;

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "README.md"))
			continue;
		p = malloc(dl + n + 2);
		if (!p) {
			r = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
			break;
		}
		memcpy(p, dir, dl);
		if (dl && dir[dl - 1] != '/')
			p[dl++] = '/';
		memcpy(p + dl, e->d_name, n + 1);
		/* the folder's entry says what it is on most file systems: no
		 * lstat() per file */
		if (e->d_type == DT_DIR)
			st.st_mode = S_IFDIR;
		else if (e->d_type == DT_REG)
			st.st_mode = S_IFREG;
		else if (e->d_type == DT_LNK)
			st.st_mode = S_IFLNK;
		if ((e->d_type != DT_UNKNOWN && (e->d_type == DT_DIR || e->d_type == DT_REG ||
						 e->d_type == DT_LNK)) || lstat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				r = walk(p, l, depth + 1, err);
			else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) &&
				 n > 3 && !strcmp(e->d_name + n - 3, ".md"))
				r = add(l, p, err);
		}
		free(p);
	}
	closedir(d);
	return r;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int tlpress_scan(const char *path, struct tlpress_pathlist *l, struct tlpress_error *err)
{
	struct stat st;
	size_t i, j;
	int r;

	if (stat(path, &st) < 0)
		return tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot read '%s'", path);
	r = S_ISDIR(st.st_mode) ? walk(path, l, 0, err) : add(l, path, err);
	if (r)
		return r;
	if (l->n > 1) /* qsort(NULL, 0, ...) is undefined */
		qsort(l->v, l->n, sizeof(*l->v), cmp);
	for (i = j = 0; i < l->n; i++) {
		if (j && !strcmp(l->v[j - 1], l->v[i])) {
			free(l->v[i]);
			continue;
		}
		l->v[j++] = l->v[i];
	}
	l->n = j;
	return 0;
}

void tlpress_pathlist_release(struct tlpress_pathlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
