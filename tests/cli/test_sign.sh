#!/bin/sh
# hallmark sign: statement validation, one envelope per statement appended as one
# JSON line, all-or-nothing writes, deterministic payloads, stdin.
. tests/cli/lib.sh
TOOL=$PWD/tests/interop/dsse_tool.py
cd "$T" || exit 1
unset HALLMARK_PASSPHRASE

if ! command -v python3 >/dev/null 2>&1; then
	skip "hallmark sign tests" "python3 is needed to read the envelopes independently"
	done_testing
	exit
fi
dt() { python3 "$TOOL" "$@"; }

D1=$(printf one | sha256sum | cut -d' ' -f1)
D2=$(printf two | sha256sum | cut -d' ' -f1)
TYPE='"_type":"https://in-toto.io/Statement/v1"'
PT='"predicateType":"https://example.com/test/v1"'
SUBJ="\"subject\":[{\"name\":\"model.safetensors\",\"digest\":{\"sha256\":\"$D1\"}}]"
printf '{%s,%s,%s,"predicate":{"zeta":1,"alpha":[1,2,{"b":true,"a":null}],"name":"fine-tune \\u00e9t\\u00e9"}}\n' \
	"$TYPE" "$SUBJ" "$PT" >s1.json
# The same statement: keys reordered, whitespace changed, an escape written differently.
cat >s1-reordered.json <<EOF

  {
    "predicate" : { "name" : "fine-tune été",
                    "alpha" : [ 1 , 2 , { "a" : null , "b" : true } ],
                    "zeta" : 1 },
    "predicateType" : "https://example.com/test/v1",
    "subject" : [ { "digest" : { "sha256" : "$D1" }, "name" : "model.safetensors" } ],
    "_type" : "https://in-toto.io/Statement/v1"
  }

EOF
printf '{%s,"subject":[{"name":"data","digest":{"sha256":"%s"}},{"name":"b","digest":{"sha256":"%s","sha512":"%s"}}],%s}' \
	"$TYPE" "$D2" "$D1" "$(printf two | sha512sum | cut -d' ' -f1)" "$PT" >s2.json

"$HM" key generate -o k --no-passphrase >kid 2>/dev/null
kid=$(cat kid)

# --- one statement -----------------------------------------------------------------
ok "sign one statement into a new bundle" "$HM" sign --key k.key --bundle b.intoto.jsonl s1.json
like "sign reports what it did" 'signed 1 statement into b\.intoto\.jsonl' "$T/.err"
is "the bundle has one line" "$(wc -l <b.intoto.jsonl | tr -d ' ')" 1
is "that line is a DSSE envelope (independent parser)" "$(dt lines b.intoto.jsonl)" 1
head -n 1 b.intoto.jsonl >l1.json
is "payloadType is in-toto" "$(dt get l1.json payloadType)" application/vnd.in-toto+json
is "the envelope has exactly one signature" "$(dt get l1.json signatures | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 1
is "the signature's keyid is the key id" "$(dt keyid b.intoto.jsonl 1)" "$kid"
dt payload b.intoto.jsonl 1 >p1.json
ok "the payload is the statement (same JSON value)" dt same-json p1.json s1.json
python3 -c 'import json,sys; sys.stdout.write(json.dumps(json.load(open(sys.argv[1])), sort_keys=True, separators=(",", ":"), ensure_ascii=False))' \
	s1.json >canon.json
ok "the payload is the sorted, compact JSON (UTF-8, no escapes)" cmp p1.json canon.json
ok "the bundle verifies" "$HM" bundle check b.intoto.jsonl --key k.pub
is "the bundle is mode 0644" "$(stat -c %a b.intoto.jsonl)" 644

# --- deterministic payload -----------------------------------------------------------
ok "sign the reordered statement" "$HM" sign --key k.key --bundle r.jsonl s1-reordered.json
dt payload r.jsonl 1 >p1r.json
ok "reordered keys and whitespace give the same payload bytes" cmp p1.json p1r.json
ok "and (Ed25519 being deterministic) the same line" cmp r.jsonl b.intoto.jsonl

# --- appending ----------------------------------------------------------------------
cp b.intoto.jsonl before
ok "sign two statements in one call" "$HM" sign --key k.key --bundle b.intoto.jsonl s2.json s1-reordered.json
like "it reports one signed (the other is already there)" \
	'signed 1 statement into b\.intoto\.jsonl .*\(1 already there\)' "$T/.err"
like "and says which statement it skipped" \
	"s1-reordered\\.json: b\\.intoto\\.jsonl already holds this statement signed by key $kid; skipped" \
	"$T/.err"
is "the bundle now has two lines" "$(dt lines b.intoto.jsonl)" 2
head -n 1 b.intoto.jsonl >first
ok "the earlier line is kept byte for byte" cmp first before
dt payload b.intoto.jsonl 2 >p2.json
ok "line 2 carries the second statement" dt same-json p2.json s2.json
ok "the two lines verify" "$HM" bundle check b.intoto.jsonl --key k.pub
cp b.intoto.jsonl two
ok "signing both again succeeds" "$HM" sign --key k.key --bundle b.intoto.jsonl s1.json s2.json
like "and says both were there" 'signed 0 statements .*\(2 already there\)' "$T/.err"
ok "and leaves the bundle as it was" cmp b.intoto.jsonl two
ok "the same statement twice in one call is signed once" \
	"$HM" sign --key k.key --bundle twice.jsonl s1.json s1-reordered.json
is "one line" "$(dt lines twice.jsonl)" 1
# The bundle's line in another base64 spelling (URL-safe, unpadded) is the same envelope.
python3 - before respelled.jsonl <<'PY'
import base64, json, sys
e = json.loads(open(sys.argv[1]).readline())
b = lambda s: base64.urlsafe_b64encode(base64.b64decode(s)).decode().rstrip("=")
e["payload"] = b(e["payload"])
for s in e["signatures"]:
    s["sig"] = b(s["sig"])
open(sys.argv[2], "w").write(json.dumps(e) + "\n")
PY
cp respelled.jsonl respelled.before
ok "sign into a bundle holding it in URL-safe, unpadded base64" \
	"$HM" sign --key k.key --bundle respelled.jsonl s1.json
like "is recognised as already there" 'already holds this statement' "$T/.err"
ok "and nothing is appended" cmp respelled.jsonl respelled.before
"$HM" key generate -o k2 --no-passphrase >/dev/null 2>&1
ok "another key's signature of the same statement is appended" \
	"$HM" sign --key k2.key --bundle respelled.jsonl s1.json
is "two lines then" "$(wc -l <respelled.jsonl | tr -d ' ')" 2

# --- a file that is not a bundle -------------------------------------------------------
printf '%s\n' "$(cat before)" '# notes' >notes.jsonl
cp notes.jsonl notes.before
fails 2 "sign refuses to append to a file with a line that is not an envelope" \
	"$HM" sign --key k.key --bundle notes.jsonl s2.json
like "naming the file and the line" 'notes\.jsonl: line 2 is not a DSSE envelope' "$T/.err"
ok "and leaves it untouched" cmp notes.jsonl notes.before
printf '{"a":1}\n' >json.jsonl
fails 2 "JSON that is not an envelope is refused too" \
	"$HM" sign --key k.key --bundle json.jsonl s2.json
like "line 1" 'json\.jsonl: line 1 is not a DSSE envelope' "$T/.err"
printf '%s\n\n' "$(cat before)" >blank.jsonl
fails 2 "an empty line is not an envelope" "$HM" sign --key k.key --bundle blank.jsonl s2.json
like "and is named" 'blank\.jsonl: line 2 is not a DSSE envelope' "$T/.err"
: >empty.jsonl
ok "an empty file is a bundle with no lines" "$HM" sign --key k.key --bundle empty.jsonl s1.json
is "it gets one line" "$(dt lines empty.jsonl)" 1
is "every line ends with a newline" "$(tail -c 1 b.intoto.jsonl | od -An -c | tr -d ' ')" '\n'
# A bundle whose last line has no newline gets one before the new line.
printf '%s' "$(cat before)" >nonl.jsonl
ok "append to a bundle without a final newline" "$HM" sign --key k.key --bundle nonl.jsonl s2.json
is "the result has two envelope lines" "$(dt lines nonl.jsonl)" 2

# --- stdin --------------------------------------------------------------------------
ok "- reads the statement from standard input" sh -c "\"$HM\" sign --key k.key --bundle in.jsonl - <s1.json"
ok "stdin signs to the same line as the file" cmp in.jsonl r.jsonl
ok "- mixed with files" sh -c "\"$HM\" sign --key k.key --bundle mix.jsonl s2.json - <s1.json"
is "mixed: two lines" "$(dt lines mix.jsonl)" 2
fails 2 "- given twice is a usage error" sh -c "\"$HM\" sign --key k.key --bundle x.jsonl - - <s1.json"
ok "and writes nothing" test ! -e x.jsonl
fails 1 "an empty standard input fails" sh -c "\"$HM\" sign --key k.key --bundle x.jsonl - </dev/null"
like "naming (stdin)" '\(stdin\)' "$T/.err"
ok "and writes nothing" test ! -e x.jsonl

# --- invalid statements: exit 1, the file and the reason, the bundle untouched ----------
bad() { # file reason-regex json...
	_f=$1 _re=$2; shift 2
	printf '%s' "$*" >"$_f"
	cp b.intoto.jsonl before
	fails 1 "$_f is rejected" "$HM" sign --key k.key --bundle b.intoto.jsonl "$_f"
	like "$_f: the error names the file and the reason" "^hallmark: $_f: .*$_re" "$T/.err"
	ok "$_f: the bundle is byte-identical" cmp b.intoto.jsonl before
}
bad no-type.json 'no "_type"' "{$SUBJ,$PT}"
bad wrong-type.json '"_type" is' "{\"_type\":\"https://in-toto.io/Statement/v0.1\",$SUBJ,$PT}"
bad empty-subject.json '"subject" must be a non-empty array' "{$TYPE,\"subject\":[],$PT}"
bad no-subject.json 'subject' "{$TYPE,$PT}"
bad no-digest.json 'subject\[0\] has no digest' "{$TYPE,\"subject\":[{\"name\":\"m\"}],$PT}"
bad empty-digest.json 'digest' "{$TYPE,\"subject\":[{\"name\":\"m\",\"digest\":{}}],$PT}"
bad short-sha.json 'sha256 must be 64 lowercase hex' \
	"{$TYPE,\"subject\":[{\"name\":\"m\",\"digest\":{\"sha256\":\"${D1%?}\"}}],$PT}"
bad long-sha.json 'sha256 must be 64 lowercase hex' \
	"{$TYPE,\"subject\":[{\"name\":\"m\",\"digest\":{\"sha256\":\"${D1}0\"}}],$PT}"
bad upper-sha.json 'sha256 must be 64 lowercase hex' \
	"{$TYPE,\"subject\":[{\"name\":\"m\",\"digest\":{\"sha256\":\"$(echo "$D1" | tr a-f A-F)\"}}],$PT}"
bad nonhex-sha.json 'sha256 must be 64 lowercase hex' \
	"{$TYPE,\"subject\":[{\"name\":\"m\",\"digest\":{\"sha256\":\"$(echo "$D1" | sed 's/^./g/')\"}}],$PT}"
bad second-subject.json 'subject\[1\]' \
	"{$TYPE,\"subject\":[{\"name\":\"a\",\"digest\":{\"sha256\":\"$D1\"}},{\"name\":\"b\"}],$PT}"
bad no-predtype.json 'no "predicateType"' "{$TYPE,$SUBJ}"
bad dup-key.json 'duplicate' "{$TYPE,$SUBJ,$PT,$PT}"
bad dup-nested.json 'duplicate' "{$TYPE,$SUBJ,$PT,\"predicate\":{\"a\":1,\"a\":2}}"
bad dup-digest.json 'duplicate' \
	"{$TYPE,\"subject\":[{\"name\":\"m\",\"digest\":{\"sha256\":\"$D1\",\"sha256\":\"$D2\"}}],$PT}"
bad not-json.json 'invalid JSON' "{$TYPE,"
bad array.json 'object' "[1,2]"
bad empty.json 'invalid JSON|empty' ""
bad trailing.json 'invalid JSON|end of file' "{$TYPE,$SUBJ,$PT} {}"

# All or nothing: one bad statement among good ones writes nothing.
cp b.intoto.jsonl before
fails 1 "a bad statement among good ones fails" "$HM" sign --key k.key --bundle b.intoto.jsonl s1.json no-digest.json s2.json
like "naming the bad one" 'no-digest\.json' "$T/.err"
ok "and nothing is appended" cmp b.intoto.jsonl before
fails 2 "a missing statement file fails" "$HM" sign --key k.key --bundle b.intoto.jsonl s1.json missing.json
like "naming it" 'missing\.json' "$T/.err"
ok "and nothing is appended" cmp b.intoto.jsonl before
fails 1 "a bad statement does not create a new bundle" "$HM" sign --key k.key --bundle new.jsonl no-digest.json
ok "no new bundle exists" test ! -e new.jsonl

# --- keys -----------------------------------------------------------------------------
fails 2 "signing with a public key is refused" "$HM" sign --key k.pub --bundle x.jsonl s1.json
like "saying it needs the secret key" 'public key.*secret key' "$T/.err"
fails 2 "a missing key file" "$HM" sign --key nokey.key --bundle x.jsonl s1.json
ok "writes nothing" test ! -e x.jsonl
if command -v openssl >/dev/null 2>&1; then
	openssl genpkey -algorithm ed25519 -out o.pem 2>/dev/null
	ok "an OpenSSL PEM private key signs directly" "$HM" sign --key o.pem --bundle o.jsonl s1.json
	is "with its key id as keyid" "$(dt keyid o.jsonl 1)" \
		"$(openssl pkey -in o.pem -pubout -outform DER | sha256sum | cut -d' ' -f1)"
	openssl pkey -in o.pem -pubout -out o.pub
	ok "and verifies with openssl's public key" "$HM" bundle check o.jsonl --key o.pub
else
	skip "an OpenSSL PEM private key signs directly" "openssl not installed"
	skip "with its key id as keyid" "openssl not installed"
	skip "and verifies with openssl's public key" "openssl not installed"
fi

# --- usage -----------------------------------------------------------------------------
fails 2 "sign without --key" "$HM" sign --bundle x.jsonl s1.json
fails 2 "sign without --bundle" "$HM" sign --key k.key s1.json
fails 2 "sign without a statement" "$HM" sign --key k.key --bundle x.jsonl
ok "sign --help" "$HM" sign --help
like "sign --help shows the synopsis" 'usage: hallmark sign --key KEY --bundle' "$T/.out"

# --- where the bundle cannot be written ---------------------------------------------------
fails 2 "a bundle in a missing directory fails cleanly" "$HM" sign --key k.key --bundle nodir/b.jsonl s1.json
like "and says why" 'nodir/b\.jsonl' "$T/.err"
ok "and creates nothing" test ! -e nodir
mkdir adir
fails 2 "a bundle path that is a directory fails" "$HM" sign --key k.key --bundle adir s1.json
# A read-only directory: root ignores mode bits, so make it immutable when we are root.
# (Clear the immutable flags on exit whatever happens, or the temp dir cannot be removed.)
trap 'chattr -i "$T/ro" "$T/imm/b.jsonl" 2>/dev/null; rm -rf "$T"' EXIT
mkdir ro
cp before ro/b.jsonl
# a statement the bundle does not hold yet, so that there is something to write
sed 's/"data"/"data3"/' s2.json >s3.json
ro_ok=0
if [ "$(id -u)" -ne 0 ]; then
	chmod a-w ro && ro_ok=1
elif command -v chattr >/dev/null 2>&1 && chattr +i ro 2>/dev/null; then
	ro_ok=2
fi
if [ $ro_ok -ne 0 ]; then
	fails 2 "a bundle in a read-only directory fails" "$HM" sign --key k.key --bundle ro/b.jsonl s3.json
	like "and says it cannot write there" 'ro/b\.jsonl: cannot' "$T/.err"
	ok "the old bundle is intact" cmp ro/b.jsonl before
	is "and no temporary file is left" "$(ls -A ro)" b.jsonl
	fails 2 "a new bundle in a read-only directory fails" "$HM" sign --key k.key --bundle ro/new.jsonl s1.json
	is "and leaves nothing" "$(ls -A ro)" b.jsonl
	if [ $ro_ok = 2 ]; then chattr -i ro; else chmod u+w ro; fi
else
	for n in 1 2 3 4 5 6; do
		skip "read-only directory $n" "cannot make a read-only directory here (root without chattr)"
	done
fi
# An immutable bundle in a writable directory: the temporary file is written, the
# rename fails, and the temporary file must be removed.
mkdir imm
cp before imm/b.jsonl
if command -v chattr >/dev/null 2>&1 && chattr +i imm/b.jsonl 2>/dev/null; then
	fails 2 "replacing an immutable bundle fails" "$HM" sign --key k.key --bundle imm/b.jsonl s3.json
	like "and says it cannot replace it" 'imm/b\.jsonl: cannot replace' "$T/.err"
	chattr -i imm/b.jsonl
	ok "the old bundle is intact" cmp imm/b.jsonl before
	is "and the temporary file was removed" "$(ls -A imm)" b.jsonl
else
	for n in 1 2 3 4; do
		skip "immutable bundle $n" "chattr +i is not available here (needs root on ext4/xfs/btrfs)"
	done
fi
# Concurrent appenders lose nothing: 16 signers at once, one statement each.
mkdir conc
i=1
while [ $i -le 16 ]; do
	printf '{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"c%d","digest":{"sha256":"%064d"}}],"predicateType":"https://example.com/c"}' $i $i >conc/s$i.json
	i=$((i + 1))
done
i=1
while [ $i -le 16 ]; do
	"$HM" sign --key k.key --bundle conc/b.jsonl conc/s$i.json 2>/dev/null &
	i=$((i + 1))
done
wait
is "16 concurrent signers leave 16 lines" "$(wc -l <conc/b.jsonl | tr -d ' ')" 16
ok "and every line verifies" "$HM" bundle check conc/b.jsonl --key k.pub
n=1 ; : >conc/payloads
while [ $n -le 16 ]; do python3 "$TOOL" payload conc/b.jsonl $n >>conc/payloads; echo >>conc/payloads; n=$((n + 1)); done
is "each statement once" "$(sort -u conc/payloads | grep -c c)" 16
chmod 600 conc/b.jsonl
ok "appending to a private bundle" "$HM" sign --key k.key --bundle conc/b.jsonl s1.json
is "keeps it private (mode 0600)" "$(stat -c %a conc/b.jsonl)" 600

# --- secret key files: private, and cheap to derive -------------------------------------
mkdir perm
cp k.key perm/open.key
chmod 644 perm/open.key
fails 2 "sign refuses a secret key file others can read" \
	"$HM" sign --key perm/open.key --bundle perm/b.jsonl s1.json
like "naming the file and the fix" 'perm/open\.key: .*mode 0644.*chmod 600 perm/open\.key' "$T/.err"
ok "and writes no bundle" test ! -e perm/b.jsonl
chmod 640 perm/open.key
fails 2 "group-readable (0640) is refused too" \
	"$HM" sign --key perm/open.key --bundle perm/b.jsonl s1.json
chmod 600 perm/open.key
ok "after chmod 600 it signs" "$HM" sign --key perm/open.key --bundle perm/b.jsonl s1.json
HALLMARK_PASSPHRASE=pw "$HM" key generate -o perm/enc >/dev/null 2>&1
chmod 604 perm/enc.key
HALLMARK_PASSPHRASE=pw "$HM" sign --key perm/enc.key --bundle perm/b2.jsonl s1.json \
	>/dev/null 2>perm/enc.err
is "an encrypted key others can read is refused too (exit 2)" "$?" 2
like "before any passphrase is used" 'chmod 600' perm/enc.err
chmod 600 perm/enc.key
# KDF limits the old reader accepted (opslimit 64, 2 GiB): refused at once, before deriving
python3 - perm/enc.key perm/costly.key <<'PY'
import json, sys
k = json.load(open(sys.argv[1]))
k["encryption"]["opslimit"] = 64
k["encryption"]["memlimit"] = 2 << 30
open(sys.argv[2], "w").write(json.dumps(k))
PY
chmod 600 perm/costly.key
start=$(date +%s)
HALLMARK_PASSPHRASE=pw "$HM" sign --key perm/costly.key --bundle perm/b3.jsonl s1.json \
	>/dev/null 2>perm/costly.err
st=$?
took=$(($(date +%s) - start))
ok "a key file asking for too costly a derivation is refused (exit $st)" test "$st" -ne 0
like "saying which limits it accepts" 'out of range.*accepts opslimit 1\.\.4 and memlimit' perm/costly.err
ok "without deriving anything (took ${took}s)" test "$took" -le 2
ok "and no bundle was written" test ! -e perm/b3.jsonl

ls -A >listing
unlike "no temporary files left in the work directory" '\.tmp\.' listing

done_testing
