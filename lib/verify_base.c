/*
 * The base model check: a PEFT adapter is only the model it was signed as
 * when it is applied to the base its run records. The base on disk is hashed
 * (as its own signed manifest says, when the bundle holds one) and matched to
 * the run's signed base digest; without a base to check, the policy decides
 * (require_base_model_check).
 */
#include "statement_impl.h"
#include "verify_impl.h"

#include <stdlib.h>
#include <string.h>

#define REASON_NAMES 3 /* changed files named in the reason */

/* The files of the base that differ from its signed manifest, as details and a summary. */
static int name_differences(struct hm__check *c, const hm_manifest *m, const json_t *oms,
			    char *buf, size_t size)
{
	static const char *const kind[] = { "", "missing", "extra", "changed" };
	hm_manifest_diff *diffs = NULL;
	size_t nd = 0, i, used = 0;
	char *pred = hm__json_canonical(json_object_get(oms, "predicate"), NULL);
	int rc;

	buf[0] = '\0';
	if (!pred)
		return hm__err_oom();
	rc = hm_manifest_compare(&diffs, &nd, m, pred, strlen(pred));
	free(pred);
	if (rc < 0)
		return rc == HM_ENOMEM ? rc : 0;
	for (i = 0; i < nd; i++) {
		hm__vdetail(c, "%s: %s", kind[diffs[i].kind], diffs[i].name);
		if (i < REASON_NAMES && used < size)
			used += (size_t)snprintf(buf + used, size - used, "%s%s %.120s",
						 i ? "; " : " (", kind[diffs[i].kind],
						 diffs[i].name);
	}
	if (nd > REASON_NAMES && used < size)
		used += (size_t)snprintf(buf + used, size - used, " and %zu more", nd - REASON_NAMES);
	if (nd && used < size)
		snprintf(buf + used, size - used, ")");
	hm_free(diffs);
	return 0;
}

/* Hashes the base given; 1 when it was hashed, 0 when the check already failed, <0 fatal. */
static int hash_base(struct hm__vctx *x, struct hm__check *c, hm_manifest **m,
		     const json_t **oms)
{
	const struct hm__vatt *bm = x->base[0] ? hm__vfind(x, HM_OMS_PREDICATE_TYPE, x->base)
					       : NULL;
	int rc;

	*oms = bm ? hm__statement_json(bm->stmt) : NULL; /* whole: its resources are named */
	if ((rc = hm__vhash_model(m, x->o->base_model, *oms, x->o)) < 0) {
		if (hm__vhash_fatal(rc))
			return hm__err_prefix("base model: ");
		return hm__vfail(c, "cannot hash the base model %s: %s", x->o->base_model,
				 hm_error_last());
	}
	memcpy(x->r->base_found, hm_manifest_root(*m), 65);
	if (bm)
		hm__vdetail(c, "hashed as the base model's signed manifest (line %zu) says", bm->line);
	return 1;
}

int hm__check_base_model(struct hm__vctx *x)
{
	struct hm__check *c = &x->r->checks[HM_CHECK_BASE_MODEL];
	const char *given = x->o->base_model, *sig = x->base[0] ? x->base : NULL;
	const json_t *oms = NULL;
	hm_manifest *m = NULL;
	char names[512] = "";
	int rc = 0;

	x->r->adapter = x->adapter;
	memcpy(x->r->base_signed, x->base, 65);
	if (given) {
		if (!(x->r->base_path = strdup(given)))
			return hm__err_oom();
		if ((rc = hash_base(x, c, &m, &oms)) <= 0)
			goto out;
	}
	switch (hm__policy_base_model(x->pol, x->adapter, sig, given ? x->r->base_found : NULL)) {
	case HM__BASE_MATCH:
		rc = hm__vpass(c, "the base model %s is the run's signed base sha256:%s", given, sig);
		break;
	case HM__BASE_MISMATCH:
		if (oms && (rc = name_differences(c, m, oms, names, sizeof(names))) < 0)
			break;
		rc = hm__vfail(c, "the base model %s is sha256:%s, not the run's signed base "
			       "sha256:%s%s", given, x->r->base_found, sig, names);
		break;
	case HM__BASE_NO_SIGNED:
		rc = hm__vfail(c, "no trusted run attestation of this model records a base model to "
			       "check %s (sha256:%s) against", given, x->r->base_found);
		break;
	case HM__BASE_UNCHECKED_FAIL:
		rc = hm__vfail(c, "the model is a PEFT adapter and its base model was not checked "
			       "(give it with --base-model; %s%s): the policy requires the check "
			       "(require_base_model_check)", sig ? "the run's signed base is sha256:"
			       : "no run records its base", sig ? sig : "");
		break;
	case HM__BASE_UNCHECKED_WARN:
		if ((rc = hm__vwarn(c, "the model is a PEFT adapter and its base model was not "
				    "checked: it is the signed model only on top of %s%s", sig ?
				    "base sha256:" : "a base no run records", sig ? sig : "")) < 0)
			break;
		rc = hm__vskip(c, "the base model was not checked (the policy does not require it: "
			       "require_base_model_check is false)");
		break;
	case HM__BASE_NOT_ASKED:
		rc = hm__vskip(c, "not a PEFT adapter, and no base model given to check");
		break;
	}
out:
	hm_manifest_free(m);
	return rc;
}
