#!/bin/sh
# Throughput of the manifest hashing engine against OpenSSL on the same files in
# the same run, with the goals it must meet (PASS/MISS each), then the other
# benchmarks (verify's overhead, attest dataset, the digest cache, the archive).
#
#   make bench                      # BUILD=build
#   BENCH_SCALE=0.125 make bench    # 1/8 of the default sizes
#
# Models (sizes times BENCH_SCALE, but the small files): one-file 1 x 2 GiB,
# two-files 2 x 1 GiB, eight-files 8 x 256 MiB, small-files 20,000 x 16 KiB.
# Each model is written by bench/hashbench -w in 64 KiB writes into a temp dir
# (BENCH_DIR, default $TMPDIR or /tmp) and timed twice, in two page-cache states:
#   fresh    right after writing, not flushed: as a downloader leaves a model
#            (the page cache holds such files in small pages)
#   re-read  flushed, dropped from the cache (POSIX_FADV_DONTNEED) and read
#            back once: as a model that was read before (large folios)
# Each state is timed in BENCH_RUNS rounds that run every tool once (best time
# kept), interleaved so that a busy neighbour weighs on all of them alike.
# Our side is `hallmark digest --no-progress` (what ships; it reads files) and
# bench/hashbench, the library alone (read(), and with -m mapped, for
# comparison); each prints the OMS root, checked against openssl's.
# The references: `openssl dgst -sha256` on every file in one process; the
# same with one process per core (xargs -P CORES -n 1; on small files
# xargs -P CORES -n 1000); `openssl speed -evp sha256 -multi CORES`; sha256sum.
# MB = 10^6 bytes, as openssl speed reports.
set -eu

BUILD=${BUILD:-build}
SCALE=${BENCH_SCALE:-1}
RUNS=${BENCH_RUNS:-3}
BASE=${BENCH_DIR:-${TMPDIR:-/tmp}}
PKGS="libsodium libcrypto jansson libgit2 sqlite3 libxml-2.0 simdjson libhs libxxhash"

die() { echo "bench: $*" >&2; exit 2; }
[ -f "$BUILD/libhallmark.a" ] || die "$BUILD/libhallmark.a is missing: run make first"
[ -x "$BUILD/hallmark" ] || die "$BUILD/hallmark is missing: run make first"
command -v openssl >/dev/null || die "openssl is not on PATH"
command -v sha256sum >/dev/null || die "sha256sum is not on PATH"
command -v basenc >/dev/null || die "basenc (coreutils) is not on PATH"

# The library driver, built against this build's static library.
mkdir -p "$BUILD/bench"
DRIVER=$BUILD/bench/hashbench
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Iinclude -o "$DRIVER" bench/hashbench.c \
	"$BUILD/libhallmark.a" $(pkg-config --libs $PKGS) -lstdc++ -pthread ||
	die "cannot build $DRIVER"
CLI=$BUILD/hallmark

CORES=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
# OpenSSL SHA-256 on 1 MiB blocks in MB/s ("1656750.08k" = 1000-byte units): one core, all cores.
speed() {
	openssl speed "$@" -evp sha256 -seconds 1 -bytes 1048576 2>/dev/null |
		awk '$1 == "sha256" { v = $NF; sub(/k$/, "", v); printf "%.1f", v / 1000 }'
}
SPEED=$(speed)
MULTI=$(speed -multi "$CORES")
[ -n "$SPEED" ] && [ -n "$MULTI" ] || die "cannot read the rate from openssl speed"

WORK=$(mktemp -d "$BASE/hm-bench-XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

now_ns() { date +%s%N; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
rate() { awk -v b="$1" -v ns="$2" 'BEGIN { printf "%.1f", (ns > 0) ? b / 1e6 / (ns / 1e9) : 0 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }

# time_once VAR CMD...: runs CMD once (stdout to $WORK/out); VAR keeps the best time in ns.
time_once() {
	var=$1
	shift
	t0=$(now_ns)
	"$@" >"$WORK/out" 2>"$WORK/err" || die "$1 failed: $(cat "$WORK/err")"
	t1=$(now_ns)
	eval "prev=\${$var}"
	if [ -z "$prev" ] || [ $((t1 - t0)) -lt "$prev" ]; then eval "$var=$((t1 - t0))"; fi
}

# Peak RSS in KiB of one run of CMD (GNU time when installed, else the driver's getrusage).
peak_rss() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%M' -o "$WORK/rss" "$@" >/dev/null 2>"$WORK/err" || return 1
		tail -n 1 "$WORK/rss"
	else
		eval "last=\${$#}"
		"$DRIVER" "$last" 2>&1 >/dev/null | sed -n 's/.*maxrss_kb=\([0-9]*\).*/\1/p'
	fi
}

# The OMS root by openssl alone: file digests in manifest order (the models' names
# sort the same bytewise), then the digest of those digests.
openssl_root() {
	find "$1" -type f | LC_ALL=C sort | xargs openssl dgst -sha256 -r | cut -c1-64 |
		tr -d '\n' | tr a-f A-F | basenc --base16 -d |
		openssl dgst -sha256 -r | sed 's/^\([0-9a-f]*\).*/sha256:\1/'
}

GOALS=$WORK/goals
: >"$GOALS"
goal() { # goal NAME VALUE MIN TEXT
	if awk -v v="$2" -v m="$3" 'BEGIN { exit !(v >= m) }'; then r=PASS; else r=MISS; fi
	echo "$r  $1: $4" >>"$GOALS"
}

echo "hallmark manifest hashing benchmark"
echo "cores: $CORES, OpenSSL SHA-256: $SPEED MB/s on one core, $MULTI MB/s on $CORES at once" \
	"(openssl speed -evp sha256 [-multi $CORES], 1 MiB blocks)"
echo "scale: $SCALE, best of $RUNS runs, files in $BASE"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)" \
	"(other work on the machine slows every tool)"
printf '%-12s %-8s %6s %9s  %-28s %8s %9s %9s\n' model cache files MB tool seconds MB/s "peak RSS"

RSS_MIN="" RSS_MAX=""
time_state() { # time_state NAME STATE COUNT TOTAL DIR TARGET EXPECT
	name=$1 state=$2 count=$3 total=$4 dir=$5 target=$6 expect=$7
	t_cli="" t_lib="" t_map="" t_par="" t_ossl="" t_sum=""
	multi=$(speed -multi "$CORES") # what all cores give now: a busy neighbour shows here too
	round=0
	while [ "$round" -lt "$RUNS" ]; do
		time_once t_cli "$CLI" digest --no-progress "$target"
		[ "$(cat "$WORK/out")" = "$expect" ] ||
			die "$name: hallmark digest printed $(cat "$WORK/out"), openssl says $expect"
		time_once t_lib "$DRIVER" "$target"
		[ "$(cat "$WORK/out")" = "$expect" ] || die "$name: the driver printed $(cat "$WORK/out")"
		if [ "$count" -lt 1000 ]; then
			time_once t_map "$DRIVER" -m "$target"
			[ "$count" -eq 1 ] ||
				time_once t_par sh -c 'find "$1" -type f | xargs -P "$2" -n 1 openssl dgst -sha256' \
					sh "$dir" "$CORES"
			time_once t_ossl sh -c 'find "$1" -type f | xargs openssl dgst -sha256' sh "$dir"
			time_once t_sum sh -c 'find "$1" -type f | xargs sha256sum' sh "$dir"
		else
			time_once t_par sh -c 'find "$1" -type f | xargs -P "$2" -n 1000 openssl dgst -sha256' \
				sh "$dir" "$CORES"
		fi
		round=$((round + 1))
	done
	rss_cli=$(peak_rss "$CLI" digest --no-progress "$target") || rss_cli=0
	if [ -z "$RSS_MIN" ] || [ "$rss_cli" -lt "$RSS_MIN" ]; then RSS_MIN=$rss_cli; fi
	if [ -z "$RSS_MAX" ] || [ "$rss_cli" -gt "$RSS_MAX" ]; then RSS_MAX=$rss_cli; fi

	row() { [ -n "$2" ] && printf '%-12s %-8s %6s %9s  %-28s %8s %9s %9s\n' "$name" "$state" \
		"$count" "$(mb "$total")" "$1" "$(awk -v ns="$2" 'BEGIN { printf "%.3f", ns / 1e9 }')" \
		"$(rate "$total" "$2")" "$3"; return 0; }
	row "hallmark digest" "$t_cli" "$((rss_cli / 1024)) MiB"
	row "libhallmark, read()" "$t_lib" ""
	row "libhallmark, mapped" "$t_map" ""
	if [ "$count" -lt 1000 ]; then
		row "openssl dgst, $CORES processes" "$t_par" ""
	else
		row "xargs -P$CORES openssl dgst" "$t_par" ""
	fi
	row "openssl dgst, 1 process" "$t_ossl" ""
	row "sha256sum" "$t_sum" ""

	ours=$(rate "$total" "$t_cli")
	if [ "$count" -eq 1 ]; then
		r=$(ratio "$ours" "$(rate "$total" "$t_ossl")")
		goal "$name, $state" "$r" 0.95 "${r}x openssl dgst on one file (>= 0.95x)"
	elif [ "$count" -lt 1000 ]; then
		r=$(ratio "$ours" "$(rate "$total" "$t_par")")
		goal "$name, $state" "$r" 1.0 "${r}x openssl dgst with one process per core (>= 1.0x)"
		r=$(ratio "$ours" "$multi")
		goal "$name, $state" "$r" 0.9 \
			"$ours MB/s = ${r}x openssl speed -multi $CORES ($multi MB/s just before; >= 0.9x)"
	else
		r=$(ratio "$ours" "$(rate "$total" "$t_par")")
		goal "$name, $state" "$r" 1.5 "${r}x xargs -P$CORES openssl dgst (>= 1.5x)"
	fi
}

run_model() { # run_model NAME COUNT BYTES_EACH
	name=$1 count=$2 each=$3
	dir=$WORK/$name
	mkdir -p "$dir"
	"$DRIVER" -w "$dir" "$count" "$each" || die "$name: cannot write the model"
	total=$((count * each))
	if [ "$count" -eq 1 ]; then target=$dir/part-00.bin; else target=$dir; fi
	expect=$(openssl_root "$dir") # reads every file once: the cache stays as writing left it
	time_state "$name" fresh "$count" "$total" "$dir" "$target" "$expect"
	sync
	find "$dir" -type f -exec "$DRIVER" -d {} + || die "$name: cannot drop it from the page cache"
	find "$dir" -type f -exec cat {} + >/dev/null # back into the page cache, by reading
	time_state "$name" re-read "$count" "$total" "$dir" "$target" "$expect"
	rm -rf "$dir"
}

MiB=1048576
size() { awk -v s="$SCALE" -v m="$1" -v u="$MiB" 'BEGIN { printf "%d", s * m * u }'; }
run_model one-file 1 "$(size 2048)"
run_model two-files 2 "$(size 1024)"
run_model eight-files 8 "$(size 256)"
run_model small-files 20000 16384

spread=$(((RSS_MAX - RSS_MIN) / 1024))
goal "peak RSS" "$((16 - spread))" 0 \
	"flat across models: $((RSS_MIN / 1024))-$((RSS_MAX / 1024)) MiB (spread $spread MiB <= 16)"
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
echo "goals:"
cat "$GOALS"

# verify's cost beyond hashing, and its memory, on models of 20,000 and 100,000 files.
echo
BUILD=$BUILD sh bench/verify.sh || echo "MISS verify benchmark failed" >>"$GOALS"

# attest dataset against Python's json and csv modules on the same files.
echo
BUILD=$BUILD sh bench/dataset.sh || echo "MISS dataset benchmark failed" >>"$GOALS"

# Incremental re-verify: verify --cache of an unchanged model against a full hash.
echo
BUILD=$BUILD sh bench/cache.sh || echo "MISS cache benchmark failed" >>"$GOALS"

# The compliance archive: ingest rate, search by digest and proofs at 1M entries.
echo
BUILD=$BUILD sh bench/archive.sh || echo "MISS archive benchmark failed" >>"$GOALS"
! grep -q '^MISS' "$GOALS"
