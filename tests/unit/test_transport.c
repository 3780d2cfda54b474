/*
 * test_transport.c - the three upload transports against real servers.
 *
 * file:// always runs (a folder under /tmp). WebDAV and SFTP run when the
 * environment names their servers; tests/cli/0060-transport.t starts a
 * private nginx and sshd and sets:
 *   TLPRESS_TEST_WEBDAV_URL          http://127.0.0.1:PORT/site/
 *   TLPRESS_TEST_WEBDAV_STRICT_URL   (optional) a location without
 *                                    create_full_put_path, for MKCOL
 *   TLPRESS_TEST_NETRC               netrc with the right password (mode 600)
 *   TLPRESS_TEST_SERVER_ROOT_WEBDAV  the folder nginx serves /site/ from
 *   TLPRESS_TEST_SFTP_URL            sftp://USER@127.0.0.1:PORT/abs/folder/
 *   TLPRESS_TEST_SSH_KEY             client key (KEY.pub beside it)
 *   TLPRESS_TEST_KNOWN_HOSTS         the pinned host key
 *   TLPRESS_TEST_SERVER_ROOT_SFTP    the same folder as the SFTP URL's
 * For each: put new, put over, nested folders, get, delete, a 5 MB
 * replacement while another thread keeps reading the file on the server's
 * disk (always the whole old or the whole new bytes), refused paths, no
 * temporary file left after success or failure, and the failures an
 * operator meets: wrong password, server down, netrc mode, host keys.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "fsutil.h"
#include "transport.h"

#include "harness.h"

#define BIG (5u * 1024 * 1024)

static char scratch[256]; /* a folder of this test, removed at the end */

/* The content of root/rel on disk into out; -1 when it cannot be read. */
static int disk(const char *root, const char *rel, struct tlpress_buf *out)
{
	struct tlpress_buf p = TLPRESS_BUF_INIT;
	int r;

	tlpress_buf_reset(out);
	tlpress_path_join(&p, root, rel);
	r = tlpress_read_file(p.ptr, 64u << 20, out, NULL, NULL);
	tlpress_buf_release(&p);
	return r ? -1 : 0;
}

static int disk_is(const char *root, const char *rel, const char *want)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	int ok = disk(root, rel, &b) == 0 && b.len == strlen(want) && !memcmp(b.ptr, want, b.len);

	tlpress_buf_release(&b);
	return ok;
}

static int exists(const char *root, const char *rel)
{
	struct tlpress_buf p = TLPRESS_BUF_INIT;
	struct stat st;
	int r;

	tlpress_path_join(&p, root, rel);
	r = lstat(p.ptr, &st) == 0;
	tlpress_buf_release(&p);
	return r;
}

/* Count the temporary files below path (ours and fsutil's). */
static int count_tmp(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char sub[4096];
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (strstr(e->d_name, "tlpress-tmp") || !strncmp(e->d_name, ".tlpress-", 9)) {
			DIAG("temporary file left: %s/%s", path, e->d_name);
			n++;
		}
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		if (e->d_type == DT_DIR)
			n += count_tmp(sub);
	}
	closedir(d);
	return n;
}

/* A port on 127.0.0.1 where nothing listens. */
static int closed_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&a, sizeof(a));
	getsockname(fd, (struct sockaddr *)&a, &len);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* A port that accepts connections (the kernel does, from the backlog) and
 * never says a word: a hung server. Returns the listening fd. */
static int silent_server(int *port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&a, sizeof(a));
	listen(fd, 8);
	getsockname(fd, (struct sockaddr *)&a, &len);
	*port = ntohs(a.sin_port);
	return fd;
}

/* "scheme://host:PORT/..." with another port */
static void with_port(char *out, size_t size, const char *url, int port)
{
	const char *host = strstr(url, "://"), *colon, *slash;

	host = host ? host + 3 : url;
	slash = strchr(host, '/');
	colon = strchr(host, ':');
	if (!slash)
		slash = host + strlen(host);
	if (!colon || colon > slash)
		colon = slash;
	snprintf(out, size, "%.*s:%d%s", (int)(colon - url), url, port, slash);
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the reader that checks every moment of a replacement ---- */

struct reader {
	char path[4096];
	const char *a, *b;
	size_t len;
	atomic_int stop;
	atomic_int ready;            /* the reader has been round once */
	long reads, whole_a, whole_b, partial, missing;
};

/* Open the file again and again: every open must find it, with the size of
 * the old or the new content (cheap: it catches a moment without a file or
 * a file being written in place); every 32nd time read it all and compare. */
static void *reader_main(void *arg)
{
	struct reader *r = arg;
	char *buf = malloc(r->len + 1);
	unsigned long i;

	for (i = 0; buf && !atomic_load(&r->stop); i++, atomic_store(&r->ready, 1)) {
		size_t got = 0;
		ssize_t n;
		struct stat st;
		int fd = open(r->path, O_RDONLY);

		if (fd < 0) {
			if (errno == ENOENT)
				r->missing++;
			continue;
		}
		r->reads++;
		if (fstat(fd, &st) < 0 || (size_t)st.st_size != r->len) {
			r->partial++;
			close(fd);
			continue;
		}
		if (i % 32) {
			close(fd);
			continue;
		}
		while (got <= r->len && (n = read(fd, buf + got, r->len + 1 - got)) > 0)
			got += (size_t)n;
		close(fd);
		if (got == r->len && !memcmp(buf, r->a, r->len))
			r->whole_a++;
		else if (got == r->len && !memcmp(buf, r->b, r->len))
			r->whole_b++;
		else
			r->partial++;
	}
	free(buf);
	return NULL;
}

static void test_atomic(const char *kind, struct tlpress_transport *t, const char *root)
{
	struct reader *rd = calloc(1, sizeof(*rd));
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	char *a = malloc(BIG), *b = malloc(BIG);
	pthread_t th;
	size_t i;
	int r, round;

	if (!rd || !a || !b) {
		OK(0, "%s: memory for the 5 MB test", kind);
		goto out;
	}
	for (i = 0; i < BIG; i++) {
		a[i] = (char)('a' + i % 23);
		b[i] = (char)('A' + i % 19);
	}
	r = tlpress_transport_put(t, "big/site.bin", a, BIG, &err);
	INT_EQ(r, 0, "%s: put a 5 MB file", kind);
	if (r) {
		DIAG("%s", err.msg);
		goto out;
	}
	snprintf(rd->path, sizeof(rd->path), "%s/big/site.bin", root);
	rd->a = a;
	rd->b = b;
	rd->len = BIG;
	pthread_create(&th, NULL, reader_main, rd);
	/* on a loaded machine the reader may start late: let it read the old
	 * file once before the replacements begin (at most 10 s) */
	for (i = 0; i < 1000 && !atomic_load(&rd->ready); i++)
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	for (round = 0, r = 0; round < 4 && !r; round++)
		r = tlpress_transport_put(t, "big/site.bin", round % 2 ? a : b, BIG, &err);
	atomic_store(&rd->stop, 1);
	pthread_join(th, NULL);
	INT_EQ(r, 0, "%s: replace it 4 times while another thread reads it on the server", kind);
	if (r)
		DIAG("%s", err.msg);
	DIAG("%s: %ld opens, of which %ld read whole: %ld old, %ld new; %ld partial, "
	     "%ld missing", kind, rd->reads, rd->whole_a + rd->whole_b,
	     rd->whole_a, rd->whole_b, rd->partial, rd->missing);
	OK(rd->reads > 0 && rd->partial == 0 && rd->missing == 0,
	   "%s: every read saw a whole file, old or new, never a part or no file", kind);
	OK(rd->whole_a > 0, "%s: reads saw the file during the replacements", kind);
out:
	free(rd);
	free(a);
	free(b);
}

/* ---- what every transport does the same ---- */

static void test_common(const char *kind, struct tlpress_transport *t, const char *root)
{
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_buf out = TLPRESS_BUF_INIT, small;
	int r, missing = -1;
	char path[4096];

	STR_EQ(tlpress_transport_kind(t), kind, "%s: kind", kind);

	r = tlpress_transport_put(t, "index.html", "<p>one</p>\n", 11, &err);
	INT_EQ(r, 0, "%s: put a new file", kind);
	if (r)
		DIAG("%s", err.msg);
	OK(disk_is(root, "index.html", "<p>one</p>\n"), "%s: the new file is on the server", kind);

	r = tlpress_transport_put(t, "index.html", "<p>two, longer</p>\n", 19, &err);
	INT_EQ(r, 0, "%s: put over an existing file", kind);
	OK(disk_is(root, "index.html", "<p>two, longer</p>\n"), "%s: it was replaced", kind);

	r = tlpress_transport_put(t, "advisories/2026/CCB-2026-0001.html", "adv\n", 4, &err);
	INT_EQ(r, 0, "%s: put into folders that do not exist yet", kind);
	if (r)
		DIAG("%s", err.msg);
	OK(disk_is(root, "advisories/2026/CCB-2026-0001.html", "adv\n"),
	   "%s: the folders were made", kind);

	r = tlpress_transport_put(t, "with space/caf\xc3\xa9 & co.html", "sp\n", 3, &err);
	INT_EQ(r, 0, "%s: put a name with a space, '&' and UTF-8", kind);
	if (r)
		DIAG("%s", err.msg);
	OK(disk_is(root, "with space/caf\xc3\xa9 & co.html", "sp\n"),
	   "%s: ... under its own name", kind);

	r = tlpress_transport_put(t, "empty.txt", NULL, 0, &err);
	INT_EQ(r, 0, "%s: put an empty file", kind);
	OK(disk_is(root, "empty.txt", ""), "%s: ... it is there and empty", kind);

	r = tlpress_transport_get(t, "advisories/2026/CCB-2026-0001.html", &out, &missing, &err);
	OK(r == 0 && missing == 0 && out.len == 4 && !memcmp(out.ptr, "adv\n", 4),
	   "%s: get an existing file", kind);
	r = tlpress_transport_get(t, "manifest.json", &out, &missing, &err);
	OK(r == 0 && missing == 1 && out.len == 0, "%s: get a missing file: *missing, no error",
	   kind);
	if (r)
		DIAG("%s", err.msg);
	r = tlpress_transport_get(t, "nowhere/manifest.json", &out, &missing, &err);
	OK(r == 0 && missing == 1, "%s: get below a missing folder: *missing", kind);
	tlpress_buf_init(&small, 8);
	r = tlpress_transport_get(t, "index.html", &small, &missing, &err);
	INT_EQ(r, TLPRESS_ELIMIT, "%s: get over the limit of the buffer", kind);
	tlpress_buf_release(&small);

	r = tlpress_transport_delete(t, "advisories/2026/CCB-2026-0001.html", &err);
	INT_EQ(r, 0, "%s: delete an existing file", kind);
	OK(!exists(root, "advisories/2026/CCB-2026-0001.html"), "%s: it is gone", kind);
	r = tlpress_transport_delete(t, "advisories/2026/CCB-2026-0001.html", &err);
	INT_EQ(r, 0, "%s: delete a file that is already gone", kind);
	if (r)
		DIAG("%s", err.msg);
	r = tlpress_transport_delete(t, "never/was/here.html", &err);
	INT_EQ(r, 0, "%s: delete in a folder that never existed", kind);
	if (r)
		DIAG("%s", err.msg);

	r = tlpress_transport_put(t, "../escape.html", "x", 1, &err);
	INT_EQ(r, TLPRESS_EUSAGE, "%s: put '../escape.html' refused", kind);
	OK(strstr(err.msg, "../escape.html") != NULL, "%s: ... the message names it", kind);
	r = tlpress_transport_put(t, "a/../../escape.html", "x", 1, &err);
	INT_EQ(r, TLPRESS_EUSAGE, "%s: put 'a/../../escape.html' refused", kind);
	r = tlpress_transport_put(t, "/etc/escape", "x", 1, &err);
	INT_EQ(r, TLPRESS_EUSAGE, "%s: put an absolute path refused", kind);
	r = tlpress_transport_delete(t, "..", &err);
	INT_EQ(r, TLPRESS_EUSAGE, "%s: delete '..' refused", kind);
	r = tlpress_transport_get(t, "a//b", &out, &missing, &err);
	INT_EQ(r, TLPRESS_EUSAGE, "%s: get 'a//b' refused", kind);

	/* a failed rename: the target is a folder; the temporary file goes */
	snprintf(path, sizeof(path), "%s/taken", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/taken/keep", root);
	harness_write_file(path, "k", 0644);
	r = tlpress_transport_put(t, "taken", "x", 1, &err);
	OK(r != 0, "%s: put onto a folder fails", kind);
	DIAG("%s", err.msg);
	OK(disk_is(root, "taken/keep", "k"), "%s: ... and the folder is untouched", kind);

	test_atomic(kind, t, root);

	INT_EQ(count_tmp(root), 0, "%s: no temporary file left behind", kind);
	tlpress_buf_release(&out);
}

/* ---- file:// ---- */

static void test_file(void)
{
	struct tlpress_transport *t = NULL;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	char root[512], url[600];
	int r;

	snprintf(root, sizeof(root), "%s/file-site", scratch);
	snprintf(url, sizeof(url), "file://%s", root); /* no final '/': added */
	r = tlpress_transport_open(&t, url, NULL, &err);
	INT_EQ(r, 0, "file: open %s", url);
	if (r) {
		DIAG("%s", err.msg);
		return;
	}
	test_common("file", t, root);
	tlpress_transport_close(t);

	r = tlpress_transport_open(&t, "file://elsewhere.example/srv/www/", NULL, &err);
	INT_EQ(r, TLPRESS_EUSAGE, "file: a remote host in a file:// URL is refused");
	r = tlpress_transport_open(&t, "gopher://example.test/x/", NULL, &err);
	INT_EQ(r, TLPRESS_EUSAGE, "an unknown scheme is refused");
	OK(strstr(err.msg, "gopher") != NULL, "... and the message names it");
	r = tlpress_transport_open(&t, "not a url", NULL, &err);
	INT_EQ(r, TLPRESS_EUSAGE, "a string that is no URL is refused");
	tlpress_transport_close(NULL);
}

/* ---- WebDAV ---- */

static void test_webdav(const char *url, const char *netrc, const char *root)
{
	struct tlpress_transport_opts o = { netrc, NULL, NULL, 10 };
	struct tlpress_transport *t = NULL;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	const char *strict = harness_env("TLPRESS_TEST_WEBDAV_STRICT_URL");
	char bad[512], other[600];
	double t0;
	int r, port, fd;

	r = tlpress_transport_open(&t, url, &o, &err);
	INT_EQ(r, 0, "webdav: open %s", url);
	if (r) {
		DIAG("%s", err.msg);
		return;
	}
	STR_EQ(tlpress_transport_url(t), url, "webdav: the base URL");
	test_common("webdav", t, root);
	tlpress_transport_close(t);

	if (strict) {
		struct tlpress_buf out = TLPRESS_BUF_INIT;
		int missing;

		r = tlpress_transport_open(&t, strict, &o, &err);
		if (!r)
			r = tlpress_transport_put(t, "deep/er/x.html", "m", 1, &err);
		INT_EQ(r, 0, "webdav: a server that does not make folders on PUT gets MKCOL");
		if (r)
			DIAG("%s", err.msg);
		if (!r)
			r = tlpress_transport_get(t, "deep/er/x.html", &out, &missing, &err);
		OK(!r && out.len == 1 && out.ptr[0] == 'm', "webdav: ... and the file is there");
		tlpress_transport_close(t);
		tlpress_buf_release(&out);
	}

	/* wrong password */
	snprintf(bad, sizeof(bad), "%s/netrc-wrong", scratch);
	harness_write_file(bad, "machine 127.0.0.1\nlogin uploader\npassword not-the-password\n", 0600);
	o.netrc = bad;
	r = tlpress_transport_open(&t, url, &o, &err);
	if (!r)
		r = tlpress_transport_put(t, "index.html", "x", 1, &err);
	INT_EQ(r, TLPRESS_ENET, "webdav: a wrong password is TLPRESS_ENET");
	DIAG("%s", err.msg);
	OK(strstr(err.msg, "401") && strstr(err.msg, "127.0.0.1") && strstr(err.msg, "index.html"),
	   "webdav: ... the message has the 401, the server and the file");
	OK(strstr(err.msg, bad) && strstr(err.msg, "operator"),
	   "webdav: ... names the netrc file and says it needs an operator");
	OK(!strstr(err.msg, "not-the-password"), "webdav: ... and never the password");
	OK(disk_is(root, "index.html", "<p>two, longer</p>\n"), "webdav: ... the file is untouched");
	tlpress_transport_close(t);

	/* netrc readable by others */
	snprintf(bad, sizeof(bad), "%s/netrc-644", scratch);
	harness_write_file(bad, "machine 127.0.0.1\nlogin uploader\npassword x\n", 0644);
	o.netrc = bad;
	r = tlpress_transport_open(&t, url, &o, &err);
	INT_EQ(r, TLPRESS_EUSAGE, "webdav: a netrc file with mode 644 is refused");
	OK(strstr(err.msg, "chmod 600") != NULL, "webdav: ... the message says chmod 600");
	DIAG("%s", err.msg);
	o.netrc = netrc;

	/* a password in the URL */
	r = tlpress_transport_open(&t, "http://uploader:secretpw@127.0.0.1:1/site/", &o, &err);
	INT_EQ(r, TLPRESS_EUSAGE, "webdav: a password in the URL is refused");
	OK(!strstr(err.msg, "secretpw"), "webdav: ... without repeating it");

	/* the server is down */
	with_port(other, sizeof(other), url, closed_port());
	r = tlpress_transport_open(&t, other, &o, &err);
	if (!r)
		r = tlpress_transport_put(t, "index.html", "x", 1, &err);
	INT_EQ(r, TLPRESS_ENET, "webdav: a server that is down is TLPRESS_ENET");
	DIAG("%s", err.msg);
	OK(strstr(err.msg, "127.0.0.1") && strstr(err.msg, "try again later"),
	   "webdav: ... the message names the server and says to try again later");
	tlpress_transport_close(t);

	/* the server hangs */
	fd = silent_server(&port);
	with_port(other, sizeof(other), url, port);
	o.timeout_s = 1;
	t0 = seconds();
	r = tlpress_transport_open(&t, other, &o, &err);
	if (!r)
		r = tlpress_transport_put(t, "index.html", "x", 1, &err);
	INT_EQ(r, TLPRESS_ENET, "webdav: a server that never answers is TLPRESS_ENET");
	OK(seconds() - t0 < 10, "webdav: ... after the timeout (%.1f s)", seconds() - t0);
	DIAG("%s", err.msg);
	tlpress_transport_close(t);
	close(fd);

	INT_EQ(count_tmp(root), 0, "webdav: still no temporary file after the failures");
}

/* ---- SFTP ---- */

/* known_hosts with the line for the test server, its key replaced by key */
static void known_hosts_with(const char *path, const char *good, const char *host_field,
			     const char *keyline)
{
	char line[4096] = "", type[64], blob[2048];
	FILE *f = fopen(good, "r"), *o;

	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		fclose(f);
	}
	o = fopen(path, "w");
	if (!o)
		return;
	if (keyline && sscanf(keyline, "%63s %2047s", type, blob) == 2) {
		char host[512];

		if (host_field)
			snprintf(host, sizeof(host), "%s", host_field);
		else if (sscanf(line, "%511s", host) != 1)
			host[0] = '\0';
		fprintf(o, "%s %s %s\n", host, type, blob);
	}
	fclose(o);
}

static void test_sftp(const char *url, const char *key, const char *known, const char *root)
{
	struct tlpress_transport_opts o = { NULL, known, key, 10 };
	struct tlpress_transport *t = NULL;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_buf pub = TLPRESS_BUF_INIT, p = TLPRESS_BUF_INIT;
	char bad[512], other[600];
	double t0;
	int r, port, fd;

	r = tlpress_transport_open(&t, url, &o, &err);
	INT_EQ(r, 0, "sftp: open %s", url);
	if (r) {
		DIAG("%s", err.msg);
		return;
	}
	test_common("sftp", t, root);
	tlpress_transport_close(t);

	/* a host key that is not the pinned one: the client's own key */
	tlpress_buf_printf(&p, "%s.pub", key);
	tlpress_read_file(p.ptr, 65536, &pub, NULL, NULL);
	snprintf(bad, sizeof(bad), "%s/known_hosts-mismatch", scratch);
	known_hosts_with(bad, known, NULL, pub.ptr);
	o.known_hosts = bad;
	r = tlpress_transport_open(&t, url, &o, &err);
	if (!r)
		r = tlpress_transport_put(t, "index.html", "evil", 4, &err);
	INT_EQ(r, TLPRESS_ENET, "sftp: a host key mismatch is refused");
	DIAG("%s", err.msg);
	OK(strstr(err.msg, "mismatch") && strstr(err.msg, "127.0.0.1") &&
	   strstr(err.msg, "operator"), "sftp: ... the message says mismatch, the host, operator");
	OK(!disk_is(root, "index.html", "evil"), "sftp: ... nothing was written");
	tlpress_transport_close(t);

	/* a host that is not in the file at all */
	snprintf(bad, sizeof(bad), "%s/known_hosts-other", scratch);
	known_hosts_with(bad, known, "[other.example]:2222", pub.ptr);
	o.known_hosts = bad;
	r = tlpress_transport_open(&t, url, &o, &err);
	if (!r)
		r = tlpress_transport_put(t, "index.html", "evil", 4, &err);
	INT_EQ(r, TLPRESS_ENET, "sftp: an unknown host is refused");
	DIAG("%s", err.msg);
	OK(strstr(err.msg, "unknown SSH host") != NULL, "sftp: ... the message says so");
	tlpress_transport_close(t);
	o.known_hosts = known;

	/* a key the server does not know: its own host key */
	if (harness_env("TLPRESS_TEST_SSH_BADKEY")) {
		o.ssh_key = harness_env("TLPRESS_TEST_SSH_BADKEY");
		r = tlpress_transport_open(&t, url, &o, &err);
		if (!r)
			r = tlpress_transport_put(t, "index.html", "evil", 4, &err);
		INT_EQ(r, TLPRESS_ENET, "sftp: a key the server refuses is TLPRESS_ENET");
		DIAG("%s", err.msg);
		OK(strstr(err.msg, "operator") != NULL, "sftp: ... that needs an operator");
		tlpress_transport_close(t);
		o.ssh_key = key;
	}

	/* no OpenSSH client for the rename: the upload is undone */
	{
		char *path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;

		setenv("PATH", scratch, 1);
		r = tlpress_transport_open(&t, url, &o, &err);
		if (!r)
			r = tlpress_transport_put(t, "index.html", "no ssh", 6, &err);
		INT_EQ(r, TLPRESS_ENET, "sftp: without the ssh program a put fails");
		DIAG("%s", err.msg);
		OK(strstr(err.msg, "openssh-client") != NULL, "sftp: ... the message says what to install");
		OK(disk_is(root, "index.html", "<p>two, longer</p>\n"), "sftp: ... the file is untouched");
		tlpress_transport_close(t);
		if (path)
			setenv("PATH", path, 1);
		else
			unsetenv("PATH");
		free(path);
	}

	/* no known_hosts, no key, no user, a password: refused at open */
	o.known_hosts = NULL;
	r = tlpress_transport_open(&t, url, &o, &err);
	INT_EQ(r, TLPRESS_EUSAGE, "sftp: a known_hosts file is required");
	o.known_hosts = known;
	r = tlpress_transport_open(&t, "sftp://127.0.0.1/srv/www/", &o, &err);
	INT_EQ(r, TLPRESS_EUSAGE, "sftp: a URL without a user is refused");
	r = tlpress_transport_open(&t, "sftp://u:pw@127.0.0.1/srv/www/", &o, &err);
	INT_EQ(r, TLPRESS_EUSAGE, "sftp: a password in the URL is refused");

	/* the server is down */
	with_port(other, sizeof(other), url, closed_port());
	r = tlpress_transport_open(&t, other, &o, &err);
	if (!r)
		r = tlpress_transport_put(t, "index.html", "x", 1, &err);
	INT_EQ(r, TLPRESS_ENET, "sftp: a server that is down is TLPRESS_ENET");
	DIAG("%s", err.msg);
	OK(strstr(err.msg, "127.0.0.1") && strstr(err.msg, "try again later"),
	   "sftp: ... the message names the server and says to try again later");
	tlpress_transport_close(t);

	/* the server hangs before its banner */
	fd = silent_server(&port);
	with_port(other, sizeof(other), url, port);
	o.timeout_s = 1;
	t0 = seconds();
	r = tlpress_transport_open(&t, other, &o, &err);
	if (!r)
		r = tlpress_transport_put(t, "index.html", "x", 1, &err);
	INT_EQ(r, TLPRESS_ENET, "sftp: a server that never answers is TLPRESS_ENET");
	OK(seconds() - t0 < 10, "sftp: ... after the timeout (%.1f s)", seconds() - t0);
	DIAG("%s", err.msg);
	tlpress_transport_close(t);
	close(fd);

	INT_EQ(count_tmp(root), 0, "sftp: still no temporary file after the failures");

	tlpress_buf_release(&pub);
	tlpress_buf_release(&p);
}

int main(void)
{
	const char *wurl = harness_env("TLPRESS_TEST_WEBDAV_URL");
	const char *surl = harness_env("TLPRESS_TEST_SFTP_URL");

	snprintf(scratch, sizeof(scratch), "/tmp/tlpress-transport.XXXXXX");
	if (!mkdtemp(scratch)) {
		OK(0, "mkdtemp: %s", strerror(errno));
		return harness_done();
	}
	test_file();

	if (!wurl)
		DIAG("skipped webdav: TLPRESS_TEST_WEBDAV_URL not set");
	else if (!harness_env("TLPRESS_TEST_NETRC") || !harness_env("TLPRESS_TEST_SERVER_ROOT_WEBDAV"))
		OK(0, "webdav: TLPRESS_TEST_NETRC and TLPRESS_TEST_SERVER_ROOT_WEBDAV are set");
	else
		test_webdav(wurl, harness_env("TLPRESS_TEST_NETRC"), harness_env("TLPRESS_TEST_SERVER_ROOT_WEBDAV"));

	if (!surl)
		DIAG("skipped sftp: TLPRESS_TEST_SFTP_URL not set");
	else if (!harness_env("TLPRESS_TEST_SSH_KEY") || !harness_env("TLPRESS_TEST_KNOWN_HOSTS") ||
		 !harness_env("TLPRESS_TEST_SERVER_ROOT_SFTP"))
		OK(0, "sftp: TLPRESS_TEST_SSH_KEY, _KNOWN_HOSTS and _SERVER_ROOT_SFTP are set");
	else
		test_sftp(surl, harness_env("TLPRESS_TEST_SSH_KEY"), harness_env("TLPRESS_TEST_KNOWN_HOSTS"),
			  harness_env("TLPRESS_TEST_SERVER_ROOT_SFTP"));

	harness_rm_rf(scratch);
	return harness_done();
}
