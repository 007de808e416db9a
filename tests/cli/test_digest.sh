#!/bin/sh
# hallmark digest and attest model: the OMS v1.0 root equals an independent computation
# (openssl per file, then SHA-256 over the raw digests in path-component order), the
# ignore options, the statement, and the refusals, from the command line.
. tests/cli/lib.sh
cd "$T" || exit 1

mkdir -p m/a m/a-b m/.git
printf 'one' >m/a/b
printf 'two' >m/a-b/c
printf '' >m/empty
printf 'ref: refs/heads/main\n' >m/.git/HEAD
printf 'skip me' >m/notes.txt

# independent root: files in component order a/b, a-b/c, empty (notes.txt ignored below)
root() { for f in "$@"; do openssl dgst -sha256 -binary "m/$f"; done | openssl dgst -sha256 | sed 's/.*= //'; }
if command -v openssl >/dev/null 2>&1; then
	want=$(root a/b a-b/c empty notes.txt)
	ok "digest" "$HM" digest m --no-progress
	is "equals the independent computation (a/b before a-b/c, .git ignored)" "$(cat "$T/.out")" "sha256:$want"
	want=$(root a/b a-b/c empty)
	ok "digest --ignore" "$HM" digest m --ignore notes.txt --no-progress
	is "leaves the ignored file out" "$(cat "$T/.out")" "sha256:$want"
	want=$(root .git/HEAD a/b a-b/c empty notes.txt)
	ok "digest --no-ignore-git-paths" "$HM" digest m --no-ignore-git-paths --no-progress
	is "hashes .git too" "$(cat "$T/.out")" "sha256:$want"
	want=$(openssl dgst -sha256 -binary m/a/b | openssl dgst -sha256 | sed 's/.*= //')
	ok "a single file" "$HM" digest m/a/b --no-progress
	is "is one resource named ." "$(cat "$T/.out")" "sha256:$want"
else
	skip "digest against openssl" "openssl is not installed"
fi

ok "digest --json" "$HM" digest m --json --no-progress
if command -v python3 >/dev/null 2>&1; then
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["name"], [r["name"] for r in j["manifest"]["resources"]], j["manifest"]["serialization"]["method"])' \
		"$T/.out" >names 2>&1
	is "--json lists every resource in order" "$(cat names)" "m ['a/b', 'a-b/c', 'empty', 'notes.txt'] files"
fi

# attest model: a statement that signs, whose subject is the digest; verify rehashes the
# model with the signer's own ignore list, --no-ignore-git-paths included.
"$HM" key generate -o k --no-passphrase >/dev/null 2>&1
ok "attest model --no-ignore-git-paths" "$HM" attest model m --no-ignore-git-paths --no-progress -o model.json
like "its subject is the digest with .git" "$("$HM" digest m --no-ignore-git-paths --no-progress | sed 's/sha256://')" model.json
ok "signs" "$HM" sign --key k.key --bundle b.jsonl model.json
"$HM" verify m --bundle b.jsonl --key k.pub --no-progress >v.out 2>&1
like "verify matches the files with the signer's ignore list" 'PASS  model' v.out
printf 'changed' >m/.git/HEAD
"$HM" verify m --bundle b.jsonl --key k.pub --no-progress >v.out 2>&1
like "and then sees a change under .git" 'changed: \.git/HEAD' v.out

# refusals
mkdir empty-dir
fails 2 "an empty directory" "$HM" digest empty-dir --no-progress
like "says it is empty" 'empty' "$T/.err"
mkfifo m/fifo 2>/dev/null && {
	fails 1 "a FIFO is refused" "$HM" digest m --no-progress
	like "and named" 'fifo' "$T/.err"
	rm m/fifo
}
ln -s ../../etc/passwd m/escape
fails 1 "a symlink is refused" "$HM" digest m --no-progress
fails 1 "and one leaving the root even with --allow-symlinks" "$HM" digest m --allow-symlinks --no-progress
rm m/escape
fails 2 "an ignore path with .." "$HM" digest m --ignore ../x --no-progress
fails 2 "a missing path" "$HM" digest nope --no-progress

# A file cut short while hallmark reads it: an error that names it and the change. Two
# 1 GiB sparse files and --jobs 2 (one worker each, no reader threads); once cut/big1 is
# open in the process it is truncated. A run that finished before the cut proves nothing
# and is repeated (at most 3 times).
mkdir cut
rc=0 tries=0
while [ "$rc" -eq 0 ] && [ "$tries" -lt 3 ]; do
	truncate -s 1G cut/big1 cut/big2
	"$HM" digest cut --jobs 2 --no-progress >cut.out 2>cut.err &
	pid=$!
	i=0
	while [ "$i" -lt 2000 ] && ! ls -l "/proc/$pid/fd" 2>/dev/null | grep -q '/cut/big1$'; do
		sleep 0.005
		i=$((i + 1))
	done
	truncate -s 0 cut/big1
	wait "$pid"
	rc=$?
	tries=$((tries + 1))
done
is "cut while read: exit 2 (exit $rc after $tries tries)" "$rc" 2
like "and the error names the file and the change" 'cut/big1: changed while it was hashed \(size 1073741824 bytes when opened' cut.err
rm -rf cut

# libpq, and the Kerberos, LDAP and TLS libraries under it, load only when a PostgreSQL
# archive is opened: a digest never pays for them at startup.
if LD_DEBUG=libs "$HM" --version >/dev/null 2>ld.out && grep -q 'calling init' ld.out; then
	LD_DEBUG=libs "$HM" digest m --no-progress >/dev/null 2>ld.out
	unlike "digest does not load libpq" 'libpq\.so' ld.out
else
	skip "digest does not load libpq" "the dynamic loader does not report LD_DEBUG=libs"
fi

done_testing
