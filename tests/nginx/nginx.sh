# tests/nginx/nginx.sh - a private, read-only nginx on 127.0.0.1 for tests
# (sh; source it after tests/cli/lib.sh)
#
#   nginx_start ROOT   serve the folder ROOT at http://127.0.0.1:$NGINX_PORT/
#                      (a free port, found by trying); sets NGINX_PORT,
#                      NGINX_PID and NGINX_DIR (config, logs, pid file).
#                      Non-zero on failure, with the reason on stderr.
#   nginx_stop         stop it by its PID and remove NGINX_DIR; does nothing
#                      when it is not running, so it may go in an EXIT trap.
#
# nginx runs in the foreground ('daemon off;') as a child of the calling
# shell: the test owns its PID. It is ready once it has written its pid file,
# which nginx does after binding the port. From /work/shared/recipes
# servers.md, section 2 (nginx 1.22, Debian 12, as root).

NGINX_BIN=${NGINX_BIN:-$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)}
NGINX_CONF_IN=${NGINX_CONF_IN:-${TOP:-.}/tests/nginx/nginx.conf.in}
NGINX_PID=
NGINX_DIR=
NGINX_PORT=

# _nginx_alive PID: the process is there and not a zombie
# (an exited child stays a zombie until waited for: kill -0 would succeed)
_nginx_alive() {
	[ -r "/proc/$1/stat" ] || return 1
	case $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) in
	''|Z*|X*) return 1 ;;
	esac
	return 0
}

nginx_start() {
	_ngx_root=$(cd "$1" 2>/dev/null && pwd) || { echo "nginx_start: no folder '$1'" >&2; return 1; }
	[ -x "$NGINX_BIN" ] || { echo "nginx_start: nginx is not installed (apt-get install nginx)" >&2; return 1; }
	NGINX_DIR=$(mktemp -d /tmp/ngx.XXXXXX) || return 1
	mkdir -p "$NGINX_DIR/tmp"
	_ngx_try=0
	while [ "$_ngx_try" -lt 20 ]; do
		_ngx_try=$((_ngx_try + 1))
		NGINX_PORT=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000 + 20000 ))
		sed -e "s|@PORT@|$NGINX_PORT|g" -e "s|@ROOT@|$_ngx_root|g" "$NGINX_CONF_IN" \
			>"$NGINX_DIR/nginx.conf" || return 1
		rm -f "$NGINX_DIR/nginx.pid" "$NGINX_DIR/error.log"
		"$NGINX_BIN" -p "$NGINX_DIR/" -c "$NGINX_DIR/nginx.conf" -e "$NGINX_DIR/error.log" \
			</dev/null >"$NGINX_DIR/stderr" 2>&1 &
		NGINX_PID=$!
		_ngx_i=0
		while [ "$_ngx_i" -lt 200 ]; do
			[ -s "$NGINX_DIR/nginx.pid" ] && return 0
			_nginx_alive "$NGINX_PID" || break
			sleep 0.05
			_ngx_i=$((_ngx_i + 1))
		done
		if _nginx_alive "$NGINX_PID"; then
			echo "nginx_start: nginx did not start within 10 s" >&2
			nginx_stop
			return 1
		fi
		wait "$NGINX_PID" 2>/dev/null
		NGINX_PID=
		# another process holds the port: try another one
		grep -qs 'Address already in use' "$NGINX_DIR/error.log" "$NGINX_DIR/stderr" && continue
		echo "nginx_start: nginx failed:" >&2
		cat "$NGINX_DIR/stderr" "$NGINX_DIR/error.log" 2>/dev/null | tail -5 >&2
		return 1
	done
	echo "nginx_start: no free port found in 20 tries" >&2
	return 1
}

nginx_stop() {
	if [ -n "$NGINX_PID" ]; then
		kill -TERM "$NGINX_PID" 2>/dev/null
		wait "$NGINX_PID" 2>/dev/null
		NGINX_PID=
	fi
	if [ -n "$NGINX_DIR" ]; then
		rm -rf "$NGINX_DIR"
		NGINX_DIR=
	fi
}
