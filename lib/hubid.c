/*
 * Hugging Face hub repository ids, ORG/NAME[@REV]: the rules the hub applies
 * to a repository id (huggingface_hub's validate_repo_id) and to a revision
 * (a branch or tag name, or a 40-digit commit hash), with the reason an id
 * breaks them.
 */
#include "internal.h"
#include "hallmark/hubcache.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define PART_MAX 96
#define REV_MAX 255

static int name_char(int c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.';
}

/* NULL when the ORG or NAME of n bytes is valid, else why not. */
static const char *part_problem(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return "is empty";
	if (n > PART_MAX)
		return "is longer than 96 characters";
	for (i = 0; i < n; i++)
		if (!name_char((unsigned char)s[i]))
			return "holds a character other than letters, digits, \"-\", \"_\" and \".\"";
	if (s[0] == '-' || s[0] == '.' || s[n - 1] == '-' || s[n - 1] == '.')
		return "starts or ends with \"-\" or \".\"";
	for (i = 1; i < n; i++)
		if ((s[i] == '-' && s[i - 1] == '-') || (s[i] == '.' && s[i - 1] == '.'))
			return "holds \"--\" or \"..\"";
	return NULL;
}

/* NULL when r is a branch or tag name or a commit hash, else why not. */
static const char *rev_problem(const char *r)
{
	const char *p = r;
	size_t n, i;

	if (!*r)
		return "the revision after \"@\" is empty";
	if (strlen(r) > REV_MAX)
		return "the revision is longer than 255 characters";
	for (;;) { /* components between "/" */
		n = strcspn(p, "/");
		if (n == 0)
			return "the revision has an empty component (\"//\", or \"/\" at an end)";
		for (i = 0; i < n; i++)
			if (!name_char((unsigned char)p[i]))
				return "the revision holds a character other than letters, digits, "
				       "\"-\", \"_\", \".\" and \"/\"";
		if (p[0] == '.')
			return "a component of the revision starts with \".\"";
		if (n >= 5 && memcmp(p + n - 5, ".lock", 5) == 0)
			return "a component of the revision ends with \".lock\"";
		for (i = 1; i < n; i++)
			if (p[i] == '.' && p[i - 1] == '.')
				return "the revision holds \"..\"";
		if (!p[n])
			return NULL;
		p += n + 1;
	}
}

/* NULL when id is a hub id (ORG/ required when need_org), else why not. */
static const char *id_problem(const char *id, int need_org, char *buf, size_t size)
{
	const char *at, *slash, *why;
	size_t n;

	if (!id || !*id)
		return "it is empty";
	at = strchr(id, '@');
	n = at ? (size_t)(at - id) : strlen(id);
	if (at && (why = rev_problem(at + 1)))
		return why;
	slash = memchr(id, '/', n);
	if (!slash && need_org)
		return "it has no \"/\" between the organisation (or user) and the name";
	if (slash && memchr(slash + 1, '/', n - (size_t)(slash - id) - 1))
		return "it has more than one \"/\" before the revision";
	if (slash && (why = part_problem(id, (size_t)(slash - id)))) {
		snprintf(buf, size, "the organisation %s", why);
		return buf;
	}
	if (slash) {
		n -= (size_t)(slash - id) + 1;
		id = slash + 1;
	}
	if ((why = part_problem(id, n))) {
		snprintf(buf, size, "the name %s", why);
		return buf;
	}
	if (n >= 4 && memcmp(id + n - 4, ".git", 4) == 0)
		return "the name ends with \".git\"";
	return NULL;
}

int hm_hub_id_valid(const char *id)
{
	char buf[160];

	return id_problem(id, 0, buf, sizeof(buf)) == NULL;
}

int hm_hub_id_check(const char *id)
{
	char buf[160];
	const char *why = id_problem(id, 1, buf, sizeof(buf));

	if (!why)
		return 0;
	if (id && !hm__utf8_valid(id))
		return hm__err(HM_EINVAL, "a hub id must be ORG/NAME or ORG/NAME@REVISION: this one "
			       "is not UTF-8");
	return hm__err(HM_EINVAL, "\"%s\" is not a hub id: %s (expected ORG/NAME or "
		       "ORG/NAME@REVISION: letters, digits, \"-\", \"_\" and \".\", at most 96 "
		       "each; REVISION a branch, tag or 40-digit commit)", id ? id : "", why);
}

size_t hm__hub_id_repo_len(const char *id)
{
	const char *at = strchr(id, '@');

	return at ? (size_t)(at - id) : strlen(id);
}

const char *hm__hub_id_revision(const char *id)
{
	const char *at = strchr(id, '@');

	return at ? at + 1 : NULL;
}

int hm__hub_json(json_t *obj, const char *key, const char *id)
{
	const char *rev = hm__hub_id_revision(id);
	json_t *h = json_object();

	if (!h || json_object_set_new(h, "id", json_stringn(id, hm__hub_id_repo_len(id))) < 0 ||
	    (rev && json_object_set_new(h, "revision", json_string(rev)) < 0)) {
		json_decref(h);
		return hm__err_oom();
	}
	return json_object_set_new(obj, key, h) < 0 ? hm__err_oom() : 0;
}

char *hm__hub_from_json(const json_t *hub)
{
	const char *id = hm__json_str(hub, "id"), *rev = hm__json_str(hub, "revision");
	hm_buf b = HM_BUF_INIT;

	if (!id || strchr(id, '@') || (rev && !*rev))
		return NULL;
	if (hm__buf_printf(&b, rev ? "%s@%s" : "%s", id, rev) < 0)
		return NULL;
	if (!hm_hub_id_valid(b.data) || !strchr(b.data, '/')) {
		hm__buf_free(&b);
		return NULL;
	}
	return hm__buf_detach(&b, NULL);
}
