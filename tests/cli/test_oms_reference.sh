#!/bin/sh
# hallmark digest against the reference implementation of OMS v1.0 manifests, the
# Python package model_signing (`model_signing digest`), through
# tests/interop/oms_digest.py: the same root and the same resources, in the same
# order, for models that exercise the component sort, empty files, chunk and window
# edges, non-ASCII names, default and explicit ignores, a single file and symlinks.
# Runs when model_signing can be imported (installed, or a source tree named by
# HALLMARK_OMS_REF); skips otherwise.
. tests/cli/lib.sh
REF=$PWD/tests/interop/oms_digest.py
cd "$T" || exit 1

if ! command -v python3 >/dev/null 2>&1 || ! python3 "$REF" --help >/dev/null 2>"$T/why"; then
	skip "digest equals model_signing digest" \
		"the reference model_signing cannot be imported ($(tail -n 1 "$T/why" 2>/dev/null)); install it or set HALLMARK_OMS_REF to its source tree"
	done_testing
	exit
fi

# Deterministic bytes: N bytes from a seed.
bytes() { python3 -c 'import random,sys; sys.stdout.buffer.write(random.Random(int(sys.argv[1])).randbytes(int(sys.argv[2])))' "$1" "$2"; }

mkdir -p order/x order/x-y order/a/b
echo 1 >order/x/y; echo 2 >order/x-y/z; echo 3 >order/x.y; echo 4 >order/x0
echo 5 >order/a/b/c; echo 6 >order/a-b; echo 7 >order/A; echo 8 >order/a.b
mkdir -p empty/sub empty/nothing-here
: >empty/e0; : >empty/sub/e1; echo data >empty/f
mkdir big
bytes 1 1048576 >big/one-chunk.bin; bytes 2 1048577 >big/chunk-plus-one.bin
bytes 3 4194304 >big/one-window.bin; bytes 4 9437307 >big/windows-plus.bin
mkdir -p "names/dir with space" "names/日本"
echo a >"names/café"; echo b >"names/$(printf 'cafe\314\201')"; echo c >"names/dir with space/f.txt"
echo d >"names/日本/語.bin"; echo e >"names/ lead"; echo f >names/Zed
mkdir -p git/.git/objects git/.github/workflows git/sub/.git
echo ref >git/.git/HEAD; echo wf >git/.github/workflows/ci.yml; echo '*.o' >git/.gitignore
echo '* text' >git/.gitattributes; echo '[x]' >git/.gitmodules; echo nested >git/sub/.git/HEAD
echo w >git/weights.bin
mkdir -p ign/logs/deep ign/logs-keep
echo k >ign/model.bin; echo n >ign/notes.txt; echo b >ign/notes.txt.bak
echo l >ign/logs/run.log; echo d >ign/logs/deep/x; echo k >ign/logs-keep/y
bytes 7 300001 >single.bin
mkdir -p links/real links/realdir
echo t >links/real/t.bin; echo u >links/realdir/u
ln -s real/t.bin links/link.bin; ln -s realdir links/linkdir
mkdir -p dl/.cache/huggingface/download
echo w >dl/model.safetensors; echo '*' >dl/.cache/huggingface/.gitignore
printf 'abc\netag\n1.5\n' >dl/.cache/huggingface/download/model.safetensors.metadata

# same NAME HALLMARK_ARGS -- REFERENCE_ARGS: equal roots, and equal resource lists.
same() {
	name=$1
	shift
	h="" r=""
	while [ "$1" != "--" ]; do h="$h $1"; shift; done
	shift
	# shellcheck disable=SC2086
	"$HM" digest $h --json --no-progress >h.json 2>h.err
	# shellcheck disable=SC2086
	python3 "$REF" "$@" --json >r.out 2>r.err
	python3 - h.json r.out >cmp.out 2>&1 <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))
r = open(sys.argv[2]).read().split("\n")
mine = [[x["name"], x["digest"]] for x in h["manifest"]["resources"]]
theirs = json.loads(r[1])
if "sha256:" + h["digest"]["sha256"] != r[0]:
    sys.exit(f"roots differ: hallmark sha256:{h['digest']['sha256']}, reference {r[0]}")
if mine != theirs:
    sys.exit(f"resources differ:\n hallmark  {mine}\n reference {theirs}")
PY
	st=$?
	if [ "$st" -ne 0 ]; then cat h.err r.err >>cmp.out; fi
	is "$name: hallmark digest = model_signing digest$(sed -n 1p cmp.out | sed 's/^/ -- /')" "$st" 0
}

same "component order (x/y < x-y/z < x.y)" order -- order
same "empty files" empty -- empty
same "1 MiB chunk and 4 MiB window edges" big -- big
same "spaces, NFC and NFD, CJK names" names -- names
same "default git ignores (top level only)" git -- git
same "--no-ignore-git-paths" git --no-ignore-git-paths -- git --no-ignore-git-paths
same "explicit file and directory ignores" ign --ignore notes.txt --ignore logs -- \
	ign --ignore notes.txt --ignore logs
same "the download cache: left out as the signed ignore list tells the reference" dl -- \
	dl --ignore .cache/huggingface
same "a single file" single.bin -- single.bin
same "symlinks with --allow-symlinks" links --allow-symlinks -- links --allow-symlinks
fails 1 "symlinks without --allow-symlinks: hallmark refuses" "$HM" digest links --no-progress
fails 1 "and so does the reference" python3 "$REF" links

done_testing
