#!/bin/sh
# The upload transports against real servers: a private nginx with WebDAV
# and a private sshd with SFTP on 127.0.0.1 (tests/servers/), each on a port
# the kernel picked, then the unit test binary test_transport (and its
# ASan/UBSan build when there is one) with the environment that points it
# at them. Its results are reported here one by one.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/servers/servers.sh"
export LC_ALL=C

BIN=$TOP/build/tests/test_transport
BIN_ASAN=$TOP/build/asan/tests/test_transport
if [ ! -x /usr/sbin/nginx ] || [ ! -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null 2>&1; then
	echo "1..0 # SKIP nginx, sshd or ssh missing (apt-get install nginx openssh-server)"
	exit 0
fi
if [ ! -x "$BIN" ]; then
	echo "1..0 # SKIP $BIN not built (make build/tests/test_transport)"
	exit 0
fi

S=$(mktemp -d /tmp/tlpress-servers.XXXXXX)
trap 'servers_stop; rm -rf "$S" "$TMP"' EXIT
trap 'exit 1' INT TERM HUP

webdav_start "$S/webdav" uploader 's3cret pass' 2>"$TMP/err"
ok $? "nginx with WebDAV started on port $WEBDAV_PORT"
[ -s "$TMP/err" ] && diag "$(cat "$TMP/err")"
sftpd_start "$S/sftp" 2>"$TMP/err"
ok $? "sshd with SFTP started on port $SFTPD_PORT"
[ -s "$TMP/err" ] && diag "$(cat "$TMP/err")"
if [ -z "$WEBDAV_PID" ] || [ -z "$SFTPD_PID" ]; then
	done_testing
fi

printf 'machine 127.0.0.1\nlogin uploader\npassword "s3cret pass"\n' > "$S/netrc"
chmod 600 "$S/netrc"
mkdir -p "$S/sftp/root"

export TLPRESS_TEST_WEBDAV_URL="http://127.0.0.1:$WEBDAV_PORT/site/"
export TLPRESS_TEST_WEBDAV_STRICT_URL="http://127.0.0.1:$WEBDAV_PORT/strict/"
export TLPRESS_TEST_NETRC="$S/netrc"
export TLPRESS_TEST_SERVER_ROOT_WEBDAV="$S/webdav/www/site"
export TLPRESS_TEST_SFTP_URL="sftp://$(id -un)@127.0.0.1:$SFTPD_PORT$S/sftp/root/"
export TLPRESS_TEST_SSH_KEY="$S/sftp/client_key"
export TLPRESS_TEST_SSH_BADKEY="$S/sftp/ssh_host_ed25519_key"
export TLPRESS_TEST_KNOWN_HOSTS="$S/sftp/known_hosts"
export TLPRESS_TEST_SERVER_ROOT_SFTP="$S/sftp/root"

# unit BINARY LABEL: run it, report each of its results as ours
unit() {
	"$1" >"$TMP/unit.out" 2>"$TMP/unit.err"
	_urc=$?
	while IFS= read -r _l; do
		case $_l in
		"ok "*) ok 0 "$2: ${_l#ok * - }" ;;
		"not ok "*) ok 1 "$2: ${_l#not ok * - }" ;;
		"#"*) echo "$_l" ;;
		esac
	done <"$TMP/unit.out"
	[ "$_urc" -eq 0 ]
	ok $? "$2: test_transport exits 0"
	[ "$_urc" -eq 0 ] || sed -n '1,30p' "$TMP/unit.err" | sed 's/^/#   /'
	# the server side of the run, for a failure
	[ "$_urc" -eq 0 ] || tail -5 "$S/webdav/error.log" "$S/sftp/sshd.log" 2>/dev/null | sed 's/^/#   /'
}

unit "$BIN" plain
# both runs start from the same empty folders
rm -rf "$S/webdav/www/site" "$S/sftp/root"
mkdir -p "$S/webdav/www/site" "$S/sftp/root"
[ -x "$BIN_ASAN" ] && unit "$BIN_ASAN" asan

# the servers stop by their PIDs
_pids="$WEBDAV_PID $SFTPD_PID"
servers_stop
_left=
for _p in $_pids; do
	_servers_alive "$_p" && _left="$_left $_p"
done
[ -z "$_left" ]
ok $? "nginx and sshd stopped"
done_testing
