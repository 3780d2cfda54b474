#!/bin/sh
# tlpress build over the samples: the tree, the feed as feedparser reads it,
# byte-identical rebuilds, incremental writes, removal of what is no longer
# publishable, and the clearances a tree may have.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
export TLPRESS_NOW=2026-11-28T12:00:00Z
PY=/usr/bin/python3

run "$TLPRESS" build -o "$TMP/a"
check 0 "build of the samples exits 0"
check_grep "7 advisories published" "seven samples are public now"
for f in index.html feed.xml style.css manifest.txt advisories/ccb-2026-0412.html \
	 advisories/ccbr-2026-0076.html; do
	[ -f "$TMP/a/$f" ]
	ok $? "the tree holds $f"
done
for id in ccbr-2026-0107 ccbr-2026-0112 ccbr-2026-0098 ccbr-2026-0091 ccb-2026-0431; do
	[ ! -e "$TMP/a/advisories/$id.html" ]
	ok $? "no page for $id (restricted, draft or embargoed)"
	! grep -rqi "$id" "$TMP/a"
	ok $? "and no mention of it anywhere in the tree"
done

# the feed, as a subscriber's reader sees it
cat > "$TMP/feed.py" <<'PYEOF'
import sys, feedparser
d = feedparser.parse(sys.argv[1])
print("bozo", int(d.bozo), getattr(d, "bozo_exception", ""))
print("version", d.version)
print("self", [l.href for l in d.feed.get("links", []) if l.get("rel") == "self"])
for e in d.entries:
    print("item", e.id, "|", e.title, "|", e.get("published", ""), "|", e.get("tags", [{}])[0].get("term", ""))
PYEOF
run $PY "$TMP/feed.py" "$TMP/a/feed.xml"
check 0 "feedparser reads the feed"
check_grep "bozo 0" "with no bozo error"
check_grep "version rss20" "as RSS 2.0"
check_grep "self ['https://csirt.example/feed.xml']" "with its atom:link rel=self"
grep '^item' "$TMP/out" | cut -d'|' -f1 | sed 's/^item //; s/ *$//' > "$TMP/guids"
printf '%s\n' CCB-2026-0447#1 CCB-2026-0438#2 CCB-2026-0442#2 CCB-2026-0450#2 \
	CCB-2026-0419#2 CCB-2026-0412#3 CCBR-2026-0076#3 > "$TMP/want"
diff "$TMP/want" "$TMP/guids" > "$TMP/d"
ok $? "the expected items, newest current revision first, guid id#version"
[ $? -eq 0 ] || sed 's/^/#   /' "$TMP/d"
check_grep "| [UPDATE] [TLP:CLEAR] CCB-2026-0412: " "a later revision's title starts with [UPDATE]"
check_grep "item CCB-2026-0447#1 | [TLP:CLEAR] CCB-2026-0447: " "a first revision's title has no [UPDATE]"
check_grep "| critical" "the category is the severity"
grep -q '<lastBuildDate>Wed, 25 Nov 2026 17:00:00 +0100</lastBuildDate>' "$TMP/a/feed.xml"
ok $? "lastBuildDate is the newest pubDate, not the clock"
grep -q 'isPermaLink="false"' "$TMP/a/feed.xml"
ok $? "guids are not permalinks"
xmllint --noout "$TMP/a/feed.xml"
ok $? "the feed is well-formed XML"

# the index: newest first, every column
grep -o 'ccb[r]*-2026-[0-9]*\.html' "$TMP/a/index.html" | uniq | head -1 | grep -q ccb-2026-0447
ok $? "the index starts with the newest current revision"
grep -q '9.8' "$TMP/a/index.html" && grep -q 'CVE-2026-' "$TMP/a/index.html"
ok $? "the index shows CVSS scores and CVEs"

# the label of a page is the most restrictive label of what it holds
! grep -q 'Indicators of compromise\|tlp-section\|tlp-banner' "$TMP/a/advisories/ccb-2026-0412.html"
ok $? "the AMBER section of a public advisory is cut, heading, banner and all"
grep -q 'class="tlp-label tlp-clear"' "$TMP/a/advisories/ccb-2026-0412.html"
ok $? "and the page is labelled TLP:CLEAR, the label of what remains"

# two builds are byte-identical, and the second writes nothing
run "$TLPRESS" build -o "$TMP/b"
diff -r "$TMP/a" "$TMP/b" > "$TMP/d"
ok $? "two builds of the same input are byte-identical"
run "$TLPRESS" build -o "$TMP/a"
check_grep " 0 files written, " "a rebuild writes nothing"
check_grep " 0 removed" "and removes nothing"

# an advisory that stops being publishable leaves no trace
cp -r advisories "$TMP/src"
sed -i 's/^status: interim$/status: draft/' "$TMP/src/CCB-2026-0447.md"
run "$TLPRESS" build -o "$TMP/a" "$TMP/src"
check 0 "rebuild after one advisory became a draft"
check_grep "files written" "reports what it wrote"
[ ! -e "$TMP/a/advisories/ccb-2026-0447.html" ]
ok $? "its page is removed"
! grep -rq 'CCB-2026-0447\|ccb-2026-0447' "$TMP/a"
ok $? "and no index line, feed item or manifest entry is left"
grep -q '<lastBuildDate>Tue, 24 Nov 2026' "$TMP/a/feed.xml"
ok $? "lastBuildDate moved back to the newest remaining item"

# clearances
run "$TLPRESS" build -o "$TMP/a" --clearance GREEN
check 1 "a GREEN build into the CLEAR site's folder is refused"
check_grep "holds a tree cleared for TLP:CLEAR" "and says why"
run "$TLPRESS" build -o "$TMP/portal" --clearance GREEN
check 0 "a GREEN portal builds into its own folder"
[ -f "$TMP/portal/advisories/ccbr-2026-0107.html" ]
ok $? "the portal holds the GREEN advisory"
[ ! -e "$TMP/portal/advisories/ccbr-2026-0112.html" ]
ok $? "but not the AMBER one"
for l in AMBER AMBER+STRICT RED; do
	run "$TLPRESS" build -o "$TMP/x" --clearance "$l"
	check 1 "--clearance $l is refused"
	[ ! -e "$TMP/x/index.html" ]
	ok $? "and writes nothing"
done
run "$TLPRESS" build -o "$TMP/x" --clearance PURPLE
check 2 "an unknown clearance is a usage error"

# a configuration with an unknown key is refused like check refuses
printf 'site:\n  titel: x\n' > "$TMP/bad.yml"
run "$TLPRESS" build -C "$TMP/bad.yml" -o "$TMP/x"
check 2 "an unknown key in the configuration exits 2, as every command"
check_grep "bad.yml:2:3: error: unknown key 'site.titel'" "named with file, line and column"
check_grep "did you mean 'title'?" "with a hint"
run "$TLPRESS" build -C "$TMP/none.yml" -o "$TMP/x"
check 3 "a missing configuration file exits 3"

# a bad TLPRESS_NOW
TLPRESS_NOW=yesterday run "$TLPRESS" build -o "$TMP/x"
check 2 "a bad TLPRESS_NOW is refused"

# a marked section's closing banner in the advisory's language
"$TLPRESS" build -q --clearance GREEN -o "$TMP/gl" "$TOP/advisories"
grep -q '>Fin de TLP:GREEN<' "$TMP/gl/advisories/ccb-2026-0419.html" &&
	! grep -q 'End of TLP' "$TMP/gl/advisories/ccb-2026-0419.html"
ok $? "a French advisory closes its GREEN section with 'Fin de TLP:GREEN'"

# the output does not depend on the number of workers: trees and messages
# of a corpus with errors, on 1 and on 4 (pass 1 and pass 2 both run on
# the workers)
mkdir -p "$TMP/jadv"
cp "$TOP"/advisories/*.md "$TOP"/tests/invalid/*.md "$TMP/jadv/"
"$TLPRESS" build -j 1 -o "$TMP/j1" "$TMP/jadv" >"$TMP/j1.out" 2>&1
"$TLPRESS" build -j 4 -o "$TMP/j4" "$TMP/jadv" >"$TMP/j4.out" 2>&1
diff -r "$TMP/j1" "$TMP/j4" >/dev/null
ok $? "-j 1 and -j 4 build byte-identical trees"
sed "s|$TMP/j[14]|TREE|" "$TMP/j1.out" >"$TMP/j1.txt"
sed "s|$TMP/j[14]|TREE|" "$TMP/j4.out" >"$TMP/j4.txt"
cmp -s "$TMP/j1.txt" "$TMP/j4.txt" && [ "$(grep -c 'error:' "$TMP/j1.txt")" -gt 10 ]
ok $? "and print the same messages, in the same order"

# under a service's UMask=0077 the site is still readable by the web
# server: files 0644, folders 0755 (new files are linked into place whole,
# replaced ones renamed: both ways)
cp -r "$TOP/advisories" "$TMP/umadv"
(umask 077; "$TLPRESS" build -q -o "$TMP/um" "$TMP/umadv" &&
	sed -i 's/^Sinds 17 november 2026 stelt/Sinds 17 november 2026 (herzien) stelt/' "$TMP/umadv/CCB-2026-0438.md" &&
	"$TLPRESS" build -q -o "$TMP/um" "$TMP/umadv")
ok $? "two builds under umask 077, an advisory changed between them"
grep -q herzien "$TMP/um/advisories/ccb-2026-0438.html"
ok $? "its page was replaced"
[ -z "$(find "$TMP/um" \( -type f ! -perm 0644 \) -o \( -type d ! -perm 0755 \) | head -3)" ]
ok $? "every file is 0644 and every folder 0755"
[ -z "$(find "$TMP/um" -name '.tlpress-*')" ]
ok $? "no temporary file left"

done_testing
