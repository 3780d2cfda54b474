/* bench/writefloor.c - the "write floor" and "stack floor" lines of
 * bench/build: write a tree of files with given sizes and nothing else, as
 * fast as the file system lets; or, built with -DSTACK_FLOOR (and linked with
 * cmark-gfm, libyaml and libgcrypt), that and the least work any build of
 * the same tree on tlpress's libraries must do besides.
 *   writefloor [-t] [-j THREADS] [-s CORPUS] LIST OUT
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
 * -s CORPUS (the stack floor): the threads take CORPUS's advisories (every
 * *.md) one at a time instead, and for each read it, parse its front matter
 * with libyaml (events, no tree), parse its body with cmark-gfm and the
 * extensions tlpress attaches and render that to HTML once, then write its
 * share of LIST's files (the files in order, spread evenly over the
 * advisories), each hashed with SHA-256 as it is written (tlpress's
 * manifest) and the .json ones with SHA-512 too (CSAF's hash files). What
 * tlpress does besides (the renditions, templates, XML, JSON, feed, index,
 * cache, checks) is not done: the line is what no build of this tree on
 * these libraries can go below.
 *
 * Built by bench/build with `cc -O2 -pthread` (and -DSTACK_FLOOR and the
 * libraries for the second binary); not part of tlpress. */
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
#ifdef STACK_FLOOR
#include <dirent.h>
#include <sys/mman.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <gcrypt.h>
#include <yaml.h>
#endif

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
#ifdef STACK_FLOOR
static struct dirent **sources;  /* -s: the advisories */
static size_t nsrc;
static int corpusfd = -1;
static cmark_llist *exts;
#endif

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
#ifdef STACK_FLOOR
	gcry_md_hd_t md = NULL;
	size_t n = strlen(f->name);

	if (nsrc) {
		gcry_error_t e = gcry_md_open(&md, GCRY_MD_SHA256, 0);

		if (e) {
			fprintf(stderr, "writefloor: cannot hash '%s': %s\n", f->name,
				gcry_strerror(e));
			exit(1);
		}
		if (n > 5 && strcmp(f->name + n - 5, ".json") == 0)
			gcry_md_enable(md, GCRY_MD_SHA512);
	}
#endif
	if (fd < 0)
		die("cannot create", f->name);
	while (left > 0) {
		ssize_t w = write(fd, buf, left < sizeof(buf) ? left : sizeof(buf));

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("cannot write", f->name);
#ifdef STACK_FLOOR
		if (md)
			gcry_md_write(md, buf, (size_t)w);
#endif
		left -= (size_t)w;
	}
#ifdef STACK_FLOOR
	if (md) {
		gcry_md_read(md, GCRY_MD_SHA256); /* the digest, as tlpress takes it */
		gcry_md_close(md);
	}
#endif
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

#ifdef STACK_FLOOR
/* cmark-gfm's allocations from a region of the thread's, given back whole
 * after each advisory, as tlpress does (lib/arena.c): with malloc and free,
 * a tenth of the line's time went into them */
#define REGION ((size_t)64 << 20)

struct piece {
	size_t size, pad;
};

static _Thread_local unsigned char *region;
static _Thread_local size_t region_used;

static void *region_alloc(size_t n)
{
	size_t want = sizeof(struct piece) + ((n + 15) & ~(size_t)15);
	struct piece *h;

	if (!region) {
		region = mmap(NULL, REGION, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (region == MAP_FAILED)
			die("cannot map", "a region");
#ifdef MADV_HUGEPAGE
		madvise(region, REGION, MADV_HUGEPAGE);
#endif
	}
	if (REGION - region_used < want) {
		fprintf(stderr, "writefloor: an advisory needs more than %zu MiB\n", REGION >> 20);
		exit(1);
	}
	h = (struct piece *)(region + region_used);
	h->size = n;
	region_used += want;
	return h + 1;
}

static void *region_calloc(size_t n, size_t size)
{
	void *p = region_alloc(n * size);

	memset(p, 0, n * size);
	return p;
}

static void *region_realloc(void *p, size_t n)
{
	void *q = region_alloc(n);

	if (p) {
		size_t old = ((struct piece *)p - 1)->size;

		memcpy(q, p, old < n ? old : n);
	}
	return q;
}

static void region_free(void *p)
{
	(void)p;
}

static cmark_mem region_mem = { region_calloc, region_realloc, region_free };

/* -s: advisory k read, its front matter parsed (libyaml events) and its body
 * parsed and rendered to HTML (cmark-gfm), as tlpress's options have it */
static void parse_source(size_t k)
{
	const char *name = sources[k]->d_name;
	int fd = openat(corpusfd, name, O_RDONLY | O_CLOEXEC);
	size_t len, got = 0;
	struct stat st;
	char *text, *body, *end, *html;
	cmark_parser *p;
	cmark_node *doc;

	if (fd < 0 || fstat(fd, &st) < 0)
		die("cannot read", name);
	len = (size_t)st.st_size;
	if (!(text = malloc(len + 1)))
		die("out of memory for", name);
	while (got < len) {
		ssize_t r = read(fd, text + got, len - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die("cannot read", name);
		got += (size_t)r;
	}
	close(fd);
	text[len] = '\0';
	body = text;
	if (strncmp(text, "---\n", 4) == 0 && (end = strstr(text + 3, "\n---\n"))) {
		yaml_parser_t yp;
		yaml_event_t ev;
		int done = 0;

		if (!yaml_parser_initialize(&yp))
			die("out of memory for", name);
		yaml_parser_set_input_string(&yp, (const unsigned char *)text + 4,
					     (size_t)(end + 1 - (text + 4)));
		while (!done) {
			if (!yaml_parser_parse(&yp, &ev)) {
				fprintf(stderr, "writefloor: %s: front matter: %s\n", name,
					yp.problem ? yp.problem : "not YAML");
				exit(1);
			}
			done = ev.type == YAML_STREAM_END_EVENT;
			yaml_event_delete(&ev);
		}
		yaml_parser_delete(&yp);
		body = end + 5;
	}
	region_used = 0;
	if (!(p = cmark_parser_new_with_mem(CMARK_OPT_DEFAULT, &region_mem)))
		die("out of memory for", name);
	for (cmark_llist *l = exts; l; l = l->next)
		cmark_parser_attach_syntax_extension(p, l->data);
	cmark_parser_feed(p, body, len - (size_t)(body - text));
	doc = cmark_parser_finish(p);
	if (!doc || !(html = cmark_render_html_with_mem(doc, CMARK_OPT_DEFAULT, exts,
							 &region_mem)))
		die("out of memory for", name);
	free(text);     /* the rest is the region's, taken back by the next advisory */
}

static int is_md(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 3 && strcmp(d->d_name + n - 3, ".md") == 0;
}

static void stack_init(const char *corpus)
{
	static const char *const names[] = { "table", "autolink", "strikethrough" };
	int n;

	if ((corpusfd = open(corpus, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		die("cannot open", corpus);
	if ((n = scandir(corpus, &sources, is_md, alphasort)) < 0)
		die("cannot list", corpus);
	if (n == 0) {
		fprintf(stderr, "writefloor: no advisories (*.md) in '%s'\n", corpus);
		exit(1);
	}
	nsrc = (size_t)n;
	gcry_check_version(NULL);
	gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	cmark_gfm_core_extensions_ensure_registered();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(names[i]);

		if (!e) {
			fprintf(stderr, "writefloor: cmark-gfm has no '%s' extension\n", names[i]);
			exit(1);
		}
		exts = cmark_llist_append(cmark_get_default_mem_allocator(), exts, e);
	}
}
#endif

static void *worker(void *arg)
{
	size_t i;

	(void)arg;
#ifdef STACK_FLOOR
	if (nsrc) {
		while ((i = atomic_fetch_add(&next, 1)) < nsrc) {
			parse_source(i);
			for (size_t j = i * nfiles / nsrc; j < (i + 1) * nfiles / nsrc; j++)
				write_file(&files[j]);
		}
		return NULL;
	}
#endif
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

#ifdef STACK_FLOOR
#define OPTS "tj:s:"
#else
#define OPTS "tj:"
#endif
	while ((opt = getopt(argc, argv, OPTS)) != -1) {
		if (opt == 't')
			use_tmpfile = 1;
#ifdef STACK_FLOOR
		else if (opt == 's')
			stack_init(optarg);
#endif
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
#ifdef STACK_FLOOR
	fprintf(stderr, "usage: stackfloor [-t] [-j THREADS] [-s CORPUS] LIST OUT\n");
#else
	fprintf(stderr, "usage: writefloor [-t] [-j THREADS] LIST OUT\n");
#endif
	return 2;
}
