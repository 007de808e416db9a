# tests/cli/lib.sh: a tiny TAP harness for CLI tests. Source it, then call
#   ok "name" command...          passes when the command exits 0
#   fails N "name" command...     passes when the command exits N
#   like "name" REGEX FILE        passes when FILE matches the extended REGEX
#   unlike "name" REGEX FILE      passes when FILE does not match
#   is "name" GOT WANT            passes when the two strings are equal
#   skip "name" "reason"
# and finish with `done_testing`. $HM is the hallmark binary, $T a fresh temp dir.
HM=${HALLMARK:-$PWD/${BUILD:-build}/hallmark}
T=$(mktemp -d "${TMPDIR:-/tmp}/hm-cli-XXXXXX")
SHARED=${HALLMARK_SHARED:-$PWD/../shared}
_n=0 _fail=0
trap 'rm -rf "$T"' EXIT

_report() { # status name
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $_n - $2"; else echo "not ok $_n - $2"; _fail=$((_fail + 1)); fi
}
ok() {
	_name=$1; shift
	"$@" >"$T/.out" 2>"$T/.err"; _got=$?
	if [ "$_got" -eq 0 ]; then _report 0 "$_name"; else
		_report 1 "$_name"; echo "# exit $_got: $*"; sed 's/^/# /' "$T/.err" | head -20; fi
}
fails() {
	_want=$1 _name=$2; shift 2
	"$@" >"$T/.out" 2>"$T/.err"; _got=$?
	if [ "$_got" -eq "$_want" ]; then _report 0 "$_name"; else
		_report 1 "$_name"; echo "# wanted exit $_want, got $_got: $*"; sed 's/^/# /' "$T/.err" | head -20; fi
}
like() {
	if grep -Eq -- "$2" "$3"; then _report 0 "$1"; else
		_report 1 "$1"; echo "# /$2/ not in $3:"; sed 's/^/# /' "$3" | head -20; fi
}
unlike() {
	if grep -Eq -- "$2" "$3"; then _report 1 "$1"; echo "# /$2/ unexpectedly in $3"; else
		_report 0 "$1"; fi
}
is() {
	if [ "$2" = "$3" ]; then _report 0 "$1"; else
		_report 1 "$1"; printf '%s\n' "$2" | sed 's/^/# got:  /' | head -20
		printf '%s\n' "$3" | sed 's/^/# want: /' | head -20; fi
}
skip() { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP $2"; }
done_testing() { echo "1..$_n"; [ "$_fail" -eq 0 ]; }

# judged FILE N: judged HEx-PHI results, every registered item (category_C/I, 11 categories of
# 30), scored 1 except the first N items of category 1, scored 5.
judged() {
	c=1
	while [ $c -le 11 ]; do
		i=0
		while [ $i -lt 30 ]; do
			s=1; if [ $c -eq 1 ] && [ $i -lt "$2" ]; then s=5; fi
			printf '{"id":"category_%d/%d","category":"category_%d","score":%d}\n' $c $i $c $s
			i=$((i + 1))
		done
		c=$((c + 1))
	done >"$1"
}

# flip_byte FILE OFFSET: changes the byte at OFFSET to another value (its low bit flipped),
# so the file differs whatever the byte was.
flip_byte() {
	_b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf '%03o' $((_b ^ 1)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# audit_chain: in the current directory, the publisher's and the auditor's keys (pub, aud),
# a base and a tuned model, a chat dataset and a training-code repository, and the model,
# dataset and run statements (model.json, ds.json with its stderr in ds.err, run.json).
audit_chain() {
	"$HM" key generate -o pub --no-passphrase >/dev/null 2>&1
	"$HM" key generate -o aud --no-passphrase >/dev/null 2>&1
	mkdir base model code
	printf 'base weights' >base/w.bin
	printf 'tuned weights' >model/w.bin
	echo '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}' >chat.jsonl
	(cd code && git init -q && echo 'print(1)' >train.py && git add train.py &&
		git -c user.email=t@example.org -c user.name=t commit -qm init) || exit 2
	echo '{"method":"lora"}' >cfg.json
	"$HM" attest model model -o model.json --no-progress 2>/dev/null
	"$HM" attest dataset chat.jsonl --name chat --license MIT -o ds.json --no-progress 2>ds.err
	"$HM" attest run --model model --base-model base --dataset ds.json --config cfg.json \
		--code code -o run.json --no-progress 2>/dev/null
}
