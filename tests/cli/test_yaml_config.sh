#!/bin/sh
# YAML where trainers and operators write it: `attest run --config FILE.yaml` records an
# Axolotl, TRL or LLaMA-Factory configuration as the JSON PyYAML reads it (checked exactly)
# plus the file's digest; `verify --policy FILE.yaml` holds a YAML policy to the rules of
# its JSON twin. Tags, several documents, merge keys and alias bombs are refused.
. tests/cli/lib.sh
cd "$T" || exit 1
. "$OLDPWD/tests/cli/fixture_bundle.sh"

if ! command -v python3 >/dev/null 2>&1; then
	skip "YAML configs" "python3 is needed to read the statements"
	done_testing
	exit
fi
# hp FILE: the recorded hyperparameters, compact with sorted keys.
hp() { python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(json.dumps(s["predicate"]["buildDefinition"]["externalParameters"]["hyperparameters"], sort_keys=True, separators=(",",":")))' "$1"; }
ext() { python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); e=s["predicate"]["buildDefinition"]["externalParameters"]; print(eval(sys.argv[2]))' "$1" "$2"; }
run() { "$HM" attest run --model model --base-model base --dataset d.json --no-progress --config "$@"; }

cat >axolotl.yaml <<'Y'
# Axolotl: QLoRA on Llama 2
base_model: NousResearch/Llama-2-7b-hf
model_type: LlamaForCausalLM
load_in_8bit: false
load_in_4bit: true
strict: false
datasets:
  - path: mhenrichsen/alpaca_2k_test
    type: alpaca
dataset_prepared_path:
val_set_size: 0.05
output_dir: ./outputs/qlora-out
adapter: qlora
lora_r: 32
lora_alpha: 16
lora_dropout: 0.05
lora_target_linear: true
lora_target_modules:
  - q_proj
  - v_proj
sequence_len: 4096
sample_packing: yes
wandb_project: ~
gradient_accumulation_steps: 4
micro_batch_size: 2
num_epochs: 4
optimizer: paged_adamw_32bit
lr_scheduler: cosine
learning_rate: 0.0002
train_on_inputs: false
bf16: auto
tf32: false
special_tokens:
  pad_token: "<pad>"
seed: "042"
revision_of_model: '1.0'
Y
ok "attest run --config axolotl.yaml" run axolotl.yaml -o ax.json
is "Axolotl config recorded exactly (booleans, yes, ~, numbers, lists, quoted numbers stay strings)" "$(hp ax.json)" \
'{"adapter":"qlora","base_model":"NousResearch/Llama-2-7b-hf","bf16":"auto","dataset_prepared_path":null,"datasets":[{"path":"mhenrichsen/alpaca_2k_test","type":"alpaca"}],"gradient_accumulation_steps":4,"learning_rate":0.0002,"load_in_4bit":true,"load_in_8bit":false,"lora_alpha":16,"lora_dropout":0.05,"lora_r":32,"lora_target_linear":true,"lora_target_modules":["q_proj","v_proj"],"lr_scheduler":"cosine","micro_batch_size":2,"model_type":"LlamaForCausalLM","num_epochs":4,"optimizer":"paged_adamw_32bit","output_dir":"./outputs/qlora-out","revision_of_model":"1.0","sample_packing":true,"seed":"042","sequence_len":4096,"special_tokens":{"pad_token":"<pad>"},"strict":false,"tf32":false,"train_on_inputs":false,"val_set_size":0.05,"wandb_project":null}'
is "the config file is named with its digest and type" "$(ext ax.json 'e["config"]["name"], e["config"]["digest"]["sha256"], e["config"]["mediaType"]')" \
	"('axolotl.yaml', '$(sha256sum axolotl.yaml | cut -d' ' -f1)', 'application/yaml')"
is "the method is unspecified when the config has none" "$(ext ax.json 'e["method"]')" unspecified

cat >trl.yml <<'Y'
# TRL sft: trl sft --config trl.yml
model_name_or_path: Qwen/Qwen2-0.5B
dataset_name: trl-lib/Capybara
method: lora
learning_rate: 2.0e-5
lr2: 2e-5
num_train_epochs: 1
packing: True
per_device_train_batch_size: 2
gradient_checkpointing: On
logging_steps: 25
eval_strategy: "no"
use_peft: true
lora_r: 0x20
lora_target_modules: [q_proj, k_proj]
report_to: none
push_to_hub: NO
Y
ok "attest run --config trl.yml" run trl.yml -o trl.json
is "TRL config recorded as PyYAML reads it (2e-5 without a dot stays a string, 0x20 is 32, On/NO booleans)" "$(hp trl.json)" \
'{"dataset_name":"trl-lib/Capybara","eval_strategy":"no","gradient_checkpointing":true,"learning_rate":2e-05,"logging_steps":25,"lora_r":32,"lora_target_modules":["q_proj","k_proj"],"lr2":"2e-5","model_name_or_path":"Qwen/Qwen2-0.5B","num_train_epochs":1,"packing":true,"per_device_train_batch_size":2,"push_to_hub":false,"report_to":"none","use_peft":true}'
is "the method comes from the YAML config" "$(ext trl.json 'e["method"]')" lora

cat >llamafactory.yaml <<'Y'
### model
model_name_or_path: meta-llama/Meta-Llama-3-8B-Instruct
trust_remote_code: true

### method
stage: sft
do_train: true
finetuning_type: lora
lora_rank: 8
lora_target: all

### dataset
dataset: identity,alpaca_en_demo
template: llama3
cutoff_len: 2048
max_samples: 1000
overwrite_cache: true
preprocessing_num_workers: 16

### train
per_device_train_batch_size: 1
gradient_accumulation_steps: 8
learning_rate: 1.0e-4
num_train_epochs: 3.0
lr_scheduler_type: cosine
warmup_ratio: 0.1
bf16: true
ddp_timeout: 180000000
resume_from_checkpoint: null
defaults: &defaults
  eval_steps: 500
  per_device_eval_batch_size: 1
eval: *defaults
Y
ok "attest run --config llamafactory.yaml" run llamafactory.yaml -o lf.json
is "LLaMA-Factory config recorded exactly (1.0e-4, 3.0, null, an alias expanded)" "$(hp lf.json)" \
'{"bf16":true,"cutoff_len":2048,"dataset":"identity,alpaca_en_demo","ddp_timeout":180000000,"defaults":{"eval_steps":500,"per_device_eval_batch_size":1},"do_train":true,"eval":{"eval_steps":500,"per_device_eval_batch_size":1},"finetuning_type":"lora","gradient_accumulation_steps":8,"learning_rate":0.0001,"lora_rank":8,"lora_target":"all","lr_scheduler_type":"cosine","max_samples":1000,"model_name_or_path":"meta-llama/Meta-Llama-3-8B-Instruct","num_train_epochs":3.0,"overwrite_cache":true,"per_device_train_batch_size":1,"preprocessing_num_workers":16,"resume_from_checkpoint":null,"stage":"sft","template":"llama3","trust_remote_code":true,"warmup_ratio":0.1}'
if python3 -c 'import yaml' 2>/dev/null; then
	for f in axolotl.yaml trl.yml llamafactory.yaml; do
		want=$(python3 -c 'import json,sys,yaml; d=yaml.safe_load(open(sys.argv[1])); d.pop("method",None); print(json.dumps(d, sort_keys=True, separators=(",",":")))' "$f")
		case $f in trl.yml) j=trl.json;; axolotl.yaml) j=ax.json;; *) j=lf.json;; esac
		is "$f: the same JSON as PyYAML's safe_load" "$(hp $j)" "$want"
	done
else
	skip "the same JSON as PyYAML's safe_load" "PyYAML is not installed"
fi
printf '{"learning_rate":0.0002,"lora_r":32}\n' >twin.json
printf 'learning_rate: 0.0002\nlora_r: 32\n' >twin.yaml
run twin.json -o tj.json 2>/dev/null; run twin.yaml -o ty.json 2>/dev/null
is "a YAML config and its JSON twin record the same hyperparameters" "$(hp ty.json)" "$(hp tj.json)"
is "the JSON config is named as JSON" "$(ext tj.json 'e["config"]["mediaType"]')" application/json

# Refused, with the line and the reason.
printf 'lr: !!float 1e-5\n' >tag.yaml
fails 1 "a YAML tag is refused" run tag.yaml
like "naming it" "tag.yaml line 1: YAML tags \(tag:yaml.org,2002:float\) are not supported" "$T/.err"
printf 'lr: 1\n---\nlr: 2\n' >two.yaml
fails 1 "a second document is refused" run two.yaml
like "naming its line" "two.yaml line 2: a second YAML document" "$T/.err"
printf 'base: &b {lr: 1}\nrun:\n  <<: *b\n' >merge.yaml
fails 1 "a merge key is refused" run merge.yaml
like "saying why" "merge keys" "$T/.err"
python3 -c '
s = "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
for i in range(1, 9):
    s += "%s: &%s [%s]\n" % (chr(97 + i), chr(97 + i), ",".join(["*" + chr(96 + i)] * 10))
open("laughs.yaml", "w").write(s)'
fails 1 "a billion laughs is refused" run laughs.yaml
like "by the expansion limit" "expands to more than 100000 nodes" "$T/.err"
printf 'lr: 1\nlr: 2\n' >dup.yaml
fails 1 "a duplicate key is refused" run dup.yaml
printf -- '- a\n- b\n' >list.yaml
fails 1 "a config that is a list is refused" run list.yaml
like "it must be a mapping" "must be a YAML mapping" "$T/.err"
printf 'lr: [1\n' >broken.yaml
fails 1 "broken YAML is refused with the parser's reason" run broken.yaml
like "and its position" "broken.yaml line [0-9]+ column [0-9]+" "$T/.err"

# Policies in YAML: the same verdict as the JSON twin; an unknown key is exit 2.
cat >p.json <<'J'
{"max_harmfulness_rate": 0.01, "require_training_code": false, "benchmarks": ["HEx-PHI"]}
J
cat >p.yaml <<'Y'
# the same policy
max_harmfulness_rate: 0.01
require_training_code: false
benchmarks:
  - HEx-PHI
Y
cat >ok.yaml <<'Y'
version: 1
require_training_code: no        # YAML 1.1: false
max_category_harmfulness_rate: ~ # null: no limit
max_harmfulness_rate_increase: 0.05
decide_on: point                 # the audit's estimates, not their 95% upper bounds
Y
vp() { "$HM" verify model --bundle good.jsonl --key pub.pub --auditor-key aud.pub --no-progress --policy "$@"; }
vp p.json >pj.out 2>&1; st_json=$?
vp p.yaml >py.out 2>&1; st_yaml=$?
is "a strict YAML policy fails like its JSON twin (exit 1)" "$st_yaml $st_json" "1 1"
is "with the same checks and reasons" "$(sed 1d py.out)" "$(sed 1d pj.out)"
vp p.json --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["policy"])' >pj.pol 2>&1
vp p.yaml --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["policy"])' >py.pol 2>&1
is "and the same effective policy in the report" "$(cat py.pol)" "$(cat pj.pol)"
ok "a lenient YAML policy (no, ~) lets the same bundle verify" vp ok.yaml
printf 'max_harmfulness_rate: 0.01\nrequire_trainig_code: false\n' >typo.yaml
fails 2 "a YAML policy with an unknown key is exit 2" vp typo.yaml
like "naming the key" "typo.yaml: unknown policy key \"require_trainig_code\"" "$T/.err"
printf 'max_harmfulness_rate: 5e-2\n' >str.yaml
fails 2 "5e-2 is a string in YAML 1.1: refused as not a number" vp str.yaml
like "saying it must be a number" "must be a number" "$T/.err"
printf 'require_audit: !!bool true\n' >tagp.yaml
fails 2 "a tag in a YAML policy is exit 2" vp tagp.yaml
done_testing
