#!/bin/sh
# Who signed: with the wrong --key, verify and bundle check name the full key ids the
# envelope's signatures claim (unverified hints) and the trusted key ids, so the user can find
# the right key; and the model card's "How to verify" names the signing key ids and, with
# --keys-url, where the publisher says its keys are published.
. tests/cli/lib.sh

cd "$T" || exit 2
HMQ() { "$HM" "$@" --no-progress; }
"$HM" key generate -o pub --no-passphrase >/dev/null 2>&1
"$HM" key generate -o other --no-passphrase >/dev/null 2>&1
"$HM" key generate -o third --no-passphrase >/dev/null 2>&1
mkdir model
echo '{"hidden":64}' >model/config.json
HMQ attest model model -o m.json >/dev/null 2>&1
"$HM" sign --key pub.key --bundle b.jsonl m.json >sign.out 2>&1
PUB=$(grep -Eo '[0-9a-f]{64}' sign.out | head -1)
ok "(the publisher's key id is known)" test ${#PUB} -eq 64
OTHER=$("$HM" sign --key other.key --bundle o.jsonl m.json 2>&1 | grep -Eo '[0-9a-f]{64}' | head -1)
THIRD=$("$HM" sign --key third.key --bundle t.jsonl m.json 2>&1 | grep -Eo '[0-9a-f]{64}' | head -1)

fails 1 "verify with the wrong key fails (exit 1)" \
	"$HM" verify model --bundle b.jsonl --key other.pub --key third.pub --no-progress
like "verify names the full key id that signed, and the trusted ones" \
	"line 1 \\(model manifest\\): not trusted: no trusted key verifies any of the 1 signature; signed with key id $PUB \\(the envelope's unverified keyid hint; not among the trusted keys: ($OTHER, $THIRD|$THIRD, $OTHER)\\)$" "$T/.out"

HMQ verify model --bundle b.jsonl --key other.pub --json >v.json 2>/dev/null
like "verify --json says it too" "signed with key id $PUB \\(the envelope's unverified keyid hint; not among the trusted keys: $OTHER\\)" v.json

fails 1 "bundle check with the wrong key fails (exit 1)" "$HM" bundle check b.jsonl --key other.pub
like "bundle check names the key id that signed" \
	"^line 1: FAIL: .*signed with key id $PUB \\(the envelope's unverified keyid hint; not among the trusted keys: $OTHER\\)$" "$T/.out"
"$HM" bundle check b.jsonl --key other.pub --json >c.json 2>/dev/null
python3 - c.json "$PUB" "$OTHER" >py.out 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
l = r["lines"][0]
assert l["keyid_hints"] == [sys.argv[2]], l
assert sys.argv[2] in l["reason"] and sys.argv[3] in l["reason"], l["reason"]
PY
is "bundle check --json gives the keyid hints" "$(cat py.out)" ""

# The right key, a changed signature: the hint names a trusted key.
sed 's/"sig": *"./"sig":"A/' b.jsonl >bad.jsonl
cmp -s b.jsonl bad.jsonl && sed 's/"sig": *"./"sig":"B/' b.jsonl >bad.jsonl
fails 1 "a changed signature fails" "$HM" bundle check bad.jsonl --key pub.pub
like "it says the hint names a trusted key whose signature does not verify" \
	"signed with key id $PUB \\(the envelope's unverified keyid hint; it names a trusted key, but no signature verifies with it" "$T/.out"

# The card: signing key ids and where the publisher says they are.
ok "card --keys-url" "$HM" card --bundle b.jsonl --key pub.pub --keys-url 'https://example.org/keys_[a](b)' -o card.md
like "the card names the publisher key" "^- \`$PUB\` \\(publisher key\\)$" card.md
like "the card says where the keys are, escaped for Markdown" \
	'^The publisher says its public keys are published at: https://example.org/keys\\_\\\[a\\\]\(b\) \(not attested' card.md
fails 2 "a keys URL spanning lines is refused (exit 2)" \
	"$HM" card --bundle b.jsonl --key pub.pub --keys-url "$(printf 'https://a\n# x')"
like "naming the option's value" 'keys URL' "$T/.err"

done_testing
