#!/bin/sh
# The systemd units of contrib/systemd: hardened as docs/running.md says,
# accepted by systemd-analyze verify without a word (the ExecStart pointed
# at the binary under test), rated "OK" by systemd-analyze security; and the
# configuration example of docs/running.md is valid and writes only where
# the service may write.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

SVC=contrib/systemd/tlpress-publish.service
TIMER=contrib/systemd/tlpress-publish.timer
skip() { _n=$((_n + 1)); echo "ok $_n # skip $1"; }

# has FILE LINE: FILE holds the line LINE
has() {
	grep -qxF -- "$2" "$1"
	ok $? "${1##*/}: $2"
}
for l in "User=tlpress" "Type=oneshot" "ProtectSystem=strict" "ProtectHome=yes" \
	"PrivateTmp=yes" "NoNewPrivileges=yes" "CapabilityBoundingSet=" "UMask=0077" \
	"SystemCallFilter=@system-service" "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6" \
	"SuccessExitStatus=75" "Environment=GNUPGHOME=/var/lib/tlpress/gnupg" \
	"ExecStart=/usr/bin/tlpress publish -q -C /etc/tlpress/tlpress.yml"; do
	has $SVC "$l"
done
for l in "OnCalendar=*:0/5" "Persistent=true" "WantedBy=timers.target"; do
	has $TIMER "$l"
done

if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir -p "$TMP/units"
	sed "s|^ExecStart=/usr/bin/tlpress |ExecStart=$TLPRESS |" $SVC >"$TMP/units/${SVC##*/}"
	cp $TIMER "$TMP/units/"
	(cd "$TMP/units" && systemd-analyze verify --man=no ./tlpress-publish.service \
		./tlpress-publish.timer) >"$TMP/verify" 2>&1
	r=$?
	[ $r -eq 0 ] && [ ! -s "$TMP/verify" ]
	ok $? "systemd-analyze verify: the units are accepted, without a warning"
	[ -s "$TMP/verify" ] && diag "$(sed -n 1,20p "$TMP/verify")"
	systemd-analyze security --offline=true --no-pager "$TMP/units/${SVC##*/}" \
		>"$TMP/security" 2>&1
	level=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p' "$TMP/security")
	if [ -n "$level" ]; then
		awk -v l="$level" 'BEGIN { exit !(l <= 2.0) }'
		ok $? "systemd-analyze security: exposure $level, at most 2.0"
	else
		skip "this systemd-analyze cannot rate a unit offline: $(head -c 200 "$TMP/security")"
	fi
else
	skip "systemd-analyze is not installed (make check-deps installs systemd)"
	skip "systemd-analyze is not installed"
fi

# the configuration example of docs/running.md
awk '/tests\/cli\/0072-systemd.t checks this example/ { f = 1 }
     f && /^```yaml/ { g = 1; next } g && /^```/ { exit } g' docs/running.md >"$TMP/tlpress.yml"
[ -s "$TMP/tlpress.yml" ]
ok $? "docs/running.md has the configuration example"
mkdir -p "$TMP/none"
run "$TLPRESS" check -C "$TMP/tlpress.yml" "$TMP/none"
check 0 "it is a valid configuration"
rw=$(sed -n 's/^ReadWritePaths=//p' $SVC | tr ' ' '\n' | sed 's/^-//')
# under_rw DIR: DIR is one of the service's ReadWritePaths or inside one
under_rw() {
	for _p in $rw; do
		case "$1/" in "$_p"/*) return 0 ;; esac
	done
	return 1
}
for k in state output outbox gnupghome; do
	v=$(sed -n "s/^ *$k: *//p" "$TMP/tlpress.yml")
	under_rw "$v"
	ok $? "its $k ($v) is writable by the service (under its ReadWritePaths)"
done
v=$(sed -n "s/^ *output: *//p" "$TMP/tlpress.yml")
under_rw "$(dirname "$v")"
ok $? "and so is the folder that holds the output ($(dirname "$v")): a build makes the next version beside it"

grep -q "^Environment=GNUPGHOME=$(sed -n 's/^ *gnupghome: *//p' "$TMP/tlpress.yml")\$" $SVC
ok $? "the service's GNUPGHOME is the example's signing.gnupghome"

done_testing
