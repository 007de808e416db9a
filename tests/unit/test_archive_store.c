/*
 * The archive's storage: two processes adding at once lose nothing, a
 * process killed with SIGKILL in the middle of a large add leaves a
 * consistent database and log, an archive of the first schema version is
 * migrated forward, and one from a newer hallmark (or not an archive at
 * all) is refused with a clear message.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "testutil.h"
#include "testcrypto.h"
#include "test_archive_fixtures.h"

static void expect_intact(hm_archive *a, uint64_t size)
{
	char *p = NULL;
	size_t n = 0;
	hm_tree_head h;

	if (hm_archive_verify(&p, &n, &h, a, NULL) != 0)
		fail_msg("verify: %s\n%s", hm_error_last(), p ? p : "");
	assert_int_equal(h.tree_size, size);
	hm_free(p);
}

/* Two processes, each adding its own envelopes in many small transactions, at once. */
static void concurrent_writers_lose_nothing(void **state)
{
	enum { PER = 400, BATCH = 8 };
	char *dir = tu_tmpdir(), *db = NULL;
	hm_key *k = tc_key(21);
	hm_keyring *kr = ta_ring(k);
	char **lines[2];
	pid_t pid[2];
	int i, st;
	hm_archive *a;

	(void)state;
	assert_true(asprintf(&db, "%s/shared.db", dir) > 0);
	lines[0] = ta_envelopes(k, "writer0", PER);
	lines[1] = ta_envelopes(k, "writer1", PER);
	/* both create the archive too: its first use is raced as well */
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0) {
			hm_archive_options o = HM_ARCHIVE_OPTIONS_INIT;
			hm_archive_add_options ao = HM_ARCHIVE_ADD_OPTIONS_INIT;
			hm_archive_add_result r;
			hm_archive *mine = NULL;
			size_t lens[PER], j;
			o.flags = HM_ARCHIVE_CREATE;
			if (hm_archive_open(&mine, db, &o) < 0) {
				fprintf(stderr, "writer %d: %s\n", i, hm_error_last());
				_exit(3);
			}
			for (j = 0; j < PER; j++)
				lens[j] = strlen(lines[i][j]);
			ao.keys = kr;
			ao.batch = BATCH;
			if (hm_archive_add_lines(mine, &r, (const char *const *)lines[i], lens, PER,
						 &ao) < 0) {
				fprintf(stderr, "writer %d: %s\n", i, hm_error_last());
				_exit(4);
			}
			hm_archive_free(mine);
			_exit(r.added == PER ? 0 : 5);
		}
	}
	for (i = 0; i < 2; i++) {
		assert_int_equal(waitpid(pid[i], &st, 0), pid[i]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	a = ta_open(db);
	expect_intact(a, 2 * PER);
	assert_int_equal(ta_sql_int(db, "SELECT count(*) FROM entries"), 2 * PER);
	assert_int_equal(ta_sql_int(db, "SELECT count(DISTINCT body_sha256) FROM entries"), 2 * PER);
	assert_int_equal(ta_sql_int(db, "SELECT count(*) FROM refs WHERE name LIKE 'model-writer0-%'"),
			 PER);
	assert_int_equal(ta_sql_int(db, "SELECT count(*) FROM refs WHERE name LIKE 'model-writer1-%'"),
			 PER);
	/* each transaction recorded its head: 2 * PER / BATCH of them */
	assert_int_equal(ta_sql_int(db, "SELECT count(*) FROM heads"), 2 * PER / BATCH);
	hm_archive_free(a);
	ta_free_lines(lines[0], PER);
	ta_free_lines(lines[1], PER);
	hm_keyring_free(kr);
	hm_key_free(k);
	free(db);
	free(dir);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The callback's view of the database when the first outcome is reported. */
struct seen {
	const char *db;
	size_t events;
	long long visible_at_first;
};

static void on_event(void *payload, const hm_archive_add_event *ev)
{
	struct seen *s = payload;

	(void)ev;
	if (s->events++ == 0)
		s->visible_at_first = ta_sql_int(s->db, "SELECT count(*) FROM entries");
}

/*
 * A batch is one transaction however many chunks it is prepared in: the
 * default batch takes 12,000 envelopes in one, with one tree head; an
 * envelope repeated in a later chunk of it is a duplicate; outcomes are
 * reported once the transaction is committed (another connection sees every
 * entry when the first is reported).
 */
static void a_batch_is_one_transaction(void **state)
{
	enum { N = 12000, DUP = 11000 };
	char *dir = tu_tmpdir(), *db = NULL, *keep;
	hm_key *k = tc_key(23);
	char **lines = ta_envelopes(k, "tx", N);
	size_t *lens = calloc(N, sizeof(*lens)), i;
	hm_archive_add_options ao = HM_ARCHIVE_ADD_OPTIONS_INIT;
	hm_archive_add_result r;
	struct seen s = { NULL, 0, -1 };
	hm_archive *a;

	(void)state;
	assert_true(asprintf(&db, "%s/tx.db", dir) > 0);
	keep = lines[DUP];
	lines[DUP] = lines[3];
	for (i = 0; i < N; i++)
		lens[i] = strlen(lines[i]);
	s.db = db;
	ao.allow_unverified = 1;
	ao.cb = on_event;
	ao.payload = &s;
	a = ta_open(db);
	assert_hm_ok(hm_archive_add_lines(a, &r, (const char *const *)lines, lens, N, &ao));
	assert_int_equal(r.unverified, N - 1);
	assert_int_equal(r.duplicates, 1);
	assert_int_equal(hm_archive_last_id(a), N - 2);
	assert_int_equal(s.events, N);
	assert_int_equal(s.visible_at_first, N - 1);
	assert_int_equal(ta_sql_int(db, "SELECT count(*) FROM heads"), 1);
	assert_int_equal(ta_sql_int(db, "SELECT max(tree_size) FROM heads"), N - 1);
	expect_intact(a, N - 1);
	hm_archive_free(a);
	lines[DUP] = keep;
	ta_free_lines(lines, N);
	free(lens);
	hm_key_free(k);
	free(dir);
	free(db);
}

/* SIGKILL in the middle of a large add: whole batches are kept, the log agrees, and
 * adding the same bundle again completes it. */
static void killed_add_leaves_a_consistent_archive(void **state)
{
	enum { N = 6000, BATCH = 200 };
	char *dir = tu_tmpdir(), *db = NULL;
	hm_key *k = tc_key(22);
	hm_keyring *kr = ta_ring(k);
	char **lines = ta_envelopes(k, "crash", N);
	size_t *lens = calloc(N, sizeof(*lens)), i;
	hm_archive_add_options ao = HM_ARCHIVE_ADD_OPTIONS_INIT;
	hm_archive_add_result r;
	hm_archive *a;
	long long count = 0;
	pid_t pid;
	int st, waited;

	(void)state;
	assert_true(asprintf(&db, "%s/crash.db", dir) > 0);
	for (i = 0; i < N; i++)
		lens[i] = strlen(lines[i]);
	a = ta_open(db);
	hm_archive_free(a);
	ao.keys = kr;
	ao.batch = BATCH;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		hm_archive *mine = ta_open(db);
		hm_archive_add_lines(mine, NULL, (const char *const *)lines, lens, N, &ao);
		_exit(0);
	}
	/* kill it once a few batches are in, while it keeps writing */
	for (waited = 0; waited < 20000; waited += 2) {
		count = ta_sql_int(db, "SELECT count(*) FROM entries");
		if (count >= 3 * BATCH)
			break;
		sleep_ms(2);
	}
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	count = ta_sql_int(db, "SELECT count(*) FROM entries");
	print_message("# killed after %lld of %d envelopes\n", count, N);
	assert_true(count >= 3 * BATCH);
	assert_true(count < N); /* it was killed mid-way, not after the end */
	assert_int_equal(count % BATCH, 0); /* whole transactions only */
	/* the counts agree: entries, leaves, the last head; and everything verifies */
	assert_int_equal(ta_sql_int(db, "SELECT count(*) FROM tree WHERE level = 0"), count);
	assert_int_equal(ta_sql_int(db, "SELECT max(tree_size) FROM heads"), count);
	assert_int_equal(ta_sql_int(db, "SELECT max(id) + 1 FROM entries"), count);
	a = ta_open(db);
	expect_intact(a, (uint64_t)count);
	/* again: what is there is skipped, the rest is added */
	assert_hm_ok(hm_archive_add_lines(a, &r, (const char *const *)lines, lens, N, &ao));
	assert_int_equal(r.duplicates, (size_t)count);
	assert_int_equal(r.added, N - (size_t)count);
	expect_intact(a, N);
	hm_archive_free(a);
	ta_free_lines(lines, N);
	free(lens);
	hm_keyring_free(kr);
	hm_key_free(k);
	free(db);
	free(dir);
}

/* The first schema version, frozen as it was released. */
static const char schema_v1[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE entries(id INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK(kind IN "
	"('attestation', 'verification')), entry BLOB NOT NULL, body BLOB NOT NULL, "
	"body_sha256 TEXT NOT NULL, recorded INTEGER NOT NULL, retain_until INTEGER NOT NULL, "
	"verified INTEGER NOT NULL, reason TEXT, predicate_type TEXT, statement TEXT);"
	"CREATE UNIQUE INDEX entries_envelope ON entries(body_sha256) WHERE kind = 'attestation';"
	"CREATE INDEX entries_recorded ON entries(recorded);"
	"CREATE TABLE subjects(entry_id INTEGER NOT NULL, name TEXT, alg TEXT NOT NULL, "
	"digest TEXT NOT NULL);"
	"CREATE INDEX subjects_digest ON subjects(digest);"
	"CREATE INDEX subjects_entry ON subjects(entry_id);"
	"CREATE TABLE signers(entry_id INTEGER NOT NULL, keyid TEXT NOT NULL);"
	"CREATE INDEX signers_keyid ON signers(keyid);"
	"CREATE INDEX signers_entry ON signers(entry_id);"
	"CREATE TABLE tree(level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, "
	"PRIMARY KEY(level, idx)) WITHOUT ROWID;"
	"CREATE TABLE heads(tree_size INTEGER PRIMARY KEY, root_hash BLOB NOT NULL, "
	"recorded INTEGER NOT NULL);"
	"PRAGMA application_id = 1213022546;"
	"PRAGMA user_version = 1;";

static char *dump_refs(const char *db)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT entry_id, role, ifnull(name, '-'), alg, "
					    "digest FROM refs ORDER BY entry_id, rowid", -1, &st,
					    NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		fprintf(f, "%lld %s %s %s %s\n", sqlite3_column_int64(st, 0),
			sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
			sqlite3_column_text(st, 3), sqlite3_column_text(st, 4));
	sqlite3_finalize(st);
	sqlite3_close(h);
	fclose(f);
	return out;
}

static void migrates_from_the_first_schema(void **state)
{
	char *dir = tu_tmpdir(), *cur = NULL, *old = NULL, *sql = NULL, *want, *got;
	hm_key *k = tc_key(23);
	hm_keyring *kr = ta_ring(k);
	char **lines = ta_envelopes(k, "v1", 5), *run, *pred = NULL, *base = ta_hex("b"),
	     *data = ta_hex("d"), *model = ta_hex("m");
	hm_archive_options ro = HM_ARCHIVE_OPTIONS_INIT;
	hm_archive_query q = HM_ARCHIVE_QUERY_INIT;
	hm_archive_list *l = NULL;
	hm_archive *a;

	(void)state;
	assert_true(asprintf(&cur, "%s/current.db", dir) > 0);
	assert_true(asprintf(&old, "%s/v1.db", dir) > 0);
	/* real entries, among them a run naming a base model and a dataset */
	assert_true(asprintf(&pred, "{\"buildDefinition\":{\"buildType\":\"%s\",\"resolvedDependencies"
			     "\":[{\"name\":\"base\",\"digest\":{\"sha256\":\"%s\"},\"annotations\":"
			     "{\"role\":\"base-model\"}},{\"name\":\"data\",\"digest\":{\"sha256\":"
			     "\"%s\"},\"annotations\":{\"role\":\"dataset\"}}]}}", HM_RUN_BUILD_TYPE,
			     base, data) > 0);
	run = ta_statement(HM_SLSA_PREDICATE_TYPE, "tuned", model, pred);
	hm_free(lines[4]);
	lines[4] = ta_sign(k, run);
	a = ta_open(cur);
	ta_add(a, kr, lines, 3, 0);
	ta_add(a, kr, lines + 3, 2, 0);
	hm_archive_free(a);
	/* the same log in a database of the first version */
	ta_sql(old, schema_v1);
	assert_true(asprintf(&sql, "ATTACH '%s' AS cur;"
			     "INSERT INTO meta VALUES ('created_by', 'hallmark 0.1.0');"
			     "INSERT INTO entries SELECT id, kind, entry, body, body_sha256, recorded, "
			     "retain_until, verified, reason, predicate_type, statement FROM cur.entries;"
			     "INSERT INTO subjects SELECT entry_id, name, alg, digest FROM cur.refs "
			     "WHERE role = 'subject';"
			     "INSERT INTO signers SELECT entry_id, keyid FROM cur.signers;"
			     "INSERT INTO tree SELECT * FROM cur.tree;"
			     "INSERT INTO heads SELECT * FROM cur.heads;", cur) > 0);
	ta_sql(old, sql);
	assert_int_equal(ta_sql_int(old, "PRAGMA user_version"), 1);

	/* read-only cannot migrate */
	ro.flags = HM_ARCHIVE_READONLY;
	assert_hm_err(hm_archive_open(&a, old, &ro), HM_EUNSUPPORTED, "must be migrated to 4");
	/* opened for writing: migrated in place */
	a = ta_open(old);
	assert_int_equal(hm_archive_schema_version(a), HM_ARCHIVE_SCHEMA_VERSION);
	assert_int_equal(ta_sql_int(old, "PRAGMA user_version"), HM_ARCHIVE_SCHEMA_VERSION);
	assert_int_equal(ta_sql_int(old, "SELECT count(*) FROM sqlite_master WHERE name = "
				    "'subjects'"), 0);
	/* version 3: every stored envelope has its content key, as a new archive computes it */
	assert_int_equal(ta_sql_int(old, "SELECT count(*) FROM entries WHERE content_key IS NULL"),
			 0);
	assert_int_equal(ta_sql_int(old, "SELECT count(DISTINCT content_key) FROM entries"), 5);
	expect_intact(a, 5);
	/* the index of version 2 was derived from the stored statements */
	want = dump_refs(cur);
	got = dump_refs(old);
	assert_string_equal(got, want);
	q.digest = data;
	q.role = "dataset";
	assert_hm_ok(hm_archive_search(&l, a, &q));
	assert_int_equal(hm_archive_list_count(l), 1);
	assert_int_equal(hm_archive_list_entry(l, 0)->id, 4);
	hm_archive_list_free(l);
	/* and it keeps working: a new entry extends the migrated log */
	{
		char **more = ta_envelopes(k, "after", 1);
		hm_archive_add_result r = ta_add(a, kr, more, 1, 0);
		assert_int_equal(r.added, 1);
		ta_free_lines(more, 1);
	}
	expect_intact(a, 6);
	hm_archive_free(a);
	free(want);
	free(got);
	free(sql);
	free(pred);
	free(run);
	free(base);
	free(data);
	free(model);
	ta_free_lines(lines, 5);
	hm_keyring_free(kr);
	hm_key_free(k);
	free(cur);
	free(old);
	free(dir);
}

static void newer_or_foreign_databases_are_refused(void **state)
{
	char *dir = tu_tmpdir();
	const char *db = tu_path(dir, "newer.db");
	hm_archive_options o = HM_ARCHIVE_OPTIONS_INIT;
	hm_archive *a = ta_open(db);

	(void)state;
	hm_archive_free(a);
	a = NULL;
	ta_sql(db, "PRAGMA user_version = 99");
	o.flags = HM_ARCHIVE_CREATE;
	assert_hm_err(hm_archive_open(&a, db, &o), HM_EUNSUPPORTED,
		      "schema version 99, written by a newer hallmark");
	assert_non_null(strstr(hm_error_last(), "upgrade hallmark"));
	assert_null(a);
	/* not touched */
	assert_int_equal(ta_sql_int(db, "PRAGMA user_version"), 99);

	db = tu_path(dir, "other-app.db");
	ta_sql(db, "CREATE TABLE t(x)");
	assert_hm_err(hm_archive_open(&a, db, &o), HM_EFORMAT, "not a hallmark archive");
	db = tu_path(dir, "text.db");
	tu_write(db, "this is not a database at all, just some text that is long enough\n", 67);
	assert_int_equal(hm_archive_open(&a, db, &o), HM_EFORMAT);
	assert_null(a);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(concurrent_writers_lose_nothing),
		cmocka_unit_test(killed_add_leaves_a_consistent_archive),
		cmocka_unit_test(a_batch_is_one_transaction),
		cmocka_unit_test(migrates_from_the_first_schema),
		cmocka_unit_test(newer_or_foreign_databases_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
