#!/bin/sh
# The machine-readable renditions as 'tlpress build' writes them, for the
# samples (public site and GREEN portal) and a generated corpus: every CVRF
# document valid against the CVRF 1.2 schema (offline, through the catalog),
# every CSAF document passing the strict schema and all mandatory tests,
# provider-metadata.json valid, each ROLIE feed listing every document of
# its folder with its hash links, and the CVSS score and severity the same
# in the HTML, the CVRF and the CSAF of every advisory.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-npm.sh"
cd "$TOP" || exit 1
export TLPRESS_NOW=2026-11-28T12:00:00Z
PY=/usr/bin/python3
N=${TLPRESS_CORPUS_N:-300}

"$TLPRESS" build -q -o "$TMP/t/public" || exit 1
"$TLPRESS" build -q --clearance GREEN -o "$TMP/t/portal" || exit 1
$PY bench/gen-corpus "$N" 11 "$TMP/corpus" > /dev/null || exit 1
"$TLPRESS" build -q -o "$TMP/t/corpus" "$TMP/corpus" || exit 1
"$TLPRESS" build -q --clearance GREEN -o "$TMP/t/corpus-portal" "$TMP/corpus" || exit 1

# CVRF
find "$TMP/t" -path '*/cvrf/*.xml' | sort > "$TMP/cvrf"
n=$(wc -l < "$TMP/cvrf")
[ "$n" -ge 100 ]
ok $? "$n CVRF documents"
XML_CATALOG_FILES="$TLPRESS_SHARED/schemas/cvrf-1.2/catalog.xml" \
	xmllint --nonet --noout --schema "$TLPRESS_SHARED/schemas/cvrf-1.2/cvrf.xsd" \
	$(cat "$TMP/cvrf") > "$TMP/out" 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$(grep -c ' validates$' "$TMP/out")" -eq "$n" ]
ok $? "every CVRF document validates against the CVRF 1.2 schema, offline"
[ $rc -eq 0 ] || grep -v ' validates$\|Skipping import' "$TMP/out" | head -20 | sed 's/^/#   /'

# CSAF
npm_install csaf
ok $? "csaf-validator-lib from its pin"
find "$TMP/t" -path '*/.well-known/csaf/*/[0-9][0-9][0-9][0-9]/*.json' | sort > "$TMP/csaf"
n=$(wc -l < "$TMP/csaf")
[ "$n" -ge 100 ]
ok $? "$n CSAF documents"
node "$TLPRESS_SHARED/tools/csaf-validate.mjs" --lib "$TOP/build/csaf" $(cat "$TMP/csaf") > "$TMP/out" 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$(grep -c ': VALID (44 ' "$TMP/out")" -eq "$n" ]
ok $? "every CSAF document passes the strict schema and the 43 mandatory tests"
[ $rc -eq 0 ] || grep -v ': VALID (' "$TMP/out" | head -30 | sed 's/^/#   /'
for t in public portal corpus corpus-portal; do
	run node "$TLPRESS_SHARED/tools/csaf-validate.mjs" --lib "$TOP/build/csaf" \
		--provider-metadata "$TMP/t/$t/.well-known/csaf/provider-metadata.json"
	check 0 "$t: provider-metadata.json is valid against the provider schema"
done
[ -d "$TMP/t/public/.well-known/csaf/white" ] && [ ! -e "$TMP/t/public/.well-known/csaf/green" ]
ok $? "the public site holds white/ only"
[ -d "$TMP/t/portal/.well-known/csaf/green" ] && [ ! -e "$TMP/t/portal/.well-known/csaf/amber" ] &&
	[ ! -e "$TMP/t/portal/.well-known/csaf/red" ]
ok $? "the portal holds white/ and green/, nothing above"

cat > "$TMP/rolie.py" <<'PYEOF'
import json, os, sys, glob
root = sys.argv[1]
bad = 0
for feed in glob.glob(os.path.join(root, ".well-known/csaf/*/csaf-feed-tlp-*.json")):
    folder = os.path.dirname(feed)
    docs = sorted(os.path.relpath(p, folder) for p in glob.glob(os.path.join(folder, "[0-9]*/*.json")))
    f = json.load(open(feed))["feed"]
    listed = {}
    for e in f.get("entry", []):
        hashes = [l["href"] for l in e["link"] if l["rel"] == "hash"]
        listed[e["content"]["src"].split("/.well-known/csaf/", 1)[1].split("/", 1)[1]] = (e["link"], hashes)
    for d in docs:
        if d not in listed:
            print("not in feed:", feed, d); bad += 1; continue
        links, hashes = listed[d]
        urls = hashes
        if not any(u.endswith(d + ".sha256") for u in urls) or not any(u.endswith(d + ".sha512") for u in urls):
            print("no hash links:", d); bad += 1
        for u in urls:
            if not os.path.exists(os.path.join(folder, d + "." + u.rsplit(".", 1)[1])):
                print("hash link to a missing file:", u); bad += 1
    for d in listed:
        if d not in docs:
            print("listed but absent:", d); bad += 1
print("feeds checked, problems:", bad)
sys.exit(1 if bad else 0)
PYEOF
for t in public portal corpus corpus-portal; do
	run $PY "$TMP/rolie.py" "$TMP/t/$t"
	check 0 "$t: each ROLIE feed lists every document of its folder with its hash links"
done

# the same score everywhere
cat > "$TMP/scores.py" <<'PYEOF'
import json, os, re, sys, glob
root = sys.argv[1]
bad = n = 0
for page in glob.glob(os.path.join(root, "advisories/*.html")):
    slug = os.path.basename(page)[:-5]
    html = open(page, encoding="utf-8").read()
    m = re.search(r'class="cvss-score">([0-9.]+)<', html)
    s = re.search(r'class="severity[^"]*sev-([a-z]+)', html) or re.search(r'data-severity="([a-z]+)"', html)
    cvrf = open(os.path.join(root, "cvrf", slug + ".xml"), encoding="utf-8").read()
    c = re.search(r'BaseScoreV3>([0-9.]+)<', cvrf)
    agg = re.search(r'AggregateSeverity[^>]*>([A-Za-z]+)<', cvrf)
    docs = glob.glob(os.path.join(root, ".well-known/csaf/*/*/" + slug + ".json"))
    doc = json.load(open(docs[0]))
    j = None
    for v in doc.get("vulnerabilities", []):
        for sc in v.get("scores", []):
            j = sc["cvss_v3"]; break
        if j: break
    jsev = doc["document"].get("aggregate_severity", {}).get("text")
    if not m:
        if c or j:
            print(slug, "score in CVRF/CSAF but not in the HTML"); bad += 1
        continue
    n += 1
    hs = m.group(1)
    if not c or c.group(1) != hs:
        print(slug, "HTML", hs, "CVRF", c and c.group(1)); bad += 1
    if (j is None and doc["document"]["category"] != "csaf_informational_advisory") or (j and "%.1f" % j["baseScore"] != hs):
        print(slug, "HTML", hs, "CSAF", j and j["baseScore"]); bad += 1
    if agg and jsev and agg.group(1).lower() != jsev.lower():
        print(slug, "severity CVRF", agg.group(1), "CSAF", jsev); bad += 1
print("advisories with a score:", n, "problems:", bad)
sys.exit(1 if bad or not n else 0)
PYEOF
for t in public corpus; do
	run $PY "$TMP/scores.py" "$TMP/t/$t"
	check 0 "$t: the CVSS score is the same in the HTML, the CVRF and the CSAF"
	[ $rc -eq 0 ] || sed -n '1,20p' "$TMP/out" | sed 's/^/#   /'
done

done_testing
