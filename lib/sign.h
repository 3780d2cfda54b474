/*
 * sign.h - OpenPGP signatures of published files (GPGME; with verify.c,
 * which keeps one GPGME context per thread for speed, the only module that
 * includes <gpgme.h>)
 *
 * Every published file F gets a detached, ASCII-armoured signature F.asc
 * that a subscriber checks with nothing but stock gpg:
 *     gpg --verify F.asc F
 * The signing key lives in a GnuPG home (signing.gnupghome, else $GNUPGHOME
 * or ~/.gnupg) and must have no passphrase, or have it preset in gpg-agent:
 * tlpress runs unattended and never prompts (loopback pinentry, no
 * passphrase given).
 *
 * Key health is checked when the signer is opened: an expired, revoked,
 * disabled or invalid key, or one with no usable signing (sub)key, is
 * refused; one that expires within warn_days is accepted with a warning.
 *
 * Socket paths: with no /run/user/UID, gpg-agent puts its sockets inside
 * the GnuPG home, and a Unix socket path has at most 107 bytes: a home
 * longer than about 87 characters does not work. tlpress checks this and
 * says what to do (`gpgconf --create-socketdir`).
 *
 * Threads: gpgme is initialised once; a signer holds one gpgme context per
 * worker, and worker w may be used by one thread at a time.
 */
#ifndef TLPRESS_SIGN_H
#define TLPRESS_SIGN_H

#include <stddef.h>

#include "buf.h"
#include "error.h"

struct tlpress_keyinfo {
	char fpr[41];            /* fingerprint of the primary key */
	char uid[256];           /* primary user id */
	char algo[32];           /* "ed25519", "rsa4096" (gpgme_pubkey_algo_string of the signing subkey) */
	long long expires;       /* Unix time of the signing (sub)key's expiry, 0 = never */
	int expired, revoked, disabled, invalid, can_sign, is_demo; /* is_demo: uid contains "(demo" or "demo key" */
	int days_left;           /* whole days to expiry (when expires != 0), relative to `now` */
};

struct tlpress_signer;       /* opaque: the key and one gpgme context per worker */

/* The most workers a signer may have. */
#define TLPRESS_SIGN_MAX_WORKERS 64

/*
 * Find the key (fingerprint or user id; must match exactly one secret key),
 * check its health at `now`: refuse (TLPRESS_ECRYPTO, a clear message naming
 * the key and what to do) an expired, revoked, disabled or invalid key, or
 * one with no valid signing-capable (sub)key; fill info; *warn set when it
 * expires within warn_days. `workers` contexts are created (each thread
 * uses its own). gnupghome NULL = default.
 *
 * Details: info is filled whenever the key was found, also when it is
 * refused (info->fpr is "" when it was not found). A key that matches no
 * secret key, or several, is TLPRESS_EINVAL; GnuPG that cannot run, a
 * missing home or a home too long for the agent's sockets is
 * TLPRESS_ECRYPTO with info->fpr "". A key counts as expired when it is at
 * `now` or at the real clock (gpg signs by the real clock). *out is NULL on
 * failure. `warn` may be NULL.
 */
int tlpress_signer_open(struct tlpress_signer **out, const char *key, const char *gnupghome,
			int workers, int warn_days, long long now, struct tlpress_keyinfo *info,
			int *warn, struct tlpress_error *err);
void tlpress_signer_close(struct tlpress_signer *s);

/* A detached, ASCII-armoured signature of data, with worker context w
 * (0 <= w < workers), appended to asc. */
int tlpress_sign_detached(struct tlpress_signer *s, int w, const void *data, size_t len,
			  struct tlpress_buf *asc, struct tlpress_error *err);

/* The public key, armoured, appended to out. */
int tlpress_signer_export(struct tlpress_signer *s, struct tlpress_buf *out,
			  struct tlpress_error *err);

/*
 * Sign files: for each rel in paths, read root/rel and write root/rel.asc
 * atomically (lib/fsutil.h), on `workers` threads (one context each; the
 * order of work changes no output: on failure the error reported is that of
 * the first failing path in the order of paths, as a sequential run would
 * report). progress(ctx, done, total) is called from one thread (the
 * caller's) at most every 100 ms and once at the end; may be NULL. Stops at
 * the first error.
 */
int tlpress_sign_files(struct tlpress_signer *s, const char *root, char *const *paths, size_t n,
		       void (*progress)(void *ctx, size_t done, size_t total), void *pctx,
		       struct tlpress_error *err);

/*
 * Verify a detached signature of data against the keys in gnupghome (NULL:
 * the default), or, when keyfile is not NULL, only against the key(s) in
 * that armoured file, imported into a temporary GnuPG home that is removed
 * afterwards. 0 when every signature in sig is good; TLPRESS_ECRYPTO with
 * the reason (bad signature, unknown key, expired or revoked key...)
 * otherwise. fpr_out (41 bytes, may be NULL) gets the signing key's
 * fingerprint: the primary key's when the key is known, else the issuer as
 * gpg reports it ("" when there is none). Uses the real clock.
 */
int tlpress_verify_detached(const char *gnupghome, const char *keyfile, const void *data,
			    size_t len, const void *sig, size_t siglen, char *fpr_out,
			    struct tlpress_error *err);

/*
 * Information on any key (for recipient keys later): by fingerprint or
 * address (an address matches the address of a user id exactly, not as a
 * substring). 0, or TLPRESS_EINVAL when not found or when the pattern
 * matches several keys. The key's state is left to the caller: nothing is
 * refused here.
 */
int tlpress_key_lookup(const char *gnupghome, const char *pattern, long long now,
		       struct tlpress_keyinfo *info, struct tlpress_error *err);

#endif
