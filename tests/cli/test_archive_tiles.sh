#!/bin/sh
# hallmark archive checkpoint / verify --checkpoint / export-tiles: C2SP checkpoints signed
# and checked (note verifier keys as text, file or key file; other keys' signatures ignored;
# forged, rolled back and forked checkpoints refused), and the tlog-tiles export read by an
# independent client (tests/interop/tlog_tiles.py) for trees of 1, 255, 256, 257 and 600.
# With HM_TEST_ARCHIVE=pg (tests/cli/test_archive_tiles_pg.sh) the archives are on PostgreSQL.
. tests/cli/lib.sh
. tests/cli/pg.sh
archive_backend
ROOT=$PWD
cd "$T" || exit 1
unset HALLMARK_PASSPHRASE
export HALLMARK_ARCHIVE="$(db a)"
have() { command -v "$1" >/dev/null 2>&1; }
O=example.com/archive

"$HM" key generate -o pub --no-passphrase >/dev/null 2>&1
"$HM" key generate -o log --no-passphrase >/dev/null 2>&1
"$HM" key generate -o stranger --no-passphrase >/dev/null 2>&1

# BUNDLE FIRST LAST: a bundle of signed statements model-FIRST .. model-LAST
bundle() {
	i=$2 files=""
	while [ "$i" -le "$3" ]; do
		printf '{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"model-%s","digest":{"sha256":"%064x"}}],"predicateType":"https://example.com/test/v1","predicate":{}}\n' \
			"$i" "$i" >"st-$i.json"
		files="$files st-$i.json"
		i=$((i + 1))
	done
	# shellcheck disable=SC2086
	"$HM" sign --key pub.key --bundle "$1" $files 2>/dev/null
	rm -f st-*.json
}

# --- key public --vkey ------------------------------------------------------------------
ok "key public --vkey" "$HM" key public --vkey "$O" log.pub
VKEY=$(cat "$T/.out")
like "a note verifier key NAME+HASH+KEY" "^$O\\+[0-9a-f]{8}\\+[A-Za-z0-9+/]{44}\$" "$T/.out"
printf '%s\n' "$VKEY" >log.vkey
fails 2 "--vkey with a space in the name is a usage error" "$HM" key public --vkey "a b" log.pub
SVKEY=$("$HM" key public --vkey "$O" stranger.pub)

# --- checkpoint -------------------------------------------------------------------------
bundle b1.jsonl 1 1
"$HM" archive add b1.jsonl --key pub.pub 2>/dev/null
fails 2 "checkpoint needs --origin" "$HM" archive checkpoint --key log.key
ok "checkpoint" "$HM" archive checkpoint --key log.key --origin "$O"
cp "$T/.out" cp1
is "line 1: the origin" "$(sed -n 1p cp1)" "$O"
is "line 2: the tree size" "$(sed -n 2p cp1)" 1
like "line 3: the base64 root hash" '^[A-Za-z0-9+/]{43}=$' cp1
is "line 4: blank" "$(sed -n 4p cp1)" ""
like "line 5: an em dash, the key name and base64" "^— $O [A-Za-z0-9+/]{91}=\$" cp1
is "five lines" "$(wc -l <cp1 | tr -d ' ')" 5
head1=$("$HM" archive head | sed 's/.*"root_hash": "\([0-9a-f]*\)".*/\1/')
is "the root is the tree head's" "$(sed -n 3p cp1 | base64 -d | od -An -tx1 | tr -d ' \n')" "$head1"
ok "checkpoint -o FILE" "$HM" archive checkpoint --key log.key --origin "$O" -o cp1.file
ok "the same checkpoint (Ed25519 is deterministic)" cmp cp1 cp1.file
"$HM" archive checkpoint --key stranger.key --origin "$O" -o cp.stranger

# --- verify --checkpoint ----------------------------------------------------------------
bundle b2.jsonl 2 255
"$HM" archive add b2.jsonl --key pub.pub 2>/dev/null
ok "verify --checkpoint with the vkey as text" "$HM" archive verify --checkpoint cp1 --key "$VKEY"
like "it says what held" "checkpoint verified: $O at 1 entries; the log \\(255 entries\\) extends it" "$T/.out"
ok "with the vkey in a file" "$HM" archive verify --checkpoint cp1 --key log.vkey
ok "with the PEM public key" "$HM" archive verify --checkpoint cp1 --key log.pub --origin "$O"
ok "--json" "$HM" archive verify --checkpoint cp1 --key log.vkey --json
like "--json: ok, both sizes" '^\{"ok": true, "origin": "example.com/archive", "checkpoint_size": 1, "tree_size": 255, ' "$T/.out"
fails 2 "--checkpoint without --key is a usage error" "$HM" archive verify --checkpoint cp1
fails 2 "--checkpoint with --head is a usage error" "$HM" archive verify --checkpoint cp1 --head cp1 --key log.vkey
fails 2 "an unreadable checkpoint is exit 2" "$HM" archive verify --checkpoint missing --key log.vkey
fails 1 "another key's checkpoint: exit 1" "$HM" archive verify --checkpoint cp1 --key "$SVKEY"
like "not signed by the trusted key" "not signed by the trusted key $O\\+" "$T/.err"
fails 1 "the wrong origin: exit 1" "$HM" archive verify --checkpoint cp1 --key log.vkey --origin example.com/other
like "it names both origins" 'the origin is "example.com/archive", not "example.com/other"' "$T/.err"
# a second signature by an unknown key (same name, other key id) is ignored
{ cat cp1.file; tail -n 1 cp.stranger; } >cp.cosigned
is "the cosigned note has two signature lines" "$(grep -c '^— ' cp.cosigned)" 2
ok "an unknown key's signature line is ignored" "$HM" archive verify --checkpoint cp.cosigned --key log.vkey
ok "and the other key alone verifies it too" "$HM" archive verify --checkpoint cp.cosigned --key "$SVKEY"
sed '2s/.*/2/' cp1 >cp.altered
fails 1 "a changed tree size breaks the signature: exit 1" "$HM" archive verify --checkpoint cp.altered --key log.vkey
like "the signature does not verify" "signature of $O\\+[0-9a-f]{8} does not verify" "$T/.err"
sed 's/^— /-- /' cp1 >cp.nodash
fails 1 "a hyphen for the em dash is malformed: exit 1" "$HM" archive verify --checkpoint cp.nodash --key log.vkey
like "it says so" "em dash" "$T/.err"
# a checkpoint from the log's key over another history: a fork, and a larger tree
bundle f.jsonl 900 1199
"$HM" archive --db "$(db fork)" add f.jsonl --key pub.pub 2>/dev/null
"$HM" archive --db "$(db fork)" checkpoint --key log.key --origin "$O" -o cp.fork300
fails 1 "a checkpoint larger than the log: exit 1" "$HM" archive verify --checkpoint cp.fork300 --key log.vkey
like "it says entries were removed" "tree of 300 entries but the log has only 255" "$T/.err"
bundle f2.jsonl 900 909
"$HM" archive --db "$(db fork2)" add f2.jsonl --key pub.pub 2>/dev/null
"$HM" archive --db "$(db fork2)" checkpoint --key log.key --origin "$O" -o cp.fork10
fails 1 "a signed checkpoint of another history: exit 1" "$HM" archive verify --checkpoint cp.fork10 --key log.vkey
like "the log does not extend it" "does not extend the checkpoint: no consistency proof leads from its tree of 10 entries to the log's 255" "$T/.err"
fails 1 "--json on failure too" "$HM" archive verify --checkpoint cp.fork10 --key log.vkey --json
cp "$T/.out" fail.json
like "--json: ok false with the reason" '^\{"ok": false, .*"problems": \[".*does not extend' fail.json

# --- export-tiles -----------------------------------------------------------------------
fails 2 "export-tiles needs --key and --origin" "$HM" archive export-tiles t --key log.key
"$HM" archive checkpoint --key log.key --origin "$O" -o cp255
ok "export-tiles at 255" "$HM" archive export-tiles t255 --key log.key --origin "$O"
like "it says what it wrote" "wrote t255: 255 entries in 1 hash tiles and 1 entry bundles" "$T/.err"
ok "its checkpoint is the checkpoint command's" cmp t255/checkpoint cp255
ok "a tile directory readable by a web server" test -r t255/tile/0/000.p/255
is "no temporary directory left" "$(ls -a | grep -c '\.tmp-')" 0
mkdir other && echo keep >other/index.html
fails 2 "a non-empty directory is refused" "$HM" archive export-tiles other --key log.key --origin "$O"
fails 2 "also with --force when it is not a previous export" "$HM" archive export-tiles other --key log.key --origin "$O" --force
is "it is left as it was" "$(ls other)" index.html
for step in "256 256" "257 257" "258 600"; do
	set -- $step
	bundle "b$2.jsonl" "$1" "$2"
	"$HM" archive add "b$2.jsonl" --key pub.pub 2>/dev/null
	"$HM" archive checkpoint --key log.key --origin "$O" -o "cp$2"
	"$HM" archive export-tiles "t$2" --key log.key --origin "$O" 2>/dev/null
done
ok "verify --checkpoint of each size against the log of 600" sh -c \
	"for n in 1 255 256 257 600; do \"$HM\" archive verify --checkpoint cp\$n --key log.vkey || exit 1; done"
cp -r t255 tf
ok "export-tiles --force replaces a previous export" "$HM" archive export-tiles tf --key log.key --origin "$O" --force
ok "now at 600" cmp tf/checkpoint cp600
ok "with the tiles of 600" cmp tf/tile/0/002.p/88 t600/tile/0/002.p/88
ok "and not those of 255" test ! -e tf/tile/0/000.p/255
is "600 entries: 2 full tiles, a partial of 88, a level-1 partial of 2" \
	"$(cd t600 && find tile -path 'tile/entries' -prune -o -type f -print | sort | tr '\n' ' ')" \
	"tile/0/000 tile/0/001 tile/0/002.p/88 tile/1/000.p/2 "
is "and the entry bundles beside them" "$(cd t600 && find tile/entries -type f | sort | tr '\n' ' ')" \
	"tile/entries/000 tile/entries/001 tile/entries/002.p/88 "

# --- an independent client reads the tiles ----------------------------------------------
if have python3; then
	# the export of size 1, from a log of its own
	"$HM" archive --db "$(db one)" add b1.jsonl --key pub.pub 2>/dev/null
	"$HM" archive --db "$(db one)" export-tiles t1 --key log.key --origin "$O" 2>/dev/null
	older=""
	for n in 1 255 256 257 600; do
		ok "tiles of $n read by an independent tlog-tiles client" \
			python3 "$ROOT/tests/interop/tlog_tiles.py" "t$n" "$VKEY" $older
		cp "$T/.out" "client$n.out"
		like "tiles of $n: the tiles give the checkpoint's root" "^ok root" "client$n.out"
		like "tiles of $n: every entry and body checked" "^ok entries: $n bundled entries" "client$n.out"
		[ -n "$older" ] && like "tiles of $n: consistency with every older checkpoint" \
			"ok consistency: 257 -> 600|ok consistency: 256 -> 257|ok consistency: 255 -> 256|ok consistency: 1 -> 255" "client$n.out"
		if grep -q '^skip signature' "client$n.out"; then
			skip "tiles of $n: the checkpoint's signature" "python3-cryptography is absent"
		else
			like "tiles of $n: the checkpoint's signature" "^ok signature: verified" "client$n.out"
		fi
		older="$older cp$n"
	done
	cp t600/tile/0/001 saved && flip_byte t600/tile/0/001 100
	fails 1 "the client notices a changed tile" python3 "$ROOT/tests/interop/tlog_tiles.py" t600 "$VKEY"
	cp saved t600/tile/0/001
	fails 1 "the client refuses a checkpoint from another key" python3 "$ROOT/tests/interop/tlog_tiles.py" t600 "$SVKEY"
	fails 1 "the client refuses a forked older checkpoint" python3 "$ROOT/tests/interop/tlog_tiles.py" t600 "$VKEY" cp.fork10
else
	skip "an independent tlog-tiles client" "python3 is needed"
fi

done_testing
