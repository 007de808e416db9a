/*
 * Checks of what a user says about a dataset: its purpose, its license as an
 * SPDX expression, its source URI. Syntax only: an unknown license id is
 * fine, "Apache 2.0" or "MIT license" is not.
 */
#include "dataset_impl.h"

#include <string.h>
#include <strings.h>

int hm_dataset_check_purpose(const char *purpose)
{
	static const char *const ok[] = { "fine-tuning", "safety-mix", "evaluation" };
	size_t i;

	for (i = 0; purpose && i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(purpose, ok[i]) == 0)
			return 0;
	return hm__err(HM_EINVAL, "purpose \"%s\" is not one of fine-tuning, safety-mix, evaluation",
		       purpose ? purpose : "");
}

/* ---- SPDX license expressions (SPDX 2.3 annex D), by recursive descent ---- */

typedef struct lexer {
	const char *p;
	char tok[128];
	int kind; /* T_* */
} lexer;

enum { T_END, T_ID, T_AND, T_OR, T_WITH, T_OPEN, T_CLOSE, T_BAD };

static int id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-';
}

static void next(lexer *lx)
{
	size_t n = 0;

	while (*lx->p == ' ')
		lx->p++;
	lx->tok[0] = '\0';
	if (!*lx->p) {
		lx->kind = T_END;
		return;
	}
	if (*lx->p == '(' || *lx->p == ')') {
		lx->kind = *lx->p == '(' ? T_OPEN : T_CLOSE;
		lx->tok[0] = *lx->p++;
		lx->tok[1] = '\0';
		return;
	}
	while (id_char(*lx->p) && n < sizeof(lx->tok) - 2)
		lx->tok[n++] = *lx->p++;
	if (n && *lx->p == '+') /* "or later": GPL-2.0+ */
		lx->tok[n++] = *lx->p++;
	lx->tok[n] = '\0';
	if (n == 0 || (*lx->p && *lx->p != ' ' && *lx->p != '(' && *lx->p != ')')) {
		lx->kind = T_BAD; /* name the character that does not belong */
		lx->tok[0] = *lx->p ? *lx->p : '?';
		lx->tok[1] = '\0';
		return;
	}
	if (strcmp(lx->tok, "AND") == 0)
		lx->kind = T_AND;
	else if (strcmp(lx->tok, "OR") == 0)
		lx->kind = T_OR;
	else if (strcmp(lx->tok, "WITH") == 0)
		lx->kind = T_WITH;
	else
		lx->kind = T_ID;
}

static int expr(lexer *lx, const char *all, int depth);

static int bad(const char *all, const char *why, const char *tok)
{
	return hm__err(HM_EINVAL, "license \"%s\" is not an SPDX expression: %s%s%s%s (write e.g. "
		       "\"Apache-2.0\", \"CC-BY-4.0 AND MIT\", \"GPL-2.0-or-later WITH "
		       "Classpath-exception-2.0\")", all, why, tok ? " \"" : "", tok ? tok : "",
		       tok ? "\"" : "");
}

static int term(lexer *lx, const char *all, int depth)
{
	int rc;

	if (lx->kind == T_OPEN) {
		next(lx);
		if ((rc = expr(lx, all, depth + 1)) < 0)
			return rc;
		if (lx->kind != T_CLOSE)
			return bad(all, "missing ')'", NULL);
		next(lx);
		return 0;
	}
	if (lx->kind == T_BAD)
		return bad(all, "unexpected", lx->tok);
	if (lx->kind != T_ID)
		return bad(all, "expected a license id", lx->kind == T_END ? NULL : lx->tok);
	next(lx);
	if (lx->kind == T_WITH) {
		next(lx);
		if (lx->kind != T_ID)
			return bad(all, "expected an exception id after WITH",
				   lx->kind == T_END ? NULL : lx->tok);
		next(lx);
	}
	return 0;
}

static int expr(lexer *lx, const char *all, int depth)
{
	int rc;

	if (depth > 32)
		return bad(all, "nested too deeply", NULL);
	if ((rc = term(lx, all, depth)) < 0)
		return rc;
	while (lx->kind == T_AND || lx->kind == T_OR) {
		next(lx);
		if ((rc = term(lx, all, depth)) < 0)
			return rc;
	}
	return 0;
}

int hm_dataset_check_license(const char *s)
{
	lexer lx;
	int rc;

	if (!s || !*s)
		return hm__err(HM_EINVAL, "the license is empty");
	if (strlen(s) > 1024)
		return hm__err(HM_EINVAL, "the license expression is longer than 1024 bytes");
	lx.p = s;
	next(&lx);
	if ((rc = expr(&lx, s, 0)) < 0)
		return rc;
	if (lx.kind != T_END)
		return bad(s, "unexpected", lx.tok);
	return 0;
}

/* ---- source URIs ---- */

static int scheme_is(const char *s, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(s, name, n) == 0;
}

int hm_dataset_check_source(const char *uri)
{
	static const char *const net[] = { "http", "https", "hf", "s3", "gs", "az", "abfs", "ftp",
					   "ssh", "git", "git+https", "git+http", "git+ssh" };
	const unsigned char *p;
	size_t n = 0, i;
	int needs_host = 0;

	if (!uri || !*uri)
		return hm__err(HM_EINVAL, "the source URI is empty");
	for (p = (const unsigned char *)uri; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == '"' || *p == '<' || *p == '>' || *p == '\\')
			return hm__err(HM_EINVAL, "source \"%s\": a URI has no spaces, control "
				       "characters, quotes, '<', '>' or '\\' (percent-encode them)",
				       uri);
	/* RFC 3986: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
	if ((uri[0] >= 'a' && uri[0] <= 'z') || (uri[0] >= 'A' && uri[0] <= 'Z'))
		for (n = 1; id_char(uri[n]) || uri[n] == '+'; n++)
			;
	if (n == 0 || uri[n] != ':')
		return hm__err(HM_EINVAL, "source \"%s\" is not a URI: it needs a scheme, e.g. "
			       "https://..., hf://datasets/ORG/NAME, s3://BUCKET/KEY, file:///PATH", uri);
	if (n == 1)
		return hm__err(HM_EINVAL, "source \"%s\" looks like a Windows path, not a URI "
			       "(use file:///...)", uri);
	if (uri[n + 1] == '\0')
		return hm__err(HM_EINVAL, "source \"%s\" has nothing after the scheme", uri);
	for (i = 0; i < sizeof(net) / sizeof(net[0]); i++)
		if (scheme_is(uri, n, net[i]))
			needs_host = 1;
	if (needs_host) {
		const char *auth = uri + n + 1, *end, *at;
		if (strncmp(auth, "//", 2) != 0 || !auth[2] || auth[2] == '/')
			return hm__err(HM_EINVAL, "source \"%s\": a %.*s URI needs //HOST or //BUCKET",
				       uri, (int)n, uri);
		auth += 2;
		end = auth + strcspn(auth, "/?#");
		at = memchr(auth, '@', (size_t)(end - auth));
		/* a token or password signed into an attestation would be published with it */
		if (at && (scheme_is(uri, n, "http") || scheme_is(uri, n, "https") ||
			   scheme_is(uri, n, "git+https") || scheme_is(uri, n, "git+http") ||
			   memchr(auth, ':', (size_t)(at - auth))))
			return hm__err(HM_EINVAL, "source \"%s\" carries credentials before '@'; "
				       "remove them", uri);
	} else if (scheme_is(uri, n, "file") && uri[n + 1] != '/') {
		return hm__err(HM_EINVAL, "source \"%s\": a file URI needs an absolute path "
			       "(file:///PATH)", uri);
	}
	return 0;
}
