/* mail.c - one PGP/MIME mail (RFC 3156) for one recipient; see mail.h */
#include "mail.h"

#include <pthread.h>
#include <string.h>

#include <gmime/gmime.h>

#include "sign.h"
#include "strutil.h"
#include "timefmt.h"

/* RFC 5322 section 2.1.1: a line is at most 998 octets, without its CRLF */
#define MAIL_LINE_MAX 998

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_start(void)
{
	g_mime_init();
}

/* ---- the input ---- */

/* 1 when s holds a control character (CR and LF among them): no header
 * field may, or it could add headers of its own. */
static int has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* 1 when s is printable ASCII with no space nor any of `specials`. */
static int atom_text(const char *s, const char *specials)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f || strchr(specials, *s))
			return 0;
	return 1;
}

/* One plain address: local@domain, printable ASCII, no display name,
 * brackets, list separators or comments. */
static int plain_addr(const char *s)
{
	const char *at = strchr(s, '@');

	return atom_text(s, "<>()[],;:\\\"") && at && at != s && at[1] && !strchr(at + 1, '@');
}

static int check_in(const struct tlpress_mail_in *in, struct tlpress_error *err)
{
	const struct {
		const char *name, *v;
	} h[] = {
		{ "from", in->from }, { "from_name", in->from_name }, { "to", in->to },
		{ "subject", in->subject }, { "outer_subject", in->outer_subject },
		{ "message_id", in->message_id }, { "label", in->label }, { "key", in->key },
	};
	const char *missing = NULL;
	size_t i;

	if (!in->from || !*in->from)
		missing = "from";
	else if (!in->to || !*in->to)
		missing = "to";
	else if (!in->subject || !*in->subject)
		missing = "subject";
	else if (!in->message_id || !*in->message_id)
		missing = "message_id";
	else if (!in->label || !*in->label)
		missing = "label";
	else if (!in->text)
		missing = "text";
	else if (!in->signer)
		missing = "signer";
	else if (in->encrypt && (!in->key || !*in->key))
		missing = "key (the recipient's, to encrypt to)";
	if (missing)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "mail: no %s given", missing);
	for (i = 0; i < sizeof(h) / sizeof(h[0]); i++)
		if (h[i].v && has_ctl(h[i].v))
			return tlpress_error_set(err, TLPRESS_EUSAGE, "mail: %s holds a "
						 "control character (CR, LF...): refused, a "
						 "header field is one line", h[i].name);
	if (!plain_addr(in->from))
		return tlpress_error_set(err, TLPRESS_EUSAGE, "mail: from '%s' is not one plain "
					 "address (name@domain)", in->from);
	if (!plain_addr(in->to))
		return tlpress_error_set(err, TLPRESS_EUSAGE, "mail: to '%s' is not one plain "
					 "address (name@domain)", in->to);
	if (!atom_text(in->message_id, "<>()[],;:\\\"") || !strchr(in->message_id, '@'))
		return tlpress_error_set(err, TLPRESS_EUSAGE, "mail: message_id '%s' is not a "
					 "message id (left@right, without angle brackets)",
					 in->message_id);
	if (!atom_text(in->label, ""))
		return tlpress_error_set(err, TLPRESS_EUSAGE, "mail: label '%s' is not printable "
					 "ASCII without spaces", in->label);
	if ((in->from_name && !g_utf8_validate(in->from_name, -1, NULL)) ||
	    !g_utf8_validate(in->subject, -1, NULL) ||
	    (in->outer_subject && !g_utf8_validate(in->outer_subject, -1, NULL)))
		return tlpress_error_set(err, TLPRESS_EUSAGE, "mail: a header field is not UTF-8");
	if (!g_utf8_validate(in->text, -1, NULL) || (in->html && !g_utf8_validate(in->html, -1,
										    NULL)))
		return tlpress_error_set(err, TLPRESS_EUSAGE, "mail: the %s body is not UTF-8",
					 !g_utf8_validate(in->text, -1, NULL) ? "text" : "HTML");
	return 0;
}

/* ---- MIME parts ---- */

/* A text/<subtype>; charset=utf-8 part holding s with LF line ends (CRLF
 * taken as LF), ending with a line end. */
static GMimeObject *text_part(const char *subtype, const char *s)
{
	GMimeStream *st = g_mime_stream_mem_new();
	GMimeDataWrapper *dw;
	GMimePart *p;
	size_t l, k;

	while (*s) {
		const char *nl = strchr(s, '\n');

		l = nl ? (size_t)(nl - s) : strlen(s);
		k = l > 0 && s[l - 1] == '\r' ? l - 1 : l;
		g_mime_stream_write(st, s, k);
		g_mime_stream_write(st, "\n", 1);
		s += nl ? l + 1 : l;
	}
	g_mime_stream_reset(st);
	dw = g_mime_data_wrapper_new_with_stream(st, GMIME_CONTENT_ENCODING_DEFAULT);
	p = g_mime_part_new_with_type("text", subtype);
	g_mime_object_set_content_type_parameter((GMimeObject *)p, "charset", "utf-8");
	g_mime_part_set_content(p, dw);
	g_object_unref(dw);
	g_object_unref(st);
	return (GMimeObject *)p;
}

/* A type/subtype part holding data (ASCII: armour), 7bit. */
static GMimePart *blob_part(const char *type, const char *subtype, const char *data, size_t len)
{
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeDataWrapper *dw = g_mime_data_wrapper_new_with_stream(st,
								  GMIME_CONTENT_ENCODING_DEFAULT);
	GMimePart *p = g_mime_part_new_with_type(type, subtype);

	g_mime_part_set_content(p, dw);
	g_mime_part_set_content_encoding(p, GMIME_CONTENT_ENCODING_7BIT);
	g_object_unref(dw);
	g_object_unref(st);
	return p;
}

/* The content: text/plain, or multipart/alternative of text and HTML. */
static GMimeObject *content(const struct tlpress_mail_in *in)
{
	GMimeMultipart *alt;
	GMimeObject *t, *h;

	t = text_part("plain", in->text);
	if (!in->html)
		return t;
	h = text_part("html", in->html);
	alt = g_mime_multipart_new_with_subtype("alternative");
	g_mime_multipart_add(alt, t);
	g_mime_multipart_add(alt, h);
	g_object_unref(t);
	g_object_unref(h);
	return (GMimeObject *)alt;
}

/* RFC 3156 section 5 (and 3): what is signed is 7-bit clean and survives
 * transport unchanged; as GMime's own signing does, every leaf that is not
 * base64 becomes quoted-printable (no trailing white space, no "From "
 * line, no long line). */
static void sign_prepare(GMimeObject *o)
{
	int i, n;

	if (GMIME_IS_MULTIPART(o)) {
		n = g_mime_multipart_get_count((GMimeMultipart *)o);
		for (i = 0; i < n; i++)
			sign_prepare(g_mime_multipart_get_part((GMimeMultipart *)o, i));
	} else if (GMIME_IS_PART(o) && g_mime_part_get_content_encoding((GMimePart *)o) !=
		   GMIME_CONTENT_ENCODING_BASE64) {
		g_mime_part_set_content_encoding((GMimePart *)o,
						 GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	}
}

/* o as GMime writes it (LF line ends); with sign, through the filters RFC
 * 3156 asks of signed data, as GMime's signing does: "From " at the start
 * of a line armoured, trailing white space stripped. Free with
 * g_byte_array_free(ba, TRUE). */
static GByteArray *serialize(GMimeObject *o, GMimeFormatOptions *fo, int sign)
{
	GMimeStream *mem = g_mime_stream_mem_new(), *fs = g_mime_stream_filter_new(mem);
	GMimeFilter *f;
	GByteArray *ba;

	if (sign) {
		f = g_mime_filter_from_new(GMIME_FILTER_FROM_MODE_ARMOR);
		g_mime_stream_filter_add((GMimeStreamFilter *)fs, f);
		g_object_unref(f);
		f = g_mime_filter_strip_new();
		g_mime_stream_filter_add((GMimeStreamFilter *)fs, f);
		g_object_unref(f);
	}
	g_mime_object_write_to_stream(o, fo, fs);
	g_mime_stream_flush(fs);
	g_object_unref(fs);
	ba = g_mime_stream_mem_get_byte_array((GMimeStreamMem *)mem);
	g_mime_stream_mem_set_owner((GMimeStreamMem *)mem, FALSE);
	g_object_unref(mem);
	return ba;
}

/* p (n bytes) appended to b with every bare LF made CRLF. */
static int add_crlf(struct tlpress_buf *b, const void *data, size_t n)
{
	const char *p = data;
	size_t i, start = 0;

	for (i = 0; i < n; i++)
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r')) {
			tlpress_buf_add(b, p + start, i - start);
			tlpress_buf_add(b, "\r\n", 2);
			start = i + 1;
		}
	tlpress_buf_add(b, p + start, n - start);
	return b->failed ? -1 : 0;
}

/*
 * The Subject, as the reader is to see it. A word in it that looks like an
 * RFC 2047 encoded word ("=?utf-8?q?a=0D=0ABcc:_x?=") would be decoded by
 * the reader's program, line breaks and all, unless it is encoded itself
 * (RFC 2047, section 5): such a subject is written whole as encoded
 * words, UTF-8 in base64, so that what is read back is the very text.
 * Bidirectional overrides and isolates, and control characters, are dropped
 * as on the pages (tlpress_text_clean): a subject must not read backwards.
 */
static void set_subject(GMimeMessage *m, const char *subject_in)
{
	struct tlpress_buf clean = TLPRESS_BUF_INIT;
	GMimeHeader *h;
	GString *raw;
	const char *subject, *p;

	tlpress_text_clean(subject_in, strlen(subject_in), &clean);
	subject = p = clean.failed ? subject_in : clean.ptr;
	g_mime_message_set_subject(m, subject, "utf-8");
	if (!strstr(subject, "=?")) {
		tlpress_buf_release(&clean);
		return;
	}
	h = g_mime_header_list_get_header(g_mime_object_get_header_list((GMimeObject *)m),
					  "Subject");
	if (!h) {
		tlpress_buf_release(&clean);
		return;
	}
	raw = g_string_new(NULL);
	while (*p) {
		const char *e = p;
		gchar *b64;

		/* at most 39 bytes, whole characters: 64 columns encoded */
		while (*e && g_utf8_next_char(e) - p <= 39)
			e = g_utf8_next_char(e);
		if (e == p)
			e = g_utf8_next_char(p);
		b64 = g_base64_encode((const guchar *)p, (gsize)(e - p));
		g_string_append_printf(raw, "%s=?UTF-8?B?%s?=", raw->len ? "\n " : " ", b64);
		g_free(b64);
		p = e;
	}
	g_string_append_c(raw, '\n');
	g_mime_header_set_raw_value(h, raw->str);
	g_string_free(raw, TRUE);
	tlpress_buf_release(&clean);
}

/* The outer message's headers, with the full subject. */
static GMimeMessage *new_message(const struct tlpress_mail_in *in, const char *date)
{
	GMimeMessage *m = g_mime_message_new(FALSE);
	GMimeObject *o = (GMimeObject *)m;

	InternetAddress *ia;
	char *id;

	/* a display name that is not ASCII: RFC 2047, in UTF-8 */
	ia = internet_address_mailbox_new(in->from_name && *in->from_name ? in->from_name : NULL,
					  in->from);
	internet_address_set_charset(ia, "utf-8");
	internet_address_list_add(g_mime_message_get_from(m), ia);
	g_object_unref(ia);
	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_TO, NULL, in->to);
	set_subject(m, in->subject);
	g_mime_object_set_header(o, "Date", date, NULL);
	id = g_strdup_printf("<%s>", in->message_id);
	g_mime_object_set_header(o, "Message-ID", id, NULL);
	g_free(id);
	g_mime_object_set_header(o, "MIME-Version", "1.0", NULL);
	g_mime_object_set_header(o, "X-TLP", in->label, NULL);
	g_mime_object_set_header(o, "Auto-Submitted", "auto-generated", NULL);
	return m;
}

/* "Protected Headers for Cryptographic E-mail" (draft-autocrypt-lamps-
 * protected-headers): the content's top part gets protected-headers="v1"
 * and the message's Subject, From, To, Message-ID and Date, as they are
 * written in m. */
static void protect(GMimeObject *inner, GMimeMessage *m)
{
	static const char *const names[] = { "Subject", "From", "To", "Message-ID", "Date" };
	GMimeHeaderList *mh = g_mime_object_get_header_list((GMimeObject *)m);
	GMimeHeaderList *ih = g_mime_object_get_header_list(inner);
	GMimeHeader *src, *dst;
	size_t i;

	g_mime_object_set_content_type_parameter(inner, "protected-headers", "v1");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		src = g_mime_header_list_get_header(mh, names[i]);
		if (!src)
			continue;
		g_mime_header_list_append(ih, names[i], "", NULL);
		dst = g_mime_header_list_get_header(ih, names[i]);
		if (dst)
			g_mime_header_set_raw_value(dst, g_mime_header_get_raw_value(src));
	}
}

/* The parameter protected-headers="v1" as the draft writes it, quoted
 * (GMime writes the token v1 bare, which means the same but is not what
 * every reader looks for). Call once the content type changes no more: it
 * sets the boundary of a multipart now. */
static void quote_protected(GMimeObject *inner)
{
	static const char bare[] = "protected-headers=v1";
	GMimeHeader *h;
	const char *raw, *p;
	char *q;

	if (GMIME_IS_MULTIPART(inner) && !g_mime_multipart_get_boundary((GMimeMultipart *)inner))
		g_mime_multipart_set_boundary((GMimeMultipart *)inner, NULL);
	h = g_mime_header_list_get_header(g_mime_object_get_header_list(inner), "Content-Type");
	raw = h ? g_mime_header_get_raw_value(h) : NULL;
	p = raw ? strstr(raw, bare) : NULL;
	if (!p || (p[sizeof(bare) - 1] != ';' && p[sizeof(bare) - 1] != '\n' &&
		   p[sizeof(bare) - 1] != '\0'))
		return;
	q = g_strdup_printf("%.*sprotected-headers=\"v1\"%s", (int)(p - raw), raw,
			    p + sizeof(bare) - 1);
	g_mime_header_set_raw_value(h, q);
	g_free(q);
}

/* The first body part of the multipart with this boundary in msg, as RFC
 * 1847 delimits it (the CRLF before a delimiter belongs to the delimiter). */
static int first_part(const char *msg, size_t len, const char *boundary, const char **part,
		      size_t *n)
{
	char open[128], close[128];
	const char *a, *b;

	snprintf(open, sizeof(open), "\r\n--%s\r\n", boundary);
	snprintf(close, sizeof(close), "\r\n--%s", boundary);
	a = memmem(msg, len, open, strlen(open));
	if (!a)
		return -1;
	a += strlen(open);
	b = memmem(a, len - (size_t)(a - msg), close, strlen(close));
	if (!b)
		return -1;
	*part = a;
	*n = (size_t)(b - a);
	return 0;
}

/* Every line ends in CRLF, with no CR or LF elsewhere, and has at most 998
 * octets. */
static int check_lines(const char *p, size_t n, struct tlpress_error *err)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '\r' && (i + 1 >= n || p[i + 1] != '\n'))
			return tlpress_error_set(err, TLPRESS_EINVAL, "mail: a bare CR in the "
						 "message");
		if (p[i] == '\n') {
			if (i == 0 || p[i - 1] != '\r')
				return tlpress_error_set(err, TLPRESS_EINVAL, "mail: a bare LF in "
							 "the message");
			if (i - 1 - start > MAIL_LINE_MAX)
				return tlpress_error_set(err, TLPRESS_EUSAGE, "mail: a line "
							 "of the message would have %zu octets, "
							 "more than the %d allowed: a header "
							 "field is too long", i - 1 - start,
							 MAIL_LINE_MAX);
			start = i + 1;
		}
	}
	if (start != n)
		return tlpress_error_set(err, TLPRESS_EINVAL, "mail: the message does not end "
					 "with a line end");
	return 0;
}

/* ---- the message ---- */

/* multipart/signed: the content, 7-bit, and its detached signature. Sets
 * *top (to release); *canon gets the signed bytes. */
static int build_signed(const struct tlpress_mail_in *in, GMimeFormatOptions *fo,
			struct tlpress_buf *canon, GMimeObject **top, struct tlpress_error *err)
{
	struct tlpress_buf sig = TLPRESS_BUF_INIT;
	GMimeObject *inner, *entity;
	GMimeMultipart *mps;
	GMimeParser *parser;
	GMimeStream *st;
	GMimePart *sp;
	GByteArray *ba;
	char micalg[24];
	int rc;

	*top = NULL;
	inner = content(in);
	g_mime_object_encode(inner, GMIME_ENCODING_CONSTRAINT_7BIT);
	sign_prepare(inner);
	ba = serialize(inner, fo, 1);
	g_object_unref(inner);
	if (add_crlf(canon, ba->data, ba->len)) {
		g_byte_array_free(ba, TRUE);
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	}
	rc = tlpress_sign_detached_mime(in->signer, in->worker, canon->ptr, canon->len, &sig,
					micalg, err);
	if (rc) {
		g_byte_array_free(ba, TRUE);
		tlpress_buf_release(&sig);
		return rc;
	}
	/* the signed entity as parsed back from the bytes signed, so that it
	 * is written out as those very bytes (GMime's own signing does so) */
	st = g_mime_stream_mem_new_with_buffer((const char *)ba->data, ba->len);
	g_byte_array_free(ba, TRUE);
	parser = g_mime_parser_new_with_stream(st);
	entity = g_mime_parser_construct_part(parser, NULL);
	g_object_unref(parser);
	g_object_unref(st);
	if (!entity) {
		tlpress_buf_release(&sig);
		return tlpress_error_set(err, TLPRESS_EINVAL, "mail: cannot read back the signed "
					 "content");
	}
	mps = g_mime_multipart_new_with_subtype("signed");
	g_mime_object_set_content_type_parameter((GMimeObject *)mps, "micalg", micalg);
	g_mime_object_set_content_type_parameter((GMimeObject *)mps, "protocol",
						 "application/pgp-signature");
	g_mime_multipart_add(mps, entity);
	g_object_unref(entity);
	sp = blob_part("application", "pgp-signature", sig.ptr, sig.len);
	tlpress_buf_release(&sig);
	g_mime_object_set_content_type_parameter((GMimeObject *)sp, "name", "signature.asc");
	g_mime_part_set_content_description(sp, "OpenPGP digital signature");
	g_mime_object_set_disposition((GMimeObject *)sp, "attachment");
	g_mime_object_set_content_disposition_parameter((GMimeObject *)sp, "filename",
							"signature.asc");
	g_mime_multipart_add(mps, (GMimeObject *)sp);
	g_object_unref(sp);
	*top = (GMimeObject *)mps;
	return 0;
}

/* multipart/encrypted: the content with protected headers from m, signed
 * and encrypted to in->key. Sets *top (to release). */
static int build_encrypted(const struct tlpress_mail_in *in, GMimeFormatOptions *fo,
			   GMimeMessage *m, GMimeObject **top, struct tlpress_error *err)
{
	struct tlpress_buf canon = TLPRESS_BUF_INIT, ct = TLPRESS_BUF_INIT;
	GMimeMultipart *mpe;
	GMimeObject *inner;
	GMimePart *vp, *dp;
	GByteArray *ba;
	int rc;

	*top = NULL;
	inner = content(in);
	protect(inner, m);
	g_mime_object_encode(inner, GMIME_ENCODING_CONSTRAINT_7BIT);
	quote_protected(inner);
	ba = serialize(inner, fo, 0);
	g_object_unref(inner);
	rc = add_crlf(&canon, ba->data, ba->len);
	g_byte_array_free(ba, TRUE);
	if (rc) {
		tlpress_buf_release(&canon);
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	}
	rc = tlpress_sign_encrypt(in->signer, in->worker, in->key, canon.ptr, canon.len, &ct, err);
	tlpress_buf_release(&canon);
	if (rc) {
		tlpress_buf_release(&ct);
		return rc;
	}
	mpe = g_mime_multipart_new_with_subtype("encrypted");
	g_mime_object_set_content_type_parameter((GMimeObject *)mpe, "protocol",
						 "application/pgp-encrypted");
	vp = blob_part("application", "pgp-encrypted", "Version: 1\n", 11);
	g_mime_part_set_content_description(vp, "PGP/MIME version identification");
	g_mime_multipart_add(mpe, (GMimeObject *)vp);
	g_object_unref(vp);
	dp = blob_part("application", "octet-stream", ct.ptr, ct.len);
	tlpress_buf_release(&ct);
	g_mime_object_set_content_type_parameter((GMimeObject *)dp, "name", "encrypted.asc");
	g_mime_part_set_content_description(dp, "OpenPGP encrypted message");
	g_mime_object_set_disposition((GMimeObject *)dp, "inline");
	g_mime_object_set_content_disposition_parameter((GMimeObject *)dp, "filename",
							"encrypted.asc");
	g_mime_multipart_add(mpe, (GMimeObject *)dp);
	g_object_unref(dp);
	*top = (GMimeObject *)mpe;
	return 0;
}

int tlpress_mail_build(const struct tlpress_mail_in *in, struct tlpress_buf *out,
		       struct tlpress_error *err)
{
	struct tlpress_buf canon = TLPRESS_BUF_INIT, msg = TLPRESS_BUF_INIT;
	struct tlpress_time tm;
	GMimeFormatOptions *fo = NULL;
	GMimeMessage *m = NULL;
	GMimeObject *top = NULL;
	GByteArray *ba;
	const char *part;
	char date[64];
	size_t n;
	int rc;

	if (!in || !out)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "tlpress_mail_build: bad arguments");
	if ((rc = check_in(in, err)))
		return rc;
	pthread_once(&gmime_once, gmime_start);

	tm.t = in->date;
	tm.offset = 0;
	tm.valid = 1;
	tlpress_time_rfc822(&tm, date, sizeof(date));
	fo = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_UNIX);
	m = new_message(in, date);
	if (in->encrypt) {
		rc = build_encrypted(in, fo, m, &top, err);
		if (!rc)
			set_subject(m, in->outer_subject && *in->outer_subject ?
				    in->outer_subject : "...");
	} else {
		rc = build_signed(in, fo, &canon, &top, err);
	}
	if (rc)
		goto out;
	g_mime_message_set_mime_part(m, top);

	ba = serialize((GMimeObject *)m, fo, 0);
	rc = add_crlf(&msg, ba->data, ba->len);
	g_byte_array_free(ba, TRUE);
	if (rc) {
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = check_lines(msg.ptr, msg.len, err)))
		goto out;
	/* what goes out as the signed part is what was signed */
	if (!in->encrypt &&
	    (first_part(msg.ptr, msg.len, g_mime_multipart_get_boundary((GMimeMultipart *)top),
			&part, &n) || n != canon.len || memcmp(part, canon.ptr, n))) {
		rc = tlpress_error_set(err, TLPRESS_EINVAL, "mail: the signed part as written "
				       "differs from the bytes signed");
		goto out;
	}
	if (tlpress_buf_add(out, msg.ptr, msg.len))
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory (or over the output "
				       "buffer's limit)");
out:
	if (top)
		g_object_unref(top);
	g_object_unref(m);
	g_mime_format_options_free(fo);
	tlpress_buf_release(&canon);
	tlpress_buf_release(&msg);
	return rc;
}
