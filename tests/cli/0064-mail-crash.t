#!/bin/sh
# Exactly once, under SIGKILL: a batch of 200 encrypted mails (20 AMBER
# advisories to a list of 10), `tlpress mail` killed with SIGKILL at 20
# random moments, rerun after each, then run to the end. Every recipient
# must hold every Message-ID meant for it; a Message-ID may arrive twice
# only when a run died between the server's acceptance and the journal's
# update (at most one per kill), and then byte-identical (the journal sends
# the stored bytes, never a rebuilt message); the journal says sent for
# every one, and never for a mail the server did not take.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/servers/smtp.sh"
export LC_ALL=C

if ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || [ ! -f "$TLPRESS_SHARED/recipes/smtp_sink.py" ]; then
	echo "1..0 # SKIP no aiosmtpd for /usr/bin/python3 (apt-get install python3-aiosmtpd)"
	exit 0
fi

S=$(mktemp -d /tmp/tlpress-crash.XXXXXX)
G=$(mktemp -d /tmp/tg.XXXXXX)
trap 'smtp_stop; gpgconf --homedir "$G" --kill all 2>/dev/null; rm -rf "$S" "$G" "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
export TLPRESS_NOW=2026-11-28T12:00:00Z

sh "$TOP/tests/gpg/mkhome.sh" "$G" >"$TMP/mk" 2>&1
ok $? "a throwaway GnuPG home"
fpr() { gpg --homedir "$G" --batch --with-colons --list-keys "<$1>" 2>/dev/null | awk -F: '/^fpr/ { print $10; exit }'; }
mkdir -p "$S/adv"
: > "$S/members.txt"
i=1
while [ $i -le 10 ]; do
	gpg --homedir "$G" --batch --pinentry-mode loopback --passphrase '' \
		--quick-gen-key "Member $i <m$i@test.invalid>" future-default default never 2>/dev/null
	echo "m$i@test.invalid $(fpr m$i@test.invalid) Org" >> "$S/members.txt"
	i=$((i + 1))
done
[ "$(grep -c ' [0-9A-F]\{40\} ' "$S/members.txt")" -eq 10 ]
ok $? "ten members with their keys"
i=1
while [ $i -le 20 ]; do
	id=$(printf 'T-2026-%04d' "$i")
	printf -- '---\nid: %s\ntitle: "Batch advisory %d"\nlang: en\ntlp: AMBER\nstatus: final\naudience: [oes-ci]\nrecipients: [ops]\nrevisions:\n  - {version: 1, date: 2026-11-20T10:00:00Z, summary: "First."}\n---\nBody of advisory %d, for the ops list only.\n' \
		"$id" "$i" "$i" > "$S/adv/$id.md"
	i=$((i + 1))
done

smtp_start "$S/sink" 2>"$TMP/err"
ok $? "SMTP sink on 127.0.0.1:$SMTP_PORT"
[ -n "$SMTP_PID" ] || done_testing
cat > "$S/t.yml" <<EOF
signing:
  key: signer@test.invalid
  gnupghome: $G
smtp:
  url: smtp://127.0.0.1:$SMTP_PORT/tlpress.test.invalid
  from: advisories@test.invalid
lists:
  - {name: ops, address: ops@lists.test.invalid, tlp: AMBER, members: $S/members.txt}
site:
  output: $S/public
advisories: $S/adv
templates: $TOP/templates
state: $S/state
EOF

kills=0 k=0
while [ $k -lt 20 ]; do
	c0=$(find "$SMTP_MAILDIR" -path '*/new/*' -type f 2>/dev/null | wc -l)
	"$TLPRESS" mail -C "$S/t.yml" -q >/dev/null 2>&1 &
	pid=$!
	# a random moment: on even rounds anywhere from the start (while it
	# reads keys, encrypts and journals), on odd rounds once the server has
	# taken a message of this run (while it sends), so that a loaded
	# machine cannot make every kill land before the first delivery
	if [ $((k % 2)) -eq 1 ]; then
		w=0
		while [ $w -lt 400 ] && kill -0 $pid 2>/dev/null &&
		      [ "$(find "$SMTP_MAILDIR" -path '*/new/*' -type f 2>/dev/null | wc -l)" -le "$c0" ]; do
			sleep 0.05
			w=$((w + 1))
		done
		sleep "0.$(od -An -N2 -tu2 /dev/urandom | tr -d ' ' | cut -c1-2)"
	else
		sleep "0.$(od -An -N2 -tu2 /dev/urandom | tr -d ' ' | cut -c1-3)"
	fi
	if kill -KILL $pid 2>/dev/null; then
		kills=$((kills + 1))
	fi
	wait $pid 2>/dev/null
	k=$((k + 1))
done
before=$(find "$SMTP_MAILDIR" -path '*/new/*' -type f | wc -l)
[ "$before" -gt 0 ]
ok $? "the killed runs were sending: $before of 200 delivered before the last run"
run "$TLPRESS" mail -C "$S/t.yml"
check 0 "after $kills kills, a run to the end exits 0"
run "$TLPRESS" mail -C "$S/t.yml"
check 0 "and another sends nothing more"
check_grep "0 sent, 200 sent before" "the journal has all 200 as sent"

# what the server holds
for d in "$SMTP_MAILDIR"/m*@test.invalid/new; do
	for f in "$d"/*; do
		printf '%s %s\n' "$(grep -m1 -i '^Message-ID:' "$f" | tr -d '\r' | awk '{print $2}')" "$f"
	done
done | sort > "$TMP/ids"
distinct=$(awk '{print $1}' "$TMP/ids" | sort -u | wc -l)
total=$(wc -l < "$TMP/ids")
[ "$distinct" -eq 200 ]
ok $? "every recipient holds every Message-ID meant for it: $distinct distinct of 200"
dups=$((total - distinct))
[ "$dups" -le "$kills" ]
ok $? "duplicates ($dups) only of in-flight messages: at most one per kill ($kills)"
same=0 diff=0
for id in $(awk '{print $1}' "$TMP/ids" | uniq -d); do
	set -- $(awk -v id="$id" '$1 == id { print $2 }' "$TMP/ids")
	first=$1
	shift
	for f in "$@"; do
		if cmp -s "$first" "$f"; then same=$((same + 1)); else diff=$((diff + 1)); fi
	done
done
[ "$diff" -eq 0 ]
ok $? "and byte-identical ($same identical, $diff different)"
run "$TLPRESS" log -C "$S/t.yml"
[ "$(grep -c ' sent ' "$TMP/out")" -eq 200 ]
ok $? "tlpress log lists 200 mails as sent"

smtp_stop
done_testing
