#!/bin/sh
# Attested text on the terminal: a statement signed by a throw-away key whose names carry
# ESC[2K, CR, a newline followed by a fake "ok ... signed by" line and U+202E is printed by
# bundle show, archive search/show/lineage and verify with all of that escaped.
. tests/cli/lib.sh
cd "$T" || exit 1
unset HALLMARK_PASSPHRASE
export HALLMARK_ARCHIVE="$T/archive.db"

if ! command -v python3 >/dev/null 2>&1; then
	skip "escaping tests" "python3 is needed to write the hostile statement"
	done_testing
	exit
fi

# The hostile name: erase the line, return, print a fake verdict on a line of its own,
# then reverse what follows.
EVIL=$(printf 'acme\033[2K\rok\nline 1: ok: https://example.com/x/v1 signed by 0123abcd\342\200\256lmth.exe')
ESC=$(printf '\033') CR=$(printf '\r') RLO=$(printf '\342\200\256')

# Passes when neither output of the last command holds a raw ESC, CR or U+202E, nor a line
# that starts with the fake verdict.
clean() { # name
	bad=""
	for f in "$T/.out" "$T/.err"; do
		if LC_ALL=C grep -q "$ESC" "$f"; then bad="$bad ESC in ${f##*/};"; fi
		if LC_ALL=C grep -q "$CR" "$f"; then bad="$bad CR in ${f##*/};"; fi
		if LC_ALL=C grep -q "$RLO" "$f"; then bad="$bad U+202E in ${f##*/};"; fi
		if grep -q '^line 1: ok: https://example.com/x/v1 signed by 0123abcd' "$f"; then
			bad="$bad a forged line in ${f##*/};"; fi
	done
	if [ -z "$bad" ]; then _report 0 "$1"; else
		_report 1 "$1"; echo "#$bad"; sed -n l "$T/.out" "$T/.err" | head -20 | sed 's/^/# /'; fi
}

"$HM" key generate -o throwaway --no-passphrase >/dev/null 2>&1
D=$(printf weights | sha256sum | cut -d' ' -f1)
EVIL="$EVIL" D="$D" python3 -c '
import json, os
print(json.dumps({"_type": "https://in-toto.io/Statement/v1",
  "subject": [{"name": os.environ["EVIL"], "digest": {"sha256": os.environ["D"]}}],
  "predicateType": "https://example.com/x/v1", "predicate": {"note": os.environ["EVIL"]}}))
' >evil.json
ok "a statement with a hostile subject name signs" "$HM" sign --key throwaway.key --bundle evil.jsonl evil.json

ok "bundle show prints it" "$HM" bundle show evil.jsonl
clean "bundle show: no raw control or bidi characters, no forged line"
like "bundle show: the escapes are visible" 'subject acme\\x1b\[2K\\rok\\nline 1: ok: .*\\u202elmth\.exe' "$T/.out"
ok "bundle show --key prints it" "$HM" bundle show evil.jsonl --key throwaway.pub
clean "bundle show --key: no raw control or bidi characters, no forged line"
ok "bundle show --json keeps the JSON escapes" "$HM" bundle show evil.jsonl --json
like "bundle show --json: \\u001b as JSON writes it" 'acme\\u001b\[2K\\u000dok\\nline 1' "$T/.out"

ok "archive add stores it" "$HM" archive add evil.jsonl --key throwaway.pub
ok "archive search prints it" "$HM" archive search --digest "$D"
clean "archive search: no raw control or bidi characters, no forged line"
like "archive search: the escaped name" 'acme\\x1b\[2K' "$T/.out"
ok "archive show prints it" "$HM" archive show 0
clean "archive show: no raw control or bidi characters, no forged line"
like "archive show: the escaped name" 'subject +acme\\x1b\[2K\\rok\\nline 1' "$T/.out"
ok "archive lineage prints it" "$HM" archive lineage "sha256:$D"
clean "archive lineage: no raw control or bidi characters, no forged line"
like "archive lineage: the escaped name" '^model +acme\\x1b\[2K\\rok\\nline 1' "$T/.out"

# the CSV export: one row a line, no raw control or bidi characters, formulas defused
printf '{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"=HYPERLINK(\\"http://x\\")","digest":{"sha256":"%s"}}],"predicateType":"https://example.com/x/v1","predicate":{}}\n' "$D" >formula.json
"$HM" sign --key throwaway.key --bundle formula.jsonl formula.json 2>/dev/null
"$HM" archive add formula.jsonl --key throwaway.pub 2>/dev/null
ok "archive export --format csv" "$HM" archive export --format csv
sed 's/\r$//' "$T/.out" >"$T/.csv" && mv "$T/.csv" "$T/.out" # the CRLF that ends each record
clean "csv: no raw control or bidi characters, no forged line"
is "csv: a header and one line an entry" "$(wc -l <"$T/.out" | tr -d ' ')" 3
like "csv: the name escaped" '"acme\\x1b\[2K\\rok\\nline 1: ok: .*\\u202elmth\.exe@sha256:' "$T/.out"
like "csv: a formula is shown, not evaluated" ',"'"'"'=HYPERLINK\(""http://x""\)@sha256:' "$T/.out"

# verify: a run whose base model and dataset carry the hostile name, signed by the key
# that is then trusted, so the details that quote them are printed.
mkdir model base data
printf 'tuned' >model/w.safetensors
printf 'base' >base/w.safetensors
printf '{"text":"hi"}\n' >data/d.jsonl
"$HM" attest model model --name "$EVIL" --no-progress -o m.json 2>/dev/null
"$HM" attest dataset data --name "$EVIL" --license MIT --no-git --no-progress -o d.json 2>/dev/null
"$HM" attest run --model model --model-name "$EVIL" --base-model base --base-name "$EVIL" \
	--dataset d.json --no-progress -o r.json 2>/dev/null
ok "the hostile run signs" "$HM" sign --key throwaway.key --bundle run.jsonl m.json d.json r.json
fails 1 "verify prints the report (no audit: NOT VERIFIED)" "$HM" verify model --bundle run.jsonl \
	--key throwaway.pub --verbose --no-progress
clean "verify: no raw control or bidi characters, no forged line"
like "verify: the base model's name is escaped" 'base model acme.\[2K' "$T/.out"
like "verify: NOT VERIFIED is still the last line" '^NOT VERIFIED' "$T/.out"
fails 1 "a failing verify prints the details" "$HM" verify base --bundle run.jsonl \
	--key throwaway.pub --no-progress
clean "failing verify: no raw control or bidi characters, no forged line"

done_testing
