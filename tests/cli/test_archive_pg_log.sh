#!/bin/sh
# The archive on PostgreSQL, through the library (tests/unit/test_archive_pg.c): the same
# log as SQLite for the same inputs, 8 writers x 1,000 envelopes, a writer killed with
# SIGKILL; then `archive verify` of the shared log from the command line.
. tests/cli/lib.sh
. tests/cli/pg.sh
BIN=${BUILD:-build}/tests/test_archive_pg
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
if ! pg_start; then
	skip "the archive on PostgreSQL" "$PG_SKIP"
	done_testing
	exit 0
fi
for d in pgsame pgconc pgkill; do pg_db "$d" >/dev/null; done
cd "$T" || exit 1
ok "the library's PostgreSQL tests pass" env TMPDIR="$T" CMOCKA_MESSAGE_OUTPUT=TAP \
	HALLMARK_TEST_PG="postgresql://hallmark@/%s?host=$PG_DIR" "$BIN"
cat "$T/.out" "$T/.err" >cmocka.out
sed -n 's/^\(# killed.*\)/\1/p' cmocka.out
for name in same_log_as_sqlite eight_writers writer_killed; do
	like "$name ran and passed" "^ok [0-9]+ - $name\$" cmocka.out
done
unlike "none skipped" '# SKIP|not ok' cmocka.out
ok "archive verify of the log the eight writers shared" "$HM" archive verify --db "$(pg_db pgconc)"
like "8,000 entries, intact" '^archive intact: 8000 entries' "$T/.out"
ok "and of the log whose writer was killed" "$HM" archive verify --db "$(pg_db pgkill)"
like "2,500 entries, intact" '^archive intact: 2500 entries' "$T/.out"
is "no entry twice: 8,000 distinct envelopes" \
	"$(pg_sql pgconc "SELECT count(DISTINCT body_sha256) || ' ' || min(id) || ' ' || max(id) FROM entries")" \
	"8000 0 7999"
done_testing
