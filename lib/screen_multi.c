/*
 * One pass over a text for every screening pattern at once (Hyperscan). The
 * plain patterns go in as literals, and so do the regexes written in the
 * part of ERE syntax whose meaning Hyperscan shares (hm__multi_regex_ok):
 * for those the scan alone decides, without regexec. Any other regex is
 * represented by the literals that gate it (screen_literal.c) and still run
 * with regexec when one occurs. One scan replaces a memmem per pattern and
 * most regexec calls. Hyperscan needs SSSE3; where the CPU lacks it
 * (hs_valid_platform) or the database cannot be built, there is no matcher
 * and screen.c searches pattern by pattern as before, with the same results.
 *
 * The texts scanned are normalized (screen.c): ASCII lowercase, no newline,
 * no NUL. On such text a regex of the shared syntax matches under Hyperscan
 * (bytes, caseless, '.' matching any byte) exactly when glibc's regexec
 * (REG_EXTENDED | REG_ICASE, in the C locale the library runs in) matches:
 * the anchors '^' and '$' only meet the ends of the text, and nothing in the
 * subset is read differently by the two (no escapes but of special
 * characters, no classes like [:alpha:], no back-to-back quantifiers, which
 * PCRE syntax would read as lazy or possessive).
 */
#include "dataset_impl.h"

#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hm__multi {
	hs_database_t *db;
};

static int is_quant(char c)
{
	return c == '*' || c == '+' || c == '?' || c == '{';
}

/* Index past a {m}, {m,} or {m,n} interval at re[i] == '{', or 0 when it is none. */
static size_t interval(const char *re, size_t i)
{
	size_t j = i + 1, digits = 0;

	while (re[j] >= '0' && re[j] <= '9')
		j++, digits++;
	if (!digits)
		return 0;
	if (re[j] == ',') {
		j++;
		while (re[j] >= '0' && re[j] <= '9')
			j++;
	}
	return re[j] == '}' ? j + 1 : 0;
}

int hm__multi_regex_ok(const char *re)
{
	size_t i = 0, depth = 0;
	int atom = 0; /* a quantifier may follow */

	while (re[i]) {
		unsigned char c = (unsigned char)re[i];

		if (c < 0x20 || c >= 0x7f)
			return 0; /* bytes outside printable ASCII: locale territory */
		if (c == '\\') {
			if (!re[i + 1] || !strchr(".[]()*+?{}|^$\\", re[i + 1]))
				return 0;
			i += 2;
			atom = 1;
		} else if (c == '[') {
			i++;
			if (re[i] == '^')
				i++;
			if (re[i] == ']')
				return 0;
			while (re[i] && re[i] != ']') {
				if (re[i] == '\\' || re[i] == '[')
					return 0;
				i++;
			}
			if (!re[i])
				return 0;
			i++;
			atom = 1;
		} else if (is_quant((char)c)) {
			size_t end = c == '{' ? interval(re, i) : i + 1;
			if (!atom || !end || is_quant(re[end]))
				return 0;
			i = end;
			atom = 0;
		} else if (c == '(') {
			if (re[i + 1] == ')')
				return 0;
			depth++;
			i++;
			atom = 0;
		} else if (c == ')') {
			if (!depth--)
				return 0;
			i++;
			atom = 1;
		} else if (c == '|' || c == '^' || c == '$') {
			i++;
			atom = 0;
		} else if (c == '}' || c == ']') {
			return 0;
		} else {
			i++;
			atom = 1;
		}
	}
	return depth == 0;
}

/* A literal as a Hyperscan expression: every byte but letters and digits as \xHH. */
static char *escape(const char *s, size_t n)
{
	char *e = malloc(4 * n + 1), *o = e;
	size_t i;

	if (!e)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			*o++ = (char)c;
		else
			o += sprintf(o, "\\x%02x", c);
	}
	*o = '\0';
	return e;
}

int hm__multi_new(hm__multi **out, long *bad, const char *const *text, const size_t *len,
		  const int *is_re, const unsigned *ids, unsigned n)
{
	hs_compile_error_t *err = NULL;
	unsigned *flags = NULL, i;
	char **expr = NULL;
	hm__multi *m = NULL;
	int rc = 0;

	*out = NULL;
	*bad = -1;
	if (n == 0 || hs_valid_platform() != HS_SUCCESS)
		return 0;
	if (!(m = calloc(1, sizeof(*m))) || !(flags = malloc(n * sizeof(*flags))) ||
	    !(expr = calloc(n, sizeof(*expr)))) {
		rc = hm__err_oom();
		goto out;
	}
	for (i = 0; i < n; i++) {
		flags[i] = HS_FLAG_SINGLEMATCH;
		if (is_re[i]) {
			flags[i] |= HS_FLAG_CASELESS | HS_FLAG_DOTALL;
			expr[i] = strndup(text[i], len[i]);
		} else {
			expr[i] = escape(text[i], len[i]);
		}
		if (!expr[i]) {
			rc = hm__err_oom();
			goto out;
		}
	}
	if (hs_compile_multi((const char *const *)expr, flags, ids, n, HS_MODE_BLOCK, NULL, &m->db,
			     &err) != HS_SUCCESS) {
		/* not fatal: the caller leaves that regex to regexec, or searches pattern by pattern */
		if (err && err->expression >= 0 && (unsigned)err->expression < n &&
		    is_re[err->expression])
			*bad = err->expression;
		hs_free_compile_error(err);
		free(m);
		m = NULL;
	}
	*out = m;
	m = NULL;
out:
	for (i = 0; expr && i < n; i++)
		free(expr[i]);
	free(expr);
	free(flags);
	free(m);
	return rc;
}

void hm__multi_free(hm__multi *m)
{
	if (!m)
		return;
	hs_free_database(m->db);
	free(m);
}

void hm__multi_scratch_free(void *scratch)
{
	if (scratch)
		hs_free_scratch(scratch);
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
		    void *ctx)
{
	((unsigned char *)ctx)[id] = 1;
	return 0;
}

int hm__multi_scan(const hm__multi *m, void **scratch, const char *text, size_t len,
		   unsigned char *seen)
{
	hs_scratch_t *s = *scratch;

	if (!s && hs_alloc_scratch(m->db, &s) != HS_SUCCESS)
		return hm__err_oom();
	*scratch = s;
	if (len > 0xffffffffu) /* hs_scan takes an unsigned length; records are far smaller */
		return hm__err(HM_EINVAL, "text too long to screen");
	if (hs_scan(m->db, text, (unsigned)len, 0, s, on_match, seen) != HS_SUCCESS)
		return hm__err(HM_EINVAL, "screening scan failed");
	return 0;
}
