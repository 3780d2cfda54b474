#!/bin/sh
# make install into a DESTDIR: the binary and its tlpress-net.so, templates,
# the three manual pages and the bash completion, nothing else; with SYSTEMD=1 the units too, their
# ExecStart on the installed binary. Builds nothing: the test is skipped
# when build/tlpress is not up to date (run make first).
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
# a make of our own, not a part of the make that runs the tests
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEFILES

if ! command -v make >/dev/null 2>&1 || ! make -q all >/dev/null 2>&1; then
	echo "1..0 # skip build/tlpress is not up to date: run make first (this test builds nothing)"
	exit 0
fi

R=$TMP/root
run make install DESTDIR="$R" PREFIX=/usr
check 0 "make install DESTDIR=... PREFIX=/usr"
! grep -q -- ' -o build/' "$TMP/out"
ok $? "it compiled nothing"
(cd "$R" && find . -type f | sed 's|^\./||' | grep -v '^usr/share/tlpress/templates/' | sort) \
	>"$TMP/files"
cat >"$TMP/want" <<EOF
usr/bin/tlpress
usr/lib/tlpress/tlpress-net.so
usr/share/bash-completion/completions/tlpress
usr/share/man/man1/tlpress.1
usr/share/man/man5/tlpress-advisory.5
usr/share/man/man5/tlpress.yml.5
EOF
cmp -s "$TMP/want" "$TMP/files"
ok $? "the binary, tlpress-net.so, the manual pages and the completion, nothing else"
cmp -s "$TMP/want" "$TMP/files" || diag "installed:" $(cat "$TMP/files")
[ -x "$R/usr/bin/tlpress" ] && [ -f "$R/usr/share/tlpress/templates/page.mustache" ]
ok $? "an executable binary and the templates"

# tlpress-net.so (lib/net.h) is found in ../lib/tlpress beside the binary:
# verify gets as far as the tree
run "$R/usr/bin/tlpress" verify "$TMP/no-such-tree"
check 3 "the installed binary, verify of a missing tree"
check_grep "cannot read the tree" "loads tlpress-net.so from ../lib/tlpress and reads the tree"
# a binary without it anywhere: what needs it says so, the rest works
if [ ! -e /usr/local/lib/tlpress/tlpress-net.so ]; then
	mkdir "$TMP/lone" && cp build/tlpress "$TMP/lone/"
	run "$TMP/lone/tlpress" verify "$TMP/no-such-tree"
	check 3 "a binary without tlpress-net.so: verify exits 3"
	check_grep "cannot load tlpress-net.so, which tlpress needs to upload, mail and verify" \
		"and says what is missing"
	check_grep "$TMP/lone/tlpress-net.so: No such file or directory" "and where it looked"
	check_grep "install it with the binary (make install)" "and what to do"
	run "$TMP/lone/tlpress" build -o "$TMP/lone/site" advisories
	check 0 "build needs no tlpress-net.so"
else
	for i in 1 2 3 4 5; do ok 0 "# skip /usr/local/lib/tlpress/tlpress-net.so is installed"; done
fi
cmp -s docs/tlpress.yml.5 "$R/usr/share/man/man5/tlpress.yml.5"
ok $? "the pages as they are in docs/"
if command -v man >/dev/null 2>&1; then
	for p in tlpress tlpress.yml tlpress-advisory; do
		[ -n "$(man -M "$R/usr/share/man" -w "$p" 2>/dev/null)" ]
		ok $? "man -M finds $p"
	done
fi
[ ! -e "$R/usr/lib/systemd" ]
ok $? "no systemd units without SYSTEMD=1"

run make install SYSTEMD=1 DESTDIR="$TMP/root2" PREFIX=/usr/local
check 0 "make install SYSTEMD=1 PREFIX=/usr/local"
U=$TMP/root2/usr/local/lib/systemd/system
[ -f "$U/tlpress-publish.service" ] && [ -f "$U/tlpress-publish.timer" ]
ok $? "the units in \$(PREFIX)/lib/systemd/system"
grep -qx 'ExecStart=/usr/local/bin/tlpress publish -q -C /etc/tlpress/tlpress.yml' \
	"$U/tlpress-publish.service"
ok $? "their ExecStart on the installed binary"
[ -x "$TMP/root2/usr/local/bin/tlpress" ]
ok $? "the binary is there too"

run make install-systemd DESTDIR="$TMP/root3" PREFIX=/usr
check 0 "make install-systemd alone"
[ "$(cd "$TMP/root3" && find . -type f | sort | tr '\n' ' ')" = \
  "./usr/lib/systemd/system/tlpress-publish.service ./usr/lib/systemd/system/tlpress-publish.timer " ]
ok $? "installs the units and nothing else"

done_testing
