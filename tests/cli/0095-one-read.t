#!/bin/sh
# A staged build reads each advisory file once: what pass 1 decides to
# publish, it publishes from the same read (docs/build.md, step 1). The tree
# is the one a build written in place makes, which leaves it all to step 4;
# an id two files claim leaves no file of either, though pass 1 wrote them.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
export TLPRESS_NOW=2026-11-28T12:00:00Z

mkdir -p "$TMP/src"
cp advisories/*.md "$TMP/src/"
run "$TLPRESS" build -j 2 -o "$TMP/staged" "$TMP/src"
check 0 "a staged build"
check_nogrep "built in place" "in a stage"
published=$(grep -c '^[^#].* advisories/.*\.html$' "$TMP/staged/manifest.txt")
[ "$published" -ge 5 ]
ok $? "publishes the samples ($published)"

# each file opened once (strace, where there is one)
if command -v strace > /dev/null 2>&1; then
	rm -rf "$TMP/once"
	strace -f -qq -e trace=open,openat -o "$TMP/strace" \
		"$TLPRESS" build -q -j 2 -o "$TMP/once" "$TMP/src" > /dev/null 2>&1
	bad=0
	for f in "$TMP"/src/*.md; do
		n=$(grep -cF "\"$f\"" "$TMP/strace")
		[ "$n" -eq 1 ] || { diag "$f opened $n times"; bad=$((bad + 1)); }
	done
	[ "$bad" -eq 0 ]
	ok $? "each advisory file is opened once, published or not"
	diff -r "$TMP/staged" "$TMP/once" > /dev/null
	ok $? "and the tree is the same"
else
	ok 0 "# SKIP no strace here"
	ok 0 "# SKIP no strace here"
fi

# a tree that cannot have a stage (its parent immutable: no folder can be
# made beside it) is written in place, every advisory after the withdrawals,
# as it always was: the same tree
mkdir -p "$TMP/ro/site"
if chattr +i "$TMP/ro" 2> /dev/null; then
	run "$TLPRESS" build -j 2 -o "$TMP/ro/site" "$TMP/src"
	check 0 "a build whose stage cannot be made"
	check_grep "built in place" "is written in place"
	diff -r "$TMP/staged" "$TMP/ro/site" > "$TMP/d"
	ok $? "the same tree as the staged build"
	# and a rebuild there after a re-label withdraws and publishes in place
	sed -i 's/^tlp: CLEAR$/tlp: AMBER/' "$TMP/src/CCB-2026-0412.md"
	run "$TLPRESS" build -j 2 -o "$TMP/ro/site" "$TMP/src"
	check 0 "a rebuild in place after a re-label"
	! grep -rqi 'ccb-2026-0412' "$TMP/ro/site"
	ok $? "the re-labelled advisory is gone, listings too"
	chattr -i "$TMP/ro"
	sed -i 's/^tlp: AMBER$/tlp: CLEAR/' "$TMP/src/CCB-2026-0412.md"
else
	for i in 1 2 3 4 5 6; do ok 0 "# SKIP chattr +i does not work here"; done
fi

# an id claimed twice (the number padded; the same name in another folder):
# neither is published, and nothing pass 1 wrote of them stays
mkdir -p "$TMP/dup/sub"
cp "$TMP"/src/*.md "$TMP/dup/"
sed 's/^id: CCB-2026-0412$/id: CCB-2026-00412/' "$TMP/src/CCB-2026-0412.md" \
	> "$TMP/dup/CCB-2026-00412.md"
cp "$TMP/src/CCB-2026-0419.md" "$TMP/dup/sub/"
mkdir -p "$TMP/nodup"
cp "$TMP"/src/*.md "$TMP/nodup/"
rm "$TMP/nodup/CCB-2026-0412.md" "$TMP/nodup/CCB-2026-0419.md"
"$TLPRESS" build -q -j 2 -o "$TMP/nodup-site" "$TMP/nodup" || exit 1
run "$TLPRESS" build -j 2 -o "$TMP/dup-site" "$TMP/dup"
check 1 "ids claimed twice: the build says so"
check_grep "duplicate 'id' CCB-2026-0412" "names the padded one"
check_grep "duplicate 'id' CCB-2026-0419" "and the one in another folder"
! grep -rqi 'ccb-2026-0*41[29]' "$TMP/dup-site"
ok $? "no file of them, in no listing"
diff -r "$TMP/nodup-site" "$TMP/dup-site" > "$TMP/d"
ok $? "the tree of the build without them"
[ -z "$(find "$TMP/dup-site" -name '.tlpress-*')" ]
ok $? "no temporary file left"

done_testing
