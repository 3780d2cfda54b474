/* test_sign.c - the signing key's health, signatures, verification
 *
 * Needs a GnuPG home made by tests/gpg/mkhome.sh: TLPRESS_TEST_GNUPGHOME
 * names one; when unset, this test makes its own (a few seconds: RSA-4096)
 * and removes it afterwards. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "fsutil.h"
#include "sign.h"

#include "harness.h"

#define NFILES 50

static char home[128];
static char fpr_signer[41], fpr_rsa[41], fpr_expired[41], fpr_revoked[41], fpr_nosign[41],
	fpr_soon[41], fpr_valid[41];

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fflush(stdout);
	st = system(cmd);
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
		char *dst = !strcmp(name, "signer") ? fpr_signer : !strcmp(name, "rsa") ? fpr_rsa :
			    !strcmp(name, "expired") ? fpr_expired : !strcmp(name, "revoked") ? fpr_revoked :
			    !strcmp(name, "nosign") ? fpr_nosign : !strcmp(name, "soon") ? fpr_soon :
			    !strcmp(name, "valid") ? fpr_valid : NULL;
		if (dst && strlen(fpr) == 40) {
			memcpy(dst, fpr, 41);
			n++;
		}
	}
	fclose(f);
	return n == 7 ? 0 : -1;
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void refused(const char *what, const char *key, const char *fpr, const char *word,
		    long long now)
{
	static char sentinel;
	struct tlpress_signer *s = (struct tlpress_signer *)(void *)&sentinel;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_keyinfo ki;
	int warn = -1, rc;

	rc = tlpress_signer_open(&s, key, home, 1, 30, now, &ki, &warn, &err);
	INT_EQ(rc, TLPRESS_ECRYPTO, "the %s key is refused", what);
	OK(s == NULL, "and no signer is handed out for it");
	OK(warn == 0, "and no warning is set");
	OK(strstr(err.msg, fpr) != NULL, "the message names the %s key", what);
	OK(strstr(err.msg, word) != NULL, "the message says '%s'", word);
	if (!strstr(err.msg, word) || !strstr(err.msg, fpr))
		DIAG("message: %s", err.msg);
	STR_EQ(ki.fpr, fpr, "info holds the fingerprint of the refused key");
}

struct prog {
	int calls;
	size_t last_done, total;
};

static void progress(void *ctx, size_t done, size_t total)
{
	struct prog *p = ctx;

	p->calls++;
	p->last_done = done;
	p->total = total;
}

/* The agent goes away under a signer: each worker's connection is dead,
 * and the worker signs through GPGME from then on. */
static void agent_goes_away(long long now)
{
	struct tlpress_signer *k = NULL;
	struct tlpress_buf asc = TLPRESS_BUF_INIT;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_keyinfo ki;
	const char *data = "an advisory\n";
	char fpr[41];
	int rc, warn;

	rc = tlpress_signer_open(&k, "signer@test.invalid", home, 2, 30, now, &ki, &warn, &err);
	INT_EQ(rc, 0, "a second signer opens");
	/* the agent goes away: worker 0's connection is dead */
	sh("gpgconf --homedir '%s' --kill gpg-agent", home);
	tlpress_buf_reset(&asc);
	rc = k ? tlpress_sign_detached(k, 0, data, strlen(data), &asc, &err) : -1;
	INT_EQ(rc, 0, "with the agent killed, worker 0 still signs (through GPGME, "
	       "which starts a new agent)");
	rc = tlpress_verify_detached(home, NULL, data, strlen(data), asc.ptr, asc.len, fpr,
				     &err);
	OK(rc == 0 && !strcmp(fpr, fpr_signer), "a good signature");
	INT_EQ(k ? tlpress_signer_agent_workers(k) : -1, 1,
	       "and worker 0 has left the agent for GPGME, worker 1 not yet");
	tlpress_buf_reset(&asc);
	rc = k ? tlpress_sign_detached(k, 1, data, strlen(data), &asc, &err) : -1;
	rc = rc ? rc : tlpress_verify_detached(home, NULL, data, strlen(data), asc.ptr,
					       asc.len, fpr, &err);
	INT_EQ(rc, 0, "worker 1 signs too, good");
	INT_EQ(k ? tlpress_signer_agent_workers(k) : -1, 0, "through GPGME from then on");
	tlpress_signer_close(k);
	tlpress_buf_release(&asc);
}

/* A signature of `what` (key: key) made through the agent at a given second
 * is the very signature gpg makes in that second: sign with gpg (GPGME)
 * between t0 and t1, then through the agent at each second between. */
static void same_as_gpg(const char *what, const char *key, long long now)
{
	struct tlpress_signer *g = NULL, *a = NULL;
	struct tlpress_buf gs = TLPRESS_BUF_INIT, as = TLPRESS_BUF_INIT;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_keyinfo ki;
	const char *data = "Advisory CCB-2026-0042\r\nbinary \x01\x02\xff and all\n";
	long long t0, t1, t;
	int warn, rc, same = 0;

	setenv("TLPRESS_SIGN_VIA", "gpg", 1);
	rc = tlpress_signer_open(&g, key, home, 1, 30, now, &ki, &warn, &err);
	unsetenv("TLPRESS_SIGN_VIA");
	rc = rc ? rc : tlpress_signer_open(&a, key, home, 1, 30, now, &ki, &warn, &err);
	if (rc || tlpress_signer_agent_workers(a) != 1) {
		OK(0, "%s: signers open, one through the agent: %s", what, err.msg);
		goto out;
	}
	t0 = (long long)time(NULL);
	rc = tlpress_sign_detached(g, 0, data, strlen(data), &gs, &err);
	t1 = (long long)time(NULL);
	INT_EQ(rc, 0, "%s: gpg signs", what);
	for (t = t0; !rc && t <= t1 && !same; t++) {
		tlpress_buf_reset(&as);
		rc = tlpress_sign_detached_at(a, 0, data, strlen(data), t, &as, &err);
		same = !rc && as.len == gs.len && !memcmp(as.ptr, gs.ptr, gs.len);
	}
	OK(same, "%s: the agent's signature at gpg's second is gpg's, byte for byte", what);
	if (!same)
		DIAG("gpg:\n%s\nagent:\n%s\n%s", gs.ptr, as.ptr, err.msg);
	tlpress_buf_reset(&as);
	rc = tlpress_sign_detached(a, 0, data, strlen(data), &as, &err);
	rc = rc ? rc : tlpress_verify_detached(home, NULL, data, strlen(data), as.ptr, as.len,
					       NULL, &err);
	INT_EQ(rc, 0, "%s: and at the clock's second it verifies", what);
out:
	tlpress_buf_release(&gs);
	tlpress_buf_release(&as);
	tlpress_signer_close(g);
	tlpress_signer_close(a);
}

int main(void)
{
	struct tlpress_signer *s = NULL, *s2 = NULL;
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_keyinfo ki;
	struct tlpress_buf asc = TLPRESS_BUF_INIT, pub = TLPRESS_BUF_INIT;
	struct prog pr = { 0, 0, 0 };
	char *paths[NFILES + 1];
	char data[] = "CCB-2026-0412: a remote code execution in the example server\n";
	char tree[64], tmpdir[64], longhome[256], fpr[41], path[512];
	const char *env = getenv("TLPRESS_TEST_GNUPGHOME"), *top = getenv("TLPRESS_TOP");
	long long now;
	int made = 0, warn = -1, rc, i, good;

	if (env && *env) {
		snprintf(home, sizeof(home), "%s", env);
	} else {
		snprintf(home, sizeof(home), "/tmp/ts.XXXXXX");
		if (!mkdtemp(home)) {
			printf("Bail out! cannot make a temporary folder\n");
			return 1;
		}
		made = 1;
		if (sh("sh '%s/tests/gpg/mkhome.sh' '%s' >/dev/null 2>&1", top ? top : ".", home)) {
			printf("Bail out! tests/gpg/mkhome.sh failed (run from the top of the tree "
			       "or set TLPRESS_TOP)\n");
			sh("gpgconf --homedir '%s' --kill all >/dev/null 2>&1; rm -rf '%s'", home, home);
			return 1;
		}
	}
	now = (long long)time(NULL); /* after the keys were made */
	if (read_keys()) {
		printf("Bail out! no keys.txt with seven keys in %s\n", home);
		return 1;
	}

	/* keys that must not sign */
	refused("expired", "expired@test.invalid", fpr_expired, "expired", now);
	refused("revoked", "revoked@test.invalid", fpr_revoked, "revoked", now);
	refused("nosign", "nosign@test.invalid", fpr_nosign, "cannot sign", now);
	refused("nosign (by fingerprint)", fpr_nosign, fpr_nosign, "no signing (sub)key", now);
	/* the 10-day key, eleven days from now */
	refused("soon, at now + 11 days,", "soon@test.invalid", fpr_soon, "expired",
		now + 11 * 86400LL);

	rc = tlpress_signer_open(&s, "nobody@test.invalid", home, 1, 30, now, &ki, &warn, &err);
	INT_EQ(rc, TLPRESS_EINVAL, "a key that is not there is TLPRESS_EINVAL");
	OK(s == NULL && ki.fpr[0] == '\0', "with no signer and an empty info");
	OK(strstr(err.msg, "nobody@test.invalid") && strstr(err.msg, "not found"),
	   "the message names the key and says it is not found");
	rc = tlpress_signer_open(&s, "test.invalid", home, 1, 30, now, &ki, &warn, &err);
	INT_EQ(rc, TLPRESS_EINVAL, "a pattern that matches several keys is refused");
	OK(strstr(err.msg, "ambiguous") != NULL, "as ambiguous");

	/* a home too long for the agent's sockets */
	snprintf(longhome, sizeof(longhome), "%s/%s", home,
		 "a-very-long-folder-name-for-a-gnupg-home-that-is-far-too-long-for-its-agent-sockets");
	mkdir(longhome, 0700);
	rc = tlpress_signer_open(&s, "signer@test.invalid", longhome, 1, 30, now, &ki, &warn, &err);
	{
		char run[64];
		struct stat st;

		snprintf(run, sizeof(run), "/run/user/%d", (int)getuid());
		if (stat(run, &st) == 0) {
			OK(rc != 0, "a long home with /run/user: not usable here (it is empty)");
		} else {
			INT_EQ(rc, TLPRESS_ECRYPTO, "a home of %zu characters is refused", strlen(longhome));
			OK(strstr(err.msg, "too long") && strstr(err.msg, "--create-socketdir"),
			   "saying it is too long and how to move the sockets");
		}
	}
	rmdir(longhome);

	/* a key with a passphrase: refused at once, never a prompt */
	{
		char ph[64];

		snprintf(ph, sizeof(ph), "/tmp/tp.XXXXXX");
		if (mkdtemp(ph) && sh("gpg --homedir '%s' --batch --quiet --no-tty --pinentry-mode "
				      "loopback --passphrase secret --quick-gen-key 'PW <pw@test.invalid>' "
				      "ed25519 sign never >/dev/null 2>&1", ph) == 0) {
			sh("gpgconf --homedir '%s' --kill gpg-agent >/dev/null 2>&1", ph); /* forget it */
			rc = tlpress_signer_open(&s, "pw@test.invalid", ph, 1, 30, now, &ki, &warn, &err);
			INT_EQ(rc, TLPRESS_ECRYPTO, "a key with a passphrase is refused");
			OK(s == NULL && strstr(err.msg, "passphrase") && strstr(err.msg, ki.fpr),
			   "saying it needs a passphrase, naming the key");
			if (!strstr(err.msg, "passphrase"))
				DIAG("%s", err.msg);
		} else {
			DIAG("could not make a key with a passphrase: skipped");
		}
		sh("gpgconf --homedir '%s' --kill all >/dev/null 2>&1; rm -rf '%s'", ph, ph);
	}

	/* the 10-day key opens, with a warning */
	rc = tlpress_signer_open(&s, "soon@test.invalid", home, 1, 30, now, &ki, &warn, &err);
	INT_EQ(rc, 0, "the key that expires in 10 days opens");
	if (rc)
		DIAG("%s", err.msg);
	INT_EQ(warn, 1, "with the warning set (warn_days 30)");
	OK(ki.days_left >= 9 && ki.days_left <= 10, "with 9 or 10 whole days left (%d)", ki.days_left);
	OK(ki.expires > now && ki.expires <= now + 10 * 86400LL, "and its expiry");
	tlpress_signer_close(s);
	s = NULL;
	rc = tlpress_signer_open(&s, "soon@test.invalid", home, 1, 5, now, &ki, &warn, &err);
	OK(rc == 0 && warn == 0, "no warning with warn_days 5");
	tlpress_signer_close(s);
	s = NULL;

	/* the signing key */
	rc = tlpress_signer_open(&s, "signer@test.invalid", home, 2, 30, now, &ki, &warn, &err);
	INT_EQ(rc, 0, "the signing key opens with 2 workers");
	if (rc) {
		DIAG("%s", err.msg);
		goto done;
	}
	INT_EQ(warn, 0, "with no warning");
	STR_EQ(ki.fpr, fpr_signer, "its fingerprint");
	STR_EQ(ki.uid, "Test Signer <signer@test.invalid>", "its user id");
	STR_EQ(ki.algo, "ed25519", "its algorithm");
	OK(ki.expires == 0 && ki.can_sign && !ki.expired && !ki.revoked && !ki.is_demo,
	   "never expires, can sign, not a demo key");

	/* a signature, and what verification makes of it */
	rc = tlpress_sign_detached(s, 1, data, strlen(data), &asc, &err);
	INT_EQ(rc, 0, "signing data with worker 1");
	OK(!strncmp(asc.ptr, "-----BEGIN PGP SIGNATURE-----", 29), "gives an armoured signature");
	rc = tlpress_verify_detached(home, NULL, data, strlen(data), asc.ptr, asc.len, fpr, &err);
	INT_EQ(rc, 0, "tlpress_verify_detached accepts it");
	STR_EQ(fpr, fpr_signer, "and names the signing key");
	data[5] ^= 1;
	rc = tlpress_verify_detached(home, NULL, data, strlen(data), asc.ptr, asc.len, fpr, &err);
	INT_EQ(rc, TLPRESS_ECRYPTO, "one flipped byte of the data: refused");
	OK(strstr(err.msg, "bad signature") != NULL, "as a bad signature");
	data[5] ^= 1;
	rc = tlpress_verify_detached(home, NULL, data, strlen(data), "garbage", 7, fpr, &err);
	INT_EQ(rc, TLPRESS_ECRYPTO, "a signature that is not one is refused");

	/* through gpg-agent: the same bytes as gpg's, and GPGME when the agent fails */
	INT_EQ(tlpress_signer_agent_workers(s), 2, "both workers sign through gpg-agent");
	same_as_gpg("Ed25519", "signer@test.invalid", now);
	same_as_gpg("RSA-4096", fpr_rsa, now);
	setenv("TLPRESS_SIGN_VIA", "gpg", 1);
	{
		struct tlpress_signer *g = NULL;
		struct tlpress_buf none = TLPRESS_BUF_INIT;

		rc = tlpress_signer_open(&g, "signer@test.invalid", home, 2, 30, now, &ki, &warn, &err);
		OK(rc == 0 && tlpress_signer_agent_workers(g) == 0,
		   "TLPRESS_SIGN_VIA=gpg: no worker signs through the agent");
		rc = g ? tlpress_sign_detached_at(g, 0, data, strlen(data), (long long)time(NULL),
						 &none, &err) : -1;
		OK(rc == TLPRESS_EUSAGE && none.len == 0, "and tlpress_sign_detached_at refuses");
		tlpress_buf_release(&none);
		tlpress_signer_close(g);
	}
	unsetenv("TLPRESS_SIGN_VIA");
	/* export, and verification against the exported key only */
	rc = tlpress_signer_export(s, &pub, &err);
	INT_EQ(rc, 0, "the public key exports");
	OK(!strncmp(pub.ptr, "-----BEGIN PGP PUBLIC KEY BLOCK-----", 36), "armoured");
	OK(!strstr(pub.ptr, "PRIVATE"), "with no secret part");
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/tt.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp\n");
		goto done;
	}
	rc = tlpress_write_atomic(tmpdir, "signer.asc", pub.ptr, pub.len, &err);
	INT_EQ(rc, 0, "the key file is written");
	snprintf(path, sizeof(path), "%s/signer.asc", tmpdir);
	/* the temporary home goes to TMPDIR: see that it is removed */
	setenv("TMPDIR", tmpdir, 1);
	rc = tlpress_verify_detached(home, path, data, strlen(data), asc.ptr, asc.len, fpr, &err);
	INT_EQ(rc, 0, "verification against the exported key file alone");
	STR_EQ(fpr, fpr_signer, "names the signing key");
	INT_EQ(count_entries(tmpdir), 1, "and leaves no temporary GnuPG home behind");
	{
		struct tlpress_signer *r = NULL;
		struct tlpress_buf rasc = TLPRESS_BUF_INIT;

		rc = tlpress_signer_open(&r, fpr_rsa, home, 1, 30, now, &ki, &warn, &err);
		INT_EQ(rc, 0, "the RSA-4096 key opens");
		STR_EQ(ki.algo, "rsa4096", "as rsa4096");
		if (!rc && !tlpress_sign_detached(r, 0, data, strlen(data), &rasc, &err)) {
			rc = tlpress_verify_detached(home, path, data, strlen(data), rasc.ptr,
						     rasc.len, fpr, &err);
			INT_EQ(rc, TLPRESS_ECRYPTO, "another key's signature, against the key file: refused");
			OK(strstr(err.msg, "unknown key") != NULL, "as by an unknown key");
			rc = tlpress_verify_detached(home, NULL, data, strlen(data), rasc.ptr,
						     rasc.len, fpr, &err);
			OK(rc == 0 && !strcmp(fpr, fpr_rsa), "but good against the home");
		} else {
			OK(0, "signing with the RSA key: %s", err.msg);
		}
		INT_EQ(count_entries(tmpdir), 1, "still no temporary home left");
		tlpress_buf_release(&rasc);
		tlpress_signer_close(r);
	}
	unsetenv("TMPDIR");
	rc = tlpress_verify_detached(home, "/nonexistent/key.asc", data, strlen(data), asc.ptr,
				     asc.len, fpr, &err);
	OK(rc != 0, "a missing key file is an error");

	/* a signature made while the expired key was valid */
	snprintf(path, sizeof(path), "%s/old.txt", tmpdir);
	tlpress_write_atomic(tmpdir, "old.txt", data, strlen(data), &err);
	if (sh("gpg --homedir '%s' --batch --quiet --no-tty --pinentry-mode loopback --passphrase '' "
	       "--faked-system-time 20200101T120000! -u %s --armor --detach-sign -o '%s.asc' '%s' "
	       ">/dev/null 2>&1", home, fpr_expired, path, path) == 0) {
		struct tlpress_buf old = TLPRESS_BUF_INIT;
		char p2[600];

		snprintf(p2, sizeof(p2), "%s.asc", path);
		tlpress_read_file(p2, 1 << 20, &old, NULL, &err);
		rc = tlpress_verify_detached(home, NULL, data, strlen(data), old.ptr, old.len, fpr, &err);
		INT_EQ(rc, TLPRESS_ECRYPTO, "a signature by a key that has since expired is refused");
		OK(strstr(err.msg, "expired") != NULL, "saying the key has expired");
		tlpress_buf_release(&old);
	} else {
		DIAG("gpg --faked-system-time could not sign with the expired key: skipped");
	}

	/* files on two threads */
	snprintf(tree, sizeof(tree), "/tmp/tf.XXXXXX");
	if (!mkdtemp(tree)) {
		printf("Bail out! mkdtemp\n");
		goto done;
	}
	for (i = 0; i < NFILES; i++) {
		char rel[64], body[128];

		snprintf(rel, sizeof(rel), "%s/f%02d.html", i % 2 ? "advisories" : "feeds", i);
		snprintf(body, sizeof(body), "<p>file %d</p>\n", i);
		tlpress_write_atomic(tree, rel, body, strlen(body), &err);
		paths[i] = strdup(rel);
	}
	paths[NFILES] = NULL;
	rc = tlpress_sign_files(s, tree, paths, NFILES, progress, &pr, &err);
	INT_EQ(rc, 0, "tlpress_sign_files on 2 workers over %d files", NFILES);
	if (rc)
		DIAG("%s", err.msg);
	INT_EQ(tlpress_signer_agent_workers(s), 2, "both through gpg-agent");
	OK(pr.calls >= 1 && pr.last_done == NFILES && pr.total == NFILES,
	   "progress ends with %d of %d (%d calls)", (int)pr.last_done, (int)pr.total, pr.calls);
	INT_EQ(count_entries(tree), 2, "no temporary files left at the top");
	{
		char d1[128], d2[128];

		snprintf(d1, sizeof(d1), "%s/advisories", tree);
		snprintf(d2, sizeof(d2), "%s/feeds", tree);
		INT_EQ(count_entries(d1) + count_entries(d2), 2 * NFILES, "%d .asc files beside the %d files",
		       NFILES, NFILES);
	}
	good = 0;
	for (i = 0; i < NFILES; i++) {
		struct tlpress_buf f = TLPRESS_BUF_INIT, g = TLPRESS_BUF_INIT;

		snprintf(path, sizeof(path), "%s/%s", tree, paths[i]);
		tlpress_read_file(path, 1 << 20, &f, NULL, &err);
		snprintf(path, sizeof(path), "%s/%s.asc", tree, paths[i]);
		tlpress_read_file(path, 1 << 20, &g, NULL, &err);
		if (!tlpress_verify_detached(home, NULL, f.ptr, f.len, g.ptr, g.len, fpr, &err) &&
		    !strcmp(fpr, fpr_signer))
			good++;
		tlpress_buf_release(&f);
		tlpress_buf_release(&g);
	}
	INT_EQ(good, NFILES, "every signature verifies with the signing key");
	for (i = 0; i < NFILES; i += 12) {
		rc = sh("cd '%s' && gpg --homedir '%s' --batch --quiet --verify '%s.asc' '%s' "
			">/dev/null 2>&1", tree, home, paths[i], paths[i]);
		INT_EQ(rc, 0, "stock gpg --verify accepts %s.asc", paths[i]);
	}
	rc = sh("cd '%s' && echo x >> '%s' && gpg --homedir '%s' --batch --quiet --verify '%s.asc' "
		"'%s' >/dev/null 2>&1", tree, paths[1], home, paths[1], paths[1]);
	OK(rc != 0, "and refuses it once the file changed");

	/* a file that is not there stops the run, and is named */
	free(paths[20]);
	paths[20] = strdup("advisories/missing.html");
	free(paths[30]);
	paths[30] = strdup("feeds/also-missing.html");
	rc = tlpress_sign_files(s, tree, paths, NFILES, NULL, NULL, &err);
	INT_EQ(rc, TLPRESS_EIO, "a missing file fails the run");
	OK(strstr(err.msg, "advisories/missing.html") != NULL,
	   "the error names the first missing file in order");
	free(paths[21]);
	paths[21] = strdup("../escape.html");
	rc = tlpress_sign_files(s, tree, paths + 21, 1, NULL, NULL, &err);
	INT_EQ(rc, TLPRESS_EUSAGE, "a path out of the root is refused");

	/* one worker gives the same files */
	rc = tlpress_signer_open(&s2, fpr_signer, home, 1, 30, now, &ki, &warn, &err);
	OK(rc == 0, "a one-worker signer");
	if (!rc) {
		rc = tlpress_sign_files(s2, tree, paths, 5, NULL, NULL, &err);
		INT_EQ(rc, 0, "signs files too");
	}
	tlpress_signer_close(s2);

	agent_goes_away(now);

	/* any key */
	rc = tlpress_key_lookup(home, "valid@test.invalid", now, &ki, &err);
	INT_EQ(rc, 0, "tlpress_key_lookup finds valid@test.invalid");
	STR_EQ(ki.fpr, fpr_valid, "by its fingerprint");
	OK(ki.can_sign && !ki.expired, "that can sign and has not expired");
	rc = tlpress_key_lookup(home, "alid@test.invalid", now, &ki, &err);
	INT_EQ(rc, TLPRESS_EINVAL, "a part of an address finds nothing");
	rc = tlpress_key_lookup(home, fpr_expired, now, &ki, &err);
	OK(rc == 0 && ki.expired && !ki.can_sign, "the expired key is found, expired");
	rc = tlpress_key_lookup(home, "revoked@test.invalid", now, &ki, &err);
	OK(rc == 0 && ki.revoked, "the revoked key is found, revoked");
	rc = tlpress_key_lookup(home, "nobody@test.invalid", now, &ki, &err);
	INT_EQ(rc, TLPRESS_EINVAL, "an unknown address is TLPRESS_EINVAL");

	for (i = 0; i < NFILES; i++)
		free(paths[i]);
	sh("rm -rf '%s' '%s'", tree, tmpdir);
done:
	tlpress_signer_close(s);
	tlpress_buf_release(&asc);
	tlpress_buf_release(&pub);
	if (made)
		sh("gpgconf --homedir '%s' --kill all >/dev/null 2>&1; rm -rf '%s'", home, home);
	return harness_done();
}
