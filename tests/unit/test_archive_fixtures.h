/*
 * tests/unit/test_archive_fixtures.h: statements, signed envelopes and
 * archives for the archive tests. Include after <cmocka.h>, testutil.h and
 * testcrypto.h.
 */
#ifndef HM_TEST_ARCHIVE_FIXTURES_H
#define HM_TEST_ARCHIVE_FIXTURES_H

#include <openssl/evp.h>
#include <sqlite3.h>

#include "hallmark.h"

/* SHA-256 hex of a string (malloc'd). */
static inline char *ta_hex(const char *seed)
{
	unsigned char h[32];
	unsigned int n = 32;
	char *hex = malloc(65);
	int i;

	assert_non_null(hex);
	EVP_Digest(seed, strlen(seed), h, &n, EVP_sha256(), NULL);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	return hex;
}

/* A statement with one subject (name, sha256) and a predicate given as JSON text. */
static inline char *ta_statement(const char *ptype, const char *name, const char *sha256,
				 const char *predicate)
{
	char *s = NULL;

	assert_true(asprintf(&s, "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{"
			     "\"name\":\"%s\",\"digest\":{\"sha256\":\"%s\"}}],\"predicateType\":"
			     "\"%s\",\"predicate\":%s}", name, sha256, ptype,
			     predicate ? predicate : "{}") > 0);
	return s;
}

/* The statement signed by key as one bundle line (malloc'd via hm_free). */
static inline char *ta_sign(const hm_key *key, const char *statement)
{
	char *line = NULL;
	size_t len;

	assert_hm_ok(hm_sign_statement(&line, &len, statement, strlen(statement), "statement", key));
	return line;
}

static inline hm_keyring *ta_ring(const hm_key *key)
{
	hm_keyring *kr = NULL;

	assert_hm_ok(hm_keyring_new(&kr));
	assert_hm_ok(hm_keyring_add(kr, key));
	return kr;
}

static inline hm_archive *ta_open(const char *path)
{
	hm_archive_options o = HM_ARCHIVE_OPTIONS_INIT;
	hm_archive *a = NULL;

	o.flags = HM_ARCHIVE_CREATE;
	assert_hm_ok(hm_archive_open(&a, path, &o));
	return a;
}

/* Adds lines (verified against kr; allow: store unverified ones too); returns the result. */
static inline hm_archive_add_result ta_add(hm_archive *a, const hm_keyring *kr, char **lines,
					   size_t n, int allow)
{
	hm_archive_add_options o = HM_ARCHIVE_ADD_OPTIONS_INIT;
	hm_archive_add_result r;
	size_t *lens = calloc(n ? n : 1, sizeof(*lens)), i;

	assert_non_null(lens);
	for (i = 0; i < n; i++)
		lens[i] = strlen(lines[i]);
	o.keys = kr;
	o.allow_unverified = allow;
	assert_hm_ok(hm_archive_add_lines(a, &r, (const char *const *)lines, lens, n, &o));
	free(lens);
	return r;
}

/* n signed envelopes of distinct statements "model-<tag>-<i>" (free each with hm_free). */
static inline char **ta_envelopes(const hm_key *key, const char *tag, size_t n)
{
	char **lines = calloc(n ? n : 1, sizeof(*lines));
	size_t i;

	assert_non_null(lines);
	for (i = 0; i < n; i++) {
		char name[64], *hex, *st;
		snprintf(name, sizeof(name), "model-%s-%zu", tag, i);
		hex = ta_hex(name);
		st = ta_statement("https://example.com/test/v1", name, hex, NULL);
		lines[i] = ta_sign(key, st);
		free(st);
		free(hex);
	}
	return lines;
}

static inline void ta_free_lines(char **lines, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		hm_free(lines[i]);
	free(lines);
}

/* Runs SQL on the database file directly (behind hallmark's back). */
static inline void ta_sql(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *err = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err ? err : "?");
	sqlite3_close(db);
}

/* The first column of the first row of a query, as an integer. */
static inline long long ta_sql_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long v = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

#endif
