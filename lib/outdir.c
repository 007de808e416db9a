/*
 * A directory of files written whole or not at all: written into a fresh
 * directory beside the target, synced, and renamed into place. An existing
 * empty target is replaced by rename(2) itself; a previous export is swapped
 * out atomically (renameat2 RENAME_EXCHANGE) and then removed, so a reader
 * of the target sees the old files or the new ones, never a mix.
 */
#include "outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 1 when the directory has no entries but . and .., 0 when it has, -1 on error. */
static int dir_empty(const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *e;
	int empty = 1;

	if (!dir)
		return -1;
	while ((e = readdir(dir)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	closedir(dir);
	return empty;
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

static void remove_tree(const char *path)
{
	if (path)
		nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -1;
	if (fsync(fd) < 0)
		rc = -1;
	close(fd);
	return rc;
}

int hm__outdir_open(struct hm__outdir *d, const char *target, int replace, const char *marker)
{
	char *copy1 = NULL, *copy2 = NULL, *m = NULL;
	struct stat st;
	int rc = 0, empty;

	memset(d, 0, sizeof(*d));
	if (!target || !*target)
		return hm__err(HM_EINVAL, "no output directory given");
	if (lstat(target, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return hm__err(HM_EEXISTS, "%s: exists and is not a directory", target);
		if ((empty = dir_empty(target)) < 0)
			return hm__err(HM_EIO, "%s: cannot read the directory: %s", target,
				       strerror(errno));
		if (!empty) {
			if (!replace)
				return hm__err(HM_EEXISTS, "%s: the directory is not empty (an export "
					       "is written into a new or empty directory; --force "
					       "replaces a previous export)", target);
			if (asprintf(&m, "%s/%s", target, marker) < 0)
				return hm__err_oom();
			rc = lstat(m, &st) == 0 && S_ISREG(st.st_mode);
			free(m);
			if (!rc)
				return hm__err(HM_EEXISTS, "%s: not replaced: it is not empty and holds "
					       "no %s, so it is not a previous export", target, marker);
			d->replace = 1;
		}
	} else if (errno != ENOENT) {
		return hm__err(HM_EIO, "%s: %s", target, strerror(errno));
	}
	if (!(d->target = strdup(target)) || !(copy1 = strdup(target)) ||
	    !(copy2 = strdup(target))) {
		rc = hm__err_oom();
		goto out;
	}
	if (asprintf(&d->tmp, "%s/.%s.tmp-XXXXXX", dirname(copy1), basename(copy2)) < 0) {
		d->tmp = NULL;
		rc = hm__err_oom();
		goto out;
	}
	if (!mkdtemp(d->tmp)) {
		rc = hm__err(HM_EIO, "%s: cannot create a directory beside it: %s", target,
			     strerror(errno));
		free(d->tmp);
		d->tmp = NULL;
		goto out;
	}
	/* what a web server publishes must be readable by it */
	chmod(d->tmp, 0755);
	rc = 0;
out:
	free(copy1);
	free(copy2);
	if (rc < 0) {
		free(d->target);
		d->target = NULL;
	}
	return rc;
}

/* Creates the directories of rel under base. */
static int make_parents(const char *base, const char *rel)
{
	char *path = NULL, *p;
	int rc = 0;

	if (asprintf(&path, "%s/%s", base, rel) < 0)
		return hm__err_oom();
	for (p = path + strlen(base) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			rc = hm__err(HM_EIO, "%s: cannot create the directory: %s", path,
				     strerror(errno));
			break;
		}
		*p = '/';
	}
	free(path);
	return rc;
}

int hm__outdir_put(struct hm__outdir *d, const char *rel, const void *data, size_t len)
{
	const unsigned char *p = data;
	char *path = NULL;
	int fd, rc;

	if ((rc = make_parents(d->tmp, rel)) < 0)
		return rc;
	if (asprintf(&path, "%s/%s", d->tmp, rel) < 0)
		return hm__err_oom();
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = hm__err(HM_EIO, "%s: cannot create: %s", path, strerror(errno));
		free(path);
		return rc;
	}
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = hm__err(HM_EIO, "%s: cannot write: %s", path, strerror(errno));
			break;
		}
		p += w;
		len -= (size_t)w;
	}
	if (close(fd) < 0 && rc == 0)
		rc = hm__err(HM_EIO, "%s: cannot write: %s", path, strerror(errno));
	free(path);
	return rc;
}

int hm__outdir_commit(struct hm__outdir *d)
{
	char *copy = NULL;
	int fd, rc = 0;

	/* one syncfs for every file rather than an fsync each */
	if ((fd = open(d->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || syncfs(fd) < 0) {
		rc = hm__err(HM_EIO, "%s: cannot sync: %s", d->tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	close(fd);
	if (d->replace) {
		if (renameat2(AT_FDCWD, d->tmp, AT_FDCWD, d->target, RENAME_EXCHANGE) < 0)
			return hm__err(HM_EIO, "%s: cannot replace it: %s", d->target,
				       strerror(errno));
		/* d->tmp now names the previous export, removed by hm__outdir_close() */
	} else if (rename(d->tmp, d->target) < 0) {
		rc = hm__err(errno == ENOTEMPTY || errno == EEXIST ? HM_EEXISTS : HM_EIO,
			     "%s: cannot move the export into place: %s", d->target,
			     strerror(errno));
		return rc;
	} else {
		free(d->tmp);
		d->tmp = NULL;
	}
	if (!(copy = strdup(d->target)))
		return hm__err_oom();
	if (sync_dir(dirname(copy)) < 0)
		rc = hm__err(HM_EIO, "%s: cannot sync its directory: %s", d->target,
			     strerror(errno));
	free(copy);
	return rc;
}

void hm__outdir_close(struct hm__outdir *d)
{
	remove_tree(d->tmp);
	free(d->tmp);
	free(d->target);
	memset(d, 0, sizeof(*d));
}
