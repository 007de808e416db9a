/*
 * The safety-audit statement: the audited model as subject, and a predicate
 * with the benchmark, the judge, the digest of every input and the metrics
 * hallmark computed from the records (hallmark-audit(5)).
 */
#include "audit_impl.h"
#include "hallmark/provenance.h"

#include <stdlib.h>
#include <string.h>

/* A model or data set named on the command line: PATH or "sha256:HEX". */
struct resource {
	char sha256[65];
	char *name; /* NULL when none */
};

static int resolve(struct resource *r, const char *arg, const hm_digest_options *dopts,
		   const char *what)
{
	if (!arg || !*arg)
		return hm__err(HM_EINVAL, "no %s given", what);
	if (hm_model_ref_resolve(r->sha256, &r->name, arg, dopts) < 0)
		return hm__err_prefix("%s: ", what);
	return 0;
}

/* {"name": name, "digest": {"sha256": hex}} (no name when NULL). */
static json_t *descriptor(const char *name, const char *sha256)
{
	json_t *d = json_object(), *dg = json_object();

	if (!d || !dg || json_object_set_new(d, "digest", dg) < 0 ||
	    json_object_set_new(dg, "sha256", json_string(sha256)) < 0 ||
	    (name && json_object_set_new(d, "name", json_string(name)) < 0)) {
		if (!d)
			json_decref(dg);
		json_decref(d);
		return NULL;
	}
	return d;
}

static json_t *inputs_json(const hm_audit_metrics *m)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < hm_audit_metrics_input_count(m); i++) {
		if (json_array_append_new(a, descriptor(hm_audit_metrics_input_name(m, i),
							hm_audit_metrics_input_digest(m, i))) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *delta_json(const hm_audit_metrics *a, const hm_audit_metrics *b)
{
	const hm_audit_values *x = hm_audit_metrics_overall(a), *y = hm_audit_metrics_overall(b);

	if (hm_audit_metrics_kind(a) == HM_AUDIT_KIND_KEYWORD)
		return json_pack("{s:f}", "attack_success_rate",
				 hm__audit_sub(x->attack_success_rate, y->attack_success_rate));
	return json_pack("{s:f,s:f}", "harmfulness_score",
			 hm__audit_sub(x->harmfulness_score, y->harmfulness_score),
			 "harmfulness_rate", hm__audit_sub(x->harmfulness_rate, y->harmfulness_rate));
}

static int check_options(const hm_audit_options *o)
{
	if (!o)
		return hm__err(HM_EINVAL, "hm_audit_options: none given");
	HM__CHECK_VERSION(o, HM_AUDIT_OPTIONS_VERSION, "hm_audit_options");
	if (!o->benchmark || !*o->benchmark)
		return hm__err(HM_EINVAL, "no benchmark name given");
	if (!o->results || o->nresults == 0)
		return hm__err(HM_EINVAL, "no results files given");
	if (!o->baseline_model != (!o->baseline_results || o->nbaseline_results == 0))
		return hm__err(HM_EINVAL, "a baseline needs both the baseline model and its results");
	if (o->time && !hm__audit_time_valid(o->time))
		return hm__err(HM_EINVAL, "time \"%s\" is not an RFC 3339 time in UTC (...Z)",
			       o->time);
	if (o->judge && !*o->judge)
		return hm__err(HM_EINVAL, "the judge id is empty");
	if (!hm__utf8_valid(o->benchmark) || (o->judge && !hm__utf8_valid(o->judge)) ||
	    (o->model_name && !hm__utf8_valid(o->model_name)))
		return hm__err(HM_EINVAL, "benchmark, judge and model name must be UTF-8");
	return 0;
}

/* The baseline's part of the predicate, and the delta. */
static int add_baseline(json_t *pred, const hm_audit_options *o, const hm_audit_metrics *m)
{
	hm_audit_metrics *bm = NULL;
	struct resource model = { "", NULL };
	json_t *b = NULL;
	int rc;

	if (hm_audit_metrics_kind(m) == HM_AUDIT_KIND_REPORTED)
		return hm__err(HM_EUNSUPPORTED, "%s results are only recorded as reported: hallmark "
			       "computes no metrics from them to compare with a baseline",
			       hm_audit_format_name(hm_audit_metrics_format(m)));
	if ((rc = hm_audit_metrics_from_files(&bm, o->format, o->category, o->baseline_results,
					      o->nbaseline_results)) < 0)
		return hm__err_prefix("baseline: ");
	if (hm_audit_metrics_format(bm) != hm_audit_metrics_format(m)) {
		rc = hm__err(HM_EFORMAT, "the baseline results read as %s but the audited results "
			     "as %s: a baseline must use the same benchmark and format",
			     hm_audit_format_name(hm_audit_metrics_format(bm)),
			     hm_audit_format_name(hm_audit_metrics_format(m)));
		goto out;
	}
	if ((rc = resolve(&model, o->baseline_model, o->digest, "baseline model")) < 0)
		goto out;
	/* json_pack takes the references of its "o" values, also when it fails. */
	b = json_pack("{s:o,s:o,s:o}", "model", descriptor(model.name, model.sha256), "results",
		      inputs_json(bm), "metrics", hm__audit_metrics_to_json(bm));
	free(model.name);
	if (!b || json_object_set_new(pred, "baseline", b) < 0 ||
	    json_object_set_new(pred, "delta", delta_json(m, bm)) < 0)
		rc = hm__err_oom();
out:
	hm_audit_metrics_free(bm);
	return rc;
}

int hm_audit_statement(char **out, const hm_audit_options *o)
{
	hm_audit_metrics *m = NULL;
	struct resource model = { "", NULL }, data = { "", NULL };
	json_t *st = NULL, *pred, *subject;
	char now[32];
	const char *judge;
	char *text = NULL;
	size_t len;
	int rc;

	if (!out)
		return hm__err(HM_EINVAL, "hm_audit_statement: out is NULL");
	*out = NULL;
	if ((rc = check_options(o)) < 0)
		return rc;
	if (!o->time && (rc = hm__rfc3339_now(now)) < 0)
		return rc;
	if ((rc = hm_audit_metrics_from_files(&m, o->format, o->category, o->results,
					      o->nresults)) < 0)
		return rc;
	judge = o->judge;
	if (hm_audit_metrics_kind(m) == HM_AUDIT_KIND_KEYWORD) {
		if (judge && strcmp(judge, HM_AUDIT_KEYWORD_JUDGE) != 0) {
			rc = hm__err(HM_EINVAL, "keyword results are scored by hallmark's refusal "
				     "keywords (%s): a judge does not apply", HM_AUDIT_KEYWORD_JUDGE);
			goto out;
		}
		judge = HM_AUDIT_KEYWORD_JUDGE;
	}
	pred = json_pack("{s:s,s:s,s:o,s:o}", "format",
			 hm_audit_format_name(hm_audit_metrics_format(m)), "time",
			 o->time ? o->time : now, "results", inputs_json(m),
			 hm_audit_metrics_kind(m) == HM_AUDIT_KIND_REPORTED ? "reported" : "metrics",
			 hm__audit_metrics_to_json(m));
	if (!pred || (judge && json_object_set_new(pred, "judge", json_string(judge)) < 0)) {
		json_decref(pred);
		rc = hm__err_oom();
		goto out;
	}
	st = json_pack("{s:s,s:s,s:o}", "_type", HM_STATEMENT_TYPE, "predicateType",
		       HM_AUDIT_PREDICATE_TYPE, "predicate", pred);
	if (!st) {
		rc = hm__err_oom();
		goto out;
	}
	if (o->baseline_model && (rc = add_baseline(pred, o, m)) < 0)
		goto out;
	if (o->benchmark_data && (rc = resolve(&data, o->benchmark_data, o->digest,
					       "benchmark data")) < 0)
		goto out;
	if (json_object_set_new(pred, "benchmark",
				o->benchmark_data ? descriptor(o->benchmark, data.sha256)
						  : json_pack("{s:s}", "name", o->benchmark)) < 0) {
		rc = hm__err_oom();
		goto out;
	}
	if ((rc = resolve(&model, o->model, o->digest, "model")) < 0)
		goto out;
	subject = json_pack("[o]", descriptor(o->model_name ? o->model_name : model.name,
					      model.sha256));
	if (!subject || json_object_set_new(st, "subject", subject) < 0) {
		rc = hm__err_oom();
		goto out;
	}
	if (!(text = hm__audit_dump(st, 1))) {
		rc = HM_ENOMEM;
		goto out;
	}
	len = strlen(text);
	*out = realloc(text, len + 2);
	if (!*out) {
		free(text);
		rc = hm__err_oom();
		goto out;
	}
	memcpy(*out + len, "\n", 2);
out:
	free(model.name);
	free(data.name);
	json_decref(st);
	hm_audit_metrics_free(m);
	return rc;
}
