#!/bin/sh
# hallmark card and attest card: a model card from a real signed bundle; the front
# matter parses as YAML with the bundle's values; --update keeps the author's text
# byte for byte outside the markers; a forged line is left out and named; the card
# attestation binds the card to the model so `hallmark verify` checks it.
. tests/cli/lib.sh
cd "$T" || exit 1

. "$OLDPWD/tests/cli/fixture_bundle.sh"
is "fixture bundle has 5 lines" "$(wc -l <b.jsonl | tr -d ' ')" 5

ok "card from a bundle" "$HM" card --bundle good.jsonl --key pub.pub --auditor-key aud.pub \
	--license apache-2.0 -o README.md
if command -v python3 >/dev/null 2>&1 && python3 -c 'import yaml' 2>/dev/null; then
	cat >check.py <<'PY'
import sys, yaml
text = open(sys.argv[1], encoding="utf-8").read()
assert text.startswith("---\n")
fm = yaml.safe_load(text[4:text.index("\n---\n", 4)])
# base_model and datasets are hub ids: the run's base name is not one, the dataset's is
assert "base_model" not in fm, fm
assert fm["datasets"] == ["acme/chat-data"], fm["datasets"]
assert fm["license"] == "apache-2.0"
assert "hallmark-attested" in fm["tags"]
mi = fm["model-index"][0]
assert mi["name"] == "acme/tuned", mi["name"]
res = mi["results"][0]
assert res["dataset"]["type"] == "LLM-Tuning-Safety/HEx-PHI", res["dataset"]
assert res["dataset"]["name"] == "HEx-PHI", res["dataset"]
# the fine-tuned model's numbers only (10 of 330 scored 5): the base's are in the body
assert len(res["metrics"]) == 2, res["metrics"]
vals = {m["type"]: m["value"] for m in res["metrics"]}
assert not any("base" in m["name"] for m in res["metrics"]), res["metrics"]
assert abs(vals["harmfulness_rate"] - 0.030303) < 1e-9, vals
assert abs(vals["harmfulness_score"] - 1.121212) < 1e-9, vals
PY
	ok "front matter parses as YAML with the bundle's values" python3 check.py README.md
else
	skip "front matter parses as YAML (python3-yaml)" "python3 yaml module absent"
fi
like "card names the model digest" "sha256:$MODEL" README.md
like "card gives each rate with its 95% interval, and the rise with Newcombe's" \
	'^\| Harmfulness rate \| 0(\.0)?% \(95% CI 0(\.0)?-1\.15%\) \| 3\.03% \(95% CI 1\.65-5\.49%\) \| \+3\.03 points \(95% CI \+1\.24 to \+5\.49\) \|$' README.md
like "card gives the verify command" "^hallmark verify acme/tuned --bundle good.jsonl --key pub.pub --auditor-key aud.pub$" README.md
like "card names the publisher key" "$(cat pub.pub >/dev/null; "$HM" key id pub.pub 2>/dev/null || echo pub)" README.md
unlike "hostile name is not markup in the body" "^[^-].*<script>" README.md
like "hostile name is escaped text" "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" README.md

# A forged line: left out, and the card says so.
ok "card from a bundle with a forged line" "$HM" card --bundle b.jsonl --key pub.pub \
	--auditor-key aud.pub -o forged-card.md
like "forged line named in the card" "^- line 5 \\(https://hallmark.dev/attestations/dataset/v1\\): not signed by a trusted" forged-card.md
unlike "forged dataset not stated" "forged-dataset|Proprietary" forged-card.md
like "warning on stderr about line 5" "line 5 left out" "$T/.err"

# --update keeps the author's bytes outside the markers.
printf -- '---\n# author comment\nlanguage: en\ntags:\n- llama\n---\n# My model\n\nHand text \303\251.\n\n<!-- hallmark:begin -->\nold\n<!-- hallmark:end -->\n\nFooter.  \n' >user.md
ok "card --update" "$HM" card --bundle good.jsonl --key pub.pub --auditor-key aud.pub --update user.md -o updated.md
sed -n '/^---$/,/^---$/!p' user.md | sed '/<!-- hallmark:begin -->/,/<!-- hallmark:end -->/d' >outside.want
sed -n '/^---$/,/^---$/!p' updated.md | sed '/<!-- hallmark:begin -->/,/<!-- hallmark:end -->/d' >outside.got
ok "body outside the markers is byte for byte the author's" cmp outside.want outside.got
like "author's front matter comment kept" "^# author comment$" updated.md
like "author's tag kept" "^- llama$" updated.md
like "hallmark tag added" "^- hallmark-attested$" updated.md
unlike "old generated text replaced" "^old$" updated.md
cp updated.md again.md
ok "card --update in place" "$HM" card --bundle good.jsonl --key pub.pub --auditor-key aud.pub --update again.md
diff updated.md again.md >&2
ok "a second update changes nothing" cmp updated.md again.md
printf -- '---\ntags: [a\n---\nbody\n' >broken.md
fails 1 "unparseable front matter is refused" "$HM" card --bundle good.jsonl --key pub.pub --update broken.md
like "with the YAML error" "front matter line" "$T/.err"
fails 1 "no trusted key verifies anything" "$HM" card --bundle good.jsonl --key mallory.pub
fails 2 "--bundle is required" "$HM" card --key pub.pub

# attest card: the card's digest bound to the model's; verify checks it.
ok "attest card" "$HM" attest card README.md --model model -o card.json
like "card statement names the model" "\"sha256\": \"$MODEL\"" card.json
like "card statement subject is the card" "$(sha256sum README.md | cut -d' ' -f1)" card.json
ok "attest card with sha256:HEX" "$HM" attest card README.md --model "sha256:$MODEL" -o card2.json
ok "the two statements agree" cmp card.json card2.json
fails 2 "attest card needs --model" "$HM" attest card README.md
"$HM" sign --key pub.key --bundle good.jsonl card.json >/dev/null 2>&1
printf '{"require_card":true}\n' >policy.json
"$HM" verify model --bundle good.jsonl --key pub.pub --auditor-key aud.pub --policy policy.json \
	--no-progress >verify.out 2>&1
like "verify passes the card check" "PASS +card" verify.out
done_testing
