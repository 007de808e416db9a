/*
 * Mapped hashing (hm_hash_mmap_enable): the same digests as reading, a file
 * truncated under its mapping reported as changed (not a crash), every other
 * SIGBUS passed on to whatever handled it before, and reading again when the
 * application has replaced our handler.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "mapguard.h"

#include <hallmark.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define MiB (1024 * 1024)

static void write_pattern(const char *path, size_t size, unsigned seed)
{
	unsigned char *d = malloc(size ? size : 1);
	size_t i;

	assert_non_null(d);
	for (i = 0; i < size; i++)
		d[i] = (unsigned char)((i * 2654435761u) >> 13 ^ seed);
	tu_write(path, d, size);
	free(d);
}

static hm_manifest *compute(const char *path, unsigned int jobs)
{
	hm_digest_options o = HM_DIGEST_OPTIONS_INIT;
	hm_manifest *m = NULL;

	o.jobs = jobs;
	if (hm_manifest_compute(&m, path, &o) != 0)
		fail_msg("%s: %s", path, hm_error_last());
	return m;
}

static void drop(char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	tu_sh(cmd);
	free(dir);
}

/* Sizes around the 1 MiB threshold and the 4 MiB window. */
static void mapped_digests_equal_read_digests(void **state)
{
	static const size_t sizes[] = { 0,	   1,	    MiB,	 MiB + 1,
					 4 * MiB, 4 * MiB + 1, 9 * MiB + 123, 13 * MiB };
	static const unsigned int jobs[] = { 1, 2, 3 }; /* never twice the 8 files: no reader */
	char *dir = tu_tmpdir(), name[64], hex[80], cmd[4300];
	hm_manifest *read_m, *m;
	unsigned long before;
	size_t i, k;
	FILE *p;

	(void)state;
	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "f%zu.bin", i);
		write_pattern(tu_path(dir, name), sizes[i], (unsigned)i);
	}
	hm_hash_mmap_disable();
	before = hm__mapguard_mapped_files();
	read_m = compute(dir, 1);
	assert_int_equal(hm__mapguard_mapped_files(), before);

	assert_int_equal(hm_hash_mmap_enable(), 0);
	for (k = 0; k < sizeof(jobs) / sizeof(jobs[0]); k++) {
		before = hm__mapguard_mapped_files();
		m = compute(dir, jobs[k]);
		/* The five files above 1 MiB were mapped, the three others read. */
		assert_int_equal(hm__mapguard_mapped_files() - before, 5);
		assert_string_equal(hm_manifest_root(m), hm_manifest_root(read_m));
		for (i = 0; i < 8; i++)
			assert_string_equal(hm_manifest_resource_digest(m, i),
					    hm_manifest_resource_digest(read_m, i));
		hm_manifest_free(m);
	}
	/* And an implementation that is not ours agrees on the odd-sized one. */
	if (tu_sh("openssl version >/dev/null 2>&1") == 0) {
		snprintf(cmd, sizeof(cmd), "openssl dgst -sha256 -r '%s'", tu_path(dir, "f6.bin"));
		p = popen(cmd, "r");
		assert_non_null(p);
		assert_non_null(fgets(hex, sizeof(hex), p));
		pclose(p);
		hex[64] = '\0';
		assert_string_equal(hm_manifest_resource_digest(read_m, 6), hex);
	}
	hm_hash_mmap_disable();
	hm_manifest_free(read_m);
	drop(dir);
}

struct cut {
	const char *path;
	off_t to;
	int calls;
};

/* On the first progress report (one 4 MiB window hashed) the file is cut short. */
static void cut_on_first_progress(uint64_t done, uint64_t total, void *payload)
{
	struct cut *c = payload;

	(void)done;
	(void)total;
	if (c->calls++ == 0)
		assert_int_equal(truncate(c->path, c->to), 0);
}

static void truncated_while_mapped_is_an_error_not_a_crash(void **state)
{
	static const off_t cuts[] = { 0, 6 * MiB, 4 * MiB + 1 };
	hm_digest_options o = HM_DIGEST_OPTIONS_INIT;
	char *dir = tu_tmpdir(), path[4200];
	struct cut c;
	hm_manifest *m;
	unsigned long caught, mapped;
	size_t i;

	(void)state;
	snprintf(path, sizeof(path), "%s/big.bin", dir);
	o.jobs = 1;
	o.progress = cut_on_first_progress;
	o.progress_payload = &c;
	assert_int_equal(hm_hash_mmap_enable(), 0);
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		write_pattern(path, 16 * MiB, 7);
		c.path = path;
		c.to = cuts[i];
		c.calls = 0;
		caught = hm__mapguard_caught();
		mapped = hm__mapguard_mapped_files();
		m = (hm_manifest *)1;
		assert_int_equal(hm_manifest_compute(&m, path, &o), HM_EIO);
		assert_null(m);
		assert_int_equal(hm__mapguard_mapped_files() - mapped, 1);
		/* The next window lies past the new end: its first access faulted. */
		assert_int_equal(hm__mapguard_caught() - caught, 1);
		if (!strstr(hm_error_last(), path) ||
		    !strstr(hm_error_last(), "changed while it was hashed") ||
		    !strstr(hm_error_last(), "size 16777216 bytes when opened"))
			fail_msg("unexpected message: %s", hm_error_last());
	}
	/* The guard leaves the thread usable: the same file, whole again, hashes. */
	write_pattern(path, 16 * MiB, 7);
	m = compute(path, 1);
	hm_manifest_free(m);
	hm_hash_mmap_disable();
	drop(dir);
}

/* ---- SIGBUS that is not ours ---- */

static sigjmp_buf test_jb;
static volatile sig_atomic_t test_code, test_calls;

static void test_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	test_calls++;
	test_code = si->si_code;
	siglongjmp(test_jb, 1);
}

/* A page of a file, mapped, then the file emptied: touching it faults. */
static volatile const char *doomed_page(const char *dir)
{
	const char *path = tu_path(dir, "doomed");
	char *map;
	int fd;

	write_pattern(path, 8192, 1);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	map = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
	assert_true(map != MAP_FAILED);
	close(fd);
	assert_int_equal(truncate(path, 0), 0);
	return map;
}

static void other_sigbus_reaches_the_previous_handler(void **state)
{
	struct sigaction sa, cur;
	char *dir = tu_tmpdir();
	volatile const char *page;
	volatile char sink;

	(void)state;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = test_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGBUS, &sa, NULL), 0);
	assert_int_equal(hm_hash_mmap_enable(), 0);
	assert_int_equal(sigaction(SIGBUS, NULL, &cur), 0);
	assert_true(cur.sa_sigaction != test_handler); /* ours is in front */

	test_calls = 0;
	if (sigsetjmp(test_jb, 1) == 0)
		raise(SIGBUS);
	assert_int_equal(test_calls, 1);
	assert_true(test_code <= 0); /* sent, not a fault */

	page = doomed_page(dir);
	if (sigsetjmp(test_jb, 1) == 0)
		sink = page[100]; /* a fault outside any window of ours */
	(void)sink;
	assert_int_equal(test_calls, 2);
	assert_int_equal(test_code, BUS_ADRERR);
	munmap((void *)page, 8192);

	hm_hash_mmap_disable(); /* puts the test's handler back */
	assert_int_equal(sigaction(SIGBUS, NULL, &cur), 0);
	assert_true((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == test_handler);
	drop(dir);
}

/* In a child: with `before` installed, enable, then `how` (0 raise, 1 fault). Its wait status. */
static int child_status(void (*before)(int), int how, const char *dir)
{
	volatile const char *page;
	volatile char sink;
	int status;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGBUS, before);
		if (hm_hash_mmap_enable() != 0)
			_exit(3);
		if (how == 0) {
			raise(SIGBUS);
		} else {
			page = doomed_page(dir);
			sink = page[0];
			(void)sink;
		}
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void default_and_ignored_dispositions_keep_their_meaning(void **state)
{
	char *dir = tu_tmpdir();
	int st;

	(void)state;
	st = child_status(SIG_DFL, 0, dir); /* raise with the default: killed */
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS);
	st = child_status(SIG_DFL, 1, dir); /* a fault not ours: killed, as without us */
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS);
	st = child_status(SIG_IGN, 0, dir); /* ignored before: still ignored */
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = child_status(SIG_IGN, 1, dir); /* but a fault cannot be ignored */
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS);
	drop(dir);
}

/*
 * An application that replaces our handler after enabling gets reads, not an
 * unguarded mapping: the same cut then ends in an error, not a SIGBUS death.
 */
static void replaced_handler_means_reading(void **state)
{
	hm_digest_options o = HM_DIGEST_OPTIONS_INIT;
	char *dir = tu_tmpdir(), path[4200];
	unsigned long mapped;
	struct cut c;
	hm_manifest *m;

	(void)state;
	snprintf(path, sizeof(path), "%s/big.bin", dir);
	write_pattern(path, 16 * MiB, 3);
	assert_int_equal(hm_hash_mmap_enable(), 0);
	signal(SIGBUS, SIG_DFL);
	mapped = hm__mapguard_mapped_files();
	o.jobs = 1;
	o.progress = cut_on_first_progress;
	o.progress_payload = &c;
	c.path = path;
	c.to = 6 * MiB;
	c.calls = 0;
	assert_int_equal(hm_manifest_compute(&m, path, &o), HM_EIO);
	assert_non_null(strstr(hm_error_last(), "changed while it was hashed"));
	assert_int_equal(hm__mapguard_mapped_files(), mapped);
	/* Enabling again puts the guard back in front. */
	write_pattern(path, 16 * MiB, 3);
	assert_int_equal(hm_hash_mmap_enable(), 0);
	m = compute(path, 1);
	assert_int_equal(hm__mapguard_mapped_files() - mapped, 1);
	hm_manifest_free(m);
	hm_hash_mmap_disable();
	drop(dir);
}

/*
 * A thread that blocks SIGBUS would be killed by a fault however the handler
 * is set: with the signal blocked (here in a child, as a parent's mask would
 * be inherited), the engine reads, and the cut is an error, not a death.
 */
static void blocked_sigbus_means_reading(void **state)
{
	hm_digest_options o = HM_DIGEST_OPTIONS_INIT;
	char *dir = tu_tmpdir(), path[4200];
	struct cut c;
	hm_manifest *m;
	sigset_t set;
	int status;
	pid_t pid;

	(void)state;
	snprintf(path, sizeof(path), "%s/big.bin", dir);
	write_pattern(path, 16 * MiB, 5);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		unsigned long mapped;

		sigemptyset(&set);
		sigaddset(&set, SIGBUS);
		if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 || hm_hash_mmap_enable() != 0)
			_exit(3);
		mapped = hm__mapguard_mapped_files();
		o.jobs = 1; /* not 2: one file would then get a reader thread, not a mapping */
		o.progress = cut_on_first_progress;
		o.progress_payload = &c;
		c.path = path;
		c.to = 6 * MiB;
		c.calls = 0;
		if (hm_manifest_compute(&m, path, &o) != HM_EIO ||
		    !strstr(hm_error_last(), "changed while it was hashed"))
			_exit(4);
		_exit(hm__mapguard_mapped_files() == mapped ? 0 : 5);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("child: %s %d", WIFEXITED(status) ? "exit" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	drop(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mapped_digests_equal_read_digests),
		cmocka_unit_test(truncated_while_mapped_is_an_error_not_a_crash),
		cmocka_unit_test(other_sigbus_reaches_the_previous_handler),
		cmocka_unit_test(default_and_ignored_dispositions_keep_their_meaning),
		cmocka_unit_test(replaced_handler_means_reading),
		cmocka_unit_test(blocked_sigbus_means_reading),
	};

	hm_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
