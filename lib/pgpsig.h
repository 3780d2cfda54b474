/*
 * pgpsig.h - OpenPGP v4 detached signatures put together by tlpress, the
 * secret-key operation left to gpg-agent (RFC 4880 sections 5.2.3, 5.2.4,
 * 6). No I/O: lib/sign.c talks to the agent.
 *
 * Why: GPGME starts one gpg process per signature, and on a 2-core machine
 * starting gpg costs several times what the agent's own signature costs
 * (Ed25519: 5 to 16 ms against 0.6 ms). Hashing the file and writing the
 * packet here, then asking the agent (PKSIGN over its socket, one connection
 * per worker) for the signature value, costs one round trip per signature.
 *
 * A signature gpg made with the key is the template: its public-key and
 * hash algorithms and its subpackets (issuer fingerprint and key id, the
 * notations, policy URL or signer's user id gpg.conf asks for) are copied,
 * and only the creation time changes. What comes out is what gpg would have
 * made at that second: Ed25519 and RSA (PKCS #1 v1.5) signatures being
 * deterministic, the very same bytes (tests/unit/test_sign.c checks it).
 *
 * The hash and the S-expression are libgcrypt's (hash.h's library, that of
 * GnuPG itself), base64 is GLib's (already linked for GMime); the CRC-24 of
 * the armour is libgcrypt's GCRY_MD_CRC24_RFC2440.
 */
#ifndef TLPRESS_PGPSIG_H
#define TLPRESS_PGPSIG_H

#include <stddef.h>

#include "buf.h"
#include "error.h"

#define TLPRESS_PGPSIG_MAX_DIGEST 64

struct tlpress_pgpsig_tpl {
	int pk_algo;             /* OpenPGP: 1 RSA, 17 DSA, 19 ECDSA, 22 EdDSA */
	int hash_algo;           /* OpenPGP (= libgcrypt): 2 SHA-1, 8 SHA-256, 9 SHA-384,
				    10 SHA-512, 11 SHA-224 */
	size_t digest_len;       /* of hash_algo */
	unsigned char *hashed;   /* the hashed subpacket area (no length) */
	size_t hashed_len;
	size_t time_off;         /* where in hashed the creation time's 4 bytes are */
	unsigned char *unhashed; /* the unhashed subpacket area (no length) */
	size_t unhashed_len;
	long long created;       /* the template's own creation time */
};

/*
 * Read a template from one binary (not armoured) signature packet of
 * len bytes: version 4, class 0x00 (binary document), a public-key algorithm
 * above, a hash algorithm above, exactly one creation-time subpacket in the
 * hashed area. TLPRESS_EINVAL, the message saying what is not as expected,
 * otherwise; t is then empty.
 */
int tlpress_pgpsig_tpl_parse(struct tlpress_pgpsig_tpl *t, const void *pkt, size_t len,
			     struct tlpress_error *err);
void tlpress_pgpsig_tpl_release(struct tlpress_pgpsig_tpl *t);

/* The digest of a signature in steps: begin, update with the signed bytes,
 * final with the creation time, which hashes the signature's own hashed
 * part and trailer. */
struct tlpress_pgpsig_md {
	void *h;                 /* libgcrypt's handle; NULL when it could not be had */
};
int tlpress_pgpsig_md_begin(struct tlpress_pgpsig_md *md, const struct tlpress_pgpsig_tpl *t);
void tlpress_pgpsig_md_update(struct tlpress_pgpsig_md *md, const void *data, size_t len);
/* digest gets t->digest_len bytes; the context is released. 0, or -1. */
int tlpress_pgpsig_md_final(struct tlpress_pgpsig_md *md, const struct tlpress_pgpsig_tpl *t,
			    long long created, unsigned char digest[TLPRESS_PGPSIG_MAX_DIGEST]);
/* Release a context that will not be finished. */
void tlpress_pgpsig_md_cancel(struct tlpress_pgpsig_md *md);

/*
 * The armoured signature, appended to asc, made of the template at
 * `created`, the digest of md_final (its first two bytes go in the packet)
 * and the agent's answer to PKSIGN: a canonical S-expression
 * (sig-val (rsa (s ...))) or (sig-val (eddsa|ecdsa|dsa (r ...) (s ...)))
 * whose algorithm must be the template's. TLPRESS_ECRYPTO when it is not.
 */
int tlpress_pgpsig_armor(const struct tlpress_pgpsig_tpl *t, long long created,
			 const unsigned char *digest, const void *sigval, size_t sigvallen,
			 struct tlpress_buf *asc, struct tlpress_error *err);

#endif
