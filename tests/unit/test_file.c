/*
 * The shared file writer: links are followed and stay links, FIFOs are written
 * in place, temp files are removed by hm_remove_temp_files(), failures leave
 * nothing behind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "testcrypto.h"
#include "internal.h"

static int is_link(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

static void write_through_a_link_keeps_the_link(void **state)
{
	char *dir = tu_tmpdir(), *text;
	char sub[4200];

	(void)state;
	snprintf(sub, sizeof(sub), "%s/t", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	tu_write(tu_path(dir, "t/real"), "old", 3);
	assert_int_equal(symlink("t/real", tu_path(dir, "link")), 0);
	assert_hm_ok(hm_write_file(tu_path(dir, "link"), "new", 3, 0644, 1));
	assert_true(is_link(tu_path(dir, "link")));
	text = tu_read(tu_path(dir, "t/real"), NULL);
	assert_string_equal(text, "new");
	free(text);

	/*
	 * A link to nothing: without overwrite the name counts as taken (nothing
	 * is created through a link planted where a new file is expected); with
	 * it, the target is created beside the link's target.
	 */
	assert_int_equal(symlink("t/later", tu_path(dir, "dangling")), 0);
	assert_hm_err(hm_write_file(tu_path(dir, "dangling"), "x", 1, 0600, 0), HM_EEXISTS,
		      "dangling: already exists as a symbolic link");
	assert_int_equal(access(tu_path(dir, "t/later"), F_OK), -1);
	assert_hm_ok(hm_write_file(tu_path(dir, "dangling"), "x", 1, 0600, 1));
	assert_true(is_link(tu_path(dir, "dangling")));
	text = tu_read(tu_path(dir, "t/later"), NULL);
	assert_string_equal(text, "x");
	free(text);
	assert_hm_err(hm_write_file(tu_path(dir, "link"), "y", 1, 0600, 0), HM_EEXISTS,
		      "link: already exists");

	/* a loop of links is an error naming the path */
	assert_int_equal(symlink("loop2", tu_path(dir, "loop1")), 0);
	assert_int_equal(symlink("loop1", tu_path(dir, "loop2")), 0);
	assert_hm_err(hm_write_file(tu_path(dir, "loop1"), "z", 1, 0644, 1), HM_EIO, "loop1");
	assert_int_equal(tu_entries(dir), 5);
	assert_int_equal(tu_entries(sub), 2);
	tc_cleanup(dir);
}

static void fifo_is_written_in_place(void **state)
{
	char *dir = tu_tmpdir(), buf[16];
	const char *fifo = tu_path(dir, "fifo");
	struct stat st;
	pid_t pid;
	int fd, status;
	ssize_t n;

	(void)state;
	assert_int_equal(mkfifo(fifo, 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(hm_write_file(fifo, "hello", 5, 0644, 0) == 0 ? 0 : 1);
	fd = open(fifo, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(n, 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	/* a FIFO cannot be one of several files replaced together */
	{
		hm__staged *s = NULL;
		assert_hm_err(hm__stage_file(&s, fifo, "x", 1, 0644), HM_EIO, "not a regular file");
		assert_null(s);
	}
	assert_int_equal(tu_entries(dir), 1);
	tc_cleanup(dir);
}

static void directories_are_refused(void **state)
{
	char *dir = tu_tmpdir();

	(void)state;
	assert_hm_err(hm_write_file(dir, "x", 1, 0644, 1), HM_EIO, "is a directory");
	assert_int_equal(tu_entries(dir), 0);
	tc_cleanup(dir);
}

static void remove_temp_files_clears_staged_writes(void **state)
{
	char *dir = tu_tmpdir();
	hm__staged *s = NULL;

	(void)state;
	assert_hm_ok(hm__stage_file(&s, tu_path(dir, "out"), "data", 4, 0644));
	assert_int_equal(tu_entries(dir), 1); /* the temporary file */
	hm_remove_temp_files();                /* what a signal handler does */
	assert_int_equal(tu_entries(dir), 0);
	/* the commit then fails, and leaves nothing either */
	assert_hm_err(hm__commit_file(s, 1), HM_EIO, "cannot replace");
	assert_int_equal(tu_entries(dir), 0);

	/* a committed file is no longer noted: the handler leaves it alone */
	assert_hm_ok(hm_write_file(tu_path(dir, "kept"), "k", 1, 0644, 1));
	hm_remove_temp_files();
	assert_int_equal(tu_entries(dir), 1);
	tc_cleanup(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(write_through_a_link_keeps_the_link),
		cmocka_unit_test(fifo_is_written_in_place),
		cmocka_unit_test(directories_are_refused),
		cmocka_unit_test(remove_temp_files_clears_staged_writes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
