/* JSON helpers: strict parsing of untrusted text and the canonical form we sign. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

int hm__json_parse(json_t **out, const char *text, size_t len, const char *what)
{
	json_error_t e;

	*out = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);
	if (!*out)
		return hm__err(HM_EFORMAT, "%s: invalid JSON at line %d column %d: %s", what, e.line,
			       e.column, e.text);
	return 0;
}

/*
 * Reals are written with 15 significant digits when that reads back as the
 * same numbers (0.333333 stays 0.333333), else with 17 (exact round trip).
 * Either way the bytes depend only on the value.
 */
static int has_real(const json_t *v)
{
	const char *k;
	json_t *m;
	size_t i;

	if (json_is_real(v))
		return 1;
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, m)
			if (has_real(m))
				return 1;
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, m)
			if (has_real(m))
				return 1;
	}
	return 0;
}

char *hm__json_canonical(const json_t *v, size_t *len)
{
	const size_t flags = JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY;
	char *s = json_dumps(v, flags | JSON_REAL_PRECISION(15));

	/* without reals there is nothing to round-trip (half the cost of an archive append) */
	if (s && has_real(v)) {
		json_error_t e;
		json_t *back = json_loads(s, JSON_DECODE_ANY, &e);
		int same = back && json_equal(back, (json_t *)v);
		json_decref(back);
		if (!same) {
			free(s);
			s = json_dumps(v, flags);
		}
	}
	if (!s) {
		hm__err_oom();
		return NULL;
	}
	if (len)
		*len = strlen(s);
	return s;
}

const char *hm__json_str(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

const char *hm__json_unknown_key(const json_t *o, const char *const *allowed)
{
	const char *k;
	json_t *v;
	size_t i;

	json_object_foreach((json_t *)o, k, v) {
		for (i = 0; allowed[i]; i++)
			if (strcmp(k, allowed[i]) == 0)
				break;
		if (!allowed[i])
			return k;
	}
	return NULL;
}
