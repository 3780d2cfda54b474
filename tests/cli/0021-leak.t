#!/bin/sh
# The leak test: restricted sections and restricted, draft, embargoed and
# not-yet-downgraded advisories carry canaries in every field
# (tests/leak/README). After a build, no such canary and no such id is
# anywhere in the tree, while every public canary is. Then the same for a
# GREEN portal, and the moments of an embargo and a downgrade.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

canaries() { grep -rhoE '[A-Z]+(CANARY|SEC|ADV|DOWN)-[A-Z0-9]+(-[A-Z0-9]+)*' "$@" | sort -u; }
all=$(canaries tests/leak/*.md)
[ "$(echo "$all" | wc -l)" -ge 40 ]
ok $? "the fixtures hold at least 40 canaries"

# allowed CANARY CLEARANCE: may this canary appear in a tree of that clearance?
allowed() {
	case $1 in
	PUBCANARY-*) return 0 ;;
	GREENSEC-*|GREENADV-*|GREENDOWN-*) [ "$2" = GREEN ] ;;
	*) return 1 ;;
	esac
}

leakcheck() { # TREE CLEARANCE
	leaks=0 missing=0
	for c in $all; do
		if grep -rqF -- "$c" "$1"; then
			allowed "$c" "$2" || { leaks=$((leaks + 1)); diag "LEAK: $c in the $2 tree"; }
		else
			allowed "$c" "$2" && { missing=$((missing + 1)); diag "missing: $c"; }
		fi
	done
	[ $leaks -eq 0 ]
	ok $? "$2 tree: no restricted canary ($leaks leaks)"
	[ $missing -eq 0 ]
	ok $? "$2 tree: every canary it may show is there ($missing missing)"
}

export TLPRESS_NOW=2026-11-28T12:00:00Z
run "$TLPRESS" build -o "$TMP/pub" tests/leak
check 0 "build of the leak fixtures"
leakcheck "$TMP/pub" CLEAR
for id in CCBR-2026-0902 CCBR-2026-0903 CCBR-2026-0904 CCBR-2026-0905 CCB-2026-0906 \
	  CCB-2026-0907 CCBR-2026-0908 CCBR-2026-0910; do
	! grep -rqi -- "$id" "$TMP/pub"
	ok $? "no trace of $id in the public tree"
done

run "$TLPRESS" build -o "$TMP/portal" --clearance GREEN tests/leak
check 0 "GREEN portal build of the leak fixtures"
leakcheck "$TMP/portal" GREEN
for id in CCBR-2026-0903 CCBR-2026-0904 CCBR-2026-0905 CCB-2026-0906 CCB-2026-0907 \
	  CCBR-2026-0908; do
	! grep -rqi -- "$id" "$TMP/portal"
	ok $? "no trace of $id in the portal"
done

# the embargo of CCB-2026-0907: 2027-01-12T09:00:00+01:00
TLPRESS_NOW=2027-01-12T07:59:59Z run "$TLPRESS" build -o "$TMP/t1" tests/leak
! grep -rq EMBARGOADV "$TMP/t1" && ! grep -rqi ccb-2026-0907 "$TMP/t1"
ok $? "one second before the embargo ends: nothing of it"
TLPRESS_NOW=2027-01-12T08:00:00Z run "$TLPRESS" build -o "$TMP/t1" tests/leak
grep -rq EMBARGOADV-B "$TMP/t1/advisories/ccb-2026-0907.html" && grep -q CCB-2026-0907 "$TMP/t1/feed.xml"
ok $? "at the moment it ends: its page and feed item"
# the downgrade of CCBR-2026-0908: to CLEAR at 2027-01-19T09:00:00+01:00
TLPRESS_NOW=2027-01-19T07:59:59Z run "$TLPRESS" build -o "$TMP/t2" tests/leak
! grep -rq DOWNGRADEADV "$TMP/t2"
ok $? "one second before the downgrade: nothing of it"
TLPRESS_NOW=2027-01-19T08:00:00Z run "$TLPRESS" build -o "$TMP/t2" tests/leak
grep -q DOWNGRADEADV-B "$TMP/t2/advisories/ccbr-2026-0908.html"
ok $? "at the moment of the downgrade: public"
# the same tree, rebuilt back in time, loses it again
TLPRESS_NOW=2027-01-19T07:59:59Z run "$TLPRESS" build -o "$TMP/t2" tests/leak
! grep -rq DOWNGRADEADV "$TMP/t2" && [ ! -e "$TMP/t2/advisories/ccbr-2026-0908.html" ]
ok $? "a rebuild where it is not publishable removes it again"

done_testing
