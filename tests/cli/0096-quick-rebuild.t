#!/bin/sh
# The quick way of a rebuild (site.c, quick()): after a build that left a
# snapshot, a rebuild that finds a few advisory files changed reads those
# alone, and goes on the whole way whenever the change could reach past
# them. Either way the tree is byte-identical to a fresh build's, build
# after build (the stage the quick way writes in is the last version but
# one, brought up to date from the two manifests).
. "$(dirname "$0")/lib.sh"
export LC_ALL=C
export TLPRESS_NOW=2026-11-28T12:00:00Z

W=$TMP/w
sample_site "$W"
n=0
SITE=
# same WHAT: W/pub against a fresh build's tree (with SITE's settings)
same() {
	n=$((n + 1))
	same_as_fresh "$W" "f$n" "$1" "$SITE"
}
# build: a timed rebuild, its output in TMP/out and its timings in TMP/err
build() {
	TLPRESS_TIMINGS=1 "$TLPRESS" build -C "$W/t.yml" >"$TMP/out" 2>"$TMP/err"
	ok $? "$1"
}
quick() {
	grep -q '^tlpress: timing: quick: decisions' "$TMP/err" &&
		! grep -q 'manifest, cache read' "$TMP/err"
	ok $? "$1"
}
whole() {
	grep -q "^tlpress: timing: not the quick way: $2" "$TMP/err" &&
		grep -q 'manifest, cache read' "$TMP/err"
	_r=$?
	ok $_r "$1"
	[ $_r -eq 0 ] || diag "$(grep 'quick' "$TMP/err")"
}
# says PATTERN WHAT: the build's output has the pattern
says() {
	grep -q "$1" "$TMP/out"
	_r=$?
	ok $_r "$2"
	[ $_r -eq 0 ] || diag "$(cat "$TMP/out" "$TMP/err")"
}
A=$W/adv/CCB-2026-0438.md
B=$W/adv/CCB-2026-0442.md
ROLIE=.well-known/csaf/white/csaf-feed-tlp-white.json
ino() { (cd "$W/pub" && stat -c '%i %n' "$@"); }

build "a first build"
whole "goes the whole way" "not after a build with a snapshot"
build "a rebuild with nothing changed"
grep -q '0 files written' "$TMP/out" && ! grep -q 'quick' "$TMP/err"
ok $? "ends at the snapshot"

# the body of one published advisory (not the paragraph of its summary)
sed -i 's/^De impact blijft tot nu toe beperkt/De impact blijft tot op heden beperkt/' "$A"
old "$A"
ino index.html feed.xml $ROLIE > "$TMP/before"
build "a rebuild after a body edit"
quick "goes the quick way"
says '5 files written, 37 unchanged, 0 removed; 11 of 12 advisories read from the build cache' \
	"writes the advisory's five files, and says so as the whole way would"
ino index.html feed.xml $ROLIE | cmp -s - "$TMP/before"
ok $? "the listings are not written"
grep -q 'tot op heden' "$W/pub/advisories/ccb-2026-0438.html"
ok $? "the page has the edit"
same "after a quick rebuild"

# again and again: each build writes in the version before the last
for i in 1 2 3; do
	printf '\nEdit %s.\n' "$i" >> "$A"
	old "$A"
	build "quick rebuild $i"
	quick "quick rebuild $i goes the quick way"
done
same "after three quick rebuilds in a row"

# two files, one of them an advisory that is not published (RED)
printf '\nEen regel.\n' >> "$B"
printf '\nEen regel.\n' >> "$W/adv/CCBR-2026-0091.md"
old "$B" "$W/adv/CCBR-2026-0091.md"
build "a rebuild after two files changed"
quick "goes the quick way"
says '5 files written.*10 of 12 advisories read from the build cache' \
	"the published one's files written, the RED one's none"
same "after two files changed"

# changed within two seconds of the build (racily clean), then changed
# again with the same size and time: read again all the same
printf '\nNu.\n' >> "$A"
build "a rebuild just after an edit"
quick "goes the quick way"
mt=$(stat -c %y "$A")
sed 's/^Nu\.$/NU./' "$A" > "$TMP/a"
cat "$TMP/a" 1<> "$A"
touch -d "$mt" "$A"
build "a rebuild after an edit that kept the size and time"
quick "goes the quick way"
grep -q '^NU\.' "$A" && grep -q '>NU\.<' "$W/pub/advisories/ccb-2026-0438.html"
ok $? "the page has the edit"
old "$A"
build "a rebuild once the file is old"
same "after a racily clean edit"

# what the listings show: the whole way
sed -i 's/^title: "\(.*\)"$/title: "\1 (bijgewerkt)"/' "$A"
old "$A"
build "a rebuild after a title changed"
whole "goes the whole way" "an advisory's listed metadata changed"
grep -q 'bijgewerkt' "$W/pub/$ROLIE"
ok $? "the ROLIE feed has the new title"
same "after a title changed"

# the summary of an advisory in the feed: the whole way; of one the feed
# does not show (a feed of one entry, the newest), the quick way
sed -i 's/^Sinds 17 november 2026 stelt/Sinds 17 november 2026 ziet/' "$A"
old "$A"
build "a rebuild after a summary changed"
whole "goes the whole way" "an advisory's listed metadata changed"
grep -q 'november 2026 ziet' "$W/pub/feed.xml"
ok $? "the feed has the new summary"
printf '  feed_items: 1\n' >> "$W/t.yml"
SITE='  feed_items: 1
' # the fresh builds' too, from here on
build "a build with a feed of one entry"
whole "goes the whole way" "the configuration, templates or key changed"
ino feed.xml > "$TMP/before"
sed -i 's/^Sinds 17 november 2026 ziet/Sinds 17 november 2026 bemerkt/' "$A"
old "$A"
build "a rebuild after the summary of an advisory the feed does not show changed"
quick "goes the quick way"
ino feed.xml | cmp -s - "$TMP/before"
ok $? "the feed is kept"
same "after the summary of an advisory outside the feed changed"

# a write that fails half-way (TLPRESS_FAULT_WRITES): the build fails and
# says so, the live tree is the last version whole, and the next build
# (its stage marked as cut short: synced whole) ends where it would have
rm -rf "$TMP/live"
cp -a "$W/pub" "$TMP/live"
printf '\nHalf.\n' >> "$A"
old "$A"
TLPRESS_FAULT_WRITES=2 run "$TLPRESS" build -C "$W/t.yml"
check 3 "a quick rebuild whose third write fails exits 3"
check_grep "cannot write" "and says which file"
diff -r "$TMP/live" "$W/pub" >/dev/null
ok $? "the live tree is as it was"
build "the next rebuild"
grep -q '>Half\.<' "$W/pub/advisories/ccb-2026-0438.html"
ok $? "has the edit"
same "after a quick rebuild that failed"

# a warning (a severity the CVSS vector does not give) is said once, and
# leaves the snapshot (an error would not): the next edit goes the quick way
C=$W/adv/CCBR-2026-0076.md
sed -i 's/^severity: high$/severity: low/' "$C"
old "$C"
build "a rebuild after an advisory got a warning"
grep -q "CCBR-2026-0076.md:.*warning: 'severity' is low" "$TMP/err"
ok $? "says it"
printf '\nNog iets.\n' >> "$A"
old "$A"
build "the next rebuild, after a body edit"
quick "goes the quick way"
same "after a warning"

# an advisory added, or removed: the whole way
cp "$A" "$W/adv/CCB-2026-0999.md"
sed -i 's/^id: CCB-2026-0438$/id: CCB-2026-0999/' "$W/adv/CCB-2026-0999.md"
old "$W/adv/CCB-2026-0999.md"
build "a rebuild after an advisory was added"
whole "goes the whole way" "files were added or removed"
[ -e "$W/pub/advisories/ccb-2026-0999.html" ]
ok $? "and publishes it"
rm "$W/adv/CCB-2026-0999.md"
build "a rebuild after it was removed"
whole "goes the whole way" "files were added or removed"
[ ! -e "$W/pub/advisories/ccb-2026-0999.html" ]
ok $? "and withdraws it"
same "after an advisory came and went"

# an advisory that becomes a draft: its verdict changed, the whole way
sed -i 's/^status: final$/status: draft/' "$B"
old "$B"
build "a rebuild after an advisory became a draft"
whole "goes the whole way" "an advisory's id, slug or verdict changed"
[ ! -e "$W/pub/advisories/ccb-2026-0442.html" ]
ok $? "and withdraws it"
sed -i 's/^status: draft$/status: final/' "$B"
old "$B"
build "a rebuild after it became final again"
same "after an advisory went and came back"

# an embargo that ends: every decision was made before it, the whole way
printf '\nNog een regel.\n' >> "$A"
old "$A"
TLPRESS_NOW=2027-02-01T12:00:00Z build "a rebuild after an embargo ended"
whole "goes the whole way" "an embargo or downgrade is due"
[ -e "$W/pub/advisories/ccb-2026-0431.html" ]
ok $? "and publishes what it held back"
TLPRESS_NOW=2027-02-01T12:00:00Z same "after an embargo ended"

# an advisory with an error: the whole way, which reports it
printf '\nNog een regel.\n' >> "$A"
sed -i 's/^tlp: CLEAR$/tlp: PURPLE/' "$A"
old "$A"
TLPRESS_NOW=2027-02-01T12:00:00Z TLPRESS_TIMINGS=1 "$TLPRESS" build -C "$W/t.yml" \
	>"$TMP/out" 2>"$TMP/err"
[ $? -ne 0 ] && grep -q 'CCB-2026-0438.md' "$TMP/err"
ok $? "a rebuild after an advisory got an error fails and names it"
whole "goes the whole way" "an advisory's id, slug or verdict changed"

done_testing
