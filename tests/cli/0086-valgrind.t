#!/bin/sh
# Every unit test binary under valgrind's memcheck: no invalid read or
# write, no use of uninitialised memory, no definite or indirect leak
# (--error-exitcode). ASan and UBSan run the same binaries in make check;
# valgrind also sees the libraries' side (libyaml, cmark-gfm, jansson,
# libxml2, GMime, SQLite), which the sanitizers do not instrument.
# (test_sign's files are signed on two workers through gpg-agent; through
# GPGME, two workers under valgrind made gpg fail with ENOTTY, which no
# longer comes into these tests: TLPRESS_SIGN_VIA=gpg is used on one.)
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

if ! command -v valgrind >/dev/null 2>&1; then
	echo "1..0 # SKIP no valgrind (apt-get install valgrind)"
	exit 0
fi
for t in build/tests/test_*; do
	[ -x "$t" ] || continue
	name=${t##*/}
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--child-silent-after-fork=yes --error-exitcode=99 \
		--suppressions="$TOP/tests/valgrind.supp" "$t" >"$TMP/$name.log" 2>&1
	rc=$?
	[ $rc -eq 0 ]
	ok $? "$name under valgrind: clean"
	[ $rc -eq 0 ] || grep -E '==[0-9]+== (Invalid|Conditional|Use of|[0-9,]+ bytes in)|^not ok' \
		"$TMP/$name.log" | head -10 | sed 's/^/#   /'
done
done_testing
