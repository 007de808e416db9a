#!/bin/sh
# Throughput of the manifest hashing engine against sha256sum and openssl dgst
# on page-cached models, with the goals it must meet (PASS/MISS each).
#
#   make bench                      # BUILD=build
#   BENCH_SCALE=0.125 make bench    # 1/8 of the default sizes
#
# Models (sizes times BENCH_SCALE): one-file 1 x 2 GiB, two-files 2 x 1 GiB,
# eight-files 8 x 256 MiB.
# Each model is generated in a temp dir (BENCH_DIR, default $TMPDIR or /tmp),
# written, flushed and dropped from the page cache, then read back once, so it
# sits in the cache as a model on disk does after it has been read (freshly
# written files sit there in smaller pages, which makes mapping them slower:
# see the README). Each is timed in BENCH_RUNS rounds that run every tool once
# (best time kept), then deleted. Our side runs `hallmark digest --no-progress`
# (when the CLI has it; it maps files) and bench/hashbench, the library alone
# with read() (no -m); both print the OMS root, which is also recomputed with
# openssl to check it.
# MB = 10^6 bytes, as openssl speed reports.
#
# Expect, on a CPU with SHA extensions: one file ~1.0x openssl speed when a
# second CPU is free (a reader thread does the copying); with every core
# hashing (files >= cores), ~0.97x cores x openssl speed for hallmark digest,
# which maps the files, and ~0.85x for the library reading them: read()'s copy
# out of the page cache costs ~13% of a core.
set -eu

BUILD=${BUILD:-build}
SCALE=${BENCH_SCALE:-1}
RUNS=${BENCH_RUNS:-3}
BASE=${BENCH_DIR:-${TMPDIR:-/tmp}}
PKGS="libsodium libcrypto jansson libgit2 sqlite3 libxml-2.0 simdjson libhs"

die() { echo "bench: $*" >&2; exit 2; }
[ -f "$BUILD/libhallmark.a" ] || die "$BUILD/libhallmark.a is missing: run make first"
command -v openssl >/dev/null || die "openssl is not on PATH"
command -v sha256sum >/dev/null || die "sha256sum is not on PATH"

# The library driver, built against this build's static library.
mkdir -p "$BUILD/bench"
DRIVER=$BUILD/bench/hashbench
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Iinclude -o "$DRIVER" bench/hashbench.c \
	"$BUILD/libhallmark.a" $(pkg-config --libs $PKGS) -lstdc++ -pthread ||
	die "cannot build $DRIVER"
CLI=""
if [ -x "$BUILD/hallmark" ] && "$BUILD/hallmark" digest --help >/dev/null 2>&1; then
	CLI=$BUILD/hallmark
fi

CORES=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
# Single-core OpenSSL SHA-256 rate on 1 MiB blocks, in MB/s ("1656750.08k" = 1000-byte units).
SPEED=$(openssl speed -evp sha256 -seconds 1 -bytes 1048576 2>/dev/null |
	awk '$1 == "sha256" { v = $NF; sub(/k$/, "", v); printf "%.1f", v / 1000 }')
[ -n "$SPEED" ] || die "cannot read the rate from openssl speed"
# What the machine gives all cores at once right now (a busy neighbour shows here).
MULTI=$(openssl speed -multi "$CORES" -evp sha256 -seconds 1 -bytes 1048576 2>/dev/null |
	awk '$1 == "sha256" { v = $NF; sub(/k$/, "", v); printf "%.1f", v / 1000 }')

WORK=$(mktemp -d "$BASE/hm-bench-XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

now_ns() { date +%s%N; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
rate() { awk -v b="$1" -v ns="$2" 'BEGIN { printf "%.1f", (ns > 0) ? b / 1e6 / (ns / 1e9) : 0 }'; }

# A file of $2 bytes of pseudo-random content (a repeated random seed).
head -c 8388608 /dev/urandom >"$WORK/seed"
make_file() {
	(while cat "$WORK/seed" 2>/dev/null; do :; done) | head -c "$2" >"$1" || true
	[ "$(stat -c %s "$1")" -eq "$2" ] || die "cannot write $1"
	# Flushed, then dropped from the page cache (POSIX_FADV_DONTNEED), to be read back.
	sync "$1" 2>/dev/null || sync
	dd if="$1" iflag=nocache count=0 status=none 2>/dev/null || true
}

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

openssl_serial() { # the OMS root by openssl alone: file digests in order, then their digest
	for f in "$@"; do openssl dgst -sha256 -binary "$f"; done | openssl dgst -sha256 -r |
		sed 's/^\([0-9a-f]*\).*/sha256:\1/'
}

GOALS=$WORK/goals
: >"$GOALS"
goal() { # goal NAME VALUE MIN TEXT
	if awk -v v="$2" -v m="$3" 'BEGIN { exit !(v >= m) }'; then r=PASS; else r=MISS; fi
	echo "$r  $1: $4" >>"$GOALS"
}

echo "hallmark manifest hashing benchmark"
echo "cores: $CORES, OpenSSL single-core SHA-256: $SPEED MB/s (openssl speed -evp sha256, 1 MiB blocks)"
echo "OpenSSL SHA-256 on $CORES cores at once: ${MULTI:-?} MB/s (openssl speed -multi $CORES; ideal $(awk -v s="$SPEED" -v c="$CORES" 'BEGIN { printf "%.1f", s * c }'))"
echo "scale: $SCALE, best of $RUNS runs, page-cached files in $BASE"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) (other work on the machine slows every tool)"
[ -n "$CLI" ] || echo "note: $BUILD/hallmark has no 'digest' command yet; timing the library driver only"
printf '%-14s %5s %10s  %-26s %8s %9s %10s\n' model files MB tool seconds MB/s "peak RSS"

RSS_MIN="" RSS_MAX=""
run_model() { # run_model NAME COUNT BYTES_EACH
	name=$1 count=$2 each=$3
	dir=$WORK/$name
	mkdir -p "$dir"
	files=""
	i=0
	while [ "$i" -lt "$count" ]; do
		f=$(printf '%s/part-%02d.bin' "$dir" "$i")
		make_file "$f" "$each"
		files="$files $f"
		i=$((i + 1))
	done
	cat $files >/dev/null # back into the page cache, by reading
	total=$((count * each))
	if [ "$count" -eq 1 ]; then target=$dir/part-00.bin; else target=$dir; fi

	expect=$(openssl_serial $files)
	# Rounds interleave the tools, so that a busy neighbour weighs on all of them alike.
	t_lib="" t_cli="" t_ossl="" t_sum=""
	round=0
	while [ "$round" -lt "$RUNS" ]; do
		time_once t_lib "$DRIVER" "$target"
		got=$(cat "$WORK/out")
		[ "$got" = "$expect" ] || die "$name: driver printed $got, openssl says $expect"
		if [ -n "$CLI" ]; then
			time_once t_cli "$CLI" digest --no-progress "$target"
			got=$(cat "$WORK/out")
			[ "$got" = "$expect" ] ||
				die "$name: hallmark digest printed $got, openssl says $expect"
		fi
		time_once t_ossl openssl dgst -sha256 $files
		time_once t_sum sha256sum $files
		round=$((round + 1))
	done
	rss=$(peak_rss "$DRIVER" "$target") || die "$name: driver failed: $(cat "$WORK/err")"
	t_ours=$t_lib rss_ours=$rss
	if [ -n "$CLI" ]; then
		rss_cli=$(peak_rss "$CLI" digest --no-progress "$target") || rss_cli=0
		t_ours=$t_cli rss_ours=$rss_cli
	fi
	# Flat: what we ship (the CLI when there is one) across the three models.
	if [ -z "$RSS_MIN" ] || [ "$rss_ours" -lt "$RSS_MIN" ]; then RSS_MIN=$rss_ours; fi
	if [ -z "$RSS_MAX" ] || [ "$rss_ours" -gt "$RSS_MAX" ]; then RSS_MAX=$rss_ours; fi

	row() { printf '%-14s %5s %10s  %-26s %8s %9s %10s\n' "$name" "$count" "$(mb "$total")" \
		"$1" "$(awk -v ns="$2" 'BEGIN { printf "%.3f", ns / 1e9 }')" "$(rate "$total" "$2")" "$3"; }
	[ -n "$CLI" ] && row "hallmark digest" "$t_cli" "$((rss_cli / 1024)) MiB"
	row "libhallmark, read()" "$t_lib" "$((rss / 1024)) MiB"
	row "openssl dgst -sha256" "$t_ossl" ""
	row "sha256sum" "$t_sum" ""

	ours=$(rate "$total" "$t_ours")
	ossl=$(rate "$total" "$t_ossl")
	sum=$(rate "$total" "$t_sum")
	par=$((count < CORES ? count : CORES))
	want=$(awk -v s="$SPEED" -v p="$par" 'BEGIN { printf "%.1f", 0.9 * p * s }')
	goal "$name" "$ours" "$want" \
		"$ours MB/s >= 0.9 x min($count files, $CORES cores) x $SPEED = $want MB/s"
	r_ossl=$(awk -v a="$ours" -v b="$ossl" 'BEGIN { printf "%.2f", a / b }')
	r_sum=$(awk -v a="$ours" -v b="$sum" 'BEGIN { printf "%.2f", a / b }')
	echo "               ratios: ${r_ossl}x openssl dgst, ${r_sum}x sha256sum; root $got"
	if [ "$count" -eq 2 ]; then
		goal "$name" "$r_ossl" 1.8 "${r_ossl}x serial openssl dgst (>= 1.8x)"
		goal "$name" "$r_sum" 4 "${r_sum}x sha256sum (>= 4x)"
	fi
	if [ "$count" -eq 1 ]; then
		goal "$name" "$r_ossl" 0.95 "${r_ossl}x openssl dgst on one file (within 5%: >= 0.95x)"
	fi
	rm -rf "$dir"
}

MiB=1048576
size() { awk -v s="$SCALE" -v m="$1" -v u="$MiB" 'BEGIN { printf "%d", s * m * u }'; }
run_model one-file 1 "$(size 2048)"
run_model two-files 2 "$(size 1024)"
run_model eight-files 8 "$(size 256)"

spread=$(((RSS_MAX - RSS_MIN) / 1024))
goal "peak RSS" "$((16 - spread))" 0 \
	"flat across models: $((RSS_MIN / 1024))-$((RSS_MAX / 1024)) MiB (spread $spread MiB <= 16)"
echo
echo "goals:"
cat "$GOALS"

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
