#!/bin/sh
# The rest of the OMS v1.0 model rules: the "shards" serialization (digest, attest model and
# verify, equal to model_signing's both ways), the signed ignore_paths, verify --ignore and
# --ignore-unsigned-files, a signature or statement file inside the model directory, single-file
# models, symbolic links (refused by default; out of the root or in a cycle always) and empty
# models. The reference parts run when ../shared's oms-ref and Debian's python3-cryptography and
# python3-protobuf are there, and skip otherwise.
. tests/cli/lib.sh
ROOT=$PWD
REF=$SHARED/reference/model-signing/oms-ref
SHARDREF=$ROOT/tests/interop/oms_shards.py
cd "$T" || exit 1
unset HALLMARK_PASSPHRASE
HMQ() { "$HM" "$@" --no-progress; }
have_ref=0
if [ -x "$REF" ] && /usr/bin/python3 -c 'import cryptography, google.protobuf, typing_extensions' \
	2>/dev/null; then
	have_ref=1
fi

"$HM" key generate -o ed --no-passphrase >/dev/null 2>&1
"$HM" key generate --type ecdsa-p256 -o ec --no-passphrase >/dev/null 2>&1
verify() { # MODEL BUNDLE PUB [more options]
	_m=$1 _b=$2 _k=$3
	shift 3
	HMQ verify "$_m" --bundle "$_b" --key "$_k" --policy integrity -v "$@"
}

# A model whose files have 0, 5, 7 (one shard exactly), 100 (15 shards: "w.bin:14:21" sorts
# after "w.bin:7:14" as numbers, before it as text) and 3000 bytes; another with a file of
# 1 MiB + 3 bytes (shards across the 1 MiB read size).
mkdir -p model/sub model/sub-x big
: >model/empty
printf 'hello' >model/five
printf 'seven!!' >model/sub/seven
head -c 100 /dev/urandom >model/w.bin
head -c 3000 /dev/urandom >model/sub-x/x.bin
head -c 1048579 /dev/urandom >big/big.bin
echo small >big/small

# --- digest --shard ------------------------------------------------------------------------
ok "digest --shard --shard-size 7" "$HM" digest model --shard --shard-size 7 --json --no-progress
cp "$T/.out" h7.json
python3 - h7.json >py.out 2>&1 <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))
ser = h["manifest"]["serialization"]
assert list(ser)[:4] == ["method", "hash_type", "shard_size", "allow_symlinks"], list(ser)
assert ser["method"] == "shards" and ser["shard_size"] == 7, ser
names = [r["name"] for r in h["manifest"]["resources"]]
assert "empty:0:0" not in names and not any(n.startswith("empty") for n in names), names
assert names.index("w.bin:7:14") < names.index("w.bin:14:21"), names
assert "w.bin:98:100" in names and "sub/seven:0:7" in names, names
assert all(r["algorithm"] == "sha256-sharded-7" for r in h["manifest"]["resources"])
PY
is "shards: path:start:end by number, empty files left out, model_signing's algorithm name" \
	"$(cat py.out)" ""
ok "--shard alone: shards of 1 GB" "$HM" digest model --shard --json --no-progress
like "shard_size 1000000000" '"shard_size":1000000000' "$T/.out"
like "one shard per small file" '"name":"w.bin:0:100"' "$T/.out"
fails 2 "--shard-size 0 is refused" "$HM" digest model --shard-size 0
like "saying what it takes" 'positive whole number' "$T/.err"
fails 2 "--shard-size abc is refused" "$HM" digest model --shard --shard-size abc
mkdir allempty && : >allempty/a && : >allempty/b
fails 2 "shards of a model whose files are all empty: refused" "$HM" digest allempty --shard
like "no bytes to hash" 'no bytes to hash' "$T/.err"

if [ "$have_ref" = 1 ]; then
	for ms in "model 7" "model 1000" "big 1048576" "big 1000000" "big "; do
		m=${ms% *} size=${ms#* }
		"$HM" digest "$m" --shard ${size:+--shard-size $size} --json --no-progress >h.json
		"$REF" digest "$m" --shard ${size:+--shard-size $size} --json >r.json
		python3 - h.json r.json >py.out 2>&1 <<'PY'
import json, sys
h, r = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert h["digest"] == r["digest"], (h["digest"], r["digest"])
mine = [(x["name"], x["algorithm"], x["digest"]) for x in h["manifest"]["resources"]]
theirs = [(x["name"], x["algorithm"], x["digest"]) for x in r["resources"]]
assert mine == theirs, (mine[:5], theirs[:5])
assert h["manifest"]["serialization"]["shard_size"] == r["serialization"]["shard_size"]
PY
		is "$m in shards of ${size:-the default size}: resources and root equal oms-ref's" \
			"$(cat py.out)" ""
	done
	head -c 50 /dev/urandom >one.bin
	is "a single file in shards: the same root as oms-ref" \
		"$("$HM" digest one.bin --shard --shard-size 16 --no-progress)" \
		"$("$REF" digest one.bin --shard --shard-size 16)"
else
	for n in 1 2 3 4 5 6; do skip "shards against oms-ref $n" "$REF or its Python modules missing"; done
fi

# --- attest model --shard, sign, verify ------------------------------------------------------
ok "attest model --shard --shard-size 7" \
	HMQ attest model model --shard --shard-size 7 -o st.json
like "the statement records the shards serialization" '"method": "shards"' st.json
like "and its shard size" '"shard_size": 7' st.json
"$HM" sign --key ed.key --bundle ed.jsonl st.json >/dev/null 2>&1
ok "verify re-hashes by the signed shards" verify model ed.jsonl ed.pub
cp -R model changed
flip_byte changed/w.bin 50
fails 1 "one changed byte fails" verify changed ed.jsonl ed.pub
like "naming the shard" 'changed: w.bin:49:56 \(signed sha256:' "$T/.out"
cp -R model grown
printf 'Y' >>grown/w.bin
fails 1 "a byte appended fails (the signed shards of the file do not cover it)" \
	verify grown ed.jsonl ed.pub --ignore-unsigned-files
like "as a change of the file" "changed: w.bin:98:101 \\(a byte range the signed manifest does not list" \
	"$T/.out"
cp -R model extra
echo notes >extra/notes.txt
fails 1 "an extra file fails" verify extra ed.jsonl ed.pub
like "named by its path, not its shards" 'not covered: notes.txt \(6 bytes, not in the manifest\)' \
	"$T/.out"

# attest run --model-statement hashes the model in the statement's shards.
mkdir data && echo '{"text":"hi"}' >data/a.jsonl
HMQ attest dataset data --name d -o ds.json >/dev/null 2>&1
ok "attest run --model-statement of a shards statement" HMQ attest run --model model \
	--model-statement st.json --base-model "sha256:$(printf '%064d' 0)" --dataset ds.json -o run.json
is "names the statement's digest" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["subject"][0]["digest"]["sha256"])' run.json)" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["subject"][0]["digest"]["sha256"])' st.json)"

# A shards statement without its shard size is refused.
python3 - st.json bad.json <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
del s["predicate"]["serialization"]["shard_size"]
json.dump(s, open(sys.argv[2], "w"))
PY
"$HM" sign --key ed.key --bundle bad.jsonl bad.json >/dev/null 2>&1
fails 1 "a shards manifest without shard_size fails" verify model bad.jsonl ed.pub
like "saying so" 'needs a positive integer .shard_size' "$T/.out"

# ECDSA both ways with the reference.
"$HM" sign --key ec.key --sigstore-bundle ec-shards.sig st.json >/dev/null 2>&1
if [ "$have_ref" = 1 ]; then
	(cd model && /usr/bin/python3 "$SHARDREF" "$(dirname "$REF")" verify . ../ec-shards.sig \
		../ec.pub) >ref.out 2>&1
	is "model_signing verifies hallmark's shards model.sig" "$?" 0
	(cd changed && /usr/bin/python3 "$SHARDREF" "$(dirname "$REF")" verify . ../ec-shards.sig \
		../ec.pub) >ref.out 2>&1
	is "and refuses it after one changed byte" "$?" 1
	if command -v openssl >/dev/null 2>&1; then
		openssl ecparam -genkey -name prime256v1 -out sec1.pem 2>/dev/null
		openssl pkcs8 -topk8 -nocrypt -in sec1.pem -out p8.pem
		"$HM" key import p8.pem -o p8 --no-passphrase >/dev/null 2>&1
		/usr/bin/python3 "$SHARDREF" "$(dirname "$REF")" sign model p8.pem ref-shards.sig 9 \
			>/dev/null 2>&1
		ok "a shards model.sig model_signing signed verifies in hallmark" \
			verify model ref-shards.sig p8.pub
		fails 1 "and fails after one changed byte" verify changed ref-shards.sig p8.pub
		like "naming the shard" 'changed: w.bin:45:54' "$T/.out"
	fi
else
	for n in 1 2 3 4; do skip "shards with oms-ref $n" "$REF or its Python modules missing"; done
fi

# --- signed ignore_paths, verify --ignore, --ignore-unsigned-files ---------------------------
mkdir -p m2/logs
echo '{"a":1}' >m2/config.json
head -c 300 /dev/urandom >m2/weights.bin
echo run >m2/logs/run.log
HMQ attest model m2 --ignore logs -o m2.json >/dev/null 2>&1
"$HM" sign --key ed.key --bundle m2.jsonl m2.json >/dev/null 2>&1
echo changed >>m2/logs/run.log
echo new >m2/logs/new.log
ok "the signed ignore_paths are honoured: changed and new files under them pass" \
	verify m2 m2.jsonl ed.pub
like "and are listed" 'not covered: logs/new.log \([0-9]+ bytes, ignored by the signed list\)' \
	"$T/.out"
echo draft >m2/draft.txt
fails 1 "a file the signed list does not cover fails" verify m2 m2.jsonl ed.pub
ok "verify --ignore leaves it out" verify m2 m2.jsonl ed.pub --ignore draft.txt
like "and says the verifier ignored it" 'not covered: draft.txt \(6 bytes, ignored by the verifier\)$' \
	"$T/.out"
ok "an absolute --ignore inside the model works too" verify m2 m2.jsonl ed.pub --ignore "$T/m2/draft.txt"
fails 2 "an absolute --ignore outside the model is a usage error" \
	verify m2 m2.jsonl ed.pub --ignore "$T/elsewhere"
fails 1 "--ignore of a signed file makes it missing (as model_signing does)" \
	verify m2 m2.jsonl ed.pub --ignore draft.txt --ignore weights.bin
like "named" 'missing: weights.bin' "$T/.out"
ok "--ignore-unsigned-files: files the manifest does not list do not fail" \
	verify m2 m2.jsonl ed.pub --ignore-unsigned-files
like "they are still listed" 'not covered: draft.txt \(6 bytes, not in the manifest\): unsigned files are allowed' \
	"$T/.out"
flip_byte m2/weights.bin 10
fails 1 "--ignore-unsigned-files still fails a changed signed file" \
	verify m2 m2.jsonl ed.pub --ignore-unsigned-files
if [ "$have_ref" = 1 ] && command -v openssl >/dev/null 2>&1; then
	mkdir -p m3/cache
	echo w >m3/w.bin
	echo c >m3/cache/x
	(cd m3 && "$REF" sign-key . ../p8.pem ../m3.sig --ignore cache) >/dev/null 2>&1
	echo more >m3/cache/y
	ok "model_signing's signed ignore_paths are honoured" verify m3 m3.sig p8.pub
fi

# --- a signature or statement inside the model directory --------------------------------------
mkdir m4
head -c 64 /dev/urandom >m4/w.bin
HMQ attest model m4 -o m4/statement.json >/dev/null 2>&1
like "attest model -o inside the model: the statement is recorded as ignored" '"statement.json"' \
	m4/statement.json
unlike "and not hashed" '"name": "statement.json"' m4/statement.json
"$HM" sign --key ec.key --sigstore-bundle m4/signature.sig m4/statement.json >/dev/null 2>&1
ok "a --bundle inside the model directory is left out when verifying" \
	verify m4 m4/signature.sig ec.pub
like "and listed as ignored by the verifier" 'not covered: signature.sig \([0-9]+ bytes, ignored by the verifier\)' \
	"$T/.out"
cp m4/signature.sig outside.sig
fails 1 "the same bundle copied inside, given from outside, is not left out" \
	verify m4 outside.sig ec.pub
like "it is an unsigned file" 'signature.sig \(not in the manifest\)' "$T/.out"
if [ "$have_ref" = 1 ]; then
	(cd m4 && "$REF" verify-key . signature.sig ../ec.pub) >ref.out 2>&1
	is "model_signing verifies it too (its signature path left out)" "$?" 0
fi

# --- single-file models ------------------------------------------------------------------------
head -c 200 /dev/urandom >single.bin
HMQ attest model single.bin -o single.json >/dev/null 2>&1
"$HM" sign --key ec.key --sigstore-bundle single.sig single.json >/dev/null 2>&1
ok "a single-file model verifies" verify single.bin single.sig ec.pub
if [ "$have_ref" = 1 ]; then
	"$REF" verify-key single.bin single.sig ec.pub >ref.out 2>&1
	is "and model_signing verifies hallmark's signature of it" "$?" 0
fi
HMQ attest model single.bin --shard --shard-size 64 -o single-sh.json >/dev/null 2>&1
like "single file in shards: named . with offsets" '"name": ".:192:200"' single-sh.json
"$HM" sign --key ed.key --bundle single-sh.jsonl single-sh.json >/dev/null 2>&1
ok "and verifies" verify single.bin single-sh.jsonl ed.pub
flip_byte single.bin 3
fails 1 "one changed byte in a single-file model fails" verify single.bin single.sig ec.pub
fails 1 "and in its shards" verify single.bin single-sh.jsonl ed.pub

# --- symbolic links and empty models -----------------------------------------------------------
mkdir -p ln/d
echo a >ln/a
ln -s a ln/b
fails 1 "a symbolic link is refused by default" "$HM" attest model ln --no-progress
like "saying how to allow it" 'symlinks are refused unless allowed' "$T/.err"
ok "--allow-symlinks follows one inside the root" "$HM" attest model ln --allow-symlinks --no-progress
ln -s .. ln/d/up
fails 1 "a link to a directory holding it (a cycle) is refused even when allowed" \
	"$HM" digest ln --allow-symlinks --no-progress
like "saying so" 'ln/d/up: symbolic link to .*following it would form a cycle' "$T/.err"
rm ln/d/up
ln -s "$T/single.bin" ln/out
fails 1 "a link leaving the root is refused even when allowed" \
	"$HM" digest ln --allow-symlinks --no-progress
like "saying so" 'ln/out: symbolic link points outside the model root' "$T/.err"
rm ln/out
mkdir empty-model
fails 2 "an empty model is refused" "$HM" attest model empty-model --no-progress
like "with a clear message" 'empty-model: no files to hash: the directory is empty' "$T/.err"
mkdir -p only-git/.git && echo x >only-git/.git/HEAD
fails 2 "so is one whose every file is ignored" "$HM" digest only-git --no-progress

done_testing
