/*
 * The per-item records and the coverage as predicate JSON, and back. Reading
 * back checks that the items give exactly the counts of the metrics beside
 * them, overall and per category, and that the coverage adds up.
 */
#include "audit_impl.h"

#include <stdlib.h>
#include <string.h>

json_t *hm__audit_items_to_json(const hm_audit_metrics *m)
{
	json_t *a = json_array(), *o;
	size_t i;

	for (i = 0; a && i < m->nitems; i++) {
		const struct audit_item *it = &m->items[i];
		o = m->format == HM_AUDIT_FORMAT_LABELLED
			    ? json_pack("{s:s,s:i}", "id", it->id, "label", it->jailbroken)
			    : m->kind == HM_AUDIT_KIND_KEYWORD
			    ? json_pack("{s:s,s:b}", "id", it->id, "jailbroken", it->jailbroken)
			    : json_pack("{s:s,s:i}", "id", it->id, "score", it->score);
		if (!o || (it->category &&
			   json_object_set_new(o, "category", json_string(it->category)) < 0) ||
		    json_array_append_new(a, o) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

json_t *hm__audit_coverage_to_json(const hm_audit_metrics *m)
{
	json_t *o, *mc;
	size_t i;

	if (!m->cov.known)
		return NULL;
	o = json_pack("{s:I,s:I,s:I,s:[]}", "expected", (json_int_t)m->cov.c.expected, "scored",
		      (json_int_t)m->cov.c.scored, "missing", (json_int_t)m->cov.c.missing,
		      "missing_categories");
	mc = json_object_get(o, "missing_categories");
	for (i = 0; o && i < m->cov.c.categories_missing; i++) {
		if (json_array_append_new(mc, json_string(m->cov.missing_categories[i])) < 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* The counts of one value set against another: n and score counts, or jailbroken. */
static int same_counts(const hm_audit_values *a, const hm_audit_values *b)
{
	return a->n == b->n && a->jailbroken == b->jailbroken &&
	       memcmp(a->score_counts, b->score_counts, sizeof(a->score_counts)) == 0;
}

static void count(hm_audit_values *v, const struct audit_item *it)
{
	v->n++;
	if (it->score)
		v->score_counts[it->score - 1]++;
	v->jailbroken += (size_t)it->jailbroken;
}

static int read_item(struct audit_item *it, hm_audit_format format, const json_t *o,
		     const char *what, size_t i)
{
	const json_t *id = json_object_get(o, "id"), *cat = json_object_get(o, "category"), *v;
	hm_audit_kind kind = hm__audit_format_kind(format);
	const char *key = format == HM_AUDIT_FORMAT_LABELLED ? "label"
			  : kind == HM_AUDIT_KIND_KEYWORD   ? "jailbroken"
							    : "score";
	size_t want = 2 + (cat != NULL);

	if (!json_is_object(o) || json_object_size(o) != want || !json_is_string(id) ||
	    json_string_length(id) == 0 || (cat && (!json_is_string(cat) ||
						     json_string_length(cat) == 0)))
		return hm__err(HM_EFORMAT, "%s.items[%zu] must be {\"id\", \"category\", \"%s\"}",
			       what, i, key);
	v = json_object_get(o, key);
	if (format == HM_AUDIT_FORMAT_LABELLED) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1)
			return hm__err(HM_EFORMAT, "%s.items[%zu].label must be 0 or 1", what, i);
		it->jailbroken = (int)json_integer_value(v);
	} else if (kind == HM_AUDIT_KIND_KEYWORD) {
		if (!json_is_boolean(v))
			return hm__err(HM_EFORMAT, "%s.items[%zu].jailbroken must be a boolean", what,
				       i);
		it->jailbroken = json_is_true(v);
	} else {
		if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 5)
			return hm__err(HM_EFORMAT, "%s.items[%zu].score must be an integer from 1 to 5",
				       what, i);
		it->score = (int)json_integer_value(v);
	}
	if (!(it->id = strdup(json_string_value(id))) ||
	    (cat && !(it->category = strdup(json_string_value(cat)))))
		return hm__err_oom();
	return 0;
}

/* Recounts the items into t and compares with m. */
static int recount(hm_audit_metrics *m, hm_audit_metrics *t, const char *what)
{
	size_t i;
	int ci;

	for (i = 0; i < m->nitems; i++) {
		count(&t->overall, &m->items[i]);
		if (!m->items[i].category)
			continue;
		if ((ci = hm__audit_metrics_category(t, m->items[i].category, NULL)) < 0)
			return ci;
		count(&t->cats[ci].v, &m->items[i]);
	}
	if (!same_counts(&t->overall, &m->overall))
		return hm__err(HM_EFORMAT, "%s.items give %zu items and other counts than %s.metrics",
			       what, t->overall.n, what);
	if (t->ncats != m->ncats)
		return hm__err(HM_EFORMAT, "%s.items are in %zu categories, %s.metrics in %zu", what,
			       t->ncats, what, m->ncats);
	for (i = 0; i < t->ncats; i++) {
		const hm_audit_values *v = hm_audit_metrics_category_find(m, t->cats[i].name);
		if (!v || !same_counts(v, &t->cats[i].v))
			return hm__err(HM_EFORMAT, "%s.items of category \"%.64s\" do not give the "
				       "counts of %s.metrics", what, t->cats[i].name, what);
	}
	for (i = 1; i < m->nitems; i++)
		if (strcmp(m->items[i].id, m->items[i - 1].id) == 0)
			return hm__err(HM_EFORMAT, "%s.items list \"%.64s\" twice", what,
				       m->items[i].id);
	return 0;
}

static int read_coverage(hm_audit_metrics *m, const json_t *c, const char *what)
{
	const json_t *mc = json_object_get(c, "missing_categories"), *v;
	const char *keys[3] = { "expected", "scored", "missing" };
	size_t vals[3], i;

	if (!json_is_object(c))
		return hm__err(HM_EFORMAT, "%s.coverage must be an object", what);
	for (i = 0; i < 3; i++) {
		v = json_object_get(c, keys[i]);
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 100000000)
			return hm__err(HM_EFORMAT, "%s.coverage.%s must be a count", what, keys[i]);
		vals[i] = (size_t)json_integer_value(v);
	}
	if (vals[0] != vals[1] + vals[2] || vals[1] != m->nitems)
		return hm__err(HM_EFORMAT, "%s.coverage does not add up: expected %zu, scored %zu, "
			       "missing %zu, with %zu items", what, vals[0], vals[1], vals[2],
			       m->nitems);
	if (!json_is_array(mc) || json_array_size(mc) > 100000)
		return hm__err(HM_EFORMAT, "%s.coverage.missing_categories must be an array", what);
	m->cov.known = 1;
	m->cov.c.expected = vals[0];
	m->cov.c.scored = vals[1];
	m->cov.c.missing = vals[2];
	if (!(m->cov.missing_categories = calloc(json_array_size(mc) + 1, sizeof(char *))))
		return hm__err_oom();
	json_array_foreach(mc, i, v) {
		if (!json_is_string(v))
			return hm__err(HM_EFORMAT, "%s.coverage.missing_categories[%zu] must be a "
				       "string", what, i);
		if (!(m->cov.missing_categories[i] = strdup(json_string_value(v))))
			return hm__err_oom();
		m->cov.c.categories_missing++;
	}
	return 0;
}

int hm__audit_items_from_json(hm_audit_metrics *m, const json_t *items, const json_t *coverage,
			      const char *what)
{
	hm_audit_metrics *t;
	const json_t *o;
	size_t i;
	int rc;

	if (!items) {
		if (coverage)
			return hm__err(HM_EFORMAT, "%s.coverage without %s.items", what, what);
		return 0;
	}
	if (!json_is_array(items) || json_array_size(items) > 100000000)
		return hm__err(HM_EFORMAT, "%s.items must be an array", what);
	if (m->kind == HM_AUDIT_KIND_REPORTED)
		return hm__err(HM_EFORMAT, "%s.items: %s results have no items", what,
			       hm_audit_format_name(m->format));
	if (json_array_size(items) &&
	    !(m->items = calloc(json_array_size(items), sizeof(*m->items))))
		return hm__err_oom();
	json_array_foreach(items, i, o) {
		m->nitems++;
		if ((rc = read_item(&m->items[i], m->format, o, what, i)) < 0)
			return rc;
	}
	m->capitems = m->nitems;
	hm__audit_items_sort(m);
	if ((rc = hm__audit_metrics_alloc(&t, m->format)) < 0)
		return rc;
	rc = recount(m, t, what);
	hm_audit_metrics_free(t);
	if (rc == 0 && coverage)
		rc = read_coverage(m, coverage, what);
	return rc;
}
