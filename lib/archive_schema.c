/*
 * The archive's schema and its forward migrations. PRAGMA user_version holds
 * the version; a new database is built by running every migration from 0, so
 * an old archive migrated and a new one have the same schema. The leaves'
 * bytes and the tree never change in a migration: only derived tables do.
 *
 *   1  entries (the leaves' bytes, bodies, outcome, retention), subjects,
 *      signers, tree (complete subtree hashes), heads (tree heads)
 *   2  refs replaces subjects: every digest an entry names, with its role
 *      (base model, datasets, baseline, ...), for lineage; entries.benchmark
 *   3  entries.content_key: an attestation's decoded content (archive_content.c),
 *      so one envelope in another base64 spelling is not a second entry
 */
#include "archive_impl.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

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

static const char schema_v3[] =
	"ALTER TABLE entries ADD COLUMN content_key TEXT;"
	"CREATE INDEX entries_content ON entries(content_key) WHERE content_key IS NOT NULL;";

static int to_v1(hm_archive *a)
{
	char sql[256], when[32];
	int rc;

	if ((rc = hm__archive_exec(a, schema_v1)) < 0)
		return rc;
	hm_rfc3339_format(when, (long long)time(NULL));
	snprintf(sql, sizeof(sql), "INSERT INTO meta VALUES ('created_at', '%s'),"
		 " ('created_by', 'hallmark %s')", when, hm_version());
	return hm__archive_exec(a, sql);
}

static int to_v2(hm_archive *a)
{
	int rc;

	if ((rc = hm__archive_exec(a, schema_v2)) < 0 || (rc = hm__derived_rebuild(a)) < 0)
		return rc;
	return hm__archive_exec(a, "DROP TABLE subjects");
}

static int to_v3(hm_archive *a)
{
	int rc;

	if ((rc = hm__archive_exec(a, schema_v3)) < 0)
		return rc;
	return hm__content_key_rebuild(a);
}

static int (*const steps[HM_ARCHIVE_SCHEMA_VERSION])(hm_archive *) = { to_v1, to_v2, to_v3 };

int hm__archive_migrate(hm_archive *a)
{
	sqlite3_stmt *st = NULL;
	char sql[64];
	int v, rc;

	if ((rc = hm__archive_begin(a)) < 0)
		return rc;
	/* Another process may have migrated it while we waited for the lock. */
	if ((rc = hm__archive_prepare(a, &st, "PRAGMA user_version")) < 0)
		goto fail;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = hm__archive_sql_err(a, "cannot read the schema version");
		goto fail;
	}
	v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	for (; v < HM_ARCHIVE_SCHEMA_VERSION; v++) {
		if ((rc = steps[v](a)) < 0) {
			hm__err_prefix("migrating the archive schema from version %d to %d: ", v,
				       v + 1);
			goto fail;
		}
	}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", HM_ARCHIVE_SCHEMA_VERSION);
	if ((rc = hm__archive_exec(a, sql)) < 0)
		goto fail;
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", HM_ARCHIVE_APP_ID);
	if ((rc = hm__archive_exec(a, sql)) < 0 || (rc = hm__archive_commit(a)) < 0)
		goto fail;
	a->version = HM_ARCHIVE_SCHEMA_VERSION;
	return 0;
fail:
	sqlite3_finalize(st);
	hm__archive_rollback(a);
	return rc;
}
