/*
 * The "git" member of dataset statements, on repositories the test makes:
 * committed files carry HEAD's blob ids, and each way a file can differ from
 * HEAD (modified, staged, untracked, ignored) clears "committed"; a Git LFS
 * pointer counts as committed when it names the bytes that were hashed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "testutil.h"
#include "testgit.h"
#include "internal.h"

static const char TRAIN[] = "{\"text\":\"one\"}\n{\"text\":\"two\"}\n";
static const char EVAL[] = "[{\"text\":\"three\"}]";

/* A repository with data/train.jsonl and data/eval.json committed, and an origin with a token. */
static char *repo(void)
{
	char *dir = tu_tmpdir();

	tg_git(dir, "init -q");
	assert_int_equal(mkdir(tu_path(dir, "data"), 0755), 0);
	tu_write(tu_path(dir, "data/train.jsonl"), TRAIN, strlen(TRAIN));
	tu_write(tu_path(dir, "data/eval.json"), EVAL, strlen(EVAL));
	tu_write(tu_path(dir, "README"), "r\n", 2);
	tu_write(tu_path(dir, ".gitignore"), "*.tmp\n", 6);
	tg_git(dir, "add -A");
	tg_git(dir, "commit -q -m data");
	tg_git(dir, "remote add origin https://bob:hf_secret@huggingface.co/datasets/acme/x");
	return dir;
}

/* The statement's "git" member (NULL when absent); *pred keeps the predicate alive. */
static json_t *git_member(const char *path, unsigned flags, json_t **root)
{
	hm_dataset_options o = HM_DATASET_OPTIONS_INIT;
	char *text;

	o.name = "x";
	o.flags = HM_DATASET_NO_SCREENING | flags;
	if (hm_dataset_statement(&text, path, &o) != 0)
		fail_msg("hm_dataset_statement: %s", hm_error_last());
	*root = json_loads(text, 0, NULL);
	assert_non_null(*root);
	hm_free(text);
	return json_object_get(json_object_get(*root, "predicate"), "git");
}

#define STR(o, k) json_string_value(json_object_get((o), (k)))

static const json_t *file_named(const json_t *g, const char *name)
{
	size_t i;
	const json_t *f;

	json_array_foreach(json_object_get(g, "files"), i, f)
		if (strcmp(STR(f, "name"), name) == 0)
			return f;
	fail_msg("no file %s", name);
	return NULL;
}

static void committed_dataset(void **state)
{
	char *dir;
	json_t *root, *g;
	const json_t *f;

	(void)state;
	if (!tg_have_git())
		skip();
	dir = repo();
	g = git_member(tu_path(dir, "data"), 0, &root);
	assert_non_null(g);
	assert_string_equal(STR(g, "remote"), "https://huggingface.co/datasets/acme/x");
	assert_string_equal(STR(g, "commit"), tg_out(dir, "rev-parse HEAD"));
	assert_string_equal(STR(g, "path"), "data");
	assert_true(json_is_true(json_object_get(g, "committed")));
	assert_int_equal(json_array_size(json_object_get(g, "files")), 2);
	f = file_named(g, "train.jsonl");
	assert_string_equal(STR(f, "status"), "committed");
	assert_string_equal(STR(f, "blob"), tg_out(dir, "rev-parse HEAD:data/train.jsonl"));
	assert_null(json_object_get(f, "lfs"));
	f = file_named(g, "eval.json");
	assert_string_equal(STR(f, "blob"), tg_out(dir, "rev-parse HEAD:data/eval.json"));
	json_decref(root);

	/* Asked not to look: no git member. */
	g = git_member(tu_path(dir, "data"), HM_DATASET_NO_GIT, &root);
	assert_null(g);
	json_decref(root);
	free(dir);
}

static void every_difference_from_head_is_named(void **state)
{
	char *dir;
	json_t *root, *g;

	(void)state;
	if (!tg_have_git())
		skip();
	dir = repo();
	/* modified */
	tu_write(tu_path(dir, "data/train.jsonl"), "{}\n", 3);
	/* staged, never committed */
	tu_write(tu_path(dir, "data/new.jsonl"), "{}\n", 3);
	tg_git(dir, "add data/new.jsonl");
	/* untracked, in a new directory */
	assert_int_equal(mkdir(tu_path(dir, "data/extra"), 0755), 0);
	tu_write(tu_path(dir, "data/extra/more.csv"), "a\n1\n", 4);
	/* ignored (the manifest still hashes it) */
	tu_write(tu_path(dir, "data/cache.tmp"), "x", 1);
	/* a change elsewhere in the work tree does not concern the dataset */
	tu_write(tu_path(dir, "README"), "changed\n", 8);

	g = git_member(tu_path(dir, "data"), 0, &root);
	assert_true(json_is_false(json_object_get(g, "committed")));
	assert_string_equal(STR(file_named(g, "train.jsonl"), "status"), "modified");
	assert_string_equal(STR(file_named(g, "train.jsonl"), "blob"),
			    tg_out(dir, "rev-parse HEAD:data/train.jsonl"));
	assert_string_equal(STR(file_named(g, "eval.json"), "status"), "committed");
	assert_string_equal(STR(file_named(g, "new.jsonl"), "status"), "added");
	assert_true(json_is_null(json_object_get(file_named(g, "new.jsonl"), "blob")));
	assert_string_equal(STR(file_named(g, "extra/more.csv"), "status"), "untracked");
	assert_string_equal(STR(file_named(g, "cache.tmp"), "status"), "ignored");
	json_decref(root);

	/* Only the untracked file left: still not committed. */
	tg_git(dir, "checkout -q -- data/train.jsonl");
	tg_git(dir, "rm -q --cached data/new.jsonl");
	assert_int_equal(unlink(tu_path(dir, "data/new.jsonl")), 0);
	assert_int_equal(unlink(tu_path(dir, "data/cache.tmp")), 0);
	g = git_member(tu_path(dir, "data"), 0, &root);
	assert_true(json_is_false(json_object_get(g, "committed")));
	json_decref(root);
	/* And committed again once it is gone. */
	assert_int_equal(unlink(tu_path(dir, "data/extra/more.csv")), 0);
	g = git_member(tu_path(dir, "data"), 0, &root);
	assert_true(json_is_true(json_object_get(g, "committed")));
	json_decref(root);
	free(dir);
}

static void single_file_and_top_level_datasets(void **state)
{
	char *dir;
	json_t *root, *g;
	const json_t *f;

	(void)state;
	if (!tg_have_git())
		skip();
	dir = repo();
	g = git_member(tu_path(dir, "data/train.jsonl"), 0, &root);
	assert_string_equal(STR(g, "path"), "data/train.jsonl");
	f = json_array_get(json_object_get(g, "files"), 0);
	assert_string_equal(STR(f, "name"), ".");
	assert_string_equal(STR(f, "blob"), tg_out(dir, "rev-parse HEAD:data/train.jsonl"));
	assert_string_equal(STR(f, "status"), "committed");
	json_decref(root);

	/* The whole work tree as the dataset: .git and .gitignore are not resources. */
	g = git_member(dir, 0, &root);
	assert_string_equal(STR(g, "path"), "");
	assert_int_equal(json_array_size(json_object_get(g, "files")), 3);
	assert_string_equal(STR(file_named(g, "data/eval.json"), "status"), "committed");
	assert_true(json_is_true(json_object_get(g, "committed")));
	json_decref(root);
	free(dir);
}

static void lfs_pointers_are_checked_against_the_hashed_bytes(void **state)
{
	static const char content[] = "{\"text\":\"big\"}\n";
	char *dir, pointer[512], hex[65];
	unsigned char md[32];
	json_t *root, *g;
	const json_t *f;

	(void)state;
	if (!tg_have_git())
		skip();
	dir = repo();
	hm__sha256(md, content, strlen(content));
	hm__hex_encode(hex, md, 32);
	snprintf(pointer, sizeof(pointer),
		 "version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %zu\n", hex,
		 strlen(content));
	/* HEAD records the pointer; the work tree holds the content, as after `git lfs pull`. */
	tu_write(tu_path(dir, "data/big.jsonl"), pointer, strlen(pointer));
	tg_git(dir, "add data/big.jsonl");
	tg_git(dir, "commit -q -m lfs");
	tu_write(tu_path(dir, "data/big.jsonl"), content, strlen(content));
	g = git_member(tu_path(dir, "data"), 0, &root);
	f = file_named(g, "big.jsonl");
	assert_string_equal(STR(f, "status"), "committed");
	assert_true(json_is_true(json_object_get(f, "lfs")));
	assert_string_equal(STR(f, "blob"), tg_out(dir, "rev-parse HEAD:data/big.jsonl"));
	assert_true(json_is_true(json_object_get(g, "committed")));
	json_decref(root);

	/* Other bytes than the pointer names: modified. */
	tu_write(tu_path(dir, "data/big.jsonl"), "{\"text\":\"BIG\"}\n", strlen(content));
	g = git_member(tu_path(dir, "data"), 0, &root);
	assert_string_equal(STR(file_named(g, "big.jsonl"), "status"), "modified");
	assert_true(json_is_false(json_object_get(g, "committed")));
	json_decref(root);
	free(dir);
}

static void an_unborn_repository_has_nothing_committed(void **state)
{
	char *dir;
	json_t *root, *g;

	(void)state;
	if (!tg_have_git())
		skip();
	dir = tu_tmpdir();
	tg_git(dir, "init -q");
	tu_write(tu_path(dir, "t.jsonl"), TRAIN, strlen(TRAIN));
	g = git_member(dir, 0, &root);
	assert_true(json_is_null(json_object_get(g, "commit")));
	assert_true(json_is_null(json_object_get(g, "remote")));
	assert_true(json_is_false(json_object_get(g, "committed")));
	assert_string_equal(STR(file_named(g, "t.jsonl"), "status"), "untracked");
	json_decref(root);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(committed_dataset),
		cmocka_unit_test(every_difference_from_head_is_named),
		cmocka_unit_test(single_file_and_top_level_datasets),
		cmocka_unit_test(lfs_pointers_are_checked_against_the_hashed_bytes),
		cmocka_unit_test(an_unborn_repository_has_nothing_committed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
