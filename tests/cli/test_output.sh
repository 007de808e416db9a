#!/bin/sh
# Output paths (-o, --junit, --bundle, key files): `-` is standard output, a FIFO
# or character device is written in place, a symbolic link stays a link while its
# target is replaced, and a failed or killed write leaves nothing partial behind.
# Everything happens inside the test's temp dir.
. tests/cli/lib.sh
cd "$T" || exit 1
unset HALLMARK_PASSPHRASE

# A model of many files, so its statement is several kilobytes.
mkdir model
i=0
while [ $i -lt 60 ]; do
	printf 'shard %s\n' "$i" >"model/part-with-a-long-name-$i.safetensors"
	i=$((i + 1))
done
attest() { "$HM" attest model model --name acme/tuned --no-progress "$@"; }
attest >want.json 2>/dev/null
size=$(wc -c <want.json)
[ "$size" -gt 4096 ] || echo "# the statement is only $size bytes"
# No temporary file may be left in these directories.
no_temp() { ! find "$@" -name '.*.tmp.*' | grep -q .; }

# --- standard output --------------------------------------------------------------
ok "-o - writes to standard output" attest -o -
cp "$T/.out" dash.json
ok "what -o - printed is the statement" cmp dash.json want.json
ok "no file named - was created" test ! -e ./-

# --- FIFO ---------------------------------------------------------------------------
if mkfifo fifo 2>/dev/null; then
	cat fifo >from-fifo &
	reader=$!
	ok "-o FIFO is written" attest -o fifo
	# a FIFO replaced by a file would leave the reader waiting for ever
	test -p fifo || kill $reader 2>/dev/null
	wait $reader
	ok "the reader got the whole statement" cmp from-fifo want.json
	ok "the FIFO is still a FIFO" test -p fifo
else
	skip "-o FIFO" "mkfifo is not available here"
fi

# --- character device -----------------------------------------------------------------
if mknod null c 1 3 2>/dev/null; then
	ok "-o onto a character device succeeds" attest -o null
	ok "the device is still a character device" test -c null
	"$HM" key generate -o dk --no-passphrase >/dev/null 2>&1
	attest -o ds.json 2>/dev/null
	fails 2 "sign --bundle onto a device is refused (a bundle is read, then replaced)" \
		"$HM" sign --key dk.key --bundle null ds.json
	ok "the device is still a character device after that" test -c null
else
	skip "-o onto a character device" "mknod is not permitted (needs root)"
fi

# --- symbolic links ---------------------------------------------------------------------
mkdir links targets
echo old >targets/stmt.json
ln -s ../targets/stmt.json links/stmt.json
ok "-o through a symbolic link" attest -o links/stmt.json
ok "the link is still a link" test -L links/stmt.json
ok "its target has the new content" cmp targets/stmt.json want.json
is "the link still points where it did" "$(readlink links/stmt.json)" ../targets/stmt.json

ln -s ../targets/new.json links/dangling.json
ok "-o through a link to a file that does not exist yet" attest -o links/dangling.json
ok "that link is still a link" test -L links/dangling.json
ok "its target was created" cmp targets/new.json want.json

ln -s stmt.json targets/hop.json
ln -s ../targets/hop.json links/chain.json
echo old >targets/stmt.json
ok "-o through a chain of two links" attest -o links/chain.json
ok "both links stay links" test -L links/chain.json -a -L targets/hop.json
ok "the end of the chain has the new content" cmp targets/stmt.json want.json

ln -s ../nowhere/x.json links/nodir.json
fails 2 "a link into a directory that does not exist is refused" attest -o links/nodir.json
like "the error names the output" 'links/nodir\.json' "$T/.err"
ok "nothing partial left beside the links or targets" no_temp links targets

# key files and bundles go through the same writer
"$HM" key generate -o k --no-passphrase >/dev/null 2>&1
ln -s ../targets/signer.key links/signer.key
fails 2 "key generate does not create a key through a link without --force" \
	"$HM" key generate -o links/signer --no-passphrase
ok "so nothing was written behind the link" test ! -e targets/signer.key
ok "key generate --force through a link to a new .key" \
	"$HM" key generate -o links/signer --no-passphrase --force
ok "the .key link stays a link" test -L links/signer.key
is "the key behind it is private (0600)" "$(stat -c %a targets/signer.key)" 600
ok "the key behind it loads" "$HM" key id links/signer.key
cp want.json s.json
: >targets/b.jsonl
ln -s ../targets/b.jsonl links/b.jsonl
ok "sign --bundle through a link" "$HM" sign --key k.key --bundle links/b.jsonl s.json
ok "the bundle link stays a link" test -L links/b.jsonl
is "the bundle behind it got the envelope" "$(wc -l <targets/b.jsonl | tr -d ' ')" 1
ok "no temporary files after key and bundle writes" no_temp links targets

# --- a write that fails, a write that is killed -----------------------------------------
mkdir fail
echo old >fail/out.json
# SIGXFSZ ignored: the write past the file size limit fails with EFBIG
(trap '' XFSZ; ulimit -f 2; exec "$HM" attest model model --name acme/tuned --no-progress \
	-o fail/out.json) >/dev/null 2>fail.err
is "a failing write exits 2" "$?" 2
like "and says the write failed" 'write failed' fail.err
is "the old file is untouched" "$(cat fail/out.json)" old
ok "no temporary file is left after the failed write" no_temp fail

# SIGXFSZ at its default: the process is killed in the middle of writing
# (an inner shell that does not exec takes the "File size limit exceeded" notice)
sh -c 'ulimit -f 2; "$0" attest model model --name acme/tuned --no-progress -o fail/out.json
	exit $?' "$HM" >/dev/null 2>&1
st=$?
ok "the write was killed by a signal (exit $st)" test "$st" -gt 128
is "the old file is still untouched" "$(cat fail/out.json)" old
ok "no temporary file is left after the killed write" no_temp fail

done_testing
