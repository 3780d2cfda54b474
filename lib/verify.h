/*
 * verify.h - check a published tree as a subscriber would: the signed
 * manifest, every file's size and SHA-256, every detached signature and the
 * CSAF hash files, against the publisher's key
 *
 * The tree is a local folder or an http:// or https:// URL of its root. It
 * holds (see `tlpress build`):
 *     manifest.txt         "# tlpress manifest 1", "# clearance: ...",
 *                          optionally "# signer: <FPR>", then one
 *                          "<sha256 hex> <size> <path>" line per file,
 *                          every file but manifest.txt and its .asc
 *     manifest.txt.asc     a detached signature of manifest.txt
 *     F.asc                a detached signature of every file F that is not
 *                          itself a .asc
 *     .well-known/csaf/<tlp>/<year>/<name>.json.sha256 and .sha512
 *                          in sha256sum format, for every CSAF document
 *     openpgp/<FPR>.asc    the publisher's public key
 *
 * The key: opts.keyfile when given, else the tree's own openpgp/<FPR>.asc
 * where FPR is the manifest's "# signer:". A key taken from the tree proves
 * that the tree is whole and consistent (integrity), not who made it
 * (authenticity): result.key_from_tree tells the caller to say so.
 *
 * Cost: signatures are checked on opts.jobs threads (GnuPG runs once per
 * signature), with one temporary GnuPG home holding only the imported key;
 * over HTTP every file is fetched through one libcurl handle (one kept-alive
 * connection) on the calling thread while the workers verify. Files are
 * held in memory, at most TLPRESS_VERIFY_MAX_FILE bytes each and about
 * 64 MiB in flight.
 *
 * Over HTTP: only http and https, no redirect to another host (or from
 * https to http), timeouts on connecting and on stalled transfers; proxies
 * from the environment (http_proxy, https_proxy, no_proxy) as curl uses
 * them. 404 and 410 mean a missing file; any other error status is
 * reported for that file; a transfer that fails (no connection, timeout,
 * TLS) stops the check with TLPRESS_ENET.
 *
 * Nothing is printed: problems are returned in a list, sorted by path.
 */
#ifndef TLPRESS_VERIFY_H
#define TLPRESS_VERIFY_H

#include <stddef.h>

#include "error.h"

/* The largest single file checked; a larger one is reported as BAD. */
#define TLPRESS_VERIFY_MAX_FILE ((size_t)256 << 20)
/* The most worker threads. */
#define TLPRESS_VERIFY_MAX_JOBS 64

enum tlpress_vkind {
	TLPRESS_V_BAD,       /* a signature or a hash file does not verify, or
			      * the file cannot be checked */
	TLPRESS_V_CHANGED,   /* size or SHA-256 differs from the manifest */
	TLPRESS_V_MISSING,   /* listed in the manifest, not in the tree */
	TLPRESS_V_UNSIGNED,  /* F has no F.asc (or manifest.txt no .asc) */
	TLPRESS_V_UNLISTED   /* in the tree, not in the manifest */
};

struct tlpress_vproblem {
	enum tlpress_vkind kind;
	char *path;          /* relative to the tree's root; owned */
	char *detail;        /* what is wrong, or NULL; owned */
};

struct tlpress_verify_opts {
	const char *tree;    /* a folder, or an http(s):// URL of the root */
	const char *keyfile; /* the publisher's key, armoured or binary; NULL:
			      * the tree's openpgp/<signer>.asc */
	int jobs;            /* signature threads, 1..TLPRESS_VERIFY_MAX_JOBS */
	long timeout;        /* seconds for one HTTP request; 0: 300 */
};

struct tlpress_verify_result {
	struct tlpress_vproblem *v;  /* sorted by path, then kind */
	size_t n, cap;
	size_t files;        /* files listed in the manifest */
	size_t checked;      /* of those, found with the manifest's size and hash */
	size_t signatures;   /* signatures that verified, the manifest's included */
	size_t requests;     /* HTTP requests made (0 for a folder) */
	char fpr[41];        /* the publisher's key: the one that signed the
			      * manifest, else the first in the key file; ""
			      * when the key could not be read */
	char uid[256];       /* its user id, "" when unknown */
	int key_from_tree;   /* the key came from the tree itself */
	int manifest_ok;     /* manifest.txt's signature verified */
	char key_source[1024]; /* the key file or the tree's path of it */
};

#define TLPRESS_VERIFY_RESULT_INIT { NULL, 0, 0, 0, 0, 0, 0, "", "", 0, 0, "" }

/*
 * Check the tree. 0 when the check ran to its end: the tree is good when
 * r->n == 0. An error when the tree, its manifest or the key cannot be read
 * at all (TLPRESS_EIO, TLPRESS_ENET, TLPRESS_ECRYPTO for a key GnuPG cannot
 * import or a GnuPG that cannot run), or for bad options (TLPRESS_EUSAGE:
 * a URL of another scheme, say); r then holds what was found so far.
 */
int tlpress_verify_tree(const struct tlpress_verify_opts *o, struct tlpress_verify_result *r,
			struct tlpress_error *err);
void tlpress_verify_result_release(struct tlpress_verify_result *r);

/* "BAD", "CHANGED", "MISSING", "UNSIGNED", "UNLISTED" */
const char *tlpress_vkind_name(enum tlpress_vkind k);

/* 1 when s is an http:// or https:// URL, -1 when it is a URL of another
 * scheme (scheme://...), 0 when it is a path. */
int tlpress_verify_is_url(const char *s);

#endif
