/*
 * tests/unit/testutil.h: small helpers for the cmocka unit tests.
 * Include after <cmocka.h>. Tests run from the repository root.
 */
#ifndef HM_TESTUTIL_H
#define HM_TESTUTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The shared test material (vectors, schemas): $HALLMARK_SHARED or ../shared. */
static inline const char *tu_shared_dir(void)
{
	const char *d = getenv("HALLMARK_SHARED");
	return d && *d ? d : "../shared";
}

/* Path of a file under the shared folder, or NULL when it is absent (then skip). */
static inline const char *tu_shared(const char *rel)
{
	static char buf[4096];
	snprintf(buf, sizeof(buf), "%s/%s", tu_shared_dir(), rel);
	if (access(buf, R_OK) != 0) {
		fprintf(stderr, "# skip: %s is absent (no shared test material)\n", buf);
		return NULL;
	}
	return buf;
}

/* A fresh temporary directory (never removed while the test runs; under $TMPDIR). */
static inline char *tu_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	char *p = malloc(4096);
	snprintf(p, 4096, "%s/hm-test-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(p)) {
		perror("mkdtemp");
		abort();
	}
	return p;
}

/* Writes len bytes to path (mode 0644), aborting on failure. */
static inline void tu_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0) {
		fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
		abort();
	}
}

/* Reads a whole file (NUL-terminated, malloc'd); NULL when unreadable. */
static inline char *tu_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (n && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

/* path = dir + "/" + name, in a static rotating buffer (8 slots). */
static inline const char *tu_path(const char *dir, const char *name)
{
	static char bufs[8][4096];
	static int slot;
	char *b = bufs[slot++ & 7];
	snprintf(b, 4096, "%s/%s", dir, name);
	return b;
}

/* Number of entries in dir, "." and ".." aside (to see no temporary file is left behind). */
static inline int tu_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d) {
		perror(dir);
		abort();
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* Runs a shell command; returns its exit status (or -1). */
static inline int tu_sh(const char *cmd)
{
	int st = system(cmd);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

#endif
