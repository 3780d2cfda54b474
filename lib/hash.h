/*
 * hash.h - SHA-256 and SHA-512 of byte strings and files (libgcrypt, the
 * library GnuPG itself uses; this module and pgpsig.c, which hashes and
 * reads S-expressions for OpenPGP signatures, are the only ones that include it)
 */
#ifndef TLPRESS_HASH_H
#define TLPRESS_HASH_H

#include <stddef.h>

#include "error.h"

#define TLPRESS_SHA256_LEN 32
#define TLPRESS_SHA512_LEN 64

/* Initialise libgcrypt once (thread-safe); every function here does. */
void tlpress_gcrypt_init(void);

void tlpress_sha256(const void *data, size_t len, unsigned char out[TLPRESS_SHA256_LEN]);
void tlpress_sha512(const void *data, size_t len, unsigned char out[TLPRESS_SHA512_LEN]);

/* SHA-256 in steps, for data that is never in memory at once. */
struct tlpress_sha256_ctx {
	void *h;                     /* libgcrypt's handle; NULL when out of memory */
};
void tlpress_sha256_init(struct tlpress_sha256_ctx *c);
void tlpress_sha256_update(struct tlpress_sha256_ctx *c, const void *data, size_t len);
/* The digest, and the context released; -1 (and out zeroed) when it
 * could not be computed. */
int tlpress_sha256_final(struct tlpress_sha256_ctx *c, unsigned char out[TLPRESS_SHA256_LEN]);

/* Lower-case hex of n bytes into hex (2n+1 bytes). */
void tlpress_hex(const unsigned char *bytes, size_t n, char *hex);
/* Parse 2n hex digits into bytes; 0 or -1. */
int tlpress_unhex(const char *hex, size_t n, unsigned char *bytes);

/* SHA-256 of the file at path; its size into *size. 0, or TLPRESS_EIO. */
int tlpress_sha256_file(const char *path, unsigned char out[TLPRESS_SHA256_LEN],
			unsigned long long *size, struct tlpress_error *err);

#endif
