/*
 * The digest cache: the file format (canonical, checked, untrusted), which
 * files it spares from hashing (hm_digest_stats counts the bytes that went
 * through SHA-256, so no timing is needed), what defeats it (ctime after
 * `touch -r`, a new inode, a cache for another root, a racily clean entry),
 * caches that are ignored with a warning (corrupt, foreign, writable by
 * others, in a directory that is not private), what is written (only files
 * that matched, only settled ones, mode 0600 in a 0700 directory) and the
 * version 1 options.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "hashcache.h"

#include <hallmark.h>
#include <sys/stat.h>
#include <time.h>

struct warnings {
	int n;
	char last[2048];
};

static void on_warning(const char *msg, void *payload)
{
	struct warnings *w = payload;

	w->n++;
	snprintf(w->last, sizeof(w->last), "%s", msg);
}

struct fixture {
	char *dir;    /* the model */
	char *cache;  /* the cache directory */
	char root[4096];
	char file[8192]; /* the model's cache file */
	hm_digest_options o;
	hm_digest_stats st;
	struct warnings w;
};

static void put(const char *path, const char *text)
{
	tu_write(path, text, strlen(text));
}

/* A model of three files and an empty cache directory (not created yet). */
static void setup_model(struct fixture *f)
{
	hm_digest_options d = HM_DIGEST_OPTIONS_INIT;
	unsigned char key[32];
	char hex[65];

	memset(f, 0, sizeof(*f));
	f->dir = tu_tmpdir();
	f->cache = strdup(tu_path(f->dir, ".cache-dir"));
	put(tu_path(f->dir, "a.bin"), "alpha");
	put(tu_path(f->dir, "b.bin"), "bravo");
	put(tu_path(f->dir, "c.bin"), "charlie");
	/* the cache directory sits beside the model's files: ignore it there */
	assert_non_null(realpath(f->dir, f->root));
	hm__sha256(key, f->root, strlen(f->root));
	hm__hex_encode(hex, key, 32);
	snprintf(f->file, sizeof(f->file), "%s/%s", f->cache, hex);
	f->o = d;
	f->o.cache = 1;
	f->o.cache_dir = f->cache;
	f->o.warning = on_warning;
	f->o.warning_payload = &f->w;
	f->o.stats = &f->st;
}

static const char *const IGNORE_CACHE[] = { ".cache-dir" };

static hm_manifest *compute(struct fixture *f)
{
	hm_manifest *m = NULL;

	memset(&f->st, 0, sizeof(f->st));
	f->o.ignore = IGNORE_CACHE;
	f->o.nignore = 1;
	assert_int_equal(hm_manifest_compute(&m, f->dir, &f->o), 0);
	return m;
}

static void stat_of(hm__hcstat *s, const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	s->dev = (uint64_t)st.st_dev;
	s->ino = (uint64_t)st.st_ino;
	s->size = (uint64_t)st.st_size;
	s->mtime_sec = st.st_mtim.tv_sec;
	s->mtime_nsec = (uint32_t)st.st_mtim.tv_nsec;
	s->ctime_sec = st.st_ctim.tv_sec;
	s->ctime_nsec = (uint32_t)st.st_ctim.tv_nsec;
}

/*
 * Writes a cache for root holding the files' current stat with digests of
 * 0x01, 0x02, 0x03 (wrong on purpose: a digest that comes out so was not
 * hashed), stamped stamp_delta seconds from now.
 */
static void plant(struct fixture *f, const char *root, long stamp_delta)
{
	static const char *names[] = { "a.bin", "b.bin", "c.bin" };
	hm__hcentry e[3];
	hm_buf b = HM_BUF_INIT;
	int i;

	mkdir(f->cache, 0700);
	for (i = 0; i < 3; i++) {
		e[i].name = names[i];
		stat_of(&e[i].st, tu_path(f->dir, names[i]));
		memset(e[i].digest, i + 1, 32);
	}
	assert_int_equal(hm__hashcache_encode(&b, root, (int64_t)time(NULL) + stamp_delta, 0, e, 3),
			 0);
	tu_write(f->file, b.data, b.len);
	chmod(f->file, 0600);
	hm__buf_free(&b);
}

static int planted_digest(const hm_manifest *m, size_t i)
{
	char want[65];
	int k;

	for (k = 0; k < 64; k += 2) {
		want[k] = '0';
		want[k + 1] = (char)('1' + i);
	}
	want[64] = '\0';
	return strcmp(hm_manifest_resource_digest(m, i), want) == 0;
}

static void free_fixture(struct fixture *f)
{
	char cmd[8192];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	tu_sh(cmd);
	free(f->dir);
	free(f->cache);
}

/* ---- the format ---- */

static void format_round_trips_and_checks_everything(void **state)
{
	hm__hcentry e[2] = { { "a/x", { 1, 2, 3, 4, 5, 6, 7 }, { 0 } },
			     { "ab", { 8, 9, 10, 11, 12, 13, 14 }, { 0 } } };
	hm_buf b = HM_BUF_INIT, again = HM_BUF_INIT;
	hm__hashcache c;
	unsigned char *bad;

	(void)state;
	memset(e[1].digest, 0xab, 32);
	assert_int_equal(hm__hashcache_encode(&b, "/models/m", 1700000000, 5, e, 2), 0);
	assert_int_equal(hm__hashcache_parse(&c, (unsigned char *)b.data, b.len), 0);
	assert_string_equal(c.root, "/models/m");
	assert_int_equal(c.n, 2);
	assert_string_equal(c.e[0].name, "a/x");
	assert_int_equal(c.e[1].st.ino, 9);
	assert_int_equal(c.e[1].st.ctime_nsec, 14);
	assert_memory_equal(c.e[1].digest, e[1].digest, 32);
	assert_int_equal(hm__hashcache_encode(&again, c.root, c.stamp_sec, c.stamp_nsec, c.e, c.n), 0);
	assert_int_equal(again.len, b.len);
	assert_memory_equal(again.data, b.data, b.len);
	hm__hashcache_clear(&c);

	bad = malloc(b.len);
	memcpy(bad, b.data, b.len);
	bad[b.len / 2] ^= 1; /* any flipped bit */
	assert_int_equal(hm__hashcache_parse(&c, bad, b.len), HM_EFORMAT);
	assert_non_null(strstr(hm_error_last(), "checksum"));
	hm__hashcache_clear(&c);
	assert_int_equal(hm__hashcache_parse(&c, (unsigned char *)b.data, b.len - 1), HM_EFORMAT);
	hm__hashcache_clear(&c);
	free(bad);

	/* out of order (and so repeated) names are refused even with a right checksum */
	hm__buf_free(&again);
	assert_int_equal(hm__hashcache_encode(&again, "/m", 0, 0, (hm__hcentry[]){ e[1], e[0] }, 2),
			 0);
	assert_int_equal(hm__hashcache_parse(&c, (unsigned char *)again.data, again.len),
			 HM_EFORMAT);
	assert_non_null(strstr(hm_error_last(), "order"));
	hm__hashcache_clear(&c);
	hm__buf_free(&again);
	hm__buf_free(&b);
}

static void settled_means_older_than_the_racy_window(void **state)
{
	(void)state;
	assert_true(hm__hashcache_settled(100, 0, 100 + HM_DIGEST_CACHE_RACY_SECONDS, 1));
	assert_false(hm__hashcache_settled(100, 1, 100 + HM_DIGEST_CACHE_RACY_SECONDS, 1));
	assert_false(hm__hashcache_settled(100, 0, 100 + HM_DIGEST_CACHE_RACY_SECONDS - 1, 999999999));
	assert_false(hm__hashcache_settled(200, 0, 100, 0)); /* after the stamp */
	assert_false(hm__hashcache_settled(INT64_MIN, 0, INT64_MIN + 1, 0)); /* no overflow */
}

/* ---- what the cache spares ---- */

static void unchanged_files_are_not_read(void **state)
{
	struct fixture f;
	hm_manifest *m;

	(void)state;
	setup_model(&f);
	plant(&f, f.root, 10); /* stamped after the files settled */
	m = compute(&f);
	assert_int_equal(f.w.n, 0);
	assert_true(planted_digest(m, 0) && planted_digest(m, 1) && planted_digest(m, 2));
	assert_int_equal(f.st.files_cached, 3);
	assert_int_equal(f.st.bytes_cached, 5 + 5 + 7);
	assert_int_equal(f.st.files_hashed, 0);
	assert_int_equal(f.st.bytes_hashed, 0);
	hm_manifest_free(m);

	/* without the cache option the same cache is not even read */
	f.o.cache = 0;
	m = compute(&f);
	assert_false(planted_digest(m, 0));
	assert_int_equal(f.st.files_cached, 0);
	assert_int_equal(f.st.bytes_hashed, 17);
	hm_manifest_free(m);

	/* version 1 options have no cache fields: whatever follows is not looked at */
	f.o.cache = 1;
	f.o.version = 1;
	f.o.stats = NULL;
	m = compute(&f);
	assert_false(planted_digest(m, 0));
	hm_manifest_free(m);
	free_fixture(&f);
}

static void content_changed_with_mtime_restored_is_hashed(void **state)
{
	struct fixture f;
	struct stat st;
	struct timespec ts[2];
	hm_manifest *m;

	(void)state;
	setup_model(&f);
	plant(&f, f.root, 10);
	/* one byte changed, the modification time put back (touch -r): the ctime moves */
	assert_int_equal(stat(tu_path(f.dir, "b.bin"), &st), 0);
	put(tu_path(f.dir, "b.bin"), "bravO");
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	assert_int_equal(utimensat(AT_FDCWD, tu_path(f.dir, "b.bin"), ts, 0), 0);
	m = compute(&f);
	assert_true(planted_digest(m, 0) && planted_digest(m, 2));
	assert_false(planted_digest(m, 1));
	assert_int_equal(f.st.files_hashed, 1);
	assert_int_equal(f.st.bytes_hashed, 5);
	hm_manifest_free(m);
	free_fixture(&f);
}

static void file_replaced_by_one_of_the_same_size_and_mtime_is_hashed(void **state)
{
	struct fixture f;
	struct stat st;
	struct timespec ts[2];
	hm_manifest *m;

	(void)state;
	setup_model(&f);
	/* the replacement exists before the cache is made: a new inode, not a new ctime */
	put(tu_path(f.dir, ".new"), "CHARLIE");
	assert_int_equal(stat(tu_path(f.dir, "c.bin"), &st), 0);
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	assert_int_equal(utimensat(AT_FDCWD, tu_path(f.dir, ".new"), ts, 0), 0);
	plant(&f, f.root, 10);
	assert_int_equal(rename(tu_path(f.dir, ".new"), tu_path(f.dir, "c.bin")), 0);
	m = compute(&f);
	assert_false(planted_digest(m, 2));
	assert_int_equal(f.st.files_hashed, 1);
	assert_int_equal(f.st.bytes_hashed, 7);
	hm_manifest_free(m);
	free_fixture(&f);
}

static void racily_clean_entries_are_not_used(void **state)
{
	struct fixture f;
	hm_manifest *m;

	(void)state;
	setup_model(&f);
	plant(&f, f.root, 0); /* stamped as the files were written: they could change unseen */
	m = compute(&f);
	assert_int_equal(f.st.files_cached, 0);
	assert_int_equal(f.st.files_hashed, 3);
	assert_false(planted_digest(m, 0));
	hm_manifest_free(m);
	free_fixture(&f);
}

/* ---- caches that are ignored ---- */

static void expect_ignored(struct fixture *f, const char *why)
{
	hm_manifest *m;

	f->w.n = 0;
	m = compute(f);
	assert_int_equal(f->w.n, 1);
	if (!strstr(f->w.last, why))
		fail_msg("warning \"%s\" does not say \"%s\"", f->w.last, why);
	assert_int_equal(f->st.files_cached, 0);
	assert_int_equal(f->st.bytes_hashed, 17);
	assert_false(planted_digest(m, 0));
	hm_manifest_free(m);
}

static void corrupt_foreign_and_misplaced_caches_are_ignored_with_a_warning(void **state)
{
	struct fixture f;
	size_t len = 0;
	char *data;

	(void)state;
	setup_model(&f);
	plant(&f, f.root, 10);
	data = tu_read(f.file, &len);
	assert_non_null(data);
	assert_true(len > 100);
	data[len / 2] ^= 0x20;
	tu_write(f.file, data, len);
	free(data);
	expect_ignored(&f, "checksum");

	plant(&f, f.root, 10);
	assert_int_equal(truncate(f.file, 100), 0);
	expect_ignored(&f, "checksum");

	put(f.file, "not a cache at all\n");
	expect_ignored(&f, "not a hallmark digest cache");

	plant(&f, "/another/model", 10); /* another model's cache under this one's name */
	expect_ignored(&f, "another model (/another/model)");

	plant(&f, f.root, 10);
	assert_int_equal(chmod(f.file, 0622), 0);
	expect_ignored(&f, "writable by nobody else");

	if (geteuid() == 0) {
		plant(&f, f.root, 10);
		assert_int_equal(chown(f.file, 1, 1), 0);
		expect_ignored(&f, "owned by uid 0");
	}

	plant(&f, f.root, 10);
	assert_int_equal(chmod(f.cache, 0770), 0);
	expect_ignored(&f, "is not private");
	free_fixture(&f);
}

/* ---- what is written ---- */

static int cache_entries(const struct fixture *f, hm__hashcache *c)
{
	size_t len;
	char *data = tu_read(f->file, &len);
	int rc;

	if (!data)
		return -1;
	rc = hm__hashcache_parse(c, (unsigned char *)data, len);
	free(data);
	return rc < 0 ? -1 : (int)c->n;
}

static void only_settled_files_that_matched_are_written_privately(void **state)
{
	struct fixture f;
	hm_manifest_diff changed = { HM_MANIFEST_CHANGED, "b.bin", "00", "11" };
	hm__hashcache c;
	struct stat st;
	hm_manifest *m;
	mode_t old;

	(void)state;
	setup_model(&f);
	old = umask(0); /* the modes are set, not left to the umask */
	/* just written: racily clean, so nothing is kept yet */
	m = compute(&f);
	assert_int_equal(hm__manifest_cache_save(m, NULL, 0), 0);
	hm_manifest_free(m);
	assert_int_equal(cache_entries(&f, &c), 0);
	hm__hashcache_clear(&c);
	assert_int_equal(stat(f.cache, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(stat(f.file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	umask(old);

	sleep(HM_DIGEST_CACHE_RACY_SECONDS + 1);
	m = compute(&f);
	assert_int_equal(f.st.files_hashed, 3);
	/* b.bin did not match the signed manifest: not remembered */
	assert_int_equal(hm__manifest_cache_save(m, &changed, 1), 0);
	hm_manifest_free(m);
	assert_int_equal(cache_entries(&f, &c), 2);
	assert_string_equal(c.e[0].name, "a.bin");
	assert_string_equal(c.e[1].name, "c.bin");
	assert_string_equal(c.root, f.root);
	hm__hashcache_clear(&c);

	m = compute(&f);
	assert_int_equal(f.st.files_cached, 2);
	assert_int_equal(f.st.files_hashed, 1);
	assert_int_equal(f.st.bytes_hashed, 5);
	assert_int_equal(hm__manifest_cache_save(m, NULL, 0), 0);
	hm_manifest_free(m);
	assert_int_equal(cache_entries(&f, &c), 3);
	hm__hashcache_clear(&c);

	m = compute(&f);
	assert_int_equal(f.st.files_cached, 3);
	assert_int_equal(f.st.bytes_hashed, 0);
	hm_manifest_free(m);
	assert_int_equal(f.w.n, 0);
	free_fixture(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_round_trips_and_checks_everything),
		cmocka_unit_test(settled_means_older_than_the_racy_window),
		cmocka_unit_test(unchanged_files_are_not_read),
		cmocka_unit_test(content_changed_with_mtime_restored_is_hashed),
		cmocka_unit_test(file_replaced_by_one_of_the_same_size_and_mtime_is_hashed),
		cmocka_unit_test(racily_clean_entries_are_not_used),
		cmocka_unit_test(corrupt_foreign_and_misplaced_caches_are_ignored_with_a_warning),
		cmocka_unit_test(only_settled_files_that_matched_are_written_privately),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
