#!/bin/sh
# tests/demo.sh - what `make demo` runs: the whole pipeline on advisories/
# with the embedded defaults, a local public/ site, and a demo signing key
# in a project-local GnuPG home (demo/gnupg). Run from the top of the tree.
set -eu
top=$(pwd)
T="$top/build/tlpress"
D="$top/demo"
G="$D/gnupg"

mkdir -p "$D"
# gpg-agent's sockets live in the GnuPG home unless /run/user/UID exists;
# a deep checkout would make their path too long, so give them a place
if [ ${#G} -gt 80 ] && [ ! -d "/run/user/$(id -u)" ]; then
	mkdir -p -m 700 "/run/user/$(id -u)" 2>/dev/null || true
fi
if [ ! -f "$G/pubring.kbx" ] || ! gpg --homedir "$G" --batch --list-secret-keys demo@tlpress.invalid >/dev/null 2>&1; then
	echo "demo: making a demo signing key in $G"
	mkdir -p -m 700 "$G"
	GNUPGHOME="$G" gpgconf --create-socketdir 2>/dev/null || true
	printf '%s\n' no-auto-key-retrieve disable-dirmngr 'auto-key-locate local' > "$G/gpg.conf"
	gpg --homedir "$G" --batch --quiet --pinentry-mode loopback --passphrase '' \
		--quick-gen-key 'tlpress demo key (DEMO ONLY, not a real CSIRT key) <demo@tlpress.invalid>' \
		ed25519 sign never
fi
cat > "$D/tlpress.yml" <<YML
# Written by 'make demo'. Everything not set here is tlpress's default.
signing:
  key: demo@tlpress.invalid
  gnupghome: gnupg
site:
  output: ../public
advisories: ../advisories
templates: ../templates
state: state
YML

echo
echo "== tlpress check advisories/"
"$T" check advisories/
echo
echo "== tlpress publish (public site, signed with the demo key; the site is public/)"
"$T" publish -C "$D/tlpress.yml"
echo
echo "== tlpress status"
"$T" status -C "$D/tlpress.yml" || true
echo
echo "== tlpress keys"
"$T" keys -C "$D/tlpress.yml" || true
echo
echo "demo: open file://$top/public/index.html in a browser"
echo "demo: every file in public/ has a .asc signature; the key is in public/openpgp/"
