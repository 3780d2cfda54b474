#!/bin/sh
# The README's "Your first advisory", followed as a new user would: in a
# fresh copy of the tree, every line of the section's sh blocks is run as it
# stands, in order, in one shell (make demo, tlpress new, the editor, check,
# preview, publish, reading the page and the mail). The editor is a script
# that makes the edits the section's prose asks for and puts in the body of
# its markdown blocks. Then: the ids came from the right series, each step
# exited 0, preview printed the cut per clearance and its files exist, the
# public page is signed by the demo key, the restricted advisory's mail is in
# the outbox, PGP/MIME encrypted, and decrypts to its title, and nothing
# restricted is in public/.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C
export TLPRESS_NOW=2026-11-28T12:00:00Z
# as a user's shell: no make of ours around, no editor but the one below
unset MAKEFLAGS MFLAGS MAKELEVEL VISUAL

# a short path: gpg-agent's sockets live in demo/gnupg
W=$(mktemp -d /tmp/tr.XXXXXX)
V=$(mktemp -d /tmp/tv.XXXXXX)
trap 'gpgconf --homedir "$W/demo/gnupg" --kill all 2>/dev/null; gpgconf --homedir "$V" --kill all 2>/dev/null; rm -rf "$W" "$V" "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
O=$TMP/steps
mkdir -p "$O" "$TMP/tmpdir"
export TMPDIR=$TMP/tmpdir

# the section: from its heading to the next one; its sh blocks, one
# command a line, and its markdown blocks, the bodies to type in
awk -v O="$O" '
	/^```/ {
		if (fence) { fence = ""; next }
		fence = substr($0, 4)
		if (fence == "") fence = "text"
		if (sec && fence == "markdown") nmd++
		next
	}
	fence == "sh" && sec && !/^[ \t]*(#|$)/ { print > (O "/lines") }
	fence == "markdown" && sec { print > (O "/md" nmd) }
	fence { next }
	/^## / { sec = ($0 == "## Your first advisory") }
' "$TOP/README.md"
nlines=$(wc -l < "$O/lines" 2>/dev/null || echo 0)
[ "$nlines" -ge 10 ] && [ -s "$O/md1" ] && [ -s "$O/md2" ] &&
	grep -qx 'make demo.*' "$O/lines"
ok $? "README.md has the section, $nlines commands in sh blocks and two advisory bodies"
# what the test looks for below is in the section's text
grep -q '198\.51\.100\.23' "$O/md1" && grep -q '\[TLP:AMBER\]$' "$O/md1" &&
	grep -q 'invoice-portal\.example' "$O/md2"
ok $? "the public body has a TLP:AMBER section (198.51.100.23); the AMBER one names invoice-portal.example"

# the editor: the three changes of the prose, and the body of the block
cat > "$TMP/editor" <<EOF
#!/bin/sh
f=\$1
case \$(sed -n 's/^tlp: //p' "\$f") in CLEAR) body=$O/md1 ;; *) body=$O/md2 ;; esac
awk 'n < 2 { print } /^---\$/ { n++ }' "\$f" | sed -e 's/^status: draft\$/status: final/' \
	-e 's/^#recipients: .*/recipients: [oes-energy]/' \
	-e 's/someone@example\.invalid/oes-energy/' > "\$f.new" &&
	cat "\$body" >> "\$f.new" && mv "\$f.new" "\$f"
EOF
chmod +x "$TMP/editor"
export EDITOR="$TMP/editor"

# the fresh copy; the binary under test is what make would build there,
# and make -t marks it up to date so that make demo does not build again
(cd "$TOP" && git ls-files -z --cached --others --exclude-standard 2>/dev/null) > "$TMP/files"
if [ -s "$TMP/files" ]; then
	(cd "$TOP" && tar --null -T "$TMP/files" --ignore-failed-read -cf - 2>/dev/null) |
		(cd "$W" && tar -xpf -)
else
	(cd "$TOP" && tar -cf - Makefile .ci README.md advisories templates tests lib cmd docs) |
		(cd "$W" && tar -xpf -)
fi
mkdir -p "$W/build/lib" "$W/build/cmd" "$W/build/pic"
cp "$TLPRESS" "$(dirname "$TLPRESS")/tlpress-net.so" "$W/build/"
(cd "$W" && make -t all >/dev/null 2>&1 && make -q all)
ok $? "a fresh copy of the tree, with build/tlpress and build/tlpress-net.so up to date"

# each line one step: its output in N.out, its status in N.rc
{
	echo 'cd "$1" || exit 1'
	awk -v O="$O" '{ printf "{ %s\n} >\"%s/%d.out\" 2>&1 </dev/null; echo $? >\"%s/%d.rc\"\n", $0, O, NR, O, NR }' "$O/lines"
} > "$TMP/steps.sh"
start=$(date +%s)
sh "$TMP/steps.sh" "$W" > "$TMP/out" 2>&1
diag "the section's $nlines commands ran in $(($(date +%s) - start)) s"

bad=0
i=1
while [ $i -le "$nlines" ]; do
	r=$(cat "$O/$i.rc" 2>/dev/null || echo missing)
	if [ "$r" != 0 ]; then
		bad=$((bad + 1))
		diag "step $i exited $r: $(sed -n "${i}p" "$O/lines")"
		sed -n '1,15p' "$O/$i.out" 2>/dev/null | sed 's/^/#   /'
	fi
	i=$((i + 1))
done
[ $bad -eq 0 ]
ok $? "every command of the section exits 0 ($bad did not)"

# step N: the first line that holds the fixed string; its output in $TMP/out
step() {
	n=$(grep -nF -- "$1" "$O/lines" | head -1 | cut -d: -f1)
	rc=$(cat "$O/$n.rc" 2>/dev/null || echo 99)
	cp "$O/$n.out" "$TMP/out" 2>/dev/null || : > "$TMP/out"
}
step 'make demo'
check_grep "demo: open file://$W/public/index.html" "make demo ran the demo pipeline"

# the ids: one more than the highest of each series in the samples
top_of() { ls "$TOP/advisories" | sed -n "s/^$1-2026-\([0-9]*\)\.md$/\1/p" | sort -n | tail -1; }
pub=$(printf 'CCB-2026-%04d' $(($(top_of CCB | sed 's/^0*//') + 1)))
res=$(printf 'CCBR-2026-%04d' $(($(top_of CCBR | sed 's/^0*//') + 1)))
ls "$TOP/advisories" > "$TMP/orig"
new=$(cd "$W/advisories" && ls | grep -vxF -f "$TMP/orig" | tr '\n' ' ')
[ "$new" = "$pub.md $res.md " ]
ok $? "two new advisories: $pub from the public series, $res from the restricted one (got: $new)"
P=$W/advisories/$pub.md
R=$W/advisories/$res.md
grep -qx "id: $pub" "$P" && grep -qx 'tlp: CLEAR' "$P" && grep -qx 'status: final' "$P" &&
	grep -qx "id: $res" "$R" && grep -qx 'tlp: AMBER' "$R" && grep -q '^recipients: \[oes-energy\]' "$R"
ok $? "each edited as the section says: final, for oes-energy"
ptitle=$(sed -n 's/^title: "\(.*\)"$/\1/p' "$P")
rtitle=$(sed -n 's/^title: "\(.*\)"$/\1/p' "$R")

step 'tlpress check'
check 0 "tlpress check exits 0"
check_grep "checked 2 advisories: 0 errors, 0 warnings" "and finds nothing"

step 'tlpress preview'
check 0 "tlpress preview exits 0"
check_grep "base label TLP:CLEAR, document label TLP:AMBER, status final" "preview: the labels"
grep -A1 '^TLP:CLEAR: labelled TLP:CLEAR, 1 of 1 marked sections cut$' "$TMP/out" |
	grep -q '^  cut  line [0-9]* *## Indicators of compromise \[TLP:AMBER\]$' &&
	grep -A1 '^TLP:GREEN: labelled TLP:CLEAR, 1 of 1 marked sections cut$' "$TMP/out" | grep -q '^  cut ' &&
	grep -A1 '^TLP:AMBER: labelled TLP:AMBER, nothing cut$' "$TMP/out" |
	grep -q '^  kept line [0-9]* *## Indicators of compromise \[TLP:AMBER\]$'
ok $? "preview: the AMBER section is cut for CLEAR and GREEN, kept for AMBER"
files=$(sed -n 's/^ *file //p' "$TMP/out")
n=0 missing=0
for x in $files; do
	n=$((n + 1))
	[ -s "$x" ] || missing=$((missing + 1))
done
[ $n -ge 12 ] && [ $missing -eq 0 ]
ok $? "preview: all $n files it names exist ($missing missing)"
d=$(sed -n "s/^preview of $pub in //p" "$TMP/out")
lc=$(echo "$pub" | tr A-Z a-z)
[ -n "$d" ] && grep -q "$ptitle" "$d/clear/$lc.html" && ! grep -q '198\.51\.100\.23' "$d/clear/$lc.html" &&
	grep -q '198\.51\.100\.23' "$d/amber/$lc.html"
ok $? "preview: the indicators are in the AMBER rendition, not in the CLEAR one"
grep -q '^  soc@gridco.example TLP:AMBER via oes-energy: signed, encrypted to ' "$TMP/out"
ok $? "preview: soc@gridco.example, on oes-energy, would get the AMBER rendition, encrypted"

step 'tlpress publish'
check 0 "tlpress publish exits 0"
check_grep "$pub: published" "the public advisory is published"
check_grep "sent $res v1 to soc@gridco.example (TLP:AMBER, encrypted to" "the AMBER advisory is mailed to oes-energy"

# the page, as a subscriber checks it: only the exported key
page=$W/public/advisories/$lc.html
demo=$(gpg --homedir "$W/demo/gnupg" --batch --with-colons --list-keys demo@tlpress.invalid 2>/dev/null |
	awk -F: '/^fpr/ { print $10; exit }')
[ -s "$page" ] && [ -s "$page.asc" ] && grep -q "$ptitle" "$page" && [ -f "$W/public/openpgp/$demo.asc" ]
ok $? "the page is in public/advisories/, with its .asc, and the demo key in public/openpgp/"
gpg --homedir "$V" --batch --quiet --import "$W/public/openpgp/$demo.asc" 2>/dev/null
gpg --homedir "$V" --batch --status-fd 1 --verify "$page.asc" "$page" 2>/dev/null | grep -q "VALIDSIG $demo "
ok $? "stock gpg verifies the page's signature: the demo key's"
step 'gpg --homedir demo/gnupg --verify'
check_grep 'Good signature from "tlpress demo key' "the section's gpg --verify says so too"

# nothing restricted in public/
leak=$(grep -rlF -e 198.51.100.23 -e invoice-portal -e "$rtitle" -e "$res" "$W/public" | head -3)
[ -z "$leak" ]
ok $? "neither the AMBER advisory nor the AMBER section is in public/${leak:+: $leak}"

# the mail
m=$(grep -l "^Subject: \[TLP:AMBER\] $res" "$W"/outbox/soc@gridco.example/new/* 2>/dev/null)
[ "$(echo "$m" | grep -c .)" -eq 1 ]
ok $? "one message of $res in the Maildir outbox/soc@gridco.example"
grep -q '^Content-Type: multipart/encrypted;' "$m" && grep -q 'protocol="application/pgp-encrypted"' "$m" &&
	! grep -qF -e "$rtitle" -e invoice-portal "$m"
ok $? "it is PGP/MIME multipart/encrypted: neither title nor text in clear"
gpg --homedir "$W/demo/gnupg" --batch --quiet --decrypt "$m" > "$TMP/dec" 2>/dev/null
grep -q "^Subject: \[TLP:AMBER\] $res: $rtitle" "$TMP/dec" && grep -q "$rtitle" "$TMP/dec" &&
	grep -q invoice-portal.example "$TMP/dec"
ok $? "the demo GnuPG home decrypts it: the title and the text"
step 'gpg --homedir demo/gnupg --decrypt'
check_grep "$rtitle" "the section's gpg --decrypt shows the title"
step 'tlpress log'
check_grep "soc@gridco.example" "tlpress log names the recipients"

done_testing
