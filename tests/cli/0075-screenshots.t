#!/bin/sh
# The website as a reader sees it: Debian's headless Chromium renders the
# public index, a public advisory (TLP:CLEAR) and a GREEN portal advisory
# with a marked TLP:GREEN section, at 390 px (a phone) and 1280 px (a
# laptop); the index and the GREEN page in the light and the dark scheme.
# The screenshots, full-page, are kept in build/screenshots/ for a person
# to look at. What is checked:
#   - at 390 and 1280 px no page scrolls sideways and nothing sticks out
#     (a test harness in the temporary folder frames the published pages
#     and measures them; the pages themselves stay script-free);
#   - every screenshot exists, is not trivially small, and has the size of
#     the whole page;
#   - the label bar is at the top and at the bottom of every screenshot, in
#     FIRST's colours: black (#000000) across the whole width, the label in
#     its exact colour (TLP:CLEAR white #FFFFFF, TLP:GREEN #33FF00);
#   - the dark screenshots are dark (the stylesheet's dark background is the
#     commonest colour) and the light ones white;
#   - the GREEN portal page shows its marked section in #33FF00.
# Dark mode: Chromium 156's --force-dark-mode sets prefers-color-scheme:
# dark without recolouring the page (the auto-dark feature would);
# --blink-settings=preferredColorScheme=0 gives the same pixels.
# Skipped only when Chromium is missing or cannot start.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
export TLPRESS_NOW=2026-11-28T12:00:00Z
PY=/usr/bin/python3
OUT="$TOP/build/screenshots"

skip_all() { echo "1..0 # SKIP $1"; exit 0; }

CHROMIUM=$(command -v chromium || command -v chromium-browser)
[ -n "$CHROMIUM" ] || skip_all "chromium is not installed (make check-deps installs it)"
# A profile of its own, and no session bus to look for.
export HOME="$TMP/home" XDG_CONFIG_HOME="$TMP/home/.config" XDG_CACHE_HOME="$TMP/home/.cache"
export DBUS_SESSION_BUS_ADDRESS=disabled:
mkdir -p "$HOME"
chrome() {
	timeout 120 "$CHROMIUM" --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
		--no-first-run --disable-extensions --disable-background-networking \
		--user-data-dir="$TMP/profile" "$@"
}
echo '<!DOCTYPE html><title>t</title><p>t' > "$TMP/t.html"
chrome --dump-dom "file://$TMP/t.html" > "$TMP/out" 2>&1 && grep -q '<p>t' "$TMP/out" ||
	skip_all "chromium cannot start: $(grep -v dbus "$TMP/out" | head -1)"

"$TLPRESS" build -q -o "$TMP/public" || exit 1
"$TLPRESS" build -q --clearance GREEN -o "$TMP/portal" || exit 1

# name, file, label colour of the page (the bar's text on black), schemes
PAGES="index public/index.html FFFFFF light,dark
advisory-clear public/advisories/ccb-2026-0412.html FFFFFF light
advisory-green portal/advisories/ccb-2026-0419.html 33FF00 light,dark"
for f in public/index.html public/advisories/ccb-2026-0412.html portal/advisories/ccb-2026-0419.html; do
	! grep -qi '<script' "$TMP/$f"
	ok $? "$f is script-free"
done
grep -q 'class="tlp-section tlp-green"' "$TMP/portal/advisories/ccb-2026-0419.html"
ok $? "the GREEN portal page holds a marked TLP:GREEN section"

# The harness: every page framed at both widths, with no scroll bars of
# its own; it writes what it measured into its DOM, which --dump-dom prints.
{
	echo '<!DOCTYPE html><html><head><meta charset="utf-8"><title>harness</title></head><body>'
	echo "$PAGES" | while read -r name file _; do
		for w in 390 1280; do
			echo "<iframe scrolling=\"no\" data-name=\"$name\" style=\"border:0;width:${w}px;height:100px\" src=\"file://$TMP/$file\"></iframe>"
		done
	done
	cat <<'EOF'
<pre id="out"></pre>
<script>
window.addEventListener('load', function () {
  var out = [];
  document.querySelectorAll('iframe').forEach(function (f) {
    var win = f.contentWindow, d = f.contentDocument, e = d.documentElement;
    var w = win.innerWidth, wide = [];
    // what sticks out on the right, outside any box that scrolls or clips
    d.querySelectorAll('body *').forEach(function (el) {
      if (el.getBoundingClientRect().right <= w + 0.5) return;
      for (var p = el.parentElement; p && p !== d.body; p = p.parentElement) {
        var o = win.getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return;
      }
      if (wide.length < 5) wide.push(el.tagName.toLowerCase() + '.' + el.className);
    });
    out.push(['page', f.dataset.name, w, e.scrollWidth, e.scrollHeight,
              wide.join(',') || '-'].join(' '));
  });
  document.getElementById('out').textContent = '\n' + out.join('\n') + '\n';
});
</script></body></html>
EOF
} > "$TMP/harness.html"
chrome --allow-file-access-from-files --window-size=1400,1000 --dump-dom \
	"file://$TMP/harness.html" 2>/dev/null | grep '^page ' > "$TMP/measured"
n=$(wc -l < "$TMP/measured")
[ "$n" -eq 6 ]
ok $? "the harness measured the 3 pages at both widths ($n)"
while read -r _ name w sw sh wide; do
	[ "$sw" -le "$w" ] && [ "$wide" = - ]
	ok $? "$name at $w px: no horizontal scroll (scroll width $sw, sticking out: $wide)"
	echo "$sw" "$sh" > "$TMP/h-$name-$w"
done < "$TMP/measured"

# The PNG reader: stdlib only (zlib); prints what the checks below need.
cat > "$TMP/png.py" <<'PYEOF'
import sys, zlib, struct
from collections import Counter
from itertools import accumulate

def read_png(path):
    """The rows of an 8-bit RGB or RGBA PNG, unfiltered."""
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    pos, idat = 8, []
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat.append(body)
        pos += 12 + n
    assert depth == 8 and ctype in (2, 6) and interlace == 0, 'unexpected PNG format'
    bpp = 3 if ctype == 2 else 4
    stride = w * bpp
    raw = zlib.decompress(b''.join(idat))
    lo, hi = int.from_bytes(b'\x7f' * stride, 'big'), int.from_bytes(b'\x80' * stride, 'big')
    rows, prev = [], bytes(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)]
        if f == 2:      # Up: bytewise addition without carries, on big integers
            a, b = int.from_bytes(line, 'big'), int.from_bytes(prev, 'big')
            line = (((a & lo) + (b & lo)) ^ ((a ^ b) & hi)).to_bytes(stride, 'big')
        elif f == 1:    # Sub: a running sum per channel
            out = bytearray(stride)
            for k in range(bpp):
                out[k::bpp] = bytes(v & 255 for v in accumulate(line[k::bpp]))
            line = bytes(out)
        elif f == 3:    # Average
            out = bytearray(line)
            for i in range(stride):
                out[i] = (out[i] + ((out[i - bpp] if i >= bpp else 0) + prev[i]) // 2) & 255
            line = bytes(out)
        elif f == 4:    # Paeth; where the row above is flat (b == c) it is Sub
            out = list(line)
            up = prev
            for i in range(bpp):
                out[i] = (out[i] + up[i]) & 255
            for i in range(bpp, stride):
                a, b, c = out[i - bpp], up[i], up[i - bpp]
                if b == c:
                    out[i] = (out[i] + a) & 255
                    continue
                p = a + b - c
                pa, pb, pc = abs(b - c), abs(a - c), abs(p - c)
                out[i] = (out[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            line = bytes(out)
        rows.append(line)
        prev = line
    return w, h, bpp, rows

w, h, bpp, rows = read_png(sys.argv[1])
label = bytes.fromhex(sys.argv[2])
black = b'\0\0\0'

def pixels(y):
    return [rows[y][j:j + 3] for j in range(0, w * bpp, bpp)]

def bar(ys):
    """The run of bar rows (black at both edges) met first along ys."""
    run = []
    for y in ys:
        if rows[y][:3] == black and rows[y][-bpp:][:3] == black:
            run.append(y)
        elif run:
            break
    return run

def count(ys, colour):
    return sum(pixels(y).count(colour) for y in ys if colour in rows[y])

print('size', w, h)
for name, ys in (('top', bar(range(min(h, 120)))),
                 ('bottom', bar(range(h - 1, max(h - 120, 0), -1)))):
    full = sum(1 for y in ys if pixels(y).count(black) >= w * 0.8)
    print(name, len(ys), full, count(ys, label))
print('label-anywhere', count(range(h), label))
# the commonest colour, from every fourth row
print('commonest', Counter(p for y in range(0, h, 4) for p in pixels(y)).most_common(1)[0][0].hex())
PYEOF

rm -rf "$OUT"
mkdir -p "$OUT"
# the list on descriptor 3: the commands in the loop keep their stdin
echo "$PAGES" > "$TMP/pages"
while read -r name file colour schemes <&3; do
	for w in 390 1280; do
		read -r sw sh < "$TMP/h-$name-$w" || sh=2000
		[ "$sh" -le 12000 ] || sh=12000
		for scheme in $(echo "$schemes" | tr , " "); do
			png="$OUT/$name-$w-$scheme.png"
			flag=
			[ $scheme = dark ] && flag=--force-dark-mode
			chrome $flag --window-size="$w,$sh" --screenshot="$png" "file://$TMP/$file" > /dev/null 2>&1
			size=$(stat -c %s "$png" 2>/dev/null || echo 0)
			[ "$size" -ge 20000 ]
			ok $? "$name-$w-$scheme.png exists ($size bytes)"
			[ "$size" -ge 20000 ] || continue
			$PY "$TMP/png.py" "$png" "$colour" > "$TMP/px" 2>&1 || diag "$(cat "$TMP/px")"
			read -r _ pw ph < "$TMP/px"
			[ "$pw" = "$w" ] && [ "$ph" = "$sh" ]
			ok $? "  it is $w x $sh px ($pw x $ph)"
			for where in top bottom; do
				read -r _ rows full n <<-EOF
				$(grep "^$where " "$TMP/px")
				EOF
				[ "${rows:-0}" -ge 20 ] && [ "$full" -ge $((rows / 2)) ] && [ "$n" -ge 30 ]
				ok $? "  a black label bar at the $where, full width, with the label in #$colour ($rows rows, $full full-width, $n label pixels)"
			done
			want=ffffff
			[ $scheme = dark ] && want=14171b
			grep -q "^commonest $want" "$TMP/px"
			ok $? "  the $scheme scheme's background (#$want) is the commonest colour: $(sed -n 's/^commonest //p' "$TMP/px")"
			if [ "$name" = advisory-green ]; then
				all=$(sed -n 's/^label-anywhere //p' "$TMP/px")
				bars=$(awk '$1 == "top" || $1 == "bottom" { n += $4 } END { print n }' "$TMP/px")
				[ "$all" -gt $((bars + 200)) ]
				ok $? "  the marked GREEN section shows in #33FF00 below the bar ($((all - bars)) pixels)"
			fi
		done
	done
done 3< "$TMP/pages"
n=$(ls "$OUT"/*.png 2>/dev/null | wc -l)
[ "$n" -eq 10 ]
ok $? "10 screenshots kept in build/screenshots/ ($n)"

done_testing
