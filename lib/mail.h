/*
 * mail.h - one PGP/MIME mail (RFC 3156) for one recipient, as bytes for SMTP
 *
 * Every mail is signed by the signer (lib/sign.h); mail to a restricted
 * audience is also encrypted to its one recipient's key:
 *
 *   encrypt == 0   multipart/signed; micalg=pgp-<hash>;
 *                  protocol="application/pgp-signature"
 *                    1. the content (below), quoted-printable or base64:
 *                       7-bit clean, signed as its canonical CRLF bytes
 *                    2. application/pgp-signature, detached and armoured
 *
 *   encrypt == 1   multipart/encrypted; protocol="application/pgp-encrypted"
 *                    1. application/pgp-encrypted, "Version: 1"
 *                    2. application/octet-stream: an armoured OpenPGP message,
 *                       signed and encrypted (RFC 3156 section 6.2, combined
 *                       method) to the recipient's key only, holding the
 *                       content with "protected headers" (the Content-Type
 *                       parameter protected-headers="v1" and Subject, From,
 *                       To, Message-ID and Date): the outer Subject is only
 *                       outer_subject, and the title travels encrypted.
 *
 * The content is text/plain; charset=utf-8, or with html a
 * multipart/alternative of text/plain and text/html (both UTF-8).
 *
 * The outer headers: From (the display name RFC 2047-encoded when not
 * ASCII), To, Subject (RFC 2047 when not ASCII), Date (UTC, "+0000"),
 * Message-ID, MIME-Version, X-TLP (the label) and Auto-Submitted:
 * auto-generated; never Cc nor Bcc.
 *
 * The output has CRLF line ends throughout and no line over 998 octets: it
 * is ready for SMTP DATA, but for dot-stuffing (libcurl does it).
 *
 * GMime makes the MIME structure only; every OpenPGP operation goes through
 * lib/sign.h, in the signer's GnuPG home. Threads: calls may run at the
 * same time with different signer workers.
 */
#ifndef TLPRESS_MAIL_H
#define TLPRESS_MAIL_H

#include "buf.h"
#include "error.h"

struct tlpress_signer;               /* lib/sign.h */

struct tlpress_mail_in {
	const char *from;            /* address, e.g. "advisories@csirt.example" */
	const char *from_name;       /* display name, UTF-8, or NULL */
	const char *to;              /* exactly one address */
	const char *subject;         /* full subject, UTF-8: "[TLP:AMBER] CCB-2026-0412: Title" */
	const char *outer_subject;   /* encrypted mail: the outer Subject ("[TLP:AMBER]
				      * CCB-2026-0412"); NULL or "": "..." */
	const char *message_id;      /* without angle brackets:
				      * "ccb-2026-0412.v2.<hash>@csirt.example" */
	long long date;              /* Unix time for the Date: header (UTC, "+0000") */
	const char *label;           /* "TLP:AMBER": sent as "X-TLP: TLP:AMBER" */
	const char *text;            /* text/plain body, UTF-8, LF line ends */
	const char *html;            /* text/html body, UTF-8, or NULL for text only */
	int encrypt;                 /* 1: sign and encrypt to key; 0: sign only
				      * (multipart/signed) */
	const char *key;             /* the recipient's key: fingerprint (or address) in the
				      * signer's keyring; used when encrypt */
	struct tlpress_signer *signer; /* signs every mail; required */
	int worker;                  /* gpgme context of the signer to use (0 normally) */
};

/*
 * Build the message and append it to out (nothing is appended on failure).
 * TLPRESS_EUSAGE: a required field missing (from, to, subject, message_id,
 * label, text, signer; key when encrypt), a header field holding a control
 * character (CR or LF: header injection), an address that is not one plain
 * address, text that is not UTF-8, or a header line that would pass 998
 * octets. TLPRESS_ECRYPTO: signing or encryption failed, or the recipient's
 * key is missing, ambiguous, expired, revoked, disabled, invalid or cannot
 * encrypt (the message names it). TLPRESS_ENOMEM.
 */
int tlpress_mail_build(const struct tlpress_mail_in *in, struct tlpress_buf *out,
		       struct tlpress_error *err);

#endif
