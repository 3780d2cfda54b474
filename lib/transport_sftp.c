/* transport_sftp.c - sftp://user@host[:port]/abs/path/: libcurl (libssh2)
 * for the transfers, the OpenSSH client for the one atomic rename.
 *
 * put:    libcurl uploads .NAME.tlpress-tmp (CURLOPT_FTP_CREATE_MISSING_DIRS
 *         makes the folders), then "posix-rename@openssh.com" moves it onto
 *         NAME: OpenSSH's sftp-server runs rename(2), which replaces the
 *         target in one step. A failed rename removes the temporary file.
 * delete: libcurl quote command "rm"; "No such file" is success.
 * get:    libcurl download; CURLE_REMOTE_FILE_NOT_FOUND is *missing.
 *
 * Why not libcurl's own rename (CURLOPT_POSTQUOTE "rename tmp final"): it
 * sends SSH_FXP_RENAME with the flags OVERWRITE|ATOMIC|NATIVE, but libssh2
 * (1.10 here; also 1.11) writes the flags only for SFTP version 5 and up,
 * and OpenSSH speaks version 3, where sftp-server implements RENAME as
 * link(2) then unlink(2): it fails with "Operation failed" (libcurl:
 * CURLE_QUOTE_ERROR) whenever the target exists. Checked on this machine
 * with curl 7.88.1 / libssh2 1.10 against OpenSSH 9.2 (strace of sshd:
 * link(...) = -1 EEXIST). Deleting the target first would leave a moment
 * with no file. libssh2 1.11.1 added libssh2_sftp_posix_rename_ex(), but
 * libcurl does not call it and offers no quote command for it, and an SFTP
 * session of libcurl cannot be reached from outside. So this transport
 * keeps one `ssh -s sftp` child (OpenSSH client) per transport, started at
 * the first put, and speaks just enough SFTP v3 to it (INIT, EXTENDED
 * posix-rename@openssh.com, RENAME): the same user, key and pinned
 * known_hosts, with no configuration file read (-F none), no agent, no
 * password, strict host key checking and no update of known_hosts. A
 * server that does not announce posix-rename@openssh.com gets plain RENAME,
 * which is atomic for new names; replacing a file there is refused.
 *
 * Host keys: CURLOPT_SSH_KNOWNHOSTS with a key function that accepts only
 * CURLKHMATCH_OK, so a changed key and a host missing from the file are
 * both refused; ssh gets StrictHostKeyChecking=yes with the same file.
 * See transport.h.
 */
#define TLPRESS_TRANSPORT_INTERNAL
#include "transport.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* SFTP version 3 (draft-ietf-secsh-filexfer-02) */
#define FXP_INIT 1
#define FXP_VERSION 2
#define FXP_RENAME 18
#define FXP_STATUS 101
#define FXP_EXTENDED 200
#define FX_OK 0
#define FX_NO_SUCH_FILE 2
#define FX_PERMISSION_DENIED 3
#define FX_FAILURE 4
#define FX_OP_UNSUPPORTED 8
#define MAX_PACKET (256 * 1024)

/* The `ssh -s sftp` child that does the renames. */
struct sshproc {
	pid_t pid;        /* 0 when not running */
	int fd;           /* our end of its stdin and stdout (a socketpair) */
	int errfd;        /* its stderr (a pipe), non-blocking */
	uint32_t id;      /* last request id */
	int posix_rename; /* the server announced posix-rename@openssh.com "1" */
};

struct sftp {
	CURL *h;
	char errbuf[CURL_ERROR_SIZE];
	char *known_hosts;
	char *key, *pubkey;
	int khmatch; /* what the key function saw: an enum curl_khmatch, or -1 */
	struct sshproc ssh;
};

/* ---- libcurl ---- */

static int keycb(CURL *easy, const struct curl_khkey *knownkey,
		 const struct curl_khkey *foundkey, enum curl_khmatch match, void *clientp)
{
	struct sftp *s = clientp;

	(void)easy;
	(void)knownkey;
	(void)foundkey;
	s->khmatch = (int)match;
	/* only a key that is in the file for this host; never add, never replace */
	return match == CURLKHMATCH_OK ? CURLKHSTAT_FINE : CURLKHSTAT_REJECT;
}



struct sink {
	struct tlpress_buf *out;
	int overflow; /* 1: over the limit; 2: out of memory */
};

static size_t write_cb(char *p, size_t size, size_t n, void *ud)
{
	struct sink *k = ud;

	if (!k->out)
		return size * n;
	if (tlpress_buf_add(k->out, p, size * n) < 0) {
		k->overflow = k->out->len + size * n > k->out->limit ? 1 : 2;
		return 0;
	}
	return size * n;
}

static void setup(struct tlpress_transport *t, const char *url)
{
	struct sftp *s = t->priv;

	tlpress_transport_curl_setup(t, s->h, s->errbuf);
	s->khmatch = -1;
	curl_easy_setopt(s->h, CURLOPT_URL, url);
	curl_easy_setopt(s->h, CURLOPT_SSH_AUTH_TYPES, (long)CURLSSH_AUTH_PUBLICKEY);
	curl_easy_setopt(s->h, CURLOPT_SSH_PRIVATE_KEYFILE, s->key);
	curl_easy_setopt(s->h, CURLOPT_SSH_PUBLIC_KEYFILE, s->pubkey);
	curl_easy_setopt(s->h, CURLOPT_SSH_KNOWNHOSTS, s->known_hosts);
	curl_easy_setopt(s->h, CURLOPT_SSH_KEYFUNCTION, keycb);
	curl_easy_setopt(s->h, CURLOPT_SSH_KEYDATA, s);
	curl_easy_setopt(s->h, CURLOPT_NEW_FILE_PERMS, 0644L);
	curl_easy_setopt(s->h, CURLOPT_NEW_DIRECTORY_PERMS, 0755L);
	curl_easy_setopt(s->h, CURLOPT_WRITEFUNCTION, write_cb);
}

/* "cannot VERB 'rel' PREP URL: " */
static void what(struct tlpress_buf *m, struct tlpress_transport *t, const char *verb,
		 const char *rel)
{
	const char *prep = !strcmp(verb, "upload") ? "to" : !strcmp(verb, "fetch") ? "from" : "on";

	tlpress_buf_printf(m, "cannot %s '%s' %s %s: ", verb, rel, prep, t->url);
}

static void hostport(struct tlpress_buf *m, struct tlpress_transport *t)
{
	if (t->port && t->port != 22)
		tlpress_buf_printf(m, "[%s]:%ld", t->host, t->port);
	else
		tlpress_buf_adds(m, t->host);
}

static int fail_curl(struct tlpress_transport *t, const char *verb, const char *rel,
		     CURLcode rc, struct tlpress_error *err)
{
	struct sftp *s = t->priv;
	struct tlpress_buf m = TLPRESS_BUF_INIT;
	int operator = 0, r;

	what(&m, t, verb, rel);
	if (s->khmatch == CURLKHMATCH_MISMATCH) {
		tlpress_buf_adds(&m, "SSH host key mismatch: the key of ");
		hostport(&m, t);
		tlpress_buf_printf(&m, " is not the one pinned in '%s'; the server may be an "
				   "impostor, or its key was changed: check the new key with the "
				   "server's operator before updating that file", s->known_hosts);
		operator = 1;
	} else if (s->khmatch >= 0 && s->khmatch != CURLKHMATCH_OK) {
		tlpress_buf_adds(&m, "unknown SSH host: no key for ");
		hostport(&m, t);
		tlpress_buf_printf(&m, " is pinned in '%s'; add the server's key there (ssh-keyscan",
				   s->known_hosts);
		if (t->port && t->port != 22)
			tlpress_buf_printf(&m, " -p %ld", t->port);
		tlpress_buf_printf(&m, " %s, checked with the server's operator)", t->host);
		operator = 1;
	} else {
		tlpress_transport_curl_reason(&m, rc, s->errbuf, &operator);
		if (rc == CURLE_LOGIN_DENIED)
			tlpress_buf_printf(&m, "; check that the public key of '%s' is in the "
					   "authorized_keys of %s on the server", s->key, t->user);
	}
	tlpress_buf_adds(&m, tlpress_transport_advice(t, operator));
	r = tlpress_error_set(err, rc == CURLE_OUT_OF_MEMORY ? TLPRESS_ENOMEM : TLPRESS_ENET,
			      "%s", m.ptr);
	tlpress_buf_release(&m);
	return r;
}

/* A path for a libcurl quote command: in double quotes, with '"' and '\'
 * escaped (lib/vssh/curl_path.c get_pathname). */
static void quote_path(struct tlpress_buf *out, const char *base, const char *rel)
{
	const char *parts[2] = { base, rel }, *p;
	int i;

	tlpress_buf_addch(out, '"');
	for (i = 0; i < 2; i++)
		for (p = parts[i]; *p; p++) {
			if (*p == '"' || *p == '\\')
				tlpress_buf_addch(out, '\\');
			tlpress_buf_addch(out, *p);
		}
	tlpress_buf_addch(out, '"');
}

/* rm base+rel with a quote command. *gone is set when it was not there. */
static CURLcode curl_rm(struct tlpress_transport *t, const char *rel, int *gone)
{
	struct sftp *s = t->priv;
	struct tlpress_buf cmd = TLPRESS_BUF_INIT;
	struct curl_slist *q = NULL;
	CURLcode rc = CURLE_OUT_OF_MEMORY;

	*gone = 0;
	tlpress_buf_adds(&cmd, "rm ");
	quote_path(&cmd, t->path, rel);
	if (!cmd.failed)
		q = curl_slist_append(NULL, cmd.ptr);
	if (q) {
		/* the base folder with no body: only the quote command runs */
		setup(t, t->url);
		curl_easy_setopt(s->h, CURLOPT_NOBODY, 1L);
		curl_easy_setopt(s->h, CURLOPT_QUOTE, q);
		rc = curl_easy_perform(s->h);
		curl_easy_setopt(s->h, CURLOPT_QUOTE, NULL);
		if (rc == CURLE_QUOTE_ERROR && strstr(s->errbuf, "No such file")) {
			*gone = 1;
			rc = CURLE_OK;
		}
	}
	curl_slist_free_all(q);
	tlpress_buf_release(&cmd);
	return rc;
}

/* ---- the ssh child and its SFTP channel ---- */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait up to ms for pid to exit, then make it. */
static void reap(pid_t pid, long ms)
{
	long long end = now_ms() + ms;
	int st;

	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid || (w < 0 && errno != EINTR))
			return;
		if (now_ms() >= end)
			break;
		usleep(10000);
	}
	kill(pid, SIGTERM);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

/* The end of what ssh printed on stderr, one line, printable only. */
static void ssh_stderr(struct sshproc *p, struct tlpress_buf *out)
{
	char buf[4096];
	struct tlpress_buf all = TLPRESS_BUF_INIT;
	ssize_t n;
	char *line, *end;

	if (p->errfd < 0)
		return;
	while ((n = read(p->errfd, buf, sizeof(buf))) > 0 && all.len < 65536)
		tlpress_buf_add(&all, buf, (size_t)n);
	/* the last line that says something */
	while (all.len && (all.ptr[all.len - 1] == '\n' || all.ptr[all.len - 1] == '\r'))
		tlpress_buf_truncate(&all, all.len - 1);
	end = all.ptr + all.len;
	line = all.ptr;
	for (char *c = all.ptr; c < end; c++)
		if (*c == '\n')
			line = c + 1;
	for (; line < end; line++) {
		unsigned char c = (unsigned char)*line;

		if (c >= 0x20 && c < 0x7f)
			tlpress_buf_addch(out, c);
		else if (c != '\r')
			tlpress_buf_addch(out, '?');
	}
	tlpress_buf_release(&all);
}

static void ssh_stop(struct sshproc *p)
{
	if (p->fd >= 0) {
		close(p->fd);
		p->fd = -1;
	}
	if (p->pid > 0) {
		reap(p->pid, 2000);
		p->pid = 0;
	}
	if (p->errfd >= 0) {
		close(p->errfd);
		p->errfd = -1;
	}
	p->posix_rename = 0;
}

/* An fd above 2, so that dup2 in the child never meets itself. */
static int high_fd(int fd)
{
	int n;

	if (fd > 2)
		return fd;
	n = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return n;
}

/* "-o Name=\"value\"" for a path: ssh splits option values on spaces
 * unless quoted, and expands %-tokens (%% is a '%'). open checked that the
 * path has no '"', '\' or control character. */
static char *ssh_path_opt(const char *name, const char *path)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	const char *p;

	tlpress_buf_printf(&b, "%s=\"", name);
	for (p = path; *p; p++) {
		if (*p == '%')
			tlpress_buf_addch(&b, '%');
		tlpress_buf_addch(&b, *p);
	}
	tlpress_buf_addch(&b, '"');
	if (b.failed) {
		tlpress_buf_release(&b);
		return NULL;
	}
	return tlpress_buf_detach(&b, NULL);
}

static int send_all(struct sshproc *p, const char *buf, size_t len, long long deadline)
{
	while (len) {
		struct pollfd pf = { p->fd, POLLOUT, 0 };
		long long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&pf, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		n = send(p->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int recv_all(struct sshproc *p, unsigned char *buf, size_t len, long long deadline)
{
	while (len) {
		struct pollfd pf = { p->fd, POLLIN, 0 };
		long long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&pf, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		n = recv(p->fd, buf, len, MSG_DONTWAIT);
		if (n == 0)
			return -EPIPE; /* ssh exited */
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void put_u32(struct tlpress_buf *b, uint32_t v)
{
	unsigned char c[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v };

	tlpress_buf_add(b, c, 4);
}

static void put_str(struct tlpress_buf *b, const char *s)
{
	put_u32(b, (uint32_t)strlen(s));
	tlpress_buf_adds(b, s);
}

static uint32_t get_u32(const unsigned char *c)
{
	return (uint32_t)c[0] << 24 | (uint32_t)c[1] << 16 | (uint32_t)c[2] << 8 | c[3];
}

/* Send one packet (type, then body) and read one back into pkt (type
 * first). 0, or a negative errno (ETIMEDOUT, EPIPE, EPROTO, ENOMEM). */
static int exchange(struct sshproc *p, int type, const struct tlpress_buf *body,
		    struct tlpress_buf *pkt, long timeout_ms)
{
	struct tlpress_buf out = TLPRESS_BUF_INIT;
	unsigned char len[4];
	long long deadline = now_ms() + timeout_ms;
	uint32_t n;
	int r;

	put_u32(&out, (uint32_t)(1 + body->len));
	tlpress_buf_addch(&out, type);
	tlpress_buf_add(&out, body->ptr, body->len);
	if (out.failed) {
		tlpress_buf_release(&out);
		return -ENOMEM;
	}
	r = send_all(p, out.ptr, out.len, deadline);
	tlpress_buf_release(&out);
	if (r)
		return r;
	r = recv_all(p, len, 4, deadline);
	if (r)
		return r;
	n = get_u32(len);
	if (n < 1 || n > MAX_PACKET)
		return -EPROTO;
	tlpress_buf_reset(pkt);
	if (tlpress_buf_grow(pkt, n) < 0)
		return -ENOMEM;
	r = recv_all(p, (unsigned char *)pkt->ptr, n, deadline);
	if (r)
		return r;
	pkt->len = n;
	pkt->ptr[n] = '\0';
	return 0;
}

static void ssh_reason(struct sshproc *p, int e, struct tlpress_buf *why, int *operator);

/* Start ssh and do the SFTP INIT/VERSION exchange. */
static int ssh_start(struct tlpress_transport *t, struct tlpress_buf *why, int *operator)
{
	struct sftp *s = t->priv;
	struct sshproc *p = &s->ssh;
	char port[32], timeout[32], alive[32];
	char *kh = ssh_path_opt("UserKnownHostsFile", s->known_hosts);
	char *id = ssh_path_opt("IdentityFile", s->key);
	const char *argv[64];
	int sv[2] = { -1, -1 }, ep[2] = { -1, -1 }, n = 0, r = -1, e;
	posix_spawn_file_actions_t fa;
	struct tlpress_buf body = TLPRESS_BUF_INIT, pkt = TLPRESS_BUF_INIT;
	const unsigned char *c, *end;

	*operator = 0;
	if (!kh || !id) {
		tlpress_buf_adds(why, "out of memory");
		goto out;
	}
	snprintf(port, sizeof(port), "%ld", t->port ? t->port : 22L);
	snprintf(timeout, sizeof(timeout), "ConnectTimeout=%ld", t->timeout_s);
	snprintf(alive, sizeof(alive), "ServerAliveInterval=%ld", t->timeout_s);
	argv[n++] = "ssh";
	argv[n++] = "-F";
	argv[n++] = "none"; /* no ~/.ssh/config, no /etc/ssh/ssh_config */
	argv[n++] = "-T";
	argv[n++] = "-x";
	argv[n++] = "-a";
	argv[n++] = "-o"; argv[n++] = "BatchMode=yes";
	argv[n++] = "-o"; argv[n++] = "StrictHostKeyChecking=yes";
	argv[n++] = "-o"; argv[n++] = "UpdateHostKeys=no";
	argv[n++] = "-o"; argv[n++] = "GlobalKnownHostsFile=/dev/null";
	argv[n++] = "-o"; argv[n++] = kh;
	argv[n++] = "-o"; argv[n++] = "CheckHostIP=no";
	argv[n++] = "-o"; argv[n++] = "VerifyHostKeyDNS=no";
	argv[n++] = "-o"; argv[n++] = id;
	argv[n++] = "-o"; argv[n++] = "IdentitiesOnly=yes";
	argv[n++] = "-o"; argv[n++] = "IdentityAgent=none";
	argv[n++] = "-o"; argv[n++] = "PreferredAuthentications=publickey";
	argv[n++] = "-o"; argv[n++] = "PasswordAuthentication=no";
	argv[n++] = "-o"; argv[n++] = "KbdInteractiveAuthentication=no";
	argv[n++] = "-o"; argv[n++] = "ControlMaster=no";
	argv[n++] = "-o"; argv[n++] = "ControlPath=none";
	argv[n++] = "-o"; argv[n++] = "ClearAllForwardings=yes";
	argv[n++] = "-o"; argv[n++] = "PermitLocalCommand=no";
	argv[n++] = "-o"; argv[n++] = timeout;
	argv[n++] = "-o"; argv[n++] = alive;
	argv[n++] = "-o"; argv[n++] = "ServerAliveCountMax=2";
	argv[n++] = "-o"; argv[n++] = "LogLevel=ERROR";
	argv[n++] = "-p"; argv[n++] = port;
	argv[n++] = "-l"; argv[n++] = t->user;
	argv[n++] = "-s";
	argv[n++] = "--";
	argv[n++] = t->host;
	argv[n++] = "sftp";
	argv[n] = NULL;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
	    pipe2(ep, O_CLOEXEC) < 0) {
		tlpress_buf_printf(why, "cannot make a socket pair: %s", strerror(errno));
		goto out;
	}
	sv[0] = high_fd(sv[0]);
	sv[1] = high_fd(sv[1]);
	ep[0] = high_fd(ep[0]);
	ep[1] = high_fd(ep[1]);
	if (sv[0] < 0 || sv[1] < 0 || ep[0] < 0 || ep[1] < 0) {
		tlpress_buf_printf(why, "out of file descriptors: %s", strerror(errno));
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
	posix_spawn_file_actions_adddup2(&fa, ep[1], 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
	/* nothing else of ours (libcurl's socket, the caller's lock file) */
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
	e = posix_spawnp(&p->pid, "ssh", &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (e) {
		p->pid = 0;
		*operator = 1;
		if (e == ENOENT)
			tlpress_buf_adds(why, "the OpenSSH client 'ssh' is not installed (it makes "
					 "the atomic rename; apt-get install openssh-client)");
		else
			tlpress_buf_printf(why, "cannot run ssh: %s", strerror(e));
		goto out;
	}
	close(sv[1]);
	close(ep[1]);
	sv[1] = ep[1] = -1;
	p->fd = sv[0];
	p->errfd = ep[0];
	sv[0] = ep[0] = -1;
	fcntl(p->errfd, F_SETFL, O_NONBLOCK);

	/* INIT 3 -> VERSION 3 with its extensions */
	put_u32(&body, 3);
	r = exchange(p, FXP_INIT, &body, &pkt, 2 * t->timeout_s * 1000 + 1000);
	if (r == 0 && ((unsigned char)pkt.ptr[0] != FXP_VERSION || pkt.len < 5))
		r = -EPROTO;
	if (r) {
		ssh_reason(p, -r, why, operator);
		r = -1;
		goto out;
	}
	c = (const unsigned char *)pkt.ptr + 5;
	end = (const unsigned char *)pkt.ptr + pkt.len;
	while (end - c >= 4) {
		uint32_t nl = get_u32(c), dl;
		const unsigned char *name = c + 4, *data;

		if ((size_t)(end - name) < nl + 4)
			break;
		dl = get_u32(name + nl);
		data = name + nl + 4;
		if ((size_t)(end - data) < dl)
			break;
		if (nl == 24 && !memcmp(name, "posix-rename@openssh.com", 24) &&
		    dl == 1 && data[0] == '1')
			p->posix_rename = 1;
		c = data + dl;
	}
	r = 0;
out:
	free(kh);
	free(id);
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	if (ep[0] >= 0)
		close(ep[0]);
	if (ep[1] >= 0)
		close(ep[1]);
	tlpress_buf_release(&body);
	tlpress_buf_release(&pkt);
	return r;
}

/* What went wrong with ssh, in words, and whether an operator must act. */
static void ssh_reason(struct sshproc *p, int e, struct tlpress_buf *why, int *operator)
{
	struct tlpress_buf msg = TLPRESS_BUF_INIT;

	/* ssh has exited or will: let it finish writing stderr */
	if (p->fd >= 0) {
		close(p->fd);
		p->fd = -1;
	}
	if (p->pid > 0) {
		reap(p->pid, 3000);
		p->pid = 0;
	}
	ssh_stderr(p, &msg);
	if (msg.len) {
		tlpress_buf_printf(why, "ssh: %s", msg.ptr);
		if (strstr(msg.ptr, "Host key verification failed") ||
		    strstr(msg.ptr, "IDENTIFICATION HAS CHANGED") ||
		    strstr(msg.ptr, "host key is known") ||
		    strstr(msg.ptr, "Permission denied") ||
		    strstr(msg.ptr, "Load key") ||
		    strstr(msg.ptr, "subsystem request failed"))
			*operator = 1;
	} else if (e == ETIMEDOUT) {
		tlpress_buf_adds(why, "ssh: no answer in time");
	} else if (e == EPROTO) {
		tlpress_buf_adds(why, "ssh: the server does not speak SFTP version 3");
		*operator = 1;
	} else {
		tlpress_buf_printf(why, "ssh: %s", strerror(e));
	}
	tlpress_buf_release(&msg);
	ssh_stop(p);
}

/* Rename from onto to (absolute server paths) atomically. */
static int ssh_rename(struct tlpress_transport *t, const char *rel, const char *from,
		      const char *to, struct tlpress_error *err)
{
	struct sftp *s = t->priv;
	struct sshproc *p = &s->ssh;
	struct tlpress_buf body = TLPRESS_BUF_INIT, pkt = TLPRESS_BUF_INIT;
	struct tlpress_buf m = TLPRESS_BUF_INIT;
	int operator = 0, tries, r = 0, e = 0;
	uint32_t code = FX_FAILURE, id;

	for (tries = 0; tries < 2; tries++) {
		if (p->pid <= 0) {
			tlpress_buf_reset(&m);
			if (ssh_start(t, &m, &operator) < 0) {
				if (!m.len)
					ssh_reason(p, EPIPE, &m, &operator);
				break;
			}
		}
		id = ++p->id;
		tlpress_buf_reset(&body);
		put_u32(&body, id);
		if (p->posix_rename)
			put_str(&body, "posix-rename@openssh.com");
		put_str(&body, from);
		put_str(&body, to);
		if (body.failed) {
			r = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
			goto out;
		}
		e = -exchange(p, p->posix_rename ? FXP_EXTENDED : FXP_RENAME, &body, &pkt,
			      t->timeout_s * 1000);
		if (!e && ((unsigned char)pkt.ptr[0] != FXP_STATUS || pkt.len < 9 ||
			   get_u32((const unsigned char *)pkt.ptr + 1) != id))
			e = EPROTO;
		if (!e) {
			code = get_u32((const unsigned char *)pkt.ptr + 5);
			break;
		}
		/* the child died (the server restarted?): one fresh start */
		tlpress_buf_reset(&m);
		ssh_reason(p, e, &m, &operator);
		if (e != EPIPE)
			break;
	}
	if (p->pid <= 0 || e) {
		if (!m.len)
			tlpress_buf_adds(&m, "ssh: cannot start");
		goto fail;
	}
	if (code == FX_OK)
		goto out;
	tlpress_buf_reset(&m);
	tlpress_buf_printf(&m, "SFTP %s to the final name failed with status %u",
			   p->posix_rename ? "posix-rename" : "rename", (unsigned)code);
	if (pkt.len >= 13) {
		uint32_t ml = get_u32((const unsigned char *)pkt.ptr + 9);

		if (ml && ml <= pkt.len - 13)
			tlpress_buf_printf(&m, " (%.*s)", (int)ml, pkt.ptr + 13);
	}
	operator = 1;
	switch (code) {
	case FX_NO_SUCH_FILE:
		tlpress_buf_adds(&m, "; the uploaded temporary file is gone");
		operator = 0;
		break;
	case FX_PERMISSION_DENIED:
		tlpress_buf_printf(&m, "; %s may not write there", t->user);
		break;
	case FX_OP_UNSUPPORTED:
		tlpress_buf_adds(&m, "; the server does not support it");
		break;
	default:
		if (!p->posix_rename)
			tlpress_buf_adds(&m, "; the server cannot replace a file atomically (it "
					 "lacks posix-rename@openssh.com), and tlpress will not "
					 "delete it first and leave a moment with no file: use "
					 "OpenSSH's sftp-server or WebDAV");
		else
			tlpress_buf_adds(&m, "; is the target a folder?");
		break;
	}
fail:
	{
		struct tlpress_buf full = TLPRESS_BUF_INIT;

		what(&full, t, "upload", rel);
		tlpress_buf_add(&full, m.ptr, m.len);
		tlpress_buf_adds(&full, tlpress_transport_advice(t, operator));
		r = tlpress_error_set(err, TLPRESS_ENET, "%s", full.ptr);
		tlpress_buf_release(&full);
	}
out:
	tlpress_buf_release(&body);
	tlpress_buf_release(&pkt);
	tlpress_buf_release(&m);
	return r;
}

/* ---- the slots ---- */

static int sftp_put(struct tlpress_transport *t, const char *rel, const void *data,
		    size_t len, struct tlpress_error *err)
{
	struct sftp *s = t->priv;
	struct tlpress_buf tmp = TLPRESS_BUF_INIT, url = TLPRESS_BUF_INIT;
	struct tlpress_buf from = TLPRESS_BUF_INIT, to = TLPRESS_BUF_INIT;
	struct tlpress_upload up = { data, len, 0 };
	CURLcode rc;
	int r, gone;

	tlpress_transport_tmpname(&tmp, rel);
	tlpress_buf_printf(&from, "%s%s", t->path, tmp.ptr);
	tlpress_buf_printf(&to, "%s%s", t->path, rel);
	if (tmp.failed || from.failed || to.failed) {
		r = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		goto out;
	}
	r = tlpress_transport_url_of(t, tmp.ptr, &url, err);
	if (r)
		goto out;
	setup(t, url.ptr);
	curl_easy_setopt(s->h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(s->h, CURLOPT_READFUNCTION, tlpress_transport_read_cb);
	curl_easy_setopt(s->h, CURLOPT_READDATA, &up);
	curl_easy_setopt(s->h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(s->h, CURLOPT_FTP_CREATE_MISSING_DIRS, (long)CURLFTP_CREATE_DIR_RETRY);
	rc = curl_easy_perform(s->h);
	curl_easy_setopt(s->h, CURLOPT_READDATA, NULL);
	if (rc) {
		r = fail_curl(t, "upload", rel, rc, err);
		/* a part may be on the server: remove it while connected */
		if (rc == CURLE_UPLOAD_FAILED || rc == CURLE_SEND_ERROR || rc == CURLE_SSH ||
		    rc == CURLE_REMOTE_DISK_FULL || rc == CURLE_PARTIAL_FILE ||
		    rc == CURLE_READ_ERROR)
			curl_rm(t, tmp.ptr, &gone);
		goto out;
	}
	r = ssh_rename(t, rel, from.ptr, to.ptr, err);
	if (r)
		curl_rm(t, tmp.ptr, &gone);
out:
	tlpress_buf_release(&tmp);
	tlpress_buf_release(&url);
	tlpress_buf_release(&from);
	tlpress_buf_release(&to);
	return r;
}

static int sftp_del(struct tlpress_transport *t, const char *rel, struct tlpress_error *err)
{
	int gone;
	CURLcode rc = curl_rm(t, rel, &gone);

	return rc ? fail_curl(t, "delete", rel, rc, err) : 0;
}

static int sftp_get(struct tlpress_transport *t, const char *rel, struct tlpress_buf *out,
		    int *missing, struct tlpress_error *err)
{
	struct sftp *s = t->priv;
	struct tlpress_buf url = TLPRESS_BUF_INIT;
	struct sink k = { out, 0 };
	CURLcode rc;
	int r = tlpress_transport_url_of(t, rel, &url, err);

	if (r)
		goto out;
	setup(t, url.ptr);
	curl_easy_setopt(s->h, CURLOPT_WRITEDATA, &k);
	rc = curl_easy_perform(s->h);
	curl_easy_setopt(s->h, CURLOPT_WRITEDATA, NULL);
	if (k.overflow) {
		r = k.overflow == 1
			? tlpress_error_set(err, TLPRESS_ELIMIT, "cannot fetch '%s' from %s: "
					    "larger than %zu bytes", rel, t->url, out->limit)
			: tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		tlpress_buf_reset(out);
	} else if (rc == CURLE_REMOTE_FILE_NOT_FOUND) {
		*missing = 1;
		tlpress_buf_reset(out);
	} else if (rc) {
		r = fail_curl(t, "fetch", rel, rc, err);
		tlpress_buf_reset(out);
	}
out:
	tlpress_buf_release(&url);
	return r;
}

static void sftp_close(struct tlpress_transport *t)
{
	struct sftp *s = t->priv;

	if (!s)
		return;
	ssh_stop(&s->ssh);
	if (s->h)
		curl_easy_cleanup(s->h);
	free(s->known_hosts);
	free(s->key);
	free(s->pubkey);
	free(s);
	t->priv = NULL;
}

/* A file the transport must be able to read, with a name ssh accepts. */
static int check_file(struct tlpress_transport *t, const char *what_, const char *opt,
		      const char *path, struct tlpress_error *err)
{
	const char *p;
	struct stat st;

	for (p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == '"' || *p == '\\')
			return tlpress_error_set(err, TLPRESS_EUSAGE, "cannot use the %s '%s' for "
						 "%s: rename it without '\"', '\\' or control "
						 "characters", what_, path, t->url);
	if (stat(path, &st) < 0 || access(path, R_OK) < 0)
		return tlpress_error_errno(err, TLPRESS_EUSAGE, errno,
					   "cannot use the %s '%s' (%s) for %s", what_, path, opt,
					   t->url);
	if (!S_ISREG(st.st_mode))
		return tlpress_error_set(err, TLPRESS_EUSAGE, "cannot use the %s '%s' (%s) for "
					 "%s: not a regular file", what_, path, opt, t->url);
	return 0;
}

static int sftp_open(struct tlpress_transport *t, const struct tlpress_transport_opts *o,
		     struct tlpress_error *err)
{
	struct sftp *s;
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	int r;

	if (!*t->host)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "cannot upload to '%s': no host",
					 t->url);
	if (*t->host == '-')
		return tlpress_error_set(err, TLPRESS_EUSAGE, "cannot upload to '%s': invalid "
					 "host name; correct 'site.target'", t->url);
	if (!t->user || !*t->user || *t->user == '-')
		return tlpress_error_set(err, TLPRESS_EUSAGE, "cannot upload to '%s': an sftp URL "
					 "names the user: sftp://USER@%s/path/", t->url, t->host);
	if (!strncmp(t->path, "/~/", 3) || !strcmp(t->path, "/~"))
		return tlpress_error_set(err, TLPRESS_EUSAGE, "cannot upload to '%s': give the "
					 "absolute path of the folder on the server, not one below "
					 "the home folder (/~/)", t->url);
	if (!o->known_hosts || !*o->known_hosts)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "cannot upload to '%s': sftp needs a "
					 "known_hosts file with the server's host key pinned: "
					 "set 'site.known_hosts' to one (ssh-keyscan, checked "
					 "with the server's operator)", t->url);
	if (!o->ssh_key || !*o->ssh_key)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "cannot upload to '%s': sftp needs a "
					 "private key file: set 'site.ssh_key' to one (with "
					 "KEY.pub beside it)", t->url);
	r = check_file(t, "known_hosts file", "known_hosts", o->known_hosts, err);
	if (!r)
		r = check_file(t, "private key", "ssh_key", o->ssh_key, err);
	tlpress_buf_printf(&b, "%s.pub", o->ssh_key);
	if (b.failed) {
		tlpress_buf_release(&b);
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	}
	if (!r)
		r = check_file(t, "public key", "ssh_key + .pub", b.ptr, err);
	if (r) {
		tlpress_buf_release(&b);
		return r;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		tlpress_buf_release(&b);
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	}
	t->priv = s;
	s->ssh.fd = s->ssh.errfd = -1;
	s->pubkey = tlpress_buf_detach(&b, NULL);
	s->known_hosts = strdup(o->known_hosts);
	s->key = strdup(o->ssh_key);
	s->h = tlpress_transport_curl_new();
	if (!s->pubkey || !s->known_hosts || !s->key || !s->h) {
		sftp_close(t);
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	}
	return 0;
}

const struct tlpress_transport_ops tlpress_transport_sftp_ops = {
	"sftp",     /* name */
	sftp_open,  /* open: checks user, path, known_hosts and key files; makes the handle */
	sftp_put,   /* put: libcurl upload of .NAME.tlpress-tmp, then posix-rename via ssh */
	sftp_del,   /* del: libcurl quote "rm"; "No such file" is success */
	sftp_get,   /* get: libcurl download; CURLE_REMOTE_FILE_NOT_FOUND is *missing */
	sftp_close, /* close: stops the ssh child, frees the handle and its connection */
};
