#!/bin/sh
# Memory errors and leaks in the CLI's paths, success and failure alike, under
# valgrind memcheck (skipped without valgrind, or on a sanitizer build, where
# the sanitizers do this job and valgrind cannot run).
. tests/cli/lib.sh
TOOL=$PWD/tests/interop/dsse_tool.py
cd "$T" || exit 1
unset HALLMARK_PASSPHRASE

sanitized() {
	if command -v nm >/dev/null 2>&1; then
		nm "$HM" 2>/dev/null | grep -Eq '__asan_init|__ubsan_handle|__tsan_init|__msan_init'
	else
		grep -aEq '__asan_init|__ubsan_handle' "$HM"
	fi
}
if ! command -v valgrind >/dev/null 2>&1; then
	skip "valgrind memcheck of the CLI" "valgrind is not installed (apt-get install valgrind)"
	done_testing
	exit
fi
if sanitized; then
	skip "valgrind memcheck of the CLI" "$HM is a sanitizer build"
	done_testing
	exit
fi

# vg "name" WANT command...: exit WANT under memcheck; 99 means an error or a leak.
# --trace-children follows `env` and `setsid` into hallmark itself.
_v=0
vg() {
	_name=$1 _want=$2; shift 2
	_v=$((_v + 1))
	valgrind -q --trace-children=yes --leak-check=full \
		--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
		--log-file="$T/vg.$_v.%p.log" "$@" >"$T/.out" 2>"$T/.err" <"${VG_STDIN:-/dev/null}"
	_got=$?
	cat "$T"/vg.$_v.*.log >"$T/vg.$_v.all" 2>/dev/null
	if [ "$_got" -eq "$_want" ] && [ ! -s "$T/vg.$_v.all" ]; then _report 0 "valgrind: $_name"; else
		_report 1 "valgrind: $_name"; echo "# wanted exit $_want, got $_got: $*"
		sed 's/^/# /' "$T/vg.$_v.all" "$T/.err" | head -40; fi
}

D1=$(printf one | sha256sum | cut -d' ' -f1)
printf '{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"m","digest":{"sha256":"%s"}}],"predicateType":"https://example.com/t/v1","predicate":{"k":[1,2.5,"x"]}}\n' "$D1" >s1.json
printf '{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"m"}],"predicateType":"x"}' >nodigest.json
printf '{"_type":"x","_type":"y"}' >dup.json

# --- key ----------------------------------------------------------------------------------
vg "key generate --no-passphrase" 0 "$HM" key generate -o a --no-passphrase
vg "key generate (second key)" 0 "$HM" key generate -o b --no-passphrase
vg "key generate with a passphrase (Argon2id)" 0 env HALLMARK_PASSPHRASE=pw "$HM" key generate -o e
vg "key generate refusing to overwrite" 2 "$HM" key generate -o a --no-passphrase
vg "key generate --force" 0 "$HM" key generate -o b --no-passphrase --force
vg "key generate with no passphrase source" 2 setsid -w "$HM" key generate -o n
vg "key id of .pub, .key and a missing file" 2 "$HM" key id a.pub e.key missing.pub
vg "key public of an encrypted key" 0 "$HM" key public e.key
vg "key generate --help" 0 "$HM" key generate --help
vg "key with an unknown subcommand" 2 "$HM" key nope
if command -v openssl >/dev/null 2>&1; then
	openssl genpkey -algorithm ed25519 -out o.pem 2>/dev/null
	vg "key import" 0 "$HM" key import o.pem -o imp --no-passphrase
	vg "key import of a public key" 2 "$HM" key import a.pub -o x --no-passphrase
else
	skip "valgrind: key import" "openssl not installed"
	skip "valgrind: key import of a public key" "openssl not installed"
fi

# --- sign ----------------------------------------------------------------------------------
vg "sign two statements" 0 "$HM" sign --key a.key --bundle a.jsonl s1.json s1.json
vg "sign with an encrypted key" 0 env HALLMARK_PASSPHRASE=pw "$HM" sign --key e.key --bundle e.jsonl s1.json
vg "sign with a wrong passphrase" 2 env HALLMARK_PASSPHRASE=nope "$HM" sign --key e.key --bundle x.jsonl s1.json
vg "sign an invalid statement" 1 "$HM" sign --key a.key --bundle a.jsonl s1.json nodigest.json
vg "sign a statement with duplicate keys" 1 "$HM" sign --key a.key --bundle a.jsonl dup.json
VG_STDIN=s1.json vg "sign from standard input" 0 "$HM" sign --key a.key --bundle a.jsonl -
vg "sign into a missing directory" 2 "$HM" sign --key a.key --bundle nodir/x.jsonl s1.json
vg "sign with a public key" 2 "$HM" sign --key a.pub --bundle x.jsonl s1.json
vg "sign usage error" 2 "$HM" sign --key a.key s1.json
"$HM" sign --key b.key --bundle b.jsonl s1.json 2>/dev/null

# --- bundle ------------------------------------------------------------------------------------
vg "bundle check" 0 "$HM" bundle check a.jsonl --key a.pub
vg "bundle check --json" 0 "$HM" bundle check a.jsonl --key a.pub --key b.pub --json
if command -v python3 >/dev/null 2>&1; then
	python3 "$TOOL" merge a.jsonl b.jsonl 1 >two.jsonl
	{ python3 "$TOOL" forge flip-sig a.jsonl 1; python3 "$TOOL" forge no-sigs a.jsonl 1
	  head -c 80 a.jsonl; echo; echo '{"a":'; echo; sed -n 2p a.jsonl; cat b.jsonl; } >mixed.jsonl
	vg "bundle check --threshold 2" 0 "$HM" bundle check two.jsonl --key a.pub --key b.pub --threshold 2
	vg "bundle check --threshold 2 unmet" 1 "$HM" bundle check a.jsonl --key a.pub --key b.pub --threshold 2
	vg "bundle check of forged and malformed lines" 1 "$HM" bundle check mixed.jsonl --key a.pub
	vg "bundle check --json of forged lines" 1 "$HM" bundle check mixed.jsonl --key a.pub --json
	vg "bundle show of forged lines" 0 "$HM" bundle show mixed.jsonl
	vg "bundle show --json of forged lines" 0 "$HM" bundle show mixed.jsonl --json
	vg "bundle show --key of forged lines" 1 "$HM" bundle show mixed.jsonl --key a.pub
	vg "export-sigstore of a 2-signature envelope without --keyid" 2 \
		"$HM" bundle export-sigstore two.jsonl --line 1
	vg "export-sigstore --keyid" 0 "$HM" bundle export-sigstore two.jsonl --line 1 \
		--keyid "$("$HM" key id b.pub)"
	vg "export-sigstore of a malformed line" 1 "$HM" bundle export-sigstore mixed.jsonl --line 4
else
	for n in 1 2 3 4 5 6 7 8 9 10; do skip "valgrind: forged bundles $n" "python3 not installed"; done
fi
vg "bundle check of a missing bundle" 2 "$HM" bundle check missing.jsonl --key a.pub
vg "bundle check with a missing key" 2 "$HM" bundle check a.jsonl --key missing.pub
vg "bundle check usage error" 2 "$HM" bundle check a.jsonl --key a.pub --threshold x
vg "bundle show" 0 "$HM" bundle show a.jsonl
vg "export-sigstore" 0 "$HM" bundle export-sigstore a.jsonl --line 1 -o s.json
vg "export-sigstore refusing to overwrite" 2 "$HM" bundle export-sigstore a.jsonl --line 1 -o s.json
vg "export-sigstore past the end" 2 "$HM" bundle export-sigstore a.jsonl --line 99
# --- digest: files above 1 MiB are mapped (with the SIGBUS guard), small ones read -------
mkdir -p m/sub
head -c 5242880 /dev/zero >m/big.bin
head -c 3145728 /dev/zero >m/sub/mid.bin
printf small >m/small.txt
vg "digest of mapped and read files" 0 "$HM" digest m --jobs 2 --no-progress
vg "digest --json, one worker" 0 "$HM" digest m --jobs 1 --json --no-progress
vg "digest of a missing path" 2 "$HM" digest nope --no-progress
vg "hallmark --help" 0 "$HM" --help
vg "hallmark with an unknown command" 2 "$HM" nope

done_testing
