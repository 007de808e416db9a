#!/bin/sh
# hallmark verify --cache: an unchanged model is not read again, and nothing that changed gets
# past the cache: a byte changed with the mtime put back (touch -r), a file replaced, a corrupt
# or another model's cache (a warning, a full hash, the same verdict). --no-cache neither reads
# nor writes it. What was hashed is read from the "digest cache:" line, never from timing.
. tests/cli/lib.sh

cd "$T" || exit 2
export XDG_CACHE_HOME="$T/xdg"
V() { "$HM" verify --bundle b.jsonl --key pub.pub --policy pol.json --no-progress "$@"; }
# cached NFILES HASHED_FILES HASHED_BYTES: the last run's digest cache line
cached() {
	like "$1 files unchanged, $2 hashed ($3 bytes)" \
		"^hallmark: digest cache: $1 files? \([0-9]+ bytes\) unchanged and not read, $2 files? \($3 bytes\) hashed$" \
		"$T/.err"
}

"$HM" key generate -o pub --no-passphrase >/dev/null 2>&1
mkdir model other
head -c 3000 /dev/urandom >model/w.bin
echo '{"hidden":64}' >model/config.json
echo tok >model/tok.txt
cp -p model/* other/
echo '{"require_audit":false,"require_provenance":false}' >pol.json
"$HM" attest model model -o m.json --no-progress 2>/dev/null
"$HM" sign --key pub.key --bundle b.jsonl m.json >/dev/null 2>&1
# Files changed within HM_DIGEST_CACHE_RACY_SECONDS of the hashing are never remembered.
sleep 4

ok "first verify --cache hashes everything" V model --cache
cached 0 3 3018
DIR=$XDG_CACHE_HOME/hallmark
CACHE=$(ls "$DIR")
is "one cache file, named by the root's SHA-256" "$(echo "$CACHE" | grep -cE '^[0-9a-f]{64}$')" 1
is "the cache directory is 0700" "$(stat -c %a "$DIR")" 700
is "the cache file is 0600" "$(stat -c %a "$DIR/$CACHE")" 600
ok "an unchanged model verifies from the cache" V model --cache
cached 3 0 0
like "with the same verdict" '^VERIFIED sha256:' "$T/.out"

# --no-cache: no line, and the cache is neither read (no warning) nor written
cp "$DIR/$CACHE" saved
printf 'garbage' >"$DIR/$CACHE"
ok "--no-cache verifies" V model --cache --no-cache
unlike "--no-cache says nothing of a cache" 'digest cache' "$T/.err"
is "--no-cache leaves the cache alone" "$(cat "$DIR/$CACHE")" garbage
fails 0 "without --cache likewise" V model
unlike "no cache line without --cache" 'digest cache' "$T/.err"

# a corrupt cache: a warning, a full hash, the right verdict, and a cache rewritten
ok "a corrupt cache still verifies" V model --cache
like "a corrupt cache is named in a warning" "^hallmark: warning: digest cache $DIR/$CACHE: not a hallmark digest cache; ignored" "$T/.err"
cached 0 3 3018
ok "and is rewritten" V model --cache
cached 3 0 0
unlike "without a warning" 'warning' "$T/.err"

# a byte changed, the mtime put back: ctime gives it away
cp -p model/w.bin w.orig
printf 'X' | dd of=model/w.bin bs=1 seek=100 conv=notrunc status=none
touch -r w.orig model/w.bin
fails 1 "a byte changed with the mtime restored is caught" V model --cache
like "and named" 'changed w.bin' "$T/.out"
cached 2 1 3000
fails 1 "the failed file is not remembered" V model --cache
cached 2 1 3000

# the file replaced by the original bytes, same size and mtime, new inode
cp -p w.orig model/.w && mv model/.w model/w.bin
ok "a file replaced by one of the same size and mtime is hashed" V model --cache
cached 2 1 3000
# ...and remembered only once settled (racily clean now: hashed again next time)
ok "a file changed just before is hashed again" V model --cache
cached 2 1 3000

# a cache for another model path is not used, even under this model's name
sleep 4
ok "the other model verifies" V other --cache
cached 0 3 3018
OTHER=$(ls -t "$DIR" | head -1)
cp "$DIR/$OTHER" "$DIR/$CACHE"
ok "another model's cache is refused" V model --cache
like "and said so" "for another model \($T/other\)" "$T/.err"
cached 0 3 3018

# a cache writable by others is foreign
ok "the cache is rewritten" V model --cache
chmod 0666 "$DIR/$CACHE"
ok "a cache writable by others still verifies" V model --cache
like "it is ignored with a warning" 'writable by nobody else; ignored' "$T/.err"
cached 0 3 3018

done_testing
