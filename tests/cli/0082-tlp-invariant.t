#!/bin/sh
# The TLP invariant, end to end (issue 9, point 3): a corpus of 150
# advisories from bench/gen-corpus (every label, marked sections, drafts,
# embargoes, downgrades; each restricted part carries a unique canary) and
# one advisory of our own with an AMBER+STRICT section for a
# single-organization list, published with `tlpress publish` (signed) to a
# real nginx WebDAV server and mailed to the aiosmtpd sink, to lists of
# every clearance (CLEAR, GREEN, AMBER, AMBER+STRICT of one organization, a
# list-key list) and the named (RED) recipients, each with a throwaway key.
# Then every byte that left tlpress is checked (tests/mail/tlp_leaks.py):
# the server's document root against CANARIES.tsv (only `public` canaries,
# and all of them), every delivered message, decrypted with its
# recipient's key, against the clearance of that recipient for that
# advisory, computed from the front matter and the lists, not from what
# tlpress says. A self-check plants a restricted canary in a copy of the
# document root and in a fake message: the checker must count each leak.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/servers/servers.sh"
. "$TOP/tests/servers/smtp.sh"
export LC_ALL=C
PY=/usr/bin/python3
LEAKS=$TOP/tests/mail/tlp_leaks.py

if [ ! -x /usr/sbin/nginx ] || ! command -v curl >/dev/null 2>&1 || ! smtp_available; then
	echo "1..0 # SKIP nginx, curl or aiosmtpd missing (apt-get install nginx curl python3-aiosmtpd)"
	exit 0
fi

S=$(mktemp -d /tmp/tlpress-tlp.XXXXXX)
G=$(mktemp -d /tmp/tg.XXXXXX)
trap 'servers_stop; smtp_stop; gpgconf --homedir "$G" --kill all 2>/dev/null; rm -rf "$S" "$G" "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
export TLPRESS_NOW=2026-11-28T12:00:00Z
export TLPRESS_BACKOFF_MS=50
W=$S/w
mkdir -p "$W"

# the corpus, and our own advisory for the AMBER+STRICT list
$PY "$TOP/bench/gen-corpus" 150 7 "$W/adv" >"$TMP/gen" 2>&1
ok $? "gen-corpus: $(cat "$TMP/gen")"
cat > "$W/adv/E2E-2026-0001.md" <<'EOF'
---
id: E2E-2026-0001
title: "Grid operator incident (CANARY-PUBTITLE-9000001)"
lang: en
tlp: CLEAR
status: final
audience: [oes-ci, public]
recipients: [oes-energy]
revisions:
  - {version: 1, date: 2026-11-25T10:00:00Z, summary: "First."}
---
Public part: CANARY-PUBBODY-9000002.

## For the grid operator only [TLP:AMBER+STRICT]

The operator's own indicators: CANARY-SECTION-9000003.
EOF
printf 'CANARY-PUBTITLE-9000001\tE2E-2026-0001.md\ttitle\tCLEAR\tpublic\nCANARY-PUBBODY-9000002\tE2E-2026-0001.md\tbody\tCLEAR\tpublic\nCANARY-SECTION-9000003\tE2E-2026-0001.md\tbody\tAMBER+STRICT\tsection\n' \
	>> "$W/adv/CANARIES.tsv"
for r in public section label draft embargo downgrade-pending; do
	printf '%s=%s ' "$r" "$(awk -F'\t' -v r="$r" '$5 == r' "$W/adv/CANARIES.tsv" | wc -l)"
done > "$TMP/reasons"
for l in CLEAR GREEN AMBER AMBER+STRICT RED; do
	printf '%s=%s ' "$l" "$(grep -c "^tlp: $l\$" "$W/adv/"*.md | awk -F: '{ s += $2 } END { print s }')"
done > "$TMP/labels"
! grep -q '=0 ' "$TMP/reasons" "$TMP/labels"
ok $? "every reason and label is there: $(cat "$TMP/reasons")/ $(cat "$TMP/labels")"
diag "canaries by reason: $(cat "$TMP/reasons")" "advisories by tlp: $(cat "$TMP/labels")"

# keys: the signer (mkhome.sh), every named recipient, every list member,
# the list-key list: one throwaway key each, generated in one gpg run
sh "$TOP/tests/gpg/mkhome.sh" "$G" >"$TMP/mk" 2>&1
ok $? "a throwaway GnuPG home with the signing key"
awk '/^recipients:/ { r = 1; next } r && /^  - / { print $2; next } { r = 0 }' "$W/adv/"*.md |
	grep @ | tr 'A-Z' 'a-z' | sort -u > "$W/named.txt"
cat > "$W/members.tsv" <<'EOF'
energy	ops@elektranet.example	elektranet
energy	noc@elektranet.example	elektranet
sector	cert@aqua-meuse.example	aqua-meuse
partners	partner@banque-hainaut.example	banque-hainaut
partners	cert@aqua-meuse.example	aqua-meuse
green	g1@zorgnet-limburg.example	zorgnet-limburg
clear	reader@public.example	none
EOF
{ cat "$W/named.txt"; cut -f2 "$W/members.tsv"; echo partners-lk@lists.test.invalid; } | sort -u > "$W/keyed.txt"
sh "$TOP/tests/gpg/addkeys.sh" "$G" < "$W/keyed.txt"
fpr() { gpg --homedir "$G" --batch --with-colons --list-keys "<$1>" 2>/dev/null | awk -F: '/^fpr/ { print $10; exit }'; }
n=0
while read -r a; do [ -n "$(fpr "$a")" ] && n=$((n + 1)); done < "$W/keyed.txt"
[ "$n" -eq "$(wc -l < "$W/keyed.txt")" ] && [ "$n" -gt 40 ]
ok $? "a key for each of the $n recipients ($(wc -l < "$W/named.txt") named in the corpus)"
SIGNER=$(fpr signer@test.invalid)

# the lists: every clearance; LISTS.tsv says the same to the checker
for g in energy sector partners green clear; do
	awk -F'\t' -v g="$g" '$1 == g { print $2 }' "$W/members.tsv" | while read -r a; do
		printf '%s %s %s\n' "$a" "$(fpr "$a")" "$(awk -F'\t' -v a="$a" '$2 == a { print $3; exit }' "$W/members.tsv")"
	done > "$W/m-$g.txt"
done
{
	printf 'oes-energy\tAMBER+STRICT\toes-ci\texpand\toes-energy@lists.test.invalid\tm-energy.txt\n'
	for l in oes-water drinking-water-operators oes-transport public-transport-operators oes-finance \
		fmi-operators oes-health hospitals-ciso oes-digital telecom-operators administrations-ict; do
		printf '%s\tAMBER\toes-ci\texpand\t%s@lists.test.invalid\tm-sector.txt\n' "$l" "$l"
	done
	printf 'ccb-partners\tAMBER\tpublic-services\texpand\tccb-partners@lists.test.invalid\tm-partners.txt\n'
	printf 'green-community\tGREEN\tcompanies,administrations\texpand\tgreen-community@lists.test.invalid\tm-green.txt\n'
	printf 'public-ann\tCLEAR\tpublic\texpand\tpublic-ann@lists.test.invalid\tm-clear.txt\n'
	printf 'partners-lk\tAMBER\tadministrations\tlist-key\tpartners-lk@lists.test.invalid\t-\n'
} > "$W/lists.tsv"
# every list the corpus names is configured
awk '/^recipients:/ { r = 1; next } r && /^  - / { print $2; next } { r = 0 }' "$W/adv/"*.md |
	grep -v @ | sort -u > "$TMP/named-lists"
cut -f1 "$W/lists.tsv" | sort | comm -23 "$TMP/named-lists" - > "$TMP/unconfigured"
[ ! -s "$TMP/unconfigured" ]
ok $? "every list the corpus names is configured ($(wc -l < "$TMP/named-lists") named)"

webdav_start "$S/dav" uploader 'pw e2e' 2>"$TMP/err"
ok $? "nginx with WebDAV on 127.0.0.1:$WEBDAV_PORT"
[ -n "$WEBDAV_PID" ] || { sed 's/^/# /' "$TMP/err"; done_testing; }
smtp_start "$S/sink" 2>"$TMP/err"
ok $? "the SMTP sink on 127.0.0.1:$SMTP_PORT"
[ -n "$SMTP_PID" ] || { sed 's/^/# /' "$TMP/err"; done_testing; }
DOCROOT=$S/dav/www/site
printf 'machine 127.0.0.1\nlogin uploader\npassword "pw e2e"\n' > "$S/netrc"
chmod 600 "$S/netrc"

{
	cat <<EOF
publisher:
  name: Test CSIRT
  contact_details: cert@test.invalid
site:
  output: $W/public
  target: http://127.0.0.1:$WEBDAV_PORT/site/
  netrc: $S/netrc
  retries: 2
  timeout: 20
signing:
  key: $SIGNER
  gnupghome: $G
smtp:
  url: smtp://127.0.0.1:$SMTP_PORT/tlpress.test.invalid
  from: advisories@test.invalid
  timeout: 60
lists:
EOF
	while IFS='	' read -r name tlp aud mode addr members; do
		printf '  - name: %s\n    address: %s\n    tlp: %s\n    audience: [%s]\n' "$name" "$addr" "$tlp" \
			"$(echo "$aud" | sed 's/,/, /g')"
		if [ "$mode" = list-key ]; then
			printf '    mode: list-key\n    key: %s\n' "$(fpr "$addr")"
		else
			printf '    members: %s\n' "$W/$members"
		fi
	done < "$W/lists.tsv"
	printf 'advisories: %s\ntemplates: %s\nstate: %s\n' "$W/adv" "$TOP/templates" "$W/state"
} > "$W/t.yml"

run "$TLPRESS" check -C "$W/t.yml" "$W/adv"
check 0 "tlpress check: the corpus and the lists agree"

start=$(date +%s)
run "$TLPRESS" publish -C "$W/t.yml"
check 0 "tlpress publish: the site to nginx, the mail to the sink"
cp "$TMP/out" "$S/publish.out"
grep -E '^(built|signed|not published|published|sent|mail)' "$S/publish.out" | grep -v '^sent ' | head -8 | sed 's/^/#   /'
diag "publish took $(( $(date +%s) - start )) s"
nfiles=$(find "$DOCROOT" -type f | wc -l)
nmsg=$(find "$SMTP_MAILDIR" -path '*/new/*' -type f | wc -l)
[ "$nfiles" -gt 500 ] && [ "$nmsg" -gt 100 ]
ok $? "something left: $nfiles files on the server, $nmsg messages in the sink"
(cd "$W/public" && find . -type f | sort) > "$TMP/l.lst"
(cd "$DOCROOT" && find . -type f | sort) > "$TMP/r.lst"
cmp -s "$TMP/l.lst" "$TMP/r.lst" && diff -r "$W/public" "$DOCROOT" >/dev/null
ok $? "the server's document root is the local tree"

# (a) the document root
start=$(date +%s)
$PY "$LEAKS" site "$DOCROOT" "$W/adv/CANARIES.tsv" > "$TMP/site" 2>&1
ok $? "the document root: no restricted canary, every public one"
grep -E '^(LEAK|MISSING)' "$TMP/site" | head -10 | sed 's/^/#   /'
sitesum=$(tail -1 "$TMP/site")
diag "site: ${sitesum#\# }"

# (b) every delivered message, as its recipient reads it
TLP_LEAKS_FOUND=$S/found $PY "$LEAKS" mail "$SMTP_MAILDIR" "$G" "$SIGNER" "$W/adv/CANARIES.tsv" "$W/adv" "$W/lists.tsv" \
	> "$TMP/mail" 2>&1
ok $? "every message: decrypted with its recipient's key, no canary above that recipient's clearance"
grep -E '^(LEAK|BAD)' "$TMP/mail" | head -10 | sed 's/^/#   /'
mailsum=$(tail -1 "$TMP/mail")
diag "mail: ${mailsum#\# }" "checking took $(( $(date +%s) - start )) s"

# every clearance was exercised: RED to a named recipient, AMBER+STRICT to
# the one-organization list, AMBER, GREEN, CLEAR signed only
for want in 'TLP:RED' 'TLP:AMBER+STRICT' 'TLP:AMBER' 'TLP:GREEN' 'TLP:CLEAR'; do
	grep -rlx -m1 "X-TLP: $want" "$SMTP_MAILDIR" 2>/dev/null | head -1
done > "$TMP/kinds"
[ "$(wc -l < "$TMP/kinds")" -eq 5 ] &&
	grep -q "E2E-2026-0001" "$(grep -rlx 'X-TLP: TLP:AMBER+STRICT' "$SMTP_MAILDIR/ops@elektranet.example/new" | head -1)" &&
	[ -n "$(ls "$SMTP_MAILDIR/partners-lk@lists.test.invalid/new" 2>/dev/null)" ] &&
	[ -n "$(ls "$SMTP_MAILDIR/reader@public.example/new" 2>/dev/null)" ]
ok $? "messages of every label went out: RED, AMBER+STRICT (to the one-organization list), AMBER, GREEN, CLEAR; list-key list too"
grep -q '^ops@elektranet.example	CANARY-SECTION-9000003	encrypted' "$S/found" &&
	grep -q '^noc@elektranet.example	CANARY-SECTION-9000003	encrypted' "$S/found"
ok $? "the AMBER+STRICT section reached both members of the one-organization list"
cut -f2 "$S/found" | sort -u > "$TMP/reached"
awk -F'\t' '$5 != "public" { print $1 }' "$W/adv/CANARIES.tsv" | sort | comm -12 - "$TMP/reached" > "$TMP/rr"
awk -F'\t' '$4 == "RED" { print $1 }' "$W/adv/CANARIES.tsv" | sort | comm -12 - "$TMP/reached" > "$TMP/red"
[ -s "$TMP/rr" ] && [ -s "$TMP/red" ]
ok $? "restricted canaries did reach the cleared: $(wc -l < "$TMP/rr") distinct, $(wc -l < "$TMP/red") of them RED"

# totals
L1=$(echo "$sitesum" | awk '{ print $2 }')
L2=$(echo "$mailsum" | awk '{ print $2 }')
K1=$(echo "$sitesum" | sed -n 's/.* \([0-9]*\) canaries checked.*/\1/p')
K2=$(echo "$mailsum" | sed -n 's/.* \([0-9]*\) canaries checked.*/\1/p')
echo "# $((L1 + L2)) leaks in $nfiles files and $nmsg messages, $((K1 + K2)) canaries checked" \
	"($K1 in CANARIES.tsv against the site, $K2 found in messages)"

# the checker can fail: a restricted canary planted in a copy of the root
cp -r "$DOCROOT" "$S/planted"
red=$(awk -F'\t' '$4 == "RED" && $5 == "label" { print $1; exit }' "$W/adv/CANARIES.tsv")
page=$(find "$S/planted/advisories" -name '*.html' | head -1)
printf '<p>%s</p>\n' "$red" >> "$page"
$PY "$LEAKS" site "$S/planted" "$W/adv/CANARIES.tsv" > "$TMP/planted" 2>&1
prc=$?
[ $prc -eq 1 ] && grep -q "^# 1 leaks in" "$TMP/planted" && grep -q "^LEAK .*$red" "$TMP/planted"
ok $? "self-check: $red planted in ${page#$S/planted/} is counted as 1 leak (exit $prc)"
# and in a fake message: a signed-looking CLEAR mail to a GREEN reader that
# carries an AMBER section canary of its advisory
amber=$(awk -F'\t' '$4 == "AMBER" && $5 == "section" { print $1 "\t" $2; exit }' "$W/adv/CANARIES.tsv")
aid=$(printf '%s' "$amber" | cut -f2 | sed 's/\.md$//')
mkdir -p "$S/fake/g1@zorgnet-limburg.example/new"
printf 'From: advisories@test.invalid\nTo: g1@zorgnet-limburg.example\nSubject: [TLP:CLEAR] %s\nX-TLP: TLP:CLEAR\nContent-Type: text/plain\n\nPublic text and %s.\n' \
	"$aid" "$(printf '%s' "$amber" | cut -f1)" > "$S/fake/g1@zorgnet-limburg.example/new/1.fake"
$PY "$LEAKS" mail "$S/fake" "$G" "$SIGNER" "$W/adv/CANARIES.tsv" "$W/adv" "$W/lists.tsv" > "$TMP/fake" 2>&1
prc=$?
[ $prc -eq 1 ] && grep -q "^# 1 leaks in 1 messages" "$TMP/fake"
ok $? "self-check: an AMBER canary in a plain message to a GREEN reader is counted as 1 leak (exit $prc)"
sed -n '1,3p' "$TMP/fake" | sed 's/^/#   /'

servers_stop
smtp_stop
done_testing
