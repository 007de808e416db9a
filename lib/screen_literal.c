/*
 * A cheap pre-check for the screening regexes: glibc's regexec is slow, and
 * most texts lack the literal parts a match needs, so those are looked for
 * first with memmem. The literals: lowercased (as the text is), of which
 * every match contains at least one. Candidates are the atoms at the top
 * level that a match cannot skip: a run of plain characters (a character
 * before '?', '*' or '{' is optional and left out), or a group that is a
 * plain alternation like (ignore|disregard) not followed by a quantifier.
 * The candidate whose shortest literal is longest wins; none when it is
 * shorter than 3 bytes or the ERE has an alternation at the top level.
 */
#include "dataset_impl.h"

#include <stdlib.h>
#include <string.h>

void hm__literals_free(hm__literals *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->len);
	memset(l, 0, sizeof(*l));
}

static int special(char c)
{
	return strchr(".[]()*+?{}|^$\\", c) != NULL;
}

/* Offers re[a..b) split at '|' as a candidate, if every piece is plain and non-empty. */
static int offer(hm__literals *best, const char *re, size_t a, size_t b)
{
	hm__literals l = { NULL, NULL, 0, (size_t)-1 };
	size_t i, start = a;

	for (i = a; i < b; i++)
		if (re[i] != '|' && special(re[i]))
			return 0;
	for (i = a; i <= b; i++) {
		if (i < b && re[i] != '|')
			continue;
		if (i == start)
			goto no;
		if (!(l.v = reallocarray(l.v, l.n + 1, sizeof(*l.v))) ||
		    !(l.len = reallocarray(l.len, l.n + 1, sizeof(*l.len))) ||
		    !(l.v[l.n] = strndup(re + start, i - start)))
			goto oom;
		l.len[l.n] = i - start;
		if (l.len[l.n] < l.shortest)
			l.shortest = l.len[l.n];
		for (char *c = l.v[l.n++]; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		start = i + 1;
	}
	if (l.shortest < 3 || (best->n && l.shortest <= best->shortest))
		goto no;
	hm__literals_free(best);
	*best = l;
	return 0;
oom:
	hm__literals_free(&l);
	return hm__err_oom();
no:
	hm__literals_free(&l);
	return 0;
}

/* Index just past the bracket expression starting at re[i] == '['. */
static size_t skip_bracket(const char *re, size_t i, size_t n)
{
	i++;
	if (i < n && re[i] == '^')
		i++;
	if (i < n && re[i] == ']')
		i++;
	while (i < n && re[i] != ']')
		i++;
	return i < n ? i + 1 : n;
}

int hm__literals_of(hm__literals *best, const char *re)
{
	size_t i = 0, n = strlen(re), run = 0;
	int rc = 0;

	memset(best, 0, sizeof(*best));
	while (i < n && rc == 0) {
		char c = re[i];

		if (c == '|')
			goto none; /* a top-level alternation: nothing is required */
		if (!special(c)) {
			i++;
			continue;
		}
		/* the plain run re[run..i), less a last character made optional */
		if (i > run)
			rc = offer(best, re, run, c == '?' || c == '*' || c == '{' ? i - 1 : i);
		if (c == '(') {
			size_t depth = 1, j = i + 1;
			while (j < n && depth) {
				if (re[j] == '\\')
					j++;
				else if (re[j] == '[')
					j = skip_bracket(re, j, n) - 1;
				else if (re[j] == '(')
					depth++;
				else if (re[j] == ')')
					depth--;
				j++;
			}
			if (rc == 0 && !depth && (j >= n || !strchr("?*{", re[j])))
				rc = offer(best, re, i + 1, j - 1);
			i = j;
		} else if (c == '[') {
			i = skip_bracket(re, i, n);
		} else if (c == '{') {
			while (i < n && re[i] != '}')
				i++;
			i++;
		} else {
			i += c == '\\' ? 2 : 1;
		}
		run = i;
	}
	if (rc == 0 && i > run)
		rc = offer(best, re, run, n);
	if (rc < 0)
		hm__literals_free(best);
	return rc;
none:
	hm__literals_free(best);
	return 0;
}

int hm__literals_any(const hm__literals *l, const char *text, size_t len)
{
	size_t i;

	if (!l->n)
		return 1;
	for (i = 0; i < l->n; i++)
		if (memmem(text, len, l->v[i], l->len[i]))
			return 1;
	return 0;
}

