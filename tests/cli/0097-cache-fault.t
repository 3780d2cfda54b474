#!/bin/sh
# A build cache that cannot be written (a full disk; TLPRESS_FAULT_CACHE=N
# fails every row put after the first N) costs speed only: the build
# succeeds, the tree is whole and byte-identical to a fresh build's, the
# warning says so once, the cache keeps what it had, and the builds after
# it (a rebuild of nothing, a rebuild of one edit, the quick way or not)
# make the right tree again and fill the cache.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C
export TLPRESS_NOW=2026-11-28T12:00:00Z

W=$TMP/w
sample_site "$W"
rows() {
	/usr/bin/python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("select count(*) from entry").fetchone()[0])' "$1"
}

# a first build whose cache fails after three rows, in quiet mode (cron)
TLPRESS_FAULT_CACHE=3 run "$TLPRESS" build -q -C "$W/t.yml"
check 0 "a build whose cache cannot be written succeeds"
check_grep "warning: build cache '" "it warns, even quiet"
check_grep "cannot update: database or disk is full" "naming the cache and what failed"
check_grep "the next build reads again what this one could not record" "and what it costs"
[ "$(grep -c 'warning: build cache' "$TMP/out")" -eq 1 ]
ok $? "once"
same_as_fresh "$W" f1 "after a build whose cache failed"
[ "$(rows "$W/state/cache.sqlite")" -eq 0 ]
ok $? "the cache keeps what it had (nothing, before the first build)"

# the next build: the same tree, no warning, and the cache filled
run "$TLPRESS" build -C "$W/t.yml"
check 0 "the next build succeeds"
check_nogrep "warning" "without a warning"
same_as_fresh "$W" f2 "the next build"
n=$(rows "$W/state/cache.sqlite")
[ "$n" -gt 0 ]
ok $? "the cache has rows again ($n)"

# a failure in a rebuild of one edit: the rows of the build before stay
sleep 1
f=$(grep -l '^tlp: CLEAR' "$W"/adv/*.md | head -1)
sed -i '0,/^title: .*/s//title: "Edited while the disk is full"/' "$f"
TLPRESS_FAULT_CACHE=0 run "$TLPRESS" build -C "$W/t.yml"
check 0 "a rebuild whose cache cannot be written succeeds"
check_grep "warning: build cache '" "and warns"
same_as_fresh "$W" f3 "after a rebuild whose cache failed"
[ "$(rows "$W/state/cache.sqlite")" -eq "$n" ]
ok $? "the cache keeps the rows it had"
grep -q 'Edited while the disk is full' "$W/pub/index.html"
ok $? "the edit is in the index"

# and the rebuilds after it: a body edit of the same file, then nothing
sleep 1
printf '\nOne more line of the body.\n' >> "$f"
run "$TLPRESS" build -C "$W/t.yml"
check 0 "a rebuild after it succeeds"
same_as_fresh "$W" f4 "a rebuild of one edit after the failed one"
run "$TLPRESS" build -C "$W/t.yml"
check 0 "and one of nothing"
same_as_fresh "$W" f5 "a rebuild of nothing"

# the quick way (a body edit, after a build that left its snapshot) with a
# cache that fails: the tree is right, it warns, and it leaves no snapshot,
# so that the next build goes the whole way, reads that file again and puts
# its row
sleep 1
printf '\nAnd another.\n' >> "$f"
TLPRESS_TIMINGS=1 TLPRESS_FAULT_CACHE=0 run "$TLPRESS" build -C "$W/t.yml"
check 0 "a quick rebuild whose cache cannot be written succeeds"
check_grep "timing: quick: decisions" "(it went the quick way)"
check_grep "warning: build cache '" "and warns"
same_as_fresh "$W" f6 "after a quick rebuild whose cache failed"
TLPRESS_TIMINGS=1 run "$TLPRESS" build -C "$W/t.yml"
check 0 "the rebuild of nothing after it succeeds"
check_grep "not the quick way: not after a build with a snapshot" \
	"and goes the whole way: no snapshot was left"
check_nogrep "warning" "without a warning"
total=$(ls "$W"/adv/*.md | wc -l)
check_grep "$((total - 1)) of $total advisories read from the build cache" \
	"reading again the one advisory whose row was not put"
same_as_fresh "$W" f7 "the rebuild after the failed quick one"
done_testing
