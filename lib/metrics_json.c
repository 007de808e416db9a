/*
 * Audit metrics as predicate JSON, and back. Reading back checks that the
 * numbers agree with the counts they come from (hallmark-audit(5)).
 */
#include "audit_impl.h"

#include <stdlib.h>
#include <string.h>

char *hm__audit_dump(const json_t *v, int pretty)
{
	char *s = json_dumps(v, JSON_SORT_KEYS | JSON_REAL_PRECISION(15) |
				(pretty ? JSON_INDENT(2) : JSON_COMPACT));

	if (!s)
		hm__err_oom();
	return s;
}

json_t *hm__audit_ci_json(const double ci[2])
{
	return json_pack("[f,f]", ci[0], ci[1]);
}

static json_t *values_to_json(const hm_audit_values *v, hm_audit_kind kind)
{
	json_t *o = json_object(), *counts;
	char key[2] = "1";
	int k, bad = !o;

	bad |= json_object_set_new(o, "n", json_integer((json_int_t)v->n)) < 0;
	if (kind == HM_AUDIT_KIND_JUDGED) {
		bad |= json_object_set_new(o, "harmfulness_score", json_real(v->harmfulness_score)) < 0;
		bad |= json_object_set_new(o, "harmfulness_rate", json_real(v->harmfulness_rate)) < 0;
		bad |= json_object_set_new(o, "harmfulness_rate_ci",
					   hm__audit_ci_json(v->harmfulness_rate_ci)) < 0;
		bad |= json_object_set_new(o, "score_counts", counts = json_object()) < 0;
		for (k = 0; k < 5 && !bad; k++) {
			key[0] = (char)('1' + k);
			bad |= json_object_set_new(counts, key,
						   json_integer((json_int_t)v->score_counts[k])) < 0;
		}
	} else {
		bad |= json_object_set_new(o, "attack_success_rate",
					   json_real(v->attack_success_rate)) < 0;
		bad |= json_object_set_new(o, "attack_success_rate_ci",
					   hm__audit_ci_json(v->attack_success_rate_ci)) < 0;
		bad |= json_object_set_new(o, "jailbroken", json_integer((json_int_t)v->jailbroken)) < 0;
	}
	if (bad) {
		json_decref(o);
		hm__err_oom();
		return NULL;
	}
	return o;
}

json_t *hm__audit_metrics_to_json(const hm_audit_metrics *m)
{
	json_t *o, *cats, *c;
	size_t i;

	if (m->kind == HM_AUDIT_KIND_REPORTED) {
		if (!m->reported)
			hm__err(HM_EINVAL, "no reported results");
		return json_incref(m->reported);
	}
	if (!(o = values_to_json(&m->overall, m->kind)))
		return NULL;
	if (m->ncats == 0)
		return o;
	if (json_object_set_new(o, "categories", cats = json_object()) < 0)
		goto oom;
	for (i = 0; i < m->ncats; i++) {
		if (json_object_set_new(cats, m->cats[i].name,
					c = values_to_json(&m->cats[i].v, m->kind)) < 0)
			goto oom;
		if (m->cats[i].label &&
		    json_object_set_new(c, "label", json_string(m->cats[i].label)) < 0)
			goto oom;
	}
	return o;
oom:
	json_decref(o);
	hm__err_oom();
	return NULL;
}

int hm_audit_metrics_json(char **out, const hm_audit_metrics *m)
{
	json_t *j;

	*out = NULL;
	if (!(j = hm__audit_metrics_to_json(m)))
		return hm_error_last_code() ? hm_error_last_code() : HM_ENOMEM;
	*out = hm__audit_dump(j, 0);
	json_decref(j);
	return *out ? 0 : HM_ENOMEM;
}

static int get_count(size_t *out, const json_t *o, const char *key, const char *what)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return hm__err(HM_EFORMAT, "%s.%s must be a non-negative integer", what, key);
	*out = (size_t)json_integer_value(v);
	return 0;
}

/* A rounded value that must equal num/den rounded to HM_AUDIT_DECIMALS. */
static int get_rounded(double *out, const json_t *o, const char *key, uint64_t num,
		       uint64_t den, const char *what)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_number(v))
		return hm__err(HM_EFORMAT, "%s.%s must be a number", what, key);
	*out = json_number_value(v);
	if (hm__audit_to_micro(*out) != hm__audit_micro(num, den))
		return hm__err(HM_EFORMAT, "%s.%s is %.15g, but the counts give %.6f", what, key,
			       *out, hm__audit_from_micro(hm__audit_micro(num, den)));
	return 0;
}

int hm__audit_ci_check(double out[2], const json_t *o, const char *key, const double want[2],
		       const char *what)
{
	const json_t *a = json_object_get(o, key);
	size_t i;

	if (!a)
		return 0; /* recorded since the registry; older statements have none */
	if (!json_is_array(a) || json_array_size(a) != 2 ||
	    !json_is_number(json_array_get(a, 0)) || !json_is_number(json_array_get(a, 1)))
		return hm__err(HM_EFORMAT, "%s.%s must be [lower, upper]", what, key);
	for (i = 0; i < 2; i++) {
		out[i] = json_number_value(json_array_get(a, i));
		if (hm__audit_to_micro(out[i]) != hm__audit_to_micro(want[i]))
			return hm__err(HM_EFORMAT, "%s.%s is [%.15g, %.15g], but the counts give "
				       "[%.6f, %.6f]", what, key,
				       json_number_value(json_array_get(a, 0)),
				       json_number_value(json_array_get(a, 1)), want[0], want[1]);
	}
	return 0;
}

/* The rates' intervals, recomputed from the counts and compared with the recorded ones. */
static int ci_from_json(hm_audit_values *v, hm_audit_kind kind, const json_t *o,
			const char *what)
{
	hm_audit_values want = *v;

	memset(want.harmfulness_rate_ci, 0, sizeof(want.harmfulness_rate_ci));
	memset(want.attack_success_rate_ci, 0, sizeof(want.attack_success_rate_ci));
	hm__audit_values_finish(&want, kind);
	if (kind == HM_AUDIT_KIND_KEYWORD)
		return hm__audit_ci_check(v->attack_success_rate_ci, o, "attack_success_rate_ci",
					  want.attack_success_rate_ci, what);
	return hm__audit_ci_check(v->harmfulness_rate_ci, o, "harmfulness_rate_ci",
				  want.harmfulness_rate_ci, what);
}

static int values_from_json(hm_audit_values *v, hm_audit_kind kind, const json_t *o,
			    const char *what)
{
	uint64_t sum = 0, total = 0;
	int rc, k;

	memset(v, 0, sizeof(*v));
	if (!json_is_object(o))
		return hm__err(HM_EFORMAT, "%s must be an object", what);
	if ((rc = get_count(&v->n, o, "n", what)) < 0)
		return rc;
	if (v->n == 0 || v->n > (size_t)1 << 40)
		return hm__err(HM_EFORMAT, "%s.n is out of range", what);
	if (kind == HM_AUDIT_KIND_KEYWORD) {
		if ((rc = get_count(&v->jailbroken, o, "jailbroken", what)) < 0)
			return rc;
		if (v->jailbroken > v->n)
			return hm__err(HM_EFORMAT, "%s.jailbroken is larger than n", what);
		if ((rc = get_rounded(&v->attack_success_rate, o, "attack_success_rate",
				      v->jailbroken, v->n, what)) < 0)
			return rc;
		return ci_from_json(v, kind, o, what);
	}
	{
		const json_t *counts = json_object_get(o, "score_counts");
		char key[2] = "1", cwhat[256];

		snprintf(cwhat, sizeof(cwhat), "%s.score_counts", what);
		if (!json_is_object(counts))
			return hm__err(HM_EFORMAT, "%s must be an object", cwhat);
		for (k = 0; k < 5; k++) {
			key[0] = (char)('1' + k);
			if ((rc = get_count(&v->score_counts[k], counts, key, cwhat)) < 0)
				return rc;
			if (v->score_counts[k] > v->n)
				return hm__err(HM_EFORMAT, "%s.%s is larger than n", cwhat, key);
			total += v->score_counts[k];
			sum += (uint64_t)(k + 1) * v->score_counts[k];
		}
	}
	if (total != v->n)
		return hm__err(HM_EFORMAT, "%s.score_counts add up to %llu, not n = %zu", what,
			       (unsigned long long)total, v->n);
	if ((rc = get_rounded(&v->harmfulness_score, o, "harmfulness_score", sum, v->n, what)) < 0)
		return rc;
	if ((rc = get_rounded(&v->harmfulness_rate, o, "harmfulness_rate", v->score_counts[4], v->n,
			      what)) < 0)
		return rc;
	return ci_from_json(v, kind, o, what);
}

static int categories_from_json(hm_audit_metrics *m, const json_t *cats, const char *what)
{
	const json_t *c, *label;
	const char *name;
	size_t total = 0;
	int rc, ci;

	if (!json_is_object(cats))
		return hm__err(HM_EFORMAT, "%s.categories must be an object", what);
	json_object_foreach((json_t *)cats, name, c) {
		char cwhat[256];

		snprintf(cwhat, sizeof(cwhat), "%s.categories[\"%.64s\"]", what, name);
		label = json_object_get(c, "label");
		if (label && !json_is_string(label))
			return hm__err(HM_EFORMAT, "%s.label must be a string", cwhat);
		if (!*name)
			return hm__err(HM_EFORMAT, "%s.categories has an empty name", what);
		if ((ci = hm__audit_metrics_category(m, name, json_string_value(label))) < 0)
			return ci;
		if ((rc = values_from_json(&m->cats[ci].v, m->kind, c, cwhat)) < 0)
			return rc;
		total += m->cats[ci].v.n;
		if (total > m->overall.n)
			return hm__err(HM_EFORMAT, "%s.categories hold more items than n", what);
	}
	hm__audit_metrics_sort(m);
	return 0;
}

int hm__audit_metrics_from_json(hm_audit_metrics **out, hm_audit_format f, const json_t *j,
				const char *what)
{
	hm_audit_metrics *m;
	const json_t *cats;
	int rc;

	*out = NULL;
	if ((rc = hm__audit_metrics_alloc(&m, f)) < 0)
		return rc;
	if (m->kind == HM_AUDIT_KIND_REPORTED) {
		if (!json_is_array(j) || json_array_size(j) == 0)
			rc = hm__err(HM_EFORMAT, "%s must be a non-empty array", what);
		else if (!(m->reported = json_deep_copy(j)))
			rc = hm__err_oom();
	} else if ((rc = values_from_json(&m->overall, m->kind, j, what)) == 0 &&
		   (cats = json_object_get(j, "categories")) != NULL) {
		rc = categories_from_json(m, cats, what);
	}
	if (rc < 0) {
		hm_audit_metrics_free(m);
		return rc;
	}
	*out = m;
	return 0;
}
