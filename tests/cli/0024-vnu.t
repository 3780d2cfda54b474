#!/bin/sh
# Every HTML page passes the Nu HTML checker (vnu-jar from npm, pinned in
# tests/vnu/) without errors, run once over all the trees: the samples as
# public site and GREEN portal, the leak fixtures, the hostile advisory and
# a generated corpus.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-npm.sh"
cd "$TOP" || exit 1
export TLPRESS_NOW=2026-11-28T12:00:00Z

npm_install vnu
ok $? "vnu-jar installed from the pinned lock file"
jar="$TOP/build/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
[ -f "$jar" ]
ok $? "vnu.jar is there"

"$TLPRESS" build -q -o "$TMP/site/public" || exit 1
"$TLPRESS" build -q --clearance GREEN -o "$TMP/site/portal" || exit 1
"$TLPRESS" build -q -o "$TMP/site/leak" tests/leak || exit 1
"$TLPRESS" build -q -o "$TMP/site/hostile" tests/hostile || exit 1
/usr/bin/python3 bench/gen-corpus 200 5 "$TMP/corpus" > /dev/null || exit 1
"$TLPRESS" build -q -o "$TMP/site/corpus" "$TMP/corpus" || exit 1
n=$(find "$TMP/site" -name '*.html' | wc -l)
[ "$n" -ge 150 ]
ok $? "$n pages to check"

run java -jar "$jar" --errors-only --skip-non-html "$TMP/site"
check 0 "vnu finds no error in any page"
run java -jar "$jar" --css --errors-only "$TOP/templates/style.css"
check 0 "nor in the stylesheet"

done_testing
