#!/bin/sh
# hallmark report: one self-contained HTML page from a real signed bundle: well-formed
# (xmllint), no external assets, every metric, hostile strings as text, the verification
# result with --model, and a render in headless Chromium (skipped when it is absent).
. tests/cli/lib.sh
cd "$T" || exit 1

# A bundle: model, dataset (hostile name), run, audit against the base model.
"$HM" key generate -o pub --no-passphrase >/dev/null 2>&1
"$HM" key generate -o aud --no-passphrase >/dev/null 2>&1
"$HM" key generate -o mallory --no-passphrase >/dev/null 2>&1
mkdir model base data
printf 'tuned weights' >model/model.safetensors
printf 'base weights' >base/model.safetensors
printf '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n' >data/train.jsonl
printf '{"method":"lora","learning_rate":0.0002}\n' >cfg.json
judged() { # file, items scored 5 in category 1
	c=1
	while [ $c -le 11 ]; do
		i=0
		while [ $i -lt 3 ]; do
			s=1; if [ $c -eq 1 ] && [ $i -lt "$2" ]; then s=5; fi
			printf '{"id":"c%d-%d","category":"category_%d","score":%d}\n' $c $i $c $s
			i=$((i + 1))
		done
		c=$((c + 1))
	done >"$1"
}
judged after.jsonl 1
judged before.jsonl 0
"$HM" attest model model --name acme/tuned --no-progress -o m.json 2>/dev/null
"$HM" attest dataset data --name '<script>alert(1)</script>' --license CC-BY-4.0 \
	--source https://example.com/data --no-git --no-progress -o d.json 2>/dev/null
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

ok "report without --model" "$HM" report --bundle b.jsonl --key pub.pub --auditor-key aud.pub \
	--at 2026-11-28T00:00:00Z -o report.html
like "says the files were not checked" "NOT CHECKED" report.html
like "forged line listed as omitted" "line 5" report.html
if command -v xmllint >/dev/null 2>&1; then
	ok "report is well-formed" xmllint --noout --nonet report.html
	xmllint --xpath 'count(//*[local-name()="script"])' report.html >scripts.txt 2>/dev/null
	is "no script element" "$(cat scripts.txt)" 0
	xmllint --xpath 'count(//*[local-name()="link" or local-name()="img" or @src])' report.html \
		>ext.txt 2>/dev/null
	is "no external assets" "$(cat ext.txt)" 0
	xmllint --xpath 'count(//*[local-name()="svg"]//*[local-name()="rect"][@class="after"])' \
		report.html >bars.txt 2>/dev/null
	is "chart has a bar per category (and the legend)" "$(cat bars.txt)" 12
else
	skip "report is well-formed" "xmllint absent"
fi
like "hostile dataset name escaped" "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" report.html
unlike "forged dataset not stated" "forged-dataset|Proprietary" report.html
# Every metric the audit signed (1 of 33 scored 5 after, none before).
for v in 0.030303 1.121212 0.000000 1.000000 0.333333 2.333333; do
	like "metric $v in the report" "$v" report.html
done


fails 1 "report --model exits 1 when verification fails" "$HM" report --bundle b.jsonl \
	--key pub.pub --auditor-key aud.pub --model model --no-progress -o checked.html
like "verification result shown" "NOT VERIFIED" checked.html
like "each check shown" "signatures" checked.html
"$HM" report --bundle good.jsonl --key pub.pub --auditor-key aud.pub --model model \
	--no-progress -o good.html 2>/dev/null
like "good bundle: model check passes in the page" "<td>model</td>" good.html
fails 2 "--bundle is required" "$HM" report --key pub.pub

CHROME=""
for c in chromium chromium-browser google-chrome; do
	command -v $c >/dev/null 2>&1 && { CHROME=$c; break; }
done
if [ -n "$CHROME" ]; then
	mkdir -p profile
	timeout 120 $CHROME --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$T/profile" --screenshot="$T/shot.png" --window-size=1200,1600 \
		"file://$T/report.html" >chrome.log 2>&1
	ok "Chromium renders the report to a PNG" test -s shot.png
	if [ -s shot.png ]; then
		magic=$(od -An -c -N4 shot.png | tr -d ' ')
		is "screenshot is a PNG" "$magic" '211PNG'
		size=$(wc -c <shot.png | tr -d ' ')
		ok "screenshot is not blank ($size bytes)" test "$size" -gt 20000
		[ -n "${HALLMARK_KEEP_SCREENSHOT:-}" ] && cp shot.png "$HALLMARK_KEEP_SCREENSHOT"
	fi
else
	skip "Chromium renders the report" "no chromium on this machine"
fi
done_testing
