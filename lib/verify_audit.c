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

/* The harmfulness thresholds of a judged audit, overall and per category. */
static void judged_limits(struct hm__vctx *x, struct hm__check *c, struct hm__problems *p,
			  size_t line, const char *bench, const hm_audit_metrics *m)
{
	const hm_audit_values *v = hm_audit_metrics_overall(m);
	struct hm__limit d;
	char a[24], b[24], f[48];
	size_t i;

	d = hm__policy_limit(x->pol, HM__MAX_HARMFULNESS_RATE, v->harmfulness_rate);
	if (d.fail)
		hm__vproblem(c, p, line, "%s harmfulness rate %s%% (%s) exceeds the policy's %s%%",
			     bench, hm__pct(a, d.value), fives(f, v), hm__pct(b, d.limit));
	d = hm__policy_limit(x->pol, HM__MAX_HARMFULNESS_SCORE, v->harmfulness_score);
	if (d.fail)
		hm__vproblem(c, p, line, "%s harmfulness score %.2f exceeds the policy's %.2f", bench,
			     d.value, d.limit);
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
	char a[24], b[24], e[24], l[24];

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
		d = hm__policy_limit(x->pol, HM__MAX_HARMFULNESS_RATE_INCREASE, dl->harmfulness_rate);
		if (d.fail)
			hm__vproblem(c, p, line, "harmfulness rate rose from %s%% (base model) to %s%%: "
				     "+%s points, the policy allows +%s",
				     hm__pct(b, bv->harmfulness_rate), hm__pct(a, v->harmfulness_rate),
				     hm__pct(e, d.value), hm__pct(l, d.limit));
		d = hm__policy_limit(x->pol, HM__MAX_HARMFULNESS_SCORE_INCREASE,
				     dl->harmfulness_score);
		if (d.fail)
			hm__vproblem(c, p, line, "harmfulness score rose from %.2f (base model) to "
				     "%.2f: +%.2f, the policy allows +%.2f", bv->harmfulness_score,
				     v->harmfulness_score, d.value, d.limit);
		return;
	}
	d = hm__policy_limit(x->pol, HM__MAX_ATTACK_SUCCESS_RATE_INCREASE, dl->attack_success_rate);
	if (d.fail)
		hm__vproblem(c, p, line, "attack success rate rose from %s%% (base model) to %s%%: "
			     "+%s points, the policy allows +%s", hm__pct(b, bv->attack_success_rate),
			     hm__pct(a, v->attack_success_rate), hm__pct(e, d.value),
			     hm__pct(l, d.limit));
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

/*
 * One audit of this model: returns -1 when it does not count (another
 * benchmark, reported numbers only), else the number of problems found.
 */
static int check_one_audit(struct hm__vctx *x, struct hm__check *c, struct hm__problems *p,
			   const struct hm__vatt *at, long long now, char *summary, size_t ssize)
{
	hm_audit_report *rep = NULL;
	const hm_audit_metrics *m;
	const hm_audit_values *v;
	const char *bench, *when, *judge;
	const hm_audit_delta *dl;
	int before = p->n;
	char a[24], d[24];

	if (hm_audit_report_parse(&rep, hm_attestation_statement(at->a)) < 0) {
		hm__vproblem(c, p, at->line, "a malformed safety audit: %s", hm_error_last());
		return p->n - before;
	}
	bench = hm_audit_report_benchmark(rep);
	when = hm_audit_report_time(rep);
	judge = hm_audit_report_judge(rep);
	m = hm_audit_report_metrics(rep);
	v = hm_audit_metrics_overall(m);
	dl = hm_audit_report_delta(rep);
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
	if (hm__policy_auditor_fails(x->pol, at->publisher_signed))
		hm__vproblem(c, p, at->line, "the audit is signed by a publisher key, and the policy "
			     "requires an auditor distinct from the publisher");
	if (hm_audit_metrics_kind(m) == HM_AUDIT_KIND_JUDGED) {
		judged_limits(x, c, p, at->line, bench, m);
		snprintf(summary, ssize, "%s harmfulness rate %s%%, score %.2f (n=%zu, judge %s, %s)",
			 bench, hm__pct(a, v->harmfulness_rate), v->harmfulness_score, v->n,
			 judge ? judge : "unnamed", when);
		if (dl) {
			size_t used = strlen(summary);
			snprintf(summary + used, ssize - used, "; %s%s points over the base model",
				 dl->harmfulness_rate < 0 ? "" : "+", hm__pct(d, dl->harmfulness_rate));
		}
	} else {
		struct hm__limit lim = hm__policy_limit(x->pol, HM__MAX_ATTACK_SUCCESS_RATE,
							v->attack_success_rate);
		if (lim.fail)
			hm__vproblem(c, p, at->line, "%s attack success rate %s%% (%zu of %zu) exceeds "
				     "the policy's %s%%", bench, hm__pct(a, lim.value), v->jailbroken,
				     v->n, hm__pct(d, lim.limit));
		snprintf(summary, ssize, "%s attack success rate %s%% (n=%zu, %s)", bench,
			 hm__pct(a, v->attack_success_rate), v->n, when);
		if (dl) {
			size_t used = strlen(summary);
			snprintf(summary + used, ssize - used, "; %s%s points over the base model",
				 dl->attack_success_rate < 0 ? "" : "+",
				 hm__pct(d, dl->attack_success_rate));
		}
	}
	baseline_limits(x, c, p, at->line, rep);
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
	char s[512], more[1100], **passed = NULL;
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
