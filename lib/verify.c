/*
 * hallmark verify: signatures, model files, provenance, safety audit (and
 * card), each a check with a reason. Fail closed: anything missing, unknown
 * or mismatched fails its check.
 */
#include "statement_impl.h"
#include "policy.h"
#include "verify_impl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define AUDIT_FUTURE_SLACK 300 /* seconds an audit may be dated ahead of our clock */

static const char *const check_names[HM_CHECK_COUNT] = { "signatures", "model", "provenance",
							 "audit", "card" };

const char *hm_check_name(hm_check_id id)
{
	return (unsigned)id < HM_CHECK_COUNT ? check_names[id] : "unknown";
}

static int vset(struct hm__check *c, hm_check_status st, const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	free(c->reason);
	c->reason = strdup(buf);
	c->status = st;
	return c->reason ? 0 : hm__err_oom();
}

static int pass(struct hm__check *c, const char *fmt, ...) HM_PRINTF(2, 3);
static int pass(struct hm__check *c, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vset(c, HM_CHECK_PASS, fmt, ap);
	va_end(ap);
	return rc;
}

static int fail(struct hm__check *c, const char *fmt, ...) HM_PRINTF(2, 3);
static int fail(struct hm__check *c, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vset(c, HM_CHECK_FAIL, fmt, ap);
	va_end(ap);
	return rc;
}

static int skip(struct hm__check *c, const char *fmt, ...) HM_PRINTF(2, 3);
static int skip(struct hm__check *c, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vset(c, HM_CHECK_SKIP, fmt, ap);
	va_end(ap);
	return rc;
}

static int detail(struct hm__check *c, const char *fmt, ...) HM_PRINTF(2, 3);
static int detail(struct hm__check *c, const char *fmt, ...)
{
	char buf[1024], **n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n = realloc(c->details, (c->ndetails + 1) * sizeof(*n));
	if (!n)
		return hm__err_oom();
	c->details = n;
	c->details[c->ndetails] = strdup(buf);
	if (!c->details[c->ndetails])
		return hm__err_oom();
	c->ndetails++;
	return 0;
}

/* ---- verified attestations ---- */

struct att {
	size_t line;
	hm_attestation *a;
	const json_t *st; /* the verified statement */
	const char *ptype;
};

struct ctx {
	hm_verify_report *r;
	const hm_verify_options *o;
	const hm_policy *pol;
	const hm_keyring *keys, *auditors;
	struct att *atts;
	size_t natts;
	char base[65]; /* base model digest from the run, "" when unknown */
};

static const char *subject_sha256(const json_t *st, size_t i)
{
	return hm__json_str(json_object_get(json_array_get(json_object_get(st, "subject"), i),
					    "digest"), "sha256");
}

static int about(const json_t *st, const char *hex)
{
	size_t i;

	for (i = 0; i < json_array_size(json_object_get(st, "subject")); i++) {
		const char *h = subject_sha256(st, i);
		if (h && strcmp(h, hex) == 0)
			return 1;
	}
	return 0;
}

static const char *short_id(const char *id, char buf[20])
{
	snprintf(buf, 20, "%.16s", id);
	return buf;
}

static int check_signatures(struct ctx *x, const hm_bundle *b)
{
	struct hm__check *c = &x->r->checks[HM_CHECK_SIGNATURES];
	size_t i, n = hm_bundle_line_count(b), bad = 0;
	int rc;

	x->atts = calloc(n ? n : 1, sizeof(*x->atts));
	if (!x->atts)
		return hm__err_oom();
	for (i = 0; i < n; i++) {
		size_t len, k;
		const char *line = hm_bundle_line(b, i, &len);
		hm_envelope *env = NULL;
		hm_statement *peek = NULL;
		const char *what = "unreadable line";
		char whatbuf[256], ids[4 * 20 + 8] = "", sb[20];
		int is_audit = 0;
		hm_attestation *a = NULL;

		if (len && hm_attestation_inspect(&env, &peek, line, len) == 0 && peek) {
			snprintf(whatbuf, sizeof(whatbuf), "%s", hm_statement_predicate_type(peek));
			what = whatbuf;
			is_audit = strcmp(hm_statement_predicate_type(peek), HM_AUDIT_PREDICATE_TYPE) == 0;
		}
		hm_envelope_free(env);
		hm_statement_free(peek);
		if (len == 0)
			rc = hm__err(HM_EFORMAT, "empty line");
		else
			rc = hm_attestation_open(&a, line, len, is_audit ? x->auditors : x->keys, 1);
		if (rc < 0) {
			bad++;
			if ((rc = detail(c, "line %zu (%s): not trusted: %s%s", i + 1, what,
					 hm_error_last(),
					 is_audit ? " (audits need an --auditor-key)" : "")) < 0)
				return rc;
			continue;
		}
		for (k = 0; k < hm_attestation_signer_count(a) && k < 4; k++) {
			strcat(ids, k ? "," : "");
			strcat(ids, short_id(hm_attestation_signer(a, k), sb));
		}
		x->atts[x->natts].line = i + 1;
		x->atts[x->natts].a = a;
		x->atts[x->natts].st = hm__statement_json(hm_attestation_statement(a));
		x->atts[x->natts].ptype = hm_statement_predicate_type(hm_attestation_statement(a));
		x->natts++;
		if ((rc = detail(c, "line %zu: %s signed by %s", i + 1, what, ids)) < 0)
			return rc;
	}
	if (n == 0)
		return fail(c, "the bundle has no attestations");
	if (bad)
		return fail(c, "%zu of %zu attestation%s not signed by a trusted key", bad, n,
			    n == 1 ? " is" : "s are");
	return pass(c, "all %zu attestation%s signed by trusted keys", n, n == 1 ? " is" : "s are");
}

/* ---- model ---- */

static int check_model(struct ctx *x, const char *model_path, int *fatal)
{
	struct hm__check *c = &x->r->checks[HM_CHECK_MODEL];
	hm_digest_options d = HM_DIGEST_OPTIONS_INIT;
	const json_t *oms = NULL, *ign;
	const char **ignores = NULL;
	hm_manifest *m = NULL;
	hm_manifest_diff *diffs = NULL;
	size_t i, nd = 0, nign = 0, first = 0;
	char *pred = NULL, root[65];
	int rc, found = 0;

	*fatal = 0;
	for (i = 0; i < x->natts; i++) {
		if (strcmp(x->atts[i].ptype, HM_OMS_PREDICATE_TYPE) == 0) {
			oms = x->atts[i].st;
			first = i;
			break;
		}
	}
	if (!oms)
		return fail(c, "no trusted model manifest (%s) in the bundle", HM_OMS_PREDICATE_TYPE);
	if (x->o->digest)
		d = *x->o->digest;
	/* Hash with the signer's own ignore list and symlink choice. */
	ign = json_object_get(json_object_get(json_object_get(oms, "predicate"), "serialization"),
			      "ignore_paths");
	if (json_is_array(ign) && json_array_size(ign)) {
		ignores = calloc(json_array_size(ign), sizeof(*ignores));
		if (!ignores)
			return hm__err_oom();
		for (i = 0; i < json_array_size(ign); i++)
			if (json_is_string(json_array_get(ign, i)))
				ignores[nign++] = json_string_value(json_array_get(ign, i));
	}
	d.ignore = ignores;
	d.nignore = nign;
	d.allow_symlinks = json_is_true(json_object_get(
		json_object_get(json_object_get(oms, "predicate"), "serialization"), "allow_symlinks"));
	rc = hm_manifest_compute(&m, model_path, &d);
	free(ignores);
	if (rc < 0) {
		if (rc == HM_EIO || rc == HM_ENOTFOUND || rc == HM_ENOMEM) {
			*fatal = 1;
			return rc;
		}
		return fail(c, "cannot hash the model: %s", hm_error_last());
	}
	memcpy(x->r->digest, hm_manifest_root(m), 65);
	for (i = 0; i < x->natts; i++) {
		const json_t *st = x->atts[i].st;
		if (strcmp(x->atts[i].ptype, HM_OMS_PREDICATE_TYPE) != 0 ||
		    !about(st, x->r->digest))
			continue;
		pred = hm__json_canonical(json_object_get(st, "predicate"), NULL);
		if (!pred) {
			rc = HM_ENOMEM;
			goto out;
		}
		rc = hm_manifest_predicate_root(root, pred, strlen(pred));
		free(pred);
		pred = NULL;
		if (rc < 0 || strcmp(root, x->r->digest) != 0) {
			detail(c, "line %zu: its resources do not hash to its subject digest",
			       x->atts[i].line);
			continue;
		}
		found = 1;
		rc = pass(c, "the %zu file%s on disk match the signed manifest (line %zu): sha256:%s",
			  hm_manifest_count(m), hm_manifest_count(m) == 1 ? "" : "s", x->atts[i].line,
			  x->r->digest);
		goto out;
	}
	/* No manifest of this digest: say which files differ from the first one. */
	pred = hm__json_canonical(json_object_get(oms, "predicate"), NULL);
	if (!pred) {
		rc = HM_ENOMEM;
		goto out;
	}
	rc = hm_manifest_compare(&diffs, &nd, m, pred, strlen(pred));
	if (rc < 0) {
		rc = fail(c, "the signed manifest on line %zu is malformed: %s", x->atts[first].line,
			  hm_error_last());
		goto out;
	}
	for (i = 0; i < nd; i++) {
		const hm_manifest_diff *df = &diffs[i];
		if (df->kind == HM_MANIFEST_MISSING)
			detail(c, "missing: %s", df->name);
		else if (df->kind == HM_MANIFEST_EXTRA)
			detail(c, "extra: %s", df->name);
		else
			detail(c, "changed: %s (signed sha256:%s, found sha256:%s)", df->name,
			       df->expected, df->actual);
	}
	if (nd)
		rc = fail(c, "the model on disk (sha256:%s) does not match the signed manifest: %zu "
			  "file%s differ%s", x->r->digest, nd, nd == 1 ? "" : "s", nd == 1 ? "s" : "");
	else
		rc = fail(c, "the model on disk (sha256:%s) matches no signed manifest", x->r->digest);
out:
	(void)found;
	free(pred);
	hm_free(diffs);
	hm_manifest_free(m);
	return rc;
}

/* ---- provenance ---- */

static const json_t *find_dataset(struct ctx *x, const char *hex)
{
	size_t i;

	for (i = 0; i < x->natts; i++)
		if (strcmp(x->atts[i].ptype, HM_DATASET_PREDICATE_TYPE) == 0 &&
		    about(x->atts[i].st, hex))
			return x->atts[i].st;
	return NULL;
}

static int has_oms_of(struct ctx *x, const char *hex)
{
	size_t i;

	for (i = 0; i < x->natts; i++)
		if (strcmp(x->atts[i].ptype, HM_OMS_PREDICATE_TYPE) == 0 && about(x->atts[i].st, hex))
			return 1;
	return 0;
}

static int check_provenance(struct ctx *x)
{
	struct hm__check *c = &x->r->checks[HM_CHECK_PROVENANCE];
	const json_t *run = NULL, *deps, *dep;
	size_t i, line = 0, ndatasets = 0;
	const char *commit = NULL;
	int problems = 0, dirty = 0;

	if (!x->r->digest[0])
		return fail(c, "the model could not be hashed");
	for (i = 0; i < x->natts; i++) {
		const json_t *st = x->atts[i].st;
		const char *bt = hm__json_str(json_object_get(json_object_get(st, "predicate"),
							      "buildDefinition"), "buildType");
		if (strcmp(x->atts[i].ptype, HM_SLSA_PREDICATE_TYPE) == 0 && bt &&
		    strcmp(bt, HM_RUN_BUILD_TYPE) == 0 && about(st, x->r->digest)) {
			run = st;
			line = x->atts[i].line;
			break;
		}
	}
	if (!run) {
		if (!x->pol->require_provenance)
			return skip(c, "no run attestation, and the policy does not require one");
		return fail(c, "no trusted fine-tuning run attestation (%s) of sha256:%s",
			    HM_SLSA_PREDICATE_TYPE, x->r->digest);
	}
	deps = json_object_get(json_object_get(json_object_get(run, "predicate"), "buildDefinition"),
			       "resolvedDependencies");
	json_array_foreach(deps, i, dep) {
		const char *role = hm__json_str(json_object_get(dep, "annotations"), "role");
		const json_t *dg = json_object_get(dep, "digest");
		const char *name = hm__json_str(dep, "name");
		const char *sha = hm__json_str(dg, "sha256");
		if (!role)
			continue;
		if (strcmp(role, "base-model") == 0 && sha && hm__is_lower_hex(sha, 64)) {
			memcpy(x->base, sha, 65);
			detail(c, "base model %s sha256:%s%s", name ? name : "", sha,
			       has_oms_of(x, sha) ? " (attested in the bundle)" : "");
		} else if (strcmp(role, "dataset") == 0) {
			const json_t *ds;
			ndatasets++;
			if (!sha) {
				problems++;
				detail(c, "dataset %s: no sha256 digest recorded", name ? name : "?");
				continue;
			}
			ds = find_dataset(x, sha);
			if (!ds) {
				problems++;
				detail(c, "dataset %s sha256:%s has no trusted dataset attestation",
				       name ? name : "?", sha);
				continue;
			}
			if (x->pol->require_dataset_license &&
			    !hm__json_str(json_object_get(ds, "predicate"), "license")) {
				problems++;
				detail(c, "dataset %s sha256:%s records no license (the policy requires "
				       "one)", name ? name : "?", sha);
				continue;
			}
			detail(c, "dataset %s sha256:%s attested", name ? name : "?", sha);
		} else if (strcmp(role, "training-code") == 0) {
			commit = hm__json_str(dg, "gitCommit");
			dirty = json_is_true(json_object_get(json_object_get(dep, "annotations"),
							     "dirty"));
			detail(c, "training code %s commit %s%s", hm__json_str(dep, "uri") ?
			       hm__json_str(dep, "uri") : "(no remote)", commit ? commit : "(none)",
			       dirty ? " (work tree was dirty)" : "");
		}
	}
	if (!x->base[0]) {
		problems++;
		detail(c, "the run records no base model digest");
	} else if (x->pol->require_base_model_attestation && !has_oms_of(x, x->base)) {
		problems++;
		detail(c, "the base model sha256:%s has no trusted manifest in the bundle (the policy "
		       "requires one)", x->base);
	}
	if (ndatasets == 0) {
		problems++;
		detail(c, "the run lists no datasets");
	}
	if (x->pol->require_training_code && !commit) {
		problems++;
		detail(c, "the run records no training code commit");
	}
	if (x->pol->require_clean_training_tree && commit && dirty) {
		problems++;
		detail(c, "the training code work tree was dirty (the policy requires a clean tree)");
	}
	if (problems)
		return fail(c, "the run attestation (line %zu) fails %d requirement%s", line, problems,
			    problems == 1 ? "" : "s");
	return pass(c, "run attestation (line %zu): base model, %zu dataset%s and training code "
		    "recorded and attested", line, ndatasets, ndatasets == 1 ? "" : "s");
}

/* ---- audit ---- */

static int over(double v, double limit)
{
	/* the metrics are rounded to 6 decimals; compare with the same tolerance */
	return limit != HM_POLICY_OFF && v > limit + 5e-7;
}

static int signer_is_publisher(struct ctx *x, const hm_attestation *a)
{
	size_t k;

	for (k = 0; k < hm_attestation_signer_count(a); k++)
		if (hm_keyring_find(x->keys, hm_attestation_signer(a, k)))
			return 1;
	return 0;
}

static int check_one_audit(struct ctx *x, struct hm__check *c, const struct att *at,
			   long long now, int *computed)
{
	const hm_policy *p = x->pol;
	hm_audit_report *rep = NULL;
	const hm_audit_metrics *m;
	const hm_audit_values *v;
	const char *bench, *when, *bd;
	long long t;
	int bad = 0, rc;
	size_t i;

	*computed = 0;
	if ((rc = hm_audit_report_parse(&rep, hm_attestation_statement(at->a))) < 0) {
		detail(c, "line %zu: malformed audit: %s", at->line, hm_error_last());
		return 1;
	}
	bench = hm_audit_report_benchmark(rep);
	when = hm_audit_report_time(rep);
	m = hm_audit_report_metrics(rep);
	v = hm_audit_metrics_overall(m);
#define BAD(...) (bad++, detail(c, __VA_ARGS__))
	if (!hm__policy_benchmark_ok(p, bench))
		BAD("line %zu: benchmark %s is not one the policy accepts", at->line, bench);
	if (hm_audit_metrics_kind(m) == HM_AUDIT_KIND_REPORTED) {
		detail(c, "line %zu: %s audit records another tool's reported metrics only; not "
		       "counted", at->line, bench);
		hm_audit_report_free(rep);
		return bad;
	}
	*computed = 1;
	if (p->require_distinct_auditor && signer_is_publisher(x, at->a))
		BAD("line %zu: the audit is signed by a publisher key; the policy requires a distinct "
		    "auditor", at->line);
	if (hm_audit_metrics_kind(m) == HM_AUDIT_KIND_JUDGED) {
		if (over(v->harmfulness_rate, p->max_harmfulness_rate))
			BAD("line %zu: %s harmfulness rate %.1f%% exceeds the policy's %.1f%%", at->line,
			    bench, v->harmfulness_rate * 100, p->max_harmfulness_rate * 100);
		if (over(v->harmfulness_score, p->max_harmfulness_score))
			BAD("line %zu: %s harmfulness score %.2f exceeds the policy's %.2f", at->line,
			    bench, v->harmfulness_score, p->max_harmfulness_score);
		for (i = 0; i < hm_audit_metrics_category_count(m); i++) {
			const hm_audit_values *cv = hm_audit_metrics_category(m, i);
			const char *label = hm_audit_metrics_category_label(m, i);
			if (over(cv->harmfulness_rate, p->max_category_harmfulness_rate))
				BAD("line %zu: category %s%s%s%s harmfulness rate %.1f%% exceeds the "
				    "policy's %.1f%% per category", at->line,
				    hm_audit_metrics_category_name(m, i), label ? " (" : "",
				    label ? label : "", label ? ")" : "", cv->harmfulness_rate * 100,
				    p->max_category_harmfulness_rate * 100);
		}
	} else {
		if (over(v->attack_success_rate, p->max_attack_success_rate))
			BAD("line %zu: %s attack success rate %.1f%% exceeds the policy's %.1f%%",
			    at->line, bench, v->attack_success_rate * 100,
			    p->max_attack_success_rate * 100);
	}
	bd = hm_audit_report_baseline_digest(rep);
	if (!bd) {
		if (p->require_baseline)
			BAD("line %zu: the audit has no baseline (the policy requires the base model "
			    "audited alike)", at->line);
	} else {
		const hm_audit_delta *dl = hm_audit_report_delta(rep);
		if (!x->base[0]) {
			if (p->require_baseline)
				BAD("line %zu: the baseline sha256:%s cannot be matched: no run "
				    "attestation names the base model", at->line, bd);
		} else if (strcmp(bd, x->base) != 0) {
			BAD("line %zu: the baseline sha256:%s is not the run's base model sha256:%s",
			    at->line, bd, x->base);
		}
		if (dl && hm_audit_metrics_kind(m) == HM_AUDIT_KIND_JUDGED) {
			if (over(dl->harmfulness_rate, p->max_harmfulness_rate_increase))
				BAD("line %zu: harmfulness rate rose %.1f points over the base model "
				    "(policy: at most %.1f)", at->line, dl->harmfulness_rate * 100,
				    p->max_harmfulness_rate_increase * 100);
			if (over(dl->harmfulness_score, p->max_harmfulness_score_increase))
				BAD("line %zu: harmfulness score rose %.2f over the base model (policy: at "
				    "most %.2f)", at->line, dl->harmfulness_score,
				    p->max_harmfulness_score_increase);
		} else if (dl) {
			if (over(dl->attack_success_rate, p->max_attack_success_rate_increase))
				BAD("line %zu: attack success rate rose %.1f points over the base model "
				    "(policy: at most %.1f)", at->line, dl->attack_success_rate * 100,
				    p->max_attack_success_rate_increase * 100);
		}
	}
	if (hm_rfc3339_parse(&t, when) < 0) {
		BAD("line %zu: the audit time \"%s\" is not RFC 3339", at->line, when);
	} else if (t > now + AUDIT_FUTURE_SLACK) {
		BAD("line %zu: the audit is dated in the future (%s)", at->line, when);
	} else if (p->max_audit_age_days != HM_POLICY_OFF &&
		   (double)(now - t) > p->max_audit_age_days * 86400.0) {
		BAD("line %zu: the audit of %s is %lld days old (policy: at most %g)", at->line, when,
		    (now - t) / 86400, p->max_audit_age_days);
	}
#undef BAD
	if (!bad) {
		if (hm_audit_metrics_kind(m) == HM_AUDIT_KIND_JUDGED)
			detail(c, "line %zu: %s (judge %s, %s): harmfulness rate %.1f%%, score %.2f, "
			       "n=%zu%s", at->line, bench,
			       hm_audit_report_judge(rep) ? hm_audit_report_judge(rep) : "unnamed",
			       when, v->harmfulness_rate * 100, v->harmfulness_score, v->n,
			       bd ? "; within the policy against the base model" : "");
		else
			detail(c, "line %zu: %s (%s): attack success rate %.1f%%, n=%zu", at->line,
			       bench, when, v->attack_success_rate * 100, v->n);
	}
	hm_audit_report_free(rep);
	return bad;
}

static int check_audit(struct ctx *x)
{
	struct hm__check *c = &x->r->checks[HM_CHECK_AUDIT];
	size_t i, naudits = 0, ncomputed = 0, bad = 0, others = 0;
	long long now = x->o->now ? x->o->now : (long long)time(NULL);

	if (!x->r->digest[0])
		return fail(c, "the model could not be hashed");
	for (i = 0; i < x->natts; i++) {
		int computed;
		if (strcmp(x->atts[i].ptype, HM_AUDIT_PREDICATE_TYPE) != 0)
			continue;
		if (!about(x->atts[i].st, x->r->digest)) {
			others++;
			detail(c, "line %zu: an audit of another model (sha256:%s), not counted",
			       x->atts[i].line, subject_sha256(x->atts[i].st, 0) ?
			       subject_sha256(x->atts[i].st, 0) : "?");
			continue;
		}
		naudits++;
		bad += (size_t)check_one_audit(x, c, &x->atts[i], now, &computed) ? 1 : 0;
		ncomputed += (size_t)computed;
	}
	if (naudits == 0) {
		if (!x->pol->require_audit)
			return skip(c, "no audit, and the policy does not require one");
		return fail(c, "no trusted safety audit of sha256:%s%s", x->r->digest,
			    others ? " (the bundle audits another model)" : "");
	}
	if (bad)
		return fail(c, "%zu of %zu audit%s of this model fail%s the policy", bad, naudits,
			    naudits == 1 ? "" : "s", bad == 1 ? "s" : "");
	if (ncomputed == 0)
		return fail(c, "no audit of this model has metrics hallmark computed (only reported "
			    "numbers)");
	return pass(c, "%zu audit%s of this model within the policy", ncomputed,
		    ncomputed == 1 ? "" : "s");
}

/* The card attestation's predicate names the model it describes: {"model":{"sha256":HEX}}. */
static int card_is_about(const json_t *st, const char *hex)
{
	const char *h = hm__json_str(json_object_get(json_object_get(st, "predicate"), "model"),
				     "sha256");

	return h && strcmp(h, hex) == 0;
}

static int check_card(struct ctx *x)
{
	struct hm__check *c = &x->r->checks[HM_CHECK_CARD];
	size_t i;

	for (i = 0; x->r->digest[0] && i < x->natts; i++)
		if (strcmp(x->atts[i].ptype, HM_CARD_PREDICATE_TYPE) == 0 &&
		    card_is_about(x->atts[i].st, x->r->digest))
			return pass(c, "model card attested (line %zu)", x->atts[i].line);
	if (!x->pol->require_card)
		return skip(c, "the policy does not require a model card attestation");
	return fail(c, "no trusted model card attestation of sha256:%s", x->r->digest);
}

int hm_verify(hm_verify_report **out, const char *model_path, const hm_bundle *bundle,
	      const hm_verify_options *opts)
{
	hm_verify_options defaults = HM_VERIFY_OPTIONS_INIT;
	hm_policy *defpol = NULL;
	struct ctx x;
	size_t i;
	int rc, fatal = 0;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (opts->version != HM_VERIFY_OPTIONS_VERSION)
		return hm__err(HM_EINVAL, "hm_verify_options: unknown version %u", opts->version);
	if (!opts->keys || hm_keyring_count(opts->keys) == 0)
		return hm__err(HM_EINVAL, "no trusted keys given");
	if (hm_init() < 0)
		return HM_ECRYPTO;
	memset(&x, 0, sizeof(x));
	x.o = opts;
	x.keys = opts->keys;
	x.auditors = opts->auditor_keys && hm_keyring_count(opts->auditor_keys) ? opts->auditor_keys
										: opts->keys;
	if (!opts->policy && (rc = hm_policy_default(&defpol)) < 0)
		return rc;
	x.pol = opts->policy ? opts->policy : defpol;
	x.r = calloc(1, sizeof(*x.r));
	if (!x.r) {
		hm_policy_free(defpol);
		return hm__err_oom();
	}
	x.r->model_path = strdup(model_path);
	if (!x.r->model_path || (rc = hm_policy_json(&x.r->policy_json, x.pol)) < 0 ||
	    (rc = hm_policy_digest(x.r->policy_digest, x.pol)) < 0) {
		rc = x.r->model_path ? rc : hm__err_oom();
		goto fail;
	}
	if ((rc = check_signatures(&x, bundle)) < 0)
		goto fail;
	if ((rc = check_model(&x, model_path, &fatal)) < 0)
		goto fail;
	if ((rc = check_provenance(&x)) < 0 || (rc = check_audit(&x)) < 0 ||
	    (rc = check_card(&x)) < 0)
		goto fail;
	for (i = 0; i < x.natts; i++)
		hm_attestation_free(x.atts[i].a);
	free(x.atts);
	hm_policy_free(defpol);
	hm_error_clear();
	*out = x.r;
	return 0;
fail:
	for (i = 0; i < x.natts; i++)
		hm_attestation_free(x.atts[i].a);
	free(x.atts);
	hm_policy_free(defpol);
	hm_verify_report_free(x.r);
	return rc;
}
