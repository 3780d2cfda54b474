/* pgpsig.c - OpenPGP v4 detached signatures, the agent signing; see pgpsig.h */
#include "pgpsig.h"

#include <stdlib.h>
#include <string.h>

#include <gcrypt.h>
#include <glib.h>

#include "hash.h"

/* a signature's hashed or unhashed area is counted in two bytes */
#define AREA_MAX 0xffff

static size_t digest_len(int algo)
{
	switch (algo) {
	case 2: return 20;       /* SHA-1 */
	case 8: return 32;       /* SHA-256 */
	case 9: return 48;       /* SHA-384 */
	case 10: return 64;      /* SHA-512 */
	case 11: return 28;      /* SHA-224 */
	default: return 0;
	}
}

static unsigned get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static unsigned long get32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 |
	       p[3];
}

static void put32(unsigned char *p, unsigned long v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

void tlpress_pgpsig_tpl_release(struct tlpress_pgpsig_tpl *t)
{
	if (!t)
		return;
	free(t->hashed);
	free(t->unhashed);
	memset(t, 0, sizeof(*t));
}

/* The body of one packet of tag 2 at p (len bytes), old or new format,
 * not partial; NULL otherwise. */
static const unsigned char *packet_body(const unsigned char *p, size_t len, size_t *blen)
{
	size_t hl, n;

	if (len < 2 || !(p[0] & 0x80))
		return NULL;
	if (p[0] & 0x40) {       /* new format */
		if ((p[0] & 0x3f) != 2)
			return NULL;
		if (p[1] < 192) {
			hl = 2;
			n = p[1];
		} else if (p[1] < 224) {
			if (len < 3)
				return NULL;
			hl = 3;
			n = ((size_t)(p[1] - 192) << 8) + p[2] + 192;
		} else if (p[1] == 255) {
			if (len < 6)
				return NULL;
			hl = 6;
			n = get32(p + 2);
		} else {
			return NULL;     /* partial lengths */
		}
	} else {
		if (((p[0] >> 2) & 0x0f) != 2)
			return NULL;
		switch (p[0] & 3) {
		case 0: hl = 2; n = p[1]; break;
		case 1: hl = 3; n = len >= 3 ? get16(p + 1) : 0; break;
		case 2: hl = 5; n = len >= 5 ? get32(p + 1) : 0; break;
		default: return NULL; /* indeterminate */
		}
	}
	if (hl > len || n != len - hl)
		return NULL;
	*blen = n;
	return p + hl;
}

/* Where the only creation-time subpacket's data is in area; 0 when there
 * is none, or two, or the area is not a well-formed list of subpackets
 * (RFC 4880 section 5.2.3.1). */
static size_t creation_time(const unsigned char *a, size_t len)
{
	size_t i = 0, n, at = 0;

	while (i < len) {
		if (a[i] < 192) {
			n = a[i];
			i += 1;
		} else if (a[i] < 255) {
			if (len - i < 2)
				return 0;
			n = ((size_t)(a[i] - 192) << 8) + a[i + 1] + 192;
			i += 2;
		} else {
			if (len - i < 5)
				return 0;
			n = get32(a + i + 1);
			i += 5;
		}
		if (n < 1 || n > len - i)
			return 0;
		if ((a[i] & 0x7f) == 2) {
			if (at || n != 5)
				return 0;
			at = i + 1;
		}
		i += n;
	}
	return at;
}

int tlpress_pgpsig_tpl_parse(struct tlpress_pgpsig_tpl *t, const void *pkt, size_t len,
			     struct tlpress_error *err)
{
	const unsigned char *b;
	size_t blen, hl, ul;
	const char *why = NULL;

	memset(t, 0, sizeof(*t));
	b = pkt ? packet_body(pkt, len, &blen) : NULL;
	if (!b)
		why = "not one signature packet";
	else if (blen < 6 || b[0] != 4)
		why = "not a version 4 signature";
	else if (b[1] != 0x00)
		why = "not a signature of a binary document";
	else if (b[2] != 1 && b[2] != 17 && b[2] != 19 && b[2] != 22)
		why = "a public-key algorithm other than RSA, DSA, ECDSA or EdDSA";
	else if (!digest_len(b[3]))
		why = "a hash algorithm other than SHA-1 or SHA-2";
	if (!why) {
		hl = get16(b + 4);
		if (hl > blen - 6 || blen - 6 - hl < 2)
			why = "a truncated hashed area";
		else if ((ul = get16(b + 6 + hl)) > blen - 8 - hl)
			why = "a truncated unhashed area";
		else if (!(t->time_off = creation_time(b + 6, hl)))
			why = "not exactly one creation time in a well-formed hashed area";
		else {
			t->pk_algo = b[2];
			t->hash_algo = b[3];
			t->digest_len = digest_len(b[3]);
			t->hashed_len = hl;
			t->unhashed_len = ul;
			t->hashed = malloc(hl);
			t->unhashed = malloc(ul ? ul : 1);
			if (!t->hashed || !t->unhashed) {
				tlpress_pgpsig_tpl_release(t);
				return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
			}
			memcpy(t->hashed, b + 6, hl);
			memcpy(t->unhashed, b + 8 + hl, ul);
			t->created = (long long)get32(t->hashed + t->time_off);
			return 0;
		}
	}
	memset(t, 0, sizeof(*t));
	return tlpress_error_set(err, TLPRESS_EINVAL, "gpg's signature cannot serve as a "
				 "template: %s", why);
}

int tlpress_pgpsig_md_begin(struct tlpress_pgpsig_md *md, const struct tlpress_pgpsig_tpl *t)
{
	gcry_md_hd_t h;

	tlpress_gcrypt_init();
	md->h = NULL;
	if (!t->digest_len || gcry_md_open(&h, t->hash_algo, 0))
		return -1;
	md->h = h;
	return 0;
}

void tlpress_pgpsig_md_update(struct tlpress_pgpsig_md *md, const void *data, size_t len)
{
	if (md->h && len)
		gcry_md_write((gcry_md_hd_t)md->h, data, len);
}

void tlpress_pgpsig_md_cancel(struct tlpress_pgpsig_md *md)
{
	if (md->h)
		gcry_md_close((gcry_md_hd_t)md->h);
	md->h = NULL;
}

/* The signature's first bytes, up to and with the hashed area, at `created`,
 * into p (6 + hashed_len bytes). */
static void head(const struct tlpress_pgpsig_tpl *t, long long created, unsigned char *p)
{
	p[0] = 4;
	p[1] = 0x00;
	p[2] = (unsigned char)t->pk_algo;
	p[3] = (unsigned char)t->hash_algo;
	p[4] = (unsigned char)(t->hashed_len >> 8);
	p[5] = (unsigned char)t->hashed_len;
	memcpy(p + 6, t->hashed, t->hashed_len);
	put32(p + 6 + t->time_off, (unsigned long)created);
}

int tlpress_pgpsig_md_final(struct tlpress_pgpsig_md *md, const struct tlpress_pgpsig_tpl *t,
			    long long created, unsigned char digest[TLPRESS_PGPSIG_MAX_DIGEST])
{
	unsigned char *p, trailer[6];
	const unsigned char *d;
	size_t n = 6 + t->hashed_len;
	int rc = -1;

	memset(digest, 0, TLPRESS_PGPSIG_MAX_DIGEST);
	if (!md->h || created < 0 || created > 0xffffffffLL || !(p = malloc(n))) {
		tlpress_pgpsig_md_cancel(md);
		return -1;
	}
	head(t, created, p);
	gcry_md_write((gcry_md_hd_t)md->h, p, n);
	free(p);
	trailer[0] = 4;
	trailer[1] = 0xff;
	put32(trailer + 2, (unsigned long)n);
	gcry_md_write((gcry_md_hd_t)md->h, trailer, sizeof(trailer));
	d = gcry_md_read((gcry_md_hd_t)md->h, t->hash_algo);
	if (d) {
		memcpy(digest, d, t->digest_len);
		rc = 0;
	}
	tlpress_pgpsig_md_cancel(md);
	return rc;
}

/* An OpenPGP MPI of the big-endian unsigned integer v (n bytes), leading
 * zeros dropped. */
static int add_mpi(struct tlpress_buf *b, const unsigned char *v, size_t n)
{
	unsigned bits;
	unsigned char hdr[2];

	while (n && !*v) {
		v++;
		n--;
	}
	if (n > 0x1fff)
		return -1;
	bits = n ? (unsigned)(n - 1) * 8 : 0;
	if (n) {
		unsigned c = v[0];

		while (c) {
			bits++;
			c >>= 1;
		}
	}
	hdr[0] = (unsigned char)(bits >> 8);
	hdr[1] = (unsigned char)bits;
	tlpress_buf_add(b, hdr, 2);
	return tlpress_buf_add(b, v, n);
}

/* The value of (name VALUE) in sexp, as an MPI appended to b. */
static int add_sexp_mpi(struct tlpress_buf *b, gcry_sexp_t sexp, const char *name)
{
	gcry_sexp_t l = gcry_sexp_find_token(sexp, name, 0);
	const char *v;
	size_t n = 0;
	int rc = -1;

	if (!l)
		return -1;
	v = gcry_sexp_nth_data(l, 1, &n);
	if (v && n)
		rc = add_mpi(b, (const unsigned char *)v, n);
	gcry_sexp_release(l);
	return rc;
}

static const char *algo_token(int pk_algo)
{
	switch (pk_algo) {
	case 1: return "rsa";
	case 17: return "dsa";
	case 19: return "ecdsa";
	case 22: return "eddsa";
	default: return NULL;
	}
}

int tlpress_pgpsig_armor(const struct tlpress_pgpsig_tpl *t, long long created,
			 const unsigned char *digest, const void *sigval, size_t sigvallen,
			 struct tlpress_buf *asc, struct tlpress_error *err)
{
	struct tlpress_buf pkt = TLPRESS_BUF_INIT;
	gcry_sexp_t sexp = NULL, sv = NULL, al = NULL;
	gcry_md_hd_t crc = NULL;
	unsigned char hdr[6], u16[2], *p;
	const unsigned char *c;
	size_t body, hl, i, n;
	gchar *b64 = NULL, *crc64 = NULL;
	int rc = TLPRESS_ECRYPTO;

	tlpress_gcrypt_init();
	if (!t->hashed || created < 0 || created > 0xffffffffLL)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "tlpress_pgpsig_armor: bad arguments");
	if (gcry_sexp_new(&sexp, sigval, sigvallen, 0) ||
	    !(sv = gcry_sexp_find_token(sexp, "sig-val", 0)) ||
	    !(al = gcry_sexp_find_token(sv, algo_token(t->pk_algo), 0))) {
		tlpress_error_set(err, TLPRESS_ECRYPTO, "gpg-agent's signature is not a %s "
				  "signature value", algo_token(t->pk_algo));
		goto out;
	}
	/* the packet body, after room for its header */
	tlpress_buf_add(&pkt, "\0\0\0\0\0\0", 6);
	if (!(p = malloc(6 + t->hashed_len))) {
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		goto out;
	}
	head(t, created, p);
	tlpress_buf_add(&pkt, p, 6 + t->hashed_len);
	free(p);
	u16[0] = (unsigned char)(t->unhashed_len >> 8);
	u16[1] = (unsigned char)t->unhashed_len;
	tlpress_buf_add(&pkt, u16, 2);
	tlpress_buf_add(&pkt, t->unhashed, t->unhashed_len);
	tlpress_buf_add(&pkt, digest, 2);
	if (t->pk_algo == 1 ? add_sexp_mpi(&pkt, al, "s") :
	    add_sexp_mpi(&pkt, al, "r") || add_sexp_mpi(&pkt, al, "s")) {
		tlpress_error_set(err, TLPRESS_ECRYPTO, "gpg-agent's %s signature value lacks a "
				  "number", algo_token(t->pk_algo));
		goto out;
	}
	if (pkt.failed) {
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		goto out;
	}
	/* the header, old format as gpg writes it: tag 2, the shortest length */
	body = pkt.len - 6;
	if (body < 0x100) {
		hdr[0] = 0x88;
		hdr[1] = (unsigned char)body;
		hl = 2;
	} else if (body < 0x10000) {
		hdr[0] = 0x89;
		hdr[1] = (unsigned char)(body >> 8);
		hdr[2] = (unsigned char)body;
		hl = 3;
	} else {
		hdr[0] = 0x8a;
		put32(hdr + 1, (unsigned long)body);
		hl = 5;
	}
	c = (unsigned char *)pkt.ptr + 6 - hl;
	memcpy((unsigned char *)pkt.ptr + 6 - hl, hdr, hl);
	n = body + hl;

	/* the armour (RFC 4880 section 6.2), lines of 64 as gpg writes them */
	if (gcry_md_open(&crc, GCRY_MD_CRC24_RFC2440, 0)) {
		tlpress_error_set(err, TLPRESS_ECRYPTO, "libgcrypt has no CRC-24");
		goto out;
	}
	gcry_md_write(crc, c, n);
	b64 = g_base64_encode(c, n);
	crc64 = g_base64_encode(gcry_md_read(crc, GCRY_MD_CRC24_RFC2440), 3);
	tlpress_buf_adds(asc, "-----BEGIN PGP SIGNATURE-----\n\n");
	for (i = 0, n = strlen(b64); i < n; i += 64) {
		tlpress_buf_add(asc, b64 + i, n - i < 64 ? n - i : 64);
		tlpress_buf_addch(asc, '\n');
	}
	tlpress_buf_addch(asc, '=');
	tlpress_buf_adds(asc, crc64);
	tlpress_buf_adds(asc, "\n-----END PGP SIGNATURE-----\n");
	rc = asc->failed ? tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory") : 0;
out:
	g_free(b64);
	g_free(crc64);
	if (crc)
		gcry_md_close(crc);
	gcry_sexp_release(al);
	gcry_sexp_release(sv);
	gcry_sexp_release(sexp);
	tlpress_buf_release(&pkt);
	return rc;
}
