/* cmd/archive_cmd.h: what the archive command files share. */
#ifndef HM_CMD_ARCHIVE_CMD_H
#define HM_CMD_ARCHIVE_CMD_H

#include "cli.h"

/* cmd/archive.c: opens the archive of --db (or the default); 0 or an exit status. */
int archive_open_db(hm_archive **a, int create);
/* The --db value, for the option tables of the other files. */
const char **archive_db_option(void);

/* cmd/archive_publish.c */
int archive_checkpoint(int argc, char **argv);
int archive_export_tiles(int argc, char **argv);
/* archive verify --checkpoint: the checkpoint's signature, origin and consistency. */
int archive_verify_checkpoint(const char *path, const struct strlist *keys, const char *origin,
			      int json);

#endif
