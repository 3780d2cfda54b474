/*
 * net.c - load tlpress-net.so on first use (net.h)
 *
 * One source, three objects (Makefile):
 *   plain                   libtlpress.a: the modules are linked in, so
 *                           tlpress_net_load() has nothing to do;
 *   TLPRESS_NET_LOADER      the tlpress binary: the loader, and one stub
 *                           for each function listed in NET_FUNCS;
 *   TLPRESS_NET_PLUGIN      tlpress-net.so: the version it was built as.
 */
#include "net.h"

#if defined(TLPRESS_NET_PLUGIN)

const char tlpress_net_version[] = TLPRESS_VERSION;

#elif !defined(TLPRESS_NET_LOADER)

int tlpress_net_load(struct tlpress_error *err)
{
	(void)err;
	return 0;
}

#else

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "mail.h"
#include "smtp.h"
#include "transport.h"
#include "verify.h"

#ifndef TLPRESS_PKGLIBDIR
#define TLPRESS_PKGLIBDIR "/usr/local/lib/tlpress"
#endif

#define NET_SO "tlpress-net.so"

/* every function of transport.h, smtp.h, mail.h and verify.h that the rest
 * of tlpress calls; a new caller of another one adds it here */
#define NET_FUNCS(X) \
	X(tlpress_mail_build) \
	X(tlpress_maildir_deliver) \
	X(tlpress_smtp_open) \
	X(tlpress_smtp_send) \
	X(tlpress_smtp_server) \
	X(tlpress_smtp_close) \
	X(tlpress_transport_open) \
	X(tlpress_transport_put) \
	X(tlpress_transport_get) \
	X(tlpress_transport_delete) \
	X(tlpress_transport_delete_tmp) \
	X(tlpress_transport_retryable) \
	X(tlpress_transport_url) \
	X(tlpress_transport_close) \
	X(tlpress_verify_is_url) \
	X(tlpress_verify_tree) \
	X(tlpress_verify_result_release) \
	X(tlpress_vkind_name)

static struct {
#define FIELD(f) __typeof__(&f) f;
	NET_FUNCS(FIELD)
#undef FIELD
} net;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;
static char why[TLPRESS_ERRMSG_SIZE];

/* dlopen() one candidate; 0, or -1 with what went wrong added to *tried */
static int try(const char *path, struct tlpress_buf *tried)
{
	const char *version;
	void *h;

	if (access(path, F_OK) != 0) {
		tlpress_buf_printf(tried, "%s%s: %s", tried->len ? "; " : "", path,
				   strerror(errno));
		return -1;
	}
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		tlpress_buf_printf(tried, "%s%s", tried->len ? "; " : "", dlerror());
		return -1;
	}
	version = dlsym(h, "tlpress_net_version");
	if (!version || strcmp(version, TLPRESS_VERSION) != 0) {
		tlpress_buf_printf(tried, "%s%s: version %s, not %s as the binary", tried->len ?
				   "; " : "", path, version ? version : "unknown", TLPRESS_VERSION);
		dlclose(h);
		return -1;
	}
#define SYM(f) \
	if (!(*(void **)&net.f = dlsym(h, #f))) { \
		tlpress_buf_printf(tried, "%s%s: has no %s", tried->len ? "; " : "", path, #f); \
		dlclose(h); \
		return -1; \
	}
	NET_FUNCS(SYM)
#undef SYM
	/* never closed: libcurl and GLib are not made to be unloaded */
	return 0;
}

static void load(void)
{
	struct tlpress_buf tried = TLPRESS_BUF_INIT;
	char exe[PATH_MAX], path[PATH_MAX + 32], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	exe[n > 0 ? n : 0] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	if (slash && snprintf(path, sizeof(path), "%s/" NET_SO, exe) < (int)sizeof(path) &&
	    try(path, &tried) == 0)
		goto done;
	if (try(TLPRESS_PKGLIBDIR "/" NET_SO, &tried) == 0)
		goto done;
	if (slash && snprintf(path, sizeof(path), "%s/../lib/tlpress/" NET_SO, exe) <
	    (int)sizeof(path) && try(path, &tried) == 0)
		goto done;
	snprintf(why, sizeof(why), "cannot load " NET_SO ", which tlpress needs to upload, "
		 "mail and verify (libcurl, GMime): %s; install it with the binary (make "
		 "install), or run the build/tlpress beside it", tried.ptr);
	tlpress_buf_release(&tried);
	return;
done:
	tlpress_buf_release(&tried);
	loaded = 1;
}

int tlpress_net_load(struct tlpress_error *err)
{
	pthread_once(&once, load);
	if (loaded)
		return 0;
	return tlpress_error_set(err, TLPRESS_EIO, "%s", why);
}

/* For the stubs of functions without a struct tlpress_error, which take
 * what a loaded tlpress-net.so made (net.h): not loaded here is a caller's
 * bug, reported as an assert() would and not carried on from. */
static void need(const char *f)
{
	pthread_once(&once, load);
	if (!loaded) {
		fprintf(stderr, "tlpress: %s: %s\n", f, why);
		abort();
	}
}

int tlpress_mail_build(const struct tlpress_mail_in *in, struct tlpress_buf *out,
		       struct tlpress_error *err)
{
	int rc = tlpress_net_load(err);

	return rc ? rc : net.tlpress_mail_build(in, out, err);
}

int tlpress_maildir_deliver(const char *dir, const char *from, const char *rcpt, const void *msg,
			    size_t len, char *name_out, size_t namesize,
			    struct tlpress_error *err)
{
	int rc = tlpress_net_load(err);

	return rc ? rc : net.tlpress_maildir_deliver(dir, from, rcpt, msg, len, name_out,
						     namesize, err);
}

int tlpress_smtp_open(struct tlpress_smtp **s, const struct tlpress_smtp_opts *o,
		      struct tlpress_error *err)
{
	int rc = tlpress_net_load(err);

	return rc ? rc : net.tlpress_smtp_open(s, o, err);
}

int tlpress_smtp_send(struct tlpress_smtp *s, const char *from, const char *rcpt,
		      const void *msg, size_t len, int *result, long *code, char *reply,
		      size_t replysize, struct tlpress_error *err)
{
	int rc = tlpress_net_load(err);

	return rc ? rc : net.tlpress_smtp_send(s, from, rcpt, msg, len, result, code, reply,
					       replysize, err);
}

const char *tlpress_smtp_server(const struct tlpress_smtp *s)
{
	need(__func__);
	return net.tlpress_smtp_server(s);
}

void tlpress_smtp_close(struct tlpress_smtp *s)
{
	if (s) {
		need(__func__);
		net.tlpress_smtp_close(s);
	}
}

int tlpress_transport_open(struct tlpress_transport **t, const char *url,
			   const struct tlpress_transport_opts *o,
			   struct tlpress_error *err)
{
	int rc = tlpress_net_load(err);

	return rc ? rc : net.tlpress_transport_open(t, url, o, err);
}

int tlpress_transport_put(struct tlpress_transport *t, const char *rel,
			  const void *data, size_t len, struct tlpress_error *err)
{
	int rc = tlpress_net_load(err);

	return rc ? rc : net.tlpress_transport_put(t, rel, data, len, err);
}

int tlpress_transport_get(struct tlpress_transport *t, const char *rel,
			  struct tlpress_buf *out, int *missing,
			  struct tlpress_error *err)
{
	int rc = tlpress_net_load(err);

	return rc ? rc : net.tlpress_transport_get(t, rel, out, missing, err);
}

int tlpress_transport_delete(struct tlpress_transport *t, const char *rel,
			     struct tlpress_error *err)
{
	int rc = tlpress_net_load(err);

	return rc ? rc : net.tlpress_transport_delete(t, rel, err);
}

int tlpress_transport_delete_tmp(struct tlpress_transport *t, const char *rel,
				 struct tlpress_error *err)
{
	int rc = tlpress_net_load(err);

	return rc ? rc : net.tlpress_transport_delete_tmp(t, rel, err);
}

int tlpress_transport_retryable(const struct tlpress_transport *t)
{
	need(__func__);
	return net.tlpress_transport_retryable(t);
}

const char *tlpress_transport_url(const struct tlpress_transport *t)
{
	need(__func__);
	return net.tlpress_transport_url(t);
}

void tlpress_transport_close(struct tlpress_transport *t)
{
	if (t) {
		need(__func__);
		net.tlpress_transport_close(t);
	}
}

int tlpress_verify_is_url(const char *s)
{
	need(__func__);
	return net.tlpress_verify_is_url(s);
}

int tlpress_verify_tree(const struct tlpress_verify_opts *o, struct tlpress_verify_result *r,
			struct tlpress_error *err)
{
	int rc = tlpress_net_load(err);

	return rc ? rc : net.tlpress_verify_tree(o, r, err);
}

void tlpress_verify_result_release(struct tlpress_verify_result *r)
{
	/* a result is filled by tlpress_verify_tree() only */
	if (loaded)
		net.tlpress_verify_result_release(r);
}

const char *tlpress_vkind_name(enum tlpress_vkind k)
{
	need(__func__);
	return net.tlpress_vkind_name(k);
}

#endif
