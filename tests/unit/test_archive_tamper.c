/*
 * `archive verify`: every change made to the database behind hallmark's
 * back (modified bytes, deleted, added and swapped rows, edited columns,
 * tree nodes, tree heads, the search index) is found and named, and a log
 * rewritten consistently is caught against a trusted tree head.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "testcrypto.h"
#include "test_archive_fixtures.h"

struct fx {
	char *dir, *db;
	hm_archive *a;
};

/* Entries 0-5 verified (two transactions of three), 6 unverified. */
static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	hm_key *k = tc_key(5), *stranger = tc_key(6);
	hm_keyring *kr = ta_ring(k);
	char **lines = ta_envelopes(k, "t", 6), **other = ta_envelopes(stranger, "u", 1);
	hm_archive_add_result r;

	f->dir = tu_tmpdir();
	assert_true(asprintf(&f->db, "%s/a.db", f->dir) > 0);
	f->a = ta_open(f->db);
	r = ta_add(f->a, kr, lines, 3, 0);
	assert_int_equal(r.added, 3);
	r = ta_add(f->a, kr, lines + 3, 3, 0);
	assert_int_equal(r.added, 3);
	r = ta_add(f->a, kr, other, 1, 1);
	assert_int_equal(r.unverified, 1);
	ta_free_lines(lines, 6);
	ta_free_lines(other, 1);
	hm_keyring_free(kr);
	hm_key_free(k);
	hm_key_free(stranger);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	hm_archive_free(f->a);
	free(f->db);
	free(f->dir);
	free(f);
	return 0;
}

/* Verifies and expects each substring among the problems (none given: intact). */
static void expect(struct fx *f, const char *const *want, size_t nwant)
{
	char *problems = NULL;
	size_t n = 0, i;
	int rc = hm_archive_verify(&problems, &n, NULL, f->a, NULL);

	if (nwant == 0) {
		if (rc != 0)
			fail_msg("verify: %s\n%s", hm_error_last(), problems ? problems : "");
		assert_int_equal(n, 0);
		assert_string_equal(problems, "");
	} else {
		if (rc != HM_EVERIFY)
			fail_msg("verify returned %s (%s), expected HM_EVERIFY", hm_error_name(rc),
				 hm_error_last());
		assert_true(n >= 1);
		assert_non_null(strstr(hm_error_last(), "behind hallmark's back"));
		for (i = 0; i < nwant; i++)
			if (!strstr(problems, want[i]))
				fail_msg("\"%s\" not reported; problems:\n%s", want[i], problems);
	}
	hm_free(problems);
}
#define EXPECT(...)                                                               \
	do {                                                                      \
		const char *const w_[] = { __VA_ARGS__ };                         \
		expect(f, w_, sizeof(w_) / sizeof(w_[0]));                        \
	} while (0)

static void intact_archive_verifies(void **state)
{
	struct fx *f = *state;
	hm_tree_head h, got;
	char *p = NULL;
	size_t n;

	expect(f, NULL, 0);
	assert_hm_ok(hm_archive_head(&h, f->a));
	assert_hm_ok(hm_archive_verify(&p, &n, &got, f->a, &h));
	assert_int_equal(got.tree_size, 7);
	assert_memory_equal(got.root_hash, h.root_hash, 32);
	hm_free(p);
}

static void modified_envelope_bytes(void **state)
{
	struct fx *f = *state;

	ta_sql(f->db, "UPDATE entries SET body = CAST(replace(CAST(body AS TEXT), '\"sig\":\"', "
		      "'\"sig\":\"A') AS BLOB) WHERE id = 3");
	EXPECT("entry 3: modified: its body (the envelope) is not the one logged");
}

static void modified_leaf_bytes(void **state)
{
	struct fx *f = *state;

	ta_sql(f->db, "UPDATE entries SET entry = CAST(replace(CAST(entry AS TEXT), '2036', '2099') "
		      "AS BLOB) WHERE id = 1");
	EXPECT("entry 1: modified");
}

static void deleted_row(void **state)
{
	struct fx *f = *state;

	ta_sql(f->db, "DELETE FROM entries WHERE id = 4");
	EXPECT("entry 4: deleted");
}

static void deleted_last_row(void **state)
{
	struct fx *f = *state;

	ta_sql(f->db, "DELETE FROM entries WHERE id = 6");
	EXPECT("entry 6: deleted");
}

static void swapped_rows(void **state)
{
	struct fx *f = *state;

	ta_sql(f->db, "UPDATE entries SET id = -1 WHERE id = 2; UPDATE entries SET id = 2 WHERE "
		      "id = 5; UPDATE entries SET id = 5 WHERE id = -1");
	EXPECT("entry 2: holds the bytes of entry 5: entries were reordered",
	       "entry 5: holds the bytes of entry 2");
}

static void added_row(void **state)
{
	struct fx *f = *state;

	ta_sql(f->db, "INSERT INTO entries(id, kind, entry, body, body_sha256, recorded, "
		      "retain_until, verified) SELECT 7, kind, entry, body, 'x', recorded, "
		      "retain_until, verified FROM entries WHERE id = 1");
	EXPECT("entry 7: not in the log");
}

static void unverified_marked_verified(void **state)
{
	struct fx *f = *state;

	ta_sql(f->db, "UPDATE entries SET verified = 1, reason = NULL WHERE id = 6");
	EXPECT("entry 6: its kind, time, retention or verification columns were changed");
}

static void retention_shortened(void **state)
{
	struct fx *f = *state;

	ta_sql(f->db, "UPDATE entries SET retain_until = recorded WHERE id = 0");
	EXPECT("entry 0: its kind, time, retention");
}

static void signer_added_to_the_index(void **state)
{
	struct fx *f = *state;

	ta_sql(f->db, "INSERT INTO signers(entry_id, keyid) SELECT 6, keyid FROM signers LIMIT 1");
	EXPECT("entry 6: its signers were changed");
}

static void reference_changed(void **state)
{
	struct fx *f = *state;

	ta_sql(f->db, "UPDATE refs SET digest = 'ff' || substr(digest, 3) WHERE entry_id = 2");
	EXPECT("entry 2: its references were changed");
	ta_sql(f->db, "DELETE FROM refs WHERE entry_id = 3");
	EXPECT("entry 3: its references were deleted");
}

static void statement_or_type_changed(void **state)
{
	struct fx *f = *state;

	ta_sql(f->db, "UPDATE entries SET statement = replace(statement, 'model-t-1', 'model-t-9') "
		      "WHERE id = 1");
	ta_sql(f->db, "UPDATE entries SET predicate_type = 'https://example.com/x' WHERE id = 2");
	EXPECT("entry 1: the stored statement is not its envelope's payload",
	       "entry 2: the predicate_type column");
}

static void tree_node_changed(void **state)
{
	struct fx *f = *state;

	ta_sql(f->db, "UPDATE tree SET hash = zeroblob(32) WHERE level = 2 AND idx = 0");
	ta_sql(f->db, "DELETE FROM tree WHERE level = 1 AND idx = 2");
	EXPECT("tree node at level 2 index 0: changed", "tree node at level 1 index 2: deleted");
}

static void tree_head_changed(void **state)
{
	struct fx *f = *state;

	ta_sql(f->db, "UPDATE heads SET root_hash = zeroblob(32) WHERE tree_size = 3");
	EXPECT("tree head of size 3");
}

/* A log rebuilt with other entries has consistent hashes: only a trusted head catches it. */
static void rewritten_log_against_a_trusted_head(void **state)
{
	struct fx *f = *state;
	hm_key *k = tc_key(9);
	hm_keyring *kr = ta_ring(k);
	char **lines = ta_envelopes(k, "forged", 7), *p = NULL, *db2 = NULL;
	hm_archive *forged;
	hm_tree_head trusted, early;
	size_t n;

	assert_hm_ok(hm_archive_head(&trusted, f->a));
	assert_true(asprintf(&db2, "%s/forged.db", f->dir) > 0);
	forged = ta_open(db2);
	ta_add(forged, kr, lines, 7, 0);
	assert_hm_ok(hm_archive_verify(&p, &n, NULL, forged, NULL)); /* self-consistent */
	hm_free(p);
	assert_int_equal(hm_archive_verify(&p, &n, NULL, forged, &trusted), HM_EVERIFY);
	assert_non_null(strstr(p, "does not extend the trusted tree head of size 7"));
	hm_free(p);
	/* a head from the future: entries were removed */
	trusted.tree_size = 9;
	assert_int_equal(hm_archive_verify(&p, &n, NULL, f->a, &trusted), HM_EVERIFY);
	assert_non_null(strstr(p, "entries were removed"));
	hm_free(p);
	/* an earlier true head is extended by the log */
	assert_hm_ok(hm_archive_verify(&p, &n, &early, f->a, NULL));
	hm_free(p);
	{
		char *json = NULL;
		hm_proof_info info;
		assert_hm_ok(hm_archive_consistency(&json, f->a, 3, 0));
		assert_hm_ok(hm_proof_check(&info, json, strlen(json)));
		memcpy(early.root_hash, info.first_root, 32);
		early.tree_size = 3;
		hm_free(json);
	}
	assert_hm_ok(hm_archive_verify(&p, &n, NULL, f->a, &early));
	hm_free(p);
	hm_archive_free(forged);
	ta_free_lines(lines, 7);
	hm_keyring_free(kr);
	hm_key_free(k);
	free(db2);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(intact_archive_verifies),
		T(modified_envelope_bytes),
		T(modified_leaf_bytes),
		T(deleted_row),
		T(deleted_last_row),
		T(swapped_rows),
		T(added_row),
		T(unverified_marked_verified),
		T(retention_shortened),
		T(signer_added_to_the_index),
		T(reference_changed),
		T(statement_or_type_changed),
		T(tree_node_changed),
		T(tree_head_changed),
		T(rewritten_log_against_a_trusted_head),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
