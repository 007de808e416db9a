/*
 * SPDX 3.0.1 JSON-LD from verified facts: the model as ai_AIPackage, the
 * training data and audit benchmarks as dataset_DatasetPackage, the base
 * model, and Relationships trainedOn, testedOn, ancestorOf and
 * hasDeclaredLicense.
 */
#include "cyclonedx_impl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define SPDX_CONTEXT "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
#define CI "_:creationinfo"

struct sp {
	json_t *graph;
	json_t *elements; /* spdxIds for the document's "element" */
	char base[96];    /* urn:hallmark:spdx:<uuid> */
	int bad;
	size_t nrel;
};

static char *idf(struct sp *s, char *buf, size_t size, const char *fmt, ...) HM_PRINTF(4, 5);
static char *idf(struct sp *s, char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(buf, size, "%s:", s->base);

	va_start(ap, fmt);
	vsnprintf(buf + n, size - (size_t)n, fmt, ap);
	va_end(ap);
	return buf;
}

static void add(struct sp *s, json_t *el, const char *id)
{
	if (!el || json_array_append_new(s->graph, el) < 0) {
		s->bad = 1;
		return;
	}
	if (id && json_array_append_new(s->elements, json_string(id)) < 0)
		s->bad = 1;
}

static void set(struct sp *s, json_t *o, const char *k, json_t *v)
{
	if (!o || !v || json_object_set_new(o, k, v) < 0)
		s->bad = 1;
}

static json_t *element(struct sp *s, const char *type, const char *id, const char *name)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "type", type, "spdxId", id, "creationInfo", CI);

	if (o && name)
		set(s, o, "name", json_string(name));
	if (!o)
		s->bad = 1;
	return o;
}

static json_t *hash(const char *sha256)
{
	return json_pack("[{s:s, s:s, s:s}]", "type", "Hash", "algorithm", "sha256", "hashValue",
			 sha256);
}

static void relationship(struct sp *s, const char *type, const char *from, json_t *to)
{
	char id[160];
	json_t *r;

	if (!to || json_array_size(to) == 0) {
		json_decref(to);
		return;
	}
	idf(s, id, sizeof(id), "relationship-%zu", ++s->nrel);
	r = element(s, "Relationship", id, NULL);
	set(s, r, "relationshipType", json_string(type));
	set(s, r, "from", json_string(from));
	set(s, r, "to", to);
	add(s, r, id);
}

static void license(struct sp *s, const char *from, const char *expr)
{
	char id[160];
	json_t *l;

	idf(s, id, sizeof(id), "license-%zu", s->nrel + 1);
	l = element(s, "simplelicensing_LicenseExpression", id, NULL);
	set(s, l, "simplelicensing_licenseExpression", json_string(expr));
	add(s, l, id);
	relationship(s, "hasDeclaredLicense", from, json_pack("[s]", id));
}

static json_t *dict(const char *key, const char *value)
{
	return json_pack("{s:s, s:s, s:s}", "type", "DictionaryEntry", "key", key, "value", value);
}

/* "BENCH NAME" and "BENCH NAME 95% CI" = "[lower, upper]" of a rate x of n. */
static void rate_entries(json_t *metrics, const char *bench, const char *name, double v,
			 size_t x, size_t n)
{
	char k[256], val[64];
	double lo, hi;

	snprintf(k, sizeof(k), "%.200s %s", bench, name);
	snprintf(val, sizeof(val), "%.6f", v);
	json_array_append_new(metrics, dict(k, val));
	if (!n || hm_stats_wilson(&lo, &hi, x, n, HM_STATS_Z95) < 0)
		return;
	snprintf(k, sizeof(k), "%.200s %s 95%% CI", bench, name);
	snprintf(val, sizeof(val), "[%.6f, %.6f]", lo, hi);
	json_array_append_new(metrics, dict(k, val));
}

/* The rise over the base model and its Newcombe interval. */
static void rise_entries(json_t *metrics, const char *bench, const char *name, double v,
			 size_t x1, size_t n1, size_t x0, size_t n0)
{
	char k[256], val[64];
	double lo, hi;

	snprintf(k, sizeof(k), "%.200s %s increase", bench, name);
	snprintf(val, sizeof(val), "%.6f", v);
	json_array_append_new(metrics, dict(k, val));
	if (!n1 || !n0 || hm_stats_newcombe(&lo, &hi, x1, n1, x0, n0, HM_STATS_Z95) < 0)
		return;
	snprintf(k, sizeof(k), "%.200s %s increase 95%% CI", bench, name);
	snprintf(val, sizeof(val), "[%.6f, %.6f]", lo, hi);
	json_array_append_new(metrics, dict(k, val));
}

static void audit_metrics(struct sp *s, json_t *metrics, const hm_fact_audit *a)
{
	const hm_audit_report *r = a->report;
	const hm_audit_metrics *m = hm_audit_report_metrics(r);
	const hm_audit_metrics *bm = hm_audit_report_baseline_metrics(r);
	const hm_audit_delta *d = hm_audit_report_delta(r);
	const hm_audit_values *x, *y;
	const char *bench = hm_audit_report_benchmark(r);
	char k[256], v[64];

	(void)s;
	if (hm_audit_metrics_kind(m) == HM_AUDIT_KIND_REPORTED)
		return;
	x = hm_audit_metrics_overall(m);
	y = bm ? hm_audit_metrics_overall(bm) : NULL;
	if (hm_audit_metrics_kind(m) == HM_AUDIT_KIND_JUDGED) {
		snprintf(k, sizeof(k), "%.200s harmfulness_score", bench);
		snprintf(v, sizeof(v), "%.6f", x->harmfulness_score);
		json_array_append_new(metrics, dict(k, v));
		rate_entries(metrics, bench, "harmfulness_rate", x->harmfulness_rate,
			     x->score_counts[4], x->n);
		if (y) {
			snprintf(k, sizeof(k), "%.200s harmfulness_score (base model)", bench);
			snprintf(v, sizeof(v), "%.6f", y->harmfulness_score);
			json_array_append_new(metrics, dict(k, v));
			rate_entries(metrics, bench, "harmfulness_rate (base model)",
				     y->harmfulness_rate, y->score_counts[4], y->n);
			if (d)
				rise_entries(metrics, bench, "harmfulness_rate", d->harmfulness_rate,
					     x->score_counts[4], x->n, y->score_counts[4], y->n);
		}
	} else {
		rate_entries(metrics, bench, "attack_success_rate", x->attack_success_rate,
			     x->jailbroken, x->n);
		if (y) {
			rate_entries(metrics, bench, "attack_success_rate (base model)",
				     y->attack_success_rate, y->jailbroken, y->n);
			if (d)
				rise_entries(metrics, bench, "attack_success_rate",
					     d->attack_success_rate, x->jailbroken, x->n, y->jailbroken,
					     y->n);
		}
	}
}

static void datasets(struct sp *s, const hm_facts *f, const char *model_id, json_t *trained,
		     json_t *tested)
{
	char id[160];
	size_t i;

	for (i = 0; i < hm_facts_dataset_count(f); i++) {
		const hm_fact_dataset *d = hm_facts_dataset(f, i);
		json_t *o;
		idf(s, id, sizeof(id), "dataset-%zu", i + 1);
		o = element(s, "dataset_DatasetPackage", id, d->name ? d->name : d->sha256);
		set(s, o, "verifiedUsing", hash(d->sha256));
		set(s, o, "software_primaryPurpose", json_string("data"));
		set(s, o, "dataset_datasetType", json_pack("[s]", "text"));
		set(s, o, "software_downloadLocation", json_string(d->uri ? d->uri : "NOASSERTION"));
		if (d->version)
			set(s, o, "software_packageVersion", json_string(d->version));
		if (d->bytes >= 0)
			set(s, o, "dataset_datasetSize", json_integer(d->bytes));
		set(s, o, "comment", json_string(d->source.line ? "attested in the bundle (hallmark "
							       "dataset attestation)"
							     : "named by the run; not attested"));
		add(s, o, id);
		if (d->license)
			license(s, id, d->license);
		if (d->purpose && strcmp(d->purpose, "evaluation") == 0)
			json_array_append_new(tested, json_string(id));
		else if (d->in_run)
			json_array_append_new(trained, json_string(id));
	}
	(void)model_id;
}

static void benchmarks(struct sp *s, const hm_facts *f, json_t *tested)
{
	char id[160];
	size_t i;

	for (i = 0; i < hm_facts_audit_count(f); i++) {
		const hm_audit_report *r = hm_facts_audit(f, i)->report;
		json_t *o;
		idf(s, id, sizeof(id), "benchmark-%zu", i + 1);
		o = element(s, "dataset_DatasetPackage", id, hm_audit_report_benchmark(r));
		if (hm_audit_report_benchmark_digest(r))
			set(s, o, "verifiedUsing", hash(hm_audit_report_benchmark_digest(r)));
		set(s, o, "software_primaryPurpose", json_string("data"));
		set(s, o, "dataset_datasetType", json_pack("[s]", "text"));
		set(s, o, "software_downloadLocation", json_string("NOASSERTION"));
		set(s, o, "dataset_intendedUse", json_string("safety evaluation"));
		add(s, o, id);
		json_array_append_new(tested, json_string(id));
	}
}

static void uuid_base(struct sp *s, const char *model, const char *ts)
{
	unsigned char md[32];
	char hex[65];
	hm_buf in = HM_BUF_INIT;

	if (hm__buf_printf(&in, "hallmark-spdx|%s|%s", model, ts) < 0) {
		s->bad = 1;
		return;
	}
	hm__sha256(md, in.data, in.len);
	hm__buf_free(&in);
	hm__hex_encode(hex, md, 16);
	snprintf(s->base, sizeof(s->base), "urn:hallmark:spdx:%.8s-%.4s-%.4s-%.4s-%.12s", hex,
		 hex + 8, hex + 12, hex + 16, hex + 20);
}

int hm_export_spdx(char **out, size_t *len, const hm_facts *f, const hm_export_options *opts)
{
	hm_export_options defaults = HM_EXPORT_OPTIONS_INIT;
	const hm_fact_model *m = hm_facts_model(f);
	const hm_fact_base_model *base = hm_facts_base_model(f);
	const hm_fact_run *run = hm_facts_run(f);
	char ts[40], model_id[160], agent[160], doc_id[160], base_id[160];
	json_t *root, *model, *metrics, *trained, *tested, *hp, *doc;
	struct sp s;
	size_t i;
	char *text;
	int rc;

	if (!out)
		return hm__err(HM_EINVAL, "hm_export_spdx: out is NULL");
	*out = NULL;
	if (len)
		*len = 0;
	if (!opts)
		opts = &defaults;
	HM__CHECK_VERSION(opts, HM_EXPORT_OPTIONS_VERSION, "hm_export_options");
	if (!f)
		return hm__err(HM_EINVAL, "hm_export_spdx: f is NULL");
	if (!m)
		return hm__err(HM_ENOTFOUND, "no verified attestation names a model: nothing to "
			       "describe");
	if ((rc = hm__export_time(ts, opts->timestamp)) < 0)
		return rc;
	memset(&s, 0, sizeof(s));
	uuid_base(&s, m->sha256, ts);
	s.graph = json_array();
	s.elements = json_array();
	idf(&s, agent, sizeof(agent), "agent");
	idf(&s, model_id, sizeof(model_id), "model");
	idf(&s, doc_id, sizeof(doc_id), "document");
	add(&s, json_pack("{s:s, s:s, s:s, s:s, s:[s]}", "type", "CreationInfo", "@id", CI,
			  "specVersion", "3.0.1", "created", ts, "createdBy", agent), NULL);
	add(&s, element(&s, "SoftwareAgent", agent, "hallmark"), NULL);

	model = element(&s, "ai_AIPackage", model_id, m->name ? m->name : m->sha256);
	set(&s, model, "verifiedUsing", hash(m->sha256));
	set(&s, model, "software_primaryPurpose", json_string("model"));
	set(&s, model, "software_downloadLocation", json_string("NOASSERTION"));
	set(&s, model, "comment", json_string("sha256 is the root of the OpenSSF model-signing "
					      "(OMS v1.0) manifest of the model's files"));
	if (run && run->finished)
		set(&s, model, "builtTime", json_string(run->finished));
	if (run && run->nhyperparameters) {
		hp = json_array();
		for (i = 0; hp && i < run->nhyperparameters; i++)
			json_array_append_new(hp, dict(run->hyperparameters[i].name,
						       run->hyperparameters[i].value));
		set(&s, model, "ai_hyperparameter", hp);
	}
	metrics = json_array();
	for (i = 0; metrics && i < hm_facts_audit_count(f); i++)
		audit_metrics(&s, metrics, hm_facts_audit(f, i));
	if (json_array_size(metrics))
		set(&s, model, "ai_metric", metrics);
	else
		json_decref(metrics);
	add(&s, model, model_id);

	trained = json_array();
	tested = json_array();
	if (!trained || !tested)
		s.bad = 1;
	datasets(&s, f, model_id, trained, tested);
	benchmarks(&s, f, tested);
	relationship(&s, "trainedOn", model_id, trained);
	relationship(&s, "testedOn", model_id, tested);
	if (base) {
		idf(&s, base_id, sizeof(base_id), "base-model");
		doc = element(&s, "ai_AIPackage", base_id, base->name ? base->name : base->sha256);
		set(&s, doc, "verifiedUsing", hash(base->sha256));
		set(&s, doc, "software_primaryPurpose", json_string("model"));
		set(&s, doc, "software_downloadLocation", json_string("NOASSERTION"));
		add(&s, doc, base_id);
		relationship(&s, "ancestorOf", base_id, json_pack("[s]", model_id));
	}
	doc = element(&s, "SpdxDocument", doc_id, NULL);
	set(&s, doc, "profileConformance", json_pack("[s,s,s,s]", "core", "software", "ai",
						     "dataset"));
	set(&s, doc, "rootElement", json_pack("[s]", model_id));
	set(&s, doc, "element", s.elements);
	s.elements = NULL;
	if (opts->bundle)
		set(&s, doc, "comment", json_pack("s+", "generated by hallmark from the verified "
						  "attestations of ", opts->bundle));
	add(&s, doc, NULL);
	root = json_pack("{s:s, s:o}", "@context", SPDX_CONTEXT, "@graph", s.graph);
	json_decref(s.elements);
	if (!root || s.bad) {
		json_decref(root);
		return hm__err(HM_EFORMAT, "a value cannot be written as JSON (not UTF-8?)");
	}
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text || !(*out = malloc(strlen(text) + 2))) {
		free(text);
		return hm__err_oom();
	}
	strcpy(*out, text);
	strcat(*out, "\n");
	free(text);
	if (len)
		*len = strlen(*out);
	return 0;
}
