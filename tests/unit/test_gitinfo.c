/*
 * Git provenance of a path, on repositories the test makes with the git CLI:
 * clean, dirty in each way (modified, staged, untracked), ignored files not
 * counting, unborn and detached HEADs, the remote's credentials stripped, and
 * GIT_DIR in the environment not steering the lookup.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>

#include "testutil.h"
#include "testgit.h"
#include "internal.h"

/* A repository with one commit: a.txt and sub/b.txt, .gitignore ignoring *.log and tmp/. */
static char *clean_repo(void)
{
	char *dir = tu_tmpdir();

	tg_git(dir, "init -q");
	tu_write(tu_path(dir, "a.txt"), "a\n", 2);
	assert_int_equal(mkdir(tu_path(dir, "sub"), 0755), 0);
	tu_write(tu_path(dir, "sub/b.txt"), "b\n", 2);
	tu_write(tu_path(dir, ".gitignore"), "*.log\ntmp/\n", 11);
	tg_git(dir, "add -A");
	tg_git(dir, "commit -q -m first");
	return dir;
}

static hm_git_info *info(const char *path)
{
	hm_git_info *gi;

	if (hm_git_info_get(&gi, path) != 0)
		fail_msg("hm_git_info_get(%s): %s", path, hm_error_last());
	return gi;
}

static int dirty(const char *path)
{
	hm_git_info *gi = info(path);
	int d = gi->dirty;

	hm_git_info_free(gi);
	return d;
}

static void outside_a_work_tree_is_not_found(void **state)
{
	char *dir = tu_tmpdir();
	hm_git_info *gi = (hm_git_info *)1;

	(void)state;
	assert_int_equal(hm_git_info_get(&gi, dir), HM_ENOTFOUND);
	assert_null(gi);
	assert_int_equal(hm_git_info_get(&gi, "/nonexistent/x"), HM_ENOTFOUND);
	hm_git_info_free(NULL);
	free(dir);
}

static void clean_repository(void **state)
{
	char *dir, real[PATH_MAX];
	hm_git_info *gi;

	(void)state;
	if (!tg_have_git())
		skip();
	dir = clean_repo();
	tg_git(dir, "remote add origin https://alice:s3cret@example.com/org/data.git");
	gi = info(tu_path(dir, "sub/b.txt"));
	assert_non_null(realpath(dir, real));
	assert_string_equal(gi->workdir, real);
	assert_string_equal(gi->path, "sub/b.txt");
	assert_string_equal(gi->remote_name, "origin");
	assert_string_equal(gi->remote_url, "https://example.com/org/data.git");
	assert_string_equal(gi->commit, tg_out(dir, "rev-parse HEAD"));
	assert_string_equal(gi->branch, "main");
	assert_int_equal(gi->dirty, 0);
	hm_git_info_free(gi);
	gi = info(dir);
	assert_string_equal(gi->path, "");
	hm_git_info_free(gi);
	free(dir);
}

static void each_kind_of_change_makes_it_dirty(void **state)
{
	char *dir;

	(void)state;
	if (!tg_have_git())
		skip();
	dir = clean_repo();
	/* Ignored files do not count, also inside an ignored directory. */
	tu_write(tu_path(dir, "run.log"), "x", 1);
	assert_int_equal(mkdir(tu_path(dir, "tmp"), 0755), 0);
	tu_write(tu_path(dir, "tmp/scratch"), "x", 1);
	assert_int_equal(dirty(dir), 0);
	/* Modified in the work tree. */
	tu_write(tu_path(dir, "a.txt"), "changed\n", 8);
	assert_int_equal(dirty(dir), 1);
	tg_git(dir, "checkout -q -- a.txt");
	assert_int_equal(dirty(dir), 0);
	/* Staged. */
	tu_write(tu_path(dir, "a.txt"), "staged\n", 7);
	tg_git(dir, "add a.txt");
	assert_int_equal(dirty(dir), 1);
	tg_git(dir, "reset -q --hard");
	assert_int_equal(dirty(dir), 0);
	/* Untracked, not ignored, deep in a new directory. */
	assert_int_equal(mkdir(tu_path(dir, "new"), 0755), 0);
	assert_int_equal(mkdir(tu_path(dir, "new/deeper"), 0755), 0);
	tu_write(tu_path(dir, "new/deeper/c.txt"), "c", 1);
	assert_int_equal(dirty(tu_path(dir, "sub")), 1); /* anywhere in the work tree */
	assert_int_equal(unlink(tu_path(dir, "new/deeper/c.txt")), 0);
	assert_int_equal(dirty(dir), 0);
	/* Deleted. */
	assert_int_equal(unlink(tu_path(dir, "sub/b.txt")), 0);
	assert_int_equal(dirty(dir), 1);
	free(dir);
}

static void unborn_and_detached_heads(void **state)
{
	char *dir;
	hm_git_info *gi;
	char head[64];

	(void)state;
	if (!tg_have_git())
		skip();
	dir = tu_tmpdir();
	tg_git(dir, "init -q");
	gi = info(dir);
	assert_null(gi->commit);
	assert_null(gi->branch);
	assert_null(gi->remote_name);
	assert_null(gi->remote_url);
	assert_int_equal(gi->dirty, 0);
	hm_git_info_free(gi);
	tu_write(tu_path(dir, "a.txt"), "a\n", 2);
	assert_int_equal(dirty(dir), 1);
	tg_git(dir, "add a.txt");
	tg_git(dir, "commit -q -m one");
	strcpy(head, tg_out(dir, "rev-parse HEAD"));
	tg_git(dir, "checkout -q --detach");
	gi = info(dir);
	assert_string_equal(gi->commit, head);
	assert_null(gi->branch);
	hm_git_info_free(gi);
	free(dir);
}

static void origin_else_the_first_remote_by_name(void **state)
{
	char *dir;
	hm_git_info *gi;

	(void)state;
	if (!tg_have_git())
		skip();
	dir = clean_repo();
	tg_git(dir, "remote add zeta https://example.com/zeta.git");
	tg_git(dir, "remote add upstream ssh://git@example.com/org/data.git");
	tg_git(dir, "remote set-url --add --push upstream https://u:p@example.com/push.git");
	gi = info(dir);
	assert_string_equal(gi->remote_name, "upstream"); /* sorts before zeta */
	assert_string_equal(gi->remote_url, "ssh://git@example.com/org/data.git");
	hm_git_info_free(gi);
	/* origin wins whatever its name sorts like */
	tg_git(dir, "remote add origin https://example.com/origin.git");
	gi = info(dir);
	assert_string_equal(gi->remote_name, "origin");
	assert_string_equal(gi->remote_url, "https://example.com/origin.git");
	hm_git_info_free(gi);
	free(dir);
}

static void git_dir_in_the_environment_is_ignored(void **state)
{
	char *a, *b, real[PATH_MAX];
	hm_git_info *gi;

	(void)state;
	if (!tg_have_git())
		skip();
	a = clean_repo();
	b = clean_repo();
	setenv("GIT_DIR", tu_path(b, ".git"), 1);
	setenv("GIT_WORK_TREE", b, 1);
	gi = info(a);
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	assert_non_null(realpath(a, real));
	assert_string_equal(gi->workdir, real);
	hm_git_info_free(gi);
	free(a);
	free(b);
}

static void credentials_are_stripped_from_urls(void **state)
{
	static const char *const cases[][2] = {
		{ "https://alice:s3cret@example.com/o/r.git", "https://example.com/o/r.git" },
		{ "https://ghp_TOKEN@github.com/o/r", "https://github.com/o/r" },
		{ "http://u:p@host:8080/x", "http://host:8080/x" },
		{ "HTTPS://x-access-token:t@github.com/o/r", "HTTPS://github.com/o/r" },
		{ "https://a@b:c@host/x", "https://host/x" },
		{ "ssh://git@github.com/o/r.git", "ssh://git@github.com/o/r.git" },
		{ "ssh://git:pw@github.com/o/r.git", "ssh://github.com/o/r.git" },
		{ "git+ssh://git@host/r", "git+ssh://git@host/r" },
		{ "git@github.com:o/r.git", "git@github.com:o/r.git" },
		{ "https://example.com/a@b", "https://example.com/a@b" },
		{ "https://example.com?x=@", "https://example.com?x=@" },
		{ "/srv/git/r.git", "/srv/git/r.git" },
		{ "file:///srv/git/r.git", "file:///srv/git/r.git" },
		{ "", "" },
	};
	size_t i;
	char *out;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(hm_url_strip_credentials(&out, cases[i][0]), 0);
		if (strcmp(out, cases[i][1]) != 0)
			fail_msg("%s -> %s, not %s", cases[i][0], out, cases[i][1]);
		hm_free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(outside_a_work_tree_is_not_found),
		cmocka_unit_test(clean_repository),
		cmocka_unit_test(each_kind_of_change_makes_it_dirty),
		cmocka_unit_test(unborn_and_detached_heads),
		cmocka_unit_test(origin_else_the_first_remote_by_name),
		cmocka_unit_test(git_dir_in_the_environment_is_ignored),
		cmocka_unit_test(credentials_are_stripped_from_urls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
