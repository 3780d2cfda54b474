#!/bin/sh
# What 'make demo' leaves, checked as a subscriber would: in a copy of the
# tree, tests/demo.sh makes the demo key and the signed public/; then, in a
# fresh GnuPG home holding only the exported public key, stock gpg verifies
# every .asc, sha256sum -c accepts every .sha256, and tlpress verify
# accepts the whole tree.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

# a short copy: gpg-agent's sockets live in demo/gnupg
W=$(mktemp -d /tmp/td.XXXXXX)
V=$(mktemp -d /tmp/tv.XXXXXX)
trap 'gpgconf --homedir "$W/demo/gnupg" --kill all 2>/dev/null; gpgconf --homedir "$V" --kill all 2>/dev/null; rm -rf "$W" "$V" "$TMP"' EXIT
mkdir -p "$W/build"
cp -r advisories templates tests "$W/"
cp "$TLPRESS" "$W/build/tlpress"
cp "$(dirname "$TLPRESS")/tlpress-net.so" "$W/build/"
(cd "$W" && sh tests/demo.sh) > "$TMP/out" 2>&1
rc=$?
check 0 "tests/demo.sh (make demo) runs the pipeline"
check_grep "open file://$W/public/index.html" "and says where to open the site"
grep -q 'DEMO ONLY' "$TMP/out"
ok $? "the key's user id says it is a demo key"

fpr=$(sed -n 's/^# signer: //p' "$W/public/manifest.txt")
[ -n "$fpr" ] && [ -f "$W/public/openpgp/$fpr.asc" ]
ok $? "the public key is in public/openpgp/"
gpg --homedir "$V" --batch --quiet --import "$W/public/openpgp/$fpr.asc" 2>/dev/null
n=0 bad=0
for a in $(find "$W/public" -name '*.asc' ! -path '*/openpgp/*'); do
	n=$((n + 1))
	gpg --homedir "$V" --batch --verify "$a" "${a%.asc}" 2>/dev/null || { bad=$((bad + 1)); diag "bad: $a"; }
done
[ $n -ge 40 ] && [ $bad -eq 0 ]
ok $? "stock gpg verifies all $n signatures with only the exported key ($bad bad)"
(cd "$W/public/.well-known/csaf/white/2026" && sha256sum --quiet -c ./*.sha256)
ok $? "sha256sum -c accepts every .sha256"
run "$TLPRESS" verify --key "$W/public/openpgp/$fpr.asc" "$W/public"
check 0 "tlpress verify accepts public/"

# the mail the demo sent: into outbox/, each read as its recipient would
n=$(find "$W/outbox" -path '*/new/*' -type f | wc -l)
: > "$TMP/none.tsv"
/usr/bin/python3 "$TOP/tests/mail/check_mail.py" "$W/outbox" "$W/demo/gnupg" "$fpr" "$TMP/none.tsv" > "$TMP/mail" 2>&1
ok $? "all $n mails in outbox/ are PGP/MIME, signed by the demo key, encrypted to their recipient when above CLEAR"
grep -E '^(BAD|LEAK)' "$TMP/mail" | head -5 | sed 's/^/#   /'
[ "$n" -ge 40 ] && grep -q 'encrypted	TLP:RED' "$TMP/mail" && grep -q 'signed	TLP:CLEAR' "$TMP/mail"
ok $? "RED went encrypted to named recipients, CLEAR signed to lists"
grep -q "^j.claes@havenbedrijf-noordzee.example	encrypted	TLP:RED" "$TMP/mail" &&
	! grep -q "^soc@gridco.example	.*TLP:RED" "$TMP/mail"
ok $? "the RED advisory reached its named recipients and no list member"
run "$W/build/tlpress" log -C "$W/demo/tlpress.yml" CCBR-2026-0091
check 0 "tlpress log shows the journal"
check_grep "j.claes@havenbedrijf-noordzee.example" "with the recipients of the RED advisory"

done_testing
