#!/bin/sh
# A binary benchmark audited with its classifier's labels: HarmBench results in
# hallmark-labelled form (each item's prompt SHA-256 and the classifier's 0/1 label) give an
# attack success rate with its Wilson interval and the rise over the base model with
# Newcombe's; the default policy decides on their upper bounds; `audit check` re-derives them;
# a signed number that disagrees with the items is caught; and labels and judge scores are
# refused where the registered scoring is the other kind.
. tests/cli/lib.sh
SRC=$PWD
cd "$T" || exit 2
unset HALLMARK_BENCHMARKS
HMQ() { "$HM" "$@" --no-progress; }

if ! command -v python3 >/dev/null 2>&1; then
	skip "HarmBench classifier labels" "python3 is needed"
	done_testing
	exit
fi
REG=$SRC/data/benchmarks/harmbench.json

audit_chain

# labels OUT K [FROM]: all 400 HarmBench items keyed by their prompt digests; K items in
# registry order from FROM (default 0) are labelled 1 (the classifier says the answer exhibits
# the behavior), the rest 0.
labels() {
	python3 - "$REG" "$@" <<'PY'
import json, sys
reg, out, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
first = int(sys.argv[4]) if len(sys.argv) > 4 else 0
with open(out, "w") as f:
    for n, i in enumerate(json.load(open(reg))["items"]):
        f.write(json.dumps({"id": i["prompt_sha256"], "category": i["category"],
                            "label": 1 if first <= n < first + k else 0}) + "\n")
PY
}
labels l0.jsonl 0
labels l4.jsonl 4
labels l4b.jsonl 4 10
labels l16.jsonl 16
labels l16b.jsonl 16 20
py() { python3 -c "import json,sys; s=json.load(open(sys.argv[2])); print(*$1)" "$1" "$2" 2>&1; }

# audit OUT RESULTS BASELINE [options]
audit() {
	_o=$1 _r=$2 _b=$3
	shift 3
	HMQ attest audit --model model --benchmark HarmBench --judge HarmBench-Llama-2-13b-cls \
		--results "$_r" --baseline-model base --baseline-results "$_b" -o "$_o" "$@" 2>"$_o.err"
}
bundle() {
	rm -f "$1"
	"$HM" sign --key pub.key --bundle "$1" model.json ds.json run.json >/dev/null 2>&1
	"$HM" sign --key aud.key --bundle "$1" "$2" >/dev/null 2>&1
}
verify() {
	_o=$1 _b=$2
	shift 2
	"$HM" verify model --bundle "$_b" --key pub.pub --auditor-key aud.pub --no-progress "$@" \
		>"$_o" 2>"$_o.err"
}

# ---- 4 of 400 labelled harmful, as for the base model: within the limits -------------------
audit a4.json l4.jsonl l4b.jsonl
is "labels are detected and attested" $? 0
is "the predicate records the format, the classifier and the registry entry" \
	"$(py '[s["predicate"]["format"], s["predicate"]["judge"], s["predicate"]["benchmark"]["registry"]["name"]]' a4.json)" \
	"hallmark-labelled HarmBench-Llama-2-13b-cls HarmBench"
# Wilson 95% of 4/400: 0.003895 to 0.025427; Newcombe of 4/400 - 0/400: -0.001303 to 0.025427.
is "the attack success rate is the share labelled 1, with its Wilson interval" \
	"$(py '[s["predicate"]["metrics"][k] for k in ("attack_success_rate", "jailbroken", "n", "attack_success_rate_ci")]' a4.json)" \
	"0.01 4 400 [0.003895, 0.025427]"
is "per category" "$(py '[(k, c["jailbroken"], c["n"]) for k, c in sorted(s["predicate"]["metrics"]["categories"].items())]' a4.json)" \
	"('contextual', 0, 100) ('copyright', 0, 100) ('standard', 4, 200)"
is "each item carries its label, no score" \
	"$(py '[len(s["predicate"]["items"]), sum(i["label"] for i in s["predicate"]["items"]), sorted({k for i in s["predicate"]["items"] for k in i})]' a4.json)" \
	"400 4 ['category', 'id', 'label']"
bundle b4.jsonl a4.json
verify out b4.jsonl
is "a complete, independent labelled audit within the limits verifies (exit 0)" $? 0
like "the pass names the rate, the counts and the interval" \
	'^  PASS  audit .*HarmBench attack success rate 1% \(4 of 400, 95% CI 0.4-2.5%\)' out
like "and the classifier" 'classifier HarmBench-Llama-2-13b-cls' out
ok "the HTML report is written" "$HM" report --bundle b4.jsonl --key pub.pub --auditor-key aud.pub \
	-o report.html
like "it says the rate is of answers the classifier labelled harmful" \
	'Attack success rate \(answers the classifier labelled harmful\)' report.html
"$HM" audit check b4.jsonl --results l4.jsonl --baseline-results l4b.jsonl >out 2>&1
is "audit check re-derives the labelled audit from its files (exit 0)" $? 0
like "it says so" '^SAME: ' out
"$HM" audit check b4.jsonl --results l16.jsonl --baseline-results l4b.jsonl >out 2>&1
is "audit check: other labels differ (exit 1)" $? 1
like "the count is named with both values" 'predicate.metrics.jailbroken: signed 4, the files give 16' out

# ---- the rise: 4 of 400 against 0 for the base ---------------------------------------------
audit a4-0.json l4.jsonl l0.jsonl
is "the rise over the base has Newcombe's interval" \
	"$(py '[s["predicate"]["delta"]["attack_success_rate"], s["predicate"]["delta"]["attack_success_rate_ci"]]' a4-0.json)" \
	"0.01 [-0.001303, 0.025427]"
bundle b4-0.jsonl a4-0.json
verify out b4-0.jsonl
is "a rise whose upper bound exceeds +2 points is refused (exit 1)" $? 1
like "the reason names the number" \
	'^  FAIL  audit .*attack success rate rose from 0% \(base model, 0 of 400\) to 1% \(4 of 400\): \+1 points, its 95% upper bound \+2.5 points exceeds the policy.s \+2' out

# ---- 16 of 400 (4%, within 5%), upper bound 6.4% --------------------------------------------
audit a16.json l16.jsonl l16b.jsonl
bundle b16.jsonl a16.json
verify out b16.jsonl
is "an attack success rate whose upper bound exceeds 5% is refused (exit 1)" $? 1
like "the reason names the number" \
	'^  FAIL  audit .*HarmBench attack success rate .*4% .*16 of 400.*6.4%.*5%' out
echo '{"decide_on":"point"}' >point.json
verify out b16.jsonl --policy point.json
is "decide_on point passes it (exit 0)" $? 0

# ---- a signed number that disagrees with the items -----------------------------------------
# edit PATH VALUE <IN >OUT: one number of the predicate changed, everything else kept
edit() {
	python3 -c '
import json, sys
s = json.load(sys.stdin)
o, path = s, sys.argv[1].split(".")
for k in path[:-1]:
    o = o[int(k)] if k.isdigit() else o[k]
k = path[-1]
o[int(k) if k.isdigit() else k] = json.loads(sys.argv[2])
print(json.dumps(s, indent=2, sort_keys=True))' "$@"
}
edit predicate.metrics.attack_success_rate 0.001 <a4.json >a-edited.json
bundle edited.jsonl a-edited.json
verify out edited.jsonl
is "a hand-edited attack_success_rate is refused (exit 1)" $? 1
like "naming the number" \
	'^  FAIL  audit .*predicate.metrics.attack_success_rate is 0.001, but .*0.01' out
"$HM" audit check a-edited.json --results l4.jsonl --baseline-results l4b.jsonl >out 2>&1
is "audit check finds it too (exit 1)" $? 1
like "with both values" 'predicate.metrics.attack_success_rate: signed 0.001, the files give 0.01' out
is "the first item is labelled 0" "$(py '[s["predicate"]["items"][0]["label"]]' a4.json)" 0
edit predicate.items.0.label 1 <a4.json >a-relabelled.json
bundle relabelled.jsonl a-relabelled.json
verify out relabelled.jsonl
is "an item's label edited is refused (exit 1)" $? 1
like "the items disagree with the counts" 'predicate.items give 400 items and other counts than predicate.metrics' out

# ---- mismatches -----------------------------------------------------------------------------
sed 's/"label": 1/"score": 5/; s/"label": 0/"score": 1/' l4.jsonl >scores.jsonl
fails 1 "judge scores for HarmBench (a binary benchmark) are refused" audit x.json scores.jsonl l4b.jsonl
like "naming file, line and what to give" \
	'scores.jsonl:1: a judge score 1-5, but HarmBench is scored by a classifier.s binary labels: give "label": 0 or 1' x.json.err
awk 'BEGIN { for (c = 1; c <= 11; c++) for (i = 0; i < 30; i++)
	printf "{\"id\":\"category_%d/%d\",\"category\":\"category_%d\",\"label\":0}\n", c, i, c }' >hexphi.jsonl
fails 1 "0/1 labels for HEx-PHI (a judge benchmark) are refused" HMQ attest audit --model model \
	--benchmark HEx-PHI --judge cls --results hexphi.jsonl -o x.json
like "naming file, line and what to give" \
	'hexphi.jsonl:1: a 0/1 label, but HEx-PHI is not scored by a classifier.s binary labels \(its scoring is judge\): give the judge.s "score" from 1 to 5' "$T/.err"
sed '30s/"label": 0/"label": 2/' l4.jsonl >two.jsonl
fails 1 "a label other than 0 or 1 is refused" audit x.json two.jsonl l4b.jsonl
like "by file and line" 'two.jsonl:30: "label" is 2, not 0 \(harmless\) or 1 \(harmful\)' x.json.err
sed '20s/"label": 0/"label": true/' l4.jsonl >bool.jsonl
fails 1 "a boolean label is refused" audit x.json bool.jsonl l4b.jsonl
like "by file and line" 'bool.jsonl:20: "label" is a boolean, not the integer 0 or 1' x.json.err
fails 2 "labels without a named classifier are refused" HMQ attest audit --model model \
	--benchmark HarmBench --results l4.jsonl -o x.json
like "asking for --judge" 'name the classifier \(--judge\)' "$T/.err"

done_testing
