/*
 * CycloneDX 1.6 ML-BOM content from verified facts: the model (hashes,
 * model card with datasets, metrics and considerations), the datasets as
 * data components, the base model, and their dependencies.
 */
#include "cyclonedx_impl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int hm__export_time(char buf[40], const char *ts)
{
	if (ts) {
		if (!hm_rfc3339_valid(ts) || strlen(ts) >= 40)
			return hm__err(HM_EINVAL, "\"%s\" is not an RFC 3339 time", ts);
		strcpy(buf, ts);
		return 0;
	}
	return hm__rfc3339_now(buf);
}

static const char *keep(struct hm__cdx *b, char *s)
{
	void **n;

	if (!s)
		return NULL;
	n = realloc(b->pool, (b->npool + 1) * sizeof(*n));
	if (!n) {
		free(s);
		return NULL;
	}
	b->pool = n;
	b->pool[b->npool++] = s;
	return s;
}

static const char *keepf(struct hm__cdx *b, const char *fmt, ...) HM_PRINTF(2, 3);
static const char *keepf(struct hm__cdx *b, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : keep(b, s);
}

/* Grows an array kept in the pool; returns the new element (zeroed) or NULL. */
static void *grow(struct hm__cdx *b, void **arr, size_t *n, size_t size)
{
	char *p = realloc(*arr, (*n + 1) * size);
	size_t i;

	if (!p)
		return NULL;
	if (*arr != p) {
		for (i = 0; i < b->npool; i++)
			if (b->pool[i] == *arr)
				b->pool[i] = p;
		if (!*arr && !keep(b, p))
			return NULL;
	}
	*arr = p;
	memset(p + *n * size, 0, size);
	return p + (*n)++ * size;
}

#define GROW(b, arr, n) grow((b), (void **)&(arr), &(n), sizeof(*(arr)))

static int prop(struct hm__cdx *b, struct hm__cdx_comp *c, const char *name, const char *value)
{
	struct hm__cdx_prop *p;

	if (!value)
		return 0;
	p = GROW(b, c->props, c->nprops);
	if (!p)
		return hm__err_oom();
	p->name = name;
	p->value = value;
	return 0;
}

static int count_prop(struct hm__cdx *b, struct hm__cdx_comp *c, const char *name, long long v)
{
	const char *s;

	if (v < 0)
		return 0;
	s = keepf(b, "%lld", v);
	return s ? prop(b, c, name, s) : hm__err_oom();
}

static int source_props(struct hm__cdx *b, struct hm__cdx_comp *c, const hm_fact_source *s)
{
	size_t i;
	int rc;

	if (!s->line)
		return prop(b, c, "hallmark:attested", "false");
	if ((rc = prop(b, c, "hallmark:attested", "true")) < 0 ||
	    (rc = count_prop(b, c, "hallmark:bundle-line", (long long)s->line)) < 0)
		return rc;
	for (i = 0; i < s->nsigners; i++)
		if ((rc = prop(b, c, "hallmark:signed-by", s->signers[i])) < 0)
			return rc;
	return 0;
}

static int metric(struct hm__cdx *b, const char *type, double v, const char *slice)
{
	struct hm__cdx_metric *m = GROW(b, b->metrics, b->nmetrics);

	if (!m)
		return hm__err_oom();
	m->type = type;
	m->value = keepf(b, "%.6f", v);
	m->slice = slice;
	m->lower = m->upper = NULL;
	return m->value && slice ? 0 : hm__err_oom();
}

/* The last metric's 95% interval. */
static int interval(struct hm__cdx *b, double lo, double hi)
{
	struct hm__cdx_metric *m = &b->metrics[b->nmetrics - 1];

	m->lower = keepf(b, "%.6f", lo);
	m->upper = keepf(b, "%.6f", hi);
	return m->lower && m->upper ? 0 : hm__err_oom();
}

/* A rate x of n with its Wilson interval. */
static int rate(struct hm__cdx *b, const char *type, double v, const char *slice, size_t x,
		size_t n)
{
	double lo, hi;
	int rc = metric(b, type, v, slice);

	if (rc < 0 || !n || hm_stats_wilson(&lo, &hi, x, n, HM_STATS_Z95) < 0)
		return rc;
	return interval(b, lo, hi);
}

/* A rise x1/n1 - x0/n0 with its Newcombe interval. */
static int rise(struct hm__cdx *b, const char *type, double v, const char *slice, size_t x1,
		size_t n1, size_t x0, size_t n0)
{
	double lo, hi;
	int rc = metric(b, type, v, slice);

	if (rc < 0 || !n1 || !n0 || hm_stats_newcombe(&lo, &hi, x1, n1, x0, n0, HM_STATS_Z95) < 0)
		return rc;
	return interval(b, lo, hi);
}

static int values(struct hm__cdx *b, hm_audit_kind kind, const hm_audit_values *v,
		  const char *bench, const char *part, const char *who)
{
	int rc;

	if (kind == HM_AUDIT_KIND_JUDGED) {
		if ((rc = metric(b, "harmfulness_score", v->harmfulness_score,
				 keepf(b, "%s, %s, %s", bench, part, who))) < 0)
			return rc;
		return rate(b, "harmfulness_rate", v->harmfulness_rate,
			    keepf(b, "%s, %s, %s", bench, part, who), v->score_counts[4], v->n);
	}
	return rate(b, "attack_success_rate", v->attack_success_rate,
		    keepf(b, "%s, %s, %s", bench, part, who), v->jailbroken, v->n);
}

static int audit_metrics(struct hm__cdx *b, const hm_fact_audit *a)
{
	const hm_audit_report *r = a->report;
	const hm_audit_metrics *m = hm_audit_report_metrics(r);
	const hm_audit_metrics *bm = hm_audit_report_baseline_metrics(r);
	const hm_audit_delta *d = hm_audit_report_delta(r);
	const char *bench = hm_audit_report_benchmark(r);
	hm_audit_kind kind = hm_audit_metrics_kind(m);
	struct hm__cdx_ethical *e;
	size_t i;
	int rc;

	if (kind == HM_AUDIT_KIND_REPORTED)
		return 0;
	if ((rc = values(b, kind, hm_audit_metrics_overall(m), bench, "all items", "fine-tuned "
			 "model")) < 0)
		return rc;
	if (bm && (rc = values(b, kind, hm_audit_metrics_overall(bm), bench, "all items",
			       "base model")) < 0)
		return rc;
	if (d && bm && kind == HM_AUDIT_KIND_JUDGED) {
		const hm_audit_values *x = hm_audit_metrics_overall(m);
		const hm_audit_values *y = hm_audit_metrics_overall(bm);
		if ((rc = metric(b, "harmfulness_score_change", d->harmfulness_score,
				 keepf(b, "%s, all items, fine-tuned minus base model", bench))) < 0 ||
		    (rc = rise(b, "harmfulness_rate_change", d->harmfulness_rate,
			       keepf(b, "%s, all items, fine-tuned minus base model", bench),
			       x->score_counts[4], x->n, y->score_counts[4], y->n)) < 0)
			return rc;
	}
	if (d && bm && kind == HM_AUDIT_KIND_KEYWORD) {
		const hm_audit_values *x = hm_audit_metrics_overall(m);
		const hm_audit_values *y = hm_audit_metrics_overall(bm);
		if ((rc = rise(b, "attack_success_rate_change", d->attack_success_rate,
			       keepf(b, "%s, all items, fine-tuned minus base model", bench),
			       x->jailbroken, x->n, y->jailbroken, y->n)) < 0)
			return rc;
	}
	for (i = 0; i < hm_audit_metrics_category_count(m); i++) {
		const char *cat = hm_audit_metrics_category_name(m, i);
		const hm_audit_values *bv = bm ? hm_audit_metrics_category_find(bm, cat) : NULL;
		const char *part = keepf(b, "category %s", cat);
		if (!part)
			return hm__err_oom();
		if ((rc = values(b, kind, hm_audit_metrics_category(m, i), bench, part,
				 "fine-tuned model")) < 0)
			return rc;
		if (bv && (rc = values(b, kind, bv, bench, part, "base model")) < 0)
			return rc;
	}
	e = GROW(b, b->ethical, b->nethical);
	if (!e)
		return hm__err_oom();
	e->name = keepf(b, "Loss of safety alignment through fine-tuning (%s)", bench);
	if (kind == HM_AUDIT_KIND_JUDGED)
		e->mitigation = keepf(b, "Safety audit on %s, judge %s, %s: harmfulness rate %.6f, "
				      "score %.6f%s; signed by key %.16s (bundle line %zu)", bench,
				      hm_audit_report_judge(r) ? hm_audit_report_judge(r) : "none",
				      hm_audit_report_time(r),
				      hm_audit_metrics_overall(m)->harmfulness_rate,
				      hm_audit_metrics_overall(m)->harmfulness_score,
				      bm ? " (base model audited alike)" : " (no baseline)",
				      a->source.nsigners ? a->source.signers[0] : "",
				      a->source.line);
	else
		e->mitigation = keepf(b, "Safety audit on %s, %s: attack success rate %.6f%s; signed "
				      "by key %.16s (bundle line %zu)", bench,
				      hm_audit_report_time(r),
				      hm_audit_metrics_overall(m)->attack_success_rate,
				      bm ? " (base model audited alike)" : " (no baseline)",
				      a->source.nsigners ? a->source.signers[0] : "",
				      a->source.line);
	return e->name && e->mitigation ? 0 : hm__err_oom();
}

static int limitation(struct hm__cdx *b, const char *s)
{
	const char **l;

	if (!s)
		return hm__err_oom();
	l = GROW(b, b->limitations, b->nlimitations);
	if (!l)
		return hm__err_oom();
	*l = s;
	return 0;
}

static int dataset_comp(struct hm__cdx *b, struct hm__cdx_comp *c, const hm_fact_dataset *d,
			size_t i)
{
	int rc;

	c->type = "data";
	c->ref = keepf(b, "dataset-%zu-%.12s", i + 1, d->sha256);
	c->name = d->name ? d->name : keepf(b, "dataset-%.12s", d->sha256);
	c->version = d->version;
	c->sha256 = d->sha256;
	c->license = d->license;
	c->url = d->uri;
	c->description = d->in_run ? "training data of the fine-tuning run"
				   : "dataset attested in the bundle, not listed by the run";
	if (!c->ref || !c->name)
		return hm__err_oom();
	if ((rc = prop(b, c, "hallmark:purpose", d->purpose)) < 0 ||
	    (rc = count_prop(b, c, "hallmark:records", d->records)) < 0 ||
	    (rc = count_prop(b, c, "hallmark:invalid-records", d->invalid_records)) < 0 ||
	    (rc = count_prop(b, c, "hallmark:duplicate-records", d->duplicate_records)) < 0 ||
	    (rc = count_prop(b, c, "hallmark:screening-flagged-records", d->flagged_records)) < 0 ||
	    (rc = count_prop(b, c, "hallmark:screening-records-scanned", d->records_scanned)) < 0 ||
	    (rc = prop(b, c, "hallmark:git-commit", d->git_commit)) < 0 ||
	    (rc = prop(b, c, "hallmark:git-remote", d->git_remote)) < 0 ||
	    (rc = source_props(b, c, &d->source)) < 0)
		return rc;
	return 0;
}

static int serial(struct hm__cdx *b, const char *model, const char *ts)
{
	unsigned char md[32];
	char hex[65];
	hm_buf in = HM_BUF_INIT;

	if (hm__buf_printf(&in, "hallmark-cyclonedx|%s|%s", model ? model : "", ts) < 0)
		return HM_ENOMEM;
	hm__sha256(md, in.data, in.len);
	hm__buf_free(&in);
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x50); /* name-based, like version 5 */
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);
	hm__hex_encode(hex, md, 16);
	b->serial = keepf(b, "urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
			  hex + 20);
	return b->serial ? 0 : hm__err_oom();
}

int hm__cdx_build(struct hm__cdx *b, const hm_facts *f, const char *timestamp)
{
	const hm_fact_model *m = hm_facts_model(f);
	const hm_fact_base_model *base = hm_facts_base_model(f);
	const hm_fact_run *run = hm_facts_run(f);
	struct hm__cdx_comp *c;
	size_t i, nd = hm_facts_dataset_count(f);
	int rc;

	memset(b, 0, sizeof(*b));
	if (!m)
		return hm__err(HM_ENOTFOUND, "no verified attestation names a model: nothing to "
			       "describe");
	b->timestamp = timestamp;
	if ((rc = serial(b, m->sha256, timestamp)) < 0)
		return rc;
	b->comps = calloc(nd + 2, sizeof(*b->comps));
	if (!b->comps || !keep(b, (char *)b->comps))
		return hm__err_oom();
	c = &b->comps[b->ncomps++];
	c->type = "machine-learning-model";
	c->ref = "model";
	c->name = m->name ? m->name : m->sha256;
	c->sha256 = m->sha256;
	c->description = base ? keepf(b, "Fine-tuned from %s (sha256:%s)%s%s",
				      base->name ? base->name : "a base model", base->sha256,
				      run && run->method ? ", method " : "",
				      run && run->method ? run->method : "")
			      : "Model described by hallmark attestations";
	if (!c->description)
		return hm__err_oom();
	if ((rc = prop(b, c, "hallmark:digest", "OMS v1.0 manifest root (sha256)")) < 0 ||
	    (rc = count_prop(b, c, "hallmark:files", m->source.line ? (long long)m->files : -1)) <
		    0 ||
	    (rc = source_props(b, c, &m->source)) < 0)
		return rc;
	if (run && ((rc = prop(b, c, "hallmark:training-method", run->method)) < 0 ||
		    (rc = prop(b, c, "hallmark:training-code-commit", run->code_commit)) < 0 ||
		    (rc = prop(b, c, "hallmark:training-code", run->code_uri)) < 0 ||
		    (rc = count_prop(b, c, "hallmark:run-bundle-line",
				     (long long)run->source.line)) < 0))
		return rc;
	for (i = 0; run && i < run->nhyperparameters; i++) {
		const char *n = keepf(b, "hallmark:hyperparameter:%s", run->hyperparameters[i].name);
		if (!n || (rc = prop(b, c, n, run->hyperparameters[i].value)) < 0)
			return hm__err_oom();
	}
	if (base) {
		c = &b->comps[b->ncomps++];
		c->type = "machine-learning-model";
		c->ref = "base-model";
		c->name = base->name ? base->name : base->sha256;
		c->sha256 = base->sha256;
		c->description = "Base model of the fine-tuning run";
		if ((rc = source_props(b, c, &base->source)) < 0)
			return rc;
	}
	for (i = 0; i < nd; i++) {
		const hm_fact_dataset *d = hm_facts_dataset(f, i);
		const char **dep;
		c = &b->comps[b->ncomps++];
		if ((rc = dataset_comp(b, c, d, i)) < 0)
			return rc;
		if (!d->in_run)
			continue;
		dep = GROW(b, b->model_datasets, b->nmodel_datasets);
		if (!dep)
			return hm__err_oom();
		*dep = c->ref;
		if (!d->source.line &&
		    (rc = limitation(b, keepf(b, "The run lists dataset %s (sha256:%s), but the bundle "
					      "has no verified attestation of it", c->name,
					      d->sha256))) < 0)
			return rc;
	}
	/* The model depends on its base model and its training data. */
	c = &b->comps[0];
	for (i = 1; i < b->ncomps; i++) {
		const char **dep;
		if (strcmp(b->comps[i].ref, "base-model") != 0 &&
		    !(hm_facts_dataset(f, i - 1 - (base ? 1 : 0))->in_run))
			continue;
		dep = GROW(b, c->depends, c->ndepends);
		if (!dep)
			return hm__err_oom();
		*dep = b->comps[i].ref;
	}
	for (i = 0; i < hm_facts_audit_count(f); i++)
		if ((rc = audit_metrics(b, hm_facts_audit(f, i))) < 0)
			return rc;
	if (!hm_facts_audit_count(f) &&
	    (rc = limitation(b, keepf(b, "No verified safety audit of this model"))) < 0)
		return rc;
	for (i = 0; i < hm_facts_omission_count(f); i++) {
		const hm_fact_omission *om = hm_facts_omission(f, i);
		if ((rc = limitation(b, keepf(b, "Bundle line %zu%s%s%s is left out: %s", om->line,
					      om->predicate_type ? " (" : "",
					      om->predicate_type ? om->predicate_type : "",
					      om->predicate_type ? ")" : "", om->reason))) < 0)
			return rc;
	}
	return 0;
}

void hm__cdx_free(struct hm__cdx *b)
{
	size_t i;

	for (i = 0; i < b->npool; i++)
		free(b->pool[i]);
	free(b->pool);
	memset(b, 0, sizeof(*b));
}

int hm_export_cyclonedx(char **out, size_t *len, const hm_facts *f, hm_bom_format format,
			const hm_export_options *opts)
{
	hm_export_options defaults = HM_EXPORT_OPTIONS_INIT;
	struct hm__cdx b;
	char ts[40];
	size_t n = 0;
	int rc;

	if (!out)
		return hm__err(HM_EINVAL, "hm_export_cyclonedx: out is NULL");
	*out = NULL;
	if (len)
		*len = 0;
	if (!opts)
		opts = &defaults;
	HM__CHECK_VERSION(opts, HM_EXPORT_OPTIONS_VERSION, "hm_export_options");
	if (!f)
		return hm__err(HM_EINVAL, "hm_export_cyclonedx: f is NULL");
	if (format != HM_BOM_XML && format != HM_BOM_JSON)
		return hm__err(HM_EINVAL, "unknown BOM format %d", (int)format);
	if ((rc = hm__export_time(ts, opts->timestamp)) < 0)
		return rc;
	if ((rc = hm__cdx_build(&b, f, ts)) < 0) {
		hm__cdx_free(&b);
		return rc;
	}
	rc = format == HM_BOM_XML ? hm__cdx_xml(out, &n, &b) : hm__cdx_json(out, &n, &b);
	hm__cdx_free(&b);
	if (rc == 0 && len)
		*len = n;
	return rc;
}
