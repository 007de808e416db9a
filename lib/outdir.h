/*
 * lib/outdir.h: a directory of files written whole or not at all (internal).
 * Files go into a fresh directory beside the target, which is synced and
 * renamed into place at the end; on failure it is removed and the target
 * is left as it was.
 */
#ifndef HM_OUTDIR_H
#define HM_OUTDIR_H

#include "internal.h"

struct hm__outdir {
	char *target;  /* the directory to create or replace */
	char *tmp;     /* the directory being written */
	int replace;   /* the target holds a previous export to replace */
};

/*
 * Checks the target (absent or an empty directory; with replace, also a
 * directory holding the file marker) and creates the temporary directory.
 * Anything else is HM_EEXISTS with the reason.
 */
int hm__outdir_open(struct hm__outdir *d, const char *target, int replace, const char *marker);
/* Writes rel (a relative path; its directories are created) into the temporary directory. */
int hm__outdir_put(struct hm__outdir *d, const char *rel, const void *data, size_t len);
/* Syncs everything and moves it into place (exchanging it with a replaced export). */
int hm__outdir_commit(struct hm__outdir *d);
/* Removes the temporary directory (after a failure or commit) and frees d. */
void hm__outdir_close(struct hm__outdir *d);

#endif
