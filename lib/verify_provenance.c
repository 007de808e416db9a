/*
 * The provenance check: a fine-tuning run attestation of this model whose
 * base model, datasets and training code are recorded (and attested, as the
 * policy asks).
 */
#include "verify_impl.h"
#include "provenance_impl.h"

#include <stdlib.h>
#include <string.h>

/* A count of the dataset predicate, or 0. */
static unsigned long long count_of(const json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) > 0
		       ? (unsigned long long)json_integer_value(v) : 0;
}

/*
 * Training-data screening: the records the dataset attestation on ds flagged,
 * a WARN line naming the counts by category, and a problem when the policy
 * limits them.
 */
static int screening(struct hm__vctx *x, struct hm__check *c, struct hm__problems *p,
		     const char *name, const struct hm__vatt *ds)
{
	const json_t *pred = json_object_get(ds->st, "predicate");
	const json_t *scr = json_object_get(pred, "screening"), *cats, *v;
	unsigned long long flagged = count_of(json_object_get(scr, "flagged_records"));
	unsigned long long records = count_of(json_object_get(scr, "records_scanned"));
	struct hm__flagged d;
	char bycat[512] = "", share[24], max[24];
	const char *k;

	if (!flagged)
		return 0;
	if (!records)
		records = count_of(json_object_get(json_object_get(pred, "stats"), "records"));
	cats = json_object_get(scr, "categories");
	json_object_foreach((json_t *)cats, k, v) {
		size_t used = strlen(bycat);
		if (!count_of(v) || used > sizeof(bycat) - 80)
			continue;
		snprintf(bycat + used, sizeof(bycat) - used, "%s%.60s %llu", used ? ", " : "", k,
			 count_of(v));
	}
	d = hm__policy_flagged(x->pol, flagged, records);
	hm__pct(share, d.share);
	if (d.fail_records)
		hm__vproblem(c, p, 0, "dataset %s (line %zu): screening flagged %llu of %llu records "
			     "(%s); the policy allows %.0f", name, ds->line, flagged, records, bycat,
			     d.max_records);
	else if (d.fail_share)
		hm__vproblem(c, p, 0, "dataset %s (line %zu): screening flagged %llu of %llu records "
			     "(%s%%: %s); the policy allows %s%%", name, ds->line, flagged, records,
			     share, bycat, hm__pct(max, d.max_share));
	return hm__vwarn(c, "dataset %s (line %zu): screening flagged %llu of %llu records: %s",
			 name, ds->line, flagged, records, bycat[0] ? bycat : "no category named");
}

int hm__check_provenance(struct hm__vctx *x)
{
	struct hm__check *c = &x->r->checks[HM_CHECK_PROVENANCE];
	struct hm__problems p = { 0 };
	struct hm__run r;
	const json_t *run = NULL;
	const struct hm__vatt *other = NULL;
	size_t i, line = 0, ndatasets = 0;
	const char *commit = NULL;
	char more[1100];
	int dirty = 0, base_seen = 0;

	if (!x->r->digest[0])
		return hm__vfail(c, "the model could not be hashed");
	for (i = 0; i < x->natts && !run; i++) {
		if (!hm__run_is_run(x->atts[i].st))
			continue;
		if (hm__vabout(x->atts[i].st, x->r->digest)) {
			run = x->atts[i].st;
			line = x->atts[i].line;
		} else if (!other) {
			other = &x->atts[i];
		}
	}
	if (!run) {
		if (other)
			hm__vdetail(c, "line %zu: a run attestation of another model (sha256:%s), not "
				    "counted", other->line, hm__vsubject_sha256(other->st, 0) ?
				    hm__vsubject_sha256(other->st, 0) : "?");
		if (!x->pol->require_provenance)
			return hm__vskip(c, "no run attestation of this model, and the policy does not "
					 "require one");
		return hm__vfail(c, "no trusted fine-tuning run attestation of this model (sha256:%s)%s",
				 x->r->digest, other ? "; the bundle's run is of another model" : "");
	}
	if (hm__run_parse(&r, run) < 0)
		return HM_ENOMEM;
	if (r.adapter) {
		const char *pt = hm__json_str(r.adapter, "peft_type");
		const json_t *rank = json_object_get(r.adapter, "r");
		x->adapter = 1;
		if (json_is_integer(rank))
			hm__vdetail(c, "the model is a PEFT adapter (%s, r=%lld)", pt ? pt : "?",
				    (long long)json_integer_value(rank));
		else
			hm__vdetail(c, "the model is a PEFT adapter (%s)", pt ? pt : "?");
	}
	for (i = 0; i < r.ndeps; i++) {
		const struct hm__run_dep *dep = &r.deps[i];
		const char *role = dep->role, *name = dep->name, *sha = dep->sha256;
		if (!role)
			continue;
		if (!name)
			name = "(unnamed)";
		if (strcmp(role, "base-model") == 0) {
			const struct hm__vatt *bm;
			base_seen = 1;
			if (!sha || !hm__is_lower_hex(sha, 64)) {
				hm__vproblem(c, &p, 0, "base model %s: no sha256 digest recorded", name);
				continue;
			}
			memcpy(x->base, sha, 65);
			if (dep->hub_id)
				hm__vdetail(c, "base model hub id %s", dep->hub_id);
			bm = hm__vfind(x, HM_OMS_PREDICATE_TYPE, sha);
			if (bm)
				hm__vdetail(c, "base model %s sha256:%s (its manifest is line %zu)", name, sha,
					    bm->line);
			else if (x->pol->require_base_model_attestation)
				hm__vproblem(c, &p, 0, "base model %s sha256:%s has no trusted model manifest "
					     "in the bundle (the policy requires one)", name, sha);
			else
				hm__vdetail(c, "base model %s sha256:%s", name, sha);
		} else if (strcmp(role, "dataset") == 0) {
			const struct hm__vatt *ds;
			ndatasets++;
			if (!sha || !hm__is_lower_hex(sha, 64)) {
				hm__vproblem(c, &p, 0, "dataset %s: no sha256 digest recorded", name);
				continue;
			}
			ds = hm__vfind(x, HM_DATASET_PREDICATE_TYPE, sha);
			if (!ds) {
				hm__vproblem(c, &p, 0, "dataset %s sha256:%s has no trusted dataset "
					     "attestation", name, sha);
				continue;
			}
			if (screening(x, c, &p, name, ds) < 0)
				p.oom = 1;
			if (x->pol->require_dataset_license &&
			    !hm__dataset_predicate_license(ds->st)) {
				hm__vproblem(c, &p, 0, "dataset %s (line %zu) records no license (the policy "
					     "requires one)", name, ds->line);
				continue;
			}
			hm__vdetail(c, "dataset %s sha256:%s attested on line %zu", name, sha, ds->line);
		} else if (strcmp(role, "training-code") == 0) {
			const char *uri = dep->uri;
			commit = dep->git_commit;
			dirty = dep->dirty;
			hm__vdetail(c, "training code %s at commit %s%s", uri ? uri : "(no remote)",
				    commit ? commit : "(none)", dirty ? ", work tree dirty" : "");
		}
	}
	if (!base_seen)
		hm__vproblem(c, &p, 0, "the run records no base model");
	if (ndatasets == 0)
		hm__vproblem(c, &p, 0, "the run lists no datasets");
	if (x->pol->require_training_code && !commit)
		hm__vproblem(c, &p, 0, "the run records no training code commit");
	if (x->pol->require_clean_training_tree && commit && dirty)
		hm__vproblem(c, &p, 0, "the training code work tree was dirty when the run was recorded "
			     "(the policy requires a clean tree)");
	hm__run_clear(&r);
	if (p.oom)
		return hm__err_oom();
	if (p.n)
		return hm__vfail(c, "the run attestation (line %zu) fails %d requirement%s%s", line, p.n,
				 p.n == 1 ? "" : "s", hm__first_and_more(c, &p, more, sizeof(more)));
	if (!commit)
		return hm__vpass(c, "the run attestation (line %zu) records the base model and %zu "
				 "attested dataset%s (no training code)", line, ndatasets,
				 ndatasets == 1 ? "" : "s");
	return hm__vpass(c, "the run attestation (line %zu) records the base model, %zu attested "
			 "dataset%s and the training code commit", line, ndatasets,
			 ndatasets == 1 ? "" : "s");
}

