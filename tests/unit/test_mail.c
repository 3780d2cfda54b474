/* test_mail.c - PGP/MIME mail (RFC 3156): signed, signed and encrypted
 *
 * Checks what tlpress_mail_build gives with GMime's parser and with stock
 * gpg (--verify, --decrypt) on temporary files. Needs a GnuPG home made by
 * tests/gpg/mkhome.sh: TLPRESS_TEST_GNUPGHOME names one; when unset, this
 * test makes its own and removes it afterwards. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "buf.h"
#include "error.h"
#include "fsutil.h"
#include "mail.h"
#include "sign.h"

#include "harness.h"

#define CANARY "CANARY-7f3e1d-Nordvolt"
#define TITLE "Vulnérabilité critique — Brennic"
#define SUBJECT "[TLP:AMBER] CCB-2026-0412: " TITLE
#define OUTER "[TLP:AMBER] CCB-2026-0412"
#define MSGID "ccb-2026-0412.v2.5d41402abc4b2a76@csirt.example"
#define DATE 1790000000LL
#define DATE_STR "Mon, 21 Sep 2026 14:13:20 +0000"
#define FROM_NAME "Centre pour la Cybersécurité"

static char home[128], dir[64];
static char fpr_signer[41], fpr_expired[41], fpr_revoked[41], fpr_valid[41], fpr_nosign[41];

static const char text[] =
	"Dear subscriber,\n"
	"\n"
	"A critical flaw (" CANARY ") lets anyone run code on the controller.\n"
	"From the vendor: patch now.\n"
	"A line with trailing spaces   \n"
	"Accents: é à ü — and a long line: "
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
	".\n"
	"-- \n"
	"CSIRT\n";

static const char html[] =
	"<!DOCTYPE html>\n<html><body><p>A critical flaw (" CANARY ").</p>\n"
	"<p>Accents: é à ü</p></body></html>\n";

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fflush(stdout);
	st = system(cmd);
	return st == -1 ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* Run a command, its standard output into out; its exit status. */
static int run(struct tlpress_buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int run(struct tlpress_buf *out, const char *fmt, ...)
{
	char cmd[4096], b[4096];
	va_list ap;
	FILE *f;
	size_t n;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fflush(stdout);
	tlpress_buf_reset(out);
	if (!(f = popen(cmd, "r")))
		return -1;
	while ((n = fread(b, 1, sizeof(b), f)) > 0)
		tlpress_buf_add(out, b, n);
	st = pclose(f);
	return st == -1 ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static int read_keys(void)
{
	char path[256], name[32], fpr[64];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "%s/keys.txt", home);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fscanf(f, "%31s %63s", name, fpr) == 2) {
		char *dst = !strcmp(name, "signer") ? fpr_signer :
			    !strcmp(name, "expired") ? fpr_expired :
			    !strcmp(name, "revoked") ? fpr_revoked :
			    !strcmp(name, "valid") ? fpr_valid :
			    !strcmp(name, "nosign") ? fpr_nosign : NULL;

		if (dst && strlen(fpr) == 40) {
			memcpy(dst, fpr, 41);
			n++;
		}
	}
	fclose(f);
	return n == 5 ? 0 : -1;
}

/* The long key id of the encryption subkey of key fpr ("" when none). */
static void enc_keyid(const char *fpr, char *keyid)
{
	struct tlpress_buf o = TLPRESS_BUF_INIT;
	char *line, *save = NULL;

	keyid[0] = '\0';
	run(&o, "gpg --homedir '%s' --batch --with-colons --list-keys %s 2>/dev/null", home, fpr);
	for (line = strtok_r(o.ptr, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[13] = { 0 }, *p = line;
		int i;

		for (i = 0; i < 13 && p; i++) {
			f[i] = p;
			p = strchr(p, ':');
			if (p)
				*p++ = '\0';
		}
		if (f[0] && !strcmp(f[0], "sub") && f[11] && strchr(f[11], 'e') && f[4])
			snprintf(keyid, 17, "%s", f[4]);
	}
	tlpress_buf_release(&o);
}

/* Every line ends with CRLF, with no bare CR or LF, and has at most 998
 * octets; *maxline gets the longest. */
static int crlf_clean(const char *p, size_t n, size_t *maxline)
{
	size_t i, start = 0;

	*maxline = 0;
	for (i = 0; i < n; i++) {
		if (p[i] == '\r' && (i + 1 >= n || p[i + 1] != '\n'))
			return 0;
		if (p[i] == '\n') {
			if (i == 0 || p[i - 1] != '\r')
				return 0;
			if (i - 1 - start > *maxline)
				*maxline = i - 1 - start;
			start = i + 1;
		}
	}
	return start == n && *maxline <= 998;
}

static int seven_bit(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] >= 0x80 || p[i] == '\0')
			return 0;
	return 1;
}

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int rc;

	if (!f)
		return -1;
	rc = fwrite(data, 1, len, f) == len ? 0 : -1;
	return fclose(f) || rc ? -1 : 0;
}

static GMimeMessage *parse_message(const char *p, size_t n)
{
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(p, n);
	GMimeParser *parser = g_mime_parser_new_with_stream(st);
	GMimeMessage *m = g_mime_parser_construct_message(parser, NULL);

	g_object_unref(parser);
	g_object_unref(st);
	return m;
}

static GMimeObject *parse_part(const char *p, size_t n)
{
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(p, n);
	GMimeParser *parser = g_mime_parser_new_with_stream(st);
	GMimeObject *o = g_mime_parser_construct_part(parser, NULL);

	g_object_unref(parser);
	g_object_unref(st);
	return o;
}

/* The decoded content of a leaf part, appended to out, its line ends made
 * LF (the mail has the canonical CRLF). */
static void part_content(GMimeObject *o, struct tlpress_buf *out)
{
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *ba;
	guint i;

	if (GMIME_IS_PART(o) && g_mime_part_get_content((GMimePart *)o))
		g_mime_data_wrapper_write_to_stream(g_mime_part_get_content((GMimePart *)o), mem);
	ba = g_mime_stream_mem_get_byte_array((GMimeStreamMem *)mem);
	for (i = 0; i < ba->len; i++)
		if (ba->data[i] != '\r' || i + 1 >= ba->len || ba->data[i + 1] != '\n')
			tlpress_buf_addch(out, ba->data[i]);
	g_object_unref(mem);
}

static int is_type(GMimeObject *o, const char *type, const char *subtype)
{
	return o && g_mime_content_type_is_type(g_mime_object_get_content_type(o), type, subtype);
}

/* The first body part of the multipart with this boundary, as RFC 1847
 * delimits it: from after "--B CRLF" to before "CRLF --B". */
static int first_part(const char *msg, size_t len, const char *boundary, const char **part,
		      size_t *n)
{
	char open[200], close[200];
	const char *a, *b;

	snprintf(open, sizeof(open), "\r\n--%s\r\n", boundary);
	snprintf(close, sizeof(close), "\r\n--%s", boundary);
	if (!(a = memmem(msg, len, open, strlen(open))))
		return -1;
	a += strlen(open);
	if (!(b = memmem(a, len - (size_t)(a - msg), close, strlen(close))))
		return -1;
	*part = a;
	*n = (size_t)(b - a);
	return 0;
}

/* "pgp-sha256" for gpg's VALIDSIG hash algorithm number. */
static const char *micalg_of(int algo)
{
	switch (algo) {
	case 2: return "pgp-sha1";
	case 8: return "pgp-sha256";
	case 9: return "pgp-sha384";
	case 10: return "pgp-sha512";
	case 11: return "pgp-sha224";
	default: return "?";
	}
}

/* The hash algorithm number of the VALIDSIG line in gpg's status, or -1. */
static int validsig_hash(const char *status, const char *fpr)
{
	const char *p = strstr(status, "[GNUPG:] VALIDSIG ");
	int i, algo = -1;

	if (!p || strncmp(p + 18, fpr, 40))
		return -1;
	p += 18;
	/* fpr date timestamp expire version reserved pubkey-algo hash-algo */
	for (i = 0; i < 7 && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (p)
		algo = atoi(p);
	return algo;
}

static struct tlpress_mail_in base_in(struct tlpress_signer *s)
{
	struct tlpress_mail_in in;

	memset(&in, 0, sizeof(in));
	in.from = "advisories@csirt.example";
	in.from_name = FROM_NAME;
	in.to = "valid@test.invalid";
	in.subject = SUBJECT;
	in.outer_subject = OUTER;
	in.message_id = MSGID;
	in.date = DATE;
	in.label = "TLP:AMBER";
	in.text = text;
	in.html = html;
	in.encrypt = 0;
	in.key = fpr_valid;
	in.signer = s;
	in.worker = 0;
	return in;
}

/* The outer headers every mail has, as given. */
static void check_headers(GMimeMessage *m, const char *subject, const char *what)
{
	GMimeObject *o = (GMimeObject *)m;
	InternetAddressList *l;
	InternetAddress *a;

	STR_EQ(g_mime_message_get_message_id(m), MSGID, "%s: Message-ID as given", what);
	STR_EQ(g_mime_object_get_header(o, "Date"), DATE_STR, "%s: Date as given, in UTC", what);
	STR_EQ(g_mime_object_get_header(o, "X-TLP"), "TLP:AMBER", "%s: X-TLP: the label", what);
	STR_EQ(g_mime_object_get_header(o, "Auto-Submitted"), "auto-generated",
	       "%s: Auto-Submitted: auto-generated", what);
	STR_EQ(g_mime_object_get_header(o, "MIME-Version"), "1.0", "%s: MIME-Version: 1.0", what);
	STR_EQ(g_mime_message_get_subject(m), subject, "%s: the Subject, decoded", what);
	l = g_mime_message_get_from(m);
	a = l && internet_address_list_length(l) == 1 ? internet_address_list_get_address(l, 0) :
		NULL;
	OK(a && INTERNET_ADDRESS_IS_MAILBOX(a) &&
	   !strcmp(internet_address_mailbox_get_addr((InternetAddressMailbox *)a),
		   "advisories@csirt.example") && internet_address_get_name(a) &&
	   !strcmp(internet_address_get_name(a), FROM_NAME),
	   "%s: From: the address and the UTF-8 display name", what);
	l = g_mime_message_get_to(m);
	a = l && internet_address_list_length(l) == 1 ? internet_address_list_get_address(l, 0) :
		NULL;
	OK(a && INTERNET_ADDRESS_IS_MAILBOX(a) &&
	   !strcmp(internet_address_mailbox_get_addr((InternetAddressMailbox *)a),
		   "valid@test.invalid"), "%s: To: the one recipient", what);
	OK(!g_mime_object_get_header(o, "Cc") && !g_mime_object_get_header(o, "Bcc"),
	   "%s: no Cc, no Bcc", what);
}

static void test_signed(struct tlpress_signer *s)
{
	struct tlpress_mail_in in = base_in(s);
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_buf out = TLPRESS_BUF_INIT, st = TLPRESS_BUF_INIT, body = TLPRESS_BUF_INIT;
	GMimeMessage *m = NULL;
	GMimeObject *top, *signed_part, *sig, *alt;
	const char *boundary, *micalg, *part, *subj;
	char path[128], spath[128];
	size_t n, maxline;
	int rc, algo, clean;

	rc = tlpress_mail_build(&in, &out, &err);
	INT_EQ(rc, 0, "signed: the mail is built");
	if (rc) {
		DIAG("%s", err.msg);
		goto out;
	}
	clean = crlf_clean(out.ptr, out.len, &maxline);
	OK(clean, "signed: CRLF line ends throughout, no line "
	   "over 998 octets (longest %zu)", maxline);
	OK(seven_bit(out.ptr, out.len), "signed: the whole message is 7-bit");
	subj = strstr(out.ptr, "\r\nSubject: ");
	OK(subj && (strstr(subj, "=?UTF-8?") || strstr(subj, "=?utf-8?")) &&
	   subj < strstr(out.ptr, "\r\n\r\n"), "signed: the Subject is RFC 2047-encoded");
	m = parse_message(out.ptr, out.len);
	OK(m != NULL, "signed: GMime parses it");
	if (!m)
		goto out;
	check_headers(m, SUBJECT, "signed");
	top = g_mime_message_get_mime_part(m);
	OK(is_type(top, "multipart", "signed"), "signed: the top part is multipart/signed");
	if (!is_type(top, "multipart", "signed"))
		goto out;
	STR_EQ(g_mime_object_get_content_type_parameter(top, "protocol"),
	       "application/pgp-signature", "signed: protocol=\"application/pgp-signature\"");
	micalg = g_mime_object_get_content_type_parameter(top, "micalg");
	OK(micalg && !strncmp(micalg, "pgp-sha", 7), "signed: micalg=%s", micalg ? micalg : "-");
	INT_EQ(g_mime_multipart_get_count((GMimeMultipart *)top), 2, "signed: two parts");
	signed_part = g_mime_multipart_get_part((GMimeMultipart *)top, 0);
	sig = g_mime_multipart_get_part((GMimeMultipart *)top, 1);
	OK(is_type(sig, "application", "pgp-signature"), "signed: then application/pgp-signature");
	OK(is_type(signed_part, "multipart", "alternative"),
	   "signed: the content is multipart/alternative");
	alt = signed_part;
	if (is_type(alt, "multipart", "alternative") &&
	    g_mime_multipart_get_count((GMimeMultipart *)alt) == 2) {
		GMimeObject *t = g_mime_multipart_get_part((GMimeMultipart *)alt, 0);
		GMimeObject *h = g_mime_multipart_get_part((GMimeMultipart *)alt, 1);

		OK(is_type(t, "text", "plain") && is_type(h, "text", "html"),
		   "signed: text/plain, then text/html");
		STR_EQ(g_mime_object_get_content_type_parameter(t, "charset"), "utf-8",
		       "signed: text/plain; charset=utf-8");
		STR_EQ(g_mime_object_get_content_type_parameter(h, "charset"), "utf-8",
		       "signed: text/html; charset=utf-8");
		part_content(t, &body);
		STR_EQ(body.ptr, text, "signed: the text decodes to the text given, byte for byte");
		tlpress_buf_reset(&body);
		part_content(h, &body);
		STR_EQ(body.ptr, html, "signed: the HTML decodes to the HTML given");
	} else {
		OK(0, "signed: the alternative has two parts");
	}

	/* the signature is over the first part's bytes, as they travel */
	boundary = g_mime_multipart_get_boundary((GMimeMultipart *)top);
	rc = first_part(out.ptr, out.len, boundary ? boundary : "?", &part, &n);
	OK(rc == 0, "signed: the first part is found between the boundaries");
	if (rc)
		goto out;
	OK(seven_bit(part, n), "signed: the signed part is 7-bit clean");
	tlpress_buf_reset(&body);
	part_content(sig, &body);
	OK(!strncmp(body.ptr, "-----BEGIN PGP SIGNATURE-----", 29),
	   "signed: the signature is armoured");
	snprintf(path, sizeof(path), "%s/signed.part", dir);
	snprintf(spath, sizeof(spath), "%s/signed.asc", dir);
	write_file(path, part, n);
	write_file(spath, body.ptr, body.len);
	rc = run(&st, "gpg --homedir '%s' --batch --no-tty --status-fd 1 --verify '%s' '%s' "
		 "2>/dev/null", home, spath, path);
	INT_EQ(rc, 0, "signed: gpg --verify accepts the signature over the part's bytes");
	OK(strstr(st.ptr, "[GNUPG:] GOODSIG ") != NULL, "signed: a good signature");
	algo = validsig_hash(st.ptr, fpr_signer);
	OK(algo > 0, "signed: by the signer's key %s", fpr_signer);
	STR_EQ(micalg, micalg_of(algo), "signed: micalg names the hash the signature uses");
	/* one byte of the part changed: refused */
	{
		char *copy = malloc(n);

		memcpy(copy, part, n);
		copy[n / 2] ^= 0x01;
		write_file(path, copy, n);
		free(copy);
	}
	rc = sh("gpg --homedir '%s' --batch --no-tty --verify '%s' '%s' >/dev/null 2>&1", home,
		spath, path);
	OK(rc != 0, "signed: gpg refuses it once one byte of the part changed");

	/* text only: a text/plain part is what is signed */
	{
		struct tlpress_buf o2 = TLPRESS_BUF_INIT;
		GMimeMessage *m2;
		GMimeObject *t2;

		in.html = NULL;
		rc = tlpress_mail_build(&in, &o2, &err);
		INT_EQ(rc, 0, "signed, text only: built");
		m2 = rc ? NULL : parse_message(o2.ptr, o2.len);
		t2 = m2 ? g_mime_message_get_mime_part(m2) : NULL;
		t2 = is_type(t2, "multipart", "signed") ?
			g_mime_multipart_get_part((GMimeMultipart *)t2, 0) : NULL;
		OK(is_type(t2, "text", "plain"),
		   "signed, text only: the signed part is text/plain");
		if (t2 && GMIME_IS_PART(t2)) {
			GMimeContentEncoding e = g_mime_part_get_content_encoding((GMimePart *)t2);

			OK(e == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
			   e == GMIME_CONTENT_ENCODING_BASE64,
			   "signed, text only: quoted-printable or base64");
		}
		boundary = m2 ? g_mime_multipart_get_boundary(
			(GMimeMultipart *)g_mime_message_get_mime_part(m2)) : NULL;
		if (boundary && !first_part(o2.ptr, o2.len, boundary, &part, &n)) {
			write_file(path, part, n);
			tlpress_buf_reset(&body);
			part_content(g_mime_multipart_get_part(
				(GMimeMultipart *)g_mime_message_get_mime_part(m2), 1), &body);
			write_file(spath, body.ptr, body.len);
			rc = sh("gpg --homedir '%s' --batch --no-tty --verify '%s' '%s' >/dev/null "
				"2>&1", home, spath, path);
			INT_EQ(rc, 0, "signed, text only: gpg --verify accepts it");
		} else {
			OK(0, "signed, text only: the first part is found");
		}
		if (m2)
			g_object_unref(m2);
		tlpress_buf_release(&o2);
	}
out:
	if (m)
		g_object_unref(m);
	tlpress_buf_release(&out);
	tlpress_buf_release(&st);
	tlpress_buf_release(&body);
}

/* The decrypted entity: protected headers, the canary in its text. */
static void check_inner(const struct tlpress_buf *plain, int with_html, const char *what)
{
	struct tlpress_buf body = TLPRESS_BUF_INIT;
	GMimeObject *o, *t;
	const char *v, *end;
	char *dec;
	size_t maxline;
	int clean;

	end = strstr(plain->ptr, "\r\n\r\n");
	clean = crlf_clean(plain->ptr, plain->len, &maxline);
	OK(clean, "%s: the encrypted entity is canonical "
	   "(CRLF)", what);
	OK(end && memmem(plain->ptr, (size_t)(end - plain->ptr), "protected-headers=\"v1\"", 22),
	   "%s: its headers hold protected-headers=\"v1\"", what);
	o = parse_part(plain->ptr, plain->len);
	OK(o != NULL, "%s: GMime parses it", what);
	if (!o)
		return;
	OK(with_html ? is_type(o, "multipart", "alternative") : is_type(o, "text", "plain"),
	   "%s: it is %s", what, with_html ? "multipart/alternative" : "text/plain");
	STR_EQ(g_mime_object_get_content_type_parameter(o, "protected-headers"), "v1",
	       "%s: Content-Type parameter protected-headers=v1", what);
	v = g_mime_object_get_header(o, "Subject");
	dec = v ? g_mime_utils_header_decode_text(NULL, v) : NULL;
	STR_EQ(dec, SUBJECT, "%s: the protected Subject is the full subject", what);
	g_free(dec);
	v = g_mime_object_get_header(o, "From");
	OK(v && strstr(v, "<advisories@csirt.example>"), "%s: the protected From", what);
	STR_EQ(g_mime_object_get_header(o, "To"), "valid@test.invalid", "%s: the protected To",
	       what);
	STR_EQ(g_mime_object_get_header(o, "Message-ID"), "<" MSGID ">",
	       "%s: the protected Message-ID", what);
	STR_EQ(g_mime_object_get_header(o, "Date"), DATE_STR, "%s: the protected Date", what);
	t = with_html && GMIME_IS_MULTIPART(o) ? g_mime_multipart_get_part((GMimeMultipart *)o, 0) :
		o;
	OK(is_type(t, "text", "plain"), "%s: a text/plain part", what);
	part_content(t, &body);
	STR_EQ(body.ptr, text, "%s: whose text is the text given, with the canary", what);
	g_object_unref(o);
	tlpress_buf_release(&body);
}

static void test_encrypted(struct tlpress_signer *s, int with_html, const char *key,
			   const char *keyfpr, const char *what)
{
	struct tlpress_mail_in in = base_in(s);
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_buf out = TLPRESS_BUF_INIT, st = TLPRESS_BUF_INIT, body = TLPRESS_BUF_INIT,
			   plain = TLPRESS_BUF_INIT;
	GMimeMessage *m = NULL;
	GMimeObject *top, *v, *d;
	char path[128], stpath[160], keyid[17], enc_to[64];
	const char *p;
	size_t maxline;
	int rc, nenc, clean;

	in.encrypt = 1;
	in.key = key;
	if (!with_html)
		in.html = NULL;
	rc = tlpress_mail_build(&in, &out, &err);
	INT_EQ(rc, 0, "%s: the mail is built", what);
	if (rc) {
		DIAG("%s", err.msg);
		goto out;
	}
	clean = crlf_clean(out.ptr, out.len, &maxline);
	OK(clean, "%s: CRLF line ends, no line over 998 "
	   "octets (longest %zu)", what, maxline);
	OK(seven_bit(out.ptr, out.len), "%s: the whole message is 7-bit", what);
	OK(!strstr(out.ptr, CANARY) && !strstr(out.ptr, "Nordvolt") && !strstr(out.ptr, "critical"),
	   "%s: no word of the body in the clear", what);
	OK(!strstr(out.ptr, "Brennic") && !strstr(out.ptr, "VnVsbs"),
	   "%s: nor the title, plain or encoded", what);
	m = parse_message(out.ptr, out.len);
	OK(m != NULL, "%s: GMime parses it", what);
	if (!m)
		goto out;
	check_headers(m, OUTER, what);
	top = g_mime_message_get_mime_part(m);
	OK(is_type(top, "multipart", "encrypted"), "%s: the top part is multipart/encrypted", what);
	if (!is_type(top, "multipart", "encrypted") ||
	    g_mime_multipart_get_count((GMimeMultipart *)top) != 2) {
		OK(0, "%s: with two parts", what);
		goto out;
	}
	STR_EQ(g_mime_object_get_content_type_parameter(top, "protocol"),
	       "application/pgp-encrypted", "%s: protocol=\"application/pgp-encrypted\"", what);
	v = g_mime_multipart_get_part((GMimeMultipart *)top, 0);
	d = g_mime_multipart_get_part((GMimeMultipart *)top, 1);
	OK(is_type(v, "application", "pgp-encrypted"), "%s: first application/pgp-encrypted",
	   what);
	part_content(v, &body);
	OK(!strncmp(body.ptr, "Version: 1", 10), "%s: saying Version: 1", what);
	OK(is_type(d, "application", "octet-stream"), "%s: then application/octet-stream", what);
	tlpress_buf_reset(&body);
	part_content(d, &body);
	OK(!strncmp(body.ptr, "-----BEGIN PGP MESSAGE-----", 27),
	   "%s: holding an armoured OpenPGP message", what);

	snprintf(path, sizeof(path), "%s/enc.asc", dir);
	write_file(path, body.ptr, body.len);
	rc = run(&plain, "gpg --homedir '%s' --batch --no-tty --status-fd 3 --decrypt '%s' "
		 "3>'%s.st' 2>/dev/null", home, path, path);
	INT_EQ(rc, 0, "%s: gpg --decrypt with the recipient's key", what);
	snprintf(stpath, sizeof(stpath), "%s.st", path);
	tlpress_read_file(stpath, 1 << 20, &st, NULL, &err);
	OK(strstr(st.ptr, "[GNUPG:] DECRYPTION_OKAY") != NULL, "%s: decrypts", what);
	OK(strstr(st.ptr, "[GNUPG:] GOODSIG ") && validsig_hash(st.ptr, fpr_signer) > 0,
	   "%s: with a good signature by the signer %s", what, fpr_signer);
	OK(strstr(st.ptr, "BADSIG") == NULL, "%s: and no bad one", what);
	/* to the recipient's encryption subkey, and to no one else */
	enc_keyid(keyfpr, keyid);
	nenc = 0;
	for (p = st.ptr; (p = strstr(p, "[GNUPG:] ENC_TO ")); p++)
		nenc++;
	snprintf(enc_to, sizeof(enc_to), "[GNUPG:] ENC_TO %s ", keyid);
	OK(keyid[0] && nenc == 1 && strstr(st.ptr, enc_to),
	   "%s: encrypted to the recipient's subkey %s only (%d recipients)", what, keyid, nenc);
	check_inner(&plain, with_html, what);
out:
	if (m)
		g_object_unref(m);
	tlpress_buf_release(&out);
	tlpress_buf_release(&st);
	tlpress_buf_release(&body);
	tlpress_buf_release(&plain);
}

/* A mail that must be refused with code, naming `word` (may be NULL), with
 * nothing appended. */
static void refused(const struct tlpress_mail_in *in, int code, const char *word,
		    const char *word2, const char *what)
{
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_buf out = TLPRESS_BUF_INIT;
	int rc;

	tlpress_buf_adds(&out, "before");
	rc = tlpress_mail_build(in, &out, &err);
	INT_EQ(rc, code, "%s: refused (%s)", what, tlpress_strerror(code));
	OK(out.len == 6 && !strcmp(out.ptr, "before"), "%s: nothing appended", what);
	if (word || word2) {
		OK((!word || strstr(err.msg, word)) && (!word2 || strstr(err.msg, word2)),
		   "%s: the message says %s%s%s", what, word ? word : "",
		   word && word2 ? " and " : "", word2 ? word2 : "");
		if ((word && !strstr(err.msg, word)) || (word2 && !strstr(err.msg, word2)))
			DIAG("message: %s", err.msg);
	}
	tlpress_buf_release(&out);
}

static void test_refusals(struct tlpress_signer *s)
{
	struct tlpress_mail_in in;
	char longid[1100];

	in = base_in(s);
	in.to = "valid@test.invalid\r\nBcc: spy@evil.example";
	refused(&in, TLPRESS_EUSAGE, "to", NULL, "CR LF in to");
	in = base_in(s);
	in.to = "valid@test.invalid\nBcc: spy@evil.example";
	in.encrypt = 1;
	refused(&in, TLPRESS_EUSAGE, "to", NULL, "a bare LF in to, encrypted");
	in = base_in(s);
	in.subject = "[TLP:AMBER] x\r\nBcc: spy@evil.example";
	refused(&in, TLPRESS_EUSAGE, "subject", NULL, "CR LF in subject");
	in = base_in(s);
	in.subject = "[TLP:AMBER] x\rX-Evil: 1";
	refused(&in, TLPRESS_EUSAGE, "subject", NULL, "a bare CR in subject");
	in = base_in(s);
	in.outer_subject = "x\nBcc: spy@evil.example";
	in.encrypt = 1;
	refused(&in, TLPRESS_EUSAGE, "outer_subject", NULL, "LF in outer_subject");
	in = base_in(s);
	in.message_id = "id@x\r\nBcc: spy@evil.example";
	refused(&in, TLPRESS_EUSAGE, "message_id", NULL, "CR LF in message_id");
	in = base_in(s);
	in.from_name = "CSIRT\r\nBcc: spy@evil.example";
	refused(&in, TLPRESS_EUSAGE, "from_name", NULL, "CR LF in from_name");
	in = base_in(s);
	in.from = "advisories@csirt.example\n";
	refused(&in, TLPRESS_EUSAGE, "from", NULL, "LF in from");
	in = base_in(s);
	in.to = "a@test.invalid, b@test.invalid";
	refused(&in, TLPRESS_EUSAGE, "not one plain address", NULL, "two addresses in to");
	in = base_in(s);
	in.to = "Name <valid@test.invalid>";
	refused(&in, TLPRESS_EUSAGE, "not one plain address", NULL, "a display name in to");
	in = base_in(s);
	in.subject = NULL;
	refused(&in, TLPRESS_EUSAGE, "subject", NULL, "no subject");
	in = base_in(s);
	in.signer = NULL;
	refused(&in, TLPRESS_EUSAGE, "signer", NULL, "no signer");
	in = base_in(s);
	in.text = NULL;
	refused(&in, TLPRESS_EUSAGE, "text", NULL, "no text");
	in = base_in(s);
	in.encrypt = 1;
	in.key = NULL;
	refused(&in, TLPRESS_EUSAGE, "key", NULL, "encryption without a key");
	in = base_in(s);
	in.text = "caf\xe9\n";
	refused(&in, TLPRESS_EUSAGE, "UTF-8", NULL, "text that is not UTF-8");
	in = base_in(s);
	memset(longid, 'a', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	memcpy(longid + 500, "@x", 2);
	in.message_id = longid;
	refused(&in, TLPRESS_EUSAGE, "998", NULL, "a Message-ID of 1099 octets");
	in = base_in(s);
	in.worker = 3;
	refused(&in, TLPRESS_EUSAGE, NULL, NULL, "a worker the signer does not have");

	/* keys that must not be encrypted to */
	in = base_in(s);
	in.encrypt = 1;
	in.key = "nobody@test.invalid";
	refused(&in, TLPRESS_ECRYPTO, "nobody@test.invalid", "no key", "a missing key");
	in.key = "0123456789ABCDEF0123456789ABCDEF01234567";
	refused(&in, TLPRESS_ECRYPTO, "0123456789ABCDEF0123456789ABCDEF01234567", "no key",
		"a missing fingerprint");
	in.key = fpr_expired;
	refused(&in, TLPRESS_ECRYPTO, fpr_expired, "expired", "the expired key");
	in.key = "expired@test.invalid";
	refused(&in, TLPRESS_ECRYPTO, fpr_expired, "expired", "the expired key, by address");
	in.key = fpr_revoked;
	refused(&in, TLPRESS_ECRYPTO, fpr_revoked, "revoked", "the revoked key");
	in.key = "revoked@test.invalid";
	refused(&in, TLPRESS_ECRYPTO, fpr_revoked, "revoked", "the revoked key, by address");
	in.key = fpr_signer;
	refused(&in, TLPRESS_ECRYPTO, fpr_signer, "no encryption subkey",
		"a sign-only key");
	in.key = "test.invalid";
	refused(&in, TLPRESS_ECRYPTO, "test.invalid", NULL, "a pattern that is no key's name");
}

/* A title that looks like RFC 2047 encoded words: the reader's program
 * must get the text back, not decode a line break and a header out of it. */
static void test_encoded_word_subject(struct tlpress_signer *s)
{
	static const char subj[] = "[TLP:CLEAR] CCB-2026-0001: =?utf-8?q?x=0D=0ABcc:_spy@"
		"evil.example?= and =?UTF-8?B?DQpCY2M6IHNweUBldmlsLmV4YW1wbGU=?= \xc3\xa9t\xc3\xa9 "
		"with a long tail to fold over several encoded words, a few more words";
	struct tlpress_mail_in in = base_in(s);
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_buf out = TLPRESS_BUF_INIT;
	GMimeMessage *m = NULL;
	const char *p;
	int rc;

	in.subject = subj;
	rc = tlpress_mail_build(&in, &out, &err);
	INT_EQ(rc, 0, "encoded-word subject: built: %s", err.msg);
	if (!rc)
		m = parse_message(out.ptr, out.len);
	OK(m != NULL, "encoded-word subject: GMime reads it back");
	if (m) {
		check_headers(m, subj, "encoded-word subject");
		g_object_unref(m);
	}
	/* GMime itself keeps the look-alike, only upper-casing it */
	p = out.ptr ? strstr(out.ptr, "\r\nSubject:") : NULL;
	OK(p && !memmem(p, (size_t)(strstr(p + 2, "\r\n\r\n") - p), "?Q?x=0D", 7),
	   "encoded-word subject: the look-alike is encoded, not left as it was");
	tlpress_buf_release(&out);
}

/* A title with a right-to-left override (U+202E) and an isolate (U+2066):
 * the subject the reader sees has neither, as the pages do not. */
static void test_bidi_subject(struct tlpress_signer *s)
{
	static const char subj[] = "[TLP:CLEAR] CCB-2026-0001: invoice \xe2\x80\xae" "fdp.exe "
		"\xe2\x81\xa6x\xe2\x81\xa9 \xc3\xa9t\xc3\xa9";
	struct tlpress_mail_in in = base_in(s);
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_buf out = TLPRESS_BUF_INIT;
	GMimeMessage *m = NULL;
	int rc;

	in.subject = subj;
	rc = tlpress_mail_build(&in, &out, &err);
	INT_EQ(rc, 0, "bidi subject: built: %s", err.msg);
	if (!rc)
		m = parse_message(out.ptr, out.len);
	if (m) {
		STR_EQ(g_mime_message_get_subject(m), "[TLP:CLEAR] CCB-2026-0001: invoice fdp.exe "
		       "x \xc3\xa9t\xc3\xa9", "bidi subject: the override and the isolates "
		       "are dropped, the rest kept");
		g_object_unref(m);
	} else {
		OK(0, "bidi subject: GMime reads it back");
	}
	tlpress_buf_release(&out);
}

int main(void)
{
	struct tlpress_signer *s = NULL;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_keyinfo ki;
	const char *env = getenv("TLPRESS_TEST_GNUPGHOME"), *top = getenv("TLPRESS_TOP");
	int made = 0, rc;

	if (env && *env) {
		snprintf(home, sizeof(home), "%s", env);
	} else {
		snprintf(home, sizeof(home), "/tmp/tg.XXXXXX");
		if (!mkdtemp(home)) {
			printf("Bail out! cannot make a temporary folder\n");
			return 1;
		}
		made = 1;
		if (sh("sh '%s/tests/gpg/mkhome.sh' '%s' >/dev/null 2>&1", top ? top : ".", home)) {
			printf("Bail out! tests/gpg/mkhome.sh failed (run from the top of the tree "
			       "or set TLPRESS_TOP)\n");
			sh("gpgconf --homedir '%s' --kill all >/dev/null 2>&1; rm -rf '%s'", home,
			   home);
			return 1;
		}
	}
	if (read_keys()) {
		printf("Bail out! no keys.txt with the test keys in %s\n", home);
		goto done;
	}
	snprintf(dir, sizeof(dir), "/tmp/tm.XXXXXX");
	if (!mkdtemp(dir)) {
		printf("Bail out! cannot make a temporary folder\n");
		goto done;
	}
	g_mime_init();
	rc = tlpress_signer_open(&s, fpr_signer, home, 1, 30, (long long)time(NULL), &ki, NULL,
				 &err);
	INT_EQ(rc, 0, "the signer opens");
	if (rc) {
		DIAG("%s", err.msg);
		goto done;
	}
	test_signed(s);
	test_encrypted(s, 1, fpr_valid, fpr_valid, "encrypted");
	test_encrypted(s, 0, "valid@test.invalid", fpr_valid, "encrypted, text only, by address");
	/* a key that cannot sign but can encrypt is a fine recipient */
	test_encrypted(s, 0, fpr_nosign, fpr_nosign, "encrypted to the encrypt-only key");
	test_refusals(s);
	test_encoded_word_subject(s);
	test_bidi_subject(s);
done:
	tlpress_signer_close(s);
	if (dir[0])
		sh("rm -rf '%s'", dir);
	if (made)
		sh("gpgconf --homedir '%s' --kill all >/dev/null 2>&1; rm -rf '%s'", home, home);
	return harness_done();
}
