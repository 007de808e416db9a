/*
 * The archive's lookup indexes (schema version 4): an archive of version 3
 * is migrated to the prefix indexes and keeps finding duplicates and
 * digests; the lookups the archive runs are answered by those indexes, not
 * by a scan of every entry (which is what ingest and search would fall to,
 * silently, if a query stopped matching its index).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "testcrypto.h"
#include "test_archive_fixtures.h"
#include "archive_impl.h"

/* The indexes of version 3, frozen as they were released. */
static const char indexes_v3[] =
	"DROP INDEX entries_content;"
	"DROP INDEX refs_digest;"
	"CREATE UNIQUE INDEX entries_envelope ON entries(body_sha256) WHERE kind = 'attestation';"
	"CREATE INDEX entries_content ON entries(content_key) WHERE content_key IS NOT NULL;"
	"CREATE INDEX refs_digest ON refs(digest);"
	"PRAGMA user_version = 3;";

/* SQLite's plan for sql, its steps' details joined by "; ". */
static char *plan(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *q = NULL, *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	assert_true(asprintf(&q, "EXPLAIN QUERY PLAN %s", sql) > 0);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", q, sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW)
		fprintf(f, "%s; ", (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	sqlite3_close(db);
	fclose(f);
	free(q);
	return out;
}

static void expect_plan(const char *path, const char *sql, const char *want)
{
	char *p = plan(path, sql);

	if (!strstr(p, want))
		fail_msg("%s\nplan: %s\nwanted: %s", sql, p, want);
	free(p);
}

static void lookups_use_the_prefix_indexes(void **state)
{
	char *dir = tu_tmpdir();
	const char *db = tu_path(dir, "a.db");
	hm_archive *a = ta_open(db);

	(void)state;
	hm_archive_free(a);
	/* the duplicate check of every new envelope (archive_append.c) */
	expect_plan(db, "SELECT id FROM entries WHERE " HM__KEY_MATCH("content_key", "?1")
		    " ORDER BY id LIMIT 1", "USING INDEX entries_content");
	/* search by digest (archive_search.c) and lineage (archive_lineage.c) */
	expect_plan(db, "SELECT id FROM entries WHERE 1 = 1 AND id IN (SELECT entry_id FROM refs "
		    "WHERE " HM__KEY_MATCH("digest", "?1") " AND lower(alg) = lower(?2)) ORDER BY id",
		    "USING INDEX refs_digest");
	expect_plan(db, "SELECT DISTINCT entry_id FROM refs WHERE " HM__KEY_MATCH("digest", "?1")
		    " AND (?2 IS NULL OR lower(alg) = lower(?2)) AND role IN ('subject') ORDER BY "
		    "entry_id", "USING INDEX refs_digest");
	/* what the prefix is for: "digest = ?1" would not use it (constant propagation) */
	{
		char *p = plan(db, "SELECT entry_id FROM refs WHERE " HM__KEY_PREFIX("digest") " = "
			       HM__KEY_PREFIX("?1") " AND digest = ?1");
		assert_null(strstr(p, "USING INDEX refs_digest"));
		free(p);
	}
	free(dir);
}

static void migrates_from_the_third_schema(void **state)
{
	char *dir = tu_tmpdir(), *digest = ta_hex("model-v3-2");
	const char *db = tu_path(dir, "v3.db");
	hm_key *k = tc_key(31);
	hm_keyring *kr = ta_ring(k);
	char **lines = ta_envelopes(k, "v3", 4), **more = ta_envelopes(k, "v4", 1);
	hm_archive_options ro = HM_ARCHIVE_OPTIONS_INIT;
	hm_archive_query q = HM_ARCHIVE_QUERY_INIT;
	hm_archive_list *l = NULL;
	hm_archive_add_result r;
	hm_tree_head before, after;
	hm_archive *a = ta_open(db);

	(void)state;
	r = ta_add(a, kr, lines, 4, 0);
	assert_int_equal(r.added, 4);
	assert_hm_ok(hm_archive_head(&before, a));
	hm_archive_free(a);
	/* the same archive as version 3 wrote it */
	ta_sql(db, indexes_v3);
	ro.flags = HM_ARCHIVE_READONLY;
	assert_hm_err(hm_archive_open(&a, db, &ro), HM_EUNSUPPORTED, "must be migrated to 4");

	a = ta_open(db);
	assert_int_equal(hm_archive_schema_version(a), 4);
	assert_int_equal(ta_sql_int(db, "PRAGMA user_version"), 4);
	assert_int_equal(ta_sql_int(db, "SELECT count(*) FROM sqlite_master WHERE name = "
				    "'entries_envelope'"), 0);
	assert_int_equal(ta_sql_int(db, "SELECT count(*) FROM sqlite_master WHERE sql LIKE "
				    "'%substr(content_key, 1, 16)%' OR sql LIKE "
				    "'%substr(digest, 1, 16)%'"), 2);
	/* the log is untouched */
	assert_hm_ok(hm_archive_head(&after, a));
	assert_int_equal(after.tree_size, before.tree_size);
	assert_memory_equal(after.root_hash, before.root_hash, 32);
	/* the same envelopes again are duplicates of the entries they are */
	r = ta_add(a, kr, lines, 4, 0);
	assert_int_equal(r.duplicates, 4);
	assert_int_equal(r.added, 0);
	/* a digest is found through the new index */
	q.digest = digest;
	assert_hm_ok(hm_archive_search(&l, a, &q));
	assert_int_equal(hm_archive_list_count(l), 1);
	assert_int_equal(hm_archive_list_entry(l, 0)->id, 2);
	hm_archive_list_free(l);
	/* and new entries extend the log */
	r = ta_add(a, kr, more, 1, 0);
	assert_int_equal(r.added, 1);
	assert_hm_ok(hm_archive_head(&after, a));
	assert_int_equal(after.tree_size, 5);
	hm_archive_free(a);
	ta_free_lines(lines, 4);
	ta_free_lines(more, 1);
	hm_keyring_free(kr);
	hm_key_free(k);
	free(digest);
	free(dir);
}

/* Digests that share the indexed prefix are told apart by the rest. */
static void digests_sharing_a_prefix_are_told_apart(void **state)
{
	char *dir = tu_tmpdir();
	const char *db = tu_path(dir, "p.db");
	hm_key *k = tc_key(32);
	hm_keyring *kr = ta_ring(k);
	char digests[4][65], *lines[4];
	hm_archive *a = ta_open(db);
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		/* the first 16 digits the same, one digit of the rest (or none) different */
		memset(digests[i], '0', 64);
		memcpy(digests[i], "0123456789abcdef", 16);
		digests[i][64] = '\0';
		if (i)
			digests[i][16 + 16 * (i - 1)] = '1';
	}
	for (i = 0; i < 4; i++) {
		char name[32], *st;
		snprintf(name, sizeof(name), "m%zu", i);
		st = ta_statement("https://example.com/test/v1", name, digests[i], NULL);
		lines[i] = ta_sign(k, st);
		free(st);
	}
	assert_int_equal(ta_add(a, kr, lines, 4, 0).added, 4);
	for (i = 0; i < 4; i++) {
		hm_archive_query q = HM_ARCHIVE_QUERY_INIT;
		hm_archive_list *l = NULL;
		q.digest = digests[i];
		assert_hm_ok(hm_archive_search(&l, a, &q));
		assert_int_equal(hm_archive_list_count(l), 1);
		assert_int_equal(hm_archive_list_entry(l, 0)->id, i);
		hm_archive_list_free(l);
		hm_free(lines[i]);
	}
	hm_archive_free(a);
	hm_keyring_free(kr);
	hm_key_free(k);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookups_use_the_prefix_indexes),
		cmocka_unit_test(migrates_from_the_third_schema),
		cmocka_unit_test(digests_sharing_a_prefix_are_told_apart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
