/*
 * Model manifests (OMS v1.0 files serialization): digests checked against the
 * openssl CLI, the component sort, ignores, refusals of bad input, files that
 * change while hashed, parallel == serial, the predicate, statement and
 * comparison with a signed predicate.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <hallmark.h>
#include <jansson.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

/* ---- helpers ---- */

static void mkdir_p(const char *dir, const char *rel)
{
	char cmd[8192];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", dir, rel);
	assert_int_equal(tu_sh(cmd), 0);
}

static void put(const char *dir, const char *rel, const char *text)
{
	tu_write(tu_path(dir, rel), text, strlen(text));
}

static int have_openssl(void)
{
	if (tu_sh("openssl version >/dev/null 2>&1") == 0)
		return 1;
	fprintf(stderr, "# skip: openssl is not on PATH\n");
	return 0;
}

/* Hex SHA-256 of a file by the openssl CLI (an implementation independent of ours). */
static void openssl_hex(char out[65], const char *path)
{
	char cmd[8192];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "openssl dgst -sha256 -r '%s'", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(out, 65, p));
	assert_int_equal(pclose(p), 0);
	assert_int_equal(strlen(out), 64);
}

static int hexval(char c)
{
	return c >= 'a' ? c - 'a' + 10 : c - '0';
}

/*
 * The OMS root computed with the openssl CLI alone: each file's digest, the raw
 * digests concatenated in the order given, SHA-256 of that.
 */
static void openssl_root(char out[65], const char *dir, const char *const *names, size_t n)
{
	char cat[] = "/tmp/hm-test-concat-XXXXXX", hex[65];
	int fd = mkstemp(cat);
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	size_t i, j;

	assert_non_null(f);
	for (i = 0; i < n; i++) {
		openssl_hex(hex, strcmp(names[i], ".") == 0 ? dir : tu_path(dir, names[i]));
		for (j = 0; j < 32; j++)
			fputc(hexval(hex[2 * j]) << 4 | hexval(hex[2 * j + 1]), f);
	}
	assert_int_equal(fclose(f), 0);
	openssl_hex(out, cat);
	unlink(cat);
}

/* A model directory inside a fresh temp dir, so that "../" holds scratch files. */
static char *model_dir(void)
{
	char *t = tu_tmpdir();
	char *m = malloc(4096);

	snprintf(m, 4096, "%s/model", t);
	assert_int_equal(mkdir(m, 0755), 0);
	free(t);
	return m;
}

/* Removes a model_dir() and its temp parent (scratch files included), and frees it. */
static void drop(char *dir)
{
	char cmd[8400];
	size_t l = strlen(dir);

	if (l > 6 && strcmp(dir + l - 6, "/model") == 0) {
		dir[l - 6] = '\0';
		snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", dir, dir);
		tu_sh(cmd);
	}
	free(dir);
}

static void assert_names(const hm_manifest *m, const char *const *names, size_t n)
{
	size_t i;

	assert_int_equal(hm_manifest_count(m), n);
	for (i = 0; i < n; i++)
		assert_string_equal(hm_manifest_resource_name(m, i), names[i]);
}

/* Computes and expects failure with code; the message must contain every given part. */
static void expect_error(const char *path, const hm_digest_options *o, int code, ...)
{
	hm_manifest *m = (hm_manifest *)1;
	const char *part;
	va_list ap;

	assert_int_equal(hm_manifest_compute(&m, path, o), code);
	assert_null(m);
	va_start(ap, code);
	while ((part = va_arg(ap, const char *)) != NULL) {
		if (!strstr(hm_error_last(), part))
			fail_msg("error \"%s\" does not contain \"%s\"", hm_error_last(), part);
	}
	va_end(ap);
}

/* ---- digests and order ---- */

static void digest_equals_openssl_cli_in_component_order(void **state)
{
	/* The order OMS needs: component by component, bytes unsigned ("é" = c3 a9 > "z"). */
	static const char *const order[] = { "a/b",   "a-b/c",	      "ab", "empty",
					     "sub/deep/big", "z", "\xc3\xa9" };
	char *dir = model_dir(), root[65], hex[65];
	char big[200000];
	hm_manifest *m;
	size_t i;

	(void)state;
	if (!have_openssl())
		skip();
	mkdir_p(dir, "a");
	mkdir_p(dir, "a-b");
	mkdir_p(dir, "sub/deep");
	mkdir_p(dir, "emptydir/inner");
	put(dir, "a/b", "first\n");
	put(dir, "a-b/c", "second\n");
	put(dir, "ab", "third\n");
	put(dir, "empty", "");
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + i / 251);
	tu_write(tu_path(dir, "sub/deep/big"), big, sizeof(big));
	put(dir, "z", "zed");
	put(dir, "\xc3\xa9", "accent");

	assert_int_equal(hm_manifest_compute(&m, dir, NULL), 0);
	assert_names(m, order, 7);
	for (i = 0; i < 7; i++) {
		openssl_hex(hex, tu_path(dir, order[i]));
		assert_string_equal(hm_manifest_resource_digest(m, i), hex);
	}
	openssl_root(root, dir, order, 7);
	assert_string_equal(hm_manifest_root(m), root);
	assert_string_equal(hm_manifest_name(m), "model");
	assert_int_equal(hm_manifest_resource_size(m, 4), sizeof(big));
	assert_int_equal(hm_manifest_resource_size(m, 3), 0);
	assert_int_equal(hm_manifest_total_bytes(m), 6 + 7 + 6 + 0 + sizeof(big) + 3 + 6);
	assert_null(hm_manifest_resource_name(m, 7));
	hm_manifest_free(m);
	drop(dir);
}

static void single_file_is_one_resource_named_dot(void **state)
{
	static const char *const dot[] = { "." };
	char *dir = model_dir(), root[65], path[4200];
	hm_manifest *m;

	(void)state;
	if (!have_openssl())
		skip();
	snprintf(path, sizeof(path), "%s/weights.bin", dir);
	put(dir, "weights.bin", "tensor bytes");
	assert_int_equal(hm_manifest_compute(&m, path, NULL), 0);
	assert_names(m, dot, 1);
	assert_string_equal(hm_manifest_name(m), "weights.bin");
	openssl_root(root, path, dot, 1);
	assert_string_equal(hm_manifest_root(m), root);
	hm_manifest_free(m);
	drop(dir);
}

static void name_is_the_last_component_as_given(void **state)
{
	char *dir = model_dir(), path[4200];
	hm_manifest *m;

	(void)state;
	put(dir, "f", "x");
	snprintf(path, sizeof(path), "%s///", dir);
	assert_int_equal(hm_manifest_compute(&m, path, NULL), 0);
	assert_string_equal(hm_manifest_name(m), "model");
	hm_manifest_free(m);
	snprintf(path, sizeof(path), "%s/.", dir);
	assert_int_equal(hm_manifest_compute(&m, path, NULL), 0);
	assert_string_equal(hm_manifest_name(m), "model");
	hm_manifest_free(m);
	drop(dir);
}

/* ---- ignores ---- */

static void default_ignores_apply_at_the_top_level_only(void **state)
{
	static const char *const kept[] = { "sub/.git/x", "sub/.gitignore", "w" };
	static const char *const all[] = { ".git/config", ".gitattributes", ".github/ci.yml",
					   ".gitignore", "sub/.git/x", "sub/.gitignore", "w" };
	hm_digest_options o = HM_DIGEST_OPTIONS_INIT;
	char *dir = model_dir();
	hm_manifest *m;

	(void)state;
	mkdir_p(dir, ".git");
	mkdir_p(dir, ".github");
	mkdir_p(dir, "sub/.git");
	put(dir, ".git/config", "c");
	put(dir, ".gitattributes", "*.bin filter=lfs");
	put(dir, ".github/ci.yml", "on: push");
	put(dir, ".gitignore", "*.tmp");
	put(dir, "sub/.git/x", "x");
	put(dir, "sub/.gitignore", "y");
	put(dir, "w", "weights");
	assert_int_equal(hm_manifest_compute(&m, dir, NULL), 0);
	assert_names(m, kept, 3);
	hm_manifest_free(m);

	o.include_git_paths = 1;
	assert_int_equal(hm_manifest_compute(&m, dir, &o), 0);
	assert_names(m, all, 7);
	hm_manifest_free(m);
	drop(dir);
}

/*
 * The download cache `huggingface-cli download --local-dir` leaves: left out
 * by default, recorded as one default row and in ignore_paths; the same kind
 * when a signed list spells it out; other caches and nested ones are hashed.
 */
static void download_cache_is_a_default_ignore(void **state)
{
	static const char *const kept[] = { ".cache/other/x", "model.safetensors",
					    "sub/.cache/huggingface/y" };
	static const struct row {
		const char *name;
		hm_uncovered_kind kind;
	} rows[] = { { ".cache/huggingface/", HM_UNCOVERED_DEFAULT } };
	const char *signed_ign[] = { ".cache/huggingface" };
	hm_digest_options o = HM_DIGEST_OPTIONS_INIT;
	char *dir = model_dir(), *pred;
	hm_uncovered_kind kind;
	hm_manifest *m;
	char root[65];

	(void)state;
	mkdir_p(dir, ".cache/huggingface/download");
	mkdir_p(dir, ".cache/other");
	mkdir_p(dir, "sub/.cache/huggingface");
	put(dir, ".cache/huggingface/.gitignore", "*");
	put(dir, ".cache/huggingface/download/model.safetensors.metadata", "abc\n123\n");
	put(dir, ".cache/huggingface/download/model.safetensors.lock", "");
	put(dir, ".cache/other/x", "x");
	put(dir, "sub/.cache/huggingface/y", "y");
	put(dir, "model.safetensors", "weights");
	assert_int_equal(hm_manifest_compute(&m, dir, NULL), 0);
	assert_names(m, kept, 3);
	assert_int_equal(hm_manifest_uncovered_count(m), 1);
	assert_string_equal(hm_manifest_uncovered(m, 0, NULL, &kind), rows[0].name);
	assert_int_equal(kind, rows[0].kind);
	memcpy(root, hm_manifest_root(m), 65);
	assert_int_equal(hm_manifest_predicate_json(&pred, m), 0);
	assert_non_null(strstr(pred, "\"ignore_paths\":[\".cache/huggingface\",\".git\""));
	hm_free(pred);
	hm_manifest_free(m);

	/* As verify rehashes: the signed list as given, no defaults added. */
	o.ignore = signed_ign;
	o.nignore = 1;
	o.include_git_paths = 1;
	assert_int_equal(hm_manifest_compute(&m, dir, &o), 0);
	assert_string_equal(hm_manifest_root(m), root);
	assert_string_equal(hm_manifest_uncovered(m, 0, NULL, &kind), rows[0].name);
	assert_int_equal(kind, HM_UNCOVERED_DEFAULT);
	hm_manifest_free(m);

	/* No defaults at all: the cache is hashed. */
	o.nignore = 0;
	assert_int_equal(hm_manifest_compute(&m, dir, &o), 0);
	assert_int_equal(hm_manifest_count(m), 6);
	hm_manifest_free(m);
	drop(dir);
}

static void explicit_ignores_drop_files_and_whole_directories(void **state)
{
	static const char *const kept[] = { "a/c", "keep", "subdir" };
	const char *ign[] = { "./a/b", "sub/", "missing/file" };
	hm_digest_options o = HM_DIGEST_OPTIONS_INIT;
	char *dir = model_dir(), *pred;
	json_t *j, *ip;
	hm_manifest *m;

	(void)state;
	mkdir_p(dir, "a");
	mkdir_p(dir, "sub/deeper");
	put(dir, "a/b", "ignored file");
	put(dir, "a/c", "kept");
	put(dir, "sub/one", "ignored");
	put(dir, "sub/deeper/two", "ignored too");
	put(dir, "subdir", "not under sub/: a sibling with a longer name");
	put(dir, "keep", "kept");
	o.ignore = ign;
	o.nignore = 3;
	assert_int_equal(hm_manifest_compute(&m, dir, &o), 0);
	assert_names(m, kept, 3);

	/* The predicate records the defaults and the caller's, normalized and sorted. */
	assert_int_equal(hm_manifest_predicate_json(&pred, m), 0);
	j = json_loads(pred, 0, NULL);
	assert_non_null(j);
	ip = json_object_get(json_object_get(j, "serialization"), "ignore_paths");
	assert_int_equal(json_array_size(ip), 8);
	assert_string_equal(json_string_value(json_array_get(ip, 0)), ".cache/huggingface");
	assert_string_equal(json_string_value(json_array_get(ip, 1)), ".git");
	assert_string_equal(json_string_value(json_array_get(ip, 2)), ".gitattributes");
	assert_string_equal(json_string_value(json_array_get(ip, 3)), ".github");
	assert_string_equal(json_string_value(json_array_get(ip, 4)), ".gitignore");
	assert_string_equal(json_string_value(json_array_get(ip, 5)), "a/b");
	assert_string_equal(json_string_value(json_array_get(ip, 6)), "missing/file");
	assert_string_equal(json_string_value(json_array_get(ip, 7)), "sub");
	json_decref(j);
	hm_free(pred);
	hm_manifest_free(m);
	drop(dir);
}

static void bad_ignore_paths_are_rejected(void **state)
{
	const char *dotdot[] = { "a/../../etc" };
	const char *absolute[] = { "/etc/passwd" };
	const char *rootself[] = { "./" };
	hm_digest_options o = HM_DIGEST_OPTIONS_INIT;
	char *dir = model_dir();

	(void)state;
	put(dir, "f", "x");
	o.nignore = 1;
	o.ignore = dotdot;
	expect_error(dir, &o, HM_EINVAL, "a/../../etc", "\"..\"", NULL);
	o.ignore = absolute;
	expect_error(dir, &o, HM_EINVAL, "/etc/passwd", "relative", NULL);
	o.ignore = rootself;
	expect_error(dir, &o, HM_EINVAL, "root itself", NULL);
	drop(dir);
}

/* ---- refusals ---- */

static void fifo_is_refused_without_being_opened(void **state)
{
	char *dir = model_dir(), path[4200];

	(void)state;
	put(dir, "ok", "x");
	assert_int_equal(mkfifo(tu_path(dir, "pipe"), 0644), 0);
	/* Opening a FIFO with no writer for reading would block this test forever. */
	alarm(20);
	snprintf(path, sizeof(path), "%s/pipe", dir);
	expect_error(dir, NULL, HM_EUNSUPPORTED, path, "FIFO", NULL);
	expect_error(path, NULL, HM_EUNSUPPORTED, path, "FIFO", NULL); /* as the root too */
	alarm(0);
	drop(dir);
}

static void socket_is_refused(void **state)
{
	struct sockaddr_un sa;
	char *dir = model_dir(), path[4200];
	int s;

	(void)state;
	put(dir, "ok", "x");
	snprintf(path, sizeof(path), "%s/sock", dir);
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "# skip: temp path too long for a unix socket\n");
		drop(dir);
		skip();
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, path);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(s >= 0);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	expect_error(dir, NULL, HM_EUNSUPPORTED, path, "socket", NULL);
	close(s);
	drop(dir);
}

static void device_is_refused(void **state)
{
	(void)state;
	expect_error("/dev/null", NULL, HM_EUNSUPPORTED, "/dev/null", "character device", NULL);
}

static void symlinks_refused_unless_allowed_and_never_outside(void **state)
{
	static const char *const allowed[] = { "d/f", "link", "real" };
	hm_digest_options o = HM_DIGEST_OPTIONS_INIT;
	char *dir = model_dir(), path[4200];
	hm_manifest *m;

	(void)state;
	mkdir_p(dir, "d");
	put(dir, "real", "content");
	put(dir, "d/f", "in a directory");
	assert_int_equal(symlink("real", tu_path(dir, "link")), 0);
	assert_int_equal(symlink("d", tu_path(dir, "dirlink")), 0);
	snprintf(path, sizeof(path), "%s/dirlink", dir);
	expect_error(dir, NULL, HM_EUNSUPPORTED, path, "symbolic link", NULL);

	/* Allowed: a file link is hashed under its own name; a directory link is not descended. */
	o.allow_symlinks = 1;
	assert_int_equal(hm_manifest_compute(&m, dir, &o), 0);
	assert_names(m, allowed, 3);
	assert_string_equal(hm_manifest_resource_digest(m, 1), hm_manifest_resource_digest(m, 2));
	hm_manifest_free(m);

	/* Escapes are refused even when allowed: relative, absolute, through a directory. */
	put(dir, "../outside", "secret");
	assert_int_equal(symlink("../outside", tu_path(dir, "esc")), 0);
	snprintf(path, sizeof(path), "%s/esc", dir);
	expect_error(dir, &o, HM_EUNSUPPORTED, path, "outside the model root", NULL);
	unlink(path);
	assert_int_equal(symlink("/etc", tu_path(dir, "etc")), 0);
	snprintf(path, sizeof(path), "%s/etc", dir);
	expect_error(dir, &o, HM_EUNSUPPORTED, path, "outside the model root", NULL);
	unlink(path);

	/* Dangling. */
	assert_int_equal(symlink("nowhere", tu_path(dir, "dangling")), 0);
	snprintf(path, sizeof(path), "%s/dangling", dir);
	expect_error(dir, &o, HM_EUNSUPPORTED, path, "dangling", NULL);
	unlink(path);
	drop(dir);
}

static void empty_directory_is_an_error(void **state)
{
	const char *all[] = { "only" };
	hm_digest_options o = HM_DIGEST_OPTIONS_INIT;
	char *dir = model_dir();

	(void)state;
	expect_error(dir, NULL, HM_ENOTFOUND, dir, "no files", NULL);
	mkdir_p(dir, "a/b/c"); /* directories alone are not content */
	mkdir_p(dir, ".git");
	put(dir, ".git/HEAD", "ref: main");
	expect_error(dir, NULL, HM_ENOTFOUND, dir, "no files", NULL);
	put(dir, "only", "x");
	o.ignore = all;
	o.nignore = 1;
	expect_error(dir, &o, HM_ENOTFOUND, dir, "ignored", NULL);
	expect_error(tu_path(dir, "absent"), NULL, HM_ENOTFOUND, "absent", NULL);
	drop(dir);
}

/* Runs compute in the current process and writes "code\nmessage" to fd. */
static void report_compute(int fd, const char *path)
{
	hm_manifest *m;
	char buf[1200];
	int rc = hm_manifest_compute(&m, path, NULL), n;

	n = snprintf(buf, sizeof(buf), "%d\n%s", rc, rc < 0 ? hm_error_last() : "");
	if (write(fd, buf, (size_t)n) != n)
		_exit(3);
	hm_manifest_free(m);
}

/*
 * Unreadable files and directories are named. Root reads anything, so as root
 * the check runs in a child that drops to uid/gid 65534 (skipped if it cannot).
 */
static void unreadable_file_and_directory_are_named(void **state)
{
	char *dir = model_dir(), out[1300], fpath[4200], dpath[4200];
	const char *which[2] = { fpath, dpath };
	int i;

	(void)state;
	put(dir, "ok", "x");
	put(dir, "secret", "no read");
	mkdir_p(dir, "locked");
	put(dir, "locked/f", "y");
	snprintf(fpath, sizeof(fpath), "%s/secret", dir);
	snprintf(dpath, sizeof(dpath), "%s/locked", dir);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(chmod(tu_path(dir, ".."), 0755), 0);
	for (i = 0; i < 2; i++) {
		int p[2], st;
		ssize_t n;
		pid_t pid;

		/* One unreadable thing at a time, so the message is about it. */
		assert_int_equal(chmod(fpath, i == 0 ? 0000 : 0644), 0);
		assert_int_equal(chmod(dpath, i == 1 ? 0000 : 0755), 0);
		assert_int_equal(pipe(p), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(p[0]);
			if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
				_exit(2);
			report_compute(p[1], dir);
			_exit(0);
		}
		close(p[1]);
		n = read(p[0], out, sizeof(out) - 1);
		close(p[0]);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 2) {
			fprintf(stderr, "# skip: running as root and cannot drop to uid 65534, and "
					"root reads anything\n");
			chmod(dpath, 0755);
			drop(dir);
			skip();
		}
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		assert_true(n > 0);
		out[n] = '\0';
		assert_int_equal(atoi(out), HM_EIO);
		if (!strstr(out, which[i]) || !strstr(out, "Permission denied"))
			fail_msg("unexpected message: %s", out);
	}
	chmod(dpath, 0755);
	drop(dir);
}

/* ---- files that change while hashed ---- */

struct mutate {
	const char *dir;
	int mode; /* 0 append, 1 rewrite in place, 2 replace "small", 3 "small" becomes a FIFO */
	int calls;
};

static void mutate_on_first_progress(uint64_t done, uint64_t total, void *payload)
{
	struct mutate *mu = payload;
	int fd;

	(void)total;
	if (mu->calls++ != 0)
		return;
	assert_true(done > 0 && done < total); /* mid-hash: one chunk of "big" done */
	if (mu->mode == 0) {
		fd = open(tu_path(mu->dir, "big"), O_WRONLY | O_APPEND);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, "more", 4), 4);
		close(fd);
	} else if (mu->mode == 1) {
		fd = open(tu_path(mu->dir, "big"), O_WRONLY);
		assert_true(fd >= 0);
		assert_int_equal(pwrite(fd, "\0\0\0\0", 4, 0), 4); /* same bytes, same size */
		close(fd);
	} else if (mu->mode == 3) {
		assert_int_equal(unlink(tu_path(mu->dir, "small")), 0);
		assert_int_equal(mkfifo(tu_path(mu->dir, "small"), 0644), 0);
	} else {
		put(mu->dir, "small.new", "other");
		assert_int_equal(rename(tu_path(mu->dir, "small.new"), tu_path(mu->dir, "small")), 0);
	}
}

static void make_big(const char *dir)
{
	/* Zeros, 4 chunks; mtime set in the past so any write moves it deterministically. */
	struct timespec ts[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	int fd = open(tu_path(dir, "big"), O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 4 << 20), 0);
	assert_int_equal(futimens(fd, ts), 0);
	close(fd);
}

static void file_changed_while_hashed_is_an_error(void **state)
{
	static const char *const why[] = { "size", "modification time", "replaced", "replaced" };
	hm_digest_options o = HM_DIGEST_OPTIONS_INIT;
	struct mutate mu;
	char *dir = model_dir(), path[4200];
	int mode;

	(void)state;
	/* One worker takes the largest file first: "big" is mid-hash at the first callback. */
	o.jobs = 1;
	o.progress = mutate_on_first_progress;
	o.progress_payload = &mu;
	alarm(20); /* a FIFO opened for reading without O_NONBLOCK would block */
	for (mode = 0; mode < 4; mode++) {
		unlink(tu_path(dir, "small"));
		make_big(dir);
		put(dir, "small", "small");
		mu.dir = dir;
		mu.mode = mode;
		mu.calls = 0;
		snprintf(path, sizeof(path), "%s/%s", dir, mode >= 2 ? "small" : "big");
		expect_error(dir, &o, HM_EIO, path, why[mode], NULL);
		assert_true(mu.calls >= 1);
	}
	alarm(0);
	drop(dir);
}

/*
 * The same with a reader thread feeding the hasher (jobs >= 2 x files): the
 * reader may have read the whole file before the change, but the second fstat
 * comes after the last hash update, so the change is still caught.
 */
static void file_changed_while_fed_is_an_error(void **state)
{
	static const char *const why[] = { "size", "modification time" };
	hm_digest_options o = HM_DIGEST_OPTIONS_INIT;
	struct mutate mu;
	char *dir = model_dir(), path[4200];
	int mode;

	(void)state;
	o.jobs = 4;
	o.progress = mutate_on_first_progress;
	o.progress_payload = &mu;
	snprintf(path, sizeof(path), "%s/big", dir);
	for (mode = 0; mode < 2; mode++) {
		make_big(dir);
		mu.dir = dir;
		mu.mode = mode;
		mu.calls = 0;
		expect_error(path, &o, HM_EIO, path, why[mode], NULL);
		assert_true(mu.calls >= 1);
	}
	drop(dir);
}

/* ---- parallel, large, progress ---- */

static void parallel_result_equals_serial(void **state)
{
	hm_digest_options o = HM_DIGEST_OPTIONS_INIT;
	unsigned int jobs[] = { 2, 3, 8, 0, 64 }; /* 64: a reader thread per file */
	char *dir = model_dir(), name[64], *data;
	hm_manifest *serial, *m;
	size_t i, k;

	(void)state;
	data = malloc(3 << 20);
	assert_non_null(data);
	for (i = 0; i < (3u << 20); i++)
		data[i] = (char)(i ^ (i >> 9));
	mkdir_p(dir, "shards");
	for (i = 0; i < 24; i++) {
		snprintf(name, sizeof(name), "shards/part-%02zu.bin", i);
		tu_write(tu_path(dir, name), data + i * 1000, (i * 131071) % (2u << 20));
	}
	o.jobs = 1;
	assert_int_equal(hm_manifest_compute(&serial, dir, &o), 0);
	for (k = 0; k < sizeof(jobs) / sizeof(jobs[0]); k++) {
		o.jobs = jobs[k];
		assert_int_equal(hm_manifest_compute(&m, dir, &o), 0);
		assert_string_equal(hm_manifest_root(m), hm_manifest_root(serial));
		assert_int_equal(hm_manifest_count(m), 24);
		for (i = 0; i < 24; i++)
			assert_string_equal(hm_manifest_resource_digest(m, i),
					    hm_manifest_resource_digest(serial, i));
		hm_manifest_free(m);
	}
	hm_manifest_free(serial);
	free(data);
	drop(dir);
}

struct progress_log {
	uint64_t last_done, total;
	int calls, backwards;
};

static void log_progress(uint64_t done, uint64_t total, void *payload)
{
	struct progress_log *l = payload;

	if (done < l->last_done || done > total)
		l->backwards++;
	l->last_done = done;
	l->total = total;
	l->calls++;
}

/*
 * Past 256 files and with a spare CPU, hashing starts while the walk still
 * lists: the manifest is the one computed with one job (names, digests,
 * sizes, what the ignores leave out), progress ends at the total, and an
 * error the walk meets once hashing has begun (a refused symlink, a FIFO)
 * is reported as when nothing was hashed before it.
 */
static void files_hashed_while_listed_equal_serial(void **state)
{
	static const char *const ign[] = { "d3/skip" };
	static const unsigned int jobs[] = { 2, 3, 0 };
	hm_digest_options o = HM_DIGEST_OPTIONS_INIT;
	struct progress_log log;
	char *dir = model_dir(), name[64], data[3000], path[4200], serial_err[1024];
	hm_manifest *serial, *m;
	uint64_t size;
	hm_uncovered_kind kind;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7 + (i >> 8));
	/* The root's 300 files are listed before any subdirectory is entered. */
	for (i = 0; i < 700; i++) {
		if (i >= 300 && i % 100 == 0) {
			snprintf(name, sizeof(name), "d%zu", i / 100);
			mkdir_p(dir, name);
		}
		if (i < 300)
			snprintf(name, sizeof(name), "f%03zu", i);
		else
			snprintf(name, sizeof(name), "d%zu/f%03zu", i / 100, i);
		tu_write(tu_path(dir, name), data + i % 100, (i * 37) % 2900);
	}
	mkdir_p(dir, "d3/skip");
	put(dir, "d3/skip/x", "ignored");
	o.ignore = ign;
	o.nignore = 1;
	o.jobs = 1;
	assert_int_equal(hm_manifest_compute(&serial, dir, &o), 0);
	assert_int_equal(hm_manifest_count(serial), 700);
	assert_int_equal(hm_manifest_uncovered_count(serial), 1);
	o.progress = log_progress;
	o.progress_payload = &log;
	for (k = 0; k < sizeof(jobs) / sizeof(jobs[0]); k++) {
		o.jobs = jobs[k];
		memset(&log, 0, sizeof(log));
		assert_int_equal(hm_manifest_compute(&m, dir, &o), 0);
		assert_string_equal(hm_manifest_root(m), hm_manifest_root(serial));
		assert_int_equal(hm_manifest_count(m), 700);
		for (i = 0; i < 700; i++) {
			assert_string_equal(hm_manifest_resource_name(m, i),
					    hm_manifest_resource_name(serial, i));
			assert_string_equal(hm_manifest_resource_digest(m, i),
					    hm_manifest_resource_digest(serial, i));
			assert_int_equal(hm_manifest_resource_size(m, i),
					 hm_manifest_resource_size(serial, i));
		}
		assert_int_equal(hm_manifest_total_bytes(m), hm_manifest_total_bytes(serial));
		assert_string_equal(hm_manifest_uncovered(m, 0, &size, &kind), "d3/skip/x");
		assert_int_equal(hm_manifest_uncovered_count(m), 1);
		assert_int_equal(log.backwards, 0);
		assert_true(log.calls >= 1);
		assert_int_equal(log.total, hm_manifest_total_bytes(serial));
		assert_int_equal(log.last_done, log.total);
		hm_manifest_free(m);
	}
	hm_manifest_free(serial);
	o.progress = NULL;

	/* Errors met by the walk after the root's files: the same as with one job. */
	mkdir_p(dir, "zz");
	for (k = 0; k < 2; k++) {
		snprintf(path, sizeof(path), "%s/zz/%s", dir, k == 0 ? "link" : "pipe");
		if (k == 0)
			assert_int_equal(symlink("../f000", path), 0);
		else
			assert_int_equal(mkfifo(path, 0644), 0);
		o.jobs = 1;
		expect_error(dir, &o, HM_EUNSUPPORTED, path, k == 0 ? "symbolic link" : "FIFO",
			     NULL);
		snprintf(serial_err, sizeof(serial_err), "%s", hm_error_last());
		for (i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++) {
			o.jobs = jobs[i];
			expect_error(dir, &o, HM_EUNSUPPORTED, NULL);
			assert_string_equal(hm_error_last(), serial_err);
		}
		unlink(path);
	}
	drop(dir);
}

static void large_sparse_file_hashes_like_openssl(void **state)
{
	static const char *const dot[] = { "." };
	hm_digest_options o = HM_DIGEST_OPTIONS_INIT;
	struct progress_log log = { 0, 0, 0, 0 };
	char *dir = model_dir(), root[65], path[4200], hex[65];
	hm_manifest *m;
	int fd;

	(void)state;
	if (!have_openssl())
		skip();
	snprintf(path, sizeof(path), "%s/sparse.bin", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 64 << 20), 0);
	assert_int_equal(pwrite(fd, "head", 4, 0), 4);
	assert_int_equal(pwrite(fd, "middle, across a chunk edge", 27, (32 << 20) - 5), 27);
	assert_int_equal(pwrite(fd, "tail", 4, (64 << 20) - 4), 4);
	close(fd);
	o.progress = log_progress;
	o.progress_payload = &log;
	o.jobs = 4; /* a reader thread feeds the hasher */
	assert_int_equal(hm_manifest_compute(&m, path, &o), 0);
	openssl_hex(hex, path);
	assert_string_equal(hm_manifest_resource_digest(m, 0), hex);
	openssl_root(root, path, dot, 1);
	assert_string_equal(hm_manifest_root(m), root);
	assert_int_equal(hm_manifest_total_bytes(m), 64 << 20);
	assert_true(log.calls >= 2); /* the first chunk and the end */
	assert_int_equal(log.backwards, 0);
	assert_int_equal(log.last_done, 64 << 20);
	assert_int_equal(log.total, 64 << 20);
	hm_manifest_free(m);
	o.jobs = 1; /* plain streaming, same digest */
	assert_int_equal(hm_manifest_compute(&m, path, &o), 0);
	assert_string_equal(hm_manifest_resource_digest(m, 0), hex);
	hm_manifest_free(m);
	drop(dir);
}

/* ---- JSON ---- */

static hm_manifest *small_model(const char *dir)
{
	hm_manifest *m;

	mkdir_p(dir, "tok");
	put(dir, "config.json", "{}");
	put(dir, "tok/vocab.txt", "a\nb\n");
	put(dir, "weights.bin", "0123456789");
	assert_int_equal(hm_manifest_compute(&m, dir, NULL), 0);
	return m;
}

static void predicate_has_the_oms_fields(void **state)
{
	char *dir = model_dir(), *pred;
	json_t *j, *ser, *res, *r;
	hm_manifest *m = small_model(dir);
	size_t i;

	(void)state;
	assert_int_equal(hm_manifest_predicate_json(&pred, m), 0);
	j = json_loads(pred, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(j);
	assert_int_equal(json_object_size(j), 2);
	ser = json_object_get(j, "serialization");
	assert_int_equal(json_object_size(ser), 4);
	assert_string_equal(json_string_value(json_object_get(ser, "method")), "files");
	assert_string_equal(json_string_value(json_object_get(ser, "hash_type")), "sha256");
	assert_true(json_is_false(json_object_get(ser, "allow_symlinks")));
	assert_int_equal(json_array_size(json_object_get(ser, "ignore_paths")), 5);
	res = json_object_get(j, "resources");
	assert_int_equal(json_array_size(res), 3);
	for (i = 0; i < 3; i++) {
		r = json_array_get(res, i);
		assert_int_equal(json_object_size(r), 3);
		assert_string_equal(json_string_value(json_object_get(r, "name")),
				    hm_manifest_resource_name(m, i));
		assert_string_equal(json_string_value(json_object_get(r, "algorithm")), "sha256");
		assert_string_equal(json_string_value(json_object_get(r, "digest")),
				    hm_manifest_resource_digest(m, i));
	}
	json_decref(j);
	hm_free(pred);
	hm_manifest_free(m);
	drop(dir);
}

static void statement_validates_and_carries_the_root(void **state)
{
	char *dir = model_dir(), *text, *pred, *mine;
	hm_manifest *m = small_model(dir);
	hm_statement *st;
	json_t *a, *b;

	(void)state;
	assert_int_equal(hm_manifest_statement(&text, m, NULL), 0);
	assert_int_equal(hm_statement_parse(&st, text, strlen(text), "statement"), 0);
	assert_string_equal(hm_statement_predicate_type(st), HM_OMS_PREDICATE_TYPE);
	assert_int_equal(hm_statement_subject_count(st), 1);
	assert_string_equal(hm_statement_subject_name(st, 0), "model");
	assert_string_equal(hm_statement_subject_digest_get(st, 0, "sha256"), hm_manifest_root(m));
	assert_int_equal(hm_statement_predicate_json(&pred, st), 0);
	assert_int_equal(hm_manifest_predicate_json(&mine, m), 0);
	a = json_loads(pred, 0, NULL);
	b = json_loads(mine, 0, NULL);
	assert_true(json_equal(a, b));
	json_decref(a);
	json_decref(b);
	hm_free(pred);
	hm_free(mine);
	hm_statement_free(st);
	hm_free(text);

	assert_int_equal(hm_manifest_statement(&text, m, "org/model-v2"), 0);
	assert_int_equal(hm_statement_parse(&st, text, strlen(text), "statement"), 0);
	assert_string_equal(hm_statement_subject_name(st, 0), "org/model-v2");
	hm_statement_free(st);
	hm_free(text);
	hm_manifest_free(m);
	drop(dir);
}

static void non_utf8_name_hashes_but_cannot_go_into_json(void **state)
{
	char *dir = model_dir(), *pred = NULL;
	hm_manifest *m;

	(void)state;
	put(dir, "ok", "x");
	put(dir, "bad-\xff", "y");
	assert_int_equal(hm_manifest_compute(&m, dir, NULL), 0);
	assert_int_equal(hm_manifest_count(m), 2);
	assert_int_equal(hm_manifest_predicate_json(&pred, m), HM_EUNSUPPORTED);
	assert_null(pred);
	assert_non_null(strstr(hm_error_last(), "UTF-8"));
	assert_non_null(strstr(hm_error_last(), "bad-\\xff")); /* shown, not raw */
	hm_manifest_free(m);
	drop(dir);
}

/* ---- comparison with a signed predicate ---- */

static void compare_names_missing_extra_and_changed(void **state)
{
	const char *ign[] = { "notes.txt" };
	hm_digest_options o = HM_DIGEST_OPTIONS_INIT;
	char *dir = model_dir(), *pred, *report, expect[600], root[65];
	hm_manifest *signed_m, *now;
	hm_manifest_diff *d;
	size_t n;

	(void)state;
	mkdir_p(dir, "tok");
	put(dir, "config.json", "{}");
	put(dir, "tok/vocab.txt", "a\nb\n");
	put(dir, "weights.bin", "0123456789");
	put(dir, "notes.txt", "left out by the signer");
	o.ignore = ign;
	o.nignore = 1;
	assert_int_equal(hm_manifest_compute(&signed_m, dir, &o), 0);
	assert_int_equal(hm_manifest_predicate_json(&pred, signed_m), 0);

	/* The same files: no difference, and the predicate hashes to the same root. */
	assert_int_equal(hm_manifest_compute(&now, dir, NULL), 0); /* notes.txt included */
	assert_int_equal(hm_manifest_compare(&d, &n, now, pred, strlen(pred)), 0);
	assert_int_equal(n, 0);
	assert_null(d);
	assert_int_equal(hm_manifest_predicate_root(root, pred, strlen(pred)), 0);
	assert_string_equal(root, hm_manifest_root(signed_m));
	hm_manifest_free(now);

	/* Tampered: one changed, one gone, one added. */
	put(dir, "weights.bin", "0123456789!");
	unlink(tu_path(dir, "tok/vocab.txt"));
	put(dir, "extra.py", "import os");
	assert_int_equal(hm_manifest_compute(&now, dir, NULL), 0);
	assert_int_equal(hm_manifest_compare(&d, &n, now, pred, strlen(pred)), 0);
	assert_int_equal(n, 3);
	assert_int_equal(d[0].kind, HM_MANIFEST_EXTRA);
	assert_string_equal(d[0].name, "extra.py");
	assert_null(d[0].expected);
	assert_int_equal(d[1].kind, HM_MANIFEST_MISSING);
	assert_string_equal(d[1].name, "tok/vocab.txt");
	assert_null(d[1].actual);
	assert_int_equal(d[2].kind, HM_MANIFEST_CHANGED);
	assert_string_equal(d[2].name, "weights.bin");
	assert_string_equal(d[2].expected, hm_manifest_resource_digest(signed_m, 2));
	assert_string_equal(d[2].actual, hm_manifest_resource_digest(now, 3));
	assert_int_equal(hm_manifest_diff_report(&report, d, n), 0);
	snprintf(expect, sizeof(expect),
		 "extra: extra.py\nmissing: tok/vocab.txt\n"
		 "changed: weights.bin (signed sha256:%s, found sha256:%s)\n",
		 d[2].expected, d[2].actual);
	assert_string_equal(report, expect);
	hm_free(report);
	hm_free(d);
	hm_manifest_free(now);
	hm_manifest_free(signed_m);
	hm_free(pred);
	drop(dir);
}

static void compare_rejects_malformed_predicates(void **state)
{
	static const char *const bad[] = {
		"[]",
		"{\"serialization\":{\"method\":\"shards\",\"hash_type\":\"sha256\"},\"resources\":[]}",
		"{\"serialization\":{\"method\":\"files\",\"hash_type\":\"blake2\"},\"resources\":[]}",
		"{\"serialization\":{\"method\":\"files\",\"hash_type\":\"sha256\"},\"resources\":"
		"[{\"name\":\"../etc/passwd\",\"algorithm\":\"sha256\",\"digest\":"
		"\"0000000000000000000000000000000000000000000000000000000000000000\"}]}",
		"{\"serialization\":{\"method\":\"files\",\"hash_type\":\"sha256\"},\"resources\":"
		"[{\"name\":\"/abs\",\"algorithm\":\"sha256\",\"digest\":"
		"\"0000000000000000000000000000000000000000000000000000000000000000\"}]}",
		"{\"serialization\":{\"method\":\"files\",\"hash_type\":\"sha256\"},\"resources\":"
		"[{\"name\":\"a\",\"algorithm\":\"sha256\",\"digest\":"
		"\"000000000000000000000000000000000000000000000000000000000000000A\"}]}",
		"{\"serialization\":{\"method\":\"files\",\"hash_type\":\"sha256\"},\"resources\":"
		"[{\"name\":\"a\",\"algorithm\":\"sha256\",\"digest\":"
		"\"0000000000000000000000000000000000000000000000000000000000000000\"},"
		"{\"name\":\"a\",\"algorithm\":\"sha256\",\"digest\":"
		"\"0000000000000000000000000000000000000000000000000000000000000000\"}]}",
		"{\"serialization\":{\"method\":\"shards\",\"hash_type\":\"sha256\",\"shard_size\":7},"
		"\"resources\":[{\"name\":\"a:1\",\"algorithm\":\"sha256\",\"digest\":"
		"\"0000000000000000000000000000000000000000000000000000000000000000\"}]}",
		"{\"serialization\":{\"method\":\"shards\",\"hash_type\":\"sha256\",\"shard_size\":7},"
		"\"resources\":[{\"name\":\"a:0:07\",\"algorithm\":\"sha256\",\"digest\":"
		"\"0000000000000000000000000000000000000000000000000000000000000000\"}]}",
		"{\"serialization\":{\"method\":\"shards\",\"hash_type\":\"sha256\",\"shard_size\":7},"
		"\"resources\":[{\"name\":\"a:0:7\",\"algorithm\":\"sha256-sharded-8\",\"digest\":"
		"\"0000000000000000000000000000000000000000000000000000000000000000\"}]}",
		"{\"serialization\":{\"method\":\"files\",\"hash_type\":\"sha256\",\"shard_size\":7},"
		"\"resources\":[]}",
		"{\"serialization\":{\"method\":\"shards\",\"hash_type\":\"sha256\",\"shard_size\":0},"
		"\"resources\":[]}",
		"{\"serialization\":{\"method\":\"shards\",\"hash_type\":\"sha256\",\"shard_size\":7},"
		"\"resources\":[{\"name\":\"a:0:7\",\"algorithm\":\"sha256-sharded-7\",\"digest\":"
		"\"0000000000000000000000000000000000000000000000000000000000000000\"}]}",
	};
	static const int codes[] = { HM_EFORMAT,      HM_EFORMAT, HM_EUNSUPPORTED, HM_EFORMAT,
				     HM_EFORMAT,      HM_EFORMAT, HM_EFORMAT,	   HM_EFORMAT,
				     HM_EFORMAT,      HM_EUNSUPPORTED, HM_EFORMAT, HM_EFORMAT,
				     HM_EINVAL };
	static const char *const words[] = { "object", "shard_size", "blake2", "../etc/passwd",
					     "/abs", "hex", "twice", "path:start:end",
					     "a:0:07", "sha256-sharded-8", "shard_size", "shard_size",
					     "hashed by files, the manifest by shards" };
	char *dir = model_dir();
	hm_manifest *m = small_model(dir);
	hm_manifest_diff *d = (hm_manifest_diff *)1;
	size_t i, n = 99;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(hm_manifest_compare(&d, &n, m, bad[i], strlen(bad[i])), codes[i]);
		assert_null(d);
		assert_int_equal(n, 0);
		if (!strstr(hm_error_last(), words[i]))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, hm_error_last(), words[i]);
	}
	hm_manifest_free(m);
	drop(dir);
}

#define TWO_RESOURCES                                                                     \
	"{\"serialization\":{\"method\":\"files\",\"hash_type\":\"sha256\"},"                   \
	"\"resources\":[{\"name\":\"%s\",\"algorithm\":\"sha256\",\"digest\":\"%s\"},"          \
	"{\"name\":\"%s\",\"algorithm\":\"sha256\",\"digest\":\"%s\"}]}"

/* A signed list in any order compares as the sorted one; a name listed twice anywhere fails. */
static void compare_takes_the_signed_list_in_any_order(void **state)
{
	char *dir = model_dir(), pred[2048], dup[2048];
	hm_manifest *m = small_model(dir);
	hm_manifest_diff *d = NULL;
	size_t i, n = 99, used, dused;

	(void)state;
	assert_int_equal(hm_manifest_count(m), 3);
	used = (size_t)snprintf(pred, sizeof(pred), "{\"serialization\":{\"method\":\"files\","
				"\"hash_type\":\"sha256\"},\"resources\":[");
	memcpy(dup, pred, used + 1);
	dused = used;
	for (i = 3; i-- > 0;) { /* last to first */
		used += (size_t)snprintf(pred + used, sizeof(pred) - used, "%s{\"name\":\"%s\","
					 "\"algorithm\":\"sha256\",\"digest\":\"%s\"}", i == 2 ? "" : ",",
					 hm_manifest_resource_name(m, i),
					 hm_manifest_resource_digest(m, i));
		/* the first file again at the end, the others between */
		dused += (size_t)snprintf(dup + dused, sizeof(dup) - dused, "{\"name\":\"%s\","
					  "\"algorithm\":\"sha256\",\"digest\":\"%s\"},",
					  hm_manifest_resource_name(m, (i + 1) % 3),
					  hm_manifest_resource_digest(m, (i + 1) % 3));
	}
	snprintf(pred + used, sizeof(pred) - used, "]}");
	snprintf(dup + dused, sizeof(dup) - dused, "{\"name\":\"%s\",\"algorithm\":\"sha256\","
		 "\"digest\":\"%s\"}]}", hm_manifest_resource_name(m, 1),
		 hm_manifest_resource_digest(m, 1));
	assert_int_equal(hm_manifest_compare(&d, &n, m, pred, strlen(pred)), 0);
	assert_null(d);
	assert_int_equal(n, 0);
	assert_int_equal(hm_manifest_compare(&d, &n, m, dup, strlen(dup)), HM_EFORMAT);
	assert_non_null(strstr(hm_error_last(), "twice"));
	hm_manifest_free(m);
	drop(dir);
}

static void predicate_root_follows_the_listed_order(void **state)
{
	const char *h1 = "1111111111111111111111111111111111111111111111111111111111111111";
	const char *h2 = "2222222222222222222222222222222222222222222222222222222222222222";
	char p1[600], p2[600], r1[65], r2[65];

	(void)state;
	snprintf(p1, sizeof(p1), TWO_RESOURCES, "a", h1, "b", h2);
	snprintf(p2, sizeof(p2), TWO_RESOURCES, "b", h2, "a", h1);
	assert_int_equal(hm_manifest_predicate_root(r1, p1, strlen(p1)), 0);
	assert_int_equal(hm_manifest_predicate_root(r2, p2, strlen(p2)), 0);
	assert_string_not_equal(r1, r2);
	assert_int_equal(strlen(r1), 64);
}

/* ---- files the manifest does not cover ---- */

struct row {
	const char *name;
	uint64_t size;
	hm_uncovered_kind kind;
};

static void assert_uncovered(const hm_manifest *m, const struct row *rows, size_t n)
{
	hm_uncovered_kind kind;
	uint64_t size;
	size_t i;

	assert_int_equal(hm_manifest_uncovered_count(m), n);
	for (i = 0; i < n; i++) {
		assert_string_equal(hm_manifest_uncovered(m, i, &size, &kind), rows[i].name);
		assert_int_equal(size, rows[i].size);
		assert_int_equal(kind, rows[i].kind);
	}
	assert_null(hm_manifest_uncovered(m, n, &size, &kind));
}

static void uncovered_lists_ignored_files_one_row_per_default_entry(void **state)
{
	/* Component order; .git is one row however much it holds, sub/ is listed file by file. */
	static const struct row rows[] = {
		{ ".git/", 0, HM_UNCOVERED_DEFAULT },
		{ ".gitignore", 5, HM_UNCOVERED_DEFAULT },
		{ "model.sig", 3, HM_UNCOVERED_DEFAULT },
		{ "sub/deeper/two", 11, HM_UNCOVERED_IGNORED },
		{ "sub/link", 7, HM_UNCOVERED_IGNORED }, /* the size of what it points to */
		{ "sub/one", 7, HM_UNCOVERED_IGNORED },
		{ "weights.safetensors", 12, HM_UNCOVERED_IGNORED },
	};
	static const char *const kept[] = { "keep", "nested/.git/x" };
	const char *ign[] = { "weights.safetensors", "sub", "model.sig" };
	/* What verify passes: the signed list as given, with the defaults spelled out. */
	const char *signed_ign[] = { ".git", ".gitignore", "model.sig", "sub", "weights.safetensors" };
	hm_digest_options o = HM_DIGEST_OPTIONS_INIT;
	char *dir = model_dir(), cmd[8400];
	hm_manifest *m;

	(void)state;
	mkdir_p(dir, ".git/objects/aa");
	mkdir_p(dir, "sub/deeper");
	mkdir_p(dir, "nested/.git");
	put(dir, ".git/config", "c");
	put(dir, ".git/objects/aa/bb", "object");
	put(dir, ".gitignore", "*.tmp");
	put(dir, "model.sig", "sig");
	put(dir, "sub/one", "ignored");
	put(dir, "sub/deeper/two", "ignored too");
	put(dir, "weights.safetensors", "hidden bytes");
	put(dir, "keep", "kept");
	put(dir, "nested/.git/x", "x");
	assert_int_equal(symlink("one", tu_path(dir, "sub/link")), 0);
	snprintf(cmd, sizeof(cmd), "mkfifo '%s/sub/fifo'", dir);
	assert_int_equal(tu_sh(cmd), 0); /* not a file: not listed, and no error under an ignore */

	o.ignore = ign;
	o.nignore = 3;
	assert_int_equal(hm_manifest_compute(&m, dir, &o), 0);
	assert_names(m, kept, 2);
	assert_uncovered(m, rows, sizeof(rows) / sizeof(rows[0]));
	hm_manifest_free(m);

	/* The kinds come from the ignore path that matched, not from include_git_paths. */
	o.ignore = signed_ign;
	o.nignore = 5;
	o.include_git_paths = 1;
	assert_int_equal(hm_manifest_compute(&m, dir, &o), 0);
	assert_names(m, kept, 2);
	assert_uncovered(m, rows, sizeof(rows) / sizeof(rows[0]));
	hm_manifest_free(m);

	/* Nothing ignored: nothing uncovered. */
	o.ignore = NULL;
	o.nignore = 0;
	snprintf(cmd, sizeof(cmd), "rm '%s/sub/fifo'", dir);
	assert_int_equal(tu_sh(cmd), 0);
	o.allow_symlinks = 1;
	assert_int_equal(hm_manifest_compute(&m, dir, &o), 0);
	assert_int_equal(hm_manifest_uncovered_count(m), 0);
	assert_null(hm_manifest_uncovered(m, 0, NULL, NULL));
	hm_manifest_free(m);

	/* A single file has none; NULL has none. */
	assert_int_equal(hm_manifest_compute(&m, tu_path(dir, "keep"), NULL), 0);
	assert_int_equal(hm_manifest_uncovered_count(m), 0);
	hm_manifest_free(m);
	assert_int_equal(hm_manifest_uncovered_count(NULL), 0);
	assert_null(hm_manifest_uncovered(NULL, 0, NULL, NULL));
	drop(dir);
}

static void weights_or_code_by_extension_or_size(void **state)
{
	static const char *const yes[] = { "model.safetensors", "a/pytorch_model.bin", "x.pt",
					   "x.pth", "x.ckpt", "m.gguf", "m.onnx", "tf_model.h5",
					   "flax_model.msgpack", "arrays.npz", "modeling.py",
					   "UPPER.SAFETENSORS", ".bin" };
	static const char *const no[] = { "config.json", "README.md", "tokenizer.model",
					  "x.bin.txt", "binary", "py", "weights.safetensors/",
					  "x.pyc", "" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_int_equal(hm_path_looks_like_weights_or_code(yes[i], 0), 1);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_int_equal(hm_path_looks_like_weights_or_code(no[i], 1024 * 1024), 0);
	/* Over 1 MiB, whatever the name. */
	assert_int_equal(hm_path_looks_like_weights_or_code("notes.txt", 1024 * 1024 + 1), 1);
	assert_int_equal(hm_path_looks_like_weights_or_code(NULL, 1024 * 1024 + 1), 1);
	assert_int_equal(hm_path_looks_like_weights_or_code(NULL, 0), 0);
}

/*
 * 3,000 levels, a file at the bottom: hashed, and under an ignore listed as uncovered,
 * with names far longer than PATH_MAX (the walk neither recurses nor opens full paths).
 */
static void deep_tree_is_walked_without_recursion(void **state)
{
	const char *ign[] = { "d" };
	hm_digest_options o = HM_DIGEST_OPTIONS_INIT;
	char *dir = model_dir();
	const char *name;
	uint64_t size;
	hm_uncovered_kind kind;
	hm_manifest *m;
	int fd = open(dir, O_RDONLY | O_DIRECTORY), next, i, fdf;
	size_t l;

	(void)state;
	assert_true(fd >= 0);
	put(dir, "top", "top");
	for (i = 0; i < 3000; i++) {
		assert_int_equal(mkdirat(fd, "d", 0755), 0);
		next = openat(fd, "d", O_RDONLY | O_DIRECTORY);
		assert_true(next >= 0);
		close(fd);
		fd = next;
	}
	fdf = openat(fd, "bottom", O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fdf >= 0);
	assert_int_equal(write(fdf, "bottom", 6), 6);
	close(fdf);
	close(fd);

	assert_int_equal(hm_manifest_compute(&m, dir, NULL), 0);
	assert_int_equal(hm_manifest_count(m), 2);
	name = hm_manifest_resource_name(m, 0);
	l = strlen(name);
	assert_int_equal(l, 3000 * 2 + strlen("bottom"));
	assert_string_equal(name + l - 8, "d/bottom");
	assert_int_equal(hm_manifest_resource_size(m, 0), 6);
	hm_manifest_free(m);

	o.ignore = ign;
	o.nignore = 1;
	assert_int_equal(hm_manifest_compute(&m, dir, &o), 0);
	assert_int_equal(hm_manifest_count(m), 1);
	assert_int_equal(hm_manifest_uncovered_count(m), 1);
	name = hm_manifest_uncovered(m, 0, &size, &kind);
	assert_int_equal(strlen(name), 3000 * 2 + strlen("bottom"));
	assert_int_equal(size, 6);
	assert_int_equal(kind, HM_UNCOVERED_IGNORED);
	hm_manifest_free(m);
	drop(dir);
}

static void bad_arguments(void **state)
{
	hm_digest_options o = HM_DIGEST_OPTIONS_INIT;
	hm_manifest *m;

	(void)state;
	assert_int_equal(hm_manifest_compute(NULL, ".", NULL), HM_EINVAL);
	assert_int_equal(hm_manifest_compute(&m, NULL, NULL), HM_EINVAL);
	assert_int_equal(hm_manifest_compute(&m, "", NULL), HM_EINVAL);
	o.version = 99;
	assert_int_equal(hm_manifest_compute(&m, ".", &o), HM_EINVAL);
	hm_manifest_free(NULL);
	assert_null(hm_manifest_root(NULL));
	assert_int_equal(hm_manifest_count(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(digest_equals_openssl_cli_in_component_order),
		cmocka_unit_test(single_file_is_one_resource_named_dot),
		cmocka_unit_test(name_is_the_last_component_as_given),
		cmocka_unit_test(default_ignores_apply_at_the_top_level_only),
		cmocka_unit_test(explicit_ignores_drop_files_and_whole_directories),
		cmocka_unit_test(bad_ignore_paths_are_rejected),
		cmocka_unit_test(fifo_is_refused_without_being_opened),
		cmocka_unit_test(socket_is_refused),
		cmocka_unit_test(device_is_refused),
		cmocka_unit_test(symlinks_refused_unless_allowed_and_never_outside),
		cmocka_unit_test(empty_directory_is_an_error),
		cmocka_unit_test(unreadable_file_and_directory_are_named),
		cmocka_unit_test(file_changed_while_hashed_is_an_error),
		cmocka_unit_test(file_changed_while_fed_is_an_error),
		cmocka_unit_test(parallel_result_equals_serial),
		cmocka_unit_test(files_hashed_while_listed_equal_serial),
		cmocka_unit_test(large_sparse_file_hashes_like_openssl),
		cmocka_unit_test(predicate_has_the_oms_fields),
		cmocka_unit_test(statement_validates_and_carries_the_root),
		cmocka_unit_test(non_utf8_name_hashes_but_cannot_go_into_json),
		cmocka_unit_test(compare_names_missing_extra_and_changed),
		cmocka_unit_test(compare_rejects_malformed_predicates),
		cmocka_unit_test(predicate_root_follows_the_listed_order),
		cmocka_unit_test(compare_takes_the_signed_list_in_any_order),
		cmocka_unit_test(uncovered_lists_ignored_files_one_row_per_default_entry),
		cmocka_unit_test(download_cache_is_a_default_ignore),
		cmocka_unit_test(weights_or_code_by_extension_or_size),
		cmocka_unit_test(deep_tree_is_walked_without_recursion),
		cmocka_unit_test(bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
