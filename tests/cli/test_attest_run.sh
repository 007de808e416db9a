#!/bin/sh
# hallmark attest run: the SLSA Provenance v1 statement of a fine-tuning run carries the
# exact digests of its inputs (tuned model, base model, each dataset, the training code
# commit), the hyperparameters of the config file, and refuses what it cannot record.
. tests/cli/lib.sh
cd "$T" || exit 1

# py EXPR FILE: evaluates a Python expression over the JSON statement `s` in FILE.
py() { python3 -c "import json,sys; s=json.load(open(sys.argv[2])); print($1)" "$1" "$2" 2>&1; }

mkdir tuned base data data2 code
printf 'tuned weights' >tuned/model.safetensors
printf '{"a":1}' >tuned/config.json
printf 'base weights' >base/model.safetensors
printf '{"instruction":"a","input":"","output":"b"}\n' >data/train.jsonl
printf '{"instruction":"c","input":"","output":"d"}\n' >data2/more.jsonl
printf '{"method":"lora","learning_rate":0.0002,"epochs":3,"lora":{"rank":16}}\n' >cfg.json
(cd code && git init -q && printf 'print(1)\n' >train.py && git add train.py &&
	git -c user.name=t -c user.email=t@example.com commit -qm init &&
	git remote add origin https://alice:s3cret@example.com/org/trainer.git)
COMMIT=$(git -C code rev-parse HEAD)
TUNED=$("$HM" digest tuned --no-progress); TUNED=${TUNED#sha256:}
BASE=$("$HM" digest base --no-progress); BASE=${BASE#sha256:}
"$HM" key generate -o k --no-passphrase >/dev/null 2>&1
"$HM" attest dataset data --name first --no-git --no-progress -o d1.json 2>/dev/null
"$HM" attest dataset data2 --name second --no-git --no-progress -o d2.json 2>/dev/null
D1=$(py 's["subject"][0]["digest"]["sha256"]' d1.json)
D2=$(py 's["subject"][0]["digest"]["sha256"]' d2.json)
"$HM" sign --key k.key --bundle ds.jsonl d2.json 2>/dev/null

if ! command -v python3 >/dev/null 2>&1; then
	skip "attest run" "python3 is needed to read the statements"
	done_testing
	exit
fi

ok "attest run" "$HM" attest run --model tuned --base-model base --base-name org/base-7b \
	--dataset d1.json ds.jsonl --config cfg.json --code code --builder https://ci.example.com/runner \
	--started 2026-11-01T08:00:00Z --finished 2026-11-01T10:30:00+02:00 --no-progress -o run.json
ok "the statement validates and signs" "$HM" sign --key k.key --bundle run.jsonl run.json
is "predicateType is SLSA Provenance v1" "$(py 's["predicateType"]' run.json)" \
	https://slsa.dev/provenance/v1
is "subject is the tuned model's exact digest" "$(py 's["subject"][0]["digest"]["sha256"]' run.json)" "$TUNED"
is "subject name is the model directory's name" "$(py 's["subject"][0]["name"]' run.json)" tuned
is "buildType is hallmark's fine-tuning type" \
	"$(py 's["predicate"]["buildDefinition"]["buildType"]' run.json)" \
	https://hallmark.dev/buildtypes/fine-tuning/v1
deps='[(d["annotations"]["role"], d.get("name"), d["digest"]) for d in s["predicate"]["buildDefinition"]["resolvedDependencies"]]'
py "$deps" run.json >deps.txt
like "the base model dependency has the base's exact digest" "'base-model', 'org/base-7b', \\{'sha256': '$BASE'\\}" deps.txt
like "the first dataset has its statement's digest" "'dataset', 'first', \\{'sha256': '$D1'\\}" deps.txt
like "the dataset from a bundle has its digest" "'dataset', 'second', \\{'sha256': '$D2'\\}" deps.txt
like "the training code is its HEAD commit" "'training-code', 'training-code', \\{'gitCommit': '$COMMIT'\\}" deps.txt
is "four dependencies, no more" "$(py 'len(s["predicate"]["buildDefinition"]["resolvedDependencies"])' run.json)" 4
code='[d for d in s["predicate"]["buildDefinition"]["resolvedDependencies"] if d["annotations"]["role"] == "training-code"][0]'
is "the code's remote URL has no credentials" "$(py "$code[\"uri\"]" run.json)" \
	git+https://example.com/org/trainer.git
is "a clean work tree is recorded as clean" "$(py "$code[\"annotations\"][\"dirty\"]" run.json)" False
is "the method comes from the config" "$(py 's["predicate"]["buildDefinition"]["externalParameters"]["method"]' run.json)" lora
is "hyperparameters are the config's (without method)" \
	"$(py 'sorted(s["predicate"]["buildDefinition"]["externalParameters"]["hyperparameters"].items())' run.json)" \
	"[('epochs', 3), ('learning_rate', 0.0002), ('lora', {'rank': 16})]"
is "builder id" "$(py 's["predicate"]["runDetails"]["builder"]["id"]' run.json)" https://ci.example.com/runner
is "start and end times" "$(py 's["predicate"]["runDetails"]["metadata"]["startedOn"] + " " + s["predicate"]["runDetails"]["metadata"]["finishedOn"]' run.json)" \
	"2026-11-01T08:00:00Z 2026-11-01T10:30:00+02:00"
unlike "no credentials anywhere in the statement" 's3cret' run.json

# A base model given by digest, a dirty tree, --method over the config's.
printf 'print(2)\n' >code/train.py
ok "base model as sha256:HEX" "$HM" attest run --model tuned --base-model "sha256:$BASE" \
	--dataset d1.json --config cfg.json --method full --code code --no-progress -o run2.json
like "the base digest is taken as given" "$BASE" run2.json
is "a dirty work tree is recorded" "$(py "$code[\"annotations\"][\"dirty\"]" run2.json)" True
is "--method wins over the config" "$(py 's["predicate"]["buildDefinition"]["externalParameters"]["method"]' run2.json)" full

# What it refuses.
fails 2 "no --dataset" "$HM" attest run --model tuned --base-model base --no-progress
fails 1 "a statement that is not a dataset" "$HM" attest run --model tuned --base-model base \
	--dataset run.json --no-progress
like "says so" 'not a dataset statement' "$T/.err"
fails 2 "a missing dataset file" "$HM" attest run --model tuned --base-model base --dataset nope.json --no-progress
fails 2 "a bad start time" "$HM" attest run --model tuned --base-model base --dataset d1.json \
	--started yesterday --no-progress
like "names the time" 'yesterday.*RFC 3339' "$T/.err"
fails 2 "a short sha256: base reference" "$HM" attest run --model tuned --base-model sha256:abc \
	--dataset d1.json --no-progress
fails 2 "code outside a git work tree" "$HM" attest run --model tuned --base-model base \
	--dataset d1.json --code data --no-progress
like "says it is not in a work tree" 'not in a git work tree' "$T/.err"
printf '[1,2]' >bad-cfg.json
fails 1 "a config that is not an object" "$HM" attest run --model tuned --base-model base \
	--dataset d1.json --config bad-cfg.json --no-progress
printf '{"lr":1,"lr":2}' >dup-cfg.json
fails 1 "a config with a duplicate key" "$HM" attest run --model tuned --base-model base \
	--dataset d1.json --config dup-cfg.json --no-progress

done_testing
