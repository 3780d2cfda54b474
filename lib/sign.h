/*
 * sign.h - OpenPGP signatures of published files, and their verification
 * (GPGME; this is the only module that includes <gpgme.h>)
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
 * Threads: gpgme is initialised once; a signer, and a verifier, holds one
 * gpgme context per worker, and worker w may be used by one thread at a
 * time.
 *
 * Speed: a signer signs through gpg-agent itself when it can (below,
 * tlpress_signer_agent_workers): gpg makes the first signature, tlpress the
 * others alike, hashing here and asking the agent for the signature value,
 * so that a signature costs no gpg process.
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
	int can_encrypt;         /* a valid encryption-capable subkey, on a key that is not
				    expired, revoked, disabled or invalid */
	long long enc_expires;   /* that subkey's expiry (Unix time), 0 = never */
	int enc_days_left;       /* whole days to enc_expires (when set), relative to `now` */
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

/*
 * How many of the signer's workers sign through gpg-agent directly (one
 * Assuan connection each, lib/pgpsig.h) rather than through GPGME (one gpg
 * process per signature). Every worker starts on the agent when the agent
 * signs as gpg would (checked with gpg when the signer opens) and
 * TLPRESS_SIGN_VIA is not "gpg" in the environment; a worker whose agent
 * signature fails once goes to GPGME, and that signature with it.
 */
int tlpress_signer_agent_workers(const struct tlpress_signer *s);

/*
 * For tests: a detached signature of data through worker w's agent
 * connection, with the creation time `created` (Unix time) instead of the
 * clock. The same bytes as gpg's signature of data made in that second
 * (Ed25519 and RSA signatures are deterministic). TLPRESS_EUSAGE when w
 * has no agent connection; nothing falls back to GPGME.
 */
int tlpress_sign_detached_at(struct tlpress_signer *s, int w, const void *data, size_t len,
			     long long created, struct tlpress_buf *asc, struct tlpress_error *err);

/*
 * For PGP/MIME (RFC 3156, lib/mail.h). A detached, armoured signature of
 * data (the MIME entity's canonical bytes, CRLF line ends), as
 * tlpress_sign_detached, appended to asc; micalg gets the hash algorithm as
 * multipart/signed names it: "pgp-" and gpg's name in lower case
 * ("pgp-sha256"), "" on failure.
 */
int tlpress_sign_detached_mime(struct tlpress_signer *s, int w, const void *data, size_t len,
			       struct tlpress_buf *asc, char micalg[24], struct tlpress_error *err);

/*
 * Sign data with the signer's key and encrypt it to one recipient (RFC 3156
 * section 6.2, the combined method): an ASCII-armoured OpenPGP message
 * appended to out, with worker context w. recipient: a fingerprint (or key
 * id) or an address (matched exactly, "<addr>" too) in the signer's GnuPG
 * home, which must name exactly one key that is not expired, revoked,
 * disabled or invalid (at the real clock) and has a usable encryption
 * subkey. The key is trusted as it is (always-trust: the keyring is a
 * curated one) and is the only recipient (no encrypt-to keys of gpg.conf).
 * Otherwise TLPRESS_ECRYPTO, the message naming the key and what is wrong,
 * and nothing is appended.
 */
int tlpress_sign_encrypt(struct tlpress_signer *s, int w, const char *recipient, const void *data,
			 size_t len, struct tlpress_buf *out, struct tlpress_error *err);

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
 * afterwards (a verifier's, below). 0 when every signature in sig is good; TLPRESS_ECRYPTO with
 * the reason (bad signature, unknown key, expired or revoked key...)
 * otherwise. fpr_out (41 bytes, may be NULL) gets the signing key's
 * fingerprint: the primary key's when the key is known, else the issuer as
 * gpg reports it ("" when there is none). Uses the real clock.
 */
int tlpress_verify_detached(const char *gnupghome, const char *keyfile, const void *data,
			    size_t len, const void *sig, size_t siglen, char *fpr_out,
			    struct tlpress_error *err);

/*
 * A verifier checks many detached signatures against given keys only: a
 * private temporary GnuPG home (in $TMPDIR when its path is 40 characters at
 * most, else /tmp) holding nothing but those keys, and one gpgme context per
 * worker on it, made once (GPGME runs `gpg --version` for each new context:
 * this way each signature costs one gpg process, not two). The home never
 * goes to the network (offline, no dirmngr, no key retrieval), never starts
 * gpg-agent (no-autostart), trusts its keys (trust-model always: validity
 * comes from holding the key) and takes no locks (lock-never: the keys are
 * imported once, then the keyring is only read, by as many gpg processes as
 * there are workers). Closing it removes the home.
 */
struct tlpress_verifier;

/*
 * Make the home and import key (keylen bytes, armoured or binary; keyname
 * names it in messages: its file, say), with `workers` contexts (1 to
 * TLPRESS_SIGN_MAX_WORKERS). fpr (41 bytes, may be NULL) gets the first
 * imported key's fingerprint. TLPRESS_ECRYPTO when GnuPG cannot run or the
 * key does not import ("cannot import the publisher's key from
 * '<keyname>': ..."), TLPRESS_EIO when the home cannot be made. *out is
 * NULL on failure.
 */
int tlpress_verifier_open(struct tlpress_verifier **out, const void *key, size_t keylen,
			  const char *keyname, int workers, char *fpr, struct tlpress_error *err);

/*
 * Check the detached signature sig of data with worker context w
 * (0 <= w < workers): 0 when every signature in sig is good by one of the
 * verifier's keys; else TLPRESS_ECRYPTO (TLPRESS_ENOMEM, TLPRESS_EUSAGE)
 * with the reason in why (whysize bytes, 512 are enough): "signature by
 * <FPR>: bad signature: the file or its signature was altered", "...:
 * signed by another key than the publisher's", "...: the signing key has
 * expired", "no valid OpenPGP signature: ...". fpr_out (41 bytes) as in
 * tlpress_verify_detached; NULL saves a gpg process per call.
 */
int tlpress_verifier_check(struct tlpress_verifier *v, int w, const void *data, size_t len,
			   const void *sig, size_t siglen, char *fpr_out, char *why,
			   size_t whysize);

/*
 * tlpress_verify_detached() with a key file, on the verifier's home (with
 * worker 0's context), the file being the verifier's keyname: the same
 * results and the same messages in err.
 */
int tlpress_verifier_verify_detached(struct tlpress_verifier *v, const void *data, size_t len,
				     const void *sig, size_t siglen, char *fpr_out,
				     struct tlpress_error *err);

/* tlpress_key_lookup() on the verifier's home. */
int tlpress_verifier_key_lookup(struct tlpress_verifier *v, const char *pattern, long long now,
				struct tlpress_keyinfo *info, struct tlpress_error *err);

/* Release the contexts and remove the home (stopping a gpg-agent, should
 * one have started in it). v may be NULL. */
void tlpress_verifier_close(struct tlpress_verifier *v);

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
