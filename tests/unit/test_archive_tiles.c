/*
 * Checkpoints of an archive, consistency with an earlier checkpoint, and the
 * tlog-tiles export: tile paths, which tiles a tree of 257 entries has and
 * what they hold, the entry bundles, the signed checkpoint, and the export
 * directory written whole or not at all.
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

static void test_tiles_path(void **state)
{
	char p[128];

	(void)state;
	assert_hm_ok(hm__tile_path(p, sizeof(p), "tile/0", 0, 0));
	assert_string_equal(p, "tile/0/000");
	assert_hm_ok(hm__tile_path(p, sizeof(p), "tile/3", 1234067, 0));
	assert_string_equal(p, "tile/3/x001/x234/067");
	assert_hm_ok(hm__tile_path(p, sizeof(p), "tile/entries", 1000, 17));
	assert_string_equal(p, "tile/entries/x001/000.p/17");
	assert_hm_ok(hm__tile_path(p, sizeof(p), "tile/1", 5, 256));
	assert_string_equal(p, "tile/1/005");
	assert_hm_ok(hm__tile_path(p, sizeof(p), "body", UINT64_MAX, 0));
	assert_string_equal(p, "body/x018/x446/x744/x073/x709/x551/615");
	assert_hm_err(hm__tile_path(p, 8, "tile/0", 1234067, 0), HM_EINVAL, "too long");
}

struct fx {
	char *dir, *db;
	hm_archive *a;
	hm_key *key, *log;
};

static struct fx setup(size_t n)
{
	struct fx f;
	hm_keyring *kr;
	char **lines;

	f.dir = tu_tmpdir();
	f.db = strdup(tu_path(f.dir, "a.db"));
	f.a = ta_open(f.db);
	f.key = tc_key(1);
	f.log = tc_key(2);
	kr = ta_ring(f.key);
	lines = ta_envelopes(f.key, "t", n);
	ta_add(f.a, kr, lines, n, 0);
	ta_free_lines(lines, n);
	hm_keyring_free(kr);
	return f;
}

static void teardown(struct fx *f)
{
	hm_archive_free(f->a);
	hm_key_free(f->key);
	hm_key_free(f->log);
	free(f->db);
	tc_cleanup(f->dir);
}

/* The number of temporary export directories left in dir. */
static int temps(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strstr(e->d_name, ".tmp-"))
			n++;
	closedir(d);
	return n;
}

static unsigned char *file(const char *dir, const char *rel, size_t *len)
{
	unsigned char *d = (unsigned char *)tu_read(tu_path(dir, rel), len);

	if (!d)
		fail_msg("%s/%s is missing", dir, rel);
	return d;
}

static void test_tiles_export_257(void **state)
{
	struct fx f = setup(257);
	hm_tiles_options o = HM_TILES_OPTIONS_INIT;
	hm_tiles_result r;
	hm_note_verifier *v = NULL;
	hm_tree_head head, cp;
	unsigned char *t0, *t1, *t2, *bundle, *body, leaf[32];
	char *out = strdup(tu_path(f.dir, "tiles")), *origin = NULL, *note;
	size_t len, blen, i, off;
	hm_archive_list *l = NULL;

	(void)state;
	o.origin = "example.com/archive";
	o.key = f.log;
	assert_hm_ok(hm_archive_export_tiles(&r, f.a, out, &o));
	assert_int_equal(r.tree_size, 257);
	assert_int_equal(r.tiles, 3);
	assert_int_equal(r.bundles, 2);
	assert_int_equal(temps(f.dir), 0);
	/* hash tiles: a full level-0 tile, a partial one of width 1, a partial level-1 tile */
	t0 = file(out, "tile/0/000", &len);
	assert_int_equal(len, 8192);
	t1 = file(out, "tile/0/001.p/1", &len);
	assert_int_equal(len, 32);
	t2 = file(out, "tile/1/000.p/1", &len);
	assert_int_equal(len, 32);
	assert_hm_ok(hm_archive_get(&l, f.a, 256));
	assert_memory_equal(t1, hm_archive_list_entry(l, 0)->leaf_hash, 32);
	/* level 1 holds the root of the first 256 leaves, which is the root of the tree of 256 */
	{
		char *proof = NULL;
		json_t *j;
		assert_hm_ok(hm_archive_consistency(&proof, f.a, 256, 257));
		j = json_loads(proof, 0, NULL);
		assert_non_null(j);
		{
			unsigned char r256[32];
			assert_int_equal(hm__hex_decode(r256, 32,
							json_string_value(json_object_get(j, "first_root"))), 0);
			assert_memory_equal(t2, r256, 32);
		}
		json_decref(j);
		hm_free(proof);
	}
	/* the entry bundle: 256 length-prefixed leaves that hash to the level-0 tile */
	bundle = file(out, "tile/entries/000", &blen);
	for (i = 0, off = 0; i < 256; i++) {
		size_t n;
		assert_true(off + 2 <= blen);
		n = ((size_t)bundle[off] << 8) | bundle[off + 1];
		assert_true(off + 2 + n <= blen);
		hm_merkle_leaf_hash(leaf, bundle + off + 2, n);
		assert_memory_equal(leaf, t0 + 32 * i, 32);
		off += 2 + n;
	}
	assert_int_equal(off, blen);
	free(bundle);
	bundle = file(out, "tile/entries/001.p/1", &blen);
	hm_merkle_leaf_hash(leaf, bundle + 2, blen - 2);
	assert_memory_equal(leaf, t1, 32);
	/* the body of entry 256 is its envelope's exact bytes */
	body = file(out, "body/256", &len);
	assert_int_equal(len, hm_archive_list_entry(l, 0)->body_len);
	assert_memory_equal(body, hm_archive_list_entry(l, 0)->body, len);
	/* the checkpoint */
	note = (char *)file(out, "checkpoint", &len);
	assert_hm_ok(hm_note_verifier_new(&v, "example.com/archive", f.log));
	assert_hm_ok(hm_checkpoint_open(&origin, &cp, note, len, (const hm_note_verifier *const *)&v,
					1, "example.com/archive"));
	assert_hm_ok(hm_archive_head(&head, f.a));
	assert_int_equal(cp.tree_size, 257);
	assert_memory_equal(cp.root_hash, head.root_hash, 32);
	hm_archive_list_free(l);
	hm_note_verifier_free(v);
	hm_free(origin);
	free(note);
	free(t0);
	free(t1);
	free(t2);
	free(bundle);
	free(body);
	free(out);
	teardown(&f);
}

static void test_tiles_refuses_nonempty_dir(void **state)
{
	struct fx f = setup(3);
	hm_tiles_options o = HM_TILES_OPTIONS_INIT;
	char *out = strdup(tu_path(f.dir, "out")), *cp1, *cp2;
	size_t len;

	(void)state;
	o.origin = "example.com/archive";
	o.key = f.log;
	assert_int_equal(mkdir(out, 0755), 0);
	tu_write(tu_path(out, "precious"), "x", 1);
	assert_hm_err(hm_archive_export_tiles(NULL, f.a, out, &o), HM_EEXISTS, "not empty");
	o.replace = 1;
	assert_hm_err(hm_archive_export_tiles(NULL, f.a, out, &o), HM_EEXISTS, "not a previous export");
	assert_int_equal(tu_entries(out), 1);
	assert_int_equal(temps(f.dir), 0);
	/* an empty directory is fine; a previous export is replaced with --force only */
	assert_int_equal(unlink(tu_path(out, "precious")), 0);
	o.replace = 0;
	assert_hm_ok(hm_archive_export_tiles(NULL, f.a, out, &o));
	cp1 = tu_read(tu_path(out, "checkpoint"), &len);
	assert_hm_err(hm_archive_export_tiles(NULL, f.a, out, &o), HM_EEXISTS, "not empty");
	{
		hm_keyring *kr = ta_ring(f.key);
		char **lines = ta_envelopes(f.key, "more", 2);
		ta_add(f.a, kr, lines, 2, 0);
		ta_free_lines(lines, 2);
		hm_keyring_free(kr);
	}
	o.replace = 1;
	assert_hm_ok(hm_archive_export_tiles(NULL, f.a, out, &o));
	cp2 = tu_read(tu_path(out, "checkpoint"), &len);
	assert_non_null(strstr(cp1, "\n3\n"));
	assert_non_null(strstr(cp2, "\n5\n"));
	assert_int_equal(access(tu_path(out, "tile/0/000.p/5"), F_OK), 0);
	assert_int_equal(access(tu_path(out, "tile/0/000.p/3"), F_OK), -1); /* the old export is gone */
	assert_int_equal(temps(f.dir), 0);
	free(cp1);
	free(cp2);
	free(out);
	teardown(&f);
}

static void test_tiles_damaged_log_not_exported(void **state)
{
	struct fx f = setup(4);
	hm_tiles_options o = HM_TILES_OPTIONS_INIT;
	char *out = strdup(tu_path(f.dir, "out"));

	(void)state;
	o.origin = "example.com/archive";
	o.key = f.log;
	ta_sql(f.db, "UPDATE entries SET entry = CAST(replace(CAST(entry AS TEXT), 'attestation', "
		     "'attestatioN') AS BLOB) WHERE id = 2");
	assert_hm_err(hm_archive_export_tiles(NULL, f.a, out, &o), HM_EFORMAT,
		      "do not hash to the leaf of entry 2");
	assert_int_equal(access(out, F_OK), -1);
	assert_int_equal(temps(f.dir), 0);
	o.origin = "bad origin";
	assert_hm_err(hm_archive_export_tiles(NULL, f.a, out, &o), HM_EINVAL, "key name");
	free(out);
	teardown(&f);
}

static void test_tiles_empty_log(void **state)
{
	struct fx f = setup(0);
	hm_tiles_options o = HM_TILES_OPTIONS_INIT;
	char *out = strdup(tu_path(f.dir, "out")), *cp;
	size_t len;

	(void)state;
	o.origin = "example.com/archive";
	o.key = f.log;
	assert_hm_ok(hm_archive_export_tiles(NULL, f.a, out, &o));
	assert_int_equal(tu_entries(out), 1);
	cp = tu_read(tu_path(out, "checkpoint"), &len);
	assert_non_null(cp);
	assert_memory_equal(cp, "example.com/archive\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n",
			    68);
	free(cp);
	free(out);
	teardown(&f);
}

static void test_archive_extends(void **state)
{
	struct fx f = setup(5);
	hm_tree_head h3, now, bad;
	hm_keyring *kr;
	char **lines;

	(void)state;
	assert_hm_ok(hm_archive_head(&h3, f.a));
	kr = ta_ring(f.key);
	lines = ta_envelopes(f.key, "later", 6);
	ta_add(f.a, kr, lines, 6, 0);
	ta_free_lines(lines, 6);
	hm_keyring_free(kr);
	assert_hm_ok(hm_archive_extends(&now, f.a, &h3));
	assert_int_equal(now.tree_size, 11);
	assert_hm_ok(hm_archive_extends(NULL, f.a, &now));
	bad = h3;
	bad.root_hash[0] ^= 1;
	assert_hm_err(hm_archive_extends(NULL, f.a, &bad), HM_EVERIFY, "does not extend the checkpoint");
	bad = now;
	bad.tree_size = 12;
	assert_hm_err(hm_archive_extends(NULL, f.a, &bad), HM_EVERIFY, "has only 11");
	bad.tree_size = 0;
	assert_hm_err(hm_archive_extends(NULL, f.a, &bad), HM_EVERIFY, "empty tree");
	hm_merkle_empty_root(bad.root_hash);
	assert_hm_ok(hm_archive_extends(NULL, f.a, &bad));
	teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tiles_path),
		cmocka_unit_test(test_tiles_export_257),
		cmocka_unit_test(test_tiles_refuses_nonempty_dir),
		cmocka_unit_test(test_tiles_damaged_log_not_exported),
		cmocka_unit_test(test_tiles_empty_log),
		cmocka_unit_test(test_archive_extends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
