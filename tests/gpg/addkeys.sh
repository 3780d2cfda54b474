#!/bin/sh
# tests/gpg/addkeys.sh DIR < ADDRESSES - one throwaway recipient key per
# address read on stdin (one a line), added to the GnuPG home DIR (made by
# mkhome.sh): Ed25519 (sign) + Cv25519 (encrypt), no passphrase, never
# expires, user id "Recipient <ADDRESS>". All are made by one gpg run
# (about 20 ms a key, where one --quick-gen-key each costs a process and an
# agent round trip). Exit status: gpg's.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 DIR < ADDRESSES" >&2; exit 2; }
while read -r a; do
	[ -n "$a" ] || continue
	printf 'Key-Type: eddsa\nKey-Curve: ed25519\nKey-Usage: sign\nSubkey-Type: ecdh\nSubkey-Curve: cv25519\nSubkey-Usage: encrypt\nName-Real: Recipient\nName-Email: %s\nExpire-Date: 0\n%%no-protection\n%%commit\n' "$a"
done | gpg --homedir "$1" --batch --quiet --gen-key 2>/dev/null
