/* hash.c - SHA-256 and SHA-512 through libgcrypt; see hash.h */
#include "hash.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <gcrypt.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
	/* libgcrypt must be initialised once before use; tlpress needs no
	 * secure memory (it hashes public files only). */
	gcry_check_version(NULL);
	gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
}

void tlpress_gcrypt_init(void)
{
	pthread_once(&once, init);
}

void tlpress_sha256(const void *data, size_t len, unsigned char out[TLPRESS_SHA256_LEN])
{
	pthread_once(&once, init);
	gcry_md_hash_buffer(GCRY_MD_SHA256, out, data, len);
}

void tlpress_sha512(const void *data, size_t len, unsigned char out[TLPRESS_SHA512_LEN])
{
	pthread_once(&once, init);
	gcry_md_hash_buffer(GCRY_MD_SHA512, out, data, len);
}

void tlpress_sha256_init(struct tlpress_sha256_ctx *c)
{
	gcry_md_hd_t h;

	pthread_once(&once, init);
	c->h = gcry_md_open(&h, GCRY_MD_SHA256, 0) ? NULL : h;
}

void tlpress_sha256_update(struct tlpress_sha256_ctx *c, const void *data, size_t len)
{
	if (c->h)
		gcry_md_write((gcry_md_hd_t)c->h, data, len);
}

int tlpress_sha256_final(struct tlpress_sha256_ctx *c, unsigned char out[TLPRESS_SHA256_LEN])
{
	const unsigned char *d;

	memset(out, 0, TLPRESS_SHA256_LEN);
	if (!c->h)
		return -1;
	d = gcry_md_read((gcry_md_hd_t)c->h, GCRY_MD_SHA256);
	if (d)
		memcpy(out, d, TLPRESS_SHA256_LEN);
	gcry_md_close((gcry_md_hd_t)c->h);
	c->h = NULL;
	return d ? 0 : -1;
}

void tlpress_hex(const unsigned char *b, size_t n, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		hex[2 * i] = digits[b[i] >> 4];
		hex[2 * i + 1] = digits[b[i] & 15];
	}
	hex[2 * n] = '\0';
}

/* One more than the value of each hex digit, 0 for any other byte: a
 * rebuild of a large tree reads millions of them (its manifest, the build
 * cache). */
static const unsigned char digit1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

int tlpress_unhex(const char *hex, size_t n, unsigned char *bytes)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned hi = digit1[(unsigned char)hex[2 * i]];
		unsigned lo = hi ? digit1[(unsigned char)hex[2 * i + 1]] : 0;

		if (!hi || !lo)
			return -1;
		bytes[i] = (unsigned char)((hi - 1) << 4 | (lo - 1));
	}
	return 0;
}

int tlpress_sha256_file(const char *path, unsigned char out[TLPRESS_SHA256_LEN],
			unsigned long long *size, struct tlpress_error *err)
{
	gcry_md_hd_t h;
	char buf[65536];
	unsigned long long total = 0;
	ssize_t r;
	int fd;

	pthread_once(&once, init);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot open '%s'", path);
	if (gcry_md_open(&h, GCRY_MD_SHA256, 0)) {
		close(fd);
		return tlpress_error_set(err, TLPRESS_ENOMEM, "cannot start SHA-256");
	}
	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			gcry_md_close(h);
			close(fd);
			return tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot read '%s'",
						   path);
		}
		gcry_md_write(h, buf, (size_t)r);
		total += (unsigned long long)r;
	}
	memcpy(out, gcry_md_read(h, GCRY_MD_SHA256), TLPRESS_SHA256_LEN);
	gcry_md_close(h);
	close(fd);
	if (size)
		*size = total;
	return 0;
}
