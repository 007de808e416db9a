#!/bin/sh
# A model as `huggingface-cli download --local-dir` leaves it (safetensors shards and their
# index, tokenizer files, a git checkout, and the .cache/huggingface download cache): the
# cache is left out of the manifest and recorded in its signed ignore list, so a copy
# without the cache or with another one verifies; the model, run and audit statements
# name one digest.
. tests/cli/lib.sh
cd "$T" || exit 1

py() { python3 -c "import json,sys; s=json.load(open(sys.argv[2])); print($1)" "$1" "$2" 2>&1; }
if ! command -v python3 >/dev/null 2>&1 || ! command -v git >/dev/null 2>&1; then
	skip "hub-shaped model" "python3 and git are needed"
	done_testing
	exit
fi

# hub NAME: a hub-shaped model directory, a git checkout with one commit.
hub() {
	mkdir -p "$1"
	(cd "$1" && git init -q &&
	 printf 'shard one' >model-00001-of-00002.safetensors &&
	 printf 'shard two' >model-00002-of-00002.safetensors &&
	 printf '{"metadata":{"total_size":18},"weight_map":{"a":"model-00001-of-00002.safetensors","b":"model-00002-of-00002.safetensors"}}\n' >model.safetensors.index.json &&
	 printf '{"model_type":"llama"}\n' >config.json &&
	 printf '{"version":"1.0","model":{"type":"BPE"}}\n' >tokenizer.json &&
	 printf '{"bos_token":"<s>"}\n' >tokenizer_config.json &&
	 printf '{"bos_token":"<s>"}\n' >special_tokens_map.json &&
	 printf '*.safetensors filter=lfs diff=lfs merge=lfs -text\n' >.gitattributes &&
	 git add . && git -c user.name=t -c user.email=t@example.com commit -qm init)
}
# cache NAME ETAG: the download cache huggingface-cli leaves, with per-file metadata.
cache() {
	mkdir -p "$1/.cache/huggingface/download"
	printf '*\n' >"$1/.cache/huggingface/.gitignore"
	for f in model-00001-of-00002.safetensors model-00002-of-00002.safetensors config.json; do
		printf 'a1b2c3d4\n%s\n1733500000.123\n' "$2" >"$1/.cache/huggingface/download/$f.metadata"
	done
	: >"$1/.cache/huggingface/download/config.json.lock"
}

hub model
cache model etag-first
cp -a model nocache && rm -rf nocache/.cache
cp -a nocache othercache && cache othercache etag-other
printf 'extra\n' >othercache/.cache/huggingface/download/README.md.metadata

ok "digest of the downloaded model" "$HM" digest model --no-progress
WITH=$(cat "$T/.out")
like "digest says it left the download cache out" "left out \.cache/huggingface/ \(a Hugging Face download cache\)" "$T/.err"
"$HM" digest nocache --no-progress >out 2>err
is "the digest equals that of the same tree without the cache" "$(cat out)" "$WITH"
unlike "no word about a cache when there is none" "cache" err
"$HM" digest othercache --no-progress >out 2>&1
is "and of the tree with another cache" "$(sed -n '$p' out)" "$WITH"
"$HM" digest model --no-ignore-git-paths --no-progress >out 2>/dev/null
unlike "--no-ignore-git-paths hashes the cache (and .git) too" "$WITH" out

ok "attest model" "$HM" attest model model --name org/tuned --no-progress -o m.json
like "attest model says it left the cache out" "left out \.cache/huggingface/" "$T/.err"
is "the signed ignore list records the cache" \
	"$(py '",".join(s["predicate"]["serialization"]["ignore_paths"])' m.json)" \
	".cache/huggingface,.git,.gitattributes,.github,.gitignore"
is "no manifest resource comes from .git or the cache" \
	"$(py '[r["name"] for r in s["predicate"]["resources"] if r["name"].startswith(".")]' m.json)" "[]"
is "the model statement's subject is the digest" "sha256:$(py 's["subject"][0]["digest"]["sha256"]' m.json)" "$WITH"

# Run and audit name the same digest: through the model statement, or the same ignores.
mkdir base data
printf 'base weights' >base/model.safetensors
printf '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n' >data/train.jsonl
judged after.jsonl 0
judged before.jsonl 0
"$HM" attest dataset data --name d --license CC-BY-4.0 --no-git --no-progress -o d.json 2>/dev/null
ok "attest run --model-statement" "$HM" attest run --model model --model-statement m.json \
	--base-model base --dataset d.json --no-progress -o r.json
ok "attest audit --model-statement" "$HM" attest audit --model model --model-statement m.json \
	--benchmark HEx-PHI --judge gpt-4-0613 --results after.jsonl --baseline-model base \
	--baseline-results before.jsonl --no-progress -o a.json
is "the run names the model statement's digest" "sha256:$(py 's["subject"][0]["digest"]["sha256"]' r.json)" "$WITH"
is "the audit names the model statement's digest" "sha256:$(py 's["subject"][0]["digest"]["sha256"]' a.json)" "$WITH"
is "the run's subject name is the model statement's" "$(py 's["subject"][0]["name"]' r.json)" org/tuned

# An explicit ignore given to attest model: the same --ignore gives run and audit its digest.
printf 'notes\n' >model/NOTES.txt
"$HM" attest model model --ignore NOTES.txt --no-progress -o m2.json 2>/dev/null
ok "attest run --ignore as given to attest model" "$HM" attest run --model model --ignore NOTES.txt \
	--base-model base --dataset d.json --no-progress -o r2.json
is "same digest as that model statement" "$(py 's["subject"][0]["digest"]["sha256"]' r2.json)" \
	"$(py 's["subject"][0]["digest"]["sha256"]' m2.json)"
fails 1 "a model statement made with other ignores is refused, naming both digests" \
	"$HM" attest run --model model --model-statement m.json --base-model base --dataset d.json --no-progress
like "the reason names the statement" "hashed as m.json says, but its subject is sha256:" "$T/.err"
fails 1 "attest audit refuses it too" "$HM" attest audit --model model --model-statement m.json \
	--benchmark HEx-PHI --judge gpt-4-0613 --results after.jsonl --no-progress
fails 2 "--model-statement with --ignore is a usage error" "$HM" attest run --model model \
	--model-statement m.json --ignore x --base-model base --dataset d.json --no-progress
fails 1 "a dataset statement is not a model statement" "$HM" attest run --model model \
	--model-statement d.json --base-model base --dataset d.json --no-progress
like "and says why" "not a model statement" "$T/.err"
rm model/NOTES.txt

# Signed and verified: the downloader without a cache, or with another one, verifies.
"$HM" key generate -o pub --no-passphrase >/dev/null 2>&1
"$HM" key generate -o aud --no-passphrase >/dev/null 2>&1
"$HM" sign --key pub.key --bundle b.jsonl m.json d.json r.json >/dev/null 2>&1
"$HM" sign --key aud.key --bundle b.jsonl a.json >/dev/null 2>&1
printf '{"require_training_code": false}\n' >policy.json
v() { "$HM" verify "$1" --bundle b.jsonl --key pub.pub --auditor-key aud.pub --policy policy.json --no-progress; }
ok "verify the signer's own tree" v model
ok "verify a copy without the download cache" v nocache
ok "verify a copy with a different download cache" v othercache
printf 'tampered' >othercache/model-00002-of-00002.safetensors
fails 1 "a changed shard still fails" v othercache
done_testing
