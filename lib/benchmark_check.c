/*
 * The small checks every member of a benchmark registry file goes through:
 * known keys only, required keys present, strings that are printable text
 * of a bounded length, integers in range. Messages name the file and the
 * JSON path of the member.
 */
#include "benchmark_impl.h"

#include <string.h>

int hm__bcheck_keys(const struct bcheck *c, const json_t *obj, const char *path,
		    const char *const *allowed, const char *const *required)
{
	const char *k;
	json_t *v;
	size_t i;

	if (!json_is_object(obj))
		return hm__err(HM_EFORMAT, "%s: %s must be an object", c->file, path);
	json_object_foreach((json_t *)obj, k, v) {
		for (i = 0; allowed[i] && strcmp(allowed[i], k) != 0; i++)
			;
		if (!allowed[i])
			return hm__err(HM_EFORMAT, "%s: %s has an unknown member \"%.64s\"", c->file,
				       path, k);
	}
	for (i = 0; required && required[i]; i++)
		if (!json_object_get(obj, required[i]))
			return hm__err(HM_EFORMAT, "%s: %s.%s is missing", c->file, path, required[i]);
	return 0;
}

/* Printable: no control characters (the text is valid UTF-8 already: jansson checks). */
static int printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

int hm__bcheck_value(const char **out, const struct bcheck *c, const json_t *v,
		     const char *path, size_t max)
{
	*out = NULL;
	if (!json_is_string(v))
		return hm__err(HM_EFORMAT, "%s: %s must be a string", c->file, path);
	if (json_string_length(v) == 0 || json_string_length(v) > max ||
	    strlen(json_string_value(v)) != json_string_length(v) ||
	    !printable(json_string_value(v)))
		return hm__err(HM_EFORMAT, "%s: %s must be 1 to %zu printable characters", c->file,
			       path, max);
	*out = json_string_value(v);
	return 0;
}

int hm__bcheck_text(const char **out, const struct bcheck *c, const json_t *obj,
		    const char *key, const char *path, size_t max, int optional)
{
	const json_t *v = json_object_get(obj, key);
	char full[160];

	*out = NULL;
	if (!v && optional)
		return 0;
	snprintf(full, sizeof(full), "%s.%s", path, key);
	return hm__bcheck_value(out, c, v, full, max);
}

int hm__bcheck_int(long long *out, const struct bcheck *c, const json_t *obj, const char *key,
		   const char *path, long long min, long long max)
{
	const json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return hm__err(HM_EFORMAT, "%s: %s.%s must be an integer from %lld to %lld",
			       c->file, path, key, min, max);
	*out = json_integer_value(v);
	return 0;
}
