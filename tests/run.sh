#!/bin/sh
# Runs every test program and prints one closing line: "N passed, N failed, N skipped".
# Unit tests are cmocka programs (TAP output), CLI tests are shell scripts that
# print TAP, fuzz replays feed their corpus to the harness (one test each).
# TESTS="test_manifest test_digest.sh replay_pem" runs only the programs named.
BUILD=${BUILD:-build}
HALLMARK=${HALLMARK:-$PWD/$BUILD/hallmark}
export HALLMARK BUILD
export CMOCKA_MESSAGE_OUTPUT=TAP
passed=0 failed=0 skipped=0
failures=""
want() { # $1 = a test's file name: in $TESTS, or $TESTS unset
	[ -z "${TESTS:-}" ] && return 0
	case " $TESTS " in *" $1 "*) return 0 ;; esac
	return 1
}
log=$(mktemp)
# Every test's scratch space lives under one directory, removed at the end,
# whatever a test left behind (unit tests make theirs with mkdtemp in $TMPDIR).
scratch=$(mktemp -d "${TMPDIR:-/tmp}/hm-check-XXXXXX") || exit 2
chmod 755 "$scratch" # tests that drop to another user must be able to reach their files
TMPDIR=$scratch
export TMPDIR
trap 'chmod -R u+rwx "$scratch" 2>/dev/null; rm -rf "$scratch"; rm -f "$log"' EXIT

count() { # $1 = name of the program, output in $log, $2 = exit status
	# TAP: "ok N # SKIP why"; cmocka writes its skips as "not ok N # SKIP"
	p=$(grep -c '^ok ' "$log")
	s=$(grep -c '^\(not \)\{0,1\}ok .*# [Ss][Kk][Ii][Pp]' "$log")
	sp=$(grep -c '^ok .*# [Ss][Kk][Ii][Pp]' "$log")
	f=$(grep -c '^not ok ' "$log")
	p=$((p - sp))
	f=$((f - (s - sp)))
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed or exited non-zero without saying which test failed
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	if [ "$f" -ne 0 ]; then
		failures="$failures $1"
		echo "---- $1 (exit $2)"
		grep -v '^ok ' "$log" | tail -n 60
	fi
	printf '%-40s %4d passed %3d failed %3d skipped\n' "$1" "$p" "$f" "$s"
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] && want "${t##*/}" || continue
	"$t" >"$log" 2>&1
	count "$(basename "$t")" $?
done

for t in tests/cli/test_*.sh; do
	[ -f "$t" ] && want "${t##*/}" || continue
	sh "$t" >"$log" 2>&1
	count "$(basename "$t")" $?
done

for t in "$BUILD"/tests/replay_*; do
	[ -x "$t" ] && want "${t##*/}" || continue
	n=${t##*/replay_}
	if "$t" "fuzz/corpus/$n" >"$log" 2>&1; then
		echo "ok 1 - replay corpus $n" >>"$log"
		count "replay_$n" 0
	else
		st=$?
		echo "not ok 1 - replay corpus $n" >>"$log"
		count "replay_$n" $st
	fi
done

[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
