#!/bin/sh
# The sample advisories are valid, and check reports nothing but its summary.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

run "$TLPRESS" check advisories/
check 0 "tlpress check advisories/ exits 0"
check_grep "0 errors, 0 warnings" "no error and no warning in the samples"
n=$(ls advisories/*.md | wc -l)
[ "$n" -ge 8 ]
ok $? "at least eight samples ($n)"

run "$TLPRESS" check
check 0 "tlpress check with no argument checks advisories/"
check_grep "checked $n advisories" "and counts every sample"

# the samples cover every label, in three languages
for l in CLEAR GREEN AMBER AMBER+STRICT RED; do
	grep -qx "tlp: $l" advisories/*.md
	ok $? "a sample is labelled $l"
done
for l in nl fr en; do
	grep -qx "lang: $l" advisories/*.md
	ok $? "a sample is written in '$l'"
done
grep -q '\[TLP:AMBER\]$' advisories/*.md; ok $? "a sample has an AMBER section"
grep -q '^embargo:' advisories/*.md; ok $? "a sample has an embargo"
grep -q '^tlp_downgrade:' advisories/*.md; ok $? "a sample has a downgrade"
grep -q 'version: 3' advisories/*.md; ok $? "a sample has three revisions"
grep -q '^products:' advisories/*.md; ok $? "a sample lists products"
grep -q '^cvss: CVSS:3.1/' advisories/*.md; ok $? "a sample has a CVSS vector"

run "$TLPRESS" check -q advisories/
check 0 "check -q exits 0"
[ ! -s "$TMP/out" ]
ok $? "check -q prints nothing when all is well"

run "$TLPRESS" check no/such/folder
check 2 "a path that does not exist exits 2"
check_grep "no/such/folder" "and names it"

# without paths: the configuration's advisories folder, as build reads it
mkdir -p "$TMP/cfg/elsewhere"
cp "$TOP/advisories/CCB-2026-0412.md" "$TMP/cfg/elsewhere/"
printf 'advisories: elsewhere\n' > "$TMP/cfg/tlpress.yml"
(cd "$TMP/cfg" && "$TLPRESS" check) >"$TMP/out" 2>&1
rc=$?
check 0 "check without paths, in a folder whose tlpress.yml names another folder"
check_grep "checked 1 advisory" "reads the configured folder"

done_testing
