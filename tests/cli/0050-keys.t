#!/bin/sh
# tlpress keys: the signing key and its health, for every state a key can be
# in, and --check's exit status for a weekly cron job. Makes a throwaway
# GnuPG home with tests/gpg/mkhome.sh (a few seconds: one RSA-4096 key).
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

H=$(mktemp -d /tmp/tg.XXXXXX)   # short: gpg-agent's sockets live in it
trap 'gpgconf --homedir "$H" --kill all >/dev/null 2>&1; rm -rf "$H" "$TMP"' EXIT
if ! sh tests/gpg/mkhome.sh "$H" >"$TMP/mkhome.log" 2>&1; then
	echo "Bail out! tests/gpg/mkhome.sh failed: $(head -c 300 "$TMP/mkhome.log")"
	exit 1
fi
fpr() { awk -v k="$1" '$1 == k { print $2 }' "$H/keys.txt"; }

# conf NAME KEY [WARN_DAYS]: $TMP/NAME.yml for KEY in the test home
conf() {
	{
		echo "signing:"
		echo "  key: \"$2\""
		echo "  gnupghome: \"$H\""
		[ -n "${3:-}" ] && echo "  warn_days: $3"
		# no advisories, so no recipient keys: the signing key alone
		# (recipient keys: tests/cli/0063-mail.t)
		echo "advisories: \"$TMP/none\""
	} >"$TMP/$1.yml"
}
mkdir -p "$TMP/none"
# out and err apart: runs CMD..., stdout in $TMP/out, stderr in $TMP/err
run2() {
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

# --- ok: the Ed25519 signing key
conf signer signer@test.invalid
run "$TLPRESS" keys -C "$TMP/signer.yml"
check 0 "keys: the signing key, exit 0"
check_grep "signing key: $(fpr signer)" "prints its fingerprint"
check_grep "user id:     Test Signer <signer@test.invalid>" "its user id"
check_grep "algorithm:   ed25519" "its algorithm"
check_grep "expires:     never" "its expiry: never"
check_grep "state:       ok" "state ok"
run "$TLPRESS" keys -C "$TMP/signer.yml" --check
check 0 "--check: ok is exit 0"
run "$TLPRESS" keys -C "$TMP/signer.yml" --check -q
check 0 "--check -q: exit 0"
[ ! -s "$TMP/out" ]
ok $? "and prints nothing"
conf signer-fpr "$(fpr signer)"
run "$TLPRESS" keys -C "$TMP/signer-fpr.yml" --check
check 0 "the key by fingerprint"
check_grep "state:       ok" "is ok too"

# --- ok: RSA-4096
conf rsa rsa@test.invalid
run "$TLPRESS" keys -C "$TMP/rsa.yml" --check
check 0 "the RSA-4096 key: exit 0 with --check"
check_grep "algorithm:   rsa4096" "algorithm rsa4096"

# --- expires soon (10 days from the real clock; warn_days 30 by default)
conf soon soon@test.invalid
run "$TLPRESS" keys -C "$TMP/soon.yml"
check 0 "the key that expires in 10 days: exit 0 without --check"
check_grep "state:       expires soon" "state expires soon"
grep -Eq '^days left: +(9|10)$' "$TMP/out"
ok $? "9 or 10 days left"
check_grep "expires:     $(date -u -d '+10 days' +%Y-%m-%d)" "its expiry date"
run2 "$TLPRESS" keys -C "$TMP/soon.yml" --check
check 1 "--check: expires soon is exit 1"
grep -q "expires on .* extend it" "$TMP/err"
ok $? "with a message on stderr saying what to do"
run2 "$TLPRESS" keys -C "$TMP/soon.yml" --check -q
check 1 "--check -q: exit 1"
[ ! -s "$TMP/out" ] && grep -q "$(fpr soon)" "$TMP/err"
ok $? "only the problem, on stderr, naming the key"
conf soon5 soon@test.invalid 5
run "$TLPRESS" keys -C "$TMP/soon5.yml" --check
check 0 "with signing.warn_days 5 it is ok"
# TLPRESS_NOW replaces the clock: 11 days on, it has expired
run env TLPRESS_NOW="$(date -u -d '+11 days' +%Y-%m-%dT%H:%M:%SZ)" "$TLPRESS" keys -C "$TMP/soon.yml" --check
check 1 "TLPRESS_NOW 11 days on: exit 1"
check_grep "state:       expired" "state expired"
run env TLPRESS_NOW="$(date -u -d '+11 days' +%Y-%m-%dT%H:%M:%SZ)" "$TLPRESS" keys -C "$TMP/signer.yml" --check
check 0 "while a key that never expires stays ok"
run env TLPRESS_NOW=tomorrow "$TLPRESS" keys -C "$TMP/signer.yml"
check 2 "a TLPRESS_NOW that is no time: exit 2"

# --- expired, revoked, cannot sign
conf expired expired@test.invalid
run "$TLPRESS" keys -C "$TMP/expired.yml"
check 0 "the expired key: exit 0 without --check"
check_grep "state:       expired" "state expired"
check_grep "expires:     2020-01-02" "its expiry date"
check_grep "expired on 2020-01-02" "a message with the date"
run2 "$TLPRESS" keys -C "$TMP/expired.yml" --check
check 1 "--check: expired is exit 1"
grep -q "quick-set-expire $(fpr expired)" "$TMP/err"
ok $? "stderr says how to extend it"

conf revoked revoked@test.invalid
run "$TLPRESS" keys -C "$TMP/revoked.yml"
check 0 "the revoked key: exit 0 without --check"
check_grep "state:       revoked" "state revoked"
run2 "$TLPRESS" keys -C "$TMP/revoked.yml" --check
check 1 "--check: revoked is exit 1"
grep -q "$(fpr revoked).* is revoked" "$TMP/err"
ok $? "stderr names the key and says it is revoked"

conf nosign nosign@test.invalid
run "$TLPRESS" keys -C "$TMP/nosign.yml"
check 0 "the certify-only key: exit 0 without --check"
check_grep "state:       cannot sign" "state cannot sign"
run2 "$TLPRESS" keys -C "$TMP/nosign.yml" --check
check 1 "--check: cannot sign is exit 1"
grep -q "no signing (sub)key" "$TMP/err"
ok $? "stderr says it has no signing key"

# --- not found, ambiguous, not configured
conf none nobody@test.invalid
run "$TLPRESS" keys -C "$TMP/none.yml"
check 0 "a key that is not there: exit 0 without --check"
check_grep "state:       not found" "state not found"
check_grep "nobody@test.invalid" "naming the key"
run "$TLPRESS" keys -C "$TMP/none.yml" --check
check 1 "--check: not found is exit 1"
conf many test.invalid
run "$TLPRESS" keys -C "$TMP/many.yml" --check
check 1 "a key that matches several: exit 1 with --check"
check_grep "state:       ambiguous" "state ambiguous"

printf 'site:\n  title: "Test"\n' >"$TMP/nokey.yml"
run "$TLPRESS" keys -C "$TMP/nokey.yml"
check 0 "no signing.key: exit 0"
check_grep "none configured" "says none is configured"
run2 "$TLPRESS" keys -C "$TMP/nokey.yml" --check
check 1 "no signing.key with --check: exit 1"
grep -q "no signing key configured" "$TMP/err"
ok $? "said on stderr"

# --- the environment
printf 'signing:\n  key: signer@test.invalid\n  gnupghome: "%s/nowhere"\n' "$TMP" >"$TMP/nohome.yml"
run "$TLPRESS" keys -C "$TMP/nohome.yml" --check
check 3 "a GnuPG home that does not exist: exit 3"
check_grep "does not exist" "said so"
if [ ! -d "/run/user/$(id -u)" ]; then
	L="$H/a-folder-name-long-enough-that-gpg-agent-sockets-would-not-fit-in-sun-path-x"
	mkdir -m 700 "$L"
	printf 'signing:\n  key: signer@test.invalid\n  gnupghome: "%s"\n' "$L" >"$TMP/long.yml"
	run "$TLPRESS" keys -C "$TMP/long.yml" --check
	check 3 "a GnuPG home of ${#L} characters: exit 3"
	check_grep "too long" "said too long"
	check_grep "gpgconf --homedir" "with the gpgconf --create-socketdir way out"
	rmdir "$L"
fi

# --- usage
run "$TLPRESS" keys --bogus
check 2 "an unknown option: exit 2"
run "$TLPRESS" keys extra
check 2 "an argument: exit 2"
run "$TLPRESS" keys -h
check 0 "-h: exit 0"
check_grep "usage: tlpress keys" "shows the usage"
run "$TLPRESS" help
check_grep "keys       show the signing key and its health" "tlpress help lists keys"

# --- the sanitized build, when there is one
if [ -x "$TLPRESS_ASAN" ]; then
	for k in signer expired none nokey; do
		ASAN_OPTIONS=detect_leaks=1:exitcode=86 "$TLPRESS_ASAN" keys -C "$TMP/$k.yml" --check \
			>"$TMP/out" 2>"$TMP/err"
		rc=$?
		[ "$rc" -le 1 ] && ! grep -q 'Sanitizer\|runtime error' "$TMP/err"
		ok $? "ASan/UBSan build, $k: no report (exit $rc)"
	done
fi

done_testing
