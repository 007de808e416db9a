/*
 * hallmark verify: signatures, model files, provenance, safety audit (and
 * card), each a check with a one-line reason and details. Fail closed:
 * anything missing, unknown or mismatched fails its check.
 */
#include "statement_impl.h"
#include "policy.h"
#include "verify_impl.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define AUDIT_FUTURE_SLACK 300 /* seconds an audit may be dated ahead of our clock */
#define REASON_NAMES 3         /* files named in the model check's one-line reason */

static const char *const check_names[HM_CHECK_COUNT] = { "signatures", "model", "provenance",
							 "audit", "card" };

const char *hm_check_name(hm_check_id id)
{
	return (unsigned)id < HM_CHECK_COUNT ? check_names[id] : "unknown";
}

/* Report text comes partly from untrusted bytes: no control characters reach a terminal. */
static char *clean_dup(const char *s)
{
	char *d = strdup(s), *p;

	for (p = d; p && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return d;
}

static int vset(struct hm__check *c, hm_check_status st, const char *fmt, va_list ap)
	HM_PRINTF(3, 0);
static int vset(struct hm__check *c, hm_check_status st, const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	free(c->reason);
	c->reason = clean_dup(buf);
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

static int vdetail(struct hm__check *c, const char *fmt, va_list ap) HM_PRINTF(2, 0);
static int vdetail(struct hm__check *c, const char *fmt, va_list ap)
{
	char buf[1024], **n;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = realloc(c->details, (c->ndetails + 1) * sizeof(*n));
	if (!n)
		return hm__err_oom();
	c->details = n;
	c->details[c->ndetails] = clean_dup(buf);
	if (!c->details[c->ndetails])
		return hm__err_oom();
	c->ndetails++;
	return 0;
}

static int detail(struct hm__check *c, const char *fmt, ...) HM_PRINTF(2, 3);
static int detail(struct hm__check *c, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vdetail(c, fmt, ap);
	va_end(ap);
	return rc;
}

/*
 * The problems a check found: each one a detail line ("line N: ..." when it
 * is about one attestation); the first also goes into the one-line reason.
 */
struct problems {
	int n;
	int oom;
	size_t first_detail; /* index of the first problem's detail line */
	char first[1024];
};

static void problem(struct hm__check *c, struct problems *p, size_t line, const char *fmt, ...)
	HM_PRINTF(4, 5);
static void problem(struct hm__check *c, struct problems *p, size_t line, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (p->n++ == 0) {
		memcpy(p->first, buf, sizeof(p->first));
		p->first_detail = c->ndetails;
	}
	if ((line ? detail(c, "line %zu: %s", line, buf) : detail(c, "%s", buf)) < 0)
		p->oom = 1;
}

/*
 * ": FIRST" or ": FIRST (and N more)", for the end of a failing reason. A lone
 * problem is then said by the reason, and its detail line goes (details are
 * further lines); several stay listed in full.
 */
static const char *first_and_more(struct hm__check *c, const struct problems *p, char *buf,
				  size_t size)
{
	if (p->n == 1 && p->first_detail < c->ndetails) {
		free(c->details[p->first_detail]);
		memmove(c->details + p->first_detail, c->details + p->first_detail + 1,
			(c->ndetails - p->first_detail - 1) * sizeof(*c->details));
		c->ndetails--;
	}
	if (p->n <= 1)
		snprintf(buf, size, ": %s", p->first);
	else
		snprintf(buf, size, ": %s (and %d more)", p->first, p->n - 1);
	return buf;
}

/* A percentage from a fraction: "16.1", "5", "0.3". */
static const char *pct(char buf[24], double fraction)
{
	size_t n;

	snprintf(buf, 24, "%.1f", fraction * 100);
	n = strlen(buf);
	if (n > 2 && strcmp(buf + n - 2, ".0") == 0)
		buf[n - 2] = '\0';
	if (strcmp(buf, "-0") == 0)
		strcpy(buf, "0");
	return buf;
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
	int own_auditors; /* auditor keys were given (not the publisher keys by default) */
	struct att *atts;
	size_t natts;
	size_t untrusted_audits; /* audit lines that no auditor key verifies */
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

static int is_run(const struct att *at)
{
	const char *bt = hm__json_str(json_object_get(json_object_get(at->st, "predicate"),
						      "buildDefinition"), "buildType");

	return strcmp(at->ptype, HM_SLSA_PREDICATE_TYPE) == 0 && bt &&
	       strcmp(bt, HM_RUN_BUILD_TYPE) == 0;
}

/* What a line holds, in words. */
static const char *ptype_label(const char *t)
{
	if (strcmp(t, HM_OMS_PREDICATE_TYPE) == 0)
		return "model manifest";
	if (strcmp(t, HM_DATASET_PREDICATE_TYPE) == 0)
		return "dataset";
	if (strcmp(t, HM_SLSA_PREDICATE_TYPE) == 0)
		return "provenance";
	if (strcmp(t, HM_AUDIT_PREDICATE_TYPE) == 0)
		return "safety audit";
	if (strcmp(t, HM_CARD_PREDICATE_TYPE) == 0)
		return "model card";
	return NULL;
}

static const char *short_id(const char *id, char buf[20])
{
	snprintf(buf, 20, "%.16s", id);
	return buf;
}

/* ---- signatures ---- */

static int check_signatures(struct ctx *x, const hm_bundle *b)
{
	struct hm__check *c = &x->r->checks[HM_CHECK_SIGNATURES];
	size_t i, n = hm_bundle_line_count(b), bad = 0;
	char lines[160] = "";
	int rc;

	x->atts = calloc(n ? n : 1, sizeof(*x->atts));
	if (!x->atts)
		return hm__err_oom();
	for (i = 0; i < n; i++) {
		size_t len, k;
		const char *line = hm_bundle_line(b, i, &len);
		hm_envelope *env = NULL;
		hm_statement *peek = NULL;
		char what[160] = "unreadable", ids[4 * 20 + 8] = "", sb[20];
		int is_audit = 0;
		hm_attestation *a = NULL;

		/* Before its signature is checked, the line only says which keys to try. */
		if (len && hm_attestation_inspect(&env, &peek, line, len) == 0 && peek) {
			const char *t = hm_statement_predicate_type(peek);
			snprintf(what, sizeof(what), "%s", ptype_label(t) ? ptype_label(t) : t);
			is_audit = strcmp(t, HM_AUDIT_PREDICATE_TYPE) == 0;
		}
		hm_envelope_free(env);
		hm_statement_free(peek);
		if (len == 0)
			rc = hm__err(HM_EFORMAT, "empty line");
		else
			rc = hm_attestation_open(&a, line, len, is_audit ? x->auditors : x->keys, 1);
		if (rc < 0) {
			size_t used = strlen(lines);
			bad++;
			x->untrusted_audits += (size_t)is_audit;
			if (used < sizeof(lines) - 64)
				snprintf(lines + used, sizeof(lines) - used, "%s%zu (%.40s)",
					 bad == 1 ? "" : ", ", i + 1, what);
			else if (!strstr(lines, ", ..."))
				strcat(lines, ", ...");
			if ((rc = detail(c, "line %zu (%s): not trusted: %s%s", i + 1, what,
					 hm_error_last(),
					 !is_audit ? ""
					 : x->own_auditors ? " (audits are checked against the auditor "
							     "keys)"
					 : " (no auditor key was given: audits are checked against the "
					   "publisher keys)")) < 0)
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
		return fail(c, "%zu of %zu attestation%s %s not signed by a trusted key: line%s %s",
			    bad, n, n == 1 ? "" : "s", bad == 1 ? "is" : "are", bad == 1 ? "" : "s",
			    lines);
	if (n == 1)
		return pass(c, "the one attestation is signed by a trusted key");
	return pass(c, "all %zu attestations are signed by trusted keys", n);
}

/* ---- model ---- */

/* The signer's hashing choices (ignore list, symlinks): the manifest is recomputed with them. */
static const json_t *serialization(const json_t *oms)
{
	return json_object_get(json_object_get(oms, "predicate"), "serialization");
}

static int same_serialization(const json_t *a, const json_t *b)
{
	return json_equal(json_object_get(serialization(a), "ignore_paths"),
			  json_object_get(serialization(b), "ignore_paths")) &&
	       json_is_true(json_object_get(serialization(a), "allow_symlinks")) ==
		       json_is_true(json_object_get(serialization(b), "allow_symlinks"));
}

/*
 * Hashes the model as the signer of oms did (oms NULL: the defaults). The
 * signed ignore_paths already hold the default ignores the signer used, so
 * they are applied exactly, and nothing else is left out.
 */
static int hash_model(hm_manifest **m, const char *path, const json_t *oms,
		      const hm_verify_options *o)
{
	hm_digest_options d = HM_DIGEST_OPTIONS_INIT;
	const json_t *ign = json_object_get(serialization(oms), "ignore_paths");
	const char **ignores = NULL;
	size_t i, nign = 0;
	int rc;

	if (o->digest)
		d = *o->digest;
	if (oms) {
		if (json_array_size(ign)) {
			ignores = calloc(json_array_size(ign), sizeof(*ignores));
			if (!ignores)
				return hm__err_oom();
			for (i = 0; i < json_array_size(ign); i++)
				if (json_is_string(json_array_get(ign, i)))
					ignores[nign++] = json_string_value(json_array_get(ign, i));
		}
		d.ignore = ignores;
		d.nignore = nign;
		d.include_git_paths = 1;
		d.allow_symlinks = json_is_true(json_object_get(serialization(oms), "allow_symlinks"));
	}
	rc = hm_manifest_compute(m, path, &d);
	free(ignores);
	return rc;
}

/* The model cannot be read at all: no report can be made. */
static int hash_fatal(int rc)
{
	return rc == HM_EIO || rc == HM_ENOTFOUND || rc == HM_ENOMEM;
}

/* "changed a.bin; missing b.bin; extra c.txt (and 2 more)" */
static void diff_summary(char *buf, size_t size, const hm_manifest_diff *diffs, size_t nd)
{
	static const char *const kind[] = { "", "missing", "extra", "changed" };
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < nd && i < REASON_NAMES && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s %.120s", i ? "; " : "",
					 kind[diffs[i].kind], diffs[i].name);
	if (nd > REASON_NAMES && used < size)
		snprintf(buf + used, size - used, " (and %zu more)", nd - REASON_NAMES);
}

static int check_model(struct ctx *x, const char *model_path)
{
	struct hm__check *c = &x->r->checks[HM_CHECK_MODEL];
	const json_t *hashed_as = NULL;
	hm_manifest *m = NULL;
	hm_manifest_diff *best = NULL;
	size_t i, nbest = SIZE_MAX, best_line = 0, best_files = 0, noms = 0;
	char best_digest[65] = "", root[65], names[512];
	int rc = 0;

	for (i = 0; i < x->natts; i++) {
		const struct att *at = &x->atts[i];
		hm_manifest_diff *diffs = NULL;
		size_t nd = 0;
		char *pred;

		if (strcmp(at->ptype, HM_OMS_PREDICATE_TYPE) != 0)
			continue;
		noms++;
		if (!m || !same_serialization(hashed_as, at->st)) {
			hm_manifest_free(m);
			m = NULL;
			hashed_as = NULL;
			if ((rc = hash_model(&m, model_path, at->st, x->o)) < 0) {
				if (hash_fatal(rc))
					goto out;
				detail(c, "line %zu: cannot hash the model as this manifest says: %s",
				       at->line, hm_error_last());
				rc = 0;
				continue;
			}
			hashed_as = at->st;
		}
		pred = hm__json_canonical(json_object_get(at->st, "predicate"), NULL);
		if (!pred) {
			rc = hm__err_oom();
			goto out;
		}
		rc = hm_manifest_compare(&diffs, &nd, m, pred, strlen(pred));
		if (rc == 0 && nd == 0 &&
		    (hm_manifest_predicate_root(root, pred, strlen(pred)) < 0 ||
		     strcmp(root, hm_manifest_root(m)) != 0 || !about(at->st, root))) {
			/* the files agree, but the signed subject is not their digest */
			detail(c, "line %zu: the files on disk match its list, but not its subject "
			       "digest", at->line);
			free(pred);
			continue;
		}
		free(pred);
		if (rc < 0) {
			detail(c, "line %zu: a malformed model manifest: %s", at->line, hm_error_last());
			rc = 0;
			continue;
		}
		if (nd == 0) {
			memcpy(x->r->digest, hm_manifest_root(m), 65);
			rc = pass(c, "the %zu file%s on disk match%s the signed manifest (line %zu): "
				  "sha256:%s", hm_manifest_count(m), hm_manifest_count(m) == 1 ? "" : "s",
				  hm_manifest_count(m) == 1 ? "es" : "", at->line, x->r->digest);
			goto out;
		}
		if (nd < nbest) {
			hm_free(best);
			best = diffs;
			nbest = nd;
			best_line = at->line;
			best_files = hm_manifest_count(m);
			memcpy(best_digest, hm_manifest_root(m), 65);
		} else {
			hm_free(diffs);
		}
	}
	if (!m && (rc = hash_model(&m, model_path, NULL, x->o)) < 0) {
		if (hash_fatal(rc))
			goto out;
		rc = fail(c, "cannot hash the model: %s", hm_error_last());
		goto out;
	}
	/* No manifest matches: name the differences from the closest one. */
	if (!best)
		best_files = hm_manifest_count(m);
	memcpy(x->r->digest, best ? best_digest : hm_manifest_root(m), 65);
	detail(c, "on disk: %zu file%s, sha256:%s", best_files, best_files == 1 ? "" : "s",
	       x->r->digest);
	if (!best) {
		if (noms == 0)
			rc = fail(c, "the bundle has no trusted model manifest");
		else
			rc = fail(c, "the model on disk matches none of the %zu signed model "
				  "manifest%s", noms, noms == 1 ? "" : "s");
		goto out;
	}
	for (i = 0; i < nbest; i++) {
		const hm_manifest_diff *df = &best[i];
		if (df->kind == HM_MANIFEST_MISSING)
			detail(c, "missing: %s", df->name);
		else if (df->kind == HM_MANIFEST_EXTRA)
			detail(c, "extra: %s", df->name);
		else
			detail(c, "changed: %s (signed sha256:%s, found sha256:%s)",
			       df->name, df->expected, df->actual);
	}
	diff_summary(names, sizeof(names), best, nbest);
	rc = fail(c, "the model on disk does not match the signed manifest (line %zu): %s",
		  best_line, names);
out:
	hm_free(best);
	hm_manifest_free(m);
	return rc;
}

/* ---- provenance ---- */

static const struct att *find_of_type(struct ctx *x, const char *ptype, const char *hex)
{
	size_t i;

	for (i = 0; i < x->natts; i++)
		if (strcmp(x->atts[i].ptype, ptype) == 0 && about(x->atts[i].st, hex))
			return &x->atts[i];
	return NULL;
}

static int check_provenance(struct ctx *x)
{
	struct hm__check *c = &x->r->checks[HM_CHECK_PROVENANCE];
	struct problems p = { 0 };
	const json_t *run = NULL, *deps, *dep;
	const struct att *other = NULL;
	size_t i, line = 0, ndatasets = 0;
	const char *commit = NULL;
	char more[1100];
	int dirty = 0, base_seen = 0;

	if (!x->r->digest[0])
		return fail(c, "the model could not be hashed");
	for (i = 0; i < x->natts && !run; i++) {
		if (!is_run(&x->atts[i]))
			continue;
		if (about(x->atts[i].st, x->r->digest)) {
			run = x->atts[i].st;
			line = x->atts[i].line;
		} else if (!other) {
			other = &x->atts[i];
		}
	}
	if (!run) {
		if (other)
			detail(c, "line %zu: a run attestation of another model (sha256:%s), not "
			       "counted", other->line, subject_sha256(other->st, 0) ?
			       subject_sha256(other->st, 0) : "?");
		if (!x->pol->require_provenance)
			return skip(c, "no run attestation of this model, and the policy does not "
				    "require one");
		return fail(c, "no trusted fine-tuning run attestation of this model (sha256:%s)%s",
			    x->r->digest, other ? "; the bundle's run is of another model" : "");
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
		if (!name)
			name = "(unnamed)";
		if (strcmp(role, "base-model") == 0) {
			const struct att *bm;
			base_seen = 1;
			if (!sha || !hm__is_lower_hex(sha, 64)) {
				problem(c, &p, 0, "base model %s: no sha256 digest recorded", name);
				continue;
			}
			memcpy(x->base, sha, 65);
			bm = find_of_type(x, HM_OMS_PREDICATE_TYPE, sha);
			if (bm)
				detail(c, "base model %s sha256:%s (its manifest is line %zu)", name, sha,
				       bm->line);
			else if (x->pol->require_base_model_attestation)
				problem(c, &p, 0, "base model %s sha256:%s has no trusted model manifest "
					"in the bundle (the policy requires one)", name, sha);
			else
				detail(c, "base model %s sha256:%s", name, sha);
		} else if (strcmp(role, "dataset") == 0) {
			const struct att *ds;
			ndatasets++;
			if (!sha || !hm__is_lower_hex(sha, 64)) {
				problem(c, &p, 0, "dataset %s: no sha256 digest recorded", name);
				continue;
			}
			ds = find_of_type(x, HM_DATASET_PREDICATE_TYPE, sha);
			if (!ds) {
				problem(c, &p, 0, "dataset %s sha256:%s has no trusted dataset "
					"attestation", name, sha);
				continue;
			}
			if (x->pol->require_dataset_license &&
			    !hm__json_str(json_object_get(ds->st, "predicate"), "license")) {
				problem(c, &p, 0, "dataset %s (line %zu) records no license (the policy "
					"requires one)", name, ds->line);
				continue;
			}
			detail(c, "dataset %s sha256:%s attested on line %zu", name, sha, ds->line);
		} else if (strcmp(role, "training-code") == 0) {
			const char *uri = hm__json_str(dep, "uri");
			commit = hm__json_str(dg, "gitCommit");
			dirty = json_is_true(json_object_get(json_object_get(dep, "annotations"),
							     "dirty"));
			detail(c, "training code %s at commit %s%s", uri ? uri : "(no remote)",
			       commit ? commit : "(none)", dirty ? ", work tree dirty" : "");
		}
	}
	if (!base_seen)
		problem(c, &p, 0, "the run records no base model");
	if (ndatasets == 0)
		problem(c, &p, 0, "the run lists no datasets");
	if (x->pol->require_training_code && !commit)
		problem(c, &p, 0, "the run records no training code commit");
	if (x->pol->require_clean_training_tree && commit && dirty)
		problem(c, &p, 0, "the training code work tree was dirty when the run was recorded "
			"(the policy requires a clean tree)");
	if (p.oom)
		return hm__err_oom();
	if (p.n)
		return fail(c, "the run attestation (line %zu) fails %d requirement%s%s", line, p.n,
			    p.n == 1 ? "" : "s", first_and_more(c, &p, more, sizeof(more)));
	if (!commit)
		return pass(c, "the run attestation (line %zu) records the base model and %zu "
			    "attested dataset%s (no training code)", line, ndatasets,
			    ndatasets == 1 ? "" : "s");
	return pass(c, "the run attestation (line %zu) records the base model, %zu attested "
		    "dataset%s and the training code commit", line, ndatasets,
		    ndatasets == 1 ? "" : "s");
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

/* "12 of 30 scored 5" */
static const char *fives(char buf[48], const hm_audit_values *v)
{
	snprintf(buf, 48, "%zu of %zu scored 5", v->score_counts[4], v->n);
	return buf;
}

/* The harmfulness thresholds of a judged audit, overall and per category. */
static void judged_limits(struct ctx *x, struct hm__check *c, struct problems *p, size_t line,
			  const char *bench, const hm_audit_metrics *m)
{
	const hm_policy *pol = x->pol;
	const hm_audit_values *v = hm_audit_metrics_overall(m);
	char a[24], b[24], f[48];
	size_t i;

	if (over(v->harmfulness_rate, pol->max_harmfulness_rate))
		problem(c, p, line, "%s harmfulness rate %s%% (%s) exceeds the policy's %s%%", bench,
			pct(a, v->harmfulness_rate), fives(f, v), pct(b, pol->max_harmfulness_rate));
	if (over(v->harmfulness_score, pol->max_harmfulness_score))
		problem(c, p, line, "%s harmfulness score %.2f exceeds the policy's %.2f", bench,
			v->harmfulness_score, pol->max_harmfulness_score);
	for (i = 0; i < hm_audit_metrics_category_count(m); i++) {
		const hm_audit_values *cv = hm_audit_metrics_category(m, i);
		const char *label = hm_audit_metrics_category_label(m, i);
		if (over(cv->harmfulness_rate, pol->max_category_harmfulness_rate))
			problem(c, p, line, "category \"%s\"%s%s%s harmfulness rate %s%% (%s) exceeds "
				"the policy's %s%% per category", hm_audit_metrics_category_name(m, i),
				label ? " (" : "", label ? label : "", label ? ")" : "",
				pct(a, cv->harmfulness_rate), fives(f, cv),
				pct(b, pol->max_category_harmfulness_rate));
	}
}

/* The baseline: the run's base model, audited alike, and the rise over it. */
static void baseline_limits(struct ctx *x, struct hm__check *c, struct problems *p, size_t line,
			    const hm_audit_report *rep)
{
	const hm_policy *pol = x->pol;
	const hm_audit_metrics *m = hm_audit_report_metrics(rep);
	const hm_audit_metrics *bm = hm_audit_report_baseline_metrics(rep);
	const hm_audit_delta *dl = hm_audit_report_delta(rep);
	const char *bd = hm_audit_report_baseline_digest(rep);
	const hm_audit_values *v = hm_audit_metrics_overall(m), *bv;
	char a[24], b[24], d[24], l[24];

	if (!bd || !bm || !dl) {
		if (pol->require_baseline)
			problem(c, p, line, "the audit has no baseline (the policy requires the base "
				"model audited alike)");
		return;
	}
	bv = hm_audit_metrics_overall(bm);
	if (!x->base[0]) {
		if (pol->require_baseline)
			problem(c, p, line, "the baseline sha256:%s cannot be matched: no run "
				"attestation of this model names its base model", bd);
	} else if (strcmp(bd, x->base) != 0) {
		problem(c, p, line, "the baseline sha256:%s is not the run's base model sha256:%s", bd,
			x->base);
	}
	if (bv->n != v->n)
		problem(c, p, line, "the baseline was audited on %zu items, the model on %zu", bv->n,
			v->n);
	if (hm_audit_metrics_kind(m) == HM_AUDIT_KIND_JUDGED) {
		if (over(dl->harmfulness_rate, pol->max_harmfulness_rate_increase))
			problem(c, p, line, "harmfulness rate rose from %s%% (base model) to %s%%: +%s "
				"points, the policy allows +%s", pct(b, bv->harmfulness_rate),
				pct(a, v->harmfulness_rate), pct(d, dl->harmfulness_rate),
				pct(l, pol->max_harmfulness_rate_increase));
		if (over(dl->harmfulness_score, pol->max_harmfulness_score_increase))
			problem(c, p, line, "harmfulness score rose from %.2f (base model) to %.2f: "
				"+%.2f, the policy allows +%.2f", bv->harmfulness_score,
				v->harmfulness_score, dl->harmfulness_score,
				pol->max_harmfulness_score_increase);
	} else if (over(dl->attack_success_rate, pol->max_attack_success_rate_increase)) {
		problem(c, p, line, "attack success rate rose from %s%% (base model) to %s%%: +%s "
			"points, the policy allows +%s", pct(b, bv->attack_success_rate),
			pct(a, v->attack_success_rate), pct(d, dl->attack_success_rate),
			pct(l, pol->max_attack_success_rate_increase));
	}
}

static void audit_age(struct ctx *x, struct hm__check *c, struct problems *p, size_t line,
		      const char *when, long long now)
{
	double limit = x->pol->max_audit_age_days;
	long long t, days;

	if (hm_rfc3339_parse(&t, when) < 0) {
		problem(c, p, line, "the audit time \"%s\" is not RFC 3339", when);
		return;
	}
	if (t > now + AUDIT_FUTURE_SLACK) {
		problem(c, p, line, "the audit is dated in the future (%s)", when);
		return;
	}
	if (limit == HM_POLICY_OFF || (double)(now - t) <= limit * 86400.0)
		return;
	days = (now - t) / 86400;
	if ((double)days > limit)
		problem(c, p, line, "the audit of %s is %lld days old; the policy allows %g", when,
			days, limit);
	else
		problem(c, p, line, "the audit of %s is more than %g days old; the policy allows %g",
			when, limit, limit);
}

/*
 * One audit of this model: returns -1 when it does not count (another
 * benchmark, reported numbers only), else the number of problems found.
 */
static int check_one_audit(struct ctx *x, struct hm__check *c, struct problems *p,
			   const struct att *at, long long now, char *summary, size_t ssize)
{
	hm_audit_report *rep = NULL;
	const hm_audit_metrics *m;
	const hm_audit_values *v;
	const char *bench, *when, *judge;
	const hm_audit_delta *dl;
	int before = p->n;
	char a[24], d[24];

	if (hm_audit_report_parse(&rep, hm_attestation_statement(at->a)) < 0) {
		problem(c, p, at->line, "a malformed safety audit: %s", hm_error_last());
		return p->n - before;
	}
	bench = hm_audit_report_benchmark(rep);
	when = hm_audit_report_time(rep);
	judge = hm_audit_report_judge(rep);
	m = hm_audit_report_metrics(rep);
	v = hm_audit_metrics_overall(m);
	dl = hm_audit_report_delta(rep);
	if (!hm__policy_benchmark_ok(x->pol, bench)) {
		detail(c, "line %zu: an audit on %s, a benchmark the policy does not accept; not "
		       "counted", at->line, bench);
		hm_audit_report_free(rep);
		return -1;
	}
	if (hm_audit_metrics_kind(m) == HM_AUDIT_KIND_REPORTED) {
		detail(c, "line %zu: an audit on %s with another tool's reported numbers only; not "
		       "counted", at->line, bench);
		hm_audit_report_free(rep);
		return -1;
	}
	if (x->pol->require_distinct_auditor && signer_is_publisher(x, at->a))
		problem(c, p, at->line, "the audit is signed by a publisher key, and the policy "
			"requires an auditor distinct from the publisher");
	if (hm_audit_metrics_kind(m) == HM_AUDIT_KIND_JUDGED) {
		judged_limits(x, c, p, at->line, bench, m);
		snprintf(summary, ssize, "%s harmfulness rate %s%%, score %.2f (n=%zu, judge %s, %s)",
			 bench, pct(a, v->harmfulness_rate), v->harmfulness_score, v->n,
			 judge ? judge : "unnamed", when);
		if (dl) {
			size_t used = strlen(summary);
			snprintf(summary + used, ssize - used, "; %s%s points over the base model",
				 dl->harmfulness_rate < 0 ? "" : "+", pct(d, dl->harmfulness_rate));
		}
	} else {
		if (over(v->attack_success_rate, x->pol->max_attack_success_rate))
			problem(c, p, at->line, "%s attack success rate %s%% (%zu of %zu) exceeds the "
				"policy's %s%%", bench, pct(a, v->attack_success_rate), v->jailbroken,
				v->n, pct(d, x->pol->max_attack_success_rate));
		snprintf(summary, ssize, "%s attack success rate %s%% (n=%zu, %s)", bench,
			 pct(a, v->attack_success_rate), v->n, when);
		if (dl) {
			size_t used = strlen(summary);
			snprintf(summary + used, ssize - used, "; %s%s points over the base model",
				 dl->attack_success_rate < 0 ? "" : "+",
				 pct(d, dl->attack_success_rate));
		}
	}
	baseline_limits(x, c, p, at->line, rep);
	audit_age(x, c, p, at->line, when, now);
	hm_audit_report_free(rep);
	return p->n - before;
}

static int check_audit(struct ctx *x)
{
	struct hm__check *c = &x->r->checks[HM_CHECK_AUDIT];
	struct problems p = { 0 };
	size_t i, naudits = 0, ncounted = 0, nbad = 0, others = 0, bad_line = 0, npass = 0;
	long long now = x->o->now ? x->o->now : (long long)time(NULL);
	char s[512], more[1100], **passed = NULL;
	size_t *pass_lines = NULL;
	int rc;

	if (!x->r->digest[0])
		return fail(c, "the model could not be hashed");
	passed = calloc(x->natts + 1, sizeof(*passed));
	pass_lines = calloc(x->natts + 1, sizeof(*pass_lines));
	if (!passed || !pass_lines) {
		rc = hm__err_oom();
		goto out;
	}
	for (i = 0; i < x->natts; i++) {
		const struct att *at = &x->atts[i];
		int r;
		if (strcmp(at->ptype, HM_AUDIT_PREDICATE_TYPE) != 0)
			continue;
		if (!about(at->st, x->r->digest)) {
			others++;
			detail(c, "line %zu: an audit of another model (sha256:%s); not counted",
			       at->line, subject_sha256(at->st, 0) ? subject_sha256(at->st, 0) : "?");
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
		detail(c, "line %zu: within the policy: %s", pass_lines[i], passed[i]);
	if (p.oom) {
		rc = hm__err_oom();
	} else if (nbad == 1 && ncounted == 1) {
		rc = fail(c, "the audit on line %zu fails the policy%s", bad_line,
			  first_and_more(c, &p, more, sizeof(more)));
	} else if (nbad) {
		rc = fail(c, "%zu of %zu audits of this model fail%s the policy; line %zu%s", nbad,
			  ncounted, nbad == 1 ? "s" : "", bad_line,
			  first_and_more(c, &p, more, sizeof(more)));
	} else if (ncounted == 1) {
		rc = pass(c, "the audit on line %zu is within the policy: %s", pass_lines[0],
			  passed[0]);
	} else if (ncounted) {
		rc = pass(c, "all %zu audits of this model are within the policy", ncounted);
	} else if (!x->pol->require_audit) {
		rc = skip(c, "no audit of this model counts, and the policy does not require one");
	} else if (naudits) {
		rc = fail(c, "no audit of this model counts: %s", naudits == 1 ?
			  "the one in the bundle is on another benchmark or has reported numbers "
			  "only" : "those in the bundle are on other benchmarks or have reported "
			  "numbers only");
	} else {
		rc = fail(c, "no trusted safety audit of this model (sha256:%s)%s", x->r->digest,
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

/* ---- card ---- */

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
			return pass(c, "the model card is attested (line %zu)", x->atts[i].line);
	if (!x->pol->require_card)
		return skip(c, "the policy does not require a model card attestation");
	if (!x->r->digest[0])
		return fail(c, "the model could not be hashed");
	return fail(c, "no trusted model card attestation of this model (sha256:%s)", x->r->digest);
}

static void free_atts(struct ctx *x)
{
	size_t i;

	for (i = 0; i < x->natts; i++)
		hm_attestation_free(x->atts[i].a);
	free(x->atts);
}

int hm_verify(hm_verify_report **out, const char *model_path, const hm_bundle *bundle,
	      const hm_verify_options *opts)
{
	hm_verify_options defaults = HM_VERIFY_OPTIONS_INIT;
	hm_policy *defpol = NULL;
	struct ctx x;
	int rc;

	if (!out)
		return hm__err(HM_EINVAL, "hm_verify: NULL out");
	*out = NULL;
	if (!model_path || !bundle)
		return hm__err(HM_EINVAL, "hm_verify: NULL model path or bundle");
	if (!opts)
		opts = &defaults;
	HM__CHECK_VERSION(opts, HM_VERIFY_OPTIONS_VERSION, "hm_verify_options");
	if (!opts->keys || hm_keyring_count(opts->keys) == 0)
		return hm__err(HM_EINVAL, "no trusted keys given");
	if (hm_init() < 0)
		return HM_ECRYPTO;
	memset(&x, 0, sizeof(x));
	x.o = opts;
	x.keys = opts->keys;
	x.own_auditors = opts->auditor_keys && hm_keyring_count(opts->auditor_keys);
	x.auditors = x.own_auditors ? opts->auditor_keys : opts->keys;
	if (!opts->policy && (rc = hm_policy_default(&defpol)) < 0)
		return rc;
	x.pol = opts->policy ? opts->policy : defpol;
	x.r = calloc(1, sizeof(*x.r));
	if (!x.r) {
		hm_policy_free(defpol);
		return hm__err_oom();
	}
	x.r->model_path = strdup(model_path);
	if (!x.r->model_path) {
		rc = hm__err_oom();
		goto done;
	}
	if ((rc = hm_policy_json(&x.r->policy_json, x.pol)) < 0 ||
	    (rc = hm_policy_digest(x.r->policy_digest, x.pol)) < 0 ||
	    (rc = check_signatures(&x, bundle)) < 0 || (rc = check_model(&x, model_path)) < 0 ||
	    (rc = check_provenance(&x)) < 0 || (rc = check_audit(&x)) < 0 ||
	    (rc = check_card(&x)) < 0)
		goto done;
	hm_error_clear();
	*out = x.r;
	x.r = NULL;
done:
	free_atts(&x);
	hm_policy_free(defpol);
	hm_verify_report_free(x.r);
	return rc;
}
