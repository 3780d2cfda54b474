#!/bin/sh
# A build that fails half-way (a write error, injected with
# TLPRESS_FAULT_WRITES=N) leaves only whole files, old or new, and never a
# byte that is no longer publishable; the next build completes the tree.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
export TLPRESS_NOW=2026-11-28T12:00:00Z

cp -r tests/leak "$TMP/src1"
cp -r tests/leak "$TMP/src2"
# the second state: one public advisory re-labelled AMBER, others edited
sed -i 's/^tlp: CLEAR$/tlp: AMBER/' "$TMP/src2/CCB-2026-0901.md"
sed -i 's/^title: "Kwetsbaarheid PUBCANARY-D-T/title: "Gewijzigd PUBCANARY-D-T/' "$TMP/src2/CCBR-2026-0909.md"
cp advisories/CCB-2026-0442.md advisories/CCB-2026-0450.md "$TMP/src2/"

"$TLPRESS" build -q -o "$TMP/old" "$TMP/src1" || exit 1
"$TLPRESS" build -q -o "$TMP/new" "$TMP/src2" || exit 1
grep -rq PUBCANARY-A "$TMP/old" && ! grep -rq PUBCANARY-A "$TMP/new"
ok $? "the re-labelled advisory is in the old tree and not in the new one"

for n in 0 1 2 3 4 5 6; do
	rm -rf "$TMP/t"
	cp -r "$TMP/old" "$TMP/t"
	TLPRESS_FAULT_WRITES=$n run "$TLPRESS" build -q -o "$TMP/t" "$TMP/src2"
	check 3 "fault after $n writes: the build fails with exit 3"
	check_grep "cannot write" "and says which file"
	# nothing of the re-labelled advisory, at any point
	! grep -rq 'PUBCANARY-A\|ccb-2026-0901' "$TMP/t"
	ok $? "fault after $n writes: nothing of the re-labelled advisory is left"
	# every file is whole: the old bytes or the new ones; the manifest
	# (rewritten at once when something is withdrawn) lists exactly what
	# is there
	bad=0
	for f in $(cd "$TMP/t" && find . -type f ! -name manifest.txt | sed 's|^\./||'); do
		cmp -s "$TMP/t/$f" "$TMP/old/$f" 2>/dev/null && continue
		cmp -s "$TMP/t/$f" "$TMP/new/$f" 2>/dev/null && continue
		bad=$((bad + 1)); diag "not whole: $f"
	done
	[ $bad -eq 0 ]
	ok $? "fault after $n writes: every file is either old or new"
	if [ -f "$TMP/t/manifest.txt" ]; then
		grep -v '^#' "$TMP/t/manifest.txt" | awk '{ print $1 "  " $3 }' > "$TMP/sums"
		(cd "$TMP/t" && sha256sum --quiet -c "$TMP/sums" > /dev/null 2>&1)
		ok $? "fault after $n writes: the manifest matches every file it lists"
	else
		ok 0 "fault after $n writes: no manifest (the next build writes every file)"
	fi
	[ -z "$(find "$TMP/t" -name '.tlpress-*')" ]
	ok $? "fault after $n writes: no temporary file left"
	run "$TLPRESS" build -q -o "$TMP/t" "$TMP/src2"
	check 0 "fault after $n writes: the next build succeeds"
	diff -r "$TMP/new" "$TMP/t" > "$TMP/d"
	ok $? "fault after $n writes: and completes the tree"
done

# a build killed between writing a temporary file and renaming it leaves
# it behind (SIGKILL: no clean-up runs); the next build removes those of
# processes that no longer run, and only those
dead=$(sh -c 'echo $$')
printf 'half' > "$TMP/t/advisories/.tlpress-$dead-3.tmp"
printf 'half' > "$TMP/t/.tlpress-$dead-4.tmp"
printf 'busy' > "$TMP/t/advisories/.tlpress-$$-5.tmp"
run "$TLPRESS" build -q -o "$TMP/t" "$TMP/src2"
check 0 "a build over the temporary files a killed run left"
[ ! -e "$TMP/t/advisories/.tlpress-$dead-3.tmp" ] && [ ! -e "$TMP/t/.tlpress-$dead-4.tmp" ]
ok $? "removes them"
[ -e "$TMP/t/advisories/.tlpress-$$-5.tmp" ]
ok $? "and leaves the one of a process that still runs"

# the stage (the tree a build writes before it takes the live one's place)
# gets its new files under their own names, not linked whole: a build
# killed there leaves them cut short, and a stray file beside them, and
# the mark every build leaves in the stage until it commits. The next build
# then makes the stage the live tree again whole (not only at the files the
# two manifests name) before it writes, so neither reaches the site.
rm -rf "$TMP/s" "$TMP/.s.tlpress-stage"
"$TLPRESS" build -q -o "$TMP/s" "$TMP/src1" && "$TLPRESS" build -q -o "$TMP/s" "$TMP/src2"
ok $? "two builds into a staged tree"
ST=$TMP/.s.tlpress-stage
printf '\nOne more line.\n' >> "$TMP/src2/CCB-2026-0442.md"
run "$TLPRESS" build -q -o "$TMP/s" "$TMP/src2"
check 0 "and a third, which removes nothing"
[ -d "$ST/advisories" ] && [ -f "$ST/manifest.txt" ]
ok $? "leave its stage, with the manifest of the version it holds"
for f in $(cd "$ST" && find . -type f -name '*.html' | sed 's|^\./||' | head -3); do
	rm -f "$ST/$f"
	printf '<html><body>cut sho' > "$ST/$f"
done
printf 'stray' > "$ST/advisories/ccb-2026-9999.html"
# and temporary files, one in a folder the next build writes nothing in
printf 'half' > "$ST/advisories/.tlpress-$dead-6.tmp"
printf 'half' > "$ST/.well-known/.tlpress-$dead-7.tmp"
: > "$ST/.tlpress-building"
cp advisories/CCB-2026-0438.md "$TMP/src2/"
run "$TLPRESS" build -q -o "$TMP/s" "$TMP/src2"
check 0 "a build after one killed in the stage"
rm -rf "$TMP/s2"
"$TLPRESS" build -q -o "$TMP/s2" "$TMP/src2"
diff -r "$TMP/s2" "$TMP/s" > "$TMP/d"
ok $? "the tree is a fresh build's: nothing cut short, nothing stray"
[ ! -e "$TMP/s/.tlpress-building" ] && [ ! -e "$ST/.tlpress-building" ]
ok $? "and the mark is gone from both"
[ -z "$(find "$TMP/s" "$ST" -name '.tlpress-*')" ]
ok $? "and so are the temporary files, from every folder"

done_testing
