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
# The constituency of the demo: the people on the lists the samples name,
# and the people they name, each with a key (made once, kept in demo/gnupg)
demo_people="soc@gridco.example cert@powerplant.example soc@waterco.example
soc@railco.example cert@bankco.example soc@hospital.example cert@telco.example
cert@partner-cert.example csirt@neighbour-cert.example ict@fod-demo.example
cert@brennic.example ciso@gemeente-zuidrand.example it-beveiliging@intercommunale-west.example
j.claes@havenbedrijf-noordzee.example m.lambert@havenbedrijf-noordzee.example
security@waterbedrijf-vlaanderen.example soc@ziekenhuis-noord.example"
dfpr() {
	gpg --homedir "$G" --batch --with-colons --list-keys "<$1>" 2>/dev/null |
		awk -F: '/^fpr/ { print $10; exit }'
}
made=0
for p in $demo_people; do
	[ -n "$(dfpr "$p")" ] && continue
	gpg --homedir "$G" --batch --quiet --pinentry-mode loopback --passphrase '' \
		--quick-gen-key "Demo recipient <$p>" future-default default never 2>/dev/null
	made=$((made + 1))
done
[ $made -eq 0 ] || echo "demo: made $made demo recipient keys in $G"
members() { # FILE ADDRESS:ORG...
	f=$1
	shift
	: > "$D/$f"
	for m in "$@"; do
		echo "${m%%:*} $(dfpr "${m%%:*}") ${m#*:}" >> "$D/$f"
	done
}
members energy.txt soc@gridco.example:GridCo cert@powerplant.example:PowerPlant
members water.txt soc@waterco.example:WaterCo
members transport.txt soc@railco.example:RailCo
members finance.txt cert@bankco.example:BankCo
members health.txt soc@hospital.example:Hospital
members digital.txt cert@telco.example:TelCo
members partners.txt cert@partner-cert.example:PartnerCERT csirt@neighbour-cert.example:NeighbourCERT
members admin.txt ict@fod-demo.example:FOD

cat > "$D/tlpress.yml" <<YML
# Written by 'make demo'. Everything not set here is tlpress's default.
signing:
  key: demo@tlpress.invalid
  gnupghome: gnupg
site:
  output: ../public
mail:
  outbox: ../outbox        # no smtp.url: every mail goes to this Maildir
lists:
  - {name: oes-energy, address: oes-energy@lists.demo.example, tlp: AMBER, audience: [oes-ci], members: energy.txt}
  - {name: oes-water, address: oes-water@lists.demo.example, tlp: AMBER, audience: [oes-ci], members: water.txt}
  - {name: oes-transport, address: oes-transport@lists.demo.example, tlp: AMBER, audience: [oes-ci], members: transport.txt}
  - {name: oes-finance, address: oes-finance@lists.demo.example, tlp: AMBER, audience: [oes-ci], members: finance.txt}
  - {name: oes-health, address: oes-health@lists.demo.example, tlp: AMBER, audience: [oes-ci], members: health.txt}
  - {name: oes-digital, address: oes-digital@lists.demo.example, tlp: AMBER, audience: [oes-ci], members: digital.txt}
  - {name: ccb-partners, address: partners@lists.demo.example, tlp: AMBER, members: partners.txt}
  - {name: administrations-ict, address: admin-ict@lists.demo.example, tlp: GREEN, audience: [administrations, public-services], members: admin.txt}
  - {name: public-transport-operators, address: pto@lists.demo.example, tlp: AMBER, encrypt: true, members: transport.txt}
advisories: ../advisories
templates: ../templates
state: state
YML

echo
echo "== tlpress check advisories/"
"$T" check advisories/
echo
echo "== tlpress publish (public site, signed with the demo key; the site is public/;"
echo "   then the mail, PGP/MIME, into the outbox/ Maildir)"
st=0
"$T" publish -C "$D/tlpress.yml" || st=$?
if [ $st -eq 1 ]; then
	echo "demo: publish exited 1 because the mail policy refused the routes listed above:"
	echo "demo: the samples name lists that are not cleared for every part (each refusal is"
	echo "demo: reported once, kept in 'tlpress log', and the rest went out)"
elif [ $st -ne 0 ]; then
	exit $st
fi
echo
echo "== tlpress status"
"$T" status -C "$D/tlpress.yml" || true
echo
echo "== tlpress keys"
"$T" keys -C "$D/tlpress.yml" || true
echo
echo "demo: open file://$top/public/index.html in a browser"
echo "demo: every file in public/ has a .asc signature; the key is in public/openpgp/"
echo "demo: $(find "$top/outbox" -path '*/new/*' -type f 2>/dev/null | wc -l) mails in outbox/ (one Maildir per recipient);"
echo "demo:   read one with: gpg --homedir demo/gnupg --decrypt outbox/ADDRESS/new/FILE"
echo "demo: tlpress log -C demo/tlpress.yml shows who received which version of what"
echo "demo: to write, check, preview and publish one of your own: README.md, 'Your first advisory'"
