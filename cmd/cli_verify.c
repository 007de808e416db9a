/* Running a verification from command-line arguments: shared by verify and report. */
#include "cli.h"
#include "cli_progress.h"

/* A digest cache problem: said between progress bars. */
static void cache_warning(const char *msg, void *payload)
{
	progress_done(payload);
	cli_warn("%s", msg);
}

int cli_verify_model(hm_verify_report **out, const struct cli_verify_args *a)
{
	hm_verify_options vo = HM_VERIFY_OPTIONS_INIT;
	hm_trust_options to = HM_TRUST_OPTIONS_INIT;
	hm_trusted_bundle *tb = NULL;
	hm_digest_options dopts = HM_DIGEST_OPTIONS_INIT;
	hm_keyring *kr = NULL, *akr = NULL;
	hm_policy *policy = NULL;
	hm_bundle *bundle = NULL;
	struct progress prog;
	hm_digest_stats stats = { 0, 0, 0, 0 };
	int rc, status;

	*out = NULL;
	if (a->trusted)
		*a->trusted = NULL;
	if ((status = cli_keyring(&kr, a->keys, "--key")) != 0)
		return status;
	if (a->auditor_keys->n &&
	    (status = cli_keyring(&akr, a->auditor_keys, "--auditor-key")) != 0)
		goto out;
	status = EXIT_USAGE;
	if (a->policy && (rc = hm_policy_load(&policy, a->policy)) < 0) {
		cli_lib_error(rc);
		goto out;
	}
	if ((rc = hm_bundle_load(&bundle, a->bundle)) < 0) {
		cli_lib_error(rc);
		goto out;
	}
	to.keys = kr;
	to.auditor_keys = akr;
	if ((rc = hm_trusted_bundle_open(&tb, bundle, &to)) < 0) {
		cli_lib_error(rc);
		goto out;
	}
	vo.keys = kr;
	vo.auditor_keys = akr;
	vo.policy = policy;
	vo.now = a->now;
	dopts.jobs = a->jobs;
	dopts.cache = a->cache;
	dopts.warning = cache_warning;
	dopts.warning_payload = &prog;
	dopts.stats = &stats;
	vo.digest = &dopts;
	progress_attach(&prog, &dopts, "hashing", a->no_progress);
	rc = hm_verify_trusted(out, a->model, tb, &vo);
	progress_done(&prog);
	if (a->cache && rc >= 0)
		fprintf(stderr,
			"hallmark: digest cache: %llu file%s (%llu bytes) unchanged and not read, "
			"%llu file%s (%llu bytes) hashed\n",
			(unsigned long long)stats.files_cached, stats.files_cached == 1 ? "" : "s",
			(unsigned long long)stats.bytes_cached,
			(unsigned long long)stats.files_hashed, stats.files_hashed == 1 ? "" : "s",
			(unsigned long long)stats.bytes_hashed);
	if (rc < 0) {
		cli_lib_error(rc);
		goto out;
	}
	status = 0;
	if (a->trusted) {
		*a->trusted = tb;
		tb = NULL;
	}
out:
	hm_trusted_bundle_free(tb);
	hm_bundle_free(bundle);
	hm_policy_free(policy);
	hm_keyring_free(kr);
	hm_keyring_free(akr);
	return status;
}
