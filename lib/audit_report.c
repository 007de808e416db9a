/*
 * Reading a safety-audit predicate back (for verification and policy): its
 * shape, and that its numbers agree with the counts they were computed from.
 */
#include "audit_impl.h"
#include "statement_impl.h"

#include <stdlib.h>
#include <string.h>

struct hm_audit_report {
	char *benchmark;
	char *benchmark_digest;
	char *registry_name, *registry_version, *registry_digest;
	char *judge;
	char *judge_prompt; /* sha256 hex */
	char *time;
	hm_audit_format format;
	hm_audit_metrics *metrics;  /* its inputs are the recorded results files */
	char *baseline_digest;
	hm_audit_metrics *baseline;
	char *adapter_base; /* sha256 hex of predicate.adapter_base */
	hm_audit_delta delta;
};

void hm_audit_report_free(hm_audit_report *r)
{
	if (!r)
		return;
	free(r->benchmark);
	free(r->benchmark_digest);
	free(r->registry_name);
	free(r->registry_version);
	free(r->registry_digest);
	free(r->judge);
	free(r->judge_prompt);
	free(r->time);
	hm_audit_metrics_free(r->metrics);
	free(r->baseline_digest);
	hm_audit_metrics_free(r->baseline);
	free(r->adapter_base);
	free(r);
}

static int dup_str(char **out, const char *s)
{
	*out = strdup(s);
	return *out ? 0 : hm__err_oom();
}

/* digest.sha256 of a resource descriptor: 64 lowercase hex digits. */
static int get_sha256(const char **out, const json_t *desc, const char *what)
{
	const char *hex = hm__json_str(json_object_get(desc, "digest"), "sha256");

	if (!json_is_object(desc))
		return hm__err(HM_EFORMAT, "%s must be an object", what);
	if (!hex || !hm__is_lower_hex(hex, 64) || hex[64])
		return hm__err(HM_EFORMAT, "%s.digest.sha256 must be 64 lowercase hex digits", what);
	*out = hex;
	return 0;
}

/* The "results" array into the metrics' inputs. */
static int read_results(hm_audit_metrics *m, const json_t *results, const char *what)
{
	const json_t *d;
	size_t i, n = json_array_size(results);
	int rc;

	if (!json_is_array(results) || n == 0)
		return hm__err(HM_EFORMAT, "%s.results must be a non-empty array", what);
	if (!(m->inputs = calloc(n, sizeof(*m->inputs))))
		return hm__err_oom();
	json_array_foreach(results, i, d) {
		const char *name = hm__json_str(d, "name"), *hex;
		char dwhat[128];

		snprintf(dwhat, sizeof(dwhat), "%s.results[%zu]", what, i);
		if ((rc = get_sha256(&hex, d, dwhat)) < 0)
			return rc;
		if (!name)
			return hm__err(HM_EFORMAT, "%s.name must be a string", dwhat);
		if ((rc = dup_str(&m->inputs[i].name, name)) < 0)
			return rc;
		memcpy(m->inputs[i].digest, hex, 65);
		m->ninputs++;
	}
	return 0;
}

/* metrics (or reported) and results of the audited model or the baseline. */
static int read_metrics(hm_audit_metrics **out, hm_audit_format f, const json_t *obj,
			const char *what)
{
	const char *key = hm__audit_format_kind(f) == HM_AUDIT_KIND_REPORTED ? "reported"
									  : "metrics";
	char mwhat[64];
	int rc;

	snprintf(mwhat, sizeof(mwhat), "%s.%s", what, key);
	if (!json_object_get(obj, key))
		return hm__err(HM_EFORMAT, "%s is missing (format %s)", mwhat, hm_audit_format_name(f));
	if ((rc = hm__audit_metrics_from_json(out, f, json_object_get(obj, key), mwhat)) < 0 ||
	    (rc = read_results(*out, json_object_get(obj, "results"), what)) < 0)
		return rc;
	return hm__audit_items_from_json(*out, json_object_get(obj, "items"),
					 json_object_get(obj, "coverage"), what);
}

/* The rounded Newcombe interval of a rate difference. */
static void newcombe(double ci[2], uint64_t x1, uint64_t n1, uint64_t x2, uint64_t n2)
{
	ci[0] = ci[1] = 0;
	if (hm_stats_newcombe(&ci[0], &ci[1], x1, n1, x2, n2, HM_STATS_Z95) < 0)
		return;
	ci[0] = hm__audit_from_micro(hm__audit_to_micro(ci[0]));
	ci[1] = hm__audit_from_micro(hm__audit_to_micro(ci[1]));
}

/* delta must be the difference of the rounded values. */
static int check_delta(hm_audit_delta *d, const json_t *j, const hm_audit_metrics *a,
		       const hm_audit_metrics *b)
{
	const hm_audit_values *x = hm_audit_metrics_overall(a), *y = hm_audit_metrics_overall(b);
	const char *names[3] = { "harmfulness_score", "harmfulness_rate", "attack_success_rate" };
	double *slots[3] = { &d->harmfulness_score, &d->harmfulness_rate, &d->attack_success_rate };
	double want[3] = { hm__audit_sub(x->harmfulness_score, y->harmfulness_score),
			   hm__audit_sub(x->harmfulness_rate, y->harmfulness_rate),
			   hm__audit_sub(x->attack_success_rate, y->attack_success_rate) };
	size_t i, first = a->kind == HM_AUDIT_KIND_KEYWORD ? 2 : 0;
	size_t last = a->kind == HM_AUDIT_KIND_KEYWORD ? 3 : 2;

	if (!json_is_object(j))
		return hm__err(HM_EFORMAT, "predicate.delta must be an object");
	for (i = first; i < last; i++) {
		const json_t *v = json_object_get(j, names[i]);

		if (!json_is_number(v))
			return hm__err(HM_EFORMAT, "predicate.delta.%s must be a number", names[i]);
		*slots[i] = json_number_value(v);
		if (hm__audit_to_micro(*slots[i]) != hm__audit_to_micro(want[i]))
			return hm__err(HM_EFORMAT, "predicate.delta.%s is %.15g, but metrics minus "
				       "baseline is %.6f", names[i], *slots[i], want[i]);
	}
	{
		const char *key = first == 2 ? "attack_success_rate_ci" : "harmfulness_rate_ci";
		double *slot = first == 2 ? d->attack_success_rate_ci : d->harmfulness_rate_ci;
		double ci[2];
		int rc;

		if (first == 2)
			newcombe(ci, x->jailbroken, x->n, y->jailbroken, y->n);
		else
			newcombe(ci, x->score_counts[4], x->n, y->score_counts[4], y->n);
		if ((rc = hm__audit_ci_check(slot, j, key, ci, "predicate.delta")) < 0)
			return rc;
		d->has_ci = json_object_get(j, key) != NULL;
	}
	return 0;
}

static int read_baseline(hm_audit_report *r, const json_t *pred)
{
	const json_t *b = json_object_get(pred, "baseline");
	const char *hex;
	int rc;

	if (!json_is_object(b))
		return hm__err(HM_EFORMAT, "predicate.baseline must be an object");
	if (hm__audit_format_kind(r->format) == HM_AUDIT_KIND_REPORTED)
		return hm__err(HM_EFORMAT, "predicate.baseline: %s results cannot have a baseline",
			       hm_audit_format_name(r->format));
	if ((rc = get_sha256(&hex, json_object_get(b, "model"), "predicate.baseline.model")) < 0 ||
	    (rc = dup_str(&r->baseline_digest, hex)) < 0 ||
	    (rc = read_metrics(&r->baseline, r->format, b, "predicate.baseline")) < 0)
		return rc;
	return check_delta(&r->delta, json_object_get(pred, "delta"), r->metrics, r->baseline);
}

/* predicate.benchmark.registry: {name, version, digest{sha256}}, when registered. */
static int read_registry(hm_audit_report *r, const json_t *reg)
{
	const char *name = hm__json_str(reg, "name"), *version = hm__json_str(reg, "version");
	const char *hex;
	int rc;

	if (!reg)
		return 0;
	if (!json_is_object(reg) || !name || !*name || !version || !*version)
		return hm__err(HM_EFORMAT, "predicate.benchmark.registry must have a name and a "
			       "version");
	if ((rc = get_sha256(&hex, reg, "predicate.benchmark.registry")) < 0 ||
	    (rc = dup_str(&r->registry_name, name)) < 0 ||
	    (rc = dup_str(&r->registry_version, version)) < 0)
		return rc;
	return dup_str(&r->registry_digest, hex);
}

static int read_predicate(hm_audit_report *r, const json_t *pred)
{
	const json_t *bench = json_object_get(pred, "benchmark"), *judge;
	const char *s;
	int rc;

	if (!json_is_object(pred))
		return hm__err(HM_EFORMAT, "the safety-audit statement has no predicate object");
	s = hm__json_str(bench, "name");
	if (!s || !*s)
		return hm__err(HM_EFORMAT, "predicate.benchmark.name must be a non-empty string");
	if ((rc = dup_str(&r->benchmark, s)) < 0)
		return rc;
	if (json_object_get(bench, "digest") &&
	    ((rc = get_sha256(&s, bench, "predicate.benchmark")) < 0 ||
	     (rc = dup_str(&r->benchmark_digest, s)) < 0))
		return rc;
	if ((rc = read_registry(r, json_object_get(bench, "registry"))) < 0)
		return rc;
	judge = json_object_get(pred, "judge");
	if (judge && (!json_is_string(judge) || json_string_length(judge) == 0))
		return hm__err(HM_EFORMAT, "predicate.judge must be a non-empty string");
	if (judge && (rc = dup_str(&r->judge, json_string_value(judge))) < 0)
		return rc;
	if (json_object_get(pred, "judge_prompt") &&
	    ((rc = get_sha256(&s, json_object_get(pred, "judge_prompt"),
			      "predicate.judge_prompt")) < 0 ||
	     (rc = dup_str(&r->judge_prompt, s)) < 0))
		return rc;
	s = hm__json_str(pred, "time");
	if (!hm__audit_time_valid(s))
		return hm__err(HM_EFORMAT, "predicate.time must be an RFC 3339 time in UTC");
	if ((rc = dup_str(&r->time, s)) < 0)
		return rc;
	s = hm__json_str(pred, "format");
	if (!s || hm_audit_format_parse(&r->format, s) < 0 || r->format == HM_AUDIT_FORMAT_AUTO)
		return hm__err(HM_EFORMAT, "predicate.format is missing or unknown");
	if (r->format == HM_AUDIT_FORMAT_LABELLED &&
	    (!r->judge || strcmp(r->judge, HM_AUDIT_KEYWORD_JUDGE) == 0))
		return hm__err(HM_EFORMAT, "predicate.judge must name the classifier of "
			       "hallmark-labelled results");
	if ((rc = read_metrics(&r->metrics, r->format, pred, "predicate")) < 0)
		return rc;
	if (json_object_get(pred, "adapter_base") &&
	    ((rc = get_sha256(&s, json_object_get(pred, "adapter_base"),
			      "predicate.adapter_base")) < 0 ||
	     (rc = dup_str(&r->adapter_base, s)) < 0))
		return rc;
	if (json_object_get(pred, "coverage") && !r->registry_name)
		return hm__err(HM_EFORMAT, "predicate.coverage without predicate.benchmark.registry");
	if (json_object_get(pred, "baseline"))
		return read_baseline(r, pred);
	if (json_object_get(pred, "delta"))
		return hm__err(HM_EFORMAT, "predicate.delta without a baseline");
	return 0;
}

int hm_audit_report_parse(hm_audit_report **out, const hm_statement *st)
{
	hm_audit_report *r;
	const char *type;
	int rc;

	if (!out || !st)
		return hm__err(HM_EINVAL, "hm_audit_report_parse: NULL argument");
	*out = NULL;
	type = hm_statement_predicate_type(st);
	if (!type || strcmp(type, HM_AUDIT_PREDICATE_TYPE) != 0)
		return hm__err(HM_EUNSUPPORTED, "predicateType is \"%s\", not \"%s\"",
			       type ? type : "", HM_AUDIT_PREDICATE_TYPE);
	if (!(r = calloc(1, sizeof(*r))))
		return hm__err_oom();
	if ((rc = read_predicate(r, json_object_get(hm__statement_json(st), "predicate"))) < 0) {
		hm_audit_report_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

const char *hm_audit_report_benchmark(const hm_audit_report *r)
{
	return r->benchmark;
}

const char *hm_audit_report_benchmark_digest(const hm_audit_report *r)
{
	return r->benchmark_digest;
}

const char *hm_audit_report_judge(const hm_audit_report *r)
{
	return r->judge;
}

const char *hm_audit_report_judge_prompt_digest(const hm_audit_report *r)
{
	return r->judge_prompt;
}

const char *hm_audit_report_time(const hm_audit_report *r)
{
	return r->time;
}

hm_audit_format hm_audit_report_format(const hm_audit_report *r)
{
	return r->format;
}

const hm_audit_metrics *hm_audit_report_metrics(const hm_audit_report *r)
{
	return r->metrics;
}

size_t hm_audit_report_result_count(const hm_audit_report *r)
{
	return hm_audit_metrics_input_count(r->metrics);
}

const char *hm_audit_report_result_name(const hm_audit_report *r, size_t i)
{
	return hm_audit_metrics_input_name(r->metrics, i);
}

const char *hm_audit_report_result_digest(const hm_audit_report *r, size_t i)
{
	return hm_audit_metrics_input_digest(r->metrics, i);
}

const char *hm_audit_report_adapter_base_digest(const hm_audit_report *r)
{
	return r->adapter_base;
}

const char *hm_audit_report_baseline_digest(const hm_audit_report *r)
{
	return r->baseline_digest;
}

const hm_audit_metrics *hm_audit_report_baseline_metrics(const hm_audit_report *r)
{
	return r->baseline;
}

const hm_audit_delta *hm_audit_report_delta(const hm_audit_report *r)
{
	return r->baseline ? &r->delta : NULL;
}

const char *hm_audit_report_registry_name(const hm_audit_report *r)
{
	return r->registry_name;
}

const char *hm_audit_report_registry_version(const hm_audit_report *r)
{
	return r->registry_version;
}

const char *hm_audit_report_registry_digest(const hm_audit_report *r)
{
	return r->registry_digest;
}
