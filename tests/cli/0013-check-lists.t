#!/bin/sh
# With a configuration that has lists, 'tlpress check -C' checks list names
# in 'recipients' against them; the lists themselves are checked like any
# configuration key.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

run "$TLPRESS" check -C tests/config/tlpress.yml advisories/
check 0 "the samples name only configured lists"

mkdir -p "$TMP/a"
sed 's/oes-energy/oes-enrgy/' advisories/CCB-2026-0412.md > "$TMP/a/CCB-2026-0412.md"
run "$TLPRESS" check -C tests/config/tlpress.yml "$TMP/a"
check 1 "a misspelt list name is an error"
check_grep "CCB-2026-0412.md:21:3: error: 'recipients': no list named 'oes-enrgy' in the configuration" \
	"named with file, line and key"
check_grep "did you mean 'oes-energy'?" "with a hint"
run "$TLPRESS" check "$TMP/a"
check 0 "without lists in the configuration, list names are not checked"

# the lists' own errors
cp tests/config/members-*.txt "$TMP/"
cat > "$TMP/bad.yml" <<'YML'
lists:
  - name: oes-energy
    address: "oes@lists.test.invalid\r\nBcc: spy@evil.example"
    tlp: RED
    members: members-oes-energy.txt
  - name: Bad Name
    address: x@lists.test.invalid
    tlp: GREEN
    memebrs: members-partners.txt
YML
run "$TLPRESS" check -C "$TMP/bad.yml" advisories/
check 1 "a bad list configuration is an error"
check_grep "bad.yml:3:" "an address with CR/LF is refused, with its line"
check_grep "bad.yml:4:" "a list cleared for RED is refused, with its line"
check_grep "bad.yml:6:" "a list name with a space is refused, with its line"
check_grep "did you mean 'members'?" "an unknown key gets a hint"
printf 'x@y.test.invalid NOTAFINGERPRINT Org\n' > "$TMP/members-broken.txt"
printf 'lists:\n  - name: l1\n    address: l1@lists.test.invalid\n    tlp: GREEN\n    members: members-broken.txt\n' > "$TMP/m.yml"
run "$TLPRESS" check -C "$TMP/m.yml" advisories/
check 1 "a members file with a bad fingerprint is an error"
check_grep "members-broken.txt:1:" "named with the members file and its line"

done_testing
