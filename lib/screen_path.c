/*
 * Where the shipped screening patterns are, looked up from the running
 * program's own location first, so a build-tree program uses its tree's copy
 * even when an older one is installed: <exe>/../share/hallmark (an install,
 * also when relocated), <exe>/../data and <exe>/../../data (the source tree's
 * data/ seen from $(BUILD)/hallmark and $(BUILD)/tests/test_*), then
 * HM_DATADIR (the Makefile passes -DHM_DATADIR='"$(DATADIR)"'). The current
 * directory is never searched: running hallmark in someone else's directory
 * must not change its patterns.
 */
#include "dataset_impl.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef HM_DATADIR
#define HM_DATADIR "/usr/local/share/hallmark"
#endif

#define HM_SCREEN_FILE "screen-patterns.txt"

static char *exists(const char *dir, const char *rel)
{
	char *p;
	size_t n = strlen(dir) + strlen(rel) + sizeof(HM_SCREEN_FILE) + 2;

	if (!(p = malloc(n)))
		return NULL;
	snprintf(p, n, "%s%s/%s", dir, rel, HM_SCREEN_FILE);
	if (access(p, R_OK) == 0)
		return p;
	free(p);
	return NULL;
}

int hm_screen_default_path(char **out)
{
	static const char *const rel[] = { "/../share/hallmark", "/../data", "/../../data" };
	char exe[PATH_MAX], *slash;
	ssize_t n;
	size_t i;

	*out = NULL;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			for (i = 0; i < sizeof(rel) / sizeof(rel[0]) && !*out; i++)
				*out = exists(exe, rel[i]);
		}
	}
	if (!*out)
		*out = exists(HM_DATADIR, "");
	if (*out)
		return 0;
	return hm__err(HM_ENOTFOUND, "no screening patterns: %s/%s is not installed and no "
		       "data/%s was found next to the program; give a pattern file", HM_DATADIR,
		       HM_SCREEN_FILE, HM_SCREEN_FILE);
}
