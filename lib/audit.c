/*
 * The safety-audit statement: the audited model as subject, and a predicate
 * with the benchmark, the judge, the digest of every input and the metrics
 * hallmark computed from the records (hallmark-audit(5)).
 */
#include "audit_impl.h"
#include "hallmark/provenance.h"
#include "adapter_impl.h"

#include <stddef.h>
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

/* A rate difference's rounded Newcombe interval. */
static json_t *newcombe_json(uint64_t x1, uint64_t n1, uint64_t x2, uint64_t n2)
{
	double ci[2];

	if (hm_stats_newcombe(&ci[0], &ci[1], x1, n1, x2, n2, HM_STATS_Z95) < 0)
		return NULL;
	ci[0] = hm__audit_from_micro(hm__audit_to_micro(ci[0]));
	ci[1] = hm__audit_from_micro(hm__audit_to_micro(ci[1]));
	return hm__audit_ci_json(ci);
}

static json_t *delta_json(const hm_audit_metrics *a, const hm_audit_metrics *b)
{
	const hm_audit_values *x = hm_audit_metrics_overall(a), *y = hm_audit_metrics_overall(b);

	if (hm_audit_metrics_kind(a) == HM_AUDIT_KIND_KEYWORD)
		return json_pack("{s:f,s:o}", "attack_success_rate",
				 hm__audit_sub(x->attack_success_rate, y->attack_success_rate),
				 "attack_success_rate_ci",
				 newcombe_json(x->jailbroken, x->n, y->jailbroken, y->n));
	return json_pack("{s:f,s:f,s:o}", "harmfulness_score",
			 hm__audit_sub(x->harmfulness_score, y->harmfulness_score),
			 "harmfulness_rate", hm__audit_sub(x->harmfulness_rate, y->harmfulness_rate),
			 "harmfulness_rate_ci",
			 newcombe_json(x->score_counts[4], x->n, y->score_counts[4], y->n));
}

/* "items" and "coverage" of one model's results into obj (nothing for reported results). */
static int add_items(json_t *obj, const hm_audit_metrics *m)
{
	json_t *cov = hm__audit_coverage_to_json(m);

	if (hm_audit_metrics_kind(m) == HM_AUDIT_KIND_REPORTED)
		return 0;
	if (json_object_set_new(obj, "items", hm__audit_items_to_json(m)) < 0 ||
	    (cov && json_object_set_new(obj, "coverage", cov) < 0))
		return hm__err_oom();
	return 0;
}

/*
 * The caller's options as the current version (version 1 lacks the registry
 * fields, version 2 the judge prompt, version 3 the model statement, version
 * 4 the adapter's base).
 */
static int upgrade_options(hm_audit_options *o, const hm_audit_options *in)
{
	if (!in)
		return hm__err(HM_EINVAL, "hm_audit_options: none given");
	if (in->version < 1 || in->version > HM_AUDIT_OPTIONS_VERSION)
		HM__CHECK_VERSION(in, HM_AUDIT_OPTIONS_VERSION, "hm_audit_options");
	if (in->version < HM_AUDIT_OPTIONS_VERSION) {
		hm_audit_options def = HM_AUDIT_OPTIONS_INIT;
		*o = def;
		memcpy(o, in, in->version == 1 ? offsetof(hm_audit_options, benchmarks)
					       : in->version == 2 ? offsetof(hm_audit_options, judge_prompt)
					       : in->version == 3 ? offsetof(hm_audit_options, model_statement)
					       : offsetof(hm_audit_options, base_model));
		o->version = HM_AUDIT_OPTIONS_VERSION;
	} else {
		*o = *in;
	}
	return 0;
}

static int check_options(const hm_audit_options *o)
{
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
static int add_baseline(json_t *pred, const hm_audit_options *o, const hm_audit_metrics *m,
			const hm_benchmark *bench)
{
	hm_audit_metrics *bm = NULL;
	struct resource model = { "", NULL };
	json_t *b = NULL;
	int rc;

	if (hm_audit_metrics_kind(m) == HM_AUDIT_KIND_REPORTED)
		return hm__err(HM_EUNSUPPORTED, "%s results are only recorded as reported: hallmark "
			       "computes no metrics from them to compare with a baseline",
			       hm_audit_format_name(hm_audit_metrics_format(m)));
	/* The format first, so that a baseline of another kind is named as such. */
	if ((rc = hm__audit_metrics_compute(&bm, o->format, o->category, NULL, o->baseline_results,
					    o->nbaseline_results, NULL, 0)) < 0)
		return hm__err_prefix("baseline: ");
	if (bench && hm_audit_metrics_format(bm) == hm_audit_metrics_format(m)) {
		hm_audit_metrics_free(bm);
		if ((rc = hm__audit_metrics_compute(&bm, o->format, o->category, NULL,
						    o->baseline_results, o->nbaseline_results, bench,
						    o->partial)) < 0)
			return hm__err_prefix("baseline: ");
	}
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
	else
		rc = add_items(b, bm);
out:
	hm_audit_metrics_free(bm);
	return rc;
}

/* predicate.judge_prompt: the digest of the judge's prompt template, named by its base name. */
static int add_judge_prompt(json_t *pred, const char *path)
{
	unsigned char h[32];
	char hex[65], *text;
	const char *base = strrchr(path, '/');
	size_t len;
	int rc;

	if ((rc = hm__read_file(&text, &len, path, HM_AUDIT_MAX_FILE_BYTES)) < 0)
		return hm__err_prefix("judge prompt: ");
	hm__sha256(h, text, len);
	free(text);
	hm__hex_encode(hex, h, 32);
	base = base ? base + 1 : path;
	if (!hm__utf8_valid(base))
		base = "judge-prompt";
	if (json_object_set_new(pred, "judge_prompt", descriptor(base, hex)) < 0)
		return hm__err_oom();
	return 0;
}

/*
 * predicate.adapter_base: the base model a PEFT adapter was audited on. An
 * adapter directory needs one, and only an adapter (or a model given by
 * digest, which cannot be told) may have one: checked before anything is
 * hashed.
 */
static int check_adapter_base(const hm_audit_options *o)
{
	int adapter = o->model && hm__adapter_present(o->model);

	if (!o->base_model && adapter)
		return hm__err(HM_EINVAL, "%s is a PEFT adapter (%s): name the base model it was "
			       "evaluated on (--base-model)", o->model, HM__ADAPTER_CONFIG);
	if (o->base_model && !adapter && o->model && strncmp(o->model, "sha256:", 7) != 0)
		return hm__err(HM_EINVAL, "%s has no %s: an adapter's base model is only for a "
			       "PEFT adapter", o->model, HM__ADAPTER_CONFIG);
	return 0;
}

static int add_adapter_base(json_t *pred, const hm_audit_options *o)
{
	struct resource base = { "", NULL };
	json_t *d;
	int rc;

	if (!o->base_model)
		return 0;
	if ((rc = resolve(&base, o->base_model, o->digest, "adapter base model")) < 0)
		return rc;
	d = descriptor(base.name, base.sha256);
	free(base.name);
	if (!d || json_object_set_new(pred, "adapter_base", d) < 0)
		return hm__err_oom();
	return 0;
}

/* predicate.benchmark: the name given, the data digest, the registry entry. */
static json_t *benchmark_json(const hm_audit_options *o, const char *data_sha256,
			      const hm_benchmark *bench)
{
	json_t *b = o->benchmark_data ? descriptor(o->benchmark, data_sha256)
				      : json_pack("{s:s}", "name", o->benchmark);

	if (b && bench &&
	    json_object_set_new(b, "registry",
				json_pack("{s:s,s:s,s:{s:s}}", "name", hm_benchmark_name(bench),
					  "version", hm_benchmark_version(bench), "digest",
					  "sha256", hm_benchmark_digest(bench))) < 0) {
		json_decref(b);
		return NULL;
	}
	return b;
}

int hm_audit_statement(char **out, const hm_audit_options *in)
{
	hm_audit_options opts, *o = &opts;
	hm_benchmark_registry *reg = NULL;
	const hm_benchmark *bench = NULL;
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
	if ((rc = upgrade_options(o, in)) < 0 || (rc = check_options(o)) < 0 ||
	    (rc = check_adapter_base(o)) < 0)
		return rc;
	if (!o->time && (rc = hm__rfc3339_now(now)) < 0)
		return rc;
	if ((rc = hm_benchmark_registry_open(&reg, o->benchmarks)) < 0)
		return rc;
	bench = hm_benchmark_registry_find(reg, o->benchmark);
	if ((rc = hm__audit_metrics_compute(&m, o->format, o->category, NULL, o->results,
					    o->nresults, bench, o->partial)) < 0)
		goto out;
	judge = o->judge;
	if (hm_audit_metrics_format(m) == HM_AUDIT_FORMAT_LABELLED &&
	    (!judge || strcmp(judge, HM_AUDIT_KEYWORD_JUDGE) == 0)) {
		rc = hm__err(HM_EINVAL, "hallmark-labelled results carry a classifier's labels: name "
			     "the classifier (--judge)");
		goto out;
	}
	if (hm_audit_metrics_format(m) == HM_AUDIT_FORMAT_KEYWORD) {
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
	if ((rc = add_items(pred, m)) < 0) {
		json_decref(pred);
		goto out;
	}
	if (o->judge_prompt && (rc = add_judge_prompt(pred, o->judge_prompt)) < 0) {
		json_decref(pred);
		goto out;
	}
	st = json_pack("{s:s,s:s,s:o}", "_type", HM_STATEMENT_TYPE, "predicateType",
		       HM_AUDIT_PREDICATE_TYPE, "predicate", pred);
	if (!st) {
		rc = hm__err_oom();
		goto out;
	}
	if (o->baseline_model && (rc = add_baseline(pred, o, m, bench)) < 0)
		goto out;
	if ((rc = add_adapter_base(pred, o)) < 0)
		goto out;
	if (o->benchmark_data && (rc = resolve(&data, o->benchmark_data, o->digest,
					       "benchmark data")) < 0)
		goto out;
	if (json_object_set_new(pred, "benchmark", benchmark_json(o, data.sha256, bench)) < 0) {
		rc = hm__err_oom();
		goto out;
	}
	if (o->model_statement) {
		if (!o->model || !*o->model) {
			rc = hm__err(HM_EINVAL, "no model given");
			goto out;
		}
		if ((rc = hm_model_ref_resolve_statement(model.sha256, &model.name, o->model,
							 o->model_statement, o->digest)) < 0) {
			rc = hm__err_prefix("model: ");
			goto out;
		}
	} else if ((rc = resolve(&model, o->model, o->digest, "model")) < 0) {
		goto out;
	}
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
	hm_benchmark_registry_free(reg);
	return rc;
}
