#!/bin/sh
# tlpress new: ids in two series, allocated under a lock, never reused;
# the file is created, never overwritten, and passes tlpress check as a
# draft; a bad --tlp is a usage error that names the labels.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C
export TLPRESS_NOW=2026-11-28T12:00:00Z
unset EDITOR VISUAL

W=$TMP/w
mkdir -p "$W"
cd "$W" || exit 1

# eight in parallel, restricted series (the default label is AMBER)
i=0
while [ $i -lt 8 ]; do
	"$TLPRESS" new --no-edit "Parallel $i" >"$TMP/p$i" 2>&1 &
	i=$((i + 1))
done
wait
cat "$TMP"/p? > "$TMP/out"
n=$(grep -c '^advisories/CCBR-2026-00[0-9][0-9]\.md$' "$TMP/out")
[ "$n" -eq 8 ]
ok $? "eight tlpress new in parallel: eight paths printed ($n)"
u=$(sort -u "$TMP/out" | grep -c '^advisories/')
[ "$u" -eq 8 ]
ok $? "eight different ids ($u)"
[ "$(ls advisories | wc -l)" -eq 8 ] && [ -f advisories/CCBR-2026-0001.md ] &&
	[ -f advisories/CCBR-2026-0008.md ]
ok $? "CCBR-2026-0001 to CCBR-2026-0008, no gap, nothing overwritten"

run "$TLPRESS" new --tlp CLEAR "A public one"
check 0 "tlpress new --tlp CLEAR"
check_grep "advisories/CCB-2026-0001.md" "CLEAR draws from the public series (CCB-2026-0001)"
run "$TLPRESS" new --tlp AMBER "An amber one"
check 0 "tlpress new --tlp AMBER"
check_grep "advisories/CCBR-2026-0009.md" "AMBER draws from the restricted series (CCBR-2026-0009)"
run "$TLPRESS" new --tlp TLP:GREEN --lang fr "Un avis vert"
check_grep "advisories/CCBR-2026-0010.md" "GREEN is restricted too; a TLP: prefix is accepted"
run "$TLPRESS" new --tlp RED --lang nl "Een rood advies"
check_grep "advisories/CCBR-2026-0011.md" "RED is restricted"

run "$TLPRESS" check advisories
check 0 "every written advisory passes tlpress check"
check_grep "checked 12 advisories: 0 errors, 0 warnings" "12 advisories, no error, no warning"
grep -q '^status: draft$' advisories/CCB-2026-0001.md &&
	grep -q '^title: "A public one"$' advisories/CCB-2026-0001.md &&
	grep -q '^tlp: CLEAR$' advisories/CCB-2026-0001.md &&
	grep -q '^#recipients:' advisories/CCB-2026-0001.md
ok $? "the CLEAR draft: status draft, its title, tlp CLEAR, no recipients"
grep -q '^recipients: \[someone@example.invalid\]' advisories/CCBR-2026-0009.md
ok $? "the AMBER draft names a placeholder recipient (required at AMBER)"
missing=
for k in id title lang summary tlp status severity cvss cves cwes products references \
	audience recipients embargo tlp_downgrade revisions; do
	grep -q "^# $k: " advisories/CCB-2026-0001.md || missing="$missing $k"
done
[ -z "$missing" ]
ok $? "every front-matter key is explained in a comment${missing:+ (missing:$missing)}"
grep -q '^# tlp : le label de base' advisories/CCBR-2026-0010.md &&
	grep -q '^lang: fr$' advisories/CCBR-2026-0010.md &&
	grep -q '^# tlp: het basislabel' advisories/CCBR-2026-0011.md
ok $? "--lang fr and --lang nl: comments in French and Dutch"
# the optional keys, uncommented, are valid examples
sed -e 's/^#\([a-z_]*:\)/\1/' -e 's/^#  -/  -/' advisories/CCBR-2026-0009.md > "$TMP/x"
mkdir -p "$TMP/u" && mv "$TMP/x" "$TMP/u/CCBR-2026-0009.md"
run "$TLPRESS" check "$TMP/u"
check 0 "with every optional key uncommented, it still passes tlpress check"

# never reused: deleted files do not give their number back
rm advisories/CCB-2026-0001.md advisories/CCBR-2026-0011.md
run "$TLPRESS" new --tlp CLEAR "After a deletion"
check_grep "advisories/CCB-2026-0002.md" "a deleted public id is not reused"
run "$TLPRESS" new "After a deletion"
check_grep "advisories/CCBR-2026-0012.md" "a deleted restricted id is not reused"
# never below what the folder holds (a file made by hand, or copied in)
cp advisories/CCB-2026-0002.md advisories/CCB-2026-0040.md
sed -i 's/^id: .*/id: CCB-2026-0040/' advisories/CCB-2026-0040.md
run "$TLPRESS" new --tlp CLEAR "Above the folder"
check_grep "advisories/CCB-2026-0041.md" "never below the highest id in the folder"
# the counters lost: the folder still keeps ids from coming back
rm -rf state
run "$TLPRESS" new --tlp CLEAR "Without state"
check_grep "advisories/CCB-2026-0042.md" "without the counters, the folder's highest id is the floor"

# never overwrites: something already holds the next name
mkdir advisories/CCB-2026-0043.md
run "$TLPRESS" new --tlp CLEAR "Blocked"
check 1 "an existing file is not overwritten: exit 1"
check_grep "'advisories/CCB-2026-0043.md' exists: it is not overwritten" "and it says so"
run "$TLPRESS" new --tlp CLEAR "Next"
check_grep "advisories/CCB-2026-0044.md" "the number that could not be used is not given again"

# usage errors
run "$TLPRESS" new --tlp AMBR "Bad label"
check 2 "--tlp AMBR: exit 2"
check_grep "'AMBR' is not a TLP label; use CLEAR, GREEN, AMBER, AMBER+STRICT or RED" \
	"the error names the value and the labels"
run "$TLPRESS" new --tlp amber "Lower case"
check 2 "--tlp amber: exit 2"
check_grep "labels are written in capitals" "a lower-case label: written in capitals"
run "$TLPRESS" new --tlp WHITE "White"
check_grep "TLP 2.0 calls it CLEAR" "WHITE: TLP 2.0 calls it CLEAR"
run "$TLPRESS" new
check 2 "no title: exit 2"
run "$TLPRESS" new "$(printf 'Two\nlines')"
check 2 "a title on two lines: exit 2"
run "$TLPRESS" new --lang 'x y' "Bad language"
check 2 "a bad --lang: exit 2"
[ ! -e advisories/CCBR-2026-0013.md ]
ok $? "usage errors allocate nothing"

# the configuration's series
cat > tlpress.yml <<EOF
ids:
  public: "PUB-{year}-"
  restricted: "RES{year}"
  digits: 5
EOF
run "$TLPRESS" new "Bad pattern"
check 2 "an invalid ids.restricted: a configuration error, exit 2"
check_grep "tlpress.yml:3:15: error: 'ids.restricted': 'RES{year}' does not give ids of the form PREFIX-YYYY-NNNN" \
	"it is reported at its place"
cat > tlpress.yml <<EOF
ids:
  public: "PUB-{year}-"
  restricted: "PRIV-{year}-"
  digits: 5
EOF
run "$TLPRESS" new --tlp CLEAR "Configured"
check_grep "advisories/PUB-2026-00001.md" "ids.public and ids.digits are used"
run "$TLPRESS" new --tlp RED "Configured"
check_grep "advisories/PRIV-2026-00001.md" "ids.restricted is used"
run "$TLPRESS" check advisories/PUB-2026-00001.md advisories/PRIV-2026-00001.md
check 0 "configured ids pass tlpress check"
rm tlpress.yml

# the editor: only on a terminal (here, with script(1) when there is one)
if command -v script >/dev/null 2>&1; then
	printf '#!/bin/sh\necho edited-by-test >> "$1"\n' > "$TMP/ed"
	chmod +x "$TMP/ed"
	EDITOR="$TMP/ed" script -qec "'$TLPRESS' new 'On a terminal'" /dev/null > "$TMP/out" 2>&1
	f=$(grep -o 'advisories/CCBR-2026-[0-9]*\.md' "$TMP/out" | head -1)
	[ -n "$f" ] && grep -q '^edited-by-test$' "$f"
	ok $? "on a terminal, \$EDITOR is run on the new file"
	EDITOR="$TMP/ed" run "$TLPRESS" new 'Not on a terminal'
	f=$(grep -o 'advisories/CCBR-2026-[0-9]*\.md' "$TMP/out" | head -1)
	[ -n "$f" ] && ! grep -q '^edited-by-test$' "$f"
	ok $? "not on a terminal, no editor is run"
	# VISUAL first; shell words with an option; a path with spaces and a
	# glob character stays one argument
	printf '#!/bin/sh
[ "$1" = "--flag" ] || exit 9
echo "visual $#" >> "$2"
' > "$TMP/vis"
	chmod +x "$TMP/vis"
	mkdir -p "$TMP/sp ace"
	cp "$TMP/vis" "$TMP/sp ace/v*"
	VISUAL="'$TMP/sp ace/v*' --flag" EDITOR="$TMP/ed" \
		script -qec "'$TLPRESS' new 'Visual first'" /dev/null > "$TMP/out" 2>&1
	f=$(grep -o 'advisories/CCBR-2026-[0-9]*\.md' "$TMP/out" | head -1)
	[ -n "$f" ] && grep -q '^visual 2$' "$f" && ! grep -q '^edited-by-test$' "$f"
	ok $? "\$VISUAL is run before \$EDITOR, as shell words, the file one argument"
fi

run "$TLPRESS" new -h
check 0 "new -h"
check_grep "usage: tlpress new" "new -h prints the usage"
done_testing
