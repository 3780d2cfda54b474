#!/bin/sh
# Errors people can act on (issue 10, point 7; docs/errors.md): a
# representative set of failures across the commands, each provoked here
# on 127.0.0.1 and in throwaway folders. For each: the documented exit
# status, a message on standard error that names its subject (the file,
# key, server or id) and says what to do next (a phrase particular to the
# case, not a pattern any message would match). Every message is printed
# as a TAP comment, so that a reader can judge them.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C
export TLPRESS_NOW=2026-11-28T12:00:00Z

W=$TMP/w
G=$(mktemp -d /tmp/tg.XXXXXX)
holder=
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; gpgconf --homedir "$G" --kill all 2>/dev/null; rm -rf "$G" "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
mkdir -p "$W/adv" "$W/bad"

# adv DIR ID TLP EXTRA-FRONT-MATTER: a valid advisory unless EXTRA says otherwise
adv() {
	{
		printf -- '---\nid: %s\ntitle: "Error test %s"\nlang: en\ntlp: %s\nstatus: final\n' "$2" "$2" "$3"
		[ -n "$4" ] && printf '%s\n' "$4"
		printf 'revisions:\n  - {version: 1, date: 2026-11-20T10:00:00Z, summary: "First."}\n'
		printf -- '---\nThe body of %s.\n' "$2"
	} > "$1/$2.md"
}
adv "$W/adv" T-2026-0001 CLEAR ''
adv "$W/bad" T-2026-0002 PURPLE ''
adv "$W/bad" T-2026-0003 CLEAR 'embargo: 2026-12-01'
adv "$W/bad" T-2026-0004 AMBER 'recipients: [no-such-list]'

# conf FILE [EXTRA-YAML]: the folders of this test, and more keys
conf() {
	{
		printf 'advisories: %s\ntemplates: %s\nstate: %s\nsite:\n  output: %s\n' \
			"$W/adv" "$TOP/templates" "$W/state" "$W/public"
		[ -n "${2:-}" ] && printf '%s\n' "$2"
	} > "$1"
}
conf "$W/base.yml"

# a port on 127.0.0.1 that nothing listens on: the kernel's pick, released
closed_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# expect NAME STATUS SUBJECT NEXT-STEP CMD...: run CMD; its status is
# STATUS, and its standard error names SUBJECT and says NEXT-STEP (fixed
# strings); the message is shown as a comment. REPORT=1: standard output
# too, for tlpress check, whose report of the advisories is its output.
expect() {
	_name=$1 _want=$2 _subj=$3 _next=$4
	shift 4
	if [ -n "${REPORT:-}" ]; then
		"$@" >"$TMP/out" 2>&1
	else
		"$@" >"$TMP/stdout" 2>"$TMP/out"
	fi
	rc=$?
	grep -v "^usage: \|^run 'tlpress .* --help'" "$TMP/out" | sed "s|$W|W|g; s|$G|G|g; s|^|$_name: |" |
		while IFS= read -r _l; do diag "$_l"; done
	check "$_want" "$_name: exit $_want"
	check_grep "$_subj" "$_name: names its subject"
	check_grep "$_next" "$_name: says what to do"
}

# --- the command line
expect "unknown command" 2 "'frobnicate'" "see 'tlpress help'" \
	"$TLPRESS" frobnicate
expect "unknown option" 2 "tlpress build: unrecognized option '--frob'" \
	"run 'tlpress build --help'" "$TLPRESS" build --frob
expect "preview without an id" 2 "tlpress preview" "give its id" \
	"$TLPRESS" preview -C "$W/base.yml"
expect "not an id" 2 "'x/../y' is not an advisory id" "give one such as CCB-2026-0042" \
	"$TLPRESS" log -C "$W/base.yml" x/../y
expect "extra argument" 2 "unexpected argument 'T-2026-0002'" "give one advisory id" \
	"$TLPRESS" log -C "$W/base.yml" T-2026-0001 T-2026-0002
expect "bad -j" 2 "-j: '0'" "from 1 to 64" \
	"$TLPRESS" build -C "$W/base.yml" -j 0
expect "bad TLPRESS_NOW" 2 "TLPRESS_NOW='yesterday'" "such as 2026-11-28T12:00:00+01:00" \
	env TLPRESS_NOW=yesterday "$TLPRESS" build -C "$W/base.yml"
expect "bad --clearance" 2 "--clearance: 'PURPLE'" "use CLEAR or GREEN" \
	"$TLPRESS" build -C "$W/base.yml" --clearance PURPLE
expect "clearance refused" 1 "cleared for TLP:AMBER" "build CLEAR (the public site)" \
	"$TLPRESS" build -C "$W/base.yml" --clearance AMBER
expect "TLP 1.0 label" 2 "--tlp: 'WHITE'" "TLP 2.0 calls it CLEAR" \
	"$TLPRESS" new -C "$W/base.yml" --no-edit --tlp WHITE "A title"
expect "empty title" 2 "the title is empty" "give the advisory's title" \
	"$TLPRESS" new -C "$W/base.yml" --no-edit " "

# --- configuration
expect "missing configuration" 3 "$W/nope.yml" "name an existing file with -C" \
	"$TLPRESS" check -C "$W/nope.yml"
# the same exit status, 3, from every command that reads the configuration
for c in build publish mail status log "new --no-edit A-title"; do
	"$TLPRESS" $c -C "$W/nope.yml" >"$TMP/out" 2>&1 </dev/null
	rc=$?
	check 3 "missing configuration: tlpress $c exits 3 too"
done
"$TLPRESS" preview -C "$W/nope.yml" T-2026-0001 >"$TMP/out" 2>&1 </dev/null
rc=$?
check 3 "missing configuration: tlpress preview exits 3 too"
printf 'site:\n  titel: Advisories\n' > "$W/typo.yml"
expect "unknown key" 2 "$W/typo.yml:2:3: error: unknown key 'site.titel'" \
	"did you mean 'title'?" "$TLPRESS" build -C "$W/typo.yml"
conf "$W/http.yml" '  target: http://dav.example.org/site/'
expect "http:// target" 2 "'site.target'" "use https://, or http:// to 127.0.0.1 only" \
	"$TLPRESS" build -C "$W/http.yml"
fpr_short=0123456789ABCDEF0123
printf 'member@test.invalid %s Org\n' "$fpr_short" > "$W/members.txt"
conf "$W/lists.yml" "lists:
  - name: ops
    address: ops@lists.test.invalid
    tlp: AMBER
    members: $W/members.txt"
REPORT=1 expect "bad fingerprint" 1 \
	"$W/members.txt:1:21: error: '$fpr_short' is not a fingerprint" \
	"40 hexadecimal digits" "$TLPRESS" check -C "$W/lists.yml" "$W/adv"
conf "$W/listkey.yml" "lists:
  - name: ops
    address: ops@lists.test.invalid
    tlp: AMBER
    mode: list-key
    key: 7E91BCF811B7DEE161EBF632CC304F45F164C4BA"
REPORT=1 expect "unknown list" 1 \
	"$W/bad/T-2026-0004.md:7:13: error: 'recipients': no list named 'no-such-list'" \
	"name a list of the configuration's 'lists'" "$TLPRESS" check -C "$W/listkey.yml" "$W/bad/T-2026-0004.md"

# --- advisories and files
REPORT=1 expect "invalid TLP label" 1 \
	"$W/bad/T-2026-0002.md:5:6: error: 'tlp': unknown TLP label 'PURPLE'" \
	"use CLEAR, GREEN, AMBER, AMBER+STRICT or RED" "$TLPRESS" check "$W/bad/T-2026-0002.md"
REPORT=1 expect "date without time" 1 "$W/bad/T-2026-0003.md:7:10: error: 'embargo'" \
	"add the time and zone" "$TLPRESS" check "$W/bad/T-2026-0003.md"
expect "no such file" 2 "'$W/nope.md'" "check the path" \
	"$TLPRESS" check "$W/nope.md"
expect "a path through a file" 2 "'$W/adv/T-2026-0001.md/x.md'" \
	"a part of the path is a file, not a folder" "$TLPRESS" check "$W/adv/T-2026-0001.md/x.md"
expect "unknown id" 2 "no advisory 'T-2099-0001'" "give the id of an advisory in '$W/adv'" \
	"$TLPRESS" preview -C "$W/base.yml" T-2099-0001
expect "advisory with errors" 1 "'$W/bad/T-2026-0002.md' has errors" "tlpress check shows them" \
	"$TLPRESS" preview -C "$W/base.yml" "$W/bad/T-2026-0002.md"
cp -r "$TOP/templates" "$W/tpl"
printf '{{#unclosed}}\n' >> "$W/tpl/page.mustache"
conf "$W/tpl.yml" "templates: $W/tpl"
sed -i "s|^templates: $TOP/templates\$||" "$W/tpl.yml"
expect "broken template" 3 "$W/tpl/page.mustache:" "fix the template" \
	"$TLPRESS" build -C "$W/tpl.yml" -o "$W/tplout"

# --- the state folder, the lock and secrets
"$TLPRESS" build -q -C "$W/base.yml" >/dev/null 2>&1
chmod 777 "$W/state"
expect "state folder writable by others" 1 "state folder '$W/state'" "chmod go-w $W/state" \
	"$TLPRESS" log -C "$W/base.yml"
chmod 700 "$W/state"
"$TLPRESS" publish -q --no-mail -C "$W/base.yml" >/dev/null 2>&1
chmod 644 "$W/state/journal.sqlite"
expect "journal readable by others" 2 "journal '$W/state/journal.sqlite'" \
	"chmod 600 $W/state/journal.sqlite" "$TLPRESS" publish --no-mail -C "$W/base.yml"
chmod 600 "$W/state/journal.sqlite"
mkdir -m 700 "$W/st2"
printf 'not a database, not at all, but long enough to be read as one\n%.0s' $(seq 64) > "$W/st2/journal.sqlite"
chmod 600 "$W/st2/journal.sqlite"
conf "$W/st2.yml"
sed -i "s|^state: .*|state: $W/st2|" "$W/st2.yml"
expect "corrupt journal" 1 "journal '$W/st2/journal.sqlite'" "restore it from a backup" \
	"$TLPRESS" log -C "$W/st2.yml"
# a build cache that cannot be opened: the build goes on without it, and says so
mkdir -m 700 "$W/st4"
ln -s "$W/nowhere" "$W/st4/cache.sqlite"
sed "s|^state: .*|state: $W/st4|; s|^  output: .*|  output: $W/out4|" "$W/base.yml" > "$W/st4.yml"
expect "build cache link" 0 "warning: the build cache cannot be used" \
	"replace it with the file or folder itself" "$TLPRESS" build -q -C "$W/st4.yml"
expect "corrupt journal, status" 1 "journal '$W/st2/journal.sqlite'" \
	"restore it from a backup" "$TLPRESS" status -C "$W/st2.yml"
# another run holds the lock (perl's flock, as tlpress takes it)
perl -e 'use Fcntl ":flock"; open(my $f, ">>", $ARGV[0]) or die; flock($f, LOCK_EX) or die;
	open(my $r, ">", $ARGV[1]) or die; close $r; sleep 60' "$W/state/lock" "$TMP/locked" &
holder=$!
i=0
while [ ! -f "$TMP/locked" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
expect "lock held" 75 "holds '$W/state/lock'" "run it again when that one has finished" \
	"$TLPRESS" build -C "$W/base.yml"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
holder=

# --- keys
expect "no signing key for --check" 1 "set signing.key in $W/base.yml" "set signing.key" \
	"$TLPRESS" keys --check -C "$W/base.yml"
mkdir -p "$G" && chmod 700 "$G"
conf "$W/nokey.yml" "signing:
  key: nobody@test.invalid
  gnupghome: $G"
expect "missing signing key" 3 "signing key 'nobody@test.invalid' not found" \
	"check signing.key and signing.gnupghome (gpg --list-secret-keys)" \
	"$TLPRESS" build -C "$W/nokey.yml"

# --- servers: nothing listens on the port
PORT=$(closed_port)
printf 'machine 127.0.0.1\nlogin uploader\npassword secret\n' > "$W/netrc"
chmod 644 "$W/netrc"
conf "$W/dav.yml" "  target: https://127.0.0.1:$PORT/dav/
  netrc: $W/netrc"
expect "netrc readable by others" 2 "refusing the netrc file '$W/netrc'" "chmod 600 '$W/netrc'" \
	"$TLPRESS" publish -C "$W/dav.yml" --no-mail
chmod 600 "$W/netrc"
expect "WebDAV server down" 75 "https://127.0.0.1:$PORT/dav/" "try again later" \
	"$TLPRESS" publish -C "$W/dav.yml" --no-mail
conf "$W/sftp.yml" "  target: sftp://uploader@127.0.0.1:$PORT/srv/site/"
expect "sftp without known_hosts" 2 "sftp://uploader@127.0.0.1:$PORT/srv/site/" \
	"set 'site.known_hosts'" "$TLPRESS" publish -C "$W/sftp.yml" --no-mail

gpg --homedir "$G" --batch --pinentry-mode loopback --passphrase '' \
	--quick-gen-key 'Error test <signer@test.invalid>' ed25519 sign never >/dev/null 2>&1
FPR=$(gpg --homedir "$G" --batch --with-colons --list-keys signer@test.invalid 2>/dev/null |
	awk -F: '/^fpr/ { print $10; exit }')
printf 'member@test.invalid %s Org\n' "$FPR" > "$W/ann.txt"
conf "$W/smtp.yml" "signing:
  key: signer@test.invalid
  gnupghome: $G
smtp:
  url: smtp://127.0.0.1:$PORT/
  from: advisories@test.invalid
lists:
  - name: ann
    address: ann@lists.test.invalid
    tlp: CLEAR
    members: $W/ann.txt"
expect "SMTP server down" 75 "cannot send mail to member@test.invalid via smtp://127.0.0.1:$PORT" \
	"try again later" "$TLPRESS" mail -C "$W/smtp.yml"
# the outbox: a symbolic link is this machine's to fix, not a reason to retry
sed -e "s|^smtp:|mail:\\n  outbox: $W/outbox\\nsmtp:|" -e '/^  url: smtp/d' -e "s|^state: .*|state: $W/st3|" \
	"$W/smtp.yml" > "$W/outbox.yml"
mkdir -p -m 700 "$W/outbox" "$W/st3" "$W/elsewhere"
ln -s "$W/elsewhere" "$W/outbox/member@test.invalid"
expect "outbox link" 1 "'$W/outbox/member@test.invalid': it is a symbolic link" \
	"replace it with a folder" "$TLPRESS" mail -C "$W/outbox.yml"
[ -z "$(ls -A "$W/elsewhere")" ]
ok $? "outbox link: nothing was written where it points"
rm "$W/outbox/member@test.invalid"
run "$TLPRESS" mail -q -C "$W/outbox.yml"
check 0 "outbox link: once it is a folder, the next run exits 0"
[ "$(find "$W/outbox/member@test.invalid/new" -type f | wc -l)" -eq 1 ]
ok $? "and delivers the mail that waited"

# --- verify
expect "not a published tree" 3 "$W/adv has no manifest.txt" \
	"give the folder or URL that holds manifest.txt" "$TLPRESS" verify "$W/adv"
expect "verify over ftp" 2 "'ftp://127.0.0.1/site/'" "give the tree's http(s) URL" \
	"$TLPRESS" verify ftp://127.0.0.1/site/
expect "verify --key missing" 3 "--key: cannot read '$W/nope.asc'" "check the path" \
	"$TLPRESS" verify --key "$W/nope.asc" "$W/public"

done_testing
