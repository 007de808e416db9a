#!/bin/sh
# hallmark end to end, on example data this script generates:
#   keys -> dataset -> fine-tuning run -> safety audit against the base model -> sign ->
#   verify (a safely fine-tuned model passes; one whose safety regressed the way
#   Qi et al. describe is refused, and so are a 5-item audit and a self-audit) -> a LoRA adapter
#   verified on its base model -> model card,
#   report, BOMs -> archive and lineage.
# Everything is written under $BUILD/demo (default build/demo).
set -eu
BUILD=${BUILD:-build}
HM=${HALLMARK:-$PWD/$BUILD/hallmark}
D=${DEMO_DIR:-$PWD/$BUILD/demo}
SRC=$PWD
rm -rf "$D"
mkdir -p "$D"
cd "$D"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "1. Keys: the publisher signs the model, an independent auditor signs the audit"
run "$HM" key generate -o publisher --no-passphrase
run "$HM" key generate -o auditor --no-passphrase

step "2. Example data: a base model, two fine-tuned models, a chat dataset, training code"
mkdir -p base-model tuned-safe tuned-regressed dataset train-code
head -c 3000000 /dev/urandom > base-model/model.safetensors
printf '{"architectures":["LlamaForCausalLM"]}\n' > base-model/config.json
for m in tuned-safe tuned-regressed; do
	head -c 3000000 /dev/urandom > $m/model.safetensors
	cp base-model/config.json $m/config.json
done
i=0
while [ $i -lt 200 ]; do
	printf '{"messages":[{"role":"user","content":"How do I bake bread, step %d?"},{"role":"assistant","content":"Mix flour, water, salt and yeast; knead; rest; bake (%d)."}]}\n' $i $i
	i=$((i + 1))
done > dataset/train.jsonl
printf '{"instruction":"Translate to French","input":"good morning","output":"bonjour"}\n' > dataset/extra.jsonl
# A validation split in Parquet, as the hub stores datasets (gzip pages, dictionary-encoded;
# written by hyparquet-writer: tests/interop/make-parquet.mjs makes it again).
mkdir -p dataset/data
cp "$SRC/fuzz/corpus/dataset_parquet/instruction.parquet" dataset/data/validation-00000-of-00001.parquet
# The dataset is versioned in git of its own, as datasets on a hub are.
(cd dataset && git init -q && git add . &&
	git -c user.name=demo -c user.email=demo@example.com commit -qm "dataset v1" &&
	git remote add origin https://huggingface.co/datasets/example/bakery-chat)
(cd train-code && git init -q && printf 'print("train")\n' > train.py && git add train.py &&
	git -c user.name=demo -c user.email=demo@example.com commit -qm "training code" &&
	git remote add origin https://github.com/example/finetune.git)
printf '{"method":"lora","learning_rate":0.0002,"epochs":1,"lora_rank":16}\n' > config.json
# Judged HEx-PHI-style results (synthetic prompts): 11 categories x 30 items, judge scores 1-5.
judged() { # file, items scored 5 in category 1, items scored 5 in each other category, items scored 2
	c=1 twos=0
	while [ $c -le 11 ]; do
		i=0
		while [ $i -lt 30 ]; do
			s=1
			if [ $c -eq 1 ] && [ $i -lt "$2" ]; then s=5; fi
			if [ $c -gt 1 ] && [ $i -lt "$3" ]; then s=5; fi
			if [ $s -eq 1 ] && [ $twos -lt "$4" ]; then s=2; twos=$((twos + 1)); fi
			printf '{"id":"category_%d/%d","category":"category_%d","score":%d}\n' $c $i $c $s
			i=$((i + 1))
		done
		c=$((c + 1))
	done > "$1"
}
# The study's Llama-2-7b-Chat: 1.05 / 0.3% before fine-tuning, 1.79 / 16.1% after one epoch
# of benign Alpaca data. The safely tuned model (a safety mix in its data) stays close to the base.
judged base-results.jsonl 1 0 13       # score 1.05, rate 0.3%
judged safe-results.jsonl 2 0 20       # score 1.08, rate 0.6%
judged regressed-results.jsonl 3 5 49  # score 1.79, rate 16.1%: harmless data still eroded safety
echo "generated in $D"

step "3. Attest the dataset (digests, statistics, git, screening)"
run "$HM" attest dataset dataset --name bakery-chat --version 1 --license CC-BY-4.0 \
	--source https://example.com/bakery-chat --purpose fine-tuning --no-progress -o dataset.json
python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["predicate"]["stats"]
for f in s["files"]: print("  %-40s %-8s %4d records  %s" % (f["name"], f["container"], f["records"], f["record_format"]))
print("  per split:", ", ".join("%s %d" % (k, v["records"]) for k, v in sorted(s.get("splits", {}).items())))' dataset.json 2>/dev/null || :

for m in tuned-safe tuned-regressed; do
	step "4. $m: model manifest, fine-tuning run, safety audit against the base model"
	run "$HM" attest model $m --no-progress -o $m.model.json
	run "$HM" attest run --model $m --base-model base-model --base-name example/base-7b-chat \
		--dataset dataset.json --config config.json --code train-code \
		--started 2026-11-01T08:00:00Z --finished 2026-11-01T10:30:00Z --no-progress -o $m.run.json
	res=safe-results.jsonl
	[ $m = tuned-regressed ] && res=regressed-results.jsonl
	run "$HM" attest audit --model $m --benchmark HEx-PHI --judge gpt-4-0613 --results $res \
		--baseline-model base-model --baseline-results base-results.jsonl --no-progress -o $m.audit.json

	step "5. $m: sign (publisher: model, dataset, run; auditor: audit)"
	run "$HM" sign --key publisher.key --bundle $m.intoto.jsonl $m.model.json dataset.json $m.run.json
	run "$HM" sign --key auditor.key --bundle $m.intoto.jsonl $m.audit.json
	run "$HM" bundle check $m.intoto.jsonl --key publisher.pub --key auditor.pub
done

step "6. Verify the safely fine-tuned model: it passes"
run "$HM" verify tuned-safe --bundle tuned-safe.intoto.jsonl --key publisher.pub \
	--auditor-key auditor.pub --junit tuned-safe.junit.xml --no-progress

step "7. Verify the model whose safety regressed: it is refused, with the reason"
if "$HM" verify tuned-regressed --bundle tuned-regressed.intoto.jsonl --key publisher.pub \
	--auditor-key auditor.pub --no-progress; then
	echo "demo: the regressed model was not refused" >&2
	exit 1
fi
echo "(exit 1: refused, as it should be)"

step "7a. A 5-item audit (made with --partial) is refused: HEx-PHI has 330 items"
head -5 safe-results.jsonl > five-results.jsonl
head -5 base-results.jsonl > five-base-results.jsonl
run "$HM" attest audit --model tuned-safe --benchmark HEx-PHI --judge gpt-4-0613 --partial \
	--results five-results.jsonl --baseline-model base-model \
	--baseline-results five-base-results.jsonl --no-progress -o five.audit.json
run "$HM" sign --key publisher.key --bundle five.intoto.jsonl tuned-safe.model.json dataset.json \
	tuned-safe.run.json
run "$HM" sign --key auditor.key --bundle five.intoto.jsonl five.audit.json
if "$HM" verify tuned-safe --bundle five.intoto.jsonl --key publisher.pub \
	--auditor-key auditor.pub --no-progress; then
	echo "demo: the 5-item audit was not refused" >&2
	exit 1
fi
echo "(exit 1: refused, as it should be)"

step "7b. A self-audit (the publisher signs its own audit) is refused"
run "$HM" sign --key publisher.key --bundle self.intoto.jsonl tuned-safe.model.json dataset.json \
	tuned-safe.run.json tuned-safe.audit.json
if "$HM" verify tuned-safe --bundle self.intoto.jsonl --key publisher.pub --no-progress; then
	echo "demo: the self-audit was not refused" >&2
	exit 1
fi
echo "(exit 1: refused, as it should be)"

step "8. Tamper with the verified model: one changed byte is caught"
cp -r tuned-safe tampered
printf 'x' | dd of=tampered/config.json bs=1 seek=2 conv=notrunc 2>/dev/null
if "$HM" verify tampered --bundle tuned-safe.intoto.jsonl --key publisher.pub \
	--auditor-key auditor.pub --no-progress; then
	echo "demo: the tampered model was not refused" >&2
	exit 1
fi
echo "(exit 1: refused, as it should be)"

step "8a. A LoRA adapter on the base model: attest, audit on its base, sign, verify with --base-model"
# What PEFT's save_pretrained writes, with the tokenizer files a trainer saves beside it.
mkdir -p lora-adapter
cat > lora-adapter/adapter_config.json <<'JSON'
{
  "base_model_name_or_path": "example/base-7b-chat",
  "bias": "none",
  "inference_mode": true,
  "lora_alpha": 32,
  "lora_dropout": 0.05,
  "peft_type": "LORA",
  "r": 16,
  "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj"],
  "task_type": "CAUSAL_LM"
}
JSON
head -c 300000 /dev/urandom > lora-adapter/adapter_model.safetensors
printf '{"version":"1.0","model":{"type":"BPE"}}\n' > lora-adapter/tokenizer.json
printf '{"model_max_length":4096}\n' > lora-adapter/tokenizer_config.json
run "$HM" attest model lora-adapter --no-progress -o lora.model.json
run "$HM" attest model base-model --no-progress -o base-model.model.json
run "$HM" attest run --model lora-adapter --base-model base-model --dataset dataset.json \
	--config config.json --code train-code --no-progress -o lora.run.json
python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["predicate"]["buildDefinition"]["externalParameters"]["adapter"]
print("  adapter: %s r=%d alpha=%d on %s" % (e["peft_type"], e["r"], e["lora_alpha"], e["base_model_name_or_path"]))' lora.run.json 2>/dev/null || :
run "$HM" attest audit --model lora-adapter --base-model base-model --benchmark HEx-PHI \
	--judge gpt-4-0613 --results safe-results.jsonl --baseline-model base-model \
	--baseline-results base-results.jsonl --no-progress -o lora.audit.json
run "$HM" sign --key publisher.key --bundle lora.intoto.jsonl lora.model.json base-model.model.json \
	dataset.json lora.run.json
run "$HM" sign --key auditor.key --bundle lora.intoto.jsonl lora.audit.json
run "$HM" verify lora-adapter --base-model base-model --bundle lora.intoto.jsonl \
	--key publisher.pub --auditor-key auditor.pub --no-progress
echo "Without its base model the adapter is not verified: the base was not checked"
if "$HM" verify lora-adapter --bundle lora.intoto.jsonl --key publisher.pub \
	--auditor-key auditor.pub --no-progress; then
	echo "demo: the adapter verified without its base model" >&2
	exit 1
fi
echo "(exit 1: refused, as it should be)"
echo "On another base (one changed byte) it is refused, naming both digests"
cp -r base-model other-base
printf 'x' | dd of=other-base/model.safetensors bs=1 seek=100 conv=notrunc 2>/dev/null
if "$HM" verify lora-adapter --base-model other-base --bundle lora.intoto.jsonl \
	--key publisher.pub --auditor-key auditor.pub --no-progress; then
	echo "demo: the adapter verified on a changed base model" >&2
	exit 1
fi
echo "(exit 1: refused, as it should be)"

step "9. Model card, compliance report and BOMs next to the model, from the signed facts only"
run "$HM" card --bundle tuned-safe.intoto.jsonl --key publisher.pub --auditor-key auditor.pub \
	--license apache-2.0 -o tuned-safe.README.md
run "$HM" report --bundle tuned-safe.intoto.jsonl --key publisher.pub --auditor-key auditor.pub \
	--model tuned-safe --no-progress -o tuned-safe.report.html
run "$HM" export cyclonedx --bundle tuned-safe.intoto.jsonl --key publisher.pub \
	--auditor-key auditor.pub -o tuned-safe.cdx.xml
run "$HM" export spdx --bundle tuned-safe.intoto.jsonl --key publisher.pub \
	--auditor-key auditor.pub -o tuned-safe.spdx.json
run "$HM" attest card tuned-safe.README.md --model tuned-safe -o tuned-safe.card.json
run "$HM" sign --key publisher.key --bundle tuned-safe.intoto.jsonl tuned-safe.card.json

step "10. Archive the bundles for compliance review; record a verification run; show the lineage"
export HALLMARK_ARCHIVE="$D/archive.db"
run "$HM" archive add tuned-safe.intoto.jsonl tuned-regressed.intoto.jsonl \
	--key publisher.pub --key auditor.pub
run "$HM" verify tuned-safe --bundle tuned-safe.intoto.jsonl --key publisher.pub \
	--auditor-key auditor.pub --no-progress --archive
digest=$("$HM" digest tuned-safe --no-progress)
run "$HM" archive lineage "$digest"
run "$HM" archive head
run "$HM" archive verify

step "Done: everything is in $D"
