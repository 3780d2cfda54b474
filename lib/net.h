/*
 * net.h - the parts of tlpress that link libcurl and GMime, loaded when
 * first used
 *
 * Most runs of tlpress never open a connection: `build`, `check`, `new`,
 * and a `publish` from cron with nothing to send or upload. Yet loading
 * libcurl (with GnuTLS, OpenSSL, Kerberos, LDAP, libssh2 ...) and GMime
 * (with GIO) took 21 of the 30 ms that the start of tlpress cost, before
 * main(); a rebuild of 10,000 advisories after one change takes 150 ms.
 * So, as git keeps libcurl out of git(1) in its git-remote-http helper,
 * the modules that use them live in a shared object of their own,
 * tlpress-net.so:
 *
 *   lib/transport*.c   upload to the public site (transport.h)
 *   lib/smtp.c         SMTP and the Maildir outbox (smtp.h)
 *   lib/mail.c         PGP/MIME mails (mail.h)
 *   lib/verify.c       tlpress verify, of a folder or a URL (verify.h)
 *
 * The tlpress binary has a stub for each function of those headers that
 * the rest of tlpress calls; the first call loads tlpress-net.so (dlopen,
 * RTLD_NOW) from the first place that has it:
 *
 *   1. the folder of the running binary (the build tree: build/tlpress and
 *      build/tlpress-net.so, build/asan/ likewise);
 *   2. TLPRESS_PKGLIBDIR, $(PREFIX)/lib/tlpress for `make install`;
 *   3. ../lib/tlpress beside the binary's folder (an installed tree moved
 *      or unpacked elsewhere, DESTDIR).
 *
 * tlpress-net.so is linked against libcurl and GMime; it finds the rest of
 * tlpress (buf, error, sign ...) in the binary, which exports the
 * tlpress_* symbols. It must come from the same build as the binary: it
 * carries the version, and one of another version is refused.
 *
 * libtlpress.a holds every module and links libcurl and GMime as before;
 * tlpress_net_load() there does nothing. The unit tests link it.
 */
#ifndef TLPRESS_NET_H
#define TLPRESS_NET_H

#include "error.h"

/* Load tlpress-net.so unless it is loaded, once per process (thread-safe).
 * 0, or TLPRESS_EIO with a message that names every place tried and why
 * it failed. The stubs of functions that take a struct tlpress_error call
 * it themselves; the others may only be called on what such a function
 * returned, or after this returned 0 (tlpress_verify_is_url,
 * tlpress_vkind_name). */
int tlpress_net_load(struct tlpress_error *err);

#endif
