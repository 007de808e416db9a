#!/bin/sh
# A model and a dataset nested 5,000 directories deep (paths far over PATH_MAX): digest,
# attest model, sign, verify and attest dataset walk it without recursion and hash it,
# where a walk that recursed per level died of a stack overflow (exit 139).
. tests/cli/lib.sh
cd "$T" || exit 1

# deep/top.txt, then 5,000 levels of deep/d/d/..., with f.txt and data.jsonl at the bottom.
# mkdir -p and cd -P a hundred levels at a time: no single path given to a system call
# is longer than PATH_MAX.
levels=5000
hundred=$(i=0; while [ $i -lt 100 ]; do printf 'd/'; i=$((i + 1)); done)
mkdir deep && printf top >deep/top.txt
(
	cd -P deep || exit 1
	i=0
	while [ $i -lt $((levels / 100)) ]; do
		mkdir -p "$hundred" && cd -P "$hundred" || exit 1
		i=$((i + 1))
	done
	printf bottom >f.txt
	printf '{"text": "hello"}\n' >data.jsonl
) || { echo "Bail out! cannot build the deep tree"; exit 1; }

# exit status as a number; a signal shows as 128 + its number
signal_free() { [ "$1" -lt 128 ]; }

"$HM" digest deep --no-progress >digest.out 2>digest.err; rc=$?
is "digest of a 5,000-level tree exits 0 (no signal)" "$rc" 0
if command -v openssl >/dev/null 2>&1; then
	# component order: d/.../data.jsonl, d/.../f.txt, top.txt
	want=$( (printf '{"text": "hello"}\n' | openssl dgst -sha256 -binary
		printf bottom | openssl dgst -sha256 -binary
		printf top | openssl dgst -sha256 -binary) | openssl dgst -sha256 | sed 's/.*= //')
	is "and equals the independent computation" "$(cat digest.out)" "sha256:$want"
else
	skip "digest against openssl" "openssl is not installed"
fi

"$HM" key generate -o k --no-passphrase >/dev/null 2>&1
ok "attest model of the deep tree" "$HM" attest model deep --no-progress -o model.json
ok "signs" "$HM" sign --key k.key --bundle b.jsonl model.json
"$HM" verify deep --bundle b.jsonl --key k.pub --no-progress >v.out 2>&1; rc=$?
signal_free "$rc"; _report $? "verify of the deep tree ends without a signal (exit $rc)"
like "and its model check passes" '^  PASS  model +the 3 files on disk match the signed manifest' v.out

"$HM" attest dataset deep --name deep --no-progress -o ds.json >ds.out 2>&1; rc=$?
is "attest dataset of the deep tree exits 0 (no signal)" "$rc" 0
like "and scans the record file at the bottom" '"records": 1' ds.json

printf changed >deep/top.txt
"$HM" verify deep --bundle b.jsonl --key k.pub --no-progress >v.out 2>&1; rc=$?
is "a change is still a verdict, not a crash" "$rc" 1
like "and named" 'changed: top\.txt' v.out

# In a git work tree the dataset's git member needs libgit2's status walk, which stops at
# 100 levels: a clear error naming the dataset (exit 2), never a crash.
if command -v git >/dev/null 2>&1; then
	mkdir repo && git -C repo init -q && mkdir repo/ds
	printf '{"text": "a"}\n' >repo/ds/a.jsonl
	(cd -P repo/ds && mkdir -p "$hundred$hundred" && printf '{"text": "b"}\n' >"$hundred$hundred/b.jsonl")
	fails 2 "attest dataset in a git work tree nested past libgit2's limit" \
		"$HM" attest dataset repo/ds --name ds --no-progress -o gds.json
	like "says which dataset and why" 'repo/ds: git status of the dataset.s files: .*deep' "$T/.err"
	rm -rf repo
else
	skip "a deep dataset in a git work tree" "git is not installed"
fi

rm -rf deep # GNU rm descends with openat, at any depth
[ ! -e deep ]; _report $? "the deep tree is removed"
done_testing
