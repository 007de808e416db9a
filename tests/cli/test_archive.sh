#!/bin/sh
# hallmark archive: every command, the default location, exit statuses, proofs checked
# offline, tampering through the sqlite3 shell, a large add killed with SIGKILL, the
# lineage of a model attested end to end, and the exports. With HM_TEST_ARCHIVE=pg
# (tests/cli/test_archive_pg.sh) every step runs on PostgreSQL, tampering through psql.
. tests/cli/lib.sh
. tests/cli/pg.sh
archive_backend
cd "$T" || exit 1
unset HALLMARK_PASSPHRASE HALLMARK_ARCHIVE
export XDG_DATA_HOME="$T/xdg"
have() { command -v "$1" >/dev/null 2>&1; }
json_get() { # FILE PYTHON-EXPRESSION-ON-j
	python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"
}

"$HM" key generate -o pub --no-passphrase >/dev/null 2>&1
"$HM" key generate -o stranger --no-passphrase >/dev/null 2>&1
"$HM" key generate -o logkey --no-passphrase >/dev/null 2>&1
kid=$("$HM" key id pub.pub 2>/dev/null || true)

statement() { # NAME [PREDICATE-TYPE] -> NAME.json
	d=$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)
	printf '{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"%s","digest":{"sha256":"%s"}}],"predicateType":"%s","predicate":{}}\n' \
		"$1" "$d" "${2:-https://example.com/test/v1}" >"$1.json"
}
for i in 1 2 3 4 5 6; do statement "model-$i"; done
statement other
"$HM" sign --key pub.key --bundle b.jsonl model-1.json model-2.json model-3.json 2>/dev/null
"$HM" sign --key pub.key --bundle c.jsonl model-4.json model-5.json model-6.json 2>/dev/null
"$HM" sign --key stranger.key --bundle s.jsonl other.json 2>/dev/null

# --- the default location --------------------------------------------------------------
[ "$BACKEND" = pg ] && export HALLMARK_ARCHIVE="$(db main)"
fails 2 "search before anything was archived: no archive yet (exit 2)" "$HM" archive search
if [ "$BACKEND" = pg ]; then
	like "it says where it looked" "no archive at postgresql://hallmark@/main" "$T/.err"
else
	like "it says where it looked" "no archive at $T/xdg/hallmark/archive.db" "$T/.err"
fi
fails 2 "add without keys is a usage error" "$HM" archive add b.jsonl
like "it asks for --key or --allow-unverified" "allow-unverified" "$T/.err"
ok "add a bundle (created on first use)" "$HM" archive add b.jsonl --key pub.pub
like "add reports what it stored" 'b.jsonl: 3 archived, 0 already archived, 0 refused' "$T/.err"
if [ "$BACKEND" = pg ]; then
	is "the archive is in the database" "$(sqlq main "SELECT count(*) FROM entries")" 3
	skip "its directory is private (0700)" "a database, not a file"
else
	is "the archive is under XDG_DATA_HOME" "$(ls "$T/xdg/hallmark")" archive.db
	is "its directory is private (0700)" "$(stat -c %a "$T/xdg/hallmark")" 700
fi
ok "add again: nothing new" "$HM" archive add b.jsonl --key pub.pub
like "every envelope is already archived" '0 archived, 3 already archived' "$T/.err"
DB="$T/xdg/hallmark/archive.db"
[ "$BACKEND" = pg ] && DB=$(db main)
export HALLMARK_ARCHIVE="$DB"
ok "HALLMARK_ARCHIVE names it too" "$HM" archive search
is "three entries" "$(wc -l <"$T/.out" | tr -d ' ')" 3
unset HALLMARK_ARCHIVE
ok "--db before the command" "$HM" archive --db "$DB" search
ok "--db as an option of the command" "$HM" archive search --db "$DB"
ok "--db=PATH" "$HM" archive --db="$DB" search
if [ "$BACKEND" = pg ]; then
	ok "--db postgres://" "$HM" archive --db "postgres://hallmark@/main?host=$PG_DIR" search
	is "the same three entries" "$(wc -l <"$T/.out" | tr -d ' ')" 3
	ok "--db as a libpq connection string" "$HM" archive --db "host=$PG_DIR user=hallmark dbname=main" search
	is "the same three entries again" "$(wc -l <"$T/.out" | tr -d ' ')" 3
	fails 2 "a database that is not there: exit 2" \
		"$HM" archive --db "postgresql://hallmark:s3cret@/nosuchdb?host=$PG_DIR" search
	like "it names it" 'postgresql://hallmark@/nosuchdb.*cannot connect to PostgreSQL.*"nosuchdb" does not exist' "$T/.err"
	unlike "without the password in the URL" 's3cret' "$T/.err"
	fails 2 "nor in a connection string" "$HM" archive --db "host=$PG_DIR user=hallmark password=s3cret dbname=nosuchdb" search
	unlike "the password is not shown" 's3cret' "$T/.err"
	sqlq "$(db foreign >/dev/null; echo foreign)" "CREATE TABLE invoices(id int)"
	fails 1 "a database of another application is refused, also by add" \
		"$HM" archive --db "$(db foreign)" add b.jsonl --key pub.pub
	like "it says so" 'not a hallmark archive \(a PostgreSQL database whose schema holds tables of another application\)' "$T/.err"
	is "and left alone" "$(sqlq foreign "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 1
fi
export HALLMARK_ARCHIVE="$DB"

# --- add: audits are checked against the auditor keys, as verify checks them --------------
AUDIT_TYPE=https://hallmark.dev/attestations/safety-audit/v1
statement audit-by-auditor "$AUDIT_TYPE"
statement audit-by-publisher "$AUDIT_TYPE"
"$HM" sign --key pub.key --bundle aud.jsonl model-1.json 2>/dev/null
"$HM" sign --key stranger.key --bundle aud.jsonl audit-by-auditor.json 2>/dev/null
"$HM" sign --key pub.key --bundle aud.jsonl audit-by-publisher.json 2>/dev/null
fails 1 "with --auditor-key, an audit signed only by the publisher is refused (exit 1)" \
	"$HM" archive --db "$(db aud)" add aud.jsonl --key pub.pub --auditor-key stranger.pub
like "the model and the auditor's audit are archived, the publisher's audit refused" \
	'aud.jsonl: 2 archived, 0 already archived, 1 refused' "$T/.err"
like "the refusal names the line" 'aud.jsonl line 3: refused' "$T/.err"
ok "the auditor's audit is stored as verified" \
	"$HM" archive --db "$(db aud)" search --signer "$("$HM" key id stranger.pub)"
is "one entry signed by the auditor" "$(wc -l <"$T/.out" | tr -d ' ')" 1
fails 1 "without --auditor-key the auditor's audit is checked against --key, and refused" \
	"$HM" archive --db "$(db aud2)" add aud.jsonl --key pub.pub
like "the model and the publisher's audit are archived" \
	'aud.jsonl: 2 archived, 0 already archived, 1 refused' "$T/.err"
like "the auditor's audit (line 2) is refused" 'aud.jsonl line 2: refused' "$T/.err"

# --- add: refused, flagged, JSON -------------------------------------------------------------
fails 1 "an envelope from an untrusted key is refused (exit 1)" "$HM" archive add s.jsonl --key pub.pub
like "the refusal says why and what would store it" 's.jsonl line 1: refused: .*allow-unverified' "$T/.err"
ok "--allow-unverified stores it, flagged" "$HM" archive add s.jsonl --key pub.pub --allow-unverified
like "with a warning" 'stored as entry 3, flagged unverified' "$T/.err"
printf 'not json\n' >junk.jsonl
fails 1 "a line that is not an envelope is refused even with --allow-unverified" \
	"$HM" archive add junk.jsonl --allow-unverified
like "it says so" 'junk.jsonl line 1: refused: not a DSSE envelope' "$T/.err"
ok "add --json" "$HM" archive add c.jsonl b.jsonl --key pub.pub --json
cp "$T/.out" add.json
if have python3; then
	is "add --json counts" "$(json_get add.json '[j[k] for k in ("added","duplicates","refused")]')" "[3, 3, 0]"
	is "add --json lists each envelope" "$(json_get add.json '[(e["status"], e["id"]) for e in j["entries"]][:3]')" \
		"[('added', 4), ('added', 5), ('added', 6)]"
else
	skip "add --json" "python3 is needed"
	skip "add --json entries" "python3 is needed"
fi
fails 2 "an unreadable bundle is exit 2" "$HM" archive add missing.jsonl --key pub.pub

# --- search, show ---------------------------------------------------------------------------
d3=$(printf 'model-3' | sha256sum | cut -d' ' -f1)
ok "search --digest sha256:HEX" "$HM" archive search --digest "sha256:$d3"
like "finds model-3" '^2 .*verified .*model-3 sha256:' "$T/.out"
is "only it" "$(wc -l <"$T/.out" | tr -d ' ')" 1
ok "search --name with a wildcard" "$HM" archive search --name 'model-[45]'
is "two of them" "$(cut -d' ' -f1 "$T/.out" | tr '\n' ' ')" "4 5 "
ok "search --unverified" "$HM" archive search --unverified
like "the stranger's envelope" '^3 .*UNVERIFIED .*other' "$T/.out"
ok "search --type" "$HM" archive search --type https://example.com/test/v1 --limit 2
is "limited to two" "$(wc -l <"$T/.out" | tr -d ' ')" 2
signer=$("$HM" archive show 0 --json | sed -n 's/.*"signers": \[ *"\([0-9a-f]*\)".*/\1/p' | head -n 1)
if [ -z "$signer" ] && have python3; then
	"$HM" archive show 0 --json >show0.json
	signer=$(json_get show0.json 'j[0]["signers"][0]')
fi
ok "search --signer by an 8-digit prefix" "$HM" archive search --signer "$(printf %.8s "$signer")"
is "six verified envelopes signed by it" "$(wc -l <"$T/.out" | tr -d ' ')" 6
fails 2 "a too short signer prefix is a usage error" "$HM" archive search --signer abc
ok "search --since today" "$HM" archive search --since "$(date -u +%Y-%m-%d)"
is "everything was archived today" "$(wc -l <"$T/.out" | tr -d ' ')" 7
ok "search --until yesterday" "$HM" archive search --until "$(date -u -d yesterday +%Y-%m-%d 2>/dev/null || echo 2000-01-01)"
is "nothing before today" "$(wc -l <"$T/.out" | tr -d ' ')" 0
fails 2 "a bad time is a usage error" "$HM" archive search --since yesterday
ok "search --json" "$HM" archive search --digest "$d3" --json
cp "$T/.out" search.json
if have python3; then
	is "search --json shape" "$(json_get search.json '[j[0][k] for k in ("id","kind","verified")]')" "[2, 'attestation', True]"
else
	skip "search --json shape" "python3 is needed"
fi
ok "show an entry" "$HM" archive show 2
like "show: outcome" 'outcome +verified' "$T/.out"
like "show: the subject" 'subject +model-3  sha256:' "$T/.out"
like "show: retention of ten years" "retain until +$(( $(date -u +%Y) + 10 ))-" "$T/.out"
like "show: the statement" '"predicateType":"https://example.com/test/v1"' "$T/.out"
ok "show --body" "$HM" archive show 2 --body
cp "$T/.out" body2
sed -n 3p b.jsonl >line3
ok "show --body is the envelope's exact bytes" cmp body2 line3
fails 1 "show of an entry that is not there: exit 1" "$HM" archive show 99
fails 2 "show of a non-number: exit 2" "$HM" archive show two

# --- the log: head, prove, consistency, check-proof ----------------------------------------
ok "head" "$HM" archive head
like "head: the documented shape" '^\{"tree_size": 7, "root_hash": "[0-9a-f]{64}"\}$' "$T/.out"
cp "$T/.out" head7.json
ok "a signed head" "$HM" archive head --sign-key logkey.key -o head7.signed
like "a DSSE envelope of the tree-head type" '"payloadType":"application/vnd.hallmark.tree-head\+json"' head7.signed
ok "prove an entry" "$HM" archive prove 5
cp "$T/.out" p5.json
like "prove: the documented shape" '^\{"leaf_index": 5, "tree_size": 7, "leaf_hash": "[0-9a-f]{64}", "root_hash": "[0-9a-f]{64}", "audit_path": \[' p5.json
root7=$(sed 's/.*"root_hash": "\([0-9a-f]*\)".*/\1/' head7.json)
ok "check-proof against the root we trust and its size" "$HM" archive check-proof p5.json --root "$root7" --size 7
like "and says what it proves" 'inclusion proof OK: leaf 5 is in the tree of size 7' "$T/.out"
ok "check-proof against the signed head" "$HM" archive check-proof p5.json --head head7.signed --key logkey.pub
fails 1 "a head signed by another key is refused" "$HM" archive check-proof p5.json --head head7.signed --key pub.pub
fails 1 "check-proof against another root" "$HM" archive check-proof p5.json --root "$(printf '%064d' 0)" --size 7
# nothing trusted: a proof alone proves nothing
fails 2 "check-proof with nothing to check against: exit 2" "$HM" archive check-proof p5.json
like "and says why" 'nothing to check the proof against' "$T/.err"
fails 2 "a root without its size: exit 2" "$HM" archive check-proof p5.json --root "$root7"
like "and says why" '--root is trusted only with its tree size' "$T/.err"
fails 2 "a head without its key: exit 2" "$HM" archive check-proof p5.json --head head7.signed
like "and says why" '--head needs --key' "$T/.err"
fails 2 "an unsigned head is not trusted either" "$HM" archive check-proof p5.json --head head7.json
# an edited proof that claims another tree size with the trusted root
for n in 6 8; do
	sed "s/\"tree_size\": 7/\"tree_size\": $n/" p5.json >p5-size$n.json
	fails 1 "a proof edited to claim a tree of size $n is refused" "$HM" archive check-proof p5-size$n.json --root "$root7" --size 7
done
fails 1 "the right proof with the wrong trusted size" "$HM" archive check-proof p5.json --root "$root7" --size 8
like "says which size" 'about a tree of size 7, not the trusted tree of size 8' "$T/.err"
fails 1 "a signed head does not vouch for an unsigned-looking copy" "$HM" archive check-proof p5.json --head head7.json --key logkey.pub
sed 's/"leaf_index": 5/"leaf_index": 4/' p5.json >p5-moved.json
fails 1 "a proof of another index fails" "$HM" archive check-proof p5-moved.json --root "$root7" --size 7
first=$(sed 's/.*"audit_path": \["\([0-9a-f]\)\([0-9a-f]*\)".*/\1/' p5.json)
flip=$(printf '%s' "$first" | tr '0123456789abcdef' '123456789abcdef0')
sed "s/\"audit_path\": \[\"$first/\"audit_path\": [\"$flip/" p5.json >p5-bad.json
fails 1 "a proof with a changed hash fails" "$HM" archive check-proof p5-bad.json --root "$root7" --size 7
like "it says why" 'does not lead to the root' "$T/.err"
printf '{"leaf_index": 1}' >broken.json
fails 1 "a malformed proof: exit 1" "$HM" archive check-proof broken.json --root "$root7" --size 7
fails 2 "a missing proof file: exit 2" "$HM" archive check-proof nothing.json --root "$root7" --size 7
ok "prove in an older tree" "$HM" archive prove 1 --tree-size 3
like "of size 3" '"tree_size": 3' "$T/.out"
fails 1 "prove an entry not yet in that tree" "$HM" archive prove 5 --tree-size 3
ok "consistency between sizes" "$HM" archive consistency --from 3 --to 7
cp "$T/.out" c37.json
like "consistency: the documented shape" '^\{"first": 3, "second": 7, "first_root": "[0-9a-f]{64}", "second_root": "[0-9a-f]{64}", "proof": \[' c37.json
ok "check-proof accepts the consistency proof" "$HM" archive check-proof c37.json --root "$root7" --size 7
like "and says what it proves" 'the tree of size 3 is a prefix of the tree of size 7' "$T/.out"
fails 2 "consistency needs --from" "$HM" archive consistency
fails 2 "and 0 < M <= N" "$HM" archive consistency --from 5 --to 4

# --- verify, and tampering through the sqlite3 shell --------------------------------------
ok "verify an intact archive" "$HM" archive verify
like "verify reports the head" 'archive intact: 7 entries, root [0-9a-f]{64}' "$T/.out"
ok "verify against the published signed head" "$HM" archive verify --head head7.signed --key logkey.pub
fails 2 "verify --head without its key: exit 2, the signature is not checked silently" "$HM" archive verify --head head7.signed
like "and says why" '--head needs --key' "$T/.err"
fails 1 "verify --head signed by another key: exit 1" "$HM" archive verify --head head7.signed --key pub.pub
fails 1 "verify --head of an unsigned head: exit 1" "$HM" archive verify --head head7.json --key logkey.pub
ok "verify --json" "$HM" archive verify --json
like "verify --json shape" '^\{"ok": true, "tree_size": 7, "root_hash": "[0-9a-f]{64}", "problems": \[\]\}$' "$T/.out"
if [ "$BACKEND" = pg ] || have sqlite3; then
	[ "$BACKEND" = sqlite ] && cp "$DB" main.db
	nt=0
	tamper() { # NAME SQL EXPECTED-PROBLEM
		nt=$((nt + 1))
		copydb main "t$nt"
		sqlq "t$nt" "$2"
		fails 1 "verify finds: $1" "$HM" archive verify --db "$(db "t$nt")"
		like "and names it: $1" "$3" "$T/.out"
	}
	if [ "$BACKEND" = pg ]; then
		edit="convert_to(replace(convert_from(body, 'UTF8'), 'payloadType', 'payloadtype'), 'UTF8')"
	else
		edit="CAST(replace(CAST(body AS TEXT), 'payloadType', 'payloadtype') AS BLOB)"
	fi
	tamper "modified envelope bytes" "UPDATE entries SET body = $edit WHERE id = 4;" \
		'entry 4: modified'
	tamper "deleted row" "DELETE FROM entries WHERE id = 2;" 'entry 2: deleted'
	tamper "swapped rows" \
		"UPDATE entries SET id = -1 WHERE id = 1; UPDATE entries SET id = 1 WHERE id = 5; UPDATE entries SET id = 5 WHERE id = -1;" \
		'entry 1: holds the bytes of entry 5: entries were reordered'
	tamper "unverified marked verified" "UPDATE entries SET verified = 1 WHERE id = 3;" \
		'entry 3: its kind, time, retention or verification columns were changed'
	like "verify says the archive was changed" "behind hallmark's back" "$T/.err"
	# rewritten consistently (a fresh archive of other entries): only the published head knows
	FORGED=$(db forged)
	"$HM" archive add c.jsonl b.jsonl s.jsonl --db "$FORGED" --key pub.pub --allow-unverified 2>/dev/null
	"$HM" archive add b.jsonl --db "$FORGED" --key pub.pub 2>/dev/null
	ok "the forged archive is self-consistent" "$HM" archive verify --db "$FORGED"
	fails 1 "but does not extend the published head" "$HM" archive verify --db "$FORGED" --head head7.signed --key logkey.pub
	like "it says so" 'does not extend the trusted tree head of size 7' "$T/.out"
	# an archive from a newer hallmark
	copydb main newer
	if [ "$BACKEND" = pg ]; then
		sqlq newer "UPDATE meta SET value = '99' WHERE key = 'schema_version'"
	else
		sqlq newer "PRAGMA user_version = 99;"
	fi
	fails 1 "an archive of a newer schema is refused" "$HM" archive search --db "$(db newer)"
	like "with a clear message" 'schema version 99, written by a newer hallmark.*upgrade hallmark' "$T/.err"
else
	skip "tampering through the sqlite3 shell" "sqlite3 is not installed"
fi

# --- a large add killed with SIGKILL --------------------------------------------------------
if [ "$BACKEND" = pg ] || have sqlite3; then
	BIG=$(db big)
	i=0
	while [ $i -lt 3000 ]; do
		printf '{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"big-%d","digest":{"sha256":"%064d"}}],"predicateType":"https://example.com/big/v1","predicate":{}}\n' $i $i >"big-$i.json"
		i=$((i + 1))
	done
	ls big-*.json | xargs "$HM" sign --key pub.key --bundle big.jsonl 2>/dev/null
	is "3000 envelopes to add" "$(wc -l <big.jsonl | tr -d ' ')" 3000
	"$HM" archive add big.jsonl --db "$BIG" --key pub.pub --batch 100 2>/dev/null &
	pid=$!
	n=0 tries=0
	while [ "$tries" -lt 3000 ]; do
		n=$(sqlq big "SELECT count(*) FROM entries" 2>/dev/null || echo 0)
		[ "${n:-0}" -ge 300 ] && break
		tries=$((tries + 1))
		sleep 0.01
	done
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	n=$(sqlq big "SELECT count(*) FROM entries")
	echo "# killed after $n of 3000"
	ok "killed mid-way (some but not all archived)" test "$n" -gt 0 -a "$n" -lt 3000
	ok "archive verify after the kill: intact" "$HM" archive verify --db "$BIG"
	is "entries, leaves and the last head agree" \
		"$(sqlq big "SELECT (SELECT count(*) FROM entries) || ' ' || (SELECT count(*) FROM tree WHERE level = 0) || ' ' || (SELECT max(tree_size) FROM heads)")" "$n $n $n"
	is "whole transactions only" "$((n % 100))" 0
	ok "adding again completes it" "$HM" archive add big.jsonl --db "$BIG" --key pub.pub
	like "the rest is added" "$((3000 - n)) archived, $n already archived" "$T/.err"
	ok "and it verifies" "$HM" archive verify --db "$BIG"
else
	skip "a large add killed with SIGKILL" "sqlite3 is not installed"
fi

# --- lineage of a model attested end to end --------------------------------------------------
mkdir -p base tuned dataset
printf 'base weights' >base/model.safetensors
printf 'tuned weights' >tuned/model.safetensors
printf '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n' >dataset/train.jsonl
q=0
while [ $q -lt 10 ]; do
	printf '{"id":"category_1/%d","category":"category_1","score":%d}\n' $q $((q < 1 ? 5 : 1)) >>tuned-results.jsonl
	printf '{"id":"category_1/%d","category":"category_1","score":1}\n' $q >>base-results.jsonl
	q=$((q + 1))
done
if "$HM" attest dataset dataset --name bakery-chat --license CC-BY-4.0 --no-git --no-progress -o ds.json 2>attest.err &&
	"$HM" attest model base --name example/base-7b --no-progress -o base.json 2>>attest.err &&
	"$HM" attest model tuned --name acme-chat --no-progress -o tuned.json 2>>attest.err &&
	"$HM" attest run --model tuned --model-name acme-chat --base-model base --base-name example/base-7b \
		--dataset ds.json --no-progress -o run.json 2>>attest.err &&
	"$HM" attest audit --model tuned --model-name acme-chat --benchmark HEx-PHI --partial --results tuned-results.jsonl \
		--baseline-model base --baseline-results base-results.jsonl --no-progress -o audit.json 2>>attest.err; then
	"$HM" sign --key pub.key --bundle chain.jsonl base.json ds.json run.json tuned.json audit.json 2>/dev/null
	CHAIN=$(db chain)
	ok "archive the chain" "$HM" archive add chain.jsonl --db "$CHAIN" --key pub.pub
	md=$("$HM" digest tuned --no-progress)
	ok "lineage of the tuned model" "$HM" archive lineage "$md" --db "$CHAIN"
	cp "$T/.out" lineage.txt
	like "lineage: its name" "lineage of $md \\(acme-chat\\)" lineage.txt
	like "lineage: the base model" '^base model +example/base-7b  sha256:' lineage.txt
	like "lineage: the dataset" '^dataset +bakery-chat  sha256:' lineage.txt
	like "lineage: the run" '^run +#2 +fine-tuning run +verified' lineage.txt
	like "lineage: the model" "^model +acme-chat  $md" lineage.txt
	like "lineage: the model's manifest" '^ +#3 +model manifest' lineage.txt
	like "lineage: the audit" '^audit +#4 +safety audit +verified .*HEx-PHI' lineage.txt
	ok "lineage --json" "$HM" archive lineage "$md" --db "$CHAIN" --json
	cp "$T/.out" lineage.json
	if have python3; then
		is "lineage --json: runs, model, audits" "$(json_get lineage.json '[len(j[k]) for k in ("base_models","datasets","runs","model","audits","verifications")]')" \
			"[1, 1, 1, 1, 1, 0]"
	else
		skip "lineage --json" "python3 is needed"
	fi
	bd=$("$HM" digest base --no-progress)
	ok "lineage of the base model: used by the run and as the audit's baseline" "$HM" archive lineage "$bd" --db "$CHAIN"
	like "used by the run" 'used by +#2 +fine-tuning run' "$T/.out"
	fails 1 "lineage of a digest the archive does not know" "$HM" archive lineage "sha256:$(printf '%064d' 7)" --db "$CHAIN"

	# --- export ---------------------------------------------------------------------------
	ok "export json" "$HM" archive export --db "$CHAIN" --format json -o chain-export.json
	if have python3; then
		is "export json: every entry and the head" "$(json_get chain-export.json '(len(j["entries"]), j["tree_head"]["tree_size"])')" "(5, 5)"
	else
		skip "export json content" "python3 is needed"
	fi
	ok "export csv" "$HM" archive export --db "$CHAIN" --format csv
	like "export csv: the header" '^id,kind,recorded_at,retain_until,verified,' "$T/.out"
	is "export csv: a row an entry" "$(wc -l <"$T/.out" | tr -d ' ')" 6
	ok "export cyclonedx-xml" "$HM" archive export --db "$CHAIN" --format cyclonedx-xml -o bom.xml
	like "the model with its hash" "<hash alg=\"SHA-256\">${md#sha256:}</hash>" bom.xml
	like "the dataset as data" 'type="data"' bom.xml
	XSD=$SHARED/schemas/cyclonedx-1.6/bom-1.6.xsd
	if have xmllint && [ -f "$XSD" ]; then
		ok "the BOM is valid CycloneDX 1.6 (official XSD, offline)" \
			env XML_CATALOG_FILES="$SHARED/schemas/cyclonedx-1.6/xmlcatalog.xml" \
			xmllint --nonet --noout --schema "$XSD" bom.xml
	else
		skip "CycloneDX XSD validation" "xmllint or ../shared is missing"
	fi
	ok "export --since tomorrow: nothing" "$HM" archive export --db "$CHAIN" --format csv \
		--since "$(date -u -d tomorrow +%Y-%m-%d 2>/dev/null || echo 2999-01-01)"
	is "only the header" "$(wc -l <"$T/.out" | tr -d ' ')" 1
	fails 2 "export needs a known format" "$HM" archive export --db "$CHAIN" --format xml
	fails 2 "export without --format" "$HM" archive export --db "$CHAIN"
else
	sed 's/^/# /' attest.err
	skip "lineage and export of an attested chain" "hallmark attest failed"
fi

# --- one envelope in three base64 spellings is one entry ----------------------------------
# The URL-safe spelling differs only where the base64 has "+" or "/": take a line that has one
# (an Ed25519 signature alone lacks both about one time in fifteen).
if python3 - b.jsonl >spellings.jsonl <<'PY'; then
import json, sys
def b64(e):
    return e["payload"] + "".join(s["sig"] for s in e["signatures"])
lines = [json.loads(l) for l in open(sys.argv[1])]
line = next((e for e in lines if "+" in b64(e) or "/" in b64(e)), None)
if line is None:
    sys.exit(3)
def respell(f):
    e = json.loads(json.dumps(line))
    e["payload"] = f(e["payload"])
    for s in e["signatures"]:
        s["sig"] = f(s["sig"])
    return json.dumps(e)
print(json.dumps(line))
print(respell(lambda v: v.rstrip("=")))
print(respell(lambda v: v.replace("+", "-").replace("/", "_")))
PY
	is "three different spellings" "$(sort -u spellings.jsonl | wc -l | tr -d ' ')" 3
	ok "archive add of the three" "$HM" archive add --db "$(db spell)" spellings.jsonl --key pub.pub
	like "one archived, two already there" 'spellings.jsonl: 1 archived, 2 already archived' "$T/.err"
	ok "archive add --json of the three again" "$HM" archive add --db "$(db spell)" spellings.jsonl --key pub.pub --json
	like "each reported as a duplicate of entry 0" '"line": 3, "status": "duplicate", "id": 0' "$T/.out"
	is "the archive holds one entry" "$("$HM" archive search --db "$(db spell)" | wc -l | tr -d ' ')" 1
else
	skip "one envelope in three base64 spellings" "no line of b.jsonl has a + or / in its base64"
fi

# --- usage --------------------------------------------------------------------------------
fails 2 "archive alone prints usage" "$HM" archive
ok "archive --help" "$HM" archive --help
like "lists the commands" 'check-proof' "$T/.out"
fails 2 "an unknown archive command" "$HM" archive frobnicate
ok "a command's --help" "$HM" archive prove --help
done_testing
