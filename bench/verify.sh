#!/bin/sh
# verify's cost beyond hashing: `hallmark verify` of a signed 20,000-file model
# (16 KiB files) against `hallmark digest` of the same files, interleaved in one
# run (the default policy; the bundle holds the model manifest alone, so verify
# says NOT VERIFIED for provenance and audit, after the model check passed),
# and the peak memory of both at 20,000 and 100,000 files (1 KiB files: memory
# follows the count). Goals (PASS/MISS): verify takes at most 1.10x digest's
# time; from 20,000 to 100,000 files verify's peak RSS grows by at most twice
# the signed bundle's growth.
#
#   sh bench/verify.sh            # BUILD=build, BENCH_RUNS=3
set -eu

BUILD=${BUILD:-build}
RUNS=${BENCH_RUNS:-3}
BASE=${BENCH_DIR:-${TMPDIR:-/tmp}}
HM=$BUILD/hallmark
DRIVER=$BUILD/bench/hashbench # built by bench/run.sh

die() { echo "bench: $*" >&2; exit 2; }
[ -x "$HM" ] || die "$HM is missing: run make first"
[ -x "$DRIVER" ] || die "$DRIVER is missing: run bench/run.sh (make bench)"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is needed for peak RSS"

WORK=$(mktemp -d "$BASE/hm-verify-bench-XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
now_ns() { date +%s%N; }
secs() { awk -v ns="$1" 'BEGIN { printf "%.3f", ns / 1e9 }'; }
"$HM" key generate -o "$WORK/pub" --no-passphrase >/dev/null 2>&1 || die "key generate failed"

model() { # model NAME COUNT BYTES: written, attested, signed into NAME.jsonl
	mkdir "$WORK/$1"
	"$DRIVER" -w "$WORK/$1" "$2" "$3" || die "cannot write $1"
	"$HM" attest model "$WORK/$1" -o "$WORK/$1.json" --no-progress 2>/dev/null ||
		die "attest model $1 failed"
	"$HM" sign --key "$WORK/pub.key" --bundle "$WORK/$1.jsonl" "$WORK/$1.json" >/dev/null 2>&1 ||
		die "sign $1 failed"
}
D() { "$HM" digest --no-progress "$WORK/$1"; }
V() { # exit 1 (provenance and audit missing) is expected; the model check must pass
	"$HM" verify "$WORK/$1" --bundle "$WORK/$1.jsonl" --key "$WORK/pub.pub" --no-progress \
		>"$WORK/v.out" 2>&1 || [ $? -eq 1 ] || die "verify $1 failed: $(cat "$WORK/v.out")"
	grep -q '^ *PASS *model' "$WORK/v.out" || die "verify $1: the model check did not pass"
}
best() { # VAR CMD...
	var=$1
	shift
	t0=$(now_ns)
	"$@" >/dev/null 2>&1 || die "$* failed"
	t1=$(now_ns)
	eval "prev=\${$var}"
	if [ -z "$prev" ] || [ $((t1 - t0)) -lt "$prev" ]; then eval "$var=$((t1 - t0))"; fi
}
rss() { # rss digest|verify NAME: peak RSS in KiB
	if [ "$1" = digest ]; then
		set -- "$HM" digest --no-progress "$WORK/$2"
	else
		set -- "$HM" verify "$WORK/$2" --bundle "$WORK/$2.jsonl" --key "$WORK/pub.pub" --no-progress
	fi
	/usr/bin/time -f '%M' -o "$WORK/rss" "$@" >/dev/null 2>&1 || true
	tail -n 1 "$WORK/rss" | grep -Ex '[0-9]+' || die "no peak RSS for $*"
}

model m20k 20000 16384
model m100k 100000 1024
t_digest="" t_verify=""
round=0
while [ "$round" -lt "$RUNS" ]; do
	best t_digest D m20k
	best t_verify V m20k
	round=$((round + 1))
done
d20=$(rss digest m20k) v20=$(rss verify m20k) d100=$(rss digest m100k) v100=$(rss verify m100k)
b20=$(stat -c %s "$WORK/m20k.jsonl") b100=$(stat -c %s "$WORK/m100k.jsonl")

echo "hallmark verify overhead benchmark"
echo "best of $RUNS runs; load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo ?)"
printf '%-34s %8s\n' tool seconds
printf '%-34s %8s\n' "hallmark digest, 20,000 files" "$(secs "$t_digest")"
printf '%-34s %8s\n' "hallmark verify, 20,000 files" "$(secs "$t_verify")"
printf '%-16s %12s %12s %12s\n' "peak RSS (KiB)" digest verify "bundle size"
printf '%-16s %12s %12s %12s\n' "20,000 files" "$d20" "$v20" "$((b20 / 1024))"
printf '%-16s %12s %12s %12s\n' "100,000 files" "$d100" "$v100" "$((b100 / 1024))"

r=$(awk -v a="$t_verify" -v b="$t_digest" 'BEGIN { printf "%.2f", a / b }')
if awk -v r="$r" 'BEGIN { exit !(r <= 1.10) }'; then res=PASS; else res=MISS; fi
echo
echo "$res  verify on 20,000 files: ${r}x the time of digest (<= 1.10x)"
grow=$(((v100 - v20) / 1024)) bgrow=$(((b100 - b20) / 1048576))
if [ $((v100 - v20)) -le $((2 * (b100 - b20) / 1024)) ]; then mres=PASS; else mres=MISS; fi
echo "$mres  verify memory, 20,000 to 100,000 files: +$grow MiB for a bundle +$bgrow MiB larger (<= 2x)"
[ "$res" = PASS ] && [ "$mres" = PASS ]
