#!/bin/sh
# --json on check, status, log and keys: one JSON document on stdout, with
# the fields docs/json.md lists and the same information as the text; the
# exit statuses are those of the text output.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C
export TLPRESS_NOW=2026-11-28T12:00:00Z

G=$(mktemp -d /tmp/tg.XXXXXX)
trap 'gpgconf --homedir "$G" --kill all 2>/dev/null; rm -rf "$G" "$TMP"' EXIT
trap 'exit 1' INT TERM HUP

# jcheck NAME PYTHON: run PYTHON with `d` the JSON document of $TMP/json
jcheck() {
	/usr/bin/python3 - "$TMP/json" "$2" <<'EOF' >"$TMP/py" 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[2])
EOF
	_r=$?
	ok $_r "$1"
	[ $_r -eq 0 ] || sed 's/^/#   /' "$TMP/py" | tail -5
}
# jrun CMD...: stdout to $TMP/json, stderr to $TMP/err, status in $rc
jrun() { "$@" >"$TMP/json" 2>"$TMP/err"; rc=$?; }

cd "$TOP" || exit 1

# check
jrun "$TLPRESS" check --json advisories
[ $rc -eq 0 ]
ok $? "check --json advisories: exit 0"
jcheck "check: command, format, totals, one entry per file" '
assert d["command"] == "check" and d["format"] == 1
assert d["ok"] is True
assert d["totals"] == {"files": 12, "errors": 0, "warnings": 0}, d["totals"]
assert len(d["files"]) == 12
for f in d["files"]:
    assert set(f) == {"path", "id", "errors", "warnings", "diagnostics"}, f
    assert f["path"].endswith(f["id"] + ".md")
assert d["config"]["diagnostics"] == []
'
jrun "$TLPRESS" check --json tests/invalid
[ $rc -eq 1 ]
ok $? "check --json tests/invalid: exit 1, as without --json"
"$TLPRESS" check tests/invalid > "$TMP/text" 2>&1
jcheck "check: every diagnostic with file, line, column, severity, message, hint, key" '
assert d["ok"] is False
f = [f for f in d["files"] if f["path"].endswith("CCB-2026-0102.md")][0]
g = [x for x in f["diagnostics"] if x["message"] == "unknown key '"'"'severty'"'"'"][0]
assert g["line"] == 4 and g["column"] == 1 and g["severity"] == "error", g
assert g["hint"] == "did you mean '"'"'severity'"'"'?" and g["key"] == "severty", g
assert g["file"] == f["path"]
for f in d["files"]:
    for x in f["diagnostics"]:
        assert set(x) == {"file", "line", "column", "severity", "message", "hint", "key"}, x
        assert x["severity"] in ("error", "warning", "note")
    assert f["errors"] == sum(x["severity"] == "error" for x in f["diagnostics"]), f
assert d["totals"]["errors"] == sum(f["errors"] for f in d["files"])
assert d["totals"]["warnings"] == sum(f["warnings"] for f in d["files"])
'
n_text=$(grep -c ': error: ' "$TMP/text")
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["totals"]["errors"])' "$TMP/json" > "$TMP/n"
[ "$n_text" -eq "$(cat "$TMP/n")" ]
ok $? "check: as many errors as the text output ($n_text)"

mkdir -p "$TMP/dup/a" "$TMP/dup/b"
cp advisories/CCB-2026-0412.md "$TMP/dup/a/"
cp advisories/CCB-2026-0412.md "$TMP/dup/b/"
jrun "$TLPRESS" check --json "$TMP/dup"
[ $rc -eq 1 ]
ok $? "check --json with a duplicate id: exit 1"
jcheck "check: the duplicate id is an error of the file that repeats it" '
f = [f for f in d["files"] if "/b/" in f["path"]][0]
assert f["errors"] == 1 and "duplicate" in f["diagnostics"][0]["message"], f
assert d["totals"]["errors"] == 1
'
printf 'site:\n  titel: x\n' > "$TMP/bad.yml"
jrun "$TLPRESS" check --json -C "$TMP/bad.yml" advisories/CCB-2026-0412.md
[ $rc -eq 1 ]
ok $? "check --json with a bad configuration: exit 1"
jcheck "check: the configuration's problems under config" '
c = d["config"]
assert c["path"].endswith("bad.yml")
assert c["diagnostics"][0]["message"] == "unknown key '"'"'site.titel'"'"'", c
'
jrun "$TLPRESS" check --json /nonexistent
[ $rc -eq 2 ] && [ ! -s "$TMP/json" ]
ok $? "check --json on a missing path: exit 2, nothing on stdout"

# a workspace with a journal: mail to a Maildir, keys valid and expired
sh "$TOP/tests/gpg/mkhome.sh" "$G" >"$TMP/mk" 2>&1
ok $? "a throwaway GnuPG home with the test keys"
fpr() { awk -v n="$1" '$1 == n { print $2 }' "$G/keys.txt"; }
W=$TMP/w
mkdir -p "$W/adv"
cat > "$W/members.txt" <<EOF
valid@test.invalid $(fpr valid) Org A
expired@test.invalid $(fpr expired) Org A
EOF
cat > "$W/t.yml" <<EOF
site:
  output: $W/public
signing:
  key: signer@test.invalid
  gnupghome: $G
smtp:
  from: advisories@test.invalid
mail:
  outbox: $W/outbox
lists:
  - name: ops
    address: ops@lists.test.invalid
    tlp: AMBER
    members: $W/members.txt
advisories: $W/adv
templates: $TOP/templates
state: $W/state
EOF
adv() { # ID TLP STATUS EXTRA
	printf -- '---\nid: %s\ntitle: "Test %s"\ntlp: %s\nstatus: %s\n%s\nrevisions:\n  - {version: 1, date: 2026-11-20T10:00:00Z, summary: "First."}\n---\nBody of %s.\n' \
		"$1" "$1" "$2" "$3" "$4" "$1" > "$W/adv/$1.md"
}
adv T-2026-0001 AMBER final 'recipients: [ops]'
adv T-2026-0002 CLEAR draft ''
adv T-2026-0003 CLEAR final 'embargo: 2026-12-01T09:00:00Z'
adv T-2026-0004 AMBER final "recipients: [ops]
tlp_downgrade: {to: CLEAR, at: 2026-12-10T09:00:00Z, approved_by: \"A, B\"}"
run "$TLPRESS" mail -C "$W/t.yml"
ok $([ $rc -le 1 ] && echo 0 || echo 1) "tlpress mail into the outbox (exit $rc)"

jrun "$TLPRESS" log --json -C "$W/t.yml"
[ $rc -eq 0 ]
ok $? "log --json: exit 0"
"$TLPRESS" log -C "$W/t.yml" > "$TMP/text"
jcheck "log: every mail with its fields, and the events" '
assert d["command"] == "log" and d["journal"] is True and d["advisory"] is None
m = {(x["advisory"], x["address"]): x for x in d["mail"]}
v = m[("T-2026-0001", "valid@test.invalid")]
assert v["state"] == "sent" and v["clearance"] == "TLP:AMBER" and v["encrypted"] is True, v
assert v["via"] == "ops" and v["version"] == 1 and v["notice"] is False and v["key"], v
assert v["time"].endswith("Z") and v["message_id"].startswith("t-2026-0001.v1."), v
e = m[("T-2026-0001", "expired@test.invalid")]
assert e["notice"] is True and e["state"] == "skipped-no-key" and e["key_problem"], e
assert isinstance(d["events"], list)
for x in d["events"]:
    assert set(x) == {"time", "what", "subject", "text"}
'
nt=$(sed -n '/^# mail/,/^# site/p' "$TMP/text" | grep -c '^20')
/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["mail"]))' "$TMP/json" > "$TMP/n"
[ "$nt" -eq "$(cat "$TMP/n")" ]
ok $? "log: as many mails as the text output ($nt)"
jrun "$TLPRESS" log --json -C "$W/t.yml" T-2026-0004
jcheck "log ID --json: only that advisory" '
assert d["advisory"] == "T-2026-0004"
assert d["mail"] and all(x["advisory"] == "T-2026-0004" for x in d["mail"])
'
jrun "$TLPRESS" log --json -C "$TMP/bad.yml"
[ $rc -eq 2 ] && [ ! -s "$TMP/json" ]
ok $? "log --json with a bad configuration: exit 2, nothing on stdout"

jrun "$TLPRESS" status --json -C "$W/t.yml"
[ $rc -eq 0 ]
ok $? "status --json: exit 0"
"$TLPRESS" status -C "$W/t.yml" > "$TMP/text"
jcheck "status: advisories, what waits, mail, site, signing key" '
assert d["command"] == "status" and d["now"] == "2026-11-28T12:00:00Z"
a = d["advisories"]
assert a["files"] == 4 and a["with_errors"] == 0 and a["public_now"] == 0, a
w = {(x["kind"], x["id"]): x for x in d["waiting"]}
assert w[("draft", "T-2026-0002")]["label"] == "TLP:CLEAR"
e = w[("embargo", "T-2026-0003")]
assert e["until"] == "2026-12-01T09:00:00Z" and e["in_seconds"] == 3 * 86400 - 3 * 3600, e
g = w[("downgrade", "T-2026-0004")]
assert g["from"] == "TLP:AMBER" and g["to"] == "TLP:CLEAR" and g["then_public"] is True, g
n = [x for x in d["waiting"] if x["kind"] == "mail"]
assert n and all(x["state"] == "skipped-no-key" and x["key_problem"] for x in n), n
assert d["mail"]["sent"] >= 2 and d["mail"]["notices"] == len(n), d["mail"]
s = d["site"]
assert s["local"] is True and s["output"].endswith("/public") and s["error"] is None, s
k = d["signing_key"]
assert k["configured"] and k["key"] == "signer@test.invalid" and len(k["fingerprint"]) == 40, k
assert k["expires"] is None and k["error"] is None, k
'
for kind in draft embargo downgrade mail; do
	t=$(grep -c "^$kind " "$TMP/text")
	# the text's mail summary line ("mail  N sent, ...") is d["mail"] in JSON
	[ "$kind" = mail ] && t=$((t - 1))
	/usr/bin/python3 -c 'import json,sys; print(sum(x["kind"] == sys.argv[2] for x in json.load(open(sys.argv[1]))["waiting"]))' \
		"$TMP/json" "$kind" > "$TMP/n"
	[ "$t" -eq "$(cat "$TMP/n")" ]
	ok $? "status: as many '$kind' items as text lines ($t)"
done

jrun "$TLPRESS" keys --json -C "$W/t.yml"
[ $rc -eq 0 ]
ok $? "keys --json: exit 0"
jcheck "keys: the signing key and every recipient key" '
k = d["signing_key"]
assert d["command"] == "keys" and k["configured"] is True and k["state"] == "ok", k
assert len(k["fingerprint"]) == 40 and "signer@test.invalid" in k["uid"], k
assert k["expires"] is None and k["days_left"] is None and k["demo"] is False, k
r = {x["address"]: x for x in d["recipients"]}
assert r["valid@test.invalid"]["state"] == "ok" and r["valid@test.invalid"]["where"] == "ops"
assert r["expired@test.invalid"]["state"] == "expired", r
assert d["needs_action"] == 1, d["needs_action"]
'
jrun "$TLPRESS" keys --json --check -C "$W/t.yml"
[ $rc -eq 1 ] && grep -q "expired@test.invalid" "$TMP/err"
ok $? "keys --json --check: exit 1 for the expired key, said on stderr"
jcheck "keys --json --check: still one JSON document" 'assert d["needs_action"] == 1'
jrun "$TLPRESS" keys --json
jcheck "keys --json without a signing key: not configured" '
assert d["signing_key"]["configured"] is False
assert d["signing_key"]["state"] == "not configured"
'

for c in check status log keys; do
	"$TLPRESS" "$c" -h | grep -q -- '--json'
	ok $? "$c -h names --json"
done
done_testing
