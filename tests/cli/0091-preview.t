#!/bin/sh
# tlpress preview: one advisory with a CLEAR body and sections marked GREEN,
# AMBER and RED, rendered for every clearance into a temporary folder; the
# cut per clearance is printed and matches the files; every mail it would
# produce is built there (encrypted to each recipient's key, or a notice
# for a bad key), and nothing leaves the machine: no outbox, no journal,
# no published tree.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C
export TLPRESS_NOW=2026-11-28T12:00:00Z

G=$(mktemp -d /tmp/tg.XXXXXX)
P=$(mktemp -d /tmp/tlpress-pv.XXXXXX)
trap 'gpgconf --homedir "$G" --kill all 2>/dev/null; rm -rf "$G" "$P" "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
export TMPDIR=$P

sh "$TOP/tests/gpg/mkhome.sh" "$G" >"$TMP/mk" 2>&1
ok $? "a throwaway GnuPG home with the test keys"
fpr() { awk -v n="$1" '$1 == n { print $2 }' "$G/keys.txt"; }

W=$TMP/w
mkdir -p "$W/adv"
cat > "$W/everyone.txt" <<EOF
valid@test.invalid $(fpr valid) Org A
expired@test.invalid $(fpr expired) Org B
EOF
cat > "$W/amber-ops.txt" <<EOF
valid@test.invalid $(fpr valid) Org A
EOF
cat > "$W/t.yml" <<EOF
publisher:
  name: Test CSIRT
site:
  output: $W/public
signing:
  key: signer@test.invalid
  gnupghome: $G
smtp:
  from: advisories@test.invalid
mail:
  outbox: $W/outbox
lists:
  - name: everyone
    address: everyone@lists.test.invalid
    tlp: GREEN
    members: $W/everyone.txt
  - name: amber-ops
    address: amber-ops@lists.test.invalid
    tlp: AMBER
    members: $W/amber-ops.txt
advisories: $W/adv
templates: $TOP/templates
state: $W/state
EOF
cat > "$W/adv/T-2026-0001.md" <<'EOF'
---
id: T-2026-0001
title: "Preview test"
lang: en
tlp: CLEAR
status: draft
recipients: [amber-ops, named@test.invalid]
revisions:
  - {version: 1, date: 2026-11-20T10:00:00Z, summary: "First."}
---
The public part: CANARY-CLEAR.

## For partners [TLP:GREEN]

Partners read CANARY-GREEN.

## Details [TLP:AMBER]

The cleared read CANARY-AMBER.

## Names [TLP:RED]

Only named people read CANARY-RED.

## References

- Public again: CANARY-TAIL.
EOF

run "$TLPRESS" check -C "$W/t.yml" "$W/adv"
check 0 "the sample advisory is valid"

run "$TLPRESS" preview -C "$W/t.yml" T-2026-0001
check 0 "tlpress preview T-2026-0001"
cp "$TMP/out" "$TMP/preview"
D=$(sed -n 's/^preview of T-2026-0001 in //p' "$TMP/preview")
case $D in "$P"/tlpress-preview-T-2026-0001-*) r=0 ;; *) r=1 ;; esac
ok $r "a new folder under \$TMPDIR ($D)"
[ -d "$D" ] && [ "$(stat -c %a "$D")" = 700 ]
ok $? "the folder is private (0700)"
check_grep "base label TLP:CLEAR, document label TLP:RED, status draft" "labels and status"

# the cut per clearance, as printed
want() { # CLEARANCE LINE...: the lines printed for CLEARANCE, in order
	c=$1; shift
	awk -v c="$c:" '$1 == c { p = 1; print; next } /^TLP:|^mail:/ { p = 0 } p && !/ file / { print }' \
		"$TMP/preview" > "$TMP/got"
	printf '%s\n' "$@" > "$TMP/want"
	diff -u "$TMP/want" "$TMP/got" >"$TMP/diff"
	r=$?
	ok $r "$c: the right cut"
	[ $r -eq 0 ] || sed 's/^/#   /' "$TMP/diff"
}
want TLP:CLEAR \
	"TLP:CLEAR: labelled TLP:CLEAR, 3 of 3 marked sections cut" \
	"  cut  line 13   ## For partners [TLP:GREEN]" \
	"  cut  line 17   ## Details [TLP:AMBER]" \
	"  cut  line 21   ## Names [TLP:RED]"
want TLP:GREEN \
	"TLP:GREEN: labelled TLP:GREEN, 2 of 3 marked sections cut" \
	"  kept line 13   ## For partners [TLP:GREEN]" \
	"  cut  line 17   ## Details [TLP:AMBER]" \
	"  cut  line 21   ## Names [TLP:RED]"
want TLP:AMBER \
	"TLP:AMBER: labelled TLP:AMBER, 1 of 3 marked sections cut" \
	"  kept line 13   ## For partners [TLP:GREEN]" \
	"  kept line 17   ## Details [TLP:AMBER]" \
	"  cut  line 21   ## Names [TLP:RED]"
want TLP:AMBER+STRICT \
	"TLP:AMBER+STRICT: labelled TLP:AMBER, 1 of 3 marked sections cut" \
	"  kept line 13   ## For partners [TLP:GREEN]" \
	"  kept line 17   ## Details [TLP:AMBER]" \
	"  cut  line 21   ## Names [TLP:RED]"
want TLP:RED \
	"TLP:RED: labelled TLP:RED, nothing cut" \
	"  kept line 13   ## For partners [TLP:GREEN]" \
	"  kept line 17   ## Details [TLP:AMBER]" \
	"  kept line 21   ## Names [TLP:RED]"

# the files hold what the lines say, and nothing more
has() { grep -q "$2" "$D/$1/t-2026-0001.html" && grep -q "$2" "$D/$1/t-2026-0001.txt"; }
hasnt() { ! grep -q "$2" "$D/$1/t-2026-0001.html" && ! grep -q "$2" "$D/$1/t-2026-0001.txt"; }
has clear CANARY-CLEAR && has clear CANARY-TAIL && hasnt clear CANARY-GREEN &&
	hasnt clear CANARY-AMBER && hasnt clear CANARY-RED
ok $? "clear/: the public parts only"
has green CANARY-GREEN && hasnt green CANARY-AMBER && hasnt green CANARY-RED
ok $? "green/: up to GREEN"
has amber CANARY-AMBER && hasnt amber CANARY-RED
ok $? "amber/: up to AMBER"
has amber-strict CANARY-AMBER && hasnt amber-strict CANARY-RED
ok $? "amber-strict/: up to AMBER, without RED"
has red CANARY-RED && has red CANARY-TAIL
ok $? "red/: everything"
head -1 "$D/green/t-2026-0001.txt" | grep -qx 'TLP:GREEN' &&
	head -1 "$D/red/t-2026-0001.txt" | grep -qx 'TLP:RED'
ok $? "each rendition carries its label first"
grep -c '^  file ' "$TMP/preview" | grep -qx 10
ok $? "two files per clearance are printed"

# the mail, as tlpress mail would build it
check_grep "mail: 3 recipients (one message each; none is sent)" "three recipients, one message each"
grep -q '^  valid@test.invalid TLP:AMBER via amber-ops: signed, encrypted to '"$(fpr valid)" "$TMP/preview"
ok $? "valid@ (everyone and amber-ops) gets the AMBER rendition, encrypted to its key"
grep -q '^  expired@test.invalid (notice) via everyone: only a notice without content: key expired' "$TMP/preview"
ok $? "expired@ gets only a notice: its key expired"
grep -q '^  named@test.invalid (notice) via recipients: only a notice without content: key missing' "$TMP/preview" ||
	grep -q '^  named@test.invalid (notice) via recipients: only a notice' "$TMP/preview"
ok $? "named@ (no key) gets only a notice"
check_grep "refused: TLP:RED not sent to list amber-ops" "RED to a list is refused, and said"
v=$(ls "$D"/mail/*valid@test.invalid.eml 2>/dev/null | head -1)
[ -n "$v" ] && grep -q 'multipart/encrypted' "$v" && ! grep -q CANARY "$v"
ok $? "valid@'s message is built, PGP/MIME encrypted: no canary in clear"
gpg --homedir "$G" --batch -q --decrypt "$v" 2>/dev/null > "$TMP/dec"
grep -q CANARY-AMBER "$TMP/dec" && ! grep -q CANARY-RED "$TMP/dec"
ok $? "decrypted by valid@'s key: AMBER inside, RED not"
t=$(ls "$D"/mail/*valid@test.invalid.txt | head -1)
grep -q '^Subject: \[TLP:AMBER\] T-2026-0001: Preview test$' "$t" && grep -q CANARY-AMBER "$t"
ok $? "its clear content is beside it, for the analyst"
e=$(ls "$D"/mail/*expired@test.invalid.eml | head -1)
! grep -q CANARY "$e"
ok $? "the notice holds no content"
check_grep "nothing was published, journalled or sent" "it says nothing left"

# nothing left the machine
[ ! -e "$W/outbox" ] && [ ! -e "$W/state/journal.sqlite" ] && [ ! -e "$W/public" ]
ok $? "no outbox, no journal, no published tree"
run "$TLPRESS" log -C "$W/t.yml"
check_grep "nothing yet: no journal" "tlpress log: nothing was journalled"

# a downgraded AMBER advisory (due), and a RED one: no rendition below the base
cat > "$W/adv/T-2026-0002.md" <<'EOF'
---
id: T-2026-0002
title: "Red only"
tlp: RED
recipients: [named@test.invalid]
revisions:
  - {version: 1, date: 2026-11-20T10:00:00Z, summary: "First."}
---
CANARY-RED-2.
EOF
run "$TLPRESS" preview -C "$W/t.yml" "$W/adv/T-2026-0002.md"
check 0 "preview by file name"
check_grep "TLP:CLEAR: no rendition: below the base label TLP:RED" "no CLEAR rendition of a RED advisory"
check_grep "TLP:AMBER+STRICT: no rendition: below the base label TLP:RED" "nor AMBER+STRICT"
check_grep "TLP:RED: labelled TLP:RED, nothing cut" "the RED rendition"

# beside a journal and an outbox that hold something: both unchanged
run "$TLPRESS" mail -C "$W/t.yml"
[ -f "$W/state/journal.sqlite" ] && [ "$(find "$W/outbox" -type f | wc -l)" -gt 0 ]
ok $? "tlpress mail made a journal and put a notice into the outbox"
snap() { (cd "$W" && find state outbox -type f | sort | xargs sha256sum); }
snap > "$TMP/before"
run "$TLPRESS" preview -C "$W/t.yml" T-2026-0001
check 0 "preview beside them"
run "$TLPRESS" preview -C "$W/t.yml" T-2026-0002
snap > "$TMP/after"
cmp -s "$TMP/before" "$TMP/after"
ok $? "the journal and the outbox are byte for byte as they were"
[ ! -e "$W/public" ]
ok $? "still no published tree"

# errors
run "$TLPRESS" preview -C "$W/t.yml" T-2026-0099
check 2 "an unknown id: exit 2"
check_grep "no advisory 'T-2026-0099'" "and it says so"
printf -- '---\nid: T-2026-0003\ntitle: x\n---\nbody\n' > "$W/adv/T-2026-0003.md"
run "$TLPRESS" preview -C "$W/t.yml" T-2026-0003
check 1 "an advisory with errors: exit 1"
check_grep "has errors: no preview" "and it says so"
rm "$W/adv/T-2026-0003.md"

# under AddressSanitizer, when built
if [ -x "$TLPRESS_ASAN" ]; then
	run "$TLPRESS_ASAN" preview -C "$W/t.yml" T-2026-0001
	check 0 "preview under ASan and UBSan: clean"
fi
run "$TLPRESS" preview -h
check 0 "preview -h"
done_testing
