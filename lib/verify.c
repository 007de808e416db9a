/*
 * hallmark verify: signatures, model files, provenance, safety audit (and
 * card) and the base model, each a check with a one-line reason and details. This file runs the
 * checks in order; each check is in its own file (verify_<check>.c), the
 * trust decision in trust.c and the policy's decisions in policy.c. Fail
 * closed: anything missing, unknown or mismatched fails its check.
 */
#include "verify_impl.h"
#include "adapter_impl.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char *const check_names[HM_CHECK_COUNT] = { "signatures", "model", "provenance",
							 "audit", "card", "base_model" };

const char *hm_check_name(hm_check_id id)
{
	return (unsigned)id < HM_CHECK_COUNT ? check_names[id] : "unknown";
}

/* The caller's options as the current version (version 1 has neither base_model nor
   ignore_unsigned_files). */
static int check_options(hm_verify_options *out, const hm_verify_options *opts)
{
	if (opts->version == 1) {
		hm_verify_options def = HM_VERIFY_OPTIONS_INIT;
		*out = def;
		memcpy(out, opts, offsetof(hm_verify_options, base_model));
		out->version = HM_VERIFY_OPTIONS_VERSION;
		return 0;
	}
	HM__CHECK_VERSION(opts, HM_VERIFY_OPTIONS_VERSION, "hm_verify_options");
	*out = *opts;
	return 0;
}

int hm_verify_trusted(hm_verify_report **out, const char *model_path, const hm_trusted_bundle *tb,
		      const hm_verify_options *opts)
{
	hm_verify_options defaults = HM_VERIFY_OPTIONS_INIT, o;
	hm_policy *defpol = NULL;
	struct hm__vctx x;
	int rc;

	if (!out)
		return hm__err(HM_EINVAL, "hm_verify: NULL out");
	*out = NULL;
	if (!model_path || !tb)
		return hm__err(HM_EINVAL, "hm_verify: NULL model path or bundle");
	if (!opts)
		opts = &defaults;
	if ((rc = check_options(&o, opts)) < 0)
		return rc;
	opts = &o;
	memset(&x, 0, sizeof(x));
	x.o = opts;
	x.adapter = hm__adapter_present(model_path);
	x.tb = tb;
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
	    (rc = hm__check_signatures(&x)) < 0 || (rc = hm__check_model(&x, model_path)) < 0 ||
	    (rc = hm__check_provenance(&x)) < 0 || (rc = hm__check_audit(&x)) < 0 ||
	    (rc = hm__check_card(&x)) < 0 || (rc = hm__check_base_model(&x)) < 0)
		goto done;
	hm_error_clear();
	*out = x.r;
	x.r = NULL;
done:
	hm_benchmark_registry_free(x.registry);
	free(x.atts);
	hm_policy_free(defpol);
	hm_verify_report_free(x.r);
	return rc;
}

int hm_verify(hm_verify_report **out, const char *model_path, const hm_bundle *bundle,
	      const hm_verify_options *opts)
{
	hm_verify_options defaults = HM_VERIFY_OPTIONS_INIT, o;
	hm_trust_options to = HM_TRUST_OPTIONS_INIT;
	hm_trusted_bundle *tb = NULL;
	int rc;

	if (!out)
		return hm__err(HM_EINVAL, "hm_verify: NULL out");
	*out = NULL;
	if (!model_path || !bundle)
		return hm__err(HM_EINVAL, "hm_verify: NULL model path or bundle");
	if (!opts)
		opts = &defaults;
	if ((rc = check_options(&o, opts)) < 0)
		return rc;
	opts = &o;
	if (!opts->keys || hm_keyring_count(opts->keys) == 0)
		return hm__err(HM_EINVAL, "no trusted keys given");
	to.keys = opts->keys;
	to.auditor_keys = opts->auditor_keys;
	if ((rc = hm_trusted_bundle_open(&tb, bundle, &to)) < 0)
		return rc;
	rc = hm_verify_trusted(out, model_path, tb, opts);
	hm_trusted_bundle_free(tb);
	return rc;
}
