#!/bin/sh
# tlpress verify: a subscriber tells a real published tree from a forged one,
# in a folder and over HTTP (a private nginx on 127.0.0.1). The tree is made
# here with gpg and sha256sum as `tlpress build` lays it out: every file F
# with F.asc, CSAF documents with .sha256/.sha512, the publisher's key in
# openpgp/<FPR>.asc, manifest.txt listing every file (the .asc too) and its
# signature. Makes a throwaway GnuPG home with tests/gpg/mkhome.sh.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
. tests/nginx/nginx.sh
# the test server is on the loopback: no proxy from the environment
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY

H=$(mktemp -d /tmp/tg.XXXXXX)    # short: gpg-agent's sockets live in it
H2=$(mktemp -d /tmp/tg.XXXXXX)   # a subscriber's home: the exported key only
cleanup() {
	nginx_stop
	gpgconf --homedir "$H" --kill all >/dev/null 2>&1
	gpgconf --homedir "$H2" --kill all >/dev/null 2>&1
	rm -rf "$H" "$H2" "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
if ! sh tests/gpg/mkhome.sh "$H" >"$TMP/mkhome.log" 2>&1; then
	echo "Bail out! tests/gpg/mkhome.sh failed: $(head -c 300 "$TMP/mkhome.log")"
	exit 1
fi
fpr() { awk -v k="$1" '$1 == k { print $2 }' "$H/keys.txt"; }
FPR=$(fpr signer)
gpg_() { gpg --homedir "$H" --batch --quiet --no-tty --pinentry-mode loopback --passphrase '' "$@"; }
sign() { gpg_ -u "$FPR" --armor --detach-sign --yes -o "$1.asc" "$1"; }

# manifest DIR: write DIR/manifest.txt (every file but itself and its .asc,
# sorted by path) and sign it; NOSIGNER=1 leaves out the '# signer:' line
manifest() {
	(
		cd "$1" || exit 1
		echo '# tlpress manifest 1'
		echo '# clearance: TLP:CLEAR'
		[ -n "${NOSIGNER:-}" ] || echo "# signer: $FPR"
		find . -type f ! -path ./manifest.txt ! -path ./manifest.txt.asc | sed 's|^\./||' |
			LC_ALL=C sort | while IFS= read -r p; do
				printf '%s %s %s\n' "$(sha256sum <"$p" | cut -c1-64)" \
					"$(wc -c <"$p" | tr -d ' ')" "$p"
			done
	) >"$TMP/manifest.new" && mv "$TMP/manifest.new" "$1/manifest.txt" && sign "$1/manifest.txt"
}

# the tree: a dozen files in nested folders, a CSAF document, the key
T=$TMP/tree
mkdir -p "$T/advisories" "$T/.well-known/csaf/white/2026" "$T/docs/deep/nested" "$T/openpgp"
printf '<!doctype html>\n<title>Advisories</title>\n<p>Index</p>\n' >"$T/index.html"
printf '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>t</title></channel></rss>\n' >"$T/feed.xml"
printf 'body { color: black; }\n' >"$T/style.css"
for n in 0412 0419 0438; do
	printf '<!doctype html>\n<title>CCB-2026-%s</title>\n<p>Patch now.</p>\n' "$n" \
		>"$T/advisories/ccb-2026-$n.html"
done
printf '<!doctype html>\n<title>a name with a space</title>\n' >"$T/advisories/read me.html"
printf 'nested\n' >"$T/docs/deep/nested/notes.txt"
printf '{"canonical_url":"https://csirt.example/.well-known/csaf/provider-metadata.json"}\n' \
	>"$T/.well-known/csaf/provider-metadata.json"
C=.well-known/csaf/white/2026
printf '{"document":{"tracking":{"id":"CCB-2026-0412"},"title":"t"}}\n' >"$T/$C/ccb-2026-0412.json"
(cd "$T/$C" && sha256sum ccb-2026-0412.json >ccb-2026-0412.json.sha256 &&
	sha512sum ccb-2026-0412.json >ccb-2026-0412.json.sha512)
gpg_ --armor --export "$FPR" >"$T/openpgp/$FPR.asc"
find "$T" -type f ! -name '*.asc' | while IFS= read -r f; do sign "$f"; done
manifest "$T"
NFILES=$(grep -vc '^#' "$T/manifest.txt")
[ "$NFILES" -ge 24 ]
ok $? "the test tree has $NFILES files with their signatures"
gpg_ --armor --export "$(fpr valid)" >"$TMP/other.asc"
cp "$T/openpgp/$FPR.asc" "$TMP/publisher.asc"

# case NAME: a fresh copy of the tree in $TMP/NAME, in $D
case_() { D=$TMP/$1; rm -rf "$D"; cp -a "$T" "$D"; }
# flip FILE [OFFSET]: flip the low bit of one byte (default: the middle one)
flip() {
	perl -e 'my ($f, $o) = @ARGV; open(my $h, "+<", $f) or die; binmode $h;
		$o = int((-s $f) / 2) if !defined $o || $o eq ""; seek($h, $o, 0); read($h, my $c, 1);
		seek($h, $o, 0); print $h chr(ord($c) ^ 1); close $h or die' "$1" "${2:-}"
}

# --- a good tree
run "$TLPRESS" verify "$T"
check 0 "verify DIR: a good tree, exit 0"
check_grep "verified $NFILES files signed by $FPR (Test Signer <signer@test.invalid>)" \
	"the summary: every file, the key and its user id"
check_grep "proves that the tree is intact" "a key from the tree: says it proves integrity"
check_grep "--key FILE" "and recommends --key with a key obtained out of band"
run "$TLPRESS" verify --key "$TMP/publisher.asc" "$T"
check 0 "--key with the publisher's key: exit 0"
check_nogrep "proves that the tree is intact" "no integrity-only note with --key"
run "$TLPRESS" verify -q -j 1 "$T/"
check 0 "-q -j 1: exit 0"
[ ! -s "$TMP/out" ]
ok $? "-q prints nothing when all is well"

# sanity: stock gpg, with nothing but the exported key, agrees on every .asc
mkdir -p "$H2" && chmod 700 "$H2"
printf '%s\n' 'no-auto-key-retrieve' 'disable-dirmngr' 'auto-key-locate local' >"$H2/gpg.conf"
gpg --homedir "$H2" --batch --quiet --import "$T/openpgp/$FPR.asc" 2>/dev/null
bad=0
nsig=0
for a in $(cd "$T" && find . -name '*.asc' ! -path './openpgp/*' | sed 's|^\./||' | tr ' ' '?'); do
	for f in "$T"/$a; do
		gpg --homedir "$H2" --batch --verify "$f" "${f%.asc}" >/dev/null 2>&1 || {
			bad=$((bad + 1)); diag "gpg --verify fails for $f"; }
		nsig=$((nsig + 1))
	done
done
[ "$bad" -eq 0 ] && [ "$nsig" -ge 12 ]
ok $? "stock gpg --verify in a fresh home accepts all $nsig signatures"
gpg --homedir "$H2" --batch --verify "$T/manifest.txt.asc" "$T/manifest.txt" >/dev/null 2>&1
ok $? "and the manifest's"

# --- a byte flipped: a page, a signature, the manifest, a CSAF document
case_ flip-page
flip "$D/advisories/ccb-2026-0419.html"
run "$TLPRESS" verify "$D"
check 1 "a byte flipped in a page: exit 1"
check_grep "CHANGED advisories/ccb-2026-0419.html: SHA-256 differs from the manifest" "names it: CHANGED"
check_grep "BAD advisories/ccb-2026-0419.html: signature does not verify" "and BAD: its signature"
check_grep "FAILED: 2 problems" "a summary of the problems"

case_ flip-asc
flip "$D/index.html.asc" 100
run "$TLPRESS" verify "$D"
check 1 "a byte flipped in a .asc: exit 1"
check_grep "CHANGED index.html.asc" "names the .asc: CHANGED"
check_grep "BAD index.html: signature does not verify" "and the file it signs: BAD"

case_ flip-manifest
perl -pi -e 's/^# clearance: TLP:CLEAR$/# clearance: TLP:CLEAQ/' "$D/manifest.txt"
run "$TLPRESS" verify "$D"
check 1 "a byte changed in manifest.txt: exit 1"
check_grep "BAD manifest.txt: signature does not verify" "names manifest.txt"

case_ flip-manifest-hash
flip "$D/manifest.txt" "$(grep -bo '^[0-9a-f]* [0-9]* style.css$' "$D/manifest.txt" | cut -d: -f1)"
run "$TLPRESS" verify "$D"
check 1 "a byte flipped in a hash of manifest.txt: exit 1"
check_grep "BAD manifest.txt: signature does not verify" "names manifest.txt"

case_ flip-csaf
flip "$D/$C/ccb-2026-0412.json"
run "$TLPRESS" verify "$D"
check 1 "a byte flipped in a CSAF document: exit 1"
check_grep "CHANGED $C/ccb-2026-0412.json:" "names it"
check_grep "BAD $C/ccb-2026-0412.json.sha512: does not match the SHA-512" "its .sha512 no longer matches"
check_grep "BAD $C/ccb-2026-0412.json.sha256: does not match the SHA-256" "nor its .sha256"

# a forger who also rewrites the manifest cannot sign it
case_ forged
printf '<!doctype html>\n<title>CCB-2026-0412</title>\n<p>Install this.</p>\n' \
	>"$D/advisories/ccb-2026-0412.html"
h=$(sha256sum <"$D/advisories/ccb-2026-0412.html" | cut -c1-64)
s=$(wc -c <"$D/advisories/ccb-2026-0412.html" | tr -d ' ')
perl -pi -e "s/^[0-9a-f]{64} \\d+ advisories\\/ccb-2026-0412.html\$/$h $s advisories\\/ccb-2026-0412.html/" \
	"$D/manifest.txt"
run "$TLPRESS" verify "$D"
check 1 "a forged page with a forged manifest line: exit 1"
check_grep "BAD manifest.txt: signature does not verify" "the manifest's signature fails"
check_grep "BAD advisories/ccb-2026-0412.html: signature does not verify" "and the page's"
check_nogrep "CHANGED advisories/ccb-2026-0412.html" "(its hash matches the forged manifest)"

# a forger who signs everything with a key of their own, and puts it in
# the tree: --key with the real key refuses it
case_ resigned
gpg_ --armor --export "$(fpr rsa)" >"$D/openpgp/$(fpr rsa).asc"
rm -f "$D/openpgp/$FPR.asc"
FPR_SAVE=$FPR
FPR=$(fpr rsa)
find "$D" -type f -name '*.asc' ! -path "$D/openpgp/*" -delete
find "$D" -type f ! -name '*.asc' ! -name manifest.txt | while IFS= read -r f; do sign "$f"; done
manifest "$D"
FPR=$FPR_SAVE
run "$TLPRESS" verify "$D"
check 0 "a tree re-signed with another key, verified with the key it holds: exit 0"
check_grep "proves that the tree is intact" "(integrity only, and it says so)"
run "$TLPRESS" verify --key "$TMP/publisher.asc" "$D"
check 1 "the same with --key and the publisher's real key: refused, exit 1"
check_grep "BAD manifest.txt: signature does not verify" "the manifest is refused"
check_grep "BAD index.html: signature does not verify" "and every file's signature"

# --- files removed or added
case_ rm-file
rm "$D/style.css"
run "$TLPRESS" verify "$D"
check 1 "a file removed: exit 1"
check_grep "MISSING style.css" "names it: MISSING"

case_ rm-asc
rm "$D/feed.xml.asc"
run "$TLPRESS" verify "$D"
check 1 "an .asc removed: exit 1"
check_grep "UNSIGNED feed.xml" "the file is UNSIGNED"
check_grep "MISSING feed.xml.asc" "and its listed .asc MISSING"

case_ add-file
printf '<p>not published by us</p>\n' >"$D/docs/deep/extra.html"
run "$TLPRESS" verify "$D"
check 1 "a file added: exit 1"
check_grep "UNLISTED docs/deep/extra.html" "names it: UNLISTED"

case_ symlink
ln -s /etc/hostname "$D/docs/link.txt"
rm "$D/style.css"
ln -s /etc/hostname "$D/style.css"
run "$TLPRESS" verify "$D"
check 1 "symbolic links in the tree: exit 1"
check_grep "UNLISTED docs/link.txt: a symbolic link" "an unlisted one is UNLISTED"
check_grep "BAD style.css: a symbolic link (not followed)" "a listed file replaced by one is BAD, not followed"

# a publisher's mistake, signed: the .sha512 does not match the document
case_ csaf-wrong
printf '%0128d  ccb-2026-0412.json\n' 0 >"$D/$C/ccb-2026-0412.json.sha512"
sign "$D/$C/ccb-2026-0412.json.sha512"
manifest "$D"
run "$TLPRESS" verify "$D"
check 1 "a signed .sha512 that does not match its CSAF document: exit 1"
check_grep "BAD $C/ccb-2026-0412.json.sha512: does not match the SHA-512 of ccb-2026-0412.json" "names it"
case_ csaf-nohash
rm "$D/$C/ccb-2026-0412.json.sha256" "$D/$C/ccb-2026-0412.json.sha256.asc"
manifest "$D"
run "$TLPRESS" verify "$D"
check 1 "a CSAF document without its .sha256: exit 1"
check_grep "MISSING $C/ccb-2026-0412.json.sha256" "names the hash file"

# --- the key
run "$TLPRESS" verify --key "$TMP/other.asc" "$T"
check 1 "--key with another key (valid@test.invalid): refused, exit 1"
check_grep "BAD manifest.txt: signature does not verify" "the manifest is refused"
check_grep "unknown key" "because it is signed by a key that is not the one given"
run "$TLPRESS" verify --key "$TMP/nowhere.asc" "$T"
check 3 "--key with a file that is not there: exit 3"
printf 'not a key\n' >"$TMP/junk.asc"
run "$TLPRESS" verify --key "$TMP/junk.asc" "$T"
check 3 "--key with a file that holds no key: exit 3"
check_grep "cannot import the publisher's key" "says so"
case_ nokey
rm "$D/openpgp/$FPR.asc"
run "$TLPRESS" verify "$D"
check 3 "no key in the tree and no --key: exit 3"
check_grep "openpgp/$FPR.asc" "names the key file it looked for"
case_ nosigner
NOSIGNER=1 manifest "$D"
run "$TLPRESS" verify "$D"
check 3 "a manifest with no '# signer:' and no --key: exit 3"
check_grep "names no signer" "says so"
run "$TLPRESS" verify --key "$TMP/publisher.asc" "$D"
check 0 "the same with --key: exit 0"

# --- not a tree, usage
mkdir -p "$TMP/empty"
run "$TLPRESS" verify "$TMP/empty"
check 3 "a folder with no manifest.txt: exit 3"
check_grep "has no manifest.txt" "says so"
run "$TLPRESS" verify "$TMP/nowhere"
check 3 "a folder that does not exist: exit 3"
run "$TLPRESS" verify
check 2 "no tree: exit 2"
run "$TLPRESS" verify "$T" "$T"
check 2 "two trees: exit 2"
run "$TLPRESS" verify ftp://127.0.0.1/tree/
check 2 "an ftp:// URL: refused, exit 2"
check_grep "only http:// and https://" "says which schemes"
run "$TLPRESS" verify -j 0 "$T"
check 2 "-j 0: exit 2"
run "$TLPRESS" verify -h
check 0 "-h: exit 0"
check_grep "usage: tlpress verify" "shows the usage"
run "$TLPRESS" help
check_grep "verify     check the signatures and hashes of a published tree" "tlpress help lists verify"

# --- over HTTP, from a private nginx serving a copy of the tree read-only
W=$TMP/www
mkdir -p "$W"
cp -a "$T" "$W/site"
if nginx_start "$W" 2>"$TMP/nginx.err"; then
	U=http://127.0.0.1:$NGINX_PORT
	run "$TLPRESS" verify "$U/site/"
	check 0 "verify URL: the good tree over HTTP, exit 0"
	check_grep "verified $NFILES files signed by $FPR" "the same summary"
	check_grep "proves that the tree is intact" "with the integrity-only note"
	run "$TLPRESS" verify --key "$TMP/publisher.asc" "$U/site"
	check 0 "a URL without its final slash, with --key: exit 0"
	if [ -x "$TLPRESS_ASAN" ]; then
		ASAN_OPTIONS=detect_leaks=1:exitcode=86 "$TLPRESS_ASAN" verify -j 2 "$U/site/" \
			>"$TMP/out" 2>"$TMP/err"
		rc=$?
		[ "$rc" -eq 0 ] && ! grep -q 'Sanitizer\|runtime error' "$TMP/err"
		ok $? "ASan/UBSan build over HTTP: exit $rc (want 0), no report"
	fi
	run "$TLPRESS" verify "$U/moved/site/"
	check 0 "redirects on the same host are followed: exit 0"
	run "$TLPRESS" verify "$U/away/site/"
	check 3 "a redirect to another host is not followed: exit 3"
	check_grep "other-host.invalid" "and the message says where it went"
	grep -q 'GET /site/manifest.txt ' "$NGINX_DIR/access.log"
	ok $? "nginx served the tree"
	: >"$NGINX_DIR/access.log"
	run "$TLPRESS" verify -q "$U/site/"
	check 0 "once more, quietly: exit 0"
	# only this run's requests: the previous run's last line may reach
	# the log after it was emptied, on a loaded machine
	grep ' /site/' "$NGINX_DIR/access.log" >"$TMP/this-run.log"
	n=$(awk '{ print $NF }' "$TMP/this-run.log" | sort -u | wc -l)
	r=$(wc -l <"$TMP/this-run.log")
	[ "$n" -eq 1 ] && [ "$r" -ge "$NFILES" ]
	ok $? "every one of the $r requests went over one kept-alive connection ($n)"

	flip "$W/site/advisories/ccb-2026-0438.html"
	run "$TLPRESS" verify "$U/site/"
	check 1 "a byte flipped on the server: exit 1"
	check_grep "CHANGED advisories/ccb-2026-0438.html" "names it"
	check_grep "BAD advisories/ccb-2026-0438.html: signature does not verify" "and its signature"
	cp "$T/advisories/ccb-2026-0438.html" "$W/site/advisories/"
	rm "$W/site/advisories/read me.html.asc"
	run "$TLPRESS" verify "$U/site/"
	check 1 "an .asc removed on the server: exit 1"
	check_grep "UNSIGNED advisories/read me.html" "the file is UNSIGNED"
	check_grep "MISSING advisories/read me.html.asc" "its .asc MISSING (a name with a space)"
	cp "$T/advisories/read me.html.asc" "$W/site/advisories/"
	perl -pi -e 's/CLEAR$/CLEAQ/ if /^# clearance/' "$W/site/manifest.txt"
	run "$TLPRESS" verify "$U/site/"
	check 1 "manifest.txt changed on the server: exit 1"
	check_grep "BAD manifest.txt: signature does not verify" "names it"
	run "$TLPRESS" verify "$U/nothing-here/"
	check 3 "a URL with no tree: exit 3"
	check_grep "has no manifest.txt" "says so"

	PORT=$NGINX_PORT
	nginx_stop
	run "$TLPRESS" verify "http://127.0.0.1:$PORT/site/"
	check 3 "the server is down: exit 3"
	check_grep "cannot fetch http://127.0.0.1:$PORT/site/manifest.txt" "a clear message with the URL"
	check_grep "onnect" "and the reason (cannot connect)"
else
	ok 1 "nginx_start: $(tail -3 "$TMP/nginx.err" | tr '\n' ' ')"
fi

# --- the sanitized build, when there is one (a folder; HTTP is run above
# with the sanitized build too when TLPRESS_ASAN exists)
if [ -x "$TLPRESS_ASAN" ]; then
	for c in "0 $T" "1 $TMP/flip-page" "1 $TMP/rm-asc" "1 $TMP/add-file" "1 $TMP/csaf-wrong" \
		 "3 $TMP/empty"; do
		want=${c%% *}
		d=${c#* }
		ASAN_OPTIONS=detect_leaks=1:exitcode=86 "$TLPRESS_ASAN" verify -j 2 "$d" \
			>"$TMP/out" 2>"$TMP/err"
		rc=$?
		[ "$rc" -eq "$want" ] && ! grep -q 'Sanitizer\|runtime error' "$TMP/err"
		ok $? "ASan/UBSan build, $(basename "$d"): exit $rc (want $want), no report"
	done
fi

done_testing
