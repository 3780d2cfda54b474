#!/bin/sh
# The manual pages: each lints clean (mandoc -Tlint, groff -ww) and renders
# with man -l without a word on stderr; tlpress(1) has a section for every
# command of 'tlpress help' and every long option of its -h, and says
# nothing is missing that is there; tlpress.yml(5) has every key of
# docs/config.md and of lib/config.c and lib/lists.c; the examples of the
# section 5 pages pass tlpress check.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

PAGES="docs/tlpress.1 docs/tlpress.yml.5 docs/tlpress-advisory.5"
export LC_ALL=C.UTF-8 MANWIDTH=80 PAGER=cat MANPAGER=cat

skip() { _n=$((_n + 1)); echo "ok $_n # skip $1"; }

for p in $PAGES; do
	[ -f "$p" ]
	ok $? "$p exists"
	if command -v mandoc >/dev/null 2>&1; then
		mandoc -Tlint -W warning "$p" >"$TMP/lint" 2>&1
		r=$?
		[ $r -eq 0 ] && [ ! -s "$TMP/lint" ]
		ok $? "mandoc -Tlint -W warning $p: no warning"
		[ -s "$TMP/lint" ] && diag "$(sed -n 1,20p "$TMP/lint")"
	else
		skip "mandoc is not installed (make check-deps installs it)"
	fi
	if command -v groff >/dev/null 2>&1; then
		groff -ww -mandoc -z "$p" >"$TMP/groff" 2>&1
		[ $? -eq 0 ] && [ ! -s "$TMP/groff" ]
		ok $? "groff -ww -mandoc $p: no warning"
		[ -s "$TMP/groff" ] && diag "$(sed -n 1,20p "$TMP/groff")"
	else
		skip "groff is not installed (make check-deps installs groff-base)"
	fi
	if command -v man >/dev/null 2>&1; then
		man -l "$p" >"$TMP/page" 2>"$TMP/err"
		r=$?
		[ $r -eq 0 ] && [ ! -s "$TMP/err" ] && [ -s "$TMP/page" ]
		ok $? "man -l $p renders, nothing on stderr"
		[ -s "$TMP/err" ] && diag "$(sed -n 1,20p "$TMP/err")"
	else
		skip "man is not installed (make check-deps installs man-db)"
	fi
done

# section NAME: the text of '.Ss NAME' in tlpress(1), up to the next .Ss/.Sh
section() {
	awk -v s=".Ss $1" '$0 == s { on = 1; next } on && /^\.S[sh] / { exit } on' docs/tlpress.1
}
# item_planned NAME OPT: the '.It Fl OPT' item of section NAME says it is
# not in this build yet
item_planned() {
	section "$1" | awk -v o="$2" '
		/^\.It / { on = index($0, ".It Fl " o) == 1 && (length($0) == length(".It Fl " o) ||
			substr($0, length(".It Fl " o) + 1, 1) ~ /[ ,]/); next }
		/^\.El/ { on = 0 }
		on && /not in this build yet/ { found = 1 }
		END { exit !found }'
}

"$TLPRESS" help >"$TMP/help" 2>&1
cmds=$(sed -n 's/^   \([a-z][a-z-]*\) .*/\1/p' "$TMP/help")
[ -n "$cmds" ]
ok $? "tlpress help lists the commands"
for c in $cmds; do
	grep -qx "\.Ss $c" docs/tlpress.1
	ok $? "tlpress(1) has a section for '$c'"
	grep -qx "\.Cm $c" docs/tlpress.1
	ok $? "tlpress(1) has '$c' in its SYNOPSIS"
	! section "$c" | sed -n 1,12p | grep -q 'not in this build yet'
	ok $? "tlpress(1) no longer calls '$c' planned (it is in tlpress help: correct its ISSUE-10 part)"
	"$TLPRESS" "$c" -h >"$TMP/usage" 2>&1
	for o in $(grep -o -- '--[a-z][a-z-]*' "$TMP/usage" | sort -u); do
		[ "$o" = --help ] && continue
		o=${o#-}
		section "$c" | grep -q -- "^\.It Fl .*Fl $o\( \|\$\)\|^\.It Fl $o\( \|\$\)"
		ok $? "tlpress(1) describes '$c -$o'"
		! item_planned "$c" "$o"
		ok $? "tlpress(1) no longer calls '$c -$o' planned (correct its ISSUE-10 part)"
	done
done

# every key of docs/config.md: its tables and the keys of its lists example
{
	sed -n 's/^| `\([a-z_.]*\)` |.*/\1/p' docs/config.md
	awk '/^### `lists`/ { l = 1 } l && /^```yaml/ { y = 1; next } y && /^```/ { exit }
	     y && /^ / { sub(/^ *- */, ""); sub(/^ */, ""); sub(/:.*/, ""); print "lists." $0 }' docs/config.md
} | sort -u >"$TMP/mdkeys"
[ "$(wc -l <"$TMP/mdkeys")" -gt 30 ]
ok $? "docs/config.md lists the keys ($(wc -l <"$TMP/mdkeys") found)"
missing=
for k in $(cat "$TMP/mdkeys"); do
	grep -q "^\.It Cm $k\( \|\$\)" docs/tlpress.yml.5 || missing="$missing $k"
done
[ -z "$missing" ]
ok $? "tlpress.yml(5) describes every key of docs/config.md"
[ -z "$missing" ] || diag "missing:$missing"

# every key the code knows: the keys[] arrays of lib/config.c, each named
# by the known(c, "SECTION", ...) call after it; list_keys of lib/lists.c
awk '
	/static const char \*const (keys|list_keys)\[\]/ { n = 0; collect = 1 }
	collect {
		s = $0
		while (match(s, /"[a-z_]+"/)) {
			k[++n] = substr(s, RSTART + 1, RLENGTH - 2)
			s = substr(s, RSTART + RLENGTH)
		}
		if ($0 ~ /NULL *};/) {
			collect = 0
			if (FILENAME ~ /lists\.c$/) for (i = 1; i <= n; i++) print "lists." k[i]
		}
	}
	/known\(c, "[a-z]+", / {
		match($0, /"[a-z]+"/); sec = substr($0, RSTART + 1, RLENGTH - 2)
		for (i = 1; i <= n; i++) print sec "." k[i]
		n = 0
	}
	/known\(&c, NULL, / {
		for (i = 1; i <= n; i++) if (k[i] !~ /^(publisher|site|signing|lists|smtp|mail|ids)$/) print k[i]
		n = 0
	}' lib/config.c lib/lists.c | sort -u >"$TMP/codekeys"
[ "$(wc -l <"$TMP/codekeys")" -gt 30 ]
ok $? "the keys of lib/config.c and lib/lists.c are found ($(wc -l <"$TMP/codekeys"))"
comm -23 "$TMP/codekeys" "$TMP/mdkeys" >"$TMP/nodoc"
[ ! -s "$TMP/nodoc" ]
ok $? "docs/config.md has every key the code knows"
[ -s "$TMP/nodoc" ] && diag "not in docs/config.md: $(tr '\n' ' ' <"$TMP/nodoc")"
comm -13 "$TMP/codekeys" "$TMP/mdkeys" >"$TMP/nocode"
[ ! -s "$TMP/nocode" ]
ok $? "docs/config.md has no key the code does not know"
[ -s "$TMP/nocode" ] && diag "not in the code: $(tr '\n' ' ' <"$TMP/nocode")"

# literal PAGE TEXT: the .Bd -literal block after the line TEXT
literal() {
	awk -v t="$2" 'index($0, t) == 1 { f = 1 } f && /^\.Bd -literal/ { g = 1; next }
		       g && /^\.Ed/ { exit } g' "$1"
}
mkdir -p "$TMP/cfg/adv"
literal docs/tlpress.yml.5 "A CSIRT that pushes" >"$TMP/cfg/tlpress.yml"
literal docs/tlpress.yml.5 "A members file:" >"$TMP/cfg/members-oes-energy.txt"
run "$TLPRESS" check -C "$TMP/cfg/tlpress.yml" "$TMP/cfg/adv"
check 0 "the example of tlpress.yml(5) is a valid configuration"
literal docs/tlpress-advisory.5 "A public advisory with one" >"$TMP/cfg/adv/CCB-2026-0123.md"
run "$TLPRESS" check "$TMP/cfg/adv/CCB-2026-0123.md"
check 0 "the example of tlpress-advisory(5) passes tlpress check"
check_grep "0 warnings" "without a warning"

done_testing
