/*
 * hallmark/gitinfo.h: where a file or directory comes from in git: the work
 * tree that holds it, its remote URL (credentials stripped), the HEAD commit
 * and whether the work tree is dirty. Used for datasets and training code.
 */
#ifndef HALLMARK_GITINFO_H
#define HALLMARK_GITINFO_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Always allocated by hm_git_info_get() and released with hm_git_info_free();
 * later versions may add members at the end, so never allocate or copy one.
 */
typedef struct hm_git_info {
	char *workdir;     /* absolute path of the work tree, no trailing slash */
	char *path;        /* the queried path relative to workdir ("" for the top) */
	char *remote_name; /* "origin", else the remote whose name sorts first; NULL if none */
	char *remote_url;  /* its configured URL without credentials; NULL when none */
	char *commit;      /* HEAD commit, lowercase hex; NULL on an unborn branch */
	char *branch;      /* short branch name; NULL when HEAD is detached or unborn */
	int dirty;         /* 1 when any file is modified, staged, deleted, or untracked and
			      not ignored (submodules included); 0 otherwise */
} hm_git_info;

/*
 * Finds the git work tree that contains path (a file or directory), searching
 * upwards from it; GIT_DIR and the other git environment variables are not
 * consulted. Returns HM_ENOTFOUND when path is in no work tree (bare
 * repositories included). Free with hm_git_info_free().
 */
HM_EXTERN int hm_git_info_get(hm_git_info **out, const char *path);
HM_EXTERN void hm_git_info_free(hm_git_info *info);

/*
 * url without credentials: the userinfo of a "scheme://user:pass@host/..."
 * URL is removed (for ssh URLs a bare user name such as "git@" is kept, a
 * password never is); scp-like "git@host:path" forms and plain paths are
 * returned unchanged. Free with hm_free().
 */
HM_EXTERN int hm_url_strip_credentials(char **out, const char *url);

#ifdef __cplusplus
}
#endif
#endif
