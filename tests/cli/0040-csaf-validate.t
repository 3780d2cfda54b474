#!/bin/sh
# CSAF 2.0: every document tlpress writes passes the strict CSAF 2.0 schema
# and every mandatory test of section 6.1, as BSI's csaf-validator-lib runs
# them; provider-metadata.json is valid against the provider schema; each
# ROLIE feed, index.txt and changes.csv lists every document of its folder
# (with its hash and signature links); two runs give the same bytes.
#
# The validator library is installed from the committed pin
# (tests/csaf/package.json and package-lock.json, exact versions) into
# build/csafval/ with `npm ci`, never globally. The documents come from the
# unit test build/tests/test_csaf, which writes one tree per clearance.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "1..0 # SKIP node and npm are needed (Debian: apt-get install nodejs npm)"
	exit 0
fi
VALIDATE="$TLPRESS_SHARED/tools/csaf-validate.mjs"
VAL="$TOP/build/csafval"
PKG="$VAL/node_modules/@secvisogram/csaf-validator-lib"
BIN="${TLPRESS_TEST_CSAF:-$TOP/build/tests/test_csaf}"

# the validator, from the pin (again when the pin changed)
if [ ! -d "$VAL/node_modules" ] || [ ! -f "$PKG/package.json" ] ||
   ! cmp -s tests/csaf/package-lock.json "$VAL/package-lock.json"; then
	rm -rf "$VAL"
	mkdir -p "$VAL"
	cp tests/csaf/package.json tests/csaf/package-lock.json "$VAL/"
	npm ci --prefix "$VAL" --no-audit --no-fund --loglevel=error >"$TMP/npm" 2>&1
	rc=$?
	[ $rc -eq 0 ] || sed -n '1,30p' "$TMP/npm" | sed 's/^/# npm: /'
else
	rc=0
fi
[ $rc -eq 0 ] && [ -f "$PKG/validate.js" ]
ok $? "csaf-validator-lib installed from the pin into build/csafval"
want=$(node -e 'console.log(require(process.argv[1]).dependencies["@secvisogram/csaf-validator-lib"])' \
	"$TOP/tests/csaf/package.json")
got=$(node -e 'console.log(require(process.argv[1]).version)' "$PKG/package.json" 2>/dev/null)
[ -n "$want" ] && [ "$want" = "$got" ]
ok $? "at the pinned version ($want, installed: ${got:-none})"

[ -x "$BIN" ]
ok $? "the unit test that writes the documents is built ($BIN)"

# the documents, twice
TLPRESS_CSAF_OUT="$TMP/csaf" run "$BIN"
check 0 "test_csaf writes its trees"
TLPRESS_CSAF_OUT="$TMP/csaf2" "$BIN" >/dev/null 2>&1
diff -r "$TMP/csaf" "$TMP/csaf2" >"$TMP/diff" 2>&1
ok $? "a second run writes the same bytes"
[ -s "$TMP/diff" ] && sed -n '1,10p' "$TMP/diff" | sed 's/^/#   /'

find "$TMP/csaf" -path '*/.well-known/csaf/*/[0-9][0-9][0-9][0-9]/*.json' | sort >"$TMP/docs"
n=$(wc -l <"$TMP/docs")
[ "$n" -ge 40 ]
ok $? "at least 40 CSAF documents to validate ($n)"

# strict schema and every mandatory test, in one run of the validator
node "$VALIDATE" --lib "$VAL" $(cat "$TMP/docs") >"$TMP/out" 2>&1
rc=$?
check 0 "every document passes the strict schema and all mandatory tests"
[ $rc -eq 0 ] || grep -v ': VALID (' "$TMP/out" | sed -n '1,60p' | sed 's/^/#   /'
valid=$(grep -c ': VALID (' "$TMP/out")
[ "$valid" -eq "$n" ]
ok $? "the validator says VALID $valid times for $n documents"
tests=$(sed -n 's/.*: VALID (\([0-9]*\) schema+mandatory tests passed)$/\1/p' "$TMP/out" | sort -u)
[ "$tests" = 44 ]
ok $? "each passed the strict schema test and the 43 mandatory tests (${tests:-none})"
diag "$n documents, ${tests:-?} schema+mandatory tests each"
for f in clear/.well-known/csaf/white/2026/ccb-2026-0412.json \
	 amber-strict/.well-known/csaf/amber/2026/ccb-2026-0438.json \
	 green/.well-known/csaf/green/2026/ccbr-2026-0107.json \
	 hostile-bytes/.well-known/csaf/white/2026/ccb-2026-0999.json; do
	grep -qxF "$TMP/csaf/$f" "$TMP/docs"
	ok $? "among them $f"
done

# the profile the advisories ask for
run node -e '
const fs = require("fs");
let bad = 0;
for (const f of fs.readFileSync(process.argv[1], "utf8").trim().split("\n")) {
  const d = JSON.parse(fs.readFileSync(f, "utf8")).document;
  const tlp = d.distribution.tlp.label, text = d.distribution.text || "";
  if (f.includes("/amber-strict/") && f.endsWith("ccb-2026-0438.json") &&
      !(tlp === "AMBER" && text.includes("TLP:AMBER+STRICT"))) bad++, console.log("A+S", f);
  if (f.includes("/.well-known/csaf/white/") && tlp !== "WHITE") bad++, console.log("white", f);
  if (/ccb-2026-04(38|42)\.json$/.test(f) && d.category !== "csaf_informational_advisory")
    bad++, console.log("category", f);
}
process.exit(bad ? 1 : 0);' "$TMP/docs"
check 0 "CLEAR is WHITE, AMBER+STRICT is AMBER with its text, no products is informational"

# provider-metadata.json against the provider schema
ls "$TMP"/csaf/*/.well-known/csaf/provider-metadata.json >"$TMP/pm" 2>/dev/null
run node "$VALIDATE" --lib "$VAL" --provider-metadata $(cat "$TMP/pm")
check 0 "every provider-metadata.json is valid against the provider schema ($(wc -l <"$TMP/pm"))"

# only the folders of labels up to the tree's clearance
ls "$TMP/csaf/clear/.well-known/csaf" | tr '\n' ' ' >"$TMP/out"
check_grep "provider-metadata.json white " "the public tree holds white/ alone"
ls "$TMP/csaf/green/.well-known/csaf" | tr '\n' ' ' >"$TMP/out"
check_grep "green provider-metadata.json white " "a GREEN portal holds white/ and green/"
[ -f "$TMP/csaf/clear/.well-known/security.txt" ] &&
	grep -qx 'CSAF: https://csirt.example/.well-known/csaf/provider-metadata.json' \
		"$TMP/csaf/clear/.well-known/security.txt"
ok $? "security.txt points at provider-metadata.json"

# ROLIE feeds, index.txt and changes.csv list every document of their folder
cat >"$TMP/feeds.js" <<'JSEOF'
const fs = require('fs'), path = require('path')
const top = process.argv[2]
let bad = 0, feeds = 0, entries = 0
const fail = (m) => { bad++; console.log(m) }
for (const tree of fs.readdirSync(top)) {
  const root = path.join(top, tree, '.well-known', 'csaf')
  if (!fs.existsSync(path.join(root, 'provider-metadata.json'))) continue
  const pm = JSON.parse(fs.readFileSync(path.join(root, 'provider-metadata.json'), 'utf8'))
  const base = pm.canonical_url.replace(/provider-metadata\.json$/, '')
  const listed = pm.distributions[0].rolie.feeds.map((f) => f.url)
  for (const folder of fs.readdirSync(root)) {
    const dir = path.join(root, folder)
    if (!fs.statSync(dir).isDirectory()) continue
    const feedName = `csaf-feed-tlp-${folder}.json`
    const feedUrl = base + folder + '/' + feedName
    if (!listed.includes(feedUrl)) fail(`${tree}: ${feedUrl} not in provider-metadata`)
    const feed = JSON.parse(fs.readFileSync(path.join(dir, feedName), 'utf8')).feed
    feeds++
    if (!/^[a-zA-Z0-9+\-_.]+$/.test(feed.id)) fail(`${tree}/${folder}: feed id ${feed.id}`)
    if (feed.link[0].rel !== 'self' || feed.link[0].href !== feedUrl) fail(`${tree}/${folder}: self link`)
    if (feed.category[0].scheme !== 'urn:ietf:params:rolie:category:information-type' ||
        feed.category[0].term !== 'csaf') fail(`${tree}/${folder}: category`)
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(feed.updated)) fail(`${tree}/${folder}: updated`)
    const docs = []
    for (const y of fs.readdirSync(dir).filter((y) => /^\d{4}$/.test(y)))
      for (const f of fs.readdirSync(path.join(dir, y)).filter((f) => f.endsWith('.json')))
        docs.push(`${y}/${f}`)
    docs.sort()
    if (feed.entry.length !== docs.length) fail(`${tree}/${folder}: ${feed.entry.length} entries, ${docs.length} documents`)
    for (const rel of docs) {
      const doc = JSON.parse(fs.readFileSync(path.join(dir, rel), 'utf8')).document
      const url = base + folder + '/' + rel
      const e = feed.entry.filter((e) => e.id === doc.tracking.id)
      if (e.length !== 1) { fail(`${tree}/${folder}: ${rel} has ${e.length} entries`); continue }
      entries++
      const links = e[0].link.map((l) => `${l.rel} ${l.href}`)
      for (const want of [`self ${url}`, `hash ${url}.sha256`, `hash ${url}.sha512`, `signature ${url}.asc`])
        if (!links.includes(want)) fail(`${tree}/${folder}: ${rel}: no link "${want}"`)
      if (links[0] !== `self ${url}`) fail(`${tree}/${folder}: ${rel}: self is not the first link`)
      if (e[0].title !== doc.title) fail(`${tree}/${folder}: ${rel}: title`)
      if (e[0].published !== doc.tracking.initial_release_date ||
          e[0].updated !== doc.tracking.current_release_date) fail(`${tree}/${folder}: ${rel}: dates`)
      if (e[0].content.type !== 'application/json' || e[0].content.src !== url) fail(`${tree}/${folder}: ${rel}: content`)
      if (e[0].format.version !== '2.0' ||
          e[0].format.schema !== 'https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json')
        fail(`${tree}/${folder}: ${rel}: format`)
      const self = (doc.references || []).filter((r) => r.category === 'self').map((r) => r.url)
      if (self.length !== 1 || self[0] !== url) fail(`${tree}/${folder}: ${rel}: self reference ${self}`)
      const year = doc.tracking.initial_release_date.slice(0, 4)
      const name = doc.tracking.id.toLowerCase().replace(/[^+\-a-z0-9]+/g, '_') + '.json'
      if (rel !== `${year}/${name}`) fail(`${tree}/${folder}: ${rel}: not ${year}/${name} (5.1, requirement 11)`)
    }
    const index = fs.readFileSync(path.join(dir, 'index.txt'), 'utf8').split('\n').filter(Boolean)
    if (JSON.stringify([...index].sort()) !== JSON.stringify(docs)) fail(`${tree}/${folder}: index.txt`)
    const rows = fs.readFileSync(path.join(dir, 'changes.csv'), 'utf8').split('\n').filter(Boolean)
      .map((l) => { const m = l.match(/^"([^"]+)","([^"]+)"$/); if (!m) fail(`${tree}/${folder}: changes.csv line ${l}`); return m || [l, '', ''] })
    if (JSON.stringify(rows.map((r) => r[1]).sort()) !== JSON.stringify(docs)) fail(`${tree}/${folder}: changes.csv files`)
    for (let i = 1; i < rows.length; i++)
      if (Date.parse(rows[i - 1][2]) < Date.parse(rows[i][2])) fail(`${tree}/${folder}: changes.csv not latest first`)
    for (const r of rows) {
      const d = JSON.parse(fs.readFileSync(path.join(dir, r[1]), 'utf8')).document
      if (d.tracking.current_release_date !== r[2]) fail(`${tree}/${folder}: changes.csv date of ${r[1]}`)
    }
  }
}
console.log(`feeds ${feeds} entries ${entries}`)
process.exit(bad ? 1 : 0)
JSEOF
run node "$TMP/feeds.js" "$TMP/csaf"
check 0 "each ROLIE feed, index.txt and changes.csv lists every document of its folder"
diag "$(tail -1 "$TMP/out")"

# the hash files are what sha256sum and sha512sum expect
: >"$TMP/sums"
for f in $(cat "$TMP/docs"); do
	d=$(dirname "$f")
	[ -f "$f.sha256" ] || continue
	(cd "$d" && sha256sum -c --quiet "$(basename "$f").sha256" &&
		sha512sum -c --quiet "$(basename "$f").sha512") >>"$TMP/sums" 2>&1 || echo "BAD $f" >>"$TMP/sums"
done
! grep -q BAD "$TMP/sums"
ok $? "every .sha256 and .sha512 file checks with sha256sum -c and sha512sum -c"

done_testing
