#!/bin/sh
# 'tlpress check' built with ASan and UBSan over every sample, every invalid
# advisory and hostile files: never a sanitizer report, a crash or a leak.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
export ASAN_OPTIONS=detect_leaks=1:exitcode=86
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87

clean() {
	# $1: the files, as one word list; exit 0 or 1, nothing from a sanitizer
	"$TLPRESS_ASAN" check $1 > "$TMP/out" 2> "$TMP/err"
	rc=$?
	[ "$rc" -le 1 ] && ! grep -q 'Sanitizer\|runtime error' "$TMP/err"
	_r=$?
	ok $_r "$2 (exit $rc)"
	[ $_r -eq 0 ] || sed -n '1,30p' "$TMP/err" | sed 's/^/#   /'
}

clean "advisories" "the samples"
for f in tests/invalid/*.md; do
	clean "$f" "$f"
done
clean "tests/invalid/dup" "duplicate ids"

# hostile files made here
h="$TMP/h"
mkdir -p "$h"
: > "$h/CCB-2026-0001.md"
head -c 65536 /dev/urandom > "$h/CCB-2026-0002.md"
{ printf -- '---\nid: CCB-2026-0003\ntitle: x\ntlp: CLEAR\nrevisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, summary: x}]\n---\n'
  head -c 1040000 /dev/zero | tr '\0' 'x'; echo; } > "$h/CCB-2026-0003.md"
{ printf -- '---\nid: CCB-2026-0004\ntitle: x\ntlp: CLEAR\nrevisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, summary: x}]\n---\n'
  i=0; while [ $i -lt 10000 ]; do printf -- '- '; i=$((i + 1)); done; echo x; } > "$h/CCB-2026-0004.md"
{ printf -- '---\n'; i=0; while [ $i -lt 3000 ]; do printf 'k%d: &a%d [*a%d]\n' $i $i $i; i=$((i + 1)); done; printf -- '---\n'; } > "$h/CCB-2026-0005.md"
for f in "$h"/*.md; do
	clean "$f" "hostile $(basename "$f")"
done

# the build, on two workers, over everything
TLPRESS_NOW=2026-11-28T12:00:00Z "$TLPRESS_ASAN" build -q -j2 -o "$TMP/site" advisories tests/leak \
	tests/hostile > "$TMP/out" 2> "$TMP/err"
rc=$?
[ "$rc" -le 1 ] && ! grep -q 'Sanitizer\|runtime error' "$TMP/err"
ok $? "build -j2 of samples, leak fixtures and hostile text (exit $rc)"
[ $? -eq 0 ] || sed -n '1,30p' "$TMP/err" | sed 's/^/#   /'

done_testing
