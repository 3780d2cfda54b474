#!/bin/sh
# The leak test over a generated corpus (bench/gen-corpus: every label in
# realistic shares, marked sections, drafts, embargoes, downgrades, each
# restricted part with a canary listed in CANARIES.tsv): after a build, no
# canary that may not be in the tree is anywhere in it (pages, feed, CSAF
# documents and listings, manifest), and every public one is.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
export TLPRESS_NOW=2026-11-28T12:00:00Z
N=${TLPRESS_LEAK_N:-400}

/usr/bin/python3 bench/gen-corpus "$N" 7 "$TMP/corpus" > /dev/null
ok $? "a corpus of $N advisories"
run "$TLPRESS" check -q "$TMP/corpus"
check 0 "the corpus is valid"

present() { grep -rhoE 'CANARY-[A-Z]+-[0-9]{7}' "$1" | sort -u; }

# CLEAR: only public canaries
run "$TLPRESS" build -q -o "$TMP/pub" "$TMP/corpus"
check 0 "public build of the corpus"
present "$TMP/pub" > "$TMP/in-pub"
awk -F'\t' '$5 != "public" { print $1 }' "$TMP/corpus/CANARIES.tsv" | sort > "$TMP/forbidden"
awk -F'\t' '$5 == "public" { print $1 }' "$TMP/corpus/CANARIES.tsv" | sort > "$TMP/public"
leaks=$(comm -12 "$TMP/in-pub" "$TMP/forbidden" | wc -l)
missing=$(comm -23 "$TMP/public" "$TMP/in-pub" | wc -l)
[ "$leaks" -eq 0 ]
ok $? "public tree: 0 of $(wc -l < "$TMP/forbidden") restricted canaries leaked ($leaks)"
[ "$leaks" -eq 0 ] || comm -12 "$TMP/in-pub" "$TMP/forbidden" | head | while read -r c; do
	diag "LEAK $(grep -F "$c" "$TMP/corpus/CANARIES.tsv")"; done
[ "$missing" -eq 0 ]
ok $? "public tree: all $(wc -l < "$TMP/public") public canaries are there ($missing missing)"
# ids of advisories that are not published appear nowhere
ls "$TMP/pub/advisories" | sed 's/\.html$//' | sort > "$TMP/published"
ls "$TMP/corpus" | sed -n 's/\.md$//p' | tr 'A-Z' 'a-z' | sort > "$TMP/all"
comm -23 "$TMP/all" "$TMP/published" > "$TMP/unpublished"
grep -rhoiE '(ccb|ccbr)-[0-9]{4}-[0-9]{4}' "$TMP/pub" | tr 'A-Z' 'a-z' | sort -u > "$TMP/ids"
n=$(comm -12 "$TMP/ids" "$TMP/unpublished" | wc -l)
[ "$n" -eq 0 ]
ok $? "none of the $(wc -l < "$TMP/unpublished") unpublished ids appears in the tree ($n)"

# GREEN portal: nothing above GREEN, nothing draft or embargoed
run "$TLPRESS" build -q --clearance GREEN -o "$TMP/portal" "$TMP/corpus"
check 0 "GREEN portal build of the corpus"
present "$TMP/portal" > "$TMP/in-portal"
awk -F'\t' '$4 != "CLEAR" && $4 != "GREEN" || $5 == "draft" || $5 == "embargo" { print $1 }' \
	"$TMP/corpus/CANARIES.tsv" | sort > "$TMP/forbidden-g"
leaks=$(comm -12 "$TMP/in-portal" "$TMP/forbidden-g" | wc -l)
[ "$leaks" -eq 0 ]
ok $? "portal: 0 of $(wc -l < "$TMP/forbidden-g") canaries above GREEN, draft or embargoed ($leaks)"
missing=$(comm -23 "$TMP/public" "$TMP/in-portal" | wc -l)
[ "$missing" -eq 0 ]
ok $? "portal: every public canary is there too ($missing missing)"
awk -F'\t' '$4 == "GREEN" && $5 == "label" { print $1 }' "$TMP/corpus/CANARIES.tsv" | sort > "$TMP/green"
n=$(comm -12 "$TMP/green" "$TMP/in-portal" | wc -l)
[ "$n" -gt 0 ]
ok $? "portal: GREEN advisories are published there ($n canaries)"

done_testing
