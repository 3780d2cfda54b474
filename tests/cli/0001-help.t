#!/bin/sh
# Every subcommand answers -h; the command itself answers --version and help;
# bad command lines exit 2 (git's t0012-help.sh).
. "$(dirname "$0")/lib.sh"

run "$TLPRESS" --version
check 0 "--version exits 0"
check_grep "tlpress " "--version prints the version"

run "$TLPRESS" help
check 0 "help exits 0"
cmds=$(sed -n 's/^   \([a-z][a-z-]*\) .*/\1/p' "$TMP/out")
[ -n "$cmds" ]
ok $? "help lists the commands"

for c in $cmds; do
	run "$TLPRESS" "$c" -h
	check 0 "$c -h exits 0"
	check_grep "usage: tlpress $c" "$c -h prints its usage"
	run "$TLPRESS" help "$c"
	check 0 "help $c exits 0"
	run "$TLPRESS" "$c" --no-such-option
	check 2 "$c with an unknown option exits 2"
done

run "$TLPRESS" no-such-command
check 2 "an unknown command exits 2"
check_grep "'no-such-command' is not a tlpress command" "and says so"

run "$TLPRESS"
check 2 "no command exits 2"

done_testing
