#!/bin/sh
# hallmark report: one self-contained HTML page from a real signed bundle: well-formed
# (xmllint), no external assets, every metric, hostile strings as text, the verification
# result with --model, and a render in headless Chromium (skipped when it is absent).
. tests/cli/lib.sh
cd "$T" || exit 1

. "$OLDPWD/tests/cli/fixture_bundle.sh"

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
# Every metric the audit signed (10 of 330 scored 5 after, none before).
for v in 0.030303 1.121212 0.000000 1.000000 0.333333 2.333333; do
	like "metric $v in the report" "$v" report.html
done
like "the rate with its 95% Wilson interval" '3.03% \(0.030303\), 95% CI 1.65-5.49%' report.html
like "the rise with its 95% Newcombe interval" '\+3.03 points \(\+0.030303\), 95% CI \+1.24 to \+5.49' report.html


fails 1 "report --model exits 1 when verification fails" "$HM" report --bundle b.jsonl \
	--key pub.pub --auditor-key aud.pub --model model --no-progress -o checked.html
like "verification result shown" "NOT VERIFIED" checked.html
like "each check shown" "signatures" checked.html
# report --model checks the bundle once: the bundle is read (and its signatures checked)
# once, so a bundle on standard input, which can be read only once, still gives a report.
"$HM" report --bundle good.jsonl --key pub.pub --auditor-key aud.pub --model model \
	--no-progress -o twice.html 2>/dev/null
want=$?
"$HM" report --bundle - --key pub.pub --auditor-key aud.pub --model model --no-progress \
	-o once.html <good.jsonl 2>"$T/.err"
is "report --model on standard input exits as on the file" $? "$want"
like "the page states the facts (read once, from standard input)" "acme/tuned" once.html
like "and the verification" "model check passes|VERIFIED" once.html
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
