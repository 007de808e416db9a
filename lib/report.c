/*
 * The compliance report: one self-contained XHTML page built as a libxml2
 * tree (well formed by construction, every value escaped), with the
 * verification result, the provenance chain, the datasets, the audits with a
 * chart per category, the omitted lines and the signing keys.
 */
#include "report_impl.h"

#include <libxml/xmlsave.h>
#include <stdlib.h>
#include <string.h>

static const char css[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2em auto;"
	"max-width:1100px;color:#1d2430;line-height:1.45;padding:0 1em}"
	"h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:2px solid #d6dbe3;padding-bottom:.2em;"
	"margin-top:1.8em}h3{margin-bottom:.3em}"
	"table{border-collapse:collapse;margin:.6em 0 1em;font-size:.92em}"
	"th,td{border:1px solid #cfd5de;padding:.3em .6em;text-align:left;vertical-align:top}"
	"th{background:#eef1f5}td.num{text-align:right;font-variant-numeric:tabular-nums}"
	"code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.88em;word-break:break-all}"
	".meta{color:#5b6472}.pass{color:#0a7a32;font-weight:600}.fail{color:#b3261e;font-weight:600}"
	".skip{color:#7a6a0a;font-weight:600}.verdict{font-size:1.15em;padding:.5em .8em;"
	"border-radius:6px;display:inline-block}.verdict.pass{background:#e3f5e9}"
	".verdict.fail{background:#fbe4e2}.verdict.none{background:#eef1f5;color:#3b4350}"
	"ol.chain li{margin:.35em 0}.note{background:#fff8e1;border-left:4px solid #e0b400;"
	"padding:.4em .8em}"
	"svg{display:block;margin:.5em 0 1em;font-size:12px;font-family:inherit}"
	"svg .before{fill:#8d99ae}svg .after{fill:#d1495b}svg .axis line{stroke:#dde2e8}"
	"svg .tick,svg .value{fill:#5b6472}svg .label,svg .legend{fill:#1d2430}";

static const char *pct(char *buf, size_t size, double rate)
{
	snprintf(buf, size, "%.2f%% (%.6f)", rate * 100, rate);
	return buf;
}

/* "0.61% (0.006061), 95% CI 0.17-2.18%": a rate of x of n with its Wilson interval. */
static const char *pct_ci(char *buf, size_t size, double rate, size_t x, size_t n)
{
	double lo, hi;

	pct(buf, size, rate);
	if (n && hm_stats_wilson(&lo, &hi, x, n, HM_STATS_Z95) == 0)
		snprintf(buf + strlen(buf), size - strlen(buf), ", 95%% CI %.2f-%.2f%%", lo * 100,
			 hi * 100);
	return buf;
}

/* "+0.30 points (+0.003030), 95% CI -1.16 to +1.90": a rise with its Newcombe interval. */
static const char *rise_ci(char *buf, size_t size, double rise, size_t x1, size_t n1, size_t x0,
			   size_t n0)
{
	double lo, hi;

	snprintf(buf, size, "%+.2f points (%+.6f)", rise * 100, rise);
	if (n1 && n0 && hm_stats_newcombe(&lo, &hi, x1, n1, x0, n0, HM_STATS_Z95) == 0)
		snprintf(buf + strlen(buf), size - strlen(buf), ", 95%% CI %+.2f to %+.2f", lo * 100,
			 hi * 100);
	return buf;
}

static void kv_row(struct hm__page *p, xmlNodePtr table, const char *k, const char *v,
		   int code)
{
	xmlNodePtr tr = hm__el(p, table, "tr", NULL);

	hm__el(p, tr, "th", k);
	hm__el(p, hm__el(p, tr, "td", NULL), code ? "code" : "span", v ? v : "not recorded");
}

static void signed_by(struct hm__page *p, xmlNodePtr parent, const hm_fact_source *s)
{
	size_t i;

	if (!s->line) {
		hm__txt(p, parent, " (not attested in the bundle)");
		return;
	}
	hm__txtf(p, parent, " (bundle line %zu, signed by ", s->line);
	for (i = 0; i < s->nsigners; i++) {
		if (i)
			hm__txt(p, parent, ", ");
		hm__elf(p, parent, "code", "%.16s", s->signers[i]);
	}
	hm__txt(p, parent, ")");
}

static void verification(struct hm__page *p, xmlNodePtr body, const hm_verify_report *v)
{
	xmlNodePtr t, tr, td, ul;
	size_t i, j;

	hm__el(p, body, "h2", "Verification");
	if (!v) {
		td = hm__el(p, body, "p", "NOT CHECKED: the model files were not checked against the "
			    "bundle (no --model given). The facts below are what the verified "
			    "attestations say; run hallmark verify on the model files, or make this "
			    "report with --model, to check that a model on disk is the one described.");
		hm__attr(p, td, "class", "verdict none");
		return;
	}
	td = hm__elf(p, body, "p", "%s: sha256:%s",
		     hm_verify_report_ok(v) ? "VERIFIED" : "NOT VERIFIED",
		     hm_verify_report_model_digest(v)[0] ? hm_verify_report_model_digest(v)
							 : "(not hashed)");
	hm__attr(p, td, "class", hm_verify_report_ok(v) ? "verdict pass" : "verdict fail");
	t = hm__el(p, body, "table", NULL);
	tr = hm__el(p, t, "tr", NULL);
	hm__el(p, tr, "th", "Check");
	hm__el(p, tr, "th", "Result");
	hm__el(p, tr, "th", "Reason and details");
	for (i = 0; i < HM_CHECK_COUNT; i++) {
		hm_check_status st = hm_verify_report_status(v, (hm_check_id)i);
		const char *w = st == HM_CHECK_PASS ? "PASS" : st == HM_CHECK_SKIP ? "SKIP" : "FAIL";
		tr = hm__el(p, t, "tr", NULL);
		hm__el(p, tr, "td", hm_check_name((hm_check_id)i));
		hm__attr(p, hm__el(p, tr, "td", w), "class",
			 st == HM_CHECK_PASS ? "pass" : st == HM_CHECK_SKIP ? "skip" : "fail");
		td = hm__el(p, tr, "td", hm_verify_report_reason(v, (hm_check_id)i));
		for (j = 0; j < hm_verify_report_warning_count(v, (hm_check_id)i); j++) {
			char line[1100];
			snprintf(line, sizeof(line), "WARN %s",
				 hm_verify_report_warning(v, (hm_check_id)i, j));
			hm__attr(p, hm__el(p, td, "p", line), "class", "warn");
		}
		if (hm_verify_report_detail_count(v, (hm_check_id)i)) {
			ul = hm__el(p, td, "ul", NULL);
			for (j = 0; j < hm_verify_report_detail_count(v, (hm_check_id)i); j++)
				hm__el(p, ul, "li", hm_verify_report_detail(v, (hm_check_id)i, j));
		}
	}
}

static void chain(struct hm__page *p, xmlNodePtr body, const hm_facts *f)
{
	const hm_fact_model *m = hm_facts_model(f);
	const hm_fact_base_model *base = hm_facts_base_model(f);
	const hm_fact_run *run = hm_facts_run(f);
	xmlNodePtr ol, li;
	size_t i;

	hm__el(p, body, "h2", "Provenance chain");
	ol = hm__el(p, body, "ol", NULL);
	hm__attr(p, ol, "class", "chain");
	li = hm__el(p, ol, "li", NULL);
	hm__el(p, li, "strong", "Base model: ");
	if (base) {
		hm__txt(p, li, base->name ? base->name : "(unnamed)");
		hm__txt(p, li, " ");
		hm__elf(p, li, "code", "sha256:%s", base->sha256);
		if (base->source.line)
			signed_by(p, li, &base->source);
		else
			hm__txt(p, li, " (recorded by the run; no manifest of it in the bundle)");
	} else {
		hm__txt(p, li, "not recorded (no verified run)");
	}
	li = hm__el(p, ol, "li", NULL);
	hm__el(p, li, "strong", "Datasets: ");
	if (!hm_facts_dataset_count(f))
		hm__txt(p, li, "none recorded");
	for (i = 0; i < hm_facts_dataset_count(f); i++) {
		const hm_fact_dataset *d = hm_facts_dataset(f, i);
		if (i)
			hm__txt(p, li, "; ");
		hm__txt(p, li, d->name ? d->name : "(unnamed)");
		hm__txt(p, li, " ");
		hm__elf(p, li, "code", "sha256:%s", d->sha256);
		if (!d->in_run)
			hm__txt(p, li, " (not listed by the run)");
		signed_by(p, li, &d->source);
	}
	li = hm__el(p, ol, "li", NULL);
	hm__el(p, li, "strong", "Fine-tuning run: ");
	if (run) {
		hm__txt(p, li, run->method ? run->method : "method not recorded");
		if (run->code_commit) {
			hm__txt(p, li, ", code commit ");
			hm__el(p, li, "code", run->code_commit);
		}
		signed_by(p, li, &run->source);
	} else {
		hm__txt(p, li, "no verified run attestation");
	}
	li = hm__el(p, ol, "li", NULL);
	hm__el(p, li, "strong", "Model: ");
	if (m) {
		hm__txt(p, li, m->name ? m->name : "(unnamed)");
		hm__txt(p, li, " ");
		hm__elf(p, li, "code", "sha256:%s", m->sha256);
		signed_by(p, li, &m->source);
	} else {
		hm__txt(p, li, "no verified attestation names a model");
	}
	li = hm__el(p, ol, "li", NULL);
	hm__el(p, li, "strong", "Safety audits: ");
	if (!hm_facts_audit_count(f))
		hm__txt(p, li, "none verified");
	for (i = 0; i < hm_facts_audit_count(f); i++) {
		const hm_fact_audit *a = hm_facts_audit(f, i);
		if (i)
			hm__txt(p, li, "; ");
		hm__txtf(p, li, "%s on %s", hm_audit_report_benchmark(a->report),
			 hm_audit_report_time(a->report));
		signed_by(p, li, &a->source);
	}
	for (i = 0; i < hm_facts_card_count(f); i++) {
		const hm_fact_card *c = hm_facts_card(f, i);
		li = hm__el(p, ol, "li", NULL);
		hm__el(p, li, "strong", "Model card: ");
		hm__txt(p, li, c->name ? c->name : "(unnamed)");
		hm__txt(p, li, " ");
		hm__elf(p, li, "code", "sha256:%s", c->sha256 ? c->sha256 : "?");
		signed_by(p, li, &c->source);
	}
}

static void count_cell(struct hm__page *p, xmlNodePtr tr, long long v)
{
	xmlNodePtr td = v < 0 ? hm__el(p, tr, "td", "n/a") : hm__elf(p, tr, "td", "%lld", v);

	hm__attr(p, td, "class", "num");
}

static void datasets(struct hm__page *p, xmlNodePtr body, const hm_facts *f)
{
	xmlNodePtr t, tr, td;
	size_t i;
	static const char *const heads[] = { "Dataset", "Purpose", "Source", "License", "Digest",
					     "Git commit", "Records", "Invalid", "Duplicates",
					     "Flagged by screening", "Attested" };

	hm__el(p, body, "h2", "Training data");
	if (!hm_facts_dataset_count(f)) {
		hm__el(p, body, "p", "No verified attestation records the training data.");
		return;
	}
	t = hm__el(p, body, "table", NULL);
	tr = hm__el(p, t, "tr", NULL);
	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		hm__el(p, tr, "th", heads[i]);
	for (i = 0; i < hm_facts_dataset_count(f); i++) {
		const hm_fact_dataset *d = hm_facts_dataset(f, i);
		tr = hm__el(p, t, "tr", NULL);
		td = hm__el(p, tr, "td", d->name ? d->name : "(unnamed)");
		if (d->version)
			hm__txtf(p, td, " (version %s)", d->version);
		hm__el(p, tr, "td", d->purpose ? d->purpose : d->in_run ? "training" : "n/a");
		hm__el(p, tr, "td", d->uri ? d->uri : "n/a");
		hm__el(p, tr, "td", d->license ? d->license : "n/a");
		td = hm__elf(p, hm__el(p, tr, "td", NULL), "code", "sha256:%.16s…", d->sha256);
		hm__attrf(p, td, "title", "sha256:%s", d->sha256);
		td = hm__el(p, tr, "td", NULL);
		if (d->git_commit) {
			hm__attr(p, hm__elf(p, td, "code", "%.12s", d->git_commit), "title",
				 d->git_commit);
			if (!d->git_committed)
				hm__txt(p, td, " (files not committed)");
		} else {
			hm__txt(p, td, "n/a");
		}
		count_cell(p, tr, d->records);
		count_cell(p, tr, d->invalid_records);
		count_cell(p, tr, d->duplicate_records);
		if (d->screened && d->records_scanned >= 0)
			hm__elf(p, tr, "td", "%lld of %lld", d->flagged_records < 0 ? 0 :
				d->flagged_records, d->records_scanned);
		else
			hm__el(p, tr, "td", "not screened");
		td = hm__el(p, tr, "td", NULL);
		if (d->source.line)
			signed_by(p, td, &d->source);
		else
			hm__attr(p, hm__el(p, td, "span", "not attested"), "class", "fail");
	}
}

static void run_section(struct hm__page *p, xmlNodePtr body, const hm_facts *f)
{
	const hm_fact_run *run = hm_facts_run(f);
	const hm_fact_base_model *base = hm_facts_base_model(f);
	xmlNodePtr t, tr;
	char buf[256];
	size_t i;

	hm__el(p, body, "h2", "Fine-tuning run");
	if (!run) {
		hm__el(p, body, "p", "No verified run attestation of this model.");
		return;
	}
	signed_by(p, hm__el(p, body, "p", "Recorded in a SLSA Provenance v1 attestation"),
		  &run->source);
	t = hm__el(p, body, "table", NULL);
	if (base) {
		snprintf(buf, sizeof(buf), "sha256:%s", base->sha256);
		kv_row(p, t, "Base model", base->name, 0);
		kv_row(p, t, "Base model digest", buf, 1);
	}
	kv_row(p, t, "Method", run->method, 0);
	kv_row(p, t, "Training code", run->code_uri, 1);
	kv_row(p, t, "Code commit", run->code_commit, 1);
	if (run->code_commit)
		kv_row(p, t, "Work tree", run->code_dirty ? "dirty (uncommitted changes)" : "clean", 0);
	kv_row(p, t, "Builder", run->builder, 0);
	kv_row(p, t, "Started", run->started, 0);
	kv_row(p, t, "Finished", run->finished, 0);
	if (!run->nhyperparameters)
		return;
	hm__el(p, body, "h3", "Hyperparameters");
	t = hm__el(p, body, "table", NULL);
	tr = hm__el(p, t, "tr", NULL);
	hm__el(p, tr, "th", "Name");
	hm__el(p, tr, "th", "Value");
	for (i = 0; i < run->nhyperparameters; i++) {
		tr = hm__el(p, t, "tr", NULL);
		hm__el(p, tr, "td", run->hyperparameters[i].name);
		hm__el(p, hm__el(p, tr, "td", NULL), "code", run->hyperparameters[i].value);
	}
}

static void num_cell(struct hm__page *p, xmlNodePtr tr, const char *s)
{
	hm__attr(p, hm__el(p, tr, "td", s), "class", "num");
}

static void overall_table(struct hm__page *p, xmlNodePtr parent, hm_audit_kind kind,
			  int labelled, const hm_audit_values *a, const hm_audit_values *b,
			  const hm_audit_delta *d)
{
	xmlNodePtr t = hm__el(p, parent, "table", NULL), tr;
	char x[128];

	tr = hm__el(p, t, "tr", NULL);
	hm__el(p, tr, "th", "Metric");
	hm__el(p, tr, "th", "Base model (before)");
	hm__el(p, tr, "th", "Fine-tuned (after)");
	hm__el(p, tr, "th", "Change");
	if (kind == HM_AUDIT_KIND_JUDGED) {
		tr = hm__el(p, t, "tr", NULL);
		hm__el(p, tr, "td", "Harmfulness score (mean judge score, 1-5)");
		snprintf(x, sizeof(x), "%.6f", b ? b->harmfulness_score : 0);
		num_cell(p, tr, b ? x : "n/a");
		snprintf(x, sizeof(x), "%.6f", a->harmfulness_score);
		num_cell(p, tr, x);
		snprintf(x, sizeof(x), "%+.6f", d ? d->harmfulness_score : 0);
		num_cell(p, tr, d ? x : "n/a");
		tr = hm__el(p, t, "tr", NULL);
		hm__el(p, tr, "td", "Harmfulness rate (share of answers scored 5)");
		num_cell(p, tr, b ? pct_ci(x, sizeof(x), b->harmfulness_rate, b->score_counts[4], b->n)
				  : "n/a");
		num_cell(p, tr, pct_ci(x, sizeof(x), a->harmfulness_rate, a->score_counts[4], a->n));
		num_cell(p, tr, d && b ? rise_ci(x, sizeof(x), d->harmfulness_rate, a->score_counts[4],
						 a->n, b->score_counts[4], b->n) : "n/a");
	} else {
		tr = hm__el(p, t, "tr", NULL);
		hm__el(p, tr, "td", labelled ? "Attack success rate (answers the classifier labelled "
					       "harmful)"
					     : "Attack success rate (answers without a refusal)");
		num_cell(p, tr, b ? pct_ci(x, sizeof(x), b->attack_success_rate, b->jailbroken, b->n)
				  : "n/a");
		num_cell(p, tr, pct_ci(x, sizeof(x), a->attack_success_rate, a->jailbroken, a->n));
		num_cell(p, tr, d && b ? rise_ci(x, sizeof(x), d->attack_success_rate, a->jailbroken,
						 a->n, b->jailbroken, b->n) : "n/a");
	}
	tr = hm__el(p, t, "tr", NULL);
	hm__el(p, tr, "td", "Items");
	snprintf(x, sizeof(x), "%zu", b ? b->n : 0);
	num_cell(p, tr, b ? x : "n/a");
	snprintf(x, sizeof(x), "%zu", a->n);
	num_cell(p, tr, x);
	hm__el(p, tr, "td", "");
}

static void category_table(struct hm__page *p, xmlNodePtr parent, const hm_audit_metrics *m,
			   const hm_audit_metrics *bm, struct hm__bar *bars)
{
	hm_audit_kind kind = hm_audit_metrics_kind(m);
	xmlNodePtr t = hm__el(p, parent, "table", NULL), tr;
	char x[64];
	size_t i;

	tr = hm__el(p, t, "tr", NULL);
	hm__el(p, tr, "th", "Category");
	if (kind == HM_AUDIT_KIND_JUDGED) {
		hm__el(p, tr, "th", "Rate before");
		hm__el(p, tr, "th", "Rate after");
		hm__el(p, tr, "th", "Score before");
		hm__el(p, tr, "th", "Score after");
	} else {
		hm__el(p, tr, "th", "ASR before");
		hm__el(p, tr, "th", "ASR after");
	}
	hm__el(p, tr, "th", "Items");
	for (i = 0; i < hm_audit_metrics_category_count(m); i++) {
		const char *name = hm_audit_metrics_category_name(m, i);
		const char *label = hm_audit_metrics_category_label(m, i);
		const hm_audit_values *v = hm_audit_metrics_category(m, i);
		const hm_audit_values *bv = bm ? hm_audit_metrics_category_find(bm, name) : NULL;
		xmlNodePtr td;
		tr = hm__el(p, t, "tr", NULL);
		td = hm__el(p, tr, "td", name);
		if (label)
			hm__txtf(p, td, " (%s)", label);
		bars[i].label = label ? label : name;
		if (kind == HM_AUDIT_KIND_JUDGED) {
			num_cell(p, tr, bv ? pct(x, sizeof(x), bv->harmfulness_rate) : "n/a");
			num_cell(p, tr, pct(x, sizeof(x), v->harmfulness_rate));
			snprintf(x, sizeof(x), "%.6f", bv ? bv->harmfulness_score : 0);
			num_cell(p, tr, bv ? x : "n/a");
			snprintf(x, sizeof(x), "%.6f", v->harmfulness_score);
			num_cell(p, tr, x);
			bars[i].before = bv ? bv->harmfulness_rate : -1;
			bars[i].after = v->harmfulness_rate;
		} else {
			num_cell(p, tr, bv ? pct(x, sizeof(x), bv->attack_success_rate) : "n/a");
			num_cell(p, tr, pct(x, sizeof(x), v->attack_success_rate));
			bars[i].before = bv ? bv->attack_success_rate : -1;
			bars[i].after = v->attack_success_rate;
		}
		snprintf(x, sizeof(x), "%zu", v->n);
		num_cell(p, tr, x);
	}
}

static void one_audit(struct hm__page *p, xmlNodePtr body, const hm_fact_audit *a)
{
	const hm_audit_report *r = a->report;
	const hm_audit_metrics *m = hm_audit_report_metrics(r);
	const hm_audit_metrics *bm = hm_audit_report_baseline_metrics(r);
	hm_audit_kind kind = hm_audit_metrics_kind(m);
	const hm_audit_values *bo = bm ? hm_audit_metrics_overall(bm) : NULL;
	struct hm__bar *bars, overall;
	xmlNodePtr para;
	size_t n = hm_audit_metrics_category_count(m);

	hm__el(p, body, "h3", hm_audit_report_benchmark(r));
	para = hm__el(p, body, "p", NULL);
	hm__attr(p, para, "class", "meta");
	hm__txtf(p, para, "Judge: %s. Date: %s. Results format: %s",
		 hm_audit_report_judge(r) ? hm_audit_report_judge(r) : "none recorded",
		 hm_audit_report_time(r), hm_audit_format_name(hm_audit_report_format(r)));
	signed_by(p, para, &a->source);
	hm__txt(p, para, ".");
	if (kind == HM_AUDIT_KIND_REPORTED) {
		hm__el(p, body, "p", "This audit records another tool's reported numbers; hallmark "
		       "did not compute them, and they are not shown as metrics.");
		return;
	}
	if (bm) {
		para = hm__el(p, body, "p", "Before: the base model ");
		hm__elf(p, para, "code", "sha256:%s", hm_audit_report_baseline_digest(r));
		hm__txt(p, para, a->baseline_is_base ? ", the one the run records, audited alike."
						     : ", which is NOT the base model the run "
						       "records.");
	} else {
		hm__el(p, body, "p", "This audit has no baseline: the base model was not audited "
		       "alike, so there is no before.");
	}
	overall_table(p, body, kind, hm_audit_report_format(r) == HM_AUDIT_FORMAT_LABELLED,
		      hm_audit_metrics_overall(m), bo, hm_audit_report_delta(r));
	bars = calloc(n ? n : 1, sizeof(*bars));
	if (!bars) {
		p->oom = 1;
		return;
	}
	if (n) {
		hm__el(p, body, "h3", kind == HM_AUDIT_KIND_JUDGED
					      ? "Harmfulness rate per category"
					      : "Attack success rate per category");
		category_table(p, body, m, bm, bars);
		hm__svg_bars(p, body, kind == HM_AUDIT_KIND_JUDGED
					      ? "Harmfulness rate per category, before and after "
						"fine-tuning"
					      : "Attack success rate per category, before and after "
						"fine-tuning",
			     "%", bars, n);
	} else {
		overall.label = "all items";
		overall.before = bo ? (kind == HM_AUDIT_KIND_JUDGED ? bo->harmfulness_rate
								   : bo->attack_success_rate)
				    : -1;
		overall.after = kind == HM_AUDIT_KIND_JUDGED
					? hm_audit_metrics_overall(m)->harmfulness_rate
					: hm_audit_metrics_overall(m)->attack_success_rate;
		hm__svg_bars(p, body, "Before and after fine-tuning", "%", &overall, 1);
	}
	free(bars);
}

static void audits(struct hm__page *p, xmlNodePtr body, const hm_facts *f)
{
	size_t i;

	hm__el(p, body, "h2", "Safety evaluation");
	if (!hm_facts_audit_count(f))
		hm__el(p, body, "p", "No verified safety audit of this model.");
	for (i = 0; i < hm_facts_audit_count(f); i++)
		one_audit(p, body, hm_facts_audit(f, i));
}

static void omissions(struct hm__page *p, xmlNodePtr body, const hm_facts *f)
{
	xmlNodePtr ul, li, note;
	size_t i;

	hm__el(p, body, "h2", "Omitted lines");
	if (!hm_facts_omission_count(f)) {
		hm__el(p, body, "p", "None: every line of the bundle verified and is used above.");
		return;
	}
	note = hm__el(p, body, "p", "These bundle lines are not used; nothing in this report comes "
		      "from them.");
	hm__attr(p, note, "class", "note");
	ul = hm__el(p, body, "ul", NULL);
	for (i = 0; i < hm_facts_omission_count(f); i++) {
		const hm_fact_omission *om = hm_facts_omission(f, i);
		li = hm__elf(p, ul, "li", "line %zu", om->line);
		if (om->predicate_type) {
			hm__txt(p, li, " (");
			hm__el(p, li, "code", om->predicate_type);
			hm__txt(p, li, ")");
		}
		hm__txtf(p, li, ": %s", om->reason);
	}
}

static void keys(struct hm__page *p, xmlNodePtr body, const hm_facts *f)
{
	xmlNodePtr ul, li;
	size_t i;
	int aud;

	hm__el(p, body, "h2", "Signing keys");
	hm__el(p, body, "p", "The trusted keys whose signatures verified (key id = SHA-256 of the "
	       "public key's DER SubjectPublicKeyInfo):");
	ul = hm__el(p, body, "ul", NULL);
	for (i = 0; i < hm_facts_signer_count(f); i++) {
		const char *id = hm_facts_signer(f, i, &aud);
		li = hm__el(p, ul, "li", NULL);
		hm__el(p, li, "code", id);
		if (aud)
			hm__txt(p, li, " (signed safety audits)");
	}
}

static void build(struct hm__page *p, xmlNodePtr html, const hm_facts *f,
		  const hm_verify_report *v, const hm_export_options *o, const char *when)
{
	const hm_fact_model *m = hm_facts_model(f);
	const char *name = m && m->name ? m->name : m ? m->sha256 : "(no model)";
	xmlNodePtr head = hm__el(p, html, "head", NULL), body, meta, para;

	meta = hm__el(p, head, "meta", NULL);
	hm__attr(p, meta, "charset", "utf-8");
	hm__elf(p, head, "title", "hallmark report: %s", name);
	hm__el(p, head, "style", css);
	body = hm__el(p, html, "body", NULL);
	hm__elf(p, body, "h1", "Provenance and safety report: %s", name);
	para = hm__el(p, body, "p", NULL);
	hm__attr(p, para, "class", "meta");
	hm__txtf(p, para, "Generated %s by hallmark %s from the bundle %s. %zu of %zu lines verified "
		 "against the trusted keys; only those are used.", when, hm_version(),
		 o->bundle ? o->bundle : "(unnamed)", hm_facts_verified_count(f),
		 hm_facts_line_count(f));
	verification(p, body, v);
	chain(p, body, f);
	datasets(p, body, f);
	run_section(p, body, f);
	audits(p, body, f);
	omissions(p, body, f);
	keys(p, body, f);
}

int hm_report_html(char **out, size_t *len, const hm_facts *f,
		   const hm_verify_report *verification_report, const hm_export_options *opts)
{
	hm_export_options defaults = HM_EXPORT_OPTIONS_INIT;
	struct hm__page p;
	xmlNodePtr html;
	xmlNsPtr ns;
	xmlBufferPtr buf = NULL;
	xmlSaveCtxtPtr save;
	char when[32];
	int rc = 0;

	if (!out)
		return hm__err(HM_EINVAL, "hm_report_html: out is NULL");
	*out = NULL;
	if (len)
		*len = 0;
	if (!opts)
		opts = &defaults;
	HM__CHECK_VERSION(opts, HM_EXPORT_OPTIONS_VERSION, "hm_export_options");
	if (!f)
		return hm__err(HM_EINVAL, "hm_report_html: f is NULL");
	if (opts->timestamp) {
		if (!hm_rfc3339_valid(opts->timestamp))
			return hm__err(HM_EINVAL, "\"%s\" is not an RFC 3339 time", opts->timestamp);
		snprintf(when, sizeof(when), "%s", opts->timestamp);
	} else if ((rc = hm__rfc3339_now(when)) < 0) {
		return rc;
	}
	memset(&p, 0, sizeof(p));
	p.doc = xmlNewDoc((const xmlChar *)"1.0");
	if (!p.doc)
		return hm__err_oom();
	if (!xmlCreateIntSubset(p.doc, (const xmlChar *)"html", NULL, NULL))
		p.oom = 1;
	html = xmlNewDocNode(p.doc, NULL, (const xmlChar *)"html", NULL);
	ns = html ? xmlNewNs(html, (const xmlChar *)HM_XHTML_NS, NULL) : NULL;
	if (!html || !ns) {
		xmlFreeNode(html);
		xmlFreeDoc(p.doc);
		return hm__err_oom();
	}
	xmlSetNs(html, ns);
	xmlDocSetRootElement(p.doc, html);
	hm__attr(&p, html, "lang", "en");
	build(&p, html, f, verification_report, opts, when);
	if (p.oom) {
		rc = hm__err_oom();
		goto out;
	}
	buf = xmlBufferCreate();
	save = buf ? xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL |
							   XML_SAVE_XHTML)
		   : NULL;
	if (save) {
		int bad = xmlSaveDoc(save, p.doc) < 0;
		if (xmlSaveClose(save) < 0 || bad)
			save = NULL;
	}
	if (!save) {
		rc = hm__err(HM_ERROR, "serializing the report failed");
		goto out;
	}
	*out = malloc((size_t)xmlBufferLength(buf) + 1);
	if (!*out) {
		rc = hm__err_oom();
		goto out;
	}
	memcpy(*out, xmlBufferContent(buf), (size_t)xmlBufferLength(buf));
	(*out)[xmlBufferLength(buf)] = '\0';
	if (len)
		*len = (size_t)xmlBufferLength(buf);
out:
	xmlBufferFree(buf);
	xmlFreeDoc(p.doc);
	return rc;
}
