/*
 * The walk that lists every regular file under a model's root and records
 * what the ignore paths leave out (manifest_compute.c sorts and hashes).
 *
 * The walk keeps no recursion and no per-level descriptor: its stack of
 * directories lives on the heap, each directory is read whole and closed,
 * and only the directory being listed is open. Going down opens the child
 * below the current one; going back up opens ".." and checks that it is the
 * directory left (device and inode), so depth is bounded by memory alone and
 * paths longer than PATH_MAX need no special case.
 */
#include "manifest_walk.h"

#include <stddef.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A subdirectory still to list: the identity fstatat saw, and whether it lies under an ignore. */
struct subdir {
	char *name;
	dev_t dev;
	ino_t ino;
	int ignored;
};

/* A directory on the walk's stack. */
struct frame {
	dev_t dev;
	ino_t ino;
	size_t rel_len; /* length of its relative path in walk.rel */
	int ignored;	/* under an explicit ignore: files are recorded, not hashed */
	struct subdir *subs;
	size_t nsubs, next, cap;
};

/* Appends a file seen as st; fd >= 0: the walk opened it (hashing while listing). */
static int add_file(struct walk *w, const char *target, const struct stat *st, int fd)
{
	hm__hashfile f;
	int rc;

	memset(&f, 0, sizeof(f));
	f.name = strdup(w->rel.data);
	f.target = target ? strdup(target) : NULL;
	if (!f.name || (target && !f.target)) {
		rc = hm__err_oom();
		goto fail;
	}
	f.dev = st->st_dev;
	f.ino = st->st_ino;
	f.size = (uint64_t)st->st_size;
	f.mtime = st->st_mtim;
	f.ctime = st->st_ctim;
	f.opened = fd >= 0;
	f.fd = fd;
	if (w->stream) {
		if ((rc = hm__hashstream_push(w->stream, &w->files, &w->n, &w->cap, &f)) < 0)
			goto fail;
		return hm__hashstream_help(w->stream);
	}
	if ((rc = hm__hashfiles_push(&w->files, &w->n, &w->cap, &f)) < 0)
		goto fail;
	/* Enough files listed that hashing them while the rest are listed pays. */
	if (w->stream_opts && w->n >= HM_WALK_STREAM_AFTER)
		return hm__hashstream_start(&w->stream, &w->files, w->n, w->stream_opts);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	free(f.name);
	free(f.target);
	return rc;
}

int hm__walk_add_file(struct walk *w, const char *target, const struct stat *st)
{
	return add_file(w, target, st, -1);
}

/*
 * While hashing runs alongside, a regular file (as the directory entry
 * says) is opened here, and the pool reads from that descriptor: one
 * lookup and one fstat per file fewer than a stat here and an open there.
 * 1 when it was opened and listed, 0 when not (the caller stats it as
 * usual), or an hm error code.
 */
static int open_listed(struct walk *w, int dfd, const char *dname, unsigned char type)
{
	const int flags = O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY;
	struct stat st;
	int fd, rc;

	if (!w->stream || type != DT_REG || !hm__hashstream_may_open(w->stream))
		return 0;
	if ((fd = openat(dfd, dname, flags)) < 0)
		return 0; /* a link now, unreadable, out of descriptors: as usual */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	rc = add_file(w, NULL, &st, fd);
	return rc < 0 ? rc : 1;
}

/* Records w->rel (with a trailing "/" when dir) as not covered by the manifest. */
static int add_uncovered(struct walk *w, uint64_t size, hm_uncovered_kind kind, int dir)
{
	struct hm__uncovered *u;

	if (w->nunc == w->capunc) {
		size_t cap = w->capunc ? w->capunc * 2 : 16;
		struct hm__uncovered *p = realloc(w->unc, cap * sizeof(*p));

		if (!p)
			return hm__err_oom();
		w->unc = p;
		w->capunc = cap;
	}
	u = &w->unc[w->nunc];
	u->name = malloc(w->rel.len + 2);
	if (!u->name)
		return hm__err_oom();
	memcpy(u->name, w->rel.data, w->rel.len);
	if (dir)
		u->name[w->rel.len] = '/';
	u->name[w->rel.len + (dir ? 1 : 0)] = '\0';
	u->size = size;
	u->kind = kind;
	w->nunc++;
	return 0;
}

static const char *kind_of(mode_t m)
{
	if (S_ISFIFO(m))
		return "a FIFO (named pipe)";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	return "not a regular file or directory";
}

int hm__walk_special_file(const char *disp, mode_t m)
{
	return hm__err(HM_EUNSUPPORTED, "%s: is %s; only regular files and directories can be hashed",
		       disp, kind_of(m));
}

/* 1 when the resolved path res is dir or lies below it. */
static int inside(const char *res, const char *dir)
{
	size_t l = strlen(dir);

	return l == 1 || (strncmp(res, dir, l) == 0 && (res[l] == '\0' || res[l] == '/'));
}

/* 1 when the directory res (resolved) holds the entry w->rel: a link to it is a cycle. */
static int ancestor_link(const struct walk *w, const char *res)
{
	const char *slash = strrchr(w->rel.data, '/');
	hm_buf parent = HM_BUF_INIT;
	size_t rl = strlen(w->realroot);
	int in;

	if (hm__buf_printf(&parent, "%s%s%.*s", w->realroot, rl > 1 && slash ? "/" : "",
			   slash ? (int)(slash - w->rel.data) : 0, w->rel.data) < 0)
		return 1; /* out of memory: refuse rather than guess */
	in = inside(parent.data, res);
	hm__buf_free(&parent);
	return in;
}

/*
 * A symlink at w->rel (allowed, or in a hub snapshot): hashed when it
 * resolves to a file inside the root, or in a hub snapshot inside its
 * repository (the blobs the snapshot's files link to).
 */
static int walk_symlink(struct walk *w, const char *disp)
{
	size_t rl = strlen(w->realroot);
	hm_buf full = HM_BUF_INIT;
	struct stat st;
	char *res;
	int rc = 0, e;

	if (hm__buf_printf(&full, "%s%s%s", w->realroot, rl > 1 ? "/" : "", w->rel.data) < 0)
		return HM_ENOMEM;
	res = realpath(full.data, NULL);
	e = errno;
	hm__buf_free(&full);
	if (!res) {
		if (e == ENOENT || e == ENOTDIR)
			return hm__err(HM_EUNSUPPORTED, "%s: dangling symbolic link", disp);
		if (e == ELOOP)
			return hm__err(HM_EUNSUPPORTED, "%s: symbolic link loop", disp);
		return hm__err(HM_EIO, "%s: cannot resolve symbolic link: %s", disp, strerror(e));
	}
	if (!inside(res, w->realroot) && w->hubrepo && !inside(res, w->hubrepo)) {
		rc = hm__err(HM_EUNSUPPORTED,
			     "%s: symbolic link points outside the hub cache repository %s (to %s)",
			     disp, w->hubrepo, res);
	} else if (!inside(res, w->realroot) && !w->hubrepo) {
		rc = hm__err(HM_EUNSUPPORTED,
			     "%s: symbolic link points outside the model root (to %s)", disp, res);
	} else if (!inside(res, w->realroot) && stat(res, &st) == 0 && !S_ISREG(st.st_mode)) {
		rc = hm__err(HM_EUNSUPPORTED, "%s: symbolic link out of the hub snapshot to %s, "
			     "which is not a regular file", disp, res);
	} else if (stat(res, &st) < 0) {
		rc = hm__err(HM_EIO, "%s: cannot stat the symbolic link's target %s: %s", disp, res,
			     strerror(errno));
	} else if (S_ISREG(st.st_mode)) {
		rc = hm__walk_add_file(w, res, &st);
	} else if (!S_ISDIR(st.st_mode)) {
		rc = hm__err(HM_EUNSUPPORTED, "%s: symbolic link to %s, which is %s", disp, res,
			     kind_of(st.st_mode));
	} else if (ancestor_link(w, res)) {
		rc = hm__err(HM_EUNSUPPORTED, "%s: symbolic link to %s, a directory that holds it: "
			     "following it would form a cycle", disp, res);
	}
	/* A link to a directory inside the root is not descended: its files are
	 * listed under their real names, and no cycle can form. */
	free(res);
	return rc;
}

static int push_subdir(struct frame *f, const char *name, const struct stat *st, int ignored)
{
	if (f->nsubs == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		struct subdir *p = realloc(f->subs, cap * sizeof(*p));

		if (!p)
			return hm__err_oom();
		f->subs = p;
		f->cap = cap;
	}
	if (!(f->subs[f->nsubs].name = strdup(name)))
		return hm__err_oom();
	f->subs[f->nsubs].dev = st->st_dev;
	f->subs[f->nsubs].ino = st->st_ino;
	f->subs[f->nsubs].ignored = ignored;
	f->nsubs++;
	return 0;
}

/*
 * An entry under an ignore (w->rel is its path): recorded, never hashed and
 * never an error. A directory under an explicit ignore is listed in turn;
 * one matched by a default rule is a single row.
 */
static int ignored_entry(struct walk *w, struct frame *f, int dfd, const char *dname,
			 hm_uncovered_kind kind)
{
	struct stat st, target;

	if (fstatat(dfd, dname, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return add_uncovered(w, 0, kind, 0);
	if (S_ISDIR(st.st_mode)) {
		if (kind == HM_UNCOVERED_DEFAULT)
			return add_uncovered(w, 0, kind, 1);
		return push_subdir(f, dname, &st, 1);
	}
	if (S_ISREG(st.st_mode))
		return add_uncovered(w, (uint64_t)st.st_size, kind, 0);
	if (S_ISLNK(st.st_mode))
		return add_uncovered(w,
				     fstatat(dfd, dname, &target, 0) == 0 && S_ISREG(target.st_mode)
					     ? (uint64_t)target.st_size
					     : 0,
				     kind, 0);
	return 0; /* FIFOs, sockets and devices hold no files */
}

static int walk_entry(struct walk *w, struct frame *f, int dfd, const char *dname,
		      unsigned char type)
{
	char disp[PATH_MAX];
	struct stat st;
	long ig;
	int rc;

	if (f->ignored)
		return ignored_entry(w, f, dfd, dname, HM_UNCOVERED_IGNORED);
	ig = hm__path_ignored_by(w->ignores, w->nignores, w->rel.data);
	if (ig >= 0)
		return ignored_entry(w, f, dfd, dname,
				     hm__path_is_default_ignore(w->ignores[ig]) ? HM_UNCOVERED_DEFAULT
										 : HM_UNCOVERED_IGNORED);
	if ((rc = open_listed(w, dfd, dname, type)) != 0)
		return rc < 0 ? rc : 0;
	if (fstatat(dfd, dname, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		int e = errno;

		hm__display_path(disp, sizeof(disp), w->display_root, w->rel.data);
		return hm__err(HM_EIO, "%s: %s", disp, strerror(e));
	}
	if (S_ISREG(st.st_mode))
		return add_file(w, NULL, &st, -1);
	if (S_ISDIR(st.st_mode))
		return push_subdir(f, dname, &st, 0);
	/* The path for messages is made only off the common path (a file per entry adds up). */
	hm__display_path(disp, sizeof(disp), w->display_root, w->rel.data);
	if (S_ISLNK(st.st_mode)) {
		if (!w->allow_symlinks && !w->hubrepo)
			return hm__err(HM_EUNSUPPORTED,
				       "%s: is a symbolic link; symlinks are refused unless allowed",
				       disp);
		return walk_symlink(w, disp);
	}
	return hm__walk_special_file(disp, st.st_mode);
}

/* w->rel = the path of frame f, then "/name" when name is not NULL. */
static int set_rel(struct walk *w, const struct frame *f, const char *name)
{
	w->rel.len = f->rel_len;
	w->rel.data[f->rel_len] = '\0';
	if (!name)
		return 0;
	if ((f->rel_len && hm__buf_put(&w->rel, "/", 1) < 0) || hm__buf_puts(&w->rel, name) < 0)
		return HM_ENOMEM;
	return 0;
}

/* Reads the directory open at dfd (the top frame) whole: files recorded, subdirectories queued. */
static int list_dir(struct walk *w, int dfd)
{
	struct frame *f = &w->stack[w->depth - 1];
	char disp[PATH_MAX];
	struct dirent *de;
	int rc = 0, dup_fd = dup(dfd);
	DIR *d = dup_fd < 0 ? NULL : fdopendir(dup_fd);

	if (!d) {
		if (dup_fd >= 0)
			close(dup_fd);
		if (f->ignored)
			return add_uncovered(w, 0, HM_UNCOVERED_IGNORED, 1);
		hm__display_path(disp, sizeof(disp), w->display_root, f->rel_len ? w->rel.data : ".");
		return hm__err(HM_EIO, "%s: cannot read directory: %s", disp, strerror(errno));
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno) {
				int e = errno;

				set_rel(w, f, NULL);
				if (f->ignored) {
					rc = add_uncovered(w, 0, HM_UNCOVERED_IGNORED, 1);
					break;
				}
				hm__display_path(disp, sizeof(disp), w->display_root,
						 f->rel_len ? w->rel.data : ".");
				rc = hm__err(HM_EIO, "%s: cannot read directory: %s", disp, strerror(e));
			}
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((rc = set_rel(w, f, de->d_name)) < 0 || (rc = walk_entry(w, f, dfd, de->d_name, de->d_type)) < 0)
			break;
	}
	closedir(d);
	return rc;
}

static int push_frame(struct walk *w, const struct stat *st, int ignored)
{
	struct frame *f;

	if (w->depth == w->capdepth) {
		size_t cap = w->capdepth ? w->capdepth * 2 : 16;
		struct frame *p = realloc(w->stack, cap * sizeof(*p));

		if (!p)
			return hm__err_oom();
		w->stack = p;
		w->capdepth = cap;
	}
	f = &w->stack[w->depth++];
	memset(f, 0, sizeof(*f));
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->rel_len = w->rel.len;
	f->ignored = ignored;
	return 0;
}

static void pop_frame(struct walk *w)
{
	struct frame *f = &w->stack[--w->depth];
	size_t i;

	for (i = 0; i < f->nsubs; i++)
		free(f->subs[i].name);
	free(f->subs);
}

/*
 * Opens the next queued subdirectory of the top frame below *cur and makes
 * it the current directory. 1 when it was entered, 0 when it was recorded
 * instead (an ignored directory that cannot be opened).
 */
static int enter_subdir(struct walk *w, int *cur)
{
	struct frame *f = &w->stack[w->depth - 1];
	struct subdir *s = &f->subs[f->next++];
	char disp[PATH_MAX];
	struct stat st;
	int sub, rc;

	if ((rc = set_rel(w, f, s->name)) < 0)
		return rc;
	hm__display_path(disp, sizeof(disp), w->display_root, w->rel.data);
	sub = openat(*cur, s->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0) {
		if (s->ignored)
			return add_uncovered(w, 0, HM_UNCOVERED_IGNORED, 1);
		return hm__err(HM_EIO, "%s: cannot open directory: %s", disp, strerror(errno));
	}
	if (fstat(sub, &st) < 0 || st.st_dev != s->dev || st.st_ino != s->ino) {
		close(sub);
		return hm__err(HM_EIO, "%s: directory was replaced while it was listed", disp);
	}
	if ((rc = push_frame(w, &st, s->ignored)) < 0) {
		close(sub);
		return rc;
	}
	close(*cur);
	*cur = sub;
	return 1;
}

/* Leaves the top frame: back to its parent through "..", which must be the directory left. */
static int leave_dir(struct walk *w, int *cur)
{
	const struct frame *parent;
	char disp[PATH_MAX];
	struct stat st;
	int up;

	pop_frame(w);
	if (w->depth == 0)
		return 0;
	parent = &w->stack[w->depth - 1];
	set_rel(w, parent, NULL);
	up = openat(*cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (up < 0 || fstat(up, &st) < 0 || st.st_dev != parent->dev || st.st_ino != parent->ino) {
		if (up >= 0)
			close(up);
		hm__display_path(disp, sizeof(disp), w->display_root,
				 parent->rel_len ? w->rel.data : ".");
		return hm__err(HM_EIO, "%s: directory was moved while it was listed", disp);
	}
	close(*cur);
	*cur = up;
	return 0;
}

int hm__walk_tree(struct walk *w, int rootfd, const struct stat *st)
{
	int cur = dup(rootfd), rc;

	if (cur < 0)
		return hm__err(HM_EIO, "%s: %s", w->display_root, strerror(errno));
	if ((rc = push_frame(w, st, 0)) < 0 || (rc = list_dir(w, cur)) < 0)
		goto done;
	while (w->depth) {
		struct frame *f = &w->stack[w->depth - 1];

		if (f->next < f->nsubs) {
			rc = enter_subdir(w, &cur);
			if (rc == 1)
				rc = list_dir(w, cur);
		} else {
			rc = leave_dir(w, &cur);
		}
		if (rc < 0)
			goto done;
	}
	rc = 0;
done:
	while (w->depth)
		pop_frame(w);
	close(cur);
	return rc;
}
