#!/bin/sh
# Every committed fuzz corpus file, crash reproducers among them, through
# its fuzz target built with gcc, ASan and UBSan (tests/fuzz/replay.c):
# never a sanitizer report, a crash or a leak. One ok per target.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
export ASAN_OPTIONS=detect_leaks=1:exitcode=86
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87
R=$(dirname "$TLPRESS_ASAN")/fuzz

for t in advisory rendition template config members cvss; do
	n=$(ls tests/fuzz/corpus/$t | wc -l)
	"$R/replay_$t" tests/fuzz/corpus/$t > "$TMP/out" 2> "$TMP/err"
	rc=$?
	[ "$rc" -eq 0 ] && [ "$n" -gt 0 ] && ! grep -q 'Sanitizer\|runtime error' "$TMP/err" &&
		grep -qx "replayed $n inputs" "$TMP/out"
	_r=$?
	ok $_r "fuzz_$t: $n corpus files replayed clean (exit $rc)"
	[ $_r -eq 0 ] && continue
	sed -n '1,5p' "$TMP/out" | sed 's/^/#   /'
	sed -n '1,30p' "$TMP/err" | sed 's/^/#   /'
done

done_testing
