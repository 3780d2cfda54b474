#!/bin/sh
# tests/gpg/mkhome.sh DIR - a throwaway GnuPG home with the test keys
#
# Creates DIR (mode 700) holding passphrase-less keys, and DIR/keys.txt with
# one "name fingerprint" line per key:
#   signer   signer@test.invalid   Ed25519, sign only, never expires
#   rsa      rsa@test.invalid      RSA-4096, sign only, never expires
#   expired  expired@test.invalid  Ed25519 + Cv25519, expired in 2020
#   revoked  revoked@test.invalid  Ed25519 + Cv25519, revoked
#   nosign   nosign@test.invalid   Ed25519 certify-only primary + Cv25519
#                                  encryption subkey: cannot sign
#   soon     soon@test.invalid     Ed25519, sign only, expires 10 days from now
#                                  (the real clock)
#   valid    valid@test.invalid    Ed25519 + Cv25519 (sign and encrypt)
# All have ultimate ownertrust. Nothing ever touches the network.
#
# Keep DIR short (mktemp -d /tmp/tg.XXXXXX): gpg-agent puts its sockets in
# it, and a Unix socket path is limited to 107 bytes (DIR of 87 at most).
# Clean up with: gpgconf --homedir DIR --kill all; rm -rf DIR
set -eu
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
G=$1
if [ ${#G} -gt 87 ]; then
	echo "$0: '$G' is too long for gpg-agent's sockets (87 characters at most)" >&2
	exit 2
fi
mkdir -p "$G"
chmod 700 "$G"
G=$(cd "$G" && pwd)
export GNUPGHOME="$G"
# No WKD or keyserver look-ups: they start dirmngr, which hangs offline.
printf '%s\n' 'no-auto-key-retrieve' 'disable-dirmngr' 'auto-key-locate local' \
	'no-greeting' >"$G/gpg.conf"
printf '%s\n' 'allow-loopback-pinentry' >"$G/gpg-agent.conf"

gpg_() { gpg --batch --quiet --no-tty --pinentry-mode loopback --passphrase '' "$@"; }
fpr() {
	gpg --batch --with-colons --list-keys "<$1@test.invalid>" 2>/dev/null |
		awk -F: '/^fpr/ { print $10; exit }'
}

gpg_ --quick-gen-key 'Test Signer <signer@test.invalid>' ed25519 sign never
gpg_ --quick-gen-key 'Test RSA Signer <rsa@test.invalid>' rsa4096 sign never
gpg_ --faked-system-time '20200101T000000!' \
	--quick-gen-key 'Expired Key <expired@test.invalid>' future-default default 1d 2>/dev/null
gpg_ --quick-gen-key 'Revoked Key <revoked@test.invalid>' future-default default never
# the revocation certificate gpg made has its armour line commented out
sed 's/^:-----BEGIN/-----BEGIN/' "$G/openpgp-revocs.d/$(fpr revoked).rev" | gpg_ --import 2>/dev/null
gpg_ --quick-gen-key 'No Signing Key <nosign@test.invalid>' ed25519 cert never
gpg_ --quick-add-key "$(fpr nosign)" cv25519 encr never
gpg_ --quick-gen-key 'Expires Soon <soon@test.invalid>' ed25519 sign 10d
gpg_ --quick-gen-key 'Valid Recipient <valid@test.invalid>' future-default default never

: >"$G/keys.txt"
for k in signer rsa expired revoked nosign soon valid; do
	f=$(fpr $k)
	[ -n "$f" ] || { echo "$0: no key for $k@test.invalid" >&2; exit 1; }
	echo "$k $f" >>"$G/keys.txt"
	echo "$f:6:" >>"$G/trust.txt"
done
gpg --batch --quiet --import-ownertrust "$G/trust.txt" 2>/dev/null
rm -f "$G/trust.txt"
gpg --batch --quiet --check-trustdb 2>/dev/null || true
