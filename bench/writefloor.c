/* bench/writefloor.c - the "write floor" lines of bench/build: write a tree of
 * files with given sizes and nothing else, as fast as the file system lets.
 *
 *   writefloor [-t] [-j THREADS] LIST OUT
 *
 * LIST (written by bench/build from a tree tlpress built) holds one line per
 * folder, "d REL", parents before children, numbered from 1 in that order (0
 * is OUT), then one line per file, "SIZE FOLDER NAME". OUT must not exist: it
 * is made, then every folder, then THREADS threads (2: as `tlpress build -j 2`)
 * take the files one at a time and write each SIZE bytes of a static buffer:
 * openat(O_CREAT | O_EXCL | O_WRONLY) + write + close, or with -t as tlpress
 * writes a new file (write_unnamed() in lib/fsutil.c): openat(O_TMPFILE) +
 * write + linkat of /proc/self/fd/N. While they write, one more thread
 * flushes OUT's file system (syncfs) every 50 ms, as tlpress_flusher_start()
 * does during a build, so that the disk works while the files are made;
 * then a last syncfs() as every tlpress build ends. Prints "FILES BYTES
 * WRITE_S SYNC_S" on stdout (SYNC_S: that last syncfs).
 *
 * Built by bench/build with `cc -O2 -pthread`; not part of tlpress. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct file {
	size_t size;
	int dir;
	char *name;
};

static struct file *files;
static size_t nfiles;
static int *dirfds;
static int ndirs;
static int use_tmpfile;
static atomic_size_t next;
static char buf[256 * 1024];

static void die(const char *what, const char *name)
{
	fprintf(stderr, "writefloor: %s '%s': %s\n", what, name, strerror(errno));
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void write_file(const struct file *f)
{
	int dfd = dirfds[f->dir], fd;
	size_t left = f->size;
	char proc[64];

	if (use_tmpfile)
		fd = openat(dfd, ".", O_WRONLY | O_TMPFILE | O_CLOEXEC, 0644);
	else
		fd = openat(dfd, f->name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		die("cannot create", f->name);
	while (left > 0) {
		ssize_t w = write(fd, buf, left < sizeof(buf) ? left : sizeof(buf));

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("cannot write", f->name);
		left -= (size_t)w;
	}
	if (use_tmpfile) {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		if (linkat(AT_FDCWD, proc, dfd, f->name, AT_SYMLINK_FOLLOW) < 0)
			die("cannot link", f->name);
	}
	if (close(fd) < 0)
		die("cannot close", f->name);
}

static atomic_int written;      /* the writers are done */
static int outfd;

static void *flusher(void *arg)
{
	struct timespec pause = { 0, 50 * 1000000L };

	(void)arg;
	while (!atomic_load(&written)) {
		nanosleep(&pause, NULL);
		if (!atomic_load(&written))
			syncfs(outfd);
	}
	return NULL;
}

static void *worker(void *arg)
{
	size_t i;

	(void)arg;
	while ((i = atomic_fetch_add(&next, 1)) < nfiles)
		write_file(&files[i]);
	return NULL;
}

/* Read LIST: folders into dirnames (1..), files into files. */
static char **read_list(const char *list)
{
	FILE *fp = fopen(list, "r");
	char *line = NULL, **dirnames = NULL;
	size_t cap = 0, fcap = 0, dcap = 0;
	ssize_t len;

	if (!fp)
		die("cannot open", list);
	while ((len = getline(&line, &cap, fp)) > 0) {
		unsigned long long size;
		int dir, off = 0;

		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] == 'd' && line[1] == ' ') {
			if ((size_t)ndirs + 1 >= dcap) {
				dcap = dcap ? 2 * dcap : 64;
				dirnames = realloc(dirnames, dcap * sizeof(*dirnames));
			}
			dirnames[++ndirs] = strdup(line + 2);
			continue;
		}
		if (sscanf(line, "%llu %d %n", &size, &dir, &off) != 2 || off == 0 ||
		    dir < 0 || dir > ndirs) {
			fprintf(stderr, "writefloor: %s: bad line '%s'\n", list, line);
			exit(1);
		}
		if (nfiles == fcap) {
			fcap = fcap ? 2 * fcap : 1024;
			files = realloc(files, fcap * sizeof(*files));
		}
		files[nfiles].size = size;
		files[nfiles].dir = dir;
		files[nfiles++].name = strdup(line + off);
	}
	free(line);
	fclose(fp);
	return dirnames;
}

int main(int argc, char **argv)
{
	int opt, threads = 2, i, out;
	unsigned long long bytes = 0;
	pthread_t *tid;
	char **dirnames;
	double t0, t1, t2;
	size_t k;

	while ((opt = getopt(argc, argv, "tj:")) != -1) {
		if (opt == 't')
			use_tmpfile = 1;
		else if (opt == 'j' && atoi(optarg) > 0)
			threads = atoi(optarg);
		else
			goto usage;
	}
	if (argc - optind != 2)
		goto usage;
	t0 = now();
	dirnames = read_list(argv[optind]);
	memset(buf, 'x', sizeof(buf));
	if (mkdir(argv[optind + 1], 0755) < 0)
		die("cannot make", argv[optind + 1]);
	dirfds = malloc((ndirs + 1) * sizeof(*dirfds));
	out = open(argv[optind + 1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (out < 0)
		die("cannot open", argv[optind + 1]);
	dirfds[0] = out;
	for (i = 1; i <= ndirs; i++) {
		if (mkdirat(out, dirnames[i], 0755) < 0)
			die("cannot make", dirnames[i]);
		dirfds[i] = openat(out, dirnames[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirfds[i] < 0)
			die("cannot open", dirnames[i]);
	}
	tid = malloc((threads + 1) * sizeof(*tid));
	outfd = out;
	if ((errno = pthread_create(&tid[threads], NULL, flusher, NULL)) != 0)
		die("cannot start a thread for", argv[optind + 1]);
	for (i = 0; i < threads; i++)
		if ((errno = pthread_create(&tid[i], NULL, worker, NULL)) != 0)
			die("cannot start a thread for", argv[optind + 1]);
	for (i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	atomic_store(&written, 1);
	pthread_join(tid[threads], NULL);
	t1 = now();
	if (syncfs(out) < 0)
		die("cannot flush", argv[optind + 1]);
	t2 = now();
	for (k = 0; k < nfiles; k++)
		bytes += files[k].size;
	printf("%zu %llu %.3f %.3f\n", nfiles, bytes, t1 - t0, t2 - t1);
	return 0;
usage:
	fprintf(stderr, "usage: writefloor [-t] [-j THREADS] LIST OUT\n");
	return 2;
}
