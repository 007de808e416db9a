/* in-toto Statement v1 validation and canonical form (FORMATS §2). */
#include "statement_impl.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	const char *alg;
	size_t len, len2;
} known_algs[] = {
	{ "sha256", 64, 0 },     { "sha512", 128, 0 },   { "sha384", 96, 0 },
	{ "sha224", 56, 0 },     { "sha1", 40, 0 },      { "md5", 32, 0 },
	{ "sha512_256", 64, 0 }, { "sha512_224", 56, 0 }, { "sha3_256", 64, 0 },
	{ "sha3_224", 56, 0 },   { "sha3_384", 96, 0 },  { "sha3_512", 128, 0 },
	{ "blake2b", 128, 0 },   { "blake2s", 64, 0 },   { "blake3", 64, 0 },
	{ "gitCommit", 40, 64 }, { "gitTree", 40, 64 },  { "gitBlob", 40, 64 },
};

int hm_digest_value_valid(const char *alg, const char *hex)
{
	size_t i;

	for (i = 0; i < sizeof(known_algs) / sizeof(known_algs[0]); i++) {
		if (strcmp(alg, known_algs[i].alg) != 0)
			continue;
		return hm__is_lower_hex(hex, known_algs[i].len) ||
		       (known_algs[i].len2 && hm__is_lower_hex(hex, known_algs[i].len2));
	}
	return hex[0] != '\0';
}

static size_t expected_len(const char *alg)
{
	size_t i;

	for (i = 0; i < sizeof(known_algs) / sizeof(known_algs[0]); i++)
		if (strcmp(alg, known_algs[i].alg) == 0)
			return known_algs[i].len;
	return 0;
}

int hm__statement_validate(const json_t *root, const char *name)
{
	const json_t *subject, *pt, *pred;
	const char *type;
	size_t i;

	if (!json_is_object(root))
		return hm__err(HM_EFORMAT, "%s: a statement must be a JSON object", name);
	type = hm__json_str(root, "_type");
	if (!type)
		return hm__err(HM_EFORMAT, "%s: statement has no \"_type\"", name);
	if (strcmp(type, HM_STATEMENT_TYPE) != 0)
		return hm__err(HM_EUNSUPPORTED, "%s: \"_type\" is \"%s\", not \"%s\"", name, type,
			       HM_STATEMENT_TYPE);
	subject = json_object_get(root, "subject");
	if (!json_is_array(subject) || json_array_size(subject) == 0)
		return hm__err(HM_EFORMAT, "%s: \"subject\" must be a non-empty array", name);
	for (i = 0; i < json_array_size(subject); i++) {
		const json_t *s = json_array_get(subject, i), *d, *n, *v;
		const char *alg;

		if (!json_is_object(s))
			return hm__err(HM_EFORMAT, "%s: subject[%zu] is not an object", name, i);
		n = json_object_get(s, "name");
		if (n && !json_is_string(n))
			return hm__err(HM_EFORMAT, "%s: subject[%zu].name is not a string", name, i);
		d = json_object_get(s, "digest");
		if (!d)
			return hm__err(HM_EFORMAT, "%s: subject[%zu] has no digest", name, i);
		if (!json_is_object(d) || json_object_size(d) == 0)
			return hm__err(HM_EFORMAT, "%s: subject[%zu].digest must be a non-empty object",
				       name, i);
		json_object_foreach((json_t *)d, alg, v) {
			if (!json_is_string(v))
				return hm__err(HM_EFORMAT, "%s: subject[%zu].digest.%s is not a string",
					       name, i, alg);
			if (!hm_digest_value_valid(alg, json_string_value(v))) {
				size_t want = expected_len(alg);
				if (want)
					return hm__err(HM_EFORMAT,
						       "%s: subject[%zu].digest.%s must be %zu lowercase "
						       "hex digits", name, i, alg, want);
				return hm__err(HM_EFORMAT, "%s: subject[%zu].digest.%s is empty", name,
					       i, alg);
			}
		}
	}
	pt = json_object_get(root, "predicateType");
	if (!json_is_string(pt) || json_string_length(pt) == 0)
		return hm__err(HM_EFORMAT, "%s: statement has no \"predicateType\"", name);
	pred = json_object_get(root, "predicate");
	if (pred && !json_is_object(pred))
		return hm__err(HM_EFORMAT, "%s: \"predicate\" must be an object", name);
	return 0;
}

int hm__statement_wrap(hm_statement **out, json_t *root, const char *name)
{
	int rc;

	*out = NULL;
	if ((rc = hm__statement_validate(root, name)) < 0)
		return rc;
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return hm__err_oom();
	if (pthread_mutex_init(&(*out)->mu, NULL) != 0) {
		free(*out);
		*out = NULL;
		return hm__err_oom();
	}
	(*out)->root = json_incref(root);
	return 0;
}

int hm_statement_parse(hm_statement **out, const char *json, size_t len, const char *name)
{
	json_t *root;
	int rc;

	struct hm__lres_list *lean = NULL;

	*out = NULL;
	if (!name)
		name = "statement";
	/* a manifest's resources lean; anything that reader does not take, jansson reads */
	if (hm__statement_lean_parse(&root, &lean, json, len) < 0 &&
	    (rc = hm__json_parse(&root, json, len, name)) < 0)
		return rc;
	rc = hm__statement_wrap(out, root, name);
	json_decref(root);
	if (rc < 0)
		hm__lres_free(lean);
	else
		(*out)->lean = lean;
	return rc;
}

void hm_statement_free(hm_statement *st)
{
	if (!st)
		return;
	json_decref(st->root);
	hm__lres_free(st->lean);
	pthread_mutex_destroy(&st->mu);
	free(st);
}

const json_t *hm__statement_json(const hm_statement *st)
{
	hm_statement *w = (hm_statement *)st; /* putting the resources back changes no meaning */

	if (!st->lean)
		return st->root;
	pthread_mutex_lock(&w->mu);
	if (!w->whole) {
		json_t *pred = json_object_get(st->root, "predicate"), *res = hm__lres_json(st->lean);

		/* out of memory: the JSON stays without them, and readers find no resources */
		if (res && json_object_set_new(pred, "resources", res) == 0)
			w->whole = 1;
	}
	pthread_mutex_unlock(&w->mu);
	return st->root;
}

const json_t *hm__statement_json_lean(const hm_statement *st)
{
	return st->root;
}

const struct hm__lres_list *hm__statement_resources(const hm_statement *st)
{
	return st->lean; /* kept whole or not, the list stays as read */
}

const char *hm_statement_predicate_type(const hm_statement *st)
{
	return hm__json_str(st->root, "predicateType");
}

size_t hm_statement_subject_count(const hm_statement *st)
{
	return json_array_size(json_object_get(st->root, "subject"));
}

static const json_t *subject_at(const hm_statement *st, size_t i)
{
	return json_array_get(json_object_get(st->root, "subject"), i);
}

const char *hm_statement_subject_name(const hm_statement *st, size_t i)
{
	return hm__json_str(subject_at(st, i), "name");
}

size_t hm_statement_subject_digest_count(const hm_statement *st, size_t i)
{
	return json_object_size(json_object_get(subject_at(st, i), "digest"));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int hm_statement_subject_digest(const hm_statement *st, size_t i, size_t j, const char **alg,
				const char **hex)
{
	const json_t *d = json_object_get(subject_at(st, i), "digest"), *v;
	const char **keys, *k;
	size_t n = 0;

	if (!d || j >= json_object_size(d))
		return hm__err(HM_EINVAL, "no digest %zu on subject %zu", j, i);
	/* all of them: sorting only a fixed-size prefix would give the wrong order */
	keys = malloc(json_object_size(d) * sizeof(*keys));
	if (!keys)
		return hm__err_oom();
	json_object_foreach((json_t *)d, k, v)
		keys[n++] = k;
	qsort(keys, n, sizeof(keys[0]), cmp_str);
	*alg = keys[j];
	*hex = json_string_value(json_object_get(d, keys[j]));
	free(keys);
	return 0;
}

const char *hm_statement_subject_digest_get(const hm_statement *st, size_t i, const char *alg)
{
	return hm__json_str(json_object_get(subject_at(st, i), "digest"), alg);
}

int hm_statement_canonical(char **out, size_t *len, const hm_statement *st)
{
	*out = hm__json_canonical(hm__statement_json(st), len);
	return *out ? 0 : HM_ENOMEM;
}

int hm_statement_predicate_json(char **out, const hm_statement *st)
{
	const json_t *p = json_object_get(hm__statement_json(st), "predicate");

	if (!p) {
		*out = strdup("null");
		return *out ? 0 : hm__err_oom();
	}
	*out = hm__json_canonical(p, NULL);
	return *out ? 0 : HM_ENOMEM;
}
