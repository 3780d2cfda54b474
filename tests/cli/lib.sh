# tests/cli/lib.sh - shared by the command-line tests (TAP, read by prove)
#
# Each test script sources this file, calls `plan N` (or `done_testing` at
# the end), and reports with `ok`, `check`, `check_grep`. The binary under
# test is $TLPRESS (build/tlpress by default); $TLPRESS_ASAN the same built
# with AddressSanitizer and UBSan; $TLPRESS_SHARED the shared folder.

TOP=${TLPRESS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
TLPRESS=${TLPRESS:-$TOP/build/tlpress}
TLPRESS_ASAN=${TLPRESS_ASAN:-$TOP/build/asan/tlpress}
TLPRESS_SHARED=${TLPRESS_SHARED:-$TOP/../shared}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$TOP/tests/lsan.supp:print_suppressions=0}

_n=0
_failed=0
TMP=$(mktemp -d /tmp/tlpress-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

plan() { echo "1..$1"; _planned=1; }
done_testing() { [ -n "${_planned:-}" ] || echo "1..$_n"; [ "$_failed" -eq 0 ]; exit $?; }

# ok COND-STATUS NAME: report a result from the status of the last command
ok() {
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
		_failed=$((_failed + 1))
	fi
}

diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

# old FILE...: date files a minute back. The build cache and the snapshot
# do not trust a file changed within two seconds of a build (racily clean),
# so a test that wants them used dates its sources back.
old() { touch -d '1 minute ago' "$@"; }

# sample_advisories DIR: the project's sample advisories in DIR/adv, dated
# back (old), for the tests of rebuilds and the build cache
sample_advisories() {
	mkdir -p "$1" && cp -r "$TOP/advisories" "$1/adv" && old "$1"/adv/*.md
}

# site_config FILE STATE OUTPUT [SITE]: a configuration for the advisories in
# adv beside it, the project's templates, the state folder STATE, the tree
# OUTPUT, and SITE's lines (each "  key: value\n") under site:
site_config() {
	printf 'advisories: adv\ntemplates: %s/templates\nstate: %s\nsite:\n  output: %s\n%s' \
		"$TOP" "$2" "$3" "${4:-}" > "$1"
}

# sample_site W: the samples in W/adv, and W/t.yml building them into
# W/pub with the state folder W/state
sample_site() {
	sample_advisories "$1" && site_config "$1/t.yml" state pub
}

# same_as_fresh W NAME WHAT [SITE]: a build of W/adv without cache (its own
# state, W/state-NAME) into W/NAME, with SITE (site_config()), and W/pub
# compared with it byte for byte
same_as_fresh() {
	rm -rf "${1:?}/$2" "$1/state-$2"
	site_config "$1/$2.yml" "state-$2" "$2" "${4:-}"
	"$TLPRESS" build -q -C "$1/$2.yml" >"$TMP/diff" 2>&1 &&
		diff -r "$1/pub" "$1/$2" >"$TMP/diff" 2>&1
	_r=$?
	ok $_r "$3: the tree is byte-identical to a fresh build's"
	[ $_r -eq 0 ] || sed -n '1,20p' "$TMP/diff" | sed 's/^/#   /'
}

# run CMD...: run, keeping stdout+stderr in $TMP/out and the status in $rc
run() {
	"$@" >"$TMP/out" 2>&1
	rc=$?
}

# check WANT NAME: the last run's status equals WANT
check() {
	[ "$rc" -eq "$1" ]
	ok $? "$2"
	[ "$rc" -eq "$1" ] || { diag "exit status $rc, want $1"; sed -n '1,20p' "$TMP/out" | sed 's/^/#   /'; }
}

# check_grep FIXED-STRING NAME: the last run's output holds the string
check_grep() {
	grep -qF -- "$1" "$TMP/out"
	_r=$?
	ok $_r "$2"
	[ $_r -eq 0 ] || { diag "output lacks: $1"; sed -n '1,20p' "$TMP/out" | sed 's/^/#   /'; }
}

# check_nogrep FIXED-STRING NAME
check_nogrep() {
	! grep -qF -- "$1" "$TMP/out"
	_r=$?
	ok $_r "$2"
	[ $_r -eq 0 ] || { diag "output holds: $1"; grep -F -- "$1" "$TMP/out" | head -5 | sed 's/^/#   /'; }
}
