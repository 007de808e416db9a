#!/bin/sh
# hallmark verify and the files on disk a signed model manifest does not cover: a signed
# ignore list can leave out anything, weights included, so verify lists every such file
# and the policy (allowed_uncovered_files) decides whether it may be there.
. tests/cli/lib.sh

cd "$T" || exit 2
HMQ() { "$HM" "$@" --no-progress; }
"$HM" key generate -o pub --no-passphrase >/dev/null 2>&1

# only the model check counts here
cat >pol.json <<'P'
{"require_audit": false, "require_provenance": false, "require_baseline": false,
 "require_training_code": false}
P
verify() { # OUT [policy]
	_o=$1
	HMQ verify model --bundle b.jsonl --key pub.pub --policy "${2:-pol.json}" -v >"$_o" 2>&1
}

mkdir model
echo '{"hidden":64}' >model/config.json
head -c 1000 /dev/urandom >model/model.safetensors
HMQ attest model model --ignore model.safetensors -o m.json >/dev/null 2>&1
"$HM" sign --key pub.key --bundle b.jsonl m.json >/dev/null 2>&1

verify out
is "an ignored weights file fails (exit 1)" $? 1
like "the reason names the weights file" \
	'FAIL  model +1 signed file matches the signed manifest \(line 1\), but 1 file on disk is not covered by it and not allowed by the policy: model.safetensors \(ignored by the signed list, looks like weights or code\)$' out
like "the details list it with its size" \
	'not covered: model.safetensors \(1000 bytes, ignored by the signed list, looks like weights or code\): not allowed by the policy$' out
unlike "no claim that the files on disk match" 'file on disk matches|files on disk match' out

HMQ verify model --bundle b.jsonl --key pub.pub --policy pol.json --json >v.json 2>/dev/null
python3 - v.json >py.out 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["uncovered_files"] == [{"name": "model.safetensors", "size": 1000, "reason": "ignored",
                                 "looks_like": "weights_or_code"}], r["uncovered_files"]
assert r["ok"] is False
assert r["policy"]["allowed_uncovered_files"] == [], r["policy"]
PY
is "--json lists the uncovered file" "$(cat py.out)" ""

echo '{"require_audit": false, "require_provenance": false, "require_baseline": false,
 "require_training_code": false, "allowed_uncovered_files": ["*.safetensors"]}' >allow.json
verify out allow.json
is "allowed_uncovered_files relaxes the check (exit 0)" $? 0
like "the pass names the signed files and the uncovered one" \
	'PASS  model +1 signed file matches the signed manifest \(line 1\): sha256:[0-9a-f]{64}; 1 file on disk is not covered: model.safetensors \(ignored by the signed list, looks like weights or code\)$' out
like "the detail says the policy allows it" 'allowed by allowed_uncovered_files$' out

# A small README left out by the signer is listed, and passes.
rm model/model.safetensors b.jsonl
echo 'read me' >model/README.txt
HMQ attest model model --ignore README.txt -o r.json >/dev/null 2>&1
"$HM" sign --key pub.key --bundle b.jsonl r.json >/dev/null 2>&1
verify out
is "an ignored README passes (exit 0)" $? 0
like "it is listed as not covered" 'PASS  model +1 signed file matches .*1 file on disk is not covered: README.txt \(ignored by the signed list\)$' out
unlike "the old wording is gone" 'the 1 file on disk matches' out

# A data file over 1 MiB may hold weights, whatever its name.
rm model/README.txt b.jsonl
head -c 2097152 /dev/zero >model/data.txt
HMQ attest model model --ignore data.txt -o d.json >/dev/null 2>&1
"$HM" sign --key pub.key --bundle b.jsonl d.json >/dev/null 2>&1
verify out
is "an ignored 2 MiB file fails (exit 1)" $? 1
like "it is named" 'not allowed by the policy: data.txt \(ignored by the signed list, looks like weights or code\)$' out
rm model/data.txt

# A file that is neither signed nor ignored fails whatever it looks like, as the reference
# verifier does without --ignore-unsigned-files; the policy can allow it.
echo note >model/notes.txt
verify out
is "a file not in the manifest fails (exit 1)" $? 1
like "it is named" 'not allowed by the policy: notes.txt \(not in the manifest\)$' out
echo '{"require_audit": false, "require_provenance": false, "require_baseline": false,
 "require_training_code": false, "allowed_uncovered_files": ["notes.txt", "data.txt"]}' >allow2.json
verify out allow2.json
is "allowed_uncovered_files allows it (exit 0)" $? 0
like "and still lists it" '1 file on disk is not covered: notes.txt \(not in the manifest\)$' out
rm model/notes.txt

# What OMS's default rules leave out (.git and co.) is listed, and does not fail.
rm b.jsonl
mkdir model/.git
head -c 2097152 /dev/zero >model/.git/pack
HMQ attest model model -o g.json >/dev/null 2>&1
"$HM" sign --key pub.key --bundle b.jsonl g.json >/dev/null 2>&1
verify out
is "a .git directory left out by the default rules passes (exit 0)" $? 0
like "it is listed as one row" 'not covered: \.git/ \(0 bytes, left out by OMS.s default rules\)$' out
HMQ verify model --bundle b.jsonl --key pub.pub --policy pol.json --json >v.json 2>/dev/null
python3 - v.json >py.out 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["uncovered_files"] == [{"name": ".git/", "size": 0, "reason": "default_ignored",
                                 "looks_like": None}], r["uncovered_files"]
PY
is "--json gives the default rule's row" "$(cat py.out)" ""

# Nothing left out: the wording stays as it was.
rm -rf model/.git b.jsonl
HMQ attest model model -o plain.json >/dev/null 2>&1
"$HM" sign --key pub.key --bundle b.jsonl plain.json >/dev/null 2>&1
verify out
is "a fully covered model passes (exit 0)" $? 0
like "all files on disk match" 'PASS  model +the 1 file on disk matches the signed manifest \(line 1\)' out

done_testing
