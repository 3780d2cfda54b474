#!/bin/sh
# The bash completion (contrib/bash-completion/tlpress), sourced in bash
# with COMP_WORDS and COMP_CWORD set by hand as readline would: commands,
# each command's options, labels, advisory ids and files.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

if ! command -v bash >/dev/null 2>&1; then
	echo "1..0 # skip bash is not installed"
	exit 0
fi

# comp WORD...: the completions of the last word (one per line, sorted) in
# $TMP/out; the first word is the binary under test
comp() {
	bash -c '
		. contrib/bash-completion/tlpress || exit 9
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_tlpress
		printf "%s\n" "${COMPREPLY[@]}"
	' comp "$TLPRESS" "$@" 2>"$TMP/err" | sed '/^$/d' | sort >"$TMP/out"
	[ ! -s "$TMP/err" ] || { diag "stderr:"; sed 's/^/#   /' "$TMP/err"; }
}
# is EXPECTED NAME: $TMP/out is exactly the words of EXPECTED
is() {
	printf '%s\n' $1 | sed '/^$/d' | sort >"$TMP/want"
	cmp -s "$TMP/want" "$TMP/out"
	ok $? "$2"
	cmp -s "$TMP/want" "$TMP/out" || diag "got: $(tr '\n' ' ' <"$TMP/out")" "want: $1"
}

bash -n contrib/bash-completion/tlpress
ok $? "the completion is valid bash"

cmds=$("$TLPRESS" help | sed -n 's/^   \([a-z][a-z-]*\) .*/\1/p')
comp ""
is "$cmds help" "the first word: every command of tlpress help"
comp p
is "preview publish" "a prefix: the commands it starts"
comp --
is "--help --version" "options before the command"
comp help st
is "status" "help COMMAND"

comp publish --
is "--config --dry-run --help --jobs --no-mail --quiet" "publish --: its long options"
comp build -
grep -qx -- -C "$TMP/out" && grep -qx -- --clearance "$TMP/out" && ! grep -qx -- --dry-run "$TMP/out"
ok $? "build -: its options, and not publish's"
comp verify --k
is "--key" "verify --k"

comp build --clearance ""
is "CLEAR GREEN" "--clearance: the clearances build accepts"
comp build --clearance = G
is "GREEN" "--clearance=G (readline splits at '=')"
comp new --tlp A
is "AMBER AMBER+STRICT" "--tlp: the labels"

comp log CCBR-2026-01
is "CCBR-2026-0107 CCBR-2026-0112" "log: the ids of advisories/"
mkdir -p "$TMP/site/adv"
: >"$TMP/site/adv/XYZ-2026-0001.md"
: >"$TMP/site/adv/XYZ-2026-0002.md"
: >"$TMP/site/adv/notes.txt"
printf 'site:\n  title: t\nadvisories: "adv"   # relative to this file\n' >"$TMP/site/tlpress.yml"
comp preview -C "$TMP/site/tlpress.yml" ""
is "XYZ-2026-0001 XYZ-2026-0002" "preview -C FILE: the ids of its 'advisories' folder"
comp log --config = "$TMP/site/tlpress.yml" X
is "XYZ-2026-0001 XYZ-2026-0002" "log --config=FILE: the same"

comp check -C "$TMP/site/tlp"
is "$TMP/site/tlpress.yml" "-C: files"
comp build -o "$TMP/si"
is "$TMP/site" "-o: folders"
comp build -o "$TMP/site/"
is "$TMP/site/adv" "-o: folders only"
comp publish -j ""
is "" "-j: nothing to offer"

done_testing
