/*
 * The archive on PostgreSQL: the same inputs give the same log (root hash,
 * proofs, CSV export) as on SQLite; eight writers on their own connections
 * append 1,000 envelopes each into one linear log (no entry lost, none
 * twice); a writer killed with SIGKILL mid-append, beside one that goes on,
 * loses nothing committed. Needs a server: tests/cli/test_archive_pg_log.sh
 * starts one and sets HALLMARK_TEST_PG to a URL with "%s" for the database
 * name (databases pgsame, pgconc and pgkill, empty); skipped without it.
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

#define WRITERS 8
#define PER_WRITER 1000

static char *pg_url(const char *db)
{
	const char *t = getenv("HALLMARK_TEST_PG"), *at;
	char *u = NULL;

	if (!t || !*t)
		return NULL;
	at = strstr(t, "%s");
	assert_non_null(at);
	assert_true(asprintf(&u, "%.*s%s%s", (int)(at - t), t, db, at + 2) > 0);
	return u;
}

#define NEED_PG(url, db)                                                              \
	do {                                                                           \
		if (!((url) = pg_url(db))) {                                           \
			fprintf(stderr, "# skip: HALLMARK_TEST_PG is not set (no server)\n"); \
			skip();                                                        \
		}                                                                      \
	} while (0)

static size_t *lengths(char **lines, size_t n)
{
	size_t *lens = calloc(n, sizeof(*lens)), i;

	assert_non_null(lens);
	for (i = 0; i < n; i++)
		lens[i] = strlen(lines[i]);
	return lens;
}

/* Adds lines in batches at a fixed time; returns the result. */
static int add_at(hm_archive *a, const hm_keyring *kr, char **lines, size_t n, size_t batch,
		  hm_archive_add_result *r)
{
	hm_archive_add_options o = HM_ARCHIVE_ADD_OPTIONS_INIT;
	size_t *lens = lengths(lines, n);
	int rc;

	o.keys = kr;
	o.now = 1767225600; /* 2026-01-01T00:00:00Z */
	o.batch = batch;
	rc = hm_archive_add_lines(a, r, (const char *const *)lines, lens, n, &o);
	free(lens);
	return rc;
}

static void same_log_as_sqlite(void **state)
{
	hm_key *key;
	hm_keyring *kr;
	char **lines, *dir, *url, file[4200];
	char *p1 = NULL, *p2 = NULL, *c1 = NULL, *c2 = NULL;
	hm_archive *s, *p;
	hm_archive_add_result r;
	hm_tree_head h1, h2;
	size_t l1, l2;

	(void)state;
	NEED_PG(url, "pgsame"); /* before anything is allocated: a skip leaks nothing */
	key = tc_key(7);
	kr = ta_ring(key);
	lines = ta_envelopes(key, "same", 37);
	dir = tu_tmpdir();
	snprintf(file, sizeof(file), "%s/same.db", dir);
	s = ta_open(file);
	p = ta_open(url);
	assert_hm_ok(add_at(s, kr, lines, 37, 10, &r));
	assert_hm_ok(add_at(p, kr, lines, 37, 10, &r));
	assert_int_equal(r.added, 37);
	assert_hm_ok(hm_archive_head(&h1, s));
	assert_hm_ok(hm_archive_head(&h2, p));
	assert_int_equal(h1.tree_size, 37);
	assert_int_equal(h2.tree_size, 37);
	assert_memory_equal(h1.root_hash, h2.root_hash, 32);
	assert_hm_ok(hm_archive_prove(&p1, s, 21, 0));
	assert_hm_ok(hm_archive_prove(&p2, p, 21, 0));
	assert_string_equal(p1, p2);
	assert_hm_ok(hm_archive_export(&c1, &l1, s, HM_ARCHIVE_EXPORT_CSV, 0, 0));
	assert_hm_ok(hm_archive_export(&c2, &l2, p, HM_ARCHIVE_EXPORT_CSV, 0, 0));
	assert_int_equal(l1, l2);
	assert_memory_equal(c1, c2, l1);
	assert_int_equal(hm_archive_schema_version(p), HM_ARCHIVE_SCHEMA_VERSION);
	hm_free(p1);
	hm_free(p2);
	hm_free(c1);
	hm_free(c2);
	hm_archive_free(s);
	hm_archive_free(p);
	ta_free_lines(lines, 37);
	hm_keyring_free(kr);
	hm_key_free(key);
	free(url);
	tc_cleanup(dir);
}

/* In a child: adds lines on its own connection; exits 0 when all were stored. */
static void writer(const char *url, const hm_keyring *kr, char **lines, size_t n, size_t batch)
{
	hm_archive_options o = HM_ARCHIVE_OPTIONS_INIT;
	hm_archive_add_result r;
	hm_archive *a = NULL;

	o.flags = HM_ARCHIVE_CREATE;
	if (hm_archive_open(&a, url, &o) < 0) {
		fprintf(stderr, "writer: %s\n", hm_error_last());
		_exit(3);
	}
	if (add_at(a, kr, lines, n, batch, &r) < 0) {
		fprintf(stderr, "writer: %s\n", hm_error_last());
		_exit(4);
	}
	hm_archive_free(a);
	_exit(r.added == n ? 0 : 5);
}

/* Each entry's subject "model-<tag>-<i>" seen once: returns how many of tag. */
static size_t count_tag(const hm_archive_list *l, const char *tag, size_t n, int *dups)
{
	unsigned char *seen = calloc(n, 1);
	size_t i, k = 0, tl = strlen(tag);

	assert_non_null(seen);
	for (i = 0; i < hm_archive_list_count(l); i++) {
		const hm_archive_entry *e = hm_archive_list_entry(l, i);
		const char *name = e->nrefs ? e->refs[0].name : NULL;
		size_t j;
		if (!name || strncmp(name, "model-", 6) != 0 || strncmp(name + 6, tag, tl) != 0 ||
		    name[6 + tl] != '-')
			continue;
		j = strtoul(name + 7 + tl, NULL, 10);
		assert_true(j < n);
		if (seen[j])
			(*dups)++;
		seen[j] = 1;
		k++;
	}
	free(seen);
	return k;
}

static void verify_intact(hm_archive *a, uint64_t size)
{
	hm_tree_head h;
	char *problems = NULL;
	size_t n = 0;

	if (hm_archive_verify(&problems, &n, &h, a, NULL) < 0)
		fail_msg("verify: %s\n%s", hm_error_last(), problems ? problems : "");
	assert_int_equal(n, 0);
	assert_int_equal(h.tree_size, size);
	hm_free(problems);
}

static void eight_writers(void **state)
{
	hm_key *key;
	hm_keyring *kr;
	char **lines[WRITERS], tag[8], *url;
	hm_archive_list *l = NULL;
	hm_archive *a;
	pid_t pid[WRITERS];
	size_t i, w;
	int st, dups = 0;

	(void)state;
	NEED_PG(url, "pgconc");
	key = tc_key(8);
	kr = ta_ring(key);
	for (w = 0; w < WRITERS; w++) {
		snprintf(tag, sizeof(tag), "w%zu", w);
		lines[w] = ta_envelopes(key, tag, PER_WRITER);
	}
	/* the archive is created by the first writer that gets there */
	for (w = 0; w < WRITERS; w++) {
		pid[w] = fork();
		assert_true(pid[w] >= 0);
		if (pid[w] == 0)
			writer(url, kr, lines[w], PER_WRITER, 25);
	}
	for (w = 0; w < WRITERS; w++) {
		assert_int_equal(waitpid(pid[w], &st, 0), pid[w]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	a = ta_open(url);
	verify_intact(a, WRITERS * PER_WRITER);
	assert_hm_ok(hm_archive_search(&l, a, NULL));
	assert_int_equal(hm_archive_list_count(l), WRITERS * PER_WRITER);
	for (i = 0; i < hm_archive_list_count(l); i++) /* ids 0 .. 7999: no gap */
		assert_int_equal(hm_archive_list_entry(l, i)->id, i);
	for (w = 0; w < WRITERS; w++) {
		snprintf(tag, sizeof(tag), "w%zu", w);
		assert_int_equal(count_tag(l, tag, PER_WRITER, &dups), PER_WRITER);
	}
	assert_int_equal(dups, 0);
	hm_archive_list_free(l);
	hm_archive_free(a);
	for (w = 0; w < WRITERS; w++)
		ta_free_lines(lines[w], PER_WRITER);
	hm_keyring_free(kr);
	hm_key_free(key);
	free(url);
}

static void writer_killed(void **state)
{
	hm_key *key;
	hm_keyring *kr;
	char **big, **other;
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	hm_archive_list *l = NULL;
	hm_archive_add_result r;
	hm_tree_head h;
	hm_archive *a;
	pid_t victim, steady;
	char *url;
	int st, dups = 0, tries;
	size_t nbig;

	(void)state;
	NEED_PG(url, "pgkill");
	key = tc_key(9);
	kr = ta_ring(key);
	big = ta_envelopes(key, "big", 2000);
	other = ta_envelopes(key, "other", 500);
	a = ta_open(url); /* created before the writers start */
	victim = fork();
	assert_true(victim >= 0);
	if (victim == 0)
		writer(url, kr, big, 2000, 20);
	steady = fork();
	assert_true(steady >= 0);
	if (steady == 0)
		writer(url, kr, other, 500, 3);
	for (tries = 0; tries < 6000; tries++) {
		assert_hm_ok(hm_archive_head(&h, a));
		if (h.tree_size >= 300)
			break;
		nanosleep(&pause, NULL);
	}
	kill(victim, SIGKILL);
	assert_int_equal(waitpid(victim, &st, 0), victim);
	assert_int_equal(waitpid(steady, &st, 0), steady);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_hm_ok(hm_archive_search(&l, a, NULL));
	nbig = count_tag(l, "big", 2000, &dups);
	assert_int_equal(count_tag(l, "other", 500, &dups), 500);
	assert_int_equal(dups, 0);
	fprintf(stderr, "# killed after %zu of 2000\n", nbig);
	assert_int_equal(nbig % 20, 0); /* whole transactions only */
	verify_intact(a, nbig + 500);
	hm_archive_list_free(l);
	/* adding the input again completes it */
	assert_true(nbig < 2000);
	assert_hm_ok(add_at(a, kr, big, 2000, 500, &r));
	assert_int_equal(r.added, 2000 - nbig);
	assert_int_equal(r.duplicates, nbig);
	verify_intact(a, 2500);
	hm_archive_free(a);
	ta_free_lines(big, 2000);
	ta_free_lines(other, 500);
	hm_keyring_free(kr);
	hm_key_free(key);
	free(url);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_log_as_sqlite),
		cmocka_unit_test(eight_writers),
		cmocka_unit_test(writer_killed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
