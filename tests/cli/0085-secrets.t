#!/bin/sh
# Secrets (issue 9, point 6): no credential in the configuration, passwords
# from netrc files only (tlpress reads no password from the environment),
# netrc and state files refused when others may read them, and nothing
# secret in the output, the logs or a dry run.
#   1. a password in tlpress.yml is refused, and no message shows it: in
#      site.target and smtp.url (user:password@, ?password=), in site.url,
#      under any key named like a secret, in a misspelt URL
#   2. a netrc file (site.netrc, smtp.netrc, the default ~/.netrc) that
#      group or others may read is refused, by publish, mail and mail -n
#   3. the state folder is 0700 and its files 0600; one others may read is
#      made 0700; one others may write, a journal others may read, are
#      refused; a build cache others may read is made 0600
#   4. with real passwords in the netrc files, against nginx (WebDAV) and an
#      SMTP sink that wants a login, both with right and wrong passwords,
#      and a closed port: publish -n, publish, mail -n, mail, status, log
#      (text and --json) never print a password, in clear or in base64, and
#      none is in the state folder, the site or the outbox (tlpress has no
#      verbose option that could print more)
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/servers/servers.sh"
. "$TOP/tests/servers/smtp.sh"
cd "$TOP" || exit 1
export TLPRESS_NOW=2026-11-28T12:00:00Z TLPRESS_BACKOFF_MS=50 LC_ALL=C

G=$(mktemp -d /tmp/tg.XXXXXX)
trap 'servers_stop; smtp_stop; gpgconf --homedir "$G" --kill all 2>/dev/null; rm -rf "$G" "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
sh "$TOP/tests/gpg/mkhome.sh" "$G" >"$TMP/mk" 2>&1
ok $? "a throwaway GnuPG home with the test keys"
VALID=$(awk '$1 == "valid" { print $2 }' "$G/keys.txt")

W=$TMP/w
mkdir -p "$W/adv"
for a in "CCB-2026-0001 CLEAR audience" "CCBR-2026-0001 AMBER recipients"; do
	set -- $a
	printf -- '---\nid: %s\ntitle: "Advisory %s"\nlang: en\ntlp: %s\n%s: %s\n' "$1" "$1" "$2" "$3" \
		"$([ "$3" = audience ] && echo '[public]' || echo '[ops]')" > "$W/adv/$1.md"
	printf 'revisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, summary: First}]\n---\nBody.\n' \
		>> "$W/adv/$1.md"
done
printf 'valid@test.invalid %s Org A\n' "$VALID" > "$W/members.txt"
LISTS="lists:
  - {name: ops, address: ops@lists.test.invalid, tlp: AMBER, members: members.txt}
  - {name: everyone, address: all@lists.test.invalid, tlp: CLEAR, members: members.txt}"

# conf FILE [LINES...]: a configuration in $W, with these lines added
conf() {
	_f=$1
	shift
	{
		printf 'signing:\n  key: signer@test.invalid\n  gnupghome: %s\n' "$G"
		printf '%s\n' "$LISTS"
		printf 'advisories: adv\ntemplates: %s\nstate: state\n' "$TOP/templates"
		printf 'mail:\n  outbox: outbox\n'
		for _l in "$@"; do printf '%s\n' "$_l"; done
	} > "$W/$_f"
}

# ---- 1. no password in the configuration -------------------------------------
PW=Pw0rd-in-the-conf-91c3
# refused LINES WANT NAME: tlpress check -C with those lines fails, saying
# WANT, and nothing it prints holds the password
refused() {
	conf bad.yml "$1"
	run "$TLPRESS" check -C "$W/bad.yml" "$W/adv"
	[ "$rc" -ne 0 ] && grep -qF -- "$2" "$TMP/out" && ! grep -qF "$PW" "$TMP/out"
	ok $? "$3"
	[ "$rc" -ne 0 ] && grep -qF -- "$2" "$TMP/out" && ! grep -qF "$PW" "$TMP/out" ||
		sed -n '1,5p' "$TMP/out" | sed 's/^/#   /'
}
refused "site:
  target: https://uploader:$PW@dav.example/site/" \
	"'site.target' holds a password: passwords never go in tlpress.yml" \
	"a password in site.target (WebDAV) is refused"
refused "site:
  target: sftp://uploader:$PW@sftp.example/srv/www/" \
	"'site.target' holds a password" "a password in site.target (SFTP) is refused"
refused "site:
  target: https://dav.example/site/?password=$PW" \
	"'site.target': 'https://dav.example/site/?***' has a query or fragment" \
	"a password in site.target's query is refused"
refused "smtp:
  url: smtp://mailer:$PW@127.0.0.1:25/" \
	"'smtp.url' holds a user name or password: credentials never go in tlpress.yml" \
	"a password in smtp.url is refused"
refused "smtp:
  url: smtps://127.0.0.1:465/?auth=$PW" "'smtp.url': 'smtps://127.0.0.1:465/?***' has a query" \
	"a password in smtp.url's query is refused"
refused "site:
  url: https://user:$PW@csirt.example/" \
	"'site.url': the URL holds a user name or password before its host" \
	"a password in site.url, which every page publishes, is refused"
refused "smtp:
  url: smpt://mailer:$PW@127.0.0.1:25/" "'smtp.url': 'smpt://***@127.0.0.1:25/' is not an smtp://" \
	"a misspelt smtp.url is refused without showing its password"
refused "site:
  target: htps://uploader:$PW@dav.example/" "'site.target': 'htps://***@dav.example/' is not a URL" \
	"a misspelt site.target is refused without showing its password"
refused "smtp:
  password: $PW" "'smtp.password': passwords and other secrets never go in tlpress.yml" \
	"a key smtp.password is refused as a secret"
refused "site:
  webdav_pass: $PW" "'site.webdav_pass': passwords and other secrets never go" \
	"a key site.webdav_pass is refused as a secret"
refused "api_token: $PW" "'api_token': passwords and other secrets never go" \
	"a top-level api_token is refused as a secret"
L0=$LISTS
LISTS="$LISTS
  - name: secret
    address: secret@lists.test.invalid
    tlp: GREEN
    members: members.txt
    secret: $PW"
refused "" "'lists.secret': passwords and other secrets never go in tlpress.yml" \
	"a secret in a list is refused as such"
LISTS=$L0

# ---- 2. netrc files others may read --------------------------------------------
# netrc FILE LOGIN PASSWORD: $W/FILE for 127.0.0.1, mode 600
netrc() {
	printf 'machine 127.0.0.1\nlogin %s\npassword "%s"\n' "$2" "$3" > "$W/$1"
	chmod 600 "$W/$1"
}
PORT=$(servers_free_port)   # nothing listens there
netrc site.netrc uploader "$PW"
netrc smtp.netrc mailer "$PW"
for mode in 644 640 604 660; do
	chmod $mode "$W/site.netrc"
	conf loose.yml "site:
  output: public
  target: http://127.0.0.1:$PORT/site/
  netrc: site.netrc
  retries: 0"
	run "$TLPRESS" publish -n --no-mail -C "$W/loose.yml"
	[ "$rc" -eq 2 ] && grep -qF "refusing the netrc file '$W/site.netrc'" "$TMP/out" &&
		grep -qF "(mode 0$mode); run chmod 600" "$TMP/out" && ! grep -qF "$PW" "$TMP/out"
	ok $? "publish -n: a site.netrc of mode $mode is refused (exit 2), with the chmod to run"
done
chmod 600 "$W/site.netrc"
run "$TLPRESS" publish -n --no-mail -C "$W/loose.yml"
[ "$rc" -eq 75 ] && ! grep -q "refusing the netrc" "$TMP/out"
ok $? "mode 600 is taken (and the closed port is a server down: exit 75)"
mkdir -p "$TMP/home"
cp "$W/site.netrc" "$TMP/home/.netrc"
chmod 644 "$TMP/home/.netrc"
conf home.yml "site:
  output: public
  target: http://127.0.0.1:$PORT/site/
  retries: 0"
HOME=$TMP/home run "$TLPRESS" publish -n --no-mail -C "$W/home.yml"
[ "$rc" -eq 2 ] && grep -qF "refusing the netrc file '~/.netrc'" "$TMP/out"
ok $? "without site.netrc, a ~/.netrc others may read is refused too"
chmod 644 "$W/smtp.netrc"
conf smtp.yml "site:
  output: public" "smtp:
  url: smtp://127.0.0.1:$PORT/tlpress.test.invalid
  from: advisories@test.invalid
  netrc: smtp.netrc
  timeout: 5"
run "$TLPRESS" mail -C "$W/smtp.yml"
[ "$rc" -eq 2 ] && grep -qF "refusing the netrc file '$W/smtp.netrc'" "$TMP/out"
ok $? "mail: an smtp.netrc of mode 644 is refused (exit 2)"
run "$TLPRESS" mail -n -C "$W/smtp.yml"
[ "$rc" -eq 2 ] && grep -qF "refusing the netrc file '$W/smtp.netrc'" "$TMP/out" &&
	! grep -q "would send" "$TMP/out"
ok $? "mail -n refuses it as the run would"
chmod 600 "$W/smtp.netrc"
run "$TLPRESS" mail -n -C "$W/smtp.yml"
[ "$rc" -eq 0 ] && grep -q "would send" "$TMP/out"
ok $? "mail -n takes it once it is 600"

# ---- 3. the state folder and its files -----------------------------------------
S=$W/state
rm -rf "$S" "$W/public" "$W/outbox"
conf s.yml "site:
  output: public"
run "$TLPRESS" build -q -C "$W/s.yml"
check 0 "a build makes the state folder"
run "$TLPRESS" mail -q -C "$W/s.yml"
check 0 "a mail run into the outbox"
run "$TLPRESS" new -C "$W/s.yml" --no-edit --tlp CLEAR "A new advisory"
check 0 "tlpress new takes an id"
mode() { stat -c %a "$1"; }
[ "$(mode "$S")" = 700 ]
ok $? "the state folder is 0700 ($(mode "$S"))"
bad=
for f in "$S"/*; do
	[ "$(mode "$f")" = 600 ] || bad="$bad ${f##*/}:$(mode "$f")"
done
[ -z "$bad" ] && [ -f "$S/journal.sqlite" ] && [ -f "$S/cache.sqlite" ] && [ -f "$S/ids" ] &&
	[ -f "$S/lock" ] && [ -f "$S/ids.lock" ]
ok $? "journal, cache, lock, ids and ids.lock are there, all 0600 ($(cd "$S" && ls | tr '\n' ' '))${bad:+: not$bad}"
[ "$(find "$W/outbox" \( -type d ! -perm 700 \) -o \( -type f ! -perm 600 \) | wc -l)" -eq 0 ]
ok $? "the outbox's folders are 0700 and its messages 0600"
chmod 755 "$S"
run "$TLPRESS" status -C "$W/s.yml"
[ "$rc" -eq 0 ] && [ "$(mode "$S")" = 700 ]
ok $? "a state folder others may read is made 0700 (status: exit $rc, mode $(mode "$S"))"
chmod 750 "$S"
run "$TLPRESS" build -q -C "$W/s.yml"
[ "$rc" -eq 0 ] && [ "$(mode "$S")" = 700 ]
ok $? "by build too"
chmod 775 "$S"
run "$TLPRESS" build -q -C "$W/s.yml"
[ "$rc" -ne 0 ] && grep -qF "state folder '$S' may be written by others (mode 775); run 'chmod go-w $S'" "$TMP/out"
ok $? "a state folder others may write is refused, with the chmod to run"
run "$TLPRESS" mail -C "$W/s.yml"
[ "$rc" -ne 0 ] && grep -qF "may be written by others" "$TMP/out"
ok $? "by mail too"
chmod 700 "$S"
chmod 644 "$S/journal.sqlite"
run "$TLPRESS" log -C "$W/s.yml"
[ "$rc" -ne 0 ] && grep -qF "journal '$S/journal.sqlite' may be read by others (mode 644); run 'chmod 600" "$TMP/out"
ok $? "a journal others may read is refused, with the chmod to run"
chmod 600 "$S/journal.sqlite"
chmod 644 "$S/cache.sqlite"
sed -i 's/^title: "/title: "Changed: /' "$W/adv/CCB-2026-0001.md"
run "$TLPRESS" build -q -C "$W/s.yml"
[ "$rc" -eq 0 ] && [ "$(mode "$S/cache.sqlite")" = 600 ]
ok $? "a build cache others may read is made 0600 (it names restricted advisories)"
chmod 644 "$S/ids"
run "$TLPRESS" new -C "$W/s.yml" --no-edit --tlp CLEAR "Another one"
[ "$rc" -eq 0 ] && [ "$(mode "$S/ids")" = 600 ]
ok $? "an ids file others may read is rewritten 0600 by the next tlpress new"
rm -f "$W"/adv/CCB-2026-0002.md "$W"/adv/CCB-2026-0003.md

# ---- 4. no password in what tlpress prints, logs or keeps ------------------------
DAVPW='Dav-s3cret pass-7f3a'
SMTPPW=Smtp-s3cret-2b9d
WRONG=Wr0ng-pass-c0de
# every form a password may take on the wire or in a log
forms() {
	for p in "$DAVPW" "$SMTPPW" "$WRONG"; do
		printf '%s\n' "$p"
		printf '%s' "$p" | base64
		for u in uploader mailer; do
			printf '%s:%s' "$u" "$p" | base64          # HTTP basic
			printf '\0%s\0%s' "$u" "$p" | base64       # SMTP AUTH PLAIN
		done
	done
}
forms > "$TMP/forms"
: > "$TMP/all"
# leaky ARGS...: run tlpress, keep what it printed
leaky() {
	run "$@"
	cat "$TMP/out" >> "$TMP/all"
}

if [ -x /usr/sbin/nginx ] && command -v openssl >/dev/null 2>&1; then
	webdav_start "$TMP/dav" uploader "$DAVPW" 2>"$TMP/err"
	ok $? "nginx with WebDAV and basic auth on 127.0.0.1:$WEBDAV_PORT"
	netrc dav.netrc uploader "$DAVPW"
	netrc wrong.netrc uploader "$WRONG"
	for n in dav wrong; do
		conf $n.yml "site:
  output: public
  target: http://127.0.0.1:$WEBDAV_PORT/site/
  netrc: $n.netrc
  retries: 1
  timeout: 5"
	done
	leaky "$TLPRESS" publish -n --no-mail -C "$W/wrong.yml"
	[ "$rc" -eq 1 ] && grep -q "401" "$TMP/out"
	ok $? "publish -n with a wrong password: 401, exit 1"
	leaky "$TLPRESS" publish --no-mail -C "$W/wrong.yml"
	[ "$rc" -eq 1 ] && grep -q "check the credentials for 127.0.0.1 in $W/wrong.netrc" "$TMP/out"
	ok $? "publish with a wrong password: exit 1, naming the netrc file"
	leaky "$TLPRESS" publish -n --no-mail -C "$W/dav.yml"
	[ "$rc" -eq 0 ] && grep -q "would put" "$TMP/out"
	ok $? "publish -n with the right password"
	leaky "$TLPRESS" publish --no-mail -C "$W/dav.yml"
	check 0 "publish with the right password"
	leaky "$TLPRESS" status -C "$W/dav.yml"
	leaky "$TLPRESS" status --json -C "$W/dav.yml"
	leaky "$TLPRESS" log -C "$W/dav.yml"
	leaky "$TLPRESS" log --json -C "$W/dav.yml"
	webdav_stop
	sed -i 's/^title: "/title: "Again: /' "$W/adv/CCB-2026-0001.md"
	leaky "$TLPRESS" publish --no-mail -C "$W/dav.yml"
	[ "$rc" -eq 75 ]
	ok $? "publish to the server gone down: exit 75"
else
	echo "# no nginx or openssl: the WebDAV part is skipped"
fi

if smtp_available; then
	smtp_start "$TMP/sink" --auth "mailer:$SMTPPW" 2>"$TMP/err"
	ok $? "an SMTP sink on 127.0.0.1:$SMTP_PORT that wants a login"
	netrc smtp.netrc mailer "$SMTPPW"
	netrc wrongsmtp.netrc mailer "$WRONG"
	for n in smtp wrongsmtp; do
		conf $n.yml "site:
  output: public" "smtp:
  url: smtp://127.0.0.1:$SMTP_PORT/tlpress.test.invalid
  from: advisories@test.invalid
  netrc: $n.netrc
  timeout: 5"
	done
	rm -rf "$S"
	leaky "$TLPRESS" mail -n -C "$W/wrongsmtp.yml"
	[ "$rc" -eq 0 ] && grep -q "would send" "$TMP/out"
	ok $? "mail -n: says who would get what, without logging in"
	leaky "$TLPRESS" mail -C "$W/wrongsmtp.yml"
	[ "$rc" -eq 1 ] && grep -q "login refused: 535" "$TMP/out" &&
		grep -qF "check the credentials for 127.0.0.1 in '$W/wrongsmtp.netrc'" "$TMP/out"
	ok $? "mail with a wrong password: 535, exit 1 (an operator must act), naming the netrc file"
	leaky "$TLPRESS" mail -C "$W/smtp.yml"
	[ "$rc" -eq 0 ] && grep -q "^mail: 2 sent" "$TMP/out"
	ok $? "mail with the right password sends"
	leaky "$TLPRESS" status -C "$W/smtp.yml"
	leaky "$TLPRESS" log -C "$W/smtp.yml"
	leaky "$TLPRESS" log --json -C "$W/smtp.yml"
	smtp_stop
	leaky "$TLPRESS" mail -C "$W/smtp.yml"
	leaky "$TLPRESS" publish --no-mail -C "$W/smtp.yml"
else
	echo "# no aiosmtpd for /usr/bin/python3: the SMTP part is skipped"
fi

! grep -qF -f "$TMP/forms" "$TMP/all"
ok $? "no password, in clear or base64, in anything tlpress printed ($(wc -l < "$TMP/all") lines)"
grep -F -f "$TMP/forms" "$TMP/all" | head -3 | sed 's/^/#   /'
! grep -rqaF -f "$TMP/forms" "$S" "$W/public" "$W/outbox" 2>/dev/null
ok $? "none in the state folder (journal, cache), the site or the outbox"
! grep -qaF -f "$TMP/forms" "$W"/*.yml
ok $? "nor in the configuration files, which name the netrc files"

done_testing
