/*
 * Where the shipped data files are, looked up from the running program's own
 * location first, so a build-tree program uses its tree's copy even when an
 * older one is installed: <exe>/../share/hallmark (an install, also when
 * relocated), <exe>/../data and <exe>/../../data (the source tree's data/
 * seen from $(BUILD)/hallmark and $(BUILD)/tests/test_*), then HM_DATADIR
 * (the Makefile passes -DHM_DATADIR='"$(DATADIR)"'). The current directory
 * is never searched: running hallmark in someone else's directory must not
 * change its data.
 */
#include "internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef HM_DATADIR
#define HM_DATADIR "/usr/local/share/hallmark"
#endif

const char *hm__datadir(void)
{
	return HM_DATADIR;
}

static char *exists(const char *dir, const char *rel, const char *name)
{
	char *p;
	size_t n = strlen(dir) + strlen(rel) + strlen(name) + 2;

	if (!(p = malloc(n)))
		return NULL;
	snprintf(p, n, "%s%s/%s", dir, rel, name);
	if (access(p, R_OK) == 0)
		return p;
	free(p);
	return NULL;
}

char *hm__datadir_find(const char *name)
{
	static const char *const rel[] = { "/../share/hallmark", "/../data", "/../../data" };
	char exe[PATH_MAX], *slash, *found = NULL;
	ssize_t n;
	size_t i;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			for (i = 0; i < sizeof(rel) / sizeof(rel[0]) && !found; i++)
				found = exists(exe, rel[i], name);
		}
	}
	return found ? found : exists(HM_DATADIR, "", name);
}
