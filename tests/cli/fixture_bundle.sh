# tests/cli/fixture_bundle.sh: sourced (after lib.sh, in $T) by the card, report and export
# tests. It makes a real signed bundle: model and dataset (hostile name) with hub ids, run, audit against
# the base model (good.jsonl), and b.jsonl = good.jsonl + one line signed by an untrusted key.
# Sets MODEL to the model digest (hex).
# Run any other way (on its own, or outside the test's temp dir) it refuses, so it
# never writes keys and bundles into a source tree.
if [ -z "${T:-}" ] || [ "$PWD" != "$T" ] || [ -z "${HM:-}" ]; then
	echo "fixture_bundle.sh: source it from a CLI test, after lib.sh and cd \"\$T\"" >&2
	return 2 2>/dev/null || exit 2
fi
"$HM" key generate -o pub --no-passphrase >/dev/null 2>&1
"$HM" key generate -o aud --no-passphrase >/dev/null 2>&1
"$HM" key generate -o mallory --no-passphrase >/dev/null 2>&1
mkdir model base data
printf 'tuned weights' >model/model.safetensors
printf 'base weights' >base/model.safetensors
printf '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n' >data/train.jsonl
printf '{"method":"lora","learning_rate":0.0002}\n' >cfg.json
judged after.jsonl 10
judged before.jsonl 0
"$HM" attest model model --name acme/tuned --hub-id acme/tuned --no-progress -o m.json 2>/dev/null
"$HM" attest dataset data --name '<script>alert(1)</script>' --license CC-BY-4.0 \
	--source https://example.com/data --hub-id acme/chat-data@main --no-git --no-progress \
	-o d.json 2>/dev/null
"$HM" attest run --model model --model-name acme/tuned --base-model base --base-name acme/base-7b \
	--dataset d.json --config cfg.json --no-progress -o r.json 2>/dev/null
"$HM" attest audit --model model --benchmark HEx-PHI --judge gpt-4-0613 --results after.jsonl \
	--baseline-model base --baseline-results before.jsonl --no-progress -o a.json 2>/dev/null
"$HM" attest dataset data --name forged-dataset --license Proprietary --no-git --no-progress \
	-o forged.json 2>/dev/null
"$HM" sign --key pub.key --bundle b.jsonl m.json d.json r.json >/dev/null 2>&1
"$HM" sign --key aud.key --bundle b.jsonl a.json >/dev/null 2>&1
cp b.jsonl good.jsonl
"$HM" sign --key mallory.key --bundle b.jsonl forged.json >/dev/null 2>&1
MODEL=$("$HM" digest model --no-progress 2>/dev/null); MODEL=${MODEL#sha256:}
