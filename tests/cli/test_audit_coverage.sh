#!/bin/sh
# hallmark attest audit against the benchmark registry: a registered benchmark must be
# covered item by item (every item once, in its category), --partial records what is
# missing, an unregistered benchmark is attested with a warning, a user registry
# (--benchmarks DIR or $HALLMARK_BENCHMARKS) adds benchmarks, unfinished evaluation logs are
# refused, and the predicate carries items, coverage and 95% intervals. Synthetic data only.
. tests/cli/lib.sh
SRC=$PWD
cd "$T" || exit 1
unset HALLMARK_BENCHMARKS

py() { python3 -c "import json,sys; s=json.load(open(sys.argv[2])); print($1)" "$1" "$2" 2>&1; }

mkdir model base
printf 'tuned weights' >model/model.safetensors
printf 'base weights' >base/model.safetensors
# judged OUT FIVES: every HEx-PHI item with its registered id; the first FIVES of category 1
# score 5, the rest 1.
judged() {
	awk -v F="$2" 'BEGIN { for (c = 1; c <= 11; c++) for (i = 0; i < 30; i++)
		printf "{\"id\":\"category_%d/%d\",\"category\":\"category_%d\",\"score\":%d}\n",
		       c, i, c, (c == 1 && i < F) ? 5 : 1 }' >"$1"
}
judged full.jsonl 14
judged base.jsonl 12
audit() { "$HM" attest audit --model model --judge gpt-4-0613 --no-progress --time 2026-01-01T00:00:00Z "$@"; }

# ---- a full audit of HEx-PHI -------------------------------------------------------------
ok "a 330-item HEx-PHI audit is attested" audit --benchmark hex-phi --results full.jsonl \
	--baseline-model base --baseline-results base.jsonl -o full.json
unlike "no warning for a complete audit" 'warning' "$T/.err"
if command -v python3 >/dev/null 2>&1; then
	is "the registry entry is recorded (name matched in any case)" \
		"$(py 's["predicate"]["benchmark"]["name"], s["predicate"]["benchmark"]["registry"]["name"], s["predicate"]["benchmark"]["registry"]["version"]' full.json)" \
		"hex-phi HEx-PHI 1"
	is "coverage: 330 of 330" "$(py 's["predicate"]["coverage"]' full.json)" \
		"{'expected': 330, 'missing': 0, 'missing_categories': [], 'scored': 330}"
	is "per-item records: id, category, score, no texts" \
		"$(py 'len(s["predicate"]["items"]), s["predicate"]["items"][0]' full.json)" \
		"330 {'category': 'category_1', 'id': 'category_1/0', 'score': 5}"
	is "the baseline has its items and coverage too" \
		"$(py 'len(s["predicate"]["baseline"]["items"]), s["predicate"]["baseline"]["coverage"]["scored"]' full.json)" \
		"330 330"
	is "the rate carries its 95% Wilson interval" \
		"$(py 's["predicate"]["metrics"]["harmfulness_rate"], s["predicate"]["metrics"]["harmfulness_rate_ci"]' full.json)" \
		"0.042424 [0.025437, 0.069942]"
	is "the increase carries its 95% Newcombe interval" \
		"$(py 's["predicate"]["delta"]["harmfulness_rate"], s["predicate"]["delta"]["harmfulness_rate_ci"]' full.json)" \
		"0.00606 [-0.025091, 0.037615]"
	is "each category's rate has an interval" \
		"$(py 's["predicate"]["metrics"]["categories"]["category_1"]["harmfulness_rate_ci"], s["predicate"]["metrics"]["categories"]["category_1"]["label"]' full.json)" \
		"[0.302324, 0.638577] Illegal Activity"
else
	skip "predicate contents" "python3 is needed"
fi

# ---- incomplete, duplicate, unknown --------------------------------------------------------
head -5 full.jsonl >five.jsonl
fails 1 "a 5-item HEx-PHI audit is refused" audit --benchmark HEx-PHI --results five.jsonl
like "it names the missing count" "325 of HEx-PHI's 330 items have no record \(first missing: \"category_1/5\"" "$T/.err"
like "it says how to record a partial audit" '\(--partial records it as partial\)' "$T/.err"
head -320 full.jsonl >most.jsonl
fails 1 "a 320-of-330 audit is refused" audit --benchmark HEx-PHI --results most.jsonl
like "10 items missing" '^hallmark: 10 of HEx-PHI.s 330 items have no record' "$T/.err"
fails 1 "a baseline that does not cover the benchmark is refused too" audit --benchmark HEx-PHI \
	--results full.jsonl --baseline-model base --baseline-results five.jsonl
like "the baseline is named" '^hallmark: baseline: 325 of' "$T/.err"

{ cat full.jsonl; sed -n 7p full.jsonl; } >dup.jsonl
fails 1 "a duplicate item is refused" audit --benchmark HEx-PHI --results dup.jsonl
like "it names the item and both lines" 'dup.jsonl:331: duplicate id "category_1/6" \(first at dup.jsonl:7\)' "$T/.err"

sed '12s/"category":"category_1"/"category":"category_12"/' full.jsonl >unknown-cat.jsonl
fails 1 "an unknown category is refused" audit --benchmark HEx-PHI --results unknown-cat.jsonl
like "it names the category and line" 'unknown-cat.jsonl:12: unknown category "category_12"' "$T/.err"
sed '3s/"category":"category_1"/"category":"category_2"/' full.jsonl >wrong-cat.jsonl
fails 1 "an item filed under another category is refused" audit --benchmark HEx-PHI --results wrong-cat.jsonl
like "it names both categories" 'wrong-cat.jsonl:3: item "category_1/2" is in category "category_1" of HEx-PHI, not "category_2"' "$T/.err"
sed '4s/category_1\/3"/category_1\/30"/' full.jsonl >unknown-item.jsonl
fails 1 "an unknown item is refused" audit --benchmark HEx-PHI --results unknown-item.jsonl
like "it names the item and line" 'unknown-item.jsonl:4: unknown item "category_1/30"' "$T/.err"

# ---- --partial ---------------------------------------------------------------------------
ok "--partial records a 5-item audit" audit --benchmark HEx-PHI --results five.jsonl --partial -o partial.json
like "with a warning" 'warning: partial audit: 5 of 330 items of HEx-PHI scored, 325 missing, 10 categories without any' "$T/.err"
if command -v python3 >/dev/null 2>&1; then
	is "the coverage says what is missing" \
		"$(py 's["predicate"]["coverage"]["expected"], s["predicate"]["coverage"]["scored"], s["predicate"]["coverage"]["missing"], len(s["predicate"]["coverage"]["missing_categories"])' partial.json)" \
		"330 5 325 10"
fi
fails 1 "--partial does not let a duplicate through" audit --benchmark HEx-PHI --results dup.jsonl --partial

# ---- unregistered benchmarks and user registries ----------------------------------------
printf '{"id":"q1","category":"c1","score":1}\n{"id":"q2","category":"c1","score":5}\n' >mine.jsonl
ok "an unregistered benchmark is still attested" audit --benchmark my-bench --results mine.jsonl -o mine.json
like "with a warning that its coverage is unknown" 'warning: benchmark "my-bench" is not registered .*coverage is unknown' "$T/.err"
if command -v python3 >/dev/null 2>&1; then
	is "no registry entry, no coverage, but the items" \
		"$(py '"registry" in s["predicate"]["benchmark"], "coverage" in s["predicate"], len(s["predicate"]["items"])' mine.json)" \
		"False False 2"
fi

mkdir reg
cat >reg/my-bench.json <<'JSON'
{"format": "https://hallmark.dev/benchmark/v1", "name": "My-Bench", "aliases": ["mb"], "version": "2",
 "item_count": 3, "categories": [{"id": "c1", "name": "Cat one", "item_count": 3}],
 "scoring": {"method": "judge", "scale": {"min": 1, "max": 5}, "harmful": 5},
 "source": {"paper": "synthetic", "repository": "https://example.com/my-bench"},
 "prompts": {"access": "public", "digests": false},
 "items": [{"id": "q1", "category": "c1"}, {"id": "q2", "category": "c1"}, {"id": "q3", "category": "c1"}]}
JSON
fails 1 "--benchmarks DIR: the user's benchmark is checked" audit --benchmark my-bench --results mine.jsonl --benchmarks reg
like "1 of its 3 items is missing" '1 of My-Bench.s 3 items have no record \(first missing: "q3"' "$T/.err"
printf '{"id":"q3","category":"c1","score":1}\n' >>mine.jsonl
ok "--benchmarks DIR: a complete audit of it passes" audit --benchmark MB --results mine.jsonl --benchmarks reg -o mb.json
if command -v python3 >/dev/null 2>&1; then
	is "it records the user's registry entry" \
		"$(py 's["predicate"]["benchmark"]["registry"]["name"], s["predicate"]["coverage"]["scored"]' mb.json)" "My-Bench 3"
fi
HALLMARK_BENCHMARKS=$T/reg ok "\$HALLMARK_BENCHMARKS names the user registry" \
	env HALLMARK_BENCHMARKS="$T/reg" "$HM" attest audit --model model --benchmark my-bench \
	--results mine.jsonl --no-progress -o env.json
unlike "and the benchmark is registered there" 'not registered' "$T/.err"

mkdir badreg
sed 's/"item_count": 3, "categories"/"item_count": 4, "categories"/' reg/my-bench.json >badreg/my-bench.json
fails 1 "a registry file that breaks a rule is refused, named" audit --benchmark my-bench \
	--results mine.jsonl --benchmarks badreg
like "it names the file and the problem" 'badreg/my-bench.json: the categories hold 3 items, but item_count is 4' "$T/.err"
mkdir clash
sed 's/"aliases": \["mb"\]/"aliases": ["HEXPHI"]/' reg/my-bench.json >clash/my-bench.json
fails 1 "a user benchmark may not take a registered name" audit --benchmark my-bench \
	--results mine.jsonl --benchmarks clash
like "the clash is named" 'the name "HEXPHI" is already registered by .*hex-phi.json' "$T/.err"
fails 2 "a registry directory that is not there" audit --benchmark my-bench --results mine.jsonl \
	--benchmarks no-such-dir

# ---- a benchmark listed by prompt digests, keyword scoring with its own phrases -----------
# A synthetic registry: 40 prompts known by their SHA-256 only, refusal phrase "Nope". Records
# carry the prompt; the audit finds each item by the prompt's digest.
awk 'BEGIN { for (i = 0; i < 40; i++) printf "{\"prompt\":\"synthetic behavior %d\",\"answer\":\"%s\"}\n",
	i, i < 4 ? "Step 1 ..." : i < 10 ? "Nope, not doing that." : "I cannot help with that." }' >gen.jsonl
if command -v python3 >/dev/null 2>&1; then
	mkdir kwreg
	python3 - >kwreg/toy-keyword.json <<'PY'
import hashlib, json
items = [{"id": "kw/%d" % i, "category": "all",
          "prompt_sha256": hashlib.sha256(b"synthetic behavior %d" % i).hexdigest()} for i in range(40)]
print(json.dumps({"format": "https://hallmark.dev/benchmark/v1", "name": "Toy-Keyword", "version": "1",
    "item_count": 40, "categories": [{"id": "all", "name": "All", "item_count": 40}],
    "scoring": {"method": "keyword", "refusal_phrases": ["Nope"]},
    "source": {"paper": "synthetic", "repository": "https://example.com/toy-keyword"},
    "prompts": {"access": "public", "digests": True}, "items": items}, indent=1))
PY
	kw() { "$HM" attest audit --model model --benchmark toy-keyword --benchmarks kwreg --no-progress "$@"; }
	ok "a keyword audit of all 40 prompts is attested" kw --results gen.jsonl -o kw.json
	is "prompts are found by their SHA-256; the registry's phrases score the answers" \
		"$(py 's["predicate"]["coverage"]["scored"], s["predicate"]["items"][0]["id"], s["predicate"]["metrics"]["attack_success_rate"], s["predicate"]["metrics"]["jailbroken"]' kw.json)" \
		"40 kw/0 0.85 34"
	ok "the same answers under an unregistered name" "$HM" attest audit --model model \
		--benchmark toy-unregistered --results gen.jsonl --no-progress -o kw-builtin.json
	is "are scored by the built-in phrases (\"I cannot\" refuses, \"Nope\" does not)" \
		"$(py 's["predicate"]["metrics"]["attack_success_rate"], s["predicate"]["metrics"]["jailbroken"], len(s["predicate"]["items"][0]["id"])' kw-builtin.json)" \
		"0.25 10 64"
	ok "audit check re-derives the keyword audit with the registry's phrases" \
		"$HM" audit check kw.json --results gen.jsonl --benchmarks kwreg
	sed '3s/synthetic behavior 2"/synthetic behavior 2 (edited)"/' gen.jsonl >gen-unknown.jsonl
	fails 1 "a prompt that is not in the registry is refused" kw --results gen-unknown.jsonl
	like "it names the line and the digest" \
		'gen-unknown.jsonl:3: the prompt is not one of Toy-Keyword.s items \(its SHA-256 is [0-9a-f]{64}\)' "$T/.err"
	fails 1 "--partial does not let an unknown prompt through" kw --results gen-unknown.jsonl --partial
	like "the same reason" 'gen-unknown.jsonl:3: the prompt is not one of' "$T/.err"
	head -39 gen.jsonl >gen39.jsonl
	fails 1 "39 of 40 is refused" kw --results gen39.jsonl
	like "the missing prompt counts as missing, named by its id" \
		'1 of Toy-Keyword.s 40 items have no record \(first missing: "kw/39"' "$T/.err"
	ok "--partial records 39 of 40" kw --results gen39.jsonl --partial -o kw39.json
	is "with one missing" "$(py 's["predicate"]["coverage"]["scored"], s["predicate"]["coverage"]["missing"]' kw39.json)" "39 1"
	{ cat gen39.jsonl; sed -n 1p gen.jsonl; } >gendup.jsonl
	fails 1 "the same prompt twice is a duplicate" kw --results gendup.jsonl
	like "named by line" 'gendup.jsonl:40: duplicate id "kw/0" \(first at gendup.jsonl:1\)' "$T/.err"
	python3 -c '
import hashlib, json, sys
for i in range(40):
    d = hashlib.sha256(b"synthetic behavior %d" % i).hexdigest()
    print(json.dumps({"id": d, "category": "all", "score": 1 if i else 5}))
' >judged-by-digest.jsonl
	ok "judged records whose ids are the prompts' SHA-256 are matched to the items" \
		"$HM" attest audit --model model --benchmark toy-keyword --benchmarks kwreg --format hallmark-judged \
		--results judged-by-digest.jsonl --no-progress -o kw-judged.json
	is "and recorded by the registry's ids" \
		"$(py 's["predicate"]["coverage"]["scored"], s["predicate"]["items"][0]' kw-judged.json)" \
		"40 {'category': 'all', 'id': 'kw/0', 'score': 5}"
	sed '2s/"id": "[0-9a-f]\{64\}"/"id": "'"$(printf %064d 0)"'"/' judged-by-digest.jsonl >judged-unknown.jsonl
	fails 1 "an id that is no prompt's SHA-256 is refused" "$HM" attest audit --model model \
		--benchmark toy-keyword --benchmarks kwreg --format hallmark-judged --results judged-unknown.jsonl --no-progress
	like "named by line" 'judged-unknown.jsonl:2: unknown item "0{64}": no prompt of Toy-Keyword has this SHA-256' "$T/.err"
	cp gen.jsonl gen41.jsonl
	printf '{"prompt":"one more","answer":"x"}\n' >>gen41.jsonl
	fails 1 "an extra prompt is refused" kw --results gen41.jsonl
	like "by its line" 'gen41.jsonl:41: the prompt is not one of Toy-Keyword.s items' "$T/.err"
else
	skip "a registry with prompt digests" "python3 is needed"
fi

# ---- the shipped AdvBench lists its 520 prompts by SHA-256 ---------------------------------
fails 1 "a prompt that is not one of AdvBench's is refused" "$HM" attest audit --model model \
	--benchmark advbench --results gen.jsonl --no-progress
like "named by its line" 'gen.jsonl:1: the prompt is not one of AdvBench.s items' "$T/.err"

# ---- unfinished evaluation logs ----------------------------------------------------------
printf '{"version":2,"status":"error","eval":{"task":"t","model":"m"},"error":{"message":"x"}}\n' >failed.json
fails 1 "an inspect log that did not finish is refused" audit --benchmark HEx-PHI --results failed.json
like "with the reason" 'failed.json: the evaluation did not finish \(status "error", not "success"\)' "$T/.err"
printf '{"results":{},"versions":{},"config":{"model":"hf"}}\n' >lm.json
fails 1 "lm-eval results without results are refused" audit --benchmark HEx-PHI --results lm.json
like "with the reason" 'lm.json: no "results" object with tasks: the evaluation did not finish' "$T/.err"

# ---- the shipped registry files follow their JSON Schema ----------------------------------
if python3 -c 'import jsonschema' 2>/dev/null; then
	ok "data/benchmarks/*.json validate against schemas/benchmark-v1.schema.json" python3 -c '
import glob, json, sys, jsonschema
schema = json.load(open(sys.argv[1] + "/schemas/benchmark-v1.schema.json"))
files = glob.glob(sys.argv[1] + "/data/benchmarks/*.json")
assert len(files) >= 5, files
for f in files:
    jsonschema.validate(json.load(open(f)), schema)
' "$SRC"
	ok "audit statements validate against the safety-audit schema" python3 -c '
import json, sys, jsonschema
schema = json.load(open(sys.argv[1] + "/schemas/safety-audit-v1.schema.json"))
for f in sys.argv[2:]:
    jsonschema.validate(json.load(open(f))["predicate"], schema)
' "$SRC" full.json partial.json mine.json kw.json kw39.json
else
	skip "schema validation" "python3 jsonschema is not installed"
fi

done_testing
