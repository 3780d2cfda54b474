#!/bin/sh
# Hostile text in every field of an advisory (tests/hostile): script tags,
# event handlers, javascript:/data:/vbscript: links, raw HTML, ]]>, comments,
# quotes, ampersands and right-to-left overrides come out escaped or
# dropped in the HTML and the RSS, never executable. (Control characters are
# refused by the parser: see tests/invalid.)
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
export TLPRESS_NOW=2026-11-28T12:00:00Z
PY=/usr/bin/python3

run "$TLPRESS" check tests/hostile
check 0 "the hostile advisory is valid: its text is data, not code"
run "$TLPRESS" build -o "$TMP/h" tests/hostile
check 0 "it builds"

cat > "$TMP/inert.py" <<'PYEOF'
import sys
from html.parser import HTMLParser
BAD_TAGS = {"script", "iframe", "object", "embed", "style", "base", "form", "meta-refresh"}
class P(HTMLParser):
    problems = []
    def handle_starttag(self, tag, attrs):
        if tag in BAD_TAGS:
            self.problems.append("element <%s>" % tag)
        for k, v in attrs:
            if k.lower().startswith("on"):
                self.problems.append("event handler %s=%r on <%s>" % (k, v, tag))
            if k.lower() in ("href", "src", "action", "formaction") and v:
                s = v.strip().lower()
                for scheme in ("javascript:", "vbscript:", "data:text", "data:application"):
                    if s.startswith(scheme):
                        self.problems.append("%s=%r on <%s>" % (k, v, tag))
    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
p = P()
text = open(sys.argv[1], encoding="utf-8").read()
p.feed(text)
for c in ("\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"):
    if c in text:
        p.problems.append("bidirectional control U+%04X" % ord(c))
for q in p.problems:
    print("problem:", q)
sys.exit(1 if p.problems else 0)
PYEOF
page="$TMP/h/advisories/ccb-2026-0666.html"
run $PY "$TMP/inert.py" "$page"
check 0 "the page has no script, event handler, dangerous link or bidi override"
run $PY "$TMP/inert.py" "$TMP/h/index.html"
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
