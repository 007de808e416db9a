/* Reading files whole, and writing them whole or not at all. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int hm__read_fd(char **out, size_t *outlen, int fd, const char *path, size_t max)
{
	hm_buf b = HM_BUF_INIT;
	ssize_t n;

	*out = NULL;
	if (outlen)
		*outlen = 0;
	for (;;) {
		if (hm__buf_grow(&b, 65536) < 0) {
			hm__buf_free(&b);
			return HM_ENOMEM;
		}
		n = read(fd, b.data + b.len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			hm__buf_free(&b);
			return hm__err(HM_EIO, "%s: read failed: %s", path, strerror(e));
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
		b.data[b.len] = '\0';
		if (b.len > max) {
			hm__buf_free(&b);
			return hm__err(HM_EFORMAT, "%s: larger than the %zu-byte limit", path, max);
		}
	}
	*out = hm__buf_detach(&b, outlen);
	return *out ? 0 : HM_ENOMEM;
}

int hm__read_file(char **out, size_t *outlen, const char *path, size_t max)
{
	int fd, rc, is_stdin = strcmp(path, "-") == 0;
	struct stat st;

	*out = NULL;
	if (outlen)
		*outlen = 0;
	if (is_stdin)
		return hm__read_fd(out, outlen, STDIN_FILENO, "(stdin)", max);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return hm__err(errno == ENOENT ? HM_ENOTFOUND : HM_EIO, "%s: %s", path,
			       strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return hm__err(HM_EIO, "%s: not a regular file", path);
	}
	rc = hm__read_fd(out, outlen, fd, path, max);
	close(fd);
	return rc;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void fsync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd;

	if (!copy)
		return;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(copy);
}

int hm__stage_file(char **tmp_out, const char *path, const void *data, size_t len,
		   unsigned mode)
{
	char *dcopy = NULL, *bcopy = NULL, *tmp = NULL;
	const char *dir, *base;
	int fd = -1, rc = 0;
	size_t n;

	*tmp_out = NULL;
	dcopy = strdup(path);
	bcopy = strdup(path);
	if (!dcopy || !bcopy) {
		rc = hm__err_oom();
		goto out;
	}
	dir = dirname(dcopy);
	base = basename(bcopy);
	n = strlen(dir) + strlen(base) + 32;
	tmp = malloc(n);
	if (!tmp) {
		rc = hm__err_oom();
		goto out;
	}
	snprintf(tmp, n, "%s/.%s.tmp.XXXXXX", dir, base);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = hm__err(HM_EIO, "%s: cannot create a temporary file in %s: %s", path, dir,
			     strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		rc = hm__err(HM_EIO, "%s: write failed: %s", path, strerror(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		rc = hm__err(HM_EIO, "%s: write failed: %s", path, strerror(errno));
		goto out;
	}
	fd = -1;
	*tmp_out = tmp;
	tmp = NULL;
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(dcopy);
	free(bcopy);
	return rc;
}

int hm__commit_file(char *tmp, const char *path, int overwrite)
{
	int rc = 0;

	if (overwrite) {
		if (rename(tmp, path) < 0)
			rc = hm__err(HM_EIO, "%s: cannot replace: %s", path, strerror(errno));
	} else if (link(tmp, path) < 0) {
		/* link() fails with EEXIST instead of replacing: no window for a clobber. */
		int e = errno;
		if (e == EEXIST)
			rc = hm__err(HM_EEXISTS, "%s: already exists (use --force to overwrite)", path);
		else
			rc = hm__err(HM_EIO, "%s: cannot create: %s", path, strerror(e));
	}
	if (rc < 0 || !overwrite)
		unlink(tmp);
	free(tmp);
	if (rc == 0)
		fsync_dir(path);
	return rc;
}

void hm__discard_file(char *tmp)
{
	if (!tmp)
		return;
	unlink(tmp);
	free(tmp);
}

int hm__write_file_atomic(const char *path, const void *data, size_t len, unsigned mode,
			  int overwrite)
{
	char *tmp;
	int rc = hm__stage_file(&tmp, path, data, len, mode);

	return rc < 0 ? rc : hm__commit_file(tmp, path, overwrite);
}

int hm_write_file(const char *path, const void *data, size_t len, unsigned int mode,
		  int overwrite)
{
	return hm__write_file_atomic(path, data, len, mode, overwrite);
}

int hm_read_file(char **out, size_t *len, const char *path, size_t max)
{
	return hm__read_file(out, len, path, max);
}
