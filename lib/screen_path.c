/*
 * Where the shipped screening patterns are: found like every shipped data
 * file (lib/datadir.c), from the program's location first, then DATADIR.
 */
#include "dataset_impl.h"

#define HM_SCREEN_FILE "screen-patterns.txt"

int hm_screen_default_path(char **out)
{
	if ((*out = hm__datadir_find(HM_SCREEN_FILE)) != NULL)
		return 0;
	return hm__err(HM_ENOTFOUND, "no screening patterns: %s/%s is not installed and no "
		       "data/%s was found next to the program; give a pattern file",
		       hm__datadir(), HM_SCREEN_FILE, HM_SCREEN_FILE);
}
