#!/bin/sh
# tlpress mail against a real SMTP server on 127.0.0.1 (the aiosmtpd sink of
# ../shared/recipes/smtp_sink.py, started and stopped here by PID), with
# lists and recipients whose keys are valid, expired, revoked or missing.
# Every delivered message is read as its recipient would (tests/mail/
# check_mail.py: gpg decrypts and verifies it; no canary above the
# message's label; nothing but CLEAR outside encryption; notices hold
# nothing). Then: a second run sends nothing; 550 for one recipient leaves
# the others delivered and is reported; 451 is delivered on a later run;
# a new revision goes out as [UPDATE], to fewer people when its label rose;
# the journal shows both versions.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/servers/smtp.sh"
export LC_ALL=C

SINK=$TLPRESS_SHARED/recipes/smtp_sink.py
if ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || [ ! -f "$SINK" ]; then
	echo "1..0 # SKIP no aiosmtpd for /usr/bin/python3 (apt-get install python3-aiosmtpd) or no $SINK"
	exit 0
fi

S=$(mktemp -d /tmp/tlpress-mail.XXXXXX)
G=$(mktemp -d /tmp/tg.XXXXXX)
trap 'smtp_stop; gpgconf --homedir "$G" --kill all 2>/dev/null; rm -rf "$S" "$G" "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
export TLPRESS_NOW=2026-11-28T12:00:00Z

sh "$TOP/tests/gpg/mkhome.sh" "$G" >"$TMP/mk" 2>&1
ok $? "a throwaway GnuPG home with the test keys"
gpg --homedir "$G" --batch --pinentry-mode loopback --passphrase '' \
	--quick-gen-key 'Ops Desk <ops@test.invalid>' future-default default never 2>/dev/null
gpg --homedir "$G" --batch --pinentry-mode loopback --passphrase '' \
	--quick-gen-key 'Bounces <bad@test.invalid>' future-default default never 2>/dev/null
gpg --homedir "$G" --batch --pinentry-mode loopback --passphrase '' \
	--quick-gen-key 'Schleuder list <schleuder@lists.test.invalid>' future-default default never 2>/dev/null
fpr() { gpg --homedir "$G" --batch --with-colons --list-keys "<$1>" 2>/dev/null | awk -F: '/^fpr/ { print $10; exit }'; }
SIGNER=$(fpr signer@test.invalid)

W=$S/w
mkdir -p "$W/adv"
cat > "$W/everyone.txt" <<EOF
valid@test.invalid $(fpr valid@test.invalid) Org A
expired@test.invalid $(fpr expired@test.invalid) Org B
missing@test.invalid 0123456789ABCDEF0123456789ABCDEF01234567 Org C
ops@test.invalid $(fpr ops@test.invalid) Org A
EOF
cat > "$W/amber-ops.txt" <<EOF
ops@test.invalid $(fpr ops@test.invalid) Org A
nosign@test.invalid $(fpr nosign@test.invalid) Org A
bad@test.invalid $(fpr bad@test.invalid) Org A
EOF
cat > "$W/public-ann.txt" <<EOF
valid@test.invalid $(fpr valid@test.invalid)
ops@test.invalid $(fpr ops@test.invalid)
EOF

# adv ID TLP STATUS EXTRA-FRONT BODY
adv() {
	{
		printf -- '---\nid: %s\ntitle: "Test advisory %s"\nlang: en\ntlp: %s\nstatus: %s\n' "$1" "$1" "$2" "$3"
		printf 'audience: [oes-ci, public]\n'
		[ -n "$4" ] && printf '%s\n' "$4"
		printf 'revisions:\n  - {version: 1, date: 2026-11-20T10:00:00Z, summary: "First."}\n'
		[ -n "${REV2:-}" ] && printf '%s\n' "$REV2"
		printf -- '---\n%s\n' "$5"
	} > "$W/adv/$1.md"
}
BODY1='The public part, with CANARY-CLEAR-0001 in it.

## For partners [TLP:GREEN]

Partners read CANARY-GREEN-0001 here.

## Details [TLP:AMBER]

Only the cleared read CANARY-AMBER-0001 here.'
adv T-2026-0001 CLEAR final 'recipients: [amber-ops]' "$BODY1"
adv T-2026-0002 RED final 'recipients: [valid@test.invalid, revoked@test.invalid]' \
	'For the named recipients only: CANARY-RED-0002.'
adv T-2026-0003 AMBER final 'recipients: [amber-ops, schleuder]' 'Amber body with CANARY-AMBER-0003.'
adv T-2026-0004 CLEAR draft '' 'A draft: CANARY-DRAFT-0004 must go nowhere.'
adv T-2026-0005 CLEAR final 'embargo: 2026-12-01T09:00:00Z' 'Embargoed: CANARY-EMBARGO-0005 must wait.'
BODY7='Public part of the seventh, CANARY-CLEAR-0007.

## Incident details [TLP:AMBER+STRICT]

Only one organization reads CANARY-STRICT-0007.'
adv T-2026-0007 CLEAR final 'recipients: [amber-ops, everyone]' "$BODY7"
printf 'CANARY-CLEAR-0007\tTLP:CLEAR\nCANARY-STRICT-0007\tTLP:AMBER+STRICT\nCANARY-CLEAR-0001\tTLP:CLEAR\nCANARY-GREEN-0001\tTLP:GREEN\nCANARY-AMBER-0001\tTLP:AMBER\nCANARY-RED-0002\tTLP:RED\nCANARY-AMBER-0003\tTLP:AMBER\nCANARY-DRAFT-0004\tTLP:RED\nCANARY-EMBARGO-0005\tTLP:RED\n' > "$W/canaries.tsv"

run "$TLPRESS" check "$W/adv"
check 0 "the test advisories are valid"

smtp_start "$S/sink" --reject-rcpt '^bad@' 2>"$TMP/err"
ok $? "SMTP sink on 127.0.0.1:$SMTP_PORT, rejecting bad@ with 550"
[ -n "$SMTP_PID" ] || { sed 's/^/# /' "$TMP/err"; done_testing; }
MAIL=$S/sink/mail

conf() { # FILE PORT
	cat > "$1" <<EOF
publisher:
  name: Test CSIRT
  contact_details: cert@test.invalid
site:
  output: $W/public
signing:
  key: signer@test.invalid
  gnupghome: $G
smtp:
  url: smtp://127.0.0.1:$2/tlpress.test.invalid
  from: advisories@test.invalid
mail:
  retry_minutes: 0
lists:
  - name: everyone
    address: everyone@lists.test.invalid
    tlp: GREEN
    members: $W/everyone.txt
  - name: amber-ops
    address: amber-ops@lists.test.invalid
    tlp: AMBER+STRICT
    audience: [oes-ci]
    members: $W/amber-ops.txt
  - name: public-ann
    address: public-ann@lists.test.invalid
    tlp: CLEAR
    members: $W/public-ann.txt
  - name: schleuder
    address: schleuder@lists.test.invalid
    tlp: AMBER
    mode: list-key
    key: $(fpr schleuder@lists.test.invalid)
advisories: $W/adv
templates: $TOP/templates
state: $W/state
EOF
}
conf "$W/t.yml" "$SMTP_PORT"

count() { find "$MAIL" -path '*/new/*' -type f 2>/dev/null | wc -l; }
got() { # ADDRESS: the summary lines of what ADDRESS holds
	grep "^$1	" "$TMP/summary" || true
}

run "$TLPRESS" mail -n -C "$W/t.yml"
check 1 "tlpress mail -n: exit 1, as the run will (key notices need attention)"
check_grep "would send a key notice for T-2026-0001" "it names the key notices"
[ "$(count)" -eq 0 ]
ok $? "and sends nothing"

run "$TLPRESS" mail -C "$W/t.yml"
check 1 "tlpress mail: exit 1 (a 550 and key notices need attention)"
check_grep "refused for good by the server: 550" "the 550 is reported"
check_grep "notice of" "the key notices are reported"
check_grep "T-2026-0007: TLP:AMBER+STRICT not sent to list everyone" \
	"AMBER+STRICT to a list of several organizations is refused and reported"
cp "$TMP/out" "$TMP/first"
/usr/bin/python3 "$TOP/tests/mail/check_mail.py" "$MAIL" "$G" "$SIGNER" "$W/canaries.tsv" > "$TMP/summary" 2>&1
ok $? "every delivered message decrypts or verifies, and no canary reached anyone not cleared for it"
grep -E '^(LEAK|BAD)' "$TMP/summary" | head -10 | sed 's/^/#   /'
n=$(count)
[ "$(got valid@test.invalid | wc -l)" -eq 3 ] &&
	got valid@test.invalid | grep -q "encrypted	TLP:GREEN	.*T-2026-0001" &&
	got valid@test.invalid | grep -q "encrypted	TLP:RED	.*T-2026-0002"
ok $? "valid@: T-0001 at GREEN (its highest route) and T-0002 at RED, both encrypted"
got ops@test.invalid | grep -q "encrypted	TLP:AMBER	.*T-2026-0001" &&
	got ops@test.invalid | grep -q "encrypted	TLP:AMBER	.*T-2026-0003" &&
	[ "$(got ops@test.invalid | grep -c 'T-2026-0001')" -eq 1 ]
ok $? "ops@, reached by three lists: one message per advisory, at AMBER"
got expired@test.invalid | grep -q "notice	TLP:CLEAR	.*you missed T-2026-0001" &&
	[ "$(got expired@test.invalid | grep -v notice | grep -vc "signed	TLP:CLEAR" || true)" -eq 0 ] &&
	[ "$(got missing@test.invalid | grep -v notice | grep -vc "signed	TLP:CLEAR" || true)" -eq 0 ]
ok $? "expired@ and missing@: a key notice for what needs encryption, CLEAR only signed"
got revoked@test.invalid | grep -q notice && [ "$(got revoked@test.invalid | wc -l)" -eq 1 ]
ok $? "revoked@ (a named RED recipient) got only a key notice"
[ ! -d "$MAIL/bad@test.invalid" ] && got nosign@test.invalid | grep -q "encrypted	TLP:AMBER"
ok $? "bad@ was refused (550) while nosign@ on the same list got its mail"
! grep -rq 'CANARY-DRAFT-0004\|CANARY-EMBARGO-0005' "$MAIL"
ok $? "nothing of the draft or the embargoed advisory was sent"
got ops@test.invalid | grep -q "encrypted	TLP:AMBER+STRICT	.*T-2026-0007" &&
	got nosign@test.invalid | grep -q "encrypted	TLP:AMBER+STRICT	.*T-2026-0007" &&
	got valid@test.invalid | grep -q "T-2026-0007"
ok $? "T-0007: AMBER+STRICT to the one-organization list, its public part to the others"
[ "$(got schleuder@lists.test.invalid | grep -c T-2026-0003)" -eq 1 ] &&
	got schleuder@lists.test.invalid | grep -q "encrypted	TLP:AMBER	.*T-2026-0003"
ok $? "a list-key list gets one message, encrypted to the list's own key"

# a second run sends nothing
run "$TLPRESS" mail -C "$W/t.yml"
check 0 "a second run: exit 0"
[ "$(count)" -eq "$n" ]
ok $? "and sends nothing ($n messages before and after)"

# what the journal says
run "$TLPRESS" log -C "$W/t.yml" T-2026-0001
check 0 "tlpress log T-2026-0001"
check_grep "bad@test.invalid" "names the refused recipient"
check_grep "failed-permanent" "with its state"
check_grep "encrypted to $(fpr ops@test.invalid)" "and the key each mail was encrypted to"
check_grep "skipped-no-key" "and the key notices"
cp "$TMP/out" "$TMP/log-upper"
run "$TLPRESS" log -C "$W/t.yml" t-2026-0001
check 0 "tlpress log t-2026-0001 (lower case)"
cmp -s "$TMP/out" "$TMP/log-upper"
ok $? "shows the same as T-2026-0001"
run "$TLPRESS" status -C "$W/t.yml"
check_grep "failed" "tlpress status shows the failed mail"

# 451 on the first tries: delivered on a later run; an update goes as [UPDATE]
smtp_stop
smtp_start "$S/sink" --reject-rcpt '^bad@' --fail-first 2 --fail-code '451 4.3.0 Try again later' 2>"$TMP/err"
ok $? "the sink again, deferring the first two messages with 451"
conf "$W/t.yml" "$SMTP_PORT"
REV2='  - {version: 2, date: 2026-11-27T10:00:00Z, summary: "Second."}' \
	adv T-2026-0003 AMBER final 'recipients: [amber-ops, schleuder]' 'Amber body, revised, with CANARY-AMBER-0003.'
before=$(count)
run "$TLPRESS" mail -C "$W/t.yml"
check 1 "a revision deferred by 451 (and refused for bad@): exit 1"
check_grep "deferred by the server: 451" "the deferral is reported"
run "$TLPRESS" mail -C "$W/t.yml"
check 0 "the next run delivers what was deferred"
/usr/bin/python3 "$TOP/tests/mail/check_mail.py" "$MAIL" "$G" "$SIGNER" "$W/canaries.tsv" > "$TMP/summary" 2>&1
ok $? "all messages still check"
got ops@test.invalid | grep -q "\[UPDATE\] T-2026-0003" && got nosign@test.invalid | grep -q "\[UPDATE\] T-2026-0003"
ok $? "ops@ and nosign@ got the [UPDATE]"
[ "$(count)" -eq $((before + 3)) ]
ok $? "exactly three more messages arrived: ops@, nosign@, the schleuder list ($before, then $(count))"
run "$TLPRESS" log -C "$W/t.yml" T-2026-0003
grep -q 'v1 .*ops@test.invalid' "$TMP/out" && grep -q 'v2 .*ops@test.invalid' "$TMP/out"
ok $? "the journal shows both versions for ops@"

# a new revision whose label rose: fewer recipients
REV2='  - {version: 2, date: 2026-11-27T10:00:00Z, summary: "Raised to AMBER."}' \
	adv T-2026-0001 AMBER final 'recipients: [amber-ops]' 'Now all AMBER: CANARY-AMBER-0001 and CANARY-GREEN-0001.'
printf 'CANARY-CLEAR-0001\tTLP:CLEAR\n' >/dev/null
before=$(count)
run "$TLPRESS" mail -C "$W/t.yml"
/usr/bin/python3 "$TOP/tests/mail/check_mail.py" "$MAIL" "$G" "$SIGNER" "$W/canaries.tsv" > "$TMP/summary" 2>&1
ok $? "after the label rose, no canary reached anyone not cleared"
[ "$(got valid@test.invalid | grep -c 'T-2026-0001')" -eq 1 ] &&
	[ "$(got ops@test.invalid | grep -c 'T-2026-0001')" -eq 2 ]
ok $? "the AMBER revision went to amber-ops (ops@) and not to the GREEN and CLEAR lists (valid@)"

# tlpress publish sends what is due after building the site
adv T-2026-0006 AMBER final 'recipients: [amber-ops]' 'Published with CANARY-AMBER-0006.'
printf 'CANARY-AMBER-0006\tTLP:AMBER\n' >> "$W/canaries.tsv"
before=$(count)
run "$TLPRESS" publish -C "$W/t.yml"
check 1 "tlpress publish: the site, then the mail (exit 1: bad@ refused with 550)"
check_grep "sent T-2026-0006 v1 to ops@test.invalid (TLP:AMBER, encrypted to $(fpr ops@test.invalid))" \
	"the new AMBER advisory went by mail"
! grep -rq CANARY-AMBER-0006 "$W/public"
ok $? "and not to the site"
/usr/bin/python3 "$TOP/tests/mail/check_mail.py" "$MAIL" "$G" "$SIGNER" "$W/canaries.tsv" > "$TMP/summary" 2>&1
ok $? "every message checks"
[ "$(count)" -eq $((before + 2)) ]
ok $? "two messages (ops@, nosign@; bad@ refused at RCPT)"

# the recipient keys, for a weekly cron job
run "$TLPRESS" keys -C "$W/t.yml" --check
check 1 "tlpress keys --check: exit 1, recipient keys need action"
check_grep "recipient expired@test.invalid (everyone)" "names the expired key and its list"
check_grep "revoked@test.invalid (T-2026-0002)" "names the revoked named recipient"
check_grep "missing@test.invalid (everyone): key 0123456789ABCDEF0123456789ABCDEF01234567 missing" \
	"names the missing key"
check_nogrep "recipient ops@test.invalid" "does not complain about a good key"

smtp_stop
done_testing
