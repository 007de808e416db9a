/*
 * tests/unit/testcrypto.h: assertions and fixtures shared by the key, DSSE,
 * statement and bundle tests. Include after <cmocka.h> and testutil.h.
 */
#ifndef HM_TESTCRYPTO_H
#define HM_TESTCRYPTO_H

#include <string.h>
#include <sys/wait.h>

#include "hallmark.h"

/* expr returns 0; on failure the message names the call and hallmark's reason. */
#define assert_hm_ok(expr)                                                                \
	do {                                                                              \
		int rc_ = (expr);                                                         \
		if (rc_ != 0)                                                             \
			fail_msg("%s returned %s: %s", #expr, hm_error_name(rc_),         \
				 hm_error_last());                                        \
	} while (0)

/*
 * expr returns code and hm_error_last() contains substr: a failure must say
 * why, not only that it failed.
 */
#define assert_hm_err(expr, code, substr)                                                 \
	do {                                                                              \
		int rc_ = (expr);                                                         \
		if (rc_ != (code))                                                        \
			fail_msg("%s returned %s (\"%s\"), expected %s", #expr,           \
				 hm_error_name(rc_), hm_error_last(), hm_error_name(code)); \
		if (!strstr(hm_error_last(), (substr)))                                   \
			fail_msg("%s: message \"%s\" does not mention \"%s\"", #expr,     \
				 hm_error_last(), (substr));                              \
	} while (0)

/* Decodes hex of any even length into a malloc'd buffer (never NULL). */
static inline unsigned char *tc_unhex(const char *hex, size_t *len)
{
	size_t n = strlen(hex) / 2, i;
	unsigned char *out = malloc(n ? n : 1);

	assert_non_null(out);
	assert_int_equal(strlen(hex) % 2, 0);
	for (i = 0; i < n; i++) {
		unsigned int v;
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (unsigned char)v;
	}
	*len = n;
	return out;
}

/* A key from a fixed seed byte, so failures reproduce. */
static inline hm_key *tc_key(unsigned char fill)
{
	unsigned char seed[32];
	hm_key *k = NULL;

	memset(seed, fill, sizeof(seed));
	assert_hm_ok(hm_key_from_seed(&k, seed));
	return k;
}

/* 1 when the openssl command-line tool can be run. */
static inline int tc_have_openssl(void)
{
	return tu_sh("command -v openssl >/dev/null 2>&1") == 0;
}

/* Removes a tu_tmpdir() directory and its contents, and frees the name. */
static inline void tc_cleanup(char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (strncmp(dir, "/", 1) == 0 && strstr(dir, "/hm-test-"))
		(void)tu_sh(cmd);
	free(dir);
}

/* Runs cmd and returns its first output line without newline (malloc'd), or NULL. */
static inline char *tc_sh_output(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char buf[4096], *nl;
	int st;

	if (!p)
		return NULL;
	if (!fgets(buf, sizeof(buf), p))
		buf[0] = '\0';
	while (fgetc(p) != EOF)
		;
	st = pclose(p);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return NULL;
	if ((nl = strchr(buf, '\n')))
		*nl = '\0';
	return strdup(buf);
}

#endif
