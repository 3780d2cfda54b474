#!/bin/sh
# A signed build: every file gets a detached signature that stock gpg
# verifies with nothing but the exported public key; CSAF hashes check with
# sha256sum/sha512sum; a rebuild signs only what changed; unfit keys are
# refused before anything is written; a key close to expiry warns and signs.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
export TLPRESS_NOW=2026-11-28T12:00:00Z
export LC_ALL=C

G=$(mktemp -d /tmp/tg.XXXXXX)
V=$(mktemp -d /tmp/tv.XXXXXX)
trap 'gpgconf --homedir "$G" --kill all 2>/dev/null; gpgconf --homedir "$V" --kill all 2>/dev/null; rm -rf "$G" "$V" "$TMP"' EXIT
sh tests/gpg/mkhome.sh "$G" > "$TMP/mk" 2>&1
ok $? "a throwaway GnuPG home with the test keys"
fpr=$(awk '$1 == "signer" { print $2 }' "$G/keys.txt")

conf() { # NAME KEY
	printf 'signing:\n  key: %s\n  gnupghome: %s\n' "$2" "$G" > "$TMP/$1.yml"
}
conf signer signer@test.invalid

cp -r advisories "$TMP/src"
run "$TLPRESS" build -C "$TMP/signer.yml" -o "$TMP/pub" "$TMP/src"
check 0 "a signed build of the samples"
check_grep "signed " "reports the signatures it made"

# what a subscriber does: a fresh home with only the published key
[ -f "$TMP/pub/openpgp/$fpr.asc" ]
ok $? "the public key is published as openpgp/<FINGERPRINT>.asc"
gpg --homedir "$V" --batch --quiet --import "$TMP/pub/openpgp/$fpr.asc" 2>/dev/null
ok $? "and imports into an empty GnuPG home"
n=0 bad=0 unsigned=0
for f in $(cd "$TMP/pub" && find . -type f ! -name '*.asc' | sed 's|^\./||'); do
	n=$((n + 1))
	if [ ! -f "$TMP/pub/$f.asc" ]; then
		unsigned=$((unsigned + 1)); diag "unsigned: $f"; continue
	fi
	gpg --homedir "$V" --batch --verify "$TMP/pub/$f.asc" "$TMP/pub/$f" 2>/dev/null ||
		{ bad=$((bad + 1)); diag "bad signature: $f"; }
done
[ $unsigned -eq 0 ]
ok $? "every one of the $n files has its .asc"
[ $bad -eq 0 ]
ok $? "stock gpg --verify accepts every signature ($bad bad)"
(cd "$TMP/pub/.well-known/csaf/white/2026" && sha256sum --quiet -c ./*.json.sha256 && sha512sum --quiet -c ./*.json.sha512)
ok $? "sha256sum -c and sha512sum -c accept every CSAF hash file"
grep -q '"role": "csaf_trusted_provider"' "$TMP/pub/.well-known/csaf/provider-metadata.json" &&
	grep -q "\"fingerprint\": \"$fpr\"" "$TMP/pub/.well-known/csaf/provider-metadata.json"
ok $? "provider-metadata.json: trusted provider, with the key's fingerprint"
grep -q "$fpr.asc" "$TMP/pub/advisories/ccb-2026-0412.html"
ok $? "every page shows and links the key"
grep -q "^# signer: $fpr" "$TMP/pub/manifest.txt"
ok $? "the manifest names its signer"

# what 'tlpress verify' says of a tree the build signed
run "$TLPRESS" verify --key "$TMP/pub/openpgp/$fpr.asc" "$TMP/pub"
check 0 "tlpress verify accepts the whole tree"
cp -r "$TMP/pub" "$TMP/forged"
printf 'X' | dd of="$TMP/forged/feed.xml" bs=1 seek=200 conv=notrunc 2>/dev/null
run "$TLPRESS" verify --key "$TMP/pub/openpgp/$fpr.asc" "$TMP/forged"
check 1 "and refuses it after one byte of the feed changed"
check_grep "feed.xml" "naming the file"
rm -rf "$TMP/forged"

# a rebuild after one advisory changed signs only the files whose bytes changed
cp "$TMP/pub/manifest.txt" "$TMP/m1"
(cd "$TMP/pub" && find . -name '*.asc' -exec sha256sum {} + | sort) > "$TMP/asc1"
sed -i 's/^title: "Actively exploited/title: "Actively and widely exploited/' "$TMP/src/CCB-2026-0412.md"
run "$TLPRESS" build -C "$TMP/signer.yml" -o "$TMP/pub" "$TMP/src"
check 0 "rebuild after one change"
grep -v '^#' "$TMP/m1" | grep -v '\.asc$' | sort > "$TMP/a"
grep -v '^#' "$TMP/pub/manifest.txt" | grep -v '\.asc$' | sort > "$TMP/b"
changed=$(comm -13 "$TMP/a" "$TMP/b" | wc -l)
want=$((changed + 1))   # and the manifest
check_grep "signed $want files" "signs exactly the $changed changed files and the manifest"
(cd "$TMP/pub" && find . -name '*.asc' -exec sha256sum {} + | sort) > "$TMP/asc2"
kept=$(comm -12 "$TMP/asc1" "$TMP/asc2" | wc -l)
total=$(wc -l < "$TMP/asc2")
[ $((total - kept)) -eq $want ]
ok $? "every other signature is kept as it was ($kept of $total)"
run "$TLPRESS" build -C "$TMP/signer.yml" -o "$TMP/pub" "$TMP/src"
check_grep "signed 0 files" "a rebuild with nothing changed signs nothing"

# the body alone: the quick way (site.c, quick()) signs the advisory's
# five files and the manifest, keeps every other signature, and the tree
# verifies whole
(cd "$TMP/pub" && find . -name '*.asc' -exec sha256sum {} + | sort) > "$TMP/asc1"
sed -i 's/^An SSL VPN appliance sits at the edge/An SSL VPN appliance stands at the edge/' \
	"$TMP/src/CCB-2026-0412.md"
touch -d '1 minute ago' "$TMP/src/CCB-2026-0412.md"
TLPRESS_TIMINGS=1 run "$TLPRESS" build -C "$TMP/signer.yml" -o "$TMP/pub" "$TMP/src"
check 0 "a rebuild after a body edit"
check_grep "timing: quick: files" "goes the quick way"
check_grep "signed 6 files" "signs the five files and the manifest"
(cd "$TMP/pub" && find . -name '*.asc' -exec sha256sum {} + | sort) > "$TMP/asc2"
[ "$(comm -12 "$TMP/asc1" "$TMP/asc2" | wc -l)" -eq $(($(wc -l < "$TMP/asc2") - 6)) ]
ok $? "and keeps every other signature"
run "$TLPRESS" verify --key "$TMP/pub/openpgp/$fpr.asc" "$TMP/pub"
check 0 "tlpress verify accepts the whole tree after it"
grep -q 'stands at the edge' "$TMP/pub/advisories/ccb-2026-0412.html"
ok $? "whose page has the edit"

# unfit keys: refused, nothing written
for k in expired revoked nosign; do
	conf "$k" "$k@test.invalid"
	run "$TLPRESS" build -C "$TMP/$k.yml" -o "$TMP/x-$k" "$TMP/src"
	check 3 "a $k key is refused"
	check_grep "nothing was written" "and says nothing was written"
	[ ! -e "$TMP/x-$k" ]
	ok $? "and nothing was"
done
conf missing nobody@test.invalid
run "$TLPRESS" build -C "$TMP/missing.yml" -o "$TMP/x-missing" "$TMP/src"
check 3 "a key that is not in the keyring is refused"
# close to expiry: warns, signs
conf soon soon@test.invalid
run "$TLPRESS" build -C "$TMP/soon.yml" -o "$TMP/soon" "$TMP/src"
check 0 "a key expiring in 10 days still signs"
check_grep "warning: signing key" "but warns"
[ -f "$TMP/soon/index.html.asc" ]
ok $? "and the tree is signed"

# another key: everything is signed anew
conf rsa rsa@test.invalid
run "$TLPRESS" build -C "$TMP/rsa.yml" -o "$TMP/pub" "$TMP/src"
check 0 "a build with another key"
rfpr=$(awk '$1 == "rsa" { print $2 }' "$G/keys.txt")
grep -q "^# signer: $rfpr" "$TMP/pub/manifest.txt" && [ -f "$TMP/pub/openpgp/$rfpr.asc" ] &&
	[ ! -e "$TMP/pub/openpgp/$fpr.asc" ]
ok $? "the manifest and the published key follow the new key"
gpg --homedir "$V" --batch --quiet --import "$TMP/pub/openpgp/$rfpr.asc" 2>/dev/null
bad=0
for a in $(find "$TMP/pub" -name '*.asc' ! -path '*/openpgp/*'); do
	gpg --homedir "$V" --batch --status-fd 1 --verify "$a" "${a%.asc}" 2>/dev/null |
		grep -q "VALIDSIG $rfpr" || bad=$((bad + 1))
done
[ $bad -eq 0 ]
ok $? "every file is signed anew by the new key ($bad not)"

done_testing
