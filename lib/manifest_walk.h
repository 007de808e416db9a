/*
 * lib/manifest_walk.h: the walk that lists a model directory's files
 * (manifest_walk.c), as manifest_compute.c drives it (internal).
 */
#ifndef HM_MANIFEST_WALK_H
#define HM_MANIFEST_WALK_H

#include "hashpool.h"
#include "manifest_impl.h"

#include <sys/stat.h>

struct frame;

struct walk {
	const char *display_root;
	const char *realroot;
	const char *hubrepo; /* the root is a hub snapshot of this repository: links inside it
				are followed */
	int allow_symlinks;
	char *const *ignores;
	size_t nignores;
	hm__hashfile *files;
	size_t n, cap;
	struct hm__uncovered *unc;
	size_t nunc, capunc;
	hm_buf rel; /* relative path of the current entry */
	struct frame *stack;
	size_t depth, capdepth;
	/*
	 * Hashing while listing (NULL: none): once HM_WALK_STREAM_AFTER files
	 * are listed, a hashing stream starts with these options and takes
	 * every file listed from then on; hm__hashstream_finish(stream) ends it.
	 */
	hm__hashpool_opts *stream_opts;
	struct hm__hashstream *stream;
};

/*
 * Files listed before hashing starts while listing goes on: a model of a few
 * files is listed in an instant, and its files are then hashed largest first.
 */
#define HM_WALK_STREAM_AFTER 256

/* Appends a file (w->rel its name; target the path to open instead, or NULL) seen as st. */
int hm__walk_add_file(struct walk *w, const char *target, const struct stat *st);

/*
 * Lists the tree below the directory open at rootfd (st: its identity) into
 * w->files (in directory order) and w->unc. 0 or an hm error code.
 */
int hm__walk_tree(struct walk *w, int rootfd, const struct stat *st);

/* The error for a path that is neither a regular file nor a directory (mode m). */
int hm__walk_special_file(const char *disp, mode_t m);

#endif
