#!/bin/sh
# `hallmark attest dataset` against Python on the same files, in the same run,
# with the goals it must meet (PASS/MISS each):
#   chat JSONL   >= 3x /usr/bin/python3 running json.loads on every line
#   CSV          >= 2x /usr/bin/python3 reading every row with the csv module
#   memory       peak RSS flat: the full chat file within 16 MiB of a quarter of it
#
#   sh bench/dataset.sh                    # BUILD=build, 300 MB of chat JSONL, 150 MB of CSV
#   BENCH_SCALE=0.25 sh bench/dataset.sh
#
# The files are written fresh by bench/gendataset.py (OpenAI chat records with
# some ShareGPT, Alpaca and generic ones, about 3% duplicates and a few
# screening hits; CSV rows of instruction,input,output with quoted fields)
# and read once into the page cache. Rounds interleave hallmark and Python so
# that other work on the machine weighs on both alike; the best of
# BENCH_RUNS rounds is kept (wall time; the least CPU time is printed
# beside it, with the load average before and after). hallmark's time is the whole command: the
# manifest digest, the statistics (which hash the file again), the screening
# with the shipped patterns and the statement. MB = 10^6 bytes.
set -eu

BUILD=${BUILD:-build}
SCALE=${BENCH_SCALE:-1}
RUNS=${BENCH_RUNS:-3}
PY=${BENCH_PYTHON:-/usr/bin/python3}
CLI=$BUILD/hallmark

die() { echo "bench: $*" >&2; exit 2; }
[ -x "$CLI" ] || die "$CLI is missing: run make first"
[ -x "$PY" ] || die "$PY is missing"

WORK=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/hm-dataset-bench-XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
GOALS=$WORK/goals
: >"$GOALS"
goal() { # NAME VALUE MIN TEXT
	if awk -v v="$2" -v m="$3" 'BEGIN { exit !(v >= m) }'; then r=PASS; else r=MISS; fi
	echo "$r  $1: $4" >>"$GOALS"
}
now_ns() { date +%s%N; }
rate() { awk -v b="$1" -v ns="$2" 'BEGIN { printf "%.1f", (ns > 0) ? b / 1e6 / (ns / 1e9) : 0 }'; }
time_once() { # VAR CMD...: keeps the best wall time in ns in VAR, the least CPU (user +
	# system, ms, with GNU time) in VAR_cpu
	var=$1
	shift
	t0=$(now_ns)
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%U %S' -o "$WORK/cpu" "$@" >"$WORK/out" 2>"$WORK/err" ||
			die "$1 failed: $(cat "$WORK/err")"
	else
		"$@" >"$WORK/out" 2>"$WORK/err" || die "$1 failed: $(cat "$WORK/err")"
		echo "0 0" >"$WORK/cpu"
	fi
	t1=$(now_ns)
	eval "prev=\${$var}"
	if [ -z "$prev" ] || [ $((t1 - t0)) -lt "$prev" ]; then eval "$var=$((t1 - t0))"; fi
	cpu=$(awk '{ printf "%d", ($1 + $2) * 1000 }' "$WORK/cpu")
	eval "prev=\${${var}_cpu:-}"
	if [ -z "$prev" ] || [ "$cpu" -lt "$prev" ]; then eval "${var}_cpu=$cpu"; fi
}
peak_rss() { # KiB, GNU time when installed
	[ -x /usr/bin/time ] || { echo 0; return; }
	/usr/bin/time -f '%M' -o "$WORK/rss" "$@" >/dev/null 2>"$WORK/err" || die "$1 failed"
	tail -n 1 "$WORK/rss"
}

cat >"$WORK/json_lines.py" <<'PYEOF'
import json, sys
with open(sys.argv[1], "rb") as f:
    for line in f:
        if line.strip():
            try:
                json.loads(line)
            except ValueError:
                pass
PYEOF
cat >"$WORK/csv_rows.py" <<'PYEOF'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for row in csv.reader(f):
        pass
PYEOF

mb() { awk -v s="$SCALE" -v m="$1" 'BEGIN { printf "%d", s * m }'; }
mkdir -p "$WORK/chat" "$WORK/csv" "$WORK/quarter"
"$PY" bench/gendataset.py chat "$WORK/chat/chat.jsonl" "$(mb 300)" || die "cannot write the chat file"
"$PY" bench/gendataset.py csv "$WORK/csv/rows.csv" "$(mb 150)" || die "cannot write the CSV file"
lines=$(wc -l <"$WORK/chat/chat.jsonl")
head -n $((lines / 4)) "$WORK/chat/chat.jsonl" >"$WORK/quarter/chat.jsonl"
cat "$WORK/chat/chat.jsonl" "$WORK/csv/rows.csv" >/dev/null

# a script, not a function, so that GNU time can run it
printf '#!/bin/sh\nexec "%s" attest dataset "$1" --name bench --no-git --no-progress --screen-patterns data/screen-patterns.txt -o "%s"\n' \
	"$CLI" "$WORK/statement.json" >"$WORK/attest"
chmod +x "$WORK/attest"

echo "hallmark attest dataset benchmark"
echo "scale: $SCALE, best of $RUNS interleaved runs; python: $PY ($("$PY" --version 2>&1))"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
printf '%-10s %9s  %-34s %8s %9s %8s\n' file MB tool seconds MB/s "CPU s"

t_hc="" t_pj="" t_hv="" t_pc="" t_hc_cpu="" t_pj_cpu="" t_hv_cpu="" t_pc_cpu=""
round=0
while [ "$round" -lt "$RUNS" ]; do
	time_once t_hc "$WORK/attest" "$WORK/chat/chat.jsonl"
	time_once t_pj "$PY" "$WORK/json_lines.py" "$WORK/chat/chat.jsonl"
	time_once t_hv "$WORK/attest" "$WORK/csv/rows.csv"
	time_once t_pc "$PY" "$WORK/csv_rows.py" "$WORK/csv/rows.csv"
	round=$((round + 1))
done

row() { # FILE BYTES TOOL NS CPU_MS
	printf '%-10s %9s  %-34s %8s %9s %8s\n' "$1" "$(awk -v b="$2" 'BEGIN { printf "%.1f", b / 1e6 }')" \
		"$3" "$(awk -v ns="$4" 'BEGIN { printf "%.3f", ns / 1e9 }')" "$(rate "$2" "$4")" \
		"$(awk -v ms="$5" 'BEGIN { printf "%.3f", ms / 1e3 }')"
}
chat_b=$(stat -c %s "$WORK/chat/chat.jsonl")
csv_b=$(stat -c %s "$WORK/csv/rows.csv")
row chat.jsonl "$chat_b" "hallmark attest dataset" "$t_hc" "$t_hc_cpu"
row chat.jsonl "$chat_b" "python3 json.loads per line" "$t_pj" "$t_pj_cpu"
row rows.csv "$csv_b" "hallmark attest dataset" "$t_hv" "$t_hv_cpu"
row rows.csv "$csv_b" "python3 csv.reader" "$t_pc" "$t_pc_cpu"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
# CPU time (user + system) is what other work on the machine disturbs least; hallmark's
# includes its second thread. The goals are on wall time.
[ "$t_hc_cpu" -gt 0 ] 2>/dev/null && [ "$t_hv_cpu" -gt 0 ] &&
	echo "CPU time ratios (information): chat $(awk -v a="$t_pj_cpu" -v b="$t_hc_cpu" \
		'BEGIN { printf "%.2f", a / b }')x, CSV $(awk -v a="$t_pc_cpu" -v b="$t_hv_cpu" \
		'BEGIN { printf "%.2f", a / b }')x"

r_json=$(awk -v a="$t_pj" -v b="$t_hc" 'BEGIN { printf "%.2f", a / b }')
r_csv=$(awk -v a="$t_pc" -v b="$t_hv" 'BEGIN { printf "%.2f", a / b }')
goal "chat JSONL" "$r_json" 3 "${r_json}x python3 json.loads per line (>= 3x)"
goal "CSV" "$r_csv" 2 "${r_csv}x python3 csv module (>= 2x)"

rss_full=$(peak_rss "$CLI" attest dataset "$WORK/chat/chat.jsonl" --name bench --no-git \
	--no-progress --screen-patterns data/screen-patterns.txt -o "$WORK/statement.json")
rss_quarter=$(peak_rss "$CLI" attest dataset "$WORK/quarter/chat.jsonl" --name bench --no-git \
	--no-progress --screen-patterns data/screen-patterns.txt -o "$WORK/statement.json")
spread=$(((rss_full - rss_quarter) / 1024))
echo "peak RSS: $((rss_full / 1024)) MiB on the chat file, $((rss_quarter / 1024)) MiB on a quarter of it"
goal "memory" "$((16 - spread))" 0 "peak RSS flat: full file $((rss_full / 1024)) MiB vs a quarter $((rss_quarter / 1024)) MiB (<= 16 MiB more)"
echo
echo "goals:"
cat "$GOALS"
! grep -q '^MISS' "$GOALS"
