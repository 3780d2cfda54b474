/* test_pgpsig.c - OpenPGP v4 signature packets put together from a template
 * and the agent's signature value (lib/pgpsig.h); no gpg here: test_sign.c
 * compares with gpg's own signatures */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "buf.h"
#include "hash.h"
#include "pgpsig.h"

#include "harness.h"

#define T0 1796593549UL

/* A signature packet: version, class, algorithms, the hashed area holding
 * an issuer fingerprint and `ntimes` creation times, an unhashed issuer key
 * id, 2 bytes of digest and one MPI; `newfmt` for a new-format header. */
static size_t packet(unsigned char *p, int version, int class, int pk, int hash, int ntimes,
		     int newfmt)
{
	unsigned char body[256];
	size_t n = 0, h, i;
	int k;

	body[n++] = (unsigned char)version;
	body[n++] = (unsigned char)class;
	body[n++] = (unsigned char)pk;
	body[n++] = (unsigned char)hash;
	h = n;
	n += 2;
	body[n++] = 22;          /* issuer fingerprint */
	body[n++] = 33;
	body[n++] = 4;
	for (i = 0; i < 20; i++)
		body[n++] = (unsigned char)(0xa0 + i);
	for (k = 0; k < ntimes; k++) {
		body[n++] = 5;
		body[n++] = 2;
		body[n++] = (unsigned char)(T0 >> 24);
		body[n++] = (unsigned char)(T0 >> 16);
		body[n++] = (unsigned char)(T0 >> 8);
		body[n++] = (unsigned char)T0;
	}
	body[h] = 0;
	body[h + 1] = (unsigned char)(n - h - 2);
	body[n++] = 0;
	body[n++] = 10;
	body[n++] = 9;           /* issuer key id */
	body[n++] = 16;
	for (i = 0; i < 8; i++)
		body[n++] = (unsigned char)(0xb0 + i);
	body[n++] = 0x12;        /* digest */
	body[n++] = 0x34;
	body[n++] = 0;           /* MPI of 8 bits */
	body[n++] = 8;
	body[n++] = 0xff;
	if (newfmt) {
		p[0] = 0xc2;
		p[1] = (unsigned char)n;
	} else {
		p[0] = 0x88;
		p[1] = (unsigned char)n;
	}
	memcpy(p + 2, body, n);
	return n + 2;
}

static void refused(const unsigned char *p, size_t n, const char *word, const char *what)
{
	struct tlpress_pgpsig_tpl t;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	int rc = tlpress_pgpsig_tpl_parse(&t, p, n, &err);

	OK(rc == TLPRESS_EINVAL && strstr(err.msg, word) && !t.hashed, "%s: refused (%s)", what,
	   err.msg);
}

/* Decode an armoured signature into its packet; the CRC-24 line checked. */
static guchar *dearmor(const char *asc, gsize *n, int *crc_ok)
{
	const char *b = strstr(asc, "\n\n"), *e = strstr(asc, "\n=");
	char *b64, *q;
	guchar *pkt, *crc;
	gsize cn;
	unsigned long c = 0xB704CEUL;
	size_t i;
	int k;

	*crc_ok = 0;
	if (!b || !e || e < b)
		return NULL;
	b64 = g_strndup(b + 2, (gsize)(e - b - 2));
	for (q = b64; *q; q++)
		if (*q == '\n')
			memmove(q, q + 1, strlen(q));
	pkt = g_base64_decode(b64, n);
	g_free(b64);
	/* RFC 4880 section 6.1 */
	for (i = 0; i < *n; i++) {
		c ^= (unsigned long)pkt[i] << 16;
		for (k = 0; k < 8; k++) {
			c <<= 1;
			if (c & 0x1000000UL)
				c ^= 0x1864CFBUL;
		}
	}
	b64 = g_strndup(e + 2, 4);
	crc = g_base64_decode(b64, &cn);
	*crc_ok = cn == 3 && crc[0] == ((c >> 16) & 0xff) && crc[1] == ((c >> 8) & 0xff) &&
		  crc[2] == (c & 0xff);
	g_free(b64);
	g_free(crc);
	return pkt;
}

static const struct {
	int version, class, pk, hash, ntimes;
	const char *word, *what;
} bad[] = {
	{ 3, 0, 22, 8, 1, "version 4", "a version 3 signature" },
	{ 4, 1, 22, 8, 1, "binary document", "a text signature (class 0x01)" },
	{ 4, 0, 18, 8, 1, "public-key", "algorithm 18" },
	{ 4, 0, 22, 1, 1, "hash algorithm", "MD5" },
	{ 4, 0, 22, 8, 0, "exactly one creation time", "no creation time" },
	{ 4, 0, 22, 8, 2, "exactly one creation time", "two creation times" },
};

int main(void)
{
	unsigned char p[512], digest[TLPRESS_PGPSIG_MAX_DIGEST], want[TLPRESS_SHA256_LEN];
	struct tlpress_pgpsig_tpl t, back;
	struct tlpress_pgpsig_md md;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_buf asc = TLPRESS_BUF_INIT, sx = TLPRESS_BUF_INIT, manual = TLPRESS_BUF_INIT;
	unsigned char r[32], s[32], big[512];
	guchar *pkt;
	gsize pn;
	size_t n, i;
	int rc, crc_ok;

	/* the template */
	n = packet(p, 4, 0, 22, 8, 1, 0);
	rc = tlpress_pgpsig_tpl_parse(&t, p, n, &err);
	INT_EQ(rc, 0, "a v4 EdDSA SHA-256 signature of a binary document is a template");
	OK(t.pk_algo == 22 && t.hash_algo == 8 && t.digest_len == 32, "its algorithms");
	INT_EQ(t.created, T0, "its creation time");
	OK(t.hashed_len == 29 && t.unhashed_len == 10 && t.time_off == 25,
	   "its areas, and where the time is in the hashed one");
	tlpress_pgpsig_tpl_release(&t);
	n = packet(p, 4, 0, 1, 10, 1, 1);
	rc = tlpress_pgpsig_tpl_parse(&t, p, n, &err);
	OK(rc == 0 && t.pk_algo == 1 && t.digest_len == 64, "RSA SHA-512, new-format header");
	tlpress_pgpsig_tpl_release(&t);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = packet(p, bad[i].version, bad[i].class, bad[i].pk, bad[i].hash, bad[i].ntimes, 0);
		refused(p, n, bad[i].word, bad[i].what);
	}
	n = packet(p, 4, 0, 22, 8, 1, 0);
	refused(p, n - 1, "one signature packet", "one byte short");
	p[n] = 0;
	refused(p, n + 1, "one signature packet", "a byte after the packet");
	p[0] = 0x8b;
	refused(p, n, "one signature packet", "an indeterminate length");
	p[0] = 0xc2;
	p[1] = 0xe1;
	refused(p, n, "one signature packet", "a partial length");
	n = packet(p, 4, 0, 22, 8, 1, 0);
	p[0] = 0x8c;             /* tag 3 */
	refused(p, n, "one signature packet", "another packet");
	n = packet(p, 4, 0, 22, 8, 1, 0);
	p[8] = 60;               /* the fingerprint subpacket runs past the area */
	refused(p, n, "well-formed", "a subpacket longer than its area");
	refused(NULL, 0, "one signature packet", "nothing");

	/* the digest: data, the hashed part at the new time, the trailer */
	n = packet(p, 4, 0, 22, 8, 1, 0);
	tlpress_pgpsig_tpl_parse(&t, p, n, &err);
	OK(!tlpress_pgpsig_md_begin(&md, &t), "a SHA-256 context");
	tlpress_pgpsig_md_update(&md, "hello ", 6);
	tlpress_pgpsig_md_update(&md, "world\n", 6);
	rc = tlpress_pgpsig_md_final(&md, &t, T0 + 0x01020304UL, digest);
	tlpress_buf_add(&manual, "hello world\n", 12);
	tlpress_buf_add(&manual, p + 2, 6 + t.hashed_len);
	manual.ptr[12 + 6 + t.time_off] = (char)((T0 + 0x01020304UL) >> 24);
	manual.ptr[12 + 6 + t.time_off + 1] = (char)((T0 + 0x01020304UL) >> 16);
	manual.ptr[12 + 6 + t.time_off + 2] = (char)((T0 + 0x01020304UL) >> 8);
	manual.ptr[12 + 6 + t.time_off + 3] = (char)(T0 + 0x01020304UL);
	tlpress_buf_add(&manual, "\x04\xff\x00\x00\x00", 5);
	tlpress_buf_addch(&manual, (int)(6 + t.hashed_len));
	tlpress_sha256(manual.ptr, manual.len, want);
	OK(rc == 0 && !memcmp(digest, want, 32), "the digest is SHA-256 of data || hashed part "
	   "(new time) || 04 ff len32");
	OK(!tlpress_pgpsig_md_begin(&md, &t), "another");
	rc = tlpress_pgpsig_md_final(&md, &t, 0x100000000LL, digest);
	INT_EQ(rc, -1, "a time past 2106 is refused");

	/* the packet and its armour from an EdDSA value, r with leading zeros */
	memset(r, 0, sizeof(r));
	r[2] = 0x01;
	r[31] = 0x77;
	memset(s, 0xee, sizeof(s));
	tlpress_buf_adds(&sx, "(7:sig-val(5:eddsa(1:r32:");
	tlpress_buf_add(&sx, r, 32);
	tlpress_buf_adds(&sx, ")(1:s32:");
	tlpress_buf_add(&sx, s, 32);
	tlpress_buf_adds(&sx, ")))");
	digest[0] = 0xab;
	digest[1] = 0xcd;
	rc = tlpress_pgpsig_armor(&t, T0 + 7, digest, sx.ptr, sx.len, &asc, &err);
	INT_EQ(rc, 0, "an EdDSA signature value makes a signature");
	OK(!strncmp(asc.ptr, "-----BEGIN PGP SIGNATURE-----\n\n", 31) &&
	   asc.len > 30 && !strcmp(asc.ptr + asc.len - 28, "-----END PGP SIGNATURE-----\n"),
	   "armoured as gpg does, with no header lines");
	pkt = dearmor(asc.ptr, &pn, &crc_ok);
	OK(pkt && crc_ok, "its CRC-24 line is right");
	OK(pkt && pkt[0] == 0x88 && pkt[1] == pn - 2, "an old-format header with a one-byte length");
	rc = pkt ? tlpress_pgpsig_tpl_parse(&back, pkt, pn, &err) : -1;
	OK(rc == 0 && back.created == (long long)(T0 + 7) && back.hashed_len == t.hashed_len &&
	   !memcmp(back.hashed, t.hashed, t.time_off) && back.unhashed_len == t.unhashed_len &&
	   !memcmp(back.unhashed, t.unhashed, t.unhashed_len),
	   "read back: the template's areas, the new time");
	if (!rc) {
		const guchar *m = pkt + 2 + 6 + back.hashed_len + 2 + back.unhashed_len;

		OK(m[0] == 0xab && m[1] == 0xcd, "the digest's first two bytes");
		OK(m[2] == 0 && m[3] == 233 && m[4] == 0x01 && m[33] == 0x77,
		   "r as an MPI of 233 bits, its two zero bytes dropped");
		OK(m[34] == 1 && m[35] == 0 && m[36] == 0xee && pkt + pn == m + 36 + 32,
		   "then s, 256 bits, and nothing after");
		tlpress_pgpsig_tpl_release(&back);
	}
	g_free(pkt);

	/* wrong or short values */
	tlpress_buf_reset(&asc);
	rc = tlpress_pgpsig_armor(&t, T0, digest, "(7:sig-val(3:rsa(1:s1:x)))", 26, &asc, &err);
	OK(rc == TLPRESS_ECRYPTO && asc.len == 0, "an RSA value for an EdDSA key is refused");
	rc = tlpress_pgpsig_armor(&t, T0, digest, "(7:sig-val(5:eddsa(1:r1:x)))", 28, &asc, &err);
	OK(rc == TLPRESS_ECRYPTO && strstr(err.msg, "lacks") && asc.len == 0, "no s: refused");
	rc = tlpress_pgpsig_armor(&t, T0, digest, "garbage", 7, &asc, &err);
	INT_EQ(rc, TLPRESS_ECRYPTO, "not an S-expression: refused");
	tlpress_pgpsig_tpl_release(&t);

	/* RSA-4096: a body over 255 bytes, a two-byte length */
	n = packet(p, 4, 0, 1, 10, 1, 0);
	tlpress_pgpsig_tpl_parse(&t, p, n, &err);
	memset(big, 0x5a, sizeof(big));
	tlpress_buf_reset(&sx);
	tlpress_buf_adds(&sx, "(7:sig-val(3:rsa(1:s512:");
	tlpress_buf_add(&sx, big, sizeof(big));
	tlpress_buf_adds(&sx, ")))");
	tlpress_buf_reset(&asc);
	rc = tlpress_pgpsig_armor(&t, T0, digest, sx.ptr, sx.len, &asc, &err);
	pkt = rc ? NULL : dearmor(asc.ptr, &pn, &crc_ok);
	OK(pkt && crc_ok && pkt[0] == 0x89 && (size_t)(pkt[1] << 8 | pkt[2]) == pn - 3,
	   "an RSA-4096 value: a two-byte length");
	OK(pkt && pn > 515 && pkt[pn - 514] == 0x0f && pkt[pn - 513] == 0xff,
	   "and s an MPI of 4095 bits");
	g_free(pkt);
	tlpress_pgpsig_tpl_release(&t);

	tlpress_buf_release(&asc);
	tlpress_buf_release(&sx);
	tlpress_buf_release(&manual);
	return harness_done();
}
