#!/bin/sh
# The build cache (lib/bcache.h): a rebuild reads from the cache every
# advisory whose file, configuration and templates did not change, and
# its tree is byte-identical to a fresh build's; a changed advisory, a
# changed template, an embargo that ends, a deleted advisory and a deleted
# output file are each noticed; the listings are kept while no
# advisory's metadata changed.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C
export TLPRESS_NOW=2026-11-28T12:00:00Z

W=$TMP/w
sample_advisories "$W"
cp -r "$TOP/templates" "$W/tmpl"
printf 'advisories: adv\ntemplates: tmpl\nstate: state\nsite:\n  output: pub\n' > "$W/t.yml"
# fresh NAME: a build without cache (its own state) into W/NAME, to compare
fresh() {
	rm -rf "$W/$1" "$W/state-$1"
	printf 'advisories: adv\ntemplates: tmpl\nstate: state-%s\nsite:\n  output: %s\n' "$1" "$1" > "$W/$1.yml"
	"$TLPRESS" build -q -C "$W/$1.yml"
}

run "$TLPRESS" build -C "$W/t.yml"
check 0 "a first build"
check_grep "0 of 12 advisories read from the build cache" "reads nothing from the cache"
[ -f "$W/state/cache.sqlite" ] && [ "$(stat -c %a "$W/state/cache.sqlite")" = 600 ]
ok $? "the cache is in the state folder, mode 600"
run "$TLPRESS" build -C "$W/t.yml"
check 0 "a rebuild with nothing changed"
check_grep "0 files written" "writes nothing"
check_grep "12 of 12 advisories read from the build cache" "and reads every advisory from the cache"

# one advisory changes
sed -i 's/^Sinds 17 november 2026 stelt/Sinds 17 november 2026 (herzien) stelt/' "$W/adv/CCB-2026-0438.md"
old "$W/adv/CCB-2026-0438.md"
run "$TLPRESS" build -C "$W/t.yml"
check 0 "a rebuild after one advisory changed"
check_grep "11 of 12 advisories read from the build cache" "parses only that one"
grep -q 'herzien' "$W/pub/advisories/ccb-2026-0438.html"
ok $? "and its page has the change"
fresh f1
diff -r "$W/pub" "$W/f1" >/dev/null
ok $? "the tree is byte-identical to a fresh build's"

# a template changes: everything again
printf '\n' >> "$W/tmpl/page.mustache"
run "$TLPRESS" build -C "$W/t.yml"
check_grep "0 of 12 advisories read from the build cache" "a changed template: nothing from the cache"

# the listings (index, feed, CSAF index files) come from the cache while
# no advisory's metadata changed: not even rendered
run "$TLPRESS" build -C "$W/t.yml"
ino=$(stat -c %i "$W/pub/index.html")
run "$TLPRESS" build -C "$W/t.yml"
check_grep "0 files written" "nothing changed: nothing written"
[ "$(stat -c %i "$W/pub/index.html")" = "$ino" ]
ok $? "index.html kept as it was"
for f in index.html feed.xml; do
	rm "$W/pub/$f"
	run "$TLPRESS" build -C "$W/t.yml"
	[ -f "$W/pub/$f" ] && grep -qF "$f" "$W/pub/manifest.txt"
	ok $? "$f removed by hand comes back, and is in the manifest"
done
# an edit of the body's first paragraph, the summary, which the index
# does not show (its cache key leaves it out): the index stays as it was,
# and the tree is what a fresh build makes
ino=$(stat -c %i "$W/pub/index.html")
sed -i 's/(herzien) stelt/(herzien, 2) stelt/' "$W/adv/CCB-2026-0438.md"
old "$W/adv/CCB-2026-0438.md"
run "$TLPRESS" build -C "$W/t.yml"
check_grep "11 of 12 advisories read from the build cache" "a body edit: one advisory read"
[ "$(stat -c %i "$W/pub/index.html")" = "$ino" ] && grep -q 'herzien, 2' "$W/pub/advisories/ccb-2026-0438.html"
ok $? "index.html kept as it was, the page has the edit"
fresh f3
diff -r "$W/pub" "$W/f3" >/dev/null
ok $? "the tree is byte-identical to a fresh build's"
# a build that finds nothing changed (the snapshot: lib/snapshot.h) looks
# at the folders of the tree, not at each file: a file edited in place by
# hand is for tlpress verify to find and for --full to write again
s=$(ls "$W"/state/snapshot-* 2>/dev/null | head -1)
[ -n "$s" ] && [ "$(stat -c %a "$s")" = 600 ]
ok $? "the build left a snapshot in the state folder, mode 600"
printf 'x' >> "$W/pub/feed.xml"
run "$TLPRESS" build -C "$W/t.yml"
check_grep "0 files written" "feed.xml edited in place: a build that finds nothing changed does not look"
run "$TLPRESS" build --full -C "$W/t.yml"
check_grep "1 file written" "build --full: feed.xml of another size is written again"
fresh f0
diff -r "$W/pub" "$W/f0" >/dev/null
ok $? "the tree is byte-identical to a fresh build's"
# a title changes: the index, the feed and the ROLIE feed follow
sed -i 's/^title: "\(.*\)"$/title: "\1 (bijgewerkt)"/' "$W/adv/CCB-2026-0438.md"
grep -q 'bijgewerkt' "$W/adv/CCB-2026-0438.md"
ok $? "a title edited"
old "$W/adv/CCB-2026-0438.md"
run "$TLPRESS" build -C "$W/t.yml"
check 0 "a rebuild after a title changed"
grep -q 'bijgewerkt' "$W/pub/index.html" && grep -q 'bijgewerkt' "$W/pub/feed.xml" &&
	grep -rq 'bijgewerkt' "$W/pub/.well-known/csaf/"
ok $? "index.html, feed.xml and the CSAF feed have the new title"
fresh f2
diff -r "$W/pub" "$W/f2" >/dev/null
ok $? "the tree is byte-identical to a fresh build's"

# an output file removed by hand comes back
rm "$W/pub/cvrf/ccb-2026-0412.xml"
run "$TLPRESS" build -C "$W/t.yml"
check 0 "a rebuild after an output file was removed"
[ -f "$W/pub/cvrf/ccb-2026-0412.xml" ]
ok $? "writes it again"

# time: an embargo ends; the cached decision is not used past it
run "$TLPRESS" build -C "$W/t.yml"
[ ! -e "$W/pub/advisories/ccb-2026-0431.html" ]
ok $? "CCB-2026-0431 is under embargo until 2027-01-12"
TLPRESS_NOW=2027-01-12T09:00:01+01:00 run "$TLPRESS" build -C "$W/t.yml"
check 0 "a rebuild after the embargo"
[ -f "$W/pub/advisories/ccb-2026-0431.html" ]
ok $? "publishes it"
check_nogrep "12 of 12 advisories read" "the embargoed advisory was decided again"
TLPRESS_NOW=2027-01-12T09:00:01+01:00 fresh f2
diff -r "$W/pub" "$W/f2" >/dev/null
ok $? "the tree is byte-identical to a fresh build's at that time"

# an advisory file removed: its pages go
rm "$W/adv/CCB-2026-0442.md"
run "$TLPRESS" build -C "$W/t.yml"
check 0 "a rebuild after an advisory file was removed"
[ ! -e "$W/pub/advisories/ccb-2026-0442.html" ]
ok $? "its page is gone"
run "$TLPRESS" build -C "$W/t.yml"
check_grep "11 of 11 advisories read from the build cache" "and the cache follows"

# the cache names restricted advisories: never left readable by others
chmod 644 "$W/state/cache.sqlite"
run "$TLPRESS" build -C "$W/t.yml"
check 0 "a build with a cache file made readable by others"
[ "$(stat -c %a "$W/state/cache.sqlite")" = 600 ]
ok $? "puts it back to 0600"

# a build by hand while a publish holds the state folder's lock: 75, and
# nothing touched
if command -v flock >/dev/null; then
	before=$(cat "$W/pub/manifest.txt" | sha256sum)
	run flock "$W/state/lock" "$TLPRESS" build -C "$W/t.yml"
	check 75 "a build while another run holds the lock exits 75"
	check_grep "lock" "and says so"
	[ "$(cat "$W/pub/manifest.txt" | sha256sum)" = "$before" ]
	ok $? "the tree is untouched"
	run flock "$W/state/lock" "$TLPRESS" build -q -C "$W/t.yml" -o "$W/elsewhere"
	check 0 "a build into another folder takes no lock: it runs"
fi

done_testing
