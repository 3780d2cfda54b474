#!/bin/sh
# Hostile text in every field of an advisory (tests/hostile): script tags,
# event handlers, javascript:/data:/vbscript: links, raw HTML, ]]>, comments,
# quotes, ampersands and right-to-left overrides come out escaped or
# dropped in the HTML and the RSS, never executable. (Control characters are
# refused by the parser: see tests/invalid; every other kind of hostile
# input, with its expected outcome: tests/cli/0084-hostile-table.t.)
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
export TLPRESS_NOW=2026-11-28T12:00:00Z
PY=/usr/bin/python3

run "$TLPRESS" check tests/hostile
check 0 "the hostile advisory is valid: its text is data, not code"
run "$TLPRESS" build -o "$TMP/h" tests/hostile
check 0 "it builds"

page="$TMP/h/advisories/ccb-2026-0666.html"
run $PY tests/hostile/inert.py html "$page"
check 0 "the page has no script, event handler, dangerous link or bidi override"
run $PY tests/hostile/inert.py html "$TMP/h/index.html"
check 0 "nor has the index"
for want in '&lt;script&gt;alert(1)&lt;/script&gt;' '&lt;b onmouseover=alert(4)&gt;Widget' \
	    ']]&gt;' '&amp;' '&quot;' '&#39;' 'href="https://x.example/a?b=1&amp;c=2&#39;onmouseover=alert(6)"'; do
	grep -qF -- "$want" "$page"
	ok $? "escaped in the page: $want"
done
! grep -qi 'href="javascript\|href="vbscript\|href="data:text' "$page"
ok $? "javascript:, vbscript: and data: links are dropped from the body"
grep -q 'click me' "$page"
ok $? "while the link text stays"

xmllint --noout "$TMP/h/feed.xml"
ok $? "the feed stays well-formed XML"
run $PY -c "import feedparser,sys; d=feedparser.parse(sys.argv[1]); print(int(d.bozo), len(d.entries)); print(d.entries[0].title); print(d.entries[0].description)" "$TMP/h/feed.xml"
check_grep "0 1" "feedparser reads it without a bozo error"
check_grep "[TLP:CLEAR] CCB-2026-0666: <script>alert(1)</script>" "the title reaches the reader as text"
! grep -q '<script' "$TMP/h/feed.xml"
ok $? "no raw <script in the feed's XML"
! grep -q "$(printf '\342\200\256')" "$TMP/h/feed.xml"
ok $? "no right-to-left override in the feed"

done_testing
