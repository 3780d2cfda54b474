# tests/servers/servers.sh - a private nginx (WebDAV) and a private sshd
# (SFTP) on 127.0.0.1 for the upload tests. POSIX sh. From the recipes in
# shared/recipes/servers.md, section 2 (nginx 1.22, OpenSSH 9.2, as root).
#
# Sourced (the tests do this; TOP is the top of the work tree):
#   . "$TOP/tests/servers/servers.sh"
#   webdav_start DIR USER PASSWORD   nginx in DIR (made if missing), serving
#                DIR/www; WebDAV with basic auth at /site/ and /strict/.
#                Sets WEBDAV_PORT and WEBDAV_PID.
#   sftpd_start DIR   sshd in DIR with a fresh host key and a fresh client
#                key DIR/client_key (+ .pub, authorized), SFTP only, for the
#                current user. Sets SFTPD_PORT and SFTPD_PID; writes
#                DIR/known_hosts pinning the host key.
#   webdav_stop       stop nginx only (a server that went down)
#   webdav_restart DIR  start nginx again in DIR on the same port
#   servers_stop      stop both by PID (safe to call twice, or in a trap)
# Each server gets a port the kernel picked (bound to port 0, then freed);
# should another process take it in between, the start is tried again.
# Ready means: accepting TCP connections. Failures go to stderr, status 1.
#
# By hand:
#   sh tests/servers/servers.sh start DIR USER PASSWORD   (prints the ports)
#   sh tests/servers/servers.sh stop DIR

SERVERS_HERE=${TOP:+$TOP/tests/servers}
SERVERS_HERE=${SERVERS_HERE:-$(dirname "$0")}
WEBDAV_PID=
WEBDAV_PORT=
SFTPD_PID=
SFTPD_PORT=

# a free TCP port on 127.0.0.1, picked by the kernel
servers_free_port() {
	perl -MSocket -e '
		socket(my $s, PF_INET, SOCK_STREAM, 0) or die "socket: $!\n";
		bind($s, pack_sockaddr_in(0, inet_aton("127.0.0.1"))) or die "bind: $!\n";
		my ($port) = unpack_sockaddr_in(getsockname($s));
		print "$port\n";'
}

# _servers_listening PORT: something accepts connections there
_servers_listening() {
	perl -MIO::Socket::INET -e '
		exit(IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $ARGV[0],
					   Proto => "tcp", Timeout => 1) ? 0 : 1)' "$1"
}

# _servers_alive PID: running and not a zombie
_servers_alive() {
	case $(ps -o stat= -p "$1" 2>/dev/null) in
	''|Z*) return 1 ;;
	esac
	return 0
}

# _servers_wait PID PORT: 0 once PORT accepts, 1 when PID died or 10 s passed
_servers_wait() {
	_sw_i=0
	while [ "$_sw_i" -lt 200 ]; do
		_servers_listening "$2" && return 0
		_servers_alive "$1" || return 1
		sleep 0.05
		_sw_i=$((_sw_i + 1))
	done
	return 1
}

_servers_stop_pid() {
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

webdav_start() {
	_wd_dir=$1
	[ -x /usr/sbin/nginx ] || { echo "webdav_start: nginx is not installed (apt-get install nginx)" >&2; return 1; }
	mkdir -p "$_wd_dir/www/site" "$_wd_dir/www/strict" "$_wd_dir/tmp" || return 1
	_wd_dir=$(cd "$_wd_dir" && pwd)
	printf '%s:%s\n' "$2" "$(openssl passwd -apr1 "$3")" > "$_wd_dir/htpasswd" || return 1
	for _wd_try in 1 2 3 4 5; do
		WEBDAV_PORT=$(servers_free_port) || return 1
		sed "s/@PORT@/$WEBDAV_PORT/g" "$SERVERS_HERE/nginx.conf.in" > "$_wd_dir/nginx.conf" || return 1
		: > "$_wd_dir/error.log"
		/usr/sbin/nginx -p "$_wd_dir/" -c "$_wd_dir/nginx.conf" -e "$_wd_dir/error.log" \
			</dev/null >"$_wd_dir/stderr" 2>&1 &
		WEBDAV_PID=$!
		_servers_wait "$WEBDAV_PID" "$WEBDAV_PORT" && return 0
		_servers_stop_pid "$WEBDAV_PID"
		WEBDAV_PID=
		grep -qs 'Address already in use' "$_wd_dir/error.log" "$_wd_dir/stderr" && continue
		break
	done
	echo "webdav_start: nginx did not start:" >&2
	tail -5 "$_wd_dir/stderr" "$_wd_dir/error.log" >&2 2>/dev/null
	return 1
}

webdav_stop() {
	_servers_stop_pid "$WEBDAV_PID"
	WEBDAV_PID=
}

webdav_restart() {
	_wd_dir=$(cd "$1" && pwd)
	/usr/sbin/nginx -p "$_wd_dir/" -c "$_wd_dir/nginx.conf" -e "$_wd_dir/error.log" \
		</dev/null >>"$_wd_dir/stderr" 2>&1 &
	WEBDAV_PID=$!
	_servers_wait "$WEBDAV_PID" "$WEBDAV_PORT" && return 0
	echo "webdav_restart: nginx did not start again on port $WEBDAV_PORT:" >&2
	tail -5 "$_wd_dir/stderr" "$_wd_dir/error.log" >&2 2>/dev/null
	_servers_stop_pid "$WEBDAV_PID"
	WEBDAV_PID=
	return 1
}

sftpd_start() {
	_sd_dir=$1
	[ -x /usr/sbin/sshd ] || { echo "sftpd_start: sshd is not installed (apt-get install openssh-server)" >&2; return 1; }
	mkdir -p "$_sd_dir" /run/sshd || return 1
	_sd_dir=$(cd "$_sd_dir" && pwd)
	rm -f "$_sd_dir/ssh_host_ed25519_key" "$_sd_dir/ssh_host_ed25519_key.pub" \
		"$_sd_dir/client_key" "$_sd_dir/client_key.pub"
	ssh-keygen -q -t ed25519 -N '' -C tlpress-test-host -f "$_sd_dir/ssh_host_ed25519_key" || return 1
	ssh-keygen -q -t ed25519 -N '' -C tlpress-test-client -f "$_sd_dir/client_key" || return 1
	cp "$_sd_dir/client_key.pub" "$_sd_dir/authorized_keys" || return 1
	for _sd_try in 1 2 3 4 5; do
		SFTPD_PORT=$(servers_free_port) || return 1
		sed -e "s|@DIR@|$_sd_dir|g" -e "s/@PORT@/$SFTPD_PORT/g" \
			"$SERVERS_HERE/sshd_config.in" > "$_sd_dir/sshd_config" || return 1
		/usr/sbin/sshd -t -f "$_sd_dir/sshd_config" 2>"$_sd_dir/sshd.log" || {
			echo "sftpd_start: bad sshd configuration:" >&2
			cat "$_sd_dir/sshd.log" >&2
			return 1
		}
		/usr/sbin/sshd -D -e -f "$_sd_dir/sshd_config" </dev/null 2>"$_sd_dir/sshd.log" &
		SFTPD_PID=$!
		if _servers_wait "$SFTPD_PID" "$SFTPD_PORT"; then
			printf '[127.0.0.1]:%s %s\n' "$SFTPD_PORT" \
				"$(cut -d' ' -f1,2 "$_sd_dir/ssh_host_ed25519_key.pub")" > "$_sd_dir/known_hosts"
			return 0
		fi
		_servers_stop_pid "$SFTPD_PID"
		SFTPD_PID=
		grep -qs 'Address already in use' "$_sd_dir/sshd.log" && continue
		break
	done
	echo "sftpd_start: sshd did not start:" >&2
	tail -5 "$_sd_dir/sshd.log" >&2
	return 1
}

servers_stop() {
	_servers_stop_pid "$WEBDAV_PID"
	_servers_stop_pid "$SFTPD_PID"
	WEBDAV_PID=
	SFTPD_PID=
}

# by hand: start DIR USER PASSWORD | stop DIR
case ${0##*/} in
servers.sh)
	case ${1:-} in
	start)
		[ $# -eq 4 ] || { echo "usage: sh $0 start DIR USER PASSWORD" >&2; exit 2; }
		webdav_start "$2/webdav" "$3" "$4" || exit 1
		sftpd_start "$2/sftp" || { servers_stop; exit 1; }
		printf 'WEBDAV_PID=%s\nWEBDAV_PORT=%s\nSFTPD_PID=%s\nSFTPD_PORT=%s\n' \
			"$WEBDAV_PID" "$WEBDAV_PORT" "$SFTPD_PID" "$SFTPD_PORT" | tee "$2/servers.env"
		;;
	stop)
		[ $# -eq 2 ] && [ -f "$2/servers.env" ] || { echo "usage: sh $0 stop DIR (after start)" >&2; exit 2; }
		. "$2/servers.env"
		# not our children here: kill by PID and wait until they are gone
		for _p in "$WEBDAV_PID" "$SFTPD_PID"; do
			kill -TERM "$_p" 2>/dev/null
			_i=0
			while _servers_alive "$_p" && [ "$_i" -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
		done
		rm -f "$2/servers.env"
		;;
	*)
		echo "usage: sh $0 start DIR USER PASSWORD | stop DIR" >&2
		exit 2
		;;
	esac
	;;
esac
