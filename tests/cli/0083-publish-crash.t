#!/bin/sh
# Crash consistency of `tlpress publish` (issue 9, point 4): a small signed
# corpus (bench/gen-corpus), nginx with WebDAV and the aiosmtpd sink; 50
# rounds in which `tlpress publish` is killed with SIGKILL at a random
# moment: in turn anywhere from the start (the build), after it wrote its
# first new signature (signing), after the server took its first upload of
# the run (nginx's access log grew) and after the sink took its first mail
# of the run. The corpus changes before every round (an edited body, a new
# revision, a re-label to AMBER, a new advisory from a reserve) so that the
# run has work in the phase it is to be killed in; every tenth round is
# then run to the end (and `tlpress verify` checks the tree). After every
# kill:
#   - the local tree (tests/site/check_tree.py, what `tlpress verify --key`
#     checks, with gpgv and a cache so that it is fast enough for every
#     round): every file the manifest lists is there with its size and
#     SHA-256, no file is outside it, every file has an .asc that verifies
#     with the signing key, the CSAF .sha256/.sha512 match, and every local
#     link of every HTML page resolves to a file of the tree (once a run
#     completed the tree: before, the earlier version is no tree at all);
#   - the journal: every mail `tlpress log` says sent is in the sink's
#     Maildir of its recipient (the server accepted it).
# At the end, after a clean run: the document root equals the local tree,
# the files fetched back over HTTP verify, the journal's sent mails are all in
# the sink, every mail a fresh run would send (a reference run into an
# outbox, same Message-IDs) was delivered at least once, and duplicates
# are byte-identical. ROUNDS=N runs N rounds instead of 50.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/servers/servers.sh"
. "$TOP/tests/servers/smtp.sh"
export LC_ALL=C
PY=/usr/bin/python3
ROUNDS=${ROUNDS:-50}

if [ ! -x /usr/sbin/nginx ] || ! command -v curl >/dev/null 2>&1 || ! smtp_available; then
	echo "1..0 # SKIP nginx, curl or aiosmtpd missing (apt-get install nginx curl python3-aiosmtpd)"
	exit 0
fi

S=$(mktemp -d /tmp/tlpress-pcrash.XXXXXX)
G=$(mktemp -d /tmp/tg.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; servers_stop; smtp_stop; gpgconf --homedir "$G" --kill all 2>/dev/null; rm -rf "$S" "$G" "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
export TLPRESS_NOW=2026-11-28T12:00:00Z
export TLPRESS_BACKOFF_MS=50
W=$S/w
SITEURL=https://advisories.test.invalid/
mkdir -p "$W"

# a signature made since the marker: in the live tree, or in the folder
# beside it where a build makes the next version (docs/build.md)
signed_since_marker() {
	find "$W/public" "$W/.public.tlpress-stage" -name '*.asc' -newer "$S/marker" 2>/dev/null | grep -q .
}

t0=$(date +%s)
# the corpus: 16 advisories now, 8 more held back for later rounds
$PY "$TOP/bench/gen-corpus" 24 5 "$S/all" >/dev/null 2>&1 &&
	$PY "$TOP/bench/gen-corpus" 16 5 "$W/adv" >/dev/null 2>&1
ok $? "gen-corpus: 16 advisories, 8 in reserve"
rm -f "$W/adv/CANARIES.tsv" "$S/all/CANARIES.tsv"
(cd "$S/all" && ls) | sort > "$TMP/all"
(cd "$W/adv" && ls) | sort | comm -23 "$TMP/all" - > "$S/reserve"

sh "$TOP/tests/gpg/mkhome.sh" "$G" >"$TMP/mk" 2>&1
fpr() { gpg --homedir "$G" --batch --with-colons --list-keys "<$1>" 2>/dev/null | awk -F: '/^fpr/ { print $10; exit }'; }
SIGNER=$(fpr signer@test.invalid)
gpg --homedir "$G" --batch --armor --export "$SIGNER" > "$S/signer.asc"
gpg --homedir "$G" --batch --export "$SIGNER" > "$S/signer.gpg"
awk '/^recipients:/ { r = 1; next } r && /^  - / { print $2; next } { r = 0 }' "$S/all/"*.md |
	grep @ | tr 'A-Z' 'a-z' | sort -u > "$S/named"
{ cat "$S/named"; echo ops@elektranet.example; echo soc@gridnet.example; } | sh "$TOP/tests/gpg/addkeys.sh" "$G"
printf 'ops@elektranet.example %s elektranet\nsoc@gridnet.example %s gridnet\n' \
	"$(fpr ops@elektranet.example)" "$(fpr soc@gridnet.example)" > "$W/members.txt"
[ -n "$SIGNER" ] && [ "$(grep -c ' [0-9A-F]\{40\} ' "$W/members.txt")" -eq 2 ]
ok $? "a signing key and keys for $(($(wc -l < "$S/named") + 2)) recipients"

webdav_start "$S/dav" uploader 'crash pw' 2>"$TMP/err"
ok $? "nginx with WebDAV on 127.0.0.1:$WEBDAV_PORT"
[ -n "$WEBDAV_PID" ] || { sed 's/^/# /' "$TMP/err"; done_testing; }
smtp_start "$S/sink" 2>"$TMP/err"
ok $? "the SMTP sink on 127.0.0.1:$SMTP_PORT"
[ -n "$SMTP_PID" ] || { sed 's/^/# /' "$TMP/err"; done_testing; }
DOCROOT=$S/dav/www/site
ALOG=$S/dav/access.log
TRANSCRIPT=$SMTP_MAILDIR/transcript.log
URL=http://127.0.0.1:$WEBDAV_PORT/site/
printf 'machine 127.0.0.1\nlogin uploader\npassword "crash pw"\n' > "$S/netrc"
chmod 600 "$S/netrc"

lists() {
	for l in oes-energy oes-water drinking-water-operators oes-transport public-transport-operators \
		oes-finance fmi-operators oes-health hospitals-ciso oes-digital telecom-operators \
		administrations-ict ccb-partners; do
		printf '  - {name: %s, address: %s@lists.test.invalid, tlp: AMBER, audience: [oes-ci], members: %s}\n' \
			"$l" "$l" "$W/members.txt"
	done
}
cat > "$W/t.yml" <<EOF
publisher:
  name: Test CSIRT
site:
  url: $SITEURL
  output: $W/public
  target: $URL
  netrc: $S/netrc
  retries: 2
  timeout: 20
signing:
  key: $SIGNER
  gnupghome: $G
smtp:
  url: smtp://127.0.0.1:$SMTP_PORT/tlpress.test.invalid
  from: advisories@test.invalid
lists:
$(lists)
advisories: $W/adv
templates: $TOP/templates
state: $W/state
EOF
run "$TLPRESS" check -C "$W/t.yml" "$W/adv"
check 0 "the corpus and the lists agree"

# (address, Message-ID) of what the sink holds, and of what the journal says sent
sink_ids() { # [MAILDIR]
	find "${1:-$SMTP_MAILDIR}" -path '*/new/*' -type f -exec awk '
		FNR == 1 { a = FILENAME; sub(/\/new\/[^\/]*$/, "", a); sub(/.*\//, "", a) }
		tolower($1) == "message-id:" && !seen[FILENAME]++ { m = $2; gsub(/[<>\r]/, "", m); print tolower(a), m }
	' {} + | sort
}
journal_sent() {
	"$TLPRESS" log -C "$W/t.yml" 2>/dev/null | awk '{ for (i = 3; i < NF; i++) if ($i == "sent") {
		m = $NF; gsub(/[<>]/, "", m); print tolower($(i - 1)), m; break } }' | sort -u
}

# check_local ROUND PHASE: the invariants after a kill; problems are
# counted per kind in $S/problems ("kind round phase detail"). The tree is
# judged once a run has completed it once (before that, the earlier
# version is no tree at all); the journal always.
: > "$S/problems"
complete=
check_local() {
	$PY "$TOP/tests/site/check_tree.py" "$W/public" "$S/signer.gpg" "$SITEURL" "$S/verified" > "$TMP/v" 2>&1
	trc=$?
	if [ -n "$complete" ]; then
		awk -v r="$1" -v p="$2" '!/^#/ { print $1, r, p, $0 }' "$TMP/v" >> "$S/problems"
	elif [ $trc -eq 0 ]; then
		complete=$1
	fi
	journal_sent > "$TMP/js"
	sink_ids > "$TMP/si"
	comm -23 "$TMP/js" "$TMP/si" | sed "s|^|SENTNOTSEEN $1 $2 |" >> "$S/problems"
}

# a change for the next run: an edited body, a new revision, a re-label, a
# new advisory from the reserve
add_revision() { # FILE MINUTE
	v=$(grep -c '^  - {version: ' "$1")
	awk -v v=$((v + 1)) -v m="$2" '
		{ print }
		/^  - \{version: / { n++ }
		n == '"$v"' && !done && /^  - \{version: / { printf "  - {version: %d, date: 2026-11-28T11:%02d:00Z, summary: \"Update %d.\"}\n", v, m, v; done = 1 }
	' "$1" > "$1.tmp" && mv "$1.tmp" "$1"
}
mutate() { # KIND ROUND
	set -- "$2" "$1"
	case $2 in
	edit) f=$(grep -L '^status: draft' "$W/adv/"*.md | xargs grep -l '^tlp: CLEAR' | sed -n "$(( $1 % 5 + 1 ))p")
	   printf '\nEdited in round %d.\n' "$1" >> "$f"; echo "edited ${f##*/}" ;;
	revision) f=$(grep -l '^tlp: \(AMBER\|RED\|GREEN\)' "$W/adv/"*.md | xargs grep -L '^status: draft\|^embargo:' | sed -n "$(( $1 % 3 + 1 ))p")
	   [ -n "$f" ] && add_revision "$f" "$(( $1 % 60 ))" && echo "new revision of ${f##*/}" ;;
	relabel) f=$(grep -l '^tlp: CLEAR' "$W/adv/"*.md | xargs grep -L '^recipients:\|^tlp_downgrade:\|^status: draft' | sed -n 1p)
	   if [ -n "$f" ]; then
		sed -i 's/^tlp: CLEAR$/tlp: AMBER\nrecipients: [ccb-partners]/' "$f"
		add_revision "$f" "$(( $1 % 60 ))"; echo "re-labelled ${f##*/} AMBER"
	   fi ;;
	add) f=$(head -1 "$S/reserve")
	   if [ -n "$f" ]; then
		cp "$S/all/$f" "$W/adv/$f"; sed -i 1d "$S/reserve"; echo "added $f"
	   fi ;;
	esac
}

rnd() { # MAX: a random integer in [0, MAX)
	echo $(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % $1 ))
}
count_puts() { cat "$ALOG" 2>/dev/null | grep -c '"PUT /site/'; }
count_mail() { cat "$TRANSCRIPT" 2>/dev/null | wc -l; }

diag "set up in $(( $(date +%s) - t0 )) s"
start=$(date +%s)
kills=0 ended=0 full=0 fullbad=0 changes=0
: > "$S/phases"
# How long each phase's kill waits, at most, in ms: after the start (0) or
# after its phase began (1-3). A machine fast enough to end a run within
# the wait would leave a phase without kills, so a round whose kill landed
# in a later phase than aimed (or whose run ended before it) halves its
# phase's wait; a kill where it was aimed lets it grow back by a quarter,
# up to the first value.
wmax0=400 wmax1=200 wmax2=300 wmax3=300
wait0=$wmax0 wait1=$wmax1 wait2=$wmax2 wait3=$wmax3
k=0
while [ $k -lt "$ROUNDS" ]; do
	# new work for the phase this round kills in
	phase=$((k % 4))
	case $phase in
	0) case $((k % 12)) in 0) kind=add ;; 4) kind=relabel ;; *) kind=edit ;; esac ;;
	1|2) kind=edit ;;
	3) kind=revision ;;
	esac
	mutate "$kind" "$k" >> "$S/changes" && changes=$((changes + 1))
	"$TLPRESS" check -q "$W/adv" >/dev/null 2>&1 || diag "round $k: tlpress check fails after: $(tail -1 "$S/changes")"
	touch "$S/marker"
	sleep 0.01
	p0=$(count_puts) m0=$(count_mail)
	"$TLPRESS" publish -C "$W/t.yml" -q >"$TMP/bg" 2>&1 &
	pid=$!
	w=0
	case $phase in
	0) ;;
	1) while [ $w -lt 1000 ] && kill -0 $pid 2>/dev/null && ! signed_since_marker; do
		sleep 0.005; w=$((w + 1)); done ;;
	2) while [ $w -lt 300 ] && kill -0 $pid 2>/dev/null && [ "$(count_puts)" -le "$p0" ]; do
		sleep 0.03; w=$((w + 1)); done ;;
	3) while [ $w -lt 300 ] && kill -0 $pid 2>/dev/null && [ "$(count_mail)" -le "$m0" ]; do
		sleep 0.03; w=$((w + 1)); done ;;
	esac
	eval "wmax=\$wmax$phase wcur=\$wait$phase"
	sleep "0.$(printf '%03d' "$(rnd "$wcur")")"
	if kill -KILL $pid 2>/dev/null; then
		kills=$((kills + 1))
		wait $pid 2>/dev/null
		# where it was: what the servers saw of this run
		if [ "$(count_mail)" -gt "$m0" ]; then at=mail
		elif [ "$(count_puts)" -gt "$p0" ]; then at=upload
		elif signed_since_marker; then at=signing
		else at=build; fi
	else
		wait $pid 2>/dev/null
		ended=$((ended + 1))
		at=ended
	fi
	pid=
	echo "$at" >> "$S/phases"
	case $at in build) rank=0 ;; signing) rank=1 ;; upload) rank=2 ;; mail) rank=3 ;; *) rank=4 ;; esac
	if [ $rank -gt $phase ]; then
		wcur=$((wcur / 2))
	else
		wcur=$((wcur + wcur / 4 + 1))
	fi
	[ "$wcur" -ge 1 ] || wcur=1
	[ "$wcur" -le "$wmax" ] || wcur=$wmax
	eval "wait$phase=\$wcur"
	c0=$(date +%s.%N)
	check_local "$k" "$at"
	tcheck=$(echo "${tcheck:-0} + $(date +%s.%N) - $c0" | bc)
	if [ $((k % 10)) -eq 9 ]; then
		"$TLPRESS" publish -C "$W/t.yml" -q > "$TMP/full" 2>&1
		frc=$?
		full=$((full + 1))
		[ $frc -eq 0 ] || { fullbad=$((fullbad + 1)); diag "round $k: the run to the end exited $frc:"; sed -n '1,3p' "$TMP/full" | sed 's/^/#   /'; }
		"$TLPRESS" verify -q --key "$S/signer.asc" "$W/public" > "$TMP/fv" 2>&1 ||
			{ fullbad=$((fullbad + 1)); diag "round $k: tlpress verify after the run to the end:"; sed -n '1,3p' "$TMP/fv" | sed 's/^/#   /'; }
		diff -r "$W/public" "$DOCROOT" > "$TMP/fd" 2>&1 ||
			{ fullbad=$((fullbad + 1)); diag "round $k: after the run to the end the server differs:"; sed -n '1,3p' "$TMP/fd" | sed 's/^/#   /'; }
		check_local "$k" full
	fi
	k=$((k + 1))
done
diag "$ROUNDS rounds in $(( $(date +%s) - start )) s: $kills kills ($(sort "$S/phases" | uniq -c | awk '$2 != "ended" { printf "%s%d during %s", s, $1, $2; s = ", " }')), $ended runs ended before the kill, $changes corpus changes, $full runs to the end; the checks after the kills took $(printf '%.0f' "$tcheck") s; the waits ended at $wait0, $wait1, $wait2 and $wait3 ms"
[ "$kills" -ge $((ROUNDS * 3 / 5)) ] && [ "$(sort -u "$S/phases" | grep -vc ended)" -eq 4 ]
ok $? "the kills landed in every phase: build, signing, upload, mail"
[ "$fullbad" -eq 0 ]
ok $? "every run to the end between kills exits 0, tlpress verify passes on its tree, and the server holds that tree ($full runs)"

# the invariants, over all the kills
show() { # KIND...: the first problems of those kinds
	for _k in "$@"; do grep "^$_k " "$S/problems"; done | head -6 | sed 's/^/#   /'
}
n_of() { _c=0; for _k in "$@"; do _c=$((_c + $(grep -c "^$_k " "$S/problems"))); done; echo $_c; }
[ "$(n_of SENTNOTSEEN)" -eq 0 ]
ok $? "the journal never says sent for a mail the server did not accept ($(n_of SENTNOTSEEN) such mails)"
show SENTNOTSEEN
kinds=$(for _k in CHANGED MISSING BAD UNSIGNED UNLISTED NOMANIFEST; do
	[ "$(n_of $_k)" -gt 0 ] && printf '%s %s, ' "$(n_of $_k)" "$_k"; done | sed 's/, $//')
bad_rounds=$(grep -E '^(CHANGED|MISSING|BAD|UNSIGNED|UNLISTED|NOMANIFEST) ' "$S/problems" | awk '{ print $2 }' | sort -u | wc -l)
[ "$bad_rounds" -eq 0 ]
ok $? "after every kill the tree is a complete version, the last or the new one (judged from round ${complete:-never}; $bad_rounds of $kills kills left a mix${kinds:+: $kinds})"
for _k in CHANGED MISSING BAD UNSIGNED UNLISTED NOMANIFEST; do grep -m2 "^$_k " "$S/problems"; done | head -8 | sed 's/^/#   /'
nl=$(n_of BROKEN)
[ "$nl" -eq 0 ]
ok $? "every local link of every page resolves, after every kill ($nl broken)"
show BROKEN

# the end: a clean run, then one with nothing to do
run "$TLPRESS" publish -C "$W/t.yml"
check 0 "a last run to the end exits 0"
p0=$(count_puts) m0=$(count_mail)
run "$TLPRESS" publish -C "$W/t.yml" -q
check 0 "and one more"
[ "$(count_puts)" -eq "$p0" ] && [ "$(count_mail)" -eq "$m0" ]
ok $? "which uploads and sends nothing"
run "$TLPRESS" verify -q --key "$S/signer.asc" "$W/public"
check 0 "the local tree verifies"
(cd "$W/public" && find . -type f | sort) > "$TMP/l.lst"
(cd "$DOCROOT" && find . -type f | sort) > "$TMP/r.lst"
cmp -s "$TMP/l.lst" "$TMP/r.lst" && diff -r "$W/public" "$DOCROOT" >/dev/null
ok $? "the remote converged: nginx's document root is the local tree ($(wc -l < "$TMP/l.lst") files, no temporary names)"
[ -s "$TMP/r.lst" ] && diff "$TMP/l.lst" "$TMP/r.lst" | head -5 | sed 's/^/#   /'
mkdir -p "$S/fetched"
curl -sf --netrc-file "$S/netrc" -o "$S/fetched/manifest.txt" "${URL}manifest.txt"
{ echo manifest.txt.asc; awk '!/^#/ { print $3 }' "$S/fetched/manifest.txt"; } |
	awk -v u="$URL" -v d="$S/fetched/" '{ printf "url = \"%s%s\"\noutput = \"%s%s\"\n", u, $1, d, $1 }' > "$S/curl.cfg"
n=$(grep -c '^url' "$S/curl.cfg")
curl -sf --create-dirs --netrc-file "$S/netrc" -K "$S/curl.cfg"
bad=$?
run "$TLPRESS" verify -q --key "$S/signer.asc" "$S/fetched"
[ "$rc" -eq 0 ] && [ $bad -eq 0 ] && [ $n -gt 50 ] && diff -r "$S/fetched" "$W/public" >/dev/null
ok $? "fetched back over HTTP, the $n files of the server's manifest verify with the signing key and equal the local ones"
sed -n '1,5p' "$TMP/out" | sed 's/^/#   /'

journal_sent > "$TMP/js"
sink_ids > "$TMP/si"
sort -u "$TMP/si" > "$TMP/siu"
comm -23 "$TMP/js" "$TMP/siu" > "$TMP/lost"
[ ! -s "$TMP/lost" ] && [ -s "$TMP/js" ]
ok $? "every mail the journal says sent ($(wc -l < "$TMP/js")) is in the sink"
head -5 "$TMP/lost" | sed 's/^/#   /'

# what a fresh run sends now: every such mail was delivered at least once
sed -e "s|^  url: smtp://.*|  url: |" -e "s|^state: .*|state: $S/refstate|" \
	-e "s|^  output: .*|  output: $S/refpublic|" -e '/^  target: /d' "$W/t.yml" |
	sed '/^  url: $/d' > "$S/ref.yml"
printf 'mail:\n  outbox: %s\n' "$S/ref" >> "$S/ref.yml"
run "$TLPRESS" mail -C "$S/ref.yml" -q
check 0 "a reference run of tlpress mail into an outbox"
sink_ids "$S/ref" | tr 'A-Z' 'a-z' | sort -u > "$TMP/want"
tr 'A-Z' 'a-z' < "$TMP/siu" | sort -u | comm -23 "$TMP/want" - > "$TMP/missing"
[ ! -s "$TMP/missing" ] && [ "$(wc -l < "$TMP/want")" -gt 20 ]
ok $? "every mail due was delivered at least once ($(wc -l < "$TMP/want") due, $(wc -l < "$TMP/missing") missing)"
head -5 "$TMP/missing" | sed 's/^/#   /'

# duplicates: only byte-identical ones
for f in "$SMTP_MAILDIR"/*/new/*; do
	a=${f%/new/*}
	printf '%s|%s %s\n' "${a##*/}" "$(grep -m1 -i '^Message-ID:' "$f" | tr -d '\r' | awk '{ print $2 }')" "$f"
done | sort > "$TMP/ids"
total=$(wc -l < "$TMP/ids")
distinct=$(awk '{ print $1 }' "$TMP/ids" | sort -u | wc -l)
same=0 differ=0
for id in $(awk '{ print $1 }' "$TMP/ids" | uniq -d); do
	set -- $(awk -v id="$id" '$1 == id { print $2 }' "$TMP/ids")
	first=$1
	shift
	for f in "$@"; do
		if cmp -s "$first" "$f"; then same=$((same + 1)); else differ=$((differ + 1)); fi
	done
done
[ "$differ" -eq 0 ] && [ $((total - distinct)) -le "$kills" ]
ok $? "$total messages, $distinct distinct: duplicates only byte-identical ($same identical, $differ different), at most one per kill"

servers_stop
smtp_stop
done_testing
