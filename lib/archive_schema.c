/*
 * The archive's schema and its forward migrations. The store keeps the
 * version (SQLite: PRAGMA user_version; PostgreSQL: a meta row) and the DDL
 * of each step in its own types; a new database is built by running every
 * migration from 0, so an old archive migrated and a new one have the same
 * schema. The leaves'
 * bytes and the tree never change in a migration: only derived tables do.
 *
 *   1  entries (the leaves' bytes, bodies, outcome, retention), subjects,
 *      signers, tree (complete subtree hashes), heads (tree heads)
 *   2  refs replaces subjects: every digest an entry names, with its role
 *      (base model, datasets, baseline, ...), for lineage; entries.benchmark
 *   3  entries.content_key: an attestation's decoded content (archive_content.c),
 *      so one envelope in another base64 spelling is not a second entry
 *   4  indexes only, for ingest that stays fast as the archive grows: content
 *      keys and ref digests indexed by their first 16 characters
 *      (HM__KEY_PREFIX); the unique index of envelope bytes is dropped, as
 *      the content key finds every envelope it found: a line is stored only
 *      when it parses as an envelope, and then it has a content key, the
 *      same for the same bytes (a stored body that no longer parses has none,
 *      but the same bytes added again do not parse either, and are refused)
 */
#include "archive_impl.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int to_v1(hm_archive *a)
{
	char sql[256], when[32];
	int rc;

	if ((rc = hm__archive_exec(a, a->ops->schema[0])) < 0)
		return rc;
	hm_rfc3339_format(when, (long long)time(NULL));
	snprintf(sql, sizeof(sql), "INSERT INTO meta VALUES ('created_at', '%s'),"
		 " ('created_by', 'hallmark %s')", when, hm_version());
	return hm__archive_exec(a, sql);
}

static int to_v2(hm_archive *a)
{
	int rc;

	if ((rc = hm__archive_exec(a, a->ops->schema[1])) < 0 || (rc = hm__derived_rebuild(a)) < 0)
		return rc;
	return hm__archive_exec(a, "DROP TABLE subjects");
}

static int to_v3(hm_archive *a)
{
	int rc;

	if ((rc = hm__archive_exec(a, a->ops->schema[2])) < 0)
		return rc;
	return hm__content_key_rebuild(a);
}

static int to_v4(hm_archive *a)
{
	return hm__archive_exec(a, a->ops->schema[3]);
}

static int (*const steps[HM_ARCHIVE_SCHEMA_VERSION])(hm_archive *) = { to_v1, to_v2, to_v3,
								       to_v4 };

int hm__archive_migrate(hm_archive *a)
{
	long long v;
	int rc;

	if ((rc = hm__archive_begin(a)) < 0)
		return rc;
	/* Another process may have migrated it while we waited for the lock. */
	if ((rc = a->ops->read_version(a, &v)) < 0)
		goto fail;
	for (; v < HM_ARCHIVE_SCHEMA_VERSION; v++) {
		if ((rc = steps[v](a)) < 0) {
			hm__err_prefix("migrating the archive schema from version %lld to %lld: ", v,
				       v + 1);
			goto fail;
		}
	}
	if ((rc = a->ops->set_version(a, HM_ARCHIVE_SCHEMA_VERSION)) < 0 ||
	    (rc = hm__archive_commit(a)) < 0)
		goto fail;
	a->version = HM_ARCHIVE_SCHEMA_VERSION;
	return 0;
fail:
	hm__archive_rollback(a);
	return rc;
}
