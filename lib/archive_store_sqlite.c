/*
 * The archive in an SQLite file: WAL (readers never block the writer),
 * synchronous FULL (a commit that returned survives a crash, power loss
 * included: the log's promise; it costs one fsync a batch of appends, as
 * every batch is one transaction), BEGIN IMMEDIATE for the one writer,
 * PRAGMA application_id and user_version for identity.
 */
#include "archive_impl.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_BUSY_MS 60000
/*
 * The page cache of a connection, at most 256 MiB (SQLite's default is 2 MiB):
 * at a million entries it holds the lookup indexes (schema version 4, about
 * 35 MiB each) and the pages a batch of appends changes, so
 * a batch reads each index page once rather than once an entry, and does not
 * spill changed pages to the WAL to read them back (half the reads at a
 * million entries against a 64 MiB cache). Memory is taken as pages are
 * read: a small archive, or a reader, uses little.
 */
#define CACHE_KIB "-262144"

struct sq_q {
	hm__q base;
	sqlite3_stmt *st;
};

#define DB(a) ((sqlite3 *)(a)->store)
#define ST(q) (((struct sq_q *)(q))->st)

/* mkdir -p of the directory holding path; new directories get mode 0700. */
static int make_parent_dirs(const char *path)
{
	char *dir = strdup(path), *p;

	if (!dir)
		return hm__err_oom();
	p = strrchr(dir, '/');
	if (!p || p == dir) {
		free(dir);
		return 0;
	}
	*p = '\0';
	for (p = dir + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
				int e = errno;
				int rc = hm__err(HM_EIO, "cannot create the directory %s: %s", dir,
						 strerror(e));
				free(dir);
				return rc;
			}
			*p = c;
			if (c == '\0')
				break;
		}
	}
	free(dir);
	return 0;
}

static int sq_error(hm_archive *a, const char **msg)
{
	int code = DB(a) ? sqlite3_extended_errcode(DB(a)) & 0xff : SQLITE_NOMEM;

	*msg = DB(a) ? sqlite3_errmsg(DB(a)) : "out of memory";
	return code == SQLITE_NOMEM ? HM_ENOMEM
	       : code == SQLITE_CORRUPT || code == SQLITE_NOTADB ? HM_EFORMAT
	       : code == SQLITE_CONSTRAINT ? HM_EVERIFY : HM_EIO;
}

static int sq_exec(hm_archive *a, const char *sql)
{
	if (sqlite3_exec(DB(a), sql, NULL, NULL, NULL) != SQLITE_OK)
		return hm__archive_sql_err(a, "SQL failed");
	return 0;
}

static int sq_prepare(hm_archive *a, hm__q **out, const char *sql, int keep)
{
	struct sq_q *q = calloc(1, sizeof(*q));

	(void)keep;
	*out = NULL;
	if (!q)
		return hm__err_oom();
	q->base.ops = &hm__store_sqlite;
	if (sqlite3_prepare_v2(DB(a), sql, -1, &q->st, NULL) != SQLITE_OK) {
		free(q);
		return hm__archive_sql_err(a, "cannot prepare a query");
	}
	*out = &q->base;
	return 0;
}

static void sq_finalize(hm__q *q)
{
	sqlite3_finalize(ST(q));
	free(q);
}

static void sq_reset(hm__q *q) { sqlite3_reset(ST(q)); }
static void sq_unbind(hm__q *q) { sqlite3_clear_bindings(ST(q)); }
static void sq_bind_int64(hm__q *q, int i, long long v) { sqlite3_bind_int64(ST(q), i, v); }

static void sq_bind_text(hm__q *q, int i, const char *s, int len)
{
	sqlite3_bind_text(ST(q), i, s, len, SQLITE_STATIC);
}

static void sq_bind_blob(hm__q *q, int i, const void *p, size_t n)
{
	sqlite3_bind_blob64(ST(q), i, p, n, SQLITE_STATIC);
}

static int sq_step(hm__q *q)
{
	int rc = sqlite3_step(ST(q));

	return rc == SQLITE_ROW ? HM__ROW : rc == SQLITE_DONE ? HM__DONE : rc;
}

static long long sq_col_int64(hm__q *q, int i) { return sqlite3_column_int64(ST(q), i); }

static const char *sq_col_text(hm__q *q, int i)
{
	return (const char *)sqlite3_column_text(ST(q), i);
}

static const void *sq_col_blob(hm__q *q, int i) { return sqlite3_column_blob(ST(q), i); }
static size_t sq_col_bytes(hm__q *q, int i) { return (size_t)sqlite3_column_bytes(ST(q), i); }
static int sq_col_null(hm__q *q, int i) { return sqlite3_column_type(ST(q), i) == SQLITE_NULL; }

static int sq_begin_write(hm_archive *a)
{
	if (sqlite3_exec(DB(a), "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return hm__archive_sql_err(a, "cannot start a write transaction (another writer "
					   "held the archive past the busy timeout?)");
	return 0;
}

static int sq_begin_read(hm_archive *a) { return sq_exec(a, "BEGIN"); }

static void sq_rollback(hm_archive *a)
{
	if (!sqlite3_get_autocommit(DB(a)))
		sqlite3_exec(DB(a), "ROLLBACK", NULL, NULL, NULL);
}

static int sq_commit(hm_archive *a)
{
	if (sqlite3_exec(DB(a), "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		int rc = hm__archive_sql_err(a, "commit failed");
		sq_rollback(a);
		return rc;
	}
	return 0;
}

static int pragma_int(hm_archive *a, const char *sql, long long *out)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(DB(a), sql, -1, &st, NULL) != SQLITE_OK)
		return hm__archive_sql_err(a, "cannot prepare a query");
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = hm__archive_sql_err(a, "cannot read the database header");
		sqlite3_finalize(st);
		return rc;
	}
	*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/*
 * Identifies the file: a hallmark archive (any version) or a new, empty database.
 * The three reads share one read transaction: another process may be creating
 * the archive right now, and reads of before and after its commit (no
 * application id yet, but tables) would look like another application's file.
 */
static int sq_identity(hm_archive *a, long long *version)
{
	long long appid, tables;
	int rc;

	if (sqlite3_exec(DB(a), "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return hm__archive_sql_err(a, "cannot begin a read transaction");
	rc = pragma_int(a, "PRAGMA application_id", &appid);
	if (rc == 0)
		rc = pragma_int(a, "PRAGMA user_version", version);
	if (rc == 0)
		rc = pragma_int(a, "SELECT count(*) FROM sqlite_master", &tables);
	sqlite3_exec(DB(a), "ROLLBACK", NULL, NULL, NULL); /* nothing was written */
	if (rc < 0)
		return rc;
	if (appid != HM_ARCHIVE_APP_ID && (appid != 0 || tables != 0 || *version != 0))
		return hm__err(HM_EFORMAT, "%s: not a hallmark archive (an SQLite database of "
			       "another application)", a->path);
	return 0;
}

static int sq_read_version(hm_archive *a, long long *version)
{
	return pragma_int(a, "PRAGMA user_version", version);
}

static int sq_set_version(hm_archive *a, int version)
{
	char sql[64];
	int rc;

	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version);
	if ((rc = sq_exec(a, sql)) < 0)
		return rc;
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", HM_ARCHIVE_APP_ID);
	return sq_exec(a, sql);
}

/*
 * Switching a new database to WAL needs an exclusive lock, and SQLite answers
 * SQLITE_BUSY at once (no busy handler) while another process creating the
 * same archive holds one: retry until the busy timeout.
 */
static int switch_to_wal(hm_archive *a, int timeout_ms)
{
	struct timespec pause = { 0, 5 * 1000 * 1000 };
	int waited = 0, rc;

	for (;;) {
		rc = sqlite3_exec(DB(a), "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			return 0;
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			break;
		if (waited >= timeout_ms)
			break;
		nanosleep(&pause, NULL);
		waited += 5;
	}
	return hm__archive_sql_err(a, "cannot switch the archive to WAL mode");
}

static int sq_open(hm_archive *a, const char *path, const hm_archive_options *opts)
{
	int timeout = opts->busy_timeout_ms ? (int)opts->busy_timeout_ms : DEFAULT_BUSY_MS;
	sqlite3 *db = NULL;
	int flags, rc;

	if (access(path, F_OK) != 0) {
		if (!(opts->flags & HM_ARCHIVE_CREATE) || (opts->flags & HM_ARCHIVE_READONLY))
			return hm__err(HM_ENOTFOUND, "no archive at %s", path);
		if ((rc = make_parent_dirs(path)) < 0)
			return rc;
	}
	if (!(a->path = strdup(path)))
		return hm__err_oom();
	flags = a->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_FULLMUTEX, NULL);
	a->store = db;
	if (rc != SQLITE_OK)
		return db ? hm__archive_sql_err(a, "cannot open")
			  : hm__err(HM_ENOMEM, "%s: cannot open: out of memory", path);
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, timeout);
	if (!a->readonly && ((rc = switch_to_wal(a, timeout)) < 0 ||
			     (rc = sq_exec(a, "PRAGMA synchronous=FULL")) < 0))
		return rc;
	if ((rc = sq_exec(a, "PRAGMA cache_size=" CACHE_KIB)) < 0)
		return rc;
	return 0;
}

static void sq_close(hm_archive *a)
{
	sqlite3_close_v2(DB(a));
	a->store = NULL;
}

static const char schema_v1[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE entries("
	" id INTEGER PRIMARY KEY,"          /* the leaf index, from 0 */
	" kind TEXT NOT NULL CHECK(kind IN ('attestation', 'verification')),"
	" entry BLOB NOT NULL,"             /* the leaf's bytes */
	" body BLOB NOT NULL,"              /* envelope bytes or report JSON */
	" body_sha256 TEXT NOT NULL,"
	" recorded INTEGER NOT NULL,"
	" retain_until INTEGER NOT NULL,"
	" verified INTEGER NOT NULL,"
	" reason TEXT,"
	" predicate_type TEXT,"
	" statement TEXT);"
	"CREATE UNIQUE INDEX entries_envelope ON entries(body_sha256) WHERE kind = 'attestation';"
	"CREATE INDEX entries_recorded ON entries(recorded);"
	"CREATE TABLE subjects(entry_id INTEGER NOT NULL, name TEXT, alg TEXT NOT NULL,"
	" digest TEXT NOT NULL);"
	"CREATE INDEX subjects_digest ON subjects(digest);"
	"CREATE INDEX subjects_entry ON subjects(entry_id);"
	"CREATE TABLE signers(entry_id INTEGER NOT NULL, keyid TEXT NOT NULL);"
	"CREATE INDEX signers_keyid ON signers(keyid);"
	"CREATE INDEX signers_entry ON signers(entry_id);"
	"CREATE TABLE tree(level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,"
	" PRIMARY KEY(level, idx)) WITHOUT ROWID;"
	"CREATE TABLE heads(tree_size INTEGER PRIMARY KEY, root_hash BLOB NOT NULL,"
	" recorded INTEGER NOT NULL);";

static const char schema_v2[] =
	"CREATE TABLE refs(entry_id INTEGER NOT NULL, role TEXT NOT NULL, name TEXT,"
	" alg TEXT NOT NULL, digest TEXT NOT NULL);"
	"CREATE INDEX refs_digest ON refs(digest);"
	"CREATE INDEX refs_entry ON refs(entry_id);"
	"CREATE INDEX refs_name ON refs(name) WHERE name IS NOT NULL;"
	"ALTER TABLE entries ADD COLUMN benchmark TEXT;"
	"CREATE INDEX entries_benchmark ON entries(benchmark) WHERE benchmark IS NOT NULL;"
	"CREATE INDEX entries_type ON entries(predicate_type);";

static const char *const schema[] = { schema_v1, schema_v2, HM__SCHEMA_V3, HM__SCHEMA_V4 };

const struct hm__store_ops hm__store_sqlite = {
	"sqlite", sq_open, sq_close, sq_identity, sq_read_version, sq_set_version, schema,
	sq_exec, sq_begin_write, sq_begin_read, sq_commit, sq_rollback, sq_error,
	sq_prepare, sq_finalize, sq_reset, sq_unbind, sq_bind_int64, sq_bind_text,
	sq_bind_blob, sq_step, sq_col_int64, sq_col_text, sq_col_blob, sq_col_bytes,
	sq_col_null, "GLOB", NULL,
};
