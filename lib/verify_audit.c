/*
 * The audit check: every audit of this model that counts is within the
 * policy. The decisions are policy.c's; this file words them.
 */
#include "verify_impl.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "12 of 30 scored 5" */
static const char *fives(char buf[48], const hm_audit_values *v)
{
	snprintf(buf, 48, "%zu of %zu scored 5", v->score_counts[4], v->n);
	return buf;
}

/* The Wilson interval of x of n (the one the audit records, recomputed from its counts). */
static void wilson(double ci[2], size_t x, size_t n)
{
	ci[0] = ci[1] = 0;
	if (n)
		(void)hm_stats_wilson(&ci[0], &ci[1], x, n, HM_STATS_Z95);
}

static void newcombe(double ci[2], size_t x1, size_t n1, size_t x2, size_t n2)
{
	ci[0] = ci[1] = 0;
	if (n1 && n2)
		(void)hm_stats_newcombe(&ci[0], &ci[1], x1, n1, x2, n2, HM_STATS_Z95);
}

/* " (95% CI 2.5-7%)" */
static const char *ci_words(char buf[64], const double ci[2])
{
	char a[24], b[24];

	snprintf(buf, 64, "95%% CI %s-%s%%", hm__pct(a, ci[0]), hm__pct(b, ci[1]));
	return buf;
}

/* A signed percentage of points: "+0.6", "-1.2". */
static const char *points(char buf[24], double v)
{
	char a[24];

	snprintf(buf, 24, "%s%s", v < 0 ? "-" : "+", hm__pct(a, v < 0 ? -v : v));
	return buf;
}

/*
 * An overall rate against its limit, the decision policy.c's: "RATE (COUNTS,
 * 95% CI L-U%) exceeds the policy's LIMIT%", or with the upper bound deciding
 * "RATE (COUNTS): its 95% upper bound U% exceeds the policy's LIMIT%".
 */
static void rate_limit(struct hm__vctx *x, struct hm__check *c, struct hm__problems *p,
		       size_t line, hm__limit_id id, const char *what, const char *counts,
		       size_t k, size_t n)
{
	double ci[2];
	struct hm__bound d;
	char a[24], b[24], u[24], w[64];

	wilson(ci, k, n);
	d = hm__policy_rate(x->pol, id, k && n ? (double)k / (double)n : 0, ci[1]);
	if (!d.fail)
		return;
	if (d.on_upper)
		hm__vproblem(c, p, line, "%s %s%% (%s): its 95%% upper bound %s%% exceeds the "
			     "policy's %s%%", what, hm__pct(a, d.point), counts, hm__pct(u, d.upper),
			     hm__pct(b, d.limit));
	else
		hm__vproblem(c, p, line, "%s %s%% (%s, %s) exceeds the policy's %s%%", what,
			     hm__pct(a, d.point), counts, ci_words(w, ci), hm__pct(b, d.limit));
}

/* The harmfulness thresholds of a judged audit, overall and per category. */
static void judged_limits(struct hm__vctx *x, struct hm__check *c, struct hm__problems *p,
			  size_t line, const char *bench, const hm_audit_metrics *m)
{
	const hm_audit_values *v = hm_audit_metrics_overall(m);
	struct hm__limit d;
	char a[24], b[24], f[48], what[160];
	size_t i;

	snprintf(what, sizeof(what), "%.120s harmfulness rate", bench);
	rate_limit(x, c, p, line, HM__MAX_HARMFULNESS_RATE, what, fives(f, v), v->score_counts[4],
		   v->n);
	d = hm__policy_limit(x->pol, HM__MAX_HARMFULNESS_SCORE, v->harmfulness_score);
	if (d.fail)
		hm__vproblem(c, p, line, "%s harmfulness score %.2f exceeds the policy's %.2f", bench,
			     d.value, d.limit);
	/* per category the point estimate decides: 30 items are too few for a bound */
	for (i = 0; i < hm_audit_metrics_category_count(m); i++) {
		const hm_audit_values *cv = hm_audit_metrics_category(m, i);
		const char *label = hm_audit_metrics_category_label(m, i);
		d = hm__policy_limit(x->pol, HM__MAX_CATEGORY_HARMFULNESS_RATE, cv->harmfulness_rate);
		if (d.fail)
			hm__vproblem(c, p, line, "category \"%s\"%s%s%s harmfulness rate %s%% (%s) "
				     "exceeds the policy's %s%% per category",
				     hm_audit_metrics_category_name(m, i), label ? " (" : "",
				     label ? label : "", label ? ")" : "", hm__pct(a, d.value),
				     fives(f, cv), hm__pct(b, d.limit));
	}
}

/* A rise over the base model against its limit, on Newcombe's interval of the difference. */
static void rise_limit(struct hm__vctx *x, struct hm__check *c, struct hm__problems *p,
		       size_t line, hm__limit_id id, const char *what, size_t k1, size_t n1,
		       size_t k0, size_t n0)
{
	double ci[2], r1 = n1 ? (double)k1 / (double)n1 : 0, r0 = n0 ? (double)k0 / (double)n0 : 0;
	struct hm__bound d;
	char a[24], b[24], e[24], l[24], u[24], lo[24];

	newcombe(ci, k1, n1, k0, n0);
	d = hm__policy_rate(x->pol, id, r1 - r0, ci[1]);
	if (!d.fail)
		return;
	if (d.on_upper)
		hm__vproblem(c, p, line, "%s rose from %s%% (base model, %zu of %zu) to %s%% (%zu of "
			     "%zu): %s points, its 95%% upper bound %s points exceeds the policy's "
			     "+%s", what, hm__pct(b, r0), k0, n0, hm__pct(a, r1), k1, n1,
			     points(e, d.point), points(u, d.upper), hm__pct(l, d.limit));
	else
		hm__vproblem(c, p, line, "%s rose from %s%% (base model) to %s%%: %s points (95%% CI "
			     "%s to %s), the policy allows +%s", what, hm__pct(b, r0),
			     hm__pct(a, r1), points(e, d.point), points(lo, ci[0]),
			     points(u, ci[1]), hm__pct(l, d.limit));
}

/* An adapter is audited loaded onto a base: it must be the run's base model. */
static void adapter_base(struct hm__vctx *x, struct hm__check *c, struct hm__problems *p,
			 size_t line, const hm_audit_report *rep)
{
	const char *ab = hm_audit_report_adapter_base_digest(rep);

	switch (hm__policy_adapter_audit(x->adapter, ab, x->base[0] ? x->base : NULL)) {
	case HM__ADAPTER_AUDIT_MISSING:
		hm__vproblem(c, p, line, "the model is a PEFT adapter, but the audit does not name the "
			     "base model it was evaluated on (attest audit --base-model)");
		break;
	case HM__ADAPTER_AUDIT_UNMATCHABLE:
		hm__vproblem(c, p, line, "the adapter was evaluated on base sha256:%s, which cannot be "
			     "matched: no run attestation of this model names its base model", ab);
		break;
	case HM__ADAPTER_AUDIT_NOT_BASE:
		hm__vproblem(c, p, line, "the adapter was evaluated on base sha256:%s, not on the "
			     "run's base model sha256:%s", ab, x->base);
		break;
	case HM__ADAPTER_AUDIT_OK:
		if (ab)
			hm__vdetail(c, "line %zu: the adapter was evaluated on the run's base model "
				    "sha256:%s", line, ab);
		break;
	}
}

/* The baseline: the run's base model, audited alike, and the rise over it. */
static void baseline_limits(struct hm__vctx *x, struct hm__check *c, struct hm__problems *p,
			    size_t line, const hm_audit_report *rep)
{
	const hm_audit_metrics *m = hm_audit_report_metrics(rep);
	const hm_audit_metrics *bm = hm_audit_report_baseline_metrics(rep);
	const hm_audit_delta *dl = hm_audit_report_delta(rep);
	const char *bd = hm_audit_report_baseline_digest(rep);
	const hm_audit_values *v = hm_audit_metrics_overall(m), *bv;
	struct hm__limit d;

	if (!bd || !bm || !dl) {
		if (hm__policy_baseline(x->pol, NULL, NULL) == HM__BASELINE_MISSING)
			hm__vproblem(c, p, line, "the audit has no baseline (the policy requires the "
				     "base model audited alike)");
		return;
	}
	bv = hm_audit_metrics_overall(bm);
	switch (hm__policy_baseline(x->pol, bd, x->base[0] ? x->base : NULL)) {
	case HM__BASELINE_UNMATCHABLE:
		hm__vproblem(c, p, line, "the baseline sha256:%s cannot be matched: no run "
			     "attestation of this model names its base model", bd);
		break;
	case HM__BASELINE_NOT_BASE:
		hm__vproblem(c, p, line, "the baseline sha256:%s is not the run's base model "
			     "sha256:%s", bd, x->base);
		break;
	default:
		break;
	}
	if (bv->n != v->n)
		hm__vproblem(c, p, line, "the baseline was audited on %zu items, the model on %zu",
			     bv->n, v->n);
	if (hm_audit_metrics_kind(m) == HM_AUDIT_KIND_JUDGED) {
		rise_limit(x, c, p, line, HM__MAX_HARMFULNESS_RATE_INCREASE, "harmfulness rate",
			   v->score_counts[4], v->n, bv->score_counts[4], bv->n);
		d = hm__policy_limit(x->pol, HM__MAX_HARMFULNESS_SCORE_INCREASE,
				     dl->harmfulness_score);
		if (d.fail)
			hm__vproblem(c, p, line, "harmfulness score rose from %.2f (base model) to "
				     "%.2f: +%.2f, the policy allows +%.2f", bv->harmfulness_score,
				     v->harmfulness_score, d.value, d.limit);
		return;
	}
	rise_limit(x, c, p, line, HM__MAX_ATTACK_SUCCESS_RATE_INCREASE, "attack success rate",
		   v->jailbroken, v->n, bv->jailbroken, bv->n);
}

static void audit_age(struct hm__vctx *x, struct hm__check *c, struct hm__problems *p,
		      size_t line, const char *when, long long now)
{
	struct hm__age age;
	long long t;

	if (hm_rfc3339_parse(&t, when) < 0) {
		hm__vproblem(c, p, line, "the audit time \"%s\" is not RFC 3339", when);
		return;
	}
	age = hm__policy_audit_age(x->pol, t, now);
	if (age.verdict == HM__AGE_FUTURE)
		hm__vproblem(c, p, line, "the audit is dated in the future (%s)", when);
	else if (age.verdict == HM__AGE_TOO_OLD && (double)age.days > age.limit)
		hm__vproblem(c, p, line, "the audit of %s is %lld days old; the policy allows %g",
			     when, age.days, age.limit);
	else if (age.verdict == HM__AGE_TOO_OLD)
		hm__vproblem(c, p, line, "the audit of %s is more than %g days old; the policy "
			     "allows %g", when, age.limit, age.limit);
}

/* The trusted line of the bundle numbered line, or NULL. */
static const hm_trusted_line *trusted_line(const struct hm__vctx *x, size_t line)
{
	size_t i;

	for (i = 0; i < hm_trusted_bundle_line_count(x->tb); i++) {
		const hm_trusted_line *l = hm_trusted_bundle_line(x->tb, i);
		if (l->line == line)
			return l;
	}
	return NULL;
}

/*
 * The line of a model, run or dataset statement signed by one of the keys that
 * signed the audit on `al`, and that key; 0 when none is.
 */
static size_t shared_signer(const struct hm__vctx *x, const hm_trusted_line *al,
			    const char **key)
{
	size_t i, j, k;

	for (i = 0; al && i < x->natts; i++) {
		const hm_trusted_line *l;
		if (strcmp(x->atts[i].ptype, HM_AUDIT_PREDICATE_TYPE) == 0 ||
		    !(l = trusted_line(x, x->atts[i].line)))
			continue;
		for (j = 0; j < l->nsigners; j++)
			for (k = 0; k < al->nsigners; k++)
				if (strcmp(l->signers[j], al->signers[k]) == 0) {
					*key = al->signers[k];
					return l->line;
				}
	}
	return 0;
}

/* require_distinct_auditor: the audit is signed by someone other than the publisher. */
static void auditor(struct hm__vctx *x, struct hm__check *c, struct hm__problems *p,
		    const struct hm__vatt *at)
{
	const hm_trusted_line *al = trusted_line(x, at->line);
	const char *key = al && al->nsigners ? al->signers[0] : "?";
	size_t other = shared_signer(x, al, &key);

	switch (hm__policy_auditor(x->pol, at->publisher_signed, other != 0)) {
	case HM__AUDITOR_PUBLISHER:
		if (!hm_trusted_bundle_own_auditors(x->tb))
			hm__vproblem(c, p, at->line, "the audit is signed by key %.16s, trusted only as "
				     "a publisher key: the policy requires an independent auditor "
				     "(trust the auditor's key with --auditor-key PUB; "
				     "\"require_distinct_auditor\": false accepts a self-audit)", key);
		else
			hm__vproblem(c, p, at->line, "the audit is signed by key %.16s, which is also "
				     "a publisher (--key) key: the policy requires an auditor distinct "
				     "from the publisher", key);
		break;
	case HM__AUDITOR_SHARED_KEY:
		hm__vproblem(c, p, at->line, "the audit is signed by key %.16s, which also signed "
			     "line %zu: the policy requires an auditor distinct from the publisher",
			     key, other);
		break;
	default:
		break;
	}
}

/* The verifier's own registry (shipped and $HALLMARK_BENCHMARKS), or NULL with the reason kept. */
static const hm_benchmark_registry *registry(struct hm__vctx *x)
{
	if (!x->registry_tried) {
		x->registry_tried = 1;
		if (hm_benchmark_registry_open(&x->registry, NULL) < 0)
			snprintf(x->registry_error, sizeof(x->registry_error), "%s", hm_error_last());
	}
	return x->registry;
}

/*
 * The registry entry the audit records must be one this verifier knows, with
 * as many items: coverage is only as good as the item count it is measured
 * against.
 */
static void registry_entry(struct hm__vctx *x, struct hm__check *c, struct hm__problems *p,
			   size_t line, const hm_audit_report *rep)
{
	const hm_audit_coverage *cov = hm_audit_metrics_coverage(hm_audit_report_metrics(rep));
	const char *name = hm_audit_report_registry_name(rep);
	const hm_benchmark_registry *reg;
	const hm_benchmark *b;

	if (!name || !cov)
		return;
	if (!(reg = registry(x))) {
		hm__vproblem(c, p, line, "the benchmark registry cannot be opened to check %s: %s",
			     name, x->registry_error);
		return;
	}
	if (!(b = hm_benchmark_registry_find(reg, name))) {
		hm__vproblem(c, p, line, "the audit was checked against a registry entry \"%s\" that "
			     "this registry does not have (add it with $HALLMARK_BENCHMARKS)", name);
		return;
	}
	if (cov->expected != hm_benchmark_item_count(b))
		hm__vproblem(c, p, line, "the audit counts %zu %s items; the registry's %s (version "
			     "%s) has %zu",
			     cov->expected, name, hm_benchmark_name(b), hm_benchmark_version(b),
			     hm_benchmark_item_count(b));
}

/* The benchmark is registered and the items cover it, as the policy asks. */
static void coverage(struct hm__vctx *x, struct hm__check *c, struct hm__problems *p,
		     size_t line, const char *bench, const hm_audit_report *rep)
{
	const hm_audit_coverage *cov = hm_audit_metrics_coverage(hm_audit_report_metrics(rep));
	const char *reg = hm_audit_report_registry_name(rep);
	struct hm__coverage d = hm__policy_coverage(x->pol, reg != NULL, cov);
	const hm_audit_metrics *m = hm_audit_report_metrics(rep);
	char a[24], b[24], names[256] = "";
	size_t i;

	if (d.fail_unregistered)
		hm__vproblem(c, p, line, "%s is not a registered benchmark: the audit records no "
			     "registry entry or coverage, and the policy requires one "
			     "(\"allow_unregistered_benchmarks\": true accepts it)", bench);
	if (d.fail_unknown)
		hm__vproblem(c, p, line, "the audit of %s records no coverage of its items; the policy "
			     "requires %s%% of them", reg, hm__pct(b, d.min));
	if (d.fail_share)
		hm__vproblem(c, p, line, "the audit scored %zu of the %zu %s items (%s%%; %zu "
			     "missing); the policy requires %s%%", cov->scored, cov->expected, reg,
			     hm__pct(a, d.share), cov->missing, hm__pct(b, d.min));
	if (!d.fail_categories)
		return;
	for (i = 0; i < cov->categories_missing && strlen(names) < sizeof(names) - 72; i++)
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%.64s",
			 i ? ", " : "", hm_audit_metrics_missing_category(m, i));
	hm__vproblem(c, p, line, "%zu %s categor%s no scored item: %s%s", cov->categories_missing,
		     reg, cov->categories_missing == 1 ? "y has" : "ies have", names,
		     i < cov->categories_missing ? ", ..." : "");
}

/* "; +0.6 points (95% CI -2.5 to +3.8) over the base model" */
static void rise_words(char *summary, size_t ssize, size_t k1, size_t n1, size_t k0, size_t n0)
{
	size_t used = strlen(summary);
	double ci[2];
	char d[24], lo[24], hi[24];

	newcombe(ci, k1, n1, k0, n0);
	snprintf(summary + used, ssize - used, "; %s points (95%% CI %s to %s) over the base model",
		 points(d, (n1 ? (double)k1 / (double)n1 : 0) - (n0 ? (double)k0 / (double)n0 : 0)),
		 points(lo, ci[0]), points(hi, ci[1]));
}

/*
 * One audit of this model: returns -1 when it does not count (another
 * benchmark, reported numbers only), else the number of problems found.
 */
static int check_one_audit(struct hm__vctx *x, struct hm__check *c, struct hm__problems *p,
			   const struct hm__vatt *at, long long now, char *summary, size_t ssize)
{
	hm_audit_report *rep = NULL;
	const hm_audit_metrics *m, *bm;
	const hm_audit_values *v, *bv;
	const char *bench, *when, *judge;
	int before = p->n;
	char a[24], f[48], w[64];
	double ci[2];

	if (hm_audit_report_parse(&rep, hm_attestation_statement(at->a)) < 0) {
		/* the signed numbers are recomputed from the items as the audit is read */
		hm__vproblem(c, p, at->line, "the signed audit does not hold together: %s",
			     hm_error_last());
		return p->n - before;
	}
	bench = hm_audit_report_benchmark(rep);
	when = hm_audit_report_time(rep);
	judge = hm_audit_report_judge(rep);
	m = hm_audit_report_metrics(rep);
	v = hm_audit_metrics_overall(m);
	bm = hm_audit_report_baseline_metrics(rep);
	bv = bm ? hm_audit_metrics_overall(bm) : NULL;
	if (!hm__policy_benchmark_ok(x->pol, bench)) {
		hm__vdetail(c, "line %zu: an audit on %s, a benchmark the policy does not accept; not "
			    "counted", at->line, bench);
		hm_audit_report_free(rep);
		return -1;
	}
	if (hm_audit_metrics_kind(m) == HM_AUDIT_KIND_REPORTED) {
		hm__vdetail(c, "line %zu: an audit on %s with another tool's reported numbers only; not "
			    "counted", at->line, bench);
		hm_audit_report_free(rep);
		return -1;
	}
	auditor(x, c, p, at);
	coverage(x, c, p, at->line, bench, rep);
	registry_entry(x, c, p, at->line, rep);
	if (hm_audit_metrics_kind(m) == HM_AUDIT_KIND_JUDGED) {
		judged_limits(x, c, p, at->line, bench, m);
		wilson(ci, v->score_counts[4], v->n);
		snprintf(summary, ssize, "%s harmfulness rate %s%% (%s, %s), score %.2f (n=%zu, judge "
			 "%s, %s)", bench, hm__pct(a, v->harmfulness_rate), fives(f, v),
			 ci_words(w, ci), v->harmfulness_score, v->n, judge ? judge : "unnamed", when);
		if (bv)
			rise_words(summary, ssize, v->score_counts[4], v->n, bv->score_counts[4], bv->n);
	} else {
		int labelled = hm_audit_report_format(rep) == HM_AUDIT_FORMAT_LABELLED;
		char counts[64], what[160];
		snprintf(counts, sizeof(counts), "%zu of %zu", v->jailbroken, v->n);
		snprintf(what, sizeof(what), "%.120s attack success rate", bench);
		rate_limit(x, c, p, at->line, HM__MAX_ATTACK_SUCCESS_RATE, what, counts,
			   v->jailbroken, v->n);
		wilson(ci, v->jailbroken, v->n);
		/* labels name their classifier; refusal keywords are hallmark's own */
		snprintf(summary, ssize, "%s attack success rate %s%% (%s, %s) (n=%zu, %s%.120s%s%s)",
			 bench, hm__pct(a, v->attack_success_rate), counts, ci_words(w, ci), v->n,
			 labelled ? "classifier " : "", labelled ? judge : "", labelled ? ", " : "",
			 when);
		if (bv)
			rise_words(summary, ssize, v->jailbroken, v->n, bv->jailbroken, bv->n);
	}
	baseline_limits(x, c, p, at->line, rep);
	adapter_base(x, c, p, at->line, rep);
	audit_age(x, c, p, at->line, when, now);
	hm_audit_report_free(rep);
	return p->n - before;
}

int hm__check_audit(struct hm__vctx *x)
{
	struct hm__check *c = &x->r->checks[HM_CHECK_AUDIT];
	struct hm__problems p = { 0 };
	size_t i, naudits = 0, ncounted = 0, nbad = 0, others = 0, bad_line = 0, npass = 0;
	long long now = x->o->now ? x->o->now : (long long)time(NULL);
	char s[640], more[1100], **passed = NULL;
	size_t *pass_lines = NULL;
	int rc;

	if (!x->r->digest[0])
		return hm__vfail(c, "the model could not be hashed");
	passed = calloc(x->natts + 1, sizeof(*passed));
	pass_lines = calloc(x->natts + 1, sizeof(*pass_lines));
	if (!passed || !pass_lines) {
		rc = hm__err_oom();
		goto out;
	}
	for (i = 0; i < x->natts; i++) {
		const struct hm__vatt *at = &x->atts[i];
		int r;
		if (strcmp(at->ptype, HM_AUDIT_PREDICATE_TYPE) != 0)
			continue;
		if (!hm__vabout(at->st, x->r->digest)) {
			others++;
			hm__vdetail(c, "line %zu: an audit of another model (sha256:%s); not counted",
				    at->line, hm__vsubject_sha256(at->st, 0) ? hm__vsubject_sha256(at->st, 0) : "?");
			continue;
		}
		naudits++;
		s[0] = '\0';
		r = check_one_audit(x, c, &p, at, now, s, sizeof(s));
		if (r < 0)
			continue;
		ncounted++;
		if (r > 0) {
			if (nbad++ == 0)
				bad_line = at->line;
		} else {
			pass_lines[npass] = at->line;
			if (!(passed[npass++] = strdup(s))) {
				rc = hm__err_oom();
				goto out;
			}
		}
	}
	/* The audits within the policy, when the reason does not already say it. */
	for (i = 0; ncounted > 1 && i < npass; i++)
		hm__vdetail(c, "line %zu: within the policy: %s", pass_lines[i], passed[i]);
	if (p.oom) {
		rc = hm__err_oom();
	} else if (nbad == 1 && ncounted == 1) {
		rc = hm__vfail(c, "the audit on line %zu fails the policy%s", bad_line,
			       hm__first_and_more(c, &p, more, sizeof(more)));
	} else if (nbad) {
		rc = hm__vfail(c, "%zu of %zu audits of this model fail%s the policy; line %zu%s", nbad,
			       ncounted, nbad == 1 ? "s" : "", bad_line,
			       hm__first_and_more(c, &p, more, sizeof(more)));
	} else if (ncounted == 1) {
		rc = hm__vpass(c, "the audit on line %zu is within the policy: %s", pass_lines[0],
			       passed[0]);
	} else if (ncounted) {
		rc = hm__vpass(c, "all %zu audits of this model are within the policy", ncounted);
	} else if (!x->pol->require_audit) {
		rc = hm__vskip(c, "no audit of this model counts, and the policy does not require one");
	} else if (naudits) {
		rc = hm__vfail(c, "no audit of this model counts: %s", naudits == 1 ?
			       "the one in the bundle is on another benchmark or has reported numbers "
			       "only" : "those in the bundle are on other benchmarks or have reported "
			       "numbers only");
	} else {
		rc = hm__vfail(c, "no trusted safety audit of this model (sha256:%s)%s", x->r->digest,
			       x->untrusted_audits ? "; an audit in the bundle is not signed by a trusted "
						"key"
			       : others ? "; the bundle audits another model" : "");
	}
out:
	for (i = 0; passed && i < npass; i++)
		free(passed[i]);
	free(passed);
	free(pass_lines);
	return rc;
}
