#!/bin/sh
# tlpress publish against real servers started here on 127.0.0.1 and
# stopped by PID: nginx with WebDAV and basic auth, a private sshd for
# SFTP, and a file:// folder. What it must show (issue 6): every file on
# the server equals the local one; a change uploads only the changed files
# (counted in nginx's access log); an advisory re-labelled AMBER, and a
# section raised to AMBER, leave nothing on the server (canary grep over
# its document root); a server that goes down half-way fails the run with
# a clear message and the next run converges; wrong credentials delete
# nothing; two runs at once: one publishes, the other exits 75; embargo and
# downgrade take effect on the first run after their moment.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/servers/servers.sh"
export LC_ALL=C

if [ ! -x /usr/sbin/nginx ] || [ ! -x /usr/sbin/sshd ] || ! command -v curl >/dev/null 2>&1; then
	echo "1..0 # SKIP nginx, sshd or curl missing (apt-get install nginx openssh-server curl)"
	exit 0
fi

S=$(mktemp -d /tmp/tlpress-pub.XXXXXX)
G=$(mktemp -d /tmp/tg.XXXXXX)
trap 'servers_stop; [ -n "$bgpid" ] && kill "$bgpid" 2>/dev/null; [ -n "$holder" ] && kill "$holder" 2>/dev/null; gpgconf --homedir "$G" --kill all 2>/dev/null; rm -rf "$S" "$G" "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
bgpid= holder=

sh "$TOP/tests/gpg/mkhome.sh" "$G" >"$TMP/mk" 2>&1
ok $? "a throwaway GnuPG home with the test keys"
webdav_start "$S/dav" uploader 's3cret pass' 2>"$TMP/err"
ok $? "nginx with WebDAV and basic auth on 127.0.0.1:$WEBDAV_PORT"
[ -n "$WEBDAV_PID" ] || { cat "$TMP/err" | sed 's/^/# /'; done_testing; }
DOCROOT=$S/dav/www/site
LOG=$S/dav/access.log
printf 'machine 127.0.0.1\nlogin uploader\npassword "s3cret pass"\n' > "$S/netrc"
chmod 600 "$S/netrc"

export TLPRESS_NOW=2026-11-28T12:00:00Z
export TLPRESS_BACKOFF_MS=50

W=$S/work
mkdir -p "$W"
cp -r "$TOP/advisories" "$W/adv"
# conf FILE TARGET [EXTRA-SITE-LINES]: a configuration publishing $W/adv
conf() {
	{
		printf 'signing:\n  key: signer@test.invalid\n  gnupghome: %s\n' "$G"
		printf 'site:\n  output: %s\n  target: %s\n  netrc: %s\n  retries: 2\n  timeout: 5\n' \
			"${OUT:-$W/public}" "$2" "${NETRC:-$S/netrc}"
		[ -n "${3:-}" ] && printf '%s\n' "$3"
		printf 'advisories: %s\ntemplates: %s\nstate: %s\n' "${ADV:-$W/adv}" "$TOP/templates" \
			"${STATE:-$W/state}"
	} > "$1"
}
URL=http://127.0.0.1:$WEBDAV_PORT/site/
conf "$W/t.yml" "$URL"

puts() { grep -c '"PUT /site/' "$LOG" 2>/dev/null || true; }
# same_tree LOCAL REMOTE: every file of the local tree is in the remote
# one with the same bytes, and the remote holds nothing else
same_tree() {
	(cd "$1" && find . -type f | sort) > "$TMP/l.lst"
	(cd "$2" && find . -type f | sort) > "$TMP/r.lst"
	cmp -s "$TMP/l.lst" "$TMP/r.lst" || { diff "$TMP/l.lst" "$TMP/r.lst" | head -10 | sed 's/^/#   /'; return 1; }
	diff -r "$1" "$2" >/dev/null
}

# 1. the first push: everything, and every file fetched back equals ours
run "$TLPRESS" publish --no-mail -C "$W/t.yml"
check 0 "publish to a WebDAV server"
check_grep "published to $URL" "says where it published"
n=0 bad=0
for f in $(cd "$W/public" && find . -type f | sed 's|^\./||'); do
	n=$((n + 1))
	curl -sf --netrc-file "$S/netrc" -o "$TMP/got" "$URL$f" && cmp -s "$TMP/got" "$W/public/$f" ||
		{ bad=$((bad + 1)); diag "differs over HTTP: $f"; }
done
[ $bad -eq 0 ] && [ $n -gt 40 ]
ok $? "each of the $n files fetched back over HTTP equals the local one"
same_tree "$W/public" "$DOCROOT"
ok $? "the server's document root holds exactly the local tree"
find "$DOCROOT" -name '*.tlpress-tmp' | grep -q . && r=1 || r=0
ok $r "no temporary upload names are left"

# 2. nothing changed: nothing is uploaded, and -q prints nothing
before=$(puts)
run "$TLPRESS" publish --no-mail -C "$W/t.yml" -q
check 0 "a second run with nothing changed"
[ ! -s "$TMP/out" ]
ok $? "--quiet prints nothing when all went well"
[ "$(puts)" -eq "$before" ]
ok $? "and uploads nothing (PUTs in nginx's log: $before, then $(puts))"

# 3. one advisory changes: only its changed files go up
cp "$W/public/manifest.txt" "$TMP/m.before"
sed -i 's/^Sinds 17 november 2026 stelt/Sinds 17 november 2026 (bijgewerkt) stelt/' "$W/adv/CCB-2026-0438.md"
run "$TLPRESS" publish --no-mail -C "$W/t.yml" --dry-run
check 0 "--dry-run after a change"
check_grep "would put    ${URL}advisories/ccb-2026-0438.html (changed" "prints what would be pushed"
[ "$(puts)" -eq "$before" ] && grep -q 'Sinds 17 november 2026 stelt' "$DOCROOT/advisories/ccb-2026-0438.html" &&
	grep -q 'Sinds 17 november 2026 stelt' "$W/public/advisories/ccb-2026-0438.html"
ok $? "and changes nothing, neither on the server nor in the local tree"
run "$TLPRESS" publish --no-mail -C "$W/t.yml"
check 0 "publish after one advisory changed"
changed=$(grep -v '^#' "$W/public/manifest.txt" | sort | comm -13 "$(grep -v '^#' "$TMP/m.before" | sort > "$TMP/mb"; echo "$TMP/mb")" - | wc -l)
want=$((changed + 2))   # and the manifest with its signature
got=$(( $(puts) - before ))
[ "$got" -eq "$want" ] && [ "$changed" -ge 4 ]
ok $? "only the changed files were uploaded: $got PUTs for $changed changed files + manifest and its .asc"
same_tree "$W/public" "$DOCROOT"
ok $? "the server equals the local tree again"

# 4. re-labelled AMBER after being public: gone, and nothing of it remains
sed -i 's/^tlp: CLEAR/tlp: AMBER\nrecipients: [soc@example.org]/' "$W/adv/CCB-2026-0447.md"
sed -i 's/^title: "Vuln/title: "CANARY-0447-QX Vuln/' "$W/adv/CCB-2026-0447.md"
grep -rq 'Civelia' "$DOCROOT"
ok $? "before: the advisory is on the server"
run "$TLPRESS" publish --no-mail -C "$W/t.yml"
check 0 "publish after CCB-2026-0447 was re-labelled AMBER"
check_grep "CCB-2026-0447: withdrawn from the site" "says it was withdrawn"
grep -rl -e 'Civelia' -e 'CANARY-0447' -e 'ccb-2026-0447' -e 'CCB-2026-0447' "$DOCROOT" > "$TMP/leak"
[ ! -s "$TMP/leak" ]
ok $? "nothing of it remains on the server (canary grep: $(wc -l < "$TMP/leak") files)"
same_tree "$W/public" "$DOCROOT"
ok $? "the server equals the local tree"

# 5. a section raised above CLEAR: deleted first, then the cut page
awk '/^## Aanbevolen maatregelen/ { print; print ""; print "CANARY-SECTION-7F3A stays in the section."; next } { print }' \
	"$W/adv/CCB-2026-0438.md" > "$TMP/a" && cp "$TMP/a" "$W/adv/CCB-2026-0438.md"
run "$TLPRESS" publish --no-mail -C "$W/t.yml" -q
check 0 "publish with a canary in a CLEAR section"
grep -rq CANARY-SECTION-7F3A "$DOCROOT"
ok $? "the canary is public while its section is CLEAR"
sed -i 's/^## Aanbevolen maatregelen$/## Aanbevolen maatregelen [TLP:AMBER]/' "$W/adv/CCB-2026-0438.md"
run "$TLPRESS" publish --no-mail -C "$W/t.yml" --dry-run
check_grep "would delete ${URL}advisories/ccb-2026-0438.html (restricted, first)" \
	"a dry run shows the page is deleted first, before any upload"
run "$TLPRESS" publish --no-mail -C "$W/t.yml"
check 0 "publish after the section was raised to AMBER"
grep -rl CANARY-SECTION-7F3A "$DOCROOT" > "$TMP/leak"
[ ! -s "$TMP/leak" ]
ok $? "the raised section is on no file of the server"
grep -q 'Wat we waarnemen' "$DOCROOT/advisories/ccb-2026-0438.html"
ok $? "and the rest of the advisory is still published"

# 6. embargo and downgrade: the first run after their moment
sed -i 's/^status: final/status: final\nembargo: 2026-11-28T13:00:00Z/' "$W/adv/CCB-2026-0442.md"
sed -i 's/^  at: 2026-10-20T10:00:00+02:00/  at: 2026-11-28T14:00:00Z/' "$W/adv/CCBR-2026-0076.md"
TLPRESS_NOW=2026-11-28T12:30:00Z run "$TLPRESS" publish --no-mail -C "$W/t.yml"
check 0 "publish at 12:30, before the embargo and the downgrade"
[ ! -e "$DOCROOT/advisories/ccb-2026-0442.html" ] && [ ! -e "$DOCROOT/advisories/ccbr-2026-0076.html" ]
ok $? "neither the embargoed nor the not yet downgraded advisory is on the server"
TLPRESS_NOW=2026-11-28T13:00:01Z run "$TLPRESS" publish --no-mail -C "$W/t.yml"
check 0 "publish at 13:00:01"
check_grep "CCB-2026-0442: embargo ended 2026-11-28T13:00:00Z; published" "logs the end of the embargo"
[ -f "$DOCROOT/advisories/ccb-2026-0442.html" ] && [ ! -e "$DOCROOT/advisories/ccbr-2026-0076.html" ]
ok $? "the embargoed advisory is on the server; the AMBER one is not yet"
TLPRESS_NOW=2026-11-28T14:00:00Z run "$TLPRESS" publish --no-mail -C "$W/t.yml"
check 0 "publish at 14:00:00"
check_grep "CCBR-2026-0076: downgrade from TLP:AMBER to TLP:CLEAR (due 2026-11-28T14:00:00Z) took effect" \
	"logs the downgrade"
[ -f "$DOCROOT/advisories/ccbr-2026-0076.html" ]
ok $? "the downgraded advisory is on the server"
same_tree "$W/public" "$DOCROOT"
ok $? "the server equals the local tree"

# 7. wrong credentials: a clear error, non-zero, nothing deleted
printf 'machine 127.0.0.1\nlogin uploader\npassword wrong\n' > "$S/badnetrc"
chmod 600 "$S/badnetrc"
NETRC=$S/badnetrc conf "$W/bad.yml" "$URL"
sed -i 's/^tlp: CLEAR/tlp: AMBER/' "$W/adv/CCB-2026-0412.md"
(cd "$DOCROOT" && find . -type f | sort) > "$TMP/before.lst"
run "$TLPRESS" publish --no-mail -C "$W/bad.yml"
check 1 "wrong credentials: exit 1"
check_grep "401" "the message gives the server's answer"
check_grep "needs an operator" "and says that retrying will not help"
(cd "$DOCROOT" && find . -type f | sort) | cmp -s - "$TMP/before.lst"
ok $? "nothing was deleted or uploaded"
run "$TLPRESS" publish --no-mail -C "$W/t.yml" -q
check 0 "with the right credentials the withdrawal goes through"
[ ! -e "$DOCROOT/advisories/ccb-2026-0412.html" ]
ok $? "and the re-labelled advisory is gone from the server"

# 8. a larger tree to a new folder; nginx stops half-way
mkdir -p "$S/big"
python3 "$TOP/bench/gen-corpus" 120 11 "$S/big/adv" >/dev/null 2>&1 || /usr/bin/python3 "$TOP/bench/gen-corpus" 120 11 "$S/big/adv" >/dev/null
rm -f "$S/big/adv/CANARIES.tsv"
BURL=http://127.0.0.1:$WEBDAV_PORT/site/big/
OUT=$S/big/public ADV=$S/big/adv STATE=$S/big/state conf "$S/big/t.yml" "$BURL"
"$TLPRESS" publish --no-mail -C "$S/big/t.yml" -q >"$TMP/bg.out" 2>&1 &
bgpid=$!
i=0
while [ $i -lt 600 ] && [ "$(grep -c '"PUT /site/big/' "$LOG")" -lt 60 ] && kill -0 $bgpid 2>/dev/null; do
	sleep 0.02; i=$((i + 1))
done
k=$(grep -c '"PUT /site/big/' "$LOG")
webdav_stop
wait $bgpid
bgrc=$? bgpid=
[ "$bgrc" -eq 75 ]
ok $? "nginx stopped after $k uploads: the run fails with exit 75 (got $bgrc)"
grep -q "the server may be down" "$TMP/bg.out" && grep -q "cannot upload '" "$TMP/bg.out" &&
	grep -q "127.0.0.1:$WEBDAV_PORT" "$TMP/bg.out"
ok $? "the message names the file, the server and what to do"
[ -s "$TMP/bg.out" ] && sed -n '1,3p' "$TMP/bg.out" | sed 's/^/#   /'
webdav_restart "$S/dav" 2>"$TMP/err"
ok $? "nginx comes back on the same port"
run "$TLPRESS" publish --no-mail -C "$S/big/t.yml" -q
check 0 "the next run ends well"
same_tree "$S/big/public" "$DOCROOT/big"
ok $? "and the remote tree equals the local one"

# 9. two runs at once: one publishes, the other exits 75
sed -i '0,/^title: "/s/^title: "/title: "Changed: /' "$S/big/adv/"*.md
"$TLPRESS" publish --no-mail -C "$S/big/t.yml" -q >"$TMP/a.out" 2>&1 &
bgpid=$!
i=0
while [ $i -lt 500 ] && ! grep -qs "^$bgpid\$" "$S/big/state/lock"; do sleep 0.01; i=$((i + 1)); done
run "$TLPRESS" publish --no-mail -C "$S/big/t.yml"
check 75 "a second run while the first holds the lock exits 75"
[ "$(wc -l < "$TMP/out")" -eq 1 ] && grep -q "another run (pid $bgpid) holds" "$TMP/out"
ok $? "with one line naming the other run"
wait $bgpid
arc=$? bgpid=
[ $arc -eq 0 ]
ok $? "the first run publishes (exit $arc)"
same_tree "$S/big/public" "$DOCROOT/big"
ok $? "and the remote tree equals the local one"

# 10. SFTP with a pinned host key, and a file:// folder
sftpd_start "$S/sftp" 2>"$TMP/err"
ok $? "sshd with SFTP on 127.0.0.1:$SFTPD_PORT"
mkdir -p "$S/sftp/root"
SURL="sftp://$(id -un)@127.0.0.1:$SFTPD_PORT$S/sftp/root/site/"
STATE=$W/state OUT=$W/public conf "$W/sftp.yml" "$SURL" "  known_hosts: $S/sftp/known_hosts
  ssh_key: $S/sftp/client_key"
run "$TLPRESS" publish --no-mail -C "$W/sftp.yml"
check 0 "publish over SFTP"
same_tree "$W/public" "$S/sftp/root/site"
ok $? "the SFTP server holds exactly the local tree"
sed -i 's/^tlp: CLEAR/tlp: AMBER\nrecipients: [soc@example.org]/' "$W/adv/CCB-2026-0450.md"
run "$TLPRESS" publish --no-mail -C "$W/sftp.yml" -q
check 0 "publish over SFTP after a re-label"
! grep -rqi 'ccb-2026-0450' "$S/sftp/root/site"
ok $? "the re-labelled advisory is gone from the SFTP server"
conf "$W/file.yml" "file://$S/filesite/"
run "$TLPRESS" publish --no-mail -C "$W/file.yml"
check 0 "publish to a file:// folder"
same_tree "$W/public" "$S/filesite"
ok $? "the folder holds exactly the local tree"
# a target whose manifest says it holds another tree (a GREEN portal):
# never pushed over
mkdir -p "$S/portal"
printf '# tlpress manifest 1\n# clearance: TLP:GREEN\n' > "$S/portal/manifest.txt"
conf "$W/portal.yml" "file://$S/portal/"
run "$TLPRESS" publish --no-mail -C "$W/portal.yml"
check 1 "publish over a tree cleared for GREEN is refused"
check_grep "manifest.txt says it holds a tree cleared for TLP:GREEN" "and says which, and why"
[ "$(ls "$S/portal")" = manifest.txt ]
ok $? "and nothing is written there"

# 11. refusals: the demo key leaves no machine; http:// to another host
gpg --homedir "$G" --batch --pinentry-mode loopback --passphrase '' --quick-gen-key \
	'tlpress demo key (DEMO ONLY, not a real CSIRT key) <demo@tlpress.invalid>' ed25519 sign 1y >/dev/null 2>&1
sed 's/signer@test.invalid/demo@tlpress.invalid/' "$W/t.yml" > "$W/demo.yml"
run "$TLPRESS" publish --no-mail -C "$W/demo.yml"
check 1 "the demo key is refused for a WebDAV server"
check_grep "is the demo key" "and says why"
sed 's/signer@test.invalid/demo@tlpress.invalid/' "$W/file.yml" > "$W/demofile.yml"
run "$TLPRESS" publish --no-mail -C "$W/demofile.yml" -q
check 0 "the demo key may sign a site that stays on this machine"
conf "$W/far.yml" "http://csirt.example/dav/"
run "$TLPRESS" publish --no-mail -C "$W/far.yml"
check 2 "http:// to another host is a configuration error"
check_grep "in the clear" "saying the password would go in the clear"
conf "$W/pw.yml" "https://user:pw@csirt.example/dav/"
run "$TLPRESS" publish --no-mail -C "$W/pw.yml"
check 2 "a password in site.target is refused"
NETRC=$S/loose conf "$W/loose.yml" "$URL"
cp "$S/netrc" "$S/loose"; chmod 644 "$S/loose"
run "$TLPRESS" publish --no-mail -C "$W/loose.yml"
[ "$rc" -ne 0 ] && grep -q "$S/loose" "$TMP/out"
ok $? "a netrc file readable by others is refused, by name"

done_testing
