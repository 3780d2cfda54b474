#!/bin/sh
# Every CVRF 1.2 document that build/tests/test_cvrf makes (the samples in
# advisories/ at every clearance they go out at, the fixtures of the other
# tests, and a generated corpus: every label against every section marking,
# products in every shape, many CVSS vectors, hostile strings in every field)
# is valid against the official CVRF 1.2 schema: xmllint --nonet --schema
# through the shared XML catalog, offline, with no error.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

S="$TLPRESS_SHARED/schemas/cvrf-1.2"
export XML_CATALOG_FILES="$S/catalog.xml"
# offline: no proxy either; a schema the catalog does not map fails to load
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ftp_proxy FTP_PROXY

validate() {
	xmllint --nonet --noout --schema "$S/cvrf.xsd" "$@"
}

# xmllint's output, less the three notices the schema set always gives
# (NOTICE: "Skipping import of schema ... xml.xsd") and the verdicts
noise() {
	grep -v ' validates$' "$1" | grep -v 'Skipping import of schema located at .http://www.w3.org/2001/xml.xsd.'
}

command -v xmllint >/dev/null 2>&1
ok $? "xmllint is installed (libxml2-utils)"
[ -f "$S/cvrf.xsd" ] && [ -f "$S/catalog.xml" ]
ok $? "the CVRF 1.2 schema set and its catalog are in $S"

# the validator itself: the shapes that pass pass, and those that fail fail
run validate "$S"/examples/*.xml "$TLPRESS_SHARED"/samples/csaf/cvrf-1.2/valid/*.xml
check 0 "the schema's examples and the valid CVRF samples validate offline"
[ -z "$(noise "$TMP/out")" ]
ok $? "with no error, and nothing fetched from the network"
noise "$TMP/out" | sed -n '1,10p' | sed 's/^/#   /'
for f in "$TLPRESS_SHARED"/samples/csaf/cvrf-1.2/invalid/*.xml; do
	run validate "$f"
	[ "$rc" -ne 0 ] && grep -q 'fails to validate' "$TMP/out"
	ok $? "invalid sample $(basename "$f") fails to validate"
done

# the documents
out="$TMP/cvrf"
TLPRESS_CVRF_OUT="$out" "$TOP/build/tests/test_cvrf" > "$TMP/unit" 2>&1
ok $? "build/tests/test_cvrf makes its documents (and passes)"
grep '^not ok' "$TMP/unit" | sed -n '1,10p' | sed 's/^/#   /'

n=$(find "$out" -name '*.xml' | wc -l)
ns=$(find "$out" -name 'cc*.xml' | wc -l)
ng=$(find "$out" -name 'gen-*.xml' | wc -l)
[ "$ns" -ge 20 ]
ok $? "$ns documents of the samples"
[ "$ng" -ge 50 ]
ok $? "$ng documents of the generated corpus"
[ -f "$out/gen-hostile-clear.xml" ] && [ -f "$out/gen-hostile-amber.xml" ]
ok $? "the hostile documents are among them"

run validate "$out"/*.xml
check 0 "xmllint --nonet --schema cvrf.xsd: every one of the $n documents is valid"
v=$(grep -c ' validates$' "$TMP/out")
[ "$v" -eq "$n" ]
ok $? "$v of $n validate"
[ -z "$(noise "$TMP/out")" ]
ok $? "no error, no warning, nothing loaded from the network"
noise "$TMP/out" | sed -n '1,20p' | sed 's/^/#   /'

# the schema is really applied: a document spoiled in two ways fails
sed 's|<Status>[A-Za-z]*</Status>|<Status>Finished</Status>|' "$out/gen-products.xml" > "$TMP/bad1.xml"
run validate "$TMP/bad1.xml"
[ "$rc" -ne 0 ] && grep -q "Finished" "$TMP/out"
ok $? "a document with Status 'Finished' fails to validate"
sed 's|<vuln:BaseScoreV3>9.8</vuln:BaseScoreV3>|<vuln:BaseScoreV3>9.85</vuln:BaseScoreV3>|' \
	"$out/gen-products.xml" > "$TMP/bad2.xml"
run validate "$TMP/bad2.xml"
[ "$rc" -ne 0 ] && grep -q "9.85" "$TMP/out"
ok $? "a score with two decimals fails to validate"

done_testing
