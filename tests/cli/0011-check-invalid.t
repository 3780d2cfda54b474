#!/bin/sh
# One invalid advisory per rule (tests/invalid/EXPECT): each exits 1 with its
# own message naming the file, the line and the key.
. "$(dirname "$0")/lib.sh"
cd "$TOP/tests/invalid" || exit 1

grep -v '^#' EXPECT | while IFS='	' read -r file line key msg; do
	[ -n "$file" ] || continue
	run "$TLPRESS" check "$file"
	check 1 "$file exits 1"
	# a hint belongs to the diagnostic above it: join them
	awk '/^    hint: /{ printf " %s", $0; next } NR > 1 { print "" } { printf "%s", $0 } END { print "" }' \
		"$TMP/out" > "$TMP/joined" && mv "$TMP/joined" "$TMP/out"
	if [ -d "$file" ]; then
		grep -E "^$file/.*:$line:[0-9]+: error: " "$TMP/out" | grep -qF -- "$msg"
	else
		grep -E "^$file:$line:[0-9]+: error: " "$TMP/out" | grep -qF -- "$msg"
	fi
	ok $? "$file:$line: error: ...$msg..."
	if [ "$key" != "-" ]; then
		grep -E ":$line:[0-9]+: error: " "$TMP/out" | grep -qF -- "'$key'"
		ok $? "$file: the message names the key '$key'"
	fi
done > "$TMP/results"
cat "$TMP/results"
n=$(grep -c '^ok\|^not ok' "$TMP/results")
_n=$n
_failed=$(grep -c '^not ok' "$TMP/results")
rules=$(grep -v '^#' EXPECT | grep -c .)
[ "$rules" -ge 25 ]
ok $? "at least 25 invalid advisories ($rules)"

# A file over 1 MiB is refused before it is read
big="$TMP/CCB-2026-0999.md"
{ printf -- '---\nid: CCB-2026-0999\ntitle: Big\ntlp: CLEAR\nrevisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, summary: x}]\n---\n'
  head -c 1100000 /dev/zero | tr '\0' 'a'; } > "$big"
run "$TLPRESS" check "$big"
check 1 "a file over 1 MiB exits 1"
check_grep "at most 1048576 are allowed" "and says the limit"

done_testing
