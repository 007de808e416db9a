/* Reading files whole, and writing them whole or not at all. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int hm__read_fd(char **out, size_t *outlen, int fd, const char *path, size_t max)
{
	hm_buf b = HM_BUF_INIT;
	struct stat st;
	ssize_t n;

	*out = NULL;
	if (outlen)
		*outlen = 0;
	/* a regular file: room for all of it at once, not a buffer doubled (and copied) 8 times */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size < max && hm__buf_grow(&b, (size_t)st.st_size + 65536) < 0)
		return HM_ENOMEM;
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
	struct stat st;

	return hm__read_file_st(out, outlen, &st, path, max);
}

int hm__read_file_st(char **out, size_t *outlen, struct stat *stp, const char *path, size_t max)
{
	int fd, rc, is_stdin = strcmp(path, "-") == 0;
	struct stat st;

	*out = NULL;
	memset(stp, 0, sizeof(*stp));
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
	if (rc == 0)
		*stp = st;
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

/* dir "/" name, malloc'd; NULL when out of memory */
static char *join(const char *dir, size_t dirlen, const char *name)
{
	size_t n = dirlen + strlen(name) + 2;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%.*s/%s", (int)dirlen, dir, name);
	return s;
}

/*
 * Where a link that points at nothing leads: follows the chain by hand
 * (realpath() needs the last component to exist) and returns the canonical
 * directory of the final name joined with that name. The directory must exist.
 */
static int resolve_dangling(char **out, const char *path)
{
	char *cur = strdup(path), *dcopy = NULL, *bcopy = NULL, *dir = NULL;
	char lnk[PATH_MAX];
	struct stat st;
	int hops, rc = 0;

	*out = NULL;
	if (!cur)
		return hm__err_oom();
	for (hops = 0;; hops++) {
		ssize_t n;
		char *next;
		if (lstat(cur, &st) < 0) {
			if (errno == ENOENT)
				break; /* the name the chain ends at */
			rc = hm__err(HM_EIO, "%s: cannot follow the link to %s: %s", path, cur,
				     strerror(errno));
			goto out;
		}
		if (!S_ISLNK(st.st_mode) || hops == 40) {
			rc = hm__err(HM_EIO, "%s: %s", path,
				     hops == 40 ? "too many levels of symbolic links"
						: "the link's target changed while writing");
			goto out;
		}
		n = readlink(cur, lnk, sizeof(lnk) - 1);
		if (n < 0) {
			rc = hm__err(HM_EIO, "%s: cannot read the link: %s", path, strerror(errno));
			goto out;
		}
		lnk[n] = '\0';
		if (lnk[0] == '/') {
			next = strdup(lnk);
		} else {
			const char *slash = strrchr(cur, '/');
			next = slash ? join(cur, (size_t)(slash - cur), lnk) : strdup(lnk);
		}
		free(cur);
		cur = next;
		if (!cur)
			return hm__err_oom();
	}
	dcopy = strdup(cur);
	bcopy = strdup(cur);
	if (!dcopy || !bcopy) {
		rc = hm__err_oom();
		goto out;
	}
	dir = realpath(dirname(dcopy), NULL);
	if (!dir) {
		rc = hm__err(HM_EIO, "%s: the link points to %s, whose directory cannot be used: %s",
			     path, cur, strerror(errno));
		goto out;
	}
	*out = join(dir, strlen(dir), basename(bcopy));
	if (!*out)
		rc = hm__err_oom();
out:
	free(cur);
	free(dcopy);
	free(bcopy);
	free(dir);
	return rc;
}

/*
 * What writing to path means. A character device or FIFO (a terminal,
 * /dev/null, a pipe named on the command line) is written in place: replacing
 * it with a regular file would destroy it. A symbolic link is followed and its
 * target replaced, so the link stays a link; a link to nothing creates its
 * target. Anything else (a regular file, or nothing yet) is replaced whole.
 * *target (malloc'd) is the path to write.
 */
int hm__resolve_output(char **target, int *in_place, const char *path)
{
	struct stat st, lst;

	*target = NULL;
	*in_place = 0;
	if (stat(path, &st) == 0) {
		if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
			*in_place = 1;
			*target = strdup(path);
		} else if (S_ISDIR(st.st_mode)) {
			return hm__err(HM_EIO, "%s: is a directory", path);
		} else if (!S_ISREG(st.st_mode)) {
			return hm__err(HM_EIO, "%s: not a regular file, character device or FIFO; "
				       "refusing to write to it", path);
		} else if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
			*target = realpath(path, NULL);
			if (!*target)
				return hm__err(HM_EIO, "%s: cannot resolve the link: %s", path,
					       strerror(errno));
			return 0;
		} else {
			*target = strdup(path);
		}
		return *target ? 0 : hm__err_oom();
	}
	if (errno != ENOENT)
		return hm__err(HM_EIO, "%s: %s", path, strerror(errno));
	if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
		return resolve_dangling(target, path);
	*target = strdup(path);
	return *target ? 0 : hm__err_oom();
}

/* Writes to a character device or FIFO as it is: no temporary file, no rename. */
static int write_in_place(const char *target, const char *path, const void *data, size_t len)
{
	struct stat st;
	int fd = open(target, O_WRONLY | O_NOCTTY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return hm__err(HM_EIO, "%s: cannot open for writing: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !(S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)))
		rc = hm__err(HM_EIO, "%s: changed while being opened; nothing written", path);
	else if (write_all(fd, data, len) < 0)
		rc = hm__err(HM_EIO, "%s: write failed: %s", path, strerror(errno));
	if (close(fd) < 0 && rc == 0)
		rc = hm__err(HM_EIO, "%s: write failed: %s", path, strerror(errno));
	return rc;
}

struct hm__staged {
	char *tmp;    /* the temporary file beside target */
	char *target; /* the file it replaces (a link's target, resolved) */
	char *path;   /* as the caller named it, for messages */
	int via_link; /* path is a symbolic link */
	int slot;     /* its place among the files a signal removes */
};

const char *hm__staged_target(const hm__staged *s)
{
	return s->target;
}

/* Removes the temporary file and frees s. */
void hm__discard_file(hm__staged *s)
{
	if (!s)
		return;
	if (s->tmp)
		unlink(s->tmp);
	hm__tempfile_forget(s->slot);
	free(s->tmp);
	free(s->target);
	free(s->path);
	free(s);
}

static int stage_to(hm__staged **out, char *target, const char *path, const void *data,
		    size_t len, unsigned mode)
{
	hm__staged *s = calloc(1, sizeof(*s));
	char *dcopy = strdup(target), *bcopy = strdup(target);
	const char *dir, *base;
	sigset_t old;
	int fd = -1, rc = 0, e;
	size_t n;

	*out = NULL;
	if (!s || !dcopy || !bcopy) {
		free(s);
		free(target);
		s = NULL;
		rc = hm__err_oom();
		goto out;
	}
	s->slot = -1;
	s->target = target;
	s->path = strdup(path);
	s->via_link = strcmp(target, path) != 0;
	dir = dirname(dcopy);
	base = basename(bcopy);
	n = strlen(dir) + strlen(base) + 32;
	s->tmp = malloc(n);
	if (!s->tmp || !s->path) {
		rc = hm__err_oom();
		goto out;
	}
	snprintf(s->tmp, n, "%s/.%s.tmp.XXXXXX", dir, base);
	/* no signal between creating the file and noting it for removal */
	hm__signals_block(&old);
	fd = mkostemp(s->tmp, O_CLOEXEC);
	e = errno;
	if (fd >= 0)
		s->slot = hm__tempfile_register(s->tmp);
	hm__signals_restore(&old);
	if (fd < 0) {
		rc = hm__err(HM_EIO, "%s: cannot create a temporary file in %s: %s", path, dir,
			     strerror(e));
		free(s->tmp);
		s->tmp = NULL;
		goto out;
	}
	if (fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		rc = hm__err(HM_EIO, "%s: write failed: %s", path, strerror(errno));
		goto out;
	}
	e = close(fd);
	fd = -1;
	if (e < 0)
		rc = hm__err(HM_EIO, "%s: write failed: %s", path, strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		hm__discard_file(s);
	else
		*out = s;
	free(dcopy);
	free(bcopy);
	return rc;
}

int hm__stage_file(hm__staged **out, const char *path, const void *data, size_t len,
		   unsigned mode)
{
	char *target;
	int in_place, rc;

	*out = NULL;
	if ((rc = hm__resolve_output(&target, &in_place, path)) < 0)
		return rc;
	if (in_place) {
		free(target);
		return hm__err(HM_EIO, "%s: not a regular file (a device or FIFO cannot be replaced "
			       "together with another file)", path);
	}
	return stage_to(out, target, path, data, len, mode);
}

int hm__commit_file(hm__staged *s, int overwrite)
{
	int rc = 0;

	if (!overwrite && s->via_link) {
		/*
		 * Creating, not replacing: a name that is already there, even a link
		 * to nothing, is not ours to write through (it may have been planted
		 * to send a secret key elsewhere). --force follows it.
		 */
		rc = hm__err(HM_EEXISTS, "%s: already exists as a symbolic link (use --force to "
			     "write to its target)", s->path);
	} else if (overwrite) {
		if (rename(s->tmp, s->target) < 0)
			rc = hm__err(HM_EIO, "%s: cannot replace: %s", s->path, strerror(errno));
		else {
			free(s->tmp); /* moved into place: nothing left to remove */
			s->tmp = NULL;
		}
	} else if (link(s->tmp, s->target) < 0) {
		/* link() fails with EEXIST instead of replacing: no window for a clobber. */
		int e = errno;
		if (e == EEXIST)
			rc = hm__err(HM_EEXISTS, "%s: already exists (use --force to overwrite)",
				     s->path);
		else
			rc = hm__err(HM_EIO, "%s: cannot create: %s", s->path, strerror(e));
	}
	if (rc == 0)
		fsync_dir(s->target);
	hm__discard_file(s);
	return rc;
}

int hm__write_file_atomic(const char *path, const void *data, size_t len, unsigned mode,
			  int overwrite)
{
	hm__staged *s;
	char *target;
	int in_place, rc;

	if ((rc = hm__resolve_output(&target, &in_place, path)) < 0)
		return rc;
	if (in_place) {
		rc = write_in_place(target, path, data, len);
		free(target);
		return rc;
	}
	if ((rc = stage_to(&s, target, path, data, len, mode)) < 0)
		return rc;
	return hm__commit_file(s, overwrite);
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
