#!/bin/sh
# A rebuild after one advisory changed (issue 8): whatever changed (its
# body, its title, its label), the tree is byte-identical to a fresh
# build's, and what the change cannot touch is neither rendered nor
# written again. An advisory file changed within two seconds of a build
# (racily clean) is never trusted by its size and time.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C
export TLPRESS_NOW=2026-11-28T12:00:00Z

W=$TMP/w
mkdir -p "$W"
cp -r "$TOP/advisories" "$W/adv"
old() { touch -d '1 minute ago' "$@"; }
old "$W"/adv/*.md
printf 'advisories: adv\ntemplates: %s/templates\nstate: state\nsite:\n  output: pub\n' \
	"$TOP" > "$W/t.yml"
# same NAME: a build without cache (its own state) into W/NAME, then the
# tree pub compared with it byte for byte
same() {
	rm -rf "$W/$1" "$W/state-$1"
	printf 'advisories: adv\ntemplates: %s/templates\nstate: state-%s\nsite:\n  output: %s\n' \
		"$TOP" "$1" "$1" > "$W/$1.yml"
	"$TLPRESS" build -q -C "$W/$1.yml" && diff -r "$W/pub" "$W/$1" >"$TMP/diff" 2>&1
	_r=$?
	ok $_r "$2: the tree is byte-identical to a fresh build's"
	[ $_r -eq 0 ] || sed -n '1,20p' "$TMP/diff" | sed 's/^/#   /'
}
A=$W/adv/CCB-2026-0438.md

run "$TLPRESS" build -C "$W/t.yml"
check 0 "a first build"

# racily clean: a file dated in the future is changed "now" for ever
touch -d '+1 hour' "$A"
run "$TLPRESS" build -C "$W/t.yml"
check 0 "a build just after an advisory changed"
ls "$W"/state/snapshot-* >/dev/null 2>&1
ok $? "leaves a snapshot (its stamps say the tree is whole)"
# the same size, time and inode, other bytes: only the bytes tell
mt=$(stat -c %y "$A")
sed 's/^Sinds 17 november 2026 stelt/Sinds 17 november 2026 STELT/' "$A" > "$TMP/a"
cmp -s "$A" "$TMP/a"
[ $? -eq 1 ] && [ "$(stat -c %s "$TMP/a")" = "$(stat -c %s "$A")" ]
ok $? "an edit that keeps the size"
ino=$(stat -c %i "$A")
cat "$TMP/a" 1<> "$A"
touch -d "$mt" "$A"
[ "$(stat -c %i "$A")" = "$ino" ] && [ "$(stat -c %y "$A")" = "$mt" ]
ok $? "written in place with the same time"
run "$TLPRESS" build -C "$W/t.yml"
check 0 "the next build"
check_nogrep "0 files written" "does not take the snapshot for a proof that nothing changed"
grep -q 'STELT' "$W/pub/advisories/ccb-2026-0438.html"
ok $? "and the page has the change"
same f1 "after a racily clean build"
old "$A"
run "$TLPRESS" build -C "$W/t.yml"
check 0 "a build once the file is old"

done_testing
