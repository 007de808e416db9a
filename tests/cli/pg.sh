# tests/cli/pg.sh: a private PostgreSQL server for the archive tests and the bench.
# Source it (after lib.sh or with $T set), then
#   pg_start          starts a server on a socket in a fresh temp dir, stopped on exit;
#                     returns 1 with the reason in $PG_SKIP when it cannot
#   pg_db NAME        creates database NAME (once) and prints its postgresql:// URL
#   pg_sql NAME SQL   runs SQL in database NAME through psql (prints rows unaligned)
# PG_OPTS: server options (default -c fsync=off: tests need no durability against power loss).
# The server runs as the invoking user, or as `nobody` under root (initdb refuses root).
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
PG_DIR=
pg_start() {
	if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/pg_ctl" ]; then
		PG_SKIP="no PostgreSQL server (apt-get install postgresql)"; return 1
	fi
	command -v psql >/dev/null 2>&1 || { PG_SKIP="no psql (apt-get install postgresql-client)"; return 1; }
	PG_AS=
	if [ "$(id -u)" -eq 0 ]; then
		command -v runuser >/dev/null 2>&1 || { PG_SKIP="running as root without runuser"; return 1; }
		PG_AS="runuser -u nobody --"
	fi
	# a short path (the socket's name must fit in 107 bytes) that the server's user reaches
	PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hm-pg-XXXXXX") || { PG_SKIP="no temp dir"; return 1; }
	chmod 0755 "$PG_DIR"
	if [ -n "$PG_AS" ]; then
		chown nobody "$PG_DIR"
		if ! $PG_AS test -w "$PG_DIR" 2>/dev/null; then
			rm -rf "$PG_DIR"
			PG_DIR=$(mktemp -d /tmp/hm-pg-XXXXXX) || { PG_SKIP="no temp dir"; return 1; }
			chmod 0755 "$PG_DIR"; chown nobody "$PG_DIR"
		fi
	fi
	trap 'pg_stop; rm -rf "$T"' EXIT
	if ! $PG_AS "$PG_BIN/initdb" -D "$PG_DIR/data" -U hallmark --auth=trust -E UTF8 \
		--locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1; then
		PG_SKIP="initdb failed: $(tail -n 1 "$PG_DIR/initdb.log")"; return 1
	fi
	if ! $PG_AS "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
		-o "-k $PG_DIR -c listen_addresses= -c max_connections=40 ${PG_OPTS--c fsync=off}" \
		start >/dev/null 2>&1; then
		PG_SKIP="the server did not start: $(tail -n 1 "$PG_DIR/server.log" 2>/dev/null)"; return 1
	fi
	return 0
}
pg_stop() {
	if [ -n "$PG_DIR" ] && [ -d "$PG_DIR/data" ]; then
		$PG_AS "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
	fi
	[ -n "$PG_DIR" ] && rm -rf "$PG_DIR"
	PG_DIR=
}
pg_db() {
	psql -h "$PG_DIR" -U hallmark -d postgres -qAt -c "SELECT 1 FROM pg_database WHERE datname = '$1'" |
		grep -q 1 || psql -h "$PG_DIR" -U hallmark -d postgres -q -c "CREATE DATABASE \"$1\"" >/dev/null
	echo "postgresql://hallmark@/$1?host=$PG_DIR"
}
pg_sql() {
	psql -h "$PG_DIR" -U hallmark -d "$1" -qAt -v ON_ERROR_STOP=1 -c "$2"
}

# The archive tests run on SQLite, or on PostgreSQL with HM_TEST_ARCHIVE=pg:
#   archive_backend   picks it (under pg: starts the server, or skips the whole script)
#   db NAME           the --db of archive NAME (a file in $T, or a database)
#   sqlq NAME SQL     SQL run in archive NAME, behind hallmark's back
#   copydb FROM TO    a copy of archive FROM
archive_backend() {
	BACKEND=${HM_TEST_ARCHIVE:-sqlite}
	if [ "$BACKEND" = pg ]; then
		if ! pg_start; then
			skip "the archive on PostgreSQL" "$PG_SKIP"
			done_testing
			exit 0
		fi
		echo "# archive on PostgreSQL ($("$PG_BIN/postgres" --version 2>/dev/null))"
	fi
}
db() {
	if [ "$BACKEND" = pg ]; then pg_db "$1"; else echo "$T/$1.db"; fi
}
sqlq() {
	if [ "$BACKEND" = pg ]; then pg_sql "$1" "$2"; else sqlite3 "$T/$1.db" "$2"; fi
}
copydb() {
	if [ "$BACKEND" = pg ]; then
		psql -h "$PG_DIR" -U hallmark -d postgres -q -c "CREATE DATABASE \"$2\" TEMPLATE \"$1\"" >/dev/null
	else
		cp "$T/$1.db" "$T/$2.db"
	fi
}
