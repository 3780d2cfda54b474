/*
 * config.h - tlpress.yml, the configuration of a CSIRT's installation
 *
 * Every key is optional: with no file at all, tlpress runs on embedded
 * defaults (a local public/ site for a demo publisher). Unknown keys are
 * errors, reported as `tlpress check` reports them. Relative paths in the
 * file are relative to the folder that holds it. docs/config.md describes
 * each key.
 */
#ifndef TLPRESS_CONFIG_H
#define TLPRESS_CONFIG_H

#include "error.h"
#include "lists.h"

#define TLPRESS_CONFIG_NAME "tlpress.yml"
/* Largest configuration file, in bytes. */
#define TLPRESS_CONFIG_MAX_SIZE (1 << 20)

struct tlpress_config {
	char *path;                 /* the file read, or NULL for defaults */
	char *dir;                  /* its folder ("." for defaults) */
	struct {
		char *name;             /* "Centre for Cybersecurity Belgium" */
		char *namespace_url;    /* "https://ccb.belgium.be" */
		char *category;         /* CSAF publisher category */
		char *contact_details;
		char *issuing_authority; /* or NULL */
	} publisher;
	struct {
		char *url;              /* absolute, ends with '/' */
		char *title;
		char *lang;
		int feed_items;
		char *output;           /* folder of the public tree */
		char *security_txt;     /* contact for .well-known/security.txt, or NULL */
		char *target;           /* where `tlpress publish` pushes the tree:
					   file:///, http(s):// (WebDAV) or sftp:// URL
					   ending in '/'; NULL: the output folder is
					   the site, nothing is pushed */
		char *netrc;            /* http(s): credentials file, or NULL for ~/.netrc */
		char *known_hosts;      /* sftp: pinned host key */
		char *ssh_key;          /* sftp: private key file */
		int timeout;            /* seconds to connect and without progress */
		int retries;            /* more tries of a request that may pass */
	} site;
	struct {
		char *key;              /* fingerprint or user id, or NULL */
		char *gnupghome;        /* or NULL: $GNUPGHOME or ~/.gnupg */
		int warn_days;          /* warn when the key expires this soon */
	} signing;
	struct tlpress_lists lists;  /* private mailing lists (lists.h) */
	struct {
		char *url;              /* smtp:// or smtps://, or NULL: the local outbox */
		char *from;             /* the sender address */
		char *from_name;        /* its display name (publisher.name by default) */
		char *netrc;            /* SMTP credentials, or NULL */
		int timeout;            /* seconds */
	} smtp;
	struct {
		char *outbox;           /* Maildir folder used when smtp.url is not set */
		int warn_days;          /* warn when a recipient key expires this soon */
		int retry_minutes;      /* first wait before a 4xx is tried again; doubles */
	} mail;
	struct {
		char *public_prefix;    /* "CCB-{year}-": ids of CLEAR advisories */
		char *restricted_prefix; /* "CCBR-{year}-": ids of all others */
		int digits;             /* at least this many digits: 4 to 8 */
	} ids;                      /* how `tlpress new` numbers (ids.h) */
	char *state;                /* the state folder (journal, caches, id counters) */
	char *templates;            /* folder of the templates */
	char *advisories;           /* folder of the advisories */
};

/*
 * Load the configuration: from `path` when it is not NULL (it must exist),
 * else from ./tlpress.yml when that exists, else the embedded defaults.
 * Problems go to diags (file:line:col); returns 0 when there was no error,
 * TLPRESS_EINVAL when there was, TLPRESS_EIO when the file could not be
 * read. Free with tlpress_config_release() in every case.
 */
int tlpress_config_load(struct tlpress_config *cfg, const char *path,
			struct tlpress_diags *diags);

/*
 * The same from the bytes data[0..len) (need not be NUL-terminated), named
 * `file` in diagnostics; relative paths, members files among them, are
 * relative to file's folder. Reads no configuration file, only the members
 * files it names. Returns what tlpress_config_load() returns, TLPRESS_ELIMIT
 * for more than TLPRESS_CONFIG_MAX_SIZE bytes, or TLPRESS_EUSAGE for a NULL
 * file or data. Free with tlpress_config_release() in every case.
 */
int tlpress_config_parse(struct tlpress_config *cfg, const char *file, const char *data,
			 size_t len, struct tlpress_diags *diags);
void tlpress_config_release(struct tlpress_config *cfg);

/*
 * Where `tlpress publish` puts the site, as the journal's key: site.target,
 * or, when there is none or it names the output folder itself,
 * "file://<absolute output folder>/" with *local set to 1 (the build alone
 * publishes). out gets at most size bytes.
 */
void tlpress_config_target(const struct tlpress_config *cfg, char *out, size_t size, int *local);

#endif
