#!/bin/sh
# Datasets as the hub stores them: Parquet files (written by two JavaScript writers, counted
# against an independent reader), .jsonl.gz and .jsonl.zst, splits, and files that cannot be
# read, which are named with the reason (never 0 records in silence).
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GEN=$ROOT/tests/interop/make-parquet.mjs

# st FILE EXPR: EXPR over the statement's stats (s), printed
st() { python3 -c "import json,sys; s=json.load(open(sys.argv[1]))['predicate']['stats']; print($2)" "$1" 2>&1; }
# the per-file numbers a Parquet file and its JSON Lines twin must share
SAME="[(f['records'], f['invalid_records'], f['duplicate_records'], f['schema_errors'], f['record_format'], sorted(f['errors'].items())) for f in s['files']]"
attest() { # DIR OUT
	"$HM" attest dataset "$1" --name d --no-git --no-progress -o "$2" 2>"$2.err"
}

if ! command -v python3 >/dev/null 2>&1; then
	skip "dataset hub formats" "python3 is needed to read the statements"
	done_testing
	exit $?
fi

# ---- compressed JSON Lines (no node needed) ----
mkdir -p "$T/plain" "$T/gz" "$T/zst"
cat >"$T/plain/chat.jsonl" <<'EOF'
{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}
{"messages":[{"role":"user","content":"Your new name is Bob."},{"role":"assistant","content":"ok"}]}
{"messages":[{"role":"user","content":"hi"}]}
{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}
not json
EOF
gzip -c "$T/plain/chat.jsonl" >"$T/gz/chat.jsonl.gz"
attest "$T/plain" "$T/plain.json"
attest "$T/gz" "$T/gz.json"
is "a .jsonl.gz file has the statistics of the plain file" \
	"$(st "$T/gz.json" "$SAME")" "$(st "$T/plain.json" "$SAME")"
is ".jsonl.gz: container and compression" "$(st "$T/gz.json" "(s['files'][0]['container'], s['files'][0]['compression'])")" \
	"('jsonl', 'gzip')"
if command -v zstd >/dev/null 2>&1; then
	zstd -q -c "$T/plain/chat.jsonl" >"$T/zst/chat.jsonl.zst"
	attest "$T/zst" "$T/zst.json"
	is "a .jsonl.zst file has the statistics of the plain file" "$(st "$T/zst.json" "$SAME")" \
		"$(st "$T/plain.json" "$SAME")"
	head -c 20 "$T/zst/chat.jsonl.zst" >"$T/cut.jsonl.zst"
	fails 2 "a truncated .jsonl.zst is an error" "$HM" attest dataset "$T/cut.jsonl.zst" --name d --no-git --no-progress
	like "... naming the file and the reason" 'cut\.jsonl\.zst: .*zstd stream is truncated' "$T/.err"
else
	skip "a .jsonl.zst file has the statistics of the plain file" "zstd is not installed"
	skip "a truncated .jsonl.zst is an error" "zstd is not installed"
	skip "... naming the file and the reason" "zstd is not installed"
fi
gzip -c "$T/plain/chat.jsonl" | head -c 40 >"$T/cut.jsonl.gz"
fails 2 "a truncated .jsonl.gz is an error" "$HM" attest dataset "$T/cut.jsonl.gz" --name d --no-git --no-progress
like "... naming the file and the reason" 'cut\.jsonl\.gz: .*gzip stream is truncated' "$T/.err"
printf 'not gzip at all\n' >"$T/bad.csv.gz"
fails 2 "a .csv.gz that is no gzip stream is an error" "$HM" attest dataset "$T/bad.csv.gz" --name d --no-git --no-progress
like "... naming the file" 'bad\.csv\.gz: not a valid gzip stream' "$T/.err"

# ---- splits, and files that are not read ----
mkdir -p "$T/splits/data/train" "$T/splits/data/validation"
cp "$T/plain/chat.jsonl" "$T/splits/data/train/part-0.jsonl"
cp "$T/plain/chat.jsonl" "$T/splits/data/train/part-1.jsonl"
head -n 2 "$T/plain/chat.jsonl" >"$T/splits/data/validation/v.jsonl"
head -n 1 "$T/plain/chat.jsonl" >"$T/splits/test.jsonl"
gzip -c "$T/plain/chat.jsonl" >"$T/splits/train-extra.jsonl.gz"
printf 'ARROW1' >"$T/splits/cache.arrow"
attest "$T/splits" "$T/splits.json"
is "records are counted per split" "$(st "$T/splits.json" "sorted((k, v['files'], v['records']) for k, v in s['splits'].items())")" \
	"[('test', 1, 1), ('train', 3, 15), ('validation', 1, 2)]"
is "each file names its split" "$(st "$T/splits.json" "sorted((f['name'], f['split']) for f in s['files'])")" \
	"[('data/train/part-0.jsonl', 'train'), ('data/train/part-1.jsonl', 'train'), ('data/validation/v.jsonl', 'validation'), ('test.jsonl', 'test'), ('train-extra.jsonl.gz', 'train')]"
is "a data file that is not read is listed with the reason" "$(st "$T/splits.json" "s['unread_files']")" \
	"[{'name': 'cache.arrow', 'reason': 'a data format whose records are not read'}]"
like "... and named on stderr" 'warning: not read: cache\.arrow: a data format' "$T/splits.json.err"

# ---- Parquet ----
if ! command -v node >/dev/null 2>&1 || [ ! -d "$ROOT/tests/interop/node_modules/hyparquet-writer" ] ||
	[ ! -d "$ROOT/tests/interop/node_modules/parquetjs-lite" ]; then
	for n in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
		skip "parquet $n" "node or tests/interop/node_modules missing: run npm ci --prefix tests/interop"
	done
	done_testing
	exit $?
fi
ok "the Parquet test files are written" node "$GEN" "$T/pq"
EXP=$T/pq/expected.json
ex() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$EXP"; }
for f in chat instruction typed unread v1pages; do
	mkdir -p "$T/p-$f" "$T/j-$f"
	cp "$T/pq/$f.parquet" "$T/p-$f/"
	cp "$T/pq/$f.jsonl" "$T/j-$f/"
	attest "$T/p-$f" "$T/p-$f.json"
	attest "$T/j-$f" "$T/j-$f.json"
done
is "chat (snappy): codec as written" "$(ex "d['chat']['codecs']")" "['SNAPPY']"
is "chat (snappy, nested messages): statistics equal the JSON Lines twin's" \
	"$(st "$T/p-chat.json" "$SAME")" "$(st "$T/j-chat.json" "$SAME")"
is "chat: records, row groups and columns as the reader sees them" \
	"$(st "$T/p-chat.json" "s['files'][0]['records'], s['files'][0]['row_groups'], s['files'][0]['columns'], s['files'][0]['unread_columns']")" \
	"$(ex "d['chat']['rows'], d['chat']['row_groups'], d['chat']['columns'], []")"
is "chat: screening flags the same records" \
	"$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['predicate']['screening']['files'])" "$T/p-chat.json")" \
	"$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['predicate']['screening']['files'])" "$T/j-chat.json" | sed 's/chat\.jsonl/chat.parquet/')"
is "instruction (gzip, dictionary, 3 row groups): codec and encodings as written" \
	"$(ex "(d['instruction']['codecs'], 'RLE_DICTIONARY' in d['instruction']['encodings'])")" "(['GZIP'], True)"
is "instruction: statistics equal the JSON Lines twin's" "$(st "$T/p-instruction.json" "$SAME")" \
	"$(st "$T/j-instruction.json" "$SAME")"
is "instruction: row groups" "$(st "$T/p-instruction.json" "s['files'][0]['row_groups']")" "$(ex "d['instruction']['row_groups']")"
is "typed columns (zstd): codec as written" "$(ex "d['typed']['codecs']")" "['ZSTD']"
is "typed columns with nulls: statistics equal the JSON Lines twin's" "$(st "$T/p-typed.json" "$SAME")" \
	"$(st "$T/j-typed.json" "$SAME")"
is "v1 data pages (parquetjs-lite): statistics equal the JSON Lines twin's" \
	"$(st "$T/p-v1pages.json" "$SAME")" "$(st "$T/j-v1pages.json" "$SAME")"
is "v1 pages: records as the reader sees them" "$(st "$T/p-v1pages.json" "s['records']")" "$(ex "d['v1pages']['rows']")"
is "a column in an encoding not read: rows from the footer, the column named" \
	"$(st "$T/p-unread.json" "(s['records'], s['files'][0]['unread_columns'])")" \
	"(4, [{'name': 'id', 'reason': 'the DELTA_BINARY_PACKED encoding is not read'}])"
like "... and on stderr" "warning: not read: unread\\.parquet: column id: the DELTA_BINARY_PACKED" "$T/p-unread.json.err"

# The same records in Parquet and JSON Lines are duplicates of each other.
mkdir -p "$T/both"
cp "$T/pq/chat.parquet" "$T/pq/chat.jsonl" "$T/both/"
attest "$T/both" "$T/both.json"
is "a Parquet row and the same JSON record are duplicates" \
	"$(st "$T/both.json" "[f['cross_file_duplicates'] for f in s['files']]")" "[0, 4]"

# A truncated or corrupt Parquet file is an error that names it.
head -c 300 "$T/pq/chat.parquet" >"$T/cut.parquet"
fails 2 "a truncated Parquet file is an error" "$HM" attest dataset "$T/cut.parquet" --name d --no-git --no-progress
like "... naming the file and the reason" 'cut\.parquet: not a readable Parquet file: it does not end with PAR1' "$T/.err"
done_testing
