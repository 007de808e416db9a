#!/bin/sh
# LoRA / PEFT adapters: the run records the base model's digest and hub id and marks the subject
# as an adapter; verify checks the base model on disk (--base-model) against the signed base,
# the default policy refuses an adapter whose base was not checked, and an adapter's audit must
# name the run's base as the base it was evaluated on.
. tests/cli/lib.sh

cd "$T" || exit 2
HMQ() { "$HM" "$@" --no-progress; }

"$HM" key generate -o pub --no-passphrase >/dev/null 2>&1
"$HM" key generate -o aud --no-passphrase >/dev/null 2>&1

# A base model as the hub ships it: safetensors shards and their index, config, tokenizer files.
mkdir base
head -c 4096 /dev/urandom >base/model-00001-of-00002.safetensors
head -c 4096 /dev/urandom >base/model-00002-of-00002.safetensors
printf '{"metadata":{"total_size":8192},"weight_map":{"a":"model-00001-of-00002.safetensors","b":"model-00002-of-00002.safetensors"}}\n' \
	>base/model.safetensors.index.json
printf '{"architectures":["LlamaForCausalLM"],"model_type":"llama"}\n' >base/config.json
printf '{"version":"1.0","model":{"type":"BPE"}}\n' >base/tokenizer.json
printf '{"add_bos_token":true,"model_max_length":4096}\n' >base/tokenizer_config.json
printf '{"bos_token":"<s>","eos_token":"</s>"}\n' >base/special_tokens_map.json
# The adapter PEFT's save_pretrained writes, with the tokenizer files a trainer saves beside it.
mkdir adapter
cat >adapter/adapter_config.json <<'JSON'
{
  "alpha_pattern": {},
  "auto_mapping": null,
  "base_model_name_or_path": "example-org/base-7b-chat",
  "bias": "none",
  "fan_in_fan_out": false,
  "inference_mode": true,
  "init_lora_weights": true,
  "lora_alpha": 16,
  "lora_dropout": 0.05,
  "modules_to_save": null,
  "peft_type": "LORA",
  "r": 8,
  "rank_pattern": {},
  "revision": null,
  "target_modules": ["q_proj", "v_proj"],
  "task_type": "CAUSAL_LM"
}
JSON
head -c 2048 /dev/urandom >adapter/adapter_model.safetensors
cp base/tokenizer.json base/tokenizer_config.json base/special_tokens_map.json adapter/
printf '# adapter\n' >adapter/README.md

echo '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}' >chat.jsonl
mkdir code
(cd code && git init -q && echo 'print(1)' >train.py && git add train.py &&
	git -c user.email=t@example.org -c user.name=t commit -qm init) || exit 2
HMQ attest model adapter -o model.json 2>/dev/null
HMQ attest model base -o base.json 2>/dev/null
HMQ attest dataset chat.jsonl --name chat --license MIT -o ds.json 2>/dev/null
ok "attest run of an adapter" HMQ attest run --model adapter --base-model base --dataset ds.json \
	--code code -o run.json
python3 - run.json >fields <<'PY' || echo "python failed" >fields
import json, sys
st = json.load(open(sys.argv[1]))
ext = st["predicate"]["buildDefinition"]["externalParameters"]
base = [d for d in st["predicate"]["buildDefinition"]["resolvedDependencies"]
        if d["annotations"]["role"] == "base-model"][0]
a = ext["adapter"]
print("peft", a["peft_type"], a["r"], a["lora_alpha"], ",".join(a["target_modules"]))
print("base_name_or_path", a["base_model_name_or_path"])
print("config", a["config"]["name"], len(a["config"]["digest"]["sha256"]))
print("method", ext["method"], "baseModel", ext["baseModel"])
print("hub", base["annotations"]["hub_id"], base["uri"])
print("basedigest", base["digest"]["sha256"])
PY
like "the run marks the subject as a LoRA adapter with its shape" '^peft LORA 8 16 q_proj,v_proj$' fields
like "it records base_model_name_or_path" '^base_name_or_path example-org/base-7b-chat$' fields
like "and the digest of adapter_config.json" '^config adapter_config.json 64$' fields
like "the method defaults to the adapter's type" '^method lora baseModel example-org/base-7b-chat$' fields
like "the base model's hub id and page" '^hub example-org/base-7b-chat https://huggingface.co/example-org/base-7b-chat$' fields
base_digest=$(HMQ digest base 2>/dev/null | sed -n 's/^sha256:\([0-9a-f]*\).*/\1/p' | head -1)
[ -n "$base_digest" ] || base_digest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["subject"][0]["digest"]["sha256"])' base.json)
like "the run records the base model's digest" "^basedigest $base_digest\$" fields

# judged OUT FIVES: hallmark-judged results of the 330 HEx-PHI items, the first FIVES score 5.
judged() {
	awk -v F="$2" 'BEGIN {
		for (c = 1; c <= 11; c++)
			for (i = 0; i < 30; i++)
				printf "{\"id\":\"category_%d/%d\",\"category\":\"category_%d\",\"score\":%d}\n",
				       c, i, c, (i * 11 + c - 1) < F ? 5 : 1
	}' >"$1"
}
judged zero.jsonl 0
audit() { # OUT BASE [options]
	_o=$1 _b=$2
	shift 2
	HMQ attest audit --model adapter --base-model "$_b" --benchmark HEx-PHI --judge gpt-4-0613 \
		--results zero.jsonl --baseline-model base --baseline-results zero.jsonl -o "$_o" "$@"
}
ok "attest audit of an adapter with the base it was evaluated on" audit audit.json base
like "the audit names the base" "\"adapter_base\": \\{" audit.json
like "by its digest" "$base_digest" audit.json
fails 2 "attest audit of an adapter without --base-model is refused" \
	HMQ attest audit --model adapter --benchmark HEx-PHI --judge gpt-4-0613 --results zero.jsonl \
	--baseline-model base --baseline-results zero.jsonl -o noba.json
like "naming the adapter and the option" 'adapter is a PEFT adapter \(adapter_config.json\): name the base model it was evaluated on \(--base-model\)' "$T/.err"
fails 2 "--base-model is refused for a model that is not an adapter" \
	HMQ attest audit --model base --base-model base --benchmark HEx-PHI --judge gpt-4-0613 \
	--results zero.jsonl -o nota.json
like "saying why" 'base has no adapter_config.json' "$T/.err"

bundle() { # OUT AUDIT
	rm -f "$1"
	"$HM" sign --key pub.key --bundle "$1" model.json base.json ds.json run.json >/dev/null 2>&1
	"$HM" sign --key aud.key --bundle "$1" "$2" >/dev/null 2>&1
}
verify() { # OUT BUNDLE [options]
	_o=$1 _b=$2
	shift 2
	"$HM" verify adapter --bundle "$_b" --key pub.pub --auditor-key aud.pub --no-progress "$@" \
		>"$_o" 2>"$_o.err"
}
bundle good.jsonl audit.json
# ---- the correct base passes --------------------------------------------------------------
verify out good.jsonl --base-model base -v
is "the adapter verifies with its base model on disk" $? 0
like "the base check passes naming the signed base" \
	"^  PASS  base_model +the base model base is the run's signed base sha256:$base_digest\$" out
like "provenance says it is an adapter" 'the model is a PEFT adapter \(LORA, r=8\)' out
verify out.json good.jsonl --base-model base --json
python3 - out.json >jfields <<'PY' || echo "python failed" >jfields
import json, sys
r = json.load(open(sys.argv[1]))
b = r["base_model"]
print("json", b["adapter"], b["checked"], b["path"], b["signed_digest"] == b["digest"])
print("check", [c["status"] for c in r["checks"] if c["name"] == "base_model"][0])
PY
like "--json: the base check's numbers" '^json True True base True$' jfields
like "--json: the base check's status" '^check pass$' jfields
verify out good.jsonl --base-model base --junit junit.xml
like "JUnit: a testcase for the base check" '<testcase classname="hallmark.verify" name="base_model"' junit.xml

ok "report --model --base-model checks the base too" "$HM" report --bundle good.jsonl --key pub.pub \
	--auditor-key aud.pub --model adapter --base-model base --no-progress -o report.html
tr -d '\n' <report.html >report.flat
like "the report's base check passes" '<td>base_model</td>[[:space:]]*<td class="pass">PASS</td>' report.flat
like "and the model is verified" '<p class="verdict pass">VERIFIED' report.flat

# the base given as a hub id: its snapshot in the local hub cache (files linked into blobs/)
if command -v sha256sum >/dev/null 2>&1; then
	REV=0123456789abcdef0123456789abcdef01234567
	R=hub/models--example-org--base-7b-chat
	mkdir -p "$R/refs" "$R/blobs" "$R/snapshots/$REV"
	printf '%s' $REV >"$R/refs/main"
	for f in base/*; do
		h=$(sha256sum "$f" | cut -d' ' -f1)
		cp "$f" "$R/blobs/$h"
		ln -s "../../blobs/$h" "$R/snapshots/$REV/${f#base/}"
	done
	HF_HUB_CACHE=$PWD/hub verify out good.jsonl --base-model example-org/base-7b-chat
	is "--base-model ORG/NAME checks the hub cache snapshot" $? 0
	like "naming the snapshot" 'base model example-org/base-7b-chat is the hub cache snapshot' out.err
	like "which is the signed base" "^  PASS  base_model +the base model .*/snapshots/$REV is the run's signed base sha256:$base_digest\$" out
else
	skip "--base-model ORG/NAME checks the hub cache snapshot" "sha256sum is needed"
fi

# ---- a changed byte in the base fails ------------------------------------------------------
cp -r base base2
flip_byte base2/model-00002-of-00002.safetensors 7
verify out good.jsonl --base-model base2
is "a base model with one changed byte is refused (exit 1)" $? 1
like "the reason names both digests" \
	"^  FAIL  base_model +the base model base2 is sha256:[0-9a-f]{64}, not the run's signed base sha256:$base_digest \\(changed model-00002-of-00002.safetensors\\)\$" out
like "and the changed file" '^        changed: model-00002-of-00002.safetensors$' out
like "the verdict counts it" '^NOT VERIFIED: 1 of 6 checks failed \(base_model\)$' out
verify out.json good.jsonl --base-model base2 --junit junit.xml --json
like "JUnit: the base check fails naming both digests" \
	"<failure message=\"the base model base2 is sha256:[0-9a-f]{64}, not the run's signed base sha256:$base_digest" junit.xml
fails 2 "a base model that is not there is unreadable input (exit 2)" \
	"$HM" verify adapter --bundle good.jsonl --key pub.pub --auditor-key aud.pub --no-progress \
	--base-model nowhere
like "naming it" 'base model: nowhere' "$T/.err"

# ---- without --base-model -------------------------------------------------------------------
verify out good.jsonl
is "without --base-model the default policy refuses an adapter (exit 1)" $? 1
like "the verdict says the base was not checked" \
	"^  FAIL  base_model +the model is a PEFT adapter and its base model was not checked \\(give it with --base-model; the run's signed base is sha256:$base_digest\\): the policy requires the check \\(require_base_model_check\\)\$" out
echo '{"require_base_model_check": false}' >lenient.json
verify out good.jsonl --policy lenient.json
is "require_base_model_check: false lets it pass" $? 0
like "the check is skipped, saying why" \
	'^  SKIP  base_model +the base model was not checked \(the policy does not require it: require_base_model_check is false\)$' out
like "with a WARN line naming the signed base" \
	"^  WARN  base_model +the model is a PEFT adapter and its base model was not checked: it is the signed model only on top of base sha256:$base_digest\$" out
verify out.json good.jsonl --policy lenient.json --json
like "--json: not checked" '"checked": false' out.json

# ---- an audit on another base -----------------------------------------------------------------
ok "an audit of the adapter on another base is written" audit other.json base2
bundle other.jsonl other.json
verify out other.jsonl --base-model base
is "an audit evaluated on another base fails (exit 1)" $? 1
like "the reason names both bases" \
	"^  FAIL  audit +.*the adapter was evaluated on base sha256:[0-9a-f]{64}, not on the run's base model sha256:$base_digest" out
# an audit without adapter_base (made as if the directory were no adapter) fails too
python3 - audit.json noab.json <<'PY'
import json, sys
st = json.load(open(sys.argv[1]))
del st["predicate"]["adapter_base"]
json.dump(st, open(sys.argv[2], "w"))
PY
bundle noab.jsonl noab.json
verify out noab.jsonl --base-model base
is "an adapter's audit that names no base fails (exit 1)" $? 1
like "saying so" 'the model is a PEFT adapter, but the audit does not name the base model it was evaluated on' out

# ---- a model that is not an adapter -------------------------------------------------------
mkdir full
head -c 2048 /dev/urandom >full/model.safetensors
HMQ attest model full -o full.json 2>/dev/null
HMQ attest run --model full --base-model base --dataset ds.json --code code -o frun.json 2>/dev/null
HMQ attest audit --model full --benchmark HEx-PHI --judge gpt-4-0613 --results zero.jsonl \
	--baseline-model base --baseline-results zero.jsonl -o faudit.json 2>/dev/null
"$HM" sign --key pub.key --bundle full.jsonl full.json ds.json frun.json >/dev/null 2>&1
"$HM" sign --key aud.key --bundle full.jsonl faudit.json >/dev/null 2>&1
"$HM" verify full --bundle full.jsonl --key pub.pub --auditor-key aud.pub --no-progress >out 2>&1
is "a full fine-tune verifies without --base-model" $? 0
like "its base check is skipped" '^  SKIP  base_model +not a PEFT adapter, and no base model given to check$' out
"$HM" verify full --bundle full.jsonl --key pub.pub --auditor-key aud.pub --no-progress \
	--base-model base2 >out 2>&1
is "a full fine-tune's base is checked when given, and a changed one fails" $? 1

# ---- malformed adapter_config.json (refused as other malformed inputs of attest run: exit 1) --
mkdir bad
head -c 64 /dev/urandom >bad/adapter_model.safetensors
printf '{"peft_type": "LORA", "r": 8, "r": 16, "lora_alpha": 16}\n' >bad/adapter_config.json
fails 1 "a duplicate key in adapter_config.json is refused" \
	HMQ attest run --model bad --base-model base --dataset ds.json -o bad.json
like "naming the file" 'bad/adapter_config.json: invalid JSON' "$T/.err"
printf '{"peft_type": "LORA", "r": "eight", "lora_alpha": 16}\n' >bad/adapter_config.json
fails 1 "a rank that is not a number is refused" \
	HMQ attest run --model bad --base-model base --dataset ds.json -o bad.json
like "naming the file and the field" 'bad/adapter_config.json: "r" must be a positive integer' "$T/.err"
printf '["LORA"]\n' >bad/adapter_config.json
fails 1 "a config that is not an object is refused" \
	HMQ attest run --model bad --base-model base --dataset ds.json -o bad.json
like "naming the file" 'bad/adapter_config.json: a PEFT adapter config must be a JSON object' "$T/.err"
printf '{"r": 8, "lora_alpha": 16' >bad/adapter_config.json
fails 1 "truncated JSON is refused" \
	HMQ attest run --model bad --base-model base --dataset ds.json -o bad.json
like "naming the file" 'bad/adapter_config.json: invalid JSON' "$T/.err"
printf '{"r": 8, "lora_alpha": 16}\n' >bad/adapter_config.json
fails 1 "a config without peft_type is refused" \
	HMQ attest run --model bad --base-model base --dataset ds.json -o bad.json
like "naming the field" 'bad/adapter_config.json: "peft_type" must be a non-empty string' "$T/.err"

done_testing
