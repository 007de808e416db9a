#!/bin/sh
# Hub ids and the card: attest dataset/model --hub-id record ORG/NAME[@REV] and refuse
# malformed ids before hashing; the card's front matter lists the hub ids as datasets and
# base_model, stays YAML whatever the ids and free-text fields hold, and its model-index
# carries the fine-tuned model's metrics only (the base comparison is a table in the body);
# card --eval-results writes the hub's .eval_results/*.yaml, one file per benchmark.
. tests/cli/lib.sh
cd "$T" || exit 1

PY=/usr/bin/python3
have_yaml=0
"$PY" -c 'import yaml' 2>/dev/null && have_yaml=1
yaml_check() { # name, script (reads sys.argv[1:])
	if [ "$have_yaml" -eq 1 ]; then
		_n1=$1; shift
		ok "$_n1" "$PY" "$@"
	else
		skip "$1" "python3-yaml absent"
	fi
}

"$HM" key generate -o pub --no-passphrase >/dev/null 2>&1
"$HM" key generate -o aud --no-passphrase >/dev/null 2>&1
mkdir model base d1 d2 d3
printf 'tuned weights' >model/model.safetensors
printf 'base weights' >base/model.safetensors
for d in d1 d2 d3; do
	printf '{"messages":[{"role":"user","content":"%s"},{"role":"assistant","content":"ok"}]}\n' \
		"$d" >$d/train.jsonl
done
C40=0123456789abcdef0123456789abcdef01234567

# --- ids refused, each with the reason, before anything is hashed (exit 2) ---
for bad in 'noorg' 'a/b/c' '-a/b' 'a/b-' 'a--b/c' 'a/b..c' 'a/b.git' 'a/b@' 'a/b@x..y' \
	'a/b@.hidden' 'a/b@main.lock' 'a/b@x//y' 'a b/c' '/b' 'a/' "a/$(printf 'x%.0s' $(seq 97))" \
	"$(printf 'a\033[31m/b')" 'a/b@c@d' 'ä/b'; do
	fails 2 "attest dataset refuses hub id '$(printf '%s' "$bad" | tr -d '\033')'" \
		"$HM" attest dataset d1 --name d1 --hub-id "$bad" --no-git --no-progress
	like "  ... saying what is wrong" 'is not a hub id: ' "$T/.err"
done
unlike "the escape byte is not echoed raw" "$(printf '\033')" "$T/.err"
fails 2 "attest model refuses a hub id without ORG" "$HM" attest model model --hub-id gpt2 \
	--no-progress
like "  ... naming the missing \"/\"" 'has no "/" between the organisation' "$T/.err"
fails 2 "attest model refuses a name ending .git" "$HM" attest model model \
	--hub-id acme/model.git --no-progress
like "  ... naming the .git ending" 'ends with "\.git"' "$T/.err"

# --- ids recorded: valid ids that a careless YAML writer would turn into other types ---
ok "attest dataset --hub-id ORG/NAME@REV" "$HM" attest dataset d1 --name "$(printf 'd1: [x] #y\n- z')" \
	--hub-id '0.1/1e3@v1.0' --no-git --no-progress -o d1.json
ok "attest dataset --hub-id with a commit revision" "$HM" attest dataset d2 --name 'd2 & *ref' \
	--hub-id "_/_@$C40" --no-git --no-progress -o d2.json
ok "attest dataset without a hub id" "$HM" attest dataset d3 --name d3 --no-git --no-progress \
	-o d3.json
ok "attest model --hub-id" "$HM" attest model model --name "$(printf 'm: {a: b} #c\n--- "q'"'"' &x')" \
	--hub-id 'Yes/No@refs/pr/1' --no-progress -o m.json
ok "attest model --hub-id for the base" "$HM" attest model base --name base \
	--hub-id "null/true@$C40" --no-progress -o b.json
cat >rec.py <<'PY'
import json, sys
d1, d2, d3, m, b = (json.load(open(f)) for f in sys.argv[1:6])
assert d1["predicate"]["hub"] == {"id": "0.1/1e3", "revision": "v1.0"}, d1["predicate"]["hub"]
assert d2["predicate"]["hub"] == {"id": "_/_", "revision": "0123456789abcdef0123456789abcdef01234567"}
assert "hub" not in d3["predicate"]
# a model's id is on the subject: the OMS predicate admits only serialization and resources
assert m["subject"][0]["annotations"]["hub"] == {"id": "Yes/No", "revision": "refs/pr/1"}
assert sorted(m["predicate"]) == ["resources", "serialization"], sorted(m["predicate"])
assert b["subject"][0]["annotations"]["hub"]["id"] == "null/true"
PY
ok "the ids are recorded as ORG/NAME and revision" "$PY" rec.py d1.json d2.json d3.json m.json b.json
if "$PY" -c 'import jsonschema' 2>/dev/null; then
	cat >schema.py <<'PY'
import json, sys, jsonschema
s = json.load(open(sys.argv[1]))
for f in sys.argv[2:]:
    jsonschema.Draft202012Validator(s).validate(json.load(open(f))["predicate"])
PY
	ok "dataset predicates with hub ids conform to the schema" "$PY" schema.py \
		"$OLDPWD/schemas/dataset-v1.schema.json" d1.json d2.json d3.json
else
	skip "dataset predicates conform to the schema" "python3-jsonschema absent"
fi

# --- a bundle: base and model manifests with ids, three datasets, run, audit with baseline ---
judged after.jsonl 10
judged before.jsonl 0
"$HM" attest run --model model --model-statement m.json --base-model base --dataset d1.json \
	--dataset d2.json --dataset d3.json --no-progress -o r.json 2>/dev/null
"$HM" attest audit --model model --model-statement m.json --benchmark HEx-PHI \
	--judge gpt-4-0613 --results after.jsonl --baseline-model base --baseline-results before.jsonl \
	--time 2026-05-01T12:00:00Z --no-progress -o a.json 2>/dev/null
for i in 1 2 3 4; do printf '{"id":"q%d","category":"c1","score":%d}\n' $i $((i == 1 ? 5 : 1)); done >rt.jsonl
"$HM" attest audit --model model --model-statement m.json --benchmark 'Red team: set #1' \
	--results rt.jsonl --no-progress -o rt.json 2>/dev/null
"$HM" sign --key pub.key --bundle bundle.jsonl b.json m.json d1.json d2.json d3.json r.json \
	>/dev/null 2>&1
"$HM" sign --key aud.key --bundle bundle.jsonl a.json >/dev/null 2>&1
cp bundle.jsonl bundle-rt.jsonl
"$HM" sign --key aud.key --bundle bundle-rt.jsonl rt.json >/dev/null 2>&1
is "bundle has 7 lines" "$(wc -l <bundle.jsonl | tr -d ' ')" 7

ok "card with a license that looks like YAML" "$HM" card --bundle bundle.jsonl --key pub.pub \
	--auditor-key aud.pub --license 'mit # x: [y]' --eval-results .eval_results -o README.md
like "card says which files it wrote" 'wrote \.eval_results/hex-phi\.yaml' "$T/.err"
cat >fm.py <<'PY'
import sys, yaml
text = open(sys.argv[1], encoding="utf-8").read()
assert text.startswith("---\n")
fm = yaml.safe_load(text[4:text.index("\n---\n", 4)])
# hub ids, without revision, as the strings they are (not floats, booleans or nulls)
assert fm["base_model"] == "null/true", repr(fm.get("base_model"))
assert fm["datasets"] == ["0.1/1e3", "_/_"], fm["datasets"]
assert fm["license"] == "mit # x: [y]", fm["license"]
mi = fm["model-index"]
assert len(mi) == 1
assert mi[0]["name"] == "m: {a: b} #c\n--- \"q' &x", repr(mi[0]["name"])
res = mi[0]["results"]
assert len(res) == 1, res
assert res[0]["dataset"] == {"type": "LLM-Tuning-Safety/HEx-PHI", "name": "HEx-PHI"}, res[0]
ms = res[0]["metrics"]
# the fine-tuned model's metrics only: 10 of 330 scored 5 (the base model had none)
assert sorted(m["type"] for m in ms) == ["harmfulness_rate", "harmfulness_score"], ms
assert not any("base" in str(v).lower() for m in ms for v in m.values()), ms
vals = {m["type"]: m["value"] for m in ms}
assert abs(vals["harmfulness_rate"] - 0.030303) < 1e-6, vals
assert abs(vals["harmfulness_score"] - 1.121212) < 1e-6, vals
PY
yaml_check "front matter: hub ids, escaped free text, fine-tuned metrics only" fm.py README.md
like "the base comparison is a table in the body" \
	'^\| Metric \| Base model \| Fine-tuned \| Increase \|$' README.md
like "  ... with the increase and its interval" \
	'^\| Harmfulness rate \| 0(\.0)?% \(95% CI 0(\.0)?-1\.15%\) \| 3\.03% \(95% CI 1\.65-5\.49%\) \| \+3\.03 points \(95% CI \+1\.24 to \+5\.49\) \|$' README.md
like "the body names the model's hub repository" 'Hub repository:\*\* Yes/No@refs/pr/1' README.md
like "the body names the base model's" 'hub repository null/true@0123456789abcdef' README.md

cat >ev.py <<'PY'
import os, sys, yaml
d = sys.argv[1]
assert sorted(os.listdir(d)) == ["hex-phi.yaml"], os.listdir(d)
es = yaml.safe_load(open(os.path.join(d, "hex-phi.yaml"), encoding="utf-8"))
assert isinstance(es, list) and len(es) == 2, es
by = {e["dataset"]["task_id"]: e for e in es}
assert sorted(by) == ["harmfulness_rate", "harmfulness_score"], by
for e in es:
    assert e["dataset"]["id"] == "LLM-Tuning-Safety/HEx-PHI", e
    assert "revision" not in e["dataset"], e
    assert e["date"] == "2026-05-01T12:00:00Z" and isinstance(e["date"], str), e
    assert isinstance(e["notes"], str) and "fine-tuned" in e["notes"], e
    assert set(e) <= {"dataset", "value", "date", "notes"}, e
assert abs(by["harmfulness_rate"]["value"] - 0.030303) < 1e-6, by
assert abs(by["harmfulness_score"]["value"] - 1.121212) < 1e-6, by
PY
yaml_check ".eval_results: one file, the fine-tuned model's metrics" ev.py .eval_results

# A benchmark without a hub dataset: refused by name, nothing written; --benchmark-id gives one.
fails 2 "eval results refused for a benchmark without a hub dataset id" "$HM" card \
	--bundle bundle-rt.jsonl --key pub.pub --auditor-key aud.pub --eval-results ev2 -o R2.md
like "  ... naming it" 'no hub dataset id for benchmark "Red team: set #1"' "$T/.err"
ok "  ... and nothing is written" test ! -e ev2 -a ! -e R2.md
ok "--benchmark-id NAME=ORG/NAME@REV" "$HM" card --bundle bundle-rt.jsonl --key pub.pub \
	--auditor-key aud.pub --eval-results ev2 -o R2.md \
	--benchmark-id 'red team: set #1=acme/red-team@v2' --benchmark-id "HEx-PHI=acme/hexphi@$C40"
cat >ev2.py <<'PY'
import os, sys, yaml
d = sys.argv[1]
assert sorted(os.listdir(d)) == ["hex-phi.yaml", "red-team-set-1.yaml"], os.listdir(d)
rt = yaml.safe_load(open(os.path.join(d, "red-team-set-1.yaml")))
assert [e["dataset"] for e in rt] == [{"id": "acme/red-team", "task_id": t, "revision": "v2"}
                                      for t in ("harmfulness_score", "harmfulness_rate")], rt
assert abs(rt[1]["value"] - 0.25) < 1e-9, rt
hx = yaml.safe_load(open(os.path.join(d, "hex-phi.yaml")))
assert all(e["dataset"]["id"] == "acme/hexphi" for e in hx), hx
assert all(e["dataset"]["revision"] == "0123456789abcdef0123456789abcdef01234567" for e in hx), hx
PY
yaml_check "  ... one file per benchmark, the ids given" ev2.py ev2
ok "writing again replaces the files" "$HM" card --bundle bundle-rt.jsonl --key pub.pub \
	--auditor-key aud.pub --eval-results ev2 -o R2.md \
	--benchmark-id 'red team: set #1=acme/red-team@v2' --benchmark-id "HEx-PHI=acme/hexphi@$C40"
unlike "  ... leaving no temporary file" '^\.' "$(ls -A ev2 >ls.txt; echo ls.txt)"
fails 2 "a malformed --benchmark-id is refused" "$HM" card --bundle bundle.jsonl --key pub.pub \
	--auditor-key aud.pub --eval-results ev3 --benchmark-id 'HEx-PHI=acme' -o R3.md
like "  ... saying why" 'benchmark HEx-PHI: "acme" is not a hub id' "$T/.err"
printf 'x' >notadir
fails 2 "--eval-results onto a file is refused" "$HM" card --bundle bundle.jsonl --key pub.pub \
	--auditor-key aud.pub --eval-results notadir -o R4.md
like "  ... naming it" 'notadir: not a directory' "$T/.err"

# Without hub ids the card writes neither key: a name is not a hub id.
"$HM" attest dataset d1 --name acme/looks-like-an-id --no-git --no-progress -o n1.json 2>/dev/null
"$HM" attest run --model model --model-statement m.json --base-model base \
	--base-name acme/base-7b --dataset n1.json --no-progress -o nr.json 2>/dev/null
"$HM" sign --key pub.key --bundle plain.jsonl n1.json nr.json >/dev/null 2>&1
ok "card from a bundle without hub ids" "$HM" card --bundle plain.jsonl --key pub.pub -o plain.md
unlike "  ... has no base_model" '^base_model:' plain.md
unlike "  ... and no datasets key" '^datasets:' plain.md
done_testing
