#!/bin/sh
# Incremental re-verify: `hallmark verify --cache` of an unchanged model against a full hash
# of the same files (`hallmark digest`, and `verify --no-cache`), interleaved in one run, with
# the goal it must meet (PASS/MISS): the cached re-verify takes under 5% of the full hash.
#
#   sh bench/cache.sh                      # BUILD=build, a 2 GiB model of 4 files
#
# The goal names the size, so the model is 2 GiB whatever BENCH_SCALE says (a smaller model
# would weigh the cached run's fixed cost against less hashing than the goal allows).
#
# The model is written, signed, and left to settle for the cache's racy window (files changed
# within HM_DIGEST_CACHE_RACY_SECONDS of the hashing are never remembered); one `verify --cache`
# then writes the cache, and BENCH_RUNS rounds time each tool once (best kept). The cache
# lives in a temporary XDG_CACHE_HOME; the "digest cache:" line of each cached run must say
# that nothing was hashed.
set -eu

BUILD=${BUILD:-build}
RUNS=${BENCH_RUNS:-3}
BASE=${BENCH_DIR:-${TMPDIR:-/tmp}}
HM=$BUILD/hallmark

die() { echo "bench: $*" >&2; exit 2; }
[ -x "$HM" ] || die "$HM is missing: run make first"

WORK=$(mktemp -d "$BASE/hm-cache-bench-XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
export XDG_CACHE_HOME="$WORK/xdg"

now_ns() { date +%s%N; }
best() { # VAR CMD...: runs CMD (stdout, stderr to $WORK/out, err); VAR keeps the best ns
	var=$1
	shift
	t0=$(now_ns)
	"$@" >"$WORK/out" 2>"$WORK/err" || die "$* failed: $(cat "$WORK/err")"
	t1=$(now_ns)
	eval "prev=\${$var}"
	if [ -z "$prev" ] || [ $((t1 - t0)) -lt "$prev" ]; then eval "$var=$((t1 - t0))"; fi
}
secs() { awk -v ns="$1" 'BEGIN { printf "%.3f", ns / 1e9 }'; }

each=$((512 * 1048576)) # 4 x 512 MiB: 2 GiB
mkdir "$WORK/model"
head -c 8388608 /dev/urandom >"$WORK/seed"
for i in 0 1 2 3; do
	(while cat "$WORK/seed" 2>/dev/null; do :; done) | head -c "$each" >"$WORK/model/part-$i.bin" || true
done
cat "$WORK"/model/* >/dev/null # in the page cache: the full hash is not held back by the disk
total=$((4 * each))
"$HM" key generate -o "$WORK/pub" --no-passphrase >/dev/null 2>&1 || die "key generate failed"
"$HM" attest model "$WORK/model" -o "$WORK/m.json" --no-progress 2>/dev/null || die "attest failed"
"$HM" sign --key "$WORK/pub.key" --bundle "$WORK/b.jsonl" "$WORK/m.json" >/dev/null 2>&1 ||
	die "sign failed"
echo '{"require_audit":false,"require_provenance":false}' >"$WORK/pol.json"
V() { "$HM" verify "$WORK/model" --bundle "$WORK/b.jsonl" --key "$WORK/pub.pub" \
	--policy "$WORK/pol.json" --no-progress "$@"; }
sleep 4
V --cache >/dev/null 2>&1 || die "verify --cache failed"

t_digest="" t_full="" t_cached=""
round=0
while [ "$round" -lt "$RUNS" ]; do
	best t_digest "$HM" digest --no-progress "$WORK/model"
	best t_full V --no-cache
	best t_cached V --cache
	grep -q 'digest cache: 4 files .* 0 files (0 bytes) hashed$' "$WORK/err" ||
		die "the cached verify hashed something: $(cat "$WORK/err")"
	round=$((round + 1))
done

echo "hallmark incremental re-verify benchmark"
echo "model: 4 files, $(awk -v b="$total" 'BEGIN { printf "%.1f GiB (%.1f MB)", b / 1073741824, b / 1e6 }') in the page cache; best of $RUNS runs; load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo ?)"
printf '%-44s %8s\n' tool seconds
printf '%-44s %8s\n' "hallmark digest (full hash)" "$(secs "$t_digest")"
printf '%-44s %8s\n' "hallmark verify --no-cache (full hash)" "$(secs "$t_full")"
printf '%-44s %8s\n' "hallmark verify --cache, model unchanged" "$(secs "$t_cached")"
r=$(awk -v a="$t_cached" -v b="$t_digest" 'BEGIN { printf "%.4f", a / b }')
pct=$(awk -v r="$r" 'BEGIN { printf "%.1f", r * 100 }')
if awk -v r="$r" 'BEGIN { exit !(r < 0.05) }'; then res=PASS; else res=MISS; fi
echo
echo "$res  re-verify of an unchanged $(awk -v b="$total" 'BEGIN { printf "%.0f", b / 1073741824 }') GiB model with the cache: ${r}x a full hash (${pct}% < 5%)"
[ "$res" = PASS ]
