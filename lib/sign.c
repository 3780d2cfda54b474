/* sign.c - OpenPGP signatures of published files (GPGME); see sign.h */
#include "sign.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <assuan.h>
#include <gpgme.h>

#include "fsutil.h"
#include "hash.h"
#include "pgpsig.h"
#include "timefmt.h"

extern char **environ;

/* the largest key file tlpress_verify_detached reads */
#define KEYFILE_LIMIT ((size_t)16 << 20)
/* the longest of gpg-agent's socket names, after S.gpg-agent */
#define SOCKET_SUFFIX ".browser"

struct tlpress_signer {
	char *home;              /* or NULL: the default */
	char fpr[41];
	char uid[256];
	int workers;
	gpgme_key_t key;
	/* signing through gpg-agent (below): a template, the signing subkey's
	 * keygrip, and per worker an Assuan connection to the agent, NULL for
	 * a worker that signs through GPGME (all of them when there is none) */
	struct tlpress_pgpsig_tpl tpl;
	char grip[41];
	assuan_context_t *agent;
	gpgme_ctx_t ctx[];       /* one per worker */
};

/* ---- initialisation and helpers ---- */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static gpgme_error_t init_err;
static const char *init_version;

static void init(void)
{
	init_version = gpgme_check_version(NULL);
	if (!init_version) {
		init_err = gpg_error(GPG_ERR_NOT_SUPPORTED);
		return;
	}
	gpgme_set_locale(NULL, LC_CTYPE, setlocale(LC_CTYPE, NULL));
#ifdef LC_MESSAGES
	gpgme_set_locale(NULL, LC_MESSAGES, setlocale(LC_MESSAGES, NULL));
#endif
	init_err = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP);
}

static int start(struct tlpress_error *err)
{
	char m[256];

	pthread_once(&init_once, init);
	if (init_err) {
		gpgme_strerror_r(init_err, m, sizeof(m));
		return tlpress_error_set(err, TLPRESS_ECRYPTO, "cannot use GnuPG: %s; is gnupg "
					 "(gpg 2.2 or later) installed?", m);
	}
	return 0;
}

static const char *gerr(gpgme_error_t e, char *buf, size_t size)
{
	gpgme_strerror_r(e, buf, size);
	return buf;
}

static const char *home_name(const char *home)
{
	return home ? home : "the default GnuPG home ($GNUPGHOME or ~/.gnupg)";
}

/* Loopback pinentry asks the application: tlpress runs unattended and has
 * no passphrase to give. A passphrase cached in gpg-agent is used without
 * asking. */
static gpgme_error_t no_passphrase(void *hook, const char *uid_hint,
				   const char *info, int prev_was_bad, int fd)
{
	(void)hook;
	(void)uid_hint;
	(void)info;
	(void)prev_was_bad;
	(void)fd;
	return gpg_error(GPG_ERR_NO_PASSPHRASE);
}

/* A context for OpenPGP in home (NULL: the default), offline, listing local
 * keys only; unless bare, also armoured and never asking for a passphrase
 * (a verifier's contexts, which only verify, are bare). */
static int new_ctx(const char *home, int bare, gpgme_ctx_t *out, struct tlpress_error *err)
{
	gpgme_ctx_t ctx;
	gpgme_error_t e;
	char m[256];

	*out = NULL;
	e = gpgme_new(&ctx);
	if (e)
		return tlpress_error_set(err, gpg_err_code(e) == GPG_ERR_ENOMEM ? TLPRESS_ENOMEM :
					 TLPRESS_ECRYPTO, "cannot start GPGME: %s", gerr(e, m, sizeof(m)));
	e = gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP);
	if (!e)
		e = gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_OpenPGP, NULL, home);
	if (!e && !bare)
		e = gpgme_set_pinentry_mode(ctx, GPGME_PINENTRY_MODE_LOOPBACK);
	if (e) {
		gpgme_release(ctx);
		return tlpress_error_set(err, TLPRESS_ECRYPTO, "cannot set up GnuPG for %s: %s; "
					 "check that gpg runs with that home (gpg --homedir HOME "
					 "--list-keys)", home_name(home), gerr(e, m, sizeof(m)));
	}
	if (!bare) {
		gpgme_set_passphrase_cb(ctx, no_passphrase, NULL);
		gpgme_set_armor(ctx, 1);
	}
	gpgme_set_offline(ctx, 1);
	gpgme_set_keylist_mode(ctx, GPGME_KEYLIST_MODE_LOCAL);
	*out = ctx;
	return 0;
}

/* The home must be a folder, and the agent's socket paths must fit in a
 * sockaddr_un: with no /run/user/UID, the sockets are made inside the home. */
static int check_home(const char *home, struct tlpress_error *err)
{
	struct sockaddr_un sun;
	struct stat st;
	gpgme_ctx_t ctx;
	char *sock = NULL;
	size_t n;

	if (home && (stat(home, &st) < 0 || !S_ISDIR(st.st_mode)))
		return tlpress_error_set(err, TLPRESS_ECRYPTO, "GnuPG home '%s' %s: set "
					 "signing.gnupghome to the folder that holds the signing key",
					 home, stat(home, &st) < 0 ? "does not exist" : "is not a folder");
	if (gpgme_new(&ctx))
		return 0; /* the operation itself will say */
	if (!gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_GPGCONF, NULL, home) &&
	    !gpgme_op_conf_dir(ctx, "agent-socket", &sock) && sock) {
		n = strlen(sock) + strlen(SOCKET_SUFFIX);
		if (n >= sizeof(sun.sun_path)) {
			tlpress_error_set(err, TLPRESS_ECRYPTO, "GnuPG home '%.300s' is too long for "
					  "gpg-agent: its socket '%.300s%s' would be %zu bytes, more than "
					  "the %zu a Unix socket path may have. Use a home of 87 characters "
					  "at most, or have the sockets made under /run/user: "
					  "mkdir -p -m 700 /run/user/$(id -u) && gpgconf --homedir '%.300s' "
					  "--create-socketdir", home_name(home), sock, SOCKET_SUFFIX, n,
					  sizeof(sun.sun_path) - 1, home ? home : "$GNUPGHOME");
			gpgme_free(sock);
			gpgme_release(ctx);
			return TLPRESS_ECRYPTO;
		}
	}
	gpgme_free(sock);
	gpgme_release(ctx);
	return 0;
}

/* A hint for a failed signature. */
static const char *sign_hint(gpgme_error_t e)
{
	switch (gpg_err_code(e)) {
	case GPG_ERR_BAD_PASSPHRASE:
	case GPG_ERR_NO_PASSPHRASE:
	case GPG_ERR_CANCELED:
	case GPG_ERR_FULLY_CANCELED:
	case GPG_ERR_NO_PIN:
	case GPG_ERR_BAD_PIN:
	case GPG_ERR_NO_PIN_ENTRY:
	case GPG_ERR_PIN_ENTRY:
		return "; the key needs a passphrase, and tlpress signs unattended and never asks: "
		       "preset it in gpg-agent (gpg-preset-passphrase, with allow-preset-passphrase "
		       "in gpg-agent.conf) or use a key without one, kept only on the publishing host";
	case GPG_ERR_NO_AGENT:
	case GPG_ERR_ASS_CONNECT_FAILED:
	case GPG_ERR_GENERAL:
		return "; gpg-agent could not be started or reached: check the GnuPG home (its "
		       "permissions, 700, and a path short enough for the agent's sockets, 87 "
		       "characters at most, or run 'gpgconf --create-socketdir')";
	case GPG_ERR_NO_SECKEY:
	case GPG_ERR_UNUSABLE_SECKEY:
		return "; the secret key is not in the GnuPG home";
	default:
		return "";
	}
}

/* Copy src into dst (size bytes), cut at a UTF-8 character boundary. */
static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

static void fmt_date(long long t, char *buf, size_t size)
{
	struct tlpress_time tm;

	tm.t = t;
	tm.offset = 0;
	tm.valid = 1;
	tlpress_time_date(&tm, buf, size);
}

static int days_between(long long from, long long to)
{
	long long d = to - from, q = d / 86400;

	if (d % 86400 != 0 && d < 0)
		q--; /* floor */
	if (q > INT_MAX)
		return INT_MAX;
	if (q < INT_MIN)
		return INT_MIN;
	return (int)q;
}

static int expired_at(long long expires, long long now)
{
	return expires != 0 && expires <= now;
}

/* The key's expiry through a subkey: the earlier of the primary's and the
 * subkey's; 0 when neither expires. */
static long long eff_expiry(gpgme_key_t k, gpgme_subkey_t sk)
{
	long long p = k->subkeys ? k->subkeys->expires : 0, s = sk ? sk->expires : 0;

	if (!p)
		return s;
	if (!s)
		return p;
	return p < s ? p : s;
}

/* Describe key k at `now` into info. Returns the signing subkey gpg would
 * use (the newest usable one, with its secret part when need_secret), or
 * NULL. *nsign gets the number of signing-capable subkeys, *nsecret how
 * many of those are otherwise usable but lack the secret part. */
static gpgme_subkey_t describe(gpgme_key_t k, long long now, int need_secret,
			       struct tlpress_keyinfo *info, int *nsign, int *nsecret)
{
	gpgme_subkey_t sk, best = NULL, shown = NULL, primary = k->subkeys;
	gpgme_user_id_t u, pu = NULL;
	char *algo;
	int pexp;

	memset(info, 0, sizeof(*info));
	*nsign = *nsecret = 0;
	copy_str(info->fpr, sizeof(info->fpr), k->fpr ? k->fpr : primary ? primary->fpr : "");
	for (u = k->uids; u; u = u->next)
		if (!u->revoked && !u->invalid) {
			pu = u;
			break;
		}
	if (!pu)
		pu = k->uids;
	copy_str(info->uid, sizeof(info->uid), pu ? pu->uid : "");
	info->is_demo = strcasestr(info->uid, "(demo") || strcasestr(info->uid, "demo key");
	info->revoked = k->revoked || (primary && primary->revoked);
	info->disabled = k->disabled || (primary && primary->disabled);
	info->invalid = k->invalid || (primary && primary->invalid);
	pexp = k->expired || (primary && (primary->expired || expired_at(primary->expires, now)));

	for (sk = primary; sk; sk = sk->next) {
		if (!sk->can_sign)
			continue;
		(*nsign)++;
		if (!shown || sk->timestamp > shown->timestamp)
			shown = sk;
		if (sk->revoked || sk->disabled || sk->invalid || sk->expired ||
		    expired_at(sk->expires, now))
			continue;
		if (need_secret && !sk->secret) {
			(*nsecret)++;
			continue;
		}
		if (!best || sk->timestamp > best->timestamp)
			best = sk;
	}
	if (best)
		shown = best;
	if (!shown)
		shown = primary;
	if (shown && (algo = gpgme_pubkey_algo_string(shown))) {
		copy_str(info->algo, sizeof(info->algo), algo);
		gpgme_free(algo);
	}
	info->expires = shown ? eff_expiry(k, shown) : 0;
	info->expired = pexp || (!best && shown && shown->can_sign &&
				 (shown->expired || expired_at(info->expires, now)));
	if (info->expires)
		info->days_left = days_between(now, info->expires);
	if (info->revoked || info->disabled || info->invalid || pexp)
		best = NULL;
	info->can_sign = best != NULL;
	/* for mail: the newest valid encryption subkey */
	if (!info->revoked && !info->disabled && !info->invalid && !pexp) {
		gpgme_subkey_t enc = NULL;

		for (sk = primary; sk; sk = sk->next)
			if (sk->can_encrypt && !sk->revoked && !sk->disabled && !sk->invalid &&
			    !sk->expired && !expired_at(sk->expires, now) &&
			    (!enc || sk->timestamp > enc->timestamp))
				enc = sk;
		if (enc) {
			info->can_encrypt = 1;
			info->enc_expires = eff_expiry(k, enc);
			if (info->enc_expires)
				info->enc_days_left = days_between(now, info->enc_expires);
		}
	}
	return best;
}

/* List the keys matching pattern (secret ones when secret): the first into
 * *first (to release), their number into *count (stops at 3). */
static gpgme_error_t list_keys(gpgme_ctx_t ctx, const char *pattern, int secret,
			       gpgme_key_t *first, int *count)
{
	gpgme_key_t k;
	gpgme_error_t e;

	*first = NULL;
	*count = 0;
	e = gpgme_op_keylist_start(ctx, pattern, secret);
	while (!e && !(e = gpgme_op_keylist_next(ctx, &k))) {
		if (!*first)
			*first = k;
		else
			gpgme_key_unref(k);
		if (++*count >= 3)
			break;
	}
	gpgme_op_keylist_end(ctx);
	if (gpg_err_code(e) == GPG_ERR_EOF || *count >= 3)
		e = 0;
	if (e && *first) {
		gpgme_key_unref(*first);
		*first = NULL;
	}
	return e;
}

/* ---- the signer ---- */

/* Why the key cannot sign; 0 when it can. */
static int refuse(const struct tlpress_keyinfo *in, int nsign, int nsecret, const char *home,
		  struct tlpress_error *err)
{
	char date[32];
	const char *f = in->fpr;

	fmt_date(in->expires, date, sizeof(date));
	if (in->revoked)
		return tlpress_error_set(err, TLPRESS_ECRYPTO, "signing key %s (%s) is revoked: "
					 "subscribers will reject its signatures; make a new key, "
					 "publish its public key and set signing.key to it", f, in->uid);
	if (in->disabled)
		return tlpress_error_set(err, TLPRESS_ECRYPTO, "signing key %s (%s) is disabled in "
					 "%s: enable it (gpg --edit-key %s enable) or set signing.key to "
					 "another key", f, in->uid, home_name(home), f);
	if (in->invalid)
		return tlpress_error_set(err, TLPRESS_ECRYPTO, "signing key %s (%s) is invalid: "
					 "GnuPG cannot use it (see gpg --list-keys %s); set signing.key "
					 "to a valid key", f, in->uid, f);
	if (in->expired)
		return tlpress_error_set(err, TLPRESS_ECRYPTO, "signing key %s (%s) expired on %s: "
					 "extend it (gpg --quick-set-expire %s 1y, and gpg "
					 "--quick-set-expire %s 1y '*' for its subkeys), then publish "
					 "the public key again", f, in->uid, in->expires ? date : "?", f, f);
	if (!in->can_sign) {
		if (nsign == 0)
			return tlpress_error_set(err, TLPRESS_ECRYPTO, "key %s (%s) cannot sign: it "
						 "has no signing (sub)key; add one (gpg --quick-add-key "
						 "%s ed25519 sign 1y) or set signing.key to a signing key",
						 f, in->uid, f);
		if (nsecret)
			return tlpress_error_set(err, TLPRESS_ECRYPTO, "key %s (%s) cannot sign: the "
						 "secret part of its signing subkey is not in %s; import "
						 "it there (gpg --export-secret-subkeys on the machine that "
						 "holds it)", f, in->uid, home_name(home));
		return tlpress_error_set(err, TLPRESS_ECRYPTO, "key %s (%s) cannot sign: its "
					 "signing subkeys are expired, revoked or unusable; add a new one "
					 "(gpg --quick-add-key %s ed25519 sign 1y) and publish the public "
					 "key again", f, in->uid, f);
	}
	return 0;
}

static int find_signing_key(gpgme_ctx_t ctx, const char *pattern, const char *home,
			    gpgme_key_t *out, struct tlpress_error *err)
{
	gpgme_key_t k = NULL, pk = NULL;
	gpgme_error_t e;
	char m[256];
	int n, np = 0;

	*out = NULL;
	e = list_keys(ctx, pattern, 1, &k, &n);
	if (e)
		return tlpress_error_set(err, TLPRESS_ECRYPTO, "cannot list the secret keys of %s: "
					 "%s%s", home_name(home), gerr(e, m, sizeof(m)), sign_hint(e));
	if (n == 0) {
		if (!list_keys(ctx, pattern, 0, &pk, &np) && pk)
			gpgme_key_unref(pk);
		if (np > 0)
			return tlpress_error_set(err, TLPRESS_EINVAL, "signing key '%s' not found: %s "
						 "holds its public key but not its secret key; import "
						 "the secret key or set signing.gnupghome to the home that "
						 "holds it", pattern, home_name(home));
		return tlpress_error_set(err, TLPRESS_EINVAL, "signing key '%s' not found: no "
					 "secret key in %s matches it; check signing.key and "
					 "signing.gnupghome (gpg --list-secret-keys)", pattern,
					 home_name(home));
	}
	if (n > 1) {
		gpgme_key_unref(k);
		return tlpress_error_set(err, TLPRESS_EINVAL, "signing key '%s' is ambiguous: %s "
					 "secret keys in %s match it; set signing.key to the "
					 "fingerprint of one", pattern, n >= 3 ? "three or more" : "two",
					 home_name(home));
	}
	/* the public view, with validity and the secret flags of subkeys */
	gpgme_set_keylist_mode(ctx, GPGME_KEYLIST_MODE_LOCAL | GPGME_KEYLIST_MODE_WITH_SECRET);
	e = gpgme_get_key(ctx, k->fpr ? k->fpr : k->subkeys->fpr, &pk, 0);
	gpgme_set_keylist_mode(ctx, GPGME_KEYLIST_MODE_LOCAL);
	gpgme_key_unref(k);
	if (e)
		return tlpress_error_set(err, TLPRESS_ECRYPTO, "cannot read signing key '%s' in %s: "
					 "%s; check it with gpg --list-keys '%s'", pattern,
					 home_name(home), gerr(e, m, sizeof(m)), pattern);
	*out = pk;
	return 0;
}

static int hash_name(gpgme_hash_algo_t algo, char *micalg);

/* ---- signing through gpg-agent (lib/pgpsig.h) ----
 *
 * GPGME starts one gpg per signature. When the signer opens, gpg makes one
 * more signature (binary) to serve as the template, each worker gets an
 * Assuan connection to the GnuPG home's agent, and a signature made that way
 * is checked with gpg before any is used. From then on a signature costs
 * one hash here and three lines to the agent: SIGKEY, SETHASH, PKSIGN.
 * Anything unexpected (a key the agent would ask a passphrase for, an
 * agent that went away, a template that is not a plain v4 signature) sends
 * that worker back to GPGME for good, which signs or says why not.
 * TLPRESS_SIGN_VIA=gpg in the environment keeps every signature on GPGME. */

/* the longest answer PKSIGN may give: an RSA-16384 signature value */
#define AGENT_ANSWER_MAX 8192

static gpg_error_t agent_data(void *opaque, const void *data, size_t len)
{
	struct tlpress_buf *b = opaque;

	if (!b || b->len + len > AGENT_ANSWER_MAX || tlpress_buf_add(b, data, len))
		return gpg_error(GPG_ERR_TOO_LARGE);
	return 0;
}

/* The agent asks for something (a passphrase, in loopback mode): tlpress
 * has nothing to give, and the signature goes to GPGME, which says so. */
static gpg_error_t agent_inquire(void *opaque, const char *what)
{
	(void)opaque;
	(void)what;
	return gpg_error(GPG_ERR_NO_PASSPHRASE);
}

static gpg_error_t agent_cmd(assuan_context_t a, const char *line, struct tlpress_buf *answer)
{
	return assuan_transact(a, line, answer ? agent_data : NULL, answer, agent_inquire, NULL,
			       NULL, NULL);
}

/* The signature value of digest at `created` from worker w's agent
 * connection, armoured, appended to asc. */
static int agent_sign(struct tlpress_signer *s, int w, const unsigned char *digest,
		      long long created, struct tlpress_buf *asc, struct tlpress_error *err)
{
	struct tlpress_buf answer = TLPRESS_BUF_INIT;
	char line[32 + 2 * TLPRESS_PGPSIG_MAX_DIGEST];
	assuan_context_t a = s->agent[w];
	gpgme_error_t e;
	int rc;

	snprintf(line, sizeof(line), "SIGKEY %s", s->grip);
	e = agent_cmd(a, line, NULL);
	if (!e) {
		snprintf(line, sizeof(line), "SETHASH %d ", s->tpl.hash_algo);
		tlpress_hex(digest, s->tpl.digest_len, line + strlen(line));
		e = agent_cmd(a, line, NULL);
	}
	if (!e)
		e = agent_cmd(a, "PKSIGN", &answer);
	if (e) {
		char m[256];

		tlpress_buf_release(&answer);
		return tlpress_error_set(err, TLPRESS_ECRYPTO, "gpg-agent did not sign: %s",
					 gerr(e, m, sizeof(m)));
	}
	rc = tlpress_pgpsig_armor(&s->tpl, created, digest, answer.ptr, answer.len, asc, err);
	tlpress_buf_release(&answer);
	return rc;
}

/* Sign data (len bytes, or the file fd when data is NULL) through worker
 * w's agent connection at `created`; asc as tlpress_sign_detached. */
static int agent_sign_at(struct tlpress_signer *s, int w, const void *data, size_t len, int fd,
			 long long created, struct tlpress_buf *asc, struct tlpress_error *err)
{
	unsigned char digest[TLPRESS_PGPSIG_MAX_DIGEST];
	struct tlpress_pgpsig_md md;
	size_t before = asc->len;
	int rc;

	if (tlpress_pgpsig_md_begin(&md, &s->tpl))
		return tlpress_error_set(err, TLPRESS_ECRYPTO, "cannot hash with algorithm %d",
					 s->tpl.hash_algo);
	if (data) {
		tlpress_pgpsig_md_update(&md, data, len);
	} else {
		char chunk[65536];
		ssize_t got;

		while ((got = read(fd, chunk, sizeof(chunk))) != 0) {
			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0) {
				rc = errno;
				tlpress_pgpsig_md_cancel(&md);
				return tlpress_error_errno(err, TLPRESS_EIO, rc, "cannot read the "
							   "file to sign");
			}
			tlpress_pgpsig_md_update(&md, chunk, (size_t)got);
		}
	}
	if (tlpress_pgpsig_md_final(&md, &s->tpl, created, digest))
		return tlpress_error_set(err, TLPRESS_ECRYPTO, "cannot hash with algorithm %d",
					 s->tpl.hash_algo);
	rc = agent_sign(s, w, digest, created, asc, err);
	if (rc)
		tlpress_buf_truncate(asc, before);
	return rc;
}

/* Worker w signs through GPGME from now on. */
static void agent_drop(struct tlpress_signer *s, int w)
{
	if (s->agent && s->agent[w]) {
		assuan_release(s->agent[w]);
		s->agent[w] = NULL;
	}
}

static void agent_close(struct tlpress_signer *s)
{
	int i;

	if (!s->agent)
		return;
	for (i = 0; i < s->workers; i++)
		agent_drop(s, i);
	free(s->agent);
	s->agent = NULL;
}

/* A signature by gpg (binary) to serve as the template, the subkey that
 * made it. 0 or -1. */
static int agent_template(struct tlpress_signer *s, char *subfpr, size_t size)
{
	gpgme_ctx_t ctx = s->ctx[0];
	gpgme_data_t in = NULL, sig = NULL;
	gpgme_sign_result_t res;
	char *mem = NULL;
	size_t n = 0;
	int rc = -1;

	gpgme_set_armor(ctx, 0);
	if (!gpgme_data_new_from_mem(&in, "tlpress\n", 8, 0) && !gpgme_data_new(&sig) &&
	    !gpgme_op_sign(ctx, in, sig, GPGME_SIG_MODE_DETACH) &&
	    (res = gpgme_op_sign_result(ctx)) && res->signatures && !res->signatures->next &&
	    !res->invalid_signers && res->signatures->fpr) {
		copy_str(subfpr, size, res->signatures->fpr);
		mem = gpgme_data_release_and_get_mem(sig, &n);
		sig = NULL;
		if (mem && !tlpress_pgpsig_tpl_parse(&s->tpl, mem, n, NULL))
			rc = 0;
	}
	gpgme_set_armor(ctx, 1);
	gpgme_free(mem);
	gpgme_data_release(sig);
	gpgme_data_release(in);
	return rc;
}

/* Check with gpg that asc is a good signature of data by the signer's key. */
static int agent_checked(struct tlpress_signer *s, const char *subfpr, const void *data,
			 size_t len, const struct tlpress_buf *asc)
{
	gpgme_ctx_t ctx = s->ctx[0];
	gpgme_data_t d = NULL, sig = NULL;
	gpgme_verify_result_t res;
	gpgme_signature_t sg;
	int ok = 0;

	if (!gpgme_data_new_from_mem(&d, data, len, 0) &&
	    !gpgme_data_new_from_mem(&sig, asc->ptr, asc->len, 0) &&
	    !gpgme_op_verify(ctx, sig, d, NULL) && (res = gpgme_op_verify_result(ctx)) &&
	    (sg = res->signatures) && !sg->next && gpg_err_code(sg->status) == GPG_ERR_NO_ERROR &&
	    sg->fpr && (!strcasecmp(sg->fpr, subfpr) || !strcasecmp(sg->fpr, s->fpr)))
		ok = 1;
	gpgme_data_release(d);
	gpgme_data_release(sig);
	return ok;
}

static void agent_open(struct tlpress_signer *s)
{
	struct tlpress_buf probe = TLPRESS_BUF_INIT;
	const char *via = getenv("TLPRESS_SIGN_VIA");
	gpgme_ctx_t conf = NULL;
	gpgme_subkey_t sk;
	char subfpr[64], *sock = NULL;
	int i, ok = 0;

	if (via && !strcmp(via, "gpg"))
		return;
	if (agent_template(s, subfpr, sizeof(subfpr)))
		goto out;
	for (sk = s->key->subkeys; sk; sk = sk->next)
		if (sk->fpr && !strcasecmp(sk->fpr, subfpr))
			break;
	if (!sk || !sk->keygrip || strlen(sk->keygrip) != 40)
		goto out;
	copy_str(s->grip, sizeof(s->grip), sk->keygrip);
	if (gpgme_new(&conf) ||
	    gpgme_ctx_set_engine_info(conf, GPGME_PROTOCOL_GPGCONF, NULL, s->home) ||
	    gpgme_op_conf_dir(conf, "agent-socket", &sock) || !sock)
		goto out;
	if (!(s->agent = calloc((size_t)s->workers, sizeof(*s->agent))))
		goto out;
	for (i = 0; i < s->workers; i++) {
		assuan_context_t a;

		if (assuan_new(&a))
			goto out;
		s->agent[i] = a;
		if (assuan_socket_connect(a, sock, ASSUAN_INVALID_PID, 0) ||
		    agent_cmd(a, "OPTION pinentry-mode=loopback", NULL))
			goto out;
	}
	/* the first signature the agent's way, checked by gpg */
	if (!agent_sign_at(s, 0, "tlpress\n", 8, -1, (long long)time(NULL), &probe, NULL) &&
	    agent_checked(s, subfpr, "tlpress\n", 8, &probe))
		ok = 1;
out:
	if (!ok)
		agent_close(s);
	tlpress_buf_release(&probe);
	gpgme_free(sock);
	if (conf)
		gpgme_release(conf);
}

int tlpress_signer_agent_workers(const struct tlpress_signer *s)
{
	int i, n = 0;

	for (i = 0; s && s->agent && i < s->workers; i++)
		n += s->agent[i] != NULL;
	return n;
}

int tlpress_sign_detached_at(struct tlpress_signer *s, int w, const void *data, size_t len,
			     long long created, struct tlpress_buf *asc, struct tlpress_error *err)
{
	if (!s || w < 0 || w >= s->workers || (!data && len) || !asc || !s->agent ||
	    !s->agent[w])
		return tlpress_error_set(err, TLPRESS_EUSAGE, "tlpress_sign_detached_at: %s",
					 s && w >= 0 && w < s->workers && asc ? "no agent connection"
					 : "bad arguments");
	return agent_sign_at(s, w, len ? data : "", len, -1, created, asc, err);
}

/* Sign data, or the file fd when data is NULL, with worker w: through the
 * agent when the worker has a connection, else (or when that fails) through
 * GPGME. micalg as in sign_data. */
static int sign_data(struct tlpress_signer *s, int w, gpgme_data_t in, struct tlpress_buf *asc,
		     char *micalg, struct tlpress_error *err);

static int sign_any(struct tlpress_signer *s, int w, const void *data, size_t len, int fd,
		    struct tlpress_buf *asc, char *micalg, struct tlpress_error *err)
{
	gpgme_data_t in;
	int rc;

	/* micalg first: a signature once appended to asc is not made again */
	if (s->agent && s->agent[w] &&
	    (!micalg || !hash_name((gpgme_hash_algo_t)s->tpl.hash_algo, micalg))) {
		if (!agent_sign_at(s, w, data, len, fd, (long long)time(NULL), asc, NULL))
			return 0;
		agent_drop(s, w);
		if (!data && lseek(fd, 0, SEEK_SET) < 0)
			return tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot read the file "
						   "to sign again");
	}
	if (data ? gpgme_data_new_from_mem(&in, len ? data : "", len, 0) :
	    gpgme_data_new_from_fd(&in, fd))
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	rc = sign_data(s, w, in, asc, micalg, err);
	gpgme_data_release(in);
	return rc;
}

void tlpress_signer_close(struct tlpress_signer *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < s->workers; i++)
		if (s->ctx[i])
			gpgme_release(s->ctx[i]);
	agent_close(s);
	tlpress_pgpsig_tpl_release(&s->tpl);
	if (s->key)
		gpgme_key_unref(s->key);
	free(s->home);
	free(s);
}

int tlpress_signer_open(struct tlpress_signer **out, const char *key, const char *gnupghome,
			int workers, int warn_days, long long now, struct tlpress_keyinfo *info,
			int *warn, struct tlpress_error *err)
{
	struct tlpress_signer *s;
	struct tlpress_keyinfo ki;
	struct tlpress_buf probe = TLPRESS_BUF_INIT;
	gpgme_key_t k = NULL;
	gpgme_error_t e;
	char m[256];
	int i, rc, nsign, nsecret;

	if (out)
		*out = NULL;
	if (warn)
		*warn = 0;
	memset(&ki, 0, sizeof(ki));
	if (info)
		*info = ki;
	if (!out || !key || !*key || workers < 1 || workers > TLPRESS_SIGN_MAX_WORKERS)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "tlpress_signer_open: %s",
					 !key || !*key ? "no key given" : "bad arguments");
	if ((rc = start(err)) || (rc = check_home(gnupghome, err)))
		return rc;
	s = calloc(1, sizeof(*s) + (size_t)workers * sizeof(s->ctx[0]));
	if (!s || (gnupghome && !(s->home = strdup(gnupghome)))) {
		free(s);
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	}
	s->workers = workers;
	if ((rc = new_ctx(s->home, 0, &s->ctx[0], err)))
		goto fail;
	if ((rc = find_signing_key(s->ctx[0], key, s->home, &k, err)))
		goto fail;
	s->key = k;
	describe(k, now, 1, &ki, &nsign, &nsecret);
	if (info)
		*info = ki;
	if ((rc = refuse(&ki, nsign, nsecret, s->home, err)))
		goto fail;
	copy_str(s->fpr, sizeof(s->fpr), ki.fpr);
	copy_str(s->uid, sizeof(s->uid), ki.uid);
	for (i = 0; i < workers; i++) {
		if (i > 0 && (rc = new_ctx(s->home, 0, &s->ctx[i], err)))
			goto fail;
		if ((e = gpgme_signers_add(s->ctx[i], k))) {
			rc = tlpress_error_set(err, TLPRESS_ECRYPTO, "cannot use key %s: %s; check it "
					       "with gpg --list-secret-keys %s", s->fpr,
					       gerr(e, m, sizeof(m)), s->fpr);
			goto fail;
		}
	}
	/* one signature now, so that a passphrase or an agent that cannot
	 * start is reported here rather than at the first file */
	rc = tlpress_sign_detached(s, 0, "tlpress\n", 8, &probe, err);
	tlpress_buf_release(&probe);
	if (rc)
		goto fail;
	agent_open(s);
	if (warn && ki.expires && (long long)warn_days * 86400 >= ki.expires - now)
		*warn = 1;
	*out = s;
	return 0;
fail:
	tlpress_signer_close(s);
	return rc;
}

/* "pgp-sha256" for GPGME_MD_SHA256 (RFC 3156 section 5: "pgp-" and the
 * lower-case OpenPGP name) into micalg (24 bytes); -1 when unknown. */
static int hash_name(gpgme_hash_algo_t algo, char *micalg)
{
	const char *n = gpgme_hash_algo_name(algo);
	size_t i;

	if (!n || !*n || strlen(n) + 5 > 24)
		return -1;
	memcpy(micalg, "pgp-", 4);
	for (i = 0; n[i]; i++)
		micalg[4 + i] = (char)(n[i] >= 'A' && n[i] <= 'Z' ? n[i] - 'A' + 'a' : n[i]);
	micalg[4 + i] = '\0';
	return 0;
}

/* Sign in with worker w, appending the armoured detached signature to asc;
 * micalg (24 bytes, may be NULL) gets the hash as RFC 3156 names it. */
static int sign_data(struct tlpress_signer *s, int w, gpgme_data_t in, struct tlpress_buf *asc,
		     char *micalg, struct tlpress_error *err)
{
	gpgme_ctx_t ctx = s->ctx[w];
	gpgme_data_t sig = NULL;
	gpgme_sign_result_t res;
	gpgme_error_t e;
	char m[256], *mem;
	size_t n = 0;
	int rc = 0;

	e = gpgme_data_new(&sig);
	if (e)
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	e = gpgme_op_sign(ctx, in, sig, GPGME_SIG_MODE_DETACH);
	if (!e) {
		res = gpgme_op_sign_result(ctx);
		if (!res || !res->signatures || res->invalid_signers)
			e = res && res->invalid_signers && res->invalid_signers->reason ?
				res->invalid_signers->reason : gpg_error(GPG_ERR_GENERAL);
		else if (micalg && hash_name(res->signatures->hash_algo, micalg))
			e = gpg_error(GPG_ERR_DIGEST_ALGO);
	}
	if (e) {
		gpgme_data_release(sig);
		return tlpress_error_set(err, TLPRESS_ECRYPTO, "cannot sign with key %s (%s): %s%s",
					 s->fpr, s->uid, gerr(e, m, sizeof(m)), sign_hint(e));
	}
	mem = gpgme_data_release_and_get_mem(sig, &n);
	if (!mem || n == 0)
		rc = tlpress_error_set(err, TLPRESS_ECRYPTO, "cannot sign with key %s: gpg gave "
				       "no signature", s->fpr);
	else if (tlpress_buf_add(asc, mem, n))
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	gpgme_free(mem);
	return rc;
}

int tlpress_sign_detached(struct tlpress_signer *s, int w, const void *data, size_t len,
			  struct tlpress_buf *asc, struct tlpress_error *err)
{
	if (!s || w < 0 || w >= s->workers || (!data && len))
		return tlpress_error_set(err, TLPRESS_EUSAGE, "tlpress_sign_detached: bad arguments");
	return sign_any(s, w, len ? data : "", len, -1, asc, NULL, err);
}

int tlpress_signer_export(struct tlpress_signer *s, struct tlpress_buf *out,
			  struct tlpress_error *err)
{
	gpgme_ctx_t ctx;
	gpgme_data_t d;
	gpgme_error_t e;
	char m[256], *mem;
	size_t n = 0;
	int rc;

	if (!s)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "tlpress_signer_export: no signer");
	if ((rc = new_ctx(s->home, 0, &ctx, err)))
		return rc;
	if (gpgme_data_new(&d)) {
		gpgme_release(ctx);
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	}
	e = gpgme_op_export(ctx, s->fpr, 0, d);
	gpgme_release(ctx);
	mem = gpgme_data_release_and_get_mem(d, &n);
	if (e)
		rc = tlpress_error_set(err, TLPRESS_ECRYPTO, "cannot export key %s: %s", s->fpr,
				       gerr(e, m, sizeof(m)));
	else if (!mem || n == 0)
		rc = tlpress_error_set(err, TLPRESS_ECRYPTO, "cannot export key %s: gpg gave "
				       "nothing", s->fpr);
	else if (tlpress_buf_add(out, mem, n))
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	gpgme_free(mem);
	return rc;
}

/* ---- mail: PGP/MIME signatures and encryption (lib/mail.h) ---- */

int tlpress_sign_detached_mime(struct tlpress_signer *s, int w, const void *data, size_t len,
			       struct tlpress_buf *asc, char micalg[24], struct tlpress_error *err)
{
	int rc;

	if (micalg)
		micalg[0] = '\0';
	if (!s || w < 0 || w >= s->workers || (!data && len) || !asc || !micalg)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "tlpress_sign_detached_mime: bad "
					 "arguments");
	rc = sign_any(s, w, len ? data : "", len, -1, asc, micalg, err);
	if (rc)
		micalg[0] = '\0';
	return rc;
}

/* A key id or fingerprint: 16 to 64 hexadecimal digits, "0x" allowed. */
static int is_key_id(const char *p)
{
	size_t n;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	n = strspn(p, "0123456789abcdefABCDEF");
	return p[n] == '\0' && n >= 16 && n <= 64;
}

/* Why key k cannot be encrypted to at `now`, or NULL when it can. addr (may
 * be NULL): the address it was found by, whose user id must be valid. */
static const char *recipient_problem(gpgme_key_t k, const char *addr, long long now)
{
	gpgme_subkey_t sk, p = k->subkeys;
	gpgme_user_id_t u;
	int nenc = 0, nuid = 0, good = 0;

	if (k->revoked || (p && p->revoked))
		return "is revoked";
	if (k->expired || (p && (p->expired || expired_at(p->expires, now))))
		return "has expired";
	if (k->disabled || (p && p->disabled))
		return "is disabled";
	if (k->invalid || (p && p->invalid))
		return "is invalid";
	if (addr) {
		for (u = k->uids; u; u = u->next)
			if (u->email && !strcasecmp(u->email, addr)) {
				nuid++;
				good += !u->revoked && !u->invalid;
			}
		if (nuid && !good)
			return "has its user id for this address revoked or invalid";
	}
	for (sk = p; sk; sk = sk->next) {
		if (!sk->can_encrypt)
			continue;
		nenc++;
		if (!sk->revoked && !sk->expired && !sk->disabled && !sk->invalid &&
		    !expired_at(sk->expires, now))
			return NULL;
	}
	return nenc ? "has no usable encryption subkey (expired, revoked or invalid)" :
		"cannot encrypt: it has no encryption subkey";
}

/* The one public key for recipient (a fingerprint, key id or address) that
 * can be encrypted to now, into *out (to release). */
static int find_recipient(struct tlpress_signer *s, gpgme_ctx_t ctx, const char *recipient,
			  gpgme_key_t *out, struct tlpress_error *err)
{
	struct tlpress_buf pat = TLPRESS_BUF_INIT;
	const char *addr = NULL, *why;
	gpgme_key_t k = NULL;
	gpgme_error_t e;
	char m[256], a[256];
	int n, rc = 0;

	*out = NULL;
	if (strchr(recipient, '@')) {
		/* an address matches a user id's address exactly */
		size_t l = strlen(recipient);

		if (recipient[0] == '<' && l > 2 && recipient[l - 1] == '>')
			snprintf(a, sizeof(a), "%.*s", (int)(l - 2), recipient + 1);
		else
			snprintf(a, sizeof(a), "%s", recipient);
		addr = a;
		tlpress_buf_printf(&pat, "<%s>", addr);
	} else if (is_key_id(recipient)) {
		tlpress_buf_adds(&pat, recipient);
	} else {
		return tlpress_error_set(err, TLPRESS_ECRYPTO, "cannot encrypt to '%s': not a "
					 "fingerprint nor an address", recipient);
	}
	if (pat.failed) {
		tlpress_buf_release(&pat);
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	}
	e = list_keys(ctx, pat.ptr, 0, &k, &n);
	tlpress_buf_release(&pat);
	if (e)
		return tlpress_error_set(err, TLPRESS_ECRYPTO, "cannot encrypt to '%s': cannot "
					 "list the keys of %s: %s", recipient, home_name(s->home),
					 gerr(e, m, sizeof(m)));
	if (n != 1) {
		if (k)
			gpgme_key_unref(k);
		return tlpress_error_set(err, TLPRESS_ECRYPTO, n == 0 ?
					 "cannot encrypt to '%s': no key for it in %s; import the "
					 "recipient's public key" : "cannot encrypt to '%s': it "
					 "matches several keys in %s; name the recipient's key by "
					 "its fingerprint", recipient, home_name(s->home));
	}
	why = recipient_problem(k, addr, (long long)time(NULL));
	if (why) {
		rc = tlpress_error_set(err, TLPRESS_ECRYPTO, "cannot encrypt to '%s': key %s "
				       "(%s) %s; nothing was encrypted: the recipient needs a "
				       "valid key in %s", recipient, k->subkeys && k->subkeys->fpr ?
				       k->subkeys->fpr : "?", k->uids && k->uids->uid ?
				       k->uids->uid : "no user id", why, home_name(s->home));
		gpgme_key_unref(k);
		return rc;
	}
	*out = k;
	return 0;
}

int tlpress_sign_encrypt(struct tlpress_signer *s, int w, const char *recipient, const void *data,
			 size_t len, struct tlpress_buf *out, struct tlpress_error *err)
{
	static const char armour[] = "-----BEGIN PGP MESSAGE-----";
	gpgme_encrypt_result_t er;
	gpgme_sign_result_t sr;
	gpgme_data_t in = NULL, cipher = NULL;
	gpgme_key_t k = NULL, recp[2];
	gpgme_ctx_t ctx;
	gpgme_error_t e;
	char m[256], *mem;
	size_t n = 0;
	int rc;

	if (!s || w < 0 || w >= s->workers || (!data && len) || !out || !recipient)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "tlpress_sign_encrypt: bad "
					 "arguments");
	if (!*recipient)
		return tlpress_error_set(err, TLPRESS_ECRYPTO, "cannot encrypt: no recipient key "
					 "given");
	ctx = s->ctx[w];
	if ((rc = find_recipient(s, ctx, recipient, &k, err)))
		return rc;
	if (gpgme_data_new_from_mem(&in, len ? data : "", len, 0) || gpgme_data_new(&cipher)) {
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		goto out;
	}
	recp[0] = k;
	recp[1] = NULL;
	/* to this key only: no encrypt-to keys of gpg.conf; trusted because
	 * the keyring is a curated one */
	e = gpgme_op_encrypt_sign(ctx, recp, GPGME_ENCRYPT_ALWAYS_TRUST |
				  GPGME_ENCRYPT_NO_ENCRYPT_TO, in, cipher);
	if (!e) {
		er = gpgme_op_encrypt_result(ctx);
		sr = gpgme_op_sign_result(ctx);
		if (er && er->invalid_recipients)
			e = er->invalid_recipients->reason ? er->invalid_recipients->reason :
				gpg_error(GPG_ERR_UNUSABLE_PUBKEY);
		else if (!sr || !sr->signatures || sr->invalid_signers)
			e = sr && sr->invalid_signers && sr->invalid_signers->reason ?
				sr->invalid_signers->reason : gpg_error(GPG_ERR_GENERAL);
	}
	if (e) {
		rc = tlpress_error_set(err, TLPRESS_ECRYPTO, "cannot sign with key %s and encrypt "
				       "to '%s' (key %s): %s%s", s->fpr, recipient,
				       k->subkeys && k->subkeys->fpr ? k->subkeys->fpr : "?",
				       gerr(e, m, sizeof(m)), sign_hint(e));
		goto out;
	}
	mem = gpgme_data_release_and_get_mem(cipher, &n);
	cipher = NULL;
	if (!mem || n < sizeof(armour) - 1 || memcmp(mem, armour, sizeof(armour) - 1))
		rc = tlpress_error_set(err, TLPRESS_ECRYPTO, "cannot encrypt to '%s': gpg gave no "
				       "armoured OpenPGP message", recipient);
	else if (tlpress_buf_add(out, mem, n))
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	gpgme_free(mem);
out:
	gpgme_data_release(in);
	gpgme_data_release(cipher);
	gpgme_key_unref(k);
	return rc;
}

/* ---- signing files on threads ---- */

struct job {
	struct tlpress_signer *s;
	const char *root;
	char *const *paths;
	size_t n;
	atomic_size_t next, done;
	atomic_int stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int running;
	size_t fail_at;          /* the first failing index, or n */
	struct tlpress_error ferr;
	int frc;
};

struct worker {
	struct job *j;
	int w;
};

static int sign_one(struct job *j, int w, const char *rel, struct tlpress_buf *path,
		    struct tlpress_buf *asc, struct tlpress_error *err)
{
	int fd, rc;

	if (tlpress_path_check(rel))
		return tlpress_error_set(err, TLPRESS_EUSAGE, "refusing to sign '%s': not a clean "
					 "relative path", rel);
	tlpress_path_join(path, j->root, rel);
	if (path->failed)
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	fd = open(path->ptr, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ELOOP)
		return tlpress_error_set(err, TLPRESS_EIO, "refusing to sign '%s': a symbolic "
					 "link", path->ptr);
	if (fd < 0)
		return tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot read '%s'", path->ptr);
	tlpress_buf_reset(asc);
	rc = sign_any(j->s, w, NULL, 0, fd, asc, NULL, err);
	close(fd);
	if (rc) {
		/* name the file too */
		if (err) {
			char m[TLPRESS_ERRMSG_SIZE];

			memcpy(m, err->msg, sizeof(m));
			tlpress_error_set(err, rc, "%s: %s", rel, m);
		}
		return rc;
	}
	tlpress_buf_reset(path);
	tlpress_buf_adds(path, rel);
	tlpress_buf_adds(path, ".asc");
	if (path->failed)
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	return tlpress_write_atomic(j->root, path->ptr, asc->ptr, asc->len, err);
}

static void *work(void *arg)
{
	struct worker *wk = arg;
	struct job *j = wk->j;
	struct tlpress_buf path = TLPRESS_BUF_INIT, asc = TLPRESS_BUF_INIT;
	struct tlpress_error e = TLPRESS_ERROR_INIT;
	size_t i;
	int rc;

	while (!atomic_load(&j->stop)) {
		i = atomic_fetch_add(&j->next, 1);
		if (i >= j->n)
			break;
		rc = sign_one(j, wk->w, j->paths[i], &path, &asc, &e);
		if (rc) {
			/* every index below i was handed out before i: keeping the
			 * smallest failing one reports what a sequential run would */
			pthread_mutex_lock(&j->mu);
			if (i < j->fail_at) {
				j->fail_at = i;
				j->ferr = e;
				j->frc = rc;
			}
			pthread_mutex_unlock(&j->mu);
			atomic_store(&j->stop, 1);
			break;
		}
		atomic_fetch_add(&j->done, 1);
	}
	tlpress_buf_release(&path);
	tlpress_buf_release(&asc);
	pthread_mutex_lock(&j->mu);
	j->running--;
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int tlpress_sign_files(struct tlpress_signer *s, const char *root, char *const *paths, size_t n,
		       void (*progress)(void *ctx, size_t done, size_t total), void *pctx,
		       struct tlpress_error *err)
{
	struct worker wk[TLPRESS_SIGN_MAX_WORKERS];
	pthread_t th[TLPRESS_SIGN_MAX_WORKERS];
	pthread_condattr_t ca;
	struct job j;
	double last;
	int i, nth, started = 0;

	if (!s || !root || (!paths && n))
		return tlpress_error_set(err, TLPRESS_EUSAGE, "tlpress_sign_files: bad arguments");
	memset(&j, 0, sizeof(j));
	j.s = s;
	j.root = root;
	j.paths = paths;
	j.n = n;
	j.fail_at = n;
	atomic_init(&j.next, 0);
	atomic_init(&j.done, 0);
	atomic_init(&j.stop, 0);
	pthread_mutex_init(&j.mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&j.cv, &ca);
	pthread_condattr_destroy(&ca);

	nth = (size_t)s->workers < n ? s->workers : (int)n;
	pthread_mutex_lock(&j.mu);
	for (i = 0; i < nth; i++) {
		wk[i].j = &j;
		wk[i].w = i;
		j.running++;
		if (pthread_create(&th[i], NULL, work, &wk[i]) != 0) {
			j.running--;
			break;
		}
		started++;
	}
	pthread_mutex_unlock(&j.mu);
	if (started == 0 && nth > 0) {
		/* no thread at all: do the work here */
		j.running = 1;
		wk[0].j = &j;
		wk[0].w = 0;
		work(&wk[0]);
	}
	last = mono_now();
	pthread_mutex_lock(&j.mu);
	while (j.running > 0) {
		struct timespec ts;
		double t;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 100 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&j.cv, &j.mu, &ts);
		t = mono_now();
		if (progress && j.running > 0 && t - last >= 0.1) {
			last = t;
			pthread_mutex_unlock(&j.mu);
			progress(pctx, atomic_load(&j.done), n);
			pthread_mutex_lock(&j.mu);
		}
	}
	pthread_mutex_unlock(&j.mu);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	if (progress)
		progress(pctx, atomic_load(&j.done), n);
	pthread_cond_destroy(&j.cv);
	pthread_mutex_destroy(&j.mu);
	if (j.fail_at < n) {
		if (err)
			*err = j.ferr;
		return j.frc;
	}
	return 0;
}

/* ---- verification ---- */

/* ---- temporary GnuPG homes (a verifier's, tlpress_verify_detached's) ---- */

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP)
		rmdir(p);
	else
		unlink(p);
	return 0;
}

/* Stop an agent that may have started in a temporary home (none should: the
 * home says no-autostart, and only public keys go in), then remove it all. */
static void remove_home(const char *dir)
{
	char sock[PATH_MAX];
	struct stat st;

	snprintf(sock, sizeof(sock), "%s/S.gpg-agent", dir);
	if (lstat(sock, &st) == 0) {
		const char *gpgconf = gpgme_get_dirinfo("gpgconf-name");
		char *argv[] = { (char *)"gpgconf", (char *)"--homedir", (char *)dir,
				 (char *)"--kill", (char *)"all", NULL };
		pid_t pid;
		int status;

		if (gpgconf && posix_spawn(&pid, gpgconf, NULL, NULL, argv, environ) == 0)
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
	}
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* dir (size bytes; 64 are enough): a new temporary GnuPG home in $TMPDIR,
 * else /tmp (short, for gpg-agent's sockets, should one start), that never
 * goes to the network nor starts gpg-agent, trusts the keys put in it, and
 * takes no locks: its keyring is only read by the gpg processes that run at
 * the same time (the keys are imported first, by one). dir is "" on
 * failure. */
static int make_home(char *dir, size_t size, struct tlpress_error *err)
{
	static const char conf[] = "no-auto-key-retrieve\ndisable-dirmngr\nauto-key-locate local\n"
				   "no-autostart\ntrust-model always\nlock-never\n";
	const char *tmp = getenv("TMPDIR");

	if (!tmp || !*tmp || strlen(tmp) > 40)
		tmp = "/tmp";
	snprintf(dir, size, "%s/tlpress-gpg.XXXXXX", tmp);
	if (!mkdtemp(dir)) {
		dir[0] = '\0';
		return tlpress_error_errno(err, TLPRESS_EIO, errno,
					   "cannot make a temporary GnuPG home in %s", tmp);
	}
	if (tlpress_write_atomic(dir, "gpg.conf", conf, sizeof(conf) - 1, err)) {
		remove_home(dir);
		dir[0] = '\0';
		return err ? err->code : TLPRESS_EIO;
	}
	return 0;
}

/* Import key (armoured or binary; keyname names it) into the home of ctx;
 * fpr (41 bytes, may be NULL) gets the first imported key's fingerprint. */
static int import_key(gpgme_ctx_t ctx, const void *key, size_t keylen, const char *keyname,
		      char *fpr, struct tlpress_error *err)
{
	gpgme_import_status_t st;
	gpgme_import_result_t r;
	gpgme_data_t d;
	gpgme_error_t e;
	char m[256];

	if (gpgme_data_new_from_mem(&d, key, keylen, 0))
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	e = gpgme_op_import(ctx, d);
	gpgme_data_release(d);
	r = e ? NULL : gpgme_op_import_result(ctx);
	if (e)
		return tlpress_error_set(err, TLPRESS_ECRYPTO, "cannot import the publisher's key "
					 "from '%s': %s", keyname, gerr(e, m, sizeof(m)));
	if (!r || r->imported + r->unchanged == 0)
		return tlpress_error_set(err, TLPRESS_ECRYPTO, "cannot import the publisher's key "
					 "from '%s': it holds no OpenPGP public key; give the file "
					 "the publisher exported (gpg --export --armor FPR)", keyname);
	if (fpr) {
		fpr[0] = '\0';
		for (st = r->imports; st && !fpr[0]; st = st->next)
			if (!st->result && st->fpr)
				copy_str(fpr, 41, st->fpr);
	}
	return 0;
}

/* The reason a signature is not good, or NULL when it is (or when only
 * GnuPG's words for sg->status say why). file: in the words of
 * tlpress_verifier_check (the data is a file, the key the publisher's),
 * else in those of tlpress_verify_detached. */
static const char *sig_problem(gpgme_signature_t sg, int file)
{
	switch (gpg_err_code(sg->status)) {
	case GPG_ERR_NO_ERROR:
		if (sg->summary & GPGME_SIGSUM_RED)
			return "bad signature";
		if (sg->summary & GPGME_SIGSUM_KEY_REVOKED)
			return "the signing key is revoked";
		if (sg->summary & GPGME_SIGSUM_KEY_EXPIRED)
			return "the signing key has expired";
		return NULL;
	case GPG_ERR_BAD_SIGNATURE:
		return file ? "bad signature: the file or its signature was altered" :
			"bad signature: the data or the signature was altered, or it is not the "
			"signature of this data";
	case GPG_ERR_NO_PUBKEY:
		return file ? "signed by another key than the publisher's" :
			"signed by an unknown key: its public key is not there (import the "
			"publisher's key)";
	case GPG_ERR_KEY_EXPIRED:
		return "the signature is correct but the signing key has expired";
	case GPG_ERR_SIG_EXPIRED:
		return "the signature has expired";
	case GPG_ERR_CERT_REVOKED:
		return "the signature is correct but the signing key is revoked";
	default:
		return NULL;
	}
}

/*
 * Verify the detached signature sig of data with ctx: 0 when every
 * signature in it is good, else TLPRESS_ECRYPTO (TLPRESS_ENOMEM) with the
 * reason in why. fpr_out (41 bytes, may be NULL: one gpg process less) as
 * tlpress_verify_detached says. file: tlpress_verifier_check's words, else
 * tlpress_verify_detached's, naming the key file `against` (may be NULL).
 */
static int check_sig(gpgme_ctx_t ctx, const void *data, size_t len, const void *sig,
		     size_t siglen, int file, const char *against, char *fpr_out, char *why,
		     size_t whysize)
{
	gpgme_data_t dd = NULL, sd = NULL;
	gpgme_verify_result_t res;
	gpgme_signature_t sg;
	gpgme_key_t k;
	gpgme_error_t e;
	char m[256];
	int rc = 0;

	if (fpr_out)
		fpr_out[0] = '\0';
	if (gpgme_data_new_from_mem(&dd, len ? data : "", len, 0) ||
	    gpgme_data_new_from_mem(&sd, sig, siglen, 0)) {
		snprintf(why, whysize, "out of memory");
		rc = TLPRESS_ENOMEM;
		goto out;
	}
	e = gpgme_op_verify(ctx, sd, dd, NULL);
	res = e ? NULL : gpgme_op_verify_result(ctx);
	if (!res || !res->signatures) {
		snprintf(why, whysize, "no valid OpenPGP signature: %s", e ? gerr(e, m, sizeof(m)) :
			 file ? "the file holds none" : "the signature holds none");
		rc = TLPRESS_ECRYPTO;
		goto out;
	}
	for (sg = res->signatures; sg; sg = sg->next) {
		const char *w = sig_problem(sg, file);

		if (fpr_out && sg == res->signatures) {
			copy_str(fpr_out, 41, sg->fpr);
			if (sg->fpr && !gpgme_get_key(ctx, sg->fpr, &k, 0)) {
				if (k->subkeys && k->subkeys->fpr)
					copy_str(fpr_out, 41, k->subkeys->fpr);
				gpgme_key_unref(k);
			}
		}
		if (!w && sg->status)
			w = gerr(sg->status, m, sizeof(m));
		if (w) {
			snprintf(why, whysize, "signature by %s%s%s: %s",
				 sg->fpr ? sg->fpr : "an unknown key", against ? " checked against " :
				 "", against ? against : "", w);
			rc = TLPRESS_ECRYPTO;
			break;
		}
	}
out:
	gpgme_data_release(dd);
	gpgme_data_release(sd);
	return rc;
}

/* ---- the verifier ---- */

struct tlpress_verifier {
	char home[64];           /* the temporary home, "" when not made */
	char *keyname;
	int workers;
	gpgme_ctx_t ctx[];       /* one per worker, on home */
};

void tlpress_verifier_close(struct tlpress_verifier *v)
{
	int i;

	if (!v)
		return;
	for (i = 0; i < v->workers; i++)
		if (v->ctx[i])
			gpgme_release(v->ctx[i]);
	if (v->home[0])
		remove_home(v->home);
	free(v->keyname);
	free(v);
}

int tlpress_verifier_open(struct tlpress_verifier **out, const void *key, size_t keylen,
			  const char *keyname, int workers, char *fpr, struct tlpress_error *err)
{
	struct tlpress_verifier *v;
	int rc;

	if (out)
		*out = NULL;
	if (fpr)
		fpr[0] = '\0';
	if (!out || (!key && keylen) || workers < 1 || workers > TLPRESS_SIGN_MAX_WORKERS)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "tlpress_verifier_open: bad arguments");
	if ((rc = start(err)))
		return rc;
	v = calloc(1, sizeof(*v) + (size_t)workers * sizeof(v->ctx[0]));
	if (!v || !(v->keyname = strdup(keyname ? keyname : "the key given"))) {
		free(v);
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	}
	if ((rc = make_home(v->home, sizeof(v->home), err)))
		goto fail;
	/* one context per worker: GPGME runs `gpg --version` for each new
	 * context, so a context made once costs one gpg process per signature
	 * rather than two */
	for (v->workers = 0; v->workers < workers; v->workers++)
		if ((rc = new_ctx(v->home, 1, &v->ctx[v->workers], err)))
			goto fail;
	if ((rc = import_key(v->ctx[0], key, keylen, v->keyname, fpr, err)))
		goto fail;
	*out = v;
	return 0;
fail:
	tlpress_verifier_close(v);
	return rc;
}

int tlpress_verifier_check(struct tlpress_verifier *v, int w, const void *data, size_t len,
			   const void *sig, size_t siglen, char *fpr_out, char *why,
			   size_t whysize)
{
	if (fpr_out)
		fpr_out[0] = '\0';
	if (!v || w < 0 || w >= v->workers || (!data && len)) {
		snprintf(why, whysize, "tlpress_verifier_check: bad arguments");
		return TLPRESS_EUSAGE;
	}
	return check_sig(v->ctx[w], data, len, sig, siglen, 1, NULL, fpr_out, why, whysize);
}

int tlpress_verifier_verify_detached(struct tlpress_verifier *v, const void *data, size_t len,
				     const void *sig, size_t siglen, char *fpr_out,
				     struct tlpress_error *err)
{
	char why[TLPRESS_ERRMSG_SIZE];
	int rc;

	if (fpr_out)
		fpr_out[0] = '\0';
	if (!v || (!data && len))
		return tlpress_error_set(err, TLPRESS_EUSAGE, "tlpress_verifier_verify_detached: "
					 "bad arguments");
	if (!sig || siglen == 0)
		return tlpress_error_set(err, TLPRESS_ECRYPTO, "no signature");
	rc = check_sig(v->ctx[0], data, len, sig, siglen, 0, v->keyname, fpr_out, why,
		       sizeof(why));
	return rc ? tlpress_error_set(err, rc, "%s", why) : 0;
}

int tlpress_verifier_key_lookup(struct tlpress_verifier *v, const char *pattern, long long now,
				struct tlpress_keyinfo *info, struct tlpress_error *err)
{
	if (!v)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "tlpress_verifier_key_lookup: no "
					 "verifier");
	return tlpress_key_lookup(v->home, pattern, now, info, err);
}

int tlpress_verify_detached(const char *gnupghome, const char *keyfile, const void *data,
			    size_t len, const void *sig, size_t siglen, char *fpr_out,
			    struct tlpress_error *err)
{
	struct tlpress_buf key = TLPRESS_BUF_INIT;
	struct tlpress_verifier *v = NULL;
	char why[TLPRESS_ERRMSG_SIZE];
	gpgme_ctx_t ctx;
	int rc;

	if (fpr_out)
		fpr_out[0] = '\0';
	if ((!data && len) || !sig || siglen == 0)
		return tlpress_error_set(err, !sig || siglen == 0 ? TLPRESS_ECRYPTO : TLPRESS_EUSAGE,
					 "%s", !sig || siglen == 0 ? "no signature" :
					 "tlpress_verify_detached: bad arguments");
	if ((rc = start(err)))
		return rc;
	if (keyfile) {
		/* only the key(s) of the file, in a home of their own */
		if (!(rc = tlpress_read_file(keyfile, KEYFILE_LIMIT, &key, NULL, err)) &&
		    !(rc = tlpress_verifier_open(&v, key.ptr, key.len, keyfile, 1, NULL, err)))
			rc = tlpress_verifier_verify_detached(v, data, len, sig, siglen, fpr_out, err);
		tlpress_verifier_close(v);
		tlpress_buf_release(&key);
		return rc;
	}
	if ((rc = new_ctx(gnupghome, 0, &ctx, err)))
		return rc;
	rc = check_sig(ctx, data, len, sig, siglen, 0, NULL, fpr_out, why, sizeof(why));
	gpgme_release(ctx);
	return rc ? tlpress_error_set(err, rc, "%s", why) : 0;
}

/* ---- any key ---- */

int tlpress_key_lookup(const char *gnupghome, const char *pattern, long long now,
		       struct tlpress_keyinfo *info, struct tlpress_error *err)
{
	struct tlpress_buf pat = TLPRESS_BUF_INIT;
	struct tlpress_keyinfo ki;
	gpgme_ctx_t ctx;
	gpgme_key_t k = NULL;
	gpgme_error_t e;
	char m[256];
	int rc, n, nsign, nsecret;

	memset(&ki, 0, sizeof(ki));
	if (info)
		*info = ki;
	if (!pattern || !*pattern)
		return tlpress_error_set(err, TLPRESS_EINVAL, "no key given");
	if ((rc = start(err)) || (rc = new_ctx(gnupghome, 0, &ctx, err)))
		return rc;
	/* an address matches exactly, not as a part of another address */
	if (strchr(pattern, '@') && !strchr(pattern, '<'))
		tlpress_buf_printf(&pat, "<%s>", pattern);
	else
		tlpress_buf_adds(&pat, pattern);
	if (pat.failed) {
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		goto out;
	}
	e = list_keys(ctx, pat.ptr, 0, &k, &n);
	if (e) {
		rc = tlpress_error_set(err, TLPRESS_ECRYPTO, "cannot list the keys of %s: %s",
				       home_name(gnupghome), gerr(e, m, sizeof(m)));
		goto out;
	}
	if (n != 1) {
		rc = tlpress_error_set(err, TLPRESS_EINVAL, n == 0 ? "no key for '%s' in %s; "
				       "import it (gpg --import)" :
				       "'%s' matches several keys in %s; use a fingerprint",
				       pattern, home_name(gnupghome));
		goto out;
	}
	describe(k, now, 0, &ki, &nsign, &nsecret);
	if (info)
		*info = ki;
	rc = 0;
out:
	if (k)
		gpgme_key_unref(k);
	gpgme_release(ctx);
	tlpress_buf_release(&pat);
	return rc;
}
