#!/bin/sh
# hallmark bundle check|show: every line verified, exit statuses 0/1/2, per-line
# reasons, JSON reports, thresholds over distinct keys, and forgeries.
. tests/cli/lib.sh
TOOL=$PWD/tests/interop/dsse_tool.py
cd "$T" || exit 1
unset HALLMARK_PASSPHRASE

if ! command -v python3 >/dev/null 2>&1; then
	skip "hallmark bundle tests" "python3 is needed to build envelopes and forgeries"
	done_testing
	exit
fi
dt() { python3 "$TOOL" "$@"; }
# Runs python3 on the JSON in $T/.out: the expression must hold (j is the document).
jcheck() { # name expression
	if python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" \
		"$T/.out" 2>"$T/.jerr"; then _report 0 "$1"; else
		_report 1 "$1"; echo "# not true: $2"; sed 's/^/# /' "$T/.out" "$T/.jerr" | head -20; fi
}

D1=$(printf one | sha256sum | cut -d' ' -f1)
D2=$(printf two | sha256sum | cut -d' ' -f1)
stmt() { # predicate-type-suffix digest
	printf '{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"m","digest":{"sha256":"%s"}}],"predicateType":"https://example.com/%s/v1","predicate":{"n":1}}\n' "$2" "$1"
}
stmt first "$D1" >s1.json
stmt second "$D2" >s2.json
for k in a b c; do "$HM" key generate -o $k --no-passphrase >/dev/null 2>&1; done
id_a=$("$HM" key id a.pub) id_b=$("$HM" key id b.pub)
"$HM" sign --key a.key --bundle good.jsonl s1.json s2.json 2>/dev/null
"$HM" sign --key b.key --bundle b1.jsonl s1.json 2>/dev/null
"$HM" sign --key c.key --bundle c1.jsonl s1.json 2>/dev/null

# --- a good bundle -------------------------------------------------------------------
ok "check: every line verifies -> exit 0" "$HM" bundle check good.jsonl --key a.pub
is "one output line per envelope" "$(wc -l <"$T/.out" | tr -d ' ')" 2
like "line 1 ok with its predicate and signer" "^line 1: ok: https://example.com/first/v1 signed by $id_a$" "$T/.out"
like "line 2 ok" "^line 2: ok: https://example.com/second/v1" "$T/.out"
like "a summary on stderr" '2 of 2 lines verified' "$T/.err"
ok "check with an extra, unused trusted key" "$HM" bundle check good.jsonl --key b.pub --key a.pub
ok "short options -k and -t" "$HM" bundle check good.jsonl -k a.pub -t 1
ok "check accepts the OpenSSL-style PEM and the .key file as trusted keys" \
	"$HM" bundle check good.jsonl --key a.key
# URL-safe base64 is accepted (DSSE). A run of '?' in the statement puts a '/' in the
# payload's standard base64, so the URL-safe form surely differs.
printf '{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"m","digest":{"sha256":"%s"}}],"predicateType":"https://example.com/q/v1","predicate":{"q":"????????"}}' "$D1" >q.json
"$HM" sign --key a.key --bundle q.jsonl q.json 2>/dev/null
dt forge urlsafe q.jsonl 1 >url.jsonl
like "the URL-safe form has '_' or '-' in its payload" '"payload":"[^"]*[-_]' url.jsonl
ok "an envelope in URL-safe base64 verifies" "$HM" bundle check url.jsonl --key a.pub
# CRLF line endings are tolerated.
sed 's/$/\r/' good.jsonl >crlf.jsonl
ok "CRLF line endings verify" "$HM" bundle check crlf.jsonl --key a.pub

# --- JSON report ---------------------------------------------------------------------
ok "check --json" "$HM" bundle check good.jsonl --key a.pub --json
cp "$T/.out" report.json
ok "the JSON report parses (python3 -m json.tool)" python3 -m json.tool report.json
"$HM" bundle check good.jsonl --key a.pub --json >"$T/.out"
jcheck "report: ok, verified, failed, threshold, bundle" \
	"j['ok'] is True and j['verified'] == 2 and j['failed'] == 0 and j['threshold'] == 1 and j['bundle'] == 'good.jsonl'"
jcheck "report: one entry per line, numbered from 1" "[l['line'] for l in j['lines']] == [1, 2] and all(l['ok'] is True for l in j['lines'])"
jcheck "report: predicateType of each line" \
	"[l['predicateType'] for l in j['lines']] == ['https://example.com/first/v1', 'https://example.com/second/v1']"
jcheck "report: subjects with names and digests" \
	"j['lines'][0]['subjects'] == [{'name': 'm', 'digest': {'sha256': '$D1'}}]"
jcheck "report: the signers' key ids" "j['lines'][0]['signers'] == ['$id_a']"

cp good.jsonl 'we"ird\	name.jsonl'
"$HM" bundle check 'we"ird\	name.jsonl' --key a.pub --json >"$T/.out"
jcheck "report: a bundle name with a quote, backslash and tab is escaped" \
	"j['bundle'] == 'we\"ird\\\\\\tname.jsonl'"

# --- forgeries: each fails with a reason ------------------------------------------------
forged() { # kind reason-regex [forge args]
	_k=$1 _re=$2; shift 2
	dt forge "$_k" good.jsonl 1 "$@" >f-$_k.jsonl
	fails 1 "forgery $_k fails" "$HM" bundle check f-$_k.jsonl --key a.pub
	like "forgery $_k: the reason is printed" "^line 1: FAIL: .*$_re" "$T/.out"
}
forged flip-payload 'no trusted key verifies'
forged flip-sig 'no trusted key verifies'
forged no-sigs 'no signatures'
forged drop-sigs 'no signatures|signatures'
forged short-sig 'not 64 bytes'
forged payload-type 'no trusted key verifies'
forged payload 'no trusted key verifies' "$(base64 -w0 <s2.json)"
# The keyid is a hint: pointing it at another key changes nothing.
dt forge keyid good.jsonl 1 "$id_b" >kid.jsonl
ok "a wrong keyid hint still verifies with the real key" "$HM" bundle check kid.jsonl --key a.pub
like "and names the real signer" "signed by $id_a" "$T/.out"
fails 1 "a keyid claiming key b does not make b a signer" "$HM" bundle check kid.jsonl --key b.pub
head -n 1 good.jsonl | head -c 120 >trunc.jsonl
fails 1 "a truncated line fails" "$HM" bundle check trunc.jsonl --key a.pub
like "with the reason" '^line 1: FAIL: .*(JSON|end of)' "$T/.out"
printf '{"payload": nope}\n' >bad.jsonl
fails 1 "an invalid JSON line fails" "$HM" bundle check bad.jsonl --key a.pub
like "with the reason" '^line 1: FAIL: .*invalid JSON' "$T/.out"
printf '[1,2,3]\n' >arr.jsonl
fails 1 "a JSON line that is no object fails" "$HM" bundle check arr.jsonl --key a.pub
like "with a reason" '^line 1: FAIL: .+' "$T/.out"
printf '{"payload":"!!!","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":"AA=="}]}\n' >b64.jsonl
fails 1 "a payload that is not base64 fails" "$HM" bundle check b64.jsonl --key a.pub
like "with a reason" '^line 1: FAIL: .+' "$T/.out"
fails 1 "a line signed by an untrusted key fails" "$HM" bundle check c1.jsonl --key a.pub
like "with the reason" '^line 1: FAIL: no trusted key verifies' "$T/.out"

# One bad line among good ones: the good lines say ok, the bad one FAIL, exit 1.
{ sed -n 1p good.jsonl; cat f-flip-sig.jsonl; sed -n 2p good.jsonl; cat c1.jsonl; } >mixed.jsonl
fails 1 "a bundle with forged lines among good ones fails" "$HM" bundle check mixed.jsonl --key a.pub
like "line 1 ok" '^line 1: ok' "$T/.out"
like "line 2 FAIL" '^line 2: FAIL: ' "$T/.out"
like "line 3 ok" '^line 3: ok' "$T/.out"
like "line 4 FAIL" '^line 4: FAIL: ' "$T/.out"
like "summary 2 of 4" '2 of 4 lines verified' "$T/.err"
"$HM" bundle check mixed.jsonl --key a.pub --json >"$T/.out"; st=$?
is "--json exits 1 too" "$st" 1
jcheck "report: ok false, 2 verified, 2 failed" "j['ok'] is False and j['verified'] == 2 and j['failed'] == 2"
jcheck "report: failing lines carry ok false and a reason" \
	"[l['ok'] for l in j['lines']] == [True, False, True, False] and all(l['reason'] for l in j['lines'] if not l['ok'])"
# An empty line in the middle is a malformed line.
{ sed -n 1p good.jsonl; echo; sed -n 2p good.jsonl; } >blank.jsonl
fails 1 "an empty line fails" "$HM" bundle check blank.jsonl --key a.pub
like "it is reported as line 2" '^line 2: FAIL: empty line' "$T/.out"
: >empty.jsonl
fails 1 "an empty bundle fails (nothing was attested)" "$HM" bundle check empty.jsonl --key a.pub
like "and says so" 'no attestations' "$T/.out"

# --- validly signed but not acceptable: built with openssl ----------------------------------
if command -v openssl >/dev/null 2>&1; then
	openssl genpkey -algorithm ed25519 -out o.pem 2>/dev/null
	openssl pkey -in o.pem -pubout -out o.pub
	osign() { # payloadType payload-file -> envelope line on stdout
		dt pae-raw "$1" "$2" >pae.bin
		openssl pkeyutl -sign -rawin -inkey o.pem -in pae.bin -out sig.bin &&
			dt envelope "$1" "$2" sig.bin "$("$HM" key id o.pub)"
	}
	osign application/vnd.in-toto+json s1.json >os.jsonl
	ok "an envelope signed by openssl verifies" "$HM" bundle check os.jsonl --key o.pub
	printf '{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"m"}],"predicateType":"x"}' >nodig.json
	osign application/vnd.in-toto+json nodig.json >nodig.jsonl
	fails 1 "a signed statement without a subject digest fails" "$HM" bundle check nodig.jsonl --key o.pub
	like "with the reason" '^line 1: FAIL: .*digest' "$T/.out"
	osign application/json s1.json >ptype.jsonl
	fails 1 "a signed envelope of another payloadType fails" "$HM" bundle check ptype.jsonl --key o.pub
	like "with the reason" '^line 1: FAIL: payloadType' "$T/.out"
	printf '{"_type":"https://in-toto.io/Statement/v1","_type":"x"}' >dupk.json
	osign application/vnd.in-toto+json dupk.json >dupk.jsonl
	fails 1 "a signed payload with duplicate keys fails" "$HM" bundle check dupk.jsonl --key o.pub
	like "with the reason" '^line 1: FAIL: .*duplicate' "$T/.out"
else
	for n in 1 2 3 4 5 6 7; do skip "openssl-signed envelopes $n" "openssl not installed"; done
fi

# --- thresholds ----------------------------------------------------------------------------
dt merge good.jsonl b1.jsonl 1 >two.jsonl
ok "threshold 2 with two keys on a 2-signature envelope" \
	"$HM" bundle check two.jsonl --key a.pub --key b.pub --threshold 2
like "both signers are named" "signed by $id_a $id_b|signed by $id_b $id_a" "$T/.out"
fails 1 "threshold 2 fails when only one given key signed" \
	"$HM" bundle check two.jsonl --key a.pub --key c.pub --threshold 2
like "with the reason" '^line 1: FAIL: only 1 of the 2' "$T/.out"
fails 1 "threshold 2 fails on a 1-signature envelope" \
	"$HM" bundle check good.jsonl --key a.pub --key b.pub --threshold 2
fails 2 "threshold 2 with one key given is a usage error" \
	"$HM" bundle check two.jsonl --key a.pub --threshold 2
like "saying there are not enough keys" 'threshold 2 is more than the 1 distinct' "$T/.err"
fails 2 "the same key twice does not count as two" \
	"$HM" bundle check two.jsonl --key a.pub --key a.pub --threshold 2
cp a.pub a-copy.pub
fails 2 "nor does a copy of it under another name" \
	"$HM" bundle check two.jsonl --key a.pub --key a-copy.pub --threshold 2
dt forge dup-sig good.jsonl 1 >dup.jsonl
fails 1 "one signature repeated does not meet threshold 2" \
	"$HM" bundle check dup.jsonl --key a.pub --key b.pub --threshold 2
ok "threshold 1 on the 2-signature envelope" "$HM" bundle check two.jsonl --key c.pub --key b.pub
"$HM" bundle check two.jsonl --key a.pub --key b.pub --threshold 2 --json >"$T/.out"
jcheck "report: threshold 2 and both signers" "j['threshold'] == 2 and sorted(j['lines'][0]['signers']) == sorted(['$id_a', '$id_b'])"

# --- usage errors and unreadable files: exit 2 --------------------------------------------------
fails 2 "check without --key" "$HM" bundle check good.jsonl
like "says a trusted key is needed" '\-\-key' "$T/.err"
fails 2 "check without a bundle" "$HM" bundle check --key a.pub
ok "check with two bundle files checks them as one bundle" "$HM" bundle check good.jsonl good.jsonl --key a.pub
like "numbering the second file's lines on, with its own numbers" '^line 3 \(good\.jsonl line 1\): ok' "$T/.out"
fails 2 "--threshold 0" "$HM" bundle check good.jsonl --key a.pub --threshold 0
fails 2 "--threshold abc" "$HM" bundle check good.jsonl --key a.pub --threshold abc
fails 2 "--threshold -1" "$HM" bundle check good.jsonl --key a.pub --threshold -1
fails 2 "--threshold without a value" "$HM" bundle check good.jsonl --key a.pub --threshold
fails 2 "an unknown option" "$HM" bundle check good.jsonl --key a.pub --frobnicate
fails 2 "a missing bundle" "$HM" bundle check missing.jsonl --key a.pub
like "names the file" 'missing\.jsonl' "$T/.err"
mkdir dir.jsonl
fails 2 "a directory as bundle" "$HM" bundle check dir.jsonl --key a.pub
fails 2 "a missing key file" "$HM" bundle check good.jsonl --key missing.pub
like "names the key file" 'missing\.pub' "$T/.err"
fails 2 "a key file that is no key" "$HM" bundle check good.jsonl --key s1.json
ok "check --help" "$HM" bundle check --help
like "documents --threshold" '\-\-threshold N' "$T/.out"
fails 2 "an unknown bundle subcommand" "$HM" bundle frobnicate
fails 2 "bundle without a subcommand" "$HM" bundle

# --- show -----------------------------------------------------------------------------------
ok "show without --key" "$HM" bundle show good.jsonl
like "says plainly that nothing was verified" 'NOT VERIFIED' "$T/.out"
like "shows line 1's predicate" '^line 1: https://example.com/first/v1' "$T/.out"
like "shows the subject and digest" "subject m sha256:$D1" "$T/.out"
like "shows the keyids" "keyids $id_a" "$T/.out"
ok "show of a forged bundle still shows (it verifies nothing)" "$HM" bundle show f-flip-sig.jsonl
like "and says nothing was verified" 'NOT VERIFIED' "$T/.out"
ok "show of an unreadable line" "$HM" bundle show bad.jsonl
like "reports the line as unreadable" '^line 1: unreadable' "$T/.out"
ok "show --json" "$HM" bundle show good.jsonl --json
cp "$T/.out" show.json
ok "show --json parses" python3 -m json.tool show.json
"$HM" bundle show good.jsonl --json >"$T/.out"
jcheck "show --json says verified false and nothing was verified" \
	"j['verified'] is False and 'nothing was verified' in j['note']"
jcheck "show --json lists lines, predicates and keyids" \
	"[l['predicateType'] for l in j['lines']] == ['https://example.com/first/v1', 'https://example.com/second/v1'] and j['lines'][0]['keyids'] == ['$id_a']"
ok "show --key verifies" "$HM" bundle show good.jsonl --key a.pub
like "with ok per line" '^line 1: ok' "$T/.out"
unlike "and does not say NOT VERIFIED" 'NOT VERIFIED' "$T/.out"
fails 1 "show --key fails on a forged line" "$HM" bundle show mixed.jsonl --key a.pub
like "naming it" '^line 2: FAIL' "$T/.out"
fails 1 "show --key with the wrong key fails" "$HM" bundle show good.jsonl --key c.pub
fails 2 "show of a missing bundle" "$HM" bundle show missing.jsonl

# show displays an unsigned envelope for what it claims, and says it is unsigned
python3 - "$T/unsigned.jsonl" <<'PY'
import base64, json, sys
st = {"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://example.com/unsigned",
      "subject": [{"name": "u", "digest": {"sha256": "0" * 64}}]}
env = {"payload": base64.b64encode(json.dumps(st).encode()).decode(),
       "payloadType": "application/vnd.in-toto+json", "signatures": []}
open(sys.argv[1], "w").write(json.dumps(env) + "\n")
PY
ok "show reads an unsigned envelope" "$HM" bundle show "$T/unsigned.jsonl"
like "with its predicate type" 'https://example.com/unsigned' "$T/.out"
like "and says it is unsigned" 'UNSIGNED' "$T/.out"
fails 1 "check still refuses it" "$HM" bundle check "$T/unsigned.jsonl" --key a.pub
like "as unsigned" 'no signatures \(unsigned\)' "$T/.out"

done_testing
