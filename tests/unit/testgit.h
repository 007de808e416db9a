/*
 * tests/unit/testgit.h: repositories made with the git CLI for the git
 * provenance tests. Include after testutil.h.
 */
#ifndef HM_TESTGIT_H
#define HM_TESTGIT_H

#include <stdarg.h>

/* git with a fixed identity and branch name, whatever the user's configuration says. */
#define TG_GIT "git -c user.name=t -c user.email=t@example.com -c init.defaultBranch=main " \
	       "-c commit.gpgsign=false"

/* 1 when the git CLI is there; otherwise says the test skips. */
static inline int tg_have_git(void)
{
	if (tu_sh("git --version >/dev/null 2>&1") != 0) {
		fprintf(stderr, "# skip: the git CLI is absent\n");
		return 0;
	}
	return 1;
}

/* Runs a git command line in dir; fails the test when it fails. */
static inline void tg_git(const char *dir, const char *fmt, ...)
{
	char args[2048], cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "cd '%s' && " TG_GIT " %s >/dev/null 2>&1", dir, args);
	if (tu_sh(cmd) != 0)
		fail_msg("failed: %s", cmd);
}

/* The first line of a git command's output, in a static buffer. */
static inline const char *tg_out(const char *dir, const char *args)
{
	static char out[256];
	char cmd[4096];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "cd '%s' && " TG_GIT " %s", dir, args);
	p = popen(cmd, "r");
	assert_non_null(p);
	if (!fgets(out, sizeof(out), p))
		out[0] = '\0';
	pclose(p);
	out[strcspn(out, "\n")] = '\0';
	return out;
}

#endif
