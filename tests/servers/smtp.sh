# tests/servers/smtp.sh - the SMTP sink for the mail tests: aiosmtpd on
# 127.0.0.1 storing every message per recipient in a Maildir, with fault
# injection. POSIX sh. The sink is shared/recipes/smtp_sink.py (see
# shared/recipes/servers.md, section 1b), used where it is, not copied.
#
# Sourced (the tests do this; TOP is the top of the work tree, TLPRESS_SHARED
# the shared folder, $TOP/../shared by default):
#   smtp_available    0 when /usr/bin/python3 imports aiosmtpd and the sink
#                     script is there
#   smtp_start DIR [SINK-ARGS...]
#                     a sink with its state in DIR (made if missing): the
#                     Maildir DIR/mail (DIR/mail/<rcpt>/new/..., and
#                     DIR/mail/transcript.log), its output in DIR/sink.log.
#                     SINK-ARGS go to smtp_sink.py: --fail-first N
#                     --fail-code '451 ...', --reject-rcpt RE --reject-code
#                     '550 ...', --control FILE, --auth USER:PASS.
#                     The kernel picks the port (--port 0 --ready-file).
#                     Sets SMTP_PORT, SMTP_PID and SMTP_MAILDIR.
#   smtp_stop [PID...]  stop those sinks, or every sink started here, by PID
#                     (kill -TERM, then wait); safe to call twice, or in a trap
# Ready means: the sink wrote its port. Failures go to stderr, status 1.
#
# By hand:
#   sh tests/servers/smtp.sh start DIR [SINK-ARGS...]   (prints the port)
#   sh tests/servers/smtp.sh stop DIR

SMTP_PYTHON=/usr/bin/python3 # the python3 first on PATH may lack Debian's modules
SMTP_SHARED=${TLPRESS_SHARED:-${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/../shared}
SMTP_SINK=$SMTP_SHARED/recipes/smtp_sink.py
SMTP_PID=
SMTP_PORT=
SMTP_MAILDIR=
SMTP_PIDS=

smtp_available() {
	[ -x "$SMTP_PYTHON" ] && [ -f "$SMTP_SINK" ] &&
		"$SMTP_PYTHON" -c 'import aiosmtpd' >/dev/null 2>&1
}

# _smtp_alive PID: running and not a zombie
_smtp_alive() {
	case $(ps -o stat= -p "$1" 2>/dev/null) in
	''|Z*) return 1 ;;
	esac
	return 0
}

smtp_start() {
	_ss_dir=$1
	shift
	SMTP_PID=
	SMTP_PORT=
	smtp_available || {
		echo "smtp_start: $SMTP_PYTHON cannot import aiosmtpd or $SMTP_SINK is missing" \
			"(apt-get install python3-aiosmtpd)" >&2
		return 1
	}
	mkdir -p "$_ss_dir/mail" || return 1
	_ss_dir=$(cd "$_ss_dir" && pwd)
	rm -f "$_ss_dir/port"
	"$SMTP_PYTHON" "$SMTP_SINK" --maildir "$_ss_dir/mail" --port 0 \
		--ready-file "$_ss_dir/port" "$@" </dev/null >"$_ss_dir/sink.log" 2>&1 &
	SMTP_PID=$!
	SMTP_PIDS="$SMTP_PIDS $SMTP_PID"
	_ss_i=0
	while [ "$_ss_i" -lt 400 ]; do
		if [ -s "$_ss_dir/port" ]; then
			SMTP_PORT=$(cat "$_ss_dir/port")
			SMTP_MAILDIR=$_ss_dir/mail
			return 0
		fi
		_smtp_alive "$SMTP_PID" || break
		sleep 0.05
		_ss_i=$((_ss_i + 1))
	done
	echo "smtp_start: the sink did not start:" >&2
	tail -5 "$_ss_dir/sink.log" >&2
	smtp_stop "$SMTP_PID"
	SMTP_PID=
	return 1
}

smtp_stop() {
	if [ $# -eq 0 ]; then
		# shellcheck disable=SC2086 # a list of PIDs, split on purpose
		set -- $SMTP_PIDS
		SMTP_PIDS=
	fi
	for _sp in "$@"; do
		[ -n "$_sp" ] || continue
		kill -TERM "$_sp" 2>/dev/null
		wait "$_sp" 2>/dev/null
		# not our child (by hand): wait until it is gone
		_sp_i=0
		while _smtp_alive "$_sp" && [ "$_sp_i" -lt 100 ]; do
			sleep 0.05
			_sp_i=$((_sp_i + 1))
		done
	done
	return 0
}

# by hand: start DIR [SINK-ARGS...] | stop DIR
case ${0##*/} in
smtp.sh)
	case ${1:-} in
	start)
		[ $# -ge 2 ] || { echo "usage: sh $0 start DIR [SINK-ARGS...]" >&2; exit 2; }
		shift
		_dir=$1
		smtp_start "$@" || exit 1
		printf 'SMTP_PID=%s\nSMTP_PORT=%s\nSMTP_MAILDIR=%s\n' "$SMTP_PID" "$SMTP_PORT" \
			"$SMTP_MAILDIR" | tee "$_dir/smtp.env"
		;;
	stop)
		[ $# -eq 2 ] && [ -f "$2/smtp.env" ] ||
			{ echo "usage: sh $0 stop DIR (after start)" >&2; exit 2; }
		. "$2/smtp.env"
		smtp_stop "$SMTP_PID"
		rm -f "$2/smtp.env"
		;;
	*)
		echo "usage: sh $0 start DIR [SINK-ARGS...] | stop DIR" >&2
		exit 2
		;;
	esac
	;;
esac
