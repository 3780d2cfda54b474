#!/bin/sh
# Mail to one recipient over SMTP (lib/smtp.h) against the aiosmtpd sink of
# shared/recipes/smtp_sink.py (tests/servers/smtp.sh), on ports the kernel
# picked: one that takes everything, one that answers 451 to the first two
# messages, one that rejects bad@ with 550, and a port where nothing
# listens. Then the unit test binary test_smtp (and its ASan/UBSan build
# when there is one) with the environment that points it at them; each run
# gets fresh sinks. Its results are reported here one by one.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/servers/smtp.sh"
export LC_ALL=C

BIN=$TOP/build/tests/test_smtp
BIN_ASAN=$TOP/build/asan/tests/test_smtp
if ! smtp_available; then
	echo "1..0 # SKIP /usr/bin/python3 cannot import aiosmtpd or $SMTP_SINK is missing" \
		"(apt-get install python3-aiosmtpd)"
	exit 0
fi
if [ ! -x "$BIN" ]; then
	echo "1..0 # SKIP $BIN not built (make build/tests/test_smtp)"
	exit 0
fi

S=$(mktemp -d /tmp/tlpress-smtp-sinks.XXXXXX)
trap 'smtp_stop; rm -rf "$S" "$TMP"' EXIT
trap 'exit 1' INT TERM HUP

# a port on 127.0.0.1 where nothing listens (bound, then freed)
closed_port() {
	"$SMTP_PYTHON" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# sinks LABEL: three fresh sinks in $S/LABEL, exported for test_smtp
sinks() {
	_d=$S/$1
	smtp_start "$_d/ok" 2>"$TMP/err"
	ok $? "$1: sink started on port $SMTP_PORT"
	[ -s "$TMP/err" ] && diag "$(cat "$TMP/err")"
	export TLPRESS_TEST_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT"
	export TLPRESS_TEST_SMTP_MAILDIR="$SMTP_MAILDIR"
	smtp_start "$_d/451" --fail-first 2 --fail-code '451 4.3.0 Try later' 2>"$TMP/err"
	ok $? "$1: sink with --fail-first 2 (451) started on port $SMTP_PORT"
	[ -s "$TMP/err" ] && diag "$(cat "$TMP/err")"
	export TLPRESS_TEST_SMTP_URL_451="smtp://127.0.0.1:$SMTP_PORT"
	export TLPRESS_TEST_SMTP_MAILDIR_451="$SMTP_MAILDIR"
	smtp_start "$_d/550" --reject-rcpt '^bad@' --reject-code '550 5.1.1 No such user' \
		2>"$TMP/err"
	ok $? "$1: sink with --reject-rcpt ^bad@ (550) started on port $SMTP_PORT"
	[ -s "$TMP/err" ] && diag "$(cat "$TMP/err")"
	export TLPRESS_TEST_SMTP_URL_550="smtp://127.0.0.1:$SMTP_PORT"
	export TLPRESS_TEST_SMTP_MAILDIR_550="$SMTP_MAILDIR"
	_down=$(closed_port)
	export TLPRESS_TEST_SMTP_DOWN_URL="smtp://127.0.0.1:$_down"
}

# unit BINARY LABEL: run it, report each of its results as ours
unit() {
	"$1" >"$TMP/unit.out" 2>"$TMP/unit.err"
	_urc=$?
	_nres=0
	while IFS= read -r _l; do
		case $_l in
		"ok "*) ok 0 "$2: ${_l#ok * - }"; _nres=$((_nres + 1)) ;;
		"not ok "*) ok 1 "$2: ${_l#not ok * - }"; _nres=$((_nres + 1)) ;;
		"#"*) echo "$_l" ;;
		esac
	done <"$TMP/unit.out"
	[ "$_urc" -eq 0 ] && [ "$_nres" -gt 0 ]
	ok $? "$2: test_smtp exits 0 ($_nres results)"
	[ "$_urc" -eq 0 ] || sed -n '1,30p' "$TMP/unit.err" | sed 's/^/#   /'
	# the sinks' side of the run, for a failure
	[ "$_urc" -eq 0 ] || tail -n 5 "$S/$2"/*/sink.log "$S/$2"/*/mail/transcript.log \
		2>/dev/null | sed 's/^/#   /'
	# nothing but TAP on stdout, nothing at all on stderr (lib/ never prints)
	! grep -qv '^ok \|^not ok \|^#\|^1\.\.' "$TMP/unit.out"
	ok $? "$2: test_smtp prints only TAP"
	[ ! -s "$TMP/unit.err" ]
	ok $? "$2: test_smtp prints nothing on stderr"
}

# stopped KIND: every sink started so far is gone
stopped() {
	_pids=$SMTP_PIDS
	smtp_stop
	_left=
	for _p in $_pids; do
		_smtp_alive "$_p" && _left="$_left $_p"
	done
	[ -z "$_left" ]
	ok $? "$1: the sinks stopped"
}

sinks plain
unit "$BIN" plain
stopped plain
if [ -x "$BIN_ASAN" ]; then
	sinks asan
	unit "$BIN_ASAN" asan
	stopped asan
fi
done_testing
