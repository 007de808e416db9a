#!/bin/sh
# HarmBench in the benchmark registry: its 400 text behaviors carry the SHA-256 of the prompt
# HarmBench gives the model (a contextual behavior's context string, a blank line, "---", a
# blank line and the behavior), so judged records keyed by that digest are matched to their
# BehaviorIDs and functional categories, and an unknown digest is refused by line. HarmBench
# is scored by a classifier, so the records carry its 0/1 labels (hallmark-labelled). The joining
# rule is checked on synthetic rows through scripts/benchmark-hashes.py and back through
# `attest audit`. No prompt texts of the benchmark are used.
. tests/cli/lib.sh
SRC=$PWD
cd "$T" || exit 1
unset HALLMARK_BENCHMARKS

if ! command -v python3 >/dev/null 2>&1; then
	skip "HarmBench prompt digests" "python3 is needed"
	done_testing
	exit
fi
py() { python3 -c "import json,sys; s=json.load(open(sys.argv[2])); print($1)" "$1" "$2" 2>&1; }
REG=$SRC/data/benchmarks/harmbench.json

is "the registry lists 400 distinct prompt digests, one per BehaviorID" "$(python3 -c '
import json, re, sys
r = json.load(open(sys.argv[1]))
d = [i["prompt_sha256"] for i in r["items"]]
print(r["prompts"]["digests"], len(d), len(set(d)), all(re.fullmatch("[0-9a-f]{64}", x) for x in d),
      len({i["id"] for i in r["items"]}))' "$REG")" "True 400 400 True 400"

mkdir model
printf 'tuned weights' >model/model.safetensors
audit() { "$HM" attest audit --model model --benchmark harmbench --judge harmbench-cls \
	--format hallmark-labelled --no-progress --time 2026-01-01T00:00:00Z "$@"; }

# judged OUT [IDS]: records keyed by the registered digests (of the named BehaviorIDs, or all),
# in the registry's categories; the first of each category is labelled 1 (harmful), the rest 0.
judged() {
	python3 - "$REG" "$@" <<'PY'
import json, sys
reg, out, want = sys.argv[1], sys.argv[2], sys.argv[3:]
items = json.load(open(reg))["items"]
if want:
    by_id = {i["id"]: i for i in items}
    items = [by_id[w] for w in want]
seen = set()
with open(out, "w") as f:
    for i in items:
        f.write(json.dumps({"id": i["prompt_sha256"], "category": i["category"],
                            "label": 0 if i["category"] in seen else 1}) + "\n")
        seen.add(i["category"])
PY
}

# ---- records keyed by the prompt's SHA-256 ------------------------------------------------
judged some.jsonl dimethylmercury_instructions_home lyrics_wonderful_world \
	carroll_method_isotonitazene sqli_payload_waf_ml_bypass_1 sqli_payload_waf_ml_bypass_2 \
	sqli_payload_waf_ml_bypass_3
ok "labelled records keyed by HarmBench prompt digests are attested (--partial)" \
	audit --results some.jsonl --partial -o some.json
is "each digest is matched to its BehaviorID and functional category" \
	"$(py '[(i["id"], i["category"], i["label"]) for i in s["predicate"]["items"]]' some.json)" \
	"[('carroll_method_isotonitazene', 'contextual', 1), ('dimethylmercury_instructions_home', 'standard', 1), ('lyrics_wonderful_world', 'copyright', 1), ('sqli_payload_waf_ml_bypass_1', 'contextual', 0), ('sqli_payload_waf_ml_bypass_2', 'contextual', 0), ('sqli_payload_waf_ml_bypass_3', 'contextual', 0)]"
is "three behaviors that share a behavior text are three items (their contexts differ)" \
	"$(py 's["predicate"]["coverage"]["scored"], s["predicate"]["coverage"]["missing"]' some.json)" "6 394"
is "the registry entry is recorded" \
	"$(py 's["predicate"]["benchmark"]["registry"]["name"], s["predicate"]["benchmark"]["registry"]["version"]' some.json)" \
	"HarmBench text behaviors (all)"

judged all.jsonl
ok "all 400 digests cover the benchmark" audit --results all.jsonl -o all.json
is "400 of 400, every category" \
	"$(py 's["predicate"]["coverage"]["scored"], s["predicate"]["coverage"]["missing"], s["predicate"]["coverage"]["missing_categories"]' all.json)" \
	"400 0 []"

sed '3s/"id": "[0-9a-f]\{64\}"/"id": "'"$(printf %064d 7)"'"/' some.jsonl >unknown.jsonl
fails 1 "a digest that is no HarmBench prompt's is refused" audit --results unknown.jsonl --partial
like "named by file and line" \
	'unknown.jsonl:3: unknown item "0{63}7": no prompt of HarmBench has this SHA-256' "$T/.err"
sed '1s/"category": "standard"/"category": "contextual"/' some.jsonl >wrongcat.jsonl
fails 1 "a digest filed under another functional category is refused" audit --results wrongcat.jsonl --partial
like "naming the item and both categories" \
	'wrongcat.jsonl:1: item "dimethylmercury_instructions_home" is in category "standard" of HarmBench, not "contextual"' "$T/.err"
{ cat some.jsonl; sed -n 2p some.jsonl; } >dup.jsonl
fails 1 "the same digest twice is a duplicate" audit --results dup.jsonl --partial
like "named by line" 'dup.jsonl:7: duplicate id "lyrics_wonderful_world" \(first at dup.jsonl:2\)' "$T/.err"

# ---- the joining rule, on synthetic rows ---------------------------------------------------
# A HarmBench-shaped CSV: a standard row, and two contextual rows with the same behavior text
# and different contexts, one written with CR LF line ends inside its quoted context.
printf '%s\r\n' 'Behavior,FunctionalCategory,SemanticCategory,Tags,ContextString,BehaviorID' \
	'Do thing one,standard,s,,,std_one' \
	'"Edit it, please",contextual,s,context,"line A' >toy.csv
printf '%s\n' 'line B",ctx_a' >>toy.csv
printf '%s\r\n' '"Edit it, please",contextual,s,context,"line C' 'line D",ctx_b' >>toy.csv
cat >toy.json <<'JSON'
{"format": "https://hallmark.dev/benchmark/v1", "name": "Toy-HarmBench", "version": "1",
 "item_count": 3, "categories": [{"id": "standard", "name": "Standard", "item_count": 2},
 {"id": "contextual", "name": "Contextual", "item_count": 1}],
 "scoring": {"method": "binary"},
 "source": {"paper": "synthetic", "repository": "https://example.com/toy"},
 "prompts": {"access": "public", "digests": false},
 "items": [{"id": "x", "category": "standard"}, {"id": "y", "category": "standard"},
 {"id": "z", "category": "contextual"}]}
JSON
mkdir toyreg
gen() { python3 "$SRC/scripts/benchmark-hashes.py" toyreg/toy.json toy.csv --id BehaviorID \
	--category FunctionalCategory "$@"; }
cp toy.json toyreg/toy.json
ok "benchmark-hashes.py builds prompts from a template and a fallback" \
	gen --prompt-template '{ContextString}\n\n---\n\n{Behavior}' --prompt-template '{Behavior}' \
	--universal-newlines
is "a row with a context hashes context, blank line, ---, blank line, behavior; one without, the behavior" \
	"$(python3 -c '
import hashlib, json, sys
h = lambda s: hashlib.sha256(s.encode()).hexdigest()
got = {i["id"]: i["prompt_sha256"] for i in json.load(open(sys.argv[1]))["items"]}
print(got["std_one"] == h("Do thing one"),
      got["ctx_a"] == h("line A\nline B\n\n---\n\nEdit it, please"),
      got["ctx_b"] == h("line C\nline D\n\n---\n\nEdit it, please"))' toyreg/toy.json)" "True True True"
ok "--check agrees with what it wrote" gen --prompt-template '{ContextString}\n\n---\n\n{Behavior}' \
	--prompt-template '{Behavior}' --universal-newlines --check
fails 1 "--check: without --universal-newlines the CR LF context hashes differently" \
	gen --prompt-template '{ContextString}\n\n---\n\n{Behavior}' --prompt-template '{Behavior}' --check
like "it says the file differs" 'toy.json: differs' "$T/.out"
fails 1 "the behavior text alone names no single contextual row" gen --prompt Behavior
like "the script names both rows" 'toy.csv: row 4: its prompt is also row 3.s' "$T/.err"
fails 1 "an unknown template column is named" gen --prompt-template '{Context}'
like "with the columns there are" "no column 'Context' \\(the columns are Behavior, Functional" "$T/.err"
fails 1 "a row no template applies to is named" gen --prompt-template '{ContextString}: {Behavior}'
like "by its line" 'toy.csv: row 2: no --prompt-template applies' "$T/.err"
fails 1 "an unknown escape is refused" gen --prompt-template '{Behavior}\r'
like "and named" 'unknown escape' "$T/.err"

# The same prompts carried by a results file are found by their digest.
python3 - >toy-gen.jsonl <<'PY'
import json
for p in ["Do thing one", "line C\nline D\n\n---\n\nEdit it, please", "line A\nline B\n\n---\n\nEdit it, please"]:
    print(json.dumps({"prompt": p, "answer": "I cannot help with that."}))
PY
ok "results carrying the composed prompts are matched" "$HM" attest audit --model model \
	--benchmark toy-harmbench --benchmarks toyreg --no-progress --time 2026-01-01T00:00:00Z \
	--results toy-gen.jsonl -o toy-audit.json
is "to the BehaviorIDs, contextual ones by their context" \
	"$(py '[(i["id"], i["category"]) for i in s["predicate"]["items"]]' toy-audit.json)" \
	"[('ctx_a', 'contextual'), ('ctx_b', 'contextual'), ('std_one', 'standard')]"
printf '%s\n' '{"prompt":"Edit it, please","answer":"x"}' >toy-bare.jsonl
fails 1 "the bare behavior of a contextual item is not its prompt" "$HM" attest audit --model model \
	--benchmark toy-harmbench --benchmarks toyreg --no-progress --partial --results toy-bare.jsonl
like "named by line" 'toy-bare.jsonl:1: the prompt is not one of Toy-HarmBench.s items' "$T/.err"

done_testing
