/*
 * Results of other evaluation tools (lm-evaluation-harness, inspect_ai):
 * hallmark computes nothing from them; it records their numbers as they were
 * reported, labelled with their source and the digest of the file.
 */
#include "audit_impl.h"

#include <string.h>

/* Copies the scalar members (numbers, strings, booleans, null) of an object. */
static json_t *scalars(const json_t *obj)
{
	json_t *out = json_object(), *v;
	const char *k;

	if (!out)
		return NULL;
	json_object_foreach((json_t *)obj, k, v) {
		if (json_is_object(v) || json_is_array(v))
			continue;
		if (json_object_set(out, k, v) < 0) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

static int set_new(json_t *obj, const char *key, json_t *v)
{
	if (!v || json_object_set_new(obj, key, v) < 0)
		return hm__err_oom();
	return 0;
}

/* Copies obj[key] into out when it is a string (or, with any_scalar, any scalar). */
static int copy_scalar(json_t *out, const json_t *obj, const char *key, int any_scalar)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_object(v) || json_is_array(v) || (!any_scalar && !json_is_string(v)))
		return 0;
	return json_object_set(out, key, v) < 0 ? hm__err_oom() : 0;
}

/* 1 when the object has a number among its members. */
static int has_number(const json_t *obj)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)obj, k, v)
		if (json_is_number(v))
			return 1;
	return 0;
}

/* lm-evaluation-harness: results{task:{"<metric>,<filter>": value}}, n-samples, config. */
static int lm_eval(json_t *entry, const json_t *doc, const char *name)
{
	const json_t *results = json_object_get(doc, "results"), *task, *ns;
	const char *tname;
	json_t *copy = json_object();
	int rc;

	if ((rc = set_new(entry, "results", copy)) < 0)
		return rc;
	if (!json_is_object(results) || json_object_size(results) == 0)
		return hm__err(HM_EFORMAT, "%s: no \"results\" object with tasks: the evaluation did "
			       "not finish or wrote no results", name);
	json_object_foreach((json_t *)results, tname, task) {
		if (!json_is_object(task))
			return hm__err(HM_EFORMAT, "%s: results.%s is not an object", name, tname);
		if (!has_number(task))
			return hm__err(HM_EFORMAT, "%s: results.%s has no numeric result: the evaluation "
				       "did not finish", name, tname);
		if ((rc = set_new(copy, tname, scalars(task))) < 0)
			return rc;
	}
	ns = json_object_get(doc, "n-samples");
	if (json_is_object(ns)) {
		json_t *nsc = json_object(), *v;
		if ((rc = set_new(entry, "n-samples", nsc)) < 0)
			return rc;
		json_object_foreach((json_t *)ns, tname, v) {
			if (json_is_object(v) && (rc = set_new(nsc, tname, scalars(v))) < 0)
				return rc;
		}
	}
	if ((rc = copy_scalar(entry, json_object_get(doc, "config"), "model", 0)) < 0 ||
	    (rc = copy_scalar(entry, json_object_get(doc, "config"), "model_args", 0)) < 0 ||
	    (rc = copy_scalar(entry, doc, "git_hash", 0)) < 0)
		return rc;
	return copy_scalar(entry, doc, "date", 1);
}

/* inspect_ai log: eval{task, model, dataset{name}}, results{total_samples, scores[]}. */
static int inspect(json_t *entry, const json_t *doc, const char *name)
{
	const json_t *ev = json_object_get(doc, "eval"), *res = json_object_get(doc, "results");
	const json_t *scores = json_object_get(res, "scores"), *s;
	json_t *out = json_array();
	size_t i;
	int rc;

	if ((rc = set_new(entry, "scores", out)) < 0)
		return rc;
	/* Only a finished evaluation has results to record. */
	if (!json_is_string(json_object_get(doc, "status")))
		return hm__err(HM_EFORMAT, "%s: the log has no \"status\": cannot tell whether the "
			       "evaluation finished", name);
	if (strcmp(hm__json_str(doc, "status"), "success") != 0)
		return hm__err(HM_EFORMAT, "%s: the evaluation did not finish (status \"%.32s\", not "
			       "\"success\"): its results are not recorded", name,
			       hm__json_str(doc, "status"));
	if (!json_is_array(scores) || json_array_size(scores) == 0)
		return hm__err(HM_EFORMAT, "%s: no results.scores in the log (status %s)", name,
			       hm__json_str(doc, "status") ? hm__json_str(doc, "status") : "unknown");
	json_array_foreach(scores, i, s) {
		const json_t *metrics = json_object_get(s, "metrics"), *mv;
		const char *mname;
		json_t *score = json_object(), *mcopy = json_object();

		if (json_array_append_new(out, score) < 0) {
			json_decref(mcopy);
			return hm__err_oom();
		}
		if ((rc = set_new(score, "metrics", mcopy)) < 0)
			return rc;
		if (!json_is_object(s) || !json_is_object(metrics))
			return hm__err(HM_EFORMAT, "%s: results.scores[%zu] has no metrics object",
				       name, i);
		if ((rc = copy_scalar(score, s, "name", 0)) < 0 ||
		    (rc = copy_scalar(score, s, "scorer", 0)) < 0)
			return rc;
		json_object_foreach((json_t *)metrics, mname, mv) {
			json_t *v = json_object_get(mv, "value");
			if (!v || json_is_object(v) || json_is_array(v))
				return hm__err(HM_EFORMAT,
					       "%s: results.scores[%zu].metrics.%s has no value", name,
					       i, mname);
			if (json_object_set(mcopy, mname, v) < 0)
				return hm__err_oom();
		}
	}
	if ((rc = copy_scalar(entry, ev, "task", 0)) < 0 ||
	    (rc = copy_scalar(entry, ev, "model", 0)) < 0 ||
	    (rc = copy_scalar(entry, res, "total_samples", 1)) < 0)
		return rc;
	if (json_is_object(json_object_get(ev, "dataset")) &&
	    hm__json_str(json_object_get(ev, "dataset"), "name") &&
	    (rc = set_new(entry, "dataset",
			  json_string(hm__json_str(json_object_get(ev, "dataset"), "name")))) < 0)
		return rc;
	return 0;
}

int hm__audit_read_reported(json_t **entry, hm_audit_format f, const char *name,
			    const char *digest, const char *data, size_t len)
{
	json_t *doc, *e, *file, *dg;
	int rc;

	*entry = NULL;
	if ((rc = hm__json_parse(&doc, data, len, name)) < 0)
		return rc;
	e = json_object();
	file = json_object();
	dg = json_object();
	if (!e || !file || !dg) {
		json_decref(e);
		json_decref(file);
		json_decref(dg);
		json_decref(doc);
		return hm__err_oom();
	}
	json_object_set_new(file, "digest", dg);
	if ((rc = set_new(dg, "sha256", json_string(digest))) < 0 ||
	    (rc = set_new(file, "name", json_string(name))) < 0 ||
	    (rc = set_new(e, "file", file)) < 0) {
		json_decref(e);
		json_decref(doc);
		return rc;
	}
	if (!json_is_object(doc)) {
		rc = hm__err(HM_EFORMAT, "%s: not a JSON object", name);
	} else if (f == HM_AUDIT_FORMAT_LM_EVAL) {
		rc = set_new(e, "source", json_string("reported by lm-evaluation-harness"));
		if (rc == 0)
			rc = lm_eval(e, doc, name);
	} else {
		rc = set_new(e, "source", json_string("reported by inspect_ai"));
		if (rc == 0)
			rc = inspect(e, doc, name);
	}
	json_decref(doc);
	if (rc < 0) {
		json_decref(e);
		return rc;
	}
	*entry = e;
	return 0;
}
