/*
 * test_smtp.c - one message to one recipient: SMTP with libcurl, and the
 * Maildir outbox.
 *
 * Always (no outside server): the argument and address checks (nothing
 * reaches the network), the URL and netrc checks, the Maildir outbox, and
 * a scripted SMTP server in a thread of this test for what the sink cannot
 * do: count connections and EHLOs, see the bytes on the wire, answer 421,
 * drop the connection after the data, refuse the greeting, require AUTH,
 * and a server that never greets (timeout), one where nothing listens, and
 * one off the loopback without STARTTLS.
 *
 * Against the aiosmtpd sink (shared/recipes/smtp_sink.py), when
 * tests/cli/0062-smtp.t has started it and set:
 *   TLPRESS_TEST_SMTP_URL, _MAILDIR          a sink that takes everything
 *   TLPRESS_TEST_SMTP_URL_451, _MAILDIR_451  --fail-first 2 --fail-code 451...
 *   TLPRESS_TEST_SMTP_URL_550, _MAILDIR_550  --reject-rcpt '^bad@' (550)
 *   TLPRESS_TEST_SMTP_DOWN_URL               a port where nothing listens
 * a message arrives byte for byte (as the outbox would store it), three
 * recipients go over one connection, 451 twice then sent, 550 for one
 * recipient while the next is sent, nothing delivered when down.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "fsutil.h"
#include "smtp.h"

#include "harness.h"

static char scratch[256]; /* a folder of this test, removed at the end */

/* Files in a folder (not . and ..); the name of the last one in last. */
static int count_files(const char *dir, char *last, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (last && size)
		last[0] = '\0';
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		n++;
		if (last)
			snprintf(last, size, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	return n;
}

static int read_all(const char *path, struct tlpress_buf *out)
{
	tlpress_buf_reset(out);
	return tlpress_read_file(path, 64u << 20, out, NULL, NULL) ? -1 : 0;
}

/* Lines in a file (the sink's transcript.log); 0 when missing. */
static int count_lines(const char *path)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	size_t i;
	int n = 0;

	if (read_all(path, &b) == 0)
		for (i = 0; i < b.len; i++)
			n += b.ptr[i] == '\n';
	tlpress_buf_release(&b);
	return n;
}

static unsigned file_mode(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 ? (unsigned)(st.st_mode & 07777) : 0;
}

/* What a Maildir holds for a message: the two added lines, CRLF -> LF. */
static void expected(struct tlpress_buf *out, const char *from, const char *rcpt, const char *msg)
{
	size_t i, n = strlen(msg);

	tlpress_buf_reset(out);
	tlpress_buf_printf(out, "Return-Path: <%s>\nX-Original-To: %s\n", from, rcpt);
	for (i = 0; i < n; i++)
		if (!(msg[i] == '\r' && msg[i + 1] == '\n'))
			tlpress_buf_addch(out, msg[i]);
}

static int file_is(const char *path, const struct tlpress_buf *want)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	int ok = read_all(path, &b) == 0 && b.len == want->len && !memcmp(b.ptr, want->ptr, b.len);

	tlpress_buf_release(&b);
	return ok;
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int listener(in_addr_t addr, int *port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = addr;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 8) < 0) {
		close(fd);
		return -1;
	}
	getsockname(fd, (struct sockaddr *)&a, &len);
	*port = ntohs(a.sin_port);
	return fd;
}

/* A port on 127.0.0.1 where nothing listens. */
static int closed_port(void)
{
	int port = 0, fd = listener(htonl(INADDR_LOOPBACK), &port);

	if (fd >= 0)
		close(fd);
	return port;
}

/* An IPv4 address of this machine off the loopback, or "" */
static void outside_address(char *out, size_t size)
{
	struct ifaddrs *ifa, *i;

	out[0] = '\0';
	if (getifaddrs(&ifa) < 0)
		return;
	for (i = ifa; i; i = i->ifa_next) {
		struct sockaddr_in *a = (struct sockaddr_in *)i->ifa_addr;

		if (!a || a->sin_family != AF_INET)
			continue;
		if ((ntohl(a->sin_addr.s_addr) >> 24) == 127)
			continue;
		inet_ntop(AF_INET, &a->sin_addr, out, (socklen_t)size);
		break;
	}
	freeifaddrs(ifa);
}

static void base64(char *out, const unsigned char *in, size_t n)
{
	static const char t[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;

	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = t[v >> 18 & 63];
		out[o++] = t[v >> 12 & 63];
		out[o++] = i + 1 < n ? t[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? t[v & 63] : '=';
	}
	out[o] = '\0';
}

/* ---- a scripted SMTP server in a thread ---- */

enum fake_mode {
	FAKE_OK,         /* takes everything, any number of messages per connection */
	FAKE_421_MAIL,   /* 421 to MAIL FROM, then closes */
	FAKE_DROP_DATA,  /* closes after the data, without a reply */
	FAKE_554_GREET,  /* greets with 554 */
	FAKE_AUTH        /* offers AUTH PLAIN; MAIL needs it (530) */
};

#define FAKE_CLIENTS 8
#define FAKE_USER "mailer"
#define FAKE_PASS "s3cret pass"

struct fake_client {
	int fd;
	char in[4096];
	size_t n;
	int data, authed, auth_wait;
};

struct fake {
	int lfd, port, mode, wake[2];
	pthread_t th;
	struct fake_client c[FAKE_CLIENTS];
	atomic_int conns, ehlos, msgs, auth_ok, auth_bad, clients, drop_all, stop;
	pthread_mutex_t mu;
	struct tlpress_buf data;  /* the last message as received, unstuffed */
	char mail_from[300];      /* the last MAIL FROM line */
};

static void fake_say(struct fake_client *c, const char *s)
{
	size_t n = strlen(s);

	if (write(c->fd, s, n) != (ssize_t)n) {
		/* the client went away: the next read sees it */
	}
}

static void fake_drop(struct fake *f, struct fake_client *c)
{
	if (c->fd < 0)
		return;
	close(c->fd);
	c->fd = -1;
	atomic_fetch_sub(&f->clients, 1);
}

/* One line (without CRLF) from a client. */
static void fake_line(struct fake *f, struct fake_client *c, char *l)
{
	char want[128];

	if (c->data) {
		if (!strcmp(l, ".")) {
			c->data = 0;
			if (f->mode == FAKE_DROP_DATA) {
				fake_drop(f, c);
				return;
			}
			atomic_fetch_add(&f->msgs, 1);
			fake_say(c, "250 2.0.0 Ok: queued as FAKE\r\n");
			return;
		}
		pthread_mutex_lock(&f->mu);
		tlpress_buf_adds(&f->data, l[0] == '.' ? l + 1 : l);
		tlpress_buf_adds(&f->data, "\r\n");
		pthread_mutex_unlock(&f->mu);
		return;
	}
	if (c->auth_wait) {
		unsigned char plain[64];
		size_t n = 0;

		c->auth_wait = 0;
		plain[n++] = 0;
		memcpy(plain + n, FAKE_USER, strlen(FAKE_USER));
		n += strlen(FAKE_USER);
		plain[n++] = 0;
		memcpy(plain + n, FAKE_PASS, strlen(FAKE_PASS));
		n += strlen(FAKE_PASS);
		base64(want, plain, n);
		if (!strcmp(l, want)) {
			c->authed = 1;
			atomic_fetch_add(&f->auth_ok, 1);
			fake_say(c, "235 2.7.0 Authentication successful\r\n");
		} else {
			atomic_fetch_add(&f->auth_bad, 1);
			fake_say(c, "535 5.7.8 Authentication credentials invalid\r\n");
		}
		return;
	}
	if (!strncasecmp(l, "EHLO ", 5)) {
		atomic_fetch_add(&f->ehlos, 1);
		fake_say(c, f->mode == FAKE_AUTH
			 ? "250-fake.test\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n"
			 : "250-fake.test\r\n250 8BITMIME\r\n");
	} else if (!strncasecmp(l, "HELO ", 5)) {
		fake_say(c, "250 fake.test\r\n");
	} else if (!strcasecmp(l, "AUTH PLAIN")) {
		c->auth_wait = 1;
		fake_say(c, "334 \r\n");
	} else if (!strncasecmp(l, "AUTH PLAIN ", 11)) {
		c->auth_wait = 1;
		fake_line(f, c, l + 11);
	} else if (!strncasecmp(l, "MAIL FROM:", 10)) {
		pthread_mutex_lock(&f->mu);
		snprintf(f->mail_from, sizeof(f->mail_from), "%s", l);
		pthread_mutex_unlock(&f->mu);
		if (f->mode == FAKE_421_MAIL) {
			fake_say(c, "421 4.3.2 Service shutting down\r\n");
			fake_drop(f, c);
		} else if (f->mode == FAKE_AUTH && !c->authed) {
			fake_say(c, "530 5.7.0 Authentication required\r\n");
		} else {
			fake_say(c, "250 2.1.0 Ok\r\n");
		}
	} else if (!strncasecmp(l, "RCPT TO:", 8)) {
		fake_say(c, "250 2.1.5 Ok\r\n");
	} else if (!strcasecmp(l, "DATA")) {
		pthread_mutex_lock(&f->mu);
		tlpress_buf_reset(&f->data);
		pthread_mutex_unlock(&f->mu);
		c->data = 1;
		fake_say(c, "354 End data with <CR><LF>.<CR><LF>\r\n");
	} else if (!strcasecmp(l, "RSET") || !strcasecmp(l, "NOOP")) {
		fake_say(c, "250 2.0.0 Ok\r\n");
	} else if (!strcasecmp(l, "QUIT")) {
		fake_say(c, "221 2.0.0 Bye\r\n");
		fake_drop(f, c);
	} else {
		fake_say(c, "502 5.5.2 Command not recognized\r\n");
	}
}

static void fake_read(struct fake *f, struct fake_client *c)
{
	ssize_t r = read(c->fd, c->in + c->n, sizeof(c->in) - 1 - c->n);
	char *eol;

	if (r <= 0) {
		fake_drop(f, c);
		return;
	}
	c->n += (size_t)r;
	c->in[c->n] = '\0';
	while (c->fd >= 0 && (eol = strstr(c->in, "\r\n"))) {
		size_t used = (size_t)(eol - c->in) + 2;

		*eol = '\0';
		fake_line(f, c, c->in);
		memmove(c->in, c->in + used, c->n - used + 1);
		c->n -= used;
	}
	if (c->fd >= 0 && c->n == sizeof(c->in) - 1)
		fake_drop(f, c); /* a line too long */
}

static void *fake_main(void *arg)
{
	struct fake *f = arg;
	struct pollfd p[FAKE_CLIENTS + 2];
	int i, k;

	while (!atomic_load(&f->stop)) {
		if (atomic_exchange(&f->drop_all, 0))
			for (i = 0; i < FAKE_CLIENTS; i++)
				fake_drop(f, &f->c[i]);
		p[0].fd = f->wake[0];
		p[0].events = POLLIN;
		p[1].fd = f->lfd;
		p[1].events = POLLIN;
		for (i = 0; i < FAKE_CLIENTS; i++) {
			p[i + 2].fd = f->c[i].fd;
			p[i + 2].events = POLLIN;
		}
		if (poll(p, FAKE_CLIENTS + 2, 1000) <= 0)
			continue;
		if (p[0].revents) {
			char b[16];

			if (read(f->wake[0], b, sizeof(b)) < 0)
				continue;
		}
		if (p[1].revents & POLLIN) {
			int fd = accept4(f->lfd, NULL, NULL, SOCK_CLOEXEC);

			for (k = 0; fd >= 0 && k < FAKE_CLIENTS && f->c[k].fd >= 0; k++)
				;
			if (fd >= 0 && k == FAKE_CLIENTS) {
				close(fd);
			} else if (fd >= 0) {
				memset(&f->c[k], 0, sizeof(f->c[k]));
				f->c[k].fd = fd;
				atomic_fetch_add(&f->conns, 1);
				atomic_fetch_add(&f->clients, 1);
				fake_say(&f->c[k], f->mode == FAKE_554_GREET
					 ? "554 5.3.2 No SMTP service here\r\n"
					 : "220 fake.test ESMTP ready\r\n");
			}
		}
		for (i = 0; i < FAKE_CLIENTS; i++)
			if (f->c[i].fd >= 0 && p[i + 2].fd == f->c[i].fd &&
			    (p[i + 2].revents & (POLLIN | POLLHUP | POLLERR)))
				fake_read(f, &f->c[i]);
	}
	for (i = 0; i < FAKE_CLIENTS; i++)
		fake_drop(f, &f->c[i]);
	return NULL;
}

static void fake_wake(struct fake *f)
{
	if (write(f->wake[1], "x", 1) != 1) {
		/* the thread polls again within a second anyway */
	}
}

static int fake_start(struct fake *f, int mode, in_addr_t addr)
{
	int i;

	memset(f, 0, sizeof(*f));
	f->mode = mode;
	tlpress_buf_init(&f->data, 0);
	pthread_mutex_init(&f->mu, NULL);
	for (i = 0; i < FAKE_CLIENTS; i++)
		f->c[i].fd = -1;
	f->lfd = listener(addr, &f->port);
	if (f->lfd < 0 || pipe(f->wake) < 0)
		return -1;
	return pthread_create(&f->th, NULL, fake_main, f) ? -1 : 0;
}

/* The server closes every connection it has (as one does when idle). */
static void fake_drop_all(struct fake *f)
{
	double t0 = seconds();

	atomic_store(&f->drop_all, 1);
	fake_wake(f);
	while (atomic_load(&f->clients) > 0 && seconds() - t0 < 5)
		usleep(10000);
}

/* Stop listening too: afterwards nothing answers on the port. */
static void fake_stop(struct fake *f)
{
	if (f->lfd < 0)
		return;
	atomic_store(&f->stop, 1);
	fake_wake(f);
	pthread_join(f->th, NULL);
	close(f->lfd);
	f->lfd = -1;
	close(f->wake[0]);
	close(f->wake[1]);
	tlpress_buf_release(&f->data);
	pthread_mutex_destroy(&f->mu);
}

/* ---- the tests ---- */

#define MSG \
	"From: CSIRT <adv@example.test>\r\n" \
	"To: someone@example.test\r\n" \
	"Subject: [TLP:CLEAR] CCB-2026-0042\r\n" \
	"MIME-Version: 1.0\r\n" \
	"Content-Type: text/plain; charset=utf-8\r\n" \
	"\r\n" \
	"Patch now.\r\n" \
	".leading dot stays\r\n" \
	"..two dots stay\r\n" \
	".\r\n" \
	"Caf\xc3\xa9 \xe2\x80\x94 8-bit text\r\n"

static const char *url_of(char *out, size_t size, const char *scheme, const char *host, int port)
{
	snprintf(out, size, "%s://%s:%d", scheme, host, port);
	return out;
}

struct sent {
	int rc, result;
	long code;
	char reply[256];
	struct tlpress_error err;
};

static void send1(struct tlpress_smtp *s, const char *from, const char *rcpt, const char *msg,
		  struct sent *o)
{
	memset(o, 0, sizeof(*o));
	o->result = -1;
	o->code = -1;
	o->rc = tlpress_smtp_send(s, from, rcpt, msg, msg ? strlen(msg) : 0, &o->result, &o->code,
				  o->reply, sizeof(o->reply), &o->err);
	if (o->rc)
		DIAG("-> %d: %s", o->rc, o->err.msg);
	else
		DIAG("%s -> result %d, code %ld, reply '%s'", rcpt, o->result, o->code, o->reply);
}

static struct tlpress_smtp *open1(const char *url, const char *netrc, long timeout)
{
	struct tlpress_smtp_opts o = { url, netrc, "client.test", timeout };
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_smtp *s = NULL;
	int r = tlpress_smtp_open(&s, &o, &err);

	if (r)
		DIAG("open %s: %s", url, err.msg);
	return s;
}

static void test_open(void)
{
	struct tlpress_smtp_opts o = { NULL, NULL, NULL, 0 };
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_smtp *s = (struct tlpress_smtp *)1;
	char netrc[512];
	int r;

	r = tlpress_smtp_open(&s, &o, &err);
	INT_EQ(r, TLPRESS_EUSAGE, "open: no URL is refused");
	OK(s == NULL, "open: ... and *s is NULL");
	o.url = "http://127.0.0.1:25";
	INT_EQ(tlpress_smtp_open(&s, &o, &err), TLPRESS_EUSAGE, "open: http:// is refused");
	o.url = "smtp://mailer:hunter2@127.0.0.1:25";
	INT_EQ(tlpress_smtp_open(&s, &o, &err), TLPRESS_EUSAGE,
	       "open: a password in the URL is refused");
	OK(!strstr(err.msg, "hunter2"), "open: ... and the message does not repeat it");
	o.url = "smtp://127.0.0.1:25/?x=1";
	INT_EQ(tlpress_smtp_open(&s, &o, &err), TLPRESS_EUSAGE, "open: a query is refused");
	o.url = "smtp://127.0.0.1:25/a b";
	INT_EQ(tlpress_smtp_open(&s, &o, &err), TLPRESS_EUSAGE, "open: a space is refused");
	o.url = "smtp://127.0.0.1:25";
	o.helo = "bad name\r\nRSET";
	INT_EQ(tlpress_smtp_open(&s, &o, &err), TLPRESS_EUSAGE, "open: a bad EHLO name is refused");
	o.helo = "[127.0.0.1]";
	r = tlpress_smtp_open(&s, &o, &err);
	INT_EQ(r, 0, "open: an address literal is an EHLO name");
	tlpress_smtp_close(s);
	o.helo = NULL;
	o.url = "smtps://mail.example.test";
	r = tlpress_smtp_open(&s, &o, &err);
	INT_EQ(r, 0, "open: smtps:// without a port (no traffic yet)");
	INT_EQ(tlpress_smtp_connections(s), 0, "open: ... connects lazily");
	tlpress_smtp_close(s);
	tlpress_smtp_close(NULL);

	snprintf(netrc, sizeof(netrc), "%s/netrc-open", scratch);
	o.url = "smtp://127.0.0.1:25";
	o.netrc = netrc;
	INT_EQ(tlpress_smtp_open(&s, &o, &err), TLPRESS_EUSAGE, "open: a missing netrc is refused");
	harness_write_file(netrc, "machine 127.0.0.1 login a password b\n", 0644);
	INT_EQ(tlpress_smtp_open(&s, &o, &err), TLPRESS_EUSAGE,
	       "open: a netrc others may read is refused");
	OK(strstr(err.msg, netrc) && strstr(err.msg, "0644"), "open: ... naming the file and mode");
	chmod(netrc, 0600);
	r = tlpress_smtp_open(&s, &o, &err);
	INT_EQ(r, 0, "open: a netrc of mode 0600 is taken");
	tlpress_smtp_close(s);
}

/* Bad arguments: refused before any traffic. */
static void test_refused(void)
{
	static const char *const bad_rcpt[] = {
		"a@example.test\r\nRCPT TO:<evil@example.test>", "a@example.test\n",
		"<a@example.test>", "a@example.test, b@example.test", "a b@example.test",
		"no-at-sign", "@example.test", "a@", "", "a@example.test\x7f",
	};
	struct fake f;
	struct tlpress_smtp *s;
	struct sent o;
	char url[128];
	size_t i;
	int r;

	if (fake_start(&f, FAKE_OK, htonl(INADDR_LOOPBACK))) {
		OK(0, "refused: the scripted server starts");
		return;
	}
	s = open1(url_of(url, sizeof(url), "smtp", "127.0.0.1", f.port), NULL, 10);
	for (i = 0; i < sizeof(bad_rcpt) / sizeof(bad_rcpt[0]); i++) {
		send1(s, "adv@example.test", bad_rcpt[i], MSG, &o);
		OK(o.rc == TLPRESS_EINVAL && o.result == TLPRESS_SMTP_DOWN,
		   "refused: recipient #%zu is refused (EINVAL)", i);
	}
	OK(!strchr(o.err.msg, '\n') && !strchr(o.err.msg, '\r') && !strchr(o.err.msg, '\x7f'),
	   "refused: the message shows no control characters");
	send1(s, "adv@example.test\r\nX-Evil: 1", "a@example.test", MSG, &o);
	INT_EQ(o.rc, TLPRESS_EINVAL, "refused: CR LF in the sender");
	send1(s, "adv@example.test", "a@example.test", "Subject: x\r\n\r\nbare\rCR\r\n", &o);
	INT_EQ(o.rc, TLPRESS_EINVAL, "refused: a bare CR in the message");
	r = tlpress_smtp_send(s, "adv@example.test", "a@example.test", "a\0b\r\n", 5, &o.result,
			      NULL, NULL, 0, &o.err);
	INT_EQ(r, TLPRESS_EINVAL, "refused: a NUL in the message");
	send1(s, "adv@example.test", "a@example.test", "", &o);
	INT_EQ(o.rc, TLPRESS_EINVAL, "refused: an empty message");
	send1(s, "adv@example.test", NULL, MSG, &o);
	INT_EQ(o.rc, TLPRESS_EUSAGE, "refused: no recipient");
	r = tlpress_smtp_send(NULL, "a@b.c", "a@b.c", MSG, strlen(MSG), &o.result, NULL, NULL, 0,
			      &o.err);
	INT_EQ(r, TLPRESS_EUSAGE, "refused: no handle");
	INT_EQ(atomic_load(&f.conns), 0, "refused: no connection was made for any of them");
	INT_EQ(tlpress_smtp_connections(s), 0, "refused: ... as the handle counts too");
	tlpress_smtp_close(s);
	fake_stop(&f);
}

/* One connection for a batch; the bytes on the wire; reconnects. */
static void test_fake_batch(void)
{
	struct fake f;
	struct tlpress_smtp *s;
	struct sent o;
	char url[128], rcpt[64];
	int i, all = 1;

	if (fake_start(&f, FAKE_OK, htonl(INADDR_LOOPBACK))) {
		OK(0, "batch: the scripted server starts");
		return;
	}
	s = open1(url_of(url, sizeof(url), "smtp", "127.0.0.1", f.port), NULL, 10);
	for (i = 0; i < 3; i++) {
		snprintf(rcpt, sizeof(rcpt), "r%d@example.test", i);
		send1(s, "adv@example.test", rcpt, MSG, &o);
		all &= o.rc == 0 && o.result == TLPRESS_SMTP_SENT && o.code == 250;
	}
	OK(all, "batch: three messages sent (250)");
	STR_EQ(o.reply, "250 2.0.0 Ok: queued as FAKE", "batch: the reply is the server's line");
	INT_EQ(atomic_load(&f.conns), 1, "batch: over one connection (server side)");
	INT_EQ(atomic_load(&f.ehlos), 1, "batch: one EHLO");
	INT_EQ(atomic_load(&f.msgs), 3, "batch: three messages arrived");
	INT_EQ(tlpress_smtp_connections(s), 1, "batch: the handle counts one connection");
	pthread_mutex_lock(&f.mu);
	OK(f.data.len == strlen(MSG) && !memcmp(f.data.ptr, MSG, f.data.len),
	   "batch: the bytes arrive unchanged (dot lines stuffed and unstuffed)");
	pthread_mutex_unlock(&f.mu);

	/* bare LF lines go out as CRLF; the null sender */
	send1(s, "", "lf@example.test", "Subject: lf\n\nline one\n.dot\nend\r\n", &o);
	OK(o.rc == 0 && o.result == TLPRESS_SMTP_SENT, "batch: a message with bare LF is sent");
	pthread_mutex_lock(&f.mu);
	STR_EQ(f.data.ptr, "Subject: lf\r\n\r\nline one\r\n.dot\r\nend\r\n",
	       "batch: ... with CRLF on the wire");
	STR_EQ(f.mail_from, "MAIL FROM:<>", "batch: \"\" is the null sender");
	pthread_mutex_unlock(&f.mu);

	/* the server closes idle connections: the next send reconnects */
	fake_drop_all(&f);
	send1(s, "adv@example.test", "after@example.test", MSG, &o);
	OK(o.rc == 0 && o.result == TLPRESS_SMTP_SENT,
	   "batch: sent again after the server closed the connection");
	INT_EQ(atomic_load(&f.conns), 2, "batch: ... on a second connection");

	/* the server goes away: DOWN, and no stale reply code from before */
	fake_stop(&f);
	send1(s, "adv@example.test", "gone@example.test", MSG, &o);
	OK(o.rc == 0 && o.result == TLPRESS_SMTP_DOWN && o.code == 0,
	   "batch: server gone: DOWN with code 0");
	OK(o.reply[0] != '\0', "batch: ... and the reply says why");
	tlpress_smtp_close(s);
}

static void test_fake_faults(void)
{
	struct fake f;
	struct tlpress_smtp *s;
	struct sent o;
	char url[128], netrc[512];
	double t0;
	int lfd, port;

	if (!fake_start(&f, FAKE_421_MAIL, htonl(INADDR_LOOPBACK))) {
		s = open1(url_of(url, sizeof(url), "smtp", "127.0.0.1", f.port), NULL, 10);
		send1(s, "adv@example.test", "a@example.test", MSG, &o);
		OK(o.rc == 0 && o.result == TLPRESS_SMTP_DOWN && o.code == 421,
		   "faults: 421 to MAIL is DOWN with code 421");
		OK(strstr(o.reply, "4.3.2") != NULL, "faults: ... and the server's text");
		tlpress_smtp_close(s);
		fake_stop(&f);
	}
	if (!fake_start(&f, FAKE_DROP_DATA, htonl(INADDR_LOOPBACK))) {
		s = open1(url_of(url, sizeof(url), "smtp", "127.0.0.1", f.port), NULL, 10);
		send1(s, "adv@example.test", "a@example.test", MSG, &o);
		OK(o.rc == 0 && o.result == TLPRESS_SMTP_DOWN && o.code == 0,
		   "faults: connection lost after the data is DOWN, code 0");
		tlpress_smtp_close(s);
		fake_stop(&f);
	}
	if (!fake_start(&f, FAKE_554_GREET, htonl(INADDR_LOOPBACK))) {
		s = open1(url_of(url, sizeof(url), "smtp", "127.0.0.1", f.port), NULL, 10);
		send1(s, "adv@example.test", "a@example.test", MSG, &o);
		OK(o.rc == TLPRESS_ENET && strstr(o.err.msg, "554") &&
		   strstr(o.err.msg, "needs an operator"),
		   "faults: a 554 greeting is an error for an operator");
		tlpress_smtp_close(s);
		fake_stop(&f);
	}
	if (!fake_start(&f, FAKE_AUTH, htonl(INADDR_LOOPBACK))) {
		url_of(url, sizeof(url), "smtp", "127.0.0.1", f.port);
		snprintf(netrc, sizeof(netrc), "%s/netrc-auth", scratch);
		harness_write_file(netrc, "machine 127.0.0.1\nlogin " FAKE_USER "\npassword \"" FAKE_PASS
			   "\"\n", 0600);
		s = open1(url, netrc, 10);
		send1(s, "adv@example.test", "a@example.test", MSG, &o);
		OK(o.rc == 0 && o.result == TLPRESS_SMTP_SENT, "auth: sent with the netrc login");
		INT_EQ(atomic_load(&f.auth_ok), 1, "auth: ... after AUTH PLAIN");
		send1(s, "adv@example.test", "b@example.test", MSG, &o);
		INT_EQ(atomic_load(&f.auth_ok), 1, "auth: the next message reuses the login");
		tlpress_smtp_close(s);

		harness_write_file(netrc, "machine 127.0.0.1 login " FAKE_USER " password wrong-Pw\n",
			   0600);
		s = open1(url, netrc, 10);
		send1(s, "adv@example.test", "a@example.test", MSG, &o);
		OK(o.rc == TLPRESS_ENET && o.code == 535 && strstr(o.err.msg, "login refused") &&
		   strstr(o.err.msg, netrc), "auth: a wrong password is an error naming the netrc");
		OK(!strstr(o.err.msg, "wrong-Pw") && !strstr(o.reply, "wrong-Pw"),
		   "auth: ... that does not show the password");
		tlpress_smtp_close(s);

		s = open1(url, NULL, 10);
		send1(s, "adv@example.test", "a@example.test", MSG, &o);
		OK(o.rc == TLPRESS_ENET && o.code == 530 && strstr(o.err.msg, "smtp.netrc"),
		   "auth: 530 without a netrc is an error: give smtp.netrc");
		tlpress_smtp_close(s);
		INT_EQ(atomic_load(&f.msgs), 2, "auth: only the two logged-in messages arrived");
		fake_stop(&f);
	}

	/* a server that takes the connection and never greets */
	lfd = listener(htonl(INADDR_LOOPBACK), &port);
	s = open1(url_of(url, sizeof(url), "smtp", "127.0.0.1", port), NULL, 1);
	t0 = seconds();
	send1(s, "adv@example.test", "a@example.test", MSG, &o);
	OK(o.rc == 0 && o.result == TLPRESS_SMTP_DOWN && o.code == 0,
	   "faults: no greeting within timeout_s (1 s) is DOWN");
	OK(seconds() - t0 < 10, "faults: ... after about a second (%.1f s)", seconds() - t0);
	tlpress_smtp_close(s);
	close(lfd);
}

/* smtp:// off the loopback needs STARTTLS; this one offers none. */
static void test_starttls(void)
{
	struct fake f;
	struct tlpress_smtp *s;
	struct sent o;
	char addr[64], url[128];

	outside_address(addr, sizeof(addr));
	if (!addr[0]) {
		DIAG("SKIP starttls: no IPv4 address off the loopback");
		return;
	}
	if (fake_start(&f, FAKE_OK, htonl(INADDR_ANY))) {
		OK(0, "starttls: the scripted server starts");
		return;
	}
	s = open1(url_of(url, sizeof(url), "smtp", addr, f.port), NULL, 10);
	send1(s, "adv@example.test", "a@example.test", MSG, &o);
	OK(o.rc == TLPRESS_ENET && strstr(o.err.msg, "STARTTLS"),
	   "starttls: smtp:// to %s without STARTTLS is refused", addr);
	INT_EQ(atomic_load(&f.msgs), 0, "starttls: ... and nothing was sent in clear");
	tlpress_smtp_close(s);
	fake_stop(&f);
}

static void test_maildir(void)
{
	struct tlpress_buf want = TLPRESS_BUF_INIT;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	char dir[512], box[600], path[1024], name1[1024], name2[1024], tiny[8];
	int r;

	snprintf(dir, sizeof(dir), "%s/outbox/sub", scratch);
	r = tlpress_maildir_deliver(dir, "adv@example.test", "Alice@Example.Test", MSG,
				    strlen(MSG), name1, sizeof(name1), &err);
	INT_EQ(r, 0, "maildir: delivered");
	if (r)
		DIAG("%s", err.msg);
	snprintf(box, sizeof(box), "%s/alice@example.test", dir);
	snprintf(path, sizeof(path), "%s/new/", box);
	OK(!strncmp(name1, path, strlen(path)), "maildir: into new/ of the lower-cased recipient");
	DIAG("%s", name1);
	INT_EQ(file_mode(name1), 0600, "maildir: the file has mode 0600");
	expected(&want, "adv@example.test", "Alice@Example.Test", MSG);
	OK(file_is(name1, &want), "maildir: Return-Path, X-Original-To, then the message with LF");
	INT_EQ(file_mode(dir), 0700, "maildir: the outbox was made with mode 0700");
	snprintf(path, sizeof(path), "%s/outbox", scratch);
	INT_EQ(file_mode(path), 0700, "maildir: ... and its parent");
	INT_EQ(file_mode(box), 0700, "maildir: the recipient's folder 0700");
	snprintf(path, sizeof(path), "%s/tmp", box);
	INT_EQ(file_mode(path), 0700, "maildir: tmp/ 0700");
	INT_EQ(count_files(path, NULL, 0), 0, "maildir: no file left in tmp/");
	snprintf(path, sizeof(path), "%s/cur", box);
	INT_EQ(file_mode(path), 0700, "maildir: cur/ 0700");

	r = tlpress_maildir_deliver(dir, "adv@example.test", "alice@example.test", MSG,
				    strlen(MSG), name2, sizeof(name2), &err);
	OK(r == 0 && strcmp(name1, name2) != 0, "maildir: a second delivery gets another name");
	snprintf(path, sizeof(path), "%s/new", box);
	INT_EQ(count_files(path, NULL, 0), 2, "maildir: two files in new/");
	r = tlpress_maildir_deliver(dir, "", "alice@example.test", MSG, strlen(MSG), NULL, 0, &err);
	INT_EQ(r, 0, "maildir: the null sender, no name wanted");
	r = tlpress_maildir_deliver(dir, "adv@example.test", "alice@example.test", MSG,
				    strlen(MSG), tiny, sizeof(tiny), &err);
	INT_EQ(r, TLPRESS_ELIMIT, "maildir: a name buffer too small is refused");
	INT_EQ(count_files(path, NULL, 0), 3, "maildir: ... before anything is written");

	r = tlpress_maildir_deliver(dir, "adv@example.test", "../x", MSG, strlen(MSG), NULL, 0,
				    &err);
	INT_EQ(r, TLPRESS_EINVAL, "maildir: '../x' is refused");
	r = tlpress_maildir_deliver(dir, "adv@example.test", "../x@example.test", MSG,
				    strlen(MSG), NULL, 0, &err);
	INT_EQ(r, TLPRESS_EINVAL, "maildir: '../x@example.test' is refused");
	snprintf(path, sizeof(path), "%s/outbox/x@example.test", scratch);
	OK(access(path, F_OK) != 0, "maildir: ... and nothing was made beside the outbox");
	r = tlpress_maildir_deliver(dir, "adv@example.test", "a/b@example.test", MSG,
				    strlen(MSG), NULL, 0, &err);
	INT_EQ(r, TLPRESS_EINVAL, "maildir: a '/' is refused");
	r = tlpress_maildir_deliver(dir, "adv@example.test", ".a@example.test", MSG,
				    strlen(MSG), NULL, 0, &err);
	INT_EQ(r, TLPRESS_EINVAL, "maildir: a leading '.' is refused");
	r = tlpress_maildir_deliver(dir, "adv@example.test", "caf\xc3\xa9@example.test", MSG,
				    strlen(MSG), NULL, 0, &err);
	INT_EQ(r, TLPRESS_EINVAL, "maildir: a recipient that is not ASCII is refused");
	r = tlpress_maildir_deliver(dir, "adv@example.test", "a@example.test\n", MSG,
				    strlen(MSG), NULL, 0, &err);
	INT_EQ(r, TLPRESS_EINVAL, "maildir: an LF in the recipient is refused");
	r = tlpress_maildir_deliver(dir, "adv@example.test\r\nX: y", "a@example.test", MSG,
				    strlen(MSG), NULL, 0, &err);
	INT_EQ(r, TLPRESS_EINVAL, "maildir: CR LF in the sender is refused");
	snprintf(path, sizeof(path), "%s/a@example.test", dir);
	OK(access(path, F_OK) != 0, "maildir: ... and no folder was made for those");

	/* a recipient folder that is a symbolic link is not followed */
	snprintf(path, sizeof(path), "%s/link@example.test", dir);
	snprintf(box, sizeof(box), "%s/elsewhere", scratch);
	mkdir(box, 0700);
	r = symlink(box, path);
	r = tlpress_maildir_deliver(dir, "adv@example.test", "link@example.test", MSG,
				    strlen(MSG), NULL, 0, &err);
	OK(r == TLPRESS_EIO && strstr(err.msg, "symbolic link"),
	   "maildir: a recipient folder that is a symbolic link is refused");
	if (r != TLPRESS_EIO || !strstr(err.msg, "symbolic link"))
		DIAG("%d: %s", r, err.msg);
	INT_EQ(count_files(box, NULL, 0), 0, "maildir: ... and nothing was written through it");
	tlpress_buf_release(&want);
}

/* ---- against the sink ---- */

static void maildir_of(char *out, size_t size, const char *maildir, const char *rcpt)
{
	snprintf(out, size, "%s/%s/new", maildir, rcpt);
}

static void test_sink(const char *url, const char *maildir)
{
	struct tlpress_buf want = TLPRESS_BUF_INIT, got = TLPRESS_BUF_INIT;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_smtp *s;
	struct sent o;
	char dir[1024], file[1200], ours[1024], outbox[512], log[1024];
	static const char *const batch[] = { "r1@example.test", "r2@example.test",
					     "Carol@Example.Test" };
	int i, all = 1, lines;
	char big[4096];
	struct tlpress_buf msg = TLPRESS_BUF_INIT;

	snprintf(log, sizeof(log), "%s/transcript.log", maildir);
	/* one message, byte for byte; long lines and 8-bit text */
	tlpress_buf_adds(&msg, MSG);
	memset(big, 'x', 900);
	big[900] = '\0';
	tlpress_buf_printf(&msg, "%s\r\n-- \r\nCSIRT\r\n", big);
	s = open1(url, NULL, 20);
	send1(s, "adv@example.test", "alice@example.test", msg.ptr, &o);
	OK(o.rc == 0 && o.result == TLPRESS_SMTP_SENT && o.code == 250, "sink: sent (250)");
	OK(!strncmp(o.reply, "250 ", 4), "sink: the reply is the server's line");
	maildir_of(dir, sizeof(dir), maildir, "alice@example.test");
	INT_EQ(count_files(dir, file, sizeof(file)), 1, "sink: one file for alice@");
	expected(&want, "adv@example.test", "alice@example.test", msg.ptr);
	OK(file_is(file, &want),
	   "sink: the message arrived byte for byte (CRLF -> LF, 2 lines added)");
	if (!file_is(file, &want) && read_all(file, &got) == 0)
		DIAG("got %zu bytes, want %zu", got.len, want.len);
	/* the outbox stores the same bytes as the sink */
	snprintf(outbox, sizeof(outbox), "%s/sink-outbox", scratch);
	if (tlpress_maildir_deliver(outbox, "adv@example.test", "alice@example.test", msg.ptr,
				    msg.len, ours, sizeof(ours), &err) == 0 &&
	    read_all(file, &got) == 0)
		OK(file_is(ours, &got), "sink: the outbox writes the same bytes as the sink");
	else
		OK(0, "sink: the outbox writes the same bytes as the sink (%s)", err.msg);
	tlpress_smtp_close(s);

	/* three recipients over one connection */
	lines = count_lines(log);
	s = open1(url, NULL, 20);
	for (i = 0; i < 3; i++) {
		send1(s, "adv@example.test", batch[i], MSG, &o);
		all &= o.rc == 0 && o.result == TLPRESS_SMTP_SENT;
	}
	OK(all, "sink: a batch of three sent");
	INT_EQ(tlpress_smtp_connections(s), 1, "sink: ... over one connection");
	INT_EQ(count_lines(log) - lines, 3, "sink: ... three transactions in transcript.log");
	for (i = 0; i < 3; i++) {
		char lower[64];
		size_t k;

		for (k = 0; batch[i][k] && k + 1 < sizeof(lower); k++)
			lower[k] = (char)(batch[i][k] | (batch[i][k] >= 'A' && batch[i][k] <= 'Z'
							 ? 0x20 : 0));
		lower[k] = '\0';
		maildir_of(dir, sizeof(dir), maildir, lower);
		INT_EQ(count_files(dir, file, sizeof(file)), 1, "sink: one file for %s", batch[i]);
		expected(&want, "adv@example.test", batch[i], MSG);
		OK(file_is(file, &want), "sink: ... with the message");
	}

	/* refused before the network: the sink sees nothing */
	lines = count_lines(log);
	send1(s, "adv@example.test", "x@example.test\r\nRCPT TO:<y@example.test>", MSG, &o);
	INT_EQ(o.rc, TLPRESS_EINVAL, "sink: CR LF in the recipient is refused");
	INT_EQ(count_lines(log), lines, "sink: ... and nothing reached the sink");
	INT_EQ(tlpress_smtp_connections(s), 1, "sink: ... nor a new connection");
	tlpress_smtp_close(s);
	tlpress_buf_release(&msg);
	tlpress_buf_release(&want);
	tlpress_buf_release(&got);
}

static void test_sink_451(const char *url, const char *maildir)
{
	struct tlpress_smtp *s = open1(url, NULL, 20);
	struct sent o;
	char dir[1024];
	int i;

	for (i = 1; i <= 2; i++) {
		send1(s, "adv@example.test", "later@example.test", MSG, &o);
		OK(o.rc == 0 && o.result == TLPRESS_SMTP_TEMPFAIL && o.code == 451,
		   "sink 451: try %d is TEMPFAIL with code 451", i);
		OK(strstr(o.reply, "451") && strstr(o.reply, "4.3.0"),
		   "sink 451: ... and the server's text");
	}
	send1(s, "adv@example.test", "later@example.test", MSG, &o);
	OK(o.rc == 0 && o.result == TLPRESS_SMTP_SENT && o.code == 250,
	   "sink 451: the third try is SENT");
	maildir_of(dir, sizeof(dir), maildir, "later@example.test");
	INT_EQ(count_files(dir, NULL, 0), 1, "sink 451: one message arrived");
	tlpress_smtp_close(s);
}

static void test_sink_550(const char *url, const char *maildir)
{
	struct tlpress_smtp *s = open1(url, NULL, 20);
	struct sent o;
	char dir[1024];

	send1(s, "adv@example.test", "bad@example.test", MSG, &o);
	OK(o.rc == 0 && o.result == TLPRESS_SMTP_PERMFAIL && o.code == 550,
	   "sink 550: bad@ is PERMFAIL with code 550");
	OK(strstr(o.reply, "550") && strstr(o.reply, "5.1.1"),
	   "sink 550: ... and the server's text");
	send1(s, "adv@example.test", "good@example.test", MSG, &o);
	OK(o.rc == 0 && o.result == TLPRESS_SMTP_SENT, "sink 550: good@ next in the batch is SENT");
	maildir_of(dir, sizeof(dir), maildir, "good@example.test");
	INT_EQ(count_files(dir, NULL, 0), 1, "sink 550: good@ got it");
	snprintf(dir, sizeof(dir), "%s/bad@example.test", maildir);
	OK(access(dir, F_OK) != 0, "sink 550: bad@ got nothing");
	tlpress_smtp_close(s);
}

static void test_down(const char *url, const char *maildir)
{
	struct tlpress_smtp *s = open1(url, NULL, 5);
	char log[1024];
	struct sent o;
	int lines = 0;

	if (maildir) {
		snprintf(log, sizeof(log), "%s/transcript.log", maildir);
		lines = count_lines(log);
	}
	send1(s, "adv@example.test", "a@example.test", MSG, &o);
	OK(o.rc == 0 && o.result == TLPRESS_SMTP_DOWN && o.code == 0,
	   "down: nothing listening at %s is DOWN, code 0", url);
	OK(strstr(o.reply, "connect") != NULL, "down: the reply says it could not connect");
	if (maildir)
		INT_EQ(count_lines(log), lines, "down: nothing was delivered");
	tlpress_smtp_close(s);
}

int main(void)
{
	const char *url = harness_env("TLPRESS_TEST_SMTP_URL"), *md = harness_env("TLPRESS_TEST_SMTP_MAILDIR");
	const char *url451 = harness_env("TLPRESS_TEST_SMTP_URL_451");
	const char *md451 = harness_env("TLPRESS_TEST_SMTP_MAILDIR_451");
	const char *url550 = harness_env("TLPRESS_TEST_SMTP_URL_550");
	const char *md550 = harness_env("TLPRESS_TEST_SMTP_MAILDIR_550");
	const char *down = harness_env("TLPRESS_TEST_SMTP_DOWN_URL");
	char local_down[128];

	snprintf(scratch, sizeof(scratch), "/tmp/tlpress-smtp.XXXXXX");
	if (!mkdtemp(scratch)) {
		OK(0, "mkdtemp: %s", strerror(errno));
		return harness_done();
	}
	test_open();
	test_refused();
	test_fake_batch();
	test_fake_faults();
	test_starttls();
	test_maildir();

	if (!down)
		down = url_of(local_down, sizeof(local_down), "smtp", "127.0.0.1", closed_port());
	test_down(down, md);
	if (url && md)
		test_sink(url, md);
	else
		DIAG("SKIP sink: TLPRESS_TEST_SMTP_URL and _MAILDIR not set");
	if (url451 && md451)
		test_sink_451(url451, md451);
	else
		DIAG("SKIP sink 451: TLPRESS_TEST_SMTP_URL_451 and _MAILDIR_451 not set");
	if (url550 && md550)
		test_sink_550(url550, md550);
	else
		DIAG("SKIP sink 550: TLPRESS_TEST_SMTP_URL_550 and _MAILDIR_550 not set");

	harness_rm_rf(scratch);
	return harness_done();
}
