/*
 * lib/gitinfo_impl.h: libgit2 helpers shared by the git provenance of
 * datasets and of training code (hallmark/gitinfo.h is the public face).
 */
#ifndef HM_GITINFO_IMPL_H
#define HM_GITINFO_IMPL_H

#include "internal.h"
#include "hallmark/gitinfo.h"

#include <git2.h>

/*
 * Opens the work tree containing path (a file or a directory), searching
 * upwards, never from GIT_DIR & co. *rel receives path relative to the work
 * tree ("" for its top; malloc'd), *workdir its absolute path without a
 * trailing slash (malloc'd). HM_ENOTFOUND when there is none.
 */
int hm__git_open(git_repository **repo, char **workdir, char **rel, const char *path);
/* The current libgit2 error as an hm error with code, prefixed by what. */
int hm__git_err(int code, const char *what);
/*
 * "origin", else the remote whose name sorts first: name and configured URL
 * (credentials stripped); NULLs when there is no remote.
 */
int hm__git_remote(char **name, char **url, git_repository *repo);
/* HEAD's commit id in hex (NULL when the branch is unborn) and the branch (NULL when detached). */
int hm__git_head(char **commit, char **branch, git_repository *repo);

#endif
