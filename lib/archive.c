/* The archive database: where it lives, opening it (WAL, busy timeout, schema), SQL helpers. */
#include "archive_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_BUSY_MS 60000

int hm_archive_default_path(char **out)
{
	const char *env = getenv("HALLMARK_ARCHIVE"), *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	hm_buf b = HM_BUF_INIT;
	int rc;

	*out = NULL;
	if (env && *env)
		rc = hm__buf_puts(&b, env);
	else if (xdg && *xdg == '/') /* the XDG spec ignores relative values */
		rc = hm__buf_printf(&b, "%s/hallmark/archive.db", xdg);
	else if (home && *home)
		rc = hm__buf_printf(&b, "%s/.local/share/hallmark/archive.db", home);
	else
		return hm__err(HM_ENOTFOUND, "no archive path: set HALLMARK_ARCHIVE, XDG_DATA_HOME or "
			       "HOME");
	if (rc < 0) {
		hm__buf_free(&b);
		return rc;
	}
	*out = hm__buf_detach(&b, NULL);
	return 0;
}

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

int hm__archive_sql_err(hm_archive *a, const char *what)
{
	int code = sqlite3_extended_errcode(a->db) & 0xff;
	int rc = code == SQLITE_NOMEM ? HM_ENOMEM
		 : code == SQLITE_CORRUPT || code == SQLITE_NOTADB ? HM_EFORMAT
		 : code == SQLITE_CONSTRAINT ? HM_EVERIFY : HM_EIO;

	return hm__err(rc, "%s: %s: %s", a->path, what, sqlite3_errmsg(a->db));
}

int hm__archive_exec(hm_archive *a, const char *sql)
{
	if (sqlite3_exec(a->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return hm__archive_sql_err(a, "SQL failed");
	return 0;
}

int hm__archive_prepare(hm_archive *a, sqlite3_stmt **st, const char *sql)
{
	if (sqlite3_prepare_v2(a->db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return hm__archive_sql_err(a, "cannot prepare a query");
	}
	return 0;
}

int hm__archive_stmt(hm_archive *a, enum hm__stmt_id id, const char *sql, sqlite3_stmt **st)
{
	int rc;

	if (!a->stmts[id] && (rc = hm__archive_prepare(a, &a->stmts[id], sql)) < 0)
		return rc;
	sqlite3_reset(a->stmts[id]);
	sqlite3_clear_bindings(a->stmts[id]);
	*st = a->stmts[id];
	return 0;
}

int hm__archive_begin(hm_archive *a)
{
	if (a->readonly)
		return hm__err(HM_EINVAL, "%s: the archive was opened read-only", a->path);
	if (sqlite3_exec(a->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return hm__archive_sql_err(a, "cannot start a write transaction (another writer "
					   "held the archive past the busy timeout?)");
	return 0;
}

int hm__archive_commit(hm_archive *a)
{
	if (sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		int rc = hm__archive_sql_err(a, "commit failed");
		hm__archive_rollback(a);
		return rc;
	}
	return 0;
}

void hm__archive_rollback(hm_archive *a)
{
	if (!sqlite3_get_autocommit(a->db))
		sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
}

const char *hm__col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int pragma_int(hm_archive *a, const char *sql, long long *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = hm__archive_prepare(a, &st, sql)) < 0)
		return rc;
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
static int check_identity(hm_archive *a, long long *version)
{
	long long appid, tables;
	int rc;

	if ((rc = hm__archive_exec(a, "BEGIN")) < 0)
		return rc;
	if ((rc = pragma_int(a, "PRAGMA application_id", &appid)) < 0 ||
	    (rc = pragma_int(a, "PRAGMA user_version", version)) < 0 ||
	    (rc = pragma_int(a, "SELECT count(*) FROM sqlite_master", &tables)) < 0) {
		hm__archive_rollback(a);
		return rc;
	}
	hm__archive_rollback(a); /* nothing was written: ends the read transaction */
	if (appid != HM_ARCHIVE_APP_ID && (appid != 0 || tables != 0 || *version != 0))
		return hm__err(HM_EFORMAT, "%s: not a hallmark archive (an SQLite database of "
			       "another application)", a->path);
	if (*version > HM_ARCHIVE_SCHEMA_VERSION)
		return hm__err(HM_EUNSUPPORTED, "%s: the archive has schema version %lld, written by "
			       "a newer hallmark; this one (%s) reads versions up to %d: upgrade "
			       "hallmark to use it", a->path, *version, hm_version(),
			       HM_ARCHIVE_SCHEMA_VERSION);
	return 0;
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
		rc = sqlite3_exec(a->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
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

int hm_archive_open(hm_archive **out, const char *path, const hm_archive_options *opts)
{
	hm_archive_options defaults = HM_ARCHIVE_OPTIONS_INIT;
	hm_archive *a;
	long long version;
	int flags, rc;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	HM__CHECK_VERSION(opts, HM_ARCHIVE_OPTIONS_VERSION, "hm_archive_options");
	if (!path || !*path)
		return hm__err(HM_EINVAL, "no archive path given");
	if (hm_init() < 0)
		return HM_ECRYPTO;
	if (access(path, F_OK) != 0) {
		if (!(opts->flags & HM_ARCHIVE_CREATE) || (opts->flags & HM_ARCHIVE_READONLY))
			return hm__err(HM_ENOTFOUND, "no archive at %s", path);
		if ((rc = make_parent_dirs(path)) < 0)
			return rc;
	}
	a = calloc(1, sizeof(*a));
	if (!a || !(a->path = strdup(path))) {
		free(a);
		return hm__err_oom();
	}
	a->last_id = -1;
	a->readonly = (opts->flags & HM_ARCHIVE_READONLY) != 0;
	flags = a->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &a->db, flags | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		rc = a->db ? hm__archive_sql_err(a, "cannot open")
			   : hm__err(HM_ENOMEM, "%s: cannot open: out of memory", path);
		goto fail;
	}
	sqlite3_extended_result_codes(a->db, 1);
	sqlite3_busy_timeout(a->db, opts->busy_timeout_ms ? (int)opts->busy_timeout_ms
							  : DEFAULT_BUSY_MS);
	if ((rc = check_identity(a, &version)) < 0)
		goto fail;
	if (!a->readonly) {
		/*
		 * WAL: readers never block the writer; synchronous FULL: a commit that
		 * returned survives a crash of the process or the machine.
		 */
		if ((rc = switch_to_wal(a, opts->busy_timeout_ms ? (int)opts->busy_timeout_ms
								     : DEFAULT_BUSY_MS)) < 0 ||
		    (rc = hm__archive_exec(a, "PRAGMA synchronous=FULL")) < 0)
			goto fail;
	}
	a->version = (int)version;
	if (version < HM_ARCHIVE_SCHEMA_VERSION) {
		if (a->readonly) {
			rc = hm__err(HM_EUNSUPPORTED, "%s: the archive has schema version %lld and "
				     "must be migrated to %d: open it for writing once", path,
				     version, HM_ARCHIVE_SCHEMA_VERSION);
			goto fail;
		}
		if ((rc = hm__archive_migrate(a)) < 0)
			goto fail;
	}
	*out = a;
	return 0;
fail:
	hm_archive_free(a);
	return rc;
}

void hm_archive_free(hm_archive *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < HM__ST_COUNT; i++)
		sqlite3_finalize(a->stmts[i]);
	sqlite3_close_v2(a->db);
	free(a->path);
	free(a);
}

int hm_archive_schema_version(const hm_archive *a)
{
	return a->version;
}

long long hm_archive_last_id(const hm_archive *a)
{
	return a->last_id;
}
