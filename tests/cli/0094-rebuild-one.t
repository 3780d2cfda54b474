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
sample_site "$W"
# same NAME WHAT: W/pub against a fresh build's tree, W/NAME
same() { same_as_fresh "$W" "$1" "$2"; }
A=$W/adv/CCB-2026-0438.md

run "$TLPRESS" build -C "$W/t.yml"
check 0 "a first build"

# the build cache has 16 KiB pages, in which a row stays whole (bcache.c);
# one of an earlier version, with SQLite's 4 KiB pages, is made so once
pagesize() { od -An -tu1 -j16 -N2 "$W/state/cache.sqlite" | awk '{ print $1 * 256 + $2 }'; }
[ "$(pagesize)" = 16384 ]
ok $? "the build cache has 16 KiB pages"
if command -v sqlite3 >/dev/null; then
	sqlite3 "$W/state/cache.sqlite" 'PRAGMA journal_mode=DELETE; PRAGMA page_size=4096;
		VACUUM; PRAGMA journal_mode=WAL;' >/dev/null
	[ "$(pagesize)" = 4096 ]
	ok $? "a cache made with 4 KiB pages"
	touch -d '2 minutes ago' "$W/adv/CCB-2026-0412.md" # not a build the snapshot ends
	run "$TLPRESS" build -C "$W/t.yml"
	check_grep "11 of 12 advisories read from the build cache" "is read by the next build"
	[ "$(pagesize)" = 16384 ]
	ok $? "which gives it 16 KiB pages"
	touch -d '3 minutes ago' "$W/adv/CCB-2026-0412.md"
	run "$TLPRESS" build -C "$W/t.yml"
	check_grep "11 of 12 advisories read from the build cache" "and keeps its rows"
	# a cache of the first version (a column per field): emptied, made anew
	sqlite3 "$W/state/cache.sqlite" 'DROP TABLE entry; CREATE TABLE entry (
		tree TEXT NOT NULL, path TEXT NOT NULL, fingerprint TEXT NOT NULL, size INTEGER,
		outs TEXT, meta TEXT, PRIMARY KEY (tree, path)) WITHOUT ROWID;
		INSERT INTO entry VALUES ("x", "y", "z", 1, NULL, NULL);
		PRAGMA user_version=0;' >/dev/null
	touch -d '4 minutes ago' "$W/adv/CCB-2026-0412.md"
	run "$TLPRESS" build -C "$W/t.yml"
	check_grep "0 of 12 advisories read from the build cache" "a cache of the first version is emptied"
	[ "$(sqlite3 "$W/state/cache.sqlite" 'PRAGMA user_version')" = 3 ]
	ok $? "and made anew, version 3"
	touch -d '5 minutes ago' "$W/adv/CCB-2026-0412.md"
	run "$TLPRESS" build -C "$W/t.yml"
	check_grep "11 of 12 advisories read from the build cache" "its rows are read by the next build"
	# version 2 (the strings in columns of their own): emptied as well
	sqlite3 "$W/state/cache.sqlite" 'PRAGMA user_version=2;' >/dev/null
	touch -d '6 minutes ago' "$W/adv/CCB-2026-0412.md"
	run "$TLPRESS" build -C "$W/t.yml"
	check_grep "0 of 12 advisories read from the build cache" "a cache of version 2 is emptied"
	# a row whose blob is cut short or runs on is not a row: read again
	sqlite3 "$W/state/cache.sqlite" "UPDATE entry SET rec = substr(rec, 1, 250)
		WHERE path LIKE '%CCB-2026-0438.md'; UPDATE entry SET rec = rec || x'00'
		WHERE path LIKE '%CCB-2026-0442.md';" >/dev/null
	touch -d '7 minutes ago' "$W/adv/CCB-2026-0412.md"
	# (without the snapshot, which would have the build read the one
	# file changed alone: the quick way, below)
	rm -f "$W"/state/snapshot-*
	run "$TLPRESS" build -C "$W/t.yml"
	check 0 "a build on a cache with two broken rows"
	check_grep "9 of 12 advisories read from the build cache" "reads those two advisories again"
	same fbroken "after broken rows"
fi

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

# ino PATH...: the inodes of files of the tree (a file written anew gets
# another)
ino() { (cd "$W/pub" && stat -c '%i %n' "$@"); }
ROLIE=.well-known/csaf/white/csaf-feed-tlp-white.json
LISTS="index.html feed.xml $ROLIE .well-known/csaf/white/changes.csv .well-known/csaf/white/index.txt"

# the body alone, not the paragraph the summary comes from: the listings
# stay as they were
ino $LISTS > "$TMP/before"
sed -i 's/^De impact blijft tot nu toe beperkt/De impact blijft tot op heden beperkt/' "$A"
old "$A"
run "$TLPRESS" build -C "$W/t.yml"
check 0 "a rebuild after a body edit"
check_grep "5 files written" "writes the page, the CVRF and CSAF documents and the two hashes alone"
ino $LISTS > "$TMP/after"
cmp -s "$TMP/before" "$TMP/after"
ok $? "the index, the feed and the CSAF listings are kept"
same f2 "after a body edit"

# the first paragraph, which is its summary: the feed follows, the index
# (which shows no summary) and the CSAF listings do not
sed -i 's/^Sinds 17 november 2026 STELT/Sinds 17 november 2026 ziet/' "$A"
old "$A"
run "$TLPRESS" build -C "$W/t.yml"
check 0 "a rebuild after the summary's paragraph changed"
grep -q 'november 2026 ziet' "$W/pub/feed.xml"
ok $? "the feed has the new summary"
ino index.html $ROLIE > "$TMP/after"
[ "$(grep -cxFf "$TMP/after" "$TMP/before")" = 2 ]
ok $? "the index and the ROLIE feed are kept"
same f3 "after the summary changed"
# a feed of one entry, the newest: an older advisory's summary does not
# change it
printf '  feed_items: 1\n' >> "$W/t.yml"
run "$TLPRESS" build -C "$W/t.yml"
check 0 "a build with a feed of one entry"
ino feed.xml > "$TMP/before1"
sed -i 's/^Sinds 17 november 2026 ziet/Sinds 17 november 2026 bemerkt/' "$A"
old "$A"
run "$TLPRESS" build -C "$W/t.yml"
check 0 "a rebuild after an older advisory's summary changed"
ino feed.xml | cmp -s - "$TMP/before1"
ok $? "the feed is kept"
sed -i '/feed_items/d' "$W/t.yml"
run "$TLPRESS" build -C "$W/t.yml"
check 0 "a build with the whole feed again"

# what the CSAF listings name: the title, a new revision's date
sed -i 's/^title: "\(.*\)"$/title: "\1 (bijgewerkt)"/' "$A"
old "$A"
run "$TLPRESS" build -C "$W/t.yml"
check 0 "a rebuild after the title changed"
grep -q 'bijgewerkt' "$W/pub/$ROLIE"
ok $? "the ROLIE feed has the new title"
same f4 "after the title changed"
sed -i '/^  - {version: 2,/a\  - {version: 3, date: 2026-11-27T09:00:00+01:00, summary: "Bijgewerkt."}' "$A"
grep -q 'version: 3' "$A"
ok $? "a revision added"
old "$A"
run "$TLPRESS" build -C "$W/t.yml"
check 0 "a rebuild after a revision was added"
grep -q '2026-11-27T08:00:00' "$W/pub/.well-known/csaf/white/changes.csv"
ok $? "changes.csv has its date"
same f5 "after a revision was added"

# the label: above the clearance, the advisory goes with what names it;
# back to CLEAR, it comes back
sed -i 's/^tlp: CLEAR$/tlp: GREEN/' "$A"
old "$A"
run "$TLPRESS" build -C "$W/t.yml"
check 0 "a rebuild after the label was raised"
[ ! -e "$W/pub/advisories/ccb-2026-0438.html" ] && ! grep -rq 'ccb-2026-0438' "$W/pub/$ROLIE"
ok $? "the advisory is withdrawn, from the ROLIE feed too"
same f6 "after the label was raised"
sed -i 's/^tlp: GREEN$/tlp: CLEAR/' "$A"
old "$A"
run "$TLPRESS" build -C "$W/t.yml"
check 0 "a rebuild after the label went back"
same f7 "after the label went back"

# TLPRESS_TIMINGS: each step's time, on stderr only, in the order run
printf '\nTimed.\n' >> "$A"
old "$A"
TLPRESS_TIMINGS=1 "$TLPRESS" build -C "$W/t.yml" >"$TMP/t.out" 2>"$TMP/t.err"
ok $? "a timed rebuild"
steps() {
	sed -n 's/^tlpress: timing: \(.*[^ ]\)  *[0-9][0-9]*\.[0-9] ms  *[0-9][0-9]* page faults$/\1/p' "$TMP/t.err" | tr '\n' '|' >"$TMP/steps"
	[ "$(cat "$TMP/steps")" = "$1" ]
	_r=$?
	ok $_r "$2"
	[ $_r -eq 0 ] || diag "$(cat "$TMP/steps")"
}
steps "templates, scan|snapshot|quick: decisions|quick: files|quick: manifest, switch|quick: cache, snapshot|release|" \
	"prints every step's time on stderr, in order (the quick way: one body changed)"
! grep -q 'timing' "$TMP/t.out" && grep -q '^built ' "$TMP/t.out"
ok $? "and nothing of it on stdout"
printf '\nTimed again.\n' >> "$A"
old "$A"
rm -f "$W"/state/snapshot-*
TLPRESS_TIMINGS=1 "$TLPRESS" build -C "$W/t.yml" >"$TMP/t.out" 2>"$TMP/t.err"
ok $? "a timed rebuild without a snapshot"
steps "templates, scan|snapshot|manifest, cache read|decisions|withdrawals|advisories|listings|manifest write|removals, switch|cache write|release|" \
	"prints every step of the whole way"
run env TLPRESS_TIMINGS=0 "$TLPRESS" build -C "$W/t.yml"
check_nogrep "timing" "TLPRESS_TIMINGS=0 prints none"
same f8 "after a timed rebuild"

done_testing
