/* transport_file.c - file:///abs/path/: a local folder (or a mounted one),
 * written with lib/fsutil.h: a temporary file in the target's folder, then
 * rename(2). No libcurl. See transport.h. */
#define TLPRESS_TRANSPORT_INTERNAL
#include "transport.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"

/* t->priv: the folder without its final '/' (fsutil adds one) */
static int file_open(struct tlpress_transport *t, const struct tlpress_transport_opts *o,
		     struct tlpress_error *err)
{
	char *root;

	(void)o;
	if (*t->host && strcmp(t->host, "localhost") != 0)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "cannot upload to '%s': a file:// "
					 "URL names a local folder (file:///path/), not host '%s'",
					 t->url, t->host);
	if (strcmp(t->path, "/") == 0)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "refusing to publish into the root "
					 "folder '/'; name a folder (file:///srv/www/)");
	root = strdup(t->path);
	if (!root)
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	root[strlen(root) - 1] = '\0';
	t->priv = root;
	return 0;
}

/* fsutil's message, after which file and where */
static int wrap(struct tlpress_transport *t, const char *verb, const char *prep,
		const char *rel, int r, const struct tlpress_error *e, struct tlpress_error *err)
{
	return tlpress_error_set(err, r, "cannot %s '%s' %s %s: %s", verb, rel, prep, t->url,
				 e->msg);
}

static int file_put(struct tlpress_transport *t, const char *rel, const void *data,
		    size_t len, struct tlpress_error *err)
{
	struct tlpress_error e = TLPRESS_ERROR_INIT;
	int r = tlpress_mkroot(t->priv, &e);

	if (!r)
		r = tlpress_write_atomic(t->priv, rel, data, len, &e);
	return r ? wrap(t, "upload", "to", rel, r, &e, err) : 0;
}

static int file_del(struct tlpress_transport *t, const char *rel, struct tlpress_error *err)
{
	struct tlpress_error e = TLPRESS_ERROR_INIT;
	int r = tlpress_remove(t->priv, rel, &e);

	return r ? wrap(t, "delete", "on", rel, r, &e, err) : 0;
}

static int file_get(struct tlpress_transport *t, const char *rel, struct tlpress_buf *out,
		    int *missing, struct tlpress_error *err)
{
	struct tlpress_buf path = TLPRESS_BUF_INIT;
	struct tlpress_error e = TLPRESS_ERROR_INIT;
	int errnum = 0, r;

	tlpress_path_join(&path, t->priv, rel);
	if (path.failed) {
		tlpress_buf_release(&path);
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	}
	r = tlpress_read_file(path.ptr, out->limit, out, &errnum, &e);
	if (r == TLPRESS_EIO && (errnum == ENOENT || errnum == ENOTDIR)) {
		*missing = 1;
		r = 0;
	} else if (r) {
		wrap(t, "fetch", "from", rel, r, &e, err);
	}
	tlpress_buf_release(&path);
	return r;
}

static void file_close(struct tlpress_transport *t)
{
	free(t->priv);
	t->priv = NULL;
}

const struct tlpress_transport_ops tlpress_transport_file_ops = {
	"file",     /* name */
	file_open,  /* open: checks the URL names a local folder */
	file_put,   /* put: tlpress_write_atomic(), creating the folders */
	file_del,   /* del: tlpress_remove(), also removes folders left empty */
	file_get,   /* get: tlpress_read_file(); ENOENT is *missing */
	file_close, /* close: frees the folder name */
};
